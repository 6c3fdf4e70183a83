//! Rail: the links between communities (entities), the network's routes over them, freight of
//! food and goods between communities, and travel.

pub mod freight;
pub mod links;
pub mod network;
pub mod travel;

#[cfg(test)]
mod goods_freight_tests;

#[cfg(test)]
mod links_tests;

#[cfg(test)]
mod rail_tests;

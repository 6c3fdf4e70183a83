//! Rail: the network, freight of food and goods between communities, and travel.

pub mod network;

#[cfg(test)]
mod goods_freight_tests;

#[cfg(test)]
mod rail_tests;

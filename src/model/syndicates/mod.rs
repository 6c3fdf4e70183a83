//! Syndicates making goods: each community's plan, making and delivery of goods, and the world
//! syndicates making devices.

pub mod economy;
pub mod global;
pub mod table;

#[cfg(test)]
mod clothing_tests;

#[cfg(test)]
pub(crate) mod economy_tests;

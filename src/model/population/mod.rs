//! Population: founding the world (persons, communities, regions), ageing, births and deaths,
//! illness and recovery, and each person's needs.

pub mod demography;
pub mod life;
pub mod moves;
pub mod needs;
pub mod setup;
pub mod split;

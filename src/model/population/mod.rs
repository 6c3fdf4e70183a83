//! Population: founding the world (persons, communities, regions), illness and recovery, and
//! each person's needs.

pub mod life;
pub mod needs;
pub mod setup;

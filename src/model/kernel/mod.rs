//! The kernel: the types every mechanism reads and none owns. The parameters and their
//! declarations, the calendar, the seeded random streams, the ECS components and the day ledger,
//! the goods catalogue and its technology matrices, the decisions in force, and the log.
//!
//! Nothing here imports a mechanism folder; every mechanism may import from here.

pub mod calendar;
pub mod chunks;
pub mod components;
pub mod decisions;
pub mod decl;
pub mod goods;
pub mod households;
pub mod ledger;
pub mod life_table;
pub mod log;
pub mod newcomers;
pub mod params;
pub mod regions;
pub mod rng;
pub mod stats;
pub mod supply;
pub mod technology;

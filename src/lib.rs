//! `commune`: an agent-based simulation of the anarchist-communist economy described in
//! "A Vision of a Better World".
//!
//! [`model`] is the simulation core (no I/O). [`scenario`] loads and validates scenario files,
//! [`runner`] steps a scenario through its days, [`output`] writes run directories, [`memory`] measures the process for `--profile`, [`cli`] is the command line and [`serve`] the live dashboard;
//! these are the edges.

// Per-sector figures sit in parallel fixed-size arrays; indexing them by sector reads better than
// zipping four iterators.
#![allow(clippy::needless_range_loop)]

pub mod accounts;
pub mod analysis;
pub mod cli;
pub mod experiment;
pub mod memory;
pub mod model;
pub mod output;
pub mod plot;
pub mod runner;
pub mod scenario;
pub mod serve;

//! Metrics: the day's row, per-community rows, the accounting that fills them, and the run's
//! summary.

pub mod accounting;
pub mod community;
pub mod row;
pub mod satisfaction;
pub mod summary;

#[cfg(test)]
mod balance_tests;

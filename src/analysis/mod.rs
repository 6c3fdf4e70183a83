//! Analysis of run tables: confidence intervals of means across seeds, and inequality across
//! persons. Plots, experiments and reports read these; none of it runs a simulation.

pub mod inequality;
pub mod stats;

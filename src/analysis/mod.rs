//! Analysis of run tables: confidence intervals of means across seeds, and inequality across
//! persons, exactly or from quantiles. Plots, experiments and reports read these; none of it runs a simulation.

pub mod docking;
pub mod inequality;
pub mod quantiles;
pub mod stats;

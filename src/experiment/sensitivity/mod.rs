//! Global sensitivity analysis: which parameters drive each output.
//!
//! - [`sample`]: designs in the unit hypercube (Saltelli's, Morris' trajectories and radial
//!   blocks) and the maps from the unit interval to each parameter's distribution;
//! - [`sobol`]: first-order, total and second-order Sobol' indices;
//! - [`morris`]: Morris elementary effects, mu, mu* and sigma;
//!
//! all pure functions, checked against analytical indices and SALib's output; and [`run`], which
//! runs a scenario's `[sensitivity]` design through the sweep machinery and writes the indices.

pub mod morris;
pub mod run;
pub mod sample;
pub mod sobol;

//! Food: the farm's season plan, harvests and gardens, the kitchen, droughts, and serving by need.

pub mod distribution;
pub mod droughts;
pub mod outlook;
pub mod plan;
pub mod production;

//! Governance: general assemblies, delegates to regional and world assemblies, proposals and votes.

pub mod assembly;

//! The integration tests, built as one test binary (`it`): each test binary links the whole
//! crate with polars and axum, so they are linked once here rather than once per file.
//!
//! Each file is a module; run one of them with a filter on its name, for example
//! `cargo test --test it rail::` (`cargo test --test it golden` checks the golden summaries of
//! the shipped scenarios; `COMMUNE_BLESS=1` in front regenerates them). Helpers shared by the
//! modules are in `common.rs`.

mod common;

mod accounts;
mod agreements;
mod bad_input;
mod cli;
mod communities;
mod decompose;
mod demography;
mod dock;
mod docs;
mod energy;
mod events;
mod experiments;
mod golden;
mod golden_distribution;
mod governance;
mod guild_moves;
mod harvest_hours;
mod households;
mod input_agreements;
mod kitchens;
mod layout;
mod learning;
mod longer_by;
mod moves;
mod newcomers;
mod planning;
mod policy;
mod proposals;
mod quantiles;
mod rail;
mod sensitivity;
mod serve;
mod split;
mod standing_agreements;
mod status_quo;
mod supply;
mod syndicate_assemblies;
mod table_economy;
mod volunteer;
mod wants;

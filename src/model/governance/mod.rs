//! Governance: general assemblies, delegates to regional and world assemblies, proposals and votes.
//!
//! `assembly.rs` holds the meetings (which are due, who attends, the community decisions, the
//! delegates and recalls); `voting.rs` the members' scores and the rules that decide; and
//! `proposals/` one file per kind of proposal, registered in `proposals::KINDS`.

pub mod assembly;
pub mod proposals;
mod voting;

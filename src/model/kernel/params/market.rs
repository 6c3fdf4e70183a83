//! The `[market]` section: the status quo's hours worked for money.

use crate::model::kernel::decl::{Check, Decl};
use serde::{Deserialize, Serialize};

/// The `[market]` section.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MarketParams {
    /// Storable goods made beyond what is wanted and thrown away, per unit wanted (ratio, 0..2).
    pub overproduction: f64,
    /// Share of adults given no work (0..1).
    pub unemployed_share: f64,
    /// Share of every syndicate's hours spent on money and law, making nothing (0..0.9).
    pub money_law_share: f64,
}

/// The declarations of this section's parameters (see [`super::decl`]).
pub const DECLS: &[Decl] = &[
    Decl::new(
        "market.overproduction",
        "",
        Check::Range(0.0, 2.0),
        "Storable goods made beyond what is wanted and thrown away, per unit wanted.",
        "",
    ),
    Decl::new(
        "market.unemployed_share",
        "share",
        Check::Share,
        "Share of adults given no work.",
        "",
    )
    .fixed("who is unemployed is drawn when the world is built"),
    Decl::new(
        "market.money_law_share",
        "share",
        Check::Range(0.0, 0.9),
        "Share of every syndicate's hours spent on money and law, making nothing.",
        "",
    ),
];

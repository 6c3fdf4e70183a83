//! The `[dwellings]` section: housing stock, household size and upkeep.

use crate::model::kernel::decl::{Check, Decl};
use serde::{Deserialize, Serialize};

/// The `[dwellings]` section.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DwellingParams {
    /// Floor area of dwellings per person at the start (m2/person).
    pub m2_per_person: f64,
    /// Floor area kept beyond the need, empty for newcomers and moves (share of need, 0..1).
    pub vacancy_share: f64,
    /// Mean life of a dwelling: the stock wears out at one over this a year (years).
    pub life_years: f64,
    /// Labour to build a m2, posted to the construction syndicate (hours/m2).
    pub build_hours_per_m2: f64,
    /// Construction goods a m2 takes (t/m2).
    pub build_materials_t_per_m2: f64,
    /// Mean days a m2 takes to build at full staffing: each day a `1 / build_days` share of the
    /// work still to do is posted (days).
    pub build_days: f64,
}

impl Default for DwellingParams {
    fn default() -> Self {
        Self {
            // The housing need (30 m2 a person) and a little more, standing at the start.
            m2_per_person: 31.0,
            // Assumption: 2% of floor area empty at any time.
            vacancy_share: 0.02,
            // Assumptions: dwellings last about a century (EU stock renewed at about 1% a year),
            // 20 hours of building work and a tonne of building materials a m2 (masonry), built
            // over half a year.
            life_years: 100.0,
            build_hours_per_m2: 20.0,
            build_materials_t_per_m2: 1.0,
            build_days: 180.0,
        }
    }
}

/// The declarations of this section's parameters (see [`super::decl`]).
pub const DECLS: &[Decl] = &[
    Decl::new(
        "dwellings.m2_per_person",
        "m2",
        Check::Range(0.0, 1000.0),
        "Floor area of dwellings per person at the start.",
        "The housing need (30 m2 a person) and a little more, standing at the start.",
    )
    .fixed("it is the floor area standing on day 0"),
    Decl::new(
        "dwellings.vacancy_share",
        "share of need",
        Check::Share,
        "Floor area kept beyond the need, empty for newcomers and moves.",
        "Assumption: 2% of floor area empty at any time.",
    ),
    Decl::new(
        "dwellings.life_years",
        "years",
        Check::Range(1.0, 10000.0),
        "Mean life of a dwelling: the stock wears out at one over this a year.",
        "Assumptions: dwellings last about a century (EU stock renewed at about 1% a year), 20 hours of building work and a tonne of building materials a m2 (masonry), built over half a year.",
    ),
    Decl::new(
        "dwellings.build_hours_per_m2",
        "h/m2",
        Check::Range(0.0, 10000.0),
        "Labour to build a m2, posted to the construction syndicate.",
        "",
    ),
    Decl::new(
        "dwellings.build_materials_t_per_m2",
        "t/m2",
        Check::Range(0.0, 100.0),
        "Construction goods a m2 takes.",
        "",
    ),
    Decl::new(
        "dwellings.build_days",
        "days",
        Check::Range(1.0, 36500.0),
        "Mean days a m2 takes to build at full staffing: each day a `1 / build_days` share of the work still to do is posted.",
        "",
    ),
];

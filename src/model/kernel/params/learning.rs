//! The `[learning]` section: study, teaching and skills.

use crate::model::kernel::decl::{Check, Decl};
use serde::{Deserialize, Serialize};

/// The `[learning]` section.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LearningParams {
    /// Whether adults train at regional training centres (on/off).
    pub training: bool,
    /// Chance that an able adult trains on a given day (0..1).
    pub training_share: f64,
    /// Hours a trainee spends training that day, out of their willing hours (hours/day).
    pub training_hours_per_day: f64,
    /// Share of the gap between skill and 1 that an hour of training closes (1/hour).
    pub skill_gain_per_hour: f64,
    /// Whether research communities do research (on/off).
    pub research: bool,
    /// Communities whose members do research (ids, 0-based).
    pub research_communities: Vec<u32>,
    /// Share of their willing hours that members of research communities give to research (0..1).
    pub research_share: f64,
    /// Research hours at which the technology level has risen by `2^elasticity` (hours).
    pub research_hours_scale: f64,
    /// Elasticity of productivity with respect to 1 + research hours / scale (0..1).
    pub research_elasticity: f64,
    /// Highest technology level research can reach (ratio, at least 1).
    pub max_technology: f64,
}

impl Default for LearningParams {
    fn default() -> Self {
        Self {
            training: false,
            // Assumption: one adult in twenty trains on a given day (about 18 days a year).
            training_share: 0.05,
            // Assumption: two hours a training day.
            training_hours_per_day: 2.0,
            // Assumption: a hundred hours of training close about 40% of the gap to full skill.
            skill_gain_per_hour: 0.005,
            research: false,
            research_communities: vec![0],
            // Assumption: a quarter of research communities' willing hours.
            research_share: 0.25,
            // Assumption: a million research hours (about 500 researcher-years) double the
            // base of the power; with elasticity 0.1 that lowers labour per unit by 7%.
            research_hours_scale: 1_000_000.0,
            // Assumption: an elasticity of 0.1, at the low end of published estimates of the
            // output elasticity of R&D capital (0.05-0.2); not in docs/calibration.md.
            research_elasticity: 0.1,
            // Assumption: research can at most halve the labour per unit.
            max_technology: 2.0,
        }
    }
}

/// The declarations of this section's parameters (see [`super::decl`]).
pub const DECLS: &[Decl] = &[
    Decl::new(
        "learning.training",
        "",
        Check::Free,
        "Whether adults train at regional training centres.",
        "",
    ),
    Decl::new(
        "learning.training_share",
        "share",
        Check::Share,
        "Chance that an able adult trains on a given day.",
        "Assumption: one adult in twenty trains on a given day (about 18 days a year).",
    ),
    Decl::new(
        "learning.training_hours_per_day",
        "hours/day",
        Check::Free,
        "Hours a trainee spends training that day, out of their willing hours.",
        "Assumption: two hours a training day.",
    ),
    Decl::new(
        "learning.skill_gain_per_hour",
        "share an hour",
        Check::Share,
        "Share of the gap between skill and 1 that an hour of training closes.",
        "Assumption: a hundred hours of training close about 40% of the gap to full skill.",
    ),
    Decl::new(
        "learning.research",
        "",
        Check::Free,
        "Whether research communities do research.",
        "",
    ),
    Decl::new(
        "learning.research_communities",
        "community ids",
        Check::Free,
        "Communities whose members do research.",
        "",
    )
    .fixed("research communities are chosen when the world is built"),
    Decl::new(
        "learning.research_share",
        "share",
        Check::Share,
        "Share of their willing hours that members of research communities give to research.",
        "Assumption: a quarter of research communities' willing hours.",
    ),
    Decl::new(
        "learning.research_hours_scale",
        "h",
        Check::Range(1.0, 1000000000000000.0),
        "Research hours at which the technology level has risen by `2^elasticity`.",
        "Assumption: a million research hours (about 500 researcher-years) double the base of the power; with elasticity 0.1 that lowers labour per unit by 7%.",
    ),
    Decl::new(
        "learning.research_elasticity",
        "share",
        Check::Share,
        "Elasticity of productivity with respect to 1 + research hours / scale.",
        "Assumption: an elasticity of 0.1, at the low end of published estimates of the output elasticity of R&D capital (0.05-0.2); not in docs/calibration.md.",
    ),
    Decl::new(
        "learning.max_technology",
        "",
        Check::Range(1.0, 100.0),
        "Highest technology level research can reach.",
        "Assumption: research can at most halve the labour per unit.",
    ),
];

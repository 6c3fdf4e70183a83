//! The `[demography]` section: ageing, births and deaths at published age-specific rates.
//!
//! Off by default: persons then keep their stage of life for the whole run, as in every scenario
//! written before this section existed. On, every person has an age in days and a sex; each day
//! everyone ages, may die at their age's rate and, for women, give birth at their age's rate;
//! children join the labour pool at `adult_age` and adults retire at `retirement_age`.
//!
//! The rates come from a life table: one of those shipped in `data/demography/` (UN World
//! Population Prospects 2024), named by `life_table`, or the scenario's own in
//! `[demography.table]`. The scenario layer reads it and derives the [`LifeTable`] the core uses;
//! the core never reads a file.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::model::kernel::decl::{Check, Decl};
use crate::model::kernel::life_table::LifeTable;

/// How the persons of day 0 get their ages.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InitialAges {
    /// Ages and sexes drawn from the stable population the life table implies (Lotka): the age
    /// structure a population keeps under these rates for ever.
    #[default]
    Stable,
    /// The stages of life drawn from `population.child_share` and `population.elder_share` as
    /// without demography, each person's age drawn evenly within their stage.
    Classes,
}

/// A life table given in the scenario: one entry per completed year of age from 0, the last
/// standing for that age and over.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LifeTableRates {
    /// Probability that a woman of each age dies within the year (0..1).
    pub q_female: Vec<f64>,
    /// Probability that a man of each age dies within the year (0..1).
    pub q_male: Vec<f64>,
    /// Daughters born per woman of each age per year.
    pub daughters: Vec<f64>,
    /// Sons born per woman of each age per year.
    pub sons: Vec<f64>,
}

impl LifeTableRates {
    /// Whether no rates are given (the scenario names a shipped table instead).
    pub fn is_empty(&self) -> bool {
        self.q_female.is_empty()
            && self.q_male.is_empty()
            && self.daughters.is_empty()
            && self.sons.is_empty()
    }
}

/// The `[demography]` section.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DemographyParams {
    /// Whether persons age, are born and die.
    pub enabled: bool,
    /// The life table: a shipped one (`wpp2024-world`, `wpp2024-deu`, ...) or `custom`, the
    /// rates given in `[demography.table]`.
    pub life_table: String,
    /// The rates of a `custom` life table.
    #[serde(skip_serializing_if = "LifeTableRates::is_empty")]
    pub table: LifeTableRates,
    /// Age at which a child joins the labour pool (years).
    pub adult_age: u32,
    /// Age at which an adult retires and gives an elder's share of work (years): the
    /// community's rule.
    pub retirement_age: u32,
    /// How the persons of day 0 get their ages.
    pub initial_ages: InitialAges,
    /// The life table's daily rates, derived from the keys above when the scenario is read
    /// (never written: `scenario.toml` keeps the keys, and reading it derives the same table).
    #[serde(skip)]
    pub derived: Option<Arc<LifeTable>>,
}

impl Default for DemographyParams {
    fn default() -> Self {
        Self {
            enabled: false,
            life_table: "wpp2024-world".to_owned(),
            table: LifeTableRates::default(),
            // Assumptions matching the age groups of `population.child_share` (under 15) and
            // `population.elder_share` (65 and over).
            adult_age: 15,
            retirement_age: 65,
            initial_ages: InitialAges::Stable,
            derived: None,
        }
    }
}

/// The shipped life tables, by the name a scenario gives them (files `data/demography/<name>.csv`).
pub const SHIPPED: &[&str] = &[
    "wpp2024-world",
    "wpp2024-aus",
    "wpp2024-can",
    "wpp2024-deu",
    "wpp2024-fra",
    "wpp2024-gbr",
    "wpp2024-usa",
];

const FIXED: &str = "ages and the life table belong to the world as it is built; run a scenario with other values instead";

/// The declarations of this section's parameters (see [`super::decl`]).
pub const DECLS: &[Decl] = &[
    Decl::new(
        "demography.enabled",
        "",
        Check::Free,
        "Whether persons age, are born and die. Off, everyone keeps their stage of life for the whole run.",
        "",
    )
    .fixed(FIXED),
    Decl::new(
        "demography.life_table",
        "",
        Check::Free,
        "The life table of death and birth rates by age: a shipped one (`wpp2024-world`, `wpp2024-aus`, `wpp2024-can`, `wpp2024-deu`, `wpp2024-fra`, `wpp2024-gbr`, `wpp2024-usa`: 2015-2020) or `custom`, the rates given in `[demography.table]`.",
        "UN World Population Prospects 2024 (CC BY 3.0 IGO), via the wpp2024 R package; see data/demography/SOURCES.md.",
    )
    .fixed(FIXED),
    Decl::new(
        "demography.table.*",
        "",
        Check::Free,
        "A `custom` life table: lists `q_female` and `q_male` (probability of dying within the year, 0..1) and `daughters` and `sons` (births per woman per year), one entry per year of age from 0, all of one length; the last entry stands for that age and over.",
        "",
    )
    .fixed(FIXED),
    Decl::new(
        "demography.adult_age",
        "years",
        Check::Count(1, 30),
        "Age at which a child joins the labour pool.",
        "Assumption: 15, the upper bound of the children of `population.child_share` (UN WPP: under 15).",
    )
    .fixed(FIXED),
    Decl::new(
        "demography.retirement_age",
        "years",
        Check::Count(30, 100),
        "Age at which an adult retires and gives an elder's share of work (`labour.elder_willingness`): the community's rule.",
        "Assumption: 65, the lower bound of the elders of `population.elder_share` (UN WPP: 65 and over).",
    )
    .fixed(FIXED),
    Decl::new(
        "demography.initial_ages",
        "",
        Check::Choice(&["stable", "classes"]),
        "How the persons of day 0 get their ages: `stable`, drawn from the stable population the life table implies (Lotka); `classes`, stages of life from `population.child_share` and `elder_share`, each age drawn evenly within its stage.",
        "",
    )
    .fixed(FIXED),
];

//! The `[economy]` section: where the coefficients of production come from. By default
//! (`table = "model"`) they are the scenario's own `[goods]`, `[inputs]` and food parameters. With
//! `table = "wiod2016"` the hours, inputs and CO2 of every sector come from a country's published
//! input-output table (see `docs/accounts.md`), and what residents use is that country's final
//! demand per resident: the status quo as it is.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::model::kernel::decl::{Check, Decl};
use crate::model::kernel::technology::TableEconomy;
use serde::{Deserialize, Serialize};

/// Where the coefficients of production come from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TableSource {
    /// The scenario's own `[goods]`, `[inputs]` and food parameters.
    #[default]
    Model,
    /// The WIOD 2016 national input-output tables shipped in `data/wiod2016/`.
    Wiod2016,
}

/// A country of the shipped tables (ISO 3166 alpha-3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Country {
    USA,
    #[default]
    DEU,
    GBR,
    FRA,
    CAN,
    AUS,
}

impl Country {
    pub fn code(self) -> &'static str {
        match self {
            Country::USA => "USA",
            Country::DEU => "DEU",
            Country::GBR => "GBR",
            Country::FRA => "FRA",
            Country::CAN => "CAN",
            Country::AUS => "AUS",
        }
    }
}

/// How imported products are treated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportsRule {
    /// Imports are outside the economy: their hours and CO2 abroad are not counted.
    #[default]
    Domestic,
    /// Everything used is made at home with the country's own techniques.
    MadeAtHome,
}

/// Which final demand the residents' economy meets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FinalDemand {
    /// Consumption, investment, inventories and exports: every hour worked in the country.
    #[default]
    All,
    /// All but exports.
    Home,
    /// Consumption by households, non-profits and government.
    Consumption,
}

/// The `[economy]` section.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EconomyParams {
    /// Where the coefficients come from: `model` or `wiod2016`.
    pub table: TableSource,
    /// Country of the table (ISO 3166 alpha-3).
    pub country: Country,
    /// Year of the table.
    pub year: u32,
    /// `domestic` (imports are outside the economy) or `made_at_home` (made with the country's
    /// own techniques).
    pub imports: ImportsRule,
    /// Which final demand residents' economy meets: `all` (consumption, investment,
    /// inventories and exports), `home` (all but exports) or `consumption`.
    pub final_demand: FinalDemand,
    /// Industries moved to another sector than the shipped mapping's: code = sector.
    pub map: BTreeMap<String, String>,
    /// Demand for industries' products scaled by a factor: code (or `essay_without`, every
    /// industry the essay does without) = factor.
    pub scale: BTreeMap<String, f64>,
    /// The table's economy, derived from the keys above when the scenario is read (never
    /// written: `scenario.toml` holds the keys, and reading it derives the same economy).
    #[serde(skip)]
    pub derived: Option<Arc<TableEconomy>>,
}

impl Default for EconomyParams {
    fn default() -> Self {
        Self {
            table: TableSource::Model,
            country: Country::DEU,
            year: 2014,
            imports: ImportsRule::Domestic,
            final_demand: FinalDemand::All,
            map: BTreeMap::new(),
            scale: BTreeMap::new(),
            derived: None,
        }
    }
}

impl EconomyParams {
    /// Whether the coefficients come from a published table.
    pub fn from_table(&self) -> bool {
        self.table != TableSource::Model
    }
}

const FIXED: &str =
    "the table is read when the scenario is read; run a scenario with other values instead";

/// The declarations of this section's parameters (see [`super::decl`]).
pub const DECLS: &[Decl] = &[
    Decl::new(
        "economy.table",
        "",
        Check::Choice(&["model", "wiod2016"]),
        "Where the coefficients of production come from: `model` (the scenario's own `[goods]`, `[inputs]` and food parameters) or `wiod2016` (a country's published input-output table: every sector's hours, inputs and CO2 per US$ of output, and the country's final demand per resident).",
        "WIOD 2016 release (Timmer et al. 2015), CC BY 4.0; see data/wiod2016/SOURCES.md.",
    )
    .fixed(FIXED),
    Decl::new(
        "economy.country",
        "",
        Check::Choice(&["USA", "DEU", "GBR", "FRA", "CAN", "AUS"]),
        "Country of the table (ISO 3166 alpha-3).",
        "",
    )
    .fixed(FIXED),
    Decl::new(
        "economy.year",
        "",
        Check::Count(2000, 2014),
        "Year of the table: one of the years shipped in data/wiod2016 (2000, 2005, 2008, 2010, 2014).",
        "",
    )
    .fixed(FIXED),
    Decl::new(
        "economy.imports",
        "",
        Check::Choice(&["domestic", "made_at_home"]),
        "`domestic`: imports are outside the economy, their hours and CO2 abroad not counted; `made_at_home`: everything used is made at home with the country's own techniques.",
        "",
    )
    .fixed(FIXED),
    Decl::new(
        "economy.final_demand",
        "",
        Check::Choice(&["all", "home", "consumption"]),
        "What the residents' economy makes besides intermediate goods: `all` final demand (consumption by households, non-profits and government, investment, inventories and exports: every hour worked in the country), `home` (all but exports) or `consumption` only. Consumption is delivered to residents; the rest is made and leaves.",
        "",
    )
    .fixed(FIXED),
    Decl::new(
        "economy.map.*",
        "",
        Check::Free,
        "An industry (WIOD code, like `M73`) moved to another sector than the shipped mapping's (data/wiod2016/sector_map.csv): one of the model's sectors or `other`.",
        "",
    )
    .fixed(FIXED),
    Decl::new(
        "economy.scale.*",
        "factor",
        Check::Range(0.0, 10.0),
        "Demand for an industry's product (by other industries and by final users) scaled by this factor: a WIOD code, or `essay_without` for every industry the essay does without (sector_map.csv). 0 removes the industry; a code overrides `essay_without` for that industry.",
        "",
    )
    .fixed(FIXED),
];

//! Experiments: sweeps over parameters, comparisons of scenarios over common seeds, and the
//! statistics both report. One run proves nothing; these commands run many and say how sure the
//! answer is.
//!
//! Each run is still a pure function of its scenario and seed ([`crate::cli::simulate`]), so a
//! sweep or comparison gives the same tables whatever the number of threads.

pub mod compare;
pub mod people;
pub mod sensitivity;
pub mod stats;
pub mod sweep;

use anyhow::{Context, Result};
use polars::prelude::*;

use crate::model::Summary;

/// A headline figure of a run, read off its [`Summary`].
pub struct Headline {
    /// Column name in the tables.
    pub name: &'static str,
    /// What it is, for tables and plot titles.
    pub label: &'static str,
    pub unit: &'static str,
    pub get: fn(&Summary) -> f64,
}

/// The figures the essay makes claims about, in table order.
pub const HEADLINES: &[Headline] = &[
    Headline {
        name: "work_hours_mean",
        label: "work hours per able adult",
        unit: "h/day",
        get: |s| s.work_hours_mean,
    },
    Headline {
        name: "work_hours_p90",
        label: "work hours, 90th percentile",
        unit: "h/day",
        get: |s| s.work_hours_p90,
    },
    Headline {
        name: "work_hours_max",
        label: "most hours anyone worked",
        unit: "h",
        get: |s| s.work_hours_max,
    },
    Headline {
        name: "need_satisfaction",
        label: "need satisfaction",
        unit: "0..1",
        get: |s| s.need_satisfaction,
    },
    Headline {
        name: "food_satisfaction",
        label: "food satisfaction",
        unit: "0..1",
        get: |s| s.food_satisfaction,
    },
    Headline {
        name: "unmet_need_share",
        label: "persons short on a day",
        unit: "0..1",
        get: |s| s.unmet_need_share,
    },
    Headline {
        name: "waste_share",
        label: "waste share of food produced",
        unit: "0..1",
        get: |s| s.waste_share,
    },
    Headline {
        name: "footprint_kg_co2e_per_person_year",
        label: "footprint per person",
        unit: "kg CO2e/yr",
        get: |s| s.footprint_kg_co2e_per_person_year,
    },
    Headline {
        name: "labour_shortage_hours",
        label: "labour shortage",
        unit: "h",
        get: |s| s.labour_shortage_hours,
    },
    Headline {
        name: "undesirable_hours_max",
        label: "most undesirable work by anyone",
        unit: "h/day",
        get: |s| s.undesirable_hours_max,
    },
    Headline {
        name: "gini_undesirable_hours",
        label: "Gini of undesirable work",
        unit: "0..1",
        get: |s| s.gini_undesirable_hours,
    },
    Headline {
        name: "proposals_passed",
        label: "proposals passed",
        unit: "proposals",
        get: |s| s.proposals_passed,
    },
    Headline {
        name: "delegate_recalls",
        label: "delegates recalled",
        unit: "delegates",
        get: |s| s.delegate_recalls,
    },
    Headline {
        name: "work_hours_per_worker",
        label: "work hours per worker",
        unit: "h/day",
        get: |s| s.work_hours_per_worker,
    },
];

/// The headline column names.
pub fn headline_names() -> Vec<&'static str> {
    HEADLINES.iter().map(|h| h.name).collect()
}

/// The metric columns drawn as time series, with their labels and units.
pub const SERIES: &[(&str, &str, &str)] = &[
    ("work_hours_mean", "work hours per able adult", "h/day"),
    ("need_satisfaction", "need satisfaction", "0..1"),
    ("waste_share", "waste share (last 365 days)", "0..1"),
    (
        "footprint_kg_co2e_per_person",
        "footprint per person",
        "kg CO2e/day",
    ),
];

/// Columns of headline figures for `summaries`, in [`HEADLINES`] order.
pub fn headline_columns(summaries: &[Summary]) -> Vec<Column> {
    HEADLINES
        .iter()
        .map(|h| {
            Column::new(
                h.name.into(),
                summaries.iter().map(|s| (h.get)(s)).collect::<Vec<f64>>(),
            )
        })
        .collect()
}

/// Writes a table as both Parquet and CSV, `stem.parquet` and `stem.csv` in `dir`.
pub fn write_table(dir: &std::path::Path, stem: &str, frame: &mut DataFrame) -> Result<()> {
    crate::output::write_parquet(&dir.join(format!("{stem}.parquet")), frame)?;
    crate::output::write_csv(&dir.join(format!("{stem}.csv")), frame)
        .with_context(|| format!("cannot write {stem}.csv"))
}

/// A rayon pool of `jobs` threads (0: one per core).
pub fn pool(jobs: usize) -> Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .thread_name(|i| format!("commune-run-{i}"))
        .build()
        .context("cannot start the worker threads")
}

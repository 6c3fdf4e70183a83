//! Experiments: sweeps over parameters, comparisons of scenarios over common seeds, and the
//! statistics both report. One run proves nothing; these commands run many and say how sure the
//! answer is.
//!
//! Each run is still a pure function of its scenario and seed ([`crate::runner::simulate`]), so a
//! sweep or comparison gives the same tables whatever the number of threads.

pub mod compare;
pub mod decompose;
pub mod dock;
pub mod people;
pub mod sensitivity;
pub mod sweep;

use anyhow::{Context, Result};
use polars::prelude::*;

use crate::model::metrics::summary::HEADLINES;

use crate::model::Summary;

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

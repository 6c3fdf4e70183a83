//! `commune compare`: scenarios run over the same seeds (common random numbers), each headline
//! figure's mean with a 95% interval per scenario, and each scenario's paired difference from the
//! first with its interval.
//!
//! With common random numbers, run `i` of every scenario starts from the same seed, so the same
//! persons are drawn and fall ill on the same days as far as the policies let them; the paired
//! differences then carry much less noise than the difference of two independent means.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use polars::prelude::*;
use rayon::prelude::*;
use serde::Serialize;

use super::{headline_columns, write_table};
use crate::analysis::stats;
use crate::model::Summary;
use crate::model::metrics::row::SERIES;
use crate::model::metrics::summary::{HEADLINES, headline_names};
use crate::scenario::Scenario;
use crate::scenario::sweep::replicate_seed;

/// Options of `commune compare`.
pub struct CompareOptions {
    /// Runs per scenario (the same seeds for each).
    pub replicates: u32,
    /// Root seed of the common seeds (default: the first scenario's seed).
    pub seed: Option<u64>,
    /// Worker threads (0: one per core).
    pub jobs: usize,
}

/// A finished comparison.
pub struct Comparison {
    /// Scenario names, made unique, in the order given.
    pub names: Vec<String>,
    pub seeds: Vec<u64>,
    /// One row per scenario and run.
    pub runs: DataFrame,
    /// One row per headline figure and scenario: mean, interval, difference from the first.
    pub table: DataFrame,
    /// Mean and interval of each time series, by scenario and tick.
    pub series: DataFrame,
}

/// What `compare.json` records.
#[derive(Serialize)]
struct CompareManifest<'a> {
    commune_version: &'static str,
    scenarios: &'a [String],
    files: Vec<String>,
    replicates: usize,
    seeds: &'a [u64],
}

/// Runs the comparison.
pub fn run_compare(scenarios: &[Scenario], opts: &CompareOptions) -> Result<Comparison> {
    if scenarios.len() < 2 {
        bail!("compare needs two scenarios or more: the first is the reference");
    }
    if opts.replicates < 2 {
        bail!("compare needs --replicates 2 or more for a confidence interval");
    }
    let root = opts.seed.unwrap_or(scenarios[0].meta.seed);
    let seeds: Vec<u64> = (0..opts.replicates)
        .map(|r| replicate_seed(root, r))
        .collect();
    let mut names: Vec<String> = Vec::new();
    for s in scenarios {
        let mut name = s.meta.name.clone();
        let mut n = 2;
        while names.contains(&name) {
            name = format!("{}#{n}", s.meta.name);
            n += 1;
        }
        names.push(name);
    }
    let tasks: Vec<(usize, u64)> = (0..scenarios.len())
        .flat_map(|i| seeds.iter().map(move |&s| (i, s)))
        .collect();
    let pool = super::pool(opts.jobs)?;
    // Each run is a pure function of its scenario and seed, and rayon's collect keeps the task
    // order, so the tables do not depend on the number of threads.
    let results: Vec<(Summary, Vec<Vec<f64>>)> = pool.install(|| {
        tasks
            .par_iter()
            .with_max_len(1)
            .map(|&(i, seed)| {
                let mut s = scenarios[i].clone();
                s.meta.seed = seed;
                let rows = crate::runner::simulate(&s, |_| {})?;
                let series = SERIES
                    .iter()
                    .map(|name| {
                        let col =
                            crate::model::metrics::row::column(name).expect("declared metric");
                        rows.iter().map(|r| (col.get)(r)).collect()
                    })
                    .collect();
                Ok((Summary::from_rows(&rows), series))
            })
            .collect::<Result<Vec<_>>>()
    })?;

    // One row per run.
    let summaries: Vec<Summary> = results.iter().map(|(s, _)| *s).collect();
    let mut columns = vec![
        Column::new(
            "scenario".into(),
            tasks
                .iter()
                .map(|&(i, _)| names[i].clone())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "seed".into(),
            tasks.iter().map(|&(_, s)| s).collect::<Vec<_>>(),
        ),
    ];
    columns.extend(headline_columns(&summaries));
    let runs = DataFrame::new(tasks.len(), columns)?;

    // Each scenario's mean and interval, by polars.
    let metrics = headline_names();
    let means = stats::mean_ci(&runs, &["scenario"], &metrics)?;
    // Paired differences from the first scenario, seed by seed.
    let n = seeds.len();
    let mut diff_cols = vec![Column::new(
        "scenario".into(),
        (n..tasks.len())
            .map(|t| names[tasks[t].0].clone())
            .collect::<Vec<_>>(),
    )];
    for h in HEADLINES {
        let d: Vec<f64> = (n..tasks.len())
            .map(|t| (h.get)(&summaries[t]) - (h.get)(&summaries[t % n]))
            .collect();
        diff_cols.push(Column::new(h.name.into(), d));
    }
    let diffs = DataFrame::new(tasks.len() - n, diff_cols)?;
    let diff_means = stats::mean_ci(&diffs, &["scenario"], &metrics)?;

    // The long table: one row per metric and scenario.
    let mut t_metric = Vec::new();
    let mut t_unit = Vec::new();
    let mut t_scenario = Vec::new();
    let mut vals: [Vec<f64>; 6] = Default::default();
    let mut t_n = Vec::new();
    for h in HEADLINES {
        let m = stats::floats(&means, &format!("{}_mean", h.name))?;
        let lo = stats::floats(&means, &format!("{}_ci_low", h.name))?;
        let hi = stats::floats(&means, &format!("{}_ci_high", h.name))?;
        let cnt = stats::floats(&means, &format!("{}_n", h.name))?;
        let dm = stats::floats(&diff_means, &format!("{}_mean", h.name))?;
        let dlo = stats::floats(&diff_means, &format!("{}_ci_low", h.name))?;
        let dhi = stats::floats(&diff_means, &format!("{}_ci_high", h.name))?;
        for (i, name) in names.iter().enumerate() {
            t_metric.push(h.name);
            t_unit.push(h.unit);
            t_scenario.push(name.clone());
            t_n.push(cnt[i] as i64);
            let row = [
                m[i],
                lo[i],
                hi[i],
                if i == 0 { 0.0 } else { dm[i - 1] },
                if i == 0 { f64::NAN } else { dlo[i - 1] },
                if i == 0 { f64::NAN } else { dhi[i - 1] },
            ];
            for (v, x) in vals.iter_mut().zip(row) {
                v.push(x);
            }
        }
    }
    let labels = [
        "mean",
        "ci_low",
        "ci_high",
        "diff_from_first",
        "diff_ci_low",
        "diff_ci_high",
    ];
    let mut table_cols = vec![
        Column::new("metric".into(), t_metric),
        Column::new("unit".into(), t_unit),
        Column::new("scenario".into(), t_scenario),
        Column::new("n".into(), t_n),
    ];
    for (label, v) in labels.iter().zip(vals) {
        table_cols.push(Column::new((*label).into(), v));
    }
    let table = DataFrame::new(HEADLINES.len() * names.len(), table_cols)?;

    // Time series: every run's daily values, then mean and interval by scenario and day.
    let ticks: Vec<usize> = results.iter().map(|(_, s)| s[0].len()).collect();
    let total: usize = ticks.iter().sum();
    let mut scen = Vec::with_capacity(total);
    let mut tick = Vec::with_capacity(total);
    let mut series_cols: Vec<Vec<f64>> = vec![Vec::with_capacity(total); SERIES.len()];
    for (t, (_, series)) in results.iter().enumerate() {
        for d in 0..ticks[t] {
            scen.push(names[tasks[t].0].clone());
            tick.push(d as i64);
            for (k, col) in series_cols.iter_mut().enumerate() {
                col.push(series[k][d]);
            }
        }
    }
    let mut cols = vec![
        Column::new("scenario".into(), scen),
        Column::new("tick".into(), tick),
    ];
    for (name, v) in SERIES.iter().zip(series_cols) {
        cols.push(Column::new((*name).into(), v));
    }
    let all = DataFrame::new(total, cols)?;
    let names_of_series: Vec<&str> = SERIES.to_vec();
    let series = stats::mean_ci(&all, &["scenario", "tick"], &names_of_series)?;

    Ok(Comparison {
        names,
        seeds,
        runs,
        table,
        series,
    })
}

impl Comparison {
    /// Writes `comparison.*`, `runs.*`, `timeseries.parquet` and `compare.json` into `dir`.
    pub fn write(&mut self, dir: &Path, files: &[PathBuf]) -> Result<()> {
        write_table(dir, "comparison", &mut self.table)?;
        write_table(dir, "runs", &mut self.runs)?;
        write_table(dir, "timeseries", &mut self.series)?;
        let manifest = CompareManifest {
            commune_version: env!("CARGO_PKG_VERSION"),
            scenarios: &self.names,
            files: files.iter().map(|f| f.display().to_string()).collect(),
            replicates: self.seeds.len(),
            seeds: &self.seeds,
        };
        std::fs::write(
            dir.join("compare.json"),
            serde_json::to_string_pretty(&manifest)? + "\n",
        )?;
        Ok(())
    }

    /// The table for the terminal.
    pub fn format(&self) -> Result<String> {
        format_table(&self.table, &self.names)
    }
}

/// Formats a `comparison` table: per metric, each scenario's mean and interval and its
/// difference from the first.
pub fn format_table(table: &DataFrame, names: &[String]) -> Result<String> {
    use super::sweep::sig;
    use std::fmt::Write;
    let metric = stats::strings(table, "metric")?;
    let scenario = stats::strings(table, "scenario")?;
    let col = |n: &str| stats::floats(table, n);
    let (m, lo, hi) = (col("mean")?, col("ci_low")?, col("ci_high")?);
    let (d, dlo, dhi) = (
        col("diff_from_first")?,
        col("diff_ci_low")?,
        col("diff_ci_high")?,
    );
    let width = names.iter().map(String::len).max().unwrap_or(8).max(8);
    let mut out = String::new();
    writeln!(
        out,
        "  {:<width$}  {:>26}  {:>30}",
        "scenario",
        "mean [95% CI]",
        format!("minus {} [95% CI]", names[0])
    )?;
    for i in 0..metric.len() {
        if i == 0 || metric[i] != metric[i - 1] {
            let h = HEADLINES
                .iter()
                .find(|h| h.name == metric[i])
                .expect("a headline");
            writeln!(out, "{} ({})", h.label, h.unit)?;
        }
        let diff = if scenario[i] == names[0] {
            String::new()
        } else {
            format!("{} [{}, {}]", sig(d[i]), sig(dlo[i]), sig(dhi[i]))
        };
        writeln!(
            out,
            "  {:<width$}  {:>26}  {:>30}",
            scenario[i],
            format!("{} [{}, {}]", sig(m[i]), sig(lo[i]), sig(hi[i])),
            diff
        )?;
    }
    Ok(out)
}

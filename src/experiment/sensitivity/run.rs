//! `commune sensitivity`: a scenario's `[sensitivity]` design run through the sweep machinery
//! (resumable, `--jobs`, `--shard K/N`, `commune merge`), then its indices.
//!
//! A sensitivity directory is a sweep directory (see [`crate::experiment::sweep`]) with, besides:
//!
//! - `sensitivity.json`: the analysis (method, parameters, outputs) and its design in the unit
//!   hypercube, so the indices can be computed again from the directory alone (after a merge);
//! - `indices.parquet` and `indices.csv`: one row per output, parameter and index, with the
//!   estimate and its bootstrap 95% interval;
//! - `outputs.parquet` and `outputs.csv`: each run's value of each output.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use polars::prelude::*;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::morris::{self, Layout};
use super::sobol::{self, Estimate};
use crate::analysis::stats::floats;
use crate::experiment::sweep::{self, Plan, Shard, Sweep, SweepOptions};
use crate::experiment::write_table;
use crate::scenario::Scenario;
use crate::scenario::sensitivity::{Method, Output, SensitivitySpec};

/// An output as recorded in `sensitivity.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutputRecord {
    /// Name in the tables.
    pub name: String,
    /// A headline figure, or else a metric column aggregated over days `from_day..=to_day`.
    pub headline: Option<String>,
    pub metric: Option<String>,
    pub aggregate: Option<String>,
    pub from_day: Option<u32>,
    pub to_day: Option<u32>,
}

/// `sensitivity.json`: the analysis and its design.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub commune_version: String,
    /// "sobol" or "morris".
    pub method: String,
    /// "saltelli", "trajectory" or "radial".
    pub design: String,
    pub second_order: bool,
    pub levels: u32,
    pub samples: u32,
    pub replicates: u32,
    pub resamples: u32,
    pub root_seed: u64,
    pub parameters: Vec<String>,
    /// Each parameter's distribution, as written for people.
    pub distributions: Vec<String>,
    pub outputs: Vec<OutputRecord>,
    /// The design in the unit hypercube: one row per point, one value per parameter.
    pub unit_design: Vec<Vec<f64>>,
}

impl Record {
    pub fn new(spec: &SensitivitySpec, root_seed: u64, unit: Vec<Vec<f64>>) -> Self {
        let (method, design, second_order, levels) = match spec.method {
            Method::Sobol { second_order } => ("sobol", "saltelli", second_order, 0),
            Method::Morris { radial: true, .. } => ("morris", "radial", false, 0),
            Method::Morris { levels, .. } => ("morris", "trajectory", false, levels),
        };
        Self {
            commune_version: env!("CARGO_PKG_VERSION").to_owned(),
            method: method.to_owned(),
            design: design.to_owned(),
            second_order,
            levels,
            samples: spec.samples,
            replicates: spec.replicates,
            resamples: spec.resamples,
            root_seed,
            parameters: spec.parameters.iter().map(|p| p.path.clone()).collect(),
            distributions: spec
                .parameters
                .iter()
                .map(|p| describe(&p.dist, &p.choices))
                .collect(),
            outputs: spec
                .outputs
                .iter()
                .map(|o| match o {
                    Output::Headline(h) => OutputRecord {
                        name: o.name(),
                        headline: Some(h.clone()),
                        metric: None,
                        aggregate: None,
                        from_day: None,
                        to_day: None,
                    },
                    Output::Metric {
                        column,
                        aggregate,
                        from_day,
                        to_day,
                    } => OutputRecord {
                        name: o.name(),
                        headline: None,
                        metric: Some(column.clone()),
                        aggregate: Some(aggregate.name().to_owned()),
                        from_day: Some(*from_day),
                        to_day: Some(*to_day),
                    },
                })
                .collect(),
            unit_design: unit,
        }
    }
}

fn describe(dist: &super::sample::Dist, choices: &[toml::Value]) -> String {
    use super::sample::Dist;
    match dist {
        Dist::Uniform { min, max } => format!("uniform({min}, {max})"),
        Dist::Normal { mean, sd, min, max } => {
            let cut = match (min, max) {
                (None, None) => String::new(),
                _ => format!(
                    " cut to [{}, {}]",
                    min.map_or("-inf".to_owned(), |m| m.to_string()),
                    max.map_or("inf".to_owned(), |m| m.to_string())
                ),
            };
            format!("normal({mean}, sd {sd}){cut}")
        }
        Dist::Triangular { min, mode, max } => format!("triangular({min}, {mode}, {max})"),
        Dist::Choice { .. } => format!(
            "one of [{}]",
            choices
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The sweep that runs a sensitivity design, and the design's record.
pub fn build(mut base: Scenario, spec: &SensitivitySpec) -> Result<(Sweep, Record)> {
    let unit = spec.unit_design(base.meta.seed);
    base.sweep = Some(spec.sweep_spec(&unit));
    let record = Record::new(spec, base.meta.seed, unit);
    Ok((Sweep::new(base)?, record))
}

/// Checks that every point of the design makes a valid scenario, before anything runs.
pub fn check_points(sweep: &Sweep, jobs: usize) -> Result<()> {
    let r = sweep.plan.replicates as usize;
    let pool = crate::experiment::pool(jobs)?;
    let bad: Vec<String> = pool.install(|| {
        (0..sweep.plan.points.len())
            .into_par_iter()
            .filter_map(|p| sweep.scenario(p * r).err().map(|e| e.to_string()))
            .collect()
    });
    if let Some(first) = bad.first() {
        bail!(
            "{} of {} design points are not valid scenarios (nothing was run); the first: {first}. \
             Narrow the parameters' ranges.",
            bad.len(),
            sweep.plan.points.len()
        );
    }
    Ok(())
}

/// Reads a directory's `sensitivity.json`.
pub fn read_record(dir: &Path) -> Result<Record> {
    let path = dir.join("sensitivity.json");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("{} is not a sensitivity directory", dir.display()))?;
    serde_json::from_str(&text).with_context(|| format!("cannot read {}", path.display()))
}

/// Writes `sensitivity.json` (replacing one with other outputs or resamples, which change no
/// run).
pub fn write_record(dir: &Path, record: &Record) -> Result<()> {
    let path = dir.join("sensitivity.json");
    std::fs::write(&path, serde_json::to_string(record)? + "\n")
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Each run's value of each output: `values[o][run]`.
fn output_values(dir: &Path, plan: &Plan, record: &Record) -> Result<Vec<Vec<f64>>> {
    let runs = crate::output::read_parquet(&dir.join("runs.parquet"))?;
    let run_ids = floats(&runs, "run")?;
    let n = plan.runs();
    let mut values = Vec::with_capacity(record.outputs.len());
    for o in &record.outputs {
        let mut v = vec![f64::NAN; n];
        if let Some(h) = &o.headline {
            for (id, x) in run_ids.iter().zip(floats(&runs, h)?) {
                v[*id as usize] = x;
            }
        } else {
            let (Some(column), Some(agg), Some(from), Some(to)) =
                (&o.metric, &o.aggregate, o.from_day, o.to_day)
            else {
                bail!("output {} in sensitivity.json is incomplete", o.name);
            };
            let aggregate = crate::scenario::sensitivity::Aggregate::NAMES
                .iter()
                .position(|a| a == agg)
                .map(|i| {
                    [
                        crate::scenario::sensitivity::Aggregate::Mean,
                        crate::scenario::sensitivity::Aggregate::Sum,
                        crate::scenario::sensitivity::Aggregate::Min,
                        crate::scenario::sensitivity::Aggregate::Max,
                        crate::scenario::sensitivity::Aggregate::Last,
                    ][i]
                })
                .with_context(|| format!("unknown aggregate {agg} in sensitivity.json"))?;
            // One by one: polars reads on its own pool, and these are small files.
            let per_run: Vec<Result<(usize, f64)>> = run_ids
                .iter()
                .map(|&id| {
                    let path = dir
                        .join("runs")
                        .join(format!("run={:06}", id as usize))
                        .join("metrics.parquet");
                    let m = crate::output::read_parquet_columns(&path, &["tick", column])?;
                    let ticks = floats(&m, "tick")?;
                    let xs = floats(&m, column)?;
                    let window: Vec<f64> = ticks
                        .iter()
                        .zip(&xs)
                        .filter(|(t, _)| **t + 1.0 >= f64::from(from) && **t < f64::from(to))
                        .map(|(_, x)| *x)
                        .collect();
                    Ok((id as usize, aggregate.of(&window)))
                })
                .collect();
            for r in per_run {
                let (id, x) = r?;
                v[id] = x;
            }
        }
        values.push(v);
    }
    Ok(values)
}

/// One row of `indices`.
#[derive(Clone, Debug, PartialEq)]
pub struct IndexRow {
    pub output: String,
    pub parameter: String,
    /// S1, ST, S2, mu, mu_star, sigma, or seed_share.
    pub index: &'static str,
    pub estimate: Estimate,
}

/// The share of the run-to-run variation of `values` (runs point by point, `replicates` a point)
/// that is seed noise: the sum of squares within points over the total sum of squares (one-way
/// analysis of variance; NaN with one replicate). The rest is the parameters' doing.
pub fn seed_share(values: &[f64], replicates: usize) -> f64 {
    if replicates < 2 || values.is_empty() {
        return f64::NAN;
    }
    let ss = |xs: &[f64]| {
        let m = xs.iter().sum::<f64>() / xs.len() as f64;
        xs.iter().map(|x| (x - m).powi(2)).sum::<f64>()
    };
    let within = values.chunks(replicates).map(ss).sum::<f64>();
    let total = ss(values);
    if total > 0.0 { within / total } else { 0.0 }
}

/// The indices of every output, from a complete sensitivity directory.
pub fn indices(dir: &Path) -> Result<Vec<IndexRow>> {
    let plan = sweep::read_plan(dir)?;
    let record = read_record(dir)?;
    let have = sweep::complete_runs(dir)?.len();
    if have < plan.runs() {
        bail!(
            "{} holds {have} of the design's {} runs: run the missing shards (or merge them) first",
            dir.display(),
            plan.runs()
        );
    }
    let values = output_values(dir, &plan, &record)?;
    let r = plan.replicates as usize;
    let d = record.parameters.len();
    let mut rows = Vec::new();
    for (o, v) in record.outputs.iter().zip(&values) {
        let row = |parameter: String, index: &'static str, estimate: Estimate| IndexRow {
            output: o.name.clone(),
            parameter,
            index,
            estimate,
        };
        // The estimators see each point's mean over its replicates.
        let y: Vec<f64> = v
            .chunks(r)
            .map(|c| c.iter().sum::<f64>() / r as f64)
            .collect();
        let missing = y.iter().filter(|x| !x.is_finite()).count();
        if missing > 0 {
            eprintln!(
                "warning: output {} is not a number at {missing} design points (a share of \
                 nothing?); its indices are left out",
                o.name
            );
            continue;
        }
        rows.push(row(
            "(seed)".to_owned(),
            "seed_share",
            Estimate::around(seed_share(v, r), f64::NAN),
        ));
        match record.method.as_str() {
            "sobol" => {
                let s = sobol::analyze(
                    &y,
                    d,
                    record.second_order,
                    record.resamples as usize,
                    record.root_seed,
                )
                .map_err(anyhow::Error::msg)?;
                for j in 0..d {
                    rows.push(row(record.parameters[j].clone(), "S1", s.first[j]));
                    rows.push(row(record.parameters[j].clone(), "ST", s.total[j]));
                }
                for (j, k, e) in s.second {
                    rows.push(row(
                        format!("{} & {}", record.parameters[j], record.parameters[k]),
                        "S2",
                        e,
                    ));
                }
            }
            _ => {
                let layout = if record.design == "radial" {
                    Layout::Radial
                } else {
                    Layout::Trajectory {
                        levels: record.levels,
                    }
                };
                let ee = morris::elementary_effects(&record.unit_design, &y, d, layout)
                    .map_err(anyhow::Error::msg)?;
                let m = morris::analyze(&ee, record.resamples as usize, record.root_seed);
                for j in 0..d {
                    rows.push(row(record.parameters[j].clone(), "mu", m.mu[j]));
                    rows.push(row(record.parameters[j].clone(), "mu_star", m.mu_star[j]));
                    rows.push(row(record.parameters[j].clone(), "sigma", m.sigma[j]));
                }
            }
        }
    }
    // Each run's outputs, for any other analysis.
    let mut cols = vec![
        Column::new("run".into(), (0..plan.runs() as i64).collect::<Vec<_>>()),
        Column::new(
            "point".into(),
            (0..plan.runs()).map(|i| (i / r) as i64).collect::<Vec<_>>(),
        ),
    ];
    for (o, v) in record.outputs.iter().zip(&values) {
        cols.push(Column::new(o.name.as_str().into(), v.clone()));
    }
    let mut frame = DataFrame::new(plan.runs(), cols)?;
    write_table(dir, "outputs", &mut frame)?;
    Ok(rows)
}

/// The indices as a table.
pub fn indices_frame(rows: &[IndexRow]) -> Result<DataFrame> {
    Ok(DataFrame::new(
        rows.len(),
        vec![
            Column::new(
                "output".into(),
                rows.iter().map(|r| r.output.as_str()).collect::<Vec<_>>(),
            ),
            Column::new(
                "parameter".into(),
                rows.iter()
                    .map(|r| r.parameter.as_str())
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "index".into(),
                rows.iter().map(|r| r.index).collect::<Vec<_>>(),
            ),
            Column::new(
                "estimate".into(),
                rows.iter().map(|r| r.estimate.value).collect::<Vec<_>>(),
            ),
            Column::new(
                "ci_low".into(),
                rows.iter().map(|r| r.estimate.low).collect::<Vec<_>>(),
            ),
            Column::new(
                "ci_high".into(),
                rows.iter().map(|r| r.estimate.high).collect::<Vec<_>>(),
            ),
        ],
    )?)
}

/// Computes and writes `indices.*` (and `outputs.*`) of a complete sensitivity directory.
pub fn write_indices(dir: &Path) -> Result<Vec<IndexRow>> {
    let rows = indices(dir)?;
    write_table(dir, "indices", &mut indices_frame(&rows)?)?;
    Ok(rows)
}

/// Options of `commune sensitivity`.
pub struct SensitivityOptions {
    pub out: PathBuf,
    pub jobs: usize,
    pub shard: Shard,
    pub quiet: bool,
}

/// What `commune sensitivity` did.
pub struct SensitivityReport {
    pub sweep: sweep::SweepReport,
    /// The indices, when the directory holds every run.
    pub indices: Option<Vec<IndexRow>>,
}

/// Runs the design (or its shard) into `opts.out`, then, if every run is there, the indices.
pub fn run(
    base: Scenario,
    spec: &SensitivitySpec,
    source_text: &str,
    opts: &SensitivityOptions,
) -> Result<SensitivityReport> {
    let (sweep, record) = build(base, spec)?;
    check_points(&sweep, opts.jobs)?;
    let report = sweep::run_sweep(
        &sweep,
        source_text,
        &SweepOptions {
            out: opts.out.clone(),
            jobs: opts.jobs,
            shard: opts.shard,
            quiet: opts.quiet,
        },
    )?;
    write_record(&opts.out, &record)?;
    let complete = sweep::complete_runs(&opts.out)?.len() == sweep.plan.runs();
    let indices = if complete {
        Some(write_indices(&opts.out)?)
    } else {
        None
    };
    Ok(SensitivityReport {
        sweep: report,
        indices,
    })
}

/// After `commune merge`: carries `sensitivity.json` over and computes the indices if the merged
/// directory is a complete sensitivity analysis. Returns whether it did.
pub fn after_merge(dirs: &[PathBuf], out: &Path) -> Result<bool> {
    let Some(src) = dirs.iter().find(|d| d.join("sensitivity.json").is_file()) else {
        return Ok(false);
    };
    let record = read_record(src)?;
    for d in dirs {
        if d.join("sensitivity.json").is_file() && read_record(d)?.unit_design != record.unit_design
        {
            bail!(
                "{} and {} are not shards of the same sensitivity analysis",
                src.display(),
                d.display()
            );
        }
    }
    write_record(out, &record)?;
    let plan = sweep::read_plan(out)?;
    if sweep::complete_runs(out)?.len() < plan.runs() {
        return Ok(false);
    }
    write_indices(out)?;
    Ok(true)
}

/// The indices as a terminal table: per output, each parameter's main figures, most
/// influential first.
pub fn format_indices(rows: &[IndexRow], record: &Record) -> String {
    use std::fmt::Write;
    let (a, b) = if record.method == "sobol" {
        ("S1", "ST")
    } else {
        ("mu_star", "sigma")
    };
    let mut out = String::new();
    let mut outputs: Vec<&str> = Vec::new();
    for r in rows {
        if !outputs.contains(&r.output.as_str()) {
            outputs.push(&r.output);
        }
    }
    let f = |e: &Estimate| {
        format!(
            "{} [{}, {}]",
            sweep::sig(e.value),
            sweep::sig(e.low),
            sweep::sig(e.high)
        )
    };
    for o in outputs {
        let of = |p: &str, i: &str| {
            rows.iter()
                .find(|r| r.output == o && r.parameter == p && r.index == i)
                .map(|r| r.estimate)
        };
        let seed = of("(seed)", "seed_share").map_or(f64::NAN, |e| e.value);
        let _ = writeln!(
            out,
            "\n{o}  (seed noise: {} of the run-to-run variance)",
            if seed.is_finite() {
                format!("{:.0}%", 100.0 * seed)
            } else {
                "unknown with one replicate".to_owned()
            }
        );
        let _ = writeln!(out, "  {:<44} {:>30} {:>30}", "parameter", a, b);
        let mut params: Vec<(&String, Estimate, Estimate)> = record
            .parameters
            .iter()
            .filter_map(|p| Some((p, of(p, a)?, of(p, b)?)))
            .collect();
        let key = |x: &(&String, Estimate, Estimate)| {
            if record.method == "sobol" {
                x.2.value
            } else {
                x.1.value
            }
        };
        params.sort_by(|x, y| key(y).total_cmp(&key(x)));
        for (p, x, y) in params {
            let _ = writeln!(out, "  {p:<44} {:>30} {:>30}", f(&x), f(&y));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::seed_share;

    #[test]
    fn seed_share_splits_the_sum_of_squares() {
        // Points 0, 10, 20; replicates 1 either side: within SS 6 x 1, total SS 6 + 2 x 200.
        let v = [-1.0, 1.0, 9.0, 11.0, 19.0, 21.0];
        assert!((seed_share(&v, 2) - 6.0 / 406.0).abs() < 1e-12);
        // Replicates the same at every point: no seed noise; points the same: all noise.
        assert_eq!(seed_share(&[1.0, 1.0, 2.0, 2.0], 2), 0.0);
        assert_eq!(seed_share(&[1.0, 2.0, 1.0, 2.0], 2), 1.0);
        assert!(seed_share(&v, 1).is_nan());
    }
}

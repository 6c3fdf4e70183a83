//! `commune decompose`: a chain of cumulative changes run over the same seeds (common random
//! numbers), each step's headline figures with a 95% interval over the seeds, and each step's
//! change from the one before with the 95% interval of the paired (seed by seed) difference.
//!
//! Step 0 is the scenario itself; each later step is the one before with some values changed,
//! or another scenario file in its place ([`crate::scenario::decompose`]). The changes of
//! intermediate steps depend on the order of the chain: a decomposition answers "what did this
//! step add, given the steps before it", not "what does this change do on its own".

use std::path::Path;

use anyhow::{Result, bail};
use indicatif::{ProgressBar, ProgressStyle};
use polars::prelude::*;
use rayon::prelude::*;
use serde::Serialize;

use super::write_table;
use crate::analysis::stats::MeanCi;
use crate::model::Summary;
use crate::model::metrics::summary::{HEADLINES, Headline};
use crate::scenario::Scenario;
use crate::scenario::decompose::{BuiltStep, DecomposeSpec};
use crate::scenario::sweep::replicate_seed;

/// Options of `commune decompose`.
pub struct DecomposeOptions {
    /// Runs per step (the same seeds for each), 2 or more.
    pub replicates: u32,
    /// Days per run, for every step.
    pub ticks: u32,
    /// Worker threads (0: one per core).
    pub jobs: usize,
    /// No progress bar.
    pub quiet: bool,
}

/// One step's figure for one metric.
#[derive(Clone)]
pub struct StepFigure {
    pub step: usize,
    pub metric: &'static Headline,
    /// Mean and interval over the seeds.
    pub level: MeanCi,
    /// Mean and interval of the paired difference from the step before (none for step 0).
    pub change: Option<MeanCi>,
}

/// A finished decomposition.
pub struct Decomposition {
    /// Step labels, step 0 first.
    pub labels: Vec<String>,
    /// Each step's scenario as run (its seed the root seed, which replicate 0 runs).
    pub scenarios: Vec<Scenario>,
    pub metrics: Vec<&'static Headline>,
    pub seeds: Vec<u64>,
    /// `values[step][metric][replicate]`.
    pub values: Vec<Vec<Vec<f64>>>,
    /// Per metric (in `metrics` order), per step.
    pub figures: Vec<StepFigure>,
}

/// What `decompose.json` records.
#[derive(Serialize)]
struct DecomposeManifest {
    commune_version: &'static str,
    git_commit: Option<&'static str>,
    file: String,
    steps: Vec<ManifestStep>,
    metrics: Vec<&'static str>,
    ticks: u32,
    replicates: usize,
    seeds: Vec<u64>,
    started_at: String,
    wall_time_seconds: f64,
}

#[derive(Serialize)]
struct ManifestStep {
    step: usize,
    label: String,
    /// The scenario as run, in this directory.
    file: String,
    /// The scenario file the step put in place, as written in the section.
    scenario: Option<String>,
    /// The values the step set, on top of the step before (or of `scenario`).
    set: serde_json::Map<String, serde_json::Value>,
}

/// The headline named `name`.
pub fn headline(name: &str) -> Result<&'static Headline> {
    match HEADLINES.iter().find(|h| h.name == name) {
        Some(h) => Ok(h),
        None => bail!("`{name}` is not a headline figure"),
    }
}

/// Runs every step over the same seeds.
pub fn run_decompose(
    steps: &[BuiltStep],
    metrics: &[String],
    opts: &DecomposeOptions,
) -> Result<Decomposition> {
    if steps.len() < 2 {
        bail!("a decomposition needs at least one step after the scenario itself");
    }
    if opts.replicates < 2 {
        bail!("a decomposition needs 2 replicates or more for an interval");
    }
    let metrics: Vec<&'static Headline> =
        metrics.iter().map(|m| headline(m)).collect::<Result<_>>()?;
    let root = steps[0].scenario.meta.seed;
    let seeds: Vec<u64> = (0..opts.replicates)
        .map(|r| replicate_seed(root, r))
        .collect();
    let scenarios: Vec<Scenario> = steps
        .iter()
        .map(|b| {
            let mut s = b.scenario.with_ticks(opts.ticks);
            s.meta.seed = root;
            s
        })
        .collect();
    let tasks: Vec<(usize, u64)> = (0..scenarios.len())
        .flat_map(|i| seeds.iter().map(move |&s| (i, s)))
        .collect();
    let progress = if opts.quiet || !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(tasks.len() as u64).with_style(
            ProgressStyle::with_template("decompose [{bar:40}] run {pos}/{len} ({eta} left)")
                .expect("valid template")
                .progress_chars("=> "),
        )
    };
    let pool = super::pool(opts.jobs)?;
    // Each run is a pure function of its scenario and seed, and rayon's collect keeps the task
    // order, so the tables do not depend on the number of threads.
    let summaries: Vec<Summary> = pool.install(|| {
        tasks
            .par_iter()
            .with_max_len(1)
            .map(|&(i, seed)| {
                let mut s = scenarios[i].clone();
                s.meta.seed = seed;
                let rows = crate::runner::simulate(&s, |_| {})?;
                progress.inc(1);
                Ok(Summary::from_rows(&rows))
            })
            .collect::<Result<Vec<_>>>()
    })?;
    progress.finish_and_clear();

    let n = seeds.len();
    let values: Vec<Vec<Vec<f64>>> = (0..scenarios.len())
        .map(|i| {
            metrics
                .iter()
                .map(|h| summaries[i * n..(i + 1) * n].iter().map(h.get).collect())
                .collect()
        })
        .collect();
    let mut figures = Vec::new();
    for (k, &h) in metrics.iter().enumerate() {
        for i in 0..scenarios.len() {
            let change = (i > 0).then(|| {
                let diffs: Vec<f64> = values[i][k]
                    .iter()
                    .zip(&values[i - 1][k])
                    .map(|(now, before)| now - before)
                    .collect();
                MeanCi::of(&diffs)
            });
            figures.push(StepFigure {
                step: i,
                metric: h,
                level: MeanCi::of(&values[i][k]),
                change,
            });
        }
    }
    Ok(Decomposition {
        labels: steps.iter().map(|b| b.label.clone()).collect(),
        scenarios,
        metrics,
        seeds,
        values,
        figures,
    })
}

impl Decomposition {
    /// `steps`: one row per metric and step.
    pub fn steps_frame(&self) -> Result<DataFrame> {
        let f = &self.figures;
        let change = |g: fn(&MeanCi) -> f64| -> Vec<f64> {
            f.iter()
                .map(|x| x.change.as_ref().map_or(f64::NAN, g))
                .collect()
        };
        let columns = vec![
            Column::new(
                "step".into(),
                f.iter().map(|x| x.step as i64).collect::<Vec<_>>(),
            ),
            Column::new(
                "label".into(),
                f.iter()
                    .map(|x| self.labels[x.step].clone())
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "metric".into(),
                f.iter().map(|x| x.metric.name).collect::<Vec<_>>(),
            ),
            Column::new(
                "mean".into(),
                f.iter().map(|x| x.level.mean).collect::<Vec<_>>(),
            ),
            Column::new(
                "low".into(),
                f.iter().map(|x| x.level.low).collect::<Vec<_>>(),
            ),
            Column::new(
                "high".into(),
                f.iter().map(|x| x.level.high).collect::<Vec<_>>(),
            ),
            Column::new("change".into(), change(|c| c.mean)),
            Column::new("change_low".into(), change(|c| c.low)),
            Column::new("change_high".into(), change(|c| c.high)),
            Column::new(
                "n".into(),
                f.iter().map(|x| x.level.n as i64).collect::<Vec<_>>(),
            ),
        ];
        Ok(DataFrame::new(f.len(), columns)?)
    }

    /// `runs`: one row per step, seed and metric.
    pub fn runs_frame(&self) -> Result<DataFrame> {
        let (mut step, mut label, mut seed, mut metric, mut value) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (i, per_metric) in self.values.iter().enumerate() {
            for (r, &s) in self.seeds.iter().enumerate() {
                for (k, h) in self.metrics.iter().enumerate() {
                    step.push(i as i64);
                    label.push(self.labels[i].clone());
                    seed.push(s);
                    metric.push(h.name);
                    value.push(per_metric[k][r]);
                }
            }
        }
        let rows = step.len();
        Ok(DataFrame::new(
            rows,
            vec![
                Column::new("step".into(), step),
                Column::new("label".into(), label),
                Column::new("seed".into(), seed),
                Column::new("metric".into(), metric),
                Column::new("value".into(), value),
            ],
        )?)
    }

    /// Writes `steps.*`, `runs.*`, `step-NN.toml` and `decompose.json` into `dir`.
    pub fn write(
        &self,
        dir: &Path,
        file: &Path,
        spec: &DecomposeSpec,
        started: std::time::SystemTime,
        wall: f64,
    ) -> Result<()> {
        write_table(dir, "steps", &mut self.steps_frame()?)?;
        write_table(dir, "runs", &mut self.runs_frame()?)?;
        let mut steps = Vec::new();
        for (i, s) in self.scenarios.iter().enumerate() {
            let name = step_file(i);
            std::fs::write(dir.join(&name), s.to_toml())?;
            let from_spec = i.checked_sub(1).map(|j| &spec.steps[j]);
            let mut set = serde_json::Map::new();
            for (path, v) in from_spec.map_or(&[][..], |st| st.set.as_slice()) {
                set.insert(path.clone(), serde_json::to_value(v)?);
            }
            steps.push(ManifestStep {
                step: i,
                label: self.labels[i].clone(),
                file: name,
                scenario: from_spec
                    .and_then(|st| st.scenario.as_ref())
                    .map(|p| p.display().to_string()),
                set,
            });
        }
        let manifest = DecomposeManifest {
            commune_version: env!("CARGO_PKG_VERSION"),
            git_commit: crate::output::git_commit(),
            file: file.display().to_string(),
            steps,
            metrics: self.metrics.iter().map(|h| h.name).collect(),
            ticks: self.scenarios[0].meta.ticks,
            replicates: self.seeds.len(),
            seeds: self.seeds.clone(),
            started_at: humantime::format_rfc3339_seconds(started).to_string(),
            wall_time_seconds: wall,
        };
        std::fs::write(
            dir.join("decompose.json"),
            serde_json::to_string_pretty(&manifest)? + "\n",
        )?;
        Ok(())
    }

    /// Draws `waterfall.png` and `waterfall.svg` for the first metric into `dir`.
    pub fn draw_waterfall(&self, dir: &Path) -> Result<()> {
        use crate::plot::waterfall::{self, Waterfall};
        let h = self.metrics[0];
        // The first metric's figures come first, one per step.
        let steps = self.figures[..self.labels.len()]
            .iter()
            .map(|f| {
                (
                    self.labels[f.step].clone(),
                    f.level.mean,
                    f.level.low,
                    f.level.high,
                )
            })
            .collect();
        let fig = Waterfall {
            title: format!(
                "{} ({}), step by step: means over {} seeds, 95% intervals",
                h.label,
                h.name,
                self.seeds.len()
            ),
            y_desc: format!("{} ({})", h.name, h.unit),
            steps,
        };
        waterfall::draw(dir, "waterfall", &fig)
    }

    /// The table for the terminal: per metric, each step's mean and interval and its change
    /// from the step before.
    pub fn format(&self) -> String {
        use super::sweep::sig;
        use std::fmt::Write;
        let width = self
            .labels
            .iter()
            .map(|l| l.chars().count())
            .max()
            .unwrap_or(5);
        let width = width.clamp(5, 48);
        let mut out = String::new();
        let _ = writeln!(
            out,
            "  {:>4}  {:<width$}  {:>28}  {:>30}",
            "step", "label", "mean [95% CI]", "change [95% CI, paired]"
        );
        for (k, h) in self.metrics.iter().enumerate() {
            let _ = writeln!(out, "{} ({}, {})", h.label, h.name, h.unit);
            let steps = self.labels.len();
            for f in &self.figures[k * steps..(k + 1) * steps] {
                let change = f.change.as_ref().map_or(String::new(), |c| {
                    format!("{} [{}, {}]", signed(c.mean), sig(c.low), sig(c.high))
                });
                let _ = writeln!(
                    out,
                    "  {:>4}  {:<width$}  {:>28}  {:>30}",
                    f.step,
                    self.labels[f.step],
                    format!(
                        "{} [{}, {}]",
                        sig(f.level.mean),
                        sig(f.level.low),
                        sig(f.level.high)
                    ),
                    change
                );
            }
        }
        out
    }
}

/// A change with its sign.
fn signed(x: f64) -> String {
    let s = super::sweep::sig(x);
    if x.is_finite() && x > 0.0 && s != "0" {
        format!("+{s}")
    } else {
        s
    }
}

/// The file of step `i`'s scenario as run.
pub fn step_file(i: usize) -> String {
    format!("step-{i:02}.toml")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::decompose::steps;

    #[test]
    fn decompose_changes_are_paired_differences_of_the_runs() {
        let s = crate::scenario::parse(
            "name = \"tiny\"\nseed = 7\nticks = 8\n[population]\npersons_per_community = 20\n\
             [decompose]\nreplicates = 3\nmetrics = [\"work_hours_mean\", \"need_satisfaction\"]\n\
             [[decompose.steps]]\nlabel = \"fewer willing hours\"\n\
             set = { \"labour.willing_hours_mean\" = 2.0 }\n",
            "t",
        )
        .unwrap();
        let spec = s.decompose.clone().unwrap();
        let built = steps(&s, &spec, Path::new("t.toml")).unwrap();
        let d = run_decompose(
            &built,
            &spec.metrics,
            &DecomposeOptions {
                replicates: 3,
                ticks: 8,
                jobs: 1,
                quiet: true,
            },
        )
        .unwrap();
        assert_eq!(d.seeds, [7, replicate_seed(7, 1), replicate_seed(7, 2)]);
        assert_eq!(d.figures.len(), 4);
        let f = &d.figures[1];
        assert_eq!((f.step, f.metric.name), (1, "work_hours_mean"));
        let diffs: Vec<f64> = (0..3)
            .map(|r| d.values[1][0][r] - d.values[0][0][r])
            .collect();
        let c = f.change.as_ref().unwrap();
        assert_eq!(c.mean, MeanCi::of(&diffs).mean);
        assert!((c.mean - (f.level.mean - d.figures[0].level.mean)).abs() < 1e-12);
        assert!(d.figures[0].change.is_none());
        let table = d.format();
        assert!(table.contains("fewer willing hours"), "{table}");
        let frame = d.steps_frame().unwrap();
        assert_eq!(frame.height(), 4);
        assert_eq!(d.runs_frame().unwrap().height(), 2 * 3 * 2);
    }
}

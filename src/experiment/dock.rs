//! `commune dock`: two sets of run directories, made from the same scenarios over the same seeds
//! (typically by two builds of `commune`), compared figure by figure over the seeds
//! ([`crate::analysis::docking`] has the statistics). Reads each run's `manifest.json` (which
//! scenario, how many days, which seed) and `summary.csv` (its headline figures).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use polars::prelude::{Column, DataFrame};

use crate::analysis::docking::{Paired, Verdict, holm, paired, verdicts};

/// Options of `commune dock` (its defaults, 0.05 and 0.1, are the command line's).
#[derive(Clone, Copy, Debug)]
pub struct DockOptions {
    /// Family-wise level of the paired tests, over every figure of every scenario.
    pub alpha: f64,
    /// Smallest difference that counts, as a share of the first set's seed-to-seed spread.
    pub tolerance: f64,
}

/// One run read from its directory.
struct Run {
    dir: PathBuf,
    /// (figure, value), in `summary.csv`'s order.
    figures: Vec<(String, f64)>,
}

/// Which runs belong together: the scenario's name and its days.
type Group = (String, u64);

/// What `dock` reads of a run's `manifest.json` (written as [`crate::output::Manifest`]).
#[derive(serde::Deserialize)]
struct RunKey {
    scenario_name: String,
    seed: u64,
    ticks: u64,
}

/// The runs under `root`, by group and seed.
fn read_runs(root: &Path) -> Result<BTreeMap<Group, BTreeMap<u64, Run>>> {
    let entries =
        std::fs::read_dir(root).with_context(|| format!("cannot read {}", root.display()))?;
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("manifest.json").is_file())
        .collect();
    dirs.sort();
    if dirs.is_empty() {
        bail!(
            "{}: no run directories in it (directories holding manifest.json and summary.csv, \
             as `commune run --out` writes them)",
            root.display()
        );
    }
    let mut runs: BTreeMap<Group, BTreeMap<u64, Run>> = BTreeMap::new();
    for dir in dirs {
        let manifest_path = dir.join("manifest.json");
        let text = std::fs::read_to_string(&manifest_path)
            .with_context(|| format!("cannot read {}", manifest_path.display()))?;
        let RunKey {
            scenario_name: name,
            seed,
            ticks,
        } = serde_json::from_str(&text).with_context(|| {
            format!(
                "{}: not a run's manifest (it needs `scenario_name`, `seed` and `ticks`)",
                manifest_path.display()
            )
        })?;
        let figures = read_summary(&dir.join("summary.csv"))?;
        let run = Run {
            dir: dir.clone(),
            figures,
        };
        if let Some(other) = runs
            .entry((name.clone(), ticks))
            .or_default()
            .insert(seed, run)
        {
            bail!(
                "{} and {} are both {name} for {ticks} days at seed {seed}: one run of each \
                 scenario, length and seed per set",
                other.dir.display(),
                dir.display()
            );
        }
    }
    Ok(runs)
}

/// A run's `summary.csv`: `metric,unit,value` rows.
fn read_summary(path: &Path) -> Result<Vec<(String, f64)>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut lines = text.lines();
    if lines.next().map(str::trim) != Some("metric,unit,value") {
        bail!(
            "{}: the first line is not `metric,unit,value`",
            path.display()
        );
    }
    let mut figures = Vec::new();
    for (i, line) in lines.enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split(',').collect();
        let [metric, _unit, value] = fields[..] else {
            bail!("{}:{}: expected three fields", path.display(), i + 2);
        };
        let value: f64 = value
            .trim()
            .parse()
            .with_context(|| format!("{}:{}: `{value}` is not a number", path.display(), i + 2))?;
        figures.push((metric.to_owned(), value));
    }
    Ok(figures)
}

/// A finished docking.
pub struct Docking {
    /// One row per scenario (and length) and figure.
    pub table: DataFrame,
    /// Groups compared, and runs in each set.
    pub groups: usize,
    pub runs: usize,
    /// Figures compared, and how many were identical, the same, and different.
    pub identical: usize,
    pub same: usize,
    pub differ: usize,
    /// The different ones, for the terminal: scenario, figure, its comparison and adjusted p.
    pub differences: Vec<(String, String, Paired, f64)>,
    /// Figures in only one of the two sets' summaries (a headline added or removed).
    pub unmatched: Vec<String>,
}

/// Compares the runs under `before` with those under `after`.
pub fn dock(before: &Path, after: &Path, opts: &DockOptions) -> Result<Docking> {
    if !(opts.alpha > 0.0 && opts.alpha < 1.0) {
        bail!("--alpha must be between 0 and 1, not {}", opts.alpha);
    }
    if !(opts.tolerance >= 0.0 && opts.tolerance.is_finite()) {
        bail!("--tolerance must be zero or more, not {}", opts.tolerance);
    }
    let a = read_runs(before)?;
    let b = read_runs(after)?;
    for (side, one, other, other_root) in [("first", &a, &b, after), ("second", &b, &a, before)] {
        for ((name, ticks), seeds) in one {
            let Some(theirs) = other.get(&(name.clone(), *ticks)) else {
                bail!(
                    "{name} for {ticks} days is in the {side} set but not in {}",
                    other_root.display()
                );
            };
            if let Some(seed) = seeds.keys().find(|s| !theirs.contains_key(s)) {
                bail!(
                    "{name} for {ticks} days at seed {seed} is in the {side} set but not in {}",
                    other_root.display()
                );
            }
        }
    }
    let mut rows: Vec<(String, u64, String, Paired)> = Vec::new();
    let mut unmatched = Vec::new();
    let mut runs = 0;
    for ((name, ticks), seeds) in &a {
        let theirs = &b[&(name.clone(), *ticks)];
        runs += seeds.len();
        if seeds.len() < 3 {
            bail!(
                "{name} for {ticks} days has {} seed(s) in each set: docking needs three or more",
                seeds.len()
            );
        }
        let first = seeds.values().next().expect("three seeds or more");
        let their_first = theirs.values().next().expect("the same seeds");
        for (figure, _) in &their_first.figures {
            if !first.figures.iter().any(|(f, _)| f == figure) && !unmatched.contains(figure) {
                unmatched.push(figure.clone());
            }
        }
        for (figure, _) in &first.figures {
            let value = |run: &Run| {
                run.figures
                    .iter()
                    .find(|(f, _)| f == figure)
                    .map(|(_, v)| *v)
            };
            let x: Option<Vec<f64>> = seeds.values().map(value).collect();
            let y: Option<Vec<f64>> = seeds.keys().map(|s| value(&theirs[s])).collect();
            match (x, y) {
                (Some(x), Some(y)) => {
                    rows.push((name.clone(), *ticks, figure.clone(), paired(&x, &y)))
                }
                _ => {
                    if !unmatched.contains(figure) {
                        unmatched.push(figure.clone());
                    }
                }
            }
        }
    }
    let p: Vec<f64> = rows.iter().map(|r| r.3.p).collect();
    let adjusted = holm(&p);
    let tests: Vec<Paired> = rows.iter().map(|r| r.3).collect();
    let verdict = verdicts(&tests, &adjusted, opts.alpha, opts.tolerance);
    let count = |v: Verdict| verdict.iter().filter(|&&x| x == v).count();
    let differences = rows
        .iter()
        .zip(&verdict)
        .zip(&adjusted)
        .filter(|((_, v), _)| **v == Verdict::Differs)
        .map(|(((name, _, figure, t), _), p)| (name.clone(), figure.clone(), *t, *p))
        .collect();
    let f = |get: fn(&Paired) -> f64| rows.iter().map(|r| get(&r.3)).collect::<Vec<f64>>();
    let table = DataFrame::new(
        rows.len(),
        vec![
            Column::new(
                "scenario".into(),
                rows.iter().map(|r| r.0.clone()).collect::<Vec<_>>(),
            ),
            Column::new("ticks".into(), rows.iter().map(|r| r.1).collect::<Vec<_>>()),
            Column::new(
                "metric".into(),
                rows.iter().map(|r| r.2.clone()).collect::<Vec<_>>(),
            ),
            Column::new(
                "n".into(),
                rows.iter().map(|r| r.3.n as u64).collect::<Vec<_>>(),
            ),
            Column::new("before_mean".into(), f(|t| t.before_mean)),
            Column::new("after_mean".into(), f(|t| t.after_mean)),
            Column::new("before_sd".into(), f(|t| t.before_sd)),
            Column::new("diff_mean".into(), f(|t| t.diff_mean)),
            Column::new("diff_ci_low".into(), f(|t| t.diff_low)),
            Column::new("diff_ci_high".into(), f(|t| t.diff_high)),
            Column::new("diff_in_sds".into(), f(Paired::diff_in_sds)),
            Column::new("t".into(), f(|t| t.t)),
            Column::new("p".into(), p.clone()),
            Column::new("p_holm".into(), adjusted.clone()),
            Column::new(
                "verdict".into(),
                verdict.iter().map(|v| v.name()).collect::<Vec<_>>(),
            ),
        ],
    )?;
    Ok(Docking {
        table,
        groups: a.len(),
        runs,
        identical: count(Verdict::Identical),
        same: count(Verdict::Same),
        differ: count(Verdict::Differs),
        differences,
        unmatched,
    })
}

impl Docking {
    /// What the terminal shows: the counts, then each figure that differs.
    pub fn format(&self, opts: &DockOptions) -> String {
        use super::sweep::sig;
        use std::fmt::Write;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} scenarios, {} runs in each set, {} figures: {} identical, {} the same within \
             tolerance, {} different (paired t-tests over the seeds, Holm's correction at a \
             family-wise {}; a difference counts above {} of a figure's seed-to-seed spread)",
            self.groups,
            self.runs,
            self.identical + self.same + self.differ,
            self.identical,
            self.same,
            self.differ,
            opts.alpha,
            opts.tolerance,
        );
        for (name, figure, t, p) in &self.differences {
            let why = if t.one_sided > 0 {
                format!("defined in one set only in {} run(s)", t.one_sided)
            } else {
                format!(
                    "{} -> {}, difference {} [{}, {}] ({} spreads), Holm p {}",
                    sig(t.before_mean),
                    sig(t.after_mean),
                    sig(t.diff_mean),
                    sig(t.diff_low),
                    sig(t.diff_high),
                    sig(t.diff_in_sds()),
                    if p.is_nan() {
                        "-".to_owned()
                    } else {
                        format!("{p:.2e}")
                    },
                )
            };
            let _ = writeln!(out, "  differs: {name} {figure}: {why}");
        }
        if !self.unmatched.is_empty() {
            let _ = writeln!(
                out,
                "  not compared (in one set's summaries only): {}",
                self.unmatched.join(", ")
            );
        }
        out
    }
}

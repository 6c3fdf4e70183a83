//! `commune sweep` and `commune merge`: many runs of one scenario over a `[sweep]` section's
//! points and replicates.
//!
//! A sweep directory holds:
//!
//! - `sweep.json`, the plan: scenario, points, replicates, seeds. A sweep started again in the
//!   same directory must have the same plan; it then skips the runs already complete.
//! - `runs/run=NNNNNN/`, one directory per finished run (`metrics.parquet`, `summary.parquet`,
//!   `scenario.toml`), written to a temporary directory and renamed into place, so a run is either
//!   complete or absent, and memory stays flat whatever the number of runs.
//! - `runs.parquet`/`.csv` (one row per run) and `points.parquet`/`.csv` (each point's mean and
//!   95% interval over its replicates), rebuilt from `runs/` at the end.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};
use polars::prelude::*;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{headline_columns, write_table};
use crate::analysis::stats;
use crate::model::Summary;
use crate::model::metrics::summary::{HEADLINES, headline_names};
use crate::output::{self, Staged};
use crate::scenario::sweep::{Design, as_f64, replicate_seed};
use crate::scenario::{Scenario, SweepSpec};

/// One slice of a sweep: run `i` (from 0) belongs to shard `i % n + 1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// This shard, from 1.
    pub k: u32,
    /// Number of shards.
    pub n: u32,
}

impl Shard {
    pub const WHOLE: Shard = Shard { k: 1, n: 1 };

    pub fn contains(&self, run: usize) -> bool {
        run % self.n as usize == (self.k - 1) as usize
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.k, self.n)
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let bad =
            || format!("{s:?} is not a shard: write K/N, like 2/8 for the second of 8 slices");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let k: u32 = k.trim().parse().map_err(|_| bad())?;
        let n: u32 = n.trim().parse().map_err(|_| bad())?;
        if n == 0 {
            return Err(format!("shard {s}: N must be 1 or more"));
        }
        if k == 0 || k > n {
            return Err(format!("shard {s}: K must be between 1 and N ({n})"));
        }
        Ok(Shard { k, n })
    }
}

/// The plan of a sweep: what `sweep.json` records. Two shards or two attempts of one sweep have
/// equal plans.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub commune_version: String,
    pub scenario_name: String,
    /// SHA-256 of the base scenario as run (`scenario.toml`).
    pub scenario_sha256: String,
    pub root_seed: u64,
    pub ticks: u32,
    pub design: String,
    /// Swept parameters' paths.
    pub parameters: Vec<String>,
    /// Each point's values, in parameter order (true and false as 1 and 0, a word as its place
    /// in the parameter's declared choices, `scenario::sweep::choices`).
    pub points: Vec<Vec<f64>>,
    pub replicates: u32,
    /// Seed of each replicate; the same for every point (common random numbers).
    pub seeds: Vec<u64>,
}

impl Plan {
    pub fn runs(&self) -> usize {
        self.points.len() * self.replicates as usize
    }

    /// Point and replicate of run `i`: runs go point by point, replicates innermost.
    pub fn locate(&self, run: usize) -> (usize, u32) {
        let r = self.replicates as usize;
        (run / r, (run % r) as u32)
    }
}

/// A sweep ready to run: the base scenario, its spec and the scenario of every point.
pub struct Sweep {
    pub base: Scenario,
    pub spec: SweepSpec,
    pub plan: Plan,
    points: Vec<Vec<toml::Value>>,
    /// The base scenario as the table each point's values are set in (made once, not once a
    /// run; `base` is not changed after [`Sweep::new`], so the two stay in step).
    table: toml::Table,
}

impl Sweep {
    /// Builds the sweep of a scenario with a `[sweep]` section.
    pub fn new(base: Scenario) -> Result<Self> {
        let Some(spec) = base.sweep.clone() else {
            bail!(
                "the scenario has no [sweep] section: add one naming the parameters to vary \
                 (see docs/experiments.md, \"Sweeps\")"
            );
        };
        let points = spec.points(base.meta.seed);
        let design = match spec.design {
            Design::Grid => "grid".to_owned(),
            Design::List => "list".to_owned(),
            Design::LatinHypercube { samples } => format!("latin_hypercube({samples})"),
        };
        let plan = Plan {
            commune_version: env!("CARGO_PKG_VERSION").to_owned(),
            scenario_name: base.meta.name.clone(),
            scenario_sha256: output::sha256_hex(&base.to_toml()),
            root_seed: base.meta.seed,
            ticks: base.meta.ticks,
            design,
            parameters: spec.parameters.iter().map(|p| p.path.clone()).collect(),
            points: points
                .iter()
                .map(|pt| {
                    pt.iter()
                        .zip(&spec.parameters)
                        .map(|(v, p)| as_f64(&p.path, v))
                        .collect()
                })
                .collect(),
            replicates: spec.replicates,
            seeds: (0..spec.replicates)
                .map(|r| replicate_seed(base.meta.seed, r))
                .collect(),
        };
        Ok(Self {
            table: base.values_table(),
            base,
            spec,
            plan,
            points,
        })
    }

    /// The scenario of run `i`, seed included.
    pub fn scenario(&self, run: usize) -> Result<Scenario> {
        let (point, replicate) = self.plan.locate(run);
        let mut s = self
            .base
            .with_values_in(&self.table, &self.spec.paths(), &self.points[point])
            .map_err(|ps| {
                anyhow::anyhow!(
                    "point {point} is not a valid scenario: {}",
                    ps.iter()
                        .map(|p| format!("`{}`: {}", p.key, p.message))
                        .collect::<Vec<_>>()
                        .join("; ")
                )
            })?;
        s.meta.seed = self.plan.seeds[replicate as usize];
        Ok(s)
    }
}

/// Options of `commune sweep`.
pub struct SweepOptions {
    pub out: PathBuf,
    /// Worker threads (0: one per core).
    pub jobs: usize,
    pub shard: Shard,
    pub quiet: bool,
}

/// What a sweep did.
#[derive(Debug)]
pub struct SweepReport {
    pub dir: PathBuf,
    /// Runs in this shard.
    pub in_shard: usize,
    /// Runs found complete and skipped.
    pub skipped: usize,
    /// Runs made now.
    pub ran: usize,
    pub wall_seconds: f64,
}

fn run_dir_name(run: usize) -> String {
    format!("run={run:06}")
}

/// Runs a sweep (or its shard) into `opts.out`, skipping runs already complete there, then
/// rebuilds the sweep's tables.
pub fn run_sweep(sweep: &Sweep, source_text: &str, opts: &SweepOptions) -> Result<SweepReport> {
    let dir = &opts.out;
    let runs_dir = dir.join("runs");
    std::fs::create_dir_all(&runs_dir)
        .with_context(|| format!("cannot create {}", runs_dir.display()))?;
    check_or_write_plan(dir, &sweep.plan)?;
    write_atomic(&dir.join("sweep.toml"), source_text)?;
    write_atomic(&dir.join("scenario.toml"), &sweep.base.to_toml())?;
    if opts.shard == Shard::WHOLE {
        // Only a sweep that owns its directory may clear what killed attempts left; shards
        // sharing a directory could be writing there now.
        remove_partials(&runs_dir)?;
    }

    let in_shard: Vec<usize> = (0..sweep.plan.runs())
        .filter(|&i| opts.shard.contains(i))
        .collect();
    let todo: Vec<usize> = in_shard
        .iter()
        .copied()
        .filter(|&i| !runs_dir.join(run_dir_name(i)).is_dir())
        .collect();
    let skipped = in_shard.len() - todo.len();

    let progress = if opts.quiet || !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(todo.len() as u64).with_style(
            ProgressStyle::with_template("sweep [{bar:40}] run {pos}/{len} ({eta} left)")
                .expect("valid template")
                .progress_chars("=> "),
        )
    };
    let clock = Instant::now();
    let done = AtomicUsize::new(0);
    let pool = super::pool(opts.jobs)?;
    pool.install(|| {
        todo.par_iter().with_max_len(1).try_for_each(|&i| {
            run_one(sweep, i, &runs_dir)?;
            done.fetch_add(1, Ordering::Relaxed);
            progress.inc(1);
            anyhow::Ok(())
        })
    })?;
    progress.finish_and_clear();
    let wall_seconds = clock.elapsed().as_secs_f64();
    aggregate(dir, &sweep.plan)?;
    Ok(SweepReport {
        dir: dir.clone(),
        in_shard: in_shard.len(),
        skipped,
        ran: done.into_inner(),
        wall_seconds,
    })
}

/// Runs one run of the sweep and moves its directory into place.
fn run_one(sweep: &Sweep, run: usize, runs_dir: &Path) -> Result<()> {
    let scenario = sweep.scenario(run)?;
    let rows = crate::runner::simulate(&scenario, |_| {})?;
    write_run(sweep, run, runs_dir, &scenario, &rows)
}

/// Writes one run's directory and moves it into place, on the calling thread: nothing here
/// waits on polars' thread pool (see [`output::write_parquet_serial`]).
fn write_run(
    sweep: &Sweep,
    run: usize,
    runs_dir: &Path,
    scenario: &Scenario,
    rows: &[crate::model::TickMetrics],
) -> Result<()> {
    let summary = Summary::from_rows(rows);
    let staged = Staged::new(&runs_dir.join(run_dir_name(run)), false)?;
    let mut metrics = output::metrics_frame(rows)?;
    metrics.insert_column(0, Column::new("run".into(), vec![run as i64; rows.len()]))?;
    output::write_parquet_serial(&staged.path().join("metrics.parquet"), &mut metrics)?;
    let mut row = summary_row(&sweep.plan, run, &summary)?;
    output::write_parquet_serial(&staged.path().join("summary.parquet"), &mut row)?;
    std::fs::write(staged.path().join("scenario.toml"), scenario.to_toml())?;
    staged.commit()?;
    Ok(())
}

/// The one-row table of a run: its place in the sweep, its parameters and headline figures.
fn summary_row(plan: &Plan, run: usize, summary: &Summary) -> Result<DataFrame> {
    let (point, replicate) = plan.locate(run);
    let mut columns = vec![
        Column::new("run".into(), [run as i64]),
        Column::new("point".into(), [point as i64]),
        Column::new("replicate".into(), [i64::from(replicate)]),
        Column::new("seed".into(), [plan.seeds[replicate as usize]]),
    ];
    for (j, p) in plan.parameters.iter().enumerate() {
        columns.push(Column::new(p.as_str().into(), [plan.points[point][j]]));
    }
    columns.extend(headline_columns(std::slice::from_ref(summary)));
    Ok(DataFrame::new(1, columns)?)
}

/// Writes `sweep.json`, or checks that the one there is the same sweep.
fn check_or_write_plan(dir: &Path, plan: &Plan) -> Result<()> {
    let path = dir.join("sweep.json");
    if path.exists() {
        let existing = read_plan(dir)?;
        if &existing != plan {
            bail!(
                "{} holds a different sweep (scenario, parameters, points, replicates or seeds \
                 differ); choose another --out",
                dir.display()
            );
        }
        return Ok(());
    }
    write_atomic(&path, &(serde_json::to_string_pretty(plan)? + "\n"))
}

/// Reads a sweep directory's plan.
pub fn read_plan(dir: &Path) -> Result<Plan> {
    let path = dir.join("sweep.json");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("{} is not a sweep directory", dir.display()))?;
    serde_json::from_str(&text).with_context(|| format!("cannot read {}", path.display()))
}

/// Writes a file through a temporary file and a rename, so readers never see half of it.
fn write_atomic(path: &Path, text: &str) -> Result<()> {
    let parent = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(parent)
        .with_context(|| format!("cannot write in {}", parent.display()))?;
    std::io::Write::write_all(&mut tmp, text.as_bytes())?;
    tmp.persist(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

fn remove_partials(runs_dir: &Path) -> Result<()> {
    for entry in std::fs::read_dir(runs_dir)? {
        let entry = entry?;
        if entry
            .file_name()
            .to_string_lossy()
            .starts_with(".commune-partial-")
        {
            std::fs::remove_dir_all(entry.path())
                .with_context(|| format!("cannot remove {}", entry.path().display()))?;
        }
    }
    Ok(())
}

/// The complete runs in a sweep directory, by run number.
pub fn complete_runs(dir: &Path) -> Result<Vec<usize>> {
    let mut runs = Vec::new();
    let runs_dir = dir.join("runs");
    if !runs_dir.is_dir() {
        return Ok(runs);
    }
    for entry in std::fs::read_dir(&runs_dir)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if let Some(n) = name.strip_prefix("run=").and_then(|n| n.parse().ok()) {
            runs.push(n);
        }
    }
    runs.sort_unstable();
    Ok(runs)
}

/// Rebuilds `runs.*` and `points.*` from the complete runs in `dir`.
pub fn aggregate(dir: &Path, plan: &Plan) -> Result<DataFrame> {
    let runs = complete_runs(dir)?;
    let mut table: Option<DataFrame> = None;
    for run in &runs {
        let path = dir
            .join("runs")
            .join(run_dir_name(*run))
            .join("summary.parquet");
        let row = output::read_parquet(&path)?;
        match &mut table {
            None => table = Some(row),
            Some(t) => {
                t.vstack_mut_owned(row)?;
            }
        }
    }
    let Some(mut table) = table else {
        bail!("{} holds no complete run", dir.display());
    };
    table.rechunk_mut_par();
    write_table(dir, "runs", &mut table)?;
    let mut by_point = stats::mean_ci(&table, &["point"], &headline_names())?;
    let point_ids = stats::floats(&by_point, "point")?;
    for (j, p) in plan.parameters.iter().enumerate() {
        let values: Vec<f64> = point_ids
            .iter()
            .map(|&i| plan.points[i as usize][j])
            .collect();
        by_point.insert_column(1 + j, Column::new(p.as_str().into(), values))?;
    }
    write_table(dir, "points", &mut by_point)?;
    Ok(by_point)
}

/// `commune merge`: joins sweep directories (shards) into `out` and rebuilds its tables.
/// Returns the number of runs and how many of the plan's runs are still missing.
pub fn merge(dirs: &[PathBuf], out: &Path) -> Result<(usize, usize)> {
    let Some(first) = dirs.first() else {
        bail!("name at least one sweep directory to merge");
    };
    let plan = read_plan(first)?;
    for d in &dirs[1..] {
        if read_plan(d)? != plan {
            bail!(
                "{} and {} are not shards of the same sweep",
                first.display(),
                d.display()
            );
        }
    }
    let runs_out = out.join("runs");
    std::fs::create_dir_all(&runs_out)
        .with_context(|| format!("cannot create {}", runs_out.display()))?;
    check_or_write_plan(out, &plan)?;
    for file in ["sweep.toml", "scenario.toml"] {
        let src = first.join(file);
        if src.is_file() && !out.join(file).exists() {
            std::fs::copy(&src, out.join(file))?;
        }
    }
    for d in dirs {
        if std::fs::canonicalize(d)? == std::fs::canonicalize(out)? {
            continue;
        }
        for run in complete_runs(d)? {
            let dest = runs_out.join(run_dir_name(run));
            if dest.exists() {
                continue;
            }
            let src = d.join("runs").join(run_dir_name(run));
            let staged = Staged::new(&dest, false)?;
            for entry in std::fs::read_dir(&src)? {
                let entry = entry?;
                std::fs::copy(entry.path(), staged.path().join(entry.file_name()))
                    .with_context(|| format!("cannot copy {}", entry.path().display()))?;
            }
            staged.commit()?;
        }
    }
    let have = complete_runs(out)?.len();
    aggregate(out, &plan)?;
    Ok((have, plan.runs().saturating_sub(have)))
}

/// The headline table of a sweep, one line per point, for the terminal.
pub fn format_points(points: &DataFrame, plan: &Plan) -> Result<String> {
    use std::fmt::Write;
    let shown = [
        "work_hours_mean",
        "need_satisfaction",
        "waste_share",
        "footprint_kg_co2e_per_person_year",
    ];
    let mut out = String::new();
    let mut header = format!("{:>6}", "point");
    for p in &plan.parameters {
        write!(header, "  {p:>24}")?;
    }
    for h in HEADLINES.iter().filter(|h| shown.contains(&h.name)) {
        write!(header, "  {:>26}", format!("{} ({})", h.name, h.unit))?;
    }
    writeln!(out, "{header}")?;
    let ids = stats::floats(points, "point")?;
    for (row, id) in ids.iter().enumerate() {
        write!(out, "{:>6}", *id as usize)?;
        for p in &plan.parameters {
            let x = stats::floats(points, p)?[row];
            match crate::scenario::sweep::choices(p).get(x as usize) {
                Some(word) if x >= 0.0 => write!(out, "  {word:>24}")?,
                _ => write!(out, "  {x:>24.4}")?,
            }
        }
        for name in shown {
            let m = stats::floats(points, &format!("{name}_mean"))?[row];
            let lo = stats::floats(points, &format!("{name}_ci_low"))?[row];
            let hi = stats::floats(points, &format!("{name}_ci_high"))?[row];
            write!(
                out,
                "  {:>26}",
                format!("{} [{}, {}]", sig(m), sig(lo), sig(hi))
            )?;
        }
        writeln!(out)?;
    }
    Ok(out)
}

/// A number to four significant figures, for tables.
pub fn sig(x: f64) -> String {
    if !x.is_finite() {
        return "-".to_owned();
    }
    // Below a millionth, a headline figure is rounding noise (a labour shortage of 1e-9 h).
    if x.abs() < 1e-6 {
        return "0".to_owned();
    }
    let digits = (3 - x.abs().log10().floor() as i32).clamp(0, 6) as usize;
    format!("{x:.digits$}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_and_partition_the_runs() {
        assert_eq!("2/3".parse::<Shard>(), Ok(Shard { k: 2, n: 3 }));
        assert!(
            "3/2"
                .parse::<Shard>()
                .unwrap_err()
                .contains("between 1 and N")
        );
        assert!("0/2".parse::<Shard>().is_err());
        assert!("1/0".parse::<Shard>().is_err());
        assert!("x".parse::<Shard>().is_err());
        let shards: Vec<Shard> = (1..=3).map(|k| Shard { k, n: 3 }).collect();
        for run in 0..20 {
            assert_eq!(shards.iter().filter(|s| s.contains(run)).count(), 1);
        }
    }

    #[test]
    fn sig_keeps_four_figures() {
        assert_eq!(sig(0.123456), "0.1235");
        assert_eq!(sig(596.2), "596.2");
        assert_eq!(sig(12345.6), "12346");
        assert_eq!(sig(f64::NAN), "-");
    }
}

//! The command line: `commune validate`, `run`, `sweep`, `sensitivity`, `merge`, `compare`,
//! `decompose`, `serve` and `plot`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::time::{Instant, SystemTime};

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use crate::experiment::compare::{CompareOptions, run_compare};
use crate::experiment::people::People;
use crate::experiment::sweep::{self, Shard, Sweep, SweepOptions};
use crate::model::metrics::summary::HEADLINES;
use crate::model::{Simulation, Summary, TickMetrics};
use crate::output::{self, Manifest, Staged};
pub use crate::runner::INTERRUPTED;
use crate::runner::{Profile, STAGES, simulate_profiled};
use crate::scenario::{self, Scenario};

/// Simulate the anarchist-communist economy of "A Vision of a Better World": communities and
/// their assemblies, syndicates and guilds, labour shared by willingness, goods shared by need.
#[derive(Parser, Debug)]
#[command(name = "commune", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check scenario files and print every problem found, with file, line and key.
    Validate {
        /// Scenario files (TOML).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Count warnings (things that will do nothing, like a `set` to the value already in
        /// force) as problems.
        #[arg(long)]
        strict: bool,
        /// Print nothing but problems.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Run a scenario and write its metrics, the scenario as run and a manifest.
    Run(RunArgs),
    /// Run a scenario's [sweep]: every point and replicate, in parallel, resumable.
    Sweep(SweepArgs),
    /// Run a scenario's [sensitivity] analysis (Sobol' indices or Morris screening) over the
    /// sweep machinery: in parallel, resumable, in shards joined by `merge`.
    Sensitivity(SensitivityArgs),
    /// Join sweep directories (the shards of one sweep) into one.
    Merge {
        /// Sweep directories written by `commune sweep --shard K/N`.
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// The merged sweep directory (created if missing; runs already there are kept).
        #[arg(long)]
        out: PathBuf,
        /// Do not draw plots or write report.html.
        #[arg(long)]
        no_plots: bool,
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Run scenarios over the same seeds and compare their headline figures.
    Compare(CompareArgs),
    /// Run a scenario's [decompose] chain of cumulative changes over the same seeds: each
    /// step's headline figures and its change from the step before, drawn as a waterfall.
    Decompose(DecomposeArgs),
    /// Check that two sets of runs of the same scenarios and seeds (made by two builds or
    /// versions of commune) give the same headline figures in distribution; exits 1 if any
    /// differs.
    Dock(DockArgs),
    /// Run a scenario live in the browser: charts, map, levers, side by side (a teaching dashboard).
    Serve(crate::serve::ServeArgs),
    /// Draw the plots and report.html of run, sweep or comparison directories.
    Plot {
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Print the scenario reference (every key, its unit, default, range, whether it may change
    /// during a run, meaning and source) as Markdown: what docs/scenario-reference.md holds.
    Reference {
        /// Write it to this file instead of printing it.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Print a country's published national accounts (WIOD 2016) on the model's sectors:
    /// output, hours, hours and CO2 per unit, hours embodied in consumption.
    Accounts(AccountsArgs),
}

#[derive(Args, Debug)]
pub struct AccountsArgs {
    /// Country: USA, DEU, GBR, FRA, CAN or AUS.
    #[arg(long)]
    pub country: String,
    /// Year: 2000, 2005, 2008, 2010 or 2014.
    #[arg(long, default_value_t = 2014)]
    pub year: u16,
    /// Mapping of the 56 industries onto the model's sectors (CSV; default: the shipped
    /// data/wiod2016/sector_map.csv).
    #[arg(long)]
    pub map: Option<PathBuf>,
    /// Treat imports as made at home (A = (Z_dom + Z_imp) / x) instead of domestic flows only.
    #[arg(long)]
    pub imports_at_home: bool,
    /// Read the tables from this folder instead of the copies built into the binary.
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Also draw the hours embodied in consumption by sector (PNG or SVG, by extension).
    #[arg(long)]
    pub plot: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct SweepArgs {
    /// Scenario file (TOML) with a [sweep] section.
    pub file: PathBuf,
    /// Sweep directory (default: output/<scenario name>/sweep). A sweep started again with the
    /// same directory skips the runs already complete.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Runs at a time (default: one per core).
    #[arg(long, short, default_value_t = 0)]
    pub jobs: usize,
    /// Run only slice K of N (from 1), e.g. one task of a Slurm job array; join the slices with
    /// `commune merge`.
    #[arg(long, value_parser = clap::value_parser!(Shard))]
    pub shard: Option<Shard>,
    /// Days each run simulates, overriding the scenario's `ticks` (1 to 36500).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=36_500))]
    pub ticks: Option<u32>,
    /// Do not draw plots or write report.html.
    #[arg(long)]
    pub no_plots: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Args, Debug)]
pub struct SensitivityArgs {
    /// Scenario file (TOML) with a [sensitivity] section.
    pub file: PathBuf,
    /// Output directory (default: output/<scenario name>/sensitivity). Started again with the
    /// same directory, it skips the runs already complete.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Runs at a time (default: one per core).
    #[arg(long, short, default_value_t = 0)]
    pub jobs: usize,
    /// Run only slice K of N (from 1); join the slices with `commune merge`, which then computes
    /// the indices.
    #[arg(long, value_parser = clap::value_parser!(Shard))]
    pub shard: Option<Shard>,
    /// Do not draw plots or write report.html.
    #[arg(long)]
    pub no_plots: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Args, Debug)]
pub struct CompareArgs {
    /// Scenario files (TOML); the first is the reference the others are compared with.
    #[arg(required = true, num_args = 2..)]
    pub files: Vec<PathBuf>,
    /// Runs per scenario, over the same seeds for each (common random numbers).
    #[arg(long, short, default_value_t = 10, value_parser = clap::value_parser!(u32).range(2..=100_000))]
    pub replicates: u32,
    /// Root seed of the common seeds (default: the first scenario's seed).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Days each run simulates, overriding every scenario's `ticks` (1 to 36500).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=36_500))]
    pub ticks: Option<u32>,
    /// Runs at a time (default: one per core).
    #[arg(long, short, default_value_t = 0)]
    pub jobs: usize,
    /// Write results to exactly this directory (default: output/compare/<names>/<time>).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace the --out directory if it already holds files.
    #[arg(long)]
    pub force: bool,
    /// Do not draw plots or write report.html.
    #[arg(long)]
    pub no_plots: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Args, Debug)]
pub struct DockArgs {
    /// The first set: a directory of run directories (each as `commune run --out` writes it).
    pub before: PathBuf,
    /// The second set: the same scenarios, lengths and seeds.
    pub after: PathBuf,
    /// Family-wise level of the paired t-tests over every figure of every scenario (Holm).
    #[arg(long, default_value_t = 0.05)]
    pub alpha: f64,
    /// Smallest mean difference that counts, as a share of the figure's seed-to-seed spread in
    /// the first set.
    #[arg(long, default_value_t = 0.1)]
    pub tolerance: f64,
    /// Write the table (dock.csv and dock.parquet) to exactly this directory.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace the --out directory if it already holds files.
    #[arg(long)]
    pub force: bool,
    /// Print nothing but errors (the exit status still says whether any figure differs).
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Args, Debug)]
pub struct DecomposeArgs {
    /// Scenario file (TOML) with a [decompose] section.
    pub file: PathBuf,
    /// Runs per step, over the same seeds for each (default: the section's `replicates`, or 10).
    #[arg(long, short, value_parser = clap::value_parser!(u32).range(2..=10_000))]
    pub replicates: Option<u32>,
    /// Days each run simulates (default: the section's `ticks`, or the scenario's).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=36_500))]
    pub ticks: Option<u32>,
    /// Runs at a time (default: one per core).
    #[arg(long, short, default_value_t = 0)]
    pub jobs: usize,
    /// Write results to exactly this directory (default: output/decompose/<name>/<time>).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace the --out directory if it already holds files.
    #[arg(long)]
    pub force: bool,
    /// Do not draw the waterfall.
    #[arg(long)]
    pub no_plots: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Args, Debug)]
pub struct RunArgs {
    /// Scenario file (TOML).
    pub file: PathBuf,
    /// Root seed, overriding the scenario's `seed`.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Days to simulate, overriding the scenario's `ticks` (1 to 36500).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=36_500))]
    pub ticks: Option<u32>,
    /// Write results to exactly this directory (default: output/<scenario name>/<run id>/).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace the --out directory if it already holds files.
    #[arg(long)]
    pub force: bool,
    /// Print nothing but errors: no progress bar, no summary table.
    #[arg(long, short)]
    pub quiet: bool,
    /// Do not draw plots or write report.html (nor gather the per-person totals they need).
    #[arg(long)]
    pub no_plots: bool,
    /// Also write communities.parquet: one row per community per day.
    #[arg(long)]
    pub communities: bool,
    /// Print where the run's time went: each phase of the day (events, life, needs,
    /// assemblies, plan, labour, production, distribution, accounting), the command's own
    /// observations, writing the output and drawing the plots; and the process's memory
    /// after each stage, per person. The results are the same.
    #[arg(long)]
    pub profile: bool,
    /// The most persons written one row each (people.parquet); a run that saw more writes
    /// exact quantiles of each per-person distribution instead (people_quantiles.parquet), and
    /// its plots are drawn from them.
    #[arg(long, default_value_t = crate::experiment::people::PERSON_ROWS)]
    pub person_rows: usize,
}

/// Makes Ctrl-C stop runs cleanly; a second Ctrl-C quits at once.
fn handle_interrupts() {
    // If a handler cannot be installed, Ctrl-C keeps its default meaning; nothing else changes.
    let _ = ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
        eprintln!(
            "\ninterrupted: stopping, and removing what was half-written (Ctrl-C again quits at once)"
        );
    });
}

/// Parses the command line and runs it.
pub fn main() -> Result<ExitCode> {
    let cli = Cli::parse();
    // The server writes nothing, so Ctrl-C keeps its default meaning there: stop at once.
    if !matches!(cli.command, Command::Serve(_)) {
        handle_interrupts();
    }
    match cli.command {
        Command::Serve(args) => crate::serve::serve(&args).map(|()| ExitCode::SUCCESS),
        Command::Validate {
            files,
            strict,
            quiet,
        } => validate(&files, strict, quiet),
        Command::Run(args) => run(&args).map(|_| ExitCode::SUCCESS),
        Command::Sweep(args) => sweep_command(&args).map(|_| ExitCode::SUCCESS),
        Command::Sensitivity(args) => sensitivity_command(&args).map(|_| ExitCode::SUCCESS),
        Command::Merge {
            dirs,
            out,
            no_plots,
            quiet,
        } => merge_command(&dirs, &out, no_plots, quiet).map(|_| ExitCode::SUCCESS),
        Command::Compare(args) => compare_command(&args).map(|_| ExitCode::SUCCESS),
        Command::Decompose(args) => decompose_command(&args).map(|_| ExitCode::SUCCESS),
        Command::Dock(args) => dock_command(&args),
        Command::Accounts(args) => accounts_command(&args).map(|()| ExitCode::SUCCESS),
        Command::Reference { out } => {
            let text = scenario::reference::markdown();
            match out {
                Some(path) => std::fs::write(&path, text)
                    .with_context(|| format!("cannot write {}", path.display()))?,
                None => print!("{text}"),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Plot { dirs, quiet } => {
            for dir in &dirs {
                let files = crate::plot::plot_dir(dir)?;
                if quiet {
                    continue;
                }
                println!(
                    "{}: {} files, see {}",
                    dir.display(),
                    files.len(),
                    dir.join("report.html").display()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn accounts_command(args: &AccountsArgs) -> Result<()> {
    use crate::accounts::{CountryYear, DataSource, Imports, Report, SectorMap};
    let source = match &args.data {
        Some(dir) => DataSource::Dir(dir.clone()),
        None => DataSource::BuiltIn,
    };
    let cy = CountryYear::load(&source, &args.country, args.year)?;
    let map = match &args.map {
        Some(path) => SectorMap::from_file(path, &cy.industries)?,
        None => SectorMap::default_for(&source, &cy.industries)?,
    };
    let imports = if args.imports_at_home {
        Imports::MadeAtHome
    } else {
        Imports::Domestic
    };
    let report = Report::build(&cy, &map, imports)?;
    if let Some(path) = &args.plot {
        crate::accounts::chart::draw(&report, path)?;
    }
    print!("{}", report.to_text());
    if let Some(path) = &args.plot {
        println!("chart: {}", path.display());
    }
    Ok(())
}

fn validate(files: &[PathBuf], strict: bool, quiet: bool) -> Result<ExitCode> {
    let mut ok = true;
    for file in files {
        // A [decompose] section's steps name scenario files beside this one: check them too.
        let loaded = scenario::load(file).and_then(|s| match &s.decompose {
            Some(spec) => scenario::decompose::steps(&s, spec, file).map(|_| s),
            None => Ok(s),
        });
        match loaded {
            Ok(s) if !s.warnings.is_empty() => {
                let e = scenario::ScenarioError {
                    file: file.clone(),
                    problems: s.warnings.clone(),
                };
                if strict {
                    ok = false;
                    eprintln!("{e} (counted as problems under --strict)");
                } else {
                    eprintln!("{}", e.to_string().replacen("problem", "warning", 1));
                }
            }
            Ok(_) if quiet => {}
            Ok(s) => println!(
                "{}: ok ({} communities, {} persons, {} ticks, seed {}{})",
                file.display(),
                s.params.population.communities,
                s.params.initial_population(s.meta.seed),
                s.meta.ticks,
                s.meta.seed,
                s.sweep.as_ref().map_or(String::new(), |sw| format!(
                    "; a sweep of {} runs",
                    sw.runs(s.meta.seed)
                ))
            ),
            Err(e) => {
                ok = false;
                eprintln!("{e}");
            }
        }
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// `commune run`: returns the run directory.
pub fn run(args: &RunArgs) -> Result<PathBuf> {
    let mut scenario = scenario::load(&args.file)?;
    if let Some(seed) = args.seed {
        scenario.meta.seed = seed;
    }
    if let Some(ticks) = args.ticks {
        scenario = scenario.with_ticks(ticks);
    }
    let started = SystemTime::now();
    let dest = match &args.out {
        Some(dir) => dir.clone(),
        None => unique_run_dir(&scenario, started),
    };
    // Fail on an unwritable destination before spending time on the run.
    let staged = Staged::new(&dest, args.force)?;

    let progress = if args.quiet || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(u64::from(scenario.meta.ticks)).with_style(
            ProgressStyle::with_template(
                "{prefix} [{bar:40}] day {pos}/{len} ({per_sec}, {eta} left)",
            )
            .expect("valid template")
            .progress_chars("=> "),
        )
    };
    progress.set_prefix(scenario.meta.name.clone());
    let clock = Instant::now();
    let mut people = (!args.no_plots).then(People::default);
    let mut communities = Vec::new();
    let mut profile = args.profile.then(Profile::default);
    let (rows, sim) = simulate_profiled(&scenario, profile.as_mut(), |sim, _| {
        if let Some(p) = &mut people {
            p.observe(sim);
        }
        if args.communities {
            sim.community_metrics(&mut communities);
        }
        progress.inc(1);
    })?;
    let wall = clock.elapsed().as_secs_f64();
    progress.finish_and_clear();

    let writing = Instant::now();
    // The world is dropped before anything is written (what is written of it, the log and
    // the decisions, is taken out first), and the per-person totals once written, so that
    // neither the writers' buffers nor the plots add to the world's memory.
    let reversals: Vec<_> = sim
        .decisions()
        .iter()
        .filter_map(|d| Some((d.tick, d.subject.describe(), d.reverses?)))
        .collect();
    let log = log_frames(&sim)?;
    drop(sim);
    let summary = Summary::from_rows(&rows);
    write_run(staged.path(), &scenario, &args.file, &rows, started, wall)?;
    write_summary(staged.path(), &summary)?;
    write_log(staged.path(), log)?;
    let people_bytes = people
        .as_ref()
        .map(|p| (p.totals().len(), p.bytes_per_person()));
    if let Some(p) = people.take() {
        write_people(staged.path(), &p, args.person_rows)?;
    }
    if args.communities {
        let mut frame = output::communities_frame(&communities)?;
        output::write_parquet(&staged.path().join("communities.parquet"), &mut frame)?;
    }
    drop(communities);
    let dir = staged.commit()?;
    let writing = writing.elapsed().as_secs_f64();
    if let Some(p) = &mut profile {
        p.note_memory("output written");
    }
    let plotting = Instant::now();
    if !args.no_plots {
        crate::plot::plot_dir(&dir)?;
    }
    let plotting = plotting.elapsed().as_secs_f64();
    if let Some(p) = &mut profile {
        if !args.no_plots {
            p.note_memory("plots drawn");
        }
        print_profile(
            p,
            writing,
            (!args.no_plots).then_some(plotting),
            scenario.params.initial_population(scenario.meta.seed),
            people_bytes,
        );
    }
    if !args.quiet {
        print_summary(&scenario, &summary, wall, &dir);
        if let Some((tick, subject, reverses)) = reversals.first() {
            println!(
                "\n{} assembly decision{} reversed the scenario's policy, the first on day {}: {} \
                 ({}); see decisions.csv, and assembly.<level>.off_agenda to keep a policy",
                reversals.len(),
                if reversals.len() == 1 { "" } else { "s" },
                tick,
                subject,
                reverses
            );
        }
    }
    Ok(dir)
}

/// `commune run --profile`: where the time went, stage by stage, with each stage's share of the
/// whole and its mean per simulated day.
fn print_profile(
    p: &Profile,
    writing: f64,
    plotting: Option<f64>,
    persons: u64,
    people: Option<(usize, usize)>,
) {
    let mut stages: Vec<(&str, f64)> = STAGES.iter().copied().zip(p.stages).collect();
    stages.push(("observing (per-person totals, --communities)", p.observing));
    stages.push(("writing the output", writing));
    if let Some(plotting) = plotting {
        stages.push(("drawing plots and report", plotting));
    }
    let total: f64 = stages.iter().map(|(_, s)| s).sum();
    let days = f64::from(p.days.max(1));
    println!(
        "where the time went (--profile), {} days, {:.3} s:",
        p.days, total
    );
    println!(
        "  {:<46} {:>10} {:>7} {:>12}",
        "stage", "seconds", "share", "us per day"
    );
    for (name, seconds) in stages {
        println!(
            "  {name:<46} {seconds:>10.4} {:>6.1}% {:>12.1}",
            100.0 * seconds / total.max(f64::MIN_POSITIVE),
            1e6 * seconds / days
        );
    }
    print_memory(p, persons, people);
    println!();
}

/// `--profile`'s memory: the whole process's resident set (program and libraries included) after
/// each stage and at its peak, per person; then what the persons' table of the world and the
/// per-person totals hold of it.
fn print_memory(p: &Profile, persons: u64, people: Option<(usize, usize)>) {
    let mb = |b: u64| b as f64 / 1e6;
    let per = |b: u64| b as f64 / persons.max(1) as f64;
    let Some((_, last)) = p.memory.last() else {
        println!("peak memory: not available on this system (read from /proc on Linux)");
        return;
    };
    println!(
        "peak memory {:.1} MB (the whole process, its resident high-water mark, the program and \
         its libraries included), {:.0} bytes per person of the {persons} at the start",
        mb(last.peak),
        per(last.peak)
    );
    println!(
        "  {:<22} {:>12} {:>14} {:>12}",
        "after", "resident MB", "per person B", "peak MB"
    );
    for (stage, r) in &p.memory {
        println!(
            "  {stage:<22} {:>12.1} {:>14.0} {:>12.1}",
            mb(r.now),
            per(r.now),
            mb(r.peak)
        );
    }
    let t = &p.persons;
    if t.persons > 0 {
        let row = t.row_bytes();
        let parts: Vec<String> = t
            .per_row
            .iter()
            .map(|(name, b)| format!("{name} {b}"))
            .collect();
        println!(
            "  the world's persons' table: {row} bytes a row (entity {}, {}; each component's \
             bytes include bevy's 8 of change ticks), {} rows for {} persons: {:.1} MB",
            t.entity,
            parts.join(", "),
            t.capacity,
            t.persons,
            mb(row * t.capacity)
        );
    }
    for k in &p.tables {
        println!(
            "  the world's {} ({} table{}): {} rows, {:.1} MB; room for {}, {:.1} MB",
            k.kind,
            k.tables,
            if k.tables == 1 { "" } else { "s" },
            k.rows,
            mb(k.bytes),
            k.capacity,
            mb(k.capacity_bytes)
        );
    }
    let (n, bytes) = p.resources;
    if n > 0 {
        println!(
            "  the world's {n} resources' sparse indexes (4 bytes for each entity index up to \
             each resource's): {:.1} MB",
            mb(bytes)
        );
    }
    if let Some((n, bytes)) = people {
        println!(
            "  per-person totals (for people.parquet or its quantiles): {bytes} bytes each, {n} \
             persons: {:.1} MB",
            mb((n * bytes) as u64)
        );
    }
}

/// `events.csv` (events and recalls: the chart markers) and `decisions.csv` (every proposal an
/// assembly decided, with its tally).
/// `events.csv` and `decisions.csv`, from [`log_frames`].
fn write_log(
    dir: &Path,
    (mut events, mut decisions): (polars::prelude::DataFrame, polars::prelude::DataFrame),
) -> Result<()> {
    output::write_csv(&dir.join("events.csv"), &mut events)?;
    output::write_csv(&dir.join("decisions.csv"), &mut decisions)
}

/// The run's events (but decisions) and decisions, as tables, for [`write_log`].
fn log_frames(
    sim: &Simulation,
) -> Result<(polars::prelude::DataFrame, polars::prelude::DataFrame)> {
    use polars::prelude::{Column, DataFrame};
    let marks: Vec<_> = sim
        .log()
        .iter()
        .filter(|e| e.kind != crate::model::kernel::log::LogKind::Decision)
        .collect();
    let events = DataFrame::new(
        marks.len(),
        vec![
            Column::new(
                "tick".into(),
                marks.iter().map(|e| e.tick).collect::<Vec<_>>(),
            ),
            Column::new(
                "label".into(),
                marks
                    .iter()
                    .map(|e| e.text.replace([',', '"', '\n'], " "))
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "kind".into(),
                marks.iter().map(|e| e.kind.name()).collect::<Vec<_>>(),
            ),
        ],
    )?;
    let d = sim.decisions();
    let decisions = DataFrame::new(
        d.len(),
        vec![
            Column::new("tick".into(), d.iter().map(|x| x.tick).collect::<Vec<_>>()),
            Column::new(
                "assembly".into(),
                d.iter().map(|x| x.level.name()).collect::<Vec<_>>(),
            ),
            Column::new(
                "proposal".into(),
                d.iter().map(|x| x.subject.describe()).collect::<Vec<_>>(),
            ),
            Column::new("yes".into(), d.iter().map(|x| x.yes).collect::<Vec<_>>()),
            Column::new("no".into(), d.iter().map(|x| x.no).collect::<Vec<_>>()),
            Column::new(
                "rounds".into(),
                d.iter().map(|x| x.rounds).collect::<Vec<_>>(),
            ),
            Column::new(
                "passed".into(),
                d.iter().map(|x| x.passed).collect::<Vec<_>>(),
            ),
            Column::new(
                "reverses".into(),
                d.iter()
                    .map(|x| x.reverses.unwrap_or(""))
                    .collect::<Vec<_>>(),
            ),
        ],
    )?;
    Ok((events, decisions))
}

/// `summary.csv`: the headline figures of a run, one per row.
fn write_summary(dir: &Path, s: &Summary) -> Result<()> {
    let mut frame = polars::prelude::DataFrame::new(
        HEADLINES.len(),
        vec![
            polars::prelude::Column::new(
                "metric".into(),
                HEADLINES.iter().map(|h| h.name).collect::<Vec<_>>(),
            ),
            polars::prelude::Column::new(
                "unit".into(),
                HEADLINES.iter().map(|h| h.unit).collect::<Vec<_>>(),
            ),
            polars::prelude::Column::new(
                "value".into(),
                HEADLINES.iter().map(|h| (h.get)(s)).collect::<Vec<_>>(),
            ),
        ],
    )?;
    output::write_csv(&dir.join("summary.csv"), &mut frame)
}

/// `people.parquet`, each person's totals over the run, for the distribution plots; or, if the
/// run saw more than `most` persons, `people_quantiles.parquet`, the exact quantiles of each
/// per-person distribution.
fn write_people(dir: &Path, people: &People, most: usize) -> Result<()> {
    use crate::experiment::people::{people_frame, quantile_frame};
    if people.totals().len() <= most {
        let mut frame = people_frame(people)?;
        output::write_parquet(&dir.join("people.parquet"), &mut frame)
    } else {
        let mut frame = quantile_frame(people)?;
        output::write_parquet(&dir.join("people_quantiles.parquet"), &mut frame)
    }
}

/// `commune sweep`.
pub fn sweep_command(args: &SweepArgs) -> Result<PathBuf> {
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let mut base = scenario::load(&args.file)?;
    if let Some(ticks) = args.ticks {
        base = base.with_ticks(ticks);
    }
    let sweep = Sweep::new(base)?;
    let out = args.out.clone().unwrap_or_else(|| {
        Path::new("output")
            .join(&sweep.base.meta.name)
            .join("sweep")
    });
    let shard = args.shard.unwrap_or(Shard::WHOLE);
    if !args.quiet {
        println!(
            "{}: {} points x {} replicates = {} runs{}, into {}",
            sweep.base.meta.name,
            sweep.plan.points.len(),
            sweep.plan.replicates,
            sweep.plan.runs(),
            if shard == Shard::WHOLE {
                String::new()
            } else {
                format!(" (shard {shard})")
            },
            out.display()
        );
    }
    let opts = SweepOptions {
        out,
        jobs: args.jobs,
        shard,
        quiet: args.quiet,
    };
    let report = sweep::run_sweep(&sweep, &text, &opts)?;
    if !args.no_plots {
        crate::plot::plot_dir(&report.dir)?;
    }
    if !args.quiet {
        let points = output::read_parquet(&report.dir.join("points.parquet"))?;
        println!(
            "\n{} runs made, {} already complete, in {:.1} s\n",
            report.ran, report.skipped, report.wall_seconds
        );
        print!("{}", sweep::format_points(&points, &sweep.plan)?);
        println!("\nresults in {}", report.dir.display());
    }
    Ok(report.dir)
}

/// `commune merge`.
fn merge_command(dirs: &[PathBuf], out: &Path, no_plots: bool, quiet: bool) -> Result<()> {
    let (have, missing) = sweep::merge(dirs, out)?;
    let indices = crate::experiment::sensitivity::run::after_merge(dirs, out)?;
    if !no_plots {
        crate::plot::plot_dir(out)?;
    }
    if quiet {
        return Ok(());
    }
    println!(
        "{have} runs in {}{}",
        out.display(),
        if missing == 0 {
            ": the sweep is complete".to_owned()
        } else {
            format!("; {missing} runs of the sweep are still missing")
        }
    );
    if indices {
        println!(
            "sensitivity indices in {}",
            out.join("indices.csv").display()
        );
    }
    Ok(())
}

/// `commune sensitivity`.
pub fn sensitivity_command(args: &SensitivityArgs) -> Result<PathBuf> {
    use crate::experiment::sensitivity::run::{self, SensitivityOptions};
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let (base, spec) = scenario::sensitivity::load(&args.file)?;
    let out = args.out.clone().unwrap_or_else(|| {
        Path::new("output")
            .join(&base.meta.name)
            .join("sensitivity")
    });
    let shard = args.shard.unwrap_or(Shard::WHOLE);
    if !args.quiet {
        println!(
            "{}: {} parameters, {} design points x {} replicates = {} runs{}, into {}",
            base.meta.name,
            spec.parameters.len(),
            spec.point_count(),
            spec.replicates,
            spec.runs(),
            if shard == Shard::WHOLE {
                String::new()
            } else {
                format!(" (shard {shard})")
            },
            out.display()
        );
    }
    let opts = SensitivityOptions {
        out: out.clone(),
        jobs: args.jobs,
        shard,
        quiet: args.quiet,
    };
    let report = run::run(base, &spec, &text, &opts)?;
    // A shard's plots wait for the merge, which has the indices.
    if !args.no_plots && report.indices.is_some() {
        crate::plot::plot_dir(&out)?;
    }
    if !args.quiet {
        println!(
            "\n{} runs made, {} already complete, in {:.1} s",
            report.sweep.ran, report.sweep.skipped, report.sweep.wall_seconds
        );
        match &report.indices {
            Some(rows) => {
                print!("{}", run::format_indices(rows, &run::read_record(&out)?));
                println!("\nindices in {}", out.join("indices.csv").display());
            }
            None => println!(
                "this shard is done; join the shards with `commune merge --out DIR ...`, which \
                 computes the indices"
            ),
        }
    }
    Ok(out)
}

/// `commune dock`: exits 0 if no figure differs, 1 if one does, and 2 (as `diff` does) for
/// input it cannot read or output it cannot write, so that a script can tell the three apart.
pub fn dock_command(args: &DockArgs) -> Result<ExitCode> {
    match dock_inner(args) {
        Ok(code) => Ok(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            Ok(ExitCode::from(2))
        }
    }
}

fn dock_inner(args: &DockArgs) -> Result<ExitCode> {
    use crate::experiment::dock::{DockOptions, dock};
    let opts = DockOptions {
        alpha: args.alpha,
        tolerance: args.tolerance,
    };
    let staged = match &args.out {
        Some(dest) => Some(Staged::new(dest, args.force)?),
        None => None,
    };
    let mut docking = dock(&args.before, &args.after, &opts)?;
    if let Some(staged) = staged {
        crate::experiment::write_table(staged.path(), "dock", &mut docking.table)?;
        staged.commit()?;
    }
    if !args.quiet {
        print!("{}", docking.format(&opts));
    }
    Ok(if docking.differ == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `commune compare`.
pub fn compare_command(args: &CompareArgs) -> Result<PathBuf> {
    // Every file is checked before anything runs.
    let mut scenarios = Vec::new();
    let mut errors = Vec::new();
    for f in &args.files {
        match scenario::load(f) {
            Ok(s) => scenarios.push(match args.ticks {
                Some(ticks) => s.with_ticks(ticks),
                None => s,
            }),
            Err(e) => errors.push(e.to_string()),
        }
    }
    if !errors.is_empty() {
        anyhow::bail!("{}", errors.join("\n"));
    }
    let dest = match &args.out {
        Some(d) => d.clone(),
        None => {
            let names: Vec<&str> = scenarios.iter().map(|s| s.meta.name.as_str()).collect();
            let stamp = output::run_id(SystemTime::now(), scenarios[0].meta.seed);
            Path::new("output")
                .join("compare")
                .join(names.join("-vs-"))
                .join(stamp)
        }
    };
    let staged = Staged::new(&dest, args.force)?;
    let clock = Instant::now();
    let mut cmp = run_compare(
        &scenarios,
        &CompareOptions {
            replicates: args.replicates,
            seed: args.seed,
            jobs: args.jobs,
        },
    )?;
    let wall = clock.elapsed().as_secs_f64();
    cmp.write(staged.path(), &args.files)?;
    // Each scenario as run: with `--seed` set to one of compare.json's seeds, `commune run`
    // repeats that run of the comparison.
    let as_run = staged.path().join("scenarios");
    std::fs::create_dir_all(&as_run)?;
    for (i, s) in scenarios.iter().enumerate() {
        std::fs::write(
            as_run.join(format!("{}-{}.toml", i + 1, s.meta.name)),
            s.to_toml(),
        )?;
    }
    let dir = staged.commit()?;
    if !args.no_plots {
        crate::plot::plot_dir(&dir)?;
    }
    if !args.quiet {
        println!(
            "{} scenarios x {} common seeds ({:.1} s)\n",
            cmp.names.len(),
            cmp.seeds.len(),
            wall
        );
        print!("{}", cmp.format()?);
        println!("\nresults in {}", dir.display());
    }
    Ok(dir)
}

/// `commune decompose`.
pub fn decompose_command(args: &DecomposeArgs) -> Result<PathBuf> {
    use crate::experiment::decompose::{DecomposeOptions, run_decompose};
    let base = scenario::load(&args.file)?;
    let Some(spec) = base.decompose.clone() else {
        anyhow::bail!(
            "{}: the scenario has no [decompose] section: add one with at least one \
             `[[decompose.steps]]` (see docs/user-guide.md, \"Decomposing a change step by step\")",
            args.file.display()
        );
    };
    // Every step is built, and every scenario file read, before anything runs.
    let steps = scenario::decompose::steps(&base, &spec, &args.file)?;
    let replicates = args.replicates.unwrap_or(spec.replicates);
    let ticks = args.ticks.or(spec.ticks).unwrap_or(base.meta.ticks);
    let started = SystemTime::now();
    let dest = match &args.out {
        Some(d) => d.clone(),
        None => Path::new("output")
            .join("decompose")
            .join(&base.meta.name)
            .join(output::run_id(started, base.meta.seed)),
    };
    let staged = Staged::new(&dest, args.force)?;
    if !args.quiet {
        println!(
            "{}: {} steps x {} common seeds = {} runs of {} days",
            base.meta.name,
            steps.len(),
            replicates,
            steps.len() as u64 * u64::from(replicates),
            ticks
        );
    }
    let clock = Instant::now();
    let d = run_decompose(
        &steps,
        &spec.metrics,
        &DecomposeOptions {
            replicates,
            ticks,
            jobs: args.jobs,
            quiet: args.quiet,
        },
    )?;
    let wall = clock.elapsed().as_secs_f64();
    d.write(staged.path(), &args.file, &spec, started, wall)?;
    if !args.no_plots {
        d.draw_waterfall(staged.path())?;
    }
    let dir = staged.commit()?;
    if !args.quiet {
        println!("({wall:.1} s)\n");
        print!("{}", d.format());
        println!("\nresults in {}", dir.display());
    }
    Ok(dir)
}

fn unique_run_dir(scenario: &Scenario, started: SystemTime) -> PathBuf {
    let base = Path::new("output").join(&scenario.meta.name);
    let id = output::run_id(started, scenario.meta.seed);
    let mut dir = base.join(&id);
    let mut n = 2;
    while dir.exists() {
        dir = base.join(format!("{id}-{n}"));
        n += 1;
    }
    dir
}

fn write_run(
    dir: &Path,
    scenario: &Scenario,
    file: &Path,
    rows: &[TickMetrics],
    started: SystemTime,
    wall: f64,
) -> Result<()> {
    let mut frame = output::metrics_frame(rows)?;
    output::write_parquet(&dir.join("metrics.parquet"), &mut frame)?;
    output::write_csv(&dir.join("metrics.csv"), &mut frame)?;
    let toml = scenario.to_toml();
    std::fs::write(dir.join("scenario.toml"), &toml).context("cannot write scenario.toml")?;
    let manifest = Manifest {
        commune_version: env!("CARGO_PKG_VERSION"),
        git_commit: output::git_commit(),
        scenario_name: scenario.meta.name.clone(),
        scenario_file: file.display().to_string(),
        scenario_sha256: output::sha256_hex(&toml),
        seed: scenario.meta.seed,
        ticks: scenario.meta.ticks,
        persons: scenario.params.initial_population(scenario.meta.seed),
        communities: scenario.params.population.communities,
        started_at: humantime::format_rfc3339_seconds(started).to_string(),
        wall_time_seconds: wall,
    };
    let json = serde_json::to_string_pretty(&manifest)?;
    std::fs::write(dir.join("manifest.json"), json + "\n").context("cannot write manifest.json")?;
    Ok(())
}

fn print_summary(scenario: &Scenario, s: &Summary, wall: f64, dir: &Path) {
    let ticks = scenario.meta.ticks;
    println!(
        "{}: {} persons in {} communit{}, {} days, seed {} ({:.1} s, {:.0} days/s)",
        scenario.meta.name,
        scenario.params.initial_population(scenario.meta.seed),
        scenario.params.population.communities,
        if scenario.params.population.communities == 1 {
            "y"
        } else {
            "ies"
        },
        ticks,
        scenario.meta.seed,
        wall,
        f64::from(ticks) / wall.max(1e-9)
    );
    let years = ticks / crate::model::kernel::calendar::YEAR;
    let waste_window = match years {
        0 => "n/a: production is seasonal, so waste needs a run of a year or more".to_owned(),
        1 => "of food produced, over the last 365 days".to_owned(),
        n if n * crate::model::kernel::calendar::YEAR == ticks => {
            format!("of food produced, over the {n} years")
        }
        n => format!("of food produced, over the last {n} whole years"),
    };
    let rows = [
        (
            "work hours per able adult",
            format!("{:.2} h/day", s.work_hours_mean),
            format!(
                "p90 {:.2}, max {:.2}; mean over the {ticks} days",
                s.work_hours_p90, s.work_hours_max
            ),
        ),
        (
            "need satisfaction",
            format!("{:.2} %", 100.0 * s.need_satisfaction),
            format!(
                "food {:.1} %; {:.1} % of persons short of something on an average day",
                100.0 * s.food_satisfaction,
                100.0 * s.unmet_need_share
            ),
        ),
        (
            "waste share",
            if s.waste_share.is_finite() {
                format!("{:.1} %", 100.0 * s.waste_share)
            } else {
                "n/a".to_owned()
            },
            waste_window,
        ),
        (
            "footprint per person",
            format!("{:.0} kg CO2e/yr", s.footprint_kg_co2e_per_person_year),
            "energy, transport, production, waste".to_owned(),
        ),
        (
            "labour shortage",
            format!("{:.0} h", s.labour_shortage_hours),
            format!("asked for and never filled, over the {ticks} days"),
        ),
    ];
    println!();
    for (name, value, note) in rows {
        println!("  {name:<27} {value:>16}   {note}");
    }
    println!("\nresults in {}", dir.display());
}

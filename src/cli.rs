//! The command line: `commune validate` and `commune run`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Instant, SystemTime};

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use crate::model::{Simulation, Summary, TickMetrics};
use crate::output::{self, Manifest, Staged};
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
    },
    /// Run a scenario and write its metrics, the scenario as run and a manifest.
    Run(RunArgs),
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
}

/// Parses the command line and runs it.
pub fn main() -> Result<ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        Command::Validate { files } => validate(&files),
        Command::Run(args) => run(&args).map(|_| ExitCode::SUCCESS),
    }
}

fn validate(files: &[PathBuf]) -> Result<ExitCode> {
    let mut ok = true;
    for file in files {
        match scenario::load(file) {
            Ok(s) => println!(
                "{}: ok ({} communities, {} persons, {} ticks, seed {})",
                file.display(),
                s.params.population.communities,
                s.params.initial_population(),
                s.meta.ticks,
                s.meta.seed
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

/// Runs `scenario` for its ticks, calling `on_tick` after each; returns every metrics row.
pub fn simulate(scenario: &Scenario, mut on_tick: impl FnMut(&TickMetrics)) -> Vec<TickMetrics> {
    let mut sim = Simulation::new(scenario.params.clone(), scenario.meta.seed);
    let mut rows = Vec::with_capacity(scenario.meta.ticks as usize);
    for _ in 0..scenario.meta.ticks {
        let row = sim.step();
        on_tick(&row);
        rows.push(row);
    }
    rows
}

/// `commune run`: returns the run directory.
pub fn run(args: &RunArgs) -> Result<PathBuf> {
    let mut scenario = scenario::load(&args.file)?;
    if let Some(seed) = args.seed {
        scenario.meta.seed = seed;
    }
    if let Some(ticks) = args.ticks {
        scenario.meta.ticks = ticks;
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
    let rows = simulate(&scenario, |_| progress.inc(1));
    let wall = clock.elapsed().as_secs_f64();
    progress.finish_and_clear();

    write_run(staged.path(), &scenario, &args.file, &rows, started, wall)?;
    let dir = staged.commit()?;
    if !args.quiet {
        print_summary(&scenario, &Summary::from_rows(&rows), wall, &dir);
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
        persons: scenario.params.initial_population(),
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
        scenario.params.initial_population(),
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
    let rows = [
        (
            "work hours per able adult",
            format!("{:.2} h/day", s.work_hours_mean),
            format!("p90 {:.2}, max {:.2}", s.work_hours_p90, s.work_hours_max),
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
            format!("{:.1} %", 100.0 * s.waste_share),
            "of food produced".to_owned(),
        ),
        (
            "footprint per person",
            format!("{:.0} kg CO2e/yr", s.footprint_kg_co2e_per_person_year),
            "energy, production and waste".to_owned(),
        ),
        (
            "labour shortage",
            format!("{:.0} h", s.labour_shortage_hours),
            "asked for and never filled".to_owned(),
        ),
    ];
    println!();
    for (name, value, note) in rows {
        println!("  {name:<27} {value:>16}   {note}");
    }
    println!("\nresults in {}", dir.display());
}

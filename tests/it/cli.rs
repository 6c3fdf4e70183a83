//! The binary on shipped scenarios: files written, balances, determinism, help.

use crate::common::*;

#[test]
fn run_writes_every_file_of_a_run_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    let o = commune(&[
        "run",
        scenario("village").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--ticks",
        "400",
        "--seed",
        "5",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    for file in [
        "metrics.parquet",
        "metrics.csv",
        "scenario.toml",
        "manifest.json",
    ] {
        assert!(out.join(file).is_file(), "{file} missing");
    }
    // Only the run's files: the temporary directory was renamed, not left beside it.
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);

    let csv = Csv::read(&out.join("metrics.csv"));
    assert_eq!(csv.rows.len(), 400);
    for col in [
        "tick",
        "day_of_year",
        "population",
        "work_hours_mean",
        "work_hours_p50",
        "work_hours_p90",
        "work_hours_max",
        "leisure_hours_mean",
        "need_satisfaction",
        "unmet_need_share",
        "food_produced_kg",
        "food_eaten_kg",
        "food_stored_kg",
        "food_wasted_kg",
        "waste_share",
        "footprint_kg_co2e_per_person",
        "labour_shortage_hours",
    ] {
        assert_eq!(csv.col(col).len(), 400, "{col}");
    }
    assert_eq!(csv.col("tick")[399], 399.0);
    assert_eq!(csv.col("day_of_year")[399], 34.0);

    let parquet = commune::output::read_parquet(&out.join("metrics.parquet")).unwrap();
    assert_eq!(parquet.height(), 400);
    let eaten = parquet.column("food_eaten_kg").unwrap().f64().unwrap();
    let from_csv = csv.col("food_eaten_kg");
    for (i, expected) in from_csv.iter().enumerate() {
        let v = eaten.get(i).unwrap();
        assert!((v - expected).abs() <= 1e-9 * expected.abs().max(1.0));
    }

    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["seed"], 5);
    assert_eq!(manifest["ticks"], 400);
    assert_eq!(manifest["persons"], 150);
    assert_eq!(manifest["commune_version"], env!("CARGO_PKG_VERSION"));
    let toml = std::fs::read_to_string(out.join("scenario.toml")).unwrap();
    assert_eq!(
        manifest["scenario_sha256"],
        commune::output::sha256_hex(&toml)
    );
    assert!(manifest["started_at"].as_str().unwrap().ends_with('Z'));
    assert!(manifest["wall_time_seconds"].as_f64().unwrap() > 0.0);

    // The scenario as run has the overrides and every default, and runs again as it is.
    let as_run = commune::scenario::parse(&toml, "x").unwrap();
    assert_eq!(as_run.meta.seed, 5);
    assert_eq!(as_run.meta.ticks, 400);
    assert!(toml.contains("household_waste_share"));
    let again = tmp.path().join("again");
    let o = commune(&[
        "run",
        out.join("scenario.toml").to_str().unwrap(),
        "--out",
        again.to_str().unwrap(),
        "-q",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        std::fs::read(out.join("metrics.csv")).unwrap(),
        std::fs::read(again.join("metrics.csv")).unwrap()
    );
}

#[test]
fn food_stocks_and_flows_balance_every_tick() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    let o = commune(&[
        "run",
        scenario("village").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = Csv::read(&out.join("metrics.csv"));
    let produced = csv.col("food_produced_kg");
    let eaten = csv.col("food_eaten_kg");
    let stored = csv.col("food_stored_kg");
    let wasted = csv.col("food_wasted_kg");
    assert!(
        produced.iter().sum::<f64>() > 0.0,
        "the village harvests something"
    );
    for t in 1..produced.len() {
        let rhs = eaten[t] + (stored[t] - stored[t - 1]) + wasted[t];
        assert!(
            (produced[t] - rhs).abs() <= 1e-6 * stored[t].max(1.0),
            "tick {t}: produced {} != eaten {} + change in stock {} + wasted {}",
            produced[t],
            eaten[t],
            stored[t] - stored[t - 1],
            wasted[t]
        );
    }
}

#[test]
fn many_communities_give_identical_files_whatever_the_thread_count() {
    // Labour passes run in parallel over ranges of communities: this needs several of them.
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("towns.toml");
    std::fs::write(
        &file,
        "name = \"towns\"\nticks = 60\n[population]\ncommunities = 40\npersons_per_community = 40\n\
         communities_per_region = 5\n[labour]\nundesirable_policy = \"exchange\"\n\
         undesirable_appeal = 0.05\n[assembly.region]\ninterval_days = 7\n\
         [[events]]\nday = 20\nkind = \"influx\"\ncommunity = 3\npersons = 30\n",
    )
    .unwrap();
    let mut csvs = Vec::new();
    for threads in ["1", "2", "3"] {
        let out = tmp.path().join(format!("t{threads}"));
        let o = commune_in(
            tmp.path(),
            &[
                "run",
                file.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
                "-q",
            ],
            &[("RAYON_NUM_THREADS", threads)],
        );
        assert!(o.status.success(), "{}", stderr(&o));
        // Exchange schemes, assemblies and newcomers stored out of community order included.
        let read = |f: &str| std::fs::read(out.join(f)).unwrap();
        csvs.push((
            read("metrics.csv"),
            read("decisions.csv"),
            read("events.csv"),
        ));
    }
    assert!(
        csvs[0] == csvs[1] && csvs[1] == csvs[2],
        "metrics, decisions or events differ with the thread count"
    );
    let metrics = String::from_utf8(csvs[0].0.clone()).unwrap();
    let header: Vec<&str> = metrics.lines().next().unwrap().split(',').collect();
    let col = header.iter().position(|h| *h == "exchange_hours").unwrap();
    let exchanged: f64 = metrics
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(col).unwrap().parse::<f64>().unwrap())
        .sum();
    assert!(exchanged > 0.0, "the exchange scheme ran");
}

#[test]
fn same_seed_gives_identical_files_whatever_the_thread_count() {
    let tmp = tempfile::tempdir().unwrap();
    let path = scenario("village");
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let out = tmp.path().join(format!("t{threads}"));
        let o = commune_in(
            tmp.path(),
            &[
                "run",
                path.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
                "-q",
                "--ticks",
                "300",
            ],
            &[
                ("RAYON_NUM_THREADS", threads),
                ("POLARS_MAX_THREADS", threads),
            ],
        );
        assert!(o.status.success(), "{}", stderr(&o));
        outputs.push((
            std::fs::read(out.join("metrics.csv")).unwrap(),
            std::fs::read(out.join("metrics.parquet")).unwrap(),
        ));
    }
    assert!(
        outputs[0].0 == outputs[1].0,
        "metrics.csv differs between 1 and 2 threads"
    );
    assert!(
        outputs[0].1 == outputs[1].1,
        "metrics.parquet differs between 1 and 2 threads"
    );

    let other = tmp.path().join("other-seed");
    let o = commune(&[
        "run",
        path.to_str().unwrap(),
        "--out",
        other.to_str().unwrap(),
        "-q",
        "--ticks",
        "300",
        "--seed",
        "43",
    ]);
    assert!(o.status.success());
    assert!(
        std::fs::read(other.join("metrics.csv")).unwrap() != outputs[0].0,
        "another seed, other draws"
    );
}

#[test]
fn default_output_goes_under_output_name_run_id() {
    let tmp = tempfile::tempdir().unwrap();
    let path = scenario("village");
    let o = commune_in(
        tmp.path(),
        &["run", path.to_str().unwrap(), "--ticks", "3"],
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let runs: Vec<_> = std::fs::read_dir(tmp.path().join("output/village"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(runs.len(), 1);
    let name = runs[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.ends_with("-seed42"), "{name}");
    assert!(runs[0].join("metrics.csv").is_file());
    // The summary table names the headline results and where they are.
    let text = stdout(&o);
    for needle in [
        "work hours per able adult",
        "need satisfaction",
        "waste share",
        "footprint per person",
        "results in",
    ] {
        assert!(text.contains(needle), "{needle} in {text}");
    }
    // A second run in the same second gets its own directory.
    let o = commune_in(
        tmp.path(),
        &["run", path.to_str().unwrap(), "--ticks", "3", "-q"],
        &[],
    );
    assert!(o.status.success());
    assert_eq!(
        std::fs::read_dir(tmp.path().join("output/village"))
            .unwrap()
            .count(),
        2
    );
    assert!(stdout(&o).is_empty(), "--quiet prints nothing");
}

#[test]
fn help_explains_every_option() {
    let o = commune(&["--help"]);
    assert!(o.status.success());
    let text = stdout(&o);
    assert!(text.contains("validate") && text.contains("run"));
    let o = commune(&["run", "--help"]);
    let text = stdout(&o);
    for option in ["--seed", "--ticks", "--out", "--quiet", "--force"] {
        assert!(text.contains(option), "{option} in run --help");
    }
    let o = commune(&["validate", "--help"]);
    assert!(stdout(&o).contains("every problem"));
}

#[test]
fn shipped_scenarios_validate() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert!(files.len() >= 2);
    let mut args = vec!["validate"];
    args.extend(files.iter().map(String::as_str));
    let o = commune(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).matches(": ok").count(), files.len());
}

#[test]
fn every_shipped_scenario_runs() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let tmp = tempfile::tempdir().unwrap();
    let mut ran = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        // The million- and ten-million-person benchmarks are run by hand (BENCHMARKS.md) and
        // only validated here: building their worlds takes too long in a debug build.
        if name == "large" || name == "country" {
            continue;
        }
        let ticks = "60";
        let out = tmp.path().join(&name);
        let o = commune(&[
            "run",
            path.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--ticks",
            ticks,
            "-q",
        ]);
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        let csv = Csv::read(&out.join("metrics.csv"));
        assert!(
            csv.col("need_satisfaction")
                .iter()
                .all(|s| (0.0..=1.0).contains(s)),
            "{name}"
        );
        // The run directory replays byte for byte from its own scenario.toml.
        let again = tmp.path().join(format!("{name}-again"));
        let o = commune(&[
            "run",
            out.join("scenario.toml").to_str().unwrap(),
            "--out",
            again.to_str().unwrap(),
            "-q",
            "--no-plots",
        ]);
        assert!(o.status.success(), "{name} replay: {}", stderr(&o));
        assert!(
            std::fs::read(out.join("metrics.csv")).unwrap()
                == std::fs::read(again.join("metrics.csv")).unwrap(),
            "{name}: the replay differs"
        );
        ran += 1;
    }
    assert!(ran >= 3);
}

#[test]
fn communities_table_on_request_adds_up_to_the_world() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    let o = commune(&[
        "run",
        scenario("region").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--ticks",
        "365",
        "--communities",
        "--no-plots",
        "-q",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let table = commune::output::read_parquet(&out.join("communities.parquet")).unwrap();
    assert_eq!(table.height(), 10 * 365);
    let world = Csv::read(&out.join("metrics.csv"));
    let col = |name: &str| -> Vec<f64> {
        let c = table
            .column(name)
            .unwrap()
            .cast(&polars::prelude::DataType::Float64)
            .unwrap();
        let c = c.f64().unwrap();
        (0..c.len()).map(|i| c.get(i).unwrap()).collect()
    };
    let (tick, eaten, sent, received) = (
        col("tick"),
        col("food_eaten_kg"),
        col("food_sent_kg"),
        col("food_received_kg"),
    );
    let world_eaten = world.col("food_eaten_kg");
    for (t, world_eaten_t) in world_eaten.iter().enumerate() {
        let rows: Vec<usize> = (0..tick.len()).filter(|&i| tick[i] == t as f64).collect();
        assert_eq!(rows.len(), 10);
        let sum: f64 = rows.iter().map(|&i| eaten[i]).sum();
        assert!(
            (sum - world_eaten_t).abs() <= 1e-6 * sum.max(1.0),
            "tick {t}"
        );
        let s: f64 = rows.iter().map(|&i| sent[i]).sum();
        let r: f64 = rows.iter().map(|&i| received[i]).sum();
        assert!((s - r).abs() <= 1e-6 * s.max(1.0), "what is sent arrives");
    }
    assert!(
        sent.iter().sum::<f64>() > 0.0,
        "the region ships food after its harvest"
    );
    // Without the flag there is no such file.
    let plain = tmp.path().join("plain");
    let o = commune(&[
        "run",
        scenario("region").to_str().unwrap(),
        "--out",
        plain.to_str().unwrap(),
        "--ticks",
        "5",
        "--no-plots",
        "-q",
    ]);
    assert!(o.status.success());
    assert!(!plain.join("communities.parquet").exists());
}

#[test]
fn ctrl_c_stops_a_run_and_leaves_nothing_half_written() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("long.toml");
    // Long enough that it is still running when interrupted, even on a fast machine.
    std::fs::write(&file, "name = \"long\"\nticks = 36500\n[population]\ncommunities = 20\npersons_per_community = 100\n").unwrap();
    let outdir = tmp.path().join("runs");
    std::fs::create_dir(&outdir).unwrap();
    let out = outdir.join("run");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_commune"))
        .args([
            "run",
            file.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "-q",
        ])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the run has started writing (its temporary directory exists), then interrupt.
    let started = std::time::Instant::now();
    while std::fs::read_dir(&outdir).unwrap().next().is_none() {
        assert!(started.elapsed().as_secs() < 60, "the run never started");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    assert!(stderr(&o).contains("interrupted"), "{}", stderr(&o));
    let left: Vec<_> = std::fs::read_dir(&outdir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

/// `run --profile` prints every stage of the day in order with its share, the shares add up to
/// the whole, and the run's results are those of a run without it, byte for byte.
#[test]
fn run_profile_prints_each_phase_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |name: &str, extra: &[&str]| {
        let out = tmp.path().join(name);
        let file = scenario("region");
        let mut args = vec![
            "run",
            file.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--ticks",
            "40",
            "--no-plots",
        ];
        args.extend_from_slice(extra);
        let o = commune(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        (stdout(&o), std::fs::read(out.join("metrics.csv")).unwrap())
    };
    let (text, profiled) = run("profiled", &["--profile", "-q"]);
    let (_, plain) = run("plain", &["-q"]);
    assert!(profiled == plain, "--profile changed the metrics");
    let stages = [
        "events",
        "life",
        "needs",
        "assemblies",
        "plan",
        "labour",
        "production",
        "distribution",
        "accounting",
        "observing",
        "writing the output",
    ];
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].contains("40 days"), "{text}");
    let mut shares = 0.0;
    let mut at = 0;
    for stage in stages {
        let i = lines
            .iter()
            .position(|l| l.trim_start().starts_with(stage))
            .unwrap_or_else(|| panic!("no line for {stage}: {text}"));
        assert!(i > at, "{stage} out of order: {text}");
        at = i;
        let share: f64 = lines[i]
            .split_whitespace()
            .find_map(|w| w.strip_suffix('%'))
            .and_then(|w| w.parse().ok())
            .unwrap_or_else(|| panic!("no share on {:?}", lines[i]));
        assert!((0.0..=100.0).contains(&share), "{}", lines[i]);
        shares += share;
    }
    assert!(
        (shares - 100.0).abs() < 0.6,
        "shares add up to {shares}: {text}"
    );
    assert!(
        !text.contains("drawing plots"),
        "no plots were drawn: {text}"
    );
    // Memory: the process's peak, and per person of the 1,500 the region starts with.
    if cfg!(target_os = "linux") {
        let line = lines
            .iter()
            .find(|l| l.starts_with("peak memory "))
            .unwrap_or_else(|| panic!("no peak memory line: {text}"));
        let words: Vec<&str> = line.split_whitespace().collect();
        let mb: f64 = words[2].parse().unwrap();
        let per_person: f64 = words[words.iter().position(|w| *w == "bytes").unwrap() - 1]
            .parse()
            .unwrap();
        assert!(mb > 1.0, "{line}");
        assert!(
            (per_person * 1500.0 / 1e6 - mb).abs() < 0.01 * mb,
            "per person is the peak over the 1,500 persons: {line}"
        );
    }
}

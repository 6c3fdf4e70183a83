//! Sweeps, merges, comparisons and plots, through the binary.

use std::path::Path;

use crate::common::*;
use commune::output::read_parquet;

/// A small scenario with a sweep section: 3 points x 2 replicates of 40 persons for 60 days.
const SMALL_SWEEP: &str = r#"
name = "small"
seed = 5
ticks = 60

[population]
persons_per_community = 40

[sweep]
design = "grid"
replicates = 2

[sweep.parameters]
"food.garden_share" = [0.0, 0.2, 0.4]
"#;

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

fn sweep(file: &str, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["sweep", file, "--out", out.to_str().unwrap(), "--no-plots"];
    args.extend_from_slice(extra);
    let o = commune(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    o
}

/// The sweep's tables and every run's metrics, for equality checks.
fn contents(dir: &Path) -> (polars::prelude::DataFrame, Vec<polars::prelude::DataFrame>) {
    let runs = read_parquet(&dir.join("runs.parquet")).unwrap();
    let mut names: Vec<_> = std::fs::read_dir(dir.join("runs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("run="))
        .collect();
    names.sort();
    let metrics = names
        .iter()
        .map(|n| read_parquet(&dir.join("runs").join(n).join("metrics.parquet")).unwrap())
        .collect();
    (runs, metrics)
}

#[test]
fn a_sweep_gives_the_same_results_on_any_number_of_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write(tmp.path(), "small.toml", SMALL_SWEEP);
    let one = tmp.path().join("one");
    let two = tmp.path().join("two");
    sweep(&file, &one, &["--jobs", "1"]);
    sweep(&file, &two, &["--jobs", "3"]);
    let (runs1, metrics1) = contents(&one);
    let (runs2, metrics2) = contents(&two);
    assert_eq!(runs1.height(), 6);
    assert_eq!(metrics1.len(), 6);
    assert!(runs1.equals_missing(&runs2));
    for (a, b) in metrics1.iter().zip(&metrics2) {
        assert!(a.equals_missing(b));
    }
    // Points: one row per point, with the swept value and an interval over the replicates.
    let points = read_parquet(&one.join("points.parquet")).unwrap();
    assert_eq!(points.height(), 3);
    let g = points.column("food.garden_share").unwrap().f64().unwrap();
    assert_eq!(g.get(2), Some(0.4));
    let n = points.column("work_hours_mean_n").unwrap().i64().unwrap();
    assert_eq!(n.get(0), Some(2));
    // Replicates share seeds across points (common random numbers), and replicate 0 is the root.
    let seeds = runs1.column("seed").unwrap().u64().unwrap();
    assert_eq!(seeds.get(0), Some(5));
    assert_eq!(seeds.get(0), seeds.get(2));
    assert_ne!(seeds.get(0), seeds.get(1));
}

#[test]
fn a_sweep_started_again_skips_complete_runs_and_loses_none() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write(tmp.path(), "small.toml", SMALL_SWEEP);
    let whole = tmp.path().join("whole");
    sweep(&file, &whole, &[]);
    // A partial sweep: one shard done, then a run lost and a half-written run left by a kill.
    let resumed = tmp.path().join("resumed");
    sweep(&file, &resumed, &["--shard", "1/2"]);
    std::fs::remove_dir_all(resumed.join("runs/run=000002")).unwrap();
    std::fs::create_dir(resumed.join("runs/.commune-partial-killed")).unwrap();
    std::fs::write(
        resumed.join("runs/.commune-partial-killed/metrics.parquet"),
        "half",
    )
    .unwrap();
    let o = sweep(&file, &resumed, &["--jobs", "2"]);
    assert!(
        stdout(&o).contains("4 runs made, 2 already complete"),
        "{}",
        stdout(&o)
    );
    assert!(!resumed.join("runs/.commune-partial-killed").exists());
    let (a, ma) = contents(&whole);
    let (b, mb) = contents(&resumed);
    assert!(a.equals_missing(&b));
    assert_eq!(ma.len(), mb.len());
    for (x, y) in ma.iter().zip(&mb) {
        assert!(x.equals_missing(y));
    }
    // A third start has nothing left to do.
    let o = sweep(&file, &resumed, &[]);
    assert!(stdout(&o).contains("0 runs made, 6 already complete"));
    // A different sweep is refused in the same directory.
    let other = write(
        tmp.path(),
        "other.toml",
        &SMALL_SWEEP.replace("[0.0, 0.2, 0.4]", "[0.0, 0.3]"),
    );
    let o = commune(&["sweep", &other, "--out", resumed.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("holds a different sweep"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn merged_shards_equal_the_unsharded_sweep() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write(tmp.path(), "small.toml", SMALL_SWEEP);
    let whole = tmp.path().join("whole");
    sweep(&file, &whole, &[]);
    let mut shards = Vec::new();
    for k in 1..=4 {
        let dir = tmp.path().join(format!("shard{k}"));
        sweep(&file, &dir, &["--shard", &format!("{k}/4"), "--jobs", "1"]);
        shards.push(dir.to_str().unwrap().to_owned());
    }
    let merged = tmp.path().join("merged");
    let mut args = vec!["merge", "--out", merged.to_str().unwrap(), "--no-plots"];
    args.extend(shards.iter().map(String::as_str));
    let o = commune(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("the sweep is complete"),
        "{}",
        stdout(&o)
    );
    let (a, ma) = contents(&whole);
    let (b, mb) = contents(&merged);
    assert!(a.equals_missing(&b));
    for (x, y) in ma.iter().zip(&mb) {
        assert!(x.equals_missing(y));
    }
    let pa = read_parquet(&whole.join("points.parquet")).unwrap();
    let pb = read_parquet(&merged.join("points.parquet")).unwrap();
    assert!(pa.equals_missing(&pb));
    // Merging only some shards says what is missing.
    let part = tmp.path().join("part");
    let o = commune(&[
        "merge",
        "--out",
        part.to_str().unwrap(),
        "--no-plots",
        &shards[0],
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("4 runs of the sweep are still missing"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn bad_sweep_specifications_are_all_reported_before_anything_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write(
        tmp.path(),
        "bad.toml",
        r#"ticks = 30
[sweep]
design = "grid"
replicates = 0

[sweep.parameters]
"food.garden_shar" = [0.1]
"food.kitchen_share" = { min = 0.8, max = 0.2, steps = 3 }
"labour.willing_hours_mean" = []
"population.child_share" = [0.5, 1.5]
"#,
    );
    let out = tmp.path().join("out");
    let o = commune(&["sweep", &file, "--out", out.to_str().unwrap()]);
    assert!(!o.status.success());
    let err = stderr(&o);
    for expected in [
        "bad.toml:4: `sweep.replicates`: is 0",
        "bad.toml:7: `sweep.parameters.food.garden_shar`: unknown parameter; did you mean \
         `food.garden_share`?",
        "bad.toml:8: `sweep.parameters.food.kitchen_share`: is an empty range",
        "bad.toml:9: `sweep.parameters.labour.willing_hours_mean`: is an empty list",
    ] {
        assert!(err.contains(expected), "{expected:?} not in\n{err}");
    }
    assert!(!out.exists(), "nothing ran");
    // Values each valid on their own but not as a scenario are caught too, with the point.
    let file = write(
        tmp.path(),
        "bad2.toml",
        "ticks = 30\n[sweep.parameters]\n\"population.child_share\" = [0.5, 1.5]\n",
    );
    let o = commune(&["validate", &file]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("bad2.toml:3: `sweep.parameters.population.child_share`: point 1"),
        "{}",
        stderr(&o)
    );
    // A bad shard is refused by the command line.
    let good = write(tmp.path(), "small.toml", SMALL_SWEEP);
    let o = commune(&[
        "sweep",
        &good,
        "--shard",
        "3/2",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("K must be between 1 and N"),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists());
    // A scenario without a [sweep] section says what to add.
    let o = commune(&[
        "sweep",
        scenario("village").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("no [sweep] section"), "{}", stderr(&o));
}

fn comparison_rows(dir: &Path, metric: &str) -> Vec<(String, f64, f64, f64, f64)> {
    let t = read_parquet(&dir.join("comparison.parquet")).unwrap();
    let m = t.column("metric").unwrap().str().unwrap().clone();
    let s = t.column("scenario").unwrap().str().unwrap().clone();
    let f = |c: &str| t.column(c).unwrap().f64().unwrap().clone();
    let (mean, d, lo, hi) = (
        f("mean"),
        f("diff_from_first"),
        f("diff_ci_low"),
        f("diff_ci_high"),
    );
    (0..t.height())
        .filter(|&i| m.get(i) == Some(metric))
        .map(|i| {
            (
                s.get(i).unwrap().to_owned(),
                mean.get(i).unwrap(),
                d.get(i).unwrap(),
                lo.get(i).unwrap_or(f64::NAN),
                hi.get(i).unwrap_or(f64::NAN),
            )
        })
        .collect()
}

const SMALL: &str =
    "name = \"small\"\nseed = 3\nticks = 400\n[population]\npersons_per_community = 40\n";

#[test]
fn identical_scenarios_differ_by_zero_and_a_real_difference_is_detected() {
    let tmp = tempfile::tempdir().unwrap();
    let a = write(tmp.path(), "a.toml", SMALL);
    let out = tmp.path().join("same");
    let o = commune(&[
        "compare",
        &a,
        &a,
        "--replicates",
        "4",
        "--out",
        out.to_str().unwrap(),
        "--no-plots",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    for row in comparison_rows(&out, "work_hours_mean") {
        assert_eq!(row.2, 0.0, "{row:?}");
    }
    let rows = comparison_rows(&out, "waste_share");
    assert_eq!(rows[1].0, "small#2");
    assert!(rows[1].3 <= 0.0 && 0.0 <= rows[1].4, "{rows:?}");

    // Households cooking alone waste 13% of what they take; the kitchen far less.
    let k = write(tmp.path(), "k.toml", &SMALL.replace("small", "kitchens"));
    let h = write(
        tmp.path(),
        "h.toml",
        &format!(
            "{}[food]\nkitchen_share = 0.0\n",
            SMALL.replace("small", "households")
        ),
    );
    let out = tmp.path().join("kh");
    let o = commune(&[
        "compare",
        &k,
        &h,
        "--replicates",
        "4",
        "--jobs",
        "2",
        "--out",
        out.to_str().unwrap(),
        "--no-plots",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("waste share of food produced"),
        "{}",
        stdout(&o)
    );
    let rows = comparison_rows(&out, "waste_share");
    let (kitchen, households, diff, lo, hi) =
        (rows[0].1, rows[1].1, rows[1].2, rows[1].3, rows[1].4);
    assert!(households > kitchen, "{rows:?}");
    assert!((diff - (households - kitchen)).abs() < 1e-9);
    assert!(
        lo > 0.0 && hi >= diff && lo <= diff,
        "the interval excludes 0: {rows:?}"
    );
    for f in [
        "comparison.csv",
        "runs.parquet",
        "timeseries.parquet",
        "compare.json",
    ] {
        assert!(out.join(f).is_file(), "{f}");
    }
    // The same tables on one thread.
    let one = tmp.path().join("kh1");
    let o = commune(&[
        "compare",
        &k,
        &h,
        "--replicates",
        "4",
        "--jobs",
        "1",
        "--out",
        one.to_str().unwrap(),
        "--no-plots",
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    for f in ["comparison.parquet", "runs.parquet", "timeseries.parquet"] {
        let a = read_parquet(&out.join(f)).unwrap();
        let b = read_parquet(&one.join(f)).unwrap();
        assert!(a.equals_missing(&b), "{f}");
    }
}

fn assert_plots(dir: &Path, stems: &[&str]) {
    let report = std::fs::read_to_string(dir.join("report.html")).expect("report.html");
    for stem in stems {
        for ext in ["png", "svg"] {
            let f = dir.join(format!("{stem}.{ext}"));
            let len = std::fs::metadata(&f)
                .unwrap_or_else(|_| panic!("{} missing", f.display()))
                .len();
            assert!(len > 1000, "{} is {len} bytes", f.display());
            assert!(
                report.contains(&format!("href=\"{stem}.{ext}\"")),
                "{stem}.{ext}"
            );
        }
        let png = std::fs::read(dir.join(format!("{stem}.png"))).unwrap();
        assert_eq!(&png[..4], b"\x89PNG");
    }
    assert!(report.contains("<svg"), "plots are inline");
    assert!(report.contains("<table>"), "tables");
}

#[test]
fn plots_and_reports_are_made_for_runs_sweeps_and_comparisons() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write(tmp.path(), "small.toml", SMALL);
    let run = tmp.path().join("run");
    let o = commune(&["run", &file, "--out", run.to_str().unwrap(), "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_plots(
        &run,
        &[
            "timeseries",
            "work_hours_distribution",
            "lorenz_need_satisfaction",
        ],
    );
    let people = read_parquet(&run.join("people.parquet")).unwrap();
    assert_eq!(people.height(), 40);

    let sweep_file = write(tmp.path(), "sweep.toml", SMALL_SWEEP);
    let sw = tmp.path().join("sweep");
    let o = commune(&[
        "sweep",
        &sweep_file,
        "--out",
        sw.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_plots(&sw, &["sweep_food_garden_share"]);

    let cmp = tmp.path().join("cmp");
    let other = write(
        tmp.path(),
        "other.toml",
        &format!(
            "{}[food]\ngarden_share = 0.0\n",
            SMALL.replace("small", "other")
        ),
    );
    let o = commune(&[
        "compare",
        &file,
        &other,
        "--replicates",
        "3",
        "--out",
        cmp.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_plots(&cmp, &["timeseries", "differences"]);

    // `commune plot` redraws a directory.
    std::fs::remove_file(cmp.join("differences.png")).unwrap();
    let o = commune(&["plot", cmp.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(cmp.join("differences.png").is_file());
    let o = commune(&["plot", tmp.path().to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("is not a run, sweep or comparison directory"));
}

/// Every `scenario.toml` a sweep or a comparison writes validates and repeats its run, even with
/// seeds beyond what a TOML integer holds, and `--ticks` shortens every run.
#[test]
fn sweep_and_comparison_runs_replay_from_their_own_scenario_files() {
    let tmp = tempfile::tempdir().unwrap();
    // Root seed 6: replicate 1's seed is above i64::MAX.
    let file = write(
        tmp.path(),
        "small.toml",
        &SMALL_SWEEP.replace("seed = 5", "seed = 6"),
    );
    let out = tmp.path().join("sweep");
    sweep(&file, &out, &["--ticks", "20", "--quiet"]);
    let plan: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("sweep.json")).unwrap()).unwrap();
    assert_eq!(plan["ticks"], 20);
    // Replicate 1 has a derived seed, far above i64::MAX for this root.
    let run = out.join("runs").join("run=000001");
    let text = std::fs::read_to_string(run.join("scenario.toml")).unwrap();
    assert!(text.contains("seed = \""), "{text}");
    let o = commune(&["validate", run.join("scenario.toml").to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let again = tmp.path().join("again");
    let o = commune(&[
        "run",
        run.join("scenario.toml").to_str().unwrap(),
        "--out",
        again.to_str().unwrap(),
        "-q",
        "--no-plots",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let swept = read_parquet(&run.join("metrics.parquet"))
        .unwrap()
        .drop("run")
        .unwrap();
    let replayed = read_parquet(&again.join("metrics.parquet")).unwrap();
    assert!(swept.equals_missing(&replayed), "the sweep run replays");

    // A comparison keeps each scenario as run, and its seeds.
    let a = write(tmp.path(), "a.toml", SMALL);
    let cmp = tmp.path().join("cmp");
    let o = commune(&[
        "compare",
        &a,
        &a,
        "-r",
        "2",
        "--ticks",
        "20",
        "--out",
        cmp.to_str().unwrap(),
        "--no-plots",
        "-q",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(cmp.join("compare.json")).unwrap()).unwrap();
    let seed = manifest["seeds"][1].as_u64().unwrap();
    let runs = read_parquet(&cmp.join("runs.parquet")).unwrap();
    let hours = runs
        .column("work_hours_mean")
        .unwrap()
        .f64()
        .unwrap()
        .get(1)
        .unwrap();
    let scenario = cmp.join("scenarios").join("1-small.toml");
    let rerun = tmp.path().join("rerun");
    let o = commune(&[
        "run",
        scenario.to_str().unwrap(),
        "--seed",
        &seed.to_string(),
        "--out",
        rerun.to_str().unwrap(),
        "-q",
        "--no-plots",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let summary = std::fs::read_to_string(rerun.join("summary.csv")).unwrap();
    let line = summary
        .lines()
        .find(|l| l.starts_with("work_hours_mean,"))
        .unwrap();
    let value: f64 = line.rsplit(',').next().unwrap().parse().unwrap();
    assert_eq!(value, hours);
}

//! Global sensitivity analysis: designs and estimators against SALib's, and `commune
//! sensitivity` through the binary (bad input, shards, tables and plots).

use std::path::{Path, PathBuf};

use crate::common::*;
use commune::experiment::sensitivity::{morris, sample, sobol};
use commune::output::read_parquet;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/sensitivity")
        .join(name)
}

/// A fixture CSV's rows (the header skipped).
fn rows(name: &str) -> Vec<Vec<f64>> {
    std::fs::read_to_string(fixture(name))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(|x| x.parse().unwrap()).collect())
        .collect()
}

/// Saltelli's design built from SALib's unscrambled Sobol' points equals SALib's design, row
/// for row (same A, AB_j, BA_j, B layout and the same scaling to the bounds). The scrambled
/// sequences differ (SALib scrambles with scipy's LMS+shift, `commune` with `sobol_burley`'s
/// Owen scrambling), so the unscrambled base points are taken from the fixture.
#[test]
fn the_saltelli_layout_equals_salibs() {
    let base = rows("saltelli_base.csv");
    let bounds = [(0.0, 1.0), (-2.0, 2.0), (10.0, 20.0)];
    for (second, file) in [
        (true, "saltelli_design_second_order_true.csv"),
        (false, "saltelli_design_second_order_false.csv"),
    ] {
        let expected = rows(file);
        let design = sample::saltelli_from_base(&base, 3, second);
        assert_eq!(design.len(), expected.len());
        for (i, (ours, theirs)) in design.iter().zip(&expected).enumerate() {
            for j in 0..3 {
                let (lo, hi) = bounds[j];
                let x = sample::Dist::Uniform { min: lo, max: hi }.quantile(ours[j]);
                assert!(
                    (x - theirs[j]).abs() < 1e-12,
                    "row {i} col {j}: {x} vs {}",
                    theirs[j]
                );
            }
        }
    }
}

/// On the same outputs, the Sobol' estimators give SALib's S1, ST and S2 to 1e-10.
#[test]
fn sobol_estimates_equal_salibs_on_the_same_outputs() {
    let y: Vec<f64> = rows("ishigami_sobol_y.csv")
        .into_iter()
        .map(|r| r[0])
        .collect();
    let s = sobol::analyze(&y, 3, true, 100, 1).unwrap();
    for r in rows("ishigami_sobol_indices.csv") {
        let (j, k, kind, expected) = (r[0] as usize, r[1], r[2] as u8, r[3]);
        let ours = match kind {
            0 => s.first[j].value,
            1 => s.total[j].value,
            _ => {
                s.second
                    .iter()
                    .find(|(a, b, _)| *a == j && *b == k as usize)
                    .unwrap()
                    .2
                    .value
            }
        };
        assert!((ours - expected).abs() < 1e-10, "{r:?}: {ours}");
    }
}

/// On SALib's Morris trajectories and outputs, mu, mu* and sigma equal SALib's to 1e-10.
#[test]
fn morris_estimates_equal_salibs_on_its_trajectories() {
    let x = rows("ishigami_morris_x.csv");
    let y: Vec<f64> = rows("ishigami_morris_y.csv")
        .into_iter()
        .map(|r| r[0])
        .collect();
    let ee =
        morris::elementary_effects(&x, &y, 3, morris::Layout::Trajectory { levels: 4 }).unwrap();
    let m = morris::analyze(&ee, 100, 1);
    for (j, r) in rows("ishigami_morris_indices.csv").iter().enumerate() {
        assert!((m.mu[j].value - r[0]).abs() < 1e-10, "mu {j}");
        assert!((m.mu_star[j].value - r[1]).abs() < 1e-10, "mu* {j}");
        assert!((m.sigma[j].value - r[2]).abs() < 1e-10, "sigma {j}");
    }
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn bad_sensitivity_sections_are_all_reported_by_validate() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write(
        tmp.path(),
        "bad.toml",
        r#"ticks = 30
[sensitivity]
method = "sobol"
samples = 8
outputs = ["work_hours_mean", "hours"]

[sensitivity.parameters]
"food.garden_share" = { min = 0.4, max = 0.1 }
"food.garden_shar" = { min = 0.1, max = 0.4 }
"seed" = { min = 1, max = 9 }
"labour.willing_hours_mean" = { distribution = "normal", mean = 3, sd = 0 }
"population.persons_per_community" = { min = 40.1, max = 40.4 }
"food.kitchen_share" = 0.5
"#,
    );
    let o = commune(&["validate", &file]);
    assert!(!o.status.success());
    let err = stderr(&o);
    for expected in [
        "bad.toml:4: `sensitivity.samples`: is 8: too few for Sobol' indices",
        "bad.toml:5: `sensitivity.outputs.1`: \"hours\" is not a headline figure",
        "bad.toml:8: `sensitivity.parameters.food.garden_share`: is an empty range: min 0.4 is \
         above max 0.1",
        "bad.toml:9: `sensitivity.parameters.food.garden_shar`: unknown parameter; did you mean \
         `food.garden_share`?",
        "bad.toml:10: `sensitivity.parameters.seed`: cannot vary; replicates vary the seed",
        "bad.toml:11: `sensitivity.parameters.labour.willing_hours_mean.sd`: is 0",
        "bad.toml:12: `sensitivity.parameters.population.persons_per_community`: cannot vary",
        "bad.toml:13: `sensitivity.parameters.food.kitchen_share`: is 0.5, a single value, so \
         it cannot vary",
    ] {
        assert!(err.contains(expected), "{expected:?} not in\n{err}");
    }
    // Morris needs trajectories, Sobol' a power of two; a range must keep the scenario valid.
    let file = write(
        tmp.path(),
        "bad2.toml",
        "ticks = 30\n[sensitivity]\nmethod = \"morris\"\nsamples = 2\nlevels = 3\n\
         [sensitivity.parameters]\n\"population.child_share\" = { min = 0.5, max = 1.5 }\n",
    );
    let o = commune(&["validate", &file]);
    assert!(!o.status.success());
    let err = stderr(&o);
    for expected in [
        "bad2.toml:4: `sensitivity.samples`: is 2: too few trajectories",
        "bad2.toml:5: `sensitivity.levels`: is 3; Morris trajectories need an even number",
    ] {
        assert!(err.contains(expected), "{expected:?} not in\n{err}");
    }
    let file = write(
        tmp.path(),
        "bad3.toml",
        "ticks = 30\n[sensitivity]\nmethod = \"sobol\"\nsamples = 48\n\
         [sensitivity.parameters]\n\"food.garden_share\" = { min = 0.1, max = 0.4 }\n",
    );
    let o = commune(&["validate", &file]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("bad3.toml:4: `sensitivity.samples`: is 48"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("use 32 or 64"), "{}", stderr(&o));
    let file = write(
        tmp.path(),
        "bad4.toml",
        "ticks = 30\n[sensitivity]\nmethod = \"sobol\"\nsamples = 32\n\
         [sensitivity.parameters]\n\"population.child_share\" = { min = 0.5, max = 1.5 }\n",
    );
    let out = tmp.path().join("out");
    let o = commune(&["sensitivity", &file, "--out", out.to_str().unwrap()]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("bad4.toml:6: `sensitivity.parameters.population.child_share`: at 1.5"),
        "{err}"
    );
    assert!(!out.exists(), "nothing ran");
}

/// A small analysis: 2 parameters of a 30-person village for 20 days.
fn small(method: &str) -> String {
    let extra = if method == "sobol" {
        "samples = 16\nsecond_order = true\n"
    } else {
        "samples = 6\n"
    };
    format!(
        r#"name = "small"
seed = 4
ticks = 20

[population]
persons_per_community = 30

[sensitivity]
method = "{method}"
{extra}replicates = 2
resamples = 200
outputs = ["work_hours_mean", {{ metric = "work_hours_mean", aggregate = "max", from_day = 11, to_day = 20 }}]

[sensitivity.parameters]
"food.kitchen_hours_per_kg" = {{ distribution = "triangular", min = 0.05, mode = 0.11, max = 0.2 }}
"goods.care.labour_hours_per_unit" = {{ min = 0.15, max = 0.35 }}
"#
    )
}

fn run(file: &str, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["sensitivity", file, "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let o = commune(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    o
}

#[test]
fn merged_shards_give_the_indices_of_one_machine() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write(tmp.path(), "small.toml", &small("sobol"));
    let whole = tmp.path().join("whole");
    let o = run(&file, &whole, &["--no-plots"]);
    // 16 x (2 x 2 + 2) points x 2 replicates.
    assert!(stdout(&o).contains("192 runs"), "{}", stdout(&o));
    let mut shards = Vec::new();
    for k in 1..=2 {
        let dir = tmp.path().join(format!("shard{k}"));
        let o = run(
            &file,
            &dir,
            &["--shard", &format!("{k}/2"), "--jobs", "1", "--no-plots"],
        );
        assert!(stdout(&o).contains("commune merge"), "{}", stdout(&o));
        assert!(!dir.join("indices.parquet").exists());
        shards.push(dir.to_str().unwrap().to_owned());
    }
    let merged = tmp.path().join("merged");
    let mut args = vec!["merge", "--out", merged.to_str().unwrap(), "--no-plots"];
    args.extend(shards.iter().map(String::as_str));
    let o = commune(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("sensitivity indices in"),
        "{}",
        stdout(&o)
    );
    let a = read_parquet(&whole.join("indices.parquet")).unwrap();
    let b = read_parquet(&merged.join("indices.parquet")).unwrap();
    assert!(a.equals_missing(&b), "{a}\n{b}");
    assert_eq!(
        std::fs::read(whole.join("indices.csv")).unwrap(),
        std::fs::read(merged.join("indices.csv")).unwrap()
    );
    // Two outputs: a seed share, S1 and ST of each parameter, and one S2.
    assert_eq!(a.height(), 2 * (1 + 2 * 2 + 1));
    let csv = std::fs::read_to_string(whole.join("indices.csv")).unwrap();
    assert!(csv.starts_with("output,parameter,index,estimate,ci_low,ci_high\n"));
    assert!(csv.contains("work_hours_mean:max:11-20,goods.care.labour_hours_per_unit,ST,"));
    assert!(csv.contains("food.kitchen_hours_per_kg & goods.care.labour_hours_per_unit,S2"));
    // Started again, it runs nothing and gives the same indices.
    let o = run(&file, &whole, &["--no-plots"]);
    assert!(
        stdout(&o).contains("0 runs made, 192 already complete"),
        "{}",
        stdout(&o)
    );
    assert!(
        read_parquet(&whole.join("indices.parquet"))
            .unwrap()
            .equals_missing(&a)
    );
}

#[test]
fn an_output_from_the_metrics_is_each_runs_own_aggregate_of_its_days() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write(tmp.path(), "small.toml", &small("morris"));
    let out = tmp.path().join("m");
    run(&file, &out, &["--no-plots"]);
    let outputs = read_parquet(&out.join("outputs.parquet")).unwrap();
    let runs = outputs.column("run").unwrap().i64().unwrap().clone();
    let got = outputs
        .column("work_hours_mean:max:11-20")
        .unwrap()
        .f64()
        .unwrap()
        .clone();
    assert_eq!(runs.len(), 36);
    for (run, got) in runs.into_no_null_iter().zip(got.into_no_null_iter()) {
        // The whole table read back, and the window's days (day = tick + 1) picked out here.
        let m = read_parquet(&out.join(format!("runs/run={run:06}/metrics.parquet"))).unwrap();
        let ticks = m.column("tick").unwrap().i64().unwrap().clone();
        let hours = m.column("work_hours_mean").unwrap().f64().unwrap().clone();
        let want = ticks
            .into_no_null_iter()
            .zip(hours.into_no_null_iter())
            .filter(|(t, _)| (11..=20).contains(&(t + 1)))
            .map(|(_, h)| h)
            .fold(f64::NEG_INFINITY, f64::max);
        assert!(want.is_finite(), "run {run} has no days 11 to 20");
        assert_eq!(
            got.to_bits(),
            want.to_bits(),
            "run {run}: {got} against {want}"
        );
    }
}

#[test]
fn a_morris_screening_writes_its_indices_plots_and_report() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write(tmp.path(), "small.toml", &small("morris"));
    let out = tmp.path().join("m");
    let o = run(&file, &out, &["--jobs", "2"]);
    // 6 trajectories x 3 points x 2 replicates.
    assert!(stdout(&o).contains("36 runs"), "{}", stdout(&o));
    assert!(stdout(&o).contains("mu_star"), "{}", stdout(&o));
    let t = read_parquet(&out.join("indices.parquet")).unwrap();
    assert_eq!(t.height(), 2 * (1 + 3 * 2));
    let indices = std::fs::read_to_string(out.join("indices.csv")).unwrap();
    // More labour per hour of care means more hours worked: a clear positive effect.
    let mu: f64 = indices
        .lines()
        .find(|l| l.starts_with("work_hours_mean,goods.care.labour_hours_per_unit,mu,"))
        .unwrap()
        .split(',')
        .nth(3)
        .unwrap()
        .parse()
        .unwrap();
    assert!(mu > 0.0, "{indices}");
    for stem in [
        "sensitivity_morris_work_hours_mean",
        "sensitivity_morris_work_hours_mean_max_11_20",
    ] {
        for ext in ["png", "svg"] {
            assert!(out.join(format!("{stem}.{ext}")).is_file(), "{stem}.{ext}");
        }
    }
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("Sensitivity indices of each output"));
    assert!(html.contains("Morris elementary effects on work_hours_mean"));
    // Same seed, same design, same indices on one thread.
    let again = tmp.path().join("m1");
    run(&file, &again, &["--jobs", "1", "--no-plots"]);
    assert_eq!(
        indices,
        std::fs::read_to_string(again.join("indices.csv")).unwrap()
    );
}

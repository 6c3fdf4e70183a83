//! `commune decompose`: the `[decompose]` section, its problems, the chain of cumulative steps,
//! and a small real run checked against runs made here, step by step, over the same seeds.

use std::path::Path;

use crate::common::*;
use commune::analysis::stats::MeanCi;
use commune::model::Summary;
use commune::scenario::decompose::steps;
use commune::scenario::sweep::replicate_seed;
use commune::scenario::{Scenario, parse};

const HEAD: &str = "name = \"tiny\"\nseed = 11\nticks = 20\n\n[population]\n\
                    persons_per_community = 24\n";

const SECTION: &str = r#"
[decompose]
replicates = 3
metrics = ["work_hours_mean", "need_satisfaction"]
base_label = "as it is"

[[decompose.steps]]
label = "half through kitchens"
set = { "food.kitchen_share" = 0.5 }

[[decompose.steps]]
label = "another place with fewer willing hours"
scenario = "other.toml"
set = { "labour.willing_hours_mean" = 2.5 }

[[decompose.steps]]
label = "no gardens"
set = { food = { garden_share = 0.0 } }
"#;

/// The scenario step 2 puts in place, with its gardens at `garden`.
fn other(garden: &str) -> String {
    format!(
        "name = \"other\"\nseed = 99\nticks = 730\n\n[population]\npersons_per_community = 30\n\n\
         [food]\ngarden_share = {garden}\n"
    )
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

/// The test's files in a fresh directory: `main.toml` and `other.toml`.
fn files() -> (tempfile::TempDir, String) {
    let tmp = tempfile::tempdir().unwrap();
    let main = write(tmp.path(), "main.toml", &format!("{HEAD}{SECTION}"));
    write(tmp.path(), "other.toml", &other("0.4"));
    (tmp, main)
}

/// Each step's scenario written out by hand, not by the chain: what each step should run.
fn by_hand() -> Vec<Scenario> {
    let texts = [
        HEAD.to_owned(),
        format!("{HEAD}\n[food]\nkitchen_share = 0.5\n"),
        format!("{}\n[labour]\nwilling_hours_mean = 2.5\n", other("0.4")),
        format!("{}\n[labour]\nwilling_hours_mean = 2.5\n", other("0.0")),
    ];
    texts
        .iter()
        .map(|t| parse(t, "t").unwrap_or_else(|p| panic!("{p:?}")))
        .collect()
}

/// A CSV written by the binary: header and rows of fields (no field here holds a comma).
fn csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let split = |l: &str| {
        l.split(',')
            .map(|f| f.trim_matches('"').to_owned())
            .collect()
    };
    let header = split(lines.next().unwrap());
    (header, lines.map(split).collect())
}

fn field<'a>(header: &[String], row: &'a [String], name: &str) -> &'a str {
    let i = header.iter().position(|h| h == name).unwrap();
    &row[i]
}

fn num(s: &str) -> f64 {
    s.parse().unwrap_or_else(|_| panic!("a number: {s}"))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

#[test]
fn a_section_is_read_and_steps_apply_on_top_of_each_other() {
    let (tmp, main) = files();
    let s = commune::scenario::load(Path::new(&main)).unwrap();
    let spec = s.decompose.clone().expect("the section");
    assert_eq!(spec.replicates, 3);
    assert_eq!(spec.metrics, ["work_hours_mean", "need_satisfaction"]);
    assert_eq!(spec.steps.len(), 3);
    let built = steps(&s, &spec, Path::new(&main)).unwrap();
    let labels: Vec<&str> = built.iter().map(|b| b.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "as it is",
            "half through kitchens",
            "another place with fewer willing hours",
            "no gardens"
        ]
    );
    let hand = by_hand();
    for (i, (b, h)) in built.iter().zip(&hand).enumerate() {
        assert_eq!(b.scenario.params, h.params, "step {i}");
    }
    // Step 1 keeps the base's values beside its own; step 3 keeps step 2's beside its own, and
    // step 2's file replaced step 1's kitchens.
    let p = |i: usize| &built[i].scenario.params;
    assert_eq!(p(1).food.kitchen_share, 0.5);
    assert_eq!(p(1).population.persons_per_community, 24);
    assert_eq!(p(2).food.kitchen_share, 1.0);
    assert_eq!(p(3).labour.willing_hours_mean, 2.5);
    assert_eq!(p(3).food.garden_share, 0.0);
    assert_eq!(p(3).population.persons_per_community, 30);

    // `commune run` ignores the section, and its scenario as run leaves it out.
    let out = tmp.path().join("run");
    let o = commune(&[
        "run",
        &main,
        "--ticks",
        "3",
        "--no-plots",
        "-q",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let as_run = std::fs::read_to_string(out.join("scenario.toml")).unwrap();
    assert!(!as_run.contains("decompose"), "{as_run}");
    // `commune validate` reads the steps' files too.
    let o = commune(&["validate", &main]);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// Runs `decompose` on `main` (with `others` beside it) and checks that it fails cleanly;
/// returns stderr.
fn decompose_fails(main: &str, others: &[(&str, &str)]) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let file = write(tmp.path(), "main.toml", main);
    for (name, text) in others {
        write(tmp.path(), name, text);
    }
    let out = tmp.path().join("out");
    let o = commune_in(
        tmp.path(),
        &["decompose", &file, "--out", out.to_str().unwrap(), "-q"],
        &[],
    );
    assert!(!o.status.success(), "should fail: {main}");
    assert!(!out.exists(), "nothing written for a failed decomposition");
    assert!(!tmp.path().join("output").exists(), "nothing under output/");
    let err = stderr(&o);
    assert!(err.contains("main.toml"), "names the file: {err}");
    err
}

/// A bad section: the section, files beside it, the key named and words said.
type Case<'a> = (String, Vec<(&'a str, &'a str)>, &'a str, &'a str);

#[test]
fn each_bad_section_fails_naming_its_key() {
    let step = "[[decompose.steps]]\nlabel = \"a\"\nset = { \"food.kitchen_share\" = 0.5 }\n";
    let cases: Vec<Case> = vec![
        (
            "[decompose]\nreplicates = 3\n".to_owned(),
            vec![],
            "`decompose.steps`",
            "no steps",
        ),
        (
            format!(
                "{step}[[decompose.steps]]\nlabel = \"b\"\nset = {{ \"food.kitchn_share\" = 0.5 }}\n"
            ),
            vec![],
            "`decompose.steps[1].set.food.kitchn_share`",
            "did you mean `food.kitchen_share`",
        ),
        (
            "[[decompose.steps]]\nlabel = \"a\"\nset = { \"food.kitchen_share\" = 1.5 }\n"
                .to_owned(),
            vec![],
            "`decompose.steps[0].set.food.kitchen_share`",
            "",
        ),
        (
            "[[decompose.steps]]\nlabel = \"a\"\nscenario = \"missing.toml\"\n".to_owned(),
            vec![],
            "`decompose.steps[0].scenario`",
            "cannot be read",
        ),
        (
            format!("{step}[[decompose.steps]]\nlabel = \"b\"\nscenario = \"broken.toml\"\n"),
            vec![("broken.toml", "[food]\nkitchn_share = 1\n")],
            "`decompose.steps[1].scenario`",
            "food.kitchn_share",
        ),
        (
            format!("[decompose]\nreplicates = 1\n{step}"),
            vec![],
            "`decompose.replicates`",
            "interval needs two",
        ),
        (
            format!("[decompose]\nmetrics = [\"work_hours_mean\", \"happiness\"]\n{step}"),
            vec![],
            "`decompose.metrics[1]`",
            "not a headline figure",
        ),
        (String::new(), vec![], "", "no [decompose] section"),
    ];
    for (section, others, key, words) in cases {
        let err = decompose_fails(&format!("{HEAD}{section}"), &others);
        assert!(
            err.contains(key) && err.contains(words),
            "{key} {words}: {err}"
        );
    }
    // Through the library: the same problems, with the key and its line.
    let problems = parse(
        &format!("{HEAD}[decompose]\nmetrics = [\"happiness\"]\n{step}"),
        "t",
    )
    .unwrap_err();
    assert!(
        problems
            .iter()
            .any(|p| p.key == "decompose.metrics[0]" && p.line == Some(8)),
        "{problems:?}"
    );
    // `commune validate` checks the steps' files it can reach.
    let tmp = tempfile::tempdir().unwrap();
    let file = write(
        tmp.path(),
        "main.toml",
        &format!("{HEAD}[[decompose.steps]]\nlabel = \"a\"\nscenario = \"missing.toml\"\n"),
    );
    let o = commune(&["validate", &file]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("decompose.steps[0].scenario"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_small_decomposition_matches_its_steps_run_one_by_one() {
    let (tmp, main) = files();
    let one = tmp.path().join("one");
    let two = tmp.path().join("two");
    let run = |out: &Path, extra: &[&str]| {
        let mut args = vec!["decompose", &main, "--out", out.to_str().unwrap()];
        args.extend_from_slice(extra);
        let o = commune(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    let printed = run(&one, &["--jobs", "1"]);
    run(&two, &["--jobs", "2", "--no-plots", "-q"]);
    assert!(
        printed.contains("no gardens") && printed.contains("work_hours_mean"),
        "{printed}"
    );

    for name in [
        "steps.csv",
        "steps.parquet",
        "runs.csv",
        "decompose.json",
        "step-00.toml",
        "step-01.toml",
        "step-02.toml",
        "step-03.toml",
        "waterfall.svg",
        "waterfall.png",
    ] {
        assert!(one.join(name).is_file(), "{name}");
    }
    assert!(!two.join("waterfall.svg").exists(), "--no-plots");
    assert!(!one.join("step-04.toml").exists());
    let same = |name: &str| {
        std::fs::read(one.join(name)).unwrap() == std::fs::read(two.join(name)).unwrap()
    };
    assert!(same("steps.csv"), "steps.csv alike on 1 and 2 threads");
    assert!(same("runs.csv"), "runs.csv alike on 1 and 2 threads");

    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(one.join("decompose.json")).unwrap())
            .unwrap();
    let seeds: Vec<u64> = (0..3).map(|r| replicate_seed(11, r)).collect();
    assert_eq!(manifest["seeds"], serde_json::json!(seeds));

    // Every step run here, on its scenario written by hand, over the same seeds.
    let metrics = ["work_hours_mean", "need_satisfaction"];
    let values: Vec<Vec<Vec<f64>>> = by_hand()
        .iter()
        .map(|s| {
            let summaries: Vec<Summary> = seeds
                .iter()
                .map(|&seed| {
                    let mut s = s.clone();
                    s.meta.seed = seed;
                    s.meta.ticks = 20;
                    Summary::from_rows(&commune::runner::simulate(&s, |_| {}).unwrap())
                })
                .collect();
            vec![
                summaries.iter().map(|x| x.work_hours_mean).collect(),
                summaries.iter().map(|x| x.need_satisfaction).collect(),
            ]
        })
        .collect();
    // The steps differ, or the test proves little.
    assert!(values[0][0] != values[2][0]);

    let (header, rows) = csv(&one.join("steps.csv"));
    assert_eq!(
        header,
        [
            "step",
            "label",
            "metric",
            "mean",
            "low",
            "high",
            "change",
            "change_low",
            "change_high",
            "n"
        ]
    );
    assert_eq!(rows.len(), 4 * 2);
    for row in &rows {
        let step: usize = field(&header, row, "step").parse().unwrap();
        let k = metrics
            .iter()
            .position(|m| *m == field(&header, row, "metric"))
            .unwrap();
        let level = MeanCi::of(&values[step][k]);
        let f = |name: &str| num(field(&header, row, name));
        assert!(close(f("mean"), level.mean), "step {step} {row:?}");
        assert!(
            close(f("low"), level.low) && close(f("high"), level.high),
            "{row:?}"
        );
        assert_eq!(f("n"), 3.0);
        if step == 0 {
            assert!(f("change").is_nan(), "{row:?}");
            continue;
        }
        let diffs: Vec<f64> = (0..3)
            .map(|r| values[step][k][r] - values[step - 1][k][r])
            .collect();
        let change = MeanCi::of(&diffs);
        let mean_diff = diffs.iter().sum::<f64>() / 3.0;
        assert!(close(f("change"), mean_diff), "{row:?}");
        assert!(close(f("change_low"), change.low), "{row:?}");
        assert!(close(f("change_high"), change.high), "{row:?}");
    }

    // runs.csv: every step, seed and metric, as run here.
    let (header, rows) = csv(&one.join("runs.csv"));
    assert_eq!(header, ["step", "label", "seed", "metric", "value"]);
    assert_eq!(rows.len(), 4 * 3 * 2);
    for row in &rows {
        let step: usize = field(&header, row, "step").parse().unwrap();
        let seed: u64 = field(&header, row, "seed").parse().unwrap();
        let r = seeds.iter().position(|&s| s == seed).unwrap();
        let k = metrics
            .iter()
            .position(|m| *m == field(&header, row, "metric"))
            .unwrap();
        assert!(
            close(num(field(&header, row, "value")), values[step][k][r]),
            "{row:?}"
        );
    }

    // Each step's scenario as run replays: step 1 run alone gives the same figure.
    let hand = by_hand();
    for (i, h) in hand.iter().enumerate() {
        let text = std::fs::read_to_string(one.join(format!("step-{i:02}.toml"))).unwrap();
        let s = parse(&text, "step").unwrap();
        assert_eq!(s.params, h.params, "step {i}");
        assert_eq!((s.meta.ticks, s.meta.seed), (20, 11), "step {i}");
    }
    let text = std::fs::read_to_string(one.join("step-01.toml")).unwrap();
    let mut s = parse(&text, "step").unwrap();
    s.meta.seed = seeds[2];
    let again = Summary::from_rows(&commune::runner::simulate(&s, |_| {}).unwrap());
    assert_eq!(again.work_hours_mean, values[1][0][2]);
    let replay = tmp.path().join("replay");
    let o = commune(&[
        "run",
        one.join("step-01.toml").to_str().unwrap(),
        "--no-plots",
        "-q",
        "--out",
        replay.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let summary = std::fs::read_to_string(replay.join("summary.csv")).unwrap();
    let line = summary
        .lines()
        .find(|l| l.starts_with("work_hours_mean,"))
        .unwrap();
    let value = num(line.rsplit(',').next().unwrap());
    assert!(close(value, values[1][0][0]), "{line}");
}

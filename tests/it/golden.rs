//! Golden summaries: every shipped scenario, run by the binary at a fixed seed for a bounded
//! number of days, gives the headline figures recorded in `tests/golden/summaries.csv`.
//!
//! Each scenario in `scenarios/` (but those in [`SKIPPED`]) is run as
//! `commune run scenarios/<name>.toml --seed 1 --ticks <min(its ticks, 400)> --no-plots -q`, and
//! every figure of the run's `summary.csv` is compared with the golden file's row for it, within
//! the tolerances below. A change to the model that moves any figure fails this test, naming the
//! scenario, the figure, the expected and the found value.
//!
//! When the change is intended, regenerate the file with one command:
//!
//! ```sh
//! COMMUNE_BLESS=1 cargo test --test it golden
//! ```
//!
//! then read `git diff tests/golden/summaries.csv` and commit it with the change, saying why the
//! figures moved. A new scenario gets its row the same way; the test fails until it has one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::common::{commune, stderr};

/// The seed every scenario runs with (its own `seed` is overridden).
const SEED: u64 = 1;
/// At most this many days: a whole year (so the waste share, over the last whole years, is
/// defined) and a month, which keeps the test near 20 s on two cores with the test profile.
/// Scenarios shorter than this run for their own `ticks`.
const MAX_TICKS: i64 = 400;
/// Shipped scenarios not run here, and why.
const SKIPPED: &[(&str, &str)] = &[
    (
        "large",
        "1,000,000 persons, about 20 s for its first 3 days in the test profile",
    ),
    (
        "country",
        "10,000,000 persons and 6 GB: its world alone takes minutes to build in the test profile",
    ),
];

/// Relative tolerance of a figure. A run is a pure function of the scenario and the seed, and
/// `summary.csv` prints every figure with all its digits (shortest round-trip form), so on the
/// machine that wrote the golden file the figures are equal, bit for bit. The tolerance only
/// absorbs floating-point noise in the last few bits (another platform's `exp` or `ln`): 1e-9 is
/// about 4.5 million ulps, far above that noise and far below any change in the model worth
/// noticing. (If another platform's noise changes a decision in the
/// model, the runs diverge by more than any tolerance and the file must be regenerated there.)
const RELATIVE: f64 = 1e-9;
/// Absolute tolerance, for figures that are 0 or nearly so (a labour shortage of 1e-13 h is 0).
const ABSOLUTE: f64 = 1e-12;
/// Figures that are counts, compared exactly.
const COUNTS: &[&str] = &["proposals_passed", "delegate_recalls"];

const BLESS: &str = "COMMUNE_BLESS=1 cargo test --test it golden";

fn golden_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/summaries.csv")
}

/// One scenario's figures: the run's seed and days, then each headline figure in
/// `summary.csv` order.
#[derive(Clone, Debug, PartialEq)]
struct Row {
    seed: u64,
    ticks: i64,
    figures: Vec<(String, f64)>,
}

/// The shipped scenarios to run, by name, sorted.
pub(crate) fn shipped() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("scenarios/ exists")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .filter(|n| !SKIPPED.iter().any(|(s, _)| s == n))
        .collect();
    names.sort();
    names
}

/// The days scenario `name` runs for here: its own `ticks`, at most [`MAX_TICKS`].
fn ticks_of(name: &str) -> i64 {
    let path = crate::common::scenario(name);
    let text = std::fs::read_to_string(&path).expect("a shipped scenario reads");
    let table: toml::Table = toml::from_str(&text).expect("a shipped scenario parses");
    table
        .get("ticks")
        .and_then(toml::Value::as_integer)
        .map_or(MAX_TICKS, |t| t.min(MAX_TICKS))
}

fn command_line(name: &str, ticks: i64) -> String {
    format!("commune run scenarios/{name}.toml --seed {SEED} --ticks {ticks} --no-plots")
}

/// Runs scenario `name` and reads its `summary.csv`.
fn run(name: &str, tmp: &Path) -> Row {
    let ticks = ticks_of(name);
    let out = tmp.join(name);
    let scenario = crate::common::scenario(name);
    let o = commune(&[
        "run",
        scenario.to_str().unwrap(),
        "--seed",
        &SEED.to_string(),
        "--ticks",
        &ticks.to_string(),
        "--out",
        out.to_str().unwrap(),
        "--no-plots",
        "-q",
    ]);
    assert!(
        o.status.success(),
        "{name}: `{}` failed: {}",
        command_line(name, ticks),
        stderr(&o)
    );
    let text = std::fs::read_to_string(out.join("summary.csv")).expect("summary.csv is written");
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("metric,unit,value"),
        "{name}: summary.csv"
    );
    let figures = lines
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            let value = cells.last().unwrap().parse::<f64>();
            let value = value.unwrap_or_else(|e| panic!("{name}: summary.csv line {l:?}: {e}"));
            (cells[0].to_owned(), value)
        })
        .collect();
    Row {
        seed: SEED,
        ticks,
        figures,
    }
}

/// Runs every scenario, a few at a time.
fn run_all(names: &[String]) -> BTreeMap<String, Row> {
    let tmp = tempfile::tempdir().unwrap();
    let queue = Mutex::new(names.iter());
    let found = Mutex::new(BTreeMap::new());
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let Some(name) = queue.lock().unwrap().next() else {
                        break;
                    };
                    let row = run(name, tmp.path());
                    found.lock().unwrap().insert(name.clone(), row);
                }
            });
        }
    });
    found.into_inner().unwrap()
}

/// The golden file: comment lines (`#`), a header (`scenario,seed,ticks,<figure>...`), one row
/// per scenario.
fn read_golden(text: &str) -> BTreeMap<String, Row> {
    let mut lines = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty());
    let header: Vec<&str> = lines.next().expect("a header line").split(',').collect();
    assert_eq!(
        header[..3],
        ["scenario", "seed", "ticks"],
        "the golden file's header"
    );
    lines
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            assert_eq!(cells.len(), header.len(), "golden file line {l:?}");
            let num = |i: usize| -> f64 {
                cells[i]
                    .parse()
                    .unwrap_or_else(|e| panic!("golden file line {l:?}, column {}: {e}", header[i]))
            };
            let row = Row {
                seed: num(1) as u64,
                ticks: num(2) as i64,
                figures: (3..header.len())
                    .map(|i| (header[i].to_owned(), num(i)))
                    .collect(),
            };
            (cells[0].to_owned(), row)
        })
        .collect()
}

fn write_golden(rows: &BTreeMap<String, Row>) -> String {
    let mut text = format!(
        "# Golden summaries: the headline figures (summary.csv) of every shipped scenario, run as\n\
         # `commune run scenarios/<scenario>.toml --seed <seed> --ticks <ticks> --no-plots`.\n\
         # Checked by tests/it/golden.rs within a relative tolerance of {RELATIVE:e} (absolute {ABSOLUTE:e};\n\
         # counts exactly): runs are deterministic, so this only absorbs floating-point noise.\n\
         # Not run: {}.\n\
         # Written by `{BLESS}`; do not edit by hand.\n",
        SKIPPED
            .iter()
            .map(|(n, why)| format!("{n} ({why})"))
            .collect::<Vec<_>>()
            .join("; ")
    );
    let first = rows.values().next().expect("at least one scenario");
    text.push_str("scenario,seed,ticks");
    for (figure, _) in &first.figures {
        text.push(',');
        text.push_str(figure);
    }
    text.push('\n');
    for (name, row) in rows {
        text.push_str(&format!("{name},{},{}", row.seed, row.ticks));
        for (_, value) in &row.figures {
            text.push_str(&format!(",{value:?}"));
        }
        text.push('\n');
    }
    text
}

/// Whether `found` is within the tolerance of `expected` for `figure`.
fn close(figure: &str, expected: f64, found: f64) -> bool {
    if expected.is_nan() || found.is_nan() {
        return expected.is_nan() && found.is_nan();
    }
    if COUNTS.contains(&figure) {
        return expected == found;
    }
    (found - expected).abs() <= RELATIVE * expected.abs().max(found.abs()) + ABSOLUTE
}

/// What differs between the golden rows and the rows found, one line each.
fn differences(golden: &BTreeMap<String, Row>, found: &BTreeMap<String, Row>) -> Vec<String> {
    let mut out = Vec::new();
    for name in golden.keys().filter(|n| !found.contains_key(*n)) {
        out.push(format!(
            "{name}: in the golden file, but not a shipped scenario run here"
        ));
    }
    for (name, row) in found {
        let Some(want) = golden.get(name) else {
            out.push(format!("{name}: a shipped scenario with no golden row"));
            continue;
        };
        if (want.seed, want.ticks) != (row.seed, row.ticks) {
            out.push(format!(
                "{name}: golden row is for seed {} and {} days, the run was seed {} and {} days",
                want.seed, want.ticks, row.seed, row.ticks
            ));
            continue;
        }
        let wanted: BTreeMap<&str, f64> =
            want.figures.iter().map(|(f, v)| (f.as_str(), *v)).collect();
        for (figure, value) in &row.figures {
            match wanted.get(figure.as_str()) {
                None => out.push(format!(
                    "{name}: figure {figure} = {value:?} is in summary.csv, not in the golden file"
                )),
                Some(&expected) if !close(figure, expected, *value) => {
                    let rel = (value - expected).abs() / expected.abs().max(value.abs());
                    out.push(format!(
                        "{name}: {figure} expected {expected:?}, found {value:?} (relative \
                         difference {rel:.3e}; reproduce with `{}`)",
                        command_line(name, row.ticks)
                    ));
                }
                Some(_) => {}
            }
        }
        for (figure, _) in &want.figures {
            if !row.figures.iter().any(|(f, _)| f == figure) {
                out.push(format!(
                    "{name}: figure {figure} is in the golden file, not in summary.csv"
                ));
            }
        }
    }
    out
}

#[test]
fn every_shipped_scenario_gives_its_golden_summary() {
    let names = shipped();
    assert!(names.len() >= 20, "the shipped scenarios: {names:?}");
    let found = run_all(&names);
    let path = golden_path();
    if std::env::var_os("COMMUNE_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, write_golden(&found)).unwrap();
        eprintln!(
            "wrote {} ({} scenarios); review it with `git diff`",
            path.display(),
            found.len()
        );
        return;
    }
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}; write it with `{BLESS}`",
            path.display()
        )
    });
    let golden = read_golden(&text);
    let diffs = differences(&golden, &found);
    assert!(
        diffs.is_empty(),
        "{} golden figure(s) differ from {} (relative tolerance {RELATIVE:e}, absolute \
         {ABSOLUTE:e}, counts exact):\n  {}\nIf the change is intended, regenerate the file with \
         `{BLESS}`, review `git diff tests/golden/summaries.csv` and commit it with the change.",
        diffs.len(),
        path.display(),
        diffs.join("\n  ")
    );
}

#[test]
fn the_golden_comparison_has_the_stated_tolerances() {
    // Noise in the last bits passes; a change in the ninth significant digit, or of one count,
    // does not; NaN (a waste share with no whole year) only matches NaN.
    let x = 635.6657283098526_f64;
    assert!(close(
        "footprint_kg_co2e_per_person_year",
        x,
        x + 4.0 * f64::EPSILON * x
    ));
    assert!(!close(
        "footprint_kg_co2e_per_person_year",
        x,
        x * (1.0 + 1e-8)
    ));
    assert!(close("labour_shortage_hours", 0.0, 1e-13));
    assert!(!close("labour_shortage_hours", 0.0, 1e-6));
    assert!(!close("proposals_passed", 3.0, 4.0));
    assert!(close("waste_share", f64::NAN, f64::NAN));
    assert!(!close("waste_share", f64::NAN, 0.02));
    assert!(!close("waste_share", 0.02, f64::NAN));
    // And a golden file round-trips through its text.
    let mut rows = BTreeMap::new();
    rows.insert(
        "a".to_owned(),
        Row {
            seed: 1,
            ticks: 365,
            figures: vec![("waste_share".into(), f64::NAN), ("x".into(), 0.1 + 0.2)],
        },
    );
    let back = read_golden(&write_golden(&rows));
    assert!(differences(&back, &rows).is_empty());
    assert_eq!(back["a"].figures[1].1, 0.1 + 0.2);
}

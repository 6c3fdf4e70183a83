//! Golden figures in distribution: every shipped scenario, run at seeds 1 to [`SEEDS`] for
//! [`DAYS`] days (or its own `ticks` if fewer), gives headline figures that are *the same in
//! distribution* as those recorded in `tests/golden/distribution.csv`, by the rule of `commune
//! dock` (ARCHITECTURE.md, "Figures the same in distribution"): for each scenario and figure a
//! paired t-test over the seeds, Holm's correction over all of them at a family-wise
//! [`ALPHA`], and a difference counting only above [`TOLERANCE`] of the figure's seed-to-seed
//! spread in the recorded runs.
//!
//! This is the tolerance the tests state for a change meant to leave the model's results as they
//! are but which moves figures in their last bits (a sum in another order, a narrower type):
//! `tests/golden/summaries.csv` (one seed, to the bit) must be re-blessed for such a change,
//! because the first decision it tips sends the run elsewhere; this file must not be. It is
//! re-blessed only with a change meant to move the model's results:
//!
//! ```sh
//! COMMUNE_BLESS_DISTRIBUTION=1 cargo test --test it golden_distribution
//! ```
//!
//! Calibration (release binaries, the same rule over the same 10 seeds and 100 days, with
//! `.ci/same-distribution BEFORE AFTER 10 100`): appeal in 256 steps and single-precision draws
//! (branch `proto/appeal-u8`) gave 0 of 1,240 figures different; every person's food need 1%
//! higher gave 38 different.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use commune::analysis::docking::{Verdict, holm, paired, verdicts};
use commune::model::metrics::summary::{HEADLINES, Summary};
use rayon::prelude::*;

/// Seeds 1 to this.
const SEEDS: u64 = 10;
/// At most this many days: long enough for the first assemblies, the planning rules' orders and
/// the seasons' first turn to show in the figures, short enough to run every scenario ten times
/// in about a minute on two cores in the test profile.
const DAYS: u32 = 100;
/// Family-wise level of Holm's correction over every scenario's figures.
const ALPHA: f64 = 0.05;
/// A difference counts only above this share of the figure's seed-to-seed spread.
const TOLERANCE: f64 = 0.1;

const BLESS: &str = "COMMUNE_BLESS_DISTRIBUTION=1 cargo test --test it golden_distribution";

fn golden_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/distribution.csv")
}

/// Each scenario's headline figures at seeds 1 to [`SEEDS`]: `figures[h][s]`.
type Figures = Vec<Vec<f64>>;

/// Runs every shipped scenario (those the golden summaries run) at every seed, in parallel; the
/// results are put in scenario and seed order whatever the threads do.
fn run_all(names: &[String]) -> BTreeMap<String, Figures> {
    let scenarios: Vec<_> = names
        .iter()
        .map(|name| {
            let path = crate::common::scenario(name);
            let mut s = commune::scenario::load(&path)
                .unwrap_or_else(|e| panic!("{name}: the shipped scenario loads: {e}"));
            s.meta.ticks = s.meta.ticks.min(DAYS);
            s
        })
        .collect();
    let jobs: Vec<(usize, u64)> = (0..names.len())
        .flat_map(|i| (1..=SEEDS).map(move |seed| (i, seed)))
        .collect();
    let runs: Vec<Vec<f64>> = jobs
        .par_iter()
        .map(|&(i, seed)| {
            let mut s = scenarios[i].clone();
            s.meta.seed = seed;
            let rows = commune::runner::simulate(&s, |_| {})
                .unwrap_or_else(|e| panic!("{}: seed {seed}: {e}", names[i]));
            let summary = Summary::from_rows(&rows);
            HEADLINES.iter().map(|h| (h.get)(&summary)).collect()
        })
        .collect();
    let mut out = BTreeMap::new();
    for (i, name) in names.iter().enumerate() {
        let per_seed = &runs[i * SEEDS as usize..(i + 1) * SEEDS as usize];
        let figures = (0..HEADLINES.len())
            .map(|h| per_seed.iter().map(|r| r[h]).collect())
            .collect();
        out.insert(name.clone(), figures);
    }
    out
}

fn write_golden(found: &BTreeMap<String, Figures>) -> String {
    let mut text = format!(
        "# Golden figures in distribution: the headline figures (summary.csv) of every shipped\n\
         # scenario at seeds 1 to {SEEDS}, each run for its own days or {DAYS}, whichever is fewer.\n\
         # Checked by tests/it/golden_distribution.rs with the rule of `commune dock` (paired\n\
         # t-tests, Holm's correction at a family-wise {ALPHA}, a difference counting only above\n\
         # {TOLERANCE} of a figure's seed-to-seed spread). Re-bless only with a change meant to move\n\
         # the model's results: `{BLESS}`; do not edit by hand.\n"
    );
    text.push_str("scenario,figure");
    for seed in 1..=SEEDS {
        text.push_str(&format!(",seed_{seed}"));
    }
    text.push('\n');
    for (name, figures) in found {
        for (h, values) in HEADLINES.iter().zip(figures) {
            text.push_str(&format!("{name},{}", h.name));
            for v in values {
                text.push_str(&format!(",{v}"));
            }
            text.push('\n');
        }
    }
    text
}

fn read_golden(text: &str) -> BTreeMap<String, BTreeMap<String, Vec<f64>>> {
    let mut lines = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty());
    let header: Vec<&str> = lines.next().expect("a header line").split(',').collect();
    assert_eq!(
        header[..2],
        ["scenario", "figure"],
        "{}",
        golden_path().display()
    );
    assert_eq!(
        header.len() - 2,
        SEEDS as usize,
        "{} has {} seeds; the test runs {SEEDS}: re-bless with `{BLESS}`",
        golden_path().display(),
        header.len() - 2
    );
    let mut out: BTreeMap<String, BTreeMap<String, Vec<f64>>> = BTreeMap::new();
    for l in lines {
        let cells: Vec<&str> = l.split(',').collect();
        assert_eq!(cells.len(), header.len(), "golden line {l:?}");
        let values = cells[2..]
            .iter()
            .map(|c| {
                c.parse::<f64>()
                    .unwrap_or_else(|e| panic!("golden line {l:?}: {c:?}: {e}"))
            })
            .collect();
        out.entry(cells[0].to_owned())
            .or_default()
            .insert(cells[1].to_owned(), values);
    }
    out
}

#[test]
fn every_scenario_gives_the_same_figures_in_distribution() {
    let names = crate::golden::shipped();
    let found = run_all(&names);
    if std::env::var_os("COMMUNE_BLESS_DISTRIBUTION").is_some() {
        std::fs::write(golden_path(), write_golden(&found)).unwrap();
        return;
    }
    let text = std::fs::read_to_string(golden_path())
        .unwrap_or_else(|e| panic!("{}: {e}; write it with `{BLESS}`", golden_path().display()));
    let golden = read_golden(&text);
    let missing: Vec<&String> = names.iter().filter(|n| !golden.contains_key(*n)).collect();
    assert!(
        missing.is_empty(),
        "no golden figures for {missing:?}: bless them with `{BLESS}`"
    );
    let gone: Vec<&String> = golden.keys().filter(|n| !names.contains(n)).collect();
    assert!(
        gone.is_empty(),
        "golden figures for scenarios no longer shipped: {gone:?}; re-bless with `{BLESS}`"
    );
    let mut tests = Vec::new();
    let mut labels = Vec::new();
    for (name, figures) in &found {
        for (h, after) in HEADLINES.iter().zip(figures) {
            let before = golden[name].get(h.name).unwrap_or_else(|| {
                panic!(
                    "no golden figure {} for {name}: re-bless with `{BLESS}`",
                    h.name
                )
            });
            tests.push(paired(before, after));
            labels.push(format!("{name} {}", h.name));
        }
    }
    let adjusted = holm(&tests.iter().map(|t| t.p).collect::<Vec<_>>());
    let verdicts = verdicts(&tests, &adjusted, ALPHA, TOLERANCE);
    let count = |v: Verdict| verdicts.iter().filter(|&&x| x == v).count();
    eprintln!(
        "{} figures: {} identical, {} the same within tolerance, {} different",
        tests.len(),
        count(Verdict::Identical),
        count(Verdict::Same),
        count(Verdict::Differs)
    );
    let differs: Vec<String> = verdicts
        .iter()
        .enumerate()
        .filter(|(_, v)| **v == Verdict::Differs)
        .map(|(i, _)| {
            let t = &tests[i];
            format!(
                "{}: {:.4} -> {:.4}, difference {:.4} [{:.4}, {:.4}] ({:.3} spreads), Holm p {:.2e}, \
                 defined in one set only in {} seeds",
                labels[i],
                t.before_mean,
                t.after_mean,
                t.diff_mean,
                t.diff_low,
                t.diff_high,
                t.diff_in_sds(),
                adjusted[i],
                t.one_sided
            )
        })
        .collect();
    assert!(
        differs.is_empty(),
        "{} figures are not the same in distribution as tests/golden/distribution.csv (if the \
         change is meant to move the model's results, re-bless with `{BLESS}` and say why in \
         the commit):\n{}",
        differs.len(),
        differs.join("\n")
    );
}

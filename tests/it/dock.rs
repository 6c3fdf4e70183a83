//! `commune dock`: two sets of runs compared figure by figure over their seeds, with an exit
//! status a script can read (0 the same, 1 a figure differs, 2 input it cannot use).

use std::path::Path;

use crate::common::{commune, stderr, stdout};

/// Runs the village for 10 days at seeds 1, 2 and 3 into `root/<seed>`.
fn village_runs(root: &Path) {
    let village = crate::common::scenario("village");
    for seed in ["1", "2", "3"] {
        let out = root.join(seed);
        let run = commune(&[
            "run",
            village.to_str().unwrap(),
            "--seed",
            seed,
            "--ticks",
            "10",
            "--no-plots",
            "-q",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(run.status.success(), "{}", stderr(&run));
    }
}

/// Copies the run directories of `from` into `to` (their manifests and summaries).
fn copy_runs(from: &Path, to: &Path) {
    for seed in ["1", "2", "3"] {
        std::fs::create_dir_all(to.join(seed)).unwrap();
        for file in ["manifest.json", "summary.csv"] {
            std::fs::copy(from.join(seed).join(file), to.join(seed).join(file)).unwrap();
        }
    }
}

/// Adds `by(seed index)` to `metric`'s value in each run's summary under `root`.
fn shift(root: &Path, metric: &str, by: impl Fn(usize) -> f64) {
    for (i, seed) in ["1", "2", "3"].iter().enumerate() {
        let path = root.join(seed).join("summary.csv");
        let text = std::fs::read_to_string(&path).unwrap();
        let mut found = false;
        let edited: Vec<String> = text
            .lines()
            .map(|line| {
                let fields: Vec<&str> = line.split(',').collect();
                if fields[0] == metric {
                    found = true;
                    let v: f64 = fields[2].parse().unwrap();
                    format!("{},{},{}", fields[0], fields[1], v + by(i))
                } else {
                    line.to_owned()
                }
            })
            .collect();
        assert!(found, "{metric} in {}", path.display());
        std::fs::write(&path, edited.join("\n") + "\n").unwrap();
    }
}

fn dock(a: &Path, b: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["dock", a.to_str().unwrap(), b.to_str().unwrap()];
    args.extend_from_slice(extra);
    commune(&args)
}

#[test]
fn runs_the_same_to_the_bit_are_identical_and_a_shifted_figure_differs() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    village_runs(&a);
    copy_runs(&a, &b);

    let same = dock(&a, &b, &[]);
    assert_eq!(same.status.code(), Some(0), "{}", stderr(&same));
    let text = stdout(&same);
    assert!(text.contains("1 scenarios, 3 runs in each set"), "{text}");
    assert!(
        text.contains("0 the same within tolerance, 0 different"),
        "{text}"
    );

    // Noise of either sign around no shift: not significant, so the same.
    shift(&b, "work_hours_mean", |i| [1e-4, -1e-4, 2e-5][i]);
    let noisy = dock(&a, &b, &[]);
    assert_eq!(noisy.status.code(), Some(0), "{}", stdout(&noisy));
    assert!(stdout(&noisy).contains("1 the same within tolerance, 0 different"));

    // Half an hour more in every run: significant and material.
    shift(&b, "work_hours_max", |i| 0.5 + 1e-3 * i as f64);
    let out = tmp.path().join("table");
    let differs = dock(&a, &b, &["--out", out.to_str().unwrap()]);
    assert_eq!(differs.status.code(), Some(1), "{}", stderr(&differs));
    let text = stdout(&differs);
    assert!(text.contains("1 different"), "{text}");
    assert!(text.contains("differs: village work_hours_max"), "{text}");
    let table = std::fs::read_to_string(out.join("dock.csv")).unwrap();
    let row = table
        .lines()
        .find(|l| l.contains(",work_hours_max,"))
        .expect("a row for the figure");
    assert!(row.ends_with(",differs"), "{row}");
    assert!(
        table
            .lines()
            .any(|l| l.contains(",work_hours_mean,") && l.ends_with(",same"))
    );
}

/// Asserts that `commune dock` refused its input with status 2 and a message saying `says`.
fn assert_refused(out: &std::process::Output, says: &str) {
    assert_eq!(out.status.code(), Some(2), "{}", stdout(out));
    assert!(stderr(out).contains(says), "{}", stderr(out));
}

#[test]
fn unpaired_runs_and_too_few_seeds_are_refused_with_status_2() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    village_runs(&a);
    copy_runs(&a, &b);
    std::fs::remove_dir_all(b.join("3")).unwrap();
    assert_refused(
        &dock(&a, &b, &[]),
        "village for 10 days at seed 3 is in the first set but not in",
    );

    // Two seeds a side give no spread to test against.
    std::fs::remove_dir_all(a.join("3")).unwrap();
    assert_refused(&dock(&a, &b, &[]), "docking needs three or more");

    let empty = tmp.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    assert_refused(&dock(&a, &empty, &[]), "no run directories in it");

    assert_refused(
        &dock(&a, &a, &["--alpha", "1.5"]),
        "--alpha must be between 0 and 1",
    );
}

//! Per-person output that scales with size: a run of more persons than `--person-rows` writes
//! exact quantiles of each per-person distribution (`people_quantiles.parquet`) instead of a row
//! per person, and draws its plots from them. Here a small world is made "big" by lowering the
//! threshold, and its quantiles are checked against the same run's `people.parquet`, sorted.

use std::path::Path;

use crate::common::*;
use commune::analysis::quantiles::{PERSON_FIGURES, STEPS};
use commune::analysis::stats::{floats, strings};
use commune::output::read_parquet;

/// 150 persons in 3 communities, 120 days, with demography (so ages and sexes differ).
const WORLD: &str = "name = \"q\"\nseed = 11\nticks = 120\n[population]\ncommunities = 3\n\
                     persons_per_community = 50\n[demography]\nenabled = true\n";

fn run(dir: &Path, file: &str, extra: &[&str]) {
    let mut args = vec!["run", file, "--out", dir.to_str().unwrap(), "--quiet"];
    args.extend_from_slice(extra);
    let o = commune(&args);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// Each figure's values from `people.parquet`, as the quantile table defines them.
fn figure_values(people: &polars::prelude::DataFrame) -> Vec<Vec<f64>> {
    let col = |name: &str| floats(people, name).unwrap();
    let (adult, alive, female, age) = (col("adult"), col("alive"), col("female"), col("age_years"));
    let n = adult.len();
    PERSON_FIGURES
        .iter()
        .map(|&f| match f {
            "work_hours_per_day" => (0..n)
                .filter(|&i| adult[i] > 0.5)
                .map(|i| col(f)[i])
                .collect(),
            "age_years_women" | "age_years_men" => (0..n)
                .filter(|&i| alive[i] > 0.5 && (female[i] > 0.5) == (f == "age_years_women"))
                .map(|i| age[i])
                .collect(),
            _ => col(f),
        })
        .collect()
}

#[test]
fn above_the_threshold_quantiles_replace_rows_and_equal_the_sorted_values() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("q.toml");
    std::fs::write(&file, WORLD).unwrap();
    let file = file.to_str().unwrap();
    let rows = tmp.path().join("rows");
    let quant = tmp.path().join("quant");
    let at = tmp.path().join("at");
    run(&rows, file, &[]);
    // The threshold switch: rows up to the count of persons seen, quantiles above it.
    let people = read_parquet(&rows.join("people.parquet")).unwrap();
    let seen = people.height();
    assert!(seen >= 150, "{seen}");
    run(&at, file, &["--person-rows", &seen.to_string()]);
    assert!(at.join("people.parquet").is_file());
    assert!(!at.join("people_quantiles.parquet").exists());
    run(&quant, file, &["--person-rows", &(seen - 1).to_string()]);
    assert!(!quant.join("people.parquet").exists());
    let table = read_parquet(&quant.join("people_quantiles.parquet")).unwrap();

    // Everything else the runs write is the same.
    for f in ["metrics.csv", "summary.csv", "decisions.csv", "events.csv"] {
        assert_eq!(
            std::fs::read(rows.join(f)).unwrap(),
            std::fs::read(quant.join(f)).unwrap(),
            "{f}"
        );
    }

    let figure = strings(&table, "figure").unwrap();
    let [persons, quantile, rank, value, share, gini] = [
        "persons",
        "quantile",
        "rank",
        "value",
        "cumulative_share",
        "gini",
    ]
    .map(|c| floats(&table, c).unwrap());
    let mut checked = 0;
    for (name, values) in PERSON_FIGURES.iter().zip(figure_values(&people)) {
        // An independent computation: sort, take the order statistics, sum the prefixes.
        let mut xs: Vec<f64> = values.into_iter().filter(|v| v.is_finite()).collect();
        xs.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let n = xs.len();
        let rows: Vec<usize> = (0..figure.len()).filter(|&i| figure[i] == *name).collect();
        if n == 0 {
            assert!(rows.is_empty(), "{name}");
            continue;
        }
        assert_eq!(rows.len(), STEPS + 1, "{name}");
        let total: f64 = xs.iter().map(|x| x.max(0.0)).sum();
        // Gini as the mean absolute difference over twice the mean.
        let mut diff = 0.0;
        for (i, x) in xs.iter().enumerate() {
            diff += (2.0 * (i as f64 + 1.0) - n as f64 - 1.0) * x.max(0.0);
        }
        let expected_gini = diff / (n as f64 * total);
        for (k, &i) in rows.iter().enumerate() {
            let r = k * (n - 1) / STEPS;
            assert_eq!(persons[i], n as f64, "{name}");
            assert_eq!(quantile[i], k as f64 / STEPS as f64, "{name} {k}");
            assert_eq!(rank[i], r as f64, "{name} {k}");
            assert_eq!(value[i], xs[r], "{name} quantile {k}");
            let prefix: f64 = xs[..=r].iter().map(|x| x.max(0.0)).sum();
            assert!(
                (share[i] - prefix / total).abs() < 1e-9,
                "{name} {k}: {} {}",
                share[i],
                prefix / total
            );
            assert!(
                (gini[i] - expected_gini).abs() < 1e-9,
                "{name}: {} {expected_gini}",
                gini[i]
            );
            checked += 1;
        }
    }
    assert!(checked >= 5 * (STEPS + 1), "{checked}");

    // The plots are drawn from the quantiles, with the Gini of every person in the title.
    for stem in [
        "work_hours_distribution",
        "lorenz_need_satisfaction",
        "age_pyramid",
    ] {
        assert!(quant.join(format!("{stem}.svg")).is_file(), "{stem}");
    }
    let title = |dir: &Path| {
        let svg = std::fs::read_to_string(dir.join("lorenz_need_satisfaction.svg")).unwrap();
        let at = svg.find("(Gini ").expect("a Gini in the title");
        svg[at..at + 12].to_owned()
    };
    assert_eq!(title(&rows), title(&quant));
    // `commune plot` redraws them from the directory.
    let o = commune(&["plot", quant.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
}

//! The status-quo reference lands near the published figures it is calibrated to
//! (docs/calibration.md), and costs more than the essay's village.

use crate::common::*;

/// The second year of a two-year run of `name` (the first starts from a stocked store-room).
fn second_year(name: &str) -> Csv {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join(name);
    let o = commune(&[
        "run",
        scenario(name).to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--ticks",
        "730",
        "--no-plots",
        "-q",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut csv = Csv::read(&out.join("metrics.csv"));
    csv.rows.drain(..365);
    csv
}

fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len() as f64
}

fn sum(xs: &[f64]) -> f64 {
    xs.iter().sum()
}

#[test]
fn the_status_quo_lands_near_the_published_figures() {
    let sq = second_year("status-quo");
    // OECD average: 1,776 hours actually worked per worker a year; the model has no weekends,
    // so every day counts. Within 10%.
    let hours = mean(&sq.col("work_hours_per_worker")) * 365.0;
    assert!((1_600.0..=1_950.0).contains(&hours), "{hours} h a year");
    // UNEP Food Waste Index: 17% (2019) to 19% (2022) of food wasted. Within 2 points.
    let waste = sum(&sq.col("food_wasted_kg")) / sum(&sq.col("food_produced_kg"));
    assert!((0.15..=0.21).contains(&waste), "{waste} of food wasted");
    // EEA 2025: about 16 kg of textiles thrown away per person a year. Within 2 kg.
    let textiles = sum(&sq.col("textiles_discarded_kg")) / mean(&sq.col("population"));
    assert!((14.0..=18.0).contains(&textiles), "{textiles} kg a person");
    // Everyone's needs are still met: the extra hours go to waste, cars, money and law.
    assert!(mean(&sq.col("need_satisfaction")) > 0.99);
    assert!(sum(&sq.col("money_law_hours")) > 0.0);
    assert!(sum(&sq.col("car_passenger_km")) > 0.0);
}

#[test]
fn the_village_works_less_wastes_less_and_emits_less_than_the_status_quo() {
    let sq = second_year("status-quo");
    let village = second_year("village");
    let per_worker = |c: &Csv| mean(&c.col("work_hours_per_worker"));
    assert!(per_worker(&village) < 0.6 * per_worker(&sq));
    let waste = |c: &Csv| sum(&c.col("food_wasted_kg")) / sum(&c.col("food_produced_kg"));
    assert!(waste(&village) < 0.5 * waste(&sq));
    let footprint = |c: &Csv| mean(&c.col("footprint_kg_co2e_per_person"));
    assert!(footprint(&village) < 0.5 * footprint(&sq));
    let textiles = |c: &Csv| sum(&c.col("textiles_discarded_kg"));
    assert!(textiles(&village) < 0.5 * textiles(&sq));
}

//! Tests of the whole simulation that exercise this folder's mechanism.

use crate::model::kernel::goods::Good;
use crate::model::*;

fn run(p: Params, days: usize) -> Vec<TickMetrics> {
    let mut sim = Simulation::new(p, 9);
    (0..days).map(|_| sim.step()).collect()
}

fn village() -> Params {
    let mut p = Params::default();
    p.population.persons_per_community = 100;
    p
}

#[test]
fn dwellings_wear_and_are_built_again_with_labour_and_materials() {
    let mut p = village();
    // Short-lived dwellings, so that the wear shows within a year.
    p.dwellings.life_years = 5.0;
    p.dwellings.build_days = 30.0;
    let rows = run(p.clone(), 365);
    let h = Good::Housing.index();
    let built: f64 = rows.iter().map(|m| m.dwelling_built_m2).sum();
    let hours: f64 = rows.iter().map(|m| m.dwelling_build_hours).sum();
    assert!(built > 0.0);
    // Hours and floor area go together, at the scenario's hours per m2 (within staffing).
    assert!(
        (hours / built - p.dwellings.build_hours_per_m2).abs()
            < 0.05 * p.dwellings.build_hours_per_m2
    );
    // The stock is kept above the need: everyone housed, every day.
    for m in &rows {
        assert!(
            m.dwelling_m2 >= m.goods_needed[h],
            "day {}: {} m2",
            m.tick,
            m.dwelling_m2
        );
        assert!(m.satisfaction(h) > 0.999);
    }
    // Without builders, the stock wears below the need and housing falls short.
    p.goods.construction.labour_hours_per_unit = 0.0;
    p.dwellings.build_hours_per_m2 = 1e4;
    p.labour.max_hours_per_day = 0.5;
    let idle = run(p, 365);
    let last = idle.last().unwrap();
    assert!(
        last.dwelling_m2 < 0.95 * last.goods_needed[h],
        "{}",
        last.dwelling_m2
    );
    assert!(last.satisfaction(h) < 0.95);
}

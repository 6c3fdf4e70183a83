//! Tests of the whole simulation that exercise this folder's mechanism.

use crate::model::*;

fn uneven_land(freight: bool) -> Vec<TickMetrics> {
    let mut p = Params::default();
    p.population.communities = 4;
    p.population.persons_per_community = 100;
    p.population.communities_per_region = 4;
    // Land is short on average and very uneven: some communities cannot feed themselves.
    p.food.arable_ha_per_person = 0.14;
    p.food.arable_spread = 0.9;
    p.rail.freight = freight;
    let mut sim = Simulation::new(p, 17);
    (0..730).map(|_| sim.step()).collect()
}

#[test]
fn rail_moves_food_from_surplus_to_shortage_and_raises_satisfaction() {
    let with = uneven_land(true);
    let without = uneven_land(false);
    let sum = |rows: &[TickMetrics], f: fn(&TickMetrics) -> f64| rows.iter().map(f).sum::<f64>();
    assert!(sum(&with, |m| m.food_shipped_kg) > 0.0);
    assert!(sum(&with, |m| m.rail_tonne_km) > 0.0);
    assert!(sum(&with, |m| m.rail_energy_kwh) > 0.0);
    assert_eq!(sum(&without, |m| m.food_shipped_kg), 0.0);
    let eaten = |rows: &[TickMetrics]| sum(rows, |m| m.food_eaten_kg);
    assert!(
        eaten(&with) > eaten(&without),
        "{} vs {}",
        eaten(&with),
        eaten(&without)
    );
    assert!(
        sum(&with, |m| m.unmet_need_share) < sum(&without, |m| m.unmet_need_share),
        "fewer persons short"
    );
}

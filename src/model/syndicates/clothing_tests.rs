//! Tests of the whole simulation that exercise this folder's mechanism.

use crate::model::kernel::goods::Good;
use crate::model::*;

fn year(exchange_store: bool) -> Vec<TickMetrics> {
    let mut p = Params::default();
    p.population.communities = 2;
    p.population.persons_per_community = 100;
    p.clothing.exchange_store = exchange_store;
    let mut sim = Simulation::new(p, 13);
    (0..365).map(|_| sim.step()).collect()
}

#[test]
fn an_exchange_store_reuses_garments_so_fewer_are_made_and_thrown_away() {
    let with = year(true);
    let without = year(false);
    let sum = |rows: &[TickMetrics], f: fn(&TickMetrics) -> f64| rows.iter().map(f).sum::<f64>();
    let c = Good::Clothing.index();
    assert!(sum(&with, |m| m.garments_reused) > 0.0);
    assert_eq!(sum(&without, |m| m.garments_reused), 0.0);
    assert!(sum(&with, |m| m.garments_discarded) < 0.8 * sum(&without, |m| m.garments_discarded));
    assert!(
        sum(&with, |m| m.sector_hours[2 + Good::Clothing.index()])
            < 0.8 * sum(&without, |m| m.sector_hours[2 + Good::Clothing.index()])
    );
    // Everyone is clothed either way.
    for rows in [&with, &without] {
        assert!(rows.iter().all(|m| m.satisfaction(c) > 0.999));
    }
    let delivered = |m: &TickMetrics| m.goods_delivered[Good::Clothing.index()];
    // Garments in = garments out: each one taken replaces one leaving use.
    let taken = sum(&without, delivered);
    assert!((taken - sum(&without, |m| m.garments_discarded)).abs() < 1e-6 * taken);
}

//! Tests of the whole simulation that exercise this folder's mechanism.

use crate::model::kernel::goods::Good;
use crate::model::kernel::ledger::{Days, GoodsDay};
use crate::model::*;

/// A day's figures of the one community, after `days` days of a village short of energy.
fn short_of_energy(order: &[&str], days: usize) -> Vec<GoodsDay> {
    let mut p = crate::model::syndicates::economy_tests::perfect();
    p.population.communities = 1;
    // About two thirds of the energy wanted.
    p.energy.geothermal.kw_per_person = 0.25;
    p.energy.storage_kwh_per_person = 0.0;
    p.energy.curtailment_order = order.iter().map(|s| (*s).to_owned()).collect();
    let mut sim = Simulation::new(p, 8);
    (0..days)
        .map(|_| {
            sim.step();
            sim.world_mut().resource::<Days<GoodsDay>>()[0]
        })
        .collect()
}

#[test]
fn a_deficit_is_cut_in_the_order_the_scenario_sets() {
    let d = Good::Devices.index();
    let l = Good::Learning.index();
    let e = Good::Energy.index();
    // Default: homes are cut first and the deficit is smaller than their use, so every
    // sector makes its plan.
    for day in short_of_energy(&["homes"], 10) {
        assert!(day.made[e] < day.planned[e] * 0.9, "short of energy");
        assert!(day.delivered[e] < day.need[e] * 0.9, "homes cut");
        assert!((day.made[d] - day.planned[d]).abs() < 1e-5 * day.planned[d].max(1.0));
        assert!(
            (day.made[l] - day.planned[l]).abs() < 1e-5 * day.planned[l].max(1.0),
            "{} {}",
            day.made[l],
            day.planned[l]
        );
    }
    // Devices first: the device syndicate stops before homes lose anything, and learning,
    // cut last, keeps its energy.
    for day in short_of_energy(&["devices", "homes"], 10) {
        assert!(day.planned[d] > 0.0);
        assert_eq!(day.made[d], 0.0, "devices cut first");
        assert!(day.delivered[e] < day.need[e] * 0.9, "then homes");
        assert!(
            (day.made[l] - day.planned[l]).abs() < 1e-5 * day.planned[l].max(1.0),
            "{} {}",
            day.made[l],
            day.planned[l]
        );
    }
    // Learning before homes: learning stops, homes are cut by less.
    let homes_default: f64 = short_of_energy(&["homes"], 10)
        .iter()
        .map(|day| day.delivered[e])
        .sum();
    let learning_first = short_of_energy(&["learning", "homes"], 10);
    assert!(learning_first.iter().all(|day| day.made[l] == 0.0));
    let homes_after: f64 = learning_first.iter().map(|day| day.delivered[e]).sum();
    assert!(
        homes_after > homes_default,
        "{homes_after} vs {homes_default}"
    );
}

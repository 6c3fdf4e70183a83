//! Tests of the whole simulation that exercise this folder's mechanism.

use crate::model::kernel::components::{Directory, Stocks};
use crate::model::kernel::goods::Good;
use crate::model::*;

/// Two regions of two communities; devices cannot be made anywhere (their labour is
/// absurd), community 0 holds a large stock of them and community 3, in the other region,
/// none.
fn world(freight: bool) -> Simulation {
    let mut p = Params::default();
    p.population.communities = 4;
    p.population.persons_per_community = 50;
    p.population.communities_per_region = 2;
    p.goods.devices.labour_hours_per_unit = 10_000.0;
    p.rail.goods_freight = freight;
    let mut sim = Simulation::new(p, 4);
    let world = sim.world_mut();
    let d = Good::Devices.index();
    let entities = world.resource::<Directory>().communities.clone();
    world.get_mut::<Stocks>(entities[0]).unwrap().0[d] = 1_000.0;
    for c in 1..4 {
        world.get_mut::<Stocks>(entities[c]).unwrap().0[d] = 0.0;
    }
    sim
}

fn devices_delivered(sim: &mut Simulation, days: usize) -> (f64, Vec<TickMetrics>) {
    let rows: Vec<_> = (0..days).map(|_| sim.step()).collect();
    let d = Good::Devices.index();
    (rows.iter().map(|m| m.goods_delivered[d]).sum(), rows)
}

#[test]
fn goods_move_from_surplus_to_shortage_within_and_between_regions() {
    let (with, rows) = devices_delivered(&mut world(true), 20);
    let (without, plain) = devices_delivered(&mut world(false), 20);
    assert!(with > 2.0 * without, "{with} vs {without}");
    let total = |rows: &[TickMetrics], f: fn(&TickMetrics) -> f64| rows.iter().map(f).sum::<f64>();
    assert!(total(&rows, |m| m.goods_shipped_kg) > 0.0);
    assert!(
        total(&rows, |m| m.trunk_tonne_km) > 0.0,
        "over the trunk line"
    );
    assert!(total(&rows, |m| m.rail_tonne_km) > total(&rows, |m| m.trunk_tonne_km));
    assert!(total(&rows, |m| m.rail_energy_kwh) > total(&plain, |m| m.rail_energy_kwh));
    assert_eq!(total(&plain, |m| m.goods_shipped_kg), 0.0);
    // Every community in the world got devices: community 3 only by the trunk line.
    let mut sim = world(true);
    let (_, _) = devices_delivered(&mut sim, 5);
    let world = sim.world_mut();
    let entities = world.resource::<Directory>().communities.clone();
    let d = Good::Devices.index();
    let held: Vec<f64> = entities
        .iter()
        .map(|e| world.get::<Stocks>(*e).unwrap().0[d])
        .collect();
    assert!(held.iter().all(|h| *h > 0.0), "{held:?}");
}

//! Rail over the whole network: goods and food cross several regions along shortest routes, a
//! failed link reroutes or stops freight until it is repaired, and exchange helpers' travel is
//! counted as transport.

use commune::model::events::{EventKind, ScheduledEvent};
use commune::model::kernel::components::{Community, Directory, Land, Stocks, StoreRoom};
use commune::model::kernel::goods::Good;
use commune::model::kernel::log::LogKind;
use commune::model::kernel::params::UndesirablePolicy;
use commune::model::kernel::params::rail::LinkSpec;
use commune::model::{Params, Simulation, TickMetrics};

fn total(rows: &[TickMetrics], f: fn(&TickMetrics) -> f64) -> f64 {
    rows.iter().map(f).sum()
}

/// Communities in regions of two; devices are not made anywhere, and community 0 holds all.
fn devices_world(communities: u32, links: &[(u32, u32, f64)]) -> Simulation {
    let mut p = Params::default();
    p.population.communities = communities;
    p.population.persons_per_community = 50;
    p.population.communities_per_region = 2;
    p.goods.devices.labour_hours_per_unit = 10_000.0;
    p.rail.links = links
        .iter()
        .map(|&(from, to, km)| LinkSpec { from, to, km })
        .collect();
    let mut sim = Simulation::new(p, 4);
    let world = sim.world_mut();
    let d = Good::Devices.index();
    let entities = world.resource::<Directory>().communities.clone();
    for (c, e) in entities.iter().enumerate() {
        world.get_mut::<Stocks>(*e).unwrap().0[d] = if c == 0 { 1_000.0 } else { 0.0 };
    }
    sim
}

fn devices_held(sim: &mut Simulation) -> Vec<f64> {
    let world = sim.world_mut();
    let entities = world.resource::<Directory>().communities.clone();
    let d = Good::Devices.index();
    entities
        .iter()
        .map(|e| world.get::<Stocks>(*e).unwrap().0[d])
        .collect()
}

fn steps(sim: &mut Simulation, days: usize) -> Vec<TickMetrics> {
    (0..days).map(|_| sim.step()).collect()
}

#[test]
fn goods_cross_several_trunk_lines_to_the_far_region() {
    // Generated network: regions 0, 1 and 2 in a line; community 5 is two trunk lines away.
    let mut sim = devices_world(6, &[]);
    let rows = steps(&mut sim, 5);
    let held = devices_held(&mut sim);
    assert!(held.iter().all(|h| *h > 0.0), "{held:?}");
    assert!(total(&rows, |m| m.trunk_tonne_km) > 0.0);
    assert!(total(&rows, |m| m.rail_tonne_km) > total(&rows, |m| m.trunk_tonne_km));
}

/// Regions {0, 1} and {2, 3}: a short trunk 1-2 and, where given, a long one 0-3.
fn two_regions(long_way: bool) -> Vec<(u32, u32, f64)> {
    let mut links = vec![(0, 1, 10.0), (2, 3, 10.0), (1, 2, 20.0)];
    if long_way {
        links.push((0, 3, 80.0));
    }
    links
}

fn fail_short_trunk(sim: &mut Simulation) {
    sim.schedule_event(ScheduledEvent {
        tick: 0,
        kind: EventKind::RailFailure {
            from: 2,
            to: 1,
            days: 10,
        },
    });
}

#[test]
fn a_failed_link_reroutes_freight_the_longer_way() {
    let mut plain = devices_world(4, &two_regions(true));
    let base = steps(&mut plain, 10);
    let mut failed = devices_world(4, &two_regions(true));
    fail_short_trunk(&mut failed);
    let rerouted = steps(&mut failed, 10);
    // The goods still arrive, over the long trunk line: more trunk tonne-km for them.
    let held = devices_held(&mut failed);
    assert!(held[2] > 0.0 && held[3] > 0.0, "{held:?}");
    let (t_base, t_fail) = (
        total(&base, |m| m.trunk_tonne_km),
        total(&rerouted, |m| m.trunk_tonne_km),
    );
    assert!(t_base > 0.0);
    assert!(t_fail > 2.0 * t_base, "{t_fail} vs {t_base}");
    assert!(total(&rerouted, |m| m.rail_tonne_km) > total(&base, |m| m.rail_tonne_km));
    // The network routes the long way while the link is down, and the short way after repair.
    assert_eq!(failed.rail_network().km(0, 2), 90.0);
    steps(&mut failed, 1);
    assert_eq!(failed.rail_network().km(0, 2), 30.0);
}

#[test]
fn nothing_crosses_when_the_only_link_is_cut_until_it_is_repaired() {
    let mut sim = devices_world(4, &two_regions(false));
    fail_short_trunk(&mut sim);
    let down = steps(&mut sim, 10);
    assert_eq!(total(&down, |m| m.trunk_tonne_km), 0.0);
    let held = devices_held(&mut sim);
    assert!(held[1] > 0.0, "within the region it still moves: {held:?}");
    assert_eq!((held[2], held[3]), (0.0, 0.0));
    assert!(sim.rail_network().km(0, 3).is_infinite());
    let up = steps(&mut sim, 5);
    assert!(
        total(&up[..1], |m| m.trunk_tonne_km) > 0.0,
        "back on repair day"
    );
    let held = devices_held(&mut sim);
    assert!(held[2] > 0.0 && held[3] > 0.0, "{held:?}");
    let logged: Vec<_> = sim
        .log()
        .iter()
        .filter(|e| e.kind == LogKind::Event)
        .collect();
    assert_eq!(logged.len(), 1);
    assert_eq!(logged[0].tick, 0);
    assert!(
        logged[0]
            .text
            .contains("rail link between communities 2 and 1")
    );
}

/// Regions {0, 1} and {2, 3}; region 1 has no land and nothing in store, region 0 plenty.
fn food_world(freight: bool, seed: u64) -> Vec<TickMetrics> {
    let mut p = Params::default();
    p.population.communities = 4;
    p.population.persons_per_community = 60;
    p.population.communities_per_region = 2;
    p.rail.freight = freight;
    p.rail.goods_freight = false;
    let mut sim = Simulation::new(p, seed);
    let world = sim.world_mut();
    let entities = world.resource::<Directory>().communities.clone();
    for (c, e) in entities.iter().enumerate() {
        let region = world.get::<Community>(*e).unwrap().region;
        world.get_mut::<StoreRoom>(*e).unwrap().food_kg = if region == 0 { 100_000.0 } else { 0.0 };
        if region == 1 {
            world.get_mut::<Land>(*e).unwrap().arable_ha = 0.0;
        }
        let _ = c;
    }
    steps(&mut sim, 60)
}

#[test]
fn food_moves_between_regions_when_a_region_is_short() {
    for seed in [1, 2, 3] {
        let with = food_world(true, seed);
        let without = food_world(false, seed);
        assert!(total(&with, |m| m.trunk_tonne_km) > 0.0, "seed {seed}");
        assert!(total(&with, |m| m.food_shipped_kg) > 0.0);
        assert_eq!(total(&without, |m| m.food_shipped_kg), 0.0);
        let eaten = |rows: &[TickMetrics]| total(rows, |m| m.food_eaten_kg);
        assert!(
            eaten(&with) > 1.2 * eaten(&without),
            "seed {seed}: {} vs {}",
            eaten(&with),
            eaten(&without)
        );
    }
}

fn exchange_run(policy: UndesirablePolicy, kwh: f64, seed: u64) -> Vec<TickMetrics> {
    let mut p = Params::default();
    p.population.communities = 4;
    p.population.persons_per_community = 60;
    p.population.communities_per_region = 4;
    p.assembly.enabled = false;
    p.labour.undesirable_appeal = 0.0;
    p.labour.volunteer_rounds = 1;
    p.labour.undesirable_policy = policy;
    p.rail.kwh_per_passenger_km = kwh;
    let mut sim = Simulation::new(p, seed);
    steps(&mut sim, 30)
}

#[test]
fn exchange_helpers_travel_by_rail_and_it_counts_in_the_transport_footprint() {
    for seed in [2, 5] {
        let exch = exchange_run(UndesirablePolicy::Exchange, 0.05, seed);
        let free = exchange_run(UndesirablePolicy::Exchange, 0.0, seed);
        let vol = exchange_run(UndesirablePolicy::Volunteer, 0.05, seed);
        let pkm = total(&exch, |m| m.exchange_passenger_km);
        assert!(pkm > 0.0, "seed {seed}");
        assert!((total(&exch, |m| m.exchange_travel_kwh) - 0.05 * pkm).abs() < 1e-6 * pkm);
        assert_eq!(total(&free, |m| m.exchange_travel_kwh), 0.0);
        let fp = |rows: &[TickMetrics]| total(rows, |m| m.footprint_transport_kg_co2e_per_person);
        assert!(
            fp(&exch) > fp(&free),
            "seed {seed}: {} vs {}",
            fp(&exch),
            fp(&free)
        );
        assert_eq!(total(&vol, |m| m.exchange_passenger_km), 0.0);
        assert_eq!(total(&vol, |m| m.exchange_travel_kwh), 0.0);
    }
}

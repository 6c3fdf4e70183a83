//! The rail links of a built world are entities, queried like persons.

use crate::model::events::EventKind;
use crate::model::kernel::params::rail::LinkSpec;
use crate::model::rail::links::{LinkState, RailLink};
use crate::model::*;

/// Two regions of two communities, joined by two trunk lines, the short one 1-2.
fn world() -> Simulation {
    let mut p = Params::default();
    p.population.communities = 4;
    p.population.persons_per_community = 20;
    p.population.communities_per_region = 2;
    p.rail.links = [(0, 1, 10.0), (2, 3, 10.0), (1, 2, 10.0), (0, 3, 100.0)]
        .iter()
        .map(|&(from, to, km)| LinkSpec { from, to, km })
        .collect();
    Simulation::new(p, 3)
}

fn links(sim: &mut Simulation) -> Vec<(RailLink, LinkState)> {
    let world = sim.world_mut();
    let mut links: Vec<_> = world
        .query::<(&RailLink, &LinkState)>()
        .iter(world)
        .map(|(l, s)| (*l, *s))
        .collect();
    links.sort_by_key(|(l, _)| l.id);
    links
}

#[test]
fn links_are_entities_whose_state_routes_the_network() {
    let mut sim = world();
    let built = links(&mut sim);
    assert_eq!(built.len(), 4, "one entity per link of the scenario");
    let ends: Vec<(u32, u32, f64)> = built.iter().map(|(l, _)| (l.a, l.b, l.km)).collect();
    assert_eq!(
        ends,
        vec![(0, 1, 10.0), (2, 3, 10.0), (1, 2, 10.0), (0, 3, 100.0)]
    );
    assert!(built.iter().all(|(_, s)| s.works()));
    assert_eq!(sim.rail_links().len(), 4);
    assert_eq!(sim.rail_network().km(0, 2), 20.0);
    // The short trunk line breaks on the first day, for five days.
    sim.apply_event(EventKind::RailFailure {
        from: 2,
        to: 1,
        days: 5,
    });
    sim.step();
    let broken = links(&mut sim);
    assert_eq!(broken[2].1, LinkState { down_until: 5 });
    assert!(
        broken
            .iter()
            .enumerate()
            .all(|(i, (_, s))| i == 2 || s.works())
    );
    assert_eq!(sim.rail_network().km(0, 2), 110.0, "the long way round");
    // Repaired on its day: the component and the routes come back.
    for _ in 0..5 {
        sim.step();
    }
    assert!(links(&mut sim).iter().all(|(_, s)| s.works()));
    assert_eq!(sim.rail_network().km(0, 2), 20.0);
}

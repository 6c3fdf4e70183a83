//! Rail links as entities: each built link between two communities is an entity with a
//! [`RailLink`] (its ends and length, fixed once built) and a [`LinkState`] (whether it is out of
//! service, and until when), the one place a link's state is kept. [`RailNetwork`] holds only
//! what is derived from them (distances, capacities, routes) and is rebuilt from them whenever a
//! link fails or is repaired.
//!
//! Links come from the scenario or are generated: within each region a line through its
//! communities plus a few extra links, and a trunk line joining the first community of each
//! region to the next region's. Keeping the links up takes labour from the rail syndicates (the
//! transport sector) of the communities they join.

use bevy_ecs::prelude::*;
use rand::RngExt;

use super::network::RailNetwork;
use crate::model::kernel::params::Params;
use crate::model::kernel::regions::{Regions, Settled};
use crate::model::kernel::rng::{Purpose, stream};

/// A built link between two communities: its index among the links (`id`, in the order they
/// were built), its ends and its length.
#[derive(Component, Clone, Copy, Debug, PartialEq)]
pub struct RailLink {
    pub id: u32,
    pub a: u32,
    pub b: u32,
    pub km: f64,
}

impl RailLink {
    /// Whether the link joins `a` and `b` (either way round).
    pub fn joins(&self, a: u32, b: u32) -> bool {
        (self.a, self.b) == (a, b) || (self.a, self.b) == (b, a)
    }
}

/// Whether a link works: the tick it is out of service until (exclusive); 0 when it works.
#[derive(Component, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LinkState {
    pub down_until: u32,
}

impl LinkState {
    /// Whether the link works.
    pub fn works(&self) -> bool {
        self.down_until == 0
    }

    /// Takes the link out of service until `until` (exclusive; at least tick 1), or keeps it out
    /// longer if it already is.
    pub fn fail(&mut self, until: u32) {
        self.down_until = self.down_until.max(until.max(1));
    }

    /// Whether the link is down and its repair time has come on `tick`.
    pub fn repair_due(&self, tick: u32) -> bool {
        self.down_until != 0 && self.down_until <= tick
    }
}

/// The links `params` and `seed` build, in order (`id` is the position): the scenario's, or a
/// generated network over `regions`' settled communities (a site gets its link when it is
/// founded, [`found`]; validation refuses given links that touch a site).
pub fn plan(params: &Params, regions: &Regions, settled: &Settled, seed: u64) -> Vec<RailLink> {
    let rail = &params.rail;
    if rail.links.is_empty() {
        let members: Vec<Vec<u32>> = regions
            .all()
            .map(|m| m.filter(|&c| settled.is(c)).map(|c| c as u32).collect())
            .filter(|m: &Vec<u32>| !m.is_empty())
            .collect();
        generate(params, &members, seed)
    } else {
        rail.links
            .iter()
            .enumerate()
            .map(|(id, l)| RailLink {
                id: id as u32,
                a: l.from,
                b: l.to,
                km: l.km,
            })
            .collect()
    }
}

/// Spawns an entity for every link `params` and `seed` build, all working, and returns them in
/// order.
pub fn spawn(world: &mut World, params: &Params, seed: u64) -> Vec<(RailLink, LinkState)> {
    let regions = *world.resource::<Regions>();
    let settled = world.resource::<Settled>();
    let links: Vec<(RailLink, LinkState)> = plan(params, &regions, settled, seed)
        .into_iter()
        .map(|l| (l, LinkState::default()))
        .collect();
    world.spawn_batch(links.clone());
    links
}

/// Every link entity of `world` with its state, in order of `id`.
pub fn of_world(world: &mut World) -> Vec<(RailLink, LinkState)> {
    let mut links: Vec<(RailLink, LinkState)> = world
        .query::<(&RailLink, &LinkState)>()
        .iter(world)
        .map(|(l, s)| (*l, *s))
        .collect();
    links.sort_by_key(|(l, _)| l.id);
    links
}

/// The links of `world` (ends and lengths), in order of `id`, without needing the world
/// mutably (for maps).
pub fn built(world: &World) -> Vec<RailLink> {
    let Some(mut query) = world.try_query::<&RailLink>() else {
        return Vec::new();
    };
    let mut links: Vec<RailLink> = query.iter(world).copied().collect();
    links.sort_by_key(|l| l.id);
    links
}

/// Rebuilds the world's [`RailNetwork`] from its link entities.
pub fn reroute(world: &mut World) {
    let links = of_world(world);
    world.resource_mut::<RailNetwork>().reroute(&links);
}

/// Takes every link joining `a` and `b` out of service until `until` (exclusive) and
/// reroutes. Returns how many links failed.
pub fn fail(world: &mut World, a: u32, b: u32, until: u32) -> usize {
    let mut n = 0;
    for (link, mut state) in world.query::<(&RailLink, &mut LinkState)>().iter_mut(world) {
        if link.joins(a, b) {
            state.fail(until);
            n += 1;
        }
    }
    reroute(world);
    n
}

/// Puts back the links whose repair time has come (on `tick`) and reroutes if any did. With
/// no link down (as the network knows from its last reroute) there is nothing to look at.
pub fn repair(world: &mut World, tick: u32) -> bool {
    if !world.resource::<RailNetwork>().any_down {
        return false;
    }
    let mut any = false;
    for mut state in world.query::<&mut LinkState>().iter_mut(world) {
        if state.repair_due(tick) {
            state.down_until = 0;
            any = true;
        }
    }
    if any {
        reroute(world);
    }
    any
}

/// Total length of line (km).
pub fn total_km(links: &[RailLink]) -> f64 {
    links.iter().map(|l| l.km).sum()
}

/// Whether a link joins `a` and `b` in every network `params` can make: one of the given links,
/// or, for a generated network, a link of the line through a region's communities or a trunk
/// line between the first communities of neighbouring regions (the extra links drawn at random
/// differ between seeds, so they cannot be named).
pub fn link_exists(params: &Params, a: u32, b: u32) -> bool {
    let rail = &params.rail;
    let (a, b) = (a.min(b), a.max(b));
    if !rail.links.is_empty() {
        return rail
            .links
            .iter()
            .any(|l| (l.from.min(l.to), l.from.max(l.to)) == (a, b));
    }
    let n = params.population.communities;
    if b >= n || a == b {
        return false;
    }
    let regions = Regions::of_params(params);
    let (ra, rb) = (regions.of(a as usize), regions.of(b as usize));
    // Neighbours within a region, or the first communities of consecutive regions (trunk).
    (b == a + 1 && ra == rb)
        || (regions.rank(a as usize) == 0 && regions.rank(b as usize) == 0 && rb == ra + 1)
}

fn generate(params: &Params, members: &[Vec<u32>], seed: u64) -> Vec<RailLink> {
    let rail = &params.rail;
    let mut rng = stream(seed, Purpose::Rail, 0);
    let km = |rng: &mut rand_chacha::ChaCha8Rng| {
        if rail.link_km_max > rail.link_km_min {
            rng.random_range(rail.link_km_min..rail.link_km_max)
        } else {
            rail.link_km_min
        }
    };
    let located = Located::of(params);
    let mut links = Vec::new();
    let mut push = |a: u32, b: u32, drawn: f64| {
        let id = links.len() as u32;
        let km = located.km(a, b, rail.detour_factor).unwrap_or(drawn);
        links.push(RailLink { id, a, b, km });
    };
    for (r, m) in members.iter().enumerate() {
        for pair in m.windows(2) {
            push(pair[0], pair[1], km(&mut rng));
        }
        if m.len() > 2 {
            for _ in 0..rail.extra_links_per_region {
                let a = m[rng.random_range(0..m.len())];
                let b = m[rng.random_range(0..m.len())];
                if a != b {
                    push(a, b, km(&mut rng));
                }
            }
        }
        if let Some(next) = members.get(r + 1) {
            // A trunk line's drawn length is three links'; a located one's is its own.
            push(m[0], next[0], km(&mut rng) * 3.0);
        }
    }
    links
}

/// Where the communities lie, for those the scenario locates (`x_km`, `y_km`).
struct Located(Vec<Option<(f64, f64)>>);

impl Located {
    fn of(params: &Params) -> Self {
        let overrides = &params.population.overrides;
        if overrides.iter().all(|o| o.location().is_none()) {
            return Located(Vec::new());
        }
        Located(
            params
                .population
                .overrides_by_community()
                .iter()
                .map(|o| o.location())
                .collect(),
        )
    }

    /// The length of a link between `a` and `b` when both are located: the straight line
    /// between them times `detour` (km).
    fn km(&self, a: u32, b: u32, detour: f64) -> Option<f64> {
        let (pa, pb) = (
            self.0.get(a as usize).copied()??,
            self.0.get(b as usize).copied()??,
        );
        Some((pa.0 - pb.0).hypot(pa.1 - pb.1) * detour)
    }
}

/// Posts each link's upkeep to the rail syndicates of the two communities it joins (hours/day,
/// effective), as a daily figure the goods plan adds to the transport sector's hours.
pub fn upkeep_hours(params: &Params, links: &[RailLink], communities: usize) -> Vec<f64> {
    let mut hours = vec![0.0; communities];
    let per_km_day = params.rail.maintenance_hours_per_km_year / 365.0;
    for link in links {
        let h = link.km * per_km_day / 2.0;
        hours[link.a as usize] += h;
        hours[link.b as usize] += h;
    }
    hours
}

/// Spawns the link joining a newly founded community `site` to `founder` (its length drawn from
/// the founding's own stream `rng`, as a generated link's), reroutes the network and recomputes
/// the upkeep. Does nothing under the scenario's own `rail.links` but reroute.
pub fn found(
    world: &mut World,
    params: &Params,
    founder: u32,
    site: u32,
    rng: &mut rand_chacha::ChaCha8Rng,
) {
    let rail = &params.rail;
    if rail.links.is_empty() {
        let drawn = if rail.link_km_max > rail.link_km_min {
            rng.random_range(rail.link_km_min..rail.link_km_max)
        } else {
            rail.link_km_min
        };
        let km = Located::of(params)
            .km(founder, site, rail.detour_factor)
            .unwrap_or(drawn);
        let id = built(world).len() as u32;
        world.spawn((
            RailLink {
                id,
                a: founder,
                b: site,
                km,
            },
            LinkState::default(),
        ));
    }
    reroute(world);
    let upkeep = upkeep_hours(
        params,
        &built(world),
        params.population.communities as usize,
    );
    world.insert_resource(RailUpkeep(upkeep));
}

/// Upkeep hours by community (hours/day).
#[derive(Resource, Clone, Debug, Default)]
pub struct RailUpkeep(pub Vec<f64>);

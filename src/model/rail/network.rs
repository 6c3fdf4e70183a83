//! The rail network's routing tables, derived from the link entities (see `links.rs`): the
//! shortest distances within each region over its working links (Floyd-Warshall; regions are
//! small), the graph of gateways joining regions and the routes over it, and each day's freight
//! capacity of every region's pooled links (tonne-km a day) and of every working trunk line.
//! Rebuilt from the links whenever one fails or is repaired.

use bevy_ecs::prelude::*;

use super::links::{LinkState, RailLink};
use crate::model::kernel::params::Params;
use crate::model::kernel::regions::Regions;

/// One step of a route between gateways: the capacity it uses (a region's pooled links, by
/// region index, or a trunk line, by `regions + link index`) and the gateway it came from.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Step {
    from: u32,
    room: u32,
}

/// The network and its shortest distances, over the whole graph without a matrix over all
/// communities: within each region a distance matrix over its members; between regions a graph
/// of gateways (the communities at the ends of trunk links, those joining two regions), with
/// the shortest distance and route between every pair of gateways. A distance between two
/// communities is the distance to a gateway of the first's region, along the gateway route, and
/// on from a gateway of the second's region.
#[derive(Resource, Clone, Debug)]
pub struct RailNetwork {
    /// Communities of each region, in id order.
    pub members: Vec<Vec<u32>>,
    /// Shortest distance (km) between members of each region over the working network, by
    /// position in `members`; infinite where no working line joins them.
    pub distance: Vec<Vec<Vec<f64>>>,
    /// Freight capacity of each region's working links (tonne-km/day).
    pub capacity: Vec<f64>,
    /// Links joining communities of different regions (trunk lines), by link id.
    pub trunks: Vec<usize>,
    /// Freight capacity of each link as a trunk line (tonne-km/day), by link id: 0 for a link
    /// within a region or one that is down.
    trunk_capacity: Vec<f64>,
    regions: Regions,
    link_capacity: f64,
    /// Gateways (communities at the ends of working trunk links), in id order, and each
    /// region's gateways (by index in `gateways`).
    gateways: Vec<u32>,
    region_gateways: Vec<Vec<u32>>,
    /// Shortest distance between gateways (km), row by row, and the last step of the route.
    gateway_km: Vec<f64>,
    gateway_step: Vec<Step>,
    /// Shortest distance between regions (km): between their nearest gateways; 0 on the
    /// diagonal.
    region_km: Vec<f64>,
    /// Whether some link was down at the last reroute (every failure and repair reroutes), so
    /// that the day's repair can skip the links when none is.
    pub(crate) any_down: bool,
}

/// One leg of a route: the capacity it uses and its length (km).
pub type Leg = (u32, f64);

impl RailNetwork {
    /// The network over `links` (in order of id, with their states), for `regions` and the link
    /// capacity of `params`.
    pub fn new(params: &Params, regions: Regions, links: &[(RailLink, LinkState)]) -> Self {
        let membership = regions;
        let members: Vec<Vec<u32>> = membership
            .all()
            .map(|m| m.map(|c| c as u32).collect())
            .collect();
        let mut net = Self {
            members,
            distance: Vec::new(),
            capacity: Vec::new(),
            trunks: Vec::new(),
            trunk_capacity: Vec::new(),
            regions: membership,
            link_capacity: params.rail.capacity_tonne_km_per_day,
            gateways: Vec::new(),
            region_gateways: Vec::new(),
            gateway_km: Vec::new(),
            gateway_step: Vec::new(),
            region_km: Vec::new(),
            any_down: false,
        };
        net.reroute(links);
        net
    }

    /// Region of community `c`.
    pub fn region_of(&self, c: u32) -> usize {
        self.regions.of(c as usize)
    }

    fn position(&self, c: u32) -> usize {
        self.regions.rank(c as usize)
    }

    /// Number of capacity slots: one per region, then one per link (used for trunk links).
    pub fn rooms(&self) -> usize {
        self.members.len() + self.trunk_capacity.len()
    }

    /// Computes distances, routes and capacities over the working links of `links` (every
    /// link, in order of id, with its state).
    pub fn reroute(&mut self, links: &[(RailLink, LinkState)]) {
        debug_assert!(links.iter().enumerate().all(|(i, l)| l.0.id as usize == i));
        self.any_down = links.iter().any(|(_, state)| !state.works());
        let works = |l: usize| links[l].1.works();
        let regions = self.members.len();
        let mut distance: Vec<Vec<Vec<f64>>> = self
            .members
            .iter()
            .map(|m| {
                let n = m.len();
                let mut d = vec![vec![f64::INFINITY; n]; n];
                (0..n).for_each(|i| d[i][i] = 0.0);
                d
            })
            .collect();
        let mut capacity = vec![0.0; regions];
        let mut trunks = Vec::new();
        for (l, (link, state)) in links.iter().enumerate() {
            let (ra, rb) = (self.region_of(link.a), self.region_of(link.b));
            if ra != rb {
                trunks.push(l);
                continue;
            }
            if !state.works() {
                continue;
            }
            let (i, j) = (self.position(link.a), self.position(link.b));
            let d = &mut distance[ra];
            d[i][j] = d[i][j].min(link.km);
            d[j][i] = d[j][i].min(link.km);
            capacity[ra] += self.link_capacity;
        }
        for d in &mut distance {
            let n = d.len();
            for k in 0..n {
                for i in 0..n {
                    for j in 0..n {
                        let through = d[i][k] + d[k][j];
                        if through < d[i][j] {
                            d[i][j] = through;
                        }
                    }
                }
            }
        }
        // Gateways: ends of working trunk links.
        let mut gateways: Vec<u32> = trunks
            .iter()
            .filter(|&&l| works(l))
            .flat_map(|&l| [links[l].0.a, links[l].0.b])
            .collect();
        gateways.sort_unstable();
        gateways.dedup();
        let g = gateways.len();
        let index = |c: u32| gateways.binary_search(&c).ok();
        let mut region_gateways = vec![Vec::new(); regions];
        for (k, &c) in gateways.iter().enumerate() {
            region_gateways[self.region_of(c)].push(k as u32);
        }
        // The gateway graph: working trunk links, and shortest in-region distances between
        // gateways of the same region.
        let mut edges: Vec<Vec<(u32, f64, u32)>> = vec![Vec::new(); g];
        for &l in &trunks {
            if !works(l) {
                continue;
            }
            let link = links[l].0;
            let (Some(a), Some(b)) = (index(link.a), index(link.b)) else {
                continue;
            };
            let room = (regions + l) as u32;
            edges[a].push((b as u32, link.km, room));
            edges[b].push((a as u32, link.km, room));
        }
        for (r, gs) in region_gateways.iter().enumerate() {
            for &a in gs {
                for &b in gs {
                    let (pa, pb) = (
                        self.position(gateways[a as usize]),
                        self.position(gateways[b as usize]),
                    );
                    let km = distance[r][pa][pb];
                    if a != b && km.is_finite() {
                        edges[a as usize].push((b, km, r as u32));
                    }
                }
            }
        }
        // Dijkstra from every gateway (ties broken by gateway index, so routes are fixed).
        let mut gateway_km = vec![f64::INFINITY; g * g];
        let mut gateway_step = vec![
            Step {
                from: u32::MAX,
                room: u32::MAX,
            };
            g * g
        ];
        let mut heap = std::collections::BinaryHeap::new();
        for s in 0..g {
            let row = s * g;
            gateway_km[row + s] = 0.0;
            heap.push(std::cmp::Reverse((0.0f64.to_bits(), s as u32)));
            while let Some(std::cmp::Reverse((bits, v))) = heap.pop() {
                let dv = f64::from_bits(bits);
                if dv > gateway_km[row + v as usize] {
                    continue;
                }
                for &(w, km, room) in &edges[v as usize] {
                    let dw = dv + km;
                    if dw < gateway_km[row + w as usize] {
                        gateway_km[row + w as usize] = dw;
                        gateway_step[row + w as usize] = Step { from: v, room };
                        heap.push(std::cmp::Reverse((dw.to_bits(), w)));
                    }
                }
            }
        }
        let mut region_km = vec![f64::INFINITY; regions * regions];
        for r in 0..regions {
            region_km[r * regions + r] = 0.0;
            for &a in &region_gateways[r] {
                for (k, &b) in gateways.iter().enumerate() {
                    let rb = self.region_of(b);
                    let km = gateway_km[a as usize * g + k];
                    if km < region_km[r * regions + rb] {
                        region_km[r * regions + rb] = km;
                    }
                }
            }
        }
        // A route between members of one region may leave it (given links can make a shorter
        // way through another region).
        for (r, gs) in region_gateways.iter().enumerate() {
            if gs.len() < 2 {
                continue;
            }
            let d = &mut distance[r];
            let n = d.len();
            let pos: Vec<usize> = gs
                .iter()
                .map(|&k| self.position(gateways[k as usize]))
                .collect();
            for i in 0..n {
                for j in 0..n {
                    for (x, &a) in gs.iter().enumerate() {
                        for (y, &b) in gs.iter().enumerate() {
                            let through = d[i][pos[x]]
                                + gateway_km[a as usize * g + b as usize]
                                + d[pos[y]][j];
                            if through < d[i][j] {
                                d[i][j] = through;
                            }
                        }
                    }
                }
            }
        }
        let trunk_capacity = (0..links.len())
            .map(|l| {
                if works(l) && trunks.binary_search(&l).is_ok() {
                    self.link_capacity
                } else {
                    0.0
                }
            })
            .collect();
        self.distance = distance;
        self.capacity = capacity;
        self.trunk_capacity = trunk_capacity;
        self.trunks = trunks;
        self.gateways = gateways;
        self.region_gateways = region_gateways;
        self.gateway_km = gateway_km;
        self.gateway_step = gateway_step;
        self.region_km = region_km;
    }

    /// Shortest distance between regions `a` and `b` (km; infinite when no line joins them).
    pub fn region_km(&self, a: usize, b: usize) -> f64 {
        self.region_km[a * self.members.len() + b]
    }

    /// Shortest distance between communities `a` and `b` over the whole network (km; infinite
    /// when no working line joins them).
    pub fn km(&self, a: u32, b: u32) -> f64 {
        self.best(a, b).0
    }

    /// The shortest distance, and the gateways it passes when it leaves the first community's
    /// region (None: it stays inside).
    fn best(&self, a: u32, b: u32) -> (f64, Option<(u32, u32)>) {
        let (ra, rb) = (self.region_of(a), self.region_of(b));
        let (pa, pb) = (self.position(a), self.position(b));
        if ra == rb {
            return (self.distance[ra][pa][pb], None);
        }
        let g = self.gateways.len();
        let mut best = (f64::INFINITY, None);
        for &x in &self.region_gateways[ra] {
            let to_x = self.distance[ra][pa][self.position(self.gateways[x as usize])];
            if !to_x.is_finite() {
                continue;
            }
            for &y in &self.region_gateways[rb] {
                let km = to_x
                    + self.gateway_km[x as usize * g + y as usize]
                    + self.distance[rb][self.position(self.gateways[y as usize])][pb];
                if km < best.0 {
                    best = (km, Some((x, y)));
                }
            }
        }
        best
    }

    /// The shortest route from `a` to `b`: its length (km), with its legs written to `legs`
    /// (cleared first): for a route within a region, one leg on the region's links; else the
    /// leg to the first gateway, each trunk line and region crossed, and the last leg.
    pub fn route_legs(&self, a: u32, b: u32, legs: &mut Vec<Leg>) -> f64 {
        legs.clear();
        let (km, via) = self.best(a, b);
        if !km.is_finite() {
            return km;
        }
        let (ra, rb) = (self.region_of(a), self.region_of(b));
        let Some((x, y)) = via else {
            legs.push((ra as u32, km));
            return km;
        };
        let g = self.gateways.len();
        let first = self.distance[ra][self.position(a)][self.position(self.gateways[x as usize])];
        let last = self.distance[rb][self.position(self.gateways[y as usize])][self.position(b)];
        legs.push((rb as u32, last));
        let row = x as usize * g;
        let mut v = y as usize;
        while v != x as usize {
            let step = self.gateway_step[row + v];
            let km = self.gateway_km[row + v] - self.gateway_km[row + step.from as usize];
            legs.push((step.room, km));
            v = step.from as usize;
        }
        legs.push((ra as u32, first));
        legs.reverse();
        km
    }

    /// Whether the room of a leg is a trunk line.
    pub fn is_trunk(&self, room: u32) -> bool {
        room as usize >= self.members.len()
    }

    /// Today's freight capacity of every room (tonne-km): regions' pooled links, then each
    /// working trunk link.
    pub fn rooms_capacity(&self, out: &mut Vec<f64>) {
        out.clear();
        out.extend_from_slice(&self.capacity);
        out.extend_from_slice(&self.trunk_capacity);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::kernel::params::rail::LinkSpec;
    use crate::model::kernel::regions::Settled;
    use crate::model::rail::links::{link_exists, plan, total_km};

    /// The links `p` builds with `seed`, all working, and the network over them.
    fn built(p: &Params, seed: u64) -> (Vec<(RailLink, LinkState)>, RailNetwork) {
        let regions = Regions::of_params(p);
        let settled = Settled::of_sizes(&p.community_sizes(seed), seed);
        let links: Vec<_> = plan(p, &regions, &settled, seed)
            .into_iter()
            .map(|l| (l, LinkState::default()))
            .collect();
        let net = RailNetwork::new(p, regions, &links);
        (links, net)
    }

    /// Takes the links joining `a` and `b` out until `until` and reroutes; how many failed.
    fn fail(
        links: &mut [(RailLink, LinkState)],
        net: &mut RailNetwork,
        a: u32,
        b: u32,
        until: u32,
    ) -> usize {
        let mut n = 0;
        for (link, state) in links.iter_mut() {
            if link.joins(a, b) {
                state.fail(until);
                n += 1;
            }
        }
        net.reroute(links);
        n
    }

    /// Puts back the links due on `tick` and reroutes if any were.
    fn repair(links: &mut [(RailLink, LinkState)], net: &mut RailNetwork, tick: u32) -> bool {
        let mut any = false;
        for (_, state) in links.iter_mut() {
            if state.repair_due(tick) {
                state.down_until = 0;
                any = true;
            }
        }
        if any {
            net.reroute(links);
        }
        any
    }

    fn params(communities: u32) -> Params {
        let mut p = Params::default();
        p.population.communities = communities;
        p.population.communities_per_region = 4;
        p
    }

    #[test]
    fn generated_networks_join_every_region_and_distances_are_shortest_paths() {
        let (links, net) = built(&params(10), 5);
        assert_eq!(net.members.len(), 3);
        for d in &net.distance {
            for i in 0..d.len() {
                for j in 0..d.len() {
                    assert!(d[i][j].is_finite(), "a line joins every member");
                    assert!((d[i][j] - d[j][i]).abs() < 1e-9);
                    for k in 0..d.len() {
                        assert!(d[i][j] <= d[i][k] + d[k][j] + 1e-9);
                    }
                }
            }
        }
        // Trunk links join the regions.
        assert!(links.iter().any(|(l, _)| l.a == 0 && l.b == 4));
        let links: Vec<RailLink> = links.iter().map(|l| l.0).collect();
        assert!(total_km(&links) > 0.0);
    }

    #[test]
    fn given_links_replace_the_generated_network() {
        let mut p = params(4);
        p.rail.links = vec![
            LinkSpec {
                from: 0,
                to: 1,
                km: 10.0,
            },
            LinkSpec {
                from: 1,
                to: 2,
                km: 5.0,
            },
        ];
        let (links, net) = built(&p, 1);
        assert_eq!(links.len(), 2);
        assert_eq!(net.distance[0][0][2], 15.0);
        assert!(
            net.distance[0][0][3].is_infinite(),
            "community 3 has no line"
        );
    }

    fn linked(
        communities: u32,
        links: &[(u32, u32, f64)],
    ) -> (Vec<(RailLink, LinkState)>, RailNetwork) {
        let mut p = params(communities);
        p.population.communities_per_region = 2;
        p.rail.links = links
            .iter()
            .map(|&(from, to, km)| LinkSpec { from, to, km })
            .collect();
        built(&p, 1)
    }

    #[test]
    fn routes_cross_regions_along_the_shortest_path_of_the_whole_network() {
        // Regions {0, 1}, {2, 3}, {4, 5}, {6}; 0-1 directly is long, the way round through
        // region 1 is shorter; 6 has no line.
        let links = [
            (0, 1, 100.0),
            (0, 2, 10.0),
            (2, 3, 5.0),
            (3, 1, 10.0),
            (3, 4, 10.0),
            (4, 5, 5.0),
        ];
        let (mut links, mut net) = linked(7, &links);
        assert_eq!(net.km(0, 5), 30.0);
        assert_eq!(net.km(5, 0), 30.0);
        assert_eq!(net.distance[0][0][1], 25.0, "out through region 1 and back");
        assert_eq!(net.km(1, 5), 25.0);
        assert!(net.km(0, 6).is_infinite());
        assert!(net.region_km(0, 3).is_infinite());
        assert_eq!(net.region_km(0, 2), 20.0);
        // The legs: to the gateway (0 km), trunk 0-2, region 1's 2-3, trunk 3-4, region 2's 4-5.
        let mut legs = Vec::new();
        assert_eq!(net.route_legs(0, 5, &mut legs), 30.0);
        let kms: Vec<f64> = legs.iter().map(|l| l.1).collect();
        assert_eq!(kms, vec![0.0, 10.0, 5.0, 10.0, 5.0]);
        let trunk: Vec<bool> = legs.iter().map(|l| net.is_trunk(l.0)).collect();
        assert_eq!(trunk, vec![false, true, false, true, false]);
        assert_eq!(legs[2].0, 1, "the leg inside region 1 uses its capacity");
        // A failed link reroutes; with no way left, the pair is unreachable; repair restores.
        assert_eq!(fail(&mut links, &mut net, 2, 3, 10), 1);
        assert_eq!(net.km(0, 5), 125.0);
        fail(&mut links, &mut net, 1, 0, 10);
        assert!(net.km(0, 5).is_infinite());
        assert!(net.km(1, 5).is_finite());
        let mut room = Vec::new();
        net.rooms_capacity(&mut room);
        assert_eq!(room[0], 0.0, "region 0's only link is down");
        assert!(!repair(&mut links, &mut net, 9));
        assert!(repair(&mut links, &mut net, 10));
        assert_eq!(net.km(0, 5), 30.0);
        assert_eq!(net.distance[0][0][1], 25.0);
    }

    #[test]
    fn only_links_every_network_has_can_be_named() {
        let p = params(10);
        assert!(link_exists(&p, 0, 1));
        assert!(link_exists(&p, 5, 4));
        assert!(link_exists(&p, 0, 4));
        assert!(link_exists(&p, 8, 4));
        assert!(!link_exists(&p, 3, 4), "different regions, not a trunk");
        assert!(!link_exists(&p, 0, 2));
        assert!(!link_exists(&p, 8, 12));
        let (links, net) = built(&p, 3);
        for (l, _) in &links {
            if link_exists(&p, l.a, l.b) {
                continue;
            }
            // Only the extra links drawn at random are not nameable.
            assert_eq!(net.region_of(l.a), net.region_of(l.b));
        }
    }
}

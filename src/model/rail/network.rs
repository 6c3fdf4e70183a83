//! Rail: the network of links between communities, and food moved along it under regional
//! agreements, from communities with more than they need until the harvest to those with less.
//!
//! Links come from the scenario or are generated: within each region a line through its
//! communities plus a few extra links, and a trunk line joining the first community of each
//! region to the next region's. Distances within a region are shortest paths over the region's
//! own links (Floyd-Warshall once at the start; regions are small). Each day a region's freight is
//! limited by the capacity of its links (tonne-km a day), moving costs energy per tonne-km (added
//! to the sending community's energy need), and keeping the links up takes labour from the rail
//! syndicates (the transport sector) of the communities they join.

use bevy_ecs::prelude::*;
use rand::RngExt;

use crate::model::food::outlook::Outlook;
use crate::model::kernel::calendar::{Calendar, Clock};
use crate::model::kernel::components::{Directory, FarmPlan, KitchenState, Stocks, StoreRoom};
use crate::model::kernel::goods::{Good, N_GOODS};
use crate::model::kernel::ledger::{Days, FoodDay, GoodsDay, LabourDay, PeopleDay, RailDay};
use crate::model::kernel::params::Params;
use crate::model::kernel::regions::Regions;
use crate::model::kernel::rng::{Purpose, stream};
use crate::model::kernel::technology::Economy;

/// A built link between two communities.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Link {
    pub a: u32,
    pub b: u32,
    pub km: f64,
}

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
    pub links: Vec<Link>,
    /// Communities of each region, in id order.
    pub members: Vec<Vec<u32>>,
    /// Shortest distance (km) between members of each region over the working network, by
    /// position in `members`; infinite where no working line joins them.
    pub distance: Vec<Vec<Vec<f64>>>,
    /// Freight capacity of each region's working links (tonne-km/day).
    pub capacity: Vec<f64>,
    /// Links joining communities of different regions (trunk lines), by index in `links`.
    pub trunks: Vec<usize>,
    /// Tick each link is out of service until (exclusive); 0 when it works.
    pub down_until: Vec<u32>,
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
}

/// One leg of a route: the capacity it uses and its length (km).
pub type Leg = (u32, f64);

impl RailNetwork {
    pub fn new(params: &Params, seed: u64) -> Self {
        let rail = &params.rail;
        let membership = Regions::of_params(params);
        let members: Vec<Vec<u32>> = membership
            .all()
            .map(|m| m.map(|c| c as u32).collect())
            .collect();
        let links = if rail.links.is_empty() {
            generate(params, &members, seed)
        } else {
            rail.links
                .iter()
                .map(|l| Link {
                    a: l.from,
                    b: l.to,
                    km: l.km,
                })
                .collect()
        };
        let mut net = Self {
            down_until: vec![0; links.len()],
            links,
            members,
            distance: Vec::new(),
            capacity: Vec::new(),
            trunks: Vec::new(),
            regions: membership,
            link_capacity: rail.capacity_tonne_km_per_day,
            gateways: Vec::new(),
            region_gateways: Vec::new(),
            gateway_km: Vec::new(),
            gateway_step: Vec::new(),
            region_km: Vec::new(),
        };
        net.route();
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
        self.members.len() + self.links.len()
    }

    /// Whether link `l` works.
    pub fn works(&self, l: usize) -> bool {
        self.down_until[l] == 0
    }

    /// Computes distances and routes over the working links.
    fn route(&mut self) {
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
        for (l, link) in self.links.iter().enumerate() {
            let (ra, rb) = (self.region_of(link.a), self.region_of(link.b));
            if ra != rb {
                trunks.push(l);
                continue;
            }
            if !self.works(l) {
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
            .filter(|&&l| self.works(l))
            .flat_map(|&l| [self.links[l].a, self.links[l].b])
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
            if !self.works(l) {
                continue;
            }
            let link = self.links[l];
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
        self.distance = distance;
        self.capacity = capacity;
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
        out.extend((0..self.links.len()).map(|l| {
            if self.works(l) && self.trunks.binary_search(&l).is_ok() {
                self.link_capacity
            } else {
                0.0
            }
        }));
    }

    /// Takes every link joining `a` and `b` out of service until `until` (exclusive) and
    /// reroutes. Returns how many links failed.
    pub fn fail(&mut self, a: u32, b: u32, until: u32) -> usize {
        let mut n = 0;
        for (l, link) in self.links.iter().enumerate() {
            if (link.a, link.b) == (a, b) || (link.a, link.b) == (b, a) {
                self.down_until[l] = self.down_until[l].max(until.max(1));
                n += 1;
            }
        }
        self.route();
        n
    }

    /// Puts back the links whose repair time has come (on `tick`) and reroutes if any did.
    pub fn repair(&mut self, tick: u32) -> bool {
        let mut any = false;
        for until in &mut self.down_until {
            if *until != 0 && *until <= tick {
                *until = 0;
                any = true;
            }
        }
        if any {
            self.route();
        }
        any
    }

    /// Total length of line (km).
    pub fn total_km(&self) -> f64 {
        self.links.iter().map(|l| l.km).sum()
    }
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

/// Each day's freight capacity left in every room (tonne-km), shared by food and goods.
#[derive(Resource, Clone, Debug, Default)]
pub struct FreightRoom {
    pub left: Vec<f64>,
    legs: Vec<Leg>,
}

impl FreightRoom {
    /// The most units of `tonnes_per_unit` that can go along `legs` today.
    fn most(&self, tonnes_per_unit: f64, legs: &[Leg]) -> f64 {
        legs.iter()
            .filter(|(_, km)| *km > 0.0)
            .map(|&(room, km)| self.left[room as usize] / (tonnes_per_unit * km).max(1e-12))
            .fold(f64::INFINITY, f64::min)
    }

    /// Uses the capacity of `tonnes` along `legs`; returns the tonne-km on trunk lines.
    fn take(&mut self, network: &RailNetwork, tonnes: f64, legs: &[Leg]) -> f64 {
        let mut trunk = 0.0;
        for &(room, km) in legs {
            self.left[room as usize] -= tonnes * km;
            if network.is_trunk(room) {
                trunk += tonnes * km;
            }
        }
        trunk
    }
}

fn generate(params: &Params, members: &[Vec<u32>], seed: u64) -> Vec<Link> {
    let rail = &params.rail;
    let mut rng = stream(seed, Purpose::Rail, 0);
    let km = |rng: &mut rand_chacha::ChaCha8Rng| {
        if rail.link_km_max > rail.link_km_min {
            rng.random_range(rail.link_km_min..rail.link_km_max)
        } else {
            rail.link_km_min
        }
    };
    let mut links = Vec::new();
    for (r, m) in members.iter().enumerate() {
        for pair in m.windows(2) {
            links.push(Link {
                a: pair[0],
                b: pair[1],
                km: km(&mut rng),
            });
        }
        if m.len() > 2 {
            for _ in 0..rail.extra_links_per_region {
                let a = m[rng.random_range(0..m.len())];
                let b = m[rng.random_range(0..m.len())];
                if a != b {
                    links.push(Link {
                        a,
                        b,
                        km: km(&mut rng),
                    });
                }
            }
        }
        if let Some(next) = members.get(r + 1) {
            links.push(Link {
                a: m[0],
                b: next[0],
                km: km(&mut rng) * 3.0,
            });
        }
    }
    links
}

/// Posts each link's upkeep to the rail syndicates of the two communities it joins (hours/day,
/// effective), as a daily figure the goods plan adds to the transport sector's hours.
pub fn upkeep_hours(params: &Params, network: &RailNetwork, communities: usize) -> Vec<f64> {
    let mut hours = vec![0.0; communities];
    let per_km_day = params.rail.maintenance_hours_per_km_year / 365.0;
    for link in &network.links {
        let h = link.km * per_km_day / 2.0;
        hours[link.a as usize] += h;
        hours[link.b as usize] += h;
    }
    hours
}

/// Upkeep hours by community (hours/day).
#[derive(Resource, Clone, Debug, Default)]
pub struct RailUpkeep(pub Vec<f64>);

/// Moves food within each region from communities with a surplus to those short of food, nearest
/// first, and then between regions. A community's balance is what it holds plus what this
/// season's harvest should still bring it (after what the region agreed it grows for others),
/// less its need until the next season's harvest peak; before this season's peak, also no more
/// than what it holds beyond its need until that peak. Shipments within a region go within the
/// region's freight capacity (the capacities of the region's links, pooled: a shipment is not
/// routed over particular links). Then a region short as a whole (the sum of its members'
/// balances after its own agreement is negative) gets food from regions with a surplus, nearest
/// region first, along the shortest route of the whole network, within the capacity left on
/// every region and trunk line the route crosses.
#[allow(clippy::too_many_arguments)]
pub fn ship_food(
    clock: Res<Clock>,
    params: Res<Params>,
    calendar: Res<Calendar>,
    network: Res<RailNetwork>,
    directory: Res<Directory>,
    mut room: ResMut<FreightRoom>,
    food_days: Res<Days<FoodDay>>,
    mut rail: ResMut<Days<RailDay>>,
    mut stores: Query<&mut StoreRoom>,
    kitchens: Query<&KitchenState>,
    farms: Query<&FarmPlan>,
) {
    let room = &mut *room;
    network.rooms_capacity(&mut room.left);
    if !params.rail.freight {
        return;
    }
    let day = clock.day_of_year() as usize;
    let food = &params.food;
    let regions = network.members.len();
    let mut balances: Vec<Vec<f64>> = Vec::with_capacity(regions);
    for (r, members) in network.members.iter().enumerate() {
        // Balances of each member, from today's need and holdings.
        let mut balance: Vec<f64> = members
            .iter()
            .map(|&c| {
                let c = c as usize;
                let store = stores
                    .get(directory.communities[c])
                    .map_or(0.0, |s| s.food_kg);
                let kept = kitchens
                    .get(directory.kitchens[c])
                    .map_or(0.0, |k| k.leftovers_total());
                let farm = farms.get(directory.farms[c]).ok();
                let outlook = Outlook::new(store, kept, farm, food.yield_kg_per_ha, &calendar, day);
                // Before this season's peak, only what is held can be given, and what is held
                // must last until the peak.
                outlook.surplus(food_days[c].need_kg)
            })
            .collect();
        if members.len() < 2 {
            balances.push(balance);
            continue;
        }
        for (i, &short_c) in members.iter().enumerate() {
            let need = food_days[short_c as usize].need_kg;
            let mut wanted = -balance[i];
            if need <= 0.0 || wanted < need * params.rail.min_shortfall_days {
                continue;
            }
            // Nearest communities with a surplus first. Regions are small, so a sort is cheap.
            let mut givers: Vec<usize> = (0..members.len())
                .filter(|&j| balance[j] > 0.0 && network.distance[r][i][j].is_finite() && j != i)
                .collect();
            givers
                .sort_by(|&a, &b| network.distance[r][i][a].total_cmp(&network.distance[r][i][b]));
            for j in givers {
                if wanted <= 0.0 || room.left[r] <= 0.0 {
                    break;
                }
                let from = members[j] as usize;
                let km = network.distance[r][i][j];
                let Ok(mut giver_store) = stores.get_mut(directory.communities[from]) else {
                    continue;
                };
                // Only what is in store now can travel, and the capacity left today.
                let by_capacity = room.left[r] / (km / 1000.0).max(1e-9);
                let kg = wanted
                    .min(balance[j])
                    .min(giver_store.food_kg)
                    .min(by_capacity)
                    .max(0.0);
                if kg <= 0.0 {
                    continue;
                }
                giver_store.food_kg -= kg;
                // What a community gives comes off its surplus for the rest of the day.
                balance[j] -= kg;
                let tonne_km = kg / 1000.0 * km;
                room.left[r] -= tonne_km;
                wanted -= kg;
                let giver = &mut rail[from];
                giver.food_sent_kg += kg;
                giver.freight_tonne_km += tonne_km;
                giver.freight_kwh += tonne_km * params.rail.kwh_per_tonne_km;
                if let Ok(mut taker_store) = stores.get_mut(directory.communities[short_c as usize])
                {
                    taker_store.food_kg += kg;
                    rail[short_c as usize].food_received_kg += kg;
                }
            }
            balance[i] = -wanted;
        }
        balances.push(balance);
    }
    if regions < 2 {
        return;
    }
    // Between regions: region balances, nearest surplus region first.
    let mut net: Vec<f64> = balances.iter().map(|b| b.iter().sum()).collect();
    let surplus: Vec<usize> = (0..regions).filter(|&r| net[r] > 0.0).collect();
    if surplus.is_empty() {
        return;
    }
    let mut order = Vec::new();
    for r in 0..regions {
        if net[r] >= 0.0 {
            continue;
        }
        nearest_regions(
            &network,
            r,
            &surplus,
            params.rail.source_regions,
            &mut order,
        );
        for &s in &order {
            if net[r] >= 0.0 {
                break;
            }
            'region: for (i, &short_c) in network.members[r].iter().enumerate() {
                let need = food_days[short_c as usize].need_kg;
                if need <= 0.0 || -balances[r][i] < need * params.rail.min_shortfall_days {
                    continue;
                }
                for (j, &from) in network.members[s].iter().enumerate() {
                    if balances[s][j] <= 0.0 || net[s] <= 0.0 || net[r] >= 0.0 {
                        continue;
                    }
                    if balances[r][i] >= 0.0 {
                        break;
                    }
                    let km = network.route_legs(from, short_c, &mut room.legs);
                    if !km.is_finite() {
                        continue;
                    }
                    let Ok(mut giver_store) = stores.get_mut(directory.communities[from as usize])
                    else {
                        continue;
                    };
                    let by_capacity = room.most(0.001, &room.legs);
                    if by_capacity <= 0.0 {
                        // The way from this region is full today.
                        break 'region;
                    }
                    let kg = (-balances[r][i])
                        .min(balances[s][j])
                        .min(net[s])
                        .min(-net[r])
                        .min(giver_store.food_kg)
                        .min(by_capacity)
                        .max(0.0);
                    if kg <= 0.0 {
                        continue;
                    }
                    giver_store.food_kg -= kg;
                    balances[s][j] -= kg;
                    balances[r][i] += kg;
                    net[s] -= kg;
                    net[r] += kg;
                    let legs = std::mem::take(&mut room.legs);
                    let trunk = room.take(&network, kg / 1000.0, &legs);
                    room.legs = legs;
                    let tonne_km = kg / 1000.0 * km;
                    let giver = &mut rail[from as usize];
                    giver.food_sent_kg += kg;
                    giver.freight_tonne_km += tonne_km;
                    giver.trunk_tonne_km += trunk;
                    giver.freight_kwh += tonne_km * params.rail.kwh_per_tonne_km;
                    if let Ok(mut taker_store) =
                        stores.get_mut(directory.communities[short_c as usize])
                    {
                        taker_store.food_kg += kg;
                        rail[short_c as usize].food_received_kg += kg;
                    }
                }
            }
        }
    }
}

/// Exchange helpers' travel: the help a community gave through an exchange scheme today is
/// carried by as many round trips as it takes at a working day's help each (the hours given over
/// `labour.willing_hours_mean`, at most one trip per member who gave hours: a scheme sends people
/// for a day's work, not everyone for a few minutes). Each trip goes by rail from home to the
/// communities of the region that received the scheme's help and back, to each in proportion to
/// the help it received, over the network's shortest distance (a host no working line reaches
/// adds nothing). The passenger-km and their energy are counted on the helpers' home community;
/// the energy is added to its energy need and plan for today.
pub fn exchange_travel(
    params: Res<Params>,
    network: Res<RailNetwork>,
    mut labour: ResMut<Days<LabourDay>>,
    mut goods: ResMut<Days<GoodsDay>>,
) {
    let e = Good::Energy.index();
    for (r, members) in network.members.iter().enumerate() {
        let received: f64 = members
            .iter()
            .map(|&c| labour[c as usize].exchange_received)
            .sum();
        if received <= 0.0 {
            continue;
        }
        for (i, &home) in members.iter().enumerate() {
            let helpers = labour[home as usize].exchange_helpers;
            if helpers == 0 {
                continue;
            }
            let mut km = 0.0;
            for (j, &host) in members.iter().enumerate() {
                let got = labour[host as usize].exchange_received;
                let d = network.distance[r][i][j];
                if got > 0.0 && d.is_finite() {
                    km += got / received * d;
                }
            }
            let day_of_help = params.labour.willing_hours_mean.max(1e-9);
            let trips =
                (labour[home as usize].exchange_given / day_of_help).min(f64::from(helpers));
            let passenger_km = trips * 2.0 * km;
            let kwh = passenger_km * params.rail.kwh_per_passenger_km;
            let day = &mut labour[home as usize];
            day.exchange_passenger_km = passenger_km;
            day.exchange_travel_kwh = kwh;
            goods[home as usize].need[e] += kwh;
            goods[home as usize].planned[e] += kwh;
        }
    }
}

/// The regions of `surplus` that region `r` can reach, nearest first (ties by index), at most
/// `most` of them, written to `out`.
fn nearest_regions(
    network: &RailNetwork,
    r: usize,
    surplus: &[usize],
    most: u32,
    out: &mut Vec<usize>,
) {
    out.clear();
    out.extend(
        surplus
            .iter()
            .copied()
            .filter(|&s| s != r && network.region_km(r, s).is_finite()),
    );
    let key = |&s: &usize| (network.region_km(r, s), s);
    let by = |a: &usize, b: &usize| {
        let (ka, kb) = (key(a), key(b));
        ka.0.total_cmp(&kb.0).then(ka.1.cmp(&kb.1))
    };
    let most = (most as usize).max(1);
    if out.len() > most {
        out.select_nth_unstable_by(most - 1, by);
        out.truncate(most);
    }
    out.sort_by(by);
}

/// Mass of a unit of a storable good, for freight (kg).
pub fn unit_kg(params: &Params, good: Good) -> f64 {
    match good {
        Good::Clothing => params.clothing.garment_kg,
        Good::Devices => params.rail.device_kg,
        Good::Construction | Good::Materials => 1000.0,
        _ => 1.0,
    }
}

/// Each community's balance of every storable good: what it holds beyond a day of its gross use
/// and its reserve (positive: it can give), or what it lacks of a reserve when it holds less than
/// a day's use (negative: it asks). Zero otherwise: a community making its own is left to it.
fn goods_balances(
    params: &Params,
    economy: &Economy,
    people: &[PeopleDay],
    stock: &[f64; N_GOODS],
    c: usize,
) -> [f64; N_GOODS] {
    let need = params.goods.final_need(&people[c].headcount);
    let gross = economy.gross_output(&need);
    let mut balance = [0.0; N_GOODS];
    for good in Good::ALL {
        let g = good.index();
        if !good.storable() || gross[g] <= 0.0 {
            continue;
        }
        let keep = gross[g] * (1.0 + params.goods.get(*good).reserve_days);
        // Between a day's use and the reserve, its own making is left to it.
        if stock[g] > keep || stock[g] < gross[g] {
            balance[g] = stock[g] - keep;
        }
    }
    balance
}

/// Moves `units` of good `g` from community `from` to `to` over `km`, counting the freight on
/// the sender. Returns the tonne-km.
#[allow(clippy::too_many_arguments)]
fn move_goods(
    params: &Params,
    rail: &mut [RailDay],
    stocks: &mut Query<&mut Stocks>,
    directory: &Directory,
    g: Good,
    from: usize,
    to: usize,
    units: f64,
    km: f64,
) -> f64 {
    if let Ok(mut s) = stocks.get_mut(directory.communities[from]) {
        s.0[g.index()] -= units;
    }
    if let Ok(mut s) = stocks.get_mut(directory.communities[to]) {
        s.0[g.index()] += units;
    }
    let kg = units * unit_kg(params, g);
    let tonne_km = kg / 1000.0 * km;
    let giver = &mut rail[from];
    giver.goods_sent_kg += kg;
    giver.freight_tonne_km += tonne_km;
    giver.freight_kwh += tonne_km * params.rail.kwh_per_tonne_km;
    tonne_km
}

/// Moves storable goods from communities with more than their reserve to those that hold less
/// than a day's use: first within each region, nearest first, within what the region's freight
/// capacity has left after food; then between regions, for each good: a region whose members
/// still lack it on balance gets it from regions with more than they need, nearest region
/// first, along the shortest route of the whole network (across as many trunk lines as it
/// takes), within the capacity left on every region and trunk line the route crosses. The
/// energy of the freight is added to the sender's energy need.
#[allow(clippy::too_many_arguments)]
pub fn ship_goods(
    params: Res<Params>,
    economy: Res<Economy>,
    network: Res<RailNetwork>,
    directory: Res<Directory>,
    mut room: ResMut<FreightRoom>,
    people: Res<Days<PeopleDay>>,
    mut rail: ResMut<Days<RailDay>>,
    mut stocks: Query<&mut Stocks>,
) {
    if !params.rail.goods_freight {
        return;
    }
    let room = &mut *room;
    let n = people.len();
    // Balances of every community, from the stocks at the start of the day.
    let mut balance: Vec<[f64; N_GOODS]> = (0..n)
        .map(|c| {
            let stock = stocks
                .get(directory.communities[c])
                .map_or([0.0; N_GOODS], |s| s.0);
            goods_balances(&params, &economy, &people, &stock, c)
        })
        .collect();
    for (r, members) in network.members.iter().enumerate() {
        if members.len() < 2 {
            continue;
        }
        let capacity = &mut room.left[r];
        *capacity = capacity.max(0.0);
        for good in Good::ALL.iter().copied().filter(|g| g.storable()) {
            let g = good.index();
            for (i, &taker) in members.iter().enumerate() {
                let taker = taker as usize;
                if balance[taker][g] >= 0.0 {
                    continue;
                }
                // Nearest giver first; a region is small, so a scan per giver is cheap.
                loop {
                    let nearest = (0..members.len())
                        .filter(|&j| {
                            j != i
                                && balance[members[j] as usize][g] > 0.0
                                && network.distance[r][i][j].is_finite()
                        })
                        .min_by(|&a, &b| {
                            network.distance[r][i][a].total_cmp(&network.distance[r][i][b])
                        });
                    let Some(j) = nearest else { break };
                    let giver = members[j] as usize;
                    let km = network.distance[r][i][j];
                    let tonnes_per_unit = unit_kg(&params, good) / 1000.0;
                    let by_capacity = *capacity / (tonnes_per_unit * km).max(1e-12);
                    let units = (-balance[taker][g]).min(balance[giver][g]).min(by_capacity);
                    if units <= 0.0 {
                        break;
                    }
                    *capacity -= move_goods(
                        &params,
                        &mut rail,
                        &mut stocks,
                        &directory,
                        good,
                        giver,
                        taker,
                        units,
                        km,
                    );
                    balance[giver][g] -= units;
                    balance[taker][g] += units;
                    if balance[taker][g] >= -1e-12 || *capacity <= 0.0 {
                        break;
                    }
                }
            }
        }
    }
    let regions = network.members.len();
    if regions < 2 {
        return;
    }
    // Between regions, by region balances.
    let mut order = Vec::new();
    for good in Good::ALL.iter().copied().filter(|g| g.storable()) {
        let g = good.index();
        let tonnes_per_unit = unit_kg(&params, good) / 1000.0;
        let mut net: Vec<f64> = network
            .members
            .iter()
            .map(|m| m.iter().map(|&c| balance[c as usize][g]).sum())
            .collect();
        let surplus: Vec<usize> = (0..regions).filter(|&r| net[r] > 0.0).collect();
        if surplus.is_empty() {
            continue;
        }
        for r in 0..regions {
            if net[r] >= 0.0 {
                continue;
            }
            nearest_regions(
                &network,
                r,
                &surplus,
                params.rail.source_regions,
                &mut order,
            );
            for &s in &order {
                'region: for &taker in &network.members[r] {
                    let taker_c = taker as usize;
                    for &giver in &network.members[s] {
                        let giver_c = giver as usize;
                        if net[r] >= 0.0 || balance[taker_c][g] >= 0.0 {
                            break;
                        }
                        if balance[giver_c][g] <= 0.0 || net[s] <= 0.0 {
                            continue;
                        }
                        let km = network.route_legs(giver, taker, &mut room.legs);
                        if !km.is_finite() {
                            continue;
                        }
                        let by_capacity = room.most(tonnes_per_unit, &room.legs);
                        if by_capacity <= 0.0 {
                            // The way from this region is full today.
                            break 'region;
                        }
                        let units = (-balance[taker_c][g])
                            .min(balance[giver_c][g])
                            .min(net[s])
                            .min(-net[r])
                            .min(by_capacity);
                        if units <= 0.0 {
                            continue;
                        }
                        move_goods(
                            &params,
                            &mut rail,
                            &mut stocks,
                            &directory,
                            good,
                            giver_c,
                            taker_c,
                            units,
                            km,
                        );
                        let legs = std::mem::take(&mut room.legs);
                        let trunk = room.take(&network, units * tonnes_per_unit, &legs);
                        room.legs = legs;
                        rail[giver_c].trunk_tonne_km += trunk;
                        balance[giver_c][g] -= units;
                        balance[taker_c][g] += units;
                        net[s] -= units;
                        net[r] += units;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::kernel::params::rail::LinkSpec;

    fn params(communities: u32) -> Params {
        let mut p = Params::default();
        p.population.communities = communities;
        p.population.communities_per_region = 4;
        p
    }

    #[test]
    fn generated_networks_join_every_region_and_distances_are_shortest_paths() {
        let net = RailNetwork::new(&params(10), 5);
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
        assert!(net.links.iter().any(|l| l.a == 0 && l.b == 4));
        assert!(net.total_km() > 0.0);
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
        let net = RailNetwork::new(&p, 1);
        assert_eq!(net.links.len(), 2);
        assert_eq!(net.distance[0][0][2], 15.0);
        assert!(
            net.distance[0][0][3].is_infinite(),
            "community 3 has no line"
        );
    }

    fn linked(communities: u32, links: &[(u32, u32, f64)]) -> RailNetwork {
        let mut p = params(communities);
        p.population.communities_per_region = 2;
        p.rail.links = links
            .iter()
            .map(|&(from, to, km)| LinkSpec { from, to, km })
            .collect();
        RailNetwork::new(&p, 1)
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
        let mut net = linked(7, &links);
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
        assert_eq!(net.fail(2, 3, 10), 1);
        assert_eq!(net.km(0, 5), 125.0);
        net.fail(1, 0, 10);
        assert!(net.km(0, 5).is_infinite());
        assert!(net.km(1, 5).is_finite());
        let mut room = Vec::new();
        net.rooms_capacity(&mut room);
        assert_eq!(room[0], 0.0, "region 0's only link is down");
        assert!(!net.repair(9));
        assert!(net.repair(10));
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
        let net = RailNetwork::new(&p, 3);
        for l in &net.links[..] {
            if link_exists(&p, l.a, l.b) {
                continue;
            }
            // Only the extra links drawn at random are not nameable.
            assert_eq!(net.region_of(l.a), net.region_of(l.b));
        }
    }
}

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
use serde::{Deserialize, Serialize};

use super::calendar::{Calendar, Clock};
use super::components::{Directory, FarmPlan, KitchenState, Ledger, Stocks, StoreRoom};
use super::economy::Economy;
use super::goods::{Good, N_GOODS, mul};
use super::params::Params;
use super::rng::{Purpose, stream};

/// A link given in a scenario: `[[rail.links]]` with `from`, `to` and `km`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkSpec {
    /// Community id at one end (0-based).
    pub from: u32,
    /// Community id at the other end (0-based).
    pub to: u32,
    /// Length (km).
    pub km: f64,
}

/// The `[rail]` section.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RailParams {
    /// Whether food is moved between communities (on/off).
    pub freight: bool,
    /// Links to build instead of the generated network; empty to generate one.
    pub links: Vec<LinkSpec>,
    /// Shortest and longest generated link (km).
    pub link_km_min: f64,
    pub link_km_max: f64,
    /// Generated links in each region beyond the line through its communities (count).
    pub extra_links_per_region: u32,
    /// Freight each link can carry (tonne-km/day).
    pub capacity_tonne_km_per_day: f64,
    /// Energy to move a tonne one km (kWh/tonne-km).
    pub kwh_per_tonne_km: f64,
    /// Labour to keep a km of line in repair for a year (hours/km/year).
    pub maintenance_hours_per_km_year: f64,
    /// A community ships food only when it is short by more than this many days of need (days).
    pub min_shortfall_days: f64,
    /// Whether storable goods move between communities, within regions and over trunk lines to
    /// neighbouring regions (on/off).
    pub goods_freight: bool,
    /// Mass of a device, for freight (kg).
    pub device_kg: f64,
}

impl Default for RailParams {
    fn default() -> Self {
        Self {
            freight: true,
            links: Vec::new(),
            link_km_min: 5.0,
            link_km_max: 30.0,
            extra_links_per_region: 2,
            // Assumption: a lightly used regional line.
            capacity_tonne_km_per_day: 5_000.0,
            // IEA (The Future of Trucks, 2017) and ORNL (Transportation Energy Data Book 34):
            // rail freight about 0.14-0.21 MJ/tonne-km, about 0.05 kWh.
            kwh_per_tonne_km: 0.05,
            // Assumption: about 100 hours of track work per km a year.
            maintenance_hours_per_km_year: 100.0,
            min_shortfall_days: 1.0,
            goods_freight: true,
            // Assumption: phones, computers and tools, about 2 kg a device.
            device_kg: 2.0,
        }
    }
}

/// A built link between two communities.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Link {
    pub a: u32,
    pub b: u32,
    pub km: f64,
}

/// The network and the shortest distances within each region.
#[derive(Resource, Clone, Debug)]
pub struct RailNetwork {
    pub links: Vec<Link>,
    /// Communities of each region, in id order.
    pub members: Vec<Vec<u32>>,
    /// Shortest distance (km) between members of each region, by position in `members`;
    /// infinite where the region's own links do not join them.
    pub distance: Vec<Vec<Vec<f64>>>,
    /// Freight capacity of each region's links (tonne-km/day).
    pub capacity: Vec<f64>,
    /// Links joining communities of different regions (trunk lines), in link order.
    pub trunks: Vec<Link>,
}

impl RailNetwork {
    pub fn new(params: &Params, seed: u64) -> Self {
        let pop = &params.population;
        let rail = &params.rail;
        let regions = params.regions() as usize;
        let region_of = |c: u32| (c / pop.communities_per_region) as usize;
        let mut members = vec![Vec::new(); regions];
        for c in 0..pop.communities {
            members[region_of(c)].push(c);
        }
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
        let mut distance: Vec<Vec<Vec<f64>>> = members
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
        for link in &links {
            let (ra, rb) = (region_of(link.a), region_of(link.b));
            if ra != rb {
                trunks.push(*link);
                continue;
            }
            let base = members[ra][0];
            let (i, j) = ((link.a - base) as usize, (link.b - base) as usize);
            let d = &mut distance[ra];
            d[i][j] = d[i][j].min(link.km);
            d[j][i] = d[j][i].min(link.km);
            capacity[ra] += rail.capacity_tonne_km_per_day;
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
        Self {
            links,
            members,
            distance,
            capacity,
            trunks,
        }
    }

    /// Total length of line (km).
    pub fn km(&self) -> f64 {
        self.links.iter().map(|l| l.km).sum()
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
/// first. A community's balance is what it holds plus what this season's harvest should still
/// bring it (after what the region agreed it grows for others), less its need until the next
/// season's harvest peak; before this season's peak, also no more than what it holds beyond its
/// need until that peak. Shipments go within the region's freight capacity (the capacities of
/// the region's links, pooled: a shipment is not routed over particular links).
#[allow(clippy::too_many_arguments)]
pub fn ship_food(
    clock: Res<Clock>,
    params: Res<Params>,
    calendar: Res<Calendar>,
    network: Res<RailNetwork>,
    directory: Res<Directory>,
    mut ledger: ResMut<Ledger>,
    mut stores: Query<&mut StoreRoom>,
    kitchens: Query<&KitchenState>,
    farms: Query<&FarmPlan>,
) {
    if !params.rail.freight {
        return;
    }
    let day = clock.day_of_year() as usize;
    let horizon = f64::from(calendar.days_to_next_season_peak[day]);
    let food = &params.food;
    for (r, members) in network.members.iter().enumerate() {
        if members.len() < 2 {
            continue;
        }
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
                let coming = farms.get(directory.farms[c]).map_or(0.0, |f| {
                    f.expected_kg(food.yield_kg_per_ha, calendar.harvest_remaining[day])
                });
                let need = ledger.days[c].need_kg;
                let mut balance = store + kept + coming - need * horizon;
                // Before this season's peak, only what is held can be given, and what is held
                // must last until the peak.
                if calendar.harvest_remaining[day] > 0.5 {
                    let until_peak = f64::from(calendar.days_to_harvest[day]);
                    balance = balance.min(store + kept - need * until_peak);
                }
                balance
            })
            .collect();
        let mut capacity = network.capacity[r];
        for (i, &short_c) in members.iter().enumerate() {
            let need = ledger.days[short_c as usize].need_kg;
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
                if wanted <= 0.0 || capacity <= 0.0 {
                    break;
                }
                let from = members[j] as usize;
                let km = network.distance[r][i][j];
                let Ok(mut giver_store) = stores.get_mut(directory.communities[from]) else {
                    continue;
                };
                // Only what is in store now can travel, and the capacity left today.
                let by_capacity = capacity / (km / 1000.0).max(1e-9);
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
                capacity -= tonne_km;
                wanted -= kg;
                let giver = &mut ledger.days[from];
                giver.food_sent_kg += kg;
                giver.freight_tonne_km += tonne_km;
                giver.freight_kwh += tonne_km * params.rail.kwh_per_tonne_km;
                if let Ok(mut taker_store) = stores.get_mut(directory.communities[short_c as usize])
                {
                    taker_store.food_kg += kg;
                    ledger.days[short_c as usize].food_received_kg += kg;
                }
            }
        }
    }
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
    ledger: &Ledger,
    stock: &[f64; N_GOODS],
    c: usize,
) -> [f64; N_GOODS] {
    let mut need = [0.0; N_GOODS];
    for good in Good::ALL {
        need[good.index()] = params.goods.get(*good).need(&ledger.days[c].headcount);
    }
    let gross = mul(&economy.leontief, &need);
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
    ledger: &mut Ledger,
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
    let giver = &mut ledger.days[from];
    giver.goods_sent_kg += kg;
    giver.freight_tonne_km += tonne_km;
    giver.freight_kwh += tonne_km * params.rail.kwh_per_tonne_km;
    tonne_km
}

/// Moves storable goods from communities with more than their reserve to those that hold less
/// than a day's use: first within each region, nearest first, within what the region's freight
/// capacity has left after food; then over each trunk line, from the communities of one region
/// to those of the neighbouring region it joins, within the line's capacity (one trunk hop:
/// goods do not yet cross several regions). The energy of the freight is added to the sender's
/// energy need.
#[allow(clippy::too_many_arguments)]
pub fn ship_goods(
    params: Res<Params>,
    economy: Res<Economy>,
    network: Res<RailNetwork>,
    directory: Res<Directory>,
    mut ledger: ResMut<Ledger>,
    mut stocks: Query<&mut Stocks>,
) {
    if !params.rail.goods_freight {
        return;
    }
    let n = ledger.days.len();
    // Balances of every community, from the stocks at the start of the day.
    let mut balance: Vec<[f64; N_GOODS]> = (0..n)
        .map(|c| {
            let stock = stocks
                .get(directory.communities[c])
                .map_or([0.0; N_GOODS], |s| s.0);
            goods_balances(&params, &economy, &ledger, &stock, c)
        })
        .collect();
    let per_region = params.population.communities_per_region.max(1) as usize;
    for (r, members) in network.members.iter().enumerate() {
        if members.len() < 2 {
            continue;
        }
        let used: f64 = members
            .iter()
            .map(|&c| ledger.days[c as usize].freight_tonne_km)
            .sum();
        let mut capacity = (network.capacity[r] - used).max(0.0);
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
                    let by_capacity = capacity / (tonnes_per_unit * km).max(1e-12);
                    let units = (-balance[taker][g]).min(balance[giver][g]).min(by_capacity);
                    if units <= 0.0 {
                        break;
                    }
                    capacity -= move_goods(
                        &params,
                        &mut ledger,
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
                    if balance[taker][g] >= -1e-12 || capacity <= 0.0 {
                        break;
                    }
                }
            }
        }
    }
    // Over each trunk line, to the neighbouring region.
    for trunk in &network.trunks {
        let mut capacity = params.rail.capacity_tonne_km_per_day;
        for (near, far) in [(trunk.a, trunk.b), (trunk.b, trunk.a)] {
            let (rn, rf) = (near as usize / per_region, far as usize / per_region);
            let (bn, bf) = (network.members[rn][0], network.members[rf][0]);
            let (pn, pf) = ((near - bn) as usize, (far - bf) as usize);
            for good in Good::ALL.iter().copied().filter(|g| g.storable()) {
                let g = good.index();
                let tonnes_per_unit = unit_kg(&params, good) / 1000.0;
                for (ti, &taker) in network.members[rf].iter().enumerate() {
                    let taker = taker as usize;
                    for (gi, &giver) in network.members[rn].iter().enumerate() {
                        let giver = giver as usize;
                        if balance[taker][g] >= 0.0 || capacity <= 0.0 {
                            break;
                        }
                        if balance[giver][g] <= 0.0 {
                            continue;
                        }
                        let km =
                            network.distance[rn][gi][pn] + trunk.km + network.distance[rf][pf][ti];
                        if !km.is_finite() {
                            continue;
                        }
                        let by_capacity = capacity / (tonnes_per_unit * km).max(1e-12);
                        let units = (-balance[taker][g]).min(balance[giver][g]).min(by_capacity);
                        if units <= 0.0 {
                            continue;
                        }
                        let tonne_km = move_goods(
                            &params,
                            &mut ledger,
                            &mut stocks,
                            &directory,
                            good,
                            giver,
                            taker,
                            units,
                            km,
                        );
                        capacity -= tonne_km;
                        ledger.days[giver].trunk_tonne_km += tonne_km;
                        balance[giver][g] -= units;
                        balance[taker][g] += units;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(net.km() > 0.0);
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
}

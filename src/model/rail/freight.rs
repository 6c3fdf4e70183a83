//! Freight: food and goods moved along the network from communities with more than they need to
//! those with less, by one shipper ([`ship`]) that both systems hand their commodity to.
//!
//! Within each region a community short of a commodity gets it from members with a surplus,
//! nearest first, within the region's freight capacity (the capacities of the region's links,
//! pooled: a shipment is not routed over particular links). Then a region short as a whole (the
//! sum of its members' balances is negative) gets it from regions with a surplus, nearest region
//! first (at most `rail.source_regions` of them), along the shortest route of the whole network
//! (across as many trunk lines as it takes), within the capacity left on every region and trunk
//! line the route crosses. Moving costs energy per tonne-km, added to the sender's energy need.
//! Food goes first each day, then goods in what capacity food left.

use bevy_ecs::prelude::*;

use super::network::{Leg, RailNetwork};
use crate::model::food::outlook::Outlook;
use crate::model::kernel::calendar::{Calendar, Clock};
use crate::model::kernel::components::{Directory, FarmPlan, KitchenState, Stocks, StoreRoom};
use crate::model::kernel::decisions::Government;
use crate::model::kernel::goods::{Good, N_GOODS};
use crate::model::kernel::ledger::{Days, FoodDay, PeopleDay, RailDay};
use crate::model::kernel::params::Params;
use crate::model::kernel::params::rail::Transfers;
use crate::model::kernel::supply::{self, Supply};
use crate::model::kernel::technology::Economy;

/// Storable goods on their way by rail (`rail.goods_lead_days` above 0): a ring of one slot per
/// day of the lead time, each holding, per community, the units of each good that arrive there
/// when the ring comes round to it again. Goods sent on day `t` go into slot `t % lead` and are
/// put in the receivers' stores on day `t + lead`, before that day's shipping.
#[derive(Resource, Clone, Debug, Default)]
pub struct GoodsInTransit {
    slots: Vec<Vec<[f64; N_GOODS]>>,
}

impl GoodsInTransit {
    /// What is on its way to community `c`, by good (units).
    pub fn to(&self, c: usize) -> [f64; N_GOODS] {
        let mut sum = [0.0; N_GOODS];
        for slot in &self.slots {
            if let Some(units) = slot.get(c) {
                for g in 0..N_GOODS {
                    sum[g] += units[g];
                }
            }
        }
        sum
    }
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

/// A commodity the shipper moves: its kinds (one for food; every storable good), how a
/// community's stock is reached and a shipment applied, and the details in which food and goods
/// have always been shipped differently (kept as they were, so runs stay the same).
///
/// Balances are a table of `stride` slots per community (community `c`, kind `k` at
/// `c * stride + k`): positive, what a community can give; negative, what it asks for.
trait Cargo {
    /// Within a region, each giver is offered once, nearest first (food); or else the nearest
    /// giver with a surplus left is asked again until the taker has enough, the capacity is
    /// gone or a shipment comes to nothing (goods).
    const EACH_GIVER_ONCE: bool;
    /// Whether a region's capacity left is raised to zero before its members ship.
    const ROOM_AT_LEAST_ZERO: bool;
    /// Whether a shipment is raised to zero before it is checked.
    const UNITS_AT_LEAST_ZERO: bool;
    /// Within a region, a taker has enough once its balance reaches this.
    const ENOUGH: f64;

    /// Slots per community in the balance table.
    fn stride(&self) -> usize;
    /// The kinds shipped, in order.
    fn kinds(&self) -> Vec<usize>;
    /// Whether community `c`, at `balance`, asks for more.
    fn asks(&self, c: usize, balance: f64) -> bool;
    /// Whether community `c` can send anything at all.
    fn can_send(&self, c: usize) -> bool;
    /// What community `c` holds of kind `k` that could travel now, when that limits a
    /// shipment beyond its balance.
    fn held(&self, c: usize, k: usize) -> Option<f64>;
    /// The units of kind `k` that `left` tonne-km carry over `km` within a region.
    fn by_room(&self, k: usize, left: f64, km: f64) -> f64;
    /// Tonnes per unit of kind `k`, for the capacity of a route between regions.
    fn tonnes_per_unit(&self, k: usize) -> f64;
    /// Tonnes of `units` of kind `k`, for the capacity a route between regions uses.
    fn tonnes(&self, k: usize, units: f64) -> f64;
    /// The slot of kind `k` in what the supply agreements note (`kernel::supply::SLOTS`).
    fn slot(&self, k: usize) -> usize;
    /// Moves `units` of kind `k` from `from` to `to` and books the mass sent and received;
    /// returns the mass (kg).
    fn send(&mut self, rail: &mut [RailDay], from: usize, to: usize, k: usize, units: f64) -> f64;
}

/// Sends `units` of kind `k` from `from` to `to` over `km` and counts the freight and its
/// energy on the sender. Returns the tonne-km.
#[allow(clippy::too_many_arguments)]
fn carry<C: Cargo>(
    cargo: &mut C,
    rail: &mut [RailDay],
    kwh_per_tonne_km: f64,
    from: usize,
    to: usize,
    k: usize,
    units: f64,
    km: f64,
) -> f64 {
    let kg = cargo.send(rail, from, to, k, units);
    let tonne_km = kg / 1000.0 * km;
    let giver = &mut rail[from];
    giver.freight_tonne_km += tonne_km;
    giver.freight_kwh += tonne_km * kwh_per_tonne_km;
    tonne_km
}

/// The shipper: moves `cargo` by `balance` (see [`Cargo`]) within each region, then between
/// regions, within the capacity left in `room`. Under `rail.transfers = "assemblies"` it ships
/// between regions along the agreements in force in `supply` and notes there what the regional
/// meetings learn (see `kernel::supply`), on day `tick`.
#[allow(clippy::too_many_arguments)]
fn ship<C: Cargo>(
    cargo: &mut C,
    balance: &mut [f64],
    params: &Params,
    network: &RailNetwork,
    room: &mut FreightRoom,
    rail: &mut [RailDay],
    supply: &mut Supply,
    tick: u32,
) {
    let kwh = params.rail.kwh_per_tonne_km;
    let stride = cargo.stride();
    let kinds = cargo.kinds();
    let mut givers: Vec<usize> = Vec::new();
    for (r, members) in network.members.iter().enumerate() {
        if members.len() < 2 {
            continue;
        }
        if C::ROOM_AT_LEAST_ZERO {
            room.left[r] = room.left[r].max(0.0);
        }
        let distance = &network.distance[r];
        for &k in &kinds {
            let at = |c: u32| c as usize * stride + k;
            for (i, &taker) in members.iter().enumerate() {
                let t = at(taker);
                if !cargo.asks(taker as usize, balance[t]) {
                    continue;
                }
                // Nearest givers first (ties by id). Regions are small, so a sort is cheap.
                givers.clear();
                givers.extend((0..members.len()).filter(|&j| {
                    balance[at(members[j])] > 0.0 && distance[i][j].is_finite() && j != i
                }));
                givers.sort_by(|&a, &b| distance[i][a].total_cmp(&distance[i][b]));
                let mut next = 0;
                while let Some(&j) = givers.get(next) {
                    let (from, f) = (members[j] as usize, at(members[j]));
                    if balance[f] <= 0.0 || !cargo.can_send(from) {
                        next += 1;
                        continue;
                    }
                    let km = distance[i][j];
                    let by_room = cargo.by_room(k, room.left[r], km);
                    let mut units = (-balance[t]).min(balance[f]);
                    if let Some(held) = cargo.held(from, k) {
                        units = units.min(held);
                    }
                    units = units.min(by_room);
                    if C::UNITS_AT_LEAST_ZERO {
                        units = units.max(0.0);
                    }
                    if units <= 0.0 {
                        if C::EACH_GIVER_ONCE {
                            next += 1;
                            continue;
                        }
                        break;
                    }
                    room.left[r] -= carry(cargo, rail, kwh, from, taker as usize, k, units, km);
                    // What a community gives comes off its surplus for the rest of the day.
                    balance[f] -= units;
                    balance[t] += units;
                    if balance[t] >= C::ENOUGH || room.left[r] <= 0.0 {
                        break;
                    }
                    if C::EACH_GIVER_ONCE {
                        next += 1;
                    }
                }
            }
        }
    }
    let regions = network.members.len();
    if regions < 2 {
        return;
    }
    // Between regions, by region balances, nearest surplus region first; under agreements, only
    // from the regions that agreed to supply the one short (the scenario's, or those the
    // assemblies made).
    let by_assemblies = params.rail.transfers == Transfers::Assemblies;
    let agreed: Option<std::collections::BTreeSet<(u32, u32)>> = match params.rail.transfers {
        Transfers::Nearest => None,
        Transfers::Agreements => Some(
            params
                .rail
                .agreements
                .iter()
                .map(|a| (a.supplier, a.receiver))
                .collect(),
        ),
        Transfers::Assemblies => Some(supply.in_force.keys().copied().collect()),
    };
    let mut order = Vec::new();
    let mut allowed = Vec::new();
    for &k in &kinds {
        let at = |c: u32| c as usize * stride + k;
        let slot = cargo.slot(k);
        let tonnes_per_unit = cargo.tonnes_per_unit(k);
        let mut net: Vec<f64> = network
            .members
            .iter()
            .map(|m| m.iter().map(|&c| balance[at(c)]).sum())
            .collect();
        let surplus: Vec<usize> = (0..regions).filter(|&r| net[r] > 0.0).collect();
        if surplus.is_empty() {
            if by_assemblies {
                for r in 0..regions {
                    learn(cargo, balance, network, &net, r, at, supply, slot);
                }
            }
            continue;
        }
        for r in 0..regions {
            if net[r] >= 0.0 {
                continue;
            }
            let candidates = match &agreed {
                Some(agreed) => {
                    allowed.clear();
                    allowed.extend(
                        surplus
                            .iter()
                            .copied()
                            .filter(|&s| agreed.contains(&(s as u32, r as u32))),
                    );
                    &allowed
                }
                None => &surplus,
            };
            nearest_regions(
                network,
                r,
                candidates,
                params.rail.source_regions,
                &mut order,
            );
            for &s in &order {
                'region: for &taker in &network.members[r] {
                    let t = at(taker);
                    if !cargo.asks(taker as usize, balance[t]) {
                        continue;
                    }
                    for &giver in &network.members[s] {
                        let f = at(giver);
                        if net[r] >= 0.0 || balance[t] >= 0.0 {
                            break;
                        }
                        if balance[f] <= 0.0 || net[s] <= 0.0 {
                            continue;
                        }
                        let km = network.route_legs(giver, taker, &mut room.legs);
                        if !km.is_finite() || !cargo.can_send(giver as usize) {
                            continue;
                        }
                        let by_room = room.most(tonnes_per_unit, &room.legs);
                        if by_room <= 0.0 {
                            // The way from this region is full today.
                            break 'region;
                        }
                        let mut units = (-balance[t]).min(balance[f]).min(net[s]).min(-net[r]);
                        if let Some(held) = cargo.held(giver as usize, k) {
                            units = units.min(held);
                        }
                        units = units.min(by_room);
                        if C::UNITS_AT_LEAST_ZERO {
                            units = units.max(0.0);
                        }
                        if units <= 0.0 {
                            continue;
                        }
                        let legs = std::mem::take(&mut room.legs);
                        let trunk = room.take(network, cargo.tonnes(k, units), &legs);
                        room.legs = legs;
                        let (from, to) = (giver as usize, taker as usize);
                        carry(cargo, rail, kwh, from, to, k, units, km);
                        rail[from].trunk_tonne_km += trunk;
                        balance[f] -= units;
                        balance[t] += units;
                        net[s] -= units;
                        net[r] += units;
                        if by_assemblies {
                            supply.sent(s as u32, r as u32, slot, units, tick);
                        }
                    }
                }
            }
            if by_assemblies {
                learn(cargo, balance, network, &net, r, at, supply, slot);
            }
        }
    }
}

/// What region `r`, still short after what crossed under its agreements, teaches its next
/// regional meeting: how short its asking communities were left (at most its net shortfall),
/// and, if a region it has no agreement with has a surplus, the nearest such region and what it
/// could have sent (see `kernel::supply`).
#[allow(clippy::too_many_arguments)]
fn learn<C: Cargo>(
    cargo: &C,
    balance: &[f64],
    network: &RailNetwork,
    net: &[f64],
    r: usize,
    at: impl Fn(u32) -> usize,
    supply: &mut Supply,
    slot: usize,
) {
    if net[r] >= 0.0 {
        return;
    }
    let asked: f64 = network.members[r]
        .iter()
        .map(|&c| (c, balance[at(c)]))
        .filter(|&(c, b)| cargo.asks(c as usize, b))
        .map(|(_, b)| (-b).max(0.0))
        .sum();
    let unmet = asked.min(-net[r]);
    if unmet <= 0.0 {
        return;
    }
    supply.was_short(r, slot, unmet);
    let others: Vec<usize> = (0..net.len())
        .filter(|&s| net[s] > 0.0 && !supply.agreed(s as u32, r as u32))
        .collect();
    let mut nearest = Vec::new();
    nearest_regions(network, r, &others, 1, &mut nearest);
    if let Some(&s) = nearest.first() {
        supply.want(s as u32, r as u32, slot, unmet.min(net[s]));
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

/// Food (kg), from and to the communities' store rooms.
struct Food<'a, 'w, 's, 'q> {
    stores: &'a mut Query<'w, 's, &'q mut StoreRoom>,
    directory: &'a Directory,
    min_shortfall_days: f64,
    /// Today's food need of each community.
    food: &'a [FoodDay],
}

impl Cargo for Food<'_, '_, '_, '_> {
    const EACH_GIVER_ONCE: bool = true;
    const ROOM_AT_LEAST_ZERO: bool = false;
    const UNITS_AT_LEAST_ZERO: bool = true;
    const ENOUGH: f64 = 0.0;

    fn stride(&self) -> usize {
        1
    }

    fn kinds(&self) -> Vec<usize> {
        vec![0]
    }

    /// A community asks when it is short by at least `rail.min_shortfall_days` of its need.
    fn asks(&self, c: usize, balance: f64) -> bool {
        let need = self.food[c].need_kg;
        !(need <= 0.0 || -balance < need * self.min_shortfall_days)
    }

    fn can_send(&self, c: usize) -> bool {
        self.stores.get(self.directory.communities[c]).is_ok()
    }

    /// Only what is in store now can travel.
    fn held(&self, c: usize, _: usize) -> Option<f64> {
        self.stores
            .get(self.directory.communities[c])
            .ok()
            .map(|s| s.food_kg)
    }

    fn by_room(&self, _: usize, left: f64, km: f64) -> f64 {
        left / (km / 1000.0).max(1e-9)
    }

    fn tonnes_per_unit(&self, _: usize) -> f64 {
        0.001
    }

    fn tonnes(&self, _: usize, kg: f64) -> f64 {
        kg / 1000.0
    }

    fn slot(&self, _: usize) -> usize {
        supply::FOOD
    }

    fn send(&mut self, rail: &mut [RailDay], from: usize, to: usize, _: usize, kg: f64) -> f64 {
        if let Ok(mut store) = self.stores.get_mut(self.directory.communities[from]) {
            store.food_kg -= kg;
        }
        rail[from].food_sent_kg += kg;
        if let Ok(mut store) = self.stores.get_mut(self.directory.communities[to]) {
            store.food_kg += kg;
            rail[to].food_received_kg += kg;
        }
        kg
    }
}

/// Moves food within each region from communities with a surplus to those short of food, nearest
/// first, and then between regions (see the module). A community's balance is what it holds plus
/// what this season's harvest should still bring it (after what the region agreed it grows for
/// others), less its need until the next season's harvest peak; before this season's peak, also
/// no more than what it holds beyond its need until that peak. A community asks only when it is
/// short by `rail.min_shortfall_days` of its need or more. Also sets today's freight capacity.
#[allow(clippy::too_many_arguments)]
pub fn ship_food(
    clock: Res<Clock>,
    params: Res<Params>,
    calendar: Res<Calendar>,
    network: Res<RailNetwork>,
    directory: Res<Directory>,
    mut room: ResMut<FreightRoom>,
    mut gov: ResMut<Government>,
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
    let mut balance = vec![0.0; food_days.len()];
    for &c in network.members.iter().flatten() {
        let c = c as usize;
        let store = stores
            .get(directory.communities[c])
            .map_or(0.0, |s| s.food_kg);
        let kept = kitchens
            .get(directory.kitchens[c])
            .map_or(0.0, |k| k.leftovers_total());
        let farm = farms.get(directory.farms[c]).ok();
        let outlook = Outlook::new(store, kept, farm, food.yield_kg_per_ha, &calendar, day);
        // Before this season's peak, only what is held can be given, and what is held must
        // last until the peak.
        balance[c] = outlook.surplus(food_days[c].need_kg);
    }
    let mut cargo = Food {
        stores: &mut stores,
        directory: &directory,
        min_shortfall_days: params.rail.min_shortfall_days,
        food: &food_days,
    };
    let (supply, tick) = (&mut gov.supply, clock.tick);
    ship(
        &mut cargo,
        &mut balance,
        &params,
        &network,
        room,
        &mut rail,
        supply,
        tick,
    );
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
    let need = people[c].requested(params);
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

/// Storable goods (units), from and to the communities' stocks.
struct Goods<'a, 'w, 's, 'q> {
    stocks: &'a mut Query<'w, 's, &'q mut Stocks>,
    directory: &'a Directory,
    /// Under a lead time, where today's shipments wait for their day of arrival (units per
    /// community and good); `None`: they arrive at once.
    transit: Option<&'a mut Vec<[f64; N_GOODS]>>,
    /// Mass of a unit of each good (kg).
    unit_kg: [f64; N_GOODS],
}

impl Cargo for Goods<'_, '_, '_, '_> {
    const EACH_GIVER_ONCE: bool = false;
    const ROOM_AT_LEAST_ZERO: bool = true;
    const UNITS_AT_LEAST_ZERO: bool = false;
    const ENOUGH: f64 = -1e-12;

    fn stride(&self) -> usize {
        N_GOODS
    }

    fn kinds(&self) -> Vec<usize> {
        Good::ALL
            .iter()
            .filter(|g| g.storable())
            .map(|g| g.index())
            .collect()
    }

    // Written as the shipper always checked it (a NaN balance asks).
    #[allow(clippy::neg_cmp_op_on_partial_ord)]
    fn asks(&self, _: usize, balance: f64) -> bool {
        !(balance >= 0.0)
    }

    fn can_send(&self, _: usize) -> bool {
        true
    }

    /// A balance is already within the stock.
    fn held(&self, _: usize, _: usize) -> Option<f64> {
        None
    }

    fn by_room(&self, k: usize, left: f64, km: f64) -> f64 {
        left / (self.tonnes_per_unit(k) * km).max(1e-12)
    }

    fn tonnes_per_unit(&self, k: usize) -> f64 {
        self.unit_kg[k] / 1000.0
    }

    fn tonnes(&self, k: usize, units: f64) -> f64 {
        units * self.tonnes_per_unit(k)
    }

    fn slot(&self, k: usize) -> usize {
        k
    }

    fn send(&mut self, rail: &mut [RailDay], from: usize, to: usize, k: usize, units: f64) -> f64 {
        if let Ok(mut s) = self.stocks.get_mut(self.directory.communities[from]) {
            s.0[k] -= units;
        }
        match self.transit.as_deref_mut() {
            Some(transit) => transit[to][k] += units,
            None => {
                if let Ok(mut s) = self.stocks.get_mut(self.directory.communities[to]) {
                    s.0[k] += units;
                }
            }
        }
        let kg = units * self.unit_kg[k];
        rail[from].goods_sent_kg += kg;
        kg
    }
}

/// Moves storable goods from communities with more than their reserve to those that hold less
/// than a day's use (see the module), good by good: first within each region, within what the
/// region's freight capacity has left after food; then between regions.
#[allow(clippy::too_many_arguments)]
pub fn ship_goods(
    clock: Res<Clock>,
    params: Res<Params>,
    economy: Res<Economy>,
    network: Res<RailNetwork>,
    directory: Res<Directory>,
    mut room: ResMut<FreightRoom>,
    mut gov: ResMut<Government>,
    people: Res<Days<PeopleDay>>,
    mut rail: ResMut<Days<RailDay>>,
    mut stocks: Query<&mut Stocks>,
    mut transit: ResMut<GoodsInTransit>,
) {
    if !params.rail.goods_freight {
        return;
    }
    let n = people.len();
    // Under a lead time, what was sent `lead` days ago arrives first, and its slot takes
    // today's shipments.
    let lead = params.rail.goods_lead_days as usize;
    let slot = if lead > 0 {
        if transit.slots.len() != lead {
            transit.slots = vec![vec![[0.0; N_GOODS]; n]; lead];
        }
        let slot = clock.tick as usize % lead;
        for (c, units) in transit.slots[slot].iter_mut().enumerate() {
            if let Ok(mut s) = stocks.get_mut(directory.communities[c]) {
                for g in 0..N_GOODS {
                    s.0[g] += units[g];
                }
            }
            *units = [0.0; N_GOODS];
        }
        Some(slot)
    } else {
        None
    };
    // Balances of every community, from the stocks at the start of the day and what is on
    // its way to them.
    let mut balance: Vec<f64> = Vec::with_capacity(n * N_GOODS);
    for c in 0..n {
        let stock = stocks
            .get(directory.communities[c])
            .map_or([0.0; N_GOODS], |s| s.0);
        let mut b = goods_balances(&params, &economy, &people, &stock, c);
        if lead > 0 {
            // A community asks only for what is not already on its way, and gives only from
            // what it holds.
            let coming = transit.to(c);
            let mut expected = stock;
            for g in 0..N_GOODS {
                expected[g] += coming[g];
            }
            let with = goods_balances(&params, &economy, &people, &expected, c);
            for g in 0..N_GOODS {
                b[g] = if with[g] > 0.0 {
                    b[g].max(0.0)
                } else {
                    with[g]
                };
            }
        }
        balance.extend(b);
    }
    let mut unit = [0.0; N_GOODS];
    for good in Good::ALL {
        unit[good.index()] = unit_kg(&params, *good);
    }
    let mut cargo = Goods {
        stocks: &mut stocks,
        directory: &directory,
        transit: slot.map(|s| &mut transit.slots[s]),
        unit_kg: unit,
    };
    ship(
        &mut cargo,
        &mut balance,
        &params,
        &network,
        &mut room,
        &mut rail,
        &mut gov.supply,
        clock.tick,
    );
    if lead > 0 {
        for (c, day) in rail.iter_mut().enumerate() {
            let coming = transit.to(c);
            day.goods_in_transit_kg = (0..N_GOODS).map(|g| coming[g] * unit[g]).sum();
        }
    }
}

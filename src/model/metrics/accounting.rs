//! Accounting: spoilage and the ageing of leftovers, then the day's metrics row.

use bevy_ecs::prelude::*;

use crate::model::energy::{EnergyBuilds, EnergySystem};
use crate::model::guilds::{Agreement, Guild};
use crate::model::housing::Dwellings;
use crate::model::kernel::calendar::{Clock, YEAR};
use crate::model::kernel::chunks::each_piece;
use crate::model::kernel::components::{
    AgeClass, Directory, KitchenState, LEFTOVER_SLOTS, Member, Person, Standing, Stocks, StoreRoom,
    Syndicate, Wants, Work,
};
use crate::model::kernel::decisions::Government;
use crate::model::kernel::goods::{Good, N_GOODS, SHORT};
use crate::model::kernel::ledger::{
    Books, BuildDay, Days, EnergyDay, FoodDay, GoodsDay, LabourDay, LearningDay, RailDay, TableDay,
};
use crate::model::kernel::params::energy::Source;
use crate::model::kernel::params::{N_SECTORS, Params, Sector};
use crate::model::kernel::regions::Settled;
use crate::model::kernel::stats::Histogram;
use crate::model::kernel::technology::Economy;
use crate::model::learning::Knowledge;
use crate::model::metrics::row::TickMetrics;
use crate::model::metrics::satisfaction::Satisfaction;
use crate::model::population::demography::Vitals;

/// Store-room food spoils at the scenario's daily rate; leftovers older than the keeping time are
/// thrown away, and the rest grow a day older.
pub fn spoil_food(
    params: Res<Params>,
    directory: Res<Directory>,
    mut food: ResMut<Days<FoodDay>>,
    mut stores: Query<&mut StoreRoom>,
    mut kitchens: Query<(&Syndicate, &mut KitchenState)>,
) {
    let keep = params.food.leftover_days as usize;
    for (syndicate, mut kitchen) in &mut kitchens {
        let c = syndicate.community as usize;
        let day = &mut food[c];
        if let Ok(mut store) = stores.get_mut(directory.communities[c]) {
            let spoiled = store.food_kg * params.food.store_spoilage_per_day;
            store.food_kg -= spoiled;
            day.wasted_kg += spoiled;
        }
        // After tonight, leftovers of age `keep` or more would be too old to serve.
        let mut aged = [0.0; LEFTOVER_SLOTS];
        for (age, kg) in kitchen.leftovers.iter().enumerate() {
            if age + 1 > keep || age + 1 >= LEFTOVER_SLOTS {
                day.wasted_kg += kg;
            } else {
                aged[age + 1] = *kg;
            }
        }
        kitchen.leftovers = aged;
    }
}

/// Food produced and wasted over the last year, for the waste share.
#[derive(Resource)]
pub struct WasteWindow {
    produced: [f64; YEAR as usize],
    wasted: [f64; YEAR as usize],
}

impl Default for WasteWindow {
    fn default() -> Self {
        Self {
            produced: [0.0; YEAR as usize],
            wasted: [0.0; YEAR as usize],
        }
    }
}

/// Kinds of person whose needs differ: age class, and whether ill (or incapacitated).
const KINDS: usize = 6;

fn kind(person: &Person) -> usize {
    person.age as usize * 2 + usize::from(person.has_priority())
}

/// How a kind of person fared today in one community.
#[derive(Clone, Copy, Debug, Default)]
struct KindDay {
    /// Mean over the goods this kind needs of the share delivered (0..1).
    satisfaction: f64,
    /// Some good this kind needs was short.
    short: bool,
}

/// The shares of need a kind of person was delivered today in one community, for persons who
/// differ in what they want (`economy.wants_cv`, `economy.optional_goods`).
#[derive(Clone, Copy, Debug)]
struct KindShares {
    /// Food eaten over food needed.
    food: f64,
    /// Per good, the share of the community's request delivered (capped at 1), or NaN where the
    /// kind needs none or the community requested none.
    goods: [f64; N_GOODS],
}

impl Default for KindShares {
    fn default() -> Self {
        Self {
            food: 1.0,
            goods: [f64::NAN; N_GOODS],
        }
    }
}

impl KindShares {
    /// How a person of this kind with `wants` fared: as [`KindDay`], leaving out the goods they
    /// do not want (a want factor of 0), which they are never short of.
    fn fared(&self, wants: &Wants) -> KindDay {
        let mut satisfaction = Satisfaction::of_food_share(self.food);
        let mut short = self.food < 1.0 - SHORT;
        for (share, factor) in self.goods.iter().zip(wants.factor) {
            if share.is_nan() || factor <= 0.0 {
                continue;
            }
            if let Some(share) = satisfaction.add(*share, 1.0) {
                short |= share < 1.0 - SHORT;
            }
        }
        KindDay {
            satisfaction: satisfaction.mean(),
            short,
        }
    }
}

/// Persons per chunk of the metrics pass. Fixed, so that the chunks' sums, added in chunk order,
/// are the same on any number of threads.
const METRICS_CHUNK: usize = 16_384;

/// Values waiting to be added to a histogram, in the order they came: the persons pass adds
/// them [`PENDING`] at a time ([`Histogram::extend`]), which keeps the histogram's running
/// figures in registers instead of writing them back after every person.
#[derive(Clone)]
struct Pending {
    values: [f64; PENDING],
    len: usize,
}

/// Values a [`Pending`] holds before it adds them.
const PENDING: usize = 64;

impl Default for Pending {
    fn default() -> Self {
        Self {
            values: [0.0; PENDING],
            len: 0,
        }
    }
}

impl Pending {
    #[inline]
    fn push(&mut self, value: f64, into: &mut Histogram) {
        self.values[self.len] = value;
        self.len += 1;
        if self.len == PENDING {
            self.flush(into);
        }
    }

    fn flush(&mut self, into: &mut Histogram) {
        into.extend(&self.values[..self.len]);
        self.len = 0;
    }
}

/// One chunk's figures of the persons pass.
#[derive(Clone)]
struct PersonTally {
    hours: Histogram,
    undesirable: Histogram,
    satisfaction: Histogram,
    /// Values on their way to the three histograms ([`PersonTally::flush`] adds the last).
    pending: [Pending; 3],
    population: u64,
    unmet: u64,
    ever: u64,
    sector_hours: [f64; N_SECTORS],
    garden_hours: f64,
    worker_hours: f64,
    workers: u64,
    /// Hours worked by anyone, adults and elders, ill or well.
    all_hours: f64,
    /// Adults' skills summed over sectors, and adults counted (for the mean skill).
    skill_sum: f64,
    adults: u64,
    /// Persons in a guild.
    guild_members: u64,
}

impl Default for PersonTally {
    fn default() -> Self {
        Self {
            hours: Histogram::hours(),
            undesirable: Histogram::hours(),
            satisfaction: Histogram::shares(),
            pending: Default::default(),
            population: 0,
            unmet: 0,
            ever: 0,
            sector_hours: [0.0; N_SECTORS],
            garden_hours: 0.0,
            worker_hours: 0.0,
            workers: 0,
            all_hours: 0.0,
            skill_sum: 0.0,
            adults: 0,
            guild_members: 0,
        }
    }
}

impl PersonTally {
    fn clear(&mut self) {
        self.pending = Default::default();
        self.hours.clear();
        self.undesirable.clear();
        self.satisfaction.clear();
        self.population = 0;
        self.unmet = 0;
        self.ever = 0;
        self.sector_hours = [0.0; N_SECTORS];
        self.garden_hours = 0.0;
        self.worker_hours = 0.0;
        self.workers = 0;
        self.all_hours = 0.0;
        self.skill_sum = 0.0;
        self.adults = 0;
        self.guild_members = 0;
    }

    /// Adds the values still pending to their histograms: after the chunk's last person.
    fn flush(&mut self) {
        let [hours, undesirable, satisfaction] = &mut self.pending;
        hours.flush(&mut self.hours);
        undesirable.flush(&mut self.undesirable);
        satisfaction.flush(&mut self.satisfaction);
    }

    /// Adds `other`'s figures (chunks are merged in order, so sums keep a fixed order; both
    /// flushed).
    fn merge(&mut self, other: &PersonTally) {
        debug_assert!(
            other.pending.iter().all(|p| p.len == 0),
            "merged before a flush"
        );
        self.hours.merge(&other.hours);
        self.undesirable.merge(&other.undesirable);
        self.satisfaction.merge(&other.satisfaction);
        self.population += other.population;
        self.unmet += other.unmet;
        self.ever += other.ever;
        for (a, b) in self.sector_hours.iter_mut().zip(other.sector_hours) {
            *a += b;
        }
        self.garden_hours += other.garden_hours;
        self.worker_hours += other.worker_hours;
        self.workers += other.workers;
        self.all_hours += other.all_hours;
        self.skill_sum += other.skill_sum;
        self.adults += other.adults;
        self.guild_members += other.guild_members;
    }

    /// Counts one person.
    #[inline]
    fn add(&mut self, person: &Person, work: &Work, fared: KindDay, mask: &[f32; N_SECTORS]) {
        self.population += 1;
        self.unmet += u64::from(fared.short);
        let [hours, undesirable, satisfaction] = &mut self.pending;
        satisfaction.push(fared.satisfaction, &mut self.satisfaction);
        for (total, h) in self.sector_hours.iter_mut().zip(work.hours) {
            *total += f64::from(h);
        }
        self.garden_hours += f64::from(work.garden);
        self.all_hours += f64::from(work.total());
        if person.is_able_adult() {
            let total = f64::from(work.total());
            hours.push(total, &mut self.hours);
            if total > 0.0 {
                self.worker_hours += total;
                self.workers += 1;
            }
            undesirable.push(f64::from(work.masked_hours(mask)), &mut self.undesirable);
        }
        self.ever += u64::from(work.ever_undesirable);
        self.guild_members += u64::from(person.guild != 0);
        if person.age == AgeClass::Adult {
            self.skill_sum += f64::from(person.skill_total);
            self.adults += 1;
        }
    }
}

/// Reusable buffers for the metrics pass.
#[derive(Resource, Default)]
pub struct MetricsScratch {
    total: PersonTally,
    chunks: Vec<PersonTally>,
    kinds: Vec<[KindDay; KINDS]>,
    shares: Vec<[KindShares; KINDS]>,
}

/// Fills `kinds` with how each kind of person fared in each community, and `shares`, if given,
/// with the shares behind it.
fn tally_kinds(
    params: &Params,
    food: &[FoodDay],
    goods: &[GoodsDay],
    kinds: &mut Vec<[KindDay; KINDS]>,
    mut shares: Option<&mut Vec<[KindShares; KINDS]>>,
) {
    kinds.resize(food.len(), [KindDay::default(); KINDS]);
    if let Some(shares) = shares.as_deref_mut() {
        shares.resize(food.len(), [KindShares::default(); KINDS]);
    }
    for (c, ((day, goods), out)) in food.iter().zip(goods).zip(kinds.iter_mut()).enumerate() {
        for age in [AgeClass::Child, AgeClass::Adult, AgeClass::Elder] {
            for ill in [false, true] {
                let food = if ill {
                    day.share_priority
                } else {
                    day.share_other
                };
                let mut satisfaction = Satisfaction::of_food_share(food);
                let mut short = food < 1.0 - SHORT;
                let mut kept = KindShares {
                    food,
                    goods: [f64::NAN; N_GOODS],
                };
                for good in Good::ALL {
                    let g = good.index();
                    let p = params.goods.get(*good);
                    let own = match age {
                        AgeClass::Child => p.need_child,
                        AgeClass::Adult => p.need_adult,
                        AgeClass::Elder => p.need_elder,
                    } + if ill { p.need_ill_extra } else { 0.0 };
                    if own <= 0.0 {
                        continue;
                    }
                    if let Some(share) = satisfaction.add(goods.delivered[g], goods.need[g]) {
                        short |= share < 1.0 - SHORT;
                        kept.goods[g] = share;
                    }
                }
                if let Some(shares) = shares.as_deref_mut() {
                    shares[c][age as usize * 2 + usize::from(ill)] = kept;
                }
                out[age as usize * 2 + usize::from(ill)] = KindDay {
                    satisfaction: satisfaction.mean(),
                    short,
                };
            }
        }
    }
}

/// Today's births, deaths, moves and newcomers into the metrics row (after [`collect_metrics`]; a system of its
/// own because that one already takes as many parameters as a system may).
pub fn collect_vitals(
    vitals: Res<Vitals>,
    gov: Res<crate::model::kernel::decisions::Government>,
    households: Res<crate::model::kernel::households::Households>,
    mut metrics: ResMut<TickMetrics>,
    #[cfg(debug_assertions)] skills: Query<(&Person, &crate::model::kernel::components::Vocation)>,
) {
    // Every writer of a skill keeps the person's sum of skills, which the metrics pass reads
    // instead of the skills (debug builds, so every test run checks it).
    #[cfg(debug_assertions)]
    for (person, vocation) in &skills {
        debug_assert_eq!(
            person.skill_total.to_bits(),
            vocation.skill_total().to_bits(),
            "a person's skill_total is out of step with their skills"
        );
    }
    metrics.births = vitals.births.iter().map(|&b| u64::from(b)).sum();
    metrics.deaths = vitals.deaths.iter().map(|&d| u64::from(d)).sum();
    metrics.moves = vitals.moves_out.iter().map(|&m| u64::from(m)).sum();
    metrics.family_moves = vitals.family_moves.iter().map(|&m| u64::from(m)).sum();
    metrics.guild_moves = vitals.guild_moves.iter().map(|&m| u64::from(m)).sum();
    let (count, persons) = households
        .all
        .iter()
        .filter(|h| h.size > 0)
        .fold((0u64, 0u64), |(c, p), h| (c + 1, p + u64::from(h.size)));
    metrics.households = count;
    metrics.household_size = if count > 0 {
        persons as f64 / count as f64
    } else {
        0.0
    };
    let newcomers = &gov.newcomers;
    metrics.newcomers_accepted = newcomers.accepted.iter().map(|&a| u64::from(a)).sum();
    metrics.newcomers_refused = u64::from(newcomers.refused);
}

/// Sums the day into the world's metrics row.
#[allow(clippy::too_many_arguments)]
pub fn collect_metrics(
    clock: Res<Clock>,
    params: Res<Params>,
    books: Books,
    mut window: ResMut<WasteWindow>,
    mut scratch: ResMut<MetricsScratch>,
    mut metrics: ResMut<TickMetrics>,
    persons: Query<(&Member, &Person, &Work, Option<&Wants>)>,
    stores: Query<&StoreRoom>,
    kitchens: Query<&KitchenState>,
    systems: Query<(&EnergySystem, &EnergyBuilds, &Dwellings)>,
    economy: Res<Economy>,
    gov: Res<Government>,
    guilds: Query<&Guild>,
    knowledge: Res<Knowledge>,
    (syndicates, settled): (Query<(&Syndicate, &Standing)>, Res<Settled>),
    goods_stocks: Query<&Stocks>,
) {
    let scratch = &mut *scratch;
    let (mut active, mut idle) = (0, 0);
    // A site's syndicates wait for it to be founded.
    for (_, standing) in syndicates
        .iter()
        .filter(|(s, _)| settled.is(s.community as usize))
    {
        active += u64::from(*standing == Standing::Active);
        idle += u64::from(*standing == Standing::Idle);
    }
    let mask = params.labour.undesirable_mask();
    // Persons who differ in what they want fare by their own wants (never short of a good
    // they do not want).
    let wants = params.economy.wants();
    tally_kinds(
        &params,
        &books.food,
        &books.goods,
        &mut scratch.kinds,
        wants.then_some(&mut scratch.shares),
    );
    scratch.total.clear();
    // The persons pass, in parallel over fixed chunks of the table, merged in chunk order.
    let Ok(tables) = persons.contiguous_iter() else {
        unreachable!("a query of components is always dense");
    };
    for (members, people, works, wants) in tables {
        let n = members.len();
        let chunks = n.div_ceil(METRICS_CHUNK);
        if scratch.chunks.len() < chunks {
            scratch.chunks.resize(chunks, PersonTally::default());
        }
        let (kinds, shares) = (&scratch.kinds, &scratch.shares);
        let pieces: Vec<_> = scratch.chunks[..chunks].iter_mut().enumerate().collect();
        each_piece(pieces, |(i, tally)| {
            tally.clear();
            let range = i * METRICS_CHUNK..((i + 1) * METRICS_CHUNK).min(n);
            for j in range {
                let person = &people[j];
                let fared = match wants {
                    Some(wants) => shares[members[j].0 as usize][kind(person)].fared(&wants[j]),
                    None => kinds[members[j].0 as usize][kind(person)],
                };
                tally.add(person, &works[j], fared, &mask);
            }
            tally.flush();
        });
        for chunk in &scratch.chunks[..chunks] {
            scratch.total.merge(chunk);
        }
    }
    let t = &scratch.total;
    let (population, unmet, ever) = (t.population, t.unmet, t.ever);
    let (members_sector_hours, garden_hours) = (t.sector_hours, t.garden_hours);
    // Hours from outside the simulation (`labour::outside`) count in their sector's hours, not
    // in the members' own statistics.
    let mut sector_hours = members_sector_hours;
    for day in books.labour.iter() {
        for (total, taken) in sector_hours.iter_mut().zip(day.outside_taken) {
            if taken > 0.0 {
                *total += taken;
            }
        }
    }
    let (worker_hours, workers) = (t.worker_hours, t.workers);
    let (skill_sum, adults) = (t.skill_sum, t.adults);
    let hist = &scratch.total.hours;
    let mut m = TickMetrics {
        tick: clock.tick,
        day_of_year: clock.day_of_year(),
        population,
        able_adults: hist.count(),
        work_hours_mean: hist.mean(),
        work_hours_p50: hist.quantile(0.5),
        work_hours_p90: hist.quantile(0.9),
        work_hours_max: hist.max(),
        leisure_hours_mean: params.labour.waking_hours - hist.mean(),
        unmet_need_share: ratio(unmet as f64, population as f64),
        gini_work_hours: hist.gini(),
        gini_need_satisfaction: scratch.total.satisfaction.gini(),
        agriculture_hours: sector_hours[Sector::Agriculture.index()],
        kitchen_hours: sector_hours[Sector::Kitchen.index()],
        garden_hours,
        sector_hours,
        undesirable_hours_mean: scratch.total.undesirable.mean(),
        undesirable_hours_max: scratch.total.undesirable.max(),
        gini_undesirable_hours: scratch.total.undesirable.gini(),
        persons_ever_undesirable: ever,
        guilds_active: guilds
            .iter()
            .filter(|g| g.agreement == Agreement::Accepted)
            .count() as u64,
        guild_members: t.guild_members,
        assemblies_held: u64::from(gov.today.meetings),
        meetings_without_quorum: u64::from(gov.today.without_quorum),
        deliberation_rounds: u64::from(gov.today.rounds),
        meeting_hours: gov.today.meeting_hours,
        proposals_passed: u64::from(gov.today.passed),
        proposals_failed: u64::from(gov.today.failed),
        delegate_deviations: u64::from(gov.today.deviations),
        delegate_recalls: u64::from(gov.today.recalls),
        syndicates_active: active,
        syndicates_idle: idle,
        settled_communities: settled.count() as u64,
        communities_founded: settled
            .founded
            .iter()
            .filter(|&&f| f == Some(clock.tick))
            .count() as u64,
        communities_rationing: gov.rationing.iter().filter(|r| **r).count() as u64,
        full_time_artists: u64::from(gov.artists.iter().sum::<u32>()),
        ..Default::default()
    };
    let (mut children, mut adults_all, mut elders) = (0.0, 0.0, 0.0);
    for day in books.people.iter() {
        children += day.headcount.children;
        adults_all += day.headcount.adults;
        elders += day.headcount.elders;
    }
    m.children = children as u64;
    m.elders = elders as u64;
    m.dependency_ratio = ratio(children + elders, adults_all);
    let flows = add_ledgers(&mut m, &books, &params, &economy, &mask);
    m.textiles_discarded_kg = m.garments_discarded * params.clothing.garment_kg;
    m.energy_stored_kwh = systems.iter().map(|(s, ..)| s.stored_kwh).sum();
    m.energy_building_kw = systems.iter().map(|(_, b, _)| b.building_kw()).sum();
    m.energy_replacing_kw = systems.iter().map(|(_, b, _)| b.replacing_kw()).sum();
    m.energy_capacity_kw = systems
        .iter()
        .map(|(s, ..)| s.capacity_kw.iter().sum::<f64>())
        .sum();
    m.dwelling_m2 = systems.iter().map(|(.., d)| d.m2).sum();
    for stock in &goods_stocks {
        for g in 0..N_GOODS {
            m.goods_stock[g] += stock.0[g];
        }
    }
    m.work_hours_per_worker = ratio(worker_hours, workers as f64);
    m.work_hours_per_person = ratio(t.all_hours, population as f64);
    m.work_and_meeting_hours_mean = m.work_hours_mean
        + ratio(
            m.meeting_hours + m.planning_meeting_hours,
            m.able_adults as f64,
        );
    m.mean_skill = ratio(skill_sum, adults as f64 * N_SECTORS as f64);
    m.technology_level = knowledge.level;
    let money_law = params.market.money_law_share;
    m.money_law_hours = money_law * members_sector_hours.iter().sum::<f64>();
    m.energy_renewable_share = ratio(flows.renewable_kwh, m.energy_generated_kwh);
    m.energy_shortage_kwh = (m.energy_demanded_kwh - m.energy_supplied_kwh).max(0.0);
    m.food_produced_kg = m.food_harvested_kg + m.food_garden_kg;
    m.food_stored_kg = stores.iter().map(|s| s.food_kg).sum::<f64>()
        + kitchens.iter().map(|k| k.leftovers_total()).sum::<f64>();
    m.food_satisfaction = ratio(m.food_eaten_kg, m.food_needed_kg);
    let mut satisfaction = Satisfaction::of_food(m.food_eaten_kg, m.food_needed_kg);
    for g in 0..N_GOODS {
        satisfaction.add(m.goods_delivered[g], m.goods_needed[g]);
    }
    m.need_satisfaction = satisfaction.mean();
    let slot = clock.day_of_year() as usize;
    window.produced[slot] = m.food_produced_kg;
    window.wasted[slot] = m.food_wasted_kg;
    let produced: f64 = window.produced.iter().sum();
    let wasted: f64 = window.wasted.iter().sum();
    // Production is seasonal: a share of it means something only over a whole year (before the
    // first harvest, the stock laid in at the start spoils while almost nothing is produced).
    m.waste_share = if clock.tick + 1 >= YEAR && produced > 0.0 {
        (wasted / produced).min(1.0)
    } else {
        f64::NAN
    };
    let fp = &params.footprint;
    let people = population as f64;
    // Rail's share of the energy (passenger trains and freight) is counted as transport, at the
    // world's mean emissions per kWh generated.
    let transport_co2e = (flows.transport_kwh * ratio(flows.energy_co2e, m.energy_generated_kwh))
        .min(flows.energy_co2e);
    // Cars' emissions beyond energy (making them) count as transport, not production.
    let car_co2e = m.car_passenger_km * params.transport.car_kg_co2e_per_km;
    m.footprint_transport_kg_co2e_per_person = ratio(transport_co2e + car_co2e, people);
    m.footprint_energy_kg_co2e_per_person = ratio(flows.energy_co2e - transport_co2e, people);
    m.footprint_production_kg_co2e_per_person = ratio(
        m.food_harvested_kg * fp.farm_kg_co2e_per_kg + flows.production_co2e - car_co2e,
        people,
    );
    m.footprint_waste_kg_co2e_per_person =
        ratio(m.food_wasted_kg * fp.waste_kg_co2e_per_kg, people);
    if params.economy.from_table() {
        // A table economy's emissions are the table's (its industries' and residents' own
        // fuel); the physical mechanisms' are not counted again.
        add_table_footprint(&mut m, &books.table, people);
    }
    m.footprint_kg_co2e_per_person = m.footprint_energy_kg_co2e_per_person
        + m.footprint_transport_kg_co2e_per_person
        + m.footprint_production_kg_co2e_per_person
        + m.footprint_waste_kg_co2e_per_person;
    *metrics = m;
}

/// What the metrics row needs from the ledgers beyond its own columns.
#[derive(Default)]
struct Flows {
    /// Emissions of what the syndicates made (kg CO2e).
    production_co2e: f64,
    /// Lifecycle emissions of the energy generated (kg CO2e).
    energy_co2e: f64,
    /// Energy used by rail: passenger trains, freight and helpers' travel (kWh).
    transport_kwh: f64,
    /// Energy generated from renewable sources (kWh).
    renewable_kwh: f64,
}

/// Adds every community's ledgers into the row, one mechanism at a time, each summed in
/// community order.
fn add_ledgers(
    m: &mut TickMetrics,
    books: &Books,
    params: &Params,
    economy: &Economy,
    mask: &[f32; N_SECTORS],
) -> Flows {
    let mut flows = Flows::default();
    add_food(m, &books.food);
    add_labour(m, &books.labour, mask);
    add_goods(m, &books.goods, params, economy, &mut flows);
    add_energy(m, &books.energy, params, &mut flows);
    add_rail(m, &books.rail);
    add_builds(m, &books.builds);
    add_learning(m, &books.learning);
    add_table(m, &books.table);
    // Rail's energy, in the order it has always been summed: per community, trains, freight,
    // then helpers' travel.
    let energy = Good::Energy.index();
    let transport = Good::Transport.index();
    for ((goods, rail), labour) in books
        .goods
        .iter()
        .zip(books.rail.iter())
        .zip(books.labour.iter())
    {
        flows.transport_kwh +=
            economy.a[energy][transport] * goods.made[transport] + rail.freight_kwh;
        flows.transport_kwh += labour.exchange_travel_kwh;
    }
    flows
}

fn add_table(m: &mut TickMetrics, days: &[TableDay]) {
    for day in days {
        m.table_output_kusd += day.made.iter().sum::<f64>();
        m.table_hours += day.hours.iter().sum::<f64>();
        m.table_co2_kg += day.co2_kg;
    }
}

/// A table economy's footprint: what its industries emitted, as production, and residents'
/// own fuel (heating and cars), as energy; nothing else (CO2 only, as the JRC accounts).
fn add_table_footprint(m: &mut TickMetrics, days: &[TableDay], people: f64) {
    let own: f64 = days.iter().map(|d| d.household_co2_kg).sum();
    m.footprint_energy_kg_co2e_per_person = ratio(own, people);
    m.footprint_transport_kg_co2e_per_person = 0.0;
    m.footprint_waste_kg_co2e_per_person = 0.0;
    m.footprint_production_kg_co2e_per_person = ratio(m.table_co2_kg - own, people);
}

fn add_food(m: &mut TickMetrics, days: &[FoodDay]) {
    for day in days {
        m.food_needed_kg += day.need_kg;
        m.food_harvested_kg += day.harvested_kg;
        m.food_garden_kg += day.garden_kg;
        m.food_cooked_kg += day.cooked_kg;
        m.food_eaten_kg += day.eaten_kg;
        m.food_wasted_kg += day.wasted_kg;
    }
}

fn add_labour(m: &mut TickMetrics, days: &[LabourDay], mask: &[f32; N_SECTORS]) {
    for day in days {
        m.labour_posted_hours += day.posted.iter().sum::<f64>();
        m.labour_shortage_hours += day.unfilled.iter().sum::<f64>();
        for s in 0..N_SECTORS {
            m.undesirable_unfilled_hours += f64::from(mask[s]) * day.unfilled[s];
        }
        m.exchange_hours += day.exchange_given;
        m.harvest_extra_hours += day.harvest_extra_given;
        m.art_hours += day.art_hours;
        m.guild_hours += day.guild_hours.iter().sum::<f64>();
        m.exchange_passenger_km += day.exchange_passenger_km;
        m.exchange_travel_kwh += day.exchange_travel_kwh;
        m.communities_by_rota += u64::from(day.rota_cycle > 1 && day.extra_willing[0] > 0.0);
    }
}

fn add_goods(
    m: &mut TickMetrics,
    days: &[GoodsDay],
    params: &Params,
    economy: &Economy,
    flows: &mut Flows,
) {
    let energy = Good::Energy.index();
    let transport = Good::Transport.index();
    let (mut requested, mut short) = (0u64, 0u64);
    for day in days {
        for good in Good::ALL {
            let g = good.index();
            m.goods_planned[g] += day.planned[g];
            m.goods_required[g] += day.required[g];
            m.goods_overstock[g] += day.overstock[g];
            m.goods_in_production[g] += day.in_production[g];
            m.goods_short_spell_days = m.goods_short_spell_days.max(u64::from(day.short_days[g]));
            if g != energy {
                m.planned_short_spell_days =
                    m.planned_short_spell_days.max(u64::from(day.short_days[g]));
            }
            if day.need[g] > 0.0 {
                requested += 1;
                short += u64::from(day.short[g]);
                m.goods_short[g] += f64::from(u8::from(day.short[g]));
            }
            m.goods_needed[g] += day.need[g];
            m.goods_delivered[g] += day.delivered[g];
            m.goods_made[g] += day.made[g];
            m.goods_used[g] += day.used[g];
            m.goods_wasted[g] += day.wasted[g];
            flows.production_co2e += day.made[g] * economy.co2e[g];
        }
        m.energy_demanded_kwh += day.planned[energy];
        m.energy_supplied_kwh += day.made[energy];
        m.garments_reused += day.garments_reused;
        let car_km = economy.car_share * day.made[transport];
        m.car_passenger_km += car_km;
        m.car_energy_kwh += car_km * params.transport.car_kwh_per_km;
        if day.device_target > 0.0 {
            m.devices_made_global += day.made[Good::Devices.index()];
        }
        m.data_network_hours += day.data_network_hours;
        m.data_network_kwh += day.data_network_kwh;
        m.garments_discarded += day.garments_discarded;
    }
    let (mut cut, mut extra) = (0.0, 0.0);
    let (mut agreed, mut requested_hours) = (0.0, 0.0);
    for day in days {
        agreed += day.agreed_hours;
        requested_hours += day.requested_hours;
        m.agreements_revised += u64::from(day.agreements_revised);
        m.input_agreements_revised += u64::from(day.input_agreements_revised);
        m.planning_rounds += u64::from(day.planning_rounds);
        m.requests_restated += u64::from(day.restated);
        m.planning_unagreed += u64::from(day.planning_unagreed);
        m.planning_meeting_hours += day.planning_hours;
        cut += 1.0 - day.request_scale;
        extra += day.extra_hours;
    }
    m.requests_cut_share = ratio(cut, days.len() as f64);
    m.planning_extra_hours = ratio(extra, days.len() as f64);
    m.agreed_share = ratio(agreed, requested_hours);
    m.goods_short_share = if requested > 0 {
        short as f64 / requested as f64
    } else {
        0.0
    };
}

fn add_energy(m: &mut TickMetrics, days: &[EnergyDay], params: &Params, flows: &mut Flows) {
    for day in days {
        for source in Source::ALL {
            let kwh = day.generated[source as usize];
            m.energy_generated_kwh += kwh;
            if source.renewable() {
                flows.renewable_kwh += kwh;
            }
            flows.energy_co2e += kwh * params.energy.source(source).g_co2e_per_kwh / 1000.0;
        }
        m.energy_curtailed_kwh += day.curtailed;
        m.energy_traded_kwh += day.imported;
        m.energy_lost_kwh += day.lost;
    }
}

fn add_rail(m: &mut TickMetrics, days: &[RailDay]) {
    for day in days {
        m.food_shipped_kg += day.food_sent_kg;
        m.rail_tonne_km += day.freight_tonne_km;
        m.rail_energy_kwh += day.freight_kwh;
        m.goods_shipped_kg += day.goods_sent_kg;
        m.trunk_tonne_km += day.trunk_tonne_km;
        m.goods_in_transit_kg += day.goods_in_transit_kg;
    }
}

fn add_builds(m: &mut TickMetrics, days: &[BuildDay]) {
    for day in days {
        m.energy_build_hours += day.build_hours_done;
        m.dwelling_built_m2 += day.dwelling_built_m2;
        m.dwelling_build_hours += day.dwelling_hours_done;
        m.newcomer_build_hours += day.settling_hours_done;
        m.energy_built_kw += day.built_kw;
        m.energy_retired_kw += day.retired_kw;
        m.energy_build_materials_t += day.build_materials_used_t;
        m.dwelling_build_materials_t += day.dwelling_materials_used_t;
    }
}

fn add_learning(m: &mut TickMetrics, days: &[LearningDay]) {
    for day in days {
        m.training_hours += day.training_hours;
        m.training_staff_hours += day.training_staff_hours;
        m.training_passenger_km += day.training_passenger_km;
        m.research_hours += day.research_hours;
    }
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { 0.0 }
}

/// Moves the clock on, last thing in the tick.
pub fn advance_clock(mut clock: ResMut<Clock>) {
    clock.tick += 1;
}

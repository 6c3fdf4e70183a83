//! Components and per-tick ledgers: plain data, units in the doc comments.
//!
//! Persons all share one archetype (no marker components are added or removed while the model
//! runs), so they sit in one table in spawn order, which is community by community. Durable state
//! of communities and syndicates lives on their entities; the flows of the current day live in the
//! [`Ledger`], indexed by community id, so that person-level systems can read and add to their
//! community's figures in O(1).

use crate::model::kernel::params::energy::N_SOURCES;
use bevy_ecs::prelude::*;

use crate::model::kernel::goods::{Headcount, N_GOODS};
use crate::model::kernel::params::N_SECTORS;

/// The community a person lives in: its dense id, an index into the [`Ledger`].
#[derive(Component, Clone, Copy, Debug)]
pub struct Member(pub u32);

/// Stage of life. Children give no labour; elders give a share of an adult's willingness.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum AgeClass {
    Child,
    Adult,
    Elder,
}

/// Health. The ill and the incapacitated give no labour and are served first, at home.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum HealthState {
    Well,
    Ill,
    Incapacitated,
}

/// Who a person is: stage of life, health and whether they keep a garden plot.
#[derive(Component, Clone, Copy, Debug)]
pub struct Person {
    pub age: AgeClass,
    pub health: HealthState,
    /// Days left until an illness ends (days; 0 when well).
    pub sick_days: u16,
    /// Keeps a garden plot that adds food in the growing season.
    pub gardener: bool,
    /// The guild this person belongs to: the good's index plus one, or 0 for none.
    pub guild: u8,
    /// Asked by the community assembly to give their working hours to their art, full-time.
    pub artist: bool,
}

impl Person {
    /// Can give labour today: an adult or elder who is well.
    pub fn can_work(&self) -> bool {
        self.age != AgeClass::Child && self.health == HealthState::Well
    }

    /// Counts in the "per able adult" work-hours statistics.
    pub fn is_able_adult(&self) -> bool {
        self.age == AgeClass::Adult && self.health == HealthState::Well
    }

    /// Served first, at home, under scarcity.
    pub fn has_priority(&self) -> bool {
        self.health != HealthState::Well
    }
}

/// What a person brings to work. Fixed for a person's life in this model.
#[derive(Component, Clone, Copy, Debug)]
pub struct Vocation {
    /// Hours a day this person is willing to give (hours/day, already capped by the day's maximum).
    pub willing: f32,
    /// Output per hour relative to a fully skilled worker, per sector (0..1).
    pub skill: [f32; N_SECTORS],
    /// How much each sector's work appeals to this person (0..1); volunteers go where it is high.
    pub appeal: [f32; N_SECTORS],
}

/// The draws a person was made with that parameters scale, kept so that a change of those
/// parameters during a run applies to everyone from the next day (`Simulation::set`). Read only
/// then, never by the daily systems.
#[derive(Component, Clone, Copy, Debug)]
pub struct Draws {
    /// The standard normal draw behind willing hours, as the two factors of the Box-Muller
    /// transform: willing = mean + sd * z[0] * z[1] (before caps), multiplied in that order so
    /// that the figures do not depend on whether they were drawn or recomputed.
    pub willing_z: [f64; 2],
    /// The uniform draw behind keeping a garden: a gardener while this is below
    /// `food.garden_share` (NaN for children, who keep none).
    pub garden_u: f64,
    /// Given no work (the status quo's unemployment): willing nothing whatever the parameters.
    pub unemployed: bool,
}

impl Draws {
    /// Willing hours under `labour` for a person of `age`.
    pub fn willing(
        &self,
        labour: &crate::model::kernel::params::LabourParams,
        age: AgeClass,
    ) -> f32 {
        if self.unemployed {
            return 0.0;
        }
        let [r, c] = self.willing_z;
        let mut willing = (labour.willing_hours_mean + labour.willing_hours_sd * r * c)
            .clamp(0.0, labour.max_hours_per_day);
        match age {
            AgeClass::Child => willing = 0.0,
            AgeClass::Elder => willing *= labour.elder_willingness,
            AgeClass::Adult => {}
        }
        willing as f32
    }

    /// Whether a person with these draws keeps a garden at `share`.
    pub fn gardener(&self, share: f64) -> bool {
        self.garden_u < share
    }
}

/// Today's hours of work.
#[derive(Component, Clone, Copy, Debug, Default)]
pub struct Work {
    /// Hours given to each sector's syndicate today (hours).
    pub hours: [f32; N_SECTORS],
    /// Hours spent on the person's own garden plot today (hours).
    pub garden: f32,
    /// Hours a full-time artist gave to their art today (hours).
    pub art: f32,
    /// Has ever been assigned, or volunteered for, undesirable work (kept from day to day).
    pub ever_undesirable: bool,
    /// Hours spent training at the regional training centre today (hours; not work, but out of
    /// the willing hours).
    pub training: f32,
    /// Hours given to research today (hours; work, in research communities).
    pub research: f32,
}

impl Work {
    pub fn total(&self) -> f32 {
        lane_sum(&self.hours) + self.garden + self.art + self.research
    }

    /// Hours today in the sectors `mask` marks 1 (undesirable work).
    #[inline]
    pub fn masked_hours(&self, mask: &[f32; N_SECTORS]) -> f32 {
        let mut h = [0.0f32; N_SECTORS];
        for s in 0..N_SECTORS {
            h[s] = self.hours[s] * mask[s];
        }
        lane_sum(&h)
    }
}

/// Sum of per-sector figures in four independent lanes, so that the additions do not wait on
/// each other (a plain running sum is a chain of dependent additions). The order is fixed, so
/// the result is the same on every run.
#[inline]
pub fn lane_sum(xs: &[f32; N_SECTORS]) -> f32 {
    let mut lanes = [0.0f32; 4];
    for (i, x) in xs.iter().enumerate() {
        lanes[i % 4] += x;
    }
    (lanes[0] + lanes[1]) + (lanes[2] + lanes[3])
}

/// Today's food need and what was delivered.
#[derive(Component, Clone, Copy, Debug, Default)]
pub struct Ration {
    /// Food needed today (kg).
    pub need: f32,
    /// Food delivered and eaten today (kg).
    pub delivered: f32,
}

/// A community: up to a few hundred people who live and work together.
#[derive(Component, Clone, Copy, Debug)]
pub struct Community {
    pub id: u32,
    pub region: u32,
}

/// The community's common arable land.
#[derive(Component, Clone, Copy, Debug)]
pub struct Land {
    /// Arable land held in common (ha).
    pub arable_ha: f64,
}

/// The community's store-room of ingredients.
#[derive(Component, Clone, Copy, Debug)]
pub struct StoreRoom {
    /// Food in store (kg).
    pub food_kg: f64,
}

/// The community's stocks of storable goods (units of each good; services are never stocked).
#[derive(Component, Clone, Copy, Debug, Default)]
pub struct Stocks(pub [f64; N_GOODS]);

/// The community's exchange store of garments brought back for others to take.
#[derive(Component, Clone, Copy, Debug, Default)]
pub struct ExchangeStore {
    /// Wearable garments waiting to be taken (garments).
    pub garments: f64,
}

/// A region: communities that co-operate on a larger scale. Its members are the `count`
/// communities from id `first` (as [`crate::model::kernel::regions::Regions`] says). Mechanisms
/// keep their per-region state on the region's entity (e.g. its energy grid).
#[derive(Component, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region {
    pub id: u32,
    /// Id of the region's first community.
    pub first: u32,
    /// Number of communities in the region.
    pub count: u32,
}

impl Region {
    /// The ids of the region's communities.
    pub fn members(&self) -> std::ops::Range<usize> {
        self.first as usize..(self.first + self.count) as usize
    }
}

/// A working group created by a community to meet a need.
#[derive(Component, Clone, Copy, Debug)]
pub struct Syndicate {
    pub community: u32,
    pub sector: crate::model::kernel::params::Sector,
}

/// The agricultural syndicate's plan for the current season.
#[derive(Component, Clone, Copy, Debug, Default)]
pub struct FarmPlan {
    /// Land to be worked this season (ha).
    pub planned_ha: f64,
    /// Labour posted so far this season (effective hours).
    pub season_posted: f64,
    /// Labour filled so far this season (effective hours).
    pub season_filled: f64,
    /// Food the region agreed this season to send the community (positive, kg) or that the
    /// community agreed to grow for others (negative, kg), out of this season's harvests.
    pub regional_kg: f64,
}

impl FarmPlan {
    /// Food this season's harvest should still bring the community from `day` on, counting what
    /// the region agreed to move (kg).
    pub fn expected_kg(&self, yield_kg_per_ha: f64, remaining_share: f64) -> f64 {
        ((self.planned_ha * yield_kg_per_ha * self.labour_factor()) + self.regional_kg).max(0.0)
            * remaining_share
    }

    /// Share of the season's labour done so far; harvest scales with it.
    pub fn labour_factor(&self) -> f64 {
        if self.season_posted > 0.0 {
            (self.season_filled / self.season_posted).min(1.0)
        } else {
            1.0
        }
    }
}

/// Longest a leftover can be kept, plus one (days). Validation caps `leftover_days` below it.
pub const LEFTOVER_SLOTS: usize = 8;

/// The community kitchen: cooked leftovers by age and a forecast of tomorrow's eating.
#[derive(Component, Clone, Copy, Debug, Default)]
pub struct KitchenState {
    /// Cooked food kept for latecomers, by age in days (kg); index 0 was cooked today.
    pub leftovers: [f64; LEFTOVER_SLOTS],
    /// Expected food eaten through the kitchen in a day (kg/day), smoothed over past days.
    pub forecast_kg: f64,
}

impl KitchenState {
    pub fn leftovers_total(&self) -> f64 {
        self.leftovers.iter().sum()
    }
}

/// One community's figures for the current day. Reset at the start of each tick.
#[derive(Clone, Copy, Debug, Default)]
pub struct CommunityDay {
    /// Persons living here today (count).
    pub persons: u32,
    /// Food needed today by everyone (kg).
    pub need_kg: f64,
    /// Food needed today by the ill and incapacitated (kg).
    pub priority_need_kg: f64,
    /// Share of today's food need that what is held and still to come would cover every day
    /// until the next season's harvest peak (1 when there is no scarcity ahead; 0..1).
    pub food_outlook: f64,
    /// Food the community can hand out today, after any rationing (kg).
    pub allowance_kg: f64,
    /// Food the kitchen plans to cook today (kg).
    pub cook_plan_kg: f64,
    /// Labour posted per sector (effective hours: hours times skill).
    pub posted: [f64; N_SECTORS],
    /// Labour still unfilled per sector while volunteering goes on (effective hours).
    pub unfilled: [f64; N_SECTORS],
    /// Effective hours offered per sector in the current volunteering round.
    pub offered: [f64; N_SECTORS],
    /// Share of each offered hour that is taken in the current round (0..1).
    pub take: [f32; N_SECTORS],
    /// 1 for each sector still short of labour in the current round, 0 otherwise.
    pub open: [f32; N_SECTORS],
    /// The same for the next round.
    pub open_next: [f32; N_SECTORS],
    /// Effective hours taken per sector in the current round.
    pub filled: [f64; N_SECTORS],
    /// Persons who keep a garden plot (count).
    pub gardeners: u32,
    /// Garden plots tended today (count).
    pub gardens_tended: u32,
    /// Food harvested from the common land today (kg).
    pub harvested_kg: f64,
    /// Food from gardens today (kg).
    pub garden_kg: f64,
    /// Food cooked by the kitchen today (kg).
    pub cooked_kg: f64,
    /// Food eaten today (kg).
    pub eaten_kg: f64,
    /// Food wasted today: spoiled in store, leftovers past keeping, household waste (kg).
    pub wasted_kg: f64,
    /// Share of need delivered to the ill and incapacitated, and to everyone else (0..1).
    pub share_priority: f64,
    pub share_other: f64,
    /// Persons of each kind here today.
    pub headcount: Headcount,
    /// Energy the kitchen needs to cook today's plan (kWh), part of the community's energy need.
    pub cooking_kwh: f64,
    /// Flows of the goods beyond food.
    pub goods: GoodsDay,
    /// Energy flows.
    pub energy: crate::model::kernel::components::EnergyDay,
    /// Energy generated and not yet used, stored or sent (kWh; working figure).
    pub energy_surplus: f64,
    /// Energy demand not yet met (kWh; working figure).
    pub energy_short: f64,
    /// Food sent to and received from other communities by rail (kg).
    pub food_sent_kg: f64,
    pub food_received_kg: f64,
    /// Freight sent by rail (tonne-km) and the energy it took (kWh, part of the energy need).
    pub freight_tonne_km: f64,
    pub freight_kwh: f64,
    /// How undesirable work is staffed here today.
    pub policy: crate::model::kernel::params::UndesirablePolicy,
    /// Weight of each sector's appeal to volunteers (undesirable work's is lower, raised by an
    /// incentive).
    pub appeal_scale: [f32; N_SECTORS],
    /// Hours of willingness an hour of each sector's work uses (above 1 under an incentive).
    pub counts_as: [f32; N_SECTORS],
    /// Hours full-time artists gave to their art today.
    pub art_hours: f64,
    /// Hours each able adult gives to each sector by rota today.
    pub rota_hours: [f32; N_SECTORS],
    /// Under `swap`, in the swap season: sedentary workers take the undesirable work today.
    pub swap_today: bool,
    /// Under exchange: share of a helper's spare hours given to each sector of the region's
    /// communities short of hands.
    pub exchange_take: [f32; N_SECTORS],
    /// Guilds with an accepted agreement, by good.
    pub guild_active: [bool; N_GOODS],
    /// Effective hours guild members gave to their guild, and units the guild made, by good.
    pub guild_hours: [f64; N_GOODS],
    pub guild_made: [f64; N_GOODS],
    /// Effective hours of this community's unfilled work done by exchange helpers.
    pub exchange_received: f64,
    /// Hours this community's members gave through exchange schemes.
    pub exchange_given: f64,
    /// Members who gave hours through exchange schemes today (persons).
    pub exchange_helpers: u32,
    /// Rail travel of those helpers to their hosts and back (passenger-km), and its energy
    /// (kWh, part of this community's energy need).
    pub exchange_passenger_km: f64,
    pub exchange_travel_kwh: f64,
    /// Effective hours posted today to build installations, and construction goods wanted for
    /// them (t); both part of the construction syndicate's plan.
    pub build_hours: f64,
    pub build_materials_t: f64,
    /// Effective hours worked on builds today, construction goods built in (t), and capacity
    /// finished (kW).
    pub build_hours_done: f64,
    pub build_materials_used_t: f64,
    pub built_kw: f64,
    /// Installed capacity worn out and retired today (kW).
    pub retired_kw: f64,
    /// Storable goods sent to other communities by rail (kg), and the part of this community's
    /// freight that went over trunk lines to another region (tonne-km).
    pub goods_sent_kg: f64,
    pub trunk_tonne_km: f64,
    /// Effective hours and construction goods (t) posted today for dwellings (part of
    /// `build_hours` and `build_materials_t`), hours worked on them and floor area finished (m2).
    pub dwelling_hours: f64,
    pub dwelling_materials_t: f64,
    pub dwelling_hours_done: f64,
    pub dwelling_built_m2: f64,
    /// Under global device making: devices the global syndicate is to make here today, and the
    /// data network's upkeep booked here (effective hours, part of the devices sector's posted
    /// hours; energy in kWh, part of the energy need).
    pub device_target: f64,
    pub data_network_hours: f64,
    pub data_network_kwh: f64,
    /// Hours members spent training, the passenger-km of their trips to the training centre,
    /// and (at a centre) the facilitators' effective hours posted to the learning syndicate.
    pub training_hours: f64,
    pub training_passenger_km: f64,
    pub training_staff_hours: f64,
    /// Hours members gave to research today.
    pub research_hours: f64,
}

/// One community's flows of each good for the current day (units of the good).
#[derive(Clone, Copy, Debug, Default)]
pub struct GoodsDay {
    /// Final need of the community's members (and, for energy, its kitchen).
    pub need: [f64; N_GOODS],
    /// Gross output planned: final need and reserves plus what other sectors will use.
    pub planned: [f64; N_GOODS],
    /// Gross output made, after labour shortages and missing inputs.
    pub made: [f64; N_GOODS],
    /// Used up as inputs by other sectors.
    pub used: [f64; N_GOODS],
    /// Delivered to members to meet their need.
    pub delivered: [f64; N_GOODS],
    /// Made but neither used nor delivered nor storable (services and energy given up).
    pub wasted: [f64; N_GOODS],
    /// Garments taken from the exchange store (part of `delivered` for clothing).
    pub garments_reused: f64,
    /// Garments thrown away: worn out, or wearable with no exchange store to take them.
    pub garments_discarded: f64,
    /// Planned beyond the want, to be thrown away unsold (`market.overproduction`).
    pub overproduced: [f64; N_GOODS],
}

/// Today's figures for every community, indexed by community id.
#[derive(Resource, Default)]
pub struct Ledger {
    pub days: Vec<CommunityDay>,
}

/// Entities of each community and of its syndicates, indexed by community id.
#[derive(Resource, Default)]
pub struct Directory {
    pub communities: Vec<Entity>,
    pub farms: Vec<Entity>,
    pub kitchens: Vec<Entity>,
}

/// One community's energy flows today (kWh).
#[derive(Clone, Copy, Debug, Default)]
pub struct EnergyDay {
    /// Generated by each source.
    pub generated: [f64; N_SOURCES],
    /// Available to meet today's demand: own generation used, storage drawn, imports, fossil.
    pub available: f64,
    /// Put into storage (before losses).
    pub charged: f64,
    /// Drawn from storage (after losses).
    pub discharged: f64,
    /// Received from other communities of the region (after losses).
    pub imported: f64,
    /// Sent to other communities of the region.
    pub exported: f64,
    /// Generated but neither used, stored nor exported.
    pub curtailed: f64,
    /// Lost in storage and on grid links.
    pub lost: f64,
}

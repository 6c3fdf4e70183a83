//! The day's ledgers: what each mechanism records of each community's day, one resource per
//! mechanism, indexed by community id and cleared at the start of every day
//! (`population::needs::reset_ledgers`).
//!
//! A system names in its signature the ledgers it reads (`Res<Days<FoodDay>>`) and writes
//! (`ResMut<...>`), so what one mechanism takes from another is visible where it is scheduled.
//! Person-level systems add to their community's entry in O(1). The metrics read every ledger
//! through [`Books`].

use std::ops::{Deref, DerefMut};

use bevy_ecs::prelude::*;
use bevy_ecs::system::SystemParam;

use crate::model::kernel::goods::{Headcount, N_GOODS};
use crate::model::kernel::params::energy::N_SOURCES;
use crate::model::kernel::params::{N_SECTORS, UndesirablePolicy};
use crate::model::kernel::technology::TABLE_SECTORS;

/// One ledger: an entry per community, by community id.
#[derive(Resource, Clone, Debug, Default)]
pub struct Days<T: Send + Sync + 'static>(pub Vec<T>);

impl<T: Send + Sync + Default + Clone + 'static> Days<T> {
    /// A blank entry for each of `communities` communities.
    pub fn new(communities: usize) -> Self {
        Days(vec![T::default(); communities])
    }

    /// Blanks every entry for a new day.
    pub fn clear(&mut self) {
        self.0.iter_mut().for_each(|d| *d = T::default());
    }
}

impl<T: Send + Sync + 'static> Deref for Days<T> {
    type Target = Vec<T>;
    fn deref(&self) -> &Vec<T> {
        &self.0
    }
}

impl<T: Send + Sync + 'static> DerefMut for Days<T> {
    fn deref_mut(&mut self) -> &mut Vec<T> {
        &mut self.0
    }
}

/// Who lives in the community today (population).
#[derive(Clone, Copy, Debug, Default)]
pub struct PeopleDay {
    /// Persons living here today (count).
    pub persons: u32,
    /// Persons of each kind here today.
    pub headcount: Headcount,
    /// What the members want of each good today: the sum of their need times their want
    /// factor (units/day; summed only with `economy.wants_cv` or `economy.optional_goods`).
    pub wanted: [f64; N_GOODS],
    /// Whether the community is urban (`population.urban`), for `population.urban_needs`.
    pub urban: bool,
}

impl PeopleDay {
    /// What the members ask of each good today (before `economy.request_cv`'s variation): the
    /// need by headcount, or, with wants (`economy.wants_cv`, `economy.optional_goods`), the sum
    /// of their need times their want factors for every good but housing; in an urban community
    /// times `population.urban_needs`. The one place where a community's people become its
    /// request of goods.
    pub fn requested(&self, params: &crate::model::kernel::params::Params) -> [f64; N_GOODS] {
        let mut need = params.goods.final_need(&self.headcount);
        if params.economy.wants() {
            let housing = crate::model::kernel::goods::Good::Housing.index();
            for (g, n) in need.iter_mut().enumerate() {
                if g != housing {
                    *n = self.wanted[g];
                }
            }
        }
        params.population.scale_urban_needs(self.urban, &mut need);
        need
    }
}

/// Food: need, the kitchen's plan, harvest, gardens, eating and waste (food).
#[derive(Clone, Copy, Debug, Default)]
pub struct FoodDay {
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
    /// Energy the kitchen needs to cook today's plan (kWh), part of the community's energy need.
    pub cooking_kwh: f64,
}

/// Labour: what the syndicates post, how volunteering fills it, and the rules it runs under
/// today (labour).
#[derive(Clone, Copy, Debug, Default)]
pub struct LabourDay {
    /// Labour posted per sector (effective hours: hours times skill).
    pub posted: [f64; N_SECTORS],
    /// Labour still unfilled per sector while volunteering goes on (effective hours).
    pub unfilled: [f64; N_SECTORS],
    /// How undesirable work is staffed here today.
    pub policy: UndesirablePolicy,
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
    /// Goods whose guild here has an accepted agreement: its members may give it hours today.
    pub guild_open: [bool; N_GOODS],
    /// Effective hours guild members gave to their guild, by good.
    pub guild_hours: [f64; N_GOODS],
    /// Extra willing hours today of a willing adult and of a willing elder, when the community
    /// works longer under participatory planning (`economy.shortfall`), and the most hours a
    /// day anyone is willing to give with them.
    pub extra_willing: [f32; 2],
    pub max_willing: f32,
    /// Working longer by rota (`economy.longer_by = "rota"`): days of the rota's cycle (0: not by
    /// rota, everyone gives the extra hours) and today's turn in it (the day number modulo the
    /// cycle); a willing member gives the cycle's extra hours on the day their turn comes.
    pub rota_cycle: u16,
    pub rota_turn: u16,
    /// Hours offered from outside the simulation today (a classroom's students, `volunteer`
    /// events), per sector, and the part of them taken: what the members left unfilled (see
    /// `labour::outside`).
    pub outside_offered: [f64; N_SECTORS],
    pub outside_taken: [f64; N_SECTORS],
    /// On a harvest day, the extra hours a day beyond their willing hours the farm's workers
    /// agreed to give it (`food.harvest_hours_decided`; 0 on other days), and the hours they
    /// gave beyond their willingness today.
    pub harvest_extra: f32,
    pub harvest_extra_given: f64,
}

/// The goods beyond food: each good's flows for the day (units of the good) (syndicates).
#[derive(Clone, Copy, Debug, Default)]
pub struct GoodsDay {
    /// Final need of the community's members (and, for energy, its kitchen).
    pub need: [f64; N_GOODS],
    /// Gross output planned: final need and reserves plus what other sectors will use (under
    /// local planning, each syndicate's own decision).
    pub planned: [f64; N_GOODS],
    /// Gross output today's requests take with perfect information, `(I - A)^-1 d`, without
    /// reserves: the yardstick of the bullwhip ratio.
    pub required: [f64; N_GOODS],
    /// Whether the community was delivered less of the good than it requested.
    pub short: [bool; N_GOODS],
    /// Days in a row, up to today, the community has been short of the good.
    pub short_days: [u32; N_GOODS],
    /// Goods whose request the community re-stated to their syndicate today after a run of
    /// shortages (`economy.restate_after_days`, local planning).
    pub restated: u32,
    /// Under `economy.standing_agreements`: hours (at the direct hours per unit) of the amounts
    /// the store's standing agreements in force today cover, and of what it requested, every
    /// good but energy.
    pub agreed_hours: f64,
    pub requested_hours: f64,
    /// Standing agreements whose revised amount came into force today.
    pub agreements_revised: u32,
    /// Agreements between syndicates whose revised amount came into force today
    /// (`economy.input_agreements = "assemblies"`).
    pub input_agreements_revised: u32,
    /// Stock at the end of the day beyond the reserve days of today's requirement.
    pub overstock: [f64; N_GOODS],
    /// Made and not yet in store at the end of the day (local planning with a lead time).
    pub in_production: [f64; N_GOODS],
    /// Under participatory planning: rounds of today's planning session (0 on other days),
    /// whether it ended at the round limit without agreeing, the participants' hours in it, and
    /// the share of members' requests the community asks for until the next session.
    pub planning_rounds: u32,
    pub planning_unagreed: bool,
    pub planning_hours: f64,
    pub request_scale: f64,
    /// Extra hours a day each willing adult agreed to give at the last session (working
    /// longer).
    pub extra_hours: f64,
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
    /// Under global device making: devices the global syndicate is to make here today, and the
    /// data network's upkeep booked here (effective hours, part of the devices sector's posted
    /// hours; energy in kWh, part of the energy need).
    pub device_target: f64,
    pub data_network_hours: f64,
    pub data_network_kwh: f64,
}

/// One community's energy flows today (kWh) (energy).
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
    /// Generated and not yet used, stored or sent (working figure).
    pub surplus: f64,
    /// Demand not yet met (working figure).
    pub short: f64,
}

/// Rail freight (rail).
#[derive(Clone, Copy, Debug, Default)]
pub struct RailDay {
    /// Food sent to and received from other communities by rail (kg).
    pub food_sent_kg: f64,
    pub food_received_kg: f64,
    /// Freight sent by rail (tonne-km) and the energy it took (kWh, part of the energy need).
    pub freight_tonne_km: f64,
    pub freight_kwh: f64,
    /// Storable goods sent to other communities by rail (kg), and the part of this community's
    /// freight that went over trunk lines to another region (tonne-km).
    pub goods_sent_kg: f64,
    pub trunk_tonne_km: f64,
    /// Storable goods on their way to this community at the end of the day
    /// (`rail.goods_lead_days`; kg).
    pub goods_in_transit_kg: f64,
}

/// What guilds under an agreement offered the store (guilds). Not cleared in the morning: the
/// goods plan reads yesterday's offers, expects them again, and clears them.
#[derive(Clone, Copy, Debug, Default)]
pub struct GuildDay {
    /// Units each good's guild made, by good.
    pub made: [f64; N_GOODS],
}

/// Building: installations (energy) and dwellings (housing).
#[derive(Clone, Copy, Debug, Default)]
pub struct BuildDay {
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
    /// Effective hours and construction goods (t) posted today for dwellings (part of
    /// `build_hours` and `build_materials_t`), hours worked on them and floor area finished (m2).
    pub dwelling_hours: f64,
    pub dwelling_materials_t: f64,
    pub dwelling_hours_done: f64,
    pub dwelling_built_m2: f64,
    /// Construction goods taken from store and built into dwellings today (t).
    pub dwelling_materials_used_t: f64,
    /// Effective hours posted today for building newcomers' floor area and installations
    /// (`kernel::newcomers::Settling`; part of `build_hours`), and hours worked on it.
    pub settling_hours: f64,
    pub settling_hours_done: f64,
}

/// Learning: training and research (learning).
#[derive(Clone, Copy, Debug, Default)]
pub struct LearningDay {
    /// Hours members spent training, the passenger-km of their trips to the training centre,
    /// and (at a centre) the facilitators' effective hours posted to the learning syndicate.
    pub training_hours: f64,
    pub training_passenger_km: f64,
    pub training_staff_hours: f64,
    /// Hours members gave to research today.
    pub research_hours: f64,
}

/// Inserts a blank ledger of every kind for `communities` communities.
pub fn insert_ledgers(world: &mut World, communities: usize) {
    world.insert_resource(Days::<PeopleDay>::new(communities));
    world.insert_resource(Days::<FoodDay>::new(communities));
    world.insert_resource(Days::<LabourDay>::new(communities));
    world.insert_resource(Days::<GoodsDay>::new(communities));
    world.insert_resource(Days::<EnergyDay>::new(communities));
    world.insert_resource(Days::<RailDay>::new(communities));
    world.insert_resource(Days::<GuildDay>::new(communities));
    world.insert_resource(Days::<BuildDay>::new(communities));
    world.insert_resource(Days::<LearningDay>::new(communities));
    world.insert_resource(Days::<TableDay>::new(communities));
}

/// A table economy's day (`[economy] table`; all zero otherwise) (syndicates::table).
#[derive(Clone, Copy, Debug, Default)]
pub struct TableDay {
    /// Residents whose final demand is met (persons).
    pub persons: f64,
    /// Gross output planned per sector (k$).
    pub planned: [f64; TABLE_SECTORS],
    /// Hours that output takes per sector, as posted (h).
    pub hours: [f64; TABLE_SECTORS],
    /// Gross output made per sector (k$).
    pub made: [f64; TABLE_SECTORS],
    /// CO2 of what was made and of residents' own fuel (kg).
    pub co2_kg: f64,
    /// Of which residents' own fuel: heating and cars (kg).
    pub household_co2_kg: f64,
}

/// Every ledger, read only: for the metrics and the assemblies, which read the whole day.
#[derive(SystemParam)]
pub struct Books<'w> {
    pub people: Res<'w, Days<PeopleDay>>,
    pub food: Res<'w, Days<FoodDay>>,
    pub labour: Res<'w, Days<LabourDay>>,
    pub goods: Res<'w, Days<GoodsDay>>,
    pub energy: Res<'w, Days<EnergyDay>>,
    pub rail: Res<'w, Days<RailDay>>,
    pub guilds: Res<'w, Days<GuildDay>>,
    pub builds: Res<'w, Days<BuildDay>>,
    pub learning: Res<'w, Days<LearningDay>>,
    pub table: Res<'w, Days<TableDay>>,
}

impl Books<'_> {
    /// Number of communities.
    pub fn len(&self) -> usize {
        self.people.len()
    }

    /// Whether there are no communities.
    pub fn is_empty(&self) -> bool {
        self.people.is_empty()
    }
}

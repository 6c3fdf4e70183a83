//! Components: plain data, units in the doc comments.
//!
//! Persons all share one archetype (no marker components are added or removed while the model
//! runs), so they sit in one table in spawn order, which is community by community. Durable state
//! of communities and syndicates lives on their entities; the flows of the current day live in the
//! day's ledgers ([`crate::model::kernel::ledger`]), indexed by community id, so that
//! person-level systems can read and add to their community's figures in O(1).

use bevy_ecs::prelude::*;

use crate::model::kernel::goods::N_GOODS;
use crate::model::kernel::params::{N_SECTORS, Sector};

/// The community a person lives in: its dense id, an index into the day's ledgers.
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
    /// A woman (who may give birth); drawn only with `[demography]`, false otherwise.
    pub female: bool,
    /// Age (days); kept and advanced only with `[demography]`, 0 otherwise.
    pub age_days: u16,
    /// The sum of their skills over sectors ([`Vocation::skill_total`]), kept here whenever a
    /// skill changes so that the day's metrics read this row's 24 bytes instead of the
    /// 100-byte vocation (issue 15). `collect_vitals` checks it against the skills in debug
    /// builds.
    pub skill_total: f32,
    /// Today's food need and what was delivered: a field, not a component of its own, which
    /// would cost 8 bytes a person of bevy's change ticks (issue 15).
    pub ration: Ration,
}

impl Person {
    /// A well person of `age`, with no garden, guild or art, not drawn as a woman, age 0 days:
    /// the plain person that setup and the per-kind need tables start from.
    pub fn well(age: AgeClass) -> Self {
        Person {
            age,
            health: HealthState::Well,
            sick_days: 0,
            gardener: false,
            guild: 0,
            artist: false,
            female: false,
            age_days: 0,
            skill_total: 0.0,
            ration: Ration::default(),
        }
    }

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
    pub appeal: Appeal,
}

/// How much each sector's work appeals to a person, in 256 steps: step k reads as
/// (k + 0.5) / 256, the middle of the k-th 256th of 0..1. A byte a sector instead of an `f32`
/// saves 36 bytes a person (issue 15); appeal is a draw that never changes and is read once a
/// person a day (labour's weights), so nothing adds to it in small steps. Its order is the
/// order of the steps, so comparing two sectors' appeal compares their bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Appeal(pub [u8; N_SECTORS]);

impl Appeal {
    /// The step of `x` in 0..1: the 256th of 0..1 it falls in (values at or above 1 in the last).
    #[inline]
    pub fn step(x: f32) -> u8 {
        // `as` saturates: negative values and NaN go to 0, 256 and above to 255.
        (x * 256.0) as u8
    }

    /// Each sector's appeal at the step of `x[s]`.
    pub fn from_levels(x: [f32; N_SECTORS]) -> Self {
        Appeal(x.map(Self::step))
    }

    /// Every sector's appeal at the step of `x`.
    pub fn uniform(x: f32) -> Self {
        Appeal([Self::step(x); N_SECTORS])
    }

    /// The appeal step `k` reads as: the middle of its 256th of 0..1.
    #[inline(always)]
    fn level(k: u8) -> f32 {
        (f32::from(k) + 0.5) * (1.0 / 256.0)
    }

    /// How much sector `s`'s work appeals (0..1).
    #[inline(always)]
    pub fn get(&self, s: usize) -> f32 {
        Self::level(self.0[s])
    }

    /// Sets sector `s`'s appeal to the step of `x`.
    pub fn set(&mut self, s: usize, x: f32) {
        self.0[s] = Self::step(x);
    }

    /// The most any sector appeals.
    pub fn best(&self) -> f32 {
        Self::level(self.0.iter().copied().max().unwrap_or(0))
    }
}

impl Vocation {
    /// The sum of the skills over sectors, in the order [`lane_sum`] adds them (kept in
    /// [`Person::skill_total`]).
    pub fn skill_total(&self) -> f32 {
        lane_sum(&self.skill)
    }
}

/// The draws a person was made with: those that parameters scale, kept so that a change of
/// those parameters during a run applies to everyone from the next day (`Simulation::set`),
/// read only then; and their values, read by their assemblies. Never read by the daily
/// per-person passes. (One component rather than two, which saves bevy's 8 bytes of change
/// ticks and 4 of padding a person: 12 MB at a million persons. The two draws are kept in single
/// precision, 24 bytes instead of 40: they are read only to recompute a person's willing hours
/// and garden, which are `f32` and a comparison.)
#[derive(Component, Clone, Copy, Debug)]
pub struct Draws {
    /// The standard normal draw behind willing hours (Box-Muller in double precision, kept in
    /// single): willing = mean + sd * z (before caps), whether drawn or recomputed.
    pub willing_z: f32,
    /// The uniform draw behind keeping a garden, in 0..1 ([`Draws::unit`]): a gardener while
    /// this is below `food.garden_share` (NaN for children, who keep none).
    pub garden_u: f32,
    /// Given no work (the status quo's unemployment): willing nothing whatever the parameters.
    pub unemployed: bool,
    /// What they weigh when voting, drawn from a stream of its own after the rest
    /// ([`Values::draw`]; until then NaN, see `population::setup::with_values`).
    pub values: crate::model::kernel::decisions::Values,
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
        let z = f64::from(self.willing_z);
        let mut willing = (labour.willing_hours_mean + labour.willing_hours_sd * z)
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
        f64::from(self.garden_u) < share
    }

    /// A uniform draw `u` in 0..1 in single precision, still below 1 (rounding to the nearest
    /// `f32` would take the last 2^-25 of 0..1 to 1.0, and a share of 1 would then leave a
    /// person out).
    pub fn unit(u: f64) -> f32 {
        const BELOW_ONE: f32 = 1.0 - f32::EPSILON / 2.0;
        (u as f32).min(BELOW_ONE)
    }
}

/// What a person wants of each good, drawn when they are made (`economy.wants_cv`,
/// `economy.optional_goods`): a factor on their need, 0 for a good they do not want (housing
/// always 1). Only persons of a scenario with wants carry it (then every person does, so persons
/// still share one archetype), and only the goods' request and the metrics read it: it is kept
/// apart from the components of the labour pass.
#[derive(Component, Clone, Copy, Debug, PartialEq)]
pub struct Wants {
    pub factor: [f32; N_GOODS],
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

/// Least hours a member gave a syndicate's sector on a day to be one of its workers (everyone who
/// works offers a little to every sector still short, so "any hours" would make nearly every
/// member a worker of every syndicate).
pub const WORKER_HOURS: f32 = 0.25;

impl Work {
    /// Whether these hours make their member one of the workers of `sector`'s syndicate.
    #[inline]
    pub fn works_in(&self, sector: Sector) -> bool {
        self.hours[sector.index()] >= WORKER_HOURS
    }

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

/// Today's food need and what was delivered ([`Person::ration`]).
#[derive(Clone, Copy, Debug, Default)]
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

/// What a community and its syndicates last agreed under participatory planning
/// (`economy.planning = "participatory"`), kept until the next planning session.
#[derive(Component, Clone, Copy, Debug)]
pub struct Agreement {
    /// Share of its members' requests of each good it keeps asking for (1: all of them).
    pub scale: [f64; N_GOODS],
    /// Share of the hours its members' requests take that the kept requests take (1: none
    /// lowered).
    pub kept: f64,
    /// Extra hours a day each willing adult gives (elders their share), 0 unless the community
    /// works longer.
    pub extra: f64,
    /// Extra hours a day each willing adult would have had to give for no request to be lowered.
    pub needed: f64,
    /// Whether the community's assembly has voted to work longer (`economy.shortfall = "vote"`).
    pub longer: bool,
    /// Whether the community's assembly chose to share the extra hours by rota rather than
    /// everyone alike (`economy.longer_by = "vote"`; kept until it chooses again).
    pub by_rota: bool,
}

impl Default for Agreement {
    fn default() -> Self {
        Self {
            scale: [1.0; N_GOODS],
            kept: 1.0,
            extra: 0.0,
            needed: 0.0,
            longer: false,
            by_rota: false,
        }
    }
}

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

/// Where a goods syndicate stands by its community's assembly's decisions. Every community has
/// one syndicate entity per good; with `assembly.syndicates_from_start = false` those of the
/// storable goods start `Uncreated` and the assembly creates them when the need is no longer
/// covered.
#[derive(Component, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Standing {
    /// Makes what its community plans.
    #[default]
    Active,
    /// Idled by its assembly while stocks cover need: makes nothing until resumed.
    Idle,
    /// Not created yet: makes nothing, and the assembly must create it rather than resume it.
    Uncreated,
}

impl Standing {
    /// Whether it makes nothing today.
    pub fn idle(self) -> bool {
        self != Standing::Active
    }
}

/// What a goods syndicate knows and keeps under local planning (`economy.planning = "local"`):
/// its forecast of the orders it will receive, and what it has in production; and, under any
/// planning, how long its community has been short of its good. Spawned on every goods
/// syndicate.
#[derive(Component, Clone, Copy, Debug, Default)]
pub struct Ordering {
    /// Orders it expects a day: the exponential smoothing of the orders it has received (the
    /// store's requests and other syndicates' input orders; units/day).
    pub forecast: f64,
    /// The communities' stated requests of this good, smoothed the same way (what is shared
    /// with every syndicate under `economy.share_requests`; units/day).
    pub requests: f64,
    /// The smoothed absolute error of its forecast (units/day).
    pub error: f64,
    /// Days in a row, up to today, its community has been delivered less than it requested.
    pub short_days: u32,
    /// Made and not yet in store: `in_production[k]` is due in `k + 1` days.
    pub in_production: [f64; crate::model::kernel::params::economy::MAX_LEAD_DAYS],
    /// Steps of `economy.target_step` by which its workers raised (positive) or lowered
    /// (negative) its stock target from the scenario's (`economy.syndicate_assemblies`).
    pub target_steps: i8,
    /// What its workers have seen since their last meeting (kept only under
    /// `economy.syndicate_assemblies`).
    pub seen: Seen,
    /// Under `economy.standing_agreements`: the amount a day its community's store has agreed
    /// to take (units/day; 0 without an agreement). Its `forecast` and `error` are then those
    /// of the orders beyond the firm ones.
    pub agreed: f64,
    /// A revised amount and the first day it is in force, waiting for its notice.
    pub revised: Option<(f64, u32)>,
    /// What the community's members have seen of the good since their assembly last met (days,
    /// days short and surplus; kept only under `economy.standing_agreements`).
    pub heard: Seen,
}

/// A goods syndicate's standing agreements with the syndicates of its community whose goods it
/// uses (`economy.input_agreements = "assemblies"`), by the input's good index. Spawned on the
/// goods syndicates only under that rule, beside their [`Ordering`]: it is 376 bytes, three
/// fifths of what a syndicate held when it was a field of `Ordering` (19 MB of `large.toml`'s
/// 50,000 syndicates, 190 MB of `country.toml`'s, where no scenario of that size uses it).
#[derive(Component, Clone, Copy, Debug, Default, PartialEq)]
pub struct Inputs {
    /// The amount of each good a day it has agreed to take (units/day).
    pub agreed: [f64; N_GOODS],
    /// A revised amount and the first day it is in force, waiting for its notice.
    pub revised: [Option<(f64, u32)>; N_GOODS],
    /// The input orders it placed (`A[i][j]` times its plan), smoothed as its forecast is
    /// (units/day).
    pub placed: [f64; N_GOODS],
    /// Days since its community's last meeting on which its making was held back for want of
    /// the good (the good was not there for every user).
    pub short: [u32; N_GOODS],
    /// Revisions its workers offered at today's meeting, waiting for the supplier's workers.
    pub offered: [bool; N_GOODS],
}

impl Inputs {
    /// The amount of good `i` agreed a day in force on `day`, counting a revision due by then.
    pub fn agreed_on(&self, i: usize, day: u32) -> f64 {
        match self.revised[i] {
            Some((amount, from)) if day >= from => amount,
            _ => self.agreed[i],
        }
    }

    /// Puts the revision of good `i`'s agreement due by `day` in force; whether there was one.
    pub fn settle(&mut self, i: usize, day: u32) -> bool {
        match self.revised[i] {
            Some((amount, from)) if day >= from => {
                self.agreed[i] = amount;
                self.revised[i] = None;
                true
            }
            _ => false,
        }
    }
}

/// What a goods syndicate's workers have seen since their last meeting
/// (`economy.syndicate_assemblies`): counted by `make_goods` and `deliver_goods`, cleared when
/// their community's assembly meets.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Seen {
    /// Days counted.
    pub days: u32,
    /// Days its community was delivered less of the good than it requested.
    pub short_days: u32,
    /// What went beyond need, summed over the days: a service's output given up, a storable
    /// good's stock beyond its reserve days of the day's requirement (units).
    pub surplus: f64,
    /// Hours its workers gave the sector (hours).
    pub hours: f64,
    /// What it made (units).
    pub made: f64,
}

impl Ordering {
    /// The amount agreed a day in force on `day`, counting a revision due by then.
    pub fn agreed_on(&self, day: u32) -> f64 {
        match self.revised {
            Some((amount, from)) if day >= from => amount,
            _ => self.agreed,
        }
    }

    /// Puts a revision due by `day` in force; whether there was one.
    pub fn settle(&mut self, day: u32) -> bool {
        match self.revised {
            Some((amount, from)) if day >= from => {
                self.agreed = amount;
                self.revised = None;
                true
            }
            _ => false,
        }
    }

    /// Everything in production.
    pub fn pipeline(&self) -> f64 {
        self.in_production.iter().sum()
    }

    /// Takes what is due today and moves the rest a day closer.
    pub fn arrive(&mut self) -> f64 {
        let due = self.in_production[0];
        self.in_production.copy_within(1.., 0);
        *self.in_production.last_mut().expect("at least one day") = 0.0;
        due
    }
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
    /// Extra hours a day beyond their willing hours the farm's workers agreed to give it on
    /// harvest days (`food.harvest_hours_decided`; 0 until they decide).
    pub harvest_extra: f64,
    /// What the farm's workers saw on harvest days since their last meeting.
    pub harvest_seen: HarvestSeen,
}

/// What a farm's workers saw on harvest days since their community's assembly last met
/// (`food.harvest_hours_decided`): counted by `harvest_fields`, cleared when they meet.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct HarvestSeen {
    /// Harvest days counted.
    pub days: u32,
    /// Effective farm hours posted on those days.
    pub posted: f64,
    /// Effective farm hours left unfilled on those days, after everyone's hours (the agreed
    /// extra, exchange helpers, volunteers from outside).
    pub unfilled: f64,
    /// Hours given beyond willingness under the agreed extra.
    pub extra: f64,
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

/// Entities of each community and of its syndicates, indexed by community id.
#[derive(Resource, Default)]
pub struct Directory {
    pub communities: Vec<Entity>,
    pub farms: Vec<Entity>,
    pub kitchens: Vec<Entity>,
    /// Each community's goods syndicates, by good (`Syndicate` and `Standing`).
    pub goods: Vec<[Entity; N_GOODS]>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appeal_steps_read_as_the_middle_of_their_256th_and_keep_the_order() {
        for k in 0..=255u8 {
            let mid = (f32::from(k) + 0.5) / 256.0;
            let appeal = Appeal::uniform(mid);
            assert_eq!(appeal.0[0], k, "the middle of step {k} is in step {k}");
            assert_eq!(appeal.get(0), mid);
            // Both ends of the step fall in it.
            assert_eq!(Appeal::step(f32::from(k) / 256.0), k);
            assert_eq!(Appeal::step((f32::from(k) + 0.999) / 256.0), k);
        }
        // Out of 0..1: clamped to the first and last step.
        assert_eq!(Appeal::step(-0.3), 0);
        assert_eq!(Appeal::step(f32::NAN), 0);
        assert_eq!(Appeal::step(1.0), 255);
        assert_eq!(Appeal::step(7.0), 255);
        // A read value is within half a step of the value set, and a higher value is never
        // read lower.
        let mut last = 0.0f32;
        for i in 0..=10_000 {
            let x = i as f32 / 10_000.0;
            let read = Appeal::uniform(x).get(0);
            assert!((read - x).abs() <= 0.5 / 256.0 + 1e-6, "{x} read as {read}");
            assert!(read >= last);
            last = read;
        }
        let mut a = Appeal::uniform(0.2);
        a.set(7, 0.9);
        assert_eq!(a.best(), a.get(7));
        assert!(a.get(7) > a.get(6));
    }

    #[test]
    fn a_single_precision_uniform_draw_stays_below_one() {
        assert_eq!(Draws::unit(0.0), 0.0);
        assert_eq!(Draws::unit(0.25), 0.25);
        // The last doubles below 1 round to 1.0 as `f32`; `unit` keeps them below.
        let top = 1.0 - f64::EPSILON;
        assert_eq!(top as f32, 1.0);
        assert!(Draws::unit(top) < 1.0);
        let draws = Draws {
            willing_z: 0.0,
            garden_u: Draws::unit(top),
            unemployed: false,
            values: crate::model::kernel::decisions::Values([0.0; 3]),
        };
        assert!(
            draws.gardener(1.0),
            "a share of 1 makes everyone a gardener"
        );
        assert!(!draws.gardener(0.999));
    }
}

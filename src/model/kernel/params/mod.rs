//! Validated model parameters.
//!
//! These are plain data: the scenario loader (`crate::scenario`) turns a TOML file into `Params`
//! after checking every value, so the model can trust them. Units are in each field's doc comment.
//! Changing a field between ticks (as the live dashboard will) takes effect at the next tick.
//!
//! The section structs derive serde so that scenario files map onto them field by field; the core
//! itself never parses or writes anything. Defaults are here, once, with their sources; the
//! published figures are collected, with their sources, in `docs/calibration.md`.

pub mod assembly;
pub mod demography;
pub mod dwellings;
pub mod economy;
pub mod energy;
pub mod global;
pub mod guilds;
pub mod learning;
pub mod market;
pub mod rail;
pub mod setting;
pub mod transport;

use assembly::AssemblyParams;
use dwellings::DwellingParams;
use energy::EnergyParams;
use global::GlobalParams;
use guilds::GuildParams;
use learning::LearningParams;
use market::MarketParams;
use rail::RailParams;
use transport::TransportParams;

use bevy_ecs::prelude::Resource;
use serde::{Deserialize, Serialize};

use crate::model::kernel::decl::{Check, Decl};
use crate::model::kernel::goods::{ClothingParams, Good, GoodsParams, InputsParams, N_GOODS};

/// Largest community allowed. The essay's communities are "no more than 200 people"; larger ones
/// are allowed for experiments, up to this face-to-face limit.
pub const MAX_COMMUNITY: u32 = 1_000;

/// Number of sectors whose labour the model allocates: agriculture, the kitchen, and one per
/// good. Indexes into per-person skill and appeal arrays; see [`Sector`].
pub const N_SECTORS: usize = 2 + N_GOODS;

/// A branch of production that posts hours and draws volunteers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Sector {
    /// The community's agricultural syndicate working the common land.
    Agriculture,
    /// The community kitchen, run by a rotating group of volunteers.
    Kitchen,
    /// The syndicate making a good.
    Making(Good),
}

impl Sector {
    /// Every sector, in index order.
    pub fn all() -> impl Iterator<Item = Sector> {
        [Sector::Agriculture, Sector::Kitchen]
            .into_iter()
            .chain(Good::ALL.iter().map(|g| Sector::Making(*g)))
    }

    pub fn index(self) -> usize {
        match self {
            Sector::Agriculture => 0,
            Sector::Kitchen => 1,
            Sector::Making(good) => 2 + good.index(),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Sector::Agriculture => "agriculture",
            Sector::Kitchen => "kitchen",
            Sector::Making(good) => good.name(),
        }
    }
}

/// Everything the model needs to know about a scenario, already validated.
#[derive(Clone, Debug, Default, PartialEq, Resource, Serialize, Deserialize)]
pub struct Params {
    pub population: PopulationParams,
    pub health: HealthParams,
    pub labour: LabourParams,
    pub food: FoodParams,
    pub goods: GoodsParams,
    pub inputs: InputsParams,
    pub clothing: ClothingParams,
    pub energy: EnergyParams,
    pub rail: RailParams,
    pub footprint: FootprintParams,
    pub assembly: AssemblyParams,
    pub guilds: GuildParams,
    pub transport: TransportParams,
    pub market: MarketParams,
    pub dwellings: DwellingParams,
    pub global: GlobalParams,
    pub learning: LearningParams,
    pub economy: economy::EconomyParams,
    pub demography: demography::DemographyParams,
}

/// One community's own land, energy or floor area: `[[population.overrides]]` with `community`
/// and any of the others; what is left out takes the scenario's value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommunityOverride {
    /// Community id (0-based).
    pub community: u32,
    /// Arable land per person, instead of `food.arable_ha_per_person` (ha).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arable_ha_per_person: Option<f64>,
    /// Every energy source's capacity per person times this (factor).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub energy_factor: Option<f64>,
    /// Floor area per person, instead of `dwellings.m2_per_person` (m2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub m2_per_person: Option<f64>,
    /// Where the community lies, east and north of any origin (km); given together. A generated
    /// rail link between two located communities is as long as the straight line between them
    /// times `rail.detour_factor`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x_km: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y_km: Option<f64>,
}

impl CommunityOverride {
    /// The community's location (km), if it has one.
    pub fn location(&self) -> Option<(f64, f64)> {
        self.x_km.zip(self.y_km)
    }
}

/// Every community of one region differs in the same way: `[[population.region_overrides]]`
/// with `region` and any of the others. A community's own override (`population.overrides`)
/// takes precedence, value by value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionOverride {
    /// Region id (0-based; regions hold `communities_per_region` communities in id order).
    pub region: u32,
    /// Persons each of the region's communities starts with, instead of
    /// `persons_per_community` or a draw from `size_range` (count).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persons: Option<u32>,
    /// Arable land per person, instead of `food.arable_ha_per_person` (ha).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arable_ha_per_person: Option<f64>,
    /// Every energy source's capacity per person times this (factor).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub energy_factor: Option<f64>,
    /// Floor area per person, instead of `dwellings.m2_per_person` (m2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub m2_per_person: Option<f64>,
}

impl PopulationParams {
    /// Scales a community's need of each good (`need`, indexed by good) by
    /// `population.urban_needs` if the community is `urban`; nothing otherwise.
    pub fn scale_urban_needs(
        &self,
        urban: bool,
        need: &mut [f64; crate::model::kernel::goods::N_GOODS],
    ) {
        if !urban || self.urban_needs.is_empty() {
            return;
        }
        for good in crate::model::kernel::goods::Good::ALL {
            if let Some(f) = self.urban_needs.get(good.name()) {
                need[good.index()] *= f;
            }
        }
    }

    /// Whether persons live in households (`household_sizes` given).
    pub fn households(&self) -> bool {
        !self.household_sizes.is_empty()
    }

    /// Every community's override, indexed by community (one with nothing overridden where the
    /// scenario gives none): its region's override, with the community's own values in its
    /// place where it gives them. One pass over each list, however many communities there are.
    pub fn overrides_by_community(&self) -> Vec<CommunityOverride> {
        let per_region = self.communities_per_region.max(1);
        let regions = self.region_overrides_by_region();
        let mut all: Vec<CommunityOverride> = (0..self.communities)
            .map(|community| {
                let region = regions
                    .get((community / per_region) as usize)
                    .copied()
                    .flatten()
                    .unwrap_or_default();
                CommunityOverride {
                    community,
                    arable_ha_per_person: region.arable_ha_per_person,
                    energy_factor: region.energy_factor,
                    m2_per_person: region.m2_per_person,
                    x_km: None,
                    y_km: None,
                }
            })
            .collect();
        for o in &self.overrides {
            if let Some(slot) = all.get_mut(o.community as usize) {
                slot.arable_ha_per_person = o.arable_ha_per_person.or(slot.arable_ha_per_person);
                slot.energy_factor = o.energy_factor.or(slot.energy_factor);
                slot.m2_per_person = o.m2_per_person.or(slot.m2_per_person);
                (slot.x_km, slot.y_km) = (o.x_km, o.y_km);
            }
        }
        all
    }

    /// Each region's override, indexed by region up to the last one overridden (`None` for a
    /// region without one).
    fn region_overrides_by_region(&self) -> Vec<Option<RegionOverride>> {
        let mut regions = Vec::new();
        for o in &self.region_overrides {
            let r = o.region as usize;
            if regions.len() <= r {
                regions.resize(r + 1, None);
            }
            regions[r] = Some(*o);
        }
        regions
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PopulationParams {
    /// Number of communities (count).
    pub communities: u32,
    /// Persons living in each community at the start (count), unless `sizes` or `size_range`
    /// says otherwise.
    pub persons_per_community: u32,
    /// Persons living in each community at the start, one entry per community (count); empty
    /// for `persons_per_community` everywhere.
    pub sizes: Vec<u32>,
    /// The least and most persons a community starts with, each community's drawn evenly
    /// between them (count); empty for `persons_per_community` everywhere.
    pub size_range: Vec<u32>,
    /// Communities per region (count); the last region may hold fewer.
    pub communities_per_region: u32,
    /// Ids of the urban communities (counted from 0); the others are rural.
    pub urban: Vec<u32>,
    /// A CSV file of the communities (one row each: community, persons, urban, and optionally
    /// the columns of an override), read by the scenario layer into `sizes`, `urban` and
    /// `overrides`; empty for none.
    pub file: String,
    /// Communities that differ from the defaults in land, energy or floor area.
    pub overrides: Vec<CommunityOverride>,
    /// Regions whose communities differ from the defaults in size, land, energy or floor area.
    pub region_overrides: Vec<RegionOverride>,
    /// Share of its residents' arable land an urban community keeps (0..1); the rest is farmed
    /// by the rural communities of its region.
    pub urban_land_share: f64,
    /// What an urban community's members need of a good, as a factor on a rural member's need:
    /// good = factor (goods not named: 1).
    pub urban_needs: std::collections::BTreeMap<String, f64>,
    /// A community with more persons than this proposes to split, founding a free site of its
    /// region (count; 0 never). Only worlds with a site (a community of size 0) split.
    pub split_above: u32,
    /// Moves of an adult to another community of their region, per person and year (0 or
    /// more; 0 none).
    pub move_rate: f64,
    /// Persons in a household, one entry per size (count, 1 or more); empty for no households.
    pub household_sizes: Vec<u32>,
    /// Share of households of each size in `household_sizes` (0..1, adding up to 1).
    pub household_shares: Vec<f64>,
    /// With households: moves of a grown-up who shares a household with another grown-up to a
    /// household of their own in another community of the region, per person and year (0 or
    /// more; 0 none).
    pub leave_home_rate: f64,
    /// Moves of an able adult who loves a kind of work to another community of their region to
    /// join its guild of that work, per person and year (0 or more; 0 none).
    pub guild_move_rate: f64,
    /// How newcomers of an `influx` event come: `arrive` on the event's day, or ask, and come
    /// only if an assembly takes them in (`decided`).
    pub influx: InfluxRule,
    /// Days a request of newcomers waits for an assembly's decision before it goes to the
    /// region (from a community) or lapses (at the region), under `influx = "decided"` (1 or
    /// more).
    pub influx_wait_days: u32,
    /// Share of persons who are children (0..1).
    pub child_share: f64,
    /// Share of persons who are elders (0..1).
    pub elder_share: f64,
    /// Share of persons who are permanently incapacitated (0..1).
    pub incapacitated_share: f64,
}

/// How the newcomers of an `influx` event come (`population.influx`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InfluxRule {
    /// They join the community on the event's day.
    #[default]
    Arrive,
    /// They ask; an assembly decides (`governance/proposals/newcomers.rs`).
    Decided,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct HealthParams {
    /// Probability that a well person falls ill on a given day (0..1).
    pub daily_illness_probability: f64,
    /// Mean length of an illness (days); lengths are geometric with this mean.
    pub mean_illness_days: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LabourParams {
    /// Mean hours a day an able adult is willing to give (hours/day).
    pub willing_hours_mean: f64,
    /// Standard deviation of willing hours across adults (hours/day).
    pub willing_hours_sd: f64,
    /// No one works more than this in a day, whatever they are willing to give (hours/day).
    pub max_hours_per_day: f64,
    /// Elders' willing hours as a share of an adult's (0..1).
    pub elder_willingness: f64,
    /// Lowest skill anyone has in a sector; skills are uniform between this and 1 (0..1).
    pub min_skill: f64,
    /// Waking hours in a day, from which work hours are subtracted to give leisure (hours/day).
    pub waking_hours: f64,
    /// Rounds of volunteering: in each, people still willing offer hours to sectors still short.
    pub volunteer_rounds: u32,
    /// Sectors whose work is "undesirable but necessary" (names of sectors: `agriculture`,
    /// `kitchen` or a good).
    pub undesirable_sectors: Vec<String>,
    /// How much undesirable work appeals to people, as a share of the appeal drawn for it (0..1).
    pub undesirable_appeal: f64,
    /// How undesirable work is staffed: `volunteer`, `incentive`, `rota` or `exchange`. The
    /// community assembly may adopt a rota later; a `set` event may change it.
    pub undesirable_policy: UndesirablePolicy,
    /// Under `incentive`, an hour of undesirable work counts as this many hours of a person's
    /// willingness (1 or more), and draws volunteers as much more.
    pub incentive_factor: f64,
    /// Sectors of sedentary, "intellectual" work whose people swap jobs under `swap` (names of
    /// sectors, as for `undesirable_sectors`).
    pub sedentary_sectors: Vec<String>,
    /// Under `swap`, the first day of the year of the swap season (day of year, 0..365).
    pub swap_start_day: u32,
    /// Under `swap`, how long the swap season lasts (days, 0..=365).
    pub swap_days: u32,
    /// A regional agreement that urban communities' members help the rural communities' farms
    /// at harvest with the hours they have to spare, travelling by rail (on/off).
    pub harvest_help: bool,
    /// The regional assemblies decide harvest help (a `harvest_help` proposal), starting from
    /// `harvest_help` (on/off).
    pub harvest_help_decided: bool,
    /// The other half of the agreement: outside the growing season, rural communities' members
    /// help the urban communities with the work they leave unfilled (on/off).
    pub city_help: bool,
    /// The regional assemblies decide city help (a `city_help` proposal), starting from
    /// `city_help` (on/off).
    pub city_help_decided: bool,
}

/// How a community staffs work that is undesirable but necessary.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UndesirablePolicy {
    /// Volunteering alone: whoever is willing, by appeal.
    #[default]
    Volunteer,
    /// Volunteering, with each hour counting as `incentive_factor` hours.
    Incentive,
    /// Shared equally among all able adults before anyone volunteers for other work.
    Rota,
    /// Volunteering; what stays unfilled is done by people of the region with hours to spare,
    /// who travel by rail (farm work at harvest too).
    Exchange,
    /// Job swaps: in the swap season, people whose work is sedentary (their most appealing
    /// sector is one of `sedentary_sectors`) take over the undesirable work, shared in equal
    /// hours among them, and those who would have done it volunteer elsewhere; volunteering
    /// the rest of the year.
    Swap,
}

impl UndesirablePolicy {
    pub const ALL: [UndesirablePolicy; 5] = [
        UndesirablePolicy::Volunteer,
        UndesirablePolicy::Incentive,
        UndesirablePolicy::Rota,
        UndesirablePolicy::Exchange,
        UndesirablePolicy::Swap,
    ];

    pub fn name(self) -> &'static str {
        match self {
            UndesirablePolicy::Volunteer => "volunteer",
            UndesirablePolicy::Incentive => "incentive",
            UndesirablePolicy::Rota => "rota",
            UndesirablePolicy::Exchange => "exchange",
            UndesirablePolicy::Swap => "swap",
        }
    }
}

/// 1 for each sector named, 0 otherwise (unknown names are caught by validation).
fn sector_mask(names: &[String]) -> [f32; N_SECTORS] {
    let mut mask = [0.0; N_SECTORS];
    for name in names {
        if let Some(s) = Sector::all().find(|s| s.name() == name) {
            mask[s.index()] = 1.0;
        }
    }
    mask
}

impl LabourParams {
    /// 1 for each undesirable sector, 0 otherwise.
    pub fn undesirable_mask(&self) -> [f32; N_SECTORS] {
        sector_mask(&self.undesirable_sectors)
    }

    /// 1 for each sedentary sector, 0 otherwise.
    pub fn sedentary_mask(&self) -> [f32; N_SECTORS] {
        sector_mask(&self.sedentary_sectors)
    }

    /// Whether day of year `day` falls in the swap season (which may run over the new year).
    pub fn in_swap_season(&self, day: u32) -> bool {
        (day + 365 - self.swap_start_day % 365) % 365 < self.swap_days
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FoodParams {
    /// Food energy an adult needs (kcal/person/day).
    pub need_kcal_per_day: f64,
    /// A child's need as a share of an adult's (0..1).
    pub child_need_factor: f64,
    /// Energy density of food as eaten (kcal/kg).
    pub kcal_per_kg: f64,
    /// Day-to-day variation of each person's appetite (coefficient of variation, 0..1).
    pub appetite_cv: f64,
    /// Arable common land per person at the start (ha/person).
    pub arable_ha_per_person: f64,
    /// How much communities' land differs: each community's arable land is scaled by a factor
    /// drawn uniformly from 1 - spread to 1 + spread (0..1).
    pub arable_spread: f64,
    /// Harvest yield of the land (kg/ha/year).
    pub yield_kg_per_ha: f64,
    /// Labour to work one hectare for a year (hours/ha/year).
    pub labour_hours_per_ha: f64,
    /// Day of the year on which the syndicate plans the coming season (0..364).
    pub planning_day: u32,
    /// Day of the year at the centre of the harvest (0..364).
    pub harvest_peak_day: u32,
    /// Spread of the harvest around its peak (days, standard deviation).
    pub harvest_spread_days: f64,
    /// Share of the year's farm labour that falls in the harvest; the rest is spread over the
    /// growing season (0..1).
    pub harvest_labour_share: f64,
    /// Reserve the syndicate plans above a year's need (share of annual need, 0..1).
    pub reserve_share: f64,
    /// Store-room stock at the start (days of the community's need).
    pub initial_stock_days: f64,
    /// Share of store-room stock that spoils each day (1/day).
    pub store_spoilage_per_day: f64,
    /// Share of adults and elders who keep a garden plot (0..1).
    pub garden_share: f64,
    /// Food a garden plot yields in a year (kg/plot/year).
    pub garden_yield_kg_per_year: f64,
    /// Hours a gardener spends on a plot in the growing season (hours/day), at most what they
    /// are willing to give.
    pub garden_hours_per_day: f64,
    /// First and last day of the growing season (day of year, inclusive).
    pub growing_season: (u32, u32),
    /// Share of food eaten through the community kitchen; the rest is taken home raw (0..1).
    pub kitchen_share: f64,
    /// Kitchen labour per kg of food cooked (hours/kg).
    pub kitchen_hours_per_kg: f64,
    /// Extra the kitchen cooks above its forecast so latecomers find food (share, 0..1).
    pub kitchen_margin: f64,
    /// Days cooked leftovers keep before they spoil (days).
    pub leftover_days: u32,
    /// Share of food served by the kitchen that is left on plates and thrown away (0..0.5).
    pub plate_waste_share: f64,
    /// Share of food taken home raw that is wasted in households (0..1).
    pub household_waste_share: f64,
    /// Spread stocks over the days until the next harvest when they run short (on/off).
    pub rationing: bool,
    /// The farm's workers decide, at their community's meetings, how many hours a day beyond
    /// their willing hours they give the farm on harvest days (`harvest_hours` on the community
    /// agenda; `governance/proposals/harvest_hours.rs`). Off: nobody gives any.
    pub harvest_hours_decided: bool,
    /// Under `harvest_hours_decided`: the extra hours a day one decision adds or takes off.
    pub harvest_hours_step: f64,
    /// Under `harvest_hours_decided`: the most extra hours a day the workers may agree to.
    pub harvest_hours_max: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FootprintParams {
    /// Lifecycle emissions of farming (kg CO2e per kg of food harvested).
    pub farm_kg_co2e_per_kg: f64,
    /// Energy to cook a kg of food (kWh/kg).
    pub cooking_kwh_per_kg: f64,
    /// Emissions of a kg of food wasted, beyond those of growing it (kg CO2e/kg).
    pub waste_kg_co2e_per_kg: f64,
}

impl Params {
    /// Total persons at the start under `seed`.
    pub fn initial_population(&self, seed: u64) -> u64 {
        self.community_sizes(seed)
            .iter()
            .map(|&n| u64::from(n))
            .sum()
    }

    /// Persons in each community at the start under `seed`: `population.sizes` as listed, drawn
    /// evenly within `population.size_range` (each community from its own stream), or else
    /// `persons_per_community` everywhere.
    pub fn community_sizes(&self, seed: u64) -> Vec<u32> {
        use rand::RngExt;
        let p = &self.population;
        if !p.sizes.is_empty() {
            return p.sizes.clone();
        }
        let mut sizes = if let [lo, hi] = p.size_range[..] {
            (0..p.communities)
                .map(|c| {
                    let mut rng = crate::model::kernel::rng::stream(
                        seed,
                        crate::model::kernel::rng::Purpose::Sizes,
                        u64::from(c),
                    );
                    rng.random_range(lo.min(hi)..=hi.max(lo))
                })
                .collect()
        } else {
            vec![p.persons_per_community; p.communities as usize]
        };
        if !p.region_overrides.is_empty() {
            let regions = p.region_overrides_by_region();
            let per_region = p.communities_per_region.max(1) as usize;
            for (c, size) in sizes.iter_mut().enumerate() {
                if let Some(n) = regions
                    .get(c / per_region)
                    .copied()
                    .flatten()
                    .and_then(|o| o.persons)
                {
                    *size = n;
                }
            }
        }
        sizes
    }

    /// Number of regions implied by the community count.
    pub fn regions(&self) -> u32 {
        crate::model::kernel::regions::Regions::of_params(self).count() as u32
    }

    /// An adult's food need in kilograms a day.
    pub fn adult_need_kg(&self) -> f64 {
        self.food.need_kcal_per_day / self.food.kcal_per_kg
    }
}

impl Default for PopulationParams {
    fn default() -> Self {
        Self {
            communities: 1,
            // The essay: "a group of probably no more than 200 people".
            persons_per_community: 150,
            sizes: Vec::new(),
            size_range: Vec::new(),
            urban: Vec::new(),
            file: String::new(),
            overrides: Vec::new(),
            region_overrides: Vec::new(),
            // Assumption: a city keeps a tenth of its residents' land for gardens and
            // market gardening; the rest is farmed by the countryside around it.
            urban_land_share: 0.1,
            // Assumption: city and country need the same until a scenario says otherwise.
            urban_needs: std::collections::BTreeMap::new(),
            communities_per_region: 10,
            // The essay: "a group of probably no more than 200 people".
            split_above: 200,
            // Assumption: nobody moves unless a scenario says so.
            move_rate: 0.0,
            // Households are off unless a scenario gives a distribution.
            household_sizes: Vec::new(),
            household_shares: Vec::new(),
            // Assumption: nobody leaves home unless a scenario says so.
            leave_home_rate: 0.0,
            // Assumption: nobody moves to join a guild unless a scenario says so.
            guild_move_rate: 0.0,
            influx: InfluxRule::Arrive,
            // Assumption: four weeks, four community meetings and one regional meeting at the
            // default intervals.
            influx_wait_days: 28,
            // Assumptions near today's world age structure (UN WPP 2022: about 25% under 15,
            // 10% over 65); not in docs/calibration.md.
            child_share: 0.25,
            elder_share: 0.10,
            incapacitated_share: 0.01,
        }
    }
}

impl Default for HealthParams {
    fn default() -> Self {
        // Assumption: about four sick days a year per person (0.8% of days), a week at a time.
        Self {
            daily_illness_probability: 0.0015,
            mean_illness_days: 5.0,
        }
    }
}

impl Default for LabourParams {
    fn default() -> Self {
        Self {
            // The essay's "three to four hours a day" as what people are willing to give.
            willing_hours_mean: 4.0,
            willing_hours_sd: 1.0,
            max_hours_per_day: 10.0,
            elder_willingness: 0.3,
            min_skill: 0.5,
            waking_hours: 16.0,
            volunteer_rounds: 3,
            // Mining and raw materials, and the upkeep of dwellings (cleaning, repairs, sewers):
            // the essay's examples of work few would choose.
            undesirable_sectors: vec!["materials".to_owned(), "housing".to_owned()],
            // Assumption: such work appeals a fifth as much as other work.
            undesirable_appeal: 0.2,
            undesirable_policy: UndesirablePolicy::Volunteer,
            incentive_factor: 1.5,
            // Learning and device making stand for the essay's "more sedentary but
            // 'intellectual' occupations".
            sedentary_sectors: vec!["learning".to_owned(), "devices".to_owned()],
            // Assumption: a season of three months, from the start of April (day 90).
            swap_start_day: 90,
            swap_days: 91,
            harvest_help: false,
            harvest_help_decided: false,
            city_help: false,
            city_help_decided: false,
        }
    }
}

impl Default for FoodParams {
    fn default() -> Self {
        Self {
            // WHO planning figure (Clugston 1993): 2,100 kcal/person/day.
            need_kcal_per_day: 2100.0,
            child_need_factor: 0.7,
            // Assumption: a mixed diet as eaten, about 1.5 kcal/g.
            kcal_per_kg: 1500.0,
            appetite_cv: 0.1,
            // 0.15 ha/person grows a year's food at the yield below, with a 15% reserve.
            arable_ha_per_person: 0.2,
            arable_spread: 0.2,
            // Assumption: about 4 t/ha/yr, near the world cereal yield (FAOSTAT); not in
            // docs/calibration.md.
            yield_kg_per_ha: 4000.0,
            // Langemeier (Purdue, FINBIN 2007-2024): 14.8 h/ha/yr on small US crop farms.
            labour_hours_per_ha: 14.8,
            planning_day: 60,
            harvest_peak_day: 240,
            harvest_spread_days: 20.0,
            harvest_labour_share: 0.5,
            reserve_share: 0.15,
            // Enough to reach the first harvest from 1 January, with a margin.
            initial_stock_days: 270.0,
            // Assumption: about 3% of average stock a year lost in store.
            store_spoilage_per_day: 0.0001,
            garden_share: 0.2,
            // Assumption: a 30 m2 plot at about 3 kg/m2 in a season.
            garden_yield_kg_per_year: 90.0,
            garden_hours_per_day: 0.5,
            growing_season: (90, 290),
            kitchen_share: 1.0,
            // Assumption: four cooks for six hours feed 150 people (about 0.11 h/kg).
            kitchen_hours_per_kg: 0.11,
            kitchen_margin: 0.05,
            leftover_days: 2,
            // The essay's claim, not a published figure: kitchens-plate-waste.toml takes WRAP's.
            plate_waste_share: 0.0,
            // UNEP Food Waste Index 2024: households waste 79 kg/person/yr, about 13% of the
            // roughly 600 kg bought.
            household_waste_share: 0.13,
            rationing: true,
            harvest_hours_decided: false,
            // Assumptions: half an hour a step, at most two hours a day (docs/planning.md).
            harvest_hours_step: 0.5,
            harvest_hours_max: 2.0,
        }
    }
}

impl Default for FootprintParams {
    fn default() -> Self {
        Self {
            // Assumption: plant-rich diet, about 1 kg CO2e/kg at the farm gate (Poore and
            // Nemecek 2018 give 0.4-3 for plant foods); not in docs/calibration.md.
            farm_kg_co2e_per_kg: 1.0,
            // Assumption: 0.5 kWh to cook a kg of food in a shared kitchen.
            cooking_kwh_per_kg: 0.5,
            // Assumption: landfill methane from food waste, about 0.5 kg CO2e/kg.
            waste_kg_co2e_per_kg: 0.5,
        }
    }
}

/// The declarations of this section's parameters (see [`super::decl`]).
pub const POPULATION: &[Decl] = &[
    Decl::new("population.communities", "communities", Check::Count(1, 1000000), "Number of communities.", "")
        .fixed("the population is drawn when the world is built; use an `influx` event to add people"),
    Decl::new("population.persons_per_community", "persons", Check::Count(1, MAX_COMMUNITY as u64), "Persons living in each community at the start.", "The essay: \"a group of probably no more than 200 people\".")
        .fixed("the population is drawn when the world is built; use an `influx` event to add people"),
    Decl::new("population.sizes", "persons", Check::Free, "Persons in each community at the start, one entry per community, like `[120, 200, 80]`; empty for `persons_per_community` everywhere. Land, dwellings, installations and stores scale with each community's size.", "")
        .fixed("the population is drawn when the world is built; use an `influx` event to add people"),
    Decl::new("population.size_range", "persons", Check::Free, "The least and most persons a community starts with, like `[60, 200]`: each community's size is drawn evenly between them (from its own random stream); empty for `persons_per_community` everywhere.", "")
        .fixed("the population is drawn when the world is built; use an `influx` event to add people"),
    Decl::new("population.split_above", "persons", Check::Count(0, MAX_COMMUNITY as u64), "A community with more persons than this proposes to split: if its assembly agrees, about half its persons found the nearest free site of its region (a community of size 0 in `sizes` or the file) with the same share of its land, installations and stores. 0: never. Only a world with a site splits.", "The essay: \"a group of probably no more than 200 people\"."),
    Decl::new("population.move_rate", "moves per person-year", Check::Range(0.0, 12.0), "Moves of an adult to another settled community of their region, per person and year: each day each adult moves with chance move_rate / 365, to one of the region's other communities with fewer persons than `split_above` (any, if 0), drawn evenly. The mover brings no land, dwelling or stores, and leaves their guild. With households (`household_sizes`) it is per household and year instead: each day each household moves whole with chance move_rate / 365, to the community of a relative household (one tied to it by someone leaving home, `leave_home_rate`) if one of the region's has room for it, drawn evenly among such relatives, and otherwise to one of the region's other communities with room for all its members, drawn evenly. 0: nobody moves.", "Assumption: the essay gives no figure, and none is calibrated; 0 keeps everyone where they are."),
    Decl::new("population.household_sizes", "persons", Check::Free, "Households: the persons in a household, one entry per size, like `[1, 2, 3, 4, 5]`, each with its share in `household_shares`; empty (the default) for no households. Each community's persons are grouped at the start into households of sizes drawn from that distribution (the last cut to fit), each headed by an adult or elder, children filling the first households' other places; newcomers are grouped the same way. A newborn joins their mother's household; a household whose last member dies is dissolved, and children left without a grown-up join another household of their community (a relative's first). With households `move_rate` moves whole households (see there) and `leave_home_rate` applies. Counted in the columns `households` and `household_size`.", "Eurostat, Household composition statistics (Statistics Explained, May 2018; Labour Force Survey, lfst_hhnhtych): EU-28 households in 2017 were 33.6% of one person, 31.9% of two, 15.6% of three, 13.1% of four and 5.8% of five or more (`scenarios/households-moves.toml`, with five or more counted as five: an assumption).")
        .fixed("households are formed when the world is built"),
    Decl::new("population.household_shares", "shares", Check::Free, "The share of households of each size in `household_sizes`, one entry each, each from 0 to 1, adding up to 1 (within 0.001, for published shares rounded to a tenth of a percent; they are scaled to add up to exactly 1).", "See `household_sizes`.")
        .fixed("households are formed when the world is built"),
    Decl::new("population.leave_home_rate", "moves per person-year", Check::Range(0.0, 12.0), "With households: moves of an adult who shares a household with another adult or elder, per person and year: each day each such adult leaves with chance leave_home_rate / 365 to found a household of their own in another settled community of the region with room (a relative household's community first, as for `move_rate`), leaving any children with the grown-ups who stay. The new household is tied to the one they left, so either may later move to join the other. 0: nobody leaves home.", "Assumption: the essay gives no figure, and none is calibrated.")
        .fixed("households are formed when the world is built"),
    Decl::new("population.guild_move_rate", "moves per person-year", Check::Range(0.0, 12.0), "Moves to join a guild, per person and year: each day each able adult not in a guild who could join one moves with chance guild_move_rate / 365. They could join one when they find making a good appealing enough to found its guild (`guilds.founding_appeal` or more), their community has no guild of that good, and another settled community of their region with room for one more person (fewer than `split_above`, any if 0) has a guild of that good with room (fewer than `guilds.max_members` members). The destination is drawn evenly among such communities, and the mover joins the guild there of the good they find most appealing among those open to them. With households a person moves only if that leaves nobody without a grown-up: a household of one moves whole, and a grown-up who shares a household with another grown-up leaves home to found their own tied to it (as with `leave_home_rate`); a lone grown-up with children stays. These moves count in `moves` (and `moves_in`, `moves_out`) and on their own in `guild_moves` (`guild_moves_in`). Needs guilds that can exist: `guilds.spontaneous` with `guilds.goods`, or a `guild` event. 0: nobody moves to join a guild.", "Assumption: the essay gives no figure (it says people may move \"to join family or a guild\"), and none is calibrated; 0 keeps guild members where their guild was founded."),
    Decl::new("population.influx", "", Check::Choice(&["arrive", "decided"]), "How the newcomers of an `influx` event come: `arrive`, they join the community on the event's day (with its land, housing and stores per resident if the event says `provisions = true`); `decided`, they ask, the community's assembly votes on taking them in (the proposal kind `newcomers`), and if it refuses, has no room under `split_above` or has not decided within `influx_wait_days`, the regional assembly votes at its next meeting on asking the settled community of the region with most room that has not refused them (the proposal kind `place_newcomers`), whose assembly votes in turn; accepted, they arrive the next day with land, housing, energy and stores per resident, and the hours of building their floor area and installations are posted to the construction syndicate over a year; if the region refuses, or no community is left, they do not arrive.", "")
        .fixed("how newcomers come is fixed when the run starts"),
    Decl::new("population.influx_wait_days", "days", Check::Count(1, 36500), "Under `influx = \"decided\"`: days a request of newcomers waits for an assembly's decision. A request its community's assembly has not decided (for want of quorum) this many days after it came to it goes to the region, as a refused one does; a request the regional assembly has not decided this many days after it came to it lapses at the next community meeting day on which the region does not meet (or one regional interval later at most), and the newcomers do not arrive (a regional decision without a vote in decisions.csv).", "Assumption: four weeks, four community meetings and one regional meeting at the default intervals.")
        .fixed("how newcomers come is fixed when the run starts"),
    Decl::new("population.communities_per_region", "communities", Check::Count(1, 1000000), "Communities per region (count); the last region may hold fewer.", "")
        .fixed("the population is drawn when the world is built; use an `influx` event to add people"),
    Decl::new("population.urban", "ids", Check::Free, "The urban communities, by id counted from 0, like `[0, 5]`; the others are rural. An urban community keeps `urban_land_share` of its residents' arable land and the rural communities of its region farm the rest; under `labour.harvest_help` its members help rural farms at harvest.", "")
        .fixed("land is shared out when the world is built"),
    Decl::new("population.file", "", Check::Free, "A CSV file of the communities, read relative to the scenario file: a header with `community` (id from 0) and `persons`, and optionally `urban` (1 or 0, true or false), then one row per community, each once. It fills `sizes` and `urban` (which it may not be given with); the run's `scenario.toml` lists them instead of naming the file, so the run directory replays without it.", "")
        .fixed("the population is drawn when the world is built; use an `influx` event to add people"),
    Decl::new("population.overrides", "", Check::Free, "Communities that differ from the scenario's values: `[[population.overrides]]` with `community` (id from 0) and any of `arable_ha_per_person` (ha, instead of food.arable_ha_per_person), `energy_factor` (every source's capacity per person times this), `m2_per_person` (floor area, instead of dwellings.m2_per_person) and its location `x_km` and `y_km` (km east and north of any origin, given together: a generated rail link between two located communities is the straight line between them times `rail.detour_factor`). A `population.file` may give them as columns of the same names.", "")
        .fixed("land, installations and dwellings are laid out when the world is built"),
    Decl::new("population.region_overrides", "", Check::Free, "Regions whose communities all differ from the scenario's values: `[[population.region_overrides]]` with `region` (id from 0; region r holds communities r x communities_per_region onwards) and any of `persons` (each community's persons at the start, instead of persons_per_community or a draw from size_range; not with `sizes` or a file), `arable_ha_per_person`, `energy_factor` and `m2_per_person` (as in `population.overrides`). A community's own override takes precedence, value by value.", "")
        .fixed("land, installations and dwellings are laid out when the world is built"),
    Decl::new("population.urban_needs.*", "factor", Check::Range(0.0, 10.0), "What an urban community's members need of a good, as a factor on what the same person needs in a rural community (names of goods but housing, whose need is floor area: see `m2_per_person` in the overrides): the community's request of the good, its syndicates' output and hours, and the need its delivery is measured against are all scaled. Goods not named: 1. Food need is the same everywhere.", "Assumption: none by default; scenarios/city-needs.toml gives illustrative factors."),
    Decl::new("population.urban_land_share", "share", Check::Share, "Share of its residents' arable land (food.arable_ha_per_person) an urban community keeps; the rest goes to the rural communities of its region in proportion to their own land, so the region's land is unchanged. A region with no rural community keeps it all.", "Assumption: a tenth, for gardens and market gardening.")
        .fixed("land is shared out when the world is built"),
    Decl::new("population.child_share", "share", Check::Share, "Share of persons who are children.", "Assumptions near today's world age structure (UN WPP 2022: about 25% under 15, 10% over 65); not in docs/calibration.md.")
        .fixed("the population is drawn when the world is built; use an `influx` event to add people"),
    Decl::new("population.elder_share", "share", Check::Share, "Share of persons who are elders.", "Assumption near today's world age structure (UN WPP 2022: about 10% over 65).")
        .fixed("the population is drawn when the world is built; use an `influx` event to add people"),
    Decl::new("population.incapacitated_share", "share", Check::Share, "Share of persons who are permanently incapacitated.", "")
        .fixed("the population is drawn when the world is built; use an `influx` event to add people"),
];

/// The declarations of this section's parameters (see [`super::decl`]).
pub const HEALTH: &[Decl] = &[
    Decl::new(
        "health.daily_illness_probability",
        "share",
        Check::Share,
        "Probability that a well person falls ill on a given day.",
        "Assumption: about four sick days a year per person (0.8% of days), a week at a time.",
    ),
    Decl::new(
        "health.mean_illness_days",
        "days",
        Check::Range(1.0, 365.0),
        "Mean length of an illness (days); lengths are geometric with this mean.",
        "",
    ),
];

/// The declarations of this section's parameters (see [`super::decl`]).
pub const LABOUR: &[Decl] = &[
    Decl::new(
        "labour.willing_hours_mean",
        "h/day",
        Check::Range(0.0, 24.0),
        "Mean hours a day an able adult is willing to give.",
        "The essay's \"three to four hours a day\" as what people are willing to give.",
    ),
    Decl::new(
        "labour.willing_hours_sd",
        "h/day",
        Check::Range(0.0, 12.0),
        "Standard deviation of willing hours across adults.",
        "",
    ),
    Decl::new(
        "labour.max_hours_per_day",
        "h/day",
        Check::Range(0.0, 24.0),
        "No one works more than this in a day, whatever they are willing to give.",
        "",
    ),
    Decl::new(
        "labour.elder_willingness",
        "share",
        Check::Share,
        "Elders' willing hours as a share of an adult's.",
        "",
    ),
    Decl::new(
        "labour.min_skill",
        "share",
        Check::Range(0.01, 1.0),
        "Lowest skill anyone has in a sector; skills are uniform between this and 1.",
        "",
    )
    .fixed("skills are drawn when persons are made"),
    Decl::new(
        "labour.waking_hours",
        "h/day",
        Check::Range(0.0, 24.0),
        "Waking hours in a day, from which work hours are subtracted to give leisure.",
        "",
    ),
    Decl::new(
        "labour.volunteer_rounds",
        "rounds",
        Check::Count(1, 20),
        "Rounds of volunteering: in each, people still willing offer hours to sectors still short.",
        "",
    ),
    Decl::new(
        "labour.undesirable_sectors",
        "sector names",
        Check::Free,
        "Sectors whose work is \"undesirable but necessary\".",
        "Mining and raw materials, and the upkeep of dwellings (cleaning, repairs, sewers): the essay's examples of work few would choose.",
    ),
    Decl::new(
        "labour.undesirable_appeal",
        "share",
        Check::Share,
        "How much undesirable work appeals to people, as a share of the appeal drawn for it.",
        "Assumption: such work appeals a fifth as much as other work.",
    ),
    Decl::new(
        "labour.undesirable_policy",
        "",
        Check::Choice(&["volunteer", "incentive", "rota", "exchange", "swap"]),
        "How undesirable work is staffed: `volunteer`, `incentive`, `rota` or `exchange`. The community assembly may adopt a rota later; a `set` event may change it.",
        "",
    ),
    Decl::new(
        "labour.incentive_factor",
        "hours per hour",
        Check::Range(1.0, 10.0),
        "Under `incentive`, an hour of undesirable work counts as this many hours of a person's willingness (1 or more), and draws volunteers as much more.",
        "",
    ),
    Decl::new(
        "labour.harvest_help",
        "",
        Check::Free,
        "A regional agreement: at harvest (within two `food.harvest_spread_days` of its peak), the farm work the rural communities of a region leave unfilled is offered to the members of its urban communities (`population.urban`) with hours to spare, who travel by rail; counted in `exchange_hours` and `exchange_passenger_km`.",
        "The essay: \"exchange schemes will be initiated to get city dwellers to come out into the countryside for outdoor farming work, perhaps during the harvest\".",
    ),
    Decl::new(
        "labour.harvest_help_decided",
        "",
        Check::Free,
        "The regional assemblies decide harvest help instead of the scenario: a region with urban and rural communities whose rural farms left work unfilled at the current or last harvest (before any help) takes up `harvest_help` at its meetings, its urban members weighing the hours (spread over the year) against the harvest saved at `assembly.solidarity`, its rural members the harvest saved; the decision stands until the next. `labour.harvest_help` is each region's standing decision until its assembly decides.",
        "The essay: \"exchange schemes will be initiated\" between city and countryside, as agreements the communities make.",
    ),
    Decl::new(
        "labour.city_help",
        "",
        Check::Free,
        "A regional agreement, the other half of `harvest_help`: on days outside the growing season (`food.growing_season`) and the harvest, the work the urban communities of a region (`population.urban`) leave unfilled in any sector but the farm is offered to the members of its rural communities with hours to spare, who travel by rail; counted in `exchange_hours` and `exchange_passenger_km`. Each region's standing decision until its assembly decides under `city_help_decided`, whatever the assemblies decide about harvest help.",
        "The essay: \"and later in the year the farmers will spend time volunteering in the city\".",
    ),
    Decl::new(
        "labour.city_help_decided",
        "",
        Check::Free,
        "The regional assemblies decide city help instead of the scenario: a region with urban and rural communities whose urban communities left work unfilled outside the farm in the current or last season between harvest and growing season (before any help) takes up `city_help` at its meetings, its rural members weighing the hours (spread over the year) against the goods the cities would have at `assembly.solidarity` and their share of the region, its urban members the goods they would have; the decision stands until the next. `labour.city_help` is each region's standing decision until its assembly decides.",
        "The essay: \"and later in the year the farmers will spend time volunteering in the city\", as part of the exchange schemes the communities initiate.",
    ),
    Decl::new(
        "labour.sedentary_sectors",
        "sector names",
        Check::Free,
        "Sectors of sedentary, \"intellectual\" work whose people swap jobs under `swap`.",
        "Learning and device making stand for the essay's \"more sedentary but 'intellectual' occupations\".",
    ),
    Decl::new(
        "labour.swap_start_day",
        "day of year",
        Check::Range(0.0, 364.0),
        "Under `swap`, the first day of the year of the swap season.",
        "Assumption: a season of three months, from the start of April (day 90).",
    ),
    Decl::new(
        "labour.swap_days",
        "days",
        Check::Range(0.0, 365.0),
        "Under `swap`, how long the swap season lasts.",
        "",
    ),
];

/// The declarations of this section's parameters (see [`super::decl`]).
pub const FOOD: &[Decl] = &[
    Decl::new("food.need_kcal_per_day", "kcal", Check::Range(1.0, 10000.0), "Food energy an adult needs.", "WHO planning figure (Clugston 1993): 2,100 kcal/person/day."),
    Decl::new("food.child_need_factor", "", Check::Range(0.0, 2.0), "A child's need as a share of an adult's.", ""),
    Decl::new("food.kcal_per_kg", "kcal/kg", Check::Range(100.0, 9000.0), "Energy density of food as eaten.", "Assumption: a mixed diet as eaten, about 1.5 kcal/g."),
    Decl::new("food.appetite_cv", "", Check::Range(0.0, 0.5), "Day-to-day variation of each person's appetite.", ""),
    Decl::new("food.arable_ha_per_person", "ha", Check::Range(0.0, 100.0), "Arable common land per person at the start.", "0.15 ha/person grows a year's food at the yield below, with a 15% reserve.")
        .fixed("land is given to communities when the world is built"),
    Decl::new("food.arable_spread", "share", Check::Share, "How much communities' land differs: each community's arable land is scaled by a factor drawn uniformly from 1 - spread to 1 + spread.", "")
        .fixed("land is given to communities when the world is built"),
    Decl::new("food.yield_kg_per_ha", "kg/ha/yr", Check::Range(1.0, 100000.0), "Harvest yield of the land.", "Assumption: about 4 t/ha/yr, near the world cereal yield (FAOSTAT); not in docs/calibration.md."),
    Decl::new("food.labour_hours_per_ha", "h/ha/yr", Check::Range(0.0, 10000.0), "Labour to work one hectare for a year.", "Langemeier (Purdue, FINBIN 2007-2024): 14.8 h/ha/yr on small US crop farms."),
    Decl::new("food.planning_day", "day of year", Check::Count(0, 364), "Day of the year on which the syndicate plans the coming season.", ""),
    Decl::new("food.harvest_peak_day", "day of year", Check::Count(0, 364), "Day of the year at the centre of the harvest.", ""),
    Decl::new("food.harvest_spread_days", "days", Check::Range(1.0, 60.0), "Spread of the harvest around its peak.", ""),
    Decl::new("food.harvest_labour_share", "share", Check::Share, "Share of the year's farm labour that falls in the harvest; the rest is spread over the growing season.", ""),
    Decl::new("food.reserve_share", "share of annual need", Check::Range(0.0, 2.0), "Reserve the syndicate plans above a year's need.", ""),
    Decl::new("food.initial_stock_days", "days", Check::Range(0.0, 3650.0), "Store-room stock at the start.", "Enough to reach the first harvest from 1 January, with a margin.")
        .fixed("it is the stock on day 0"),
    Decl::new("food.store_spoilage_per_day", "share a day", Check::Share, "Share of store-room stock that spoils each day.", "Assumption: about 3% of average stock a year lost in store."),
    Decl::new("food.garden_share", "share", Check::Share, "Share of adults and elders who keep a garden plot.", ""),
    Decl::new("food.garden_yield_kg_per_year", "kg", Check::Range(0.0, 10000.0), "Food a garden plot yields in a year.", "Assumption: a 30 m2 plot at about 3 kg/m2 in a season."),
    Decl::new("food.garden_hours_per_day", "h/day", Check::Range(0.0, 12.0), "Hours a gardener spends on a plot in the growing season (hours/day), at most what they are willing to give.", ""),
    Decl::new("food.growing_season", "first and last day of year", Check::Free, "First and last day of the growing season.", ""),
    Decl::new("food.kitchen_share", "share", Check::Share, "Share of food eaten through the community kitchen; the rest is taken home raw.", ""),
    Decl::new("food.kitchen_hours_per_kg", "h/kg", Check::Range(0.0, 10.0), "Kitchen labour per kg of food cooked.", "Assumption: four cooks for six hours feed 150 people (about 0.11 h/kg)."),
    Decl::new("food.kitchen_margin", "share", Check::Share, "Extra the kitchen cooks above its forecast so latecomers find food.", ""),
    Decl::new("food.leftover_days", "days", Check::Count(0, 7), "Days cooked leftovers keep before they spoil.", ""),
    Decl::new("food.plate_waste_share", "share", Check::Range(0.0, 0.5), "Share of food served by the community kitchen that is left on plates and thrown away; the kitchen serves that much more, so people still eat their allowance.", "Assumption: 0, the essay's claim of little waste. Published: WRAP 2013 (UK hospitality and food service): one meal in six wasted, 34% of it left on plates, so about 0.057 of what is served; kitchens-plate-waste.toml takes it."),
    Decl::new("food.household_waste_share", "share", Check::Range(0.0, 0.9), "Share of food taken home raw that is wasted in households.", "UNEP Food Waste Index 2024: households waste 79 kg/person/yr, about 13% of the roughly 600 kg bought."),
    Decl::new("food.rationing", "", Check::Free, "Spread stocks over the days until the next harvest when they run short.", ""),
    Decl::new("food.harvest_hours_decided", "", Check::Free, "The farm's workers (the members of its community who gave the farm at least a quarter of an hour on the day before the meeting) meet with their community's assembly and vote, by its voting rule, on raising by a step the extra hours a day each of them gives the farm on harvest days (within two `harvest_spread_days` of the peak) beyond their willing hours, when farm work went unfilled on the harvest days since their last meeting, or on lowering it a step when none did and the extra hours were not needed (`harvest_hours` on the community agenda). On a harvest day, after the ordinary volunteering rounds and before any exchange scheme, those who worked the farm that day give it what is still unfilled, up to their willing hours plus the agreed extra and at most `labour.max_hours_per_day`; counted in `harvest_extra_hours`. Decisions are in decisions.csv. Refused with assemblies off.", "Assumption: off by default. The essay: \"In labour-intensive periods of the agricultural year, more people from the community will be encouraged to volunteer their time in the syndicate\". See docs/planning.md \"The farm's hours in the harvest\" for the members' weighing."),
    Decl::new("food.harvest_hours_step", "h/day", Check::Range(0.01, 12.0), "Under `harvest_hours_decided`: the extra hours a day one decision of the farm's workers adds (or takes off), up to `harvest_hours_max`.", "Assumption: half an hour a day."),
    Decl::new("food.harvest_hours_max", "h/day", Check::Range(0.0, 12.0), "Under `harvest_hours_decided`: the most extra hours a day beyond their willing hours the farm's workers may agree to give on harvest days (and never beyond `labour.max_hours_per_day` in all).", "Assumption: two hours a day, half the essay's ideal working day of \"three to four hours\"."),
];

/// The declarations of this section's parameters (see [`super::decl`]).
pub const FOOTPRINT: &[Decl] = &[
    Decl::new(
        "footprint.farm_kg_co2e_per_kg",
        "kg/kg",
        Check::Range(0.0, 100.0),
        "Lifecycle emissions of farming.",
        "Assumption: plant-rich diet, about 1 kg CO2e/kg at the farm gate (Poore and Nemecek 2018 give 0.4-3 for plant foods); not in docs/calibration.md.",
    ),
    Decl::new(
        "footprint.cooking_kwh_per_kg",
        "kWh/kg",
        Check::Range(0.0, 100.0),
        "Energy to cook a kg of food.",
        "Assumption: 0.5 kWh to cook a kg of food in a shared kitchen.",
    ),
    Decl::new(
        "footprint.waste_kg_co2e_per_kg",
        "kg/kg",
        Check::Range(0.0, 100.0),
        "Emissions of a kg of food wasted, beyond those of growing it.",
        "Assumption: landfill methane from food waste, about 0.5 kg CO2e/kg.",
    ),
];

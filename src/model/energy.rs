//! Energy: installations by source with their seasons and weather, community storage, regional
//! grid links that move surplus to deficit, and curtailment.
//!
//! Each community holds installed capacity per source (kW per person at the start). A day's
//! generation is capacity x 24 h x capacity factor x the source's season x the region's weather,
//! scaled by the share of the energy syndicate's hours that were filled. Each community meets its
//! own demand first, then charges or draws on its storage; what is left over in a region is
//! shared over its grid links (less a loss) with the communities still short; fossil plants, where
//! allowed, fill what is still missing; any surplus left is curtailed.

use bevy_ecs::prelude::*;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::calendar::{Clock, YEAR};
use super::components::{Community, Directory, Ledger, Stocks};
use super::decl::{Check, Decl};
use super::goods::{Good, N_GOODS};
use super::params::{Params, Sector};
use super::policy::Decided;
use super::rng::{Purpose, stream};

/// A kind of installation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Solar,
    Wind,
    Hydro,
    Geothermal,
    Nuclear,
    Fossil,
}

pub const N_SOURCES: usize = 6;

impl Source {
    pub const ALL: [Source; N_SOURCES] = [
        Source::Solar,
        Source::Wind,
        Source::Hydro,
        Source::Geothermal,
        Source::Nuclear,
        Source::Fossil,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Source::Solar => "solar",
            Source::Wind => "wind",
            Source::Hydro => "hydro",
            Source::Geothermal => "geothermal",
            Source::Nuclear => "nuclear",
            Source::Fossil => "fossil",
        }
    }

    /// The source a name in a scenario stands for.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|s| s.name() == name)
    }

    pub fn renewable(self) -> bool {
        !matches!(self, Source::Nuclear | Source::Fossil)
    }

    /// Sources whose output follows the weather.
    fn weather_index(self) -> Option<usize> {
        match self {
            Source::Solar => Some(0),
            Source::Wind => Some(1),
            Source::Hydro => Some(2),
            _ => None,
        }
    }
}

/// One source's installed capacity and character.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SourceParams {
    /// Installed capacity at the start (kW per person).
    pub kw_per_person: f64,
    /// Mean output over installed capacity (0..1).
    pub capacity_factor: f64,
    /// Lifecycle emissions (g CO2e/kWh).
    pub g_co2e_per_kwh: f64,
    /// Seasonal swing of output around its mean (share, 0..1).
    pub seasonal_amplitude: f64,
    /// Day of the year of highest output (0..364).
    pub peak_day: u32,
    /// Labour to build one kW, posted to the construction syndicate (hours/kW).
    pub build_hours_per_kw: f64,
    /// Construction goods a kW of it takes to build (t/kW).
    pub build_materials_t_per_kw: f64,
    /// Days a build takes at full staffing: its hours and materials are spread over them (days).
    pub build_days: f64,
    /// Years an installation runs before it is worn out and retired (with `energy.wear`).
    pub lifetime_years: f64,
}

impl SourceParams {
    fn new(kw: f64, cf: f64, g: f64, amplitude: f64, peak_day: u32) -> Self {
        Self {
            kw_per_person: kw,
            capacity_factor: cf,
            g_co2e_per_kwh: g,
            seasonal_amplitude: amplitude,
            peak_day,
            build_hours_per_kw: 0.0,
            build_materials_t_per_kw: 0.0,
            build_days: 1.0,
            lifetime_years: 25.0,
        }
    }

    /// The same source with its lifetime (years).
    fn lasting(self, years: f64) -> Self {
        Self {
            lifetime_years: years,
            ..self
        }
    }

    /// The same source with what building a kW takes.
    fn build(self, hours: f64, materials_t: f64, days: f64) -> Self {
        Self {
            build_hours_per_kw: hours,
            build_materials_t_per_kw: materials_t,
            build_days: days,
            ..self
        }
    }
}

impl Default for SourceParams {
    fn default() -> Self {
        Self::new(0.0, 0.5, 0.0, 0.0, 0)
    }
}

/// A user of energy, as named in `energy.curtailment_order`: homes (members' own use, the
/// kitchen's cooking and freight), or the syndicate making a good.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnergyUser {
    Homes,
    Sector(Good),
}

impl EnergyUser {
    /// The user a name in `curtailment_order` stands for.
    pub fn from_name(name: &str) -> Option<Self> {
        if name == "homes" {
            return Some(Self::Homes);
        }
        Good::ALL
            .iter()
            .find(|g| g.name() == name)
            .map(|g| Self::Sector(*g))
    }

    /// Every name `curtailment_order` accepts.
    pub fn names() -> Vec<&'static str> {
        std::iter::once("homes")
            .chain(Good::ALL.iter().map(|g| g.name()))
            .collect()
    }
}

/// How a deficit of energy is shared out. `homes` is what homes would take, `sectors[j]` what
/// sector `j` would take at its staffing today, and `available` what there is (kWh). The users in
/// `order` are cut first, one after another, each down to nothing before the next is touched;
/// users not in `order` are cut last, together, in proportion to their use. Returns what homes
/// and each sector may take.
pub fn curtail(
    order: &[EnergyUser],
    homes: f64,
    sectors: &[f64; N_GOODS],
    available: f64,
) -> (f64, [f64; N_GOODS]) {
    let mut homes_left = homes;
    let mut left = *sectors;
    let mut deficit = homes + sectors.iter().sum::<f64>() - available;
    if deficit <= 0.0 {
        return (homes_left, left);
    }
    let mut listed_homes = false;
    let mut listed = [false; N_GOODS];
    for user in order {
        let use_ = match user {
            EnergyUser::Homes => {
                listed_homes = true;
                &mut homes_left
            }
            EnergyUser::Sector(g) => {
                listed[g.index()] = true;
                &mut left[g.index()]
            }
        };
        let cut = deficit.min(*use_);
        *use_ -= cut;
        deficit -= cut;
    }
    let rest: f64 = (0..N_GOODS)
        .filter(|j| !listed[*j])
        .map(|j| left[j])
        .sum::<f64>()
        + if listed_homes { 0.0 } else { homes_left };
    if deficit > 0.0 && rest > 0.0 {
        let scale = ((rest - deficit) / rest).max(0.0);
        for j in 0..N_GOODS {
            if !listed[j] {
                left[j] *= scale;
            }
        }
        if !listed_homes {
            homes_left *= scale;
        }
    }
    (homes_left, left)
}

/// One source's table as written: only the keys given.
#[derive(Default, Deserialize)]
#[serde(default)]
struct SourcePatch {
    kw_per_person: Option<f64>,
    capacity_factor: Option<f64>,
    g_co2e_per_kwh: Option<f64>,
    seasonal_amplitude: Option<f64>,
    peak_day: Option<u32>,
    build_hours_per_kw: Option<f64>,
    build_materials_t_per_kw: Option<f64>,
    build_days: Option<f64>,
    lifetime_years: Option<f64>,
}

impl SourcePatch {
    fn apply(self, d: SourceParams) -> SourceParams {
        SourceParams {
            kw_per_person: self.kw_per_person.unwrap_or(d.kw_per_person),
            capacity_factor: self.capacity_factor.unwrap_or(d.capacity_factor),
            g_co2e_per_kwh: self.g_co2e_per_kwh.unwrap_or(d.g_co2e_per_kwh),
            seasonal_amplitude: self.seasonal_amplitude.unwrap_or(d.seasonal_amplitude),
            peak_day: self.peak_day.unwrap_or(d.peak_day),
            build_hours_per_kw: self.build_hours_per_kw.unwrap_or(d.build_hours_per_kw),
            build_materials_t_per_kw: self
                .build_materials_t_per_kw
                .unwrap_or(d.build_materials_t_per_kw),
            build_days: self.build_days.unwrap_or(d.build_days),
            lifetime_years: self.lifetime_years.unwrap_or(d.lifetime_years),
        }
    }
}

/// Reads a source's table over that source's defaults, so that a table giving only
/// `kw_per_person` keeps the source's season, emissions and building figures.
macro_rules! source_patch {
    ($( $fn:ident => $field:ident ),*) => {
        $(
            fn $fn<'de, D: serde::Deserializer<'de>>(d: D) -> Result<SourceParams, D::Error> {
                SourcePatch::deserialize(d).map(|p| p.apply(EnergyParams::default().$field))
            }
        )*
    };
}

source_patch!(
    solar_patch => solar,
    wind_patch => wind,
    hydro_patch => hydro,
    geothermal_patch => geothermal,
    nuclear_patch => nuclear,
    fossil_patch => fossil
);

/// The `[energy]` section.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EnergyParams {
    #[serde(deserialize_with = "solar_patch")]
    pub solar: SourceParams,
    #[serde(deserialize_with = "wind_patch")]
    pub wind: SourceParams,
    #[serde(deserialize_with = "hydro_patch")]
    pub hydro: SourceParams,
    #[serde(deserialize_with = "geothermal_patch")]
    pub geothermal: SourceParams,
    #[serde(deserialize_with = "nuclear_patch")]
    pub nuclear: SourceParams,
    #[serde(deserialize_with = "fossil_patch")]
    pub fossil: SourceParams,
    /// Whether nuclear plants may run (on/off); their capacity is ignored when off.
    pub allow_nuclear: bool,
    /// Whether fossil plants may run (on/off); their capacity is ignored when off.
    pub allow_fossil: bool,
    /// Community battery and storage capacity (kWh per person).
    pub storage_kwh_per_person: f64,
    /// Share of stored energy recovered (0..1).
    pub storage_efficiency: f64,
    /// Whether communities of a region share surplus over grid links (on/off).
    pub regional_grid: bool,
    /// Share of energy lost moving it between communities (0..1).
    pub grid_loss_share: f64,
    /// Day-to-day variation of weather-dependent output (coefficient of variation, 0..0.5).
    pub weather_cv: f64,
    /// How much communities' installed capacity differs: each community's capacity of each
    /// source is scaled by a factor drawn uniformly from 1 - spread to 1 + spread (0..1).
    pub capacity_spread: f64,
    /// Users of energy cut first when there is too little, in order: `homes` or a good's name
    /// (its syndicate). Users not named are cut last, together, in proportion.
    pub curtailment_order: Vec<String>,
    /// Source a community builds more of when it has been short of energy (a standing rule);
    /// empty for none.
    pub expand_source: String,
    /// Days between a community's reviews of its shortage under that rule (days).
    pub expand_review_days: u32,
    /// Whether installations wear out after their `lifetime_years` and are rebuilt (on/off).
    pub wear: bool,
    /// Who owns and runs the installations: each community its own (`community`, appropriate
    /// technology) or a regional syndicate pooling a region's (`regional`).
    pub organisation: Organisation,
    /// Under a regional syndicate, the labour to build and to run a kW as a share of a
    /// community's (economies of scale; 0..1).
    pub regional_scale_factor: f64,
    /// Under a regional syndicate, output of solar, wind and hydro over a community's, from
    /// sites chosen across the region (1..2).
    pub regional_site_gain: f64,
    /// Under a regional syndicate, share of generation lost carrying it from the regional
    /// installations to the communities (0..1).
    pub transmission_loss_share: f64,
}

/// Who owns and runs a region's energy installations (`energy.organisation`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Organisation {
    /// Each community builds, owns and maintains its own installations (appropriate technology).
    #[default]
    Community,
    /// A regional syndicate runs the region's installations as one pool, shared by demand.
    Regional,
}

impl Default for EnergyParams {
    fn default() -> Self {
        // Capacity factors: IRENA, Renewable Power Generation Costs in 2021 (solar PV 17%,
        // onshore wind 39%, hydro 45%, geothermal 77%). Lifecycle medians: IPCC AR5 WG3 Annex III
        // (rooftop PV 41, onshore wind 11, hydro 24, geothermal 38, nuclear 12, coal 820 g/kWh).
        // Capacities per person are assumptions: about 8.3 kWh a day per person on average,
        // a little above the default demand, less in winter when solar is weak.
        // Building: NRDC/CEEW 2014 give about 13 FTE per MW while building solar PV; read as
        // job-years of about 1,800 h, about 23 h/kW (unconfirmed reading). The other sources'
        // hours, the materials (tonnes of construction goods per kW) and the build times are
        // assumptions.
        // Lifetimes (CALIBRATION.md has none) are assumptions: solar PV 25 years (the usual
        // panel warranty), wind turbines 20, small hydro and water wheels 80, geothermal 30,
        // nuclear 60 (licence extensions), fossil plants 40.
        Self {
            solar: SourceParams::new(1.0, 0.17, 41.0, 0.4, 172)
                .build(23.0, 0.07, 60.0)
                .lasting(25.0),
            wind: SourceParams::new(0.45, 0.39, 11.0, 0.2, 15)
                .build(15.0, 0.5, 180.0)
                .lasting(20.0),
            hydro: SourceParams::new(0.0, 0.45, 24.0, 0.2, 120)
                .build(40.0, 1.5, 730.0)
                .lasting(80.0),
            geothermal: SourceParams::new(0.0, 0.77, 38.0, 0.0, 0)
                .build(30.0, 0.3, 365.0)
                .lasting(30.0),
            nuclear: SourceParams::new(0.0, 0.9, 12.0, 0.0, 0)
                .build(50.0, 0.5, 1825.0)
                .lasting(60.0),
            fossil: SourceParams::new(0.0, 0.6, 820.0, 0.0, 0)
                .build(20.0, 0.2, 365.0)
                .lasting(40.0),
            allow_nuclear: false,
            allow_fossil: false,
            storage_kwh_per_person: 5.0,
            storage_efficiency: 0.9,
            regional_grid: true,
            grid_loss_share: 0.05,
            weather_cv: 0.3,
            capacity_spread: 0.3,
            // Homes first, then every sector in proportion: the behaviour before the order
            // could be set.
            curtailment_order: vec!["homes".to_owned()],
            expand_source: String::new(),
            expand_review_days: 30,
            wear: true,
            organisation: Organisation::Community,
            // Assumptions: a regional syndicate's larger installations take 70% of the labour
            // a kW to build and to run, its sites give 10% more from the sun, wind and water
            // than rooftops and village sites, and carrying the energy to the communities
            // loses 6% (the order of grid transmission and distribution losses).
            regional_scale_factor: 0.7,
            regional_site_gain: 1.1,
            transmission_loss_share: 0.06,
        }
    }
}

impl EnergyParams {
    pub fn source(&self, source: Source) -> &SourceParams {
        match source {
            Source::Solar => &self.solar,
            Source::Wind => &self.wind,
            Source::Hydro => &self.hydro,
            Source::Geothermal => &self.geothermal,
            Source::Nuclear => &self.nuclear,
            Source::Fossil => &self.fossil,
        }
    }

    pub fn allowed(&self, source: Source) -> bool {
        match source {
            Source::Nuclear => self.allow_nuclear,
            Source::Fossil => self.allow_fossil,
            _ => true,
        }
    }

    /// Whether a regional syndicate runs the installations.
    pub fn regional(&self) -> bool {
        self.organisation == Organisation::Regional
    }

    /// The labour to build or run a kW, as a share of a community's: `regional_scale_factor`
    /// under a regional syndicate, else 1.
    pub fn labour_scale(&self) -> f64 {
        if self.regional() {
            self.regional_scale_factor
        } else {
            1.0
        }
    }

    /// Days an installation of `source` runs before it is worn out (at least one).
    pub fn lifetime_days(&self, source: Source) -> f64 {
        (self.source(source).lifetime_years * f64::from(YEAR)).max(1.0)
    }

    /// Output of one kW of `source` on `day`, before weather (kWh).
    fn seasonal_kwh_per_kw(&self, source: Source, day: u32) -> f64 {
        let p = self.source(source);
        let phase =
            std::f64::consts::TAU * f64::from((day + YEAR - p.peak_day) % YEAR) / f64::from(YEAR);
        24.0 * p.capacity_factor * (1.0 + p.seasonal_amplitude * phase.cos())
    }
}

/// A community's installations and store of energy.
#[derive(Component, Clone, Copy, Debug, Default)]
pub struct EnergySystem {
    /// Installed capacity by source (kW).
    pub capacity_kw: [f64; N_SOURCES],
    /// Energy in storage (kWh).
    pub stored_kwh: f64,
    /// Storage capacity (kWh).
    pub storage_kwh: f64,
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

/// Today's weather factor for each region and weather-dependent source (mean 1).
#[derive(Resource)]
pub struct Weather {
    rngs: Vec<ChaCha8Rng>,
    /// Factor by region and source (solar, wind, hydro).
    pub factors: Vec<[f64; 3]>,
}

impl Weather {
    pub fn new(seed: u64, regions: u32) -> Self {
        Self {
            rngs: (0..regions)
                .map(|r| stream(seed, Purpose::Weather, u64::from(r)))
                .collect(),
            factors: vec![[1.0; 3]; regions as usize],
        }
    }
}

/// Draws today's weather in every region.
pub fn draw_weather(params: Res<Params>, mut weather: ResMut<Weather>) {
    let spread = params.energy.weather_cv * 3f64.sqrt();
    let weather = &mut *weather;
    for (rng, factors) in weather.rngs.iter_mut().zip(weather.factors.iter_mut()) {
        for f in factors.iter_mut() {
            *f = (1.0 + spread * (2.0 * rng.random::<f64>() - 1.0)).max(0.0);
        }
    }
}

/// Generates, stores, shares and curtails energy, and sets how much each community has to meet
/// today's planned demand.
pub fn generate_energy(
    clock: Res<Clock>,
    params: Res<Params>,
    decided: Res<Decided>,
    weather: Res<Weather>,
    mut ledger: ResMut<Ledger>,
    mut communities: Query<(&Community, &mut EnergySystem)>,
) {
    let e = &params.energy;
    let regional = e.regional();
    let day = clock.day_of_year();
    let energy_sector = Sector::Making(Good::Energy).index();
    let regions = weather.factors.len();
    let mut per_kw = [0.0; N_SOURCES];
    for source in Source::ALL {
        per_kw[source as usize] = e.seasonal_kwh_per_kw(source, day);
        // A regional syndicate sites its solar, wind and water where they give most.
        if regional && source.weather_index().is_some() {
            per_kw[source as usize] *= e.regional_site_gain;
        }
    }
    // Under a regional syndicate the region's hours are pooled: its installations run at the
    // share of the region's energy hours that were filled.
    // The pool is shared in proportion to each community's demand.
    let mut posted_r = vec![0.0; regions];
    let mut filled_r = vec![0.0; regions];
    let mut demand_r = vec![0.0; regions];
    if regional {
        for (community, _) in &communities {
            let today = &ledger.days[community.id as usize];
            let r = community.region as usize;
            posted_r[r] += today.posted[energy_sector];
            filled_r[r] += today.posted[energy_sector] - today.unfilled[energy_sector];
            demand_r[r] += today.goods.planned[Good::Energy.index()];
        }
    }
    // Each community's installations generate.
    let mut generated_r = vec![0.0; regions];
    for (community, system) in &communities {
        let r = community.region as usize;
        let today = &mut ledger.days[community.id as usize];
        let (posted, filled) = if regional {
            (posted_r[r], filled_r[r])
        } else {
            let posted = today.posted[energy_sector];
            (posted, posted - today.unfilled[energy_sector])
        };
        let staffed = if posted > 0.0 {
            (filled / posted).clamp(0.0, 1.0)
        } else {
            1.0
        };
        let region_weather = weather.factors[r];
        let mut flows = EnergyDay::default();
        let mut local = 0.0;
        for source in Source::ALL {
            if source == Source::Fossil || !e.allowed(source) {
                continue;
            }
            let w = source.weather_index().map_or(1.0, |i| region_weather[i]);
            let kwh = system.capacity_kw[source as usize] * per_kw[source as usize] * w * staffed;
            flows.generated[source as usize] = kwh;
            local += kwh;
        }
        today.energy = flows;
        today.energy_surplus = local;
        generated_r[r] += local;
    }
    // Own generation (or, under a regional syndicate, a share of the region's pool in
    // proportion to demand, less transmission losses) meets demand first; then storage.
    for (community, mut system) in &mut communities {
        let r = community.region as usize;
        let today = &mut ledger.days[community.id as usize];
        let demand = today.goods.planned[Good::Energy.index()];
        let mut local = today.energy_surplus;
        if regional {
            let keep = 1.0 - e.transmission_loss_share;
            let own = local * keep;
            let share = if demand_r[r] > 0.0 {
                generated_r[r] * keep * demand / demand_r[r]
            } else {
                own
            };
            today.energy.lost += local - own;
            today.energy.imported = (share - own).max(0.0);
            today.energy.exported = (own - share).max(0.0);
            local = share;
        }
        let flows = &mut today.energy;
        let used = local.min(demand);
        let mut surplus = local - used;
        let mut short = demand - used;
        let room = system.storage_kwh - system.stored_kwh;
        let charge = surplus.min(room);
        system.stored_kwh += charge;
        surplus -= charge;
        flows.charged = charge;
        let draw = (short / e.storage_efficiency).min(system.stored_kwh);
        system.stored_kwh -= draw;
        flows.discharged = draw * e.storage_efficiency;
        flows.lost += draw - flows.discharged;
        short -= flows.discharged;
        flows.available = used + flows.discharged;
        today.energy_surplus = surplus;
        today.energy_short = short;
    }
    // Regional grid: surplus shared over each region's links, in proportion to need. A
    // regional syndicate's grid is always there.
    if e.regional_grid || regional {
        let mut surplus = vec![0.0; regions];
        let mut short = vec![0.0; regions];
        for (community, _) in &communities {
            let today = &ledger.days[community.id as usize];
            surplus[community.region as usize] += today.energy_surplus;
            short[community.region as usize] += today.energy_short;
        }
        let keep = 1.0 - e.grid_loss_share;
        for (community, _) in &communities {
            let r = community.region as usize;
            let sent = (surplus[r] * keep).min(short[r]);
            if sent <= 0.0 {
                continue;
            }
            let today = &mut ledger.days[community.id as usize];
            // Each short community receives its part of what is sent; each in surplus gives its
            // part of what leaves, including the losses.
            let received = sent * today.energy_short / short[r];
            let given = (sent / keep) * today.energy_surplus / surplus[r];
            today.energy.imported += received;
            today.energy.exported += given;
            today.energy.lost += given * e.grid_loss_share;
            today.energy.available += received;
            today.energy_short -= received;
            today.energy_surplus -= given;
        }
    }
    // Fossil plants, where allowed, fill what is still short; the rest of any surplus is
    // curtailed.
    let fossil_per_kw = per_kw[Source::Fossil as usize] / e.fossil.capacity_factor.max(1e-9);
    for (community, system) in &communities {
        let today = &mut ledger.days[community.id as usize];
        if decided.allow_fossil(&params) && today.energy_short > 0.0 {
            let room = system.capacity_kw[Source::Fossil as usize] * fossil_per_kw;
            let burn = today.energy_short.min(room);
            today.energy.generated[Source::Fossil as usize] = burn;
            today.energy.available += burn;
            today.energy_short -= burn;
        }
        today.energy.curtailed = today.energy_surplus;
    }
}

/// Installations a community is building, by source. Each request adds its kW, its hours
/// (`build_hours_per_kw`) and its materials (`build_materials_t_per_kw` of construction goods),
/// spread over `build_days`; the capacity is added only when every hour is worked and every tonne
/// delivered, so a build short of hands or materials takes longer.
#[derive(Component, Clone, Copy, Debug, Default)]
pub struct EnergyBuilds {
    /// Capacity under construction (kW).
    pub kw: [f64; N_SOURCES],
    /// Effective hours still to work (hours).
    pub hours_left: [f64; N_SOURCES],
    /// Construction goods still to deliver (t).
    pub materials_left: [f64; N_SOURCES],
    /// Hours posted a day at full pace (hours/day).
    pub hours_per_day: [f64; N_SOURCES],
    /// Construction goods taken a day at full pace (t/day).
    pub materials_per_day: [f64; N_SOURCES],
    /// Energy the community was short of since its last review (kWh), for the standing rule.
    pub shortage_kwh: f64,
    /// Worn-out capacity waiting to be rebuilt until the build of its source under way is
    /// finished (kW).
    pub worn_kw: [f64; N_SOURCES],
    /// Part of `kw` that replaces worn-out capacity (kW).
    pub replacing_kw: [f64; N_SOURCES],
}

impl EnergyBuilds {
    /// Starts building `kw` more of `source` (added to any build of it under way).
    pub fn request(&mut self, params: &EnergyParams, source: Source, kw: f64) {
        if !(kw > 0.0 && kw.is_finite()) {
            return;
        }
        let p = params.source(source);
        let i = source as usize;
        let days = p.build_days.max(1.0);
        // A regional syndicate builds larger installations, with fewer hours a kW.
        let hours_per_kw = p.build_hours_per_kw * params.labour_scale();
        self.kw[i] += kw;
        self.hours_left[i] += kw * hours_per_kw;
        self.materials_left[i] += kw * p.build_materials_t_per_kw;
        self.hours_per_day[i] += kw * hours_per_kw / days;
        self.materials_per_day[i] += kw * p.build_materials_t_per_kw / days;
    }

    /// Capacity under construction, all sources (kW).
    pub fn building_kw(&self) -> f64 {
        self.kw.iter().sum()
    }

    /// Capacity under construction that replaces worn-out installations, all sources (kW).
    pub fn replacing_kw(&self) -> f64 {
        self.replacing_kw.iter().sum()
    }
}

/// When a community's installations wear out. The capacity standing at the start has ages
/// spread evenly over its source's lifetime, so it wears out at an even pace until the lifetime
/// has passed; each finished build wears out whole a lifetime after it was finished.
#[derive(Component, Clone, Debug, Default)]
pub struct Vintages {
    /// Capacity standing at the start that wears out each day, by source (kW/day).
    initial_kw_per_day: [f64; N_SOURCES],
    /// Tick from which none of the capacity standing at the start is left, by source.
    initial_until: [u32; N_SOURCES],
    /// Finished builds still standing: (tick it is worn out, source index, kW), in the order
    /// they were finished.
    built: Vec<(u32, usize, f64)>,
}

impl Vintages {
    /// The vintages of a community's capacity at the start.
    pub fn new(params: &EnergyParams, system: &EnergySystem) -> Self {
        let mut v = Self::default();
        for source in Source::ALL {
            let i = source as usize;
            let days = params.lifetime_days(source);
            v.initial_until[i] = days.round().min(f64::from(u32::MAX)) as u32;
            v.initial_kw_per_day[i] = system.capacity_kw[i] / f64::from(v.initial_until[i].max(1));
        }
        v
    }

    /// Capacity finished on `tick`, to wear out a lifetime later.
    fn add(&mut self, params: &EnergyParams, source: Source, tick: u32, kw: f64) {
        let until = (f64::from(tick) + params.lifetime_days(source))
            .round()
            .min(f64::from(u32::MAX)) as u32;
        self.built.push((until, source as usize, kw));
    }

    /// Capacity that will wear out on `tick`, by source (kW), forgetting nothing.
    fn due(&self, tick: u32) -> [f64; N_SOURCES] {
        let mut due = [0.0; N_SOURCES];
        for i in 0..N_SOURCES {
            if tick < self.initial_until[i] {
                due[i] += self.initial_kw_per_day[i];
            }
        }
        for &(until, i, kw) in &self.built {
            if until == tick {
                due[i] += kw;
            }
        }
        due
    }

    /// Capacity wearing out on `tick`, by source (kW); the builds worn out are forgotten.
    fn wear(&mut self, tick: u32) -> [f64; N_SOURCES] {
        let mut worn = [0.0; N_SOURCES];
        for i in 0..N_SOURCES {
            if tick < self.initial_until[i] {
                worn[i] += self.initial_kw_per_day[i];
            }
        }
        self.built.retain(|&(until, i, kw)| {
            let gone = until <= tick;
            if gone {
                worn[i] += kw;
            }
            !gone
        });
        worn
    }
}

/// With `energy.wear` on, installations past their lifetime are retired, and each community
/// rebuilds, like for like, through the build path (`EnergyBuilds`): keeping its installations
/// in repair is the energy syndicate's standing work, not a new decision. Retirement dates are
/// known, so a replacement is started a build time (`build_days`) before the capacity it
/// replaces wears out (on the first day, for everything wearing out within a build time).
/// What falls due while a build of the same source is under way waits for it to finish.
/// Sources the scenario does not allow are not rebuilt.
pub fn wear_installations(
    clock: Res<Clock>,
    params: Res<Params>,
    decided: Res<Decided>,
    mut ledger: ResMut<Ledger>,
    mut communities: Query<(
        &Community,
        &mut EnergySystem,
        &mut EnergyBuilds,
        &mut Vintages,
    )>,
) {
    let e = &params.energy;
    if !e.wear {
        return;
    }
    let tick = clock.tick;
    for (community, mut system, mut builds, mut vintages) in &mut communities {
        // What to start replacing today: what wears out a build time from now.
        let mut ahead = [0.0; N_SOURCES];
        for source in Source::ALL {
            let i = source as usize;
            let lead = e.source(source).build_days.max(0.0).ceil() as u32;
            let first = if tick == 0 { 0 } else { lead };
            for t in first..=lead {
                ahead[i] += vintages.due(tick.saturating_add(t))[i];
            }
        }
        let worn = vintages.wear(tick);
        let mut retired = 0.0;
        for source in Source::ALL {
            let i = source as usize;
            // Capacity out of service after a failure cannot wear out twice.
            let kw = worn[i].min(system.capacity_kw[i].max(0.0));
            system.capacity_kw[i] -= kw;
            retired += kw;
            if !decided.allowed(&params, source) {
                continue;
            }
            builds.worn_kw[i] += ahead[i];
            if builds.worn_kw[i] > 0.0 && builds.kw[i] <= 0.0 {
                let kw = builds.worn_kw[i];
                builds.worn_kw[i] = 0.0;
                builds.request(e, source, kw);
                builds.replacing_kw[i] += kw;
            }
        }
        ledger.days[community.id as usize].retired_kw = retired;
    }
}

/// Asks community `community` to build `kw` of `source` (what an assembly's decision to build an
/// installation does). Returns false, and does nothing, if there is no such community.
pub fn request_build(world: &mut World, community: u32, source: Source, kw: f64) -> bool {
    let Some(&entity) = world
        .resource::<Directory>()
        .communities
        .get(community as usize)
    else {
        return false;
    };
    let params = world.resource::<Params>().energy.clone();
    match world.get_mut::<EnergyBuilds>(entity) {
        Some(mut builds) => {
            builds.request(&params, source, kw);
            true
        }
        None => false,
    }
}

/// The standing rule (`energy.expand_source`), then today's build hours and materials, for the
/// construction syndicate's plan.
pub fn plan_builds(
    clock: Res<Clock>,
    params: Res<Params>,
    decided: Res<Decided>,
    mut ledger: ResMut<Ledger>,
    mut communities: Query<(&Community, &mut EnergyBuilds)>,
) {
    let e = &params.energy;
    let review = e.expand_review_days.max(1);
    // Where assemblies meet, building is their decision (`assembly::hold_assemblies`).
    let rule = Source::from_name(&e.expand_source)
        .filter(|s| decided.allowed(&params, *s))
        .filter(|_| !params.assembly.enabled);
    let review_day = clock.tick > 0 && clock.tick.is_multiple_of(review);
    for (community, mut builds) in &mut communities {
        if review_day && rule.is_some() {
            if let Some(source) = rule {
                // Enough capacity to have covered the shortage at the source's mean output.
                let per_kw = f64::from(review) * 24.0 * e.source(source).capacity_factor;
                // Less what is already being built of it.
                let kw = builds.shortage_kwh / per_kw - builds.kw[source as usize];
                if kw > 0.0 {
                    builds.request(e, source, kw);
                }
            }
            builds.shortage_kwh = 0.0;
        }
        let day = &mut ledger.days[community.id as usize];
        day.build_hours = 0.0;
        day.build_materials_t = 0.0;
        for i in 0..N_SOURCES {
            if builds.kw[i] > 0.0 {
                day.build_hours += builds.hours_per_day[i].min(builds.hours_left[i]);
                day.build_materials_t += builds.materials_per_day[i].min(builds.materials_left[i]);
            }
        }
    }
}

/// Builds go on as far as the construction syndicate's hours and stock of construction goods
/// allow; finished installations add their capacity. Also counts each community's energy
/// shortage for the standing rule.
pub fn build_installations(
    clock: Res<Clock>,
    params: Res<Params>,
    mut ledger: ResMut<Ledger>,
    mut communities: Query<(
        &Community,
        &mut EnergyBuilds,
        &mut EnergySystem,
        &mut Stocks,
        &mut Vintages,
    )>,
) {
    let s = Sector::Making(Good::Construction).index();
    let c_good = Good::Construction.index();
    let e = Good::Energy.index();
    for (community, mut builds, mut system, mut stock, mut vintages) in &mut communities {
        let day = &mut ledger.days[community.id as usize];
        builds.shortage_kwh += (day.goods.planned[e] - day.goods.made[e]).max(0.0);
        let staffed = if day.posted[s] > 0.0 {
            ((day.posted[s] - day.unfilled[s]) / day.posted[s]).clamp(0.0, 1.0)
        } else {
            1.0
        };
        for i in 0..N_SOURCES {
            if builds.kw[i] <= 0.0 {
                continue;
            }
            let hours = builds.hours_per_day[i].min(builds.hours_left[i]) * staffed;
            builds.hours_left[i] -= hours;
            day.build_hours_done += hours;
            let taken = builds.materials_per_day[i]
                .min(builds.materials_left[i])
                .min(stock.0[c_good].max(0.0));
            stock.0[c_good] -= taken;
            builds.materials_left[i] -= taken;
            day.build_materials_used_t += taken;
            // Hours are filled in single precision, so a build is done when less than a
            // ten-thousandth of a day's work and materials is left.
            let hours_done = builds.hours_left[i] <= 1e-4 * builds.hours_per_day[i];
            let materials_in = builds.materials_left[i] <= 1e-4 * builds.materials_per_day[i];
            if hours_done && materials_in {
                system.capacity_kw[i] += builds.kw[i];
                day.built_kw += builds.kw[i];
                vintages.add(&params.energy, Source::ALL[i], clock.tick, builds.kw[i]);
                builds.kw[i] = 0.0;
                builds.replacing_kw[i] = 0.0;
                builds.hours_left[i] = 0.0;
                builds.materials_left[i] = 0.0;
                builds.hours_per_day[i] = 0.0;
                builds.materials_per_day[i] = 0.0;
            }
        }
    }
}

/// The declarations of this section's parameters (see [`super::decl`]).
pub const DECLS: &[Decl] = &[
    Decl::new("energy.allow_nuclear", "", Check::Free, "Whether nuclear plants may run (on/off); their capacity is ignored when off.", ""),
    Decl::new("energy.allow_fossil", "", Check::Free, "Whether fossil plants may run (on/off); their capacity is ignored when off.", ""),
    Decl::new("energy.storage_kwh_per_person", "kWh", Check::Range(0.0, 10000.0), "Community battery and storage capacity.", "")
        .fixed("storage is installed when the world is built"),
    Decl::new("energy.storage_efficiency", "share", Check::Range(0.01, 1.0), "Share of stored energy recovered.", ""),
    Decl::new("energy.regional_grid", "", Check::Free, "Whether communities of a region share surplus over grid links.", ""),
    Decl::new("energy.grid_loss_share", "share", Check::Share, "Share of energy lost moving it between communities.", ""),
    Decl::new("energy.weather_cv", "", Check::Range(0.0, 0.5), "Day-to-day variation of weather-dependent output.", ""),
    Decl::new("energy.capacity_spread", "share", Check::Share, "How much communities' installed capacity differs: each community's capacity of each source is scaled by a factor drawn uniformly from 1 - spread to 1 + spread.", "")
        .fixed("installations are placed when the world is built"),
    Decl::new("energy.curtailment_order", "", Check::Free, "Users of energy cut first when there is too little, in order: `homes` or a good's name (its syndicate). Users not named are cut last, together, in proportion.", "Homes first, then every sector in proportion: the behaviour before the order could be set."),
    Decl::new("energy.expand_source", "", Check::Free, "Source a community builds more of when it has been short of energy (a standing rule); empty for none.", ""),
    Decl::new("energy.expand_review_days", "days", Check::Count(1, 3650), "Days between a community's reviews of its shortage under that rule.", ""),
    Decl::new("energy.wear", "", Check::Free, "Whether installations wear out after their `lifetime_years` and are rebuilt.", ""),
    Decl::new("energy.organisation", "", Check::Choice(&["community", "regional"]), "Who owns and runs the installations: each community its own (`community`, appropriate technology) or a regional syndicate pooling a region's.", ""),
    Decl::new("energy.regional_scale_factor", "", Check::Range(0.01, 1.0), "Under a regional syndicate, the labour to build and to run a kW as a share of a community's.", "Assumptions: a regional syndicate's larger installations take 70% of the labour a kW to build and to run, its sites give 10% more from the sun, wind and water than rooftops and village sites, and carrying the energy to the communities loses 6% (the order of grid transmission and distribution losses)."),
    Decl::new("energy.regional_site_gain", "", Check::Range(1.0, 2.0), "Under a regional syndicate, output of solar, wind and hydro over a community's, from sites chosen across the region.", ""),
    Decl::new("energy.transmission_loss_share", "share", Check::Share, "Under a regional syndicate, share of generation lost carrying it from the regional installations to the communities.", ""),
    Decl::new("energy.*.kw_per_person", "kW", Check::Range(0.0, 1000.0), "Installed capacity at the start.", "Assumption: about 8.3 kWh a day per person on average from solar and wind, a little above the default demand.")
        .fixed("installations are placed when the world is built; assemblies build more (`energy.expand_source`), and an `installation_failure` event takes capacity away"),
    Decl::new("energy.*.capacity_factor", "share", Check::Range(0.01, 1.0), "Mean output over installed capacity.", "IRENA, Renewable Power Generation Costs in 2021 (solar PV 17%, onshore wind 39%, hydro 45%, geothermal 77%); nuclear and fossil are assumptions."),
    Decl::new("energy.*.g_co2e_per_kwh", "g/kWh", Check::Range(0.0, 2000.0), "Lifecycle emissions.", "IPCC AR5 WG3 Annex III lifecycle medians (rooftop PV 41, onshore wind 11, hydro 24, geothermal 38, nuclear 12, coal 820 g/kWh)."),
    Decl::new("energy.*.seasonal_amplitude", "share", Check::Share, "Seasonal swing of output around its mean.", ""),
    Decl::new("energy.*.peak_day", "day of year", Check::Count(0, 364), "Day of the year of highest output.", ""),
    Decl::new("energy.*.build_hours_per_kw", "h/kW", Check::Range(0.0, 100000.0), "Labour to build one kW, posted to the construction syndicate.", "Solar: NRDC/CEEW 2014, about 13 FTE per MW while building PV, read as about 23 h/kW (unconfirmed reading); the other sources are assumptions."),
    Decl::new("energy.*.build_materials_t_per_kw", "t/kW", Check::Range(0.0, 1000.0), "Construction goods a kW of it takes to build.", ""),
    Decl::new("energy.*.build_days", "days", Check::Range(1.0, 36500.0), "Days a build takes at full staffing: its hours and materials are spread over them.", ""),
    Decl::new("energy.*.lifetime_years", "years", Check::Range(0.1, 1000.0), "Years an installation runs before it is worn out and retired.", "Assumptions: solar PV 25 years (the usual panel warranty), wind 20, small hydro 80, geothermal 30, nuclear 60, fossil 40."),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn uses() -> [f64; N_GOODS] {
        let mut u = [0.0; N_GOODS];
        u[Good::Devices.index()] = 10.0;
        u[Good::Construction.index()] = 20.0;
        u[Good::Learning.index()] = 30.0;
        u
    }

    #[test]
    fn users_are_cut_in_the_order_given_and_the_rest_in_proportion() {
        use EnergyUser::*;
        let order = [Sector(Good::Devices), Sector(Good::Construction), Homes];
        // 100 kWh wanted, 85 there: devices lose their 10, construction 5 of its 20.
        let (homes, left) = curtail(&order, 40.0, &uses(), 85.0);
        assert_eq!(homes, 40.0);
        assert_eq!(left[Good::Devices.index()], 0.0);
        assert_eq!(left[Good::Construction.index()], 15.0);
        assert_eq!(left[Good::Learning.index()], 30.0);
        // 100 wanted, 20 there: devices, construction and then 40 of homes go; learning, not
        // named, loses the last 10 of the 80 kWh deficit.
        let (homes, left) = curtail(&order, 40.0, &uses(), 20.0);
        assert_eq!(homes, 0.0);
        assert_eq!(left[Good::Construction.index()], 0.0);
        assert!((left[Good::Learning.index()] - 20.0).abs() < 1e-12);
        // Unnamed users share what is left in proportion: homes 40 and learning 30 of 70 keep
        // 49 kWh between them after devices and construction are cut.
        let (homes, left) = curtail(&order[..2], 40.0, &uses(), 49.0);
        assert!((homes - 28.0).abs() < 1e-12);
        assert!((left[Good::Learning.index()] - 21.0).abs() < 1e-12);
        // Enough energy: nobody is cut.
        let (homes, left) = curtail(&order, 40.0, &uses(), 100.0);
        assert_eq!((homes, left), (40.0, uses()));
    }

    #[test]
    fn a_source_table_keeps_the_defaults_of_the_keys_it_leaves_out() {
        let e: EnergyParams = toml::from_str("[solar]\nkw_per_person = 2.0\n").unwrap();
        let d = EnergyParams::default();
        assert_eq!(e.solar.kw_per_person, 2.0);
        assert_eq!(
            e.solar,
            SourceParams {
                kw_per_person: 2.0,
                ..d.solar.clone()
            }
        );
        assert_eq!(e.solar.seasonal_amplitude, 0.4);
        assert_eq!(e.wind, d.wind);
    }

    #[test]
    fn a_build_adds_capacity_only_when_its_hours_and_materials_are_in() {
        let params = EnergyParams::default();
        let mut builds = EnergyBuilds::default();
        builds.request(&params, Source::Wind, 100.0);
        let w = Source::Wind as usize;
        assert_eq!(builds.kw[w], 100.0);
        assert!((builds.hours_left[w] - 100.0 * params.wind.build_hours_per_kw).abs() < 1e-9);
        assert!(
            (builds.hours_per_day[w] * params.wind.build_days - builds.hours_left[w]).abs() < 1e-9
        );
        builds.request(&params, Source::Wind, f64::NAN);
        builds.request(&params, Source::Wind, -5.0);
        assert_eq!(builds.building_kw(), 100.0);
    }
}

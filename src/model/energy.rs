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
use super::components::{Community, Ledger};
use super::goods::Good;
use super::params::{Params, Sector};
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
}

impl SourceParams {
    fn new(kw: f64, cf: f64, g: f64, amplitude: f64, peak_day: u32) -> Self {
        Self {
            kw_per_person: kw,
            capacity_factor: cf,
            g_co2e_per_kwh: g,
            seasonal_amplitude: amplitude,
            peak_day,
        }
    }
}

impl Default for SourceParams {
    fn default() -> Self {
        Self::new(0.0, 0.5, 0.0, 0.0, 0)
    }
}

/// The `[energy]` section.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EnergyParams {
    pub solar: SourceParams,
    pub wind: SourceParams,
    pub hydro: SourceParams,
    pub geothermal: SourceParams,
    pub nuclear: SourceParams,
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
}

impl Default for EnergyParams {
    fn default() -> Self {
        // Capacity factors: IRENA, Renewable Power Generation Costs in 2021 (solar PV 17%,
        // onshore wind 39%, hydro 45%, geothermal 77%). Lifecycle medians: IPCC AR5 WG3 Annex III
        // (rooftop PV 41, onshore wind 11, hydro 24, geothermal 38, nuclear 12, coal 820 g/kWh).
        // Capacities per person are assumptions: about 8.3 kWh a day per person on average,
        // a little above the default demand, less in winter when solar is weak.
        Self {
            solar: SourceParams::new(1.0, 0.17, 41.0, 0.4, 172),
            wind: SourceParams::new(0.45, 0.39, 11.0, 0.2, 15),
            hydro: SourceParams::new(0.0, 0.45, 24.0, 0.2, 120),
            geothermal: SourceParams::new(0.0, 0.77, 38.0, 0.0, 0),
            nuclear: SourceParams::new(0.0, 0.9, 12.0, 0.0, 0),
            fossil: SourceParams::new(0.0, 0.6, 820.0, 0.0, 0),
            allow_nuclear: false,
            allow_fossil: false,
            storage_kwh_per_person: 5.0,
            storage_efficiency: 0.9,
            regional_grid: true,
            grid_loss_share: 0.05,
            weather_cv: 0.3,
            capacity_spread: 0.3,
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
    weather: Res<Weather>,
    mut ledger: ResMut<Ledger>,
    mut communities: Query<(&Community, &mut EnergySystem)>,
) {
    let e = &params.energy;
    let day = clock.day_of_year();
    let energy_sector = Sector::Making(Good::Energy).index();
    let mut per_kw = [0.0; N_SOURCES];
    for source in Source::ALL {
        per_kw[source as usize] = e.seasonal_kwh_per_kw(source, day);
    }
    // Own generation and storage first.
    for (community, mut system) in &mut communities {
        let today = &mut ledger.days[community.id as usize];
        let posted = today.posted[energy_sector];
        let staffed = if posted > 0.0 {
            ((posted - today.unfilled[energy_sector]) / posted).clamp(0.0, 1.0)
        } else {
            1.0
        };
        let demand = today.goods.planned[Good::Energy.index()];
        let region_weather = weather.factors[community.region as usize];
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
        today.energy = flows;
        today.energy_surplus = surplus;
        today.energy_short = short;
    }
    // Regional grid: surplus shared over each region's links, in proportion to need.
    if e.regional_grid {
        let regions = weather.factors.len();
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
            today.energy.imported = received;
            today.energy.exported = given;
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
        if e.allow_fossil && today.energy_short > 0.0 {
            let room = system.capacity_kw[Source::Fossil as usize] * fossil_per_kw;
            let burn = today.energy_short.min(room);
            today.energy.generated[Source::Fossil as usize] = burn;
            today.energy.available += burn;
            today.energy_short -= burn;
        }
        today.energy.curtailed = today.energy_surplus;
    }
}

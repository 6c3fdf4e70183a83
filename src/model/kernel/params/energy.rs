//! The `[energy]` section: sources, their capacity, lifecycle emissions and build times, and how
//! shortfalls are shared.

use crate::model::kernel::calendar::YEAR;
use crate::model::kernel::decl::{Check, Decl};
use crate::model::kernel::goods::Good;
use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

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
    pub(crate) fn weather_index(self) -> Option<usize> {
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
        // Lifetimes (docs/calibration.md has none) are assumptions: solar PV 25 years (the usual
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
    pub(crate) fn seasonal_kwh_per_kw(&self, source: Source, day: u32) -> f64 {
        let p = self.source(source);
        let phase =
            std::f64::consts::TAU * f64::from((day + YEAR - p.peak_day) % YEAR) / f64::from(YEAR);
        24.0 * p.capacity_factor * (1.0 + p.seasonal_amplitude * phase.cos())
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

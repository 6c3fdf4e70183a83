//! The `[rail]` section: the network's links, freight and upkeep.

use crate::model::kernel::decl::{Check, Decl};
use serde::{Deserialize, Serialize};

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

/// A standing agreement between two regions given in a scenario: `[[rail.agreements]]` with
/// `supplier` and `receiver`: the supplier region sends what it can spare of food and goods to
/// the receiver when the receiver is short.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgreementSpec {
    /// Region id of the region that gives (0-based).
    pub supplier: u32,
    /// Region id of the region that receives (0-based).
    pub receiver: u32,
}

/// How food and goods move between regions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Transfers {
    /// A region short of something takes it from the nearest regions with a surplus, as a
    /// standing rule.
    #[default]
    Nearest,
    /// Only from regions with an agreement to supply it (`rail.agreements`), nearest first.
    Agreements,
    /// Only under agreements, which the regional assemblies make, revise and end: they start
    /// as `rail.agreements` (`governance/proposals/supply_agreement.rs`).
    Assemblies,
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
    /// A generated link between two located communities is the straight line between them times
    /// this (factor).
    pub detour_factor: f64,
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
    /// Days from sending storable goods by rail to their arrival in the receiver's store (0: the
    /// same day).
    pub goods_lead_days: u32,
    /// Mass of a device, for freight (kg).
    pub device_kg: f64,
    /// Energy of a passenger-km by rail, for exchange helpers travelling to their hosts
    /// (kWh/passenger-km).
    pub kwh_per_passenger_km: f64,
    /// How many of the nearest regions with a surplus a region short of food or of a good asks
    /// each day (count); bounds the day's work in a world of many regions.
    pub source_regions: u32,
    /// How food and goods move between regions: by the standing rule or only under agreements.
    pub transfers: Transfers,
    /// Standing agreements between regions, used under `transfers = "agreements"`, and the
    /// agreements in force at the start under `transfers = "assemblies"`.
    pub agreements: Vec<AgreementSpec>,
    /// Under `transfers = "assemblies"`: an agreement comes up again at the supplier's regional
    /// assembly once it has stood this long since it was made or last kept (days).
    pub agreement_term_days: u32,
    /// Under `transfers = "assemblies"`: an agreement nothing has crossed under for this long
    /// lapses at the supplier's next regional assembly (days).
    pub agreement_lapse_days: u32,
}

impl Default for RailParams {
    fn default() -> Self {
        Self {
            freight: true,
            links: Vec::new(),
            link_km_min: 5.0,
            link_km_max: 30.0,
            // Assumption: lines follow valleys and serve places between.
            detour_factor: 1.25,
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
            // Assumption: goods arrive the day they are sent, the rule before lead times.
            goods_lead_days: 0,
            // Assumption: phones, computers and tools, about 2 kg a device.
            device_kg: 2.0,
            // Odyssee-Mure (EU 2019, docs/calibration.md): a car takes 7.3 times rail's energy per
            // passenger-km; rail at about 0.05 kWh, as in `transport.car_kwh_per_km`'s note.
            kwh_per_passenger_km: 0.05,
            // Assumption: a short region asks its 16 nearest regions with a surplus a day.
            source_regions: 16,
            transfers: Transfers::Nearest,
            agreements: Vec::new(),
            // Assumption: a year, a season's round of harvests.
            agreement_term_days: 364,
            // Assumption: half a year.
            agreement_lapse_days: 182,
        }
    }
}

/// The declarations of this section's parameters (see [`super::decl`]).
pub const DECLS: &[Decl] = &[
    Decl::new("rail.freight", "", Check::Free, "Whether food is moved between communities.", ""),
    Decl::new("rail.links", "", Check::Free, "Links to build instead of the generated network; empty to generate one.", "")
        .fixed("the network is laid when the world is built; a `rail_failure` event takes a link out of service"),
    Decl::new("rail.link_km_min", "km", Check::Range(0.01, 10000.0), "Shortest generated link (links are drawn between this and `link_km_max`).", "")
        .fixed("the network is laid when the world is built"),
    Decl::new("rail.link_km_max", "km", Check::Range(0.01, 10000.0), "Longest generated link.", "")
        .fixed("the network is laid when the world is built"),
    Decl::new("rail.detour_factor", "factor", Check::Range(1.0, 10.0), "A generated link between two communities that both have a location (`x_km` and `y_km` in `population.overrides` or the communities file) is the straight line between them times this, instead of a length drawn between `link_km_min` and `link_km_max` (a trunk line between regions, three times that).", "Assumption: 1.25; lines follow valleys and serve the places between.")
        .fixed("the network is laid when the world is built"),
    Decl::new("rail.extra_links_per_region", "count", Check::Count(0, 1000), "Generated links in each region beyond the line through its communities.", "")
        .fixed("the network is laid when the world is built"),
    Decl::new("rail.capacity_tonne_km_per_day", "tonne-km/day", Check::Range(0.0, 1000000000.0), "Freight each link can carry.", "Assumption: a lightly used regional line.")
        .fixed("line capacity is set when the network is laid"),
    Decl::new("rail.kwh_per_tonne_km", "kWh/tonne-km", Check::Range(0.0, 100.0), "Energy to move a tonne one km.", "IEA (The Future of Trucks, 2017) and ORNL (Transportation Energy Data Book 34): rail freight about 0.14-0.21 MJ/tonne-km, about 0.05 kWh."),
    Decl::new("rail.maintenance_hours_per_km_year", "h/km/yr", Check::Range(0.0, 100000.0), "Labour to keep a km of line in repair for a year.", "Assumption: about 100 hours of track work per km a year."),
    Decl::new("rail.min_shortfall_days", "days", Check::Range(0.0, 365.0), "A community ships food only when it is short by more than this many days of need.", ""),
    Decl::new("rail.goods_lead_days", "days", Check::Count(0, 14), "Days from sending storable goods by rail (within a region or between regions) to their arrival in the receiver's store; meanwhile they are in transit (`goods_in_transit_kg`), neither the sender's nor the receiver's to use, and the receiver counts them as on their way (so it does not ask for them again). 0: they arrive the day they are sent.", "Assumption: 0 by default (no lead time), the rule before lead times.").fixed("goods already in transit would have no day to arrive on; compare two scenarios instead"),
    Decl::new("rail.goods_freight", "", Check::Free, "Whether storable goods move between communities, within regions and over trunk lines to neighbouring regions.", ""),
    Decl::new("rail.device_kg", "kg", Check::Range(0.0, 1000.0), "Mass of a device, for freight.", "Assumption: phones, computers and tools, about 2 kg a device."),
    Decl::new("rail.kwh_per_passenger_km", "kWh/passenger-km", Check::Range(0.0, 10.0), "Energy of a passenger-km by rail, for exchange helpers travelling to their hosts.", "Odyssee-Mure (EU 2019, docs/calibration.md): a car takes 7.3 times rail's energy per passenger-km; rail at about 0.05 kWh, as in `transport.car_kwh_per_km`'s note."),
    Decl::new("rail.transfers", "", Check::Choice(&["nearest", "agreements", "assemblies"]), "How food and goods move between regions: `nearest`, a standing rule by which a region short of something takes it from the nearest regions with a surplus; `agreements`, only from regions that agreed to supply it (`rail.agreements`, standing for the whole run), nearest first; or `assemblies`, only under agreements that start as `rail.agreements` and are then made, revised and ended by the regional assemblies (the proposal kind `supply_agreement`; docs/planning.md). Within a region communities share as before.", "The essay: \"Some portion of the harvest may be transported to more distant communities as part of an agreement at the regional or global level.\""),
    Decl::new("rail.agreements", "", Check::Free, "Standing agreements between regions under `transfers = \"agreements\"` (under `\"assemblies\"`, those in force at the start): `[[rail.agreements]]` with `supplier` and `receiver`, region ids from 0. The supplier sends the receiver what it can spare of food and storable goods when the receiver is short.", ""),
    Decl::new("rail.agreement_term_days", "days", Check::Count(1, 36500), "Under `transfers = \"assemblies\"`: an agreement comes up again at the supplier's regional assembly once it has stood this long since it was made or last kept (it also comes up when the supplier was itself short since its last meeting); failing, it ends.", "Assumption: a year, a season's round of harvests."),
    Decl::new("rail.agreement_lapse_days", "days", Check::Count(1, 36500), "Under `transfers = \"assemblies\"`: an agreement nothing has crossed under for this long lapses at the supplier's next regional assembly (a decision without a vote, in the decisions table).", "Assumption: half a year."),
    Decl::new("rail.source_regions", "regions", Check::Count(1, 100000), "How many of the nearest regions with a surplus a region short of food or of a good asks each day (count); bounds the day's work in a world of many regions.", "Assumption: a short region asks its 16 nearest regions with a surplus a day."),
];

//! The `[global]` section: goods made by world syndicates (devices).

use crate::model::kernel::decl::{Check, Decl};
use serde::{Deserialize, Serialize};

/// Who makes devices.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceMaking {
    /// Each community's own syndicate, for its own members (no data network).
    #[default]
    Community,
    /// The global syndicate, in designated communities, for the whole world.
    Global,
}

/// The `[global]` section.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GlobalParams {
    /// Who makes devices: `community` or `global`.
    pub devices: DeviceMaking,
    /// Under `global`: communities of each region (its first ones) where the global syndicate
    /// makes devices (count, at least 1).
    pub device_communities_per_region: u32,
    /// Under `global`: labour to keep the data network up (hours/person/year), booked to the
    /// devices sector of every community in proportion to its members.
    pub data_network_hours_per_person_year: f64,
    /// Under `global`: energy the data network uses, data centres and transmission
    /// (kWh/person/day), part of every community's energy need.
    pub data_network_kwh_per_person_day: f64,
}

impl Default for GlobalParams {
    fn default() -> Self {
        Self {
            devices: DeviceMaking::Community,
            device_communities_per_region: 1,
            // Assumption: two hours of technicians' work per person a year (about one
            // technician per thousand people); not in docs/calibration.md.
            data_network_hours_per_person_year: 2.0,
            // Assumption: IEA (Data Centres and Data Transmission Networks, 2023) puts data
            // centres and transmission networks at about 1-1.5% of world electricity each, some
            // 500-700 TWh a year, about 0.2 kWh per person a day; not in docs/calibration.md.
            data_network_kwh_per_person_day: 0.2,
        }
    }
}

impl GlobalParams {
    pub fn global(&self) -> bool {
        self.devices == DeviceMaking::Global
    }
}

/// The declarations of this section's parameters (see [`super::decl`]).
pub const DECLS: &[Decl] = &[
    Decl::new("global.devices", "", Check::Free, "Who makes devices: `community` or `global`.", ""),
    Decl::new("global.device_communities_per_region", "communities", Check::Free, "Under `global`: communities of each region (its first ones) where the global syndicate makes devices.", "")
        .fixed("device syndicates are placed when the world is built"),
    Decl::new("global.data_network_hours_per_person_year", "h/person/year", Check::Range(0.0, 1000.0), "Under `global`: labour to keep the data network up (hours/person/year), booked to the devices sector of every community in proportion to its members.", "Assumption: two hours of technicians' work per person a year (about one technician per thousand people); not in docs/calibration.md."),
    Decl::new("global.data_network_kwh_per_person_day", "kWh/person/day", Check::Range(0.0, 100.0), "Under `global`: energy the data network uses, data centres and transmission (kWh/person/day), part of every community's energy need.", "Assumption: IEA (Data Centres and Data Transmission Networks, 2023) puts data centres and transmission networks at about 1-1.5% of world electricity each, some 500-700 TWh a year, about 0.2 kWh per person a day; not in docs/calibration.md."),
];

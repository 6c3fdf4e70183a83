//! Passenger transport policy: rail only, or cars allowed for a share of passenger-km.
//!
//! Passenger-km are the `transport` good. By default every passenger-km goes by rail, with the
//! inputs and labour of `[inputs.transport]` and `[goods.transport]`. Where the scenario allows
//! cars, `car_share` of the passenger-km go by car, and each of those takes the car's energy, the
//! materials of making and keeping cars (in tonnes of the `materials` good), the labour of making
//! and servicing them, and their lifecycle emissions beyond energy. The economy then uses the
//! blend of the two in its technical coefficients, so cars are counted in the hours, the energy
//! and the footprint like any other use.

use serde::{Deserialize, Serialize};

use crate::model::kernel::decl::{Check, Decl};

/// The `[transport]` section.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TransportParams {
    /// Whether cars are allowed (on/off). Off: rail only.
    pub cars_allowed: bool,
    /// Share of passenger-km travelled by car where cars are allowed (0..1).
    pub car_share: f64,
    /// Energy of a passenger-km by car (kWh/passenger-km).
    pub car_kwh_per_km: f64,
    /// Materials for making and keeping cars, per passenger-km (t/passenger-km).
    pub car_materials_t_per_km: f64,
    /// Labour of making and servicing cars, per passenger-km (hours/passenger-km).
    pub car_hours_per_km: f64,
    /// Lifecycle emissions of cars beyond their energy: making, tyres, disposal
    /// (kg CO2e/passenger-km).
    pub car_kg_co2e_per_km: f64,
    /// The global assembly votes on allowing cars (or, once allowed, on giving them up) at
    /// each of its meetings (on/off). Off: `cars_allowed` stands as the scenario sets it.
    pub cars_vote: bool,
    /// Travel time a passenger-km by car saves against rail, door to door (hours/passenger-km).
    pub car_hours_saved_per_km: f64,
}

impl Default for TransportParams {
    fn default() -> Self {
        Self {
            cars_allowed: false,
            // Assumption near the EU's modal split (Eurostat: cars carry about four in five
            // inland passenger-km); not in docs/calibration.md.
            car_share: 0.8,
            // Odyssee-Mure (EU 2019): a car takes 7.3 times the energy of rail per
            // passenger-km; at rail's 0.05 kWh, about 0.365 kWh.
            car_kwh_per_km: 0.365,
            // Assumption: a 1.4 t car lasting 200,000 km with 1.5 persons aboard, plus upkeep
            // parts: about 5 g a passenger-km.
            car_materials_t_per_km: 0.000_005,
            // Assumption: about 300 hours to make a car, 1,000 hours of servicing and repair and
            // 500 hours of road building and upkeep over its life of 200,000 km with 1.5 aboard:
            // about 0.006 h a passenger-km (rail's crews and upkeep: 0.005).
            car_hours_per_km: 0.006,
            // Assumption: about 6 t CO2e to make a car, over 300,000 passenger-km: 0.02 kg.
            car_kg_co2e_per_km: 0.02,
            cars_vote: false,
            // Assumption: door to door, rail at about 40 km/h and a car at about 50 km/h:
            // 1/40 - 1/50 = 0.005 h a passenger-km.
            car_hours_saved_per_km: 0.005,
        }
    }
}

impl TransportParams {
    /// Share of passenger-km travelled by car (0 when cars are not allowed).
    pub fn car_share(&self) -> f64 {
        if self.cars_allowed {
            self.car_share
        } else {
            0.0
        }
    }
}

/// The declarations of this section's parameters (see [`super::decl`]).
pub const DECLS: &[Decl] = &[
    Decl::new(
        "transport.cars_allowed",
        "",
        Check::Free,
        "Whether cars are allowed (on/off). Off: rail only.",
        "",
    ),
    Decl::new(
        "transport.car_share",
        "share",
        Check::Share,
        "Share of passenger-km travelled by car where cars are allowed.",
        "Assumption near the EU's modal split (Eurostat: cars carry about four in five inland passenger-km); not in docs/calibration.md.",
    ),
    Decl::new(
        "transport.car_kwh_per_km",
        "kWh/passenger-km",
        Check::Range(0.0, 100.0),
        "Energy of a passenger-km by car.",
        "Odyssee-Mure (EU 2019): a car takes 7.3 times the energy of rail per passenger-km; at rail's 0.05 kWh, about 0.365 kWh.",
    ),
    Decl::new(
        "transport.car_materials_t_per_km",
        "t/passenger-km",
        Check::Range(0.0, 1.0),
        "Materials for making and keeping cars, per passenger-km.",
        "Assumption: a 1.4 t car lasting 200,000 km with 1.5 persons aboard, plus upkeep parts: about 5 g a passenger-km.",
    ),
    Decl::new(
        "transport.car_hours_per_km",
        "h/passenger-km",
        Check::Range(0.0, 10.0),
        "Labour of making and servicing cars, per passenger-km.",
        "Assumption: about 300 hours to make a car, 1,000 hours of servicing and repair and 500 hours of road building and upkeep over its life of 200,000 km with 1.5 aboard: about 0.006 h a passenger-km (rail's crews and upkeep: 0.005).",
    ),
    Decl::new(
        "transport.car_kg_co2e_per_km",
        "kg/passenger-km",
        Check::Range(0.0, 100.0),
        "Lifecycle emissions of cars beyond their energy: making, tyres, disposal.",
        "Assumption: about 6 t CO2e to make a car, over 300,000 passenger-km: 0.02 kg.",
    ),
    Decl::new(
        "transport.cars_vote",
        "",
        Check::Free,
        "The global assembly votes on allowing cars (or, once allowed, on giving them up) at each of its meetings (on/off). Off: `cars_allowed` stands as the scenario sets it.",
        "",
    ),
    Decl::new(
        "transport.car_hours_saved_per_km",
        "h/passenger-km",
        Check::Range(0.0, 10.0),
        "Travel time a passenger-km by car saves against rail, door to door.",
        "Assumption: door to door, rail at about 40 km/h and a car at about 50 km/h: 1/40 - 1/50 = 0.005 h a passenger-km.",
    ),
];

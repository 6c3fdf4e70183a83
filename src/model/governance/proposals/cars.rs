//! Allow cars (a global automobile syndicate) for a share of passenger-km, or give them up,
//! where `transport.cars_vote` is on. Passed either way, cars change the technical coefficients
//! of transport.

use super::{Acts, Effect, Meeting, ProposalKind, Upper};
use crate::model::kernel::decisions::{Level, Subject, Yesterday};
use crate::model::kernel::goods::Good;
use crate::model::kernel::ledger::PeopleDay;
use crate::model::kernel::params::Params;
use crate::model::kernel::technology::Economy;

#[derive(Debug)]
pub struct Cars;

impl ProposalKind for Cars {
    fn names(&self) -> (&'static [&'static str], &'static str) {
        (&["cars"], "world")
    }

    fn propose_upper(&self, m: &Meeting) -> Option<Upper> {
        if !m.params.transport.cars_vote {
            return None;
        }
        let allowed = m.decided.cars_allowed(m.params);
        let subject = if allowed {
            Subject::GiveUpCars
        } else {
            Subject::AllowCars
        };
        let effects = m
            .books
            .people
            .iter()
            .zip(&m.gov.yesterday)
            .map(|(d, y)| {
                let e = car_effect(m.params, d, y);
                if allowed { e.reversed() } else { e }
            })
            .collect();
        Some(Upper {
            kind: &Cars,
            bodies: vec![(Level::World, subject)],
            effects,
        })
    }

    fn decided_upper(&self, _level: Level, subject: Subject, passed: bool, acts: &mut Acts) {
        if passed {
            acts.decided.cars = Some((subject == Subject::AllowCars, acts.tick));
            // Cars change the technical coefficients of transport.
            *acts.economy = Economy::new(&acts.decided.in_force(acts.params));
        }
    }
}

/// The estimated effect on a member of community day `d` of allowing cars: the travel time a car
/// saves, less the extra hours of making, servicing and road-building beyond rail's (h/day);
/// the emissions of the car's energy at the community's energy mix of the day before, and of
/// making the cars, beyond rail's (kg CO2e/day, as a loss).
fn car_effect(params: &Params, d: &PeopleDay, y: &Yesterday) -> Effect {
    let t = &params.transport;
    let persons = f64::from(d.persons.max(1));
    let rail = params.goods.get(Good::Transport);
    let km = rail.need(&d.headcount) / persons * t.car_share;
    let rail_kwh = params.inputs.row(Good::Transport).get(Good::Energy);
    let extra_hours = (t.car_hours_per_km - rail.labour_hours_per_unit) * km;
    let extra_kg = km
        * (t.car_kg_co2e_per_km - rail.kg_co2e_per_unit
            + (t.car_kwh_per_km - rail_kwh) * y.energy_g_per_kwh / 1000.0);
    Effect {
        leisure: (km * t.car_hours_saved_per_km - extra_hours) as f32,
        goods: 0.0,
        environment: -extra_kg as f32,
    }
}

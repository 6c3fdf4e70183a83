//! Phase out fossil energy, where the scenario allows it and it is in use: each member weighs
//! the emissions avoided against the share of energy lost.

use super::{Acts, Effect, Meeting, ProposalKind, Upper};
use crate::model::kernel::decisions::{Level, Subject};
use crate::model::kernel::goods::N_GOODS;

#[derive(Debug)]
pub struct PhaseOutFossil;

impl ProposalKind for PhaseOutFossil {
    fn names(&self) -> (&'static [&'static str], &'static str) {
        (&["phase_out_fossil"], "world")
    }

    fn propose_upper(&self, m: &Meeting) -> Option<Upper> {
        let fossil_in_use = m.gov.yesterday.iter().map(|y| y.fossil_kwh).sum::<f64>() > 0.0;
        if !(m.decided.allow_fossil(m.params) && fossil_in_use) {
            return None;
        }
        let g = m.params.energy.fossil.g_co2e_per_kwh / 1000.0;
        let effects = m
            .books
            .people
            .iter()
            .zip(&m.gov.yesterday)
            .map(|(d, y)| {
                let persons = f64::from(d.persons.max(1));
                let fossil_share = (y.fossil_kwh / y.energy_made.max(1e-9)).min(1.0);
                Effect {
                    leisure: 0.0,
                    goods: -(fossil_share / f64::from(N_GOODS as u32 + 1)) as f32,
                    environment: (y.fossil_kwh * g / persons) as f32,
                }
            })
            .collect();
        Some(Upper {
            kind: &PhaseOutFossil,
            bodies: vec![(Level::World, Subject::PhaseOutFossil)],
            effects,
        })
    }

    fn decided_upper(&self, _level: Level, _subject: Subject, passed: bool, acts: &mut Acts) {
        if passed {
            acts.decided.fossil_phased_out = Some(acts.tick);
        }
    }
}

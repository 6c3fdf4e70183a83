//! Harvest help as the regional assemblies decide it (`labour.harvest_help_decided`): a region
//! whose rural farms left work unfilled at the current or last harvest, before any help, takes
//! up whether its urban members help them at harvest. Its urban members weigh the hours against
//! the harvest saved (at `assembly.solidarity`), its rural members the harvest saved. Passed or
//! not, the decision stands until the next (`Government::harvest_help`); the labour allocation
//! reads it region by region.

use super::{Acts, Effect, Meeting, ProposalKind, Upper};
use crate::model::kernel::decisions::{Level, Subject};
use crate::model::kernel::regions::Urban;

/// Unfilled farm hours at harvest below this are not worth a meeting (hours).
const UNFILLED_TOLERANCE: f64 = 1.0;

#[derive(Debug)]
pub struct HarvestHelp;

impl ProposalKind for HarvestHelp {
    fn names(&self) -> (&'static [&'static str], &'static str) {
        (&["harvest_help"], "region")
    }

    fn propose_upper(&self, m: &Meeting) -> Option<Upper> {
        let params = m.params;
        if !params.labour.harvest_help_decided {
            return None;
        }
        let urban = Urban::of_params(params);
        let food = &params.food;
        let per_need = super::NEED_SHARE;
        let mut effects = vec![Effect::default(); m.books.len()];
        let mut bodies = Vec::new();
        for (r, members) in m.regions.all().enumerate() {
            let hours = m.gov.harvest_unfilled[r];
            if hours < UNFILLED_TOLERANCE {
                continue;
            }
            let settled = || members.clone().filter(|&c| m.settled.is(c));
            let (mut urban_persons, mut rural_need, mut need) = (0.0, 0.0, 0.0);
            for c in settled() {
                let year = m.books.food[c].need_kg * 365.0;
                need += year;
                if urban.is(c) {
                    urban_persons += f64::from(m.books.people[c].persons);
                } else {
                    rural_need += year;
                }
            }
            if urban_persons <= 0.0 || rural_need <= 0.0 {
                continue;
            }
            bodies.push((Level::Region(r as u32), Subject::HarvestHelp));
            // The land those hours leave unharvested, and the food it would have given.
            let kg = hours / food.labour_hours_per_ha.max(1e-9) * food.yield_kg_per_ha;
            let rural = (kg / rural_need).min(1.0) * per_need;
            let regional = (kg / need.max(1e-9)).min(1.0) * per_need;
            let leisure = -(hours / urban_persons / 365.0);
            for c in settled() {
                effects[c] = if urban.is(c) {
                    Effect {
                        leisure: leisure as f32,
                        goods: (params.assembly.solidarity * regional) as f32,
                        environment: 0.0,
                    }
                } else {
                    Effect {
                        leisure: 0.0,
                        goods: rural as f32,
                        environment: 0.0,
                    }
                };
            }
        }
        (!bodies.is_empty()).then_some(Upper {
            kind: &HarvestHelp,
            bodies,
            effects,
        })
    }

    fn decided_upper(&self, level: Level, _subject: Subject, passed: bool, acts: &mut Acts) {
        if let Level::Region(r) = level {
            acts.gov.harvest_help[r as usize] = Some(passed);
        }
    }
}

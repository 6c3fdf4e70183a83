//! City help as the regional assemblies decide it (`labour.city_help_decided`): a region whose
//! urban communities left work unfilled outside the farm in the current or last season between
//! harvest and growing season, before any help, takes up whether its rural members help them
//! then. Its rural members weigh the hours against the goods the cities would have (at
//! `assembly.solidarity`, and as the cities' share of the region), its urban members the goods
//! they would have. Passed or not, the decision stands until the next
//! (`Government::city_help`); the labour allocation reads it region by region. The mirror of
//! [`super::harvest_help`].

use super::{Acts, Effect, Meeting, ProposalKind, Upper};
use crate::model::kernel::decisions::{Level, Subject};
use crate::model::kernel::goods::N_GOODS;
use crate::model::kernel::regions::Urban;

/// Unfilled hours in the cities below this are not worth a meeting (hours).
const UNFILLED_TOLERANCE: f64 = 1.0;

#[derive(Debug)]
pub struct CityHelp;

impl ProposalKind for CityHelp {
    fn names(&self) -> (&'static [&'static str], &'static str) {
        (&["city_help"], "region")
    }

    fn propose_upper(&self, m: &Meeting) -> Option<Upper> {
        let params = m.params;
        if !params.labour.city_help_decided {
            return None;
        }
        let urban = Urban::of_params(params);
        // The share of a member's needs that everything but food is.
        let goods_share = N_GOODS as f64 / (N_GOODS as f64 + 1.0);
        let mut effects = vec![Effect::default(); m.books.len()];
        let mut bodies = Vec::new();
        for (r, members) in m.regions.all().enumerate() {
            let (hours, posted) = (m.gov.city_unfilled[r], m.gov.city_posted[r]);
            if hours < UNFILLED_TOLERANCE || posted <= 0.0 {
                continue;
            }
            let settled = || members.clone().filter(|&c| m.settled.is(c));
            let (mut urban_persons, mut rural_persons) = (0.0, 0.0);
            for c in settled() {
                let n = f64::from(m.books.people[c].persons);
                if urban.is(c) {
                    urban_persons += n;
                } else {
                    rural_persons += n;
                }
            }
            if urban_persons <= 0.0 || rural_persons <= 0.0 {
                continue;
            }
            bodies.push((Level::Region(r as u32), Subject::CityHelp));
            // The share of the cities' work outside the farm those hours leave undone, and of
            // the goods it makes.
            let cities = (hours / posted).min(1.0) * goods_share;
            let regional = cities * urban_persons / (urban_persons + rural_persons);
            let leisure = -(hours / rural_persons / 365.0);
            for c in settled() {
                effects[c] = if urban.is(c) {
                    Effect {
                        leisure: 0.0,
                        goods: cities as f32,
                        environment: 0.0,
                    }
                } else {
                    Effect {
                        leisure: leisure as f32,
                        goods: (params.assembly.solidarity * regional) as f32,
                        environment: 0.0,
                    }
                };
            }
        }
        (!bodies.is_empty()).then_some(Upper {
            kind: &CityHelp,
            bodies,
            effects,
        })
    }

    fn decided_upper(&self, level: Level, _subject: Subject, passed: bool, acts: &mut Acts) {
        if let Level::Region(r) = level {
            acts.gov.city_help[r as usize] = Some(passed);
        }
    }
}

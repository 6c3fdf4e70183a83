//! Keep the region's food agreement this season: members with land to spare grow for those
//! short. It comes up only in regions where some members' land (after any drought) falls short
//! of a year's need.

use super::{Acts, Effect, Meeting, ProposalKind, Upper};
use crate::model::food::droughts::Droughts;
use crate::model::kernel::decisions::{Level, Subject};
use crate::model::kernel::ledger::Books;
use crate::model::kernel::params::Params;
use crate::model::kernel::regions::Regions;

#[derive(Debug)]
pub struct FoodAgreement;

impl ProposalKind for FoodAgreement {
    fn names(&self) -> (&'static [&'static str], &'static str) {
        (&["food_agreement"], "region")
    }

    fn propose_upper(&self, m: &Meeting) -> Option<Upper> {
        let arable: Vec<f64> = m
            .directory
            .communities
            .iter()
            .map(|e| m.holdings.lands.get(*e).map_or(0.0, |l| l.arable_ha))
            .collect();
        let (effects, regions) =
            effects(m.params, m.regions, m.books, &arable, m.droughts, m.tick)?;
        Some(Upper {
            kind: &FoodAgreement,
            bodies: regions
                .into_iter()
                .map(|r| (Level::Region(r), Subject::FoodAgreement))
                .collect(),
            effects,
        })
    }

    fn decided_upper(&self, level: Level, _subject: Subject, passed: bool, acts: &mut Acts) {
        if let Level::Region(r) = level {
            acts.gov.food_agreement[r as usize] = passed;
        }
    }
}

/// Each community's estimated effect of keeping its region's food agreement this season: those
/// whose land (after any drought) falls short of a year's need get food (a share of need met);
/// those with land to spare give the hours to grow it, and count the others' needs met at
/// `solidarity`. Returns the effects and the regions where someone is short, or `None` if no
/// one is.
fn effects(
    params: &Params,
    membership: &Regions,
    books: &Books,
    arable_ha: &[f64],
    droughts: &Droughts,
    tick: u32,
) -> Option<(Vec<Effect>, Vec<u32>)> {
    let food = &params.food;
    let n = books.len();
    let per_need = super::NEED_SHARE;
    let mut effects = vec![Effect::default(); n];
    let mut regions = Vec::new();
    for (region, members) in membership.all().enumerate() {
        let mut short = 0.0;
        let mut spare = 0.0;
        let mut need_total = 0.0;
        let balance: Vec<f64> = members
            .clone()
            .map(|c| {
                let d = &books.food[c];
                let need = d.need_kg * 365.0 * (1.0 + food.reserve_share);
                need_total += d.need_kg * 365.0;
                let land = arable_ha[c] * food.yield_kg_per_ha * droughts.factor(c, tick);
                land - need
            })
            .collect();
        for b in &balance {
            if *b < 0.0 {
                short -= b;
            } else {
                spare += b;
            }
        }
        if short <= 0.0 || spare <= 0.0 {
            continue;
        }
        regions.push(region as u32);
        let given = f64::min(short, spare);
        // The region's needs met through the agreement, as a share of its food need.
        let regional = given / need_total.max(1e-9) * per_need;
        for (i, c) in members.enumerate() {
            let d = &books.food[c];
            let persons = f64::from(books.people[c].persons.max(1));
            let b = balance[i];
            effects[c] = if b < 0.0 {
                let need = (d.need_kg * 365.0).max(1e-9);
                Effect {
                    leisure: 0.0,
                    goods: ((-b) * given / short / need * per_need) as f32,
                    environment: 0.0,
                }
            } else {
                let kg = b * given / spare;
                let hours = kg / food.yield_kg_per_ha.max(1e-9) * food.labour_hours_per_ha / 365.0;
                Effect {
                    leisure: -(hours / persons) as f32,
                    goods: (params.assembly.solidarity * regional) as f32,
                    environment: 0.0,
                }
            };
        }
    }
    (!regions.is_empty()).then_some((effects, regions))
}

//! Supply agreements between regions, made, revised and ended by the regional assemblies
//! (`rail.transfers = "assemblies"`; the state is `kernel::supply::Supply`, in `Government`).
//!
//! - **Asked and made.** A region left short since its last meeting while a region it has no
//!   agreement with had a surplus (the freight shipper notes the nearest such region and how
//!   much was left unmet) asks that region, at its next regional meeting, to agree to supply it
//!   (`Subject::AskSupply`, the receiver's assembly). If it asks, the supplier's assembly decides
//!   the same day whether to give (`Subject::Supply`); passed, the pair is in force. One request
//!   per short region and meeting: the region whose agreement would have met most of its need.
//! - **Revised.** An agreement in force comes up again at the supplier's assembly when the
//!   supplier was itself short since its last meeting, or once it has stood
//!   `rail.agreement_term_days` since it was made or last kept, if anything crossed under it
//!   since (`Subject::KeepSupply`); failing, it ends.
//! - **Lapsed.** An agreement nothing crossed under for `rail.agreement_lapse_days` lapses at the
//!   supplier's next regional meeting: recorded as a decision without a vote
//!   (`Subject::SupplyLapsed`).
//!
//! The estimated effects: the receiver's members get the needs the transfer meets, a share of
//! need (food and each good alike, as `food_agreement` counts them); the supplier's members give
//! the hours it takes (food at `food.labour_hours_per_ha` per `food.yield_kg_per_ha`, goods at
//! their labour per unit), per person and day, count the receiver's needs met at
//! `assembly.solidarity`, and count against it their own shortfall since their last meeting.
//! For a new agreement the amounts are what the receiver was left short (at most what the
//! supplier could spare), as a share of a year's need and hours spread over a year; for a
//! revision, what crossed under the agreement since it was made or last kept, over those days.

use super::{Acts, Effect, Meeting, ProposalKind, Upper};
use crate::model::kernel::decisions::{Decision, Level, Subject};
use crate::model::kernel::goods::N_GOODS;
use crate::model::kernel::log::LogKind;
use crate::model::kernel::params::Params;
use crate::model::kernel::params::rail::Transfers;
use crate::model::kernel::supply::{FOOD, SLOTS, Terms};

#[derive(Debug)]
pub struct SupplyAgreement;

const NAME: &str = "supply_agreement";

/// Whether agreements are the regional assemblies' to make (and this scenario lets them).
fn on(params: &Params) -> bool {
    params.rail.transfers == Transfers::Assemblies && params.assembly.region.takes_up(NAME)
}

/// Whether the regional assemblies meet on `tick`.
fn region_meets(params: &Params, tick: u32) -> bool {
    tick > 0 && tick.is_multiple_of(params.assembly.region.interval_days.max(1))
}

/// Whether an agreement in force has gone unused so long that it lapses on `tick`.
fn lapses(params: &Params, terms: &Terms, tick: u32) -> bool {
    tick.saturating_sub(terms.last_used) >= params.rail.agreement_lapse_days
}

/// Each region's persons and daily need of every slot (gross use of each good; kg of food).
struct Region {
    persons: f64,
    need: [f64; SLOTS],
}

fn regions(m: &Meeting) -> Vec<Region> {
    m.regions
        .all()
        .map(|members| {
            let mut persons = 0.0;
            let mut final_need = [0.0; N_GOODS];
            let mut food = 0.0;
            for c in members {
                persons += f64::from(m.books.people[c].persons);
                food += m.books.food[c].need_kg;
                for (n, g) in final_need.iter_mut().zip(m.books.goods[c].need) {
                    *n += g;
                }
            }
            let gross = m.economy.gross_output(&final_need);
            let mut need = [0.0; SLOTS];
            need[..N_GOODS].copy_from_slice(&gross);
            need[FOOD] = food;
            Region { persons, need }
        })
        .collect()
}

/// The share of a region's need over `days` that `amounts` meet, counting each good (and food)
/// as one need of `N_GOODS + 1`, each at most its whole need.
fn share(region: &Region, amounts: &[f64; SLOTS], days: f64) -> f64 {
    let per_need = 1.0 / (N_GOODS as f64 + 1.0);
    (0..SLOTS)
        .filter(|&k| region.need[k] > 0.0 && amounts[k] > 0.0)
        .map(|k| per_need * (amounts[k] / (region.need[k] * days)).min(1.0))
        .sum()
}

/// The hours it takes to make `amounts`.
fn hours(m: &Meeting, amounts: &[f64; SLOTS]) -> f64 {
    let food = &m.params.food;
    let mut h = amounts[FOOD] / food.yield_kg_per_ha.max(1e-9) * food.labour_hours_per_ha;
    for g in 0..N_GOODS {
        h += amounts[g].max(0.0) * m.economy.labour[g];
    }
    h
}

/// The effects on every community's members of `supplier` supplying `receiver` with `amounts`
/// over `days`: the receiver's members get the share of need met; the supplier's give the hours
/// and weigh the receiver's needs at `solidarity` against their own shortfall.
fn effects(
    m: &Meeting,
    all: &[Region],
    supplier: u32,
    receiver: u32,
    amounts: &[f64; SLOTS],
    days: f64,
) -> Vec<Effect> {
    let (s, r) = (supplier as usize, receiver as usize);
    let gained = share(&all[r], amounts, days);
    let own_short = share(&all[s], &m.gov.supply.short[s], 365.0);
    let given = hours(m, amounts) / all[s].persons.max(1.0) / days;
    let mut effects = vec![Effect::default(); m.books.len()];
    for c in m.regions.members(r) {
        effects[c].goods = gained as f32;
    }
    for c in m.regions.members(s) {
        effects[c] = Effect {
            leisure: -given as f32,
            goods: (m.params.assembly.solidarity * gained - own_short) as f32,
            environment: 0.0,
        };
    }
    effects
}

impl ProposalKind for SupplyAgreement {
    fn names(&self) -> (&'static [&'static str], &'static str) {
        (&[NAME], "region")
    }

    fn propose_uppers(&self, m: &Meeting) -> Vec<Upper> {
        if !on(m.params) {
            return Vec::new();
        }
        let all = regions(m);
        let supply = &m.gov.supply;
        let mut upper = Vec::new();
        // Revisions of the agreements in force, by (supplier, receiver).
        for (&(supplier, receiver), terms) in &supply.in_force {
            if lapses(m.params, terms, m.tick) {
                continue;
            }
            // Short itself, the supplier reconsiders; at the end of a term, only an agreement
            // that carried something (what nothing crossed under is left to lapse).
            let short = supply.short[supplier as usize].iter().any(|&x| x > 0.0);
            let used = terms.sent.iter().any(|&x| x > 0.0);
            let stood = m.tick.saturating_sub(terms.since);
            if !(short || (used && stood >= m.params.rail.agreement_term_days)) {
                continue;
            }
            let days = f64::from(stood.max(1));
            let subject = Subject::KeepSupply { supplier, receiver };
            upper.push(Upper {
                kind: &SupplyAgreement,
                bodies: vec![(Level::Region(supplier), subject)],
                effects: effects(m, &all, supplier, receiver, &terms.sent, days),
            });
        }
        // Requests: each short region asks the region whose agreement would have met most of
        // its need (the lowest id among equals).
        for receiver in 0..all.len() as u32 {
            let mut best: Option<(f64, u32)> = None;
            for (&(supplier, r), amounts) in &supply.wants {
                if r != receiver || supply.agreed(supplier, r) {
                    continue;
                }
                let gained = share(&all[r as usize], amounts, 365.0);
                if gained > 0.0 && best.is_none_or(|(most, _)| gained > most) {
                    best = Some((gained, supplier));
                }
            }
            let Some((_, supplier)) = best else {
                continue;
            };
            let amounts = &supply.wants[&(supplier, receiver)];
            upper.push(Upper {
                kind: &SupplyAgreement,
                bodies: vec![
                    (
                        Level::Region(receiver),
                        Subject::AskSupply { supplier, receiver },
                    ),
                    (
                        Level::Region(supplier),
                        Subject::Supply { supplier, receiver },
                    ),
                ],
                effects: effects(m, &all, supplier, receiver, amounts, 365.0),
            });
        }
        upper
    }

    /// The supplier's assembly hears a request only if the receiver's assembly made it.
    fn heard(&self, _level: Level, subject: Subject, acts: &Acts) -> bool {
        match subject {
            Subject::Supply { supplier, receiver } => {
                acts.gov.supply.asked.contains(&(supplier, receiver))
            }
            _ => true,
        }
    }

    /// Before the regional assemblies decide: agreements unused too long lapse, and on a
    /// regional meeting day what the regions learnt since their last meeting is cleared (it was
    /// read when the proposals were tabled).
    fn all_met(&self, acts: &mut Acts) {
        let supply = &mut acts.gov.supply;
        supply.asked.clear();
        if !(on(acts.params) && region_meets(acts.params, acts.tick)) {
            return;
        }
        let tick = acts.tick;
        let lapsed: Vec<(u32, u32)> = supply
            .in_force
            .iter()
            .filter(|(_, t)| lapses(acts.params, t, tick))
            .map(|(&pair, _)| pair)
            .collect();
        for (supplier, receiver) in lapsed {
            supply.in_force.remove(&(supplier, receiver));
            let subject = Subject::SupplyLapsed { supplier, receiver };
            acts.gov.decisions.push(Decision {
                tick,
                level: Level::Region(supplier),
                subject,
                yes: 0.0,
                no: 0.0,
                rounds: 0,
                passed: true,
                reverses: None,
            });
            acts.log.push(
                tick,
                LogKind::Decision,
                format!(
                    "region {supplier}: {} (nothing crossed under it for {} days)",
                    subject.describe(),
                    acts.params.rail.agreement_lapse_days
                ),
            );
        }
        let supply = &mut acts.gov.supply;
        for r in 0..supply.short.len() as u32 {
            supply.met(r);
        }
    }

    fn decided_upper(&self, _level: Level, subject: Subject, passed: bool, acts: &mut Acts) {
        let supply = &mut acts.gov.supply;
        match subject {
            Subject::AskSupply { supplier, receiver } if passed => {
                supply.asked.push((supplier, receiver));
            }
            Subject::Supply { supplier, receiver } if passed => {
                supply
                    .in_force
                    .insert((supplier, receiver), Terms::new(acts.tick));
            }
            Subject::KeepSupply { supplier, receiver } => {
                if passed {
                    if let Some(t) = supply.in_force.get_mut(&(supplier, receiver)) {
                        t.since = acts.tick;
                        t.sent = [0.0; SLOTS];
                    }
                } else {
                    supply.in_force.remove(&(supplier, receiver));
                }
            }
            _ => {}
        }
    }
}

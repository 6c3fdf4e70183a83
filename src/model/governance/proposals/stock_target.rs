//! A goods syndicate's own assembly decides its stock target (`economy.syndicate_assemblies`,
//! under `local` or `participatory` planning).
//!
//! **Who.** A syndicate's workers are the adult members of its community, well on the meeting
//! day, who gave its sector at least [`WORKER_HOURS`] on the day before (as their `Work`
//! records when the assembly meets, before the day's labour is allocated). Only they vote on its
//! proposals, only those of them who attend the community's meeting count for its quorum
//! (`assembly.community.quorum` of its workers), and only they spend the proposal's rounds
//! (`assembly.community.round_hours` each).
//!
//! **When.** With their community's assembly (every `assembly.community.interval_days`), after
//! the community's own agenda, by the community's voting rule.
//!
//! **What.** Since their last meeting the workers have seen (`Ordering::seen`) the days their
//! community was short of the good, what went beyond need (a service's output given up, a
//! storable good's stock beyond its reserve days) and their own hours. If their community was
//! short on any day they vote on raising the target a step (`economy.target_step`); if it was
//! never short and something went beyond need, on lowering it a step. A member weighs, by their
//! own values (`voting::vote`):
//! - raising: goods `+ s x G`, the share of days `s` they saw short, times the good's share of
//!   a member's needs `G = 1 / (N_GOODS + 1)` (they expect the higher target to spare those
//!   days), against leisure `- step x B`, the hours a day each of them a step more of the
//!   buffer takes;
//! - lowering: leisure `+ min(S, step / (1 + step) x B)`, the surplus hours a day each of them
//!   saw (`S`), up to what a step off the buffer saves, against goods
//!   `- economy.target_caution x G` (the share of days they expect to go short).
//!
//! `B` is the buffer's hours a day per worker: a service's safety stock (`safety_factor` x
//! target factor x 1.25 x its smoothed absolute forecast error, a day's output) times the hours
//! per unit they saw (their hours over what they made), over the workers; a storable good's
//! reserve (forecast x reserve days x target factor) times the hours per unit, spread over the
//! days to the next meeting, over the workers. `S` is the surplus they saw a day, in the same
//! hours. Passed, the target is scaled from that day's plan on (`syndicates/economy.rs`).
//!
//! [`WORKER_HOURS`]: crate::model::kernel::components::WORKER_HOURS

use super::{Acts, Effect, Meeting, Proposal, ProposalKind, Voter};
use crate::model::kernel::components::{AgeClass, HealthState, Seen, Work};
use crate::model::kernel::decisions::Subject;
use crate::model::kernel::goods::{Good, N_GOODS};
use crate::model::kernel::params::Sector;
use crate::model::kernel::params::economy::{MAD_TO_SD, MAX_TARGET_STEPS, Planning};
use rand_chacha::ChaCha8Rng;

/// Surplus hours a day per worker below this are not worth a vote on lowering.
const SURPLUS_TOLERANCE: f64 = 1e-4;

#[derive(Debug)]
pub struct StockTarget;

/// Whether `work` makes its member one of the workers of `good`'s syndicate.
fn works_for(work: &Work, good: Good) -> bool {
    work.works_in(Sector::Making(good))
}

/// Each of `communities` communities' workers of each of `sectors`' syndicates, as a
/// syndicate's voters are counted: members neither children nor ill who gave the sector at
/// least [`WORKER_HOURS`] on the day before the meeting.
pub(super) fn count_workers<const K: usize>(
    m: &Meeting,
    communities: usize,
    sectors: &[Sector; K],
) -> Vec<[u32; K]> {
    let mut workers = vec![[0u32; K]; communities];
    for (member, person, _, work, _) in m.holdings.persons.iter() {
        if person.age == AgeClass::Child || person.health != HealthState::Well {
            continue;
        }
        let Some(count) = workers.get_mut(member.0 as usize) else {
            continue;
        };
        for (n, sector) in count.iter_mut().zip(sectors) {
            *n += u32::from(work.works_in(*sector));
        }
    }
    workers
}

impl ProposalKind for StockTarget {
    fn names(&self) -> (&'static [&'static str], &'static str) {
        (&["stock_target"], "community")
    }

    fn propose(&self, m: &Meeting, _rngs: &mut [ChaCha8Rng], out: &mut [Vec<Proposal>]) {
        let e = &m.params.economy;
        if !e.syndicate_assemblies || e.planning == Planning::Perfect {
            return;
        }
        // Each syndicate's workers, as the voters are counted (`voter`).
        let sectors: [Sector; N_GOODS] = std::array::from_fn(|g| Sector::Making(Good::ALL[g]));
        let workers = count_workers(m, out.len(), &sectors);
        let interval = f64::from(m.params.assembly.community.interval_days.max(1));
        // A good's share of a member's needs (food is the other share).
        let share = super::NEED_SHARE;
        let step = e.target_step;
        for (c, out) in out.iter_mut().enumerate() {
            for good in Good::ALL {
                let g = good.index();
                // Energy is balanced on the day and the global device syndicate is not theirs
                // (`Meeting::own_plan`).
                if workers[c][g] == 0 {
                    continue;
                }
                let Some(o) = m.own_plan(c, *good) else {
                    continue;
                };
                let Seen {
                    days,
                    short_days,
                    surplus,
                    hours,
                    made,
                } = o.seen;
                if days == 0 {
                    continue;
                }
                let d = f64::from(days);
                let per_unit = if made > 0.0 {
                    hours / made
                } else {
                    m.economy.labour[g]
                };
                let w = f64::from(workers[c][g]);
                let factor = e.target_factor(o.target_steps);
                // The buffer's hours a day per worker, and the surplus's they saw.
                let (buffer, beyond) = if good.storable() {
                    let reserve = m.params.goods.get(*good).reserve_days * factor;
                    (
                        o.forecast * reserve * per_unit / interval / w,
                        surplus / d * per_unit / interval / w,
                    )
                } else {
                    (
                        e.safety_factor * factor * MAD_TO_SD * o.error * per_unit / w,
                        surplus / d * per_unit / w,
                    )
                };
                let (raise, effect) = if short_days > 0 && o.target_steps < MAX_TARGET_STEPS {
                    let effect = Effect {
                        leisure: -(step * buffer) as f32,
                        goods: (f64::from(short_days) / d * share) as f32,
                        environment: 0.0,
                    };
                    (true, effect)
                } else if short_days == 0
                    && beyond > SURPLUS_TOLERANCE
                    && o.target_steps > -MAX_TARGET_STEPS
                {
                    let effect = Effect {
                        leisure: beyond.min(step / (1.0 + step) * buffer) as f32,
                        goods: -(e.target_caution * share) as f32,
                        environment: 0.0,
                    };
                    (false, effect)
                } else {
                    continue;
                };
                let to = o.target_steps + if raise { 1 } else { -1 };
                let subject = Subject::StockTarget {
                    good: *good,
                    raise,
                    to,
                };
                let mut p = Proposal::new(&StockTarget, subject, effect);
                p.figures = [buffer, beyond];
                out.push(p);
            }
        }
    }

    fn voter(&self, p: &Proposal, who: &Voter) -> bool {
        match p.subject {
            Subject::StockTarget { good, .. } => works_for(who.work, good),
            _ => true,
        }
    }

    fn decided(&self, p: &Proposal, c: usize, passed: bool, acts: &mut Acts) {
        if let (true, Subject::StockTarget { good, to, .. }) = (passed, p.subject)
            && let Ok(mut o) = acts
                .holdings
                .orderings
                .get_mut(acts.directory.goods[c][good.index()])
        {
            o.target_steps = to;
        }
    }

    fn met(&self, c: usize, acts: &mut Acts) {
        if !acts.params.economy.syndicate_assemblies {
            return;
        }
        // The workers have met: they count afresh until their next meeting.
        for &entity in &acts.directory.goods[c] {
            if let Ok(mut o) = acts.holdings.orderings.get_mut(entity) {
                o.seen = Seen::default();
            }
        }
    }
}

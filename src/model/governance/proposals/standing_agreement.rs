//! A community's general assembly revises its standing agreements with its goods syndicates
//! (`economy.standing_agreements`, under `local` planning).
//!
//! **What an agreement is.** The community's store agrees with the syndicate that makes a good
//! to take a stated amount of it a day (`Ordering::agreed`). The syndicate plans that amount,
//! and the inputs it takes from the other syndicates, as firm orders known in advance, and
//! forecasts only the orders beyond them (`syndicates/economy.rs::plan_local`). The store takes
//! the amount even on a day it requests less. At the start each agreement is
//! `economy.agreement_share` of the first day's requests of the good.
//!
//! **When it is revised.** At each community meeting, for each good but energy (balanced on the
//! day) and the global syndicate's devices, whose syndicate is not idle and has no revision
//! waiting for its notice: the amount proposed is `agreement_share` of the requests the
//! syndicate has seen, smoothed (`Ordering::requests`), stated to a thousandth of a unit. It is
//! put to the vote when it differs from the amount in force by more than [`TOLERANCE`] of the
//! larger and what the members saw since their last meeting (`Ordering::heard`) speaks for it:
//! a raise if their community was short of the good on some day, a lowering if it never was
//! and some of the good was given up or overstocked. Passed, the revised amount is in force
//! `economy.agreement_notice_days` after the decision; the syndicates plan toward it from the
//! decision on.
//!
//! **The members' weighing** (an assumption, with stock targets' coefficients, ODD 7.17): every
//! member votes, by their own values (`voting::vote`), on
//! - a raise: goods `+ s x G`, the share of days `s` they saw short times the good's share of a
//!   member's needs `G = 1 / (N_GOODS + 1)` (they expect the firm amount to spare those days),
//!   against leisure `- dS x h / n`, the hours a day each of them the added amount takes at
//!   most (`h` hours per unit with the inputs, `l (I - A)^-1`, over the `n` persons);
//! - a lowering: leisure `+ min(U, dS x h / n)`, the surplus hours a day each of them saw (`U`)
//!   up to what the amount taken off takes, against goods `- economy.target_caution x G` (the
//!   share of days they expect to go short).

use super::{Acts, Effect, Meeting, Proposal, ProposalKind};
use crate::model::kernel::components::Seen;
use crate::model::kernel::decisions::Subject;
use crate::model::kernel::goods::{Good, N_GOODS};
use crate::model::kernel::params::economy::Planning;
use rand_chacha::ChaCha8Rng;

/// Share by which the proposed amount must differ from the amount in force to be put to the vote
/// (an assumption: below it a revision is not worth the assembly's time).
pub const TOLERANCE: f64 = 0.02;

#[derive(Debug)]
pub struct StandingAgreement;

impl ProposalKind for StandingAgreement {
    fn names(&self) -> (&'static [&'static str], &'static str) {
        (&["standing_agreement"], "community")
    }

    fn propose(&self, m: &Meeting, _rngs: &mut [ChaCha8Rng], out: &mut [Vec<Proposal>]) {
        let e = &m.params.economy;
        if !e.standing_agreements || e.planning != Planning::Local {
            return;
        }
        // A good's share of a member's needs (food is the other share).
        let share = super::NEED_SHARE;
        for (c, out) in out.iter_mut().enumerate() {
            let n = f64::from(m.books.people[c].persons);
            if n == 0.0 {
                continue;
            }
            for good in Good::ALL {
                let g = good.index();
                let Some(o) = m.own_plan(c, *good) else {
                    continue;
                };
                // One revision at a time: a revised amount waiting for its notice stands.
                if o.revised.is_some_and(|(_, from)| from > m.tick) {
                    continue;
                }
                let Seen {
                    days,
                    short_days,
                    surplus,
                    ..
                } = o.heard;
                if days == 0 {
                    continue;
                }
                let now = o.agreed_on(m.tick);
                let thousandths = (e.agreement_share * o.requests * 1000.0).round().max(0.0);
                let proposed = thousandths / 1000.0;
                if (proposed - now).abs() <= TOLERANCE * proposed.max(now) {
                    continue;
                }
                // Hours a unit takes, with its inputs, per person.
                let hours: f64 = (0..N_GOODS)
                    .map(|j| m.economy.labour[j] * m.economy.leontief[j][g])
                    .sum::<f64>()
                    / n;
                let d = f64::from(days);
                let change = (proposed - now).abs() * hours;
                let effect = if proposed > now && short_days > 0 {
                    Effect {
                        leisure: -change as f32,
                        goods: (f64::from(short_days) / d * share) as f32,
                        environment: 0.0,
                    }
                } else if proposed < now && short_days == 0 && surplus > 0.0 {
                    Effect {
                        leisure: (surplus / d * hours).min(change) as f32,
                        goods: -(e.target_caution * share) as f32,
                        environment: 0.0,
                    }
                } else {
                    continue;
                };
                let subject = Subject::StandingAgreement {
                    good: *good,
                    thousandths: thousandths as u64,
                    from: m.tick + e.agreement_notice_days,
                };
                out.push(Proposal::new(&StandingAgreement, subject, effect));
            }
        }
    }

    fn decided(&self, p: &Proposal, c: usize, passed: bool, acts: &mut Acts) {
        if let (
            true,
            Subject::StandingAgreement {
                good,
                thousandths,
                from,
            },
        ) = (passed, p.subject)
            && let Ok(mut o) = acts
                .holdings
                .orderings
                .get_mut(acts.directory.goods[c][good.index()])
        {
            // A revision already due is in force; the new one waits for its notice.
            o.settle(acts.tick);
            o.revised = Some((thousandths as f64 / 1000.0, from));
        }
    }

    fn met(&self, c: usize, acts: &mut Acts) {
        if !acts.params.economy.standing_agreements {
            return;
        }
        // The members have met: they count afresh until their next meeting.
        for &entity in &acts.directory.goods[c] {
            if let Ok(mut o) = acts.holdings.orderings.get_mut(entity) {
                o.heard = Seen::default();
            }
        }
    }
}

//! Agreements between a community's syndicates, made and revised by their workers
//! (`economy.input_agreements = "assemblies"`, under `economy.standing_agreements`).
//!
//! **What an agreement is.** Each goods syndicate `j` has a standing agreement with each
//! syndicate `i` of its community whose good it uses (`A[i][j] > 0`): it takes a stated amount
//! of `i`'s good a day (`Inputs::agreed`). Syndicate `i` plans the amounts its users agreed, with
//! its store's, as firm orders (`syndicates/economy.rs::Firm`). At the start each is
//! `A[i][j] X[j]`, `X` the gross output the store's agreed amounts take: the orders of the
//! `follow` rule, so that until an agreement is revised (or the store's, or a syndicate idled)
//! the run is `follow`'s to the bit.
//!
//! **When it is revised.** At each community meeting, for each pair whose two syndicates are
//! active (not energy, balanced on the day, nor the global syndicate's devices; `i` never `j`)
//! and have workers, and whose agreement has no revision waiting for its notice: the amount
//! proposed is the input orders `j` placed (`A[i][j]` times its plan), smoothed as its forecast
//! (`Inputs::placed`), stated to a millionth of a unit. It is put to the vote when it differs
//! from the amount in force by more than the standing agreements' [`TOLERANCE`] of the larger
//! and what `j`'s workers saw since their last meeting speaks for it: a raise if their
//! community was short of `j`'s good, or `j`'s making was held back for want of `i`'s good, on
//! some day (`Ordering::heard`, `Inputs::short`); a lowering if neither happened and some of
//! `i`'s good was given up or overstocked.
//!
//! **A free agreement: two votes.** `j`'s workers vote on offering the revision; then, only if
//! they passed it (`taken_up`), `i`'s workers vote on accepting it. Each vote is the
//! community's rules applied to that syndicate's workers, who alone make its quorum and spend
//! its rounds: as for stock targets, the members who gave its sector a quarter of an hour the
//! day before; but where nobody did (a small syndicate, whose hours the volunteers share out
//! thinly), those who gave it at least the mean of what its volunteers gave (`workers`). Accepted, the revised amount is in force `economy.agreement_notice_days` after the
//! meeting; the syndicates plan toward it from the meeting on.
//!
//! **The workers' weighing** (an assumption, with the stock targets' and the store's
//! agreements' coefficients, ODD 7.17), each by their own values (`voting::vote`), with `s` the
//! share of days `j`'s workers saw short (its good or the input), `G = 1 / (N_GOODS + 1)` a
//! good's share of a member's needs and `dQ` the change:
//! - `j`'s workers, on offering a raise: goods `+ s G` against leisure `- dQ h / n`, the hours a
//!   day per person the added input takes at most (`h` the hours a unit of `i`'s good takes
//!   with its own inputs, `l (I - A)^-1`; `n` persons); a lowering: leisure `+ min(U, dQ) h / n`
//!   (`U` the surplus of `i`'s good a day they saw) against goods `- target_caution G`;
//! - `i`'s workers, on accepting: the same goods against the hours it costs *them*: a raise,
//!   leisure `- dQ l_i / w_i` (`l_i` the direct hours a unit, `w_i` their number); a lowering,
//!   leisure `+ min(U, dQ) l_i / w_i`. A change is dearer to the supplier's few workers than to
//!   the community at large, so they refuse more of them.

use super::standing_agreement::TOLERANCE;
use super::{Acts, Effect, Meeting, Proposal, ProposalKind, Voter};
use crate::model::kernel::components::WORKER_HOURS;
use crate::model::kernel::components::{AgeClass, HealthState};
use crate::model::kernel::decisions::Subject;
use crate::model::kernel::goods::{Good, N_GOODS};
use crate::model::kernel::params::Sector;
use crate::model::kernel::params::economy::{InputAgreements, Planning};
use rand_chacha::ChaCha8Rng;

/// Each community's goods syndicates' workers for their agreements: the least hours a member
/// gave the sector the day before to be one of them, and how many did. It is
/// [`WORKER_HOURS`] (the stock targets' workers) where anyone gave that much; in a syndicate
/// whose hours were spread thinner over the volunteers, the mean of what those who gave any
/// hours gave (so that the members who gave it most decide for it). A syndicate that worked no
/// hours has no workers.
fn workers(m: &Meeting, communities: usize) -> Vec<[(f32, u32); N_GOODS]> {
    let sector = |g: usize| Sector::Making(Good::ALL[g]).index();
    let adults = || {
        m.holdings.persons.iter().filter(|(member, person, ..)| {
            person.age != AgeClass::Child
                && person.health == HealthState::Well
                && (member.0 as usize) < communities
        })
    };
    // Hours given and givers, and those who gave a quarter of an hour.
    let mut given = vec![[(0.0f64, 0u32, 0u32); N_GOODS]; communities];
    for (member, _, _, work, _) in adults() {
        for (g, t) in given[member.0 as usize].iter_mut().enumerate() {
            let h = work.hours[sector(g)];
            if h > 0.0 {
                *t = (
                    t.0 + f64::from(h),
                    t.1 + 1,
                    t.2 + u32::from(h >= WORKER_HOURS),
                );
            }
        }
    }
    let least: Vec<[f32; N_GOODS]> = given
        .iter()
        .map(|c| {
            std::array::from_fn(|g| match c[g] {
                (_, 0, _) => f32::INFINITY,
                (_, _, quarter) if quarter > 0 => WORKER_HOURS,
                (hours, givers, _) => (hours / f64::from(givers)) as f32,
            })
        })
        .collect();
    let mut out = vec![[(f32::INFINITY, 0u32); N_GOODS]; communities];
    for (member, _, _, work, _) in adults() {
        let c = member.0 as usize;
        for g in 0..N_GOODS {
            out[c][g].0 = least[c][g];
            out[c][g].1 += u32::from(work.hours[sector(g)] >= least[c][g]);
        }
    }
    out
}

#[derive(Debug)]
pub struct InputAgreement;

impl ProposalKind for InputAgreement {
    fn names(&self) -> (&'static [&'static str], &'static str) {
        (&["input_agreement"], "community")
    }

    fn propose(&self, m: &Meeting, _rngs: &mut [ChaCha8Rng], out: &mut [Vec<Proposal>]) {
        let e = &m.params.economy;
        if !e.standing_agreements
            || e.planning != Planning::Local
            || e.input_agreements != InputAgreements::Assemblies
        {
            return;
        }
        let workers = workers(m, out.len());
        // A good's share of a member's needs (food is the other share).
        let share = super::NEED_SHARE;
        for (c, out) in out.iter_mut().enumerate() {
            let n = f64::from(m.books.people[c].persons);
            if n == 0.0 {
                continue;
            }
            for user in Good::ALL {
                let j = user.index();
                let Some(oj) = m.own_plan(c, *user) else {
                    continue;
                };
                let Ok(q) = m.holdings.inputs.get(m.directory.goods[c][j]) else {
                    continue;
                };
                if workers[c][j].1 == 0 || oj.heard.days == 0 {
                    continue;
                }
                let days = f64::from(oj.heard.days);
                for input in Good::ALL {
                    let i = input.index();
                    if i == j || m.economy.a[i][j] <= 0.0 || workers[c][i].1 == 0 {
                        continue;
                    }
                    let Some(oi) = m.own_plan(c, *input) else {
                        continue;
                    };
                    // One revision at a time: a revised amount waiting for its notice stands.
                    if q.revised[i].is_some_and(|(_, from)| from > m.tick) {
                        continue;
                    }
                    let now = q.agreed_on(i, m.tick);
                    let millionths = (q.placed[i] * 1e6).round().max(0.0);
                    let proposed = millionths / 1e6;
                    if (proposed - now).abs() <= TOLERANCE * proposed.max(now) {
                        continue;
                    }
                    // Hours a unit of the input takes, with its own inputs, per person; and
                    // its direct hours per worker of its syndicate.
                    let h: f64 = (0..N_GOODS)
                        .map(|k| m.economy.labour[k] * m.economy.leontief[k][i])
                        .sum::<f64>()
                        / n;
                    let l = m.economy.labour[i] / f64::from(workers[c][i].1);
                    let short = oj.heard.short_days.max(q.short[i]);
                    let change = (proposed - now).abs();
                    let surplus = oi.heard.surplus / days;
                    let (offer, accept) = if proposed > now && short > 0 {
                        let goods = (f64::from(short) / days * share) as f32;
                        let cost = |hours: f64| Effect {
                            leisure: -(change * hours) as f32,
                            goods,
                            environment: 0.0,
                        };
                        (cost(h), cost(l))
                    } else if proposed < now && short == 0 && surplus > 0.0 {
                        let spared = |hours: f64| Effect {
                            leisure: (surplus.min(change) * hours) as f32,
                            goods: -(e.target_caution * share) as f32,
                            environment: 0.0,
                        };
                        (spared(h), spared(l))
                    } else {
                        continue;
                    };
                    let subject = |accept| Subject::InputAgreement {
                        input: *input,
                        user: *user,
                        millionths: millionths as u64,
                        from: m.tick + e.agreement_notice_days,
                        accept,
                    };
                    // Each keeps the least hours that make its voters the syndicate's workers.
                    let mut offer = Proposal::new(&InputAgreement, subject(false), offer);
                    offer.figures[0] = f64::from(workers[c][j].0);
                    let mut accept = Proposal::new(&InputAgreement, subject(true), accept);
                    accept.figures[0] = f64::from(workers[c][i].0);
                    out.push(offer);
                    out.push(accept);
                }
            }
        }
    }

    fn voter(&self, p: &Proposal, who: &Voter) -> bool {
        match p.subject {
            Subject::InputAgreement {
                input,
                user,
                accept,
                ..
            } => {
                let good = if accept { input } else { user };
                f64::from(who.work.hours[Sector::Making(good).index()]) >= p.figures[0]
            }
            _ => true,
        }
    }

    fn taken_up(&self, p: &Proposal, c: usize, acts: &Acts) -> bool {
        match p.subject {
            // The supplier's workers take up only what the user's offered today.
            Subject::InputAgreement {
                input,
                user,
                accept: true,
                ..
            } => acts
                .holdings
                .inputs
                .get(acts.directory.goods[c][user.index()])
                .is_ok_and(|q| q.offered[input.index()]),
            _ => true,
        }
    }

    fn decided(&self, p: &Proposal, c: usize, passed: bool, acts: &mut Acts) {
        let Subject::InputAgreement {
            input,
            user,
            millionths,
            from,
            accept,
        } = p.subject
        else {
            return;
        };
        let Ok(mut q) = acts
            .holdings
            .inputs
            .get_mut(acts.directory.goods[c][user.index()])
        else {
            return;
        };
        let i = input.index();
        if !accept {
            q.offered[i] = passed;
        } else if passed {
            // A revision already due is in force; the new one waits for its notice.
            q.settle(i, acts.tick);
            q.revised[i] = Some((millionths as f64 / 1e6, from));
            q.offered[i] = false;
        }
    }

    fn met(&self, c: usize, acts: &mut Acts) {
        if acts.params.economy.input_agreements != InputAgreements::Assemblies {
            return;
        }
        // The workers have met: they count afresh until their next meeting, and an offer not
        // accepted today lapses.
        for &entity in &acts.directory.goods[c] {
            if let Ok(mut q) = acts.holdings.inputs.get_mut(entity) {
                q.short = [0; N_GOODS];
                q.offered = [false; N_GOODS];
            }
        }
    }
}

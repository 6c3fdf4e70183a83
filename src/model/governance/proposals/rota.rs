//! Adopt a rota for the undesirable work that volunteering leaves unfilled: each able adult
//! takes an equal share of it. A member's leisure changes by their own undesirable hours less
//! that share.

use super::{Acts, Ballot, Effect, Meeting, Proposal, ProposalKind, Voter};
use crate::model::kernel::decisions::Subject;
use crate::model::kernel::params::{N_SECTORS, UndesirablePolicy};
use rand_chacha::ChaCha8Rng;

#[derive(Debug)]
pub struct Rota;

impl ProposalKind for Rota {
    fn names(&self) -> (&'static [&'static str], &'static str) {
        (&["rota"], "community")
    }

    fn propose(&self, m: &Meeting, _rngs: &mut [ChaCha8Rng], out: &mut [Vec<Proposal>]) {
        let (params, gov) = (m.params, m.gov);
        let share_of_needs = super::NEED_SHARE;
        for (c, out) in out.iter_mut().enumerate() {
            let open = !gov.rota[c]
                && params.labour.undesirable_policy != UndesirablePolicy::Rota
                && gov.undesirable_unfilled[c] > 1e-6;
            if !open {
                continue;
            }
            // Each able adult's equal share of the undesirable work, done and undone.
            let able = m.books.people[c].headcount.adults.max(1.0);
            let interval = f64::from(params.assembly.community.interval_days.max(1));
            let done = gov.yesterday[c].undesirable_done;
            let share = (done + gov.undesirable_unfilled[c] / interval) / able;
            let effect = Effect {
                leisure: 0.0,
                goods: (share_of_needs * (gov.undesirable_unfilled[c] / interval)
                    / (done + gov.undesirable_unfilled[c] / interval).max(1e-9))
                    as f32,
                environment: 0.0,
            };
            let mut p = Proposal::new(&Rota, Subject::Rota, effect);
            p.figures[0] = share;
            out.push(p);
        }
    }

    fn effect_on(&self, p: &Proposal, b: &Ballot, who: &Voter, _rng: &mut ChaCha8Rng) -> Effect {
        let mut e = p.effect;
        let mine: f32 = (0..N_SECTORS)
            .map(|s| who.work.hours[s] * b.undesirable[s])
            .sum();
        e.leisure = mine - p.figures[0] as f32;
        e
    }

    fn decided(&self, _p: &Proposal, c: usize, passed: bool, acts: &mut Acts) {
        if passed {
            acts.gov.rota[c] = true;
        }
    }

    /// The unfilled hours a rota answers add up until the community meets.
    fn met(&self, c: usize, acts: &mut Acts) {
        acts.gov.undesirable_unfilled[c] = 0.0;
    }
}

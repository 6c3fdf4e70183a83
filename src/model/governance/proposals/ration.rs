//! Ration food until the scarcity is over, when what is held and still to come will not cover
//! need until the next harvest. Without it, the store runs out on day (outlook x horizon) and
//! people go without for the rest; with it, everyone gets the outlook's share of need every
//! day. Members weigh the days without food that rationing spares them. The rationing ends when
//! the scarcity is over (`assembly::remember_day`).

use super::{Acts, Effect, Meeting, Proposal, ProposalKind};
use crate::model::kernel::decisions::Subject;
use rand_chacha::ChaCha8Rng;

/// A shortfall of food ahead smaller than this share of need is not put to the assembly.
const RATION_TOLERANCE: f64 = 0.01;

#[derive(Debug)]
pub struct Ration;

impl ProposalKind for Ration {
    fn names(&self) -> (&'static [&'static str], &'static str) {
        (&["ration"], "community")
    }

    fn propose(&self, m: &Meeting, _rngs: &mut [ChaCha8Rng], out: &mut [Vec<Proposal>]) {
        let share_of_needs = super::NEED_SHARE;
        for (c, out) in out.iter_mut().enumerate() {
            let outlook = m.gov.yesterday[c].food_outlook;
            if m.params.food.rationing && !m.gov.rationing[c] && outlook < 1.0 - RATION_TOLERANCE {
                let effect = Effect {
                    leisure: 0.0,
                    goods: ((1.0 - outlook) * share_of_needs) as f32,
                    environment: 0.0,
                };
                out.push(Proposal::new(&Ration, Subject::Ration, effect));
            }
        }
    }

    fn decided(&self, _p: &Proposal, c: usize, passed: bool, acts: &mut Acts) {
        if passed {
            acts.gov.rationing[c] = true;
        }
    }
}

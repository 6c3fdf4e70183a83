//! Work longer rather than want less (`economy.shortfall = "vote"`): when the community's last
//! participatory planning session had to lower its requests to fit the hours its members are
//! willing to give, its assembly votes on giving up to `economy.longer_hours` more a day each
//! instead. A member weighs the hours it costs them against the goods it keeps. Passed, the
//! community works longer (as far as its requests need) from its next planning session on.

use super::{Acts, Effect, Meeting, Proposal, ProposalKind};
use crate::model::kernel::decisions::Subject;
use crate::model::kernel::goods::N_GOODS;
use crate::model::kernel::params::economy::{Planning, Shortfall};
use rand_chacha::ChaCha8Rng;

/// Extra hours below this a willing adult are not worth a meeting (h/day).
pub(super) const NEEDED_TOLERANCE: f64 = 1e-3;

#[derive(Debug)]
pub struct WorkLonger;

impl ProposalKind for WorkLonger {
    fn names(&self) -> (&'static [&'static str], &'static str) {
        (&["work_longer"], "community")
    }

    fn propose(&self, m: &Meeting, _rngs: &mut [ChaCha8Rng], out: &mut [Vec<Proposal>]) {
        let e = &m.params.economy;
        if e.planning != Planning::Participatory || e.shortfall != Shortfall::Vote {
            return;
        }
        // The goods' share of a member's needs (food is the other share).
        let goods_share = N_GOODS as f64 / (N_GOODS as f64 + 1.0);
        for (c, out) in out.iter_mut().enumerate() {
            let Ok(a) = m.holdings.agreements.get(m.directory.communities[c]) else {
                continue;
            };
            if a.longer || a.needed < NEEDED_TOLERANCE || e.longer_hours <= 0.0 {
                continue;
            }
            let hours = a.needed.min(e.longer_hours);
            let effect = Effect {
                leisure: -hours as f32,
                goods: ((1.0 - a.kept) * goods_share * (hours / a.needed)) as f32,
                environment: 0.0,
            };
            let mut p = Proposal::new(&WorkLonger, Subject::WorkLonger, effect);
            p.figures = [hours, a.kept];
            out.push(p);
        }
    }

    fn decided(&self, _p: &Proposal, c: usize, passed: bool, acts: &mut Acts) {
        if passed
            && let Ok(mut a) = acts
                .holdings
                .agreements
                .get_mut(acts.directory.communities[c])
        {
            a.longer = true;
        }
    }
}

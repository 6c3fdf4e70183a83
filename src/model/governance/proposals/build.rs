//! Build installations of the scenario's `energy.expand_source` where the community was short of
//! energy since its last meeting: enough capacity to have covered the shortage.

use super::{Acts, Effect, Meeting, Proposal, ProposalKind};
use crate::model::kernel::decisions::Subject;
use crate::model::kernel::goods::N_GOODS;
use crate::model::kernel::params::energy::Source;
use rand_chacha::ChaCha8Rng;

#[derive(Debug)]
pub struct Build;

impl ProposalKind for Build {
    fn names(&self) -> (&'static [&'static str], &'static str) {
        (&["build"], "community")
    }

    fn propose(&self, m: &Meeting, _rngs: &mut [ChaCha8Rng], out: &mut [Vec<Proposal>]) {
        let e = &m.params.energy;
        let Some(source) =
            Source::from_name(&e.expand_source).filter(|s| m.decided.allowed(m.params, *s))
        else {
            return;
        };
        let sp = e.source(source);
        let interval = f64::from(m.params.assembly.community.interval_days.max(1));
        let per_kw = interval * 24.0 * sp.capacity_factor;
        for (c, out) in out.iter_mut().enumerate() {
            let Ok(b) = m.holdings.builds.get(m.directory.communities[c]) else {
                continue;
            };
            let kw = b.shortage_kwh / per_kw.max(1e-9) - b.kw[source as usize];
            if kw <= 0.0 || b.shortage_kwh <= 0.0 {
                continue;
            }
            let persons = f64::from(m.books.people[c].persons.max(1));
            let used = (m.gov.yesterday[c].energy_made * interval).max(1e-9);
            let kwh_a_day = kw * 24.0 * sp.capacity_factor;
            let effect = Effect {
                // The build's hours, spread over a year.
                leisure: -(kw * sp.build_hours_per_kw / persons / 365.0) as f32,
                goods: ((b.shortage_kwh / used).min(1.0) / (N_GOODS as f64 + 1.0)) as f32,
                environment: -(kwh_a_day * sp.g_co2e_per_kwh / 1000.0 / persons) as f32,
            };
            let mut p = Proposal::new(&Build, Subject::Build(source), effect);
            p.figures[0] = kw;
            out.push(p);
        }
    }

    fn decided(&self, p: &Proposal, c: usize, passed: bool, acts: &mut Acts) {
        if let (true, Subject::Build(source)) = (passed, p.subject)
            && let Ok(mut b) = acts.holdings.builds.get_mut(acts.directory.communities[c])
        {
            b.request(&acts.params.energy, source, p.figures[0]);
        }
    }

    /// The shortage a build answers adds up until the community meets.
    fn met(&self, c: usize, acts: &mut Acts) {
        if let Ok(mut b) = acts.holdings.builds.get_mut(acts.directory.communities[c]) {
            b.shortage_kwh = 0.0;
        }
    }
}

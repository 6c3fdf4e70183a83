//! Split: a community grown past `population.split_above` persons proposes to found the nearest
//! free site of its region (a community of size 0 at the start) with about half its persons and
//! the same share of its land, installations and stores. If it passes, the site is reserved and
//! founded at the start of the next day (`population::split::found`); with no free site in the
//! region nothing is proposed.

use super::{Acts, Effect, Meeting, Proposal, ProposalKind};
use crate::model::kernel::decisions::Subject;
use rand_chacha::ChaCha8Rng;

#[derive(Debug)]
pub struct Split;

impl ProposalKind for Split {
    fn names(&self) -> (&'static [&'static str], &'static str) {
        (&["split"], "community")
    }

    fn propose(&self, m: &Meeting, _rngs: &mut [ChaCha8Rng], out: &mut [Vec<Proposal>]) {
        let above = m.params.population.split_above;
        if above == 0 || !m.settled.any_site() {
            return;
        }
        for (c, out) in out.iter_mut().enumerate() {
            let persons = m.books.people[c].persons;
            if persons <= above || !m.settled.is(c) {
                continue;
            }
            let Some(site) = m
                .settled
                .nearest_free(m.regions.members(m.regions.of(c)), c)
            else {
                continue;
            };
            // Assumption: members expect a little more leisure from a smaller community (less
            // crowding of dwellings and meetings), in proportion to how far it is past the size:
            // 0.1 h/day at twice `split_above`.
            let over = f64::from(persons - above) / f64::from(above);
            let effect = Effect {
                leisure: (0.1 * over) as f32,
                ..Effect::default()
            };
            out.push(Proposal::new(&Split, Subject::Split(site as u32), effect));
        }
    }

    fn decided(&self, p: &Proposal, c: usize, passed: bool, acts: &mut Acts) {
        if let (true, Subject::Split(site)) = (passed, p.subject) {
            acts.settled.reserve(c, site as usize);
        }
    }
}

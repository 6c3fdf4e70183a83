//! Idle a syndicate whose stocks cover need well beyond its reserve, resume it when they fall
//! back to the reserve ("production ceases until the need arises again"), and create one for a
//! need that no syndicate covers. The three are made in one pass over the goods, in the
//! catalogue's order, which is their order on the agenda.

use super::{Acts, Effect, Meeting, Proposal, ProposalKind};
use crate::model::kernel::components::Standing;
use crate::model::kernel::decisions::Subject;
use crate::model::kernel::goods::{Good, N_GOODS};
use rand_chacha::ChaCha8Rng;

#[derive(Debug)]
pub struct Syndicates;

impl ProposalKind for Syndicates {
    fn names(&self) -> (&'static [&'static str], &'static str) {
        (&["idle", "resume", "create"], "community")
    }

    fn propose(&self, m: &Meeting, _rngs: &mut [ChaCha8Rng], out: &mut [Vec<Proposal>]) {
        for (c, out) in out.iter_mut().enumerate() {
            propose_in(m, c, out);
        }
    }

    fn decided(&self, p: &Proposal, c: usize, passed: bool, acts: &mut Acts) {
        if !passed {
            return;
        }
        let (good, standing) = match p.subject {
            Subject::Idle(g) => (g, Standing::Idle),
            Subject::Resume(g) | Subject::Create(g) => (g, Standing::Active),
            _ => return,
        };
        let entity = acts.directory.goods[c][good.index()];
        if let Ok(mut s) = acts.holdings.syndicates.get_mut(entity) {
            *s = standing;
        }
    }
}

/// Community `c`'s proposals to idle, resume or create syndicates.
fn propose_in(m: &Meeting, c: usize, out: &mut Vec<Proposal>) {
    let params = m.params;
    let day = &m.books.people[c];
    let persons = f64::from(day.persons.max(1));
    let stock = m
        .holdings
        .stocks
        .get(m.directory.communities[c])
        .map_or([0.0; N_GOODS], |s| s.0);
    let need = day.requested(params);
    let gross = m.economy.gross_output(&need);
    let share_of_needs = super::NEED_SHARE;
    for good in Good::ALL {
        // The global device syndicate is the world's, not the community's, to idle.
        if !good.storable() || (*good == Good::Devices && params.global.global()) {
            continue;
        }
        let g = good.index();
        let p = params.goods.get(*good);
        if gross[g] <= 0.0 {
            continue;
        }
        let standing = m
            .holdings
            .syndicates
            .get(m.directory.goods[c][g])
            .map_or(Standing::Active, |s| *s);
        let reserve = p.reserve_days * gross[g];
        let hours = gross[g] * p.labour_hours_per_unit / persons;
        let co2 = gross[g] * p.kg_co2e_per_unit / persons;
        if !standing.idle() && stock[g] >= reserve + params.assembly.idle_cover_days * gross[g] {
            let effect = Effect {
                leisure: hours as f32,
                goods: 0.0,
                environment: co2 as f32,
            };
            out.push(Proposal::new(&Syndicates, Subject::Idle(*good), effect));
        } else if standing.idle() && stock[g] < reserve + gross[g] {
            let subject = if standing == Standing::Idle {
                Subject::Resume(*good)
            } else {
                Subject::Create(*good)
            };
            let effect = Effect {
                leisure: -hours as f32,
                goods: share_of_needs as f32,
                environment: -co2 as f32,
            };
            out.push(Proposal::new(&Syndicates, subject, effect));
        }
    }
}

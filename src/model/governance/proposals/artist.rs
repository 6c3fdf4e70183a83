//! Ask a well-loved artist to give their working hours to their art. Some members love their
//! work (each member, with the proposal's `following` probability, counts `artist_value` of
//! goods); the others would cover their share of the necessary work. Passed, the artist accepts
//! with `artist_acceptance`, and is appointed once every community has met.

use super::{Acts, Ballot, Effect, Meeting, Proposal, ProposalKind, Voter};
use crate::model::kernel::components::{Draws, Member, Person, Vocation, Work};
use crate::model::kernel::decisions::Subject;
use crate::model::kernel::log::LogKind;
use bevy_ecs::prelude::Query;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

#[derive(Debug)]
pub struct Artist;

impl ProposalKind for Artist {
    fn names(&self) -> (&'static [&'static str], &'static str) {
        (&["artist"], "community")
    }

    /// The proposal's figures: the share of members who love the artist's work, and which able
    /// member they are (a share of the way through the community's candidates, in table order).
    fn propose(&self, m: &Meeting, rngs: &mut [ChaCha8Rng], out: &mut [Vec<Proposal>]) {
        let a = &m.params.assembly;
        if !a.artists {
            return;
        }
        for (c, out) in out.iter_mut().enumerate() {
            if m.gov.artists[c] >= a.max_artists {
                continue;
            }
            let rng = &mut rngs[c];
            let following = rng.random::<f32>();
            let pick = rng.random::<f64>();
            let persons = f64::from(m.books.people[c].persons.max(1));
            let effect = Effect {
                leisure: -(m.params.labour.willing_hours_mean / persons) as f32,
                goods: 0.0,
                environment: 0.0,
            };
            let mut p = Proposal::new(&Artist, Subject::Artist, effect);
            p.figures = [f64::from(following), pick];
            out.push(p);
        }
    }

    fn effect_on(&self, p: &Proposal, b: &Ballot, _who: &Voter, rng: &mut ChaCha8Rng) -> Effect {
        let mut e = p.effect;
        if rng.random::<f32>() < p.figures[0] as f32 {
            e.goods = b.params.assembly.artist_value as f32;
        }
        e
    }

    fn decided(&self, p: &Proposal, c: usize, passed: bool, acts: &mut Acts) {
        if passed && acts.gov.rngs[c].random::<f64>() < acts.params.assembly.artist_acceptance {
            acts.appoint.push((c, p.figures[1]));
        }
    }

    fn all_met(&self, acts: &mut Acts) {
        if acts.appoint.is_empty() {
            return;
        }
        let n = acts.gov.artists.len();
        appoint_artists(
            &mut acts.holdings.persons,
            &acts.appoint,
            n,
            &mut acts.gov.artists,
        );
        for (c, _) in &acts.appoint {
            acts.log.push(
                acts.tick,
                LogKind::Decision,
                format!("community {c}: an artist accepts to work at their art full-time"),
            );
        }
    }
}

/// Makes full-time artists of the members chosen in `appoint`, (community, pick): of the
/// community's candidates (able adults, in no guild, not yet artists), in table order, the one a
/// share `pick` of the way through.
fn appoint_artists(
    persons: &mut Query<(&Member, &mut Person, &Draws, &Work, &Vocation)>,
    appoint: &[(usize, f64)],
    n: usize,
    artists: &mut [u32],
) {
    let candidate = |p: &Person| p.is_able_adult() && p.guild == 0 && !p.artist;
    let mut count = vec![0u32; n];
    for (member, person, ..) in persons.iter() {
        if candidate(person) {
            count[member.0 as usize] += 1;
        }
    }
    let mut target = vec![u32::MAX; n];
    for &(c, pick) in appoint {
        if count[c] > 0 {
            target[c] = ((pick * f64::from(count[c])) as u32).min(count[c] - 1);
        }
    }
    let mut seen = vec![0u32; n];
    for (member, mut person, ..) in persons.iter_mut() {
        let c = member.0 as usize;
        if target[c] == u32::MAX || !candidate(&person) {
            continue;
        }
        if seen[c] == target[c] {
            person.artist = true;
            artists[c] += 1;
            target[c] = u32::MAX;
        }
        seen[c] += 1;
    }
}

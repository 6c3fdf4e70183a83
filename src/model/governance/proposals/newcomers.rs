//! Newcomers who ask to join (`population.influx = "decided"`; the requests are
//! `kernel::newcomers::Newcomers`, on `Government`).
//!
//! - **Asked.** An `influx` event makes a request to its community. At the community's next
//!   meeting, if it is settled and has room (its persons, those it accepted and those proposed
//!   before on the same agenda, plus the newcomers, at most `population.split_above`; any, if
//!   that is 0), its assembly votes on taking them in (`Subject::Newcomers`, last on the
//!   community's agenda). A meeting without quorum decides nothing: the request waits, at most
//!   `population.influx_wait_days`.
//! - **Accepted.** They arrive at the start of the next day with land, floor area, energy
//!   installations and stores per resident, as an `influx` with `provisions = true`
//!   (`events::arrive`, called by `Simulation::begin_day`), and the hours of building their
//!   floor area and installations are posted to the construction syndicate over the next year
//!   (`kernel::newcomers::Settling`, worked off by `housing`).
//! - **Refused, no room, or undecided** after `influx_wait_days`: the request goes to the
//!   regional assembly (`place_newcomers.rs`).
//!
//! The estimated effect on a member of community `c` with `N` persons of taking in `n`
//! newcomers: each member takes on `n / N` newcomers. They count those newcomers' needs met at
//! `assembly.welcome` (`goods = welcome * n / N`, a share of one person's need), and give the
//! hours it takes to build what the newcomers are given, spread over a year: the floor area
//! (`dwellings.m2_per_person` at `dwellings.build_hours_per_m2`) and energy installations (each
//! source's `kw_per_person` at its `build_hours_per_kw`), `leisure = -hours * n / N / 365`
//! (`kernel::newcomers::settling_hours`). Those hours are charged when the newcomers arrive, at
//! the same pace. Land and stores are counted at nothing.

use super::{Acts, Effect, Meeting, Proposal, ProposalKind};
use crate::model::kernel::decisions::Subject;
use crate::model::kernel::newcomers::{Arrival, SETTLING_DAYS, Standing, settling_hours};
use crate::model::kernel::params::{InfluxRule, Params};
use rand_chacha::ChaCha8Rng;

#[derive(Debug)]
pub struct Newcomers;

const NAME: &str = "newcomers";

pub(super) fn on(params: &Params) -> bool {
    params.population.influx == InfluxRule::Decided
}

/// Whether `persons` more fit in a community of `now` under `population.split_above`.
pub(super) fn room(params: &Params, now: u32, persons: u32) -> bool {
    let above = params.population.split_above;
    above == 0 || now + persons <= above
}

/// The estimated effect on a member of a community of `persons` of taking in `n` newcomers.
pub fn effect(params: &Params, persons: u32, n: u32) -> Effect {
    let each = f64::from(n) / f64::from(persons.max(1));
    Effect {
        leisure: (-settling_hours(params) / SETTLING_DAYS * each) as f32,
        goods: (params.assembly.welcome * each) as f32,
        environment: 0.0,
    }
}

impl ProposalKind for Newcomers {
    fn names(&self) -> (&'static [&'static str], &'static str) {
        (&[NAME], "community")
    }

    fn propose(&self, m: &Meeting, _rngs: &mut [ChaCha8Rng], out: &mut [Vec<Proposal>]) {
        let requests = &m.gov.newcomers.requests;
        if !on(m.params) || requests.is_empty() {
            return;
        }
        let mut proposed = vec![0u32; out.len()];
        for r in requests {
            let c = r.community as usize;
            if r.standing != Standing::Waiting || !m.settled.is(c) {
                continue;
            }
            let now = m.books.people[c].persons + m.gov.newcomers.coming_to(r.community);
            if !room(m.params, now + proposed[c], r.persons) {
                continue;
            }
            proposed[c] += r.persons;
            let subject = Subject::Newcomers { persons: r.persons };
            let mut p = Proposal::new(&Newcomers, subject, effect(m.params, now, r.persons));
            p.figures[0] = f64::from(r.id);
            out[c].push(p);
        }
    }

    fn decided(&self, p: &Proposal, c: usize, passed: bool, acts: &mut Acts) {
        let id = p.figures[0] as u32;
        let newcomers = &mut acts.gov.newcomers;
        let Some(at) = newcomers.requests.iter().position(|r| r.id == id) else {
            return;
        };
        if passed {
            let r = newcomers.requests.remove(at);
            newcomers.arriving.push(Arrival {
                community: c as u32,
                persons: r.persons,
                on: acts.tick + 1,
            });
        } else {
            let r = &mut newcomers.requests[at];
            newcomers.declined[c] += r.persons;
            r.standing = Standing::Refused;
        }
    }
}

//! Newcomers who ask to join (`population.influx = "decided"`; the requests are
//! `kernel::newcomers::Newcomers`, on `Government`).
//!
//! - **Asked.** An `influx` event makes a request to its community. At the community's next
//!   meeting, if it is settled and has room (its persons, those it accepted and those proposed
//!   before on the same agenda, plus the newcomers, at most `population.split_above`; any, if
//!   that is 0), its assembly votes on taking them in (`Subject::Newcomers`, last on the
//!   community's agenda). A meeting without quorum decides nothing: the request waits.
//! - **Accepted.** They arrive at the start of the next day with land, floor area, energy
//!   installations and stores per resident, as an `influx` with `provisions = true`
//!   (`events::arrive`, called by `Simulation::begin_day`).
//! - **Refused, or no room.** After the community meetings, the region places the request, by a
//!   rule of the region's agreement recorded without a vote (`Subject::PlaceNewcomers`, at the
//!   region's assembly): with the settled community of the region that has not refused them and
//!   has room, the one with the fewest persons (the lowest id among equals), whose assembly
//!   votes at its next meeting. If there is none, they do not arrive, and are counted.
//!
//! The estimated effect on a member of community `c` with `N` persons of taking in `n`
//! newcomers: each member takes on `n / N` newcomers. They count those newcomers' needs met at
//! `assembly.welcome` (`goods = welcome * n / N`, a share of one person's need), and give the
//! hours it takes to build what the newcomers are given, spread over a year: the floor area
//! (`dwellings.m2_per_person` at `dwellings.build_hours_per_m2`) and energy installations (each
//! source's `kw_per_person` at its `build_hours_per_kw`), `leisure = -hours * n / N / 365`. The
//! model gives the newcomers their share rather than building it; the hours are what members
//! count it worth. Land and stores are counted at nothing.

use super::{Acts, Effect, Meeting, Proposal, ProposalKind};
use crate::model::kernel::decisions::{Decision, Level, Subject};
use crate::model::kernel::log::LogKind;
use crate::model::kernel::newcomers::{Arrival, Standing};
use crate::model::kernel::params::energy::Source;
use crate::model::kernel::params::{InfluxRule, Params};
use rand_chacha::ChaCha8Rng;

#[derive(Debug)]
pub struct Newcomers;

const NAME: &str = "newcomers";

fn on(params: &Params) -> bool {
    params.population.influx == InfluxRule::Decided
}

/// Whether `persons` more fit in a community of `now` under `population.split_above`.
fn room(params: &Params, now: u32, persons: u32) -> bool {
    let above = params.population.split_above;
    above == 0 || now + persons <= above
}

/// The hours it takes to build the floor area and energy installations of one resident.
pub fn settling_hours(params: &Params) -> f64 {
    let d = &params.dwellings;
    let installations: f64 = Source::ALL
        .iter()
        .map(|&s| {
            let sp = params.energy.source(s);
            sp.kw_per_person * sp.build_hours_per_kw
        })
        .sum();
    d.m2_per_person * d.build_hours_per_m2 + installations
}

/// The estimated effect on a member of a community of `persons` of taking in `n` newcomers.
pub fn effect(params: &Params, persons: u32, n: u32) -> Effect {
    let each = f64::from(n) / f64::from(persons.max(1));
    Effect {
        leisure: (-settling_hours(params) / 365.0 * each) as f32,
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

    /// After the community meetings: the region places each request refused today, or whose
    /// community is a site or has no room, with another community of the region, or turns it
    /// away.
    fn all_met(&self, acts: &mut Acts) {
        let params = acts.params;
        if !on(params) || acts.gov.newcomers.requests.is_empty() {
            return;
        }
        let interval = params.assembly.community.interval_days.max(1);
        if acts.tick == 0 || !acts.tick.is_multiple_of(interval) {
            return;
        }
        // Persons of each community, with those accepted and not yet arrived.
        let n = acts.gov.newcomers.accepted.len();
        let mut persons = vec![0u32; n];
        for (member, ..) in acts.holdings.persons.iter() {
            persons[member.0 as usize] += 1;
        }
        for a in &acts.gov.newcomers.arriving {
            persons[a.community as usize] += a.persons;
        }
        let regions = crate::model::kernel::regions::Regions::of_params(params);
        let tick = acts.tick;
        let mut kept = Vec::new();
        for mut r in std::mem::take(&mut acts.gov.newcomers.requests) {
            let c = r.community as usize;
            let stays = r.standing == Standing::Waiting
                && acts.settled.is(c)
                && room(params, persons[c], r.persons);
            if stays {
                kept.push(r);
                continue;
            }
            r.asked.push(r.community);
            let to = regions
                .members(r.region as usize)
                .filter(|&k| {
                    acts.settled.is(k)
                        && !r.asked.contains(&(k as u32))
                        && room(params, persons[k], r.persons)
                })
                .min_by_key(|&k| (persons[k], k));
            let subject = Subject::PlaceNewcomers {
                persons: r.persons,
                community: to.map(|k| k as u32),
            };
            acts.gov.decisions.push(Decision {
                tick,
                level: Level::Region(r.region),
                subject,
                yes: 0.0,
                no: 0.0,
                rounds: 0,
                passed: to.is_some(),
                reverses: None,
            });
            let why = if r.standing == Standing::Refused {
                format!("community {c} refused them")
            } else {
                format!("community {c} has no room")
            };
            acts.log.push(
                tick,
                LogKind::Decision,
                format!("region {}: {} ({why})", r.region, subject.describe()),
            );
            match to {
                Some(k) => {
                    // Counted as there, so that the next request placed today sees them.
                    persons[k] += r.persons;
                    r.community = k as u32;
                    r.standing = Standing::Waiting;
                    kept.push(r);
                }
                None => acts.gov.newcomers.refused += r.persons,
            }
        }
        acts.gov.newcomers.requests = kept;
    }
}

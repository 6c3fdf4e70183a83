//! Newcomers the region places by its assembly's vote (`population.influx = "decided"`; the
//! community's own vote is `newcomers.rs`, the requests `kernel::newcomers::Newcomers`).
//!
//! - **To the region.** After the community meetings, a request its community refused today,
//!   or whose community is a site or has no room, or which its community has not decided
//!   `population.influx_wait_days` after it came to it (for want of quorum), goes to the
//!   region, its community counted as asked. If no settled community of the region that has
//!   not been asked has room for it, or the region does not take up `place_newcomers`, the
//!   newcomers do not arrive: a regional decision without a vote (`Subject::PlaceNewcomers`
//!   with no community).
//! - **The region votes** at its next meeting on asking the settled community of the region
//!   that has not been asked and has most room (the fewest persons, with those accepted and not
//!   yet arrived and those proposed before on the same agenda; the lowest id among equals):
//!   "ask community k to take in n newcomers". Members weigh it as in the community vote: those
//!   of `k` as their own assembly would (`newcomers::effect`: welcome against the building
//!   hours), those of the region's other communities the newcomers' needs met at
//!   `assembly.welcome`, shared over the region's persons, with no hours (they do not build).
//!   The delegates cast their communities' mandates as for every regional proposal.
//! - **Passed, it is a request, not an order:** the request waits for `k`'s assembly, which
//!   votes at its next meeting as on any request (a community decides whom it takes in), and
//!   refused again, goes back to the region. **Refused by the region**, the newcomers do not
//!   arrive, and are counted. A regional meeting without quorum decides nothing: the request
//!   waits, and lapses once `influx_wait_days` have passed since it came to the region, at the
//!   next community meeting day on which the region does not meet (at most one regional
//!   interval later): `Subject::NewcomersLapsed`, without a vote.

use super::newcomers::{effect, on, room};
use super::{Acts, Effect, Meeting, ProposalKind, Upper};
use crate::model::kernel::decisions::{Decision, Level, Subject};
use crate::model::kernel::log::LogKind;
use crate::model::kernel::newcomers::Standing;
use crate::model::kernel::params::Params;
use crate::model::kernel::regions::{Regions, Settled};

#[derive(Debug)]
pub struct PlaceNewcomers;

const NAME: &str = "place_newcomers";

/// Whether the assemblies meeting every `interval` days meet on `tick`.
fn meets(interval: u32, tick: u32) -> bool {
    tick > 0 && tick.is_multiple_of(interval.max(1))
}

/// The settled community of region `region` not in `asked` with room for `n` more and the most
/// room: the fewest of `persons` (the lowest id among equals).
fn most_room(
    params: &Params,
    regions: &Regions,
    settled: &Settled,
    persons: &[u32],
    region: u32,
    asked: &[u32],
    n: u32,
) -> Option<usize> {
    regions
        .members(region as usize)
        .filter(|&k| settled.is(k) && !asked.contains(&(k as u32)) && room(params, persons[k], n))
        .min_by_key(|&k| (persons[k], k))
}

/// A regional decision without a vote, recorded and logged.
fn without_vote(acts: &mut Acts, region: u32, subject: Subject, why: &str) {
    let tick = acts.tick;
    acts.gov.decisions.push(Decision {
        tick,
        level: Level::Region(region),
        subject,
        yes: 0.0,
        no: 0.0,
        rounds: 0,
        passed: false,
        reverses: None,
    });
    acts.log.push(
        tick,
        LogKind::Decision,
        format!("region {region}: {} ({why})", subject.describe()),
    );
}

impl ProposalKind for PlaceNewcomers {
    fn names(&self) -> (&'static [&'static str], &'static str) {
        (&[NAME], "region")
    }

    /// One proposal for each request waiting for the region, in the order they were made.
    fn propose_uppers(&self, m: &Meeting) -> Vec<Upper> {
        let newcomers = &m.gov.newcomers;
        if !on(m.params) || newcomers.requests.is_empty() {
            return Vec::new();
        }
        let n = m.books.len();
        let mut persons: Vec<u32> = (0..n)
            .map(|c| m.books.people[c].persons + newcomers.coming_to(c as u32))
            .collect();
        let mut upper = Vec::new();
        for r in &newcomers.requests {
            if r.standing != Standing::Region {
                continue;
            }
            let Some(k) = most_room(
                m.params, m.regions, m.settled, &persons, r.region, &r.asked, r.persons,
            ) else {
                continue;
            };
            let members = || {
                m.regions
                    .members(r.region as usize)
                    .filter(|&c| m.settled.is(c))
            };
            let region_persons: u32 = members().map(|c| persons[c]).sum();
            let shared = f64::from(r.persons) / f64::from(region_persons.max(1));
            let mut effects = vec![Effect::default(); n];
            for c in members() {
                effects[c] = if c == k {
                    effect(m.params, persons[k], r.persons)
                } else {
                    Effect {
                        leisure: 0.0,
                        goods: (m.params.assembly.welcome * shared) as f32,
                        environment: 0.0,
                    }
                };
            }
            // Counted as there, so that the next request proposed today sees them.
            persons[k] += r.persons;
            let subject = Subject::PlaceNewcomers {
                request: r.id,
                persons: r.persons,
                community: Some(k as u32),
            };
            upper.push(Upper {
                kind: &PlaceNewcomers,
                bodies: vec![(Level::Region(r.region), subject)],
                effects,
            });
        }
        upper
    }

    /// After the community meetings (on a community meeting day): requests refused today,
    /// without room or undecided too long go to the region (or, with no community left, do not
    /// arrive); requests the region has not decided too long lapse.
    fn all_met(&self, acts: &mut Acts) {
        let params = acts.params;
        if !on(params) || acts.gov.newcomers.requests.is_empty() {
            return;
        }
        let a = &params.assembly;
        let tick = acts.tick;
        if !meets(a.community.interval_days, tick) {
            return;
        }
        let region_today = meets(a.region.interval_days, tick);
        let region_interval = a.region.interval_days.max(1);
        let takes_up = a.region.takes_up(NAME);
        let wait = params.population.influx_wait_days.max(1);
        // Persons of each community, with those accepted and not yet arrived.
        let n = acts.gov.newcomers.accepted.len();
        let mut persons = vec![0u32; n];
        for (member, ..) in acts.holdings.persons.iter() {
            persons[member.0 as usize] += 1;
        }
        for arrival in &acts.gov.newcomers.arriving {
            persons[arrival.community as usize] += arrival.persons;
        }
        let regions = Regions::of_params(params);
        let mut kept = Vec::new();
        for mut r in std::mem::take(&mut acts.gov.newcomers.requests) {
            let waited = tick.saturating_sub(r.since);
            if r.standing == Standing::Region {
                // On the region's agenda today, it is decided after this (unless kept too long).
                if region_today && takes_up && waited < wait + region_interval {
                    kept.push(r);
                    continue;
                }
                let left = most_room(
                    params,
                    &regions,
                    acts.settled,
                    &persons,
                    r.region,
                    &r.asked,
                    r.persons,
                );
                if left.is_none() {
                    let subject = Subject::PlaceNewcomers {
                        request: r.id,
                        persons: r.persons,
                        community: None,
                    };
                    without_vote(acts, r.region, subject, "no community left has room");
                    acts.gov.newcomers.refused += r.persons;
                } else if waited >= wait {
                    let subject = Subject::NewcomersLapsed { persons: r.persons };
                    let why = format!("not decided by the region in {waited} days");
                    without_vote(acts, r.region, subject, &why);
                    acts.gov.newcomers.refused += r.persons;
                } else {
                    kept.push(r);
                }
                continue;
            }
            let c = r.community as usize;
            let why = if r.standing == Standing::Refused {
                format!("community {c} refused them")
            } else if !acts.settled.is(c) || !room(params, persons[c], r.persons) {
                format!("community {c} has no room")
            } else if waited >= wait {
                format!("community {c} did not decide in {waited} days")
            } else {
                kept.push(r);
                continue;
            };
            r.asked.push(r.community);
            let left = most_room(
                params,
                &regions,
                acts.settled,
                &persons,
                r.region,
                &r.asked,
                r.persons,
            );
            if takes_up && left.is_some() {
                r.standing = Standing::Region;
                r.since = tick;
                acts.log.push(
                    tick,
                    LogKind::Event,
                    format!(
                        "region {}: the request of {} newcomers goes to the regional assembly \
                         ({why})",
                        r.region, r.persons
                    ),
                );
                kept.push(r);
            } else {
                let subject = Subject::PlaceNewcomers {
                    request: r.id,
                    persons: r.persons,
                    community: None,
                };
                without_vote(acts, r.region, subject, &why);
                acts.gov.newcomers.refused += r.persons;
            }
        }
        acts.gov.newcomers.requests = kept;
    }

    /// Passed, the request waits for the chosen community's assembly; refused, the newcomers
    /// do not arrive.
    fn decided_upper(&self, _level: Level, subject: Subject, passed: bool, acts: &mut Acts) {
        let Subject::PlaceNewcomers {
            request,
            persons,
            community: Some(k),
        } = subject
        else {
            return;
        };
        let newcomers = &mut acts.gov.newcomers;
        let Some(at) = newcomers.requests.iter().position(|r| r.id == request) else {
            return;
        };
        if passed {
            let r = &mut newcomers.requests[at];
            r.community = k;
            r.standing = Standing::Waiting;
            r.since = acts.tick;
        } else {
            newcomers.requests.remove(at);
            newcomers.refused += persons;
        }
    }
}

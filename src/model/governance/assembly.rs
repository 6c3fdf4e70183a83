//! Self-government: community, regional and global assemblies, delegates with mandates, and the
//! standing decisions they make.
//!
//! Each assembly meets on its own interval. At a community meeting the members who attend vote on
//! each proposal: a member's score for a proposal is their values (leisure, goods, environment,
//! summing to 1) weighted by the proposal's estimated effect on them (hours of leisure a day,
//! share of need met, kg CO2e a day), plus a personal noise term (deliberation, what the
//! estimate misses); a member votes yes when the score is positive. A proposal passes by the
//! assembly's rule: a simple majority of votes cast, a supermajority (any fraction), or consensus
//! (no one blocks; in each further round members whose objection is mild stand aside, and after
//! the last round a fallback rule decides). Too few members attending (below the quorum) and the
//! meeting decides nothing.
//!
//! Regional and global assemblies vote through delegates: each community's members vote on the
//! upper assembly's proposals, which sets its delegate's mandate; the delegate casts the mandate
//! (one vote per community, or weighted by population), except that with a set probability the
//! delegate votes the other way. A deviation is seen with a set probability, and the community
//! recalls and replaces the delegate at its next meeting.
//!
//! The kinds of proposal, and what passing each does, are in `proposals/`, one file each;
//! `hold_assemblies` asks each kind registered in `proposals::KINDS`, in order, for its
//! proposals, puts them to the vote and hands each decision back to its kind. Members' scores
//! and the rules that decide are in `voting.rs`.

use bevy_ecs::prelude::*;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use crate::model::food::droughts::Droughts;
use crate::model::governance::proposals::{
    Acts, Ballot, Holdings, KINDS, Meeting, Proposal, Upper,
};
use crate::model::governance::voting::{Outcome, Votes, decide, record, vote};
use crate::model::kernel::calendar::Clock;
use crate::model::kernel::components::{AgeClass, Directory, HealthState};
use crate::model::kernel::decisions::{Decided, Delegate, Government, Level, Tally, Yesterday};
use crate::model::kernel::goods::Good;
use crate::model::kernel::ledger::{Books, PeopleDay};
use crate::model::kernel::log::{Log, LogKind};
use crate::model::kernel::params::assembly::{AssemblyParams, AssemblyRules, Weighting};
use crate::model::kernel::params::energy::Source;
use crate::model::kernel::params::{N_SECTORS, Params};
use crate::model::kernel::regions::Regions;
use crate::model::kernel::technology::Economy;

/// Which assemblies meet today.
#[derive(Clone, Copy, Debug)]
struct Days {
    community: bool,
    region: bool,
    world: bool,
}

impl Days {
    /// Nothing has happened yet on the first day: the first meetings come one interval in.
    fn of(params: &Params, tick: u32) -> Days {
        let a = &params.assembly;
        let meets =
            |rules: &AssemblyRules| tick > 0 && tick.is_multiple_of(rules.interval_days.max(1));
        Days {
            community: meets(&a.community),
            region: meets(&a.region),
            world: meets(&a.world),
        }
    }
}

/// Meets the assemblies due today, applies their decisions, and recalls delegates seen
/// deviating. Runs after needs are known and before the day's plans.
#[allow(clippy::too_many_arguments)]
pub fn hold_assemblies(
    clock: Res<Clock>,
    params: Res<Params>,
    mut decided: ResMut<Decided>,
    mut economy: ResMut<Economy>,
    books: Books,
    directory: Res<Directory>,
    mut gov: ResMut<Government>,
    mut log: ResMut<Log>,
    droughts: Res<Droughts>,
    regions: Res<Regions>,
    mut holdings: Holdings,
) {
    let gov = &mut *gov;
    gov.today = Tally::default();
    if !params.assembly.enabled {
        return;
    }
    let tick = clock.tick;
    let days = Days::of(&params, tick);
    if !(days.community || days.region || days.world) {
        return;
    }
    // What the meetings know, and what each kind proposes.
    let mut rngs = std::mem::take(&mut gov.rngs);
    let (proposals, upper) = {
        let m = Meeting {
            params: &params,
            tick,
            economy: &economy,
            books: &books,
            directory: &directory,
            gov: &*gov,
            decided: &decided,
            droughts: &droughts,
            regions: &regions,
            holdings: &holdings,
        };
        (agendas(&m, &mut rngs, days), upper_agendas(&m, days))
    };
    gov.rngs = rngs;
    let ballots = cast_votes(&params, gov, &holdings, &proposals, &upper);
    let mut acts = Acts {
        params: &params,
        tick,
        gov,
        decided: &mut decided,
        economy: &mut economy,
        log: &mut log,
        directory: &directory,
        holdings: &mut holdings,
        appoint: Vec::new(),
    };
    let mandates = community_meetings(&mut acts, days, &proposals, &ballots, upper.len());
    for kind in KINDS {
        kind.all_met(&mut acts);
    }
    upper_assemblies(&mut acts, &regions, &books.people, &upper, &mandates);
}

/// Each community's own agenda: on a community meeting day, what every kind proposes, in the
/// order of `KINDS`, less what the community assembly does not take up.
fn agendas(m: &Meeting, rngs: &mut [ChaCha8Rng], days: Days) -> Vec<Vec<Proposal>> {
    let n = m.books.len();
    let mut proposals: Vec<Vec<Proposal>> = vec![Vec::new(); n];
    if days.community {
        for kind in KINDS {
            kind.propose(m, rngs, &mut proposals);
        }
    }
    let rules = &m.params.assembly.community;
    for list in &mut proposals {
        list.retain(|p| rules.takes_up(p.subject.kind()));
    }
    proposals
}

/// The regional and world assemblies' agendas, each kind's proposals in the order of `KINDS`:
/// voted by every community to set its delegate's mandate.
fn upper_agendas(m: &Meeting, days: Days) -> Vec<Upper> {
    let a = &m.params.assembly;
    let mut upper = Vec::new();
    for kind in KINDS {
        let (names, level) = kind.names();
        let rules = match level {
            "region" if days.region => &a.region,
            "world" if days.world => &a.world,
            _ => continue,
        };
        if !names.iter().all(|name| rules.takes_up(name)) {
            continue;
        }
        upper.extend(kind.propose_upper(m));
    }
    upper
}

/// The members' votes: on their community's proposals, and on the upper assemblies' (each
/// community's votes set its delegate's mandate), and who was there.
struct Ballots {
    own: Vec<Vec<Votes>>,
    mandates: Vec<Vec<Votes>>,
    eligible: Vec<u32>,
    present: Vec<u32>,
}

/// Members' votes, in one pass over persons (in table order, so the draws are fixed): whether
/// they attend, then each proposal of their community, then each upper kind.
fn cast_votes(
    params: &Params,
    gov: &mut Government,
    holdings: &Holdings,
    proposals: &[Vec<Proposal>],
    upper: &[Upper],
) -> Ballots {
    let a = &params.assembly;
    let n = proposals.len();
    let (step, noise) = (a.stand_aside_step, a.vote_noise as f32);
    let undesirable = params.labour.undesirable_mask();
    let ballot = Ballot {
        params,
        undesirable: &undesirable,
    };
    let mut b = Ballots {
        own: proposals
            .iter()
            .map(|p| vec![Votes::default(); p.len()])
            .collect(),
        mandates: vec![vec![Votes::default(); upper.len()]; n],
        eligible: vec![0u32; n],
        present: vec![0u32; n],
    };
    for (member, person, values, work) in holdings.persons.iter() {
        if person.age == AgeClass::Child || person.health != HealthState::Well {
            continue;
        }
        let c = member.0 as usize;
        b.eligible[c] += 1;
        let rng = &mut gov.rngs[c];
        if rng.random::<f64>() >= a.community.attendance {
            continue;
        }
        b.present[c] += 1;
        for (k, p) in proposals[c].iter().enumerate() {
            let e = p.kind.effect_on(p, &ballot, work, rng);
            b.own[c][k].add(vote(values, &e, noise, rng), step, 1.0);
        }
        for (k, up) in upper.iter().enumerate() {
            b.mandates[c][k].add(vote(values, &up.effects[c], noise, rng), step, 1.0);
        }
    }
    b
}

/// Each community's mandates to its delegate, and whether its meeting was quorate.
struct Mandates {
    quorate: Vec<bool>,
    yes: Vec<Vec<bool>>,
    margin: Vec<Vec<f64>>,
}

/// The community meetings: without quorum nothing is decided; otherwise a delegate seen
/// deviating is recalled, each proposal is decided and handed to its kind, and the mandates for
/// the upper assemblies are set.
fn community_meetings(
    acts: &mut Acts,
    days: Days,
    proposals: &[Vec<Proposal>],
    ballots: &Ballots,
    n_upper: usize,
) -> Mandates {
    let n = proposals.len();
    let rules = acts.params.assembly.community.clone();
    let (eligible, present) = (&ballots.eligible, &ballots.present);
    let mut mandates = Mandates {
        quorate: (0..n)
            .map(|c| {
                eligible[c] > 0 && f64::from(present[c]) >= rules.quorum * f64::from(eligible[c])
            })
            .collect(),
        yes: vec![vec![false; n_upper]; n],
        margin: vec![vec![0.0f64; n_upper]; n],
    };
    for c in 0..n {
        if !(days.community || n_upper > 0) {
            continue;
        }
        // Those who came spend the meeting's time, and each round of discussion, there.
        let there = f64::from(present[c]);
        acts.gov.today.meeting_hours += there * rules.meeting_hours;
        if !mandates.quorate[c] {
            acts.gov.today.without_quorum += 1;
            continue;
        }
        acts.gov.today.meetings += 1;
        if days.community && acts.gov.delegates[c].seen_deviating {
            recall(acts, c);
        }
        for (k, p) in proposals[c].iter().enumerate() {
            let votes = &ballots.own[c][k];
            let (passed, rounds) = decide(&rules, votes);
            acts.gov.today.meeting_hours += there * rules.round_hours * f64::from(rounds);
            let level = Level::Community(c as u32);
            let outcome = Outcome {
                level,
                subject: p.subject,
                votes,
                rounds,
                passed,
            };
            record(acts.gov, acts.log, acts.params, acts.tick, outcome);
            p.kind.decided(p, c, passed, acts);
        }
        for k in 0..n_upper {
            let v = &ballots.mandates[c][k];
            mandates.yes[c][k] = v.yes > v.no;
            let cast = (v.yes + v.no).max(1.0);
            mandates.margin[c][k] = (v.yes - v.no) / cast;
        }
        if days.community {
            for kind in KINDS {
                kind.met(c, acts);
            }
        }
    }
    mandates
}

/// Community `c` recalls its delegate, seen voting against the mandate, and chooses another.
fn recall(acts: &mut Acts, c: usize) {
    let gov = &mut *acts.gov;
    gov.delegates[c] = Delegate {
        since: acts.tick,
        seen_deviating: false,
        recalls: gov.delegates[c].recalls + 1,
    };
    gov.today.recalls += 1;
    acts.log.push(
        acts.tick,
        LogKind::Recall,
        format!("community {c} recalls its delegate for voting against the mandate"),
    );
}

/// The regional and world assemblies, through delegates: each quorate community's delegate casts
/// its mandate, weighted as the scenario says, and each decision goes back to its kind.
fn upper_assemblies(
    acts: &mut Acts,
    regions: &Regions,
    people: &[PeopleDay],
    upper: &[Upper],
    mandates: &Mandates,
) {
    let n = mandates.quorate.len();
    let params = acts.params;
    let a = &params.assembly;
    for (k, up) in upper.iter().enumerate() {
        for &(level, subject) in &up.bodies {
            let (members, rules) = match level {
                Level::Region(r) => (regions.members(r as usize), a.region.clone()),
                _ => (0..n, a.world.clone()),
            };
            let total = members.len();
            let mut votes = Votes::default();
            let mut seated = 0usize;
            for c in members.filter(|c| mandates.quorate[*c]) {
                seated += 1;
                let weight = match a.delegate_weighting {
                    Weighting::Equal => 1.0,
                    Weighting::Population => f64::from(people[c].persons),
                };
                let s = delegate_vote(acts.gov, a, c, mandates.yes[c][k], mandates.margin[c][k]);
                votes.add(s as f32, a.stand_aside_step, weight);
            }
            acts.gov.today.meeting_hours += seated as f64 * rules.meeting_hours;
            if (seated as f64) < rules.quorum * total as f64 {
                acts.gov.today.without_quorum += 1;
                continue;
            }
            acts.gov.today.meetings += 1;
            let (passed, rounds) = decide(&rules, &votes);
            acts.gov.today.meeting_hours += seated as f64 * rules.round_hours * f64::from(rounds);
            let outcome = Outcome {
                level,
                subject,
                votes: &votes,
                rounds,
                passed,
            };
            record(acts.gov, acts.log, acts.params, acts.tick, outcome);
            up.kind.decided_upper(level, subject, passed, acts);
        }
    }
}

/// Community `c`'s delegate's vote: the mandate (`yes`, with the community's `margin`), unless
/// the delegate deviates (and may be seen doing so). A delegate's objection is as strong as the
/// community's margin.
fn delegate_vote(
    gov: &mut Government,
    a: &AssemblyParams,
    c: usize,
    mut yes: bool,
    mut margin: f64,
) -> f64 {
    let rng = &mut gov.rngs[c];
    if rng.random::<f64>() < a.deviation_probability {
        yes = !yes;
        margin = -margin;
        gov.today.deviations += 1;
        if rng.random::<f64>() < a.detection_probability {
            gov.delegates[c].seen_deviating = true;
        }
    }
    if yes {
        margin.abs().max(1e-3)
    } else {
        -margin.abs().max(1e-3)
    }
}

/// Keeps what the next meetings need of today: the undesirable work done and left unfilled
/// (what a rota proposal answers; unfilled hours add up until the community meets), the energy
/// made and generated from fossil fuel, and the food outlook; ends rationing where the scarcity
/// is over.
pub fn remember_day(params: Res<Params>, books: Books, mut gov: ResMut<Government>) {
    let mask = params.labour.undesirable_mask();
    let gov = &mut *gov;
    let fossil = Source::Fossil as usize;
    for (c, day) in books.labour.iter().enumerate() {
        let (energy, goods, food) = (&books.energy[c], &books.goods[c], &books.food[c]);
        let mut unfilled = 0.0;
        let mut done = 0.0;
        for s in 0..N_SECTORS {
            unfilled += f64::from(mask[s]) * day.unfilled[s];
            done += f64::from(mask[s]) * (day.posted[s] - day.unfilled[s]).max(0.0);
        }
        gov.undesirable_unfilled[c] += unfilled;
        let (mut kwh, mut grams) = (0.0, 0.0);
        for source in Source::ALL {
            let k = energy.generated[source as usize];
            kwh += k;
            grams += k * params.energy.source(source).g_co2e_per_kwh;
        }
        gov.yesterday[c] = Yesterday {
            undesirable_done: done,
            fossil_kwh: energy.generated[fossil],
            energy_made: goods.made[Good::Energy.index()],
            energy_g_per_kwh: if kwh > 0.0 { grams / kwh } else { 0.0 },
            food_outlook: food.food_outlook,
        };
        if food.food_outlook >= 1.0 {
            // The scarcity is over: the rationing agreed for it ends.
            gov.rationing[c] = false;
        }
    }
}

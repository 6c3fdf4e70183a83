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
//! upper assemblies' proposals, which sets its delegate's mandate; the delegate casts the mandate
//! at the regional assembly (one vote per community, or weighted by population), except that with
//! a set probability the delegate votes the other way. A deviation is seen with a set
//! probability, and the community recalls and replaces the delegate at its next meeting. The
//! world assembly hears one delegate per region: on a world proposal each region's assembly of
//! community delegates first decides, under the region's rules, the region's mandate, which the
//! region's delegate casts at the world (one vote per region, or the region's population), and
//! may deviate from in the same way; the region recalls a delegate seen deviating at its next
//! meeting. The world's quorum counts regions. A regional delegate's draws come from the region's
//! own stream (`Government::region_rngs`), so every community's draws are as they were.
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
    Acts, Ballot, Holdings, KINDS, Meeting, Proposal, Upper, Voter,
};
use crate::model::governance::voting::{Outcome, Votes, decide, record, vote};
use crate::model::kernel::calendar::Clock;
use crate::model::kernel::components::{AgeClass, Directory, HealthState};
use crate::model::kernel::decisions::{
    Decided, Delegate, Government, Level, Subject, Tally, Yesterday,
};
use crate::model::kernel::goods::Good;
use crate::model::kernel::ledger::{Books, PeopleDay};
use crate::model::kernel::log::{Log, LogKind};
use crate::model::kernel::params::assembly::{AssemblyParams, AssemblyRules, Weighting};
use crate::model::kernel::params::energy::Source;
use crate::model::kernel::params::{N_SECTORS, Params};
use crate::model::kernel::regions::{Regions, Settled};
use crate::model::kernel::technology::Economy;

/// Which assemblies meet today.
#[derive(Clone, Copy, Debug, Default)]
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

/// The proposals the assemblies meeting today take up, tabled by [`table_proposals`] before
/// the members vote in [`hold_assemblies`]: each community's own agenda, in order, and the upper
/// assemblies'. Between the two a live session may show a community's agenda to people outside
/// the simulation and take their votes (`Simulation::open_day`, `OutsideVotes`).
#[derive(Resource, Default)]
pub struct Agenda {
    /// The day tabled for, and which assemblies meet (none: no meeting today).
    tick: u32,
    days: Option<Days>,
    proposals: Vec<Vec<Proposal>>,
    upper: Vec<Upper>,
}

impl Agenda {
    /// What community `c`'s assembly takes up on `tick`, in agenda order (the item numbers of
    /// [`OutsideVotes`]): each proposal's subject. Empty on a day without a community meeting.
    pub fn community(&self, tick: u32, c: usize) -> Vec<Subject> {
        match self.days {
            Some(days) if days.community && self.tick == tick => self
                .proposals
                .get(c)
                .map(|list| list.iter().map(|p| p.subject).collect())
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }
}

/// One vote from outside the simulation: yes or no on item `item` of community `community`'s
/// agenda of day `tick`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutsideVote {
    pub tick: u32,
    pub community: u32,
    pub item: u32,
    pub yes: bool,
}

/// Votes cast from outside the simulation (a classroom's students, through `vote` events), for
/// today's community assemblies. Each counts as one member's vote beside the members' own: a yes
/// as a score of +1, a no as -1, a firm objection that blocks consensus in every round whose
/// stand-aside threshold is below 1. They count in the tally, not in attendance or the quorum,
/// and draw no random numbers, so the members' draws are as they would be without them. A vote
/// for an item the day's agenda does not have counts for nothing.
#[derive(Resource, Default, Debug)]
pub struct OutsideVotes {
    votes: Vec<OutsideVote>,
}

impl OutsideVotes {
    pub fn cast(&mut self, tick: u32, community: u32, item: u32, yes: bool) {
        self.votes.push(OutsideVote {
            tick,
            community,
            item,
            yes,
        });
    }
}

/// Tables the proposals of the assemblies due today (see [`Agenda`]): what each kind proposes.
/// Runs after needs are known, right before [`hold_assemblies`].
#[allow(clippy::too_many_arguments)]
pub fn table_proposals(
    clock: Res<Clock>,
    params: Res<Params>,
    decided: Res<Decided>,
    economy: Res<Economy>,
    books: Books,
    directory: Res<Directory>,
    mut gov: ResMut<Government>,
    droughts: Res<Droughts>,
    regions: Res<Regions>,
    holdings: Holdings,
    mut agenda: ResMut<Agenda>,
    mut outside: ResMut<OutsideVotes>,
    settled: Res<Settled>,
) {
    let gov = &mut *gov;
    let tick = clock.tick;
    gov.today = Tally::default();
    *agenda = Agenda {
        tick,
        ..Agenda::default()
    };
    outside.votes.retain(|v| v.tick >= tick);
    if !params.assembly.enabled {
        return;
    }
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
            settled: &settled,
        };
        (agendas(&m, &mut rngs, days), upper_agendas(&m, days))
    };
    gov.rngs = rngs;
    agenda.days = Some(days);
    agenda.proposals = proposals;
    agenda.upper = upper;
}

/// Meets the assemblies due today on the proposals [`table_proposals`] tabled: the members vote
/// (with the outside votes cast for today), the decisions are applied, and delegates seen
/// deviating are recalled. Runs before the day's plans.
#[allow(clippy::too_many_arguments)]
pub fn hold_assemblies(
    params: Res<Params>,
    mut decided: ResMut<Decided>,
    mut economy: ResMut<Economy>,
    books: Books,
    directory: Res<Directory>,
    mut gov: ResMut<Government>,
    mut log: ResMut<Log>,
    regions: Res<Regions>,
    mut holdings: Holdings,
    agenda: Res<Agenda>,
    outside: Res<OutsideVotes>,
    mut settled: ResMut<Settled>,
) {
    let gov = &mut *gov;
    let Some(days) = agenda.days else {
        return;
    };
    let tick = agenda.tick;
    let (proposals, upper) = (&agenda.proposals, &agenda.upper);
    let mut ballots = cast_votes(&params, gov, &holdings, proposals, upper);
    let step = params.assembly.stand_aside_step;
    for v in outside.votes.iter().filter(|v| v.tick == tick) {
        if let Some(votes) = ballots
            .own
            .get_mut(v.community as usize)
            .and_then(|own| own.get_mut(v.item as usize))
        {
            votes.add(if v.yes { 1.0 } else { -1.0 }, step, 1.0);
        }
    }
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
        settled: &mut settled,
    };
    let mandates = community_meetings(&mut acts, days, proposals, &ballots, upper.len());
    for kind in KINDS {
        kind.all_met(&mut acts);
    }
    upper_assemblies(&mut acts, &regions, &books.people, upper, &mandates);
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
    for (c, list) in proposals.iter_mut().enumerate() {
        list.retain(|p| rules.takes_up(p.subject.kind()));
        // A site has no assembly until it is founded.
        if !m.settled.is(c) {
            list.clear();
        }
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
        upper.extend(kind.propose_uppers(m));
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
    /// For each community proposal, the members who vote on it (`ProposalKind::voter`): how
    /// many could and how many came. Every member, unless the proposal is a syndicate's own.
    voters: Vec<Vec<(u32, u32)>>,
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
        voters: proposals.iter().map(|p| vec![(0, 0); p.len()]).collect(),
    };
    for (member, person, draws, work, vocation) in holdings.persons.iter() {
        let values = &draws.values;
        if person.age == AgeClass::Child || person.health != HealthState::Well {
            continue;
        }
        let c = member.0 as usize;
        b.eligible[c] += 1;
        let who = Voter {
            person,
            vocation,
            work,
        };
        for (k, p) in proposals[c].iter().enumerate() {
            b.voters[c][k].0 += u32::from(p.kind.voter(p, &who));
        }
        let rng = &mut gov.rngs[c];
        if rng.random::<f64>() >= a.community.attendance {
            continue;
        }
        b.present[c] += 1;
        for (k, p) in proposals[c].iter().enumerate() {
            // (A member who does not vote on it draws nothing for it.)
            if !p.kind.voter(p, &who) {
                continue;
            }
            b.voters[c][k].1 += 1;
            let e = p.kind.effect_on(p, &ballot, &who, rng);
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
    /// Sites (not yet settled), which count for no region's quorum.
    sites: Vec<bool>,
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
        sites: (0..n).map(|c| !acts.settled.is(c)).collect(),
        yes: vec![vec![false; n_upper]; n],
        margin: vec![vec![0.0f64; n_upper]; n],
    };
    for c in 0..n {
        if !(days.community || n_upper > 0) || !acts.settled.is(c) {
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
            if !p.kind.taken_up(p, c, acts) {
                continue;
            }
            // Those who vote on it (every member but on a syndicate's own matters, where its
            // workers make their own quorum and spend their own rounds).
            let (could, came) = ballots.voters[c][k];
            if f64::from(came) < rules.quorum * f64::from(could) {
                continue;
            }
            let votes = &ballots.own[c][k];
            let (passed, rounds) = decide(&rules, votes);
            acts.gov.today.meeting_hours += f64::from(came) * rules.round_hours * f64::from(rounds);
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

/// The regional and world assemblies, through delegates, and each decision back to its kind.
///
/// A regional proposal is decided by the region's assembly of its quorate communities'
/// delegates, each casting its community's mandate. A world proposal goes up the chain: each
/// region's assembly of community delegates first decides the region's mandate under the
/// region's rules, then one delegate per seated region casts it at the world assembly
/// (`world_votes`), which decides under the world's rules, its quorum counted in regions. Before
/// any of it, a region meeting today recalls its delegate to the world if seen deviating.
fn upper_assemblies(
    acts: &mut Acts,
    regions: &Regions,
    people: &[PeopleDay],
    upper: &[Upper],
    mandates: &Mandates,
) {
    let params = acts.params;
    let a = &params.assembly;
    let persons: Vec<f64> = people.iter().map(|d| f64::from(d.persons)).collect();
    let on_agenda = |level: Level| {
        upper
            .iter()
            .any(|up| up.bodies.iter().any(|b| b.0 == level))
    };
    let world_today = on_agenda(Level::World);
    for r in 0..regions.count() {
        let meets = world_today || on_agenda(Level::Region(r as u32));
        let members = regions.members(r);
        let total = settled_in(acts.settled, members.clone());
        let seated = members.filter(|c| mandates.quorate[*c]).count();
        let seen = acts.gov.region_delegates[r].seen_deviating;
        if seen && meets && seated > 0 && quorate(&a.region, seated, total) {
            recall_region(acts.gov, acts.log, acts.tick, r);
        }
    }
    for (k, up) in upper.iter().enumerate() {
        for &(level, subject) in &up.bodies {
            if !up.kind.heard(level, subject, acts) {
                continue;
            }
            let (votes, seated, total, rules) = match level {
                Level::Region(r) => {
                    let r = r as usize;
                    let step = region_votes(acts.gov, a, regions, r, &persons, mandates, k);
                    (
                        step.0,
                        step.1,
                        settled_in(acts.settled, regions.members(r)),
                        &a.region,
                    )
                }
                _ => {
                    let tick = acts.tick;
                    let (gov, log) = (&mut *acts.gov, &mut *acts.log);
                    let at = Mandating { tick, subject };
                    let (votes, seated) =
                        world_votes(gov, log, a, regions, &persons, mandates, k, at);
                    // A region made only of sites has no assembly and counts for no quorum.
                    let settled = regions
                        .all()
                        .filter(|m| settled_in(acts.settled, m.clone()) > 0)
                        .count();
                    (votes, seated, settled, &a.world)
                }
            };
            if total == 0 {
                // Only sites: no assembly to meet.
                continue;
            }
            acts.gov.today.meeting_hours += seated as f64 * rules.meeting_hours;
            if !quorate(rules, seated, total) {
                acts.gov.today.without_quorum += 1;
                continue;
            }
            acts.gov.today.meetings += 1;
            let (passed, rounds) = decide(rules, &votes);
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

/// How many of `members` are settled (a site has no delegate and counts for no quorum).
fn settled_in(settled: &Settled, members: std::ops::Range<usize>) -> usize {
    members.filter(|&c| settled.is(c)).count()
}

/// Whether `seated` of `total` (communities, or regions) make the assembly's quorum.
fn quorate(rules: &AssemblyRules, seated: usize, total: usize) -> bool {
    seated as f64 >= rules.quorum * total as f64
}

/// The world proposal a region's mandate is about, and the day, for the log.
#[derive(Clone, Copy)]
struct Mandating {
    tick: u32,
    subject: Subject,
}

/// Region `r`'s assembly of community delegates on upper proposal `k`: each quorate community's
/// delegate casts its mandate, weighted as `delegate_weighting` says (one vote, or the
/// community's persons). The votes and how many delegates were seated.
fn region_votes(
    gov: &mut Government,
    a: &AssemblyParams,
    regions: &Regions,
    r: usize,
    persons: &[f64],
    mandates: &Mandates,
    k: usize,
) -> (Votes, usize) {
    let mut votes = Votes::default();
    let mut seated = 0usize;
    for c in regions.members(r).filter(|c| mandates.quorate[*c]) {
        seated += 1;
        let weight = match a.delegate_weighting {
            Weighting::Equal => 1.0,
            Weighting::Population => persons[c],
        };
        let (yes, margin) = (mandates.yes[c][k], mandates.margin[c][k]);
        let deviations = &mut gov.today.deviations;
        let (rng, delegate) = (&mut gov.rngs[c], &mut gov.delegates[c]);
        let s = delegate_vote(rng, delegate, deviations, a, yes, margin);
        votes.add(s as f32, a.stand_aside_step, weight);
    }
    (votes, seated)
}

/// The world assembly's votes on upper proposal `k`, and how many regions were seated. Each
/// region's assembly of community delegates meets first (`region_votes`, costing its delegates'
/// meeting hours): without its quorum, or with no delegate seated, the region sends no one;
/// otherwise its rules decide the region's mandate (with the margin its delegates' votes give)
/// and its one delegate casts it, weighted 1 (`equal`) or by the region's persons
/// (`population`), unless they deviate. A regional delegate's draws come from the region's own
/// stream (`Government::region_rngs`), after its community delegates' draws from theirs, so
/// they are fixed by the seed and leave every community's draws as they were.
#[allow(clippy::too_many_arguments)]
fn world_votes(
    gov: &mut Government,
    log: &mut Log,
    a: &AssemblyParams,
    regions: &Regions,
    persons: &[f64],
    mandates: &Mandates,
    k: usize,
    at: Mandating,
) -> (Votes, usize) {
    let rules = &a.region;
    let mut votes = Votes::default();
    let mut seated = 0usize;
    for r in 0..regions.count() {
        let (region, delegates) = region_votes(gov, a, regions, r, persons, mandates, k);
        let members = regions.members(r);
        gov.today.meeting_hours += delegates as f64 * rules.meeting_hours;
        let total = members.clone().filter(|&c| !mandates.sites[c]).count();
        if total == 0 {
            // Only sites: no assembly to meet, and no meeting without its quorum.
            continue;
        }
        if delegates == 0 || !quorate(rules, delegates, total) {
            gov.today.without_quorum += 1;
            continue;
        }
        gov.today.meetings += 1;
        let (yes, rounds) = decide(rules, &region);
        gov.today.rounds += rounds;
        gov.today.meeting_hours += delegates as f64 * rules.round_hours * f64::from(rounds);
        let cast = region.yes + region.no;
        let margin = if cast > 0.0 {
            (region.yes - region.no) / cast
        } else {
            0.0
        };
        log.push(
            at.tick,
            LogKind::Decision,
            format!(
                "region {r}: mandates its delegate to the world to vote {} \"{}\" ({:.0} for, \
                 {:.0} against)",
                if yes { "for" } else { "against" },
                at.subject.describe(),
                region.yes,
                region.no,
            ),
        );
        seated += 1;
        let weight = match a.delegate_weighting {
            Weighting::Equal => 1.0,
            Weighting::Population => members.map(|c| persons[c]).sum(),
        };
        let deviations = &mut gov.today.deviations;
        let (rng, delegate) = (&mut gov.region_rngs[r], &mut gov.region_delegates[r]);
        let s = delegate_vote(rng, delegate, deviations, a, yes, margin);
        votes.add(s as f32, a.stand_aside_step, weight);
    }
    (votes, seated)
}

/// Region `r` recalls its delegate to the world, seen voting against the region's mandate, and
/// chooses another.
fn recall_region(gov: &mut Government, log: &mut Log, tick: u32, r: usize) {
    gov.region_delegates[r] = Delegate {
        since: tick,
        seen_deviating: false,
        recalls: gov.region_delegates[r].recalls + 1,
    };
    gov.today.recalls += 1;
    log.push(
        tick,
        LogKind::Recall,
        format!("region {r} recalls its delegate to the world for voting against the mandate"),
    );
}

/// A delegate's vote: the mandate (`yes`, with the margin of those who gave it), unless the
/// delegate deviates (drawn from `rng`, counted in `deviations`) and may be seen doing so. A
/// delegate's objection is as strong as the margin.
fn delegate_vote(
    rng: &mut ChaCha8Rng,
    delegate: &mut Delegate,
    deviations: &mut u32,
    a: &AssemblyParams,
    mut yes: bool,
    mut margin: f64,
) -> f64 {
    if rng.random::<f64>() < a.deviation_probability {
        yes = !yes;
        margin = -margin;
        *deviations += 1;
        if rng.random::<f64>() < a.detection_probability {
            delegate.seen_deviating = true;
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
pub fn remember_day(
    params: Res<Params>,
    books: Books,
    mut gov: ResMut<Government>,
    harvest: HarvestDays,
) {
    let mask = params.labour.undesirable_mask();
    let gov = &mut *gov;
    if params.labour.harvest_help_decided {
        remember_harvest(gov, &books, &harvest);
    }
    if params.labour.city_help_decided {
        remember_city(gov, &books, &harvest);
    }
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

/// What `remember_day` reads to follow the harvest and the season between harvest and growing
/// season (`labour.harvest_help_decided`, `labour.city_help_decided`).
#[derive(bevy_ecs::system::SystemParam)]
pub struct HarvestDays<'w> {
    clock: Res<'w, crate::model::kernel::calendar::Clock>,
    calendar: Res<'w, crate::model::kernel::calendar::Calendar>,
    regions: Res<'w, Regions>,
    urban: Res<'w, crate::model::kernel::regions::Urban>,
}

/// On a harvest day, adds the farm hours each region's rural communities left unfilled before
/// any help (those still unfilled and the help received) to the region's count, which the
/// first day of each harvest clears.
fn remember_harvest(gov: &mut Government, books: &Books, h: &HarvestDays) {
    let day = h.clock.day_of_year() as usize;
    if !h.calendar.in_harvest[day] {
        return;
    }
    let first = day == 0 || !h.calendar.in_harvest[day - 1];
    let farm = crate::model::kernel::params::Sector::Agriculture.index();
    for (r, members) in h.regions.all().enumerate() {
        if first {
            gov.harvest_unfilled[r] = 0.0;
        }
        for c in members.filter(|&c| !h.urban.is(c)) {
            let d = &books.labour[c];
            gov.harvest_unfilled[r] += d.unfilled[farm] + d.exchange_received;
        }
    }
}

/// On a day outside the growing season and the harvest (when city help may run), adds the hours
/// each region's urban communities left unfilled outside the farm before any help (those still
/// unfilled and the help received) and the hours they posted there to the region's counts, which
/// the first such day after the farming season clears.
fn remember_city(gov: &mut Government, books: &Books, h: &HarvestDays) {
    let day = h.clock.day_of_year() as usize;
    let off = |d: usize| !h.calendar.growing[d] && !h.calendar.in_harvest[d];
    if !off(day) {
        return;
    }
    let yesterday = (day + h.calendar.growing.len() - 1) % h.calendar.growing.len();
    let first = !off(yesterday);
    let farm = crate::model::kernel::params::Sector::Agriculture.index();
    for (r, members) in h.regions.all().enumerate() {
        if first {
            gov.city_unfilled[r] = 0.0;
            gov.city_posted[r] = 0.0;
        }
        for c in members.filter(|&c| h.urban.is(c)) {
            let d = &books.labour[c];
            let outside = |xs: &[f64; crate::model::kernel::params::N_SECTORS]| {
                xs.iter()
                    .enumerate()
                    .filter(|&(s, _)| s != farm)
                    .map(|(_, x)| x)
                    .sum::<f64>()
            };
            gov.city_unfilled[r] += outside(&d.unfilled) + d.exchange_received;
            gov.city_posted[r] += outside(&d.posted);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Nine communities in three regions of three, every meeting quorate, each community's
    /// mandate on one world proposal as given (its margin is 1 either way).
    fn nine(yes: [bool; 9]) -> (Regions, Mandates) {
        let mandates = Mandates {
            quorate: vec![true; 9],
            sites: vec![false; 9],
            yes: yes.iter().map(|y| vec![*y]).collect(),
            margin: yes
                .iter()
                .map(|y| vec![if *y { 1.0 } else { -1.0 }])
                .collect(),
        };
        (Regions::new(9, 3), mandates)
    }

    fn at() -> Mandating {
        Mandating {
            tick: 91,
            subject: Subject::PhaseOutFossil,
        }
    }

    fn faithful() -> AssemblyParams {
        AssemblyParams {
            deviation_probability: 0.0,
            ..AssemblyParams::default()
        }
    }

    #[test]
    fn the_world_hears_one_delegate_per_region_not_one_per_community() {
        // Region 0 is for, unanimously; regions 1 and 2 are against, two to one. Five communities
        // of nine are for, so one vote per community would pass the proposal by a majority;
        // through the regions it is one region for and two against, and it fails.
        let (regions, mandates) = nine([true, true, true, false, false, true, false, false, true]);
        let a = faithful();
        let mut gov = Government::new(1, 9, 3);
        let mut log = Log::default();
        let persons = vec![10.0; 9];
        let (votes, seated) = world_votes(
            &mut gov,
            &mut log,
            &a,
            &regions,
            &persons,
            &mandates,
            0,
            at(),
        );
        assert_eq!(seated, 3);
        assert_eq!((votes.yes, votes.no), (1.0, 2.0));
        assert!(quorate(&a.world, seated, regions.count()));
        assert_eq!(decide(&a.world, &votes), (false, 1));
        // The three regional meetings cost their nine delegates' hours, each deciding in one
        // round.
        assert_eq!(gov.today.meetings, 3);
        assert_eq!(gov.today.rounds, 3);
        let hours = 9.0 * (a.region.meeting_hours + a.region.round_hours);
        assert!((gov.today.meeting_hours - hours).abs() < 1e-12);
        // The community count the world used to take: five for, four against, passed.
        let mut per_community = Votes::default();
        for c in 0..9 {
            per_community.add(mandates.margin[c][0] as f32, a.stand_aside_step, 1.0);
        }
        assert_eq!(decide(&a.world, &per_community), (true, 1));
        let mandated = log
            .entries
            .iter()
            .filter(|e| e.text.contains("mandates its delegate to the world"))
            .count();
        assert_eq!(mandated, 3);
    }

    #[test]
    fn by_population_a_region_weighs_its_persons_and_a_region_without_quorum_sends_no_one() {
        let (regions, mut mandates) =
            nine([true, true, true, false, false, true, false, false, true]);
        let mut a = faithful();
        a.delegate_weighting = Weighting::Population;
        a.region.quorum = 0.5;
        // Region 0's communities are large: 100 persons each, against 10 elsewhere.
        let persons: Vec<f64> = (0..9).map(|c| if c < 3 { 100.0 } else { 10.0 }).collect();
        let mut gov = Government::new(1, 9, 3);
        let mut log = Log::default();
        let (votes, seated) = world_votes(
            &mut gov,
            &mut log,
            &a,
            &regions,
            &persons,
            &mandates,
            0,
            at(),
        );
        assert_eq!(seated, 3);
        assert_eq!((votes.yes, votes.no), (300.0, 60.0));
        assert_eq!(decide(&a.world, &votes), (true, 1));
        // Two of region 2's three meetings without quorum: one delegate of three is below the
        // region's quorum of half, and region 2 is not seated at the world.
        mandates.quorate[6] = false;
        mandates.quorate[7] = false;
        let mut gov = Government::new(1, 9, 3);
        let (votes, seated) = world_votes(
            &mut gov,
            &mut log,
            &a,
            &regions,
            &persons,
            &mandates,
            0,
            at(),
        );
        assert_eq!(seated, 2);
        assert_eq!((votes.yes, votes.no), (300.0, 30.0));
        assert_eq!(gov.today.without_quorum, 1);
    }

    #[test]
    fn a_regional_delegate_who_deviates_is_seen_and_recalled() {
        let (regions, mandates) = nine([true; 9]);
        let mut a = faithful();
        a.deviation_probability = 1.0;
        a.detection_probability = 1.0;
        let mut gov = Government::new(1, 9, 3);
        let mut log = Log::default();
        let persons = vec![10.0; 9];
        let (votes, seated) = world_votes(
            &mut gov,
            &mut log,
            &a,
            &regions,
            &persons,
            &mandates,
            0,
            at(),
        );
        // Every community delegate votes against the mandate (so each region mandates "against"),
        // and every regional delegate against the region's (so the world hears three for).
        assert_eq!(seated, 3);
        assert_eq!((votes.yes, votes.no), (3.0, 0.0));
        assert_eq!(gov.today.deviations, 12);
        assert!(gov.region_delegates.iter().all(|d| d.seen_deviating));
        recall_region(&mut gov, &mut log, 182, 1);
        let d = gov.region_delegates[1];
        assert_eq!((d.since, d.seen_deviating, d.recalls), (182, false, 1));
        assert_eq!(gov.today.recalls, 1);
        assert!(log.entries.iter().any(|e| e.text
            == "region 1 recalls its delegate to the world for voting against the mandate"));
    }
}

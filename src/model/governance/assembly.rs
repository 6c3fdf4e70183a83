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
//! Proposals:
//! - community: idle a syndicate whose stocks cover need well beyond its reserve, and resume it
//!   when they fall back to the reserve ("production ceases until the need arises again");
//!   accept a guild's agreement for raw materials; adopt a rota for undesirable work that
//!   volunteering leaves unfilled; ration food when what is held and still to come will not
//!   cover need until the next harvest (the rationing lasts until the scarcity is over);
//! - regional: the season's food agreement (members with land to spare grow for those short);
//! - global: phase out fossil energy, where the scenario allows it and it is in use; allow cars
//!   (a global automobile syndicate), or give them up, where `transport.cars_vote` is on.

use bevy_ecs::prelude::*;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use crate::model::energy::EnergyBuilds;
use crate::model::food::droughts::Droughts;
use crate::model::guilds::{Agreement, Guild};
use crate::model::kernel::calendar::Clock;
use crate::model::kernel::components::{Directory, Land, Ledger, Member, Person, Stocks, Work};
use crate::model::kernel::decisions::Decided;
use crate::model::kernel::decisions::{
    Decision, Delegate, Government, Level, Subject, Tally, Values, Yesterday,
};
use crate::model::kernel::goods::{Good, N_GOODS};
use crate::model::kernel::log::{Log, LogKind};
use crate::model::kernel::params::assembly::{AssemblyRules, Fallback, VotingRule, Weighting};
use crate::model::kernel::params::energy::Source;
use crate::model::kernel::params::{N_SECTORS, Params, UndesirablePolicy};
use crate::model::kernel::regions::Regions;
use crate::model::kernel::technology::Economy;

/// A proposal's estimated effect on a member: leisure (h/day), goods (share of need met, 0..1),
/// environment (kg CO2e/person/day avoided).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Effect {
    pub leisure: f32,
    pub goods: f32,
    pub environment: f32,
}

/// Votes on one proposal after the members' scores are in.
#[derive(Clone, Copy, Debug, Default)]
struct Votes {
    yes: f64,
    no: f64,
    /// Members whose score is below `-r * step`, for each consensus round r.
    blocks: [f64; MAX_ROUNDS],
}

const MAX_ROUNDS: usize = 16;

impl Votes {
    fn add(&mut self, score: f32, step: f64, weight: f64) {
        if score > 0.0 {
            self.yes += weight;
        } else {
            self.no += weight;
        }
        for (r, b) in self.blocks.iter_mut().enumerate() {
            if f64::from(score) < -(r as f64) * step {
                *b += weight;
            }
        }
    }
}

/// Applies `rules` to `votes`: whether the proposal passed and after how many rounds.
fn decide(rules: &AssemblyRules, votes: &Votes) -> (bool, u32) {
    let cast = votes.yes + votes.no;
    if cast <= 0.0 {
        return (false, 1);
    }
    let share = votes.yes / cast;
    let by = |rule: VotingRule| match rule {
        VotingRule::Majority => votes.yes > votes.no,
        VotingRule::Supermajority => share >= rules.supermajority,
        VotingRule::Consensus => votes.blocks[0] == 0.0,
    };
    match rules.rule {
        VotingRule::Consensus => {
            let rounds = rules.consensus_rounds.clamp(1, MAX_ROUNDS as u32);
            for r in 0..rounds {
                if votes.blocks[r as usize] == 0.0 {
                    return (votes.yes > 0.0, r + 1);
                }
            }
            let passed = match rules.fallback {
                Fallback::Majority => by(VotingRule::Majority),
                Fallback::Supermajority => by(VotingRule::Supermajority),
                Fallback::Fail => false,
            };
            (passed, rounds)
        }
        rule => (by(rule), 1),
    }
}

/// A proposal before a community's members, with its effect on each of them.
#[derive(Clone, Copy, Debug)]
struct Proposal {
    subject: Subject,
    effect: Effect,
    /// For a rota: a member's leisure changes by (their undesirable hours - `rota_share`).
    rota_share: Option<f32>,
    /// For a build: the capacity to build (kW).
    kw: f64,
    /// For an artist: the share of members who love their work (each member's goods effect is
    /// `artist_value` with this probability, else 0), and which able member they are (a share
    /// of the way through the community's candidates, in table order).
    following: Option<(f32, f64)>,
}

/// A member's score for an effect: their values weighting leisure (h/day), goods (a share of
/// need, counted ten times, so that a tenth of one need weighs as an hour a day) and
/// environment (kg CO2e/day).
fn score(values: &Values, e: &Effect) -> f32 {
    values.0[0] * e.leisure + values.0[1] * e.goods * 10.0 + values.0[2] * e.environment
}

/// How much is at stake in an effect, in score units: the score of someone who weighs all three
/// values fully.
fn stakes(e: &Effect) -> f32 {
    e.leisure.abs() + e.goods.abs() * 10.0 + e.environment.abs()
}

/// A member's score for a proposal, relative to its stakes: their values' score plus a personal
/// term (deliberation, what the estimate misses) with standard deviation `noise` times the
/// stakes. Positive is a yes.
fn vote(values: &Values, e: &Effect, noise: f32, rng: &mut ChaCha8Rng) -> f32 {
    let at_stake = stakes(e).max(1e-9);
    (score(values, e) + noise * at_stake * normal(rng)) / at_stake
}

/// Meets the assemblies due today, applies their decisions, and recalls delegates seen
/// deviating. Runs after needs are known and before the day's plans.
#[allow(clippy::too_many_arguments)]
pub fn hold_assemblies(
    clock: Res<Clock>,
    params: Res<Params>,
    mut decided: ResMut<Decided>,
    mut economy: ResMut<Economy>,
    ledger: Res<Ledger>,
    directory: Res<Directory>,
    mut gov: ResMut<Government>,
    mut log: ResMut<Log>,
    mut persons: Query<(&Member, &mut Person, &Values, &Work)>,
    stocks: Query<&Stocks>,
    mut guilds: Query<&mut Guild>,
    droughts: Res<Droughts>,
    lands: Query<&Land>,
    mut builds: Query<&mut EnergyBuilds>,
) {
    let gov = &mut *gov;
    gov.today = Tally::default();
    let a = &params.assembly;
    if !a.enabled {
        return;
    }
    let tick = clock.tick;
    // Nothing has happened yet on the first day: the first meetings come one interval in.
    let meets = |rules: &AssemblyRules| tick > 0 && tick.is_multiple_of(rules.interval_days.max(1));
    let community_day = meets(&a.community);
    let region_day = meets(&a.region);
    let world_day = meets(&a.world);
    if !(community_day || region_day || world_day) {
        return;
    }
    let n = ledger.days.len();
    let mask = params.labour.undesirable_mask();
    let mut proposals: Vec<Vec<Proposal>> = vec![Vec::new(); n];
    if community_day {
        for c in 0..n {
            community_proposals(
                &params,
                &economy,
                &ledger,
                &directory,
                gov,
                &stocks,
                c,
                &mut proposals[c],
            );
        }
        // Building installations where the community was short of energy (the scenario's
        // `energy.expand_source`).
        let e = &params.energy;
        if let Some(source) =
            Source::from_name(&e.expand_source).filter(|s| decided.allowed(&params, *s))
        {
            let sp = e.source(source);
            let interval = f64::from(a.community.interval_days.max(1));
            let per_kw = interval * 24.0 * sp.capacity_factor;
            for c in 0..n {
                let Ok(b) = builds.get(directory.communities[c]) else {
                    continue;
                };
                let kw = b.shortage_kwh / per_kw.max(1e-9) - b.kw[source as usize];
                if kw <= 0.0 || b.shortage_kwh <= 0.0 {
                    continue;
                }
                let persons = f64::from(ledger.days[c].persons.max(1));
                let used = (gov.yesterday[c].energy_made * interval).max(1e-9);
                let kwh_a_day = kw * 24.0 * sp.capacity_factor;
                proposals[c].push(Proposal {
                    subject: Subject::Build(source),
                    effect: Effect {
                        // The build's hours, spread over a year.
                        leisure: -(kw * sp.build_hours_per_kw / persons / 365.0) as f32,
                        goods: ((b.shortage_kwh / used).min(1.0) / (N_GOODS as f64 + 1.0)) as f32,
                        environment: -(kwh_a_day * sp.g_co2e_per_kwh / 1000.0 / persons) as f32,
                    },
                    rota_share: None,
                    kw,
                    following: None,
                });
            }
        }
        for guild in guilds.iter() {
            if guild.agreement == Agreement::Pending {
                let c = guild.community as usize;
                let persons = f64::from(ledger.days[c].persons.max(1));
                // The guild's output in place of the syndicate's: hours saved and more
                // variety, for materials from the store.
                let hours = f64::from(guild.members) * params.guilds.hours_per_member / persons;
                proposals[c].push(Proposal {
                    subject: Subject::GuildAgreement(guild.good),
                    effect: Effect {
                        leisure: (hours * 0.5) as f32,
                        goods: params.guilds.variety_value as f32,
                        environment: 0.0,
                    },
                    rota_share: None,
                    kw: 0.0,
                    following: None,
                });
            }
        }
    }
    if community_day && a.artists {
        for c in 0..n {
            if gov.artists[c] >= a.max_artists {
                continue;
            }
            // Someone whose art some members love; the others would cover their share of the
            // necessary work.
            let rng = &mut gov.rngs[c];
            let following = rng.random::<f32>();
            let pick = rng.random::<f64>();
            let persons = f64::from(ledger.days[c].persons.max(1));
            proposals[c].push(Proposal {
                subject: Subject::Artist,
                effect: Effect {
                    leisure: -(params.labour.willing_hours_mean / persons) as f32,
                    goods: 0.0,
                    environment: 0.0,
                },
                rota_share: None,
                kw: 0.0,
                following: Some((following, pick)),
            });
        }
    }
    for list in &mut proposals {
        list.retain(|p| a.community.takes_up(p.subject.kind()));
    }
    // Upper-level proposals, voted by every community to set its delegate's mandate.
    let mut upper: Vec<(Level, Subject)> = Vec::new();
    let mut upper_effects: Vec<Vec<Effect>> = Vec::new();
    // The food agreement comes up only in regions where some members' land falls short.
    let food_effects = if region_day && a.region.takes_up("food_agreement") {
        let arable: Vec<f64> = directory
            .communities
            .iter()
            .map(|e| lands.get(*e).map_or(0.0, |l| l.arable_ha))
            .collect();
        food_agreement_effects(&params, &ledger, &arable, &droughts, tick)
    } else {
        None
    };
    let region_day = food_effects.is_some();
    if let Some((effects, regions)) = food_effects {
        for r in regions {
            upper.push((Level::Region(r), Subject::FoodAgreement));
        }
        upper_effects.push(effects);
    }
    let fossil_in_use = gov.yesterday.iter().map(|y| y.fossil_kwh).sum::<f64>() > 0.0;
    let mut world_subjects: Vec<Subject> = Vec::new();
    if world_day
        && a.world.takes_up("phase_out_fossil")
        && decided.allow_fossil(&params)
        && fossil_in_use
    {
        world_subjects.push(Subject::PhaseOutFossil);
        let g = params.energy.fossil.g_co2e_per_kwh / 1000.0;
        let effects = ledger
            .days
            .iter()
            .zip(&gov.yesterday)
            .map(|(d, y)| {
                let persons = f64::from(d.persons.max(1));
                let fossil_share = (y.fossil_kwh / y.energy_made.max(1e-9)).min(1.0);
                Effect {
                    leisure: 0.0,
                    goods: -(fossil_share / f64::from(N_GOODS as u32 + 1)) as f32,
                    environment: (y.fossil_kwh * g / persons) as f32,
                }
            })
            .collect();
        upper_effects.push(effects);
    }
    if world_day && params.transport.cars_vote && a.world.takes_up("cars") {
        let allowed = decided.cars_allowed(&params);
        world_subjects.push(if allowed {
            Subject::GiveUpCars
        } else {
            Subject::AllowCars
        });
        let effects = ledger
            .days
            .iter()
            .zip(&gov.yesterday)
            .map(|(d, y)| {
                let e = car_effect(&params, d, y);
                if allowed { e.reversed() } else { e }
            })
            .collect();
        upper_effects.push(effects);
    }
    for subject in &world_subjects {
        upper.push((Level::World, *subject));
    }

    // Members' votes, in one pass over persons (in table order, so the draws are fixed).
    let rules_c = a.community.clone();
    let step = a.stand_aside_step;
    let noise = a.vote_noise as f32;
    let mut own: Vec<Vec<Votes>> = proposals
        .iter()
        .map(|p| vec![Votes::default(); p.len()])
        .collect();
    let n_upper_kinds = upper_effects.len();
    let mut mandates: Vec<Vec<Votes>> = vec![vec![Votes::default(); n_upper_kinds]; n];
    let mut eligible = vec![0u32; n];
    let mut present = vec![0u32; n];
    {
        for (member, person, values, work) in &persons {
            if person.age == crate::model::kernel::components::AgeClass::Child
                || person.health != crate::model::kernel::components::HealthState::Well
            {
                continue;
            }
            let c = member.0 as usize;
            eligible[c] += 1;
            let rng = &mut gov.rngs[c];
            if rng.random::<f64>() >= rules_c.attendance {
                continue;
            }
            present[c] += 1;
            for (k, p) in proposals[c].iter().enumerate() {
                let mut e = p.effect;
                if let Some(share) = p.rota_share {
                    let mine: f32 = (0..N_SECTORS).map(|s| work.hours[s] * mask[s]).sum();
                    e.leisure = mine - share;
                }
                if let Some((following, _)) = p.following
                    && rng.random::<f32>() < following
                {
                    e.goods = a.artist_value as f32;
                }
                own[c][k].add(vote(values, &e, noise, rng), step, 1.0);
            }
            for (k, effects) in upper_effects.iter().enumerate() {
                mandates[c][k].add(vote(values, &effects[c], noise, rng), step, 1.0);
            }
        }
    }

    // Community decisions.
    let mut appoint: Vec<(usize, f64)> = Vec::new();
    let mut mandate_yes = vec![vec![false; n_upper_kinds]; n];
    let mut mandate_margin = vec![vec![0.0f64; n_upper_kinds]; n];
    let quorate: Vec<bool> = (0..n)
        .map(|c| {
            eligible[c] > 0 && f64::from(present[c]) >= rules_c.quorum * f64::from(eligible[c])
        })
        .collect();
    for c in 0..n {
        let holds = community_day || n_upper_kinds > 0;
        if !holds {
            continue;
        }
        if !quorate[c] {
            gov.today.without_quorum += 1;
            continue;
        }
        gov.today.meetings += 1;
        if community_day && gov.delegates[c].seen_deviating {
            gov.delegates[c] = Delegate {
                since: tick,
                seen_deviating: false,
                recalls: gov.delegates[c].recalls + 1,
            };
            gov.today.recalls += 1;
            log.push(
                tick,
                LogKind::Recall,
                format!("community {c} recalls its delegate for voting against the mandate"),
            );
        }
        for (k, p) in proposals[c].iter().enumerate() {
            let (passed, rounds) = decide(&rules_c, &own[c][k]);
            record(
                gov,
                &mut log,
                &params,
                tick,
                Level::Community(c as u32),
                p.subject,
                &own[c][k],
                rounds,
                passed,
            );
            if passed {
                match p.subject {
                    Subject::Idle(g) => gov.idle[c][g.index()] = true,
                    Subject::Resume(g) => gov.idle[c][g.index()] = false,
                    Subject::Create(g) => {
                        gov.idle[c][g.index()] = false;
                        gov.created[c][g.index()] = true;
                    }
                    Subject::Rota => gov.rota[c] = true,
                    Subject::Ration => gov.rationing[c] = true,
                    Subject::Artist => {
                        if let Some((_, pick)) = p.following
                            && gov.rngs[c].random::<f64>() < params.assembly.artist_acceptance
                        {
                            appoint.push((c, pick));
                        }
                    }
                    Subject::Build(source) => {
                        if let Ok(mut b) = builds.get_mut(directory.communities[c]) {
                            b.request(&params.energy, source, p.kw);
                        }
                    }
                    Subject::GuildAgreement(_)
                    | Subject::FoodAgreement
                    | Subject::PhaseOutFossil
                    | Subject::AllowCars
                    | Subject::GiveUpCars => {}
                }
            }
            if let Subject::GuildAgreement(good) = p.subject {
                for mut guild in guilds.iter_mut() {
                    if guild.community as usize == c
                        && guild.good == good
                        && guild.agreement == Agreement::Pending
                    {
                        guild.agreement = if passed {
                            Agreement::Accepted
                        } else {
                            Agreement::Refused
                        };
                    }
                }
            }
        }
        for k in 0..n_upper_kinds {
            let v = &mandates[c][k];
            mandate_yes[c][k] = v.yes > v.no;
            let cast = (v.yes + v.no).max(1.0);
            mandate_margin[c][k] = (v.yes - v.no) / cast;
        }
        if community_day {
            gov.undesirable_unfilled[c] = 0.0;
            if let Ok(mut b) = builds.get_mut(directory.communities[c]) {
                b.shortage_kwh = 0.0;
            }
        }
    }

    if !appoint.is_empty() {
        appoint_artists(&mut persons, &appoint, n, &mut gov.artists);
        for (c, _) in &appoint {
            log.push(
                tick,
                LogKind::Decision,
                format!("community {c}: an artist accepts to work at their art full-time"),
            );
        }
    }

    // Regional and global assemblies, through delegates.
    let mut kind = 0;
    let mut bodies: Vec<(Level, Subject, usize)> = Vec::new();
    if region_day {
        for (level, subject) in upper.iter().filter(|(l, _)| matches!(l, Level::Region(_))) {
            bodies.push((*level, *subject, kind));
        }
        kind += 1;
    }
    for subject in &world_subjects {
        bodies.push((Level::World, *subject, kind));
        kind += 1;
    }
    let regions = Regions::new(n as u32, params.population.communities_per_region);
    for (level, subject, k) in bodies {
        let (members, rules) = match level {
            Level::Region(r) => (regions.members(r as usize), params.assembly.region.clone()),
            _ => (0..n, params.assembly.world.clone()),
        };
        let mut votes = Votes::default();
        let mut seated = 0usize;
        let total = members.len();
        for c in members {
            if !quorate[c] {
                continue;
            }
            seated += 1;
            let weight = match params.assembly.delegate_weighting {
                Weighting::Equal => 1.0,
                Weighting::Population => f64::from(ledger.days[c].persons),
            };
            let rng = &mut gov.rngs[c];
            let mut yes = mandate_yes[c][k];
            let mut margin = mandate_margin[c][k];
            if rng.random::<f64>() < params.assembly.deviation_probability {
                yes = !yes;
                margin = -margin;
                gov.today.deviations += 1;
                if rng.random::<f64>() < params.assembly.detection_probability {
                    gov.delegates[c].seen_deviating = true;
                }
            }
            // A delegate's objection is as strong as the community's margin.
            let s = if yes {
                margin.abs().max(1e-3)
            } else {
                -margin.abs().max(1e-3)
            };
            votes.add(s as f32, step, weight);
        }
        if (seated as f64) < rules.quorum * total as f64 {
            gov.today.without_quorum += 1;
            continue;
        }
        gov.today.meetings += 1;
        let (passed, rounds) = decide(&rules, &votes);
        record(
            gov, &mut log, &params, tick, level, subject, &votes, rounds, passed,
        );
        match (level, subject) {
            (Level::Region(r), Subject::FoodAgreement) => gov.food_agreement[r as usize] = passed,
            (Level::World, Subject::PhaseOutFossil) if passed => {
                decided.fossil_phased_out = Some(tick);
            }
            (Level::World, Subject::AllowCars | Subject::GiveUpCars) if passed => {
                decided.cars = Some((subject == Subject::AllowCars, tick));
                // Cars change the technical coefficients of transport.
                *economy = Economy::new(&decided.in_force(&params));
            }
            _ => {}
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn record(
    gov: &mut Government,
    log: &mut Log,
    params: &Params,
    tick: u32,
    level: Level,
    subject: Subject,
    votes: &Votes,
    rounds: u32,
    passed: bool,
) {
    if passed {
        gov.today.passed += 1;
    } else {
        gov.today.failed += 1;
    }
    let reverses = if passed {
        subject.reverses(params)
    } else {
        None
    };
    gov.decisions.push(Decision {
        tick,
        level,
        subject,
        yes: votes.yes,
        no: votes.no,
        rounds,
        passed,
        reverses,
    });
    let reversal = reverses.map_or(String::new(), |path| {
        let level = match level {
            Level::Community(_) => "community",
            Level::Region(_) => "region",
            Level::World => "world",
        };
        format!(
            "; this reverses the scenario's `{path}` (to keep the scenario's policy, add \
             \"{}\" to assembly.{level}.off_agenda)",
            subject.kind()
        )
    });
    log.push(
        tick,
        LogKind::Decision,
        format!(
            "{}: {} {} ({:.0} for, {:.0} against{}){reversal}",
            level.name(),
            subject.describe(),
            if passed { "passed" } else { "failed" },
            votes.yes,
            votes.no,
            if rounds > 1 {
                format!(", {rounds} rounds")
            } else {
                String::new()
            }
        ),
    );
}

/// A standard normal draw (Box-Muller), in f32.
fn normal(rng: &mut ChaCha8Rng) -> f32 {
    let u1: f32 = 1.0 - rng.random::<f32>();
    let u2: f32 = rng.random::<f32>();
    (-2.0 * u1.ln()).sqrt() * (std::f32::consts::TAU * u2).cos()
}

/// The community-level proposals of community `c`: idling and resuming syndicates, and a rota.
#[allow(clippy::too_many_arguments)]
fn community_proposals(
    params: &Params,
    economy: &Economy,
    ledger: &Ledger,
    directory: &Directory,
    gov: &Government,
    stocks: &Query<&Stocks>,
    c: usize,
    out: &mut Vec<Proposal>,
) {
    let day = &ledger.days[c];
    let persons = f64::from(day.persons.max(1));
    let stock = stocks
        .get(directory.communities[c])
        .map_or([0.0; N_GOODS], |s| s.0);
    let need = params.goods.final_need(&day.headcount);
    let gross = economy.gross_output(&need);
    let share_of_needs = 1.0 / (N_GOODS as f64 + 1.0);
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
        let reserve = p.reserve_days * gross[g];
        let hours = gross[g] * p.labour_hours_per_unit / persons;
        let co2 = gross[g] * p.kg_co2e_per_unit / persons;
        if !gov.idle[c][g] && stock[g] >= reserve + params.assembly.idle_cover_days * gross[g] {
            out.push(Proposal {
                subject: Subject::Idle(*good),
                effect: Effect {
                    leisure: hours as f32,
                    goods: 0.0,
                    environment: co2 as f32,
                },
                rota_share: None,
                kw: 0.0,
                following: None,
            });
        } else if gov.idle[c][g] && stock[g] < reserve + gross[g] {
            out.push(Proposal {
                subject: if gov.created[c][g] {
                    Subject::Resume(*good)
                } else {
                    Subject::Create(*good)
                },
                effect: Effect {
                    leisure: -hours as f32,
                    goods: share_of_needs as f32,
                    environment: -co2 as f32,
                },
                rota_share: None,
                kw: 0.0,
                following: None,
            });
        }
    }
    // Rationing, when what is held and still to come will not cover need until the harvest:
    // without it, the store runs out on day (outlook x horizon) and people go without for the
    // rest; with it, everyone gets the outlook's share of need every day. Members weigh the
    // days without food that rationing spares them.
    let outlook = gov.yesterday[c].food_outlook;
    if params.food.rationing && !gov.rationing[c] && outlook < 1.0 - RATION_TOLERANCE {
        out.push(Proposal {
            subject: Subject::Ration,
            effect: Effect {
                leisure: 0.0,
                goods: ((1.0 - outlook) * share_of_needs) as f32,
                environment: 0.0,
            },
            rota_share: None,
            kw: 0.0,
            following: None,
        });
    }
    if !gov.rota[c]
        && params.labour.undesirable_policy != UndesirablePolicy::Rota
        && gov.undesirable_unfilled[c] > 1e-6
    {
        // Each able adult's equal share of the undesirable work, done and undone.
        let able = day.headcount.adults.max(1.0);
        let interval = f64::from(params.assembly.community.interval_days.max(1));
        let done = gov.yesterday[c].undesirable_done;
        let share = (done + gov.undesirable_unfilled[c] / interval) / able;
        out.push(Proposal {
            subject: Subject::Rota,
            effect: Effect {
                leisure: 0.0,
                goods: (share_of_needs * (gov.undesirable_unfilled[c] / interval)
                    / (done + gov.undesirable_unfilled[c] / interval).max(1e-9))
                    as f32,
                environment: 0.0,
            },
            rota_share: Some(share as f32),
            kw: 0.0,
            following: None,
        });
    }
}

/// Makes full-time artists of the members chosen in `appoint`, (community, pick): of the
/// community's candidates (able adults, in no guild, not yet artists), in table order, the one a
/// share `pick` of the way through.
fn appoint_artists(
    persons: &mut Query<(&Member, &mut Person, &Values, &Work)>,
    appoint: &[(usize, f64)],
    n: usize,
    artists: &mut [u32],
) {
    let candidate = |p: &Person| p.is_able_adult() && p.guild == 0 && !p.artist;
    let mut count = vec![0u32; n];
    for (member, person, _, _) in persons.iter() {
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
    for (member, mut person, _, _) in persons.iter_mut() {
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

/// A shortfall of food ahead smaller than this share of need is not put to the assembly.
const RATION_TOLERANCE: f64 = 0.01;

/// The estimated effect on a member of community day `d` of allowing cars: the travel time a car
/// saves, less the extra hours of making, servicing and road-building beyond rail's (h/day);
/// the emissions of the car's energy at the community's energy mix of the day before, and of
/// making the cars, beyond rail's (kg CO2e/day, as a loss).
fn car_effect(
    params: &Params,
    d: &crate::model::kernel::components::CommunityDay,
    y: &Yesterday,
) -> Effect {
    let t = &params.transport;
    let persons = f64::from(d.persons.max(1));
    let rail = params.goods.get(Good::Transport);
    let km = rail.need(&d.headcount) / persons * t.car_share;
    let rail_kwh = params.inputs.row(Good::Transport).get(Good::Energy);
    let extra_hours = (t.car_hours_per_km - rail.labour_hours_per_unit) * km;
    let extra_kg = km
        * (t.car_kg_co2e_per_km - rail.kg_co2e_per_unit
            + (t.car_kwh_per_km - rail_kwh) * y.energy_g_per_kwh / 1000.0);
    Effect {
        leisure: (km * t.car_hours_saved_per_km - extra_hours) as f32,
        goods: 0.0,
        environment: -extra_kg as f32,
    }
}

impl Effect {
    /// The effect of undoing what this one does.
    fn reversed(self) -> Effect {
        Effect {
            leisure: -self.leisure,
            goods: -self.goods,
            environment: -self.environment,
        }
    }
}

/// Each community's estimated effect of keeping its region's food agreement this season: those
/// whose land (after any drought) falls short of a year's need get food (a share of need met);
/// those with land to spare give the hours to grow it, and count the others' needs met at
/// `solidarity`. Returns the effects and the regions where someone is short, or `None` if no
/// one is.
fn food_agreement_effects(
    params: &Params,
    ledger: &Ledger,
    arable_ha: &[f64],
    droughts: &Droughts,
    tick: u32,
) -> Option<(Vec<Effect>, Vec<u32>)> {
    let food = &params.food;
    let n = ledger.days.len();
    let per_need = 1.0 / (N_GOODS as f64 + 1.0);
    let mut effects = vec![Effect::default(); n];
    let mut regions = Vec::new();
    let membership = Regions::new(n as u32, params.population.communities_per_region);
    for (region, members) in membership.all().enumerate() {
        let mut short = 0.0;
        let mut spare = 0.0;
        let mut need_total = 0.0;
        let balance: Vec<f64> = members
            .clone()
            .map(|c| {
                let d = &ledger.days[c];
                let need = d.need_kg * 365.0 * (1.0 + food.reserve_share);
                need_total += d.need_kg * 365.0;
                let land = arable_ha[c] * food.yield_kg_per_ha * droughts.factor(c, tick);
                land - need
            })
            .collect();
        for b in &balance {
            if *b < 0.0 {
                short -= b;
            } else {
                spare += b;
            }
        }
        if short <= 0.0 || spare <= 0.0 {
            continue;
        }
        regions.push(region as u32);
        let given = f64::min(short, spare);
        // The region's needs met through the agreement, as a share of its food need.
        let regional = given / need_total.max(1e-9) * per_need;
        for (i, c) in members.enumerate() {
            let d = &ledger.days[c];
            let persons = f64::from(d.persons.max(1));
            let b = balance[i];
            effects[c] = if b < 0.0 {
                let need = (d.need_kg * 365.0).max(1e-9);
                Effect {
                    leisure: 0.0,
                    goods: ((-b) * given / short / need * per_need) as f32,
                    environment: 0.0,
                }
            } else {
                let kg = b * given / spare;
                let hours = kg / food.yield_kg_per_ha.max(1e-9) * food.labour_hours_per_ha / 365.0;
                Effect {
                    leisure: -(hours / persons) as f32,
                    goods: (params.assembly.solidarity * regional) as f32,
                    environment: 0.0,
                }
            };
        }
    }
    (!regions.is_empty()).then_some((effects, regions))
}

/// Keeps what the next meetings need of today: the undesirable work done and left unfilled
/// (what a rota proposal answers; unfilled hours add up until the community meets), the energy
/// made and generated from fossil fuel, and the food outlook; ends rationing where the scarcity
/// is over.
pub fn remember_day(params: Res<Params>, ledger: Res<Ledger>, mut gov: ResMut<Government>) {
    let mask = params.labour.undesirable_mask();
    let gov = &mut *gov;
    let fossil = Source::Fossil as usize;
    for (c, day) in ledger.days.iter().enumerate() {
        let mut unfilled = 0.0;
        let mut done = 0.0;
        for s in 0..N_SECTORS {
            unfilled += f64::from(mask[s]) * day.unfilled[s];
            done += f64::from(mask[s]) * (day.posted[s] - day.unfilled[s]).max(0.0);
        }
        gov.undesirable_unfilled[c] += unfilled;
        let (mut kwh, mut grams) = (0.0, 0.0);
        for source in Source::ALL {
            let k = day.energy.generated[source as usize];
            kwh += k;
            grams += k * params.energy.source(source).g_co2e_per_kwh;
        }
        gov.yesterday[c] = Yesterday {
            undesirable_done: done,
            fossil_kwh: day.energy.generated[fossil],
            energy_made: day.goods.made[Good::Energy.index()],
            energy_g_per_kwh: if kwh > 0.0 { grams / kwh } else { 0.0 },
            food_outlook: day.food_outlook,
        };
        if day.food_outlook >= 1.0 {
            // The scarcity is over: the rationing agreed for it ends.
            gov.rationing[c] = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn votes(scores: &[f32], step: f64) -> Votes {
        let mut v = Votes::default();
        for s in scores {
            v.add(*s, step, 1.0);
        }
        v
    }

    #[test]
    fn rules_decide_as_documented() {
        let mut rules = AssemblyRules::default();
        let v = votes(&[0.5, 0.4, -0.1, -0.6], 0.2);
        // Two for, two against: no majority.
        assert_eq!(decide(&rules, &v), (false, 1));
        let v = votes(&[0.5, 0.4, 0.1, -0.05], 0.2);
        assert_eq!(decide(&rules, &v), (true, 1));
        rules.rule = VotingRule::Supermajority;
        rules.supermajority = 0.8;
        assert_eq!(decide(&rules, &v), (false, 1));
        rules.supermajority = 0.75;
        assert_eq!(decide(&rules, &v), (true, 1));
        // Consensus: the mild objection (-0.05) stands aside in the second round.
        rules.rule = VotingRule::Consensus;
        rules.consensus_rounds = 3;
        assert_eq!(decide(&rules, &v), (true, 2));
        // A strong objection blocks through every round; the fallback decides.
        let v = votes(&[0.5, 0.4, 0.1, -0.9], 0.2);
        rules.fallback = Fallback::Fail;
        assert_eq!(decide(&rules, &v), (false, 3));
        rules.fallback = Fallback::Majority;
        assert_eq!(decide(&rules, &v), (true, 3));
    }
}

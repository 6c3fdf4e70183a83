//! Voting: a member's score for a proposal, the votes of a meeting, the assembly's rule that
//! decides them, and the record of each decision.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use crate::model::governance::proposals::Effect;
use crate::model::kernel::decisions::{Decision, Government, Level, Subject, Values};
use crate::model::kernel::log::{Log, LogKind};
use crate::model::kernel::params::Params;
use crate::model::kernel::params::assembly::{AssemblyRules, Fallback, VotingRule};

/// Votes on one proposal after the members' scores are in.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Votes {
    pub yes: f64,
    pub no: f64,
    /// Members whose score is below `-r * step`, for each consensus round r.
    blocks: [f64; MAX_ROUNDS],
}

const MAX_ROUNDS: usize = 16;

impl Votes {
    pub fn add(&mut self, score: f32, step: f64, weight: f64) {
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
pub(crate) fn decide(rules: &AssemblyRules, votes: &Votes) -> (bool, u32) {
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
pub(crate) fn vote(values: &Values, e: &Effect, noise: f32, rng: &mut ChaCha8Rng) -> f32 {
    let at_stake = stakes(e).max(1e-9);
    (score(values, e) + noise * at_stake * normal(rng)) / at_stake
}

/// A standard normal draw (Box-Muller), in f32.
fn normal(rng: &mut ChaCha8Rng) -> f32 {
    let u1: f32 = 1.0 - rng.random::<f32>();
    let u2: f32 = rng.random::<f32>();
    (-2.0 * u1.ln()).sqrt() * (std::f32::consts::TAU * u2).cos()
}

/// What an assembly decided, to be recorded.
pub(crate) struct Outcome<'a> {
    pub level: Level,
    pub subject: Subject,
    pub votes: &'a Votes,
    pub rounds: u32,
    pub passed: bool,
}

/// Counts the decision in today's tally, keeps it in the record and logs it (saying which of
/// the scenario's parameters it reverses, if any).
pub(crate) fn record(gov: &mut Government, log: &mut Log, params: &Params, tick: u32, o: Outcome) {
    let Outcome {
        level,
        subject,
        votes,
        rounds,
        passed,
    } = o;
    gov.today.rounds += rounds;
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

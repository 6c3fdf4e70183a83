//! The `[assembly]` section: when assemblies meet and how they decide.

use crate::model::kernel::decl::{Check, Decl};
use serde::{Deserialize, Serialize};

/// How an assembly decides.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VotingRule {
    /// More yes than no among votes cast.
    Majority,
    /// Yes at least `supermajority` of votes cast.
    Supermajority,
    /// No one blocks, within `consensus_rounds` rounds; then the fallback rule.
    Consensus,
}

/// What decides when consensus is not reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fallback {
    Majority,
    Supermajority,
    /// The proposal fails.
    Fail,
}

/// One level's assembly rules.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AssemblyRules {
    /// Days between meetings (1 or more); meetings fall on ticks divisible by it, from the
    /// first interval on.
    pub interval_days: u32,
    pub rule: VotingRule,
    /// Share of votes cast needed under `supermajority` (0.5..1).
    pub supermajority: f64,
    /// Rounds of discussion before consensus falls back (1 or more).
    pub consensus_rounds: u32,
    pub fallback: Fallback,
    /// Least share of members (or delegates) who must take part for any decision (0..1).
    pub quorum: f64,
    /// Chance that an able member attends a community meeting (0..1).
    pub attendance: f64,
    /// Kinds of proposal this assembly may not take up, such as `["phase_out_fossil"]` for the
    /// world: the scenario's own policy on them then stands.
    pub off_agenda: Vec<String>,
    /// Hours a meeting takes of each person there (members, or delegates), before any proposal
    /// is discussed (h).
    pub meeting_hours: f64,
    /// Hours each round of discussion of one proposal adds for each person there (h).
    pub round_hours: f64,
}

impl AssemblyRules {
    fn every(interval_days: u32) -> Self {
        Self {
            interval_days,
            rule: VotingRule::Majority,
            supermajority: 2.0 / 3.0,
            consensus_rounds: 3,
            fallback: Fallback::Supermajority,
            quorum: 0.25,
            attendance: 0.6,
            off_agenda: Vec::new(),
            // Assumption: an hour for a meeting's business, and a quarter of an hour for each
            // round of discussion of a proposal.
            meeting_hours: 1.0,
            round_hours: 0.25,
        }
    }

    /// Whether this assembly may take up proposals of `kind`.
    pub fn takes_up(&self, kind: &str) -> bool {
        !self.off_agenda.iter().any(|k| k == kind)
    }
}

impl Default for AssemblyRules {
    fn default() -> Self {
        Self::every(7)
    }
}

/// How delegates' votes count in regional and global assemblies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Weighting {
    /// One vote per community at a regional assembly, one per region at the world's.
    Equal,
    /// Each delegate's vote counts as the community's population (at the world, the region's).
    Population,
}

/// The `[assembly]` section.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AssemblyParams {
    /// Assemblies meet and decide (on/off). Off, the standing rules stay as they start: every
    /// syndicate active, food agreements in force, the scenario's labour policy.
    pub enabled: bool,
    pub community: AssemblyRules,
    pub region: AssemblyRules,
    pub world: AssemblyRules,
    pub delegate_weighting: Weighting,
    /// Chance that a delegate votes against their mandate on a proposal (0..1).
    pub deviation_probability: f64,
    /// Chance that a deviation is seen by those who sent the delegate (their community, or
    /// their region) (0..1).
    pub detection_probability: f64,
    /// Standard deviation of the personal term in each member's score, relative to what the
    /// proposal puts at stake (0 or more).
    pub vote_noise: f64,
    /// In consensus round r (from 0), a member blocks only if their score, relative to what is
    /// at stake, is below `-r * stand_aside_step`; milder objections stand aside (0 or more).
    pub stand_aside_step: f64,
    /// A syndicate is proposed for idling when stocks cover this many days of use beyond the
    /// reserve (days).
    pub idle_cover_days: f64,
    /// How much members count the needs of others in their region met, against their own
    /// (0..1): it is what moves those with land to spare to vote for the food agreement.
    pub solidarity: f64,
    /// Every community has a syndicate for every storable good from the start (on/off). Off,
    /// a community has none: its assembly creates one when the good's stocks no longer cover
    /// the need (with assemblies on).
    pub syndicates_from_start: bool,
    /// A community may ask a well-loved artist to give their working hours to their art (on/off).
    pub artists: bool,
    /// Most full-time artists a community keeps (count).
    pub max_artists: u32,
    /// How much a member who loves an artist's work values it, as a share of one need met (0..1).
    pub artist_value: f64,
    /// Chance that the person asked accepts (0..1): "they may not wish to accept".
    pub artist_acceptance: f64,
}

impl Default for AssemblyParams {
    fn default() -> Self {
        Self {
            enabled: true,
            community: AssemblyRules::every(7),
            region: AssemblyRules::every(28),
            world: AssemblyRules::every(91),
            delegate_weighting: Weighting::Equal,
            deviation_probability: 0.05,
            detection_probability: 0.5,
            vote_noise: 0.3,
            stand_aside_step: 0.15,
            idle_cover_days: 30.0,
            // Assumption: others' needs count half as much as one's own.
            solidarity: 0.5,
            syndicates_from_start: true,
            artists: false,
            max_artists: 1,
            // Assumption: to those who love it, an artist's work is worth a twentieth of a need.
            artist_value: 0.05,
            // Assumption: most, not all, accept ("this could put a lot of pressure on that
            // person").
            artist_acceptance: 0.7,
        }
    }
}

/// The declarations of this section's parameters (see [`super::decl`]).
pub const DECLS: &[Decl] = &[
    Decl::new("assembly.enabled", "", Check::Free, "Assemblies meet and decide (on/off). Off, the standing rules stay as they start: every syndicate active, food agreements in force, the scenario's labour policy.", ""),
    Decl::new("assembly.delegate_weighting", "", Check::Choice(&["equal", "population"]), "How delegates' votes count in regional and world assemblies: one vote per community at a region (per region at the world), or each delegate's vote counting as their community's (region's) population.", ""),
    Decl::new("assembly.deviation_probability", "share", Check::Share, "Chance that a delegate votes against their mandate on a proposal.", ""),
    Decl::new("assembly.detection_probability", "share", Check::Share, "Chance that a deviation is seen by those who sent the delegate (their community, or their region).", ""),
    Decl::new("assembly.vote_noise", "", Check::Range(0.0, 10.0), "Standard deviation of the personal term in each member's score, relative to what the proposal puts at stake.", ""),
    Decl::new("assembly.stand_aside_step", "", Check::Range(0.0, 10.0), "In consensus round r (from 0), a member blocks only if their score, relative to what is at stake, is below `-r * stand_aside_step`; milder objections stand aside.", ""),
    Decl::new("assembly.idle_cover_days", "days", Check::Range(0.0, 3650.0), "A syndicate is proposed for idling when stocks cover this many days of use beyond the reserve.", ""),
    Decl::new("assembly.solidarity", "share", Check::Share, "How much members count the needs of others in their region met, against their own (0..1): it is what moves those with land to spare to vote for the food agreement.", "Assumption: others' needs count half as much as one's own."),
    Decl::new("assembly.syndicates_from_start", "", Check::Free, "Every community has a syndicate for every storable good from the start (on/off). Off, a community has none: its assembly creates one when the good's stocks no longer cover the need.", "")
        .fixed("it says which syndicates exist on day 0"),
    Decl::new("assembly.artists", "", Check::Free, "A community may ask a well-loved artist to give their working hours to their art.", ""),
    Decl::new("assembly.max_artists", "persons", Check::Range(0.0, 1000.0), "Most full-time artists a community keeps.", ""),
    Decl::new("assembly.artist_value", "share", Check::Share, "How much a member who loves an artist's work values it, as a share of one need met.", "Assumption: to those who love it, an artist's work is worth a twentieth of a need."),
    Decl::new("assembly.artist_acceptance", "share", Check::Share, "Chance that the person asked accepts (0..1): \"they may not wish to accept\".", "Assumption: most, not all, accept (\"this could put a lot of pressure on that person\")."),
    Decl::new("assembly.*.interval_days", "days", Check::Count(1, 36500), "Days between meetings (1 or more); meetings fall on ticks divisible by it, from the first interval on.", "")
        .fixed("meeting days are fixed when the run starts; use `enabled` to stop assemblies"),
    Decl::new("assembly.*.rule", "", Check::Choice(&["majority", "supermajority", "consensus"]), "How the assembly decides: simple majority, a supermajority of `supermajority`, or consensus over `consensus_rounds` rounds (then `fallback`).", ""),
    Decl::new("assembly.*.supermajority", "share", Check::Range(0.5, 1.0), "Share of votes cast needed under `supermajority`.", ""),
    Decl::new("assembly.*.consensus_rounds", "rounds", Check::Count(1, 16), "Rounds of discussion before consensus falls back.", ""),
    Decl::new("assembly.*.fallback", "", Check::Choice(&["majority", "supermajority", "fail"]), "What decides when consensus is not reached after `consensus_rounds`: a majority, a supermajority, or nothing (the proposal fails).", ""),
    Decl::new("assembly.*.quorum", "share", Check::Share, "Least share of members (or delegates) who must take part for any decision.", ""),
    Decl::new("assembly.*.off_agenda", "kinds of proposal", Check::Free, "Kinds of proposal this assembly may not take up, so the scenario's own policy on them stands: for communities `idle`, `resume`, `create`, `guild_agreement`, `rota`, `build`, `ration`, `artist`, `work_longer`, `split`; for regions `food_agreement`, `supply_agreement` (with `rail.transfers = \"assemblies\"`: off the agenda, the scenario's `rail.agreements` stand); for the world `phase_out_fossil`, `cars`.", "A modelling choice: by default every assembly takes up everything the essay gives it."),
    Decl::new("assembly.*.attendance", "share", Check::Share, "Chance that an able member attends a community meeting.", ""),
    Decl::new("assembly.*.meeting_hours", "h", Check::Range(0.0, 24.0), "Hours a meeting takes of each person there (members, or delegates), before any proposal is discussed. Reported as `meeting_hours`; not yet counted against willing hours.", "Assumption: an hour for a meeting's business."),
    Decl::new("assembly.*.round_hours", "h", Check::Range(0.0, 24.0), "Hours each round of discussion of one proposal adds for each person there. Consensus takes up to `consensus_rounds` rounds; the other rules one.", "Assumption: a quarter of an hour a round."),
];

//! The `[assembly]` section: when assemblies meet and how they decide.

use crate::model::kernel::decl::{Check, Decl};
use serde::{Deserialize, Deserializer, Serialize};

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
        Self::every(COMMUNITY_DAYS)
    }
}

/// Days between meetings of each level, unless the scenario says otherwise.
const COMMUNITY_DAYS: u32 = 7;
const REGION_DAYS: u32 = 28;
const WORLD_DAYS: u32 = 91;

/// A level's rules as a scenario writes them: the keys it gives, laid over that level's own
/// defaults. (Deserializing `AssemblyRules` itself would fill the keys not given from
/// `AssemblyRules::default()`, so `[assembly.world]` with only a `rule` met weekly.)
#[derive(Deserialize)]
struct RulesGiven {
    interval_days: Option<u32>,
    rule: Option<VotingRule>,
    supermajority: Option<f64>,
    consensus_rounds: Option<u32>,
    fallback: Option<Fallback>,
    quorum: Option<f64>,
    attendance: Option<f64>,
    off_agenda: Option<Vec<String>>,
    meeting_hours: Option<f64>,
    round_hours: Option<f64>,
}

impl RulesGiven {
    fn over(self, base: AssemblyRules) -> AssemblyRules {
        AssemblyRules {
            interval_days: self.interval_days.unwrap_or(base.interval_days),
            rule: self.rule.unwrap_or(base.rule),
            supermajority: self.supermajority.unwrap_or(base.supermajority),
            consensus_rounds: self.consensus_rounds.unwrap_or(base.consensus_rounds),
            fallback: self.fallback.unwrap_or(base.fallback),
            quorum: self.quorum.unwrap_or(base.quorum),
            attendance: self.attendance.unwrap_or(base.attendance),
            off_agenda: self.off_agenda.unwrap_or(base.off_agenda),
            meeting_hours: self.meeting_hours.unwrap_or(base.meeting_hours),
            round_hours: self.round_hours.unwrap_or(base.round_hours),
        }
    }
}

fn community_rules<'de, D: Deserializer<'de>>(d: D) -> Result<AssemblyRules, D::Error> {
    Ok(RulesGiven::deserialize(d)?.over(AssemblyRules::every(COMMUNITY_DAYS)))
}

fn region_rules<'de, D: Deserializer<'de>>(d: D) -> Result<AssemblyRules, D::Error> {
    Ok(RulesGiven::deserialize(d)?.over(AssemblyRules::every(REGION_DAYS)))
}

fn world_rules<'de, D: Deserializer<'de>>(d: D) -> Result<AssemblyRules, D::Error> {
    Ok(RulesGiven::deserialize(d)?.over(AssemblyRules::every(WORLD_DAYS)))
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
    #[serde(deserialize_with = "community_rules")]
    pub community: AssemblyRules,
    #[serde(deserialize_with = "region_rules")]
    pub region: AssemblyRules,
    #[serde(deserialize_with = "world_rules")]
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
    /// How much members count the needs of newcomers who ask to join met, against their own
    /// (0..1; `population.influx = "decided"`).
    pub welcome: f64,
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
            community: AssemblyRules::every(COMMUNITY_DAYS),
            region: AssemblyRules::every(REGION_DAYS),
            world: AssemblyRules::every(WORLD_DAYS),
            delegate_weighting: Weighting::Equal,
            deviation_probability: 0.05,
            detection_probability: 0.5,
            vote_noise: 0.3,
            stand_aside_step: 0.15,
            idle_cover_days: 30.0,
            // Assumption: others' needs count half as much as one's own.
            solidarity: 0.5,
            // Assumption: newcomers' needs count as others' needs do (`solidarity`).
            welcome: 0.5,
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
    Decl::new("assembly.welcome", "share", Check::Share, "How much members count the needs of newcomers who ask to join met, against their own (0..1; `population.influx = \"decided\"`): each member weighs their share of the newcomers' needs met at `welcome` against their share of the hours it takes to build the floor area and installations the newcomers are given; 0 refuses everyone.", "Assumption: newcomers' needs count as others' needs do (`solidarity`)."),
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
    Decl::new("assembly.*.off_agenda", "kinds of proposal", Check::Free, "Kinds of proposal this assembly may not take up, so the scenario's own policy on them stands: for communities `idle`, `resume`, `create`, `guild_agreement`, `rota`, `build`, `ration`, `artist`, `work_longer`, `split`, `stock_target` (with `economy.syndicate_assemblies`: off the agenda, the scenario's stock targets stand), `standing_agreement` (with `economy.standing_agreements`: off the agenda, the agreements made at the start stand), `input_agreement` (with `economy.input_agreements = \"assemblies\"`: off the agenda, the syndicates' agreements with each other made at the start stand); `longer_by` (with `economy.longer_by = \"vote\"`, which needs it on the agenda), `harvest_hours` (with `food.harvest_hours_decided`: off the agenda, the farm's workers give no extra hours in the harvest); for regions `food_agreement`, `supply_agreement` (with `rail.transfers = \"assemblies\"`: off the agenda, the scenario's `rail.agreements` stand), `harvest_help` (with `labour.harvest_help_decided`: off the agenda, `labour.harvest_help` stands), `city_help` (with `labour.city_help_decided`: off the agenda, `labour.city_help` stands); for the world `phase_out_fossil`, `cars`.", "A modelling choice: by default every assembly takes up everything the essay gives it."),
    Decl::new("assembly.*.attendance", "share", Check::Share, "Chance that an able member attends a community meeting.", ""),
    Decl::new("assembly.*.meeting_hours", "h", Check::Range(0.0, 24.0), "Hours a meeting takes of each person there (members, or delegates), before any proposal is discussed. Reported as `meeting_hours`; not yet counted against willing hours.", "Assumption: an hour for a meeting's business."),
    Decl::new("assembly.*.round_hours", "h", Check::Range(0.0, 24.0), "Hours each round of discussion of one proposal adds for each person there. Consensus takes up to `consensus_rounds` rounds; the other rules one.", "Assumption: a quarter of an hour a round."),
];

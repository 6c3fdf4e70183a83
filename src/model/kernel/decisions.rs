//! Decisions in force: what the assemblies have decided about the world's policies, kept apart
//! from the scenario's parameters.
//!
//! A scenario's parameters say what the scenario sets (in its file, or by a `set` event or a lever
//! during the run). The assemblies' standing decisions are run state: the community decisions
//! (rotas, rationing, idle syndicates, artists, agreements) live in `Government`, and the
//! world's decisions on energy and cars live here. The policy in force is the parameter unless a
//! decision stands; a later `set` of the same parameter from outside overrides the decision (it is
//! cleared, and the log says so). A `set` of any other parameter leaves every decision as it is.

use crate::model::kernel::goods::Good;
use crate::model::kernel::newcomers::Newcomers;
use crate::model::kernel::params::energy::Source;
use crate::model::kernel::params::{Params, UndesirablePolicy};
use crate::model::kernel::rng::{Purpose, streams};
use crate::model::kernel::supply::Supply;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use bevy_ecs::prelude::Resource;

/// The parameters whose value an assembly decision can stand over: a `set` of one of them
/// overrides the decision, so it is never a no-op.
pub const DECIDED_PATHS: &[&str] = &[
    "energy.allow_fossil",
    "transport.cars_allowed",
    "labour.undesirable_policy",
];

/// Whether a `set` of `path` may stand over what assemblies decided under `params`, so that it
/// acts even when it gives the parameter the value it already has: the paths of
/// [`DECIDED_PATHS`] always; `labour.harvest_help` under `labour.harvest_help_decided` and
/// `labour.city_help` under `labour.city_help_decided` (each clears the regions' decisions); under `economy.syndicate_assemblies` the stock targets the
/// workers decide (`economy.safety_factor`, `goods.<good>.reserve_days` and the switch itself,
/// which reset them; see `Simulation::set`).
pub fn overrides_decisions(path: &str, params: &Params) -> bool {
    DECIDED_PATHS.contains(&path)
        || (path == "labour.harvest_help" && params.labour.harvest_help_decided)
        || (path == "labour.city_help" && params.labour.city_help_decided)
        || (params.economy.syndicate_assemblies
            && (path == "economy.safety_factor"
                || path == "economy.syndicate_assemblies"
                || path
                    .strip_prefix("goods.")
                    .is_some_and(|rest| rest.ends_with(".reserve_days"))))
}

/// The world assembly's standing decisions, each with the day it was taken.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Resource)]
pub struct Decided {
    /// The world assembly voted to phase out fossil energy on this day.
    pub fossil_phased_out: Option<u32>,
    /// The world assembly allowed cars (`true`) or gave them up (`false`) on this day.
    pub cars: Option<(bool, u32)>,
}

impl Decided {
    /// Whether fossil plants may run.
    pub fn allow_fossil(&self, params: &Params) -> bool {
        self.fossil_phased_out.is_none() && params.energy.allow_fossil
    }

    /// Whether plants of `source` may run.
    pub fn allowed(&self, params: &Params, source: Source) -> bool {
        match source {
            Source::Fossil => self.allow_fossil(params),
            _ => params.energy.allowed(source),
        }
    }

    /// Whether cars carry a share of passenger-km.
    pub fn cars_allowed(&self, params: &Params) -> bool {
        self.cars
            .map_or(params.transport.cars_allowed, |(allowed, _)| allowed)
    }

    /// The parameters with the decisions in force written over them: the policy as it stands,
    /// for what is computed from the whole parameter set (the technical coefficients) and for
    /// showing.
    pub fn in_force(&self, params: &Params) -> Params {
        let mut p = params.clone();
        p.energy.allow_fossil = self.allow_fossil(params);
        p.transport.cars_allowed = self.cars_allowed(params);
        p
    }

    /// Clears the decision that a `set` of `path` from outside overrides, and says which it was.
    pub fn overridden_by(&mut self, path: &str) -> Option<String> {
        match path {
            "energy.allow_fossil" => self.fossil_phased_out.take().map(|day| {
                format!("the world assembly's decision of day {day} to phase out fossil energy")
            }),
            "transport.cars_allowed" => self.cars.take().map(|(allowed, day)| {
                format!(
                    "the world assembly's decision of day {day} to {}",
                    if allowed {
                        "allow cars"
                    } else {
                        "give up cars"
                    }
                )
            }),
            _ => None,
        }
    }
}

/// What a person weighs when voting: leisure, goods, environment (each 0..1, summing to 1).
/// Kept in the person's [`Draws`](crate::model::kernel::components::Draws).
#[derive(Clone, Copy, Debug)]
pub struct Values(pub [f32; 3]);

impl Values {
    pub fn draw(rng: &mut ChaCha8Rng) -> Self {
        let raw: [f32; 3] = [
            rng.random::<f32>() + 0.05,
            rng.random::<f32>() + 0.05,
            rng.random::<f32>() + 0.05,
        ];
        let total: f32 = raw.iter().sum();
        Values(raw.map(|x| x / total))
    }
}

/// What is proposed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    Idle(Good),
    Resume(Good),
    GuildAgreement(Good),
    Rota,
    FoodAgreement,
    PhaseOutFossil,
    /// Build more of a source's capacity (the kW are in the proposal).
    Build(Source),
    /// Ration food until the scarcity is over.
    Ration,
    /// Allow cars for a share of passenger-km (a global automobile syndicate).
    AllowCars,
    /// Give up cars: rail only.
    GiveUpCars,
    /// Ask a well-loved artist to give their working hours to their art.
    Artist,
    /// Create a syndicate for a need no syndicate covers.
    Create(Good),
    /// Work longer rather than lower requests (participatory planning).
    WorkLonger,
    /// Split: found the free site `.0` of the region with about half the community's persons and
    /// the same share of its land, installations and stores.
    Split(u32),
    /// The receiver's regional assembly asks the supplier region to agree to supply it.
    AskSupply {
        supplier: u32,
        receiver: u32,
    },
    /// The supplier's regional assembly agrees to supply the receiver region, which asked.
    Supply {
        supplier: u32,
        receiver: u32,
    },
    /// The supplier's regional assembly revises its agreement: keep supplying the receiver.
    KeepSupply {
        supplier: u32,
        receiver: u32,
    },
    /// An agreement nothing crossed under for `rail.agreement_lapse_days` lapses (a decision
    /// without a vote).
    SupplyLapsed {
        supplier: u32,
        receiver: u32,
    },
    /// Keep (or start) harvest help: the region's urban members help its rural farms at
    /// harvest (`labour.harvest_help_decided`).
    HarvestHelp,
    /// Keep (or start) city help: the region's rural members help its urban communities outside
    /// the growing season and the harvest (`labour.city_help_decided`).
    CityHelp,
    /// Take in newcomers who ask to join, with land, housing and rations
    /// (`population.influx = "decided"`).
    Newcomers {
        persons: u32,
    },
    /// The regional assembly asks community `Some(k)` to take in newcomers another community
    /// refused, had no room for or did not decide on (a vote; `request` is
    /// `kernel::newcomers::Request::id`); or the region has no community left to ask, and they
    /// do not arrive (`None`, recorded without a vote).
    PlaceNewcomers {
        request: u32,
        persons: u32,
        community: Option<u32>,
    },
    /// A request of newcomers the regional assembly did not decide within
    /// `population.influx_wait_days` lapses, and they do not arrive (recorded without a vote).
    NewcomersLapsed {
        persons: u32,
    },
    /// A goods syndicate's workers raise (or lower) its stock target a step, to `to` steps of
    /// `economy.target_step` from the scenario's (`economy.syndicate_assemblies`).
    StockTarget {
        good: Good,
        raise: bool,
        to: i8,
    },
    /// The community revises its standing agreement with its `good` syndicate to take
    /// `thousandths` / 1000 units a day from day `from` (`economy.standing_agreements`).
    StandingAgreement {
        good: Good,
        thousandths: u64,
        from: u32,
    },
    /// Share the extra hours of working longer by rota (`rota`) or everyone alike, every day
    /// (`economy.longer_by = "vote"`): proposed as a change from the way in force.
    LongerBy {
        rota: bool,
    },
    /// The farm's workers raise (or lower) a step the extra hours a day each of them gives the
    /// farm on harvest days, to `hundredths` / 100 hours (`food.harvest_hours_decided`).
    HarvestHours {
        raise: bool,
        hundredths: u32,
    },
    /// The community's `user` syndicate revises its standing agreement with its `input`
    /// syndicate to take `millionths` / 1,000,000 units of the input a day from day `from`
    /// (`economy.input_agreements = "assemblies"`): offered by the user's workers
    /// (`accept` false) and then accepted or refused by the input syndicate's (`accept` true).
    InputAgreement {
        input: Good,
        user: Good,
        millionths: u64,
        from: u32,
        accept: bool,
    },
}

/// The kinds of proposal each level of assembly takes up, as `off_agenda` names them.
pub const COMMUNITY_AGENDA: &[&str] = &[
    "idle",
    "resume",
    "create",
    "guild_agreement",
    "rota",
    "work_longer",
    "build",
    "ration",
    "artist",
    "split",
    "newcomers",
    "stock_target",
    "standing_agreement",
    "longer_by",
    "harvest_hours",
    "input_agreement",
];

pub const REGION_AGENDA: &[&str] = &[
    "food_agreement",
    "supply_agreement",
    "harvest_help",
    "city_help",
    "place_newcomers",
];

pub const WORLD_AGENDA: &[&str] = &["phase_out_fossil", "cars"];

impl Subject {
    /// The kind of proposal, as `off_agenda` names it.
    pub fn kind(self) -> &'static str {
        match self {
            Subject::Idle(_) => "idle",
            Subject::Resume(_) => "resume",
            Subject::Create(_) => "create",
            Subject::GuildAgreement(_) => "guild_agreement",
            Subject::Rota => "rota",
            Subject::FoodAgreement => "food_agreement",
            Subject::PhaseOutFossil => "phase_out_fossil",
            Subject::Build(_) => "build",
            Subject::Ration => "ration",
            Subject::AllowCars | Subject::GiveUpCars => "cars",
            Subject::Artist => "artist",
            Subject::WorkLonger => "work_longer",
            Subject::Split(_) => "split",
            Subject::AskSupply { .. }
            | Subject::Supply { .. }
            | Subject::KeepSupply { .. }
            | Subject::SupplyLapsed { .. } => "supply_agreement",
            Subject::HarvestHelp => "harvest_help",
            Subject::CityHelp => "city_help",
            Subject::Newcomers { .. } => "newcomers",
            Subject::PlaceNewcomers { .. } | Subject::NewcomersLapsed { .. } => "place_newcomers",
            Subject::StockTarget { .. } => "stock_target",
            Subject::StandingAgreement { .. } => "standing_agreement",
            Subject::LongerBy { .. } => "longer_by",
            Subject::HarvestHours { .. } => "harvest_hours",
            Subject::InputAgreement { .. } => "input_agreement",
        }
    }

    /// The scenario parameter a passed decision on this subject stands over, if the scenario
    /// set that parameter otherwise.
    pub(crate) fn reverses(self, params: &Params) -> Option<&'static str> {
        match self {
            Subject::PhaseOutFossil => Some("energy.allow_fossil"),
            Subject::AllowCars | Subject::GiveUpCars => Some("transport.cars_allowed"),
            Subject::Rota if params.labour.undesirable_policy != UndesirablePolicy::Rota => {
                Some("labour.undesirable_policy")
            }
            Subject::HarvestHelp if !params.labour.harvest_help => Some("labour.harvest_help"),
            Subject::CityHelp if !params.labour.city_help => Some("labour.city_help"),
            _ => None,
        }
    }

    pub fn describe(self) -> String {
        match self {
            Subject::Idle(g) => format!("idle the {} syndicate (stocks cover need)", g.name()),
            Subject::Resume(g) => format!("resume the {} syndicate", g.name()),
            Subject::GuildAgreement(g) => {
                format!("accept the {} guild's raw-material agreement", g.name())
            }
            Subject::Rota => "adopt a rota for undesirable work".to_owned(),
            Subject::FoodAgreement => "keep the regional food agreement".to_owned(),
            Subject::PhaseOutFossil => "phase out fossil energy".to_owned(),
            Subject::Build(source) => format!("build more {} capacity", source.name()),
            Subject::Ration => "ration food until the scarcity is over".to_owned(),
            Subject::AllowCars => "allow cars (a global automobile syndicate)".to_owned(),
            Subject::GiveUpCars => "give up cars (rail only)".to_owned(),
            Subject::Artist => "ask a well-loved artist to work at their art full-time".to_owned(),
            Subject::Create(g) => format!("create a {} syndicate for an uncovered need", g.name()),
            Subject::WorkLonger => "work longer rather than lower requests".to_owned(),
            Subject::Split(site) => format!("split: found a new community at site {site}"),
            Subject::AskSupply { supplier, receiver } => {
                format!("ask region {supplier} to agree to supply region {receiver}")
            }
            Subject::Supply { supplier, receiver } => {
                format!("agree that region {supplier} supplies region {receiver}")
            }
            Subject::KeepSupply { supplier, receiver } => {
                format!("keep the agreement that region {supplier} supplies region {receiver}")
            }
            Subject::SupplyLapsed { supplier, receiver } => format!(
                "the agreement that region {supplier} supplies region {receiver} lapses, unused"
            ),
            Subject::HarvestHelp => {
                "keep harvest help: urban members help rural farms at harvest".to_owned()
            }
            Subject::CityHelp => {
                "keep city help: rural members help the cities outside the farming season"
                    .to_owned()
            }
            Subject::Newcomers { persons } => {
                format!("take in {persons} newcomers, with land, housing and rations")
            }
            Subject::PlaceNewcomers {
                persons,
                community: Some(c),
                ..
            } => format!("ask community {c} to take in {persons} newcomers"),
            Subject::PlaceNewcomers {
                persons,
                community: None,
                ..
            } => format!(
                "no community of the region takes in {persons} newcomers: they do not arrive"
            ),
            Subject::NewcomersLapsed { persons } => {
                format!("the request of {persons} newcomers lapses, undecided: they do not arrive")
            }
            Subject::StockTarget { good, raise, to } => format!(
                "the {} syndicate's workers {} its stock target a step ({to:+} from the \
                 scenario's)",
                good.name(),
                if raise { "raise" } else { "lower" }
            ),
            Subject::StandingAgreement {
                good,
                thousandths,
                from,
            } => format!(
                "agree with its {} syndicate to take {}.{:03} a day from day {from}",
                good.name(),
                thousandths / 1000,
                thousandths % 1000
            ),
            Subject::InputAgreement {
                input,
                user,
                millionths,
                from,
                accept,
            } => {
                let amount = format!("{}.{:06}", millionths / 1_000_000, millionths % 1_000_000);
                let (input, user) = (input.name(), user.name());
                if accept {
                    format!(
                        "its {input} syndicate agrees to supply its {user} syndicate {amount} a \
                         day from day {from}"
                    )
                } else {
                    format!(
                        "its {user} syndicate agrees with its {input} syndicate to take \
                         {amount} a day from day {from}, if its {input} syndicate agrees"
                    )
                }
            }
            Subject::LongerBy { rota: true } => {
                "work longer by rota: each willing member's extra hours on a long day in turn"
                    .to_owned()
            }
            Subject::LongerBy { rota: false } => {
                "work longer everyone alike: each willing member's extra hours every day".to_owned()
            }
            Subject::HarvestHours { raise, hundredths } => format!(
                "its farm workers give the farm up to {}.{:02} h a day beyond their willing \
                 hours in the harvest (a step {})",
                hundredths / 100,
                hundredths % 100,
                if raise { "up" } else { "down" }
            ),
        }
    }
}

/// Which assembly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Community(u32),
    Region(u32),
    World,
}

impl Level {
    pub fn name(self) -> String {
        match self {
            Level::Community(c) => format!("community {c}"),
            Level::Region(r) => format!("region {r}"),
            Level::World => "world".to_owned(),
        }
    }
}

/// One decided proposal.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Decision {
    pub tick: u32,
    pub level: Level,
    pub subject: Subject,
    /// Votes (members, or delegates' weights) for, against, and standing aside or blocking at
    /// the end.
    pub yes: f64,
    pub no: f64,
    pub rounds: u32,
    pub passed: bool,
    /// The scenario parameter whose value this decision, passed, stands over (the scenario
    /// allowed fossil energy, say, and the world phased it out).
    pub reverses: Option<&'static str>,
}

/// A delegate: a community's to its regional assembly, or a region's to the world assembly.
#[derive(Clone, Copy, Debug, Default)]
pub struct Delegate {
    /// Tick the delegate was chosen.
    pub since: u32,
    /// The delegate deviated and those who sent them saw it: recalled at their next meeting.
    pub seen_deviating: bool,
    /// Times this community (or region) has recalled a delegate.
    pub recalls: u32,
}

/// The assemblies' standing decisions, the delegates, and their record.
#[derive(Resource)]
pub struct Government {
    /// Communities that adopted a rota for undesirable work.
    pub rota: Vec<bool>,
    /// Regions whose food agreement is in force.
    pub food_agreement: Vec<bool>,
    /// Communities whose assembly voted to ration food until the scarcity is over.
    pub rationing: Vec<bool>,
    /// Full-time artists of each community.
    pub artists: Vec<u32>,
    /// Each community's delegate to its regional assembly.
    pub delegates: Vec<Delegate>,
    /// Each region's delegate to the world assembly.
    pub region_delegates: Vec<Delegate>,
    /// Effective undesirable hours left unfilled since each community's last meeting.
    pub undesirable_unfilled: Vec<f64>,
    pub decisions: Vec<Decision>,
    /// Supply agreements between regions in force, and what the regional meetings learn of them
    /// (under `rail.transfers = "assemblies"`).
    pub supply: Supply,
    /// Each region's decision on harvest help (`None` until its assembly decides: the
    /// scenario's `labour.harvest_help` stands).
    pub harvest_help: Vec<Option<bool>>,
    /// Effective farm hours each region's rural communities left unfilled before any help, over
    /// the current harvest (or the last one, between harvests).
    pub harvest_unfilled: Vec<f64>,
    /// Each region's decision on city help (`None` until its assembly decides: the scenario's
    /// `labour.city_help` stands).
    pub city_help: Vec<Option<bool>>,
    /// Effective hours each region's urban communities left unfilled outside the farm before
    /// any help, and the hours they posted there, over the current season between harvest and
    /// growing season (or the last one, in the farming season).
    pub city_unfilled: Vec<f64>,
    pub city_posted: Vec<f64>,
    /// Newcomers asking to join, accepted and arriving (`population.influx = "decided"`).
    pub newcomers: Newcomers,
    /// Each community's figures of the day before.
    pub yesterday: Vec<Yesterday>,
    /// Today's counts, for the metrics row.
    pub today: Tally,
    /// Each community's assembly draws: attendance, votes, its delegate's deviations.
    pub(crate) rngs: Vec<ChaCha8Rng>,
    /// Each region's delegate's draws (`Purpose::RegionDelegates`): whether they deviate and are
    /// seen, a stream of the region's own, so the communities' draws are as they were.
    pub(crate) region_rngs: Vec<ChaCha8Rng>,
}

/// What a community's meeting knows of the day before.
#[derive(Clone, Copy, Debug, Default)]
pub struct Yesterday {
    /// Effective hours of undesirable work done.
    pub undesirable_done: f64,
    /// Energy generated from fossil fuel (kWh).
    pub fossil_kwh: f64,
    /// Energy made available to the community (kWh).
    pub energy_made: f64,
    /// Lifecycle emissions of the energy generated (g CO2e/kWh; 0 if none was generated).
    pub energy_g_per_kwh: f64,
    /// Share of food need that what was held and still to come would cover until the next
    /// harvest (1: no scarcity ahead).
    pub food_outlook: f64,
}

/// Today's assembly figures.
#[derive(Clone, Copy, Debug, Default)]
pub struct Tally {
    pub meetings: u32,
    pub without_quorum: u32,
    pub passed: u32,
    pub failed: u32,
    pub recalls: u32,
    pub deviations: u32,
    /// Rounds of discussion held on the proposals decided today.
    pub rounds: u32,
    /// Hours the persons at today's meetings spent there (person-hours).
    pub meeting_hours: f64,
}

impl Government {
    pub fn new(seed: u64, communities: u32, regions: u32) -> Self {
        let n = communities as usize;
        Self {
            rota: vec![false; n],
            food_agreement: vec![true; regions as usize],
            rationing: vec![false; n],
            artists: vec![0; n],
            delegates: vec![Delegate::default(); n],
            region_delegates: vec![Delegate::default(); regions as usize],
            undesirable_unfilled: vec![0.0; n],
            decisions: Vec::new(),
            supply: Supply::default(),
            harvest_help: vec![None; regions as usize],
            harvest_unfilled: vec![0.0; regions as usize],
            city_help: vec![None; regions as usize],
            city_unfilled: vec![0.0; regions as usize],
            city_posted: vec![0.0; regions as usize],
            newcomers: Newcomers::new(n),
            yesterday: vec![Yesterday::default(); n],
            today: Tally::default(),
            rngs: streams(seed, Purpose::Assembly, communities),
            region_rngs: streams(seed, Purpose::RegionDelegates, regions),
        }
    }

    /// Whether region `r`'s urban members help its rural farms at harvest: its assembly's
    /// decision, or the scenario's until it decides.
    pub fn harvest_help(&self, params: &Params, r: usize) -> bool {
        self.harvest_help
            .get(r)
            .copied()
            .flatten()
            .unwrap_or(params.labour.harvest_help)
    }

    /// Whether region `r`'s rural members help its urban communities outside the farming season:
    /// its assembly's decision, or the scenario's until it decides.
    pub fn city_help(&self, params: &Params, r: usize) -> bool {
        self.city_help
            .get(r)
            .copied()
            .flatten()
            .unwrap_or(params.labour.city_help)
    }

    /// The labour policy in force for undesirable work in community `c`.
    pub fn policy(&self, params: &Params, c: usize) -> UndesirablePolicy {
        if self.rota.get(c).copied().unwrap_or(false) {
            UndesirablePolicy::Rota
        } else {
            params.labour.undesirable_policy
        }
    }
}

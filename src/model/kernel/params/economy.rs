//! The `[economy]` section: where the coefficients of production come from. By default
//! (`table = "model"`) they are the scenario's own `[goods]`, `[inputs]` and food parameters. With
//! `table = "wiod2016"` the hours, inputs and CO2 of every sector come from a country's published
//! input-output table (see `docs/accounts.md`), and what residents use is that country's final
//! demand per resident: the status quo as it is.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::model::kernel::decl::{Check, Decl};
use crate::model::kernel::technology::TableEconomy;
use serde::{Deserialize, Serialize};

/// Where the coefficients of production come from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TableSource {
    /// The scenario's own `[goods]`, `[inputs]` and food parameters.
    #[default]
    Model,
    /// The WIOD 2016 national input-output tables shipped in `data/wiod2016/`.
    Wiod2016,
}

/// A country of the shipped tables (ISO 3166 alpha-3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Country {
    USA,
    #[default]
    DEU,
    GBR,
    FRA,
    CAN,
    AUS,
}

impl Country {
    pub fn code(self) -> &'static str {
        match self {
            Country::USA => "USA",
            Country::DEU => "DEU",
            Country::GBR => "GBR",
            Country::FRA => "FRA",
            Country::CAN => "CAN",
            Country::AUS => "AUS",
        }
    }
}

/// How imported products are treated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportsRule {
    /// Imports are outside the economy: their hours and CO2 abroad are not counted.
    #[default]
    Domestic,
    /// Everything used is made at home with the country's own techniques.
    MadeAtHome,
}

/// Which final demand the residents' economy meets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FinalDemand {
    /// Consumption, investment, inventories and exports: every hour worked in the country.
    #[default]
    All,
    /// All but exports.
    Home,
    /// Consumption by households, non-profits and government.
    Consumption,
}

/// How syndicates decide how much to make (`economy.planning`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Planning {
    /// Every community's output is solved exactly each day, `x = (I - A)^-1 d`, from today's
    /// requests: perfect information, the benchmark.
    #[default]
    Perfect,
    /// Each syndicate sees only the orders it has received, its own stock and what it has in
    /// production: it forecasts by exponential smoothing, makes up to a stock target and orders
    /// its inputs from the syndicates that make them.
    Local,
    /// Every `plan_days`, each community and its syndicates agree a plan in rounds: the
    /// community states its requests, the syndicates answer with the hours they take, and the
    /// community revises its requests until they fit the hours its members are willing to give
    /// (within `tolerance`) or `round_limit` is reached. Each round costs meeting hours. Between
    /// plans each syndicate makes what was agreed, as under `local`.
    Participatory,
}

/// What a participatory planning session does when the members' requests take more hours than
/// they are willing to give (`economy.shortfall`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Shortfall {
    /// Want less: requests are lowered (in proportion, or good by good in `cut_order`).
    #[default]
    Less,
    /// Work longer: every willing member gives up to `longer_hours` more a day before any
    /// request is lowered.
    Longer,
    /// The community's assembly chooses: when a session lowered requests, its next meeting votes
    /// on working longer (`work_longer`); until it passes, requests are lowered.
    Vote,
}

/// How a community that works longer shares the extra hours (`economy.longer_by`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LongerBy {
    /// Every willing member's day stretches by the same extra hours, every day.
    #[default]
    Everyone,
    /// Members take turns: each day one willing member in `longer_rota_days` works that many
    /// days' extra hours, and the others none.
    Rota,
    /// The community's assembly chooses between the two (`longer_by` on the community agenda),
    /// each member by whether the rota's long day would fit under `labour.max_hours_per_day`;
    /// the way chosen is kept on the community's `Agreement` until the assembly changes it.
    Vote,
}

/// Who makes the agreements between a community's syndicates under standing agreements
/// (`economy.input_agreements`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputAgreements {
    /// They follow from the store's: each syndicate's firm input orders are `A X`, `X` the
    /// gross output the store's agreed amounts take.
    #[default]
    Follow,
    /// Each goods syndicate has a standing agreement with each syndicate of its community
    /// whose good it uses, revised by both syndicates' workers at the community's meetings
    /// (`governance/proposals/input_agreement.rs`).
    Assemblies,
}

/// A normal error's standard deviation over its mean absolute deviation (sqrt(pi / 2)): a
/// service syndicate's safety stock is `safety_factor` times this times its smoothed absolute
/// forecast error.
pub const MAD_TO_SD: f64 = 1.2533141373155003;

/// Most steps a syndicate's workers may raise (or lower) its stock target from the scenario's
/// (`economy.syndicate_assemblies`): with the default step of 0.25, from 0.17 to 5.96 times.
pub const MAX_TARGET_STEPS: i8 = 8;

/// Most days a syndicate's production may take (`economy.lead_days`).
pub const MAX_LEAD_DAYS: usize = 14;

/// The `[economy]` section.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EconomyParams {
    /// Where the coefficients come from: `model` or `wiod2016`.
    pub table: TableSource,
    /// Country of the table (ISO 3166 alpha-3).
    pub country: Country,
    /// Year of the table.
    pub year: u32,
    /// `domestic` (imports are outside the economy) or `made_at_home` (made with the country's
    /// own techniques).
    pub imports: ImportsRule,
    /// Which final demand residents' economy meets: `all` (consumption, investment,
    /// inventories and exports), `home` (all but exports) or `consumption`.
    pub final_demand: FinalDemand,
    /// Industries moved to another sector than the shipped mapping's: code = sector.
    pub map: BTreeMap<String, String>,
    /// Demand for industries' products scaled by a factor: code (or `essay_without`, every
    /// industry the essay does without) = factor.
    pub scale: BTreeMap<String, f64>,
    /// How syndicates decide how much to make: `perfect` or `local`.
    pub planning: Planning,
    /// Under `local`: weight of the latest day's orders in a syndicate's forecast (exponential
    /// smoothing, 0..1].
    pub smoothing: f64,
    /// Under `local`: days over which a syndicate closes the gap between its stock and its
    /// target (1 is the classic order-up-to rule; more damps its orders).
    pub stock_adjust_days: f64,
    /// Under `local`: days from starting a storable good to having it in store.
    pub lead_days: u32,
    /// Under `local`: a service syndicate makes its forecast and this many standard deviations
    /// of its forecast error more (services cannot be kept in store).
    pub safety_factor: f64,
    /// Under `local`: syndicates forecast from the communities' stated requests, shared with
    /// every syndicate, instead of from the orders they receive.
    pub share_requests: bool,
    /// Under `participatory`: days between planning sessions.
    pub plan_days: u32,
    /// Under `participatory`: most rounds of a planning session.
    pub round_limit: u32,
    /// Under `participatory`: the plan is agreed when the hours it takes exceed the hours
    /// members are willing to give by at most this share.
    pub tolerance: f64,
    /// Under `participatory`: share of the gap between hours asked and hours offered a community
    /// closes by lowering its requests each round.
    pub revision: f64,
    /// Under `participatory`: hours each participant spends in each round (a delegate of each
    /// goods syndicate and one of the community).
    pub round_hours: f64,
    /// Day-to-day variation of what a community requests of each good around its members' need
    /// (coefficient of variation; 0: they request exactly their need).
    pub request_cv: f64,
    /// Under `participatory`: want less, work longer, or let the assembly vote.
    pub shortfall: Shortfall,
    /// Under `participatory`: most extra hours a day a willing member gives when the community
    /// works longer (elders their share of it).
    pub longer_hours: f64,
    /// Under `participatory`, when the community works longer: `everyone` alike every day, by
    /// `rota`, in turns, or as the community's assembly chooses (`vote`).
    pub longer_by: LongerBy,
    /// Under `longer_by = "rota"`: days of a turn of the rota (each willing member works longer
    /// one day in this many).
    pub longer_rota_days: u32,
    /// Under `participatory`: goods whose requests are lowered first, in order, when requests
    /// must be lowered; empty: every request in proportion.
    pub cut_order: Vec<String>,
    /// How much persons differ in what they want of each good but housing: each person's want
    /// factor per good is lognormal with mean 1 and this coefficient of variation, drawn when
    /// the person is made (0: everyone wants their need).
    pub wants_cv: f64,
    /// Goods some persons do not want at all: good = share of persons who want it (0..1);
    /// goods not named are wanted by everyone.
    pub optional_goods: BTreeMap<String, f64>,
    /// Under `local`: after this many days in a row short of a good, a community re-states its
    /// request to the good's syndicate, which raises its forecast to what the request takes
    /// (and again every as many days while the shortage lasts); 0: never.
    pub restate_after_days: u32,
    /// Under `local` and `participatory`: each goods syndicate's workers decide its own stock
    /// target at their meetings (with their community's assembly), raising or lowering it by
    /// `target_step` from the scenario's (`governance/proposals/stock_target.rs`).
    pub syndicate_assemblies: bool,
    /// Under `syndicate_assemblies`: the share by which one decision raises a syndicate's stock
    /// target (its days of cover, or its safety stock); lowering divides by `1 + target_step`.
    pub target_step: f64,
    /// Under `syndicate_assemblies`: the share of days a syndicate's workers expect to go short
    /// if they lower their stock target a step (the goods they weigh against the hours saved).
    pub target_caution: f64,
    /// Under `local`: each community's store has a standing agreement with each of its goods
    /// syndicates (but energy) to take a stated amount a day, revised by its assembly at
    /// `agreement_notice_days`' notice (`governance/proposals/standing_agreement.rs`); the
    /// syndicates plan the agreed amounts, and the inputs they take, as firm orders.
    pub standing_agreements: bool,
    /// Under `standing_agreements`: days from a revision's decision to the day the revised
    /// amount is in force.
    pub agreement_notice_days: u32,
    /// Under `standing_agreements`: the share of the smoothed requests of a good that a
    /// community agrees to take firm (at the start and at each revision).
    pub agreement_share: f64,
    /// Under `standing_agreements`: whether the syndicates' agreements with each other follow
    /// from the store's (`follow`) or are their own, made and revised by their workers
    /// (`assemblies`).
    pub input_agreements: InputAgreements,
    /// The table's economy, derived from the keys above when the scenario is read (never
    /// written: `scenario.toml` holds the keys, and reading it derives the same economy).
    #[serde(skip)]
    pub derived: Option<Arc<TableEconomy>>,
}

impl Default for EconomyParams {
    fn default() -> Self {
        Self {
            table: TableSource::Model,
            country: Country::DEU,
            year: 2014,
            imports: ImportsRule::Domestic,
            final_demand: FinalDemand::All,
            map: BTreeMap::new(),
            scale: BTreeMap::new(),
            planning: Planning::Perfect,
            smoothing: 0.2,
            stock_adjust_days: 1.0,
            lead_days: 2,
            safety_factor: 1.65,
            share_requests: false,
            plan_days: 7,
            round_limit: 10,
            tolerance: 0.02,
            revision: 0.5,
            round_hours: 0.5,
            request_cv: 0.0,
            shortfall: Shortfall::Less,
            longer_hours: 1.0,
            longer_by: LongerBy::Everyone,
            longer_rota_days: 4,
            cut_order: Vec::new(),
            wants_cv: 0.0,
            optional_goods: BTreeMap::new(),
            restate_after_days: 0,
            syndicate_assemblies: false,
            target_step: 0.25,
            target_caution: 0.05,
            standing_agreements: false,
            agreement_notice_days: 7,
            agreement_share: 1.0,
            input_agreements: InputAgreements::Follow,
            derived: None,
        }
    }
}

impl EconomyParams {
    /// Whether the coefficients come from a published table.
    pub fn from_table(&self) -> bool {
        self.table != TableSource::Model
    }

    /// Whether persons differ in what they want (`wants_cv` above 0 or an optional good): then
    /// each person carries a [`crate::model::kernel::components::Wants`] and communities request
    /// the sum of their members' wants.
    pub fn wants(&self) -> bool {
        self.wants_cv > 0.0 || !self.optional_goods.is_empty()
    }

    /// The factor by which a syndicate's workers have scaled its stock target, `steps` steps of
    /// `target_step` up (or down) from the scenario's: `(1 + target_step)^steps`; 1 without
    /// `syndicate_assemblies`.
    pub fn target_factor(&self, steps: i8) -> f64 {
        if self.syndicate_assemblies && steps != 0 {
            (1.0 + self.target_step).powi(i32::from(steps))
        } else {
            1.0
        }
    }

    /// The share of persons who want `good` (1 unless it is named in `optional_goods`).
    pub fn wanted_share(&self, good: &str) -> f64 {
        self.optional_goods.get(good).copied().unwrap_or(1.0)
    }
}

const FIXED: &str =
    "the table is read when the scenario is read; run a scenario with other values instead";

/// The declarations of this section's parameters (see [`super::decl`]).
pub const DECLS: &[Decl] = &[
    Decl::new(
        "economy.table",
        "",
        Check::Choice(&["model", "wiod2016"]),
        "Where the coefficients of production come from: `model` (the scenario's own `[goods]`, `[inputs]` and food parameters) or `wiod2016` (a country's published input-output table: every sector's hours, inputs and CO2 per US$ of output, and the country's final demand per resident).",
        "WIOD 2016 release (Timmer et al. 2015), CC BY 4.0; see data/wiod2016/SOURCES.md.",
    )
    .fixed(FIXED),
    Decl::new(
        "economy.country",
        "",
        Check::Choice(&["USA", "DEU", "GBR", "FRA", "CAN", "AUS"]),
        "Country of the table (ISO 3166 alpha-3).",
        "",
    )
    .fixed(FIXED),
    Decl::new(
        "economy.year",
        "",
        Check::Count(2000, 2014),
        "Year of the table: one of the years shipped in data/wiod2016 (2000, 2005, 2008, 2010, 2014).",
        "",
    )
    .fixed(FIXED),
    Decl::new(
        "economy.imports",
        "",
        Check::Choice(&["domestic", "made_at_home"]),
        "`domestic`: imports are outside the economy, their hours and CO2 abroad not counted; `made_at_home`: everything used is made at home with the country's own techniques.",
        "",
    )
    .fixed(FIXED),
    Decl::new(
        "economy.final_demand",
        "",
        Check::Choice(&["all", "home", "consumption"]),
        "What the residents' economy makes besides intermediate goods: `all` final demand (consumption by households, non-profits and government, investment, inventories and exports: every hour worked in the country), `home` (all but exports) or `consumption` only. Consumption is delivered to residents; the rest is made and leaves.",
        "",
    )
    .fixed(FIXED),
    Decl::new(
        "economy.map.*",
        "",
        Check::Free,
        "An industry (WIOD code, like `M73`) moved to another sector than the shipped mapping's (data/wiod2016/sector_map.csv): one of the model's sectors or `other`.",
        "",
    )
    .fixed(FIXED),
    Decl::new(
        "economy.scale.*",
        "factor",
        Check::Range(0.0, 10.0),
        "Demand for an industry's product (by other industries and by final users) scaled by this factor: a WIOD code, or `essay_without` for every industry the essay does without (sector_map.csv). 0 removes the industry; a code overrides `essay_without` for that industry.",
        "",
    )
    .fixed(FIXED),
    Decl::new(
        "economy.planning",
        "",
        Check::Choice(&["perfect", "local", "participatory"]),
        "How syndicates decide how much to make. `perfect`: each community's output is solved exactly every day from today's requests, `x = (I - A)^-1 d` (perfect information, the benchmark). `local`: each syndicate sees only the orders it received up to yesterday, its own stock and what it has in production; it forecasts its orders by exponential smoothing, makes up to a stock target (order-up-to) and orders its inputs from the syndicates that make them, so shortages, overstock and the bullwhip effect can emerge. `participatory`: every `plan_days` each community and its syndicates agree a plan in rounds (the community states its requests, the syndicates answer with the hours they take, the community lowers its requests until they fit its members' willing hours, each round costing meeting hours); between plans each syndicate makes what was agreed, with the local rule's stock targets. Energy is balanced on the day under both (a grid's dispatch). Model economy only. The default is `perfect` so that a file written before keeps its meaning; the shipped scenarios of the essay's society set `local` (the status quo and the benchmarks keep `perfect`; docs/planning.md \"Which shipped scenarios plan how\").",
        "Local rule: order-up-to policy with exponentially smoothed forecasts (Chen, Drezner, Ryan & Simchi-Levi 2000, Management Science 46(3)); see docs/planning.md.",
    )
    .fixed("syndicates keep different state under each rule; compare two scenarios instead"),
    Decl::new(
        "economy.smoothing",
        "share",
        Check::Range(0.01, 1.0),
        "Under `local`: weight of the latest day's orders in a syndicate's forecast (exponential smoothing constant alpha).",
        "Assumption: 0.2, inside the 0.01-0.3 range textbooks recommend for smoothing demand (Silver, Pyke & Peterson 1998, Inventory Management and Production Planning and Scheduling, ch. 4).",
    ),
    Decl::new(
        "economy.stock_adjust_days",
        "days",
        Check::Range(1.0, 365.0),
        "Under `local`: days over which a syndicate closes the gap between its stock (with what is in production) and its target; 1 is the order-up-to rule, more damps its orders.",
        "Assumption: 1 (order-up-to). Disney & Towill 2003 (Int. J. Production Economics 85) show how a longer adjustment damps the bullwhip effect.",
    ),
    Decl::new(
        "economy.lead_days",
        "days",
        Check::Count(0, MAX_LEAD_DAYS as u64),
        "Under `local`: days from starting a storable good (clothing, textiles, construction, devices, materials) to having it in store. Services are given the day they are made.",
        "Assumption: 2 days.",
    )
    .fixed("goods in production are kept by the day they are due; compare two scenarios instead"),
    Decl::new(
        "economy.safety_factor",
        "sd",
        Check::Range(0.0, 5.0),
        "Under `local`: a service syndicate (transport, housing, care, learning) makes its forecast plus this many standard deviations of its forecast error (1.25 times the smoothed absolute error), since services cannot be kept in store; what is not used is given up.",
        "Assumption: 1.65, the textbook safety factor for a 95% chance of meeting a day's demand (Silver, Pyke & Peterson 1998, ch. 7); 1.25 x mean absolute deviation = one standard deviation of a normal error (ibid., ch. 4).",
    ),
    Decl::new(
        "economy.share_requests",
        "",
        Check::Free,
        "Under `local`: every syndicate sees the communities' stated requests and forecasts its own gross output from them through the input coefficients, instead of forecasting from the orders it receives (information sharing along the chain).",
        "",
    ),
    Decl::new(
        "economy.plan_days",
        "days",
        Check::Count(1, 365),
        "Under `participatory`: days between planning sessions (the first is on day 0).",
        "Assumption: weekly.",
    ),
    Decl::new(
        "economy.round_limit",
        "rounds",
        Check::Count(1, 100),
        "Under `participatory`: most rounds of a planning session; a session that has not agreed by then goes ahead with its last requests (counted in planning_unagreed).",
        "Assumption: 10.",
    ),
    Decl::new(
        "economy.tolerance",
        "share",
        Check::Range(0.0, 1.0),
        "Under `participatory`: a plan is agreed when the hours it takes exceed the hours members are willing to give (adults' mean willingness, elders' share of it, less the hours food and building already take) by at most this share.",
        "Assumption: 0.02.",
    ),
    Decl::new(
        "economy.revision",
        "share",
        Check::Range(0.01, 1.0),
        "Under `participatory`: share of the gap between the hours asked and the hours offered that a community closes each round, by lowering all its requests in proportion.",
        "Assumption: 0.5. Pequod's councils revise proposals by part of the gap each round (Hahnel 2021, Democratic Economic Planning, ch. 4).",
    ),
    Decl::new(
        "economy.round_hours",
        "h",
        Check::Range(0.0, 24.0),
        "Under `participatory`: hours each participant spends in each planning round: a delegate of each goods syndicate and one of the community. Counted in planning_meeting_hours and work_and_meeting_hours_mean.",
        "Assumption: half an hour a round.",
    ),
    Decl::new(
        "economy.request_cv",
        "share",
        Check::Range(0.0, 1.0),
        "Day-to-day variation of what a community requests of each good but housing around its members' need: each day each request is the need times 1 + e, e normal with this standard deviation (cut at -1). 0: communities request exactly their members' need.",
        "Assumption: 0 by default. planning-*.toml use 0.1.",
    ),
    Decl::new(
        "economy.shortfall",
        "",
        Check::Choice(&["less", "longer", "vote"]),
        "Under `participatory`: what a planning session does when the members' requests take more hours than they are willing to give. `less`: want less, lowering requests (in proportion, or good by good in `cut_order`); `longer`: every willing member works up to `longer_hours` more a day before any request is lowered; `vote`: the community's assembly chooses, voting on working longer (`work_longer`, on the community agenda) at its first meeting after a session had to lower requests, each member weighing the hours against the goods kept; requests are lowered until it passes.",
        "Assumption: `less` by default, the rule before the choice could be made.",
    ),
    Decl::new(
        "economy.longer_hours",
        "h/day",
        Check::Range(0.0, 24.0),
        "Under `participatory`, when the community works longer: most extra hours a day each willing member gives (elders `labour.elder_willingness` of it), within `labour.max_hours_per_day`. A session asks only the extra hours its requests need.",
        "Assumption: 1 h a day.",
    ),
    Decl::new(
        "economy.longer_by",
        "",
        Check::Choice(&["everyone", "rota", "vote"]),
        "Under `participatory`, when the community works longer (`shortfall = \"longer\"`, or `\"vote\"` once `work_longer` passed): how the extra hours are shared. `everyone`: every willing member gives the session's extra hours every day. `rota`: members take turns; each day the willing members whose turn it is (one in `longer_rota_days`, by a fixed turn each person keeps for life) give `longer_rota_days` times the extra hours, the others none, so the average is the same unless `labour.max_hours_per_day` caps the long days. `vote`: the community's assembly chooses between the two (`longer_by` on the community agenda), at each meeting after a session that needed extra hours (under `shortfall = \"vote\"`, at the meeting that votes on `work_longer` too), by proposing to change the way in force (`everyone` at first); only the members who would give extra hours vote, each preferring the rota when its long day (their willing hours plus `longer_rota_days` times their extra hours) stays within `labour.max_hours_per_day`, and `everyone` otherwise. The way chosen stays until the assembly changes it. Refused unless some community can work longer (`participatory`, `shortfall` not `less`, assemblies on, `longer_by` and, under `shortfall = \"vote\"`, `work_longer` on the community agenda).",
        "Assumption: `everyone` by default, the rule before the choice could be made. Under `vote`, the members' preference is an assumption: a member would rather have their extra hours on one long day in `longer_rota_days` and keep their other days at their usual length, unless that long day would pass the day's cap (then they could not give their share, which would be lost to the goods everyone gets).",
    ),
    Decl::new(
        "economy.longer_rota_days",
        "days",
        Check::Count(2, 28),
        "Under `longer_by = \"rota\"` (or `\"vote\"` once an assembly chose the rota): days of the rota's cycle; each willing member works longer one day in this many.",
        "Assumption: 4 days (a long day about once a week at a weekly planning session's pace).",
    ),
    Decl::new(
        "economy.cut_order",
        "",
        Check::Free,
        "Under `participatory`: the goods whose requests are lowered first when requests must be lowered, in order, each down to nothing before the next is touched (names of goods; housing cannot be named: dwellings are kept in repair). Empty: every request but housing is lowered in proportion.",
        "",
    ),
    Decl::new(
        "economy.wants_cv",
        "share",
        Check::Range(0.0, 3.0),
        "How much persons differ in what they want of each good but housing: each person is made (at the start, at birth, on arrival) with a want factor per good, lognormal with mean 1 and this coefficient of variation, kept for life; a community then requests the sum over its members of their need times their want factor (and `request_cv`'s daily variation on top), under every `economy.planning`. 0 (and no `optional_goods`): everyone wants exactly their need, as before.",
        "Assumption: 0 by default (no source for the spread of wants per good); scenarios/wants.toml uses 0.3.",
    )
    .fixed("want factors are drawn when persons are made; compare two scenarios instead"),
    Decl::new(
        "economy.optional_goods.*",
        "share",
        Check::Range(0.0, 1.0),
        "A good that only some persons want (\"for who wants one\"), with the share of persons who want it: each person is made wanting it with this chance, and one who does not is neither counted in the community's request of it nor ever short of it. Names of goods (not housing). Goods not named are wanted by everyone.",
        "Assumption: none optional by default; scenarios/wants.toml has devices wanted by 0.6 of persons.",
    )
    .fixed("whether persons want a good is drawn when they are made; compare two scenarios instead"),
    Decl::new(
        "economy.restate_after_days",
        "days",
        Check::Count(0, 365),
        "Under `local`: after this many days in a row delivered less of a good than it requested, a community's assembly re-states its request to the good's syndicate, which raises its forecast to at least what today's requests take of the good, `(I - A)^-1 R` (and its smoothed record of requests to at least the request); again every as many days while the shortage lasts. Counted in requests_restated. 0: never (the syndicate learns only from the orders it receives).",
        "Assumption: 0 by default; scenarios/wants.toml uses 3.",
    ),
    Decl::new(
        "economy.syndicate_assemblies",
        "",
        Check::Free,
        "Under `local` or `participatory`: each goods syndicate's workers (the members of its community who gave its sector at least a quarter of an hour on the day before the meeting) meet with their community's assembly and vote, by the community's voting rule, on raising their stock target a step when their community ran short of the good since their last meeting, or on lowering it a step when it did not and some of what they made was given up or overstocked (`stock_target` on the community agenda). The target scales a storable good's reserve days and a service's safety stock (`safety_factor`), from the next plan on; decisions are in decisions.csv. A `set` of `economy.safety_factor` (services), of `goods.<good>.reserve_days` (that good) or of this key returns the syndicates concerned to the scenario's target. Refused under `perfect`.",
        "Assumption: off by default. See docs/planning.md \"Syndicates' own assemblies\" for the members' weighing.",
    ),
    Decl::new(
        "economy.target_step",
        "share",
        Check::Range(0.01, 1.0),
        "Under `syndicate_assemblies`: one decision raises a syndicate's stock target by this share (multiplies it by 1 + step) or lowers it (divides by 1 + step), at most 8 steps either way from the scenario's.",
        "Assumption: 0.25.",
    ),
    Decl::new(
        "economy.target_caution",
        "share",
        Check::Range(0.0, 1.0),
        "Under `syndicate_assemblies`: the share of days a syndicate's workers expect their community to go short of the good if they lower its stock target a step, weighed (as goods, times the good's share of needs) against the hours the step saves them.",
        "Assumption: 0.05, the share of days a safety factor of 1.65 is meant to leave short.",
    ),
    Decl::new(
        "economy.standing_agreements",
        "",
        Check::Free,
        "Under `local`: each community's store has a standing agreement with each of its goods syndicates but energy to take a stated amount a day, at first `agreement_share` of its first day's requests. The syndicate plans the agreed amount, and the inputs it takes from the other syndicates, as firm orders known in advance, and forecasts only the orders beyond them; the store takes the agreed amount even on a day it requests less (what a service does not use is given up, a storable good stays in store). The community's assembly revises an amount (`standing_agreement` on the community agenda) when `agreement_share` of the smoothed requests has moved more than 2% from it, weighing the shortages and the surplus its members saw; a revised amount is in force `agreement_notice_days` after the decision. Decisions are in decisions.csv. Refused under `perfect` and `participatory`.",
        "Assumption: off by default. See docs/planning.md \"Standing agreements\" for the members' weighing.",
    )
    .fixed("the agreements are made when the world is founded; compare two scenarios instead"),
    Decl::new(
        "economy.agreement_notice_days",
        "days",
        Check::Count(0, 365),
        "Under `standing_agreements`: days from the assembly's decision to revise a standing agreement to the first day the revised amount is in force; the syndicates plan toward it from the decision on. While a revision waits for its day the agreement is not taken up again.",
        "Assumption: 7 days, a week's notice.",
    ),
    Decl::new(
        "economy.agreement_share",
        "share",
        Check::Range(0.0, 2.0),
        "Under `standing_agreements`: the share of a good's smoothed requests a community agrees to take firm, at the start and at each revision (0: agreements for nothing, the orders all forecast).",
        "Assumption: 1, the requests as they have been on average.",
    ),
    Decl::new(
        "economy.input_agreements",
        "",
        Check::Choice(&["follow", "assemblies"]),
        "Under `standing_agreements`: who makes the agreements between a community's syndicates. `follow`: they follow from the store's, each syndicate's firm input orders being the inputs the gross output of the store's agreed amounts takes (`A X`). `assemblies`: each goods syndicate has its own standing agreement with each syndicate of its community whose good it uses (but energy), an amount a day made at the start from the `follow` rule and revised at the community's meetings (`input_agreement` on the community agenda) when the input orders it placed (smoothed) have moved more than 2% from it and what its workers saw speaks for it: its workers offer the revision and the supplying syndicate's workers accept or refuse it (both must pass it); a revised amount is in force `agreement_notice_days` after the decision, and the supplier plans the agreed amounts as firm orders. Energy's agreements stand as made. Needs `standing_agreements`.",
        "Assumption: `follow` by default, the rule before the syndicates' own agreements were built. Under `assemblies` the workers' weighing is an assumption (docs/planning.md \"Agreements between syndicates\").",
    )
    .fixed("the agreements are made when the world is founded; compare two scenarios instead"),
];

//! The `[[events]]` array: what happens on which day.
//!
//! ```toml
//! [[events]]
//! day = 50
//! kind = "drought"          # drought, influx, illness_wave, installation_failure,
//!                           # rail_failure, guild, set, vote, volunteer
//! region = 0                # or community = 3; neither means everywhere
//! yield_factor = 0.4
//! days = 365
//!
//! [[events]]
//! day = 80
//! kind = "rail_failure"     # the link between two communities is out of service
//! from = 0
//! to = 8
//! days = 30
//!
//! [[events]]
//! day = 120
//! kind = "set"              # a policy changed: any scenario value but population, seed, ticks
//! path = "labour.undesirable_policy"
//! value = "rota"
//!
//! [[events]]
//! day = 140
//! kind = "vote"             # a vote from outside (a student in `commune serve --classroom`)
//! community = 0             # on item 1 of community 0's assembly agenda that day
//! item = 1
//! yes = true
//!
//! [[events]]
//! day = 150
//! kind = "volunteer"        # hours offered from outside (a student in `commune serve --classroom`)
//! community = 0             # to community 0's kitchen: 3 hours a day for 5 days
//! sector = "kitchen"        # agriculture, kitchen, or a good's syndicate
//! hours = 3.0               # more than 0, at most 8
//! days = 5                  # 1 (the default) to 30
//! ```

use serde::{Deserialize, Serialize};

use super::locate::Locator;
use super::{Problem, Scenario, closest};
use crate::model::events::{EventKind, ScheduledEvent, Target};
use crate::model::kernel::decl::Live;
use crate::model::kernel::goods::Good;
use crate::model::kernel::params::Sector;
use crate::model::kernel::params::energy::Source;
use crate::model::kernel::params::setting::ParamValue;

/// One `[[events]]` entry as written in the file.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EventSpec {
    /// Tick the event happens on, counted from 0 (the start of that day).
    pub day: u32,
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub community: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub yield_factor: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub persons: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub good: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub members: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provisions: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<toml::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub yes: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sector: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hours: Option<f64>,
}

/// The kinds of event, with the keys each takes beyond `day` and `kind` (required ones first,
/// then `?` optional ones).
pub const KINDS: &[(&str, &[&str])] = &[
    (
        "drought",
        &["yield_factor", "days", "region?", "community?"],
    ),
    ("influx", &["community", "persons", "provisions?"]),
    ("illness_wave", &["share", "region?", "community?"]),
    (
        "installation_failure",
        &["community", "source", "days", "share?"],
    ),
    ("rail_failure", &["from", "to", "days"]),
    ("guild", &["community", "good", "members"]),
    ("set", &["path", "value"]),
    ("vote", &["community", "item", "yes"]),
    ("volunteer", &["community", "sector", "hours", "days?"]),
];

const KEYS: &[&str] = &[
    "day",
    "kind",
    "region",
    "community",
    "yield_factor",
    "days",
    "persons",
    "provisions",
    "share",
    "source",
    "good",
    "members",
    "from",
    "to",
    "path",
    "value",
    "item",
    "yes",
    "sector",
    "hours",
];

/// Reads the `events` value: an array of tables. Problems name `events[i].key` and its line.
pub(super) fn parse(
    value: toml::Value,
    locator: &Locator,
    problems: &mut Vec<Problem>,
) -> Vec<EventSpec> {
    let mut out = Vec::new();
    let toml::Value::Array(items) = value else {
        problems.push(Problem {
            line: locator.line("events"),
            key: "events".to_owned(),
            message: "must be an array of tables, each written `[[events]]`".to_owned(),
        });
        return out;
    };
    for (i, item) in items.into_iter().enumerate() {
        let at = |key: &str| format!("events[{i}].{key}");
        let mut fail = |key: String, message: String| {
            problems.push(Problem {
                line: locator.line(&key),
                key,
                message,
            })
        };
        let toml::Value::Table(table) = item else {
            fail(format!("events[{i}]"), "must be a table".to_owned());
            continue;
        };
        for key in table.keys() {
            if !KEYS.contains(&key.as_str()) {
                let hint = closest(key, KEYS.iter().copied())
                    .map_or(String::new(), |k| format!("; did you mean `{k}`?"));
                fail(at(key), format!("unknown key{hint}"));
            }
        }
        let spec: EventSpec = match toml::Value::Table(table).try_into() {
            Ok(s) => s,
            Err(e) => {
                fail(
                    format!("events[{i}]"),
                    format!("wrong type: {}", e.message()),
                );
                continue;
            }
        };
        let Some((_, keys)) = KINDS.iter().find(|(k, _)| *k == spec.kind) else {
            let names: Vec<&str> = KINDS.iter().map(|(k, _)| *k).collect();
            fail(
                at("kind"),
                format!("unknown kind {:?}; one of: {}", spec.kind, names.join(", ")),
            );
            continue;
        };
        let present = |k: &str| match k {
            "region" => spec.region.is_some(),
            "community" => spec.community.is_some(),
            "yield_factor" => spec.yield_factor.is_some(),
            "days" => spec.days.is_some(),
            "persons" => spec.persons.is_some(),
            "provisions" => spec.provisions.is_some(),
            "share" => spec.share.is_some(),
            "source" => spec.source.is_some(),
            "good" => spec.good.is_some(),
            "members" => spec.members.is_some(),
            "from" => spec.from.is_some(),
            "to" => spec.to.is_some(),
            "path" => spec.path.is_some(),
            "value" => spec.value.is_some(),
            "item" => spec.item.is_some(),
            "yes" => spec.yes.is_some(),
            "sector" => spec.sector.is_some(),
            "hours" => spec.hours.is_some(),
            _ => true,
        };
        for key in KEYS.iter().skip(2) {
            let allowed = keys.iter().any(|k| k.trim_end_matches('?') == *key);
            let required = keys.contains(key);
            if required && !present(key) {
                fail(
                    format!("events[{i}]"),
                    format!("a {} event needs `{key}`", spec.kind),
                );
            } else if !allowed && present(key) {
                fail(
                    at(key),
                    format!("a {} event does not take `{key}`", spec.kind),
                );
            }
        }
        out.push(spec);
    }
    out
}

/// Checks each event's values against the scenario and turns the events into the model's, in
/// file order. A `set` event carries its path and value only; it is checked on top of the file's
/// values and the `set` events before it (in day order), and refused for a parameter that may not
/// change during a run. A `set` that leaves the value as it was is a warning.
pub(super) fn build(
    s: &Scenario,
    warnings: &mut Vec<Problem>,
) -> Result<Vec<ScheduledEvent>, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut out = Vec::new();
    let communities = s.params.population.communities;
    let regions = s.params.regions();
    let mut order: Vec<usize> = (0..s.events.len()).collect();
    order.sort_by_key(|i| s.events[*i].day);
    let mut current = s.clone();
    current.events.clear();
    current.schedule.clear();
    for i in order {
        let e = &s.events[i];
        let mut fail = |key: &str, message: String| {
            problems.push(Problem {
                line: None,
                key: format!("events[{i}].{key}"),
                message,
            })
        };
        let target = match (e.region, e.community) {
            (Some(_), Some(_)) => {
                fail(
                    "region",
                    "give `region` or `community`, not both".to_owned(),
                );
                Target::All
            }
            (Some(r), None) if r >= regions => {
                fail(
                    "region",
                    format!("{r} is not a region (0 to {})", regions - 1),
                );
                Target::All
            }
            (None, Some(c)) if c >= communities => {
                fail(
                    "community",
                    format!("{c} is not a community (0 to {})", communities - 1),
                );
                Target::All
            }
            (Some(r), None) => Target::Region(r),
            (None, Some(c)) => Target::Community(c),
            (None, None) => Target::All,
        };
        let community = e.community.unwrap_or(0);
        let share = e.share.unwrap_or(1.0);
        if !(0.0..=1.0).contains(&share) {
            fail("share", format!("{share} is not between 0 and 1"));
        }
        let kind = match e.kind.as_str() {
            "drought" => {
                let f = e.yield_factor.unwrap_or(1.0);
                if !(0.0..=1.0).contains(&f) {
                    fail("yield_factor", format!("{f} is not between 0 and 1"));
                }
                EventKind::Drought {
                    target,
                    yield_factor: f,
                    days: e.days.unwrap_or(1),
                }
            }
            "influx" => {
                let persons = e.persons.unwrap_or(0);
                if !(1..=100_000).contains(&persons) {
                    fail("persons", format!("{persons} is not between 1 and 100000"));
                }
                let decided =
                    s.params.population.influx == crate::model::kernel::params::InfluxRule::Decided;
                if decided && e.provisions == Some(false) {
                    fail(
                        "provisions",
                        "under `population.influx = \"decided\"` newcomers taken in always \
                         come with land, housing and stores: leave `provisions` out"
                            .to_owned(),
                    );
                }
                EventKind::Influx {
                    community,
                    persons,
                    provisions: e.provisions.unwrap_or(false),
                }
            }
            "illness_wave" => EventKind::IllnessWave { target, share },
            "vote" => EventKind::Vote {
                community,
                item: e.item.unwrap_or(0),
                yes: e.yes.unwrap_or(false),
            },
            "volunteer" => match volunteer(
                community,
                e.sector.as_deref().unwrap_or_default(),
                e.hours.unwrap_or(0.0),
                e.days.unwrap_or(1),
            ) {
                Ok(kind) => kind,
                Err(refusals) => {
                    for (key, message) in refusals {
                        fail(key, message);
                    }
                    continue;
                }
            },
            "installation_failure" => {
                let name = e.source.clone().unwrap_or_default();
                let source = Source::ALL.into_iter().find(|s| s.name() == name);
                if source.is_none() {
                    let names: Vec<&str> = Source::ALL.iter().map(|s| s.name()).collect();
                    fail(
                        "source",
                        format!("unknown source {name:?}; one of: {}", names.join(", ")),
                    );
                }
                EventKind::InstallationFailure {
                    community,
                    source: source.unwrap_or(Source::Solar),
                    share,
                    days: e.days.unwrap_or(1),
                }
            }
            "rail_failure" => {
                let (from, to) = (e.from.unwrap_or(0), e.to.unwrap_or(0));
                let days = e.days.unwrap_or(0);
                if days == 0 {
                    fail("days", "must be at least 1".to_owned());
                }
                for (key, c) in [("from", from), ("to", to)] {
                    if c >= communities {
                        fail(
                            key,
                            format!("{c} is not a community (0 to {})", communities - 1),
                        );
                    }
                }
                if from < communities
                    && to < communities
                    && !crate::model::rail::links::link_exists(&s.params, from, to)
                {
                    let how = if s.params.rail.links.is_empty() {
                        "a generated network has links between neighbouring communities of a \
                         region (ids c and c+1) and trunk lines between the first communities of \
                         neighbouring regions"
                    } else {
                        "it is not one of [[rail.links]]"
                    };
                    fail(
                        "to",
                        format!("no rail link joins communities {from} and {to}: {how}"),
                    );
                }
                EventKind::RailFailure { from, to, days }
            }
            "guild" => {
                let name = e.good.clone().unwrap_or_default();
                let good = Good::ALL.iter().copied().find(|g| g.name() == name);
                if good.is_none() {
                    let names: Vec<&str> = Good::ALL.iter().map(|g| g.name()).collect();
                    fail(
                        "good",
                        format!("unknown good {name:?}; one of: {}", names.join(", ")),
                    );
                }
                EventKind::GuildFounded {
                    community,
                    good: good.unwrap_or(Good::Clothing),
                    members: e.members.unwrap_or(0),
                }
            }
            _ => {
                // "set": kinds were checked when the file was read.
                let path = e.path.clone().unwrap_or_default();
                let value = e.value.clone().unwrap_or(toml::Value::Boolean(false));
                let top = path.split('.').next().unwrap_or_default();
                if top == "population" || top == "sweep" || top == "events" || !path.contains('.') {
                    fail(
                        "path",
                        format!(
                            "{path:?} cannot be changed during a run: name a value like \
                             \"labour.undesirable_policy\" (population, seed and ticks are fixed; \
                             an `influx` event adds people)"
                        ),
                    );
                    continue;
                }
                if let Err(message) = settable(&path) {
                    fail("path", message);
                    continue;
                }
                let Some(param_value) = to_param(&value) else {
                    fail("value", format!("{value} is not a parameter value"));
                    continue;
                };
                let before = current.params.value_at(&path);
                match current.with_values_bare(&[path.as_str()], std::slice::from_ref(&value)) {
                    Ok(next) => current = next,
                    Err(ps) => {
                        for p in ps {
                            fail("value", format!("`{}`: {}", p.key, p.message));
                        }
                        continue;
                    }
                }
                let after = current.params.value_at(&path);
                if before == after
                    && !crate::model::kernel::decisions::overrides_decisions(&path, &current.params)
                {
                    warnings.push(Problem {
                        line: None,
                        key: format!("events[{i}].value"),
                        message: format!(
                            "changes nothing: `{path}` is already {value} on day {}",
                            e.day
                        ),
                    });
                }
                EventKind::Set {
                    path,
                    value: after.unwrap_or(param_value),
                }
            }
        };
        if let Err(message) = within_run(e.day, s.meta.ticks) {
            fail("day", message);
        }
        out.push((i, ScheduledEvent { tick: e.day, kind }));
    }
    if problems.is_empty() {
        out.sort_by_key(|(i, _)| *i);
        Ok(out.into_iter().map(|(_, e)| e).collect())
    } else {
        Err(problems)
    }
}

/// A `volunteer` event's values checked (the community is checked with every event's): the
/// sector by name (agriculture, kitchen or a good's syndicate), hours a day more than 0 and at
/// most `labour::outside::MAX_HOURS`, days 1 to `MAX_DAYS`. What is wrong, by key, otherwise.
/// The live classroom checks a student's offer with it too.
pub fn volunteer(
    community: u32,
    sector: &str,
    hours: f64,
    days: u32,
) -> Result<EventKind, Vec<(&'static str, String)>> {
    use crate::model::labour::outside::{MAX_DAYS, MAX_HOURS};
    let mut wrong = Vec::new();
    let found = Sector::all().find(|s| s.name() == sector);
    if found.is_none() {
        let names: Vec<&str> = Sector::all().map(|s| s.name()).collect();
        wrong.push((
            "sector",
            format!("unknown sector {sector:?}; one of: {}", names.join(", ")),
        ));
    }
    if !(hours > 0.0 && hours <= MAX_HOURS) {
        wrong.push((
            "hours",
            format!("{hours} is not more than 0 and at most {MAX_HOURS} (hours a day)"),
        ));
    }
    if !(1..=MAX_DAYS).contains(&days) {
        wrong.push(("days", format!("{days} is not between 1 and {MAX_DAYS}")));
    }
    match found {
        Some(sector) if wrong.is_empty() => Ok(EventKind::Volunteer {
            community,
            sector,
            hours,
            days,
        }),
        _ => Err(wrong),
    }
}

/// Whether an event on `day` happens in a run of `ticks` days.
fn within_run(day: u32, ticks: u32) -> Result<(), String> {
    if day < ticks {
        return Ok(());
    }
    Err(format!(
        "day {day} is after the run's last day ({}: ticks = {ticks}), so the event would never \
         happen",
        ticks.saturating_sub(1)
    ))
}

/// Whether a `set` may name `path`: a declared parameter that may change during a run.
fn settable(path: &str) -> Result<(), String> {
    match crate::model::kernel::decl::find(path).map(|d| d.live) {
        None => Err(format!(
            "{path:?} is not a parameter{}",
            super::suggestion(path)
        )),
        Some(Live::No(why)) => Err(format!(
            "`{path}` cannot change during a run ({why}); set it in the file instead"
        )),
        Some(Live::Yes) => Ok(()),
    }
}

/// The checks of each event that need no valid scenario around it: its day within the run, and
/// a `set` of a parameter that exists and may change during a run.
pub(super) fn checks_of_their_own(s: &Scenario) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut fail = |i: usize, key: &str, message: String| {
        problems.push(Problem {
            line: None,
            key: format!("events[{i}].{key}"),
            message,
        })
    };
    for (i, e) in s.events.iter().enumerate() {
        if let Err(message) = within_run(e.day, s.meta.ticks) {
            fail(i, "day", message);
        }
        if e.kind == "set"
            && let Some(path) = &e.path
            && let Err(message) = settable(path)
        {
            fail(i, "path", message);
        }
    }
    problems
}

/// A TOML value as a parameter value (tables have no parameter value).
pub(crate) fn to_param(value: &toml::Value) -> Option<ParamValue> {
    Some(match value {
        toml::Value::Boolean(b) => ParamValue::Bool(*b),
        toml::Value::Integer(i) => ParamValue::Integer(*i),
        toml::Value::Float(x) => ParamValue::Float(*x),
        toml::Value::String(w) => ParamValue::Text(w.clone()),
        toml::Value::Array(items) => {
            ParamValue::List(items.iter().map(to_param).collect::<Option<_>>()?)
        }
        toml::Value::Datetime(_) | toml::Value::Table(_) => return None,
    })
}

//! Scenario files: reading TOML, reporting every problem at once, and producing a [`Scenario`].
//!
//! Loading goes in three steps. The text is parsed (a syntax error stops here, with its line).
//! Each section is then deserialized on its own, so a wrong type in one section does not hide the
//! problems of another, and keys the model does not know are collected rather than rejected one at
//! a time. Finally every value is checked against its allowed range ([`validate`]). Each problem
//! names the file, the line and the key.

pub mod communities;
pub mod decompose;
pub mod events;
pub mod life_tables;
mod locate;
pub mod reference;
pub mod sensitivity;
pub mod sweep;
mod validate;

use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::model::Params;
use crate::model::events::ScheduledEvent;
use crate::model::kernel::goods::{ClothingParams, GoodsParams, InputsParams};
use crate::model::kernel::params::assembly::AssemblyParams;
use crate::model::kernel::params::demography::DemographyParams;
use crate::model::kernel::params::dwellings::DwellingParams;
use crate::model::kernel::params::economy::EconomyParams;
use crate::model::kernel::params::energy::EnergyParams;
use crate::model::kernel::params::global::GlobalParams;
use crate::model::kernel::params::guilds::GuildParams;
use crate::model::kernel::params::learning::LearningParams;
use crate::model::kernel::params::market::MarketParams;
use crate::model::kernel::params::rail::RailParams;
use crate::model::kernel::params::transport::TransportParams;
use crate::model::kernel::params::{
    FoodParams, FootprintParams, HealthParams, LabourParams, PopulationParams,
};
pub use decompose::DecomposeSpec;
pub use events::EventSpec;
use locate::Locator;
pub use sweep::SweepSpec;

/// The scenario's own settings: what it is called and how it runs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Meta {
    /// Name of the scenario; results go to `output/<name>/` (letters, digits, `-`, `_`, `.`).
    pub name: String,
    /// What the scenario asks, in a sentence or two.
    pub description: String,
    /// Root seed of every random stream, a whole number from 0 to 18446744073709551615 (default
    /// one). TOML integers stop at 9223372036854775807, so larger seeds (which sweeps and
    /// comparisons derive) are written as strings, `seed = "13679457532755275413"`; both forms
    /// are read.
    #[serde(with = "seed_format")]
    pub seed: u64,
    /// Days to simulate (ticks). Default 365.
    pub ticks: u32,
}

/// A seed as a TOML integer where it fits, and as a string of digits where it does not.
mod seed_format {
    use serde::{Deserialize, Deserializer, Serializer, de};

    pub fn serialize<S: Serializer>(seed: &u64, s: S) -> Result<S::Ok, S::Error> {
        match i64::try_from(*seed) {
            Ok(i) => s.serialize_i64(i),
            Err(_) => s.serialize_str(&seed.to_string()),
        }
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Written {
        Integer(i64),
        Text(String),
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        match Written::deserialize(d)? {
            Written::Integer(i) => u64::try_from(i).map_err(|_| {
                de::Error::custom(format!("seed {i} is negative; a seed is 0 or more"))
            }),
            Written::Text(text) => text.trim().parse().map_err(|_| {
                de::Error::custom(format!(
                    "seed {text:?} is not a whole number from 0 to {}",
                    u64::MAX
                ))
            }),
        }
    }
}

impl Default for Meta {
    fn default() -> Self {
        Self {
            name: String::new(),
            description: String::new(),
            seed: 1,
            ticks: 365,
        }
    }
}

/// A validated scenario, ready to run.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub meta: Meta,
    pub params: Params,
    /// The `[sweep]` section, if the file has one: what `commune sweep` varies. `commune run`
    /// ignores it, and the scenario as run (`to_toml`) leaves it out.
    pub sweep: Option<SweepSpec>,
    /// The `[decompose]` section, if the file has one: the chain of changes `commune decompose`
    /// runs. `commune run` ignores it, and the scenario as run leaves it out.
    pub decompose: Option<DecomposeSpec>,
    /// The `[[events]]` entries, as written.
    pub events: Vec<EventSpec>,
    /// The events as the model takes them, checked, in file order (built from `events`).
    pub schedule: Vec<ScheduledEvent>,
    /// What is allowed but probably not meant (a `set` that changes nothing): `validate` prints
    /// these, and `validate --strict` counts them as problems.
    pub warnings: Vec<Problem>,
}

/// The file layout: top-level keys of `Meta`, then one table per section.
#[derive(Serialize)]
struct FileLayout<'a> {
    #[serde(flatten)]
    meta: &'a Meta,
    population: &'a PopulationParams,
    health: &'a HealthParams,
    labour: &'a LabourParams,
    food: &'a FoodParams,
    goods: &'a GoodsParams,
    inputs: &'a InputsParams,
    clothing: &'a ClothingParams,
    energy: &'a EnergyParams,
    rail: &'a RailParams,
    footprint: &'a FootprintParams,
    assembly: &'a AssemblyParams,
    guilds: &'a GuildParams,
    transport: &'a TransportParams,
    market: &'a MarketParams,
    dwellings: &'a DwellingParams,
    global: &'a GlobalParams,
    learning: &'a LearningParams,
    economy: &'a EconomyParams,
    demography: &'a DemographyParams,
    // Last: an array of tables follows every table.
    #[serde(skip_serializing_if = "<[EventSpec]>::is_empty")]
    events: &'a [EventSpec],
}

/// The sections a scenario file may have, in file order.
pub const SECTIONS: &[&str] = &[
    "population",
    "health",
    "labour",
    "food",
    "goods",
    "inputs",
    "clothing",
    "energy",
    "rail",
    "footprint",
    "assembly",
    "guilds",
    "transport",
    "market",
    "dwellings",
    "global",
    "learning",
    "economy",
    "demography",
    "sweep",
    "sensitivity",
    "decompose",
    "events",
];

impl Scenario {
    /// The scenario as TOML with every default filled in: what `scenario.toml` in a run holds.
    pub fn to_toml(&self) -> String {
        let layout = FileLayout {
            meta: &self.meta,
            population: &self.params.population,
            health: &self.params.health,
            labour: &self.params.labour,
            food: &self.params.food,
            goods: &self.params.goods,
            inputs: &self.params.inputs,
            clothing: &self.params.clothing,
            energy: &self.params.energy,
            rail: &self.params.rail,
            footprint: &self.params.footprint,
            assembly: &self.params.assembly,
            guilds: &self.params.guilds,
            transport: &self.params.transport,
            market: &self.params.market,
            dwellings: &self.params.dwellings,
            global: &self.params.global,
            learning: &self.params.learning,
            economy: &self.params.economy,
            demography: &self.params.demography,
            events: &self.events,
        };
        let body = toml::to_string_pretty(&layout).expect("a scenario always serializes");
        format!(
            "# The scenario as run by commune {}, with every default filled in.\n\n{body}",
            env!("CARGO_PKG_VERSION")
        )
    }

    /// This scenario with the values at dotted `paths` (like `food.garden_share`) replaced, checked
    /// like a file: a sweep point or a policy variant. The result has no `[sweep]` section; it
    /// keeps the events, whose policy changes now apply on top of the new values.
    pub fn with_values(
        &self,
        paths: &[&str],
        values: &[toml::Value],
    ) -> Result<Scenario, Vec<Problem>> {
        self.with_values_from(self.values_table(), paths, values)
    }

    /// This scenario as the TOML table, without its events, that [`Scenario::with_values`] sets
    /// values in. A caller that sets values many times (a sweep, once a run) makes it once and
    /// passes it to [`Scenario::with_values_in`], instead of writing and parsing the scenario
    /// every time.
    pub fn values_table(&self) -> toml::Table {
        let mut table: toml::Table = toml::from_str(&self.to_toml()).expect("a scenario parses");
        table.remove("events");
        table
    }

    /// [`Scenario::with_values`], setting the values in `table`, which is this scenario's
    /// [`Scenario::values_table`].
    pub fn with_values_in(
        &self,
        table: &toml::Table,
        paths: &[&str],
        values: &[toml::Value],
    ) -> Result<Scenario, Vec<Problem>> {
        self.with_values_from(table.clone(), paths, values)
    }

    /// [`Scenario::with_values`], setting the values in `table`, this scenario's
    /// [`Scenario::values_table`] (taken, as the values are set in it).
    fn with_values_from(
        &self,
        table: toml::Table,
        paths: &[&str],
        values: &[toml::Value],
    ) -> Result<Scenario, Vec<Problem>> {
        let mut s = self.with_values_bare_in(table, paths, values)?;
        s.events = self.events.clone();
        let mut warnings = Vec::new();
        s.schedule = events::build(&s, &mut warnings)?;
        s.warnings = warnings;
        Ok(s)
    }

    /// This scenario run for `ticks` days instead (`--ticks`): events on days it no longer
    /// reaches are left out, as they would never happen, so that its `scenario.toml` stays valid
    /// and replays the run.
    pub fn with_ticks(&self, ticks: u32) -> Scenario {
        let mut s = self.clone();
        s.meta.ticks = ticks;
        let keep: Vec<bool> = s.events.iter().map(|e| e.day < ticks).collect();
        let mut kept = keep.iter();
        s.events.retain(|_| *kept.next().unwrap_or(&true));
        // The schedule is in file order, one entry per event.
        let mut kept = keep.iter();
        s.schedule.retain(|_| *kept.next().unwrap_or(&true));
        s
    }

    /// Like [`Scenario::with_values`], without the events.
    pub(crate) fn with_values_bare(
        &self,
        paths: &[&str],
        values: &[toml::Value],
    ) -> Result<Scenario, Vec<Problem>> {
        self.with_values_bare_in(self.values_table(), paths, values)
    }

    /// [`Scenario::with_values_bare`], setting the values in `table` (this scenario's
    /// [`Scenario::values_table`]).
    fn with_values_bare_in(
        &self,
        mut table: toml::Table,
        paths: &[&str],
        values: &[toml::Value],
    ) -> Result<Scenario, Vec<Problem>> {
        for (path, value) in paths.iter().zip(values) {
            let mut node = &mut table;
            let mut parts: Vec<&str> = path.split('.').collect();
            let leaf = parts.pop().unwrap_or_default();
            for part in parts {
                node = node
                    .entry(part)
                    .or_insert_with(|| toml::Value::Table(toml::Table::new()))
                    .as_table_mut()
                    .ok_or_else(|| {
                        vec![Problem {
                            line: None,
                            key: (*path).to_owned(),
                            message: "is not a parameter path".to_owned(),
                        }]
                    })?;
            }
            node.insert(leaf.to_owned(), value.clone());
        }
        let text = toml::to_string(&table).expect("a table serializes");
        parse(&text, &self.meta.name)
    }
}

/// The default parameters, as a scenario file with no sections would give.
pub fn default_params() -> Params {
    Params::default()
}

/// One thing wrong with a scenario file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line in the file, when it can be told.
    pub line: Option<usize>,
    /// Dotted path of the key, like `food.yield_kg_per_ha` (empty for the file as a whole).
    pub key: String,
    pub message: String,
}

/// Everything wrong with a scenario file.
#[derive(Debug, thiserror::Error)]
pub struct ScenarioError {
    pub file: PathBuf,
    pub problems: Vec<Problem>,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(
            f,
            "{} has {} problem{}:",
            self.file.display(),
            n,
            if n == 1 { "" } else { "s" }
        )?;
        for p in &self.problems {
            write!(f, "\n  {}", self.file.display())?;
            if let Some(line) = p.line {
                write!(f, ":{line}")?;
            }
            if p.key.is_empty() {
                write!(f, ": {}", p.message)?;
            } else {
                write!(f, ": `{}`: {}", p.key, p.message)?;
            }
        }
        Ok(())
    }
}

/// Reads and validates a scenario file.
pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
    let fail = |message: String| ScenarioError {
        file: path.to_owned(),
        problems: vec![Problem {
            line: None,
            key: String::new(),
            message,
        }],
    };
    let text = std::fs::read_to_string(path).map_err(|e| fail(format!("cannot be read: {e}")))?;
    let default_name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    parse_in(&text, &default_name, path.parent()).map_err(|problems| ScenarioError {
        file: path.to_owned(),
        problems,
    })
}

/// Parses and validates scenario text. `default_name` names the scenario if the file does not.
/// A file the scenario names (`population.file`) is read from the working directory.
pub fn parse(text: &str, default_name: &str) -> Result<Scenario, Vec<Problem>> {
    parse_in(text, default_name, None)
}

/// [`parse`], reading a file the scenario names relative to `dir` (its own folder).
pub fn parse_in(
    text: &str,
    default_name: &str,
    dir: Option<&Path>,
) -> Result<Scenario, Vec<Problem>> {
    let table: toml::Table = match toml::from_str(text) {
        Ok(t) => t,
        Err(e) => {
            let line = e.span().map(|s| locate::line_of(text, s.start));
            return Err(vec![Problem {
                line,
                key: String::new(),
                message: format!("not valid TOML: {}", e.message()),
            }]);
        }
    };
    let locator = Locator::new(text);
    let mut problems = Vec::new();
    let mut top = toml::Table::new();
    let mut sections = toml::Table::new();
    for (key, value) in table {
        if SECTIONS.contains(&key.as_str()) {
            sections.insert(key, value);
        } else {
            top.insert(key, value);
        }
    }
    let mut meta: Meta = section(toml::Value::Table(top), "", &locator, &mut problems);
    if meta.name.is_empty() {
        meta.name = default_name.to_owned();
    }
    let mut take = |name: &str| sections.remove(name);
    let params = Params {
        population: maybe_section(take("population"), "population", &locator, &mut problems),
        health: maybe_section(take("health"), "health", &locator, &mut problems),
        labour: maybe_section(take("labour"), "labour", &locator, &mut problems),
        food: maybe_section(take("food"), "food", &locator, &mut problems),
        goods: maybe_section(take("goods"), "goods", &locator, &mut problems),
        inputs: maybe_section(take("inputs"), "inputs", &locator, &mut problems),
        clothing: maybe_section(take("clothing"), "clothing", &locator, &mut problems),
        energy: maybe_section(take("energy"), "energy", &locator, &mut problems),
        rail: maybe_section(take("rail"), "rail", &locator, &mut problems),
        footprint: maybe_section(take("footprint"), "footprint", &locator, &mut problems),
        assembly: maybe_section(take("assembly"), "assembly", &locator, &mut problems),
        guilds: maybe_section(take("guilds"), "guilds", &locator, &mut problems),
        transport: maybe_section(take("transport"), "transport", &locator, &mut problems),
        market: maybe_section(take("market"), "market", &locator, &mut problems),
        dwellings: maybe_section(take("dwellings"), "dwellings", &locator, &mut problems),
        global: maybe_section(take("global"), "global", &locator, &mut problems),
        learning: maybe_section(take("learning"), "learning", &locator, &mut problems),
        economy: maybe_section(take("economy"), "economy", &locator, &mut problems),
        demography: maybe_section(take("demography"), "demography", &locator, &mut problems),
    };
    let events = take("events")
        .map(|v| events::parse(v, &locator, &mut problems))
        .unwrap_or_default();
    let mut scenario = Scenario {
        meta,
        params,
        sweep: None,
        decompose: None,
        events,
        schedule: Vec::new(),
        warnings: Vec::new(),
    };
    if !scenario.params.population.file.is_empty() {
        for message in communities::fill(&mut scenario.params.population, dir) {
            problems.push(Problem {
                line: locator.line("population.file"),
                key: "population.file".to_owned(),
                message,
            });
        }
    }
    for (key, message) in validate::check(&scenario) {
        problems.push(Problem {
            line: locator.line(&key),
            key,
            message,
        });
    }
    if problems.is_empty() && scenario.params.economy.from_table() {
        match crate::accounts::economy::table_economy(&scenario.params.economy) {
            Ok(table) => scenario.params.economy.derived = Some(std::sync::Arc::new(table)),
            Err(found) => problems.extend(found.into_iter().map(|(key, message)| Problem {
                line: locator.line(&key),
                key,
                message,
            })),
        }
    }
    if problems.is_empty() && scenario.params.demography.enabled {
        match life_tables::derive(&scenario.params.demography) {
            Ok(table) => {
                scenario.params.demography.derived = Some(std::sync::Arc::new(table));
            }
            Err(found) => problems.extend(found.into_iter().map(|(key, message)| Problem {
                line: locator.line(&key),
                key,
                message,
            })),
        }
    }
    if let Some(value) = take("sweep") {
        // The points are checked only against a valid base scenario, or every point would
        // repeat the base's problems.
        let base_ok = problems.is_empty();
        scenario.sweep = sweep::parse(&value, &scenario, base_ok, &locator, &mut problems);
    }
    if let Some(value) = take("sensitivity") {
        // Read again by `sensitivity::load` for `commune sensitivity`; checked here for all.
        let base_ok = problems.is_empty();
        sensitivity::parse(&value, &scenario, base_ok, &locator, &mut problems);
    }
    if let Some(value) = take("decompose") {
        // Its steps' values are checked only against a valid base scenario.
        let base_ok = problems.is_empty();
        scenario.decompose = decompose::parse(&value, &scenario, base_ok, &locator, &mut problems);
    }
    if !problems.is_empty() {
        // The events cannot be checked against values that are wrong, but what they ask for
        // alone can be: say so now rather than after the other problems are fixed.
        problems.extend(
            events::checks_of_their_own(&scenario)
                .into_iter()
                .map(|p| Problem {
                    line: locator.line(&p.key),
                    ..p
                }),
        );
    } else if !scenario.events.is_empty() {
        let mut warnings = Vec::new();
        match events::build(&scenario, &mut warnings) {
            Ok(schedule) => {
                scenario.schedule = schedule;
                scenario.warnings = warnings
                    .into_iter()
                    .map(|p| Problem {
                        line: p.line.or_else(|| locator.line(&p.key)),
                        ..p
                    })
                    .collect();
            }
            Err(ps) => problems.extend(ps.into_iter().map(|p| Problem {
                line: p.line.or_else(|| locator.line(&p.key)),
                ..p
            })),
        }
    }
    if problems.is_empty() {
        Ok(scenario)
    } else {
        problems.sort_by_key(|p| p.line.unwrap_or(usize::MAX));
        Err(problems)
    }
}

fn maybe_section<T: DeserializeOwned + Default>(
    value: Option<toml::Value>,
    name: &str,
    locator: &Locator,
    problems: &mut Vec<Problem>,
) -> T {
    match value {
        None => T::default(),
        Some(v @ toml::Value::Table(_)) => section(v, name, locator, problems),
        Some(_) => {
            problems.push(Problem {
                line: locator.line(name),
                key: name.to_owned(),
                message: "must be a table, like `[{name}]` followed by its keys"
                    .replace("{name}", name),
            });
            T::default()
        }
    }
}

/// Deserializes one section, recording unknown keys and every type error in it. A key of the
/// wrong type is reported and set aside (its default stands in) and the section read again, so
/// that one wrong type hides neither the section's other type errors nor the range checks of its
/// other values.
fn section<T: DeserializeOwned + Default>(
    mut value: toml::Value,
    prefix: &str,
    locator: &Locator,
    problems: &mut Vec<Problem>,
) -> T {
    let join = |path: &str| {
        if prefix.is_empty() {
            path.to_owned()
        } else if path.is_empty() || path == "." {
            prefix.to_owned()
        } else {
            format!("{prefix}.{path}")
        }
    };
    // Each pass sets one key aside; a section has far fewer keys than this.
    for _ in 0..256 {
        let mut unknown = Vec::new();
        let mut record = |path: serde_ignored::Path<'_>| unknown.push(path.to_string());
        let de = serde_ignored::Deserializer::new(value.clone(), &mut record);
        let result: Result<T, _> = serde_path_to_error::deserialize(de);
        let report_unknown = |problems: &mut Vec<Problem>| {
            for path in &unknown {
                let key = join(path);
                problems.push(Problem {
                    line: locator.line(&key),
                    message: format!("unknown key{}", suggestion(&key)),
                    key,
                });
            }
        };
        match result {
            Ok(v) => {
                report_unknown(problems);
                return v;
            }
            Err(e) => {
                let key = join(&e.path().to_string());
                let removed = remove_at(&mut value, e.path());
                let message = plain_types(e.into_inner().message());
                problems.push(Problem {
                    line: locator.line(&key),
                    key,
                    message: format!("wrong type: {message}"),
                });
                if !removed {
                    report_unknown(problems);
                    return T::default();
                }
            }
        }
    }
    T::default()
}

/// Removes the key that `path` leads to (the innermost table key on it) from `value`; false if
/// there is none.
fn remove_at(value: &mut toml::Value, path: &serde_path_to_error::Path) -> bool {
    use serde_path_to_error::Segment;
    let segments: Vec<&Segment> = path.iter().collect();
    let Some(last_key) = segments
        .iter()
        .rposition(|s| matches!(s, Segment::Map { .. }))
    else {
        return false;
    };
    let mut node = value;
    for segment in &segments[..last_key] {
        let next = match segment {
            Segment::Map { key } => node.get_mut(key.as_str()),
            Segment::Seq { index } => node.get_mut(*index),
            _ => None,
        };
        match next {
            Some(n) => node = n,
            None => return false,
        }
    }
    match (segments[last_key], node.as_table_mut()) {
        (Segment::Map { key }, Some(table)) => table.remove(key.as_str()).is_some(),
        _ => false,
    }
}

/// Serde's type names in words a scenario writer knows.
fn plain_types(message: &str) -> String {
    message
        .replace("expected f64", "expected a number")
        .replace("expected u32", "expected a whole number, 0 or more")
        .replace("expected u64", "expected a whole number, 0 or more")
        .replace("expected a boolean", "expected true or false")
        .replace("expected a string", "expected text in quotes")
}

/// The candidate closest to `word` by edit distance, if it is close enough to be a typo: at most
/// two edits, or a quarter of the candidate's length for long names. The one rule for every
/// "did you mean" in scenario errors.
pub(crate) fn closest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|k| (edit_distance(word, k), k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 4))
        .min()
        .map(|(_, k)| k)
}

/// "; did you mean `x`?" when a known key is close to an unknown one, or the section a key
/// belongs in when it is written in another.
pub(crate) fn suggestion(key: &str) -> String {
    let (section, leaf) = key.rsplit_once('.').unwrap_or(("", key));
    let known = known_keys(section);
    if let Some(k) = closest(leaf, known.iter().map(String::as_str)) {
        return format!("; did you mean `{k}`?");
    }
    // The same key (or a near one) in another section.
    let elsewhere: Vec<String> = Params::default()
        .leaves()
        .into_iter()
        .map(|(path, _)| path)
        .filter(|path| {
            let (s, l) = path.rsplit_once('.').unwrap_or(("", path));
            s != section && closest(leaf, [l]).is_some()
        })
        .collect();
    if let Some(path) = elsewhere
        .iter()
        .find(|p| p.ends_with(&format!(".{leaf}")))
        .or(elsewhere.first())
    {
        let (s, l) = path.rsplit_once('.').unwrap_or(("", path));
        return format!("; `{l}` belongs in the `[{s}]` section (`{path}`)");
    }
    if known.is_empty() {
        String::new()
    } else {
        format!("; known keys here: {}", known.join(", "))
    }
}

/// The keys a section (or the top level, for `""`) accepts, read off the defaults.
fn known_keys(section: &str) -> Vec<String> {
    let scenario = Scenario {
        meta: Meta::default(),
        params: Params::default(),
        sweep: None,
        decompose: None,
        events: Vec::new(),
        schedule: Vec::new(),
        warnings: Vec::new(),
    };
    let value: toml::Table = toml::from_str(&scenario.to_toml()).expect("defaults parse");
    let mut table = &value;
    for part in section.split('.').filter(|p| !p.is_empty()) {
        match table.get(part) {
            Some(toml::Value::Table(t)) => table = t,
            _ => return Vec::new(),
        }
    }
    table.keys().cloned().collect()
}

pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<Problem> {
        parse(text, "t").expect_err("should fail")
    }

    #[test]
    fn empty_file_gives_defaults() {
        let s = parse("", "t").unwrap();
        assert_eq!(s.meta.name, "t");
        assert_eq!(s.params, Params::default());
    }

    #[test]
    fn as_run_toml_round_trips() {
        let s = parse("name = \"x\"\nseed = 9\n[food]\ngarden_share = 0.5\n", "t").unwrap();
        let again = parse(&s.to_toml(), "other").unwrap();
        assert_eq!(s, again);
    }

    #[test]
    fn every_problem_is_reported_with_line_and_key() {
        let text = "seed = 3\n[population]\npersons_per_comunity = 10\nchild_share = 1.5\n\
                    [food]\nyield_kg_per_ha = \"lots\"\n[health]\nmean_illness_days = -2\n";
        let ps = problems(text);
        let find = |key: &str| {
            ps.iter()
                .find(|p| p.key == key)
                .unwrap_or_else(|| panic!("{key} in {ps:?}"))
        };
        let typo = find("population.persons_per_comunity");
        assert_eq!(typo.line, Some(3));
        assert!(
            typo.message
                .contains("did you mean `persons_per_community`")
        );
        assert_eq!(find("population.child_share").line, Some(4));
        let wrong = find("food.yield_kg_per_ha");
        assert_eq!(wrong.line, Some(6));
        assert!(wrong.message.contains("wrong type"), "{}", wrong.message);
        assert_eq!(find("health.mean_illness_days").line, Some(8));
    }

    #[test]
    fn syntax_errors_name_the_line() {
        let ps = problems("seed = 1\n[food\n");
        assert_eq!(ps.len(), 1);
        assert_eq!(ps[0].line, Some(2));
    }

    #[test]
    fn a_section_that_is_not_a_table_is_reported() {
        let ps = problems("food = 3\n");
        assert_eq!(ps[0].key, "food");
        assert_eq!(ps[0].line, Some(1));
    }

    #[test]
    fn a_partial_table_keeps_the_other_defaults() {
        let goods: GoodsParams = toml::from_str("[care]\nneed_child = 5.0\n").unwrap();
        assert_eq!(goods.care.need_child, 5.0);
        let default = crate::model::kernel::goods::GoodParams::default_for(
            crate::model::kernel::goods::Good::Care,
        );
        assert_eq!(
            goods.care.labour_hours_per_unit,
            default.labour_hours_per_unit
        );
        assert_eq!(
            goods.clothing,
            crate::model::kernel::goods::GoodParams::default_for(
                crate::model::kernel::goods::Good::Clothing
            )
        );
        let inputs: InputsParams = toml::from_str("[clothing]\ntextiles = 0.5\n").unwrap();
        assert_eq!(inputs.clothing.textiles, 0.5);
        assert_eq!(
            inputs.clothing.energy,
            InputsParams::default().clothing.energy
        );
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("seed", "seed"), 0);
        assert_eq!(edit_distance("sed", "seed"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}

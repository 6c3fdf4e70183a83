//! The policy levers the page offers, and the chart and map series it draws.
//!
//! A lever is a scenario key (a dotted path, as in sweeps) that the model reads every day, so a
//! change takes effect at the next tick. Values arrive as JSON and are turned into TOML values of
//! the key's type, then checked by the scenario layer exactly as a file would be.

use serde::Serialize;

use crate::model::kernel::params::UndesirablePolicy;
use crate::model::kernel::params::energy::{N_SOURCES, Source};
use crate::model::metrics::community::COMMUNITY_COLUMNS;
use crate::model::{COLUMNS, Params};
use crate::scenario::Scenario;

/// How a lever is shown and what JSON it accepts.
#[derive(Clone, Copy, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Control {
    /// On or off: JSON `true` or `false`.
    Toggle,
    /// A number: the slider's range and step (the scenario checks decide what is allowed).
    Slider { min: f64, max: f64, step: f64 },
    /// One of a few words: JSON strings.
    Choice { options: &'static [&'static str] },
}

/// A scenario key the teacher can change while the simulation runs. Its unit, and its help
/// unless the lever words it for the page, come from the parameter's declaration
/// (`kernel::decl`): see [`Lever::json`].
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Lever {
    pub path: &'static str,
    pub label: &'static str,
    /// What the lever does, for the page; empty for the declaration's own meaning.
    pub help: &'static str,
    #[serde(flatten)]
    pub control: Control,
}

impl Lever {
    /// The parameter's declaration.
    pub fn decl(&self) -> Option<&'static crate::model::kernel::decl::Decl> {
        crate::model::kernel::decl::find(self.path)
    }

    /// The lever as the page reads it: path, label, unit and help (from the declaration, unless
    /// the lever has its own help) and its control.
    pub fn json(&self) -> serde_json::Value {
        let decl = self.decl();
        let help = if self.help.is_empty() {
            decl.map_or(String::new(), |d| d.doc.replace('`', ""))
        } else {
            self.help.to_owned()
        };
        let mut v = serde_json::to_value(self).unwrap_or_default();
        if let Some(o) = v.as_object_mut() {
            o.insert("unit".to_owned(), decl.map_or("", |d| d.unit).into());
            o.insert("help".to_owned(), help.into());
        }
        v
    }
}

const fn slider(min: f64, max: f64, step: f64) -> Control {
    Control::Slider { min, max, step }
}

/// Every lever, in the order the page lists them.
pub const LEVERS: &[Lever] = &[
    Lever {
        path: "labour.undesirable_policy",
        label: "Undesirable work",
        help: "How work few would choose is staffed: volunteers, an incentive (an hour counts as more), a rota of all able adults, or an exchange with the region.",
        control: Control::Choice {
            options: &["volunteer", "incentive", "rota", "exchange", "swap"],
        },
    },
    Lever {
        path: "labour.incentive_factor",
        label: "Incentive: an hour counts as",
        help: "",
        control: slider(1.0, 3.0, 0.1),
    },
    Lever {
        path: "assembly.community.rule",
        label: "Community assemblies decide by",
        help: "Simple majority, a supermajority, or consensus (with the scenario's fallback).",
        control: Control::Choice {
            options: &["majority", "supermajority", "consensus"],
        },
    },
    Lever {
        path: "assembly.enabled",
        label: "Assemblies meet",
        help: "",
        control: Control::Toggle,
    },
    Lever {
        path: "energy.allow_fossil",
        label: "Fossil plants allowed",
        help: "",
        control: Control::Toggle,
    },
    Lever {
        path: "energy.allow_nuclear",
        label: "Nuclear plants allowed",
        help: "",
        control: Control::Toggle,
    },
    Lever {
        path: "energy.regional_grid",
        label: "Regional energy grid",
        help: "",
        control: Control::Toggle,
    },
    Lever {
        path: "rail.freight",
        label: "Food by rail",
        help: "Regional agreements move food from communities with a surplus to those short.",
        control: Control::Toggle,
    },
    Lever {
        path: "clothing.exchange_store",
        label: "Exchange store",
        help: "",
        control: Control::Toggle,
    },
    Lever {
        path: "food.rationing",
        label: "Ration a short stock",
        help: "",
        control: Control::Toggle,
    },
    Lever {
        path: "food.kitchen_share",
        label: "Eaten at the community kitchen",
        help: "",
        control: slider(0.0, 1.0, 0.05),
    },
    Lever {
        path: "food.household_waste_share",
        label: "Household waste",
        help: "",
        control: slider(0.0, 0.5, 0.01),
    },
    Lever {
        path: "health.daily_illness_probability",
        label: "Daily chance of falling ill",
        help: "",
        control: slider(0.0, 0.05, 0.0005),
    },
];

/// The lever at `path`, if the page offers one.
pub fn lever(path: &str) -> Option<&'static Lever> {
    LEVERS.iter().find(|l| l.path == path)
}

/// A JSON value as the TOML value of a lever, or why it cannot be one.
pub fn to_toml(lever: &Lever, value: &serde_json::Value) -> Result<toml::Value, String> {
    match (lever.control, value) {
        (Control::Toggle, serde_json::Value::Bool(b)) => Ok(toml::Value::Boolean(*b)),
        (Control::Toggle, _) => Err(format!("`{}` takes true or false", lever.path)),
        (Control::Slider { .. }, serde_json::Value::Number(n)) => match n.as_f64() {
            Some(x) if x.is_finite() => Ok(toml::Value::Float(x)),
            _ => Err(format!("`{}` takes a finite number", lever.path)),
        },
        (Control::Slider { .. }, _) => Err(format!("`{}` takes a number", lever.path)),
        (Control::Choice { .. }, serde_json::Value::String(w)) => {
            Ok(toml::Value::String(w.clone()))
        }
        (Control::Choice { options }, _) => Err(format!(
            "`{}` takes one of {}",
            lever.path,
            options
                .iter()
                .map(|o| format!("\"{o}\""))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// A TOML value as JSON (for the page).
pub fn to_json(value: &toml::Value) -> serde_json::Value {
    match value {
        toml::Value::Boolean(b) => serde_json::Value::Bool(*b),
        toml::Value::Integer(i) => serde_json::Value::from(*i),
        toml::Value::Float(f) => serde_json::Value::from(*f),
        toml::Value::String(w) => serde_json::Value::String(w.clone()),
        other => serde_json::Value::String(other.to_string()),
    }
}

/// The value at dotted `path` in a scenario (with its defaults filled in).
pub fn value_at(scenario: &Scenario, path: &str) -> Option<toml::Value> {
    let table: toml::Table = toml::from_str(&scenario.to_toml()).ok()?;
    let mut parts = path.split('.');
    let mut value = table.get(parts.next()?)?;
    for part in parts {
        value = value.as_table()?.get(part)?;
    }
    Some(value.clone())
}

/// Every lever's value under `params` (the parameters of `scenario` in force now), by path, for
/// the page.
pub fn values(scenario: &Scenario, params: &Params) -> serde_json::Map<String, serde_json::Value> {
    let s = Scenario {
        params: params.clone(),
        events: Vec::new(),
        schedule: Vec::new(),
        warnings: Vec::new(),
        ..scenario.clone()
    };
    let table: toml::Table = toml::from_str(&s.to_toml()).unwrap_or_default();
    LEVERS
        .iter()
        .filter_map(|l| {
            let mut parts = l.path.split('.');
            let mut value = table.get(parts.next()?)?;
            for part in parts {
                value = value.as_table()?.get(part)?;
            }
            Some((l.path.to_owned(), to_json(value)))
        })
        .collect()
}

/// What of the running world decides whether a lever can act, beside the parameters.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Reach {
    /// Rail links built.
    pub rail_links: usize,
    /// Capacity by source, summed over the communities: installed, under construction or out
    /// of service until a repair (kW, in `Source` order).
    pub capacity_kw: [f64; N_SOURCES],
}

/// Why each lever that cannot act now cannot, by path (levers that can act are absent): what the
/// model reads, under `params` (the policy in force) in a world with `reach`. The page greys such
/// a lever out and shows the reason beside it; the lever can still be moved through the API,
/// since a later change (a rota dropped, a plant built) may make it act.
pub fn idle(params: &Params, reach: &Reach) -> serde_json::Map<String, serde_json::Value> {
    let mut out = serde_json::Map::new();
    let mut say = |path: &str, why: String| {
        out.insert(path.to_owned(), serde_json::Value::String(why));
    };
    let l = &params.labour;
    if l.undesirable_policy != UndesirablePolicy::Incentive {
        say(
            "labour.incentive_factor",
            format!(
                "acts only under the incentive; the policy in force is {}",
                policy_name(l.undesirable_policy)
            ),
        );
    } else if l.undesirable_mask().iter().all(|m| *m <= 0.0) {
        say(
            "labour.incentive_factor",
            "no work is undesirable in this scenario".to_owned(),
        );
    }
    if !params.assembly.enabled {
        say(
            "assembly.community.rule",
            "assemblies do not meet (Assemblies meet is off)".to_owned(),
        );
    }
    let e = &params.energy;
    for (path, source, plants) in [
        ("energy.allow_nuclear", Source::Nuclear, "nuclear"),
        ("energy.allow_fossil", Source::Fossil, "fossil"),
    ] {
        if reach.capacity_kw[source as usize] <= 0.0 && e.expand_source != source.name() {
            say(
                path,
                format!("no {plants} plants are built or planned in this scenario"),
            );
        }
    }
    let p = &params.population;
    let one_per_region = p.communities < 2 || p.communities_per_region < 2;
    if one_per_region {
        say(
            "energy.regional_grid",
            if p.communities < 2 {
                "one community: there is no one to share energy with".to_owned()
            } else {
                "one community a region: there is no one to share energy with".to_owned()
            },
        );
    } else if e.regional() {
        say(
            "energy.regional_grid",
            "a regional syndicate pools the region's energy anyway".to_owned(),
        );
    }
    if p.communities < 2 {
        say(
            "rail.freight",
            "one community: there is no one to send food to".to_owned(),
        );
    } else if reach.rail_links == 0 {
        say("rail.freight", "no rail links are built".to_owned());
    }
    out
}

/// A policy's word, as the scenario files spell it.
fn policy_name(policy: UndesirablePolicy) -> String {
    toml::Value::try_from(policy)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("{policy:?}").to_lowercase())
}

/// A number an event button asks for, sent as the event's key of the same name.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    pub default: f64,
    pub min: f64,
    pub max: f64,
    pub step: f64,
    /// Sent as a whole number.
    pub integer: bool,
}

/// An event the page offers as a button: a kind of the scenario's `[[events]]`.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct EventButton {
    pub kind: &'static str,
    pub label: &'static str,
    pub help: &'static str,
    pub fields: &'static [Field],
    /// Whether it can hit everywhere, a region or one community (`region` or `community`).
    pub targeted: bool,
}

/// The event buttons, in the order the page lists them.
pub const EVENT_BUTTONS: &[EventButton] = &[
    EventButton {
        kind: "drought",
        label: "Drought",
        help: "Harvests shrink for a while.",
        fields: &[
            Field {
                name: "yield_factor",
                label: "yield x",
                default: 0.5,
                min: 0.0,
                max: 1.0,
                step: 0.05,
                integer: false,
            },
            Field {
                name: "days",
                label: "days",
                default: 180.0,
                min: 1.0,
                max: 3650.0,
                step: 1.0,
                integer: true,
            },
        ],
        targeted: true,
    },
    EventButton {
        kind: "influx",
        label: "Newcomers arrive",
        help: "People join a community, drawn like its first members.",
        fields: &[
            Field {
                name: "persons",
                label: "persons",
                default: 40.0,
                min: 1.0,
                max: 1000.0,
                step: 1.0,
                integer: true,
            },
            Field {
                name: "community",
                label: "community",
                default: 0.0,
                min: 0.0,
                max: 100_000.0,
                step: 1.0,
                integer: true,
            },
        ],
        targeted: false,
    },
    EventButton {
        kind: "illness_wave",
        label: "Illness wave",
        help: "Each well person falls ill with this chance.",
        fields: &[Field {
            name: "share",
            label: "share",
            default: 0.2,
            min: 0.0,
            max: 1.0,
            step: 0.05,
            integer: false,
        }],
        targeted: true,
    },
];

/// A series the page charts: a declared metric column (of `COLUMNS`, or of `COMMUNITY_COLUMNS`
/// for the map), drawn under the column's own label, scaled for display.
#[derive(Clone, Copy, Debug)]
pub struct Series {
    pub name: &'static str,
    /// The unit after scaling (the declared unit when `scale` is 1).
    pub unit: &'static str,
    /// Multiply by this for display (shares as percent, daily footprint per year).
    pub scale: f64,
    /// Charts draw larger values (after scaling) at this edge, so that one wild value (a share
    /// of almost nothing) does not flatten the rest.
    pub clip: Option<f64>,
}

impl Series {
    /// The declared label of the column, capitalised for the page: from `COMMUNITY_COLUMNS` for
    /// the map's series, `COLUMNS` for the world's.
    pub fn label(&self, community: bool) -> String {
        let label = if community {
            COMMUNITY_COLUMNS
                .iter()
                .find(|c| c.name == self.name)
                .map(|c| c.label())
        } else {
            COLUMNS
                .iter()
                .find(|c| c.name == self.name)
                .map(|c| c.label())
        }
        .unwrap_or_else(|| self.name.to_owned());
        let mut chars = label.chars();
        match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => label,
        }
    }

    /// The series as the page reads it: name, label, unit, scale and clip.
    pub fn json(&self, community: bool) -> serde_json::Value {
        serde_json::json!({
            "name": self.name,
            "label": self.label(community),
            "unit": self.unit,
            "scale": self.scale,
            "clip": self.clip,
        })
    }
}

/// The world's series sent with every tick: the first four are the fixed charts, the rest can be
/// chosen for the fifth.
pub const SERIES: &[Series] = &[
    Series {
        name: "work_hours_mean",
        unit: "h/day",
        scale: 1.0,
        clip: None,
    },
    Series {
        name: "need_satisfaction",
        unit: "%",
        scale: 100.0,
        clip: None,
    },
    Series {
        name: "waste_share",
        unit: "% of produced",
        scale: 100.0,
        clip: Some(100.0),
    },
    Series {
        name: "footprint_kg_co2e_per_person",
        unit: "kg CO2e/yr",
        scale: 365.0,
        clip: None,
    },
    Series {
        name: "unmet_need_share",
        unit: "%",
        scale: 100.0,
        clip: None,
    },
    Series {
        name: "food_satisfaction",
        unit: "%",
        scale: 100.0,
        clip: None,
    },
    Series {
        name: "work_hours_p90",
        unit: "h/day",
        scale: 1.0,
        clip: None,
    },
    Series {
        name: "labour_shortage_hours",
        unit: "h",
        scale: 1.0,
        clip: None,
    },
    Series {
        name: "food_stored_kg",
        unit: "kg",
        scale: 1.0,
        clip: None,
    },
    Series {
        name: "food_shipped_kg",
        unit: "kg",
        scale: 1.0,
        clip: None,
    },
    Series {
        name: "energy_renewable_share",
        unit: "%",
        scale: 100.0,
        clip: None,
    },
    Series {
        name: "energy_shortage_kwh",
        unit: "kWh",
        scale: 1.0,
        clip: None,
    },
    Series {
        name: "garments_discarded",
        unit: "garments",
        scale: 1.0,
        clip: None,
    },
    Series {
        name: "leisure_hours_mean",
        unit: "h/day",
        scale: 1.0,
        clip: None,
    },
    // The page's food waste chart divides the first by the sum of both over a trailing window.
    Series {
        name: "food_wasted_kg",
        unit: "kg",
        scale: 1.0,
        clip: None,
    },
    Series {
        name: "food_eaten_kg",
        unit: "kg",
        scale: 1.0,
        clip: None,
    },
];

/// The per-community columns the map can colour by (from `COMMUNITY_COLUMNS`), with labels.
pub const MAP_SERIES: &[Series] = &[
    Series {
        name: "need_satisfaction",
        unit: "%",
        scale: 100.0,
        clip: None,
    },
    Series {
        name: "food_satisfaction",
        unit: "%",
        scale: 100.0,
        clip: None,
    },
    Series {
        name: "food_stored_kg",
        unit: "kg",
        scale: 1.0,
        clip: None,
    },
    Series {
        name: "food_received_kg",
        unit: "kg",
        scale: 1.0,
        clip: None,
    },
    Series {
        name: "food_sent_kg",
        unit: "kg",
        scale: 1.0,
        clip: None,
    },
    Series {
        name: "energy_generated_kwh",
        unit: "kWh",
        scale: 1.0,
        clip: None,
    },
    Series {
        name: "energy_shortage_kwh",
        unit: "kWh",
        scale: 1.0,
        clip: None,
    },
    Series {
        name: "energy_traded_kwh",
        unit: "kWh",
        scale: 1.0,
        clip: None,
    },
    Series {
        name: "labour_shortage_hours",
        unit: "h",
        scale: 1.0,
        clip: None,
    },
    Series {
        name: "persons",
        unit: "persons",
        scale: 1.0,
        clip: None,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_lever_is_a_scenario_key_of_its_kind() {
        let scenario = crate::scenario::parse("", "t").unwrap();
        for l in LEVERS {
            let v = value_at(&scenario, l.path).unwrap_or_else(|| panic!("{}", l.path));
            match l.control {
                Control::Toggle => assert!(v.is_bool(), "{}", l.path),
                Control::Slider { min, max, .. } => {
                    let x = v.as_float().unwrap_or_else(|| panic!("{}", l.path));
                    assert!(
                        min <= x && x <= max,
                        "{}: default {x} on the slider",
                        l.path
                    );
                }
                Control::Choice { options } => {
                    let w = v.as_str().unwrap_or_else(|| panic!("{}", l.path));
                    assert!(options.contains(&w), "{}: default {w} is an option", l.path);
                    // Every option is a value the scenario accepts, and nothing else is.
                    for o in options {
                        let value = toml::Value::String((*o).to_owned());
                        assert!(
                            scenario.with_values(&[l.path], &[value]).is_ok(),
                            "{}: {o}",
                            l.path
                        );
                    }
                    let odd = toml::Value::String("odd".to_owned());
                    assert!(scenario.with_values(&[l.path], &[odd]).is_err());
                }
            }
        }
        let shown = values(&scenario, &scenario.params);
        assert_eq!(shown.len(), LEVERS.len());
        assert_eq!(shown["labour.undesirable_policy"], "volunteer");
    }

    #[test]
    fn every_lever_is_a_declared_parameter_that_may_change_during_a_run() {
        use crate::model::kernel::decl;
        use crate::model::kernel::decl::{Check, Live};
        for l in LEVERS {
            let d = decl::find(l.path).unwrap_or_else(|| panic!("{} is not declared", l.path));
            assert_eq!(
                d.live,
                Live::Yes,
                "{}: a lever must act during a run",
                l.path
            );
            match (l.control, d.check) {
                (Control::Choice { options }, Check::Choice(words)) => {
                    assert_eq!(options, words, "{}: the declared choices", l.path)
                }
                (Control::Slider { min, max, .. }, Check::Range(lo, hi)) => {
                    assert!(
                        lo <= min && max <= hi,
                        "{}: within the declared range",
                        l.path
                    )
                }
                (Control::Slider { min, max, .. }, Check::Share) => {
                    assert!(0.0 <= min && max <= 1.0, "{}: a share", l.path)
                }
                (Control::Toggle, Check::Free) => {}
                (c, k) => panic!("{}: control {c:?} for a parameter checked as {k:?}", l.path),
            }
        }
    }

    #[test]
    fn series_take_their_labels_from_the_column_declarations() {
        let work = SERIES.iter().find(|s| s.name == "work_hours_mean").unwrap();
        assert_eq!(work.label(false), "Work hours per able adult");
        let received = MAP_SERIES
            .iter()
            .find(|s| s.name == "food_received_kg")
            .unwrap();
        assert_eq!(received.label(true), "Food received by rail");
        for s in SERIES {
            assert_ne!(s.label(false), s.name, "{} has no declared label", s.name);
        }
        for s in MAP_SERIES {
            assert_ne!(s.label(true), s.name, "{} has no declared label", s.name);
        }
    }

    #[test]
    fn every_series_is_a_declared_column() {
        for s in SERIES {
            assert!(COLUMNS.iter().any(|c| c.name == s.name), "{}", s.name);
        }
        for s in MAP_SERIES {
            assert!(
                COMMUNITY_COLUMNS.iter().any(|c| c.name == s.name),
                "{}",
                s.name
            );
        }
    }

    #[test]
    fn levers_take_unit_and_help_from_the_declarations() {
        for l in LEVERS {
            let d = l.decl().unwrap();
            let j = l.json();
            assert_eq!(j["unit"], d.unit, "{}", l.path);
            let help = j["help"].as_str().unwrap();
            assert!(
                !help.is_empty() && !help.contains('`'),
                "{}: {help}",
                l.path
            );
            if l.help.is_empty() {
                assert_eq!(help, d.doc.replace('`', ""), "{}", l.path);
            }
        }
        let kitchen = lever("food.kitchen_share").unwrap().json();
        assert_eq!(kitchen["unit"], "share");
        assert_eq!(kitchen["kind"], "slider");
    }

    /// The levers that cannot act in `text`'s scenario with `reach`, and why.
    fn idle_in(text: &str, reach: &Reach) -> serde_json::Map<String, serde_json::Value> {
        let s = crate::scenario::parse(text, "t").unwrap();
        idle(&s.params, reach)
    }

    #[test]
    fn a_lever_with_nothing_to_act_on_says_why() {
        let linked = Reach {
            rail_links: 9,
            ..Reach::default()
        };
        // Ten communities in one region, joined by rail: food by rail and the grid can act.
        let region = "[population]\ncommunities = 10\ncommunities_per_region = 10\n";
        let idle_region = idle_in(region, &linked);
        assert!(!idle_region.contains_key("rail.freight"));
        assert!(!idle_region.contains_key("energy.regional_grid"));
        // One community: neither can, whatever the links.
        let village = "[population]\ncommunities = 1\n";
        let idle_village = idle_in(village, &linked);
        assert!(
            idle_village["rail.freight"]
                .as_str()
                .unwrap()
                .contains("one community")
        );
        assert!(idle_village.contains_key("energy.regional_grid"));
        // Ten communities, a region each: no grid to share over.
        let apart = "[population]\ncommunities = 10\ncommunities_per_region = 1\n";
        assert!(idle_in(apart, &linked).contains_key("energy.regional_grid"));
        // No links: food cannot move.
        assert!(idle_in(region, &Reach::default()).contains_key("rail.freight"));
        // A regional syndicate pools energy with or without the grid.
        let pooled = format!("{region}[energy]\norganisation = \"regional\"\n");
        assert!(
            idle_in(&pooled, &linked)["energy.regional_grid"]
                .as_str()
                .unwrap()
                .contains("regional syndicate")
        );
    }

    #[test]
    fn the_incentive_factor_acts_only_under_the_incentive() {
        let reach = Reach::default();
        let rota = idle_in("[labour]\nundesirable_policy = \"rota\"\n", &reach);
        assert_eq!(
            rota["labour.incentive_factor"],
            "acts only under the incentive; the policy in force is rota"
        );
        let incentive = idle_in("[labour]\nundesirable_policy = \"incentive\"\n", &reach);
        assert!(!incentive.contains_key("labour.incentive_factor"));
        let off = idle_in("[assembly]\nenabled = false\n", &reach);
        assert!(off.contains_key("assembly.community.rule"));
        assert!(!idle_in("", &reach).contains_key("assembly.community.rule"));
    }

    #[test]
    fn plants_can_be_allowed_only_where_there_are_some_or_some_are_planned() {
        let none = idle_in("", &Reach::default());
        assert!(none.contains_key("energy.allow_nuclear"));
        assert!(none.contains_key("energy.allow_fossil"));
        let mut built = Reach::default();
        built.capacity_kw[Source::Nuclear as usize] = 100.0;
        let idle_built = idle_in("", &built);
        assert!(!idle_built.contains_key("energy.allow_nuclear"));
        assert!(idle_built.contains_key("energy.allow_fossil"));
        // A standing rule to build fossil plants (which a file may only set with them allowed).
        let planned = idle_in(
            "[energy]\nallow_fossil = true\nexpand_source = \"fossil\"\n",
            &Reach::default(),
        );
        assert!(!planned.contains_key("energy.allow_fossil"));
        // Levers the model reads whatever the scenario never say they cannot act.
        for path in [
            "food.kitchen_share",
            "labour.undesirable_policy",
            "assembly.enabled",
        ] {
            assert!(!none.contains_key(path), "{path}");
        }
    }

    #[test]
    fn values_of_the_wrong_type_are_refused() {
        let fossil = lever("energy.allow_fossil").unwrap();
        assert!(to_toml(fossil, &serde_json::json!(1)).is_err());
        assert_eq!(
            to_toml(fossil, &serde_json::json!(true)),
            Ok(toml::Value::Boolean(true))
        );
        let share = lever("food.kitchen_share").unwrap();
        assert!(to_toml(share, &serde_json::json!("half")).is_err());
        assert_eq!(
            to_toml(share, &serde_json::json!(0.5)),
            Ok(toml::Value::Float(0.5))
        );
    }
}

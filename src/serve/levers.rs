//! The policy levers the page offers, and the chart and map series it draws.
//!
//! A lever is a scenario key (a dotted path, as in sweeps) that the model reads every day, so a
//! change takes effect at the next tick. Values arrive as JSON and are turned into TOML values of
//! the key's type, then checked by the scenario layer exactly as a file would be.

use serde::Serialize;

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

/// A scenario key the teacher can change while the simulation runs.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Lever {
    pub path: &'static str,
    pub label: &'static str,
    pub unit: &'static str,
    pub help: &'static str,
    #[serde(flatten)]
    pub control: Control,
}

const fn slider(min: f64, max: f64, step: f64) -> Control {
    Control::Slider { min, max, step }
}

/// Every lever, in the order the page lists them.
pub const LEVERS: &[Lever] = &[
    Lever {
        path: "labour.undesirable_policy",
        label: "Undesirable work",
        unit: "",
        help: "How work few would choose is staffed: volunteers, an incentive (an hour counts as more), a rota of all able adults, or an exchange with the region.",
        control: Control::Choice {
            options: &["volunteer", "incentive", "rota", "exchange", "swap"],
        },
    },
    Lever {
        path: "labour.incentive_factor",
        label: "Incentive: an hour counts as",
        unit: "hours",
        help: "Under the incentive, an hour of undesirable work counts as this many.",
        control: slider(1.0, 3.0, 0.1),
    },
    Lever {
        path: "assembly.community.rule",
        label: "Community assemblies decide by",
        unit: "",
        help: "Simple majority, a supermajority, or consensus (with the scenario's fallback).",
        control: Control::Choice {
            options: &["majority", "supermajority", "consensus"],
        },
    },
    Lever {
        path: "assembly.enabled",
        label: "Assemblies meet",
        unit: "",
        help: "Assemblies meet and decide; off, the standing rules stay as they are.",
        control: Control::Toggle,
    },
    Lever {
        path: "energy.allow_fossil",
        label: "Fossil plants allowed",
        unit: "",
        help: "Fossil plants may fill gaps that renewables leave.",
        control: Control::Toggle,
    },
    Lever {
        path: "energy.allow_nuclear",
        label: "Nuclear plants allowed",
        unit: "",
        help: "Nuclear plants may run, where any were built.",
        control: Control::Toggle,
    },
    Lever {
        path: "energy.regional_grid",
        label: "Regional energy grid",
        unit: "",
        help: "Communities of a region send each other spare energy.",
        control: Control::Toggle,
    },
    Lever {
        path: "rail.freight",
        label: "Food by rail",
        unit: "",
        help: "Regional agreements move food from communities with a surplus to those short.",
        control: Control::Toggle,
    },
    Lever {
        path: "clothing.exchange_store",
        label: "Exchange store",
        unit: "",
        help: "Garments leaving use are brought back and taken again.",
        control: Control::Toggle,
    },
    Lever {
        path: "food.rationing",
        label: "Ration a short stock",
        unit: "",
        help: "Spread the stock over the days until the next harvest when it runs short.",
        control: Control::Toggle,
    },
    Lever {
        path: "food.kitchen_share",
        label: "Eaten at the community kitchen",
        unit: "share",
        help: "Share of food eaten through the kitchen; the rest is taken home raw.",
        control: slider(0.0, 1.0, 0.05),
    },
    Lever {
        path: "food.household_waste_share",
        label: "Household waste",
        unit: "share",
        help: "Share of food taken home raw that households waste.",
        control: slider(0.0, 0.5, 0.01),
    },
    Lever {
        path: "health.daily_illness_probability",
        label: "Daily chance of falling ill",
        unit: "per day",
        help: "Probability that a well person falls ill on a given day.",
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

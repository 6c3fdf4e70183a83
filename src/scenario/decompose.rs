//! The `[decompose]` section: a chain of cumulative changes from the scenario to another, run by
//! `commune decompose` to show each step's effect on headline figures (a waterfall).
//!
//! ```toml
//! [decompose]
//! replicates = 10                  # seeds per step (2 or more; the same seeds for every step)
//! ticks = 365                      # days per run (default: the scenario's ticks)
//! metrics = ["work_hours_mean"]    # headline names; the first is drawn as the waterfall
//! base_label = "as it is"          # label of step 0, the scenario itself (default: its name)
//!
//! [[decompose.steps]]
//! label = "half the food through kitchens"
//! set = { "food.kitchen_share" = 0.5 }    # on top of every earlier step
//!
//! [[decompose.steps]]
//! label = "the essay's society"
//! scenario = "village.toml"        # replaces the scenario so far (relative to this file)
//! ```
//!
//! The section is checked with the rest of the file; the `scenario` files of the steps are read
//! and checked by [`steps`], which needs to know where the file is.

use std::path::{Path, PathBuf};

use super::sweep::{coerce, kind_at};
use super::{Problem, Scenario, ScenarioError, locate::Locator};
use crate::model::metrics::summary::headline_names;

/// Headline figures decomposed when the section names none.
pub const DEFAULT_METRICS: [&str; 3] = [
    "work_hours_mean",
    "footprint_kg_co2e_per_person_year",
    "waste_share",
];

/// Seeds per step when the section does not say.
pub const DEFAULT_REPLICATES: u32 = 10;

/// Most seeds per step.
pub const MAX_REPLICATES: u32 = 10_000;

/// One step of the chain.
#[derive(Clone, Debug, PartialEq)]
pub struct DecomposeStep {
    pub label: String,
    /// A scenario file that replaces the scenario so far, as written (relative to the file
    /// holding the section).
    pub scenario: Option<PathBuf>,
    /// Dotted parameter paths and their values, in file order, applied on top of the scenario
    /// so far (or of `scenario`).
    pub set: Vec<(String, toml::Value)>,
}

/// A validated `[decompose]` section.
#[derive(Clone, Debug, PartialEq)]
pub struct DecomposeSpec {
    pub replicates: u32,
    /// Days per run; `None`: the scenario's ticks.
    pub ticks: Option<u32>,
    /// Headline names, the first drawn as the waterfall.
    pub metrics: Vec<String>,
    /// Label of step 0; `None`: the scenario's name.
    pub base_label: Option<String>,
    /// Steps 1, 2, ... (step 0 is the scenario itself).
    pub steps: Vec<DecomposeStep>,
}

/// A step's scenario, as it will run.
#[derive(Clone, Debug)]
pub struct BuiltStep {
    pub label: String,
    pub scenario: Scenario,
}

/// Every step's scenario, step 0 (`base` itself) first, each step applied on top of the one
/// before; the `scenario` files are read relative to `file`, the file holding the section. Every
/// problem of every step is reported at once, named by its key in `file`.
pub fn steps(
    base: &Scenario,
    spec: &DecomposeSpec,
    file: &Path,
) -> Result<Vec<BuiltStep>, ScenarioError> {
    let dir = file.parent().unwrap_or(Path::new(""));
    let locator = std::fs::read_to_string(file)
        .map(|t| Locator::new(&t))
        .unwrap_or_else(|_| Locator::new(""));
    let mut problems = Vec::new();
    let built = chain(base, spec, Some(dir), &locator, &mut problems);
    if problems.is_empty() {
        Ok(built.expect("no problems, so every step is built"))
    } else {
        Err(ScenarioError {
            file: file.to_owned(),
            problems,
        })
    }
}

/// The label of step 0.
pub fn base_label(base: &Scenario, spec: &DecomposeSpec) -> String {
    spec.base_label
        .clone()
        .unwrap_or_else(|| base.meta.name.clone())
}

/// Builds the chain. With `dir` `None` (the file's place unknown), the chain stops quietly at
/// the first step that names a scenario file, and `None` is returned. Problems go to `problems`
/// (and `None` is returned).
fn chain(
    base: &Scenario,
    spec: &DecomposeSpec,
    dir: Option<&Path>,
    locator: &Locator,
    problems: &mut Vec<Problem>,
) -> Option<Vec<BuiltStep>> {
    let mut fail = |key: String, message: String| {
        problems.push(Problem {
            line: locator.line(&key),
            key,
            message,
        });
    };
    let mut first = base.clone();
    first.decompose = None;
    let mut built = vec![BuiltStep {
        label: base_label(base, spec),
        scenario: first,
    }];
    let mut current = Some(base.clone());
    for (i, step) in spec.steps.iter().enumerate() {
        let at = format!("decompose.steps[{i}]");
        if let Some(path) = &step.scenario {
            let dir = dir?;
            let full = dir.join(path);
            match super::load(&full) {
                Ok(mut s) => {
                    // Only the chain's own section counts.
                    s.decompose = None;
                    current = Some(s);
                }
                Err(e) => {
                    fail(
                        format!("{at}.scenario"),
                        format!(
                            "{} cannot be used: {}",
                            path.display(),
                            e.to_string().replace('\n', "\n    ")
                        ),
                    );
                    current = None;
                }
            }
        }
        // After a step that failed, later steps cannot be built, and their problems would
        // only repeat it.
        let Some(from) = &current else { continue };
        let next = if step.set.is_empty() {
            Ok(from.clone())
        } else {
            let paths: Vec<&str> = step.set.iter().map(|(p, _)| p.as_str()).collect();
            let values: Vec<toml::Value> = step.set.iter().map(|(_, v)| v.clone()).collect();
            from.with_values(&paths, &values)
        };
        match next {
            Ok(mut s) => {
                s.decompose = None;
                built.push(BuiltStep {
                    label: step.label.clone(),
                    scenario: s.clone(),
                });
                current = Some(s);
            }
            Err(ps) => {
                for p in ps {
                    let named = step
                        .set
                        .iter()
                        .any(|(path, _)| p.key == *path || p.key.starts_with(&format!("{path}.")));
                    if named {
                        fail(format!("{at}.set.{}", p.key), p.message);
                    } else if p.key.is_empty() {
                        fail(format!("{at}.set"), p.message);
                    } else {
                        fail(
                            format!("{at}.set"),
                            format!("makes `{}` invalid: {}", p.key, p.message),
                        );
                    }
                }
                current = None;
            }
        }
    }
    (problems.is_empty() && built.len() == spec.steps.len() + 1).then_some(built)
}

/// Flattens a `set` table into (dotted path, value), accepting both quoted dotted keys
/// (`"food.kitchen_share" = 0.5`) and nested tables (`food = { kitchen_share = 0.5 }`).
fn flatten(prefix: &str, table: &toml::Table, out: &mut Vec<(String, toml::Value)>) {
    super::sweep::flatten_where(prefix, table, out, |_| true);
}

/// Parses and checks a `[decompose]` section against `base` (already valid when `check_values`;
/// then the steps are built as far as the first that names a scenario file, so that a value out
/// of range is reported now).
pub(super) fn parse(
    value: &toml::Value,
    base: &Scenario,
    check_values: bool,
    locator: &Locator,
    problems: &mut Vec<Problem>,
) -> Option<DecomposeSpec> {
    let before = problems.len();
    let mut fail = |key: &str, message: String| {
        problems.push(Problem {
            line: locator.line(key),
            key: key.to_owned(),
            message,
        });
    };
    let Some(table) = value.as_table() else {
        fail(
            "decompose",
            "must be a table, like `[decompose]` followed by its keys".to_owned(),
        );
        return None;
    };
    let known = ["replicates", "ticks", "metrics", "base_label", "steps"];
    for k in table.keys() {
        if !known.contains(&k.as_str()) {
            fail(
                &format!("decompose.{k}"),
                format!("unknown key; known keys here: {}", known.join(", ")),
            );
        }
    }
    let replicates = match table.get("replicates") {
        None => DEFAULT_REPLICATES,
        Some(toml::Value::Integer(i)) if (2..=i64::from(MAX_REPLICATES)).contains(i) => *i as u32,
        Some(v) => {
            fail(
                "decompose.replicates",
                format!(
                    "is {v}; it must be a whole number between 2 and {MAX_REPLICATES} (an \
                     interval needs two seeds or more)"
                ),
            );
            DEFAULT_REPLICATES
        }
    };
    let ticks = match table.get("ticks") {
        None => None,
        Some(toml::Value::Integer(i)) if (1..=36_500).contains(i) => Some(*i as u32),
        Some(v) => {
            fail(
                "decompose.ticks",
                format!("is {v}; it must be a whole number of days between 1 and 36500"),
            );
            None
        }
    };
    let names = headline_names();
    let metrics = match table.get("metrics") {
        None => DEFAULT_METRICS.iter().map(|m| (*m).to_owned()).collect(),
        Some(toml::Value::Array(list)) if !list.is_empty() => {
            let mut metrics: Vec<String> = Vec::new();
            for (j, item) in list.iter().enumerate() {
                let key = format!("decompose.metrics[{j}]");
                match item.as_str() {
                    Some(m) if names.contains(&m) => {
                        if metrics.iter().any(|x| x == m) {
                            fail(&key, format!("names `{m}` twice"));
                        } else {
                            metrics.push(m.to_owned());
                        }
                    }
                    Some(m) => fail(
                        &key,
                        format!(
                            "`{m}` is not a headline figure{}; they are: {}",
                            super::closest(m, names.iter().copied())
                                .map_or(String::new(), |c| format!(" (did you mean `{c}`?)")),
                            names.join(", ")
                        ),
                    ),
                    None => fail(&key, format!("is {item}; a metric is a name in quotes")),
                }
            }
            metrics
        }
        Some(v) => {
            fail(
                "decompose.metrics",
                format!(
                    "is {v}; it must be a list of headline names, like [\"work_hours_mean\"]; \
                     they are: {}",
                    names.join(", ")
                ),
            );
            Vec::new()
        }
    };
    let base_label = match table.get("base_label") {
        None => None,
        Some(toml::Value::String(s)) if !s.trim().is_empty() => Some(s.clone()),
        Some(v) => {
            fail(
                "decompose.base_label",
                format!("is {v}; it must be text in quotes, not empty"),
            );
            None
        }
    };

    let defaults: toml::Table = toml::from_str(&base.to_toml()).expect("a scenario parses");
    let mut steps = Vec::new();
    let list = match table.get("steps") {
        Some(toml::Value::Array(list)) => list.as_slice(),
        Some(_) => {
            fail(
                "decompose.steps",
                "must be a list of steps, each written `[[decompose.steps]]` with a `label` and \
                 a `set` or a `scenario`"
                    .to_owned(),
            );
            &[]
        }
        None => &[],
    };
    if list.is_empty() && table.get("steps").is_none_or(|v| v.is_array()) {
        fail(
            "decompose.steps",
            "has no steps: add at least one `[[decompose.steps]]` with a `label` and a `set = { \
             \"food.kitchen_share\" = 0.5 }` or a `scenario = \"other.toml\"`"
                .to_owned(),
        );
    }
    for (i, item) in list.iter().enumerate() {
        let at = format!("decompose.steps[{i}]");
        let Some(step) = item.as_table() else {
            fail(
                &at,
                "must be a table, written `[[decompose.steps]]`".to_owned(),
            );
            continue;
        };
        let known = ["label", "set", "scenario"];
        for k in step.keys() {
            if !known.contains(&k.as_str()) {
                fail(
                    &format!("{at}.{k}"),
                    format!("unknown key; known keys here: {}", known.join(", ")),
                );
            }
        }
        let label = match step.get("label") {
            Some(toml::Value::String(s)) if !s.trim().is_empty() => s.clone(),
            None => {
                fail(
                    &format!("{at}.label"),
                    "is missing: every step needs a label, the name on its bar".to_owned(),
                );
                String::new()
            }
            Some(v) => {
                fail(
                    &format!("{at}.label"),
                    format!("is {v}; it must be text in quotes, not empty"),
                );
                String::new()
            }
        };
        let scenario = match step.get("scenario") {
            None => None,
            Some(toml::Value::String(s)) if !s.trim().is_empty() => Some(PathBuf::from(s)),
            Some(v) => {
                fail(
                    &format!("{at}.scenario"),
                    format!("is {v}; it must be a file name in quotes"),
                );
                None
            }
        };
        let mut set = Vec::new();
        match step.get("set") {
            None => {}
            Some(toml::Value::Table(t)) => {
                let mut raw = Vec::new();
                flatten("", t, &mut raw);
                if raw.is_empty() {
                    fail(
                        &format!("{at}.set"),
                        "is empty: name the parameters this step changes".to_owned(),
                    );
                }
                for (path, v) in raw {
                    let key = format!("{at}.set.{path}");
                    let refused = match path.as_str() {
                        "seed" => Some("cannot be set in a step: every step runs the same seeds"),
                        "ticks" => Some(
                            "cannot be set in a step: every step runs the same days (set \
                             `decompose.ticks`)",
                        ),
                        "name" | "description" => Some("cannot be set in a step"),
                        _ => None,
                    };
                    if let Some(message) = refused {
                        fail(&key, message.to_owned());
                        continue;
                    }
                    match kind_at(&defaults, &path).and_then(|kind| coerce(&v, &kind)) {
                        Ok(value) => set.push((path, value)),
                        Err(message) => fail(&key, message.replace("be swept", "be set")),
                    }
                }
            }
            Some(v) => fail(
                &format!("{at}.set"),
                format!(
                    "is {v}; it must be a table of parameter paths and values, like set = {{ \
                     \"food.kitchen_share\" = 0.5 }}"
                ),
            ),
        }
        if !step.contains_key("set") && !step.contains_key("scenario") {
            fail(
                &at,
                "changes nothing: give it a `set` of parameter values, a `scenario` file, or \
                 both"
                    .to_owned(),
            );
        }
        steps.push(DecomposeStep {
            label,
            scenario,
            set,
        });
    }
    if problems.len() > before {
        return None;
    }
    let spec = DecomposeSpec {
        replicates,
        ticks,
        metrics,
        base_label,
        steps,
    };
    if check_values {
        // The values in range, as far as the chain can be built without the file's place.
        chain(base, &spec, None, locator, problems);
        if problems.len() > before {
            return None;
        }
    }
    Some(spec)
}

#[cfg(test)]
mod tests {
    use super::super::parse as parse_scenario;
    use super::*;

    const BASE: &str = "name = \"b\"\nseed = 3\nticks = 20\n[population]\n\
                        persons_per_community = 30\n";

    fn problems(section: &str) -> Vec<Problem> {
        parse_scenario(&format!("{BASE}{section}"), "t").expect_err("should fail")
    }

    fn has(ps: &[Problem], key: &str, words: &str) {
        assert!(
            ps.iter()
                .any(|p| p.key == key && p.message.contains(words) && p.line.is_some()),
            "`{key}` ({words}) in {ps:?}"
        );
    }

    #[test]
    fn decompose_section_is_read_with_its_defaults() {
        let s = parse_scenario(
            &format!(
                "{BASE}[decompose]\n[[decompose.steps]]\nlabel = \"one\"\n\
                 set = {{ \"food.kitchen_share\" = 0.5 }}\n[[decompose.steps]]\nlabel = \"two\"\n\
                 set = {{ food = {{ garden_share = 0 }} }}\nscenario = \"x.toml\"\n"
            ),
            "t",
        )
        .unwrap_or_else(|p| panic!("{p:?}"));
        let spec = s.decompose.clone().expect("a decompose section");
        assert_eq!(spec.replicates, DEFAULT_REPLICATES);
        assert_eq!(spec.ticks, None);
        assert_eq!(spec.metrics, DEFAULT_METRICS);
        assert_eq!(spec.steps.len(), 2);
        assert_eq!(spec.steps[0].label, "one");
        assert_eq!(
            spec.steps[0].set,
            [("food.kitchen_share".to_owned(), toml::Value::Float(0.5))]
        );
        // A whole number is a number where a number is asked for.
        assert_eq!(
            spec.steps[1].set,
            [("food.garden_share".to_owned(), toml::Value::Float(0.0))]
        );
        assert_eq!(spec.steps[1].scenario, Some(PathBuf::from("x.toml")));
        // `commune run` ignores the section, and the scenario as run leaves it out.
        assert!(!s.meta.name.is_empty());
        let again = parse_scenario(&s.to_toml(), "t").unwrap();
        assert!(again.decompose.is_none());
    }

    #[test]
    fn decompose_problems_name_their_keys() {
        has(
            &problems("[decompose]\nreplicates = 3\n"),
            "decompose.steps",
            "no steps",
        );
        let step = "[[decompose.steps]]\nlabel = \"a\"\nset = { \"food.kitchen_share\" = 0.5 }\n";
        has(
            &problems(&format!("[decompose]\nreplicates = 1\n{step}")),
            "decompose.replicates",
            "between 2",
        );
        has(
            &problems(&format!("[decompose]\nmetrics = [\"work_hours\"]\n{step}")),
            "decompose.metrics[0]",
            "not a headline",
        );
        has(
            &problems(&format!(
                "{step}[[decompose.steps]]\nlabel = \"b\"\nset = {{ \"food.kitchn_share\" = 0.5 }}\n"
            )),
            "decompose.steps[1].set.food.kitchn_share",
            "did you mean `food.kitchen_share`",
        );
        has(
            &problems(
                "[[decompose.steps]]\nlabel = \"a\"\nset = { \"food.kitchen_share\" = \"x\" }\n",
            ),
            "decompose.steps[0].set.food.kitchen_share",
            "expected a number",
        );
        // Out of range: found by building the step.
        has(
            &problems(&format!(
                "{step}[[decompose.steps]]\nlabel = \"b\"\nset = {{ \"food.kitchen_share\" = 1.5 }}\n"
            )),
            "decompose.steps[1].set.food.kitchen_share",
            "",
        );
        has(
            &problems("[[decompose.steps]]\nlabel = \"a\"\n"),
            "decompose.steps[0]",
            "changes nothing",
        );
        has(
            &problems("[[decompose.steps]]\nset = { \"food.kitchen_share\" = 0.5 }\n"),
            "decompose.steps[0].label",
            "missing",
        );
        has(
            &problems("[[decompose.steps]]\nlabel = \"a\"\nset = { seed = 4 }\n"),
            "decompose.steps[0].set.seed",
            "same seeds",
        );
    }

    #[test]
    fn decompose_steps_apply_cumulatively() {
        let s = parse_scenario(
            &format!(
                "{BASE}[[decompose.steps]]\nlabel = \"one\"\nset = {{ \"food.kitchen_share\" = 0.5 }}\n\
                 [[decompose.steps]]\nlabel = \"two\"\nset = {{ \"food.garden_share\" = 0.3 }}\n"
            ),
            "t",
        )
        .unwrap();
        let spec = s.decompose.clone().unwrap();
        let built = steps(&s, &spec, Path::new("nowhere/t.toml")).unwrap();
        assert_eq!(built.len(), 3);
        assert_eq!(built[0].label, "b");
        assert_eq!(built[0].scenario.params, s.params);
        assert_eq!(built[1].scenario.params.food.kitchen_share, 0.5);
        assert_eq!(built[2].scenario.params.food.kitchen_share, 0.5);
        assert_eq!(built[2].scenario.params.food.garden_share, 0.3);
        assert_ne!(
            built[1].scenario.params.food.garden_share, 0.3,
            "step 1 does not have step 2's value"
        );
    }
}

//! The `[sensitivity]` section: a global sensitivity analysis of some outputs over some
//! parameters' distributions, run by `commune sensitivity`.
//!
//! ```toml
//! [sensitivity]
//! method = "sobol"        # "sobol" (Saltelli's design) or "morris" (elementary effects)
//! samples = 64            # sobol: base samples N (a power of two, 16 or more);
//!                         # morris: trajectories r (4 or more)
//! replicates = 2          # runs of each design point, over seeds derived from the root seed
//! second_order = false    # sobol: also the second-order indices (2N more runs per parameter)
//! design = "trajectory"   # morris: "trajectory" (on a grid of `levels` levels) or "radial"
//! levels = 4              # morris trajectories: an even number of grid levels
//! resamples = 1000        # bootstrap replicates of each interval
//! outputs = ["work_hours_mean", { metric = "food_stock_days", aggregate = "mean", from_day = 181, to_day = 365 }]
//!
//! [sensitivity.parameters]
//! "food.garden_share" = { min = 0.1, max = 0.4 }                                  # uniform
//! "labour.willing_hours_mean" = { distribution = "normal", mean = 3.5, sd = 0.4 }  # normal (may be cut at min, max)
//! "food.waste_share_kitchen" = { distribution = "triangular", min = 0.02, mode = 0.05, max = 0.1 }
//! "assembly.enabled" = [false, true]                                              # discrete choices
//! ```
//!
//! Parameters are named by their dotted path, with the sweep's rules for what may vary
//! (numbers and true/false; not the name, description or seed). Outputs are headline names
//! (`commune run`'s summary) or metric columns aggregated over a window of days.

use super::sweep::{Design, SweepSpec, SweptParam, Values, coerce, kind_at};
use super::{Problem, Scenario, ScenarioError, locate::Locator};
use crate::experiment::sensitivity::sample::{
    self, Dist, MAX_SOBOL_DIMENSIONS, MAX_SOBOL_SAMPLES, Rows,
};

/// The analysis asked for.
#[derive(Clone, Debug, PartialEq)]
pub enum Method {
    Sobol { second_order: bool },
    Morris { radial: bool, levels: u32 },
}

/// One varied parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct SensParam {
    /// Dotted path in the scenario file.
    pub path: String,
    pub dist: Dist,
    /// The values of a discrete parameter (`Dist::Choice`), in order.
    pub choices: Vec<toml::Value>,
    /// Whether the parameter holds whole numbers (values are then rounded).
    pub integer: bool,
}

impl SensParam {
    /// The scenario value at unit-interval position `u`.
    pub fn value(&self, u: f64) -> toml::Value {
        let x = self.dist.quantile(u);
        match self.dist {
            Dist::Choice { .. } => self.choices[x as usize].clone(),
            _ if self.integer => toml::Value::Integer(x.round() as i64),
            // Twelve significant figures: far below any parameter's uncertainty, and a value
            // that `sweep.json` (serde_json's float parser is exact only for short decimals)
            // reads back bit for bit, so a sweep started again finds the same plan.
            _ => toml::Value::Float(format!("{x:.11e}").parse().unwrap_or(x)),
        }
    }
}

/// How an output's daily metric is reduced to one number per run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Aggregate {
    Mean,
    Sum,
    Min,
    Max,
    Last,
}

impl Aggregate {
    pub const NAMES: [&str; 5] = ["mean", "sum", "min", "max", "last"];

    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    /// The aggregate of `xs` (NaN if empty; NaNs are left out).
    pub fn of(self, xs: &[f64]) -> f64 {
        let xs: Vec<f64> = xs.iter().copied().filter(|x| x.is_finite()).collect();
        if xs.is_empty() {
            return f64::NAN;
        }
        match self {
            Aggregate::Mean => xs.iter().sum::<f64>() / xs.len() as f64,
            Aggregate::Sum => xs.iter().sum(),
            Aggregate::Min => xs.iter().copied().fold(f64::INFINITY, f64::min),
            Aggregate::Max => xs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            Aggregate::Last => xs[xs.len() - 1],
        }
    }
}

/// An output analysed.
#[derive(Clone, Debug, PartialEq)]
pub enum Output {
    /// A headline figure of the run (a column of the sweep's `runs.parquet`).
    Headline(String),
    /// A metric column over days `from_day..=to_day` (1-based, inclusive).
    Metric {
        column: String,
        aggregate: Aggregate,
        from_day: u32,
        to_day: u32,
    },
}

impl Output {
    /// The output's name in tables: the headline, or `column:aggregate:from-to`.
    pub fn name(&self) -> String {
        match self {
            Output::Headline(h) => h.clone(),
            Output::Metric {
                column,
                aggregate,
                from_day,
                to_day,
            } => format!("{column}:{}:{from_day}-{to_day}", aggregate.name()),
        }
    }
}

/// A validated `[sensitivity]` section.
#[derive(Clone, Debug, PartialEq)]
pub struct SensitivitySpec {
    pub method: Method,
    /// Sobol: base samples N; Morris: trajectories (or radial blocks) r.
    pub samples: u32,
    pub replicates: u32,
    pub resamples: u32,
    pub parameters: Vec<SensParam>,
    pub outputs: Vec<Output>,
}

/// Outputs analysed when the section names none: the essay's headline claims.
pub const DEFAULT_OUTPUTS: [&str; 3] = [
    "work_hours_mean",
    "footprint_kg_co2e_per_person_year",
    "waste_share",
];

/// Fewest Sobol' base samples and Morris trajectories allowed.
pub const MIN_SOBOL_SAMPLES: u32 = 16;
pub const MIN_MORRIS_TRAJECTORIES: u32 = 4;

impl SensitivitySpec {
    /// The design in the unit hypercube, one row per point.
    pub fn unit_design(&self, root_seed: u64) -> Rows {
        let (n, d) = (self.samples as usize, self.parameters.len());
        match self.method {
            Method::Sobol { second_order } => sample::saltelli(n, d, second_order, root_seed),
            Method::Morris { radial: true, .. } => sample::morris_radial(n, d, root_seed),
            Method::Morris { levels, .. } => sample::morris_trajectories(n, d, levels, root_seed),
        }
    }

    /// Points of the design as scenario values, one row per point.
    pub fn points(&self, unit: &Rows) -> Vec<Vec<toml::Value>> {
        unit.iter()
            .map(|u| {
                self.parameters
                    .iter()
                    .zip(u)
                    .map(|(p, &u)| p.value(u))
                    .collect()
            })
            .collect()
    }

    /// The sweep that runs the design: a list design over its points, with its replicates.
    pub fn sweep_spec(&self, unit: &Rows) -> SweepSpec {
        let points = self.points(unit);
        SweepSpec {
            design: Design::List,
            replicates: self.replicates,
            parameters: self
                .parameters
                .iter()
                .enumerate()
                .map(|(j, p)| SweptParam {
                    path: p.path.clone(),
                    values: Values::List(points.iter().map(|pt| pt[j].clone()).collect()),
                    integer: p.integer,
                })
                .collect(),
        }
    }

    /// Design points.
    pub fn point_count(&self) -> u64 {
        let (n, d) = (u64::from(self.samples), self.parameters.len() as u64);
        match self.method {
            Method::Sobol { second_order: true } => n * (2 * d + 2),
            Method::Sobol { .. } => n * (d + 2),
            Method::Morris { .. } => n * (d + 1),
        }
    }

    /// Runs: points times replicates.
    pub fn runs(&self) -> u64 {
        self.point_count() * u64::from(self.replicates)
    }
}

/// Reads a scenario file with a `[sensitivity]` section: the scenario and its analysis.
pub fn load(path: &std::path::Path) -> Result<(Scenario, SensitivitySpec), ScenarioError> {
    let scenario = super::load(path)?;
    let fail = |message: String| ScenarioError {
        file: path.to_owned(),
        problems: vec![Problem {
            line: None,
            key: "sensitivity".to_owned(),
            message,
        }],
    };
    let text = std::fs::read_to_string(path).map_err(|e| fail(format!("cannot be read: {e}")))?;
    let table: toml::Table = toml::from_str(&text).map_err(|e| fail(e.to_string()))?;
    let Some(value) = table.get("sensitivity") else {
        return Err(fail(
            "the scenario has no [sensitivity] section: add one naming the parameters to vary \
             and the outputs to analyse (see docs/experiments.md, \"Sensitivity analysis\")"
                .to_owned(),
        ));
    };
    let mut problems = Vec::new();
    // Already checked by `super::load`; this only builds the spec.
    let spec = parse(value, &scenario, false, &Locator::new(&text), &mut problems);
    match spec {
        Some(spec) if problems.is_empty() => Ok((scenario, spec)),
        _ => Err(ScenarioError {
            file: path.to_owned(),
            problems,
        }),
    }
}

/// Keys that make a table a parameter's distribution rather than a nesting of paths.
const DIST_KEYS: [&str; 7] = [
    "distribution",
    "min",
    "max",
    "mean",
    "sd",
    "mode",
    "choices",
];

fn flatten(prefix: &str, table: &toml::Table, out: &mut Vec<(String, toml::Value)>) {
    for (k, v) in table {
        let path = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::Table(t) if !t.keys().any(|k| DIST_KEYS.contains(&k.as_str())) => {
                flatten(&path, t, out);
            }
            _ => out.push((path, v.clone())),
        }
    }
}

fn number(v: &toml::Value) -> Option<f64> {
    match v {
        toml::Value::Integer(i) => Some(*i as f64),
        toml::Value::Float(f) if f.is_finite() => Some(*f),
        _ => None,
    }
}

/// Parses and checks a `[sensitivity]` section against `base` (already valid when
/// `check_values`, in which case each parameter's extreme values are checked to make valid
/// scenarios too).
pub(super) fn parse(
    value: &toml::Value,
    base: &Scenario,
    check_values: bool,
    locator: &Locator,
    problems: &mut Vec<Problem>,
) -> Option<SensitivitySpec> {
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
            "sensitivity",
            "must be a table, like `[sensitivity]` followed by its keys".to_owned(),
        );
        return None;
    };
    let known = [
        "method",
        "samples",
        "replicates",
        "second_order",
        "design",
        "levels",
        "resamples",
        "outputs",
        "parameters",
    ];
    for k in table.keys() {
        if !known.contains(&k.as_str()) {
            fail(
                &format!("sensitivity.{k}"),
                format!("unknown key; known keys here: {}", known.join(", ")),
            );
        }
    }
    let mut whole = |key: &str, default: i64, lo: i64, hi: i64| -> Option<u32> {
        match table.get(key) {
            None => Some(default as u32),
            Some(toml::Value::Integer(i)) if (lo..=hi).contains(i) => Some(*i as u32),
            Some(v) => {
                fail(
                    &format!("sensitivity.{key}"),
                    format!("is {v}; it must be a whole number between {lo} and {hi}"),
                );
                None
            }
        }
    };
    let samples = whole("samples", 0, 1, MAX_SOBOL_SAMPLES as i64);
    let replicates = whole("replicates", 1, 1, 1000);
    let resamples = whole("resamples", 1000, 0, 100_000);
    let levels = whole("levels", 4, 2, 100);
    let mut fail = |key: &str, message: String| {
        problems.push(Problem {
            line: locator.line(key),
            key: key.to_owned(),
            message,
        });
    };
    let flag = |key: &str, fail: &mut dyn FnMut(&str, String)| match table.get(key) {
        None => Some(false),
        Some(toml::Value::Boolean(b)) => Some(*b),
        Some(v) => {
            fail(
                &format!("sensitivity.{key}"),
                format!("is {v}; it must be true or false"),
            );
            None
        }
    };
    let second_order = flag("second_order", &mut fail);
    let radial = match table.get("design").map(|v| v.as_str()) {
        None | Some(Some("trajectory")) => Some(false),
        Some(Some("radial")) => Some(true),
        Some(_) => {
            fail(
                "sensitivity.design",
                format!(
                    "is {}; it must be \"trajectory\" or \"radial\"",
                    table["design"]
                ),
            );
            None
        }
    };
    let method = match table.get("method").map(|v| v.as_str()) {
        Some(Some("sobol")) => {
            for k in ["design", "levels"] {
                if table.contains_key(k) {
                    fail(
                        &format!("sensitivity.{k}"),
                        "is only used by method = \"morris\"".to_owned(),
                    );
                }
            }
            second_order.map(|second_order| Method::Sobol { second_order })
        }
        Some(Some("morris")) => {
            if table.contains_key("second_order") {
                fail(
                    "sensitivity.second_order",
                    "is only used by method = \"sobol\"".to_owned(),
                );
            }
            if levels.is_some_and(|l| l % 2 == 1) {
                fail(
                    "sensitivity.levels",
                    format!(
                        "is {}; Morris trajectories need an even number of levels (4 is usual)",
                        levels.unwrap_or_default()
                    ),
                );
            }
            if radial == Some(true) && table.contains_key("levels") {
                fail(
                    "sensitivity.levels",
                    "is only used by design = \"trajectory\"".to_owned(),
                );
            }
            match (radial, levels) {
                (Some(radial), Some(levels)) => Some(Method::Morris { radial, levels }),
                _ => None,
            }
        }
        None => {
            fail(
                "sensitivity.method",
                "is missing: write method = \"sobol\" or method = \"morris\"".to_owned(),
            );
            None
        }
        Some(_) => {
            fail(
                "sensitivity.method",
                format!("is {}; it must be \"sobol\" or \"morris\"", table["method"]),
            );
            None
        }
    };
    // Too few samples for the method.
    match (&method, samples) {
        (_, Some(0)) => fail(
            "sensitivity.samples",
            "is missing: the number of base samples (sobol) or trajectories (morris)".to_owned(),
        ),
        (Some(Method::Sobol { .. }), Some(n)) if n < MIN_SOBOL_SAMPLES => fail(
            "sensitivity.samples",
            format!(
                "is {n}: too few for Sobol' indices, which need at least {MIN_SOBOL_SAMPLES} \
                 base samples (their error shrinks as 1/sqrt(N); 64 to 1024 is usual)"
            ),
        ),
        (Some(Method::Sobol { .. }), Some(n)) if !n.is_power_of_two() => fail(
            "sensitivity.samples",
            format!(
                "is {n}: a Sobol' sequence is balanced only over a power of two points; use {} \
                 or {}",
                n.next_power_of_two() / 2,
                n.next_power_of_two()
            ),
        ),
        (Some(Method::Morris { .. }), Some(n)) if n < MIN_MORRIS_TRAJECTORIES => fail(
            "sensitivity.samples",
            format!(
                "is {n}: too few trajectories for Morris screening, which needs at least \
                 {MIN_MORRIS_TRAJECTORIES} (10 to 50 is usual) to estimate sigma and intervals"
            ),
        ),
        _ => {}
    }

    // Parameters.
    let defaults: toml::Table = toml::from_str(&base.to_toml()).expect("a scenario parses");
    let mut raw = Vec::new();
    match table.get("parameters") {
        Some(toml::Value::Table(t)) => flatten("", t, &mut raw),
        Some(_) => fail(
            "sensitivity.parameters",
            "must be a table of parameter paths and their distributions".to_owned(),
        ),
        None => {}
    }
    if raw.is_empty() {
        fail(
            "sensitivity.parameters",
            "names no parameter to vary; add e.g. `\"food.garden_share\" = { min = 0.1, max = \
             0.4 }` under `[sensitivity.parameters]`"
                .to_owned(),
        );
    }
    let mut parameters = Vec::new();
    for (path, v) in raw {
        let key = format!("sensitivity.parameters.{path}");
        let kind = match kind_at(&defaults, &path) {
            Ok(kind) => kind,
            Err(message) => {
                fail(&key, message.replace("be swept", "vary"));
                continue;
            }
        };
        let integer = kind.is_integer();
        let choice_list = |list: &[toml::Value], fail: &mut dyn FnMut(&str, String)| {
            let mut ok = Vec::new();
            for item in list {
                match coerce(item, &kind) {
                    Ok(x) if !ok.contains(&x) => ok.push(x),
                    Ok(x) => fail(&key, format!("lists {x} twice")),
                    Err(m) => fail(&key, format!("choice {item}: {m}")),
                }
            }
            ok
        };
        let param = match &v {
            toml::Value::Array(list) => {
                let choices = choice_list(list, &mut fail);
                if choices.len() < 2 {
                    fail(
                        &key,
                        format!(
                            "cannot vary: it has {} choice(s); list two or more",
                            choices.len()
                        ),
                    );
                    continue;
                }
                SensParam {
                    path,
                    dist: Dist::Choice { n: choices.len() },
                    choices,
                    integer,
                }
            }
            toml::Value::Table(t) => match dist_of(t, &key, &kind, &mut fail) {
                Some((dist, choices)) => SensParam {
                    path,
                    dist,
                    choices,
                    integer,
                },
                None => continue,
            },
            other => {
                fail(
                    &key,
                    format!(
                        "is {other}, a single value, so it cannot vary: give a range \
                         {{ min = .., max = .. }}, a distribution or a list of choices"
                    ),
                );
                continue;
            }
        };
        // A whole-number parameter whose range holds one whole number cannot vary either.
        if param.integer && !matches!(param.dist, Dist::Choice { .. }) {
            let (lo, hi) = (param.dist.quantile(0.0), param.dist.quantile(1.0));
            if lo.round() == hi.round() {
                fail(
                    &key,
                    format!(
                        "cannot vary: it holds whole numbers and its range {lo}..{hi} rounds to \
                         {} everywhere",
                        lo.round()
                    ),
                );
                continue;
            }
        }
        parameters.push(param);
    }
    if matches!(method, Some(Method::Sobol { .. })) && 2 * parameters.len() > MAX_SOBOL_DIMENSIONS {
        fail(
            "sensitivity.parameters",
            format!(
                "names {} parameters; Sobol' indices here allow at most {} (screen them with \
                 method = \"morris\" first)",
                parameters.len(),
                MAX_SOBOL_DIMENSIONS / 2
            ),
        );
    }

    // Outputs.
    let outputs = parse_outputs(table.get("outputs"), base, &mut fail);

    if problems.len() > before {
        return None;
    }
    let spec = SensitivitySpec {
        method: method?,
        samples: samples?,
        replicates: replicates?,
        resamples: resamples?,
        parameters,
        outputs: outputs?,
    };
    if spec.runs() > super::sweep::MAX_RUNS {
        problems.push(Problem {
            line: locator.line("sensitivity"),
            key: "sensitivity".to_owned(),
            message: format!(
                "has {} runs; at most {} are allowed",
                spec.runs(),
                super::sweep::MAX_RUNS
            ),
        });
        return None;
    }
    if check_values {
        // Each parameter at each end of its range (the others at the scenario's values) must be
        // a valid scenario; `commune sensitivity` checks every point before it runs.
        for p in &spec.parameters {
            for u in [0.0, 1.0] {
                let value = p.value(u);
                if let Err(ps) = base.with_values(&[p.path.as_str()], std::slice::from_ref(&value))
                {
                    for pr in ps {
                        let key = format!("sensitivity.parameters.{}", p.path);
                        let message = format!(
                            "at {value} the scenario is not valid: `{}`: {}",
                            pr.key, pr.message
                        );
                        if !problems
                            .iter()
                            .any(|q| q.key == key && q.message == message)
                        {
                            problems.push(Problem {
                                line: locator.line(&key),
                                key,
                                message,
                            });
                        }
                    }
                }
            }
        }
        if problems.len() > before {
            return None;
        }
    }
    Some(spec)
}

/// A parameter's distribution from its table.
fn dist_of(
    t: &toml::Table,
    key: &str,
    kind: &toml::Value,
    fail: &mut dyn FnMut(&str, String),
) -> Option<(Dist, Vec<toml::Value>)> {
    let distribution = match t.get("distribution") {
        None if t.contains_key("choices") => "choices",
        None => "uniform",
        Some(toml::Value::String(s)) => s.as_str(),
        Some(v) => {
            fail(
                &format!("{key}.distribution"),
                format!(
                    "is {v}; it must be \"uniform\", \"normal\", \"triangular\" or \"choices\""
                ),
            );
            return None;
        }
    };
    let allowed: &[&str] = match distribution {
        "uniform" => &["distribution", "min", "max"],
        "normal" => &["distribution", "mean", "sd", "min", "max"],
        "triangular" => &["distribution", "min", "mode", "max"],
        "choices" => &["distribution", "choices"],
        other => {
            fail(
                &format!("{key}.distribution"),
                format!(
                    "is \"{other}\"; it must be \"uniform\", \"normal\", \"triangular\" or \
                     \"choices\""
                ),
            );
            return None;
        }
    };
    let mut ok = true;
    for k in t.keys() {
        if !allowed.contains(&k.as_str()) {
            fail(
                &format!("{key}.{k}"),
                format!(
                    "unknown key for a {distribution} distribution; its keys are {}",
                    allowed.join(", ")
                ),
            );
            ok = false;
        }
    }
    if kind.is_bool() && distribution != "choices" {
        fail(
            key,
            "is true or false: list the choices, [false, true]".to_owned(),
        );
        return None;
    }
    let mut num = |k: &str, required: bool| -> Option<Option<f64>> {
        match t.get(k) {
            None if required => {
                fail(
                    key,
                    format!("a {distribution} distribution needs a number `{k}`"),
                );
                None
            }
            None => Some(None),
            Some(v) => match number(v) {
                Some(x) => Some(Some(x)),
                None => {
                    fail(
                        &format!("{key}.{k}"),
                        format!("is {v}; it must be a number"),
                    );
                    None
                }
            },
        }
    };
    let dist = match distribution {
        "uniform" => {
            let (min, max) = (num("min", true), num("max", true));
            let (Some(Some(min)), Some(Some(max))) = (min, max) else {
                return None;
            };
            if min > max {
                fail(
                    key,
                    format!("is an empty range: min {min} is above max {max}"),
                );
                return None;
            }
            if min == max {
                fail(
                    key,
                    format!(
                        "cannot vary: min and max are both {min}; widen the range or leave the \
                         parameter out"
                    ),
                );
                return None;
            }
            Dist::Uniform { min, max }
        }
        "normal" => {
            let (mean, sd, min, max) = (
                num("mean", true),
                num("sd", true),
                num("min", false),
                num("max", false),
            );
            let (Some(Some(mean)), Some(Some(sd)), Some(min), Some(max)) = (mean, sd, min, max)
            else {
                return None;
            };
            if sd <= 0.0 {
                fail(
                    &format!("{key}.sd"),
                    format!(
                        "is {sd}; a standard deviation must be above 0 (a parameter with sd 0 \
                         cannot vary)"
                    ),
                );
                return None;
            }
            if let (Some(lo), Some(hi)) = (min, max)
                && lo >= hi
            {
                fail(
                    key,
                    format!("is an empty range: min {lo} is not below max {hi}"),
                );
                return None;
            }
            Dist::Normal { mean, sd, min, max }
        }
        "triangular" => {
            let (min, mode, max) = (num("min", true), num("mode", true), num("max", true));
            let (Some(Some(min)), Some(Some(mode)), Some(Some(max))) = (min, mode, max) else {
                return None;
            };
            if min > max {
                fail(
                    key,
                    format!("is an empty range: min {min} is above max {max}"),
                );
                return None;
            }
            if min == max {
                fail(key, format!("cannot vary: min and max are both {min}"));
                return None;
            }
            if !(min..=max).contains(&mode) {
                fail(
                    &format!("{key}.mode"),
                    format!("is {mode}; the mode must lie between min {min} and max {max}"),
                );
                return None;
            }
            Dist::Triangular { min, mode, max }
        }
        _ => {
            let Some(toml::Value::Array(list)) = t.get("choices") else {
                fail(key, "`choices` must be a list of values".to_owned());
                return None;
            };
            let mut choices = Vec::new();
            for item in list {
                match coerce(item, kind) {
                    Ok(x) if !choices.contains(&x) => choices.push(x),
                    Ok(x) => fail(key, format!("lists {x} twice")),
                    Err(m) => fail(key, format!("choice {item}: {m}")),
                }
            }
            if choices.len() < 2 {
                fail(
                    key,
                    format!(
                        "cannot vary: it has {} choice(s); list two or more",
                        choices.len()
                    ),
                );
                return None;
            }
            return ok.then_some((Dist::Choice { n: choices.len() }, choices));
        }
    };
    ok.then_some((dist, Vec::new()))
}

/// The outputs named in `outputs` (the essay's headline figures when absent).
fn parse_outputs(
    value: Option<&toml::Value>,
    base: &Scenario,
    fail: &mut dyn FnMut(&str, String),
) -> Option<Vec<Output>> {
    let headlines = crate::model::metrics::summary::headline_names();
    let Some(value) = value else {
        return Some(
            DEFAULT_OUTPUTS
                .iter()
                .map(|h| Output::Headline((*h).to_owned()))
                .collect(),
        );
    };
    let Some(list) = value.as_array().filter(|l| !l.is_empty()) else {
        fail(
            "sensitivity.outputs",
            "must be a non-empty list of headline names and metric tables, like \
             [\"work_hours_mean\", { metric = \"food_stock_days\", aggregate = \"mean\" }]"
                .to_owned(),
        );
        return None;
    };
    let mut outputs = Vec::new();
    let mut ok = true;
    for (i, item) in list.iter().enumerate() {
        let key = format!("sensitivity.outputs.{i}");
        match item {
            toml::Value::String(h) if headlines.contains(&h.as_str()) => {
                outputs.push(Output::Headline(h.clone()));
            }
            toml::Value::String(h) => {
                ok = false;
                fail(
                    &key,
                    format!(
                        "\"{h}\" is not a headline figure; the headlines are {} (a metric column \
                         needs a table, {{ metric = \"{h}\", aggregate = \"mean\" }})",
                        headlines.join(", ")
                    ),
                );
            }
            toml::Value::Table(t) => match metric_output(t, &key, base, fail) {
                Some(o) => outputs.push(o),
                None => ok = false,
            },
            other => {
                ok = false;
                fail(
                    &key,
                    format!("is {other}; it must be a headline name or a metric table"),
                );
            }
        }
    }
    let mut names: Vec<String> = outputs.iter().map(Output::name).collect();
    names.sort();
    if names.windows(2).any(|w| w[0] == w[1]) {
        fail("sensitivity.outputs", "names an output twice".to_owned());
        return None;
    }
    ok.then_some(outputs)
}

fn metric_output(
    t: &toml::Table,
    key: &str,
    base: &Scenario,
    fail: &mut dyn FnMut(&str, String),
) -> Option<Output> {
    let mut ok = true;
    for k in t.keys() {
        if !["metric", "aggregate", "from_day", "to_day"].contains(&k.as_str()) {
            fail(
                &format!("{key}.{k}"),
                "unknown key; a metric output has metric, aggregate, from_day and to_day"
                    .to_owned(),
            );
            ok = false;
        }
    }
    let columns: Vec<&str> = crate::model::metrics::row::COLUMNS
        .iter()
        .map(|c| c.name)
        .collect();
    let column = match t.get("metric").and_then(|v| v.as_str()) {
        Some(c) if columns.contains(&c) => c.to_owned(),
        Some(c) => {
            let best = super::closest(c, columns.iter().copied())
                .map(|k| format!("; did you mean `{k}`?"))
                .unwrap_or_default();
            fail(
                &format!("{key}.metric"),
                format!("\"{c}\" is not a metric column (see docs/metrics.md){best}"),
            );
            return None;
        }
        None => {
            fail(
                key,
                "a metric output needs `metric`, the name of a metrics column".to_owned(),
            );
            return None;
        }
    };
    let aggregate = match t.get("aggregate").map(|v| v.as_str()) {
        None => Aggregate::Mean,
        Some(Some(a)) if Aggregate::NAMES.contains(&a) => [
            Aggregate::Mean,
            Aggregate::Sum,
            Aggregate::Min,
            Aggregate::Max,
            Aggregate::Last,
        ][Aggregate::NAMES.iter().position(|n| *n == a).unwrap_or(0)],
        Some(_) => {
            fail(
                &format!("{key}.aggregate"),
                format!(
                    "is {}; it must be one of {}",
                    t["aggregate"],
                    Aggregate::NAMES.join(", ")
                ),
            );
            return None;
        }
    };
    let ticks = base.meta.ticks;
    let mut day = |k: &str, default: u32| match t.get(k) {
        None => Some(default),
        Some(toml::Value::Integer(d)) if (1..=i64::from(ticks)).contains(d) => Some(*d as u32),
        Some(v) => {
            fail(
                &format!("{key}.{k}"),
                format!("is {v}; it must be a day between 1 and the scenario's ticks ({ticks})"),
            );
            None
        }
    };
    let (from_day, to_day) = (day("from_day", 1)?, day("to_day", ticks)?);
    if from_day > to_day {
        fail(
            key,
            format!("is an empty window: from_day {from_day} is after to_day {to_day}"),
        );
        return None;
    }
    ok.then_some(Output::Metric {
        column,
        aggregate,
        from_day,
        to_day,
    })
}

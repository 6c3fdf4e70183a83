//! The `[sweep]` section: which parameters a sweep varies, over which values, and how many
//! replicates of each point it runs.
//!
//! ```toml
//! [sweep]
//! design = "grid"          # "grid" (every combination), "list" (the i-th values together)
//!                          # or "latin_hypercube" (`samples` points spread over the ranges)
//! replicates = 5           # runs of each point, with seeds derived from the root seed
//! samples = 20             # latin_hypercube only
//!
//! [sweep.parameters]
//! "food.garden_share" = [0.0, 0.2, 0.4]                    # a list of values
//! "labour.willing_hours_mean" = { min = 2, max = 5, steps = 4 }   # a range
//! ```
//!
//! Parameters are named by their dotted path in the scenario file. Every problem is reported at
//! once, before anything runs, like the rest of the scenario.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{Problem, Scenario, closest, locate::Locator};

/// How a sweep's points are built from its parameters' values.
#[derive(Clone, Debug, PartialEq)]
pub enum Design {
    /// Every combination of every parameter's values; the first parameter varies slowest.
    Grid,
    /// Point i takes the i-th value of every parameter; all lists have the same length.
    List,
    /// `samples` points; each parameter's range is cut into `samples` equal strata and each
    /// stratum is sampled once, the strata paired at random (seeded by the root seed).
    LatinHypercube { samples: u32 },
}

/// The values a swept parameter takes.
#[derive(Clone, Debug, PartialEq)]
pub enum Values {
    List(Vec<toml::Value>),
    /// `steps` evenly spaced values from `min` to `max` inclusive (grid and list designs), or a
    /// continuous range (latin hypercube).
    Range {
        min: f64,
        max: f64,
        steps: Option<u32>,
    },
}

/// One swept parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct SweptParam {
    /// Dotted path in the scenario file, like `food.garden_share`.
    pub path: String,
    pub values: Values,
    /// Whether the parameter holds whole numbers (range values are then rounded).
    pub integer: bool,
}

/// A validated `[sweep]` section.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepSpec {
    pub design: Design,
    /// Runs of each point (1 to 10,000). Default 1.
    pub replicates: u32,
    pub parameters: Vec<SweptParam>,
}

/// Most runs a sweep may hold.
pub const MAX_RUNS: u64 = 10_000_000;

/// The seed of replicate `r` under `root`: the root itself for the first replicate, so that
/// replicate 0 repeats `commune run`, then well-mixed seeds (SplitMix64).
pub fn replicate_seed(root: u64, r: u32) -> u64 {
    if r == 0 {
        return root;
    }
    let mut z = root.wrapping_add(u64::from(r).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl SweepSpec {
    /// The points of the sweep: for each, one value per parameter, in parameter order.
    pub fn points(&self, root_seed: u64) -> Vec<Vec<toml::Value>> {
        let expand = |p: &SweptParam| -> Vec<toml::Value> {
            match &p.values {
                Values::List(v) => v.clone(),
                Values::Range { min, max, steps } => {
                    let n = steps.unwrap_or(1).max(1);
                    (0..n)
                        .map(|i| {
                            let x = if n == 1 {
                                *min
                            } else {
                                min + (max - min) * f64::from(i) / f64::from(n - 1)
                            };
                            number(x, p.integer)
                        })
                        .collect()
                }
            }
        };
        match &self.design {
            Design::Grid => {
                let mut points = vec![Vec::new()];
                for p in &self.parameters {
                    let values = expand(p);
                    points = points
                        .into_iter()
                        .flat_map(|pt| {
                            values.iter().map(move |v| {
                                let mut pt = pt.clone();
                                pt.push(v.clone());
                                pt
                            })
                        })
                        .collect();
                }
                points
            }
            Design::List => {
                let columns: Vec<_> = self.parameters.iter().map(expand).collect();
                let n = columns.first().map_or(0, Vec::len);
                (0..n)
                    .map(|i| columns.iter().map(|c| c[i].clone()).collect())
                    .collect()
            }
            Design::LatinHypercube { samples } => {
                let n = *samples as usize;
                // The sampling stream is fixed by the root seed, apart from the model's streams.
                let mut rng = ChaCha8Rng::seed_from_u64(root_seed);
                rng.set_stream(0x5357_4545_5000_0000);
                let mut points = vec![Vec::new(); n];
                for p in &self.parameters {
                    let (min, max) = match p.values {
                        Values::Range { min, max, .. } => (min, max),
                        Values::List(_) => unreachable!("validated: ranges only"),
                    };
                    let mut strata: Vec<usize> = (0..n).collect();
                    for i in (1..n).rev() {
                        let j = rng.random_range(0..=i);
                        strata.swap(i, j);
                    }
                    for (point, stratum) in points.iter_mut().zip(strata) {
                        let u: f64 = rng.random();
                        let x = min + (max - min) * (stratum as f64 + u) / n as f64;
                        point.push(number(x, p.integer));
                    }
                }
                points
            }
        }
    }

    /// Number of runs: points times replicates.
    pub fn runs(&self, root_seed: u64) -> u64 {
        self.points(root_seed).len() as u64 * u64::from(self.replicates)
    }
}

fn number(x: f64, integer: bool) -> toml::Value {
    if integer {
        toml::Value::Integer(x.round() as i64)
    } else {
        toml::Value::Float(x)
    }
}

/// A parameter value as a number (for tables and plots); booleans are 0 and 1, and a word is
/// its place in the parameter's declared choices (the first is 0): see [`choices`].
pub fn as_f64(path: &str, v: &toml::Value) -> f64 {
    match v {
        toml::Value::Integer(i) => *i as f64,
        toml::Value::Float(f) => *f,
        toml::Value::Boolean(b) => f64::from(u8::from(*b)),
        toml::Value::String(w) => choices(path)
            .iter()
            .position(|c| c == w)
            .map_or(f64::NAN, |i| i as f64),
        _ => f64::NAN,
    }
}

/// The words a text parameter takes, in declared order (empty for other parameters).
pub fn choices(path: &str) -> &'static [&'static str] {
    match crate::model::kernel::decl::find(path).map(|d| d.check) {
        Some(crate::model::kernel::decl::Check::Choice(words)) => words,
        _ => &[],
    }
}

/// The kind of value at a dotted path in the full scenario, or why it cannot be swept.
pub(super) fn kind_at(defaults: &toml::Table, path: &str) -> Result<toml::Value, String> {
    let not_sweepable = ["name", "description", "seed"];
    if not_sweepable.contains(&path) {
        return Err(format!(
            "cannot be swept{}",
            if path == "seed" {
                "; replicates vary the seed"
            } else {
                ""
            }
        ));
    }
    let mut node = defaults;
    let mut parts = path.split('.').peekable();
    while let Some(part) = parts.next() {
        match node.get(part) {
            Some(toml::Value::Table(t)) if parts.peek().is_some() => node = t,
            Some(v) if parts.peek().is_none() && !v.is_table() => {
                return match v {
                    toml::Value::Integer(_) | toml::Value::Float(_) | toml::Value::Boolean(_) => {
                        Ok(v.clone())
                    }
                    toml::Value::String(_) if !choices(path).is_empty() => Ok(v.clone()),
                    _ => Err(
                        "cannot be swept: only numbers, true/false and words chosen from a list \
                         can"
                        .to_owned(),
                    ),
                };
            }
            _ => break,
        }
    }
    // A key of a table the user fills, like `economy.scale.K64`: the section's own checks say
    // whether the key names something when the scenario is read.
    if let Some(d) = crate::model::kernel::decl::find(path)
        && d.path.ends_with(".*")
        && !d.path[..d.path.len() - 2].contains('*')
    {
        return Ok(match d.check {
            crate::model::kernel::decl::Check::Free => toml::Value::String(String::new()),
            _ => toml::Value::Float(1.0),
        });
    }
    // Suggest the closest known path.
    let mut known = Vec::new();
    for (k, v) in defaults {
        match v {
            toml::Value::Table(t) => known.extend(t.keys().map(|leaf| format!("{k}.{leaf}"))),
            _ if !not_sweepable.contains(&k.as_str()) => known.push(k.clone()),
            _ => {}
        }
    }
    Err(match closest(path, known.iter().map(String::as_str)) {
        Some(k) => format!("unknown parameter; did you mean `{k}`?"),
        None => "unknown parameter: name it by its path in the scenario, like \
                 `food.garden_share`"
            .to_owned(),
    })
}

/// Flattens `[sweep.parameters]` into (dotted path, value), accepting both quoted dotted keys
/// (`"food.garden_share" = [...]`) and nested tables (`[sweep.parameters.food]`). A table with
/// `min` or `max` is a range, not a nesting.
fn flatten(prefix: &str, table: &toml::Table, out: &mut Vec<(String, toml::Value)>) {
    flatten_where(prefix, table, out, |t| {
        !t.contains_key("min") && !t.contains_key("max")
    });
}

/// Flattens nested tables into (dotted path, value), descending into the tables `nests` accepts
/// and taking any other value (a table included) as a leaf.
pub(super) fn flatten_where(
    prefix: &str,
    table: &toml::Table,
    out: &mut Vec<(String, toml::Value)>,
    nests: fn(&toml::Table) -> bool,
) {
    for (k, v) in table {
        let path = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::Table(t) if nests(t) => flatten_where(&path, t, out, nests),
            _ => out.push((path, v.clone())),
        }
    }
}

/// Parses and checks a `[sweep]` section against `base`, the scenario it sweeps (already valid
/// when `check_points`, in which case every point's scenario is validated too).
pub(super) fn parse(
    value: &toml::Value,
    base: &Scenario,
    check_points: bool,
    locator: &Locator,
    problems: &mut Vec<Problem>,
) -> Option<SweepSpec> {
    let mut found: Vec<Problem> = Vec::new();
    let result = check_section(value, base, check_points, locator, &mut found);
    let ok = found.is_empty();
    problems.extend(found);
    if ok { result } else { None }
}

fn check_section(
    value: &toml::Value,
    base: &Scenario,
    check_points: bool,
    locator: &Locator,
    problems: &mut Vec<Problem>,
) -> Option<SweepSpec> {
    let count = std::cell::Cell::new(0usize);
    let mut fail = |key: &str, message: String| {
        count.set(count.get() + 1);
        problems.push(Problem {
            line: locator.line(key),
            key: key.to_owned(),
            message,
        });
    };
    let Some(table) = value.as_table() else {
        fail(
            "sweep",
            "must be a table, like `[sweep]` followed by its keys".to_owned(),
        );
        return None;
    };
    let known = ["design", "replicates", "samples", "parameters"];
    for k in table.keys() {
        if !known.contains(&k.as_str()) {
            fail(
                &format!("sweep.{k}"),
                format!("unknown key; known keys here: {}", known.join(", ")),
            );
        }
    }
    let whole =
        |key: &str, default: i64, lo: i64, hi: i64, fail: &mut dyn FnMut(&str, String)| match table
            .get(key)
        {
            None => Some(default),
            Some(toml::Value::Integer(i)) if (lo..=hi).contains(i) => Some(*i),
            Some(v) => {
                fail(
                    &format!("sweep.{key}"),
                    format!("is {v}; it must be a whole number between {lo} and {hi}"),
                );
                None
            }
        };
    let replicates = whole("replicates", 1, 1, 10_000, &mut fail);
    let samples = whole("samples", 0, 1, 1_000_000, &mut fail);
    let design = match table.get("design").map(|v| v.as_str()) {
        None | Some(Some("grid")) => Some(Design::Grid),
        Some(Some("list")) => Some(Design::List),
        Some(Some("latin_hypercube")) => match samples {
            Some(0) => {
                fail(
                    "sweep.samples",
                    "a latin_hypercube design needs `samples`, the number of points".to_owned(),
                );
                None
            }
            Some(n) => Some(Design::LatinHypercube { samples: n as u32 }),
            None => None,
        },
        Some(_) => {
            fail(
                "sweep.design",
                format!(
                    "is {}; it must be \"grid\", \"list\" or \"latin_hypercube\"",
                    table["design"]
                ),
            );
            None
        }
    };
    if samples.is_some_and(|s| s > 0) && !matches!(design, Some(Design::LatinHypercube { .. })) {
        fail(
            "sweep.samples",
            "is only used by design = \"latin_hypercube\"".to_owned(),
        );
    }

    let defaults: toml::Table = toml::from_str(&base.to_toml()).expect("a scenario parses");
    let mut raw = Vec::new();
    match table.get("parameters") {
        Some(toml::Value::Table(t)) => flatten("", t, &mut raw),
        Some(_) => fail(
            "sweep.parameters",
            "must be a table of parameter paths and their values".to_owned(),
        ),
        None => {}
    }
    if raw.is_empty() {
        fail(
            "sweep.parameters",
            "names no parameter to sweep; add e.g. `\"food.garden_share\" = [0.0, 0.2]` under \
             `[sweep.parameters]`"
                .to_owned(),
        );
    }
    let mut parameters = Vec::new();
    for (path, v) in raw {
        let key = format!("sweep.parameters.{path}");
        let kind = match kind_at(&defaults, &path) {
            Ok(kind) => kind,
            Err(message) => {
                fail(&key, message);
                continue;
            }
        };
        let integer = kind.is_integer();
        let values = match v {
            toml::Value::Array(list) => {
                if list.is_empty() {
                    fail(&key, "is an empty list: give at least one value".to_owned());
                    continue;
                }
                let mut ok = Vec::new();
                for item in list {
                    match coerce(&item, &kind) {
                        Ok(x) => ok.push(x),
                        Err(m) => fail(&key, format!("value {item}: {m}")),
                    }
                }
                Values::List(ok)
            }
            toml::Value::Table(range) => {
                for k in range.keys() {
                    if !["min", "max", "steps"].contains(&k.as_str()) {
                        fail(
                            &format!("{key}.{k}"),
                            "unknown key; a range has min, max and steps".to_owned(),
                        );
                    }
                }
                if kind.is_bool() {
                    fail(
                        &key,
                        "is true or false: list the values, [false, true]".to_owned(),
                    );
                    continue;
                }
                if kind.is_str() {
                    fail(
                        &key,
                        format!(
                            "is a word: list the values, chosen from {}",
                            choices(&path).join(", ")
                        ),
                    );
                    continue;
                }
                let num = |k: &str| range.get(k).and_then(as_number);
                let (Some(min), Some(max)) = (num("min"), num("max")) else {
                    fail(&key, "a range needs numbers `min` and `max`".to_owned());
                    continue;
                };
                if !(min.is_finite() && max.is_finite()) || max < min {
                    fail(
                        &key,
                        format!("is an empty range: max {max} is below min {min}"),
                    );
                    continue;
                }
                let steps = match range.get("steps") {
                    None => None,
                    Some(toml::Value::Integer(s)) if (1..=100_000).contains(s) => Some(*s as u32),
                    Some(s) => {
                        fail(
                            &format!("{key}.steps"),
                            format!("is {s}; it must be a whole number between 1 and 100000"),
                        );
                        continue;
                    }
                };
                if steps.is_none() && !matches!(design, Some(Design::LatinHypercube { .. })) {
                    fail(
                        &key,
                        "a range in a grid or list design needs `steps`, the number of values"
                            .to_owned(),
                    );
                    continue;
                }
                Values::Range { min, max, steps }
            }
            single => match coerce(&single, &kind) {
                Ok(x) => Values::List(vec![x]),
                Err(m) => {
                    fail(&key, m);
                    continue;
                }
            },
        };
        if matches!(design, Some(Design::LatinHypercube { .. }))
            && matches!(values, Values::List(_))
        {
            fail(
                &key,
                "a latin_hypercube design needs a range, { min = .., max = .. }".to_owned(),
            );
            continue;
        }
        parameters.push(SweptParam {
            path,
            values,
            integer,
        });
    }
    if design == Some(Design::List) {
        let lens: Vec<usize> = parameters
            .iter()
            .map(|p| match &p.values {
                Values::List(v) => v.len(),
                Values::Range { steps, .. } => steps.unwrap_or(1) as usize,
            })
            .collect();
        if lens.windows(2).any(|w| w[0] != w[1]) {
            fail(
                "sweep.parameters",
                format!(
                    "a list design pairs the i-th values of every parameter, so every list must \
                     be as long; the lengths are {lens:?}"
                ),
            );
        }
    }
    if count.get() > 0 {
        return None;
    }
    let spec = SweepSpec {
        design: design?,
        replicates: replicates? as u32,
        parameters,
    };
    let points = spec.points(base.meta.seed);
    let runs = points.len() as u64 * u64::from(spec.replicates);
    if runs > MAX_RUNS {
        fail(
            "sweep",
            format!("has {runs} runs; at most {MAX_RUNS} are allowed"),
        );
        return None;
    }
    if check_points {
        // Every point must be a valid scenario: report each bad value once.
        let mut seen = std::collections::HashSet::new();
        for (i, point) in points.iter().enumerate() {
            if let Err(ps) = base.with_values(&spec.paths(), point) {
                for p in ps {
                    // A problem with a swept value is reported at that value; one with another
                    // key (a sum of shares, say) at the sweep's parameters.
                    let (key, message) = if spec.paths().contains(&p.key.as_str()) {
                        (
                            format!("sweep.parameters.{}", p.key),
                            format!("point {i} is not a valid scenario: {}", p.message),
                        )
                    } else {
                        (
                            "sweep.parameters".to_owned(),
                            format!(
                                "point {i} is not a valid scenario: `{}`: {}",
                                p.key, p.message
                            ),
                        )
                    };
                    if seen.insert((key.clone(), p.message.clone())) {
                        fail(&key, message);
                    }
                }
            }
        }
    }
    (count.get() == 0).then_some(spec)
}

impl SweepSpec {
    /// The swept parameters' paths, in order.
    pub fn paths(&self) -> Vec<&str> {
        self.parameters.iter().map(|p| p.path.as_str()).collect()
    }
}

fn as_number(v: &toml::Value) -> Option<f64> {
    match v {
        toml::Value::Integer(i) => Some(*i as f64),
        toml::Value::Float(f) => Some(*f),
        _ => None,
    }
}

/// `v` as a value of the same kind as `kind`.
pub(super) fn coerce(v: &toml::Value, kind: &toml::Value) -> Result<toml::Value, String> {
    match kind {
        toml::Value::String(_) => match v {
            toml::Value::String(_) => Ok(v.clone()),
            _ => Err("expected a word in quotes".to_owned()),
        },
        toml::Value::Boolean(_) => match v {
            toml::Value::Boolean(_) => Ok(v.clone()),
            _ => Err("expected true or false".to_owned()),
        },
        toml::Value::Integer(_) => match v {
            toml::Value::Integer(_) => Ok(v.clone()),
            toml::Value::Float(f) if f.fract() == 0.0 && f.is_finite() => {
                Ok(toml::Value::Integer(*f as i64))
            }
            _ => Err("expected a whole number".to_owned()),
        },
        _ => match as_number(v) {
            Some(x) => Ok(toml::Value::Float(x)),
            None => Err("expected a number".to_owned()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse as parse_scenario;
    use super::*;

    fn sweep_of(text: &str) -> (Scenario, SweepSpec) {
        let s = parse_scenario(text, "t").unwrap_or_else(|p| panic!("{p:?}"));
        let spec = s.sweep.clone().expect("a sweep");
        (s, spec)
    }

    #[test]
    fn a_grid_is_every_combination_first_parameter_slowest() {
        let (s, spec) = sweep_of(
            "[sweep.parameters]\n\"food.garden_share\" = [0.0, 0.5]\n\
             \"population.persons_per_community\" = { min = 10, max = 30, steps = 3 }\n",
        );
        let points = spec.points(s.meta.seed);
        assert_eq!(points.len(), 6);
        assert_eq!(
            points[0],
            [toml::Value::Float(0.0), toml::Value::Integer(10)]
        );
        assert_eq!(points[1][1], toml::Value::Integer(20));
        assert_eq!(
            points[5],
            [toml::Value::Float(0.5), toml::Value::Integer(30)]
        );
        let run = s.with_values(&spec.paths(), &points[5]).unwrap();
        assert_eq!(run.params.population.persons_per_community, 30);
        assert_eq!(run.params.food.garden_share, 0.5);
        assert!(run.sweep.is_none());
    }

    #[test]
    fn a_list_pairs_values_and_a_latin_hypercube_fills_every_stratum() {
        let (s, spec) = sweep_of(
            "[sweep]\ndesign = \"list\"\n[sweep.parameters.food]\ngarden_share = [0.1, 0.2]\n\
             kitchen_share = [1.0, 0.0]\n",
        );
        let points = spec.points(s.meta.seed);
        assert_eq!(points.len(), 2);
        assert_eq!(
            points[1],
            [toml::Value::Float(0.2), toml::Value::Float(0.0)]
        );

        let (s, spec) = sweep_of(
            "seed = 9\n[sweep]\ndesign = \"latin_hypercube\"\nsamples = 8\nreplicates = 3\n\
             [sweep.parameters]\n\"food.garden_share\" = { min = 0.0, max = 0.4 }\n\
             \"food.kitchen_share\" = { min = 0.5, max = 1.0 }\n",
        );
        let points = spec.points(s.meta.seed);
        assert_eq!(points, spec.points(9), "seeded");
        assert_ne!(points, spec.points(10));
        assert_eq!(spec.runs(9), 24);
        for (j, (lo, hi)) in [(0.0, 0.4), (0.5, 1.0)].into_iter().enumerate() {
            let mut strata: Vec<usize> = points
                .iter()
                .map(|p| ((as_f64("", &p[j]) - lo) / (hi - lo) * 8.0) as usize)
                .collect();
            strata.sort_unstable();
            assert_eq!(strata, (0..8).collect::<Vec<_>>());
        }
    }

    #[test]
    fn replicate_seeds_start_at_the_root_and_differ() {
        assert_eq!(replicate_seed(42, 0), 42);
        let seeds: std::collections::HashSet<u64> =
            (0..1000).map(|r| replicate_seed(42, r)).collect();
        assert_eq!(seeds.len(), 1000);
    }

    #[test]
    fn bad_specs_name_their_key_and_line() {
        let problems = parse_scenario(
            "[sweep]\ndesign = \"spiral\"\n[sweep.parameters]\nseed = [1, 2]\n\
             \"food.rationing\" = { min = 0, max = 1 }\n\"food.growing_season\" = [1]\n",
            "t",
        )
        .unwrap_err();
        let find = |key: &str| {
            problems
                .iter()
                .find(|p| p.key == key)
                .unwrap_or_else(|| panic!("{key} in {problems:?}"))
        };
        assert_eq!(find("sweep.design").line, Some(2));
        assert!(
            find("sweep.parameters.seed")
                .message
                .contains("replicates vary the seed")
        );
        assert!(
            find("sweep.parameters.food.rationing")
                .message
                .contains("true or false")
        );
        assert!(
            find("sweep.parameters.food.growing_season")
                .message
                .contains("cannot be swept")
        );
    }
}

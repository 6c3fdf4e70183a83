//! Helpers shared by the integration tests: running the binary and reading its output.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The shipped scenario `name`.
pub fn scenario(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(format!("{name}.toml"))
}

/// The shipped village with the values at dotted `paths` replaced (checked like a file).
pub fn village_with(paths: &[&str], values: &[toml::Value]) -> commune::scenario::Scenario {
    commune::scenario::load(&scenario("village"))
        .unwrap()
        .with_values(paths, values)
        .unwrap()
}

/// Checks that each scenario text is refused with a problem at its key whose message says what
/// is given: `(text, key, says)`.
pub fn assert_refused(cases: &[(&str, &str, &str)]) {
    for (text, key, says) in cases {
        let problems = commune::scenario::parse(text, "t").expect_err(text);
        assert!(
            problems
                .iter()
                .any(|p| p.key == *key && p.message.contains(says)),
            "{text}: {problems:?}"
        );
    }
}

/// Runs `commune` with `args`, in `cwd`, with extra environment variables.
pub fn commune_in(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_commune"));
    cmd.args(args).current_dir(cwd);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("commune runs")
}

pub fn commune(args: &[&str]) -> Output {
    commune_in(Path::new(env!("CARGO_MANIFEST_DIR")), args, &[])
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A parsed `metrics.csv`: header and rows of numbers.
pub struct Csv {
    pub header: Vec<String>,
    pub rows: Vec<Vec<f64>>,
}

impl Csv {
    pub fn read(path: &Path) -> Csv {
        let text = std::fs::read_to_string(path).expect("metrics.csv exists");
        let mut lines = text.lines();
        let header: Vec<String> = lines
            .next()
            .expect("header")
            .trim_start_matches('\u{feff}')
            .split(',')
            .map(str::to_owned)
            .collect();
        let rows = lines
            .map(|l| {
                l.split(',')
                    .map(|v| v.parse::<f64>().expect("a number"))
                    .collect()
            })
            .collect();
        Csv { header, rows }
    }

    pub fn col(&self, name: &str) -> Vec<f64> {
        let i = self
            .header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("column {name} in {:?}", self.header));
        self.rows.iter().map(|r| r[i]).collect()
    }
}

/// Days from `day` until the first day good `good` is delivered in full again (0: it never ran
/// short), or `None` if it is not within the run.
pub fn recovery(rows: &[commune::model::TickMetrics], good: usize, day: usize) -> Option<usize> {
    (day..rows.len())
        .find(|&t| rows[t].goods_short[good] == 0.0)
        .map(|t| t - day)
}

/// Default parameters with communities of `sizes`, `per_region` to a region.
pub fn communities_of(sizes: Vec<u32>, per_region: u32) -> commune::model::Params {
    let mut p = commune::model::Params::default();
    p.population.communities = sizes.len() as u32;
    p.population.sizes = sizes;
    p.population.communities_per_region = per_region;
    p
}

/// The village, its `[population]` table opened with `population` (keys, or nothing), with
/// `newcomers` asking to join community 0 on day 0 (none: no event; `influx` keys after the
/// persons, or nothing), run for `days` from `seed`.
pub fn village_with_newcomers(
    population: &str,
    newcomers: u32,
    influx: &str,
    seed: u64,
    days: u32,
) -> Vec<commune::model::TickMetrics> {
    let text = std::fs::read_to_string(scenario("village")).unwrap();
    let text = text.replace("[population]\n", &format!("[population]\n{population}"));
    let text = if newcomers > 0 {
        format!(
            "{text}\n[[events]]\nday = 0\nkind = \"influx\"\ncommunity = 0\npersons = {newcomers}\n{influx}"
        )
    } else {
        text
    };
    let s = commune::scenario::parse(&text, "village").unwrap();
    let mut sim = commune::model::Simulation::new(s.params.clone(), seed);
    for event in &s.schedule {
        sim.schedule_event(event.clone());
    }
    (0..days).map(|_| sim.step()).collect()
}

/// Runs `params` on `seed` for `day` days, then, as a shock, adults want two hours of learning
/// a day (not 0.3), and runs `after` days more: every day's metrics.
pub fn learning_shock(
    params: &commune::model::Params,
    seed: u64,
    day: usize,
    after: usize,
) -> Vec<commune::model::TickMetrics> {
    use commune::model::kernel::params::setting::ParamValue;
    let mut sim = commune::model::Simulation::new(params.clone(), seed);
    let mut rows: Vec<_> = (0..day).map(|_| sim.step()).collect();
    sim.set("goods.learning.need_adult", &ParamValue::Float(2.0));
    rows.extend((0..after).map(|_| sim.step()));
    rows
}

/// The village under local planning, requests varying 10% a day, with the given values.
pub fn local_village(extra: &[(&str, toml::Value)]) -> commune::scenario::Scenario {
    let mut paths = vec!["economy.planning", "economy.request_cv"];
    let mut values = vec![toml::Value::from("local"), toml::Value::from(0.1)];
    for (p, v) in extra {
        paths.push(p);
        values.push(v.clone());
    }
    village_with(&paths, &values)
}

/// A run's metrics rows and its decisions, `days` days of scenario `s` from `seed`.
pub fn rows_and_decisions(
    s: &commune::scenario::Scenario,
    seed: u64,
    days: u32,
) -> (
    Vec<commune::model::TickMetrics>,
    Vec<commune::model::kernel::decisions::Decision>,
) {
    let mut sim = commune::model::Simulation::new(s.params.clone(), seed);
    let rows = (0..days).map(|_| sim.step()).collect();
    (rows, sim.decisions().to_vec())
}

/// Each good's syndicate's `Ordering` in a world of one community (the village), by good.
pub fn orderings(
    sim: &mut commune::model::Simulation,
) -> [commune::model::kernel::components::Ordering; commune::model::kernel::goods::N_GOODS] {
    use commune::model::kernel::components::{Ordering, Syndicate};
    use commune::model::kernel::params::Sector;
    let world = sim.world_mut();
    let mut out = [Ordering::default(); commune::model::kernel::goods::N_GOODS];
    for (s, o) in world.query::<(&Syndicate, &Ordering)>().iter(world) {
        if let Sector::Making(g) = s.sector {
            out[g.index()] = *o;
        }
    }
    out
}

/// Each goods syndicate's agreements with the syndicates whose goods it uses, by good, of a
/// one-community world under `economy.input_agreements = "assemblies"` (the only rule under
/// which syndicates have them).
pub fn input_orders(
    sim: &mut commune::model::Simulation,
) -> [commune::model::kernel::components::Inputs; commune::model::kernel::goods::N_GOODS] {
    use commune::model::kernel::components::{Inputs, Syndicate};
    use commune::model::kernel::params::Sector;
    let world = sim.world_mut();
    let mut out = [None; commune::model::kernel::goods::N_GOODS];
    for (s, q) in world.query::<(&Syndicate, &Inputs)>().iter(world) {
        if let Sector::Making(g) = s.sector {
            out[g.index()] = Some(*q);
        }
    }
    out.map(|q| q.expect("every goods syndicate has its input agreements"))
}

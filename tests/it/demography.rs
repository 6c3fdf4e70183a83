//! Demography (`[demography]`) in the whole model: persons are born and die at the life table's
//! rates, everyone is counted, children grow into the labour pool, and bad life tables are
//! refused. (The stable age structure over a century is checked against Lotka in
//! `model::population::demography`'s unit tests, on the demography pass alone.)

use commune::model::Simulation;
use commune::scenario::Scenario;
use rayon::prelude::*;

use crate::common::*;

/// The village with demography on and the given values.
fn village(paths: &[&str], values: &[toml::Value]) -> Scenario {
    let mut p = vec!["demography.enabled"];
    let mut v = vec![toml::Value::from(true)];
    p.extend_from_slice(paths);
    v.extend_from_slice(values);
    commune::scenario::load(&scenario("village"))
        .unwrap()
        .with_values(&p, &v)
        .unwrap()
}

/// Over 20 seeds of two years, everyone is accounted for: each day's population is the day
/// before's plus births less deaths, and the births and deaths over all seeds are what the
/// stable population's crude rates predict (within four standard errors of a Poisson count).
#[test]
fn births_and_deaths_add_up_and_come_at_the_tables_rates() {
    let s = village(&[], &[]);
    let table = s.params.demography.derived.clone().unwrap();
    // The stable population's crude birth and death rates (per person per year), from the
    // model's own stable shares and the table's annual rates.
    let mut births_rate = 0.0;
    let mut deaths_rate = 0.0;
    for (age, share) in table.stable.iter().enumerate() {
        births_rate += share[0] * (table.rates.daughters[age] + table.rates.sons[age]);
        deaths_rate += share[0] * table.rates.q_female[age] + share[1] * table.rates.q_male[age];
    }
    let days = 730u32;
    let runs: Vec<(f64, f64, f64)> = (1..=20u64)
        .into_par_iter()
        .map(|seed| {
            let mut sim = Simulation::new(s.params.clone(), seed);
            let (mut births, mut deaths, mut person_years) = (0.0, 0.0, 0.0);
            let mut before: Option<u64> = None;
            for _ in 0..days {
                let m = sim.step();
                if let Some(b) = before {
                    assert_eq!(m.population, b + m.births - m.deaths, "seed {seed}");
                }
                before = Some(m.population);
                births += m.births as f64;
                deaths += m.deaths as f64;
                person_years += m.population as f64 / 365.0;
            }
            (births, deaths, person_years)
        })
        .collect();
    let births: f64 = runs.iter().map(|r| r.0).sum();
    let deaths: f64 = runs.iter().map(|r| r.1).sum();
    let years: f64 = runs.iter().map(|r| r.2).sum();
    for (what, seen, rate) in [
        ("births", births, births_rate),
        ("deaths", deaths, deaths_rate),
    ] {
        let expected = rate * years;
        assert!(
            (seen - expected).abs() < 4.0 * expected.sqrt(),
            "{what}: {seen} seen, {expected:.1} expected over {years:.0} person-years"
        );
    }
}

/// A village of children under a year old, with `adult_age = 1`: within the year they all
/// become adults and work, where on day 0 almost nobody could (20 seeds).
#[test]
fn ageing_moves_children_into_the_labour_pool() {
    let s = village(
        &[
            "population.child_share",
            "population.elder_share",
            "demography.initial_ages",
            "demography.adult_age",
        ],
        &[
            toml::Value::from(1.0),
            toml::Value::from(0.0),
            toml::Value::from("classes"),
            toml::Value::from(1),
        ],
    );
    (1..=20u64).into_par_iter().for_each(|seed| {
        let mut sim = Simulation::new(s.params.clone(), seed);
        let first = sim.step();
        // Day 0 ages everyone a day: only those a day short of their first birthday are adults.
        assert!(
            first.able_adults <= 3,
            "seed {seed}: {} adults on day 0",
            first.able_adults
        );
        let mut last = first;
        for _ in 1..400 {
            last = sim.step();
        }
        // Everyone alive from day 0 is an adult now; only those born since are children.
        assert!(
            last.able_adults as f64 > 0.9 * (last.population - last.children) as f64,
            "seed {seed}: {} able adults of {}",
            last.able_adults,
            last.population
        );
        assert!(
            last.work_hours_mean > 0.5,
            "seed {seed}: {}",
            last.work_hours_mean
        );
    });
}

/// Demography off leaves a run as it was: no ages, no births, no deaths.
#[test]
fn without_demography_nobody_is_born_or_dies() {
    let s = commune::scenario::load(&scenario("village")).unwrap();
    let mut sim = Simulation::new(s.params.clone(), 1);
    let first = sim.step();
    for _ in 1..200 {
        let m = sim.step();
        assert_eq!((m.births, m.deaths), (0, 0));
        assert_eq!(m.population, first.population);
    }
}

#[test]
fn bad_life_tables_and_ages_are_refused_with_their_keys() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "[demography]\nenabled = true\nlife_table = \"wpp2024-wrld\"\n",
            "demography.life_table",
            "did you mean \"wpp2024-world\"",
        ),
        (
            "[demography]\nenabled = true\nlife_table = \"custom\"\n",
            "demography.life_table",
            "no `[demography.table]`",
        ),
        (
            "[demography]\nenabled = true\nlife_table = \"custom\"\n[demography.table]\nq_female = [0.01, 1.3]\nq_male = [0.01, 0.5]\ndaughters = [0.0, 0.0]\nsons = [0.0, 0.0]\n",
            "demography.table.q_female",
            "is 1.3 at age 1",
        ),
        (
            "[demography]\nenabled = true\nlife_table = \"custom\"\n[demography.table]\nq_female = [0.01, 1.0]\nq_male = [0.01]\ndaughters = [0.0, 0.0]\nsons = [0.0, 0.0]\n",
            "demography.table.q_male",
            "has 1 ages",
        ),
        (
            "[demography]\nenabled = true\nadult_age = 40\nretirement_age = 35\n",
            "demography.retirement_age",
            "must be above `adult_age`",
        ),
        (
            "[demography]\nenabled = true\n[demography.table]\nq_femal = [0.1]\n",
            "demography.table.q_femal",
            "unknown",
        ),
    ];
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

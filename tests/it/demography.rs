//! Communities and their people in the whole model: demography (`[demography]`: persons are
//! born and die at the life table's rates, everyone is counted, children grow into the labour
//! pool, bad life tables are refused), newcomers who bring their share, and communities of
//! different sizes. (The stable age structure over a century is checked against Lotka in
//! `model::population::demography`'s unit tests, on the demography pass alone.)

use commune::analysis::stats::MeanCi;
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
    village_with(&p, &v)
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
        // Work hours over the last 30 days: under local planning a single day's can dip (a
        // syndicate whose stock is full makes nothing that day).
        let mut recent = 0.0;
        for day in 1..400 {
            last = sim.step();
            if day >= 370 {
                recent += last.work_hours_mean / 30.0;
            }
        }
        // Everyone alive from day 0 is an adult now; only those born since are children.
        assert!(
            last.able_adults as f64 > 0.9 * (last.population - last.children) as f64,
            "seed {seed}: {} able adults of {}",
            last.able_adults,
            last.population
        );
        assert!(recent > 0.5, "seed {seed}: {recent}");
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
    assert_refused(cases);
}

/// The village with `newcomers` joining on day 0, with or without provisions, over `days`.
fn with_newcomers(seed: u64, newcomers: u32, provisions: bool, days: u32) -> Vec<f64> {
    let influx = format!("provisions = {provisions}\n");
    village_with_newcomers("", newcomers, &influx, seed, days)
        .iter()
        .map(|r| r.need_satisfaction)
        .collect()
}

/// Fifteen newcomers who bring the community's land, housing, installations and stores per
/// resident leave need satisfaction after the first harvest within a point of the village
/// without them; without provisions they do not (20 seeds, mean of days 260-400).
#[test]
fn newcomers_with_provisions_do_as_well_as_the_founders() {
    let after = |v: Vec<f64>| v[260..].iter().sum::<f64>() / (v.len() - 260) as f64;
    let diffs: Vec<(f64, f64)> = (1..=20u64)
        .into_par_iter()
        .map(|seed| {
            let base = after(with_newcomers(seed, 0, false, 400));
            let given = after(with_newcomers(seed, 15, true, 400));
            let bare = after(with_newcomers(seed, 15, false, 400));
            (given - base, bare - base)
        })
        .collect();
    let given_ci = MeanCi::of(&diffs.iter().map(|d| d.0).collect::<Vec<_>>());
    let bare_ci = MeanCi::of(&diffs.iter().map(|d| d.1).collect::<Vec<_>>());
    let (given, bare) = (given_ci.mean, bare_ci.mean);
    println!(
        "need satisfaction against the village: with provisions {given:+.4} [{:+.4}, {:+.4}], without {bare:+.4} [{:+.4}, {:+.4}]",
        given_ci.low, given_ci.high, bare_ci.low, bare_ci.high
    );
    assert!(
        given.abs() < 0.01,
        "with provisions: {given:+.4} against the village"
    );
    assert!(
        bare < -0.01,
        "without provisions: {bare:+.4}, the test could not tell"
    );
}

/// Communities of the sizes listed: each has its persons, and, per resident, the same land and
/// store (so a community three times the size needs three times the food and feeds itself).
#[test]
fn communities_listed_by_size_have_their_persons_and_land() {
    let text = "[population]\ncommunities = 3\nsizes = [60, 180, 120]\n";
    let s = commune::scenario::parse(text, "t").unwrap();
    assert_eq!(s.params.initial_population(1), 360);
    let mut sim = Simulation::new(s.params.clone(), 1);
    let mut rows = Vec::new();
    let mut food = [0.0; 3];
    let mut eaten = [0.0; 3];
    for _ in 0..300 {
        sim.step();
        rows.clear();
        sim.community_metrics(&mut rows);
        for r in &rows {
            food[r.community as usize] += r.food_needed_kg;
            eaten[r.community as usize] += r.food_eaten_kg;
        }
    }
    let persons: Vec<u32> = rows.iter().map(|r| r.persons).collect();
    assert_eq!(persons, [60, 180, 120]);
    // Food needed in proportion to size (ages differ a little from community to community).
    let per_person: Vec<f64> = (0..3).map(|c| food[c] / f64::from(persons[c])).collect();
    for c in 1..3 {
        assert!(
            (per_person[c] / per_person[0] - 1.0).abs() < 0.1,
            "{per_person:?}"
        );
        assert!(
            eaten[c] / food[c] > 0.97,
            "community {c} fed {}",
            eaten[c] / food[c]
        );
    }
}

/// Sizes drawn within a range stay within it, differ between communities, are the same for the
/// same seed, and add up to the count a run reports (20 seeds).
#[test]
fn community_sizes_drawn_from_a_range() {
    let text = "[population]\ncommunities = 12\nsize_range = [50, 200]\n";
    let s = commune::scenario::parse(text, "t").unwrap();
    for seed in 1..=20u64 {
        let sizes = s.params.community_sizes(seed);
        assert_eq!(sizes, s.params.community_sizes(seed));
        assert!(sizes.iter().all(|n| (50..=200).contains(n)), "{sizes:?}");
        assert!(sizes.iter().any(|&n| n != sizes[0]), "{sizes:?}");
    }
    let mut sim = Simulation::new(s.params.clone(), 5);
    let m = sim.step();
    assert_eq!(m.population, s.params.initial_population(5));
}

#[test]
fn sizes_that_do_not_add_up_are_refused() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "[population]\ncommunities = 3\nsizes = [60, 180]\n",
            "population.sizes",
            "lists 2 communities but `communities` is 3",
        ),
        (
            "[population]\ncommunities = 2\nsizes = [60, 100000]\n",
            "population.sizes",
            "gives community 1 100000 persons",
        ),
        (
            "[population]\ncommunities = 2\nsize_range = [200, 50]\n",
            "population.size_range",
            "1 <= least <= most",
        ),
        (
            "[population]\ncommunities = 2\nsize_range = [50]\n",
            "population.size_range",
            "two numbers",
        ),
        (
            "[population]\ncommunities = 2\nsizes = [50, 60]\nsize_range = [50, 60]\n",
            "population.size_range",
            "cannot be given with `sizes`",
        ),
    ];
    assert_refused(cases);
}

//! The status quo built from published accounts (`[economy] table = "wiod2016"`): the table
//! economy the scenario layer derives, the simulation's steady state, and the shipped
//! status-quo scenarios against the accounts' own totals, over 10 seeds.

use commune::accounts::{COUNTRIES, CountryYear, DataSource, Demand, Imports, SectorMap};
use commune::analysis::stats::MeanCi;
use commune::model::Simulation;
use commune::model::kernel::ledger::{Days, TableDay};
use commune::model::kernel::technology::TABLE_SECTORS;
use rayon::prelude::*;

use crate::common::*;

fn status_quo(country: &str) -> commune::scenario::Scenario {
    commune::scenario::load(&scenario(&format!("status-quo-{}", country.to_lowercase()))).unwrap()
}

/// The accounts' own figures, summed straight from the published tables: hours worked per
/// resident per day, hours per person engaged per year, CO2 per resident per year (t).
fn published(country: &str) -> (f64, f64, f64) {
    let cy = CountryYear::load(&DataSource::BuiltIn, country, 2014).unwrap();
    let hours: f64 = cy.domestic.hours.iter().sum();
    let persons: f64 = cy.persons.iter().sum();
    let co2: f64 = cy.domestic.co2.iter().sum::<f64>() + cy.households_co2;
    (
        hours / cy.population / 365.0,
        hours / persons,
        co2 / cy.population,
    )
}

#[test]
fn the_derived_table_embodies_the_published_hours_and_co2() {
    for country in COUNTRIES {
        let s = status_quo(country);
        let table = s.params.economy.derived.as_ref().expect("a table economy");
        // l (I - A)^-1 f from the table economy's own arrays, per resident per day.
        let x = table.gross_output(&table.final_use);
        let hours: f64 = (0..TABLE_SECTORS).map(|i| table.labour[i] * x[i]).sum();
        let co2: f64 =
            (0..TABLE_SECTORS).map(|i| table.co2[i] * x[i]).sum::<f64>() + table.household_co2;
        let (h, _, c) = published(country);
        assert!((hours / h - 1.0).abs() < 1e-6, "{country}: {hours} vs {h}");
        assert!(
            (co2 * 365.0 / 1000.0 / c - 1.0).abs() < 1e-6,
            "{country}: {co2} kg a day vs {c} t a year"
        );
    }
}

#[test]
fn consumption_only_embodies_the_aggregated_consumption_hours() {
    // The same, for final consumption alone, against the aggregated accounts computed with the
    // accounts' own LU multipliers (not the table economy's inverse).
    let cy = CountryYear::load(&DataSource::BuiltIn, "USA", 2014).unwrap();
    let map = SectorMap::default_for(&DataSource::BuiltIn, &cy.industries).unwrap();
    let flows = map.aggregate(&cy.flows(Imports::Domestic).unwrap());
    let m = flows.coefficients().multipliers().unwrap();
    let expected = m.hours(&flows.demand(Demand::Consumption)) / cy.population / 365.0;
    let s = status_quo("USA")
        .with_values(&["economy.final_demand"], &["consumption".into()])
        .unwrap();
    let table = s.params.economy.derived.as_ref().unwrap();
    let x = table.gross_output(&table.final_use);
    let hours: f64 = (0..TABLE_SECTORS).map(|i| table.labour[i] * x[i]).sum();
    assert!(
        (hours / expected - 1.0).abs() < 1e-6,
        "{hours} vs {expected}"
    );
    assert_eq!(table.final_use, table.consumption);
}

#[test]
fn the_simulations_steady_state_makes_what_the_table_says_on_every_sector() {
    for country in ["DEU", "USA"] {
        let s = status_quo(country).with_ticks(5);
        let mut sim = Simulation::new(s.params.clone(), 7);
        for _ in 0..5 {
            sim.step();
        }
        let persons = f64::from(sim.step().population as u32);
        let made: Vec<f64> = {
            let days = sim.world_mut().resource::<Days<TableDay>>();
            (0..TABLE_SECTORS)
                .map(|i| days.iter().map(|d| d.made[i]).sum())
                .collect()
        };
        // Independently: the aggregated published flows' coefficients, solved by the accounts'
        // LU for all final demand per resident per day (k US$), times the residents.
        let cy = CountryYear::load(&DataSource::BuiltIn, country, 2014).unwrap();
        let map = SectorMap::default_for(&DataSource::BuiltIn, &cy.industries).unwrap();
        let flows = map.aggregate(&cy.flows(Imports::Domestic).unwrap());
        let f: Vec<f64> = flows
            .demand(Demand::All)
            .iter()
            .map(|v| v * 1000.0 / cy.population / 365.0 * persons)
            .collect();
        let x = flows.coefficients().output_for(&f).unwrap();
        for i in 0..TABLE_SECTORS {
            let tolerance = 0.01 * x[i].abs().max(1e-9);
            assert!(
                (made[i] - x[i]).abs() <= tolerance,
                "{country} {}: made {} vs {}",
                flows.labels[i],
                made[i],
                x[i]
            );
        }
    }
}

/// One seed's figures of a status-quo scenario over 30 days: hours worked per resident per
/// day, hours per worker a year, CO2 per resident a year (t).
fn figures(s: &commune::scenario::Scenario, seed: u64) -> [f64; 3] {
    let mut sim = Simulation::new(s.params.clone(), seed);
    let days = 30;
    let mut sums = [0.0; 3];
    for _ in 0..days {
        let m = sim.step();
        sums[0] += m.work_hours_per_person;
        sums[1] += m.work_hours_per_worker * 365.0;
        sums[2] += m.footprint_kg_co2e_per_person * 365.0 / 1000.0;
    }
    sums.map(|v| v / f64::from(days))
}

/// A country, its published figures and each seed's simulated ones.
type Runs = (&'static str, [f64; 3], Vec<[f64; 3]>);

/// Every shipped country's status quo, 10 seeds each.
fn status_quo_runs() -> Vec<Runs> {
    COUNTRIES
        .par_iter()
        .map(|country| {
            let s = status_quo(country);
            let runs = (1..=10u64).map(|seed| figures(&s, seed)).collect();
            let (h, w, c) = published(country);
            (*country, [h, w, c], runs)
        })
        .collect()
}

#[test]
fn status_quo_scenarios_land_on_the_accounts_for_every_seed() {
    let names = ["hours per resident", "hours per worker", "CO2 per resident"];
    let bands = [0.10, 0.10, 0.15];
    let runs = status_quo_runs();
    for (country, published, seeds) in &runs {
        for (seed, run) in seeds.iter().enumerate() {
            for k in 0..3 {
                let off = run[k] / published[k] - 1.0;
                assert!(
                    off.abs() <= bands[k],
                    "{country} seed {}: {} {} vs published {} ({:+.1} %)",
                    seed + 1,
                    names[k],
                    run[k],
                    published[k],
                    100.0 * off
                );
            }
        }
    }
    check_docs_table(&runs);
}

const DOC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/accounts.md");
const START: &str = "<!-- status-quo-table:start (generated by tests/it/table_economy.rs; COMMUNE_UPDATE_DOCS=1 cargo test --test it table_economy:: rewrites it) -->\n";
const END: &str = "<!-- status-quo-table:end -->";

fn check_docs_table(runs: &[Runs]) {
    let mut table = String::from(
        "| country | hours worked, h/resident/day: accounts | simulated, mean [95 % interval] | hours per worker a year: accounts | simulated | CO2, t/resident/yr: JRC | simulated |\n|---|---:|---:|---:|---:|---:|---:|\n",
    );
    for (country, published, seeds) in runs {
        let cell = |k: usize, digits: usize| {
            let ci = MeanCi::of(&seeds.iter().map(|r| r[k]).collect::<Vec<_>>());
            format!(
                "{:.d$} [{:.d$}, {:.d$}]",
                ci.mean,
                ci.low,
                ci.high,
                d = digits
            )
        };
        table.push_str(&format!(
            "| {country} | {:.4} | {} | {:.0} | {} | {:.2} | {} |\n",
            published[0],
            cell(0, 4),
            published[1],
            cell(1, 0),
            published[2],
            cell(2, 2)
        ));
    }
    let doc = std::fs::read_to_string(DOC).unwrap();
    let (Some(a), Some(b)) = (doc.find(START), doc.find(END)) else {
        panic!("docs/accounts.md lacks the status-quo table markers");
    };
    if doc[a + START.len()..b] != table {
        if std::env::var_os("COMMUNE_UPDATE_DOCS").is_some() {
            std::fs::write(DOC, format!("{}{START}{table}{}", &doc[..a], &doc[b..])).unwrap();
        } else {
            panic!(
                "docs/accounts.md's status-quo table is out of date; rerun with COMMUNE_UPDATE_DOCS=1.\nexpected:\n{table}"
            );
        }
    }
}

#[test]
fn bad_economy_sections_name_the_key() {
    let base = std::fs::read_to_string(scenario("status-quo-deu")).unwrap();
    let cases = [
        ("country = \"DEU\"", "country = \"ITA\"", "economy.country"),
        ("year = 2014", "year = 2013", "economy.year"),
        (
            "final_demand = \"all\"",
            "final_demand = \"all\"\n[economy.scale]\nK99 = 0.0",
            "economy.scale.K99",
        ),
        (
            "final_demand = \"all\"",
            "final_demand = \"all\"\n[economy.map]\nM73 = \"adverts\"",
            "economy.map.M73",
        ),
        ("min_skill = 1.0", "min_skill = 0.5", "labour.min_skill"),
        (
            "unemployed_share",
            "money_law_share = 0.2\nunemployed_share",
            "market.money_law_share",
        ),
    ];
    for (from, to, key) in cases {
        assert!(base.contains(from), "{from}");
        let text = base.replacen(from, to, 1);
        let problems = commune::scenario::parse(&text, "bad").expect_err(key);
        assert!(problems.iter().any(|p| p.key == key), "{key}: {problems:?}");
    }
}

#[test]
fn scaling_an_industry_away_removes_its_hours_and_its_inputs() {
    // Without finance and insurance (K64-K66), the hours per resident fall by at least the
    // hours those industries worked, and by no more than those hours plus every hour embodied
    // (at the full economy's multipliers, an upper bound) in what they bought from others.
    let base = status_quo("DEU");
    let cut = base
        .with_values(
            &[
                "economy.scale.K64",
                "economy.scale.K65",
                "economy.scale.K66",
            ],
            &[0.0.into(), 0.0.into(), 0.0.into()],
        )
        .unwrap();
    let hours = |s: &commune::scenario::Scenario| {
        let t = s.params.economy.derived.as_ref().unwrap();
        let x = t.gross_output(&t.final_use);
        (0..TABLE_SECTORS).map(|i| t.labour[i] * x[i]).sum::<f64>()
    };
    let cy = CountryYear::load(&DataSource::BuiltIn, "DEU", 2014).unwrap();
    let flows = &cy.domestic;
    let m = flows.coefficients().multipliers().unwrap();
    let finance: Vec<usize> = (0..flows.len())
        .filter(|&i| flows.labels[i].starts_with('K'))
        .collect();
    assert_eq!(finance.len(), 3);
    let per_day = |v: f64| v / cy.population / 365.0;
    let own = per_day(finance.iter().map(|&k| flows.hours[k]).sum());
    let bought = per_day(
        (0..flows.len())
            .filter(|i| !finance.contains(i))
            .map(|i| m.labour[i] * finance.iter().map(|&k| flows.z[(i, k)]).sum::<f64>())
            .sum(),
    );
    let fall = hours(&base) - hours(&cut);
    assert!(fall >= own * (1.0 - 1e-9), "{fall} < {own}");
    assert!(
        fall <= (own + bought) * (1.0 + 1e-9),
        "{fall} > {own} + {bought}"
    );
    assert!(
        cut.params
            .economy
            .derived
            .as_ref()
            .unwrap()
            .label
            .contains("edited"),
        "the label says the table was edited"
    );
}

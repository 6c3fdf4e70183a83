//! The published accounts (data/wiod2016): what the derivation gives, checked against
//! computations that do not go through it.

use commune::accounts::linalg::dot;
use commune::accounts::{
    AccountsError, COUNTRIES, CountryYear, DAYS_PER_YEAR, DataSource, Demand, Flows, Imports,
    Report, SectorMap, countries_table, repository_data_dir,
};

fn load(country: &str, year: u16) -> CountryYear {
    CountryYear::load(&DataSource::BuiltIn, country, year).unwrap()
}

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(f64::MIN_POSITIVE)
}

/// Hours of persons engaged straight from sea.csv, parsed here without the loader:
/// `H_EMPE × EMP / EMPE` summed over industries (h).
fn sea_hours(country: &str, year: u16) -> f64 {
    let text = std::fs::read_to_string(repository_data_dir().join("sea.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |n: &str| header.iter().position(|h| *h == n).unwrap();
    let (c, y, emp, empe, h) = (
        col("country"),
        col("year"),
        col("EMP"),
        col("EMPE"),
        col("H_EMPE"),
    );
    let mut total = 0.0;
    let mut rows = 0;
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        if f[c] == country && f[y] == year.to_string() {
            let num = |i: usize| f[i].parse::<f64>().unwrap();
            if num(empe) > 0.0 {
                total += num(h) * 1e6 * num(emp) / num(empe);
            }
            rows += 1;
        }
    }
    assert_eq!(rows, 56, "{country} {year}");
    total
}

/// `(I - A)^-1 f` by the power series `f + A f + A^2 f + ...`, without a factorisation.
fn output_by_series(flows: &Flows, f: &[f64]) -> Vec<f64> {
    let a = flows.coefficients().a;
    let mut x = f.to_vec();
    let mut term = f.to_vec();
    let amax = |v: &[f64]| v.iter().fold(0.0_f64, |m, e| m.max(e.abs()));
    for _ in 0..10_000 {
        term = a.times(&term);
        for (xi, ti) in x.iter_mut().zip(&term) {
            *xi += ti;
        }
        if amax(&term) <= 1e-15 * amax(&x) {
            return x;
        }
    }
    panic!("the series did not converge");
}

#[test]
fn every_shipped_table_balances() {
    // Each industry's output is what it sells to industries plus final demand, so the
    // derivation's identities below hold.
    for country in COUNTRIES {
        for year in commune::accounts::YEARS {
            let cy = load(country, year);
            let d = &cy.domestic;
            for i in 0..d.len() {
                let sold =
                    d.z.row(i).iter().sum::<f64>() + d.final_demand.row(i).iter().sum::<f64>();
                assert!(
                    (sold - d.output[i]).abs() <= 1e-6 * d.output[i].max(1.0),
                    "{country} {year} {}: sold {sold}, output {}",
                    d.labels[i],
                    d.output[i]
                );
            }
        }
    }
}

#[test]
fn hours_embodied_in_all_final_demand_are_the_tables_hours() {
    for country in COUNTRIES {
        let cy = load(country, 2014);
        let flows = cy.flows(Imports::Domestic).unwrap();
        let (stranded, _) = flows.stranded();
        assert_eq!(
            stranded, 0.0,
            "{country}: hours in an industry with no output"
        );
        let table = sea_hours(country, 2014);
        assert!(
            rel(flows.hours.iter().sum(), table) < 1e-12,
            "{country} loader"
        );

        let f = flows.demand(Demand::All);
        // Through the library's LU-based multipliers...
        let m = flows.coefficients().multipliers().unwrap();
        let by_multipliers = m.hours(&f);
        // ...and through a power series and the explicit inverse, not using them.
        let x = output_by_series(&flows, &f);
        let by_series = dot(&flows.coefficients().labour, &x);
        let inverse = flows.coefficients().leontief_inverse().unwrap();
        let by_inverse = dot(&flows.coefficients().labour, &inverse.times(&f));
        for (how, h) in [
            ("multipliers", by_multipliers),
            ("series", by_series),
            ("inverse", by_inverse),
        ] {
            assert!(
                rel(h, table) < 1e-6,
                "{country} by {how}: {h} h embodied, {table} h in the table"
            );
        }
    }
}

#[test]
fn hours_per_resident_agree_with_the_penn_world_table() {
    // WIOD's hours (employees' hours scaled to persons engaged) against PWT's avh × emp, a
    // different source (The Conference Board): they agree within 12 % for every country in
    // 2014 (the table in docs/accounts.md has each ratio).
    for country in COUNTRIES {
        let cy = load(country, 2014);
        let t = Report::build(
            &cy,
            &SectorMap::default_for(&DataSource::BuiltIn, &cy.industries).unwrap(),
            Imports::Domestic,
        )
        .unwrap()
        .totals;
        let by_hand = sea_hours(country, 2014) / cy.population / DAYS_PER_YEAR;
        assert!(rel(t.hours_per_resident_day, by_hand) < 1e-12);
        let pwt = t.pwt_hours_per_resident_day.unwrap();
        let ratio = t.hours_per_resident_day / pwt;
        assert!(
            (0.88..=1.12).contains(&ratio),
            "{country}: WIOD {} h, PWT {pwt} h per resident per day",
            t.hours_per_resident_day
        );
        // Consumption takes less than all the hours worked (investment and exports take the
        // rest), but most of them.
        let c = t.consumption_hours_per_resident_day;
        assert!(
            c > 0.5 * t.hours_per_resident_day && c < t.hours_per_resident_day,
            "{country}: {c}"
        );
    }
}

#[test]
fn aggregation_to_model_sectors_preserves_embodied_hours() {
    for country in COUNTRIES {
        let cy = load(country, 2014);
        let map = SectorMap::default_for(&DataSource::BuiltIn, &cy.industries).unwrap();
        for imports in [Imports::Domestic, Imports::MadeAtHome] {
            let flows = cy.flows(imports).unwrap();
            let agg = map.aggregate(&flows);
            assert_eq!(agg.len(), SectorMap::targets().len());
            assert!(rel(agg.hours.iter().sum(), flows.hours.iter().sum()) < 1e-12);
            assert!(rel(agg.output.iter().sum(), flows.output.iter().sum()) < 1e-12);
            let f = flows.demand(Demand::All);
            let fa = agg.demand(Demand::All);
            let detailed = flows.coefficients().multipliers().unwrap().hours(&f);
            let summed = agg.coefficients().multipliers().unwrap().hours(&fa);
            assert!(
                rel(summed, detailed) < 1e-9,
                "{country} {imports:?}: {summed} vs {detailed}"
            );
        }
        // With domestic flows the aggregated economy's output is the sum of its industries'.
        let agg = map.aggregate(&cy.domestic);
        let x = agg
            .coefficients()
            .output_for(&agg.demand(Demand::All))
            .unwrap();
        for ((made, published), label) in x.iter().zip(&agg.output).zip(&agg.labels) {
            assert!(
                (made - published).abs() <= 1e-6 * published.max(1.0),
                "{country} {label}"
            );
        }
    }
}

#[test]
fn one_sector_economy_has_the_closed_form() {
    // All 56 industries in one: a = Z / x, and hours embodied in f are l f / (1 - a).
    let cy = load("FRA", 2014);
    let d = &cy.domestic;
    let one = d.aggregate(&vec![0; d.len()], vec!["all".to_string()]);
    let (z, x, h): (f64, f64, f64) = (d.z.sum(), d.output.iter().sum(), d.hours.iter().sum());
    let f = d.final_demand.sum();
    let c = one.coefficients();
    assert!(rel(c.a[(0, 0)], z / x) < 1e-12);
    let embodied = c.multipliers().unwrap().labour[0] * f;
    assert!(rel(embodied, h / x * f / (1.0 - z / x)) < 1e-12);
    assert!(rel(embodied, h) < 1e-9);
}

#[test]
fn co2_embodied_in_final_demand_plus_households_is_the_jrc_total() {
    for country in COUNTRIES {
        let cy = load(country, 2014);
        let map = SectorMap::default_for(&DataSource::BuiltIn, &cy.industries).unwrap();
        let t = Report::build(&cy, &map, Imports::Domestic).unwrap().totals;
        assert_eq!(
            t.stranded_co2, 0.0,
            "{country}: CO2 of an industry with no output"
        );
        let jrc = t.co2_industries + t.co2_households;
        assert!(
            rel(t.co2_embodied_all_demand + t.co2_households, jrc) < 1e-6,
            "{country}"
        );
        assert!(t.co2_households > 0.0 && t.co2_households < 0.5 * jrc);
        // Consumption (domestic production only) carries less than the territorial total.
        assert!(
            t.consumption_co2_per_resident < t.co2_per_resident,
            "{country}"
        );
    }
}

#[test]
fn imports_made_at_home_add_hours() {
    for country in COUNTRIES {
        let cy = load(country, 2014);
        let map = SectorMap::default_for(&DataSource::BuiltIn, &cy.industries).unwrap();
        let dom = Report::build(&cy, &map, Imports::Domestic).unwrap().totals;
        let home = Report::build(&cy, &map, Imports::MadeAtHome)
            .unwrap()
            .totals;
        assert!(
            home.consumption_hours_per_resident_day > dom.consumption_hours_per_resident_day,
            "{country}"
        );
        assert!(home.embodied_hours_all_demand > dom.hours, "{country}");
    }
}

#[test]
fn empty_industries_get_zero_coefficients() {
    // CAN folds C33, E36, K66 and T into neighbours; U is empty everywhere.
    let cy = load("CAN", 2014);
    let c = cy.domestic.coefficients();
    for code in ["C33", "E36", "K66", "T", "U"] {
        let j = cy.domestic.labels.iter().position(|l| l == code).unwrap();
        assert_eq!(cy.domestic.output[j], 0.0, "{code}");
        assert!(c.a.column(j).all(|v| v == 0.0));
        assert_eq!((c.labour[j], c.co2[j]), (0.0, 0.0));
    }
    assert!(c.a.iter().all(|v| v.is_finite()));
}

#[test]
fn the_folder_and_the_built_in_copies_are_the_same() {
    let dir = DataSource::Dir(repository_data_dir().to_path_buf());
    let a = CountryYear::load(&dir, "GBR", 2010).unwrap();
    let b = load("GBR", 2010);
    assert_eq!(a.domestic, b.domestic);
    assert_eq!(a.population, b.population);
}

#[test]
fn unknown_country_and_year_are_named() {
    let e = CountryYear::load(&DataSource::BuiltIn, "ITA", 2014).unwrap_err();
    assert_eq!(e, AccountsError::UnknownCountry("ITA".to_string()));
    assert!(
        e.to_string().contains("USA, DEU, GBR, FRA, CAN, AUS"),
        "{e}"
    );
    let e = CountryYear::load(&DataSource::BuiltIn, "DEU", 2013).unwrap_err();
    assert!(
        e.to_string().contains(
            "no table for DEU in 2013: the shipped years are 2000, 2005, 2008, 2010, 2014"
        ),
        "{e}"
    );
}

fn default_map_text() -> String {
    std::fs::read_to_string(repository_data_dir().join("sector_map.csv")).unwrap()
}

#[test]
fn bad_mapping_lines_are_named() {
    let cy = load("DEU", 2014);
    let text = default_map_text();
    let line_of = |code: &str| {
        text.lines()
            .position(|l| l.starts_with(&format!("{code},")))
            .unwrap()
            + 1
    };
    let cases: Vec<(String, String)> = vec![
        (
            text.replace("K64,other,true", "K64,banks,true"),
            format!(
                "map.csv:{}: `K64`: `banks` is not a sector; use one of agriculture",
                line_of("K64")
            ),
        ),
        (
            text.replace("A03,agriculture", "A3,agriculture"),
            format!(
                "map.csv:{}: `A3` is not a WIOD 2016 industry code",
                line_of("A03")
            ),
        ),
        (
            text.replace("M73,other,true", "M73,other,yes"),
            format!(
                "map.csv:{}: `M73`: essay_without is `yes`, expected true or false",
                line_of("M73")
            ),
        ),
        (
            text.replace("B,energy", "A01,energy"),
            format!(
                "map.csv:{}: `A01` is mapped twice (first on line {})",
                line_of("A01") + 3,
                line_of("A01")
            ),
        ),
        (
            text.replace("Q,care,false,health and social work\n", ""),
            "map.csv: every industry must be mapped; missing: Q".to_string(),
        ),
        (
            text.replace("C17,materials,false,paper", "C17,materials,false"),
            format!("map.csv:{}: 3 fields, the header has 4", line_of("C17")),
        ),
        (
            text.replace("code,sector,essay_without", "code,target,essay_without"),
            "no column `sector` in the header".to_string(),
        ),
    ];
    for (bad, expected) in cases {
        let e = SectorMap::parse("map.csv", &bad, &cy.industries).unwrap_err();
        assert!(
            e.to_string().contains(&expected),
            "{e}\nexpected: {expected}"
        );
    }
}

#[test]
fn an_edited_mapping_moves_hours_between_sectors() {
    let cy = load("USA", 2014);
    let text = default_map_text();
    let map = |t: &str| SectorMap::parse("m.csv", t, &cy.industries).unwrap();
    let default = map(&text);
    let edited = map(&text.replace("P85,learning", "P85,other"));
    let report = |m: &SectorMap| Report::build(&cy, m, Imports::Domestic).unwrap();
    let (a, b) = (report(&default), report(&edited));
    let hours = |r: &Report, s: &str| r.sectors.iter().find(|x| x.sector == s).unwrap().hours;
    let p85 = cy.domestic.hours[cy.domestic.labels.iter().position(|l| l == "P85").unwrap()];
    assert!(rel(hours(&a, "learning") - hours(&b, "learning"), p85) < 1e-9);
    assert!(rel(hours(&b, "other") - hours(&a, "other"), p85) < 1e-9);
    assert!(rel(a.totals.hours, b.totals.hours) < 1e-12);
}

#[test]
fn essay_without_flags_finance_advertising_and_the_state() {
    let cy = load("DEU", 2014);
    let map = SectorMap::default_for(&DataSource::BuiltIn, &cy.industries).unwrap();
    let flagged: Vec<&str> = cy
        .industries
        .iter()
        .zip(&map.essay_without)
        .filter(|(_, f)| **f)
        .map(|(i, _)| i.code.as_str())
        .collect();
    assert_eq!(
        flagged,
        ["G46", "K64", "K65", "K66", "L68", "M69_M70", "M73", "O84"]
    );
}

const DOC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/accounts.md");
const START: &str = "<!-- accounts-table:start (generated by tests/it/accounts.rs; COMMUNE_UPDATE_DOCS=1 cargo test --test it accounts:: rewrites it) -->\n";
const END: &str = "<!-- accounts-table:end -->";

#[test]
fn docs_table_is_current() {
    let table = countries_table(&DataSource::BuiltIn, 2014).unwrap();
    let doc = std::fs::read_to_string(DOC).unwrap();
    let (Some(a), Some(b)) = (doc.find(START), doc.find(END)) else {
        panic!("docs/accounts.md lacks the table markers");
    };
    let current = &doc[a + START.len()..b];
    if current != table {
        if std::env::var_os("COMMUNE_UPDATE_DOCS").is_some() {
            let updated = format!("{}{START}{table}{}", &doc[..a], &doc[b..]);
            std::fs::write(DOC, updated).unwrap();
        } else {
            panic!(
                "docs/accounts.md's table is out of date; rerun with COMMUNE_UPDATE_DOCS=1.\nexpected:\n{table}"
            );
        }
    }
}

fn commune(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_commune"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn the_accounts_command_prints_the_table_and_names_bad_input() {
    let o = commune(&["accounts", "--country", "FRA", "--year", "2010"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8(o.stdout).unwrap();
    for sector in SectorMap::targets() {
        assert!(
            out.lines().any(|l| l.starts_with(&format!("{sector} "))),
            "{sector}:\n{out}"
        );
    }
    assert!(out.contains("h per resident per day (PWT 10.0:"), "{out}");

    let o = commune(&["accounts", "--country", "XYZ"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown country `XYZ`"));
    assert!(o.stdout.is_empty());

    let tmp = tempfile::tempdir().unwrap();
    let map = tmp.path().join("map.csv");
    std::fs::write(
        &map,
        default_map_text().replace("O84,other,true", "O84,army,true"),
    )
    .unwrap();
    let o = commune(&[
        "accounts",
        "--country",
        "USA",
        "--map",
        map.to_str().unwrap(),
        "--plot",
        tmp.path().join("chart.svg").to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(&format!("{}:", map.display())) && err.contains("`army` is not a sector"),
        "{err}"
    );
    assert!(o.stdout.is_empty() && !tmp.path().join("chart.svg").exists());

    let chart = tmp.path().join("chart.svg");
    let o = commune(&[
        "accounts",
        "--country",
        "AUS",
        "--imports-at-home",
        "--plot",
        chart.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(std::fs::read_to_string(&chart).unwrap().contains("<svg"));
}

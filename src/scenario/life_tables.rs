//! Life tables for `[demography]`: the shipped ones (`data/demography/*.csv`, built into the
//! binary) and a scenario's own (`life_table = "custom"` with `[demography.table]`), read and
//! checked into the core's [`LifeTable`].

use crate::accounts::csv::Csv;
use crate::model::kernel::life_table::LifeTable;
use crate::model::kernel::params::demography::{DemographyParams, LifeTableRates, SHIPPED};

/// The shipped tables' files, by name.
const FILES: &[(&str, &str)] = &[
    (
        "wpp2024-world",
        include_str!("../../data/demography/wpp2024-world.csv"),
    ),
    (
        "wpp2024-aus",
        include_str!("../../data/demography/wpp2024-aus.csv"),
    ),
    (
        "wpp2024-can",
        include_str!("../../data/demography/wpp2024-can.csv"),
    ),
    (
        "wpp2024-deu",
        include_str!("../../data/demography/wpp2024-deu.csv"),
    ),
    (
        "wpp2024-fra",
        include_str!("../../data/demography/wpp2024-fra.csv"),
    ),
    (
        "wpp2024-gbr",
        include_str!("../../data/demography/wpp2024-gbr.csv"),
    ),
    (
        "wpp2024-usa",
        include_str!("../../data/demography/wpp2024-usa.csv"),
    ),
];

/// The columns of a life-table file.
pub const HEADER: &str = "age,q_female,q_male,daughters,sons";

/// Reads a life-table file's text (`file` names it in messages): a header with the columns of
/// [`HEADER`], then one row per year of age from 0, read by the shipped tables' CSV reader.
/// Every problem names the file and line.
pub fn read_csv(file: &str, text: &str) -> Result<LifeTableRates, Vec<String>> {
    let csv = Csv::parse(file, text).map_err(|e| vec![e.to_string()])?;
    let columns = HEADER
        .split(',')
        .map(|name| csv.column(name))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| vec![e.to_string()])?;
    let mut rates = LifeTableRates::default();
    let mut problems = Vec::new();
    for (age, record) in csv.records.iter().enumerate() {
        let row: Vec<f64> = columns
            .iter()
            .map(|&c| {
                csv.number(record, c).unwrap_or_else(|e| {
                    problems.push(e.to_string());
                    f64::NAN
                })
            })
            .collect();
        if row[0].is_finite() && row[0] != age as f64 {
            problems.push(format!(
                "{file}:{}: age {}; the rows give every year of age in order from 0, so this one is {age}",
                record.line, row[0]
            ));
        }
        let row = &row[1..];
        rates.q_female.push(row[0]);
        rates.q_male.push(row[1]);
        rates.daughters.push(row[2]);
        rates.sons.push(row[3]);
    }
    if problems.is_empty() {
        Ok(rates)
    } else {
        Err(problems)
    }
}

/// The text of a shipped table, by name.
pub fn shipped(name: &str) -> Option<&'static str> {
    FILES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}

/// The life table `demography` asks for, checked, or its problems as (dotted key, message).
pub fn derive(demography: &DemographyParams) -> Result<LifeTable, Vec<(String, String)>> {
    let name = demography.life_table.as_str();
    let key = |k: &str| format!("demography.{k}");
    let rates = if name == "custom" {
        if demography.table.is_empty() {
            return Err(vec![(
                key("life_table"),
                "is \"custom\" but no `[demography.table]` gives the rates (q_female, q_male, daughters, sons)".to_owned(),
            )]);
        }
        demography.table.clone()
    } else if let Some(text) = shipped(name) {
        if !demography.table.is_empty() {
            return Err(vec![(
                key("table"),
                format!(
                    "gives rates, but `life_table` names the shipped table {name:?}; set `life_table = \"custom\"` to use these rates"
                ),
            )]);
        }
        read_csv(&format!("data/demography/{name}.csv"), text).map_err(|problems| {
            problems
                .into_iter()
                .map(|p| (key("life_table"), p))
                .collect::<Vec<_>>()
        })?
    } else {
        let near = super::closest(name, SHIPPED.iter().copied().chain(["custom"]));
        let hint = near
            .map(|n| format!(" (did you mean {n:?}?)"))
            .unwrap_or_default();
        return Err(vec![(
            key("life_table"),
            format!(
                "is {name:?}, which is no life table{hint}; give one of {} or \"custom\"",
                SHIPPED
                    .iter()
                    .map(|s| format!("{s:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )]);
    };
    LifeTable::new(rates).map_err(|problems| {
        problems
            .into_iter()
            .map(|(list, message)| {
                let k = if name == "custom" {
                    if list.is_empty() {
                        key("table")
                    } else {
                        key(&format!("table.{list}"))
                    }
                } else {
                    key("life_table")
                };
                (k, message)
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_table_reads_and_checks() {
        for name in SHIPPED {
            let d = DemographyParams {
                life_table: (*name).to_owned(),
                ..Default::default()
            };
            let t = derive(&d).unwrap_or_else(|p| panic!("{name}: {p:?}"));
            assert_eq!(t.rates.q_female.len(), 101, "{name}");
            // A total fertility rate between 1 and 3 births per woman (WPP 2024, 2015-2020).
            let tfr: f64 = (0..101)
                .map(|a| t.rates.daughters[a] + t.rates.sons[a])
                .sum();
            assert!((1.0..3.0).contains(&tfr), "{name}: TFR {tfr}");
        }
    }

    #[test]
    fn a_bad_file_is_refused_line_by_line() {
        let text = format!("{HEADER}\n0,0.01,0.01,0,0\n2,0.01,x,0,0\n");
        let problems = read_csv("t.csv", &text).unwrap_err();
        assert!(
            problems
                .iter()
                .any(|p| p.contains("`x` is not a finite number")),
            "{problems:?}"
        );
        assert!(
            problems.iter().any(|p| p.starts_with("t.csv:3: age 2")),
            "{problems:?}"
        );
        // A row of another length stops the reading at its line.
        let short = format!("{HEADER}\n0,0.01,0.01,0,0\n1,0.1\n");
        let problems = read_csv("t.csv", &short).unwrap_err();
        assert!(problems[0].starts_with("t.csv:3: 2 fields"), "{problems:?}");
    }
}

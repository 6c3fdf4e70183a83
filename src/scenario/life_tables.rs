//! Life tables for `[demography]`: the shipped ones (`data/demography/*.csv`, built into the
//! binary) and a scenario's own (`life_table = "custom"` with `[demography.table]`), read and
//! checked into the core's [`LifeTable`].

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

/// The columns of a life-table file, in order.
pub const HEADER: &str = "age,q_female,q_male,daughters,sons";

/// Reads a life-table file's text: the header, then one row per year of age from 0. Problems
/// name the line.
pub fn read_csv(text: &str) -> Result<LifeTableRates, Vec<String>> {
    let mut rates = LifeTableRates::default();
    let mut problems = Vec::new();
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    match lines.next() {
        Some((_, header)) if header.trim() == HEADER => {}
        Some((i, header)) => problems.push(format!(
            "line {}: the header is {header:?}; it must be {HEADER:?}",
            i + 1
        )),
        None => problems.push("the file is empty".to_owned()),
    }
    for (i, line) in lines {
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        if cells.len() != 5 {
            problems.push(format!(
                "line {}: {} cells; a row has 5 ({HEADER})",
                i + 1,
                cells.len()
            ));
            continue;
        }
        let age = rates.q_female.len();
        if cells[0].parse::<usize>() != Ok(age) {
            problems.push(format!(
                "line {}: age {:?}; the rows give every year of age in order from 0, so this one is {age}",
                i + 1,
                cells[0]
            ));
        }
        let mut number = |k: usize| match cells[k].parse::<f64>() {
            Ok(x) => x,
            Err(_) => {
                problems.push(format!("line {}: {:?} is not a number", i + 1, cells[k]));
                f64::NAN
            }
        };
        let row = [number(1), number(2), number(3), number(4)];
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
        read_csv(text).map_err(|problems| {
            problems
                .into_iter()
                .map(|p| (key("life_table"), format!("data/demography/{name}.csv {p}")))
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
        let text = format!("{HEADER}\n0,0.01,0.01,0,0\n2,0.01,x,0,0\n3,0.1\n");
        let problems = read_csv(&text).unwrap_err();
        assert!(problems[0].starts_with("line 3: age \"2\""), "{problems:?}");
        assert!(
            problems[1].contains("\"x\" is not a number"),
            "{problems:?}"
        );
        assert!(problems[2].starts_with("line 4: 2 cells"), "{problems:?}");
    }
}

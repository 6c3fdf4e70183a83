//! `population.file`: a scenario's communities read from a CSV file, one row each. The file
//! fills `population.sizes` and `population.urban`, and the scenario as run lists them instead
//! of naming the file, so a run directory replays without it.

use std::collections::BTreeSet;

use crate::accounts::csv::Csv;
use crate::model::kernel::params::{CommunityOverride, MAX_COMMUNITY, PopulationParams};

/// The columns of a communities file: `community` and `persons` are required, the others not.
pub const COLUMNS: &str = "community,persons[,urban][,arable_ha_per_person][,energy_factor]\
     [,m2_per_person][,x_km,y_km]";

/// What a communities file gives.
#[derive(Debug, Default, PartialEq)]
pub struct Communities {
    /// Persons in each community, in community order.
    pub sizes: Vec<u32>,
    /// The urban communities' ids, in order.
    pub urban: Vec<u32>,
    /// The communities with a value in an override column, in file order.
    pub overrides: Vec<CommunityOverride>,
}

/// Reads a communities file's text (`file` names it in messages) for a scenario of
/// `population.communities` communities: each community from 0 once, with its persons (1 to
/// [`MAX_COMMUNITY`]) and whether it is urban (`1`/`0`, `true`/`false`, or empty for rural).
/// The optional columns `arable_ha_per_person`, `energy_factor` and `m2_per_person` give
/// overrides (an empty cell leaves the scenario's value; their ranges are checked with the
/// scenario). Returns what it found, or every problem found, each naming the file and line.
pub fn read(file: &str, text: &str, communities: u32) -> Result<Communities, Vec<String>> {
    let csv = Csv::parse(file, text).map_err(|e| vec![e.to_string()])?;
    let id = csv.column("community").map_err(|e| vec![e.to_string()])?;
    let persons = csv.column("persons").map_err(|e| vec![e.to_string()])?;
    let urban_column = csv.header.iter().position(|h| h == "urban");
    let optional = |name: &str| csv.header.iter().position(|h| h == name);
    let (land, energy, floor, x, y) = (
        optional("arable_ha_per_person"),
        optional("energy_factor"),
        optional("m2_per_person"),
        optional("x_km"),
        optional("y_km"),
    );
    let mut overrides = Vec::new();
    let mut problems = Vec::new();
    let mut sizes = vec![None; communities as usize];
    let mut urban = BTreeSet::new();
    let at = |line: usize, message: String| format!("{file}, line {line}: {message}");
    for record in &csv.records {
        let number = |column: usize| csv.number(record, column).map_err(|e| e.to_string());
        let c = match number(id) {
            Ok(c) if c >= 0.0 && c.fract() == 0.0 && c < f64::from(communities) => c as usize,
            Ok(c) => {
                problems.push(at(
                    record.line,
                    format!(
                        "community {c} is not one of the scenario's {communities} (ids 0 to {})",
                        communities.saturating_sub(1)
                    ),
                ));
                continue;
            }
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        match number(persons) {
            Ok(n) if n.fract() == 0.0 && (0.0..=f64::from(MAX_COMMUNITY)).contains(&n) => {
                if sizes[c].replace(n as u32).is_some() {
                    problems.push(at(record.line, format!("community {c} is listed twice")));
                }
            }
            Ok(n) => problems.push(at(
                record.line,
                format!(
                    "community {c} has {n} persons; a community has 0 (a site) to {MAX_COMMUNITY}"
                ),
            )),
            Err(e) => problems.push(e),
        }
        let mut own = CommunityOverride {
            community: c as u32,
            ..Default::default()
        };
        for (column, value) in [
            (land, &mut own.arable_ha_per_person),
            (energy, &mut own.energy_factor),
            (floor, &mut own.m2_per_person),
            (x, &mut own.x_km),
            (y, &mut own.y_km),
        ] {
            if let Some(column) = column.filter(|&k| !record.fields[k].trim().is_empty()) {
                match number(column) {
                    Ok(v) => *value = Some(v),
                    Err(e) => problems.push(e),
                }
            }
        }
        if own
            != (CommunityOverride {
                community: c as u32,
                ..Default::default()
            })
        {
            overrides.push(own);
        }
        if let Some(u) = urban_column {
            match record.fields[u].trim() {
                "1" | "true" => {
                    urban.insert(c as u32);
                }
                "0" | "false" | "" => {}
                other => problems.push(at(
                    record.line,
                    format!("column `urban`: `{other}` is not 1, 0, true or false"),
                )),
            }
        }
    }
    let missing: Vec<String> = (0..sizes.len())
        .filter(|&c| sizes[c].is_none())
        .map(|c| c.to_string())
        .collect();
    if !missing.is_empty() && problems.is_empty() {
        problems.push(format!(
            "{file}: lists no row for community {} of the scenario's {communities} \
             (`population.communities`)",
            missing.join(", ")
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Communities {
        sizes: sizes.into_iter().map(|n| n.unwrap_or(0)).collect(),
        urban: urban.into_iter().collect(),
        overrides,
    })
}

/// Fills `population` from its file, read relative to `dir` (the scenario file's folder; the
/// working directory without one). Every problem is a message for the key `population.file`.
pub fn fill(population: &mut PopulationParams, dir: Option<&std::path::Path>) -> Vec<String> {
    let given = population.file.clone();
    let mut problems = Vec::new();
    for (key, set) in [
        ("sizes", !population.sizes.is_empty()),
        ("size_range", !population.size_range.is_empty()),
        ("urban", !population.urban.is_empty()),
        ("overrides", !population.overrides.is_empty()),
    ] {
        if set {
            problems.push(format!(
                "cannot be given with `{key}`: the file gives each community's size, whether it is urban, and any override"
            ));
        }
    }
    if !problems.is_empty() {
        return problems;
    }
    let path = match dir {
        Some(dir) => dir.join(&given),
        None => std::path::PathBuf::from(&given),
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => return vec![format!("`{}` cannot be read: {e}", path.display())],
    };
    match read(&path.display().to_string(), &text, population.communities) {
        Ok(found) => {
            population.sizes = found.sizes;
            population.urban = found.urban;
            population.overrides = found.overrides;
            population.file.clear();
            Vec::new()
        }
        Err(found) => found,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_gives_sizes_in_community_order_and_the_urban_ids() {
        let text = "community,persons,urban\n2,80,0\n0,150,1\n# a comment\n1,200,true\n";
        let found = read("c.csv", text, 3).unwrap();
        assert_eq!(found.sizes, [150, 200, 80]);
        assert_eq!(found.urban, [0, 1]);
        assert!(found.overrides.is_empty());
        let found = read("c.csv", "persons,community\n5,0\n", 1).unwrap();
        assert_eq!((found.sizes, found.urban), (vec![5], vec![]));
        let text = "community,persons,energy_factor,arable_ha_per_person,m2_per_person\n\
                    0,10,,,\n1,20,2,,40\n2,30,,0.5,\n";
        let found = read("c.csv", text, 3).unwrap();
        let own =
            |community, arable_ha_per_person, energy_factor, m2_per_person| CommunityOverride {
                community,
                arable_ha_per_person,
                energy_factor,
                m2_per_person,
                ..Default::default()
            };
        assert_eq!(
            found.overrides,
            [
                own(1, None, Some(2.0), Some(40.0)),
                own(2, Some(0.5), None, None)
            ]
        );
    }

    #[test]
    fn every_problem_names_the_file_and_line() {
        let text = "community,persons,urban\n0,150,1\n0,20,0\n3,10,0\n1,1001,maybe\n";
        let problems = read("c.csv", text, 3).unwrap_err();
        let expected = [
            "c.csv, line 3: community 0 is listed twice",
            "c.csv, line 4: community 3 is not one of the scenario's 3 (ids 0 to 2)",
            "c.csv, line 5: community 1 has 1001 persons; a community has 0 (a site) to 1000",
            "c.csv, line 5: column `urban`: `maybe` is not 1, 0, true or false",
        ];
        assert_eq!(problems, expected);
        let missing = read("c.csv", "community,persons\n1,10\n", 3).unwrap_err();
        assert_eq!(
            missing,
            [
                "c.csv: lists no row for community 0, 2 of the scenario's 3 (`population.communities`)"
            ]
        );
        let header = read("c.csv", "id,persons\n0,10\n", 1).unwrap_err();
        assert!(header[0].contains("no column `community`"), "{header:?}");
    }
}

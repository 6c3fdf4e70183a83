//! The mapping of the 56 WIOD industries onto the model's sectors.
//!
//! A CSV file with columns `code`, `sector`, `essay_without` and optionally `note`; lines starting
//! with `#` are comments. Every industry appears exactly once. `sector` is a model sector's name
//! (`crate::model::kernel::params::Sector::name`) or [`OTHER`]; `essay_without` is `true` for the
//! industries the essay does without. The defaults are `data/wiod2016/sector_map.csv`.

use std::path::Path;

use super::csv::Csv;
use super::{AccountsError, DataSource, Flows, Industry};
use crate::model::kernel::params::Sector;

/// The group of industries the model has no sector for (kept so that the accounts add up).
pub const OTHER: &str = "other";

/// Where each industry goes.
#[derive(Clone, Debug, PartialEq)]
pub struct SectorMap {
    /// The file it was read from, for messages.
    pub file: String,
    /// The groups, in order: the model's sectors, then [`OTHER`].
    pub sectors: Vec<String>,
    /// For each industry (in the order of the tables), its index in `sectors`.
    pub group: Vec<usize>,
    /// For each industry, whether the essay does without it.
    pub essay_without: Vec<bool>,
}

impl SectorMap {
    /// The groups an industry can be mapped to: the model's sectors, then [`OTHER`].
    pub fn targets() -> Vec<String> {
        Sector::all()
            .map(|s| s.name().to_string())
            .chain(std::iter::once(OTHER.to_string()))
            .collect()
    }

    /// The shipped default mapping.
    pub fn default_for(
        source: &DataSource,
        industries: &[Industry],
    ) -> Result<SectorMap, AccountsError> {
        let (file, text) = source.default_map()?;
        Self::parse(&file, &text, industries)
    }

    /// A mapping file.
    pub fn from_file(path: &Path, industries: &[Industry]) -> Result<SectorMap, AccountsError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| AccountsError::File {
            file: file.clone(),
            message: e.to_string(),
        })?;
        Self::parse(&file, &text, industries)
    }

    /// Parse a mapping; every problem names the file and line.
    pub fn parse(
        file: &str,
        text: &str,
        industries: &[Industry],
    ) -> Result<SectorMap, AccountsError> {
        let csv = Csv::parse(file, text)?;
        let (c_code, c_sector, c_without) = (
            csv.column("code")?,
            csv.column("sector")?,
            csv.column("essay_without")?,
        );
        let sectors = Self::targets();
        let mut group: Vec<Option<(usize, usize)>> = vec![None; industries.len()];
        let mut essay_without = vec![false; industries.len()];
        for r in &csv.records {
            let code = r.fields[c_code].trim();
            let Some(i) = industries.iter().position(|ind| ind.code == code) else {
                return Err(AccountsError::at(
                    file,
                    r.line,
                    format!(
                        "`{code}` is not a WIOD 2016 industry code (see data/wiod2016/sectors.csv)"
                    ),
                ));
            };
            let sector = r.fields[c_sector].trim();
            let Some(s) = sectors.iter().position(|t| t == sector) else {
                return Err(AccountsError::at(
                    file,
                    r.line,
                    format!(
                        "`{code}`: `{sector}` is not a sector; use one of {}",
                        sectors.join(", ")
                    ),
                ));
            };
            essay_without[i] = match r.fields[c_without].trim() {
                "true" => true,
                "false" => false,
                other => {
                    return Err(AccountsError::at(
                        file,
                        r.line,
                        format!("`{code}`: essay_without is `{other}`, expected true or false"),
                    ));
                }
            };
            if let Some((_, first)) = group[i] {
                return Err(AccountsError::at(
                    file,
                    r.line,
                    format!("`{code}` is mapped twice (first on line {first})"),
                ));
            }
            group[i] = Some((s, r.line));
        }
        let missing: Vec<&str> = industries
            .iter()
            .zip(&group)
            .filter(|(_, g)| g.is_none())
            .map(|(ind, _)| ind.code.as_str())
            .collect();
        if !missing.is_empty() {
            return Err(AccountsError::File {
                file: file.to_string(),
                message: format!(
                    "every industry must be mapped; missing: {}",
                    missing.join(", ")
                ),
            });
        }
        Ok(SectorMap {
            file: file.to_string(),
            sectors,
            group: group.into_iter().map(|g| g.expect("checked").0).collect(),
            essay_without,
        })
    }

    /// The flows summed over the mapping's sectors.
    pub fn aggregate(&self, flows: &Flows) -> Flows {
        flows.aggregate(&self.group, self.sectors.clone())
    }

    /// For each sector, the share of its hours worked in industries the essay does without.
    pub fn essay_without_share(&self, flows: &Flows) -> Vec<f64> {
        let mut flagged = vec![0.0; self.sectors.len()];
        let mut total = vec![0.0; self.sectors.len()];
        for (i, &g) in self.group.iter().enumerate() {
            total[g] += flows.hours[i];
            if self.essay_without[i] {
                flagged[g] += flows.hours[i];
            }
        }
        flagged
            .iter()
            .zip(&total)
            .map(|(f, t)| if *t > 0.0 { f / t } else { 0.0 })
            .collect()
    }
}

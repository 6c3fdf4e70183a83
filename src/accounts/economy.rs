//! The table economy a scenario's `[economy]` section asks for: a country-year of the shipped
//! accounts, its industries moved or scaled as the section says, summed onto the model's sectors
//! and put per thousand US$ of output and per resident per day, for the simulation core
//! ([`TableEconomy`]).

use std::sync::{Arc, Mutex};

use super::{
    Coefficients, CountryYear, DAYS_PER_YEAR, DataSource, FINAL_DEMAND, Flows, Imports, Matrix,
    SectorMap, YEARS,
};
use crate::model::kernel::params::economy::{EconomyParams, FinalDemand, ImportsRule};
use crate::model::kernel::technology::{TABLE_SECTORS, TableEconomy};

/// The key naming every industry the essay does without, in `[economy.scale]`.
pub const ESSAY_WITHOUT: &str = "essay_without";

/// Country-years already read: a sweep reads the same table for every point.
static READ: Mutex<Vec<(String, u16, Arc<CountryYear>)>> = Mutex::new(Vec::new());

fn country_year(country: &str, year: u16) -> Result<Arc<CountryYear>, String> {
    let mut read = READ.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((.., cy)) = read.iter().find(|(c, y, _)| c == country && *y == year) {
        return Ok(cy.clone());
    }
    let cy = Arc::new(
        CountryYear::load(&DataSource::BuiltIn, country, year).map_err(|e| e.to_string())?,
    );
    read.push((country.to_owned(), year, cy.clone()));
    Ok(cy)
}

/// The final-demand columns of each `economy.final_demand` choice.
fn columns(final_demand: FinalDemand) -> std::ops::Range<usize> {
    match final_demand {
        FinalDemand::Consumption => 0..3,
        FinalDemand::Home => 0..5,
        FinalDemand::All => 0..FINAL_DEMAND.len(),
    }
}

fn name(final_demand: FinalDemand) -> &'static str {
    match final_demand {
        FinalDemand::Consumption => "consumption",
        FinalDemand::Home => "home",
        FinalDemand::All => "all",
    }
}

/// Derives the table economy of `p`; every problem is (dotted key, message).
pub fn table_economy(p: &EconomyParams) -> Result<TableEconomy, Vec<(String, String)>> {
    let one = |key: &str, message: String| vec![(format!("economy.{key}"), message)];
    let year = u16::try_from(p.year)
        .ok()
        .filter(|y| YEARS.contains(y))
        .ok_or_else(|| {
            one(
                "year",
                format!(
                    "is {}; the shipped tables have {}",
                    p.year,
                    YEARS.map(|y| y.to_string()).join(", ")
                ),
            )
        })?;
    let cy = country_year(p.country.code(), year).map_err(|e| one("country", e))?;
    let mut map = SectorMap::default_for(&DataSource::BuiltIn, &cy.industries)
        .map_err(|e| one("map", e.to_string()))?;
    let code_of = |code: &str| cy.industries.iter().position(|i| i.code == code);
    let mut problems = Vec::new();
    for (code, sector) in &p.map {
        let key = format!("economy.map.{code}");
        match (code_of(code), map.sectors.iter().position(|s| s == sector)) {
            (None, _) => problems.push((
                key,
                "is not a WIOD 2016 industry code (see data/wiod2016/sectors.csv)".to_owned(),
            )),
            (_, None) => problems.push((
                key,
                format!(
                    "`{sector}` is not a sector; use one of {}",
                    map.sectors.join(", ")
                ),
            )),
            (Some(i), Some(s)) => map.group[i] = s,
        }
    }
    let mut scale = vec![1.0; cy.industries.len()];
    if let Some(f) = p.scale.get(ESSAY_WITHOUT) {
        for (s, without) in scale.iter_mut().zip(&map.essay_without) {
            if *without {
                *s = *f;
            }
        }
    }
    for (code, f) in &p.scale {
        if code == ESSAY_WITHOUT {
            continue;
        }
        match code_of(code) {
            Some(i) => scale[i] = *f,
            None => problems.push((
                format!("economy.scale.{code}"),
                format!(
                    "is not a WIOD 2016 industry code (see data/wiod2016/sectors.csv) nor `{ESSAY_WITHOUT}`"
                ),
            )),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let imports = match p.imports {
        ImportsRule::MadeAtHome => Imports::MadeAtHome,
        ImportsRule::Domestic => Imports::Domestic,
    };
    let numeric = |e: super::AccountsError| one("table", e.to_string());
    let flows = scaled(&cy.flows(imports).map_err(numeric)?, &scale).map_err(numeric)?;
    let sectors = map.aggregate(&flows);
    assert_eq!(
        sectors.len(),
        TABLE_SECTORS,
        "the model's sectors and `other`"
    );
    let c = sectors.coefficients();
    let leontief = c.leontief_inverse().map_err(numeric)?;
    let per_resident_day = 1000.0 / cy.population / DAYS_PER_YEAR;
    let demand = |cols: std::ops::Range<usize>| {
        let mut out = [0.0; TABLE_SECTORS];
        for (i, v) in out.iter_mut().enumerate() {
            *v = cols
                .clone()
                .map(|k| sectors.final_demand[(i, k)])
                .sum::<f64>()
                * per_resident_day;
        }
        out
    };
    let final_use = demand(columns(p.final_demand));
    let x = leontief.times(&final_use);
    if let Some(s) = (0..TABLE_SECTORS).find(|&s| x[s] < -1e-12) {
        return Err(one(
            "final_demand",
            format!(
                "`{}` asks {} for a negative output ({:.3e} k US$ a resident a day, from falling inventories); use `all` or `consumption`",
                name(p.final_demand),
                sectors.labels[s],
                x[s]
            ),
        ));
    }
    Ok(TableEconomy {
        label: format!(
            "WIOD 2016, {} {}, {} imports, {} final demand{}",
            p.country.code(),
            p.year,
            match p.imports {
                ImportsRule::Domestic => "domestic",
                ImportsRule::MadeAtHome => "made at home",
            },
            name(p.final_demand),
            if p.scale.is_empty() && p.map.is_empty() {
                String::new()
            } else {
                ", edited".to_owned()
            }
        ),
        sectors: std::array::from_fn(|i| sectors.labels[i].clone()),
        slot: std::array::from_fn(|i| (i + 1 < TABLE_SECTORS).then_some(i)),
        leontief: std::array::from_fn(|i| std::array::from_fn(|j| leontief[(i, j)])),
        labour: std::array::from_fn(|i| c.labour[i] / 1000.0),
        co2: std::array::from_fn(|i| c.co2[i]),
        final_use,
        consumption: demand(columns(FinalDemand::Consumption)),
        household_co2: cy.households_co2 * 1000.0 / cy.population / DAYS_PER_YEAR,
    })
}

/// The balanced economy in which demand for each industry's product, by other industries and by
/// final users, is scaled by `scale[i]`: `A'[i][j] = s_i A[i][j]`, `f'_i = s_i f_i`, output
/// `x' = (I - A')^-1 f'`, and flows, hours and CO2 at the industries' own `A`, `l` and `c` per
/// unit of `x'`. With every factor 1, the flows as published.
pub fn scaled(flows: &Flows, scale: &[f64]) -> Result<Flows, super::AccountsError> {
    if scale.iter().all(|s| *s == 1.0) {
        return Ok(flows.clone());
    }
    let c = flows.coefficients();
    let n = flows.len();
    let cols = flows.final_demand.ncols();
    let edited = Coefficients {
        a: Matrix::from_fn(n, n, |i, j| scale[i] * c.a[(i, j)]),
        ..c
    };
    let final_demand = Matrix::from_fn(n, cols, |i, k| scale[i] * flows.final_demand[(i, k)]);
    let total: Vec<f64> = (0..n)
        .map(|i| (0..cols).map(|k| final_demand[(i, k)]).sum())
        .collect();
    let output = edited.output_for(&total)?;
    Ok(Flows {
        labels: flows.labels.clone(),
        z: Matrix::from_fn(n, n, |i, j| edited.a[(i, j)] * output[j]),
        final_demand,
        hours: (0..n).map(|j| edited.labour[j] * output[j]).collect(),
        co2: (0..n).map(|j| edited.co2[j] * output[j]).collect(),
        output,
    })
}

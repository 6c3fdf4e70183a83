//! Published national accounts: the WIOD 2016 input-output tables, hours from its Socio-Economic
//! Accounts, CO2 from the JRC environmental accounts and population from the Penn World Table,
//! for six countries (see `data/wiod2016/SOURCES.md`).
//!
//! This is an edge module: it reads files (or the copies built into the binary) and derives
//! coefficients from them. The simulation core (`crate::model`) does not use it.
//!
//! Units throughout: money in **millions of current US$** (as in the tables), hours in hours,
//! CO2 in tonnes, population in persons. So labour per unit of output is in hours per million
//! US$ and CO2 per unit of output in t per million US$ (= kg per thousand US$).
//!
//! - [`CountryYear::load`] reads one country and year.
//! - [`Flows`] holds an economy's inter-industry flows, final demand, output, hours and CO2;
//!   [`Flows::coefficients`] gives `A = Z / x`, `l = hours / x` and `c = CO2 / x`, and
//!   [`Coefficients::multipliers`] the embodied hours and CO2 per unit of final demand,
//!   `l (I - A)^-1` and `c (I - A)^-1`.
//! - [`SectorMap`] maps the 56 industries onto the model's sectors and [`Flows::aggregate`] sums
//!   the flows over it (output-weighted coefficients, so that embodied hours of final demand are
//!   preserved).

pub mod chart;
pub(crate) mod csv;
pub mod economy;
mod flows;
pub mod linalg;
mod map;
mod report;

use std::borrow::Cow;
use std::path::{Path, PathBuf};

pub use flows::{Coefficients, Demand, Flows, Multipliers};
pub use linalg::Matrix;
pub use map::{OTHER, SectorMap};
pub use report::{Report, SectorRow, Totals, countries_table};

use self::csv::Csv;

/// The countries shipped in `data/wiod2016/` (those of WIOD 2016 that have hours in the SEA
/// extract).
pub const COUNTRIES: [&str; 6] = ["USA", "DEU", "GBR", "FRA", "CAN", "AUS"];
/// The years shipped for the input-output tables and hours.
pub const YEARS: [u16; 5] = [2000, 2005, 2008, 2010, 2014];
/// The final-demand columns of the tables, in order.
pub const FINAL_DEMAND: [&str; 6] = ["CONS_h", "CONS_np", "CONS_g", "GFCF", "INVEN", "EXP"];
/// Days in a year, to put annual figures per day.
pub const DAYS_PER_YEAR: f64 = 365.0;

/// Something wrong with the tables, the mapping, or the request.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum AccountsError {
    #[error("{file}:{line}: {message}")]
    At {
        file: String,
        line: usize,
        message: String,
    },
    #[error("{file}: {message}")]
    File { file: String, message: String },
    #[error("unknown country `{0}`: the shipped tables have {known}", known = COUNTRIES.join(", "))]
    UnknownCountry(String),
    #[error("no table for {country} in {year}: the shipped years are {known}")]
    UnknownYear {
        country: String,
        year: u16,
        known: String,
    },
    #[error("{0}")]
    Numeric(String),
}

impl AccountsError {
    pub(crate) fn at(file: &str, line: usize, message: String) -> Self {
        AccountsError::At {
            file: file.to_string(),
            line,
            message,
        }
    }
}

/// Where the tables are read from: the copies built into the binary (the default), or a folder
/// laid out like `data/wiod2016/`.
#[derive(Clone, Debug, Default)]
pub enum DataSource {
    #[default]
    BuiltIn,
    Dir(PathBuf),
}

macro_rules! built_in {
    ($($name:literal),* $(,)?) => {
        const BUILT_IN: &[(&str, &str)] = &[
            $( ($name, include_str!(concat!("../../data/wiod2016/", $name))), )*
        ];
    };
}

built_in!(
    "sectors.csv",
    "sector_map.csv",
    "sea.csv",
    "jrc_co2_kt.csv",
    "pwt100.csv",
    "niot_USA.csv",
    "niot_DEU.csv",
    "niot_GBR.csv",
    "niot_FRA.csv",
    "niot_CAN.csv",
    "niot_AUS.csv",
);

impl DataSource {
    /// A file's name for messages, and its text; `None` if the source has no such file.
    fn read(&self, name: &str) -> Result<Option<(String, Cow<'static, str>)>, AccountsError> {
        match self {
            DataSource::BuiltIn => Ok(BUILT_IN
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(n, text)| (format!("data/wiod2016/{n}"), Cow::Borrowed(*text)))),
            DataSource::Dir(dir) => {
                let path = dir.join(name);
                let label = path.display().to_string();
                match std::fs::read_to_string(&path) {
                    Ok(text) => Ok(Some((label, Cow::Owned(text)))),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                    Err(e) => Err(AccountsError::File {
                        file: label,
                        message: e.to_string(),
                    }),
                }
            }
        }
    }

    fn csv(&self, name: &str) -> Result<Csv, AccountsError> {
        let (label, text) = self.read(name)?.ok_or_else(|| AccountsError::File {
            file: name.to_string(),
            message: "missing from the data folder".to_string(),
        })?;
        Csv::parse(&label, &text)
    }

    /// The default sector map's text, and its name for messages.
    pub fn default_map(&self) -> Result<(String, Cow<'static, str>), AccountsError> {
        self.read("sector_map.csv")?
            .ok_or_else(|| AccountsError::File {
                file: "sector_map.csv".to_string(),
                message: "missing from the data folder".to_string(),
            })
    }
}

/// One WIOD industry.
#[derive(Clone, Debug, PartialEq)]
pub struct Industry {
    pub code: String,
    pub name: String,
}

/// One country and year of the shipped accounts, as published (no derivation yet).
#[derive(Clone, Debug)]
pub struct CountryYear {
    pub country: String,
    pub year: u16,
    pub industries: Vec<Industry>,
    /// Domestic flows: output of domestic industries, hours and CO2 of domestic industries.
    pub domestic: Flows,
    /// Imported products used by each industry (row: product, column: using industry), M US$.
    pub imports_intermediate: Matrix,
    /// Imported products going to each final-demand column ([`FINAL_DEMAND`]), M US$.
    pub imports_final: Matrix,
    /// Persons engaged per industry (SEA `EMP`, persons).
    pub persons: Vec<f64>,
    /// Employees per industry (SEA `EMPE`, persons).
    pub employees: Vec<f64>,
    /// Hours worked by employees per industry (SEA `H_EMPE`, hours).
    pub employee_hours: Vec<f64>,
    /// Households' direct CO2 emissions (JRC `FC_HH`: heating, private cars), t.
    pub households_co2: f64,
    /// Population (PWT `pop`), persons.
    pub population: f64,
    /// Hours worked in the year per PWT, `avh × emp`: an outside check, not used to derive.
    pub pwt_hours: Option<f64>,
}

impl CountryYear {
    /// Read a country (ISO 3166 alpha-3, e.g. `DEU`) and year from `source`.
    pub fn load(source: &DataSource, country: &str, year: u16) -> Result<Self, AccountsError> {
        if !COUNTRIES.contains(&country) {
            return Err(AccountsError::UnknownCountry(country.to_string()));
        }
        let industries = read_sectors(source)?;
        let n = industries.len();

        // The input-output table.
        let niot = source.csv(&format!("niot_{country}.csv"))?;
        let (c_year, c_code, c_origin) = (
            niot.column("Year")?,
            niot.column("Code")?,
            niot.column("Origin")?,
        );
        let first = niot.column(&industries[0].code)?;
        for (j, ind) in industries.iter().enumerate() {
            if niot.header.get(first + j) != Some(&ind.code) {
                return Err(AccountsError::at(
                    &niot.file,
                    niot.line_of_header,
                    format!(
                        "column {} should be industry `{}` (the order of sectors.csv)",
                        first + j + 1,
                        ind.code
                    ),
                ));
            }
        }
        let fd_cols = FINAL_DEMAND
            .iter()
            .map(|c| niot.column(c))
            .collect::<Result<Vec<_>, _>>()?;
        let c_go = niot.column("GO")?;
        let year_text = year.to_string();
        let rows: Vec<_> = niot
            .records
            .iter()
            .filter(|r| r.fields[c_year] == year_text)
            .collect();
        if rows.is_empty() {
            let mut known: Vec<&str> = niot
                .records
                .iter()
                .map(|r| r.fields[c_year].as_str())
                .collect();
            known.dedup();
            return Err(AccountsError::UnknownYear {
                country: country.to_string(),
                year,
                known: known.join(", "),
            });
        }
        let mut z_dom = Matrix::zeros(n, n);
        let mut z_imp = Matrix::zeros(n, n);
        let mut f_dom = Matrix::zeros(n, FINAL_DEMAND.len());
        let mut f_imp = Matrix::zeros(n, FINAL_DEMAND.len());
        let mut output = vec![0.0; n];
        for (origin, z, f) in [
            ("Domestic", &mut z_dom, &mut f_dom),
            ("Imports", &mut z_imp, &mut f_imp),
        ] {
            let block: Vec<_> = rows
                .iter()
                .filter(|r| r.fields[c_origin] == origin)
                .collect();
            if block.len() != n {
                return Err(AccountsError::File {
                    file: niot.file.clone(),
                    message: format!("{year}: {} `{origin}` rows, expected {n}", block.len()),
                });
            }
            for (i, r) in block.iter().enumerate() {
                if r.fields[c_code] != industries[i].code {
                    return Err(AccountsError::at(
                        &niot.file,
                        r.line,
                        format!(
                            "row for `{}` where `{}` was expected",
                            r.fields[c_code], industries[i].code
                        ),
                    ));
                }
                for j in 0..n {
                    z[(i, j)] = niot.number(r, first + j)?;
                }
                for (k, &c) in fd_cols.iter().enumerate() {
                    f[(i, k)] = niot.number(r, c)?;
                }
                if origin == "Domestic" {
                    output[i] = niot.number(r, c_go)?;
                }
            }
        }

        // Hours and persons.
        let sea = source.csv("sea.csv")?;
        let (s_country, s_code, s_year) = (
            sea.column("country")?,
            sea.column("code")?,
            sea.column("year")?,
        );
        let (s_emp, s_empe, s_h) = (
            sea.column("EMP")?,
            sea.column("EMPE")?,
            sea.column("H_EMPE")?,
        );
        let mut persons = vec![0.0; n];
        let mut employees = vec![0.0; n];
        let mut employee_hours = vec![0.0; n];
        let mut hours = vec![0.0; n];
        let mut seen = vec![false; n];
        for r in &sea.records {
            if r.fields[s_country] != country || r.fields[s_year] != year_text {
                continue;
            }
            let Some(i) = industries
                .iter()
                .position(|ind| ind.code == r.fields[s_code])
            else {
                return Err(AccountsError::at(
                    &sea.file,
                    r.line,
                    format!("unknown industry `{}`", r.fields[s_code]),
                ));
            };
            let (emp, empe, h) = (
                sea.number(r, s_emp)? * 1e3,
                sea.number(r, s_empe)? * 1e3,
                sea.number(r, s_h)? * 1e6,
            );
            // Hours of persons engaged: employees' hours scaled by persons engaged / employees,
            // which assumes the self-employed work the same hours as employees.
            hours[i] = if empe > 0.0 {
                h * emp / empe
            } else if emp == 0.0 && h == 0.0 {
                0.0
            } else {
                return Err(AccountsError::at(
                    &sea.file,
                    r.line,
                    format!(
                        "{}: {emp} persons engaged but no employees, so their hours cannot be scaled",
                        industries[i].code
                    ),
                ));
            };
            persons[i] = emp;
            employees[i] = empe;
            employee_hours[i] = h;
            seen[i] = true;
        }
        if let Some(i) = seen.iter().position(|s| !s) {
            return Err(AccountsError::File {
                file: sea.file.clone(),
                message: format!("no row for {country} {year} {}", industries[i].code),
            });
        }

        // CO2.
        let jrc = source.csv("jrc_co2_kt.csv")?;
        let (j_country, j_code, j_year) = (
            jrc.column("country")?,
            jrc.column("code")?,
            jrc.column(&year_text)?,
        );
        let mut co2 = vec![0.0; n];
        let mut households_co2 = None;
        let mut seen = vec![false; n];
        for r in &jrc.records {
            if r.fields[j_country] != country {
                continue;
            }
            let t = jrc.number(r, j_year)? * 1e3; // kt -> t
            if r.fields[j_code] == "FC_HH" {
                households_co2 = Some(t);
            } else if let Some(i) = industries
                .iter()
                .position(|ind| ind.code == r.fields[j_code])
            {
                co2[i] = t;
                seen[i] = true;
            } else {
                return Err(AccountsError::at(
                    &jrc.file,
                    r.line,
                    format!("unknown industry `{}`", r.fields[j_code]),
                ));
            }
        }
        if let Some(i) = seen.iter().position(|s| !s) {
            return Err(AccountsError::File {
                file: jrc.file.clone(),
                message: format!("no row for {country} {}", industries[i].code),
            });
        }
        let households_co2 = households_co2.ok_or_else(|| AccountsError::File {
            file: jrc.file.clone(),
            message: format!("no `FC_HH` row for {country}"),
        })?;

        // Population.
        let pwt = source.csv("pwt100.csv")?;
        let (p_country, p_year, p_pop) = (
            pwt.column("countrycode")?,
            pwt.column("year")?,
            pwt.column("pop")?,
        );
        let (p_emp, p_avh) = (pwt.column("emp")?, pwt.column("avh")?);
        let row = pwt
            .records
            .iter()
            .find(|r| r.fields[p_country] == country && r.fields[p_year] == year_text)
            .ok_or_else(|| AccountsError::File {
                file: pwt.file.clone(),
                message: format!("no row for {country} {year}"),
            })?;
        let population = pwt.number(row, p_pop)? * 1e6;
        let pwt_hours = match (pwt.number(row, p_emp), pwt.number(row, p_avh)) {
            (Ok(emp), Ok(avh)) => Some(emp * 1e6 * avh),
            _ => None,
        };

        let domestic = Flows {
            labels: industries.iter().map(|i| i.code.clone()).collect(),
            z: z_dom,
            final_demand: f_dom,
            output,
            hours,
            co2,
        };
        Ok(CountryYear {
            country: country.to_string(),
            year,
            industries,
            domestic,
            imports_intermediate: z_imp,
            imports_final: f_imp,
            persons,
            employees,
            employee_hours,
            households_co2,
            population,
            pwt_hours,
        })
    }

    /// The flows to derive coefficients from.
    ///
    /// With [`Imports::Domestic`], the domestic flows as published. With
    /// [`Imports::MadeAtHome`], the balanced economy that would make at home, with the domestic
    /// industries' techniques, everything the country uses: `A_tot = (Z_dom + Z_imp) / x`, final
    /// demand for domestic and imported products `f_tot`, output `x* = (I - A_tot)^-1 f_tot`,
    /// flows `A_tot x*`, and hours and CO2 at the domestic industries' `l` and `c` per unit. Its
    /// rows balance like the published table's, so it aggregates the same way.
    pub fn flows(&self, imports: Imports) -> Result<Flows, AccountsError> {
        match imports {
            Imports::Domestic => Ok(self.domestic.clone()),
            Imports::MadeAtHome => {
                let published = Flows {
                    z: self.domestic.z.plus(&self.imports_intermediate),
                    final_demand: self.domestic.final_demand.plus(&self.imports_final),
                    ..self.domestic.clone()
                };
                let c = published.coefficients();
                let output = c.output_for(&published.demand(Demand::All))?;
                let n = output.len();
                Ok(Flows {
                    z: Matrix::from_fn(n, n, |i, j| c.a[(i, j)] * output[j]),
                    hours: (0..n).map(|j| c.labour[j] * output[j]).collect(),
                    co2: (0..n).map(|j| c.co2[j] * output[j]).collect(),
                    output,
                    ..published
                })
            }
        }
    }
}

/// How imported products are treated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Imports {
    /// Only domestic flows: imports are outside the economy (their hours and CO2 abroad are not
    /// counted).
    #[default]
    Domestic,
    /// Imports are made at home with the domestic industries' techniques: `A_tot = (Z_dom + Z_imp)
    /// / x`, final demand for imported products counts, and output, hours and CO2 are what that
    /// would take (see [`CountryYear::flows`]).
    MadeAtHome,
}

fn read_sectors(source: &DataSource) -> Result<Vec<Industry>, AccountsError> {
    let csv = source.csv("sectors.csv")?;
    let (c, d) = (csv.column("Code")?, csv.column("Description")?);
    Ok(csv
        .records
        .iter()
        .map(|r| Industry {
            code: r.fields[c].clone(),
            name: r.fields[d].clone(),
        })
        .collect())
}

/// The folder of the shipped tables in a source checkout (for tests and scripts).
pub fn repository_data_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/data/wiod2016"))
}

//! The per-sector table and the totals of one country-year, as `commune accounts` prints them.

use std::fmt::Write as _;

use super::{AccountsError, CountryYear, DAYS_PER_YEAR, Demand, Imports, SectorMap};

/// One model sector (or [`super::OTHER`]) of a country-year.
#[derive(Clone, Debug, PartialEq)]
pub struct SectorRow {
    pub sector: String,
    /// Gross output (M US$).
    pub output: f64,
    /// Hours worked in the sector's industries (h).
    pub hours: f64,
    /// Hours per thousand US$ of output.
    pub hours_per_kusd: f64,
    /// CO2 per thousand US$ of output (kg).
    pub co2_kg_per_kusd: f64,
    /// Final consumption of the sector's products per resident (US$ a year).
    pub consumption_usd_per_resident: f64,
    /// Hours embodied in the final consumption of the sector's products, per resident per day.
    pub consumption_hours_per_resident_day: f64,
    /// Share of the sector's hours worked in industries the essay does without.
    pub essay_without_hours_share: f64,
}

/// Whole-economy figures of a country-year.
#[derive(Clone, Debug, PartialEq)]
pub struct Totals {
    /// Residents (PWT).
    pub population: f64,
    /// Hours worked by persons engaged, all industries (h; SEA, employees' hours scaled), as
    /// published (also with imports made at home).
    pub hours: f64,
    /// `hours / population / 365`.
    pub hours_per_resident_day: f64,
    /// PWT's `avh × emp / pop / 365`, an outside check on the line above.
    pub pwt_hours_per_resident_day: Option<f64>,
    /// Hours embodied in all final demand, `l (I - A)^-1 f` over the 56 industries (h). Equals
    /// `hours` less [`Totals::stranded_hours`] with domestic flows; more with imports made at
    /// home.
    pub embodied_hours_all_demand: f64,
    /// The same over the mapping's sectors (h).
    pub embodied_hours_all_demand_sectors: f64,
    /// Final consumption (households, non-profits, government) per resident (US$ a year).
    pub consumption_usd_per_resident: f64,
    /// Hours embodied in final consumption per resident per day, over the 56 industries.
    pub consumption_hours_per_resident_day: f64,
    /// The same over the mapping's sectors (equal only approximately: aggregation preserves the
    /// hours of all final demand, not of each part of it).
    pub consumption_hours_per_resident_day_sectors: f64,
    /// CO2 of the industries (t), as published.
    pub co2_industries: f64,
    /// Households' direct CO2 (t).
    pub co2_households: f64,
    /// CO2 embodied in all final demand, over the 56 industries (t).
    pub co2_embodied_all_demand: f64,
    /// CO2 per resident from the JRC totals, industries and households (t a year).
    pub co2_per_resident: f64,
    /// CO2 embodied in final consumption plus households' direct CO2, per resident (t a year).
    pub consumption_co2_per_resident: f64,
    /// Hours and CO2 of industries with no output (not embodied in any demand).
    pub stranded_hours: f64,
    pub stranded_co2: f64,
}

/// `commune accounts`' table for one country-year and mapping.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub country: String,
    pub year: u16,
    pub imports: Imports,
    pub map_file: String,
    pub sectors: Vec<SectorRow>,
    pub totals: Totals,
}

impl Report {
    pub fn build(
        cy: &CountryYear,
        map: &SectorMap,
        imports: Imports,
    ) -> Result<Report, AccountsError> {
        let flows = cy.flows(imports)?;
        let pop = cy.population;
        let per_day = |h: f64| h / pop / DAYS_PER_YEAR;
        let m = flows.coefficients().multipliers()?;
        let f_all = flows.demand(Demand::All);
        let f_cons = flows.demand(Demand::Consumption);

        let agg = map.aggregate(&flows);
        let am = agg.coefficients().multipliers()?;
        let a_all = agg.demand(Demand::All);
        let a_cons = agg.demand(Demand::Consumption);
        let shares = map.essay_without_share(&flows);
        let coef = agg.coefficients();
        let sectors = (0..agg.len())
            .map(|j| SectorRow {
                sector: agg.labels[j].clone(),
                output: agg.output[j],
                hours: agg.hours[j],
                hours_per_kusd: coef.labour[j] / 1e3,
                co2_kg_per_kusd: coef.co2[j],
                consumption_usd_per_resident: a_cons[j] * 1e6 / pop,
                consumption_hours_per_resident_day: per_day(am.labour[j] * a_cons[j]),
                essay_without_hours_share: shares[j],
            })
            .collect();

        let (stranded_hours, stranded_co2) = flows.stranded();
        // As published, whatever `imports` says.
        let hours: f64 = cy.domestic.hours.iter().sum();
        let co2_industries: f64 = cy.domestic.co2.iter().sum();
        let co2_households = cy.households_co2;
        let totals = Totals {
            population: pop,
            hours,
            hours_per_resident_day: per_day(hours),
            pwt_hours_per_resident_day: cy.pwt_hours.map(per_day),
            embodied_hours_all_demand: m.hours(&f_all),
            embodied_hours_all_demand_sectors: am.hours(&a_all),
            consumption_usd_per_resident: f_cons.iter().sum::<f64>() * 1e6 / pop,
            consumption_hours_per_resident_day: per_day(m.hours(&f_cons)),
            consumption_hours_per_resident_day_sectors: per_day(am.hours(&a_cons)),
            co2_industries,
            co2_households,
            co2_embodied_all_demand: m.co2(&f_all),
            co2_per_resident: (co2_industries + co2_households) / pop,
            consumption_co2_per_resident: (m.co2(&f_cons) + co2_households) / pop,
            stranded_hours,
            stranded_co2,
        };
        Ok(Report {
            country: cy.country.clone(),
            year: cy.year,
            imports,
            map_file: map.file.clone(),
            sectors,
            totals,
        })
    }

    /// The table as plain text.
    pub fn to_text(&self) -> String {
        let t = &self.totals;
        let mut s = String::new();
        let imports = match self.imports {
            Imports::Domestic => "domestic flows only (imports outside the economy)",
            Imports::MadeAtHome => "imports treated as made at home",
        };
        let _ = writeln!(
            s,
            "{} {}: WIOD 2016 national accounts, {imports}; mapping {}",
            self.country, self.year, self.map_file
        );
        let _ = writeln!(
            s,
            "{:<13} {:>11} {:>9} {:>8} {:>9} {:>10} {:>9} {:>8}",
            "sector", "output", "hours", "h per", "kg CO2", "consumed", "embodied", "essay"
        );
        let _ = writeln!(
            s,
            "{:<13} {:>11} {:>9} {:>8} {:>9} {:>10} {:>9} {:>8}",
            "", "US$ bn", "bn h", "k US$", "per k US$", "US$/res/yr", "h/res/day", "without"
        );
        for r in &self.sectors {
            let _ = writeln!(
                s,
                "{:<13} {:>11.1} {:>9.3} {:>8.2} {:>9.1} {:>10.0} {:>9.3} {:>7.0}%",
                r.sector,
                r.output / 1e3,
                r.hours / 1e9,
                r.hours_per_kusd,
                r.co2_kg_per_kusd,
                r.consumption_usd_per_resident,
                r.consumption_hours_per_resident_day,
                r.essay_without_hours_share * 100.0
            );
        }
        let total_output: f64 = self.sectors.iter().map(|r| r.output).sum();
        let total_hours: f64 = self.sectors.iter().map(|r| r.hours).sum();
        let total_co2: f64 = self
            .sectors
            .iter()
            .map(|r| r.co2_kg_per_kusd * r.output)
            .sum();
        let _ = writeln!(
            s,
            "{:<13} {:>11.1} {:>9.3} {:>8.2} {:>9.1} {:>10.0} {:>9.3}",
            "total",
            total_output / 1e3,
            total_hours / 1e9,
            total_hours / total_output / 1e3,
            total_co2 / total_output,
            t.consumption_usd_per_resident,
            t.consumption_hours_per_resident_day_sectors
        );
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "residents {:.2} million; hours worked {:.3} bn = {:.3} h per resident per day{}",
            t.population / 1e6,
            t.hours / 1e9,
            t.hours_per_resident_day,
            match t.pwt_hours_per_resident_day {
                Some(p) => format!(" (PWT 10.0: {p:.3})"),
                None => String::new(),
            }
        );
        let _ = writeln!(
            s,
            "hours embodied in all final demand {:.3} bn (56 industries), {:.3} bn (sectors)",
            t.embodied_hours_all_demand / 1e9,
            t.embodied_hours_all_demand_sectors / 1e9
        );
        let _ = writeln!(
            s,
            "hours embodied in final consumption {:.3} h per resident per day (56 industries), {:.3} (sectors)",
            t.consumption_hours_per_resident_day, t.consumption_hours_per_resident_day_sectors
        );
        let _ = writeln!(
            s,
            "CO2 (JRC, CO2 only) {:.2} t per resident: industries {:.1} Mt, households directly {:.1} Mt; \
             embodied in final consumption plus households' own {:.2} t per resident",
            t.co2_per_resident,
            t.co2_industries / 1e6,
            t.co2_households / 1e6,
            t.consumption_co2_per_resident
        );
        if t.stranded_hours > 0.0 || t.stranded_co2 > 0.0 {
            let _ = writeln!(
                s,
                "industries with no output still have {:.3} bn h and {:.1} kt CO2 (embodied in nothing)",
                t.stranded_hours / 1e9,
                t.stranded_co2 / 1e3
            );
        }
        s
    }
}

/// The figures of every shipped country for `year`, as a Markdown table (docs/accounts.md has the
/// one for 2014; a test checks it is current).
pub fn countries_table(source: &super::DataSource, year: u16) -> Result<String, AccountsError> {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "| country | residents (M) | hours worked, h/resident/day (WIOD SEA) | same, PWT 10.0 | WIOD / PWT | \
         hours embodied in consumption, h/resident/day (56 industries) | same (model sectors) | \
         same, imports made at home | final consumption, US$/resident/yr | CO2, t/resident (JRC) | \
         CO2 embodied in consumption + households', t/resident |"
    );
    let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for country in super::COUNTRIES {
        let cy = CountryYear::load(source, country, year)?;
        let map = SectorMap::default_for(source, &cy.industries)?;
        let r = Report::build(&cy, &map, Imports::Domestic)?.totals;
        let home = Report::build(&cy, &map, Imports::MadeAtHome)?.totals;
        let pwt = r.pwt_hours_per_resident_day;
        let _ = writeln!(
            s,
            "| {country} | {:.2} | {:.4} | {} | {} | {:.4} | {:.4} | {:.4} | {:.0} | {:.2} | {:.2} |",
            r.population / 1e6,
            r.hours_per_resident_day,
            pwt.map_or("n/a".to_string(), |p| format!("{p:.4}")),
            pwt.map_or("n/a".to_string(), |p| format!(
                "{:.3}",
                r.hours_per_resident_day / p
            )),
            r.consumption_hours_per_resident_day,
            r.consumption_hours_per_resident_day_sectors,
            home.consumption_hours_per_resident_day,
            r.consumption_usd_per_resident,
            r.co2_per_resident,
            r.consumption_co2_per_resident,
        );
    }
    Ok(s)
}

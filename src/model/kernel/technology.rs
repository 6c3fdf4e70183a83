//! The economy's technology: the technical coefficients and Leontief inverse in force, derived
//! once from the parameters and the decisions in force, and read by every mechanism that turns
//! need into gross output.

use crate::model::kernel::goods::{
    Good, Matrix, N_GOODS, coefficient_matrix, leontief_inverse, mul,
};
use crate::model::kernel::params::energy::EnergyUser;
use crate::model::kernel::params::{N_SECTORS, Params};
use bevy_ecs::prelude::*;

/// The technical coefficients and their Leontief inverse, derived from the parameters, with
/// the labour and emissions per unit of each good and the order in which energy users are cut.
#[derive(Resource, Clone, Debug)]
pub struct Economy {
    pub a: Matrix,
    pub leontief: Matrix,
    /// Labour per unit of each good (hours/unit at full skill).
    pub labour: [f64; N_GOODS],
    /// Emissions of making a unit of each good beyond its energy and inputs (kg CO2e/unit).
    pub co2e: [f64; N_GOODS],
    /// Share of passenger-km by car (0 unless cars are allowed).
    pub car_share: f64,
    /// `energy.curtailment_order`, resolved (names validation refused are left out).
    pub curtailment: Vec<EnergyUser>,
}

impl Economy {
    /// The gross output of every good that meets final need `need`, with all the intermediate
    /// goods making it takes: `(I - A)^-1 need`. The one place where need becomes gross output.
    pub fn gross_output(&self, need: &[f64; N_GOODS]) -> [f64; N_GOODS] {
        mul(&self.leontief, need)
    }

    /// Derives the matrices. Where cars are allowed, a passenger-km is the blend of rail's and
    /// the car's inputs, labour and emissions. Validation guarantees the inverse exists; if it
    /// somehow does not, planning falls back to direct need only (no intermediate use is
    /// planned for).
    pub fn new(params: &Params) -> Self {
        let a = technical_matrix(params);
        let mut labour = [0.0; N_GOODS];
        let mut co2e = [0.0; N_GOODS];
        for good in Good::ALL {
            let g = params.goods.get(*good);
            labour[good.index()] = g.labour_hours_per_unit;
            co2e[good.index()] = g.kg_co2e_per_unit;
        }
        let tp = &params.transport;
        let car_share = tp.car_share();
        if car_share > 0.0 {
            let t = Good::Transport.index();
            labour[t] = (1.0 - car_share) * labour[t] + car_share * tp.car_hours_per_km;
            co2e[t] = (1.0 - car_share) * co2e[t] + car_share * tp.car_kg_co2e_per_km;
        }
        // A regional energy syndicate runs larger installations with fewer hours a kWh.
        labour[Good::Energy.index()] *= params.energy.labour_scale();
        let leontief = leontief_inverse(&a).unwrap_or_else(|| {
            let mut identity = [[0.0; N_GOODS]; N_GOODS];
            (0..N_GOODS).for_each(|i| identity[i][i] = 1.0);
            identity
        });
        let curtailment = params
            .energy
            .curtailment_order
            .iter()
            .filter_map(|name| EnergyUser::from_name(name))
            .collect();
        Self {
            a,
            leontief,
            labour,
            co2e,
            car_share,
            curtailment,
        }
    }
}

/// The technical-coefficients matrix in force: `[inputs]`, with a passenger-km the blend of
/// rail's inputs and the car's where cars are allowed.
pub fn technical_matrix(params: &Params) -> Matrix {
    let mut a = coefficient_matrix(&params.inputs);
    let tp = &params.transport;
    let car_share = tp.car_share();
    if car_share > 0.0 {
        let t = Good::Transport.index();
        for row in a.iter_mut() {
            row[t] *= 1.0 - car_share;
        }
        a[Good::Energy.index()][t] += car_share * tp.car_kwh_per_km;
        a[Good::Materials.index()][t] += car_share * tp.car_materials_t_per_km;
    }
    a
}

/// Sectors of a table economy (`[economy] table`): the model's sectors, then `other`.
pub const TABLE_SECTORS: usize = N_SECTORS + 1;

/// A table economy's coefficients, per thousand US$ of each sector's output, and the final
/// demand it meets, per resident.
#[derive(Resource, Clone, Debug, PartialEq)]
pub struct TableEconomy {
    /// What it was built from, for the run header and reports ("WIOD 2016, DEU 2014, ...").
    pub label: String,
    /// Sector names, in order: the model's sectors, then `other`.
    pub sectors: [String; TABLE_SECTORS],
    /// The labour sector each table sector's hours go to (`None`: spread over all of them).
    pub slot: [Option<usize>; TABLE_SECTORS],
    /// The Leontief inverse `(I - A)^-1`, `leontief[i][j]`: output of `i` per unit of final
    /// demand for `j`.
    pub leontief: [[f64; TABLE_SECTORS]; TABLE_SECTORS],
    /// Hours worked per thousand US$ of output (h/k$).
    pub labour: [f64; TABLE_SECTORS],
    /// CO2 emitted per thousand US$ of output (kg/k$).
    pub co2: [f64; TABLE_SECTORS],
    /// Final demand met per resident (k$/person/day).
    pub final_use: [f64; TABLE_SECTORS],
    /// Of which consumption by households, non-profits and government (k$/person/day).
    pub consumption: [f64; TABLE_SECTORS],
    /// Residents' direct CO2: fuels burned at home and in cars (kg/person/day).
    pub household_co2: f64,
}

impl TableEconomy {
    /// Gross output of each sector that meets final demand `f`: `(I - A)^-1 f`.
    pub fn gross_output(&self, f: &[f64; TABLE_SECTORS]) -> [f64; TABLE_SECTORS] {
        let mut x = [0.0; TABLE_SECTORS];
        for (i, row) in self.leontief.iter().enumerate() {
            x[i] = row.iter().zip(f).map(|(l, f)| l * f).sum();
        }
        x
    }
}

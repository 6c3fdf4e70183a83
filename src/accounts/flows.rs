//! An economy's flows and the coefficients derived from them.

use super::linalg::{Lu, Matrix, dot};
use super::{AccountsError, FINAL_DEMAND};

/// Which final-demand columns to take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Demand {
    /// Final consumption: households, non-profits serving households and government
    /// (`CONS_h + CONS_np + CONS_g`).
    Consumption,
    /// All final demand: consumption, investment (`GFCF`), changes in inventories (`INVEN`) and
    /// exports (`EXP`).
    All,
}

impl Demand {
    fn columns(self) -> std::ops::Range<usize> {
        match self {
            Demand::Consumption => 0..3,
            Demand::All => 0..FINAL_DEMAND.len(),
        }
    }
}

/// Inter-industry flows, final demand, output, hours and CO2 of `n` industries or sectors.
#[derive(Clone, Debug, PartialEq)]
pub struct Flows {
    /// Industry codes or sector names, one per row.
    pub labels: Vec<String>,
    /// `z[(i, j)]`: what industry `j` bought of product `i` (M US$).
    pub z: Matrix,
    /// Final demand for product `i` by each column of [`FINAL_DEMAND`] (M US$).
    pub final_demand: Matrix,
    /// Gross output of each industry at basic prices (M US$).
    pub output: Vec<f64>,
    /// Hours worked by persons engaged in each industry (h).
    pub hours: Vec<f64>,
    /// CO2 emitted by each industry (t).
    pub co2: Vec<f64>,
}

/// Coefficients per unit of output. Industries with no output get zero columns.
#[derive(Clone, Debug, PartialEq)]
pub struct Coefficients {
    /// Technical coefficients `A = Z / x` (M US$ of input per M US$ of output).
    pub a: Matrix,
    /// Labour per unit of output `l = hours / x` (h per M US$).
    pub labour: Vec<f64>,
    /// CO2 per unit of output `c = CO2 / x` (t per M US$).
    pub co2: Vec<f64>,
}

/// What one unit of final demand for each product takes, directly and through its inputs.
#[derive(Clone, Debug, PartialEq)]
pub struct Multipliers {
    /// Embodied hours per unit of final demand, `l (I - A)^-1` (h per M US$).
    pub labour: Vec<f64>,
    /// Embodied CO2 per unit of final demand, `c (I - A)^-1` (t per M US$).
    pub co2: Vec<f64>,
}

impl Flows {
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Final demand summed over the chosen columns (M US$).
    pub fn demand(&self, which: Demand) -> Vec<f64> {
        let cols = which.columns();
        (0..self.len())
            .map(|i| cols.clone().map(|k| self.final_demand[(i, k)]).sum())
            .collect()
    }

    /// `A = Z / x`, `l = hours / x`, `c = CO2 / x`; a column with no output is all zero (the
    /// empty industries of CAN and AUS, and U everywhere).
    pub fn coefficients(&self) -> Coefficients {
        let per_unit = |v: f64, j: usize| {
            if self.output[j] > 0.0 {
                v / self.output[j]
            } else {
                0.0
            }
        };
        let n = self.len();
        Coefficients {
            a: Matrix::from_fn(n, n, |i, j| per_unit(self.z[(i, j)], j)),
            labour: (0..n).map(|j| per_unit(self.hours[j], j)).collect(),
            co2: (0..n).map(|j| per_unit(self.co2[j], j)).collect(),
        }
    }

    /// Hours and CO2 of industries with no output: they cannot be put per unit of output, so
    /// no final demand embodies them. Zero in every shipped table for 2014.
    pub fn stranded(&self) -> (f64, f64) {
        (0..self.len())
            .filter(|&j| self.output[j] <= 0.0)
            .fold((0.0, 0.0), |(h, c), j| (h + self.hours[j], c + self.co2[j]))
    }

    /// Sum industries into groups: `group[i]` is the group of row `i`, `labels` the groups'
    /// names. Flows, output, hours and CO2 add up, so the aggregated coefficients are the
    /// output-weighted means of the industries' and the aggregated economy balances exactly as
    /// the detailed one does: the hours embodied in all final demand are preserved.
    pub fn aggregate(&self, group: &[usize], labels: Vec<String>) -> Flows {
        let k = labels.len();
        let n = self.len();
        assert_eq!(group.len(), n, "one group per industry");
        let mut z = Matrix::zeros(k, k);
        let mut final_demand = Matrix::zeros(k, self.final_demand.ncols());
        let mut output = vec![0.0; k];
        let mut hours = vec![0.0; k];
        let mut co2 = vec![0.0; k];
        for i in 0..n {
            let gi = group[i];
            for j in 0..n {
                z[(gi, group[j])] += self.z[(i, j)];
            }
            for c in 0..self.final_demand.ncols() {
                final_demand[(gi, c)] += self.final_demand[(i, c)];
            }
            output[gi] += self.output[i];
            hours[gi] += self.hours[i];
            co2[gi] += self.co2[i];
        }
        Flows {
            labels,
            z,
            final_demand,
            output,
            hours,
            co2,
        }
    }
}

impl Coefficients {
    fn lu(&self, transpose: bool) -> Result<Lu, AccountsError> {
        let m = self.a.identity_minus();
        let m = if transpose { m.transpose() } else { m };
        Lu::new(&m).ok_or_else(|| AccountsError::Numeric("I - A is singular".to_string()))
    }

    /// The Leontief inverse `(I - A)^-1`.
    pub fn leontief_inverse(&self) -> Result<Matrix, AccountsError> {
        Ok(self.lu(false)?.inverse())
    }

    /// Embodied hours and CO2 per unit of final demand: `l (I - A)^-1` and `c (I - A)^-1`,
    /// solved as `(I - A)^T v = l` (one LU, two right-hand sides).
    pub fn multipliers(&self) -> Result<Multipliers, AccountsError> {
        let lu = self.lu(true)?;
        Ok(Multipliers {
            labour: lu.solve(&self.labour),
            co2: lu.solve(&self.co2),
        })
    }

    /// Gross output needed to meet final demand `f`: `(I - A)^-1 f`.
    pub fn output_for(&self, f: &[f64]) -> Result<Vec<f64>, AccountsError> {
        Ok(self.lu(false)?.solve(f))
    }
}

impl Multipliers {
    /// Hours embodied in final demand `f` (h).
    pub fn hours(&self, f: &[f64]) -> f64 {
        dot(&self.labour, f)
    }

    /// CO2 embodied in final demand `f` (t).
    pub fn co2(&self, f: &[f64]) -> f64 {
        dot(&self.co2, f)
    }
}

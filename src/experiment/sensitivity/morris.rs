//! Morris elementary effects from the outputs of a trajectory or radial design: mu (mean
//! effect), mu* (mean absolute effect, Campolongo et al. 2007) and sigma (standard deviation,
//! a sign of interactions or non-linearity), as in SALib's `SALib.analyze.morris`, with bootstrap
//! 95% intervals on all three (trajectories drawn with replacement; estimate plus or minus 1.96
//! bootstrap standard deviations, as SALib gives for mu*).
//!
//! Effects are per unit of the parameter's unit interval (its range, or its quantile scale),
//! so parameters with different units compare.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::sample::{Rows, morris_delta};
use super::sobol::{Estimate, Z95};

/// How a Morris design's rows are arranged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// Trajectories on a grid of `levels` levels: each row moves one factor from the row before
    /// by the grid's delta.
    Trajectory { levels: u32 },
    /// Blocks of a base row and one row per factor, each changing that factor only.
    Radial,
}

/// Morris statistics of one output.
#[derive(Clone, Debug, PartialEq)]
pub struct MorrisIndices {
    pub mu: Vec<Estimate>,
    pub mu_star: Vec<Estimate>,
    pub sigma: Vec<Estimate>,
}

/// Elementary effects `ee[t][j]` of factor `j` in trajectory (or block) `t`, from the design's
/// unit-interval rows `x` (or any rows whose differences have the same signs, for a trajectory
/// design) and outputs `y`.
///
/// # Errors
/// If the rows are not whole blocks of `d + 1`, or a step does not change exactly one factor.
pub fn elementary_effects(
    x: &Rows,
    y: &[f64],
    d: usize,
    layout: Layout,
) -> Result<Vec<Vec<f64>>, String> {
    let block = d + 1;
    if d == 0 || x.len() != y.len() || x.is_empty() || !x.len().is_multiple_of(block) {
        return Err(format!(
            "{} rows and {} outputs are not whole blocks of {block} rows",
            x.len(),
            y.len()
        ));
    }
    let mut out = Vec::with_capacity(x.len() / block);
    for (t, (xs, ys)) in x.chunks(block).zip(y.chunks(block)).enumerate() {
        let mut ee = vec![f64::NAN; d];
        for s in 0..d {
            let (from, to) = match layout {
                Layout::Trajectory { .. } => (s, s + 1),
                Layout::Radial => (0, s + 1),
            };
            let changed: Vec<usize> = (0..d).filter(|&j| xs[from][j] != xs[to][j]).collect();
            let &[j] = changed.as_slice() else {
                return Err(format!(
                    "row {} of block {t} changes {} factors, not one",
                    to,
                    changed.len()
                ));
            };
            let dy = ys[to] - ys[from];
            let dx = xs[to][j] - xs[from][j];
            ee[j] = match layout {
                Layout::Trajectory { levels } => dy * dx.signum() / morris_delta(levels),
                Layout::Radial => dy / dx,
            };
        }
        if let Some(j) = ee.iter().position(|e| e.is_nan()) {
            return Err(format!("block {t} never moves factor {j}"));
        }
        out.push(ee);
    }
    Ok(out)
}

fn stats(ee: &[Vec<f64>], idx: &[usize], j: usize) -> (f64, f64, f64) {
    let n = idx.len() as f64;
    let mu = idx.iter().map(|&t| ee[t][j]).sum::<f64>() / n;
    let mu_star = idx.iter().map(|&t| ee[t][j].abs()).sum::<f64>() / n;
    let sigma = if idx.len() > 1 {
        (idx.iter().map(|&t| (ee[t][j] - mu).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
    } else {
        f64::NAN
    };
    (mu, mu_star, sigma)
}

/// mu, mu* and sigma of each factor from the effects of [`elementary_effects`], with
/// `resamples` bootstrap replicates (0: no intervals) from a stream seeded by `seed`.
pub fn analyze(ee: &[Vec<f64>], resamples: usize, seed: u64) -> MorrisIndices {
    let r = ee.len();
    let d = ee.first().map_or(0, Vec::len);
    let all: Vec<usize> = (0..r).collect();
    let mut boot = vec![[Vec::new(), Vec::new(), Vec::new()]; d];
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(0x424F_4F54_4D4F_5252);
    let mut idx = vec![0; r];
    for _ in 0..resamples {
        for i in &mut idx {
            *i = rng.random_range(0..r);
        }
        for (j, b) in boot.iter_mut().enumerate() {
            let (mu, mu_star, sigma) = stats(ee, &idx, j);
            b[0].push(mu);
            b[1].push(mu_star);
            b[2].push(sigma);
        }
    }
    let half = |xs: &[f64]| {
        let xs: Vec<f64> = xs.iter().copied().filter(|x| x.is_finite()).collect();
        if xs.len() < 2 {
            return f64::NAN;
        }
        let n = xs.len() as f64;
        let m = xs.iter().sum::<f64>() / n;
        Z95 * (xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
    };
    let mut out = MorrisIndices {
        mu: Vec::with_capacity(d),
        mu_star: Vec::with_capacity(d),
        sigma: Vec::with_capacity(d),
    };
    for (j, b) in boot.iter().enumerate() {
        let (mu, mu_star, sigma) = stats(ee, &all, j);
        out.mu.push(Estimate::around(mu, half(&b[0])));
        out.mu_star.push(Estimate::around(mu_star, half(&b[1])));
        out.sigma.push(Estimate::around(sigma, half(&b[2])));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::sample::{morris_radial, morris_trajectories};
    use super::*;

    /// y = 3 x0 - 2 x1 + 0 x2 + 4 x0 x3: effects of x0 vary with x3, x2 has none.
    fn model(x: &[f64]) -> f64 {
        3.0 * x[0] - 2.0 * x[1] + 4.0 * x[0] * x[3]
    }

    #[test]
    fn linear_effects_are_recovered_and_interactions_show_in_sigma() {
        for (rows, layout) in [
            (
                morris_trajectories(40, 4, 4, 2),
                Layout::Trajectory { levels: 4 },
            ),
            (morris_radial(40, 4, 2), Layout::Radial),
        ] {
            let y: Vec<f64> = rows.iter().map(|x| model(x)).collect();
            let ee = elementary_effects(&rows, &y, 4, layout).unwrap();
            let m = analyze(&ee, 200, 1);
            // x1 is linear: every effect is -2.
            assert!((m.mu[1].value + 2.0).abs() < 1e-9, "{layout:?}");
            assert!((m.mu_star[1].value - 2.0).abs() < 1e-9);
            assert!(m.sigma[1].value < 1e-9);
            // x2 has no effect.
            assert_eq!(m.mu_star[2].value, 0.0);
            // x0's effect is 3 + 4 x3, between 3 and 7; it varies, so sigma > 0.
            assert!(m.mu_star[0].value > 3.0 && m.mu_star[0].value < 7.0);
            assert!(m.sigma[0].value > 0.5);
            assert!(
                m.mu_star[0].low < m.mu_star[0].value && m.mu_star[0].value < m.mu_star[0].high
            );
        }
    }

    #[test]
    fn a_design_that_moves_two_factors_at_once_is_refused() {
        let rows = vec![vec![0.0, 0.0], vec![1.0, 1.0], vec![1.0, 0.0]];
        let err =
            elementary_effects(&rows, &[0.0; 3], 2, Layout::Trajectory { levels: 4 }).unwrap_err();
        assert!(err.contains("changes 2 factors"), "{err}");
    }
}

//! Sobol' indices from a Saltelli design's outputs: the estimators of SALib's
//! `SALib.analyze.sobol` (Saltelli et al. 2010 for first-order indices, Jansen 1999 for total
//! indices, Saltelli 2002 for second-order ones), with bootstrap 95% intervals.
//!
//! As in SALib, outputs are first standardised (mean 0, standard deviation 1 over all rows),
//! the variance is that of the A and B rows together, and an interval is the estimate plus or
//! minus 1.96 standard deviations of its bootstrap replicates (base samples drawn with
//! replacement, seeded).

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::sample::saltelli_block;

/// An estimate with its 95% interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    pub value: f64,
    pub low: f64,
    pub high: f64,
}

impl Estimate {
    /// `value` with an interval of `half` either side (NaN when unknown).
    pub fn around(value: f64, half: f64) -> Self {
        Self {
            value,
            low: value - half,
            high: value + half,
        }
    }
}

/// The Sobol' indices of one output.
#[derive(Clone, Debug, PartialEq)]
pub struct SobolIndices {
    /// First-order index of each parameter.
    pub first: Vec<Estimate>,
    /// Total index of each parameter.
    pub total: Vec<Estimate>,
    /// Second-order index of each pair `(j, k)`, `j < k`, when asked for.
    pub second: Vec<(usize, usize, Estimate)>,
}

/// The output values of a Saltelli design split by role, one entry per base sample.
struct Parts {
    a: Vec<f64>,
    b: Vec<f64>,
    /// `ab[j][i]`: A with factor j from B.
    ab: Vec<Vec<f64>>,
    /// `ba[j][i]`: B with factor j from A (second order only).
    ba: Vec<Vec<f64>>,
}

fn split(y: &[f64], d: usize, second_order: bool) -> Parts {
    let step = saltelli_block(d, second_order);
    let n = y.len() / step;
    let col = |offset: usize| (0..n).map(|i| y[i * step + offset]).collect::<Vec<f64>>();
    Parts {
        a: col(0),
        b: col(step - 1),
        ab: (0..d).map(|j| col(j + 1)).collect(),
        ba: if second_order {
            (0..d).map(|j| col(j + 1 + d)).collect()
        } else {
            Vec::new()
        },
    }
}

/// Population variance of A and B together.
fn var_ab(a: &[f64], b: &[f64], idx: &[usize]) -> f64 {
    let n = 2.0 * idx.len() as f64;
    let mean = idx.iter().map(|&i| a[i] + b[i]).sum::<f64>() / n;
    idx.iter()
        .map(|&i| (a[i] - mean).powi(2) + (b[i] - mean).powi(2))
        .sum::<f64>()
        / n
}

fn mean_of(idx: &[usize], f: impl Fn(usize) -> f64) -> f64 {
    idx.iter().map(|&i| f(i)).sum::<f64>() / idx.len() as f64
}

fn first(p: &Parts, j: usize, idx: &[usize], var: f64) -> f64 {
    if var == 0.0 {
        return 0.0;
    }
    mean_of(idx, |i| p.b[i] * (p.ab[j][i] - p.a[i])) / var
}

fn total(p: &Parts, j: usize, idx: &[usize], var: f64) -> f64 {
    if var == 0.0 {
        return 0.0;
    }
    0.5 * mean_of(idx, |i| (p.a[i] - p.ab[j][i]).powi(2)) / var
}

fn second(p: &Parts, j: usize, k: usize, idx: &[usize], var: f64) -> f64 {
    if var == 0.0 {
        return 0.0;
    }
    let vjk = mean_of(idx, |i| p.ba[j][i] * p.ab[k][i] - p.a[i] * p.b[i]) / var;
    vjk - first(p, j, idx, var) - first(p, k, idx, var)
}

/// Standard deviation (n - 1) of bootstrap replicates.
fn sd(xs: &[f64]) -> f64 {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
}

/// The two-sided 95% normal quantile.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Sobol' indices of the outputs `y` of a Saltelli design over `d` parameters (rows in the
/// layout of [`super::sample::saltelli`]), with `resamples` bootstrap replicates (0: no
/// intervals) drawn from a stream seeded by `seed`.
///
/// # Errors
/// If `y` is not a whole number of blocks, or holds a value that is not finite.
pub fn analyze(
    y: &[f64],
    d: usize,
    second_order: bool,
    resamples: usize,
    seed: u64,
) -> Result<SobolIndices, String> {
    let step = saltelli_block(d, second_order);
    if d == 0 || y.is_empty() || !y.len().is_multiple_of(step) {
        return Err(format!(
            "{} outputs are not a Saltelli design over {d} parameters (a multiple of {step})",
            y.len()
        ));
    }
    if let Some(i) = y.iter().position(|v| !v.is_finite()) {
        return Err(format!("output {i} is {}, not a number", y[i]));
    }
    // Standardised as SALib does: the estimators of first and second order are not invariant
    // to a shift of the output.
    let n_all = y.len() as f64;
    let mean = y.iter().sum::<f64>() / n_all;
    let sd_all = (y.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n_all).sqrt();
    let scale = if sd_all > 0.0 { sd_all } else { 1.0 };
    let ys: Vec<f64> = y.iter().map(|v| (v - mean) / scale).collect();
    let parts = split(&ys, d, second_order);
    let n = parts.a.len();
    let all: Vec<usize> = (0..n).collect();
    let var = var_ab(&parts.a, &parts.b, &all);

    let pairs: Vec<(usize, usize)> = if second_order {
        (0..d)
            .flat_map(|j| (j + 1..d).map(move |k| (j, k)))
            .collect()
    } else {
        Vec::new()
    };
    // Bootstrap replicates of every index over the same resamples.
    let mut boot_first = vec![Vec::with_capacity(resamples); d];
    let mut boot_total = vec![Vec::with_capacity(resamples); d];
    let mut boot_second = vec![Vec::with_capacity(resamples); pairs.len()];
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(0x424F_4F54_534F_424C);
    let mut idx = vec![0; n];
    for _ in 0..resamples {
        for i in &mut idx {
            *i = rng.random_range(0..n);
        }
        let v = var_ab(&parts.a, &parts.b, &idx);
        for j in 0..d {
            boot_first[j].push(first(&parts, j, &idx, v));
            boot_total[j].push(total(&parts, j, &idx, v));
        }
        for (p, &(j, k)) in pairs.iter().enumerate() {
            boot_second[p].push(second(&parts, j, k, &idx, v));
        }
    }
    let half = |boot: &[f64]| {
        if boot.len() >= 2 {
            Z95 * sd(boot)
        } else {
            f64::NAN
        }
    };
    Ok(SobolIndices {
        first: (0..d)
            .map(|j| Estimate::around(first(&parts, j, &all, var), half(&boot_first[j])))
            .collect(),
        total: (0..d)
            .map(|j| Estimate::around(total(&parts, j, &all, var), half(&boot_total[j])))
            .collect(),
        second: pairs
            .iter()
            .enumerate()
            .map(|(p, &(j, k))| {
                (
                    j,
                    k,
                    Estimate::around(second(&parts, j, k, &all, var), half(&boot_second[p])),
                )
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::super::sample::{Dist, saltelli};
    use super::*;
    use std::f64::consts::PI;

    fn ishigami(x: &[f64]) -> f64 {
        x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
    }

    fn run_design(
        n: usize,
        d: usize,
        second_order: bool,
        seed: u64,
        f: impl Fn(&[f64]) -> f64,
        dist: &Dist,
    ) -> Vec<f64> {
        saltelli(n, d, second_order, seed)
            .iter()
            .map(|u| f(&u.iter().map(|&u| dist.quantile(u)).collect::<Vec<_>>()))
            .collect()
    }

    /// Ishigami (a = 7, b = 0.1): S1 = 0.3139, 0.4424, 0; ST = 0.5576, 0.4424, 0.2437;
    /// S13 = 0.2437, other pairs 0 (Ishigami & Homma 1990; Saltelli et al. 2008, p. 179).
    #[test]
    fn ishigami_indices_land_on_their_analytical_values() {
        let unif = Dist::Uniform { min: -PI, max: PI };
        let y = run_design(4096, 3, true, 1, ishigami, &unif);
        let s = analyze(&y, 3, true, 200, 1).unwrap();
        let s1 = [0.3139, 0.4424, 0.0];
        let st = [0.5576, 0.4424, 0.2437];
        for j in 0..3 {
            // With N = 4096 the estimators' standard errors are about 0.01 to 0.02.
            assert!(
                (s.first[j].value - s1[j]).abs() < 0.04,
                "S1 {j}: {:?}",
                s.first[j]
            );
            assert!(
                (s.total[j].value - st[j]).abs() < 0.04,
                "ST {j}: {:?}",
                s.total[j]
            );
            // The 95% intervals are a few hundredths wide and cover the truth.
            assert!(s.first[j].low <= s1[j] + 0.01 && s1[j] - 0.01 <= s.first[j].high);
            assert!(s.total[j].high - s.total[j].low < 0.1);
        }
        let s13 = s
            .second
            .iter()
            .find(|(j, k, _)| (*j, *k) == (0, 2))
            .unwrap()
            .2;
        assert!((s13.value - 0.2437).abs() < 0.06, "{s13:?}");
        let s12 = s
            .second
            .iter()
            .find(|(j, k, _)| (*j, *k) == (0, 1))
            .unwrap()
            .2;
        assert!(s12.value.abs() < 0.06, "{s12:?}");
    }

    /// Sobol' G-function with a = (0, 1, 4.5, 9, 99, 99): V_i = 1 / (3 (1 + a_i)^2),
    /// S_i = V_i / (prod (1 + V_i) - 1).
    #[test]
    fn g_function_indices_land_on_their_analytical_values() {
        let a = [0.0, 1.0, 4.5, 9.0, 99.0, 99.0];
        let g = |x: &[f64]| {
            x.iter()
                .zip(&a)
                .map(|(x, a)| ((4.0 * x - 2.0).abs() + a) / (1.0 + a))
                .product::<f64>()
        };
        let vi: Vec<f64> = a
            .iter()
            .map(|a| 1.0 / (3.0 * (1.0 + a) * (1.0 + a)))
            .collect();
        let v = vi.iter().map(|v| 1.0 + v).product::<f64>() - 1.0;
        let unit = Dist::Uniform { min: 0.0, max: 1.0 };
        let y = run_design(2048, 6, false, 3, g, &unit);
        let s = analyze(&y, 6, false, 100, 3).unwrap();
        for j in 0..6 {
            let s1 = vi[j] / v;
            // Total: V_i prod_{k != i}(1 + V_k) / V.
            let st = vi[j]
                * vi.iter()
                    .enumerate()
                    .filter(|(k, _)| *k != j)
                    .map(|(_, v)| 1.0 + v)
                    .product::<f64>()
                / v;
            assert!(
                (s.first[j].value - s1).abs() < 0.04,
                "S1 {j}: {:?} vs {s1}",
                s.first[j]
            );
            assert!(
                (s.total[j].value - st).abs() < 0.04,
                "ST {j}: {:?} vs {st}",
                s.total[j]
            );
        }
        assert!(s.second.is_empty());
    }

    #[test]
    fn intervals_are_seeded_and_bad_outputs_refused() {
        let unif = Dist::Uniform { min: -PI, max: PI };
        let y = run_design(64, 3, false, 1, ishigami, &unif);
        assert_eq!(analyze(&y, 3, false, 50, 9), analyze(&y, 3, false, 50, 9));
        assert_ne!(analyze(&y, 3, false, 50, 9), analyze(&y, 3, false, 50, 10));
        assert!(
            analyze(&y[1..], 3, false, 50, 9)
                .unwrap_err()
                .contains("multiple of 5")
        );
        let mut bad = y.clone();
        bad[7] = f64::NAN;
        assert!(
            analyze(&bad, 3, false, 50, 9)
                .unwrap_err()
                .contains("output 7")
        );
        // A constant output has no variance to share out.
        let flat = vec![2.0; 64 * 5];
        let s = analyze(&flat, 3, false, 10, 1).unwrap();
        assert!(s.first.iter().chain(&s.total).all(|e| e.value == 0.0));
    }
}

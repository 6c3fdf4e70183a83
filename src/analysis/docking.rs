//! Docking: whether two sets of runs of the same scenarios over the same seeds, typically made by
//! two builds of `commune`, give the same headline figures in distribution (Axtell, Axelrod,
//! Epstein and Cohen 1996, "Aligning simulation models: a case study and results", Computational
//! and Mathematical Organization Theory 1(2): 123-141, who call it "distributional equivalence").
//!
//! A change that keeps every figure the same to the bit is checked byte for byte
//! (`.ci/same-figures`). A change that alters figures in their last bits (a sum made in another
//! order, a narrower type) sends every run elsewhere after the first decision it tips, so its
//! figures can only be compared over many seeds. For each scenario and headline figure:
//!
//! - the runs are paired by seed (common random numbers: the same persons are drawn, so the
//!   pairs stay correlated and their differences carry less noise than two independent means);
//! - a paired t-test asks whether the mean difference is zero;
//! - Holm's step-down correction (Holm 1979, "A simple sequentially rejective multiple test
//!   procedure", Scandinavian Journal of Statistics 6(2): 65-70) keeps the chance of any false
//!   alarm over all the figures tested at `alpha`;
//! - a difference counts only if it is also *material*: more than `tolerance` of the
//!   figure's spread from seed to seed in the first set of runs. With the default tenth of a
//!   spread, a difference that passes is one no study of fewer than several hundred seeds
//!   could resolve.
//!
//! A figure differs when it is both significant after the correction and material, or when it is
//! defined (not NaN) in one set of runs and not in the other.

use statrs::distribution::{ContinuousCDF, StudentsT};

use super::stats::t95;

/// How a figure compares over the paired runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The same value in every pair, to the bit (NaN counting as equal to NaN).
    Identical,
    /// Different in some pair, but not significantly and materially so.
    Same,
    /// Significantly and materially different, or defined in one set of runs only.
    Differs,
}

impl Verdict {
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Identical => "identical",
            Verdict::Same => "same",
            Verdict::Differs => "differs",
        }
    }
}

/// One figure's paired comparison, before Holm's correction.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Paired {
    /// Pairs in which both values are defined.
    pub n: usize,
    /// Pairs in which only one of the two values is defined (not NaN).
    pub one_sided: usize,
    pub before_mean: f64,
    pub after_mean: f64,
    /// The seed-to-seed standard deviation of the first set's values.
    pub before_sd: f64,
    /// Mean of the differences (after minus before) and its 95% interval.
    pub diff_mean: f64,
    pub diff_low: f64,
    pub diff_high: f64,
    /// The paired t statistic (infinite when every difference is the same non-zero value).
    pub t: f64,
    /// Two-sided p-value of the paired t-test (1 for identical values).
    pub p: f64,
    /// Whether every pair is the same value.
    pub identical: bool,
}

fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len() as f64
}

/// Sample standard deviation (n - 1); 0 for fewer than two values.
fn sd(xs: &[f64]) -> f64 {
    if xs.len() < 2 {
        return 0.0;
    }
    let m = mean(xs);
    (xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (xs.len() - 1) as f64).sqrt()
}

/// Compares `before[i]` with `after[i]`, pair by pair (the two slices are in the same seed order).
pub fn paired(before: &[f64], after: &[f64]) -> Paired {
    assert_eq!(before.len(), after.len(), "paired runs");
    let identical = before
        .iter()
        .zip(after)
        .all(|(b, a)| a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()) || a == b);
    let one_sided = before
        .iter()
        .zip(after)
        .filter(|(b, a)| b.is_nan() != a.is_nan())
        .count();
    let (b, a): (Vec<f64>, Vec<f64>) = before
        .iter()
        .zip(after)
        .filter(|(b, a)| !b.is_nan() && !a.is_nan())
        .map(|(b, a)| (*b, *a))
        .unzip();
    let n = b.len();
    let d: Vec<f64> = a.iter().zip(&b).map(|(a, b)| a - b).collect();
    let nan = f64::NAN;
    if n == 0 {
        return Paired {
            n,
            one_sided,
            before_mean: nan,
            after_mean: nan,
            before_sd: nan,
            diff_mean: nan,
            diff_low: nan,
            diff_high: nan,
            t: nan,
            p: if identical { 1.0 } else { nan },
            identical,
        };
    }
    let diff_mean = mean(&d);
    let diff_sd = sd(&d);
    let (t, p, half) = if identical || d.iter().all(|&x| x == 0.0) {
        (0.0, 1.0, 0.0)
    } else if n < 2 {
        // One pair that differs: nothing to test it against.
        (nan, nan, nan)
    } else if diff_sd == 0.0 {
        // Every pair differs by the same amount: no noise at all.
        (f64::INFINITY.copysign(diff_mean), 0.0, 0.0)
    } else {
        let se = diff_sd / (n as f64).sqrt();
        let t = diff_mean / se;
        let dist = StudentsT::new(0.0, 1.0, (n - 1) as f64).expect("n - 1 >= 1 degrees");
        let p = (2.0 * (1.0 - dist.cdf(t.abs()))).clamp(0.0, 1.0);
        (t, p, t95(n - 1) * se)
    };
    Paired {
        n,
        one_sided,
        before_mean: mean(&b),
        after_mean: mean(&a),
        before_sd: sd(&b),
        diff_mean,
        diff_low: diff_mean - half,
        diff_high: diff_mean + half,
        t,
        p,
        identical,
    }
}

impl Paired {
    /// Whether the mean difference is material: more than `tolerance` of the first set's spread
    /// from seed to seed, or any difference at all where that spread is zero.
    pub fn material(&self, tolerance: f64) -> bool {
        if self.diff_mean.is_nan() {
            return false;
        }
        if self.before_sd > 0.0 {
            self.diff_mean.abs() > tolerance * self.before_sd
        } else {
            self.diff_mean != 0.0
        }
    }

    /// The mean difference in units of the first set's spread from seed to seed (NaN where that
    /// spread is zero).
    pub fn diff_in_sds(&self) -> f64 {
        if self.before_sd > 0.0 {
            self.diff_mean / self.before_sd
        } else {
            f64::NAN
        }
    }
}

/// Holm's adjusted p-values, in the order given: the smallest p times the number of tests, the
/// next times one fewer, and so on, each at least the one before it, at most 1. A test is
/// rejected at family-wise level `alpha` when its adjusted p-value is at most `alpha`. NaN
/// p-values (nothing to test) are left out of the count and stay NaN.
pub fn holm(p: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..p.len()).filter(|&i| !p[i].is_nan()).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]).then(a.cmp(&b)));
    let m = order.len();
    let mut adjusted = vec![f64::NAN; p.len()];
    let mut running: f64 = 0.0;
    for (k, &i) in order.iter().enumerate() {
        running = running.max(((m - k) as f64 * p[i]).min(1.0));
        adjusted[i] = running;
    }
    adjusted
}

/// The verdict on each of `tests`, given Holm's adjusted p-values (from [`holm`] over the same
/// tests), the family-wise level `alpha` and the material `tolerance`.
pub fn verdicts(tests: &[Paired], adjusted: &[f64], alpha: f64, tolerance: f64) -> Vec<Verdict> {
    tests
        .iter()
        .zip(adjusted)
        .map(|(t, &p)| {
            if t.identical {
                Verdict::Identical
            } else if t.one_sided > 0 || (t.p.is_nan() && t.diff_mean != 0.0) {
                // Defined in one set only, or a single differing pair that cannot be tested.
                Verdict::Differs
            } else if p <= alpha && t.material(tolerance) {
                Verdict::Differs
            } else {
                Verdict::Same
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_values_are_identical_and_nan_matches_nan() {
        let x = [1.0, 2.5, f64::NAN, 4.0];
        let p = paired(&x, &x);
        assert!(p.identical);
        assert_eq!(p.n, 3);
        assert_eq!(p.p, 1.0);
        let v = verdicts(&[p], &holm(&[p.p]), 0.05, 0.1);
        assert_eq!(v, [Verdict::Identical]);
    }

    #[test]
    fn the_paired_t_test_matches_a_hand_computation() {
        // Differences 0.1, 0.3, 0.2, 0.4, 0.0: mean 0.2, sd sqrt(0.025) = 0.158114, se 0.070711,
        // t = 2.828427 with 4 degrees of freedom, two-sided p = 0.047421 (Student's t table:
        // t(0.975, 4) = 2.776, so p is just below 0.05).
        let before = [1.0, 2.0, 3.0, 4.0, 5.0];
        let after = [1.1, 2.3, 3.2, 4.4, 5.0];
        let p = paired(&before, &after);
        assert_eq!(p.n, 5);
        assert!((p.diff_mean - 0.2).abs() < 1e-12);
        assert!((p.t - 2.828_427).abs() < 1e-5, "{}", p.t);
        assert!((p.p - 0.047_421).abs() < 2e-5, "{}", p.p);
        // The interval is mean +- t95(4) * se.
        assert!((p.diff_high - (0.2 + 2.776 * 0.070_710_7)).abs() < 1e-5);
        assert!((p.before_sd - 1.581_139).abs() < 1e-5);
        assert!(!p.identical);
    }

    #[test]
    fn holm_multiplies_by_the_tests_left_and_keeps_the_order() {
        let adjusted = holm(&[0.04, 0.01, f64::NAN, 0.03]);
        // Sorted: 0.01 (x3 = 0.03), 0.03 (x2 = 0.06), 0.04 (x1 = 0.04, raised to 0.06).
        assert!((adjusted[1] - 0.03).abs() < 1e-12);
        assert!((adjusted[3] - 0.06).abs() < 1e-12);
        assert!((adjusted[0] - 0.06).abs() < 1e-12);
        assert!(adjusted[2].is_nan());
        assert!(holm(&[0.9, 0.8]).iter().all(|&p| p <= 1.0));
    }

    #[test]
    fn a_small_unbiased_change_is_the_same_and_a_consistent_shift_differs() {
        // Twenty seeds; the seed-to-seed spread is about 0.2.
        let before: Vec<f64> = (0..20).map(|i| 2.0 + 0.1 * f64::from(i % 7)).collect();
        // Noise of either sign, no shift: not significant.
        let noise: Vec<f64> = before
            .iter()
            .enumerate()
            .map(|(i, b)| b + if i % 2 == 0 { 0.01 } else { -0.01 })
            .collect();
        // A shift of half a spread, every seed: significant and material.
        let shifted: Vec<f64> = before.iter().map(|b| b + 0.1 + 1e-3 * b).collect();
        // A shift far below a tenth of a spread: significant, but not material.
        let tiny: Vec<f64> = before.iter().map(|b| b + 1e-4 + 1e-6 * b).collect();
        let tests = [
            paired(&before, &noise),
            paired(&before, &shifted),
            paired(&before, &tiny),
        ];
        let p: Vec<f64> = tests.iter().map(|t| t.p).collect();
        assert!(p[0] > 0.5, "{}", p[0]);
        assert!(p[1] < 1e-10 && p[2] < 1e-10, "{p:?}");
        let v = verdicts(&tests, &holm(&p), 0.05, 0.1);
        assert_eq!(v, [Verdict::Same, Verdict::Differs, Verdict::Same]);
    }

    #[test]
    fn a_figure_defined_in_one_set_only_differs() {
        let before = [1.0, 2.0, 3.0];
        let after = [1.0, f64::NAN, 3.0];
        let t = paired(&before, &after);
        assert_eq!(t.one_sided, 1);
        assert_eq!(verdicts(&[t], &holm(&[t.p]), 0.05, 0.1), [Verdict::Differs]);
    }

    #[test]
    fn a_constant_count_that_moves_differs() {
        // A count the same on every seed before (spread 0) that is one more after.
        let before = [3.0; 10];
        let after = [4.0; 10];
        let t = paired(&before, &after);
        assert_eq!(t.p, 0.0);
        assert!(t.material(0.1));
        assert_eq!(verdicts(&[t], &holm(&[t.p]), 0.05, 0.1), [Verdict::Differs]);
    }
}

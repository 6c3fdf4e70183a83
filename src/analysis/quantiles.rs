//! Exact quantiles of a distribution across persons, and what a plot estimates from them. A run of
//! more persons than a row each is worth (`commune run --person-rows`) writes each per-person
//! distribution as [`STEPS`]` + 1` order statistics with its Lorenz curve at them, and draws its
//! histogram, Lorenz curve and age pyramid from those.

use super::inequality;

/// The per-person distributions `people_quantiles.parquet` keeps, in order: the same figures as
/// the columns of `people.parquet` of the same names, hours per day of adults only (as their
/// histogram takes them), and the ages of women and of men alive on the last day.
pub const PERSON_FIGURES: [&str; 6] = [
    "work_hours_per_day",
    "need_satisfaction",
    "need_kg",
    "delivered_kg",
    "age_years_women",
    "age_years_men",
];

/// Quantiles kept of each distribution are at 0, 1/STEPS, 2/STEPS, ..., 1.
pub const STEPS: usize = 1_000;

/// One quantile of a distribution of `n` values.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Quantile {
    /// The share `k / STEPS`.
    pub quantile: f64,
    /// The 0-based rank in ascending order of the value kept: `floor(k (n - 1) / STEPS)`, so
    /// quantile 0 is the least value and quantile 1 the greatest.
    pub rank: u64,
    /// The value of that rank: an exact order statistic, not an interpolation.
    pub value: f64,
    /// The Lorenz curve there: the share of the whole held by the `rank + 1` least values
    /// (negative values counted as 0, as in [`inequality::lorenz`]).
    pub cumulative_share: f64,
}

/// A distribution kept as quantiles.
#[derive(Clone, Debug, PartialEq)]
pub struct Distribution {
    /// Values in it (the finite ones given).
    pub persons: u64,
    /// Its Gini coefficient, from its whole Lorenz curve (as [`inequality::gini`] of
    /// [`inequality::lorenz`] of the values).
    pub gini: f64,
    /// `STEPS + 1` quantiles, or none if there are no values.
    pub quantiles: Vec<Quantile>,
}

/// The rank kept for quantile `k / steps` of `n` values (n > 0).
pub fn rank(k: usize, steps: usize, n: usize) -> usize {
    (k as u128 * (n as u128 - 1) / steps as u128) as usize
}

/// The quantiles of `values` (NaNs and infinities left out), `steps + 1` of them.
pub fn distribution(values: &[f64], steps: usize) -> Distribution {
    let mut xs: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    xs.sort_by(f64::total_cmp);
    let curve = inequality::lorenz(&xs);
    let gini = inequality::gini(&curve);
    let n = xs.len();
    let quantiles = if n == 0 {
        Vec::new()
    } else {
        (0..=steps)
            .map(|k| {
                let r = rank(k, steps, n);
                Quantile {
                    quantile: k as f64 / steps as f64,
                    rank: r as u64,
                    value: xs[r],
                    cumulative_share: curve[r + 1].1,
                }
            })
            .collect()
    };
    Distribution {
        persons: n as u64,
        gini,
        quantiles,
    }
}

/// The Lorenz curve through the kept quantiles: (0, 0), then each kept rank's share of persons
/// `(rank + 1) / n` and its cumulative share, each rank once. Exact at those points; between them
/// the curve is drawn straight.
pub fn lorenz(d: &Distribution) -> Vec<(f64, f64)> {
    let n = d.persons as f64;
    let mut points = vec![(0.0, 0.0)];
    let mut last = None;
    for q in &d.quantiles {
        if last != Some(q.rank) {
            points.push(((q.rank + 1) as f64 / n, q.cumulative_share));
            last = Some(q.rank);
        }
    }
    points
}

/// An estimate of how many of the distribution's persons fall in each of `bins` equal bins from
/// `lo` to `hi` (values below `lo` counted in the first, at or above `hi` in the last), as the
/// histogram of [`crate::plot`] bins values. Between two kept quantiles, their share of persons
/// (`1 / STEPS` of them) is taken as spread evenly; a share between two equal quantiles falls in
/// that value's bin. Each bin's estimate is within `2 n / STEPS` of the true count, since only
/// the two shares that straddle its edges can be misplaced.
pub fn histogram(d: &Distribution, lo: f64, hi: f64, bins: usize) -> Vec<f64> {
    let mut counts = vec![0.0; bins];
    if d.quantiles.len() < 2 || bins == 0 {
        return counts;
    }
    let width = (hi - lo) / bins as f64;
    let bin = |x: f64| -> usize {
        if x <= lo || width <= 0.0 {
            0
        } else {
            (((x - lo) / width) as usize).min(bins - 1)
        }
    };
    let share = d.persons as f64 / (d.quantiles.len() - 1) as f64;
    for w in d.quantiles.windows(2) {
        let (a, b) = (w[0].value, w[1].value);
        let (first, last) = (bin(a), bin(b));
        if first == last || b <= a {
            counts[first] += share;
            continue;
        }
        for (k, c) in counts.iter_mut().enumerate().take(last + 1).skip(first) {
            let from = (lo + width * k as f64).max(a);
            let to = if k == last {
                b
            } else {
                (lo + width * (k + 1) as f64).min(b)
            };
            *c += share * (to - from).max(0.0) / (b - a);
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_the_sorted_values_at_their_ranks() {
        let values: Vec<f64> = (0..2_001).rev().map(f64::from).chain([f64::NAN]).collect();
        let d = distribution(&values, STEPS);
        assert_eq!(d.persons, 2_001);
        assert_eq!(d.quantiles.len(), STEPS + 1);
        assert_eq!(d.quantiles[0].value, 0.0);
        assert_eq!(d.quantiles[STEPS].value, 2_000.0);
        assert_eq!(d.quantiles[500].value, 1_000.0);
        assert_eq!(d.quantiles[1].rank, 2);
        // The Lorenz curve at the median: 0 + 1 + ... + 1000 over 0 + ... + 2000.
        let expected = (1_000.0 * 1_001.0 / 2.0) / (2_000.0 * 2_001.0 / 2.0);
        assert!((d.quantiles[500].cumulative_share - expected).abs() < 1e-12);
        assert_eq!(d.quantiles[STEPS].cumulative_share, 1.0);
        assert!((d.gini - inequality::gini(&inequality::lorenz(&values))).abs() == 0.0);
        let curve = lorenz(&d);
        assert_eq!(curve[0], (0.0, 0.0));
        assert_eq!(*curve.last().unwrap(), (1.0, 1.0));
        assert!(distribution(&[f64::NAN], STEPS).quantiles.is_empty());
    }

    #[test]
    fn histogram_estimates_are_close_to_the_counts() {
        // 100,000 values, unevenly spread: estimates within 2 n / STEPS of the counts.
        let values: Vec<f64> = (0..100_000)
            .map(|i| {
                let u = f64::from(i) / 100_000.0;
                8.0 * u * u
            })
            .collect();
        let d = distribution(&values, STEPS);
        let (lo, hi, bins) = (-0.4, 8.4, 30);
        let est = histogram(&d, lo, hi, bins);
        let width = (hi - lo) / bins as f64;
        let mut exact = vec![0.0; bins];
        for x in &values {
            exact[(((x - lo) / width) as usize).min(bins - 1)] += 1.0;
        }
        let total: f64 = est.iter().sum();
        assert!((total - 100_000.0).abs() < 1e-6, "{total}");
        for (e, x) in est.iter().zip(&exact) {
            assert!((e - x).abs() <= 2.0 * 100_000.0 / STEPS as f64, "{e} {x}");
        }
    }
}

//! Summary statistics computed without sorting or allocating in the tick.

/// A fixed-width histogram of values from 0 to a maximum, for percentiles exact to the bin and a
/// Gini coefficient, in O(n) with no sorting.
#[derive(Clone, Debug)]
pub struct Histogram {
    counts: Vec<u64>,
    bins_per_unit: f64,
    top: f64,
    n: u64,
    sum: f64,
    max: f64,
}

/// Bins per hour: percentiles of hours are exact to 1/BINS_PER_HOUR of an hour.
const BINS_PER_HOUR: f64 = 100.0;
/// Hours in a day: the range of an hours histogram.
const DAY_HOURS: f64 = 24.0;

impl Histogram {
    /// Values from 0 to `top`, in bins of `1 / bins_per_unit`.
    pub fn new(top: f64, bins_per_unit: f64) -> Self {
        Self {
            counts: vec![0; (top * bins_per_unit).round() as usize + 1],
            bins_per_unit,
            top,
            n: 0,
            sum: 0.0,
            max: 0.0,
        }
    }

    /// Hours in a day, to the hundredth of an hour.
    pub fn hours() -> Self {
        Self::new(DAY_HOURS, BINS_PER_HOUR)
    }

    /// Shares from 0 to 1, to the thousandth.
    pub fn shares() -> Self {
        Self::new(1.0, 1000.0)
    }

    /// Gini coefficient of the binned values (0 when all are equal or all are zero).
    pub fn gini(&self) -> f64 {
        let total: f64 = self
            .counts
            .iter()
            .enumerate()
            .map(|(b, c)| *c as f64 * b as f64)
            .sum();
        if self.n == 0 || total <= 0.0 {
            return 0.0;
        }
        // G = 2 sum(i x_(i)) / (n sum x) - (n + 1) / n, with ranks i from 1 over sorted values;
        // a bin of c equal values at ranks r+1..r+c adds x c (r + (c + 1) / 2).
        let n = self.n as f64;
        let mut rank = 0.0;
        let mut weighted = 0.0;
        for (b, c) in self.counts.iter().enumerate() {
            let c = *c as f64;
            weighted += b as f64 * c * (rank + (c + 1.0) / 2.0);
            rank += c;
        }
        (2.0 * weighted / (n * total) - (n + 1.0) / n).max(0.0)
    }

    pub fn clear(&mut self) {
        self.counts.iter_mut().for_each(|c| *c = 0);
        self.n = 0;
        self.sum = 0.0;
        self.max = 0.0;
    }

    pub fn add(&mut self, value: f64) {
        // Values are never negative here, so adding a half and truncating rounds to nearest.
        let bin = (value.clamp(0.0, self.top) * self.bins_per_unit + 0.5) as usize;
        self.counts[bin] += 1;
        self.n += 1;
        self.sum += value;
        self.max = self.max.max(value);
    }

    /// Adds `other`'s observations (the same bins).
    pub fn merge(&mut self, other: &Histogram) {
        debug_assert_eq!(self.counts.len(), other.counts.len());
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        self.n += other.n;
        self.sum += other.sum;
        self.max = self.max.max(other.max);
    }

    pub fn count(&self) -> u64 {
        self.n
    }

    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            self.sum / self.n as f64
        }
    }

    pub fn max(&self) -> f64 {
        self.max
    }

    /// The smallest bin value with at least `q` of the observations at or below it; 0 if empty.
    pub fn quantile(&self, q: f64) -> f64 {
        if self.n == 0 {
            return 0.0;
        }
        let rank = ((q * self.n as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (bin, count) in self.counts.iter().enumerate() {
            seen += count;
            if seen >= rank {
                return bin as f64 / self.bins_per_unit;
            }
        }
        self.top
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn quantiles_of_a_known_sample() {
        let mut h = Histogram::hours();
        for x in [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0] {
            h.add(x);
        }
        assert_eq!(h.quantile(0.5), 5.0);
        assert_eq!(h.quantile(0.9), 9.0);
        assert_eq!(h.max(), 10.0);
        assert!((h.mean() - 5.5).abs() < 1e-12);
        h.clear();
        assert_eq!(h.count(), 0);
        assert_eq!(h.quantile(0.5), 0.0);
    }

    #[test]
    fn gini_of_equal_and_of_concentrated_values() {
        let mut h = Histogram::hours();
        for _ in 0..10 {
            h.add(3.0);
        }
        assert!(h.gini().abs() < 1e-12);
        let mut h = Histogram::hours();
        for _ in 0..9 {
            h.add(0.0);
        }
        h.add(5.0);
        // One of ten holds everything: (n - 1) / n.
        assert!((h.gini() - 0.9).abs() < 1e-12);
        let mut h = Histogram::shares();
        for x in [0.25, 0.5, 0.75, 1.0] {
            h.add(x);
        }
        // Sum over pairs of |xi - xj| / (2 n^2 mean) = 5 / (2 * 16 * 0.625) = 0.25.
        assert!((h.gini() - 0.25).abs() < 1e-9);
    }

    proptest! {
        #[test]
        fn quantile_matches_sorting(xs in proptest::collection::vec(0.0f64..24.0, 1..200), q in 0.01f64..1.0) {
            let mut h = Histogram::hours();
            let mut rounded: Vec<f64> = xs.iter().map(|x| (x * BINS_PER_HOUR).round() / BINS_PER_HOUR).collect();
            xs.iter().for_each(|x| h.add(*x));
            rounded.sort_by(f64::total_cmp);
            let rank = ((q * xs.len() as f64).ceil() as usize).max(1);
            prop_assert!((h.quantile(q) - rounded[rank - 1]).abs() < 1e-9);
        }
    }
}

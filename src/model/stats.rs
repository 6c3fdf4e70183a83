//! Summary statistics computed without sorting or allocating in the tick.

/// A fixed-width histogram of hours in a day, for exact-to-the-bin percentiles in O(n).
#[derive(Clone, Debug)]
pub struct HoursHistogram {
    counts: Vec<u64>,
    n: u64,
    sum: f64,
    max: f64,
}

/// Bins per hour: percentiles are exact to 1/BINS_PER_HOUR of an hour.
const BINS_PER_HOUR: f64 = 100.0;
/// Hours in a day: the histogram's range.
const DAY_HOURS: f64 = 24.0;

impl Default for HoursHistogram {
    fn default() -> Self {
        Self {
            counts: vec![0; (DAY_HOURS * BINS_PER_HOUR) as usize + 1],
            n: 0,
            sum: 0.0,
            max: 0.0,
        }
    }
}

impl HoursHistogram {
    pub fn clear(&mut self) {
        self.counts.iter_mut().for_each(|c| *c = 0);
        self.n = 0;
        self.sum = 0.0;
        self.max = 0.0;
    }

    pub fn add(&mut self, hours: f64) {
        let bin = (hours.clamp(0.0, DAY_HOURS) * BINS_PER_HOUR).round() as usize;
        self.counts[bin] += 1;
        self.n += 1;
        self.sum += hours;
        self.max = self.max.max(hours);
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
                return bin as f64 / BINS_PER_HOUR;
            }
        }
        DAY_HOURS
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn quantiles_of_a_known_sample() {
        let mut h = HoursHistogram::default();
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

    proptest! {
        #[test]
        fn quantile_matches_sorting(xs in proptest::collection::vec(0.0f64..24.0, 1..200), q in 0.01f64..1.0) {
            let mut h = HoursHistogram::default();
            let mut rounded: Vec<f64> = xs.iter().map(|x| (x * BINS_PER_HOUR).round() / BINS_PER_HOUR).collect();
            xs.iter().for_each(|x| h.add(*x));
            rounded.sort_by(f64::total_cmp);
            let rank = ((q * xs.len() as f64).ceil() as usize).max(1);
            prop_assert!((h.quantile(q) - rounded[rank - 1]).abs() < 1e-9);
        }
    }
}

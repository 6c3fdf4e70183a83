//! Summary statistics computed without sorting or allocating in the tick.

/// A fixed-width histogram of values from 0 to a maximum, for percentiles exact to the bin and a
/// Gini coefficient, in O(n) with no sorting.
///
/// A bitset marks the bins that hold something, so clearing, merging and scanning cost what
/// the occupied bins cost (one word of the bitset covers 64 bins), not the thousands of empty
/// ones: a village's day fills a few dozen of the 2,401 bins of an hours histogram. The bins
/// are still visited in ascending order, and an empty bin adds nothing to any sum, so every
/// figure is the same to the bit as a scan of every bin.
#[derive(Clone, Debug)]
pub struct Histogram {
    counts: Vec<u64>,
    /// Bit `b % 64` of word `b / 64` is set when bin `b` holds at least one value.
    occupied: Vec<u64>,
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
        let bins = (top * bins_per_unit).round() as usize + 1;
        Self {
            counts: vec![0; bins],
            occupied: vec![0; bins.div_ceil(64)],
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

    /// The occupied bins and their counts, in ascending order of bin.
    fn bins(&self) -> impl Iterator<Item = (usize, u64)> + '_ {
        self.occupied
            .iter()
            .enumerate()
            .flat_map(|(w, &word)| {
                std::iter::successors((word != 0).then_some(word), |&bits| {
                    let rest = bits & (bits - 1);
                    (rest != 0).then_some(rest)
                })
                .map(move |bits| w * 64 + bits.trailing_zeros() as usize)
            })
            .map(|b| (b, self.counts[b]))
    }

    /// Gini coefficient of the binned values (0 when all are equal or all are zero).
    pub fn gini(&self) -> f64 {
        let total: f64 = self.bins().map(|(b, c)| c as f64 * b as f64).sum();
        if self.n == 0 || total <= 0.0 {
            return 0.0;
        }
        // G = 2 sum(i x_(i)) / (n sum x) - (n + 1) / n, with ranks i from 1 over sorted values;
        // a bin of c equal values at ranks r+1..r+c adds x c (r + (c + 1) / 2).
        let n = self.n as f64;
        let mut rank = 0.0;
        let mut weighted = 0.0;
        for (b, c) in self.bins() {
            let c = c as f64;
            weighted += b as f64 * c * (rank + (c + 1.0) / 2.0);
            rank += c;
        }
        (2.0 * weighted / (n * total) - (n + 1.0) / n).max(0.0)
    }

    pub fn clear(&mut self) {
        for w in 0..self.occupied.len() {
            let mut bits = std::mem::take(&mut self.occupied[w]);
            while bits != 0 {
                self.counts[w * 64 + bits.trailing_zeros() as usize] = 0;
                bits &= bits - 1;
            }
        }
        self.n = 0;
        self.sum = 0.0;
        self.max = 0.0;
    }

    pub fn add(&mut self, value: f64) {
        self.extend(&[value]);
    }

    /// Adds `values` in order: the same figures to the bit as adding them one by one, with
    /// the count, sum and maximum kept in registers while they are added, and a bin marked
    /// occupied only when it was empty (so that many values in one bin, a day's many
    /// persons wholly satisfied or doing no undesirable work, do not wait on each other's
    /// writes to the bitset).
    pub fn extend(&mut self, values: &[f64]) {
        let (mut n, mut sum, mut max) = (self.n, self.sum, self.max);
        let (top, per_unit) = (self.top, self.bins_per_unit);
        for &value in values {
            // Values are never negative here, so adding a half and truncating rounds to nearest.
            let bin = (value.clamp(0.0, top) * per_unit + 0.5) as usize;
            let count = &mut self.counts[bin];
            if *count == 0 {
                self.occupied[bin / 64] |= 1 << (bin % 64);
            }
            *count += 1;
            n += 1;
            sum += value;
            max = max.max(value);
        }
        (self.n, self.sum, self.max) = (n, sum, max);
    }

    /// Adds `other`'s observations (the same bins).
    pub fn merge(&mut self, other: &Histogram) {
        debug_assert_eq!(self.counts.len(), other.counts.len());
        for (b, c) in other.bins() {
            self.counts[b] += c;
        }
        for (a, b) in self.occupied.iter_mut().zip(&other.occupied) {
            *a |= b;
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
        for (bin, count) in self.bins() {
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

        /// Visiting only the occupied bins gives every figure of a scan of all the bins to the
        /// bit, after merging two histograms and after clearing one and filling it again.
        #[test]
        fn occupied_bins_give_the_full_scan_to_the_bit(
            first in proptest::collection::vec(0.0f64..24.0, 0..300),
            second in proptest::collection::vec(0.0f64..30.0, 0..300),
            again in proptest::collection::vec(0.0f64..24.0, 0..50),
        ) {
            let mut a = Histogram::hours();
            let mut b = Histogram::hours();
            first.iter().for_each(|x| a.add(*x));
            second.iter().for_each(|x| b.add(*x));
            a.merge(&b);
            check_against_full_scan(&a)?;
            a.clear();
            prop_assert!(a.counts.iter().all(|&c| c == 0) && a.occupied.iter().all(|&w| w == 0));
            again.iter().for_each(|x| a.add(*x));
            check_against_full_scan(&a)?;
        }
    }

    proptest! {
        /// Adding a slice at once gives every figure of adding its values one by one, to the
        /// bit, in pieces of any size.
        #[test]
        fn extend_is_adding_one_by_one(
            xs in proptest::collection::vec(0.0f64..30.0, 0..400),
            piece in 1usize..70,
        ) {
            let mut one = Histogram::hours();
            let mut many = Histogram::hours();
            for x in &xs {
                // One by one, as `add` did before `extend`.
                let bin = (x.clamp(0.0, one.top) * one.bins_per_unit + 0.5) as usize;
                one.counts[bin] += 1;
                one.occupied[bin / 64] |= 1 << (bin % 64);
                one.n += 1;
                one.sum += x;
                one.max = one.max.max(*x);
            }
            for chunk in xs.chunks(piece) {
                many.extend(chunk);
            }
            prop_assert_eq!(&one.counts, &many.counts);
            prop_assert_eq!(&one.occupied, &many.occupied);
            prop_assert_eq!(one.n, many.n);
            prop_assert_eq!(one.sum.to_bits(), many.sum.to_bits());
            prop_assert_eq!(one.max.to_bits(), many.max.to_bits());
        }
    }

    /// The figures as a scan of every bin computes them.
    fn check_against_full_scan(h: &Histogram) -> Result<(), TestCaseError> {
        let total: f64 = h
            .counts
            .iter()
            .enumerate()
            .map(|(b, c)| *c as f64 * b as f64)
            .sum();
        let gini = if h.n == 0 || total <= 0.0 {
            0.0
        } else {
            let n = h.n as f64;
            let (mut rank, mut weighted) = (0.0, 0.0);
            for (b, c) in h.counts.iter().enumerate() {
                let c = *c as f64;
                weighted += b as f64 * c * (rank + (c + 1.0) / 2.0);
                rank += c;
            }
            (2.0 * weighted / (n * total) - (n + 1.0) / n).max(0.0)
        };
        prop_assert_eq!(h.gini().to_bits(), gini.to_bits());
        for q in [0.01, 0.1, 0.5, 0.9, 0.99, 1.0] {
            let quantile = if h.n == 0 {
                0.0
            } else {
                let rank = ((q * h.n as f64).ceil() as u64).max(1);
                let mut seen = 0;
                let mut at = h.top;
                for (bin, count) in h.counts.iter().enumerate() {
                    seen += count;
                    if seen >= rank {
                        at = bin as f64 / h.bins_per_unit;
                        break;
                    }
                }
                at
            };
            prop_assert_eq!(h.quantile(q).to_bits(), quantile.to_bits());
        }
        Ok(())
    }
}

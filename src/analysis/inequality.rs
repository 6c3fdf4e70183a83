//! Inequality of a distribution across persons: the Lorenz curve and the Gini coefficient.

/// Points of the Lorenz curve of `values` (non-negative; NaNs left out): cumulative share of
/// persons against cumulative share of the total, from (0, 0) to (1, 1), poorest first.
pub fn lorenz(values: &[f64]) -> Vec<(f64, f64)> {
    let mut xs: Vec<f64> = values
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .map(|v| v.max(0.0))
        .collect();
    xs.sort_by(f64::total_cmp);
    let total: f64 = xs.iter().sum();
    let n = xs.len() as f64;
    let mut points = vec![(0.0, 0.0)];
    let mut acc = 0.0;
    for (i, x) in xs.iter().enumerate() {
        acc += x;
        let share = if total > 0.0 {
            acc / total
        } else {
            (i + 1) as f64 / n
        };
        points.push(((i + 1) as f64 / n, share));
    }
    points
}

/// At most `most` points of `curve` (at least 2), evenly spaced along it and always with its
/// ends, for drawing: a curve of a million persons drawn point by point is an 8 MB figure that
/// looks the same as this one. The curve is convex, so the chords between kept points lie above
/// it by less than the share of persons between them.
pub fn thin(curve: &[(f64, f64)], most: usize) -> Vec<(f64, f64)> {
    let most = most.max(2);
    if curve.len() <= most {
        return curve.to_vec();
    }
    let last = curve.len() - 1;
    (0..most)
        .map(|k| curve[(k * last + (most - 1) / 2) / (most - 1)])
        .collect()
}

/// The Gini coefficient from a Lorenz curve: one minus twice the area under it.
pub fn gini(curve: &[(f64, f64)]) -> f64 {
    let area: f64 = curve
        .windows(2)
        .map(|w| (w[1].0 - w[0].0) * (w[1].1 + w[0].1) / 2.0)
        .sum();
    1.0 - 2.0 * area
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_shares_give_the_diagonal_and_one_holder_gives_the_corner() {
        let equal = lorenz(&[2.0, 2.0, 2.0, 2.0]);
        assert!(gini(&equal).abs() < 1e-12);
        assert_eq!(equal.last(), Some(&(1.0, 1.0)));
        let unequal = lorenz(&[0.0, 0.0, 0.0, 1.0]);
        assert!((gini(&unequal) - 0.75).abs() < 1e-12);
    }

    #[test]
    fn a_thinned_curve_keeps_its_ends_and_nearly_its_gini() {
        // 100,001 persons with needs met from 0 to 1 in equal steps: Gini (n + 1) / (3n).
        let n = 100_001;
        let values: Vec<f64> = (0..n).map(|i| i as f64 / (n - 1) as f64).collect();
        let curve = lorenz(&values);
        let thinned = thin(&curve, 1_000);
        assert_eq!(thinned.len(), 1_000);
        assert_eq!(thinned.first(), curve.first());
        assert_eq!(thinned.last(), curve.last());
        assert!(thinned.windows(2).all(|w| w[0].0 < w[1].0));
        let exact = (n + 1) as f64 / (3.0 * n as f64);
        assert!((gini(&curve) - exact).abs() < 1e-9);
        // Chords lie above the convex curve, so the thinned Gini is a little lower, by less
        // than one step of the kept persons' shares.
        let (full, few) = (gini(&curve), gini(&thinned));
        assert!(few <= full && full - few < 1.0 / 999.0, "{full} {few}");
        // A short curve is kept whole.
        assert_eq!(
            thin(&lorenz(&[1.0, 2.0, 3.0]), 1_000),
            lorenz(&[1.0, 2.0, 3.0])
        );
    }
}

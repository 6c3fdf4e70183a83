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
}

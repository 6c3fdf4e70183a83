//! Means and 95% confidence intervals, one value per run. Polars does the grouping; the
//! Student t quantile is computed here.

use anyhow::Result;
use polars::prelude::*;

/// Two-sided 95% quantile of Student's t with `df` degrees of freedom (exact to three decimals
/// for the tabulated values, then the Cornish-Fisher expansion, which is within 0.001 beyond 30).
pub fn t95(df: usize) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    match df {
        0 => f64::NAN,
        1..=30 => TABLE[df - 1],
        _ => {
            let z: f64 = 1.959_964;
            let n = df as f64;
            z + (z.powi(3) + z) / (4.0 * n)
                + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * n * n)
        }
    }
}

/// Mean and 95% confidence interval of a sample; NaNs are left out. With one value the interval
/// is unknown (NaN); with none, everything is NaN.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MeanCi {
    pub mean: f64,
    pub low: f64,
    pub high: f64,
    pub n: usize,
}

impl MeanCi {
    pub fn of(values: &[f64]) -> Self {
        let xs: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        let n = xs.len();
        if n == 0 {
            return Self {
                mean: f64::NAN,
                low: f64::NAN,
                high: f64::NAN,
                n,
            };
        }
        let mean = xs.iter().sum::<f64>() / n as f64;
        let half = if n > 1 {
            let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
            t95(n - 1) * (var / n as f64).sqrt()
        } else {
            f64::NAN
        };
        Self {
            mean,
            low: mean - half,
            high: mean + half,
            n,
        }
    }

    /// Whether the interval contains `x`.
    pub fn contains(&self, x: f64) -> bool {
        self.low <= x && x <= self.high
    }
}

/// Groups `frame` by the `by` columns (groups in order of first appearance) and gives, for each
/// column in `values`, `<v>_mean`, `<v>_ci_low`, `<v>_ci_high` and `<v>_n` (values that are not
/// null or NaN). Polars does the grouping and the sums.
#[allow(deprecated)] // The eager group-by aggregations; `lazy` would double the build time.
pub fn mean_ci(frame: &DataFrame, by: &[&str], values: &[&str]) -> Result<DataFrame> {
    let mut f = frame.clone();
    let mut counts = Vec::new();
    for v in values {
        // NaN (a waste share with nothing produced) counts as missing, like null.
        let col = f.column(v)?.as_materialized_series().f64()?.clone();
        let cleaned: Float64Chunked = col.iter().map(|x| x.filter(|x| x.is_finite())).collect();
        let n: Float64Chunked = cleaned
            .iter()
            .map(|x| Some(if x.is_some() { 1.0 } else { 0.0 }))
            .collect();
        let name = format!("{v}__n");
        f.with_column(cleaned.with_name((*v).into()).into_column())?;
        f.with_column(n.with_name(name.as_str().into()).into_column())?;
        counts.push(name);
    }
    let g = f.group_by_stable(by.iter().copied())?;
    let means = g.clone().select(values.iter().copied()).mean()?;
    let stds = g.clone().select(values.iter().copied()).std(1)?;
    let ns = g.select(counts.iter().map(String::as_str)).sum()?;
    let mut columns: Vec<Column> = by
        .iter()
        .map(|k| means.column(k).cloned())
        .collect::<PolarsResult<_>>()?;
    for v in values {
        let mean = means.column(&format!("{v}_mean"))?.f64()?.clone();
        let sd = stds.column(&format!("{v}_agg_std"))?.f64()?.clone();
        let n = ns.column(&format!("{v}__n_sum"))?.f64()?.clone();
        let mut low = Vec::with_capacity(mean.len());
        let mut high = Vec::with_capacity(mean.len());
        let mut count = Vec::with_capacity(mean.len());
        for i in 0..mean.len() {
            let m = mean.get(i).unwrap_or(f64::NAN);
            let k = n.get(i).unwrap_or(0.0) as usize;
            let half = match sd.get(i) {
                Some(s) if k > 1 => t95(k - 1) * s / (k as f64).sqrt(),
                _ => f64::NAN,
            };
            low.push(m - half);
            high.push(m + half);
            count.push(k as i64);
        }
        let mean: Vec<f64> = mean.iter().map(|x| x.unwrap_or(f64::NAN)).collect();
        columns.push(Column::new(format!("{v}_mean").into(), mean));
        columns.push(Column::new(format!("{v}_ci_low").into(), low));
        columns.push(Column::new(format!("{v}_ci_high").into(), high));
        columns.push(Column::new(format!("{v}_n").into(), count));
    }
    let height = columns.first().map_or(0, Column::len);
    Ok(DataFrame::new(height, columns)?)
}

/// A float column as a vector, nulls as NaN.
pub fn floats(frame: &DataFrame, name: &str) -> Result<Vec<f64>> {
    let col = frame.column(name)?.cast(&DataType::Float64)?;
    Ok(col.f64()?.iter().map(|x| x.unwrap_or(f64::NAN)).collect())
}

/// A text column as a vector.
pub fn strings(frame: &DataFrame, name: &str) -> Result<Vec<String>> {
    let col = frame.column(name)?.cast(&DataType::String)?;
    Ok(col
        .str()?
        .iter()
        .map(|x| x.unwrap_or_default().to_owned())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_match_tables() {
        assert!((t95(1) - 12.706).abs() < 1e-3);
        assert!((t95(9) - 2.262).abs() < 1e-3);
        assert!((t95(40) - 2.021).abs() < 2e-3);
        assert!((t95(120) - 1.980).abs() < 2e-3);
        assert!((t95(100_000) - 1.960).abs() < 1e-3);
    }

    #[test]
    fn mean_ci_of_a_known_sample() {
        let s = MeanCi::of(&[1.0, 2.0, 3.0, f64::NAN]);
        assert_eq!(s.n, 3);
        assert!((s.mean - 2.0).abs() < 1e-12);
        // sd 1, n 3: half-width 4.303 / sqrt(3).
        assert!((s.high - 2.0 - 4.303 / 3f64.sqrt()).abs() < 1e-9);
        let same = MeanCi::of(&[0.0, 0.0, 0.0]);
        assert!(same.contains(0.0) && same.low == 0.0 && same.high == 0.0);
    }

    #[test]
    fn grouped_means_agree_with_the_direct_computation() {
        let df = DataFrame::new(
            5,
            vec![
                Column::new("g".into(), ["a", "b", "a", "a", "b"]),
                Column::new("x".into(), [1.0, 10.0, 2.0, 3.0, f64::NAN]),
            ],
        )
        .unwrap();
        let out = mean_ci(&df, &["g"], &["x"]).unwrap();
        assert_eq!(strings(&out, "g").unwrap(), ["a", "b"]);
        let direct = MeanCi::of(&[1.0, 2.0, 3.0]);
        assert_eq!(floats(&out, "x_mean").unwrap()[0], direct.mean);
        assert!((floats(&out, "x_ci_high").unwrap()[0] - direct.high).abs() < 1e-12);
        assert_eq!(floats(&out, "x_n").unwrap(), [3.0, 1.0]);
        assert_eq!(floats(&out, "x_mean").unwrap()[1], 10.0);
        assert!(floats(&out, "x_ci_low").unwrap()[1].is_nan());
    }
}

//! Sample designs in the unit hypercube, and the maps from the unit interval to each
//! parameter's distribution.
//!
//! - Saltelli's design for Sobol' indices, laid out as in SALib (`SALib.sample.sobol`): for each
//!   base sample `i`, the rows A, AB_1 .. AB_D, (BA_1 .. BA_D when second-order indices are
//!   wanted), B. A and B are the two halves of a `2D`-dimensional Owen-scrambled Sobol' point
//!   (the `sobol_burley` crate, seeded from the scenario's root seed).
//! - Morris' trajectory design (Morris 1991, as in `SALib.sample.morris` without the optimised
//!   selection): `r` trajectories of `D + 1` points on a `levels`-level grid, each step moving one
//!   factor by `delta = levels / (2 (levels - 1))`.
//! - A radial one-at-a-time design (Campolongo, Saltelli & Cariboni 2011): `r` base points `a`
//!   and partners `b` from a scrambled Sobol' sequence; row `j` of a block is `a` with factor `j`
//!   taken from `b`.
//!
//! Everything here is a pure function of its inputs.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Largest Sobol' index `sobol_burley` supports: base samples per design.
pub const MAX_SOBOL_SAMPLES: usize = 1 << 16;
/// Most dimensions `sobol_burley` supports; Saltelli's design uses two per parameter.
pub const MAX_SOBOL_DIMENSIONS: usize = sobol_burley::NUM_DIMENSIONS as usize;

/// A parameter's distribution, reached from a unit-interval value by its inverse CDF.
#[derive(Clone, Debug, PartialEq)]
pub enum Dist {
    Uniform {
        min: f64,
        max: f64,
    },
    /// A normal distribution, optionally truncated to `[min, max]`.
    Normal {
        mean: f64,
        sd: f64,
        min: Option<f64>,
        max: Option<f64>,
    },
    Triangular {
        min: f64,
        mode: f64,
        max: f64,
    },
    /// One of `n` choices, equally likely: the quantile is the choice's index.
    Choice {
        n: usize,
    },
}

/// Unit values closer than this to 0 or 1 are moved in before an unbounded quantile (a Morris
/// grid's corners, 0 and 1, would otherwise map to infinities): the normal's extremes are its
/// 0.1% and 99.9% quantiles, 3.09 standard deviations out.
pub const UNBOUNDED_TAIL: f64 = 0.001;

impl Dist {
    /// The value at unit-interval position `u` (the inverse CDF).
    pub fn quantile(&self, u: f64) -> f64 {
        let u = u.clamp(0.0, 1.0);
        match *self {
            Dist::Uniform { min, max } => min + (max - min) * u,
            Dist::Normal { mean, sd, min, max } => {
                let lo = min.map_or(0.0, |m| normal_cdf((m - mean) / sd));
                let hi = max.map_or(1.0, |m| normal_cdf((m - mean) / sd));
                let p = (lo + (hi - lo) * u).clamp(UNBOUNDED_TAIL, 1.0 - UNBOUNDED_TAIL);
                let x = mean + sd * normal_quantile(p);
                x.clamp(
                    min.unwrap_or(f64::NEG_INFINITY),
                    max.unwrap_or(f64::INFINITY),
                )
            }
            Dist::Triangular { min, mode, max } => {
                let width = max - min;
                if width <= 0.0 {
                    return min;
                }
                let c = (mode - min) / width;
                if u < c {
                    min + (u * width * (mode - min)).sqrt()
                } else {
                    max - ((1.0 - u) * width * (max - mode)).sqrt()
                }
            }
            Dist::Choice { n } => ((u * n as f64).floor() as usize).min(n.saturating_sub(1)) as f64,
        }
    }
}

/// The standard normal CDF, through the complementary error function of Numerical Recipes
/// (`erfcc`, a Chebyshev fit with fractional error below 1.2e-7 everywhere).
pub fn normal_cdf(z: f64) -> f64 {
    let x = -z / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.5 * x.abs());
    let y = t
        * (-x * x - 1.265_512_23
            + t * (1.000_023_68
                + t * (0.374_091_96
                    + t * (0.096_784_18
                        + t * (-0.186_288_06
                            + t * (0.278_868_07
                                + t * (-1.135_203_98
                                    + t * (1.488_515_87
                                        + t * (-0.822_152_23 + t * 0.170_872_77)))))))))
            .exp();
    let erfc = if x >= 0.0 { y } else { 2.0 - y };
    0.5 * erfc
}

/// The standard normal quantile (Wichura 1988, algorithm AS 241, PPND16: relative error about
/// 1e-16). The coefficients are written as published.
#[allow(clippy::inconsistent_digit_grouping, clippy::excessive_precision)]
pub fn normal_quantile(p: f64) -> f64 {
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180625 - q * q;
        return q
            * (((((((r * 2509.080_928_730_122_7 + 33430.575_583_588_128) * r
                + 67265.770_927_008_700)
                * r
                + 45921.953_931_549_871)
                * r
                + 13731.693_765_509_461)
                * r
                + 1971.590_950_306_551_3)
                * r
                + 133.141_667_891_784_38)
                * r
                + 3.387_132_872_796_366_5)
            / (((((((r * 5226.495_278_852_545_4 + 28729.085_735_721_943) * r
                + 39307.895_800_092_710)
                * r
                + 21213.794_301_586_595)
                * r
                + 5394.196_021_424_751)
                * r
                + 687.187_007_492_057_9)
                * r
                + 42.313_330_701_600_911)
                * r
                + 1.0);
    }
    let mut r = if q < 0.0 { p } else { 1.0 - p };
    r = (-r.ln()).sqrt();
    let x = if r <= 5.0 {
        r -= 1.6;
        (((((((r * 7.745_450_142_783_414_1e-4 + 0.022_723_844_989_269_184) * r
            + 0.241_780_725_177_450_6)
            * r
            + 1.270_458_252_452_368_4)
            * r
            + 3.647_848_324_763_204_5)
            * r
            + 5.769_497_221_460_691_4)
            * r
            + 4.630_337_846_156_545_3)
            * r
            + 1.423_437_110_749_683_5)
            / (((((((r * 1.050_750_071_644_416_9e-9 + 5.475_938_084_995_344_9e-4) * r
                + 0.015_198_666_563_616_457)
                * r
                + 0.148_103_976_427_480_07)
                * r
                + 0.689_767_334_985_1)
                * r
                + 1.676_384_830_183_803_8)
                * r
                + 2.053_191_626_637_758_8)
                * r
                + 1.0)
    } else {
        r -= 5.0;
        (((((((r * 2.010_334_399_292_288_1e-7 + 2.711_555_568_743_487_6e-5) * r
            + 0.001_242_660_947_388_078_4)
            * r
            + 0.026_532_189_526_576_124)
            * r
            + 0.296_560_571_828_504_9)
            * r
            + 1.784_826_539_917_291_3)
            * r
            + 5.463_784_911_164_114_4)
            * r
            + 6.657_904_643_501_103_3)
            / (((((((r * 2.044_263_103_389_939_7e-15 + 1.421_511_758_316_446e-7) * r
                + 1.846_318_317_510_054_8e-5)
                * r
                + 7.868_691_311_456_132_6e-4)
                * r
                + 0.014_875_361_290_850_615)
                * r
                + 0.136_929_880_922_735_8)
                * r
                + 0.599_832_206_555_888)
                * r
                + 1.0)
    };
    if q < 0.0 { -x } else { x }
}

/// Rows of a design: one `Vec` per point, one value per parameter.
pub type Rows = Vec<Vec<f64>>;

/// Rows per base sample in Saltelli's design.
pub fn saltelli_block(d: usize, second_order: bool) -> usize {
    if second_order { 2 * d + 2 } else { d + 2 }
}

/// Saltelli's design built from `base`, `N` points of `2D` coordinates (A is the first `D`,
/// B the last `D`), in SALib's layout.
pub fn saltelli_from_base(base: &[Vec<f64>], d: usize, second_order: bool) -> Rows {
    let mut rows = Vec::with_capacity(base.len() * saltelli_block(d, second_order));
    for point in base {
        let (a, b) = point.split_at(d);
        rows.push(a.to_vec());
        for k in 0..d {
            let mut ab = a.to_vec();
            ab[k] = b[k];
            rows.push(ab);
        }
        if second_order {
            for k in 0..d {
                let mut ba = b.to_vec();
                ba[k] = a[k];
                rows.push(ba);
            }
        }
        rows.push(b.to_vec());
    }
    rows
}

/// The `sobol_burley` seed for a design under `root_seed` and a purpose (`salt`): the 64-bit
/// seed folded to 32 bits through SplitMix64.
fn sobol_seed(root_seed: u64, salt: u64) -> u32 {
    let mut z = root_seed ^ salt;
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    ((z ^ (z >> 31)) >> 32) as u32
}

/// `n` points of an Owen-scrambled Sobol' sequence in `dims` dimensions.
///
/// # Panics
/// If `n` exceeds [`MAX_SOBOL_SAMPLES`] or `dims` [`MAX_SOBOL_DIMENSIONS`] (checked by the
/// scenario's validation).
pub fn scrambled_sobol(n: usize, dims: usize, root_seed: u64, salt: u64) -> Rows {
    assert!(n <= MAX_SOBOL_SAMPLES && dims <= MAX_SOBOL_DIMENSIONS);
    let seed = sobol_seed(root_seed, salt);
    (0..n as u32)
        .map(|i| {
            (0..dims as u32)
                .map(|j| f64::from(sobol_burley::sample(i, j, seed)))
                .collect()
        })
        .collect()
}

/// Saltelli's design on a scrambled Sobol' sequence: `n (D + 2)` rows, or `n (2D + 2)` with
/// second-order indices.
pub fn saltelli(n: usize, d: usize, second_order: bool, root_seed: u64) -> Rows {
    let base = scrambled_sobol(n, 2 * d, root_seed, 0x5341_4C54_454C_4C49);
    saltelli_from_base(&base, d, second_order)
}

/// The step of a Morris grid of `levels` levels.
pub fn morris_delta(levels: u32) -> f64 {
    f64::from(levels) / (2.0 * f64::from(levels - 1))
}

/// Morris' design: `r` trajectories of `d + 1` points on a grid of `levels` (even) levels.
/// Each trajectory starts at a random grid point among the lower half of the levels, then moves
/// each factor once, in a random order, by `+delta` or `-delta` (so it stays in [0, 1]).
pub fn morris_trajectories(r: usize, d: usize, levels: u32, root_seed: u64) -> Rows {
    let delta = morris_delta(levels);
    let mut rng = ChaCha8Rng::seed_from_u64(root_seed);
    rng.set_stream(0x4D4F_5252_4953_0000);
    let starts = (levels / 2) as usize;
    let mut rows = Vec::with_capacity(r * (d + 1));
    for _ in 0..r {
        // Position of each factor in the order of moves.
        let mut order: Vec<usize> = (0..d).collect();
        for i in (1..d).rev() {
            let j = rng.random_range(0..=i);
            order.swap(i, j);
        }
        let up: Vec<bool> = (0..d).map(|_| rng.random::<bool>()).collect();
        let start: Vec<f64> = (0..d)
            .map(|_| {
                let level = rng.random_range(0..starts);
                if starts > 1 {
                    (1.0 - delta) * level as f64 / (starts - 1) as f64
                } else {
                    0.0
                }
            })
            .collect();
        for step in 0..=d {
            rows.push(
                (0..d)
                    .map(|j| {
                        let moved = step > order[j];
                        match (up[j], moved) {
                            (true, false) | (false, true) => start[j],
                            (true, true) | (false, false) => start[j] + delta,
                        }
                    })
                    .collect(),
            );
        }
    }
    rows
}

/// The radial one-at-a-time design: `r` blocks of `d + 1` rows; row 0 of a block is a base
/// point `a`, row `j + 1` is `a` with factor `j` from its partner `b` (the next `d`
/// coordinates of the same scrambled Sobol' point).
pub fn morris_radial(r: usize, d: usize, root_seed: u64) -> Rows {
    let base = scrambled_sobol(r, 2 * d, root_seed, 0x5241_4449_414C_0000);
    let mut rows = Vec::with_capacity(r * (d + 1));
    for point in &base {
        let (a, b) = point.split_at(d);
        rows.push(a.to_vec());
        for j in 0..d {
            let mut x = a.to_vec();
            x[j] = b[j];
            rows.push(x);
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_normal_quantile_inverts_the_cdf_and_matches_tables() {
        assert!((normal_quantile(0.975) - 1.959_963_984_540_054).abs() < 1e-12);
        assert!((normal_quantile(0.5)).abs() < 1e-15);
        assert!((normal_quantile(1e-10) + 6.361_340_902_404_056).abs() < 1e-9);
        for p in [0.001, 0.02, 0.3, 0.6, 0.95, 0.999] {
            assert!((normal_cdf(normal_quantile(p)) - p).abs() < 2e-7, "{p}");
        }
    }

    #[test]
    fn distributions_map_the_unit_interval_onto_their_support() {
        let u = Dist::Uniform { min: 2.0, max: 4.0 };
        assert_eq!(u.quantile(0.25), 2.5);
        let t = Dist::Triangular {
            min: 0.0,
            mode: 1.0,
            max: 4.0,
        };
        // The CDF at the mode is (mode - min) / (max - min) = 0.25.
        assert!((t.quantile(0.25) - 1.0).abs() < 1e-12);
        assert_eq!(t.quantile(0.0), 0.0);
        assert_eq!(t.quantile(1.0), 4.0);
        let n = Dist::Normal {
            mean: 10.0,
            sd: 2.0,
            min: None,
            max: None,
        };
        assert!((n.quantile(0.975) - 13.919_928).abs() < 1e-5);
        assert!(n.quantile(0.0).is_finite() && n.quantile(1.0).is_finite());
        let truncated = Dist::Normal {
            mean: 10.0,
            sd: 2.0,
            min: Some(10.0),
            max: None,
        };
        assert!((truncated.quantile(0.0) - 10.0).abs() < 1e-2);
        assert!((truncated.quantile(0.5) - n.quantile(0.75)).abs() < 1e-6);
        let c = Dist::Choice { n: 3 };
        assert_eq!(
            [0.0, 0.33, 0.34, 0.67, 0.999, 1.0].map(|u| c.quantile(u)),
            [0.0, 0.0, 1.0, 2.0, 2.0, 2.0]
        );
    }

    #[test]
    fn morris_trajectories_move_one_factor_by_delta_per_step() {
        let (r, d, levels) = (12, 5, 4);
        let rows = morris_trajectories(r, d, levels, 3);
        assert_eq!(rows.len(), r * (d + 1));
        let delta = morris_delta(levels);
        let grid: Vec<f64> = (0..levels).map(|l| f64::from(l) / 3.0).collect();
        for t in rows.chunks(d + 1) {
            let mut moved = vec![0; d];
            for w in t.windows(2) {
                let changed: Vec<usize> = (0..d).filter(|&j| w[0][j] != w[1][j]).collect();
                assert_eq!(changed.len(), 1);
                let j = changed[0];
                assert!(((w[1][j] - w[0][j]).abs() - delta).abs() < 1e-12);
                moved[j] += 1;
            }
            assert_eq!(moved, vec![1; d], "each factor moves once");
            for x in t.iter().flatten() {
                assert!(
                    grid.iter().any(|g| (g - x).abs() < 1e-12),
                    "{x} on the grid"
                );
            }
        }
        assert_eq!(rows, morris_trajectories(r, d, levels, 3), "seeded");
        assert_ne!(rows, morris_trajectories(r, d, levels, 4));
    }

    #[test]
    fn radial_blocks_change_one_factor_from_the_base_point() {
        let rows = morris_radial(8, 3, 1);
        assert_eq!(rows.len(), 32);
        for block in rows.chunks(4) {
            for j in 0..3 {
                for k in 0..3 {
                    assert_eq!(block[j + 1][k] == block[0][k], j != k);
                }
            }
        }
    }

    #[test]
    fn saltelli_designs_are_seeded_and_fill_the_cube_evenly() {
        let n = 64;
        let rows = saltelli(n, 3, false, 5);
        assert_eq!(rows.len(), n * 5);
        assert_eq!(rows, saltelli(n, 3, false, 5));
        assert_ne!(rows, saltelli(n, 3, false, 6));
        // The A rows of a scrambled Sobol' design put exactly n/4 points in each quarter of
        // every coordinate (a (0, m, s)-net property).
        for j in 0..3 {
            let mut counts = [0; 4];
            for a in rows.iter().step_by(5) {
                counts[(a[j] * 4.0) as usize] += 1;
            }
            assert_eq!(counts, [n / 4; 4]);
        }
    }
}

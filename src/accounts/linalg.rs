//! Dense matrices and an LU factorisation with partial pivoting, for 56 × 56 input-output tables.
//!
//! Written here rather than taken from nalgebra: nalgebra 0.35 brings in `wide` (through simba),
//! which turns on a `bytemuck` feature that polars does not, so adding it rebuilt all of polars
//! (over 20 minutes and many gigabytes on the project's machines) for a 56 × 56 solve. faer was
//! not tried. tests/it/accounts.rs checks the solves against a power series that does not use this
//! factorisation.

use std::ops::{Index, IndexMut};

/// A dense matrix, stored by rows.
#[derive(Clone, Debug, PartialEq)]
pub struct Matrix {
    nrows: usize,
    ncols: usize,
    data: Vec<f64>,
}

impl Matrix {
    pub fn zeros(nrows: usize, ncols: usize) -> Matrix {
        Matrix {
            nrows,
            ncols,
            data: vec![0.0; nrows * ncols],
        }
    }

    pub fn from_fn(nrows: usize, ncols: usize, f: impl Fn(usize, usize) -> f64) -> Matrix {
        let mut m = Matrix::zeros(nrows, ncols);
        for i in 0..nrows {
            for j in 0..ncols {
                m[(i, j)] = f(i, j);
            }
        }
        m
    }

    pub fn identity(n: usize) -> Matrix {
        Matrix::from_fn(n, n, |i, j| if i == j { 1.0 } else { 0.0 })
    }

    pub fn nrows(&self) -> usize {
        self.nrows
    }

    pub fn ncols(&self) -> usize {
        self.ncols
    }

    pub fn row(&self, i: usize) -> &[f64] {
        &self.data[i * self.ncols..(i + 1) * self.ncols]
    }

    pub fn column(&self, j: usize) -> impl Iterator<Item = f64> + '_ {
        (0..self.nrows).map(move |i| self[(i, j)])
    }

    /// Every entry, by rows.
    pub fn iter(&self) -> impl Iterator<Item = &f64> {
        self.data.iter()
    }

    pub fn sum(&self) -> f64 {
        self.data.iter().sum()
    }

    pub fn transpose(&self) -> Matrix {
        Matrix::from_fn(self.ncols, self.nrows, |i, j| self[(j, i)])
    }

    /// `self + other`, entry by entry.
    pub fn plus(&self, other: &Matrix) -> Matrix {
        assert_eq!((self.nrows, self.ncols), (other.nrows, other.ncols));
        Matrix::from_fn(self.nrows, self.ncols, |i, j| self[(i, j)] + other[(i, j)])
    }

    /// `self v`.
    pub fn times(&self, v: &[f64]) -> Vec<f64> {
        assert_eq!(self.ncols, v.len());
        (0..self.nrows).map(|i| dot(self.row(i), v)).collect()
    }

    /// `I - self`.
    pub fn identity_minus(&self) -> Matrix {
        Matrix::from_fn(self.nrows, self.ncols, |i, j| {
            (if i == j { 1.0 } else { 0.0 }) - self[(i, j)]
        })
    }
}

impl Index<(usize, usize)> for Matrix {
    type Output = f64;
    fn index(&self, (i, j): (usize, usize)) -> &f64 {
        debug_assert!(i < self.nrows && j < self.ncols);
        &self.data[i * self.ncols + j]
    }
}

impl IndexMut<(usize, usize)> for Matrix {
    fn index_mut(&mut self, (i, j): (usize, usize)) -> &mut f64 {
        debug_assert!(i < self.nrows && j < self.ncols);
        &mut self.data[i * self.ncols + j]
    }
}

pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// `P M = L U` with partial pivoting; `L` has a unit diagonal and shares storage with `U`.
pub struct Lu {
    lu: Matrix,
    /// Row `i` of `P M` is row `perm[i]` of `M`.
    perm: Vec<usize>,
}

impl Lu {
    /// Factorise a square matrix; `None` if it is singular (a zero pivot column).
    pub fn new(m: &Matrix) -> Option<Lu> {
        assert_eq!(m.nrows, m.ncols, "a square matrix");
        let n = m.nrows;
        let mut lu = m.clone();
        let mut perm: Vec<usize> = (0..n).collect();
        let scale = m.data.iter().fold(0.0_f64, |a, v| a.max(v.abs()));
        for k in 0..n {
            let (p, pivot) = (k..n)
                .map(|i| (i, lu[(i, k)].abs()))
                .fold((k, -1.0), |best, c| if c.1 > best.1 { c } else { best });
            if pivot.is_nan() || pivot <= scale * 1e-14 {
                return None;
            }
            if p != k {
                for j in 0..n {
                    lu.data.swap(k * n + j, p * n + j);
                }
                perm.swap(k, p);
            }
            let d = lu[(k, k)];
            for i in k + 1..n {
                let f = lu[(i, k)] / d;
                lu[(i, k)] = f;
                if f != 0.0 {
                    for j in k + 1..n {
                        lu[(i, j)] -= f * lu[(k, j)];
                    }
                }
            }
        }
        Some(Lu { lu, perm })
    }

    /// `x` with `M x = b`.
    pub fn solve(&self, b: &[f64]) -> Vec<f64> {
        let n = self.perm.len();
        assert_eq!(b.len(), n);
        let mut x: Vec<f64> = self.perm.iter().map(|&p| b[p]).collect();
        for i in 0..n {
            for j in 0..i {
                x[i] -= self.lu[(i, j)] * x[j];
            }
        }
        for i in (0..n).rev() {
            for j in i + 1..n {
                x[i] -= self.lu[(i, j)] * x[j];
            }
            x[i] /= self.lu[(i, i)];
        }
        x
    }

    /// `M^-1`, column by column.
    pub fn inverse(&self) -> Matrix {
        let n = self.perm.len();
        let mut inv = Matrix::zeros(n, n);
        for j in 0..n {
            let e: Vec<f64> = (0..n).map(|i| if i == j { 1.0 } else { 0.0 }).collect();
            for (i, v) in self.solve(&e).into_iter().enumerate() {
                inv[(i, j)] = v;
            }
        }
        inv
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_and_inverts_a_system_that_needs_pivoting() {
        let m = Matrix::from_fn(3, 3, |i, j| {
            [[0.0, 2.0, 1.0], [1.0, 1.0, 0.0], [3.0, 0.0, 1.0]][i][j]
        });
        let lu = Lu::new(&m).unwrap();
        let x = lu.solve(&[5.0, 3.0, 4.0]);
        for (a, b) in x.iter().zip([1.0, 2.0, 1.0]) {
            assert!((a - b).abs() < 1e-12, "{x:?}");
        }
        let inv = lu.inverse();
        for i in 0..3 {
            let e = m.times(&inv.column(i).collect::<Vec<_>>());
            for (k, v) in e.iter().enumerate() {
                assert!((v - if k == i { 1.0 } else { 0.0 }).abs() < 1e-12);
            }
        }
        assert!(Lu::new(&Matrix::from_fn(2, 2, |_, j| j as f64)).is_none());
    }
}

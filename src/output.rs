//! Run directories: metrics as Parquet and CSV, the scenario as run, and a manifest.
//!
//! A run is written into a hidden temporary directory beside its destination and renamed into
//! place only when every file is complete, so a failed or interrupted run leaves no half-written
//! run directory behind.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{Context, Result, bail};
use polars::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::model::metrics::community::{COMMUNITY_COLUMNS, CommunityMetrics};
use crate::model::metrics::row as metrics;
use crate::model::metrics::row::{COLUMNS, Kind, TickMetrics};

/// What a run directory's `manifest.json` records.
#[derive(Debug, Serialize)]
pub struct Manifest {
    pub commune_version: &'static str,
    /// The commit the binary was built from, when the build could tell.
    pub git_commit: Option<&'static str>,
    pub scenario_name: String,
    pub scenario_file: String,
    /// SHA-256 of `scenario.toml` as written in the run directory.
    pub scenario_sha256: String,
    pub seed: u64,
    pub ticks: u32,
    pub persons: u64,
    pub communities: u32,
    /// When the run started (RFC 3339, UTC).
    pub started_at: String,
    pub wall_time_seconds: f64,
}

/// The commit recorded at build time by `build.rs`, if any.
pub fn git_commit() -> Option<&'static str> {
    option_env!("COMMUNE_GIT_COMMIT").filter(|s| !s.is_empty())
}

/// SHA-256 of a text, in hex.
pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A name for a new run: its start time and seed, like `20261126T103000Z-seed42`.
pub fn run_id(started: SystemTime, seed: u64) -> String {
    let stamp = humantime::format_rfc3339_seconds(started)
        .to_string()
        .replace(['-', ':'], "");
    format!("{stamp}-seed{seed}")
}

/// A table of `rows`, one column per declared column, in that order.
fn frame<T>(rows: &[T], columns: &[metrics::Column<T>]) -> Result<DataFrame> {
    let columns = columns
        .iter()
        .map(|c| match c.kind {
            Kind::Int => Column::new(
                c.name.into(),
                rows.iter().map(|r| (c.get)(r) as i64).collect::<Vec<_>>(),
            ),
            Kind::Float => Column::new(c.name.into(), rows.iter().map(c.get).collect::<Vec<_>>()),
        })
        .collect();
    Ok(DataFrame::new(rows.len(), columns)?)
}

/// The metrics rows as a table, columns in declared order.
pub fn metrics_frame(rows: &[TickMetrics]) -> Result<DataFrame> {
    frame(rows, &COLUMNS)
}

/// The communities table: one row per community per day, columns in declared order.
pub fn communities_frame(rows: &[CommunityMetrics]) -> Result<DataFrame> {
    frame(rows, COMMUNITY_COLUMNS)
}

/// Writes a table as Parquet, its columns encoded in parallel on polars' thread pool.
pub fn write_parquet(path: &Path, frame: &mut DataFrame) -> Result<()> {
    parquet_to(path, frame, true)
}

/// Writes a table as Parquet on the calling thread alone: for the many small tables of a sweep's
/// runs, which already run in parallel. The file is the same, byte for byte, as
/// [`write_parquet`] writes. A thread of ours that waited on polars' pool would meanwhile take up
/// other runs, nesting them on its stack; and handing a year's few hundred short columns to a
/// pool cost more than encoding them.
pub fn write_parquet_serial(path: &Path, frame: &mut DataFrame) -> Result<()> {
    parquet_to(path, frame, false)
}

fn parquet_to(path: &Path, frame: &mut DataFrame, parallel: bool) -> Result<()> {
    let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    // Buffered: the writer writes each column's pages and headers as they come, a few bytes at a
    // time, and a run's table has hundreds of columns.
    let mut file = BufWriter::new(file);
    let written = ParquetWriter::new(&mut file)
        .set_parallel(parallel)
        .finish(frame);
    Context::with_context(written, || format!("cannot write {}", path.display()))?;
    file.flush()
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// Writes a table as CSV with a header row.
pub fn write_csv(path: &Path, frame: &mut DataFrame) -> Result<()> {
    let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut file = BufWriter::new(file);
    let written = CsvWriter::new(&mut file).include_header(true).finish(frame);
    Context::with_context(written, || format!("cannot write {}", path.display()))?;
    file.flush()
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// Reads a Parquet file back (used by tests and tools).
pub fn read_parquet(path: &Path) -> Result<DataFrame> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    Ok(ParquetReader::new(file).finish()?)
}

/// Reads only the named columns of a Parquet file (a run's metrics table has hundreds; the
/// others are neither decompressed nor decoded).
pub fn read_parquet_columns(path: &Path, columns: &[&str]) -> Result<DataFrame> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let names = columns.iter().map(|c| (*c).to_owned()).collect();
    let read = ParquetReader::new(file).with_columns(Some(names)).finish();
    Context::with_context(read, || {
        format!("cannot read {} from {}", columns.join(", "), path.display())
    })
}

/// A run directory being written: a temporary directory that becomes `dest` on [`Staged::commit`].
pub struct Staged {
    tmp: tempfile::TempDir,
    dest: PathBuf,
    replace: bool,
}

impl Staged {
    /// Prepares to write `dest`. Fails now, before any simulation runs, if `dest` cannot be
    /// written or already holds files (unless `replace`).
    pub fn new(dest: &Path, replace: bool) -> Result<Self> {
        if dest.exists() {
            if !dest.is_dir() {
                bail!("{} exists and is not a directory", dest.display());
            }
            let empty = fs::read_dir(dest)
                .with_context(|| format!("cannot read {}", dest.display()))?
                .next()
                .is_none();
            if !empty && !replace {
                bail!(
                    "{} already holds files; choose another --out, or pass --force to replace it",
                    dest.display()
                );
            }
        }
        let parent = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent)
            .with_context(|| format!("cannot create directory {}", parent.display()))?;
        let tmp = tempfile::Builder::new()
            .prefix(".commune-partial-")
            .tempdir_in(&parent)
            .with_context(|| format!("cannot write in {}", parent.display()))?;
        Ok(Self {
            tmp,
            dest: dest.to_owned(),
            replace,
        })
    }

    /// Where to write the run's files until it is committed.
    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    /// Moves the finished run into place and returns its path.
    pub fn commit(self) -> Result<PathBuf> {
        let dest = self.dest;
        let mut old = None;
        if dest.exists() {
            let empty = fs::read_dir(&dest)?.next().is_none();
            if empty {
                fs::remove_dir(&dest)
                    .with_context(|| format!("cannot replace {}", dest.display()))?;
            } else if self.replace {
                let aside = tempfile::Builder::new()
                    .prefix(".commune-old-")
                    .tempdir_in(dest.parent().unwrap_or(Path::new(".")))?;
                let aside_path = aside.path().join("old");
                fs::rename(&dest, &aside_path)
                    .with_context(|| format!("cannot move {} aside", dest.display()))?;
                old = Some(aside);
            } else {
                bail!("{} appeared while the run was going", dest.display());
            }
        }
        let tmp_path = self.tmp.keep();
        fs::rename(&tmp_path, &dest)
            .with_context(|| format!("cannot move {} to {}", tmp_path.display(), dest.display()))?;
        drop(old);
        Ok(dest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_has_every_column_and_row() {
        let rows = vec![
            TickMetrics {
                tick: 0,
                ..Default::default()
            },
            TickMetrics {
                tick: 1,
                need_satisfaction: 0.75,
                ..Default::default()
            },
        ];
        let frame = metrics_frame(&rows).unwrap();
        assert_eq!(frame.height(), 2);
        assert_eq!(frame.width(), COLUMNS.len());
        let sat = frame.column("need_satisfaction").unwrap().f64().unwrap();
        assert_eq!(sat.get(1), Some(0.75));
        let tick = frame.column("tick").unwrap().i64().unwrap();
        assert_eq!(tick.get(1), Some(1));
    }

    #[test]
    fn staged_directory_appears_only_on_commit() {
        let root = tempfile::tempdir().unwrap();
        let dest = root.path().join("run");
        let staged = Staged::new(&dest, false).unwrap();
        fs::write(staged.path().join("a.txt"), "x").unwrap();
        assert!(!dest.exists());
        staged.commit().unwrap();
        assert_eq!(fs::read_to_string(dest.join("a.txt")).unwrap(), "x");
        // A second run refuses to overwrite, then replaces with `replace`.
        assert!(Staged::new(&dest, false).is_err());
        let staged = Staged::new(&dest, true).unwrap();
        fs::write(staged.path().join("b.txt"), "y").unwrap();
        staged.commit().unwrap();
        assert!(!dest.join("a.txt").exists());
        assert!(dest.join("b.txt").exists());
        // Dropping an uncommitted run leaves nothing behind.
        let staged = Staged::new(&root.path().join("other"), false).unwrap();
        drop(staged);
        let names: Vec<_> = fs::read_dir(root.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("run")]);
    }

    #[test]
    fn run_ids_are_readable() {
        let t = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(86_400);
        assert_eq!(run_id(t, 42), "19700102T000000Z-seed42");
    }
}

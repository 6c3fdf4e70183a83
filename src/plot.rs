//! `commune plot`: PNG and SVG plots, and `report.html`, for a run, sweep or comparison directory.
//!
//! Plots are read from the tables a command wrote, never from the model, so `commune plot` can
//! redraw any directory later. Text is drawn with an embedded font (DejaVu Sans, see
//! `assets/fonts/`), so no system fonts are needed.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use plotters::coord::Shift;
use plotters::prelude::*;
use polars::prelude::DataFrame;

use crate::analysis::inequality;
use crate::analysis::quantiles;
use crate::analysis::stats::{self, floats, strings};
use crate::model::metrics::row::{SERIES, column};
use crate::model::metrics::summary::HEADLINES;
use crate::output::read_parquet;

mod sensitivity;
pub mod waterfall;

static FONT: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");

pub(crate) fn register_font() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        plotters::style::register_font("sans-serif", FontStyle::Normal, FONT)
            .unwrap_or_else(|_| panic!("the embedded font is a valid TrueType font"));
    });
}

const COLORS: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(255, 127, 14),
    RGBColor(140, 86, 75),
];

fn color(i: usize) -> RGBColor {
    COLORS[i % COLORS.len()]
}

/// A vertical marker on time series: a day and what happened (an event, once the model has
/// events; a run directory's `events.csv`, with columns `tick,label`, is drawn if present).
#[derive(Clone, Debug)]
pub struct Marker {
    pub tick: f64,
    pub label: String,
}

/// A figure that can be drawn on any backend, so each is written as both PNG and SVG.
trait Figure {
    fn size(&self) -> (u32, u32) {
        (1200, 800)
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static;
}

/// Writes `stem.png` and `stem.svg` in `dir`.
fn render(dir: &Path, stem: &str, fig: &impl Figure) -> Result<()> {
    register_font();
    let png = dir.join(format!("{stem}.png"));
    let svg = dir.join(format!("{stem}.svg"));
    {
        let root = BitMapBackend::new(&png, fig.size()).into_drawing_area();
        root.fill(&WHITE)?;
        fig.draw(&root)?;
        root.present()
            .with_context(|| format!("cannot write {}", png.display()))?;
    }
    {
        let root = SVGBackend::new(&svg, fig.size()).into_drawing_area();
        root.fill(&WHITE)?;
        fig.draw(&root)?;
        root.present()
            .with_context(|| format!("cannot write {}", svg.display()))?;
    }
    Ok(())
}

/// One line, with an optional band (a confidence interval) around it.
struct Line {
    label: String,
    x: Vec<f64>,
    y: Vec<f64>,
    band: Option<(Vec<f64>, Vec<f64>)>,
    color: RGBColor,
}

/// A finite range of the values given, padded a little; never empty.
fn range_of<'a>(values: impl Iterator<Item = &'a f64>, floor_zero: bool) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for &v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if lo.abs().max(hi.abs()) < 1e-6 {
        // Rounding noise around zero (a labour shortage of 1e-10 h): draw it as zero.
        return (-1.0, 1.0);
    }
    if floor_zero && lo > 0.0 && lo < 0.5 * hi {
        lo = 0.0;
    }
    let pad = if hi > lo {
        0.05 * (hi - lo)
    } else {
        0.05 * hi.abs().max(1e-3)
    };
    (lo - pad, hi + pad)
}

/// A number for an axis label: up to four significant figures, no trailing zeros.
fn short(x: &f64) -> String {
    if x.abs() < 1e-9 {
        return "0".to_owned();
    }
    let s = crate::experiment::sweep::sig(*x);
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    }
}

/// The band between `lo` and `hi` as at most `buckets` rectangles, each spanning the widest
/// interval within its stretch of days. (A polygon through every day folds over itself within a
/// pixel column, and the bitmap rasterizer then draws stray lines.)
fn band_rects(x: &[f64], lo: &[f64], hi: &[f64], buckets: usize) -> Vec<[(f64, f64); 2]> {
    let idx: Vec<usize> = (0..x.len())
        .filter(|&i| x[i].is_finite() && lo[i].is_finite() && hi[i].is_finite())
        .collect();
    if idx.len() < 2 {
        return Vec::new();
    }
    let per = idx.len().div_ceil(buckets.max(1));
    let chunks: Vec<&[usize]> = idx.chunks(per).collect();
    chunks
        .iter()
        .enumerate()
        .map(|(k, chunk)| {
            let x0 = x[chunk[0]];
            // Each rectangle reaches the next one's first day, so the band has no gaps.
            let x1 = chunks
                .get(k + 1)
                .map_or(x[chunk[chunk.len() - 1]], |next| x[next[0]]);
            let h = chunk
                .iter()
                .map(|&i| hi[i])
                .fold(f64::NEG_INFINITY, f64::max);
            let l = chunk.iter().map(|&i| lo[i]).fold(f64::INFINITY, f64::min);
            [(x0, l), (x1, h)]
        })
        .collect()
}

/// `c` mixed with white: an opaque tint, so overlapping rectangles do not darken.
fn tint(c: RGBColor, strength: f64) -> RGBColor {
    let mix = |v: u8| (f64::from(v) * strength + 255.0 * (1.0 - strength)).round() as u8;
    RGBColor(mix(c.0), mix(c.1), mix(c.2))
}

fn finite_points(x: &[f64], y: &[f64]) -> Vec<(f64, f64)> {
    x.iter()
        .zip(y)
        .filter(|(a, b)| a.is_finite() && b.is_finite())
        .map(|(a, b)| (*a, *b))
        .collect()
}

/// A panel of lines against days, with bands and markers.
fn line_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    y_desc: &str,
    lines: &[Line],
    markers: &[Marker],
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let (x0, x1) = range_of(lines.iter().flat_map(|l| l.x.iter()), false);
    let ys = lines.iter().flat_map(|l| {
        l.y.iter().chain(
            l.band
                .iter()
                .flat_map(|(lo, hi)| lo.iter().chain(hi.iter())),
        )
    });
    let (mut y0, mut y1) = range_of(ys, true);
    // Shares are drawn between 0 and 1: a share over a window can exceed 1 early in a run (the
    // waste share, before the first harvest), and its interval can reach below 0; either would
    // flatten everything else.
    let share = y_desc == "0..1";
    let clipped = share && (y1 > 1.02 || y0 < -0.02);
    if share {
        y0 = y0.clamp(-0.02, 0.98);
        y1 = y1.clamp(y0 + 0.04, 1.02);
    }
    let clip = |v: &[f64]| -> Vec<f64> { v.iter().map(|&y| y.clamp(y0, y1)).collect() };
    let title = if clipped {
        format!("{title} (clipped to 0..1)")
    } else {
        title.to_owned()
    };
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(64)
        .build_cartesian_2d(x0..x1, y0..y1)?;
    chart
        .configure_mesh()
        .x_desc("day")
        .y_desc(if share { "share (0 to 1)" } else { y_desc })
        .x_label_formatter(&short)
        .y_label_formatter(&short)
        .label_style(("sans-serif", 13))
        .light_line_style(RGBColor(235, 235, 235))
        .draw()?;
    for l in lines {
        if let Some((lo, hi)) = &l.band {
            let fill = tint(l.color, 0.2).filled();
            chart.draw_series(
                band_rects(&l.x, &clip(lo), &clip(hi), 250)
                    .into_iter()
                    .map(|r| Rectangle::new(r, fill)),
            )?;
        }
    }
    let labelled = lines.len() > 1;
    // Daily series are drawn one pixel wide: plotters draws wider lines as polygons, and a
    // near-vertical step (a season starting) then leaves a stray line below the chart.
    for l in lines {
        let color = l.color;
        let series = chart.draw_series(LineSeries::new(
            finite_points(&l.x, &clip(&l.y)),
            color.stroke_width(1),
        ))?;
        if labelled {
            series.label(l.label.clone()).legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
            });
        }
    }
    for m in markers {
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(m.tick, y0), (m.tick, y1)],
            BLACK.mix(0.5),
        )))?;
        chart.draw_series(std::iter::once(Text::new(
            m.label.clone(),
            (m.tick, y1),
            ("sans-serif", 12),
        )))?;
    }
    if labelled {
        chart
            .configure_series_labels()
            .label_font(("sans-serif", 13))
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.4))
            .draw()?;
    }
    Ok(())
}

/// Four time series panels.
struct TimeSeries {
    title: String,
    /// The metric column of each panel ([`SERIES`] for the headline figures).
    names: &'static [&'static str],
    /// Per panel (in `names` order), the lines.
    panels: Vec<Vec<Line>>,
    markers: Vec<Marker>,
}

impl Figure for TimeSeries {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let root = root.titled(&self.title, ("sans-serif", 24))?;
        let areas = root.split_evenly((2, 2));
        for ((area, lines), name) in areas.iter().zip(&self.panels).zip(self.names) {
            let col = column(name).expect("a declared metric column");
            line_panel(area, &col.label(), col.unit, lines, &self.markers)?;
        }
        Ok(())
    }
}

/// The panels of a run's population figure (`[demography]`).
const POPULATION_SERIES: &[&str] = &[
    "population",
    "dependency_ratio",
    "elders",
    "work_hours_mean",
];

/// Five-year age groups of the age pyramid: 0-4 to 95-99, and 100 and over.
const PYRAMID_GROUPS: usize = 21;

/// An age pyramid: persons by five-year age group, women (index 0) right, men (1) left.
struct Pyramid {
    title: String,
    bars: Vec<[u32; 2]>,
}

impl Figure for Pyramid {
    fn size(&self) -> (u32, u32) {
        (900, 700)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let most = self
            .bars
            .iter()
            .flat_map(|b| b.iter())
            .copied()
            .max()
            .unwrap_or(1)
            .max(1);
        let w = f64::from(most) * 1.1;
        let groups = self.bars.len() as f64;
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, ("sans-serif", 20))
            .margin(14)
            .x_label_area_size(40)
            .y_label_area_size(64)
            .build_cartesian_2d(-w..w, 0.0..groups)?;
        chart
            .configure_mesh()
            .x_desc("persons: men (left), women (right)")
            .y_desc("age (years)")
            .x_label_formatter(&|x| format!("{:.0}", x.abs()))
            .y_labels(self.bars.len() + 1)
            .y_label_formatter(&|y| format!("{:.0}", y * 5.0))
            .label_style(("sans-serif", 13))
            .light_line_style(RGBColor(235, 235, 235))
            .draw()?;
        for (sex, side) in [(0usize, 1.0), (1, -1.0)] {
            chart.draw_series(self.bars.iter().enumerate().map(|(g, b)| {
                let y = g as f64;
                Rectangle::new(
                    [(0.0, y + 0.05), (side * f64::from(b[sex]), y + 0.95)],
                    color(sex).mix(0.8).filled(),
                )
            }))?;
        }
        Ok(())
    }
}

/// A histogram: counts (or estimated counts) of persons in equal bins from `lo` to `hi`.
struct Histogram {
    title: String,
    x_desc: String,
    lo: f64,
    hi: f64,
    counts: Vec<f64>,
}

/// Bins of the histograms of persons.
const HISTOGRAM_BINS: usize = 30;

impl Histogram {
    /// The histogram of `values` (non-finite ones left out), over their range.
    fn of(title: String, x_desc: String, values: &[f64]) -> Self {
        let xs: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        let (lo, hi) = range_of(xs.iter(), true);
        let bins = HISTOGRAM_BINS;
        let width = (hi - lo) / bins as f64;
        let mut counts = vec![0u32; bins];
        for x in &xs {
            let b = (((x - lo) / width) as usize).min(bins - 1);
            counts[b] += 1;
        }
        Histogram {
            title,
            x_desc,
            lo,
            hi,
            counts: counts.into_iter().map(f64::from).collect(),
        }
    }

    /// The histogram estimated from a distribution's quantiles (their range is the values').
    fn of_quantiles(title: String, x_desc: String, d: &quantiles::Distribution) -> Self {
        let (lo, hi) = range_of(d.quantiles.iter().map(|q| &q.value), true);
        Histogram {
            title,
            x_desc,
            lo,
            hi,
            counts: quantiles::histogram(d, lo, hi, HISTOGRAM_BINS),
        }
    }
}

impl Figure for Histogram {
    fn size(&self) -> (u32, u32) {
        (900, 600)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let (lo, hi, counts) = (self.lo, self.hi, &self.counts);
        let width = (hi - lo) / counts.len() as f64;
        let top = counts.iter().copied().fold(1.0, f64::max) * 1.08;
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, ("sans-serif", 22))
            .margin(14)
            .x_label_area_size(40)
            .y_label_area_size(56)
            .build_cartesian_2d(lo..hi, 0.0..top)?;
        chart
            .configure_mesh()
            .x_desc(self.x_desc.as_str())
            .y_desc("persons")
            .x_label_formatter(&short)
            .y_label_formatter(&|y| format!("{y:.0}"))
            .label_style(("sans-serif", 13))
            .light_line_style(RGBColor(235, 235, 235))
            .draw()?;
        chart.draw_series(counts.iter().enumerate().map(|(i, &c)| {
            let x0 = lo + width * i as f64;
            Rectangle::new(
                [(x0, 0.0), (x0 + width * 0.95, c)],
                color(0).mix(0.8).filled(),
            )
        }))?;
        Ok(())
    }
}

/// Points drawn of a Lorenz curve, however many persons it has.
const LORENZ_POINTS: usize = 1_000;

/// A Lorenz curve with the line of equality.
struct Lorenz {
    title: String,
    curve: Vec<(f64, f64)>,
}

impl Figure for Lorenz {
    fn size(&self) -> (u32, u32) {
        (800, 760)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, ("sans-serif", 20))
            .margin(16)
            .x_label_area_size(40)
            .y_label_area_size(56)
            .build_cartesian_2d(0.0..1.0, 0.0..1.0)?;
        chart
            .configure_mesh()
            .x_desc("share of persons, least satisfied first")
            .y_desc("share of food delivered relative to need")
            .label_style(("sans-serif", 13))
            .light_line_style(RGBColor(235, 235, 235))
            .draw()?;
        chart
            .draw_series(LineSeries::new(
                vec![(0.0, 0.0), (1.0, 1.0)],
                BLACK.mix(0.5),
            ))?
            .label("equality")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLACK.mix(0.5)));
        chart
            .draw_series(LineSeries::new(
                self.curve.iter().copied(),
                color(1).stroke_width(2),
            ))?
            .label("Lorenz curve")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color(1).stroke_width(2)));
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .label_font(("sans-serif", 13))
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.4))
            .draw()?;
        Ok(())
    }
}

/// A panel's title, unit, and (x, mean, low, high) points.
type Panel = (String, String, Vec<(f64, f64, f64, f64)>);

/// Panels of estimates with intervals: one panel per headline figure.
struct Intervals {
    title: String,
    x_desc: String,
    /// Category names when x is a category index; None when x is a number.
    categories: Option<Vec<String>>,
    /// Per panel: title, unit, and (x, mean, low, high) points.
    panels: Vec<Panel>,
    /// Draw a line at zero (differences).
    zero_line: bool,
}

impl Figure for Intervals {
    fn size(&self) -> (u32, u32) {
        (1400, 1000)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let root = root.titled(&self.title, ("sans-serif", 24))?;
        let rows = self.panels.len().div_ceil(4);
        let areas = root.split_evenly((rows.max(1), 4));
        for (area, (title, unit, pts)) in areas.iter().zip(&self.panels) {
            let (x0, x1) = match &self.categories {
                Some(c) => (-0.5, c.len() as f64 - 0.5),
                None => range_of(pts.iter().map(|p| &p.0), false),
            };
            let mut ys: Vec<f64> = pts.iter().flat_map(|p| [p.1, p.2, p.3]).collect();
            if self.zero_line {
                ys.push(0.0);
            }
            let (y0, y1) = range_of(ys.iter(), false);
            let mut chart = ChartBuilder::on(area)
                .caption(format!("{title} ({unit})"), ("sans-serif", 15))
                .margin(10)
                .x_label_area_size(34)
                .y_label_area_size(60)
                .build_cartesian_2d(x0..x1, y0..y1)?;
            let cats = self.categories.clone();
            let fmt = move |x: &f64| match &cats {
                Some(c) => {
                    let i = x.round();
                    if (x - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < c.len() {
                        c[i as usize].clone()
                    } else {
                        String::new()
                    }
                }
                None => short(x),
            };
            let mut mesh = chart.configure_mesh();
            mesh.x_desc(self.x_desc.as_str())
                .label_style(("sans-serif", 11))
                .light_line_style(RGBColor(235, 235, 235))
                .x_label_formatter(&fmt)
                .y_label_formatter(&short);
            match &self.categories {
                Some(c) => mesh.x_labels(c.len() + 1),
                None => mesh.x_labels(5),
            };
            mesh.draw()?;
            if self.zero_line {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(x0, 0.0), (x1, 0.0)],
                    BLACK.mix(0.6),
                )))?;
            }
            if self.categories.is_none() && pts.len() > 1 {
                let mut sorted = pts.clone();
                sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
                chart.draw_series(LineSeries::new(
                    sorted
                        .iter()
                        .map(|p| (p.0, p.1))
                        .filter(|p| p.1.is_finite()),
                    color(0).mix(0.5),
                ))?;
            }
            for (i, &(x, m, lo, hi)) in pts.iter().enumerate() {
                let c = if self.categories.is_some() {
                    color(i + 1)
                } else {
                    color(0)
                };
                if lo.is_finite() && hi.is_finite() {
                    chart.draw_series(std::iter::once(ErrorBar::new_vertical(
                        x,
                        lo,
                        m,
                        hi,
                        c.stroke_width(2),
                        10,
                    )))?;
                }
                if m.is_finite() {
                    chart.draw_series(std::iter::once(Circle::new((x, m), 4, c.filled())))?;
                }
            }
        }
        Ok(())
    }
}

/// What kind of results a directory holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DirKind {
    Run,
    Sweep,
    Comparison,
}

pub fn kind_of(dir: &Path) -> Result<DirKind> {
    if dir.join("sweep.json").is_file() {
        Ok(DirKind::Sweep)
    } else if dir.join("compare.json").is_file() {
        Ok(DirKind::Comparison)
    } else if dir.join("metrics.parquet").is_file() {
        Ok(DirKind::Run)
    } else {
        bail!(
            "{} is not a run, sweep or comparison directory (no metrics.parquet, sweep.json or \
             compare.json)",
            dir.display()
        )
    }
}

/// Draws every plot for `dir` and writes its `report.html`; returns the files written.
pub fn plot_dir(dir: &Path) -> Result<Vec<PathBuf>> {
    let stems = match kind_of(dir)? {
        DirKind::Run => plot_run(dir)?,
        DirKind::Sweep if dir.join("indices.parquet").is_file() => sensitivity::plot(dir)?,
        DirKind::Sweep => plot_sweep(dir)?,
        DirKind::Comparison => plot_comparison(dir)?,
    };
    let report = write_report(dir, &stems)?;
    let mut files: Vec<PathBuf> = stems
        .iter()
        .flat_map(|(s, _)| [dir.join(format!("{s}.png")), dir.join(format!("{s}.svg"))])
        .collect();
    files.push(report);
    Ok(files)
}

/// Reads `events.csv` (columns `tick,label`, then `kind`) if the directory has one.
fn run_markers(dir: &Path) -> Vec<Marker> {
    let Ok(text) = std::fs::read_to_string(dir.join("events.csv")) else {
        return Vec::new();
    };
    text.lines()
        .skip(1)
        .filter_map(|l| {
            // Columns `tick,label[,kind]`; labels hold no commas.
            let mut fields = l.split(',');
            let t = fields.next()?;
            let label = fields.next()?;
            Some(Marker {
                tick: t.trim().parse().ok()?,
                label: label.trim().trim_matches('"').to_owned(),
            })
        })
        .collect()
}

fn name_of(dir: &Path) -> String {
    dir.file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Plot stems with a caption each.
type Stems = Vec<(String, String)>;

fn plot_run(dir: &Path) -> Result<Stems> {
    let metrics = read_parquet(&dir.join("metrics.parquet"))?;
    let ticks = floats(&metrics, "tick")?;
    let mut panels = Vec::new();
    for name in SERIES {
        panels.push(vec![Line {
            label: (*name).to_owned(),
            x: ticks.clone(),
            y: floats(&metrics, name)?,
            band: None,
            color: color(0),
        }]);
    }
    let title = scenario_title(dir);
    render(
        dir,
        "timeseries",
        &TimeSeries {
            title: title.clone(),
            names: SERIES,
            panels,
            markers: run_markers(dir),
        },
    )?;
    let mut stems = vec![(
        "timeseries".to_owned(),
        "Daily work hours, need satisfaction, waste share and footprint.".to_owned(),
    )];
    // With `[demography]`: the population, its make-up and the hours it asks of its adults.
    // (Runs written before these columns existed have neither.)
    let vitals: f64 = ["births", "deaths"]
        .iter()
        .flat_map(|name| floats(&metrics, name).unwrap_or_default())
        .sum();
    if vitals > 0.0 {
        let mut panels = Vec::new();
        for name in POPULATION_SERIES {
            panels.push(vec![Line {
                label: (*name).to_owned(),
                x: ticks.clone(),
                y: floats(&metrics, name)?,
                band: None,
                color: color(0),
            }]);
        }
        render(
            dir,
            "population",
            &TimeSeries {
                title: format!("{title}: population"),
                names: POPULATION_SERIES,
                panels,
                // A century's decisions would hide the lines.
                markers: Vec::new(),
            },
        )?;
        stems.push((
            "population".to_owned(),
            "Persons alive, children and elders per adult, elders, and the daily work hours per \
             able adult, as people are born, age and die."
                .to_owned(),
        ));
    }
    let people_file = dir.join("people.parquet");
    let quantiles_file = dir.join("people_quantiles.parquet");
    let people = if people_file.is_file() {
        Some(People::of_rows(&read_parquet(&people_file)?)?)
    } else if quantiles_file.is_file() {
        Some(People::of_quantiles(&read_parquet(&quantiles_file)?)?)
    } else {
        None
    };
    if let Some(people) = people {
        let (hist_title, hist_desc) = (
            format!("{title}: hours worked per day, by adult"),
            "mean hours worked on days well (h/day)".to_owned(),
        );
        let histogram = match &people {
            People::Rows(p) => Histogram::of(hist_title, hist_desc, &p.adult_hours),
            People::Quantiles(q) => Histogram::of_quantiles(hist_title, hist_desc, &q[0]),
        };
        render(dir, "work_hours_distribution", &histogram)?;
        stems.push((
            "work_hours_distribution".to_owned(),
            "How the work is shared: each adult's mean hours per day on the days they were well."
                .to_owned(),
        ));
        // The Gini of the title is the whole curve's; the figure needs no more points than it
        // has pixels.
        let (gini, curve) = match &people {
            People::Rows(p) => {
                let curve = inequality::lorenz(&p.satisfaction);
                (inequality::gini(&curve), curve)
            }
            People::Quantiles(q) => (q[1].gini, quantiles::lorenz(&q[1])),
        };
        render(
            dir,
            "lorenz_need_satisfaction",
            &Lorenz {
                title: format!("Need satisfaction across persons (Gini {gini:.3})"),
                curve: inequality::thin(&curve, LORENZ_POINTS),
            },
        )?;
        if vitals > 0.0 {
            let mut bars = vec![[0u32; 2]; PYRAMID_GROUPS];
            match &people {
                People::Rows(p) => {
                    for ((a, age), f) in p.alive.iter().zip(&p.ages).zip(&p.female) {
                        if *a > 0.5 {
                            let g = ((age / 5.0) as usize).min(PYRAMID_GROUPS - 1);
                            bars[g][usize::from(*f < 0.5)] += 1;
                        }
                    }
                }
                People::Quantiles(q) => {
                    // Estimated from the quantiles of the ages of women and of men.
                    let top = 5.0 * PYRAMID_GROUPS as f64;
                    for (sex, d) in [&q[4], &q[5]].into_iter().enumerate() {
                        let counts = quantiles::histogram(d, 0.0, top, PYRAMID_GROUPS);
                        for (bar, c) in bars.iter_mut().zip(counts) {
                            bar[sex] = c.round() as u32;
                        }
                    }
                }
            }
            render(
                dir,
                "age_pyramid",
                &Pyramid {
                    title: format!("{title}: persons alive on the last day, by age"),
                    bars,
                },
            )?;
            stems.push((
                "age_pyramid".to_owned(),
                "Age pyramid on the last day: women to the right, men to the left, by five-year \
                 age group (the last group is 100 and over)."
                    .to_owned(),
            ));
        }
        stems.push((
            "lorenz_need_satisfaction".to_owned(),
            "Lorenz curve of each person's food delivered over food needed: the diagonal is \
             perfect equality."
                .to_owned(),
        ));
    }
    Ok(stems)
}

/// What a run's distribution plots read of its persons: a row each (`people.parquet`), or the
/// quantiles of each distribution (`people_quantiles.parquet`, in the order of its figures:
/// hours of adults, need satisfaction, need, delivered, ages of women, ages of men alive).
enum People {
    Rows(PersonRows),
    Quantiles(Vec<quantiles::Distribution>),
}

/// The columns of `people.parquet` the plots use.
struct PersonRows {
    adult_hours: Vec<f64>,
    satisfaction: Vec<f64>,
    alive: Vec<f64>,
    ages: Vec<f64>,
    female: Vec<f64>,
}

impl People {
    fn of_rows(people: &DataFrame) -> Result<Self> {
        let hours = floats(people, "work_hours_per_day")?;
        let adult = floats(people, "adult")?;
        let adult_hours = hours
            .iter()
            .zip(&adult)
            .filter(|(h, a)| **a > 0.5 && h.is_finite())
            .map(|(h, _)| *h)
            .collect();
        // Older runs have no ages (they had no [demography], so no pyramid is drawn).
        Ok(People::Rows(PersonRows {
            adult_hours,
            satisfaction: floats(people, "need_satisfaction")?,
            alive: floats(people, "alive").unwrap_or_default(),
            ages: floats(people, "age_years").unwrap_or_default(),
            female: floats(people, "female").unwrap_or_default(),
        }))
    }

    fn of_quantiles(table: &DataFrame) -> Result<Self> {
        let figure = strings(table, "figure")?;
        let [persons, quantile, rank, value, share, gini] = [
            "persons",
            "quantile",
            "rank",
            "value",
            "cumulative_share",
            "gini",
        ]
        .map(|c| floats(table, c));
        let (persons, quantile, rank, value, share, gini) =
            (persons?, quantile?, rank?, value?, share?, gini?);
        let mut out: Vec<quantiles::Distribution> = quantiles::PERSON_FIGURES
            .iter()
            .map(|_| quantiles::Distribution {
                persons: 0,
                gini: f64::NAN,
                quantiles: Vec::new(),
            })
            .collect();
        for i in 0..figure.len() {
            let Some(f) = quantiles::PERSON_FIGURES
                .iter()
                .position(|n| *n == figure[i])
            else {
                continue;
            };
            let d = &mut out[f];
            d.persons = persons[i] as u64;
            d.gini = gini[i];
            d.quantiles.push(quantiles::Quantile {
                quantile: quantile[i],
                rank: rank[i] as u64,
                value: value[i],
                cumulative_share: share[i],
            });
        }
        Ok(People::Quantiles(out))
    }
}

fn scenario_title(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("manifest.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .and_then(|v| {
            Some(format!(
                "{} (seed {})",
                v.get("scenario_name")?.as_str()?,
                v.get("seed")?
            ))
        })
        .unwrap_or_else(|| name_of(dir))
}

fn plot_comparison(dir: &Path) -> Result<Stems> {
    let series = read_parquet(&dir.join("timeseries.parquet"))?;
    let table = read_parquet(&dir.join("comparison.parquet"))?;
    let names = scenario_names(&table)?;
    let scen = strings(&series, "scenario")?;
    let ticks = floats(&series, "tick")?;
    let mut panels = Vec::new();
    for name in SERIES {
        let mean = floats(&series, &format!("{name}_mean"))?;
        let lo = floats(&series, &format!("{name}_ci_low"))?;
        let hi = floats(&series, &format!("{name}_ci_high"))?;
        let lines = names
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let pick = |v: &[f64]| -> Vec<f64> {
                    v.iter()
                        .zip(&scen)
                        .filter(|(_, n)| *n == s)
                        .map(|(x, _)| *x)
                        .collect()
                };
                Line {
                    label: s.clone(),
                    x: pick(&ticks),
                    y: pick(&mean),
                    band: Some((pick(&lo), pick(&hi))),
                    color: color(i),
                }
            })
            .collect();
        panels.push(lines);
    }
    render(
        dir,
        "timeseries",
        &TimeSeries {
            title: format!("{}: mean over seeds, 95% bands", names.join(" vs ")),
            names: SERIES,
            panels,
            markers: Vec::new(),
        },
    )?;
    let metric = strings(&table, "metric")?;
    let scenario = strings(&table, "scenario")?;
    let d = floats(&table, "diff_from_first")?;
    let dlo = floats(&table, "diff_ci_low")?;
    let dhi = floats(&table, "diff_ci_high")?;
    let others: Vec<String> = names[1..].to_vec();
    let panels = HEADLINES
        .iter()
        .map(|h| {
            let pts = (0..metric.len())
                .filter(|&i| metric[i] == h.name && scenario[i] != names[0])
                .map(|i| {
                    let x = others.iter().position(|o| *o == scenario[i]).unwrap_or(0) as f64;
                    (x, d[i], dlo[i], dhi[i])
                })
                .collect();
            (h.label.to_owned(), h.unit.to_owned(), pts)
        })
        .collect();
    render(
        dir,
        "differences",
        &Intervals {
            title: format!("Difference from {}, with 95% intervals", names[0]),
            x_desc: String::new(),
            categories: Some(others),
            panels,
            zero_line: true,
        },
    )?;
    Ok(vec![
        (
            "timeseries".to_owned(),
            "Each scenario's daily mean over the common seeds, with its 95% confidence band."
                .to_owned(),
        ),
        (
            "differences".to_owned(),
            format!(
                "Each headline figure's paired difference from {}: an interval that does not \
                 cross zero is a difference the seeds cannot explain.",
                names[0]
            ),
        ),
    ])
}

fn scenario_names(table: &DataFrame) -> Result<Vec<String>> {
    let mut names: Vec<String> = Vec::new();
    for s in strings(table, "scenario")? {
        if !names.contains(&s) {
            names.push(s);
        }
    }
    if names.is_empty() {
        bail!("the comparison table is empty");
    }
    Ok(names)
}

fn plot_sweep(dir: &Path) -> Result<Stems> {
    let plan = crate::experiment::sweep::read_plan(dir)?;
    let runs = read_parquet(&dir.join("runs.parquet"))
        .context("the sweep has no runs.parquet yet: run or merge it first")?;
    let metrics = crate::model::metrics::summary::headline_names();
    let mut stems = Vec::new();
    for (j, p) in plan.parameters.iter().enumerate() {
        // Runs grouped by this parameter's value: the interval is over replicates (and, in a grid,
        // over the other parameters' values).
        let sorted = runs.sort(
            [p.as_str()],
            polars::prelude::SortMultipleOptions::default(),
        )?;
        let by = stats::mean_ci(&sorted, &[p.as_str()], &metrics)?;
        let xs = floats(&by, p)?;
        let mut panels = Vec::new();
        for h in HEADLINES {
            let m = floats(&by, &format!("{}_mean", h.name))?;
            let lo = floats(&by, &format!("{}_ci_low", h.name))?;
            let hi = floats(&by, &format!("{}_ci_high", h.name))?;
            let pts = (0..xs.len()).map(|i| (xs[i], m[i], lo[i], hi[i])).collect();
            panels.push((h.label.to_owned(), h.unit.to_owned(), pts));
        }
        let stem = format!("sweep_{}", p.replace('.', "_"));
        render(
            dir,
            &stem,
            &Intervals {
                title: format!("{}: headline figures against {p}", plan.scenario_name),
                x_desc: p.clone(),
                categories: None,
                panels,
                zero_line: false,
            },
        )?;
        let others = if plan.parameters.len() > 1 {
            " and the other parameters' values"
        } else {
            ""
        };
        stems.push((
            stem,
            format!(
                "Mean of each headline figure at each value of {p} ({} of {} parameters), with \
                 its 95% interval over replicates{others}.",
                j + 1,
                plan.parameters.len()
            ),
        ));
    }
    Ok(stems)
}

/// Escapes text for HTML.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A CSV file as an HTML table, numbers to four significant figures; at most `max_rows` rows.
fn csv_table(path: &Path, max_rows: usize) -> Result<String> {
    let text = std::fs::read_to_string(path)?;
    let mut out = String::from("<table>\n");
    let mut lines = text.lines();
    if let Some(h) = lines.next() {
        out.push_str("<tr>");
        for c in h.split(',') {
            write!(out, "<th>{}</th>", esc(c))?;
        }
        out.push_str("</tr>\n");
    }
    for (shown, line) in lines.enumerate() {
        if shown == max_rows {
            writeln!(
                out,
                "<tr><td colspan=\"99\">… more rows in {}</td></tr>",
                esc(&name_of(path))
            )?;
            break;
        }
        out.push_str("<tr>");
        for c in line.split(',') {
            match c.parse::<f64>() {
                Ok(x) if c.contains('.') || c.contains('e') => {
                    write!(
                        out,
                        "<td class=\"n\">{}</td>",
                        crate::experiment::sweep::sig(x)
                    )?;
                }
                Ok(_) => write!(out, "<td class=\"n\">{}</td>", esc(c))?,
                Err(_) => write!(out, "<td>{}</td>", esc(c))?,
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
    Ok(out)
}

/// Writes `report.html`: every plot inline (SVG, so the page stands alone and opens offline)
/// with links to the PNG and SVG files, and the directory's tables.
fn write_report(dir: &Path, stems: &Stems) -> Result<PathBuf> {
    let kind = kind_of(dir)?;
    let mut body = String::new();
    let heading = match kind {
        DirKind::Run => format!("Run: {}", scenario_title(dir)),
        DirKind::Sweep => format!(
            "Sweep: {}",
            crate::experiment::sweep::read_plan(dir)
                .map(|p| format!("{} over {}", p.scenario_name, p.parameters.join(", ")))
                .unwrap_or_else(|_| name_of(dir))
        ),
        DirKind::Comparison => format!(
            "Comparison: {}",
            std::fs::read_to_string(dir.join("compare.json"))
                .ok()
                .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
                .and_then(|v| {
                    let names: Vec<String> = v
                        .get("scenarios")?
                        .as_array()?
                        .iter()
                        .filter_map(|n| n.as_str().map(str::to_owned))
                        .collect();
                    Some(format!(
                        "{} ({} common seeds)",
                        names.join(" vs "),
                        v.get("replicates")?
                    ))
                })
                .unwrap_or_else(|| name_of(dir))
        ),
    };
    writeln!(body, "<h1>{}</h1>", esc(&heading))?;
    writeln!(
        body,
        "<p class=\"meta\">Made by commune {} from the files in this folder.</p>",
        env!("CARGO_PKG_VERSION")
    )?;
    let tables: &[(&str, &str, usize)] = match kind {
        DirKind::Run => &[("summary.csv", "Headline figures", 50)],
        DirKind::Comparison => &[
            (
                "comparison.csv",
                "Each scenario's mean over the common seeds with its 95% interval, and its \
                 paired difference from the first",
                500,
            ),
            ("runs.csv", "Every run", 200),
        ],
        DirKind::Sweep if dir.join("indices.csv").is_file() => &[
            (
                "indices.csv",
                "Sensitivity indices of each output, with bootstrap 95% intervals",
                2000,
            ),
            ("runs.csv", "Every run", 200),
        ],
        DirKind::Sweep => &[
            (
                "points.csv",
                "Each point's mean and 95% interval over replicates",
                500,
            ),
            ("runs.csv", "Every run", 200),
        ],
    };
    for (file, caption, max_rows) in tables.iter().take(1) {
        let path = dir.join(file);
        if path.is_file() {
            writeln!(body, "<h2>{}</h2>", esc(caption))?;
            body.push_str(&csv_table(&path, *max_rows)?);
        }
    }
    for (stem, caption) in stems {
        let svg = std::fs::read_to_string(dir.join(format!("{stem}.svg")))
            .map_err(|e| anyhow!("cannot read {stem}.svg: {e}"))?;
        let svg = svg
            .trim_start()
            .strip_prefix("<?xml")
            .and_then(|rest| rest.split_once("?>").map(|(_, s)| s))
            .unwrap_or(&svg);
        writeln!(
            body,
            "<figure>\n<div class=\"plot\">{svg}</div>\n<figcaption>{} \
             <a href=\"{stem}.png\">PNG</a> · <a href=\"{stem}.svg\">SVG</a></figcaption>\n</figure>",
            esc(caption)
        )?;
    }
    for (file, caption, max_rows) in tables.iter().skip(1) {
        let path = dir.join(file);
        if path.is_file() {
            writeln!(body, "<h2>{}</h2>", esc(caption))?;
            body.push_str(&csv_table(&path, *max_rows)?);
        }
    }
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n\
         <style>\nbody {{ font-family: sans-serif; max-width: 1200px; margin: 2em auto; \
         padding: 0 1em; color: #222; }}\n\
         table {{ border-collapse: collapse; font-size: 0.85em; margin: 1em 0; }}\n\
         th, td {{ border: 1px solid #ccc; padding: 2px 6px; }}\n\
         td.n {{ text-align: right; font-variant-numeric: tabular-nums; }}\n\
         .plot svg {{ max-width: 100%; height: auto; }}\n\
         figure {{ margin: 2em 0; }}\n.meta {{ color: #666; }}\n</style>\n</head>\n<body>\n{body}\
         </body>\n</html>\n",
        esc(&heading)
    );
    let path = dir.join("report.html");
    std::fs::write(&path, html).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_share_far_above_one_is_drawn_clipped_not_refused() {
        let dir = tempfile::tempdir().unwrap();
        let x: Vec<f64> = (0..10).map(f64::from).collect();
        let line = |y: Vec<f64>| Line {
            label: "a".to_owned(),
            x: x.clone(),
            y,
            band: None,
            color: color(0),
        };
        let panels = vec![
            vec![line(vec![0.3; 10])],
            vec![line(vec![1.0; 10])],
            // A waste share of millions before the first harvest, and NaN before anything.
            vec![line(
                [f64::NAN, 5e6, 6e6, 7e6, 8e6, 9e6, 9.5e6, 1e7, 2e7, 3e7].to_vec(),
            )],
            vec![line(vec![0.0; 10])],
        ];
        let fig = TimeSeries {
            title: "t".to_owned(),
            names: SERIES,
            panels,
            markers: vec![Marker {
                tick: 4.0,
                label: "event".to_owned(),
            }],
        };
        render(dir.path(), "ts", &fig).unwrap();
        assert!(std::fs::metadata(dir.path().join("ts.png")).unwrap().len() > 1000);
        let svg = std::fs::read_to_string(dir.path().join("ts.svg")).unwrap();
        assert!(svg.contains("clipped to 0..1") && svg.contains("event"));
    }

    #[test]
    fn bands_cover_every_day_in_few_rectangles() {
        let x: Vec<f64> = (0..1000).map(f64::from).collect();
        let lo = vec![0.0; 1000];
        let hi: Vec<f64> = x.iter().map(|v| v / 1000.0).collect();
        let rects = band_rects(&x, &lo, &hi, 100);
        assert_eq!(rects.len(), 100);
        assert_eq!(rects[0][0].0, 0.0);
        assert_eq!(rects[99][1].0, 999.0);
        assert!(rects.windows(2).all(|w| w[0][1].0 == w[1][0].0), "no gaps");
    }
}

//! Plots of a sensitivity directory: Sobol' indices as bars with their intervals, and Morris'
//! mu* against sigma, one figure per output.

use std::path::Path;

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::{Figure, Stems, color, range_of, render, short};
use crate::analysis::stats::{floats, strings};
use crate::experiment::sensitivity::run::{Record, read_record};
use crate::output::read_parquet;

/// One parameter's figures for one output: (name, first, second), each (estimate, low, high).
type Bars = Vec<(String, [f64; 3], [f64; 3])>;

/// S1 and ST of each parameter as horizontal bars, most influential (by ST) at the top.
struct SobolBars {
    title: String,
    bars: Bars,
}

impl Figure for SobolBars {
    fn size(&self) -> (u32, u32) {
        (1200, (160 + 46 * self.bars.len() as u32).max(400))
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let n = self.bars.len();
        let values = self
            .bars
            .iter()
            .flat_map(|(_, a, b)| [a[0], a[1], a[2], b[0], b[1], b[2]]);
        let lo = values
            .clone()
            .fold(0.0_f64, |m, v| if v.is_finite() { m.min(v) } else { m });
        let hi = values.fold(1.0_f64, |m, v| if v.is_finite() { m.max(v) } else { m });
        let names: Vec<String> = self.bars.iter().map(|b| b.0.clone()).collect();
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, ("sans-serif", 20))
            .margin(15)
            .x_label_area_size(40)
            .y_label_area_size(330)
            .build_cartesian_2d(lo - 0.02..hi + 0.02, -0.5..n as f64 - 0.5)?;
        let label = move |y: &f64| {
            let i = y.round();
            if (y - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < names.len() {
                // Top row first: bars are drawn from the bottom.
                names[names.len() - 1 - i as usize].clone()
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .x_desc("index (share of output variance)")
            .label_style(("sans-serif", 13))
            .light_line_style(RGBColor(235, 235, 235))
            .y_labels(n + 1)
            .y_label_formatter(&label)
            .x_label_formatter(&short)
            .draw()?;
        for (i, (_, s1, st)) in self.bars.iter().enumerate() {
            let y = (n - 1 - i) as f64;
            for (k, (e, off)) in [(s1, 0.2), (st, -0.2)].into_iter().enumerate() {
                let c = color(k);
                if e[0].is_finite() {
                    chart.draw_series(std::iter::once(Rectangle::new(
                        [(0.0, y + off - 0.17), (e[0], y + off + 0.17)],
                        c.mix(0.75).filled(),
                    )))?;
                }
                if e[1].is_finite() && e[2].is_finite() {
                    chart.draw_series(std::iter::once(ErrorBar::new_horizontal(
                        y + off,
                        e[1],
                        e[0],
                        e[2],
                        BLACK.stroke_width(1),
                        8,
                    )))?;
                }
            }
        }
        for (k, name) in ["S1 (first order)", "ST (total)"].into_iter().enumerate() {
            chart
                .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())?
                .label(name)
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 6), (x + 14, y + 6)], color(k).filled())
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK.mix(0.3))
            .label_font(("sans-serif", 14))
            .draw()?;
        Ok(())
    }
}

/// Morris' mu* against sigma, one labelled point per parameter.
struct MorrisScatter {
    title: String,
    /// (name, mu*, sigma).
    points: Bars,
}

impl Figure for MorrisScatter {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let (x0, x1) = range_of(
            self.points
                .iter()
                .flat_map(|p| [&p.1[0], &p.1[2]])
                .chain(std::iter::once(&0.0)),
            true,
        );
        let (y0, y1) = range_of(
            self.points
                .iter()
                .flat_map(|p| [&p.2[0], &p.2[2]])
                .chain(std::iter::once(&0.0)),
            true,
        );
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, ("sans-serif", 20))
            .margin(20)
            .x_label_area_size(45)
            .y_label_area_size(70)
            .build_cartesian_2d(x0..x1, y0..y1)?;
        chart
            .configure_mesh()
            .x_desc("mu* (mean absolute elementary effect, per unit of the parameter's range)")
            .y_desc("sigma (spread of the effects: interactions, non-linearity)")
            .label_style(("sans-serif", 13))
            .light_line_style(RGBColor(235, 235, 235))
            .x_label_formatter(&short)
            .y_label_formatter(&short)
            .draw()?;
        // sigma = mu*: above this line, effects change with the other parameters' values.
        let m = x1.min(y1);
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(0.0, 0.0), (m, m)],
            BLACK.mix(0.3),
        )))?;
        // The most influential parameters are labelled; the rest are dots.
        let mut order: Vec<usize> = (0..self.points.len()).collect();
        order.sort_by(|&a, &b| self.points[b].1[0].total_cmp(&self.points[a].1[0]));
        for (rank, &i) in order.iter().enumerate() {
            let (name, mu, sigma) = &self.points[i];
            if !(mu[0].is_finite() && sigma[0].is_finite()) {
                continue;
            }
            let c = color(rank.min(5));
            if mu[1].is_finite() && mu[2].is_finite() {
                chart.draw_series(std::iter::once(ErrorBar::new_horizontal(
                    sigma[0],
                    mu[1],
                    mu[0],
                    mu[2],
                    c.mix(0.6).stroke_width(1),
                    6,
                )))?;
            }
            chart.draw_series(std::iter::once(Circle::new(
                (mu[0], sigma[0]),
                5,
                c.filled(),
            )))?;
            if rank < 10 {
                chart.draw_series(std::iter::once(Text::new(
                    name.clone(),
                    (mu[0], sigma[0]),
                    ("sans-serif", 13).into_font().color(&BLACK),
                )))?;
            }
        }
        Ok(())
    }
}

/// A file-name-safe form of an output's name.
fn stem_of(output: &str) -> String {
    output
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// The plots of a sensitivity directory with its indices.
pub(super) fn plot(dir: &Path) -> Result<Stems> {
    let record: Record = read_record(dir)?;
    let table = read_parquet(&dir.join("indices.parquet"))?;
    let outputs = strings(&table, "output")?;
    let params = strings(&table, "parameter")?;
    let kinds = strings(&table, "index")?;
    let est = floats(&table, "estimate")?;
    let lo = floats(&table, "ci_low")?;
    let hi = floats(&table, "ci_high")?;
    let find = |o: &str, p: &str, k: &str| -> [f64; 3] {
        (0..outputs.len())
            .find(|&i| outputs[i] == o && params[i] == p && kinds[i] == k)
            .map_or([f64::NAN; 3], |i| [est[i], lo[i], hi[i]])
    };
    let (a, b) = if record.method == "sobol" {
        ("S1", "ST")
    } else {
        ("mu_star", "sigma")
    };
    let mut stems = Vec::new();
    for o in &record.outputs {
        if !outputs.contains(&o.name) {
            continue;
        }
        let mut bars: Bars = record
            .parameters
            .iter()
            .map(|p| (p.clone(), find(&o.name, p, a), find(&o.name, p, b)))
            .collect();
        let seed = find(&o.name, "(seed)", "seed_share")[0];
        let seed_note = if seed.is_finite() {
            format!("; seed noise {:.0}% of run-to-run variance", 100.0 * seed)
        } else {
            String::new()
        };
        let stem;
        let caption;
        if record.method == "sobol" {
            bars.sort_by(|x, y| y.2[0].total_cmp(&x.2[0]));
            stem = format!("sensitivity_sobol_{}", stem_of(&o.name));
            render(
                dir,
                &stem,
                &SobolBars {
                    title: format!("Sobol' indices of {}{seed_note}", o.name),
                    bars,
                },
            )?;
            caption = format!(
                "Share of the variance of {} due to each parameter alone (S1) and with its \
                 interactions (ST), from {} base samples x {} replicates, with bootstrap 95% \
                 intervals.",
                o.name, record.samples, record.replicates
            );
        } else {
            stem = format!("sensitivity_morris_{}", stem_of(&o.name));
            render(
                dir,
                &stem,
                &MorrisScatter {
                    title: format!("Morris screening of {}{seed_note}", o.name),
                    points: bars,
                },
            )?;
            caption = format!(
                "Morris elementary effects on {} ({} {} of {} parameters): mean absolute effect \
                 mu* (with its bootstrap 95% interval) against their spread sigma. Far right: \
                 influential; above the diagonal: interacting or non-linear.",
                o.name,
                record.samples,
                if record.design == "radial" {
                    "radial blocks"
                } else {
                    "trajectories"
                },
                record.parameters.len()
            );
        }
        stems.push((stem, caption));
    }
    Ok(stems)
}

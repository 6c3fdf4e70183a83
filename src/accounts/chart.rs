//! `commune accounts --plot FILE`: hours embodied in final consumption, per resident per day, by
//! sector, as horizontal bars.

use std::path::Path;

use anyhow::{Context, Result, bail};
use plotters::coord::Shift;
use plotters::prelude::*;

use super::{Imports, Report};

const SIZE: (u32, u32) = (900, 520);

/// Draw the chart to `path`, PNG or SVG by its extension.
pub fn draw(report: &Report, path: &Path) -> Result<()> {
    crate::plot::register_font();
    match path.extension().and_then(|e| e.to_str()) {
        Some("png") => {
            let root = BitMapBackend::new(path, SIZE).into_drawing_area();
            bars(report, &root)?;
            root.present()
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        Some("svg") => {
            let root = SVGBackend::new(path, SIZE).into_drawing_area();
            bars(report, &root)?;
            root.present()
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        _ => bail!("{}: the chart must be a .png or .svg file", path.display()),
    }
    Ok(())
}

fn bars<DB: DrawingBackend>(report: &Report, root: &DrawingArea<DB, Shift>) -> Result<()>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let rows = &report.sectors;
    let k = rows.len();
    let max = rows
        .iter()
        .map(|r| r.consumption_hours_per_resident_day)
        .fold(0.0, f64::max)
        .max(1e-3);
    let names: Vec<String> = rows.iter().map(|r| r.sector.clone()).collect();
    let mut chart = ChartBuilder::on(root)
        .caption(
            format!(
                "{} {}: hours embodied in final consumption, {:.2} h per resident per day",
                report.country, report.year, report.totals.consumption_hours_per_resident_day
            ),
            ("sans-serif", 18),
        )
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(110)
        .build_cartesian_2d(0.0..max * 1.1, -0.5..(k as f64 - 0.5))?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(k)
        .y_label_formatter(&|y| {
            let i = y.round();
            if (y - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < names.len() {
                names[names.len() - 1 - i as usize].clone()
            } else {
                String::new()
            }
        })
        .x_desc(match report.imports {
            Imports::Domestic => "h per resident per day (WIOD 2016, domestic flows)",
            Imports::MadeAtHome => "h per resident per day (WIOD 2016, imports made at home)",
        })
        .label_style(("sans-serif", 13))
        .draw()?;
    let blue = RGBColor(31, 119, 180);
    chart.draw_series(rows.iter().enumerate().map(|(i, r)| {
        let y = (k - 1 - i) as f64;
        Rectangle::new(
            [
                (0.0, y - 0.38),
                (r.consumption_hours_per_resident_day, y + 0.38),
            ],
            blue.filled(),
        )
    }))?;
    Ok(())
}

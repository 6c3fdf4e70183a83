//! A waterfall chart of a decomposition: the first and last steps as bars from zero, each step
//! between as a bar floating from the level before it to its own (green where the figure falls,
//! red where it rises), every level with its interval.

use std::path::Path;

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{Figure, color, range_of, render, short};

/// A waterfall to draw.
pub struct Waterfall {
    pub title: String,
    /// The y axis: the metric's name and unit.
    pub y_desc: String,
    /// Each step's label, mean, interval low and high, step 0 first.
    pub steps: Vec<(String, f64, f64, f64)>,
}

/// How a step's bar is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BarKind {
    /// From zero to the level: the first and last steps.
    Total,
    /// Floating from the level before down to this one.
    Fall,
    /// Floating from the level before up to this one.
    Rise,
    /// No change.
    Flat,
}

/// Each step's bar: (from, to, kind). A level that is not a number gives a bar from NaN.
pub fn bars(levels: &[f64]) -> Vec<(f64, f64, BarKind)> {
    let last = levels.len().saturating_sub(1);
    levels
        .iter()
        .enumerate()
        .map(|(i, &to)| {
            if i == 0 || i == last {
                return (0.0, to, BarKind::Total);
            }
            let from = levels[i - 1];
            let kind = if to < from {
                BarKind::Fall
            } else if to > from {
                BarKind::Rise
            } else {
                BarKind::Flat
            };
            (from, to, kind)
        })
        .collect()
}

/// `text` in lines of at most about `width` characters, broken between words.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

const FALL: RGBColor = RGBColor(44, 160, 44);
const RISE: RGBColor = RGBColor(214, 39, 40);
const FLAT: RGBColor = RGBColor(150, 150, 150);

fn kind_color(kind: BarKind) -> RGBColor {
    match kind {
        BarKind::Total => color(0),
        BarKind::Fall => FALL,
        BarKind::Rise => RISE,
        BarKind::Flat => FLAT,
    }
}

impl Waterfall {
    fn width(&self) -> u32 {
        (220 + 150 * self.steps.len() as u32).max(1000)
    }

    /// Characters per line of a bar's label.
    fn wrap_width(&self) -> usize {
        let per_bar = (self.width() - 160) / self.steps.len().max(1) as u32;
        ((per_bar as f64 / 7.5) as usize).max(8)
    }

    fn label_lines(&self) -> Vec<Vec<String>> {
        let w = self.wrap_width();
        self.steps.iter().map(|s| wrap(&s.0, w)).collect()
    }
}

impl Figure for Waterfall {
    fn size(&self) -> (u32, u32) {
        let lines = self.label_lines().iter().map(Vec::len).max().unwrap_or(1) as u32;
        (self.width(), 700 + 17 * lines)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let n = self.steps.len();
        let levels: Vec<f64> = self.steps.iter().map(|s| s.1).collect();
        let bars = bars(&levels);
        let lines = self.label_lines();
        let most_lines = lines.iter().map(Vec::len).max().unwrap_or(1);
        let mut ys = vec![0.0];
        ys.extend(self.steps.iter().flat_map(|s| [s.1, s.2, s.3]));
        let (y0, y1) = range_of(ys.iter(), false);
        // Room above the highest bar for its figure.
        let y1 = y1 + 0.06 * (y1 - y0);
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, ("sans-serif", 20))
            .margin(20)
            .x_label_area_size(16 + 17 * most_lines as u32)
            .y_label_area_size(80)
            .build_cartesian_2d(-0.5..n as f64 - 0.5, y0..y1)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .y_desc(self.y_desc.as_str())
            .label_style(("sans-serif", 13))
            .light_line_style(RGBColor(235, 235, 235))
            .y_label_formatter(&short)
            .draw()?;
        if y0 < 0.0 {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(-0.5, 0.0), (n as f64 - 0.5, 0.0)],
                BLACK.mix(0.6),
            )))?;
        }
        let half = 0.35;
        for (i, (&(from, to, kind), step)) in bars.iter().zip(&self.steps).enumerate() {
            let x = i as f64;
            if from.is_finite() && to.is_finite() {
                let c = kind_color(kind);
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(x - half, from), (x + half, to)],
                    c.mix(0.8).filled(),
                )))?;
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(x - half, from), (x + half, to)],
                    c.stroke_width(1),
                )))?;
            }
            // The level carried on to the next bar.
            if i + 1 < n && to.is_finite() {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(x + half, to), (x + 1.0 - half, to)],
                    BLACK.mix(0.5),
                )))?;
            }
            let (_, _, low, high) = *step;
            if low.is_finite() && high.is_finite() && to.is_finite() {
                chart.draw_series(std::iter::once(ErrorBar::new_vertical(
                    x,
                    low,
                    to,
                    high,
                    BLACK.stroke_width(2),
                    14,
                )))?;
            }
            // The figure on top: the level for a total, the change for a step between.
            let text = match kind {
                BarKind::Total => short(&to),
                _ if to - from > 0.0 => format!("+{}", short(&(to - from))),
                _ => short(&(to - from)),
            };
            let top = [to, from, high]
                .into_iter()
                .filter(|v| v.is_finite())
                .fold(f64::NEG_INFINITY, f64::max);
            if top.is_finite() && to.is_finite() {
                chart.draw_series(std::iter::once(Text::new(
                    text,
                    (x, top + 0.015 * (y1 - y0)),
                    ("sans-serif", 14)
                        .into_font()
                        .color(&BLACK)
                        .pos(Pos::new(HPos::Center, VPos::Bottom)),
                )))?;
            }
        }
        // Step labels under the bars, wrapped.
        for (i, ls) in lines.iter().enumerate() {
            let (px, py) = chart.backend_coord(&(i as f64, y0));
            for (k, l) in ls.iter().enumerate() {
                root.draw(&Text::new(
                    l.clone(),
                    (px, py + 8 + 17 * k as i32),
                    ("sans-serif", 13)
                        .into_font()
                        .color(&BLACK)
                        .pos(Pos::new(HPos::Center, VPos::Top)),
                ))?;
            }
        }
        for (name, kind) in [
            ("first and last step", BarKind::Total),
            ("falls", BarKind::Fall),
            ("rises", BarKind::Rise),
        ] {
            let c = kind_color(kind);
            chart
                .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())?
                .label(name)
                .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], c.filled()));
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK.mix(0.3))
            .label_font(("sans-serif", 13))
            .draw()?;
        Ok(())
    }
}

/// Writes `stem.png` and `stem.svg` in `dir`.
pub fn draw(dir: &Path, stem: &str, fig: &Waterfall) -> Result<()> {
    render(dir, stem, fig)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decompose_waterfall_bars_float_between_the_ends() {
        let b = bars(&[5.0, 4.0, 4.5, 4.5, 3.0]);
        assert_eq!(b[0], (0.0, 5.0, BarKind::Total));
        assert_eq!(b[1], (5.0, 4.0, BarKind::Fall));
        assert_eq!(b[2], (4.0, 4.5, BarKind::Rise));
        assert_eq!(b[3], (4.5, 4.5, BarKind::Flat));
        assert_eq!(b[4], (0.0, 3.0, BarKind::Total));
    }

    #[test]
    fn decompose_waterfall_labels_wrap_between_words() {
        assert_eq!(
            wrap("minus finance and insurance", 12),
            ["minus", "finance and", "insurance"]
        );
        assert_eq!(wrap("", 10), [""]);
        assert_eq!(wrap("unbreakablewordhere", 5), ["unbreakablewordhere"]);
    }

    #[test]
    fn decompose_waterfall_draws_png_and_svg() {
        let tmp = tempfile::tempdir().unwrap();
        let fig = Waterfall {
            title: "t".to_owned(),
            y_desc: "work_hours_mean (h/day)".to_owned(),
            steps: vec![
                ("Germany 2014, as it is".to_owned(), 5.0, 4.8, 5.2),
                ("minus finance and insurance".to_owned(), 4.0, 3.9, 4.1),
                ("nothing known".to_owned(), f64::NAN, f64::NAN, f64::NAN),
                ("the essay's society".to_owned(), 3.0, 2.9, 3.1),
            ],
        };
        draw(tmp.path(), "waterfall", &fig).unwrap();
        let svg = std::fs::read_to_string(tmp.path().join("waterfall.svg")).unwrap();
        assert!(
            svg.contains("insurance") && svg.contains("essay"),
            "labels drawn"
        );
        assert!(tmp.path().join("waterfall.png").metadata().unwrap().len() > 1000);
    }
}

//! Charts as pure functions: typed numbers in, SVG strings out (plotters'
//! SVG backend; no fonts are embedded, the browser draws the text). Each chart
//! is drawn twice ([`Drawn`]): for a page and for a phone, whose screen is too
//! narrow for a row of bar labels. Colours are from the Okabe-Ito palette,
//! safe for colour-blind readers. Labels that come from input data are
//! escaped by plotters.

use plotters::coord::ranged1d::SegmentedCoord;
use plotters::coord::types::{RangedCoordf64, RangedCoordu32};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use serde::Serialize;

use crate::error::{HandoffError, Result};

/// Okabe-Ito blue, orange, green, vermillion.
pub const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
pub const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
pub const GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
pub const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);

/// The page's canvas: drawn 640 units wide, scaled to the column.
const WIDE: (u32, u32) = (640, 260);
/// A phone's canvas: about as wide as its screen, so text is drawn near 1:1.
const NARROW_WIDTH: u32 = 360;
const NARROW_LINE_HEIGHT: u32 = 220;
/// A horizontal bar's row on a phone, and the axis and margins around the rows.
const NARROW_ROW: u32 = 28;
const NARROW_FRAME: u32 = 64;
/// Label text (plotters draws a size as points: 15 is 12 px): on the page's canvas (scaled
/// down) and on a phone's.
const WIDE_TEXT: u32 = 11;
const NARROW_TEXT: u32 = 15;

/// A dashed reference line and its label ("SLA 15 min", "target 80%"): before
/// bar `at` of a bar chart, or at value `at` of a line chart. A phone's bars
/// leave room at the line's end for `short` only.
pub struct Mark<'a, T> {
    pub at: T,
    pub label: &'a str,
    pub short: &'a str,
}

/// Text of `size` in `color`, anchored at `pos` of the point it is drawn at.
fn text_style(size: u32, color: &'static RGBColor, pos: Pos) -> TextStyle<'static> {
    TextStyle::from(("sans-serif", size).into_font())
        .color(color)
        .pos(pos)
}

/// One chart in its two drawings; the page shows one, by screen width.
#[derive(Debug, Serialize)]
pub struct Drawn {
    pub wide: String,
    pub narrow: String,
}

/// The highest value an axis reaches.
const MAX_TOP: f64 = 1e15;

/// An axis value: grouped whole numbers once the axis reaches 10, else one decimal.
fn axis(v: f64, top: f64) -> String {
    if top < 10.0 {
        return format!("{v:.1}");
    }
    let n = v.round() as i64;
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// A top that is not a number, or astronomically large, would make the
/// axis's tick search run away: the axis stops at 1e15 (values above are
/// drawn to the edge; the text under the chart gives the numbers).
fn bounded(top: f64) -> f64 {
    if top.is_finite() && top > 0.0 {
        top.min(MAX_TOP)
    } else {
        1.0
    }
}

/// The axis's top: `room` times the largest bar (1 when no bar is above 0).
fn headroom(values: &[f64], room: f64) -> f64 {
    let max = values.iter().copied().fold(0.0_f64, f64::max);
    if max <= 0.0 { 1.0 } else { max * room }
}

fn chart_error(e: impl std::fmt::Display) -> HandoffError {
    HandoffError::Output {
        path: "scorecard.html (chart)".into(),
        source: std::io::Error::other(e.to_string()),
    }
}

/// The chart type every function here draws on: labelled segments across, numbers up.
type Chart<'a, 'b> =
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<SegmentedCoord<RangedCoordu32>, RangedCoordf64>>;

/// The shared canvas: white background, one segment per label, a y axis from
/// 0 to `top` with grouped labels; `draw` adds the series.
fn canvas(
    labels: &[String],
    top: f64,
    y_label: &str,
    (size, label_size): ((u32, u32), u32),
    draw: impl FnOnce(&mut Chart<'_, '_>) -> Result<()>,
) -> Result<String> {
    let top = bounded(top);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE).map_err(chart_error)?;
        // Segments 0..=n-1: one per label, none empty at the right.
        let n = (labels.len().max(2) - 1) as u32;
        let mut chart = ChartBuilder::on(&root)
            .margin(8)
            .x_label_area_size(36)
            .y_label_area_size(56)
            .build_cartesian_2d((0..n).into_segmented(), 0.0..top)
            .map_err(chart_error)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(WHITE)
            .y_desc(y_label)
            .y_label_formatter(&|v| axis(*v, top))
            .x_labels(labels.len())
            .x_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => labels.get(*i as usize).cloned().unwrap_or_default(),
                _ => String::new(),
            })
            .label_style(("sans-serif", label_size))
            .draw()
            .map_err(chart_error)?;
        draw(&mut chart)?;
        root.present().map_err(chart_error)?;
    }
    Ok(svg)
}

/// A bar per label; `colors` picks each bar's colour. Upright on the page,
/// lying down on a phone (one row per label, its count at the bar's end).
pub fn bars(labels: &[String], values: &[f64], colors: &[RGBColor], unit: &str) -> Result<Drawn> {
    bars_marked(labels, values, colors, unit, None)
}

/// [`bars`] with a labelled dashed line before bar `marker.at` (a threshold such as the SLA).
pub fn bars_marked(
    labels: &[String],
    values: &[f64],
    colors: &[RGBColor],
    unit: &str,
    marker: Option<Mark<'_, u32>>,
) -> Result<Drawn> {
    let top = headroom(values, 1.15);
    let color = |i: usize| colors.get(i % colors.len().max(1)).copied().unwrap_or(BLUE);
    let wide = canvas(labels, top, unit, (WIDE, WIDE_TEXT), |chart| {
        if let Some(m) = &marker {
            let k = m.at;
            chart
                .draw_series(DashedLineSeries::new(
                    [(SegmentValue::Exact(k), 0.0), (SegmentValue::Exact(k), top)],
                    6,
                    4,
                    BLACK.stroke_width(1),
                ))
                .map_err(chart_error)?;
            let style = text_style(WIDE_TEXT, &BLACK, Pos::new(HPos::Left, VPos::Top));
            let label = EmptyElement::at((SegmentValue::Exact(k), top))
                + Text::new(m.label.to_string(), (5, 2), style);
            chart.plotting_area().draw(&label).map_err(chart_error)?;
        }
        for (i, v) in values.iter().enumerate() {
            let bar = Histogram::vertical(chart)
                .style(color(i).filled())
                .margin(6)
                .data(std::iter::once((i as u32, *v)));
            chart.draw_series(bar).map_err(chart_error)?;
        }
        Ok(())
    })?;
    let narrow = lying_bars(labels, values, &color, unit, marker.as_ref())?;
    Ok(Drawn { wide, narrow })
}

/// The phone's bars: the first label at the top, its count after its bar.
fn lying_bars(
    labels: &[String],
    values: &[f64],
    color: &dyn Fn(usize) -> RGBColor,
    unit: &str,
    marker: Option<&Mark<'_, u32>>,
) -> Result<String> {
    // Room after the longest bar for its count, and past that for a mark's label.
    let top = bounded(headroom(values, 1.3));
    let rows = labels.len().max(1) as u32;
    // Row `i` of the labels is drawn in segment `last - i`: plotters counts up.
    let last = rows.max(2) - 1;
    let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0) as u32;
    let size = (NARROW_WIDTH, NARROW_ROW * rows + NARROW_FRAME);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE).map_err(chart_error)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(8)
            .x_label_area_size(42)
            .y_label_area_size((longest * 7 + 12).clamp(40, 150))
            .build_cartesian_2d(0.0..top, (0..last).into_segmented())
            .map_err(chart_error)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(WHITE)
            .x_desc(unit)
            .x_labels(4)
            .x_label_formatter(&|v| axis(*v, top))
            .y_labels(labels.len())
            .y_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => last
                    .checked_sub(*i)
                    .and_then(|row| labels.get(row as usize))
                    .cloned()
                    .unwrap_or_default(),
                _ => String::new(),
            })
            .label_style(("sans-serif", NARROW_TEXT))
            .draw()
            .map_err(chart_error)?;
        if let Some(m) = marker.filter(|m| m.at <= last) {
            let at = SegmentValue::Exact(last + 1 - m.at);
            chart
                .draw_series(DashedLineSeries::new(
                    [(0.0, at.clone()), (top, at.clone())],
                    6,
                    4,
                    BLACK.stroke_width(1),
                ))
                .map_err(chart_error)?;
            // Right-aligned under the line, beside the rows above it.
            let style = text_style(NARROW_TEXT, &BLACK, Pos::new(HPos::Right, VPos::Top));
            let label =
                EmptyElement::at((top, at)) + Text::new(m.short.to_string(), (-2, 3), style);
            chart.plotting_area().draw(&label).map_err(chart_error)?;
        }
        for (i, v) in values.iter().enumerate() {
            let row = last - i as u32;
            let bar = Histogram::horizontal(&chart)
                .style(color(i).filled())
                .margin(4)
                .data(std::iter::once((row, *v)));
            chart.draw_series(bar).map_err(chart_error)?;
            let count = EmptyElement::at((v.min(top), SegmentValue::CenterOf(row)))
                + Text::new(
                    axis(*v, top.max(10.0)),
                    (4, 0),
                    TextStyle::from(("sans-serif", NARROW_TEXT).into_font())
                        .pos(Pos::new(HPos::Left, VPos::Center)),
                );
            chart.plotting_area().draw(&count).map_err(chart_error)?;
        }
        root.present().map_err(chart_error)?;
    }
    Ok(svg)
}

/// A line over weeks, with a dashed reference line (a target) when given.
pub fn line(
    labels: &[String],
    values: &[Option<f64>],
    top: f64,
    y_label: &str,
    target: Option<Mark<'_, f64>>,
) -> Result<Drawn> {
    let top = values
        .iter()
        .flatten()
        .copied()
        .fold(top, f64::max)
        .max(1e-9);
    let draw = |size| line_on(labels, values, top, y_label, target.as_ref(), size);
    Ok(Drawn {
        wide: draw((WIDE, WIDE_TEXT))?,
        narrow: draw(((NARROW_WIDTH, NARROW_LINE_HEIGHT), NARROW_TEXT))?,
    })
}

fn line_on(
    labels: &[String],
    values: &[Option<f64>],
    top: f64,
    y_label: &str,
    target: Option<&Mark<'_, f64>>,
    size: ((u32, u32), u32),
) -> Result<String> {
    let n = labels.len().max(1) as u32;
    canvas(labels, top, y_label, size, |chart| {
        if let Some(m) = target {
            let t = m.at;
            chart
                .draw_series(DashedLineSeries::new(
                    [(SegmentValue::Exact(0), t), (SegmentValue::Exact(n), t)],
                    6,
                    4,
                    VERMILLION.stroke_width(1),
                ))
                .map_err(chart_error)?;
            let style = text_style(size.1, &VERMILLION, Pos::new(HPos::Right, VPos::Bottom));
            let label = EmptyElement::at((SegmentValue::Exact(n), t))
                + Text::new(m.label.to_string(), (-2, -3), style);
            chart.plotting_area().draw(&label).map_err(chart_error)?;
        }
        let points: Vec<(SegmentValue<u32>, f64)> = values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| (SegmentValue::CenterOf(i as u32), v)))
            .collect();
        chart
            .draw_series(LineSeries::new(points.clone(), BLUE.stroke_width(2)))
            .map_err(chart_error)?;
        chart
            .draw_series(points.into_iter().map(|p| Circle::new(p, 3, BLUE.filled())))
            .map_err(chart_error)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_draw_one_rect_per_value_and_escape_labels() {
        let labels = vec!["<script>x</script>".to_string(), "b".to_string()];
        let drawn = bars(&labels, &[3.0, 5.0], &[BLUE], "leads").unwrap();
        for svg in [&drawn.wide, &drawn.narrow] {
            assert!(svg.starts_with("<svg"), "{}", &svg[..40]);
            assert!(!svg.contains("<script>"), "a label came through unescaped");
            assert!(svg.contains("&lt;script&gt;"));
            assert!(svg.matches("<rect").count() >= 3, "background and two bars");
        }
    }

    #[test]
    fn a_phone_reads_bars_top_down_with_their_counts() {
        let labels = vec![
            "first".to_string(),
            "second".to_string(),
            "third".to_string(),
        ];
        let mark = Mark {
            at: 1,
            label: "SLA 15 min",
            short: "SLA",
        };
        let drawn =
            bars_marked(&labels, &[1200.0, 5.0, 0.0], &[BLUE], "leads", Some(mark)).unwrap();
        let narrow = &drawn.narrow;
        assert!(narrow.contains(&format!(r#"width="{NARROW_WIDTH}""#)));
        let y_of = |text: &str| -> f64 {
            let end = narrow.find(&format!(">\n{text}\n</text>")).expect(text);
            let start = narrow[..end].rfind("<text").unwrap();
            let tag = &narrow[start..end];
            let y = tag.split(r#"y=""#).nth(1).unwrap();
            y[..y.find('"').unwrap()].parse().unwrap()
        };
        assert!(y_of("first") < y_of("second") && y_of("second") < y_of("third"));
        assert!(narrow.contains(">\n1,200\n</text>") && narrow.contains(">\n5\n</text>"));
        // The SLA's label sits between the first row and the second.
        assert!(y_of("first") < y_of("SLA") && y_of("SLA") < y_of("second"));
        assert!(drawn.wide.contains(">\nSLA 15 min\n</text>"));
    }

    #[test]
    fn axis_labels_are_grouped_whole_numbers() {
        assert_eq!(axis(20_000_000.0, 2e7), "20,000,000");
        assert_eq!(axis(2.5, 5.0), "2.5");
        assert_eq!(axis(0.0, 60.0), "0");
    }

    #[test]
    fn an_empty_line_chart_still_renders() {
        let target = Mark {
            at: 80.0,
            label: "target 80%",
            short: "80%",
        };
        let drawn = line(&["W1".into()], &[None], 100.0, "%", Some(target)).unwrap();
        assert!(drawn.wide.contains("</svg>") && drawn.narrow.contains("</svg>"));
    }
}

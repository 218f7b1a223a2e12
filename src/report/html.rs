//! `scorecard.html`: one self-contained page rendered with tera from the
//! typed sections of [`super::sections`]. Everything from the inputs is
//! escaped by tera (the template's name ends in `.html`, so autoescape is
//! on); the only raw HTML inserted is the SVG of our own charts, whose labels
//! plotters escapes.

use serde::Serialize;
use tera::Tera;

use super::sections;
use super::view::Section;
use crate::config::Config;
use crate::error::{HandoffError, Result};
use crate::format::when;
use crate::metrics::Metrics;
use crate::metrics::stats::SMALL_SAMPLE;

const TEMPLATE: &str = include_str!("../../templates/scorecard.html");
/// The template's macros (a table row); `.html`, so tera escapes them too.
const MACROS: &str = include_str!("../../templates/macros.html");

#[derive(Serialize)]
struct Page<'a> {
    business: &'a str,
    period: &'a str,
    first_day: String,
    last_day: String,
    as_of: String,
    tool_version: &'a str,
    config_digest: &'a str,
    /// "4 files, 22,804 rows read, 12 rejected".
    inputs: String,
    warnings: Vec<String>,
    empty: bool,
    sections: Vec<Section>,
    /// The config in force, as TOML.
    config: String,
}

fn warnings(m: &Metrics) -> Vec<String> {
    let mut out = Vec::new();
    for f in &m.accounting.files {
        // What makes a file's figures doubtful (a phone country that does not fit it).
        for w in &f.warnings {
            out.push(format!("{}: {w}.", f.input));
        }
        for (column, values) in &f.unknown_values {
            let n: usize = values.iter().map(|(_, n)| n).sum();
            out.push(format!(
                "{}: {n} {column} value(s) match no synonym and count as absent (most often \"{}\"); map them in handoff.toml.",
                f.input,
                values.first().map_or("", |v| v.0.as_str())
            ));
        }
        for c in f.currencies.iter().filter(|c| c.rate.is_none()) {
            out.push(format!(
                "{}: {} amount(s) in {} are left out of money figures: no exchange rate for {} in handoff.toml.",
                f.input, c.amounts, c.currency, c.currency
            ));
        }
    }
    if m.volume.handed_off > 0 && m.volume.handed_off < SMALL_SAMPLE {
        out.push(format!(
            "Only {} leads in the week: every rate below rests on a small sample.",
            m.volume.handed_off
        ));
    }
    out
}

fn render_error(e: impl std::fmt::Display) -> HandoffError {
    HandoffError::Output {
        path: "scorecard.html".into(),
        source: std::io::Error::other(e.to_string()),
    }
}

/// Renders the page.
pub fn render(m: &Metrics, config: &Config) -> Result<String> {
    let mut tera = Tera::default();
    tera.add_raw_templates([("macros.html", MACROS), ("scorecard.html", TEMPLATE)])
        .map_err(render_error)?;
    let read: usize = m.accounting.files.iter().map(|f| f.rows_read).sum();
    let rejected: usize = m.accounting.files.iter().map(|f| f.rows_rejected).sum();
    let page = Page {
        business: &m.business,
        period: &m.period.label,
        first_day: m.period.first_day.format("%a %-d %b").to_string(),
        last_day: m.period.last_day.format("%a %-d %b %Y").to_string(),
        as_of: when(&m.as_of),
        tool_version: m.tool_version,
        config_digest: &m.config_digest,
        inputs: format!(
            "{} files, {read} rows read, {rejected} rejected",
            m.accounting.files.len()
        ),
        warnings: warnings(m),
        empty: m.volume.handed_off == 0,
        sections: sections::all(m, config)?,
        config: toml::to_string(config).unwrap_or_default(),
    };
    let context = tera::Context::from_serialize(&page).map_err(render_error)?;
    tera.render("scorecard.html", &context)
        .map_err(|e| render_error(format!("{e:#}")))
}

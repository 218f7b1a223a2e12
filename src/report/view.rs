//! The scorecard's page as typed blocks: each section is a title and a list
//! of blocks (text, cards, tables, charts, action lists) that the one template
//! renders. Sections build them from metrics and config; nothing here decides
//! a business rule.

use serde::Serialize;

use crate::format::{percent, when};
use crate::metrics::stats::Rate;

/// Rows a table or action list shows before the rest fold into `<details>`.
pub const VISIBLE_ROWS: usize = 10;
/// Fewer rows than this past [`VISIBLE_ROWS`] are shown, not folded: a fold
/// that hides one row costs the reader a click for nothing.
const FOLDED_AT_LEAST: usize = 3;
/// Rows a table holds in the page at most: a week of thousands of breaches
/// would make a file too large to mail; the rest are in the CSV beside it.
pub const PAGE_ROWS: usize = 1_000;

/// A headline number: its value, the target, a like-for-like comparison
/// (for the meeting rate, judged on settled leads, the comparison is this
/// week's young leads against last week's at the same point), and whether it
/// is good.
#[derive(Debug, Serialize)]
pub struct Card {
    pub label: String,
    pub value: String,
    /// "target 80%"; empty when there is none.
    pub target: String,
    /// "last week 32%"; empty when there is none.
    pub comparison: String,
    /// `good`, `bad` or `neutral`.
    pub verdict: &'static str,
    /// A line under it (a range, a caveat); empty for none.
    pub detail: String,
}

#[derive(Debug, Serialize)]
pub struct Row {
    pub cells: Vec<String>,
    /// A small sample: shown pale, with the reason in the table's note.
    pub small: bool,
}

impl Row {
    pub fn new(cells: Vec<String>) -> Self {
        Self {
            cells,
            small: false,
        }
    }
}

/// A table; on a phone, each row reads as a card of label: value lines.
#[derive(Debug, Serialize)]
pub struct Table {
    pub title: String,
    pub note: String,
    pub head: Vec<String>,
    /// The first [`VISIBLE_ROWS`] rows (all of them when only a few more follow).
    pub rows: Vec<Row>,
    /// The rest, inside `<details>`.
    pub more: Vec<Row>,
    /// Rows beyond [`PAGE_ROWS`], left to the CSV.
    pub left_out: usize,
    /// A CSV beside the report with the same rows, when there is one.
    pub file: Option<String>,
}

impl Table {
    pub fn new(
        title: impl Into<String>,
        note: impl Into<String>,
        head: &[&str],
        rows: Vec<Row>,
    ) -> Self {
        let mut rows = rows;
        let left_out = rows.len().saturating_sub(PAGE_ROWS);
        rows.truncate(PAGE_ROWS);
        let more = if rows.len() >= VISIBLE_ROWS + FOLDED_AT_LEAST {
            rows.split_off(VISIBLE_ROWS)
        } else {
            Vec::new()
        };
        Self {
            title: title.into(),
            note: note.into(),
            head: head.iter().map(|h| h.to_string()).collect(),
            rows,
            more,
            left_out,
            file: None,
        }
    }

    pub fn with_file(mut self, file: &str) -> Self {
        self.file = Some(file.to_string());
        self
    }
}

#[derive(Debug, Serialize)]
pub struct Chart {
    /// What the chart shows, in one sentence: its caption.
    pub finding: String,
    /// What is drawn, under the finding.
    pub title: String,
    /// Our own SVGs, for a page and for a phone (plotters escapes every label).
    pub svg: crate::report::charts::Drawn,
    /// The numbers in words, for readers who cannot see the chart.
    pub text: String,
}

/// One block of a section.
#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    /// A paragraph; `class` is `lead` (the verdict), `note`, `warning` or empty.
    Text {
        text: String,
        class: &'static str,
    },
    Bullets {
        items: Vec<String>,
    },
    Cards {
        cards: Vec<Card>,
    },
    Table {
        table: Table,
    },
    Chart {
        chart: Chart,
    },
}

impl Block {
    pub fn text(text: impl Into<String>) -> Self {
        Block::Text {
            text: text.into(),
            class: "",
        }
    }

    pub fn note(text: impl Into<String>) -> Self {
        Block::Text {
            text: text.into(),
            class: "note",
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Section {
    pub id: &'static str,
    pub title: String,
    pub blocks: Vec<Block>,
}

/// "36% (56 of 154)"; "not measured" without a rate.
pub fn rate_text(r: Option<&Rate>) -> String {
    match r {
        Some(r) if r.rate.is_some() => format!("{} ({} of {})", percent(r.rate), r.k, r.n),
        Some(_) => "no leads".into(),
        None => NOT_MEASURED.into(),
    }
}

/// "36%, likely 29% to 44% (n=154)".
pub fn rate_range(r: &Rate) -> String {
    match (r.rate, r.low, r.high) {
        (Some(_), Some(l), Some(h)) => format!(
            "{}, likely {} to {} (n={})",
            percent(r.rate),
            percent(Some(l)),
            percent(Some(h)),
            r.n
        ),
        _ => "no leads".into(),
    }
}

/// A local instant as "Tue 10 Nov, 09:35"; empty for none.
pub fn at(iso: Option<&str>) -> String {
    iso.map(when).unwrap_or_default()
}

/// "(none)" for a missing owner or source.
pub fn or_none(v: Option<&String>) -> String {
    v.cloned().unwrap_or_else(|| "(none)".into())
}

pub const NOT_MEASURED: &str = "not measured";

/// "1 lead", "3 leads".
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(n: usize) -> Table {
        let rows = (0..n).map(|i| Row::new(vec![i.to_string()])).collect();
        Table::new("t", "", &["n"], rows)
    }

    #[test]
    fn a_fold_hides_at_least_a_few_rows() {
        let shown = table(VISIBLE_ROWS + FOLDED_AT_LEAST - 1);
        assert_eq!(shown.rows.len(), VISIBLE_ROWS + FOLDED_AT_LEAST - 1);
        assert!(shown.more.is_empty());
        let folded = table(VISIBLE_ROWS + FOLDED_AT_LEAST);
        assert_eq!(folded.rows.len(), VISIBLE_ROWS);
        assert_eq!(folded.more.len(), FOLDED_AT_LEAST);
        let long = table(PAGE_ROWS + 5);
        assert_eq!(long.rows.len() + long.more.len(), PAGE_ROWS);
        assert_eq!(long.left_out, 5);
    }
}

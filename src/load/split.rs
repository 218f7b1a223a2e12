//! Splitting parsed rows into used and rejected, and the file's accounting.

use std::collections::BTreeMap;

use polars::prelude::*;

use super::mapping::{Mapped, sources};
use super::read::BEYOND;
use super::{
    CurrencyUse, FileJob, FileStats, Loaded, Orders, ReadFacts, normalise, raw_col, values,
};
use crate::config::DateOrder;
use crate::error::{HandoffError, Result};
use crate::model::{self, Kind};

/// Columns of `rejects.csv`.
pub const REJECT_COLUMNS: [&str; 6] = ["file", "input", "line", "column", "value", "reason"];

/// One chunk's rows, split.
pub(super) struct Part {
    pub(super) used: DataFrame,
    pub(super) rejects: DataFrame,
    pub(super) unusable: BTreeMap<String, usize>,
    pub(super) cleaned: BTreeMap<String, usize>,
    pub(super) unknown: BTreeMap<String, BTreeMap<String, usize>>,
    pub(super) currencies: Vec<CurrencyUse>,
}

/// A file's chunks, split and summed.
#[derive(Default)]
pub(super) struct Parts {
    pub(super) used: Vec<DataFrame>,
    pub(super) rejects: Vec<DataFrame>,
    pub(super) rows_read: usize,
    /// Records with no value in any column read (blank lines): skipped, not rows.
    pub(super) blank_lines: usize,
    pub(super) cleaned: BTreeMap<String, usize>,
    pub(super) unusable: BTreeMap<String, usize>,
    pub(super) unknown: BTreeMap<String, BTreeMap<String, usize>>,
    pub(super) currencies: Vec<CurrencyUse>,
    pub(super) footer: Vec<String>,
    pub(super) orders: Orders,
    pub(super) warnings: Vec<String>,
}

impl Parts {
    pub(super) fn add(&mut self, part: Part) {
        self.used.push(part.used);
        if part.rejects.height() > 0 {
            self.rejects.push(part.rejects);
        }
        for (column, n) in part.unusable {
            *self.unusable.entry(column).or_default() += n;
        }
        for (what, n) in part.cleaned {
            *self.cleaned.entry(what).or_default() += n;
        }
        for (column, values) in part.unknown {
            let counts = self.unknown.entry(column).or_default();
            for (value, n) in values {
                *counts.entry(value).or_default() += n;
            }
        }
        for c in part.currencies {
            match self
                .currencies
                .iter_mut()
                .find(|u| u.column == c.column && u.currency == c.currency)
            {
                Some(u) => u.amounts += c.amounts,
                None => self.currencies.push(c),
            }
        }
    }
}

/// Splits a chunk's parsed rows into used and rejected.
pub(super) fn split(
    job: &FileJob,
    (parsed, currencies): (DataFrame, Vec<CurrencyUse>),
) -> Result<Part> {
    let problems: Vec<String> = parsed
        .get_column_names()
        .iter()
        .filter(|n| n.starts_with("_problem_"))
        .map(|n| n.to_string())
        .collect();
    let any_problem = problems
        .iter()
        .fold(lit(false), |acc, p| acc.or(col(p.as_str()).is_not_null()));

    let mut reject_parts = Vec::new();
    for p in &problems {
        let name = p.trim_start_matches("_problem_");
        // `_identity` is the call log's "phone or lead_id" rule; it shows the phone.
        let column = match name {
            "_identity" => model::PHONE,
            "_deal_link" => model::LEAD_ID,
            other => other,
        };
        let header = job
            .mapping
            .iter()
            .find(|m| m.spec.name == column)
            .map(|m| format!("{} ({column})", m.header))
            .unwrap_or_else(|| match name {
                "_deal_link" => "lead_id / deal_id".to_string(),
                BEYOND => "(a field after the last header)".to_string(),
                _ => format!("{column} / lead_id"),
            });
        let value = if parsed.column(&raw_col(column)).is_ok() {
            col(raw_col(column))
        } else {
            lit(NULL).cast(DataType::String)
        };
        reject_parts.push(
            parsed
                .clone()
                .lazy()
                .filter(col(p.as_str()).is_not_null())
                .select([
                    lit(job.file.to_string()).alias("file"),
                    lit(job.input.name()).alias("input"),
                    col(model::LINE).alias("line"),
                    lit(header).alias("column"),
                    value.alias("value"),
                    col(p.as_str()).alias("reason"),
                ]),
        );
    }
    let rejects = if reject_parts.is_empty() {
        empty_rejects()
    } else {
        concat(reject_parts, UnionArgs::default())
            .and_then(|lf| {
                lf.sort(
                    ["line"],
                    SortMultipleOptions::default().with_maintain_order(true),
                )
                .collect()
            })
            .map_err(HandoffError::engine("collecting rejected rows"))?
    };

    let (unusable, cleaned) = unusable_counts(&parsed, job.mapping)?;
    let unknown = normalise::unknown_values(&parsed, job.input)
        .map_err(HandoffError::engine("counting unknown vocabulary"))?;
    let keep: Vec<Expr> = match job.keep {
        Some(keep) => (keep.columns)(),
        None => parsed
            .get_column_names()
            .iter()
            .filter(|n| {
                !["_problem_", "_raw_", "_vocab_", values::REPAIRED]
                    .iter()
                    .any(|p| n.starts_with(p))
            })
            .map(|n| col(n.as_str()))
            .collect(),
    };
    // Filtering copies every column; most chunks have nothing to reject.
    let used = if rejects.height() == 0 {
        parsed.lazy()
    } else {
        parsed.lazy().filter(any_problem.not())
    };
    let used = used
        .select(keep)
        .collect()
        .map_err(HandoffError::engine("keeping used rows"))?;
    Ok(Part {
        used,
        rejects,
        unusable,
        cleaned,
        unknown,
        currencies,
    })
}

/// Joins a file's parts into its [`Loaded`] frame, rejects and accounting.
pub(super) fn finish(job: &FileJob, read: ReadFacts, parts: Parts) -> Result<Loaded> {
    let mapping = job.mapping;
    let Parts {
        used,
        rejects,
        rows_read,
        blank_lines,
        cleaned,
        unusable,
        unknown,
        mut currencies,
        footer,
        orders,
        warnings,
    } = parts;
    let mut chunks = used.into_iter();
    let mut frame = chunks.next().unwrap_or_default();
    for more in chunks {
        frame
            .vstack_mut_owned(more)
            .map_err(HandoffError::engine("joining the file's chunks"))?;
    }
    // One contiguous run per column (joins and sorts slow down on many pieces),
    // a column at a time so only one column is ever held twice.
    frame.rechunk_mut();
    let rejects = if rejects.is_empty() {
        empty_rejects()
    } else {
        concat(
            rejects.into_iter().map(IntoLazy::lazy).collect::<Vec<_>>(),
            UnionArgs::default(),
        )
        .and_then(LazyFrame::collect)
        .map_err(HandoffError::engine("collecting rejected rows"))?
    };
    let rows_used = frame.height();
    let recognised = job.recognised;
    let mapped_columns = sources(recognised);
    // Most frequent first, then by value; twenty at most.
    let unknown = unknown
        .into_iter()
        .map(|(column, counts)| {
            let mut counts: Vec<(String, usize)> = counts.into_iter().collect();
            counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            counts.truncate(normalise::UNKNOWN_SHOWN);
            (column, counts)
        })
        .collect();
    let position = |column: &str| mapping.iter().position(|m| m.spec.name == column);
    currencies.sort_by(|a, b| {
        position(&a.column)
            .cmp(&position(&b.column))
            .then_with(|| a.currency.cmp(&b.currency))
    });
    let stats = FileStats {
        input: job.input.name(),
        file: job.file.to_string(),
        encoding: read.encoding,
        delimiter: job.delimiter,
        sheet: read.sheet,
        preset: read.preset,
        rows_read,
        rows_used,
        rows_rejected: rows_read - rows_used,
        blank_lines,
        cleaned,
        mapped: recognised
            .iter()
            .map(|m| (m.header.clone(), m.spec.name.to_string()))
            .collect(),
        ignored: job
            .headers
            .iter()
            .enumerate()
            .filter(|(i, _)| !mapped_columns.contains(i))
            .map(|(_, h)| h.clone())
            .collect(),
        date_orders: orders
            .into_iter()
            .map(|(k, v)| {
                let how = match v {
                    Some(DateOrder::Dmy) => "day-first",
                    Some(DateOrder::Mdy) => "month-first",
                    None => "unambiguous",
                };
                (k, how.to_string())
            })
            .collect(),
        unusable_values: unusable,
        unknown_values: unknown,
        currencies,
        footer,
        warnings,
    };
    Ok(Loaded {
        input: job.input,
        frame,
        rejects,
        stats,
    })
}

/// Phones, emails and synonym-mapped values present in the file but
/// unusable; and values repaired on the way in (phone extensions dropped,
/// invisible characters removed from keys).
pub(super) fn unusable_counts(parsed: &DataFrame, mapping: &[Mapped]) -> Result<(Counts, Counts)> {
    const CLEANED: &str = "cleaned:";
    let mut exprs = Vec::new();
    let count = |e: Expr, name: String| e.sum().cast(DataType::Int64).alias(name);
    for m in mapping {
        let name = m.spec.name;
        let raw = col(raw_col(name));
        if matches!(m.spec.kind, Kind::Phone | Kind::Email) || normalise::is_mapped(name) {
            exprs.push(count(
                raw.clone().is_not_null().and(col(name).is_null()),
                name.into(),
            ));
        }
        if m.spec.kind == Kind::Phone {
            exprs.push(count(
                col(values::extension_flag(name)),
                format!("{CLEANED}{name}: extension dropped"),
            ));
        }
        if m.spec.kind == Kind::Email || crate::model::is_key(name) {
            exprs.push(count(
                col(values::invisible_flag(name)),
                format!("{CLEANED}{name}: invisible characters removed"),
            ));
        }
    }
    let (mut unusable, mut cleaned) = (Counts::new(), Counts::new());
    if exprs.is_empty() {
        return Ok((unusable, cleaned));
    }
    let counts = parsed
        .clone()
        .lazy()
        .select(exprs)
        .collect()
        .map_err(HandoffError::engine("counting unusable values"))?;
    for c in counts.columns() {
        let n = c.get(0).ok().and_then(|v| v.extract::<i64>()).unwrap_or(0);
        if n > 0 {
            match c.name().strip_prefix(CLEANED) {
                Some(what) => cleaned.insert(what.to_string(), n as usize),
                None => unusable.insert(c.name().to_string(), n as usize),
            };
        }
    }
    Ok((unusable, cleaned))
}

/// Counts by column or by what was done.
pub(super) type Counts = BTreeMap<String, usize>;

/// An empty frame with the rejects columns.
pub fn empty_rejects() -> DataFrame {
    let schema: Schema = REJECT_COLUMNS
        .iter()
        .map(|n| {
            let dtype = if *n == "line" {
                DataType::Int64
            } else {
                DataType::String
            };
            Field::new((*n).into(), dtype)
        })
        .collect();
    DataFrame::empty_with_schema(&schema)
}

//! Loading an export: decode, find the header, map columns to the canonical
//! names of [`crate::model`], parse every value in polars, and split the rows
//! into used and rejected. Rows read = rows used + rows rejected, always.

pub mod normalise;
pub mod text;
pub mod values;

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::Path;

use polars::prelude::*;
use serde::Serialize;

use crate::config::{Config, DateOrder};
use crate::error::{HandoffError, Result};
use crate::model::{self, ColumnSpec, Input, Kind};
use values::PhonePlan;

/// Columns of `rejects.csv`.
pub const REJECT_COLUMNS: [&str; 6] = ["file", "input", "line", "column", "value", "reason"];

/// How one file was read, for the accounting printed and written with every run.
#[derive(Debug, Clone, Serialize)]
pub struct FileStats {
    pub input: &'static str,
    pub file: String,
    pub encoding: &'static str,
    pub delimiter: &'static str,
    pub rows_read: usize,
    pub rows_used: usize,
    pub rows_rejected: usize,
    /// Export header -> canonical column.
    pub mapped: Vec<(String, String)>,
    /// Headers present but not used.
    pub ignored: Vec<String>,
    /// Canonical column -> how each `a/b/yyyy` date column was read.
    pub date_orders: BTreeMap<String, String>,
    /// Values kept as absent because they cannot be used (a phone that is not a
    /// number, an unknown status), by canonical column.
    pub unusable_values: BTreeMap<String, usize>,
}

/// One loaded input: its canonical, typed rows and its rejected rows.
pub struct Loaded {
    pub input: Input,
    pub frame: DataFrame,
    pub rejects: DataFrame,
    pub stats: FileStats,
}

/// Loads one input file through the config's column map.
pub fn load(input: Input, path: &Path, config: &Config, encoding: Option<&str>) -> Result<Loaded> {
    let file = path.display().to_string();
    // Plain UTF-8 is read in place; anything else is decoded into memory first.
    let (source, encoding) = match (encoding, text::in_place(path)) {
        (None, Some(in_place)) => (Source::InPlace(path, in_place), encoding_rs::UTF_8.name()),
        _ => {
            let decoded = text::read_decoded(path, encoding)?;
            (Source::Decoded(decoded.bytes), decoded.encoding)
        }
    };
    let start = source.start();
    let delimiter = text::sniff_delimiter(start);
    let headers = text::read_header(path, start, delimiter)?;
    let raw_names = unique_names(&headers);
    let mapping = map_columns(input, &file, &headers, config)?;

    let raw = read_strings(&file, source, delimiter, &raw_names)?;
    let rows_read = raw.frame.height();
    let lines = match raw.lines {
        Some(lines) => Series::new(model::LINE.into(), lines).cast(&DataType::Int64),
        None => Ok(Series::new(
            model::LINE.into(),
            (0..rows_read as i64).map(|i| i + 2).collect::<Vec<_>>(),
        )),
    }
    .map_err(HandoffError::engine("numbering lines"))?;
    let mut frame = raw.frame;
    frame
        .with_column(lines.into_column())
        .map_err(HandoffError::engine("numbering lines"))?;

    // The mapped columns as raw text (`_raw_<canonical>`), plus the line.
    let mut select = vec![col(model::LINE)];
    for m in &mapping {
        select.push(col(raw_names[m.index].as_str()).alias(raw_col(m.spec.name)));
    }
    let canonical = frame
        .lazy()
        .select(select)
        .collect()
        .map_err(HandoffError::engine("selecting columns"))?;

    let orders = date_orders(input, &file, &canonical, &mapping, config)?;
    let parsed = parse_columns(input, &canonical, &mapping, &orders, config)?;
    split(
        input, file, parsed, &mapping, &headers, orders, encoding, delimiter, rows_read,
    )
}

/// Header names made unique for polars (`Create Date`, `Create Date_2`).
fn unique_names(headers: &[String]) -> Vec<String> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    headers
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let base = if h.is_empty() {
                format!("column_{}", i + 1)
            } else {
                h.clone()
            };
            let n = seen.entry(base.clone()).or_insert(0);
            *n += 1;
            if *n == 1 { base } else { format!("{base}_{n}") }
        })
        .collect()
}

/// Header normalisation of the contract: lower case, runs of spaces, `_` and `-` folded to `_`.
pub fn normalise_header(h: &str) -> String {
    let lower = h.trim_start_matches('\u{feff}').trim().to_lowercase();
    let mut out = String::with_capacity(lower.len());
    let mut in_run = false;
    for c in lower.chars() {
        if c.is_whitespace() || c == '_' || c == '-' {
            if !in_run {
                out.push('_');
            }
            in_run = true;
        } else {
            out.push(c);
            in_run = false;
        }
    }
    out.trim_matches('_').to_string()
}

/// A file column mapped to a canonical column.
#[derive(Debug, Clone)]
struct Mapped {
    index: usize,
    header: String,
    spec: ColumnSpec,
}

fn map_columns(
    input: Input,
    file: &str,
    headers: &[String],
    config: &Config,
) -> Result<Vec<Mapped>> {
    let specs = input.columns();
    let user = user_map(input, config)?;
    let spec_of = |name: &str| specs.iter().find(|s| s.name == name).copied();
    let mut taken: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut out = Vec::new();
    for (index, header) in headers.iter().enumerate() {
        let norm = normalise_header(header);
        let spec = match user.get(&norm) {
            Some(target) => spec_of(target),
            None => specs
                .iter()
                .find(|s| s.name == norm)
                .or_else(|| specs.iter().find(|s| s.aliases.contains(&norm.as_str())))
                .copied(),
        };
        if let Some(spec) = spec {
            if taken.contains_key(spec.name) {
                continue;
            }
            taken.insert(spec.name, index);
            out.push(Mapped {
                index,
                header: header.clone(),
                spec,
            });
        }
    }
    if let Some(missing) = specs
        .iter()
        .find(|s| s.required && !taken.contains_key(s.name))
    {
        return Err(missing_column(input, file, missing, headers));
    }
    Ok(out)
}

/// The config's column map for an input, with normalised keys, checked against the contract.
fn user_map(input: Input, config: &Config) -> Result<BTreeMap<String, &'static str>> {
    let map = match input {
        Input::Leads => &config.columns.leads,
        Input::Deals => &config.columns.deals,
        Input::Forms => &config.columns.forms,
        Input::Calls => &config.columns.calls,
        Input::Spend => &config.columns.spend,
    };
    let mut out = BTreeMap::new();
    for (header, target) in map {
        let target_norm = normalise_header(target);
        let spec = input.columns().iter().find(|s| s.name == target_norm).ok_or_else(|| {
            let known: Vec<&str> = input.columns().iter().map(|s| s.name).collect();
            HandoffError::Config {
                path: "handoff.toml".into(),
                message: format!(
                    "columns.{}: `{header}` maps to `{target}`, which is not a column of {}; use one of: {}",
                    input.name(),
                    input.name(),
                    known.join(", ")
                ),
            }
        })?;
        out.insert(normalise_header(header), spec.name);
    }
    Ok(out)
}

fn missing_column(input: Input, file: &str, spec: &ColumnSpec, headers: &[String]) -> HandoffError {
    let closest = headers
        .iter()
        .map(|h| {
            let n = normalise_header(h);
            let score = std::iter::once(spec.name)
                .chain(spec.aliases.iter().copied())
                .map(|name| strsim::normalized_levenshtein(&n, name))
                .fold(0.0, f64::max);
            (score, h)
        })
        .max_by(|a, b| a.0.total_cmp(&b.0));
    let map_hint = |h: &str| {
        format!(
            "If `{h}` holds it, map it in handoff.toml:\n\n    [columns.{}]\n    \"{h}\" = \"{}\"\n",
            input.name(),
            spec.name
        )
    };
    let hint = match closest {
        Some((score, h)) if score >= 0.4 => {
            format!("The closest header present is `{h}`. {}", map_hint(h))
        }
        _ => {
            let shown: Vec<&str> = headers.iter().take(12).map(String::as_str).collect();
            format!(
                "Headers present: {}{}. Map the one that holds {} in handoff.toml under [columns.{}].",
                shown.join(", "),
                if headers.len() > 12 { ", ..." } else { "" },
                spec.name,
                input.name()
            )
        }
    };
    HandoffError::MissingColumn {
        file: file.to_string(),
        column: spec.name.to_string(),
        hint,
    }
}

struct RawFrame {
    frame: DataFrame,
    lines: Option<Vec<u32>>,
}

/// Reads every column as text, so `098...` keeps its zero and nothing is guessed.
/// Where the CSV text comes from.
enum Source<'a> {
    /// A UTF-8 file polars reads in place.
    InPlace(&'a Path, text::InPlace),
    /// Text decoded into memory.
    Decoded(Vec<u8>),
}

impl Source<'_> {
    /// The start of the text: enough for the delimiter and the header.
    fn start(&self) -> &[u8] {
        match self {
            Source::InPlace(_, in_place) => &in_place.head,
            Source::Decoded(bytes) => bytes,
        }
    }
}

/// Reads every column as text, so `098...` keeps its zero and nothing is guessed.
fn read_strings(file: &str, source: Source, delimiter: u8, names: &[String]) -> Result<RawFrame> {
    let schema: Schema = names
        .iter()
        .map(|n| Field::new(n.as_str().into(), DataType::String))
        .collect();
    let nulls = ["null", "NULL", "Null", "N/A", "n/a", "#N/A", "NaN"]
        .iter()
        .map(|s| PlSmallStr::from(*s))
        .collect();
    let parse = CsvParseOptions::default()
        .with_separator(delimiter)
        .with_quote_char(Some(b'"'))
        .with_missing_is_null(true)
        .with_truncate_ragged_lines(true)
        .with_null_values(Some(NullValues::AllColumns(nulls)));
    let options = CsvReadOptions::default()
        .with_has_header(true)
        .with_schema(Some(Arc::new(schema)))
        .with_parse_options(parse)
        .with_raise_if_empty(false);
    let cannot_read = |e: PolarsError, content: &[u8]| HandoffError::Input {
        file: file.to_string(),
        message: match text::unclosed_quote(content) {
            Some(line) => format!(
                "line {line}: a quoted field opens here and never closes, so the rest of the file would be one value. \
                 The file may be truncated, or a `\"` is missing: re-export it, or repair that line"
            ),
            None => format!(
                "cannot be read as CSV ({}). Check that it is a CSV export with {} as the delimiter",
                // Polars' message ends with advice for its Python users: keep its first line.
                e.to_string().lines().next().unwrap_or("unknown error"),
                text::delimiter_name(delimiter)
            ),
        },
    };
    match source {
        Source::Decoded(bytes) => {
            let cursor = Cursor::new(bytes);
            let frame = options
                .into_reader_with_file_handle(cursor.clone())
                .finish()
                .map_err(|e| cannot_read(e, cursor.get_ref()))?;
            let lines = text::record_lines(cursor.get_ref(), delimiter, frame.height());
            Ok(RawFrame { frame, lines })
        }
        Source::InPlace(path, in_place) => {
            let frame = options
                .try_into_reader_with_file_path(Some(path.to_path_buf()))
                .and_then(|r| r.finish())
                // The error path alone reads the whole file, to find the broken line.
                .map_err(|e| cannot_read(e, &std::fs::read(path).unwrap_or_default()))?;
            let records = frame.height();
            let lines =
                if text::one_line_records(in_place.newlines, in_place.trailing_newline, records) {
                    None
                } else {
                    std::fs::File::open(path).ok().and_then(|f| {
                        text::record_lines_from(std::io::BufReader::new(f), delimiter, records)
                    })
                };
            Ok(RawFrame { frame, lines })
        }
    }
}

/// Decides day-first vs month-first for each datetime column, from its data, else config.
fn date_orders(
    input: Input,
    file: &str,
    frame: &DataFrame,
    mapping: &[Mapped],
    config: &Config,
) -> Result<BTreeMap<String, Option<DateOrder>>> {
    let dates: Vec<&Mapped> = mapping
        .iter()
        .filter(|m| m.spec.kind == Kind::Datetime)
        .collect();
    let mut out = BTreeMap::new();
    let mut maxima = BTreeMap::new();
    for m in &dates {
        // The day order shows in the date part: look at each distinct one once,
        // not at millions of timestamps.
        let distinct = frame
            .clone()
            .lazy()
            .select([values::clean_text(col(raw_col(m.spec.name)))
                .str()
                .slice(lit(0i64), lit(11u64))
                .unique()
                .alias("d")])
            .collect()
            .map_err(HandoffError::engine("reading date orders"))?;
        let (g, a, b) = values::numeric_date_leads("d", "lead");
        let found = distinct
            .lazy()
            .with_columns([g])
            .select([a, b])
            .collect()
            .map_err(HandoffError::engine("reading date orders"))?;
        let get = |name: &str| -> Option<i64> {
            found
                .column(name)
                .ok()
                .and_then(|c| c.get(0).ok())
                .and_then(|v| v.extract::<i64>())
        };
        maxima.insert(m.spec.name, (get("lead_a"), get("lead_b")));
    }
    for m in dates {
        let decided = values::decide_order(maxima[m.spec.name].0, maxima[m.spec.name].1)
            .map_err(|message| HandoffError::Column {
                file: file.to_string(),
                column: m.header.clone(),
                message: format!("{message}. Fix the dates in the export, or map this column to no canonical name ({})", input.name()),
            })?;
        out.insert(
            m.spec.name.to_string(),
            decided.or(config.business.date_order),
        );
    }
    Ok(out)
}

fn problem_col(name: &str) -> String {
    format!("_problem_{name}")
}

fn raw_col(name: &str) -> String {
    format!("_raw_{name}")
}

/// Parses every mapped column; adds a problem column per column that can be wrong.
fn parse_columns(
    input: Input,
    frame: &DataFrame,
    mapping: &[Mapped],
    orders: &BTreeMap<String, Option<DateOrder>>,
    config: &Config,
) -> Result<DataFrame> {
    let tz = config.calendar.time_zone.0;
    let plan = PhonePlan::for_country(&config.business.phone_country)
        .expect("phone_country was validated with the config");
    let mut df = frame.clone();
    for m in mapping {
        let name = m.spec.name;
        let (raw, problem) = (raw_col(name), problem_col(name));
        let stages = match m.spec.kind {
            Kind::Datetime => {
                let order = orders.get(name).copied().flatten();
                df = values::parse_datetime_column(df, &raw, name, &problem, order, tz)
                    .map_err(HandoffError::engine("parsing datetimes"))?;
                continue;
            }
            Kind::Text => values::parse_text(&raw, name),
            Kind::Money => values::parse_money(&raw, name, &problem),
            Kind::Number => values::parse_number(&raw, name, &problem, 7.0 * 86_400.0),
            Kind::Phone => values::parse_phone(&raw, name, plan),
            Kind::Email => values::parse_email(&raw, name),
        };
        df = values::apply_stages(df, vec![stages])
            .map_err(HandoffError::engine("parsing values"))?;
    }
    normalise::apply(
        input,
        df,
        mapping.iter().map(|m| m.spec.name).collect(),
        config,
    )
    .map_err(HandoffError::engine("mapping vocabulary"))
}

/// Splits parsed rows into used and rejected, and builds the rejects frame.
#[allow(clippy::too_many_arguments)]
fn split(
    input: Input,
    file: String,
    parsed: DataFrame,
    mapping: &[Mapped],
    headers: &[String],
    orders: BTreeMap<String, Option<DateOrder>>,
    encoding: &'static str,
    delimiter: u8,
    rows_read: usize,
) -> Result<Loaded> {
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
        let column = if name == "_identity" {
            model::PHONE
        } else {
            name
        };
        let header = mapping
            .iter()
            .find(|m| m.spec.name == column)
            .map(|m| format!("{} ({column})", m.header))
            .unwrap_or_else(|| format!("{column} / lead_id"));
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
                    lit(file.clone()).alias("file"),
                    lit(input.name()).alias("input"),
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

    let unusable = unusable_counts(&parsed, mapping)?;
    let keep: Vec<Expr> = parsed
        .get_column_names()
        .iter()
        .filter(|n| !n.starts_with("_problem_") && !n.starts_with("_raw_"))
        .map(|n| col(n.as_str()))
        .collect();
    // Filtering copies every column; most files have nothing to reject.
    let used = if rejects.height() == 0 {
        parsed.lazy()
    } else {
        parsed.lazy().filter(any_problem.not())
    };
    let used = used.select(keep);
    let frame = used
        .collect()
        .map_err(HandoffError::engine("keeping used rows"))?;

    let rows_used = frame.height();
    let mapped_names: Vec<usize> = mapping.iter().map(|m| m.index).collect();
    let stats = FileStats {
        input: input.name(),
        file,
        encoding,
        delimiter: text::delimiter_name(delimiter),
        rows_read,
        rows_used,
        rows_rejected: rows_read - rows_used,
        mapped: mapping
            .iter()
            .map(|m| (m.header.clone(), m.spec.name.to_string()))
            .collect(),
        ignored: headers
            .iter()
            .enumerate()
            .filter(|(i, _)| !mapped_names.contains(i))
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
    };
    Ok(Loaded {
        input,
        frame,
        rejects,
        stats,
    })
}

/// Phones, emails and synonym-mapped values present in the file but unusable.
fn unusable_counts(parsed: &DataFrame, mapping: &[Mapped]) -> Result<BTreeMap<String, usize>> {
    let mut exprs = Vec::new();
    for m in mapping {
        let name = m.spec.name;
        let checked =
            matches!(m.spec.kind, Kind::Phone | Kind::Email) || normalise::is_mapped(name);
        if checked {
            exprs.push(
                values::clean_text(col(raw_col(name)))
                    .is_not_null()
                    .and(col(name).is_null())
                    .sum()
                    .cast(DataType::Int64)
                    .alias(name),
            );
        }
    }
    let mut out = BTreeMap::new();
    if exprs.is_empty() {
        return Ok(out);
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
            out.insert(c.name().to_string(), n as usize);
        }
    }
    Ok(out)
}

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

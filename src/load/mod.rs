//! Loading an export: decode, find the header, map columns to the canonical
//! names of [`crate::model`], parse every value in polars, and split the rows
//! into used and rejected. Rows read = rows used + rows rejected, always.

mod chunks;
mod currency;
pub mod json;
mod mapping;
pub mod money;
pub mod normalise;
mod phones;
pub mod presets;
mod read;
mod split;
pub mod text;
pub mod values;
mod wide;
pub mod xlsx;

use std::collections::BTreeMap;
use std::path::Path;

use polars::prelude::*;
use serde::Serialize;

use crate::config::{Config, DateOrder};
use crate::error::{HandoffError, Result};
use crate::model::{self, Input, Kind};
use crate::phone::PhonePlan;
use mapping::{Mapped, choose_preset, map_columns};
use presets::Preset;
use read::{BEYOND, Body, EXTRA, RawFrame, drop_blank_rows, each_chunk, open, strip_footer};
use split::{Parts, finish, split};

pub use mapping::{normalise_header, unique_names};
pub use read::{CHUNK_BYTES, headers};
pub use split::{REJECT_COLUMNS, empty_rejects};

/// How one file was read, for the accounting printed and written with every run.
#[derive(Debug, Clone, Serialize)]
pub struct FileStats {
    pub input: &'static str,
    pub file: String,
    pub encoding: &'static str,
    pub delimiter: &'static str,
    /// The workbook sheet read, for XLSX / XLS files.
    pub sheet: Option<String>,
    /// The preset applied, and how it was chosen (`given`, `config`, `detected`).
    pub preset: Option<PresetUse>,
    pub rows_read: usize,
    pub rows_used: usize,
    pub rows_rejected: usize,
    /// Blank lines (records with no value in any column read) skipped: not rows.
    pub blank_lines: usize,
    /// Values read after a repair, by what was repaired (`phone: extension
    /// dropped`, `lead_id: invisible characters removed`).
    pub cleaned: BTreeMap<String, usize>,
    /// Export header -> canonical column.
    pub mapped: Vec<(String, String)>,
    /// Headers present but not used.
    pub ignored: Vec<String>,
    /// Canonical column -> how each `a/b/yyyy` date column was read.
    pub date_orders: BTreeMap<String, String>,
    /// Values kept as absent because they cannot be used (a phone that is not a
    /// number, an unknown status), by canonical column.
    pub unusable_values: BTreeMap<String, usize>,
    /// Vocabulary columns (status, intent, stage, direction, outcome): values no
    /// synonym covers, with their counts, most frequent first.
    pub unknown_values: BTreeMap<String, Vec<(String, usize)>>,
    /// Money amounts by currency, and the rate each was converted with.
    pub currencies: Vec<CurrencyUse>,
    /// Report footer lines after the data (`Grand Totals (12 records)`, copyright), not rows.
    pub footer: Vec<String>,
    /// What the reader must know to trust the file's figures (the configured
    /// phone country does not fit its numbers), judged from its first chunk.
    pub warnings: Vec<String>,
}

/// The preset a file was read with.
#[derive(Debug, Clone, Serialize)]
pub struct PresetUse {
    pub name: &'static str,
    pub vendor: &'static str,
    /// `given` (--preset), `config` ([columns.*] preset) or `detected` (from the headers).
    pub chosen: &'static str,
}

/// Amounts of one currency in a file.
#[derive(Debug, Clone, Serialize)]
pub struct CurrencyUse {
    pub column: String,
    pub currency: String,
    pub amounts: usize,
    /// Units of the report currency per unit; `None`: no rate, the amounts are kept as empty.
    pub rate: Option<f64>,
}

/// One loaded input: its canonical, typed rows and its rejected rows.
pub struct Loaded {
    pub input: Input,
    pub frame: DataFrame,
    pub rejects: DataFrame,
    pub stats: FileStats,
}

/// How to read a file, beyond the config.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Read the text in this encoding instead of detecting it.
    pub encoding: Option<String>,
    /// The preset named on the command line (over the config's and detection).
    pub preset: Option<&'static Preset>,
    /// The workbook sheet (default: the first).
    pub sheet: Option<String>,
    /// Bytes of CSV text parsed at a time (default [`CHUNK_BYTES`]); tests use small ones.
    pub chunk_bytes: Option<usize>,
    /// What the caller reads of each row, when not every column.
    pub keep: Option<Keep>,
}

/// What a caller keeps of each row of an input it reads only in part (the
/// joins, of calls and forms): only [`Keep::columns`] are kept in memory, and
/// a mapped column is read only when the caller reads it or its values can
/// reject a row (see [`to_read`]).
#[derive(Debug, Clone, Copy)]
pub struct Keep {
    /// The canonical columns the kept expressions read (besides the line number).
    pub reads: &'static [&'static str],
    /// The kept columns, as expressions over the parsed ones.
    pub columns: fn() -> Vec<Expr>,
}

/// How many canonical columns of `input` these headers fill without a preset;
/// an error when a required one is missing.
pub fn mapped_columns(input: Input, headers: &[String], config: &Config) -> Result<usize> {
    map_columns(input, "", headers, &unique_names(headers), config, None).map(|m| m.len())
}

/// What every chunk of one file is read with.
struct FileJob<'a> {
    input: Input,
    file: &'a str,
    /// The mapped columns read and parsed ([`to_read`] of `recognised`).
    mapping: &'a [Mapped],
    /// Every column the file's headers map to, as the file's accounting shows them.
    recognised: &'a [Mapped],
    /// The columns of CSV text read, by index (`None`: all of them; a sheet is read whole).
    columns: Option<Vec<usize>>,
    config: &'a Config,
    preset: Option<&'static Preset>,
    workbook: bool,
    chunk_bytes: usize,
    keep: Option<Keep>,
    headers: &'a [String],
    /// The delimiter's name (`comma`, ... or `cells`).
    delimiter: &'static str,
    /// A wide stage history, read as long rows.
    wide: Option<&'a wide::Wide>,
}

/// Loads one input file through a preset and the config's column map.
pub fn load(input: Input, path: &Path, config: &Config, opts: &ReadOptions) -> Result<Loaded> {
    let file = path.display().to_string();
    let opened = open(path, opts)?;
    let raw_names = unique_names(&opened.headers);
    // A wide stage history (a `Date entered "<Stage>"` column per stage) is
    // mapped as the long columns it is read as, chunk by chunk.
    // (Not when the user mapped the file's columns or turned presets off.)
    let user_read =
        config.columns.mapped_by_user(input) || config.columns.preset(input) == Some("none");
    let wide = wide::Wide::detect(input, &opened.headers, &raw_names).filter(|_| !user_read);
    let long: Vec<String> = wide::HEADERS.iter().map(|h| h.to_string()).collect();
    let (headers, mapped_names) = match &wide {
        Some(_) => (&long, long.clone()),
        None => (&opened.headers, raw_names.clone()),
    };
    let preset = choose_preset(input, &file, headers, config, opts)?;
    let mapping = map_columns(
        input,
        &file,
        headers,
        &mapped_names,
        config,
        preset.map(|p| p.0),
    )?;
    let reading = to_read(&mapping, opts.keep);
    let job = FileJob {
        input,
        file: &file,
        mapping: &reading,
        recognised: &mapping,
        columns: wide
            .is_none()
            .then(|| columns_read(&reading, headers.len()))
            .flatten(),
        config,
        preset: preset.map(|p| p.0),
        workbook: opened.workbook,
        chunk_bytes: opts.chunk_bytes.unwrap_or(CHUNK_BYTES),
        keep: opts.keep,
        headers,
        delimiter: opened.delimiter,
        wide: wide.as_ref(),
    };
    // Day-first or month-first is a property of the whole column, and a chunk
    // shows only its part: when a later chunk decides differently from what the
    // earlier ones were read with, the file is read again knowing it.
    let mut seen = DateLeads::new();
    let parts = loop {
        match read_parts(&job, &opened.body, &raw_names, seen)? {
            Pass::Done(parts) => break *parts,
            Pass::Again(known) => seen = known,
        }
    };
    let read = ReadFacts {
        encoding: opened.encoding,
        sheet: opened.sheet,
        preset: preset.map(|(p, chosen)| PresetUse {
            name: p.name,
            vendor: p.vendor,
            chosen,
        }),
    };
    let mut loaded = finish(&job, read, parts)?;
    if input == Input::History {
        let kind = record_kind(&mapping);
        loaded.frame = loaded
            .frame
            .lazy()
            .with_column(lit(kind).alias(model::RECORD_KIND))
            .collect()
            .map_err(HandoffError::engine("reading the stage history"))?;
    }
    if let Some(w) = &wide {
        loaded.stats.mapped = w.shown(&opened.headers, &raw_names);
    }
    Ok(loaded)
}

/// The mapped columns worth reading when the caller keeps only `keep`: the
/// columns it names, and every column whose values can reject a row (each
/// parsed kind, each required column). Free text nothing reads (a call's
/// agent, a form's message) is not read at all; without `keep`, all are.
fn to_read(mapping: &[Mapped], keep: Option<Keep>) -> Vec<Mapped> {
    let Some(keep) = keep else {
        return mapping.to_vec();
    };
    mapping
        .iter()
        .filter(|m| {
            m.spec.kind != Kind::Text || m.spec.required || keep.reads.contains(&m.spec.name)
        })
        .cloned()
        .collect()
}

/// The file columns `mapping` reads, and the first (where a report's footer
/// stands); `None` when that is every column. Polars then builds no text
/// column for the others: an export of 150 columns is read for its 20.
fn columns_read(mapping: &[Mapped], width: usize) -> Option<Vec<usize>> {
    let mut columns = mapping::sources(mapping);
    columns.push(0);
    columns.sort_unstable();
    columns.dedup();
    (columns.len() < width).then_some(columns)
}

/// Whether a history's ids are lead ids or deal ids, by the header that held them.
fn record_kind(mapping: &[Mapped]) -> &'static str {
    const LEAD: &[&str] = &["lead_id", "leadid", "lead"];
    const DEAL: &[&str] = &[
        "deal_id",
        "dealid",
        "opportunityid",
        "opportunity_id",
        "potentialid",
    ];
    let Some(m) = mapping.iter().find(|m| m.spec.name == model::RECORD_ID) else {
        return model::RECORD_ANY;
    };
    let key = presets::fold_key(&m.header);
    if LEAD.contains(&key.as_str()) {
        model::RECORD_LEAD
    } else if DEAL.contains(&key.as_str()) {
        model::RECORD_DEAL
    } else {
        model::RECORD_ANY
    }
}

/// The outcome of one read of a file.
enum Pass {
    Done(Box<Parts>),
    /// A chunk changed a column's day order: read again with these leads.
    Again(DateLeads),
}

/// Parses the file chunk by chunk into used and rejected rows.
fn read_parts(job: &FileJob, body: &Body, names: &[String], mut seen: DateLeads) -> Result<Pass> {
    let mut parts = Parts::default();
    let mut read_with: Option<Orders> = None;
    let mut again = false;
    each_chunk(body, job, names, |raw, last| {
        let raw = if last {
            let (raw, footer) = strip_footer(raw)?;
            parts.footer = footer;
            raw
        } else {
            raw
        };
        let (raw, blank) = drop_blank_rows(raw)?;
        parts.blank_lines += blank;
        let raw = match job.wide {
            Some(wide) => wide.melt(raw)?,
            None => raw,
        };
        parts.rows_read += raw.frame.height();
        let canonical = canonical_frame(job, raw)?;
        for (name, leads) in date_leads(&canonical, job.mapping)? {
            let known = seen.entry(name).or_insert((None, None));
            *known = (known.0.max(leads.0), known.1.max(leads.1));
        }
        let orders = decide_orders(job, &seen)?;
        if read_with.as_ref().is_some_and(|earlier| *earlier != orders) {
            again = true;
            return Ok(false);
        }
        if read_with.is_none() {
            parts.warnings = file_warnings(job, &canonical)?;
        }
        let parsed = parse_columns(
            job.input,
            &canonical,
            job.mapping,
            &orders,
            job.config,
            job.preset,
        )?;
        parts.add(split(job, parsed)?);
        read_with = Some(orders);
        Ok(true)
    })?;
    if again {
        return Ok(Pass::Again(seen));
    }
    parts.orders = read_with.unwrap_or_default();
    Ok(Pass::Done(Box::new(parts)))
}

/// The mapped columns of a raw chunk as clean text (`_raw_<canonical>`:
/// trimmed, empty as null, which the value parsers rely on), with each row's line.
fn canonical_frame(job: &FileJob, raw: RawFrame) -> Result<DataFrame> {
    let lines = Series::new(model::LINE.into(), raw.lines)
        .cast(&DataType::Int64)
        .map_err(HandoffError::engine("numbering lines"))?;
    let mut frame = raw.frame;
    frame
        .with_column(lines.into_column())
        .map_err(HandoffError::engine("numbering lines"))?;
    let mut select = vec![col(model::LINE)];
    for m in job.mapping {
        let expr = if job.workbook && m.spec.kind == Kind::Datetime {
            values::excel_serial(m.expr.clone())
        } else {
            m.expr.clone()
        };
        select.push(expr.alias(raw_col(m.spec.name)));
    }
    if frame.column(EXTRA).is_ok() {
        let extra = values::clean_text(col(EXTRA));
        select.push(extra.clone().alias(raw_col(BEYOND)));
        select.push(
            when(extra.is_not_null())
                .then(lit(format!(
                    "the row has more fields than the header's {}: a value holds an unquoted {}, \
                     or the row is shifted; quote that value or repair the line",
                    job.headers.len(),
                    job.delimiter
                )))
                .otherwise(lit(NULL).cast(DataType::String))
                .alias(problem_col(BEYOND)),
        );
    }
    frame
        .lazy()
        .select(select)
        .collect()
        .map_err(HandoffError::engine("selecting columns"))
}

/// What was learnt opening the file, for its [`FileStats`] (the rest is in the [`FileJob`]).
struct ReadFacts {
    encoding: &'static str,
    sheet: Option<String>,
    preset: Option<PresetUse>,
}

/// Per datetime column, the largest first and second numbers of its `a/b/yyyy`
/// dates: what decides day-first or month-first.
type DateLeads = BTreeMap<&'static str, (Option<i64>, Option<i64>)>;

/// Each datetime column's read order (`None`: unambiguous or undecided).
type Orders = BTreeMap<String, Option<DateOrder>>;

/// The [`DateLeads`] of a chunk's datetime columns, all in one query.
fn date_leads(frame: &DataFrame, mapping: &[Mapped]) -> Result<DateLeads> {
    let names: Vec<&'static str> = mapping
        .iter()
        .filter(|m| m.spec.kind == Kind::Datetime)
        .map(|m| m.spec.name)
        .collect();
    // The day order shows in the date part: each distinct one is looked at
    // once, not millions of timestamps.
    let leads = names.iter().flat_map(|name| {
        let dates = col(raw_col(name))
            .str()
            .slice(lit(0i64), lit(11u64))
            .unique();
        let [a, b] = values::numeric_date_leads(dates);
        [a.alias(format!("{name} a")), b.alias(format!("{name} b"))]
    });
    let found = frame
        .clone()
        .lazy()
        .select(leads.collect::<Vec<_>>())
        .collect()
        .map_err(HandoffError::engine("reading date orders"))?;
    let get = |name: String| -> Option<i64> {
        found
            .column(&name)
            .ok()
            .and_then(|c| c.get(0).ok())
            .and_then(|v| v.extract::<i64>())
    };
    Ok(names
        .into_iter()
        .map(|name| (name, (get(format!("{name} a")), get(format!("{name} b")))))
        .collect())
}

/// Decides day-first vs month-first for each datetime column, from its data, else config.
fn decide_orders(job: &FileJob, seen: &DateLeads) -> Result<Orders> {
    let mut out = Orders::new();
    for m in job.mapping.iter().filter(|m| m.spec.kind == Kind::Datetime) {
        let (a, b) = seen.get(m.spec.name).copied().unwrap_or((None, None));
        let decided = values::decide_order(a, b).map_err(|message| HandoffError::Column {
            file: job.file.to_string(),
            column: m.header.clone(),
            message: format!(
                "{message}. Fix the dates in the export, or map this column to no canonical name ({})",
                job.input.name()
            ),
        })?;
        let preset_order = job.preset.and_then(|p| p.date_order);
        out.insert(
            m.spec.name.to_string(),
            decided.or(job.config.business.date_order).or(preset_order),
        );
    }
    Ok(out)
}

/// Warnings about a file, judged from its first chunk of raw text.
fn file_warnings(job: &FileJob, canonical: &DataFrame) -> Result<Vec<String>> {
    let plan = PhonePlan::for_country(&job.config.business.phone_country)
        .expect("phone_country was validated with the config");
    phones::country_fit(canonical, job.mapping, &plan)
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
    preset: Option<&Preset>,
) -> Result<(DataFrame, Vec<CurrencyUse>)> {
    let tz = config.calendar.time_zone.0;
    let plan = PhonePlan::for_country(&config.business.phone_country)
        .expect("phone_country was validated with the config");
    // Every column is parsed in one pass of merged stages (datetimes in one
    // of their own), so polars works on several columns at once.
    let mut dates = Vec::new();
    let mut stages = Vec::new();
    let of_kind = |keep: fn(&Mapped) -> bool| -> Vec<String> {
        mapping
            .iter()
            .filter(|m| keep(m))
            .map(|m| raw_col(m.spec.name))
            .collect()
    };
    let kinds = values::PlainKinds {
        keys: of_kind(|m| m.spec.kind == Kind::Text && crate::model::is_key(m.spec.name)),
        numbers: of_kind(|m| m.spec.kind == Kind::Number),
        phones: of_kind(|m| m.spec.kind == Kind::Phone),
    };
    let plain =
        values::plain_columns(frame, &kinds).map_err(HandoffError::engine("reading values"))?;
    let plain = |raw: &String| plain.contains(raw);
    for m in mapping {
        let name = m.spec.name;
        let (raw, problem) = (raw_col(name), problem_col(name));
        stages.push(match m.spec.kind {
            Kind::Datetime => {
                dates.push(values::DatetimeColumn {
                    src: raw,
                    out: name.to_string(),
                    problem,
                    order: orders.get(name).copied().flatten(),
                });
                continue;
            }
            Kind::Text if crate::model::is_key(name) => values::parse_key(&raw, name, plain(&raw)),
            Kind::Text => values::parse_text(&raw, name),
            Kind::Money => money::parse_money(&raw, name, &problem),
            Kind::Number => values::parse_duration(&raw, name, &problem, plain(&raw)),
            Kind::Phone => values::parse_phone(&raw, name, &plan, plain(&raw)),
            Kind::Email => values::parse_email(&raw, name),
        });
    }
    let df = values::parse_datetime_columns(frame.clone(), &dates, tz)
        .map_err(HandoffError::engine("parsing datetimes"))?;
    let df = values::apply_stages(df, values::merge_stages(stages))
        .map_err(HandoffError::engine("parsing values"))?;
    let df = phones::complete(df, mapping, &plan)?;
    // Columns in the order the mapping gives them (rejects list a row's problems in it).
    let mut order: Vec<PlSmallStr> = frame.get_column_names().into_iter().cloned().collect();
    for m in mapping {
        for name in [
            m.spec.name.to_string(),
            problem_col(m.spec.name),
            values::invisible_flag(m.spec.name),
            values::extension_flag(m.spec.name),
        ] {
            if df.column(&name).is_ok() {
                order.push(name.into());
            }
        }
    }
    let df = df
        .select(order)
        .map_err(HandoffError::engine("ordering parsed columns"))?;
    let (df, currencies) = currency::convert_currencies(df, mapping, config)?;
    let vocabulary = preset.map(|p| p.vocabulary).unwrap_or_default();
    let df = normalise::apply(
        input,
        df,
        mapping.iter().map(|m| m.spec.name).collect(),
        config,
        &vocabulary,
    )
    .map_err(HandoffError::engine("mapping vocabulary"))?;
    Ok((df, currencies))
}

//! Loading an export: decode, find the header, map columns to the canonical
//! names of [`crate::model`], parse every value in polars, and split the rows
//! into used and rejected. Rows read = rows used + rows rejected, always.

mod chunks;
pub mod json;
pub mod normalise;
pub mod presets;
pub mod text;
pub mod values;
pub mod xlsx;

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::Path;

use polars::prelude::*;
use serde::Serialize;

use crate::config::{Config, DateOrder};
use crate::error::{HandoffError, Result};
use crate::model::{self, ColumnSpec, Input, Kind};
use presets::{Fix, Preset, Special, Take, fold_key};
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
    /// The workbook sheet read, for XLSX / XLS files.
    pub sheet: Option<String>,
    /// The preset applied, and how it was chosen (`given`, `config`, `detected`).
    pub preset: Option<PresetUse>,
    pub rows_read: usize,
    pub rows_used: usize,
    pub rows_rejected: usize,
    /// Blank lines (records with no value at all) skipped: not rows.
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
    /// What the caller reads of each row, when not every column: every mapped
    /// column is still parsed and checked, but only these expressions over the
    /// parsed columns are kept in memory.
    pub keep: Option<fn() -> Vec<Expr>>,
}

/// The file's header and its rows, however it was stored.
struct Opened<'a> {
    headers: Vec<String>,
    body: Body<'a>,
    encoding: &'static str,
    delimiter: &'static str,
    sheet: Option<String>,
    workbook: bool,
}

/// The rows under the header.
enum Body<'a> {
    /// A workbook sheet (calamine reads it whole).
    Sheet(RawFrame),
    /// CSV text, read in chunks from the first record on.
    Text {
        source: Source<'a>,
        /// Byte offset of the first record.
        start: usize,
        /// The line it starts on.
        first_line: u32,
        delimiter: u8,
    },
}

fn open<'a>(path: &'a Path, opts: &ReadOptions) -> Result<Opened<'a>> {
    if !xlsx::is_workbook(path) && json::is_json(path) {
        let records = json::read(path)?;
        return Ok(Opened {
            headers: records.headers,
            body: Body::Sheet(RawFrame {
                frame: records.frame,
                lines: records.lines,
            }),
            encoding: "JSON",
            delimiter: "records",
            sheet: Some(records.sheet),
            workbook: false,
        });
    }
    if xlsx::is_workbook(path) {
        let sheet = xlsx::read(path, opts.sheet.as_deref())?;
        return Ok(Opened {
            headers: sheet.headers,
            body: Body::Sheet(RawFrame {
                frame: sheet.frame,
                lines: sheet.lines,
            }),
            encoding: "workbook",
            delimiter: "cells",
            sheet: Some(sheet.sheet),
            workbook: true,
        });
    }
    let (source, encoding) = text_source(path, opts)?;
    let start = source.start();
    let delimiter = text::sniff_delimiter(start);
    let header = text::read_header(path, start, delimiter)?;
    Ok(Opened {
        headers: header.names,
        body: Body::Text {
            source,
            start: header.end,
            first_line: header.next_line,
            delimiter,
        },
        encoding,
        delimiter: text::delimiter_name(delimiter),
        sheet: None,
        workbook: false,
    })
}

/// A text file's source and encoding: plain UTF-8 is read in place; anything
/// else (or a forced encoding) is decoded into memory first.
fn text_source<'a>(path: &'a Path, opts: &ReadOptions) -> Result<(Source<'a>, &'static str)> {
    Ok(match (opts.encoding.as_deref(), text::in_place(path)) {
        (None, Some(in_place)) => (Source::InPlace(path, in_place), encoding_rs::UTF_8.name()),
        (forced, _) => {
            let decoded = text::read_decoded(path, forced)?;
            (Source::Decoded(decoded.bytes), decoded.encoding)
        }
    })
}

/// A file's header row, without reading its data (a workbook's sheet is read whole).
pub fn headers(path: &Path, opts: &ReadOptions) -> Result<Vec<String>> {
    if xlsx::is_workbook(path) {
        return Ok(xlsx::read(path, opts.sheet.as_deref())?.headers);
    }
    let (source, _) = text_source(path, opts)?;
    let start = source.start();
    Ok(text::read_header(path, start, text::sniff_delimiter(start))?.names)
}

/// How many canonical columns of `input` these headers fill without a preset;
/// an error when a required one is missing.
pub fn mapped_columns(input: Input, headers: &[String], config: &Config) -> Result<usize> {
    map_columns(input, "", headers, &unique_names(headers), config, None).map(|m| m.len())
}

/// Bytes of CSV text parsed at a time: a file of any size is read chunk by
/// chunk, and only the parsed, typed rows are kept.
pub const CHUNK_BYTES: usize = 48 << 20;

/// The least text of a file's last chunk: the rows a report footer may take
/// (see [`strip_footer`]) arrive together.
const MIN_TAIL: usize = 64 << 10;

/// What every chunk of one file is read with.
struct FileJob<'a> {
    input: Input,
    file: &'a str,
    mapping: &'a [Mapped],
    config: &'a Config,
    preset: Option<&'static Preset>,
    workbook: bool,
    chunk_bytes: usize,
    keep: Option<fn() -> Vec<Expr>>,
    headers: &'a [String],
    /// The delimiter's name (`comma`, ... or `cells`).
    delimiter: &'static str,
}

/// Loads one input file through a preset and the config's column map.
pub fn load(input: Input, path: &Path, config: &Config, opts: &ReadOptions) -> Result<Loaded> {
    let file = path.display().to_string();
    let opened = open(path, opts)?;
    let headers = &opened.headers;
    let raw_names = unique_names(headers);
    let preset = choose_preset(input, headers, config, opts)?;
    let mapping = map_columns(
        input,
        &file,
        headers,
        &raw_names,
        config,
        preset.map(|p| p.0),
    )?;
    let job = FileJob {
        input,
        file: &file,
        mapping: &mapping,
        config,
        preset: preset.map(|p| p.0),
        workbook: opened.workbook,
        chunk_bytes: opts.chunk_bytes.unwrap_or(CHUNK_BYTES),
        keep: opts.keep,
        headers,
        delimiter: opened.delimiter,
    };
    // Day-first or month-first is a property of the whole column, and a chunk
    // shows only its part: when a later chunk decides differently from what the
    // earlier ones were read with, the file is read again knowing it.
    let mut seen = DateLeads::new();
    let parts = loop {
        match read_parts(&job, &opened.body, &raw_names, seen)? {
            Pass::Done(parts) => break parts,
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
    finish(&job, read, parts)
}

/// The outcome of one read of a file.
enum Pass {
    Done(Parts),
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
    Ok(Pass::Done(parts))
}

/// Calls `f` with each chunk's raw frame, and whether it is the file's last,
/// until `f` says to stop.
fn each_chunk(
    body: &Body,
    job: &FileJob,
    names: &[String],
    mut f: impl FnMut(RawFrame, bool) -> Result<bool>,
) -> Result<()> {
    let (source, start, first_line, delimiter) = match body {
        Body::Sheet(raw) => return f(raw.clone(), true).map(drop),
        Body::Text {
            source,
            start,
            first_line,
            delimiter,
        } => (source, *start, *first_line, *delimiter),
    };
    let file = job.file;
    let cannot = |e: std::io::Error| HandoffError::Input {
        file: file.to_string(),
        message: format!("cannot read the file: {e}. Check the path and permissions"),
    };
    let (reader, len): (Box<dyn std::io::Read>, u64) = match source {
        Source::InPlace(path, _) => {
            use std::io::Seek;
            let mut f = std::fs::File::open(path).map_err(cannot)?;
            let len = f.metadata().map_err(cannot)?.len();
            f.seek(std::io::SeekFrom::Start(start as u64))
                .map_err(cannot)?;
            (Box::new(f), len.saturating_sub(start as u64))
        }
        Source::Decoded(bytes) => {
            let rest = &bytes[start.min(bytes.len())..];
            (Box::new(rest), rest.len() as u64)
        }
    };
    let mut chunker = chunks::Chunker::new(
        reader,
        len,
        first_line,
        job.chunk_bytes,
        MIN_TAIL.max(job.chunk_bytes / 4),
    );
    while let Some(chunk) = chunker.next_chunk().map_err(cannot)? {
        let last = chunk.last;
        if !f(read_chunk(file, chunk, delimiter, names)?, last)? {
            break;
        }
    }
    Ok(())
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

/// The preset for this file: `--preset`, else the config's, else the one the headers match.
fn choose_preset(
    input: Input,
    headers: &[String],
    config: &Config,
    opts: &ReadOptions,
) -> Result<Option<(&'static Preset, &'static str)>> {
    if let Some(p) = opts.preset {
        return Ok(Some((p, "given")));
    }
    let configured =
        config
            .columns
            .chosen_preset(input)
            .map_err(|message| HandoffError::Config {
                path: "handoff.toml".into(),
                message,
            })?;
    if let Some(p) = configured {
        return Ok(Some((p, "config")));
    }
    if config.columns.preset(input) == Some("none") {
        return Ok(None);
    }
    let keys: Vec<String> = headers.iter().map(|h| fold_key(h)).collect();
    Ok(presets::detect(Some(input), &keys).map(|p| (p, "detected")))
}

/// Report footers after the data: a trailing run of rows with only a first
/// value, holding a `Grand Totals`, `Copyright` or `Confidential` line.
fn strip_footer(raw: RawFrame) -> Result<(RawFrame, Vec<String>)> {
    let frame = &raw.frame;
    let (height, width) = (frame.height(), frame.width());
    if height == 0 || width < 2 {
        return Ok((raw, Vec::new()));
    }
    let tail_from = height.saturating_sub(12);
    let tail = frame.slice(tail_from as i64, height - tail_from);
    let cells = |i: usize| -> (Option<String>, bool) {
        let first = tail
            .columns()
            .first()
            .and_then(|c| c.get(i).ok())
            .and_then(|v| v.get_str().map(|s| s.trim().to_string()));
        let rest_empty = tail.columns()[1..].iter().all(|c| {
            c.get(i)
                .ok()
                .is_none_or(|v| v.get_str().is_none_or(|s| s.trim().is_empty()))
        });
        (first, rest_empty)
    };
    let mut start = tail.height();
    while start > 0 && cells(start - 1).1 {
        start -= 1;
    }
    let lines: Vec<String> = (start..tail.height())
        .filter_map(|i| cells(i).0)
        .filter(|s| !s.is_empty())
        .collect();
    let footer_like = |s: &String| {
        let l = s.to_lowercase();
        [
            "grand total",
            "copyright",
            "confidential",
            "generated by",
            "total records",
        ]
        .iter()
        .any(|w| l.starts_with(w))
    };
    if !lines.iter().any(footer_like) {
        return Ok((raw, Vec::new()));
    }
    let keep = tail_from + start;
    let mut lines_kept = raw.lines;
    lines_kept.truncate(keep);
    Ok((
        RawFrame {
            frame: raw.frame.slice(0, keep),
            lines: lines_kept,
        },
        lines,
    ))
}

/// Header names made unique for polars (`Create Date`, `Create Date_2`).
pub fn unique_names(headers: &[String]) -> Vec<String> {
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

/// A canonical column and where its raw text comes from.
#[derive(Debug, Clone)]
struct Mapped {
    /// The export header(s), as shown in messages (`First Name + Last Name`).
    header: String,
    spec: ColumnSpec,
    /// The file columns it reads.
    sources: Vec<usize>,
    /// The raw text, over the file's (unique) column names.
    expr: Expr,
}

/// The file's headers, for building mappings.
struct Headers<'a> {
    shown: &'a [String],
    raw: &'a [String],
    keys: Vec<String>,
}

impl Headers<'_> {
    fn index(&self, key: &str) -> Option<usize> {
        self.keys.iter().position(|k| k == key)
    }

    fn text(&self, i: usize) -> Expr {
        values::clean_text(col(self.raw[i].as_str()))
    }

    /// The first present header among `keys`, coalesced row by row with the others present.
    fn any(&self, keys: &[&str]) -> Option<(String, Vec<usize>, Expr)> {
        let found: Vec<usize> = keys.iter().filter_map(|k| self.index(k)).collect();
        let first = *found.first()?;
        let exprs: Vec<Expr> = found.iter().map(|&i| self.text(i)).collect();
        let expr = if exprs.len() == 1 {
            exprs[0].clone()
        } else {
            coalesce(&exprs)
        };
        Some((self.shown[first].clone(), found, expr))
    }
}

/// A preset rule's expression, when its headers are present.
fn rule_expr(
    rule: &presets::Rule,
    h: &Headers,
    taken: &[usize],
) -> Option<(String, Vec<usize>, Expr)> {
    let (header, sources, expr) = match rule.from {
        Take::Any(keys) => h.any(keys)?,
        Take::Join(keys) => {
            let found: Option<Vec<usize>> = keys.iter().map(|k| h.index(k)).collect();
            let found = found?;
            let parts: Vec<Expr> = found.iter().map(|&i| h.text(i)).collect();
            let shown: Vec<&str> = found.iter().map(|&i| h.shown[i].as_str()).collect();
            let joined = values::clean_text(concat_str(parts, " ", true));
            (shown.join(" + "), found, joined)
        }
        Take::Mentions(words) => {
            let i = (0..h.keys.len()).find(|i| {
                !taken.contains(i) && h.keys[*i].split('_').any(|w| words.contains(&w))
            })?;
            (h.shown[i].clone(), vec![i], h.text(i))
        }
        Take::Const(v) => (format!("(preset: \"{v}\")"), Vec::new(), lit(v)),
        Take::Special(special) => special_expr(special, h)?,
    };
    Some((header, sources, fix(expr, rule.fix)))
}

/// Whether the text, lower-cased, is one of `words` (false when empty).
fn one_of(e: Expr, words: &[&str]) -> Expr {
    e.str()
        .to_lowercase()
        .is_in(lit(Series::new("w".into(), words)).implode(false), false)
        .fill_null(lit(false))
}

fn flag(e: Expr) -> Expr {
    one_of(e, presets::TRUE_WORDS)
}

fn falsy(e: Expr) -> Expr {
    one_of(e, presets::FALSE_WORDS)
}

fn special_expr(special: Special, h: &Headers) -> Option<(String, Vec<usize>, Expr)> {
    let null = || lit(NULL).cast(DataType::String);
    match special {
        Special::PhoneByDirection {
            direction,
            from,
            to,
        } => {
            let (dh, mut s1, d) = h.any(direction)?;
            let (fh, s2, f) = h.any(from)?;
            let (th, s3, t) = h.any(to)?;
            s1.extend(s2);
            s1.extend(s3);
            let outbound = d.str().to_lowercase().str().starts_with(lit("out"));
            let e = when(outbound).then(t).otherwise(f);
            Some((format!("{fh} / {th} by {dh}"), s1, e))
        }
        Special::StageFromFlags { stage, won, closed } => {
            let (sh, mut s1, s) = h.any(stage)?;
            let (wh, s2, w) = h.any(won)?;
            let (ch, s3, c) = h.any(closed)?;
            s1.extend(s2);
            s1.extend(s3);
            let e = when(flag(w))
                .then(lit("closed won"))
                .when(flag(c))
                .then(lit("closed lost"))
                .otherwise(s);
            Some((format!("{sh} ({wh}, {ch})"), s1, e))
        }
        Special::StatusFromActive { active, stage } => {
            let (ah, mut s1, a) = h.any(active)?;
            let (sh, s2, s) = h.any(stage)?;
            s1.extend(s2);
            let e = when(falsy(a)).then(lit("lost")).otherwise(s);
            Some((format!("{sh} ({ah})"), s1, e))
        }
        Special::DateWhen {
            date,
            status,
            words,
            inactive,
        } => {
            let (dh, mut sources, d) = h.any(date)?;
            let mut cond = lit(false);
            let mut shown = Vec::new();
            if let Some((sh, s, e)) = h.any(status) {
                cond = cond.or(one_of(e, words));
                sources.extend(s);
                shown.push(sh);
            }
            if let Some((ah, s, e)) = h.any(inactive) {
                cond = cond.or(falsy(e));
                sources.extend(s);
                shown.push(ah);
            }
            if shown.is_empty() {
                return None;
            }
            let e = when(cond).then(d).otherwise(null());
            Some((format!("{dh} (when {})", shown.join(", ")), sources, e))
        }
        Special::MetaSource { organic } => {
            let (oh, s, o) = h.any(organic)?;
            let e = when(flag(o))
                .then(lit("meta_organic"))
                .otherwise(lit("meta_ads"));
            Some((format!("(preset: meta_ads / meta_organic by {oh})"), s, e))
        }
    }
}

fn fix(e: Expr, fix: Fix) -> Expr {
    match fix {
        Fix::Keep => e,
        // What is left after a prefix may start with a space.
        Fix::StripPrefix(prefixes) => values::clean_text(
            prefixes
                .iter()
                .fold(e, |e, p| e.str().strip_prefix(lit(*p))),
        ),
        Fix::FirstOfList => values::clean_text(
            e.str()
                .split(lit(";"))
                .list()
                .first()
                .str()
                .split(lit(","))
                .list()
                .first(),
        ),
        Fix::Utc => {
            let has_zone = e
                .clone()
                .str()
                .contains(lit(r"(?i)(z|utc|gmt|[+-][0-9]{2}:?[0-9]{2})$"), false);
            when(has_zone.or(e.clone().is_null()))
                .then(e.clone())
                .otherwise(concat_str([e, lit("Z")], "", true))
        }
        Fix::Rename(pairs) => {
            let old = Series::new("o".into(), pairs.iter().map(|p| p.0).collect::<Vec<_>>());
            let new = Series::new("n".into(), pairs.iter().map(|p| p.1).collect::<Vec<_>>());
            e.clone()
                .str()
                .to_lowercase()
                .replace(lit(old), lit(new))
                .fill_null(e)
        }
    }
}

fn map_columns(
    input: Input,
    file: &str,
    headers: &[String],
    raw_names: &[String],
    config: &Config,
    preset: Option<&Preset>,
) -> Result<Vec<Mapped>> {
    let specs = input.columns();
    let user = user_map(input, config)?;
    let spec_of = |name: &str| specs.iter().find(|s| s.name == name).copied();
    let h = Headers {
        shown: headers,
        raw: raw_names,
        keys: headers.iter().map(|x| fold_key(x)).collect(),
    };
    let mut out: Vec<Mapped> = Vec::new();
    let taken = |out: &[Mapped], name: &str| out.iter().any(|m| m.spec.name == name);
    let used =
        |out: &[Mapped]| -> Vec<usize> { out.iter().flat_map(|m| m.sources.clone()).collect() };
    // 1. The user's map wins.
    for (index, header) in headers.iter().enumerate() {
        if let Some(spec) = user.get(&normalise_header(header)).and_then(|t| spec_of(t))
            && !taken(&out, spec.name)
        {
            out.push(Mapped {
                header: header.clone(),
                spec,
                sources: vec![index],
                expr: h.text(index),
            });
        }
    }
    // 2. The preset's rules, first applicable rule per column.
    if let Some(p) = preset {
        for rule in p.rules {
            let Some(spec) = spec_of(rule.column) else {
                continue;
            };
            if taken(&out, spec.name) {
                continue;
            }
            if let Some((header, sources, expr)) = rule_expr(rule, &h, &used(&out)) {
                out.push(Mapped {
                    header,
                    spec,
                    sources,
                    expr,
                });
            }
        }
    }
    // 3. Canonical names and their aliases.
    let first_alias = out.len();
    for (index, header) in headers.iter().enumerate() {
        if used(&out).contains(&index) {
            continue;
        }
        let norm = normalise_header(header);
        let spec = specs
            .iter()
            .find(|s| s.name == norm)
            .or_else(|| specs.iter().find(|s| s.aliases.contains(&norm.as_str())))
            .copied();
        let Some(spec) = spec else { continue };
        // Several headers of one column (a re-saved export's two `Create
        // Date`s, or two aliases): each row takes the first non-empty value,
        // in column order. A column the user or a preset mapped stays theirs.
        let earlier = out.iter().position(|m| m.spec.name == spec.name);
        match earlier {
            Some(i) if first_alias <= i => {
                let m = &mut out[i];
                m.header = format!("{}, else {}", m.header, header);
                m.sources.push(index);
                m.expr = coalesce(&[
                    values::clean_text(m.expr.clone()),
                    values::clean_text(h.text(index)),
                ]);
            }
            Some(_) => {}
            None => out.push(Mapped {
                header: header.clone(),
                spec,
                sources: vec![index],
                expr: h.text(index),
            }),
        }
    }
    out.sort_by_key(|m| {
        (
            m.sources.first().copied().unwrap_or(usize::MAX),
            m.spec.name,
        )
    });
    // A deal may name its lead through the lead's converted deal id instead (Salesforce).
    let optional = |s: &ColumnSpec| {
        input == Input::Deals && s.name == model::LEAD_ID && taken(&out, model::DEAL_ID)
    };
    if let Some(missing) = specs
        .iter()
        .find(|s| s.required && !taken(&out, s.name) && !optional(s))
    {
        return Err(missing_column(input, file, missing, headers, preset));
    }
    Ok(out)
}

/// The config's column map for an input, with normalised keys, checked against the contract.
fn user_map(input: Input, config: &Config) -> Result<BTreeMap<String, &'static str>> {
    let mut out = BTreeMap::new();
    for (header, target) in config.columns.of(input) {
        if header == "preset" {
            continue;
        }
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

/// Whether a header could hold the canonical column, judged by its words: a
/// date column's header speaks of a date or time, an id's of an id, key or
/// number, and a yes/no question (`Is Lead Active?`) holds neither. Only such
/// headers are suggested for a missing column.
fn compatible(spec: &ColumnSpec, header: &str) -> bool {
    let key = fold_key(header);
    let words: Vec<&str> = key.split('_').collect();
    let has = |w: &[&str]| words.iter().any(|x| w.contains(x));
    let question = header.trim_end().ends_with('?')
        || words
            .first()
            .is_some_and(|w| matches!(*w, "is" | "has" | "was"));
    if question {
        return false;
    }
    match spec.kind {
        Kind::Datetime => {
            has(&[
                "date",
                "time",
                "at",
                "on",
                "created",
                "modified",
                "updated",
                "timestamp",
                "day",
                "when",
                "submitted",
                "started",
            ]) || key.ends_with("date")
                || key.ends_with("time")
        }
        Kind::Text if spec.name.ends_with("_id") => {
            has(&["id", "key", "number", "no", "ref", "reference", "code"])
                || key.ends_with("id")
                || key.ends_with("key")
        }
        _ => true,
    }
}

/// Whether a header row reads as a data row: at least half of its cells (and
/// two or more) are dates, times, numbers, phones or emails, which headers
/// never are.
fn looks_like_data(headers: &[String]) -> bool {
    let data_like = |h: &&String| {
        let t = h.trim();
        let digits = t.chars().filter(char::is_ascii_digit).count();
        t.contains('@')
            || (digits > 0 && digits * 2 >= t.chars().filter(|c| !c.is_whitespace()).count())
    };
    let n = headers.iter().filter(data_like).count();
    n >= 2 && n * 2 >= headers.len()
}

fn missing_column(
    input: Input,
    file: &str,
    spec: &ColumnSpec,
    headers: &[String],
    preset: Option<&Preset>,
) -> HandoffError {
    let closest = headers
        .iter()
        .filter(|h| compatible(spec, h))
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
    let mut hint = match closest {
        Some((score, h)) if score >= 0.4 => {
            format!(
                "The closest header present is `{}`. {}",
                crate::format::clip(h),
                map_hint(h)
            )
        }
        _ => {
            let shown: Vec<String> = headers
                .iter()
                .take(12)
                .map(|h| crate::format::clip(h))
                .collect();
            format!(
                "Headers present: {}{}. Map the one that holds {} in handoff.toml under [columns.{}].",
                shown.join(", "),
                if headers.len() > 12 { ", ..." } else { "" },
                spec.name,
                input.name()
            )
        }
    };
    if looks_like_data(headers) {
        hint = format!(
            "The first row looks like data, not a header (its cells are dates, numbers, phones or emails): \
             the file seems to have no header row. Add one naming the columns (e.g. lead_id,created_at,...), \
             or export again with headers. {hint}"
        );
    }
    if let Some(p) = preset {
        hint.push_str(&format!(
            "\nRead with the {} preset `{}` ({}); export it again with the column that holds {}.",
            p.vendor, p.name, p.export, spec.name
        ));
    } else {
        let keys: Vec<String> = headers.iter().map(|h| fold_key(h)).collect();
        if let Some(p) = presets::detect(None, &keys) {
            hint.push_str(&format!(
                "\nThis looks like the {} {}: pass it as --{} with --preset {}.",
                p.vendor,
                p.export,
                p.input.name(),
                p.name
            ));
        }
    }
    HandoffError::MissingColumn {
        file: file.to_string(),
        column: spec.name.to_string(),
        hint,
    }
}

/// The text frame's column for fields beyond the header (never a header's name:
/// [`unique_names`] keeps names apart, and no export has this one).
const EXTRA: &str = "_handoff_fields_beyond_header";
/// The problem name of a row with too many fields.
const BEYOND: &str = "_beyond";

/// Rows as text, with the file line each starts on.
#[derive(Clone)]
struct RawFrame {
    frame: DataFrame,
    lines: Vec<u32>,
}

/// Where the CSV text comes from.
enum Source<'a> {
    /// A UTF-8 file read from disk chunk by chunk.
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

/// Drops the records with no value in any field (blank lines, or lines of
/// delimiters only): they are not rows, and are counted apart. Stops at the
/// first column that has a value in every row (nearly always the first).
fn drop_blank_rows(raw: RawFrame) -> Result<(RawFrame, usize)> {
    let rows = raw.frame.height();
    // Column by column (a file may have 100,000 columns: no expression per column).
    let mut blank = BooleanChunked::full("blank".into(), true, rows);
    for c in raw.frame.columns() {
        blank = &blank & &c.as_materialized_series().is_null();
        if !blank.any() {
            return Ok((raw, 0));
        }
    }
    let keep = !&blank;
    let kept = keep.sum().unwrap_or(0) as usize;
    let frame = raw
        .frame
        .filter(&keep)
        .map_err(HandoffError::engine("skipping blank lines"))?;
    let lines = raw
        .lines
        .into_iter()
        .zip(keep.iter())
        .filter_map(|(line, k)| k.unwrap_or(false).then_some(line))
        .collect();
    Ok((RawFrame { frame, lines }, rows - kept))
}

/// Reads a chunk's records, every column as text, so `098...` keeps its zero
/// and nothing is guessed.
fn read_chunk(
    file: &str,
    chunk: chunks::Chunk,
    delimiter: u8,
    names: &[String],
) -> Result<RawFrame> {
    // One column beyond the header catches rows with too many fields (polars
    // would cut them short): a value there rejects the row.
    let schema: Schema = names
        .iter()
        .map(String::as_str)
        .chain([EXTRA])
        .map(|n| Field::new(n.into(), DataType::String))
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
    let frame = CsvReadOptions::default()
        .with_has_header(false)
        .with_schema(Some(Arc::new(schema)))
        .with_parse_options(parse)
        .with_raise_if_empty(false)
        .into_reader_with_file_handle(Cursor::new(chunk.bytes.as_slice()))
        .finish()
        .map_err(|e| HandoffError::Input {
            file: file.to_string(),
            message: match text::unclosed_quote(&chunk.bytes) {
                Some(line) => format!(
                    "line {}: a quoted field opens here and never closes, so the rest of the file would be one value. \
                     The file may be truncated, or a `\"` is missing: re-export it, or repair that line",
                    line as u32 + chunk.first_line - 1
                ),
                None => match text::stray_quote(&chunk.bytes, delimiter) {
                    Some(line) => format!(
                        "line {}: a `\"` inside a value that is not in quotes, so the fields cannot be told apart. \
                         Put the whole value in quotes and double the quote inside it (\"Asha \"\"the\"\" Rao\"), or remove the quote",
                        line as u32 + chunk.first_line - 1
                    ),
                    None => format!(
                    "cannot be read as CSV ({}). Check that it is a CSV export with {} as the delimiter",
                    // Polars' message ends with advice for its Python users: keep its first line.
                    e.to_string().lines().next().unwrap_or("unknown error"),
                    text::delimiter_name(delimiter)
                ),
                },
            },
        })?;
    let records = frame.height();
    let first = chunk.first_line;
    let lines = if chunk.one_line_records(records) {
        None
    } else {
        text::record_lines_from(chunk.bytes.as_slice(), delimiter, records)
            .map(|lines| lines.into_iter().map(|l| l + first - 1).collect())
    };
    let lines = lines.unwrap_or_else(|| (0..records as u32).map(|i| first + i).collect());
    Ok(RawFrame { frame, lines })
}

/// Per datetime column, the largest first and second numbers of its `a/b/yyyy`
/// dates: what decides day-first or month-first.
type DateLeads = BTreeMap<&'static str, (Option<i64>, Option<i64>)>;

/// Each datetime column's read order (`None`: unambiguous or undecided).
type Orders = BTreeMap<String, Option<DateOrder>>;

/// The [`DateLeads`] of a chunk's datetime columns.
fn date_leads(frame: &DataFrame, mapping: &[Mapped]) -> Result<DateLeads> {
    let mut out = DateLeads::new();
    for m in mapping.iter().filter(|m| m.spec.kind == Kind::Datetime) {
        // The day order shows in the date part: look at each distinct one once,
        // not at millions of timestamps.
        let distinct = frame
            .clone()
            .lazy()
            .select([col(raw_col(m.spec.name))
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
        out.insert(m.spec.name, (get("lead_a"), get("lead_b")));
    }
    Ok(out)
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
            Kind::Text if crate::model::is_key(name) => values::parse_key(&raw, name),
            Kind::Text => values::parse_text(&raw, name),
            Kind::Money => values::parse_money(&raw, name, &problem),
            Kind::Number => values::parse_number(&raw, name, &problem, 7.0 * 86_400.0),
            Kind::Phone => values::parse_phone(&raw, name, plan),
            Kind::Email => values::parse_email(&raw, name),
        });
    }
    let df = values::parse_datetime_columns(frame.clone(), &dates, tz)
        .map_err(HandoffError::engine("parsing datetimes"))?;
    let df = values::apply_stages(df, values::merge_stages(stages))
        .map_err(HandoffError::engine("parsing values"))?;
    // Columns in the order the mapping gives them (rejects list a row's problems in it).
    let mut order: Vec<PlSmallStr> = frame.get_column_names().into_iter().cloned().collect();
    for m in mapping {
        for name in [m.spec.name.to_string(), problem_col(m.spec.name)] {
            if df.column(&name).is_ok() {
                order.push(name.into());
            }
        }
    }
    let df = df
        .select(order)
        .map_err(HandoffError::engine("ordering parsed columns"))?;
    let (df, currencies) = convert_currencies(df, mapping, config)?;
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

/// Puts every amount in the report currency. An amount's currency is the
/// file's `currency` column, else the symbol or code in its text, else the
/// report currency; another currency is converted with `[exchange_rates]`,
/// and without a rate it is kept as empty (never added to the wrong money).
fn convert_currencies(
    df: DataFrame,
    mapping: &[Mapped],
    config: &Config,
) -> Result<(DataFrame, Vec<CurrencyUse>)> {
    let home = config.business.currency.to_uppercase();
    let money: Vec<&Mapped> = mapping
        .iter()
        .filter(|m| m.spec.kind == Kind::Money)
        .collect();
    if money.is_empty() {
        return Ok((df, Vec::new()));
    }
    let has_currency_column = mapping.iter().any(|m| m.spec.name == model::CURRENCY);
    let (codes, rates): (Vec<String>, Vec<f64>) = std::iter::once((home.clone(), 1.0))
        .chain(
            config
                .exchange_rates
                .iter()
                .filter(|(c, _)| c.to_uppercase() != home)
                .map(|(c, r)| (c.to_uppercase(), *r)),
        )
        .unzip();
    let mut uses = Vec::new();
    let mut df = df;
    for m in money {
        let name = m.spec.name;
        let cur = format!("_currency_{name}");
        let from_column = if has_currency_column {
            col(model::CURRENCY).str().to_uppercase()
        } else {
            lit(NULL).cast(DataType::String)
        };
        let currency = coalesce(&[
            from_column,
            values::currency_of(col(raw_col(name)), &home),
            lit(home.clone()),
        ]);
        let rate = col(cur.as_str()).replace_strict(
            lit(Series::new("c".into(), codes.clone())),
            lit(Series::new("r".into(), rates.clone())),
            Some(lit(NULL).cast(DataType::Float64)),
            Some(DataType::Float64),
        );
        df = df
            .lazy()
            .with_column(
                when(col(name).is_null())
                    .then(lit(NULL).cast(DataType::String))
                    .otherwise(currency)
                    .alias(cur.as_str()),
            )
            .with_column((col(name) * rate).alias(name))
            .collect()
            .map_err(HandoffError::engine("converting currencies"))?;
        let counts = df
            .clone()
            .lazy()
            .filter(col(cur.as_str()).is_not_null())
            .group_by([col(cur.as_str())])
            .agg([len().alias("n")])
            .sort([cur.as_str()], SortMultipleOptions::default())
            .collect()
            .map_err(HandoffError::engine("counting currencies"))?;
        let cs = counts
            .column(&cur)
            .and_then(|c| c.str().cloned())
            .map_err(HandoffError::engine("counting currencies"))?;
        let ns = counts
            .column("n")
            .and_then(|c| c.cast(&DataType::Int64))
            .map_err(HandoffError::engine("counting currencies"))?;
        let ns = ns
            .i64()
            .map_err(HandoffError::engine("counting currencies"))?;
        for (c, n) in cs.iter().zip(ns.iter()) {
            let c = c.unwrap_or_default().to_string();
            let rate = codes.iter().position(|k| *k == c).map(|i| rates[i]);
            uses.push(CurrencyUse {
                column: name.to_string(),
                currency: c,
                amounts: n.unwrap_or(0) as usize,
                rate,
            });
        }
        df = df
            .drop(&cur)
            .map_err(HandoffError::engine("converting currencies"))?;
    }
    Ok((df, uses))
}

/// One chunk's rows, split.
struct Part {
    used: DataFrame,
    rejects: DataFrame,
    unusable: BTreeMap<String, usize>,
    cleaned: BTreeMap<String, usize>,
    unknown: BTreeMap<String, BTreeMap<String, usize>>,
    currencies: Vec<CurrencyUse>,
}

/// A file's chunks, split and summed.
#[derive(Default)]
struct Parts {
    used: Vec<DataFrame>,
    rejects: Vec<DataFrame>,
    rows_read: usize,
    /// Records with no value at all (blank lines): skipped, not rows.
    blank_lines: usize,
    cleaned: BTreeMap<String, usize>,
    unusable: BTreeMap<String, usize>,
    unknown: BTreeMap<String, BTreeMap<String, usize>>,
    currencies: Vec<CurrencyUse>,
    footer: Vec<String>,
    orders: Orders,
}

impl Parts {
    fn add(&mut self, part: Part) {
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
fn split(job: &FileJob, (parsed, currencies): (DataFrame, Vec<CurrencyUse>)) -> Result<Part> {
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
        Some(keep) => keep(),
        None => parsed
            .get_column_names()
            .iter()
            .filter(|n| {
                !["_problem_", "_raw_", "_vocab_"]
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
fn finish(job: &FileJob, read: ReadFacts, parts: Parts) -> Result<Loaded> {
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
    let sources: Vec<usize> = mapping.iter().flat_map(|m| m.sources.clone()).collect();
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
        mapped: mapping
            .iter()
            .map(|m| (m.header.clone(), m.spec.name.to_string()))
            .collect(),
        ignored: job
            .headers
            .iter()
            .enumerate()
            .filter(|(i, _)| !sources.contains(i))
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
fn unusable_counts(parsed: &DataFrame, mapping: &[Mapped]) -> Result<(Counts, Counts)> {
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
            let ext = raw
                .clone()
                .str()
                .contains(lit(values::PHONE_EXTENSION), false);
            exprs.push(count(ext, format!("{CLEANED}{name}: extension dropped")));
        }
        if m.spec.kind == Kind::Email || crate::model::is_key(name) {
            let hidden = raw.str().contains(lit(values::INVISIBLE), false);
            exprs.push(count(
                hidden,
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
type Counts = BTreeMap<String, usize>;

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

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(input: Input, name: &str) -> ColumnSpec {
        *input.columns().iter().find(|s| s.name == name).unwrap()
    }

    #[test]
    fn only_headers_of_a_compatible_kind_are_suggested() {
        let (id, created) = (
            spec(Input::Leads, model::LEAD_ID),
            spec(Input::Leads, model::CREATED_AT),
        );
        for h in ["Is Lead Active?", "Deal Name", "Has Email"] {
            assert!(!compatible(&id, h), "{h} for lead_id");
        }
        for h in ["Deal Name", "Is Converted?", "Lead Source"] {
            assert!(!compatible(&created, h), "{h} for created_at");
        }
        for h in ["Record ID", "Lead Number", "LeadKey"] {
            assert!(compatible(&id, h), "{h} for lead_id");
        }
        for h in ["Date Added", "Created On", "Submission Time", "CreatedDate"] {
            assert!(compatible(&created, h), "{h} for created_at");
        }
        // The message names no incompatible header as the closest.
        let err = missing_column(
            Input::Leads,
            "leads.csv",
            &id,
            &["Is Lead Active?".to_string(), "Lead Owner".to_string()],
            None,
        )
        .to_string();
        assert!(
            !err.contains("closest header present is `Is Lead Active?`"),
            "{err}"
        );
    }
}

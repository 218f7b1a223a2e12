//! Reading an export's text: opening a CSV, JSON or workbook file, its
//! header, and its records chunk by chunk as raw text with their lines.

use std::io::Cursor;
use std::path::Path;

use polars::prelude::*;

use super::{FileJob, ReadOptions, chunks, json, text, xlsx};
use crate::error::{HandoffError, Result};

/// The file's header and its rows, however it was stored.
pub(super) struct Opened<'a> {
    pub(super) headers: Vec<String>,
    pub(super) body: Body<'a>,
    pub(super) encoding: &'static str,
    pub(super) delimiter: &'static str,
    pub(super) sheet: Option<String>,
    pub(super) workbook: bool,
}

impl Opened<'_> {
    /// A file read whole as a sheet of text (a workbook sheet, JSON records).
    fn whole(
        sheet: xlsx::SheetText,
        encoding: &'static str,
        delimiter: &'static str,
        workbook: bool,
    ) -> Self {
        Opened {
            headers: sheet.headers,
            body: Body::Sheet(RawFrame {
                frame: sheet.frame,
                lines: sheet.lines,
            }),
            encoding,
            delimiter,
            sheet: Some(sheet.sheet),
            workbook,
        }
    }
}

/// The rows under the header.
pub(super) enum Body<'a> {
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

pub(super) fn open<'a>(path: &'a Path, opts: &ReadOptions) -> Result<Opened<'a>> {
    if !xlsx::is_workbook(path) && json::is_json(path) {
        return Ok(Opened::whole(json::read(path)?, "JSON", "records", false));
    }
    if xlsx::is_workbook(path) {
        let sheet = xlsx::read(path, opts.sheet.as_deref())?;
        return Ok(Opened::whole(sheet, "workbook", "cells", true));
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
pub(super) fn text_source<'a>(
    path: &'a Path,
    opts: &ReadOptions,
) -> Result<(Source<'a>, &'static str)> {
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
    if !xlsx::is_workbook(path) && json::is_json(path) {
        return Ok(json::read(path)?.headers);
    }
    if xlsx::is_workbook(path) {
        return Ok(xlsx::read(path, opts.sheet.as_deref())?.headers);
    }
    let (source, _) = text_source(path, opts)?;
    let start = source.start();
    Ok(text::read_header(path, start, text::sniff_delimiter(start))?.names)
}

/// Bytes of CSV text parsed at a time: a file of any size is read chunk by
/// chunk, and only the parsed, typed rows are kept.
pub const CHUNK_BYTES: usize = 48 << 20;

/// The least text of a file's last chunk: the rows a report footer may take
/// (see [`strip_footer`]) arrive together.
pub(super) const MIN_TAIL: usize = 64 << 10;

/// Calls `f` with each chunk's raw frame, and whether it is the file's last,
/// until `f` says to stop.
pub(super) fn each_chunk(
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
        let raw = read_chunk(file, &chunk, delimiter, names, job.columns.as_deref())?;
        chunker.recycle(chunk.bytes);
        if !f(raw, last)? {
            break;
        }
    }
    Ok(())
}

/// Report footers after the data: a trailing run of rows with only a first
/// value among the columns read, from its first `Grand Totals`, `Copyright`
/// or `Confidential` line on.
pub(super) fn strip_footer(raw: RawFrame) -> Result<(RawFrame, Vec<String>)> {
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
    let footer_like = |s: &str| {
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
    // The footer starts at its first footer line: a row before it with only
    // a first value (or values only in columns not read) is still a row.
    let Some(start) =
        (start..tail.height()).find(|&i| cells(i).0.as_deref().is_some_and(footer_like))
    else {
        return Ok((raw, Vec::new()));
    };
    let lines: Vec<String> = (start..tail.height())
        .filter_map(|i| cells(i).0)
        .filter(|s| !s.is_empty())
        .collect();
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

/// The text frame's column for fields beyond the header (never a header's name:
/// [`unique_names`] keeps names apart, and no export has this one).
pub(super) const EXTRA: &str = "_handoff_fields_beyond_header";

/// The problem name of a row with too many fields.
pub(super) const BEYOND: &str = "_beyond";

/// Rows as text, with the file line each starts on.
#[derive(Clone)]
pub(super) struct RawFrame {
    pub(super) frame: DataFrame,
    pub(super) lines: Vec<u32>,
}

/// Where the CSV text comes from.
pub(super) enum Source<'a> {
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

/// Drops the records with no value in any field read (blank lines, or lines of
/// delimiters only): they are not rows, and are counted apart. Stops at the
/// first column that has a value in every row (nearly always the first).
pub(super) fn drop_blank_rows(raw: RawFrame) -> Result<(RawFrame, usize)> {
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
/// and nothing is guessed; only `columns` (by index) when given.
pub(super) fn read_chunk(
    file: &str,
    chunk: &chunks::Chunk,
    delimiter: u8,
    names: &[String],
    columns: Option<&[usize]>,
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
        .with_projection(columns.map(|c| Arc::new(c.iter().copied().chain([names.len()]).collect())))
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

//! Reading JSON exports into the same text frame a CSV gives: an array of
//! records (`[{...}, {...}]`), an API page holding one (`{"calls": [...],
//! "page": 1}`, as CallRail's API returns), or JSON Lines (one record per
//! line). Columns are the records' keys in first-seen order; every value
//! becomes text (numbers as written, `true`/`false`, nested values as JSON);
//! a row's "line" is its record's number (its line, for JSON Lines).

use std::path::Path;

use polars::prelude::*;
use serde_json::{Map, Value};

use super::xlsx::SheetText;
use crate::error::HandoffError;

fn error(path: &Path, message: impl Into<String>) -> HandoffError {
    HandoffError::Input {
        file: path.display().to_string(),
        message: message.into(),
    }
}

/// Whether the path names a JSON export: by its ending, or a first character
/// of `[` or `{`.
pub fn is_json(path: &Path) -> bool {
    let by_name = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "json" | "jsonl" | "ndjson"));
    by_name || first_char(path).is_some_and(|c| c == b'[' || c == b'{')
}

fn first_char(path: &Path) -> Option<u8> {
    use std::io::Read;
    let mut head = [0u8; 512];
    let n = std::fs::File::open(path).ok()?.read(&mut head).ok()?;
    head[..n]
        .iter()
        .copied()
        .find(|b| !(b.is_ascii_whitespace() || *b == 0xEF || *b == 0xBB || *b == 0xBF))
}

/// A value as the text a CSV cell would hold; `None` for null.
fn text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        other => Some(other.to_string()),
    }
}

/// The records of a parsed document, and how it held them.
fn records(doc: Value) -> Option<(Vec<Map<String, Value>>, String)> {
    let as_records = |items: Vec<Value>| -> Option<Vec<Map<String, Value>>> {
        items
            .into_iter()
            .map(|v| match v {
                Value::Object(m) => Some(m),
                _ => None,
            })
            .collect()
    };
    match doc {
        Value::Array(items) => Some((as_records(items)?, "an array of records".into())),
        Value::Object(map) => {
            // An API page: the first field that is an array of records.
            let (key, items) = map.into_iter().find_map(|(k, v)| match v {
                Value::Array(items) if items.iter().all(Value::is_object) && !items.is_empty() => {
                    Some((k, items))
                }
                _ => None,
            })?;
            Some((as_records(items)?, format!("the records under \"{key}\"")))
        }
        _ => None,
    }
}

/// Reads the file's records as a text frame.
pub fn read(path: &Path) -> Result<SheetText, HandoffError> {
    let raw = std::fs::read_to_string(path)
        .map_err(|e| error(path, format!("cannot read the file as UTF-8 text: {e}")))?;
    let raw = raw.trim_start_matches('\u{feff}');
    let (rows, lines, how) = match serde_json::from_str::<Value>(raw) {
        Ok(doc) => {
            let (rows, how) = records(doc).ok_or_else(|| {
                error(
                    path,
                    "is JSON but holds no list of records; export an array of objects ([{...}, {...}]), \
                     or the API response whose field holds them",
                )
            })?;
            let lines: Vec<u32> = (1..=rows.len() as u32).collect();
            (rows, lines, how)
        }
        Err(_) => json_lines(path, raw)?,
    };
    let mut headers: Vec<String> = Vec::new();
    for r in &rows {
        for k in r.keys() {
            if !headers.contains(k) {
                headers.push(k.clone());
            }
        }
    }
    let columns: Vec<Column> = super::unique_names(&headers)
        .iter()
        .zip(&headers)
        .map(|(name, key)| {
            let values: Vec<Option<String>> =
                rows.iter().map(|r| r.get(key).and_then(text)).collect();
            Series::new(name.as_str().into(), values).into_column()
        })
        .collect();
    let frame = DataFrame::new(rows.len(), columns)
        .map_err(|e| error(path, format!("cannot build the table of records: {e}")))?;
    Ok(SheetText {
        sheet: how,
        headers,
        frame,
        lines,
    })
}

/// Records, their line numbers, and how the file held them.
type Records = (Vec<Map<String, Value>>, Vec<u32>, String);

/// JSON Lines: one record per non-blank line.
fn json_lines(path: &Path, raw: &str) -> Result<Records, HandoffError> {
    let mut rows = Vec::new();
    let mut lines = Vec::new();
    for (i, line) in raw.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Value>(line) {
            Ok(Value::Object(m)) => {
                rows.push(m);
                lines.push(i as u32 + 1);
            }
            _ => {
                return Err(error(
                    path,
                    format!(
                        "line {}: not a JSON record; the file must be a JSON array of records, an API response holding one, or one record per line",
                        i + 1
                    ),
                ));
            }
        }
    }
    Ok((rows, lines, "JSON Lines".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(text: &str) -> tempfile::NamedTempFile {
        let f = tempfile::Builder::new().suffix(".json").tempfile().unwrap();
        std::fs::write(f.path(), text).unwrap();
        f
    }

    #[test]
    fn an_api_page_of_records_reads_as_a_table() {
        let f = write(
            r#"{"page": 1, "total_pages": 1, "calls": [
                {"id": "CAL1", "answered": true, "direction": "inbound", "duration": 95, "start_time": "2026-11-12T10:05:00.000-05:00"},
                {"id": "CAL2", "answered": false, "direction": "outbound", "start_time": "2026-11-12T11:00:00.000-05:00", "tags": ["a"]}
            ]}"#,
        );
        let t = read(f.path()).unwrap();
        assert_eq!(
            t.headers,
            [
                "id",
                "answered",
                "direction",
                "duration",
                "start_time",
                "tags"
            ]
        );
        assert_eq!(t.lines, [1, 2]);
        assert_eq!(t.sheet, "the records under \"calls\"");
        let dur = t.frame.column("duration").unwrap().str().unwrap().get(0);
        assert_eq!(dur, Some("95"));
        assert_eq!(
            t.frame.column("duration").unwrap().str().unwrap().get(1),
            None
        );
        assert_eq!(
            t.frame.column("tags").unwrap().str().unwrap().get(1),
            Some("[\"a\"]")
        );
    }

    #[test]
    fn json_lines_and_a_document_without_records() {
        let f = write("{\"lead_id\": \"L1\"}\n\n{\"lead_id\": \"L2\", \"x\": 1}\n");
        let t = read(f.path()).unwrap();
        assert_eq!((t.headers.len(), t.lines.clone()), (2, vec![1, 3]));
        let f = write("{\"page\": 1}");
        let err = read(f.path()).err().expect("no records").to_string();
        assert!(err.contains("no list of records"), "{err}");
    }
}

//! Reading a workbook sheet (XLSX, XLSM, XLSB, XLS, ODS) into the same text
//! frame a CSV gives: every cell as text, the first non-empty row as header,
//! each data row numbered by its sheet row.
//!
//! Dates typed as dates become `YYYY-MM-DD HH:MM:SS` (local, as Excel has no
//! zone); numbers print without a spurious `.0`, so a phone typed as a number
//! (`919876543210`) stays a phone. XLSX sheets are streamed cell by cell, so a
//! stray cell at `XFD1048576` costs nothing; empty rows are skipped.

use std::path::Path;

use calamine::{Data, DataRef, Reader, Sheets, open_workbook_auto};
use polars::prelude::*;

use crate::error::HandoffError;

/// File name endings read as workbooks.
pub const EXTENSIONS: [&str; 5] = ["xlsx", "xlsm", "xlsb", "xls", "ods"];

/// Whether the path names a workbook (by its ending, or by the ZIP / OLE magic bytes).
pub fn is_workbook(path: &Path) -> bool {
    let by_name = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()));
    by_name || magic(path)
}

fn magic(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 8];
    let Ok(mut f) = std::fs::File::open(path) else {
        return false;
    };
    match f.read(&mut head) {
        Ok(8) => {
            head.starts_with(b"PK\x03\x04")
                || head == [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]
        }
        _ => false,
    }
}

/// A sheet read as text.
pub struct SheetText {
    pub sheet: String,
    pub headers: Vec<String>,
    /// One column per header, every cell as text (null when empty).
    pub frame: DataFrame,
    /// The sheet row (1-based) of each data row.
    pub lines: Vec<u32>,
}

/// A cell as text; `None` for empty cells and `#N/A`.
fn cell_text(cell: &DataRef<'_>) -> Option<String> {
    let text = match cell {
        DataRef::Empty => return None,
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => s.to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => number_text(*f),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(dt) => {
            if dt.is_duration() || dt.as_f64().abs() < 1.0 {
                // A time of day or a duration: hh:mm:ss, which durations and times read.
                let secs = (dt.as_f64() * 86_400.0).round() as i64;
                format!(
                    "{:02}:{:02}:{:02}",
                    secs / 3600,
                    (secs / 60) % 60,
                    secs % 60
                )
            } else {
                let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
                format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
            }
        }
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => {
            let t = e.to_string();
            if t == "#N/A" {
                return None;
            }
            t
        }
    };
    let trimmed = text.trim();
    if trimmed.is_empty() {
        None
    } else {
        Some(trimmed.to_string())
    }
}

/// A number as a person would type it: `919876543210`, not `919876543210.0` or `9.19876543210e11`.
fn number_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e17 {
        format!("{}", f as i64)
    } else if f.abs() >= 1e17 {
        format!("{f:e}")
    } else {
        format!("{f}")
    }
}

fn as_ref(d: &Data) -> DataRef<'_> {
    match d {
        Data::Int(i) => DataRef::Int(*i),
        Data::Float(f) => DataRef::Float(*f),
        Data::String(s) => DataRef::SharedString(s.as_str()),
        Data::Bool(b) => DataRef::Bool(*b),
        Data::DateTime(dt) => DataRef::DateTime(*dt),
        Data::DateTimeIso(s) => DataRef::DateTimeIso(s.clone()),
        Data::DurationIso(s) => DataRef::DurationIso(s.clone()),
        Data::Error(e) => DataRef::Error(e.clone()),
        Data::Empty => DataRef::Empty,
    }
}

fn error(path: &Path, message: impl Into<String>) -> HandoffError {
    HandoffError::Input {
        file: path.display().to_string(),
        message: message.into(),
    }
}

/// Reads sheet `sheet` of a workbook; by default the first sheet with a table
/// (a header of two or more columns), else the first sheet.
pub fn read(path: &Path, sheet: Option<&str>) -> Result<SheetText, HandoffError> {
    let mut book = open_workbook_auto(path).map_err(|e| {
        error(
            path,
            format!("cannot be read as a workbook ({e}). Save it again from Excel as .xlsx, or export it as CSV"),
        )
    })?;
    let names = book.sheet_names();
    if let Some(s) = sheet {
        let name = names.iter().find(|n| n.as_str() == s).ok_or_else(|| {
            error(
                path,
                format!(
                    "has no sheet `{s}`; its sheets are: {}. Pass one of them with --sheet",
                    names.join(", ")
                ),
            )
        })?;
        return read_sheet(path, &mut book, name);
    }
    // A cover or notes sheet first: take the first sheet that has a table, else the first sheet.
    let mut first = None;
    for name in &names {
        let read = read_sheet(path, &mut book, name);
        if matches!(&read, Ok(sheet) if sheet.headers.len() >= 2) {
            return read;
        }
        first.get_or_insert(read);
    }
    first.unwrap_or_else(|| Err(error(path, "the workbook has no sheets")))
}

fn read_sheet(
    path: &Path,
    book: &mut Sheets<std::io::BufReader<std::fs::File>>,
    name: &str,
) -> Result<SheetText, HandoffError> {
    let name = name.to_string();
    // Sparse cells: (row, column, text), in sheet order.
    let mut cells: Vec<(u32, u32, String)> = Vec::new();
    let push = |cells: &mut Vec<(u32, u32, String)>, (r, c): (u32, u32), d: &DataRef<'_>| {
        if let Some(t) = cell_text(d) {
            cells.push((r, c, t));
        }
    };
    let failed = |e: String| {
        error(
            path,
            format!(
                "sheet `{name}` cannot be read ({e}). Save the workbook again from Excel, or export the sheet as CSV"
            ),
        )
    };
    match book {
        Sheets::Xlsx(x) => {
            let mut reader = x
                .worksheet_cells_reader(&name)
                .map_err(|e| failed(e.to_string()))?;
            while let Some(cell) = reader.next_cell().map_err(|e| failed(e.to_string()))? {
                push(&mut cells, cell.get_position(), cell.get_value());
            }
        }
        other => {
            let range = other
                .worksheet_range(&name)
                .map_err(|e| failed(e.to_string()))?;
            let (r0, c0) = range.start().unwrap_or((0, 0));
            for (i, row) in range.rows().enumerate() {
                for (j, d) in row.iter().enumerate() {
                    push(&mut cells, (r0 + i as u32, c0 + j as u32), &as_ref(d));
                }
            }
        }
    }
    cells.sort_by_key(|&(r, c, _)| (r, c));
    to_frame(path, name, cells)
}

/// Builds the text frame: the first row with a value is the header.
fn to_frame(
    path: &Path,
    sheet: String,
    cells: Vec<(u32, u32, String)>,
) -> Result<SheetText, HandoffError> {
    let Some(&(first_row, _, _)) = cells.first() else {
        return Err(error(
            path,
            format!("sheet `{sheet}` is empty; pick the sheet with the data with --sheet"),
        ));
    };
    // A report's title lines (one cell each) may sit above the header: the header
    // is the first of the first 30 rows with two or more values.
    let mut per_row: Vec<(u32, usize)> = Vec::new();
    for &(r, _, _) in &cells {
        let full = per_row.len() >= 30;
        match per_row.last_mut() {
            Some((row, n)) if *row == r => *n += 1,
            _ if full => break,
            _ => per_row.push((r, 1)),
        }
    }
    let header_row = per_row
        .iter()
        .find(|(_, n)| *n >= 2)
        .map_or(first_row, |(r, _)| *r);
    let cells: Vec<(u32, u32, String)> =
        cells.into_iter().skip_while(|c| c.0 < header_row).collect();
    let header_cells: Vec<(u32, u32, String)> = cells
        .iter()
        .take_while(|c| c.0 == header_row)
        .cloned()
        .collect();
    // One column per header cell present: a stray header cell at column XFD
    // must not make 16,384 columns of every row (memory follows the cells).
    let header_cols: Vec<u32> = header_cells.iter().map(|c| c.1).collect();
    let headers: Vec<String> = header_cells.iter().map(|c| c.2.clone()).collect();
    let width = headers.len();
    let mut columns: Vec<Vec<Option<String>>> = vec![Vec::new(); width];
    let mut lines: Vec<u32> = Vec::new();
    let mut current = None;
    for (r, c, t) in cells.into_iter().skip(header_cells.len()) {
        let Ok(slot) = header_cols.binary_search(&c) else {
            continue;
        };
        if current != Some(r) {
            current = Some(r);
            lines.push(r + 1);
            for column in &mut columns {
                column.push(None);
            }
        }
        if let Some(value) = columns[slot].last_mut() {
            *value = Some(t);
        }
    }
    let names = crate::load::unique_names(&headers);
    let series: Vec<Column> = names
        .iter()
        .zip(columns)
        .map(|(n, values)| Series::new(n.as_str().into(), values).into_column())
        .collect();
    let frame = DataFrame::new(lines.len(), series)
        .map_err(|e| error(path, format!("cannot build the sheet's table: {e}")))?;
    Ok(SheetText {
        sheet,
        headers,
        frame,
        lines,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_as_typed() {
        assert_eq!(number_text(919876543210.0), "919876543210");
        assert_eq!(number_text(22700.5), "22700.5");
        assert_eq!(number_text(-0.0), "0");
        assert_eq!(number_text(1e300), "1e300");
    }

    #[test]
    fn empty_rows_are_skipped_and_rows_keep_their_sheet_numbers() {
        let cells = vec![
            (2, 1, "lead_id".to_string()),
            (2, 2, "created_at".to_string()),
            (3, 1, "L1".to_string()),
            (3, 2, "2026-11-16 10:00:00".to_string()),
            (9, 2, "2026-11-17 10:00:00".to_string()),
            (9, 40, "stray".to_string()),
        ];
        let s = to_frame(Path::new("x.xlsx"), "Sheet1".into(), cells).unwrap();
        assert_eq!(s.headers, ["lead_id", "created_at"]);
        assert_eq!(s.lines, [4, 10]);
        assert_eq!(s.frame.height(), 2);
        assert_eq!(
            s.frame.column("lead_id").unwrap().str().unwrap().get(1),
            None
        );
    }
}

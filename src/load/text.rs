//! Turning a file's bytes into UTF-8 CSV text: encoding, delimiter, header.

use std::path::Path;

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};

use crate::error::HandoffError;

/// A file's text as UTF-8 bytes (any byte-order mark removed), and what it was.
pub struct Decoded {
    pub bytes: Vec<u8>,
    pub encoding: &'static str,
}

fn input_error(path: &Path, message: impl Into<String>) -> HandoffError {
    HandoffError::Input {
        file: path.display().to_string(),
        message: message.into(),
    }
}

/// Reads a file and decodes it to UTF-8.
///
/// A byte-order mark decides first (chardetng never reports UTF-16); then valid
/// UTF-8; then UTF-16 without a mark, told by its zero bytes; then a detected
/// legacy encoding (Windows-1252 and kin). Undecodable bytes become U+FFFD
/// rather than stopping the run. `forced` names an encoding to use instead.
pub fn read_decoded(path: &Path, forced: Option<&str>) -> Result<Decoded, HandoffError> {
    let decoded = decode(path, forced)?;
    Ok(Decoded {
        bytes: with_lf_line_ends(decoded.bytes),
        encoding: decoded.encoding,
    })
}

/// [`read_decoded`] before the line ends are made `\n`.
fn decode(path: &Path, forced: Option<&str>) -> Result<Decoded, HandoffError> {
    let raw = std::fs::read(path).map_err(|e| {
        input_error(
            path,
            format!("cannot read the file: {e}. Check the path and permissions"),
        )
    })?;
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(input_error(
            path,
            "the file is empty; export it again, with a header row and at least the required columns",
        ));
    }
    if let Some(name) = forced {
        let enc = Encoding::for_label(name.as_bytes()).ok_or_else(|| {
            input_error(
                path,
                format!("`{name}` is not an encoding name; use e.g. utf-8, windows-1252, iso-8859-1, utf-16le"),
            )
        })?;
        let (text, _, _) = enc.decode(&raw);
        return Ok(Decoded {
            bytes: text.into_owned().into_bytes(),
            encoding: enc.name(),
        });
    }
    if let Some((enc, bom_len)) = Encoding::for_bom(&raw) {
        let (text, _) = enc.decode_without_bom_handling(&raw[bom_len..]);
        return Ok(Decoded {
            bytes: text.into_owned().into_bytes(),
            encoding: enc.name(),
        });
    }
    refuse_non_text(path, &raw)?;
    if mostly_nul(&raw) {
        return Err(input_error(
            path,
            "the file holds binary data (it is mostly NUL bytes), not CSV text; export the data again as CSV",
        ));
    }
    // Before UTF-8: UTF-16 text of ASCII is also valid UTF-8, full of NULs.
    if let Some(enc) = utf16_without_bom(&raw) {
        let (text, _) = enc.decode_without_bom_handling(&raw);
        return Ok(Decoded {
            bytes: text.into_owned().into_bytes(),
            encoding: enc.name(),
        });
    }
    if std::str::from_utf8(&raw).is_ok() {
        return Ok(Decoded {
            bytes: raw,
            encoding: UTF_8.name(),
        });
    }
    if raw.contains(&0) {
        return Err(input_error(
            path,
            "the file holds binary data (NUL bytes), not CSV text; export the data again as CSV",
        ));
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(&raw, true);
    let enc = detector.guess(None, chardetng::Utf8Detection::Allow);
    let (text, _, _) = enc.decode(&raw);
    Ok(Decoded {
        bytes: text.into_owned().into_bytes(),
        encoding: enc.name(),
    })
}

/// Whether the text's lines end with a lone `\r` (old Mac OS and some
/// exporters): its first line break is a CR not followed by LF.
pub fn cr_line_ends(text: &[u8]) -> bool {
    memchr::memchr2(b'\r', b'\n', text)
        .is_some_and(|i| text[i] == b'\r' && text.get(i + 1) != Some(&b'\n'))
}

/// Text whose lines end with a lone `\r` rewritten with `\n` line ends; any
/// other text as it is.
fn with_lf_line_ends(mut bytes: Vec<u8>) -> Vec<u8> {
    if cr_line_ends(&bytes) {
        for b in &mut bytes {
            if *b == b'\r' {
                *b = b'\n';
            }
        }
    }
    bytes
}

/// More than nine bytes in ten of the file's start are NUL: no text (UTF-16
/// text has at most half).
fn mostly_nul(raw: &[u8]) -> bool {
    let head = &raw[..raw.len().min(1 << 16)];
    head.iter().filter(|b| **b == 0).count() * 10 > head.len() * 9
}

/// Stops early, with a clear message, on files that are plainly not CSV.
fn refuse_non_text(path: &Path, raw: &[u8]) -> Result<(), HandoffError> {
    let kind = if raw.starts_with(b"%PDF") {
        Some("a PDF document")
    } else if raw.starts_with(b"PK\x03\x04") {
        Some("a ZIP archive (an .xlsx workbook is one)")
    } else if raw.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        Some("an old Excel (.xls) or Office file")
    } else {
        None
    };
    match kind {
        Some(kind) => Err(input_error(
            path,
            format!(
                "this is {kind}, not CSV text; open it in its program and save or export it as CSV"
            ),
        )),
        None => Ok(()),
    }
}

/// UTF-16 without a byte-order mark: most odd (LE) or even (BE) bytes are zero.
fn utf16_without_bom(raw: &[u8]) -> Option<&'static Encoding> {
    let sample = &raw[..raw.len().min(4096)];
    if sample.len() < 4 {
        return None;
    }
    let pairs = sample.len() / 2;
    let zero_at = |parity: usize| {
        sample
            .iter()
            .skip(parity)
            .step_by(2)
            .filter(|b| **b == 0)
            .count()
    };
    let (even, odd) = (zero_at(0), zero_at(1));
    if odd * 10 >= pairs * 7 && even * 10 < pairs {
        Some(UTF_16LE)
    } else if even * 10 >= pairs * 7 && odd * 10 < pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// The delimiters a CSV export may use, in order of preference on a tie.
pub const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// Picks the delimiter that splits the first lines most consistently.
pub fn sniff_delimiter(text: &[u8]) -> u8 {
    let lines: Vec<&[u8]> = text
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .take(20)
        .collect();
    let Some(header) = lines.first() else {
        return b',';
    };
    let mut best = (b',', 0usize, 0usize);
    for d in DELIMITERS {
        let count = count_unquoted(header, d);
        if count == 0 {
            continue;
        }
        let consistent = lines
            .iter()
            .filter(|l| count_unquoted(l, d) == count)
            .count();
        if (consistent, count) > (best.1, best.2) {
            best = (d, consistent, count);
        }
    }
    best.0
}

fn count_unquoted(line: &[u8], delimiter: u8) -> usize {
    let mut quoted = false;
    let mut n = 0;
    for &b in line {
        if b == b'"' {
            quoted = !quoted;
        } else if b == delimiter && !quoted {
            n += 1;
        }
    }
    n
}

/// Human name of a delimiter.
pub fn delimiter_name(d: u8) -> &'static str {
    match d {
        b',' => "comma",
        b';' => "semicolon",
        b'\t' => "tab",
        b'|' => "pipe",
        _ => "other",
    }
}

/// The header record, and where the data after it starts.
pub struct Header {
    pub names: Vec<String>,
    /// Byte offset of the first data record.
    pub end: usize,
    /// The line (1-based) the first data record starts on.
    pub next_line: u32,
}

/// The header record, parsed with CSV quoting rules.
pub fn read_header(path: &Path, text: &[u8], delimiter: u8) -> Result<Header, HandoffError> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text);
    let mut record = csv::StringRecord::new();
    let found = reader
        .read_record(&mut record)
        .map_err(|e| input_error(path, format!("cannot read the header row: {e}")))?;
    if !found || record.iter().all(|h| h.trim().is_empty()) {
        return Err(input_error(
            path,
            "the first line is empty; the file needs a header row naming its columns",
        ));
    }
    // After `\r`, the reader stops short of the `\n` of a CRLF line end.
    let next = reader.position();
    let mut end = usize::try_from(next.byte()).unwrap_or(usize::MAX);
    let mut next_line = u32::try_from(next.line()).unwrap_or(u32::MAX);
    if end > 0 && text.get(end - 1) == Some(&b'\r') && text.get(end) == Some(&b'\n') {
        end += 1;
        next_line = next_line.saturating_add(1);
    }
    Ok(Header {
        names: record
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
            .collect(),
        end,
        next_line,
    })
}

/// Each record's first line (1-based, counted from the reader's start), read
/// with CSV quoting rules; `None` when the records found differ from `records`.
pub fn record_lines_from<R: std::io::Read>(
    reader: R,
    delimiter: u8,
    records: usize,
) -> Option<Vec<u32>> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(reader);
    let mut lines = Vec::with_capacity(records);
    let mut record = csv::ByteRecord::new();
    while let Ok(true) = reader.read_byte_record(&mut record) {
        let line = record.position().map_or(0, |p| p.line());
        lines.push(u32::try_from(line).unwrap_or(u32::MAX));
    }
    (lines.len() == records).then_some(lines)
}

/// A UTF-8 file read as it is, chunk by chunk from disk, never decoded or
/// held whole. `head` is its start, for the delimiter and the header.
pub struct InPlace {
    pub head: Vec<u8>,
}

/// Checks a file can be read in place: UTF-8 throughout (validated in chunks,
/// never held whole), a first line within the first 64 KiB, nothing that
/// needs decoding. `None`: take the decoding path ([`read_decoded`]).
pub fn in_place(path: &Path) -> Option<InPlace> {
    in_place_chunked(path, 8 << 20)
}

fn in_place_chunked(path: &Path, chunk_size: usize) -> Option<InPlace> {
    use std::io::Read;
    let mut file = std::fs::File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    let mut head = Vec::new();
    (&mut file).take(1 << 16).read_to_end(&mut head).ok()?;
    let needs_decoding = Encoding::for_bom(&head).is_some_and(|(enc, _)| enc != UTF_8)
        || utf16_without_bom(&head).is_some()
        || head.starts_with(b"%PDF")
        || head.starts_with(b"PK\x03\x04")
        || head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
        || head.iter().all(u8::is_ascii_whitespace)
        || cr_line_ends(&head)
        || head.contains(&0)
        || (!head.contains(&b'\n') && len > head.len() as u64);
    if needs_decoding {
        return None;
    }
    let mut reader = std::fs::File::open(path).ok()?;
    // `kept`: the start of a character cut by the previous chunk's end, moved
    // to the front so the next read completes it.
    let (mut chunk, mut kept) = (vec![0u8; chunk_size.max(4)], 0usize);
    loop {
        let n = reader.read(&mut chunk[kept..]).ok()?;
        if n == 0 {
            break;
        }
        let end = kept + n;
        kept = match std::str::from_utf8(&chunk[..end]) {
            Ok(_) => 0,
            Err(e) if e.error_len().is_none() => {
                chunk.copy_within(e.valid_up_to()..end, 0);
                end - e.valid_up_to()
            }
            Err(_) => return None,
        };
    }
    (kept == 0).then_some(InPlace { head })
}

/// The line (1-based) of the first quote that breaks CSV quoting: a `"` in a
/// value that does not start with one, or a closing quote followed by more
/// text. `None` when the quoting is sound.
pub fn stray_quote(text: &[u8], delimiter: u8) -> Option<usize> {
    let (mut line, mut start, mut quoted, mut i) = (1usize, true, false, 0usize);
    while let Some(&b) = text.get(i) {
        if quoted {
            if b == b'"' {
                if text.get(i + 1) == Some(&b'"') {
                    i += 2;
                    continue;
                }
                quoted = false;
                if !matches!(text.get(i + 1), None | Some(b'\n' | b'\r'))
                    && text.get(i + 1) != Some(&delimiter)
                {
                    return Some(line);
                }
            } else if b == b'\n' {
                line += 1;
            }
        } else if b == b'"' {
            if !start {
                return Some(line);
            }
            quoted = true;
        } else if b == b'\n' {
            line += 1;
            start = true;
            i += 1;
            continue;
        } else if b == delimiter {
            start = true;
            i += 1;
            continue;
        }
        start = false;
        i += 1;
    }
    None
}

/// The line (1-based) where a quoted field opens and never closes, if one does.
pub fn unclosed_quote(text: &[u8]) -> Option<usize> {
    let (mut quoted, mut line, mut opened) = (false, 1, 0);
    for &b in text {
        match b {
            b'"' => {
                quoted = !quoted;
                if quoted {
                    opened = line;
                }
            }
            b'\n' => line += 1,
            _ => {}
        }
    }
    quoted.then_some(opened)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_each_delimiter() {
        assert_eq!(sniff_delimiter(b"a,b,c\n1,2,3\n"), b',');
        assert_eq!(sniff_delimiter(b"a;b;c\n1,5;2;3\n"), b';');
        assert_eq!(sniff_delimiter(b"a\tb\tc\n1\t2\t3\n"), b'\t');
        assert_eq!(sniff_delimiter(b"a|b|c\n1|2|3\n"), b'|');
        assert_eq!(sniff_delimiter(b"\"x,y\";b\n\"1,2\";3\n"), b';');
    }

    #[test]
    fn utf16_is_told_by_its_zero_bytes() {
        let le: Vec<u8> = "id,created\n1,2\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(utf16_without_bom(&le), Some(UTF_16LE));
        let be: Vec<u8> = "id,created\n1,2\n"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert_eq!(utf16_without_bom(&be), Some(UTF_16BE));
        assert_eq!(utf16_without_bom(b"id,created\n1,2\n"), None);
    }

    #[test]
    fn utf8_files_are_read_in_place_even_when_chunks_split_characters() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("leads.csv");
        std::fs::write(&path, "lead_id,name\nL1,José\nL2,Ça va ₹ 😀\n").unwrap();
        // Reads of 4 to 9 bytes (4 is the least: a character's cut start is
        // kept in front of the next read) cut the 2-, 3- and 4-byte
        // characters after each of their bytes.
        for size in 4..=9 {
            let p = in_place_chunked(&path, size).expect("valid UTF-8 is read in place");
            assert!(p.head.starts_with(b"lead_id,name"));
        }
        std::fs::write(&path, b"lead_id,name\nL1,Jos\xe9\n").unwrap();
        assert!(
            in_place_chunked(&path, 4).is_none(),
            "Windows-1252 goes to decoding"
        );
        let utf16: Vec<u8> = "lead_id\nL1\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        std::fs::write(&path, utf16).unwrap();
        assert!(in_place(&path).is_none(), "UTF-16 goes to decoding");
        std::fs::write(&path, b"lead_id,name\nL1,\xe2\x82").unwrap();
        assert!(
            in_place_chunked(&path, 4).is_none(),
            "a character cut off at the end is invalid"
        );
    }

    #[test]
    fn finds_the_line_of_a_stray_quote() {
        assert_eq!(stray_quote(b"a,b\n1,\"x \"\"y\"\"\"\n", b','), None);
        assert_eq!(stray_quote(b"a,b\n1,Asha \"the\n2,Ba\"la\n", b','), Some(2));
        assert_eq!(stray_quote(b"a,b\n1,\"x\"y,2\n", b','), Some(2));
        assert_eq!(stray_quote(b"a;b\r\n1;\"x;y\"\r\n2;z\"\r\n", b';'), Some(3));
    }

    #[test]
    fn finds_the_line_of_an_unclosed_quote() {
        assert_eq!(unclosed_quote(b"a,b\n1,\"x\"\n2,\"y\n3,z\n"), Some(3));
        assert_eq!(unclosed_quote(b"a,b\n1,\"x\ny\"\n"), None);
    }

    #[test]
    fn multi_line_records_get_their_first_line() {
        let text = b"1,\"x\ny\"\n2,z\n";
        assert_eq!(record_lines_from(&text[..], b',', 2), Some(vec![1, 3]));
        assert_eq!(record_lines_from(&text[..], b',', 3), None);
    }

    #[test]
    fn the_header_says_where_the_data_starts() {
        let text = "\u{feff}id,\"two\nline\"\n1,2\n".as_bytes();
        let h = read_header(Path::new("x.csv"), text, b',').unwrap();
        assert_eq!(h.names, ["id", "two\nline"]);
        assert_eq!(&text[h.end..], b"1,2\n");
        assert_eq!(h.next_line, 3);
        let crlf = b"id,name\r\n1,2\r\n";
        let h = read_header(Path::new("x.csv"), crlf, b',').unwrap();
        assert_eq!((&crlf[h.end..], h.next_line), (&b"1,2\r\n"[..], 2));
    }
}

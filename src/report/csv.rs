//! CSV exports: instants as local ISO 8601 text, and every text cell that a
//! spreadsheet would run as a formula neutralised with a leading `'`.

use chrono_tz::Tz;
use polars::prelude::*;

use super::instants::InstantText;
use crate::error::{HandoffError, Result};

/// Prefixes a `'` to text that a spreadsheet would treat as a formula.
pub fn neutralise(e: Expr) -> Expr {
    when(starts_formula(e.clone()))
        .then(concat_str([lit("'"), e.clone()], "", false))
        .otherwise(e)
}

/// Local ISO 8601 with offset, e.g. `2026-11-16T10:05:00+05:30`.
use crate::format::ISO_LOCAL;

/// An epoch-ms instant as a datetime in `tz` (the zone is metadata: no per-row work).
fn local_time(e: Expr, tz: Tz) -> Expr {
    e.cast(DataType::Datetime(
        TimeUnit::Milliseconds,
        Some(TimeZone::UTC),
    ))
    .dt()
    .convert_time_zone(TimeZone::from_chrono(&tz))
}

/// The first characters that make a spreadsheet run a cell as a formula.
const FORMULA_CHARS: [&str; 6] = ["=", "+", "-", "@", "\t", "\r"];

fn starts_formula(e: Expr) -> Expr {
    e.str().slice(lit(0i64), lit(1u64)).is_in(
        lit(Series::new("f".into(), FORMULA_CHARS)).implode(false),
        false,
    )
}

/// A frame made ready for [`write`]: `time_columns` as instants in `tz`
/// (made text a slice at a time as they are written, never all at once), and
/// only the text columns that hold a formula-like cell rewritten.
pub fn prepare(df: &DataFrame, time_columns: &[&str], tz: Tz) -> Result<DataFrame> {
    let text: Vec<PlSmallStr> = df
        .schema()
        .iter()
        .filter(|(name, dtype)| {
            **dtype == DataType::String && !time_columns.contains(&name.as_str())
        })
        .map(|(name, _)| name.clone())
        .collect();
    // One pass says which text columns hold a formula-like cell; only those are rewritten.
    let risky: Vec<PlSmallStr> = if text.is_empty() || df.height() == 0 {
        Vec::new()
    } else {
        let flags = df
            .clone()
            .lazy()
            .select(
                text.iter()
                    .map(|n| starts_formula(col(n.clone())).any(true).alias(n.clone()))
                    .collect::<Vec<_>>(),
            )
            .collect()
            .map_err(HandoffError::engine("checking CSV cells"))?;
        text.into_iter()
            .filter(|n| {
                matches!(
                    flags.column(n).ok().and_then(|c| c.get(0).ok()),
                    Some(AnyValue::Boolean(true))
                )
            })
            .collect()
    };
    let exprs: Vec<Expr> = df
        .schema()
        .iter()
        .map(|(name, _)| {
            let c = col(name.clone());
            if time_columns.contains(&name.as_str()) {
                local_time(c, tz).alias(name.clone())
            } else if risky.contains(name) {
                neutralise(c).alias(name.clone())
            } else {
                c
            }
        })
        .collect();
    df.clone()
        .lazy()
        .select(exprs)
        .collect()
        .map_err(HandoffError::engine("preparing CSV output"))
}

/// Rows whose instants are made text and written at a time: the text exists
/// for one slice, not for a whole 1M-row ledger.
const SLICE_ROWS: usize = 1 << 16;

/// Writes a [`prepare`]d frame as CSV; a failure is the writer's I/O error.
pub fn write(prepared: &mut DataFrame, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    write_sliced(prepared, out, SLICE_ROWS)
}

/// [`write`], its instants made text [`InstantText`]'s way `slice_rows` rows at a time.
fn write_sliced(
    prepared: &mut DataFrame,
    out: &mut dyn std::io::Write,
    slice_rows: usize,
) -> std::io::Result<()> {
    let io = |e: PolarsError| match e {
        PolarsError::IO { error, .. } => std::sync::Arc::try_unwrap(error)
            .unwrap_or_else(|shared| std::io::Error::new(shared.kind(), shared.to_string())),
        other => std::io::Error::other(other),
    };
    let mut writer = CsvWriter::new(out)
        .include_header(true)
        .with_datetime_format(Some(ISO_LOCAL.into()))
        .with_float_precision(Some(2));
    // Without tables (no instants, or centuries apart) the writer formats them.
    let Some(instants) = InstantText::for_frame(prepared) else {
        return writer.finish(prepared).map_err(io);
    };
    let mut batched = writer.batched(&instants.schema).map_err(io)?;
    for start in (0..prepared.height()).step_by(slice_rows.max(1)) {
        let slice = instants
            .apply(prepared.slice(start as i64, slice_rows))
            .map_err(io)?;
        batched.write_batch(&slice).map_err(io)?;
    }
    // Writes the header when there were no rows.
    batched.finish().map_err(io)
}

/// An email address anywhere in a text (its domain kept as group 1).
const EMAIL_IN_TEXT: &str = r"[A-Za-z0-9._%+\-]+@([A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+)";
/// A phone number anywhere in a text: eight or more digits, single spaces,
/// dashes, dots or brackets between them, an optional `+`.
const PHONE_IN_TEXT: &str = r"\+?\(?[0-9](?:[ .\-()]?[0-9]){7,}";

/// Emails and phone numbers inside free text (a lost reason, an id that is an
/// email, a landing page's query) replaced by masks.
fn scrub(text: Expr) -> Expr {
    text.str()
        .replace_all(lit(EMAIL_IN_TEXT), lit("***@$1"), false)
        .str()
        .replace_all(lit(PHONE_IN_TEXT), lit("***"), false)
}

/// A rejected value under masking: a personal column's value, or a value
/// beyond the header (a shifted row), hidden whole; any other value with
/// letters, an `@` or seven digits (a name or phone shifted into a date
/// column) keeps only its first character; dates and amounts stay readable.
fn rejected_value(value: Expr) -> Expr {
    let personal = col("column").str().contains(
        lit(r"\((name|phone|email)\)|a field after the last header"),
        false,
    );
    let risky = value
        .clone()
        .str()
        .contains(lit(r"[\p{L}@]|(?:[0-9][^0-9]*){7}"), false);
    when(personal)
        .then(lit("***"))
        .when(risky)
        .then(concat_str(
            [value.clone().str().head(lit(1i64)), lit("***")],
            "",
            false,
        ))
        .otherwise(value)
}

/// Masks personal data for reports that leave the company: names keep their
/// first letter, phones their country code and last two digits, emails their
/// first letter and domain; emails and phones inside any other text are
/// masked too, and rejected values that could be personal are hidden.
pub fn mask_pii(df: &DataFrame) -> Result<DataFrame> {
    use crate::model::{EMAIL, NAME, PHONE};
    let text = |c: &str| col(c).cast(DataType::String);
    let mut exprs = Vec::new();
    let rejects = df.column("column").is_ok() && df.column("value").is_ok();
    for column in df.columns() {
        let n = column.name().as_str();
        let masked = match n {
            NAME => concat_str([text(n).str().head(lit(1i64)), lit("***")], "", false),
            PHONE => concat_str(
                [
                    text(n).str().head(lit(3i64)),
                    lit("******"),
                    text(n).str().tail(lit(2i64)),
                ],
                "",
                false,
            ),
            EMAIL => concat_str(
                [
                    text(n).str().head(lit(1i64)),
                    lit("***@"),
                    text(n).str().extract(lit(r"@(.*)$"), 1),
                ],
                "",
                false,
            ),
            "value" if rejects => rejected_value(text(n)),
            // The tool's own words in rejects.csv.
            "file" | "input" | "column" | "reason" if rejects => continue,
            _ if column.dtype() == &DataType::String => scrub(col(n)),
            _ => continue,
        };
        exprs.push(masked.alias(n));
    }
    df.clone()
        .lazy()
        .with_columns(exprs)
        .collect()
        .map_err(HandoffError::engine("masking personal data"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A frame as CSV text, as a run writes it.
    fn to_csv(df: &DataFrame, time_columns: &[&str], tz: Tz) -> String {
        let mut out = prepare(df, time_columns, tz).unwrap();
        let mut bytes = Vec::new();
        write(&mut out, &mut bytes).unwrap();
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn slices_write_one_header_and_every_row_in_order() {
        let ms: Vec<Option<i64>> = (0..7)
            .map(|i| (i != 3).then_some(1_763_267_700_000 + i * 3_600_000))
            .collect();
        let df = df!["n" => (0..7i64).collect::<Vec<_>>(), "at" => ms].unwrap();
        let tz = chrono_tz::Europe::London;
        let whole = to_csv(&df, &["at"], tz);
        let mut prepared = prepare(&df, &["at"], tz).unwrap();
        let mut bytes = Vec::new();
        write_sliced(&mut prepared, &mut bytes, 3).unwrap();
        assert_eq!(String::from_utf8(bytes).unwrap(), whole);
        let lines: Vec<&str> = whole.lines().collect();
        assert_eq!(lines.len(), 8, "{whole}");
        assert_eq!(lines[0], "n,at");
        assert_eq!(lines[1], "0,2025-11-16T04:35:00+00:00");
        assert_eq!(lines[4], "3,");
        assert_eq!(lines[7], "6,2025-11-16T10:35:00+00:00");
        // No rows: the header alone.
        let mut empty = prepare(&df.head(Some(0)), &["at"], tz).unwrap();
        let mut bytes = Vec::new();
        write_sliced(&mut empty, &mut bytes, 3).unwrap();
        assert_eq!(String::from_utf8(bytes).unwrap(), "n,at\n");
    }

    #[test]
    fn personal_data_is_masked() {
        let df = df![
            "name" => [Some("Asha Rao"), None],
            "phone" => [Some("+919876543210"), None],
            "email" => [Some("asha@example.com"), None],
        ]
        .unwrap();
        let m = mask_pii(&df).unwrap();
        let get = |c: &str| {
            m.column(c)
                .unwrap()
                .str()
                .unwrap()
                .get(0)
                .map(str::to_string)
        };
        assert_eq!(get("name").as_deref(), Some("A***"));
        assert_eq!(get("phone").as_deref(), Some("+91******10"));
        assert_eq!(get("email").as_deref(), Some("a***@example.com"));
        assert_eq!(m.column("name").unwrap().null_count(), 1);
    }

    #[test]
    fn formulas_are_neutralised_and_times_are_local() {
        let df = df![
            "name" => ["=HYPERLINK(\"http://x\")", "+91 98765", "-2+3", "@SUM(A1)", "\tx", "Asha"],
            "at" => [0i64, 0, 0, 0, 0, 1_763_267_700_000],
        ]
        .unwrap();
        let text = to_csv(&df, &["at"], chrono_tz::Asia::Kolkata);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "name,at");
        assert!(lines[1].starts_with("\"'=HYPERLINK"), "{}", lines[1]);
        assert!(lines[2].starts_with("'+91 98765"), "{}", lines[2]);
        assert!(lines[3].starts_with("'-2+3"), "{}", lines[3]);
        assert!(lines[4].starts_with("'@SUM"), "{}", lines[4]);
        assert!(
            lines[5].starts_with("\"'\tx\"") || lines[5].starts_with("'\tx"),
            "{}",
            lines[5]
        );
        assert_eq!(lines[6], "Asha,2025-11-16T10:05:00+05:30");
    }
}

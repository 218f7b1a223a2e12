//! Value parsers as polars expressions: datetimes, money, phones, emails,
//! numbers. Each returns the parsed value and, where a value can be wrong,
//! an expression that is the problem's description (null when fine), so the
//! loader can reject the row with a reason instead of nulling it silently.

use polars::prelude::*;

use crate::calendar::fixed_offset_ms;
use crate::config::DateOrder;
use crate::phone::PhonePlan;

/// How to compute a parsed column: stages of expressions, each stage reading
/// only columns made by earlier stages (or the source), so every intermediate
/// is computed once. The source is clean text ([`clean_text`]: trimmed, empty
/// as null), as the loader's `_raw_` columns are: cleaning happens once, when
/// the file's columns are mapped, not again in each parser. The last stage
/// writes the value and, where a value can be wrong, a `String` problem column
/// (null when fine or absent). Temporary columns start with [`TMP`].
pub type Stages = Vec<Vec<Expr>>;

/// Prefix of the temporary columns the stages make.
pub const TMP: &str = "_tmp_";

const MS_PER_DAY: i64 = 86_400_000;

pub(super) fn tmp(src: &str, part: &str) -> String {
    format!("{TMP}{src}_{part}")
}

pub(super) fn c(name: &str) -> Expr {
    col(name)
}

/// Trims white space and turns the empty string into null (no regex: this runs on every cell).
pub fn clean_text(raw: Expr) -> Expr {
    raw.str()
        .strip_chars(lit(NULL).cast(DataType::String))
        .replace(lit(""), lit(NULL).cast(DataType::String))
}

pub(super) fn null_str() -> Expr {
    lit(NULL).cast(DataType::String)
}

fn null_i64() -> Expr {
    lit(NULL).cast(DataType::Int64)
}

/// Every accepted datetime form in one pattern, so a column is scanned once:
/// a date (ISO `y-m-d`, numeric `a/b/y`, `15 Apr, 2021`, `Apr 15, 2021`),
/// then optionally a time (`10:05`, `10:05:00.123`, `3:05 PM`) with an
/// optional zone (`Z`, `UTC`, `+05:30`, `+0530`, `-07`).
const DATETIME: &str = r"(?xi)^
    (?:
        (?P<iy>[0-9]{4})[-/.](?P<im>[0-9]{1,2})[-/.](?P<id>[0-9]{1,2})
      | (?P<na>[0-9]{1,2})[-/.](?P<nb>[0-9]{1,2})[-/.](?P<ny>[0-9]{4}|[0-9]{2})
      | (?P<dd>[0-9]{1,2})[-\ ](?P<dmon>[a-z]{3,9})\.?[-\ ,]+(?P<dy>[0-9]{4}|[0-9]{2})
      | (?P<mmon>[a-z]{3,9})\.?\ (?P<md>[0-9]{1,2}),?\ (?P<my>[0-9]{4})
    )
    (?:
        [T\ ,]+
        (?P<h>[0-9]{1,2}):(?P<mi>[0-9]{2})(?::(?P<s>[0-9]{2})(?:[.,](?P<f>[0-9]{1,9}))?)?
        \s*(?P<ap>[ap]\.?m\.?)?
        \s*(?P<zone>z|utc|gmt|[+-][0-9]{2}:?[0-9]{2}|[+-][0-9]{2})?
    )?
    $";
/// The `a/b/y` part alone, for deciding a column's day order.
const NUM_DATE: &str =
    r"^(?P<a>[0-9]{1,2})[-/.](?P<b>[0-9]{1,2})[-/.](?:[0-9]{4}|[0-9]{2})(?:[T ,]|$)";

fn groups(s: Expr, pattern: &str) -> Expr {
    // The patterns are constants of this file; compiling them cannot fail.
    s.str()
        .extract_groups(pattern)
        .expect("built-in regex compiles")
}

fn field(struct_col: &str, name: &str) -> Expr {
    col(struct_col).struct_().field_by_name(name)
}

fn int(e: Expr) -> Expr {
    e.cast(DataType::Int64)
}

fn between(e: Expr, lo: i64, hi: i64) -> Expr {
    e.clone().gt_eq(lit(lo)).and(e.lt_eq(lit(hi)))
}

/// Maxima of the two leading numbers of the `a/b/yyyy` dates in `dates`: a
/// value over 12 in the first says day-first, in the second month-first.
/// Two one-value expressions, the first number's and the second's.
pub fn numeric_date_leads(dates: Expr) -> [Expr; 2] {
    let parts = groups(clean_text(dates), NUM_DATE);
    ["a", "b"].map(|part| int(parts.clone().struct_().field_by_name(part)).max())
}

/// Decides day-first vs month-first from the maxima of [`numeric_date_leads`].
/// `None` means the data cannot decide (every value would read either way).
pub fn decide_order(max_a: Option<i64>, max_b: Option<i64>) -> Result<Option<DateOrder>, String> {
    match (max_a, max_b) {
        (Some(a), Some(b)) if a > 12 && b > 12 => Err(format!(
            "holds dates with a first number up to {a} and a second number up to {b}, so neither day-first nor month-first reads them all"
        )),
        (Some(a), _) if a > 12 => Ok(Some(DateOrder::Dmy)),
        (_, Some(b)) if b > 12 => Ok(Some(DateOrder::Mdy)),
        _ => Ok(None),
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's `days_from_civil`),
/// valid for the positive years this tool accepts.
fn days_from_civil(y: Expr, m: Expr, d: Expr) -> Expr {
    let march = m.clone().lt_eq(lit(2i64));
    let y = y - when(march.clone()).then(lit(1i64)).otherwise(lit(0i64));
    let era = y.clone() / lit(400i64);
    let yoe = y - era.clone() * lit(400i64);
    let mp = when(march)
        .then(m.clone() + lit(9i64))
        .otherwise(m - lit(3i64));
    let doy = (lit(153i64) * mp + lit(2i64)) / lit(5i64) + d - lit(1i64);
    let doe = yoe.clone() * lit(365i64) + yoe.clone() / lit(4i64) - yoe / lit(100i64) + doy;
    era * lit(146_097i64) + doe - lit(719_468i64)
}

fn days_in_month(y: Expr, m: Expr) -> Expr {
    let leap = (y.clone() % lit(4i64))
        .eq(lit(0i64))
        .and((y.clone() % lit(100i64)).neq(lit(0i64)))
        .or((y % lit(400i64)).eq(lit(0i64)));
    when(m.clone().eq(lit(2i64)))
        .then(when(leap).then(lit(29i64)).otherwise(lit(28i64)))
        .when(
            m.clone()
                .eq(lit(4i64))
                .or(m.clone().eq(lit(6i64)))
                .or(m.clone().eq(lit(9i64)))
                .or(m.eq(lit(11i64))),
        )
        .then(lit(30i64))
        .otherwise(lit(31i64))
}

fn month_number(name: Expr) -> Expr {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let old = Series::new("old".into(), MONTHS);
    let new = Series::new("new".into(), (1..=12i64).collect::<Vec<_>>());
    name.str()
        .to_lowercase()
        .str()
        .slice(lit(0i64), lit(3u64))
        .replace_strict(lit(old), lit(new), Some(null_i64()), Some(DataType::Int64))
}

/// Parses datetime column `src` into `out`, UTC epoch milliseconds (`Int64`).
///
/// Values with an offset (`Z`, `+05:30`, `+0530`) are exact; values without one
/// are local time in `tz`. `order` resolves `a/b/yyyy` dates; with `None`, any
/// such value whose two numbers are both 12 or less and differ is a problem.
pub fn parse_datetime(
    src: &str,
    out: &str,
    problem: &str,
    order: Option<DateOrder>,
    tz: chrono_tz::Tz,
) -> Stages {
    let t = |part: &str| tmp(src, part);
    let (s, g, zone) = (t("s"), t("g"), t("zone"));
    let (y0, m, d, h24, offset, ambiguous, unmatched) = (
        t("y0"),
        t("m"),
        t("d"),
        t("h24"),
        t("offset"),
        t("ambiguous"),
        t("unmatched"),
    );
    let (y, time_ms, time_bad, date_valid, in_range) = (
        t("y"),
        t("time_ms"),
        t("time_bad"),
        t("date_valid"),
        t("in_range"),
    );
    let (utc, ok) = (t("utc"), t("ok"));
    let f = |name: &str| field(&g, name);

    let (num_d, num_m) = match order {
        Some(DateOrder::Mdy) => (int(f("nb")), int(f("na"))),
        _ => (int(f("na")), int(f("nb"))),
    };
    let num_is_ambiguous = int(f("na"))
        .lt_eq(lit(12i64))
        .and(int(f("nb")).lt_eq(lit(12i64)))
        .and(int(f("na")).neq(int(f("nb"))));
    let num_ok = match order {
        Some(_) => f("ny").is_not_null(),
        None => f("ny").is_not_null().and(num_is_ambiguous.clone().not()),
    };
    let num_pick = |e: Expr| when(num_ok.clone()).then(e).otherwise(null_i64());
    // How many digits the year was written with.
    let y_digits = coalesce(&[f("iy"), f("ny"), f("dy"), f("my")])
        .str()
        .strip_chars(lit(NULL))
        .str()
        .len_chars();
    let h = int(f("h"));
    let ap = f("ap")
        .str()
        .to_lowercase()
        .str()
        .slice(lit(0i64), lit(1u64));
    let mi = int(f("mi"));
    let sec = int(f("s")).fill_null(lit(0i64));
    let frac_ms = int(concat_str([f("f"), lit("00")], "", false)
        .str()
        .slice(lit(0i64), lit(3u64)))
    .fill_null(lit(0i64));
    // "+05:30" -> "+0530": sign, hours, minutes by position.
    let zone_digits = c(&zone).str().replace_all(lit(":"), lit(""), true);
    let sign = when(zone_digits.clone().str().starts_with(lit("-")))
        .then(lit(-1i64))
        .otherwise(lit(1i64));
    let zone_minutes = int(zone_digits.clone().str().slice(lit(1i64), lit(2u64))) * lit(60i64)
        + int(zone_digits.str().slice(lit(3i64), lit(2u64))).fill_null(lit(0i64));
    let local_ms = days_from_civil(c(&y), c(&m), c(&d)) * lit(MS_PER_DAY) + c(&time_ms);
    let to_utc = |local: Expr| {
        local
            .cast(DataType::Datetime(TimeUnit::Milliseconds, None))
            .dt()
            .replace_time_zone(
                Some(TimeZone::from_chrono(&tz)),
                lit("earliest"),
                NonExistent::Null,
            )
            .cast(DataType::Int64)
    };
    // A date without a time on a day whose midnight the clocks skip (daylight
    // saving starting at midnight, as in Sao Paulo until 2019) is the first
    // instant of that day: an hour after the missing midnight.
    // The second conversion sees only date-only values that failed the first
    // (the rest are null, which costs nothing): timed values convert once.
    let first = to_utc(local_ms.clone());
    let from_local = coalesce(&[
        first.clone(),
        to_utc(
            when(f("h").is_null().and(first.is_null()))
                .then(local_ms.clone() + lit(3_600_000i64))
                .otherwise(null_i64()),
        ),
    ]);

    vec![
        vec![col(src).alias(s.as_str())],
        vec![groups(c(&s), DATETIME).alias(g.as_str())],
        vec![
            coalesce(&[
                int(f("iy")),
                num_pick(int(f("ny"))),
                int(f("dy")),
                int(f("my")),
            ])
            .alias(y0.as_str()),
            coalesce(&[
                int(f("im")),
                num_pick(num_m),
                month_number(f("dmon")),
                month_number(f("mmon")),
            ])
            .alias(m.as_str()),
            coalesce(&[int(f("id")), num_pick(num_d), int(f("dd")), int(f("md"))])
                .alias(d.as_str()),
            when(ap.clone().eq(lit("p")).and(h.clone().lt(lit(12i64))))
                .then(h.clone() + lit(12i64))
                .when(ap.clone().eq(lit("a")).and(h.clone().eq(lit(12i64))))
                .then(lit(0i64))
                .otherwise(h.clone())
                .alias(h24.as_str()),
            f("zone").str().to_lowercase().alias(zone.as_str()),
            f("ny")
                .is_not_null()
                .and(num_is_ambiguous)
                .alias(ambiguous.as_str()),
            c(&s).is_not_null().and(f("iy").is_null()).and(f("ny").is_null()).and(f("dy").is_null()).and(f("my").is_null()).alias(unmatched.as_str()),
        ],
        vec![
            // Only a year written with two digits is a two-digit year:
            // `0026` is the year 26 (and out of range), never 2026.
            when(y_digits.clone().lt_eq(lit(2u32)).and(c(&y0).lt(lit(70i64))))
                .then(c(&y0) + lit(2000i64))
                .when(y_digits.lt_eq(lit(2u32)).and(c(&y0).lt(lit(100i64))))
                .then(c(&y0) + lit(1900i64))
                .otherwise(c(&y0))
                .alias(y.as_str()),
            when(h.clone().is_null())
                .then(lit(0i64))
                .otherwise(
                    ((c(&h24) * lit(60i64) + mi.clone()) * lit(60i64) + sec.clone())
                        * lit(1000i64)
                        + frac_ms,
                )
                .alias(time_ms.as_str()),
            h.clone()
                .is_not_null()
                .and(
                    c(&h24)
                        .gt_eq(lit(24i64))
                        .or(mi.gt_eq(lit(60i64)))
                        .or(sec.gt_eq(lit(60i64)))
                        .or(ap
                            .is_not_null()
                            .and(h.clone().gt(lit(12i64)).or(h.eq(lit(0i64))))),
                )
                .alias(time_bad.as_str()),
            when(c(&zone).is_in(
                lit(Series::new("z".into(), ["z", "utc", "gmt"])).implode(false),
                false,
            ))
            .then(lit(0i64))
            .otherwise(sign * zone_minutes)
            .alias(offset.as_str()),
        ],
        vec![
            between(c(&m), 1, 12)
                .and(c(&d).gt_eq(lit(1i64)))
                .and(c(&d).lt_eq(days_in_month(c(&y), c(&m))))
                .alias(date_valid.as_str()),
            between(c(&y), 1990, 2099).alias(in_range.as_str()),
        ],
        vec![
            when(c(&zone).is_not_null())
                .then(local_ms - c(&offset) * lit(60_000i64))
                .otherwise(from_local)
                .alias(utc.as_str()),
            c(&date_valid)
                .and(c(&time_bad).not())
                .and(c(&in_range))
                .fill_null(lit(false))
                .alias(ok.as_str()),
        ],
        vec![
            when(c(&ok)).then(c(&utc)).otherwise(null_i64()).alias(out),
            when(c(&s).is_null())
                .then(null_str())
                .when(c(&y0).is_null().and(c(&ambiguous)))
                .then(lit(
                    "ambiguous date: day-first or month-first cannot be told from this column; set business.date_order = \"dmy\" or \"mdy\" in handoff.toml",
                ))
                .when(c(&unmatched))
                .then(lit(
                    "not a date/time this tool reads; expected forms like 2026-11-16 10:05, 2026-11-16T04:35:00Z, 16/11/2026 10:05, 15 Apr, 2026 00:03:00 or 04/07/2026 3:05 PM",
                ))
                .when(c(&date_valid).not())
                .then(lit(
                    "impossible date (no such day in that month, or month over 12)",
                ))
                .when(c(&time_bad))
                .then(lit(
                    "impossible time of day; expected HH:MM, HH:MM:SS or H:MM AM/PM",
                ))
                .when(c(&in_range).not())
                .then(lit(
                    "date before 1990 or after 2099; check that this column holds dates",
                ))
                .when(c(&utc).is_null())
                .then(lit(
                    "local time that does not exist in the configured time zone (clocks moved forward)",
                ))
                .otherwise(null_str())
                .alias(problem),
        ],
    ]
}

/// Formats for the fast path: (chrono format, carries an offset). Tried in order.
fn candidate_formats(order: Option<DateOrder>) -> Vec<(&'static str, bool)> {
    let mut v = vec![
        ("%Y-%m-%d %H:%M:%S", false),
        ("%Y-%m-%d %H:%M", false),
        ("%Y-%m-%dT%H:%M:%S", false),
        ("%Y-%m-%dT%H:%M", false),
        ("%Y-%m-%d %H:%M:%S%.f", false),
        ("%Y-%m-%dT%H:%M:%S%.f", false),
        ("%Y-%m-%dT%H:%M:%S%z", true),
        ("%Y-%m-%dT%H:%M:%S%.f%z", true),
        ("%Y-%m-%d %H:%M:%S%z", true),
    ];
    let dmy = [
        ("%d/%m/%Y %H:%M:%S", false),
        ("%d/%m/%Y %H:%M", false),
        ("%d-%m-%Y %H:%M:%S", false),
        ("%d-%m-%Y %H:%M", false),
        ("%d.%m.%Y %H:%M:%S", false),
        ("%d.%m.%Y %H:%M", false),
        ("%d/%m/%Y %I:%M %p", false),
        ("%d/%m/%Y %I:%M:%S %p", false),
    ];
    let mdy = [
        ("%m/%d/%Y %H:%M:%S", false),
        ("%m/%d/%Y %H:%M", false),
        ("%m/%d/%Y %I:%M %p", false),
        ("%m/%d/%Y %I:%M:%S %p", false),
    ];
    match order {
        Some(DateOrder::Dmy) => v.extend(dmy),
        Some(DateOrder::Mdy) => v.extend(mdy),
        None => {}
    }
    v
}

/// Of the sampled values, the share (in tenths) one format must read to be a
/// column's fast format: a few odd values (`13/09/ 2026 22:39` among ISO
/// timestamps) go to the full parser on their own, not the whole column.
const FAST_FORMAT_TENTHS: usize = 9;

/// The candidate format that reads the most sampled values (checked with
/// chrono; the earliest candidate on a tie), when it reads at least
/// [`FAST_FORMAT_TENTHS`] of them.
pub fn fast_format(sample: &[&str], order: Option<DateOrder>) -> Option<(&'static str, bool)> {
    let reads = |(format, offset): &(&str, bool)| {
        sample
            .iter()
            .filter(|v| {
                if *offset {
                    chrono::DateTime::parse_from_str(v, format).is_ok()
                } else {
                    chrono::NaiveDateTime::parse_from_str(v, format).is_ok()
                }
            })
            .count()
    };
    let mut best: Option<((&'static str, bool), usize)> = None;
    for candidate in candidate_formats(order) {
        let n = reads(&candidate);
        if n == sample.len() {
            best = Some((candidate, n));
            break;
        }
        if best.is_none_or(|(_, most)| n > most) {
            best = Some((candidate, n));
        }
    }
    best.filter(|(_, n)| *n > 0 && n * 10 >= sample.len() * FAST_FORMAT_TENTHS)
        .map(|(format, _)| format)
}

/// The plausible range of a datetime: the years the calendar supports.
const PLAUSIBLE_MS: (i64, i64) = crate::calendar::SUPPORTED_MS;

/// Parses `src` with one strptime format: UTC epoch ms, null where the format
/// does not fit. `offset_ms` is the zone's fixed offset, if it has one.
fn fast_utc(
    src: &str,
    format: &str,
    offset: bool,
    tz: chrono_tz::Tz,
    offset_ms: Option<i64>,
) -> Expr {
    if offset {
        return col(src)
            .str()
            .strptime(
                DataType::Datetime(TimeUnit::Milliseconds, Some(TimeZone::UTC)),
                strptime_options(format),
                lit("raise"),
            )
            .cast(DataType::Int64);
    }
    local_to_utc(naive_ms(col(src), format), tz, offset_ms)
}

/// Wall-clock text read through `format` by polars' strptime, as epoch ms
/// (the wall time read as if UTC); null where the format does not fit.
fn naive_ms(text: Expr, format: &str) -> Expr {
    text.str()
        .strptime(
            DataType::Datetime(TimeUnit::Milliseconds, None),
            strptime_options(format),
            lit("raise"),
        )
        .cast(DataType::Int64)
}

/// Local epoch ms (wall time read as if UTC) to UTC epoch ms in `tz`.
fn local_to_utc(local: Expr, tz: chrono_tz::Tz, offset_ms: Option<i64>) -> Expr {
    match offset_ms {
        // No clock changes: local to UTC is one subtraction, not a zone lookup per row.
        Some(offset) => local - lit(offset),
        None => local
            .cast(DataType::Datetime(TimeUnit::Milliseconds, None))
            .dt()
            .replace_time_zone(
                Some(TimeZone::from_chrono(&tz)),
                lit("earliest"),
                NonExistent::Null,
            )
            .cast(DataType::Int64),
    }
}

/// Whether every sampled value ends in ` AM` or ` PM` (any case): then
/// [`twelve_hour_by_position`] reads them.
fn am_pm_suffixes(sample: &[&str]) -> bool {
    all_end_in(sample, AM_PM_TEXT, |z| {
        z[0] == b' ' && matches!(z[1], b'A' | b'a' | b'P' | b'p') && matches!(z[2], b'M' | b'm')
    })
}

/// Whether every sampled value is longer than `len` bytes and its last
/// `len` bytes pass `fits`.
fn all_end_in(sample: &[&str], len: usize, fits: impl Fn(&[u8]) -> bool) -> bool {
    sample.iter().all(|v| {
        let b = v.as_bytes();
        b.len() > len && fits(&b[b.len() - len..])
    })
}

/// Characters of a ` AM` / ` PM` suffix.
const AM_PM_TEXT: usize = 3;

/// Parses `src`, whose values end in ` AM` or ` PM`, as UTC epoch ms: the
/// text before the suffix through `format` with its `%I` read as `%H`
/// (polars' own fast parser; chrono parses the format again for every
/// value), then the hour moved by the suffix. Null where the hour is not 1-12
/// or either part does not read (the full parser then explains the value).
fn twelve_hour_by_position(
    src: &str,
    format: &str,
    tz: chrono_tz::Tz,
    offset_ms: Option<i64>,
) -> Expr {
    const HOUR_MS: i64 = 3_600_000;
    let format = format.trim_end_matches(" %p").replace("%I", "%H");
    let clock = naive_ms(col(src).str().head(lit(-(AM_PM_TEXT as i64))), &format);
    let hour = (clock.clone() % lit(MS_PER_DAY)) / lit(HOUR_MS);
    let half = col(src).str().tail(lit(2i64)).str().to_uppercase();
    let pm = half.clone().eq(lit("PM"));
    let neither = half.neq(lit("AM")).and(pm.clone().not());
    let local = when(
        neither
            .or(hour.clone().lt(lit(1i64)))
            .or(hour.clone().gt(lit(12i64))),
    )
    .then(null_i64())
    .when(pm.clone().and(hour.clone().lt(lit(12i64))))
    .then(clock.clone() + lit(12 * HOUR_MS))
    .when(pm.not().and(hour.eq(lit(12i64))))
    .then(clock.clone() - lit(12 * HOUR_MS))
    .otherwise(clock);
    local_to_utc(local, tz, offset_ms)
}

fn strptime_options(format: &str) -> StrptimeOptions {
    StrptimeOptions {
        format: Some(format.into()),
        strict: false,
        exact: true,
        // Timestamps are nearly all distinct: an LRU cache only costs.
        cache: false,
    }
}

/// Whether every sampled value ends in a `+HH:MM` offset, as ISO exports
/// write it (Meta's lead ads, `+00:00`): then [`offset_by_position`] reads them.
fn colon_offsets(sample: &[&str]) -> bool {
    all_end_in(sample, OFFSET_TEXT, |z| {
        matches!(z[0], b'+' | b'-')
            && z[3] == b':'
            && [1, 2, 4, 5].iter().all(|&i| z[i].is_ascii_digit())
    })
}

/// Parses `src`, whose values end in a `+HH:MM` offset, as UTC epoch ms: the
/// text before the offset through `naive_format` (polars' own fast parser),
/// the offset read by position. Through chrono, which parses the format
/// again for every value, the same column took three times as long. Null
/// where either part does not read (the full parser then explains the value).
fn offset_by_position(src: &str, naive_format: &str) -> Expr {
    let naive = naive_ms(
        col(src).str().head(lit(-(OFFSET_TEXT as i64))),
        naive_format,
    );
    let zone = col(src).str().tail(lit(OFFSET_TEXT as i64));
    let at = |start: i64, len: u64| zone.clone().str().slice(lit(start), lit(len));
    let number = |start: i64| at(start, 2).cast(DataType::Int64);
    let (hours, minutes) = (number(1), number(4));
    let sign = when(at(0, 1).eq(lit("+")))
        .then(lit(1i64))
        .when(at(0, 1).eq(lit("-")))
        .then(lit(-1i64))
        .otherwise(null_i64());
    let minutes_east = when(
        at(3, 1)
            .eq(lit(":"))
            .and(hours.clone().lt(lit(24i64)))
            .and(minutes.clone().lt(lit(60i64))),
    )
    .then(sign * (hours * lit(60i64) + minutes))
    .otherwise(null_i64());
    naive - minutes_east * lit(60_000i64)
}

/// Characters of a `+HH:MM` offset at the end of a timestamp.
const OFFSET_TEXT: usize = 6;

/// Keeps a parsed instant only when it is plausible (1990-2099); null otherwise,
/// for the full parser to read and explain.
fn plausible(utc: Expr) -> Expr {
    when(between(utc.clone(), PLAUSIBLE_MS.0, PLAUSIBLE_MS.1 - 1))
        .then(utc)
        .otherwise(null_i64())
}

/// One datetime column to parse: its source text, the parsed column
/// (UTC epoch ms), the problem column, and the day order decided for it.
pub struct DatetimeColumn {
    pub src: String,
    pub out: String,
    pub problem: String,
    pub order: Option<DateOrder>,
}

/// The first non-empty values of a text column, trimmed: what formats are tried on.
fn sample(df: &DataFrame, src: &str) -> PolarsResult<Vec<String>> {
    Ok(df
        .column(src)?
        .str()?
        .iter()
        .flatten()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .take(500)
        .map(str::to_string)
        .collect())
}

/// Parses datetime columns of `df` together (one pass for all columns, so
/// polars spreads them over the cores): each column through polars' strptime
/// with its own format where one fits every sampled value, and the full
/// parser ([`parse_datetime`]) for the rows that format could not read, or
/// for the whole column when no single format fits. Adds `out` and `problem`
/// of each column.
pub fn parse_datetime_columns(
    df: DataFrame,
    columns: &[DatetimeColumn],
    tz: chrono_tz::Tz,
) -> PolarsResult<DataFrame> {
    let offset_ms = fixed_offset_ms(tz);
    let mut fast: Vec<(&DatetimeColumn, Expr)> = Vec::new();
    let mut full: Vec<Stages> = Vec::new();
    for c in columns {
        let sample = sample(&df, &c.src)?;
        let sample: Vec<&str> = sample.iter().map(String::as_str).collect();
        match fast_format(&sample, c.order) {
            Some((format, true)) if colon_offsets(&sample) && format.ends_with("%z") => {
                let naive = format.trim_end_matches("%z");
                fast.push((c, offset_by_position(&c.src, naive)));
            }
            Some((format, false)) if am_pm_suffixes(&sample) && format.ends_with(" %p") => {
                fast.push((c, twelve_hour_by_position(&c.src, format, tz, offset_ms)));
            }
            Some((format, offset)) => {
                fast.push((c, fast_utc(&c.src, format, offset, tz, offset_ms)));
            }
            None => full.push(parse_datetime(&c.src, &c.out, &c.problem, c.order, tz)),
        }
    }
    let mut df = apply_stages(df, merge_stages(full))?;
    if fast.is_empty() {
        return Ok(df);
    }
    // Two steps: strptime into a temporary, which the plausibility check reads
    // twice (its bounds test and its result).
    df = df
        .lazy()
        .with_columns(
            fast.iter()
                .map(|(c, utc)| utc.clone().alias(tmp(&c.src, "utc")))
                .collect::<Vec<_>>(),
        )
        .with_columns(
            fast.iter()
                .map(|(c, _)| plausible(col(tmp(&c.src, "utc"))).alias(c.out.as_str()))
                .collect::<Vec<_>>(),
        )
        .drop(cols(fast.iter().map(|(c, _)| tmp(&c.src, "utc"))))
        .collect()?;
    let unread = |c: &DatetimeColumn| {
        col(c.src.as_str())
            .is_not_null()
            .and(col(c.out.as_str()).is_null())
    };
    let left = df
        .clone()
        .lazy()
        .select(
            fast.iter()
                .map(|(c, _)| unread(c).sum().cast(DataType::Int64).alias(c.out.as_str()))
                .collect::<Vec<_>>(),
        )
        .collect()?;
    let mut read_all = Vec::new();
    for (c, _) in &fast {
        let n = left.column(&c.out)?.get(0)?.extract::<i64>().unwrap_or(0);
        if n == 0 {
            read_all.push(null_str().alias(c.problem.as_str()));
        } else {
            df = parse_unread(df, c, unread(c), tz)?;
        }
    }
    if read_all.is_empty() {
        Ok(df)
    } else {
        df.lazy().with_columns(read_all).collect()
    }
}

/// The full parser on the rows a column's fast format left unread (`unread`):
/// fills `out` there and adds the column's `problem`.
fn parse_unread(
    df: DataFrame,
    c: &DatetimeColumn,
    unread: Expr,
    tz: chrono_tz::Tz,
) -> PolarsResult<DataFrame> {
    let (src, out) = (c.src.as_str(), c.out.as_str());
    // Not `_tmp_` names: `apply_stages` drops those.
    let row = format!("_row_{src}");
    let (slow, slow_problem) = (format!("_slow_{src}"), format!("_slow_problem_{src}"));
    let df = df.with_row_index(row.as_str().into(), None)?;
    let subset = df
        .clone()
        .lazy()
        .filter(unread)
        .select([col(row.as_str()), col(src)])
        .collect()?;
    let parsed = apply_stages(
        subset,
        parse_datetime(src, &slow, &slow_problem, c.order, tz),
    )?;
    let mut args = JoinArgs::new(JoinType::Left);
    args.maintain_order = MaintainOrderJoin::Left;
    df.lazy()
        .join(
            parsed.lazy().select([
                col(row.as_str()),
                col(slow.as_str()),
                col(slow_problem.as_str()),
            ]),
            [col(row.as_str())],
            [col(row.as_str())],
            args,
        )
        .with_columns([
            coalesce(&[col(out), col(slow.as_str())]).alias(out),
            col(slow_problem.as_str()).alias(c.problem.as_str()),
        ])
        .drop(cols([row, slow, slow_problem]))
        .collect()
}

/// The longest call duration read, in seconds (a week): a larger number is
/// a data error, not a call.
pub const MAX_DURATION_S: f64 = 7.0 * 86_400.0;

/// Whether a duration in seconds lies within 0 to [`MAX_DURATION_S`]: false
/// for NaN, null for null. The parser and [`plain_columns`] both judge by it,
/// so a column judged plain has no value the parser would reject.
fn duration_in_range(seconds: Expr) -> Expr {
    (seconds.clone().gt_eq(lit(0.0))).and(seconds.lt_eq(lit(MAX_DURATION_S)))
}

/// Parses a non-negative number (a call duration in seconds: `95`, `95.0`, `1,200`,
/// or a clock duration `1:35`, `00:01:35`) up to [`MAX_DURATION_S`]. `plain`:
/// a number cast reads every value of the column within range (see
/// [`plain_columns`]), so there is nothing to look for and no value to reject.
pub fn parse_duration(src: &str, out: &str, problem: &str, plain: bool) -> Stages {
    if plain {
        return vec![vec![
            col(src).cast(DataType::Float64).alias(out),
            null_str().alias(problem),
        ]];
    }
    let max = MAX_DURATION_S;
    let (s, number, hms) = (tmp(src, "s"), tmp(src, "number"), tmp(src, "hms"));
    let part = |name: &str| {
        c(&hms)
            .struct_()
            .field_by_name(name)
            .cast(DataType::Float64)
    };
    let clock = when(c(&hms).struct_().field_by_name("s").is_not_null())
        .then(part("a") * lit(3600.0) + part("b") * lit(60.0) + part("s"))
        .otherwise(part("a") * lit(60.0) + part("b"));
    let ok = c(&number).is_not_null().and(duration_in_range(c(&number)));
    let checked = vec![
        when(ok.clone())
            .then(c(&number))
            .otherwise(lit(NULL).cast(DataType::Float64))
            .alias(out),
        when(c(&s).is_null().or(ok))
            .then(null_str())
            .when(c(&number).is_null().or(c(&number).is_nan()))
            .then(lit("not a number"))
            .when(c(&number).lt(lit(0.0)))
            .then(lit("negative; expected zero or more"))
            .otherwise(lit(format!("absurdly large (over {max})")))
            .alias(problem),
    ];
    vec![
        vec![col(src).alias(s.as_str())],
        vec![
            // The pattern runs on clock values only; plain numbers are null here.
            groups(
                when(c(&s).str().contains_literal(lit(":")))
                    .then(c(&s))
                    .otherwise(null_str()),
                r"^(?P<a>[0-9]{1,4}):(?P<b>[0-5][0-9])(?::(?P<s>[0-5][0-9]))?$",
            )
            .alias(hms.as_str()),
        ],
        vec![
            when(c(&s).str().contains_literal(lit(":")))
                .then(clock)
                .otherwise(
                    c(&s)
                        .str()
                        .replace_all(lit(","), lit(""), true)
                        .cast(DataType::Float64),
                )
                .alias(number.as_str()),
        ],
        checked,
    ]
}

/// An Excel serial date typed as a plain number (`45356.5`) as `YYYY-MM-DD HH:MM:SS`
/// text; other text unchanged. Only serials of 1990-2099 are read as dates.
pub fn excel_serial(raw: Expr) -> Expr {
    let number = raw
        .clone()
        .str()
        .strip_chars(null_str())
        .cast(DataType::Float64);
    let is_serial = raw
        .clone()
        .str()
        .contains(lit(r"^\s*[0-9]{5}(\.[0-9]+)?\s*$"), false)
        .and(number.clone().gt_eq(lit(32874.0)))
        .and(number.clone().lt(lit(73415.0)));
    let ms = ((number - lit(25569.0)) * lit(86_400_000.0))
        .round(0, RoundMode::HalfToEven)
        .cast(DataType::Int64);
    let text = ms
        .cast(DataType::Datetime(TimeUnit::Milliseconds, None))
        .dt()
        .strftime("%Y-%m-%d %H:%M:%S");
    when(is_serial.fill_null(lit(false)))
        .then(text)
        .otherwise(raw)
}

/// Normalises an email: trimmed and lower-cased; null when it is not an address.
pub fn parse_email(src: &str, out: &str) -> Stages {
    let s = tmp(src, "s");
    let visible = without_invisible(col(src));
    vec![
        vec![
            visible.clone().str().to_lowercase().alias(s.as_str()),
            shorter(visible, src).alias(invisible_flag(out)),
        ],
        vec![
            when(
                c(&s)
                    .str()
                    .contains(lit(r"^[^@\s]+@[^@\s]+\.[^@\s]+$"), false),
            )
            .then(c(&s))
            .otherwise(null_str())
            .alias(out),
        ],
    ]
}

/// Text: trimmed, white space folded, empty as null.
pub fn parse_text(src: &str, out: &str) -> Stages {
    vec![vec![col(src).alias(out)]]
}

/// Characters that print as nothing (zero-width space, joiners, word joiner,
/// a byte-order mark inside the text): invisible in a spreadsheet, yet they
/// make `L1` and `L1\u{200b}` two keys.
pub const INVISIBLE: &str = "[\u{200B}\u{200C}\u{200D}\u{2060}\u{FEFF}]";

/// A key (an id or an email): text without invisible characters, empty as null.
/// The column flagging values whose invisible characters were removed (counted, then dropped).
pub fn invisible_flag(out: &str) -> String {
    format!("{REPAIRED}invisible_{out}")
}

/// The column flagging phones whose extension was dropped (counted, then dropped).
pub fn extension_flag(out: &str) -> String {
    format!("{REPAIRED}extension_{out}")
}

/// The prefix of the repair flags: kept past the stages, read by the
/// loader's counts, never kept in a loaded frame.
pub const REPAIRED: &str = "_repaired_";

/// Whether a repair made the text shorter than column `src`'s: cheaper than
/// searching every value again for what the repair removed.
fn shorter(repaired: Expr, src: &str) -> Expr {
    repaired
        .str()
        .len_bytes()
        .neq(col(src).str().len_bytes())
        .fill_null(lit(false))
}

pub fn without_invisible(e: Expr) -> Expr {
    clean_text(e.str().replace_all(lit(INVISIBLE), lit(""), false))
}

/// The raw columns that [`plain_columns`] judges, by kind.
#[derive(Debug, Default)]
pub struct PlainKinds {
    pub keys: Vec<String>,
    pub numbers: Vec<String>,
    pub phones: Vec<String>,
}

/// A phone with nothing to repair: digits, after at most a `+` and Meta's `p:`.
const PLAIN_PHONE: &str = r"^(?:p:)?\+?[0-9]+$";

/// The columns of a chunk whose every value is already in the plain form of
/// its kind, so their parsers skip the repairs no value needs: keys (and
/// nothing else) with no invisible character and no vendor null id; numbers
/// (durations) that a number cast reads whole and that lie within
/// [`MAX_DURATION_S`], so no clock duration, no group separator and nothing
/// to reject; phones of bare digits (see [`PLAIN_PHONE`]), so no
/// extension, separator or letter. Judged in one pass over the chunk's clean
/// text.
pub fn plain_columns(df: &DataFrame, kinds: &PlainKinds) -> PolarsResult<Vec<String>> {
    let key_odd = |v: Expr| {
        v.clone()
            .str()
            .contains(lit(INVISIBLE), false)
            .or(v.is_in(lit(Series::new("n".into(), NULL_ID)).implode(false), false))
    };
    let number_odd = |v: Expr| {
        let in_range = duration_in_range(v.clone().cast(DataType::Float64));
        v.is_not_null().and(in_range.not().fill_null(lit(true)))
    };
    let phone_odd = |v: Expr| v.str().contains(lit(PLAIN_PHONE), false).not();
    let checks: Vec<Expr> = (kinds.keys.iter())
        .map(|k| (k, key_odd(col(k.as_str()))))
        .chain(
            kinds
                .numbers
                .iter()
                .map(|n| (n, number_odd(col(n.as_str())))),
        )
        .chain(kinds.phones.iter().map(|p| (p, phone_odd(col(p.as_str())))))
        .map(|(name, odd)| odd.any(true).alias(name.as_str()))
        .collect();
    if checks.is_empty() {
        return Ok(Vec::new());
    }
    let found = df.clone().lazy().select(checks).collect()?;
    Ok(found
        .columns()
        .iter()
        .filter(|c| matches!(c.get(0), Ok(AnyValue::Boolean(false))))
        .map(|c| c.name().to_string())
        .collect())
}

/// A Salesforce null id (`000000000000000AAA`, or its 15-character form):
/// "no record", not a record whose id is zeros.
const NULL_ID: [&str; 2] = ["000000000000000", "000000000000000AAA"];

/// A key column: trimmed, invisible characters removed, empty (or a vendor's
/// null id) as null. `plain`: no value of the column needs either (see
/// [`plain_columns`]), so the clean text is the key as it is.
pub fn parse_key(src: &str, out: &str, plain: bool) -> Stages {
    if plain {
        return vec![vec![
            col(src).alias(out),
            lit(false).alias(invisible_flag(out)),
        ]];
    }
    let key = without_invisible(col(src));
    vec![vec![
        shorter(key.clone(), src).alias(invisible_flag(out)),
        when(
            key.clone()
                .eq(lit(NULL_ID[0]))
                .or(key.clone().eq(lit(NULL_ID[1]))),
        )
        .then(null_str())
        .otherwise(key)
        .alias(out),
    ]]
}

/// Letters (or an `@`) in a phone cell: the text is no phone number (an
/// email, a note, a vanity number).
pub const PHONE_LETTERS: &str = "[A-Za-z@]";

/// A phone extension at the end of a number (`#4`, `ext 12`, `ext. 12`,
/// `x12`, `extension 7`): not part of the number.
pub const PHONE_EXTENSION: &str = r"(?i)\s*(?:#|ext\.?|extension|x)\s*[0-9]{1,6}\s*$";

/// Normalises phone column `src` to E.164 under `plan` into `out`; null when it
/// cannot be a phone (the contract's rule: such a row cannot match by phone).
/// `plain`: every value is bare digits (see [`plain_columns`]), so the
/// repairs' patterns are not run.
pub fn parse_phone(src: &str, out: &str, plan: &PhonePlan, plain: bool) -> Stages {
    let (s, digits, len) = (tmp(src, "s"), tmp(src, "digits"), tmp(src, "len"));
    let (prefix, skip) = (tmp(src, "prefix"), tmp(src, "skip"));
    let has_letters = tmp(src, "letters");
    let cc = plan.calling_code.as_str();
    let n = plan.national_len as i64;
    let none = || lit(NULL).cast(DataType::String);
    // Each rule picks a prefix and how many leading digits to drop; one
    // concatenation then builds the number (branches of a when/then chain are
    // all computed, so they stay cheap literals here).
    let mut rules: Vec<(Expr, &str, i64)> = vec![
        (
            c(&s)
                .str()
                .starts_with(lit("+"))
                .and(between(c(&len), 8, 15)),
            "+",
            0,
        ),
        (
            c(&digits)
                .str()
                .starts_with(lit("00"))
                .and(between(c(&len), 10, 17)),
            "+",
            2,
        ),
        (c(&len).eq(lit(n)), "", 0),
        (
            c(&len)
                .eq(lit(n + cc.len() as i64))
                .and(c(&digits).str().starts_with(lit(cc))),
            "+",
            0,
        ),
    ];
    if !plan.trunk.is_empty() {
        rules.push((
            c(&len)
                .eq(lit(n + plan.trunk.len() as i64))
                .and(c(&digits).str().starts_with(lit(plan.trunk.clone()))),
            "",
            plan.trunk.len() as i64,
        ));
    }
    let with_cc = format!("+{cc}");
    let letters = c(&has_letters);
    // Nested from the last rule, so the first rule that holds wins.
    let mut pre = none();
    let mut drop = lit(NULL).cast(DataType::Int64);
    for (cond, p, k) in rules.into_iter().rev() {
        let p = if p.is_empty() { with_cc.as_str() } else { p };
        pre = when(cond.clone()).then(lit(p.to_string())).otherwise(pre);
        drop = when(cond).then(lit(k)).otherwise(drop);
    }
    let pre = when(letters.clone()).then(none()).otherwise(pre);
    let drop = when(letters)
        .then(lit(NULL).cast(DataType::Int64))
        .otherwise(drop);
    let mut stages = if plain {
        vec![
            vec![
                col(src).str().strip_prefix(lit("p:")).alias(s.as_str()),
                lit(false).alias(extension_flag(out)),
            ],
            vec![
                c(&s).str().strip_prefix(lit("+")).alias(digits.as_str()),
                lit(false).alias(has_letters.as_str()),
            ],
        ]
    } else {
        phone_repairs(src, out)
    };
    stages.extend([
        vec![
            c(&digits)
                .str()
                .len_bytes()
                .cast(DataType::Int64)
                .alias(len.as_str()),
        ],
        vec![pre.alias(prefix.as_str()), drop.alias(skip.as_str())],
        vec![
            concat_str(
                [c(&prefix), c(&digits).str().slice(c(&skip), lit(64u64))],
                "",
                false,
            )
            .alias(out),
        ],
    ]);
    stages
}

/// The first two stages of [`parse_phone`] for a column that needs repairs:
/// the number without an extension or a bracketed trunk prefix, its digits,
/// and whether it holds letters.
fn phone_repairs(src: &str, out: &str) -> Stages {
    let (s, digits) = (tmp(src, "s"), tmp(src, "digits"));
    let has_letters = tmp(src, "letters");
    vec![
        {
            let bare = col(src).str().strip_prefix(lit("p:"));
            let no_extension = bare
                .clone()
                .str()
                .replace(lit(PHONE_EXTENSION), lit(""), false);
            vec![
                // `+44 (0) 20 ...`: the trunk prefix shown in brackets is not dialled.
                no_extension
                    .clone()
                    .str()
                    .replace(lit("(0)"), lit(""), true)
                    .alias(s.as_str()),
                no_extension
                    .str()
                    .len_bytes()
                    .neq(bare.str().len_bytes())
                    .fill_null(lit(false))
                    .alias(extension_flag(out)),
            ]
        },
        vec![
            c(&s)
                .str()
                .replace_all(lit(r"[^0-9]"), lit(""), false)
                .alias(digits.as_str()),
            // Read by two expressions below: computed once here.
            c(&s)
                .str()
                .contains(lit(PHONE_LETTERS), false)
                .alias(has_letters.as_str()),
        ],
    ]
}

/// Several columns' stages as one: step `i` computes every column's step `i`,
/// so polars evaluates the columns side by side. Valid because a column's
/// stages read only its own source and temporaries (named after the source).
pub fn merge_stages(columns: Vec<Stages>) -> Stages {
    let depth = columns.iter().map(Vec::len).max().unwrap_or(0);
    let mut merged: Stages = vec![Vec::new(); depth];
    for stages in columns {
        for (step, exprs) in merged.iter_mut().zip(stages) {
            step.extend(exprs);
        }
    }
    merged
}

/// Runs the stages in order as one query and materialises the result without
/// the temporaries. Several columns go through one call as [`merge_stages`]
/// makes them, so polars computes them side by side.
pub fn apply_stages(df: DataFrame, stages: Stages) -> PolarsResult<DataFrame> {
    if stages.is_empty() {
        return Ok(df);
    }
    let mut lf = df.lazy();
    for exprs in stages {
        lf = lf.with_columns(exprs);
    }
    lf.drop(Selector::Matches(format!("^{TMP}.*$").into()))
        .collect()
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// Runs stages made for source column "v" and returns column `out` ("out" or "problem").
    /// A column "v" of `values` as the loader hands it to the parsers: clean text.
    pub(in crate::load) fn cleaned(values: &[Option<&str>]) -> DataFrame {
        df!["v" => values]
            .unwrap()
            .lazy()
            .with_column(clean_text(col("v")).alias("v"))
            .collect()
            .unwrap()
    }

    #[test]
    fn clean_text_trims_and_empties_to_null() {
        let got = cleaned(&[
            Some("  Asha Rao \t"),
            Some("   "),
            Some(""),
            None,
            Some("a  b"),
        ]);
        let got: Vec<Option<&str>> = got.column("v").unwrap().str().unwrap().iter().collect();
        assert_eq!(got, [Some("Asha Rao"), None, None, None, Some("a  b")]);
    }

    pub(in crate::load) fn run_col(values: &[Option<&str>], stages: Stages, out: &str) -> Series {
        apply_stages(cleaned(values), stages)
            .unwrap()
            .column(out)
            .unwrap()
            .as_materialized_series()
            .clone()
    }

    pub(in crate::load) fn run(values: &[Option<&str>], stages: Stages) -> Series {
        run_col(values, stages, "out")
    }

    pub(in crate::load) fn strings(s: &Series) -> Vec<Option<String>> {
        s.str()
            .unwrap()
            .iter()
            .map(|v| v.map(str::to_string))
            .collect()
    }

    fn ints(s: &Series) -> Vec<Option<i64>> {
        s.i64().unwrap().iter().collect()
    }

    /// Epoch ms of a UTC wall time.
    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> i64 {
        chrono::NaiveDate::from_ymd_opt(y, mo, d)
            .unwrap()
            .and_hms_opt(h, mi, s)
            .unwrap()
            .and_utc()
            .timestamp_millis()
    }

    #[test]
    fn phones_in_indian_styles_are_one_number() {
        let plan = PhonePlan::for_country("IN").unwrap();
        let got = run(
            &[
                Some("+91-98765-43210"),
                Some("098765 43210"),
                Some("9876543210"),
                Some("91 98765 43210"),
                Some("p:+919876543210"),
                Some("0091 98765 43210"),
                Some("12345"),
                Some("rahul@example.com"),
                None,
            ],
            parse_phone("v", "out", &plan, false),
        );
        let want = "+919876543210".to_string();
        assert_eq!(
            strings(&got),
            vec![
                Some(want.clone()),
                Some(want.clone()),
                Some(want.clone()),
                Some(want.clone()),
                Some(want.clone()),
                Some(want),
                None,
                None,
                None
            ]
        );
    }

    #[test]
    fn only_ascii_digits_count() {
        // Regression (found by proptest): regex \d also matches other scripts' digits.
        let plan = PhonePlan::for_country("IN").unwrap();
        let got = run(
            &[Some("0𐒠𞅀"), Some("९८७६५४३२१०")],
            parse_phone("v", "out", &plan, false),
        );
        assert_eq!(strings(&got), vec![None, None]);
        let got = run_col(
            &[Some("२०२६-११-१६")],
            parse_datetime("v", "out", "problem", None, chrono_tz::Asia::Kolkata),
            "problem",
        );
        assert!(strings(&got)[0].as_deref().unwrap().contains("not a date"));
    }

    #[test]
    fn phones_follow_other_plans() {
        let ru = PhonePlan::for_country("RU").unwrap();
        let got = run(
            &[Some("8 (916) 123-45-67"), Some("+7 916 123 45 67")],
            parse_phone("v", "out", &ru, false),
        );
        assert_eq!(
            strings(&got),
            vec![Some("+79161234567".into()), Some("+79161234567".into())]
        );
        let us = PhonePlan::for_country("US").unwrap();
        let got = run(
            &[Some("(212) 555-0142"), Some("1-212-555-0142")],
            parse_phone("v", "out", &us, false),
        );
        assert_eq!(
            strings(&got),
            vec![Some("+12125550142".into()), Some("+12125550142".into())]
        );
    }

    #[test]
    fn emails_are_trimmed_and_lowercased() {
        let got = run(
            &[
                Some("  Rahul.Sharma@Example.COM "),
                Some("not an email"),
                Some("98765 43210"),
            ],
            parse_email("v", "out"),
        );
        assert_eq!(
            strings(&got),
            vec![Some("rahul.sharma@example.com".into()), None, None]
        );
    }

    #[test]
    fn durations_are_plain_only_when_every_value_is_a_number_in_range() {
        let kinds = PlainKinds {
            numbers: vec!["v".into()],
            ..Default::default()
        };
        let cases: [(&[&str], bool); 8] = [
            (&["0", "-0", "604800", "95.5", ""], true),
            (&["95", "604800.5"], false),
            (&["95", "1e6"], false),
            (&["95", "-1"], false),
            (&["95", "nan"], false),
            (&["95", "inf"], false),
            (&["95", "1:35"], false),
            (&["95", "1,200"], false),
        ];
        for (cells, plain) in cases {
            let values: Vec<Option<&str>> = cells.iter().map(|v| Some(*v)).collect();
            let judged = !plain_columns(&cleaned(&values), &kinds).unwrap().is_empty();
            assert_eq!(judged, plain, "{cells:?}");
            // Plain, the cast reads as the full parser; not plain, it would not.
            let outs: &[&str] = if plain { &["out", "problem"] } else { &["out"] };
            for out in outs {
                let full = run_col(&values, parse_duration("v", "out", "problem", false), out);
                let fast = run_col(&values, parse_duration("v", "out", "problem", true), out);
                assert_eq!(fast.equals_missing(&full), plain, "{cells:?} {out}");
            }
        }
    }

    #[test]
    fn datetimes_in_export_forms() {
        let tz = chrono_tz::Asia::Kolkata;
        let got = run(
            &[
                Some("2026-11-16 10:05:00"),
                Some("2026-11-16T04:35:00Z"),
                Some("2026-11-16T10:05:00+05:30"),
                Some("2026-11-16T04:35:00.000+0000"),
                Some("16/11/2026 10:05"),
                Some("16-11-2026 10:05"),
                Some("16 Nov, 2026 10:05:00"),
                Some("Nov 16, 2026 10:05 AM"),
                Some("16/11/26, 10:05"),
                Some("2026-11-16"),
                Some("16/11/2026 12:05 AM"),
            ],
            parse_datetime("v", "out", "problem", Some(DateOrder::Dmy), tz),
        );
        let at_1005_ist = utc(2026, 11, 16, 4, 35, 0);
        let v = ints(&got);
        for (i, want) in v.iter().take(9).enumerate() {
            assert_eq!(*want, Some(at_1005_ist), "value {i}");
        }
        assert_eq!(v[9], Some(utc(2026, 11, 15, 18, 30, 0)));
        assert_eq!(v[10], Some(utc(2026, 11, 15, 18, 35, 0)));
    }

    #[test]
    fn a_date_at_a_skipped_midnight_is_the_first_instant_of_its_day() {
        // Sao Paulo's clocks went from 00:00 to 01:00 on 4 Nov 2018 (UTC-2 from then).
        let got = run(
            &[Some("2018-11-04"), Some("2018-11-05")],
            parse_datetime("v", "out", "problem", None, chrono_tz::America::Sao_Paulo),
        );
        assert_eq!(
            ints(&got),
            vec![
                Some(utc(2018, 11, 4, 3, 0, 0)),
                Some(utc(2018, 11, 5, 2, 0, 0))
            ]
        );
    }

    #[test]
    fn month_first_and_pm_times() {
        let got = run(
            &[Some("04/07/2026 3:05 PM")],
            parse_datetime(
                "v",
                "out",
                "problem",
                Some(DateOrder::Mdy),
                chrono_tz::America::New_York,
            ),
        );
        // April 7, 15:05 EDT = 19:05 UTC.
        assert_eq!(ints(&got), vec![Some(utc(2026, 4, 7, 19, 5, 0))]);
    }

    #[test]
    fn bad_datetimes_have_reasons() {
        let got = run_col(
            &[
                Some("2024/12/32"),
                Some("yesterday"),
                Some("2024-02-30 10:00"),
                Some("2024-01-05 25:00"),
                Some("1899-01-01"),
                Some("03/02/2024 11:00"),
                None,
            ],
            parse_datetime("v", "out", "problem", None, chrono_tz::Asia::Kolkata),
            "problem",
        );
        let p = strings(&got);
        assert!(
            p[0].as_deref().unwrap().contains("impossible date"),
            "{p:?}"
        );
        assert!(p[1].as_deref().unwrap().contains("not a date"), "{p:?}");
        assert!(
            p[2].as_deref().unwrap().contains("impossible date"),
            "{p:?}"
        );
        assert!(p[3].as_deref().unwrap().contains("time of day"), "{p:?}");
        assert!(p[4].as_deref().unwrap().contains("before 1990"), "{p:?}");
        assert!(p[5].as_deref().unwrap().contains("ambiguous"), "{p:?}");
        assert_eq!(p[6], None);
    }

    #[test]
    fn fast_path_and_full_parser_agree_and_leftovers_are_reread() {
        // Mostly one format (fast path), with rows only the full parser reads,
        // a two-digit year the fast path's %Y would misread, and garbage.
        let mut values: Vec<Option<&str>> = vec![Some("16/11/2026 10:05"); 600];
        values.extend([
            Some("16/11/26, 10:05"),
            Some("2026-11-16T04:35:00Z"),
            Some("garbage"),
            None,
            Some(" 16/11/2026 10:05 "),
        ]);
        let df = cleaned(&values);
        let tz = chrono_tz::Asia::Kolkata;
        let column = |src: &str, order| DatetimeColumn {
            src: src.into(),
            out: format!("{src}_out"),
            problem: format!("{src}_problem"),
            order,
        };
        // A second column parsed alongside: all ISO, so the fast path reads all of it.
        let df = df
            .lazy()
            .with_column(lit("2026-11-16 10:05:00").alias("w"))
            .collect()
            .unwrap();
        let out = parse_datetime_columns(
            df,
            &[column("v", Some(DateOrder::Dmy)), column("w", None)],
            tz,
        )
        .unwrap();
        assert_eq!(out.height(), 605, "no row lost or added");
        let names: Vec<&str> = out.get_column_names().iter().map(|n| n.as_str()).collect();
        assert!(names.iter().all(|n| !n.starts_with(TMP)), "{names:?}");
        let w = ints(out.column("w_out").unwrap().as_materialized_series());
        assert!(w.iter().all(|x| *x == Some(utc(2026, 11, 16, 4, 35, 0))));
        assert_eq!(out.column("w_problem").unwrap().null_count(), 605);
        let out = out
            .lazy()
            .select([col("v_out").alias("out"), col("v_problem").alias("problem")])
            .collect()
            .unwrap();
        let v = ints(out.column("out").unwrap().as_materialized_series());
        let p = strings(out.column("problem").unwrap().as_materialized_series());
        let at = Some(utc(2026, 11, 16, 4, 35, 0));
        assert!(v[..600].iter().all(|x| *x == at));
        assert_eq!(&v[600..], &[at, at, None, None, at]);
        assert!(p[602].as_deref().unwrap().contains("not a date"), "{p:?}");
        assert!(p.iter().enumerate().all(|(i, x)| (i == 602) == x.is_some()));
    }

    #[test]
    fn offsets_read_by_position_agree_with_chrono() {
        // The sampled rows all end in +HH:MM (the positional path); the rest
        // carry forms it leaves to the full parser, which must read them the
        // same way chrono does (or reject them, as chrono does).
        let zones = ["+00:00", "+05:30", "-03:30", "+05:45", "-12:00", "+14:00"];
        let mut texts: Vec<String> = (0..600)
            .map(|i| {
                let fraction = if i % 3 == 0 { ".250" } else { "" };
                format!(
                    "2026-{:02}-{:02}T{:02}:{:02}:07{fraction}{}",
                    1 + i % 12,
                    1 + i % 28,
                    i % 24,
                    i % 60,
                    zones[i % zones.len()]
                )
            })
            .collect();
        texts.extend(
            ["+0530", "+24:00", "+05:60", "Z", "+5:30"].map(|z| format!("2026-11-16T10:05:00{z}")),
        );
        let values: Vec<Option<&str>> = texts.iter().map(|t| Some(t.as_str())).collect();
        let column = DatetimeColumn {
            src: "v".into(),
            out: "out".into(),
            problem: "problem".into(),
            order: None,
        };
        let out =
            parse_datetime_columns(cleaned(&values), &[column], chrono_tz::Asia::Kolkata).unwrap();
        let got = ints(out.column("out").unwrap().as_materialized_series());
        for (text, got) in texts.iter().zip(&got).take(601) {
            let want = ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M:%S%z"]
                .iter()
                .find_map(|f| chrono::DateTime::parse_from_str(text, f).ok())
                .map(|t| t.timestamp_millis());
            assert_eq!(*got, want, "{text}");
        }
        // The rest read exactly as the full parser reads them on its own.
        read_as_the_full_parser_reads(&out, &values, 600, None);
        assert_eq!(got[603], Some(utc(2026, 11, 16, 10, 5, 0)), "Z is UTC");
    }

    #[test]
    fn twelve_hour_times_read_by_position_agree_with_chrono() {
        // The sampled rows all end in AM or PM (the positional path); the rest
        // are forms it leaves to the full parser, read as the full parser reads them.
        let mut texts: Vec<String> = (0..600)
            .map(|i| {
                let suffix = ["AM", "PM", "am", "pm"][i % 4];
                format!(
                    "{:02}/{:02}/2026 {:02}:{:02} {suffix}",
                    1 + i % 28,
                    1 + i % 12,
                    1 + i % 12,
                    i % 60
                )
            })
            .collect();
        texts.extend(
            ["00:30 AM", "13:00 PM", "3:05 PM", "12:00 XM"].map(|t| format!("16/11/2026 {t}")),
        );
        let values: Vec<Option<&str>> = texts.iter().map(|t| Some(t.as_str())).collect();
        let tz = chrono_tz::Asia::Kolkata;
        let column = DatetimeColumn {
            src: "v".into(),
            out: "out".into(),
            problem: "problem".into(),
            order: Some(DateOrder::Dmy),
        };
        let out = parse_datetime_columns(cleaned(&values), &[column], tz).unwrap();
        let got = ints(out.column("out").unwrap().as_materialized_series());
        for (text, got) in texts.iter().zip(&got).take(600) {
            let want = chrono::NaiveDateTime::parse_from_str(text, "%d/%m/%Y %I:%M %p")
                .ok()
                .and_then(|t| t.and_local_timezone(tz).earliest())
                .map(|t| t.timestamp_millis());
            assert!(want.is_some(), "{text}");
            assert_eq!(*got, want, "{text}");
        }
        read_as_the_full_parser_reads(&out, &values, 600, Some(DateOrder::Dmy));
    }

    /// Asserts that the rows of `out` (parsed from `values` in column `v`)
    /// from `from` on hold what the full parser gives for them on its own.
    fn read_as_the_full_parser_reads(
        out: &DataFrame,
        values: &[Option<&str>],
        from: usize,
        order: Option<DateOrder>,
    ) {
        let tz = chrono_tz::Asia::Kolkata;
        let full = apply_stages(
            cleaned(&values[from..]),
            parse_datetime("v", "out", "problem", order, tz),
        )
        .unwrap();
        let column =
            |df: &DataFrame, name: &str| df.column(name).unwrap().as_materialized_series().clone();
        assert_eq!(
            &ints(&column(out, "out"))[from..],
            ints(&column(&full, "out"))
        );
        assert_eq!(
            &strings(&column(out, "problem"))[from..],
            strings(&column(&full, "problem"))
        );
    }

    #[test]
    fn fast_format_is_chosen_from_the_sample() {
        assert_eq!(
            fast_format(&["2026-11-16 10:05:00"], None),
            Some(("%Y-%m-%d %H:%M:%S", false))
        );
        assert_eq!(
            fast_format(&["2026-11-16T04:35:00+0000"], None),
            Some(("%Y-%m-%dT%H:%M:%S%z", true))
        );
        assert_eq!(
            fast_format(&["16/11/2026 10:05"], Some(DateOrder::Dmy)),
            Some(("%d/%m/%Y %H:%M", false))
        );
        assert_eq!(
            fast_format(&["16/11/2026 10:05", "soon"], Some(DateOrder::Dmy)),
            None
        );
        assert_eq!(fast_format(&[], None), None);
        // One odd value in twenty leaves the column its format (the odd one
        // goes to the full parser); one in two does not.
        let mut most = vec!["2026-11-16 10:05:00"; 19];
        most.push("13/09/ 2026 22:39");
        assert_eq!(fast_format(&most, None), Some(("%Y-%m-%d %H:%M:%S", false)));
        assert_eq!(
            fast_format(&["03/10/2026 10:30 PM"], Some(DateOrder::Dmy)),
            Some(("%d/%m/%Y %I:%M %p", false))
        );
    }

    #[test]
    fn day_order_is_decided_from_the_data() {
        assert_eq!(decide_order(Some(31), Some(12)), Ok(Some(DateOrder::Dmy)));
        assert_eq!(decide_order(Some(12), Some(28)), Ok(Some(DateOrder::Mdy)));
        assert_eq!(decide_order(Some(12), Some(12)), Ok(None));
        assert!(decide_order(Some(13), Some(13)).is_err());
    }
}

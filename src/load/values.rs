//! Value parsers as polars expressions: datetimes, money, phones, emails,
//! numbers. Each returns the parsed value and, where a value can be wrong,
//! an expression that is the problem's description (null when fine), so the
//! loader can reject the row with a reason instead of nulling it silently.

use polars::prelude::*;

use crate::config::DateOrder;

/// A parsed column: the value, and a `String` problem text (null when the value is fine or absent).
pub struct Parsed {
    pub value: Expr,
    pub problem: Expr,
}

const MS_PER_DAY: i64 = 86_400_000;

/// Trims, folds internal white space, and turns the empty string into null.
pub fn clean_text(raw: Expr) -> Expr {
    let s = raw
        .str()
        .replace_all(lit(r"^[\s\u{feff}]+|\s+$"), lit(""), false)
        .str()
        .replace_all(lit(r"\s+"), lit(" "), false);
    when(s.clone().str().len_bytes().eq(lit(0)))
        .then(lit(NULL).cast(DataType::String))
        .otherwise(s)
}

// Date patterns; the time part (group `t`) is parsed separately.
const ISO_DATE: &str = r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?:[T ,]+(?P<t>.+))?$";
const NUM_DATE: &str = r"^(?P<a>\d{1,2})[-/.](?P<b>\d{1,2})[-/.](?P<y>\d{4}|\d{2})(?:[T ,]+(?P<t>.+))?$";
const DAY_MON: &str =
    r"^(?P<d>\d{1,2})[- ](?P<mon>[A-Za-z]{3,9})\.?[- ,]+(?P<y>\d{4}|\d{2})(?:[T ,]+(?P<t>.+))?$";
const MON_DAY: &str = r"^(?P<mon>[A-Za-z]{3,9})\.? (?P<d>\d{1,2}),? (?P<y>\d{4})(?:[T ,]+(?P<t>.+))?$";
const TIME: &str = r"^(?P<h>\d{1,2})(?::(?P<mi>\d{2}))(?::(?P<s>\d{2})(?:[.,](?P<f>\d{1,9}))?)?\s*(?P<ap>(?i:[ap])\.?(?i:m)\.?)?$";
/// A zone suffix after a time: `Z`, `UTC`, `GMT`, `+05:30`, `+0530`, `-07`.
const ZONE: &str = r"(?i)(?P<time>\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:\s*[ap]\.?m\.?)?)\s*(?P<zone>z|utc|gmt|[+-]\d{2}:?\d{2}|[+-]\d{2})$";
const ZONE_STRIP: &str = r"(?i)\s*(z|utc|gmt|[+-]\d{2}:?\d{2}|[+-]\d{2})$";
const ZONE_PARTS: &str = r"^(?P<sign>[+-])(?P<hh>\d{2}):?(?P<mm>\d{2})?$";

fn groups(s: Expr, pattern: &str) -> Expr {
    // The patterns are constants of this file; compiling them cannot fail.
    s.str()
        .extract_groups(pattern)
        .expect("built-in regex compiles")
}

fn field(g: &Expr, name: &str) -> Expr {
    g.clone().struct_().field_by_name(name)
}

fn int(e: Expr) -> Expr {
    e.cast(DataType::Int64)
}

/// Maxima of the two leading numbers of `a/b/yyyy` dates in a column: a value
/// over 12 in the first says day-first, in the second month-first.
pub fn numeric_date_leads(raw: Expr) -> (Expr, Expr) {
    let g = groups(clean_text(raw), NUM_DATE);
    (int(field(&g, "a")).max(), int(field(&g, "b")).max())
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
    let mp = when(march).then(m.clone() + lit(9i64)).otherwise(m - lit(3i64));
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
        .when(m.is_in(lit(Series::new("m".into(), [4i64, 6, 9, 11])), false))
        .then(lit(30i64))
        .otherwise(lit(31i64))
}

fn month_number(name: Expr) -> Expr {
    const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    let key = name.str().to_lowercase().str().slice(lit(0i64), lit(3u64));
    MONTHS
        .iter()
        .enumerate()
        .rev()
        .fold(lit(NULL).cast(DataType::Int64), |rest, (i, m)| {
            when(key.clone().eq(lit(*m)))
                .then(lit(i as i64 + 1))
                .otherwise(rest)
        })
}

/// Parses a datetime column into UTC epoch milliseconds (`Int64`).
///
/// Values with an offset (`Z`, `+05:30`, `+0530`) are exact; values without one
/// are local time in `tz`. `order` resolves `a/b/yyyy` dates; with `None`, any
/// such value whose two numbers are both 12 or less is a problem.
pub fn parse_datetime(raw: Expr, order: Option<DateOrder>, tz: chrono_tz::Tz) -> Parsed {
    let s = clean_text(raw);
    let zone_g = groups(s.clone(), ZONE);
    let zone = field(&zone_g, "zone").str().to_lowercase();
    let body = when(zone.clone().is_not_null())
        .then(s.clone().str().replace(lit(ZONE_STRIP), lit(""), false))
        .otherwise(s.clone());
    let zone_parts = groups(zone.clone(), ZONE_PARTS);
    let sign = when(field(&zone_parts, "sign").eq(lit("-")))
        .then(lit(-1i64))
        .otherwise(lit(1i64));
    let offset_min = when(zone.clone().is_in(lit(Series::new("z".into(), ["z", "utc", "gmt"])), false))
        .then(lit(0i64))
        .otherwise(
            sign * (int(field(&zone_parts, "hh")) * lit(60i64)
                + int(field(&zone_parts, "mm")).fill_null(lit(0i64))),
        );

    let iso = groups(body.clone(), ISO_DATE);
    let num = groups(body.clone(), NUM_DATE);
    let dmon = groups(body.clone(), DAY_MON);
    let mond = groups(body, MON_DAY);
    let (num_d, num_m) = match order {
        Some(DateOrder::Mdy) => (int(field(&num, "b")), int(field(&num, "a"))),
        _ => (int(field(&num, "a")), int(field(&num, "b"))),
    };
    let num_ambiguous = int(field(&num, "a"))
        .lt_eq(lit(12i64))
        .and(int(field(&num, "b")).lt_eq(lit(12i64)))
        .and(int(field(&num, "a")).neq(int(field(&num, "b"))));
    let num_ok = match order {
        Some(_) => field(&num, "y").is_not_null(),
        None => field(&num, "y").is_not_null().and(num_ambiguous.clone().not()),
    };
    let num_pick = |e: Expr| when(num_ok.clone()).then(e).otherwise(lit(NULL).cast(DataType::Int64));
    let y = coalesce(&[
        int(field(&iso, "y")),
        num_pick(int(field(&num, "y"))),
        int(field(&dmon, "y")),
        int(field(&mond, "y")),
    ]);
    let y = when(y.clone().lt(lit(100i64)))
        .then(when(y.clone().lt(lit(70i64))).then(y.clone() + lit(2000i64)).otherwise(y.clone() + lit(1900i64)))
        .otherwise(y);
    let m = coalesce(&[
        int(field(&iso, "m")),
        num_pick(num_m),
        month_number(field(&dmon, "mon")),
        month_number(field(&mond, "mon")),
    ]);
    let d = coalesce(&[
        int(field(&iso, "d")),
        num_pick(num_d),
        int(field(&dmon, "d")),
        int(field(&mond, "d")),
    ]);
    let t = coalesce(&[field(&iso, "t"), field(&num, "t"), field(&dmon, "t"), field(&mond, "t")]);
    let tg = groups(t.clone(), TIME);
    let h = int(field(&tg, "h"));
    let ap = field(&tg, "ap").str().to_lowercase().str().slice(lit(0i64), lit(1u64));
    let h24 = when(ap.clone().eq(lit("p")).and(h.clone().lt(lit(12i64))))
        .then(h.clone() + lit(12i64))
        .when(ap.clone().eq(lit("a")).and(h.clone().eq(lit(12i64))))
        .then(lit(0i64))
        .otherwise(h.clone());
    let mi = int(field(&tg, "mi"));
    let sec = int(field(&tg, "s")).fill_null(lit(0i64));
    let frac = field(&tg, "f");
    let ms = int(concat_str([frac.clone(), lit("00")], "", false).str().slice(lit(0i64), lit(3u64))).fill_null(lit(0i64));
    let time_ms = ((h24.clone() * lit(60i64) + mi.clone()) * lit(60i64) + sec.clone()) * lit(1000i64) + ms;
    let time_bad = t.clone().is_not_null().and(
        h.clone().is_null()
            .or(h24.gt_eq(lit(24i64)))
            .or(mi.gt_eq(lit(60i64)))
            .or(sec.gt_eq(lit(60i64)))
            .or(ap.is_not_null().and(h.clone().gt(lit(12i64)).or(h.eq(lit(0i64))))),
    );
    let time_ms = when(t.is_null()).then(lit(0i64)).otherwise(time_ms);

    let date_valid = m.clone().gt_eq(lit(1i64)).and(m.clone().lt_eq(lit(12i64))).and(
        d.clone().gt_eq(lit(1i64)).and(d.clone().lt_eq(days_in_month(y.clone(), m.clone()))),
    );
    let days = days_from_civil(y.clone(), m, d);
    let local_ms = days * lit(MS_PER_DAY) + time_ms;
    let zoned = local_ms.clone() - offset_min * lit(60_000i64);
    let from_local = local_ms
        .cast(DataType::Datetime(TimeUnit::Milliseconds, None))
        .dt()
        .replace_time_zone(Some(TimeZone::from_chrono(&tz)), lit("earliest"), NonExistent::Null)
        .cast(DataType::Int64);
    let utc = when(zone.is_not_null()).then(zoned).otherwise(from_local);
    let in_range = y.clone().gt_eq(lit(1990i64)).and(y.clone().lt_eq(lit(2099i64)));
    let ok = date_valid.clone().and(time_bad.clone().not()).and(in_range.clone());
    let value = when(ok).then(utc.clone()).otherwise(lit(NULL).cast(DataType::Int64));

    let problem = when(s.clone().is_null())
        .then(lit(NULL).cast(DataType::String))
        .when(y.is_null().and(field(&num, "y").is_not_null()).and(num_ambiguous))
        .then(lit(
            "ambiguous date: day-first or month-first cannot be told from this column; set business.date_order = \"dmy\" or \"mdy\" in handoff.toml",
        ))
        .when(y_is_unmatched(&iso, &num, &dmon, &mond))
        .then(lit(
            "not a date/time this tool reads; expected forms like 2026-11-16 10:05, 2026-11-16T04:35:00Z, 16/11/2026 10:05, 15 Apr, 2026 00:03:00 or 04/07/2026 3:05 PM",
        ))
        .when(date_valid.not())
        .then(lit("impossible date (no such day in that month, or month over 12)"))
        .when(time_bad)
        .then(lit("impossible or unreadable time of day; expected HH:MM, HH:MM:SS or H:MM AM/PM"))
        .when(in_range.not())
        .then(lit("date before 1990 or after 2099; check that this column holds dates"))
        .when(utc.is_null())
        .then(lit("local time that does not exist in the configured time zone (clocks moved forward)"))
        .otherwise(lit(NULL).cast(DataType::String));
    Parsed { value, problem }
}

fn y_is_unmatched(iso: &Expr, num: &Expr, dmon: &Expr, mond: &Expr) -> Expr {
    field(iso, "y")
        .is_null()
        .and(field(num, "y").is_null())
        .and(field(dmon, "y").is_null())
        .and(field(mond, "y").is_null())
}

/// Parses money: `₹8,40,000`, `$22,700.00`, `35 000 ₽`, `1.234,56 €`, `-1,500`.
/// When both `,` and `.` occur the last is the decimal separator; a single `,`
/// followed by 1-2 digits is a decimal comma; otherwise commas (or repeated dots) group.
pub fn parse_money(raw: Expr) -> Parsed {
    let s = clean_text(raw);
    let stripped = s
        .clone()
        .str()
        .replace_all(
            lit(r"(?i)\b(rs|inr|usd|eur|rub|gbp|aed|sgd|aud|cad|rupees?|dollars?|euros?|rubles?|руб)\b\.?|[₹$€£₽¥\s\u{a0}\u{202f}']"),
            lit(""),
            false,
        );
    let shape_ok = stripped.clone().str().contains(lit(r"^[-+−]?\d[\d.,]*$"), false);
    let has_comma = stripped.clone().str().contains_literal(lit(","));
    let has_dot = stripped.clone().str().contains_literal(lit("."));
    let comma_is_decimal = when(has_comma.clone().and(has_dot.clone()))
        .then(stripped.clone().str().contains(lit(r",\d*$"), false))
        .otherwise(stripped.clone().str().contains(lit(r"^[-+−]?\d+,\d{1,2}$"), false));
    let dots_group = has_dot
        .and(has_comma.not())
        .and(stripped.clone().str().count_matches(lit("."), true).gt(lit(1u32)));
    let normalised = when(comma_is_decimal)
        .then(
            stripped
                .clone()
                .str()
                .replace_all(lit("."), lit(""), true)
                .str()
                .replace_all(lit(","), lit("."), true),
        )
        .when(dots_group)
        .then(stripped.clone().str().replace_all(lit("."), lit(""), true))
        .otherwise(stripped.str().replace_all(lit(","), lit(""), true))
        .str()
        .replace(lit("−"), lit("-"), true);
    let number = normalised.cast(DataType::Float64);
    let ok = shape_ok.clone().and(number.clone().is_not_null()).and(number.clone().abs().lt(lit(1e15)));
    let value = when(ok.clone()).then(number).otherwise(lit(NULL).cast(DataType::Float64));
    let problem = when(s.is_null().or(ok))
        .then(lit(NULL).cast(DataType::String))
        .otherwise(lit("not an amount of money; expected forms like 840000, ₹8,40,000, $22,700.00 or 1.234,56 €"));
    Parsed { value, problem }
}

/// Parses a non-negative number such as a call duration in seconds (`95`, `95.0`, `1,200`).
pub fn parse_number(raw: Expr, max: f64) -> Parsed {
    let s = clean_text(raw);
    let number = s
        .clone()
        .str()
        .replace_all(lit(","), lit(""), true)
        .cast(DataType::Float64);
    let finite = number.clone().is_not_null().and(number.clone().abs().lt_eq(lit(max)));
    let ok = finite.clone().and(number.clone().gt_eq(lit(0.0)));
    let value = when(ok.clone()).then(number.clone()).otherwise(lit(NULL).cast(DataType::Float64));
    let problem = when(s.is_null().or(ok))
        .then(lit(NULL).cast(DataType::String))
        .when(number.clone().is_null())
        .then(lit("not a number"))
        .when(number.lt(lit(0.0)))
        .then(lit("negative; expected zero or more"))
        .otherwise(lit(format!("absurdly large (over {max})")));
    Parsed { value, problem }
}

/// Normalises an email: trimmed and lower-cased; null when it is not an address.
pub fn parse_email(raw: Expr) -> Expr {
    let s = clean_text(raw).str().to_lowercase();
    let ok = s.clone().str().contains(lit(r"^[^@\s]+@[^@\s]+\.[^@\s]+$"), false);
    when(ok).then(s).otherwise(lit(NULL).cast(DataType::String))
}

/// A country's numbering plan, enough to complete national numbers to E.164.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhonePlan {
    pub country: &'static str,
    pub calling_code: &'static str,
    /// Digits of a national significant number.
    pub national_len: usize,
    /// The trunk prefix dialled before a national number (`0`, `8` in Russia, `1` in NANP).
    pub trunk: &'static str,
}

const PLANS: &[PhonePlan] = &[
    PhonePlan { country: "IN", calling_code: "91", national_len: 10, trunk: "0" },
    PhonePlan { country: "US", calling_code: "1", national_len: 10, trunk: "1" },
    PhonePlan { country: "CA", calling_code: "1", national_len: 10, trunk: "1" },
    PhonePlan { country: "GB", calling_code: "44", national_len: 10, trunk: "0" },
    PhonePlan { country: "RU", calling_code: "7", national_len: 10, trunk: "8" },
    PhonePlan { country: "KZ", calling_code: "7", national_len: 10, trunk: "8" },
    PhonePlan { country: "AE", calling_code: "971", national_len: 9, trunk: "0" },
    PhonePlan { country: "SA", calling_code: "966", national_len: 9, trunk: "0" },
    PhonePlan { country: "AU", calling_code: "61", national_len: 9, trunk: "0" },
    PhonePlan { country: "FR", calling_code: "33", national_len: 9, trunk: "0" },
    PhonePlan { country: "ES", calling_code: "34", national_len: 9, trunk: "" },
    PhonePlan { country: "IT", calling_code: "39", national_len: 10, trunk: "" },
    PhonePlan { country: "BR", calling_code: "55", national_len: 11, trunk: "0" },
    PhonePlan { country: "SG", calling_code: "65", national_len: 8, trunk: "" },
    PhonePlan { country: "PK", calling_code: "92", national_len: 10, trunk: "0" },
    PhonePlan { country: "BD", calling_code: "880", national_len: 10, trunk: "0" },
    PhonePlan { country: "NG", calling_code: "234", national_len: 10, trunk: "0" },
    PhonePlan { country: "ZA", calling_code: "27", national_len: 9, trunk: "0" },
];

impl PhonePlan {
    pub fn for_country(code: &str) -> Option<PhonePlan> {
        PLANS.iter().copied().find(|p| p.country.eq_ignore_ascii_case(code))
    }

    pub fn supported() -> Vec<&'static str> {
        PLANS.iter().map(|p| p.country).collect()
    }
}

/// Normalises a phone to E.164 under `plan`; null when it cannot be a phone
/// (the contract's rule: such a row cannot match by phone).
pub fn parse_phone(raw: Expr, plan: PhonePlan) -> Expr {
    let s = clean_text(raw).str().replace(lit(r"^(?i)(p|tel|phone):"), lit(""), false);
    let plus = s.clone().str().starts_with(lit("+"));
    let has_letters = s.clone().str().contains(lit(r"[A-Za-z@]"), false);
    let digits = s.str().replace_all(lit(r"\D"), lit(""), false);
    let len = digits.clone().str().len_bytes().cast(DataType::Int64);
    let cc = plan.calling_code;
    let n = plan.national_len as i64;
    let nat_with_trunk = !plan.trunk.is_empty();
    let drop = |k: usize| digits.clone().str().slice(lit(k as i64), lit(64u64));
    let with_cc = |e: Expr| concat_str([lit(format!("+{cc}")), e], "", false);
    let mut out = when(has_letters.clone())
        .then(lit(NULL).cast(DataType::String))
        .when(plus.and(len.clone().gt_eq(lit(8i64)).and(len.clone().lt_eq(lit(15i64)))))
        .then(concat_str([lit("+"), digits.clone()], "", false))
        .when(digits.clone().str().starts_with(lit("00")).and(len.clone().gt_eq(lit(10i64)).and(len.clone().lt_eq(lit(17i64)))))
        .then(concat_str([lit("+"), drop(2)], "", false))
        .when(len.clone().eq(lit(n)))
        .then(with_cc(digits.clone()))
        .when(
            len.clone()
                .eq(lit(n + cc.len() as i64))
                .and(digits.clone().str().starts_with(lit(cc))),
        )
        .then(concat_str([lit("+"), digits.clone()], "", false));
    if nat_with_trunk {
        out = out
            .when(
                len.eq(lit(n + plan.trunk.len() as i64))
                    .and(digits.clone().str().starts_with(lit(plan.trunk))),
            )
            .then(with_cc(drop(plan.trunk.len())));
    }
    out.otherwise(lit(NULL).cast(DataType::String))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(values: &[Option<&str>], f: impl Fn(Expr) -> Expr) -> Series {
        let df = df!["v" => values].unwrap();
        df.lazy()
            .select([f(col("v")).alias("out")])
            .collect()
            .unwrap()
            .column("out")
            .unwrap()
            .as_materialized_series()
            .clone()
    }

    fn strings(s: &Series) -> Vec<Option<String>> {
        s.str().unwrap().iter().map(|v| v.map(str::to_string)).collect()
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
            |e| parse_phone(e, plan),
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
    fn phones_follow_other_plans() {
        let ru = PhonePlan::for_country("RU").unwrap();
        let got = run(&[Some("8 (916) 123-45-67"), Some("+7 916 123 45 67")], |e| parse_phone(e, ru));
        assert_eq!(strings(&got), vec![Some("+79161234567".into()), Some("+79161234567".into())]);
        let us = PhonePlan::for_country("US").unwrap();
        let got = run(&[Some("(212) 555-0142"), Some("1-212-555-0142")], |e| parse_phone(e, us));
        assert_eq!(strings(&got), vec![Some("+12125550142".into()), Some("+12125550142".into())]);
    }

    #[test]
    fn emails_are_trimmed_and_lowercased() {
        let got = run(&[Some("  Rahul.Sharma@Example.COM "), Some("not an email"), Some("98765 43210")], parse_email);
        assert_eq!(strings(&got), vec![Some("rahul.sharma@example.com".into()), None, None]);
    }

    #[test]
    fn money_in_many_conventions() {
        let got = run(
            &[
                Some("₹8,40,000"),
                Some("$22,700.00"),
                Some("35 000 ₽"),
                Some("1.234,56 €"),
                Some("Rs. 12,500"),
                Some("1,5"),
                Some("1.234.567"),
                Some("-1,500"),
                Some("₹ abc"),
                Some("1e309"),
                Some("NaN"),
                Some(""),
            ],
            |e| parse_money(e).value,
        );
        let v: Vec<Option<f64>> = got.f64().unwrap().iter().collect();
        assert_eq!(
            v,
            vec![
                Some(840000.0),
                Some(22700.0),
                Some(35000.0),
                Some(1234.56),
                Some(12500.0),
                Some(1.5),
                Some(1234567.0),
                Some(-1500.0),
                None,
                None,
                None,
                None
            ]
        );
        let problems = run(&[Some("₹ abc"), Some(""), Some("500")], |e| parse_money(e).problem);
        let p = strings(&problems);
        assert!(p[0].as_deref().unwrap().contains("not an amount"));
        assert_eq!(p[1], None);
        assert_eq!(p[2], None);
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
            |e| parse_datetime(e, Some(DateOrder::Dmy), tz).value,
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
    fn month_first_and_pm_times() {
        let got = run(&[Some("04/07/2026 3:05 PM")], |e| {
            parse_datetime(e, Some(DateOrder::Mdy), chrono_tz::America::New_York).value
        });
        // April 7, 15:05 EDT = 19:05 UTC.
        assert_eq!(ints(&got), vec![Some(utc(2026, 4, 7, 19, 5, 0))]);
    }

    #[test]
    fn bad_datetimes_have_reasons() {
        let got = run(
            &[
                Some("2024/12/32"),
                Some("yesterday"),
                Some("2024-02-30 10:00"),
                Some("2024-01-05 25:00"),
                Some("1899-01-01"),
                Some("03/02/2024 11:00"),
                None,
            ],
            |e| parse_datetime(e, None, chrono_tz::Asia::Kolkata).problem,
        );
        let p = strings(&got);
        assert!(p[0].as_deref().unwrap().contains("impossible date"), "{p:?}");
        assert!(p[1].as_deref().unwrap().contains("not a date"), "{p:?}");
        assert!(p[2].as_deref().unwrap().contains("impossible date"), "{p:?}");
        assert!(p[3].as_deref().unwrap().contains("time of day"), "{p:?}");
        assert!(p[4].as_deref().unwrap().contains("before 1990"), "{p:?}");
        assert!(p[5].as_deref().unwrap().contains("ambiguous"), "{p:?}");
        assert_eq!(p[6], None);
    }

    #[test]
    fn day_order_is_decided_from_the_data() {
        assert_eq!(decide_order(Some(31), Some(12)), Ok(Some(DateOrder::Dmy)));
        assert_eq!(decide_order(Some(12), Some(28)), Ok(Some(DateOrder::Mdy)));
        assert_eq!(decide_order(Some(12), Some(12)), Ok(None));
        assert!(decide_order(Some(13), Some(13)).is_err());
    }
}

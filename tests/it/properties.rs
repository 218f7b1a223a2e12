//! Property tests: no input value or file makes a parser or the loader panic,
//! and a non-empty value is either read or rejected with a reason, never
//! silently dropped.

use handoff::config::{Config, DateOrder};
use handoff::load::values;
use handoff::model::Input;
use handoff::phone::PhonePlan;
use polars::prelude::*;
use proptest::prelude::*;

/// Strings that look like export cells: digits, separators, letters, symbols, unicode.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9/:.,+ -]{0,24}",
        "[0-9]{1,4}[-/.][0-9]{1,2}[-/.][0-9]{1,4}( [0-9]{1,2}:[0-9]{2}(:[0-9]{2})?( ?[AaPp][Mm])?)?",
        "[₹$€£₽ 0-9.,'a-zA-Z-]{0,16}",
        "\\PC{0,20}",
        "[a-z0-9.@+ _-]{0,20}",
    ]
}

/// The raw columns `plain_columns` judges, by kind.
fn kinds(keys: &[&str], numbers: &[&str], phones: &[&str]) -> values::PlainKinds {
    let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect();
    values::PlainKinds {
        keys: names(keys),
        numbers: names(numbers),
        phones: names(phones),
    }
}

/// A column "v" as the loader hands it to the parsers: clean text.
fn cleaned(values: &[String]) -> DataFrame {
    df!["v" => values]
        .unwrap()
        .lazy()
        .with_column(values::clean_text(col("v")).alias("v"))
        .collect()
        .unwrap()
}

fn run(values: &[String], stages: values::Stages) -> DataFrame {
    values::apply_stages(cleaned(values), stages).expect("parsing never fails as a whole")
}

/// Every non-empty cell has exactly one of value and problem.
fn read_or_rejected(df: &DataFrame, values: &[String]) {
    let value = df.column("out").unwrap();
    let problem = df.column("problem").unwrap();
    for (i, v) in values.iter().enumerate() {
        let has_value = !matches!(value.get(i).unwrap(), AnyValue::Null);
        let has_problem = !matches!(problem.get(i).unwrap(), AnyValue::Null);
        if v.trim().is_empty() {
            assert!(!has_value && !has_problem, "empty {v:?} is absent");
        } else {
            assert!(
                has_value != has_problem,
                "{v:?}: value {has_value}, problem {has_problem}"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn datetimes_are_read_or_rejected(values in prop::collection::vec(cell(), 1..40), dmy in any::<bool>()) {
        let order = if dmy { Some(DateOrder::Dmy) } else { None };
        let df = run(&values, values::parse_datetime("v", "out", "problem", order, chrono_tz::Asia::Kolkata));
        read_or_rejected(&df, &values);
        // Through the fast path too.
        let column = values::DatetimeColumn { src: "v".into(), out: "out".into(), problem: "problem".into(), order };
        let df = values::parse_datetime_columns(cleaned(&values), &[column], chrono_tz::Asia::Kolkata).unwrap();
        read_or_rejected(&df, &values);
    }

    #[test]
    fn money_is_read_or_rejected_and_finite(values in prop::collection::vec(cell(), 1..40)) {
        let df = run(&values, handoff::load::money::parse_money("v", "out", "problem"));
        read_or_rejected(&df, &values);
        let out = df.column("out").unwrap().f64().unwrap();
        prop_assert!(out.iter().flatten().all(f64::is_finite));
    }

    #[test]
    fn numbers_are_read_or_rejected(values in prop::collection::vec(cell(), 1..40)) {
        let df = run(&values, values::parse_duration("v", "out", "problem", false));
        read_or_rejected(&df, &values);
    }

    /// A column judged plain reads the same through the plain parser as through
    /// the full one, and a column with a clock or group separator is never plain.
    #[test]
    fn plain_numbers_read_as_the_full_parser_reads_them(
        values in prop::collection::vec(
            prop_oneof![r"[0-9]{1,7}(\.[0-9]{1,3})?", "-[0-9]{1,3}", "[0-9]e[0-9]{1,2}", " ?", "[0-9:,]{1,6}", "[a-z]{1,3}"],
            1..40,
        )
    ) {
        let plain = values::plain_columns(&cleaned(&values), &kinds(&[], &["v"], &[])).unwrap();
        let full = run(&values, values::parse_duration("v", "out", "problem", false));
        let out = ["out", "problem"];
        // Plain: every value a number within range, so nothing to reject.
        let in_range = |v: &str| v.parse::<f64>().is_ok_and(|n| (0.0..=values::MAX_DURATION_S).contains(&n));
        if plain.is_empty() {
            prop_assert!(values.iter().any(|v| !v.trim().is_empty() && !in_range(v.trim())));
        } else {
            prop_assert!(values.iter().all(|v| v.trim().is_empty() || in_range(v.trim())));
            prop_assert!(values.iter().all(|v| !v.contains(':') && !v.contains(',')));
            let fast = run(&values, values::parse_duration("v", "out", "problem", true));
            prop_assert!(fast.select(out).unwrap().equals_missing(&full.select(out).unwrap()));
        }
    }

    /// The same for keys: plain only without invisible characters or null ids.
    #[test]
    fn plain_keys_read_as_the_full_parser_reads_them(
        values in prop::collection::vec(
            prop_oneof!["[A-Za-z0-9-]{0,12}", "L1\u{200b}", "000000000000000(AAA)?", r"\PC{0,6}"],
            1..40,
        )
    ) {
        let plain = values::plain_columns(&cleaned(&values), &kinds(&["v"], &[], &[])).unwrap();
        let full = run(&values, values::parse_key("v", "out", false));
        if !plain.is_empty() {
            let odd = |v: &String| v.contains('\u{200b}') || v.starts_with("000000000000000");
            prop_assert!(!values.iter().any(odd));
            let fast = run(&values, values::parse_key("v", "out", true));
            prop_assert!(fast.column("out").unwrap().equals_missing(full.column("out").unwrap()));
        }
    }

    /// The same for phones: plain only for bare digits (after `p:` and `+`),
    /// and then read as the full parser reads them, in every plan.
    #[test]
    fn plain_phones_read_as_the_full_parser_reads_them(
        values in prop::collection::vec(
            prop_oneof![r"(p:)?\+?[0-9]{6,16}", "0[0-9]{10}", "00[0-9]{11}", r"\+91 [0-9]{5}-[0-9]{5}", "[0-9]{10} ?(x|ext)[0-9]{2}", "\\+?[0-9a-z]{8}", " ?"],
            1..40,
        )
    ) {
        let plain = values::plain_columns(&cleaned(&values), &kinds(&[], &[], &["v"])).unwrap();
        let bare = |v: &String| {
            let v = v.trim();
            let digits = v.strip_prefix("p:").unwrap_or(v);
            let digits = digits.strip_prefix('+').unwrap_or(digits);
            v.is_empty() || (!digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()))
        };
        prop_assert_eq!(plain.is_empty(), !values.iter().all(bare));
        if !plain.is_empty() {
            let flag = values::extension_flag("out");
            let out = ["out", flag.as_str()];
            for country in ["IN", "US", "GB"] {
                let plan = PhonePlan::for_country(country).unwrap();
                let full = run(&values, values::parse_phone("v", "out", &plan, false));
                let fast = run(&values, values::parse_phone("v", "out", &plan, true));
                prop_assert!(fast.select(out).unwrap().equals_missing(&full.select(out).unwrap()));
            }
        }
    }

    #[test]
    fn phones_are_e164_or_absent(values in prop::collection::vec(cell(), 1..40)) {
        for country in ["IN", "US", "RU", "AE"] {
            let plan = PhonePlan::for_country(country).unwrap();
            let df = run(&values, values::parse_phone("v", "out", &plan, false));
            for p in df.column("out").unwrap().str().unwrap().iter().flatten() {
                prop_assert!(p.starts_with('+') && p[1..].chars().all(|c| c.is_ascii_digit()), "{p}");
                prop_assert!((9..=16).contains(&p.len()), "{p}");
            }
        }
    }

    #[test]
    fn emails_are_lower_case_addresses_or_absent(values in prop::collection::vec(cell(), 1..40)) {
        let df = run(&values, values::parse_email("v", "out"));
        for e in df.column("out").unwrap().str().unwrap().iter().flatten() {
            prop_assert!(e.contains('@') && e == e.to_lowercase() && e.trim() == e, "{e}");
        }
    }

    #[test]
    fn durations_parse_or_refuse(text in "\\PC{0,12}") {
        if let Ok(d) = text.parse::<handoff::config::Duration>() {
            prop_assert!(d.minutes > 0);
        }
    }

    #[test]
    fn any_csv_bytes_load_or_fail_cleanly(bytes in prop::collection::vec(any::<u8>(), 0..600), header in any::<bool>()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("leads.csv");
        let mut content = if header { b"lead_id,created_at,phone\n".to_vec() } else { Vec::new() };
        content.extend(bytes);
        std::fs::write(&path, content).unwrap();
        if let Ok(loaded) = handoff::load::load(Input::Leads, &path, &Config::default(), &Default::default()) {
            let s = &loaded.stats;
            prop_assert_eq!(s.rows_read, s.rows_used + s.rows_rejected);
        }
    }
}

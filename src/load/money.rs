//! Money amounts and their currencies: `₹8,40,000`, `$22,700.00`,
//! `35 000 ₽`, `1.234,56 €` read as numbers, and the currency a cell names.

use polars::prelude::*;

use super::values::{Stages, c, null_str, tmp};

/// The currency words a money cell may hold, stripped from the amount and
/// read as its currency by [`currency_of`]. The money patterns bound them
/// with ASCII word boundaries (`(?-u:\b)`), and `руб` needs none: a Unicode
/// `\b` sends every value holding `₹` to the regex crate's slow engines
/// (3x the time of the whole pattern).
const CURRENCY_WORDS: &str = r"(?-u:\b)(?:rs|inr|rupees?|usd|dollars?|eur|euros?|gbp|rub|rubles?|aed|sgd|aud|cad|jpy)(?-u:\b)";

/// A currency symbol or code; a cell with two holds two amounts (`₹5 $5`).
const CURRENCY_MARK: &str =
    r"(?i)[₹$€£₽¥]|руб|(?-u:\b)(?:rs|inr|usd|eur|rub|gbp|aed|sgd|aud|cad|jpy)(?-u:\b)";

/// Parses money in column `src` into `out` (`Float64`): `₹8,40,000`, `$22,700.00`,
/// `35 000 ₽`, `1.234,56 €`, `-1,500`. When both `,` and `.` occur the last is
/// the decimal separator; a single `,` followed by 1-2 digits is a decimal
/// comma; otherwise commas (or repeated dots) group.
pub fn parse_money(src: &str, out: &str, problem: &str) -> Stages {
    let t = |part: &str| tmp(src, part);
    let (s, stripped, shape_ok, comma_decimal, dots_group, number, ok) = (
        t("s"),
        t("stripped"),
        t("shape_ok"),
        t("comma_decimal"),
        t("dots_group"),
        t("number"),
        t("ok"),
    );
    let has_comma = c(&stripped).str().contains_literal(lit(","));
    let has_dot = c(&stripped).str().contains_literal(lit("."));
    vec![
        vec![col(src).alias(s.as_str())],
        vec![c(&s)
            .str()
            .replace_all(
                lit(format!(r"(?i){CURRENCY_WORDS}\.?|руб\.?|[₹$€£₽¥\s\u{{a0}}\u{{202f}}']")),
                lit(""),
                false,
            )
            .str()
            .replace(lit("−"), lit("-"), true)
            .alias(stripped.as_str())],
        vec![
            c(&stripped)
                .str()
                .contains(lit(r"^[-+]?[0-9][[0-9].,]*$"), false)
                .and(c(&s).str().count_matches(lit(CURRENCY_MARK), false).lt_eq(lit(1u32)))
                .alias(shape_ok.as_str()),
            when(has_comma.clone().and(has_dot.clone()))
                .then(c(&stripped).str().contains(lit(r",[0-9]*$"), false))
                .otherwise(c(&stripped).str().contains(lit(r"^[-+]?[0-9]+,[0-9]{1,2}$"), false))
                .alias(comma_decimal.as_str()),
            has_dot
                .and(has_comma.not())
                .and(c(&stripped).str().count_matches(lit("."), true).gt(lit(1u32)))
                .alias(dots_group.as_str()),
        ],
        vec![when(c(&comma_decimal))
            .then(
                c(&stripped)
                    .str()
                    .replace_all(lit("."), lit(""), true)
                    .str()
                    .replace_all(lit(","), lit("."), true),
            )
            .when(c(&dots_group))
            .then(c(&stripped).str().replace_all(lit("."), lit(""), true))
            .otherwise(c(&stripped).str().replace_all(lit(","), lit(""), true))
            .cast(DataType::Float64)
            .alias(number.as_str())],
        vec![c(&shape_ok)
            .and(c(&number).is_not_null())
            .and(c(&number).abs().lt(lit(1e15)))
            .fill_null(lit(false))
            .alias(ok.as_str())],
        vec![
            when(c(&ok)).then(c(&number)).otherwise(lit(NULL).cast(DataType::Float64)).alias(out),
            when(c(&s).is_null().or(c(&ok)))
                .then(null_str())
                .otherwise(lit("not an amount of money; expected forms like 840000, ₹8,40,000, $22,700.00 or 1.234,56 € (one amount per cell)"))
                .alias(problem),
        ],
    ]
}

/// The currency named by a money text's symbol or code (`₹`, `Rs.`, `$`, `USD`, `€`),
/// else null. A bare `$` is the report currency when that is a dollar, else USD.
pub fn currency_of(raw: Expr, home: &str) -> Expr {
    let dollar = if ["USD", "CAD", "AUD", "SGD", "NZD", "HKD"].contains(&home) {
        home
    } else {
        "USD"
    };
    let token = raw
        .str()
        .extract(
            lit(format!(
                r"(?i)(US\$|S\$|A\$|C\$|₹|€|£|₽|¥|\$|руб|{CURRENCY_WORDS})"
            )),
            1,
        )
        .str()
        .to_lowercase();
    let pairs: &[(&str, &str)] = &[
        ("us$", "USD"),
        ("usd", "USD"),
        ("$", dollar),
        ("dollar", dollar),
        ("dollars", dollar),
        ("s$", "SGD"),
        ("sgd", "SGD"),
        ("a$", "AUD"),
        ("aud", "AUD"),
        ("c$", "CAD"),
        ("cad", "CAD"),
        ("₹", "INR"),
        ("rs", "INR"),
        ("inr", "INR"),
        ("rupee", "INR"),
        ("rupees", "INR"),
        ("€", "EUR"),
        ("eur", "EUR"),
        ("euro", "EUR"),
        ("euros", "EUR"),
        ("£", "GBP"),
        ("gbp", "GBP"),
        ("₽", "RUB"),
        ("rub", "RUB"),
        ("ruble", "RUB"),
        ("rubles", "RUB"),
        ("руб", "RUB"),
        ("¥", "JPY"),
        ("jpy", "JPY"),
        ("aed", "AED"),
    ];
    let (old, new): (Vec<&str>, Vec<&str>) = pairs.iter().copied().unzip();
    token.replace_strict(
        lit(Series::new("o".into(), old)),
        lit(Series::new("n".into(), new)),
        Some(null_str()),
        Some(DataType::String),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::values::tests::{run, run_col, strings};

    #[test]
    fn the_currency_is_read_from_symbols_and_words() {
        let cells = [
            "₹8,40,000",
            "Rs. 12,500",
            "$5",
            "35 000 руб.",
            "РУБ 700",
            "€7",
            "USD 9",
            "5000",
            "jpy 300",
            "100 rupees",
            "500 rubles",
            "35000руб",
        ];
        let df = df!["v" => cells].unwrap();
        let got = df
            .lazy()
            .select([currency_of(col("v"), "INR").alias("c")])
            .collect()
            .unwrap();
        let got: Vec<Option<&str>> = got.column("c").unwrap().str().unwrap().iter().collect();
        let want = [
            "INR", "INR", "USD", "RUB", "RUB", "EUR", "USD", "", "JPY", "INR", "RUB", "RUB",
        ];
        let want: Vec<Option<&str>> = want
            .iter()
            .map(|c| Some(*c).filter(|c| !c.is_empty()))
            .collect();
        assert_eq!(got, want);
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
                Some("INR 1,84,500"),
                Some("35 000 руб."),
                Some("РУБ 700"),
                Some("₹5 $5"),
                Some("100 rupees"),
                Some("35000руб"),
                Some("₹500руб"),
                Some("JPY 300"),
                Some("500 rubles"),
            ],
            parse_money("v", "out", "problem"),
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
                None,
                Some(184500.0),
                Some(35000.0),
                Some(700.0),
                None,
                Some(100.0),
                Some(35000.0),
                None,
                Some(300.0),
                Some(500.0),
            ]
        );
        let problems = run_col(
            &[Some("₹ abc"), Some(""), Some("500")],
            parse_money("v", "out", "problem"),
            "problem",
        );
        let p = strings(&problems);
        assert!(p[0].as_deref().unwrap().contains("not an amount"));
        assert_eq!(p[1], None);
        assert_eq!(p[2], None);
    }
}

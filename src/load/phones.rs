//! The loader's phone work beyond the fast path in polars: completing, with
//! libphonenumber, the values that path leaves empty (each distinct value
//! once), and checking that the configured country fits the file's numbers.

use polars::prelude::*;

use super::mapping::Mapped;
use super::{raw_col, values};
use crate::error::{HandoffError, Result};
use crate::model::Kind;
use crate::phone::{self, FIT_SAMPLE, PhonePlan};

/// Phone values the fast path left empty, completed by the numbering plans
/// where they are valid numbers (`(+976) 8811-2233`, `0044 20 7946 0958`).
pub(super) fn complete(df: DataFrame, mapping: &[Mapped], plan: &PhonePlan) -> Result<DataFrame> {
    let mut df = df;
    for m in mapping.iter().filter(|m| m.spec.kind == Kind::Phone) {
        let (name, raw) = (m.spec.name, raw_col(m.spec.name));
        let leftover = col(name).is_null().and(col(raw.as_str()).is_not_null());
        // Nearly every chunk has none: counted (a cheap sum) before they are gathered.
        let n = df
            .clone()
            .lazy()
            .select([leftover.clone().sum().cast(DataType::Int64)])
            .collect()
            .map_err(HandoffError::engine("completing phone numbers"))?
            .columns()[0]
            .get(0)
            .ok()
            .and_then(|v| v.extract::<i64>())
            .unwrap_or(0);
        if n == 0 {
            continue;
        }
        // Text with letters is no phone (`+1 800 FLOWERS` is not dialled from a file).
        let letters = col(raw.as_str())
            .str()
            .contains(lit(values::PHONE_LETTERS), false);
        let left = distinct(&df, leftover.and(letters.not()), &raw, usize::MAX)?;
        let (from, to): (Vec<&str>, Vec<String>) = left
            .iter()
            .filter_map(|v| Some((v.as_str(), phone::to_e164(v, &plan.country)?)))
            .unzip();
        if from.is_empty() {
            continue;
        }
        let found = col(raw.as_str()).replace_strict(
            lit(Series::new("from".into(), from)),
            lit(Series::new("to".into(), to)),
            Some(lit(NULL).cast(DataType::String)),
            Some(DataType::String),
        );
        df = df
            .lazy()
            .with_column(
                when(col(name).is_null())
                    .then(found)
                    .otherwise(col(name))
                    .alias(name),
            )
            .collect()
            .map_err(HandoffError::engine("completing phone numbers"))?;
    }
    Ok(df)
}

/// Warnings when the configured country does not fit the file's numbers:
/// most national numbers are not valid there, or most numbers written with a
/// country code carry another one (so the national ones are likely theirs).
pub(super) fn country_fit(
    df: &DataFrame,
    mapping: &[Mapped],
    plan: &PhonePlan,
) -> Result<Vec<String>> {
    // The first rows are enough to judge a file's numbers by.
    let df = &df.head(Some(FIT_ROWS));
    let mut notes = Vec::new();
    for m in mapping.iter().filter(|m| m.spec.kind == Kind::Phone) {
        let raw = raw_col(m.spec.name);
        let international = col(raw.as_str())
            .str()
            .contains(lit(r"^\s*(?:p:)?\s*(?:\+|00)"), false);
        let letters = col(raw.as_str())
            .str()
            .contains(lit(values::PHONE_LETTERS), false);
        let national = distinct(
            df,
            international.clone().not().and(letters.not()),
            &raw,
            FIT_SAMPLE,
        )?;
        let with_code = distinct(df, international, &raw, FIT_SAMPLE)?;
        let shown = crate::format::clip(&m.header);
        let national_refs: Vec<&str> = national.iter().map(String::as_str).collect();
        if national.len() >= MIN_NUMBERS
            && let Some(countries) = phone::suggest(&national_refs, &plan.country)
        {
            let invalid = national_refs
                .iter()
                .filter(|t| !phone::valid_in(t, &plan.country))
                .count();
            notes.push(format!(
                "{shown}: {invalid} of {} national numbers checked are not valid phone numbers in {} \
                 (they fit the plan of {}{}); set [business] phone_country to the country of these numbers",
                national.len(),
                plan.country,
                if countries.len() == 1 { "" } else { "each of " },
                countries_shown(&countries)
            ));
        }
        if let Some(note) = foreign_code(&shown, &with_code, national.len(), plan) {
            notes.push(note);
        }
    }
    Ok(notes)
}

/// The note when most numbers with a country code carry one other than the
/// configured country's, and the file also has numbers without a code.
fn foreign_code(
    shown: &str,
    with_code: &[String],
    national: usize,
    plan: &PhonePlan,
) -> Option<String> {
    if with_code.len() < MIN_NUMBERS || national == 0 {
        return None;
    }
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    for code in with_code.iter().filter_map(|t| phone::calling_code_of(t)) {
        *counts.entry(code).or_default() += 1;
    }
    let (code, n) = counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))?;
    if code == plan.calling_code || n * 2 < with_code.len() {
        return None;
    }
    let country = phone::country_of_code(&code).unwrap_or_else(|| format!("+{code}"));
    Some(format!(
        "{shown}: {n} of {} numbers checked that carry a country code carry +{code} ({country}), \
         yet phone_country is {}: numbers written without a code are read as {}'s. If they are \
         from {country}, set [business] phone_country = \"{country}\"",
        with_code.len(),
        plan.country,
        plan.country
    ))
}

/// Rows of a file's first chunk the country check looks at.
const FIT_ROWS: usize = 50_000;

/// Fewer numbers than this are too few to judge a country by.
const MIN_NUMBERS: usize = 20;

/// Countries named in a warning at most (two letters each).
const SHOWN: usize = 30;

fn countries_shown(countries: &[String]) -> String {
    let mut shown = countries
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if countries.len() > SHOWN {
        shown.push_str(&format!(" and {} more", countries.len() - SHOWN));
    }
    shown
}

/// Up to `limit` distinct values of `column` among the rows where `filter`
/// holds, in the order they first appear.
fn distinct(df: &DataFrame, filter: Expr, column: &str, limit: usize) -> Result<Vec<String>> {
    let mut lf = df
        .clone()
        .lazy()
        .filter(filter)
        .select([col(column).unique_stable()]);
    if limit < usize::MAX {
        lf = lf.limit(limit as IdxSize);
    }
    let found = lf
        .collect()
        .map_err(HandoffError::engine("reading phone numbers"))?;
    let values = found
        .column(column)
        .and_then(|c| c.str().cloned())
        .map_err(HandoffError::engine("reading phone numbers"))?;
    Ok(values.iter().flatten().map(str::to_string).collect())
}

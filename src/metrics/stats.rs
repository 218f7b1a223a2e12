//! Statistics shared by the sections: rates with Wilson intervals, response
//! distributions (percentiles and buckets) as polars aggregations, and
//! reading small aggregated frames into typed rows.

use polars::prelude::*;
use serde::Serialize;

use crate::error::{HandoffError, Result};

/// A group key that is null is reported as this.
pub const NONE: &str = "(none)";

/// The trailing window, ending at as-of, of the history figures: the average
/// deal, the worked win rate's capture window, the average week's won revenue
/// and speed to lead.
pub const TRAILING_DAYS: i64 = 90;

/// Rates resting on fewer leads than this are marked as small samples.
pub const SMALL_SAMPLE: u64 = 20;

/// A proportion with its count, its size and a Wilson 95% interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rate {
    pub k: u64,
    pub n: u64,
    /// `k / n`; null when `n` is 0.
    pub rate: Option<f64>,
    pub low: Option<f64>,
    pub high: Option<f64>,
}

impl Rate {
    pub fn new(k: u64, n: u64) -> Self {
        let (low, high) = wilson(k, n).map_or((None, None), |(l, h)| (Some(l), Some(h)));
        Self {
            k,
            n,
            rate: (n > 0).then(|| k as f64 / n as f64),
            low,
            high,
        }
    }
}

/// The Wilson score interval at 95% for `k` successes in `n` trials.
pub fn wilson(k: u64, n: u64) -> Option<(f64, f64)> {
    if n == 0 {
        return None;
    }
    let z = 1.959_963_984_540_054_f64;
    let (k, n) = (k as f64, n as f64);
    let p = k / n;
    let denom = 1.0 + z * z / n;
    let center = (p + z * z / (2.0 * n)) / denom;
    let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / denom;
    Some(((center - half).max(0.0), (center + half).min(1.0)))
}

/// Response-time buckets: (label, upper bound in minutes, exclusive).
pub const BUCKETS: [(&str, f64); 7] = [
    ("0-5 min", 5.0),
    ("5-15 min", 15.0),
    ("15-30 min", 30.0),
    ("30-60 min", 60.0),
    ("1-4 h", 240.0),
    ("4-24 h", 1440.0),
    (">24 h", f64::INFINITY),
];

/// Percentiles (linear interpolation over touched leads), buckets, and the untouched.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Distribution {
    /// Leads with a value (touched).
    pub n: u64,
    pub median: Option<f64>,
    pub p75: Option<f64>,
    pub p90: Option<f64>,
    pub max: Option<f64>,
    /// Counts per bucket of [`BUCKETS`], in order.
    pub buckets: Vec<(String, u64)>,
    /// Leads without a value and not known to be touched (never touched).
    pub never: u64,
    /// Leads without a value that were touched at an unknown time (a later
    /// stage reached): left out of the percentiles and of `never`.
    pub unknown: u64,
}

/// The aggregation expressions of a [`Distribution`] of column `c`, prefixed
/// `p`; `unknown` marks the rows whose missing value is unknown rather than absent.
pub fn distribution_aggs(c: &str, p: &str, unknown: Option<Expr>) -> Vec<Expr> {
    let unknown = unknown.unwrap_or(lit(false));
    let q = |x: f64| {
        col(c)
            .quantile(lit(x), QuantileMethod::Linear)
            .alias(format!("{p}_q{}", (x * 100.0) as u32))
    };
    let mut v = vec![
        col(c)
            .is_not_null()
            .sum()
            .cast(DataType::UInt64)
            .alias(format!("{p}_n")),
        col(c)
            .is_null()
            .and(unknown.clone().not())
            .sum()
            .cast(DataType::UInt64)
            .alias(format!("{p}_never")),
        col(c)
            .is_null()
            .and(unknown)
            .sum()
            .cast(DataType::UInt64)
            .alias(format!("{p}_unknown")),
        q(0.5),
        q(0.75),
        q(0.9),
        col(c)
            .max()
            .cast(DataType::Float64)
            .alias(format!("{p}_max")),
    ];
    let mut low = f64::NEG_INFINITY;
    for (i, (_, high)) in BUCKETS.iter().enumerate() {
        v.push(
            col(c)
                .gt_eq(lit(low))
                .and(col(c).lt(lit(*high)))
                .sum()
                .cast(DataType::UInt64)
                .alias(format!("{p}_b{i}")),
        );
        low = *high;
    }
    v
}

/// Reads row `row` of an aggregate made with [`distribution_aggs`].
pub fn read_distribution(df: &DataFrame, row: usize, p: &str) -> Result<Distribution> {
    Ok(Distribution {
        n: u64_at(df, &format!("{p}_n"), row)?.unwrap_or(0),
        never: u64_at(df, &format!("{p}_never"), row)?.unwrap_or(0),
        unknown: u64_at(df, &format!("{p}_unknown"), row)?.unwrap_or(0),
        median: f64_at(df, &format!("{p}_q50"), row)?,
        p75: f64_at(df, &format!("{p}_q75"), row)?,
        p90: f64_at(df, &format!("{p}_q90"), row)?,
        max: f64_at(df, &format!("{p}_max"), row)?,
        buckets: BUCKETS
            .iter()
            .enumerate()
            .map(|(i, (label, _))| {
                Ok((
                    label.to_string(),
                    u64_at(df, &format!("{p}_b{i}"), row)?.unwrap_or(0),
                ))
            })
            .collect::<Result<_>>()?,
    })
}

fn value<'a>(df: &'a DataFrame, name: &str, row: usize) -> Result<AnyValue<'a>> {
    df.column(name)
        .and_then(|c| c.get(row))
        .map_err(HandoffError::engine("reading a metric"))
}

pub fn f64_at(df: &DataFrame, name: &str, row: usize) -> Result<Option<f64>> {
    Ok(value(df, name, row)?
        .extract::<f64>()
        .filter(|v| v.is_finite()))
}

pub fn u64_at(df: &DataFrame, name: &str, row: usize) -> Result<Option<u64>> {
    Ok(value(df, name, row)?.extract::<u64>())
}

/// An epoch-ms cell as local ISO 8601 text.
pub fn time_at(
    df: &DataFrame,
    name: &str,
    row: usize,
    tz: chrono_tz::Tz,
) -> Result<Option<String>> {
    Ok(u64_at(df, name, row)?.map(|ms| crate::format::local_iso_text(ms as i64, tz)))
}

pub fn str_at(df: &DataFrame, name: &str, row: usize) -> Result<Option<String>> {
    Ok(match value(df, name, row)? {
        AnyValue::Null => None,
        AnyValue::String(s) => Some(s.to_string()),
        AnyValue::StringOwned(s) => Some(s.to_string()),
        other => Some(other.to_string()),
    })
}

/// A group-by on `key` (nulls as [`NONE`]), sorted by key, collected.
pub fn by_segment(lf: LazyFrame, key: &str, aggs: Vec<Expr>) -> Result<DataFrame> {
    lf.with_columns([col(key)
        .cast(DataType::String)
        .fill_null(lit(NONE))
        .alias("_segment")])
        .group_by([col("_segment")])
        .agg(aggs)
        .sort(["_segment"], SortMultipleOptions::default())
        .collect()
        .map_err(HandoffError::engine("grouping by segment"))
}

/// The segment names of a [`by_segment`] result, in order.
pub fn segments(df: &DataFrame) -> Result<Vec<String>> {
    (0..df.height())
        .map(|i| Ok(str_at(df, "_segment", i)?.unwrap_or_else(|| NONE.to_string())))
        .collect()
}

/// A group-by on `key` read into one typed row per segment.
pub fn segmented<T>(
    lf: LazyFrame,
    key: &str,
    aggs: Vec<Expr>,
    read: impl Fn(&DataFrame, usize, String) -> Result<T>,
) -> Result<Vec<T>> {
    let df = by_segment(lf, key, aggs)?;
    segments(&df)?
        .into_iter()
        .enumerate()
        .map(|(i, s)| read(&df, i, s))
        .collect()
}

/// Collects a one-row aggregate.
pub fn one_row(lf: LazyFrame, aggs: Vec<Expr>) -> Result<DataFrame> {
    lf.select(aggs)
        .collect()
        .map_err(HandoffError::engine("aggregating"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_interval_matches_the_textbook() {
        // 8 of 10: Wilson 95% is about [0.490, 0.943].
        let (lo, hi) = wilson(8, 10).unwrap();
        assert!((lo - 0.4902).abs() < 1e-3, "{lo}");
        assert!((hi - 0.9433).abs() < 1e-3, "{hi}");
        // 3 of 3 is no certainty: the lower bound is far from 1.
        let (lo, hi) = wilson(3, 3).unwrap();
        assert!(lo < 0.45 && (hi - 1.0).abs() < 1e-9, "{lo} {hi}");
        assert_eq!(wilson(0, 0), None);
        assert_eq!(Rate::new(0, 0).rate, None);
    }

    #[test]
    fn distribution_uses_linear_percentiles_and_buckets() {
        // Touched: 1, 2, 3, 4, 100 minutes; one never touched.
        let df =
            df!["m" => [Some(1.0), Some(2.0), Some(3.0), Some(4.0), Some(100.0), None]].unwrap();
        let agg = one_row(df.lazy(), distribution_aggs("m", "r", None)).unwrap();
        let d = read_distribution(&agg, 0, "r").unwrap();
        assert_eq!(d.n, 5);
        assert_eq!(d.never, 1);
        assert_eq!(d.median, Some(3.0));
        // numpy linear: p75 at rank 3.0 -> 4.0; p90 at rank 3.6 -> 4 + 0.6 * 96 = 61.6.
        assert_eq!(d.p75, Some(4.0));
        assert!((d.p90.unwrap() - 61.6).abs() < 1e-9);
        assert_eq!(d.max, Some(100.0));
        let counts: Vec<u64> = d.buckets.iter().map(|b| b.1).collect();
        assert_eq!(counts, [4, 0, 0, 0, 1, 0, 0]);
    }
}

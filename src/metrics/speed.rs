//! Section 3, speed to lead: from this business's own trailing 90 days, the
//! share of leads that qualified and that reached a meeting, by how long the
//! prospect waited for the first touch (wall-clock minutes: the wait the
//! prospect lived, nights included). Shows or refutes "after 30 minutes the
//! chances drop" with the business's own data.

use polars::prelude::*;
use serde::Serialize;

use super::Ctx;
use super::stats::{self, BUCKETS, Rate};
use crate::error::Result;
use crate::model::*;

/// The bucket of leads touched at an unknown time (left out of the buckets).
const TIME_UNKNOWN: &str = "time unknown";

/// The history window, ending at as-of.
pub const WINDOW_DAYS: i64 = stats::TRAILING_DAYS;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpeedBucket {
    /// A bucket of [`BUCKETS`], or `never` (untouched by as-of).
    pub bucket: String,
    pub leads: u64,
    pub qualified: Rate,
    pub meeting: Rate,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpeedToLead {
    pub window_days: i64,
    /// Leads touched (a later stage reached) at an unknown time: in no bucket.
    pub time_unknown: u64,
    pub buckets: Vec<SpeedBucket>,
    /// Touched within 30 minutes vs later: meeting rates.
    pub within_30_min: Rate,
    pub after_30_min: Rate,
    /// The comparison in words, with its numbers.
    pub finding: String,
}

fn bucket_expr() -> Expr {
    let mut e = lit("never");
    for (label, high) in BUCKETS.iter().rev() {
        e = when(col(RESPONSE_MIN).lt(lit(*high)))
            .then(lit(*label))
            .otherwise(e);
    }
    when(
        col(RESPONSE_MIN)
            .is_null()
            .and(col("reached_contacted").fill_null(lit(false))),
    )
    .then(lit(TIME_UNKNOWN))
    .when(col(RESPONSE_MIN).is_null())
    .then(lit("never"))
    .otherwise(e)
}

fn rates(df: &DataFrame, row: usize) -> Result<(u64, Rate, Rate)> {
    let get = |c: &str| -> Result<u64> { Ok(stats::u64_at(df, c, row)?.unwrap_or(0)) };
    let n = get("n")?;
    Ok((n, Rate::new(get("q")?, n), Rate::new(get("m")?, n)))
}

fn aggs() -> Vec<Expr> {
    vec![
        len().cast(DataType::UInt64).alias("n"),
        col("reached_qualified")
            .sum()
            .cast(DataType::UInt64)
            .alias("q"),
        col("reached_meeting")
            .sum()
            .cast(DataType::UInt64)
            .alias("m"),
    ]
}

pub fn compute(ctx: &Ctx) -> Result<SpeedToLead> {
    let start = ctx.as_of - WINDOW_DAYS * 86_400_000;
    let history = ctx
        .cohort_between(start + 1, ctx.as_of + 1)
        .with_columns([bucket_expr().alias("_bucket")]);
    let df = stats::by_segment(history.clone(), "_bucket", aggs())?;
    let names = stats::segments(&df)?;
    let mut buckets = Vec::new();
    for label in BUCKETS.iter().map(|b| b.0).chain(["never"]) {
        let (leads, qualified, meeting) = match names.iter().position(|n| n == label) {
            Some(i) => rates(&df, i)?,
            None => (0, Rate::new(0, 0), Rate::new(0, 0)),
        };
        buckets.push(SpeedBucket {
            bucket: label.to_string(),
            leads,
            qualified,
            meeting,
        });
    }
    let split = |fast: bool| -> Result<Rate> {
        let cond = if fast {
            col(RESPONSE_MIN).lt_eq(lit(30.0))
        } else {
            col(RESPONSE_MIN).gt(lit(30.0))
        };
        let df = stats::one_row(history.clone().filter(cond), aggs())?;
        Ok(rates(&df, 0)?.2)
    };
    let (within, after) = (split(true)?, split(false)?);
    let time_unknown = match names.iter().position(|n| n == TIME_UNKNOWN) {
        Some(i) => rates(&df, i)?.0,
        None => 0,
    };
    Ok(SpeedToLead {
        window_days: WINDOW_DAYS,
        time_unknown,
        finding: finding(&within, &after),
        buckets,
        within_30_min: within,
        after_30_min: after,
    })
}

fn finding(within: &Rate, after: &Rate) -> String {
    let pct = |r: &Rate| {
        r.rate
            .map_or("n/a".to_string(), |x| format!("{:.0}%", x * 100.0))
    };
    let verdict = match (within.low, within.high, after.low, after.high) {
        (Some(wl), _, _, Some(ah)) if wl > ah => {
            "Here, speed pays: the difference is beyond chance."
        }
        (_, Some(wh), Some(al), _) if al > wh => {
            "Here, waiting did not hurt: later responses converted better."
        }
        _ if within.n == 0 || after.n == 0 => "Not enough history on one side to compare.",
        _ => "The difference is within chance at this volume.",
    };
    format!(
        "Leads first touched within 30 minutes reached a meeting {} of the time (n = {}); later, {} (n = {}). {verdict}",
        pct(within),
        within.n,
        pct(after),
        after.n
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testing::*;

    #[test]
    fn buckets_and_the_thirty_minute_split() {
        // Fast leads (3, 10, 25 min): two meetings. Slow (45, 300 min): none. One never touched.
        // One lead 100 days before as-of is outside the window.
        let df = ledger(
            7,
            vec![
                Column::new(LEAD_ID.into(), ["a", "b", "c", "d", "e", "f", "old"]),
                Column::new(
                    CAPTURED_AT.into(),
                    [
                        at(0),
                        at(10),
                        at(20),
                        at(30),
                        at(40),
                        at(50),
                        at(-100 * 1440),
                    ],
                ),
                Column::new(
                    RESPONSE_MIN.into(),
                    [
                        Some(3.0),
                        Some(10.0),
                        Some(25.0),
                        Some(45.0),
                        Some(300.0),
                        None,
                        Some(1.0),
                    ],
                ),
                Column::new(
                    "reached_qualified".into(),
                    [true, true, true, true, false, false, true],
                ),
                Column::new(
                    "reached_meeting".into(),
                    [true, false, true, false, false, false, true],
                ),
            ],
        );
        let (fixture, period) = (TestWeek::default(), w46());
        let ctx = fixture.ctx(&df, &period);
        let s = compute(&ctx).unwrap();
        let counts: Vec<(&str, u64)> = s
            .buckets
            .iter()
            .map(|b| (b.bucket.as_str(), b.leads))
            .collect();
        assert_eq!(
            counts,
            [
                ("0-5 min", 1),
                ("5-15 min", 1),
                ("15-30 min", 1),
                ("30-60 min", 1),
                ("1-4 h", 0),
                ("4-24 h", 1),
                (">24 h", 0),
                ("never", 1)
            ]
        );
        assert_eq!((s.within_30_min.k, s.within_30_min.n), (2, 3));
        assert_eq!((s.after_30_min.k, s.after_30_min.n), (0, 2));
        assert_eq!(s.buckets[3].qualified.rate, Some(1.0));
        assert!(
            s.finding.contains("67%") && s.finding.contains("within chance"),
            "{}",
            s.finding
        );
    }
}

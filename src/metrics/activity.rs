//! The period's activity, whatever week its leads came in: meetings held,
//! proposals sent, deals won (count and value) and leads lost in the period.
//! It sits beside the cohort's funnel, which follows only the period's own
//! leads and so cannot show their later stages yet; and the average week's
//! won revenue over the trailing 90 days, the yardstick for money figures.

use polars::prelude::*;
use serde::Serialize;

use super::Ctx;
use super::stats;
use crate::error::Result;
use crate::model::*;

/// The trailing window behind the average week's won revenue.
const WINDOW_DAYS: i64 = stats::TRAILING_DAYS;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Activity {
    /// Leads whose meeting fell in the period.
    pub meetings: u64,
    /// Leads whose proposal went out in the period.
    pub proposals: u64,
    /// Leads won in the period (dated wins), and their summed deal value.
    pub won: u64,
    pub won_value: f64,
    /// Won leads of the period with no deal value.
    pub won_without_value: u64,
    /// Leads lost in the period (`lost_at` in it).
    pub lost: u64,
    /// Won value per week over the 90 days up to as-of.
    pub weekly_won_revenue: Option<f64>,
    /// Dated wins in those 90 days.
    pub won_90_days: u64,
    /// Wins with no won date, all leads (counted in reach, not in dated figures).
    pub undated_wins: u64,
}

fn in_range(c: &str, start: i64, end: i64) -> Expr {
    col(c).gt_eq(lit(start)).and(col(c).lt(lit(end)))
}

pub fn compute(ctx: &Ctx) -> Result<Activity> {
    let (start, end) = (ctx.period.start, ctx.period.end.min(ctx.as_of + 1));
    let window_start = ctx.as_of - WINDOW_DAYS * 86_400_000;
    let count = |e: Expr, name: &str| e.sum().cast(DataType::UInt64).alias(name);
    let won = in_range(WON_AT, start, end);
    let won_90 = col(WON_AT)
        .gt(lit(window_start))
        .and(col(WON_AT).lt_eq(lit(ctx.as_of)));
    let df = stats::one_row(
        ctx.ledger.clone().lazy(),
        vec![
            count(in_range(MEETING_AT, start, end), "meetings"),
            count(in_range(PROPOSAL_AT, start, end), "proposals"),
            count(won.clone(), "won"),
            col(DEAL_VALUE).filter(won.clone()).sum().alias("won_value"),
            count(won.and(col(DEAL_VALUE).is_null()), "won_no_value"),
            count(in_range(LOST_AT, start, end).and(col(IS_LOST)), "lost"),
            count(won_90.clone(), "won_90"),
            col(DEAL_VALUE).filter(won_90).sum().alias("value_90"),
            count(col(WON_UNDATED), "undated"),
            col(CAPTURED_AT).min().alias("earliest"),
        ],
    )?;
    let get = |c: &str| -> Result<u64> { Ok(stats::u64_at(&df, c, 0)?.unwrap_or(0)) };
    let won_90 = get("won_90")?;
    let value_90 = stats::f64_at(&df, "value_90", 0)?.unwrap_or(0.0);
    Ok(Activity {
        meetings: get("meetings")?,
        proposals: get("proposals")?,
        won: get("won")?,
        won_value: stats::f64_at(&df, "won_value", 0)?.unwrap_or(0.0),
        won_without_value: get("won_no_value")?,
        lost: get("lost")?,
        // Per week of the window the data covers (an export that starts later
        // than 90 days back must not dilute the average).
        weekly_won_revenue: (won_90 > 0).then(|| {
            let earliest = stats::u64_at(&df, "earliest", 0)
                .ok()
                .flatten()
                .map_or(window_start, |e| e as i64);
            let covered = (ctx.as_of - window_start.max(earliest)) as f64 / 604_800_000.0;
            value_90 / covered.max(1.0)
        }),
        won_90_days: won_90,
        undated_wins: get("undated")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testing::*;

    #[test]
    fn activity_counts_the_periods_events_whatever_week_the_lead_came_in() {
        let day = 1440;
        // a: an old lead won this week (3,00,000); b: this week's meeting and
        // proposal; c: won 30 days ago (9,00,000), no value on d's win; e: undated win.
        let df = ledger(
            5,
            vec![
                Column::new(LEAD_ID.into(), ["a", "b", "c", "d", "e"]),
                Column::new(
                    CAPTURED_AT.into(),
                    [at(-60 * day), at(10), at(-90 * day), at(-5 * day), at(0)],
                ),
                Column::new(
                    MEETING_AT.into(),
                    [Some(at(-50 * day)), Some(at(100)), None, None, None],
                ),
                Column::new(PROPOSAL_AT.into(), [None, Some(at(200)), None, None, None]),
                Column::new(
                    WON_AT.into(),
                    [
                        Some(at(2 * day)),
                        None,
                        Some(at(-30 * day)),
                        Some(at(3 * day)),
                        None,
                    ],
                ),
                Column::new(
                    DEAL_VALUE.into(),
                    [Some(300_000.0), None, Some(900_000.0), None, None],
                ),
                Column::new(WON_UNDATED.into(), [false, false, false, false, true]),
                Column::new(IS_LOST.into(), [false; 5]),
            ],
        );
        let (fixture, period) = (TestWeek::default(), w46());
        let ctx = fixture.ctx(&df, &period);
        let a = compute(&ctx).unwrap();
        assert_eq!(
            (a.meetings, a.proposals, a.won, a.won_without_value),
            (1, 1, 2, 1)
        );
        assert_eq!(a.won_value, 300_000.0);
        // 12,00,000 won in 90 days: per week 12,00,000 / (90 / 7).
        assert_eq!(a.won_90_days, 3);
        assert!((a.weekly_won_revenue.unwrap() - 1_200_000.0 * 7.0 / 90.0).abs() < 1e-6);
        assert_eq!(a.undated_wins, 1);
    }
}

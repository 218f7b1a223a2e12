//! The headline numbers for the period and the 8 weeks before it, for
//! trends and week-over-week change. Every week is a cohort of the same
//! ledger (leads captured that week), seen at the same age as the period's
//! own cohort: a week k weeks back as things stood at as-of minus k weeks.

use polars::prelude::*;
use serde::Serialize;

use super::stats::{self, Rate};
use super::{Ctx, leakage};
use crate::clocks;
use crate::coverage::Basis;
use crate::error::Result;
use crate::model::*;
use crate::period::Period;

/// Weeks of history before the period.
pub const HISTORY_WEEKS: u32 = 8;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Week {
    pub label: String,
    pub first_day: String,
    pub handed_off: u64,
    /// Null when first touch is not measured. Like `contact_to_meeting`, at
    /// the same age as the period's cohort (see [`clocks::sla_at`]).
    pub sla_compliance: Option<Rate>,
    /// Median business minutes to first touch, over leads touched by the
    /// same age as the period's cohort.
    pub median_business_response: Option<f64>,
    /// Contacted leads that reached a meeting, both counted at the same age
    /// as the period's own cohort (this week seen at as-of, last week at
    /// as-of minus 7 days, ...): like for like. Null when not measured.
    pub contact_to_meeting: Option<Rate>,
    /// The week's process losses x worked win rate x average deal, the
    /// losses counted at the same age as the period's cohort.
    pub expected_leakage: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trend {
    /// Oldest first; the last entry is the period itself when it is one week.
    pub weeks: Vec<Week>,
}

/// Reached a stage by `cutoff`: its timestamp or a later stage's at or before it.
fn reached_by(stage_columns: &[&str], cutoff: i64) -> Expr {
    stage_columns.iter().fold(lit(false), |acc, c| {
        acc.or(col(*c).lt_eq(lit(cutoff)).fill_null(lit(false)))
    })
}

/// `cutoff`: the moment this week's cohort is seen at, so every week is read
/// at the same age as the period's own cohort (as-of minus the weeks between).
fn week(ctx: &Ctx, period: &Period, price: Option<f64>, cutoff: i64) -> Result<Week> {
    let touch = ctx.coverage.measured(Basis::FirstTouch);
    let m = super::stages::measured(ctx.coverage);
    let sla = clocks::sla_at(cutoff);
    let df = stats::one_row(
        ctx.for_period(period).cohort(),
        vec![
            len().cast(DataType::UInt64).alias("n"),
            sla.met.sum().cast(DataType::UInt64).alias("met"),
            sla.breached.sum().cast(DataType::UInt64).alias("breached"),
            col(BUSINESS_RESPONSE_MIN)
                .filter(sla.timed)
                .median()
                .alias("median"),
            reached_by(&STAGE_AT[stage_index("contacted")..], cutoff)
                .sum()
                .cast(DataType::UInt64)
                .alias("contacted"),
            reached_by(&STAGE_AT[stage_index("meeting")..], cutoff)
                .sum()
                .cast(DataType::UInt64)
                .alias("meeting"),
            // Untouched past due counts only where first touch is measured.
            clocks::process_loss_at(cutoff, sla.past_due.and(lit(touch)))
                .sum()
                .cast(DataType::UInt64)
                .alias("process"),
        ],
    )?;
    let get = |c: &str| -> Result<u64> { Ok(stats::u64_at(&df, c, 0)?.unwrap_or(0)) };
    let (met, breached) = (get("met")?, get("breached")?);
    Ok(Week {
        label: period.label.clone(),
        first_day: period.first_day.to_string(),
        handed_off: get("n")?,
        sla_compliance: touch.then(|| Rate::new(met, met + breached)),
        median_business_response: stats::f64_at(&df, "median", 0)?,
        contact_to_meeting: (m[2] && m[4])
            .then(|| -> Result<Rate> { Ok(Rate::new(get("meeting")?, get("contacted")?)) })
            .transpose()?,
        expected_leakage: price.map(|p| get("process").unwrap_or(0) as f64 * p),
    })
}

pub fn compute(ctx: &Ctx) -> Result<Trend> {
    let tz = ctx.config.calendar.time_zone.0;
    let price = leakage::expected_price(ctx)?;
    let mut periods = ctx.period.previous_weeks(HISTORY_WEEKS, tz);
    periods.push(ctx.period.clone());
    let weeks = periods
        .iter()
        .map(|p| {
            // Whole weeks between this week's start and the period's.
            let weeks_back = ((ctx.period.start - p.start) as f64 / 604_800_000.0).round() as i64;
            week(ctx, p, price, ctx.as_of - weeks_back * 604_800_000)
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Trend { weeks })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testing::*;

    #[test]
    fn nine_weeks_oldest_first_with_empty_weeks_as_zero() {
        // One lead this week (met), one two weeks ago (breached: touched 45
        // minutes after capture, due after 15).
        let df = ledger(
            2,
            vec![
                Column::new(LEAD_ID.into(), ["a", "b"]),
                Column::new(CAPTURED_AT.into(), [at(100), at(-13 * 1440)]),
                Column::new(SLA_STATUS.into(), ["met", "breached"]),
                Column::new(FIRST_TOUCH_AT.into(), [at(103), at(-13 * 1440 + 45)]),
                Column::new(SLA_DUE_AT.into(), [at(115), at(-13 * 1440 + 15)]),
                Column::new(BUSINESS_RESPONSE_MIN.into(), [Some(3.0), Some(45.0)]),
                Column::new(NEVER_TOUCHED.into(), [false, false]),
                Column::new(CONTACTED_AT.into(), [at(103), at(-13 * 1440 + 45)]),
                Column::new(MEETING_AT.into(), [Some(at(900)), None]),
            ],
        );
        let (fixture, period) = (TestWeek::default(), w46());
        let ctx = fixture.ctx(&df, &period);
        let t = compute(&ctx).unwrap();
        assert_eq!(t.weeks.len(), 9);
        assert_eq!(t.weeks[8].label, "2026-W46");
        assert_eq!(t.weeks[0].label, "2026-W38");
        let this = &t.weeks[8];
        assert_eq!(
            (
                this.handed_off,
                this.sla_compliance.as_ref().unwrap().rate,
                this.median_business_response
            ),
            (1, Some(1.0), Some(3.0))
        );
        let two_ago = &t.weeks[6];
        assert_eq!(
            (
                two_ago.handed_off,
                two_ago.sla_compliance.as_ref().unwrap().rate,
                two_ago.contact_to_meeting.as_ref().unwrap().rate
            ),
            (1, Some(0.0), Some(0.0))
        );
        assert_eq!(t.weeks[7].handed_off, 0);
        assert_eq!(t.weeks[7].sla_compliance.as_ref().unwrap().rate, None);
        // No won deals: no average deal, so no money figure.
        assert_eq!(this.expected_leakage, None);
    }

    #[test]
    fn last_weeks_sla_is_judged_as_it_stood_at_the_same_age() {
        let day = 1440;
        // As-of is the end of W46 (day 7); last week is seen at day 0.
        // Last week's leads, captured on day -1 (Sunday):
        // p touched on time (met at both ages); q due on day 1 and touched
        // late on day 2 (breached at as-of, not yet due at day 0); r due on
        // day -1 + 15 min and untouched until day 3 (breached at day 0 as
        // untouched past due, and at as-of as touched late); s touched at an
        // unknown time, its meeting on day 2 (bound after its due time:
        // unknown at as-of and at day 0, never untouched); t touched at an
        // unknown time bounded by its qualification 10 minutes after capture
        // (met at both ages).
        let cap = -day;
        let df = ledger(
            5,
            vec![
                Column::new(LEAD_ID.into(), ["p", "q", "r", "s", "t"]),
                Column::new(CAPTURED_AT.into(), [at(cap); 5]),
                Column::new(
                    FIRST_TOUCH_AT.into(),
                    [
                        Some(at(cap + 5)),
                        Some(at(2 * day)),
                        Some(at(3 * day)),
                        None,
                        None,
                    ],
                ),
                Column::new(
                    SLA_DUE_AT.into(),
                    [
                        at(cap + 15),
                        at(day),
                        at(cap + 15),
                        at(cap + 15),
                        at(cap + 15),
                    ],
                ),
                Column::new(
                    TOUCH_BOUND_AT.into(),
                    [None, None, None, Some(at(2 * day)), Some(at(cap + 10))],
                ),
                Column::new(reached("contacted").into(), [true; 5]),
                Column::new(
                    BUSINESS_RESPONSE_MIN.into(),
                    [Some(5.0), Some(60.0), Some(90.0), None, None],
                ),
            ],
        );
        let (fixture, period) = (TestWeek::default(), w46());
        let ctx = fixture.ctx(&df, &period);
        let last = &compute(&ctx).unwrap().weeks[7];
        let sla = last.sla_compliance.clone().map(|r| (r.k, r.n));
        // Met: p, t. Breached: r. Not due: q. Unknown: s.
        assert_eq!(sla, Some((2, 3)));
        // Only p had been touched by day 0.
        assert_eq!(last.median_business_response, Some(5.0));
    }

    #[test]
    fn a_process_loss_counts_once_it_had_happened_by_the_cutoff() {
        let day = 1440;
        // Lost for a process reason on day 2, on day -2, with no time; lost
        // for a market reason; not lost. Seen at day 0, untouched past due
        // is given: only the last lead's.
        let df = df![
            IS_LOST => [true, true, true, true, false],
            LOST_CLASS => [Some("process"), Some("process"), Some("process"), Some("market"), None],
            LOST_AT => [Some(at(2 * day)), Some(at(-2 * day)), None, Some(at(-day)), None],
            "past_due" => [false, false, false, false, true],
        ]
        .unwrap();
        let n = |touch: bool| {
            let e = clocks::process_loss_at(at(0), col("past_due").and(lit(touch)));
            let out = df.clone().lazy().select([e.alias("p")]).collect().unwrap();
            let p = out.column("p").unwrap().bool().unwrap();
            p.iter().map(|v| v.unwrap()).collect::<Vec<_>>()
        };
        assert_eq!(n(true), [false, true, true, false, true]);
        // Without first-touch times, untouched past due is not measured.
        assert_eq!(n(false), [false, true, true, false, false]);
    }

    #[test]
    fn last_weeks_cohort_is_read_at_the_same_age_as_this_weeks() {
        let day = 1440;
        // This week: a, captured on day 1, meeting on day 2 (seen at as-of, day 7).
        // Last week: b and c, captured on day -6; b's meeting on day -4 (two days
        // after capture), c's on day 3 (nine days after). At as-of both count;
        // at the same age (as-of minus 7 days, day 0) only b does: 1 of 2.
        let df = ledger(
            3,
            vec![
                Column::new(LEAD_ID.into(), ["a", "b", "c"]),
                Column::new(CAPTURED_AT.into(), [at(day), at(-6 * day), at(-6 * day)]),
                Column::new(
                    CONTACTED_AT.into(),
                    [at(day + 5), at(-6 * day + 5), at(-6 * day + 5)],
                ),
                Column::new(MEETING_AT.into(), [at(2 * day), at(-4 * day), at(3 * day)]),
            ],
        );
        let (fixture, period) = (TestWeek::default(), w46());
        let ctx = fixture.ctx(&df, &period);
        let t = compute(&ctx).unwrap();
        let rate = |w: &Week| w.contact_to_meeting.clone().map(|r| (r.k, r.n));
        assert_eq!(rate(&t.weeks[8]), Some((1, 1)));
        assert_eq!(
            rate(&t.weeks[7]),
            Some((1, 2)),
            "c's meeting came later than 7 days after capture"
        );
    }
}

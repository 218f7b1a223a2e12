//! The headline numbers for the period and the 8 weeks before it, for
//! trends and week-over-week change. Every week is a cohort of the same
//! ledger (leads captured that week), seen at the report's as-of.

use polars::prelude::*;
use serde::Serialize;

use super::stats::{self, Rate};
use super::{Ctx, leakage};
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
    /// Null when first touch is not measured.
    pub sla_compliance: Option<Rate>,
    /// Median business minutes to first touch, over leads with a touch time.
    pub median_business_response: Option<f64>,
    /// Null when contacts or meetings are not measured.
    pub contact_to_meeting: Option<Rate>,
    /// The week's process losses x worked win rate x average deal.
    pub expected_leakage: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trend {
    /// Oldest first; the last entry is the period itself when it is one week.
    pub weeks: Vec<Week>,
}

fn week(ctx: &Ctx, period: &Period, price: Option<f64>) -> Result<Week> {
    let touch = ctx.coverage.measured(Basis::FirstTouch);
    let m = super::stages::measured(ctx.coverage);
    let df = stats::one_row(
        ctx.for_period(period).cohort(),
        vec![
            len().cast(DataType::UInt64).alias("n"),
            col(SLA_STATUS)
                .eq(lit(SlaState::Met.as_str()))
                .sum()
                .cast(DataType::UInt64)
                .alias("met"),
            col(SLA_STATUS)
                .eq(lit(SlaState::Breached.as_str()))
                .sum()
                .cast(DataType::UInt64)
                .alias("breached"),
            col(BUSINESS_RESPONSE_MIN).median().alias("median"),
            col("reached_contacted")
                .sum()
                .cast(DataType::UInt64)
                .alias("contacted"),
            col("reached_meeting")
                .sum()
                .cast(DataType::UInt64)
                .alias("meeting"),
            col(PROCESS_LOSS)
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
        .map(|p| week(ctx, p, price))
        .collect::<Result<Vec<_>>>()?;
    Ok(Trend { weeks })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testing::*;

    #[test]
    fn nine_weeks_oldest_first_with_empty_weeks_as_zero() {
        // One lead this week (met), one two weeks ago (breached).
        let df = ledger(
            2,
            vec![
                Column::new(LEAD_ID.into(), ["a", "b"]),
                Column::new(CAPTURED_AT.into(), [at(100), at(-13 * 1440)]),
                Column::new(SLA_STATUS.into(), ["met", "breached"]),
                Column::new(BUSINESS_RESPONSE_MIN.into(), [Some(3.0), Some(45.0)]),
                Column::new(NEVER_TOUCHED.into(), [false, false]),
                Column::new("reached_contacted".into(), [true, true]),
                Column::new("reached_meeting".into(), [true, false]),
            ],
        );
        let config = config();
        let period = w46();
        let ctx = Ctx {
            ledger: &df,
            period: &period,
            as_of: period.end,
            config: &config,
            coverage: &Default::default(),
        };
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
}

//! Section 2, response time: wall-clock and business-minute distributions
//! overall and by source, campaign, owner, intent and after-hours.

use polars::prelude::*;
use serde::Serialize;

use super::Ctx;
use super::stats::{self, Distribution};
use crate::error::Result;
use crate::model::*;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SegmentResponse {
    pub segment: String,
    pub leads: u64,
    pub business: Distribution,
    pub wall: Distribution,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Response {
    /// Business minutes from capture to first touch (the SLA's clock).
    pub business: Distribution,
    /// Wall-clock minutes from capture to first touch.
    pub wall: Distribution,
    pub by_source: Vec<SegmentResponse>,
    pub by_campaign: Vec<SegmentResponse>,
    /// By rep: each owner's median first response is `business.median`.
    pub by_owner: Vec<SegmentResponse>,
    pub by_intent: Vec<SegmentResponse>,
    /// `after hours` and `in hours`.
    pub by_hours: Vec<SegmentResponse>,
}

fn aggs() -> Vec<Expr> {
    let mut v = vec![len().cast(DataType::UInt64).alias("leads")];
    // Touched (a later stage reached) with no first-touch time.
    let unknown = || {
        Some(
            col("reached_contacted")
                .and(col(FIRST_TOUCH_AT).is_null())
                .fill_null(lit(false)),
        )
    };
    v.extend(stats::distribution_aggs(
        BUSINESS_RESPONSE_MIN,
        "b",
        unknown(),
    ));
    v.extend(stats::distribution_aggs(RESPONSE_MIN, "w", unknown()));
    v
}

fn segmented(lf: LazyFrame, key: &str) -> Result<Vec<SegmentResponse>> {
    stats::segmented(lf, key, aggs(), |df, i, segment| {
        Ok(SegmentResponse {
            segment,
            leads: stats::u64_at(df, "leads", i)?.unwrap_or(0),
            business: stats::read_distribution(df, i, "b")?,
            wall: stats::read_distribution(df, i, "w")?,
        })
    })
}

pub fn compute(ctx: &Ctx) -> Result<Response> {
    let cohort = ctx.cohort();
    let all = stats::one_row(cohort.clone(), aggs())?;
    let hours = cohort.clone().with_columns([when(col(AFTER_HOURS))
        .then(lit("after hours"))
        .otherwise(lit("in hours"))
        .alias("_hours")]);
    Ok(Response {
        business: stats::read_distribution(&all, 0, "b")?,
        wall: stats::read_distribution(&all, 0, "w")?,
        by_source: segmented(cohort.clone(), FT_SOURCE)?,
        by_campaign: segmented(cohort.clone(), FT_CAMPAIGN)?,
        by_owner: segmented(cohort.clone(), OWNER)?,
        by_intent: segmented(cohort, INTENT)?,
        by_hours: segmented(hours, "_hours")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testing::*;

    #[test]
    fn medians_by_rep_ignore_the_untouched_and_count_them_apart() {
        // Asha: 2, 4, 30 business minutes and one never touched; Ravi: one lead, 9 minutes.
        let df = ledger(
            5,
            vec![
                Column::new(LEAD_ID.into(), ["a", "b", "c", "d", "e"]),
                Column::new(CAPTURED_AT.into(), [at(10), at(20), at(30), at(40), at(50)]),
                Column::new(OWNER.into(), ["Asha", "Asha", "Asha", "Asha", "Ravi"]),
                Column::new(AFTER_HOURS.into(), [false, false, true, false, false]),
                Column::new(
                    BUSINESS_RESPONSE_MIN.into(),
                    [Some(2.0), Some(4.0), Some(30.0), None, Some(9.0)],
                ),
                Column::new(
                    RESPONSE_MIN.into(),
                    [Some(2.0), Some(4.0), Some(900.0), None, Some(9.0)],
                ),
            ],
        );
        let (fixture, period) = (TestWeek::default(), w46());
        let ctx = fixture.ctx(&df, &period);
        let r = compute(&ctx).unwrap();
        assert_eq!(r.business.n, 4);
        assert_eq!(r.business.never, 1);
        // Business minutes 2, 4, 9, 30: median 6.5.
        assert_eq!(r.business.median, Some(6.5));
        assert_eq!(r.wall.max, Some(900.0));
        let asha = &r.by_owner[0];
        assert_eq!(
            (
                asha.segment.as_str(),
                asha.leads,
                asha.business.median,
                asha.business.never
            ),
            ("Asha", 4, Some(4.0), 1)
        );
        let ravi = &r.by_owner[1];
        assert_eq!(
            (
                ravi.segment.as_str(),
                ravi.business.median,
                ravi.business.p90
            ),
            ("Ravi", Some(9.0), Some(9.0))
        );
        let hours: Vec<&str> = r.by_hours.iter().map(|h| h.segment.as_str()).collect();
        assert_eq!(hours, ["after hours", "in hours"]);
        assert_eq!(r.by_hours[0].wall.median, Some(900.0));
    }
}

//! Section 1, volume and handoff: leads captured and handed off, by source,
//! campaign, medium and intent; after-hours share; the form-to-CRM lag;
//! returns to marketing.

use polars::prelude::*;
use serde::Serialize;

use super::Ctx;
use super::stats::{self, Distribution, Rate};
use crate::error::Result;
use crate::model::*;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Count {
    pub segment: String,
    pub leads: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Returns {
    /// Cohort leads whose status at as-of is `returned`.
    pub count: u64,
    pub without_reason: u64,
    /// Counts by reason as typed (trimmed, lower-cased).
    pub reasons: Vec<Count>,
    /// The returned leads without a reason, oldest first.
    pub without_reason_leads: Vec<super::sla::LeadRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Volume {
    /// Leads whose `captured_at` falls in the period.
    pub captured: u64,
    /// Every cohort lead counts as handed off (the CRM record is the handoff).
    pub handed_off: u64,
    /// Of those, with an `assigned_at` by as-of.
    pub assigned: u64,
    /// Captured outside opening hours.
    pub after_hours: Rate,
    pub by_source: Vec<Count>,
    pub by_campaign: Vec<Count>,
    pub by_medium: Vec<Count>,
    pub by_intent: Vec<Count>,
    /// `handoff_lag_min` of the leads whose capture was a form submission.
    pub handoff_lag: Distribution,
    pub returns: Returns,
}

fn counts(lf: LazyFrame, key: &str) -> Result<Vec<Count>> {
    let df = stats::by_segment(lf, key, vec![len().cast(DataType::UInt64).alias("leads")])?;
    let names = stats::segments(&df)?;
    names
        .into_iter()
        .enumerate()
        .map(|(i, segment)| {
            Ok(Count {
                segment,
                leads: stats::u64_at(&df, "leads", i)?.unwrap_or(0),
            })
        })
        .collect()
}

pub fn compute(ctx: &Ctx) -> Result<Volume> {
    let cohort = ctx.cohort();
    let totals = stats::one_row(
        cohort.clone(),
        vec![
            len().cast(DataType::UInt64).alias("n"),
            col(ASSIGNED_AT)
                .is_not_null()
                .sum()
                .cast(DataType::UInt64)
                .alias("assigned"),
            col(AFTER_HOURS)
                .sum()
                .cast(DataType::UInt64)
                .alias("after_hours"),
            col(STATUS_FINAL)
                .eq(lit("returned"))
                .sum()
                .cast(DataType::UInt64)
                .alias("returned"),
            col(STATUS_FINAL)
                .eq(lit("returned"))
                .and(col(RETURN_REASON).is_null())
                .sum()
                .cast(DataType::UInt64)
                .alias("returned_blank"),
        ],
    )?;
    let n = stats::u64_at(&totals, "n", 0)?.unwrap_or(0);
    let get = |c: &str| -> Result<u64> { Ok(stats::u64_at(&totals, c, 0)?.unwrap_or(0)) };
    let lag = stats::one_row(
        cohort.clone().filter(col(CAPTURED_BY_FORM)),
        stats::distribution_aggs(HANDOFF_LAG_MIN, "lag", None),
    )?;
    let returned = cohort
        .clone()
        .filter(
            col(STATUS_FINAL)
                .eq(lit("returned"))
                .and(col(RETURN_REASON).is_not_null()),
        )
        .with_columns([col(RETURN_REASON)
            .str()
            .to_lowercase()
            .str()
            .strip_chars(lit(NULL).cast(DataType::String))
            .alias("_reason")]);
    Ok(Volume {
        captured: n,
        handed_off: n,
        assigned: get("assigned")?,
        after_hours: Rate::new(get("after_hours")?, n),
        by_source: counts(cohort.clone(), FT_SOURCE)?,
        by_campaign: counts(cohort.clone(), FT_CAMPAIGN)?,
        by_medium: counts(cohort.clone(), FT_MEDIUM)?,
        by_intent: counts(cohort, INTENT)?,
        handoff_lag: stats::read_distribution(&lag, 0, "lag")?,
        returns: Returns {
            count: get("returned")?,
            without_reason: get("returned_blank")?,
            without_reason_leads: super::sla::lead_refs(
                ctx.cohort().filter(
                    col(STATUS_FINAL)
                        .eq(lit(RETURNED))
                        .and(col(RETURN_REASON).is_null()),
                ),
                ctx.config.calendar.time_zone.0,
            )?,
            reasons: counts(returned, "_reason")?,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testing::*;

    #[test]
    fn counts_the_cohort_by_attributed_source() {
        // Four leads: three in the week (one on Sunday evening, after hours), one the week before.
        let df = ledger(
            4,
            vec![
                Column::new(LEAD_ID.into(), ["a", "b", "c", "d"]),
                Column::new(
                    CAPTURED_AT.into(),
                    [at(60), at(6 * 1440 + 1200), at(-10), at(600)],
                ),
                Column::new(
                    FT_SOURCE.into(),
                    [Some("meta_ads"), None, Some("meta_ads"), Some("google_ads")],
                ),
                Column::new(INTENT.into(), ["high", "medium", "medium", "medium"]),
                Column::new(AFTER_HOURS.into(), [false, true, false, false]),
                Column::new(CAPTURED_BY_FORM.into(), [true, false, true, true]),
                Column::new(HANDOFF_LAG_MIN.into(), [4.0, 0.0, 1.0, 10.0]),
                Column::new(
                    ASSIGNED_AT.into(),
                    [Some(at(61)), None, None, Some(at(601))],
                ),
                Column::new(
                    STATUS_FINAL.into(),
                    ["open", "returned", "open", "returned"],
                ),
                Column::new(RETURN_REASON.into(), [None, None, None, Some(" Student ")]),
            ],
        );
        let (fixture, period) = (TestWeek::default(), w46());
        let ctx = fixture.ctx(&df, &period);
        let v = compute(&ctx).unwrap();
        assert_eq!(v.captured, 3);
        assert_eq!(v.handed_off, 3);
        assert_eq!(v.assigned, 2);
        assert_eq!((v.after_hours.k, v.after_hours.n), (1, 3));
        let sources: Vec<(String, u64)> = v
            .by_source
            .iter()
            .map(|c| (c.segment.clone(), c.leads))
            .collect();
        assert_eq!(
            sources,
            [
                ("(none)".into(), 1),
                ("google_ads".into(), 1),
                ("meta_ads".into(), 1)
            ]
        );
        // Lag over the two form-captured cohort leads: 4 and 10 minutes.
        assert_eq!(v.handoff_lag.n, 2);
        assert_eq!(v.handoff_lag.median, Some(7.0));
        assert_eq!(v.returns.count, 2);
        assert_eq!(v.returns.without_reason, 1);
        assert_eq!(
            v.returns.reasons,
            vec![Count {
                segment: "student".into(),
                leads: 1
            }]
        );
    }

    #[test]
    fn an_empty_week_is_zeros_not_errors() {
        let df = ledger(0, vec![]);
        let (fixture, period) = (TestWeek::default(), w46());
        let ctx = fixture.ctx(&df, &period);
        let v = compute(&ctx).unwrap();
        assert_eq!(v.captured, 0);
        assert_eq!(v.after_hours.rate, None);
        assert!(v.by_source.is_empty());
        assert_eq!(v.handoff_lag.median, None);
    }
}

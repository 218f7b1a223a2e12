//! Section 4, SLA: met / breached / not yet due overall and by tier, owner
//! and source; compliance; escalations and reassign candidates; the breach
//! list (the week's action list); attempts, under-worked and untouched leads.

use polars::prelude::*;
use serde::Serialize;

use super::Ctx;
use super::stats::{self, Rate};
use crate::clocks;
use crate::config::Intent;
use crate::coverage::Basis;
use crate::error::Result;
use crate::model::*;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SlaCounts {
    pub segment: String,
    pub met: u64,
    pub breached: u64,
    /// Untouched and not yet due: waiting.
    pub not_due: u64,
    /// Touched (a later stage was reached) at a time that cannot be placed
    /// before the due time: left out of compliance.
    pub unknown: u64,
    /// met / (met + breached).
    pub compliance: Rate,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Breach {
    pub lead_id: String,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub owner: Option<String>,
    pub source: Option<String>,
    pub campaign: Option<String>,
    pub tier: String,
    pub captured_at: String,
    pub due_at: Option<String>,
    /// Blank: still untouched at as-of.
    pub first_touch_at: Option<String>,
    pub delay_business_min: Option<f64>,
    pub escalated: bool,
    pub reassign: bool,
}

/// A lead on an action list: who owns it and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LeadRef {
    pub lead_id: String,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub owner: Option<String>,
    pub source: Option<String>,
    pub captured_at: String,
}

/// The leads of a filtered cohort, oldest capture first.
pub fn lead_refs(lf: LazyFrame, tz: chrono_tz::Tz) -> Result<Vec<LeadRef>> {
    let df = lf
        .sort([CAPTURED_AT, LEAD_ID], SortMultipleOptions::default())
        .collect()
        .map_err(crate::error::HandoffError::engine("listing leads"))?;
    (0..df.height()).map(|i| lead_ref(&df, i, tz)).collect()
}

/// Row `i` of a frame of ledger rows as a [`LeadRef`].
fn lead_ref(df: &DataFrame, i: usize, tz: chrono_tz::Tz) -> Result<LeadRef> {
    Ok(LeadRef {
        lead_id: stats::str_at(df, LEAD_ID, i)?.unwrap_or_default(),
        name: stats::str_at(df, NAME, i)?,
        phone: stats::str_at(df, PHONE, i)?,
        owner: stats::str_at(df, OWNER, i)?,
        source: stats::str_at(df, FT_SOURCE, i)?,
        captured_at: stats::time_at(df, CAPTURED_AT, i, tz)?.unwrap_or_default(),
    })
}

/// An untouched lead whose first response is not yet due.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Waiting {
    #[serde(flatten)]
    pub lead: LeadRef,
    pub due_at: Option<String>,
}

fn waiting(ctx: &Ctx) -> Result<Vec<Waiting>> {
    let tz = ctx.config.calendar.time_zone.0;
    let df = ctx
        .cohort()
        .filter(clocks::waiting())
        .sort([SLA_DUE_AT, LEAD_ID], SortMultipleOptions::default())
        .collect()
        .map_err(crate::error::HandoffError::engine("listing waiting leads"))?;
    (0..df.height())
        .map(|i| {
            Ok(Waiting {
                lead: lead_ref(&df, i, tz)?,
                due_at: stats::time_at(&df, SLA_DUE_AT, i, tz)?,
            })
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attempts {
    /// Mean outbound attempts in the window after capture, over the cohort.
    pub mean: Option<f64>,
    /// Leads with at least the policy minimum.
    pub at_least_minimum: Rate,
    pub minimum: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sla {
    pub overall: SlaCounts,
    pub by_tier: Vec<SlaCounts>,
    pub by_owner: Vec<SlaCounts>,
    pub by_source: Vec<SlaCounts>,
    /// Breaches past the tier's escalation threshold.
    pub escalated: u64,
    /// Breached, untouched at as-of, past the reassign threshold.
    pub reassign_candidates: u64,
    /// Untouched past the due time at as-of (process losses).
    pub never_touched: u64,
    /// Untouched and not yet due at as-of: waiting, not lost.
    pub waiting: u64,
    /// Touched (a later stage reached) with no first-touch time: left out of
    /// compliance and of the response percentiles.
    pub touched_time_unknown: u64,
    /// Lost as unreachable with fewer attempts than the minimum; null when
    /// attempts are not measured (no call log).
    pub under_worked: Option<u64>,
    /// Null when attempts are not measured (no call log).
    pub attempts: Option<Attempts>,
    /// Every breach of the period, longest delay first.
    pub breaches: Vec<Breach>,
    /// The period's leads untouched past their due time, oldest first.
    pub never_touched_leads: Vec<LeadRef>,
    /// The period's untouched leads not yet due, soonest due first.
    pub waiting_leads: Vec<Waiting>,
    /// The period's under-worked leads, oldest first.
    pub under_worked_leads: Vec<LeadRef>,
}

impl Sla {
    /// The counts of an intent tier, if any lead of the week had it.
    pub fn tier(&self, intent: Intent) -> Option<&SlaCounts> {
        self.by_tier.iter().find(|t| t.segment == intent.name())
    }
}

const COUNTED: [SlaState; 4] = [
    SlaState::Met,
    SlaState::Breached,
    SlaState::NotDue,
    SlaState::Unknown,
];

fn aggs() -> Vec<Expr> {
    COUNTED
        .iter()
        .map(|s| {
            col(SLA_STATUS)
                .eq(lit(s.as_str()))
                .sum()
                .cast(DataType::UInt64)
                .alias(s.as_str())
        })
        .collect()
}

fn read(df: &DataFrame, row: usize, segment: String) -> Result<SlaCounts> {
    let get = |c: &str| -> Result<u64> { Ok(stats::u64_at(df, c, row)?.unwrap_or(0)) };
    let (met, breached) = (
        get(SlaState::Met.as_str())?,
        get(SlaState::Breached.as_str())?,
    );
    Ok(SlaCounts {
        segment,
        met,
        breached,
        not_due: get(SlaState::NotDue.as_str())?,
        unknown: get(SlaState::Unknown.as_str())?,
        compliance: Rate::new(met, met + breached),
    })
}

fn segmented(lf: LazyFrame, key: &str) -> Result<Vec<SlaCounts>> {
    stats::segmented(lf, key, aggs(), read)
}

/// The breached leads of a cohort, longest delay first, then by lead id.
pub fn breach_frame(cohort: LazyFrame) -> LazyFrame {
    cohort
        .filter(col(SLA_STATUS).eq(lit(SlaState::Breached.as_str())))
        .sort(
            [SLA_DELAY_MIN, LEAD_ID],
            SortMultipleOptions::default()
                .with_order_descending_multi([true, false])
                .with_nulls_last(true),
        )
}

fn breaches(ctx: &Ctx) -> Result<Vec<Breach>> {
    let tz = ctx.config.calendar.time_zone.0;
    let df = breach_frame(ctx.cohort())
        .collect()
        .map_err(crate::error::HandoffError::engine("listing breaches"))?;
    let time = |c: &str, i: usize| stats::time_at(&df, c, i, tz);
    let flag = |c: &str, i: usize| -> bool {
        matches!(
            df.column(c).ok().and_then(|c| c.get(i).ok()),
            Some(AnyValue::Boolean(true))
        )
    };
    (0..df.height())
        .map(|i| {
            Ok(Breach {
                lead_id: stats::str_at(&df, LEAD_ID, i)?.unwrap_or_default(),
                name: stats::str_at(&df, NAME, i)?,
                phone: stats::str_at(&df, PHONE, i)?,
                owner: stats::str_at(&df, OWNER, i)?,
                source: stats::str_at(&df, FT_SOURCE, i)?,
                campaign: stats::str_at(&df, FT_CAMPAIGN, i)?,
                tier: stats::str_at(&df, SLA_TIER, i)?.unwrap_or_default(),
                captured_at: time(CAPTURED_AT, i)?.unwrap_or_default(),
                due_at: time(SLA_DUE_AT, i)?,
                first_touch_at: time(FIRST_TOUCH_AT, i)?,
                delay_business_min: stats::f64_at(&df, SLA_DELAY_MIN, i)?,
                escalated: flag(ESCALATED, i),
                reassign: flag(REASSIGN, i),
            })
        })
        .collect()
}

pub fn compute(ctx: &Ctx) -> Result<Sla> {
    let cohort = ctx.cohort();
    let mut all = aggs();
    let count = |e: Expr, name: &str| e.sum().cast(DataType::UInt64).alias(name);
    all.extend([
        count(col(ESCALATED), ESCALATED),
        count(col(REASSIGN), REASSIGN),
        count(clocks::untouched_past_due(), "untouched_past_due"),
        count(clocks::waiting(), "waiting"),
        count(
            col("reached_contacted").and(col(FIRST_TOUCH_AT).is_null()),
            "time_unknown",
        ),
        count(col(UNDER_WORKED), UNDER_WORKED),
        len().cast(DataType::UInt64).alias("n"),
        col(ATTEMPTS)
            .cast(DataType::Float64)
            .mean()
            .alias("attempts_mean"),
        count(
            col(ATTEMPTS).gt_eq(lit(ctx.config.attempts.minimum)),
            "attempts_enough",
        ),
    ]);
    let df = stats::one_row(cohort.clone(), all)?;
    let get = |c: &str| -> Result<u64> { Ok(stats::u64_at(&df, c, 0)?.unwrap_or(0)) };
    let tz = ctx.config.calendar.time_zone.0;
    let attempted = ctx.coverage.measured(Basis::Attempts);
    Ok(Sla {
        overall: read(&df, 0, "all".into())?,
        by_tier: segmented(cohort.clone(), SLA_TIER)?,
        by_owner: segmented(cohort.clone(), OWNER)?,
        by_source: segmented(cohort, FT_SOURCE)?,
        escalated: get(ESCALATED)?,
        reassign_candidates: get(REASSIGN)?,
        never_touched: get("untouched_past_due")?,
        waiting: get("waiting")?,
        touched_time_unknown: get("time_unknown")?,
        under_worked: attempted.then(|| get(UNDER_WORKED)).transpose()?,
        attempts: attempted
            .then(|| -> Result<Attempts> {
                Ok(Attempts {
                    mean: stats::f64_at(&df, "attempts_mean", 0)?,
                    at_least_minimum: Rate::new(get("attempts_enough")?, get("n")?),
                    minimum: ctx.config.attempts.minimum,
                })
            })
            .transpose()?,
        breaches: breaches(ctx)?,
        never_touched_leads: lead_refs(ctx.cohort().filter(clocks::untouched_past_due()), tz)?,
        waiting_leads: waiting(ctx)?,
        under_worked_leads: lead_refs(ctx.cohort().filter(col(UNDER_WORKED)), tz)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testing::*;

    #[test]
    fn compliance_counts_only_judged_leads_and_lists_breaches_by_delay() {
        // a met, b breached by 40 (touched), c breached by 90 (untouched), d still inside its SLA.
        let df = ledger(
            4,
            vec![
                Column::new(LEAD_ID.into(), ["a", "b", "c", "d"]),
                Column::new(CAPTURED_AT.into(), [at(10), at(20), at(30), at(40)]),
                Column::new(
                    OWNER.into(),
                    [Some("Asha"), Some("Ravi"), Some("Ravi"), None],
                ),
                Column::new(SLA_TIER.into(), ["high", "high", "medium", "medium"]),
                Column::new(
                    SLA_STATUS.into(),
                    ["met", "breached", "breached", "not_due"],
                ),
                Column::new(SLA_DELAY_MIN.into(), [None, Some(40.0), Some(90.0), None]),
                Column::new(SLA_DUE_AT.into(), [at(15), at(25), at(45), at(55)]),
                Column::new(
                    FIRST_TOUCH_AT.into(),
                    [Some(at(12)), Some(at(65)), None, None],
                ),
                Column::new(ESCALATED.into(), [false, true, true, false]),
                Column::new(REASSIGN.into(), [false, false, true, false]),
                Column::new(NEVER_TOUCHED.into(), [false, false, true, true]),
                Column::new(UNDER_WORKED.into(), [false, false, false, false]),
                Column::new(ATTEMPTS.into(), [5u32, 2, 0, 0]),
            ],
        );
        let config = config();
        let period = w46();
        let ctx = Ctx {
            ledger: &df,
            period: &period,
            as_of: at(50),
            config: &config,
            coverage: &Default::default(),
        };
        let s = compute(&ctx).unwrap();
        assert_eq!(
            (s.overall.met, s.overall.breached, s.overall.not_due),
            (1, 2, 1)
        );
        assert_eq!(s.overall.compliance.rate, Some(1.0 / 3.0));
        // c is untouched past its due time; d is untouched and not yet due: waiting.
        assert_eq!(
            (
                s.escalated,
                s.reassign_candidates,
                s.never_touched,
                s.waiting
            ),
            (2, 1, 1, 1)
        );
        let attempts = s.attempts.clone().unwrap();
        assert_eq!(attempts.mean, Some(7.0 / 4.0));
        assert_eq!(
            (attempts.at_least_minimum.k, attempts.at_least_minimum.n),
            (1, 4)
        );
        let ids: Vec<&str> = s.breaches.iter().map(|b| b.lead_id.as_str()).collect();
        assert_eq!(ids, ["c", "b"]);
        let never: Vec<(&str, Option<&str>)> = s
            .never_touched_leads
            .iter()
            .map(|l| (l.lead_id.as_str(), l.owner.as_deref()))
            .collect();
        assert_eq!(never, [("c", Some("Ravi"))]);
        let waiting: Vec<&str> = s
            .waiting_leads
            .iter()
            .map(|w| w.lead.lead_id.as_str())
            .collect();
        assert_eq!(waiting, ["d"]);
        assert!(s.under_worked_leads.is_empty());
        assert_eq!(s.breaches[0].first_touch_at, None);
        assert!(s.breaches[0].reassign);
        let ravi = s.by_owner.iter().find(|o| o.segment == "Ravi").unwrap();
        assert_eq!((ravi.breached, ravi.compliance.rate), (2, Some(0.0)));
        let none = s.by_owner.iter().find(|o| o.segment == "(none)").unwrap();
        assert_eq!((none.not_due, none.compliance.rate), (1, None));
    }
}

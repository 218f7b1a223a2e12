//! Section 9, pipeline at risk, over every lead open at as-of (not only the
//! period's): proposals with no movement past `pipeline.stale_after`, open
//! leads with no next action date, and unowned leads.

use polars::prelude::*;
use serde::Serialize;

use super::Ctx;
use super::stats;
use crate::error::{HandoffError, Result};
use crate::model::*;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AtRisk {
    pub lead_id: String,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub owner: Option<String>,
    pub source: Option<String>,
    pub campaign: Option<String>,
    pub proposal_at: Option<String>,
    pub days_since_proposal: Option<f64>,
    pub deal_value: Option<f64>,
    pub next_action_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PipelineRisk {
    /// Leads open at as-of (not won, lost, returned or nurture).
    pub open: u64,
    pub stale_after_days: f64,
    /// Open with a proposal older than `stale_after`: largest value first.
    pub stale_proposals: Vec<AtRisk>,
    /// Their summed `deal_value`.
    pub stale_value: f64,
    pub no_next_action: u64,
    pub unowned: u64,
}

/// Open, with a proposal older than the threshold.
pub fn stale(as_of: i64, stale_ms: i64) -> Expr {
    col(STATUS_FINAL)
        .eq(lit(OPEN))
        .and(col(PROPOSAL_AT).lt_eq(lit(as_of - stale_ms)))
        .fill_null(lit(false))
}

/// Open leads whose proposal is older than the threshold, largest value first.
pub fn stale_frame(ledger: LazyFrame, as_of: i64, stale_ms: i64) -> LazyFrame {
    ledger.filter(stale(as_of, stale_ms)).sort(
        [DEAL_VALUE, LEAD_ID],
        SortMultipleOptions::default()
            .with_order_descending_multi([true, false])
            .with_nulls_last(true),
    )
}

pub fn compute(ctx: &Ctx) -> Result<PipelineRisk> {
    let tz = ctx.config.calendar.time_zone.0;
    let stale_ms = ctx.config.pipeline.stale_after.as_ms();
    let all = ctx.ledger.clone().lazy();
    let open = all.clone().filter(col(STATUS_FINAL).eq(lit("open")));
    let counts = stats::one_row(
        open,
        vec![
            len().cast(DataType::UInt64).alias("n"),
            col(NEXT_ACTION_AT)
                .is_null()
                .sum()
                .cast(DataType::UInt64)
                .alias("no_next"),
            col(OWNER)
                .is_null()
                .sum()
                .cast(DataType::UInt64)
                .alias("unowned"),
        ],
    )?;
    let df = stale_frame(all, ctx.as_of, stale_ms)
        .collect()
        .map_err(HandoffError::engine("listing stale proposals"))?;
    let time = |c: &str, i: usize| stats::time_at(&df, c, i, tz);
    let mut stale = Vec::new();
    let mut value = 0.0;
    for i in 0..df.height() {
        let proposal = stats::u64_at(&df, PROPOSAL_AT, i)?;
        let deal = stats::f64_at(&df, DEAL_VALUE, i)?;
        value += deal.unwrap_or(0.0);
        stale.push(AtRisk {
            lead_id: stats::str_at(&df, LEAD_ID, i)?.unwrap_or_default(),
            name: stats::str_at(&df, NAME, i)?,
            phone: stats::str_at(&df, PHONE, i)?,
            owner: stats::str_at(&df, OWNER, i)?,
            source: stats::str_at(&df, FT_SOURCE, i)?,
            campaign: stats::str_at(&df, FT_CAMPAIGN, i)?,
            proposal_at: time(PROPOSAL_AT, i)?,
            days_since_proposal: proposal.map(|p| (ctx.as_of - p as i64) as f64 / 86_400_000.0),
            deal_value: deal,
            next_action_at: time(NEXT_ACTION_AT, i)?,
        });
    }
    let get = |c: &str| -> Result<u64> { Ok(stats::u64_at(&counts, c, 0)?.unwrap_or(0)) };
    Ok(PipelineRisk {
        open: get("n")?,
        stale_after_days: stale_ms as f64 / 86_400_000.0,
        stale_proposals: stale,
        stale_value: value,
        no_next_action: get("no_next")?,
        unowned: get("unowned")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testing::*;

    #[test]
    fn stale_proposals_are_open_and_old_largest_first() {
        let day = 1440;
        // as-of = week end (day 7). a: proposal day -10, open, 2 lakh; b: proposal day -20, open, 5 lakh;
        // c: proposal day 5 (2 days old, fresh); d: old proposal but won; e: open, no proposal, no owner.
        let df = ledger(
            5,
            vec![
                Column::new(LEAD_ID.into(), ["a", "b", "c", "d", "e"]),
                Column::new(STATUS_FINAL.into(), ["open", "open", "open", "won", "open"]),
                Column::new(
                    PROPOSAL_AT.into(),
                    [
                        Some(at(-10 * day)),
                        Some(at(-20 * day)),
                        Some(at(5 * day)),
                        Some(at(-30 * day)),
                        None,
                    ],
                ),
                Column::new(
                    DEAL_VALUE.into(),
                    [Some(200_000.0), Some(500_000.0), None, Some(1.0), None],
                ),
                Column::new(
                    OWNER.into(),
                    [Some("Asha"), Some("Ravi"), Some("Asha"), Some("Ravi"), None],
                ),
                Column::new(
                    NEXT_ACTION_AT.into(),
                    [Some(at(8 * day)), None, None, None, None],
                ),
            ],
        );
        let (fixture, period) = (TestWeek::default(), w46());
        let ctx = fixture.ctx(&df, &period);
        let p = compute(&ctx).unwrap();
        assert_eq!(p.open, 4);
        let ids: Vec<&str> = p
            .stale_proposals
            .iter()
            .map(|s| s.lead_id.as_str())
            .collect();
        assert_eq!(ids, ["b", "a"]);
        assert_eq!(p.stale_value, 700_000.0);
        assert_eq!(p.stale_proposals[0].days_since_proposal, Some(27.0));
        assert_eq!((p.no_next_action, p.unowned), (3, 1));
    }
}

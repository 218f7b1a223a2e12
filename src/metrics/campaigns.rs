//! Section 6, campaigns: a leaderboard of the period's campaigns by qualified
//! meetings (not leads), with the meeting rate and its interval, median
//! response, process leakage, and cost per qualified meeting when spend is
//! given; and the sources whose median response is slower than the SLA.

use std::collections::BTreeMap;

use polars::prelude::*;
use serde::Serialize;

use super::stats::{self, Rate};
use super::{Ctx, leakage};
use crate::config::Due;
use crate::error::Result;
use crate::model::*;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CampaignRow {
    pub campaign: String,
    pub source: Option<String>,
    pub leads: u64,
    /// Leads that reached a meeting (a meeting implies qualification).
    pub meetings: u64,
    pub meeting_rate: Rate,
    pub qualified: Rate,
    pub median_business_response: Option<f64>,
    pub process_losses: u64,
    /// process losses x worked win rate x average deal.
    pub expected_leakage: Option<f64>,
    /// Spend in the period on this campaign (null when no spend file or no row for it).
    pub spend: Option<f64>,
    pub cost_per_lead: Option<f64>,
    pub cost_per_meeting: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SlowSource {
    pub source: String,
    pub leads: u64,
    pub median_business_response: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Campaigns {
    /// Most meetings first, then the higher interval floor, then the name.
    pub leaderboard: Vec<CampaignRow>,
    /// The threshold for "slow": the medium tier's due time in business minutes.
    pub slow_threshold_min: f64,
    pub slow_sources: Vec<SlowSource>,
}

fn aggs() -> Vec<Expr> {
    vec![
        len().cast(DataType::UInt64).alias("n"),
        col(FT_SOURCE).drop_nulls().first().alias("source"),
        col("reached_meeting")
            .sum()
            .cast(DataType::UInt64)
            .alias("meetings"),
        col("reached_qualified")
            .sum()
            .cast(DataType::UInt64)
            .alias("qualified"),
        col(BUSINESS_RESPONSE_MIN).median().alias("median"),
        col(PROCESS_LOSS)
            .sum()
            .cast(DataType::UInt64)
            .alias("process"),
    ]
}

/// Spend per campaign in the period.
fn spend_by_campaign(ctx: &Ctx, spend: Option<&DataFrame>) -> Result<BTreeMap<String, f64>> {
    let Some(spend) = spend else {
        return Ok(BTreeMap::new());
    };
    let in_period = spend.clone().lazy().filter(
        col(DATE)
            .gt_eq(lit(ctx.period.start))
            .and(col(DATE).lt(lit(ctx.period.end))),
    );
    let df = stats::by_segment(in_period, CAMPAIGN, vec![col(SPEND).sum().alias("spend")])?;
    stats::segments(&df)?
        .into_iter()
        .enumerate()
        .map(|(i, c)| Ok((c, stats::f64_at(&df, "spend", i)?.unwrap_or(0.0))))
        .collect()
}

pub fn compute(ctx: &Ctx, spend: Option<&DataFrame>) -> Result<Campaigns> {
    let price = leakage::expected_price(ctx)?;
    let spent = spend_by_campaign(ctx, spend)?;
    let cohort = ctx.cohort().sort([LEAD_ID], SortMultipleOptions::default());
    let df = stats::by_segment(cohort.clone(), FT_CAMPAIGN, aggs())?;
    let mut rows = Vec::new();
    for (i, campaign) in stats::segments(&df)?.into_iter().enumerate() {
        let get = |c: &str| -> Result<u64> { Ok(stats::u64_at(&df, c, i)?.unwrap_or(0)) };
        let (n, meetings, process) = (get("n")?, get("meetings")?, get("process")?);
        let money = spent.get(&campaign).copied();
        rows.push(CampaignRow {
            source: stats::str_at(&df, "source", i)?,
            leads: n,
            meetings,
            meeting_rate: Rate::new(meetings, n),
            qualified: Rate::new(get("qualified")?, n),
            median_business_response: stats::f64_at(&df, "median", i)?,
            process_losses: process,
            expected_leakage: price.map(|p| process as f64 * p),
            spend: money,
            cost_per_lead: money.filter(|_| n > 0).map(|m| m / n as f64),
            cost_per_meeting: money.filter(|_| meetings > 0).map(|m| m / meetings as f64),
            campaign,
        });
    }
    // Campaigns that spent money and brought no lead at all belong on the board too.
    for (campaign, money) in &spent {
        if !rows.iter().any(|r| &r.campaign == campaign) {
            rows.push(CampaignRow {
                campaign: campaign.clone(),
                source: None,
                leads: 0,
                meetings: 0,
                meeting_rate: Rate::new(0, 0),
                qualified: Rate::new(0, 0),
                median_business_response: None,
                process_losses: 0,
                expected_leakage: price.map(|_| 0.0),
                spend: Some(*money),
                cost_per_lead: None,
                cost_per_meeting: None,
            });
        }
    }
    rows.sort_by(|a, b| {
        b.meetings
            .cmp(&a.meetings)
            .then(
                b.meeting_rate
                    .low
                    .unwrap_or(0.0)
                    .total_cmp(&a.meeting_rate.low.unwrap_or(0.0)),
            )
            .then(a.campaign.cmp(&b.campaign))
    });
    let threshold = match ctx.config.sla.medium.due {
        Due::Within(d) => f64::from(d.minutes),
        Due::EndOfDay => 15.0,
    };
    let by_source = stats::by_segment(cohort, FT_SOURCE, aggs())?;
    let mut slow = Vec::new();
    for (i, source) in stats::segments(&by_source)?.into_iter().enumerate() {
        let median = stats::f64_at(&by_source, "median", i)?;
        if median.is_some_and(|m| m > threshold) {
            slow.push(SlowSource {
                source,
                leads: stats::u64_at(&by_source, "n", i)?.unwrap_or(0),
                median_business_response: median,
            });
        }
    }
    Ok(Campaigns {
        leaderboard: rows,
        slow_threshold_min: threshold,
        slow_sources: slow,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testing::*;

    #[test]
    fn leaderboard_ranks_meetings_not_leads_and_prices_them() {
        // FB: 4 leads, 1 meeting. GA: 2 leads, 2 meetings. Spend: FB 8,000, GA 3,000, IG 5,000 (no leads).
        let df = ledger(
            6,
            vec![
                Column::new(LEAD_ID.into(), ["a", "b", "c", "d", "e", "f"]),
                Column::new(
                    CAPTURED_AT.into(),
                    [at(0), at(1), at(2), at(3), at(4), at(5)],
                ),
                Column::new(FT_CAMPAIGN.into(), ["FB", "FB", "FB", "FB", "GA", "GA"]),
                Column::new(
                    FT_SOURCE.into(),
                    [
                        "meta_ads",
                        "meta_ads",
                        "meta_ads",
                        "meta_ads",
                        "google_ads",
                        "google_ads",
                    ],
                ),
                Column::new(
                    "reached_meeting".into(),
                    [true, false, false, false, true, true],
                ),
                Column::new(
                    "reached_qualified".into(),
                    [true, true, false, false, true, true],
                ),
                Column::new(
                    BUSINESS_RESPONSE_MIN.into(),
                    [
                        Some(40.0),
                        Some(50.0),
                        Some(60.0),
                        None,
                        Some(2.0),
                        Some(4.0),
                    ],
                ),
                Column::new(
                    PROCESS_LOSS.into(),
                    [false, false, false, true, false, false],
                ),
            ],
        );
        let spend = df![
            DATE => [at(0), at(1440), at(0), at(0), at(-1440)],
            CAMPAIGN => ["FB", "FB", "GA", "IG", "GA"],
            SPEND => [5000.0, 3000.0, 3000.0, 5000.0, 99999.0],
        ]
        .unwrap();
        let (fixture, period) = (TestWeek::default(), w46());
        let ctx = fixture.ctx(&df, &period);
        let c = compute(&ctx, Some(&spend)).unwrap();
        let order: Vec<&str> = c.leaderboard.iter().map(|r| r.campaign.as_str()).collect();
        assert_eq!(order, ["GA", "FB", "IG"]);
        let ga = &c.leaderboard[0];
        assert_eq!(
            (ga.leads, ga.meetings, ga.spend, ga.cost_per_meeting),
            (2, 2, Some(3000.0), Some(1500.0))
        );
        let fb = &c.leaderboard[1];
        assert_eq!(
            (fb.meetings, fb.spend, fb.cost_per_meeting, fb.cost_per_lead),
            (1, Some(8000.0), Some(8000.0), Some(2000.0))
        );
        assert_eq!(fb.process_losses, 1);
        assert_eq!(fb.median_business_response, Some(50.0));
        assert_eq!(
            (c.leaderboard[2].leads, c.leaderboard[2].spend),
            (0, Some(5000.0))
        );
        // meta_ads' median 50 business minutes is over the 15-minute medium tier.
        let slow: Vec<&str> = c.slow_sources.iter().map(|s| s.source.as_str()).collect();
        assert_eq!(slow, ["meta_ads"]);
    }
}

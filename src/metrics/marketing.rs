//! The marketer's money: per campaign and per source, for the week and the
//! 4 and 12 weeks ending with it, what was spent and what it bought: leads,
//! qualified leads, meetings, proposals, wins and won value, the cost per
//! qualified meeting, and the spend that bought no meeting at all. Ranked by
//! meetings, not leads. Counts follow each window's cohort (its leads, as far
//! as they got by as-of); spend is what the spend file dates in the window.

use std::collections::BTreeMap;

use polars::prelude::*;
use serde::Serialize;

use super::Ctx;
use super::stats::{self, NONE, SMALL_SAMPLE};
use crate::coverage::Basis;
use crate::error::Result;
use crate::model::*;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MoneyRow {
    pub segment: String,
    /// For a campaign: its first-touch source.
    pub source: Option<String>,
    /// Null when no spend file was given; 0 when it has none for this segment.
    pub spend: Option<f64>,
    pub leads: u64,
    pub qualified: u64,
    /// Reached a meeting (a meeting is a qualified meeting: it implies qualification).
    pub meetings: u64,
    pub proposals: u64,
    pub won: u64,
    pub won_value: f64,
    pub cost_per_lead: Option<f64>,
    pub cost_per_meeting: Option<f64>,
    /// Fewer than [`stats::SMALL_SAMPLE`] leads.
    pub small: bool,
}

/// The name of the period's own window: its leads are days old.
pub const WEEK: &str = "week";

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MoneyWindow {
    /// `week`, `4 weeks`, `12 weeks`.
    pub name: &'static str,
    /// How many weeks the window spans (1 for [`WEEK`]).
    #[serde(skip)]
    pub weeks: u32,
    pub first_day: String,
    /// Most meetings first, then spend, then name.
    pub by_campaign: Vec<MoneyRow>,
    pub by_source: Vec<MoneyRow>,
    pub total: MoneyRow,
    /// Spend on campaigns that brought no meeting, and how many such campaigns.
    pub spend_without_meeting: Option<f64>,
    pub campaigns_without_meeting: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Marketing {
    /// Whether a spend file with amounts was given.
    pub spend_measured: bool,
    pub windows: Vec<MoneyWindow>,
}

fn aggs() -> Vec<Expr> {
    let count = |c: &str, name: &str| col(c).sum().cast(DataType::UInt64).alias(name);
    vec![
        len().cast(DataType::UInt64).alias("leads"),
        col(FT_SOURCE).drop_nulls().first().alias("source"),
        count("reached_qualified", "qualified"),
        count("reached_meeting", "meetings"),
        count("reached_proposal", "proposals"),
        count(IS_WON, "won"),
        col(DEAL_VALUE).filter(col(IS_WON)).sum().alias("won_value"),
    ]
}

/// Spend per segment of the spend file in `[start, end)`.
fn spend_by(
    spend: Option<&DataFrame>,
    key: &str,
    start: i64,
    end: i64,
) -> Result<BTreeMap<String, f64>> {
    let Some(spend) = spend else {
        return Ok(BTreeMap::new());
    };
    let rows = spend
        .clone()
        .lazy()
        .filter(col(DATE).gt_eq(lit(start)).and(col(DATE).lt(lit(end))));
    let df = stats::by_segment(rows, key, vec![col(SPEND).sum().alias("spend")])?;
    stats::segments(&df)?
        .into_iter()
        .enumerate()
        .map(|(i, s)| Ok((s, stats::f64_at(&df, "spend", i)?.unwrap_or(0.0))))
        .collect()
}

fn row(segment: String, df: Option<(&DataFrame, usize)>, spend: Option<f64>) -> Result<MoneyRow> {
    let get = |c: &str| -> Result<u64> {
        Ok(match df {
            Some((df, i)) => stats::u64_at(df, c, i)?.unwrap_or(0),
            None => 0,
        })
    };
    let (leads, meetings) = (get("leads")?, get("meetings")?);
    Ok(MoneyRow {
        source: match df {
            Some((df, i)) => stats::str_at(df, "source", i)?,
            None => None,
        },
        spend,
        leads,
        qualified: get("qualified")?,
        meetings,
        proposals: get("proposals")?,
        won: get("won")?,
        won_value: match df {
            Some((df, i)) => stats::f64_at(df, "won_value", i)?.unwrap_or(0.0),
            None => 0.0,
        },
        cost_per_lead: spend.filter(|_| leads > 0).map(|s| s / leads as f64),
        cost_per_meeting: spend.filter(|_| meetings > 0).map(|s| s / meetings as f64),
        small: leads < SMALL_SAMPLE,
        segment,
    })
}

/// One row per segment of the cohort and of the spend file.
fn rows(
    cohort: LazyFrame,
    key: &str,
    spent: &BTreeMap<String, f64>,
    measured: bool,
) -> Result<Vec<MoneyRow>> {
    let df = stats::by_segment(cohort, key, aggs())?;
    let names = stats::segments(&df)?;
    let money = |s: &str| measured.then(|| spent.get(s).copied().unwrap_or(0.0));
    let mut out: Vec<MoneyRow> = names
        .iter()
        .enumerate()
        .map(|(i, s)| row(s.clone(), Some((&df, i)), money(s)))
        .collect::<Result<_>>()?;
    // Spend that brought no lead at all belongs on the board too.
    for (s, m) in spent.iter().filter(|(s, _)| !names.contains(s)) {
        out.push(row(s.clone(), None, Some(*m))?);
    }
    out.sort_by(|a, b| {
        b.meetings
            .cmp(&a.meetings)
            .then(b.spend.unwrap_or(0.0).total_cmp(&a.spend.unwrap_or(0.0)))
            .then(a.segment.cmp(&b.segment))
    });
    Ok(out)
}

fn window(
    ctx: &Ctx,
    spend: Option<&DataFrame>,
    (name, weeks): (&'static str, u32),
    start: i64,
    first_day: String,
) -> Result<MoneyWindow> {
    let end = ctx.period.end;
    let measured = spend.is_some() && ctx.coverage.measured(Basis::Spend);
    let cohort = ctx.cohort_between(start, end);
    let by_campaign = rows(
        cohort.clone(),
        FT_CAMPAIGN,
        &spend_by(spend, CAMPAIGN, start, end)?,
        measured,
    )?;
    let by_source = rows(
        cohort.clone(),
        FT_SOURCE,
        &spend_by(spend, SOURCE, start, end)?,
        measured,
    )?;
    let all = stats::one_row(cohort, aggs())?;
    let spent: f64 = by_campaign.iter().filter_map(|r| r.spend).sum();
    let dry: Vec<&MoneyRow> = by_campaign
        .iter()
        .filter(|r| r.meetings == 0 && r.spend.is_some_and(|s| s > 0.0) && r.segment != NONE)
        .collect();
    Ok(MoneyWindow {
        name,
        weeks,
        first_day,
        total: row("all".into(), Some((&all, 0)), measured.then_some(spent))?,
        spend_without_meeting: measured.then(|| dry.iter().filter_map(|r| r.spend).sum()),
        campaigns_without_meeting: dry.len() as u64,
        by_campaign,
        by_source,
    })
}

pub fn compute(ctx: &Ctx, spend: Option<&DataFrame>) -> Result<Marketing> {
    let tz = ctx.config.calendar.time_zone.0;
    let mut windows = Vec::new();
    for (name, weeks) in [(WEEK, 1u32), ("4 weeks", 4), ("12 weeks", 12)] {
        let first = ctx.period.previous_weeks(weeks - 1, tz).into_iter().next();
        let (start, first_day) = match (weeks, first) {
            (1, _) | (_, None) => (ctx.period.start, ctx.period.first_day),
            (_, Some(w)) => (w.start, w.first_day),
        };
        windows.push(window(
            ctx,
            spend,
            (name, weeks),
            start,
            first_day.to_string(),
        )?);
    }
    Ok(Marketing {
        spend_measured: spend.is_some() && ctx.coverage.measured(Basis::Spend),
        windows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testing::*;

    #[test]
    fn spend_meetings_and_the_money_that_bought_no_meeting() {
        // FB: 3 leads, 1 meeting (won, 2,00,000); GA: 1 lead, no meeting; IG: spend, no lead.
        let df = ledger(
            4,
            vec![
                Column::new(LEAD_ID.into(), ["a", "b", "c", "d"]),
                Column::new(CAPTURED_AT.into(), [at(0), at(1), at(2), at(3)]),
                Column::new(FT_CAMPAIGN.into(), ["FB", "FB", "FB", "GA"]),
                Column::new(
                    FT_SOURCE.into(),
                    ["meta_ads", "meta_ads", "meta_ads", "google_ads"],
                ),
                Column::new("reached_qualified".into(), [true, true, false, true]),
                Column::new("reached_meeting".into(), [true, false, false, false]),
                Column::new("reached_proposal".into(), [true, false, false, false]),
                Column::new(IS_WON.into(), [true, false, false, false]),
                Column::new(DEAL_VALUE.into(), [Some(200_000.0), None, None, None]),
            ],
        );
        let spend = df![
            DATE => [at(0), at(0), at(0), at(-30 * 1440)],
            SOURCE => ["meta_ads", "google_ads", "meta_ads", "meta_ads"],
            CAMPAIGN => ["FB", "GA", "IG", "FB"],
            SPEND => [6000.0, 3000.0, 1000.0, 99_999.0],
        ]
        .unwrap();
        let (fixture, period) = (TestWeek::default(), w46());
        let ctx = fixture.ctx(&df, &period);
        let m = compute(&ctx, Some(&spend)).unwrap();
        let week = &m.windows[0];
        let names: Vec<&str> = week
            .by_campaign
            .iter()
            .map(|r| r.segment.as_str())
            .collect();
        assert_eq!(names, ["FB", "GA", "IG"], "meetings first, then spend");
        let fb = &week.by_campaign[0];
        assert_eq!(
            (fb.leads, fb.qualified, fb.meetings, fb.won, fb.won_value),
            (3, 2, 1, 1, 200_000.0)
        );
        assert_eq!(
            (fb.spend, fb.cost_per_meeting),
            (Some(6000.0), Some(6000.0))
        );
        assert!(fb.small);
        // GA and IG spent 4,000 for no meeting.
        assert_eq!(
            (week.spend_without_meeting, week.campaigns_without_meeting),
            (Some(4000.0), 2)
        );
        assert_eq!(
            (week.total.leads, week.total.meetings, week.total.spend),
            (4, 1, Some(10_000.0))
        );
        let meta = week
            .by_source
            .iter()
            .find(|r| r.segment == "meta_ads")
            .unwrap();
        assert_eq!(meta.spend, Some(7000.0));
        // The 12 weeks take the older FB spend too.
        assert_eq!(m.windows[2].by_campaign[0].spend, Some(105_999.0));
        // Without a spend file: spend is not measured, not zero.
        let m = compute(&ctx, None).unwrap();
        assert_eq!((m.spend_measured, m.windows[0].total.spend), (false, None));
    }
}

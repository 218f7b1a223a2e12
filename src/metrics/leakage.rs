//! Section 8, leakage: what the handoff's process losses cost, in the
//! configured currency. Process leakage = leads handed off x process-loss rate
//! x average deal; total lost value = lost leads x average deal.

use polars::prelude::*;
use serde::Serialize;

use super::Ctx;
use super::stats::{self, Rate};
use crate::error::Result;
use crate::model::*;

/// Trailing window of won deals for the average deal.
const AVERAGE_WINDOW_MS: i64 = 90 * 86_400_000;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SegmentLeakage {
    pub segment: String,
    pub handed_off: u64,
    /// Lost with a process-class reason, or never touched by as-of (each lead once).
    pub process_losses: u64,
    pub process_loss_rate: Rate,
    pub process_leakage: Option<f64>,
    pub lost: u64,
    pub total_lost_value: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Leakage {
    pub currency: String,
    /// Mean `deal_value` of leads won in the 90 days up to as-of, or the config's fixed value.
    pub average_deal: Option<f64>,
    /// `config` or `won leads, trailing 90 days`.
    pub average_deal_basis: String,
    /// Won leads with a value behind the average (0 when fixed by config).
    pub average_deal_n: u64,
    pub formula: &'static str,
    pub overall: SegmentLeakage,
    pub by_source: Vec<SegmentLeakage>,
    pub by_campaign: Vec<SegmentLeakage>,
}

/// A process loss: lost with a process-class reason, or never touched by as-of (each lead once).
pub fn process_loss() -> Expr {
    col(IS_LOST)
        .and(col(LOST_CLASS).eq(lit("process")))
        .fill_null(lit(false))
        .or(col(NEVER_TOUCHED))
}

fn aggs() -> Vec<Expr> {
    vec![
        len().cast(DataType::UInt64).alias("n"),
        process_loss().sum().cast(DataType::UInt64).alias("process"),
        col(IS_LOST).sum().cast(DataType::UInt64).alias("lost"),
    ]
}

fn read(
    df: &DataFrame,
    row: usize,
    segment: String,
    average: Option<f64>,
) -> Result<SegmentLeakage> {
    let get = |c: &str| -> Result<u64> { Ok(stats::u64_at(df, c, row)?.unwrap_or(0)) };
    let (n, process, lost) = (get("n")?, get("process")?, get("lost")?);
    Ok(SegmentLeakage {
        segment,
        handed_off: n,
        process_losses: process,
        process_loss_rate: Rate::new(process, n),
        // n x (process / n) x average = process x average.
        process_leakage: average.map(|a| process as f64 * a),
        lost,
        total_lost_value: average.map(|a| lost as f64 * a),
    })
}

fn segmented(lf: LazyFrame, key: &str, average: Option<f64>) -> Result<Vec<SegmentLeakage>> {
    stats::segmented(lf, key, aggs(), |df, i, s| read(df, i, s, average))
}

/// The average deal and how many won leads it rests on.
pub fn average_deal(ctx: &Ctx) -> Result<(Option<f64>, u64, String)> {
    if let Some(fixed) = ctx.config.leakage.average_deal {
        return Ok((Some(fixed), 0, "config".into()));
    }
    let won = ctx.ledger.clone().lazy().filter(
        col(WON_AT)
            .gt(lit(ctx.as_of - AVERAGE_WINDOW_MS))
            .and(col(WON_AT).lt_eq(lit(ctx.as_of)))
            .and(col(DEAL_VALUE).is_not_null()),
    );
    let df = stats::one_row(
        won,
        vec![
            col(DEAL_VALUE).mean().alias("mean"),
            len().cast(DataType::UInt64).alias("n"),
        ],
    )?;
    Ok((
        stats::f64_at(&df, "mean", 0)?,
        stats::u64_at(&df, "n", 0)?.unwrap_or(0),
        "won leads, trailing 90 days".into(),
    ))
}

pub fn compute(ctx: &Ctx) -> Result<Leakage> {
    let (average, n, basis) = average_deal(ctx)?;
    let cohort = ctx.cohort();
    Ok(Leakage {
        currency: ctx.config.business.currency.clone(),
        average_deal: average,
        average_deal_basis: basis,
        average_deal_n: n,
        formula: "process leakage = leads handed off x process-loss rate x average deal; total lost value = lost leads x average deal",
        overall: read(
            &stats::one_row(cohort.clone(), aggs())?,
            0,
            "all".into(),
            average,
        )?,
        by_source: segmented(cohort.clone(), FT_SOURCE, average)?,
        by_campaign: segmented(cohort, FT_CAMPAIGN, average)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testing::*;

    #[test]
    fn process_losses_count_each_lead_once_and_price_them() {
        // Cohort: a lost unreachable (process) and never touched -> counted once;
        // b lost, market; c never touched, open; d won 3 days ago at 4,00,000.
        // An older win (200 days back, 10,00,000) is outside the 90-day average.
        let day = 1440;
        let df = ledger(
            5,
            vec![
                Column::new(LEAD_ID.into(), ["a", "b", "c", "d", "old"]),
                Column::new(
                    CAPTURED_AT.into(),
                    [at(10), at(20), at(30), at(40), at(-300 * day)],
                ),
                Column::new(IS_LOST.into(), [true, true, false, false, false]),
                Column::new(
                    LOST_CLASS.into(),
                    [Some("process"), Some("market"), None, None, None],
                ),
                Column::new(NEVER_TOUCHED.into(), [true, false, true, false, false]),
                Column::new(
                    WON_AT.into(),
                    [None, None, None, Some(at(4 * day)), Some(at(-200 * day))],
                ),
                Column::new(
                    DEAL_VALUE.into(),
                    [None, None, None, Some(400_000.0), Some(1_000_000.0)],
                ),
                Column::new(
                    FT_SOURCE.into(),
                    [
                        "meta_ads",
                        "meta_ads",
                        "google_ads",
                        "google_ads",
                        "google_ads",
                    ],
                ),
            ],
        );
        let config = config();
        let period = w46();
        let ctx = Ctx {
            ledger: &df,
            period: &period,
            as_of: period.end,
            config: &config,
        };
        let l = compute(&ctx).unwrap();
        assert_eq!(l.average_deal, Some(400_000.0));
        assert_eq!(l.average_deal_n, 1);
        assert_eq!(
            (
                l.overall.handed_off,
                l.overall.process_losses,
                l.overall.lost
            ),
            (4, 2, 2)
        );
        assert_eq!(l.overall.process_leakage, Some(800_000.0));
        assert_eq!(l.overall.total_lost_value, Some(800_000.0));
        let meta = l
            .by_source
            .iter()
            .find(|s| s.segment == "meta_ads")
            .unwrap();
        assert_eq!(
            (meta.process_losses, meta.process_leakage),
            (1, Some(400_000.0))
        );

        let mut fixed = config.clone();
        fixed.leakage.average_deal = Some(100.0);
        let ctx = Ctx {
            ledger: &df,
            period: &period,
            as_of: period.end,
            config: &fixed,
        };
        let l = compute(&ctx).unwrap();
        assert_eq!(
            (l.average_deal, l.average_deal_basis.as_str()),
            (Some(100.0), "config")
        );
        assert_eq!(l.overall.process_leakage, Some(200.0));
    }
}

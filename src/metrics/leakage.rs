//! Section 8, leakage: what the handoff's process losses cost, in the
//! configured currency. The headline is the *expected* leakage: process losses
//! x the worked win rate (the chance a properly handled lead becomes a sale,
//! measured on this business's settled leads) x the average deal, with a
//! likely range from the rate's Wilson interval. The full-value figure (every
//! process loss priced as a won deal) is the upper bound beside it.

use polars::prelude::*;
use serde::Serialize;

use super::Ctx;
use super::stats::{self, Rate};
use crate::clocks;
use crate::coverage::Basis;
use crate::error::Result;
use crate::model::*;

/// Trailing window of won deals for the average deal, and of settled leads
/// for the worked win rate.
const WINDOW_MS: i64 = stats::TRAILING_DAYS * 86_400_000;

pub const FORMULA: &str = "expected leakage = process losses x worked win rate x average deal (likely range: the win rate's 95% interval); full-value leakage = process losses x average deal (upper bound); total lost value = lost leads x average deal";

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SegmentLeakage {
    pub segment: String,
    pub handed_off: u64,
    /// Lost with a process-class reason, or untouched past the due time (each lead once).
    pub process_losses: u64,
    /// Of them, lost with a process-class reason; null when lost reasons are not measured.
    pub lost_process: Option<u64>,
    /// Of them, untouched past the due time; null when first touch is not measured.
    pub untouched_past_due: Option<u64>,
    /// Of them, both lost for a process reason and untouched past the due time
    /// (in both counts above, once in `process_losses`); null when either is
    /// not measured.
    pub lost_and_untouched: Option<u64>,
    pub process_loss_rate: Rate,
    /// process losses x worked win rate x average deal.
    pub expected_leakage: Option<f64>,
    /// The same with the win rate's interval bounds: the likely range.
    pub expected_low: Option<f64>,
    pub expected_high: Option<f64>,
    /// process losses x average deal: the upper bound, never the headline.
    pub full_value_leakage: Option<f64>,
    pub lost: u64,
    pub total_lost_value: Option<f64>,
}

/// The worked win rate and the window it was measured on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorkedWinRate {
    /// Won by as-of / captured in the window and met their SLA.
    pub rate: Rate,
    /// First and last local day of the capture window.
    pub first_day: String,
    pub last_day: String,
    pub settle_days: f64,
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
    /// Null when first touch is not measured (no lead can be judged as worked).
    pub worked_win_rate: Option<WorkedWinRate>,
    /// Why the expected leakage is null, when it is.
    pub expected_not_measured: Option<String>,
    pub formula: &'static str,
    pub overall: SegmentLeakage,
    pub by_source: Vec<SegmentLeakage>,
    pub by_campaign: Vec<SegmentLeakage>,
}

/// The prices a segment's counts are multiplied by.
#[derive(Debug, Clone, Copy)]
struct Prices {
    average: Option<f64>,
    /// Worked win rate, low, high.
    win: Option<(f64, f64, f64)>,
    lost_measured: bool,
    touch_measured: bool,
}

fn aggs() -> Vec<Expr> {
    let count = |e: Expr, name: &str| e.sum().cast(DataType::UInt64).alias(name);
    vec![
        len().cast(DataType::UInt64).alias("n"),
        count(col(PROCESS_LOSS), "process"),
        count(clocks::lost_for_process(), "lost_process"),
        count(clocks::untouched_past_due(), "untouched"),
        count(
            clocks::lost_for_process().and(clocks::untouched_past_due()),
            "both",
        ),
        count(col(IS_LOST), "lost"),
    ]
}

fn read(df: &DataFrame, row: usize, segment: String, p: Prices) -> Result<SegmentLeakage> {
    let get = |c: &str| -> Result<u64> { Ok(stats::u64_at(df, c, row)?.unwrap_or(0)) };
    let (n, process, lost) = (get("n")?, get("process")?, get("lost")?);
    let priced = |share: f64| p.average.map(|a| process as f64 * share * a);
    Ok(SegmentLeakage {
        segment,
        handed_off: n,
        process_losses: process,
        lost_process: p.lost_measured.then(|| get("lost_process")).transpose()?,
        untouched_past_due: p.touch_measured.then(|| get("untouched")).transpose()?,
        lost_and_untouched: (p.lost_measured && p.touch_measured)
            .then(|| get("both"))
            .transpose()?,
        process_loss_rate: Rate::new(process, n),
        expected_leakage: p.win.and_then(|w| priced(w.0)),
        expected_low: p.win.and_then(|w| priced(w.1)),
        expected_high: p.win.and_then(|w| priced(w.2)),
        full_value_leakage: priced(1.0),
        lost,
        total_lost_value: p.average.map(|a| lost as f64 * a),
    })
}

fn segmented(lf: LazyFrame, key: &str, p: Prices) -> Result<Vec<SegmentLeakage>> {
    stats::segmented(lf, key, aggs(), |df, i, s| read(df, i, s, p))
}

/// The average deal and how many won leads it rests on; undated wins are left
/// out (they have no date to fall in the window). Null when deal values are
/// not measured.
pub fn average_deal(ctx: &Ctx) -> Result<(Option<f64>, u64, String)> {
    if let Some(fixed) = ctx.config.leakage.average_deal {
        return Ok((Some(fixed), 0, "config".into()));
    }
    let won = ctx.ledger.clone().lazy().filter(
        col(WON_AT)
            .gt(lit(ctx.as_of - WINDOW_MS))
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

/// The worked win rate: leads captured in [as_of - settle - 90 days,
/// as_of - settle) whose SLA was met, and the share of them won by as-of.
pub fn worked_win_rate(ctx: &Ctx) -> Result<WorkedWinRate> {
    let settle = ctx.config.leakage.settle.as_ms();
    let end = ctx.as_of - settle;
    let start = end - WINDOW_MS;
    let worked = ctx
        .cohort_between(start, end)
        .filter(col(SLA_STATUS).eq(lit(SlaState::Met.as_str())));
    let df = stats::one_row(
        worked,
        vec![
            len().cast(DataType::UInt64).alias("n"),
            col("reached_won").sum().cast(DataType::UInt64).alias("won"),
        ],
    )?;
    let get = |c: &str| -> Result<u64> { Ok(stats::u64_at(&df, c, 0)?.unwrap_or(0)) };
    let tz = ctx.config.calendar.time_zone.0;
    let day = |ms: i64| crate::period::local_date(ms, tz).to_string();
    Ok(WorkedWinRate {
        rate: Rate::new(get("won")?, get("n")?),
        first_day: day(start),
        last_day: day(end - 1),
        settle_days: settle as f64 / 86_400_000.0,
    })
}

/// Why the expected leakage cannot be priced, if it cannot.
fn expected_gap(ctx: &Ctx, average: Option<f64>, win: Option<&WorkedWinRate>) -> Option<String> {
    let touch = ctx.coverage.measured(Basis::FirstTouch);
    let reasons = ctx.coverage.measured(Basis::LostReasons);
    if !touch && !reasons {
        return Some("no process loss can be counted: the inputs measure neither first touch nor lost reasons".into());
    }
    if average.is_none() {
        return Some(if ctx.coverage.measured(Basis::DealValues) {
            "no lead with a deal value was won in the 90 days before as-of; set [leakage] average_deal".into()
        } else {
            "no deal values in the inputs; map deal_value or amount, or set [leakage] average_deal"
                .into()
        });
    }
    match win {
        None => Some(
            "the worked win rate needs first-touch times to tell which leads met their SLA".into(),
        ),
        Some(w) if w.rate.n == 0 => Some(format!(
            "no lead captured {} to {} met its SLA, so there is no worked win rate to price losses with",
            w.first_day, w.last_day
        )),
        Some(_) => None,
    }
}

/// What one process loss is expected to cost (worked win rate x average
/// deal), when it can be priced.
pub fn expected_price(ctx: &Ctx) -> Result<Option<f64>> {
    let (average, _, _) = average_deal(ctx)?;
    if !ctx.coverage.measured(Basis::FirstTouch) {
        return Ok(None);
    }
    let win = worked_win_rate(ctx)?;
    if expected_gap(ctx, average, Some(&win)).is_some() {
        return Ok(None);
    }
    Ok(average.zip(win.rate.rate).map(|(a, r)| a * r))
}

pub fn compute(ctx: &Ctx) -> Result<Leakage> {
    let (average, n, basis) = average_deal(ctx)?;
    let touch = ctx.coverage.measured(Basis::FirstTouch);
    let win = touch.then(|| worked_win_rate(ctx)).transpose()?;
    let gap = expected_gap(ctx, average, win.as_ref());
    let prices = Prices {
        average,
        win: win
            .as_ref()
            .filter(|_| gap.is_none())
            .and_then(|w| Some((w.rate.rate?, w.rate.low?, w.rate.high?))),
        lost_measured: ctx.coverage.measured(Basis::LostReasons),
        touch_measured: touch,
    };
    let cohort = ctx.cohort();
    Ok(Leakage {
        currency: ctx.config.business.currency.clone(),
        average_deal: average,
        average_deal_basis: basis,
        average_deal_n: n,
        worked_win_rate: win,
        expected_not_measured: gap,
        formula: FORMULA,
        overall: read(
            &stats::one_row(cohort.clone(), aggs())?,
            0,
            "all".into(),
            prices,
        )?,
        by_source: segmented(cohort.clone(), FT_SOURCE, prices)?,
        by_campaign: segmented(cohort, FT_CAMPAIGN, prices)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coverage::{Coverage, SourceFacts};
    use crate::metrics::testing::*;

    const DAY: i64 = 1440;

    /// Four cohort leads and, 40-100 days back (settled), five worked leads.
    fn frame() -> DataFrame {
        // Cohort: a lost unreachable (process) and untouched past due -> counted once;
        // b lost, market; c untouched, past due; w untouched, not yet due (waiting);
        // s1..s5 settled, met their SLA: s1 won (4,00,000, 45 days ago), s2 won undated;
        // s3 breached and won (not worked); s4, s5 met, open.
        let ids = ["a", "b", "c", "w", "s1", "s2", "s3", "s4", "s5"];
        let captured = [
            at(10),
            at(20),
            at(30),
            at(40),
            at(-60 * DAY),
            at(-70 * DAY),
            at(-80 * DAY),
            at(-90 * DAY),
            at(-95 * DAY),
        ];
        let status = [
            "breached", "met", "breached", "not_due", "met", "met", "breached", "met", "met",
        ];
        ledger(
            9,
            vec![
                Column::new(LEAD_ID.into(), ids),
                Column::new(CAPTURED_AT.into(), captured),
                Column::new(SLA_STATUS.into(), status),
                Column::new(
                    IS_LOST.into(),
                    [true, true, false, false, false, false, false, false, false],
                ),
                Column::new(
                    LOST_CLASS.into(),
                    [
                        Some(PROCESS),
                        Some(MARKET),
                        None,
                        None,
                        None,
                        None,
                        None,
                        None,
                        None,
                    ],
                ),
                Column::new(
                    NEVER_TOUCHED.into(),
                    [true, false, true, true, false, false, false, false, false],
                ),
                Column::new(
                    PROCESS_LOSS.into(),
                    [true, false, true, false, false, false, false, false, false],
                ),
                Column::new(
                    WON_AT.into(),
                    [
                        None,
                        None,
                        None,
                        None,
                        Some(at(-45 * DAY)),
                        None,
                        Some(at(-50 * DAY)),
                        None,
                        None,
                    ],
                ),
                Column::new(
                    "reached_won".into(),
                    [false, false, false, false, true, true, true, false, false],
                ),
                Column::new(
                    DEAL_VALUE.into(),
                    [
                        None,
                        None,
                        None,
                        None,
                        Some(400_000.0),
                        Some(900_000.0),
                        None,
                        None,
                        None,
                    ],
                ),
                Column::new(
                    FT_SOURCE.into(),
                    [
                        "meta_ads",
                        "meta_ads",
                        "google_ads",
                        "google_ads",
                        "x",
                        "x",
                        "x",
                        "x",
                        "x",
                    ],
                ),
            ],
        )
    }

    fn run(df: &DataFrame, config: &crate::config::Config, coverage: &Coverage) -> Leakage {
        let period = w46();
        let ctx = Ctx {
            ledger: df,
            period: &period,
            as_of: period.end,
            config,
            coverage,
        };
        compute(&ctx).unwrap()
    }

    #[test]
    fn expected_leakage_prices_losses_at_the_worked_win_rate_with_a_range() {
        let df = frame();
        let l = run(&df, &config(), &Coverage::default());
        // Average deal: s1 only (s2 is undated, s3 has no value).
        assert_eq!((l.average_deal, l.average_deal_n), (Some(400_000.0), 1));
        // Worked: s1, s2, s4, s5 met their SLA in the settled window; 2 won.
        let w = l.worked_win_rate.as_ref().unwrap();
        assert_eq!((w.rate.k, w.rate.n, w.settle_days), (2, 4, 30.0));
        let o = &l.overall;
        // The cohort is the week's four leads; the settled ones only price them.
        assert_eq!((o.handed_off, o.process_losses, o.lost), (4, 2, 2));
        assert_eq!((o.lost_process, o.untouched_past_due), (Some(1), Some(2)));
        // 2 losses x 0.5 x 4,00,000 = 4,00,000; Wilson 2/4 = [0.150, 0.850].
        assert_eq!(o.expected_leakage, Some(400_000.0));
        let (lo, hi) = stats::wilson(2, 4).unwrap();
        assert!((o.expected_low.unwrap() - 800_000.0 * lo).abs() < 1e-6);
        assert!((o.expected_high.unwrap() - 800_000.0 * hi).abs() < 1e-6);
        assert!((lo - 0.1500).abs() < 1e-3 && (hi - 0.8500).abs() < 1e-3);
        assert_eq!(o.full_value_leakage, Some(800_000.0));
        let meta = l
            .by_source
            .iter()
            .find(|s| s.segment == "meta_ads")
            .unwrap();
        assert_eq!(
            (meta.process_losses, meta.expected_leakage),
            (1, Some(200_000.0))
        );
        assert_eq!(l.expected_not_measured, None);
    }

    #[test]
    fn no_eligible_leads_leaves_the_expected_leakage_not_measured() {
        // Settle 200 days: the window holds no lead, so no worked win rate.
        let df = frame();
        let mut c = config();
        c.leakage.settle = crate::config::Duration::minutes(200 * 1440);
        let l = run(&df, &c, &Coverage::default());
        assert_eq!(l.worked_win_rate.as_ref().unwrap().rate.n, 0);
        assert_eq!(l.overall.expected_leakage, None);
        assert_eq!(l.overall.full_value_leakage, Some(800_000.0));
        assert!(l.expected_not_measured.unwrap().contains("met its SLA"));
    }

    #[test]
    fn without_a_touch_source_untouched_leads_are_not_counted_or_priced() {
        let df = frame();
        let facts = [SourceFacts {
            input: "leads",
            column: LOST_REASON,
            present: true,
            rows: 9,
            values: 1,
        }];
        let coverage = Coverage::judge(&facts, true);
        let mut c = config();
        c.leakage.average_deal = Some(100.0);
        let l = run(&df, &c, &coverage);
        assert_eq!(l.worked_win_rate, None);
        assert_eq!(l.overall.untouched_past_due, None);
        assert_eq!(l.overall.expected_leakage, None);
        assert!(l.expected_not_measured.unwrap().contains("first-touch"));
    }
}

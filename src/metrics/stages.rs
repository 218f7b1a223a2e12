//! Section 5, stage conversion: reach counts and conversion between
//! consecutive stages (and captured -> won) for the week's cohort and the
//! trailing 4 and 12 weeks, overall and by source, campaign and owner, each
//! rate with its n and a Wilson 95% interval; the founder ratios; the median
//! time between stages.

use polars::prelude::*;
use serde::Serialize;

use super::Ctx;
use super::stats::{self, Rate};
use crate::coverage::{Basis, Coverage};
use crate::error::Result;
use crate::model::*;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conversion {
    pub from: &'static str,
    pub to: &'static str,
    /// Null when either stage is not measured by the inputs.
    pub rate: Option<Rate>,
    /// Median hours from `from` to `to`, over leads with both timestamps.
    pub median_hours: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Funnel {
    pub segment: String,
    /// Leads that reached each stage, in stage order.
    pub reached: Vec<(&'static str, u64)>,
    /// Consecutive stages, then captured -> won.
    pub conversions: Vec<Conversion>,
    /// Null when either stage is not measured by the inputs.
    pub contact_to_meeting: Option<Rate>,
    pub meeting_to_proposal: Option<Rate>,
    pub proposal_to_close: Option<Rate>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Window {
    /// `week`, `4 weeks` or `12 weeks`, ending with the period.
    pub name: &'static str,
    pub first_day: String,
    pub overall: Funnel,
    pub by_source: Vec<Funnel>,
    pub by_campaign: Vec<Funnel>,
    pub by_owner: Vec<Funnel>,
}

/// The funnel of settled cohorts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Settled {
    /// First and last local day of capture.
    pub first_day: String,
    pub last_day: String,
    /// Weeks before the period's end: `[from, to]`.
    pub weeks: [u32; 2],
    pub overall: Funnel,
    pub by_source: Vec<Funnel>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stages {
    /// `[stage, measured]`: whether the inputs measure each stage.
    pub measured: Vec<(&'static str, bool)>,
    pub windows: Vec<Window>,
    /// Settled cohorts: leads captured `targets.settled_weeks` weeks before
    /// the period's end, old enough for their later stages to be known.
    pub settled: Settled,
}

/// Where the contacted-to-meeting rate stands against its target, decided
/// once for the headline, the card and the terminal summary: judged on the
/// settled leads' rate; not judged when no settled lead was contacted; not
/// measured when the exports measure no contacts or meetings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MeetingRate<'a> {
    /// The settled leads' rate, and the counts it rests on.
    Judged {
        rate: f64,
        of: &'a Rate,
    },
    NotJudged,
    NotMeasured,
}

impl Settled {
    /// The contacted-to-meeting rate of the settled leads, as judged.
    pub fn meeting_rate(&self) -> MeetingRate<'_> {
        match self.overall.contact_to_meeting.as_ref() {
            Some(r) => match r.rate {
                Some(rate) => MeetingRate::Judged { rate, of: r },
                None => MeetingRate::NotJudged,
            },
            None => MeetingRate::NotMeasured,
        }
    }
}

/// Index pairs of the conversions reported: consecutive, then captured -> won.
fn pairs() -> Vec<(usize, usize)> {
    let mut v: Vec<(usize, usize)> = (0..STAGES.len() - 1).map(|i| (i, i + 1)).collect();
    v.push((0, STAGES.len() - 1));
    v
}

fn aggs() -> Vec<Expr> {
    let mut v: Vec<Expr> = STAGES
        .iter()
        .map(|s| {
            col(reached(s))
                .sum()
                .cast(DataType::UInt64)
                .alias(reached(s))
        })
        .collect();
    for (a, b) in pairs() {
        let (ta, tb) = (STAGE_AT[a], STAGE_AT[b]);
        // Null unless the lead reached both stages; a median skips nulls.
        let hours = (col(tb) - col(ta)).cast(DataType::Float64) / lit(3_600_000.0);
        v.push(hours.median().alias(format!("hours_{a}_{b}")));
    }
    v
}

/// Which of [`STAGES`] the inputs measure.
pub type Measured = [bool; 7];

/// The stages the run's inputs measure (captured always is).
pub fn measured(coverage: &Coverage) -> Measured {
    let mut m = [true; 7];
    for (i, stage) in STAGES.iter().enumerate() {
        m[i] = stage_basis(stage).is_none_or(|b| coverage.measured(b));
    }
    m
}

/// The basis that measures a stage.
fn stage_basis(stage: &str) -> Option<Basis> {
    match stage {
        "assigned" => Some(Basis::Assignment),
        "contacted" => Some(Basis::FirstTouch),
        "qualified" => Some(Basis::Qualified),
        "meeting" => Some(Basis::Meeting),
        "proposal" => Some(Basis::Proposal),
        "won" => Some(Basis::Won),
        _ => None,
    }
}

fn read(df: &DataFrame, row: usize, segment: String, m: Measured) -> Result<Funnel> {
    let n =
        |i: usize| -> Result<u64> { Ok(stats::u64_at(df, &reached(STAGES[i]), row)?.unwrap_or(0)) };
    let rate = |a: usize, b: usize| -> Result<Option<Rate>> {
        (m[a] && m[b])
            .then(|| Ok::<_, crate::error::HandoffError>(Rate::new(n(b)?, n(a)?)))
            .transpose()
    };
    let stage = stage_index;
    Ok(Funnel {
        segment,
        reached: (0..STAGES.len())
            .map(|i| Ok((STAGES[i], n(i)?)))
            .collect::<Result<_>>()?,
        conversions: pairs()
            .into_iter()
            .map(|(a, b)| {
                Ok(Conversion {
                    from: STAGES[a],
                    to: STAGES[b],
                    rate: rate(a, b)?,
                    median_hours: stats::f64_at(df, &format!("hours_{a}_{b}"), row)?,
                })
            })
            .collect::<Result<_>>()?,
        contact_to_meeting: rate(stage("contacted"), stage("meeting"))?,
        meeting_to_proposal: rate(stage("meeting"), stage("proposal"))?,
        proposal_to_close: rate(stage("proposal"), stage("won"))?,
    })
}

fn segmented(lf: LazyFrame, key: &str, m: Measured) -> Result<Vec<Funnel>> {
    stats::segmented(lf, key, aggs(), |df, i, s| read(df, i, s, m))
}

/// The funnel of one cohort, overall.
pub fn funnel(cohort: LazyFrame, m: Measured) -> Result<Funnel> {
    read(&stats::one_row(cohort, aggs())?, 0, "all".into(), m)
}

pub fn compute(ctx: &Ctx) -> Result<Stages> {
    let m = measured(ctx.coverage);
    let tz = ctx.config.calendar.time_zone.0;
    let mut windows = Vec::new();
    for (name, weeks) in [("week", 1u32), ("4 weeks", 4), ("12 weeks", 12)] {
        let first = ctx.period.previous_weeks(weeks - 1, tz).into_iter().next();
        let (start, first_day) = match (weeks, first) {
            (1, _) | (_, None) => (ctx.period.start, ctx.period.first_day),
            (_, Some(w)) => (w.start, w.first_day),
        };
        let cohort = ctx.cohort_between(start, ctx.period.end);
        windows.push(Window {
            name,
            first_day: first_day.to_string(),
            overall: funnel(cohort.clone(), m)?,
            by_source: segmented(cohort.clone(), FT_SOURCE, m)?,
            by_campaign: segmented(cohort.clone(), FT_CAMPAIGN, m)?,
            by_owner: segmented(cohort, OWNER, m)?,
        });
    }
    let [from, to] = ctx.config.targets.settled_weeks;
    let week_ms = 7 * 86_400_000;
    let (start, end) = (
        ctx.period.end - i64::from(to) * week_ms,
        ctx.period.end - i64::from(from) * week_ms,
    );
    let settled = ctx.cohort_between(start, end);
    let day = |ms: i64| crate::period::local_date(ms, tz).to_string();
    Ok(Stages {
        measured: STAGES.iter().copied().zip(m).collect(),
        windows,
        settled: Settled {
            first_day: day(start),
            last_day: day(end - 1),
            weeks: [from, to],
            overall: funnel(settled.clone(), m)?,
            by_source: segmented(settled, FT_SOURCE, m)?,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testing::*;

    #[test]
    fn reach_counts_rates_and_times_between_stages() {
        // Three leads in the week: a won (every stage), b reached a meeting, c never contacted.
        let h = 60; // minutes
        let df = ledger(
            3,
            vec![
                Column::new(LEAD_ID.into(), ["a", "b", "c"]),
                Column::new(CAPTURED_AT.into(), [at(0), at(0), at(0)]),
                Column::new(
                    CONTACTED_AT.into(),
                    [Some(at(2 * h)), Some(at(4 * h)), None],
                ),
                Column::new(
                    MEETING_AT.into(),
                    [Some(at(26 * h)), Some(at(52 * h)), None],
                ),
                Column::new(WON_AT.into(), [Some(at(100 * h)), None, None]),
                Column::new(FT_SOURCE.into(), ["meta_ads", "google_ads", "meta_ads"]),
                Column::new("reached_captured".into(), [true, true, true]),
                Column::new("reached_assigned".into(), [true, true, false]),
                Column::new("reached_contacted".into(), [true, true, false]),
                Column::new("reached_qualified".into(), [true, true, false]),
                Column::new("reached_meeting".into(), [true, true, false]),
                Column::new("reached_proposal".into(), [true, false, false]),
                Column::new("reached_won".into(), [true, false, false]),
            ],
        );
        let (fixture, period) = (TestWeek::default(), w46());
        let ctx = fixture.ctx(&df, &period);
        let s = compute(&ctx).unwrap();
        let week = &s.windows[0];
        let counts: Vec<u64> = week.overall.reached.iter().map(|r| r.1).collect();
        assert_eq!(counts, [3, 2, 2, 2, 2, 1, 1]);
        let contacted = &week.overall.conversions[1];
        assert_eq!(
            (
                contacted.from,
                contacted.to,
                contacted.rate.as_ref().unwrap().k,
                contacted.rate.as_ref().unwrap().n
            ),
            ("assigned", "contacted", 2, 2)
        );
        // captured -> contacted times are 2 h and 4 h, but the pairs are consecutive:
        // captured -> assigned has no assigned_at timestamps, so no median.
        assert_eq!(week.overall.conversions[0].median_hours, None);
        let won = week.overall.conversions.last().unwrap();
        assert_eq!(
            (
                won.from,
                won.to,
                won.rate.as_ref().unwrap().k,
                won.rate.as_ref().unwrap().n
            ),
            ("captured", "won", 1, 3)
        );
        assert_eq!(won.median_hours, Some(100.0));
        assert_eq!(
            week.overall.contact_to_meeting.as_ref().unwrap().rate,
            Some(1.0)
        );
        assert_eq!(
            week.overall.proposal_to_close.as_ref().unwrap().rate,
            Some(1.0)
        );
        // Without a source for proposals, the conversions through it are not measured.
        let mut cov = crate::coverage::Coverage::default();
        for b in &mut cov.bases {
            b.measured &= b.basis != Basis::Proposal;
        }
        let f = funnel(ctx.cohort(), measured(&cov)).unwrap();
        assert_eq!((f.meeting_to_proposal, f.proposal_to_close), (None, None));
        assert!(f.contact_to_meeting.is_some());
        let meta = week
            .by_source
            .iter()
            .find(|f| f.segment == "meta_ads")
            .unwrap();
        assert_eq!(meta.reached[0].1, 2);
        assert_eq!(meta.contact_to_meeting.as_ref().unwrap().n, 1);
        // The trailing windows include the week.
        assert_eq!(s.windows[1].overall.reached[0].1, 3);
        assert_eq!(s.windows[2].first_day, "2026-08-24");
    }
}

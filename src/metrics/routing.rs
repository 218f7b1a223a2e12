//! Routing versus rep: was the lead slow to reach a person, or was the person
//! slow? `assignment_lag` is business minutes from capture to assignment;
//! `rep_response` is business minutes from max(assigned, captured) to the
//! first touch. CRMs' own "lead response time" starts at assignment and hides
//! the first; the SLA clock starts at capture and mixes both.

use polars::prelude::*;
use serde::Serialize;

use super::Ctx;
use super::stats;
use crate::error::Result;
use crate::model::*;

/// Median and p90 (linear interpolation) of one clock, over leads that have it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Spread {
    pub n: u64,
    pub median: Option<f64>,
    pub p90: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoutingRow {
    pub segment: String,
    pub leads: u64,
    pub assignment_lag: Spread,
    pub rep_response: Spread,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Routing {
    /// Business minutes, capture -> assignment.
    pub assignment_lag: Spread,
    /// Business minutes, max(assigned, captured) -> first touch.
    pub rep_response: Spread,
    /// Cohort leads with no `assigned_at`.
    pub unassigned: u64,
    pub by_source: Vec<RoutingRow>,
    pub by_owner: Vec<RoutingRow>,
}

fn spread_aggs(c: &str, p: &str) -> Vec<Expr> {
    vec![
        col(c)
            .is_not_null()
            .sum()
            .cast(DataType::UInt64)
            .alias(format!("{p}_n")),
        col(c)
            .quantile(lit(0.5), QuantileMethod::Linear)
            .alias(format!("{p}_q50")),
        col(c)
            .quantile(lit(0.9), QuantileMethod::Linear)
            .alias(format!("{p}_q90")),
    ]
}

fn read_spread(df: &DataFrame, row: usize, p: &str) -> Result<Spread> {
    Ok(Spread {
        n: stats::u64_at(df, &format!("{p}_n"), row)?.unwrap_or(0),
        median: stats::f64_at(df, &format!("{p}_q50"), row)?,
        p90: stats::f64_at(df, &format!("{p}_q90"), row)?,
    })
}

fn aggs() -> Vec<Expr> {
    let mut v = vec![
        len().cast(DataType::UInt64).alias("leads"),
        col(ASSIGNED_AT)
            .is_null()
            .sum()
            .cast(DataType::UInt64)
            .alias("unassigned"),
    ];
    v.extend(spread_aggs(ASSIGNMENT_LAG_MIN, "lag"));
    v.extend(spread_aggs(REP_RESPONSE_MIN, "rep"));
    v
}

fn read(df: &DataFrame, row: usize, segment: String) -> Result<RoutingRow> {
    Ok(RoutingRow {
        segment,
        leads: stats::u64_at(df, "leads", row)?.unwrap_or(0),
        assignment_lag: read_spread(df, row, "lag")?,
        rep_response: read_spread(df, row, "rep")?,
    })
}

pub fn compute(ctx: &Ctx) -> Result<Routing> {
    let cohort = ctx.cohort();
    let all = stats::one_row(cohort.clone(), aggs())?;
    Ok(Routing {
        assignment_lag: read_spread(&all, 0, "lag")?,
        rep_response: read_spread(&all, 0, "rep")?,
        unassigned: stats::u64_at(&all, "unassigned", 0)?.unwrap_or(0),
        by_source: stats::segmented(cohort.clone(), FT_SOURCE, aggs(), read)?,
        by_owner: stats::segmented(cohort, OWNER, aggs(), read)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testing::*;

    #[test]
    fn routing_lag_and_rep_response_split_the_wait() {
        // a: assigned 30 min after capture, touched 10 min after assignment;
        // b: assigned before capture (lag 0), touched 5 min after capture;
        // c: never assigned. Clocks as the ledger has them (business minutes).
        let df = ledger(
            3,
            vec![
                Column::new(LEAD_ID.into(), ["a", "b", "c"]),
                Column::new(CAPTURED_AT.into(), [at(10), at(20), at(30)]),
                Column::new(ASSIGNED_AT.into(), [Some(at(40)), Some(at(0)), None]),
                Column::new(OWNER.into(), ["Asha", "Ravi", "Ravi"]),
                Column::new(ASSIGNMENT_LAG_MIN.into(), [Some(30.0), Some(0.0), None]),
                Column::new(REP_RESPONSE_MIN.into(), [Some(10.0), Some(5.0), Some(50.0)]),
            ],
        );
        let (fixture, period) = (TestWeek::default(), w46());
        let ctx = fixture.ctx(&df, &period);
        let r = compute(&ctx).unwrap();
        assert_eq!(r.unassigned, 1);
        assert_eq!(
            (r.assignment_lag.n, r.assignment_lag.median),
            (2, Some(15.0))
        );
        // numpy linear p90 of [0, 30]: 27.
        assert!((r.assignment_lag.p90.unwrap() - 27.0).abs() < 1e-9);
        assert_eq!((r.rep_response.n, r.rep_response.median), (3, Some(10.0)));
        let ravi = r.by_owner.iter().find(|o| o.segment == "Ravi").unwrap();
        assert_eq!(
            (
                ravi.leads,
                ravi.assignment_lag.median,
                ravi.rep_response.median
            ),
            (2, Some(0.0), Some(27.5))
        );
    }
}

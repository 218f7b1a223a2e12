//! Section 10, data quality: how complete the handoff checklist is for the
//! period's leads, per source and owner; duplicates; touches recorded before
//! capture; inquiries that never reached the CRM, by channel.

use polars::prelude::*;
use serde::Serialize;

use super::Ctx;
use super::stats::{self, Rate};
use crate::error::Result;
use crate::model::*;

/// The handoff checklist: (field, "present" expression).
fn checklist() -> Vec<(&'static str, Expr)> {
    vec![
        ("name", col(NAME).is_not_null()),
        (
            "phone or email",
            col(PHONE).is_not_null().or(col(EMAIL).is_not_null()),
        ),
        ("city", col(CITY).is_not_null()),
        ("service", col(SERVICE).is_not_null()),
        (
            "source and campaign",
            col(FT_SOURCE)
                .is_not_null()
                .and(col(FT_CAMPAIGN).is_not_null()),
        ),
        ("intent", col(INTENT_GIVEN)),
        ("owner", col(OWNER).is_not_null()),
        ("first response", col(FIRST_TOUCH_AT).is_not_null()),
        // Only an open lead needs a next action.
        (
            "next action date",
            col(NEXT_ACTION_AT)
                .is_not_null()
                .or(col(STATUS_FINAL).neq(lit("open"))),
        ),
    ]
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Completeness {
    pub segment: String,
    pub leads: u64,
    /// `[field, rate]` in checklist order.
    pub fields: Vec<(&'static str, Rate)>,
    /// Leads with every field.
    pub complete: Rate,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Orphans {
    pub segment: String,
    pub forms: u64,
    pub inbound_calls: u64,
    /// (forms + inbound calls) x worked win rate x average deal: what these
    /// inquiries would likely have brought had they been worked; null when
    /// the expected leakage cannot be priced.
    pub expected_value: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quality {
    pub overall: Completeness,
    pub by_source: Vec<Completeness>,
    pub by_owner: Vec<Completeness>,
    /// Cohort leads that had duplicate rows, and the rows merged away.
    pub leads_with_duplicates: u64,
    pub duplicate_rows: u64,
    /// First contact recorded before the lead was captured (response counted as 0).
    pub touch_before_capture: u64,
    /// Inquiries of the period that match no lead, by channel.
    pub orphans_by_channel: Vec<Orphans>,
}

fn aggs() -> Vec<Expr> {
    let mut v = vec![len().cast(DataType::UInt64).alias("n")];
    let mut all = lit(true);
    for (i, (_, present)) in checklist().into_iter().enumerate() {
        all = all.and(present.clone());
        v.push(present.sum().cast(DataType::UInt64).alias(format!("f{i}")));
    }
    v.push(all.sum().cast(DataType::UInt64).alias("complete"));
    v
}

fn read(df: &DataFrame, row: usize, segment: String) -> Result<Completeness> {
    let get = |c: &str| -> Result<u64> { Ok(stats::u64_at(df, c, row)?.unwrap_or(0)) };
    let n = get("n")?;
    Ok(Completeness {
        segment,
        leads: n,
        fields: checklist()
            .iter()
            .enumerate()
            .map(|(i, (name, _))| Ok((*name, Rate::new(get(&format!("f{i}"))?, n))))
            .collect::<Result<_>>()?,
        complete: Rate::new(get("complete")?, n),
    })
}

fn segmented(lf: LazyFrame, key: &str) -> Result<Vec<Completeness>> {
    stats::segmented(lf, key, aggs(), read)
}

pub fn compute(ctx: &Ctx, orphans: &DataFrame) -> Result<Quality> {
    let cohort = ctx.cohort();
    let df = stats::one_row(
        cohort.clone(),
        vec![
            col(DUPLICATE_ROWS)
                .gt(lit(0u32))
                .sum()
                .cast(DataType::UInt64)
                .alias("dup_leads"),
            col(DUPLICATE_ROWS)
                .cast(DataType::UInt64)
                .sum()
                .alias("dup_rows"),
            col(TOUCH_BEFORE_CAPTURE)
                .sum()
                .cast(DataType::UInt64)
                .alias("early"),
        ],
    )?;
    let get = |c: &str| -> Result<u64> { Ok(stats::u64_at(&df, c, 0)?.unwrap_or(0)) };
    let in_period = orphans.clone().lazy().filter(
        col("at")
            .gt_eq(lit(ctx.period.start))
            .and(col("at").lt(lit(ctx.period.end))),
    );
    let by_channel = stats::by_segment(
        in_period,
        "channel",
        vec![
            col("kind")
                .eq(lit("form"))
                .sum()
                .cast(DataType::UInt64)
                .alias("forms"),
            col("kind")
                .eq(lit("inbound call"))
                .sum()
                .cast(DataType::UInt64)
                .alias("calls"),
        ],
    )?;
    let price = super::leakage::expected_price(ctx)?;
    let orphans_by_channel = stats::segments(&by_channel)?
        .into_iter()
        .enumerate()
        .map(|(i, segment)| {
            let forms = stats::u64_at(&by_channel, "forms", i)?.unwrap_or(0);
            let inbound_calls = stats::u64_at(&by_channel, "calls", i)?.unwrap_or(0);
            Ok(Orphans {
                segment,
                forms,
                inbound_calls,
                expected_value: price.map(|p| (forms + inbound_calls) as f64 * p),
            })
        })
        .collect::<Result<_>>()?;
    Ok(Quality {
        overall: read(&stats::one_row(cohort.clone(), aggs())?, 0, "all".into())?,
        by_source: segmented(cohort.clone(), FT_SOURCE)?,
        by_owner: segmented(cohort, OWNER)?,
        leads_with_duplicates: get("dup_leads")?,
        duplicate_rows: get("dup_rows")?,
        touch_before_capture: get("early")?,
        orphans_by_channel,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testing::*;

    #[test]
    fn checklist_completeness_and_orphans_in_the_period() {
        // a: everything; b: no city, email only, intent assumed, closed (no next action needed).
        let df = ledger(
            2,
            vec![
                Column::new(LEAD_ID.into(), ["a", "b"]),
                Column::new(CAPTURED_AT.into(), [at(0), at(5)]),
                Column::new(NAME.into(), ["A", "B"]),
                Column::new(PHONE.into(), [Some("+919876543210"), None]),
                Column::new(EMAIL.into(), [None, Some("b@x.in")]),
                Column::new(CITY.into(), [Some("Pune"), None]),
                Column::new(SERVICE.into(), ["Kitchen", "Wardrobe"]),
                Column::new(FT_SOURCE.into(), ["meta_ads", "meta_ads"]),
                Column::new(FT_CAMPAIGN.into(), ["FB", "FB"]),
                Column::new(INTENT_GIVEN.into(), [true, false]),
                Column::new(OWNER.into(), ["Asha", "Asha"]),
                Column::new(FIRST_TOUCH_AT.into(), [Some(at(3)), Some(at(9))]),
                Column::new(NEXT_ACTION_AT.into(), [Some(at(2000)), None]),
                Column::new(STATUS_FINAL.into(), ["open", "lost"]),
                Column::new(DUPLICATE_ROWS.into(), [2u32, 0]),
                Column::new(TOUCH_BEFORE_CAPTURE.into(), [false, true]),
            ],
        );
        let orphans = df![
            "kind" => ["form", "inbound call", "form"],
            "at" => [at(60), at(70), at(-60)],
            "channel" => [Some("facebook"), None, Some("web")],
        ]
        .unwrap();
        let (fixture, period) = (TestWeek::default(), w46());
        let ctx = fixture.ctx(&df, &period);
        let q = compute(&ctx, &orphans).unwrap();
        let field = |name: &str| q.overall.fields.iter().find(|f| f.0 == name).unwrap().1.k;
        assert_eq!(field("phone or email"), 2);
        assert_eq!(field("city"), 1);
        assert_eq!(field("intent"), 1);
        assert_eq!(field("next action date"), 2);
        assert_eq!((q.overall.complete.k, q.overall.complete.n), (1, 2));
        assert_eq!(
            (
                q.leads_with_duplicates,
                q.duplicate_rows,
                q.touch_before_capture
            ),
            (1, 2, 1)
        );
        let channels: Vec<(&str, u64, u64)> = q
            .orphans_by_channel
            .iter()
            .map(|o| (o.segment.as_str(), o.forms, o.inbound_calls))
            .collect();
        assert_eq!(channels, [("(none)", 0, 1), ("facebook", 1, 0)]);
    }
}

//! The clocks every metric stands on: after-hours capture, wall-clock and
//! business response times, the SLA tier, due time and status, escalation,
//! stages reached, the status at as-of, lost-reason classes, under-worked and
//! never-touched leads. The result is the enriched lead ledger.

use polars::lazy::dsl;
use polars::prelude::*;

use crate::calendar::BusinessCalendar;
use crate::config::{Config, Due, Intent};
use crate::error::{HandoffError, Result};
use crate::lost;
use crate::model::*;

fn engine(stage: &'static str) -> impl FnOnce(PolarsError) -> HandoffError {
    HandoffError::engine(stage)
}

const INTENTS: [Intent; 3] = [Intent::High, Intent::Medium, Intent::Low];

fn intent_name(i: Intent) -> &'static str {
    match i {
        Intent::High => "high",
        Intent::Medium => "medium",
        Intent::Low => "low",
    }
}

/// Per-tier value chosen by the lead's intent.
fn by_tier(f: impl Fn(Intent) -> Expr, otherwise: Expr) -> Expr {
    INTENTS.iter().rev().fold(otherwise, |rest, i| {
        when(col(INTENT).eq(lit(intent_name(*i))))
            .then(f(*i))
            .otherwise(rest)
    })
}

/// Adds every clock and flag to the joined leads and returns the ledger, sorted by `lead_id`.
pub fn ledger(leads: LazyFrame, as_of: i64, config: &Config) -> Result<DataFrame> {
    let leads = leads
        .with_columns([
            col(INTENT).is_not_null().alias(INTENT_GIVEN),
            col(INTENT).fill_null(lit("medium")).alias(INTENT),
        ])
        .collect()
        .map_err(engine("preparing the clocks"))?;
    let earliest = leads
        .column(CAPTURED_AT)
        .ok()
        .and_then(|c| c.as_materialized_series().min::<i64>().ok().flatten())
        .unwrap_or(as_of);
    let cal = BusinessCalendar::build(&config.calendar, earliest.min(as_of), as_of)?;

    let lf = leads.lazy().with_columns([
        lit(as_of).alias("_as_of"),
        // Touches before capture count as at capture (response clamped at 0).
        dsl::max_horizontal([col(FIRST_TOUCH_AT), col(CAPTURED_AT)])
            .expect("two columns")
            .alias("_touch_eff"),
    ]);
    let lf = cal.with_business_ms(lf, CAPTURED_AT, "_b_captured", Some("_open"));
    let lf = cal.with_business_ms(lf, "_touch_eff", "_b_touch", None);
    let lf = cal.with_business_ms(lf, "_as_of", "_b_as_of", None);
    let lf = with_due(lf, &cal, config);
    let lf = cal.with_business_ms(lf, SLA_DUE_AT, "_b_due", None);
    let lf = with_sla(lf, as_of, config);
    let lf = with_stages(lf);
    let lf = with_status(lf);
    let df = lf.collect().map_err(engine("computing the clocks"))?;
    let df = with_lost_reasons(df, config)?;
    df.lazy()
        .with_columns([col(IS_LOST)
            .and(
                col(LOST_CATEGORY).is_in(
                    lit(Series::new(
                        "u".into(),
                        lost::unreachable_categories(&config.lost_reasons),
                    ))
                    .implode(false),
                    false,
                ),
            )
            .and(col(ATTEMPTS).lt(lit(config.attempts.minimum)))
            .fill_null(lit(false))
            .alias(UNDER_WORKED)])
        .select(ledger_columns().into_iter().map(col).collect::<Vec<_>>())
        .sort([LEAD_ID], SortMultipleOptions::default())
        .collect()
        .map_err(engine("assembling the ledger"))
}

/// Due time by tier: N business minutes on, or the close of the business day.
fn with_due(lf: LazyFrame, cal: &BusinessCalendar, config: &Config) -> LazyFrame {
    let minutes_target = by_tier(
        |i| match config.tier(i).due {
            Due::Within(d) => col("_b_captured") + lit(d.as_ms()),
            Due::EndOfDay => lit(NULL).cast(DataType::Int64),
        },
        lit(NULL).cast(DataType::Int64),
    );
    let eod_target = by_tier(
        |i| match config.tier(i).due {
            Due::Within(_) => lit(NULL).cast(DataType::Int64),
            Due::EndOfDay => col("_b_captured") + lit(1i64),
        },
        lit(NULL).cast(DataType::Int64),
    );
    let lf = lf.with_columns([minutes_target.alias("_t_min"), eod_target.alias("_t_eod")]);
    let lf = cal.with_instant_at(lf, "_t_min", "_due_min", false);
    let lf = cal.with_instant_at(lf, "_t_eod", "_due_eod", true);
    lf.with_columns([
        col(INTENT).alias(SLA_TIER),
        coalesce(&[col("_due_min"), col("_due_eod")]).alias(SLA_DUE_AT),
    ])
}

/// SLA status, delay, escalation and reassignment; response times; after-hours.
fn with_sla(lf: LazyFrame, as_of: i64, config: &Config) -> LazyFrame {
    let touched = col(FIRST_TOUCH_AT).is_not_null();
    let met = touched
        .clone()
        .and(col(FIRST_TOUCH_AT).lt_eq(col(SLA_DUE_AT)));
    let breached = touched
        .clone()
        .and(col(FIRST_TOUCH_AT).gt(col(SLA_DUE_AT)))
        .or(touched.clone().not().and(lit(as_of).gt(col(SLA_DUE_AT))));
    let delay_ms = when(touched.clone())
        .then(col("_b_touch") - col("_b_due"))
        .otherwise(col("_b_as_of") - col("_b_due"));
    let minutes = |e: Expr| e.cast(DataType::Float64) / lit(60_000.0);
    let escalate = by_tier(
        |i| lit(config.tier(i).escalate_after.as_ms()),
        lit(i64::MAX),
    );
    let reassign = by_tier(
        |i| lit(config.tier(i).reassign_after.as_ms()),
        lit(i64::MAX),
    );
    lf.with_columns([
        col("_open").not().alias(AFTER_HOURS),
        when(touched.clone())
            .then(minutes(
                (col(FIRST_TOUCH_AT) - col(CAPTURED_AT)).clip_min(lit(0i64)),
            ))
            .otherwise(lit(NULL).cast(DataType::Float64))
            .alias(RESPONSE_MIN),
        when(touched.clone())
            .then(minutes(col("_b_touch") - col("_b_captured")))
            .otherwise(lit(NULL).cast(DataType::Float64))
            .alias(BUSINESS_RESPONSE_MIN),
        when(met)
            .then(lit("met"))
            .when(breached.clone())
            .then(lit("breached"))
            .otherwise(lit("not_due"))
            .alias(SLA_STATUS),
        when(breached.clone())
            .then(minutes(delay_ms.clone()))
            .otherwise(lit(NULL).cast(DataType::Float64))
            .alias(SLA_DELAY_MIN),
        breached
            .clone()
            .and(delay_ms.clone().gt_eq(escalate))
            .fill_null(lit(false))
            .alias(ESCALATED),
        breached
            .and(touched.clone().not())
            .and(delay_ms.gt_eq(reassign))
            .fill_null(lit(false))
            .alias(REASSIGN),
        touched.not().alias(NEVER_TOUCHED),
    ])
}

/// `reached_<stage>`: the stage's timestamp or any later one.
fn with_stages(lf: LazyFrame) -> LazyFrame {
    let exprs: Vec<Expr> = STAGES
        .iter()
        .enumerate()
        .map(|(i, stage)| {
            STAGE_AT[i..]
                .iter()
                .fold(lit(false), |acc, at| acc.or(col(*at).is_not_null()))
                .alias(reached(stage))
        })
        .collect();
    lf.with_columns(exprs)
}

/// The status at as-of: given (mapped), else derived from the timestamps.
fn with_status(lf: LazyFrame) -> LazyFrame {
    let derived = when(col(WON_AT).is_not_null())
        .then(lit("won"))
        .when(col(LOST_AT).is_not_null().or(col("_lost_later")))
        .then(lit("lost"))
        .when(col(RETURNED_AT).is_not_null().or(col("_returned_later")))
        .then(lit("returned"))
        .otherwise(lit("open"));
    let status = coalesce(&[col(STATUS), derived]);
    let is_won = col(WON_AT).is_not_null();
    let is_lost = is_won
        .clone()
        .not()
        .and(status.clone().eq(lit("lost")))
        .and(col("_lost_later").not());
    let returned_later = status
        .clone()
        .eq(lit("returned"))
        .and(col("_returned_later"));
    lf.with_columns([
        col(STATUS).alias(STATUS_GIVEN),
        is_won.clone().alias(IS_WON),
        is_lost.clone().alias(IS_LOST),
        when(is_won)
            .then(lit("won"))
            .when(is_lost)
            .then(lit("lost"))
            .when(
                status
                    .clone()
                    .eq(lit("won"))
                    .or(status.clone().eq(lit("lost")))
                    .or(returned_later),
            )
            .then(lit("open"))
            .otherwise(status)
            .alias(STATUS_FINAL),
    ])
}

/// Lost reasons normalised and classed (lost leads with no reason: `missing reason`).
fn with_lost_reasons(df: DataFrame, config: &Config) -> Result<DataFrame> {
    let reasons = df
        .column(LOST_REASON)
        .map_err(engine("reading lost reasons"))?
        .as_materialized_series()
        .clone();
    let table = lost::reason_table(&reasons, &config.lost_reasons)?;
    let lf = df.lazy().join(
        table.lazy(),
        [col(LOST_REASON)],
        [col("_reason_raw")],
        JoinArgs::new(JoinType::Left),
    );
    let missing = col(IS_LOST).and(col(LOST_REASON).is_null());
    lf.with_columns([
        when(missing.clone())
            .then(lit(lost::MISSING_REASON))
            .otherwise(col("_reason_norm"))
            .alias(LOST_REASON_NORM),
        when(missing.clone())
            .then(lit(lost::MISSING_REASON))
            .otherwise(col("_reason_category"))
            .alias(LOST_CATEGORY),
        when(missing)
            .then(lit("process"))
            .otherwise(col("_reason_class"))
            .alias(LOST_CLASS),
    ])
    .collect()
    .map_err(engine("classifying lost reasons"))
}

/// The ledger's columns, in order (documented in the README).
pub fn ledger_columns() -> Vec<&'static str> {
    let mut v = vec![
        LEAD_ID,
        CREATED_AT,
        CAPTURED_AT,
        CAPTURED_BY_FORM,
        HANDOFF_LAG_MIN,
        MATCHED_FORMS,
        DUPLICATE_ROWS,
        NAME,
        EMAIL,
        PHONE,
        CITY,
        COMPANY,
        SERVICE,
        SOURCE,
        CAMPAIGN,
        MEDIUM,
        LANDING_PAGE,
        FT_SOURCE,
        FT_MEDIUM,
        FT_CAMPAIGN,
        LT_SOURCE,
        LT_MEDIUM,
        LT_CAMPAIGN,
        INTENT,
        INTENT_GIVEN,
        OWNER,
        AFTER_HOURS,
        FIRST_CONTACT_AT,
        FIRST_TOUCH_AT,
        TOUCH_BEFORE_CAPTURE,
        RESPONSE_MIN,
        BUSINESS_RESPONSE_MIN,
        SLA_TIER,
        SLA_DUE_AT,
        SLA_STATUS,
        SLA_DELAY_MIN,
        ESCALATED,
        REASSIGN,
        ATTEMPTS,
        CALLS_TOTAL,
        INBOUND_CALLS,
        NEVER_TOUCHED,
        ASSIGNED_AT,
        CONTACTED_AT,
        QUALIFIED_AT,
        MEETING_AT,
        PROPOSAL_AT,
        WON_AT,
        LOST_AT,
    ];
    let reached: Vec<&'static str> = vec![
        "reached_captured",
        "reached_assigned",
        "reached_contacted",
        "reached_qualified",
        "reached_meeting",
        "reached_proposal",
        "reached_won",
    ];
    debug_assert!(
        STAGES
            .iter()
            .zip(&reached)
            .all(|(s, r)| crate::model::reached(s) == *r)
    );
    v.extend(reached);
    v.extend([
        DEALS_COUNT,
        DEAL_VALUE,
        STATUS_GIVEN,
        STATUS_FINAL,
        IS_WON,
        IS_LOST,
        LOST_REASON,
        LOST_REASON_NORM,
        LOST_CATEGORY,
        LOST_CLASS,
        UNDER_WORKED,
        RETURNED_AT,
        RETURN_REASON,
        NEXT_ACTION_AT,
        UPDATED_AT,
    ]);
    v
}

/// Ledger columns that hold instants (epoch ms), written as local ISO 8601:
/// by convention, exactly the columns whose name ends in `_at`.
pub fn time_columns() -> Vec<&'static str> {
    ledger_columns()
        .into_iter()
        .filter(|c| c.ends_with("_at"))
        .collect()
}

//! The clocks every metric stands on: after-hours capture, wall-clock and
//! business response times, the SLA tier, due time and status, escalation,
//! stages reached, the status at as-of, lost-reason classes, under-worked and
//! never-touched leads. The result is the enriched lead ledger.

use polars::lazy::dsl;
use polars::prelude::*;

use crate::calendar::BusinessCalendar;
use crate::config::{Config, Due, Intent};
use crate::coverage::{Basis, Coverage};
use crate::error::{HandoffError, Result};
use crate::lost;
use crate::model::*;

fn engine(stage: &'static str) -> impl FnOnce(PolarsError) -> HandoffError {
    HandoffError::engine(stage)
}

/// Per-tier value chosen by the lead's intent.
fn by_tier(f: impl Fn(Intent) -> Expr, otherwise: Expr) -> Expr {
    Intent::ALL.iter().rev().fold(otherwise, |rest, i| {
        when(col(INTENT).eq(lit(i.name())))
            .then(f(*i))
            .otherwise(rest)
    })
}

/// Adds every clock and flag to the joined leads and returns the ledger,
/// sorted by `lead_id`. What the inputs cannot measure (`coverage`) stays
/// null or `not_measured`, never "untouched" or "missing reason".
pub fn ledger(
    leads: LazyFrame,
    as_of: i64,
    config: &Config,
    coverage: &Coverage,
) -> Result<DataFrame> {
    let leads = leads
        .with_columns([
            col(INTENT).is_not_null().alias(INTENT_GIVEN),
            col(INTENT)
                .fill_null(lit(Intent::Medium.name()))
                .alias(INTENT),
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
        // Routing ends at assignment, or at capture when assigned before it.
        dsl::max_horizontal([col(ASSIGNED_AT), col(CAPTURED_AT)])
            .expect("two columns")
            .alias("_rep_start"),
    ]);
    let lf = cal.with_business_ms(lf, CAPTURED_AT, "_b_captured", Some("_open"));
    let lf = cal.with_business_ms(lf, "_touch_eff", "_b_touch", None);
    let lf = cal.with_business_ms(lf, "_rep_start", "_b_rep_start", None);
    let lf = cal.with_business_ms(lf, "_as_of", "_b_as_of", None);
    let lf = with_due(lf, &cal, config);
    let lf = cal.with_business_ms(lf, SLA_DUE_AT, "_b_due", None);
    let lf = with_status(lf);
    let lf = with_stages(lf);
    let lf = with_touch_bound(lf);
    let lf = with_sla(lf, as_of, config, coverage.measured(Basis::FirstTouch));
    let lf = with_routing(lf);
    let df = lf.collect().map_err(engine("computing the clocks"))?;
    let df = with_lost_reasons(df, config, coverage.measured(Basis::LostReasons))?;
    df.lazy()
        .with_columns([
            under_worked(config, coverage.measured(Basis::Attempts)).alias(UNDER_WORKED),
            process_loss_at(as_of, untouched_past_due()).alias(PROCESS_LOSS),
        ])
        .select(ledger_columns().into_iter().map(col).collect::<Vec<_>>())
        .sort([LEAD_ID], SortMultipleOptions::default())
        .collect()
        .map_err(engine("assembling the ledger"))
}

/// Lost as unreachable with fewer attempts than the policy minimum; null
/// when the inputs hold no outbound calls to count attempts from.
fn under_worked(config: &Config, attempts_measured: bool) -> Expr {
    if !attempts_measured {
        return lit(NULL).cast(DataType::Boolean);
    }
    let unreachable = Series::new(
        "u".into(),
        lost::unreachable_categories(&config.lost_reasons),
    );
    col(IS_LOST)
        .and(col(LOST_CATEGORY).is_in(lit(unreachable).implode(false), false))
        .and(col(ATTEMPTS).lt(lit(config.attempts.minimum)))
        .fill_null(lit(false))
}

/// A process loss as things stood at `cutoff` (the report's as-of, or an
/// earlier moment for a week read at the same age): lost with a
/// process-class reason by then (a loss with no time counts), or `past_due`,
/// untouched with its SLA breached then (an untouched lead not yet due is
/// waiting).
pub fn process_loss_at(cutoff: i64, past_due: Expr) -> Expr {
    let lost_by = col(LOST_AT).is_null().or(col(LOST_AT).lt_eq(lit(cutoff)));
    lost_for_process().and(lost_by).or(past_due)
}

/// Lost with a process-class reason.
pub fn lost_for_process() -> Expr {
    col(IS_LOST)
        .and(col(LOST_CLASS).eq(lit(PROCESS)))
        .fill_null(lit(false))
}

/// Untouched past the due time: a process loss the owner must act on.
pub fn untouched_past_due() -> Expr {
    col(NEVER_TOUCHED)
        .and(col(SLA_STATUS).eq(lit(SlaState::Breached.as_str())))
        .fill_null(lit(false))
}

/// Untouched, the first response not yet due: waiting, not lost.
pub fn waiting() -> Expr {
    col(NEVER_TOUCHED)
        .and(col(SLA_STATUS).eq(lit(SlaState::NotDue.as_str())))
        .fill_null(lit(false))
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

/// `touch_bound_at`: with no first-touch time, the earliest later-stage
/// timestamp bounds when the lead was touched.
fn with_touch_bound(lf: LazyFrame) -> LazyFrame {
    let later = dsl::min_horizontal([
        col(QUALIFIED_AT),
        col(MEETING_AT),
        col(PROPOSAL_AT),
        col(WON_AT),
    ])
    .expect("four columns");
    lf.with_columns([when(col(FIRST_TOUCH_AT).is_null())
        .then(later)
        .otherwise(lit(NULL).cast(DataType::Int64))
        .alias(TOUCH_BOUND_AT)])
}

/// Each lead's SLA as things stood at `cutoff` (the report's as-of, or an
/// earlier moment for a week read at the same age): the one rule behind
/// `sla_status` and the trend's weeks.
pub struct SlaAt {
    /// Touched by its due time (by `cutoff`).
    pub met: Expr,
    /// Touched after its due time, or untouched past it, by `cutoff`.
    pub breached: Expr,
    /// Had a first touch with a known time by `cutoff`.
    pub timed: Expr,
    /// Untouched at `cutoff` and past its due time then.
    pub past_due: Expr,
    /// Untouched at `cutoff`.
    pub untouched: Expr,
}

/// The SLA at `cutoff`. A touch after `cutoff` had not happened yet: the
/// lead was then untouched, breached only when already past its due time.
/// A lead touched at an unknown time (it reached a later stage, no touch
/// time) is never untouched: met when the earliest later stage it reached
/// was by both its due time and `cutoff`, else neither (unknown).
pub fn sla_at(cutoff: i64) -> SlaAt {
    let first_touch = col(FIRST_TOUCH_AT);
    let due = col(SLA_DUE_AT);
    let timed = first_touch.clone().lt_eq(lit(cutoff)).fill_null(lit(false));
    let untimed = first_touch.clone().is_null().and(col(reached("contacted")));
    let bound = col(TOUCH_BOUND_AT);
    let on_time = first_touch.lt_eq(due.clone()).fill_null(lit(false));
    let bound_on_time = bound
        .clone()
        .lt_eq(due.clone())
        .and(bound.lt_eq(lit(cutoff)))
        .fill_null(lit(false));
    let met = timed
        .clone()
        .and(on_time.clone())
        .or(untimed.clone().and(bound_on_time));
    let untouched = timed.clone().or(untimed).not();
    let past_due = untouched
        .clone()
        .and(lit(cutoff).gt(due).fill_null(lit(false)));
    SlaAt {
        breached: timed.clone().and(on_time.not()).or(past_due.clone()),
        met,
        timed,
        past_due,
        untouched,
    }
}

/// The SLA state of every lead at `as_of` (see [`SlaState`]).
fn sla_state(as_of: i64, touch_measured: bool) -> Expr {
    let state = |s: SlaState| lit(s.as_str());
    let at = sla_at(as_of);
    let untouched = if touch_measured {
        when(at.past_due)
            .then(state(SlaState::Breached))
            .otherwise(state(SlaState::NotDue))
    } else {
        state(SlaState::NotMeasured)
    };
    when(at.met)
        .then(state(SlaState::Met))
        .when(at.timed)
        .then(state(SlaState::Breached))
        .when(at.untouched.not())
        .then(state(SlaState::Unknown))
        .otherwise(untouched)
}

/// SLA status, delay, escalation and reassignment; response times; after-hours.
fn with_sla(lf: LazyFrame, as_of: i64, config: &Config, touch_measured: bool) -> LazyFrame {
    let timed = col(FIRST_TOUCH_AT).is_not_null();
    let breached = col(SLA_STATUS).eq(lit(SlaState::Breached.as_str()));
    let delay_ms = when(timed.clone())
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
    let untouched = col("reached_contacted").not();
    let never_touched = if touch_measured {
        untouched.clone()
    } else {
        lit(NULL).cast(DataType::Boolean)
    };
    lf.with_columns([
        col("_open").not().alias(AFTER_HOURS),
        when(timed.clone())
            .then(minutes(
                (col(FIRST_TOUCH_AT) - col(CAPTURED_AT)).clip_min(lit(0i64)),
            ))
            .otherwise(lit(NULL).cast(DataType::Float64))
            .alias(RESPONSE_MIN),
        when(timed.clone())
            .then(minutes(col("_b_touch") - col("_b_captured")))
            .otherwise(lit(NULL).cast(DataType::Float64))
            .alias(BUSINESS_RESPONSE_MIN),
        sla_state(as_of, touch_measured).alias(SLA_STATUS),
        never_touched.alias(NEVER_TOUCHED),
    ])
    .with_columns([
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
            .and(untouched)
            .and(delay_ms.gt_eq(reassign))
            .fill_null(lit(false))
            .alias(REASSIGN),
    ])
}

/// Routing lag (capture -> assignment) and rep response (max(assigned,
/// captured) -> first touch), in business minutes, clamped at 0.
fn with_routing(lf: LazyFrame) -> LazyFrame {
    let minutes = |e: Expr| e.cast(DataType::Float64) / lit(60_000.0);
    lf.with_columns([
        when(col(ASSIGNED_AT).is_not_null())
            .then(minutes(col("_b_rep_start") - col("_b_captured")))
            .otherwise(lit(NULL).cast(DataType::Float64))
            .alias(ASSIGNMENT_LAG_MIN),
        when(col(FIRST_TOUCH_AT).is_not_null())
            .then(minutes(
                (col("_b_touch") - col("_b_rep_start")).clip_min(lit(0i64)),
            ))
            .otherwise(lit(NULL).cast(DataType::Float64))
            .alias(REP_RESPONSE_MIN),
    ])
}

/// `reached_<stage>`: the stage's timestamp or any later one; a win (dated or
/// not) reaches every stage.
fn with_stages(lf: LazyFrame) -> LazyFrame {
    let exprs: Vec<Expr> = STAGES
        .iter()
        .enumerate()
        .map(|(i, stage)| {
            STAGE_AT[i..]
                .iter()
                .fold(col(IS_WON), |acc, at| acc.or(col(*at).is_not_null()))
                .alias(reached(stage))
        })
        .collect();
    lf.with_columns(exprs)
}

/// The status at as-of: given (mapped), else derived from the timestamps. A
/// won status with no won timestamp is a win, undated.
fn with_status(lf: LazyFrame) -> LazyFrame {
    let derived = when(col(WON_AT).is_not_null())
        .then(lit(WON))
        .when(col(LOST_AT).is_not_null().or(col(LOST_LATER)))
        .then(lit(LOST))
        .when(col(RETURNED_AT).is_not_null().or(col(RETURNED_LATER)))
        .then(lit(RETURNED))
        .otherwise(lit(OPEN));
    let status = coalesce(&[col(STATUS), derived]);
    let undated = col(WON_AT)
        .is_null()
        .and(status.clone().eq(lit(WON)))
        .and(col(WON_LATER).not());
    let is_won = col(WON_AT).is_not_null().or(undated.clone());
    let is_lost = is_won
        .clone()
        .not()
        .and(status.clone().eq(lit(LOST)))
        .and(col(LOST_LATER).not());
    let returned_later = status.clone().eq(lit(RETURNED)).and(col(RETURNED_LATER));
    lf.with_columns([
        col(STATUS).alias(STATUS_GIVEN),
        is_won.clone().alias(IS_WON),
        undated.alias(WON_UNDATED),
        is_lost.clone().alias(IS_LOST),
        when(is_won)
            .then(lit(WON))
            .when(is_lost)
            .then(lit(LOST))
            .when(
                status
                    .clone()
                    .eq(lit(WON))
                    .or(status.clone().eq(lit(LOST)))
                    .or(returned_later),
            )
            .then(lit(OPEN))
            .otherwise(status)
            .alias(STATUS_FINAL),
    ])
}

/// Lost reasons normalised and classed (lost leads with no reason: `missing reason`).
/// When the inputs hold no lost-reason column, a lost lead's reason is not
/// known rather than missing: category and class stay null.
fn with_lost_reasons(df: DataFrame, config: &Config, measured: bool) -> Result<DataFrame> {
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
    let missing = col(IS_LOST)
        .and(col(LOST_REASON).is_null())
        .and(lit(measured));
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
            .then(lit(PROCESS))
            .otherwise(col("_reason_class"))
            .alias(LOST_CLASS),
    ])
    .collect()
    .map_err(engine("classifying lost reasons"))
}

/// The ledger's columns, in order (declared in [`LEDGER`]).
pub fn ledger_columns() -> Vec<&'static str> {
    LEDGER.iter().map(|(name, _)| *name).collect()
}

/// Ledger columns that hold instants (epoch ms), written as local ISO 8601.
pub fn time_columns() -> Vec<&'static str> {
    LEDGER
        .iter()
        .filter(|(_, t)| *t == LedgerType::Instant)
        .map(|(name, _)| *name)
        .collect()
}

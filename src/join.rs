//! Identity matching and attribution: duplicate leads, forms and calls matched
//! to leads, capture time, first touch, first/last-touch attribution, deals
//! folded into stages, and the orphans that never reached the CRM.
//!
//! Everything is a polars lazy plan; the as-of time makes later events not
//! have happened yet.

use polars::lazy::dsl;
use polars::prelude::*;
use serde::Serialize;

use crate::config::{Config, FunnelStage};
use crate::error::{HandoffError, Result};
use crate::load::Keep;
use crate::load::normalise::{self, DEAL_OUTCOME, FUNNEL_STAGE};
use crate::model::*;

/// The loaded inputs the joins work on (canonical columns, `Int64` times;
/// forms and calls as [`FORMS_KEPT`] and [`CALLS_KEPT`] keep them).
pub struct Sources {
    pub leads: DataFrame,
    pub deals: Option<DataFrame>,
    /// Stage changes (`record_id`, `entered_at`, `funnel_stage`).
    pub history: Option<DataFrame>,
    pub forms: Option<DataFrame>,
    pub calls: Option<DataFrame>,
}

/// What the joins did with the rows they were given.
#[derive(Debug, Clone, Default, Serialize)]
pub struct JoinCounts {
    pub lead_rows: usize,
    pub duplicate_lead_rows: usize,
    pub leads_after_as_of: usize,
    pub unique_leads: usize,
    pub forms_after_as_of: usize,
    pub forms_matched_by_email: usize,
    pub forms_matched_by_phone: usize,
    pub forms_orphaned: usize,
    pub calls_after_as_of: usize,
    pub calls_matched_by_lead_id: usize,
    pub calls_matched_by_phone: usize,
    pub inbound_calls_orphaned: usize,
    pub outbound_calls_unmatched: usize,
    pub deals_after_as_of: usize,
    pub deals_matched: usize,
    pub deals_unmatched: usize,
    /// Stage-history rows that enter a funnel stage, entered after as-of (not yet happened).
    pub history_after_as_of: usize,
    pub history_matched_by_lead_id: usize,
    pub history_matched_by_deal_id: usize,
    /// Stage rows naming neither a known lead nor a known deal.
    pub history_unmatched: usize,
}

/// The joined lead table (before the clocks), the orphans, and the counts.
pub struct Joined {
    pub leads: LazyFrame,
    pub orphans: DataFrame,
    pub counts: JoinCounts,
}

/// Column added to forms and calls: their position, to tell rows apart.
const ROW: &str = "_row";
/// Column added to the leads: a lead's position in the de-duplicated leads,
/// which are in `lead_id` order ([`dedup_leads`]). Matches and facts are keyed
/// by this number rather than the id's text: a smaller key to hash, sort and
/// carry through millions of calls, and the same order as `lead_id`.
const LEAD: &str = "_lead";
/// A call is outbound (the loaded direction is `inbound` or `outbound`).
pub(crate) const OUTBOUND: &str = "_outbound";
const KIND: &str = "kind";

fn engine(stage: &'static str) -> impl FnOnce(PolarsError) -> HandoffError {
    HandoffError::engine(stage)
}

fn height(lf: LazyFrame, stage: &'static str) -> Result<usize> {
    let df = lf
        .select([len().alias("n")])
        .collect()
        .map_err(engine(stage))?;
    Ok(df
        .column("n")
        .ok()
        .and_then(|c| c.get(0).ok())
        .and_then(|v| v.extract::<u64>())
        .unwrap_or(0) as usize)
}

fn null_str() -> Expr {
    lit(NULL).cast(DataType::String)
}

fn null_i64() -> Expr {
    lit(NULL).cast(DataType::Int64)
}

/// What the loader keeps of a call: the columns matching and orphans read, and
/// the direction as one bit. A call log is the largest input; of the rest,
/// what can reject a row is checked, then dropped, and free text is not read.
pub const CALLS_KEPT: Keep = Keep {
    reads: &[STARTED_AT, LEAD_ID, PHONE, DIRECTION, CHANNEL],
    columns: call_columns,
};

/// What the loader keeps of a form: the columns matching, attribution and orphans read.
pub const FORMS_KEPT: Keep = Keep {
    reads: &FORM_COLUMNS,
    columns: form_columns,
};

fn call_columns() -> Vec<Expr> {
    vec![
        col(STARTED_AT),
        col(LINE),
        col(LEAD_ID),
        col(PHONE),
        col(DIRECTION).eq(lit("outbound")).alias(OUTBOUND),
        col(CHANNEL),
    ]
}

/// What the loader keeps of a form: the columns matching, attribution and
/// orphans read (a form's message, page and content are not read).
fn form_columns() -> Vec<Expr> {
    FORM_COLUMNS.iter().map(|c| col(*c)).collect()
}

const FORM_COLUMNS: [&str; 9] = [
    SUBMITTED_AT,
    LINE,
    NAME,
    EMAIL,
    PHONE,
    UTM_SOURCE,
    UTM_MEDIUM,
    UTM_CAMPAIGN,
    CHANNEL,
];

/// The rows at or before `as_of`, numbered; no copy when every row is.
fn until_as_of(df: DataFrame, at: &str, as_of: i64) -> PolarsResult<DataFrame> {
    let latest = df.column(at)?.as_materialized_series().max::<i64>()?;
    let df = if latest.is_some_and(|t| t > as_of) {
        df.lazy().filter(col(at).lt_eq(lit(as_of))).collect()?
    } else {
        df
    };
    df.with_row_index(ROW.into(), None)
}

/// Runs every join of the contract.
pub fn join(src: Sources, as_of: i64, config: &Config) -> Result<Joined> {
    let mut counts = JoinCounts {
        lead_rows: src.leads.height(),
        ..Default::default()
    };
    let (leads, duplicates, after_as_of) = dedup_leads(src.leads, as_of)?;
    counts.duplicate_lead_rows = duplicates;
    counts.leads_after_as_of = after_as_of;
    let leads = snapshot_leads(leads.lazy(), as_of)
        .with_row_index(LEAD, None)
        .collect()
        .map_err(engine("applying the as-of time to leads"))?;
    counts.unique_leads = leads.height();
    let mut orphans = Vec::new();

    // Forms: capture time and attribution.
    let leads = match src.forms {
        Some(forms) => {
            let all = forms.height();
            let forms = until_as_of(forms, SUBMITTED_AT, as_of)
                .map_err(engine("applying the as-of time to forms"))?;
            counts.forms_after_as_of = all - forms.height();
            let keys = lead_keys(&leads, &[CREATED_AT, QUALIFIED_AT, EMAIL, PHONE])?;
            let (by_email, by_phone, matched) = collect_matches(
                match_forms(forms.clone().lazy(), keys),
                "matching forms to leads",
            )?;
            counts.forms_matched_by_email = by_email;
            counts.forms_matched_by_phone = by_phone;
            let forms = forms.lazy();
            let orphan_forms = unmatched(forms.clone(), &matched.clone().lazy())
                .collect()
                .map_err(engine("finding orphan forms"))?;
            counts.forms_orphaned = orphan_forms.height();
            orphans.push(form_orphans(orphan_forms.lazy()));
            with_form_facts(leads.lazy(), matched.lazy(), &forms, config)
        }
        None => without_forms(leads.lazy()),
    }
    .collect()
    .map_err(engine("attributing leads"))?;

    // Calls: first touch and attempts.
    let mut lf = match src.calls {
        Some(calls) => {
            let all = calls.height();
            let calls = until_as_of(calls, STARTED_AT, as_of)
                .map_err(engine("applying the as-of time to calls"))?;
            counts.calls_after_as_of = all - calls.height();
            let keys = lead_keys(&leads, &[LEAD_ID, CREATED_AT, CAPTURED_AT, PHONE])?;
            let found = match_calls(calls, keys)?;
            counts.calls_matched_by_lead_id = found.by_id.height();
            counts.calls_matched_by_phone = found.by_phone.height();
            counts.inbound_calls_orphaned = found.inbound_orphans.height();
            counts.outbound_calls_unmatched = found.outbound_unmatched;
            orphans.push(call_orphans(found.inbound_orphans.lazy()));
            let mut matched = found.by_id;
            // Appends the second's chunks; no row is copied.
            matched
                .vstack_mut_owned(found.by_phone)
                .map_err(engine("matching calls to leads"))?;
            with_call_facts(leads.lazy(), matched.lazy(), as_of, config)
        }
        None => leads.lazy().with_columns([
            null_i64().alias("_first_call_touch"),
            lit(0u32).alias(ATTEMPTS),
            lit(0u32).alias(CALLS_TOTAL),
            lit(0u32).alias(INBOUND_CALLS),
        ]),
    };
    // The deals below read the leads three times: materialised once, not the
    // calls' group-by three times.
    let leads = with_first_touch(lf)
        .drop(cols([LEAD]))
        .collect()
        .map_err(engine("counting calls per lead"))?;
    lf = leads.lazy();

    // Deals: meeting and won.
    let mut deal_links: Option<LazyFrame> = None;
    lf = match src.deals {
        Some(deals) => {
            let all = deals.height();
            let deals = deals
                .lazy()
                .filter(
                    col(CREATED_AT)
                        .is_null()
                        .or(col(CREATED_AT).lt_eq(lit(as_of))),
                )
                .collect()
                .map_err(engine("applying the as-of time to deals"))?;
            counts.deals_after_as_of = all - deals.height();
            let deals = link_converted_deals(deals, &lf)?;
            let known = deals
                .clone()
                .lazy()
                .join(
                    lf.clone().select([col(LEAD_ID)]),
                    [col(LEAD_ID)],
                    [col(LEAD_ID)],
                    JoinArgs::new(JoinType::Semi),
                )
                .collect()
                .map_err(engine("matching deals to leads"))?;
            counts.deals_matched = known.height();
            counts.deals_unmatched = deals.height() - known.height();
            deal_links = Some(known.clone().lazy().select([col(DEAL_ID), col(LEAD_ID)]));
            with_deal_facts(lf, known.lazy(), as_of)
        }
        None => lf.with_columns([lit(0u32).alias(DEALS_COUNT)]),
    };

    // Stage history: the earliest entry into each stage.
    if let Some(history) = src.history {
        lf = with_history(lf, history, deal_links, as_of, &mut counts)?;
    }

    let orphans = if orphans.is_empty() {
        empty_orphans()
    } else {
        concat(orphans, UnionArgs::default())
            .and_then(|o| {
                o.sort(
                    ["at", KIND, "line"],
                    SortMultipleOptions::default().with_maintain_order(true),
                )
                .collect()
            })
            .map_err(engine("listing orphans"))?
    };
    Ok(Joined {
        leads: lf,
        orphans,
        counts,
    })
}

/// The leads' numbers and `columns`, to match rows against.
fn lead_keys(leads: &DataFrame, columns: &[&str]) -> Result<LazyFrame> {
    let names = std::iter::once(LEAD).chain(columns.iter().copied());
    Ok(leads
        .select(names)
        .map_err(engine("matching rows to leads"))?
        .lazy())
}

/// The rows matched each of two ways, collected one way at a time: how many
/// each way, and all of them, the first way's rows first.
fn collect_matches(
    [first, second]: [LazyFrame; 2],
    stage: &'static str,
) -> Result<(usize, usize, DataFrame)> {
    let mut all = first.collect().map_err(engine(stage))?;
    let second = second.collect().map_err(engine(stage))?;
    let counts = (all.height(), second.height());
    // Appends the second's chunks; no row is copied.
    all.vstack_mut_owned(second).map_err(engine(stage))?;
    Ok((counts.0, counts.1, all))
}

/// Keeps one row per `lead_id` (the latest `updated_at`, a row with one over
/// a row without, else the last in the file), and of those only the leads
/// created by `as_of`. Returns the rows, in `lead_id` order, how many
/// duplicate rows were dropped, and how many leads were created after `as_of`.
pub fn dedup_leads(leads: DataFrame, as_of: i64) -> Result<(DataFrame, usize, usize)> {
    // The order and the survivors are worked out on five narrow columns; the
    // wide rows are then gathered once, column by column (sorting them whole
    // copied every column twice, and a whole copy held the leads twice).
    let survivors = leads
        .clone()
        .lazy()
        .select([
            col(LEAD_ID),
            col(UPDATED_AT).is_not_null().alias("_has_updated"),
            col(UPDATED_AT),
            col(LINE),
            col(CREATED_AT),
        ])
        .with_row_index("_row", None)
        .sort(
            [LEAD_ID, "_has_updated", UPDATED_AT, LINE],
            SortMultipleOptions::default()
                .with_nulls_last(false)
                .with_maintain_order(true),
        )
        .with_columns([(len()
            .over([col(LEAD_ID)])
            .map_err(engine("counting duplicate leads"))?
            - lit(1u32))
        .cast(DataType::UInt32)
        .alias(DUPLICATE_ROWS)])
        .unique_stable(Some(cols([LEAD_ID])), UniqueKeepStrategy::Last)
        .select([col("_row"), col(DUPLICATE_ROWS), col(CREATED_AT)])
        .collect()
        .map_err(engine("removing duplicate leads"))?;
    let dropped = survivors
        .column(DUPLICATE_ROWS)
        .ok()
        .and_then(|c| c.as_materialized_series().sum::<u64>().ok())
        .unwrap_or(0) as usize;
    let picked = survivors
        .lazy()
        .filter(col(CREATED_AT).lt_eq(lit(as_of)))
        .select([col("_row"), col(DUPLICATE_ROWS)])
        .collect()
        .map_err(engine("applying the as-of time to leads"))?;
    let rows = picked
        .column("_row")
        .and_then(|c| c.as_materialized_series().idx().cloned())
        .map_err(engine("removing duplicate leads"))?;
    let unique_leads = (leads.height() - dropped) as u64;
    let after_as_of = unique_leads.saturating_sub(rows.len() as u64) as usize;
    let mut leads = leads;
    let mut columns = Vec::with_capacity(leads.width() + 1);
    for name in leads.get_column_names_owned() {
        let column = leads
            .drop_in_place(&name)
            .map_err(engine("removing duplicate leads"))?;
        // The source column is dropped as soon as it is gathered.
        columns.push(
            column
                .take(&rows)
                .map_err(engine("removing duplicate leads"))?,
        );
    }
    columns.push(
        picked
            .column(DUPLICATE_ROWS)
            .map_err(engine("removing duplicate leads"))?
            .clone(),
    );
    let unique = DataFrame::new(rows.len(), columns).map_err(engine("removing duplicate leads"))?;
    Ok((unique, dropped, after_as_of))
}

/// The leads as they stood at `as_of` (created by then: see [`dedup_leads`]):
/// stage times after it are not yet known.
fn snapshot_leads(leads: LazyFrame, as_of: i64) -> LazyFrame {
    let happened = |c: &str| {
        when(col(c).gt(lit(as_of)))
            .then(null_i64())
            .otherwise(col(c))
            .alias(c)
    };
    leads
        .with_columns([
            col(LOST_AT)
                .gt(lit(as_of))
                .fill_null(lit(false))
                .alias(LOST_LATER),
            col(RETURNED_AT)
                .gt(lit(as_of))
                .fill_null(lit(false))
                .alias(RETURNED_LATER),
            col(WON_AT)
                .gt(lit(as_of))
                .fill_null(lit(false))
                .alias(WON_LATER),
        ])
        .with_columns([
            happened(ASSIGNED_AT),
            happened(FIRST_CONTACT_AT),
            happened(QUALIFIED_AT),
            happened(MEETING_AT),
            happened(PROPOSAL_AT),
            happened(WON_AT),
            happened(LOST_AT),
            happened(RETURNED_AT),
        ])
}

/// Nearest-created lead wins, then the smallest `lead_id` (the smallest lead
/// number: they follow `lead_id` order); one lead per row.
fn nearest_lead(candidates: LazyFrame, at: &str) -> LazyFrame {
    candidates
        .with_columns([(col(CREATED_AT) - col(at)).abs().alias("_distance")])
        .sort(
            [ROW, "_distance", LEAD],
            SortMultipleOptions::default().with_maintain_order(true),
        )
        .unique_stable(Some(cols([ROW])), UniqueKeepStrategy::First)
        .drop(cols(["_distance"]))
}

/// Rows matched to the lead with the same `key` (email or phone), the nearest
/// created winning; `lead_columns` come along from the lead, tagged `how`.
fn match_on_key(
    rows: LazyFrame,
    keys: LazyFrame,
    key: &str,
    at: &str,
    lead_columns: &[&str],
) -> LazyFrame {
    let mut right = vec![col(key)];
    right.extend(lead_columns.iter().map(|c| col(*c)));
    let candidates = rows.filter(col(key).is_not_null()).join(
        keys.select(right).filter(col(key).is_not_null()),
        [col(key)],
        [col(key)],
        JoinArgs::new(JoinType::Inner),
    );
    nearest_lead(candidates, at)
}

/// The rows of `rows` whose `key` no lead has: the ones a match on that key
/// leaves (an empty key matches nothing, so its rows are kept).
fn no_lead_has(rows: LazyFrame, keys: &LazyFrame, key: &str) -> LazyFrame {
    rows.join(
        keys.clone().select([col(key)]),
        [col(key)],
        [col(key)],
        JoinArgs::new(JoinType::Anti),
    )
}

/// The rows of `rows` not in `matched` (by [`ROW`]).
fn unmatched(rows: LazyFrame, matched: &LazyFrame) -> LazyFrame {
    rows.join(
        matched.clone().select([col(ROW)]),
        [col(ROW)],
        [col(ROW)],
        JoinArgs::new(JoinType::Anti),
    )
}

/// Forms matched to leads: by email when any lead has that email, else by
/// phone (the two ways apart, so they can be counted).
fn match_forms(forms: LazyFrame, keys: LazyFrame) -> [LazyFrame; 2] {
    let lead = [LEAD, CREATED_AT, QUALIFIED_AT];
    let by_email = match_on_key(forms.clone(), keys.clone(), EMAIL, SUBMITTED_AT, &lead);
    // Every form whose email some lead has is matched by email.
    let rest = no_lead_has(forms, &keys, EMAIL);
    let by_phone = match_on_key(rest, keys, PHONE, SUBMITTED_AT, &lead);
    // Numbers only: a form's attribution text is gathered for the few forms
    // that give a lead its first and last touch ([`with_form_facts`]), not
    // carried through the matching's joins and sorts.
    let pick = |lf: LazyFrame| {
        lf.select([
            col(ROW),
            col(LEAD),
            col(CREATED_AT),
            col(QUALIFIED_AT),
            col(SUBMITTED_AT),
        ])
    };
    [pick(by_email), pick(by_phone)]
}

/// The attribution of the forms whose [`ROW`] is in column `row` of
/// `picked`, as `<prefix>_source`, `<prefix>_medium` and `<prefix>_campaign`.
fn form_attribution(picked: LazyFrame, row: &str, forms: &LazyFrame, prefix: &str) -> LazyFrame {
    let named = |c: &str, part: &str| col(c).alias(format!("{prefix}_{part}"));
    picked.join(
        forms.clone().select([
            col(ROW).alias(row),
            named(UTM_SOURCE, "source"),
            named(UTM_MEDIUM, "medium"),
            named(UTM_CAMPAIGN, "campaign"),
        ]),
        [col(row)],
        [col(row)],
        JoinArgs::new(JoinType::Left),
    )
}

/// `facts` (at most one row per [`LEAD`]) beside `leads`, in the leads' order
/// (null for a lead with none): only the lead numbers are joined, so the wide
/// lead columns are not gathered again.
fn beside(leads: LazyFrame, facts: LazyFrame) -> LazyFrame {
    let aligned = leads
        .clone()
        .select([col(LEAD)])
        .join(
            facts,
            [col(LEAD)],
            [col(LEAD)],
            JoinArgs {
                validation: JoinValidation::OneToOne,
                maintain_order: MaintainOrderJoin::Left,
                ..JoinArgs::new(JoinType::Left)
            },
        )
        .drop(cols([LEAD]));
    let strict = HConcatOptions {
        strict: true,
        ..Default::default()
    };
    concat_lf_horizontal([leads, aligned], strict).expect("two frames to put side by side")
}

/// Capture time, handoff lag, and first/last-touch attribution from matched forms.
fn with_form_facts(
    leads: LazyFrame,
    matched: LazyFrame,
    forms: &LazyFrame,
    config: &Config,
) -> LazyFrame {
    let window = config.sla.capture_window.as_ms();
    let in_window = col(SUBMITTED_AT)
        .gt_eq(col(CREATED_AT) - lit(window))
        .and(col(SUBMITTED_AT).lt_eq(col(CREATED_AT)));
    let before_qualified = col(QUALIFIED_AT)
        .is_not_null()
        .and(col(SUBMITTED_AT).lt_eq(col(QUALIFIED_AT)));
    // One sort and one pass per lead: a group keeps its rows' order, so its
    // first row is the earliest form, and its last form before qualification
    // (else its last form) gives the last touch.
    let facts = matched
        .sort([LEAD, SUBMITTED_AT, ROW], SortMultipleOptions::default())
        .group_by_stable([col(LEAD)])
        .agg([
            col(SUBMITTED_AT)
                .filter(in_window)
                .min()
                .alias("_form_capture"),
            len().cast(DataType::UInt32).alias(MATCHED_FORMS),
            col(ROW).first().alias("_ft_row"),
            coalesce(&[col(ROW).filter(before_qualified).last(), col(ROW).last()]).alias("_lt_row"),
        ]);
    let facts = form_attribution(facts, "_ft_row", forms, "_ft");
    let facts = form_attribution(facts, "_lt_row", forms, "_lt").drop(cols(["_ft_row", "_lt_row"]));
    let lf = beside(leads, facts);
    lf.with_columns([
        dsl::min_horizontal([col(CREATED_AT), col("_form_capture")])
            .expect("two columns")
            .alias(CAPTURED_AT),
        col("_form_capture").is_not_null().alias(CAPTURED_BY_FORM),
        col(MATCHED_FORMS).fill_null(lit(0u32)),
        coalesce(&[col("_ft_source"), col(SOURCE)]).alias(FT_SOURCE),
        coalesce(&[col("_ft_medium"), col(MEDIUM)]).alias(FT_MEDIUM),
        coalesce(&[col("_ft_campaign"), col(CAMPAIGN)]).alias(FT_CAMPAIGN),
    ])
    .with_columns([
        coalesce(&[col("_lt_source"), col(FT_SOURCE)]).alias(LT_SOURCE),
        coalesce(&[col("_lt_medium"), col(FT_MEDIUM)]).alias(LT_MEDIUM),
        coalesce(&[col("_lt_campaign"), col(FT_CAMPAIGN)]).alias(LT_CAMPAIGN),
        ((col(CREATED_AT) - col(CAPTURED_AT)).cast(DataType::Float64) / lit(60_000.0))
            .alias(HANDOFF_LAG_MIN),
    ])
    .drop(cols([
        "_form_capture",
        "_ft_source",
        "_ft_medium",
        "_ft_campaign",
        "_lt_source",
        "_lt_medium",
        "_lt_campaign",
    ]))
}

fn without_forms(leads: LazyFrame) -> LazyFrame {
    leads.with_columns([
        col(CREATED_AT).alias(CAPTURED_AT),
        lit(false).alias(CAPTURED_BY_FORM),
        lit(0u32).alias(MATCHED_FORMS),
        col(SOURCE).alias(FT_SOURCE),
        col(MEDIUM).alias(FT_MEDIUM),
        col(CAMPAIGN).alias(FT_CAMPAIGN),
        col(SOURCE).alias(LT_SOURCE),
        col(MEDIUM).alias(LT_MEDIUM),
        col(CAMPAIGN).alias(LT_CAMPAIGN),
        lit(0.0).alias(HANDOFF_LAG_MIN),
    ])
}

/// Calls matched to leads (see [`match_calls`]).
struct CallMatches {
    by_id: DataFrame,
    by_phone: DataFrame,
    /// Inbound calls no lead matches, with their line and channel.
    inbound_orphans: DataFrame,
    outbound_unmatched: usize,
}

/// Calls matched to leads: by `lead_id` when it names an existing lead, else
/// by phone; every call is matched by id, matched by phone, an inbound orphan
/// or an unmatched outbound call.
fn match_calls(calls: DataFrame, keys: LazyFrame) -> Result<CallMatches> {
    let stage = "matching calls to leads";
    // The lead each call's id names, if any, beside the calls in their order:
    // lead ids are unique, so a left join keeps one row per call.
    let named = calls
        .clone()
        .lazy()
        .select([col(LEAD_ID)])
        .join(
            keys.clone()
                .select([col(LEAD_ID), col(LEAD), col(CAPTURED_AT)]),
            [col(LEAD_ID)],
            [col(LEAD_ID)],
            JoinArgs {
                validation: JoinValidation::ManyToOne,
                maintain_order: MaintainOrderJoin::Left,
                ..JoinArgs::new(JoinType::Left)
            },
        )
        .select([col(LEAD), col(CAPTURED_AT)])
        .collect()
        .map_err(engine(stage))?;
    // The lead id has done its work, and a call's line and channel are read
    // only when it is listed as an orphan: those two are kept for the calls
    // that can be one (inbound, named lead unknown), and the three are
    // dropped before the phone matching, whose sort is the join's high-water mark.
    let mut calls = calls;
    calls.drop_in_place(LEAD_ID).map_err(engine(stage))?;
    let calls = calls.hstack(named.columns()).map_err(engine(stage))?;
    let orphan_details = calls
        .clone()
        .lazy()
        .filter(col(LEAD).is_null().and(col(OUTBOUND).not()))
        .select([col(ROW), col(LINE), col(CHANNEL)]);
    let orphan_details = orphan_details.collect().map_err(engine(stage))?;
    let calls = calls.drop_many([LINE, CHANNEL]).lazy();
    let by_id = calls
        .clone()
        .filter(col(LEAD).is_not_null())
        .select(matched_call());
    // Every call whose id names a lead is matched by id; the rest by phone,
    // the nearest-created lead winning, or not at all.
    let by_phone = calls
        .filter(col(LEAD).is_null())
        .drop(cols([LEAD, CAPTURED_AT]))
        .join(
            keys.select([col(PHONE), col(LEAD), col(CREATED_AT), col(CAPTURED_AT)])
                .filter(col(PHONE).is_not_null()),
            [col(PHONE)],
            [col(PHONE)],
            JoinArgs::new(JoinType::Left),
        );
    let by_phone = nearest_lead(by_phone, STARTED_AT)
        .collect()
        .map_err(engine(stage))?
        .lazy();
    let found = col(LEAD).is_not_null();
    let unmatched = by_phone.clone().filter(found.clone().not());
    let inbound_orphans = unmatched
        .clone()
        .filter(col(OUTBOUND).not())
        .select([col(ROW), col(STARTED_AT), col(PHONE)])
        .join(
            orphan_details.lazy(),
            [col(ROW)],
            [col(ROW)],
            JoinArgs {
                validation: JoinValidation::OneToOne,
                maintain_order: MaintainOrderJoin::Left,
                ..JoinArgs::new(JoinType::Left)
            },
        );
    let [by_id, by_phone, inbound_orphans] = [
        by_id,
        by_phone.filter(found).select(matched_call()),
        inbound_orphans,
    ]
    .map(|lf| lf.collect().map_err(engine(stage)));
    let outbound_unmatched = height(unmatched.filter(col(OUTBOUND)), stage)?;
    Ok(CallMatches {
        by_id: by_id?,
        by_phone: by_phone?,
        inbound_orphans: inbound_orphans?,
        outbound_unmatched,
    })
}

/// The columns of a matched call that its lead's facts read.
fn matched_call() -> [Expr; 5] {
    [
        col(ROW),
        col(LEAD),
        col(CAPTURED_AT),
        col(STARTED_AT),
        col(OUTBOUND),
    ]
}

/// First outbound touch at or after capture, attempts in the window, call counts.
fn with_call_facts(leads: LazyFrame, matched: LazyFrame, as_of: i64, config: &Config) -> LazyFrame {
    let window = config.attempts.window.as_ms();
    let outbound = col(OUTBOUND);
    let after_capture = col(STARTED_AT).gt_eq(col(CAPTURED_AT));
    let in_window = after_capture
        .clone()
        .and(col(STARTED_AT).lt_eq(col(CAPTURED_AT) + lit(window)))
        .and(col(STARTED_AT).lt_eq(lit(as_of)));
    // Plain columns first: a group-by of plain sums and minima takes polars'
    // fast path, which a filter inside an aggregation does not.
    let facts = matched
        .select([
            col(LEAD),
            when(outbound.clone().and(after_capture))
                .then(col(STARTED_AT))
                .otherwise(null_i64())
                .alias("_first_call_touch"),
            outbound.clone().and(in_window).alias(ATTEMPTS),
            outbound.not().alias(INBOUND_CALLS),
        ])
        .group_by([col(LEAD)])
        .agg([
            col("_first_call_touch").min(),
            col(ATTEMPTS).sum().cast(DataType::UInt32),
            len().cast(DataType::UInt32).alias(CALLS_TOTAL),
            col(INBOUND_CALLS).sum().cast(DataType::UInt32),
        ]);
    beside(leads, facts).with_columns([
        col(ATTEMPTS).fill_null(lit(0u32)),
        col(CALLS_TOTAL).fill_null(lit(0u32)),
        col(INBOUND_CALLS).fill_null(lit(0u32)),
    ])
}

/// `first_touch_at` = the earlier of `first_contact_at` and the first outbound call after capture.
fn with_first_touch(leads: LazyFrame) -> LazyFrame {
    touch_from(leads, col("_first_call_touch")).drop(cols(["_first_call_touch"]))
}

/// `first_touch_at` (and `contacted_at`) = the earlier of `first_contact_at`
/// and `other`; whether the CRM's contact came before capture.
fn touch_from(leads: LazyFrame, other: Expr) -> LazyFrame {
    leads
        .with_columns([
            dsl::min_horizontal([col(FIRST_CONTACT_AT), other])
                .expect("two columns")
                .alias(FIRST_TOUCH_AT),
            col(FIRST_CONTACT_AT)
                .lt(col(CAPTURED_AT))
                .fill_null(lit(false))
                .alias(TOUCH_BEFORE_CAPTURE),
        ])
        .with_columns([col(FIRST_TOUCH_AT).alias(CONTACTED_AT)])
}

/// A deal without a lead id takes the lead whose converted deal id names it
/// (Salesforce opportunities carry no lead id; the converted lead names them).
fn link_converted_deals(deals: DataFrame, leads: &LazyFrame) -> Result<DataFrame> {
    let links = leads
        .clone()
        .filter(col(DEAL_ID).is_not_null())
        .group_by([col(DEAL_ID)])
        .agg([col(LEAD_ID).min().alias("_converted_lead")]);
    deals
        .lazy()
        .join(
            links,
            [col(DEAL_ID)],
            [col(DEAL_ID)],
            JoinArgs::new(JoinType::Left),
        )
        .with_column(coalesce(&[col(LEAD_ID), col("_converted_lead")]).alias(LEAD_ID))
        .drop(cols(["_converted_lead"]))
        .collect()
        .map_err(engine("linking deals to converted leads"))
}

/// Deals fold in: meeting at the earliest deal, won at the earliest won close with the won amounts.
fn with_deal_facts(leads: LazyFrame, deals: LazyFrame, as_of: i64) -> LazyFrame {
    let won_time = coalesce(&[col(CLOSED_AT), col(CREATED_AT)]);
    let won = col(DEAL_OUTCOME)
        .eq(lit(WON))
        .and(won_time.clone().lt_eq(lit(as_of)));
    let facts = deals.group_by([col(LEAD_ID)]).agg([
        col(CREATED_AT).min().alias("_deal_created"),
        won_time.filter(won.clone()).min().alias("_deal_won_at"),
        col(AMOUNT)
            .filter(won.clone())
            .sum()
            .alias("_deal_won_amount"),
        won.sum().cast(DataType::UInt32).alias("_deals_won"),
        len().cast(DataType::UInt32).alias(DEALS_COUNT),
    ]);
    leads
        .join(
            facts,
            [col(LEAD_ID)],
            [col(LEAD_ID)],
            JoinArgs::new(JoinType::Left),
        )
        .with_columns([
            dsl::min_horizontal([col(MEETING_AT), col("_deal_created")])
                .expect("two columns")
                .alias(MEETING_AT),
            // Deals are the source of truth for wins: a won deal's close
            // sets won_at even when the lead row carries an earlier one.
            coalesce(&[col("_deal_won_at"), col(WON_AT)]).alias(WON_AT),
            when(col("_deals_won").gt(lit(0u32)))
                .then(col("_deal_won_amount"))
                .otherwise(col(DEAL_VALUE))
                .alias(DEAL_VALUE),
            col(DEALS_COUNT).fill_null(lit(0u32)),
        ])
        .drop(cols([
            "_deal_created",
            "_deal_won_at",
            "_deal_won_amount",
            "_deals_won",
        ]))
}

/// Stage history folds in: each stage time of a lead becomes the earliest
/// entry into that stage, among its own time, its history rows (a row naming
/// the lead's id) and its deals' history rows (a row naming a deal's id). A
/// lost entry counts only for a lead that was not won.
fn with_history(
    leads: LazyFrame,
    history: DataFrame,
    deal_links: Option<LazyFrame>,
    as_of: i64,
    counts: &mut JoinCounts,
) -> Result<LazyFrame> {
    let entries = history_entries(&leads, history, deal_links, as_of, counts)?;
    let entered = |stage: FunnelStage| format!("_entered_{}", stage.column());
    let facts = entries.group_by([col(LEAD_ID)]).agg(
        FunnelStage::ALL
            .iter()
            .map(|&s| {
                col(ENTERED_AT)
                    .filter(col(FUNNEL_STAGE).eq(lit(normalise::canonical_name(&s))))
                    .min()
                    .alias(entered(s))
            })
            .collect::<Vec<_>>(),
    );
    let earliest = |s: FunnelStage| {
        dsl::min_horizontal([col(s.column()), col(entered(s).as_str())]).expect("two columns")
    };
    let folded: Vec<Expr> = FunnelStage::ALL
        .iter()
        .filter(|s| !matches!(s, FunnelStage::Lost))
        .map(|&s| earliest(s).alias(s.column()))
        .collect();
    let lost = when(col(WON_AT).is_null())
        .then(earliest(FunnelStage::Lost))
        .otherwise(col(LOST_AT))
        .alias(LOST_AT);
    let temporaries: Vec<String> = FunnelStage::ALL.iter().map(|&s| entered(s)).collect();
    Ok(leads
        .join(
            facts,
            [col(LEAD_ID)],
            [col(LEAD_ID)],
            JoinArgs::new(JoinType::Left),
        )
        .with_columns(folded)
        .with_columns([lost])
        .drop(cols(temporaries)))
    // A contact the history records is a first touch, as the CRM's own is.
    .map(|lf| touch_from(lf, col(FIRST_TOUCH_AT)))
}

/// The history's stage entries up to as-of, each with the lead it belongs
/// to (`lead_id`, `entered_at`, `funnel_stage`); counts how they matched. A
/// row whose id column names lead ids matches leads only, one naming deal ids
/// matches deals only (their id sequences may overlap), any other tries the
/// leads first. A deal linked to several leads gives its rows to each.
fn history_entries(
    leads: &LazyFrame,
    history: DataFrame,
    deal_links: Option<LazyFrame>,
    as_of: i64,
    counts: &mut JoinCounts,
) -> Result<LazyFrame> {
    const ROW: &str = "_history_row";
    let stage_rows = history
        .lazy()
        .filter(col(FUNNEL_STAGE).is_not_null())
        .select([
            col(RECORD_ID),
            col(RECORD_KIND),
            col(ENTERED_AT),
            col(FUNNEL_STAGE),
        ])
        .with_row_index(ROW, None)
        .collect()
        .map_err(engine("reading the stage history"))?;
    let rows = stage_rows
        .clone()
        .lazy()
        .filter(col(ENTERED_AT).lt_eq(lit(as_of)));
    let due = height(rows.clone(), "reading the stage history")?;
    counts.history_after_as_of = stage_rows.height().saturating_sub(due);
    let ids = leads.clone().select([col(LEAD_ID)]);
    let by_lead = rows
        .clone()
        .filter(col(RECORD_KIND).neq(lit(RECORD_DEAL)))
        .join(
            ids,
            [col(RECORD_ID)],
            [col(LEAD_ID)],
            JoinArgs::new(JoinType::Semi),
        )
        .with_column(col(RECORD_ID).alias(LEAD_ID))
        .select([col(ROW), col(LEAD_ID), col(ENTERED_AT), col(FUNNEL_STAGE)])
        .collect()
        .map_err(engine("matching the stage history to leads"))?;
    let by_deal = match deal_links {
        Some(links) => rows
            .filter(col(RECORD_KIND).neq(lit(RECORD_LEAD)))
            .join(
                by_lead.clone().lazy().select([col(ROW)]),
                [col(ROW)],
                [col(ROW)],
                JoinArgs::new(JoinType::Anti),
            )
            .join(
                links.unique(None, UniqueKeepStrategy::First),
                [col(RECORD_ID)],
                [col(DEAL_ID)],
                JoinArgs::new(JoinType::Inner),
            )
            .select([col(ROW), col(LEAD_ID), col(ENTERED_AT), col(FUNNEL_STAGE)])
            .collect()
            .map_err(engine("matching the stage history to deals"))?,
        None => by_lead.clear(),
    };
    let deal_rows = by_deal
        .column(ROW)
        .and_then(|c| c.n_unique())
        .map_err(engine("matching the stage history to deals"))?;
    counts.history_matched_by_lead_id = by_lead.height();
    counts.history_matched_by_deal_id = deal_rows;
    counts.history_unmatched = due.saturating_sub(by_lead.height() + deal_rows);
    concat([by_lead.lazy(), by_deal.lazy()], UnionArgs::default())
        .map_err(engine("folding the stage history"))
}

/// Columns of `orphans.csv` (times stay epoch ms until written).
pub const ORPHAN_COLUMNS: [&str; 10] = [
    KIND, "at", "line", NAME, EMAIL, PHONE, "source", "campaign", "channel", "detail",
];

fn form_orphans(forms: LazyFrame) -> LazyFrame {
    forms.select([
        lit("form").alias(KIND),
        col(SUBMITTED_AT).alias("at"),
        col(LINE).alias("line"),
        col(NAME),
        col(EMAIL),
        col(PHONE),
        col(UTM_SOURCE).alias("source"),
        col(UTM_CAMPAIGN).alias("campaign"),
        col(CHANNEL).alias("channel"),
        when(col(EMAIL).is_null().and(col(PHONE).is_null()))
            .then(lit("no email or phone to match"))
            .otherwise(lit("no lead has this email or phone"))
            .alias("detail"),
    ])
}

fn call_orphans(calls: LazyFrame) -> LazyFrame {
    calls.select([
        lit("inbound call").alias(KIND),
        col(STARTED_AT).alias("at"),
        col(LINE).alias("line"),
        null_str().alias(NAME),
        null_str().alias(EMAIL),
        col(PHONE),
        null_str().alias("source"),
        null_str().alias("campaign"),
        col(CHANNEL).alias("channel"),
        lit("no lead has this phone or lead_id").alias("detail"),
    ])
}

fn empty_orphans() -> DataFrame {
    let schema: Schema = ORPHAN_COLUMNS
        .iter()
        .map(|n| {
            let dtype = match *n {
                "at" | "line" => DataType::Int64,
                _ => DataType::String,
            };
            Field::new((*n).into(), dtype)
        })
        .collect();
    DataFrame::empty_with_schema(&schema)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A kept expression over a column its `reads` leave out would find
    /// that column unread: each must evaluate on its reads and the line alone.
    #[test]
    fn kept_columns_read_only_what_their_reads_name() {
        for keep in [CALLS_KEPT, FORMS_KEPT] {
            let mut names: Vec<&str> = keep.reads.to_vec();
            if !names.contains(&LINE) {
                names.push(LINE);
            }
            let columns: Vec<Column> = names
                .iter()
                .map(|c| Column::new((*c).into(), [None::<&str>]))
                .collect();
            let frame = DataFrame::new(1, columns).unwrap();
            let kept = frame.lazy().select((keep.columns)()).collect();
            assert!(kept.is_ok(), "{:?}: {kept:?}", keep.reads);
        }
    }
}

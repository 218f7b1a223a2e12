//! Per-input checks and vocabulary: required values, synonym maps (intent,
//! status, deal stage, call direction and outcome), and the call-log rule
//! that a call needs a phone or a lead id.

use std::collections::BTreeMap;

use polars::prelude::*;
use serde::Serialize;

use crate::config::{Config, DealOutcome, Direction, FunnelStage, Intent, Status, Synonyms};
use crate::load::presets::Vocabulary;
use crate::model::{self, Input};

/// The column added to deals: `won`, `lost` or `open`, from the stage's synonyms.
pub const DEAL_OUTCOME: &str = "deal_outcome";

/// The funnel stage a stage-history row enters (`contacted` ... `lost`); null
/// for a stage name no synonym covers, or a row about another field.
pub const FUNNEL_STAGE: &str = "funnel_stage";

/// The stage's mapped outcome before unknown stages count as open (dropped after loading).
const VOCAB_STAGE: &str = "_vocab_stage";
/// The call direction mapped through its synonyms, before its checks.
const VOCAB_DIRECTION: &str = "_vocab_direction";

/// Canonical columns whose text goes through a synonym map.
pub fn is_mapped(name: &str) -> bool {
    matches!(name, model::INTENT | model::STATUS | model::OUTCOME)
}

/// Lower-cases and folds spaces, `_` and `-`, as the synonym keys are.
pub fn key(e: Expr) -> Expr {
    e.str()
        .to_lowercase()
        .str()
        .replace_all(lit(r"[\s_\-]+"), lit(" "), false)
        .str()
        .strip_chars(lit(" "))
}

/// A canonical value as the config spells it (`open`, `high`, `inbound`).
pub fn canonical_name<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The synonym table for one vocabulary, normalised key -> canonical value.
/// Every canonical value is a synonym of itself, listed or not; then a
/// preset's words go ahead of the built-in defaults (Salesforce's "Closed -
/// Converted" is open, not won), but behind a vocabulary the user wrote.
fn merged<T: Serialize + Ord + Copy>(
    all: &[T],
    configured: &BTreeMap<T, Vec<String>>,
    defaults: &BTreeMap<T, Vec<String>>,
    preset: &[(T, &[&str])],
) -> (Vec<String>, Vec<String>) {
    let preset: BTreeMap<T, Vec<String>> = preset.iter().fold(BTreeMap::new(), |mut m, (k, ws)| {
        m.entry(*k)
            .or_insert_with(Vec::new)
            .extend(ws.iter().map(|w| w.to_string()));
        m
    });
    let order = if configured == defaults {
        [&preset, configured]
    } else {
        [configured, &preset]
    };
    let mut pairs: BTreeMap<String, String> = all
        .iter()
        .map(|v| {
            let name = canonical_name(v);
            (fold(&name), name)
        })
        .collect();
    for map in order {
        for (canonical, words) in map {
            let name = canonical_name(canonical);
            for w in words {
                pairs.entry(fold(w)).or_insert(name.clone());
            }
        }
    }
    pairs.into_iter().unzip()
}

fn fold(s: &str) -> String {
    s.to_lowercase()
        .split(|c: char| c.is_whitespace() || c == '_' || c == '-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Maps column `name` of `df` through `f`, computing `f` once per distinct value
/// (a vocabulary column has a handful) and then looking each row up.
fn per_distinct(df: &DataFrame, name: &str, f: impl Fn(Expr) -> Expr) -> PolarsResult<Expr> {
    let distinct = df
        .column(name)?
        .as_materialized_series()
        .drop_nulls()
        .unique()?
        .with_name("v".into());
    let mapped = DataFrame::new_infer_height(vec![distinct.into_column()])?
        .lazy()
        .select([col("v"), f(col("v")).alias("m")])
        .collect()?;
    let series = |c: &str| -> PolarsResult<Series> {
        Ok(mapped.column(c)?.as_materialized_series().clone())
    };
    Ok(col(name).replace_strict(
        lit(series("v")?),
        lit(series("m")?),
        Some(lit(NULL).cast(DataType::String)),
        Some(DataType::String),
    ))
}

/// Maps text through a synonym table; values not in it become null.
fn through(
    df: &DataFrame,
    name: &str,
    (old, new): (Vec<String>, Vec<String>),
) -> PolarsResult<Expr> {
    let old = Series::new("old".into(), old);
    let new = Series::new("new".into(), new);
    per_distinct(df, name, move |e| {
        key(e).replace_strict(
            lit(old.clone()),
            lit(new.clone()),
            Some(lit(NULL).cast(DataType::String)),
            Some(DataType::String),
        )
    })
}

/// The call outcomes: the built-in words, with a preset's ahead of them.
fn outcome_table(preset: &[(&str, &[&str])]) -> (Vec<String>, Vec<String>) {
    const ALL: &[&str] = &["connected", "no_answer", "busy", "voicemail", "failed"];
    let defaults = default_outcomes();
    merged(ALL, &defaults, &defaults, preset)
}

fn default_outcomes() -> BTreeMap<&'static str, Vec<String>> {
    BTreeMap::from([
        (
            "connected",
            [
                "answered",
                "completed",
                "connected",
                "success",
                "talked",
                "picked up",
                "delivered",
                "read",
                "replied",
            ]
            .map(String::from)
            .to_vec(),
        ),
        (
            "no_answer",
            [
                "no answer",
                "not answered",
                "unanswered",
                "missed",
                "no response",
                "not picked",
                "ringing",
                "rnr",
            ]
            .map(String::from)
            .to_vec(),
        ),
        ("busy", vec!["busy".into(), "line busy".into()]),
        (
            "voicemail",
            vec![
                "voicemail".into(),
                "voice mail".into(),
                "left voicemail".into(),
            ],
        ),
        (
            "failed",
            [
                "failed",
                "cancelled",
                "canceled",
                "not reachable",
                "switched off",
                "invalid number",
                "undelivered",
            ]
            .map(String::from)
            .to_vec(),
        ),
    ])
}

fn problem(name: &str) -> String {
    format!("_problem_{name}")
}

/// Adds the input's vocabulary and row rules to the parsed frame.
pub fn apply(
    input: Input,
    mut df: DataFrame,
    present: Vec<&'static str>,
    config: &Config,
    vocabulary: &Vocabulary,
) -> PolarsResult<DataFrame> {
    let has = |c: &str| present.contains(&c);
    let defaults = Synonyms::default();
    let mut exprs: Vec<Expr> = Vec::new();
    // (Call direction is checked with its vocabulary below.) A column with no
    // null has no empty value: its check would write a column of nulls.
    for spec in input.columns().iter().filter(|s| {
        s.required
            && has(s.name)
            && has_nulls(&df, s.name)
            && !(input == Input::Calls && s.name == model::DIRECTION)
            && !(input == Input::Deals && s.name == model::LEAD_ID && has(model::DEAL_ID))
            && !(input == Input::History && s.name == model::STAGE && has(model::FIELD))
    }) {
        let p = problem(spec.name);
        let empty = when(col(spec.name).is_null())
            .then(lit(empty_required(spec.name)))
            .otherwise(lit(NULL).cast(DataType::String));
        // Only parsed kinds have a problem column of their own already.
        let parsed = matches!(
            spec.kind,
            model::Kind::Datetime | model::Kind::Money | model::Kind::Number
        );
        exprs.push(
            if parsed {
                coalesce(&[col(p.as_str()), empty])
            } else {
                empty
            }
            .alias(p),
        );
    }
    let syn = &config.synonyms;
    match input {
        Input::Leads => {
            if has(model::INTENT) {
                exprs.push(
                    through(
                        &df,
                        model::INTENT,
                        merged(
                            Intent::ALL,
                            &syn.intent,
                            &defaults.intent,
                            vocabulary.intent,
                        ),
                    )?
                    .alias(model::INTENT),
                );
            }
            if has(model::STATUS) {
                exprs.push(
                    through(
                        &df,
                        model::STATUS,
                        merged(
                            Status::ALL,
                            &syn.status,
                            &defaults.status,
                            vocabulary.status,
                        ),
                    )?
                    .alias(model::STATUS),
                );
            }
        }
        Input::Deals => {
            let outcome = if has(model::STAGE) {
                let stage = deal_outcome(&df, config, vocabulary)?;
                exprs.push(stage.clone().alias(VOCAB_STAGE));
                stage.fill_null(lit("open"))
            } else {
                lit("open")
            };
            exprs.push(outcome.alias(DEAL_OUTCOME));
            // A deal names its lead, or is named by a lead's converted deal id (Salesforce).
            if !has(model::LEAD_ID) || has(model::DEAL_ID) {
                let id = |c: &str| {
                    if has(c) {
                        col(c)
                    } else {
                        lit(NULL).cast(DataType::String)
                    }
                };
                exprs.push(
                    when(id(model::LEAD_ID).is_null().and(id(model::DEAL_ID).is_null()))
                        .then(lit("a deal needs a lead_id, or a deal_id that a lead's converted deal names; this row has neither"))
                        .otherwise(lit(NULL).cast(DataType::String))
                        .alias("_problem__deal_link"),
                );
            }
        }
        Input::Calls => {
            let (checked, calls) = call_rules(df, &has, config, vocabulary)?;
            df = checked;
            exprs.extend(calls);
        }
        Input::History => exprs.extend(history_stage(&df, has(model::FIELD), config, vocabulary)?),
        Input::Forms | Input::Spend => {}
    }
    let lf = df.lazy().with_columns(exprs);
    // Columns the contract names but the file lacks exist as nulls, so later stages can rely on them.
    let missing: Vec<Expr> = input
        .columns()
        .iter()
        .filter(|s| !has(s.name))
        .map(|s| {
            let dtype = match s.kind {
                model::Kind::Datetime => DataType::Int64,
                model::Kind::Money | model::Kind::Number => DataType::Float64,
                _ => DataType::String,
            };
            lit(NULL).cast(dtype).alias(s.name)
        })
        .collect();
    if missing.is_empty() {
        lf.collect()
    } else {
        lf.with_columns(missing).collect()
    }
}

/// Why a row is rejected: a value the contract requires is empty.
fn empty_required(name: &str) -> String {
    format!("required value `{name}` is empty")
}

/// Why a call is rejected: its direction is no synonym of either.
const UNKNOWN_DIRECTION: &str =
    "call direction must be inbound or outbound (or a synonym in [synonyms.direction])";
/// Why a call is rejected: no lead id, and a phone that is no number.
const NOT_A_PHONE: &str =
    "the phone is not a phone number and there is no lead_id, so the call cannot be matched";
/// Why a call is rejected: neither a phone nor a lead id.
const NO_IDENTITY: &str = "a call needs a phone or a lead_id; this row has neither";

/// The call log's rules: direction, outcome and channel through their
/// synonyms, a direction that is none of them rejected, and a call with
/// neither a phone nor a lead id rejected. Each check is made only where a
/// row can fail it. Gives the frame with the mapped direction beside it.
fn call_rules(
    mut df: DataFrame,
    has: &dyn Fn(&str) -> bool,
    config: &Config,
    vocabulary: &Vocabulary,
) -> PolarsResult<(DataFrame, Vec<Expr>)> {
    let (syn, defaults) = (&config.synonyms, Synonyms::default());
    let direction = through(
        &df,
        model::DIRECTION,
        merged(
            Direction::ALL,
            &syn.direction,
            &defaults.direction,
            vocabulary.direction,
        ),
    )?;
    // Mapped once into a column, which the two expressions below read.
    df = df
        .lazy()
        .with_column(direction.alias(VOCAB_DIRECTION))
        .collect()?;
    let mut exprs = vec![col(VOCAB_DIRECTION).alias(model::DIRECTION)];
    // Every row mapped: no direction is empty or unknown.
    if has_nulls(&df, VOCAB_DIRECTION) {
        exprs.push(
            when(col(model::DIRECTION).is_null())
                .then(lit(empty_required(model::DIRECTION)))
                .when(col(VOCAB_DIRECTION).is_null())
                .then(lit(UNKNOWN_DIRECTION))
                .otherwise(lit(NULL).cast(DataType::String))
                .alias(problem(model::DIRECTION)),
        );
    }
    if has(model::OUTCOME) {
        exprs.push(
            through(&df, model::OUTCOME, outcome_table(vocabulary.outcome))?.alias(model::OUTCOME),
        );
    }
    let channel = if has(model::CHANNEL) {
        per_distinct(&df, model::CHANNEL, key)?.fill_null(lit("call"))
    } else {
        lit("call")
    };
    exprs.push(channel.alias(model::CHANNEL));
    let column_or_null = |present: bool, name: &str| {
        if present {
            col(name)
        } else {
            lit(NULL).cast(DataType::String)
        }
    };
    // A row lacks both only if both columns can be null.
    let both_can_lack = [model::PHONE, model::LEAD_ID]
        .iter()
        .all(|c| !has(c) || has_nulls(&df, c));
    if both_can_lack {
        let phone = column_or_null(has(model::PHONE), model::PHONE);
        let lead = column_or_null(has(model::LEAD_ID), model::LEAD_ID);
        let raw_phone = column_or_null(has(model::PHONE), "_raw_phone");
        exprs.push(
            when(phone.is_null().and(lead.is_null()))
                .then(
                    when(raw_phone.is_not_null())
                        .then(lit(NOT_A_PHONE))
                        .otherwise(lit(NO_IDENTITY)),
                )
                .otherwise(lit(NULL).cast(DataType::String))
                .alias("_problem__identity"),
        );
    }
    Ok((df, exprs))
}

/// Whether column `name` of `df` holds a null (a count kept with the column:
/// no pass over the values).
fn has_nulls(df: &DataFrame, name: &str) -> bool {
    df.column(name).is_ok_and(|c| c.has_nulls())
}

/// The field names (folded as synonym keys are) of a stage or status in the
/// field-history exports (Salesforce `Status`, `StageName`; HubSpot
/// `dealstage`, `lifecyclestage`, `hs_lead_status`): rows about any other
/// field (`Status_Reason__c`, `Owner`) enter no stage.
const STAGE_FIELDS: &[&str] = &[
    "status",
    "stage",
    "stagename",
    "stage name",
    "lead status",
    "leadstatus",
    "hs lead status",
    "dealstage",
    "deal stage",
    "lifecyclestage",
    "lifecycle stage",
];

/// The `stage` column through the deal-stage synonyms (`won`, `lost`, `open`;
/// null where none names it).
fn deal_outcome(df: &DataFrame, config: &Config, vocabulary: &Vocabulary) -> PolarsResult<Expr> {
    through(
        df,
        model::STAGE,
        merged(
            DealOutcome::ALL,
            &config.synonyms.deal_stage,
            &Synonyms::default().deal_stage,
            vocabulary.deal_stage,
        ),
    )
}

/// A stage-history row's funnel stage: the stage synonyms, else a won or lost
/// deal stage. A row about another field (Salesforce LeadHistory's `Owner`)
/// enters no stage and needs none; a stage row must name one.
fn history_stage(
    df: &DataFrame,
    has_field: bool,
    config: &Config,
    vocabulary: &Vocabulary,
) -> PolarsResult<Vec<Expr>> {
    let (syn, defaults) = (&config.synonyms, Synonyms::default());
    let stage = through(
        df,
        model::STAGE,
        merged(
            FunnelStage::ALL,
            &syn.stage,
            &defaults.stage,
            vocabulary.stage,
        ),
    )?;
    let outcome = deal_outcome(df, config, vocabulary)?;
    let closed = outcome
        .clone()
        .eq(lit("won"))
        .or(outcome.clone().eq(lit("lost")));
    let none = || lit(NULL).cast(DataType::String);
    let entered = coalesce(&[stage, when(closed).then(outcome).otherwise(none())]);
    let about_stage = if has_field {
        key(col(model::FIELD))
            .is_in(
                lit(Series::new("f".into(), STAGE_FIELDS)).implode(false),
                false,
            )
            .fill_null(lit(true))
    } else {
        lit(true)
    };
    let mut out = vec![
        when(about_stage.clone())
            .then(entered.clone())
            .otherwise(none())
            .alias(FUNNEL_STAGE),
        // Unknown names are reported only for stage rows.
        when(about_stage.clone())
            .then(entered)
            .otherwise(lit("-"))
            .alias(VOCAB_STAGE),
    ];
    if has_field {
        out.push(
            when(about_stage.and(col(model::STAGE).is_null()))
                .then(lit(empty_required(model::STAGE)))
                .otherwise(none())
                .alias(problem(model::STAGE)),
        );
    }
    Ok(out)
}

/// How many unknown values of a column are listed (the most frequent).
pub const UNKNOWN_SHOWN: usize = 20;

/// Vocabulary values no synonym covers, by column, with counts (all of them:
/// a file's chunks are summed, then the callers rank and keep [`UNKNOWN_SHOWN`]).
pub fn unknown_values(
    parsed: &DataFrame,
    input: Input,
) -> PolarsResult<BTreeMap<String, BTreeMap<String, usize>>> {
    let has = |c: &str| parsed.column(c).is_ok();
    let mut checks: Vec<(&str, Expr, Expr)> = Vec::new();
    // (An unknown direction rejects its row, and is reported there.)
    for name in [model::INTENT, model::STATUS, model::OUTCOME] {
        let raw = format!("_raw_{name}");
        if has(&raw) {
            checks.push((name, col(raw.as_str()), col(name)));
        }
    }
    if matches!(input, Input::Deals | Input::History) && has(VOCAB_STAGE) {
        checks.push((model::STAGE, col(model::STAGE), col(VOCAB_STAGE)));
    }
    let mut out = BTreeMap::new();
    for (name, raw, mapped) in checks {
        let text = raw.str().strip_chars(lit(NULL).cast(DataType::String));
        let counts = parsed
            .clone()
            .lazy()
            .select([text.alias("v"), mapped.alias("m")])
            .filter(
                col("v")
                    .is_not_null()
                    .and(col("v").neq(lit("")))
                    .and(col("m").is_null()),
            )
            .group_by([col("v")])
            .agg([len().alias("n")])
            .collect()?;
        if counts.height() == 0 {
            continue;
        }
        let vs = counts.column("v")?.str()?.clone();
        let ns = counts.column("n")?.cast(&DataType::Int64)?;
        let values: BTreeMap<String, usize> = vs
            .iter()
            .zip(ns.i64()?.iter())
            .map(|(v, n)| (v.unwrap_or_default().to_string(), n.unwrap_or(0) as usize))
            .collect();
        out.insert(name.to_string(), values);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(table: &(Vec<String>, Vec<String>), word: &str) -> Option<String> {
        table
            .0
            .iter()
            .position(|o| *o == fold(word))
            .map(|i| table.1[i].clone())
    }

    #[test]
    fn canonical_values_map_to_themselves_even_when_a_list_omits_them() {
        // The user's status list names only won and lost.
        let configured = BTreeMap::from([
            (Status::Won, vec!["closed won".to_string()]),
            (Status::Lost, vec!["junk".to_string()]),
        ]);
        let defaults = Synonyms::default().status;
        let t = merged(Status::ALL, &configured, &defaults, &[]);
        assert_eq!(lookup(&t, "Open").as_deref(), Some("open"));
        assert_eq!(lookup(&t, "Nurture").as_deref(), Some("nurture"));
        assert_eq!(lookup(&t, "Junk").as_deref(), Some("lost"));
        // Defaults are replaced, not merged: "customer" is no longer won.
        assert_eq!(lookup(&t, "customer"), None);
        // A preset's words sit behind the user's list and ahead of the defaults.
        let preset: &[(Status, &[&str])] = &[(Status::Open, &["junk", "closed - converted"])];
        let t = merged(Status::ALL, &configured, &defaults, preset);
        assert_eq!(lookup(&t, "junk").as_deref(), Some("lost"));
        let t = merged(Status::ALL, &defaults, &defaults, preset);
        assert_eq!(lookup(&t, "Closed - Converted").as_deref(), Some("open"));
        // Deal stages: "Open" has no default list and is still open.
        let d = Synonyms::default().deal_stage;
        let t = merged(DealOutcome::ALL, &d, &d, &[]);
        assert_eq!(lookup(&t, "open").as_deref(), Some("open"));
    }
}

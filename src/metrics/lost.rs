//! Section 7, lost reasons: the period's lost leads by taxonomy category and
//! class; reasons lost without one; the free text that maps to no category,
//! clustered by similarity over the trailing 12 weeks; and concentrations:
//! (source, campaign, owner or week) x category cells whose share is
//! significantly above the category's share elsewhere.

use polars::prelude::*;
use serde::Serialize;

use super::Ctx;
use super::stats::{self, Rate};
use crate::error::Result;
use crate::lost::MISSING_REASON;
use crate::model::*;

/// Weeks of history for clusters and concentrations, ending with the period.
pub const HISTORY_WEEKS: u32 = 12;
/// One-sided 97.5% point of the normal: a cell must stand this many standard errors above.
const Z_CRITICAL: f64 = 1.959_963_984_540_054;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Category {
    pub category: String,
    /// `process`, `market` or `unclassified`.
    pub class: String,
    pub leads: u64,
    /// Share of the period's lost leads.
    pub share: Rate,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cluster {
    /// The most frequent wording in the cluster.
    pub name: String,
    pub leads: u64,
    /// Up to three wordings, most frequent first.
    pub examples: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Concentration {
    /// `source`, `campaign`, `owner` or `week`.
    pub dimension: &'static str,
    pub segment: String,
    pub category: String,
    /// The category's share of the segment's lost leads.
    pub share: Rate,
    /// Its share of every other segment's lost leads together.
    pub elsewhere: Rate,
    pub z: f64,
    pub finding: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LostReasons {
    /// False when no input has a lost-reason column (or it is empty): the
    /// lists below are then empty and `without_reason` null, not zero.
    pub measured: bool,
    /// Lost cohort leads.
    pub lost: u64,
    pub without_reason: Option<u64>,
    /// The period's leads lost without a reason, oldest first.
    pub without_reason_leads: Vec<super::sla::LeadRef>,
    /// Largest first.
    pub categories: Vec<Category>,
    pub history_weeks: u32,
    pub clusters: Vec<Cluster>,
    pub min_count: u32,
    /// Strongest first.
    pub concentrations: Vec<Concentration>,
}

/// Two words match when equal, or one edit apart when both have 5 or more letters.
fn same_word(a: &str, b: &str) -> bool {
    a == b || (a.chars().count() >= 5 && b.chars().count() >= 5 && strsim::levenshtein(a, b) <= 1)
}

/// Two reasons belong together when more than half the words of the shorter
/// one appear (typos allowed) in the other, or the whole texts are a small
/// edit apart.
fn similar(a: &str, b: &str) -> bool {
    let (wa, wb): (Vec<&str>, Vec<&str>) = (a.split(' ').collect(), b.split(' ').collect());
    let (short, long) = if wa.len() <= wb.len() {
        (&wa, &wb)
    } else {
        (&wb, &wa)
    };
    let shared = short
        .iter()
        .filter(|w| long.iter().any(|v| same_word(w, v)))
        .count();
    if !short.is_empty() && shared * 2 > short.len() {
        return true;
    }
    let limit = match a.chars().count().min(b.chars().count()) {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    };
    // Length differs by more than the limit: no need to count edits.
    a.chars().count().abs_diff(b.chars().count()) <= limit && strsim::levenshtein(a, b) <= limit
}

/// At most this many earlier clusters are compared with one wording (the
/// earliest that share a key): the work grows with the wordings, not their square.
const CANDIDATES: usize = 64;

/// The index keys of a text: each word, each word of 5+ letters with one
/// letter deleted (two words one edit apart share such a key), a one-word
/// text of 8+ letters with two letters deleted, and the text without spaces.
fn keys(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let words: Vec<&str> = text.split(' ').filter(|w| !w.is_empty()).collect();
    for w in &words {
        out.push(format!("w:{w}"));
        let chars: Vec<char> = w.chars().collect();
        if chars.len() >= 5 {
            for i in 0..chars.len() {
                let d: String = chars
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .map(|(_, c)| c)
                    .collect();
                out.push(format!("w:{d}"));
                if words.len() == 1 && chars.len() >= 8 {
                    for k in i + 1..chars.len() {
                        let d2: String = chars
                            .iter()
                            .enumerate()
                            .filter(|(j, _)| *j != i && *j != k)
                            .map(|(_, c)| c)
                            .collect();
                        out.push(format!("w:{d2}"));
                    }
                }
            }
        }
    }
    out.push(format!("s:{}", words.concat()));
    out.sort_unstable();
    out.dedup();
    out
}

/// Greedy clustering of (wording, count) sorted most frequent first: each
/// wording joins the earliest cluster whose name it resembles, among the
/// clusters that share an index key with it ([`keys`]; at most
/// [`CANDIDATES`] of them), so 50,000 distinct free-text reasons cluster in
/// seconds rather than hours.
pub fn cluster(wordings: &[(String, u64)]) -> Vec<Cluster> {
    let mut clusters: Vec<Cluster> = Vec::new();
    let mut index: std::collections::HashMap<String, Vec<usize>> = Default::default();
    for (text, n) in wordings {
        let keys = keys(text);
        let mut candidates: Vec<usize> = keys
            .iter()
            .filter_map(|k| index.get(k))
            .flat_map(|ids| ids.iter().take(CANDIDATES).copied())
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        let found = candidates
            .into_iter()
            .take(CANDIDATES)
            .find(|&i| similar(&clusters[i].name, text));
        match found {
            Some(i) => {
                let c = &mut clusters[i];
                c.leads += n;
                if c.examples.len() < 3 {
                    c.examples.push(text.clone());
                }
            }
            None => {
                let id = clusters.len();
                for k in keys {
                    index.entry(k).or_default().push(id);
                }
                clusters.push(Cluster {
                    name: text.clone(),
                    leads: *n,
                    examples: vec![text.clone()],
                });
            }
        }
    }
    clusters.sort_by(|a, b| b.leads.cmp(&a.leads).then(a.name.cmp(&b.name)));
    clusters
}

fn category_expr() -> Expr {
    col(LOST_CATEGORY).fill_null(lit("unclassified"))
}

fn categories(cohort: LazyFrame) -> Result<(u64, u64, Vec<Category>)> {
    let lost = cohort.filter(col(IS_LOST));
    let df = stats::by_segment(
        lost.clone()
            .with_columns([category_expr().alias("_category")]),
        "_category",
        vec![
            len().cast(DataType::UInt64).alias("n"),
            col(LOST_CLASS).drop_nulls().first().alias("class"),
        ],
    )?;
    let total: u64 = (0..df.height())
        .map(|i| stats::u64_at(&df, "n", i).ok().flatten().unwrap_or(0))
        .sum();
    let mut out = Vec::new();
    let mut missing = 0;
    for (i, category) in stats::segments(&df)?.into_iter().enumerate() {
        let n = stats::u64_at(&df, "n", i)?.unwrap_or(0);
        if category == MISSING_REASON {
            missing = n;
        }
        out.push(Category {
            class: stats::str_at(&df, "class", i)?.unwrap_or_else(|| "unclassified".into()),
            category,
            leads: n,
            share: Rate::new(n, total),
        });
    }
    out.sort_by(|a, b| b.leads.cmp(&a.leads).then(a.category.cmp(&b.category)));
    Ok((total, missing, out))
}

fn clusters(history: LazyFrame) -> Result<Vec<Cluster>> {
    let unclassified = history.filter(
        col(IS_LOST)
            .and(col(LOST_CATEGORY).is_null())
            .and(col(LOST_REASON_NORM).is_not_null()),
    );
    let df = stats::by_segment(
        unclassified,
        LOST_REASON_NORM,
        vec![len().cast(DataType::UInt64).alias("n")],
    )?;
    let mut wordings: Vec<(String, u64)> = stats::segments(&df)?
        .into_iter()
        .enumerate()
        .map(|(i, w)| Ok((w, stats::u64_at(&df, "n", i)?.unwrap_or(0))))
        .collect::<Result<_>>()?;
    wordings.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(cluster(&wordings))
}

fn concentrations(history: LazyFrame, ctx: &Ctx) -> Result<Vec<Concentration>> {
    let tz = crate::polars_tz(ctx.config);
    let week = col(CAPTURED_AT)
        .cast(DataType::Datetime(
            TimeUnit::Milliseconds,
            Some(TimeZone::UTC),
        ))
        .dt()
        .convert_time_zone(tz);
    let lost = history.filter(col(IS_LOST)).with_columns([
        category_expr().alias("_category"),
        concat_str(
            [
                week.clone().dt().iso_year().cast(DataType::String),
                lit("-W"),
                when(week.clone().dt().week().lt(lit(10)))
                    .then(lit("0"))
                    .otherwise(lit("")),
                week.dt().week().cast(DataType::String),
            ],
            "",
            false,
        )
        .alias("_week"),
    ]);
    let min = u64::from(ctx.config.lost_reasons.min_count);
    let mut found = Vec::new();
    for (dimension, column) in [
        ("source", FT_SOURCE),
        ("campaign", FT_CAMPAIGN),
        ("owner", OWNER),
        ("week", "_week"),
    ] {
        let cells = lost
            .clone()
            .with_columns([col(column)
                .cast(DataType::String)
                .fill_null(lit(stats::NONE))
                .alias("_segment")])
            .group_by([col("_segment"), col("_category")])
            .agg([len().cast(DataType::UInt64).alias("k")])
            .sort(["_segment", "_category"], SortMultipleOptions::default())
            .collect()
            .map_err(crate::error::HandoffError::engine("counting lost reasons"))?;
        let seg: Vec<String> = (0..cells.height())
            .map(|i| stats::str_at(&cells, "_segment", i).map(Option::unwrap_or_default))
            .collect::<Result<_>>()?;
        let cat: Vec<String> = (0..cells.height())
            .map(|i| stats::str_at(&cells, "_category", i).map(Option::unwrap_or_default))
            .collect::<Result<_>>()?;
        let k: Vec<u64> = (0..cells.height())
            .map(|i| stats::u64_at(&cells, "k", i).map(|v| v.unwrap_or(0)))
            .collect::<Result<_>>()?;
        let total: u64 = k.iter().sum();
        let sum_where = |f: &dyn Fn(usize) -> bool| -> u64 {
            (0..k.len()).filter(|i| f(*i)).map(|i| k[i]).sum()
        };
        for i in 0..k.len() {
            let n_seg = sum_where(&|j| seg[j] == seg[i]);
            let k_cat = sum_where(&|j| cat[j] == cat[i]);
            let n_rest = total - n_seg;
            if k[i] < min || n_rest == 0 {
                continue;
            }
            let (p1, p2) = (
                k[i] as f64 / n_seg as f64,
                (k_cat - k[i]) as f64 / n_rest as f64,
            );
            let p = k_cat as f64 / total as f64;
            let se = (p * (1.0 - p) * (1.0 / n_seg as f64 + 1.0 / n_rest as f64)).sqrt();
            if se == 0.0 {
                continue;
            }
            let z = (p1 - p2) / se;
            if z >= Z_CRITICAL {
                found.push(Concentration {
                    dimension,
                    segment: seg[i].clone(),
                    category: cat[i].clone(),
                    share: Rate::new(k[i], n_seg),
                    elsewhere: Rate::new(k_cat - k[i], n_rest),
                    finding: format!(
                        "{dimension} {}: \"{}\" is {:.0}% of its lost leads ({} of {}) against {:.0}% elsewhere",
                        seg[i],
                        cat[i],
                        p1 * 100.0,
                        k[i],
                        n_seg,
                        p2 * 100.0
                    ),
                    z,
                });
            }
        }
    }
    found.sort_by(|a, b| b.z.total_cmp(&a.z).then(a.finding.cmp(&b.finding)));
    Ok(found)
}

pub fn compute(ctx: &Ctx) -> Result<LostReasons> {
    let tz = ctx.config.calendar.time_zone.0;
    let first = ctx
        .period
        .previous_weeks(HISTORY_WEEKS - 1, tz)
        .into_iter()
        .next();
    let start = first.map_or(ctx.period.start, |w| w.start);
    let history = ctx.cohort_between(start, ctx.period.end);
    let (lost, without_reason, categories) = categories(ctx.cohort())?;
    let measured = ctx.coverage.measured(crate::coverage::Basis::LostReasons);
    if !measured {
        return Ok(LostReasons {
            measured,
            lost,
            without_reason: None,
            without_reason_leads: Vec::new(),
            categories: Vec::new(),
            history_weeks: HISTORY_WEEKS,
            clusters: Vec::new(),
            min_count: ctx.config.lost_reasons.min_count,
            concentrations: Vec::new(),
        });
    }
    Ok(LostReasons {
        measured,
        lost,
        without_reason: Some(without_reason),
        without_reason_leads: super::sla::lead_refs(
            ctx.cohort()
                .filter(col(IS_LOST).and(col(LOST_CATEGORY).eq(lit(MISSING_REASON)))),
            tz,
        )?,
        categories,
        history_weeks: HISTORY_WEEKS,
        clusters: clusters(history.clone())?,
        min_count: ctx.config.lost_reasons.min_count,
        concentrations: concentrations(history, ctx)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testing::*;

    /// 50,000 distinct free-text reasons (as CRMs hold notes): distinct words
    /// from a seeded generator, a few sharing words with earlier ones.
    fn many_reasons(n: usize) -> Vec<(String, u64)> {
        let mut state: u64 = 46;
        let mut word = || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            let letters = b"abcdefghijklmnopqrstuvwxyz";
            (0..6)
                .map(|i| letters[((state >> (i * 5 + 8)) % 26) as usize] as char)
                .collect::<String>()
        };
        (0..n)
            .map(|i| {
                let text = if i % 10 == 0 {
                    format!("customer said {}", word())
                } else {
                    format!("{} {} {}", word(), word(), word())
                };
                (text, 1)
            })
            .collect()
    }

    #[test]
    fn clustering_fifty_thousand_distinct_reasons_is_near_linear() {
        // Before the index: 3,000 -> 6,000 reasons took 30 -> 111 s here.
        let reasons = many_reasons(50_000);
        let started = std::time::Instant::now();
        let clusters = cluster(&reasons);
        let secs = started.elapsed().as_secs_f64();
        assert!(secs < 60.0, "{secs:.1} s");
        let total: u64 = clusters.iter().map(|c| c.leads).sum();
        assert_eq!(total, 50_000, "every reason in one cluster");
        // "customer said X" share two of three words: they gather, the rest stay apart.
        assert!(
            clusters[0].name.starts_with("customer said"),
            "{}",
            clusters[0].name
        );
        assert!(clusters[0].leads >= 4_000, "{}", clusters[0].leads);
    }

    #[test]
    fn clusters_group_shared_words_and_typos() {
        let w = |s: &str, n: u64| (s.to_string(), n);
        let c = cluster(&[
            w("possession delayed by builder", 5),
            w("possesion delayed", 3),
            w("flat possession delayed", 2),
            w("loan not approved", 2),
            w("loan not sanctioned", 1),
            w("moving to dubai", 1),
            w("not interested", 1),
            w("not reachable", 1),
        ]);
        let names: Vec<(&str, u64)> = c.iter().map(|c| (c.name.as_str(), c.leads)).collect();
        assert_eq!(
            names,
            [
                ("possession delayed by builder", 10),
                ("loan not approved", 3),
                ("moving to dubai", 1),
                ("not interested", 1),
                ("not reachable", 1)
            ],
            "one shared word of two is not enough"
        );
        assert_eq!(
            c[0].examples,
            [
                "possession delayed by builder",
                "possesion delayed",
                "flat possession delayed"
            ]
        );
    }

    #[test]
    fn a_reason_concentrated_on_one_owner_is_found() {
        // 20 lost leads: Aman's 8 are all "unreachable"; the 12 others have 2 "unreachable", 10 "no budget".
        let mut owners = vec!["Aman"; 8];
        owners.extend(vec!["Priya"; 12]);
        let mut cats = vec![Some("unreachable"); 10];
        cats.extend(vec![Some("no budget"); 10]);
        let classes: Vec<&str> = cats
            .iter()
            .map(|c| {
                if *c == Some("unreachable") {
                    "process"
                } else {
                    "market"
                }
            })
            .collect();
        let n = 20;
        let df = ledger(
            n,
            vec![
                Column::new(
                    LEAD_ID.into(),
                    (0..n).map(|i| format!("l{i:02}")).collect::<Vec<_>>(),
                ),
                Column::new(
                    CAPTURED_AT.into(),
                    (0..n as i64).map(at).collect::<Vec<_>>(),
                ),
                Column::new(OWNER.into(), owners),
                Column::new(IS_LOST.into(), vec![true; n]),
                Column::new(LOST_CATEGORY.into(), cats),
                Column::new(LOST_CLASS.into(), classes),
            ],
        );
        let (fixture, period) = (TestWeek::default(), w46());
        let ctx = fixture.ctx(&df, &period);
        let l = compute(&ctx).unwrap();
        assert_eq!(l.lost, 20);
        assert_eq!(l.categories[0].leads, 10);
        let owner: Vec<&Concentration> = l
            .concentrations
            .iter()
            .filter(|c| c.dimension == "owner")
            .collect();
        assert_eq!(owner.len(), 2, "{owner:?}");
        let aman = owner.iter().find(|c| c.segment == "Aman").unwrap();
        assert_eq!(
            (
                aman.category.as_str(),
                aman.share.k,
                aman.share.n,
                aman.elsewhere.k
            ),
            ("unreachable", 8, 8, 2)
        );
        assert!(aman.z > 3.0, "{}", aman.z);
        assert!(
            aman.finding
                .contains("100% of its lost leads (8 of 8) against 17% elsewhere"),
            "{}",
            aman.finding
        );
    }
}

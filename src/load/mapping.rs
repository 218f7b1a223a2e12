//! Header mapping: which export header fills which canonical column, through
//! the user's map, a preset's rules (its special cases included) and the
//! contract's aliases; and the missing-column message with its suggestions.

use std::collections::{BTreeMap, BTreeSet};

use polars::prelude::*;

use super::presets::{self, Fix, Preset, Special, Take, fold_key};
use super::{ReadOptions, values};
use crate::config::Config;
use crate::error::{HandoffError, Result};
use crate::model::{self, ColumnSpec, Input, Kind};

/// The preset for this file: `--preset`, else the config's, else the one the headers match.
pub(super) fn choose_preset(
    input: Input,
    file: &str,
    headers: &[String],
    config: &Config,
    opts: &ReadOptions,
) -> Result<Option<(&'static Preset, &'static str)>> {
    if let Some(p) = opts.preset {
        return Ok(Some((p, "given")));
    }
    let configured =
        config
            .columns
            .chosen_preset(input)
            .map_err(|message| HandoffError::Config {
                path: "handoff.toml".into(),
                message,
            })?;
    if let Some(p) = configured {
        return Ok(Some((p, "config")));
    }
    if config.columns.preset(input) == Some("none") {
        return Ok(None);
    }
    let keys: Vec<String> = headers.iter().map(|h| fold_key(h)).collect();
    if let Some(p) = presets::detect(Some(input), &keys) {
        return Ok(Some((p, "detected")));
    }
    if !config.columns.mapped_by_user(input) {
        wrong_input(input, file, &keys)?;
    }
    Ok(None)
}

/// Refuses a file that is plainly another input's export (a deals file given
/// as leads: its signature has three groups or more, so it is not a loose
/// match), or an export that serves no input; says what to do instead.
fn wrong_input(input: Input, file: &str, keys: &[String]) -> Result<()> {
    if let Some(u) = presets::unusable::detect(keys) {
        return Err(HandoffError::Input {
            file: file.to_string(),
            message: format!(
                "this looks like the {} {}, which serves no input. {} If it really is {}, map its \
                 columns under [columns.{}] in handoff.toml",
                u.vendor,
                u.export,
                u.advice,
                input.name(),
                input.name()
            ),
        });
    }
    match presets::detect(None, keys) {
        Some(p) if p.input != input && p.signature.len() >= 3 => Err(HandoffError::Input {
            file: file.to_string(),
            message: format!(
                "this looks like the {} {}, which is the {} input, not {}: pass it as --{} \
                 (read with the preset {}); if it really is {}, map its columns, or set \
                 `preset = \"none\"`, under [columns.{}] in handoff.toml",
                p.vendor,
                p.export,
                p.input.name(),
                input.name(),
                p.input.name(),
                p.name,
                input.name(),
                input.name()
            ),
        }),
        _ => Ok(()),
    }
}

/// Header names made unique for polars (`Create Date`, `Create Date_2`): a
/// name already taken, by a repeat or by a header that reads like one
/// (`Phone, Phone_2, Phone`), gets the first free suffix.
pub fn unique_names(headers: &[String]) -> Vec<String> {
    let mut taken: BTreeSet<String> = BTreeSet::new();
    headers
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let base = if h.is_empty() {
                format!("column_{}", i + 1)
            } else {
                h.clone()
            };
            let name = std::iter::once(base.clone())
                .chain((2..).map(|n| format!("{base}_{n}")))
                .find(|name| !taken.contains(name))
                .expect("an unbounded run of names has a free one");
            taken.insert(name.clone());
            name
        })
        .collect()
}

/// Header normalisation of the contract: lower case, runs of spaces, `_` and `-` folded to `_`.
pub fn normalise_header(h: &str) -> String {
    let lower = h.trim_start_matches('\u{feff}').trim().to_lowercase();
    let mut out = String::with_capacity(lower.len());
    let mut in_run = false;
    for c in lower.chars() {
        if c.is_whitespace() || c == '_' || c == '-' {
            if !in_run {
                out.push('_');
            }
            in_run = true;
        } else {
            out.push(c);
            in_run = false;
        }
    }
    out.trim_matches('_').to_string()
}

/// A canonical column and where its raw text comes from.
#[derive(Debug, Clone)]
pub(super) struct Mapped {
    /// The export header(s), as shown in messages (`First Name + Last Name`).
    pub(super) header: String,
    pub(super) spec: ColumnSpec,
    /// The file columns it reads.
    pub(super) sources: Vec<usize>,
    /// The raw text, over the file's (unique) column names.
    pub(super) expr: Expr,
}

/// The file columns (by index) that `mapping` reads, in mapping order.
pub(super) fn sources(mapping: &[Mapped]) -> Vec<usize> {
    mapping.iter().flat_map(|m| m.sources.clone()).collect()
}

/// The file's headers, for building mappings.
pub(super) struct Headers<'a> {
    pub(super) shown: &'a [String],
    pub(super) raw: &'a [String],
    pub(super) keys: Vec<String>,
}

impl Headers<'_> {
    fn index(&self, key: &str) -> Option<usize> {
        self.keys.iter().position(|k| k == key)
    }

    fn text(&self, i: usize) -> Expr {
        values::clean_text(col(self.raw[i].as_str()))
    }

    /// The first present header among `keys`, coalesced row by row with the others present.
    fn any(&self, keys: &[&str]) -> Option<(String, Vec<usize>, Expr)> {
        let found: Vec<usize> = keys.iter().filter_map(|k| self.index(k)).collect();
        found.first()?;
        let exprs: Vec<Expr> = found.iter().map(|&i| self.text(i)).collect();
        let expr = if exprs.len() == 1 {
            exprs[0].clone()
        } else {
            coalesce(&exprs)
        };
        // `inspect` shows the choice: each row takes the first non-empty, in this order.
        let shown: Vec<&str> = found.iter().map(|&i| self.shown[i].as_str()).collect();
        Some((shown.join(", else "), found, expr))
    }
}

/// A preset rule's expression, when its headers are present.
pub(super) fn rule_expr(
    rule: &presets::Rule,
    h: &Headers,
    taken: &[usize],
) -> Option<(String, Vec<usize>, Expr)> {
    let (header, sources, expr) = match rule.from {
        Take::Any(keys) => h.any(keys)?,
        Take::Join(keys) => {
            let found: Option<Vec<usize>> = keys.iter().map(|k| h.index(k)).collect();
            let found = found?;
            let parts: Vec<Expr> = found.iter().map(|&i| h.text(i)).collect();
            let shown: Vec<&str> = found.iter().map(|&i| h.shown[i].as_str()).collect();
            let joined = values::clean_text(concat_str(parts, " ", true));
            (shown.join(" + "), found, joined)
        }
        Take::Mentions(words) => {
            let i = (0..h.keys.len()).find(|i| {
                !taken.contains(i) && h.keys[*i].split('_').any(|w| words.contains(&w))
            })?;
            (h.shown[i].clone(), vec![i], h.text(i))
        }
        Take::Const(v) => (format!("(preset: \"{v}\")"), Vec::new(), lit(v)),
        Take::Special(special) => special_expr(special, h)?,
    };
    Some((header, sources, fix(expr, rule.fix)))
}

/// Whether the text, lower-cased, is one of `words` (false when empty).
pub(super) fn one_of(e: Expr, words: &[&str]) -> Expr {
    e.str()
        .to_lowercase()
        .is_in(lit(Series::new("w".into(), words)).implode(false), false)
        .fill_null(lit(false))
}

pub(super) fn flag(e: Expr) -> Expr {
    one_of(e, presets::TRUE_WORDS)
}

pub(super) fn falsy(e: Expr) -> Expr {
    one_of(e, presets::FALSE_WORDS)
}

pub(super) fn special_expr(special: Special, h: &Headers) -> Option<(String, Vec<usize>, Expr)> {
    let null = || lit(NULL).cast(DataType::String);
    match special {
        Special::PhoneByDirection {
            direction,
            from,
            to,
        } => {
            let (dh, mut s1, d) = h.any(direction)?;
            let (fh, s2, f) = h.any(from)?;
            let (th, s3, t) = h.any(to)?;
            s1.extend(s2);
            s1.extend(s3);
            let outbound = d.str().to_lowercase().str().starts_with(lit("out"));
            let e = when(outbound).then(t).otherwise(f);
            Some((format!("{fh} / {th} by {dh}"), s1, e))
        }
        Special::StageFromFlags { stage, won, closed } => {
            let (sh, mut s1, s) = h.any(stage)?;
            let (wh, s2, w) = h.any(won)?;
            let (ch, s3, c) = h.any(closed)?;
            s1.extend(s2);
            s1.extend(s3);
            let e = when(flag(w))
                .then(lit("closed won"))
                .when(flag(c))
                .then(lit("closed lost"))
                .otherwise(s);
            Some((format!("{sh} ({wh}, {ch})"), s1, e))
        }
        Special::StatusFromActive { active, stage } => {
            let (ah, mut s1, a) = h.any(active)?;
            let (sh, s2, s) = h.any(stage)?;
            s1.extend(s2);
            let e = when(falsy(a)).then(lit("lost")).otherwise(s);
            Some((format!("{sh} ({ah})"), s1, e))
        }
        Special::DateWhen {
            date,
            status,
            words,
            inactive,
        } => {
            let (dh, mut sources, d) = h.any(date)?;
            let mut cond = lit(false);
            let mut shown = Vec::new();
            if let Some((sh, s, e)) = h.any(status) {
                cond = cond.or(one_of(e, words));
                sources.extend(s);
                shown.push(sh);
            }
            if let Some((ah, s, e)) = h.any(inactive) {
                cond = cond.or(falsy(e));
                sources.extend(s);
                shown.push(ah);
            }
            if shown.is_empty() {
                return None;
            }
            let e = when(cond).then(d).otherwise(null());
            Some((format!("{dh} (when {})", shown.join(", ")), sources, e))
        }
        Special::MetaSource { organic } => {
            let (oh, s, o) = h.any(organic)?;
            let e = when(flag(o))
                .then(lit("meta_organic"))
                .otherwise(lit("meta_ads"));
            Some((format!("(preset: meta_ads / meta_organic by {oh})"), s, e))
        }
    }
}

pub(super) fn fix(e: Expr, fix: Fix) -> Expr {
    match fix {
        Fix::Keep => e,
        // What is left after a prefix may start with a space.
        Fix::StripPrefix(prefixes) => values::clean_text(
            prefixes
                .iter()
                .fold(e, |e, p| e.str().strip_prefix(lit(*p))),
        ),
        Fix::FirstOfList => values::clean_text(
            e.str()
                .split(lit(";"))
                .list()
                .first()
                .str()
                .split(lit(","))
                .list()
                .first(),
        ),
        Fix::Utc => {
            let has_zone = e
                .clone()
                .str()
                .contains(lit(r"(?i)(z|utc|gmt|[+-][0-9]{2}:?[0-9]{2})$"), false);
            let date_only = e.clone().str().contains(lit(":"), true).not();
            when(has_zone.or(date_only).or(e.clone().is_null()))
                .then(e.clone())
                .otherwise(concat_str([e, lit("Z")], "", true))
        }
        Fix::MultiFieldValue => {
            let first = e
                .clone()
                .str()
                .extract(lit(r#""VALUE"\s*:\s*"([^"]*)""#), 1);
            let is_list = e.clone().str().starts_with(lit("["));
            values::clean_text(when(is_list).then(first).otherwise(e))
        }
        Fix::Rename(pairs) => {
            let old = Series::new("o".into(), pairs.iter().map(|p| p.0).collect::<Vec<_>>());
            let new = Series::new("n".into(), pairs.iter().map(|p| p.1).collect::<Vec<_>>());
            e.clone()
                .str()
                .to_lowercase()
                .replace(lit(old), lit(new))
                .fill_null(e)
        }
    }
}

pub(super) fn map_columns(
    input: Input,
    file: &str,
    headers: &[String],
    raw_names: &[String],
    config: &Config,
    preset: Option<&Preset>,
) -> Result<Vec<Mapped>> {
    let specs = input.columns();
    let user = user_map(input, config)?;
    let spec_of = |name: &str| specs.iter().find(|s| s.name == name).copied();
    let h = Headers {
        shown: headers,
        raw: raw_names,
        keys: headers.iter().map(|x| fold_key(x)).collect(),
    };
    let mut out: Vec<Mapped> = Vec::new();
    let taken = |out: &[Mapped], name: &str| out.iter().any(|m| m.spec.name == name);
    // 1. The user's map wins.
    for (index, header) in headers.iter().enumerate() {
        if let Some(spec) = user.get(&normalise_header(header)).and_then(|t| spec_of(t))
            && !taken(&out, spec.name)
        {
            out.push(Mapped {
                header: header.clone(),
                spec,
                sources: vec![index],
                expr: h.text(index),
            });
        }
    }
    // 2. The preset's rules, first applicable rule per column.
    if let Some(p) = preset {
        for rule in p.rules {
            let Some(spec) = spec_of(rule.column) else {
                continue;
            };
            if taken(&out, spec.name) {
                continue;
            }
            if let Some((header, sources, expr)) = rule_expr(rule, &h, &sources(&out)) {
                out.push(Mapped {
                    header,
                    spec,
                    sources,
                    expr,
                });
            }
        }
    }
    // 3. Canonical names and their aliases.
    let first_alias = out.len();
    for (index, header) in headers.iter().enumerate() {
        if sources(&out).contains(&index) {
            continue;
        }
        let norm = normalise_header(header);
        let spec = specs
            .iter()
            .find(|s| s.name == norm)
            .or_else(|| specs.iter().find(|s| s.aliases.contains(&norm.as_str())))
            .copied();
        let Some(spec) = spec else { continue };
        // Several headers of one column (a re-saved export's two `Create
        // Date`s, or two aliases): each row takes the first non-empty value,
        // in column order. A column the user or a preset mapped stays theirs.
        let earlier = out.iter().position(|m| m.spec.name == spec.name);
        match earlier {
            Some(i) if first_alias <= i => {
                let m = &mut out[i];
                m.header = format!("{}, else {}", m.header, header);
                m.sources.push(index);
                m.expr = coalesce(&[
                    values::clean_text(m.expr.clone()),
                    values::clean_text(h.text(index)),
                ]);
            }
            Some(_) => {}
            None => out.push(Mapped {
                header: header.clone(),
                spec,
                sources: vec![index],
                expr: h.text(index),
            }),
        }
    }
    out.sort_by_key(|m| {
        (
            m.sources.first().copied().unwrap_or(usize::MAX),
            m.spec.name,
        )
    });
    // A deal may name its lead through the lead's converted deal id instead (Salesforce).
    let optional = |s: &ColumnSpec| {
        input == Input::Deals && s.name == model::LEAD_ID && taken(&out, model::DEAL_ID)
    };
    if let Some(missing) = specs
        .iter()
        .find(|s| s.required && !taken(&out, s.name) && !optional(s))
    {
        return Err(missing_column(input, file, missing, headers, preset));
    }
    Ok(out)
}

/// The config's column map for an input, with normalised keys, checked against the contract.
pub(super) fn user_map(input: Input, config: &Config) -> Result<BTreeMap<String, &'static str>> {
    let mut out = BTreeMap::new();
    for (header, target) in config.columns.of(input) {
        if header == "preset" {
            continue;
        }
        let target_norm = normalise_header(target);
        let spec = input.columns().iter().find(|s| s.name == target_norm).ok_or_else(|| {
            let known: Vec<&str> = input.columns().iter().map(|s| s.name).collect();
            HandoffError::Config {
                path: "handoff.toml".into(),
                message: format!(
                    "columns.{}: `{header}` maps to `{target}`, which is not a column of {}; use one of: {}",
                    input.name(),
                    input.name(),
                    known.join(", ")
                ),
            }
        })?;
        out.insert(normalise_header(header), spec.name);
    }
    Ok(out)
}

/// Whether a header could hold the canonical column, judged by its words: a
/// date column's header speaks of a date or time, an id's of an id, key or
/// number, and a yes/no question (`Is Lead Active?`) holds neither. Only such
/// headers are suggested for a missing column.
pub(super) fn compatible(spec: &ColumnSpec, header: &str) -> bool {
    let key = fold_key(header);
    let words: Vec<&str> = key.split('_').collect();
    let has = |w: &[&str]| words.iter().any(|x| w.contains(x));
    let question = header.trim_end().ends_with('?')
        || words
            .first()
            .is_some_and(|w| matches!(*w, "is" | "has" | "was"));
    if question {
        return false;
    }
    match spec.kind {
        Kind::Datetime => {
            has(&[
                "date",
                "time",
                "at",
                "on",
                "created",
                "modified",
                "updated",
                "timestamp",
                "day",
                "when",
                "submitted",
                "started",
            ]) || key.ends_with("date")
                || key.ends_with("time")
        }
        Kind::Text if spec.name.ends_with("_id") => {
            has(&["id", "key", "number", "no", "ref", "reference", "code"])
                || key.ends_with("id")
                || key.ends_with("key")
        }
        _ => true,
    }
}

/// Whether a header row reads as a data row: at least half of its cells (and
/// two or more) are dates, times, numbers, phones or emails, which headers
/// never are.
pub(super) fn looks_like_data(headers: &[String]) -> bool {
    let data_like = |h: &&String| {
        let t = h.trim();
        let digits = t.chars().filter(char::is_ascii_digit).count();
        t.contains('@')
            || (digits > 0 && digits * 2 >= t.chars().filter(|c| !c.is_whitespace()).count())
    };
    let n = headers.iter().filter(data_like).count();
    n >= 2 && n * 2 >= headers.len()
}

pub(super) fn missing_column(
    input: Input,
    file: &str,
    spec: &ColumnSpec,
    headers: &[String],
    preset: Option<&Preset>,
) -> HandoffError {
    let closest = headers
        .iter()
        .filter(|h| compatible(spec, h))
        .map(|h| {
            let n = normalise_header(h);
            let score = std::iter::once(spec.name)
                .chain(spec.aliases.iter().copied())
                .map(|name| strsim::normalized_levenshtein(&n, name))
                .fold(0.0, f64::max);
            (score, h)
        })
        .max_by(|a, b| a.0.total_cmp(&b.0));
    let map_hint = |h: &str| {
        format!(
            "If `{h}` holds it, map it in handoff.toml:\n\n    [columns.{}]\n    \"{h}\" = \"{}\"\n",
            input.name(),
            spec.name
        )
    };
    // A preset that knows where the column comes from says so, instead of a
    // lookalike header (`ConvertedDate` is not when a Salesforce lead was created).
    let from_preset: Vec<String> = preset
        .map(|p| {
            p.rules
                .iter()
                .filter(|r| r.column == spec.name)
                .map(presets::describe)
                .collect()
        })
        .unwrap_or_default();
    let mut hint = match closest {
        _ if !from_preset.is_empty() => String::new(),
        Some((score, h)) if score >= 0.4 => {
            format!(
                "The closest header present is `{}`. {}",
                crate::format::clip(h),
                map_hint(h)
            )
        }
        _ => {
            let shown: Vec<String> = headers
                .iter()
                .take(12)
                .map(|h| crate::format::clip(h))
                .collect();
            format!(
                "Headers present: {}{}. Map the one that holds {} in handoff.toml under [columns.{}].",
                shown.join(", "),
                if headers.len() > 12 { ", ..." } else { "" },
                spec.name,
                input.name()
            )
        }
    };
    if looks_like_data(headers) {
        hint = format!(
            "The first row looks like data, not a header (its cells are dates, numbers, phones or emails): \
             the file seems to have no header row. Add one naming the columns (e.g. lead_id,created_at,...), \
             or export again with headers. {hint}"
        );
    }
    if let Some(p) = preset {
        let from = if from_preset.is_empty() {
            format!("; export it again with the column that holds {}", spec.name)
        } else {
            format!(
                ", which takes {} from {}: export it again with that column",
                spec.name,
                from_preset.join(", else ")
            )
        };
        hint.push_str(&format!(
            "\nRead with the {} preset `{}` ({}){from}.",
            p.vendor, p.name, p.export
        ));
    } else {
        let keys: Vec<String> = headers.iter().map(|h| fold_key(h)).collect();
        if let Some(p) = presets::detect(None, &keys) {
            hint.push_str(&format!(
                "\nThis looks like the {} {}: pass it as --{} with --preset {}.",
                p.vendor,
                p.export,
                p.input.name(),
                p.name
            ));
        }
    }
    HandoffError::MissingColumn {
        file: file.to_string(),
        column: spec.name.to_string(),
        hint,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(input: Input, name: &str) -> ColumnSpec {
        *input.columns().iter().find(|s| s.name == name).unwrap()
    }

    #[test]
    fn unique_names_never_repeat_a_name() {
        let names = |h: &[&str]| unique_names(&h.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(names(&["Phone", "Phone"]), ["Phone", "Phone_2"]);
        assert_eq!(
            names(&["Phone", "Phone_2", "Phone"]),
            ["Phone", "Phone_2", "Phone_3"]
        );
        assert_eq!(
            names(&["Phone", "Phone", "Phone_2"]),
            ["Phone", "Phone_2", "Phone_2_2"]
        );
        assert_eq!(names(&["", "column_1"]), ["column_1", "column_1_2"]);
    }

    #[test]
    fn only_headers_of_a_compatible_kind_are_suggested() {
        let (id, created) = (
            spec(Input::Leads, model::LEAD_ID),
            spec(Input::Leads, model::CREATED_AT),
        );
        for h in ["Is Lead Active?", "Deal Name", "Has Email"] {
            assert!(!compatible(&id, h), "{h} for lead_id");
        }
        for h in ["Deal Name", "Is Converted?", "Lead Source"] {
            assert!(!compatible(&created, h), "{h} for created_at");
        }
        for h in ["Record ID", "Lead Number", "LeadKey"] {
            assert!(compatible(&id, h), "{h} for lead_id");
        }
        for h in ["Date Added", "Created On", "Submission Time", "CreatedDate"] {
            assert!(compatible(&created, h), "{h} for created_at");
        }
        // The message names no incompatible header as the closest.
        let err = missing_column(
            Input::Leads,
            "leads.csv",
            &id,
            &["Is Lead Active?".to_string(), "Lead Owner".to_string()],
            None,
        )
        .to_string();
        assert!(
            !err.contains("closest header present is `Is Lead Active?`"),
            "{err}"
        );
    }
}

//! `handoff inspect FILE...`: what each file is and how it would be read
//! (encoding, delimiter, rows, the preset it looks like, the column mapping,
//! ignored columns, value problems with counts) and a config snippet to paste.
//! A consultant's first command on a client's folder.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::config::Config;
use crate::error::{HandoffError, Result};
use crate::load::presets::{self, Preset, fold_key};
use crate::load::{self, FileStats, ReadOptions};
use crate::model::Input;

/// What to inspect.
pub struct InspectJob {
    pub files: Vec<PathBuf>,
    /// Read every file as this input instead of guessing.
    pub input: Option<Input>,
    pub config: Config,
    pub options: ReadOptions,
}

/// One file's report, or why it could not be read.
pub struct Inspected {
    pub text: String,
    pub ok: bool,
}

/// Inspects every file; a file that cannot be read is reported, not fatal.
pub fn inspect(job: &InspectJob) -> Vec<Inspected> {
    job.files
        .iter()
        .map(|path| match inspect_one(path, job) {
            Ok(text) => Inspected { text, ok: true },
            Err(e) => Inspected {
                text: format!("== {}\n  cannot be read: {e:#}\n", path.display()),
                ok: false,
            },
        })
        .collect()
}

fn inspect_one(path: &Path, job: &InspectJob) -> Result<String> {
    let headers = load::headers(path, &job.options)?;
    let (input, preset, why) = match (job.input, job.options.preset) {
        (_, Some(p)) => (p.input, Some(p), "--preset".to_string()),
        (Some(i), None) => (i, None, "--as".to_string()),
        (None, None) => guess(path, &headers, &job.config)?,
    };
    // A guessed preset is found again by the loader's own detection, and shown as detected.
    let opts = job.options.clone();
    let loaded = load::load(input, path, &job.config, &opts)?;
    let mut s = String::new();
    let st = &loaded.stats;
    let _ = writeln!(s, "== {}", path.display());
    match &st.preset {
        Some(p) => {
            let preset = presets::find(p.name);
            let _ = writeln!(
                s,
                "  looks like:  {} {} (preset {}, {}) -> the {} input",
                p.vendor,
                preset.map_or("", |p| p.export),
                p.name,
                p.chosen,
                input.name()
            );
        }
        None => {
            let _ = writeln!(
                s,
                "  looks like:  the {} input, no vendor preset ({why})",
                input.name()
            );
        }
    }
    let where_ = match &st.sheet {
        Some(records) if st.encoding == "JSON" => format!("JSON, {records}"),
        Some(sheet) => format!("sheet `{sheet}`"),
        None => format!("{}, {}-delimited", st.encoding, st.delimiter),
    };
    let _ = writeln!(
        s,
        "  read:        {where_}; {} rows: {} usable, {} rejected",
        st.rows_read, st.rows_used, st.rows_rejected
    );
    if !st.footer.is_empty() {
        let _ = writeln!(
            s,
            "  footer:      {} line(s) after the data skipped: {}",
            st.footer.len(),
            st.footer.join(" | ")
        );
    }
    let width = st
        .mapped
        .iter()
        .map(|(h, _)| h.chars().count())
        .max()
        .unwrap_or(0);
    let _ = writeln!(s, "  mapping:");
    for (header, canonical) in &st.mapped {
        let _ = writeln!(s, "    {header:<width$}  -> {canonical}");
    }
    if !st.ignored.is_empty() {
        let _ = writeln!(s, "  ignored:     {}", st.ignored.join(", "));
    }
    for (column, how) in &st.date_orders {
        if how != "unambiguous" {
            let _ = writeln!(s, "  dates:       {column} read {how}");
        }
    }
    for w in &st.warnings {
        let _ = writeln!(s, "  warning:     {w}");
    }
    s.push_str(&problems(&loaded.rejects)?);
    for (column, n) in &st.unusable_values {
        if st.unknown_values.contains_key(column) {
            continue;
        }
        let _ = writeln!(s, "  unusable:    {n} {column} value(s) kept as empty");
    }
    for (column, values) in &st.unknown_values {
        let shown: Vec<String> = values
            .iter()
            .map(|(v, n)| format!("\"{v}\" ({n})"))
            .collect();
        let _ = writeln!(
            s,
            "  unknown:     {column} values no synonym covers: {}",
            shown.join(", ")
        );
    }
    let config_currency = job.config.business.currency.to_uppercase();
    for c in &st.currencies {
        let rate = match c.rate {
            Some(_) if c.currency == config_currency => "the report currency".to_string(),
            Some(r) => format!("converted at {r}"),
            None => "NO RATE: kept as empty; add it under [exchange_rates]".to_string(),
        };
        let _ = writeln!(
            s,
            "  money:       {} amounts in {}: {rate}",
            c.amounts, c.currency
        );
    }
    if let Some(p) = preset.or_else(|| st.preset.as_ref().and_then(|p| presets::find(p.name)))
        && !p.notes.is_empty()
    {
        let _ = writeln!(s, "  note:        {}", p.notes);
    }
    s.push_str(&unmeasured(input, &loaded.frame, st, &job.config));
    s.push_str(&snippet(input, st, &job.config));
    Ok(s)
}

/// What this file alone leaves unmeasured, among the figures it could feed
/// (a leads file without a first-contact column cannot time the first
/// response unless a call log is added).
fn unmeasured(
    input: Input,
    frame: &polars::prelude::DataFrame,
    st: &FileStats,
    config: &Config,
) -> String {
    let facts = crate::coverage::facts(input, frame, st);
    let coverage = crate::coverage::Coverage::judge(&facts, config.leakage.average_deal.is_some());
    let mut s = String::new();
    for b in coverage
        .missing()
        .filter(|b| b.basis.sources().iter().any(|(i, _)| *i == input))
    {
        let _ = writeln!(
            s,
            "  cannot measure: {} ({}); {}",
            b.basis.figures(),
            b.reason.as_deref().unwrap_or(""),
            b.basis.fix()
        );
    }
    s
}

/// The input a file most likely is: a vendor preset first, else the input whose
/// columns the headers fill best (a file name like `calls.csv` breaks ties).
fn guess(
    path: &Path,
    headers: &[String],
    config: &Config,
) -> Result<(Input, Option<&'static Preset>, String)> {
    let keys: Vec<String> = headers.iter().map(|h| fold_key(h)).collect();
    if let Some(u) = presets::unusable::detect(&keys) {
        return Err(HandoffError::Input {
            file: path.display().to_string(),
            message: format!(
                "looks like the {} {}, which serves no input. {}",
                u.vendor, u.export, u.advice
            ),
        });
    }
    if let Some(p) = presets::detect(None, &keys) {
        return Ok((p.input, Some(p), "detected from the headers".into()));
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let hint = |input: Input| {
        let word = input.name().trim_end_matches('s');
        usize::from(stem.contains(word))
    };
    let mut best: Option<(usize, Input)> = None;
    let mut failures = Vec::new();
    for input in Input::ALL {
        match load::mapped_columns(input, headers, config) {
            Ok(n) => {
                let score = n * 2 + hint(input);
                if best.is_none_or(|(b, _)| score > b) {
                    best = Some((score, input));
                }
            }
            Err(e) => failures.push(format!("{}: {e}", input.name())),
        }
    }
    match best {
        Some((_, input)) => Ok((
            input,
            None,
            "guessed from the columns; pass --as to choose".into(),
        )),
        None => Err(HandoffError::Input {
            file: path.display().to_string(),
            message: format!(
                "matches no input: it lacks a required column of each. Map its headers in handoff.toml, or pass --as and --preset. Closest:\n  {}",
                failures.join("\n  ")
            ),
        }),
    }
}

/// Rejected rows grouped by column and reason, with one example each.
fn problems(rejects: &DataFrame) -> Result<String> {
    if rejects.height() == 0 {
        return Ok(String::new());
    }
    let grouped = rejects
        .clone()
        .lazy()
        .group_by([col("column"), col("reason")])
        .agg([
            len().alias("n"),
            col("line").first().alias("line"),
            col("value").first().alias("value"),
        ])
        .sort_by_exprs(
            [col("n"), col("column"), col("reason")],
            SortMultipleOptions::default().with_order_descending_multi([true, false, false]),
        )
        .collect()
        .map_err(HandoffError::engine("summarising rejected rows"))?;
    let text = |name: &str, i: usize| -> String {
        grouped
            .column(name)
            .ok()
            .and_then(|c| c.get(i).ok())
            .map(|v| match v.get_str() {
                Some(s) => s.to_string(),
                None if v.is_null() => String::new(),
                None => v.to_string(),
            })
            .unwrap_or_default()
    };
    let mut s = String::from("  problems:\n");
    for i in 0..grouped.height() {
        let _ = writeln!(
            s,
            "    {} row(s), {}: {} (e.g. line {}: \"{}\")",
            text("n", i),
            text("column", i),
            text("reason", i),
            text("line", i),
            text("value", i)
        );
    }
    Ok(s)
}

/// A config snippet for this file: its preset, and vocabulary to complete.
fn snippet(input: Input, st: &FileStats, config: &Config) -> String {
    let mut s = String::from("  config to paste into handoff.toml:\n\n");
    let mut lines: Vec<String> = Vec::new();
    lines.push(format!("[columns.{}]", input.name()));
    match &st.preset {
        Some(p) => lines.push(format!("preset = \"{}\"", p.name)),
        None => {
            lines.push("# export header = canonical column, for columns not mapped above".into())
        }
    }
    let unmapped: Vec<&str> = input
        .columns()
        .iter()
        .map(|c| c.name)
        .filter(|c| !st.mapped.iter().any(|(_, m)| m == c))
        .collect();
    for header in &st.ignored {
        let key = fold_key(header);
        let best = unmapped
            .iter()
            .map(|c| (strsim::normalized_levenshtein(&key, c), *c))
            .max_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((score, canonical)) = best
            && score >= 0.8
        {
            lines.push(format!("# \"{header}\" = \"{canonical}\""));
        }
    }
    for (column, values) in &st.unknown_values {
        let (key, canon, current) = match column.as_str() {
            "status" => (
                "status",
                "open, won, lost, returned or nurture",
                words(&config.synonyms.status),
            ),
            "intent" => (
                "intent",
                "high, medium or low",
                words(&config.synonyms.intent),
            ),
            "stage" if input == Input::History => (
                "stage",
                "contacted, qualified, meeting, proposal, won or lost",
                words(&config.synonyms.stage),
            ),
            "stage" => (
                "deal_stage",
                "open, won or lost",
                words(&config.synonyms.deal_stage),
            ),
            "direction" => (
                "direction",
                "inbound or outbound",
                words(&config.synonyms.direction),
            ),
            _ => {
                let shown: Vec<String> = values.iter().map(|(v, _)| format!("\"{v}\"")).collect();
                lines.push(format!(
                    "# {column}: {} are not known outcomes (connected, no_answer, busy, voicemail, failed)",
                    shown.join(", ")
                ));
                continue;
            }
        };
        lines.push(String::new());
        lines.push(format!("[synonyms.{key}]"));
        lines.push(format!(
            "# A list here replaces the built-in words for {key} (these are the ones in force now; a preset's words stay)."
        ));
        let shown: Vec<String> = values
            .iter()
            .map(|(v, n)| format!("\"{v}\" ({n})"))
            .collect();
        lines.push(format!(
            "# Add the export's unknown values under {canon}: {}",
            shown.join(", ")
        ));
        for (canonical, list) in current {
            let quoted: Vec<String> = list.iter().map(|w| format!("\"{w}\"")).collect();
            lines.push(format!("{canonical} = [{}]", quoted.join(", ")));
        }
    }
    let missing: Vec<&str> = st
        .currencies
        .iter()
        .filter(|c| c.rate.is_none())
        .map(|c| c.currency.as_str())
        .collect();
    if !missing.is_empty() {
        lines.push(String::new());
        lines.push(format!(
            "[exchange_rates]                # {} per unit of each currency",
            config.business.currency
        ));
        let mut seen = std::collections::BTreeSet::new();
        for c in missing {
            if seen.insert(c) {
                lines.push(format!("# {c} = 0.0"));
            }
        }
    }
    for l in lines {
        if l.is_empty() {
            s.push('\n');
        } else {
            let _ = writeln!(s, "    {l}");
        }
    }
    s.push('\n');
    s
}

/// A vocabulary's lists as TOML-ready pairs.
fn words<T: serde::Serialize>(map: &BTreeMap<T, Vec<String>>) -> Vec<(String, Vec<String>)> {
    map.iter()
        .map(|(k, v)| (crate::load::normalise::canonical_name(k), v.clone()))
        .collect()
}

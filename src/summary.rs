//! The short summary printed at the end of a run: the accounting per file
//! (rows read = used + rejected), what the joins did, and where files went.

use std::fmt::Write as _;

use crate::format::{local_iso_text, percent};
use crate::metrics::Metrics;
use crate::metrics::stages::MeetingRate;
use crate::metrics::trend::Week;
use crate::pipeline::{Ledger, Written};

/// The accounting part of a summary.
fn accounting(ledger: &Ledger, tz: chrono_tz::Tz) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "as of {} ({})",
        local_iso_text(ledger.as_of, tz),
        ledger.as_of_source
    );
    let _ = writeln!(
        s,
        "\n{:<8} {:>9} {:>9} {:>9}  file",
        "input", "read", "used", "rejected"
    );
    for f in &ledger.files {
        let how = match &f.sheet {
            Some(records) if f.encoding == "JSON" => format!("JSON, {records}"),
            Some(sheet) => format!("sheet {sheet}"),
            None => format!("{}, {}", f.encoding, f.delimiter),
        };
        let _ = writeln!(
            s,
            "{:<8} {:>9} {:>9} {:>9}  {} ({how})",
            f.input, f.rows_read, f.rows_used, f.rows_rejected, f.file
        );
        s.push_str(&file_notes(f));
    }
    let c = &ledger.counts;
    let _ = writeln!(
        s,
        "\nleads: {} unique ({} duplicate rows merged, {} created after as-of)",
        c.unique_leads, c.duplicate_lead_rows, c.leads_after_as_of
    );
    let given = |input: &str| ledger.files.iter().any(|f| f.input == input);
    if given("forms") {
        let _ = writeln!(
            s,
            "forms: {} matched by email, {} by phone, {} orphaned (never reached the CRM), {} after as-of",
            c.forms_matched_by_email,
            c.forms_matched_by_phone,
            c.forms_orphaned,
            c.forms_after_as_of
        );
    }
    if given("calls") {
        let _ = writeln!(
            s,
            "calls: {} matched by lead_id, {} by phone, {} inbound orphaned, {} outbound unmatched, {} after as-of",
            c.calls_matched_by_lead_id,
            c.calls_matched_by_phone,
            c.inbound_calls_orphaned,
            c.outbound_calls_unmatched,
            c.calls_after_as_of
        );
    }
    if given("deals") {
        let _ = writeln!(
            s,
            "deals: {} matched, {} name no known lead, {} created after as-of",
            c.deals_matched, c.deals_unmatched, c.deals_after_as_of
        );
    }
    if given("history") {
        let _ = writeln!(
            s,
            "history: {} stage entries matched by lead id, {} by deal id, {} name no known lead or deal, {} after as-of",
            c.history_matched_by_lead_id,
            c.history_matched_by_deal_id,
            c.history_unmatched,
            c.history_after_as_of
        );
    }
    let rejected: usize = ledger.files.iter().map(|f| f.rows_rejected).sum();
    if rejected > 0 {
        let _ = writeln!(
            s,
            "\n{rejected} row(s) rejected: see rejects.csv for file, line, column, value and reason"
        );
    }
    s
}

/// What else the reader should know about a file: its preset, footer, unknown
/// words, unusable values and amounts without an exchange rate.
fn file_notes(f: &crate::load::FileStats) -> String {
    let mut s = String::new();
    let pad = "";
    if let Some(p) = &f.preset {
        let _ = writeln!(
            s,
            "{pad:<8} read with the {} preset {} ({})",
            p.vendor, p.name, p.chosen
        );
    }
    if f.blank_lines > 0 {
        let _ = writeln!(
            s,
            "{pad:<8} {} blank line(s) skipped (not rows)",
            f.blank_lines
        );
    }
    for (what, n) in &f.cleaned {
        let _ = writeln!(s, "{pad:<8} {n} value(s) repaired: {what}");
    }
    for w in &f.warnings {
        let _ = writeln!(s, "{pad:<8} warning: {w}");
    }
    if let Some(first) = f.footer.first() {
        let _ = writeln!(
            s,
            "{pad:<8} {} report footer line(s) after the data skipped (\"{first}\")",
            f.footer.len()
        );
    }
    for (column, values) in &f.unknown_values {
        let n: usize = values.iter().map(|(_, n)| n).sum();
        let shown: Vec<String> = values
            .iter()
            .take(5)
            .map(|(v, n)| format!("\"{v}\" ({n})"))
            .collect();
        let _ = writeln!(
            s,
            "{pad:<8} {column}: {n} value(s) no synonym covers, treated as absent: {}{}; map them in [synonyms] (handoff inspect prints a snippet)",
            shown.join(", "),
            if values.len() > 5 { ", ..." } else { "" }
        );
    }
    for (column, n) in &f.unusable_values {
        if f.unknown_values.contains_key(column) {
            continue;
        }
        let _ = writeln!(
            s,
            "{pad:<8} {n} {column} value(s) kept as empty: not usable"
        );
    }
    for c in f.currencies.iter().filter(|c| c.rate.is_none()) {
        let _ = writeln!(
            s,
            "{pad:<8} {} {} amount(s) in {} kept as empty: no rate for {} in [exchange_rates]",
            c.amounts, c.column, c.currency, c.currency
        );
    }
    s
}

/// Where the files went.
fn files(written: &Written) -> String {
    let mut s = String::from("\nwrote:\n");
    for p in &written.paths {
        let _ = writeln!(s, "  {}", p.display());
    }
    s
}

/// The ledger run's summary: accounting, then the files.
pub fn ledger_summary(ledger: &Ledger, written: &Written, tz: chrono_tz::Tz) -> String {
    accounting(ledger, tz) + &files(written)
}

fn minutes(m: Option<f64>) -> String {
    m.map_or("n/a".into(), |m| format!("{m:.0} min"))
}

fn money(v: Option<f64>, currency: &str) -> String {
    v.map_or("n/a".into(), |v| format!("{currency} {v:.0}"))
}

/// "not measured" lines: each basis the inputs cannot measure, why, and the fix.
fn unmeasured(metrics: &Metrics) -> String {
    let mut s = String::new();
    for b in metrics.coverage.missing() {
        let _ = writeln!(
            s,
            "  not measured: {} ({}); to measure: {}",
            b.basis.figures(),
            crate::format::terminal_safe(b.reason.as_deref().unwrap_or("")),
            b.basis.fix()
        );
    }
    s
}

/// The meeting line: the settled leads' rate the target judges, with this
/// week's so far and last week's at the same point beside it (as on the card).
fn contact_to_meeting(s: &mut String, metrics: &Metrics, w: &Week, last: Option<&Week>) {
    let rate = |r: Option<&crate::metrics::stats::Rate>| {
        r.map_or("not measured".into(), |r| percent(r.rate))
    };
    let settled = &metrics.stages.settled;
    let beside = format!(
        "this week so far {}, last week at the same point {}",
        rate(w.contact_to_meeting.as_ref()),
        rate(last.and_then(|p| p.contact_to_meeting.as_ref()))
    );
    let _ = match settled.meeting_rate() {
        MeetingRate::Judged { rate, .. } => writeln!(
            s,
            "  contact -> meeting       {:>12}   leads captured {} to {}; {beside}",
            percent(Some(rate)),
            settled.first_day,
            settled.last_day
        ),
        MeetingRate::NotJudged => writeln!(
            s,
            "  contact -> meeting       {:>12}   not judged: {beside}",
            "n/a"
        ),
        MeetingRate::NotMeasured => writeln!(s, "  contact -> meeting       not measured"),
    };
}

/// The scorecard run's summary: the ledger's accounting, then the five headline numbers.
pub fn scorecard_summary(
    ledger: &Ledger,
    metrics: &Metrics,
    written: &Written,
    tz: chrono_tz::Tz,
) -> String {
    let mut s = accounting(ledger, tz);
    let weeks = &metrics.trend.weeks;
    let (this, last) = (
        weeks.last(),
        weeks.len().checked_sub(2).and_then(|i| weeks.get(i)),
    );
    let _ = writeln!(
        s,
        "\n{} ({} to {})",
        metrics.period.label, metrics.period.first_day, metrics.period.last_day
    );
    if let Some(w) = this {
        let prev =
            |f: &dyn Fn(&crate::metrics::trend::Week) -> String| last.map_or("n/a".into(), f);
        let _ = writeln!(
            s,
            "  leads handed off         {:>12}   last week {}",
            w.handed_off,
            prev(&|p| p.handed_off.to_string())
        );
        let touch = metrics.sla.is_some();
        let sla = |w: &crate::metrics::trend::Week| {
            percent(w.sla_compliance.as_ref().and_then(|r| r.rate))
        };
        if touch {
            let _ = writeln!(
                s,
                "  SLA compliance           {:>12}   last week at the same point {}",
                sla(w),
                prev(&sla)
            );
            let _ = writeln!(
                s,
                "  median first response    {:>12}   last week at the same point {}  (business time)",
                minutes(w.median_business_response),
                prev(&|p| minutes(p.median_business_response))
            );
        } else {
            let _ = writeln!(s, "  SLA compliance           not measured");
            let _ = writeln!(s, "  median first response    not measured");
        }
        contact_to_meeting(&mut s, metrics, w, last);
        let l = &metrics.leakage;
        match &l.expected_not_measured {
            None => {
                let _ = writeln!(
                    s,
                    "  expected leakage         {:>12}   last week at the same point {}",
                    money(w.expected_leakage, &metrics.currency),
                    prev(&|p| money(p.expected_leakage, &metrics.currency))
                );
                let _ = writeln!(
                    s,
                    "    likely {} to {}; at most {} if every process loss were a sale",
                    money(l.overall.expected_low, &metrics.currency),
                    money(l.overall.expected_high, &metrics.currency),
                    money(l.overall.full_value_leakage, &metrics.currency)
                );
            }
            Some(why) => {
                let _ = writeln!(s, "  expected leakage         not measured: {why}");
            }
        }
        if let Some(sla) = &metrics.sla {
            let _ = writeln!(
                s,
                "  untouched past due       {:>12}   waiting, not yet due: {}",
                sla.never_touched, sla.waiting
            );
        }
    }
    s + &unmeasured(metrics) + &files(written)
}

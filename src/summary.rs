//! The short summary printed at the end of a run: the accounting per file
//! (rows read = used + rejected), what the joins did, and where files went.

use std::fmt::Write as _;

use crate::pipeline::{Ledger, Written};
use crate::report::csv::local_iso_text;

/// The ledger run's summary as text.
pub fn ledger_summary(ledger: &Ledger, written: &Written, tz: chrono_tz::Tz) -> String {
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
        let _ = writeln!(
            s,
            "{:<8} {:>9} {:>9} {:>9}  {} ({}, {})",
            f.input, f.rows_read, f.rows_used, f.rows_rejected, f.file, f.encoding, f.delimiter
        );
        for (column, n) in &f.unusable_values {
            let _ = writeln!(
                s,
                "{:<8} {n} {column} value(s) kept as empty: not usable",
                ""
            );
        }
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
    let rejected: usize = ledger.files.iter().map(|f| f.rows_rejected).sum();
    if rejected > 0 {
        let _ = writeln!(
            s,
            "\n{rejected} row(s) rejected: see rejects.csv for file, line, column, value and reason"
        );
    }
    let _ = writeln!(s, "\nwrote:");
    for p in &written.paths {
        let _ = writeln!(s, "  {}", p.display());
    }
    s
}

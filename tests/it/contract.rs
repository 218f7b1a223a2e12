//! Version 2 of the data contract, end to end on small hand-made exports.
//! Calendar: Mon-Fri 09:00-18:00 Asia/Kolkata, every tier due in 15 business
//! minutes; as-of Wednesday 2026-11-18 12:00. Every expected value is worked
//! by hand in the comments.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::support::*;

const CONFIG: &str = r#"
[business]
name = "Contract Co"

[calendar]
time_zone = "Asia/Kolkata"

[calendar.hours]
mon = "09:00-18:00"
tue = "09:00-18:00"
wed = "09:00-18:00"
thu = "09:00-18:00"
fri = "09:00-18:00"
sat = "closed"
sun = "closed"

[sla.high]
due = "15m"
[sla.medium]
due = "15m"
[sla.low]
due = "15m"
"#;

/// Leads, each a case of the contract (see the module's tests).
const LEADS: &str = "\
lead_id,created_at,first_contact_at,assigned_at,qualified_at,meeting_at,won_at,status,owner,deal_value
B1,2026-11-12 10:00,,,2026-11-12 10:10,,,,Asha,
B2,2026-11-12 10:00,,,,2026-11-12 12:00,,,Asha,
W1,2026-11-18 11:55,,,,,,,Ravi,
U1,2026-11-17 10:00,,,,,,,Ravi,
D1,2026-11-12 10:00,,,,,,won,Asha,
D2,2026-11-12 10:00,2026-11-12 10:05,,,,2026-11-10 10:00,won,Asha,
R1,2026-11-17 10:00,2026-11-17 10:40,2026-11-17 10:30,,,,,Ravi,
R2,2026-11-17 10:00,2026-11-17 10:05,2026-11-17 09:00,,,,,Ravi,
";

const DEALS: &str = "\
deal_id,lead_id,created_at,stage,amount,closed_at
X1,D2,2026-11-11 10:00,won,500000,2026-11-15 10:00
";

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

type Row = BTreeMap<String, String>;

fn num(row: &Row, key: &str) -> f64 {
    row[key]
        .parse()
        .unwrap_or_else(|_| panic!("{key} = {:?} is not a number", row[key]))
}

fn ledger_of(leads: &str, deals: Option<&str>) -> BTreeMap<String, Row> {
    let data = tempfile::tempdir().unwrap();
    write(data.path(), "leads.csv", leads);
    write(data.path(), "handoff.toml", CONFIG);
    if let Some(d) = deals {
        write(data.path(), "deals.csv", d);
    }
    let out = tempfile::tempdir().unwrap();
    ledger_at(data.path(), "2026-11-18T12:00", out.path(), &[]);
    by_lead(read_csv(&out.path().join("ledger.csv")))
}

#[test]
fn a_later_stage_bounds_the_first_touch_met_or_unknown() {
    let l = ledger_of(LEADS, Some(DEALS));
    // B1: no touch time; qualified 10:10, before the 10:15 due time: met through the bound.
    let b1 = &l["B1"];
    assert_eq!(b1["touch_bound_at"], "2026-11-12T10:10:00+05:30");
    assert_eq!(b1["sla_status"], "met");
    assert_eq!(b1["never_touched"], "false");
    assert_eq!(b1["response_min"], "", "no touch time, no response time");
    // B2: meeting at 12:00, after the due time: touched, but when is unknown.
    let b2 = &l["B2"];
    assert_eq!(b2["sla_status"], "unknown");
    assert_eq!(b2["never_touched"], "false");
    assert_eq!(b2["process_loss"], "false");
    assert_eq!(b2["sla_delay_business_min"], "");
}

#[test]
fn untouched_leads_wait_until_due_and_are_lost_only_after() {
    let l = ledger_of(LEADS, Some(DEALS));
    // W1: captured 11:55, due 12:10, as-of 12:00: waiting, not a loss.
    let w1 = &l["W1"];
    assert_eq!(w1["sla_status"], "not_due");
    assert_eq!(w1["never_touched"], "true");
    assert_eq!(w1["process_loss"], "false");
    // U1: captured Tue 10:00, due 10:15, untouched at Wed 12:00: breached, a process loss.
    let u1 = &l["U1"];
    assert_eq!(u1["sla_status"], "breached");
    assert_eq!(u1["process_loss"], "true");
    // Business minutes 10:15 Tue -> 12:00 Wed = 7 h 45 + 3 h = 645.
    assert_eq!(num(u1, "sla_delay_business_min"), 645.0);
}

#[test]
fn a_won_status_without_a_date_is_an_undated_win() {
    let l = ledger_of(LEADS, Some(DEALS));
    let d1 = &l["D1"];
    assert_eq!(d1["is_won"], "true");
    assert_eq!(d1["won_undated"], "true");
    assert_eq!(d1["won_at"], "");
    assert_eq!(d1["status_at_as_of"], "won");
    assert_eq!(d1["reached_won"], "true");
    assert_eq!(d1["reached_meeting"], "true", "a win reaches every stage");
    // Touched (it was won) at an unknown time.
    assert_eq!(d1["sla_status"], "unknown");
}

#[test]
fn a_won_deal_sets_won_at_over_the_leads_earlier_one() {
    let l = ledger_of(LEADS, Some(DEALS));
    // D2's row says won 10 Nov; its deal closed won 15 Nov: deals are the source of truth.
    let d2 = &l["D2"];
    assert_eq!(d2["won_at"], "2026-11-15T10:00:00+05:30");
    assert_eq!(d2["won_undated"], "false");
    assert_eq!(num(d2, "deal_value"), 500000.0);
}

#[test]
fn routing_lag_and_rep_response_with_assignment_after_and_before_capture() {
    let l = ledger_of(LEADS, Some(DEALS));
    // R1: assigned 30 business minutes after capture, touched 10 after assignment.
    assert_eq!(num(&l["R1"], "assignment_lag_business_min"), 30.0);
    assert_eq!(num(&l["R1"], "rep_response_business_min"), 10.0);
    assert_eq!(num(&l["R1"], "business_response_min"), 40.0);
    // R2: assigned before capture: no routing lag; the rep's clock starts at capture.
    assert_eq!(num(&l["R2"], "assignment_lag_business_min"), 0.0);
    assert_eq!(num(&l["R2"], "rep_response_business_min"), 5.0);
    // No assignment time: no routing lag; the rep's clock starts at capture.
    assert_eq!(l["B1"]["assignment_lag_business_min"], "");
}

/// Leads with stages but no first-touch column, and no call log.
const NO_TOUCH: &str = "\
lead_id,created_at,qualified_at,meeting_at,status,owner,lost_reason
N1,2026-11-16 10:00,2026-11-16 10:10,,,Asha,
N2,2026-11-16 11:00,,2026-11-17 12:00,,Asha,
N3,2026-11-16 12:00,,,,Ravi,
N4,2026-11-17 10:00,,,lost,Ravi,not reachable
N5,2026-11-17 11:00,,,,Ravi,
";

fn scorecard_of(leads: &str) -> (Value, String, String, tempfile::TempDir) {
    let data = tempfile::tempdir().unwrap();
    write(data.path(), "leads.csv", leads);
    write(data.path(), "handoff.toml", CONFIG);
    let out = tempfile::tempdir().unwrap();
    let o = handoff(&[
        "scorecard",
        "--data",
        data.path().to_str().unwrap(),
        "--week",
        "2026-W47",
        "--as-of",
        "2026-11-18T12:00",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let json = std::fs::read_to_string(out.path().join("metrics.json")).unwrap();
    let html = std::fs::read_to_string(out.path().join("scorecard.html")).unwrap();
    (serde_json::from_str(&json).unwrap(), html, stdout(&o), out)
}

#[test]
fn without_a_touch_source_response_and_sla_are_not_measured() {
    let (m, html, terminal, out) = scorecard_of(NO_TOUCH);
    // metrics.json: null sections, each listed with the reason and the fix.
    assert_eq!(m["response"], Value::Null);
    assert_eq!(m["sla"], Value::Null);
    assert_eq!(m["speed_to_lead"], Value::Null);
    let missing: Vec<&Value> = m["not_measured"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["figure"] == "sla")
        .collect();
    assert_eq!(missing.len(), 1);
    assert_eq!(
        missing[0]["reason"],
        "the leads file has no first_contact_at column; no calls file was given; no history file was given"
    );
    assert!(missing[0]["fix"].as_str().unwrap().contains("--calls"));
    let week = m["trend"]["weeks"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(week["sla_compliance"], Value::Null);
    // Untouched leads are not counted as losses: only N4 (lost, unreachable) is one.
    assert_eq!(m["leakage"]["overall"]["process_losses"], 1);
    assert_eq!(m["leakage"]["overall"]["untouched_past_due"], Value::Null);
    // The scorecard says so, in place of the numbers, with the fix.
    assert!(
        html.contains("Not measured from these exports"),
        "no notice"
    );
    assert!(html.contains("response times, SLA compliance and untouched leads"));
    assert!(html.contains("not measured"));
    assert!(
        !html.contains("Never touched, past the due time"),
        "no untouched list"
    );
    // The terminal too.
    assert!(
        terminal.contains("SLA compliance           not measured"),
        "{terminal}"
    );
    assert!(
        terminal.contains("not measured: response times"),
        "{terminal}"
    );
    // No lead in the never-touched list; the ledger says why per lead.
    assert!(read_csv(&out.path().join("never_touched.csv")).is_empty());
    let l = by_lead(read_csv(&out.path().join("ledger.csv")));
    assert_eq!(
        l["N1"]["sla_status"], "met",
        "qualified before the due time"
    );
    assert_eq!(l["N2"]["sla_status"], "unknown");
    assert_eq!(l["N3"]["sla_status"], "not_measured");
    assert_eq!(l["N3"]["never_touched"], "");
    assert_eq!(l["N3"]["process_loss"], "false");
}

#[test]
fn an_empty_column_is_not_measured_with_its_count() {
    let leads = NO_TOUCH.replace(
        "lead_id,created_at,",
        "lead_id,first_contact_at,created_at,",
    );
    let leads: String = leads
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                format!("{l}\n")
            } else {
                // An empty first_contact_at in every row.
                let (id, rest) = l.split_once(',').unwrap();
                format!("{id},,{rest}\n")
            }
        })
        .collect();
    let (m, _, _, _) = scorecard_of(&leads);
    let sla = m["not_measured"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["figure"] == "sla")
        .unwrap()
        .clone();
    assert_eq!(
        sla["reason"],
        "first_contact_at in the leads file is empty in all 5 rows; no calls file was given; no history file was given"
    );
}

#[test]
fn inspect_says_what_a_file_cannot_measure() {
    let data = tempfile::tempdir().unwrap();
    write(data.path(), "leads.csv", NO_TOUCH);
    let o = handoff(&["inspect", data.path().join("leads.csv").to_str().unwrap()]);
    let out = stdout(&o);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        out.contains("cannot measure: response times, SLA compliance and untouched leads (the leads file has no first_contact_at column"),
        "{out}"
    );
    assert!(
        out.contains("cannot measure: routing lag and rep response"),
        "{out}"
    );
    assert!(
        !out.contains("cannot measure: the qualified stage"),
        "qualified_at is there: {out}"
    );
}

#[test]
fn a_callrail_api_page_reads_as_the_call_log() {
    // CallRail's API v3 calls.json: an object whose "calls" field holds the
    // records; start_time carries its offset (fixture made from the
    // documented field names, no real person's data).
    let data = tempfile::tempdir().unwrap();
    write(
        data.path(),
        "leads.csv",
        "lead_id,created_at,phone\nL1,2026-11-12 10:00,9876543210\n",
    );
    write(data.path(), "handoff.toml", CONFIG);
    let calls = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/presets/callrail-api-calls.json");
    let out = tempfile::tempdir().unwrap();
    let o = ledger_at(
        data.path(),
        "2026-11-18T12:00",
        out.path(),
        &["--calls", calls.to_str().unwrap()],
    );
    let summary = stdout(&o);
    assert!(
        summary.contains("JSON, the records under \"calls\""),
        "{summary}"
    );
    let l = by_lead(read_csv(&out.path().join("ledger.csv")));
    // The outbound call at 10:03 is L1's first touch: 3 business minutes.
    assert_eq!(l["L1"]["first_touch_at"], "2026-11-12T10:03:00+05:30");
    assert_eq!(l["L1"]["calls_total"], "2");
    assert_eq!(l["L1"]["inbound_calls"], "1");
}

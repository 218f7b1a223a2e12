//! The enriched lead ledger on the hand-made fixture (`tests/fixtures/handoff`).
//! Calendar: Mon-Fri 09:00-18:00 Asia/Kolkata; Monday 2026-11-16 is a holiday;
//! as-of Wednesday 2026-11-18 12:00. Every expected value below is worked by hand.

use std::collections::BTreeMap;

use crate::support::*;

type Row = BTreeMap<String, String>;

fn ledger() -> BTreeMap<String, Row> {
    let dir = tempfile::tempdir().unwrap();
    fixture_ledger(dir.path());
    by_lead(read_csv(&dir.path().join("ledger.csv")))
}

fn f(row: &Row, key: &str) -> f64 {
    row[key]
        .parse()
        .unwrap_or_else(|_| panic!("{key} = {:?} is not a number", row[key]))
}

#[test]
fn one_row_per_unique_lead() {
    let l = ledger();
    let ids: Vec<&str> = l.keys().map(String::as_str).collect();
    assert_eq!(ids, ["L1", "L2", "L3", "L4", "L5", "L6", "L7", "L8"]);
}

#[test]
fn form_before_crm_starts_the_clock() {
    let l = ledger();
    let r = &l["L1"];
    // F1 at 09:50 IST (04:20Z); the CRM record at 10:00; first contact 10:03.
    assert_eq!(r["captured_at"], "2026-11-12T09:50:00+05:30");
    assert_eq!(r["captured_by_form"], "true");
    assert_eq!(f(r, "handoff_lag_min"), 10.0);
    assert_eq!(f(r, "response_min"), 13.0);
    assert_eq!(f(r, "business_response_min"), 13.0);
    // High tier: 5 business minutes -> due 09:55; touched 10:03 -> breached by 8.
    assert_eq!(r["sla_tier"], "high");
    assert_eq!(r["sla_due_at"], "2026-11-12T09:55:00+05:30");
    assert_eq!(r["sla_status"], "breached");
    assert_eq!(f(r, "sla_delay_business_min"), 8.0);
    assert_eq!(
        r["escalated"], "false",
        "8 minutes late is under the 10-minute escalation"
    );
    assert_eq!(r["after_hours"], "false");
}

#[test]
fn email_matches_across_case_and_spaces() {
    let l = ledger();
    // F1 has " Asha@Example.COM " and matches L1's asha@example.com.
    assert_eq!(l["L1"]["matched_forms"], "1");
    assert_eq!(l["L1"]["email"], "asha@example.com");
}

#[test]
fn after_hours_lead_waits_for_the_next_business_day_across_a_holiday() {
    let l = ledger();
    let r = &l["L2"];
    // Captured Friday 18:30 (after the 18:00 close); touched Tuesday 09:10; Monday a holiday.
    assert_eq!(r["after_hours"], "true");
    assert_eq!(r["first_touch_at"], "2026-11-17T09:10:00+05:30");
    // Wall clock: Fri 18:30 -> Tue 09:10 = 4 days - 9 h 20 min = 5200 minutes.
    assert_eq!(f(r, "response_min"), 5200.0);
    assert_eq!(f(r, "business_response_min"), 10.0);
    // Medium tier: 15 business minutes from the next opening -> Tue 09:15: met.
    assert_eq!(r["sla_due_at"], "2026-11-17T09:15:00+05:30");
    assert_eq!(r["sla_status"], "met");
}

#[test]
fn a_call_before_capture_is_not_a_touch() {
    let l = ledger();
    let r = &l["L2"];
    // C1 (outbound Fri 17:00, by phone) precedes the 18:30 capture: counted as a call, not a touch or attempt.
    assert_eq!(r["calls_total"], "3");
    assert_eq!(r["inbound_calls"], "1");
    assert_eq!(r["attempts"], "0");
    assert_ne!(r["first_touch_at"], "2026-11-13T17:00:00+05:30");
}

#[test]
fn untouched_low_intent_lead_breaches_at_end_of_day() {
    let l = ledger();
    let r = &l["L3"];
    assert_eq!(r["sla_tier"], "low");
    assert_eq!(r["sla_due_at"], "2026-11-17T18:00:00+05:30");
    assert_eq!(r["sla_status"], "breached");
    // Wednesday 09:00 -> 12:00 as-of: 180 business minutes late.
    assert_eq!(f(r, "sla_delay_business_min"), 180.0);
    assert_eq!(r["escalated"], "true", "past the low tier's 60 minutes");
    assert_eq!(r["reassign_candidate"], "false", "not yet the 240 minutes");
    assert_eq!(r["never_touched"], "true");
    assert_eq!(r["response_min"], "");
}

#[test]
fn a_lead_due_exactly_at_as_of_is_not_yet_due() {
    let l = ledger();
    assert_eq!(l["L4"]["sla_due_at"], "2026-11-18T12:00:00+05:30");
    assert_eq!(l["L4"]["sla_status"], "not_due");
}

#[test]
fn phones_in_four_styles_are_one_number() {
    let l = ledger();
    let r = &l["L5"];
    // Lead phone "098765 43210"; calls "+91-98765-43210", "9876543210", "91 98765 43210".
    assert_eq!(
        r["phone"], "'+919876543210",
        "E.164, with the spreadsheet-formula guard"
    );
    assert_eq!(r["attempts"], "3");
    assert_eq!(r["first_touch_at"], "2026-11-12T11:05:00+05:30");
    assert_eq!(f(r, "business_response_min"), 5.0);
    assert_eq!(r["sla_status"], "met");
}

#[test]
fn duplicate_lead_ids_keep_the_latest_update() {
    let l = ledger();
    let r = &l["L5"];
    // Three rows: updated 11-14 (new), updated 11-15 (lost), no update (won). The 11-15 row wins.
    assert_eq!(r["duplicate_rows"], "2");
    assert_eq!(r["status_given"], "lost");
    assert_eq!(r["status_at_as_of"], "lost");
    assert_eq!(
        r["lost_category"], "unreachable",
        "typo 'Not reachble' maps by edit distance"
    );
    assert_eq!(r["lost_class"], "process");
    assert_eq!(
        r["under_worked"], "true",
        "lost as unreachable after 3 attempts, minimum 5"
    );
}

#[test]
fn first_and_last_touch_attribution() {
    let l = ledger();
    let r = &l["L6"];
    // F6a (Oct 1, outside the 30-day capture window) is still the first touch.
    assert_eq!(r["first_touch_source"], "meta_ads");
    assert_eq!(r["first_touch_campaign"], "FB_Spring");
    // Last touch: the latest submission at or before qualification (F6b), not F6c after it.
    assert_eq!(r["last_touch_source"], "google_ads");
    assert_eq!(r["last_touch_campaign"], "GA_Brand_Search");
    // Capture: F6b at 09:58, in the window.
    assert_eq!(r["captured_at"], "2026-11-13T09:58:00+05:30");
    assert_eq!(r["matched_forms"], "3");
    // The CRM's own source stays beside the attribution.
    assert_eq!(r["source"], "google_ads");
    assert_eq!(r["campaign"], "GA_Brand");
}

#[test]
fn deals_fold_into_stages() {
    let l = ledger();
    let r = &l["L6"];
    // D1 (won, created Sat 15:00, closed Tue 16:00, ₹8,40,000) and D2 (lost).
    assert_eq!(r["deals"], "2");
    assert_eq!(r["meeting_at"], "2026-11-14T15:00:00+05:30");
    assert_eq!(r["won_at"], "2026-11-17T16:00:00+05:30");
    assert_eq!(f(r, "deal_value"), 840000.0);
    assert_eq!(r["status_at_as_of"], "won");
    for stage in [
        "captured",
        "contacted",
        "qualified",
        "meeting",
        "proposal",
        "won",
    ] {
        assert_eq!(r[&format!("reached_{stage}")], "true", "{stage}");
    }
    assert_eq!(
        r["reached_assigned"], "true",
        "won implies every earlier stage"
    );

    // D3 closes after as-of: the meeting happened, the win has not.
    let r = &l["L7"];
    assert_eq!(r["meeting_at"], "2026-11-15T12:00:00+05:30");
    assert_eq!(r["reached_meeting"], "true");
    assert_eq!(r["reached_won"], "false");
    assert_eq!(r["status_at_as_of"], "open");
    assert_eq!(f(r, "deal_value"), 150000.0);
}

#[test]
fn contact_before_capture_counts_as_zero_and_is_flagged() {
    let l = ledger();
    let r = &l["L8"];
    assert_eq!(r["touch_before_capture"], "true");
    assert_eq!(f(r, "response_min"), 0.0);
    assert_eq!(f(r, "business_response_min"), 0.0);
    assert_eq!(r["sla_status"], "met");
}

#[test]
fn orphans_are_inquiries_that_never_reached_the_crm() {
    let dir = tempfile::tempdir().unwrap();
    fixture_ledger(dir.path());
    let orphans = read_csv(&dir.path().join("orphans.csv"));
    let kinds: Vec<(String, String)> = orphans
        .iter()
        .map(|o| (o["kind"].clone(), o["detail"].clone()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (
                "form".to_string(),
                "no lead has this email or phone".to_string()
            ),
            ("form".to_string(), "no email or phone to match".to_string()),
            (
                "inbound call".to_string(),
                "no lead has this phone or lead_id".to_string()
            ),
        ]
    );
    assert_eq!(orphans[0]["email"], "nobody@example.org");
    assert_eq!(orphans[2]["phone"], "'+919000000000");
    assert_eq!(orphans[2]["at"], "2026-11-14T12:00:00+05:30");
    // C7 is the call log's line 8; a log without a channel column is calls.
    assert_eq!(orphans[2]["line"], "8");
    assert_eq!(orphans[2]["channel"], "call");
}

#[test]
fn each_way_of_matching_is_counted() {
    // Forms: F1's email (trimmed, lower-cased) is L1's: 1 by email. F6a-c
    // carry Farah's number in three spellings, no email: 3 by phone to L6.
    // F9's email and F10 (nothing to match) are orphans: 2.
    // Calls: C2 and C3 name L2: 2 by lead_id. C1 (Bala's number) and C4-C6
    // (Esha's, three spellings): 4 by phone. C7 is inbound from an unknown
    // number: 1 orphaned; C8 is outbound to one: 1 unmatched. C9's direction
    // is rejected, so it is not counted at all.
    let dir = tempfile::tempdir().unwrap();
    let o = fixture_ledger(dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("forms: 1 matched by email, 3 by phone, 2 orphaned"),
        "{text}"
    );
    assert!(
        text.contains(
            "calls: 2 matched by lead_id, 4 by phone, 1 inbound orphaned, 1 outbound unmatched"
        ),
        "{text}"
    );
}

#[test]
fn a_shared_phone_goes_to_the_nearest_lead_then_the_smallest_id() {
    // L9 (10:00) and L10 (12:00) share a phone; the form and the call at 11:00
    // are 60 minutes from both, so the smaller lead_id wins: "L10" < "L9" as
    // text, though L9 comes first in the file. A2 (10:30) and A1 (08:00) share
    // another phone; the form at 10:40 is nearer A2, so A2 wins over A1's id.
    let data = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixture().join("handoff.toml"),
        data.path().join("handoff.toml"),
    )
    .unwrap();
    let write = |name: &str, text: &str| std::fs::write(data.path().join(name), text).unwrap();
    write(
        "leads.csv",
        "lead_id,created_at,name,phone,source,owner\n\
         L9,2026-11-12 10:00,Nine,+91 90000 11111,organic,Priya\n\
         L10,2026-11-12 12:00,Ten,+91 90000 11111,organic,Priya\n\
         A2,2026-11-12 10:30,Two,+91 90000 22222,organic,Rohan\n\
         A1,2026-11-12 08:00,One,+91 90000 22222,organic,Rohan\n",
    );
    write(
        "forms.csv",
        "submitted_at,phone,utm_source\n\
         2026-11-12T11:00:00+05:30,9000011111,google_ads\n\
         2026-11-12T10:40:00+05:30,9000022222,meta_ads\n",
    );
    write(
        "calls.csv",
        "started_at,phone,direction\n2026-11-12 11:00,9000011111,outbound\n",
    );
    let out = tempfile::tempdir().unwrap();
    ledger_at(data.path(), "2026-11-18T12:00", out.path(), &[]);
    let l = by_lead(read_csv(&out.path().join("ledger.csv")));
    let forms: Vec<(&str, &str)> = ["L9", "L10", "A1", "A2"]
        .iter()
        .map(|id| (*id, l[*id]["matched_forms"].as_str()))
        .collect();
    assert_eq!(forms, [("L9", "0"), ("L10", "1"), ("A1", "0"), ("A2", "1")]);
    assert_eq!(l["L10"]["calls_total"], "1");
    assert_eq!(l["L9"]["calls_total"], "0");
    assert_eq!(l["A2"]["first_touch_source"], "meta_ads");
}

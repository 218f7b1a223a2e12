//! The scorecard on the hand-made fixture: week 2026-W46 (Mon 9 to Sun 15
//! November), seen at Wednesday 2026-11-18 12:00. The week's cohort is L1, L2,
//! L5, L6, L7, L8 (L3 and L4 were captured the week after). Every expected
//! figure is worked by hand from `tests/fixtures/handoff` and the ledger tests.

use serde_json::Value;

use crate::support::*;

fn metrics() -> (Value, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    scorecard_w46(&fixture(), dir.path(), &[]);
    let text = std::fs::read_to_string(dir.path().join("metrics.json")).unwrap();
    (serde_json::from_str(&text).unwrap(), dir)
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("{v} is not a number"))
}

#[test]
fn headline_figures_match_the_hand_count() {
    let (m, _dir) = metrics();
    assert_eq!(m["schema_version"], 2);
    assert_eq!(m["period"]["label"], "2026-W46");
    assert_eq!(m["as_of"], "2026-11-18T12:00:00+05:30");
    assert_eq!(m["accounting"]["balanced"], true);

    // Volume: six leads; L2 (Friday 18:30) the only one after hours.
    assert_eq!(m["volume"]["handed_off"], 6);
    assert_eq!(m["volume"]["after_hours"]["k"], 1);
    // First-touch sources: google_ads L1; meta_ads L5, L6 (F6a); organic L7; referral L2, L8.
    let sources: Vec<(String, u64)> = m["volume"]["by_source"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["segment"].as_str().unwrap().to_string(),
                c["leads"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        sources,
        [
            ("google_ads".into(), 1),
            ("meta_ads".into(), 2),
            ("organic".into(), 1),
            ("referral".into(), 2)
        ]
    );
    // Form-captured: L1 lag 10 min, L6 lag 2 min: median 6.
    assert_eq!(f(&m["volume"]["handoff_lag"]["median"]), 6.0);

    // Response: business minutes 13 (L1), 10 (L2), 5 (L5), 3 (L6), 30 (L7), 0 (L8): median 7.5.
    assert_eq!(f(&m["response"]["business"]["median"]), 7.5);
    assert_eq!(m["response"]["business"]["never"], 0);
    // Wall clock: L2 waited 5200 minutes over the weekend and holiday.
    assert_eq!(f(&m["response"]["wall"]["max"]), 5200.0);

    // SLA: met L2, L5, L6, L8; breached L1 (8 late), L7 (15 late): 4 of 6.
    let sla = &m["sla"];
    assert_eq!(
        (
            sla["overall"]["met"].as_u64(),
            sla["overall"]["breached"].as_u64()
        ),
        (Some(4), Some(2))
    );
    assert!((f(&sla["overall"]["compliance"]["rate"]) - 4.0 / 6.0).abs() < 1e-12);
    assert_eq!(sla["escalated"], 1, "only L7 is 10 or more minutes late");
    assert_eq!(
        sla["under_worked"], 1,
        "L5: lost unreachable after 3 attempts"
    );
    let breaches: Vec<&str> = sla["breaches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["lead_id"].as_str().unwrap())
        .collect();
    assert_eq!(breaches, ["L7", "L1"], "longest delay first");
    let rohan = sla["by_owner"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["segment"] == "Rohan")
        .unwrap();
    assert_eq!(
        (rohan["met"].as_u64(), rohan["breached"].as_u64()),
        (Some(2), Some(1))
    );

    // Stages: all six contacted; L6 and L7 reached a meeting; L6 won.
    let week = &m["stages"]["windows"][0];
    assert_eq!(week["name"], "week");
    let reached: Vec<u64> = week["overall"]["reached"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[1].as_u64().unwrap())
        .collect();
    assert_eq!(reached, [6, 6, 6, 2, 2, 1, 1]);
    assert_eq!(
        (
            week["overall"]["contact_to_meeting"]["k"].as_u64(),
            week["overall"]["contact_to_meeting"]["n"].as_u64()
        ),
        (Some(2), Some(6))
    );

    // Leakage: average deal = L6's 8,40,000 (won 17 Nov, within 90 days);
    // process losses: L5 only (lost unreachable) -> full value 1 x 8,40,000.
    // The worked win rate's window (captured 21 Jul 12:00 to 19 Oct 12:00) holds no lead,
    // so the expected leakage is not measured, and says why.
    let l = &m["leakage"];
    assert_eq!(f(&l["average_deal"]), 840_000.0);
    assert_eq!(l["overall"]["process_losses"], 1);
    assert_eq!(l["overall"]["lost_process"], 1);
    assert_eq!(l["overall"]["untouched_past_due"], 0);
    assert_eq!(f(&l["overall"]["full_value_leakage"]), 840_000.0);
    assert_eq!(l["worked_win_rate"]["rate"]["n"], 0);
    assert_eq!(l["worked_win_rate"]["first_day"], "2026-07-21");
    assert_eq!(l["overall"]["expected_leakage"], Value::Null);
    assert!(
        l["expected_not_measured"]
            .as_str()
            .unwrap()
            .contains("no lead captured 2026-07-21 to 2026-10-19 met its SLA"),
        "{}",
        l["expected_not_measured"]
    );
    assert_eq!(f(&l["overall"]["total_lost_value"]), 840_000.0);

    // Review: meetings / leads by source are google_ads 0/1, meta_ads 1/2 (L6), organic 1/1 (L7),
    // referral 0/2; ranked by the Wilson floor (1/1: 21%, 1/2: 9%) organic wins.
    let answers = m["review"]["answers"].as_array().unwrap();
    let a = |i: usize| answers[i]["answer"].as_str().unwrap().to_string();
    assert!(
        a(0).starts_with(
            "organic: 1 qualified meeting from 1 lead (100%, 95% interval 21% to 100%)"
        ),
        "{}",
        a(0)
    );
    assert!(
        a(1).starts_with(
            "2 of 6 leads with a known first-response time breached the SLA (compliance 67%). By owner: Priya 1, Rohan 1."
        ),
        "{}",
        a(1)
    );
    // Process losses: only L5 (meta_ads), and under-worked is its largest cause.
    assert!(
        a(4).starts_with("Start with meta_ads: 1 process loss ("),
        "{}",
        a(4)
    );
    assert!(
        a(4).contains(
            "minimum attempts before closing a lead as unreachable: 1 was closed with fewer"
        ),
        "{}",
        a(4)
    );

    // Trend: nine weeks, this one last with its six leads, the one before empty.
    let weeks = m["trend"]["weeks"].as_array().unwrap();
    assert_eq!(weeks.len(), 9);
    assert_eq!(weeks[8]["handed_off"], 6);
    assert_eq!(weeks[7]["handed_off"], 0);
}

#[test]
fn action_lists_hold_the_weeks_leads_with_owners() {
    let (_, dir) = metrics();
    let breaches = read_csv(&dir.path().join("sla_breaches.csv"));
    let ids: Vec<&str> = breaches.iter().map(|r| r["lead_id"].as_str()).collect();
    assert_eq!(ids, ["L7", "L1"]);
    assert_eq!(breaches[0]["owner"], "Rohan");
    let under = read_csv(&dir.path().join("under_worked.csv"));
    assert_eq!(under.len(), 1);
    assert_eq!(under[0]["lead_id"], "L5");
    assert!(read_csv(&dir.path().join("never_touched.csv")).is_empty());
}

#[test]
fn as_of_defaults_to_the_end_of_the_period_and_output_is_stable() {
    let data = fixture();
    let run = |out: &std::path::Path| {
        let o = handoff(&[
            "scorecard",
            "--data",
            data.to_str().unwrap(),
            "--week",
            "2026-W46",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let summary = run(a.path());
    run(b.path());
    assert!(
        summary.contains("as of 2026-11-16T00:00:00+05:30 (end of the period)"),
        "{summary}"
    );
    for name in ["metrics.json", "ledger.csv", "sla_breaches.csv"] {
        assert_eq!(
            std::fs::read(a.path().join(name)).unwrap(),
            std::fs::read(b.path().join(name)).unwrap(),
            "{name} differs between runs"
        );
    }
}

#[test]
fn a_week_with_no_leads_is_reported_not_failed() {
    let dir = tempfile::tempdir().unwrap();
    let data = fixture();
    let o = handoff(&[
        "scorecard",
        "--data",
        data.to_str().unwrap(),
        "--week",
        "2026-W30",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let m: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("metrics.json")).unwrap())
            .unwrap();
    assert_eq!(m["volume"]["handed_off"], 0);
    assert_eq!(m["sla"]["overall"]["compliance"]["rate"], Value::Null);
    assert!(stdout(&o).contains("leads handed off"), "{}", stdout(&o));
}

#[test]
fn the_scorecard_ledger_holds_the_weeks_leads_unless_asked_for_all() {
    // The week's cohort is L1, L2, L5, L6, L7, L8; L3 and L4 came the week
    // after, and no proposal is stale.
    let (_, dir) = metrics();
    let ids: Vec<String> = read_csv(&dir.path().join("ledger.csv"))
        .into_iter()
        .map(|r| r["lead_id"].clone())
        .collect();
    assert_eq!(ids, ["L1", "L2", "L5", "L6", "L7", "L8"]);
    let out = tempfile::tempdir().unwrap();
    scorecard_w46(&fixture(), out.path(), &["--full-ledger"]);
    assert_eq!(read_csv(&out.path().join("ledger.csv")).len(), 8);
}

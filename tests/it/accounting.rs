//! Rows read = rows used + rows rejected, per file, printed and written to rejects.csv.

use crate::support::*;

/// The accounting table's row for an input: (read, used, rejected).
fn counts(summary: &str, input: &str) -> (usize, usize, usize) {
    let line = summary
        .lines()
        .find(|l| l.split_whitespace().next() == Some(input))
        .unwrap_or_else(|| panic!("no accounting line for {input} in:\n{summary}"));
    let n: Vec<usize> = line
        .split_whitespace()
        .skip(1)
        .take(3)
        .map(|x| x.parse().unwrap())
        .collect();
    (n[0], n[1], n[2])
}

#[test]
fn every_row_is_used_or_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let out = fixture_ledger(dir.path());
    let summary = stdout(&out);
    let expected = [
        ("leads", (12, 10, 2)),
        ("deals", (5, 4, 1)),
        ("forms", (6, 6, 0)),
        ("calls", (9, 8, 1)),
    ];
    for (input, want) in expected {
        let got = counts(&summary, input);
        assert_eq!(got, want, "{input}");
        assert_eq!(got.0, got.1 + got.2, "{input}: read = used + rejected");
    }
    assert!(summary.contains("4 row(s) rejected"), "{summary}");
}

#[test]
fn rejects_name_file_line_column_value_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    fixture_ledger(dir.path());
    let rejects = read_csv(&dir.path().join("rejects.csv"));
    let got: Vec<(String, String, String, String)> = rejects
        .iter()
        .map(|r| {
            (
                r["input"].clone(),
                r["line"].clone(),
                r["column"].clone(),
                r["value"].clone(),
            )
        })
        .collect();
    let want = [
        (
            "leads",
            "12",
            "Create Date (created_at)",
            "2024/12/32 10:00",
        ),
        ("leads", "13", "Lead ID (lead_id)", ""),
        ("deals", "6", "Amount (amount)", "₹ abc"),
        ("calls", "10", "Call Type (direction)", "Sideways"),
    ];
    let want: Vec<(String, String, String, String)> = want
        .iter()
        .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string()))
        .collect();
    assert_eq!(got, want);
    assert!(
        rejects[0]["reason"].contains("impossible date"),
        "{}",
        rejects[0]["reason"]
    );
    assert!(rejects[1]["reason"].contains("required value `lead_id` is empty"));
    assert!(rejects[2]["reason"].contains("not an amount of money"));
    assert!(rejects[3]["reason"].contains("inbound or outbound"));
    assert!(rejects.iter().all(|r| r["file"].ends_with(".csv")));
}

#[test]
fn a_call_with_neither_phone_nor_lead_id_is_rejected_with_the_phone_shown() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n).to_str().unwrap().to_string();
    std::fs::write(
        p("leads.csv"),
        "lead_id,created_at,phone\nL1,2026-11-12 10:00,9876543210\n",
    )
    .unwrap();
    std::fs::write(
        p("calls.csv"),
        "started_at,direction,phone,lead_id\n2026-11-12 10:05,outbound,rahul@example.com,\n2026-11-12 10:06,outbound,,\n2026-11-12 10:07,outbound,09876543210,\n",
    )
    .unwrap();
    let o = handoff(&[
        "ledger",
        "--leads",
        &p("leads.csv"),
        "--calls",
        &p("calls.csv"),
        "--out",
        &p("out"),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(counts(&stdout(&o), "calls"), (3, 1, 2));
    let rejects = read_csv(&dir.path().join("out/rejects.csv"));
    assert_eq!(rejects.len(), 2);
    assert_eq!(rejects[0]["column"], "phone (phone)");
    assert_eq!(rejects[0]["value"], "rahul@example.com");
    assert!(
        rejects[0]["reason"].contains("not a phone number"),
        "{}",
        rejects[0]["reason"]
    );
    assert!(
        rejects[1]["reason"].contains("neither"),
        "{}",
        rejects[1]["reason"]
    );
    let ledger = read_csv(&dir.path().join("out/ledger.csv"));
    assert_eq!(ledger[0]["attempts"], "1");
}

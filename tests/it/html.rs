//! scorecard.html: self-contained, escaped, and sensible on an empty week.

use std::fs;

use crate::support::*;

fn page(dir: &std::path::Path, data: &std::path::Path, week: &str) -> String {
    let o = handoff(&[
        "scorecard",
        "--data",
        data.to_str().unwrap(),
        "--week",
        week,
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    fs::read_to_string(dir.join("scorecard.html")).unwrap()
}

#[test]
fn input_text_is_escaped_everywhere_including_chart_labels() {
    let data = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    // Payloads in a name, a campaign and a source: sources also label a chart.
    fs::write(
        data.path().join("leads.csv"),
        "lead_id,created_at,name,campaign,source,lost_at,status,lost_reason\n\
         L1,2026-11-10 10:00,<script>alert(1)</script>,\"\"\"><svg onload=alert(2)>\",<img src=x onerror=alert(3)>,2026-11-11 10:00,lost,not reachable\n\
         L2,2026-11-10 11:00,Asha,javascript:alert(4),organic,,,\n",
    )
    .unwrap();
    let html = page(out.path(), data.path(), "2026-W46");
    for raw in [
        "<script>alert(1)",
        "<svg onload",
        "<img src=x",
        "onerror=alert(3)>",
    ] {
        assert!(!html.contains(raw), "unescaped {raw:?} in the page");
    }
    assert!(
        html.contains("&lt;img src=x onerror=alert(3)&gt;") || html.contains("&lt;img src&#x3D;x"),
        "the source is shown, escaped"
    );
    assert!(!html.contains("<script"), "no script element at all");
    assert!(!html.contains("href=\"javascript"), "no javascript: link");
}

#[test]
fn the_page_is_self_contained() {
    let out = tempfile::tempdir().unwrap();
    let html = page(out.path(), &fixture(), "2026-W46");
    assert!(html.starts_with("<!DOCTYPE html>"));
    for needle in ["<link", "<script", "src=\"http", "@import", "url(http"] {
        assert!(!html.contains(needle), "the page loads something: {needle}");
    }
    assert!(html.matches("<svg").count() >= 3, "the charts are inline");
    // The five review questions and the five headline numbers are there.
    assert_eq!(
        html.matches("<div class=\"card ").count(),
        5,
        "five headline cards"
    );
}

#[test]
fn an_empty_week_says_so_instead_of_drawing_empty_axes() {
    let out = tempfile::tempdir().unwrap();
    let html = page(out.path(), &fixture(), "2026-W30");
    assert!(html.contains("No leads in this period"));
    assert!(!html.contains("<svg"), "no empty charts");
}

#[test]
fn the_page_is_byte_identical_across_runs() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    assert_eq!(
        page(a.path(), &fixture(), "2026-W46"),
        page(b.path(), &fixture(), "2026-W46")
    );
}

/// The fixture's W46 scorecard, reviewed by eye in Chromium and kept as
/// `tests/golden/scorecard-fixture-2026-W46.html`. After a deliberate change,
/// regenerate with `UPDATE_GOLDEN=1 cargo test --test it golden`, look at the
/// new page, and commit it with the change.
#[test]
fn golden_scorecard_of_the_fixture() {
    let out = tempfile::tempdir().unwrap();
    let o = handoff(&[
        "scorecard",
        "--data",
        fixture().to_str().unwrap(),
        "--week",
        "2026-W46",
        "--as-of",
        "2026-11-18T12:00",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let got = fs::read_to_string(out.path().join("scorecard.html")).unwrap();
    let golden = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden/scorecard-fixture-2026-W46.html");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        fs::write(&golden, &got).unwrap();
    }
    let want = fs::read_to_string(&golden)
        .expect("the golden file exists; create it with UPDATE_GOLDEN=1");
    if got != want {
        let line = got
            .lines()
            .zip(want.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        panic!(
            "scorecard.html differs from the golden file from line {}:\n got: {}\nwant: {}",
            line + 1,
            got.lines().nth(line).unwrap_or(""),
            want.lines().nth(line).unwrap_or("")
        );
    }
}

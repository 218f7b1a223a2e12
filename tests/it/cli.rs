//! What a person sees: help, errors that say how to fix them, exit codes.

use std::fs;

use crate::support::*;

fn write(dir: &std::path::Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    fs::write(&p, bytes).unwrap();
    p.to_str().unwrap().to_string()
}

fn run_leads(dir: &std::path::Path, leads: &str, extra: &[&str]) -> std::process::Output {
    let out = dir.join("out");
    let mut args = vec!["ledger", "--leads", leads, "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    handoff(&args)
}

#[test]
fn help_documents_exit_codes_and_every_input() {
    let o = handoff(&["ledger", "--help"]);
    assert!(o.status.success());
    let text = stdout(&o);
    for needle in [
        "--leads",
        "--deals",
        "--forms",
        "--calls",
        "--spend",
        "--config",
        "--as-of",
        "--encoding",
        "--out",
        "Exit codes",
        "rejects.csv",
    ] {
        assert!(text.contains(needle), "help lacks {needle}:\n{text}");
    }
}

#[test]
fn missing_required_column_names_file_column_and_closest_header() {
    let dir = tempfile::tempdir().unwrap();
    let leads = write(
        dir.path(),
        "leads.csv",
        b"Lead ID,Created On,Name\nL1,2026-11-12 10:00,A\n",
    );
    let o = run_leads(dir.path(), &leads, &[]);
    assert_eq!(o.status.code(), Some(4));
    let err = stderr(&o);
    assert!(err.contains("leads.csv"), "{err}");
    assert!(err.contains("`created_at` is missing"), "{err}");
    assert!(
        err.contains("closest header present is `Created On`"),
        "{err}"
    );
    assert!(err.contains("\"Created On\" = \"created_at\""), "{err}");
}

#[test]
fn config_errors_name_the_key_and_line_before_reading_data() {
    let dir = tempfile::tempdir().unwrap();
    // The leads file does not exist: a config error must come first.
    let config = write(
        dir.path(),
        "handoff.toml",
        b"[calendar]\ntime_zone = \"Asia/Kolkatta\"\n",
    );
    let leads = write(
        dir.path(),
        "leads.csv",
        b"lead_id,created_at\nL1,2026-11-12 10:00\n",
    );
    let o = run_leads(dir.path(), &leads, &["--config", &config]);
    assert_eq!(o.status.code(), Some(3));
    let err = stderr(&o);
    assert!(
        err.contains("line 2") && err.contains("Asia/Kolkatta"),
        "{err}"
    );

    let config = write(dir.path(), "handoff.toml", b"[sla]\nhigh_due = \"5m\"\n");
    let o = run_leads(dir.path(), &leads, &["--config", &config]);
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("high_due"), "{}", stderr(&o));
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let o = handoff(&["ledger", "--out", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no leads file"), "{}", stderr(&o));
    let leads = write(
        dir.path(),
        "leads.csv",
        b"lead_id,created_at\nL1,2026-11-12 10:00\n",
    );
    let o = run_leads(dir.path(), &leads, &["--as-of", "yesterday"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--as-of"), "{}", stderr(&o));
}

#[test]
fn a_pdf_renamed_csv_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let leads = write(dir.path(), "leads.csv", b"%PDF-1.7\n%binary\x00\x01\x02");
    let o = run_leads(dir.path(), &leads, &[]);
    assert_eq!(o.status.code(), Some(4));
    assert!(stderr(&o).contains("PDF"), "{}", stderr(&o));
}

#[test]
fn semicolons_windows_1252_and_utf16_are_read() {
    let dir = tempfile::tempdir().unwrap();
    // Windows-1252: "José" with é as 0xE9, semicolon-delimited.
    let leads = write(
        dir.path(),
        "leads.csv",
        b"lead_id;created_at;name\nL1;2026-11-12 10:00;Jos\xe9\n",
    );
    let o = run_leads(dir.path(), &leads, &["--as-of", "2026-11-13"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("windows-1252, semicolon"),
        "{}",
        stdout(&o)
    );
    let rows = read_csv(&dir.path().join("out/ledger.csv"));
    assert_eq!(rows[0]["name"], "José");

    // UTF-16 LE with a byte-order mark, tab-delimited (how Meta downloads often come).
    let text = "lead_id\tcreated_at\tname\nL2\t2026-11-12T10:00:00+05:30\tAsha\n";
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let leads = write(dir.path(), "leads16.csv", &bytes);
    let o = run_leads(dir.path(), &leads, &["--as-of", "2026-11-13"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("UTF-16LE, tab"), "{}", stdout(&o));
    let rows = read_csv(&dir.path().join("out/ledger.csv"));
    assert_eq!(rows[0]["lead_id"], "L2");
    assert_eq!(rows[0]["created_at"], "2026-11-12T10:00:00+05:30");
}

#[test]
fn undecidable_day_order_stops_with_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    // 03/02/2024 and 04/05/2024: day-first or month-first cannot be told.
    let leads = write(
        dir.path(),
        "leads.csv",
        b"lead_id,created_at\nL1,03/02/2024 11:00\nL2,04/05/2024 12:00\n",
    );
    let o = run_leads(dir.path(), &leads, &["--as-of", "2024-12-01"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rejects = read_csv(&dir.path().join("out/rejects.csv"));
    assert_eq!(rejects.len(), 2);
    assert!(
        rejects[0]["reason"].contains("date_order"),
        "{}",
        rejects[0]["reason"]
    );

    let config = write(
        dir.path(),
        "handoff.toml",
        b"[business]\ndate_order = \"dmy\"\n",
    );
    let o = run_leads(
        dir.path(),
        &leads,
        &["--as-of", "2024-12-01", "--config", &config],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = read_csv(&dir.path().join("out/ledger.csv"));
    assert_eq!(rows[0]["created_at"], "2024-02-03T11:00:00+05:30");
}

#[test]
fn with_several_bad_files_the_first_in_input_order_is_reported() {
    // Files load two at a time, largest first: the call log (large) fails
    // before the forms (small) are even opened, yet the error is the forms',
    // as it would be reading one file after another.
    let dir = tempfile::tempdir().unwrap();
    let leads = fixture().join("leads.csv");
    let forms = write(
        dir.path(),
        "forms.csv",
        b"when,email\n2026-11-12 10:00,a@b.c\n",
    );
    let mut calls = String::from("Call ID,Agent Name\n");
    for i in 0..20_000 {
        calls.push_str(&format!("C{i},Rohan\n"));
    }
    let calls = write(dir.path(), "calls.csv", calls.as_bytes());
    let out = dir.path().join("out");
    let o = handoff(&[
        "ledger",
        "--leads",
        leads.to_str().unwrap(),
        "--forms",
        &forms,
        "--calls",
        &calls,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(4));
    let err = stderr(&o);
    assert!(err.contains("forms.csv"), "{err}");
    assert!(!err.contains("calls.csv"), "{err}");
    assert!(!out.join("ledger.csv").exists(), "nothing is written");
}

#[test]
fn timings_show_each_stage_with_its_cpu_time() {
    let out = tempfile::tempdir().unwrap();
    let o = ledger_at(&fixture(), "2026-11-18T12:00", out.path(), &["--timings"]);
    let text = stderr(&o);
    assert!(
        text.contains("stage                 seconds    cpu s   peak MiB"),
        "{text}"
    );
    // Each stage: its name, then seconds, CPU seconds and peak memory; the
    // total has no peak.
    for (stage, figures) in [
        ("load (all files)", 3),
        ("join", 3),
        ("clocks", 3),
        ("write", 3),
        ("total", 2),
    ] {
        let line = text
            .lines()
            .find(|l| l.starts_with(stage))
            .unwrap_or_else(|| panic!("no `{stage}` line in {text}"));
        let numbers: Vec<f64> = line[stage.len()..]
            .split_whitespace()
            .map(|v| v.parse().unwrap_or_else(|_| panic!("`{v}` in `{line}`")))
            .collect();
        assert_eq!(numbers.len(), figures, "{line}");
        assert!(numbers.iter().all(|n| *n >= 0.0), "{line}");
    }
    // A file's own load time is a part: indented, with no CPU figure of its own.
    let part = text
        .lines()
        .find(|l| l.starts_with("  load leads"))
        .unwrap_or_else(|| panic!("no `load leads` part in {text}"));
    assert_eq!(part.split_whitespace().count(), 4, "{part}");
}

#[test]
fn the_help_names_every_preset() {
    let o = crate::support::handoff(&["scorecard", "--help"]);
    // The help wraps lines: compare without white space.
    let help: String = crate::support::stdout(&o).split_whitespace().collect();
    for p in handoff::load::presets::PRESETS {
        assert!(help.contains(p.name), "`--help` does not name {}", p.name);
    }
}

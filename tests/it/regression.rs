//! Regression tests of issue 15 ("Reliability, round 2"): one test per
//! defect, named after it, each run end to end through the binary. Every one
//! failed against the build before its fix (`HANDOFF_BIN=<old binary> cargo
//! test --test it regression` runs them against another build).

use std::fs;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::support::*;

/// `handoff ledger` on `dir` at a fixed as-of, into `dir/out`, with `extra`.
fn ledger(dir: &Path, extra: &[&str]) -> std::process::Output {
    let out = dir.join("out");
    let mut args = vec![
        "ledger",
        "--data",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--as-of",
        "2026-11-20",
    ];
    args.extend_from_slice(extra);
    handoff(&args)
}

#[test]
fn defect_01_old_mac_cr_only_line_ends_keep_every_row() {
    let dir = folder(&[(
        "leads.csv",
        b"lead_id,created_at\rL1,2026-11-12 10:00\rL2,2026-11-13 10:00\r",
    )]);
    let o = ledger(dir.path(), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        accounting(&stdout(&o), "leads"),
        Some((2, 2, 0)),
        "{}",
        stdout(&o)
    );
}

#[test]
fn defect_02_four_digit_years_below_1990_are_rejected_not_read_as_20xx() {
    let dir = folder(&[(
        "leads.csv",
        b"lead_id,created_at\nL1,0026-11-12 10:00\nL2,0000-01-01\nL3,2026-11-12 10:00\n",
    )]);
    let o = ledger(dir.path(), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(accounting(&stdout(&o), "leads"), Some((3, 1, 2)));
    let rejects = fs::read_to_string(dir.path().join("out/rejects.csv")).unwrap();
    assert!(
        rejects.contains("0026-11-12 10:00,date before 1990"),
        "{rejects}"
    );
}

#[test]
fn defect_03_blank_lines_are_skipped_and_counted_not_rejected() {
    let mut text = b"lead_id,created_at\nL1,2026-11-12 10:00\n\n,\nL2,2026-11-13 10:00\n".to_vec();
    text.extend(std::iter::repeat_n(b'\n', 10_000));
    let dir = folder(&[("leads.csv", &text)]);
    let o = ledger(dir.path(), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let summary = stdout(&o);
    assert_eq!(accounting(&summary, "leads"), Some((2, 2, 0)), "{summary}");
    assert!(summary.contains("10002 blank line(s) skipped"), "{summary}");
    let rejects = fs::read_to_string(dir.path().join("out/rejects.csv")).unwrap();
    assert_eq!(rejects.lines().count(), 1, "only the header: {rejects}");
}

#[test]
fn defect_04_mask_pii_leaves_no_name_phone_or_email_anywhere() {
    let leads = "lead_id,created_at,name,phone,email,status,lost_reason\n\
        asha.rao@example.com,2026-11-12 10:00,Asha Rao,9876543210,asha.rao@example.com,lost,call back on +91 98111 22233 or ravi.k@example.net\n\
        L2,2026-11-13 10:00,Bala Krishnan,9876543211,bala@example.com,open,\n\
        L3,Chitra Menon\n\
        L4,2026-11-13 11:00,Dev,9876543212,dev@example.com,open,,extra.person@example.org\n";
    let dir = folder(&[("leads.csv", leads.as_bytes())]);
    let out = dir.path().join("out");
    let o = handoff(&[
        "scorecard",
        "--data",
        dir.path().to_str().unwrap(),
        "--week",
        "2026-W46",
        "--as-of",
        "2026-11-20",
        "--out",
        out.to_str().unwrap(),
        "--mask-pii",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let personal = [
        "asha.rao@",
        "Asha Rao",
        "9876543210",
        "98111 22233",
        "ravi.k@",
        "Bala Krishnan",
        "bala@",
        "Chitra",
        "extra.person@",
    ];
    let mut seen = 0;
    for entry in fs::read_dir(&out).unwrap() {
        let path = entry.unwrap().path();
        let text = fs::read_to_string(&path).unwrap_or_default();
        seen += 1;
        for p in personal {
            assert!(!text.contains(p), "{} holds {p}", path.display());
        }
    }
    assert!(seen >= 12, "{seen} outputs");
    for p in personal {
        assert!(!stdout(&o).contains(p), "the summary holds {p}");
    }
}

#[test]
fn defect_05_a_closed_or_full_stdout_ends_without_a_panic() {
    // A closed pipe: the reader left (`handoff presets | true`).
    let mut child = Command::new(binary())
        .arg("presets")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    // A full device: an output error, said plainly.
    if Path::new("/dev/full").exists() {
        let full = fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let o = Command::new(binary())
            .arg("presets")
            .stdout(full)
            .output()
            .unwrap();
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(5), "{err}");
        assert!(
            err.contains("standard output") && !err.contains("panicked"),
            "{err}"
        );
    }
}

#[test]
fn defect_06_extreme_money_in_config_is_refused_not_hung_on() {
    for value in ["1e308", "nan", "-1", "0"] {
        let config = format!("[leakage]\naverage_deal = {value}\n");
        let dir = folder(&[
            ("leads.csv", b"lead_id,created_at\nL1,2026-11-12 10:00\n"),
            ("handoff.toml", config.as_bytes()),
        ]);
        let o = ledger(dir.path(), &[]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(3), "{value}: {err}");
        assert!(err.contains("leakage.average_deal"), "{value}: {err}");
    }
}

#[test]
fn defect_07_an_unreplaceable_output_leaves_the_previous_report_whole() {
    let dir = folder(&[("leads.csv", b"lead_id,created_at\nL1,2026-11-12 10:00\n")]);
    assert!(ledger(dir.path(), &[]).status.success());
    let out = dir.path().join("out");
    let before = fs::read(out.join("ledger.csv")).unwrap();
    // Next run: a new lead; orphans.csv cannot be replaced (a folder holds its name).
    fs::write(
        dir.path().join("leads.csv"),
        b"lead_id,created_at\nL1,2026-11-12 10:00\nL2,2026-11-13 10:00\n",
    )
    .unwrap();
    fs::remove_file(out.join("orphans.csv")).unwrap();
    fs::create_dir_all(out.join("orphans.csv/held")).unwrap();
    let o = ledger(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(5), "{}", stderr(&o));
    assert!(stderr(&o).contains("orphans.csv"), "{}", stderr(&o));
    assert_eq!(
        fs::read(out.join("ledger.csv")).unwrap(),
        before,
        "not replaced"
    );
}

#[cfg(unix)]
#[test]
fn defect_08_temporary_files_do_not_follow_planted_symlinks() {
    let dir = folder(&[("leads.csv", b"lead_id,created_at\nL1,2026-11-12 10:00\n")]);
    let out = dir.path().join("out");
    fs::create_dir(&out).unwrap();
    let victim = dir.path().join("victim.txt");
    fs::write(&victim, b"precious").unwrap();
    // The names earlier versions wrote to, for any likely process id.
    let pid = std::process::id();
    for p in pid..pid + 300 {
        for name in ["ledger.csv", "orphans.csv", "rejects.csv"] {
            let _ = std::os::unix::fs::symlink(&victim, out.join(format!(".{name}.tmp-{p}")));
        }
    }
    let o = ledger(dir.path(), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(fs::read(&victim).unwrap(), b"precious");
}

#[test]
fn defect_09_temporary_files_of_a_killed_run_are_removed() {
    let dir = folder(&[("leads.csv", b"lead_id,created_at\nL1,2026-11-12 10:00\n")]);
    let out = dir.path().join("out");
    fs::create_dir(&out).unwrap();
    for stale in [".ledger.csv.tmp-4242", ".handoff-tmp-ledger.csv-Xy12Ab"] {
        fs::write(out.join(stale), vec![b'x'; 1 << 20]).unwrap();
    }
    fs::write(out.join("notes.txt"), b"mine").unwrap();
    assert!(ledger(dir.path(), &[]).status.success());
    let mut names: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            ".handoff.lock",
            "ledger.csv",
            "notes.txt",
            "orphans.csv",
            "rejects.csv"
        ]
    );
}

#[test]
fn defect_10_terminal_escapes_in_values_are_shown_escaped() {
    let leads = b"lead_id,created_at,status\nL1,2026-11-12 10:00,\x1b]0;pwned\x07\x1b[2Jweird\n";
    let dir = folder(&[("leads.csv", leads)]);
    let o = ledger(dir.path(), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("weird"), "{out}");
    assert!(!out.contains('\x1b') && !out.contains('\x07'), "{out:?}");
    assert!(out.contains("\\u{1b}"), "{out}");
}

/// A six-letter word from a seeded generator.
fn word(state: &mut u64) -> String {
    *state = state
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    (0..6)
        .map(|i| (b'a' + ((*state >> (i * 5 + 20)) % 26) as u8) as char)
        .collect()
}

#[test]
fn defect_11_fifty_thousand_distinct_lost_reasons_end_to_end() {
    // Free-text notes as lost reasons: 50,000 wordings that share no words.
    let mut state = 15;
    let mut leads = String::from("lead_id,created_at,status,lost_reason\n");
    for i in 0..50_000 {
        let (a, b, c) = (word(&mut state), word(&mut state), word(&mut state));
        leads += &format!("L{i},2026-11-12 10:00,lost,{a} {b} {c}\n");
    }
    let dir = folder(&[("leads.csv", leads.as_bytes())]);
    let mut child = Command::new(binary())
        .args([
            "scorecard",
            "--data",
            dir.path().to_str().unwrap(),
            "--week",
            "2026-W46",
            "--as-of",
            "2026-11-20",
            "--out",
            dir.path().join("out").to_str().unwrap(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Hours before (quadratic); seconds now, with room for a slow debug build.
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed().as_secs() > 180 {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    };
    assert!(
        status.is_some_and(|s| s.success()),
        "{status:?} after {:?}",
        started.elapsed()
    );
}

#[test]
fn defect_12_a_second_run_into_a_held_folder_is_refused() {
    let dir = folder(&[("leads.csv", b"lead_id,created_at\nL1,2026-11-12 10:00\n")]);
    let out = dir.path().join("out");
    let held = handoff::report::OutputDir::open(&out).unwrap();
    let o = ledger(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(5), "{}", stderr(&o));
    assert!(stderr(&o).contains("another handoff run"), "{}", stderr(&o));
    drop(held);
    assert!(ledger(dir.path(), &[]).status.success());
}

#[test]
fn defect_13_messages_say_what_is_wrong() {
    let ok = b"lead_id,created_at\nL1,2026-11-12 10:00\n".as_slice();
    let dir = folder(&[("leads.csv", ok)]);
    fs::create_dir(dir.path().join("a-folder")).unwrap();
    let subfolder = dir.path().join("a-folder");
    let o = handoff(&[
        "ledger",
        "--leads",
        subfolder.to_str().unwrap(),
        "--out",
        "/tmp/x",
    ]);
    assert!(
        stderr(&o).contains("is a folder, not a file"),
        "{}",
        stderr(&o)
    );
    let o = handoff(&["ledger", "--leads", "/dev/null", "--out", "/tmp/x"]);
    assert!(stderr(&o).contains("device or a pipe"), "{}", stderr(&o));
    // Two stray quotes: the line and how to quote.
    let stray = folder(&[(
        "leads.csv",
        b"lead_id,created_at,name\nL1,2026-11-12 10:00,Asha \"the Rao\nL2,2026-11-13 10:00,Ba\"la\n",
    )]);
    let err = stderr(&ledger(stray.path(), &[]));
    assert!(
        err.contains("line 2") && err.contains("double the quote"),
        "{err}"
    );
    // A file of NULs: refused as binary, without echoing a megabyte.
    let nul = folder(&[("leads.csv", &vec![0u8; 1 << 20])]);
    let o = ledger(nul.path(), &[]);
    assert!(
        stderr(&o).contains("binary") && o.stderr.len() < 1_000,
        "{}",
        o.stderr.len()
    );
    // Config: the expected form, not serde's inner names.
    for (config, wanted) in [
        ("[calendar.hours]\nmon = 5\n", "09:00-18:00"),
        ("[calendar]\nholidays = [\"26/01/2026\"]\n", "YYYY-MM-DD"),
    ] {
        let d = folder(&[("leads.csv", ok), ("handoff.toml", config.as_bytes())]);
        let err = stderr(&ledger(d.path(), &[]));
        assert!(err.contains(wanted) && !err.contains("untagged"), "{err}");
    }
    // A header of 10,000 characters is quoted with at most 80 of them.
    let long = format!("{},zzz\nL1,2026-11-12 10:00\n", "h".repeat(10_000));
    let d = folder(&[("leads.csv", long.as_bytes())]);
    let err = stderr(&ledger(d.path(), &[]));
    assert!(
        err.len() < 2_000 && err.contains("..."),
        "{} bytes",
        err.len()
    );
}

#[test]
fn defect_14_values_are_never_silently_mangled() {
    let leads = "lead_id,created_at,phone,deal_value,email\n\
        L1\u{200b},2026-11-12 10:00,+91 98765 43210 #4,5,\u{feff}asha@example.com\n\
        L2,2026-11-12 10:00,98765 43211 ext 12,₹5 $5,\n";
    let forms = "submitted_at,email\n2026-11-12 09:58,ASHA@example.com\n";
    let dir = folder(&[
        ("leads.csv", leads.as_bytes()),
        ("forms.csv", forms.as_bytes()),
    ]);
    let o = ledger(dir.path(), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let summary = stdout(&o);
    assert!(
        summary.contains("2 value(s) repaired: phone: extension dropped"),
        "{summary}"
    );
    assert!(
        summary.contains("lead_id: invisible characters removed"),
        "{summary}"
    );
    let ledger = by_lead(read_csv(&dir.path().join("out/ledger.csv")));
    assert_eq!(ledger["L1"]["phone"], "'+919876543210");
    assert_eq!(
        ledger["L1"]["matched_forms"], "1",
        "the email joins without its BOM"
    );
    let rejects = fs::read_to_string(dir.path().join("out/rejects.csv")).unwrap();
    assert!(
        rejects.contains("₹5 $5"),
        "two amounts in one cell are rejected: {rejects}"
    );
    // A workbook whose header row has a stray cell at column XFD: memory
    // follows the cells (2.6 GB before, about 140 MB after).
    let xlsx = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/regression/stray-header-cell.xlsx");
    let out = tempfile::tempdir().unwrap();
    let o = handoff(&[
        "ledger",
        "--leads",
        xlsx.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
        "--as-of",
        "2026-11-25",
        "--timings",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let peak = stderr(&o)
        .lines()
        .filter_map(|l| l.split_whitespace().last()?.parse::<f64>().ok())
        .fold(0.0, f64::max);
    assert!(peak > 0.0 && peak < 1_000.0, "peak {peak} MiB");
}

/// The files of one whole scorecard run.
const REPORT: [&str; 13] = [
    "ledger.csv",
    "orphans.csv",
    "rejects.csv",
    "sla_breaches.csv",
    "never_touched.csv",
    "waiting.csv",
    "under_worked.csv",
    "lost_without_reason.csv",
    "returns_without_reason.csv",
    "pipeline_at_risk.csv",
    "metrics.json",
    "scorecard.html",
    ".handoff.lock",
];

#[test]
fn fault_a_killed_run_leaves_one_whole_report_after_the_rerun() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    let out = tempfile::tempdir().unwrap();
    let run = || {
        Command::new(binary())
            .args(["scorecard", "--data", sample.to_str().unwrap(), "--out"])
            .arg(out.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    // Killed at moments spread over a run (loading, computing, writing).
    for delay_ms in [30, 250, 700, 1_200, 1_700] {
        let mut child = run();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
    }
    assert!(run().wait().unwrap().success());
    let mut names: Vec<String> = fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut expected: Vec<String> = REPORT.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(names, expected, "one whole report, no temporaries");
    let html = fs::read_to_string(out.path().join("scorecard.html")).unwrap();
    assert!(html.trim_end().ends_with("</html>"));
    let json = fs::read_to_string(out.path().join("metrics.json")).unwrap();
    assert!(serde_json::from_str::<serde_json::Value>(&json).is_ok());
}

/// Issue 16: the parsed-input cache serves a second run of the same exports,
/// with byte-identical outputs, and a changed file or reading option is read afresh.
#[test]
fn the_parsed_input_cache_serves_a_rerun_and_notices_changes() {
    let cache = tempfile::tempdir().unwrap();
    let run = |data: &Path, out: &Path, extra: &[&str]| {
        let mut args = vec![
            "scorecard",
            "--data",
            data.to_str().unwrap(),
            "--week",
            "2026-W46",
            "--out",
            out.to_str().unwrap(),
            "--cache-dir",
            cache.path().to_str().unwrap(),
            "--timings",
        ];
        args.extend_from_slice(extra);
        let o = Command::new(binary())
            .args(&args)
            .env("HANDOFF_CACHE_MIN_BYTES", "0")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        stderr(&o)
    };
    let data = tempfile::tempdir().unwrap();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    for f in handoff::sample::FILES {
        fs::copy(sample.join(f), data.path().join(f)).unwrap();
    }
    let (a, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let first = run(data.path(), a.path(), &[]);
    assert!(!first.contains("(cache)"), "{first}");
    let second = run(data.path(), b.path(), &[]);
    for input in ["leads", "deals", "forms", "calls", "spend"] {
        assert!(
            second.contains(&format!("load {input} (cache)")),
            "{second}"
        );
    }
    for f in [
        "metrics.json",
        "scorecard.html",
        "ledger.csv",
        "rejects.csv",
        "orphans.csv",
    ] {
        assert_eq!(
            fs::read(a.path().join(f)).unwrap(),
            fs::read(b.path().join(f)).unwrap(),
            "{f} differs when read from the cache"
        );
    }
    // A changed file is read afresh; the others still come from the cache.
    let mut spend = fs::read_to_string(data.path().join("spend.csv")).unwrap();
    spend.push_str("2026-11-10,google_ads,GA_Search_Kitchen,1000\n");
    fs::write(data.path().join("spend.csv"), spend).unwrap();
    let third = run(data.path(), c.path(), &[]);
    assert!(!third.contains("load spend (cache)"), "{third}");
    assert!(third.contains("load leads (cache)"), "{third}");
    // --no-cache reads everything afresh.
    let o = handoff(&[
        "scorecard",
        "--data",
        data.path().to_str().unwrap(),
        "--week",
        "2026-W46",
        "--out",
        c.path().to_str().unwrap(),
        "--no-cache",
        "--timings",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("(cache)"), "{}", stderr(&o));
}

//! Helpers: run the `handoff` binary, read its CSV outputs, write small files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The fixture folder of hand-made exports with hand-worked expectations.
pub fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/handoff")
}

/// The binary under test: this build's, or `HANDOFF_BIN` (to run the tests
/// against an earlier build and see a regression test fail there).
pub fn binary() -> PathBuf {
    std::env::var_os("HANDOFF_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_handoff")))
}

/// Runs `handoff` with arguments; returns its output.
pub fn handoff(args: &[&str]) -> Output {
    Command::new(binary())
        .args(args)
        .output()
        .expect("the handoff binary runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// A CSV file as rows of header -> value.
pub fn read_csv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut reader =
        csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers = reader.headers().expect("header row").clone();
    reader
        .records()
        .map(|r| {
            let r = r.expect("a CSV record");
            headers
                .iter()
                .map(str::to_string)
                .zip(r.iter().map(str::to_string))
                .collect()
        })
        .collect()
}

/// The ledger's rows by lead id.
pub fn by_lead(rows: Vec<BTreeMap<String, String>>) -> BTreeMap<String, BTreeMap<String, String>> {
    rows.into_iter()
        .map(|r| (r["lead_id"].clone(), r))
        .collect()
}

/// Runs the ledger on the fixture at its as-of time; returns the process output.
pub fn fixture_ledger(out: &Path) -> Output {
    ledger_at(&fixture(), "2026-11-18T12:00", out, &[])
}

/// A folder holding `files` (name, bytes); returns it.
pub fn folder(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    dir
}

/// Runs the ledger on the exports in `data` at `as_of`, into `out`, with
/// `extra` arguments; it must succeed.
pub fn ledger_at(data: &Path, as_of: &str, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "ledger",
        "--data",
        data.to_str().expect("utf-8 path"),
        "--as-of",
        as_of,
        "--out",
        out.to_str().expect("utf-8 path"),
    ];
    args.extend_from_slice(extra);
    let o = handoff(&args);
    assert!(o.status.success(), "ledger failed: {}", stderr(&o));
    o
}

/// Runs the scorecard of week 2026-W46 on the exports in `data`, seen at
/// Wed 2026-11-18 12:00 (the fixture's as-of), into `out`, with `extra`
/// arguments; it must succeed. Returns the terminal summary.
pub fn scorecard_w46(data: &Path, out: &Path, extra: &[&str]) -> String {
    let mut args = vec![
        "scorecard",
        "--data",
        data.to_str().expect("utf-8 path"),
        "--week",
        "2026-W46",
        "--as-of",
        "2026-11-18T12:00",
        "--out",
        out.to_str().expect("utf-8 path"),
    ];
    args.extend_from_slice(extra);
    let o = handoff(&args);
    assert!(o.status.success(), "scorecard failed: {}", stderr(&o));
    stdout(&o)
}

/// The `read used rejected` counts of an input in a run's summary.
pub fn accounting(summary: &str, input: &str) -> Option<(usize, usize, usize)> {
    let line = summary
        .lines()
        .find(|l| l.split_whitespace().next() == Some(input))?;
    let n: Vec<usize> = line
        .split_whitespace()
        .skip(1)
        .take(3)
        .filter_map(|x| x.parse().ok())
        .collect();
    (n.len() == 3).then(|| (n[0], n[1], n[2]))
}

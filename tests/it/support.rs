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

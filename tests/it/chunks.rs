//! A file read in many small chunks gives exactly what it gives read whole:
//! the same rows, rejects, line numbers and accounting, and day orders decided
//! from the whole column even when only a late chunk can decide them.

use std::path::{Path, PathBuf};

use handoff::config::Config;
use handoff::load::{self, Loaded, ReadOptions};
use handoff::model::Input;

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample-data")
        .join(name)
}

fn load_in(input: Input, path: &Path, chunk_bytes: Option<usize>) -> Loaded {
    let opts = ReadOptions {
        chunk_bytes,
        ..ReadOptions::default()
    };
    load::load(input, path, &Config::default(), &opts).unwrap_or_else(|e| panic!("{e}"))
}

fn assert_same(whole: &Loaded, chunked: &Loaded, what: &str) {
    assert!(
        whole.frame.equals_missing(&chunked.frame),
        "{what}: rows differ\n{}\n{}",
        whole.frame.head(Some(3)),
        chunked.frame.head(Some(3))
    );
    assert!(
        whole.rejects.equals_missing(&chunked.rejects),
        "{what}: rejects differ\n{}\n{}",
        whole.rejects,
        chunked.rejects
    );
    assert_eq!(
        serde_json::to_string(&whole.stats).unwrap(),
        serde_json::to_string(&chunked.stats).unwrap(),
        "{what}: accounting differs"
    );
}

#[test]
fn the_sample_read_in_64_kib_chunks_equals_it_read_whole() {
    for (input, name) in [
        (Input::Leads, "leads.csv"),
        (Input::Forms, "forms.csv"),
        (Input::Calls, "calls.csv"),
        (Input::Deals, "deals.csv"),
    ] {
        let path = sample(name);
        let size = std::fs::metadata(&path).unwrap().len();
        let whole = load_in(input, &path, None);
        let chunked = load_in(input, &path, Some(64 << 10));
        if input != Input::Deals {
            assert!(
                size > 4 * (64 << 10),
                "{name} is {size} bytes: too small to chunk"
            );
        }
        assert!(whole.stats.rows_read > 0);
        assert_same(&whole, &chunked, name);
    }
}

/// Rows of `lead_id,created_at,name`: 3,000 with dates that fit both orders,
/// then one that only day-first can read (25/03).
fn late_deciding_file(dir: &Path) -> PathBuf {
    let mut text = String::from("lead_id,created_at,name\n");
    for i in 0..3000 {
        text.push_str(&format!("L{i},05/03/2026 10:{:02},Asha Rao\n", i % 60));
    }
    text.push_str("L3000,25/03/2026 09:00,Late Decider\n");
    let path = dir.join("leads.csv");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_late_chunk_decides_the_day_order_for_the_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = late_deciding_file(dir.path());
    let whole = load_in(Input::Leads, &path, None);
    let chunked = load_in(Input::Leads, &path, Some(4 << 10));
    assert_same(&whole, &chunked, "late-deciding file");
    assert_eq!(chunked.stats.date_orders["created_at"], "day-first");
    assert_eq!(
        chunked.stats.rows_used, 3001,
        "no row rejected as undecidable"
    );
    // 05/03/2026 10:00 in Asia/Kolkata is 5 March 04:30 UTC.
    let first = chunked
        .frame
        .column("created_at")
        .unwrap()
        .i64()
        .unwrap()
        .get(0);
    assert_eq!(first, Some(1_772_685_000_000));
}

#[test]
fn multi_line_records_and_rejects_keep_their_lines_across_chunks() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("lead_id,created_at,name\n");
    // Each record: a two-line quoted name; every 7th has an impossible date.
    for i in 0..2000 {
        let date = if i % 7 == 3 {
            "2026-13-45 10:00"
        } else {
            "2026-11-16 10:00"
        };
        text.push_str(&format!("L{i},{date},\"Asha\nRao {i}\"\n"));
    }
    let path = dir.path().join("leads.csv");
    std::fs::write(&path, text).unwrap();
    let whole = load_in(Input::Leads, &path, None);
    let chunked = load_in(Input::Leads, &path, Some(1 << 10));
    assert_same(&whole, &chunked, "multi-line records");
    // Record i starts on line 2 + 2i: the first bad one (i = 3) on line 8.
    let lines: Vec<i64> = chunked
        .rejects
        .column("line")
        .unwrap()
        .i64()
        .unwrap()
        .into_no_null_iter()
        .collect();
    assert_eq!(lines.len(), (0..2000).filter(|i| i % 7 == 3).count());
    assert_eq!(&lines[..3], &[8, 22, 36]);
    assert_eq!(*lines.last().unwrap(), 2 + 2 * 1998);
    assert_eq!(chunked.stats.rows_read, 2000);
    assert_eq!(
        chunked.stats.rows_used + chunked.stats.rows_rejected,
        chunked.stats.rows_read
    );
}

//! The sample generator is deterministic, and the ledger over it is byte-stable.

use std::fs;

use crate::support::*;

fn sample(dir: &std::path::Path, seed: &str) {
    let o = handoff(&[
        "sample",
        "--leads",
        "300",
        "--seed",
        seed,
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let (a, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    sample(a.path(), "7");
    sample(b.path(), "7");
    sample(c.path(), "8");
    for name in handoff::sample::FILES {
        let x = fs::read(a.path().join(name)).unwrap();
        assert_eq!(
            x,
            fs::read(b.path().join(name)).unwrap(),
            "{name} differs for one seed"
        );
        if name != "handoff.toml" && name != "spend.csv" {
            assert_ne!(
                x,
                fs::read(c.path().join(name)).unwrap(),
                "{name} ignores the seed"
            );
        }
    }
}

#[test]
fn ledger_over_the_sample_is_byte_identical_across_runs() {
    let data = tempfile::tempdir().unwrap();
    sample(data.path(), "11");
    let run = |out: &std::path::Path| {
        let o = handoff(&[
            "ledger",
            "--data",
            data.path().to_str().unwrap(),
            "--as-of",
            "2026-11-16",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    let (x, y) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let sx = run(x.path());
    run(y.path());
    for name in ["ledger.csv", "orphans.csv", "rejects.csv"] {
        assert_eq!(
            fs::read(x.path().join(name)).unwrap(),
            fs::read(y.path().join(name)).unwrap(),
            "{name} differs between runs"
        );
    }
    // The sample has duplicates, orphans and a bad row or two; the summary shows them.
    assert!(sx.contains("duplicate rows merged"), "{sx}");
    assert!(sx.contains("orphaned"), "{sx}");
    let ledger = read_csv(&x.path().join("ledger.csv"));
    assert!(ledger.len() > 250, "{} leads", ledger.len());
    assert!(ledger.iter().any(|r| r["after_hours"] == "true"));
    assert!(ledger.iter().any(|r| r["sla_status"] == "breached"));
    assert!(ledger.iter().any(|r| r["sla_status"] == "met"));
}

#[test]
fn bundled_sample_data_is_what_the_generator_makes() {
    let out = tempfile::tempdir().unwrap();
    let o = handoff(&[
        "sample",
        "--leads",
        "3000",
        "--seed",
        "46",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let bundled = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    for name in handoff::sample::FILES {
        assert!(
            fs::read(bundled.join(name)).unwrap() == fs::read(out.path().join(name)).unwrap(),
            "sample-data/{name} is not `handoff sample --leads 3000 --seed 46`; regenerate it"
        );
    }
}

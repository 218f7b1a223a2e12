//! Outputs that leave the company, and outputs that do not depend on row order.

use std::fs;
use std::path::Path;

use crate::support::*;

#[test]
fn mask_pii_leaves_no_name_phone_or_email_in_any_output() {
    let out = tempfile::tempdir().unwrap();
    scorecard_w46(&fixture(), out.path(), &["--mask-pii"]);
    let personal = [
        "Asha Rao",
        "Esha P",
        "9876543210",
        "99887 76655",
        "asha@example.com",
        "Asha@Example",
        "nobody@example.org",
    ];
    let mut files = 0;
    for entry in fs::read_dir(out.path()).unwrap() {
        let path = entry.unwrap().path();
        let text = fs::read_to_string(&path).unwrap();
        files += 1;
        for p in personal {
            assert!(!text.contains(p), "{} still holds {p}", path.display());
        }
    }
    assert!(files >= 10, "{files} outputs");
    let ledger = read_csv(&out.path().join("ledger.csv"));
    let l1 = ledger.iter().find(|r| r["lead_id"] == "L1").unwrap();
    assert_eq!(l1["name"], "A***");
    assert_eq!(l1["email"], "a***@example.com");
}

/// Writes `src` to `dst` with its data rows reversed (the header stays first).
fn reversed(src: &Path, dst: &Path) {
    let text = fs::read_to_string(src).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    let header = lines.remove(0);
    lines.reverse();
    fs::write(dst, format!("{header}\n{}\n", lines.join("\n"))).unwrap();
}

#[test]
fn reordered_input_rows_give_identical_figures() {
    let shuffled = tempfile::tempdir().unwrap();
    for name in ["leads.csv", "forms.csv", "calls.csv", "deals.csv"] {
        reversed(&fixture().join(name), &shuffled.path().join(name));
    }
    fs::copy(
        fixture().join("handoff.toml"),
        shuffled.path().join("handoff.toml"),
    )
    .unwrap();
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    scorecard_w46(&fixture(), a.path(), &[]);
    scorecard_w46(shuffled.path(), b.path(), &[]);
    // Line numbers differ by construction (rejects, orphans); the figures must not.
    for name in ["ledger.csv", "sla_breaches.csv", "under_worked.csv"] {
        assert_eq!(
            fs::read(a.path().join(name)).unwrap(),
            fs::read(b.path().join(name)).unwrap(),
            "{name} depends on row order"
        );
    }
    let strip_files = |p: &Path| {
        let mut m: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(p).unwrap()).unwrap();
        m["accounting"]["files"] = serde_json::Value::Null;
        m
    };
    assert_eq!(
        strip_files(&a.path().join("metrics.json")),
        strip_files(&b.path().join("metrics.json"))
    );
}

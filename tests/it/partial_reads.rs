//! Inputs the joins keep only part of (calls, forms): only the columns they
//! keep and the columns that can reject a row are read, and the file's
//! accounting, mapping and rejects are those of a whole read.

use std::path::Path;

use handoff::config::Config;
use handoff::join::{CALLS_KEPT, FORMS_KEPT};
use handoff::load::{self, Keep, Loaded, ReadOptions};
use handoff::model::Input;

const CALLS: &str = "\
Call ID,Start Time,Call Type,Customer Number,Lead ID,Agent Name,Duration,Call Status,Notes
C1,2026-11-12 10:05,Outgoing,9876543210,L1,Asha,95,Connected,called back
C2,2026-11-12 10:06,Outgoing,9876543210,L1,Asha,-5,Connected,
C3,2026-11-12 10:07,Sideways,9876543210,L1,Asha,10,Connected,
C4,2026-11-12 10:08,Incoming,,,Asha,10,Busy,
,,,,,,,,a note on a line of its own
";

fn load(input: Input, path: &Path, keep: Option<Keep>) -> Loaded {
    let opts = ReadOptions {
        keep,
        ..ReadOptions::default()
    };
    load::load(input, path, &Config::default(), &opts).unwrap()
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn reasons(l: &Loaded) -> Vec<String> {
    l.rejects
        .column("reason")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|r| r.unwrap_or_default().to_string())
        .collect()
}

fn columns(l: &Loaded) -> Vec<String> {
    l.frame
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .collect()
}

#[test]
fn calls_read_in_part_account_and_reject_as_a_whole_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "calls.csv", CALLS);
    let whole = load(Input::Calls, &path, None);
    let part = load(Input::Calls, &path, Some(CALLS_KEPT));

    // A negative duration, an unknown direction, no phone and no lead id:
    // still rejected, though the duration is never kept.
    for l in [&whole, &part] {
        assert_eq!(
            (l.stats.rows_read, l.stats.rows_used, l.stats.rows_rejected),
            (4, 1, 3)
        );
        // The note alone: no value in any column the file is read for.
        assert_eq!(l.stats.blank_lines, 1);
        assert_eq!(l.stats.ignored, ["Notes"]);
    }
    assert_eq!(reasons(&part), reasons(&whole));
    assert_eq!(reasons(&part).len(), 3);
    // The file's mapping is shown whole, the agent and outcome included.
    assert_eq!(part.stats.mapped, whole.stats.mapped);
    assert!(
        part.stats
            .mapped
            .contains(&("Agent Name".to_string(), "agent".to_string()))
    );
    assert!(columns(&whole).contains(&"agent".to_string()));
    assert_eq!(
        columns(&part),
        [
            "started_at",
            "_line",
            "lead_id",
            "phone",
            "_outbound",
            "channel"
        ]
    );
}

#[test]
fn a_line_with_values_only_in_columns_not_read_is_blank() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{CALLS},,,,,Asha,,,\n");
    let path = write(dir.path(), "calls.csv", &text);
    // Read whole, the agent makes it a row with no start time; read for the
    // joins, the agent is not read and the line holds nothing.
    let whole = load(Input::Calls, &path, None);
    assert_eq!((whole.stats.rows_read, whole.stats.blank_lines), (5, 1));
    let part = load(Input::Calls, &path, Some(CALLS_KEPT));
    assert_eq!((part.stats.rows_read, part.stats.blank_lines), (4, 2));
}

#[test]
fn forms_read_in_part_keep_what_the_joins_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "forms.csv",
        "submitted_at,submission_id,full_name,email,phone,city,form,utm_source,utm_campaign,message\n\
         2026-11-12 10:00,F1,Asha Rao,asha@example.com,9876543210,Pune,Quote,google,GA_1,\"call me, please\"\n\
         not a date,F2,Ravi,ravi@example.com,,Pune,Quote,google,GA_1,\n",
    );
    let whole = load(Input::Forms, &path, None);
    let part = load(Input::Forms, &path, Some(FORMS_KEPT));
    for l in [&whole, &part] {
        assert_eq!(
            (l.stats.rows_read, l.stats.rows_used, l.stats.rows_rejected),
            (2, 1, 1)
        );
    }
    assert_eq!(reasons(&part), reasons(&whole));
    assert_eq!(part.stats.mapped, whole.stats.mapped);
    assert!(columns(&whole).contains(&"message".to_string()));
    assert!(!columns(&part).contains(&"message".to_string()));
    let emails = part.frame.column("email").unwrap().str().unwrap().get(0);
    assert_eq!(emails, Some("asha@example.com"));
}

#[test]
fn a_row_with_more_fields_than_the_header_is_rejected_when_columns_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    // `Notes` maps to nothing, so the file is read without it; the field
    // after the last header is still seen.
    let path = write(
        dir.path(),
        "calls.csv",
        "Start Time,Call Type,Lead ID,Notes\n\
         2026-11-12 10:05,Outgoing,L1,fine\n\
         2026-11-12 10:06,Outgoing,L1,a note, with a comma\n",
    );
    for keep in [None, Some(CALLS_KEPT)] {
        let l = load(Input::Calls, &path, keep);
        assert_eq!(l.stats.ignored, ["Notes"]);
        assert_eq!((l.stats.rows_used, l.stats.rows_rejected), (1, 1));
        let why = reasons(&l);
        assert!(why[0].contains("more fields than the header"), "{why:?}");
    }
}

#[test]
fn a_report_footer_in_a_first_column_nothing_maps_is_still_a_footer() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "calls.csv",
        "Row,Start Time,Call Type,Lead ID,Notes\n\
         1,2026-11-12 10:05,Outgoing,L1,fine\n\
         \"Grand Totals (1 records)\",,,,\n",
    );
    for keep in [None, Some(CALLS_KEPT)] {
        let l = load(Input::Calls, &path, keep);
        assert_eq!(l.stats.ignored, ["Row", "Notes"]);
        assert_eq!((l.stats.rows_read, l.stats.rows_used), (1, 1));
        assert_eq!(l.stats.footer, ["Grand Totals (1 records)"]);
    }
}

#[test]
fn a_row_before_the_footer_with_values_only_in_columns_not_read_stays_a_row() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{}C9,,,,,Asha,,No Answer,\nGrand Totals (5 records),,,,,,,,\n",
        CALLS
    );
    let path = write(dir.path(), "calls.csv", &text);
    for keep in [None, Some(CALLS_KEPT)] {
        let l = load(Input::Calls, &path, keep);
        assert_eq!(l.stats.footer, ["Grand Totals (5 records)"]);
        // C9 has no start time: a rejected row either way, not a footer line.
        assert_eq!((l.stats.rows_read, l.stats.rows_rejected), (5, 4));
    }
}

#[test]
fn notes_on_columns_not_read_come_from_a_whole_read() {
    let dir = tempfile::tempdir().unwrap();
    let text = CALLS.replace(
        "C1,2026-11-12 10:05,Outgoing,9876543210,L1,Asha,95,Connected",
        "C1\u{200b},2026-11-12 10:05,Outgoing,9876543210,L1,Asha,95,Dropped",
    );
    let path = write(dir.path(), "calls.csv", &text);
    let whole = load(Input::Calls, &path, None);
    assert!(
        whole.stats.unknown_values.contains_key("outcome"),
        "{:?}",
        whole.stats.unknown_values
    );
    assert_eq!(
        whole
            .stats
            .cleaned
            .get("call_id: invisible characters removed"),
        Some(&1),
        "{:?}",
        whole.stats.cleaned
    );
    // Read for the joins, the outcome and call id are not read: nothing is said of them.
    let part = load(Input::Calls, &path, Some(CALLS_KEPT));
    assert!(
        part.stats.unknown_values.is_empty(),
        "{:?}",
        part.stats.unknown_values
    );
    assert!(part.stats.cleaned.is_empty(), "{:?}", part.stats.cleaned);
    assert_eq!(
        (part.stats.rows_read, part.stats.rows_used),
        (whole.stats.rows_read, whole.stats.rows_used)
    );
}

#[test]
fn a_header_that_reads_like_a_repeat_keeps_its_own_column() {
    let dir = tempfile::tempdir().unwrap();
    // `Phone_2` is a header of its own and the second `Phone` a repeat: three
    // columns, each read as itself (the email is not shifted into another).
    let path = write(
        dir.path(),
        "leads.csv",
        "lead_id,created_at,Phone,Phone_2,Phone,email,Notes\n\
         L1,2026-11-12 10:00,98765 43210,x,y,asha@example.com,n\n",
    );
    let l = load(Input::Leads, &path, None);
    assert_eq!((l.stats.rows_used, l.stats.rows_rejected), (1, 0));
    let email = l.frame.column("email").unwrap().str().unwrap().get(0);
    assert_eq!(email, Some("asha@example.com"));
    let phone = l.frame.column("phone").unwrap().str().unwrap().get(0);
    assert_eq!(phone, Some("+919876543210"));
}

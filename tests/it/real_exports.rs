//! Issue 17, "real exports, round 2": each export class recognised and read
//! right, or refused with the way forward. The fixtures in
//! tests/fixtures/presets are written by scripts/make-preset-fixtures.py
//! (`round2`) from the vendors' public descriptions (docs/research).

use std::path::Path;

use handoff::config::Config;
use handoff::load::{self, ReadOptions};
use handoff::model::Input;

use crate::presets::{balanced, load_with, loaded, preset_file, preset_of, texts, times};
use crate::support::{by_lead, folder, handoff, ledger_at, read_csv, stderr, stdout};

fn config(toml: &str) -> Config {
    Config::from_toml(toml).unwrap()
}

/// The loader's error for `file` read as `input`, as text.
fn refused(input: Input, file: &str) -> String {
    match load::load(
        input,
        &preset_file(file),
        &Config::default(),
        &ReadOptions::default(),
    ) {
        Ok(_) => panic!("{file} was read as {}", input.name()),
        Err(e) => e.to_string(),
    }
}

/// `handoff inspect FILE`: its exit status and output (stdout and stderr).
fn inspect(file: &str) -> (bool, String) {
    let o = handoff(&["inspect", preset_file(file).to_str().unwrap()]);
    (o.status.success(), stdout(&o) + &stderr(&o))
}

#[test]
fn hubspot_contacts_re_saved_by_excel() {
    let l = loaded(Input::Leads, "hubspot-contacts-excel.csv");
    balanced(&l);
    assert_eq!(preset_of(&l), ("hubspot-contacts", "detected"));
    assert_eq!(texts(&l, "lead_id"), ["701", "702", "703"]);
    // M/D/YY H:mm, the contact's own Create Date (the first of the two).
    assert_eq!(
        times(&l, "created_at"),
        ["2026-11-16 10:00", "2026-11-17 09:15", "2026-11-17 16:45"]
    );
    // The contact's phone, not the company's; `null` is empty.
    assert_eq!(
        texts(&l, "phone"),
        ["+919845011111", "+919845022222", "+919845033333"]
    );
    assert_eq!(texts(&l, "owner"), ["Aman Verma", "", "Neha Joshi"]);
    let ignored = l.stats.ignored.join(", ");
    assert!(ignored.contains("Record ID - Company"), "{ignored}");
}

#[test]
fn zoho_older_export_leads_and_potentials() {
    let l = loaded(Input::Leads, "zoho-Leads-v1.csv");
    balanced(&l);
    assert_eq!(preset_of(&l).0, "zoho-leads-v1");
    assert_eq!(texts(&l, "status"), ["open", "open", "lost"]);
    assert_eq!(
        texts(&l, "owner"),
        ["Aman Verma", "Neha Joshi", "Aman Verma"]
    );
    assert_eq!(times(&l, "created_at")[2], "2026-11-18 16:45");
    // Potentials are deals: read as leads they are refused with the way forward.
    let e = refused(Input::Leads, "zoho-Potentials-v1.csv");
    assert!(e.contains("Deals (Potentials)"), "{e}");
    assert!(e.contains("pass it as --deals"), "{e}");
    // As deals they read with the deals preset (no lead link in this export:
    // they reach leads only through a lead's converted deal id).
    let d = loaded(Input::Deals, "zoho-Potentials-v1.csv");
    balanced(&d);
    assert_eq!(preset_of(&d).0, "zoho-deals");
    assert_eq!(texts(&d, "deal_id"), ["2000000030001", "2000000030002"]);
    assert_eq!(texts(&d, "owner"), ["Aman Verma", "Neha Joshi"]);
    assert_eq!(texts(&d, "deal_outcome"), ["won", "open"]);
}

#[test]
fn exports_that_serve_no_input_say_what_to_export_instead() {
    for (file, what, advice) in [
        ("zoho-Events.csv", "Zoho CRM Events", "export Deals"),
        ("zoho-Campaigns.csv", "Zoho CRM Campaigns", "--spend"),
        (
            "bitrix24-deals-ui.csv",
            "Bitrix24 deal list",
            "crm.deal.list",
        ),
        (
            "odoo-crm.lead-import-compatible.csv",
            "Odoo CRM leads (`crm.lead`) import-compatible",
            "unticked",
        ),
    ] {
        let (ok, text) = inspect(file);
        assert!(!ok, "{file}: {text}");
        assert!(text.contains(what), "{file}: {text}");
        assert!(text.contains("serves no input"), "{file}: {text}");
        assert!(text.contains(advice), "{file}: {text}");
    }
    // The same advice when such a file is given as an input.
    let e = refused(Input::Leads, "odoo-crm.lead-import-compatible.csv");
    assert!(e.contains("Created on"), "{e}");
}

#[test]
fn bitrix24_rest_leads_and_deals_make_one_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let toml = dir.path().join("handoff.toml");
    std::fs::write(
        &toml,
        "[business]\nphone_country = \"RU\"\ncurrency = \"RUB\"\n\n[calendar]\ntime_zone = \"Europe/Moscow\"\n",
    )
    .unwrap();
    let l = load_with(
        Input::Leads,
        "bitrix24-crm.lead.list.json",
        &config(&std::fs::read_to_string(&toml).unwrap()),
    );
    balanced(&l);
    // Multi-field phones and emails; a Russian trunk `8` national number.
    assert_eq!(texts(&l, "phone"), ["+79123456701", "+79123456702", ""]);
    assert_eq!(
        texts(&l, "email"),
        ["oleg@example.ru", "", "pavel@example.ru"]
    );
    // The semantic decides; a custom status (`UC_K2X4`) needs no mapping.
    assert_eq!(texts(&l, "status"), ["open", "lost", "open"]);
    assert_eq!(texts(&l, "lost_reason"), ["", "wrong number", ""]);
    let out = dir.path().join("out");
    let o = handoff(&[
        "ledger",
        "--leads",
        preset_file("bitrix24-crm.lead.list.json").to_str().unwrap(),
        "--deals",
        preset_file("bitrix24-crm.deal.list.json").to_str().unwrap(),
        "--config",
        toml.to_str().unwrap(),
        "--as-of",
        "2026-11-25",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("deals: 1 matched, 1 name no known lead"),
        "{}",
        stdout(&o)
    );
    let ledger = by_lead(read_csv(&out.join("ledger.csv")));
    let won = &ledger["11"];
    assert_eq!(won["is_won"], "true");
    assert_eq!(won["deal_value"], "149999.99");
    assert!(
        won["qualified_at"].starts_with("2026-11-17T12:00"),
        "{won:?}"
    );
    assert!(ledger["12"]["lost_at"].starts_with("2026-11-16T11:45"));
}

#[test]
fn bitrix24_ui_lead_list_in_russian() {
    let l = loaded(Input::Leads, "bitrix24-leads-ui.csv");
    balanced(&l);
    assert_eq!(preset_of(&l).0, "bitrix24-leads-ui");
    assert_eq!(l.stats.delimiter, "semicolon");
    assert_eq!(texts(&l, "lead_id"), ["11", "12", "13"]);
    assert_eq!(
        times(&l, "created_at"),
        ["2026-11-16 10:00", "2026-11-16 11:30", "2026-11-17 09:15"]
    );
    assert_eq!(texts(&l, "status"), ["open", "lost", "open"]);
    assert_eq!(texts(&l, "owner")[1], "Борис Примеров");
    assert_eq!(texts(&l, "name")[0], "Олег Петров");
}

#[test]
fn legal_intake_signed_up_is_a_win_and_lost_carries_its_substatus() {
    let l = loaded(Input::Leads, "legal-intake-leads.csv");
    balanced(&l);
    assert_eq!(preset_of(&l).0, "legal-intake");
    assert_eq!(texts(&l, "status"), ["won", "lost", "open"]);
    assert_eq!(
        times(&l, "created_at"),
        ["2026-11-16 10:02", "2026-11-16 11:40", "2026-11-17 09:05"]
    );
    assert_eq!(times(&l, "won_at")[0], "2026-11-18 14:15");
    assert_eq!(texts(&l, "lost_reason")[1], "Hired Another Attorney");
    assert_eq!(texts(&l, "source")[0], "Television");
    assert_eq!(texts(&l, "campaign")[0], "Google Ads Call Extension");
    assert_eq!(texts(&l, "service")[2], "Workers Compensation");
}

/// The Salesforce Lead and Opportunity exports with a stage history, as a ledger.
fn salesforce_with_history(history: &str, out: &Path) -> std::process::Output {
    let dir = out.parent().unwrap();
    let toml = dir.join("handoff.toml");
    std::fs::write(&toml, "[exchange_rates]\nEUR = 90.0\nUSD = 84.0\n").unwrap();
    handoff(&[
        "ledger",
        "--leads",
        preset_file("salesforce-Lead.csv").to_str().unwrap(),
        "--deals",
        preset_file("salesforce-Opportunity.csv").to_str().unwrap(),
        "--history",
        preset_file(history).to_str().unwrap(),
        "--config",
        toml.to_str().unwrap(),
        "--as-of",
        "2026-11-30",
        "--out",
        out.to_str().unwrap(),
    ])
}

#[test]
fn opportunity_history_sets_the_stage_times_of_the_converted_lead() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = salesforce_with_history("salesforce-OpportunityHistory.csv", &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let summary = stdout(&o);
    assert!(
        summary.contains("history: 0 stage entries matched by lead id, 3 by deal id"),
        "{summary}"
    );
    let ledger = by_lead(read_csv(&out.join("ledger.csv")));
    let lead = &ledger["00Q5g00000AbCd2AAB"];
    // UTC 10:00 and 09:00 are 15:30 and 14:30 in Kolkata; Needs Analysis is a
    // meeting, entered when the opportunity was made; a repeated stage row
    // (only the amount changed) enters nothing new.
    assert!(
        lead["meeting_at"].starts_with("2026-11-18T15:30"),
        "{lead:?}"
    );
    assert!(
        lead["proposal_at"].starts_with("2026-11-20T14:30"),
        "{lead:?}"
    );
    // Another lead is untouched by it.
    assert_eq!(ledger["00Q5g00000AbCd1AAB"]["proposal_at"], "");
}

#[test]
fn lead_history_status_rows_count_and_other_fields_are_read_and_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = salesforce_with_history("salesforce-LeadHistory.csv", &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let summary = stdout(&o);
    // Four rows read, none rejected: the Owner and `created` rows enter no stage.
    assert!(
        summary.contains("history: 2 stage entries matched by lead id, 0 by deal id"),
        "{summary}"
    );
    let ledger = by_lead(read_csv(&out.join("ledger.csv")));
    let worked = &ledger["00Q5g00000AbCd1AAB"];
    // "Working - Contacted" at 04:50 UTC is the first touch (10:20 in Kolkata).
    assert!(
        worked["first_touch_at"].starts_with("2026-11-16T10:20"),
        "{worked:?}"
    );
}

#[test]
fn a_stage_history_given_as_deals_is_refused_with_the_right_flag() {
    let e = refused(Input::Deals, "salesforce-OpportunityHistory.csv");
    assert!(e.contains("OpportunityHistory"), "{e}");
    assert!(e.contains("pass it as --history"), "{e}");
}

#[test]
fn salesforce_times_are_utc_and_two_reason_fields_fill_each_other() {
    let l = loaded(Input::Deals, "salesforce-Opportunity-two-reasons.csv");
    balanced(&l);
    // `2026-11-17 10:00:00` has no zone: Salesforce's API times are UTC.
    assert_eq!(times(&l, "created_at"), ["2026-11-17 15:30"]);
    // `CloseDate` is a date and stays that date.
    assert_eq!(times(&l, "closed_at"), ["2026-11-20 00:00"]);
    assert_eq!(texts(&l, "lost_reason"), ["Went with a competitor"]);
}

#[test]
fn a_salesforce_lead_without_created_date_names_the_field_to_export() {
    let e = refused(Input::Leads, "salesforce-Lead-no-CreatedDate.csv");
    assert!(e.contains("salesforce-lead"), "{e}");
    assert!(e.contains("`createddate`"), "{e}");
    // No lookalike: the conversion date is not when the lead was created.
    assert!(!e.contains("\"ConvertedDate\" = \"created_at\""), "{e}");
}

#[test]
fn hubspot_deal_stage_columns_are_a_wide_stage_history() {
    let out = tempfile::tempdir().unwrap();
    let o = handoff(&[
        "ledger",
        "--leads",
        preset_file("hubspot-contacts.csv").to_str().unwrap(),
        "--deals",
        preset_file("hubspot-deals.csv").to_str().unwrap(),
        "--history",
        preset_file("hubspot-deals-stage-history.csv")
            .to_str()
            .unwrap(),
        "--as-of",
        "2026-11-25",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let summary = stdout(&o);
    // Two deals, four filled `Date entered` cells: four stage entries by deal id.
    assert!(
        summary.contains("history: 0 stage entries matched by lead id, 4 by deal id"),
        "{summary}"
    );
    let ledger = by_lead(read_csv(&out.path().join("ledger.csv")));
    let rahul = &ledger["51234002"];
    // `Contract Sent` is the proposal stage; no proposal date is in the contacts export.
    assert!(
        rahul["proposal_at"].starts_with("2026-11-19T11:00"),
        "{rahul:?}"
    );
    assert!(rahul["won_at"].starts_with("2026-11-20T17:30"), "{rahul:?}");
    assert_eq!(ledger["51234001"]["proposal_at"], "");
}

/// A folder with these files; the ledger at 2026-11-20 over it, into `out` there.
fn ledger_of(files: &[(&str, &str)]) -> (std::process::Output, tempfile::TempDir) {
    let files: Vec<(&str, &[u8])> = files.iter().map(|(n, t)| (*n, t.as_bytes())).collect();
    let dir = folder(&files);
    let o = ledger_at(dir.path(), "2026-11-20", &dir.path().join("out"), &[]);
    (o, dir)
}

#[test]
fn a_history_row_goes_to_the_kind_of_record_its_header_names() {
    let leads =
        "lead_id,created_at\nL1,2026-11-10 10:00\nL2,2026-11-10 11:00\n12,2026-11-10 12:00\n";
    // Deal 12 and lead 12 share a number; deal D1 is linked to two leads.
    let deals = "deal_id,lead_id,created_at,stage\n12,L1,2026-11-11 10:00,open\nD1,L1,2026-11-11 10:00,open\nD1,L2,2026-11-11 10:00,open\n";
    let history =
        "deal_id,entered_at,stage\n12,2026-11-12 11:00,won\nD1,2026-11-12 12:00,proposal\n";
    let (o, dir) = ledger_of(&[
        ("leads.csv", leads),
        ("deals.csv", deals),
        ("history.csv", history),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("history: 0 stage entries matched by lead id, 2 by deal id, 0 name no known lead or deal"),
        "{}",
        stdout(&o)
    );
    let ledger = by_lead(read_csv(&dir.path().join("out/ledger.csv")));
    assert!(
        ledger["L1"]["won_at"].starts_with("2026-11-12T11:00"),
        "{:?}",
        ledger["L1"]
    );
    assert_eq!(ledger["12"]["won_at"], "");
    for lead in ["L1", "L2"] {
        assert!(ledger[lead]["proposal_at"].starts_with("2026-11-12T12:00"));
    }
}

#[test]
fn a_user_column_map_reads_an_export_that_serves_no_input_as_mapped() {
    let dir = tempfile::tempdir().unwrap();
    let deals = std::fs::read_to_string(preset_file("bitrix24-deals-ui.csv")).unwrap();
    // The advice followed: a column naming each deal's lead, mapped.
    let deals = deals
        .replacen("\"Дата создания\";", "\"Дата создания\";\"ID лида\";", 1)
        .replacen(
            "\"17.11.2026 12:00:00\";",
            "\"17.11.2026 12:00:00\";\"11\";",
            1,
        );
    std::fs::write(dir.path().join("deals.csv"), deals).unwrap();
    std::fs::write(
        dir.path().join("handoff.toml"),
        "[columns.deals]\n\"ID лида\" = \"lead_id\"\n\"Стадия сделки\" = \"stage\"\n",
    )
    .unwrap();
    let config = config(&std::fs::read_to_string(dir.path().join("handoff.toml")).unwrap());
    let l = load::load(
        Input::Deals,
        &dir.path().join("deals.csv"),
        &config,
        &ReadOptions::default(),
    )
    .unwrap();
    assert_eq!(texts(&l, "lead_id"), ["11"]);
}

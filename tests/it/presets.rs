//! Vendor exports through their presets (tests/fixtures/presets, written to each
//! vendor's layout by scripts/make-preset-fixtures.py), workbooks, footers,
//! currencies and `handoff inspect`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use handoff::config::Config;
use handoff::load::{self, Loaded, ReadOptions, presets};
use handoff::model::Input;
use polars::prelude::*;

use crate::support::{by_lead, handoff, read_csv, stdout};

pub fn preset_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/presets")
        .join(name)
}

pub fn load_with(input: Input, name: &str, config: &Config) -> Loaded {
    load::load(input, &preset_file(name), config, &ReadOptions::default())
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

pub fn loaded(input: Input, name: &str) -> Loaded {
    load_with(input, name, &Config::default())
}

/// Column `column` of the loaded frame as text, one per row (null as "").
pub fn texts(l: &Loaded, column: &str) -> Vec<String> {
    let c = l
        .frame
        .column(column)
        .unwrap_or_else(|_| panic!("no column {column}"))
        .cast(&DataType::String)
        .unwrap();
    c.str()
        .unwrap()
        .iter()
        .map(|v| v.unwrap_or("").to_string())
        .collect()
}

/// A time column as local text in Asia/Kolkata, the default zone.
pub fn times(l: &Loaded, column: &str) -> Vec<String> {
    l.frame
        .column(column)
        .unwrap()
        .i64()
        .unwrap()
        .iter()
        .map(|v| {
            v.map(|ms| {
                chrono::DateTime::from_timestamp_millis(ms)
                    .unwrap()
                    .with_timezone(&chrono_tz::Asia::Kolkata)
                    .format("%Y-%m-%d %H:%M")
                    .to_string()
            })
            .unwrap_or_default()
        })
        .collect()
}

pub fn floats(l: &Loaded, column: &str) -> Vec<Option<f64>> {
    l.frame
        .column(column)
        .unwrap()
        .f64()
        .unwrap()
        .iter()
        .collect()
}

pub fn preset_of(l: &Loaded) -> (&str, &str) {
    let p = l.stats.preset.as_ref().expect("a preset was applied");
    (p.name, p.chosen)
}

pub fn balanced(l: &Loaded) {
    assert_eq!(
        l.stats.rows_read,
        l.stats.rows_used + l.stats.rows_rejected,
        "{}",
        l.stats.file
    );
}

#[test]
fn hubspot_contacts_new_labels() {
    let l = loaded(Input::Leads, "hubspot-contacts.csv");
    balanced(&l);
    assert_eq!(preset_of(&l), ("hubspot-contacts", "detected"));
    assert_eq!(l.stats.rows_used, 4);
    assert_eq!(
        texts(&l, "lead_id"),
        ["51234001", "51234002", "51234003", "51234004"]
    );
    // First and last name joined; a missing last name leaves the first alone.
    assert_eq!(texts(&l, "name")[..2], ["Priya Shah", "Rahul"]);
    assert_eq!(texts(&l, "email")[0], "priya.shah@example.in");
    assert_eq!(texts(&l, "phone")[..2], ["+919876543210", "+919822012345"]);
    // The contact's Create Date, not the company's beside it.
    assert_eq!(times(&l, "created_at")[0], "2026-11-16 10:05");
    assert_eq!(texts(&l, "source")[0], "Paid Social");
    assert_eq!(texts(&l, "medium")[0], "Facebook");
    assert_eq!(texts(&l, "campaign")[0], "diwali-kitchens");
    assert_eq!(times(&l, "first_contact_at")[0], "2026-11-16 10:12");
    assert_eq!(times(&l, "qualified_at")[0], "2026-11-17 11:00");
    assert_eq!(times(&l, "won_at")[1], "2026-11-20 17:30");
    // Lead Status first, Lifecycle Stage when it is empty; "Waiting on budget" is unknown.
    assert_eq!(texts(&l, "status"), ["open", "won", "lost", ""]);
    assert_eq!(
        l.stats.unknown_values["status"],
        [("Waiting on budget".to_string(), 1)]
    );
    assert!(
        l.stats
            .ignored
            .contains(&"Became a Marketing Qualified Lead Date".to_string())
    );
}

#[test]
fn hubspot_contacts_old_labels() {
    let l = loaded(Input::Leads, "hubspot-contacts-legacy.csv");
    balanced(&l);
    assert_eq!(preset_of(&l).0, "hubspot-contacts");
    assert_eq!(texts(&l, "lead_id"), ["901", "902"]);
    assert_eq!(texts(&l, "owner"), ["Neha Joshi", "Aman Verma"]);
    assert_eq!(texts(&l, "source"), ["PAID_SEARCH", "OFFLINE"]);
    assert_eq!(texts(&l, "campaign")[0], "brand-kw");
    assert_eq!(times(&l, "meeting_at")[0], "2026-11-18 10:00");
    assert_eq!(times(&l, "won_at")[1], "2026-11-19 11:00");
    assert_eq!(texts(&l, "status"), ["open", "open"]);
}

#[test]
fn hubspot_deals_take_the_first_associated_contact() {
    let l = loaded(Input::Deals, "hubspot-deals.csv");
    balanced(&l);
    assert_eq!(preset_of(&l).0, "hubspot-deals");
    assert_eq!(texts(&l, "lead_id"), ["51234002", "51234001", "51234004"]);
    assert_eq!(texts(&l, "deal_outcome"), ["won", "open", "lost"]);
    assert_eq!(
        floats(&l, "amount"),
        [Some(840000.0), Some(120000.5), Some(90000.0)]
    );
    assert_eq!(texts(&l, "lost_reason")[2], "Went with a competitor");
    assert!(l.stats.unknown_values.is_empty());
}

#[test]
fn hubspot_contacts_and_deals_make_one_ledger() {
    let out = tempfile::tempdir().unwrap();
    let o = handoff(&[
        "scorecard",
        "--week",
        "2026-W47",
        "--leads",
        preset_file("hubspot-contacts.csv").to_str().unwrap(),
        "--deals",
        preset_file("hubspot-deals.csv").to_str().unwrap(),
        "--as-of",
        "2026-11-21",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", crate::support::stderr(&o));
    let summary = stdout(&o);
    assert!(
        summary.contains("read with the HubSpot preset hubspot-contacts (detected)"),
        "{summary}"
    );
    assert!(
        summary.contains("status: 1 value(s) no synonym covers"),
        "{summary}"
    );
    let html = std::fs::read_to_string(out.path().join("scorecard.html")).unwrap();
    assert!(
        html.contains("1 status value(s) match no synonym"),
        "warning on the scorecard"
    );
    let ledger = by_lead(read_csv(&out.path().join("ledger.csv")));
    assert_eq!(ledger["51234002"]["is_won"], "true");
    assert_eq!(ledger["51234002"]["deal_value"], "840000.00");
    // The wardrobe deal makes Priya reach meeting at the deal's creation.
    assert_eq!(
        ledger["51234001"]["meeting_at"],
        "2026-11-18T10:00:00+05:30"
    );
}

#[test]
fn salesforce_data_export_lead_and_opportunity() {
    let config = Config {
        exchange_rates: BTreeMap::from([("EUR".to_string(), 90.0)]),
        ..Default::default()
    };
    let leads = load_with(Input::Leads, "salesforce-Lead.csv", &config);
    balanced(&leads);
    assert_eq!(preset_of(&leads).0, "salesforce-lead");
    assert_eq!(leads.stats.encoding, "windows-1252");
    assert_eq!(
        texts(&leads, "name"),
        ["José Müller", "Zoë Brontë", "Émile Faure"]
    );
    assert_eq!(texts(&leads, "city")[0], "München");
    // UTC with milliseconds, shown in Kolkata.
    assert_eq!(times(&leads, "created_at")[0], "2026-11-16 10:05");
    // Converted is open (the opportunity decides), not won; Rating is intent.
    assert_eq!(texts(&leads, "status"), ["open", "open", "lost"]);
    assert_eq!(texts(&leads, "intent"), ["high", "medium", "low"]);
    assert_eq!(texts(&leads, "deal_id")[1], "0065g00000OpP01AAC");
    assert_eq!(times(&leads, "qualified_at")[1], "2026-11-18 00:00");

    let opps = load_with(Input::Deals, "salesforce-Opportunity.csv", &config);
    balanced(&opps);
    assert_eq!(preset_of(&opps).0, "salesforce-opportunity");
    // IsWon beats a stage name still at Negotiation/Review.
    assert_eq!(texts(&opps, "deal_outcome"), ["won", "lost"]);
    // EUR converted at 90; USD has no rate and is kept empty, never added as rupees.
    assert_eq!(floats(&opps, "amount"), [Some(18500.0 * 90.0), None]);
    let usd = opps
        .stats
        .currencies
        .iter()
        .find(|c| c.currency == "USD")
        .unwrap();
    assert_eq!((usd.amounts, usd.rate), (1, None));
}

#[test]
fn salesforce_opportunities_link_through_the_converted_lead() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("handoff.toml"),
        "[exchange_rates]\nEUR = 90.0\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = handoff(&[
        "ledger",
        "--leads",
        preset_file("salesforce-Lead.csv").to_str().unwrap(),
        "--deals",
        preset_file("salesforce-Opportunity.csv").to_str().unwrap(),
        "--config",
        dir.path().join("handoff.toml").to_str().unwrap(),
        "--as-of",
        "2026-11-30",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", crate::support::stderr(&o));
    let summary = stdout(&o);
    assert!(
        summary.contains("deals: 1 matched, 1 name no known lead"),
        "{summary}"
    );
    let ledger = by_lead(read_csv(&out.join("ledger.csv")));
    assert_eq!(ledger["00Q5g00000AbCd2AAB"]["is_won"], "true");
    assert_eq!(ledger["00Q5g00000AbCd2AAB"]["deal_value"], "1665000.00");
}

#[test]
fn salesforce_report_footer_is_skipped_and_shown() {
    let l = loaded(Input::Leads, "salesforce-lead-report.csv");
    balanced(&l);
    assert_eq!(preset_of(&l).0, "salesforce-lead-report");
    assert_eq!(l.stats.rows_read, 3);
    assert_eq!(l.stats.footer.len(), 5);
    assert_eq!(l.stats.footer[0], "Grand Totals (3 records)");
    assert_eq!(texts(&l, "company")[0], "Shah Interiors");
    assert_eq!(l.stats.date_orders["created_at"], "day-first");
    assert_eq!(times(&l, "created_at")[0], "2026-11-16 00:00");
    assert_eq!(texts(&l, "phone")[1], "+919822012345");
}

#[test]
fn zoho_leads_deals_and_calls() {
    let leads = loaded(Input::Leads, "zoho-Leads.csv");
    balanced(&leads);
    assert_eq!(preset_of(&leads).0, "zoho-leads");
    assert_eq!(texts(&leads, "lead_id")[0], "4876876000000123001");
    assert_eq!(times(&leads, "created_at")[1], "2026-11-16 19:45");
    assert_eq!(texts(&leads, "status"), ["open", "nurture", "lost", ""]);
    assert_eq!(
        leads.stats.unknown_values["status"],
        [("Hot Prospect".to_string(), 1)]
    );
    assert_eq!(texts(&leads, "name")[2], "Fernandes");

    let mut usd = Config::default();
    usd.business.currency = "USD".into();
    let deals = load_with(Input::Deals, "zoho-Deals.csv", &usd);
    balanced(&deals);
    assert_eq!(
        texts(&deals, "lead_id"),
        ["4876876000000123001", "4876876000000123002"]
    );
    assert_eq!(floats(&deals, "amount"), [Some(22700.0), Some(9500.0)]);
    assert_eq!(texts(&deals, "deal_outcome"), ["won", "lost"]);

    let calls = loaded(Input::Calls, "zoho-Calls.csv");
    balanced(&calls);
    assert_eq!(
        texts(&calls, "direction"),
        ["outbound", "inbound", "outbound"]
    );
    // Seconds when given, else the mm:ss duration beside it, row by row.
    assert_eq!(
        floats(&calls, "duration_s"),
        [Some(135.0), Some(0.0), Some(65.0)]
    );
    assert_eq!(texts(&calls, "lead_id")[0], "4876876000000123001");
    assert_eq!(texts(&calls, "outcome"), ["connected", "", "connected"]);
}

#[test]
fn pipedrive_deals_as_leads_and_the_leads_inbox() {
    let l = loaded(Input::Leads, "pipedrive-deals.csv");
    balanced(&l);
    assert_eq!(preset_of(&l).0, "pipedrive-deals");
    assert_eq!(texts(&l, "status"), ["won", "lost", ""]);
    assert_eq!(
        l.stats.unknown_values["status"],
        [("deleted".to_string(), 1)]
    );
    // The first of a list of emails and phones.
    assert_eq!(texts(&l, "email")[0], "ritu@example.in");
    assert_eq!(texts(&l, "phone")[0], "+919820011111");
    assert_eq!(times(&l, "won_at")[0], "2026-11-20 18:00");
    assert_eq!(texts(&l, "lost_reason")[1], "No budget");
    // USD without a rate: kept empty, counted.
    assert_eq!(floats(&l, "deal_value")[..2], [Some(950000.0), None]);

    let inbox = loaded(Input::Leads, "pipedrive-leads.csv");
    balanced(&inbox);
    assert_eq!(preset_of(&inbox).0, "pipedrive-leads");
    assert_eq!(texts(&inbox, "intent"), ["high", "low"]);
    assert_eq!(
        texts(&inbox, "lead_id")[0],
        "3fa85f64-5717-4562-b3fc-2c963f66afa6"
    );
}

#[test]
fn odoo_labels_csv_and_technical_names_xlsx() {
    let l = loaded(Input::Leads, "odoo-crm.lead.csv");
    balanced(&l);
    assert_eq!(preset_of(&l).0, "odoo-crm-lead");
    // Won by stage; lost because inactive, at the closed date.
    assert_eq!(texts(&l, "status"), ["won", "lost"]);
    assert_eq!(times(&l, "won_at"), ["2026-11-20 12:00", ""]);
    assert_eq!(times(&l, "lost_at"), ["", "2026-11-19 09:00"]);
    assert_eq!(texts(&l, "intent"), ["high", "low"]);
    assert_eq!(texts(&l, "lost_reason")[1], "Too expensive");

    let x = loaded(Input::Leads, "odoo-crm.lead-technical.xlsx");
    balanced(&x);
    assert_eq!(preset_of(&x).0, "odoo-crm-lead");
    assert_eq!(x.stats.sheet.as_deref(), Some("crm.lead"));
    assert_eq!(times(&x, "created_at")[0], "2026-11-16 11:00");
    // A phone typed as a number keeps every digit.
    assert_eq!(texts(&x, "phone"), ["+919830012347", "+919830012348"]);
    assert_eq!(texts(&x, "status"), ["open", "won"]);
    assert_eq!(texts(&x, "intent"), ["high", "high"]);
    assert_eq!(times(&x, "won_at")[1], "2026-11-20 16:00");
}

#[test]
fn meta_lead_ads_download_utf16_tabs_and_prefixes() {
    let l = loaded(Input::Forms, "meta-lead-ads.csv");
    balanced(&l);
    assert_eq!(preset_of(&l).0, "meta-lead-ads");
    assert_eq!(l.stats.encoding, "UTF-16LE");
    assert_eq!(l.stats.delimiter, "tab");
    assert_eq!(texts(&l, "submission_id")[0], "1203456789012345");
    assert_eq!(texts(&l, "phone")[0], "+919876543210");
    // Mixed offsets in one column.
    assert_eq!(
        times(&l, "submitted_at")[..2],
        ["2026-11-16 10:01", "2026-11-16 15:00"]
    );
    assert_eq!(
        texts(&l, "utm_source"),
        ["meta_ads", "meta_ads", "meta_organic"]
    );
    assert_eq!(texts(&l, "utm_medium")[..2], ["facebook", "instagram"]);
    assert_eq!(texts(&l, "utm_campaign")[0], "Diwali kitchens");
    assert_eq!(texts(&l, "channel")[0], "meta_lead_ads");
}

#[test]
fn meta_leads_center_reads_day_first() {
    let l = loaded(Input::Forms, "meta-leads-center.csv");
    balanced(&l);
    assert_eq!(preset_of(&l).0, "meta-leads-center");
    assert_eq!(
        times(&l, "submitted_at"),
        ["2026-11-16 10:05", "2026-11-05 18:40"]
    );
    assert_eq!(texts(&l, "utm_medium"), ["Facebook", "Instagram"]);
    // `Source`: Paid is the ad, Organic the page's own form.
    assert_eq!(texts(&l, "utm_source"), ["meta_ads", "meta_organic"]);
}

#[test]
fn meta_leads_center_reads_its_recommended_phone_column() {
    // Newer downloads head the phone column "Phone number (recommended)".
    let l = loaded(Input::Forms, "meta-leads-center-recommended-phone.csv");
    balanced(&l);
    assert_eq!(preset_of(&l).0, "meta-leads-center");
    assert_eq!(texts(&l, "phone"), ["+919876543210", "+919800000003"]);
}

#[test]
fn google_forms_and_typeform_questions_found_by_their_words() {
    let g = loaded(Input::Forms, "google-forms.csv");
    balanced(&g);
    assert_eq!(preset_of(&g).0, "google-forms");
    assert_eq!(g.stats.date_orders["submitted_at"], "month-first");
    assert_eq!(times(&g, "submitted_at")[0], "2026-11-16 10:05");
    assert_eq!(texts(&g, "phone")[0], "+919847012345");
    assert_eq!(texts(&g, "city")[0], "Kochi");
    assert_eq!(texts(&g, "message")[1], "Kitchen, urgent");

    let t = loaded(Input::Forms, "typeform.csv");
    balanced(&t);
    assert_eq!(preset_of(&t).0, "typeform");
    // Submit Date (UTC) 04:32:10 is 10:02 in Kolkata.
    assert_eq!(times(&t, "submitted_at")[0], "2026-11-16 10:02");
    assert_eq!(texts(&t, "name")[0], "Kavya R");
    assert_eq!(texts(&t, "utm_campaign")[0], "brand-search");
    assert_eq!(texts(&t, "submission_id")[1], "p9q8r7zzz1");
}

#[test]
fn call_logs_callrail_exotel_knowlarity() {
    let c = loaded(Input::Calls, "call-log-callrail.csv");
    balanced(&c);
    assert_eq!(preset_of(&c).0, "call-log");
    assert_eq!(times(&c, "started_at")[1], "2026-11-16 20:02");
    assert_eq!(texts(&c, "outcome"), ["connected", "no_answer"]);

    let e = loaded(Input::Calls, "call-log-exotel.csv");
    balanced(&e);
    // The customer is To on an outbound call and From on an inbound one.
    assert_eq!(texts(&e, "phone"), ["+919876543210", "+919800000009"]);
    assert_eq!(texts(&e, "direction"), ["outbound", "inbound"]);
    assert_eq!(texts(&e, "call_id")[0], "9a1f0c2e7b");

    let k = loaded(Input::Calls, "call-log-knowlarity.csv");
    balanced(&k);
    // Date and time columns joined; hh:mm:ss durations in seconds.
    assert_eq!(times(&k, "started_at")[0], "2026-11-16 10:30");
    assert_eq!(floats(&k, "duration_s"), [Some(83.0), Some(0.0)]);
    assert_eq!(texts(&k, "direction"), ["outbound", "inbound"]);
}

#[test]
fn handmade_workbook_serial_dates_numeric_phones_and_a_notes_sheet() {
    let l = loaded(Input::Leads, "handmade-leads.xlsx");
    balanced(&l);
    assert!(l.stats.preset.is_none());
    // The first sheet is notes: the first sheet with a table is read.
    assert_eq!(l.stats.sheet.as_deref(), Some("Leads"));
    assert_eq!(l.stats.rows_read, 3, "the empty row is not a row");
    assert_eq!(
        times(&l, "created_at"),
        ["2026-11-16 10:05", "2026-11-17 10:30", "2026-11-17 18:30"]
    );
    assert_eq!(
        texts(&l, "phone"),
        ["+919876543210", "+919812345678", "+919822012345"]
    );
    assert_eq!(
        floats(&l, "deal_value"),
        [Some(250000.0), Some(120000.0), None]
    );
    let xls = loaded(Input::Leads, "legacy-leads.xls");
    balanced(&xls);
    assert_eq!(
        times(&xls, "created_at"),
        ["2026-11-16 09:45", "2026-11-17 12:00"]
    );
    assert_eq!(texts(&xls, "phone")[0], "+919876543211");
}

#[test]
fn a_named_sheet_that_is_missing_lists_the_sheets() {
    let opts = ReadOptions {
        sheet: Some("Deals".into()),
        ..Default::default()
    };
    let err = load::load(
        Input::Leads,
        &preset_file("handmade-leads.xlsx"),
        &Config::default(),
        &opts,
    )
    .err()
    .expect("no such sheet")
    .to_string();
    assert!(err.contains("has no sheet `Deals`"), "{err}");
    assert!(err.contains("Notes, Leads"), "{err}");
}

#[test]
fn a_preset_for_the_wrong_input_and_an_unknown_preset_are_refused() {
    let o = handoff(&[
        "scorecard",
        "--week",
        "2026-W47",
        "--leads",
        preset_file("hubspot-contacts.csv").to_str().unwrap(),
        "--preset",
        "hubspot-contacts",
        "--preset",
        "zoho-leads",
        "--out",
        "/tmp/never",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(crate::support::stderr(&o).contains("both read the leads file"));
    let cfg = Config::from_toml("[columns.leads]\npreset = \"hubspot-deals\"\n").unwrap_err();
    assert!(cfg.contains("reads a deals export"), "{cfg}");
    let cfg = Config::from_toml("[columns.forms]\npreset = \"facebook\"\n").unwrap_err();
    assert!(cfg.contains("meta-lead-ads"), "{cfg}");
}

#[test]
fn a_preset_given_in_the_config_wins_over_detection() {
    let config = Config::from_toml("[columns.calls]\npreset = \"call-log\"\n").unwrap();
    let l = load_with(Input::Calls, "zoho-Calls.csv", &config);
    assert_eq!(preset_of(&l), ("call-log", "config"));
    let none = Config::from_toml("[columns.leads]\npreset = \"none\"\n").unwrap();
    let plain = load_with(Input::Leads, "hubspot-contacts.csv", &none);
    assert!(plain.stats.preset.is_none());
    // Without the preset only generic names map: Original Source is not the source.
    assert!(plain.stats.ignored.contains(&"Original Source".to_string()));
}

#[test]
fn every_preset_has_a_fixture_it_detects() {
    let fixtures = [
        ("hubspot-contacts", "hubspot-contacts.csv"),
        ("hubspot-deals", "hubspot-deals.csv"),
        ("salesforce-lead", "salesforce-Lead.csv"),
        ("salesforce-opportunity", "salesforce-Opportunity.csv"),
        ("salesforce-lead-report", "salesforce-lead-report.csv"),
        ("zoho-leads", "zoho-Leads.csv"),
        ("zoho-deals", "zoho-Deals.csv"),
        ("zoho-calls", "zoho-Calls.csv"),
        ("pipedrive-deals", "pipedrive-deals.csv"),
        ("pipedrive-leads", "pipedrive-leads.csv"),
        ("odoo-crm-lead", "odoo-crm.lead.csv"),
        ("meta-lead-ads", "meta-lead-ads.csv"),
        ("meta-leads-center", "meta-leads-center.csv"),
        ("typeform", "typeform.csv"),
        ("call-log", "call-log-exotel.csv"),
        ("google-forms", "google-forms.csv"),
        (
            "salesforce-opportunity-history",
            "salesforce-OpportunityHistory.csv",
        ),
        ("salesforce-lead-history", "salesforce-LeadHistory.csv"),
        ("zoho-leads-v1", "zoho-Leads-v1.csv"),
        ("bitrix24-leads", "bitrix24-crm.lead.list.json"),
        ("bitrix24-deals", "bitrix24-crm.deal.list.json"),
        ("bitrix24-leads-ui", "bitrix24-leads-ui.csv"),
        ("legal-intake", "legal-intake-leads.csv"),
    ];
    assert_eq!(fixtures.len(), presets::PRESETS.len());
    for (name, file) in fixtures {
        let o = handoff(&["inspect", preset_file(file).to_str().unwrap()]);
        let text = stdout(&o);
        assert!(o.status.success(), "{file}: {text}");
        assert!(
            text.contains(&format!("preset {name}, detected")),
            "{file} should look like {name}:\n{text}"
        );
        assert!(text.contains(&format!("preset = \"{name}\"")), "{text}");
    }
}

#[test]
fn inspect_reports_problems_unknown_words_and_missing_rates() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("crm leads.csv");
    std::fs::write(
        &f,
        "lead_id;created_at;status;deal_value\nA1;2026-11-16 10:00;Hot Prospect;$1,200\nA2;2026-13-45 10:00;new;\nA3;2026-11-17 10:00;Hot Prospect;\n",
    )
    .unwrap();
    let o = handoff(&["inspect", f.to_str().unwrap()]);
    let text = stdout(&o);
    assert!(o.status.success(), "{text}");
    assert!(
        text.contains("semicolon-delimited; 3 rows: 2 usable, 1 rejected"),
        "{text}"
    );
    assert!(text.contains("1 row(s), created_at (created_at)"), "{text}");
    assert!(text.contains("e.g. line 3: \"2026-13-45 10:00\""), "{text}");
    assert!(text.contains("\"Hot Prospect\" (2)"), "{text}");
    assert!(text.contains("1 amounts in USD: NO RATE"), "{text}");
    assert!(text.contains("[exchange_rates]"), "{text}");
    // A file that is no input at all: exit 4, the others still reported.
    let junk = dir.path().join("notes.csv");
    std::fs::write(&junk, "a,b\n1,2\n").unwrap();
    let o = handoff(&["inspect", f.to_str().unwrap(), junk.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(4));
    assert!(stdout(&o).contains("matches no input"), "{}", stdout(&o));
}

/// Writes `bytes` as a leads file and loads it with the default config.
fn load_bytes(bytes: &[u8], encoding: Option<&str>) -> Loaded {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("leads.csv");
    std::fs::write(&path, bytes).unwrap();
    let opts = ReadOptions {
        encoding: encoding.map(str::to_string),
        ..Default::default()
    };
    load::load(Input::Leads, &path, &Config::default(), &opts).unwrap()
}

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mut out = if big_endian {
        vec![0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE]
    };
    for u in text.encode_utf16() {
        let b = if big_endian {
            u.to_be_bytes()
        } else {
            u.to_le_bytes()
        };
        out.extend(b);
    }
    out
}

#[test]
fn file_handling_encodings_delimiters_quotes_and_nulls() {
    let text = "lead_id,created_at,name\nA1,2026-11-16 10:00,José\n";
    for (bytes, encoding) in [
        (utf16(text, false), "UTF-16LE"),
        (utf16(text, true), "UTF-16BE"),
        (
            [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
            "UTF-8",
        ),
    ] {
        let l = load_bytes(&bytes, None);
        assert_eq!(l.stats.encoding, encoding);
        assert_eq!(texts(&l, "name"), ["José"], "{encoding}");
    }
    // Windows-1252 detected; ISO-8859-1 when told.
    let latin = b"lead_id,created_at,name\nA1,2026-11-16 10:00,Jos\xe9 M\xfcller\n";
    let l = load_bytes(latin, None);
    assert_eq!(l.stats.encoding, "windows-1252");
    assert_eq!(texts(&l, "name"), ["José Müller"]);
    let l = load_bytes(latin, Some("iso-8859-1"));
    assert_eq!(texts(&l, "name"), ["José Müller"]);
    // Mojibake (UTF-8 read as Latin-1 once, saved as UTF-8) is kept as it is.
    let l = load_bytes(
        "lead_id,created_at,name\nA1,2026-11-16 10:00,JosÃ©\n".as_bytes(),
        None,
    );
    assert_eq!(texts(&l, "name"), ["JosÃ©"]);

    for (delimiter, name) in [(";", "semicolon"), ("\t", "tab"), ("|", "pipe")] {
        let t = format!(
            "lead_id{d}created_at{d}name\nA1{d}2026-11-16 10:00{d}Asha\n",
            d = delimiter
        );
        let l = load_bytes(t.as_bytes(), None);
        assert_eq!(l.stats.delimiter, name);
        assert_eq!(texts(&l, "name"), ["Asha"]);
    }

    // Spaces around headers and values; a quoted field over two lines; literal nulls;
    // a two-digit year; two offsets in one column.
    let messy = " Lead ID , Created At ,Name, Lost Reason \n\
                 A1 , 16/11/26 10:00 , Asha ,\"called twice,\nno answer\"\n\
                 A2,2026-11-16T10:00:00+00:00,NULL,N/A\n\
                 A3,2026-11-16T10:00:00-05:00,null,#N/A\n\
                 A4,not a date,Dev,\n";
    let l = load_bytes(messy.as_bytes(), None);
    balanced(&l);
    assert_eq!(texts(&l, "lead_id"), ["A1", "A2", "A3"]);
    assert_eq!(texts(&l, "name"), ["Asha", "", ""]);
    assert_eq!(
        texts(&l, "lost_reason"),
        ["called twice,\nno answer", "", ""]
    );
    assert_eq!(
        times(&l, "created_at"),
        ["2026-11-16 10:00", "2026-11-16 15:30", "2026-11-16 20:30"]
    );
    // The bad date is on line 6: the quoted field took two lines.
    let line = l.rejects.column("line").unwrap().i64().unwrap().get(0);
    assert_eq!(line, Some(6));
}

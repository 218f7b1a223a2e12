//! Presets from the second round of real exports (issue 17): Salesforce's
//! stage-history objects, Zoho's older export, Bitrix24 (REST and the UI
//! export), and a legal-intake CRM. Each follows the vendor's public
//! documentation, summarised with sources in docs/research/.

use super::Take::*;
use super::{Fix, Preset, Special, Vocabulary, fixed, rule};
use crate::config::{DateOrder, DealOutcome, Status};
use crate::model::*;

/// Salesforce `OpportunityHistory`: a snapshot row each time an
/// opportunity's stage, amount, probability or close date changes.
pub const SALESFORCE_OPPORTUNITY_HISTORY: Preset = Preset {
    name: "salesforce-opportunity-history",
    vendor: "Salesforce",
    export: "OpportunityHistory object (stage changes), API field names",
    menu: "Setup > Data Export > Export Now (OpportunityHistory), or Data Loader > Export > Opportunity History",
    input: Input::History,
    signature: &[&["opportunityid"], &["stagename"], &["createddate"]],
    excludes: &[],
    rules: &[
        rule(RECORD_ID, Any(&["opportunityid"])),
        fixed(ENTERED_AT, Any(&["createddate"]), Fix::Utc),
        rule(STAGE, Any(&["stagename"])),
    ],
    vocabulary: Vocabulary::NONE,
    date_order: None,
    notes: "Each row is the opportunity as it stood after a change: a row whose stage did not change enters nothing new (the earliest entry into each stage counts). `CreatedDate` is UTC, as every Salesforce API export's times are. Rows name the opportunity: load the Opportunity export (`--deals`) so they reach its lead.",
};

/// Salesforce `LeadHistory` (field history tracking): one row per changed field.
pub const SALESFORCE_LEAD_HISTORY: Preset = Preset {
    name: "salesforce-lead-history",
    vendor: "Salesforce",
    export: "LeadHistory object (field history, with Status tracked), API field names",
    menu: "Setup > Data Export > Export Now (LeadHistory), or Data Loader > Export > Lead History",
    input: Input::History,
    signature: &[&["leadid"], &["field"], &["newvalue"]],
    excludes: &[],
    rules: &[
        rule(RECORD_ID, Any(&["leadid"])),
        fixed(ENTERED_AT, Any(&["createddate"]), Fix::Utc),
        rule(STAGE, Any(&["newvalue"])),
        rule(FIELD, Any(&["field"])),
    ],
    vocabulary: Vocabulary::NONE,
    date_order: None,
    notes: "Only rows whose `Field` is the status count (`Status`); owner and other field changes are read and ignored. Rows exist only for changes made after Lead Status history tracking was turned on. `CreatedDate` is UTC.",
};

/// Zoho CRM's older export (API v1 field labels: `LEADID`, `SMOWNERID`).
pub const ZOHO_LEADS_V1: Preset = Preset {
    name: "zoho-leads-v1",
    vendor: "Zoho CRM",
    export: "Leads, older export with API v1 names (`LEADID`, `SMOWNERID`, `Created Time`)",
    menu: "Files written by a Zoho API v1 connector or an old backup (the v1 API was turned off in 2019; today's exports use `zoho-leads`)",
    input: Input::Leads,
    signature: &[&["leadid"], &["smownerid"], &["created_time"]],
    excludes: &[],
    rules: &[
        rule(LEAD_ID, Any(&["leadid"])),
        rule(CREATED_AT, Any(&["created_time"])),
        rule(NAME, Join(&["first_name", "last_name"])),
        rule(NAME, Any(&["last_name", "first_name"])),
        rule(EMAIL, Any(&["email", "secondary_email"])),
        rule(PHONE, Any(&["mobile", "phone"])),
        rule(CITY, Any(&["city"])),
        rule(COMPANY, Any(&["company"])),
        rule(SOURCE, Any(&["lead_source"])),
        rule(OWNER, Any(&["lead_owner", "smownerid"])),
        rule(STATUS, Any(&["lead_status"])),
        rule(INTENT, Any(&["rating"])),
        rule(UPDATED_AT, Any(&["modified_time"])),
    ],
    vocabulary: Vocabulary {
        status: super::ZOHO_STATUS,
        ..Vocabulary::NONE
    },
    date_order: None,
    notes: "Times are `YYYY-MM-DD HH:mm:ss` in the CRM user's zone (no offset); `null` cells are empty. The v1 export has no first-contact or lost-reason field: add the Calls export for response times. Potentials (deals) of this format read with `zoho-deals`; Events and Campaigns serve no input (`handoff inspect` says what to export instead).",
};

/// Bitrix24 lead semantics: `S` converted (its deal carries the outcome),
/// `F` failed, `P` in progress.
const BITRIX_LEAD_STATUS: &[(Status, &[&str])] = &[
    (
        Status::Open,
        &["new", "in_process", "in process", "processed", "converted"],
    ),
    (Status::Lost, &["junk"]),
];

/// Bitrix24 REST lists (`crm.lead.list`), as JSON or flattened to CSV.
pub const BITRIX24_LEADS: Preset = Preset {
    name: "bitrix24-leads",
    vendor: "Bitrix24",
    export: "Leads through the REST API (`crm.lead.list` with `select: [\"*\", \"PHONE\", \"EMAIL\"]`), JSON or CSV",
    menu: "REST: crm.lead.list (an incoming webhook with CRM access; save each page's `result`, or the whole response)",
    input: Input::Leads,
    signature: &[&["status_id"], &["date_create"], &["assigned_by_id"]],
    excludes: &["stage_id"],
    rules: &[
        rule(LEAD_ID, Any(&["id"])),
        rule(CREATED_AT, Any(&["date_create"])),
        rule(NAME, Join(&["name", "last_name"])),
        rule(NAME, Any(&["name", "title"])),
        fixed(EMAIL, Any(&["email"]), Fix::MultiFieldValue),
        fixed(PHONE, Any(&["phone"]), Fix::MultiFieldValue),
        rule(COMPANY, Any(&["company_title"])),
        rule(SOURCE, Any(&["utm_source", "source_id"])),
        rule(MEDIUM, Any(&["utm_medium"])),
        rule(CAMPAIGN, Any(&["utm_campaign"])),
        rule(OWNER, Any(&["assigned_by_id"])),
        fixed(
            STATUS,
            Any(&["status_semantic_id"]),
            Fix::Rename(&[("s", "open"), ("f", "lost"), ("p", "open")]),
        ),
        rule(STATUS, Any(&["status_id"])),
        rule(
            QUALIFIED_AT,
            Special(Special::DateWhen {
                date: &["date_closed"],
                status: &["status_semantic_id", "status_id"],
                words: &["s", "converted"],
                inactive: &[],
            }),
        ),
        rule(
            LOST_AT,
            Special(Special::DateWhen {
                date: &["date_closed"],
                status: &["status_semantic_id", "status_id"],
                words: &["f", "junk"],
                inactive: &[],
            }),
        ),
        rule(LOST_REASON, Any(&["status_description"])),
        rule(DEAL_VALUE, Any(&["opportunity"])),
        rule(CURRENCY, Any(&["currency_id"])),
        rule(UPDATED_AT, Any(&["date_modify"])),
    ],
    vocabulary: Vocabulary {
        status: BITRIX_LEAD_STATUS,
        ..Vocabulary::NONE
    },
    date_order: None,
    notes: "`STATUS_SEMANTIC_ID` decides: `S` (converted: open, its deal carries the outcome; `DATE_CLOSED` is the qualified time), `F` lost, `P` open; custom statuses need no mapping. `PHONE` and `EMAIL` are multi-fields: the first `VALUE` is read. `ASSIGNED_BY_ID` is a user id (names need `user.get`). No first-contact time: add the call log.",
};

/// Bitrix24 REST deals (`crm.deal.list`).
pub const BITRIX24_DEALS: Preset = Preset {
    name: "bitrix24-deals",
    vendor: "Bitrix24",
    export: "Deals through the REST API (`crm.deal.list` with `LEAD_ID` selected), JSON or CSV",
    menu: "REST: crm.deal.list (select `*`; `LEAD_ID` links each deal to its lead)",
    input: Input::Deals,
    signature: &[
        &["stage_id"],
        &["stage_semantic_id", "category_id"],
        &["date_create"],
    ],
    excludes: &[],
    rules: &[
        rule(DEAL_ID, Any(&["id"])),
        rule(LEAD_ID, Any(&["lead_id"])),
        rule(CREATED_AT, Any(&["date_create"])),
        fixed(
            STAGE,
            Any(&["stage_semantic_id"]),
            Fix::Rename(&[("s", "won"), ("f", "lost"), ("p", "open")]),
        ),
        rule(STAGE, Any(&["stage_id"])),
        rule(AMOUNT, Any(&["opportunity"])),
        rule(CURRENCY, Any(&["currency_id"])),
        rule(
            CLOSED_AT,
            Special(Special::DateWhen {
                date: &["closedate"],
                status: &["closed"],
                words: &["y"],
                inactive: &[],
            }),
        ),
        rule(OWNER, Any(&["assigned_by_id"])),
    ],
    vocabulary: Vocabulary {
        deal_stage: &[
            (DealOutcome::Won, &["won"]),
            (DealOutcome::Lost, &["lose", "apology"]),
            (
                DealOutcome::Open,
                &[
                    "new",
                    "preparation",
                    "prepayment_invoice",
                    "executing",
                    "final_invoice",
                ],
            ),
        ],
        ..Vocabulary::NONE
    },
    date_order: None,
    notes: "`STAGE_SEMANTIC_ID` decides won (`S`), lost (`F`) and open (`P`) in every pipeline; without it the default pipeline's `WON`, `LOSE` and `APOLOGY` do. `CLOSEDATE` counts only when `CLOSED` is `Y`. Deals without `LEAD_ID` (made from a contact) match no lead and are counted apart.",
};

/// Bitrix24's lead list exported from the UI (Russian interface).
pub const BITRIX24_LEADS_UI: Preset = Preset {
    name: "bitrix24-leads-ui",
    vendor: "Bitrix24",
    export: "Lead list exported from the UI (CSV, `;`-delimited, Russian column names)",
    menu: "CRM > Leads > list > ⚙ > Export to CSV",
    input: Input::Leads,
    signature: &[&["название_лида"], &["дата_создания"]],
    excludes: &[],
    rules: &[
        rule(LEAD_ID, Any(&["id"])),
        rule(CREATED_AT, Any(&["дата_создания"])),
        rule(NAME, Join(&["имя", "фамилия"])),
        rule(NAME, Any(&["имя", "название_лида"])),
        rule(EMAIL, Any(&["e_mail", "рабочий_e_mail", "частный_e_mail"])),
        rule(
            PHONE,
            Any(&[
                "телефон",
                "мобильный_телефон",
                "рабочий_телефон",
                "домашний_телефон",
            ]),
        ),
        rule(COMPANY, Any(&["название_компании"])),
        rule(SOURCE, Any(&["источник"])),
        rule(OWNER, Any(&["ответственный"])),
        rule(STATUS, Any(&["статус", "стадия"])),
        rule(LOST_REASON, Any(&["дополнительно_о_статусе"])),
        rule(DEAL_VALUE, Any(&["возможная_сумма", "сумма"])),
        rule(UPDATED_AT, Any(&["дата_изменения"])),
    ],
    vocabulary: Vocabulary {
        status: &[
            (
                Status::Open,
                &["не обработан", "в работе", "обработан", "качественный лид"],
            ),
            (Status::Lost, &["некачественный лид"]),
        ],
        ..Vocabulary::NONE
    },
    date_order: Some(DateOrder::Dmy),
    notes: "Dates are the portal's `DD.MM.YYYY HH:MM:SS` in the exporting user's zone. Statuses are display names: custom ones need `[synonyms.status]`. The UI's deal list names no lead, so deals come from REST (`bitrix24-deals`).",
};

/// A legal-intake CRM's lead report (Lead Docket's report builder).
pub const LEGAL_INTAKE: Preset = Preset {
    name: "legal-intake",
    vendor: "Legal intake CRM (Lead Docket)",
    export: "Leads report export (XLSX, or CSV saved from it)",
    menu: "Reports > new report on Leads > Export",
    input: Input::Leads,
    signature: &[
        &["lead_id"],
        &["created_date"],
        &["marketing_source", "contact_source", "phone_call_source"],
    ],
    excludes: &[],
    rules: &[
        rule(LEAD_ID, Any(&["lead_id"])),
        rule(CREATED_AT, Any(&["created_date"])),
        rule(NAME, Join(&["first_name", "last_name"])),
        rule(NAME, Any(&["full_name", "last_name"])),
        rule(EMAIL, Any(&["email", "primary_email"])),
        rule(
            PHONE,
            Any(&["primary_phone", "mobile_phone", "home_phone", "work_phone"]),
        ),
        rule(SOURCE, Any(&["marketing_source"])),
        rule(MEDIUM, Any(&["contact_source"])),
        rule(
            CAMPAIGN,
            Any(&["marketing_source_details", "phone_call_source"]),
        ),
        rule(SERVICE, Any(&["case_type"])),
        rule(
            OWNER,
            Any(&["assigned_to", "intake_specialist", "assignee"]),
        ),
        rule(ASSIGNED_AT, Any(&["assigned_date"])),
        rule(STATUS, Any(&["status", "lead_status"])),
        rule(
            LOST_REASON,
            Any(&["substatus", "sub_status", "lost_reason"]),
        ),
        rule(WON_AT, Any(&["signed_up_date", "signed_date"])),
    ],
    vocabulary: Vocabulary {
        status: &[
            (
                Status::Won,
                &["signed up", "signedup", "signed", "retained", "closed"],
            ),
            (
                Status::Lost,
                &["lost", "rejected", "referred", "referred out", "declined"],
            ),
            (
                Status::Open,
                &[
                    "new",
                    "assigned",
                    "chase",
                    "under review",
                    "underreview",
                    "hold",
                    "scheduled",
                    "pending",
                ],
            ),
        ],
        ..Vocabulary::NONE
    },
    date_order: None,
    notes: "`Signed Up` (and `Closed`, a signed case that settled) is a win at `Signed Up Date`; `Lost`, `Rejected` and `Referred` are losses, with the substatus as the reason when the report includes it. Statuses are the firm's own (admins rename them): words no synonym covers are listed by `inspect`. The report has no first-contact time: add the call log (its `Phone Call Source` is the tracking number's campaign).",
};

//! Bitrix24: REST lists (JSON or flattened CSV) and the UI's lead list.

use super::Take::*;
use super::{Fix, Preset, Special, Vocabulary, fixed, rule};
use crate::config::{DateOrder, DealOutcome, Status};
use crate::model::*;

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

//! A legal-intake CRM's lead report (Lead Docket's report builder).

use super::Take::*;
use super::{Preset, Vocabulary, rule};
use crate::config::Status;
use crate::model::*;

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

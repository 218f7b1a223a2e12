//! Zoho CRM's older export (API v1 labels).

use super::Take::*;
use super::{Preset, Vocabulary, rule};
use crate::model::*;

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

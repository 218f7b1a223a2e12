//! Salesforce's stage-history objects, read as the history input (`--history`).

use super::Take::*;
use super::{Fix, Preset, Vocabulary, fixed, rule};
use crate::model::*;

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

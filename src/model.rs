//! Canonical column names and the shape of every input, in one place.
//!
//! Times are carried as `Int64` milliseconds since the Unix epoch (UTC)
//! between stages; they become local ISO 8601 text only when written out.

/// The kind of a canonical column: how its text is parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Datetime,
    Money,
    Phone,
    Email,
    /// A non-negative number (durations in seconds).
    Number,
}

/// One canonical column of an input.
#[derive(Debug, Clone, Copy)]
pub struct ColumnSpec {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
    /// Other export headers that mean this column with no config at all.
    pub aliases: &'static [&'static str],
}

const fn col(
    name: &'static str,
    kind: Kind,
    required: bool,
    aliases: &'static [&'static str],
) -> ColumnSpec {
    ColumnSpec {
        name,
        kind,
        required,
        aliases,
    }
}

/// The inputs of the data contract: its five, and the stage history (an extension).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Input {
    Leads,
    Deals,
    Forms,
    Calls,
    Spend,
    /// One row per stage change of a lead or a deal (Salesforce
    /// OpportunityHistory, LeadHistory, a CRM's stage log).
    History,
}

impl Input {
    pub const ALL: [Input; 6] = [
        Input::Leads,
        Input::Deals,
        Input::Forms,
        Input::Calls,
        Input::Spend,
        Input::History,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Input::Leads => "leads",
            Input::Deals => "deals",
            Input::Forms => "forms",
            Input::Calls => "calls",
            Input::Spend => "spend",
            Input::History => "history",
        }
    }

    pub fn columns(self) -> &'static [ColumnSpec] {
        match self {
            Input::Leads => LEADS_COLUMNS,
            Input::Deals => DEALS_COLUMNS,
            Input::Forms => FORMS_COLUMNS,
            Input::Calls => CALLS_COLUMNS,
            Input::Spend => SPEND_COLUMNS,
            Input::History => HISTORY_COLUMNS,
        }
    }
}

use Kind::*;

pub const LEADS_COLUMNS: &[ColumnSpec] = &[
    col(LEAD_ID, Text, true, &["id", "record_id", "lead", "leadid"]),
    col(
        CREATED_AT,
        Datetime,
        true,
        &[
            "created",
            "create_date",
            "created_date",
            "created_time",
            "createddate",
        ],
    ),
    col(
        NAME,
        Text,
        false,
        &["full_name", "lead_name", "contact_name"],
    ),
    col(EMAIL, Email, false, &["email_address", "e_mail"]),
    col(
        PHONE,
        Phone,
        false,
        &["mobile", "phone_number", "mobile_number", "contact_number"],
    ),
    col(CITY, Text, false, &[]),
    col(COMPANY, Text, false, &[]),
    col(SOURCE, Text, false, &["lead_source", "channel"]),
    col(CAMPAIGN, Text, false, &["campaign_name"]),
    col(MEDIUM, Text, false, &[]),
    col(LANDING_PAGE, Text, false, &[]),
    col(
        SERVICE,
        Text,
        false,
        &["service_type", "service_needed", "product"],
    ),
    col(INTENT, Text, false, &["priority", "lead_intent", "rating"]),
    col(OWNER, Text, false, &["lead_owner", "assigned_to", "rep"]),
    col(ASSIGNED_AT, Datetime, false, &["assigned_date"]),
    col(
        FIRST_CONTACT_AT,
        Datetime,
        false,
        &["first_contacted_at", "first_contact"],
    ),
    col(QUALIFIED_AT, Datetime, false, &[]),
    col(
        MEETING_AT,
        Datetime,
        false,
        &["site_visit_at", "appointment_at"],
    ),
    col(
        PROPOSAL_AT,
        Datetime,
        false,
        &["quote_sent_at", "quotation_at"],
    ),
    col(WON_AT, Datetime, false, &[]),
    col(LOST_AT, Datetime, false, &[]),
    col(STATUS, Text, false, &["lead_status"]),
    col(LOST_REASON, Text, false, &["loss_reason", "disposition"]),
    col(RETURNED_AT, Datetime, false, &[]),
    col(RETURN_REASON, Text, false, &[]),
    col(
        DEAL_VALUE,
        Money,
        false,
        &["value", "amount", "deal_amount"],
    ),
    col(CURRENCY, Text, false, &["currency_code", "currencyisocode"]),
    col(
        DEAL_ID,
        Text,
        false,
        &["converted_deal_id", "opportunity_id"],
    ),
    col(
        NEXT_ACTION_AT,
        Datetime,
        false,
        &["next_follow_up", "follow_up_date", "next_action_date"],
    ),
    col(
        UPDATED_AT,
        Datetime,
        false,
        &["last_modified", "modified_time", "last_modified_date"],
    ),
];

pub const DEALS_COLUMNS: &[ColumnSpec] = &[
    col(DEAL_ID, Text, false, &["id", "opportunity_id"]),
    col(LEAD_ID, Text, true, &["lead", "contact_id"]),
    col(
        CREATED_AT,
        Datetime,
        false,
        &["created", "create_date", "created_date"],
    ),
    col(STAGE, Text, false, &["deal_stage", "stage_name"]),
    col(AMOUNT, Money, false, &["value", "deal_value"]),
    col(CLOSED_AT, Datetime, false, &["close_date", "closed_date"]),
    col(OWNER, Text, false, &["deal_owner"]),
    col(LOST_REASON, Text, false, &["loss_reason"]),
    col(CURRENCY, Text, false, &["currency_code", "currencyisocode"]),
];

pub const FORMS_COLUMNS: &[ColumnSpec] = &[
    col(
        SUBMITTED_AT,
        Datetime,
        true,
        &["created_time", "timestamp", "submitted", "created"],
    ),
    col(SUBMISSION_ID, Text, false, &["id"]),
    col(NAME, Text, false, &["full_name"]),
    col(EMAIL, Email, false, &["email_address"]),
    col(PHONE, Phone, false, &["phone_number", "mobile"]),
    col(CITY, Text, false, &[]),
    col(FORM, Text, false, &["form_name"]),
    col(CHANNEL, Text, false, &["platform"]),
    col(UTM_SOURCE, Text, false, &["source"]),
    col(UTM_MEDIUM, Text, false, &["medium"]),
    col(UTM_CAMPAIGN, Text, false, &["campaign", "campaign_name"]),
    col(UTM_CONTENT, Text, false, &["ad_name"]),
    col(LANDING_PAGE, Text, false, &[]),
    col(MESSAGE, Text, false, &[]),
];

pub const CALLS_COLUMNS: &[ColumnSpec] = &[
    col(
        STARTED_AT,
        Datetime,
        true,
        &["start_time", "call_start_time", "date_time", "timestamp"],
    ),
    col(DIRECTION, Text, true, &["call_type", "type"]),
    col(
        PHONE,
        Phone,
        false,
        &[
            "customer_number",
            "caller_number",
            "number",
            "customer_phone_number",
        ],
    ),
    col(LEAD_ID, Text, false, &[]),
    col(CALL_ID, Text, false, &["id"]),
    col(AGENT, Text, false, &["agent_name", "call_owner", "user"]),
    col(
        DURATION_S,
        Number,
        false,
        &["duration", "call_duration", "duration_sec"],
    ),
    col(
        OUTCOME,
        Text,
        false,
        &["call_status", "status", "disposition"],
    ),
    col(CHANNEL, Text, false, &["medium"]),
];

pub const SPEND_COLUMNS: &[ColumnSpec] = &[
    col(DATE, Datetime, true, &["day", "reporting_starts"]),
    col(SOURCE, Text, false, &["platform"]),
    col(CAMPAIGN, Text, false, &["campaign_name"]),
    col(SPEND, Money, true, &["amount_spent", "cost", "amount"]),
    col(CURRENCY, Text, false, &["currency_code"]),
];

pub const HISTORY_COLUMNS: &[ColumnSpec] = &[
    col(
        RECORD_ID,
        Text,
        true,
        &[
            "lead_id",
            "deal_id",
            "leadid",
            "opportunityid",
            "opportunity_id",
            "dealid",
            "object_id",
        ],
    ),
    col(
        ENTERED_AT,
        Datetime,
        true,
        &[
            "changed_at",
            "createddate",
            "created_date",
            "timestamp",
            "date",
            "changed_on",
        ],
    ),
    col(
        STAGE,
        Text,
        true,
        &[
            "stagename",
            "stage_name",
            "new_stage",
            "to_stage",
            "newvalue",
            "new_value",
            "status",
        ],
    ),
    col(FIELD, Text, false, &["changed_field"]),
];

// Input columns.
pub const RECORD_ID: &str = "record_id";
/// Added to a loaded history: whether its ids are lead ids, deal ids, or either
/// (from the header that held them).
pub const RECORD_KIND: &str = "record_kind";
pub const RECORD_LEAD: &str = "lead";
pub const RECORD_DEAL: &str = "deal";
pub const RECORD_ANY: &str = "any";
pub const ENTERED_AT: &str = "entered_at";
pub const FIELD: &str = "field";
pub const LEAD_ID: &str = "lead_id";
pub const CREATED_AT: &str = "created_at";
pub const NAME: &str = "name";
pub const EMAIL: &str = "email";
pub const PHONE: &str = "phone";
pub const CITY: &str = "city";
pub const COMPANY: &str = "company";
pub const SOURCE: &str = "source";
pub const CAMPAIGN: &str = "campaign";
pub const MEDIUM: &str = "medium";
pub const LANDING_PAGE: &str = "landing_page";
pub const SERVICE: &str = "service";
pub const INTENT: &str = "intent";
pub const OWNER: &str = "owner";
pub const ASSIGNED_AT: &str = "assigned_at";
pub const FIRST_CONTACT_AT: &str = "first_contact_at";
pub const QUALIFIED_AT: &str = "qualified_at";
pub const MEETING_AT: &str = "meeting_at";
pub const PROPOSAL_AT: &str = "proposal_at";
pub const WON_AT: &str = "won_at";
pub const LOST_AT: &str = "lost_at";
pub const STATUS: &str = "status";
pub const LOST_REASON: &str = "lost_reason";
pub const RETURNED_AT: &str = "returned_at";
pub const RETURN_REASON: &str = "return_reason";
pub const DEAL_VALUE: &str = "deal_value";
pub const NEXT_ACTION_AT: &str = "next_action_at";
pub const UPDATED_AT: &str = "updated_at";
pub const DEAL_ID: &str = "deal_id";
pub const CURRENCY: &str = "currency";
pub const STAGE: &str = "stage";
pub const AMOUNT: &str = "amount";
pub const CLOSED_AT: &str = "closed_at";
pub const SUBMITTED_AT: &str = "submitted_at";
pub const SUBMISSION_ID: &str = "submission_id";
pub const FORM: &str = "form";
pub const CHANNEL: &str = "channel";
pub const UTM_SOURCE: &str = "utm_source";
pub const UTM_MEDIUM: &str = "utm_medium";
pub const UTM_CAMPAIGN: &str = "utm_campaign";
pub const UTM_CONTENT: &str = "utm_content";
pub const MESSAGE: &str = "message";
pub const STARTED_AT: &str = "started_at";
pub const DIRECTION: &str = "direction";
pub const CALL_ID: &str = "call_id";
pub const AGENT: &str = "agent";
pub const DURATION_S: &str = "duration_s";
pub const OUTCOME: &str = "outcome";
pub const DATE: &str = "date";
pub const SPEND: &str = "spend";

// Bookkeeping columns added by the loader.
/// 1-based line of the row in its file (the header is line 1).
pub const LINE: &str = "_line";
/// The raw text of a phone or email that did not parse (kept for the data-quality report).
pub const PHONE_RAW: &str = "phone_raw";

// Derived columns of the enriched lead ledger.
pub const DUPLICATE_ROWS: &str = "duplicate_rows";
pub const CAPTURED_AT: &str = "captured_at";
pub const CAPTURED_BY_FORM: &str = "captured_by_form";
pub const HANDOFF_LAG_MIN: &str = "handoff_lag_min";
pub const MATCHED_FORMS: &str = "matched_forms";
pub const FIRST_TOUCH_AT: &str = "first_touch_at";
pub const TOUCH_BEFORE_CAPTURE: &str = "touch_before_capture";
pub const FT_SOURCE: &str = "first_touch_source";
pub const FT_MEDIUM: &str = "first_touch_medium";
pub const FT_CAMPAIGN: &str = "first_touch_campaign";
pub const LT_SOURCE: &str = "last_touch_source";
pub const LT_MEDIUM: &str = "last_touch_medium";
pub const LT_CAMPAIGN: &str = "last_touch_campaign";
pub const INTENT_GIVEN: &str = "intent_given";
pub const AFTER_HOURS: &str = "after_hours";
pub const RESPONSE_MIN: &str = "response_min";
pub const BUSINESS_RESPONSE_MIN: &str = "business_response_min";
pub const SLA_TIER: &str = "sla_tier";
pub const SLA_DUE_AT: &str = "sla_due_at";
pub const SLA_STATUS: &str = "sla_status";
pub const SLA_DELAY_MIN: &str = "sla_delay_business_min";
pub const ESCALATED: &str = "escalated";
pub const REASSIGN: &str = "reassign_candidate";
pub const ATTEMPTS: &str = "attempts";
pub const CALLS_TOTAL: &str = "calls_total";
pub const INBOUND_CALLS: &str = "inbound_calls";
pub const CONTACTED_AT: &str = "contacted_at";
pub const DEALS_COUNT: &str = "deals";
pub const STATUS_GIVEN: &str = "status_given";
pub const STATUS_FINAL: &str = "status_at_as_of";
pub const IS_WON: &str = "is_won";
pub const IS_LOST: &str = "is_lost";
pub const LOST_REASON_NORM: &str = "lost_reason_normalised";
pub const LOST_CATEGORY: &str = "lost_category";
pub const LOST_CLASS: &str = "lost_class";
pub const UNDER_WORKED: &str = "under_worked";
/// Not touched (no first touch and no later stage reached) by as-of; null
/// when the inputs hold no first-touch source at all.
pub const NEVER_TOUCHED: &str = "never_touched";
/// No first-touch time, but a later stage reached: its earliest timestamp bounds the touch.
pub const TOUCH_BOUND_AT: &str = "touch_bound_at";
/// Lost with a process-class reason, or untouched past its SLA due time.
pub const PROCESS_LOSS: &str = "process_loss";
/// Won by status with no won timestamp: a win, left out of dated figures.
pub const WON_UNDATED: &str = "won_undated";
/// Business minutes from capture to assignment.
pub const ASSIGNMENT_LAG_MIN: &str = "assignment_lag_business_min";
/// Business minutes from max(assigned, captured) to first touch.
pub const REP_RESPONSE_MIN: &str = "rep_response_business_min";

// Private columns shared between the join and the clocks.
/// `lost_at` lies after as-of: the loss has not happened yet.
pub const LOST_LATER: &str = "_lost_later";
/// `returned_at` lies after as-of.
pub const RETURNED_LATER: &str = "_returned_later";
/// `won_at` lies after as-of: the win has not happened yet.
pub const WON_LATER: &str = "_won_later";

// Values of the ledger's state columns.
pub const OPEN: &str = "open";
pub const WON: &str = "won";
pub const LOST: &str = "lost";
pub const RETURNED: &str = "returned";
/// Lost-reason classes (`lost_class`).
pub const PROCESS: &str = "process";
pub const MARKET: &str = "market";

/// A lead's SLA state at as-of (`sla_status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlaState {
    /// First touch (or its bound) at or before the due time.
    Met,
    /// Touched after the due time, or untouched past it.
    Breached,
    /// Untouched and not yet due: waiting.
    NotDue,
    /// Touched (a later stage was reached) at a time that cannot be placed before the due time.
    Unknown,
    /// Untouched as far as the inputs can tell, and they hold no first-touch source.
    NotMeasured,
}

impl SlaState {
    pub const ALL: [SlaState; 5] = [
        SlaState::Met,
        SlaState::Breached,
        SlaState::NotDue,
        SlaState::Unknown,
        SlaState::NotMeasured,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            SlaState::Met => "met",
            SlaState::Breached => "breached",
            SlaState::NotDue => "not_due",
            SlaState::Unknown => "unknown",
            SlaState::NotMeasured => "not_measured",
        }
    }
}

/// Whether a text column is a key that joins or identifies rows (ids): such
/// values lose invisible characters, which would make two keys of one.
pub fn is_key(name: &str) -> bool {
    matches!(
        name,
        LEAD_ID | DEAL_ID | SUBMISSION_ID | CALL_ID | RECORD_ID
    )
}

/// The pipeline's stages in order; `contacted` is `first_touch_at`.
pub const STAGES: [&str; 7] = [
    "captured",
    "assigned",
    "contacted",
    "qualified",
    "meeting",
    "proposal",
    "won",
];

/// The timestamp column that marks each stage of [`STAGES`].
pub const STAGE_AT: [&str; 7] = [
    CAPTURED_AT,
    ASSIGNED_AT,
    CONTACTED_AT,
    QUALIFIED_AT,
    MEETING_AT,
    PROPOSAL_AT,
    WON_AT,
];

/// The position of a stage in [`STAGES`].
pub fn stage_index(stage: &str) -> usize {
    STAGES
        .iter()
        .position(|s| *s == stage)
        .expect("a stage of STAGES")
}

/// The flag column "reached_<stage>".
pub fn reached(stage: &str) -> String {
    format!("reached_{stage}")
}

/// The type of a ledger column, as written and as held between stages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerType {
    Text,
    /// Epoch ms, written as local ISO 8601.
    Instant,
    Flag,
    /// Minutes, or an amount of money.
    Decimal,
    Count,
}

use LedgerType as T;

/// The enriched lead ledger's columns, in order, with their types: declared
/// once, for the clocks, the writers and the tests (documented in docs/metrics.md).
pub const LEDGER: &[(&str, LedgerType)] = &[
    (LEAD_ID, T::Text),
    (CREATED_AT, T::Instant),
    (CAPTURED_AT, T::Instant),
    (CAPTURED_BY_FORM, T::Flag),
    (HANDOFF_LAG_MIN, T::Decimal),
    (MATCHED_FORMS, T::Count),
    (DUPLICATE_ROWS, T::Count),
    (NAME, T::Text),
    (EMAIL, T::Text),
    (PHONE, T::Text),
    (CITY, T::Text),
    (COMPANY, T::Text),
    (SERVICE, T::Text),
    (SOURCE, T::Text),
    (CAMPAIGN, T::Text),
    (MEDIUM, T::Text),
    (LANDING_PAGE, T::Text),
    (FT_SOURCE, T::Text),
    (FT_MEDIUM, T::Text),
    (FT_CAMPAIGN, T::Text),
    (LT_SOURCE, T::Text),
    (LT_MEDIUM, T::Text),
    (LT_CAMPAIGN, T::Text),
    (INTENT, T::Text),
    (INTENT_GIVEN, T::Flag),
    (OWNER, T::Text),
    (AFTER_HOURS, T::Flag),
    (FIRST_CONTACT_AT, T::Instant),
    (FIRST_TOUCH_AT, T::Instant),
    (TOUCH_BOUND_AT, T::Instant),
    (TOUCH_BEFORE_CAPTURE, T::Flag),
    (RESPONSE_MIN, T::Decimal),
    (BUSINESS_RESPONSE_MIN, T::Decimal),
    (ASSIGNMENT_LAG_MIN, T::Decimal),
    (REP_RESPONSE_MIN, T::Decimal),
    (SLA_TIER, T::Text),
    (SLA_DUE_AT, T::Instant),
    (SLA_STATUS, T::Text),
    (SLA_DELAY_MIN, T::Decimal),
    (ESCALATED, T::Flag),
    (REASSIGN, T::Flag),
    (ATTEMPTS, T::Count),
    (CALLS_TOTAL, T::Count),
    (INBOUND_CALLS, T::Count),
    (NEVER_TOUCHED, T::Flag),
    (ASSIGNED_AT, T::Instant),
    (CONTACTED_AT, T::Instant),
    (QUALIFIED_AT, T::Instant),
    (MEETING_AT, T::Instant),
    (PROPOSAL_AT, T::Instant),
    (WON_AT, T::Instant),
    (LOST_AT, T::Instant),
    ("reached_captured", T::Flag),
    ("reached_assigned", T::Flag),
    ("reached_contacted", T::Flag),
    ("reached_qualified", T::Flag),
    ("reached_meeting", T::Flag),
    ("reached_proposal", T::Flag),
    ("reached_won", T::Flag),
    (DEALS_COUNT, T::Count),
    (DEAL_VALUE, T::Decimal),
    (STATUS_GIVEN, T::Text),
    (STATUS_FINAL, T::Text),
    (IS_WON, T::Flag),
    (WON_UNDATED, T::Flag),
    (IS_LOST, T::Flag),
    (LOST_REASON, T::Text),
    (LOST_REASON_NORM, T::Text),
    (LOST_CATEGORY, T::Text),
    (LOST_CLASS, T::Text),
    (UNDER_WORKED, T::Flag),
    (PROCESS_LOSS, T::Flag),
    (RETURNED_AT, T::Instant),
    (RETURN_REASON, T::Text),
    (NEXT_ACTION_AT, T::Instant),
    (UPDATED_AT, T::Instant),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ledger_names_every_stage_flag_and_no_column_twice() {
        for s in STAGES {
            assert!(
                LEDGER
                    .iter()
                    .any(|(c, t)| *c == reached(s) && *t == T::Flag)
            );
        }
        let mut names: Vec<&str> = LEDGER.iter().map(|c| c.0).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), LEDGER.len());
        // Instants are exactly the `_at` columns.
        for (c, t) in LEDGER {
            assert_eq!(c.ends_with("_at"), *t == T::Instant, "{c}");
        }
    }
}

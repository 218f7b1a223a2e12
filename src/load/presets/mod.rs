//! Presets: how each vendor's export reaches the canonical columns of
//! [`crate::model`], with the vendor's status, stage and direction words.
//!
//! A preset is data: for each canonical column, rules tried in order (the
//! first whose headers are present wins), a fix applied to the raw text
//! (a `l:` id prefix, a `p:` phone prefix, a list of emails, UTC times), and
//! vocabulary merged into the config's synonyms. Headers are matched after
//! [`fold_key`], so `Date entered "Opportunity (Lifecycle Stage Pipeline)"`
//! and `Deal - ID` are plain keys.

mod bitrix24;
mod history;
mod legal;
pub mod unusable;
mod zoho_v1;

use crate::config::{DateOrder, DealOutcome, Direction, FunnelStage, Intent, Status};
use crate::model::{self, Input};

/// Where a canonical column's text comes from.
#[derive(Debug, Clone, Copy)]
pub enum Take {
    /// The first non-empty value, row by row, among these headers (in this order).
    Any(&'static [&'static str]),
    /// These headers' values joined with a space (first and last name); all must be present.
    Join(&'static [&'static str]),
    /// The first header whose words include one of these (free-text form questions).
    Mentions(&'static [&'static str]),
    /// A fixed value for every row.
    Const(&'static str),
    /// A rule that needs more than one column.
    Special(Special),
}

/// Rules that combine columns.
#[derive(Debug, Clone, Copy)]
pub enum Special {
    /// The customer's number by call direction: `from` on inbound calls, `to` on outbound.
    PhoneByDirection {
        direction: &'static [&'static str],
        from: &'static [&'static str],
        to: &'static [&'static str],
    },
    /// A deal stage overridden by boolean won / closed flags (Salesforce `IsWon`, `IsClosed`).
    StageFromFlags {
        stage: &'static [&'static str],
        won: &'static [&'static str],
        closed: &'static [&'static str],
    },
    /// A status that is `lost` when an `active` flag is false, else the stage (Odoo).
    StatusFromActive {
        active: &'static [&'static str],
        stage: &'static [&'static str],
    },
    /// A date kept only on rows whose status text is one of `words`, or whose `active` flag is false.
    DateWhen {
        date: &'static [&'static str],
        status: &'static [&'static str],
        words: &'static [&'static str],
        inactive: &'static [&'static str],
    },
    /// `meta_organic` when the organic flag is true, else `meta_ads`.
    MetaSource { organic: &'static [&'static str] },
}

/// A fix applied to the raw text before it is parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fix {
    Keep,
    /// Drop one of these prefixes (`l:`, `p:`, `zcrm_`).
    StripPrefix(&'static [&'static str]),
    /// Keep the first of a `;`- or `,`-separated list.
    FirstOfList,
    /// A time without an offset is UTC (a date alone stays a local date).
    Utc,
    /// The first `VALUE` of a Bitrix24 multi-field (`[{"VALUE":"+7...","VALUE_TYPE":"WORK"}]`), or the text itself.
    MultiFieldValue,
    /// Exact (case-insensitive) replacements, e.g. `fb` -> `facebook`.
    Rename(&'static [(&'static str, &'static str)]),
}

/// One canonical column's source in a preset.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub column: &'static str,
    pub from: Take,
    pub fix: Fix,
}

/// Vendor words for the synonym maps (merged ahead of the built-in defaults).
#[derive(Debug, Clone, Copy, Default)]
pub struct Vocabulary {
    pub status: &'static [(Status, &'static [&'static str])],
    pub deal_stage: &'static [(DealOutcome, &'static [&'static str])],
    pub direction: &'static [(Direction, &'static [&'static str])],
    pub intent: &'static [(Intent, &'static [&'static str])],
    pub outcome: &'static [(&'static str, &'static [&'static str])],
    /// Stage-history names by the funnel stage they enter.
    pub stage: &'static [(FunnelStage, &'static [&'static str])],
}

impl Vocabulary {
    /// No vendor words.
    pub const NONE: Vocabulary = Vocabulary {
        status: &[],
        deal_stage: &[],
        direction: &[],
        intent: &[],
        outcome: &[],
        stage: &[],
    };
}

/// A vendor export's mapping.
#[derive(Debug, Clone, Copy)]
pub struct Preset {
    /// The name given to `--preset` and `preset = "..."`.
    pub name: &'static str,
    pub vendor: &'static str,
    /// The file, as the vendor calls it.
    pub export: &'static str,
    /// Where in the vendor's UI the file comes from.
    pub menu: &'static str,
    pub input: Input,
    /// Groups of folded headers; a file looks like this export when every group has one present.
    pub signature: &'static [&'static [&'static str]],
    /// Folded headers that rule it out (another export of the same vendor that shares the signature).
    pub excludes: &'static [&'static str],
    pub rules: &'static [Rule],
    pub vocabulary: Vocabulary,
    /// Used when a column's dates cannot decide day-first vs month-first and the config says nothing.
    pub date_order: Option<DateOrder>,
    /// What the export lacks, for the README and `inspect`.
    pub notes: &'static str,
}

/// Header key for presets: lower case, every run of characters other than
/// letters and digits folded to `_`, trimmed. `#` alone stays `#`.
pub fn fold_key(header: &str) -> String {
    let lower = header.trim_start_matches('\u{feff}').trim().to_lowercase();
    let mut out = String::with_capacity(lower.len());
    for c in lower.chars() {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let folded = out.trim_matches('_').to_string();
    if folded.is_empty() && lower == "#" {
        return lower;
    }
    folded
}

/// Every preset, most specific signature first (detection takes the first match).
pub const PRESETS: &[Preset] = &[
    HUBSPOT_CONTACTS,
    HUBSPOT_DEALS,
    history::SALESFORCE_OPPORTUNITY_HISTORY,
    history::SALESFORCE_LEAD_HISTORY,
    SALESFORCE_OPPORTUNITY,
    SALESFORCE_LEAD,
    SALESFORCE_LEAD_REPORT,
    ZOHO_LEADS,
    ZOHO_DEALS,
    ZOHO_CALLS,
    zoho_v1::ZOHO_LEADS_V1,
    bitrix24::BITRIX24_LEADS,
    bitrix24::BITRIX24_DEALS,
    bitrix24::BITRIX24_LEADS_UI,
    legal::LEGAL_INTAKE,
    PIPEDRIVE_DEALS,
    PIPEDRIVE_LEADS,
    ODOO_CRM_LEAD,
    META_LEAD_ADS,
    META_LEADS_CENTER,
    TYPEFORM,
    CALL_LOG,
    GOOGLE_FORMS,
];

/// The preset named `name`.
pub fn find(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.name == name)
}

/// The names, for messages.
pub fn names() -> Vec<&'static str> {
    PRESETS.iter().map(|p| p.name).collect()
}

/// The preset `name`, checked to read `input` when one is given; the error says what to use instead.
pub fn lookup(name: &str, input: Option<Input>) -> Result<&'static Preset, String> {
    let p = find(name).ok_or_else(|| {
        format!(
            "`{name}` is not a preset; use one of: {}",
            names().join(", ")
        )
    })?;
    match input {
        Some(i) if p.input != i => Err(format!(
            "`{name}` reads a {} export, not {}",
            p.input.name(),
            i.name()
        )),
        _ => Ok(p),
    }
}

impl Preset {
    /// Whether a file with these folded headers looks like this export.
    pub fn matches(&self, keys: &[String]) -> bool {
        signature_matches(self.signature, keys)
            && !self.excludes.iter().any(|k| keys.iter().any(|h| h == k))
    }
}

/// Whether folded headers hold one key of every group of a signature.
pub fn signature_matches(signature: &[&[&str]], keys: &[String]) -> bool {
    signature
        .iter()
        .all(|group| group.iter().any(|k| keys.iter().any(|h| h == k)))
}

/// The first preset for `input` whose signature the headers match.
pub fn detect(input: Option<Input>, keys: &[String]) -> Option<&'static Preset> {
    PRESETS
        .iter()
        .filter(|p| input.is_none_or(|i| p.input == i))
        .find(|p| p.matches(keys))
}

const fn rule(column: &'static str, from: Take) -> Rule {
    Rule {
        column,
        from,
        fix: Fix::Keep,
    }
}

const fn fixed(column: &'static str, from: Take, fix: Fix) -> Rule {
    Rule { column, from, fix }
}

use Take::*;
use model::*;

/// Flag texts (lower-cased) that mean true, and false.
pub const TRUE_WORDS: &[&str] = &["true", "1", "yes", "y"];
pub const FALSE_WORDS: &[&str] = &["false", "0", "no", "n"];

const HUBSPOT_CONTACTS: Preset = Preset {
    name: "hubspot-contacts",
    vendor: "HubSpot",
    export: "Contacts export (CSV or XLSX), old or new property labels",
    menu: "CRM > Contacts > Export (choose \"All properties\" or at least the ones below); or Settings > Import & Export > Export",
    input: Input::Leads,
    signature: &[
        &["record_id", "contact_id", "record_id_contact"],
        &["create_date"],
        &[
            "contact_owner",
            "lifecycle_stage",
            "original_source",
            "original_traffic_source",
            "marketing_contact_status",
        ],
    ],
    excludes: &[],
    rules: &[
        rule(
            LEAD_ID,
            Any(&["record_id", "contact_id", "record_id_contact"]),
        ),
        rule(CREATED_AT, Any(&["create_date"])),
        rule(NAME, Join(&["first_name", "last_name"])),
        rule(NAME, Any(&["first_name", "last_name", "name"])),
        rule(EMAIL, Any(&["email"])),
        rule(
            PHONE,
            Any(&[
                "phone_number",
                "mobile_phone_number",
                "whatsapp_phone_number",
            ]),
        ),
        rule(CITY, Any(&["city"])),
        rule(
            COMPANY,
            Any(&[
                "company_name",
                "associated_company",
                "primary_associated_company",
            ]),
        ),
        rule(
            SOURCE,
            Any(&[
                "original_source",
                "original_traffic_source",
                "latest_source",
            ]),
        ),
        rule(
            MEDIUM,
            Any(&[
                "original_source_drill_down_1",
                "original_traffic_source_drill_down_1",
            ]),
        ),
        rule(
            CAMPAIGN,
            Any(&[
                "original_source_drill_down_2",
                "original_traffic_source_drill_down_2",
                "utm_campaign",
            ]),
        ),
        rule(OWNER, Any(&["contact_owner", "hubspot_owner"])),
        rule(ASSIGNED_AT, Any(&["owner_assigned_date"])),
        rule(
            FIRST_CONTACT_AT,
            Any(&["date_of_first_engagement", "first_engagement_date"]),
        ),
        rule(
            QUALIFIED_AT,
            Any(&[
                "became_a_sales_qualified_lead_date",
                "date_entered_sales_qualified_lead_lifecycle_stage_pipeline",
            ]),
        ),
        rule(
            MEETING_AT,
            Any(&[
                "became_an_opportunity_date",
                "date_entered_opportunity_lifecycle_stage_pipeline",
            ]),
        ),
        rule(
            WON_AT,
            Any(&[
                "became_a_customer_date",
                "date_entered_customer_lifecycle_stage_pipeline",
            ]),
        ),
        rule(STATUS, Any(&["lead_status", "lifecycle_stage"])),
        rule(LOST_REASON, Any(&["unqualified_reason", "lost_reason"])),
        rule(DEAL_VALUE, Any(&["recent_deal_amount", "total_revenue"])),
        rule(NEXT_ACTION_AT, Any(&["next_activity_date"])),
        rule(UPDATED_AT, Any(&["last_modified_date"])),
    ],
    vocabulary: Vocabulary {
        status: &[
            (
                Status::Open,
                &[
                    "new",
                    "open",
                    "in progress",
                    "open deal",
                    "attempted to contact",
                    "connected",
                    "subscriber",
                    "lead",
                    "marketing qualified lead",
                    "marketingqualifiedlead",
                    "sales qualified lead",
                    "salesqualifiedlead",
                    "opportunity",
                ],
            ),
            (Status::Won, &["customer", "evangelist"]),
            (Status::Lost, &["unqualified", "bad timing"]),
        ],
        ..Vocabulary::NONE
    },
    date_order: None,
    notes: "`Lead Status` is read first, `Lifecycle Stage` when it is empty. `Became a Marketing Qualified Lead Date` has no canonical stage (MQL comes before the handoff) and is ignored. `Lead response time (HH:mm:ss)` is not needed: `Date of first engagement` is the first touch.",
};

const HUBSPOT_DEALS: Preset = Preset {
    name: "hubspot-deals",
    vendor: "HubSpot",
    export: "Deals export with associated contact IDs",
    menu: "CRM > Deals > Export (tick \"Include associated records\" so `Associated Contact IDs` is a column)",
    input: Input::Deals,
    signature: &[&["record_id", "deal_id"], &["deal_stage"], &["deal_name"]],
    excludes: &[],
    rules: &[
        rule(DEAL_ID, Any(&["record_id", "deal_id"])),
        fixed(
            LEAD_ID,
            Any(&[
                "associated_contact_ids",
                "associated_contact_id",
                "associated_contact",
            ]),
            Fix::FirstOfList,
        ),
        rule(CREATED_AT, Any(&["create_date"])),
        rule(STAGE, Any(&["deal_stage"])),
        rule(AMOUNT, Any(&["amount", "amount_in_company_currency"])),
        rule(CLOSED_AT, Any(&["close_date"])),
        rule(OWNER, Any(&["deal_owner"])),
        rule(LOST_REASON, Any(&["closed_lost_reason"])),
        rule(CURRENCY, Any(&["currency", "deal_currency_code"])),
    ],
    vocabulary: Vocabulary {
        deal_stage: &[
            (DealOutcome::Won, &["closed won", "closedwon"]),
            (DealOutcome::Lost, &["closed lost", "closedlost"]),
            (
                DealOutcome::Open,
                &[
                    "appointment scheduled",
                    "appointmentscheduled",
                    "qualified to buy",
                    "qualifiedtobuy",
                    "presentation scheduled",
                    "presentationscheduled",
                    "decision maker bought in",
                    "decisionmakerboughtin",
                    "contract sent",
                    "contractsent",
                ],
            ),
        ],
        ..Vocabulary::NONE
    },
    date_order: None,
    notes: "A deal associated with several contacts is linked to the first.",
};

const SALESFORCE_LEAD: Preset = Preset {
    name: "salesforce-lead",
    vendor: "Salesforce",
    export: "Lead object, API field names (Data Export `Lead.csv` or Data Loader)",
    menu: "Setup > Data Export > Export Now (Lead), or Data Loader > Export > Lead",
    input: Input::Leads,
    signature: &[
        &["id"],
        &["isconverted", "convertedopportunityid", "converteddate"],
        &["status", "leadsource", "firstname", "lastname", "company"],
    ],
    excludes: &["stagename", "opportunityid", "leadid"],
    rules: &[
        rule(LEAD_ID, Any(&["id"])),
        fixed(CREATED_AT, Any(&["createddate"]), Fix::Utc),
        rule(NAME, Any(&["name"])),
        rule(NAME, Join(&["firstname", "lastname"])),
        rule(EMAIL, Any(&["email"])),
        rule(PHONE, Any(&["mobilephone", "phone"])),
        rule(CITY, Any(&["city"])),
        rule(COMPANY, Any(&["company"])),
        rule(SOURCE, Any(&["leadsource"])),
        rule(CAMPAIGN, Any(&["utm_campaign_c", "campaign_c"])),
        rule(INTENT, Any(&["rating"])),
        rule(OWNER, Any(&["ownerid"])),
        rule(STATUS, Any(&["status"])),
        rule(QUALIFIED_AT, Any(&["converteddate"])),
        rule(DEAL_ID, Any(&["convertedopportunityid"])),
        rule(
            LOST_REASON,
            Any(&[
                "lost_reason_c",
                "lostreason_c",
                "reason_lost_c",
                "loss_reason_c",
                "lossreason_c",
            ]),
        ),
        fixed(UPDATED_AT, Any(&["lastmodifieddate"]), Fix::Utc),
    ],
    vocabulary: Vocabulary {
        status: &[
            (
                Status::Open,
                &[
                    "open - not contacted",
                    "working - contacted",
                    "closed - converted",
                ],
            ),
            (Status::Lost, &["closed - not converted"]),
        ],
        intent: &[
            (Intent::High, &["hot"]),
            (Intent::Medium, &["warm"]),
            (Intent::Low, &["cold"]),
        ],
        ..Vocabulary::NONE
    },
    date_order: None,
    notes: "A converted lead is open (its opportunity carries the outcome): `ConvertedDate` is its qualified time and `ConvertedOpportunityId` links the Opportunity export to it. `OwnerId` is the user id; Data Export has no owner names. Times are UTC (the API's), so `CreatedDate` without a `Z` is still read as UTC; `ConvertedDate` is a date. When two lost-reason fields exist, each row takes the first non-empty.",
};

const SALESFORCE_OPPORTUNITY: Preset = Preset {
    name: "salesforce-opportunity",
    vendor: "Salesforce",
    export: "Opportunity object, API field names (Data Export `Opportunity.csv` or Data Loader)",
    menu: "Setup > Data Export > Export Now (Opportunity), or Data Loader > Export > Opportunity",
    input: Input::Deals,
    signature: &[&["id"], &["stagename"], &["isclosed", "iswon", "closedate"]],
    excludes: &["opportunityid"],
    rules: &[
        rule(DEAL_ID, Any(&["id"])),
        rule(LEAD_ID, Any(&["lead_c", "leadid", "lead_id_c"])),
        fixed(CREATED_AT, Any(&["createddate"]), Fix::Utc),
        rule(
            STAGE,
            Special(Special::StageFromFlags {
                stage: &["stagename"],
                won: &["iswon"],
                closed: &["isclosed"],
            }),
        ),
        rule(STAGE, Any(&["stagename"])),
        rule(AMOUNT, Any(&["amount"])),
        rule(CLOSED_AT, Any(&["closedate"])),
        rule(OWNER, Any(&["ownerid"])),
        rule(
            LOST_REASON,
            Any(&[
                "loss_reason_c",
                "lossreason_c",
                "lost_reason_c",
                "lostreason_c",
                "reason_lost_c",
                "closed_lost_reason_c",
            ]),
        ),
        rule(CURRENCY, Any(&["currencyisocode"])),
    ],
    vocabulary: Vocabulary {
        deal_stage: &[
            (DealOutcome::Won, &["closed won"]),
            (DealOutcome::Lost, &["closed lost"]),
            (
                DealOutcome::Open,
                &[
                    "prospecting",
                    "qualification",
                    "needs analysis",
                    "value proposition",
                    "id. decision makers",
                    "perception analysis",
                    "proposal/price quote",
                    "negotiation/review",
                ],
            ),
        ],
        ..Vocabulary::NONE
    },
    date_order: None,
    notes: "Opportunities carry no lead id: each is linked through the lead whose `ConvertedOpportunityId` names it (load the Lead export with `salesforce-lead`). `IsWon` / `IsClosed` decide won and lost over the stage name. Amounts in other currencies follow `CurrencyIsoCode` and `[exchange_rates]`. `CreatedDate` is UTC; `CloseDate` is a date. The stage-entry times are in OpportunityHistory (`--history`, preset salesforce-opportunity-history).",
};

const SALESFORCE_LEAD_REPORT: Preset = Preset {
    name: "salesforce-lead-report",
    vendor: "Salesforce",
    export: "Leads report, \"Export details\" (CSV, label headers; the Grand Totals and copyright footer is skipped)",
    menu: "Reports > a Leads report (add Lead ID) > Export > Details Only > Comma Delimited .csv",
    input: Input::Leads,
    signature: &[
        &["lead_id"],
        &["lead_owner"],
        &["create_date"],
        &["company_account"],
    ],
    excludes: &[],
    rules: &[
        rule(LEAD_ID, Any(&["lead_id"])),
        rule(CREATED_AT, Any(&["create_date"])),
        rule(NAME, Join(&["first_name", "last_name"])),
        rule(NAME, Any(&["name", "full_name"])),
        rule(EMAIL, Any(&["email"])),
        rule(PHONE, Any(&["mobile", "phone"])),
        rule(CITY, Any(&["city"])),
        rule(COMPANY, Any(&["company_account"])),
        rule(SOURCE, Any(&["lead_source"])),
        rule(INTENT, Any(&["rating"])),
        rule(OWNER, Any(&["lead_owner"])),
        rule(STATUS, Any(&["lead_status"])),
        rule(QUALIFIED_AT, Any(&["converted_date"])),
        rule(UPDATED_AT, Any(&["last_modified_date", "last_modified"])),
    ],
    vocabulary: SALESFORCE_LEAD.vocabulary,
    date_order: None,
    notes: "Report dates follow the exporting user's locale; day-first vs month-first is read from the data, else `business.date_order`.",
};

const ZOHO_STATUS: &[(Status, &[&str])] = &[
    (
        Status::Open,
        &[
            "attempted to contact",
            "contacted",
            "not contacted",
            "pre qualified",
        ],
    ),
    (Status::Nurture, &["contact in future"]),
    (
        Status::Lost,
        &["junk lead", "lost lead", "not qualified", "junk"],
    ),
];

const ZOHO_LEADS: Preset = Preset {
    name: "zoho-leads",
    vendor: "Zoho CRM",
    export: "Leads module export",
    menu: "Setup > Data Administration > Export > Leads (or Leads list > ... > Export Leads)",
    input: Input::Leads,
    signature: &[&["record_id"], &["lead_owner"], &["created_time"]],
    excludes: &[],
    rules: &[
        fixed(LEAD_ID, Any(&["record_id"]), Fix::StripPrefix(&["zcrm_"])),
        rule(CREATED_AT, Any(&["created_time"])),
        rule(NAME, Join(&["first_name", "last_name"])),
        rule(NAME, Any(&["full_name", "last_name"])),
        rule(EMAIL, Any(&["email"])),
        rule(PHONE, Any(&["mobile", "phone"])),
        rule(CITY, Any(&["city"])),
        rule(COMPANY, Any(&["company"])),
        rule(SOURCE, Any(&["lead_source"])),
        rule(CAMPAIGN, Any(&["campaign_source"])),
        rule(OWNER, Any(&["lead_owner"])),
        rule(STATUS, Any(&["lead_status"])),
        rule(LOST_REASON, Any(&["reason_for_loss", "lost_reason"])),
        rule(UPDATED_AT, Any(&["modified_time"])),
    ],
    vocabulary: Vocabulary {
        status: ZOHO_STATUS,
        ..Vocabulary::NONE
    },
    date_order: None,
    notes: "Record ids lose their `zcrm_` prefix, so they match the deals' and calls' lead links.",
};

const ZOHO_DEALS: Preset = Preset {
    name: "zoho-deals",
    vendor: "Zoho CRM",
    export: "Deals (Potentials) module export",
    menu: "Setup > Data Administration > Export > Deals",
    input: Input::Deals,
    signature: &[
        &["record_id", "potentialid"],
        &["deal_owner", "potential_owner"],
        &["closing_date"],
        &["stage"],
    ],
    excludes: &[],
    rules: &[
        fixed(
            DEAL_ID,
            Any(&["record_id", "potentialid"]),
            Fix::StripPrefix(&["zcrm_"]),
        ),
        fixed(
            LEAD_ID,
            Any(&["leadid", "lead_id", "lead_name_id", "converted_from_lead"]),
            Fix::StripPrefix(&["zcrm_"]),
        ),
        rule(CREATED_AT, Any(&["created_time"])),
        rule(STAGE, Any(&["stage"])),
        rule(AMOUNT, Any(&["amount"])),
        rule(CLOSED_AT, Any(&["closing_date"])),
        rule(OWNER, Any(&["deal_owner", "potential_owner"])),
        rule(LOST_REASON, Any(&["reason_for_loss"])),
        rule(CURRENCY, Any(&["currency"])),
    ],
    vocabulary: Vocabulary {
        deal_stage: &[
            (DealOutcome::Won, &["closed won"]),
            (
                DealOutcome::Lost,
                &["closed lost", "closed lost to competition"],
            ),
            (
                DealOutcome::Open,
                &[
                    "qualification",
                    "needs analysis",
                    "value proposition",
                    "identify decision makers",
                    "proposal/price quote",
                    "negotiation/review",
                ],
            ),
        ],
        ..Vocabulary::NONE
    },
    date_order: None,
    notes: "Also the older Potentials export (`POTENTIALID`, `Potential Owner`). A deal reaches its lead through a lead link column (`Lead Id`, `Converted From Lead`); an export without one cannot be linked: add it to the export. `Amount` carries the org currency's symbol (`$22,700.00`): set `business.currency` to it, or give `[exchange_rates]`.",
};

const ZOHO_CALLS: Preset = Preset {
    name: "zoho-calls",
    vendor: "Zoho CRM",
    export: "Calls module export",
    menu: "Setup > Data Administration > Export > Calls",
    input: Input::Calls,
    signature: &[&["call_start_time"], &["call_type"], &["call_owner"]],
    excludes: &[],
    rules: &[
        rule(STARTED_AT, Any(&["call_start_time"])),
        rule(DIRECTION, Any(&["call_type"])),
        fixed(CALL_ID, Any(&["record_id"]), Fix::StripPrefix(&["zcrm_"])),
        fixed(
            LEAD_ID,
            Any(&["leadid", "lead_id", "related_to_id", "what_id"]),
            Fix::StripPrefix(&["zcrm_"]),
        ),
        rule(PHONE, Any(&["dialled_number", "caller_id", "phone"])),
        rule(AGENT, Any(&["call_owner"])),
        rule(
            DURATION_S,
            Any(&["call_duration_in_seconds", "call_duration"]),
        ),
        rule(OUTCOME, Any(&["call_result", "call_status"])),
        rule(CHANNEL, Const("call")),
    ],
    vocabulary: Vocabulary {
        direction: &[(Direction::Inbound, &["missed"])],
        outcome: &[
            ("connected", &["completed", "interested", "call completed"]),
            ("no_answer", &["missed", "not interested - no answer"]),
            ("failed", &["cancelled", "overdue"]),
        ],
        ..Vocabulary::NONE
    },
    date_order: None,
    notes: "A missed call is inbound. `Call Duration` as `mm:ss` is read as seconds.",
};

const PIPEDRIVE_DEALS: Preset = Preset {
    name: "pipedrive-deals",
    vendor: "Pipedrive",
    export: "Deals export (one row per deal, used as the leads file)",
    menu: "Deals > list view > ... > Export filter results (CSV or XLSX)",
    input: Input::Leads,
    signature: &[
        &["deal_id"],
        &["deal_deal_created"],
        &["deal_stage", "deal_status"],
    ],
    excludes: &[],
    rules: &[
        rule(LEAD_ID, Any(&["deal_id"])),
        rule(CREATED_AT, Any(&["deal_deal_created"])),
        rule(NAME, Any(&["person_name", "deal_contact_person"])),
        fixed(EMAIL, Any(&["person_email"]), Fix::FirstOfList),
        fixed(PHONE, Any(&["person_phone"]), Fix::FirstOfList),
        rule(COMPANY, Any(&["organization_name", "deal_organization"])),
        rule(
            SOURCE,
            Any(&["deal_source_channel", "deal_source_origin", "deal_source"]),
        ),
        rule(CAMPAIGN, Any(&["deal_source_channel_id", "deal_campaign"])),
        rule(OWNER, Any(&["deal_owner"])),
        rule(STATUS, Any(&["deal_status"])),
        rule(LOST_REASON, Any(&["deal_lost_reason"])),
        rule(LOST_AT, Any(&["deal_lost_time"])),
        rule(WON_AT, Any(&["deal_won_time"])),
        rule(DEAL_VALUE, Any(&["deal_value"])),
        rule(CURRENCY, Any(&["deal_currency"])),
        rule(NEXT_ACTION_AT, Any(&["deal_next_activity_date"])),
        rule(UPDATED_AT, Any(&["deal_update_time"])),
    ],
    vocabulary: Vocabulary::NONE,
    date_order: None,
    notes: "The export has the current stage but no stage-entry times, so meeting and proposal are not reached from it; `Deal - Status` gives open / won / lost and `Deal - Won time` / `Deal - Lost time` their times. A `deleted` status is reported as unknown.",
};

const PIPEDRIVE_LEADS: Preset = Preset {
    name: "pipedrive-leads",
    vendor: "Pipedrive",
    export: "Leads Inbox export",
    menu: "Leads Inbox > ... > Export (CSV or XLSX)",
    input: Input::Leads,
    signature: &[
        &["lead_id"],
        &["lead_title"],
        &["lead_lead_created", "lead_created"],
    ],
    excludes: &[],
    rules: &[
        rule(LEAD_ID, Any(&["lead_id"])),
        rule(CREATED_AT, Any(&["lead_lead_created", "lead_created"])),
        rule(NAME, Any(&["person_name"])),
        fixed(EMAIL, Any(&["person_email"]), Fix::FirstOfList),
        fixed(PHONE, Any(&["person_phone"]), Fix::FirstOfList),
        rule(COMPANY, Any(&["organization_name"])),
        rule(SOURCE, Any(&["lead_source", "lead_source_channel"])),
        fixed(INTENT, Any(&["lead_labels"]), Fix::FirstOfList),
        rule(OWNER, Any(&["lead_owner"])),
        rule(DEAL_VALUE, Any(&["lead_value"])),
        rule(CURRENCY, Any(&["lead_currency"])),
        rule(NEXT_ACTION_AT, Any(&["lead_next_activity_date"])),
        rule(UPDATED_AT, Any(&["lead_update_time"])),
    ],
    vocabulary: Vocabulary::NONE,
    date_order: None,
    notes: "Labels `Hot` / `Warm` / `Cold` become intent. A lead turned into a deal leaves the Leads Inbox: export the deals too (`pipedrive-deals`).",
};

const ODOO_CRM_LEAD: Preset = Preset {
    name: "odoo-crm-lead",
    vendor: "Odoo",
    export: "CRM leads/opportunities (`crm.lead`) export, user labels or import-compatible technical names",
    menu: "CRM > Pipeline (list view) > select all > Action > Export",
    input: Input::Leads,
    signature: &[
        &["created_on", "create_date"],
        &["salesperson", "user_id"],
        &["stage", "stage_id"],
        &[
            "expected_revenue",
            "probability",
            "priority",
            "email_from",
            "contact_name",
        ],
    ],
    excludes: &[],
    rules: &[
        rule(LEAD_ID, Any(&["id", "external_id"])),
        rule(CREATED_AT, Any(&["created_on", "create_date"])),
        rule(NAME, Any(&["contact_name", "customer", "partner_id"])),
        rule(EMAIL, Any(&["email", "email_from"])),
        rule(PHONE, Any(&["mobile", "phone"])),
        rule(CITY, Any(&["city"])),
        rule(COMPANY, Any(&["company_name", "partner_name"])),
        rule(SOURCE, Any(&["source", "source_id"])),
        rule(CAMPAIGN, Any(&["campaign", "campaign_id"])),
        rule(MEDIUM, Any(&["medium", "medium_id"])),
        fixed(SERVICE, Any(&["tags", "tag_ids"]), Fix::FirstOfList),
        rule(INTENT, Any(&["priority"])),
        rule(OWNER, Any(&["salesperson", "user_id"])),
        rule(ASSIGNED_AT, Any(&["assignment_date", "date_open"])),
        rule(
            STATUS,
            Special(Special::StatusFromActive {
                active: &["active"],
                stage: &["stage", "stage_id"],
            }),
        ),
        rule(STATUS, Any(&["stage", "stage_id"])),
        rule(
            WON_AT,
            Special(Special::DateWhen {
                date: &["closed_date", "date_closed"],
                status: &["stage", "stage_id"],
                words: &["won"],
                inactive: &[],
            }),
        ),
        rule(
            LOST_AT,
            Special(Special::DateWhen {
                date: &["closed_date", "date_closed"],
                status: &[],
                words: &[],
                inactive: &["active"],
            }),
        ),
        rule(LOST_REASON, Any(&["lost_reason", "lost_reason_id"])),
        rule(DEAL_VALUE, Any(&["expected_revenue"])),
        rule(
            NEXT_ACTION_AT,
            Any(&["next_activity_deadline", "activity_date_deadline"]),
        ),
        rule(UPDATED_AT, Any(&["last_updated_on", "write_date"])),
    ],
    vocabulary: Vocabulary {
        status: &[
            (Status::Open, &["new", "qualified", "proposition"]),
            (Status::Won, &["won"]),
        ],
        intent: &[
            (Intent::Low, &["0", "low"]),
            (Intent::Medium, &["1", "medium"]),
            (Intent::High, &["2", "3", "high", "very high"]),
        ],
        ..Vocabulary::NONE
    },
    date_order: None,
    notes: "Odoo marks a lost lead inactive (`Active` = False): export with the \"Archived\" filter too, or lost leads are missing. Stage-entry times are not in the export, so qualified / meeting / proposal are not reached from it.",
};

const META_LEAD_ADS: Preset = Preset {
    name: "meta-lead-ads",
    vendor: "Meta (Facebook / Instagram)",
    export: "Lead ads form download (often UTF-16, tab-separated)",
    menu: "Ads Manager or Meta Business Suite > Instant Forms (Forms library) > Download > CSV",
    input: Input::Forms,
    signature: &[
        &["created_time"],
        &["form_id", "form_name"],
        &["campaign_name", "ad_name", "adset_name"],
    ],
    excludes: &[],
    rules: &[
        fixed(SUBMISSION_ID, Any(&["id"]), Fix::StripPrefix(&["l:"])),
        rule(SUBMITTED_AT, Any(&["created_time"])),
        rule(NAME, Any(&["full_name"])),
        rule(NAME, Join(&["first_name", "last_name"])),
        rule(EMAIL, Any(&["email", "work_email"])),
        fixed(
            PHONE,
            Any(&["phone_number", "phone", "work_phone_number"]),
            Fix::StripPrefix(&["p:"]),
        ),
        rule(CITY, Any(&["city"])),
        rule(FORM, Any(&["form_name"])),
        rule(CHANNEL, Const("meta_lead_ads")),
        rule(
            UTM_SOURCE,
            Special(Special::MetaSource {
                organic: &["is_organic"],
            }),
        ),
        fixed(
            UTM_MEDIUM,
            Any(&["platform"]),
            Fix::Rename(&[("fb", "facebook"), ("ig", "instagram")]),
        ),
        rule(UTM_CAMPAIGN, Any(&["campaign_name"])),
        rule(UTM_CONTENT, Any(&["ad_name"])),
    ],
    vocabulary: Vocabulary::NONE,
    date_order: None,
    notes: "Ids lose their `l:` prefix and phones their `p:` prefix. utm_source is `meta_ads` (`meta_organic` when `is_organic` is true), utm_medium the platform.",
};

const META_LEADS_CENTER: Preset = Preset {
    name: "meta-leads-center",
    vendor: "Meta (Facebook / Instagram)",
    export: "Leads Center export",
    menu: "Meta Business Suite > All tools > Leads Center > Download",
    input: Input::Forms,
    signature: &[&["created"], &["form"], &["channel", "source"], &["stage"]],
    excludes: &[],
    rules: &[
        rule(SUBMITTED_AT, Any(&["created"])),
        rule(NAME, Any(&["name"])),
        rule(EMAIL, Any(&["email_address", "email"])),
        rule(
            PHONE,
            Any(&["phone_number", "phone", "phone_number_recommended"]),
        ),
        rule(CITY, Any(&["city"])),
        rule(FORM, Any(&["form"])),
        rule(CHANNEL, Const("meta_lead_ads")),
        fixed(
            UTM_SOURCE,
            Any(&["source"]),
            Fix::Rename(&[("paid", "meta_ads"), ("organic", "meta_organic")]),
        ),
        rule(UTM_SOURCE, Const("meta_ads")),
        rule(UTM_MEDIUM, Any(&["channel"])),
    ],
    vocabulary: Vocabulary::NONE,
    date_order: Some(DateOrder::Dmy),
    notes: "`Created` is `DD/MM/YYYY, HH:mm` in most locales: read day-first when the data cannot decide. `Source` (`Paid` / `Organic`) becomes `meta_ads` / `meta_organic`. Stage and owner stay in the CRM export.",
};

const TYPEFORM: Preset = Preset {
    name: "typeform",
    vendor: "Typeform",
    export: "Responses download (CSV or XLSX)",
    menu: "Workspace > form > Results > Responses > Download all responses",
    input: Input::Forms,
    signature: &[&["submit_date_utc"]],
    excludes: &[],
    rules: &[
        rule(SUBMISSION_ID, Any(&["response_id", "#", "token"])),
        fixed(SUBMITTED_AT, Any(&["submit_date_utc"]), Fix::Utc),
        rule(NAME, Mentions(&["name"])),
        rule(EMAIL, Mentions(&["email"])),
        rule(PHONE, Mentions(&["phone", "mobile", "whatsapp"])),
        rule(CITY, Mentions(&["city"])),
        rule(UTM_SOURCE, Any(&["utm_source"])),
        rule(UTM_MEDIUM, Any(&["utm_medium"])),
        rule(UTM_CAMPAIGN, Any(&["utm_campaign"])),
        rule(UTM_CONTENT, Any(&["utm_content"])),
        rule(CHANNEL, Const("typeform")),
    ],
    vocabulary: Vocabulary::NONE,
    date_order: None,
    notes: "Times are UTC. Question columns are found by their words (name, email, phone/mobile/whatsapp, city); UTM values come from hidden fields of those names.",
};

const CALL_LOG: Preset = Preset {
    name: "call-log",
    vendor: "Call tracking (CallRail, Exotel, Knowlarity and alike)",
    export: "Call log / call details report",
    menu: "CallRail: Reports > Call Log > Export; Exotel: Call Logs > Download; Knowlarity: Call Logs > Export",
    input: Input::Calls,
    signature: &[
        &[
            "start_time",
            "call_start_time",
            "call_time",
            "date_time",
            "call_date",
            "starttime",
        ],
        &["direction", "call_type", "call_direction"],
        &[
            "customer_phone_number",
            "customer_number",
            "caller_number",
            "caller_id",
            "from",
        ],
    ],
    excludes: &[],
    rules: &[
        rule(STARTED_AT, Join(&["call_date", "call_time"])),
        rule(
            STARTED_AT,
            Any(&[
                "start_time",
                "call_start_time",
                "starttime",
                "call_time",
                "date_time",
                "call_date",
            ]),
        ),
        rule(
            DIRECTION,
            Any(&["direction", "call_direction", "call_type"]),
        ),
        rule(
            PHONE,
            Any(&[
                "customer_phone_number",
                "customer_number",
                "caller_number",
                "caller_id",
            ]),
        ),
        rule(
            PHONE,
            Special(Special::PhoneByDirection {
                direction: &["direction", "call_direction", "call_type"],
                from: &["from"],
                to: &["to"],
            }),
        ),
        rule(
            CALL_ID,
            Any(&["call_sid", "callsid", "call_id", "sid", "id", "uuid"]),
        ),
        rule(LEAD_ID, Any(&["lead_id", "crm_id"])),
        rule(
            AGENT,
            Any(&["agent_name", "agent", "answered_by", "user", "agent_number"]),
        ),
        rule(
            DURATION_S,
            Any(&[
                "duration_seconds",
                "duration_in_seconds",
                "conversation_duration",
                "dialcallduration",
                "call_duration",
                "duration",
            ]),
        ),
        rule(
            OUTCOME,
            Any(&["call_status", "status", "disposition", "call_result"]),
        ),
        rule(CHANNEL, Const("call")),
    ],
    vocabulary: Vocabulary {
        direction: &[
            (
                Direction::Inbound,
                &["incoming", "inbound", "incoming call"],
            ),
            (
                Direction::Outbound,
                &[
                    "outgoing",
                    "outbound api",
                    "outbound dial",
                    "click to call",
                    "click2call",
                ],
            ),
        ],
        outcome: &[
            ("connected", &["answered", "completed", "call completed"]),
            (
                "no_answer",
                &["no answer", "missed", "abandoned", "not answered"],
            ),
            ("failed", &["failed", "canceled", "cancelled"]),
        ],
        ..Vocabulary::NONE
    },
    date_order: None,
    notes: "Exotel-style logs give `From` and `To`: the customer is `From` on inbound calls and `To` on outbound ones. Durations as `hh:mm:ss` are read as seconds.",
};

const GOOGLE_FORMS: Preset = Preset {
    name: "google-forms",
    vendor: "Google Forms",
    export: "Responses (the linked Google Sheet downloaded as CSV or XLSX)",
    menu: "Form > Responses > View in Sheets, then File > Download > Comma-separated values or Microsoft Excel",
    input: Input::Forms,
    signature: &[&["timestamp"]],
    excludes: &[],
    rules: &[
        rule(SUBMITTED_AT, Any(&["timestamp"])),
        rule(EMAIL, Any(&["email_address"])),
        rule(EMAIL, Mentions(&["email"])),
        rule(NAME, Mentions(&["name"])),
        rule(PHONE, Mentions(&["phone", "mobile", "whatsapp", "contact"])),
        rule(CITY, Mentions(&["city", "location"])),
        rule(MESSAGE, Mentions(&["message", "requirement", "comments"])),
        rule(CHANNEL, Const("google_forms")),
    ],
    vocabulary: Vocabulary::NONE,
    date_order: None,
    notes: "`Timestamp` follows the sheet's locale (`3/5/2026 14:22:11` in the US, `05/03/2026 14:22:11` in India): the order is read from the data, else `business.date_order`. Question columns are found by their words.",
};

/// How a rule reads, for people: `` `Record ID` or `Contact ID` ``.
/// `items` each wrapped in `mark`, joined by `sep`: `` `a` or `b` ``.
fn wrapped(items: &[&str], mark: &str, sep: &str) -> String {
    items
        .iter()
        .map(|i| format!("{mark}{i}{mark}"))
        .collect::<Vec<_>>()
        .join(sep)
}

pub fn describe(rule: &Rule) -> String {
    let quote = |keys: &[&str], sep: &str| wrapped(keys, "`", sep);
    let base = match rule.from {
        Take::Any(keys) => quote(keys, " or "),
        Take::Join(keys) => quote(keys, " + "),
        Take::Mentions(words) => format!("the first question naming {}", quote(words, " / ")),
        Take::Const(v) => format!("always `{v}`"),
        Take::Special(Special::PhoneByDirection { from, to, .. }) => format!(
            "{} on inbound calls, {} on outbound",
            quote(from, " or "),
            quote(to, " or ")
        ),
        Take::Special(Special::StageFromFlags { stage, won, closed }) => format!(
            "{} (won when {} is true, lost when {} is true)",
            quote(stage, " or "),
            quote(won, " or "),
            quote(closed, " or ")
        ),
        Take::Special(Special::StatusFromActive { active, stage }) => format!(
            "`lost` when {} is false, else {}",
            quote(active, " or "),
            quote(stage, " or ")
        ),
        Take::Special(Special::DateWhen {
            date,
            status,
            words,
            inactive,
        }) => {
            let when = if inactive.is_empty() {
                format!("{} is {}", quote(status, " or "), quote(words, " / "))
            } else {
                format!("{} is false", quote(inactive, " or "))
            };
            format!("{} when {when}", quote(date, " or "))
        }
        Take::Special(Special::MetaSource { organic }) => format!(
            "`meta_ads`, or `meta_organic` when {} is true",
            quote(organic, " or ")
        ),
    };
    let fix = match rule.fix {
        Fix::Keep => String::new(),
        Fix::StripPrefix(p) => format!(", without {}", quote(p, " / ")),
        Fix::FirstOfList => ", the first of a list".into(),
        Fix::Utc => ", read as UTC".into(),
        Fix::MultiFieldValue => ", the first `VALUE` of the multi-field".into(),
        Fix::Rename(pairs) => format!(
            ", {}",
            pairs
                .iter()
                .map(|(a, b)| format!("`{a}` -> `{b}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    base + &fix
}

/// Every preset as Markdown: docs/presets.md and `handoff presets`.
pub fn markdown() -> String {
    let mut s =
        String::from("| preset | input | vendor export | where to get it |\n|---|---|---|---|\n");
    for p in PRESETS {
        s.push_str(&format!(
            "| `{}` | {} | {}: {} | {} |\n",
            p.name,
            p.input.name(),
            p.vendor,
            p.export,
            p.menu
        ));
    }
    for p in PRESETS {
        s.push_str(&format!(
            "\n#### `{}`: {} {}\n\n",
            p.name, p.vendor, p.export
        ));
        s.push_str("Headers are matched by their letters and digits alone (case, spaces and punctuation ignored); the first rule whose headers are present wins.\n\n");
        s.push_str("| canonical | from |\n|---|---|\n");
        for r in p.rules {
            s.push_str(&format!("| `{}` | {} |\n", r.column, describe(r)));
        }
        let vocab: Vec<String> = vocabulary_lines(&p.vocabulary);
        if !vocab.is_empty() {
            s.push_str(&format!("\nWords: {}.\n", vocab.join("; ")));
        }
        s.push_str(&format!(
            "\nDetected when the headers include {}. {}\n",
            signature_text(p),
            p.notes
        ));
    }
    s
}

fn signature_text(p: &Preset) -> String {
    p.signature
        .iter()
        .map(|g| wrapped(g, "`", " or "))
        .collect::<Vec<_>>()
        .join(", ")
}

fn vocabulary_lines(v: &Vocabulary) -> Vec<String> {
    fn line<T: serde::Serialize>(what: &str, items: &[(T, &[&str])]) -> Vec<String> {
        items
            .iter()
            .map(|(k, ws)| {
                format!(
                    "{what} {} = {}",
                    crate::load::normalise::canonical_name(k),
                    wrapped(ws, "\"", ", ")
                )
            })
            .collect()
    }
    let mut out = line("status", v.status);
    out.extend(line("deal stage", v.deal_stage));
    out.extend(line("direction", v.direction));
    out.extend(line("intent", v.intent));
    out.extend(line("outcome", v.outcome));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readme_lists_every_preset_as_the_code_maps_it() {
        let readme = include_str!("../../../docs/presets.md");
        let start = readme
            .find("<!-- presets:start -->\n")
            .expect("docs/presets.md has the presets section")
            + "<!-- presets:start -->\n".len();
        let end = readme.find("<!-- presets:end -->").expect("section end");
        assert!(
            readme[start..end] == markdown(),
            "docs/presets.md is out of date: run `handoff presets > /tmp/p.md` and paste it between the markers"
        );
    }

    #[test]
    fn fold_key_keeps_letters_and_digits_only() {
        assert_eq!(
            fold_key("Date entered \"Opportunity (Lifecycle Stage Pipeline)\""),
            "date_entered_opportunity_lifecycle_stage_pipeline"
        );
        assert_eq!(fold_key("Deal - Deal created"), "deal_deal_created");
        assert_eq!(fold_key("\u{feff} Lost_Reason__c "), "lost_reason_c");
        assert_eq!(fold_key("#"), "#");
        assert_eq!(
            fold_key("Call Duration (in seconds)"),
            "call_duration_in_seconds"
        );
    }

    #[test]
    fn preset_names_are_unique_and_rules_name_canonical_columns() {
        let mut names = names();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), PRESETS.len());
        for p in PRESETS {
            for r in p.rules {
                assert!(
                    p.input.columns().iter().any(|s| s.name == r.column),
                    "{}: {} is not a column of {}",
                    p.name,
                    r.column,
                    p.input.name()
                );
            }
            for group in p.signature {
                for key in *group {
                    assert_eq!(fold_key(key), *key, "{}: signature key {key}", p.name);
                }
            }
        }
    }

    #[test]
    fn detection_prefers_the_specific_preset() {
        let keys = |hs: &[&str]| hs.iter().map(|h| fold_key(h)).collect::<Vec<_>>();
        let hubspot = keys(&["Record ID", "First Name", "Create Date", "Contact owner"]);
        assert_eq!(
            detect(None, &hubspot).map(|p| p.name),
            Some("hubspot-contacts")
        );
        let plain = keys(&["lead_id", "created_at", "owner"]);
        assert!(detect(None, &plain).is_none());
        let gforms = keys(&["Timestamp", "Name", "Phone number"]);
        assert_eq!(
            detect(Some(Input::Forms), &gforms).map(|p| p.name),
            Some("google-forms")
        );
    }
}

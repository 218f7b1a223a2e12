//! Vendor exports that serve no input, recognised so `inspect` and the
//! missing-column message say what the file is and what to export instead.

/// An export that no input can read as it is.
#[derive(Debug, Clone, Copy)]
pub struct Unusable {
    pub vendor: &'static str,
    pub export: &'static str,
    /// Groups of folded headers, as a preset's signature.
    pub signature: &'static [&'static [&'static str]],
    /// Why it serves no input, and what to export instead.
    pub advice: &'static str,
}

impl Unusable {
    pub fn matches(&self, keys: &[String]) -> bool {
        super::signature_matches(self.signature, keys)
    }
}

pub const UNUSABLE: &[Unusable] = &[
    Unusable {
        vendor: "Odoo",
        export: "CRM leads (`crm.lead`) import-compatible export",
        signature: &[
            &["user_id_id", "stage_id_id", "team_id_id"],
            &[
                "email_from",
                "expected_revenue",
                "partner_name",
                "contact_name",
            ],
        ],
        advice: "Odoo's import-compatible export leaves out every read-only field, so it never has `Created on` (create_date), `Assignment Date`, `Closed Date` or `Won/Lost`. Export again with \"I want to update data (import-compatible export)\" unticked, choosing ID, Created on, Salesperson, Stage, Active, Assignment Date, Closed Date, Lost Reason, Expected Revenue, Email, Phone and Source; that file reads with the odoo-crm-lead preset. Tick \"Archived\" too, or lost leads are missing.",
    },
    Unusable {
        vendor: "Zoho CRM",
        export: "Events module export (calendar meetings)",
        signature: &[
            &["event_owner", "eventid"],
            &["start_datetime", "start_date_time", "from"],
        ],
        advice: "Events are calendar entries and serve no input: a meeting reached shows as a deal (export Deals, whose Created Time is the meeting stage) or as a meeting date on the lead (map it to meeting_at).",
    },
    Unusable {
        vendor: "Zoho CRM",
        export: "Campaigns module export",
        signature: &[
            &["campaign_owner", "campaignid"],
            &["campaign_name"],
            &["actual_cost", "budgeted_cost", "expected_revenue", "type"],
        ],
        advice: "Campaign records carry a total cost, not spend by day, and serve no input. Spend comes from the ad platform's export by date and campaign (--spend: date, source, campaign, spend); leads name their campaign in `Campaign Source`.",
    },
    Unusable {
        vendor: "Bitrix24",
        export: "deal list exported from the UI",
        signature: &[&["название_сделки"], &["стадия_сделки"]],
        advice: "The UI's deal list names no lead, so its deals cannot reach their leads. Export deals through REST (crm.deal.list with LEAD_ID; preset bitrix24-deals), or add a column naming each deal's lead and map it to lead_id.",
    },
];

/// The export these folded headers look like, when it serves no input.
pub fn detect(keys: &[String]) -> Option<&'static Unusable> {
    UNUSABLE.iter().find(|u| u.matches(keys))
}

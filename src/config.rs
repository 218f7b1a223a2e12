//! `handoff.toml`: the business calendar, SLA tiers, attempt policy, synonym
//! maps, the lost-reason taxonomy and per-input column maps.
//!
//! Every key has a default, so an empty file (or no file) is a valid config.
//! Unknown keys, bad durations, bad time zones and impossible opening hours
//! are rejected here, with the key and its line, before any data is read.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::{Deserialize, Deserializer, Serialize};

use crate::error::HandoffError;

/// The largest amount of money a config may name (a trillion in any currency).
const MAX_MONEY: f64 = 1e12;
/// The largest exchange rate a config may name.
const MAX_RATE: f64 = 1e6;

/// The whole validated configuration.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub business: Business,
    pub calendar: Calendar,
    pub sla: Sla,
    pub attempts: Attempts,
    pub synonyms: Synonyms,
    pub lost_reasons: LostReasons,
    pub leakage: Leakage,
    pub pipeline: Pipeline,
    /// What "good" is for the headline numbers, and how cohorts are compared.
    pub targets: Targets,
    /// Units of `business.currency` per unit of another currency (`USD = 83.2`).
    pub exchange_rates: BTreeMap<String, f64>,
    /// Per input (`leads`, `deals`, `forms`, `calls`, `spend`): export header -> canonical name,
    /// and optionally `preset = "<name>"`.
    pub columns: Columns,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Business {
    pub name: String,
    /// ISO 4217 code of the report's currency.
    pub currency: String,
    /// ISO 3166 alpha-2 country whose numbering plan completes national phone numbers.
    pub phone_country: String,
    /// Used only when a column's dates cannot decide day-first vs month-first.
    pub date_order: Option<DateOrder>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DateOrder {
    /// 04/07/2026 is 4 July.
    Dmy,
    /// 04/07/2026 is April 7.
    Mdy,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Calendar {
    pub time_zone: TimeZone,
    pub hours: WeekHours,
    #[serde(deserialize_with = "holidays")]
    pub holidays: Vec<NaiveDate>,
}

/// Holidays as `YYYY-MM-DD` texts, each checked with an error that shows the form.
fn holidays<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<NaiveDate>, D::Error> {
    let texts = Vec::<String>::deserialize(d).map_err(|_| {
        serde::de::Error::custom(
            "expected a list of dates like [\"2026-01-26\", \"2026-08-15\"] (YYYY-MM-DD)",
        )
    })?;
    texts
        .iter()
        .map(|t| {
            NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d").map_err(|_| {
                serde::de::Error::custom(format!(
                    "`{}` is not a date; write holidays as YYYY-MM-DD, e.g. \"2026-01-26\"",
                    crate::format::clip(t)
                ))
            })
        })
        .collect()
}

/// An IANA time zone, validated when read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeZone(pub Tz);

impl TimeZone {
    pub fn name(&self) -> &'static str {
        self.0.name()
    }
}

impl<'de> Deserialize<'de> for TimeZone {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse::<Tz>().map(TimeZone).map_err(|_| {
            serde::de::Error::custom(format!(
                "`{s}` is not an IANA time zone; use a name like \"Asia/Kolkata\" or \"America/New_York\""
            ))
        })
    }
}

impl Serialize for TimeZone {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// Opening hours per weekday; each day is a list of half-open `[open, close)` intervals.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct WeekHours {
    pub mon: DayHours,
    pub tue: DayHours,
    pub wed: DayHours,
    pub thu: DayHours,
    pub fri: DayHours,
    pub sat: DayHours,
    pub sun: DayHours,
}

impl WeekHours {
    /// Monday first, as chrono's `num_days_from_monday`.
    pub fn by_weekday(&self) -> [&DayHours; 7] {
        [
            &self.mon, &self.tue, &self.wed, &self.thu, &self.fri, &self.sat, &self.sun,
        ]
    }
}

/// A day's opening intervals in minutes after local midnight, sorted, non-overlapping.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DayHours(pub Vec<(u32, u32)>);

impl<'de> Deserialize<'de> for DayHours {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let items = d.deserialize_any(HoursVisitor)?;
        parse_day_hours(&items).map_err(serde::de::Error::custom)
    }
}

/// A day's hours as one text (`"09:00-13:00,14:00-18:00"`) or a list of texts.
struct HoursVisitor;

impl<'de> serde::de::Visitor<'de> for HoursVisitor {
    type Value = Vec<String>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("opening hours like \"09:00-18:00\", \"09:00-13:00,14:00-18:00\" or \"closed\"")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(v.split(',').map(str::to_string).collect())
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(item) = seq.next_element::<String>()? {
            out.push(item);
        }
        Ok(out)
    }
}

impl Serialize for DayHours {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl fmt::Display for DayHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("closed");
        }
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|(o, c)| format!("{}-{}", hhmm(*o), hhmm(*c)))
            .collect();
        f.write_str(&parts.join(","))
    }
}

fn hhmm(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

fn parse_day_hours(items: &[String]) -> Result<DayHours, String> {
    let mut out = Vec::new();
    for item in items {
        let item = item.trim();
        if item.eq_ignore_ascii_case("closed") || item.is_empty() {
            continue;
        }
        let (open, close) = item.split_once('-').ok_or_else(|| {
            format!("opening hours `{item}` should look like \"09:30-19:00\" or \"closed\"")
        })?;
        let open = parse_clock(open.trim())?;
        let close = parse_clock(close.trim())?;
        if close <= open {
            return Err(format!(
                "opening hours `{item}` close at or before they open; overnight hours are not supported, split them over two days"
            ));
        }
        out.push((open, close));
    }
    out.sort_unstable();
    for pair in out.windows(2) {
        if pair[1].0 < pair[0].1 {
            return Err(format!(
                "opening hours overlap: {}-{} and {}-{}; merge them into one interval",
                hhmm(pair[0].0),
                hhmm(pair[0].1),
                hhmm(pair[1].0),
                hhmm(pair[1].1)
            ));
        }
    }
    Ok(DayHours(out))
}

fn parse_clock(s: &str) -> Result<u32, String> {
    let bad = || format!("`{s}` is not a time of day; write it as HH:MM, 00:00 to 24:00");
    let (h, m) = s.split_once(':').ok_or_else(bad)?;
    let h: u32 = h.parse().map_err(|_| bad())?;
    let m: u32 = m.parse().map_err(|_| bad())?;
    if m >= 60 || h > 24 || (h == 24 && m > 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

/// A positive duration written as `5m`, `15 min`, `2h`, `48 hours`, `1d`, `1h30m`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Duration {
    pub minutes: u32,
}

impl Duration {
    pub const fn minutes(minutes: u32) -> Self {
        Self { minutes }
    }

    pub fn as_ms(&self) -> i64 {
        i64::from(self.minutes) * 60_000
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = self.minutes;
        if m.is_multiple_of(1440) {
            write!(f, "{}d", m / 1440)
        } else if m.is_multiple_of(60) {
            write!(f, "{}h", m / 60)
        } else {
            write!(f, "{m}m")
        }
    }
}

impl std::str::FromStr for Duration {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || {
            format!(
                "`{s}` is not a duration; write it like \"5m\", \"15 min\", \"2h\", \"1h30m\" or \"1d\""
            )
        };
        let text = s.trim().to_ascii_lowercase();
        let mut total: u64 = 0;
        let mut rest = text.as_str();
        if rest.is_empty() {
            return Err(bad());
        }
        while !rest.is_empty() {
            let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            if digits == 0 {
                return Err(bad());
            }
            let value: u64 = rest[..digits].parse().map_err(|_| bad())?;
            rest = rest[digits..].trim_start();
            let unit_len = rest.len()
                - rest
                    .trim_start_matches(|c: char| c.is_ascii_alphabetic())
                    .len();
            let unit = &rest[..unit_len];
            rest = rest[unit_len..].trim_start();
            let factor = match unit {
                "m" | "min" | "mins" | "minute" | "minutes" => 1,
                "h" | "hr" | "hrs" | "hour" | "hours" => 60,
                "d" | "day" | "days" => 1440,
                _ => return Err(bad()),
            };
            total = total.saturating_add(value.saturating_mul(factor));
        }
        if total == 0 {
            return Err(format!("`{s}` is zero; a duration here must be positive"));
        }
        if total > 366 * 1440 {
            return Err(format!("`{s}` is longer than a year; that cannot be meant"));
        }
        Ok(Duration {
            minutes: total as u32,
        })
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl Serialize for Duration {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

/// When a tier's first response is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// N business minutes after capture.
    Within(Duration),
    /// By the close of the business day that holds the first opening at or after capture.
    EndOfDay,
}

impl<'de> Deserialize<'de> for Due {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let key = s.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        if matches!(key.as_str(), "end_of_day" | "end_of_business_day" | "eod") {
            return Ok(Due::EndOfDay);
        }
        s.parse()
            .map(Due::Within)
            .map_err(|e: String| serde::de::Error::custom(format!("{e}, or \"end_of_day\"")))
    }
}

impl Serialize for Due {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Due::Within(d) => d.serialize(s),
            Due::EndOfDay => s.serialize_str("end_of_day"),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    pub due: Due,
    /// Business time past the due time after which a breach is escalated.
    #[serde(default = "default_escalate")]
    pub escalate_after: Duration,
    /// Business time past the due time after which an untouched lead should be reassigned.
    #[serde(default = "default_reassign")]
    pub reassign_after: Duration,
}

fn default_escalate() -> Duration {
    Duration::minutes(10)
}

fn default_reassign() -> Duration {
    Duration::minutes(20)
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Sla {
    /// How far before `created_at` a form submission still counts as the capture.
    pub capture_window: Duration,
    pub high: Tier,
    pub medium: Tier,
    pub low: Tier,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Attempts {
    /// Outbound touches are counted in this window after capture.
    pub window: Duration,
    /// A lead lost as unreachable with fewer attempts than this is under-worked.
    pub minimum: u32,
}

/// Synonym maps: canonical value -> the spellings found in exports.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Synonyms {
    pub intent: BTreeMap<Intent, Vec<String>>,
    pub status: BTreeMap<Status, Vec<String>>,
    pub deal_stage: BTreeMap<DealOutcome, Vec<String>>,
    pub direction: BTreeMap<Direction, Vec<String>>,
    /// Stage-history names (`--history`) -> the funnel stage they enter.
    /// Won and lost also follow `deal_stage`.
    pub stage: BTreeMap<FunnelStage, Vec<String>>,
}

/// The funnel stages a stage-history row can enter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FunnelStage {
    Contacted,
    Qualified,
    Meeting,
    Proposal,
    Won,
    Lost,
}

impl FunnelStage {
    pub const ALL: &[FunnelStage] = &[
        FunnelStage::Contacted,
        FunnelStage::Qualified,
        FunnelStage::Meeting,
        FunnelStage::Proposal,
        FunnelStage::Won,
        FunnelStage::Lost,
    ];

    /// The lead's timestamp column a stage entry sets.
    pub const fn column(self) -> &'static str {
        use crate::model;
        match self {
            FunnelStage::Contacted => model::FIRST_CONTACT_AT,
            FunnelStage::Qualified => model::QUALIFIED_AT,
            FunnelStage::Meeting => model::MEETING_AT,
            FunnelStage::Proposal => model::PROPOSAL_AT,
            FunnelStage::Won => model::WON_AT,
            FunnelStage::Lost => model::LOST_AT,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Intent {
    High,
    Medium,
    Low,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Open,
    Won,
    Lost,
    Returned,
    Nurture,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DealOutcome {
    Open,
    Won,
    Lost,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Inbound,
    Outbound,
}

impl Intent {
    pub const ALL: &[Intent] = &[Intent::High, Intent::Medium, Intent::Low];

    /// The canonical word, as the ledger's `intent` and `sla_tier` hold it.
    pub const fn name(self) -> &'static str {
        match self {
            Intent::High => "high",
            Intent::Medium => "medium",
            Intent::Low => "low",
        }
    }
}

impl Status {
    pub const ALL: &[Status] = &[
        Status::Open,
        Status::Won,
        Status::Lost,
        Status::Returned,
        Status::Nurture,
    ];
}

impl DealOutcome {
    pub const ALL: &[DealOutcome] = &[DealOutcome::Open, DealOutcome::Won, DealOutcome::Lost];
}

impl Direction {
    pub const ALL: &[Direction] = &[Direction::Inbound, Direction::Outbound];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LossClass {
    Process,
    Market,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LostCategory {
    pub name: String,
    pub class: LossClass,
    #[serde(default)]
    pub synonyms: Vec<String>,
    /// Losses in this category count as "unreachable" for the under-worked check.
    #[serde(default)]
    pub unreachable: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct LostReasons {
    pub categories: Vec<LostCategory>,
    /// A concentration needs at least this many lost leads in its cell.
    pub min_count: u32,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Pipeline {
    /// An open lead whose proposal went out this long ago with no win or loss is at risk.
    pub stale_after: Duration,
}

impl Default for Pipeline {
    fn default() -> Self {
        Self {
            stale_after: Duration::minutes(14 * 1440),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Leakage {
    /// Fix the average deal instead of computing it from won leads.
    pub average_deal: Option<f64>,
    /// How long a lead needs to settle before its outcome counts towards the
    /// worked win rate (leads captured in the 90 days before as-of minus this).
    pub settle: Duration,
}

impl Default for Leakage {
    fn default() -> Self {
        Self {
            average_deal: None,
            settle: Duration::minutes(30 * 1440),
        }
    }
}

/// The targets the headline numbers are judged against, and the settled
/// cohorts the funnel is read on.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Targets {
    /// Share of leads answered within their SLA.
    pub sla_compliance: f64,
    /// Median first response, business time.
    pub median_response: Duration,
    /// Share of contacted leads that reach a meeting.
    pub contact_to_meeting: f64,
    /// Expected leakage at most this share of the average week's won revenue.
    pub leakage_share: f64,
    /// Settled cohorts: leads captured this many weeks before the period's
    /// end, `[from, to]` (old enough for their outcome to be known).
    pub settled_weeks: [u32; 2],
}

impl Default for Targets {
    fn default() -> Self {
        Self {
            sla_compliance: 0.8,
            median_response: Duration::minutes(15),
            contact_to_meeting: 0.2,
            leakage_share: 0.1,
            settled_weeks: [5, 12],
        }
    }
}

impl Targets {
    fn validate(&self) -> Result<(), String> {
        for (key, v) in [
            ("sla_compliance", self.sla_compliance),
            ("contact_to_meeting", self.contact_to_meeting),
            ("leakage_share", self.leakage_share),
        ] {
            if !(v.is_finite() && v > 0.0 && v <= 1.0) {
                return Err(format!(
                    "targets.{key}: {v} is not a share; give a number above 0 and at most 1, e.g. 0.8"
                ));
            }
        }
        let [from, to] = self.settled_weeks;
        if from == 0 || to < from || to > 52 {
            return Err(format!(
                "targets.settled_weeks: [{from}, {to}] is not a range of weeks; give [from, to] with 1 <= from <= to <= 52, e.g. [5, 12]"
            ));
        }
        Ok(())
    }
}

/// Export header -> canonical column, per input.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Columns {
    pub leads: BTreeMap<String, String>,
    pub deals: BTreeMap<String, String>,
    pub forms: BTreeMap<String, String>,
    pub calls: BTreeMap<String, String>,
    pub spend: BTreeMap<String, String>,
    pub history: BTreeMap<String, String>,
}

impl Columns {
    /// The map of one input (including any `preset` key).
    pub fn of(&self, input: crate::model::Input) -> &BTreeMap<String, String> {
        use crate::model::Input;
        match input {
            Input::Leads => &self.leads,
            Input::Deals => &self.deals,
            Input::Forms => &self.forms,
            Input::Calls => &self.calls,
            Input::Spend => &self.spend,
            Input::History => &self.history,
        }
    }

    /// Whether the user maps any of an input's columns in the config: such a
    /// file is read as the user says, not refused or reshaped by detection.
    pub fn mapped_by_user(&self, input: crate::model::Input) -> bool {
        self.of(input).keys().any(|k| k != "preset")
    }

    /// The preset named for an input, if any.
    pub fn preset(&self, input: crate::model::Input) -> Option<&str> {
        self.of(input).get("preset").map(String::as_str)
    }

    /// The preset `[columns.<input>] preset` names, checked; `None` when none is named or it is "none".
    pub fn chosen_preset(
        &self,
        input: crate::model::Input,
    ) -> Result<Option<&'static crate::load::presets::Preset>, String> {
        match self.preset(input) {
            None | Some("none") => Ok(None),
            Some(name) => crate::load::presets::lookup(name, Some(input))
                .map(Some)
                .map_err(|e| {
                    format!(
                        "columns.{}.preset: {e}; put a preset under the [columns.*] of the input it reads, or \"none\" to turn detection off",
                        input.name()
                    )
                }),
        }
    }
}

impl Default for Business {
    fn default() -> Self {
        Self {
            name: "Your business".into(),
            currency: "INR".into(),
            phone_country: "IN".into(),
            date_order: None,
        }
    }
}

impl Default for Calendar {
    fn default() -> Self {
        Self {
            time_zone: TimeZone(chrono_tz::Asia::Kolkata),
            hours: WeekHours::default(),
            holidays: Vec::new(),
        }
    }
}

impl Default for WeekHours {
    fn default() -> Self {
        let day = DayHours(vec![(9 * 60 + 30, 19 * 60)]);
        Self {
            mon: day.clone(),
            tue: day.clone(),
            wed: day.clone(),
            thu: day.clone(),
            fri: day.clone(),
            sat: DayHours(vec![(10 * 60, 16 * 60)]),
            sun: DayHours::default(),
        }
    }
}

impl Default for Sla {
    fn default() -> Self {
        Self {
            capture_window: Duration::minutes(30 * 1440),
            high: Tier {
                due: Due::Within(Duration::minutes(5)),
                escalate_after: default_escalate(),
                reassign_after: default_reassign(),
            },
            medium: Tier {
                due: Due::Within(Duration::minutes(15)),
                escalate_after: default_escalate(),
                reassign_after: default_reassign(),
            },
            low: Tier {
                due: Due::EndOfDay,
                escalate_after: Duration::minutes(60),
                reassign_after: Duration::minutes(240),
            },
        }
    }
}

impl Default for Attempts {
    fn default() -> Self {
        Self {
            window: Duration::minutes(48 * 60),
            minimum: 5,
        }
    }
}

fn words(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

impl Default for Synonyms {
    fn default() -> Self {
        let intent = BTreeMap::from([
            (
                Intent::High,
                words(&["hot", "urgent", "a", "p1", "high intent"]),
            ),
            (Intent::Medium, words(&["warm", "b", "p2", "normal"])),
            (Intent::Low, words(&["cold", "c", "p3", "low intent"])),
        ]);
        let status = BTreeMap::from([
            (
                Status::Open,
                words(&[
                    "new",
                    "working",
                    "contacted",
                    "in progress",
                    "attempted to contact",
                    "connected",
                    "qualified",
                    "open deal",
                    "not contacted",
                ]),
            ),
            (
                Status::Won,
                words(&["closed won", "converted", "customer", "closed - converted"]),
            ),
            (
                Status::Lost,
                words(&[
                    "closed lost",
                    "unqualified",
                    "disqualified",
                    "junk",
                    "closed - not converted",
                    "bad timing",
                ]),
            ),
            (
                Status::Returned,
                words(&["returned to marketing", "recycled", "sent back"]),
            ),
            (
                Status::Nurture,
                words(&["nurturing", "later", "follow up later"]),
            ),
        ]);
        let deal_stage = BTreeMap::from([
            (
                DealOutcome::Won,
                words(&["closed won", "closedwon", "won", "deal won"]),
            ),
            (
                DealOutcome::Lost,
                words(&["closed lost", "closedlost", "lost", "deal lost"]),
            ),
        ]);
        let direction = BTreeMap::from([
            (
                Direction::Inbound,
                words(&["in", "incoming", "received", "missed", "inbound call"]),
            ),
            (
                Direction::Outbound,
                words(&["out", "outgoing", "dialed", "dialled", "outbound call"]),
            ),
        ]);
        Self {
            intent,
            status,
            deal_stage,
            direction,
            stage: default_stages(),
        }
    }
}

/// Stage names of the common CRMs' default pipelines (Salesforce lead
/// statuses and opportunity stages, HubSpot lifecycle and deal stages, Zoho,
/// Pipedrive), by the funnel stage they enter.
fn default_stages() -> BTreeMap<FunnelStage, Vec<String>> {
    BTreeMap::from([
        (
            FunnelStage::Contacted,
            words(&[
                "contacted",
                "working - contacted",
                "working contacted",
                "attempted to contact",
                "connected",
                "in progress",
                "in process",
                "contact made",
            ]),
        ),
        (
            FunnelStage::Qualified,
            words(&[
                "qualified",
                "qualification",
                "sales qualified lead",
                "salesqualifiedlead",
                "qualified to buy",
                "qualifiedtobuy",
                "closed - converted",
                "converted",
                "pre qualified",
                "prospecting",
            ]),
        ),
        (
            FunnelStage::Meeting,
            words(&[
                "meeting",
                "meeting scheduled",
                "appointment scheduled",
                "appointmentscheduled",
                "needs analysis",
                "demo",
                "demo scheduled",
                "site visit",
                "opportunity",
            ]),
        ),
        (
            FunnelStage::Proposal,
            words(&[
                "proposal",
                "proposal/price quote",
                "proposal made",
                "quote",
                "quote sent",
                "presentation scheduled",
                "presentationscheduled",
                "contract sent",
                "contractsent",
                "negotiation",
                "negotiation/review",
                "value proposition",
                "id. decision makers",
                "perception analysis",
                "decision maker bought in",
                "decisionmakerboughtin",
            ]),
        ),
        (
            FunnelStage::Won,
            words(&["won", "closed won", "closedwon", "customer", "deal won"]),
        ),
        (
            FunnelStage::Lost,
            words(&[
                "lost",
                "closed lost",
                "closedlost",
                "closed - not converted",
                "unqualified",
                "disqualified",
                "junk",
            ]),
        ),
    ])
}

impl Default for LostReasons {
    fn default() -> Self {
        let cat = |name: &str, class, unreachable, synonyms: &[&str]| LostCategory {
            name: name.into(),
            class,
            synonyms: words(synonyms),
            unreachable,
        };
        Self {
            categories: vec![
                cat(
                    "unreachable",
                    LossClass::Process,
                    true,
                    &[
                        "not reachable",
                        "no answer",
                        "switched off",
                        "rnr",
                        "ringing no response",
                        "not picking",
                        "wrong number",
                        "could not connect",
                        "did not pick up",
                    ],
                ),
                cat(
                    "unresponsive",
                    LossClass::Process,
                    true,
                    &[
                        "no response",
                        "not responding",
                        "ghosted",
                        "stopped responding",
                        "no reply",
                    ],
                ),
                cat(
                    "no follow-up",
                    LossClass::Process,
                    false,
                    &[
                        "no follow up",
                        "forgot to follow up",
                        "follow up missed",
                        "not followed up",
                    ],
                ),
                cat(
                    "duplicate",
                    LossClass::Process,
                    false,
                    &["duplicate lead", "already in crm", "dup"],
                ),
                cat(
                    "wrong icp",
                    LossClass::Market,
                    false,
                    &[
                        "not our service",
                        "wrong service",
                        "out of area",
                        "outside service area",
                        "not serviceable",
                        "job seeker",
                        "spam",
                    ],
                ),
                cat(
                    "no budget",
                    LossClass::Market,
                    false,
                    &[
                        "budget issue",
                        "too expensive",
                        "price too high",
                        "costly",
                        "low budget",
                    ],
                ),
                cat(
                    "no urgency",
                    LossClass::Market,
                    false,
                    &["not urgent", "postponed", "plan dropped", "later"],
                ),
                cat(
                    "competitor chosen",
                    LossClass::Market,
                    false,
                    &[
                        "went with competitor",
                        "chose competitor",
                        "hired someone else",
                        "local vendor",
                    ],
                ),
                cat(
                    "not ready",
                    LossClass::Market,
                    false,
                    &[
                        "just enquiring",
                        "just checking price",
                        "not interested",
                        "only enquiry",
                    ],
                ),
            ],
            min_count: 5,
        }
    }
}

impl Config {
    /// Reads and validates a config file.
    pub fn from_path(path: &Path) -> Result<Self, HandoffError> {
        let text = std::fs::read_to_string(path).map_err(|e| HandoffError::Config {
            path: path.display().to_string(),
            message: format!("cannot read it: {e}"),
        })?;
        Self::from_toml(&text).map_err(|message| HandoffError::Config {
            path: path.display().to_string(),
            message,
        })
    }

    /// Parses and validates TOML text; the error names the key and its line.
    pub fn from_toml(text: &str) -> Result<Self, String> {
        let config: Config = toml::from_str(text).map_err(|e| describe_toml_error(text, &e))?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), String> {
        if !crate::phone::is_country(&self.business.phone_country) {
            return Err(format!(
                "business.phone_country: `{}` is not a country code; use the two-letter ISO 3166 code \
                 of the country whose national numbers the exports hold, such as \"IN\", \"US\", \"GB\" or \"AE\"",
                self.business.phone_country,
            ));
        }
        let cur = &self.business.currency;
        if cur.len() != 3 || !cur.chars().all(|c| c.is_ascii_uppercase()) {
            return Err(format!(
                "business.currency: `{cur}` is not an ISO 4217 code like \"INR\", \"USD\" or \"EUR\""
            ));
        }
        if self
            .calendar
            .hours
            .by_weekday()
            .iter()
            .all(|d| d.0.is_empty())
        {
            return Err("calendar.hours: every day is closed, so no SLA could ever be due; open at least one day".into());
        }
        for (code, rate) in &self.exchange_rates {
            if code.len() != 3 || !code.chars().all(|c| c.is_ascii_alphabetic()) {
                return Err(format!(
                    "exchange_rates: `{code}` is not an ISO 4217 code like \"USD\""
                ));
            }
            if !(rate.is_finite() && *rate > 0.0 && *rate <= MAX_RATE) {
                return Err(format!(
                    "exchange_rates.{code}: {rate} is not a rate; give how many {cur} one {code} is worth, e.g. {code} = 83.2"
                ));
            }
        }
        if let Some(avg) = self.leakage.average_deal
            && !(avg.is_finite() && avg > 0.0 && avg <= MAX_MONEY)
        {
            return Err(format!(
                "leakage.average_deal: {avg:e} is not a usable amount; give a positive number up to {MAX_MONEY:e} in {cur}, e.g. average_deal = 250000"
            ));
        }
        self.targets.validate()?;
        for input in crate::model::Input::ALL {
            self.columns.chosen_preset(input)?;
        }
        if self.attempts.minimum == 0 {
            return Err("attempts.minimum: must be at least 1".into());
        }
        let mut names = std::collections::BTreeSet::new();
        for c in &self.lost_reasons.categories {
            if !names.insert(crate::lost::normalise_reason(&c.name)) {
                return Err(format!(
                    "lost_reasons.categories: `{}` is listed twice; merge the two entries",
                    c.name
                ));
            }
        }
        Ok(())
    }

    /// The tier for an intent.
    pub fn tier(&self, intent: Intent) -> &Tier {
        match intent {
            Intent::High => &self.sla.high,
            Intent::Medium => &self.sla.medium,
            Intent::Low => &self.sla.low,
        }
    }
}

/// Turns toml's error into "line N, key `a.b`: message".
fn describe_toml_error(text: &str, err: &toml::de::Error) -> String {
    let line = err
        .span()
        .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
    let message = err.message().trim().to_string();
    match line {
        Some(line) => {
            let source_line = text.lines().nth(line - 1).unwrap_or("").trim();
            format!("line {line} (`{source_line}`): {message}")
        }
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_config_is_the_default() {
        let c = Config::from_toml("").unwrap();
        assert_eq!(c.calendar.time_zone.name(), "Asia/Kolkata");
        assert_eq!(c.sla.high.due, Due::Within(Duration::minutes(5)));
        assert_eq!(c.sla.low.due, Due::EndOfDay);
        assert_eq!(c.attempts.minimum, 5);
    }

    #[test]
    fn unknown_key_is_named_with_its_line() {
        let err = Config::from_toml("[calendar]\ntime_zone = \"Asia/Kolkata\"\nopening = 3\n")
            .unwrap_err();
        assert!(err.contains("line 3"), "{err}");
        assert!(err.contains("opening"), "{err}");
    }

    #[test]
    fn bad_time_zone_is_named_with_its_line() {
        let err = Config::from_toml("\n[calendar]\ntime_zone = \"Asia/Kolkatta\"\n").unwrap_err();
        assert!(err.contains("line 3"), "{err}");
        assert!(err.contains("Asia/Kolkatta"), "{err}");
    }

    #[test]
    fn bad_duration_is_named_with_its_line() {
        let err = Config::from_toml("[sla.high]\ndue = \"5 parsecs\"\n").unwrap_err();
        assert!(err.contains("line 2"), "{err}");
        assert!(err.contains("5 parsecs"), "{err}");
        let zero = Config::from_toml("[sla.high]\ndue = \"0m\"\n").unwrap_err();
        assert!(zero.contains("zero"), "{zero}");
    }

    #[test]
    fn durations_parse_in_common_forms() {
        let d = |s: &str| s.parse::<Duration>().unwrap().minutes;
        assert_eq!(d("5m"), 5);
        assert_eq!(d("15 min"), 15);
        assert_eq!(d("2h"), 120);
        assert_eq!(d("1h30m"), 90);
        assert_eq!(d("48 hours"), 2880);
        assert_eq!(d("1d"), 1440);
        assert!("".parse::<Duration>().is_err());
        assert!("m".parse::<Duration>().is_err());
        assert!("-5m".parse::<Duration>().is_err());
    }

    #[test]
    fn overlapping_hours_are_rejected() {
        let err = Config::from_toml("[calendar.hours]\nmon = [\"09:00-13:00\", \"12:00-18:00\"]\n")
            .unwrap_err();
        assert!(err.contains("overlap"), "{err}");
        assert!(err.contains("line 2"), "{err}");
    }

    #[test]
    fn hours_accept_split_days_and_closed() {
        let c = Config::from_toml(
            "[calendar.hours]\nmon = \"09:00-13:00,14:00-18:00\"\nsun = \"closed\"\n",
        )
        .unwrap();
        assert_eq!(c.calendar.hours.mon.0, vec![(540, 780), (840, 1080)]);
        assert!(c.calendar.hours.sun.0.is_empty());
    }
}

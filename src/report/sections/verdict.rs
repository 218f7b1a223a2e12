//! The first screen: the verdict in words, the five headline numbers against
//! their targets and a like-for-like comparison, and three named actions.

use crate::config::{Config, Intent};
use crate::error::Result;
use crate::format::{count, day, duration, money, percent};
use crate::metrics::Metrics;
use crate::metrics::stages::MeetingRate;
use crate::metrics::stats::Rate;
use crate::metrics::trend::Week;
use crate::report::view::{Block, Card, NOT_MEASURED, Section};

/// A finding as a list item: its first letter capitalised, a full stop after.
fn item(finding: &str) -> String {
    let mut chars = finding.chars();
    let first = chars.next().map(|c| c.to_uppercase().collect::<String>());
    format!("{}{}.", first.unwrap_or_default(), chars.as_str())
}

/// The verdict: what went wrong and what went well, a line each; then the
/// money at stake and the closed days in a paragraph.
fn verdict_blocks(m: &Metrics) -> Vec<Block> {
    let v = &m.verdict;
    let mut blocks = Vec::new();
    for (title, findings) in [("Went wrong", &v.went_wrong), ("Went well", &v.went_well)] {
        if !findings.is_empty() {
            blocks.push(Block::Text {
                text: title.into(),
                class: "subhead",
            });
            blocks.push(Block::Bullets {
                items: findings.iter().map(|f| item(f)).collect(),
            });
        }
    }
    let mut parts = Vec::new();
    if let Some(money) = &v.money_at_stake {
        parts.push(format!("The most money at stake: {money}."));
    }
    if !v.closed_days.is_empty() {
        parts.push(format!("{}.", v.closed_days.join("; ")));
    }
    if blocks.is_empty() && parts.is_empty() {
        parts.push(match m.volume.handed_off {
            0 => "No leads in this period.".into(),
            // Leads came in, but no rule could judge them: say so, not "no leads".
            n => format!(
                "{} leads handed off. Nothing else can be judged from these exports: \
                 what they cannot measure is under \"About this data\".",
                count(n, &m.currency)
            ),
        });
    }
    if !parts.is_empty() {
        blocks.push(Block::Text {
            text: parts.join(" "),
            class: "lead",
        });
    }
    blocks
}

fn card(
    m: &Metrics,
    name: &str,
    label: &str,
    value: String,
    comparison: String,
    detail: String,
) -> Card {
    let h = m.verdict.headlines.iter().find(|h| h.name == name);
    let measured = value != NOT_MEASURED;
    Card {
        label: label.into(),
        target: h
            .filter(|h| measured && !h.target.is_empty())
            .map_or(String::new(), |h| h.target.clone()),
        verdict: h.filter(|_| measured).map_or("neutral", |h| h.verdict),
        value,
        comparison,
        detail,
    }
}

/// The meeting card's headline name and label.
const MEETING_NAME: &str = "contact_to_meeting";
const MEETING_LABEL: &str = "Contacted leads reaching a meeting";

/// The contacted-to-meeting card. Its number is the settled leads' rate, the
/// one the target judges: this week's leads are days old, too young to have
/// reached a meeting. This week's leads so far and last week's at the same
/// point stand beside it. When no settled lead was contacted, the card shows
/// this week's so far, says it is not judged, and shows no target; when the
/// exports measure no contacts or meetings, it says not measured.
fn meeting_card(m: &Metrics, now: &Week, before: Option<&Week>) -> Card {
    let settled = &m.stages.settled;
    let rate = settled.meeting_rate();
    if rate == MeetingRate::NotMeasured {
        return card(
            m,
            MEETING_NAME,
            MEETING_LABEL,
            NOT_MEASURED.into(),
            String::new(),
            String::new(),
        );
    }
    let of = |r: &Rate| format!("{} of {}", count(r.k, &m.currency), count(r.n, &m.currency));
    let so_far = now.contact_to_meeting.as_ref();
    let so_far_text =
        so_far.map(|w| format!("this week's leads so far {} ({})", percent(w.rate), of(w)));
    let same_point = before
        .and_then(|w| w.contact_to_meeting.as_ref())
        .map(|r| format!("last week's at the same point {}", percent(r.rate)));
    let window = format!("{} to {}", day(&settled.first_day), day(&settled.last_day));
    let MeetingRate::Judged { rate, of: judged } = rate else {
        return not_judged(so_far, so_far_text, same_point, &window);
    };
    card(
        m,
        MEETING_NAME,
        &format!(
            "{MEETING_LABEL} (leads {} to {} weeks old)",
            settled.weeks[0], settled.weeks[1]
        ),
        percent(Some(rate)),
        [so_far_text, same_point]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("; "),
        format!(
            "judged on the leads captured {window}, old enough to have reached a meeting: {}",
            of(judged)
        ),
    )
}

/// The meeting card with nothing to judge: this week's so far, with no
/// target and no verdict.
fn not_judged(
    so_far: Option<&Rate>,
    so_far_text: Option<String>,
    same_point: Option<String>,
    window: &str,
) -> Card {
    Card {
        label: MEETING_LABEL.into(),
        value: so_far.map_or_else(|| NOT_MEASURED.to_string(), |w| percent(w.rate)),
        target: String::new(),
        comparison: same_point.unwrap_or_default(),
        verdict: "neutral",
        detail: format!(
            "{}not judged: none of the leads captured {window}, old enough to have reached \
             a meeting, was contacted",
            so_far_text.map_or(String::new(), |t| format!("{t}; "))
        ),
    }
}

/// Last week's figure at the same point, in words.
fn last_week(v: Option<String>) -> Option<String> {
    v.map(|v| format!("last week at the same point {v}"))
}

/// The leads card: this week against the 4 weeks before it.
fn leads_card(m: &Metrics, now: &Week, prior: &[Week]) -> Card {
    let prior: Vec<&Week> = prior.iter().rev().take(4).collect();
    let avg = (!prior.is_empty())
        .then(|| prior.iter().map(|w| w.handed_off).sum::<u64>() as f64 / prior.len() as f64);
    card(
        m,
        "leads",
        "Leads handed off",
        count(now.handed_off, &m.currency),
        avg.map_or(String::new(), |a| format!("4-week average {a:.0}")),
        m.verdict.closed_days.join("; "),
    )
}

/// The SLA card, with the high-intent tier's share beside it.
fn sla_card(m: &Metrics, now: &Week, before: Option<&Week>) -> Card {
    let sla = |w: &Week| w.sla_compliance.as_ref().map(|r| percent(r.rate));
    let high = (m.sla.as_ref()).and_then(|s| s.tier(Intent::High));
    card(
        m,
        "sla",
        "First response within the SLA",
        sla(now).unwrap_or_else(|| NOT_MEASURED.into()),
        last_week(before.and_then(sla)).unwrap_or_default(),
        high.map_or(String::new(), |h| {
            format!(
                "high intent: {} ({} of {})",
                percent(h.compliance.rate),
                h.compliance.k,
                h.compliance.n
            )
        }),
    )
}

/// The median response card, with the wall clock and the leads left out.
fn response_card(m: &Metrics, now: &Week, before: Option<&Week>) -> Card {
    let measured = m.response.is_some();
    let wall = m.response.as_ref().and_then(|r| r.wall.median);
    card(
        m,
        "response",
        "Median first response (business time)",
        if measured {
            duration(now.median_business_response)
        } else {
            NOT_MEASURED.into()
        },
        last_week(before.filter(|_| measured).map(|b| duration(b.median_business_response)))
            .unwrap_or_default(),
        wall.map_or(String::new(), |w| {
            format!(
                "wall clock {}; {} of leads arrive after hours; the {} still untouched are not in the median",
                duration(Some(w)),
                percent(m.volume.after_hours.rate),
                m.sla.as_ref().map_or(0, |s| s.never_touched + s.waiting)
            )
        }),
    )
}

/// The expected leakage card, beside last week's and an average week's revenue.
fn leakage_card(m: &Metrics, before: Option<&Week>) -> Card {
    let (l, cur) = (&m.leakage, m.currency.as_str());
    let measured = l.expected_not_measured.is_none();
    let comparison = [
        last_week(
            before
                .and_then(|b| b.expected_leakage)
                .filter(|_| measured)
                .map(|v| money(Some(v), cur)),
        ),
        (m.activity.weekly_won_revenue)
            .map(|w| format!("average week's won revenue {}", money(Some(w), cur))),
    ];
    card(
        m,
        "leakage",
        "Expected leakage (process losses)",
        if measured {
            money(l.overall.expected_leakage, cur)
        } else {
            NOT_MEASURED.into()
        },
        comparison
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("; "),
        match &l.expected_not_measured {
            Some(why) => why.clone(),
            // The full-value upper bound stays in the losses table: beside
            // the headline it reads as a claim.
            None => format!(
                "{} process losses; likely {} to {}",
                l.overall.process_losses,
                money(l.overall.expected_low, cur),
                money(l.overall.expected_high, cur),
            ),
        },
    )
}

fn cards(m: &Metrics) -> Vec<Card> {
    let weeks = &m.trend.weeks;
    let Some((now, prior)) = weeks.split_last() else {
        return Vec::new();
    };
    let before = prior.last();
    vec![
        leads_card(m, now, prior),
        sla_card(m, now, before),
        response_card(m, now, before),
        meeting_card(m, now, before),
        leakage_card(m, before),
    ]
}

/// "Aman Verma: 31 leads untouched past their due time: call them by Tue 17 Nov, 12:00."
fn actions(m: &Metrics) -> Vec<String> {
    m.verdict
        .actions
        .iter()
        .map(|a| {
            let by = chrono::NaiveDateTime::parse_from_str(&a.deadline, "%Y-%m-%d %H:%M")
                .map(|t| t.format("%a %-d %b, %H:%M").to_string())
                .unwrap_or_else(|_| a.deadline.clone());
            format!("{}: {} by {by}.", a.owner, a.what)
        })
        .collect()
}

pub fn section(m: &Metrics, _config: &Config) -> Result<Section> {
    let mut blocks = verdict_blocks(m);
    blocks.push(Block::Cards { cards: cards(m) });
    let todo = actions(m);
    if !todo.is_empty() {
        blocks.push(Block::Text {
            text: "Three actions for this week".into(),
            class: "subhead",
        });
        blocks.push(Block::Bullets { items: todo });
    }
    Ok(Section {
        id: "verdict",
        title: "The week in two minutes".into(),
        blocks,
    })
}

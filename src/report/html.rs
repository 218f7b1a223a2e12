//! `scorecard.html`: one self-contained page rendered with tera from a typed
//! view of the metrics. Everything from the inputs is escaped by tera (the
//! template's name ends in `.html`, so autoescape is on); the only raw HTML
//! inserted is the SVG of our own charts, whose labels plotters escapes.

use serde::Serialize;
use tera::Tera;

use super::charts::{self, BLUE, GREEN, ORANGE, VERMILLION};
use super::format::{count, duration, money, percent};
use crate::config::{Config, Due};
use crate::error::{HandoffError, Result};
use crate::metrics::Metrics;
use crate::metrics::stats::Rate;

const TEMPLATE: &str = include_str!("../../templates/scorecard.html");

/// Rates resting on fewer leads than this are flagged as small samples.
const SMALL_SAMPLE: u64 = 20;

#[derive(Serialize)]
struct Headline {
    label: &'static str,
    value: String,
    previous: String,
    /// A line under the value (a range, a caveat); empty for none.
    detail: String,
    /// `better`, `worse` or `same`: judged by whether up is good for this number.
    verdict: &'static str,
    arrow: &'static str,
}

#[derive(Serialize)]
struct Chart {
    title: &'static str,
    svg: String,
    /// The numbers, in words, for readers who cannot see the chart.
    text: String,
}

#[derive(Serialize)]
struct Row {
    cells: Vec<String>,
    small: bool,
    /// A file beside the report that holds the full list.
    link: Option<String>,
}

#[derive(Serialize)]
struct Table {
    title: &'static str,
    note: String,
    head: Vec<&'static str>,
    rows: Vec<Row>,
}

#[derive(Serialize)]
struct View<'a> {
    business: &'a str,
    period: &'a str,
    first_day: String,
    last_day: String,
    as_of: &'a str,
    tool_version: &'a str,
    config_digest: &'a str,
    sources: Vec<Row>,
    warnings: Vec<String>,
    /// What the inputs cannot measure: (what, why, fix).
    unmeasured: Vec<(&'static str, String, &'static str)>,
    empty: bool,
    headline: Vec<Headline>,
    answers: Vec<(&'static str, String)>,
    charts: Vec<Chart>,
    tables: Vec<Table>,
    actions: Vec<Table>,
    definitions: Vec<(&'static str, String)>,
    /// The config in force, as TOML.
    config: String,
}

fn verdict(
    now: Option<f64>,
    before: Option<f64>,
    up_is_good: bool,
) -> (&'static str, &'static str) {
    match (now, before) {
        (Some(a), Some(b)) if (a - b).abs() < 1e-9 => ("same", "→"),
        (Some(a), Some(b)) => {
            let up = a > b;
            let arrow = if up { "▲" } else { "▼" };
            (if up == up_is_good { "better" } else { "worse" }, arrow)
        }
        _ => ("same", ""),
    }
}

fn rate_cell(r: &Rate) -> String {
    match (r.rate, r.low, r.high) {
        (Some(_), Some(l), Some(h)) => format!(
            "{} ({}-{}, n={})",
            percent(r.rate),
            percent(Some(l)),
            percent(Some(h)),
            r.n
        ),
        _ => "n/a".into(),
    }
}

const NOT_MEASURED: &str = "not measured";

fn headline(m: &Metrics) -> Vec<Headline> {
    let weeks = &m.trend.weeks;
    let (now, before) = (
        weeks.last(),
        weeks.len().checked_sub(2).and_then(|i| weeks.get(i)),
    );
    let Some(now) = now else { return Vec::new() };
    let mut out = Vec::new();
    let touch = m.sla.is_some();
    let mut push = |label,
                    v: Option<f64>,
                    p: Option<f64>,
                    up_good,
                    measured: bool,
                    fmt: &dyn Fn(Option<f64>) -> String| {
        let (verdict, arrow) = verdict(v, p, up_good);
        out.push(Headline {
            label,
            value: if measured {
                fmt(v)
            } else {
                NOT_MEASURED.into()
            },
            previous: if measured { fmt(p) } else { String::new() },
            detail: String::new(),
            verdict: if measured { verdict } else { "same" },
            arrow: if measured { arrow } else { "" },
        });
    };
    let cur = m.currency.as_str();
    push(
        "Leads handed off",
        Some(now.handed_off as f64),
        before.map(|b| b.handed_off as f64),
        true,
        true,
        &|v| v.map_or("n/a".into(), |v| count(v as u64, cur)),
    );
    let rate = |w: &crate::metrics::trend::Week| w.sla_compliance.as_ref().and_then(|r| r.rate);
    push(
        "SLA compliance",
        rate(now),
        before.and_then(rate),
        true,
        touch,
        &percent,
    );
    push(
        "Median first response (business time)",
        now.median_business_response,
        before.and_then(|b| b.median_business_response),
        false,
        touch,
        &duration,
    );
    let c2m = |w: &crate::metrics::trend::Week| w.contact_to_meeting.as_ref().and_then(|r| r.rate);
    push(
        "Contact to meeting",
        c2m(now),
        before.and_then(c2m),
        true,
        now.contact_to_meeting.is_some(),
        &percent,
    );
    push(
        "Expected leakage",
        now.expected_leakage,
        before.and_then(|b| b.expected_leakage),
        false,
        m.leakage.expected_not_measured.is_none(),
        &|v| money(v, cur),
    );
    if let Some(card) = out.last_mut() {
        card.detail = leakage_detail(m);
    }
    out
}

/// The expected leakage's range and its upper bound, or why it is not measured.
fn leakage_detail(m: &Metrics) -> String {
    let l = &m.leakage;
    let o = &l.overall;
    let cur = m.currency.as_str();
    let losses = match o.process_losses {
        1 => "1 process loss".to_string(),
        n => format!("{n} process losses"),
    };
    if let Some(why) = &l.expected_not_measured {
        return format!("{losses}; {why}");
    }
    format!(
        "{losses}; likely {} to {}; at most {} if every one were a sale",
        money(o.expected_low, cur),
        money(o.expected_high, cur),
        money(o.full_value_leakage, cur)
    )
}

fn charts(m: &Metrics, config: &Config) -> Result<Vec<Chart>> {
    let mut out = Vec::new();
    if let (Some(response), Some(sla)) = (&m.response, &m.sla) {
        out.push(response_chart(&response.business, sla, config)?);
    }
    if let Some(week) = m.stages.windows.first() {
        let labels: Vec<String> = week
            .overall
            .reached
            .iter()
            .enumerate()
            .map(|(i, (stage, n))| match i {
                0 => stage.to_string(),
                _ if !m.stages.measured.get(i).is_some_and(|s| s.1) => stage.to_string(),
                _ if week.overall.conversions[i - 1].rate.is_none() => stage.to_string(),
                _ => {
                    let before = week.overall.reached[i - 1].1;
                    let share = (before > 0).then(|| *n as f64 / before as f64);
                    format!("{stage} {}", percent(share))
                }
            })
            .collect();
        let values: Vec<f64> = week
            .overall
            .reached
            .iter()
            .map(|(_, n)| *n as f64)
            .collect();
        let unmeasured: Vec<&str> = m
            .stages
            .measured
            .iter()
            .filter(|s| !s.1)
            .map(|s| s.0)
            .collect();
        let mut text = labels
            .iter()
            .zip(&values)
            .map(|(l, v)| format!("{l}: {v}"))
            .collect::<Vec<_>>()
            .join("; ");
        if !unmeasured.is_empty() {
            text += &format!(
                ". Not measured by these exports (bars count only leads seen at a later stage): {}",
                unmeasured.join(", ")
            );
        }
        out.push(Chart {
            title: "Stage funnel of the period's leads (with conversion from the stage before)",
            text,
            svg: charts::bars(&labels, &values, &[BLUE], "leads reaching the stage")?,
        });
    }
    let labels: Vec<String> = m
        .trend
        .weeks
        .iter()
        .map(|w| w.label.rsplit('-').next().unwrap_or("").to_string())
        .collect();
    let sla: Vec<Option<f64>> = m
        .trend
        .weeks
        .iter()
        .map(|w| {
            w.sla_compliance
                .as_ref()
                .and_then(|r| r.rate)
                .map(|r| r * 100.0)
        })
        .collect();
    if m.sla.is_some() {
        out.push(Chart {
            title: "SLA compliance, last nine weeks (%)",
            text: labels
                .iter()
                .zip(&sla)
                .map(|(l, v)| format!("{l}: {}", percent(v.map(|v| v / 100.0))))
                .collect::<Vec<_>>()
                .join("; "),
            svg: charts::line(&labels, &sla, 100.0, "% met", None)?,
        });
    }
    if let Some(speed) = &m.speed_to_lead {
        let labels: Vec<String> = speed.buckets.iter().map(|b| b.bucket.clone()).collect();
        let values: Vec<f64> = speed
            .buckets
            .iter()
            .map(|b| b.meeting.rate.unwrap_or(0.0) * 100.0)
            .collect();
        out.push(Chart {
            title: "Speed to lead: meeting rate by wait (90 days, %)",
            text: speed.finding.clone(),
            svg: charts::bars(&labels, &values, &[BLUE], "% reaching a meeting")?,
        });
    }
    let medians: Vec<Option<f64>> = m
        .trend
        .weeks
        .iter()
        .map(|w| w.median_business_response)
        .collect();
    if m.response.is_some() {
        let week_labels: Vec<String> = m
            .trend
            .weeks
            .iter()
            .map(|w| w.label.rsplit('-').next().unwrap_or("").to_string())
            .collect();
        out.push(Chart {
            title: "Median first response, last nine weeks (business minutes)",
            text: week_labels
                .iter()
                .zip(&medians)
                .map(|(l, v)| format!("{l}: {}", duration(*v)))
                .collect::<Vec<_>>()
                .join("; "),
            svg: charts::line(&week_labels, &medians, 15.0, "minutes", None)?,
        });
    }
    let board: Vec<_> = m
        .campaigns
        .leaderboard
        .iter()
        .filter(|c| c.leads > 0)
        .take(8)
        .collect();
    if !board.is_empty() {
        let labels: Vec<String> = board
            .iter()
            .map(|c| c.campaign.chars().take(12).collect())
            .collect();
        let values: Vec<(f64, f64, f64)> = board
            .iter()
            .map(|c| {
                let r = &c.meeting_rate;
                (
                    r.low.unwrap_or(0.0) * 100.0,
                    r.rate.unwrap_or(0.0) * 100.0,
                    r.high.unwrap_or(0.0) * 100.0,
                )
            })
            .collect();
        out.push(Chart {
            title: "Campaigns: meeting rate with its 95% interval (%)",
            text: board
                .iter()
                .map(|c| {
                    format!(
                        "{}: {} meetings of {} leads ({})",
                        c.campaign,
                        c.meetings,
                        c.leads,
                        rate_cell(&c.meeting_rate)
                    )
                })
                .collect::<Vec<_>>()
                .join("; "),
            svg: charts::intervals(&labels, &values, "% reaching a meeting")?,
        });
    }
    let cats = &m.lost_reasons.categories;
    if !cats.is_empty() {
        let labels: Vec<String> = cats
            .iter()
            .map(|c| c.category.chars().take(14).collect())
            .collect();
        let values: Vec<f64> = cats.iter().map(|c| c.leads as f64).collect();
        let colors: Vec<_> = cats
            .iter()
            .map(|c| match c.class.as_str() {
                "process" => VERMILLION,
                "market" => BLUE,
                _ => ORANGE,
            })
            .collect();
        out.push(Chart {
            title: "Lost reasons: process (vermillion), market (blue), unclassified (orange)",
            text: cats
                .iter()
                .map(|c| format!("{} ({}): {}", c.category, c.class, c.leads))
                .collect::<Vec<_>>()
                .join("; "),
            svg: charts::bars(&labels, &values, &colors, "lost leads")?,
        });
    }
    let leak: Vec<_> = m
        .leakage
        .by_source
        .iter()
        .filter(|s| s.process_losses > 0)
        .collect();
    if !leak.is_empty() {
        let labels: Vec<String> = leak.iter().map(|s| s.segment.clone()).collect();
        let in_money = m.leakage.expected_not_measured.is_none();
        let values: Vec<f64> = leak
            .iter()
            .map(|s| {
                if in_money {
                    s.expected_leakage.unwrap_or(0.0)
                } else {
                    s.process_losses as f64
                }
            })
            .collect();
        out.push(Chart {
            title: "Expected leakage by source",
            text: leak
                .iter()
                .map(|s| {
                    format!(
                        "{}: {} process losses, expected {}",
                        s.segment,
                        s.process_losses,
                        money(s.expected_leakage, &m.currency)
                    )
                })
                .collect::<Vec<_>>()
                .join("; "),
            svg: charts::bars(
                &labels,
                &values,
                &[VERMILLION],
                if in_money {
                    m.currency.as_str()
                } else {
                    "process losses (leads)"
                },
            )?,
        });
    }
    Ok(out)
}

/// The first-response histogram, with the medium tier's due time marked.
/// Untouched leads are split: past the due time (lost) and waiting (not yet due).
fn response_chart(
    b: &crate::metrics::stats::Distribution,
    sla: &crate::metrics::sla::Sla,
    config: &Config,
) -> Result<Chart> {
    let mut labels: Vec<String> = b.buckets.iter().map(|(l, _)| l.clone()).collect();
    labels.extend(["untouched, due".into(), "waiting".into()]);
    let mut values: Vec<f64> = b.buckets.iter().map(|(_, n)| *n as f64).collect();
    values.extend([sla.never_touched as f64, sla.waiting as f64]);
    let mut colors = vec![
        GREEN, GREEN, ORANGE, ORANGE, VERMILLION, VERMILLION, VERMILLION,
    ];
    colors.extend([VERMILLION, BLUE]);
    // The medium tier's due time, drawn where it falls between the buckets.
    let due = sla_minutes(config);
    let marker = crate::metrics::stats::BUCKETS
        .iter()
        .position(|(_, high)| *high >= due)
        .map(|i| i as u32 + 1);
    let counts: Vec<String> = labels
        .iter()
        .zip(&values)
        .map(|(l, v)| format!("{l}: {v}"))
        .collect();
    Ok(Chart {
        title: "First response, business time (dashed: the medium-intent SLA)",
        text: format!(
            "{}; untouched, due means untouched past the due time; waiting means not yet due; touched at an unknown time (left out): {}; medium-intent SLA {}",
            counts.join("; "),
            b.unknown,
            duration(Some(due))
        ),
        svg: charts::bars_marked(&labels, &values, &colors, "leads", marker)?,
    })
}

fn tables(m: &Metrics) -> Vec<Table> {
    let cur = m.currency.as_str();
    let week = m.stages.windows.first();
    let nm = || NOT_MEASURED.to_string();
    let sources = m
        .leakage
        .by_source
        .iter()
        .map(|l| {
            let r = m
                .response
                .as_ref()
                .and_then(|r| r.by_source.iter().find(|s| s.segment == l.segment));
            let sla = m
                .sla
                .as_ref()
                .and_then(|s| s.by_source.iter().find(|s| s.segment == l.segment));
            let funnel = week.and_then(|w| w.by_source.iter().find(|f| f.segment == l.segment));
            Row {
                small: l.handed_off < SMALL_SAMPLE,
                link: None,
                cells: vec![
                    l.segment.clone(),
                    l.handed_off.to_string(),
                    r.map_or_else(nm, |r| duration(r.business.median)),
                    sla.map_or_else(nm, |s| rate_cell(&s.compliance)),
                    funnel
                        .and_then(|f| f.contact_to_meeting.as_ref())
                        .map_or_else(nm, rate_cell),
                ],
            }
        })
        .collect();
    let campaigns = m
        .campaigns
        .leaderboard
        .iter()
        .map(|c| Row {
            small: c.leads < SMALL_SAMPLE,
            link: None,
            cells: vec![
                c.campaign.clone(),
                c.source.clone().unwrap_or_default(),
                c.leads.to_string(),
                c.meetings.to_string(),
                rate_cell(&c.meeting_rate),
                duration(c.median_business_response),
                money(c.cost_per_meeting, cur),
            ],
        })
        .collect();
    let reps = week
        .map(|w| &w.by_owner[..])
        .unwrap_or(&[])
        .iter()
        .map(|f| {
            let r = m
                .response
                .as_ref()
                .and_then(|r| r.by_owner.iter().find(|s| s.segment == f.segment));
            let sla = m
                .sla
                .as_ref()
                .and_then(|s| s.by_owner.iter().find(|s| s.segment == f.segment));
            let short = |r: &Option<Rate>| {
                r.as_ref()
                    .map_or_else(nm, |r| format!("{} of {}", r.k, r.n))
            };
            let leads = f.reached.first().map_or(0, |r| r.1);
            Row {
                small: leads < SMALL_SAMPLE,
                link: None,
                cells: vec![
                    f.segment.clone(),
                    leads.to_string(),
                    r.map_or_else(nm, |r| duration(r.business.median)),
                    sla.map_or_else(nm, |s| rate_cell(&s.compliance)),
                    sla.map_or_else(nm, |s| s.breached.to_string()),
                    short(&f.contact_to_meeting),
                    short(&f.meeting_to_proposal),
                    short(&f.proposal_to_close),
                ],
            }
        })
        .collect();
    let lost = m
        .lost_reasons
        .categories
        .iter()
        .map(|c| Row {
            small: false,
            link: None,
            cells: vec![
                c.category.clone(),
                c.class.clone(),
                c.leads.to_string(),
                percent(c.share.rate),
            ],
        })
        .collect();
    let clusters = m
        .lost_reasons
        .clusters
        .iter()
        .take(10)
        .map(|c| Row {
            small: false,
            link: None,
            cells: vec![c.name.clone(), c.leads.to_string(), c.examples.join(" / ")],
        })
        .collect();
    let concentrations = m
        .lost_reasons
        .concentrations
        .iter()
        .take(10)
        .map(|c| Row {
            small: false,
            link: None,
            cells: vec![c.finding.clone(), format!("{:.1}", c.z)],
        })
        .collect();
    let opt = |v: Option<u64>| v.map_or_else(nm, |v| v.to_string());
    let leak = m
        .leakage
        .by_source
        .iter()
        .chain(std::iter::once(&m.leakage.overall))
        .filter(|l| l.process_losses > 0 || l.segment == "all")
        .map(|l| Row {
            small: false,
            link: None,
            cells: vec![
                if l.segment == "all" {
                    "All sources".into()
                } else {
                    l.segment.clone()
                },
                l.process_losses.to_string(),
                opt(l.lost_process),
                opt(l.untouched_past_due),
                money(l.expected_leakage, cur),
                format!(
                    "{} to {}",
                    money(l.expected_low, cur),
                    money(l.expected_high, cur)
                ),
                money(l.full_value_leakage, cur),
            ],
        })
        .collect();
    let leak_note = match (&m.leakage.expected_not_measured, &m.leakage.worked_win_rate) {
        (Some(why), _) => format!("Expected leakage not measured: {why}."),
        (None, Some(w)) => format!(
            "Each process loss is priced at the worked win rate ({}, {} of {} leads captured {} to {} that met their SLA) x the average deal ({}, {}). Full value prices every loss as a sale: an upper bound, not a forecast.",
            percent(w.rate.rate),
            w.rate.k,
            w.rate.n,
            w.first_day,
            w.last_day,
            money(m.leakage.average_deal, cur),
            m.leakage.average_deal_basis
        ),
        (None, None) => String::new(),
    };
    let spread = |s: &crate::metrics::routing::Spread| {
        format!("{} / {}", duration(s.median), duration(s.p90))
    };
    let routing = m.routing.as_ref().map_or(Vec::new(), |r| {
        r.by_owner
            .iter()
            .map(|o| Row {
                small: o.leads < SMALL_SAMPLE,
                link: None,
                cells: vec![
                    o.segment.clone(),
                    o.leads.to_string(),
                    spread(&o.assignment_lag),
                    spread(&o.rep_response),
                ],
            })
            .collect()
    });
    let routing_note = m.routing.as_ref().map_or_else(
        || "Not measured: no input has an assignment time (assigned_at).".to_string(),
        |r| format!(
            "Median / p90 in business time. Routing: capture to assignment (all leads {}); rep: assignment (or capture, if later) to first touch (all leads {}). {} of the period's leads have no assignment time.",
            spread(&r.assignment_lag), spread(&r.rep_response), r.unassigned
        ),
    );
    let mut out = vec![
        Table {
            title: "Leakage by source",
            note: leak_note,
            head: vec![
                "Source",
                "Process losses",
                "Lost for process",
                "Untouched past due",
                "Expected",
                "Likely range",
                "Full value (upper bound)",
            ],
            rows: leak,
        },
        Table {
            title: "Routing versus rep, by owner",
            note: routing_note,
            head: vec!["Owner", "Leads", "Routing lag", "Rep response"],
            rows: routing,
        },
    ];
    out.extend(vec![
        Table { title: "By source", note: "First-touch source. Rates show the 95% interval and n; pale rows rest on fewer than 20 leads.".into(), head: vec!["Source", "Leads", "Median response", "SLA met", "Contact to meeting"], rows: sources },
        Table { title: "Campaigns by qualified meetings", note: "Ranked by meetings, not leads; cost per meeting from the spend file.".into(), head: vec!["Campaign", "Source", "Leads", "Meetings", "Meeting rate", "Median response", "Cost per meeting"], rows: campaigns },
        Table { title: "By rep", note: "Median first response in business time; the stage ratios are counts of the period's leads.".into(), head: vec!["Owner", "Leads", "Median response", "SLA met", "Breaches", "Contact to meeting", "Meeting to proposal", "Proposal to close"], rows: reps },
        Table { title: "Lost reasons", note: match m.lost_reasons.without_reason {
            Some(blank) => format!("{} lost leads in the period, {blank} without a reason.", m.lost_reasons.lost),
            None => format!("{} lost leads in the period; their reasons are not measured: no input has a lost-reason column.", m.lost_reasons.lost),
        }, head: vec!["Category", "Class", "Leads", "Share"], rows: lost },
        Table { title: "Unclassified reasons, clustered", note: format!("Free text that maps to no category, over {} weeks.", m.lost_reasons.history_weeks), head: vec!["Cluster", "Leads", "Wordings"], rows: clusters },
        Table { title: "Concentrations", note: format!("Cells at least {} leads, significantly above the reason's share elsewhere.", m.lost_reasons.min_count), head: vec!["Finding", "z"], rows: concentrations },
    ]);
    out
}

fn actions(m: &Metrics) -> Vec<Table> {
    let cur = m.currency.as_str();
    let no_sla = crate::metrics::sla::Sla::empty();
    let sla = m.sla.as_ref().unwrap_or(&no_sla);
    let breaches = sla
        .breaches
        .iter()
        .take(25)
        .map(|b| Row {
            small: false,
            link: None,
            cells: vec![
                b.lead_id.clone(),
                b.owner.clone().unwrap_or_else(|| "(none)".into()),
                b.source.clone().unwrap_or_default(),
                b.due_at.clone().unwrap_or_default().replace('T', " "),
                duration(b.delay_business_min),
                if b.first_touch_at.is_none() {
                    "never touched".into()
                } else {
                    String::new()
                },
            ],
        })
        .collect();
    let stale = m
        .pipeline
        .stale_proposals
        .iter()
        .take(15)
        .map(|s| Row {
            small: false,
            link: None,
            cells: vec![
                s.lead_id.clone(),
                s.owner.clone().unwrap_or_else(|| "(none)".into()),
                format!("{:.0} days", s.days_since_proposal.unwrap_or(0.0)),
                money(s.deal_value, cur),
            ],
        })
        .collect();
    let leads = |list: &[crate::metrics::sla::LeadRef]| -> Vec<Row> {
        list.iter()
            .take(25)
            .map(|l| Row {
                small: false,
                link: None,
                cells: vec![
                    l.lead_id.clone(),
                    l.owner.clone().unwrap_or_else(|| "(none)".into()),
                    l.source.clone().unwrap_or_default(),
                    l.captured_at.replace('T', " "),
                ],
            })
            .collect()
    };
    let lead_list =
        |title: &'static str, list: &[crate::metrics::sla::LeadRef], file: &str| Table {
            title,
            note: format!(
                "{} in the period, oldest first; all of them, with contacts, in {file}.",
                list.len()
            ),
            head: vec!["Lead", "Owner", "Source", "Captured"],
            rows: leads(list),
        };
    let others = [
        (
            "Returned to marketing without a reason",
            m.volume.returns.without_reason,
            "returns_without_reason.csv",
        ),
        (
            "Inquiries that never reached the CRM",
            m.data_quality
                .orphans_by_channel
                .iter()
                .map(|o| o.forms + o.inbound_calls)
                .sum(),
            "orphans.csv",
        ),
    ];
    let others = Table {
        title: "More lists in the CSV files beside this report",
        note: "Each list, with owners or contacts, is a CSV file beside this report.".into(),
        head: vec!["List", "Count", "File"],
        rows: others
            .into_iter()
            .map(|(what, n, file)| Row {
                small: false,
                cells: vec![what.to_string(), n.to_string()],
                link: Some(file.to_string()),
            })
            .collect(),
    };
    let never = lead_list(
        "Never touched, past the due time",
        &sla.never_touched_leads,
        "never_touched.csv",
    );
    let waiting = Table {
        title: "Waiting: untouched, not yet due",
        note: format!(
            "{} captured after hours or just before as-of, first response not yet due: not a loss; soonest due first (all in waiting.csv).",
            sla.waiting_leads.len()
        ),
        head: vec!["Lead", "Owner", "Source", "Captured", "Due"],
        rows: sla
            .waiting_leads
            .iter()
            .take(10)
            .map(|w| Row {
                small: false,
                link: None,
                cells: vec![
                    w.lead_id.clone(),
                    w.owner.clone().unwrap_or_else(|| "(none)".into()),
                    w.source.clone().unwrap_or_default(),
                    w.captured_at.replace('T', " "),
                    w.due_at.clone().unwrap_or_default().replace('T', " "),
                ],
            })
            .collect(),
    };
    let under = lead_list(
        "Under-worked (lost as unreachable with too few attempts)",
        &sla.under_worked_leads,
        "under_worked.csv",
    );
    let reasonless = lead_list(
        "Lost without a reason",
        &m.lost_reasons.without_reason_leads,
        "lost_without_reason.csv",
    );
    let breaches = Table {
        title: "SLA breaches",
        note: format!(
            "{} in the period, longest delay first; all of them in sla_breaches.csv.",
            sla.breaches.len()
        ),
        head: vec!["Lead", "Owner", "Source", "Due", "Late by", ""],
        rows: breaches,
    };
    let mut out = Vec::new();
    if m.sla.is_some() {
        out.extend([breaches, never, waiting]);
    }
    if sla.attempts.is_some() {
        out.push(under);
    }
    out.extend([
        Table {
            title: "Pipeline at risk",
            note: format!(
                "Proposals with no movement for over {:.0} days; all in pipeline_at_risk.csv.",
                m.pipeline.stale_after_days
            ),
            head: vec!["Lead", "Owner", "Since proposal", "Value"],
            rows: stale,
        },
        reasonless,
        others,
    ]);
    out
}

/// The medium tier's due time in minutes (an end-of-day tier counts as a working day).
fn sla_minutes(config: &Config) -> f64 {
    match config.sla.medium.due {
        Due::Within(d) => f64::from(d.minutes),
        Due::EndOfDay => 540.0,
    }
}

/// The terms a reader meets, defined from the config and figures in force.
fn definitions(m: &Metrics, config: &Config) -> Vec<(&'static str, String)> {
    let process: Vec<&str> = config
        .lost_reasons
        .categories
        .iter()
        .filter(|c| c.class == crate::config::LossClass::Process)
        .map(|c| c.name.as_str())
        .collect();
    let win = m.leakage.worked_win_rate.as_ref().map_or(
        "not measured (no first-touch times)".to_string(),
        |w| {
            format!(
                "{} of {} leads captured {} to {} that met their SLA were won by as-of ({})",
                w.rate.k,
                w.rate.n,
                w.first_day,
                w.last_day,
                percent(w.rate.rate)
            )
        },
    );
    vec![
        ("Handed off", "every lead captured in the period: the CRM record is the handoff".into()),
        ("Captured", format!(
            "the earlier of the CRM record and the lead's first form submission within {} before it",
            config.sla.capture_window
        )),
        ("First response", "the first outbound call or message, or the CRM's first contact, after capture; a lead that reached a later stage (qualified, meeting, proposal, won) was touched even without a recorded time".into()),
        ("Business time", "minutes inside opening hours; nights, closed days and holidays do not count".into()),
        ("SLA compliance", "met / (met + breached); leads not yet due (waiting) and leads touched at an unknown time are left out".into()),
        ("Waiting", "untouched, but the first response is not yet due (captured after hours or just before as-of): not a loss".into()),
        ("Contact to meeting", "leads that reached a meeting / leads contacted".into()),
        ("Process loss", format!(
            "a lead lost for a process reason ({}, or no reason), or still untouched after its first response was due",
            process.join(", ")
        )),
        ("Worked win rate", win),
        ("Expected leakage", format!(
            "process losses x worked win rate x average deal: what the losses likely cost; the likely range uses the win rate's 95% interval. Full value (every loss priced as a sale, settle window {}) is the upper bound only",
            config.leakage.settle
        )),
        ("Interval", "95% Wilson interval: the range the true rate likely lies in, given n".into()),
    ]
}

/// Renders the page.
pub fn render(m: &Metrics, config: &Config) -> Result<String> {
    let mut tera = Tera::default();
    tera.add_raw_template("scorecard.html", TEMPLATE)
        .map_err(|e| HandoffError::Output {
            path: "templates/scorecard.html".into(),
            source: std::io::Error::other(e.to_string()),
        })?;
    let rejected: usize = m.accounting.files.iter().map(|f| f.rows_rejected).sum();
    let mut warnings = Vec::new();
    if rejected > 0 {
        warnings.push(format!("{rejected} input row(s) could not be read and are left out; rejects.csv says which and why."));
    }
    for f in &m.accounting.files {
        for (column, values) in &f.unknown_values {
            let n: usize = values.iter().map(|(_, n)| n).sum();
            warnings.push(format!(
                "{}: {n} {column} value(s) match no synonym and count as absent (most often \"{}\"); map them in handoff.toml.",
                f.input,
                values.first().map_or("", |v| v.0.as_str())
            ));
        }
        for c in f.currencies.iter().filter(|c| c.rate.is_none()) {
            warnings.push(format!(
                "{}: {} amount(s) in {} are left out of money figures: no exchange rate for {} in handoff.toml.",
                f.input, c.amounts, c.currency, c.currency
            ));
        }
    }
    if m.volume.handed_off > 0 && m.volume.handed_off < SMALL_SAMPLE {
        warnings.push(format!(
            "Only {} leads in the period: rates below rest on a small sample.",
            m.volume.handed_off
        ));
    }
    let unmeasured = m
        .coverage
        .missing()
        .map(|b| {
            (
                b.basis.figures(),
                b.reason.clone().unwrap_or_default(),
                b.basis.fix(),
            )
        })
        .collect();
    let view = View {
        unmeasured,
        business: &m.business,
        period: &m.period.label,
        first_day: m.period.first_day.to_string(),
        last_day: m.period.last_day.to_string(),
        as_of: &m.as_of,
        tool_version: m.tool_version,
        config_digest: &m.config_digest,
        sources: m
            .accounting
            .files
            .iter()
            .map(|f| Row {
                small: false,
                link: None,
                cells: vec![
                    f.input.to_string(),
                    std::path::Path::new(&f.file)
                        .file_name()
                        .map_or(f.file.clone(), |n| n.to_string_lossy().to_string()),
                    f.rows_read.to_string(),
                    f.rows_used.to_string(),
                    f.rows_rejected.to_string(),
                ],
            })
            .collect(),
        warnings,
        empty: m.volume.handed_off == 0,
        headline: headline(m),
        answers: m
            .review
            .answers
            .iter()
            .map(|a| (a.question, a.answer.clone()))
            .collect(),
        charts: if m.volume.handed_off == 0 {
            Vec::new()
        } else {
            charts(m, config)?
        },
        tables: tables(m),
        actions: actions(m),
        definitions: definitions(m, config),
        config: toml::to_string(config).unwrap_or_default(),
    };
    let context = tera::Context::from_serialize(&view).map_err(|e| HandoffError::Output {
        path: "scorecard.html".into(),
        source: std::io::Error::other(e.to_string()),
    })?;
    tera.render("scorecard.html", &context)
        .map_err(|e| HandoffError::Output {
            path: "scorecard.html".into(),
            source: std::io::Error::other(format!("{e:#}")),
        })
}

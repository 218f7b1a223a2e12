//! The first screen's judgement, by stated rules, from the other sections:
//! each headline number against its target (`[targets]`) and a like-for-like
//! comparison; what went well and what went wrong; the most money at stake;
//! and three named actions, each with an owner and a deadline.
//!
//! Rules:
//! - a headline is `good` when it meets its target, `bad` when it misses it;
//!   leads handed off has no target (it is marketing's volume) and is compared
//!   with the average of the four weeks before;
//! - the intent gap is named when high-intent leads met their SLA at least
//!   20 points less often than low-intent ones (5 or more judged leads each);
//! - the money at stake is the largest of: the week's expected leakage, the
//!   stale proposals' value, and the expected value of inquiries that never
//!   reached the CRM;
//! - action 1 goes to the owner with the most leads untouched past their due
//!   time (else the most SLA breaches): call them by noon of the next business
//!   day; action 2 to the owner with the most stale proposal value: update or
//!   close them within three business days; action 3 to the owner with the most
//!   leads lost without a reason (else, for marketing, the inquiries that never
//!   reached the CRM): fix them within three business days.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;

use super::Metrics;
use super::stages::MeetingRate;
use crate::config::{Config, Intent};
use crate::format::{day, duration, money, percent};

/// Points by which high-intent SLA compliance must trail low intent to be named.
const INTENT_GAP: f64 = 0.20;
/// Judged leads each tier needs before the gap is named.
const INTENT_MIN: u64 = 5;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Headline {
    pub name: &'static str,
    /// `good`, `bad` or `neutral`.
    pub verdict: &'static str,
    /// The target in words ("at least 80%"); empty without one.
    pub target: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Action {
    pub owner: String,
    pub what: String,
    /// Local date and time, `YYYY-MM-DD HH:MM`.
    pub deadline: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Verdict {
    pub headlines: Vec<Headline>,
    pub went_well: Vec<String>,
    pub went_wrong: Vec<String>,
    pub money_at_stake: Option<String>,
    pub actions: Vec<Action>,
    /// Holidays and closed weekdays in the period, which explain a low volume.
    pub closed_days: Vec<String>,
}

fn judged(met: Option<bool>) -> &'static str {
    match met {
        Some(true) => "good",
        Some(false) => "bad",
        None => "neutral",
    }
}

/// The next `n`-th business day (an open weekday, not a holiday) after `day`.
fn business_day_after(day: NaiveDate, n: u32, config: &Config) -> NaiveDate {
    let week = config.calendar.hours.by_weekday();
    let mut d = day;
    let mut left = n;
    for _ in 0..60 {
        d += Duration::days(1);
        let open = !week[d.weekday().num_days_from_monday() as usize]
            .0
            .is_empty()
            && !config.calendar.holidays.contains(&d);
        if open {
            left -= 1;
            if left == 0 {
                return d;
            }
        }
    }
    d
}

/// Headline judgements against the targets.
fn headlines(m: &Metrics, config: &Config) -> Vec<Headline> {
    let t = &config.targets;
    let week = m.trend.weeks.last();
    let sla = week
        .and_then(|w| w.sla_compliance.as_ref())
        .and_then(|r| r.rate);
    let median = week.and_then(|w| w.median_business_response);
    // Judged on settled leads: the week's own are days old, and a target for
    // meetings is a target for leads that had the time to get one.
    let c2m = match m.stages.settled.meeting_rate() {
        MeetingRate::Judged { rate, .. } => Some(rate),
        MeetingRate::NotJudged | MeetingRate::NotMeasured => None,
    };
    let limit = m.activity.weekly_won_revenue.map(|w| w * t.leakage_share);
    let leak = m.leakage.overall.expected_leakage;
    vec![
        Headline {
            name: "leads",
            verdict: "neutral",
            target: String::new(),
        },
        Headline {
            name: "sla",
            verdict: judged(sla.map(|v| v >= t.sla_compliance)),
            target: format!("at least {}", percent(Some(t.sla_compliance))),
        },
        Headline {
            name: "response",
            verdict: judged(median.map(|v| v <= f64::from(t.median_response.minutes))),
            target: format!(
                "at most {}",
                duration(Some(f64::from(t.median_response.minutes)))
            ),
        },
        Headline {
            name: "contact_to_meeting",
            verdict: judged(c2m.map(|v| v >= t.contact_to_meeting)),
            target: format!("at least {}", percent(Some(t.contact_to_meeting))),
        },
        Headline {
            name: "leakage",
            verdict: judged(leak.zip(limit).map(|(v, l)| v <= l)),
            target: limit.map_or(String::new(), |l| {
                format!(
                    "at most {} ({} of an average week's won revenue)",
                    money(Some(l), &m.currency),
                    percent(Some(t.leakage_share))
                )
            }),
        },
    ]
}

/// The owner with the most of something, ties to the name first in order.
fn top(counts: BTreeMap<String, (u64, f64)>, by_value: bool) -> Option<(String, u64, f64)> {
    counts
        .into_iter()
        .max_by(|a, b| {
            let key = |x: &(u64, f64)| if by_value { x.1 } else { x.0 as f64 };
            key(&a.1).total_cmp(&key(&b.1)).then(b.0.cmp(&a.0))
        })
        .map(|(o, (n, v))| (o, n, v))
}

fn tally<'a>(
    owners: impl Iterator<Item = (Option<&'a String>, f64)>,
) -> BTreeMap<String, (u64, f64)> {
    let mut out: BTreeMap<String, (u64, f64)> = BTreeMap::new();
    for (o, v) in owners {
        let e = out
            .entry(o.cloned().unwrap_or_else(|| "Unassigned".into()))
            .or_default();
        e.0 += 1;
        e.1 += v;
    }
    out
}

fn actions(m: &Metrics, config: &Config, as_of: NaiveDate) -> Vec<Action> {
    let soon = format!("{} 12:00", business_day_after(as_of, 1, config));
    let later = format!("{} 18:00", business_day_after(as_of, 3, config));
    let mut out = Vec::new();
    if let Some(sla) = &m.sla {
        let untouched = tally(
            sla.never_touched_leads
                .iter()
                .map(|l| (l.owner.as_ref(), 0.0)),
        );
        let breaches = tally(sla.breaches.iter().map(|b| (b.owner.as_ref(), 0.0)));
        if let Some((owner, n, _)) = top(untouched.clone(), false) {
            let others: Vec<String> = untouched
                .iter()
                .filter(|(o, _)| **o != owner)
                .map(|(o, (k, _))| format!("{o} {k}"))
                .collect();
            let total: u64 = untouched.values().map(|x| x.0).sum();
            out.push(Action {
                what: if others.is_empty() {
                    format!("call the {n} leads untouched past their due time")
                } else {
                    format!(
                        "call your {n} of the {total} leads untouched past their due time (the others: {})",
                        others.join(", ")
                    )
                },
                owner,
                deadline: soon.clone(),
            });
        } else if let Some((owner, n, _)) = top(breaches, false) {
            out.push(Action {
                what: format!(
                    "{} this week: review each with the lead's history and call back the open ones",
                    if n == 1 {
                        "1 SLA breach".to_string()
                    } else {
                        format!("{n} SLA breaches")
                    }
                ),
                owner,
                deadline: soon.clone(),
            });
        }
    }
    let stale = &m.pipeline.stale_proposals;
    if let Some((owner, n, v)) = top(
        tally(
            stale
                .iter()
                .map(|s| (s.owner.as_ref(), s.deal_value.unwrap_or(0.0))),
        ),
        true,
    ) {
        out.push(Action {
            what: format!(
                "{n} proposals with no movement for over {:.0} days, worth {}: update or close them",
                m.pipeline.stale_after_days,
                money(Some(v), &m.currency)
            ),
            owner,
            deadline: later.clone(),
        });
    }
    let reasonless = tally(
        m.lost_reasons
            .without_reason_leads
            .iter()
            .map(|l| (l.owner.as_ref(), 0.0)),
    );
    let orphans: u64 = m
        .data_quality
        .orphans_by_channel
        .iter()
        .map(|o| o.forms + o.inbound_calls)
        .sum();
    if let Some((owner, n, _)) = top(reasonless, false) {
        out.push(Action {
            what: format!("{n} leads closed lost without a reason: add the reasons"),
            owner,
            deadline: later,
        });
    } else if orphans > 0 {
        out.push(Action {
            owner: "Marketing".into(),
            what: format!("{orphans} inquiries of the week never reached the CRM: enter them and assign an owner"),
            deadline: soon,
        });
    }
    out
}

/// What went well and wrong, from the headline judgements.
/// A headline's figure for the period, in words; none when not measured.
fn headline_words(m: &Metrics, name: &str) -> Option<String> {
    let w = m.trend.weeks.last()?;
    match name {
        "sla" => w.sla_compliance.as_ref().map(|r| {
            format!(
                "{} of the leads due were answered within the SLA, the promised first-response time",
                percent(r.rate)
            )
        }),
        "response" => w.median_business_response.map(|v| {
            format!(
                "the median first response was {} of business time",
                duration(Some(v))
            )
        }),
        "contact_to_meeting" => {
            let settled = &m.stages.settled;
            match settled.meeting_rate() {
                MeetingRate::Judged { rate, .. } => Some(format!(
                    "{} of contacted leads captured {} to {} reached a meeting",
                    percent(Some(rate)),
                    day(&settled.first_day),
                    day(&settled.last_day)
                )),
                MeetingRate::NotJudged | MeetingRate::NotMeasured => None,
            }
        }
        "leakage" => m
            .leakage
            .overall
            .expected_leakage
            .map(|v| format!("the expected leakage was {}", money(Some(v), &m.currency))),
        _ => None,
    }
}

/// High intent trailing low intent on the SLA by [`INTENT_GAP`] or more, in
/// words. Each tier is judged on its own due time: the median waits say it
/// like for like.
fn intent_gap(m: &Metrics) -> Option<String> {
    let sla = m.sla.as_ref()?;
    let (hi, lo) = (sla.tier(Intent::High)?, sla.tier(Intent::Low)?);
    let (h, l) = (hi.compliance.rate?, lo.compliance.rate?);
    if hi.compliance.n < INTENT_MIN || lo.compliance.n < INTENT_MIN || l - h < INTENT_GAP {
        return None;
    }
    let median = |t: Intent| {
        let r = m.response.as_ref()?;
        let segment = r.by_intent.iter().find(|s| s.segment == t.name())?;
        segment.business.median
    };
    let waits = match (median(Intent::High), median(Intent::Low)) {
        (Some(h), Some(l)) => format!(
            "; high-intent leads waited a median of {} of business time, low-intent {}",
            duration(Some(h)),
            duration(Some(l))
        ),
        _ => String::new(),
    };
    Some(format!(
        "high-intent leads met their SLA only {} of the time ({} of {}), low-intent leads theirs {}{waits}",
        percent(Some(h)),
        hi.compliance.k,
        hi.compliance.n,
        percent(Some(l))
    ))
}

fn findings(m: &Metrics, heads: &[Headline]) -> (Vec<String>, Vec<String>) {
    let (mut well, mut wrong) = (Vec::new(), Vec::new());
    for h in heads {
        let Some(v) = headline_words(m, h.name) else {
            continue;
        };
        match h.verdict {
            "good" => well.push(format!("{v} (target {})", h.target)),
            "bad" => wrong.push(format!("{v} (target {})", h.target)),
            _ => {}
        }
    }
    let a = &m.activity;
    if let Some(avg) = a.weekly_won_revenue
        && a.won_value > avg
    {
        well.push(format!(
            "{} deals were won this week worth {}, above the average week's {}",
            a.won,
            money(Some(a.won_value), &m.currency),
            money(Some(avg), &m.currency)
        ));
    }
    wrong.extend(intent_gap(m));
    (well, wrong)
}

/// The largest money figure at stake, in words.
fn money_at_stake(m: &Metrics) -> Option<String> {
    let cur = &m.currency;
    let orphans: f64 = m
        .data_quality
        .orphans_by_channel
        .iter()
        .filter_map(|o| o.expected_value)
        .sum();
    let options = [
        m.leakage.overall.expected_leakage.map(|v| {
            (
                v,
                format!(
                    "{} expected to leak from this week's process losses",
                    money(Some(v), cur)
                ),
            )
        }),
        (m.pipeline.stale_value > 0.0).then(|| {
            (
                m.pipeline.stale_value,
                format!(
                    "{} in {} proposals with no movement for over {:.0} days{}",
                    money(Some(m.pipeline.stale_value), cur),
                    m.pipeline.stale_proposals.len(),
                    m.pipeline.stale_after_days,
                    m.activity
                        .weekly_won_revenue
                        .filter(|w| *w > 0.0)
                        .map_or(String::new(), |w| {
                            format!(", {:.1} weeks of won revenue", m.pipeline.stale_value / w)
                        })
                ),
            )
        }),
        (orphans > 0.0).then(|| {
            (
                orphans,
                format!(
                    "{} expected from inquiries that never reached the CRM",
                    money(Some(orphans), cur)
                ),
            )
        }),
    ];
    options
        .into_iter()
        .flatten()
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, text)| text)
}

/// Holidays and closed days of the period, named.
fn closed_days(m: &Metrics, config: &Config) -> Vec<String> {
    let mut out = Vec::new();
    let mut d = m.period.first_day;
    while d <= m.period.last_day {
        let closed_weekday = config.calendar.hours.by_weekday()
            [d.weekday().num_days_from_monday() as usize]
            .0
            .is_empty();
        if config.calendar.holidays.contains(&d) && !closed_weekday {
            out.push(format!(
                "{} was a holiday (closed; its leads were answered on the next business day)",
                d.format("%a %-d %b")
            ));
        }
        d += Duration::days(1);
    }
    out
}

pub fn compute(m: &Metrics, config: &Config) -> Verdict {
    let as_of = m
        .as_of
        .get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .unwrap_or(m.period.last_day);
    let headlines = headlines(m, config);
    let (went_well, went_wrong) = findings(m, &headlines);
    Verdict {
        went_well,
        went_wrong,
        money_at_stake: money_at_stake(m),
        actions: actions(m, config, as_of),
        closed_days: closed_days(m, config),
        headlines,
    }
}

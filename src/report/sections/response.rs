//! First response and the SLA: by intent tier, business time beside wall
//! clock, after-hours leads, by source and by rep, routing versus the rep,
//! with the response distribution and the nine-week trend.

use crate::config::{Config, Due, Intent};
use crate::error::Result;
use crate::format::{duration, percent};
use crate::metrics::Metrics;
use crate::metrics::stats::{BUCKETS, Distribution, SMALL_SAMPLE};
use crate::report::charts::{self, BLUE, GREEN, ORANGE, VERMILLION};
use crate::report::view::{Block, Chart, NOT_MEASURED, Row, Section, Table, rate_range};

use super::findings::{self, FAST_MIN, LATE_AFTER_MIN};

/// The medium tier's due time in minutes, for the chart's marker (an
/// end-of-day tier has no minute to mark).
fn medium_due(config: &Config) -> Option<f64> {
    match config.sla.medium.due {
        Due::Within(d) => Some(f64::from(d.minutes)),
        Due::EndOfDay => None,
    }
}

fn due_text(config: &Config, tier: &str) -> String {
    let intent = Intent::ALL
        .iter()
        .copied()
        .find(|i| i.name() == tier)
        .unwrap_or(Intent::Medium);
    match config.tier(intent).due {
        Due::Within(d) => format!("{} of business time", duration(Some(f64::from(d.minutes)))),
        Due::EndOfDay => "by the end of the business day".into(),
    }
}

fn histogram(b: &Distribution, untouched: u64, waiting: u64, config: &Config) -> Result<Chart> {
    let mut labels: Vec<String> = b.buckets.iter().map(|(l, _)| l.clone()).collect();
    labels.extend(["untouched".into(), "waiting".into()]);
    let mut values: Vec<f64> = b.buckets.iter().map(|(_, n)| *n as f64).collect();
    values.extend([untouched as f64, waiting as f64]);
    // Each bucket in the colour of its band; then the untouched, and the waiting.
    let bands = [GREEN, ORANGE, VERMILLION];
    let mut colors: Vec<_> = BUCKETS
        .iter()
        .map(|(_, high)| bands[findings::band(*high)])
        .collect();
    colors.extend([VERMILLION, BLUE]);
    let due = medium_due(config);
    let sla = due.map(|d| format!("medium-intent SLA {}", duration(Some(d))));
    let marker = due.zip(sla.as_deref()).and_then(|(d, label)| {
        let at = BUCKETS.iter().position(|(_, high)| *high >= d)? as u32 + 1;
        Some(charts::Mark {
            at,
            label,
            short: "SLA",
        })
    });
    let counts: Vec<String> = labels
        .iter()
        .zip(&values)
        .map(|(l, v)| format!("{l}: {v}"))
        .collect();
    let counts_only: Vec<u64> = b.buckets.iter().map(|(_, n)| *n).collect();
    Ok(Chart {
        finding: findings::response(&counts_only, untouched),
        title: "First response, business time".into(),
        text: format!(
            "{}. Green: answered within {}; amber: within {}; orange: later, or untouched past the due time; blue: waiting, not yet due. Touched at an unknown time (left out): {}.{}",
            counts.join("; "),
            duration(Some(FAST_MIN)),
            duration(Some(LATE_AFTER_MIN)),
            b.unknown,
            due.map_or(String::new(), |d| format!(
                " The dashed line is the medium-intent SLA, {}.",
                duration(Some(d))
            ))
        ),
        svg: charts::bars_marked(&labels, &values, &colors, "leads", marker)?,
    })
}

fn trend_chart(m: &Metrics, config: &Config) -> Result<Chart> {
    let target = config.targets.sla_compliance * 100.0;
    let labels: Vec<String> = m
        .trend
        .weeks
        .iter()
        .map(|w| w.label.rsplit('-').next().unwrap_or("").to_string())
        .collect();
    // Shares for the finding (judged as the verdict judges), percentages for the chart.
    let shares: Vec<Option<f64>> = (m.trend.weeks.iter())
        .map(|w| w.sla_compliance.as_ref().and_then(|r| r.rate))
        .collect();
    let sla: Vec<Option<f64>> = shares.iter().map(|v| v.map(|r| r * 100.0)).collect();
    let weeks: Vec<(String, Option<f64>)> = labels.iter().cloned().zip(shares).collect();
    Ok(Chart {
        finding: findings::trend(&weeks, config.targets.sla_compliance),
        title: format!(
            "Leads answered within the SLA, last nine weeks, each seen at this week's age (%; dashed: the {target:.0}% target)"
        ),
        text: format!(
            "{}. Each week's leads are judged as things stood when they were as old as this week's: a lead still untouched then counts as a breach once past its due time, whenever it was answered later.",
            labels
                .iter()
                .zip(&sla)
                .map(|(l, v)| format!("{l}: {}", percent(v.map(|v| v / 100.0))))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        svg: charts::line(
            &labels,
            &sla,
            100.0,
            "% met",
            Some(charts::Mark {
                at: target,
                label: &format!("target {target:.0}%"),
                short: "",
            }),
        )?,
    })
}

fn tiers(m: &Metrics, config: &Config) -> Option<Table> {
    let sla = m.sla.as_ref()?;
    let response = m.response.as_ref()?;
    let mut tiers: Vec<_> = sla.by_tier.iter().collect();
    // High, medium, low, then any other segment (the metrics list them by name).
    tiers.sort_by_key(|t| {
        (Intent::ALL.iter())
            .position(|i| i.name() == t.segment)
            .unwrap_or(Intent::ALL.len())
    });
    let rows = tiers
        .into_iter()
        .map(|t| {
            let r = response.by_intent.iter().find(|r| r.segment == t.segment);
            Row::new(vec![
                t.segment.clone(),
                due_text(config, &t.segment),
                (t.met + t.breached + t.not_due + t.unknown).to_string(),
                rate_range(&t.compliance),
                t.breached.to_string(),
                t.not_due.to_string(),
                r.map_or(String::new(), |r| duration(r.business.median)),
                r.map_or(String::new(), |r| duration(r.wall.median)),
            ])
        })
        .collect();
    Some(Table::new(
        "By intent",
        "The SLA is judged in business time; the wall clock is the wait the prospect lived, nights included.",
        &[
            "Intent",
            "Due within",
            "Leads",
            "Within the SLA",
            "Breaches",
            "Waiting",
            "Median (business)",
            "Median (wall clock)",
        ],
        rows,
    ))
}

fn by(m: &Metrics, owners: bool) -> Option<Table> {
    let sla = m.sla.as_ref()?;
    let response = m.response.as_ref()?;
    let (list, segs) = if owners {
        (&sla.by_owner, &response.by_owner)
    } else {
        (&sla.by_source, &response.by_source)
    };
    let rows = list
        .iter()
        .map(|s| {
            let r = segs.iter().find(|r| r.segment == s.segment);
            let leads = s.met + s.breached + s.not_due + s.unknown;
            Row {
                small: leads < SMALL_SAMPLE,
                cells: vec![
                    s.segment.clone(),
                    leads.to_string(),
                    r.map_or(String::new(), |r| duration(r.business.median)),
                    rate_range(&s.compliance),
                    s.breached.to_string(),
                ],
            }
        })
        .collect();
    Some(Table::new(
        if owners { "By rep" } else { "By source" },
        format!(
            "Pale rows rest on fewer than {SMALL_SAMPLE} leads: read them as a hint, not a finding."
        ),
        &[
            if owners { "Owner" } else { "Source" },
            "Leads",
            "Median response",
            "Within the SLA",
            "Breaches",
        ],
        rows,
    ))
}

fn routing(m: &Metrics) -> Table {
    let Some(r) = &m.routing else {
        return Table::new(
            "Routing versus rep",
            format!("{NOT_MEASURED}: no input has an assignment time (assigned_at)."),
            &[],
            Vec::new(),
        );
    };
    let spread = |s: &crate::metrics::routing::Spread| {
        format!("{} / {}", duration(s.median), duration(s.p90))
    };
    let rows = r
        .by_owner
        .iter()
        .map(|o| Row {
            small: o.leads < SMALL_SAMPLE,
            cells: vec![
                o.segment.clone(),
                o.leads.to_string(),
                spread(&o.assignment_lag),
                spread(&o.rep_response),
            ],
        })
        .collect();
    Table::new(
        "Routing versus rep, by owner",
        format!(
            "Median / 90th percentile, business time. Routing: capture to assignment (all leads {}); rep: assignment, or capture if later, to first touch (all leads {}). {} of the week's leads have no assignment time.",
            spread(&r.assignment_lag),
            spread(&r.rep_response),
            r.unassigned
        ),
        &["Owner", "Leads", "Routing", "Rep"],
        rows,
    )
}

pub fn section(m: &Metrics, config: &Config) -> Result<Section> {
    let mut blocks = Vec::new();
    match (&m.response, &m.sla) {
        (Some(r), Some(sla)) => {
            let hours = r.by_hours.iter().find(|h| h.segment == "after hours");
            blocks.push(Block::text(format!(
                "{} of the week's leads arrived after hours; their median first response was {} of business time ({} on the wall clock). {} leads are untouched past their due time and {} are waiting (not yet due).",
                percent(m.volume.after_hours.rate),
                duration(hours.and_then(|h| h.business.median)),
                duration(hours.and_then(|h| h.wall.median)),
                sla.never_touched,
                sla.waiting
            )));
            if let Some(t) = tiers(m, config) {
                blocks.push(Block::Table { table: t });
            }
            blocks.push(Block::Chart { chart: histogram(&r.business, sla.never_touched, sla.waiting, config)? });
            blocks.push(Block::Chart { chart: trend_chart(m, config)? });
            for owners in [false, true] {
                if let Some(t) = by(m, owners) {
                    blocks.push(Block::Table { table: t });
                }
            }
        }
        _ => blocks.push(Block::text(format!(
            "{NOT_MEASURED}: the exports hold no first-touch time (no first_contact_at column and no call log with outbound calls). Map the CRM's first-contact time, or add the call log, to measure response times and the SLA."
        ))),
    }
    blocks.push(Block::Table { table: routing(m) });
    Ok(Section {
        id: "response",
        title: "First response and the SLA".into(),
        blocks,
    })
}

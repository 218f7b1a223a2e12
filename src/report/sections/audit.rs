//! The consultant's audit: how complete the handoff checklist is (by field,
//! source and owner), how long forms took to reach the CRM against the
//! 5-minute mark, returns with their reasons, attempts against the policy,
//! duplicates, inquiries that never reached the CRM with their likely value,
//! undated wins, and rejected rows by reason.

use crate::config::Config;
use crate::error::Result;
use crate::format::{duration, money, percent};
use crate::metrics::Metrics;
use crate::metrics::quality::Completeness;
use crate::metrics::stats::SMALL_SAMPLE;
use crate::report::view::{Block, NOT_MEASURED, Row, Section, Table, rate_text};

/// Forms should reach the CRM within this many minutes.
const HANDOFF_TARGET_MIN: f64 = 5.0;

fn completeness(title: &str, list: &[&Completeness]) -> Table {
    let fields: Vec<&str> = list
        .first()
        .map_or(Vec::new(), |c| c.fields.iter().map(|f| f.0).collect());
    let mut head = vec!["Segment", "Leads", "Complete"];
    head.extend(fields.iter());
    let rows = list
        .iter()
        .map(|c| {
            let mut cells = vec![
                c.segment.clone(),
                c.leads.to_string(),
                percent(c.complete.rate),
            ];
            cells.extend(c.fields.iter().map(|f| percent(f.1.rate)));
            Row {
                small: c.leads < SMALL_SAMPLE,
                cells,
            }
        })
        .collect();
    Table::new(
        title,
        "Share of the week's leads with each field of the handoff checklist (a next action date is asked of open leads only).",
        &head,
        rows,
    )
}

fn facts(m: &Metrics) -> Vec<String> {
    let lag = &m.volume.handoff_lag;
    let over = |limit: f64| -> u64 {
        let mut low = 0.0;
        crate::metrics::stats::BUCKETS
            .iter()
            .zip(&lag.buckets)
            .filter(|((_, high), _)| {
                let keep = low >= limit;
                low = *high;
                keep
            })
            .map(|(_, (_, n))| *n)
            .sum()
    };
    let mut out = vec![format!(
        "Forms to CRM: {} leads came from a form; median lag {}; {} took over {} and {} over 4 hours.",
        lag.n,
        duration(lag.median),
        over(HANDOFF_TARGET_MIN),
        duration(Some(HANDOFF_TARGET_MIN)),
        over(240.0)
    )];
    let r = &m.volume.returns;
    let reasons: Vec<String> = r
        .reasons
        .iter()
        .take(5)
        .map(|c| format!("{} ({})", c.segment, c.leads))
        .collect();
    out.push(format!(
        "Returned to marketing: {} leads, {} without a reason{}.",
        r.count,
        r.without_reason,
        if reasons.is_empty() {
            String::new()
        } else {
            format!("; reasons: {}", reasons.join(", "))
        }
    ));
    out.push(match m.sla.as_ref().and_then(|s| s.attempts.as_ref()) {
        Some(a) => format!(
            "Call attempts in the window after capture: {:.1} on average; {} reached the policy's {}.",
            a.mean.unwrap_or(0.0),
            rate_text(Some(&a.at_least_minimum)),
            a.minimum
        ),
        None => format!("Call attempts: {NOT_MEASURED} (no call log)."),
    });
    let q = &m.data_quality;
    out.push(format!(
        "Duplicates: {} of the week's leads had {} duplicate rows, merged (the latest update kept). First contact recorded before capture: {}.",
        q.leads_with_duplicates, q.duplicate_rows, q.touch_before_capture
    ));
    out.push(format!(
        "Wins without a won date: {} (counted as wins, left out of the average deal).",
        m.activity.undated_wins
    ));
    out
}

fn orphans(m: &Metrics) -> Table {
    let rows = m
        .data_quality
        .orphans_by_channel
        .iter()
        .map(|o| {
            Row::new(vec![
                o.segment.clone(),
                o.forms.to_string(),
                o.inbound_calls.to_string(),
                money(o.expected_value, &m.currency),
            ])
        })
        .collect();
    Table::new(
        "Inquiries that never reached the CRM",
        "Forms and inbound calls of the week that match no lead, by channel. Likely value = inquiries x worked win rate x average deal, as if each had been worked like a handled lead. orphans.csv beside this report lists each inquiry that matches no lead, this week's and earlier ones, with its time and its line in the export.",
        &["Channel", "Forms", "Inbound calls", "Likely value"],
        rows,
    )
}

fn rejected(m: &Metrics) -> Table {
    let rows = m
        .accounting
        .rejected_by_reason
        .iter()
        .map(|(reason, n)| Row::new(vec![reason.clone(), n.to_string()]))
        .collect();
    Table::new(
        "Rows that could not be read, by reason",
        "Each with its file, line, column and value in rejects.csv.",
        &["Reason", "Problems"],
        rows,
    )
    .with_file("rejects.csv")
}

pub fn section(m: &Metrics, _config: &Config) -> Result<Section> {
    let q = &m.data_quality;
    let mut by: Vec<&Completeness> = vec![&q.overall];
    by.extend(q.by_source.iter());
    let owners: Vec<&Completeness> = q.by_owner.iter().collect();
    Ok(Section {
        id: "audit",
        title: "Handoff audit".into(),
        blocks: vec![
            Block::Bullets { items: facts(m) },
            Block::Table {
                table: completeness("Checklist completeness, by source", &by),
            },
            Block::Table {
                table: completeness("Checklist completeness, by owner", &owners),
            },
            Block::Table { table: orphans(m) },
            Block::Table { table: rejected(m) },
        ],
    })
}

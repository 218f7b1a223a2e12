//! What the process losses cost, and why leads were lost: the expected
//! leakage by source with its likely range and upper bound; lost reasons by
//! category, with the free text that fits no category grouped beside them;
//! where a reason is concentrated.

use crate::config::Config;
use crate::error::Result;
use crate::format::{money, percent};
use crate::metrics::Metrics;
use crate::report::view::{Block, NOT_MEASURED, Row, Section, Table};

fn leakage(m: &Metrics) -> Table {
    let cur = m.currency.as_str();
    let opt = |v: Option<u64>| v.map_or(NOT_MEASURED.to_string(), |v| v.to_string());
    let l = &m.leakage;
    let rows = std::iter::once(&l.overall)
        .chain(l.by_source.iter().filter(|s| s.process_losses > 0))
        .map(|s| {
            Row::new(vec![
                if s.segment == "all" {
                    "All sources".into()
                } else {
                    s.segment.clone()
                },
                s.process_losses.to_string(),
                opt(s.lost_process),
                opt(s.untouched_past_due),
                money(s.expected_leakage, cur),
                format!(
                    "{} to {}",
                    money(s.expected_low, cur),
                    money(s.expected_high, cur)
                ),
                money(s.full_value_leakage, cur),
            ])
        })
        .collect();
    let note = match (&l.expected_not_measured, &l.worked_win_rate) {
        (Some(why), _) => format!("Expected leakage {NOT_MEASURED}: {why}."),
        (None, Some(w)) => format!(
            "Each process loss is priced at the worked win rate ({}: {} of {} leads captured {} to {} that were answered within their SLA were won) times the average deal ({}, from {} wins). Full value prices every loss as a sale: an upper bound, not a forecast.",
            percent(w.rate.rate),
            w.rate.k,
            w.rate.n,
            w.first_day,
            w.last_day,
            money(l.average_deal, cur),
            l.average_deal_n
        ),
        (None, None) => String::new(),
    };
    Table::new(
        "Expected leakage by source",
        note,
        &[
            "Source",
            "Process losses",
            "Lost for a process reason",
            "Untouched past due",
            "Expected",
            "Likely range",
            "Full value (upper bound)",
        ],
        rows,
    )
}

fn reasons(m: &Metrics) -> Table {
    let lr = &m.lost_reasons;
    if !lr.measured {
        return Table::new(
            "Lost reasons",
            format!(
                "{} lost leads; their reasons are {NOT_MEASURED}: no input has a lost-reason column.",
                lr.lost
            ),
            &[],
            Vec::new(),
        );
    }
    let mut rows: Vec<Row> = lr
        .categories
        .iter()
        .filter(|c| c.class != "unclassified")
        .map(|c| {
            Row::new(vec![
                c.category.clone(),
                c.class.clone(),
                c.leads.to_string(),
                percent(c.share.rate),
            ])
        })
        .collect();
    // Free text that fits no category, grouped: beside the categories, not apart.
    rows.extend(lr.clusters.iter().take(10).map(|c| {
        Row::new(vec![
            format!("\"{}\" and alike", c.name),
            "no category".into(),
            c.leads.to_string(),
            c.examples.join(" / "),
        ])
    }));
    Table::new(
        "Lost reasons",
        format!(
            "{} lost leads in the week, {} without a reason. Free-text reasons that fit no category are grouped by wording over {} weeks (their count is over those weeks); add their words to a category in handoff.toml.",
            lr.lost,
            lr.without_reason.unwrap_or(0),
            lr.history_weeks
        ),
        &["Reason", "Kind", "Leads", "Share, or wordings"],
        rows,
    )
}

pub fn section(m: &Metrics, _config: &Config) -> Result<Section> {
    let mut blocks = vec![
        Block::Table { table: leakage(m) },
        Block::Table { table: reasons(m) },
    ];
    let found: Vec<String> = m
        .lost_reasons
        .concentrations
        .iter()
        .take(5)
        .map(|c| c.finding.clone())
        .collect();
    if !found.is_empty() {
        blocks.push(Block::Text {
            text: "Where a reason is concentrated (well beyond chance)".into(),
            class: "subhead",
        });
        blocks.push(Block::Bullets { items: found });
    }
    Ok(Section {
        id: "losses",
        title: "What the losses cost, and why leads were lost".into(),
        blocks,
    })
}

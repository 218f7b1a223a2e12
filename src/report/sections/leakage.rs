//! What the process losses cost, and why leads were lost: the expected
//! leakage by source with its likely range and upper bound; lost reasons by
//! category, with the free text that fits no category grouped beside them;
//! where a reason is concentrated.

use crate::config::Config;
use crate::error::Result;
use crate::format::{money, percent};
use crate::lost::UNCLASSIFIED;
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
    let both = match l.overall.lost_and_untouched.unwrap_or(0) {
        0 => String::new(),
        1 => " 1 lead is both lost for a process reason and untouched: it counts once.".into(),
        n => format!(
            " {n} leads are both lost for a process reason and untouched: each counts once."
        ),
    };
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
        note + &both,
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
    let rows = lr
        .categories
        .iter()
        .map(|c| {
            let unclassified = c.class == UNCLASSIFIED;
            Row::new(vec![
                if unclassified {
                    "(fits no category)".into()
                } else {
                    c.category.clone()
                },
                if unclassified {
                    "no category".into()
                } else {
                    c.class.clone()
                },
                c.leads.to_string(),
                percent(c.share.rate),
            ])
        })
        .collect();
    Table::new(
        "Lost reasons",
        format!(
            "{} of the leads captured in the week are lost so far, {} without a reason; each is in one row. Process reasons are the team's to fix, market reasons the buyer's.",
            lr.lost,
            lr.without_reason.unwrap_or(0),
        ),
        &["Reason", "Kind", "Leads", "Share"],
        rows,
    )
}

/// Free-text reasons that fit no category, grouped by wording over the
/// history weeks (a longer span than the week's table: said in the title).
fn wordings(m: &Metrics) -> Option<Table> {
    let lr = &m.lost_reasons;
    if !lr.measured || lr.clusters.is_empty() {
        return None;
    }
    let rows = lr
        .clusters
        .iter()
        .take(10)
        .map(|c| {
            Row::new(vec![
                format!("\"{}\" and alike", c.name),
                c.leads.to_string(),
                c.examples.join(" / "),
            ])
        })
        .collect();
    Some(Table::new(
        format!(
            "Reasons that fit no category, last {} weeks",
            lr.history_weeks
        ),
        "Lost leads of those weeks whose free-text reason matches no category, grouped by wording. Add their words to a category in handoff.toml and they are counted there from the next run.",
        &["Wording", "Leads", "Written as"],
        rows,
    ))
}

pub fn section(m: &Metrics, _config: &Config) -> Result<Section> {
    let mut blocks = vec![
        Block::Table { table: leakage(m) },
        Block::Table { table: reasons(m) },
    ];
    if let Some(table) = wordings(m) {
        blocks.push(Block::Table { table });
    }
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

//! The marketer's money: per campaign and source, over the week and the 4
//! and 12 weeks ending with it: spend, leads, qualified, meetings, proposals,
//! wins and their value, the cost per qualified meeting, and the spend that
//! bought no meeting. Small samples are marked.

use crate::config::Config;
use crate::error::Result;
use crate::format::money;
use crate::metrics::Metrics;
use crate::metrics::marketing::{MoneyRow, MoneyWindow};
use crate::metrics::stats::SMALL_SAMPLE;
use crate::report::view::{Block, NOT_MEASURED, Row, Section, Table};

fn cells(r: &MoneyRow, currency: &str, campaign: bool) -> Vec<String> {
    let spend = |v: Option<f64>| match v {
        Some(v) => money(Some(v), currency),
        None => NOT_MEASURED.into(),
    };
    let mut c = vec![r.segment.clone()];
    if campaign {
        c.push(r.source.clone().unwrap_or_default());
    }
    c.extend([
        spend(r.spend),
        r.leads.to_string(),
        r.qualified.to_string(),
        r.meetings.to_string(),
        r.proposals.to_string(),
        format!("{} ({})", r.won, money(Some(r.won_value), currency)),
        match (r.spend, r.meetings) {
            (None, _) => NOT_MEASURED.into(),
            (Some(s), 0) if s > 0.0 => "no meeting".into(),
            _ => money(r.cost_per_meeting, currency),
        },
    ]);
    c
}

fn table(w: &MoneyWindow, currency: &str, campaign: bool) -> Table {
    let list = if campaign {
        &w.by_campaign
    } else {
        &w.by_source
    };
    let mut rows: Vec<Row> = list
        .iter()
        .map(|r| Row {
            small: r.small,
            cells: cells(r, currency, campaign),
        })
        .collect();
    let mut total = cells(&w.total, currency, campaign);
    total[0] = "All".into();
    if campaign {
        total[1] = String::new();
    }
    rows.insert(0, Row::new(total));
    let mut head = vec![if campaign { "Campaign" } else { "Source" }];
    if campaign {
        head.push("Source");
    }
    head.extend([
        "Spend",
        "Leads",
        "Qualified",
        "Meetings",
        "Proposals",
        "Won (value)",
        "Cost per meeting",
    ]);
    let dry = match w.spend_without_meeting {
        // A week's leads are days old: no meeting yet proves nothing.
        _ if w.name == "week" => " This week's leads are days old, so read meetings and wins on the 4- and 12-week tables.".to_string(),
        Some(s) if s > 0.0 => format!(
            " {} campaigns spent {} and brought no meeting.",
            w.campaigns_without_meeting,
            money(Some(s), currency)
        ),
        _ => String::new(),
    };
    Table::new(
        format!(
            "{} by {}, {} from {}",
            if w.name == "week" { "The week" } else { w.name },
            if campaign { "campaign" } else { "source" },
            "leads captured",
            w.first_day
        ),
        format!(
            "Most meetings first. A meeting implies a qualified lead; cost per meeting = spend / meetings. Pale rows rest on fewer than {SMALL_SAMPLE} leads.{dry}"
        ),
        &head,
        rows,
    )
}

pub fn section(m: &Metrics, _config: &Config) -> Result<Section> {
    let mut blocks = Vec::new();
    if !m.marketing.spend_measured {
        blocks.push(Block::note(format!(
            "Spend is {NOT_MEASURED}: add the ad platforms' spend export (--spend) to see the cost per meeting and the spend that bought none."
        )));
    }
    for w in &m.marketing.windows {
        blocks.push(Block::Table {
            table: table(w, &m.currency, true),
        });
        if w.name == "week" {
            blocks.push(Block::Table {
                table: table(w, &m.currency, false),
            });
        }
    }
    Ok(Section {
        id: "marketing",
        title: "Which spend brought meetings".into(),
        blocks,
    })
}

//! About this data: the input files and their accounting, what the exports
//! cannot measure, and the definitions of every term the page uses,
//! written from the config in force.

use crate::config::{Config, LossClass};
use crate::error::Result;
use crate::format::percent;
use crate::metrics::Metrics;
use crate::report::view::{Block, Row, Section, Table};

fn files(m: &Metrics) -> Table {
    let rows = m
        .accounting
        .files
        .iter()
        .map(|f| {
            Row::new(vec![
                f.input.to_string(),
                std::path::Path::new(&f.file)
                    .file_name()
                    .map_or(f.file.clone(), |n| n.to_string_lossy().to_string()),
                f.preset
                    .as_ref()
                    .map_or(String::new(), |p| p.vendor.to_string()),
                f.rows_read.to_string(),
                f.rows_used.to_string(),
                f.rows_rejected.to_string(),
            ])
        })
        .collect();
    Table::new(
        "Input files",
        "For every file, rows read = rows used + rows rejected; blank lines and report footers are not rows.",
        &["Input", "File", "Read as", "Rows read", "Used", "Rejected"],
        rows,
    )
}

/// The terms a reader meets, defined from the config and figures in force.
fn definitions(m: &Metrics, config: &Config) -> Vec<String> {
    let process: Vec<&str> = config
        .lost_reasons
        .categories
        .iter()
        .filter(|c| c.class == LossClass::Process)
        .map(|c| c.name.as_str())
        .collect();
    let t = &config.targets;
    let win = m.leakage.worked_win_rate.as_ref().map_or("not measured".to_string(), |w| {
        format!("{} of {} leads captured {} to {} that were answered within their SLA were won ({})", w.rate.k, w.rate.n, w.first_day, w.last_day, percent(w.rate.rate))
    });
    vec![
        "CRM: the sales system the leads are kept in (its export is the leads file). SLA: the promised time to the first response, by the lead's intent.".into(),
        "Handed off: every lead captured in the week; the CRM record is the handoff.".into(),
        format!("Captured: the earlier of the CRM record and the lead's first form submission within {} before it.", config.sla.capture_window),
        "First response: the first outbound call or message, or the CRM's first contact, after capture. A lead that reached a later stage was answered even without a recorded time.".into(),
        "Business time: minutes inside opening hours; nights, closed days and holidays do not count.".into(),
        "Within the SLA: answered by the tier's due time; waiting leads (not yet due) and leads answered at an unknown time are left out of the share.".into(),
        "Waiting: untouched, but the first response is not yet due (captured after hours or just before the report): not a loss.".into(),
        "Qualified: reached the qualified stage. Meeting: a meeting was held (or a deal opened); a meeting implies a qualified lead, so meetings are qualified meetings.".into(),
        format!("Process loss: a lead lost for a process reason ({}, or no reason at all), or still untouched after its first response was due.", process.join(", ")),
        format!("Worked win rate: {win}."),
        format!(
            "Expected leakage: process losses x worked win rate x average deal: what the losses likely cost. The likely range uses the win rate's 95% interval; full value (every loss priced as a sale) is an upper bound only. Leads settle for {} before they count.",
            config.leakage.settle
        ),
        format!(
            "Targets: within the SLA at least {}; median first response at most {} minutes; contacted leads reaching a meeting at least {} (judged on leads captured {} to {} weeks back, old enough to have reached one); expected leakage at most {} of an average week's won revenue.",
            percent(Some(t.sla_compliance)),
            t.median_response.minutes,
            percent(Some(t.contact_to_meeting)),
            t.settled_weeks[0],
            t.settled_weeks[1],
            percent(Some(t.leakage_share))
        ),
        "Same age: last week's leads are counted as they stood 7 days ago, so both weeks had the same time to convert.".into(),
        "Likely range: the interval the true rate lies in with 95% confidence, given how few leads it rests on.".into(),
    ]
}

pub fn section(m: &Metrics, config: &Config) -> Result<Section> {
    let mut blocks = vec![Block::Table { table: files(m) }];
    let missing: Vec<String> = m
        .coverage
        .missing()
        .map(|b| {
            format!(
                "{}: {}. To measure it: {}.",
                b.basis.figures(),
                b.reason.clone().unwrap_or_default(),
                b.basis.fix()
            )
        })
        .collect();
    if !missing.is_empty() {
        blocks.push(Block::Text {
            text: "Not measured from these exports (shown as \"not measured\", never as 0)".into(),
            class: "subhead",
        });
        blocks.push(Block::Bullets { items: missing });
    }
    blocks.push(Block::Text {
        text: "Definitions".into(),
        class: "subhead",
    });
    blocks.push(Block::Bullets {
        items: definitions(m, config),
    });
    Ok(Section {
        id: "about",
        title: "About this data".into(),
        blocks,
    })
}

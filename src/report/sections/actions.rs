//! The action lists, complete inside the file: every lead, the first ten
//! shown and the rest folded, each with its name, phone, owner and source,
//! due and delay in readable local time. The CSVs beside the report hold the
//! same rows for a spreadsheet.

use crate::config::Config;
use crate::error::Result;
use crate::format::{duration, money};
use crate::metrics::Metrics;
use crate::metrics::sla::LeadRef;
use crate::report::view::{Block, Row, Section, Table, at, or_none, plural};

/// Lateness in business time, in minutes and hours (a "day" of business
/// time is not a calendar day, so days are not used).
fn business_late(minutes: Option<f64>) -> String {
    match minutes {
        Some(m) if m >= 60.0 => {
            plural((m / 60.0).round() as u64, "business hour", "business hours")
        }
        Some(m) => format!("{} (business time)", duration(Some(m))),
        None => String::new(),
    }
}

fn person(name: Option<&String>, phone: Option<&String>) -> [String; 2] {
    [
        name.cloned().unwrap_or_default(),
        phone.cloned().unwrap_or_default(),
    ]
}

/// A lead's cells under [`LEAD_HEAD`].
fn lead_cells(l: &LeadRef) -> Vec<String> {
    let [name, phone] = person(l.name.as_ref(), l.phone.as_ref());
    vec![
        l.lead_id.clone(),
        name,
        phone,
        or_none(l.owner.as_ref()),
        or_none(l.source.as_ref()),
        at(Some(&l.captured_at)),
    ]
}

fn lead_rows(list: &[LeadRef]) -> Vec<Row> {
    list.iter().map(|l| Row::new(lead_cells(l))).collect()
}

const LEAD_HEAD: [&str; 6] = ["Lead", "Name", "Phone", "Owner", "Source", "Captured"];

fn sla_lists(m: &Metrics, out: &mut Vec<Block>) {
    let Some(sla) = &m.sla else { return };
    let breaches = sla
        .breaches
        .iter()
        .map(|b| {
            let [name, phone] = person(b.name.as_ref(), b.phone.as_ref());
            Row::new(vec![
                b.lead_id.clone(),
                name,
                phone,
                or_none(b.owner.as_ref()),
                or_none(b.source.as_ref()),
                b.tier.clone(),
                at(b.due_at.as_deref()),
                business_late(b.delay_business_min),
                if b.first_touch_at.is_none() {
                    "not yet".into()
                } else {
                    at(b.first_touch_at.as_deref())
                },
            ])
        })
        .collect();
    out.push(Block::Table {
        table: Table::new(
            format!("First response late: {} leads", sla.breaches.len()),
            "Longest delay first, in business hours (open hours only); \"not yet\": still untouched.",
            &[
                "Lead",
                "Name",
                "Phone",
                "Owner",
                "Source",
                "Intent",
                "Due",
                "Late by",
                "First touch",
            ],
            breaches,
        )
        .with_file("sla_breaches.csv"),
    });
    out.push(Block::Table {
        table: Table::new(
            format!(
                "Untouched past the due time: {} leads",
                sla.never_touched_leads.len()
            ),
            "Process losses until someone calls them; oldest first.",
            &LEAD_HEAD,
            lead_rows(&sla.never_touched_leads),
        )
        .with_file("never_touched.csv"),
    });
    let waiting = sla
        .waiting_leads
        .iter()
        .map(|w| {
            let mut cells = lead_cells(&w.lead);
            cells.push(at(w.due_at.as_deref()));
            Row::new(cells)
        })
        .collect();
    out.push(Block::Table {
        table: Table::new(
            format!("Waiting, not yet due: {} leads", sla.waiting_leads.len()),
            "Captured after hours or just before the report: not late yet; soonest due first.",
            &[
                "Lead", "Name", "Phone", "Owner", "Source", "Captured", "Due",
            ],
            waiting,
        )
        .with_file("waiting.csv"),
    });
    if sla.attempts.is_some() {
        out.push(Block::Table {
            table: Table::new(
                format!(
                    "Lost as unreachable after too few attempts: {} leads",
                    sla.under_worked_leads.len()
                ),
                format!(
                    "Fewer than {} outbound attempts in the window after capture.",
                    m.sla
                        .as_ref()
                        .and_then(|s| s.attempts.as_ref())
                        .map_or(0, |a| a.minimum)
                ),
                &LEAD_HEAD,
                lead_rows(&sla.under_worked_leads),
            )
            .with_file("under_worked.csv"),
        });
    }
}

pub fn section(m: &Metrics, _config: &Config) -> Result<Section> {
    let mut blocks = Vec::new();
    sla_lists(m, &mut blocks);
    let cur = m.currency.as_str();
    let stale = m
        .pipeline
        .stale_proposals
        .iter()
        .map(|s| {
            let [name, phone] = person(s.name.as_ref(), s.phone.as_ref());
            Row::new(vec![
                s.lead_id.clone(),
                name,
                phone,
                or_none(s.owner.as_ref()),
                at(s.proposal_at.as_deref()),
                format!("{:.0} days", s.days_since_proposal.unwrap_or(0.0)),
                money(s.deal_value, cur),
                s.next_action_at
                    .as_deref()
                    .map_or("none set".into(), |t| at(Some(t))),
            ])
        })
        .collect();
    blocks.push(Block::Table {
        table: Table::new(
            format!(
                "Proposals with no movement: {}, worth {}",
                m.pipeline.stale_proposals.len(),
                money(Some(m.pipeline.stale_value), cur)
            ),
            format!(
                "Open leads whose proposal went out over {:.0} days ago, any week; largest first. Next action: the date the CRM holds; one before the proposal was sent is stale.",
                m.pipeline.stale_after_days
            ),
            &[
                "Lead",
                "Name",
                "Phone",
                "Owner",
                "Proposal sent",
                "Since",
                "Value",
                "Next action",
            ],
            stale,
        )
        .with_file("pipeline_at_risk.csv"),
    });
    if let Some(n) = m.lost_reasons.without_reason {
        blocks.push(Block::Table {
            table: Table::new(
                format!("Lost without a reason: {n} leads"),
                "Oldest first.",
                &LEAD_HEAD,
                lead_rows(&m.lost_reasons.without_reason_leads),
            )
            .with_file("lost_without_reason.csv"),
        });
    }
    Ok(Section {
        id: "actions",
        title: "Who must call whom".into(),
        blocks,
    })
}

#[cfg(test)]
mod tests {
    use super::business_late;

    #[test]
    fn lateness_reads_in_business_hours_with_the_right_number() {
        assert_eq!(business_late(Some(45.0)), "45 min (business time)");
        assert_eq!(business_late(Some(75.0)), "1 business hour");
        assert_eq!(business_late(Some(150.0)), "3 business hours");
        assert_eq!(business_late(None), "");
    }
}

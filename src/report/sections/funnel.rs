//! From contact to sale, like for like: the period's activity whatever week
//! the lead came in; the week's own leads as far as they got; settled
//! cohorts, old enough for their outcome to be known; and the week compared
//! with earlier weeks at the same age.

use crate::config::Config;
use crate::error::Result;
use crate::format::{day, money, percent};
use crate::metrics::Metrics;
use crate::metrics::stages::Funnel;
use crate::report::charts::{self, BLUE};
use crate::report::view::{Block, Chart, NOT_MEASURED, Row, Section, Table, plural, rate_text};

fn activity(m: &Metrics) -> String {
    let a = &m.activity;
    format!(
        "In the week, whatever week the lead came in: {} held, {} sent, {} won worth {}, {} lost.{}",
        plural(a.meetings, "meeting", "meetings"),
        plural(a.proposals, "proposal", "proposals"),
        plural(a.won, "deal", "deals"),
        money(Some(a.won_value), &m.currency),
        plural(a.lost, "lead", "leads"),
        match a.weekly_won_revenue {
            Some(w) => format!(
                " An average week of the last 90 days won {}.",
                money(Some(w), &m.currency)
            ),
            None => String::new(),
        }
    )
}

fn stage_table(title: &str, note: String, f: &Funnel, measured: &[(&str, bool)]) -> Table {
    let rows = f
        .reached
        .iter()
        .enumerate()
        .map(|(i, (stage, n))| {
            let ok = measured.get(i).is_none_or(|s| s.1);
            let from_before = if i == 0 {
                String::new()
            } else {
                rate_text(f.conversions[i - 1].rate.as_ref())
            };
            Row::new(vec![
                stage.to_string(),
                if ok {
                    n.to_string()
                } else {
                    NOT_MEASURED.into()
                },
                if ok { from_before } else { String::new() },
            ])
        })
        .collect();
    Table::new(
        title,
        note,
        &["Stage", "Leads", "From the stage before"],
        rows,
    )
}

fn week_chart(m: &Metrics) -> Result<Option<Chart>> {
    let Some(week) = m.stages.windows.first() else {
        return Ok(None);
    };
    let labels: Vec<String> = week
        .overall
        .reached
        .iter()
        .map(|(s, _)| s.to_string())
        .collect();
    let values: Vec<f64> = week
        .overall
        .reached
        .iter()
        .map(|(_, n)| *n as f64)
        .collect();
    Ok(Some(Chart {
        finding: super::findings::funnel(&week.overall.reached, &m.stages.measured),
        title: "The week's leads that reached each stage so far".into(),
        text: labels
            .iter()
            .zip(&values)
            .map(|(l, v)| format!("{l}: {v}"))
            .collect::<Vec<_>>()
            .join("; "),
        svg: charts::bars(&labels, &values, &[BLUE], "leads")?,
    }))
}

fn equal_age(m: &Metrics) -> String {
    let parts: Vec<String> = m
        .trend
        .weeks
        .iter()
        .rev()
        .take(5)
        .filter_map(|w| {
            w.contact_to_meeting.as_ref().map(|r| {
                format!(
                    "{} {} ({} of {})",
                    w.label.rsplit('-').next().unwrap_or(""),
                    percent(r.rate),
                    r.k,
                    r.n
                )
            })
        })
        .collect();
    if parts.is_empty() {
        return format!("Contacted leads reaching a meeting: {NOT_MEASURED}.");
    }
    format!(
        "Contacted leads reaching a meeting, each week seen at the same age as this one (last week as it stood 7 days ago, and so on): {}.",
        parts.join("; ")
    )
}

pub fn section(m: &Metrics, _config: &Config) -> Result<Section> {
    let mut blocks = vec![Block::text(activity(m)), Block::note(equal_age(m))];
    if let Some(chart) = week_chart(m)? {
        blocks.push(Block::Chart { chart });
    }
    let s = &m.stages.settled;
    blocks.push(Block::Table {
        table: stage_table(
            &format!(
                "Settled leads: captured {} to {}",
                day(&s.first_day),
                day(&s.last_day)
            ),
            format!(
                "Leads {} to {} weeks old: old enough for their later stages to show, so proposal and close rates are read here, not on this week's young leads.",
                s.weeks[0], s.weeks[1]
            ),
            &s.overall,
            &m.stages.measured,
        ),
    });
    Ok(Section {
        id: "funnel",
        title: "From contact to sale".into(),
        blocks,
    })
}

//! The marketer's money: per campaign and source, over the week and the 4
//! and 12 weeks ending with it: spend, leads, qualified, meetings, proposals,
//! wins and their value, the cost per qualified meeting, and the spend that
//! bought no meeting. Small samples are marked.

use crate::config::Config;
use crate::error::Result;
use crate::format::money;
use crate::metrics::Metrics;
use crate::metrics::marketing::{MoneyRow, MoneyWindow, WEEK};
use crate::metrics::stats::SMALL_SAMPLE;
use crate::report::view::{Block, NOT_MEASURED, Row, Section, Table, plural};

/// A cost per meeting on fewer meetings than this shows its count: too few
/// to judge a campaign by.
const FEW_MEETINGS: u64 = 5;

/// Won value per unit of spend, when there was spend.
fn won_per_spend(r: &MoneyRow) -> Option<f64> {
    r.spend.filter(|s| *s > 0.0).map(|s| r.won_value / s)
}

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
            (Some(s), n) if s > 0.0 && n < FEW_MEETINGS => format!(
                "{} ({})",
                money(r.cost_per_meeting, currency),
                plural(n, "meeting", "meetings")
            ),
            _ => money(r.cost_per_meeting, currency),
        },
        match (r.spend, won_per_spend(r)) {
            (None, _) => NOT_MEASURED.into(),
            (_, Some(x)) => format!("{x:.1}x"),
            (Some(_), None) => "no spend".into(),
        },
    ]);
    c
}

/// The best and the least return among the rows with spend and enough
/// leads to read, in words; empty when fewer than two such rows.
fn returns(rows: &[MoneyRow], currency: &str) -> String {
    let mut paid: Vec<(&MoneyRow, f64)> = rows
        .iter()
        .filter(|r| !r.small)
        .filter_map(|r| won_per_spend(r).map(|x| (r, x)))
        .collect();
    // Highest return first; ties by name, so the words are stable.
    paid.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.segment.cmp(&b.0.segment)));
    let (Some(best), Some(least)) = (paid.first(), paid.last()) else {
        return String::new();
    };
    if paid.len() < 2 || best.1 == least.1 {
        return String::new();
    }
    let said = |(r, x): &(&MoneyRow, f64)| {
        format!(
            "{}, {x:.1}x ({} won for {} spent)",
            r.segment,
            money(Some(r.won_value), currency),
            money(r.spend, currency)
        )
    };
    format!(" Best return: {}. Least: {}.", said(best), said(least))
}

/// A window's table; `longest` is the longest window's span in weeks when
/// it is not this one (its leads have had the time to buy that this one's
/// have not).
fn table(w: &MoneyWindow, currency: &str, campaign: bool, longest: Option<u32>) -> Table {
    let week = w.name == WEEK;
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
        "Won value / spend",
    ]);
    let dry = match w.spend_without_meeting {
        // A week's leads are days old: no meeting yet proves nothing.
        _ if week => " This week's leads are days old, so read meetings and wins on the 4- and 12-week tables.".to_string(),
        Some(s) if s > 0.0 => format!(
            " {} campaigns spent {} and brought no meeting.",
            w.campaigns_without_meeting,
            money(Some(s), currency)
        ),
        _ => String::new(),
    };
    let returns = match longest {
        None => returns(list, currency),
        Some(_) if week => String::new(),
        Some(weeks) => {
            format!(" Its leads are still closing: read the return on the {weeks}-week table.")
        }
    };
    Table::new(
        format!(
            "{} by {}, {} from {}",
            if week { "The week" } else { w.name },
            if campaign { "campaign" } else { "source" },
            "leads captured",
            w.first_day
        ),
        format!(
            "Most meetings first. A meeting implies a qualified lead; cost per meeting = spend / meetings, with the count when under {FEW_MEETINGS}: too few to judge. Won value / spend: what the leads' won deals were worth per unit spent. Pale rows rest on fewer than {SMALL_SAMPLE} leads.{dry}{returns}"
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
    // The longest window first: its leads have had time to meet and buy;
    // this week's are days old.
    let last = m.marketing.windows.last().map(|w| w.weeks);
    for w in m.marketing.windows.iter().rev() {
        let longest = last.filter(|weeks| *weeks != w.weeks);
        blocks.push(Block::Table {
            table: table(w, &m.currency, true, longest),
        });
        if w.name == WEEK {
            blocks.push(Block::Table {
                table: table(w, &m.currency, false, longest),
            });
        }
    }
    Ok(Section {
        id: "marketing",
        title: "Which spend brought meetings".into(),
        blocks,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(
        segment: &str,
        spend: Option<f64>,
        won_value: f64,
        meetings: u64,
        small: bool,
    ) -> MoneyRow {
        MoneyRow {
            segment: segment.into(),
            source: None,
            spend,
            leads: 40,
            qualified: 10,
            meetings,
            proposals: 0,
            won: 1,
            won_value,
            cost_per_lead: None,
            cost_per_meeting: spend.map(|s| s / meetings.max(1) as f64),
            small,
        }
    }

    #[test]
    fn best_and_least_return_skip_small_and_unpaid_rows() {
        let rows = [
            row("a", Some(100.0), 1_000.0, 9, false),
            row("b", Some(100.0), 200.0, 9, false),
            row("tiny", Some(10.0), 10_000.0, 9, true),
            row("free", Some(0.0), 5_000.0, 9, false),
        ];
        assert_eq!(
            returns(&rows, "INR"),
            " Best return: a, 10.0x (₹1,000 won for ₹100 spent). Least: b, 2.0x (₹200 won for ₹100 spent)."
        );
        assert_eq!(returns(&rows[..1], "INR"), "");
    }

    #[test]
    fn a_cost_per_meeting_on_few_meetings_shows_the_count() {
        let few = cells(&row("a", Some(300.0), 0.0, 2, false), "INR", false);
        assert_eq!(few[7], "₹150 (2 meetings)");
        assert_eq!(few[8], "0.0x");
        let enough = cells(&row("a", Some(300.0), 600.0, 6, false), "INR", false);
        assert_eq!((enough[7].as_str(), enough[8].as_str()), ("₹50", "2.0x"));
        let unpaid = cells(&row("a", None, 600.0, 6, false), "INR", false);
        assert_eq!(unpaid[8], NOT_MEASURED);
    }
}

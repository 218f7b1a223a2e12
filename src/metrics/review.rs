//! Section 11, the five review questions, answered from the other sections as
//! sentences with their numbers. Each answer follows a stated rule, so a
//! reader can check it against the tables.

use serde::Serialize;

use super::stats::Rate;
use super::{
    leakage::Leakage, lost::LostReasons, pipeline::PipelineRisk, sla::Sla, stages::Stages,
};
use crate::format::money;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Answer {
    pub question: &'static str,
    pub answer: String,
    /// How the answer was chosen.
    pub rule: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Review {
    pub answers: Vec<Answer>,
}

/// "1 lead", "3 leads".
fn n(count: u64, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// "1 was", "3 were".
fn was(count: u64) -> String {
    format!("{count} {}", if count == 1 { "was" } else { "were" })
}

fn pct(x: Option<f64>) -> String {
    x.map_or("n/a".into(), |x| format!("{:.0}%", x * 100.0))
}

fn best_source(stages: &Stages) -> String {
    let Some(week) = stages.windows.first() else {
        return "No stage data.".into();
    };
    let rated: Vec<(String, Rate)> = week
        .by_source
        .iter()
        .map(|f| (f.segment.clone(), Rate::new(f.reached[4].1, f.reached[0].1)))
        .filter(|(_, r)| r.n > 0)
        .collect();
    let best = rated.iter().max_by(|a, b| {
        a.1.low
            .unwrap_or(0.0)
            .total_cmp(&b.1.low.unwrap_or(0.0))
            .then(a.1.rate.unwrap_or(0.0).total_cmp(&b.1.rate.unwrap_or(0.0)))
            .then(b.0.cmp(&a.0))
    });
    match best {
        None => "No leads were captured in the period.".into(),
        Some((source, r)) if r.k == 0 => format!(
            "No source produced a qualified meeting from this period's leads yet ({} sources, {} leads).",
            rated.len(),
            rated.iter().map(|s| s.1.n).sum::<u64>()
        ),
        Some((source, r)) => format!(
            "{source}: {} from {} ({}, 95% interval {} to {}).",
            n(r.k, "qualified meeting", "qualified meetings"),
            n(r.n, "lead", "leads"),
            pct(r.rate),
            pct(r.low),
            pct(r.high)
        ),
    }
}

fn breaches(sla: Option<&Sla>) -> String {
    let Some(sla) = sla else {
        return "Not measured: the inputs hold no first-touch time (no first_contact_at and no outbound calls).".into();
    };
    let o = &sla.overall;
    if o.breached == 0 {
        return format!(
            "No SLA breaches: {} leads met their SLA, {} are waiting and not yet due.",
            o.met, o.not_due
        );
    }
    let mut owners: Vec<(&str, u64)> = sla
        .by_owner
        .iter()
        .map(|s| (s.segment.as_str(), s.breached))
        .filter(|s| s.1 > 0)
        .collect();
    owners.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let owners: Vec<String> = owners
        .iter()
        .take(3)
        .map(|(o, n)| format!("{o} {n}"))
        .collect();
    let top_source = sla
        .by_source
        .iter()
        .max_by(|a, b| a.breached.cmp(&b.breached).then(b.segment.cmp(&a.segment)));
    format!(
        "{} of {} leads with a known first-response time breached the SLA (compliance {}). By owner: {}. Most by source: {} ({}). {} escalated; {} still untouched past the reassign threshold.",
        o.breached,
        o.met + o.breached,
        pct(o.compliance.rate),
        owners.join(", "),
        top_source.map_or("n/a", |s| s.segment.as_str()),
        top_source.map_or(0, |s| s.breached),
        sla.escalated,
        sla.reassign_candidates
    )
}

fn repeats(lost: &LostReasons) -> String {
    if lost.lost == 0 {
        return "No leads of the period were lost.".into();
    }
    let top: Vec<String> = lost
        .categories
        .iter()
        .take(3)
        .map(|c| format!("{} {} ({})", c.category, c.leads, pct(c.share.rate)))
        .collect();
    let mut s = format!(
        "Of {}: {}.",
        n(lost.lost, "lost lead", "lost leads"),
        top.join(", ")
    );
    if let Some(blank) = lost.without_reason.filter(|n| *n > 0) {
        s += &format!(" {} closed without a reason.", was(blank));
    }
    if let Some(c) = lost.concentrations.first() {
        s += &format!(
            " Strongest concentration over {} weeks: {}.",
            lost.history_weeks, c.finding
        );
    }
    s
}

fn at_risk(p: &PipelineRisk, currency: &str) -> String {
    let top: Vec<String> = p
        .stale_proposals
        .iter()
        .take(3)
        .map(|r| {
            format!(
                "{} ({}, {:.0} days, {})",
                r.lead_id,
                r.owner.as_deref().unwrap_or("unowned"),
                r.days_since_proposal.unwrap_or(0.0),
                r.deal_value
                    .map_or("no value".into(), |v| money(Some(v), currency))
            )
        })
        .collect();
    let mut s = format!(
        "{} proposals have had no movement for over {:.0} days, worth {}",
        p.stale_proposals.len(),
        p.stale_after_days,
        money(Some(p.stale_value), currency)
    );
    if !top.is_empty() {
        s += &format!("; largest: {}", top.join(", "));
    }
    s + &format!(
        ". Of {} open leads, {} have no next action date and {} no owner.",
        p.open, p.no_next_action, p.unowned
    )
}

fn change(sla: Option<&Sla>, lost: &LostReasons, leakage: &Leakage) -> String {
    let segment = leakage
        .by_source
        .iter()
        .max_by(|a, b| {
            a.process_losses
                .cmp(&b.process_losses)
                .then(b.segment.cmp(&a.segment))
        })
        .filter(|s| s.process_losses > 0);
    let Some(segment) = segment else {
        return "No process losses in the period: keep the current handoff.".into();
    };
    let untouched = sla.map(|s| s.never_touched);
    let under = sla.and_then(|s| s.under_worked);
    let options = [
        untouched.map(|n| {
            (
                n,
                format!(
                    "call every lead within its SLA: {} still untouched past the due time",
                    was(n)
                ),
            )
        }),
        under.map(|n| {
            (
                n,
                format!(
                    "make at least the minimum attempts before closing a lead as unreachable: {} closed with fewer",
                    was(n)
                ),
            )
        }),
        lost.without_reason.map(|n| {
            (
                n,
                format!(
                    "require a lost reason before a lead can be closed: {} closed without one",
                    was(n)
                ),
            )
        }),
    ];
    // The largest; on a tie, the first listed.
    let Some((_, what)) = options.iter().flatten().rev().max_by(|a, b| a.0.cmp(&b.0)) else {
        return "Not measured: the inputs hold neither first-touch times nor lost reasons.".into();
    };
    if options.iter().flatten().all(|o| o.0 == 0) {
        return format!(
            "Start with {}: {} ({} of its leads), all lost for a process reason; none was untouched past due, under-worked or closed without a reason, so the lost-reason table says where to look.",
            segment.segment,
            n(segment.process_losses, "process loss", "process losses"),
            pct(segment.process_loss_rate.rate)
        );
    }
    format!(
        "Start with {}: {} ({} of its leads). Change: {}.",
        segment.segment,
        n(segment.process_losses, "process loss", "process losses"),
        pct(segment.process_loss_rate.rate),
        what
    )
}

pub fn compute(
    stages: &Stages,
    sla: Option<&Sla>,
    lost: &LostReasons,
    pipeline: &PipelineRisk,
    leakage: &Leakage,
) -> Review {
    Review {
        answers: vec![
            Answer {
                question: "Which source produced the highest qualified-meeting rate this period?",
                answer: best_source(stages),
                rule: "sources ranked by the floor of the 95% interval of meetings / leads, so a small source cannot win by luck",
            },
            Answer {
                question: "Where did SLA breaches happen, and who owns them?",
                answer: breaches(sla),
                rule: "breaches counted by owner and by first-touch source",
            },
            Answer {
                question: "Which lost reasons repeat?",
                answer: repeats(lost),
                rule: "the three largest categories of the period's lost leads, and the strongest significant concentration",
            },
            Answer {
                question: "Which opportunities are at risk?",
                answer: at_risk(pipeline, &leakage.currency),
                rule: "open leads with a proposal older than pipeline.stale_after, largest value first",
            },
            Answer {
                question: "What one process change would recover the most?",
                answer: change(sla, lost, leakage),
                rule: "the source with the most process losses, and the largest of: never touched, under-worked, lost without a reason",
            },
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testing::*;
    use crate::metrics::{leakage, lost, pipeline, sla, stages};

    #[test]
    fn an_empty_period_gets_plain_answers() {
        let df = ledger(0, vec![]);
        let (fixture, period) = (TestWeek::default(), w46());
        let ctx = fixture.ctx(&df, &period);
        let r = compute(
            &stages::compute(&ctx).unwrap(),
            Some(&sla::compute(&ctx).unwrap()),
            &lost::compute(&ctx).unwrap(),
            &pipeline::compute(&ctx).unwrap(),
            &leakage::compute(&ctx).unwrap(),
        );
        let answers: Vec<&str> = r.answers.iter().map(|a| a.answer.as_str()).collect();
        assert_eq!(answers[0], "No leads were captured in the period.");
        assert!(answers[1].starts_with("No SLA breaches"), "{}", answers[1]);
        assert_eq!(answers[2], "No leads of the period were lost.");
        assert!(answers[3].starts_with("0 proposals"), "{}", answers[3]);
        assert_eq!(
            answers[4],
            "No process losses in the period: keep the current handoff."
        );
    }
}

//! What each chart shows, in one sentence: the chart's caption, so a reader
//! who skims the page gets the conclusion, not only the chart's subject.

use std::cmp::Reverse;

use crate::format::{duration, percent};
use crate::metrics::stats::BUCKETS;
use crate::report::view::plural;

/// A first response within this many minutes is fast: the histogram's first
/// band (green).
pub const FAST_MIN: f64 = 15.0;
/// Within this many minutes is the second band (amber); later is the third.
pub const LATE_AFTER_MIN: f64 = 60.0;

/// The band of a response bucket whose upper bound is `high` minutes:
/// 0 fast, 1 within [`LATE_AFTER_MIN`], 2 later.
pub fn band(high: f64) -> usize {
    if high <= FAST_MIN {
        0
    } else if high <= LATE_AFTER_MIN {
        1
    } else {
        2
    }
}

/// The response histogram's finding, from the leads per bucket of
/// [`BUCKETS`] and the leads untouched past their due time.
pub fn response(counts: &[u64], untouched: u64) -> String {
    let mut by_band = [0u64; 3];
    for ((_, high), n) in BUCKETS.iter().zip(counts) {
        by_band[band(*high)] += n;
    }
    let due = by_band.iter().sum::<u64>() + untouched;
    if due == 0 {
        return "No lead of the week was due for a first response yet.".into();
    }
    let share = |n: u64| match n {
        0 => "none".to_string(),
        n => format!("{n} ({})", percent(Some(n as f64 / due as f64))),
    };
    let (fast, slow) = (by_band[0], by_band[2] + untouched);
    let fast_words = format!("answered within {}", duration(Some(FAST_MIN)));
    let slow_words = format!(
        "answered after {} or still untouched",
        duration(Some(LATE_AFTER_MIN))
    );
    if fast == 0 && slow == 0 {
        return format!(
            "All {due} leads due were answered between {} and {}.",
            duration(Some(FAST_MIN)),
            duration(Some(LATE_AFTER_MIN))
        );
    }
    // The larger of the two leads the sentence.
    let [(first, first_words), (second, second_words)] = if slow >= fast {
        [(slow, slow_words), (fast, fast_words)]
    } else {
        [(fast, fast_words), (slow, slow_words)]
    };
    format!(
        "{first} of the {due} leads due ({}) were {first_words}; {} {second_words}.",
        percent(Some(first as f64 / due as f64)),
        share(second),
    )
}

/// The SLA trend's finding, from `weeks` (label, share within the SLA when
/// any lead was due), oldest first, and the target share. Each week is
/// judged on its exact share, as the verdict judges the period; the words
/// show whole percentages.
pub fn trend(weeks: &[(String, Option<f64>)], target: f64) -> String {
    let judged: Vec<(&str, f64)> = weeks
        .iter()
        .filter_map(|(label, v)| v.map(|v| (label.as_str(), v)))
        .collect();
    let (Some(first), Some(last)) = (judged.first(), judged.last()) else {
        return format!("No lead was due in any of the last {} weeks.", weeks.len());
    };
    let n = judged.len();
    let over = match (n == weeks.len(), n) {
        (true, 1) => "the last week".to_string(),
        (true, _) => format!("the last {n} weeks"),
        (false, _) => format!(
            "the {} with leads due of the last {}",
            plural(n as u64, "week", "weeks"),
            weeks.len()
        ),
    };
    let each = if n == 1 { "" } else { "each of " };
    let pct = |v: f64| percent(Some(v));
    let met = judged.iter().filter(|(_, v)| *v >= target).count();
    let head = match met {
        0 => format!("Below the {} target in {each}{over}", pct(target)),
        m if m == n => format!("At or above the {} target in {each}{over}", pct(target)),
        m => format!("At or above the {} target in {m} of {over}", pct(target)),
    };
    let lo = judged.iter().map(|m| m.1).fold(f64::INFINITY, f64::min);
    let hi = judged.iter().map(|m| m.1).fold(f64::NEG_INFINITY, f64::max);
    let range = if pct(lo) == pct(hi) {
        pct(lo)
    } else {
        format!("{}-{}", pct(lo).trim_end_matches('%'), pct(hi))
    };
    if n < 2 {
        return format!("{head} ({range}).");
    }
    // Up or down as the words show it.
    let direction = if pct(last.1) == pct(first.1) {
        "level with"
    } else if last.1 > first.1 {
        "up from"
    } else {
        "down from"
    };
    format!(
        "{head} ({range}); {} {}, {direction} {} in {}.",
        last.0,
        pct(last.1),
        pct(first.1),
        first.0
    )
}

/// The week's funnel finding, from the leads that reached each stage (in
/// order) and whether the inputs measure each stage: the step that lost the
/// most leads so far.
pub fn funnel(reached: &[(&str, u64)], measured: &[(&str, bool)]) -> String {
    if reached.first().is_none_or(|r| r.1 == 0) {
        return "No lead was captured in the week.".into();
    }
    let ok = |i: usize| measured.get(i).is_none_or(|m| m.1);
    let lost = |w: &[(&str, u64)]| w[0].1.saturating_sub(w[1].1);
    let biggest = reached
        .windows(2)
        .enumerate()
        .filter(|(i, w)| ok(*i) && ok(i + 1) && lost(w) > 0)
        .max_by_key(|(i, w)| (lost(w), Reverse(*i)));
    match biggest {
        Some((_, w)) => format!(
            "The biggest drop so far is from {} to {}: {} of {} went on ({}).",
            w[0].0,
            w[1].0,
            w[1].1,
            w[0].1,
            percent(Some(w[1].1 as f64 / w[0].1 as f64))
        ),
        None => "No measured stage has lost a lead so far.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_counts_late_and_untouched_against_the_leads_due() {
        // Buckets 0-5, 5-15 | 15-30, 30-60 | 1-4 h, 4-24 h, >24 h.
        let s = response(&[26, 25, 21, 21, 24, 18, 1], 18);
        assert_eq!(
            s,
            "61 of the 154 leads due (40%) were answered after 1 h or still untouched; 51 (33%) answered within 15 min."
        );
        assert_eq!(
            response(&[2, 3, 0, 1, 0, 0, 0], 0),
            "5 of the 6 leads due (83%) were answered within 15 min; none answered after 1 h or still untouched."
        );
        assert_eq!(
            response(&[0, 0, 4, 0, 0, 0, 0], 0),
            "All 4 leads due were answered between 15 min and 1 h."
        );
        assert_eq!(
            response(&[0; 7], 0),
            "No lead of the week was due for a first response yet."
        );
    }

    #[test]
    fn bands_follow_the_bucket_bounds() {
        let bands: Vec<usize> = BUCKETS.iter().map(|(_, high)| band(*high)).collect();
        assert_eq!(bands, [0, 0, 1, 1, 2, 2, 2]);
    }

    fn weeks(v: &[Option<f64>]) -> Vec<(String, Option<f64>)> {
        v.iter()
            .enumerate()
            .map(|(i, v)| (format!("W{}", 38 + i), *v))
            .collect()
    }

    #[test]
    fn trend_says_how_often_the_target_was_met_and_where_it_went() {
        let below = weeks(&[Some(0.28), Some(0.33), None, Some(0.364)]);
        assert_eq!(
            trend(&below, 0.8),
            "Below the 80% target in each of the 3 weeks with leads due of the last 4 (28-36%); W41 36%, up from 28% in W38."
        );
        let mixed = weeks(&[Some(0.85), Some(0.70)]);
        assert_eq!(
            trend(&mixed, 0.8),
            "At or above the 80% target in 1 of the last 2 weeks (70-85%); W39 70%, down from 85% in W38."
        );
        assert_eq!(
            trend(&weeks(&[Some(0.9)]), 0.8),
            "At or above the 80% target in the last week (90%)."
        );
        // 79.6% shows as 80% but misses an 80% target, as the verdict says.
        assert_eq!(
            trend(&weeks(&[Some(0.796)]), 0.8),
            "Below the 80% target in the last week (80%)."
        );
        assert_eq!(
            trend(&weeks(&[None, None]), 0.8),
            "No lead was due in any of the last 2 weeks."
        );
    }

    #[test]
    fn funnel_names_the_step_that_lost_most_among_measured_stages() {
        let reached = [
            ("captured", 196),
            ("assigned", 194),
            ("contacted", 136),
            ("qualified", 30),
            ("meeting", 11),
        ];
        let all: Vec<(&str, bool)> = reached.iter().map(|r| (r.0, true)).collect();
        assert_eq!(
            funnel(&reached, &all),
            "The biggest drop so far is from contacted to qualified: 30 of 136 went on (22%)."
        );
        // Qualified not measured: its zero-free count says nothing; the next
        // measured step that lost most is assigned to contacted.
        let mut without = all.clone();
        without[3].1 = false;
        assert_eq!(
            funnel(&reached, &without),
            "The biggest drop so far is from assigned to contacted: 136 of 194 went on (70%)."
        );
        assert_eq!(
            funnel(&[("captured", 0)], &[]),
            "No lead was captured in the week."
        );
    }
}

//! The report period: an ISO week or a date range, in the configured time
//! zone, as a half-open interval of UTC epoch milliseconds.

use chrono::{Datelike, Duration, NaiveDate, TimeZone as _, Weekday};
use chrono_tz::Tz;
use serde::Serialize;

/// How the user chose the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeriodSpec {
    /// `--week 2026-W46`.
    Week { year: i32, week: u32 },
    /// `--from 2026-11-01 --to 2026-11-30`, both days included.
    Range { from: NaiveDate, to: NaiveDate },
    /// Neither: the ISO week holding the latest record of the inputs.
    Latest,
}

/// A resolved period: `[start, end)` in UTC epoch ms, with its local dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Period {
    /// `2026-W46`, or `2026-11-01..2026-11-30`.
    pub label: String,
    /// First local day.
    pub first_day: NaiveDate,
    /// Last local day (included).
    pub last_day: NaiveDate,
    #[serde(skip)]
    pub start: i64,
    #[serde(skip)]
    pub end: i64,
}

/// Local midnight of `day` in `tz` as UTC epoch ms (the first instant of the day).
pub fn midnight(day: NaiveDate, tz: Tz) -> i64 {
    let t = day.and_hms_opt(0, 0, 0).expect("midnight exists");
    tz.from_local_datetime(&t)
        .earliest()
        // A zone whose clocks skip midnight: the day starts an hour later.
        .or_else(|| tz.from_local_datetime(&(t + Duration::hours(1))).earliest())
        .map(|t| t.timestamp_millis())
        .unwrap_or(0)
}

/// The local day that holds the instant `ms` (UTC epoch ms) in `tz`.
pub fn local_date(ms: i64, tz: Tz) -> NaiveDate {
    tz.timestamp_millis_opt(ms)
        .earliest()
        .map_or(NaiveDate::MIN, |t| t.date_naive())
}

impl Period {
    /// The days `[first, last]`.
    pub fn days(first: NaiveDate, last: NaiveDate, label: String, tz: Tz) -> Self {
        Self {
            label,
            first_day: first,
            last_day: last,
            start: midnight(first, tz),
            end: midnight(last + Duration::days(1), tz),
        }
    }

    /// The ISO week `year-Www`.
    pub fn iso_week(year: i32, week: u32, tz: Tz) -> Option<Self> {
        let monday = NaiveDate::from_isoywd_opt(year, week, Weekday::Mon)?;
        Some(Self::days(
            monday,
            monday + Duration::days(6),
            format!("{year}-W{week:02}"),
            tz,
        ))
    }

    /// The ISO week holding the instant `ms`.
    pub fn week_of(ms: i64, tz: Tz) -> Self {
        let day = tz
            .timestamp_millis_opt(ms)
            .single()
            .map(|t| t.date_naive())
            .unwrap_or_default();
        let iso = day.iso_week();
        Self::iso_week(iso.year(), iso.week(), tz).expect("an existing day's week exists")
    }

    /// The `n` ISO weeks before this period's first day (oldest first).
    pub fn previous_weeks(&self, n: u32, tz: Tz) -> Vec<Period> {
        (1..=n)
            .rev()
            .map(|k| {
                let monday = self.first_day - Duration::days(i64::from(k) * 7);
                let monday =
                    monday - Duration::days(i64::from(monday.weekday().num_days_from_monday()));
                let iso = monday.iso_week();
                Self::iso_week(iso.year(), iso.week(), tz).expect("an existing day's week exists")
            })
            .collect()
    }

    /// Resolves a spec; `latest` is the latest record time, used for [`PeriodSpec::Latest`].
    pub fn resolve(spec: &PeriodSpec, latest: i64, tz: Tz) -> Option<Self> {
        match spec {
            PeriodSpec::Week { year, week } => Self::iso_week(*year, *week, tz),
            PeriodSpec::Range { from, to } => {
                Some(Self::days(*from, *to, format!("{from}..{to}"), tz))
            }
            PeriodSpec::Latest => Some(Self::week_of(latest, tz)),
        }
    }
}

/// Parses `2026-W46` (also `2026W46`, `2026-w6`).
pub fn parse_week(text: &str) -> Result<PeriodSpec, String> {
    let bad = || format!("`{text}` is not an ISO week; write it like 2026-W46");
    let t = text.trim().to_ascii_uppercase();
    let (year, week) = t.split_once('W').ok_or_else(bad)?;
    let year: i32 = year.trim_end_matches('-').parse().map_err(|_| bad())?;
    let week: u32 = week.parse().map_err(|_| bad())?;
    NaiveDate::from_isoywd_opt(year, week, Weekday::Mon)
        .map(|_| PeriodSpec::Week { year, week })
        .ok_or_else(|| format!("{year} has no ISO week {week}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_week_in_local_time() {
        let tz = chrono_tz::Asia::Kolkata;
        let p = Period::iso_week(2026, 46, tz).unwrap();
        assert_eq!(p.first_day.to_string(), "2026-11-09");
        assert_eq!(p.last_day.to_string(), "2026-11-15");
        // Monday 00:00 IST = Sunday 18:30 UTC.
        assert_eq!(p.start, 1_794_162_600_000);
        assert_eq!(p.end - p.start, 7 * 86_400_000);
        assert_eq!(p.label, "2026-W46");
    }

    #[test]
    fn a_week_across_a_dst_change_is_168_or_169_hours() {
        let tz = chrono_tz::America::New_York;
        // 2026-11-01 (Sunday) clocks go back: the week of Oct 26 has 169 hours.
        let p = Period::iso_week(2026, 44, tz).unwrap();
        assert_eq!((p.end - p.start) / 3_600_000, 169);
    }

    #[test]
    fn parses_weeks_and_previous_weeks() {
        assert_eq!(
            parse_week("2026-W46"),
            Ok(PeriodSpec::Week {
                year: 2026,
                week: 46
            })
        );
        assert_eq!(
            parse_week("2026w6"),
            Ok(PeriodSpec::Week {
                year: 2026,
                week: 6
            })
        );
        assert!(parse_week("2026-W54").is_err());
        assert!(parse_week("last week").is_err());
        let tz = chrono_tz::Asia::Kolkata;
        let p = Period::iso_week(2026, 2, tz).unwrap();
        let prev: Vec<String> = p
            .previous_weeks(3, tz)
            .into_iter()
            .map(|w| w.label)
            .collect();
        assert_eq!(prev, ["2025-W51", "2025-W52", "2026-W01"]);
    }
}

//! Instants as local ISO 8601 text (`2026-11-16T10:05:00+05:30`) for the CSV
//! outputs, put together from three small tables instead of formatting every
//! value through chrono: the `YYYY-MM-DDT` of every day the instants span,
//! the `HH:MM:SS` of every second of a day, and the `+HH:MM` of every UTC
//! offset. An instant becomes three lookups and a concatenation; chrono's
//! formatting, value by value, was half the time of writing a 1M-lead ledger.

use std::sync::OnceLock;

use polars::prelude::*;

const DAY_MS: i64 = 86_400_000;
/// The offsets in the table: -18:00 to +18:00 by the minute (every zone's).
const OFFSET_MINUTES: i64 = 18 * 60;
/// The most days the day table spans (about 1,100 years); instants further
/// apart are left to the CSV writer's own formatting.
const MAX_DAYS: i64 = 400_000;

/// The tables for one frame's instant columns (datetimes with a time zone).
pub struct InstantText {
    columns: Vec<PlSmallStr>,
    days: Series,
    first_day: i64,
    /// The instants' zone offset when they share one zone that never changes
    /// its clocks: local time is then an addition, not a zone lookup per value.
    fixed: Option<i64>,
    /// The frame's schema with its instants as text.
    pub schema: Schema,
}

/// `HH:MM:SS` of every second of a day: the same for every frame, so made
/// once per process (90,000 formatted strings per output file were a quarter
/// of the bundled sample's run).
fn clock_table() -> &'static Series {
    static CLOCK: OnceLock<Series> = OnceLock::new();
    CLOCK.get_or_init(|| {
        let clock: Vec<String> = (0..86_400)
            .map(|s| format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60))
            .collect();
        Series::new("clock".into(), clock)
    })
}

/// `+HH:MM` of every offset from -18:00 to +18:00 by the minute, made once per process.
fn offset_table() -> &'static Series {
    static OFFSETS: OnceLock<Series> = OnceLock::new();
    OFFSETS.get_or_init(|| {
        let offsets: Vec<String> = (-OFFSET_MINUTES..=OFFSET_MINUTES)
            .map(|m| {
                let sign = if m < 0 { '-' } else { '+' };
                format!("{sign}{:02}:{:02}", m.abs() / 60, m.abs() % 60)
            })
            .collect();
        Series::new("offsets".into(), offsets)
    })
}

impl InstantText {
    /// The tables for `df`'s instant columns; `None` when it has none, or
    /// when they lie more than [`MAX_DAYS`] apart.
    pub fn for_frame(df: &DataFrame) -> Option<Self> {
        let mut columns = Vec::new();
        let mut zones = std::collections::BTreeSet::new();
        let (mut lo, mut hi) = (i64::MAX, i64::MIN);
        for c in df.columns() {
            let DataType::Datetime(TimeUnit::Milliseconds, Some(zone)) = c.dtype() else {
                continue;
            };
            zones.insert(zone.as_str().to_string());
            let ms = c.as_materialized_series().to_physical_repr();
            if let (Ok(Some(min)), Ok(Some(max))) = (ms.min::<i64>(), ms.max::<i64>()) {
                lo = lo.min(min);
                hi = hi.max(max);
            }
            columns.push(c.name().clone());
        }
        if columns.is_empty() {
            return None;
        }
        // A local day is at most 18 hours from the UTC one.
        let (first_day, last_day) = if lo > hi {
            (0, 0)
        } else {
            (lo.div_euclid(DAY_MS) - 1, hi.div_euclid(DAY_MS) + 1)
        };
        if last_day - first_day > MAX_DAYS {
            return None;
        }
        let days: Vec<Option<String>> = (first_day..=last_day)
            .map(|d| {
                chrono::DateTime::from_timestamp_millis(d * DAY_MS)
                    .map(|t| t.format("%Y-%m-%dT").to_string())
            })
            .collect();
        let mut schema = df.schema().as_ref().clone();
        for name in &columns {
            schema.with_column(name.clone(), DataType::String);
        }
        let fixed = match zones.first() {
            Some(zone) if zones.len() == 1 => zone
                .parse::<chrono_tz::Tz>()
                .ok()
                .and_then(|tz| crate::calendar::fixed_offset_for(tz, lo, hi)),
            _ => None,
        };
        Some(Self {
            columns,
            fixed,
            days: Series::new("days".into(), days),
            first_day,
            schema,
        })
    }

    /// `df` (the frame the tables were made for, or rows of it) with its
    /// instant columns as text; a null instant stays null.
    pub fn apply(&self, df: DataFrame) -> PolarsResult<DataFrame> {
        let local = |n: &PlSmallStr| format!("_local_{n}");
        let day = |n: &PlSmallStr| format!("_day_{n}");
        let idx = |e: Expr| e.cast(IDX_DTYPE);
        let temporaries: Vec<String> = self
            .columns
            .iter()
            .flat_map(|n| [local(n), day(n)])
            .collect();
        let each = |f: &dyn Fn(&PlSmallStr) -> Expr| self.columns.iter().map(f).collect::<Vec<_>>();
        df.lazy()
            // Local wall-clock time as epoch ms, through the zone's rules.
            .with_columns(each(&|n| {
                match self.fixed {
                    Some(offset) => col(n.clone()).to_physical() + lit(offset),
                    None => col(n.clone())
                        .dt()
                        .replace_time_zone(None, lit("raise"), NonExistent::Raise)
                        .to_physical(),
                }
                .alias(local(n))
            }))
            .with_columns(each(&|n| {
                col(local(n)).floor_div(lit(DAY_MS)).alias(day(n))
            }))
            .with_columns(each(&|n| {
                let (l, d) = (col(local(n)), col(day(n)));
                let since_midnight = l.clone() - d.clone() * lit(DAY_MS);
                let offset_minutes = (l - col(n.clone()).to_physical()) / lit(60_000i64);
                concat_str(
                    [
                        lit(self.days.clone()).gather(idx(d - lit(self.first_day)), false),
                        lit(clock_table().clone())
                            .gather(idx(since_midnight / lit(1000i64)), false),
                        lit(offset_table().clone())
                            .gather(idx(offset_minutes + lit(OFFSET_MINUTES)), false),
                    ],
                    "",
                    false,
                )
                .alias(n.clone())
            }))
            .drop(cols(temporaries))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::local_iso_text;
    use chrono_tz::Tz;

    fn instants(ms: &[Option<i64>], tz: Tz) -> DataFrame {
        df!["at" => ms, "n" => (0..ms.len() as i64).collect::<Vec<_>>()]
            .unwrap()
            .lazy()
            .with_column(
                col("at")
                    .cast(DataType::Datetime(
                        TimeUnit::Milliseconds,
                        Some(TimeZone::UTC),
                    ))
                    .dt()
                    .convert_time_zone(TimeZone::from_chrono(&tz)),
            )
            .collect()
            .unwrap()
    }

    fn texts(df: &DataFrame) -> Vec<Option<String>> {
        let table = InstantText::for_frame(df).expect("tables for this frame");
        let out = table.apply(df.clone()).unwrap();
        assert_eq!(out.schema().as_ref(), &table.schema);
        out.column("at")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|s| s.map(str::to_string))
            .collect()
    }

    #[test]
    fn text_matches_chrono_in_zones_with_and_without_clock_changes() {
        let hour = 3_600_000;
        // 2026-03-08 07:00Z is 02:00 in New York when clocks go forward;
        // 2026-11-01 06:00Z is when they go back. Lord Howe moves 30 minutes.
        let around = |t: i64| (-3..=3).map(move |k| Some(t + k * hour / 2 + 17_123));
        let mut ms: Vec<Option<i64>> = vec![None, Some(0), Some(-1), Some(1_763_287_500_999)];
        ms.extend(around(1_772_953_200_000));
        ms.extend(around(1_793_512_800_000));
        ms.extend(around(1_775_314_800_000));
        ms.push(Some(4_102_444_799_000));
        for tz in [
            chrono_tz::Asia::Kolkata,
            chrono_tz::America::New_York,
            chrono_tz::Australia::Lord_Howe,
            chrono_tz::Asia::Kathmandu,
            chrono_tz::America::St_Johns,
            chrono_tz::UTC,
        ] {
            let want: Vec<Option<String>> = ms
                .iter()
                .map(|m| m.map(|m| local_iso_text(m, tz)))
                .collect();
            assert_eq!(texts(&instants(&ms, tz)), want, "{tz}");
        }
    }

    #[test]
    fn frames_without_instants_or_too_far_apart_get_no_tables() {
        let plain = df!["n" => [1i64, 2]].unwrap();
        assert!(InstantText::for_frame(&plain).is_none());
        // 1,100 years apart: more days than the table holds.
        let far = instants(
            &[Some(0), Some(1_100 * 365 * DAY_MS)],
            chrono_tz::Asia::Kolkata,
        );
        assert!(InstantText::for_frame(&far).is_none());
        let empty = instants(&[None, None], chrono_tz::Asia::Kolkata);
        assert_eq!(texts(&empty), [None, None]);
    }
}

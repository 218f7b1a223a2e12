//! The business calendar as a polars frame: one row per local day with its
//! opening intervals and the business milliseconds elapsed before it.
//!
//! Business time at an instant, B(t), is the cumulative business time before
//! t's local day plus the open time of that day up to t. Business minutes
//! between two instants are B(b) - B(a); a due time "N business minutes after
//! t" is the instant where B reaches B(t) + N, found with an as-of join.

use chrono::{Datelike, Duration as ChronoDuration, NaiveDate, TimeZone as _};
use chrono_tz::Tz;
use polars::prelude::*;

use crate::config;
use crate::error::{HandoffError, Result};

const MS_PER_DAY: i64 = 86_400_000;
const DAY: &str = "_cal_day";
const CUM: &str = "_cal_cum";
const LEN: &str = "_cal_len";

fn open_col(k: usize) -> String {
    format!("_cal_open_{k}")
}

fn close_col(k: usize) -> String {
    format!("_cal_close_{k}")
}

/// Epoch ms of 1990-01-01 and 2100-01-01: the years the tool reads dates in.
pub const SUPPORTED_MS: (i64, i64) = (631_152_000_000, 4_102_444_800_000);

/// The zone's UTC offset in ms when it is the same throughout 1990-2099 (no
/// daylight saving, no change of zone), checked week by week. Local time in
/// such a zone is one addition, not a zone lookup per value.
pub fn fixed_offset_ms(tz: chrono_tz::Tz) -> Option<i64> {
    use chrono::{Offset, TimeZone as _};
    let week = 7 * 86_400;
    let mut first = None;
    for secs in (SUPPORTED_MS.0 / 1000..SUPPORTED_MS.1 / 1000).step_by(week) {
        let at = chrono::DateTime::from_timestamp(secs, 0)?.naive_utc();
        let offset = tz.offset_from_utc_datetime(&at).fix().local_minus_utc();
        if first.is_some_and(|f| f != offset) {
            return None;
        }
        first = Some(offset);
    }
    first.map(|s| i64::from(s) * 1000)
}

/// The zone's fixed offset ([`fixed_offset_ms`]) for instants from `lo` to
/// `hi` (UTC epoch ms), when they all lie in the supported years, the only
/// ones the offset was checked over. `lo > hi`: no instants, any years.
pub fn fixed_offset_for(tz: chrono_tz::Tz, lo: i64, hi: i64) -> Option<i64> {
    let supported = lo > hi || (SUPPORTED_MS.0 <= lo && hi < SUPPORTED_MS.1);
    fixed_offset_ms(tz).filter(|_| supported)
}

/// The calendar over a range of local days.
pub struct BusinessCalendar {
    frame: DataFrame,
    /// The most opening intervals any weekday has.
    slots: usize,
    tz: Tz,
    /// The zone's offset, when it never changes ([`fixed_offset_ms`]).
    fixed: Option<i64>,
}

impl BusinessCalendar {
    /// Builds the calendar covering the local days of `[from_ms, to_ms]` (UTC epoch ms), padded.
    pub fn build(cal: &config::Calendar, from_ms: i64, to_ms: i64) -> Result<Self> {
        let tz = cal.time_zone.0;
        let local_day = |ms: i64| {
            tz.timestamp_millis_opt(ms)
                .single()
                .map(|t| t.date_naive())
                .unwrap_or(NaiveDate::MIN)
        };
        let first = local_day(from_ms) - ChronoDuration::days(2);
        let last = local_day(to_ms) + ChronoDuration::days(60);
        let week = cal.hours.by_weekday();
        let slots = week.iter().map(|d| d.0.len()).max().unwrap_or(0).max(1);
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date");

        let mut days = Vec::new();
        let mut cum = Vec::new();
        let mut lens = Vec::new();
        let mut opens = vec![Vec::new(); slots];
        let mut closes = vec![Vec::new(); slots];
        let mut total = 0i64;
        // One row per calendar day (a few thousand rows), not per data row.
        let mut day = first;
        while day <= last {
            let hours = if cal.holidays.contains(&day) {
                &[][..]
            } else {
                &week[day.weekday().num_days_from_monday() as usize].0[..]
            };
            let mut len = 0i64;
            for k in 0..slots {
                let (o, c) = hours.get(k).map_or((0, 0), |(o, c)| {
                    (i64::from(*o) * 60_000, i64::from(*c) * 60_000)
                });
                opens[k].push(o);
                closes[k].push(c);
                len += c - o;
            }
            days.push((day - epoch).num_days() as i32);
            cum.push(total);
            lens.push(len);
            total += len;
            day += ChronoDuration::days(1);
        }
        let mut columns = vec![
            Column::new(DAY.into(), days),
            Column::new(CUM.into(), cum),
            Column::new(LEN.into(), lens),
        ];
        for k in 0..slots {
            columns.push(Column::new(
                open_col(k).into(),
                std::mem::take(&mut opens[k]),
            ));
            columns.push(Column::new(
                close_col(k).into(),
                std::mem::take(&mut closes[k]),
            ));
        }
        let frame = DataFrame::new_infer_height(columns)
            .map_err(HandoffError::engine("building the calendar"))?;
        Ok(Self {
            frame,
            slots,
            tz,
            fixed: fixed_offset_for(tz, from_ms, to_ms),
        })
    }

    /// Local wall-clock epoch ms of a UTC epoch-ms expression.
    pub fn wall(&self, utc: Expr) -> Expr {
        if let Some(offset) = self.fixed {
            return utc + lit(offset);
        }
        utc.cast(DataType::Datetime(
            TimeUnit::Milliseconds,
            Some(TimeZone::UTC),
        ))
        .dt()
        .convert_time_zone(TimeZone::from_chrono(&self.tz))
        .dt()
        .replace_time_zone(None, lit("raise"), NonExistent::Raise)
        .cast(DataType::Int64)
    }

    /// UTC epoch ms of a local wall-clock epoch-ms expression (the earlier of a repeated hour).
    pub fn from_wall(&self, wall: Expr) -> Expr {
        if let Some(offset) = self.fixed {
            return wall - lit(offset);
        }
        wall.cast(DataType::Datetime(TimeUnit::Milliseconds, None))
            .dt()
            .replace_time_zone(
                Some(TimeZone::from_chrono(&self.tz)),
                lit("earliest"),
                NonExistent::Null,
            )
            .cast(DataType::Int64)
    }

    fn with_day(&self, lf: LazyFrame, at: &str, prefix: &str) -> LazyFrame {
        let wall = format!("{prefix}_wall");
        let day = format!("{prefix}_day");
        let lf = lf.with_columns([self.wall(col(at)).alias(wall.as_str())]);
        lf.with_columns([(col(wall.as_str()) / lit(MS_PER_DAY))
            .cast(DataType::Int32)
            .alias(day.as_str())])
            .join(
                self.frame.clone().lazy(),
                [col(day.as_str())],
                [col(DAY)],
                JoinArgs::new(JoinType::Left).with_coalesce(JoinCoalesce::CoalesceColumns),
            )
    }

    fn calendar_columns(&self) -> Vec<String> {
        let mut v = vec![CUM.to_string(), LEN.to_string()];
        for k in 0..self.slots {
            v.push(open_col(k));
            v.push(close_col(k));
        }
        v
    }

    /// Adds `out`: business ms elapsed at instant `at` since the calendar's start,
    /// and `open_out` (when given): whether the business is open at `at`.
    pub fn with_business_ms(
        &self,
        lf: LazyFrame,
        at: &str,
        out: &str,
        open_out: Option<&str>,
    ) -> LazyFrame {
        let prefix = format!("_b_{at}");
        let wall = format!("{prefix}_wall");
        let day = format!("{prefix}_day");
        let lf = self.with_day(lf, at, &prefix);
        let ms_of_day =
            col(wall.as_str()) - col(day.as_str()).cast(DataType::Int64) * lit(MS_PER_DAY);
        let mut within = lit(0i64);
        let mut open = lit(false);
        for k in 0..self.slots {
            let (o, c) = (col(open_col(k)), col(close_col(k)));
            within =
                within + (ms_of_day.clone() - o.clone()).clip(lit(0i64), c.clone() - o.clone());
            open = open.or(ms_of_day
                .clone()
                .gt_eq(o.clone())
                .and(ms_of_day.clone().lt(c))
                .and(o.clone().lt(col(close_col(k)))));
        }
        let mut exprs = vec![(col(CUM) + within).alias(out)];
        if let Some(name) = open_out {
            exprs.push(
                when(col(at).is_null())
                    .then(lit(NULL).cast(DataType::Boolean))
                    .otherwise(open)
                    .alias(name),
            );
        }
        let mut drop: Vec<String> = self.calendar_columns();
        drop.push(wall);
        drop.push(day);
        lf.with_columns(exprs).drop(cols(drop))
    }

    /// Adds `out`: the instant (UTC ms) at which business time reaches `target` ms.
    /// When exactly a day's worth is used up, that is the day's closing time.
    /// With `end_of_day`, `out` is instead the closing time of that business day.
    /// Rows are matched back by a row index, so any frame works.
    ///
    /// The day is found as an as-of lookup done by sorting: targets and open
    /// days go into one column, sorted with a day after a target of equal
    /// value (a target needs a day that started strictly before it), and each
    /// target takes the day last seen before it (a forward fill).
    pub fn with_instant_at(
        &self,
        lf: LazyFrame,
        target: &str,
        out: &str,
        end_of_day: bool,
    ) -> LazyFrame {
        const KEY: &str = "_cal_row";
        const VALUE: &str = "_cal_value";
        let lf = lf.with_row_index(KEY, None);
        const ORDER: &str = "_cal_order";
        let day_columns: Vec<String> = [DAY.to_string()]
            .into_iter()
            .chain(self.calendar_columns())
            .collect();
        let mut target_cols = vec![col(KEY), col(target).alias(VALUE), lit(0i32).alias(ORDER)];
        let mut day_cols = vec![
            lit(NULL).cast(IDX_DTYPE).alias(KEY),
            col(CUM).alias(VALUE),
            lit(1i32).alias(ORDER),
        ];
        for name in &day_columns {
            let dtype = if name == DAY {
                DataType::Int32
            } else {
                DataType::Int64
            };
            target_cols.push(lit(NULL).cast(dtype).alias(name.as_str()));
            day_cols.push(col(name.as_str()));
        }
        let targets = lf
            .clone()
            .filter(col(target).is_not_null())
            .select(target_cols);
        let days = self
            .frame
            .clone()
            .lazy()
            .filter(col(LEN).gt(lit(0i64)))
            .select(day_cols);
        let fill: Vec<Expr> = day_columns
            .iter()
            .map(|n| col(n.as_str()).fill_null_with_strategy(FillNullStrategy::Forward(None)))
            .collect();
        let found = concat([targets, days], UnionArgs::default())
            .expect("both sides have the same columns")
            .sort(
                [VALUE, ORDER],
                SortMultipleOptions::default().with_maintain_order(true),
            )
            .with_columns(fill)
            .filter(col(ORDER).eq(lit(0i32)))
            .rename([VALUE], [target], true);
        let r = col(target) - col(CUM);
        let mut ms_of_day = lit(NULL).cast(DataType::Int64);
        let mut last_close = lit(NULL).cast(DataType::Int64);
        // Walk the slots from the last, so the first slot that holds r wins.
        let mut prefix_before: Vec<Expr> = Vec::with_capacity(self.slots);
        let mut acc = lit(0i64);
        for k in 0..self.slots {
            prefix_before.push(acc.clone());
            acc = acc + (col(close_col(k)) - col(open_col(k)));
        }
        for k in (0..self.slots).rev() {
            let len = col(close_col(k)) - col(open_col(k));
            let holds = len
                .clone()
                .gt(lit(0i64))
                .and(r.clone().lt_eq(prefix_before[k].clone() + len.clone()));
            ms_of_day = when(holds)
                .then(col(open_col(k)) + r.clone() - prefix_before[k].clone())
                .otherwise(ms_of_day);
            last_close = when(last_close.clone().is_null().and(len.gt(lit(0i64))))
                .then(col(close_col(k)))
                .otherwise(last_close);
        }
        let local = if end_of_day { last_close } else { ms_of_day };
        let wall = col(DAY).cast(DataType::Int64) * lit(MS_PER_DAY) + local;
        let found = found.select([col(KEY), self.from_wall(wall).alias(out)]);
        lf.join(
            found,
            [col(KEY)],
            [col(KEY)],
            JoinArgs::new(JoinType::Left).with_coalesce(JoinCoalesce::CoalesceColumns),
        )
        .drop(cols([KEY]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn ms(tz: Tz, y: i32, mo: u32, d: u32, h: u32, mi: u32) -> i64 {
        tz.with_ymd_and_hms(y, mo, d, h, mi, 0)
            .earliest()
            .unwrap()
            .timestamp_millis()
    }

    /// Business minutes between pairs of local times, and due times N minutes on.
    fn business(
        config: &Config,
        pairs: &[(i64, i64)],
        n_min: i64,
    ) -> (Vec<f64>, Vec<i64>, Vec<bool>) {
        let from = pairs.iter().map(|p| p.0.min(p.1)).min().unwrap();
        let to = pairs.iter().map(|p| p.0.max(p.1)).max().unwrap();
        let cal = BusinessCalendar::build(&config.calendar, from, to).unwrap();
        let ids: Vec<i64> = (0..pairs.len() as i64).collect();
        let a: Vec<i64> = pairs.iter().map(|p| p.0).collect();
        let b: Vec<i64> = pairs.iter().map(|p| p.1).collect();
        let df = df!["id" => ids, "a" => a, "b" => b].unwrap();
        let lf = cal.with_business_ms(df.lazy(), "a", "ba", Some("open_a"));
        let lf = cal.with_business_ms(lf, "b", "bb", None);
        let lf = lf.with_columns([(col("ba") + lit(n_min * 60_000)).alias("target")]);
        let lf = cal.with_instant_at(lf, "target", "due", false);
        let out = lf
            .sort(["id"], Default::default())
            .select([
                ((col("bb") - col("ba")).cast(DataType::Float64) / lit(60_000.0)).alias("minutes"),
                col("due"),
                col("open_a"),
            ])
            .collect()
            .unwrap();
        let minutes = out
            .column("minutes")
            .unwrap()
            .f64()
            .unwrap()
            .into_no_null_iter()
            .collect();
        let due = out
            .column("due")
            .unwrap()
            .i64()
            .unwrap()
            .into_no_null_iter()
            .collect();
        let open = out
            .column("open_a")
            .unwrap()
            .bool()
            .unwrap()
            .iter()
            .map(|v| v.unwrap())
            .collect();
        (minutes, due, open)
    }

    fn config(tz: &str, extra: &str) -> Config {
        Config::from_toml(&format!(
            "[calendar]\ntime_zone = \"{tz}\"\n{extra}\n[calendar.hours]\nmon = \"09:00-18:00\"\ntue = \"09:00-18:00\"\nwed = \"09:00-18:00\"\nthu = \"09:00-18:00\"\nfri = \"09:00-18:00\"\nsat = \"closed\"\nsun = \"closed\"\n"
        ))
        .unwrap()
    }

    #[test]
    fn business_minutes_across_night_weekend_and_holiday() {
        let tz = chrono_tz::Asia::Kolkata;
        // 2026-11-13 is a Friday; 2026-11-16 (Monday) is declared a holiday.
        let c = config("Asia/Kolkata", "holidays = [\"2026-11-16\"]");
        let pairs = [
            // Thursday 17:50 -> Friday 09:10: 10 + 10 = 20 minutes across the night.
            (ms(tz, 2026, 11, 12, 17, 50), ms(tz, 2026, 11, 13, 9, 10)),
            // Friday 17:30 -> Tuesday 09:30: 30 (Fri) + holiday Monday 0 + 30 (Tue).
            (ms(tz, 2026, 11, 13, 17, 30), ms(tz, 2026, 11, 17, 9, 30)),
            // Saturday 11:00 (after hours) -> Tuesday 09:05: 5 minutes.
            (ms(tz, 2026, 11, 14, 11, 0), ms(tz, 2026, 11, 17, 9, 5)),
            // Within hours: Tuesday 10:00 -> 10:04.
            (ms(tz, 2026, 11, 17, 10, 0), ms(tz, 2026, 11, 17, 10, 4)),
        ];
        let (minutes, due, open) = business(&c, &pairs, 15);
        assert_eq!(minutes, vec![20.0, 60.0, 5.0, 4.0]);
        // Due 15 business minutes on: Fri 09:05; Tue 09:00+... (Fri 17:30 + 15 = 17:45 Fri);
        // Saturday -> Tue 09:15; Tue 10:00 -> 10:15.
        assert_eq!(
            due,
            vec![
                ms(tz, 2026, 11, 13, 9, 5),
                ms(tz, 2026, 11, 13, 17, 45),
                ms(tz, 2026, 11, 17, 9, 15),
                ms(tz, 2026, 11, 17, 10, 15)
            ]
        );
        assert_eq!(open, vec![true, true, false, true]);
    }

    #[test]
    fn due_at_exact_close_is_that_close() {
        let tz = chrono_tz::Asia::Kolkata;
        let c = config("Asia/Kolkata", "");
        // Friday 17:45 + 15 business minutes ends exactly at 18:00 Friday.
        let pairs = [(ms(tz, 2026, 11, 13, 17, 45), ms(tz, 2026, 11, 13, 17, 45))];
        let (_, due, _) = business(&c, &pairs, 15);
        assert_eq!(due, vec![ms(tz, 2026, 11, 13, 18, 0)]);
        // Exactly at closing time is after hours (half-open).
        let pairs = [(ms(tz, 2026, 11, 13, 18, 0), ms(tz, 2026, 11, 16, 9, 0))];
        let (minutes, due, open) = business(&c, &pairs, 15);
        assert_eq!(minutes, vec![0.0]);
        assert_eq!(open, vec![false]);
        assert_eq!(due, vec![ms(tz, 2026, 11, 16, 9, 15)]);
    }

    #[test]
    fn business_minutes_across_a_dst_change() {
        let tz = chrono_tz::America::New_York;
        let c = config("America/New_York", "");
        // US clocks go back on Sunday 2026-11-01. Friday 17:00 EDT -> Monday 10:00 EST:
        // 60 + 60 business minutes, though 65 wall-clock hours passed.
        let pairs = [
            (ms(tz, 2026, 10, 30, 17, 0), ms(tz, 2026, 11, 2, 10, 0)),
            // Spring forward, Sunday 2026-03-08: Friday 17:30 EST -> Monday 09:30 EDT.
            (ms(tz, 2026, 3, 6, 17, 30), ms(tz, 2026, 3, 9, 9, 30)),
        ];
        let (minutes, due, _) = business(&c, &pairs, 90);
        assert_eq!(minutes, vec![120.0, 60.0]);
        assert_eq!(
            due,
            vec![ms(tz, 2026, 11, 2, 9, 30), ms(tz, 2026, 3, 9, 10, 0)]
        );
        let wall = (ms(tz, 2026, 11, 2, 10, 0) - ms(tz, 2026, 10, 30, 17, 0)) / 60_000;
        assert_eq!(wall, 65 * 60 + 60);
    }

    #[test]
    fn split_days_walk_their_intervals() {
        let tz = chrono_tz::Asia::Kolkata;
        let c = Config::from_toml(
            "[calendar.hours]\nmon = \"09:00-13:00,14:00-18:00\"\ntue = \"09:00-13:00,14:00-18:00\"\nwed = \"closed\"\nthu = \"closed\"\nfri = \"closed\"\nsat = \"closed\"\nsun = \"closed\"\n",
        )
        .unwrap();
        // Monday 12:50 + 30 business minutes: 10 before lunch, 20 after -> 14:20.
        let pairs = [(ms(tz, 2026, 11, 16, 12, 50), ms(tz, 2026, 11, 16, 14, 20))];
        let (minutes, due, _) = business(&c, &pairs, 30);
        assert_eq!(minutes, vec![30.0]);
        assert_eq!(due, vec![ms(tz, 2026, 11, 16, 14, 20)]);
    }

    #[test]
    fn fixed_offsets_only_for_zones_without_clock_changes() {
        assert_eq!(fixed_offset_ms(chrono_tz::Asia::Kolkata), Some(19_800_000));
        assert_eq!(fixed_offset_ms(chrono_tz::UTC), Some(0));
        assert_eq!(fixed_offset_ms(chrono_tz::America::New_York), None);
        // Moscow moved its clocks in 2011 and 2014: not fixed over 1990-2099.
        assert_eq!(fixed_offset_ms(chrono_tz::Europe::Moscow), None);
    }
}

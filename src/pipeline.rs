//! The `ledger` pipeline: load every input, join, run the clocks, and hand
//! the frames to the output layer.

use std::path::{Path, PathBuf};

use polars::prelude::*;
use serde::Serialize;

use crate::clocks;
use crate::config::Config;
use crate::coverage::Coverage;
use crate::error::{HandoffError, Result};
use crate::join::{self, JoinCounts, Sources};
use crate::load::{self, FileStats, Loaded};
use crate::metrics::{self, Metrics};
use crate::model::{self, Input};
use crate::period::{Period, PeriodSpec};
use crate::report;

/// The input files of one run.
#[derive(Debug, Clone, Default)]
pub struct InputFiles {
    pub leads: PathBuf,
    pub deals: Option<PathBuf>,
    pub forms: Option<PathBuf>,
    pub calls: Option<PathBuf>,
    pub spend: Option<PathBuf>,
    pub history: Option<PathBuf>,
}

impl InputFiles {
    fn each(&self) -> Vec<(Input, &Path)> {
        let mut v = vec![(Input::Leads, self.leads.as_path())];
        for (input, path) in [
            (Input::Deals, &self.deals),
            (Input::Forms, &self.forms),
            (Input::Calls, &self.calls),
            (Input::Spend, &self.spend),
            (Input::History, &self.history),
        ] {
            if let Some(p) = path {
                v.push((input, p.as_path()));
            }
        }
        v
    }
}

/// Everything a run needs, validated before any data is read.
pub struct LedgerJob {
    pub files: InputFiles,
    pub config: Config,
    /// The snapshot time (UTC epoch ms); `None`: the latest record time in the inputs.
    pub as_of: Option<i64>,
    /// The report period (`scorecard`); `None` for the ledger alone.
    pub period: Option<PeriodSpec>,
    pub encoding: Option<String>,
    /// Presets named with --preset, by the input they read.
    pub presets: std::collections::BTreeMap<Input, &'static crate::load::presets::Preset>,
    /// The workbook sheet to read (--sheet).
    pub sheet: Option<String>,
    pub out: PathBuf,
    /// Mask names, phones and emails in every output.
    pub mask_pii: bool,
    /// Write every lead to ledger.csv; otherwise a scorecard writes the
    /// period's leads and the leads of its action lists.
    pub full_ledger: bool,
    /// The parsed-input cache (`None`: --no-cache).
    pub cache: Option<crate::cache::Cache>,
}

/// The frames a run produced, before anything is written.
pub struct Ledger {
    pub ledger: DataFrame,
    pub orphans: DataFrame,
    pub rejects: DataFrame,
    pub spend: Option<DataFrame>,
    pub files: Vec<FileStats>,
    pub counts: JoinCounts,
    /// What the inputs can measure.
    pub coverage: Coverage,
    pub as_of: i64,
    pub as_of_source: &'static str,
    pub period: Option<Period>,
}

/// What a run wrote, for the terminal summary.
#[derive(Debug, Serialize)]
pub struct Written {
    pub paths: Vec<PathBuf>,
}

/// Wall time, CPU time and peak memory of each stage, for `--timings` and the benchmark.
#[derive(Debug)]
pub struct Timings {
    /// Announce each stage on stderr as it ends (a terminal is watching).
    progress: bool,
    last: std::time::Instant,
    last_cpu: Option<f64>,
    pub stages: Vec<StageTime>,
}

/// One line of `--timings`.
#[derive(Debug, Clone)]
pub struct StageTime {
    pub name: String,
    pub secs: f64,
    /// CPU seconds (user and system, all threads) the process used in the
    /// stage: twice `secs` when both cores of a 2-core machine were busy.
    /// Not known for a part, which shares the process with the other parts.
    pub cpu_secs: Option<f64>,
    /// Peak resident memory of the process when the stage ended, in MiB.
    pub peak_mib: Option<f64>,
    /// Ran alongside other parts of the stage that follows it (files loaded
    /// two at a time): shown indented, and not added to the total.
    pub part: bool,
}

impl Timings {
    /// Starts the clock; with `progress`, each stage is announced on stderr as it ends.
    pub fn begin(progress: bool) -> Self {
        Self {
            progress,
            last: std::time::Instant::now(),
            last_cpu: process_cpu_secs(),
            stages: Vec::new(),
        }
    }

    /// Records the stage that just ended.
    pub fn mark(&mut self, stage: impl Into<String>) {
        let now = std::time::Instant::now();
        let secs = (now - self.last).as_secs_f64();
        if self.progress {
            crate::format::to_stderr(&format!(" {secs:.1} s\n"));
        }
        let cpu = process_cpu_secs();
        self.stages.push(StageTime {
            name: stage.into(),
            secs,
            cpu_secs: cpu.zip(self.last_cpu).map(|(now, before)| now - before),
            peak_mib: peak_rss_mib(),
            part: false,
        });
        self.last = now;
        self.last_cpu = cpu;
    }

    /// Records a part of the running stage that took `secs` of its own.
    fn part(&mut self, name: impl Into<String>, secs: f64, peak_mib: Option<f64>) {
        self.stages.push(StageTime {
            name: name.into(),
            secs,
            cpu_secs: None,
            peak_mib,
            part: true,
        });
    }

    /// Announces the stage about to run (on a terminal).
    pub fn starting(&self, what: &str) {
        if self.progress {
            crate::format::to_stderr(&format!("{what} ..."));
        }
    }

    /// One line per stage: seconds, CPU seconds and the process's peak
    /// resident memory so far.
    pub fn report(&self) -> String {
        let stages = || self.stages.iter().filter(|s| !s.part);
        let total: f64 = stages().map(|s| s.secs).sum();
        let total_cpu: Option<f64> = stages().map(|s| s.cpu_secs).sum();
        let or_blank = |v: Option<f64>| v.map_or(String::new(), |v| format!("{v:.2}"));
        let mut out = String::from("stage                 seconds    cpu s   peak MiB\n");
        for s in &self.stages {
            let peak = s.peak_mib.map_or("n/a".to_string(), |p| format!("{p:.0}"));
            let name = if s.part {
                format!("  {}", s.name)
            } else {
                s.name.clone()
            };
            out.push_str(&format!(
                "{name:<20} {:>8.2} {:>8} {peak:>10}\n",
                s.secs,
                or_blank(s.cpu_secs)
            ));
        }
        out.push_str(&format!(
            "{:<20} {total:>8.2} {:>8}\n",
            "total",
            or_blank(total_cpu)
        ));
        out
    }
}

/// Runs `f`; returns its result, its wall time in seconds and the process's
/// peak memory after it.
fn timed<T>(f: impl FnOnce() -> T) -> (T, f64, Option<f64>) {
    let started = std::time::Instant::now();
    let result = f();
    (result, started.elapsed().as_secs_f64(), peak_rss_mib())
}

/// CPU seconds this process has used, user and system, all threads (Linux
/// `/proc/self/stat`, whose clock ticks are 1/100 s on every Linux platform).
fn process_cpu_secs() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i)?.parse::<f64>().ok();
    // utime and stime: fields 14 and 15 of the line, 11 and 12 counted from 0 after the name.
    Some((ticks(11)? + ticks(12)?) / 100.0)
}

/// Peak resident set size of this process (Linux `VmHWM`), in MiB.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// Loads, joins and computes the ledger; writes nothing.
pub fn build(job: &LedgerJob, timings: &mut Timings) -> Result<Ledger> {
    let mut loaded = load_all(job, timings)?;
    let files: Vec<FileStats> = loaded.iter().map(|l| l.stats.clone()).collect();
    let facts: Vec<_> = loaded
        .iter()
        .flat_map(|l| crate::coverage::facts(l.input, &l.frame, &l.stats))
        .collect();
    let coverage = Coverage::judge(&facts, job.config.leakage.average_deal.is_some());
    let rejects = all_rejects(&loaded)?;
    let tz = job.config.calendar.time_zone.0;
    let (as_of, as_of_source, period) = match (&job.period, job.as_of) {
        (None, Some(t)) => (t, "given", None),
        (None, None) => (latest_record(&loaded)?, "latest record in the inputs", None),
        // With only --as-of, the period is the week that holds the moment just before it.
        (Some(PeriodSpec::Latest), Some(t)) => (t, "given", Some(Period::week_of(t - 1, tz))),
        (Some(spec), given) => {
            let latest = match spec {
                PeriodSpec::Latest => latest_record(&loaded)?,
                _ => 0,
            };
            let period = Period::resolve(spec, latest, tz).ok_or_else(|| {
                HandoffError::Usage("the report period does not exist in the calendar".into())
            })?;
            match given {
                Some(t) => (t, "given", Some(period)),
                None => (period.end, "end of the period", Some(period)),
            }
        }
    };
    let mut take = |input: Input| {
        loaded
            .iter()
            .position(|l| l.input == input)
            .map(|i| loaded.swap_remove(i).frame)
    };
    let leads = take(Input::Leads).expect("leads are always loaded");
    let sources = Sources {
        leads,
        deals: take(Input::Deals),
        forms: take(Input::Forms),
        calls: take(Input::Calls),
        history: take(Input::History),
    };
    let spend = take(Input::Spend);
    timings.starting("matching forms, calls and deals to leads");
    let joined = join::join(sources, as_of, &job.config)?;
    timings.mark("join");
    timings.starting("computing response times and SLA");
    let ledger = clocks::ledger(joined.leads, as_of, &job.config, &coverage)?;
    // Every frame is masked once, here, before any figure or output is made
    // from it: metrics.json, the scorecard and every CSV show only masked
    // names, phones and emails.
    let mask = |df: DataFrame| {
        if job.mask_pii {
            report::csv::mask_pii(&df)
        } else {
            Ok(df)
        }
    };
    let (ledger, orphans, rejects) = (mask(ledger)?, mask(joined.orphans)?, mask(rejects)?);
    timings.mark("clocks");
    Ok(Ledger {
        ledger,
        orphans,
        rejects,
        spend,
        files,
        counts: joined.counts,
        coverage,
        as_of,
        as_of_source,
        period,
    })
}

/// Streams `df` as CSV into a staged temporary for `path`, `times` as local
/// instants (the frames were masked in [`build`] when the job asks for it).
fn stage_csv(
    path: &Path,
    df: &DataFrame,
    times: &[&str],
    job: &LedgerJob,
) -> Result<report::Staged> {
    let mut frame = report::csv::prepare(df, times, job.config.calendar.time_zone.0)?;
    report::stage_with(path, |w| report::csv::write(&mut frame, w))
}

/// How many files are read at once: the loader's own steps use the cores
/// unevenly (reading text, one column's parser), so two files side by side
/// keep both cores of a small machine busy.
const LOADING_AT_ONCE: usize = 2;

/// Loads every input, [`LOADING_AT_ONCE`] files at a time, largest first.
/// Every file is read even when one fails, and the first failure in input
/// order (leads, deals, forms, calls, spend, history) is the one reported, so the
/// error does not depend on which thread finished first.
fn load_all(job: &LedgerJob, timings: &mut Timings) -> Result<Vec<Loaded>> {
    let files = job.files.each();
    let mut queue: Vec<usize> = (0..files.len()).collect();
    // Popped from the end: smallest first in the vector, ties in reverse input order.
    let size = |i: usize| std::fs::metadata(files[i].1).map_or(0, |m| m.len());
    queue.sort_by_key(|&i| (size(i), std::cmp::Reverse(i)));
    let queue = std::sync::Mutex::new(queue);
    type Done = (usize, Result<(Loaded, bool)>, f64, Option<f64>);
    let done: std::sync::Mutex<Vec<Done>> = std::sync::Mutex::new(Vec::new());
    let names: Vec<&str> = files.iter().map(|(input, _)| input.name()).collect();
    timings.starting(&format!(
        "reading {} ({} at a time)",
        names.join(", "),
        LOADING_AT_ONCE
    ));
    let load_one = |i: usize| {
        let (input, path) = files[i];
        let opts = load::ReadOptions {
            encoding: job.encoding.clone(),
            preset: job.presets.get(&input).copied(),
            sheet: job.sheet.clone(),
            chunk_bytes: None,
            keep: match input {
                Input::Calls => Some(join::CALLS_KEPT),
                Input::Forms => Some(join::FORMS_KEPT),
                _ => None,
            },
        };
        let (result, secs, peak) = timed(|| match &job.cache {
            Some(cache) => cache.load(input, path, &job.config, &opts),
            None => load::load(input, path, &job.config, &opts).map(|l| (l, false)),
        });
        (i, result, secs, peak)
    };
    std::thread::scope(|scope| {
        // The numbering plans load beside the first reads, not inside them.
        scope.spawn(|| crate::phone::warm_up(&job.config.business.phone_country));
        for _ in 0..LOADING_AT_ONCE.min(files.len()) {
            scope.spawn(|| {
                // A poisoned lock means another loader panicked; the scope re-raises it.
                // (The guard is dropped inside `and_then`, before the file is read.)
                while let Some(i) = queue.lock().ok().and_then(|mut q| q.pop()) {
                    let one = load_one(i);
                    if let Ok(mut d) = done.lock() {
                        d.push(one);
                    }
                }
            });
        }
    });
    let mut done = done.into_inner().unwrap_or_default();
    done.sort_by_key(|d| d.0);
    let mut loaded = Vec::new();
    for (i, result, secs, peak) in done {
        let (one, cached) = result?;
        let from = if cached { " (cache)" } else { "" };
        timings.part(format!("load {}{from}", files[i].0.name()), secs, peak);
        loaded.push(one);
    }
    timings.mark("load (all files)");
    Ok(loaded)
}

/// The leads a scorecard's ledger.csv holds: the period's, and every lead
/// on an action list (the stale proposals are of any week).
fn reported_leads(ledger: &Ledger, job: &LedgerJob) -> Result<Option<DataFrame>> {
    let Some(period) = ledger.period.as_ref().filter(|_| !job.full_ledger) else {
        return Ok(None);
    };
    let in_period = col(model::CAPTURED_AT)
        .gt_eq(lit(period.start))
        .and(col(model::CAPTURED_AT).lt(lit(period.end)));
    let stale = metrics::pipeline::stale(ledger.as_of, job.config.pipeline.stale_after.as_ms());
    ledger
        .ledger
        .clone()
        .lazy()
        .filter(in_period.or(stale))
        .collect()
        .map(Some)
        .map_err(HandoffError::engine("selecting the reported leads"))
}

/// Stages `ledger.csv`, `orphans.csv` and `rejects.csv` in the output folder.
fn stage_ledger(ledger: &Ledger, job: &LedgerJob) -> Result<Vec<report::Staged>> {
    let dir = report::ensure_dir(&job.out)?;
    let times = clocks::time_columns();
    let reported = reported_leads(ledger, job)?;
    let outputs: [(&str, &DataFrame, &[&str]); 3] = [
        (
            "ledger.csv",
            reported.as_ref().unwrap_or(&ledger.ledger),
            &times,
        ),
        ("orphans.csv", &ledger.orphans, &["at"]),
        ("rejects.csv", &ledger.rejects, &[]),
    ];
    outputs
        .into_iter()
        .map(|(name, df, times)| stage_csv(&dir.join(name), df, times, job))
        .collect()
}

/// Puts staged outputs in place, all or none.
fn commit(staged: Vec<report::Staged>) -> Result<Written> {
    Ok(Written {
        paths: report::commit_all(staged)?,
    })
}

/// Writes `ledger.csv`, `orphans.csv` and `rejects.csv` into the output folder:
/// each is written in full before any is put in place.
pub fn write(ledger: &Ledger, job: &LedgerJob) -> Result<Written> {
    commit(stage_ledger(ledger, job)?)
}

fn all_rejects(loaded: &[Loaded]) -> Result<DataFrame> {
    let parts: Vec<LazyFrame> = loaded.iter().map(|l| l.rejects.clone().lazy()).collect();
    if parts.is_empty() {
        return Ok(load::empty_rejects());
    }
    concat(parts, UnionArgs::default())
        .and_then(|lf| lf.collect())
        .map_err(HandoffError::engine("collecting rejected rows"))
}

/// The latest record time in the inputs: roughly when the exports were taken.
fn latest_record(loaded: &[Loaded]) -> Result<i64> {
    let mut latest: Option<i64> = None;
    for l in loaded {
        let columns: &[&str] = match l.input {
            Input::Leads => &[model::CREATED_AT, model::UPDATED_AT],
            Input::Forms => &[model::SUBMITTED_AT],
            Input::Calls => &[model::STARTED_AT],
            Input::History => &[model::ENTERED_AT],
            Input::Deals | Input::Spend => &[],
        };
        for c in columns {
            let max = l
                .frame
                .column(c)
                .ok()
                .and_then(|s| s.as_materialized_series().max::<i64>().ok().flatten());
            latest = latest.max(max);
        }
    }
    latest.ok_or_else(|| {
        let leads = loaded.iter().find(|l| l.input == Input::Leads);
        let (file, read, rejected) = leads.map_or((String::from("leads"), 0, 0), |l| {
            (l.stats.file.clone(), l.stats.rows_read, l.stats.rows_rejected)
        });
        HandoffError::Input {
            file,
            message: format!(
                "no usable lead rows ({read} read, {rejected} unreadable), so there is no latest record to take as the as-of time. \
                 Check that this is the leads export, or pass --as-of to write an empty ledger and rejects.csv"
            ),
        }
    })
}

/// Rejected rows by reason, most first (then by reason).
fn rejected_by_reason(rejects: &DataFrame) -> Result<Vec<(String, u64)>> {
    let df = rejects
        .clone()
        .lazy()
        .group_by([col("reason")])
        .agg([len().cast(DataType::UInt64).alias("n")])
        .sort(
            ["n", "reason"],
            SortMultipleOptions::default().with_order_descending_multi([true, false]),
        )
        .collect()
        .map_err(HandoffError::engine("counting rejected rows"))?;
    (0..df.height())
        .map(|i| {
            Ok((
                metrics::stats::str_at(&df, "reason", i)?.unwrap_or_default(),
                metrics::stats::u64_at(&df, "n", i)?.unwrap_or(0),
            ))
        })
        .collect()
}

/// Computes `metrics.json`'s figures for a built ledger with a period.
pub fn scorecard(ledger: &Ledger, job: &LedgerJob) -> Result<Metrics> {
    let period = ledger
        .period
        .as_ref()
        .expect("a scorecard job always resolves a period");
    let ctx = metrics::Ctx {
        ledger: &ledger.ledger,
        period,
        as_of: ledger.as_of,
        config: &job.config,
        coverage: &ledger.coverage,
    };
    metrics::compute(
        &ctx,
        ledger.files.clone(),
        ledger.counts.clone(),
        rejected_by_reason(&ledger.rejects)?,
        &ledger.orphans,
        ledger.spend.as_ref(),
    )
}

/// The action lists: each a subset of the period's cohort, with the columns an owner needs.
pub const ACTION_LISTS: [&str; 7] = [
    "sla_breaches.csv",
    "never_touched.csv",
    "waiting.csv",
    "under_worked.csv",
    "lost_without_reason.csv",
    "returns_without_reason.csv",
    "pipeline_at_risk.csv",
];

const ACTION_COLUMNS: [&str; 23] = [
    model::LEAD_ID,
    model::NAME,
    model::PHONE,
    model::EMAIL,
    model::OWNER,
    model::FT_SOURCE,
    model::FT_CAMPAIGN,
    model::INTENT,
    model::CAPTURED_AT,
    model::SLA_DUE_AT,
    model::FIRST_TOUCH_AT,
    model::SLA_STATUS,
    model::SLA_DELAY_MIN,
    model::ESCALATED,
    model::REASSIGN,
    model::ATTEMPTS,
    model::STATUS_FINAL,
    model::LOST_REASON,
    model::LOST_CATEGORY,
    model::RETURN_REASON,
    model::PROPOSAL_AT,
    model::DEAL_VALUE,
    model::NEXT_ACTION_AT,
];

fn action_list(name: &str, cohort: LazyFrame, ledger: &Ledger, job: &LedgerJob) -> LazyFrame {
    use crate::model::*;
    let rows = match name {
        "sla_breaches.csv" => return metrics::sla::breach_frame(cohort),
        "pipeline_at_risk.csv" => {
            let stale = job.config.pipeline.stale_after.as_ms();
            return metrics::pipeline::stale_frame(
                ledger.ledger.clone().lazy(),
                ledger.as_of,
                stale,
            );
        }
        "never_touched.csv" => clocks::untouched_past_due(),
        "waiting.csv" => {
            return cohort
                .filter(clocks::waiting())
                .sort([SLA_DUE_AT, LEAD_ID], SortMultipleOptions::default());
        }
        "under_worked.csv" => col(UNDER_WORKED).fill_null(lit(false)),
        "lost_without_reason.csv" => {
            col(IS_LOST).and(col(LOST_CATEGORY).eq(lit(crate::lost::MISSING_REASON)))
        }
        _ => col(STATUS_FINAL)
            .eq(lit("returned"))
            .and(col(RETURN_REASON).is_null()),
    };
    cohort
        .filter(rows)
        .sort([CAPTURED_AT, LEAD_ID], SortMultipleOptions::default())
}

/// Computes `metrics.json`'s figures and writes every scorecard output: the
/// ledger files are written on a second thread (the 1M-lead ledger alone is
/// 650 MB of CSV) while the figures are computed and the action lists,
/// `metrics.json` and `scorecard.html` written. Nothing is put in place until
/// all of them are written, so a failure leaves the previous outputs whole.
pub fn scorecard_outputs(
    ledger: &Ledger,
    job: &LedgerJob,
    timings: &mut Timings,
) -> Result<(Metrics, Written)> {
    timings.starting("computing the weekly figures and writing the outputs");
    let (ledger_files, metrics, scorecard_files) = std::thread::scope(|scope| {
        let ledger_files = scope.spawn(|| timed(|| stage_ledger(ledger, job)));
        let metrics = timed(|| scorecard(ledger, job));
        let scorecard_files = metrics
            .0
            .as_ref()
            .ok()
            .map(|m| timed(|| stage_scorecard(ledger, m, job)));
        let ledger_files = ledger_files
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (ledger_files, metrics, scorecard_files)
    });
    let (metrics, secs, peak) = metrics;
    let metrics = metrics?;
    timings.part("metrics", secs, peak);
    let (ledger_files, ledger_secs, ledger_peak) = ledger_files;
    let mut staged = ledger_files?;
    // The figures were computed, so their outputs were made.
    if let Some((files, secs, peak)) = scorecard_files {
        timings.part("lists, json, html", secs, peak);
        staged.extend(files?);
    }
    timings.part("ledger files", ledger_secs, ledger_peak);
    let written = commit(staged)?;
    timings.mark("metrics + write");
    Ok((metrics, written))
}

/// Stages the action lists, `metrics.json` and `scorecard.html`.
fn stage_scorecard(
    ledger: &Ledger,
    metrics: &Metrics,
    job: &LedgerJob,
) -> Result<Vec<report::Staged>> {
    let mut staged = Vec::new();
    let period = ledger.period.as_ref().expect("a scorecard has a period");
    let cohort = metrics::Ctx {
        ledger: &ledger.ledger,
        period,
        as_of: ledger.as_of,
        config: &job.config,
        coverage: &ledger.coverage,
    }
    .cohort();
    let select: Vec<Expr> = ACTION_COLUMNS.iter().map(|c| col(*c)).collect();
    let times: Vec<&str> = ACTION_COLUMNS
        .iter()
        .copied()
        .filter(|c| c.ends_with("_at"))
        .collect();
    for name in ACTION_LISTS {
        let df = action_list(name, cohort.clone(), ledger, job)
            .select(select.clone())
            .collect()
            .map_err(HandoffError::engine("building an action list"))?;
        staged.push(stage_csv(&job.out.join(name), &df, &times, job)?);
    }
    let json = report::json::to_json(metrics)?;
    staged.push(report::stage_with(&job.out.join("metrics.json"), |w| {
        w.write_all(&json)
    })?);
    let html = report::html::render(metrics, &job.config)?;
    staged.push(report::stage_with(&job.out.join("scorecard.html"), |w| {
        w.write_all(html.as_bytes())
    })?);
    Ok(staged)
}

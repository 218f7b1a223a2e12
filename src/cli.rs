//! Command-line arguments (clap) and their validation into jobs, before any
//! data is read: a bad flag or config fails in milliseconds.

use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeZone as _};
use clap::{Args, Parser, Subcommand};

use std::collections::BTreeMap;

use crate::config::Config;
use crate::error::HandoffError;
use crate::load::presets::{self, Preset};
use crate::model::Input;
use crate::period::PeriodSpec;
use crate::pipeline::{InputFiles, LedgerJob};

/// The exit codes, as a literal so every help text can include it.
macro_rules! exit_codes {
    () => {
        "\
Exit codes:
  0  success
  2  usage: a flag or argument is wrong
  3  config: handoff.toml has an unknown key or a bad value
  4  input data: a file is missing, unreadable, or lacks a required column
  5  output: the output folder or a file in it cannot be written
 70  internal error (a bug: please report it)

Rows with unreadable values do not stop a run: they are listed in rejects.csv
with file, line, column, value and reason, and counted in the summary."
    };
}

const EXIT_CODES: &str = exit_codes!();

const LEDGER_HELP: &str = concat!(
    "\
Examples:
  handoff ledger --data sample-data --out out
  handoff ledger --leads crm.csv --forms meta_leads.csv --calls calls.csv \\
      --config handoff.toml --as-of 2026-11-16 --out audit/

Writes into --out:
  ledger.csv   one row per lead: capture, first touch, response times, SLA, stages, status
  orphans.csv  form submissions and inbound calls that match no lead
  rejects.csv  every unreadable row: file, line, column, value, reason

",
    exit_codes!()
);

const SCORECARD_HELP: &str = concat!(
    "\
Examples:
  handoff scorecard --data sample-data --week 2026-W46 --out out
  handoff scorecard --data client/ --from 2026-11-01 --to 2026-11-30 --out audit/

Writes into --out: ledger.csv (the period's leads and every lead on an action
list; --full-ledger for all), orphans.csv, rejects.csv (as `handoff ledger`),
metrics.json (every figure, documented in docs/metrics.md), and the action lists
sla_breaches.csv, never_touched.csv (untouched past the due time), waiting.csv
(untouched, not yet due), under_worked.csv, lost_without_reason.csv,
returns_without_reason.csv (the period's leads, with owner) and
pipeline_at_risk.csv (open leads with a stale proposal).

The as-of time defaults to the end of the period: same inputs, same outputs.

",
    exit_codes!()
);

const INSPECT_HELP: &str = concat!(
    "\
Examples:
  handoff inspect client/*.csv client/*.xlsx
  handoff inspect export.csv --as calls --preset call-log --config handoff.toml

Writes nothing. For each file it prints the preset it looks like (or the input
it guesses from the columns), the mapping from export headers to canonical
columns, the headers it ignores, rejected values grouped by reason with an
example line, status/stage words no synonym covers, currencies without an
exchange rate, and a [columns.*] snippet to paste into handoff.toml.

Exit code 4 when a file cannot be read at all; value problems do not fail it.

",
    exit_codes!()
);

/// Turn CRM, form and call exports into a marketing-to-sales handoff ledger and scorecard.
#[derive(Debug, Parser)]
#[command(name = "handoff", version, about, long_about = None, after_help = EXIT_CODES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load the exports, join them, and write the enriched lead ledger (ledger.csv, orphans.csv, rejects.csv).
    #[command(after_help = LEDGER_HELP)]
    Ledger(LedgerArgs),
    /// Compute the week's figures: metrics.json and the action lists, besides the ledger files.
    #[command(after_help = SCORECARD_HELP)]
    Scorecard(ScorecardArgs),
    /// Write a realistic, deterministic sample data set (leads, deals, forms, calls, spend, handoff.toml).
    Sample(SampleArgs),
    /// Show what each export is and how it would be read: encoding, delimiter, rows, the vendor
    /// preset it looks like, the column mapping, ignored columns, value problems, and a config snippet.
    #[command(after_help = INSPECT_HELP)]
    Inspect(InspectArgs),
    /// List the vendor presets: each export, where in the vendor's UI it comes from, and its column mapping (Markdown).
    Presets,
}

#[derive(Debug, Args)]
pub struct InputArgs {
    /// A folder holding the exports as leads.csv, deals.csv, forms.csv, calls.csv, spend.csv, history.csv
    /// (any of them but leads may be absent) and, optionally, handoff.toml. Explicit flags below override it.
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// CRM leads export (required, here or in --data): one row per lead.
    #[arg(long, value_name = "FILE")]
    pub leads: Option<PathBuf>,
    /// Deals / opportunities linked to leads by lead_id.
    #[arg(long, value_name = "FILE")]
    pub deals: Option<PathBuf>,
    /// Web, chat, ad lead-form and WhatsApp inquiries.
    #[arg(long, value_name = "FILE")]
    pub forms: Option<PathBuf>,
    /// Call and message log (calls, WhatsApp, SMS, email touches).
    #[arg(long, value_name = "FILE")]
    pub calls: Option<PathBuf>,
    /// Ad spend by date, source and campaign.
    #[arg(long, value_name = "FILE")]
    pub spend: Option<PathBuf>,
    /// Stage history: one row per stage change of a lead or deal (Salesforce OpportunityHistory or
    /// LeadHistory, a HubSpot deals export with its "Date entered" columns, any CRM's stage log), folded
    /// into each lead's stage times as the earliest entry into each stage.
    #[arg(long, value_name = "FILE")]
    pub history: Option<PathBuf>,
    /// The config (calendar, SLA tiers, synonyms, column maps). Default: handoff.toml in --data, else built-in defaults.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The snapshot time: events after it have not happened. ISO date or date-time, local to the configured
    /// time zone unless it has an offset (2026-11-16, 2026-11-16T09:00, 2026-11-16T09:00+05:30).
    /// Default: the latest record time in the inputs.
    #[arg(long, value_name = "TIME")]
    pub as_of: Option<String>,
    /// Read every input in this encoding instead of detecting it (utf-8, windows-1252, iso-8859-1, utf-16le, ...).
    #[arg(long, value_name = "NAME")]
    pub encoding: Option<String>,
    /// Read an input as a vendor's export (repeat for several inputs; each preset knows its input).
    /// Without it a preset is detected from the headers. `handoff inspect` shows what a file looks like.
    /// Presets: hubspot-contacts, hubspot-deals, salesforce-opportunity-history, salesforce-lead-history,
    /// salesforce-opportunity, salesforce-lead, salesforce-lead-report, zoho-leads, zoho-deals, zoho-calls,
    /// zoho-leads-v1, bitrix24-leads, bitrix24-deals, bitrix24-leads-ui, legal-intake, pipedrive-deals,
    /// pipedrive-leads, odoo-crm-lead, meta-lead-ads, meta-leads-center, typeform, call-log, google-forms
    /// (`handoff presets` describes each).
    #[arg(long, value_name = "NAME")]
    pub preset: Vec<String>,
    /// The sheet to read in XLSX / XLS inputs (default: the first sheet).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Read every input afresh: neither use nor fill the parsed-input cache. The cache keeps
    /// each large input (8 MiB and up) parsed, so a re-run on the same exports (while the
    /// SLA, targets or lost-reason taxonomy are tuned) skips parsing; a changed file, column
    /// map, synonym, phone country, currency, rate, zone or --encoding/--preset/--sheet reads
    /// afresh. It is kept under 4 GiB.
    #[arg(long)]
    pub no_cache: bool,
    /// The parsed-input cache's folder. Default: $XDG_CACHE_HOME/handoff, else ~/.cache/handoff.
    #[arg(long, value_name = "DIR", conflicts_with = "no_cache")]
    pub cache_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct LedgerArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Folder for the outputs (created if missing; files in it are replaced).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Print each stage's wall time, CPU time (all threads) and the peak memory
    /// so far to stderr.
    #[arg(long)]
    pub timings: bool,
    /// Mask names, phones and emails in every output, for reports that leave the company.
    #[arg(long)]
    pub mask_pii: bool,
}

#[derive(Debug, Args)]
pub struct ScorecardArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The ISO week to report, in the configured time zone (2026-W46). Default: the week
    /// holding --as-of, else the week holding the latest record in the inputs.
    #[arg(long, value_name = "YYYY-Www", conflicts_with_all = ["from", "to"])]
    pub week: Option<String>,
    /// First day of a custom period (with --to; both days included).
    #[arg(long, value_name = "DATE", requires = "to")]
    pub from: Option<NaiveDate>,
    /// Last day of a custom period (with --from).
    #[arg(long, value_name = "DATE", requires = "from")]
    pub to: Option<NaiveDate>,
    /// Folder for the outputs (created if missing; files in it are replaced).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Print each stage's wall time, CPU time (all threads) and the peak memory
    /// so far to stderr.
    #[arg(long)]
    pub timings: bool,
    /// Mask names, phones and emails in every output, for reports that leave the company.
    #[arg(long)]
    pub mask_pii: bool,
    /// Write every lead of every week to ledger.csv (as `handoff ledger` does),
    /// not only the week's leads and those on an action list.
    #[arg(long)]
    pub full_ledger: bool,
}

impl ScorecardArgs {
    /// Validates flags and config into a job; reads no data.
    pub fn into_job(self) -> Result<LedgerJob, HandoffError> {
        for day in [self.from, self.to].into_iter().flatten() {
            if !(1990..=2099).contains(&day.year()) {
                return Err(usage(format!(
                    "--from/--to {day}: use a date between 1990 and 2099"
                )));
            }
        }
        let period = match (&self.week, self.from, self.to) {
            (Some(w), _, _) => crate::period::parse_week(w).map_err(usage)?,
            (None, Some(from), Some(to)) if from <= to => PeriodSpec::Range { from, to },
            (None, Some(from), Some(to)) => {
                return Err(usage(format!("--from {from} is after --to {to}")));
            }
            _ => PeriodSpec::Latest,
        };
        let ledger = LedgerArgs {
            input: self.input,
            out: self.out,
            timings: self.timings,
            mask_pii: self.mask_pii,
        };
        let mut job = ledger.into_job()?;
        job.period = Some(period);
        job.full_ledger = self.full_ledger;
        Ok(job)
    }
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The exports to look at (CSV, TSV, TXT, XLSX, XLS, ODS).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Read every file as this input instead of guessing.
    #[arg(long = "as", value_name = "INPUT", value_parser = ["leads", "deals", "forms", "calls", "spend", "history"])]
    pub input: Option<String>,
    /// Read the files with this preset instead of detecting one (see `--help` of `ledger` for the names).
    #[arg(long, value_name = "NAME")]
    pub preset: Option<String>,
    /// The config whose column maps, synonyms and rates apply. Default: built-in defaults.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Read the files in this encoding instead of detecting it.
    #[arg(long, value_name = "NAME")]
    pub encoding: Option<String>,
    /// The sheet to read in workbooks (default: the first).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
}

impl InspectArgs {
    /// Validates flags and config; reads no data.
    pub fn into_job(self) -> Result<crate::inspect::InspectJob, HandoffError> {
        let input = self
            .input
            .as_deref()
            .and_then(|n| Input::ALL.into_iter().find(|i| i.name() == n));
        let preset = self
            .preset
            .as_deref()
            .map(|name| presets::lookup(name, input).map_err(|e| usage(format!("--preset {e}"))))
            .transpose()?;
        for f in &self.files {
            if let Some(message) = not_a_file(f) {
                return Err(HandoffError::Input {
                    file: f.display().to_string(),
                    message,
                });
            }
        }
        let config = match &self.config {
            Some(p) => Config::from_path(p)?,
            None => Config::default(),
        };
        Ok(crate::inspect::InspectJob {
            files: self.files,
            input,
            config,
            options: crate::load::ReadOptions {
                encoding: self.encoding,
                preset,
                sheet: self.sheet,
                chunk_bytes: None,
                keep: None,
            },
        })
    }
}

#[derive(Debug, Args)]
pub struct SampleArgs {
    /// How many leads to generate.
    #[arg(long, default_value_t = 3000)]
    pub leads: usize,
    /// Random seed: the same seed always gives the same files.
    #[arg(long, default_value_t = 46)]
    pub seed: u64,
    /// Weeks of history, ending on the Sunday of --end.
    #[arg(long, default_value_t = 12)]
    pub weeks: u32,
    /// The last day of data (a date; its week's Sunday ends the data).
    #[arg(long, default_value = "2026-11-15")]
    pub end: NaiveDate,
    /// Folder to write the sample files into.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

fn usage(message: impl Into<String>) -> HandoffError {
    HandoffError::Usage(message.into())
}

impl LedgerArgs {
    /// Validates flags and config into a job; reads no data.
    pub fn into_job(self) -> Result<LedgerJob, HandoffError> {
        let (files, config) = self.input.resolve()?;
        let as_of = self
            .input
            .as_of
            .as_deref()
            .map(|t| parse_as_of(t, &config))
            .transpose()?;
        // The cache holds the inputs unmasked: a masked run neither reads nor writes it.
        let cache = if self.mask_pii {
            None
        } else {
            self.input.cache()
        };
        Ok(LedgerJob {
            files,
            config,
            as_of,
            period: None,
            presets: self.input.presets()?,
            encoding: self.input.encoding,
            sheet: self.input.sheet,
            out: self.out,
            mask_pii: self.mask_pii,
            full_ledger: true,
            cache,
        })
    }
}

impl InputArgs {
    /// The parsed-input cache of the run, unless --no-cache (or no folder can hold it).
    pub fn cache(&self) -> Option<crate::cache::Cache> {
        if self.no_cache {
            return None;
        }
        let dir = self
            .cache_dir
            .clone()
            .or_else(crate::cache::Cache::default_dir)?;
        crate::cache::Cache::open(&dir)
    }

    /// The --preset flags, by the input each reads; unknown names and two presets for one input are usage errors.
    pub fn presets(&self) -> Result<BTreeMap<Input, &'static Preset>, HandoffError> {
        let mut out: BTreeMap<Input, &'static Preset> = BTreeMap::new();
        for name in &self.preset {
            let p = presets::lookup(name, None).map_err(|e| usage(format!("--preset {e}")))?;
            if let Some(other) = out.insert(p.input, p) {
                return Err(usage(format!(
                    "--preset {} and --preset {}: both read the {} file; keep one",
                    other.name,
                    p.name,
                    p.input.name()
                )));
            }
        }
        Ok(out)
    }

    /// The input files and the config, from --data and the explicit flags.
    pub fn resolve(&self) -> Result<(InputFiles, Config), HandoffError> {
        let in_data = |name: &str| -> Option<PathBuf> {
            let dir = self.data.as_ref()?;
            ["csv", "tsv", "txt", "xlsx", "xlsm", "xls", "ods"]
                .iter()
                .map(|ext| dir.join(format!("{name}.{ext}")))
                .find(|p| p.is_file())
        };
        if let Some(dir) = &self.data
            && !dir.is_dir()
        {
            return Err(usage(format!("--data {}: no such folder", dir.display())));
        }
        let pick = |flag: &Option<PathBuf>, name: &str| flag.clone().or_else(|| in_data(name));
        let leads = pick(&self.leads, "leads").ok_or_else(|| {
            usage("no leads file: pass --leads FILE, or --data DIR with a leads.csv in it")
        })?;
        let files = InputFiles {
            leads,
            deals: pick(&self.deals, "deals"),
            forms: pick(&self.forms, "forms"),
            calls: pick(&self.calls, "calls"),
            spend: pick(&self.spend, "spend"),
            history: pick(&self.history, "history"),
        };
        for (flag, path) in [
            ("--leads", Some(&files.leads)),
            ("--deals", files.deals.as_ref()),
            ("--forms", files.forms.as_ref()),
            ("--calls", files.calls.as_ref()),
            ("--spend", files.spend.as_ref()),
            ("--history", files.history.as_ref()),
        ] {
            if let Some(p) = path
                && let Some(message) = not_a_file(p)
            {
                return Err(HandoffError::Input {
                    file: p.display().to_string(),
                    message: format!("{message} (given as {flag})"),
                });
            }
        }
        let config_path = self.config.clone().or_else(|| {
            self.data
                .as_ref()
                .map(|d| d.join("handoff.toml"))
                .filter(|p| p.is_file())
        });
        let config = match config_path {
            Some(p) => Config::from_path(&p)?,
            None => Config::default(),
        };
        Ok((files, config))
    }
}

/// Parses `--as-of`: an ISO date or date-time, local unless it carries an offset.
pub fn parse_as_of(text: &str, config: &Config) -> Result<i64, HandoffError> {
    let bad = || {
        usage(format!(
            "--as-of `{text}` is not a date or time; use 2026-11-16, 2026-11-16T09:00 or 2026-11-16T09:00+05:30"
        ))
    };
    let t = text.trim();
    let ms = parse_as_of_ms(t, config).ok_or_else(bad)?;
    // 1990-01-01 to 2100-01-01 UTC: the dates this tool reads at all.
    if !(631_152_000_000..4_102_444_800_000).contains(&ms) {
        return Err(usage(format!(
            "--as-of `{text}`: use a time between 1990 and 2099"
        )));
    }
    Ok(ms)
}

fn parse_as_of_ms(t: &str, config: &Config) -> Option<i64> {
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(t) {
        return Some(dt.timestamp_millis());
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S%z",
        "%Y-%m-%dT%H:%M%z",
        "%Y-%m-%d %H:%M:%S%z",
        "%Y-%m-%d %H:%M%z",
    ] {
        if let Ok(dt) = chrono::DateTime::parse_from_str(t, f) {
            return Some(dt.timestamp_millis());
        }
    }
    let naive = [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
    .or_else(|| {
        NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
    })?;
    config
        .calendar
        .time_zone
        .0
        .from_local_datetime(&naive)
        .earliest()
        .map(|t| t.timestamp_millis())
}

/// The path as given, for messages.
pub fn shown(p: &Path) -> String {
    p.display().to_string()
}

/// Why `path` cannot be read as an export file, if it cannot: missing, a
/// folder, a device or pipe, a symbolic link that loops or leads nowhere.
pub fn not_a_file(path: &std::path::Path) -> Option<String> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.raw_os_error() == Some(40) => {
            return Some(
                "is a symbolic link that loops back on itself; name the export file itself".into(),
            );
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Some(if std::fs::symlink_metadata(path).is_ok() {
                "is a symbolic link to a file that does not exist; name the export file itself"
                    .into()
            } else {
                "no such file; check the path".into()
            });
        }
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            return Some("cannot be read: permission denied; check the file's permissions".into());
        }
        Err(e) => return Some(format!("cannot be read ({e}); check the path")),
    };
    if meta.is_dir() {
        return Some("is a folder, not a file; name the export file inside it (or pass the folder with --data)".into());
    }
    if !meta.is_file() {
        return Some(
            "is a device or a pipe, not a file; save the export to a file and name that".into(),
        );
    }
    None
}

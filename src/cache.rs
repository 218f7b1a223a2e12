//! The parsed-input cache, for the consultant's loop: the same exports run
//! again while the config's SLA, targets or lost-reason taxonomy are tuned.
//! A loaded input (its typed frame, its rejects and its accounting) is kept
//! as Arrow IPC files and a JSON note under the cache folder, keyed by the
//! file's path and content hash, the reading options that shaped it (the
//! input, the config's column maps, synonyms, phone country, currency, rates,
//! zone and date order, --encoding, --preset, --sheet) and the binary that
//! read it. Any change to one of them is a different key; the folder is kept
//! under [`MAX_BYTES`] by removing the least recently used entries.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use polars::prelude::*;
use polars_io::ipc::{IpcCompression, IpcReader, IpcWriter};
use polars_io::{SerReader, SerWriter};
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::error::{HandoffError, Result};
use crate::load::{self, CurrencyUse, FileStats, Loaded, PresetUse, ReadOptions};
use crate::model::Input;

/// The cache folder's size bound.
pub const MAX_BYTES: u64 = 4 << 30;

/// Files smaller than this are read directly: parsing them takes less than
/// writing and reading a cache entry (`HANDOFF_CACHE_MIN_BYTES` overrides it).
pub const MIN_FILE_BYTES: u64 = 8 << 20;

/// A cache entry's format; bumped when what is stored changes.
const FORMAT: u32 = 3;

/// The cache folder of a run.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
    min_bytes: u64,
}

/// Where a cache entry's files are.
struct Entry {
    frame: PathBuf,
    rejects: PathBuf,
    stats: PathBuf,
}

impl Cache {
    /// The cache in `dir` (created when the first entry is written).
    pub fn open(dir: &Path) -> Option<Cache> {
        let min_bytes = std::env::var("HANDOFF_CACHE_MIN_BYTES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(MIN_FILE_BYTES);
        Some(Cache {
            dir: dir.to_path_buf(),
            min_bytes,
        })
    }

    /// The default folder: `$XDG_CACHE_HOME/handoff`, else `~/.cache/handoff`.
    pub fn default_dir() -> Option<PathBuf> {
        let base = std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
        Some(base.join("handoff"))
    }

    /// Loads `path` as `input`: from the cache when an entry for the same
    /// file and reading options exists, else through the loader, storing
    /// the result. Returns whether the cache served it.
    pub fn load(
        &self,
        input: Input,
        path: &Path,
        config: &Config,
        opts: &ReadOptions,
    ) -> Result<(Loaded, bool)> {
        let size = std::fs::metadata(path).map_or(0, |m| m.len());
        if size < self.min_bytes {
            return Ok((load::load(input, path, config, opts)?, false));
        }
        let Some(key) = key(input, path, config, opts) else {
            return Ok((load::load(input, path, config, opts)?, false));
        };
        let entry = self.entry(&key);
        if let Some(loaded) = read(&entry, input, path) {
            touch(&entry.stats);
            return Ok((loaded, true));
        }
        let loaded = load::load(input, path, config, opts)?;
        // An entry that could not stay under the bound is not written; a
        // cache that cannot be written is no reason to fail the run.
        let fits = (loaded.frame.estimated_size() as u64) < MAX_BYTES / 2;
        if fits && private_dir(&self.dir) && write(&entry, &self.dir, &loaded).is_ok() {
            self.prune();
        }
        Ok((loaded, false))
    }

    fn entry(&self, key: &str) -> Entry {
        let at = |ext: &str| self.dir.join(format!("{key}.{ext}"));
        Entry {
            frame: at("frame.arrow"),
            rejects: at("rejects.arrow"),
            stats: at("json"),
        }
    }

    /// Removes the least recently used entries until the folder is under
    /// [`MAX_BYTES`], counting every file (an entry's frames without its
    /// note, left by a run that was killed, count and go first); temporary
    /// files older than an hour are removed.
    fn prune(&self) {
        let Ok(dir) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let hour_ago = SystemTime::now() - std::time::Duration::from_secs(3600);
        let mut by_key: std::collections::BTreeMap<String, (SystemTime, u64, Vec<PathBuf>)> =
            std::collections::BTreeMap::new();
        for f in dir.flatten() {
            let name = f.file_name().to_string_lossy().to_string();
            let Ok(meta) = f.metadata() else { continue };
            let used = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
            if name.starts_with(".tmp") {
                if used < hour_ago {
                    let _ = std::fs::remove_file(f.path());
                }
                continue;
            }
            let key = name.split('.').next().unwrap_or_default().to_string();
            let e = by_key
                .entry(key)
                .or_insert((SystemTime::UNIX_EPOCH, 0, Vec::new()));
            // An entry's last use is its note's time; frames alone sort first.
            if name.ends_with(".json") {
                e.0 = used;
            }
            e.1 += meta.len();
            e.2.push(f.path());
        }
        let mut total: u64 = by_key.values().map(|e| e.1).sum();
        let mut entries: Vec<(SystemTime, String, u64, Vec<PathBuf>)> = by_key
            .into_iter()
            .map(|(k, (used, size, files))| (used, k, size, files))
            .collect();
        entries.sort();
        for (_, _, size, files) in entries {
            if total <= MAX_BYTES {
                break;
            }
            for f in files {
                let _ = std::fs::remove_file(f);
            }
            total -= size;
        }
    }
}

/// Creates the cache folder readable by its owner alone (it holds the
/// exports' names, phones and emails); whether it is usable.
fn private_dir(dir: &Path) -> bool {
    if std::fs::create_dir_all(dir).is_err() {
        return false;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    }
    true
}

/// The reading options that shape a loaded frame, as hashed into its key.
#[derive(Serialize)]
struct Shape<'a> {
    format: u32,
    input: &'static str,
    file: String,
    binary: Option<(u64, u128)>,
    /// Whether the caller keeps only some columns (calls and forms do).
    keep: bool,
    encoding: &'a Option<String>,
    preset: Option<&'static str>,
    sheet: &'a Option<String>,
    columns: &'a std::collections::BTreeMap<String, String>,
    synonyms: &'a crate::config::Synonyms,
    phone_country: &'a str,
    currency: &'a str,
    date_order: &'a Option<crate::config::DateOrder>,
    exchange_rates: &'a std::collections::BTreeMap<String, f64>,
    time_zone: String,
}

/// The entry key: a hash of the file's content and of its [`Shape`].
fn key(input: Input, path: &Path, config: &Config, opts: &ReadOptions) -> Option<String> {
    let exe = std::env::current_exe().ok()?;
    let binary = std::fs::metadata(exe).ok().map(|m| {
        let built = m
            .modified()
            .ok()
            .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        (m.len(), built)
    });
    let shape = Shape {
        format: FORMAT,
        input: input.name(),
        file: std::fs::canonicalize(path).ok()?.display().to_string(),
        binary,
        keep: opts.keep.is_some(),
        encoding: &opts.encoding,
        preset: opts.preset.map(|p| p.name),
        sheet: &opts.sheet,
        columns: config.columns.of(input),
        synonyms: &config.synonyms,
        phone_country: &config.business.phone_country,
        currency: &config.business.currency,
        date_order: &config.business.date_order,
        exchange_rates: &config.exchange_rates,
        time_zone: config.calendar.time_zone.0.name().to_string(),
    };
    let shape = serde_json::to_vec(&shape).ok()?;
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(&shape);
    let mut file = BufReader::with_capacity(1 << 20, File::open(path).ok()?);
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).ok()?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Some(format!("{}-{:032x}", input.name(), hasher.digest128()))
}

/// A file's accounting as stored (names as text; see [`FileStats`]).
#[derive(Serialize, Deserialize)]
struct Stored {
    input: String,
    encoding: String,
    delimiter: String,
    sheet: Option<String>,
    preset: Option<(String, String)>,
    rows_read: usize,
    rows_used: usize,
    rows_rejected: usize,
    blank_lines: usize,
    cleaned: std::collections::BTreeMap<String, usize>,
    mapped: Vec<(String, String)>,
    ignored: Vec<String>,
    date_orders: std::collections::BTreeMap<String, String>,
    unusable_values: std::collections::BTreeMap<String, usize>,
    unknown_values: std::collections::BTreeMap<String, Vec<(String, usize)>>,
    currencies: Vec<(String, String, usize, Option<f64>)>,
    footer: Vec<String>,
    warnings: Vec<String>,
    file: String,
}

impl Stored {
    fn of(s: &FileStats) -> Stored {
        Stored {
            input: s.input.into(),
            encoding: s.encoding.into(),
            delimiter: s.delimiter.into(),
            sheet: s.sheet.clone(),
            preset: s.preset.as_ref().map(|p| (p.name.into(), p.chosen.into())),
            rows_read: s.rows_read,
            rows_used: s.rows_used,
            rows_rejected: s.rows_rejected,
            blank_lines: s.blank_lines,
            cleaned: s.cleaned.clone(),
            mapped: s.mapped.clone(),
            ignored: s.ignored.clone(),
            date_orders: s.date_orders.clone(),
            unusable_values: s.unusable_values.clone(),
            unknown_values: s.unknown_values.clone(),
            currencies: s
                .currencies
                .iter()
                .map(|c| (c.column.clone(), c.currency.clone(), c.amounts, c.rate))
                .collect(),
            footer: s.footer.clone(),
            warnings: s.warnings.clone(),
            file: s.file.clone(),
        }
    }

    /// Back to [`FileStats`]; `None` when a name is not one this build writes.
    fn into_stats(self) -> Option<FileStats> {
        let input = Input::ALL.iter().find(|i| i.name() == self.input)?.name();
        let encoding = match self.encoding.as_str() {
            "JSON" => "JSON",
            "workbook" => "workbook",
            other => encoding_rs::Encoding::for_label(other.as_bytes())?.name(),
        };
        let delimiter = [
            "comma",
            "semicolon",
            "tab",
            "pipe",
            "other",
            "records",
            "cells",
        ]
        .into_iter()
        .find(|d| *d == self.delimiter)?;
        let preset = match self.preset {
            Some((name, chosen)) => {
                let p = load::presets::find(&name)?;
                let chosen = ["given", "config", "detected"]
                    .into_iter()
                    .find(|c| *c == chosen)?;
                Some(PresetUse {
                    name: p.name,
                    vendor: p.vendor,
                    chosen,
                })
            }
            None => None,
        };
        Some(FileStats {
            input,
            file: self.file,
            encoding,
            delimiter,
            sheet: self.sheet,
            preset,
            rows_read: self.rows_read,
            rows_used: self.rows_used,
            rows_rejected: self.rows_rejected,
            blank_lines: self.blank_lines,
            cleaned: self.cleaned,
            mapped: self.mapped,
            ignored: self.ignored,
            date_orders: self.date_orders,
            unusable_values: self.unusable_values,
            unknown_values: self.unknown_values,
            currencies: self
                .currencies
                .into_iter()
                .map(|(column, currency, amounts, rate)| CurrencyUse {
                    column,
                    currency,
                    amounts,
                    rate,
                })
                .collect(),
            footer: self.footer,
            warnings: self.warnings,
        })
    }
}

/// The entry, when it is whole and readable; the file named as it was given this time.
fn read(entry: &Entry, input: Input, path: &Path) -> Option<Loaded> {
    let stats: Stored = serde_json::from_slice(&std::fs::read(&entry.stats).ok()?).ok()?;
    let mut stats = stats.into_stats()?;
    stats.file = path.display().to_string();
    let frame = IpcReader::new(File::open(&entry.frame).ok()?)
        .finish()
        .ok()?;
    let mut rejects = IpcReader::new(File::open(&entry.rejects).ok()?)
        .finish()
        .ok()?;
    if rejects.height() > 0 {
        rejects = rejects
            .lazy()
            .with_column(lit(stats.file.clone()).alias("file"))
            .collect()
            .ok()?;
    }
    Some(Loaded {
        input,
        frame,
        rejects,
        stats,
    })
}

/// Writes an entry: each file staged under a temporary name and renamed, the
/// note last, so a reader never sees a half-written entry.
fn write(entry: &Entry, dir: &Path, loaded: &Loaded) -> Result<()> {
    let failed = |e: std::io::Error| HandoffError::Output {
        path: dir.display().to_string(),
        source: e,
    };
    let frame = |df: &DataFrame, to: &Path| -> Result<()> {
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(failed)?;
        // LZ4: text columns shrink several times, and it reads back at memory speed.
        IpcWriter::new(tmp.as_file_mut())
            .with_compression(Some(IpcCompression::LZ4))
            .finish(&mut df.clone())
            .map_err(HandoffError::engine("writing the input cache"))?;
        tmp.persist(to).map_err(|e| failed(e.error))?;
        Ok(())
    };
    frame(&loaded.frame, &entry.frame)?;
    frame(&loaded.rejects, &entry.rejects)?;
    let note = serde_json::to_vec(&Stored::of(&loaded.stats))
        .map_err(|e| failed(std::io::Error::other(e)))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(failed)?;
    std::io::Write::write_all(tmp.as_file_mut(), &note).map_err(failed)?;
    tmp.persist(&entry.stats).map_err(|e| failed(e.error))?;
    Ok(())
}

/// Marks an entry as just used (the pruning removes the least recently used).
fn touch(path: &Path) {
    if let Ok(f) = File::options().append(true).open(path) {
        let _ = f.set_modified(SystemTime::now());
    }
}

//! The output layer: the only code that writes files. Exporters turn typed
//! data into bytes (or stream them); [`stage_with`] writes each output to a
//! temporary beside it, and [`commit_all`] puts a run's outputs in place
//! together or not at all, so a failed run never leaves a half-written output
//! or a folder that mixes two runs. [`OutputDir::open`] locks the folder for
//! the run and clears temporaries a killed run left behind.

pub mod charts;
pub mod csv;
pub use crate::format;
pub mod html;
mod instants;
pub mod json;
mod sections;
pub mod view;

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{HandoffError, Result};

/// Every temporary this tool makes in an output folder starts with this.
pub const TMP_PREFIX: &str = ".handoff-tmp-";
/// The lock file a run holds in its output folder.
pub const LOCK_FILE: &str = ".handoff.lock";

/// Writes `bytes` to `path` via a temporary file in the same folder and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    commit_all(vec![stage_with(path, |w| w.write_all(bytes))?]).map(drop)
}

/// An output written in full to a temporary beside its destination, created
/// with `O_EXCL` under an unpredictable name; dropped uncommitted, it is
/// removed. The files are not fsynced: they are derived and a rerun makes
/// them again, and waiting for the disk to take a 650 MB ledger cost up to
/// 2 s of a 15 s run.
#[derive(Debug)]
pub struct Staged {
    tmp: tempfile::TempPath,
    path: PathBuf,
}

fn output_error(path: &Path, source: std::io::Error) -> HandoffError {
    HandoffError::Output {
        path: path.display().to_string(),
        source,
    }
}

fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Writes `fill`'s bytes to a temporary beside `path`, buffered.
pub fn stage_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<Staged> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let file = tempfile::Builder::new()
        .prefix(&format!("{TMP_PREFIX}{name}-"))
        .tempfile_in(folder_of(path))
        .map_err(|e| output_error(path, e))?;
    let (file, tmp) = file.into_parts();
    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
    fill(&mut w)
        .and_then(|()| w.flush())
        .map_err(|e| output_error(path, e))?;
    Ok(Staged {
        tmp,
        path: path.to_path_buf(),
    })
}

/// A destination moved aside during a commit, to be restored on failure.
struct Aside {
    path: PathBuf,
    backup: PathBuf,
}

fn restore(aside: &[Aside]) {
    for a in aside.iter().rev() {
        let _ = std::fs::rename(&a.backup, &a.path);
    }
}

/// Puts every staged output in place, or none: existing destinations are
/// moved aside first, and any failure puts them back, removes what was
/// placed, and names the file that blocked the commit.
pub fn commit_all(staged: Vec<Staged>) -> Result<Vec<PathBuf>> {
    for s in &staged {
        if s.path.is_dir() {
            return Err(output_error(
                &s.path,
                std::io::Error::other(
                    "a folder is in the way of this output; move it, or choose another --out",
                ),
            ));
        }
    }
    let mut aside: Vec<Aside> = Vec::new();
    for s in &staged {
        if std::fs::symlink_metadata(&s.path).is_err() {
            continue;
        }
        let backup = tempfile::Builder::new()
            .prefix(&format!("{TMP_PREFIX}old-"))
            .make_in(folder_of(&s.path), |p| std::fs::rename(&s.path, p))
            .map(|t| t.into_temp_path());
        match backup {
            Ok(t) => aside.push(Aside {
                path: s.path.clone(),
                backup: t.keep().map_err(|e| output_error(&s.path, e.error))?,
            }),
            Err(e) => {
                restore(&aside);
                return Err(output_error(&s.path, e));
            }
        }
    }
    let mut placed: Vec<PathBuf> = Vec::new();
    for s in staged {
        let path = s.path.clone();
        if let Err(e) = s.tmp.persist(&path) {
            for p in &placed {
                let _ = std::fs::remove_file(p);
            }
            restore(&aside);
            return Err(output_error(&path, e.error));
        }
        placed.push(path);
    }
    for a in &aside {
        let _ = std::fs::remove_file(&a.backup);
    }
    Ok(placed)
}

/// An output folder held by this run: created when missing, locked against
/// other runs, and cleared of temporaries that killed runs left behind.
#[derive(Debug)]
pub struct OutputDir {
    pub path: PathBuf,
    _lock: std::fs::File,
}

impl OutputDir {
    /// Opens `dir` for this run; fails at once when another run holds it.
    pub fn open(dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(|e| output_error(dir, e))?;
        let lock_path = dir.join(LOCK_FILE);
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| output_error(&lock_path, e))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(output_error(
                    dir,
                    std::io::Error::other(format!(
                        "another handoff run is writing into this folder (it holds {}); wait for it to finish, or choose another --out",
                        lock_path.display()
                    )),
                ));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(output_error(&lock_path, e)),
        }
        remove_stale_temporaries(dir);
        Ok(Self {
            path: dir.to_path_buf(),
            _lock: lock,
        })
    }
}

/// Removes this tool's temporaries from `dir`: only names it makes
/// ([`TMP_PREFIX`], or `.NAME.tmp-PID` from earlier versions). Called under
/// the folder's lock, so no other run of this tool is writing them.
fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let old_style = name.starts_with('.')
            && name
                .rsplit_once(".tmp-")
                .is_some_and(|(_, pid)| !pid.is_empty() && pid.chars().all(|c| c.is_ascii_digit()));
        let is_file = entry
            .file_type()
            .is_ok_and(|t| t.is_file() || t.is_symlink());
        if is_file && (name.starts_with(TMP_PREFIX) || old_style) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Creates the output folder, with an error that says what to do.
pub fn ensure_dir(dir: &Path) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).map_err(|source| HandoffError::Output {
        path: dir.display().to_string(),
        source,
    })?;
    Ok(dir.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names in a folder, sorted.
    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        write_atomic(&path, b"first").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        assert_eq!(names(dir.path()), ["out.csv"]);
    }

    #[test]
    fn failed_write_keeps_the_previous_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        write_atomic(&path, b"good").unwrap();
        // A folder in the way of the rename makes the write fail.
        let blocked = dir.path().join("blocked");
        std::fs::create_dir(&blocked).unwrap();
        std::fs::write(blocked.join("x"), b"x").unwrap();
        assert!(write_atomic(&blocked, b"bad").is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"good");
    }

    #[test]
    fn failed_stream_keeps_the_previous_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        write_atomic(&path, b"good").unwrap();
        let err = stage_with(&path, |w| {
            w.write_all(b"half")?;
            Err(std::io::Error::other("disk full"))
        })
        .unwrap_err();
        assert!(err.to_string().contains("out.csv"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"good");
        assert_eq!(names(dir.path()), ["out.csv"]);
    }

    #[test]
    fn staged_outputs_appear_only_when_committed() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.csv"), dir.path().join("b.csv"));
        write_atomic(&a, b"old a").unwrap();
        let staged_a = stage_with(&a, |w| w.write_all(b"new a")).unwrap();
        let staged_b = stage_with(&b, |w| w.write_all(b"new b")).unwrap();
        // Nothing is in place until commit; an abandoned run leaves no temporary.
        assert_eq!(std::fs::read(&a).unwrap(), b"old a");
        assert!(!b.exists());
        drop(staged_b);
        assert_eq!(names(dir.path()).len(), 2, "a.csv and a's temporary");
        assert!(names(dir.path())[0].starts_with(TMP_PREFIX));
        commit_all(vec![staged_a]).unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), b"new a");
        assert_eq!(names(dir.path()), ["a.csv"]);
    }

    #[test]
    fn a_blocked_output_leaves_every_output_as_it_was_and_names_the_blocker() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b, c) = (
            dir.path().join("a.csv"),
            dir.path().join("b.csv"),
            dir.path().join("c.csv"),
        );
        write_atomic(&a, b"old a").unwrap();
        write_atomic(&c, b"old c").unwrap();
        // b.csv cannot be replaced: a non-empty folder holds its name.
        std::fs::create_dir(&b).unwrap();
        std::fs::write(b.join("x"), b"x").unwrap();
        let staged = vec![
            stage_with(&a, |w| w.write_all(b"new a")).unwrap(),
            stage_with(&b, |w| w.write_all(b"new b")).unwrap(),
            stage_with(&c, |w| w.write_all(b"new c")).unwrap(),
        ];
        let err = commit_all(staged).unwrap_err().to_string();
        assert!(err.contains("b.csv"), "{err}");
        assert_eq!(std::fs::read(&a).unwrap(), b"old a");
        assert_eq!(std::fs::read(&c).unwrap(), b"old c");
        assert_eq!(names(dir.path()), ["a.csv", "b.csv", "c.csv"]);
    }

    #[cfg(unix)]
    #[test]
    fn temporaries_do_not_follow_a_planted_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        std::fs::write(&victim, b"precious").unwrap();
        let path = dir.path().join("out.csv");
        // The names earlier versions used, for this process and its neighbours.
        let pid = std::process::id();
        for p in pid.saturating_sub(5)..pid + 5 {
            let _ =
                std::os::unix::fs::symlink(&victim, dir.path().join(format!(".out.csv.tmp-{p}")));
        }
        write_atomic(&path, b"report").unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
        assert_eq!(std::fs::read(&path).unwrap(), b"report");
    }

    #[test]
    fn opening_a_folder_clears_stale_temporaries_and_keeps_other_files() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            ".handoff-tmp-ledger.csv-AbC123",
            ".ledger.csv.tmp-4242",
            "ledger.csv",
            "notes.txt",
            ".hidden.tmp-notapid",
        ] {
            std::fs::write(dir.path().join(name), b"x").unwrap();
        }
        let out = OutputDir::open(dir.path()).unwrap();
        assert_eq!(
            names(dir.path()),
            [
                ".handoff.lock",
                ".hidden.tmp-notapid",
                "ledger.csv",
                "notes.txt"
            ]
        );
        drop(out);
    }

    #[test]
    fn a_second_run_into_a_held_folder_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let first = OutputDir::open(dir.path()).unwrap();
        let err = OutputDir::open(dir.path()).unwrap_err().to_string();
        assert!(err.contains("another handoff run"), "{err}");
        drop(first);
        assert!(
            OutputDir::open(dir.path()).is_ok(),
            "free once the first run ends"
        );
    }
}

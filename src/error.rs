//! Errors that stop a run, each with the exit code documented in `--help`.

use thiserror::Error;

/// Exit codes: 0 success, then one per kind of failure.
pub mod exit {
    pub const USAGE: i32 = 2;
    pub const CONFIG: i32 = 3;
    pub const INPUT: i32 = 4;
    pub const OUTPUT: i32 = 5;
    pub const INTERNAL: i32 = 70;
}

/// A failure that stops the run. Row-level problems never get here: they are
/// rejected rows, written to `rejects.csv`.
#[derive(Debug, Error)]
pub enum HandoffError {
    #[error("{0}")]
    Usage(String),

    #[error("config {path}: {message}")]
    Config { path: String, message: String },

    #[error("{file}: {message}")]
    Input { file: String, message: String },

    #[error("{file}: required column `{column}` is missing. {hint}")]
    MissingColumn {
        file: String,
        column: String,
        hint: String,
    },

    #[error("{file}, column `{column}`: {message}")]
    Column {
        file: String,
        column: String,
        message: String,
    },

    #[error("cannot write {path}: {source}")]
    Output {
        path: String,
        #[source]
        source: std::io::Error,
    },

    #[error("internal error in {stage}: {}. This is a bug in handoff; please report it with the command you ran", short(.source))]
    Engine {
        stage: &'static str,
        #[source]
        source: polars::prelude::PolarsError,
    },
}

impl HandoffError {
    pub fn exit_code(&self) -> i32 {
        match self {
            HandoffError::Usage(_) => exit::USAGE,
            HandoffError::Config { .. } => exit::CONFIG,
            HandoffError::Input { .. }
            | HandoffError::MissingColumn { .. }
            | HandoffError::Column { .. } => exit::INPUT,
            HandoffError::Output { .. } => exit::OUTPUT,
            HandoffError::Engine { .. } => exit::INTERNAL,
        }
    }

    /// Wraps a polars error raised while computing `stage`.
    pub fn engine(stage: &'static str) -> impl FnOnce(polars::prelude::PolarsError) -> Self {
        move |source| HandoffError::Engine { stage, source }
    }
}

/// The first line of an engine error, at most 300 characters: polars appends its whole query plan.
fn short(e: &polars::prelude::PolarsError) -> String {
    let text = e.to_string();
    let line = text.lines().next().unwrap_or("");
    line.chars().take(300).collect()
}

pub type Result<T, E = HandoffError> = std::result::Result<T, E>;

//! `metrics.json`: the typed metrics as pretty JSON with a trailing newline.

use serde::Serialize;

use crate::error::{HandoffError, Result};

/// Serialises any report struct; the field order is the struct's, so output is stable.
pub fn to_json<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(|e| HandoffError::Output {
        path: "metrics.json".into(),
        source: std::io::Error::other(e.to_string()),
    })?;
    bytes.push(b'\n');
    Ok(bytes)
}

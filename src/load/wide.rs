//! A wide stage history: one row per record with a `Date entered "<Stage>
//! (<Pipeline>)"` column per stage (HubSpot's deals and contacts exports, its
//! internal `hs_date_entered_<stage>` names too), read as the long history
//! input: one row per filled cell, with its record, time and stage.

use polars::prelude::*;

use super::presets::fold_key;
use super::read::RawFrame;
use crate::error::{HandoffError, Result};
use crate::model::{self, Input};

/// The long columns a wide file is read as (the history input's own names).
pub(super) const HEADERS: [&str; 3] = [model::RECORD_ID, model::ENTERED_AT, model::STAGE];

/// Which columns of a wide file hold the record and each stage's entry time.
#[derive(Debug, Clone)]
pub(super) struct Wide {
    /// The record id's column (its unique raw name).
    id: String,
    /// (raw column name, stage name) per `Date entered` column.
    stages: Vec<(String, String)>,
}

/// Headers of a record's id in the exports that carry stage-entry columns.
const ID_KEYS: &[&str] = &[
    "record_id",
    "deal_id",
    "hs_object_id",
    "record_id_deal",
    "id",
];

impl Wide {
    /// The wide layout of a history file, when its headers have one.
    pub(super) fn detect(input: Input, headers: &[String], raw: &[String]) -> Option<Wide> {
        if input != Input::History {
            return None;
        }
        let keys: Vec<String> = headers.iter().map(|h| fold_key(h)).collect();
        let has_long_stage = keys.iter().any(|k| {
            model::HISTORY_COLUMNS
                .iter()
                .find(|c| c.name == model::STAGE)
                .is_some_and(|c| k == c.name || c.aliases.contains(&k.as_str()))
        });
        if has_long_stage {
            return None;
        }
        let id = ID_KEYS
            .iter()
            .find_map(|k| keys.iter().position(|h| h == k))?;
        let stages: Vec<(String, String)> = headers
            .iter()
            .enumerate()
            .filter_map(|(i, h)| Some((raw[i].clone(), stage_of(h)?)))
            .collect();
        (!stages.is_empty()).then(|| Wide {
            id: raw[id].clone(),
            stages,
        })
    }

    /// The mapping as `inspect` and the summary show it: the file's own headers.
    pub(super) fn shown(&self, headers: &[String], raw: &[String]) -> Vec<(String, String)> {
        let header = |name: &str| {
            raw.iter()
                .position(|r| r == name)
                .map_or(name.to_string(), |i| headers[i].clone())
        };
        let stages: Vec<String> = self.stages.iter().map(|(c, _)| header(c)).collect();
        vec![
            (header(&self.id), model::RECORD_ID.to_string()),
            (
                format!(
                    "{} stage-entry columns ({})",
                    stages.len(),
                    stages.join(", ")
                ),
                format!(
                    "{} + {} (one row per filled cell)",
                    model::ENTERED_AT,
                    model::STAGE
                ),
            ),
        ]
    }

    /// One long row per filled stage cell, in file order (a record's stages in column order).
    pub(super) fn melt(&self, raw: RawFrame) -> Result<RawFrame> {
        const LINE: &str = "_wide_line";
        let mut frame = raw.frame;
        frame
            .with_column(Column::new(LINE.into(), raw.lines))
            .map_err(HandoffError::engine("reading the stage columns"))?;
        let parts: Vec<LazyFrame> = self
            .stages
            .iter()
            .enumerate()
            .map(|(order, (column, stage))| {
                frame
                    .clone()
                    .lazy()
                    .filter(
                        col(column.as_str())
                            .str()
                            .strip_chars(lit(NULL))
                            .neq(lit("")),
                    )
                    .select([
                        col(self.id.as_str()).alias(HEADERS[0]),
                        col(column.as_str()).alias(HEADERS[1]),
                        lit(stage.clone()).alias(HEADERS[2]),
                        col(LINE),
                        lit(order as u32).alias("_wide_order"),
                    ])
            })
            .collect();
        let long = concat(parts, UnionArgs::default())
            .and_then(|lf| {
                lf.sort([LINE, "_wide_order"], SortMultipleOptions::default())
                    .collect()
            })
            .map_err(HandoffError::engine("reading the stage columns"))?;
        let lines: Vec<u32> = long
            .column(LINE)
            .and_then(|c| c.u32().cloned())
            .map_err(HandoffError::engine("reading the stage columns"))?
            .into_no_null_iter()
            .collect();
        let frame = long
            .select(HEADERS)
            .map_err(HandoffError::engine("reading the stage columns"))?;
        Ok(RawFrame { frame, lines })
    }
}

/// The stage a header records the entry into: `Date entered "Closed Won
/// (Sales Pipeline)"` (either quote) -> `Closed Won`; `hs_date_entered_closedwon`
/// and `hs_v2_date_entered_closedwon` -> `closedwon`. `Date entered current
/// stage` names none.
fn stage_of(header: &str) -> Option<String> {
    let h = header.trim();
    const PREFIX: &str = "date entered ";
    if h.get(..PREFIX.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(PREFIX))
    {
        let rest = h[PREFIX.len()..].trim();
        if !rest.starts_with(['"', '\'', '“', '‘']) {
            return None;
        }
        // The label as written, without its quotes and pipeline.
        let label = rest.trim_matches(|c| matches!(c, '"' | '\'' | '“' | '”' | '‘' | '’'));
        let stage = match label.rfind(" (") {
            Some(i) if label.ends_with(')') => &label[..i],
            _ => label,
        };
        return (!stage.trim().is_empty()).then(|| stage.trim().to_string());
    }
    let key = fold_key(h);
    ["hs_v2_date_entered_", "hs_date_entered_"]
        .iter()
        .find_map(|p| key.strip_prefix(p))
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stage_names_come_from_the_headers() {
        assert_eq!(
            stage_of("Date entered \"Closed Won (Sales Pipeline)\"").as_deref(),
            Some("Closed Won")
        );
        assert_eq!(
            stage_of("Date entered 'Appointment Scheduled (Sales Pipeline)'").as_deref(),
            Some("Appointment Scheduled")
        );
        assert_eq!(
            stage_of("hs_v2_date_entered_closedwon").as_deref(),
            Some("closedwon")
        );
        assert_eq!(stage_of("Date entered current stage"), None);
        // Labels whose lower case is longer or shorter than they are.
        assert_eq!(
            stage_of("Date entered \"İlk İletişim (Satış)\"").as_deref(),
            Some("İlk İletişim")
        );
        assert_eq!(
            stage_of(&format!("Date entered \"{}\"", "Ⱥ".repeat(14))).as_deref(),
            Some("ȺȺȺȺȺȺȺȺȺȺȺȺȺȺ")
        );
        assert_eq!(
            stage_of("Date exited \"Closed Won (Sales Pipeline)\""),
            None
        );
        assert_eq!(stage_of("Create Date"), None);
    }
}

//! Every figure of the weekly scorecard, computed from the enriched lead
//! ledger. One module per section; each is a pure function from the ledger
//! (and the period) to a typed, serialisable struct. Nothing here does I/O.

pub mod activity;
pub mod campaigns;
pub mod leakage;
pub mod lost;
pub mod marketing;
pub mod pipeline;
pub mod quality;
pub mod response;
pub mod review;
pub mod routing;
pub mod sla;
pub mod speed;
pub mod stages;
pub mod stats;
pub mod trend;
pub mod verdict;
pub mod volume;

use polars::prelude::*;
use serde::Serialize;

use crate::config::Config;
use crate::coverage::{Basis, Coverage, NotMeasured};
use crate::error::Result;
use crate::join::JoinCounts;
use crate::load::FileStats;
use crate::model::CAPTURED_AT;
use crate::period::Period;

/// Bumped whenever a field of `metrics.json` changes meaning or shape.
pub const SCHEMA_VERSION: u32 = 2;

/// What every section reads.
pub struct Ctx<'a> {
    pub ledger: &'a DataFrame,
    pub period: &'a Period,
    pub as_of: i64,
    pub config: &'a Config,
    /// What the inputs can measure.
    pub coverage: &'a Coverage,
}

impl Ctx<'_> {
    /// Leads captured in `[start, end)`.
    pub fn cohort_between(&self, start: i64, end: i64) -> LazyFrame {
        self.ledger.clone().lazy().filter(
            col(CAPTURED_AT)
                .gt_eq(lit(start))
                .and(col(CAPTURED_AT).lt(lit(end))),
        )
    }

    /// The period's cohort: leads captured in it.
    pub fn cohort(&self) -> LazyFrame {
        self.cohort_between(self.period.start, self.period.end)
    }

    /// The same context for another period (for trends).
    pub fn for_period<'b>(&'b self, period: &'b Period) -> Ctx<'b> {
        Ctx {
            ledger: self.ledger,
            period,
            as_of: self.as_of,
            config: self.config,
            coverage: self.coverage,
        }
    }
}

/// The input accounting: per file, and what the joins did.
#[derive(Debug, Clone, Serialize)]
pub struct Accounting {
    pub files: Vec<FileStats>,
    pub joins: JoinCounts,
    /// Rejected rows by reason (a row with several problems counts under each),
    /// most first.
    pub rejected_by_reason: Vec<(String, u64)>,
    /// For every file, rows read = rows used + rows rejected.
    pub balanced: bool,
}

/// `metrics.json`.
#[derive(Debug, Clone, Serialize)]
pub struct Metrics {
    pub schema_version: u32,
    pub tool_version: &'static str,
    pub business: String,
    pub currency: String,
    pub time_zone: &'static str,
    pub period: Period,
    /// Local ISO 8601.
    pub as_of: String,
    /// FNV-1a 64 of the config in force (as JSON), to tell runs with different configs apart.
    pub config_digest: String,
    pub accounting: Accounting,
    /// What the inputs can measure: every basis, measured or not, and why.
    pub coverage: Coverage,
    /// Every figure that is null because its basis is not measured, with the
    /// reason and what would measure it.
    pub not_measured: Vec<NotMeasured>,
    pub volume: volume::Volume,
    /// The period's meetings, proposals, wins and losses, whatever week the lead came in.
    pub activity: activity::Activity,
    /// Null when first touch is not measured.
    pub response: Option<response::Response>,
    /// Null when first touch is not measured.
    pub speed_to_lead: Option<speed::SpeedToLead>,
    /// Null when first touch is not measured.
    pub sla: Option<sla::Sla>,
    /// Routing lag and rep response; null when assignment is not measured.
    pub routing: Option<routing::Routing>,
    pub stages: stages::Stages,
    pub campaigns: campaigns::Campaigns,
    /// Spend and what it bought, per campaign and source, over 1, 4 and 12 weeks.
    pub marketing: marketing::Marketing,
    pub lost_reasons: lost::LostReasons,
    pub leakage: leakage::Leakage,
    pub pipeline: pipeline::PipelineRisk,
    pub data_quality: quality::Quality,
    pub trend: trend::Trend,
    pub review: review::Review,
    /// The first screen: headlines against targets, findings, three actions.
    pub verdict: verdict::Verdict,
}

/// Computes every section.
pub fn compute(
    ctx: &Ctx,
    files: Vec<FileStats>,
    joins: JoinCounts,
    rejected_by_reason: Vec<(String, u64)>,
    orphans: &DataFrame,
    spend: Option<&DataFrame>,
) -> Result<Metrics> {
    let tz = ctx.config.calendar.time_zone.0;
    let balanced = files
        .iter()
        .all(|f| f.rows_read == f.rows_used + f.rows_rejected);
    let touch = ctx.coverage.measured(Basis::FirstTouch);
    let stages = stages::compute(ctx)?;
    let sla = touch.then(|| sla::compute(ctx)).transpose()?;
    let lost_reasons = lost::compute(ctx)?;
    let pipeline = pipeline::compute(ctx)?;
    let leakage = leakage::compute(ctx)?;
    let review = review::compute(&stages, sla.as_ref(), &lost_reasons, &pipeline, &leakage);
    let mut metrics = Metrics {
        schema_version: SCHEMA_VERSION,
        tool_version: env!("CARGO_PKG_VERSION"),
        business: ctx.config.business.name.clone(),
        currency: ctx.config.business.currency.clone(),
        time_zone: ctx.config.calendar.time_zone.name(),
        period: ctx.period.clone(),
        as_of: crate::format::local_iso_text(ctx.as_of, tz),
        config_digest: config_digest(ctx.config),
        accounting: Accounting {
            files,
            joins,
            rejected_by_reason,
            balanced,
        },
        coverage: ctx.coverage.clone(),
        not_measured: not_measured(ctx.coverage),
        volume: volume::compute(ctx)?,
        activity: activity::compute(ctx)?,
        response: touch.then(|| response::compute(ctx)).transpose()?,
        speed_to_lead: touch.then(|| speed::compute(ctx)).transpose()?,
        sla,
        routing: ctx
            .coverage
            .measured(Basis::Assignment)
            .then(|| routing::compute(ctx))
            .transpose()?,
        stages,
        campaigns: campaigns::compute(ctx, spend)?,
        marketing: marketing::compute(ctx, spend)?,
        lost_reasons,
        leakage,
        pipeline,
        data_quality: quality::compute(ctx, orphans)?,
        trend: trend::compute(ctx)?,
        review,
        verdict: verdict::Verdict::default(),
    };
    metrics.verdict = verdict::compute(&metrics, ctx.config);
    Ok(metrics)
}

/// Each figure of metrics.json and the basis it stands on: a figure is null
/// (listed in `not_measured`) when its basis is not measured.
pub const FIGURES: [(&str, Basis); 17] = [
    ("response", Basis::FirstTouch),
    ("speed_to_lead", Basis::FirstTouch),
    ("sla", Basis::FirstTouch),
    ("trend.weeks[].sla_compliance", Basis::FirstTouch),
    ("trend.weeks[].median_business_response", Basis::FirstTouch),
    ("leakage.*.untouched_past_due", Basis::FirstTouch),
    ("sla.attempts", Basis::Attempts),
    ("routing", Basis::Assignment),
    ("stages.*.conversions (assigned)", Basis::Assignment),
    ("stages.*.conversions (qualified)", Basis::Qualified),
    ("stages.*.conversions (meeting)", Basis::Meeting),
    ("stages.*.conversions (proposal)", Basis::Proposal),
    ("stages.*.conversions (won)", Basis::Won),
    ("lost_reasons", Basis::LostReasons),
    ("leakage.*.lost_process", Basis::LostReasons),
    ("leakage.average_deal", Basis::DealValues),
    ("campaigns.leaderboard[].spend", Basis::Spend),
];

/// The figures of [`FIGURES`] that are not measured.
pub fn not_measured(coverage: &Coverage) -> Vec<NotMeasured> {
    FIGURES
        .iter()
        .filter_map(|(figure, basis)| coverage.not_measured(figure, *basis))
        .collect()
}

/// FNV-1a 64 over the config's JSON (its maps are ordered, so the text is stable).
pub fn config_digest(config: &Config) -> String {
    let text = serde_json::to_string(config).unwrap_or_default();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

#[cfg(test)]
pub(crate) mod testing {
    //! A tiny ledger builder for the sections' unit tests.

    use polars::prelude::*;

    use crate::clocks::ledger_columns;
    use crate::config::Config;
    use crate::period::Period;

    /// 2026-W46 in Asia/Kolkata: Monday 2026-11-09 00:00 IST.
    pub fn w46() -> Period {
        Period::iso_week(2026, 46, chrono_tz::Asia::Kolkata).expect("a week")
    }

    /// Epoch ms `minutes` after the week's start.
    pub fn at(minutes: i64) -> i64 {
        w46().start + minutes * 60_000
    }

    /// A ledger with every column, null unless given; `rows` is the row count.
    pub fn ledger(rows: usize, given: Vec<Column>) -> DataFrame {
        let mut columns = Vec::new();
        for name in ledger_columns() {
            if let Some(c) = given.iter().find(|c| c.name().as_str() == name) {
                columns.push(c.clone());
                continue;
            }
            let dtype = dtype_of(name);
            columns.push(Column::full_null(name.into(), rows, &dtype));
        }
        DataFrame::new_infer_height(columns).expect("same heights")
    }

    fn dtype_of(name: &str) -> DataType {
        use crate::model::{LEDGER, LedgerType};
        match LEDGER.iter().find(|c| c.0 == name).map(|c| c.1) {
            Some(LedgerType::Instant) => DataType::Int64,
            Some(LedgerType::Flag) => DataType::Boolean,
            Some(LedgerType::Decimal) => DataType::Float64,
            Some(LedgerType::Count) => DataType::UInt32,
            Some(LedgerType::Text) | None => DataType::String,
        }
    }

    pub fn config() -> Config {
        Config::default()
    }

    /// Week 46 at its end, with the default config and every basis
    /// measured: the usual context of a section's unit test.
    #[derive(Default)]
    pub struct TestWeek {
        config: Config,
        coverage: crate::coverage::Coverage,
    }

    impl TestWeek {
        pub fn ctx<'a>(&'a self, ledger: &'a DataFrame, period: &'a Period) -> super::Ctx<'a> {
            super::Ctx {
                ledger,
                period,
                as_of: period.end,
                config: &self.config,
                coverage: &self.coverage,
            }
        }
    }
}

//! `handoff`: a weekly marketing-to-sales handoff scorecard from the CRM,
//! form and call exports a business already has.
//!
//! Data flows one way: [`load`] reads and parses each export, [`join`]
//! matches forms, calls and deals to leads, [`clocks`] adds response times,
//! SLA and stages, and [`report`] writes the outputs. [`pipeline`] runs them.

pub mod cache;
pub mod calendar;
pub mod cli;
pub mod clocks;
pub mod config;
pub mod coverage;
pub mod error;
pub mod format;
pub mod inspect;
pub mod join;
pub mod load;
pub mod lost;
pub mod metrics;
pub mod model;
pub mod period;
pub mod phone;
pub mod pipeline;
pub mod report;
pub mod sample;
pub mod summary;

pub use error::{HandoffError, Result};

/// The configured time zone as polars names it.
pub fn polars_tz(config: &config::Config) -> polars::prelude::TimeZone {
    polars::prelude::TimeZone::from_chrono(&config.calendar.time_zone.0)
}

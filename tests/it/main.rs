//! Integration tests: one binary (polars links once), a module per topic.

mod accounting;
mod chunks;
mod cli;
mod contract;
mod corpus;
mod html;
mod ledger;
mod partial_reads;
mod phones;
mod presets;
mod properties;
mod real_exports;
mod regression;
mod safety;
mod sample;
mod scorecard;
mod support;
mod whole_files;

//! The analysis engine: pure Rust, no browser code, shared by the app and the CLI.

pub mod actions;
pub mod churn;
pub mod clv;
pub mod cohort;
pub mod demo;
pub mod filter;
pub mod i18n;
pub mod import;
pub mod kpi;
pub mod lifecycle;
pub mod loyalty;
pub mod migration;
pub mod model;
pub mod period;
pub mod predict;
pub mod profile;
pub mod profit;
pub mod query;
pub mod rank;
pub mod report;
pub mod rfm;
pub mod rng;
pub mod scan;
pub mod summary;
pub mod tiers;
pub mod value;

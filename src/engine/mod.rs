//! The analysis engine: pure Rust, no browser code, shared by the app and the CLI.

pub mod churn;
pub mod clv;
pub mod demo;
pub mod i18n;
pub mod import;
pub mod model;
pub mod summary;

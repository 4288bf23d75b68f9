//! TierLens: customer value and loyalty analysis that runs in the browser.
//!
//! `engine` is pure Rust (data in, report out) and is shared by the CLI and the app;
//! `app` is the Leptos user interface, compiled only with the `ui` feature.

pub mod engine;

#[cfg(feature = "ui")]
pub mod app;

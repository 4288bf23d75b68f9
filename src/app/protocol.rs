//! Messages between the page and the engine's Web Worker.
//!
//! Each message is a JS object `{ id, json, bytes }`: the request or response as JSON (the
//! engine's report types use internally tagged enums, which compact binary formats cannot
//! read back) and binary attachments - the user's files, or a dataset as postcard bytes -
//! so that megabytes never go through JSON.

use super::store::{StoreRequest, StoreResponse};
use crate::engine::clv::ClvReport;
use crate::engine::filter::FilterOptions;
use crate::engine::i18n::Lang;
use crate::engine::import::{ErrorKind, ImportOptions, ImportReport, Preview, Progress, TableKind};
use crate::engine::model::{Dataset, Day};
use crate::engine::predict::Prediction;
use crate::engine::profile::Profile;
use crate::engine::query::{RowPage, RowQuery};
use crate::engine::report::{Report, Settings};
use crate::engine::summary::Summary;
use js_sys::{Array, Object, Reflect, Uint8Array};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Request {
    /// Detect encoding, header and mapping of one table's file (attached).
    Preview {
        table: TableKind,
        name: String,
        options: ImportOptions,
    },
    /// Import the files, attached in this order: orders, then customers and interactions
    /// when named. The worker keeps the dataset for the analyses that follow.
    Import {
        orders: String,
        customers: Option<String>,
        interactions: Option<String>,
        options: ImportOptions,
    },
    /// Make the built-in demo the worker's dataset.
    Demo,
    /// Run every analysis on the worker's dataset; the worker keeps the report for `Rows`.
    Analyze { settings: Box<Settings> },
    /// A page of the last report's customer rows.
    Rows(RowQuery),
    /// Fit BG/NBD and Gamma-Gamma on a calibration period and compare with the holdout that
    /// follows: `split` is (calibration end, holdout end), default `clv::default_split` before
    /// `as_of` (default the day after the last order).
    Validate {
        split: Option<(Day, Day)>,
        as_of: Option<Day>,
    },
    /// Workspaces in IndexedDB (list, open, save, export...), done where the dataset lives.
    Store(StoreRequest),
    /// The last report's churn-risk list as an Excel CSV, attached to the answer.
    ExportChurn { lang: Lang },
    /// The 360-degree profile of one customer of the last report.
    Profile { key: String },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Response {
    /// The worker's handler is in place; sent once, unasked.
    Ready,
    Progress(Progress),
    /// An analysis reached this step (more messages follow).
    Step(AnalysisStep),
    Preview(Box<Preview>),
    /// The dataset itself is attached as postcard bytes (see the module comment).
    Imported {
        report: Box<ImportReport>,
        summary: Summary,
        /// Worker time from the bytes to the dataset, for the user and the browser benchmark.
        elapsed_ms: f64,
    },
    Loaded {
        summary: Summary,
    },
    Analyzed(Box<Overview>),
    Rows(RowPage),
    /// The validation run without its per-customer predictions.
    Validated {
        report: Box<ClvReport>,
        elapsed_ms: f64,
    },
    Store(StoreResponse),
    Profile(Box<Profile>),
    /// A file to download; its bytes are attached.
    Export {
        file_name: String,
    },
    Failed(Failure),
}

impl Response {
    /// Progress is followed by more messages; everything else ends the request.
    pub fn is_final(&self) -> bool {
        !matches!(
            self,
            Response::Progress(_) | Response::Step(_) | Response::Ready
        )
    }
}

/// The steps of `Request::Analyze`, for the progress bar of an analysis that takes a while.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AnalysisStep {
    /// Tiers, migration, RFM, scores, lifecycle, cohorts, KPIs, actions.
    Analysing,
    /// Fitting BG/NBD and Gamma-Gamma and scoring churn risk (skipped when the last fit
    /// still holds).
    Predicting,
}

impl AnalysisStep {
    pub const COUNT: usize = 2;

    /// 1-based position, for "step n of COUNT".
    pub fn number(self) -> usize {
        self as usize + 1
    }

    /// For a progress bar: halfway through this step's share (a step reports no fraction).
    pub fn fraction(self) -> f64 {
        (self as usize as f64 + 0.5) / Self::COUNT as f64
    }
}

/// A report without its per-customer rows and tier history, which stay in the worker (100,000
/// rows are megabytes of JSON); pages ask for the rows they show with `Request::Rows`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    pub report: Report,
    /// Rows in the full report.
    pub customers: usize,
    /// The values the filter bar offers (of the whole dataset, not the filtered customers).
    pub options: FilterOptions,
    /// Worker time of `report::analyze`, for the user and the browser benchmark.
    pub elapsed_ms: f64,
    /// The churn and CLV models' fit, whose figures are in the rows (`predict::predict`).
    pub prediction: Prediction,
    /// Worker time of the prediction.
    pub predict_ms: f64,
}

/// An error the user can act on: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Failure {
    pub file: String,
    pub line: Option<u64>,
    pub column: Option<String>,
    pub message: String,
    /// The dates read both day-first and month-first: ask which.
    pub ambiguous_dates: bool,
    pub cancelled: bool,
    /// The import's error, for the page to word in the user's language (`message` is
    /// English); `None` for failures that are not about a file.
    #[serde(default)]
    pub kind: Option<ErrorKind>,
}

impl Failure {
    /// A failure that is not about a file (the worker could not start, a bad message).
    pub fn internal(message: String) -> Self {
        Failure {
            file: String::new(),
            line: None,
            column: None,
            message,
            ambiguous_dates: false,
            cancelled: false,
            kind: None,
        }
    }
}

/// Posts `body` as JSON with binary `attachments` (ArrayBuffers or typed arrays), which the
/// structured clone copies without any encoding.
pub fn to_js(id: u32, body: &impl Serialize, attachments: &[JsValue]) -> JsValue {
    let obj = Object::new();
    let json = serde_json::to_string(body).expect("messages serialise");
    let _ = Reflect::set(&obj, &"id".into(), &id.into());
    let _ = Reflect::set(&obj, &"json".into(), &json.into());
    let list: Array = attachments.iter().collect();
    let _ = Reflect::set(&obj, &"bytes".into(), &list);
    obj.into()
}

pub fn from_js<T: DeserializeOwned>(value: &JsValue) -> Result<(u32, T, Vec<JsValue>), String> {
    let field = |name: &str| Reflect::get(value, &name.into()).map_err(|_| format!("no {name}"));
    let id = field("id")?.as_f64().ok_or("bad id")? as u32;
    let json = field("json")?.as_string().ok_or("bad json")?;
    let body = serde_json::from_str(&json).map_err(|e| e.to_string())?;
    let attachments = Array::from(&field("bytes")?).to_vec();
    Ok((id, body, attachments))
}

/// The bytes of an attachment (an ArrayBuffer or a typed array).
pub fn bytes_of(value: &JsValue) -> Vec<u8> {
    Uint8Array::new(value).to_vec()
}

pub fn encode_dataset(ds: &Dataset) -> Vec<u8> {
    postcard::to_stdvec(ds).expect("a dataset always serialises")
}

pub fn decode_dataset(bytes: &[u8]) -> Result<Dataset, String> {
    postcard::from_bytes(bytes).map_err(|e| e.to_string())
}

//! The Web Worker side: runs imports and analyses off the page's thread and keeps the
//! current dataset, so the page never holds or decodes a million orders.

use super::protocol::{
    AnalysisStep, Failure, Overview, Request, Response, bytes_of, decode_dataset, encode_dataset,
    from_js, to_js,
};
use super::store::{
    self, FileProblem, Source, StoreError, StoreRequest, StoreResponse, Workspace, WorkspaceMeta,
};
use crate::engine::import::{self, ErrorKind, Files, ImportError};
use crate::engine::model::Dataset;
use crate::engine::predict::{self, PredictSettings};
use crate::engine::report::Report;
use crate::engine::summary::Summary;
use crate::engine::{clv, demo, export, filter, profile, query, report, scan, summary::summarize};
use js_sys::{Array, Uint8Array};
use std::cell::{Cell, RefCell};
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

thread_local! {
    static DATASET: RefCell<Option<Dataset>> = const { RefCell::new(None) };
    /// The last report, for the pages of customer rows.
    static REPORT: RefCell<Option<Report>> = const { RefCell::new(None) };
    /// The files of the last import, for the workspace made from it.
    static IMPORTED_FROM: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    /// Counts dataset replacements: an `Open` overtaken while it read must not replace the newer.
    static OPENING: Cell<u32> = const { Cell::new(0) };
    /// The last row query (offset and limit zeroed) and its rows in order, so that scrolling
    /// through one query filters and sorts once, not once per page.
    static PICKED: RefCell<Option<(query::RowQuery, Vec<u32>)>> = const { RefCell::new(None) };
    /// The last churn and CLV figures: a settings change that keeps the date and the filter
    /// (tier rule, weights, bins) reuses them instead of refitting the models.
    static SCORED: RefCell<Option<predict::Scored>> = const { RefCell::new(None) };
    /// The dataset's filter choices, listed once per dataset.
    static OPTIONS: RefCell<Option<filter::FilterOptions>> = const { RefCell::new(None) };
}

/// Entry point of the worker binary.
pub fn serve() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_scope = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let post = |id: u32, body: &Response, dataset: Option<Vec<u8>>| {
            post_to(&reply_scope, id, body, dataset);
        };
        match from_js::<Request>(&event.data()) {
            Ok((id, Request::Store(request), attachments)) => {
                // IndexedDB answers later: the reply is posted when the work is done.
                let scope = reply_scope.clone();
                let file = attachments.first().map(bytes_of);
                wasm_bindgen_futures::spawn_local(async move {
                    let (body, bytes) = serve_store(request, file).await;
                    post_to(&scope, id, &Response::Store(body), bytes);
                });
            }
            Ok((id, request, attachments)) => {
                let files: Vec<Vec<u8>> = attachments.iter().map(bytes_of).collect();
                handle(request, &files, &|body, dataset| post(id, &body, dataset));
            }
            Err(message) => post(0, &Response::Failed(Failure::internal(message)), None),
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let _ = scope.post_message(&to_js(0, &Response::Ready, &[]));
}

/// Posts `body` with the dataset's bytes (if any) transferred, not copied.
fn post_to(scope: &DedicatedWorkerGlobalScope, id: u32, body: &Response, bytes: Option<Vec<u8>>) {
    let attachments: Vec<JsValue> = bytes
        .map(|bytes| Uint8Array::from(bytes.as_slice()).buffer().into())
        .into_iter()
        .collect();
    let transfer: Array = attachments.iter().collect();
    let message = to_js(id, body, &attachments);
    let _ = scope.post_message_with_transfer(&message, &transfer);
}

fn handle(request: Request, files: &[Vec<u8>], reply: &dyn Fn(Response, Option<Vec<u8>>)) {
    let file = |i: usize| files.get(i).map_or(&[][..], Vec::as_slice);
    match request {
        Request::Preview {
            table,
            name,
            options,
        } => match import::preview(file(0), &name, table, &options) {
            Ok(preview) => {
                reply(Response::Preview(Box::new(preview)), None);
                if table == import::TableKind::Orders {
                    warm_up_import(file(0), &name, &options);
                }
            }
            Err(e) => reply(Response::Failed(failure(&e)), None),
        },
        Request::Import {
            orders,
            customers,
            interactions,
            options,
        } => {
            let sources = [Some(&orders), customers.as_ref(), interactions.as_ref()];
            let sources = sources.into_iter().flatten().cloned().collect();
            let mut files = Files::orders(&orders, file(0));
            let mut next = 1;
            if let Some(name) = &customers {
                files = files.customers(name, file(next));
                next += 1;
            }
            if let Some(name) = &interactions {
                files = files.interactions(name, file(next));
            }
            // Progress is posted at most every 2% so the page is not flooded.
            let mut last = -1.0f32;
            let mut progress = |p: import::Progress| {
                if p.fraction - last >= 0.02 || p.fraction < last || p.fraction >= 1.0 {
                    last = p.fraction;
                    reply(Response::Progress(p), None);
                }
                true
            };
            let started = js_sys::Date::now();
            match import::import_with_progress(&files, &options, &mut progress) {
                Ok(imported) => {
                    let elapsed_ms = js_sys::Date::now() - started;
                    let bytes = encode_dataset(&imported.dataset);
                    let summary = replace_dataset(imported.dataset);
                    IMPORTED_FROM.with(|s| *s.borrow_mut() = sources);
                    let report = Box::new(imported.report);
                    let body = Response::Imported {
                        report,
                        summary,
                        elapsed_ms,
                    };
                    reply(body, Some(bytes));
                }
                Err(e) => reply(Response::Failed(failure(&e)), None),
            }
        }
        Request::Analyze { settings } => {
            reply(Response::Step(AnalysisStep::Analysing), None);
            let started = js_sys::Date::now();
            let overview = DATASET.with(|d| {
                d.borrow().as_ref().map(|dataset| {
                    let mut report = report::analyze(dataset, &settings);
                    let elapsed_ms = js_sys::Date::now() - started;
                    let model = PredictSettings::default();
                    let prediction = SCORED.with(|s| {
                        let mut s = s.borrow_mut();
                        if !s.as_ref().is_some_and(|s| s.fits(&report, &model)) {
                            reply(Response::Step(AnalysisStep::Predicting), None);
                            *s = Some(predict::score(dataset, &report, &model));
                        }
                        s.as_ref().expect("scored above").apply(&mut report)
                    });
                    let predict_ms = js_sys::Date::now() - started - elapsed_ms;
                    let options = OPTIONS.with(|o| {
                        o.borrow_mut()
                            .get_or_insert_with(|| filter::options(dataset))
                            .clone()
                    });
                    let rows = std::mem::take(&mut report.customers);
                    let history = std::mem::take(&mut report.tier_history);
                    let overview = Overview {
                        customers: rows.len(),
                        options,
                        elapsed_ms,
                        prediction,
                        predict_ms,
                        report,
                    };
                    let mut kept = overview.report.clone();
                    kept.customers = rows;
                    kept.tier_history = history;
                    REPORT.with(|r| *r.borrow_mut() = Some(kept));
                    PICKED.with(|p| *p.borrow_mut() = None);
                    overview
                })
            });
            match overview {
                Some(o) => reply(Response::Analyzed(Box::new(o)), None),
                None => reply(Response::Failed(no_dataset()), None),
            }
        }
        Request::Validate { split, as_of } => {
            let started = js_sys::Date::now();
            let run = DATASET.with(|d| {
                let d = d.borrow();
                let dataset = d.as_ref()?;
                let as_of = as_of.unwrap_or_else(|| scan::default_as_of(dataset));
                let (first, _) = dataset.day_range()?;
                let (calibration_end, holdout_end) =
                    split.or_else(|| clv::default_split(first, as_of))?;
                let mut settings = clv::ClvSettings::new(calibration_end);
                settings.holdout_end = Some(holdout_end);
                let mut report = clv::fit(dataset, &settings);
                report.predictions = Vec::new();
                Some(report)
            });
            match run {
                Some(report) => reply(
                    Response::Validated {
                        report: Box::new(report),
                        elapsed_ms: js_sys::Date::now() - started,
                    },
                    None,
                ),
                None => reply(
                    Response::Failed(Failure::internal("not enough history to validate".into())),
                    None,
                ),
            }
        }
        Request::Rows(q) => {
            let key = query::RowQuery {
                offset: 0,
                limit: 0,
                ..q.clone()
            };
            let page = REPORT.with(|r| {
                let report = r.borrow();
                let report = report.as_ref()?;
                PICKED.with(|p| {
                    let mut picked = p.borrow_mut();
                    if picked.as_ref().is_none_or(|(k, _)| *k != key) {
                        *picked = Some((key, query::select(report, &q)));
                    }
                    let (_, rows) = picked.as_ref().expect("just set");
                    Some(query::page(report, rows, q.offset, q.limit))
                })
            });
            match page {
                Some(page) => reply(Response::Rows(page), None),
                None => reply(Response::Failed(no_dataset()), None),
            }
        }
        Request::Store(_) => unreachable!("served asynchronously in `serve`"),
        Request::ExportChurn { lang } => {
            match REPORT.with(|r| r.borrow().as_ref().map(|r| export::churn_csv(r, lang))) {
                Some(text) => reply(
                    Response::Export {
                        file_name: "tierlens-churn-risk.csv".into(),
                    },
                    Some(text.into_bytes()),
                ),
                None => reply(Response::Failed(no_dataset()), None),
            }
        }
        Request::Profile { key } => {
            let found = DATASET.with(|d| {
                REPORT.with(|r| match (d.borrow().as_ref(), r.borrow().as_ref()) {
                    (Some(ds), Some(report)) => Ok(profile::profile(ds, report, &key)),
                    _ => Err(no_dataset()),
                })
            });
            match found {
                Ok(Some(p)) => reply(Response::Profile(Box::new(p)), None),
                Ok(None) => reply(
                    Response::Failed(Failure::internal(format!("unknown customer: {key}"))),
                    None,
                ),
                Err(f) => reply(Response::Failed(f), None),
            }
        }
        Request::Demo => {
            let summary = replace_dataset(demo::generate().dataset());
            reply(Response::Loaded { summary }, None);
        }
    }
}

/// Imports and analyses the first 256 KB of an orders file and drops the result, while the
/// user looks at the preview. WebAssembly has no on-stack replacement: V8 runs the importer's
/// one long loop in its baseline code for the whole of the first import, and only the next
/// call gets the optimised code. This call is that first one (a few dozen ms), so the real
/// import and analysis are fast the first time too (1,000,000 lines: import 0.64 s cold
/// against 0.38 s warm before this, 0.43 s cold after).
fn warm_up_import(bytes: &[u8], name: &str, options: &import::ImportOptions) {
    const WARM_UP_BYTES: usize = 256 * 1024;
    if bytes.len() <= WARM_UP_BYTES {
        return;
    }
    let cut = bytes[..WARM_UP_BYTES]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(WARM_UP_BYTES, |i| i + 1);
    if let Ok(imported) = import::import_orders(&bytes[..cut], name, options) {
        report::analyze(&imported.dataset, &report::Settings::default());
    }
}

fn no_dataset() -> Failure {
    Failure::internal("no dataset is open".into())
}

fn failure(e: &ImportError) -> Failure {
    Failure {
        file: e.file.clone(),
        line: e.line,
        column: e.column.clone(),
        message: e.message(),
        ambiguous_dates: matches!(e.kind, ErrorKind::AmbiguousDates { .. }),
        cancelled: matches!(e.kind, ErrorKind::Cancelled),
        kind: Some(e.kind.clone()),
    }
}

/// Makes `dataset` the worker's, dropping the report of the one before; an `Open` still
/// reading from IndexedDB then knows it was overtaken.
fn replace_dataset(dataset: Dataset) -> Summary {
    OPENING.with(|o| o.set(o.get() + 1));
    let summary = summarize(&dataset);
    DATASET.with(|d| *d.borrow_mut() = Some(dataset));
    REPORT.with(|r| *r.borrow_mut() = None);
    PICKED.with(|p| *p.borrow_mut() = None);
    SCORED.with(|s| *s.borrow_mut() = None);
    OPTIONS.with(|o| *o.borrow_mut() = None);
    summary
}

/// Storage requests: the dataset goes between this worker and IndexedDB without ever
/// crossing to the page (only an exported file does, to be downloaded).
async fn serve_store(
    request: StoreRequest,
    file: Option<Vec<u8>>,
) -> (StoreResponse, Option<Vec<u8>>) {
    match store_request(request, file).await {
        Ok(answer) => answer,
        Err(e) => (StoreResponse::Failed(e), None),
    }
}

async fn store_request(
    request: StoreRequest,
    file: Option<Vec<u8>>,
) -> Result<(StoreResponse, Option<Vec<u8>>), StoreError> {
    let now = js_sys::Date::now();
    let answer = match request {
        StoreRequest::List => {
            let (workspaces, unreadable) = store::list().await?;
            StoreResponse::Listed {
                workspaces,
                unreadable,
            }
        }
        StoreRequest::Create {
            name,
            demo,
            settings,
        } => {
            let (source, bytes, summary) = if demo {
                let summary = replace_dataset(demo::generate().dataset());
                (Source::Demo, None, summary)
            } else {
                let data = DATASET.with(|d| {
                    let d = d.borrow();
                    d.as_ref().map(|ds| (encode_dataset(ds), summarize(ds)))
                });
                let (bytes, summary) =
                    data.ok_or_else(|| StoreError::Other("no dataset is open".into()))?;
                let files = IMPORTED_FROM.with(|s| s.borrow().clone());
                (Source::Files(files), Some(bytes), summary)
            };
            let workspace = Workspace {
                meta: WorkspaceMeta {
                    id: store::new_id(),
                    name,
                    created_ms: now,
                    updated_ms: now,
                    source,
                    summary,
                },
                settings: *settings,
            };
            // The data stays open for this session even when it cannot be stored.
            let unsaved = store::save(&workspace, bytes.as_deref()).await.err();
            StoreResponse::Opened {
                workspace: Box::new(workspace),
                unsaved,
            }
        }
        StoreRequest::Open { id } => {
            let ticket = OPENING.with(Cell::get);
            let (mut workspace, bytes) = store::load(&id).await?;
            let dataset = match bytes {
                Some(bytes) => decode_dataset(&bytes).map_err(StoreError::Damaged)?,
                None => demo::generate().dataset(),
            };
            if OPENING.with(Cell::get) != ticket {
                return Err(StoreError::Other("superseded by a newer open".into()));
            }
            workspace.meta.summary = replace_dataset(dataset);
            StoreResponse::Opened {
                workspace: Box::new(workspace),
                unsaved: None,
            }
        }
        StoreRequest::SaveSettings { id, settings } => {
            let mut workspace = store::load_workspace(&id).await?;
            workspace.settings = *settings;
            workspace.meta.updated_ms = now;
            store::save(&workspace, None).await?;
            StoreResponse::Saved(Box::new(workspace.meta))
        }
        StoreRequest::Rename { id, name } => {
            let mut workspace = store::load_workspace(&id).await?;
            workspace.meta.name = name;
            workspace.meta.updated_ms = now;
            store::save(&workspace, None).await?;
            StoreResponse::Saved(Box::new(workspace.meta))
        }
        StoreRequest::Duplicate { id, name } => {
            let (mut workspace, bytes) = store::load(&id).await?;
            workspace.meta.id = store::new_id();
            workspace.meta.name = name;
            workspace.meta.created_ms = now;
            workspace.meta.updated_ms = now;
            store::save(&workspace, bytes.as_deref()).await?;
            StoreResponse::Saved(Box::new(workspace.meta))
        }
        StoreRequest::Delete { id } => {
            store::delete(&id).await?;
            StoreResponse::Deleted
        }
        StoreRequest::DeleteAll => {
            store::delete_all().await?;
            StoreResponse::Deleted
        }
        StoreRequest::Export { id } => {
            let (workspace, bytes) = store::load(&id).await?;
            let file = store::encode_file(&workspace, bytes.as_deref());
            let file_name = store::file_name(&workspace.meta.name);
            return Ok((StoreResponse::Exported { file_name }, Some(file)));
        }
        StoreRequest::Import { file: name } => {
            let bad = |problem| StoreError::BadFile {
                file: name.clone(),
                problem,
            };
            let bytes = file.ok_or_else(|| bad(FileProblem::Truncated))?;
            let (mut workspace, dataset) = store::decode_file(&bytes).map_err(bad)?;
            // The figures are recomputed from the data, not trusted from the file.
            let data = match &dataset {
                Some(bytes) => decode_dataset(bytes).map_err(|e| bad(FileProblem::Damaged(e)))?,
                None => demo::generate().dataset(),
            };
            workspace.meta.summary = summarize(&data);
            workspace.meta.id = store::new_id();
            workspace.meta.updated_ms = now;
            store::save(&workspace, dataset.as_deref()).await?;
            StoreResponse::Saved(Box::new(workspace.meta))
        }
    };
    Ok((answer, None))
}

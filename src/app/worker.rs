//! The Web Worker side: runs imports and analyses off the page's thread and keeps the
//! current dataset, so the page never holds or decodes a million orders.

use super::protocol::{
    Failure, Overview, Request, Response, bytes_of, encode_dataset, from_js, to_js,
};
use crate::engine::import::{self, ErrorKind, Files, ImportError};
use crate::engine::model::Dataset;
use crate::engine::report::Report;
use crate::engine::{demo, filter, profile, query, report, summary::summarize};
use js_sys::{Array, Uint8Array};
use std::cell::RefCell;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

thread_local! {
    static DATASET: RefCell<Option<Dataset>> = const { RefCell::new(None) };
    /// The last report, for the pages of customer rows.
    static REPORT: RefCell<Option<Report>> = const { RefCell::new(None) };
    /// The last row query (offset and limit zeroed) and its rows in order, so that scrolling
    /// through one query filters and sorts once, not once per page.
    static PICKED: RefCell<Option<(query::RowQuery, Vec<u32>)>> = const { RefCell::new(None) };
}

/// Entry point of the worker binary.
pub fn serve() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_scope = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let post = |id: u32, body: &Response, dataset: Option<Vec<u8>>| {
            let attachments: Vec<JsValue> = dataset
                .map(|bytes| Uint8Array::from(bytes.as_slice()).buffer().into())
                .into_iter()
                .collect();
            let transfer: Array = attachments.iter().collect();
            let message = to_js(id, body, &attachments);
            let _ = reply_scope.post_message_with_transfer(&message, &transfer);
        };
        match from_js::<Request>(&event.data()) {
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

fn handle(request: Request, files: &[Vec<u8>], reply: &dyn Fn(Response, Option<Vec<u8>>)) {
    let file = |i: usize| files.get(i).map_or(&[][..], Vec::as_slice);
    match request {
        Request::Preview {
            table,
            name,
            options,
        } => match import::preview(file(0), &name, table, &options) {
            Ok(preview) => reply(Response::Preview(Box::new(preview)), None),
            Err(e) => reply(Response::Failed(failure(&e)), None),
        },
        Request::Import {
            orders,
            customers,
            interactions,
            options,
        } => {
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
                    let summary = summarize(&imported.dataset);
                    let bytes = encode_dataset(&imported.dataset);
                    DATASET.with(|d| *d.borrow_mut() = Some(imported.dataset));
                    REPORT.with(|r| *r.borrow_mut() = None);
                    PICKED.with(|p| *p.borrow_mut() = None);
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
            let started = js_sys::Date::now();
            let overview = DATASET.with(|d| {
                d.borrow().as_ref().map(|dataset| {
                    let mut report = report::analyze(dataset, &settings);
                    let elapsed_ms = js_sys::Date::now() - started;
                    let rows = std::mem::take(&mut report.customers);
                    let history = std::mem::take(&mut report.tier_history);
                    let overview = Overview {
                        customers: rows.len(),
                        options: filter::options(dataset),
                        elapsed_ms,
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
            let dataset = demo::generate().dataset();
            let summary = summarize(&dataset);
            DATASET.with(|d| *d.borrow_mut() = Some(dataset));
            REPORT.with(|r| *r.borrow_mut() = None);
            PICKED.with(|p| *p.borrow_mut() = None);
            reply(Response::Loaded { summary }, None);
        }
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
    }
}

//! The "open files" flow: choose or drop the orders file (and optionally customers and
//! interactions), check the detected encoding, header and column mapping, edit it, import in
//! the worker with progress and cancel, then read the report of every skipped and rejected
//! line. All parsing is the engine's (`engine::import`); this page only shows and edits.

use super::i18n::{self, texts};
use super::protocol::{Failure, Request, Response};
use super::{Loaded, bridge, format, use_lang};
use crate::engine::import::{
    DateOrder, Field, ImportOptions, ImportReport, Preview, Progress, TableKind,
};
use gloo::storage::{LocalStorage, Storage};
use leptos::prelude::*;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::Arc;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

const TABLES: [TableKind; 3] = [
    TableKind::Orders,
    TableKind::Customers,
    TableKind::Interactions,
];
/// Rows of the rejected list rendered; the download has them all.
const SHOWN_ROWS: usize = 200;

thread_local! {
    /// The chosen files' bytes stay in JS memory (ArrayBuffers) and go to the worker as they are.
    static FILES: RefCell<[Option<(String, JsValue)>; 3]> = const { RefCell::new([None, None, None]) };
}

fn slot(table: TableKind) -> usize {
    TABLES
        .iter()
        .position(|&t| t == table)
        .expect("known table")
}

fn saved_mapping_key(table: TableKind) -> String {
    format!("tierlens.mapping.{}", table.name())
}

/// One table's state on the page.
#[derive(Clone, Default)]
struct TableState {
    name: Option<String>,
    reading: bool,
    preview: Option<Arc<Preview>>,
    error: Option<Failure>,
}

#[derive(Clone)]
enum Phase {
    Choosing,
    Importing(Option<Progress>),
    Failed(Failure),
    Done(Arc<ImportReport>, Loaded, f64),
}

#[component]
pub fn Import(on_done: Callback<Loaded>) -> impl IntoView {
    let lang = use_lang();
    let t = move || texts(lang.get());
    let states = TABLES.map(|_| RwSignal::new(TableState::default()));
    let options = RwSignal::new(ImportOptions::new());
    let phase = RwSignal::new(Phase::Choosing);

    let state_of = move |table: TableKind| states[slot(table)];

    // Re-detects a table's layout with the current options (cheap: the worker reads the head).
    let refresh = move |table: TableKind| {
        let Some((name, bytes)) = FILES.with(|f| f.borrow()[slot(table)].clone()) else {
            return;
        };
        state_of(table).update(|s| s.reading = true);
        let request = Request::Preview {
            table,
            name,
            options: options.get_untracked(),
        };
        bridge::call(request, &[bytes], move |response, _| {
            state_of(table).update(|s| {
                s.reading = false;
                match response {
                    Response::Preview(p) => {
                        s.preview = Some(Arc::from(p));
                        s.error = None;
                    }
                    Response::Failed(f) => {
                        s.preview = None;
                        s.error = Some(f);
                    }
                    _ => {}
                }
            });
        });
    };

    let choose = move |table: TableKind, file: web_sys::File| {
        let name = file.name();
        state_of(table).set(TableState {
            name: Some(name.clone()),
            reading: true,
            ..TableState::default()
        });
        phase.set(Phase::Choosing);
        // A mapping saved for this kind of table is tried first.
        let saved = LocalStorage::get::<BTreeMap<Field, String>>(saved_mapping_key(table)).ok();
        options.update(|o| {
            let table_options = o.table_mut(table);
            *table_options = Default::default();
            table_options.mapping = saved.unwrap_or_default();
        });
        leptos::task::spawn_local(async move {
            match JsFuture::from(file.array_buffer()).await {
                Ok(buffer) => {
                    FILES.with(|f| f.borrow_mut()[slot(table)] = Some((name, buffer)));
                    refresh(table);
                }
                Err(e) => state_of(table).update(|s| {
                    s.reading = false;
                    s.error = Some(Failure::internal(format!("{e:?}")));
                }),
            }
        });
    };

    let remove = move |table: TableKind| {
        FILES.with(|f| f.borrow_mut()[slot(table)] = None);
        state_of(table).set(TableState::default());
        options.update(|o| *o.table_mut(table) = Default::default());
    };

    let ready = move || {
        states[0].with(|s| s.preview.as_ref().is_some_and(|p| p.missing.is_empty()))
            && states[1..]
                .iter()
                .all(|s| s.with(|s| s.name.is_none() || s.preview.is_some()))
    };

    let start = move |_| {
        let files = FILES.with(|f| f.borrow().clone());
        let Some((orders, orders_bytes)) = files[0].clone() else {
            return;
        };
        let mut attachments = vec![orders_bytes];
        let mut name_of = |i: usize| {
            files[i].clone().map(|(name, bytes)| {
                attachments.push(bytes);
                name
            })
        };
        let customers = name_of(1);
        let interactions = name_of(2);
        let dataset_name = orders.clone();
        let request = Request::Import {
            orders,
            customers,
            interactions,
            options: options.get_untracked(),
        };
        phase.set(Phase::Importing(None));
        bridge::call(
            request,
            &attachments,
            move |response, _dataset| match response {
                Response::Progress(p) => phase.set(Phase::Importing(Some(p))),
                Response::Imported {
                    report,
                    summary,
                    elapsed_ms,
                } => phase.set(Phase::Done(
                    Arc::from(report),
                    Loaded {
                        name: dataset_name.clone(),
                        summary: Arc::new(summary),
                    },
                    elapsed_ms,
                )),
                Response::Failed(f) => phase.set(Phase::Failed(f)),
                _ => {}
            },
        );
    };

    let table_card = move |table: TableKind| {
        let state = state_of(table);
        // Read in the view, so that the card follows the language.
        let labels = move || {
            let t = t();
            match table {
                TableKind::Orders => (t.orders_file, t.required),
                TableKind::Customers => (t.customers_file, t.optional),
                TableKind::Interactions => (t.interactions_file, t.optional),
            }
        };
        let input_id = format!("file-{}", table.name());
        let on_change = move |ev: leptos::ev::Event| {
            let input: web_sys::HtmlInputElement = event_target(&ev);
            if let Some(file) = input.files().and_then(|files| files.get(0)) {
                choose(table, file);
            }
            input.set_value("");
        };
        let on_drop = move |ev: leptos::ev::DragEvent| {
            ev.prevent_default();
            if let Some(file) = ev
                .data_transfer()
                .and_then(|d| d.files())
                .and_then(|f| f.get(0))
            {
                choose(table, file);
            }
        };
        view! {
            <section class="drop" data-table=table.name()
                on:dragover=|ev: leptos::ev::DragEvent| ev.prevent_default()
                on:drop=on_drop>
                <div class="drop-head">
                    <h2>{move || labels().0} <span class="badge">{move || labels().1}</span></h2>
                    <Show when=move || state.with(|s| s.name.is_some())>
                        <button class="btn btn-ghost" on:click=move |_| remove(table)>{move || t().remove}</button>
                    </Show>
                </div>
                <label class="drop-zone" for=input_id.clone()>
                    <span class="drop-file">
                        {move || state.with(|s| s.name.clone()).unwrap_or_else(|| t().drop_or_choose.to_owned())}
                    </span>
                    <span class="muted">{move || t().file_types}</span>
                </label>
                <input id=input_id class="visually-hidden" type="file"
                    accept=".csv,.tsv,.txt,.xlsx,.xlsm,.xls,.ods" on:change=on_change />
                {move || state.with(|s| s.reading).then(|| view! { <p class="muted">{t().reading}</p> })}
                {move || state.with(|s| s.error.clone()).map(|f| view! { <FailureBox failure=f /> })}
                {move || state.with(|s| s.preview.clone()).map(|p| view! {
                    <PreviewPanel table preview=p options on_change=Callback::new(move |()| refresh(table)) />
                })}
            </section>
        }
    };

    view! {
        <section class="import">
            <div class="page-head">
                <h1>{move || t().import_title}</h1>
                <p class="muted">{move || t().privacy}</p>
            </div>
            {table_card(TableKind::Orders)}
            <div class="drop-row">
                {table_card(TableKind::Customers)}
                {table_card(TableKind::Interactions)}
            </div>
            <section class="import-options">
                <label>
                    {move || t().date_order}
                    <select on:change=move |ev| {
                        let order = match event_target_value(&ev).as_str() {
                            "dmy" => Some(DateOrder::Dmy),
                            "mdy" => Some(DateOrder::Mdy),
                            _ => None,
                        };
                        options.update(|o| o.date_order = order);
                    }>
                        <option value="auto">{move || t().date_auto}</option>
                        <option value="dmy">{move || t().date_dmy}</option>
                        <option value="mdy">{move || t().date_mdy}</option>
                    </select>
                </label>
                <label>
                    {move || t().cancel_prefix}
                    <input type="text" size="4" placeholder="C"
                        on:change=move |ev| {
                            let prefix = event_target_value(&ev).trim().to_owned();
                            options.update(|o| o.cancel_prefix = (!prefix.is_empty()).then_some(prefix));
                        } />
                    <span class="muted">{move || t().cancel_prefix_hint}</span>
                </label>
            </section>
            <div class="import-actions">
                {move || match phase.get() {
                    Phase::Importing(progress) => view! {
                        <div class="progress" role="status" aria-live="polite">
                            <span>{progress.map(|p| i18n::stage_label(p.stage, lang.get())).unwrap_or(t().reading)}</span>
                            <progress max="1" value=progress.map_or(0.0, |p| p.fraction)></progress>
                            <button class="btn" on:click=move |_| {
                                bridge::cancel();
                                phase.set(Phase::Choosing);
                            }>{t().cancel}</button>
                        </div>
                    }.into_any(),
                    _ => view! {
                        <button class="btn btn-primary" data-testid="start-import"
                            disabled=move || !ready() on:click=start>
                            {move || t().start_import}
                        </button>
                    }.into_any(),
                }}
            </div>
            {move || match phase.get() {
                Phase::Failed(f) if f.cancelled => Some(view! { <p class="muted">{t().cancelled}</p> }.into_any()),
                Phase::Failed(f) => Some(view! { <FailureBox failure=f /> }.into_any()),
                Phase::Done(report, loaded, elapsed_ms) => Some(view! {
                    <ReportView report elapsed_ms on_open=Callback::new(move |()| on_done.run(loaded.clone())) />
                }.into_any()),
                _ => None,
            }}
        </section>
    }
}

/// Where and what: file, line, column, message.
#[component]
fn FailureBox(failure: Failure) -> impl IntoView {
    let lang = use_lang();
    let t = move || texts(lang.get());
    let mut place = failure.file.clone();
    if let Some(line) = failure.line {
        place.push_str(&format!(", {} {line}", t().line));
    }
    if let Some(column) = &failure.column {
        place.push_str(&format!(", {} {column}", t().column));
    }
    let ambiguous = failure.ambiguous_dates;
    let (kind, english) = (failure.kind.clone(), failure.message.clone());
    let message = move || {
        kind.as_ref()
            .map_or_else(|| english.clone(), |k| i18n::import_error(k, lang.get()))
    };
    view! {
        <div class="alert" role="alert">
            <strong>{move || t().import_failed}</strong>
            <span>{(!place.is_empty()).then(|| format!("{place}: "))}{message}</span>
            {ambiguous.then(|| view! { <span>{move || t().ambiguous_hint}</span> })}
        </div>
    }
}

/// The detected layout of one file, with the mapping editable field by field.
#[component]
fn PreviewPanel(
    table: TableKind,
    preview: Arc<Preview>,
    options: RwSignal<ImportOptions>,
    on_change: Callback<()>,
) -> impl IntoView {
    let lang = use_lang();
    let t = move || texts(lang.get());
    let headers = preview.headers.clone();
    let saved = RwSignal::new(false);

    let facts = {
        let p = preview.clone();
        move || {
            let mut facts = vec![format!("{}: {}", t().encoding, p.encoding)];
            if let Some(d) = p.delimiter {
                let shown = match d {
                    '\t' => "Tab".to_owned(),
                    other => other.to_string(),
                };
                facts.push(format!("{}: {shown}", t().delimiter));
            }
            match p.header_line {
                Some(line) => facts.push(format!("{}: {line}", t().header_line)),
                None => facts.push(t().no_header.to_owned()),
            }
            facts.join(" · ")
        }
    };

    let sheets = preview.sheets.clone();
    let current_sheet = preview.sheet.clone().unwrap_or_default();
    let sheet_picker = (sheets.len() > 1).then(|| {
        view! {
            <label>
                {move || t().sheet}
                <select on:change=move |ev| {
                    let sheet = event_target_value(&ev);
                    options.update(|o| o.table_mut(table).sheet = Some(sheet));
                    on_change.run(());
                }>
                    {sheets.iter().map(|s| view! {
                        <option value=s.clone() selected=*s == current_sheet>{s.clone()}</option>
                    }).collect_view()}
                </select>
            </label>
        }
    });

    let header_line = preview.header_line;
    let header_picker = view! {
        <label>
            {move || t().header_line}
            <input type="number" min="1" class="narrow" value=header_line.map(|l| l.to_string())
                on:change=move |ev| {
                    let line = event_target_value(&ev).trim().parse::<u64>().ok();
                    options.update(|o| o.table_mut(table).header_line = line);
                    on_change.run(());
                } />
        </label>
    };

    let mapping_rows = table
        .fields()
        .iter()
        .map(|&field| {
            let mapped = preview.mapping.get(field).cloned();
            let chosen = mapped.as_ref().map(|m| m.column.clone()).unwrap_or_default();
            let confidence = mapped.as_ref().map(|m| m.confidence);
            let missing = preview.missing.contains(&field);
            let headers = headers.clone();
            view! {
                <div class="map-row" class:map-missing=missing>
                    <label class="map-field">
                        {move || i18n::field_label(field, lang.get())}
                        <select data-field=field.name() on:change=move |ev| {
                            let column = event_target_value(&ev);
                            options.update(|o| { o.table_mut(table).mapping.insert(field, column); });
                            on_change.run(());
                        }>
                            <option value="" selected=chosen.is_empty()>{move || t().not_mapped}</option>
                            {headers.iter().filter(|h| !h.trim().is_empty()).map(|h| view! {
                                <option value=h.clone() selected=*h == chosen>{h.clone()}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    <span class="map-confidence">
                        {confidence.filter(|&c| c < 1.0).map(|c| format!("{} {}", t().confidence, format::percent(c as f64)))}
                    </span>
                </div>
            }
        })
        .collect_view();

    let missing = preview.missing.clone();
    let overrides = preview.mapping.to_overrides();
    let rows = preview.rows.iter().take(10).cloned().collect::<Vec<_>>();
    let head_cells = preview.headers.clone();
    view! {
        <div class="preview">
            <p class="muted">{facts}</p>
            <div class="preview-controls">{sheet_picker}{header_picker}</div>
            <div class="table-scroll">
                <table class="grid">
                    <thead><tr>
                        <th class="num">"#"</th>
                        {head_cells.into_iter().map(|h| view! { <th title=h.clone()>{h.clone()}</th> }).collect_view()}
                    </tr></thead>
                    <tbody>
                        {rows.into_iter().map(|r| view! {
                            <tr>
                                <td class="num muted">{r.line}</td>
                                {r.cells.into_iter().map(|c| view! { <td title=c.clone()>{c.clone()}</td> }).collect_view()}
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <h3>{move || t().mapping}</h3>
            {(!missing.is_empty()).then(|| {
                let names = move || missing.iter().map(|&f| i18n::field_label(f, lang.get())).collect::<Vec<_>>().join("、");
                view! { <p class="alert">{move || t().missing_fields} ": " {names}</p> }
            })}
            <div class="map-grid">{mapping_rows}</div>
            <p>
                <button class="btn" on:click=move |_| {
                    saved.set(LocalStorage::set(saved_mapping_key(table), &overrides).is_ok());
                }>{move || t().save_mapping}</button>
                " "
                <span class="muted">{move || saved.get().then(|| t().mapping_saved)}</span>
            </p>
        </div>
    }
}

/// What happened to every line: counts, skipped lines, rejected rows with a download.
#[component]
fn ReportView(report: Arc<ImportReport>, elapsed_ms: f64, on_open: Callback<()>) -> impl IntoView {
    let lang = use_lang();
    let t = move || texts(lang.get());
    let r = report.clone();
    let figures = move || {
        let mut rows = vec![
            (t().lines, format::count(r.lines as usize)),
            (t().order_lines, format::count(r.order_lines as usize)),
            (t().orders, format::count(r.orders)),
            (t().customers, format::count(r.customers)),
            (t().net_revenue, format::money(r.net_revenue)),
            (t().returns, format::count(r.returns as usize)),
            (t().skipped_lines, format::count(r.skipped.len())),
            (t().rejected_rows, format::count(r.rejected.len())),
        ];
        if let Some(p) = r.gross_profit {
            rows.insert(5, (t().gross_profit, format::money(p)));
        }
        if let (Some(a), Some(b)) = (&r.date_min, &r.date_max) {
            rows.push((t().data_range, format!("{a} – {b}")));
        }
        rows.into_iter()
            .map(
                |(label, value)| view! { <div class="fact"><dt>{label}</dt><dd>{value}</dd></div> },
            )
            .collect_view()
    };
    let skipped = report.skipped.clone();
    let rejected = report.rejected.clone();
    let report_for_csv = report.clone();
    let download = move |_| {
        let lang = lang.get_untracked();
        let csv = report_for_csv.rejected_csv_with(|r| i18n::reason_label(r, lang));
        super::download::text("tierlens-rejected-rows.csv", &csv, "text/csv")
    };
    view! {
        <section class="report" data-testid="import-report" data-elapsed-ms=elapsed_ms.to_string()>
            <div class="page-head">
                <h2>{move || t().report_title}</h2>
                <span class="muted">{move || format!("{} {:.2} s", t().import_time, elapsed_ms / 1000.0)}</span>
                <button class="btn btn-primary" data-testid="open-analysis" on:click=move |_| on_open.run(())>
                    {move || t().open_dashboard}
                </button>
            </div>
            <dl class="facts">{figures}</dl>
            {(!skipped.is_empty()).then(|| view! {
                <h3>{move || t().skipped_lines}</h3>
                <p class="muted">
                    {move || skipped.iter().take(SHOWN_ROWS)
                        .map(|s| format!("{} {}: {}", t().line, s.line, i18n::skip_label(s.reason, lang.get())))
                        .collect::<Vec<_>>().join(" · ")}
                </p>
            })}
            <h3>{move || t().rejected_rows}</h3>
            {if rejected.is_empty() {
                view! { <p class="muted">{move || t().nothing_rejected}</p> }.into_any()
            } else {
                let many = rejected.len() > SHOWN_ROWS;
                view! {
                    <p>
                        <button class="btn" data-testid="download-rejected" on:click=download>{move || t().download_rejected}</button>
                        " "
                        <span class="muted">{move || many.then(|| t().first_rows_shown)}</span>
                    </p>
                    <div class="table-scroll">
                        <table class="grid" data-testid="rejected">
                            <thead><tr>
                                <th class="num">{move || t().line}</th>
                                <th>{move || t().column}</th>
                                <th>{move || t().value}</th>
                                <th>{move || t().reason}</th>
                            </tr></thead>
                            <tbody>
                                {rejected.into_iter().take(SHOWN_ROWS).map(|row| view! {
                                    <tr>
                                        <td class="num">{row.line}</td>
                                        <td>{row.column}</td>
                                        <td>{row.value}</td>
                                        <td>{move || i18n::reason_label(row.reason, lang.get())}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}

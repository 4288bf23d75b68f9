//! The start screen: demo data one click away, files next, then the saved workspaces (one per
//! client) with open, rename, duplicate, export and delete, a workspace file to import, and
//! "delete all data". Storage itself is the worker's (`store`); this screen only asks.

use super::i18n::{texts, workspace};
use super::protocol::{Request, Response};
use super::state::{AppState, use_app};
use super::store::{Source, StoreError, StoreRequest, StoreResponse, WorkspaceMeta};
use super::{bridge, format};
use leptos::prelude::*;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

/// What the list shows: the workspaces, and how many records could not be read and why.
#[derive(Clone, Default)]
struct Listing {
    workspaces: Vec<WorkspaceMeta>,
    unreadable: Vec<StoreError>,
}

fn store_call(
    request: StoreRequest,
    on_answer: impl FnOnce(StoreResponse, Vec<JsValue>) + 'static,
) {
    let mut on_answer = Some(on_answer);
    bridge::call(
        Request::Store(request),
        &[],
        move |response, attachments| {
            let answer = match response {
                Response::Store(answer) => answer,
                Response::Failed(f) => StoreResponse::Failed(StoreError::Other(f.message)),
                _ => return,
            };
            if let Some(f) = on_answer.take() {
                f(answer, attachments);
            }
        },
    );
}

/// Shows a failure; hands anything else to `then`.
fn or_notice(state: AppState, then: impl FnOnce(StoreResponse)) -> impl FnOnce(StoreResponse) {
    move |answer| match answer {
        StoreResponse::Failed(e) => state.notice.set(Some(e)),
        other => then(other),
    }
}

#[component]
pub fn Start(
    on_demo: impl Fn() + Send + Sync + 'static,
    on_files: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let t = move || texts(lang.get());
    let w = move || workspace::texts(lang.get());
    let listing = RwSignal::new(None::<Listing>);
    // A short confirmation (import done, everything deleted), in the user's language.
    let info = RwSignal::new(None::<Info>);
    let confirm_all = RwSignal::new(false);

    Effect::new(move |_| {
        state.workspaces_changed.track();
        store_call(StoreRequest::List, move |answer, _| match answer {
            StoreResponse::Listed {
                workspaces,
                unreadable,
            } => listing.set(Some(Listing {
                workspaces,
                unreadable,
            })),
            StoreResponse::Failed(e) => {
                listing.set(Some(Listing::default()));
                state.notice.set(Some(e));
            }
            _ => {}
        });
    });

    let on_workspace_file = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        input.set_value("");
        let name = file.name();
        leptos::task::spawn_local(async move {
            let buffer = match JsFuture::from(file.array_buffer()).await {
                Ok(buffer) => buffer,
                Err(e) => {
                    state.notice.set(Some(StoreError::Other(format!("{e:?}"))));
                    return;
                }
            };
            let request = Request::Store(StoreRequest::Import { file: name });
            bridge::call(request, &[buffer], move |response, _| match response {
                Response::Store(StoreResponse::Saved(meta)) => {
                    state.notice.set(None);
                    info.set(Some(Info::Imported(meta.name.clone())));
                    state.workspaces_changed.update(|n| *n += 1);
                }
                Response::Store(StoreResponse::Failed(e)) => {
                    info.set(None);
                    state.notice.set(Some(e));
                }
                Response::Failed(f) => state.notice.set(Some(StoreError::Other(f.message))),
                _ => {}
            });
        });
    };

    let delete_all = move |_| {
        confirm_all.set(false);
        state.drop_pending_save();
        store_call(StoreRequest::DeleteAll, move |answer, _| {
            or_notice(state, move |_| {
                state.forget_everything();
                info.set(Some(Info::DeletedAll));
            })(answer)
        });
    };

    view! {
        <section class="start">
            <h1 class="start-title">{move || t().app_tagline}</h1>
            <p class="start-privacy">{move || t().privacy}</p>
            <div class="start-choices">
                <button class="choice choice-primary" data-testid="use-demo" on:click=move |_| on_demo()>
                    <span class="choice-title">{move || t().use_demo}</span>
                    <span class="choice-hint">{move || t().use_demo_hint}</span>
                </button>
                <button class="choice" data-testid="open-files" on:click=move |_| on_files()>
                    <span class="choice-title">{move || t().open_file}</span>
                    <span class="choice-hint">{move || t().open_file_hint}</span>
                </button>
            </div>
            <section class="ws" aria-labelledby="ws-title">
                <div class="ws-head">
                    <h2 id="ws-title">{move || w().list_title}</h2>
                    <input id="file-workspace" class="visually-hidden" type="file" accept=".tierlens"
                        data-testid="import-workspace-input" aria-describedby="ws-import-hint"
                        on:change=on_workspace_file />
                    <label class="btn" for="file-workspace" data-testid="import-workspace">
                        {move || w().import_file}
                    </label>
                </div>
                <p id="ws-import-hint" class="visually-hidden">{move || w().import_file_hint}</p>
                {move || info.get().map(|i| view! {
                    <p class="ws-info" role="status" data-testid="workspace-info">
                        {move || match &i {
                            Info::Imported(name) => format!("{}{name}", w().imported),
                            Info::DeletedAll => w().deleted_all.to_owned(),
                        }}
                    </p>
                })}
                {move || listing.get().map(|l| {
                    let unreadable = l.unreadable.clone();
                    view! {
                        {(!unreadable.is_empty()).then(|| view! {
                            <p class="alert" role="alert">
                                {move || format!("{}{}{}", unreadable.len(), w().unreadable,
                                    workspace::store_error(&unreadable[0], lang.get()))}
                            </p>
                        })}
                        {if l.workspaces.is_empty() {
                            view! { <p class="muted ws-empty" data-testid="workspace-empty">{move || w().none_yet}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="ws-list" data-testid="workspace-list">
                                    {l.workspaces.into_iter().map(|meta| view! { <Item meta /> }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                    }
                })}
            </section>
            <section class="ws-danger">
                <p class="muted">{move || w().delete_all_hint}</p>
                <Show
                    when=move || confirm_all.get()
                    fallback=move || view! {
                        <button class="btn btn-danger" data-testid="delete-all"
                            on:click=move |_| confirm_all.set(true)>
                            {move || w().delete_all}
                        </button>
                    }
                >
                    <div class="ws-confirm" role="alertdialog" aria-labelledby="ws-all-question">
                        <span id="ws-all-question">{move || w().delete_all_question}</span>
                        <button class="btn btn-danger" data-testid="delete-all-confirm" on:click=delete_all>
                            {move || w().delete_all_confirm}
                        </button>
                        <button class="btn" data-testid="delete-all-cancel" on:click=move |_| confirm_all.set(false)>
                            {move || w().cancel}
                        </button>
                    </div>
                </Show>
            </section>
        </section>
    }
}

#[derive(Clone)]
enum Info {
    Imported(String),
    DeletedAll,
}

/// One saved workspace: what it holds and what can be done with it.
#[component]
fn Item(meta: WorkspaceMeta) -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let w = move || workspace::texts(lang.get());
    let renaming = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let draft = RwSignal::new(meta.name.clone());
    let name_input = NodeRef::<leptos::html::Input>::new();
    let id = meta.id.clone();
    let is_open = {
        let id = id.clone();
        move || {
            state
                .workspace
                .with(|w| w.as_ref().is_some_and(|w| w.id == id))
        }
    };

    let open = {
        let (id, is_open) = (id.clone(), is_open.clone());
        move |_| {
            if is_open() && state.data.with_untracked(Option::is_some) {
                super::route::navigate(&super::route::Route::Page(super::route::Page::Dashboard));
            } else {
                state.open_workspace(id.clone());
            }
        }
    };
    let save_name = {
        let id = id.clone();
        move || {
            let name = draft.get_untracked().trim().to_owned();
            renaming.set(false);
            if name.is_empty() {
                return;
            }
            let request = StoreRequest::Rename {
                id: id.clone(),
                name,
            };
            store_call(request, move |answer, _| {
                or_notice(state, move |a| {
                    if let StoreResponse::Saved(meta) = a {
                        state.workspace_saved(&meta);
                    }
                })(answer)
            });
        }
    };
    let duplicate = {
        let (id, name) = (id.clone(), meta.name.clone());
        move |_| {
            let request = StoreRequest::Duplicate {
                id: id.clone(),
                name: format!("{name}{}", w().copy_suffix),
            };
            store_call(request, move |answer, _| {
                or_notice(state, move |_| state.workspaces_changed.update(|n| *n += 1))(answer)
            });
        }
    };
    let export = {
        let id = id.clone();
        move |_| {
            store_call(
                StoreRequest::Export { id: id.clone() },
                move |answer, files| match answer {
                    StoreResponse::Exported { file_name } => {
                        if let Some(bytes) = files.first() {
                            super::download::bytes(&file_name, bytes, "application/octet-stream");
                        }
                    }
                    StoreResponse::Failed(e) => state.notice.set(Some(e)),
                    _ => {}
                },
            );
        }
    };
    let delete = {
        let (id, is_open) = (id.clone(), is_open.clone());
        move |_| {
            confirming.set(false);
            if is_open() {
                state.close_deleted_workspace();
            }
            store_call(StoreRequest::Delete { id: id.clone() }, move |answer, _| {
                or_notice(state, move |_| state.workspaces_changed.update(|n| *n += 1))(answer)
            });
        }
    };

    let source = match &meta.source {
        Source::Demo => None,
        Source::Files(files) => Some(files.join(", ")),
    };
    let summary = meta.summary.clone();
    let updated = format::date_time(meta.updated_ms);
    let name = meta.name.clone();
    let input_id = format!("ws-name-{}", meta.id);
    let save_on_enter = save_name.clone();
    view! {
        <li class="ws-item" class:ws-open=is_open.clone() data-testid="workspace" data-workspace-id=meta.id.clone()
            data-customers=summary.customers data-orders=summary.orders>
            <div class="ws-main">
                <Show
                    when=move || renaming.get()
                    fallback={
                        let name = name.clone();
                        let open = open.clone();
                        move || view! {
                            <button class="ws-name" data-testid="workspace-open" on:click=open.clone()>
                                {name.clone()}
                            </button>
                        }
                    }
                >
                    <form class="ws-rename" on:submit={
                        let save = save_on_enter.clone();
                        move |ev: leptos::ev::SubmitEvent| {
                            ev.prevent_default();
                            save();
                        }
                    }>
                        <label class="visually-hidden" for=input_id.clone()>{move || w().name_label}</label>
                        <input id=input_id.clone() type="text" data-testid="workspace-name-input"
                            node_ref=name_input
                            on:keydown=move |ev| if ev.key() == "Escape" { renaming.set(false) }
                            prop:value=move || draft.get()
                            on:input=move |ev| draft.set(event_target_value(&ev)) />
                        <button class="btn btn-primary" type="submit" data-testid="workspace-rename-save">
                            {move || w().save}
                        </button>
                        <button class="btn" type="button" on:click=move |_| renaming.set(false)>
                            {move || w().cancel}
                        </button>
                    </form>
                </Show>
                <Show when=is_open.clone()>
                    <span class="badge ws-badge">{move || w().open_now}</span>
                </Show>
                <p class="ws-facts muted">
                    <span>{
                        let source = source.clone();
                        move || source.clone().unwrap_or_else(|| w().source_demo.to_owned())
                    }</span>
                    <span class="num">{format!("{} ", format::count(summary.customers))}{move || w().customers}</span>
                    <span class="num">{format!("{} ", format::count(summary.orders))}{move || w().orders}</span>
                    <span>{move || w().changed}" "<time class="num">{updated.clone()}</time></span>
                </p>
            </div>
            <div class="ws-actions" role="group" aria-label=move || format!("{}{}", w().actions_of, meta.name)>
                <button class="btn" data-testid="workspace-rename" on:click=move |_| {
                    renaming.set(true);
                    // The field appears with the next render; put the cursor in it.
                    request_animation_frame(move || {
                        if let Some(input) = name_input.get() {
                            let _ = input.focus();
                            input.select();
                        }
                    });
                }>{move || w().rename}</button>
                <button class="btn" data-testid="workspace-duplicate" on:click=duplicate>{move || w().duplicate}</button>
                <button class="btn" data-testid="workspace-export" on:click=export>{move || w().export}</button>
                <button class="btn" data-testid="workspace-delete" on:click=move |_| confirming.set(true)>
                    {move || w().delete}
                </button>
            </div>
            <Show when=move || confirming.get()>
                <div class="ws-confirm" role="alertdialog">
                    <span>{move || w().delete_question}</span>
                    <button class="btn btn-danger" data-testid="workspace-delete-confirm" on:click=delete.clone()>
                        {move || w().delete_confirm}
                    </button>
                    <button class="btn" data-testid="workspace-delete-cancel" on:click=move |_| confirming.set(false)>
                        {move || w().cancel}
                    </button>
                </div>
            </Show>
        </li>
    }
}

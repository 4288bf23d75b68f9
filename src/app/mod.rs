//! The Leptos single-page app. Components only render and dispatch: every figure comes
//! from `crate::engine`.

pub mod format;
pub mod i18n;
pub mod prefs;
pub mod protocol;
pub mod route;
pub mod state;
pub mod store;
pub mod worker;

mod bridge;
mod charts;
mod download;

mod import;
mod pages;
mod start;

use crate::engine::{i18n::Lang, summary::Summary};
use leptos::prelude::*;
use route::{Page, Route};
use state::{AppState, use_app};
use std::sync::Arc;

/// The name the demo had before workspaces; a demo workspace now carries its own (translated,
/// renamable) name, which pages show as they show any other.
const DEMO: &str = "demo";

/// The open dataset's name and headline figures; `Arc` so views share it without copying.
#[derive(Clone)]
pub struct Loaded {
    pub name: String,
    pub summary: Arc<Summary>,
}

#[component]
pub fn App() -> impl IntoView {
    let lang = RwSignal::new(prefs::initial_lang());
    Effect::new(move |_| {
        let l = lang.get();
        prefs::save_lang(l);
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", if l == Lang::Zh { "zh-CN" } else { "en" });
        }
    });
    provide_context(lang);
    bridge::warm_up();
    let route = route::provide();
    let state = AppState::new(lang, route);
    provide_context(state);

    // A reload returns to the workspace that was open (the hash keeps the page).
    if let Some(id) = prefs::open_workspace() {
        state.open_workspace(id);
    }
    // A page that needs data, with none open and none coming: back to the start.
    Effect::new(move |_| {
        let needs_data = route.with(|r| r.page().is_some());
        if needs_data && state.data.with(Option::is_none) && !state.opening.get() {
            route::redirect(&Route::Start);
        }
    });
    // Each "use demo data" is a new workspace; the demo is stored as settings only.
    let on_demo = move || {
        let name = i18n::workspace::texts(lang.get_untracked()).demo_name;
        state.create_workspace(name.to_owned(), true, None);
    };
    let close = move || {
        state.close_workspace();
        route::navigate(&Route::Start);
    };
    // An import becomes a workspace named after its orders file.
    let on_imported = Callback::new(move |loaded: Loaded| {
        let name = store::name_from_file(&loaded.name);
        state.create_workspace(name, false, Some(loaded));
    });

    let t = move || i18n::texts(lang.get());
    // A memo: the page is rebuilt when a dataset opens or closes, not when its name changes.
    let has_data = Memo::new(move |_| state.data.with(Option::is_some));
    view! {
        <header class="topbar">
            <a class="brand" href="#/">
                <span class="logo" aria-hidden="true">"T"</span>
                <span class="brand-name">"TierLens"</span>
                <span class="brand-tagline">{move || t().app_tagline}</span>
            </a>
            <div class="topbar-actions">
                <Show when=move || state.busy.get()>
                    <span class="busy" role="status" data-testid="busy" data-step=move || format!("{:?}", state.step.get())>
                        <AnalysisProgress />
                    </span>
                </Show>
                <Show when=move || has_data.get()>
                    <button class="btn btn-ghost" data-testid="close" on:click=move |_| close()>
                        {move || t().back_to_start}
                    </button>
                </Show>
                <button
                    class="btn btn-ghost"
                    data-testid="lang-toggle"
                    on:click=move |_| lang.update(|l| *l = if *l == Lang::Zh { Lang::En } else { Lang::Zh })
                >
                    {move || t().switch_language}
                </button>
            </div>
        </header>
        <div class="shell" class:with-nav=move || has_data.get()>
            <Show when=move || has_data.get()>
                <SideNav />
            </Show>
            <main class="page" id="main">
                <StoreNotice />
                {move || match route.get() {
                    Route::Start => view! {
                        <start::Start on_demo=on_demo on_files=move || route::navigate(&Route::Import) />
                    }.into_any(),
                    Route::Import => view! { <import::Import on_done=on_imported /> }.into_any(),
                    r if has_data.get() => pages::page(&r),
                    _ => view! { <p class="muted" role="status">{t().opening}</p> }.into_any(),
                }}
            </main>
        </div>
    }
}

/// The pages of an open dataset; the current one is marked for screen readers too.
#[component]
fn SideNav() -> impl IntoView {
    let state = use_app();
    let t = move || i18n::texts(state.lang.get());
    let title = move |p: Page| {
        let t = t();
        match p {
            Page::Dashboard => t.page_dashboard,
            Page::Tiers => t.page_tiers,
            Page::Rfm => t.page_rfm,
            Page::Value => t.page_value,
            Page::Clv => t.page_clv,
            Page::Cohorts => t.page_cohorts,
            Page::Customers => t.page_customers,
            Page::Actions => t.page_actions,
            Page::Settings => t.page_settings,
        }
    };
    view! {
        <nav class="sidenav" aria-label=move || t().nav_label>
            <ul>
                {Page::ALL.into_iter().map(|p| {
                    let current = move || state.route.with(|r| r.page() == Some(p));
                    view! {
                        <li>
                            <a href=Route::Page(p).href() data-page=p.slug()
                                class:current=current
                                aria-current=move || current().then_some("page")>
                                {move || title(p)}
                            </a>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </nav>
    }
}

/// The step an analysis has reached, in words and as a bar (the top bar while busy, and a
/// page waiting for its first analysis).
#[component]
pub fn AnalysisProgress() -> impl IntoView {
    let state = use_app();
    view! {
        <span>{move || i18n::analysis_step(state.step.get(), state.lang.get())}</span>
        <progress max="1" value=move || state.step.get().fraction()></progress>
    }
}

/// A storage problem (quota, private mode, unreadable data), shown until dismissed.
#[component]
fn StoreNotice() -> impl IntoView {
    let state = use_app();
    let w = move || i18n::workspace::texts(state.lang.get());
    move || {
        state.notice.get().map(|e| {
            view! {
                <div class="alert ws-notice" role="alert" data-testid="store-message">
                    <span>{move || i18n::workspace::store_error(&e, state.lang.get())}</span>
                    <button class="btn btn-ghost" data-testid="store-message-dismiss"
                        on:click=move |_| state.notice.set(None)>
                        {move || w().dismiss}
                    </button>
                </div>
            }
        })
    }
}

/// The current language, provided by [`App`].
pub fn use_lang() -> RwSignal<Lang> {
    expect_context::<RwSignal<Lang>>()
}

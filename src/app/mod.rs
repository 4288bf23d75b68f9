//! The Leptos single-page app. Components only render and dispatch: every figure comes
//! from `crate::engine`.

pub mod format;
pub mod i18n;
pub mod prefs;
pub mod protocol;
pub mod route;
pub mod state;
pub mod worker;

mod bridge;
mod charts;

mod import;
mod pages;
mod start;

use crate::engine::{i18n::Lang, summary::Summary};
use leptos::prelude::*;
use protocol::{Request, Response};
use route::{Page, Route};
use state::{AppState, use_app};
use std::sync::Arc;

const DEMO: &str = "demo";

/// The open dataset's name and headline figures; `Arc` so views share it without copying.
#[derive(Clone)]
pub struct Loaded {
    pub name: String,
    pub summary: Arc<Summary>,
}

/// Has the worker generate the demo and shows it when ready.
fn open_demo(state: AppState) {
    state.opening.set(true);
    bridge::call(Request::Demo, &[], move |response, _| match response {
        Response::Loaded { summary } => {
            state.open(Loaded {
                name: DEMO.to_owned(),
                summary: Arc::new(summary),
            });
            if state.route.get_untracked().page().is_none() {
                route::navigate(&Route::Page(Page::Dashboard));
            }
        }
        Response::Failed(f) => {
            web_sys::console::error_1(&f.message.into());
            state.opening.set(false);
        }
        _ => {}
    });
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

    if prefs::open_dataset().as_deref() == Some(DEMO) {
        open_demo(state);
    }
    // A page that needs data, with none open and none coming: back to the start.
    Effect::new(move |_| {
        let needs_data = route.with(|r| r.page().is_some());
        if needs_data && state.data.with(Option::is_none) && !state.opening.get() {
            route::redirect(&Route::Start);
        }
    });
    let on_demo = move || {
        prefs::save_open_dataset(Some(DEMO));
        open_demo(state);
    };
    let close = move || {
        prefs::save_open_dataset(None);
        state.close();
        route::navigate(&Route::Start);
    };
    let on_imported = Callback::new(move |loaded: Loaded| {
        // Imported data is not kept across reloads yet: only the demo is reopened.
        prefs::save_open_dataset(None);
        state.open(loaded);
        route::navigate(&Route::Page(Page::Dashboard));
    });

    let t = move || i18n::texts(lang.get());
    let has_data = move || state.data.with(Option::is_some);
    view! {
        <header class="topbar">
            <a class="brand" href="#/">
                <span class="logo" aria-hidden="true">"T"</span>
                <span class="brand-name">"TierLens"</span>
                <span class="brand-tagline">{move || t().app_tagline}</span>
            </a>
            <div class="topbar-actions">
                <Show when=move || state.busy.get()>
                    <span class="busy" role="status" data-testid="busy">{move || t().recomputing}</span>
                </Show>
                <Show when=has_data>
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
        <div class="shell" class:with-nav=has_data>
            <Show when=has_data>
                <SideNav />
            </Show>
            <main class="page" id="main">
                {move || match route.get() {
                    Route::Start => view! {
                        <start::Start on_demo=on_demo on_files=move || route::navigate(&Route::Import) />
                    }.into_any(),
                    Route::Import => view! { <import::Import on_done=on_imported /> }.into_any(),
                    r if has_data() => pages::page(&r),
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

/// The current language, provided by [`App`].
pub fn use_lang() -> RwSignal<Lang> {
    expect_context::<RwSignal<Lang>>()
}

//! The Leptos single-page app. Components only render and dispatch: every figure comes
//! from `crate::engine`.

pub mod format;
pub mod i18n;
pub mod prefs;
pub mod protocol;
pub mod worker;

mod bridge;

mod dashboard;
mod import;
mod start;

use crate::engine::{i18n::Lang, summary::Summary};
use leptos::prelude::*;
use protocol::{Request, Response};
use std::sync::Arc;

const DEMO: &str = "demo";

/// What the dashboard shows; `Arc` so views share it without cloning the figures.
#[derive(Clone)]
pub struct Loaded {
    pub name: String,
    pub summary: Arc<Summary>,
}

#[derive(Clone)]
enum Screen {
    Start,
    /// Waiting for the worker to open a dataset.
    Opening,
    Import,
    Dashboard(Loaded),
}

/// Has the worker generate the demo and shows it when ready.
fn open_demo_in(screen: RwSignal<Screen>) {
    screen.set(Screen::Opening);
    bridge::call(Request::Demo, &[], move |response, _| match response {
        Response::Loaded { summary } => screen.set(Screen::Dashboard(Loaded {
            name: DEMO.to_owned(),
            summary: Arc::new(summary),
        })),
        Response::Failed(f) => {
            web_sys::console::error_1(&f.message.into());
            screen.set(Screen::Start);
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

    let screen = RwSignal::new(Screen::Start);
    if prefs::open_dataset().as_deref() == Some(DEMO) {
        open_demo_in(screen);
    }
    let open_demo = move || {
        prefs::save_open_dataset(Some(DEMO));
        open_demo_in(screen);
    };
    let close = move || {
        prefs::save_open_dataset(None);
        screen.set(Screen::Start);
    };
    let on_imported = Callback::new(move |loaded: Loaded| {
        // Imported data is not kept across reloads yet: only the demo is reopened.
        prefs::save_open_dataset(None);
        screen.set(Screen::Dashboard(loaded));
    });

    let t = move || i18n::texts(lang.get());
    view! {
        <header class="topbar">
            <div class="brand">
                <span class="logo" aria-hidden="true">"T"</span>
                <span class="brand-name">"TierLens"</span>
                <span class="brand-tagline">{move || t().app_tagline}</span>
            </div>
            <nav class="topbar-actions">
                <Show when=move || screen.with(|s| !matches!(s, Screen::Start))>
                    <button class="btn btn-ghost" on:click=move |_| close()>
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
            </nav>
        </header>
        <main class="page">
            {move || match screen.get() {
                Screen::Dashboard(data) => view! { <dashboard::Dashboard data=data /> }.into_any(),
                Screen::Import => view! { <import::Import on_done=on_imported /> }.into_any(),
                Screen::Opening => view! { <p class="muted" role="status">{t().opening}</p> }.into_any(),
                Screen::Start => view! {
                    <start::Start on_demo=open_demo on_files=move || screen.set(Screen::Import) />
                }.into_any(),
            }}
        </main>
    }
}

/// The current language, provided by [`App`].
pub fn use_lang() -> RwSignal<Lang> {
    expect_context::<RwSignal<Lang>>()
}

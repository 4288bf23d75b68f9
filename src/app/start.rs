//! The start screen: demo data one click away, files next.

use super::{i18n::texts, use_lang};
use leptos::prelude::*;

#[component]
pub fn Start(
    on_demo: impl Fn() + Send + Sync + 'static,
    on_files: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    let lang = use_lang();
    let t = move || texts(lang.get());
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
        </section>
    }
}

//! The Settings page.

use super::super::i18n::texts;
use super::super::state::use_app;
use super::{PageHead, with_overview};
use leptos::prelude::*;

#[component]
pub fn Settings() -> impl IntoView {
    let state = use_app();
    let t = move || texts(state.lang.get());
    view! {
        <section class="page-settings" data-testid="page-settings">
            <PageHead title=Signal::derive(move || t().page_settings) />
            {with_overview(|o| view! { <p class="muted">{o.customers}</p> })}
        </section>
    }
}

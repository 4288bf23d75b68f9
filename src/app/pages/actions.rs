//! The Actions page.

use super::super::i18n::texts;
use super::super::state::use_app;
use super::{PageHead, with_overview};
use leptos::prelude::*;

#[component]
pub fn Actions() -> impl IntoView {
    let state = use_app();
    let t = move || texts(state.lang.get());
    view! {
        <section class="page-actions" data-testid="page-actions">
            <PageHead title=Signal::derive(move || t().page_actions) />
            {with_overview(|o| view! { <p class="muted">{o.customers}</p> })}
        </section>
    }
}

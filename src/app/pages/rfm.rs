//! The Rfm page.

use super::super::i18n::texts;
use super::super::state::use_app;
use super::{PageHead, with_overview};
use leptos::prelude::*;

#[component]
pub fn Rfm() -> impl IntoView {
    let state = use_app();
    let t = move || texts(state.lang.get());
    view! {
        <section class="page-rfm" data-testid="page-rfm">
            <PageHead title=Signal::derive(move || t().page_rfm) />
            {with_overview(|o| view! { <p class="muted">{o.customers}</p> })}
        </section>
    }
}

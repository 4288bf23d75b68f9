//! The Customers page.

use super::super::i18n::texts;
use super::super::state::use_app;
use super::{PageHead, with_overview};
use leptos::prelude::*;

#[component]
pub fn Customers() -> impl IntoView {
    let state = use_app();
    let t = move || texts(state.lang.get());
    view! {
        <section class="page-customers" data-testid="page-customers">
            <PageHead title=Signal::derive(move || t().page_customers) />
            {with_overview(|o| view! { <p class="muted">{o.customers}</p> })}
        </section>
    }
}

/// The 360-degree profile of one customer.
#[component]
pub fn Profile(key: String) -> impl IntoView {
    view! { <section class="page-profile" data-testid="page-profile"><h1>{key}</h1></section> }
}

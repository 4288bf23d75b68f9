//! One module per page of an open dataset. Pages read the analysis from `AppState` and ask
//! the worker for customer rows; none computes a figure itself.

mod actions;
mod clv;
mod cohorts;
mod customers;
mod dashboard;
mod rfm;
mod settings;
mod tiers;
mod value;

use super::AnalysisProgress;
use super::bridge;
use super::protocol::{Overview, Request, Response};
use super::route::{Page, Route};
use super::state::use_app;
use crate::engine::query::{RowPage, RowQuery};
use leptos::prelude::*;
use std::sync::Arc;

/// The page for `route`; analysis pages get the filter bar above them.
pub fn page(route: &Route) -> AnyView {
    let body = content(route);
    if matches!(route, Route::Page(Page::Settings)) {
        return body;
    }
    view! {
        <settings::FilterBar />
        {body}
    }
    .into_any()
}

fn content(route: &Route) -> AnyView {
    match route {
        Route::Customer(key) => {
            let key = key.clone();
            view! { <customers::Profile key=key /> }.into_any()
        }
        Route::Page(p) => match p {
            Page::Dashboard => view! { <dashboard::Dashboard /> }.into_any(),
            Page::Tiers => view! { <tiers::Tiers /> }.into_any(),
            Page::Rfm => view! { <rfm::Rfm /> }.into_any(),
            Page::Value => view! { <value::Value /> }.into_any(),
            Page::Clv => view! { <clv::Clv /> }.into_any(),
            Page::Cohorts => view! { <cohorts::Cohorts /> }.into_any(),
            Page::Customers => view! { <customers::Customers /> }.into_any(),
            Page::Actions => view! { <actions::Actions /> }.into_any(),
            Page::Settings => view! { <settings::Settings /> }.into_any(),
        },
        Route::Start | Route::Import => ().into_any(),
    }
}

/// Renders `body` with the current analysis, or a status line until the first one arrives.
pub fn with_overview<V: IntoView + 'static>(
    body: impl Fn(Arc<Overview>) -> V + Send + Sync + 'static,
) -> impl IntoView {
    let state = use_app();
    move || match state.overview.get() {
        Some(o) => body(o).into_any(),
        None => view! {
            <div class="progress muted" role="status">
                <AnalysisProgress />
            </div>
        }
        .into_any(),
    }
}

/// A page's heading and its intro line.
#[component]
pub fn PageHead(
    #[prop(into)] title: Signal<&'static str>,
    #[prop(into, optional)] intro: Signal<String>,
) -> impl IntoView {
    view! {
        <div class="page-head">
            <h1>{title}</h1>
            <p class="muted">{intro}</p>
        </div>
    }
}

/// A page of customer rows from the worker, asked again whenever the analysis or the query
/// changes; `None` until the first answer. An answer to an older query is dropped, so a slow
/// reply can never overwrite a newer one.
pub(super) fn use_rows(
    query: impl Fn() -> RowQuery + Send + Sync + 'static,
) -> RwSignal<Option<RowPage>> {
    let state = use_app();
    let page = RwSignal::new(None);
    let generation = StoredValue::new(0u32);
    Effect::new(move |_| {
        let ready = state.overview.with(Option::is_some);
        let q = query();
        if ready {
            let current = generation.get_value() + 1;
            generation.set_value(current);
            bridge::call(Request::Rows(q), &[], move |response, _| {
                if let (true, Response::Rows(p)) =
                    (generation.try_get_value() == Some(current), response)
                {
                    page.try_set(Some(p));
                }
            });
        }
    });
    page
}

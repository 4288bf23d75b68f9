//! The customer table and the 360-degree profile.
//!
//! The table is virtualised: rows have a fixed height, the scroll area is as tall as all the
//! matching rows, and only the rows in view (plus a margin) exist in the page. Rows come from
//! the worker in pages of `PAGE` around the scroll position (`engine::query::rows`) and are
//! cached; every change of the query starts a new generation, and answers for an older
//! generation are dropped, so a slow answer never overwrites a newer one.

use super::super::bridge;
use super::super::format;
use super::super::i18n::customers::{CustomersTexts, texts as ctexts};
use super::super::i18n::texts;
use super::super::protocol::{Request, Response};
use super::super::route::{Page, Route};
use super::super::state::use_app;
use super::PageHead;
use crate::engine::i18n::Lang;
use crate::engine::lifecycle::Stage;
use crate::engine::loyalty::LoyaltyCriterion;
use crate::engine::model::format_day;
use crate::engine::profile::{MonthFigures, PeriodTier, Profile as ProfileData};
use crate::engine::query::{RowQuery, SortKey};
use crate::engine::report::CustomerRow;
use crate::engine::tiers::Tier;
use crate::engine::value::ValueCriterion;
use leptos::prelude::*;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

/// Pixel height of every body row (the CSS uses the same figure).
const ROW_H: f64 = 36.0;
/// Rows per request to the worker.
const PAGE: usize = 100;
/// Rows rendered above and below the visible ones, so fast scrolling shows no blank strip.
const MARGIN: usize = 12;
/// Pages kept in the cache (the ones farthest from the view go first).
const MAX_PAGES: usize = 24;
const SEARCH_DEBOUNCE: Duration = Duration::from_millis(250);

/// What the table shows, apart from the slice.
#[derive(Clone, Debug, Default, PartialEq)]
struct Filters {
    search: String,
    tier: Option<Tier>,
    stage: Option<Stage>,
    segment: Option<String>,
    sort: Option<SortKey>,
    descending: bool,
}

impl Filters {
    fn query(&self, offset: usize, limit: usize) -> RowQuery {
        RowQuery {
            search: self.search.clone(),
            tier: self.tier,
            stage: self.stage,
            segment: self.segment.clone(),
            sort: self.sort,
            descending: self.descending,
            offset,
            limit,
            ..RowQuery::default()
        }
    }
}

/// Pages of rows of one generation of the query.
#[derive(Default)]
struct Cache {
    generation: u32,
    /// Matching rows; `None` until the first answer.
    total: Option<usize>,
    pages: HashMap<usize, Arc<Vec<CustomerRow>>>,
    /// Pages asked for (answered or not), so none is asked twice.
    asked: HashSet<usize>,
}

impl Cache {
    fn row(&self, i: usize) -> Option<&CustomerRow> {
        self.pages.get(&(i / PAGE))?.get(i % PAGE)
    }
}

/// A text of the table, picked in the current language.
type Label = fn(&CustomersTexts) -> &'static str;

#[derive(Clone, Copy)]
struct Column {
    key: SortKey,
    label: Label,
    numeric: bool,
    /// The first click sorts descending (largest, best or most recent first).
    desc_first: bool,
}

const COLUMNS: [Column; 16] = {
    const fn col(key: SortKey, label: Label, numeric: bool, desc_first: bool) -> Column {
        Column {
            key,
            label,
            numeric,
            desc_first,
        }
    }
    [
        col(SortKey::Key, |t| t.col_key, false, false),
        col(SortKey::Name, |t| t.col_name, false, false),
        col(SortKey::Manager, |t| t.col_manager, false, false),
        col(SortKey::Tier, |t| t.col_tier, false, true),
        col(SortKey::TierPrevious, |t| t.col_previous, false, true),
        col(SortKey::Rfm, |t| t.col_rfm, true, true),
        col(SortKey::Segment, |t| t.col_segment, false, false),
        col(SortKey::Value, |t| t.col_value, true, true),
        col(SortKey::Loyalty, |t| t.col_loyalty, true, true),
        col(SortKey::Stage, |t| t.col_stage, false, false),
        col(SortKey::Orders, |t| t.col_orders, true, true),
        col(SortKey::NetRevenue, |t| t.col_revenue, true, true),
        col(SortKey::LastOrder, |t| t.col_last_order, true, true),
        col(SortKey::Recency, |t| t.col_recency, true, false),
        col(SortKey::ChurnRisk, |t| t.col_churn, true, true),
        col(SortKey::Clv, |t| t.col_clv, true, true),
    ]
};

#[component]
pub fn Customers() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let t = move || ctexts(lang.get());

    let search_input = RwSignal::new(String::new());
    let filters = RwSignal::new(Filters::default());
    let debounce = StoredValue::new(None::<TimeoutHandle>);
    let on_search = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        search_input.set(value.clone());
        if let Some(h) = debounce.get_value() {
            h.clear();
        }
        let handle = set_timeout_with_handle(
            move || filters.update(|f| f.search = value),
            SEARCH_DEBOUNCE,
        )
        .ok();
        debounce.set_value(handle);
    };

    let cache = RwSignal::new(Cache::default());
    let scroll_top = RwSignal::new(0.0f64);
    let viewport = RwSignal::new(640.0f64);
    let scroller = NodeRef::<leptos::html::Div>::new();

    // A new query (or a new analysis) is a new generation: empty cache, back to the top.
    Effect::new(move |prev: Option<u32>| {
        filters.track();
        state.overview.track();
        let generation = prev.map_or(1, |g| g + 1);
        cache.set(Cache {
            generation,
            ..Cache::default()
        });
        if let Some(el) = scroller.get_untracked() {
            el.set_scroll_top(0);
            viewport.set(f64::from(el.client_height()));
        }
        scroll_top.set(0.0);
        generation
    });

    let visible = Memo::new(move |_| {
        let first = (scroll_top.get() / ROW_H) as usize;
        let count = (viewport.get() / ROW_H).ceil() as usize + 1;
        (first.saturating_sub(MARGIN), first + count + MARGIN)
    });

    // Ask for the pages in view that are neither cached nor asked for.
    Effect::new(move |_| {
        let (from, to) = visible.get();
        let generation = cache.with(|c| c.generation);
        if state.overview.with(Option::is_none) {
            return;
        }
        let total = cache.with_untracked(|c| c.total);
        let to = total.map_or(to, |n| to.min(n));
        let wanted: Vec<usize> = (from / PAGE..=to.saturating_sub(1) / PAGE)
            .filter(|p| cache.with_untracked(|c| !c.asked.contains(p)))
            .collect();
        if wanted.is_empty() {
            return;
        }
        cache.update_untracked(|c| c.asked.extend(wanted.iter().copied()));
        let f = filters.get_untracked();
        for page in wanted {
            bridge::call(
                Request::Rows(f.query(page * PAGE, PAGE)),
                &[],
                move |response, _| {
                    let Response::Rows(rows) = response else {
                        if let Response::Failed(f) = response {
                            web_sys::console::error_1(&f.message.into());
                        }
                        return;
                    };
                    if cache.with_untracked(|c| c.generation) != generation {
                        return; // an answer to an older query
                    }
                    let here = (scroll_top.get_untracked() / ROW_H) as usize / PAGE;
                    cache.update(|c| {
                        c.total = Some(rows.total);
                        c.pages.insert(page, Arc::new(rows.rows));
                        while c.pages.len() > MAX_PAGES {
                            let far = *c
                                .pages
                                .keys()
                                .max_by_key(|&&p| p.abs_diff(here))
                                .expect("more than MAX_PAGES");
                            c.pages.remove(&far);
                            c.asked.remove(&far);
                        }
                    });
                },
            );
        }
    });

    let total = Memo::new(move |_| cache.with(|c| c.total));
    let all = move || {
        state
            .overview
            .with(|o| o.as_ref().map_or(0, |o| o.customers))
    };
    // (generation, row index, the row when loaded)
    let rows_in_view = move || {
        let (from, to) = visible.get();
        cache.with(|c| {
            let to = c.total.map_or(from, |n| to.min(n));
            (from.min(to)..to)
                .map(|i| (c.generation, i, c.row(i).cloned()))
                .collect::<Vec<_>>()
        })
    };
    let on_scroll = move |_| {
        if let Some(el) = scroller.get_untracked() {
            scroll_top.set(f64::from(el.scroll_top()));
            viewport.set(f64::from(el.client_height()));
        }
    };
    let body_height = move || format!("height:{}px", total.get().unwrap_or(0) as f64 * ROW_H);

    let segments = move || {
        state.overview.with(|o| {
            o.as_ref().map_or_else(Vec::new, |o| {
                o.report
                    .rfm
                    .segments
                    .iter()
                    .map(|s| {
                        let shown = match lang.get() {
                            Lang::Zh => s.segment_zh.clone(),
                            Lang::En => s.segment.clone(),
                        };
                        (s.segment.clone(), shown)
                    })
                    .collect::<Vec<_>>()
            })
        })
    };
    let clear = move |_| {
        if let Some(h) = debounce.get_value() {
            h.clear();
        }
        search_input.set(String::new());
        filters.update(|f| {
            *f = Filters {
                sort: f.sort,
                descending: f.descending,
                ..Filters::default()
            }
        });
    };
    let filtered = move || {
        filters.with(|f| {
            !f.search.is_empty() || f.tier.is_some() || f.stage.is_some() || f.segment.is_some()
        }) || !search_input.with(String::is_empty)
    };

    view! {
        <section class="page-customers" data-testid="page-customers">
            <PageHead
                title=Signal::derive(move || texts(lang.get()).page_customers)
                intro=Signal::derive(move || t().intro.to_owned())
            />
            <div class="cust-bar" role="search">
                <label class="cust-field cust-search">
                    <span>{move || t().search}</span>
                    <input
                        type="search"
                        data-testid="customer-search"
                        placeholder=move || t().search_placeholder
                        prop:value=move || search_input.get()
                        on:input=on_search
                    />
                </label>
                <label class="cust-field">
                    <span>{move || t().filter_tier}</span>
                    <select
                        data-testid="filter-tier"
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            filters.update(|f| f.tier = Tier::ALL.into_iter().find(|t| t.as_str() == v));
                        }
                        prop:value=move || filters.with(|f| f.tier.map_or("", Tier::as_str).to_owned())
                    >
                        <option value="">{move || t().all}</option>
                        {Tier::ALL
                            .into_iter()
                            .map(|tier| view! { <option value=tier.as_str()>{tier.as_str()}</option> })
                            .collect_view()}
                    </select>
                </label>
                <label class="cust-field">
                    <span>{move || t().filter_stage}</span>
                    <select
                        data-testid="filter-stage"
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            filters.update(|f| f.stage = Stage::ALL.into_iter().find(|s| s.as_str() == v));
                        }
                        prop:value=move || filters.with(|f| f.stage.map_or("", Stage::as_str).to_owned())
                    >
                        <option value="">{move || t().all}</option>
                        {Stage::ALL
                            .into_iter()
                            .map(|s| view! { <option value=s.as_str()>{move || s.label(lang.get())}</option> })
                            .collect_view()}
                    </select>
                </label>
                <label class="cust-field">
                    <span>{move || t().filter_segment}</span>
                    <select
                        data-testid="filter-segment"
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            filters.update(|f| f.segment = (!v.is_empty()).then_some(v));
                        }
                        prop:value=move || filters.with(|f| f.segment.clone().unwrap_or_default())
                    >
                        <option value="">{move || t().all}</option>
                        {move || segments()
                            .into_iter()
                            .map(|(value, shown)| view! { <option value=value>{shown}</option> })
                            .collect_view()}
                    </select>
                </label>
                <button class="btn btn-ghost" on:click=clear disabled=move || !filtered()>
                    {move || t().clear_filters}
                </button>
                <p
                    class="cust-count"
                    role="status"
                    data-testid="customer-count"
                    data-total=move || total.get().map(|n| n.to_string())
                >
                    {move || total.get().map(|n| (t().count)(n, all()))}
                </p>
            </div>
            <div
                class="cust-scroll"
                node_ref=scroller
                on:scroll=on_scroll
                data-testid="customer-table"
                tabindex="-1"
            >
                <div
                    class="cust-table"
                    role="table"
                    aria-label=move || t().table_label
                    aria-rowcount=move || total.get().map(|n| (n + 1).to_string())
                >
                    <div class="cust-head" role="rowgroup">
                        <div class="cust-tr" role="row" aria-rowindex="1">
                            {COLUMNS
                                .into_iter()
                                .map(|c| view! { <HeaderCell column=c filters=filters /> })
                                .collect_view()}
                        </div>
                    </div>
                    <div class="cust-body" role="rowgroup" style=body_height>
                        <For
                            each=rows_in_view
                            key=|(generation, i, row)| (*generation, *i, row.is_some())
                            children=move |(_, i, row)| view! { <BodyRow index=i row=row /> }
                        />
                    </div>
                </div>
                <Show when=move || total.get() == Some(0)>
                    <p class="cust-empty muted">{move || t().no_match}</p>
                </Show>
                <Show when=move || total.get().is_none()>
                    <p class="cust-empty muted" role="status">{move || t().loading}</p>
                </Show>
            </div>
        </section>
    }
}

#[component]
fn HeaderCell(column: Column, filters: RwSignal<Filters>) -> impl IntoView {
    let lang = use_app().lang;
    let sorted = move || {
        filters.with(|f| match f.sort {
            Some(k) if k == column.key => Some(f.descending),
            _ => None,
        })
    };
    let aria_sort = move || match sorted() {
        Some(true) => "descending",
        Some(false) => "ascending",
        None => "none",
    };
    let arrow = move || match sorted() {
        Some(true) => "▼",
        Some(false) => "▲",
        None => "",
    };
    let on_click = move |_| {
        filters.update(|f| {
            if f.sort == Some(column.key) {
                f.descending = !f.descending;
            } else {
                f.sort = Some(column.key);
                f.descending = column.desc_first;
            }
        })
    };
    let label = move || (column.label)(ctexts(lang.get()));
    view! {
        <div
            role="columnheader"
            class="cust-th"
            class:num=column.numeric
            aria-sort=aria_sort
        >
            <button
                class="sort-btn"
                data-sort=format!("{:?}", column.key)
                title=move || format!("{}{}", ctexts(lang.get()).sort_by, label())
                on:click=on_click
            >
                <span>{label}</span>
                <span class="sort-arrow" aria-hidden="true">{arrow}</span>
            </button>
        </div>
    }
}

/// One row of the table, absolutely placed at its index (a placeholder until its page is in).
#[component]
fn BodyRow(index: usize, row: Option<CustomerRow>) -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let t = move || ctexts(lang.get());
    let style = format!("top:{}px", index as f64 * ROW_H);
    let aria_index = (index + 2).to_string();
    let parity = if index % 2 == 1 {
        "cust-tr odd"
    } else {
        "cust-tr"
    };
    let Some(r) = row else {
        return view! {
            <div class=format!("{parity} cust-loading") role="row" style=style aria-rowindex=aria_index>
                <div role="cell" class="cust-td">"…"</div>
            </div>
        }
        .into_any();
    };
    let href = Route::Customer(r.customer_id.to_string()).href();
    let segment = r.rfm.as_ref().map(|x| x.segment.to_string());
    let segment_name = move || {
        let seg = segment.clone()?;
        state.overview.with(|o| {
            o.as_ref()
                .map(|o| o.report.segment_name(&seg, lang.get()).to_owned())
        })
    };
    let stage = r.lifecycle;
    let (key, name, manager) = (r.customer_id.clone(), r.name.clone(), r.manager.to_string());
    let (key_attr, name_title, manager_title) = (key.clone(), name.clone(), manager.clone());
    let segment_title = segment_name.clone();
    let key_label = {
        let name = r.name.clone();
        move || format!("{}{}", t().open_profile, name)
    };
    let score = |s: Option<f64>| s.map_or("–".to_owned(), |s| format!("{s:.0}"));
    view! {
        <div
            class=parity
            role="row"
            style=style
            aria-rowindex=aria_index
            data-testid="customer-row"
            data-key=key_attr
            data-tier=r.tier.map(Tier::as_str)
            data-net-revenue=r.net_revenue.to_string()
            data-value-score=r.value_score.as_ref().map(|v| v.score.to_string())
            data-loyalty-score=r.loyalty_score.as_ref().map(|v| v.score.to_string())
            data-rfm=r.rfm.as_ref().map(|x| x.code.to_string())
            data-churn-risk=r.prediction.as_ref().map(|p| p.churn_risk.to_string())
            data-clv=r.prediction.as_ref().and_then(|p| p.clv).map(|v| v.to_string())
        >
            <div role="cell" class="cust-td cust-key">
                <a href=href aria-label=key_label>{key}</a>
            </div>
            <div role="cell" class="cust-td" title=name_title>{name}</div>
            <div role="cell" class="cust-td" title=manager_title>{manager}</div>
            <div role="cell" class="cust-td"><TierPill tier=r.tier /></div>
            <div role="cell" class="cust-td"><TierPill tier=r.tier_previous /></div>
            <div role="cell" class="cust-td num">
                {r.rfm.as_ref().map_or("–".to_owned(), |x| x.code.to_string())}
            </div>
            <div role="cell" class="cust-td" title=segment_title>{segment_name}</div>
            <div role="cell" class="cust-td num">{score(r.value_score.as_ref().map(|v| v.score))}</div>
            <div role="cell" class="cust-td num">{score(r.loyalty_score.as_ref().map(|v| v.score))}</div>
            <div role="cell" class="cust-td">
                <span class=format!("stage stage-{}", stage.as_str())>{move || stage.label(lang.get())}</span>
            </div>
            <div role="cell" class="cust-td num">{format::count(r.orders as usize)}</div>
            <div role="cell" class="cust-td num">{format::money(r.net_revenue)}</div>
            <div role="cell" class="cust-td num">{r.last_order.map_or("–".to_owned(), format_day)}</div>
            <div role="cell" class="cust-td num">
                {r.recency_days.map_or("–".to_owned(), |d| format::count(d.max(0) as usize))}
            </div>
            <div role="cell" class="cust-td num">
                {r.prediction.as_ref().map(|p| view! {
                    <span class=format!("risk risk-{}", p.churn_band.as_str())>{format!("{:.0}", p.churn_risk)}</span>
                })}
            </div>
            <div role="cell" class="cust-td num">
                {r.prediction.as_ref().and_then(|p| p.clv).map_or("–".to_owned(), format::money)}
            </div>
        </div>
    }
    .into_any()
}

/// A tier letter on its colour; a dash before the customer was known.
#[component]
fn TierPill(tier: Option<Tier>) -> impl IntoView {
    match tier {
        Some(t) => view! {
            <span class=format!("tier-pill tier-{}", t.as_str().to_lowercase())>{t.as_str()}</span>
        }
        .into_any(),
        None => view! { <span class="muted">"–"</span> }.into_any(),
    }
}

/// What the profile page is showing.
#[derive(Clone)]
enum Loading {
    Waiting,
    Found(Arc<ProfileData>),
    Unknown,
}

/// The 360-degree profile of one customer.
#[component]
pub fn Profile(key: String) -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let t = move || ctexts(lang.get());
    let shown = RwSignal::new(Loading::Waiting);
    let generation = StoredValue::new(0u32);
    {
        let key = key.clone();
        // Asked again after every analysis, so the profile follows the settings.
        Effect::new(move |_| {
            if state.overview.with(Option::is_none) {
                return;
            }
            let g = generation.get_value() + 1;
            generation.set_value(g);
            bridge::call(
                Request::Profile { key: key.clone() },
                &[],
                move |response, _| {
                    if generation.get_value() != g {
                        return;
                    }
                    match response {
                        Response::Profile(p) => shown.set(Loading::Found(Arc::new(*p))),
                        Response::Failed(_) => shown.set(Loading::Unknown),
                        _ => {}
                    }
                },
            );
        });
    }
    let back = move || {
        view! {
            <a class="back-link" href=Route::Page(Page::Customers).href() data-testid="back-to-customers">
                {move || t().back}
            </a>
        }
    };
    view! {
        <section class="page-profile" data-testid="page-profile">
            {back}
            {move || match shown.get() {
                Loading::Waiting => view! {
                    <p class="muted" role="status">{move || t().loading_profile}</p>
                }
                .into_any(),
                Loading::Unknown => {
                    let key = key.clone();
                    view! {
                        <div class="profile-unknown" role="alert" data-testid="profile-unknown">
                            <h1>{move || t().unknown_title}</h1>
                            <p>{move || (t().unknown_body)(&key)}</p>
                            <p>{back}</p>
                        </div>
                    }
                    .into_any()
                }
                Loading::Found(p) => view! { <ProfileBody p=p /> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn ProfileBody(p: Arc<ProfileData>) -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let t = move || ctexts(lang.get());
    let r = &p.row;
    let c = &p.customer;
    let window_months = state
        .overview
        .with_untracked(|o| o.as_ref().map_or(12, |o| o.report.window_months));
    let title = if c.name.is_empty() {
        c.key.clone()
    } else {
        c.name.clone()
    };
    let margin = r
        .gross_profit
        .filter(|_| r.net_revenue != 0.0)
        .map(|g| g / r.net_revenue);
    let stage = r.lifecycle;
    let segment = r.rfm.as_ref().map(|x| x.segment.to_string());
    let segment_name = move || {
        let seg = segment.clone()?;
        state.overview.with(|o| {
            o.as_ref()
                .map(|o| o.report.segment_name(&seg, lang.get()).to_owned())
        })
    };
    let text = |s: &str| {
        if s.is_empty() {
            "–".to_owned()
        } else {
            s.to_owned()
        }
    };
    let master: Vec<(Label, String)> = vec![
        (|t| t.col_key, c.key.to_string()),
        (|t| t.col_name, text(&c.name)),
        (|t| t.industry, text(&c.industry)),
        (|t| t.region, text(&c.region)),
        (|t| t.size, text(&c.size)),
        (|t| t.col_manager, text(&c.manager)),
        (
            |t| t.first_cooperation,
            c.first_cooperation.map_or("–".to_owned(), format_day),
        ),
        (
            |t| t.credit_limit,
            c.credit_limit.map_or("–".to_owned(), format::money),
        ),
    ];
    let (net, gross, orders, window) = (r.net_revenue, r.gross_profit, r.orders, r.window_revenue);
    let (first, last, recency) = (r.first_order, r.last_order, r.recency_days);
    view! {
        <div
            class="profile"
            data-testid="profile"
            data-key=c.key.clone()
            data-net-revenue=net.to_string()
            data-orders=orders.to_string()
            data-tier=r.tier.map(Tier::as_str)
        >
            <header class="profile-head">
                <div>
                    <h1>{title}</h1>
                    <p class="muted">
                        {c.key.clone()}
                        {(!c.manager.is_empty()).then(|| format!(" · {}", c.manager))}
                    </p>
                </div>
                <div class="profile-badges">
                    <TierPill tier=r.tier />
                    <span class=format!("stage stage-{}", stage.as_str())>{move || stage.label(lang.get())}</span>
                    {move || segment_name().map(|s| view! { <span class="segment-tag">{s}</span> })}
                </div>
            </header>

            <div class="kpis profile-kpis">
                <Fact label=Signal::derive(move || texts(lang.get()).net_revenue.to_owned()) value=format::money(net) />
                <Fact label=Signal::derive(move || t().gross_profit.to_owned())
                    value=gross.map_or("–".to_owned(), format::money)
                    note=Signal::derive(move || margin.map_or(String::new(), |m| format!("{} {}", t().margin, format::percent(m)))) />
                <Fact label=Signal::derive(move || t().col_orders.to_owned()) value=format::count(orders as usize) />
                <Fact label=Signal::derive(move || (t().window_revenue)(window_months)) value=format::money(window) />
                <Fact label=Signal::derive(move || t().first_order.to_owned()) value=first.map_or("–".to_owned(), format_day) />
                <Fact label=Signal::derive(move || t().col_last_order.to_owned())
                    value=last.map_or("–".to_owned(), format_day)
                    note=Signal::derive(move || recency.map_or(String::new(), |n| (t().days_ago)(n))) />
            </div>

            <div class="profile-grid">
                <section class="panel profile-master" data-testid="profile-master">
                    <h2>{move || t().master_data}</h2>
                    <dl class="master-list">
                        {master
                            .into_iter()
                            .map(|(label, value)| {
                                let title = value.clone();
                                view! {
                                    <div class="master-item">
                                        <dt>{move || label(ctexts(lang.get()))}</dt>
                                        <dd title=title>{value}</dd>
                                    </div>
                                }
                            })
                            .collect_view()}
                    </dl>
                </section>
                <section class="panel profile-action" data-testid="profile-action">
                    <h2>{move || t().action}</h2>
                    <ActionBlock row=r.clone() />
                    <h3>{move || t().lifecycle}</h3>
                    <p>
                        <span class=format!("stage stage-{}", stage.as_str())>{move || stage.label(lang.get())}</span>
                        {r.usual_interval_days.map(|d| view! {
                            <span class="muted">" · " {move || t().usual_interval} " " {move || (t().days)(d)}</span>
                        })}
                    </p>
                </section>
            </div>

            <MonthlyChart months=p.months.clone() />
            <TierStrip tiers=p.tiers.clone() />

            <section class="panel" data-testid="profile-scores">
                <h2>{move || t().scores}</h2>
                <div class="score-grid">
                    <ScoreCard
                        title=Signal::derive(move || t().value_score)
                        testid="value-score"
                        score=r.value_score.as_ref().map(|v| (v.score, v.grade.label(Lang::Zh), v.grade.label(Lang::En)))
                        rows=r.value_score.as_ref().map_or_else(Vec::new, |v| v.criteria.iter().map(|c| {
                            let crit = c.criterion;
                            (Signal::derive(move || crit.label(lang.get()).to_owned()), value_raw(crit, c.raw), c.score, c.weight)
                        }).collect())
                        left_out=Signal::derive({
                            let left = r.value_score.as_ref().map(|v| v.left_out.to_vec()).unwrap_or_default();
                            move || left.iter().map(|c| c.label(lang.get())).collect::<Vec<_>>().join("、")
                        })
                    />
                    <ScoreCard
                        title=Signal::derive(move || t().loyalty_score)
                        testid="loyalty-score"
                        score=r.loyalty_score.as_ref().map(|v| (v.score, v.grade.label(Lang::Zh), v.grade.label(Lang::En)))
                        rows=r.loyalty_score.as_ref().map_or_else(Vec::new, |v| v.criteria.iter().map(|c| {
                            let crit = c.criterion;
                            let raw = c.raw;
                            (Signal::derive(move || crit.label(lang.get()).to_owned()), loyalty_raw(crit, raw, lang), c.score, c.weight)
                        }).collect())
                        left_out=Signal::derive({
                            let left = r.loyalty_score.as_ref().map(|v| v.left_out.to_vec()).unwrap_or_default();
                            move || left.iter().map(|c| c.label(lang.get())).collect::<Vec<_>>().join("、")
                        })
                    />
                    <RfmCard row=r.clone() />
                </div>
            </section>

            <PredictionCard row=r.clone() />
        </div>
    }
}

/// A headline figure: a fixed text, or one that follows the language.
#[component]
fn Fact(
    label: Signal<String>,
    #[prop(into)] value: Signal<String>,
    #[prop(into, optional)] note: Signal<String>,
) -> impl IntoView {
    view! {
        <article class="kpi profile-fact">
            <h2 class="kpi-label">{label}</h2>
            <p class="profile-fact-value" title=value>{value}</p>
            <p class="kpi-note">{note}</p>
        </article>
    }
}

/// A value criterion's raw figure in its own unit.
fn value_raw(c: ValueCriterion, raw: f64) -> Signal<String> {
    let text = match c {
        ValueCriterion::Amount => format::money(raw),
        ValueCriterion::Margin => format::percent(raw),
        // Growth is on -1..=1 from the data, or a 0-100 manual rating when the data has none.
        ValueCriterion::Growth if raw.abs() <= 1.0 => {
            format!(
                "{}{}",
                if raw > 0.0 { "+" } else { "" },
                format::percent(raw)
            )
        }
        _ => format!("{raw:.0}"),
    };
    Signal::derive(move || text.clone())
}

fn loyalty_raw(c: LoyaltyCriterion, raw: f64, lang: RwSignal<Lang>) -> Signal<String> {
    Signal::derive(move || {
        let t = ctexts(lang.get());
        match c {
            LoyaltyCriterion::Frequency => format!("{raw:.1} {}", t.per_month),
            LoyaltyCriterion::Coverage => format::percent(raw),
            LoyaltyCriterion::Regularity => format!("CV {raw:.2}"),
            LoyaltyCriterion::Tenure => format!("{raw:.1} {}", t.years),
            LoyaltyCriterion::Nps | LoyaltyCriterion::Complaints => format!("{raw:.0}"),
        }
    })
}

type CriterionRow = (Signal<String>, Signal<String>, f32, f32);

/// A weighted score with the criteria that made it.
#[component]
fn ScoreCard(
    title: Signal<&'static str>,
    testid: &'static str,
    /// (score, grade in Chinese, grade in English)
    score: Option<(f64, &'static str, &'static str)>,
    rows: Vec<CriterionRow>,
    left_out: Signal<String>,
) -> impl IntoView {
    let lang = use_app().lang;
    let t = move || ctexts(lang.get());
    let Some((value, zh, en)) = score else {
        return view! {
            <article class="score-card" data-testid=testid>
                <h3>{title}</h3>
                <p class="muted">{move || t().no_score}</p>
            </article>
        }
        .into_any();
    };
    let grade = move || if lang.get() == Lang::Zh { zh } else { en };
    view! {
        <article class="score-card" data-testid=testid data-score=value.to_string()>
            <div class="score-head">
                <h3>{title}</h3>
                <p class="score-value">{format!("{value:.0}")} <span class="score-grade">{grade}</span></p>
            </div>
            <div class="score-bar" aria-hidden="true">
                <span style=format!("width:{:.1}%", value.clamp(0.0, 100.0))></span>
            </div>
            <table class="grid score-table">
                <thead>
                    <tr>
                        <th scope="col">{move || t().criterion}</th>
                        <th scope="col" class="num">{move || t().raw}</th>
                        <th scope="col" class="num">{move || t().score}</th>
                        <th scope="col" class="num">{move || t().weight}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|(label, raw, score, weight)| view! {
                            <tr data-score=score.to_string() data-weight=weight.to_string()>
                                <th scope="row">{label}</th>
                                <td class="num">{raw}</td>
                                <td class="num">{format!("{score:.0}")}</td>
                                <td class="num">{format::percent(f64::from(weight))}</td>
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
            <Show when=move || !left_out.with(String::is_empty)>
                <p class="muted score-note">{move || t().left_out} {left_out}</p>
            </Show>
        </article>
    }
    .into_any()
}

/// R, F and M: the figure each is ranked by and its score, with the segment.
#[component]
fn RfmCard(row: CustomerRow) -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let t = move || ctexts(lang.get());
    let Some(rfm) = row.rfm.clone() else {
        return view! {
            <article class="score-card" data-testid="rfm-score">
                <h3>{move || t().rfm_title}</h3>
                <p class="muted">{move || t().no_score}</p>
            </article>
        }
        .into_any();
    };
    let segment = rfm.segment.to_string();
    let segment_name = move || {
        state.overview.with(|o| {
            o.as_ref().map_or_else(
                || segment.clone(),
                |o| o.report.segment_name(&segment, lang.get()).to_owned(),
            )
        })
    };
    let recency = row.recency_days.unwrap_or(0);
    let lines: [(Label, Signal<String>, u8); 3] = [
        (
            |t| t.recency,
            Signal::derive(move || (ctexts(lang.get()).days)(f64::from(recency))),
            rfm.r,
        ),
        (
            |t| t.frequency,
            Signal::derive({
                let n = format::count(row.orders as usize);
                move || n.clone()
            }),
            rfm.f,
        ),
        (
            |t| t.monetary,
            Signal::derive({
                let m = format::money(row.net_revenue);
                move || m.clone()
            }),
            rfm.m,
        ),
    ];
    view! {
        <article class="score-card" data-testid="rfm-score" data-rfm=rfm.code.to_string()>
            <div class="score-head">
                <h3>{move || t().rfm_title}</h3>
                <p class="score-value">{rfm.code.to_string()}</p>
            </div>
            <p class="segment-line">
                <span class="muted">{move || t().segment} " "</span>
                <span class="segment-tag">{segment_name}</span>
            </p>
            <table class="grid score-table">
                <thead>
                    <tr>
                        <th scope="col">{move || t().criterion}</th>
                        <th scope="col" class="num">{move || t().raw}</th>
                        <th scope="col" class="num">{move || t().rfm_score}</th>
                    </tr>
                </thead>
                <tbody>
                    {lines
                        .into_iter()
                        .map(|(label, value, score)| view! {
                            <tr>
                                <th scope="row">{move || label(ctexts(lang.get()))}</th>
                                <td class="num">{value}</td>
                                <td class="num"><span class="rfm-dots" aria-label=score.to_string()>{score.to_string()}</span></td>
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
        </article>
    }
    .into_any()
}

/// The recommended action: kind and priority, the reason, and the follow-up sentence.
#[component]
fn ActionBlock(row: CustomerRow) -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let t = move || ctexts(lang.get());
    let Some(action) = row.action.clone() else {
        return view! { <p class="muted">{move || t().no_action}</p> }.into_any();
    };
    let follow_up = move || {
        state.overview.with(|o| {
            o.as_ref()
                .and_then(|o| o.report.follow_up(&row, lang.get()))
        })
    };
    let (kind, priority, reason) = (action.kind, action.priority, action.reason.clone());
    view! {
        <div class="action-block" data-testid="action" data-kind=format!("{kind:?}")>
            <p class="action-title">
                <strong>{move || (t().action_kind)(kind)}</strong>
                <span class=format!("priority priority-{priority:?}").to_lowercase()>
                    {move || t().priority} " " {move || priority.label(lang.get())}
                </span>
            </p>
            <p>{move || reason.text(lang.get())}</p>
            <p class="follow-up"><span class="muted">{move || t().follow_up} ": "</span>{follow_up}</p>
        </div>
    }
    .into_any()
}

/// Net revenue per month as bars (with gross profit beside it when the data has it).
#[component]
fn MonthlyChart(months: Vec<MonthFigures>) -> impl IntoView {
    let lang = use_app().lang;
    let t = move || ctexts(lang.get());
    const W: f64 = 960.0;
    const H: f64 = 240.0;
    const LEFT: f64 = 64.0;
    const RIGHT: f64 = 8.0;
    const TOP: f64 = 12.0;
    const BOTTOM: f64 = 28.0;
    let n = months.len().max(1);
    let has_profit = months.iter().any(|m| m.gross_profit.is_some());
    let values = months
        .iter()
        .flat_map(|m| [Some(m.net_revenue), m.gross_profit])
        .flatten();
    let (lo, hi) = values.fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let hi = if hi <= lo { lo + 1.0 } else { hi };
    let plot_h = H - TOP - BOTTOM;
    let y = move |v: f64| TOP + (hi - v) / (hi - lo) * plot_h;
    let slot = (W - LEFT - RIGHT) / n as f64;
    let bar_w = if has_profit { slot * 0.38 } else { slot * 0.7 };
    let label_every = n.div_ceil(12);
    let (first, last) = (
        months.first().map(|m| m.month.clone()).unwrap_or_default(),
        months.last().map(|m| m.month.clone()).unwrap_or_default(),
    );
    let aria = move || (t().history_label)(&first, &last);
    let ticks = [lo, (lo + hi) / 2.0, hi]
        .into_iter()
        .filter(|v| *v != 0.0 || lo == 0.0)
        .collect::<Vec<_>>();
    let bar = |v: f64, x: f64, class: &'static str| {
        let (y0, y1) = (y(0.0), y(v));
        let (top, height) = (
            y0.min(y1),
            (y0 - y1).abs().max(if v != 0.0 { 1.0 } else { 0.0 }),
        );
        view! { <rect class=class x=format!("{x:.1}") y=format!("{top:.1}") width=format!("{bar_w:.1}") height=format!("{height:.1}") /> }
    };
    let table_rows = months.clone();
    view! {
        <section class="panel profile-chart" data-testid="profile-history">
            <div class="panel-head">
                <h2>{move || t().history_title}</h2>
                <div class="legend" aria-hidden="true">
                    <span class="legend-item"><span class="swatch swatch-revenue"></span>{move || texts(lang.get()).net_revenue}</span>
                    {has_profit.then(|| view! {
                        <span class="legend-item"><span class="swatch swatch-profit"></span>{move || t().gross_profit}</span>
                    })}
                </div>
            </div>
            <svg class="history-svg" viewBox=format!("0 0 {W} {H}") role="img" aria-label=aria.clone()>
                {ticks.into_iter().map(|v| view! {
                    <g class="tick">
                        <line x1=LEFT x2=W - RIGHT y1=format!("{:.1}", y(v)) y2=format!("{:.1}", y(v)) />
                        <text x=LEFT - 6.0 y=format!("{:.1}", y(v) + 4.0) text-anchor="end">
                            {move || format::money_short(v, lang.get())}
                        </text>
                    </g>
                }).collect_view()}
                <line class="axis" x1=LEFT x2=W - RIGHT y1=format!("{:.1}", y(0.0)) y2=format!("{:.1}", y(0.0)) />
                {months.into_iter().enumerate().map(|(i, m)| {
                    let x = LEFT + i as f64 * slot + (slot - if has_profit { 2.0 * bar_w } else { bar_w }) / 2.0;
                    let tip = format!("{} · {}{}", m.month, format::money(m.net_revenue),
                        m.gross_profit.map(|g| format!(" / {}", format::money(g))).unwrap_or_default());
                    view! {
                        <g class="month" data-month=m.month.clone() data-net=m.net_revenue.to_string()
                            data-profit=m.gross_profit.map(|g| g.to_string())>
                            <title>{tip}</title>
                            {bar(m.net_revenue, x, "bar-revenue")}
                            {m.gross_profit.map(|g| bar(g, x + bar_w, "bar-profit"))}
                            {(i % label_every == 0).then(|| view! {
                                <text class="month-label" x=format!("{:.1}", LEFT + (i as f64 + 0.5) * slot) y=H - 8.0 text-anchor="middle">
                                    {m.month.clone()}
                                </text>
                            })}
                        </g>
                    }
                }).collect_view()}
            </svg>
            <table class="visually-hidden">
                <caption>{aria}</caption>
                <thead>
                    <tr>
                        <th scope="col">{move || t().month}</th>
                        <th scope="col">{move || texts(lang.get()).net_revenue}</th>
                        <th scope="col">{move || t().gross_profit}</th>
                        <th scope="col">{move || t().col_orders}</th>
                    </tr>
                </thead>
                <tbody>
                    {table_rows.into_iter().map(|m| view! {
                        <tr>
                            <th scope="row">{m.month}</th>
                            <td>{format::money(m.net_revenue)}</td>
                            <td>{m.gross_profit.map_or("–".to_owned(), format::money)}</td>
                            <td>{m.orders}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

/// The tier of every period, oldest first.
#[component]
fn TierStrip(tiers: Vec<PeriodTier>) -> impl IntoView {
    let lang = use_app().lang;
    let t = move || ctexts(lang.get());
    view! {
        <section class="panel" data-testid="profile-tier-history">
            <h2>{move || t().tier_history}</h2>
            <ol class="tier-strip">
                {tiers.into_iter().map(|p| {
                    let letter = p.tier.map_or("·", Tier::as_str);
                    let class = p.tier.map_or("tier-cell tier-none".to_owned(), |t| {
                        format!("tier-cell tier-{}", t.as_str().to_lowercase())
                    });
                    let label = p.period.clone();
                    let tier = p.tier;
                    let title = move || format!("{}: {}", label, tier.map_or(t().not_known.to_owned(), |x| x.as_str().to_owned()));
                    let aria = title.clone();
                    view! {
                        <li class=class data-period=p.period.clone() data-tier=p.tier.map(Tier::as_str) title=title>
                            <span class="tier-cell-period" aria-hidden="true">{p.period.clone()}</span>
                            <span class="tier-cell-letter" aria-label=aria>{letter}</span>
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}

type ClvLabel = fn(&super::super::i18n::clv::ClvTexts) -> &'static str;

/// Churn risk with its reasons, P(alive), the next order and CLV (`predict::predict`).
#[component]
fn PredictionCard(row: CustomerRow) -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let t = move || ctexts(lang.get());
    let c = move || super::super::i18n::clv::texts(lang.get());
    let body = match row.prediction {
        None => view! { <p class="muted">{move || c().no_prediction}</p> }.into_any(),
        Some(p) => {
            let reasons = p.churn_reasons.clone();
            let band = p.churn_band;
            let money = |v: Option<f64>| v.map_or("–".to_owned(), format::money);
            let facts: Vec<(ClvLabel, String)> = vec![
                (
                    |c| c.col_p_alive,
                    p.p_alive.map_or("–".to_owned(), format::percent),
                ),
                (
                    |c| c.expected_purchases,
                    p.expected_purchases
                        .map_or("–".to_owned(), |x| format!("{x:.1}")),
                ),
                (
                    |c| c.col_next,
                    p.next_order.map_or("–".to_owned(), format_day),
                ),
                (|c| c.avg_spend, money(p.expected_avg_spend)),
                (|c| c.col_clv, money(p.clv)),
                (|c| c.clv_profit, money(p.clv_profit)),
            ];
            view! {
                <div class="profile-risk">
                    <span class=format!("risk risk-{} risk-big", band.as_str()) data-testid="profile-churn-risk"
                        data-value=p.churn_risk.to_string()>
                        {format!("{:.0}", p.churn_risk)}
                    </span>
                    <div>
                        <strong>{move || format!("{} · {}", c().col_risk, band.text(lang.get()))}</strong>
                        <p class="profile-reasons">{move || crate::engine::churn::reasons_text(&reasons, lang.get())}</p>
                    </div>
                </div>
                <dl class="profile-prediction-facts">
                    {facts.into_iter().map(|(label, value)| view! {
                        <div><dt>{move || label(c())}</dt><dd>{value}</dd></div>
                    }).collect_view()}
                </dl>
            }
            .into_any()
        }
    };
    view! {
        <section class="panel profile-prediction" data-testid="profile-prediction">
            <h2>{move || t().prediction_title}</h2>
            {body}
        </section>
    }
}

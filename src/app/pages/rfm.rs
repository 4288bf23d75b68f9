//! The RFM page: the segment table with each segment's strategy, the R x F grid as a heatmap
//! table, and the customers of the chosen segment (asked from the worker a page at a time).

use super::super::bridge;
use super::super::format;
use super::super::i18n::scores::{segment_strategy, texts as scores_texts};
use super::super::i18n::texts;
use super::super::protocol::{Request, Response};
use super::super::route::Route;
use super::super::state::use_app;
use super::{PageHead, with_overview};
use crate::engine::model::format_day;
use crate::engine::query::{RowQuery, SortKey};
use crate::engine::report::CustomerRow;
use leptos::prelude::*;

/// Rows asked from the worker at a time.
const PAGE: usize = 50;

#[component]
pub fn Rfm() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let t = move || texts(lang.get());
    let s = move || scores_texts(lang.get());
    let chosen: RwSignal<Option<String>> = RwSignal::new(None);
    view! {
        <section class="page-rfm scores" data-testid="page-rfm">
            <PageHead title=Signal::derive(move || t().page_rfm)
                intro=Signal::derive(move || s().rfm_intro.to_owned()) />
            {with_overview(move |o| {
                let report = &o.report;
                // The default choice, and the fallback when new settings empty the chosen
                // segment: the segment with the most revenue.
                let still_there = chosen.with_untracked(|c| {
                    c.as_ref().is_some_and(|c| {
                        report.rfm.segments.iter().any(|x| &x.segment == c && x.customers > 0)
                    })
                });
                if !still_there {
                    let top = report
                        .rfm
                        .segments
                        .iter()
                        .filter(|x| x.customers > 0)
                        .max_by(|a, b| a.net_revenue.total_cmp(&b.net_revenue))
                        .map(|x| x.segment.clone());
                    chosen.set(top);
                }
                let as_of = format_day(report.as_of);
                let bins = report.rfm.bins;
                let scored = report.rfm.scored;
                view! {
                    <div class="scores-facts">
                        <div class="fact-inline" data-testid="rfm-as-of" data-as-of=as_of.clone()>
                            <span class="muted">{move || s().as_of}</span>
                            <strong>{as_of.clone()}</strong>
                        </div>
                        <div class="fact-inline" data-testid="rfm-scored" data-value=scored.to_string()>
                            <span class="muted">{move || s().scored}</span>
                            <strong class="num">{format::count(scored as usize)}</strong>
                        </div>
                        <label class="fact-inline">
                            <span class="muted">{move || s().bins}</span>
                            <select data-testid="rfm-bins" aria-describedby="rfm-bins-hint"
                                on:change=move |ev| {
                                    if let Ok(b) = event_target_value(&ev).parse::<u8>() {
                                        state.settings.update(|st| st.rfm.bins = b);
                                    }
                                }>
                                {(2..=9u8).map(|b| view! {
                                    <option value=b.to_string() selected=b == bins>{b}</option>
                                }).collect_view()}
                            </select>
                            <span class="muted" id="rfm-bins-hint">{move || s().bins_hint}</span>
                        </label>
                    </div>
                    <SegmentTable overview=o.clone() chosen=chosen />
                    <RfGrid overview=o.clone() />
                }
            })}
            <SegmentCustomers chosen=chosen />
        </section>
    }
}

/// Every segment of the table, most revenue first, with a button that lists its customers.
#[component]
fn SegmentTable(
    overview: std::sync::Arc<super::super::protocol::Overview>,
    chosen: RwSignal<Option<String>>,
) -> impl IntoView {
    let lang = use_app().lang;
    let s = move || scores_texts(lang.get());
    let mut segments = overview.report.rfm.segments.clone();
    segments.sort_by(|a, b| {
        b.net_revenue
            .total_cmp(&a.net_revenue)
            .then(b.customers.cmp(&a.customers))
    });
    let avg = |x: Option<f64>| x.map_or("–".to_owned(), |v| format!("{v:.1}"));
    view! {
        <section class="panel scores-segments" data-testid="rfm-segments">
            <div class="panel-head"><h2>{move || s().segments_title}</h2></div>
            <div class="table-scroll scores-table">
                <table class="grid">
                    <caption class="visually-hidden">{move || s().segments_caption}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{move || s().col_segment}</th>
                            <th scope="col" class="num">{move || s().col_customers}</th>
                            <th scope="col" class="num">{move || s().col_share}</th>
                            <th scope="col" class="num">{move || s().col_revenue}</th>
                            <th scope="col" class="num">{move || s().col_avg_r}</th>
                            <th scope="col" class="num">{move || s().col_avg_f}</th>
                            <th scope="col" class="num">{move || s().col_avg_m}</th>
                            <th scope="col">{move || s().col_strategy}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {segments.into_iter().map(|seg| {
                            let name = seg.segment.clone();
                            let zh = seg.segment_zh.clone();
                            let en = seg.segment.clone();
                            let label = move || if lang.get() == crate::engine::i18n::Lang::Zh { zh.clone() } else { en.clone() };
                            let is_chosen = {
                                let name = name.clone();
                                move || chosen.with(|c| c.as_deref() == Some(name.as_str()))
                            };
                            let pressed = is_chosen.clone();
                            let pick = name.clone();
                            let strategy_key = name.clone();
                            let empty = seg.customers == 0;
                            view! {
                                <tr data-segment=name.clone() data-customers=seg.customers.to_string()
                                    data-revenue=seg.net_revenue.to_string()
                                    class:chosen=is_chosen class:empty=empty>
                                    <th scope="row" class="seg-name">
                                        <button class="link-button" disabled=empty
                                            title=move || s().show_customers
                                            aria-pressed=move || if pressed() { "true" } else { "false" }
                                            on:click=move |_| chosen.set(Some(pick.clone()))>
                                            {label}
                                        </button>
                                    </th>
                                    <td class="num">{format::count(seg.customers as usize)}</td>
                                    <td class="num">{format::percent(seg.share)}</td>
                                    <td class="num">{move || format::money_short(seg.net_revenue, lang.get())}</td>
                                    <td class="num">{avg(seg.avg_r)}</td>
                                    <td class="num">{avg(seg.avg_f)}</td>
                                    <td class="num">{avg(seg.avg_m)}</td>
                                    <td class="strategy" title=move || segment_strategy(&strategy_key, lang.get()).unwrap_or("")>
                                        {let k = name.clone(); move || segment_strategy(&k, lang.get()).unwrap_or("–")}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// A cell of the R x F grid: its customers and their mean M score.
type GridCell = (u32, Option<f64>);

/// The R x F grid: R from best (top) to worst, F from worst (left) to best; shade by count.
#[component]
fn RfGrid(overview: std::sync::Arc<super::super::protocol::Overview>) -> impl IntoView {
    let lang = use_app().lang;
    let s = move || scores_texts(lang.get());
    let rfm = &overview.report.rfm;
    let bins = rfm.bins as usize;
    let max = rfm.grid.iter().flatten().copied().max().unwrap_or(0).max(1);
    let rows: Vec<(usize, Vec<GridCell>)> = (0..bins)
        .rev()
        .map(|r| {
            let cells = (0..bins)
                .map(|f| (rfm.grid[r][f], rfm.grid_m[r][f]))
                .collect();
            (r + 1, cells)
        })
        .collect();
    view! {
        <section class="panel scores-rfgrid" data-testid="rfm-grid" data-bins=bins.to_string()>
            <div class="panel-head"><h2>{move || s().grid_title}</h2></div>
            <div class="rfgrid-body">
            <table class="heat">
                <caption class="visually-hidden">{move || s().grid_title} ". " {move || s().grid_note}</caption>
                <thead>
                    <tr>
                        <th scope="col" class="heat-corner">
                            <span class="axis-y">{move || s().axis_r}</span>
                            <span class="axis-x">{move || s().axis_f}</span>
                        </th>
                        {(1..=bins).map(|f| view! { <th scope="col">{format!("F{f}")}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|(r, cells)| view! {
                        <tr>
                            <th scope="row">{format!("R{r}")}</th>
                            {cells.into_iter().enumerate().map(|(f, (n, m))| {
                                let shade = f64::from(n) / f64::from(max);
                                let dark = shade > 0.55;
                                view! {
                                    <td class="heat-cell" class:dark=dark
                                        style=format!("--shade:{:.0}%", shade * 100.0)
                                        data-r=r.to_string() data-f=(f + 1).to_string()
                                        data-count=n.to_string()
                                        data-mean-m=m.map(|m| m.to_string()).unwrap_or_default()>
                                        <span class="heat-count">{format::count(n as usize)}</span>
                                        <span class="heat-sub">
                                            {m.map(|m| move || format!("{} {m:.1}", s().mean_m))}
                                        </span>
                                    </td>
                                }
                            }).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <div class="rfgrid-aside">
                <p>{move || s().grid_reading}</p>
                <p class="muted note">{move || s().grid_note}</p>
                <div class="shade-legend" aria-hidden="true">
                    <span>"0"</span><span class="shade-ramp"></span><span>{format::count(max as usize)}</span>
                </div>
            </div>
            </div>
        </section>
    }
}

/// The customers of the chosen segment, sorted as the user asks, `PAGE` more at a time.
#[component]
fn SegmentCustomers(chosen: RwSignal<Option<String>>) -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let s = move || scores_texts(lang.get());
    let sort = RwSignal::new(SortKey::NetRevenue);
    let limit = RwSignal::new(PAGE);
    let rows: RwSignal<Option<(usize, Vec<CustomerRow>)>> = RwSignal::new(None);
    let generation = StoredValue::new(0u32);
    // A new segment or sort starts from the first page again.
    Effect::new(move |_| {
        chosen.track();
        sort.track();
        limit.set(PAGE);
    });
    Effect::new(move |_| {
        // Re-ask when a new analysis arrives: the segment's members change with the settings.
        state.overview.track();
        let Some(segment) = chosen.get() else {
            rows.set(None);
            return;
        };
        let key = sort.get();
        let query = RowQuery {
            segment: Some(segment),
            sort: Some(key),
            // Recency ascending puts the most recent first; the rest read best first.
            descending: key != SortKey::Recency,
            limit: limit.get(),
            ..RowQuery::default()
        };
        let g = generation.get_value() + 1;
        generation.set_value(g);
        bridge::call(Request::Rows(query), &[], move |response, _| {
            if generation.get_value() != g {
                return;
            }
            if let Response::Rows(page) = response {
                rows.set(Some((page.total, page.rows)));
            }
        });
    });
    let title = move || {
        let name = chosen.get().unwrap_or_default();
        let shown = state.overview.with(|o| {
            o.as_ref()
                .map(|o| o.report.segment_name(&name, lang.get()).to_owned())
        });
        shown.unwrap_or(name)
    };
    let sorts = [
        (SortKey::NetRevenue, "net_revenue"),
        (SortKey::Recency, "recency"),
        (SortKey::Orders, "orders"),
        (SortKey::Rfm, "rfm"),
    ];
    let sort_label = move |k: SortKey| match k {
        SortKey::Recency => s().sort_recency,
        SortKey::Orders => s().sort_orders,
        SortKey::Rfm => s().sort_rfm,
        _ => s().sort_revenue,
    };
    view! {
        <Show when=move || chosen.with(Option::is_some)>
            <section class="panel scores-members" data-testid="rfm-customers"
                data-segment=move || chosen.get().unwrap_or_default()
                data-total=move || rows.with(|r| r.as_ref().map(|r| r.0.to_string()).unwrap_or_default())>
                <div class="panel-head">
                    <h2>{move || s().list_title} " · " {title}</h2>
                    <label class="inline-control">
                        <span class="muted">{move || s().sort_by}</span>
                        <select data-testid="rfm-sort" on:change=move |ev| {
                            let v = event_target_value(&ev);
                            if let Some(&(k, _)) = sorts.iter().find(|(_, id)| *id == v) {
                                sort.set(k);
                            }
                        }>
                            {sorts.into_iter().map(|(k, id)| view! {
                                <option value=id selected=move || sort.get() == k>{move || sort_label(k)}</option>
                            }).collect_view()}
                        </select>
                    </label>
                </div>
                {move || match rows.get() {
                    None => view! { <p class="muted" role="status">{s().loading}</p> }.into_any(),
                    Some((0, _)) => view! { <p class="muted">{s().none_in_segment}</p> }.into_any(),
                    Some((total, list)) => {
                        let shown = list.len();
                        view! {
                            <div class="table-scroll scores-table tall">
                                <table class="grid">
                                    <thead>
                                        <tr>
                                            <th scope="col">{s().col_key}</th>
                                            <th scope="col">{s().col_name}</th>
                                            <th scope="col" class="num">"R"</th>
                                            <th scope="col" class="num">"F"</th>
                                            <th scope="col" class="num">"M"</th>
                                            <th scope="col" class="num">{s().col_recency}</th>
                                            <th scope="col" class="num">{s().col_orders}</th>
                                            <th scope="col" class="num">{s().col_net}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {list.into_iter().map(|row| member_row(row, lang.get())).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            <div class="list-foot">
                                <span class="muted" role="status">
                                    {s().shown_of.replace("{shown}", &format::count(shown)).replace("{total}", &format::count(total))}
                                </span>
                                <Show when=move || { shown < total }>
                                    <button class="btn" data-testid="rfm-more"
                                        on:click=move |_| limit.update(|l| *l += PAGE)>
                                        {move || s().show_more}
                                    </button>
                                </Show>
                            </div>
                        }.into_any()
                    }
                }}
            </section>
        </Show>
    }
}

fn member_row(row: CustomerRow, lang: crate::engine::i18n::Lang) -> impl IntoView {
    let s = scores_texts(lang);
    let rfm = row.rfm.clone();
    let score = |pick: fn(&crate::engine::rfm::Rfm) -> u8| {
        rfm.as_ref().map_or("–".to_owned(), |r| pick(r).to_string())
    };
    let href = Route::Customer(row.customer_id.to_string()).href();
    view! {
        <tr data-customer=row.customer_id.clone()
            data-code=rfm.as_ref().map(|r| r.code.to_string()).unwrap_or_default()
            data-net=row.net_revenue.to_string()>
            <td><a href=href>{row.customer_id.clone()}</a></td>
            <td title=row.name.clone()>{row.name.clone()}</td>
            <td class="num">{score(|r| r.r)}</td>
            <td class="num">{score(|r| r.f)}</td>
            <td class="num">{score(|r| r.m)}</td>
            <td class="num">{row.recency_days.map_or("–".to_owned(), |d| if d == 1 { s.day_one.to_owned() } else { s.days.replace("{n}", &format::count(d.max(0) as usize)) })}</td>
            <td class="num">{format::count(row.orders as usize)}</td>
            <td class="num">{format::money(row.net_revenue)}</td>
        </tr>
    }
}

//! The Actions page: every customer who needs a follow-up, most urgent first (the engine's
//! order: priority, then revenue at stake), 50 to a page, for the sales team's week.

use super::super::format;
use super::super::i18n::analysis::{self, action_label, priority_class};
use super::super::state::use_app;
use super::PageHead;
use super::tiers::{CustomerLink, TierMove, use_rows};
use crate::engine::query::RowQuery;
use leptos::prelude::*;

const PAGE: usize = 50;

#[component]
pub fn Actions() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let t = move || analysis::texts(lang.get());
    let offset = RwSignal::new(0usize);
    // A new analysis may have fewer actions: start from the top again.
    Effect::new(move |_| {
        state.overview.track();
        offset.set(0);
    });
    let page = use_rows(move || RowQuery {
        with_action: true,
        offset: offset.get(),
        limit: PAGE,
        ..RowQuery::default()
    });
    let total = move || page.with(|p| p.as_ref().map_or(0, |p| p.total));
    let range = move || {
        page.with(|p| {
            p.as_ref()
                .filter(|p| p.total > 0)
                .map(|p| (t().actions_range)(p.offset + 1, p.offset + p.rows.len(), p.total))
        })
    };
    let pager = move || {
        view! {
            <nav class="pager" aria-label=move || t().pager>
                <button class="btn" data-testid="actions-prev"
                    disabled=move || offset.get() == 0
                    on:click=move |_| offset.update(|o| *o = o.saturating_sub(PAGE))>
                    {move || t().previous_page}
                </button>
                <span class="pager-range" aria-live="polite">{range}</span>
                <button class="btn" data-testid="actions-next"
                    disabled=move || { offset.get() + PAGE >= total() }
                    on:click=move |_| offset.update(|o| *o += PAGE)>
                    {move || t().next_page}
                </button>
            </nav>
        }
    };
    view! {
        <section class="page-actions" data-testid="page-actions">
            <PageHead title=Signal::derive(move || super::super::i18n::texts(lang.get()).page_actions)
                intro=Signal::derive(move || t().actions_intro.to_owned()) />
            <section class="panel">
                <div class="panel-head">
                    <h2 data-testid="actions-total" data-total=move || total().to_string()>
                        {move || (t().actions_total)(total())}
                    </h2>
                    {pager}
                </div>
                {move || {
                    let l = lang.get();
                    let t = analysis::texts(l);
                    let overview = state.overview.get();
                    match (page.get(), overview) {
                        (Some(p), Some(o)) if !p.rows.is_empty() => view! {
                            <div class="table-block">
                                <table class="grid actions-table" data-testid="actions-table">
                                    <thead>
                                        <tr>
                                            <th scope="col">{t.col_customer}</th>
                                            <th scope="col">{t.col_manager}</th>
                                            <th scope="col">{t.col_tiers}</th>
                                            <th scope="col">{t.col_action}</th>
                                            <th scope="col">{t.col_reason}</th>
                                            <th scope="col" class="num">{t.col_at_stake}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {p.rows.into_iter().map(|row| {
                                            let follow = o.report.follow_up(&row, l).unwrap_or_default();
                                            let a = row.action.clone().expect("listed rows have an action");
                                            view! {
                                                <tr data-customer=row.customer_id.clone() data-action=format!("{:?}", a.kind)>
                                                    <td class="cell-customer"><CustomerLink row=row.clone() /></td>
                                                    <td>{row.manager.to_string()}</td>
                                                    <td><TierMove from=row.tier_previous to=row.tier lang=l /></td>
                                                    <td class="cell-action">
                                                        <span class=priority_class(a.priority)>{a.priority.label(l)}</span>
                                                        " " {action_label(a.kind, l)}
                                                    </td>
                                                    <td class="cell-text">
                                                        <p class="reason">{a.text(l)}</p>
                                                        <p class="follow">{follow}</p>
                                                    </td>
                                                    <td class="num">{format::money(a.at_stake)}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any(),
                        (Some(_), Some(_)) => view! { <p class="muted">{t.no_actions}</p> }.into_any(),
                        _ => view! { <p class="muted" role="status">{t.loading}</p> }.into_any(),
                    }
                }}
                <div class="panel-foot">{pager}</div>
            </section>
        </section>
    }
}

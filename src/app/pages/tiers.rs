//! The Tiers page: the A/B/C/D split of every period, the migration into the current one with
//! the follow-up each move calls for, the rule in force, and each tier's leading customers.
//! Also the pieces the dashboard and the actions page share (rows from the worker, the
//! migration heatmap, customer and tier cells).

use super::super::bridge;
use super::super::charts::{HeatCell, Heatmap, Stack, StackedBars, Tone};
use super::super::format;
use super::super::i18n::analysis::{self, action_label, origin_label, period_label};
use super::super::protocol::{Overview, Request, Response};
use super::super::route::{Page, Route};
use super::super::state::use_app;
use super::{PageHead, with_overview};
use crate::engine::actions::ActionKind;
use crate::engine::i18n::Lang;
use crate::engine::migration::{self, MigrationMatrix, Origin};
use crate::engine::query::{RowPage, RowQuery, SortKey};
use crate::engine::report::{CustomerRow, Settings};
use crate::engine::tiers::{Tier, TierRule};
use leptos::prelude::*;
use std::sync::Arc;

/// Customers listed per tier.
const TOP_PER_TIER: usize = 5;

#[component]
pub fn Tiers() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let t = move || analysis::texts(lang.get());
    view! {
        <section class="page-tiers" data-testid="page-tiers">
            <PageHead title=Signal::derive(move || super::super::i18n::texts(lang.get()).page_tiers)
                intro=Signal::derive(move || t().tiers_intro.to_owned()) />
            <RulePanel />
            {with_overview(move |o| {
                let l = lang.get();
                view! {
                    <section class="panel">
                        <TierHistoryChart overview=o.clone() lang=l />
                    </section>
                    <section class="panel" data-testid="migration">
                        {match o.report.migration.clone() {
                            Some(m) => view! {
                                <div class="migration-split">
                                    <MigrationHeatmap matrix=m.clone() lang=l />
                                    <MigrationTable matrix=m lang=l />
                                </div>
                            }.into_any(),
                            None => view! {
                                <h2 class="panel-title">{analysis::texts(l).migration}</h2>
                                <p class="muted">{analysis::texts(l).migration_none}</p>
                            }.into_any(),
                        }}
                    </section>
                }
            })}
            <section class="panel">
                <h2 class="panel-title">{move || t().top_customers}</h2>
                <div class="tier-tops">
                    {Tier::ALL.into_iter().map(|tier| view! { <TopOfTier tier=tier /> }).collect_view()}
                </div>
            </section>
        </section>
    }
}

/// The tier rule of `state.settings`, in words; the Settings page edits it.
#[component]
fn RulePanel() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let sentence = move || {
        let l = lang.get();
        state.settings.with(|s| rule_sentence(s, l))
    };
    let t = move || analysis::texts(lang.get());
    let period = move || period_label(state.settings.with(|s| s.period), lang.get());
    let metric = move || state.settings.with(|s| s.metric).label(lang.get());
    view! {
        <section class="panel rule" data-testid="tier-rule">
            <div class="panel-head">
                <h2>{move || t().rule}</h2>
                <a href=Route::Page(Page::Settings).href()>{move || t().rule_edit}</a>
            </div>
            <p class="rule-sentence">{sentence}</p>
            <p class="muted">{move || t().rule_d}</p>
            <dl class="rule-facts">
                <div><dt>{move || t().rule_period}</dt><dd>{period}</dd></div>
                <div><dt>{move || t().rule_metric}</dt><dd>{metric}</dd></div>
            </dl>
        </section>
    }
}

fn rule_sentence(s: &Settings, lang: Lang) -> String {
    let t = analysis::texts(lang);
    let metric = s.metric.label(lang);
    let pct = |x: f64| format!("{}%", format::grouped(x * 100.0, 0));
    match s.tiers.rule {
        TierRule::CumulativeShare => {
            let [a, b] = s.tiers.cumulative_cutoffs;
            (t.rule_cumulative)(metric, &pct(a), &pct(b))
        }
        TierRule::RankShare => {
            let [a, b] = s.tiers.rank_cutoffs;
            (t.rule_rank)(metric, &pct(a), &pct(b))
        }
        TierRule::Absolute => {
            let [a, b] = s.tiers.annual_thresholds;
            (t.rule_absolute)(
                metric,
                &format::money(a),
                &format::money(b),
                period_label(s.period, lang),
            )
        }
    }
}

/// Customers per tier in every period, stacked; revenue shares on hover.
#[component]
fn TierHistoryChart(overview: Arc<Overview>, lang: Lang) -> impl IntoView {
    let t = analysis::texts(lang);
    let dist = &overview.report.tier_distribution;
    let categories: Vec<String> = dist.iter().map(|d| d.period.clone()).collect();
    let stacks = Tier::ALL
        .into_iter()
        .map(|tier| Stack {
            name: tier.label(lang),
            class: tier_class(tier),
            values: dist.iter().map(|d| f64::from(d.customers[tier])).collect(),
            titles: dist
                .iter()
                .map(|d| {
                    (t.history_tip)(
                        &d.period,
                        &tier.label(lang),
                        &format::count(d.customers[tier] as usize),
                        &format::percent(d.revenue_share[tier]),
                    )
                })
                .collect(),
        })
        .collect();
    view! {
        <StackedBars title=t.history x_label=t.history_x y_label=t.history_y
            categories=categories stacks=stacks format=count_tick testid="tier-history" />
    }
}

fn count_tick(v: f64) -> String {
    format::count(v.round().max(0.0) as usize)
}

/// The colour class of a tier, shared by charts, badges and legends.
pub(super) fn tier_class(t: Tier) -> &'static str {
    match t {
        Tier::A => "tier-a",
        Tier::B => "tier-b",
        Tier::C => "tier-c",
        Tier::D => "tier-d",
    }
}

/// Good news (up, back, new) or bad (down, gone), as the engine's follow-up reads a move.
fn tone(from: Origin, to: Tier) -> Tone {
    match migration::follow_up(from, to) {
        Some(ActionKind::UrgentVisit | ActionKind::WakeUpCall | ActionKind::FindOutWhy) => {
            Tone::Bad
        }
        Some(ActionKind::KeepMomentum | ActionKind::WelcomeBack | ActionKind::Onboard) => {
            Tone::Good
        }
        _ => Tone::Neutral,
    }
}

/// The migration matrix as a heatmap: last period's tier (or new) by this period's tier.
#[component]
pub(super) fn MigrationHeatmap(matrix: MigrationMatrix, lang: Lang) -> impl IntoView {
    let t = analysis::texts(lang);
    let max = matrix
        .cells
        .iter()
        .map(|c| c.customers)
        .max()
        .unwrap_or(0)
        .max(1);
    let cells = Origin::ALL
        .into_iter()
        .map(|from| {
            Tier::ALL
                .into_iter()
                .map(|to| {
                    let c = matrix.cell(from, to);
                    let (from_l, to_l) = (origin_label(from, lang), to.label(lang));
                    let n = format::count(c.customers as usize);
                    let sub = match (c.customers, to) {
                        (0, _) => String::new(),
                        (_, Tier::D) if c.revenue_from == 0.0 => String::new(),
                        (_, Tier::D) => {
                            format!(
                                "{} {}",
                                t.previous,
                                format::money_short(c.revenue_from, lang)
                            )
                        }
                        _ => format::money_short(c.revenue_to, lang),
                    };
                    let revenue = format::money(if to == Tier::D {
                        c.revenue_from
                    } else {
                        c.revenue_to
                    });
                    HeatCell {
                        intensity: f64::from(c.customers) / f64::from(max),
                        tone: tone(from, to),
                        title: (t.migration_cell)(&from_l, &to_l, &n, &revenue),
                        text: n,
                        sub,
                    }
                })
                .collect()
        })
        .collect();
    let legend = vec![
        (t.tone_good.to_owned(), "heat-good"),
        (t.tone_bad.to_owned(), "heat-bad"),
        (t.tone_same.to_owned(), "heat-neutral"),
    ];
    view! {
        <Heatmap title=t.migration
            row_title=(t.migration_rows)(&matrix.from_period)
            col_title=(t.migration_cols)(&matrix.to_period)
            rows=Origin::ALL.into_iter().map(|o| origin_label(o, lang)).collect()
            cols=Tier::ALL.into_iter().map(|x| x.label(lang)).collect()
            cells=cells legend=legend testid="migration-heatmap" />
    }
}

/// Every non-empty move with its counts, revenue and the follow-up it calls for.
#[component]
fn MigrationTable(matrix: MigrationMatrix, lang: Lang) -> impl IntoView {
    let t = analysis::texts(lang);
    let rows = matrix
        .cells
        .iter()
        .filter(|c| c.customers > 0)
        .map(|c| {
            let follow = migration::follow_up(c.from, c.to);
            view! {
                <tr data-from=format!("{:?}", c.from) data-to=c.to.as_str() data-count=c.customers.to_string()>
                    <td><TierMove from=c.from.tier() to=Some(c.to) lang=lang new_label=c.from == Origin::New /></td>
                    <td class="num">{format::count(c.customers as usize)}</td>
                    <td class="num">{format::money(c.revenue_from)}</td>
                    <td class="num">{format::money(c.revenue_to)}</td>
                    <td>{follow.map_or_else(|| "–".to_owned(), |k| action_label(k, lang).to_owned())}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-block">
            <table class="grid compact migration-table">
                <thead>
                    <tr>
                        <th scope="col">{t.col_tiers}</th>
                        <th scope="col" class="num">{t.col_customers}</th>
                        <th scope="col" class="num">{t.col_revenue_before}</th>
                        <th scope="col" class="num">{t.col_revenue_now}</th>
                        <th scope="col">{t.col_follow_up}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// The leading customers of one tier in the current period, by net revenue.
#[component]
fn TopOfTier(tier: Tier) -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let t = move || analysis::texts(lang.get());
    let page = use_rows(move || RowQuery {
        tier: Some(tier),
        sort: Some(SortKey::NetRevenue),
        descending: true,
        limit: TOP_PER_TIER,
        ..RowQuery::default()
    });
    view! {
        <div class=format!("tier-top {}", tier_class(tier)) data-testid="tier-top" data-top-tier=tier.as_str()>
            <h3><span class="tier-pill">{tier.as_str()}</span>
                <span class="muted">{move || page.with(|p| p.as_ref().map(|p| (t().tier_more)(p.total)))}</span>
            </h3>
            {move || match page.get() {
                None => view! { <p class="muted">{t().loading}</p> }.into_any(),
                Some(p) if p.rows.is_empty() => view! { <p class="muted">{t().tier_empty}</p> }.into_any(),
                Some(p) => view! {
                    <table class="grid compact">
                        <thead><tr>
                            <th scope="col">{t().col_customer}</th>
                            <th scope="col" class="num">{t().col_period_revenue}</th>
                            <th scope="col" class="num">{t().col_net_revenue}</th>
                        </tr></thead>
                        <tbody>
                            {p.rows.into_iter().map(|r| view! {
                                <tr>
                                    <td><CustomerLink row=r.clone() /></td>
                                    <td class="num">{format::money(r.period_revenue)}</td>
                                    <td class="num">{format::money(r.net_revenue)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
            }}
        </div>
    }
}

/// A page of customer rows from the worker, asked again whenever the analysis or the query
/// changes; `None` until the first answer.
pub(super) fn use_rows(
    query: impl Fn() -> RowQuery + Send + Sync + 'static,
) -> RwSignal<Option<RowPage>> {
    let state = use_app();
    let page = RwSignal::new(None);
    Effect::new(move |_| {
        let ready = state.overview.with(Option::is_some);
        let q = query();
        if ready {
            bridge::call(Request::Rows(q), &[], move |response, _| {
                if let Response::Rows(p) = response {
                    page.try_set(Some(p));
                }
            });
        }
    });
    page
}

/// A customer's name linking to the profile, with the key below.
#[component]
pub(super) fn CustomerLink(row: CustomerRow) -> impl IntoView {
    let href = Route::Customer(row.customer_id.to_string()).href();
    let name = if row.name.is_empty() {
        row.customer_id.clone()
    } else {
        row.name.clone()
    };
    view! {
        <a class="customer-link" href=href data-customer=row.customer_id.clone()>{name}</a>
        <span class="customer-key">{row.customer_id}</span>
    }
}

/// "A → D" with coloured tier pills.
#[component]
pub(super) fn TierMove(
    from: Option<Tier>,
    to: Option<Tier>,
    lang: Lang,
    #[prop(optional)] new_label: bool,
) -> impl IntoView {
    let pill = move |t: Option<Tier>, new: bool| match t {
        Some(t) => view! { <span class=format!("tier-pill {}", tier_class(t))>{t.as_str()}</span> }
            .into_any(),
        None if new => {
            view! { <span class="tier-pill tier-new">{analysis::texts(lang).new_customers}</span> }
                .into_any()
        }
        None => view! { <span class="tier-pill tier-none">"–"</span> }.into_any(),
    };
    view! {
        <span class="tier-move">{pill(from, new_label)}<span class="arrow" aria-hidden="true">"→"</span>{pill(to, false)}</span>
    }
}

//! The dashboard: headline figures of the open dataset, this period's KPIs against the last,
//! the tier split, the Pareto curve, the migration heatmap and the most urgent follow-ups.
//! Every figure is the engine's (`Report`); this module only lays them out.

use super::super::charts::{Guide, Line, LineChart};
use super::super::i18n::analysis::{self, action_label, priority_class};
use super::super::protocol::Overview;
use super::super::route::{Page, Route};
use super::super::state::use_app;
use super::super::{format, i18n::texts};
use super::tiers::{CustomerLink, MigrationHeatmap, TierMove, tier_class, use_rows};
use crate::engine::i18n::Lang;
use crate::engine::kpi::Kpi as Figure;
use crate::engine::query::RowQuery;
use crate::engine::tiers::Tier;
use leptos::prelude::*;
use std::sync::Arc;

/// Rows in the dashboard's alert list.
const ALERTS: usize = 8;

#[component]
pub fn Dashboard() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let t = move || texts(lang.get());
    let Some(data) = state.data.get_untracked() else {
        return ().into_any();
    };
    let s = data.summary.clone();
    let is_demo = data.name == super::super::DEMO;
    let name = data.name.clone();
    let source = move || {
        if is_demo {
            t().demo_dataset.to_owned()
        } else {
            name.clone()
        }
    };
    let range = match (&s.date_min, &s.date_max) {
        (Some(a), Some(b)) => format!("{a} – {b}"),
        _ => "–".to_owned(),
    };
    let margin = s
        .gross_profit
        .filter(|_| s.net_revenue != 0.0)
        .map(|p| p / s.net_revenue);
    let active_share = if s.buying_customers > 0 {
        s.active_last_30_days as f64 / s.buying_customers as f64
    } else {
        0.0
    };
    let (customers, buying, orders, active) = (
        s.customers,
        s.buying_customers,
        s.orders,
        s.active_last_30_days,
    );
    let (revenue, profit) = (s.net_revenue, s.gross_profit);
    view! {
        <section class="dashboard">
            <div class="page-head">
                <h1>{move || t().dashboard}</h1>
                <p class="muted">
                    {source} " · " {move || t().data_range} ": " {range}
                </p>
            </div>
            <div class="kpis">
                <Kpi id="customers" value=customers as f64
                    label=Signal::derive(move || t().customers)
                    shown=Signal::derive(move || format::count(customers))
                    note=Signal::derive(move || format!("{} {}", format::count(buying), t().customers_note)) />
                <Kpi id="orders" value=orders as f64
                    label=Signal::derive(move || t().orders)
                    shown=Signal::derive(move || format::count(orders))
                    note=Signal::derive(String::new) />
                <Kpi id="net_revenue" value=revenue
                    label=Signal::derive(move || t().net_revenue)
                    shown=Signal::derive(move || format::money_short(revenue, lang.get()))
                    note=Signal::derive(move || format::money(revenue)) />
                <Kpi id="gross_profit" value=profit.unwrap_or(f64::NAN)
                    label=Signal::derive(move || t().gross_profit)
                    shown=Signal::derive(move || profit.map_or("–".to_owned(), |p| format::money_short(p, lang.get())))
                    note=Signal::derive(move || match margin {
                        Some(m) => format!("{} {}", t().margin, format::percent(m)),
                        None => t().no_profit.to_owned(),
                    }) />
                <Kpi id="active_last_30_days" value=active as f64
                    label=Signal::derive(move || t().active_30)
                    shown=Signal::derive(move || format::count(active))
                    note=Signal::derive(move || format!("{} {}", format::percent(active_share), t().of_buying)) />
            </div>
            {move || state.overview.get().map(|o| view! { <Analysis overview=o /> })}
        </section>
    }
    .into_any()
}

/// One headline figure. `value` is the exact number, kept in `data-value` for tests and
/// screen readers' sake; `shown` is the formatted text.
#[component]
fn Kpi(
    id: &'static str,
    value: f64,
    label: Signal<&'static str>,
    shown: Signal<String>,
    note: Signal<String>,
) -> impl IntoView {
    view! {
        <article class="kpi" data-kpi=id data-value=value.to_string()>
            <h2 class="kpi-label">{label}</h2>
            <p class="kpi-value">{shown}</p>
            <p class="kpi-note">{note}</p>
        </article>
    }
}

/// Everything that comes from the analysis; redrawn when it or the language changes.
#[component]
fn Analysis(overview: Arc<Overview>) -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let o = overview.clone();
    view! {
        {move || {
            let l = lang.get();
            let o = o.clone();
            let r = &o.report;
            let notes = (!r.notes.is_empty()).then(|| view! {
                <aside class="notes" data-testid="notes" aria-label=analysis::texts(l).notes>
                    <ul>{r.notes.iter().map(|n| view! { <li>{n.text(l)}</li> }).collect_view()}</ul>
                </aside>
            });
            view! {
                {notes}
                <PeriodKpis overview=o.clone() lang=l />
                <TierStrip overview=o.clone() lang=l />
                <div class="two-col">
                    <section class="panel"><Pareto overview=o.clone() lang=l /></section>
                    <section class="panel">
                        {match r.migration.clone() {
                            Some(m) => view! { <MigrationHeatmap matrix=m lang=l /> }.into_any(),
                            None => view! {
                                <h2 class="panel-title">{analysis::texts(l).migration}</h2>
                                <p class="muted">{analysis::texts(l).migration_none}</p>
                            }.into_any(),
                        }}
                    </section>
                </div>
            }
        }}
        <Alerts />
        <ChurnAlerts />
    }
}

/// How a figure is shown and how its change is measured: counts and money by relative change,
/// rates by the difference in percentage points.
#[derive(Clone, Copy, PartialEq)]
enum Unit {
    Count,
    Money,
    Rate,
}

/// Which way is good news; concentration is neither.
#[derive(Clone, Copy, PartialEq)]
enum Better {
    Up,
    Down,
    Neither,
}

fn shown(value: Option<f64>, unit: Unit, lang: Lang) -> String {
    match (value, unit) {
        (None, _) => "–".to_owned(),
        (Some(v), Unit::Count) => format::grouped(v, 0),
        (Some(v), Unit::Money) => format::money_short(v, lang),
        (Some(v), Unit::Rate) => format::percent(v),
    }
}

/// The change of a figure: arrow, size and its tone class; `None` without a previous value.
fn change(
    k: &Figure,
    unit: Unit,
    better: Better,
    lang: Lang,
) -> Option<(String, &'static str, String)> {
    let t = analysis::texts(lang);
    let delta = k.delta?;
    // The shown size and the signed amount it rounds: one decimal of a percent or a point.
    let (size, tenths) = match (unit, k.change) {
        (Unit::Rate, _) => (
            format!(
                "{}{}",
                format::grouped(delta.abs() * 100.0, 1),
                t.percentage_points
            ),
            delta * 1000.0,
        ),
        (_, Some(c)) => (format::percent(c.abs()), c * 1000.0),
        (_, None) => (shown(Some(delta.abs()), unit, lang), delta),
    };
    if tenths.round() == 0.0 {
        return Some(("±0".to_owned(), "chg-flat", t.unchanged.to_owned()));
    }
    let sign = tenths;
    let up = sign > 0.0;
    let tone = match (better, up) {
        (Better::Neither, _) => "chg-flat",
        (Better::Up, true) | (Better::Down, false) => "chg-good",
        _ => "chg-bad",
    };
    let arrow = if up { "▲" } else { "▼" };
    let word = if up { t.rise } else { t.fall };
    Some((format!("{arrow} {size}"), tone, word.to_owned()))
}

#[component]
fn PeriodKpis(overview: Arc<Overview>, lang: Lang) -> impl IntoView {
    let t = analysis::texts(lang);
    let k = &overview.report.kpis;
    let heading = match &k.previous_period {
        Some(p) => format!("{} · {} / {} {}", t.period_kpis, k.period, t.previous, p),
        None => format!("{} · {}", t.period_kpis, k.period),
    };
    let prev = k.previous_period.clone();
    let card = |id: &'static str,
                label: &'static str,
                f: Figure,
                unit: Unit,
                better: Better,
                note: String| {
        view! { <ChangeCard id label figure=f unit better lang note previous=prev.clone() /> }
    };
    let gini = k
        .gini
        .current
        .map(|g| format!("{} {}", t.gini, format::grouped(g, 2)))
        .unwrap_or_default();
    let churn = k.churn_by_tier;
    view! {
        <section class="panel" data-testid="period-kpis" data-period=k.period.clone()>
            <div class="panel-head"><h2>{heading}</h2></div>
            <div class="change-cards">
                {card("active_customers", t.kpi_active, k.active_customers, Unit::Count, Better::Up, String::new())}
                {card("new_customers", t.kpi_new, k.new_customers, Unit::Count, Better::Up, String::new())}
                {card("net_revenue", t.kpi_revenue, k.net_revenue, Unit::Money, Better::Up, String::new())}
                {card("average_order_value", t.kpi_aov, k.average_order_value, Unit::Money, Better::Up, String::new())}
                {card("repurchase_rate", t.kpi_repurchase, k.repurchase_rate, Unit::Rate, Better::Up, t.kpi_repurchase_note.to_owned())}
                {card("top20_share", t.kpi_top20, k.top20_share, Unit::Rate, Better::Neither, gini)}
                {card("churn_rate", t.kpi_churn, k.churn_rate, Unit::Rate, Better::Down, t.kpi_churn_note.to_owned())}
                <article class="change-card" data-period-kpi="churn_by_tier">
                    <h3 class="kpi-label">{t.kpi_churn_by_tier}</h3>
                    <ul class="churn-tiers">
                        {[(Tier::A, churn.a), (Tier::B, churn.b), (Tier::C, churn.c)].into_iter().map(|(tier, f)| {
                            let chg = change(&f, Unit::Rate, Better::Down, lang);
                            view! {
                                <li data-churn-tier=tier.as_str() data-current=f.current.map(|v| v.to_string()).unwrap_or_default()>
                                    <span class=format!("tier-pill {}", tier_class(tier))>{tier.as_str()}</span>
                                    <span class="churn-value">{shown(f.current, Unit::Rate, lang)}</span>
                                    {chg.map(|(text, tone, word)| view! {
                                        <span class=format!("chg {tone}")>
                                            <span class="visually-hidden">{word}</span>{text}
                                        </span>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </article>
            </div>
        </section>
    }
}

/// One figure of this period with its change against the previous one.
#[component]
fn ChangeCard(
    id: &'static str,
    label: &'static str,
    figure: Figure,
    unit: Unit,
    better: Better,
    lang: Lang,
    note: String,
    previous: Option<String>,
) -> impl IntoView {
    let t = analysis::texts(lang);
    let chg = change(&figure, unit, better, lang);
    let before = previous.map(|p| {
        format!(
            "{} {}: {}",
            t.previous,
            p,
            shown(figure.previous, unit, lang)
        )
    });
    let attr = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    view! {
        <article class="change-card" data-period-kpi=id data-current=attr(figure.current)
            data-previous=attr(figure.previous) data-change=attr(figure.change)>
            <h3 class="kpi-label">{label}</h3>
            <p class="change-value">{shown(figure.current, unit, lang)}</p>
            <p class="change-line">
                {match chg {
                    Some((text, tone, word)) => view! {
                        <span class=format!("chg {tone}")><span class="visually-hidden">{word}</span>{text}</span>
                    }.into_any(),
                    None => view! { <span class="chg chg-flat">{t.no_previous}</span> }.into_any(),
                }}
                <span class="muted">{before}</span>
            </p>
            {(!note.is_empty()).then(|| view! { <p class="kpi-note">{note}</p> })}
        </article>
    }
}

/// The current period's tiers: counts and revenue share. The attributes are compared with the
/// CLI by the end-to-end test.
#[component]
fn TierStrip(overview: Arc<Overview>, lang: Lang) -> impl IntoView {
    let t = texts(lang);
    let at = analysis::texts(lang);
    let elapsed_ms = overview.elapsed_ms;
    overview.report.tier_distribution.last().cloned().map(|d| view! {
        <section class="panel" data-testid="tiers" data-period=d.period.clone() data-elapsed-ms=elapsed_ms.to_string() data-predict-ms=overview.predict_ms.to_string()>
            <div class="panel-head">
                <h2>{t.tiers_title} " · " {d.period.clone()}</h2>
                <span class="muted">{format!("{} {:.0} ms", t.analysed_in, elapsed_ms)}</span>
            </div>
            <div class="tier-row">
                {Tier::ALL.into_iter().map(|tier| {
                    let count = d.customers[tier];
                    let share = d.revenue_share[tier];
                    let revenue = d.revenue[tier];
                    view! {
                        <div class=format!("tier-card {}", tier_class(tier))
                            data-tier=tier.as_str() data-count=count.to_string()>
                            <span class="tier-badge">{tier.as_str()}</span>
                            <span class="tier-count">{format::count(count as usize)}</span>
                            <span class="tier-share">
                                {(tier != Tier::D).then(|| view! {
                                    {format!("{} {}", format::percent(share), t.of_revenue)}
                                    <br />
                                    {format::money_short(revenue, lang)}
                                })}
                            </span>
                        </div>
                    }
                }).collect_view()}
            </div>
            <div class="share-bar" aria-hidden="true">
                {Tier::ALL.into_iter().filter(|&x| x != Tier::D).map(|tier| view! {
                    <span class=format!("share-seg {}", tier_class(tier))
                        style=format!("flex-grow: {}", d.revenue_share[tier])
                        title=format!("{} {}", tier.label(lang), format::percent(d.revenue_share[tier]))></span>
                }).collect_view()}
            </div>
            <p class="muted">{t.tiers_note} " · "
                <a href=Route::Page(Page::Tiers).href()>{at.distribution} " →"</a></p>
        </section>
    })
}

/// Cumulative revenue share against cumulative customer share, with the 80% line.
#[component]
fn Pareto(overview: Arc<Overview>, lang: Lang) -> impl IntoView {
    let t = analysis::texts(lang);
    let r = &overview.report;
    if r.pareto.is_empty() {
        return view! {
            <h2 class="panel-title">{t.pareto}</h2>
            <p class="muted">{t.no_revenue}</p>
        }
        .into_any();
    }
    let points: Vec<(f64, f64)> = r.pareto.iter().map(|p| (p.customers, p.revenue)).collect();
    // Where the curve reaches 80% of revenue: the first point at or above it.
    let at80 = r
        .pareto
        .iter()
        .find(|p| p.revenue >= 0.8 - 1e-9)
        .map(|p| format::percent(p.customers));
    let top20 = r
        .kpis
        .top20_share
        .current
        .map(format::percent)
        .unwrap_or_default();
    let summary = (t.pareto_summary)(&top20, at80.as_deref());
    let ticks = || {
        (0..=5)
            .map(|i| {
                let v = f64::from(i) * 0.2;
                (v, format!("{}%", i * 20))
            })
            .collect::<Vec<_>>()
    };
    let lines = vec![
        Line {
            name: t.pareto_curve.to_owned(),
            class: "line-main",
            points,
            dashed: false,
        },
        Line {
            name: t.pareto_equal.to_owned(),
            class: "line-ref",
            points: vec![(0.0, 0.0), (1.0, 1.0)],
            dashed: true,
        },
    ];
    let guides = vec![
        Guide::Y(0.8, t.pareto_80.to_owned()),
        Guide::X(0.2, t.pareto_top20.to_owned()),
    ];
    view! {
        <LineChart title=t.pareto x_label=t.pareto_x y_label=t.pareto_y summary=summary.clone()
            lines=lines x_max=1.0 y_max=1.0 x_ticks=ticks() y_ticks=ticks() guides=guides testid="pareto" />
        <p class="chart-summary">{summary}</p>
    }
    .into_any()
}

/// The most urgent follow-ups (A/B customers who stopped ordering come first).
#[component]
fn Alerts() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let t = move || analysis::texts(lang.get());
    let page = use_rows(|| RowQuery {
        with_action: true,
        limit: ALERTS,
        ..RowQuery::default()
    });
    view! {
        <section class="panel" data-testid="alerts">
            <div class="panel-head">
                <h2>{move || t().alerts}</h2>
                <a href=Route::Page(Page::Actions).href()>{move || t().all_actions}</a>
            </div>
            <p class="muted panel-note">{move || t().alerts_note}</p>
            {move || {
                let l = lang.get();
                let t = analysis::texts(l);
                let report = state.overview.get();
                match (page.get(), report) {
                    (Some(p), Some(o)) if !p.rows.is_empty() => view! {
                        <ul class="alert-list">
                            {p.rows.into_iter().map(|row| {
                                let follow = o.report.follow_up(&row, l).unwrap_or_default();
                                let action = row.action.clone();
                                let reason = action.as_ref().map(|a| a.text(l)).unwrap_or_default();
                                let kind = action.as_ref().map(|a| action_label(a.kind, l)).unwrap_or_default();
                                let prio = action.as_ref().map(|a| (priority_class(a.priority), a.priority.label(l)));
                                let stake = action.as_ref().map(|a| format::money(a.at_stake)).unwrap_or_default();
                                view! {
                                    <li class="alert-item" data-customer=row.customer_id.clone()>
                                        <div class="alert-who">
                                            <CustomerLink row=row.clone() />
                                            <TierMove from=row.tier_previous to=row.tier lang=l />
                                        </div>
                                        <div class="alert-what">
                                            <p class="alert-kind">
                                                {prio.map(|(c, label)| view! { <span class=c>{label}</span> })}
                                                <strong>{kind}</strong>
                                            </p>
                                            <p class="alert-reason muted">{reason}</p>
                                            <p class="alert-follow">{follow}</p>
                                        </div>
                                        <div class="alert-stake num">
                                            <span class="muted">{t.col_at_stake}</span>
                                            <span>{stake}</span>
                                        </div>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    (Some(_), Some(_)) => view! { <p class="muted">{t.no_alerts}</p> }.into_any(),
                    _ => view! { <p class="muted">{t.loading}</p> }.into_any(),
                }
            }}
        </section>
    }
}

/// The customers at high churn risk, riskiest first, with the reasons (`predict::predict`).
#[component]
fn ChurnAlerts() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let t = move || analysis::texts(lang.get());
    let page = use_rows(|| RowQuery {
        band: Some(crate::engine::churn::RiskBand::High),
        sort: Some(crate::engine::query::SortKey::ChurnRisk),
        descending: true,
        limit: 5,
        ..RowQuery::default()
    });
    view! {
        <section class="panel" data-testid="churn-alerts">
            <div class="panel-head">
                <h2>{move || t().churn_alerts}</h2>
                <a href=Route::Page(Page::Clv).href()>{move || t().all_risks}</a>
            </div>
            <p class="muted panel-note">{move || t().churn_alerts_note}</p>
            {move || {
                let l = lang.get();
                match page.get() {
                    Some(p) if !p.rows.is_empty() => view! {
                        <ul class="alert-list">
                            {p.rows.into_iter().filter_map(|row| {
                                let pr = row.prediction.clone()?;
                                let reasons = crate::engine::churn::reasons_text(&pr.churn_reasons, l);
                                Some(view! {
                                    <li class="alert-item" data-customer=row.customer_id.to_string()>
                                        <div class="alert-who">
                                            <CustomerLink row=row.clone() />
                                        </div>
                                        <div class="alert-what">
                                            <p class="alert-kind">
                                                <span class=format!("risk risk-{}", pr.churn_band.as_str())>
                                                    {format!("{:.0}", pr.churn_risk)}
                                                </span>
                                                " "
                                                <strong>{pr.churn_band.text(l)}</strong>
                                            </p>
                                            <p class="alert-reason muted">{reasons}</p>
                                        </div>
                                        <div class="alert-stake num">
                                            <span class="muted">{super::super::i18n::clv::texts(l).col_clv}</span>
                                            <span>{pr.clv.map_or("–".to_owned(), format::money)}</span>
                                        </div>
                                    </li>
                                })
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Some(_) => view! { <p class="muted">{t().no_churn_alerts}</p> }.into_any(),
                    None => view! { <p class="muted">{analysis::texts(l).loading}</p> }.into_any(),
                }
            }}
        </section>
    }
}

//! The dashboard: headline figures of the open dataset.

use super::super::state::use_app;
use super::super::{format, i18n::texts};
use crate::engine::tiers::Tier;
use leptos::prelude::*;

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
            {move || state.overview.get().and_then(|o| o.report.tier_distribution.last().cloned().map(|d| (o.elapsed_ms, d))).map(|(elapsed_ms, d)| view! {
                <section class="panel" data-testid="tiers" data-period=d.period.clone() data-elapsed-ms=elapsed_ms.to_string()>
                    <div class="panel-head">
                        <h2>{move || t().tiers_title} " · " {d.period.clone()}</h2>
                        <span class="muted">{move || format!("{} {:.0} ms", t().analysed_in, elapsed_ms)}</span>
                    </div>
                    <div class="tier-row">
                        {Tier::ALL.into_iter().map(|tier| {
                            let count = d.customers[tier];
                            let share = d.revenue_share[tier];
                            view! {
                                <div class=format!("tier-card tier-{}", tier.as_str().to_lowercase())
                                    data-tier=tier.as_str() data-count=count.to_string()>
                                    <span class="tier-badge">{tier.as_str()}</span>
                                    <span class="tier-count">{format::count(count as usize)}</span>
                                    <span class="tier-share">
                                        {(tier != Tier::D).then_some(move || format!("{} {}", format::percent(share), t().of_revenue))}
                                    </span>
                                </div>
                            }
                        }).collect_view()}
                    </div>
                    <p class="muted">{move || t().tiers_note}</p>
                </section>
            })}
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

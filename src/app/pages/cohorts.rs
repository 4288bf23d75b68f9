//! The cohorts page: the retention triangle (cohorts by month of first order, share of each
//! still ordering k months later) as a heatmap table, by customers or by revenue.

use super::super::format;
use super::super::i18n::scores::{ScoresTexts, texts as scores_texts};
use super::super::i18n::texts;
use super::super::state::use_app;
use super::{PageHead, with_overview};
use crate::engine::cohort::Cohort;
use leptos::prelude::*;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Measure {
    Customers,
    Revenue,
}

impl Measure {
    fn id(self) -> &'static str {
        match self {
            Measure::Customers => "customers",
            Measure::Revenue => "revenue",
        }
    }

    fn label(self, s: &ScoresTexts) -> &'static str {
        match self {
            Measure::Customers => s.retention_customers,
            Measure::Revenue => s.retention_revenue,
        }
    }

    /// The cohort's figure `k` months after its first month.
    fn at(self, c: &Cohort, k: usize) -> Option<f64> {
        match self {
            Measure::Customers => c.customer_retention.get(k).copied(),
            Measure::Revenue => c.revenue_retention.get(k).copied().flatten(),
        }
    }
}

#[component]
pub fn Cohorts() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let t = move || texts(lang.get());
    let s = move || scores_texts(lang.get());
    let measure = RwSignal::new(Measure::Customers);
    view! {
        <section class="page-cohorts scores" data-testid="page-cohorts">
            <PageHead title=Signal::derive(move || t().page_cohorts)
                intro=Signal::derive(move || s().cohorts_intro.to_owned()) />
            <div class="segmented" role="group" aria-label=move || s().measure>
                {[Measure::Customers, Measure::Revenue].into_iter().map(|m| view! {
                    <button class="seg-btn" data-testid=format!("cohort-{}", m.id())
                        aria-pressed=move || if measure.get() == m { "true" } else { "false" }
                        on:click=move |_| measure.set(m)>
                        {move || m.label(s())}
                    </button>
                }).collect_view()}
            </div>
            {with_overview(move |o| {
                let cohorts = o.report.cohorts.clone();
                move || triangle(&cohorts, measure.get(), scores_texts(lang.get()))
            })}
        </section>
    }
}

fn triangle(cohorts: &[Cohort], measure: Measure, s: &'static ScoresTexts) -> AnyView {
    if cohorts.is_empty() {
        return view! { <p class="muted">{s.no_cohorts}</p> }.into_any();
    }
    let span = cohorts.iter().map(|c| c.active.len()).max().unwrap_or(0);
    // The reading aid quotes the oldest cohort that has a month after its first.
    let reading = cohorts
        .iter()
        .find_map(|c| Some((c, measure.at(c, 1)?)))
        .map(|(c, p)| {
            let template = match measure {
                Measure::Customers => s.reading_customers,
                Measure::Revenue => s.reading_revenue,
            };
            template
                .replace("{month}", &c.month)
                .replace("{n}", &format::count(c.customers as usize))
                .replace("{p}", &format::percent(p))
        });
    let caption = match measure {
        Measure::Customers => s.cohorts_caption_customers,
        Measure::Revenue => s.cohorts_caption_revenue,
    };
    view! {
        <section class="panel scores-cohorts" data-testid="cohorts" data-measure=measure.id()
            data-cohorts=cohorts.len().to_string()>
            <div class="panel-head">
                <h2>{measure.label(s)}</h2>
                <span class="muted">{caption}</span>
            </div>
            <div class="table-scroll cohort-scroll">
                <table class="heat cohort-table">
                    <caption class="visually-hidden">{caption}</caption>
                    <thead>
                        <tr>
                            <th scope="col" class="sticky-1">{s.col_cohort}</th>
                            <th scope="col" class="sticky-2 num">{s.col_size}</th>
                            {(0..span).map(|k| view! {
                                <th scope="col" class="num">{s.month_offset.replace("{k}", &k.to_string())}</th>
                            }).collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        {cohorts.iter().map(|c| {
                            view! {
                                <tr data-cohort=c.month.clone() data-customers=c.customers.to_string()>
                                    <th scope="row" class="sticky-1">{c.month.clone()}</th>
                                    <td class="sticky-2 num">{format::count(c.customers as usize)}</td>
                                    {(0..span).map(|k| cell(c, k, measure, s)).collect_view()}
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            {reading.map(|r| view! { <p class="reading" data-testid="cohort-reading">{r}</p> })}
        </section>
    }
    .into_any()
}

fn cell(c: &Cohort, k: usize, measure: Measure, s: &'static ScoresTexts) -> AnyView {
    if k >= c.active.len() {
        return view! { <td class="heat-none" aria-hidden="true"></td> }.into_any();
    }
    let Some(v) = measure.at(c, k) else {
        return view! { <td class="num heat-cell" data-k=k.to_string()>"–"</td> }.into_any();
    };
    let shade = v.clamp(0.0, 1.0);
    let title = match measure {
        Measure::Customers => s
            .cell_customers
            .replace("{a}", &format::count(c.active[k] as usize))
            .replace("{n}", &format::count(c.customers as usize)),
        Measure::Revenue => format::money(c.revenue[k]),
    };
    let dark = shade > 0.55;
    view! {
        <td class="num heat-cell" class:dark=dark
            style=format!("--shade:{:.0}%", shade * 100.0)
            data-k=k.to_string() data-value=v.to_string() title=title>
            {format!("{:.0}%", v * 100.0)}
        </td>
    }
    .into_any()
}

//! The CLV & churn page: the model check (calibration vs holdout, the standard chart of Fader,
//! Hardie & Lee 2005, figure 4) with the fitted parameters, run in the worker.

use super::super::format;
use super::super::i18n::clv::{ClvTexts, texts};
use super::super::protocol::{Request, Response};
use super::super::state::use_app;
use super::PageHead;
use crate::engine::clv::{Blocks, ClvReport, FrequencyBucket};
use crate::engine::model::{Day, day_from_date, format_day};
use leptos::prelude::*;

#[component]
pub fn Clv() -> impl IntoView {
    let state = use_app();
    let t = move || texts(state.lang.get());
    let page_title = move || super::super::i18n::texts(state.lang.get()).page_clv;
    view! {
        <section class="page-clv" data-testid="page-clv">
            <PageHead title=Signal::derive(page_title) intro=Signal::derive(move || t().intro.to_owned()) />
            <ModelCheck />
        </section>
    }
}

/// The validation run: refitted whenever the split or the analysis date changes.
#[component]
fn ModelCheck() -> impl IntoView {
    let state = use_app();
    let t = move || texts(state.lang.get());
    // `None` = the engine's default split.
    let split = RwSignal::new(None::<(Day, Day)>);
    let result = RwSignal::new(None::<(ClvReport, f64)>);
    let failed = RwSignal::new(None::<String>);
    let running = RwSignal::new(false);
    let generation = StoredValue::new(0u32);
    Effect::new(move |_| {
        let request = Request::Validate {
            split: split.get(),
            as_of: state.settings.with(|s| s.as_of),
        };
        // Re-run when a new dataset is analysed.
        state.overview.track();
        let current = generation.get_value() + 1;
        generation.set_value(current);
        running.set(true);
        super::super::bridge::call(request, &[], move |response, _| {
            if generation.get_value() != current {
                return;
            }
            running.set(false);
            match response {
                Response::Validated { report, elapsed_ms } => {
                    failed.set(None);
                    result.set(Some((*report, elapsed_ms)));
                }
                Response::Failed(f) => failed.set(Some(f.message)),
                _ => {}
            }
        });
    });
    let date_input = move |label: fn(&ClvTexts) -> &'static str, id: &'static str, second: bool| {
        let value = move || {
            result.with(|r| {
                r.as_ref().map_or(String::new(), |(r, _)| {
                    let day = if second {
                        r.settings.holdout_end.unwrap_or(r.settings.calibration_end)
                    } else {
                        r.settings.calibration_end
                    };
                    format_day(day)
                })
            })
        };
        let on_change = move |text: String| {
            let Ok(date) = chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d") else {
                return;
            };
            let day = day_from_date(date);
            let Some((calibration, holdout)) = result.with_untracked(|r| {
                r.as_ref()
                    .map(|(r, _)| (r.settings.calibration_end, r.settings.holdout_end))
            }) else {
                return;
            };
            let holdout = holdout.unwrap_or(calibration);
            split.set(Some(if second {
                (calibration, day)
            } else {
                (day, holdout)
            }));
        };
        view! {
            <label class="field">
                <span>{move || label(t())}</span>
                <input type="date" data-testid=id prop:value=value
                    on:change=move |ev| on_change(event_target_value(&ev)) />
            </label>
        }
    };
    view! {
        <section class="panel clv-check" data-testid="model-check">
            <div class="panel-head">
                <h2>{move || t().check_title}</h2>
                <span class="muted" role="status">
                    {move || if running.get() {
                        t().fitting.to_owned()
                    } else {
                        result.with(|r| r.as_ref().map_or(String::new(), |(_, ms)| format!("{} {ms:.0} ms", t().fitted_in)))
                    }}
                </span>
            </div>
            <p class="muted">{move || t().check_intro}</p>
            <div class="clv-split">
                {date_input(|t| t.calibration_end, "calibration-end", false)}
                {date_input(|t| t.holdout_end, "holdout-end", true)}
            </div>
            {move || failed.get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
            {move || result.get().map(|(r, _)| view! { <CheckResult report=r /> })}
        </section>
    }
}

#[component]
fn CheckResult(report: ClvReport) -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let t = move || texts(lang.get());
    let blocking: Vec<_> = report
        .guardrails
        .iter()
        .filter(|g| g.blocks() != Blocks::Nothing)
        .cloned()
        .collect();
    let warnings: Vec<_> = report
        .guardrails
        .iter()
        .filter(|g| g.blocks() == Blocks::Nothing)
        .cloned()
        .collect();
    let (customers, repeat) = (report.customers, report.repeat_buyers);
    let validation = report.validation.clone();
    let bgnbd = report.bgnbd.clone();
    let gg = report.gamma_gamma.clone();
    view! {
        <ul class="guardrails">
            {blocking.into_iter().map(|g| view! {
                <li class="guardrail blocking">{move || format!("{} {}", t().no_validation, g.text(lang.get()))}</li>
            }).collect_view()}
            {warnings.into_iter().map(|g| view! {
                <li class="guardrail">{move || g.text(lang.get())}</li>
            }).collect_view()}
        </ul>
        <div class="clv-figures">
            <Figure label=Signal::derive(move || t().customers.to_owned()) value=format::count(customers) testid="clv-customers" />
            <Figure label=Signal::derive(move || t().repeat_buyers.to_owned()) value=format::count(repeat) testid="clv-repeat" />
            {validation.clone().map(|v| {
                let error = v.aggregate_error_pct.map_or("–".to_owned(), |e| format!("{e:+.1}%"));
                view! {
                    <Figure label=Signal::derive(move || format!("{} · {}", t().purchases_in_holdout, t().actual))
                        value=format::grouped(v.actual, 0) testid="holdout-actual" />
                    <Figure label=Signal::derive(move || format!("{} · {}", t().purchases_in_holdout, t().predicted))
                        value=format::grouped(v.predicted, 1) testid="holdout-predicted" />
                    <Figure label=Signal::derive(move || t().aggregate_error.to_owned()) value=error testid="holdout-error" />
                    <Figure label=Signal::derive(move || t().mae.to_owned()) value=format!("{:.3}", v.mae) testid="holdout-mae" />
                }
            })}
        </div>
        <div class="clv-check-body">
            {validation.map(|v| view! { <CalibrationChart buckets=v.by_frequency /> })}
            <div class="clv-params">
                {bgnbd.map(|f| {
                    let ok = f.status.converged && f.status.problem.is_none();
                    let p = f.params;
                    view! {
                        <table class="params" data-testid="bgnbd-params">
                            <caption>{move || t().bgnbd}</caption>
                            <tbody>
                                <Param name="r" value=p.r />
                                <Param name="α" value=p.alpha />
                                <Param name="a" value=p.a />
                                <Param name="b" value=p.b />
                                <tr><th scope="row">{move || t().log_likelihood}</th><td>{format!("{:.2}", f.log_likelihood)}</td></tr>
                            </tbody>
                        </table>
                        <p class=if ok { "fit-status ok" } else { "fit-status bad" }>
                            {move || if ok { t().converged.to_owned() } else {
                                f.status.problem.as_ref().map_or(t().not_converged.to_owned(), |p| p.text(lang.get()))
                            }}
                        </p>
                    }
                })}
                {gg.map(|f| {
                    let p = f.params;
                    view! {
                        <table class="params" data-testid="gg-params">
                            <caption>{move || t().gamma_gamma}</caption>
                            <tbody>
                                <Param name="p" value=p.p />
                                <Param name="q" value=p.q />
                                <Param name="γ" value=p.gamma />
                                <tr><th scope="row">{move || t().spend_customers}</th><td>{format::count(f.customers)}</td></tr>
                                <tr><th scope="row">{move || t().excluded}</th><td>{format::count(f.excluded)}</td></tr>
                            </tbody>
                        </table>
                    }
                })}
            </div>
        </div>
    }
}

#[component]
fn Figure(label: Signal<String>, value: String, testid: &'static str) -> impl IntoView {
    view! {
        <div class="clv-figure" data-testid=testid>
            <span class="clv-figure-label">{label}</span>
            <span class="clv-figure-value">{value}</span>
        </div>
    }
}

#[component]
fn Param(name: &'static str, value: f64) -> impl IntoView {
    view! {
        <tr><th scope="row">{name}</th><td data-value=value.to_string()>{format!("{value:.4}")}</td></tr>
    }
}

/// Mean holdout purchases, actual and predicted, per calibration-frequency group.
#[component]
fn CalibrationChart(buckets: Vec<FrequencyBucket>) -> impl IntoView {
    let state = use_app();
    let t = move || texts(state.lang.get());
    const W: f64 = 560.0;
    const H: f64 = 260.0;
    const LEFT: f64 = 48.0;
    const BOTTOM: f64 = 36.0;
    const TOP: f64 = 12.0;
    let plot_w = W - LEFT - 16.0;
    let plot_h = H - BOTTOM - TOP;
    let max = buckets
        .iter()
        .flat_map(|b| [b.actual_mean, b.predicted_mean])
        .fold(0.0f64, f64::max);
    let step = nice_step(max / 4.0);
    let top = (max / step).ceil().max(1.0) * step;
    let n = buckets.len().max(2) as f64;
    let x = move |i: usize| LEFT + plot_w * i as f64 / (n - 1.0);
    let y = move |v: f64| TOP + plot_h * (1.0 - v / top);
    let line = |pick: fn(&FrequencyBucket) -> f64| {
        buckets
            .iter()
            .enumerate()
            .map(|(i, b)| format!("{:.1},{:.1}", x(i), y(pick(b))))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let (actual, predicted) = (line(|b| b.actual_mean), line(|b| b.predicted_mean));
    let ticks: Vec<f64> = (0..=((top / step).round() as usize))
        .map(|k| k as f64 * step)
        .collect();
    let summary = buckets
        .iter()
        .map(|b| {
            format!(
                "{}{}: {:.2} / {:.2}",
                b.frequency,
                if b.and_more { "+" } else { "" },
                b.actual_mean,
                b.predicted_mean
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    view! {
        <figure class="chart clv-chart" data-testid="calibration-chart">
            <figcaption>{move || t().chart_title}</figcaption>
            <svg viewBox=format!("0 0 {W} {H}") role="img"
                aria-label=move || format!("{} ({} / {}): {}", t().chart_title, t().actual, t().predicted, summary)>
                {ticks.into_iter().map(|v| view! {
                    <line class="grid" x1=LEFT x2=W - 16.0 y1=y(v) y2=y(v) />
                    <text class="tick" x=LEFT - 6.0 y=y(v) + 4.0 text-anchor="end">{trim_number(v)}</text>
                }).collect_view()}
                {buckets.iter().enumerate().map(|(i, b)| view! {
                    <text class="tick" x=x(i) y=H - BOTTOM + 16.0 text-anchor="middle">
                        {format!("{}{}", b.frequency, if b.and_more { "+" } else { "" })}
                    </text>
                }).collect_view()}
                <text class="axis-label" x=LEFT + plot_w / 2.0 y=H - 4.0 text-anchor="middle">{move || t().chart_x}</text>
                <polyline class="series actual" points=actual />
                <polyline class="series predicted" points=predicted />
                {buckets.iter().enumerate().map(|(i, b)| view! {
                    <circle class="dot actual" cx=x(i) cy=y(b.actual_mean) r="3.5" />
                    <circle class="dot predicted" cx=x(i) cy=y(b.predicted_mean) r="3.5" />
                }).collect_view()}
            </svg>
            <div class="legend">
                <span class="key actual">{move || t().actual}</span>
                <span class="key predicted">{move || t().predicted}</span>
                <span class="muted">{move || t().chart_y}</span>
            </div>
            <p class="muted">{move || t().reading}</p>
        </figure>
    }
}

/// 1, 2 or 5 times a power of ten, at least `raw`.
fn nice_step(raw: f64) -> f64 {
    if raw <= 0.0 || !raw.is_finite() {
        return 1.0;
    }
    let power = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|&s| s >= raw)
        .unwrap_or(10.0 * power)
}

fn trim_number(v: f64) -> String {
    let text = format!("{v:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

//! The CLV & churn page: the model check (calibration vs holdout, the standard chart of Fader,
//! Hardie & Lee 2005, figure 4) with the fitted parameters, run in the worker.

use super::super::format;
use super::super::i18n::clv::{ClvTexts, texts};
use super::super::protocol::{Request, Response};
use super::super::route::Route;
use super::super::state::use_app;
use super::{PageHead, use_rows, with_overview};
use crate::engine::churn::{self, RiskBand};
use crate::engine::clv::{BgNbdFit, Blocks, ClvReport, FitStatus, FrequencyBucket, GammaGammaFit};
use crate::engine::model::{Day, day_from_date, format_day};
use crate::engine::predict::{ClvDecile, Prediction};
use crate::engine::query::{RowQuery, SortKey};
use crate::engine::tiers::Tier;
use leptos::prelude::*;

#[component]
pub fn Clv() -> impl IntoView {
    let state = use_app();
    let t = move || texts(state.lang.get());
    let page_title = move || super::super::i18n::texts(state.lang.get()).page_clv;
    view! {
        <section class="page-clv" data-testid="page-clv">
            <PageHead title=Signal::derive(page_title) intro=Signal::derive(move || t().intro.to_owned()) />
            {with_overview(|o| view! { <Predictions prediction=o.prediction.clone() ms=o.predict_ms /> })}
            <RiskList />
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
            <FitTables bgnbd=bgnbd gamma_gamma=gg />
        </div>
    }
}

/// The fitted parameters of both models, and whether each fit is usable.
#[component]
fn FitTables(bgnbd: Option<BgNbdFit>, gamma_gamma: Option<GammaGammaFit>) -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let t = move || texts(lang.get());
    let gg = gamma_gamma;
    view! {
            <div class="clv-params">
            {bgnbd.map(|f| {
                let p = f.params;
                view! {
                    <div class="fit-model">
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
                    <FitNote status=f.status />
                    </div>
                }
            })}
            {gg.map(|f| {
                let p = f.params;
                view! {
                    <div class="fit-model">
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
                    <FitNote status=f.status />
                    </div>
                }
            })}
        </div>
    }
}

/// Whether a fit is usable (or why not), and the parameters it holds at the search bound.
#[component]
fn FitNote(status: FitStatus) -> impl IntoView {
    let lang = use_app().lang;
    let t = move || texts(lang.get());
    let ok = status.converged && status.problem.is_none();
    let problem = status.problem.clone();
    let held = status.at_bound;
    view! {
        <p class=if ok { "fit-status ok" } else { "fit-status bad" }>
            {move || if ok { t().converged.to_owned() } else {
                problem.as_ref().map_or(t().not_converged.to_owned(), |p| p.text(lang.get()))
            }}
        </p>
        {held.into_iter().map(|h| view! {
            <p class="fit-status note" data-testid="fit-at-bound">{move || h.text(lang.get())}</p>
        }).collect_view()}
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

/// The fit the rows' churn risk, P(alive) and CLV come from.
#[component]
fn Predictions(prediction: Prediction, ms: f64) -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let t = move || texts(lang.get());
    let p = prediction;
    let messages = p.clone();
    let [low, medium, high] = p.bands;
    view! {
        <section class="panel" data-testid="predictions" data-basis=format!("{:?}", p.basis)>
            <div class="panel-head">
                <h2>{move || t().now_title} " · " {format_day(p.calibration_end)}</h2>
                <span class="muted">{move || format!("{} {ms:.0} ms", t().predicted_in)}</span>
            </div>
            <p class="muted">{move || t().now_intro}</p>
            <ul class="guardrails">
                {move || messages.messages(lang.get()).into_iter().map(|m| view! {
                    <li class="guardrail">{m}</li>
                }).collect_view()}
            </ul>
            <div class="clv-figures">
                <Figure label=Signal::derive(move || t().scored.to_owned()) value=format::count(p.scored) testid="scored" />
                <Figure label=Signal::derive(move || t().repeat_buyers.to_owned()) value=format::count(p.repeat_buyers) testid="repeat-buyers" />
                <Figure label=Signal::derive(move || t().band_high.to_owned()) value=format::count(high) testid="band-high" />
                <Figure label=Signal::derive(move || t().band_medium.to_owned()) value=format::count(medium) testid="band-medium" />
                <Figure label=Signal::derive(move || t().band_low.to_owned()) value=format::count(low) testid="band-low" />
            </div>
            <div class="clv-now-body">
                {(!p.clv_deciles.is_empty()).then(|| view! { <ClvDeciles deciles=p.clv_deciles.clone() /> })}
                <div class="clv-params clv-params-wide">
                    <FitTables bgnbd=p.bgnbd.clone() gamma_gamma=p.gamma_gamma.clone() />
                </div>
            </div>
        </section>
    }
}

/// The customers most at risk, with their reasons; exportable for the sales team.
#[component]
fn RiskList() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let t = move || texts(lang.get());
    let band = RwSignal::new(None::<RiskBand>);
    let limit = RwSignal::new(20usize);
    let page = use_rows(move || RowQuery {
        band: band.get(),
        sort: Some(SortKey::ChurnRisk),
        descending: true,
        limit: limit.get(),
        ..RowQuery::default()
    });
    let export = move |_| {
        let request = Request::ExportChurn {
            lang: lang.get_untracked(),
        };
        super::super::bridge::call(request, &[], |response, files| {
            if let (Response::Export { file_name }, Some(bytes)) = (response, files.first()) {
                super::super::download::bytes(&file_name, bytes, "text/csv;charset=utf-8");
            }
        });
    };
    let band_options = [
        (None, "all"),
        (Some(RiskBand::High), "high"),
        (Some(RiskBand::Medium), "medium"),
        (Some(RiskBand::Low), "low"),
    ];
    view! {
        <section class="panel" data-testid="risk-list">
            <div class="panel-head">
                <h2>{move || t().risk_title}</h2>
                <div class="risk-tools">
                    <label class="filter">
                        <span>{move || t().band}</span>
                        <select data-testid="risk-band" on:change=move |ev| {
                            let v = event_target_value(&ev);
                            band.set(band_options.iter().find(|(_, s)| *s == v).and_then(|(b, _)| *b));
                            limit.set(20);
                        }>
                            {band_options.into_iter().map(|(b, slug)| view! {
                                <option value=slug selected=move || band.get() == b>
                                    {move || match b {
                                        None => t().all_bands.to_owned(),
                                        Some(b) => b.text(lang.get()).to_owned(),
                                    }}
                                </option>
                            }).collect_view()}
                        </select>
                    </label>
                    <button class="btn" data-testid="export-churn" on:click=export>{move || t().export_csv}</button>
                </div>
            </div>
            <p class="muted">{move || t().risk_intro}</p>
            {move || page.get().map(|p| {
                let (shown, total) = (p.rows.len(), p.total);
                view! {
                    <div class="risk-scroll">
                        <table class="risk-table">
                            <thead>
                                <tr>
                                    <th scope="col">{move || t().col_customer}</th>
                                    <th scope="col">{move || t().col_manager}</th>
                                    <th scope="col">{move || t().col_tier}</th>
                                    <th scope="col" class="num">{move || t().col_risk}</th>
                                    <th scope="col">{move || t().col_reasons}</th>
                                    <th scope="col" class="num">{move || t().col_p_alive}</th>
                                    <th scope="col">{move || t().col_next}</th>
                                    <th scope="col" class="num">{move || t().col_clv}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {p.rows.into_iter().filter_map(|row| {
                                    let pr = row.prediction.clone()?;
                                    let href = Route::Customer(row.customer_id.to_string()).href();
                                    let reasons = pr.churn_reasons.clone();
                                    let band = pr.churn_band;
                                    Some(view! {
                                        <tr data-customer=row.customer_id.to_string() data-risk=pr.churn_risk.to_string()>
                                            <td>
                                                <a href=href>{row.customer_id.to_string()}</a>
                                                <div class="muted small">{row.name.to_string()}</div>
                                            </td>
                                            <td>{row.manager.to_string()}</td>
                                            <td>{tier_badge(row.tier)}</td>
                                            <td class="num">
                                                <span class=format!("risk risk-{}", band.as_str())>
                                                    {format!("{:.0}", pr.churn_risk)}
                                                </span>
                                                <div class="muted small">{move || band.text(lang.get())}</div>
                                            </td>
                                            <td class="reasons">{move || churn::reasons_text(&reasons, lang.get())}</td>
                                            <td class="num">{pr.p_alive.map_or("–".to_owned(), format::percent)}</td>
                                            <td>{pr.next_order.map_or("–".to_owned(), format_day)}</td>
                                            <td class="num">{pr.clv.map_or("–".to_owned(), format::money)}</td>
                                        </tr>
                                    })
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    <div class="risk-foot">
                        <span class="muted">
                            {move || t().shown_of.replace("{shown}", &format::count(shown)).replace("{total}", &format::count(total))}
                        </span>
                        <Show when=move || { shown < total }>
                            <button class="btn" data-testid="risk-more" on:click=move |_| limit.update(|l| *l += 20)>
                                {move || t().show_more}
                            </button>
                        </Show>
                    </div>
                }
            })}
        </section>
    }
}

fn tier_badge(tier: Option<Tier>) -> impl IntoView {
    tier.map(|t| {
        view! {
            <span class=format!("tier-pill tier-{}", t.as_str().to_lowercase())>{t.as_str()}</span>
        }
    })
}

/// The share of predicted value each tenth of the customers holds, best first.
#[component]
fn ClvDeciles(deciles: Vec<ClvDecile>) -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let t = move || texts(lang.get());
    const W: f64 = 520.0;
    const H: f64 = 220.0;
    const LEFT: f64 = 44.0;
    const BOTTOM: f64 = 34.0;
    const TOP: f64 = 16.0;
    let plot_h = H - BOTTOM - TOP;
    let top = deciles.first().map_or(1.0, |d| d.share).max(0.01);
    let step = (W - LEFT - 8.0) / deciles.len() as f64;
    let y = move |share: f64| TOP + plot_h * (1.0 - share / top);
    let first = deciles.first().map_or(0.0, |d| d.share);
    let summary = deciles
        .iter()
        .enumerate()
        .map(|(i, d)| format!("{}: {}", i + 1, format::percent(d.share)))
        .collect::<Vec<_>>()
        .join("; ");
    view! {
        <figure class="chart clv-deciles" data-testid="clv-deciles">
            <figcaption>{move || t().dist_title}</figcaption>
            <svg viewBox=format!("0 0 {W} {H}") role="img"
                aria-label=move || format!("{}: {}", t().dist_title, summary)>
                <line class="grid" x1=LEFT x2=W - 8.0 y1=y(0.0) y2=y(0.0) />
                {deciles.iter().enumerate().map(|(i, d)| {
                    let x = LEFT + i as f64 * step + step * 0.15;
                    let title = format!("{} – {} · {}", format::money(d.min), format::money(d.max), format::percent(d.share));
                    view! {
                        <rect class="decile-bar" x=x y=y(d.share) width=step * 0.7 height=(y(0.0) - y(d.share)).max(0.5)>
                            <title>{title}</title>
                        </rect>
                        <text class="tick" x=x + step * 0.35 y=y(d.share) - 4.0 text-anchor="middle">{format::percent(d.share)}</text>
                        <text class="tick" x=x + step * 0.35 y=H - BOTTOM + 14.0 text-anchor="middle">{(i + 1).to_string()}</text>
                    }
                }).collect_view()}
                <text class="axis-label" x=LEFT + (W - LEFT) / 2.0 y=H - 4.0 text-anchor="middle">{move || t().dist_x}</text>
            </svg>
            <p class="muted">{move || t().dist_note.replace("{share}", &format::percent(first))}</p>
        </figure>
    }
}

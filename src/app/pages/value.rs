//! The value & loyalty page: how the two 0-100 scores are distributed and which weights they
//! really used, the loyalty x value layers with seed 000's strategies, and profit against
//! revenue (hidden gems and large accounts that earn little).

use super::super::format;
use super::super::i18n::scores::{ScoresTexts, texts as scores_texts};
use super::super::i18n::texts;
use super::super::route::Route;
use super::super::state::use_app;
use super::{PageHead, with_overview};
use crate::engine::i18n::Lang;
use crate::engine::loyalty::{Layer, layer_of_levels};
use crate::engine::profit::ProfitRow;
use crate::engine::report::Note;
use crate::engine::value::Grade;
use leptos::prelude::*;

#[component]
pub fn Value() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let t = move || texts(lang.get());
    let s = move || scores_texts(lang.get());
    view! {
        <section class="page-value scores" data-testid="page-value">
            <PageHead title=Signal::derive(move || t().page_value)
                intro=Signal::derive(move || s().value_intro.to_owned()) />
            {with_overview(move |o| {
                // The whole body follows the language: it is all labels.
                let lang = lang.get();
                let s = scores_texts(lang);
                let settings = state.settings.get_untracked();
                let r = &o.report;
                let value = Distribution {
                    id: "value",
                    title: s.value_title,
                    scored: r.value.scored,
                    tenths: r.value.tenths,
                    grades: r.value.grades,
                    cutoffs: settings.value.grade_cutoffs,
                    weights: r.value.weights_used.iter().map(|&(c, w)| (c.label(lang), w)).collect(),
                    left_out_for_all: r.value.left_out_for_all.iter().map(|c| c.label(lang)).collect(),
                    left_out_for_some: r.value.left_out_for_some.iter().map(|&(c, n)| (c.label(lang), n)).collect(),
                };
                let loyalty = Distribution {
                    id: "loyalty",
                    title: s.loyalty_title,
                    scored: r.loyalty.scored,
                    tenths: r.loyalty.tenths,
                    grades: r.loyalty.grades,
                    cutoffs: settings.loyalty.grade_cutoffs,
                    weights: r.loyalty.weights_used.iter().map(|&(c, w)| (c.label(lang), w)).collect(),
                    left_out_for_all: r.loyalty.left_out_for_all.iter().map(|c| c.label(lang)).collect(),
                    left_out_for_some: r.loyalty.left_out_for_some.iter().map(|&(c, n)| (c.label(lang), n)).collect(),
                };
                view! {
                    <div class="scores-two even">
                        {distribution(value, s, lang)}
                        {distribution(loyalty, s, lang)}
                    </div>
                    {layers(&o.report.layers, settings.loyalty.layer_cutoffs, s, lang)}
                    {profit(&o.report, s, lang)}
                }
            })}
        </section>
    }
}

/// One score's figures, with its criteria already named in the page's language.
struct Distribution {
    id: &'static str,
    title: &'static str,
    scored: u32,
    tenths: [u32; 10],
    grades: [u32; 4],
    cutoffs: [f64; 3],
    weights: Vec<(&'static str, f64)>,
    left_out_for_all: Vec<&'static str>,
    left_out_for_some: Vec<(&'static str, u32)>,
}

fn distribution(d: Distribution, s: &'static ScoresTexts, lang: Lang) -> AnyView {
    let scored = d.scored.max(1);
    let sep = if lang == Lang::Zh { "、" } else { ", " };
    let band = |g: Grade| match g {
        Grade::Excellent => format!("≥ {}", d.cutoffs[0]),
        Grade::Good => format!("{}–{}", d.cutoffs[1], d.cutoffs[0]),
        Grade::Fair => format!("{}–{}", d.cutoffs[2], d.cutoffs[1]),
        Grade::Weak => format!("< {}", d.cutoffs[2]),
    };
    view! {
        <section class="panel score-dist" data-testid=format!("{}-distribution", d.id)
            data-scored=d.scored.to_string()>
            <div class="panel-head"><h2>{d.title}</h2>
                <span class="muted num">{format::count(d.scored as usize)}</span>
            </div>
            <ul class="grade-row">
                {Grade::ALL.into_iter().map(|g| {
                    let n = d.grades[g as usize];
                    view! {
                        <li class=format!("grade-card grade-{}", g.label(Lang::En))
                            data-grade=g.label(Lang::En) data-count=n.to_string()>
                            <span class="grade-name">{g.label(lang)}</span>
                            <span class="grade-band muted">{band(g)}</span>
                            <span class="grade-count num">{format::count(n as usize)}</span>
                            <span class="grade-share muted num">{format::percent(f64::from(n) / f64::from(scored))}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {histogram(d.title, d.tenths, s)}
            <h3 class="sub-title">{s.weights_used}</h3>
            <ul class="weights">
                {d.weights.iter().map(|&(name, w)| view! {
                    <li data-weight=w.to_string()>
                        <span class="weight-name">{name}</span>
                        <span class="weight-bar" aria-hidden="true">
                            <span style=format!("--w:{:.1}%", w * 100.0)></span>
                        </span>
                        <span class="num">{format::percent(w)}</span>
                    </li>
                }).collect_view()}
            </ul>
            <p class="muted note" data-testid=format!("{}-left-out", d.id)>
                {if d.left_out_for_all.is_empty() {
                    s.all_criteria_used.to_owned()
                } else {
                    format!("{} {}", s.left_out_for_all, d.left_out_for_all.join(sep))
                }}
            </p>
            {(!d.left_out_for_some.is_empty()).then(|| view! {
                <p class="muted note">
                    {s.left_out_for_some} " "
                    {d.left_out_for_some.iter().map(|(c, n)| format!("{c} ({})", format::count(*n as usize))).collect::<Vec<_>>().join(sep)}
                </p>
            })}
        </section>
    }
    .into_any()
}

/// Customers per tenth of 0-100 as an SVG bar chart, with the same figures in a hidden table.
fn histogram(title: &'static str, tenths: [u32; 10], s: &'static ScoresTexts) -> AnyView {
    const W: f64 = 460.0;
    const H: f64 = 190.0;
    const LEFT: f64 = 36.0;
    const BOTTOM: f64 = 40.0;
    const TOP: f64 = 18.0;
    let max = f64::from(tenths.iter().copied().max().unwrap_or(0).max(1));
    let step = (W - LEFT - 16.0) / 10.0;
    let plot_h = H - TOP - BOTTOM;
    let summary = tenths
        .iter()
        .enumerate()
        .map(|(k, n)| format!("{}–{}: {n}", k * 10, k * 10 + 10))
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <figure class="histogram">
            <svg viewBox=format!("0 0 {W} {H}") role="img"
                aria-label=format!("{title} · {}: {summary}", s.distribution_caption)>
                <line class="axis" x1=LEFT y1=H - BOTTOM x2=W - 16.0 y2=H - BOTTOM />
                {tenths.iter().enumerate().map(|(k, &n)| {
                    let h = plot_h * f64::from(n) / max;
                    let x = LEFT + step * k as f64 + 3.0;
                    let y = H - BOTTOM - h;
                    view! {
                        <rect class="bar" x=x y=y width=step - 6.0 height=h data-count=n.to_string() />
                        <text class="bar-value" x=x + (step - 6.0) / 2.0 y=y - 4.0 text-anchor="middle">{n}</text>
                    }
                }).collect_view()}
                {(0..=10).step_by(2).map(|k| view! {
                    <text class="tick" x=LEFT + step * k as f64 y=H - BOTTOM + 14.0 text-anchor="middle">{k * 10}</text>
                }).collect_view()}
                <text class="axis-title" x=LEFT + (W - LEFT) / 2.0 y=H - 6.0 text-anchor="middle">{s.axis_score}</text>
                <text class="axis-title" x=12.0 y=TOP + plot_h / 2.0 text-anchor="middle"
                    transform=format!("rotate(-90 12 {})", TOP + plot_h / 2.0)>{s.axis_customers}</text>
            </svg>
            <table class="visually-hidden">
                <caption>{title} " · " {s.distribution_caption}</caption>
                <tr><th scope="col">{s.axis_score}</th><th scope="col">{s.axis_customers}</th></tr>
                {tenths.iter().enumerate().map(|(k, n)| view! {
                    <tr><td>{format!("{}–{}", k * 10, k * 10 + 10)}</td><td>{*n}</td></tr>
                }).collect_view()}
            </table>
        </figure>
    }
    .into_any()
}

/// The 3 x 3 loyalty x value grid (loyalty high at the top, value high on the right) and the
/// three layers with their strategies.
fn layers(
    grid: &crate::engine::loyalty::LayerGrid,
    cutoffs: [f64; 2],
    s: &'static ScoresTexts,
    lang: Lang,
) -> AnyView {
    let levels = [s.level_low, s.level_mid, s.level_high];
    let total = f64::from(grid.layers.iter().sum::<u32>().max(1));
    let note = s
        .layers_note
        .replace("{low}", &cutoffs[0].to_string())
        .replace("{high}", &cutoffs[1].to_string());
    view! {
        <section class="panel scores-layers" data-testid="layers">
            <div class="panel-head"><h2>{s.layers_title}</h2></div>
            <div class="layers-body">
                <table class="heat layer-grid">
                    <caption class="visually-hidden">{s.layers_title}</caption>
                    <thead>
                        <tr>
                            <th scope="col" class="heat-corner">
                                <span class="axis-y">{s.axis_loyalty}</span>
                                <span class="axis-x">{s.axis_value}</span>
                            </th>
                            {levels.iter().map(|l| view! { <th scope="col">{*l}</th> }).collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        {(0..3).rev().map(|l| view! {
                            <tr>
                                <th scope="row">{levels[l]}</th>
                                {(0..3).map(|v| {
                                    let n = grid.cells[l][v];
                                    let layer = layer_of_levels(l, v);
                                    let name = layer_name(layer);
                                    view! {
                                        <td class=format!("layer-cell layer-{}", name.to_lowercase())
                                            data-loyalty=l.to_string() data-value=v.to_string()
                                            data-count=n.to_string() data-layer=name>
                                            <span class="heat-count">{format::count(n as usize)}</span>
                                            <span class="heat-sub">{s.layer.replace("{name}", name)}</span>
                                        </td>
                                    }
                                }).collect_view()}
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <ul class="layer-list">
                    {[Layer::A, Layer::B, Layer::C].into_iter().map(|layer| {
                        let n = grid.layers[layer as usize];
                        let name = layer_name(layer);
                        view! {
                            <li class=format!("layer-card layer-{}", name.to_lowercase())
                                data-layer=name data-count=n.to_string()>
                                <span class="layer-badge">{name}</span>
                                <div>
                                    <p class="layer-figure">
                                        <strong class="num">{format::count(n as usize)}</strong>
                                        <span class="muted num">{format::percent(f64::from(n) / total)}</span>
                                    </p>
                                    <p class="layer-strategy">{layer.strategy(lang)}</p>
                                </div>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </div>
            <p class="muted note">{note}</p>
        </section>
    }
    .into_any()
}

fn layer_name(layer: Layer) -> &'static str {
    match layer {
        Layer::A => "A",
        Layer::B => "B",
        Layer::C => "C",
    }
}

fn profit(report: &crate::engine::report::Report, s: &'static ScoresTexts, lang: Lang) -> AnyView {
    match &report.profit {
        None => view! {
            <section class="panel scores-profit" data-testid="profit" data-missing="true">
                <div class="panel-head"><h2>{s.gems_title}</h2></div>
                <p class="muted">{Note::NoProfitData.text(lang)}</p>
            </section>
        }
        .into_any(),
        Some(p) => view! {
            <section class="panel scores-profit" data-testid="profit"
                data-gems=p.hidden_gem_details.len().to_string()>
                <div class="panel-head">
                    <h2>{s.gems_title}</h2>
                    <span class="muted">
                        {s.overall_margin} " " {p.margin.map_or("–".to_owned(), format::percent)}
                    </span>
                </div>
                <p class="muted note">{s.gems_intro}</p>
                {profit_table(&p.hidden_gem_details, "gems", s, lang)}
                <h3 class="sub-title">{s.low_title}</h3>
                <p class="muted note">{s.low_intro}</p>
                {profit_table(&p.low_earner_details, "low-earners", s, lang)}
            </section>
        }
        .into_any(),
    }
}

fn profit_table(
    rows: &[ProfitRow],
    id: &'static str,
    s: &'static ScoresTexts,
    lang: Lang,
) -> AnyView {
    if rows.is_empty() {
        return view! { <p class="muted" data-testid=id>{s.no_gems}</p> }.into_any();
    }
    // The gems' point is their profit rank; the low earners' is their revenue rank.
    let strong = id == "gems";
    view! {
        <div class="table-scroll scores-table">
            <table class="grid" data-testid=id>
                <thead>
                    <tr>
                        <th scope="col">{s.col_key}</th>
                        <th scope="col">{s.col_name}</th>
                        <th scope="col" class="num">{s.col_revenue_rank}</th>
                        <th scope="col" class="num">{s.col_profit_rank}</th>
                        <th scope="col" class="num">{s.col_net}</th>
                        <th scope="col" class="num">{s.col_profit}</th>
                        <th scope="col" class="num">{s.col_margin}</th>
                        <th scope="col" class="num">{s.col_revenue_share}</th>
                        <th scope="col" class="num">{s.col_profit_share}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.iter().map(|r| view! {
                        <tr data-customer=r.customer_id.clone()
                            data-revenue-rank=r.revenue_rank.to_string()
                            data-profit-rank=r.profit_rank.to_string()
                            data-margin=r.margin.to_string()>
                            <td><a href=Route::Customer(r.customer_id.to_string()).href()>{r.customer_id.clone()}</a></td>
                            <td title=r.name.clone()>{r.name.clone()}</td>
                            <td class="num">{r.revenue_rank}</td>
                            <td class="num" class:rank-strong=strong>{r.profit_rank}</td>
                            <td class="num">{format::money_short(r.revenue, lang)}</td>
                            <td class="num">{format::money_short(r.profit, lang)}</td>
                            <td class="num">{format::percent(r.margin)}</td>
                            <td class="num">{format::percent(r.revenue_share)}</td>
                            <td class="num">{format::percent(r.profit_share)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

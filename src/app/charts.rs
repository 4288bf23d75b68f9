//! Small inline-SVG charts drawn from engine figures: a line chart, stacked bars and a
//! heatmap. They only draw: callers pass figures the engine computed and texts from their
//! table. Every chart scales with its `viewBox`, has a caption and a legend or axis labels,
//! and carries a text alternative (an `aria-label` or a visually hidden table).

use leptos::prelude::*;

/// Plot margins: left for the y ticks, bottom for the x ticks and the axis title.
const LEFT: f64 = 56.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 46.0;

/// A chart's coordinate system (the `viewBox`); CSS sets the rendered size. Its width is
/// about the width the chart gets on a laptop screen, so 11-13 unit text reads as such.
#[derive(Clone, Copy)]
struct Frame {
    w: f64,
    h: f64,
}

impl Frame {
    fn plot_w(self) -> f64 {
        self.w - LEFT - RIGHT
    }

    fn plot_h(self) -> f64 {
        self.h - TOP - BOTTOM
    }
}

/// Half of a page's width (two charts side by side).
const HALF: Frame = Frame { w: 520.0, h: 330.0 };
/// A page's whole width.
const WIDE: Frame = Frame { w: 960.0, h: 300.0 };

/// A round step that cuts `0..max` into about `n` intervals (1, 2 or 5 times a power of ten).
pub fn nice_step(max: f64, n: usize) -> f64 {
    if max <= 0.0 || !max.is_finite() {
        return 1.0;
    }
    let raw = max / n.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|f| f * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    step.max(f64::MIN_POSITIVE)
}

/// One line: `points` in data units, `class` picks its colour in the stylesheet.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub name: String,
    pub class: &'static str,
    pub points: Vec<(f64, f64)>,
    /// Dashed, for a reference such as the line of equality.
    pub dashed: bool,
}

/// A labelled guide across the plot: vertical at an x value or horizontal at a y value.
#[derive(Clone, Debug, PartialEq)]
pub enum Guide {
    X(f64, String),
    Y(f64, String),
}

/// Lines over `0..=x_max` by `0..=y_max`, with ticks the caller formats and labelled guides.
#[component]
pub fn LineChart(
    #[prop(into)] title: String,
    #[prop(into)] x_label: String,
    #[prop(into)] y_label: String,
    /// The text alternative: what the chart shows, in a sentence.
    #[prop(into)]
    summary: String,
    lines: Vec<Line>,
    x_max: f64,
    y_max: f64,
    x_ticks: Vec<(f64, String)>,
    y_ticks: Vec<(f64, String)>,
    #[prop(optional)] guides: Vec<Guide>,
    #[prop(optional, into)] testid: String,
) -> impl IntoView {
    const F: Frame = HALF;
    let sx = move |x: f64| LEFT + x / x_max.max(f64::MIN_POSITIVE) * F.plot_w();
    let sy = move |y: f64| TOP + F.plot_h() - y / y_max.max(f64::MIN_POSITIVE) * F.plot_h();
    let legend: Vec<(String, &'static str)> =
        lines.iter().map(|l| (l.name.clone(), l.class)).collect();
    view! {
        <figure class="chart" data-testid=testid>
            <figcaption class="chart-title">{title}</figcaption>
            <svg class="chart-svg" viewBox=format!("0 0 {} {}", F.w, F.h) role="img" aria-label=summary
                preserveAspectRatio="xMidYMid meet">
                {y_ticks.into_iter().map(|(v, text)| view! {
                    <line class="chart-grid" x1=LEFT x2=F.w - RIGHT y1=sy(v) y2=sy(v) />
                    <text class="chart-tick" x=LEFT - 6.0 y=sy(v) text-anchor="end" dominant-baseline="middle">{text}</text>
                }).collect_view()}
                {x_ticks.into_iter().map(|(v, text)| view! {
                    <text class="chart-tick" x=sx(v) y=TOP + F.plot_h() + 16.0 text-anchor="middle">{text}</text>
                }).collect_view()}
                <line class="chart-axis" x1=LEFT x2=F.w - RIGHT y1=TOP + F.plot_h() y2=TOP + F.plot_h() />
                <line class="chart-axis" x1=LEFT x2=LEFT y1=TOP y2=TOP + F.plot_h() />
                {guides.into_iter().map(|g| match g {
                    Guide::X(x, text) => view! {
                        <line class="chart-guide" x1=sx(x) x2=sx(x) y1=TOP y2=TOP + F.plot_h() />
                        <text class="chart-guide-label" x=sx(x) + 4.0 y=TOP + F.plot_h() - 6.0>{text}</text>
                    }.into_any(),
                    Guide::Y(y, text) => view! {
                        <line class="chart-guide" x1=LEFT x2=F.w - RIGHT y1=sy(y) y2=sy(y) />
                        <text class="chart-guide-label" x=F.w - RIGHT - 4.0 y=sy(y) - 5.0 text-anchor="end">{text}</text>
                    }.into_any(),
                }).collect_view()}
                {lines.into_iter().map(|l| {
                    let points = l.points.iter()
                        .map(|&(x, y)| format!("{:.1},{:.1}", sx(x), sy(y)))
                        .collect::<Vec<_>>()
                        .join(" ");
                    view! {
                        <polyline class=format!("chart-line {}", l.class) class:dashed=l.dashed
                            points=points fill="none" />
                    }
                }).collect_view()}
                <text class="chart-axis-label" x=LEFT + F.plot_w() / 2.0 y=F.h - 6.0 text-anchor="middle">{x_label}</text>
                <text class="chart-axis-label" x=14.0 y=TOP + F.plot_h() / 2.0 text-anchor="middle"
                    transform=format!("rotate(-90 14 {})", TOP + F.plot_h() / 2.0)>{y_label}</text>
            </svg>
            <Legend items=legend />
        </figure>
    }
}

/// One layer of stacked bars: a value and a hover text per category.
#[derive(Clone, Debug, PartialEq)]
pub struct Stack {
    pub name: String,
    pub class: &'static str,
    pub values: Vec<f64>,
    /// Shown on hover over each segment (the SVG `<title>`).
    pub titles: Vec<String>,
}

/// Stacked bars, one per category; a visually hidden table carries the figures.
#[component]
pub fn StackedBars(
    #[prop(into)] title: String,
    #[prop(into)] x_label: String,
    #[prop(into)] y_label: String,
    categories: Vec<String>,
    stacks: Vec<Stack>,
    /// Formats a y tick and a figure of the hidden table.
    format: fn(f64) -> String,
    #[prop(optional, into)] testid: String,
) -> impl IntoView {
    const F: Frame = WIDE;
    let n = categories.len().max(1);
    let totals: Vec<f64> = (0..categories.len())
        .map(|i| stacks.iter().map(|s| s.values[i].max(0.0)).sum())
        .collect();
    let max = totals.iter().copied().fold(0.0, f64::max);
    let step = nice_step(max, 4);
    let top = (max / step).ceil().max(1.0) * step;
    let sy = move |y: f64| TOP + F.plot_h() - y / top * F.plot_h();
    let slot = F.plot_w() / n as f64;
    let bar = (slot * 0.72).min(36.0);
    // About 12 labels at most, so they never overlap.
    let every = n.div_ceil(12);
    let ticks: Vec<f64> = (0..=((top / step).round() as usize))
        .map(|k| k as f64 * step)
        .collect();
    let legend: Vec<(String, &'static str)> =
        stacks.iter().map(|s| (s.name.clone(), s.class)).collect();
    let mut segments = Vec::new();
    for i in 0..categories.len() {
        let x = LEFT + slot * i as f64 + (slot - bar) / 2.0;
        let mut base = 0.0;
        for s in &stacks {
            let v = s.values[i].max(0.0);
            if v > 0.0 {
                let (y0, y1) = (sy(base), sy(base + v));
                let tip = s.titles.get(i).cloned().unwrap_or_default();
                segments.push(view! {
                    <rect class=format!("chart-bar {}", s.class) x=format!("{x:.1}") y=format!("{y1:.1}")
                        width=format!("{bar:.1}") height=format!("{:.1}", (y0 - y1).max(0.0))>
                        <title>{tip}</title>
                    </rect>
                });
            }
            base += v;
        }
    }
    let labels = categories
        .iter()
        .enumerate()
        .filter(|(i, _)| (n - 1 - i).is_multiple_of(every))
        .map(|(i, c)| {
            let x = LEFT + slot * (i as f64 + 0.5);
            view! { <text class="chart-tick" x=format!("{x:.1}") y=TOP + F.plot_h() + 16.0 text-anchor="middle">{c.clone()}</text> }
        })
        .collect_view();
    let table_head = stacks
        .iter()
        .map(|s| view! { <th scope="col">{s.name.clone()}</th> })
        .collect_view();
    let table_rows = categories
        .iter()
        .enumerate()
        .map(|(i, c)| {
            view! {
                <tr>
                    <th scope="row">{c.clone()}</th>
                    {stacks.iter().map(|s| view! { <td>{format(s.values[i])}</td> }).collect_view()}
                </tr>
            }
        })
        .collect_view();
    let caption = title.clone();
    view! {
        <figure class="chart" data-testid=testid>
            <figcaption class="chart-title">{title}</figcaption>
            <svg class="chart-svg" viewBox=format!("0 0 {} {}", F.w, F.h) aria-hidden="true" preserveAspectRatio="xMidYMid meet">
                {ticks.into_iter().map(|v| view! {
                    <line class="chart-grid" x1=LEFT x2=F.w - RIGHT y1=sy(v) y2=sy(v) />
                    <text class="chart-tick" x=LEFT - 6.0 y=sy(v) text-anchor="end" dominant-baseline="middle">{format(v)}</text>
                }).collect_view()}
                {segments}
                {labels}
                <line class="chart-axis" x1=LEFT x2=F.w - RIGHT y1=TOP + F.plot_h() y2=TOP + F.plot_h() />
                <text class="chart-axis-label" x=LEFT + F.plot_w() / 2.0 y=F.h - 6.0 text-anchor="middle">{x_label}</text>
                <text class="chart-axis-label" x=14.0 y=TOP + F.plot_h() / 2.0 text-anchor="middle"
                    transform=format!("rotate(-90 14 {})", TOP + F.plot_h() / 2.0)>{y_label}</text>
            </svg>
            <Legend items=legend />
            <div class="visually-hidden">
            <table>
                <caption>{caption}</caption>
                <thead><tr><td></td>{table_head}</tr></thead>
                <tbody>{table_rows}</tbody>
            </table>
            </div>
        </figure>
    }
}

/// How a heatmap cell reads: good news, bad news or neither; its colour family.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Good,
    Bad,
    Neutral,
}

impl Tone {
    fn class(self) -> &'static str {
        match self {
            Tone::Good => "heat-good",
            Tone::Bad => "heat-bad",
            Tone::Neutral => "heat-neutral",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct HeatCell {
    /// 0..=1: how strongly the cell is coloured.
    pub intensity: f64,
    pub tone: Tone,
    /// The main figure and a second, smaller line.
    pub text: String,
    pub sub: String,
    /// Hover text and the hidden table's cell.
    pub title: String,
}

/// A grid of coloured cells, rows by columns, with row and column headers; a visually hidden
/// table carries the same figures.
#[component]
pub fn Heatmap(
    #[prop(into)] title: String,
    /// What the rows and the columns are (e.g. "last month" and "this month").
    #[prop(into)]
    row_title: String,
    #[prop(into)] col_title: String,
    rows: Vec<String>,
    cols: Vec<String>,
    /// `cells[row][col]`.
    cells: Vec<Vec<HeatCell>>,
    #[prop(optional)] legend: Vec<(String, &'static str)>,
    #[prop(optional, into)] testid: String,
) -> impl IntoView {
    const HEAD_W: f64 = 72.0;
    const HEAD_H: f64 = 40.0;
    const CELL_W: f64 = 100.0;
    const CELL_H: f64 = 46.0;
    let (nr, nc) = (rows.len(), cols.len());
    let (w, h) = (HEAD_W + CELL_W * nc as f64, HEAD_H + CELL_H * nr as f64);
    let col_heads = cols
        .iter()
        .enumerate()
        .map(|(j, c)| {
            let x = HEAD_W + CELL_W * (j as f64 + 0.5);
            view! { <text class="heat-head" x=x y=HEAD_H - 8.0 text-anchor="middle">{c.clone()}</text> }
        })
        .collect_view();
    let row_heads = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let y = HEAD_H + CELL_H * (i as f64 + 0.5);
            view! { <text class="heat-head" x=HEAD_W - 10.0 y=y text-anchor="end" dominant-baseline="middle">{r.clone()}</text> }
        })
        .collect_view();
    let mut body = Vec::new();
    for (i, row) in cells.iter().enumerate() {
        for (j, cell) in row.iter().enumerate() {
            let (x, y) = (HEAD_W + CELL_W * j as f64, HEAD_H + CELL_H * i as f64);
            let strength = cell.intensity.clamp(0.0, 1.0);
            let strong = strength > 0.55;
            body.push(view! {
                <g class=format!("heat-cell {}", cell.tone.class())>
                    <title>{cell.title.clone()}</title>
                    <rect class="heat-bg" x=x + 2.0 y=y + 2.0 width=CELL_W - 4.0 height=CELL_H - 4.0 rx="5" />
                    <rect class="heat-fill" x=x + 2.0 y=y + 2.0 width=CELL_W - 4.0 height=CELL_H - 4.0 rx="5"
                        fill-opacity=format!("{:.2}", 0.08 + 0.82 * strength) />
                    <text class="heat-text" class:strong=strong x=x + CELL_W / 2.0 y=y + 20.0 text-anchor="middle">{cell.text.clone()}</text>
                    <text class="heat-sub" class:strong=strong x=x + CELL_W / 2.0 y=y + 36.0 text-anchor="middle">{cell.sub.clone()}</text>
                </g>
            });
        }
    }
    let table_rows = rows
        .iter()
        .zip(&cells)
        .map(|(r, row)| {
            view! {
                <tr>
                    <th scope="row">{r.clone()}</th>
                    {row.iter().map(|c| view! { <td>{c.title.clone()}</td> }).collect_view()}
                </tr>
            }
        })
        .collect_view();
    let caption = format!("{title} ({row_title} / {col_title})");
    view! {
        <figure class="chart heatmap" data-testid=testid>
            <figcaption class="chart-title">{title}</figcaption>
            <p class="heat-axes muted" aria-hidden="true">{row_title} " ↓ · " {col_title.clone()} " →"</p>
            <svg class="chart-svg heat-svg" viewBox=format!("0 0 {w} {h}") aria-hidden="true"
                preserveAspectRatio="xMidYMid meet" style=format!("max-width: {w}px")>
                {col_heads}
                {row_heads}
                {body}
            </svg>
            <Legend items=legend />
            <div class="visually-hidden">
            <table>
                <caption>{caption}</caption>
                <thead><tr><td></td>{cols.iter().map(|c| view! { <th scope="col">{c.clone()}</th> }).collect_view()}</tr></thead>
                <tbody>{table_rows}</tbody>
            </table>
            </div>
        </figure>
    }
}

/// Colour swatches with their names; nothing when empty.
#[component]
pub fn Legend(items: Vec<(String, &'static str)>) -> impl IntoView {
    (!items.is_empty()).then(|| {
        view! {
            <ul class="chart-legend">
                {items.into_iter().map(|(name, class)| view! {
                    <li><span class=format!("swatch {class}") aria-hidden="true"></span>{name}</li>
                }).collect_view()}
            </ul>
        }
    })
}

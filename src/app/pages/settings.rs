//! The settings page and the filter bar. Every control writes `AppState::settings`, which
//! re-analyses in the worker; a value outside its range is flagged and not applied.

use super::super::i18n::settings::{SettingsTexts, chosen_count, texts};
use super::super::state::use_app;
use super::PageHead;
use crate::engine::model::{day_from_date, format_day};
use crate::engine::period::PeriodKind;
use crate::engine::report::Settings as EngineSettings;
use crate::engine::tiers::{Metric, TierRule};
use leptos::prelude::*;

type Read = fn(&EngineSettings) -> f64;
type Write = fn(&mut EngineSettings, f64);

#[component]
pub fn Settings() -> impl IntoView {
    let state = use_app();
    let t = move || texts(state.lang.get());
    let settings = state.settings;
    let rule = move || settings.with(|s| s.tiers.rule);

    let as_of = move || settings.with(|s| s.as_of.map(format_day).unwrap_or_default());
    let set_as_of = move |text: String| {
        let day = chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            .ok()
            .map(day_from_date);
        settings.update(|s| s.as_of = day);
    };

    let weight = |label: fn(&SettingsTexts) -> &'static str, get: Read, set: Write, id| {
        view! {
            <NumberField id=id label=label min=0.0 max=100.0 step=1.0 scale=1.0 get=get set=set />
            <span class="normalised" data-testid=format!("{id}-share")>
                {move || {
                    let total = settings.with(|s| {
                        let w = &s.value.weights;
                        w.amount + w.margin + w.growth + w.strategic_fit + w.influence
                    });
                    let share = if total > 0.0 { settings.with(get) / total } else { 0.0 };
                    format!("{} {:.0}%", t().normalised, share * 100.0)
                }}
            </span>
        }
    };

    view! {
        <section class="page-settings" data-testid="page-settings">
            <PageHead title=Signal::derive(move || super::super::i18n::texts(state.lang.get()).page_settings)
                intro=Signal::derive(move || t().intro.to_owned()) />

            <div class="settings-grid">
                <fieldset class="panel settings-group">
                    <legend>{move || t().section_analysis}</legend>
                    <label class="field">
                        <span>{move || t().as_of}</span>
                        <input type="date" data-testid="as-of" prop:value=as_of
                            on:change=move |ev| set_as_of(event_target_value(&ev)) />
                        <small class="muted">{move || t().as_of_hint}</small>
                    </label>
                    <label class="field">
                        <span>{move || t().period}</span>
                        <select data-testid="period"
                            on:change=move |ev| if let Some(p) = PeriodKind::parse(&event_target_value(&ev)) {
                                settings.update(|s| s.period = p);
                            }>
                            {[(PeriodKind::Month, t().period_month), (PeriodKind::Quarter, t().period_quarter),
                              (PeriodKind::Year, t().period_year), (PeriodKind::All, t().period_all)]
                                .into_iter().map(|(p, _)| view! {
                                    <option value=p.as_str() selected=move || settings.with(|s| s.period == p)>
                                        {move || period_label(t(), p)}
                                    </option>
                                }).collect_view()}
                        </select>
                    </label>
                    <label class="field">
                        <span>{move || t().metric}</span>
                        <select data-testid="metric"
                            on:change=move |ev| if let Some(m) = Metric::parse(&event_target_value(&ev)) {
                                settings.update(|s| s.metric = m);
                            }>
                            <option value="revenue" selected=move || settings.with(|s| s.metric == Metric::Revenue)>
                                {move || t().metric_revenue}
                            </option>
                            <option value="profit" selected=move || settings.with(|s| s.metric == Metric::Profit)>
                                {move || t().metric_profit}
                            </option>
                        </select>
                    </label>
                    <NumberField id="window-months" label=|t| t.window_months min=2.0 max=60.0 step=1.0 scale=1.0
                        get=|s| f64::from(s.window_months) set=|s, v| s.window_months = v as u32 />
                </fieldset>

                <fieldset class="panel settings-group">
                    <legend>{move || t().section_tiers}</legend>
                    <div class="field" role="radiogroup" aria-label=move || t().rule>
                        <span>{move || t().rule}</span>
                        {[TierRule::CumulativeShare, TierRule::RankShare, TierRule::Absolute].into_iter().map(|r| view! {
                            <label class="radio">
                                <input type="radio" name="tier-rule" data-testid=format!("rule-{}", rule_slug(r))
                                    prop:checked=move || rule() == r
                                    on:change=move |_| settings.update(|s| s.tiers.rule = r) />
                                {move || rule_label(t(), r)}
                            </label>
                        }).collect_view()}
                    </div>
                    <Show when=move || rule() == TierRule::CumulativeShare>
                        <NumberField id="cumulative-a" label=|t| t.cumulative_a min=1.0 max=99.0 step=1.0 scale=100.0 suffix="%"
                            get=|s| s.tiers.cumulative_cutoffs[0] set=|s, v| s.tiers.cumulative_cutoffs[0] = v
                            check=|s| s.tiers.cumulative_cutoffs[0] < s.tiers.cumulative_cutoffs[1] />
                        <NumberField id="cumulative-b" label=|t| t.cumulative_b min=1.0 max=100.0 step=1.0 scale=100.0 suffix="%"
                            get=|s| s.tiers.cumulative_cutoffs[1] set=|s, v| s.tiers.cumulative_cutoffs[1] = v
                            check=|s| s.tiers.cumulative_cutoffs[0] < s.tiers.cumulative_cutoffs[1] />
                    </Show>
                    <Show when=move || rule() == TierRule::RankShare>
                        <NumberField id="rank-a" label=|t| t.rank_a min=1.0 max=99.0 step=1.0 scale=100.0 suffix="%"
                            get=|s| s.tiers.rank_cutoffs[0] set=|s, v| s.tiers.rank_cutoffs[0] = v
                            check=|s| s.tiers.rank_cutoffs[0] < s.tiers.rank_cutoffs[1] />
                        <NumberField id="rank-b" label=|t| t.rank_b min=1.0 max=100.0 step=1.0 scale=100.0 suffix="%"
                            get=|s| s.tiers.rank_cutoffs[1] set=|s, v| s.tiers.rank_cutoffs[1] = v
                            check=|s| s.tiers.rank_cutoffs[0] < s.tiers.rank_cutoffs[1] />
                    </Show>
                    <Show when=move || rule() == TierRule::Absolute>
                        <NumberField id="absolute-a" label=|t| t.absolute_a min=0.0 max=1e12 step=10000.0 scale=1.0 suffix="¥"
                            get=|s| s.tiers.annual_thresholds[0] set=|s, v| s.tiers.annual_thresholds[0] = v
                            check=|s| s.tiers.annual_thresholds[1] < s.tiers.annual_thresholds[0] />
                        <NumberField id="absolute-b" label=|t| t.absolute_b min=0.0 max=1e12 step=10000.0 scale=1.0 suffix="¥"
                            get=|s| s.tiers.annual_thresholds[1] set=|s, v| s.tiers.annual_thresholds[1] = v
                            check=|s| s.tiers.annual_thresholds[1] < s.tiers.annual_thresholds[0] />
                        <small class="muted">{move || t().absolute_hint}</small>
                    </Show>
                </fieldset>

                <fieldset class="panel settings-group">
                    <legend>{move || t().section_value}</legend>
                    <p class="muted">{move || t().value_hint}</p>
                    <div class="weights">
                        {weight(|t| t.weight_amount, |s| s.value.weights.amount, |s, v| s.value.weights.amount = v, "weight-amount")}
                        {weight(|t| t.weight_margin, |s| s.value.weights.margin, |s, v| s.value.weights.margin = v, "weight-margin")}
                        {weight(|t| t.weight_growth, |s| s.value.weights.growth, |s, v| s.value.weights.growth = v, "weight-growth")}
                        {weight(|t| t.weight_strategic, |s| s.value.weights.strategic_fit, |s, v| s.value.weights.strategic_fit = v, "weight-strategic")}
                        {weight(|t| t.weight_influence, |s| s.value.weights.influence, |s, v| s.value.weights.influence = v, "weight-influence")}
                    </div>
                </fieldset>

                <fieldset class="panel settings-group">
                    <legend>{move || t().section_rfm}</legend>
                    <NumberField id="rfm-bins" label=|t| t.bins min=2.0 max=9.0 step=1.0 scale=1.0
                        get=|s| f64::from(s.rfm.bins) set=|s, v| s.rfm.bins = v as u8 />
                    <small class="muted">{move || t().bins_hint}</small>
                    <legend class="sub-legend">{move || t().section_lifecycle}</legend>
                    <NumberField id="new-days" label=|t| t.new_days min=1.0 max=3650.0 step=1.0 scale=1.0 suffix="days"
                        get=|s| f64::from(s.lifecycle.new_days) set=|s, v| s.lifecycle.new_days = v as i32 />
                    <NumberField id="dormant-days" label=|t| t.dormant_days min=1.0 max=3650.0 step=1.0 scale=1.0 suffix="days"
                        get=|s| f64::from(s.lifecycle.dormant_days) set=|s, v| s.lifecycle.dormant_days = v as i32
                        check=|s| s.lifecycle.dormant_days < s.lifecycle.lost_days />
                    <NumberField id="lost-days" label=|t| t.lost_days min=1.0 max=3650.0 step=1.0 scale=1.0 suffix="days"
                        get=|s| f64::from(s.lifecycle.lost_days) set=|s, v| s.lifecycle.lost_days = v as i32
                        check=|s| s.lifecycle.dormant_days < s.lifecycle.lost_days />
                </fieldset>
            </div>
            <div class="settings-actions">
                <button class="btn" data-testid="reset-settings"
                    on:click=move |_| settings.update(|s| {
                        // The filter is chosen in the filter bar, not a setting to reset here.
                        let filter = std::mem::take(&mut s.filter);
                        *s = EngineSettings { filter, ..EngineSettings::default() };
                    })>
                    {move || t().reset}
                </button>
            </div>
        </section>
    }
}

/// A number input bound to one setting. `scale` converts the stored value to what the user
/// types (100 for shares shown as percent). The value is applied on `change` (Enter or
/// leaving the field), so typing "15" does not analyse with "1" first. A value outside
/// `min..=max`, or one that breaks `check` (e.g. B's cut-off below A's), is not applied.
#[component]
fn NumberField(
    id: &'static str,
    label: fn(&SettingsTexts) -> &'static str,
    min: f64,
    max: f64,
    step: f64,
    scale: f64,
    get: Read,
    set: Write,
    #[prop(optional)] suffix: &'static str,
    #[prop(optional)] check: Option<fn(&EngineSettings) -> bool>,
) -> impl IntoView {
    let state = use_app();
    let t = move || texts(state.lang.get());
    let settings = state.settings;
    let error = RwSignal::new(None::<&'static str>);
    let shown = move || {
        let v = settings.with(get) * scale;
        // Shares like 0.95 * 100 must show as 95, not 94.99999999999999.
        let rounded = (v * 1e6).round() / 1e6;
        rounded.to_string()
    };
    let on_change = move |text: String| {
        let typed = text.trim().replace(',', "").parse::<f64>().ok();
        let Some(typed) = typed.filter(|v| (min..=max).contains(v)) else {
            error.set(Some(t().out_of_range));
            return;
        };
        let mut next = settings.get_untracked();
        set(&mut next, typed / scale);
        if check.is_some_and(|ok| !ok(&next)) {
            error.set(Some(t().cutoffs_order));
            return;
        }
        error.set(None);
        settings.set(next);
    };
    let input_id = format!("setting-{id}");
    let unit = move || match suffix {
        "days" => t().days,
        other => other,
    };
    view! {
        <label class="field">
            <span>{move || label(t())}</span>
            <span class="input-with-unit">
                <input id=input_id type="number" data-testid=id min=min * 1.0 max=max step=step
                    prop:value=shown
                    aria-invalid=move || error.get().is_some().then_some("true")
                    on:change=move |ev| on_change(event_target_value(&ev)) />
                <span class="unit">{unit}</span>
            </span>
            <Show when=move || error.get().is_some()>
                <small class="field-error" role="alert">{move || error.get()}</small>
            </Show>
        </label>
    }
}

fn period_label(t: &SettingsTexts, p: PeriodKind) -> &'static str {
    match p {
        PeriodKind::Month => t.period_month,
        PeriodKind::Quarter => t.period_quarter,
        PeriodKind::Year => t.period_year,
        PeriodKind::All => t.period_all,
    }
}

fn rule_label(t: &SettingsTexts, r: TierRule) -> &'static str {
    match r {
        TierRule::CumulativeShare => t.rule_cumulative,
        TierRule::RankShare => t.rule_rank,
        TierRule::Absolute => t.rule_absolute,
    }
}

/// Closes the open filter drop-down when the pointer goes down outside it, as a native
/// `<select>` closes (pointer events, not focus: Safari does not focus a clicked check box).
fn close_drop_downs_outside(ev: web_sys::PointerEvent) {
    use wasm_bindgen::JsCast;
    let target = ev.target().and_then(|t| t.dyn_into::<web_sys::Node>().ok());
    // Opening one drop-down closes the other, so at most one is open.
    if let Ok(Some(open)) = document().query_selector("details.multi-pick[open]")
        && !open.contains(target.as_ref())
    {
        let _ = open.remove_attribute("open");
    }
}

/// Escape closes the drop-down and leaves the focus on its summary.
fn close_on_escape(ev: web_sys::KeyboardEvent) {
    use wasm_bindgen::JsCast;
    if ev.key() != "Escape" {
        return;
    }
    if let Some(details) = ev
        .current_target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    {
        let _ = details.remove_attribute("open");
        if let Ok(Some(summary)) = details.query_selector("summary")
            && let Ok(summary) = summary.dyn_into::<web_sys::HtmlElement>()
        {
            let _ = summary.focus();
        }
    }
}

fn rule_slug(r: TierRule) -> &'static str {
    match r {
        TierRule::CumulativeShare => "cumulative",
        TierRule::RankShare => "rank",
        TierRule::Absolute => "absolute",
    }
}

/// The customer filter (industry, region, size, manager) over every page: any number of
/// values per field, each field a drop-down of check boxes.
#[component]
pub fn FilterBar() -> impl IntoView {
    let state = use_app();
    let t = move || texts(state.lang.get());
    let settings = state.settings;
    let outside = window_event_listener(leptos::ev::pointerdown, close_drop_downs_outside);
    on_cleanup(move || outside.remove());
    type Field = fn(&mut crate::engine::filter::Filter) -> &mut Vec<String>;
    let picker = move |label: fn(&SettingsTexts) -> &'static str,
                       id: &'static str,
                       values: Vec<String>,
                       field: Field| {
        // Values of one field are alternatives (any of them); fields combine (all of them).
        let chosen = move || {
            settings.with(|s| {
                let mut f = s.filter.clone();
                std::mem::take(field(&mut f))
            })
        };
        let summary = move || {
            let chosen = chosen();
            match chosen.len() {
                0 => t().all.to_owned(),
                1 => chosen[0].clone(),
                n => chosen_count(n, state.lang.get()),
            }
        };
        let label_id = format!("filter-{id}-label");
        view! {
            <div class="filter">
                <span id=label_id.clone()>{move || label(t())}</span>
                <details class="multi-pick" data-testid=format!("filter-{id}")
                    on:keydown=close_on_escape>
                    <summary aria-labelledby=label_id.clone()>{summary}</summary>
                    <div class="multi-pick-list" role="group" aria-labelledby=label_id>
                        {values.into_iter().map(|v| {
                            let checked = { let v = v.clone(); move || chosen().contains(&v) };
                            let value = v.clone();
                            view! {
                                <label class="multi-pick-item">
                                    <input type="checkbox" value=v.clone() prop:checked=checked
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            settings.update(|s| {
                                                let list = field(&mut s.filter);
                                                list.retain(|x| *x != value);
                                                if on {
                                                    list.push(value.clone());
                                                    list.sort();
                                                }
                                            });
                                        } />
                                    <span>{v}</span>
                                </label>
                            }
                        }).collect_view()}
                    </div>
                </details>
            </div>
        }
    };
    move || {
        let options = state
            .overview
            .with(|o| o.as_ref().map(|o| o.options.clone()))?;
        if options.industries.is_empty()
            && options.regions.is_empty()
            && options.sizes.is_empty()
            && options.managers.is_empty()
        {
            return None;
        }
        Some(view! {
            <div class="filter-bar" role="group" aria-label=move || t().filters data-testid="filter-bar">
                {picker(|t| t.industry, "industry", options.industries, |f| &mut f.industries)}
                {picker(|t| t.region, "region", options.regions, |f| &mut f.regions)}
                {picker(|t| t.size, "size", options.sizes, |f| &mut f.sizes)}
                {picker(|t| t.manager, "manager", options.managers, |f| &mut f.managers)}
                <Show when=move || settings.with(|s| !s.filter.is_empty())>
                    <button class="btn btn-ghost" data-testid="clear-filters"
                        on:click=move |_| settings.update(|s| s.filter = Default::default())>
                        {move || t().clear_filters}
                    </button>
                </Show>
            </div>
        })
    }
}

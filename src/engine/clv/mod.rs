//! Predictive customer lifetime value: BG/NBD for purchase counts and P(alive), Gamma-Gamma
//! for spend, discounted CLV, the next-order date and calibration/holdout validation.
//!
//! The models are those of Fader, Hardie & Lee (2005) and are computed exactly as the Python
//! library `lifetimes` 0.11.3 computes them (its conventions are documented in each module
//! and in `docs/methods.md`, "CLV and churn"); the CDNOW tests hold the two to 1e-8.
//! [`fit`] is the one entry point: a dataset and [`ClvSettings`] in, a serialisable
//! [`ClvReport`] out. Fits that do not converge, and data too thin to fit, are reported as
//! such (with the reason as data) and produce no predictions.

pub mod bgnbd;
pub mod gamma_gamma;
pub mod optimize;
pub mod rfm_summary;
pub mod special;
pub mod validation;

use crate::engine::i18n::Lang;
use crate::engine::model::{CustomerId, Dataset, Day, format_day};
use bgnbd::{BgNbdParams, Observation};
use gamma_gamma::GammaGammaParams;
use optimize::Outcome;
use serde::{Deserialize, Serialize};
pub use validation::{FrequencyBucket, Validation, default_split};

/// Fewer customers than this cannot pin down four BG/NBD parameters.
pub const MIN_CUSTOMERS: usize = 100;
/// Repeat buyers carry all the information about purchase rates and dropout.
pub const MIN_REPEAT_BUYERS: usize = 30;
/// Days from the earliest first purchase to the calibration end.
pub const MIN_HISTORY_DAYS: i32 = 90;
/// Repeat buyers with a positive average spend, for the Gamma-Gamma fit.
pub const MIN_SPEND_CUSTOMERS: usize = 20;
/// The search box for log-parameters (scaled as the optimiser sees them): beyond ±10, a
/// parameter above 22,026 or below 4.5e-5, the likelihood is rising towards a limit model
/// (e.g. nobody drops out, or every customer spends alike); the parameter is held there and
/// the rest fitted (docs/methods.md, "Parameters at the edge").
pub(super) const MAX_LOG_PARAMETER: f64 = 10.0;
/// A next order more than a century away is "not expected": no date.
const MAX_NEXT_ORDER_DAYS: f64 = 36_525.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum TimeUnit {
    #[default]
    Week,
    Day,
}

impl TimeUnit {
    pub fn days(self) -> f64 {
        match self {
            TimeUnit::Week => 7.0,
            TimeUnit::Day => 1.0,
        }
    }

    /// A month in this unit, as `lifetimes` counts it for CLV: 4.345 weeks or 30 days.
    pub fn month(self) -> f64 {
        match self {
            TimeUnit::Week => 4.345,
            TimeUnit::Day => 30.0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClvSettings {
    /// The last day of the calibration period (inclusive): the "today" of the predictions.
    pub calibration_end: Day,
    /// With a holdout end, purchases in (calibration end, holdout end] validate the model.
    pub holdout_end: Option<Day>,
    pub unit: TimeUnit,
    /// Time units for `expected_purchases`; default the holdout length, else `clv_months`.
    pub horizon: Option<f64>,
    pub clv_months: u32,
    pub monthly_discount: f64,
    /// `lifetimes`' BG/NBD `penalizer_coef` (0 = plain maximum likelihood).
    pub penalizer: f64,
    /// Score with these instead of fitting (a model fitted earlier, applied to new data).
    pub bgnbd_params: Option<BgNbdParams>,
    pub gamma_gamma_params: Option<GammaGammaParams>,
}

impl ClvSettings {
    pub fn new(calibration_end: Day) -> ClvSettings {
        ClvSettings {
            calibration_end,
            holdout_end: None,
            unit: TimeUnit::Week,
            horizon: None,
            clv_months: 12,
            monthly_discount: 0.01,
            penalizer: 0.0,
            bgnbd_params: None,
            gamma_gamma_params: None,
        }
    }

    /// Holdout length in time units, when there is a holdout period.
    pub fn holdout_duration(&self) -> Option<f64> {
        self.holdout_end
            .filter(|&h| h > self.calibration_end)
            .map(|h| (h - self.calibration_end) as f64 / self.unit.days())
    }

    pub fn horizon_units(&self) -> f64 {
        self.horizon
            .or(self.holdout_duration())
            .unwrap_or(self.clv_months as f64 * self.unit.month())
    }
}

/// Why a fit's numbers are not used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FitProblem {
    /// The optimiser stopped without reaching a point where the gradient vanishes.
    NotConverged { outcome: Outcome, gradient_max: f64 },
    /// A parameter ran off towards 0 or infinity: the likelihood has no maximum inside.
    ParameterRunaway { parameter: String, value: f64 },
    /// Gamma-Gamma q ≤ 1: spend is so heavy-tailed that its mean does not exist.
    HeavyTailedSpend { q: f64 },
}

impl FitProblem {
    pub fn text(&self, lang: Lang) -> String {
        match (self, lang) {
            (
                FitProblem::NotConverged {
                    outcome,
                    gradient_max,
                },
                Lang::En,
            ) => format!(
                "the fit did not converge ({}; largest gradient {gradient_max:.1e}); the parameters are not reliable",
                outcome_text(*outcome, lang)
            ),
            (
                FitProblem::NotConverged {
                    outcome,
                    gradient_max,
                },
                Lang::Zh,
            ) => format!(
                "模型拟合未收敛（{}；最大梯度 {gradient_max:.1e}），参数不可靠",
                outcome_text(*outcome, lang)
            ),
            (FitProblem::ParameterRunaway { parameter, value }, Lang::En) => format!(
                "parameter {parameter} ran off to {value:.3e}: the data do not determine the model ({})",
                lacking(parameter, None, lang)
            ),
            (FitProblem::ParameterRunaway { parameter, value }, Lang::Zh) => format!(
                "参数 {parameter} 趋于 {value:.3e}：数据无法确定模型（{}）",
                lacking(parameter, None, lang)
            ),
            (FitProblem::HeavyTailedSpend { q }, Lang::En) => format!(
                "spend model q = {q:.3} ≤ 1: spend per order is too uneven for an average to exist; no spend or CLV figures"
            ),
            (FitProblem::HeavyTailedSpend { q }, Lang::Zh) => {
                format!(
                    "消费模型 q = {q:.3} ≤ 1：单笔金额差异过大，平均值不存在；不计算消费额与 CLV"
                )
            }
        }
    }
}

/// What a parameter running off says about the data: which heterogeneity they lack.
/// `rising` is the direction it ran (towards infinity or 0), `None` when not known.
fn lacking(parameter: &str, rising: Option<bool>, lang: Lang) -> &'static str {
    let (zh, en) = match (parameter, rising) {
        ("r" | "alpha", Some(true) | None) => (
            "客户之间的购买频率几乎没有差异",
            "purchase rates hardly differ between customers",
        ),
        ("p" | "q" | "gamma", Some(true) | None) => (
            "客户之间的单笔消费几乎没有差异",
            "spend per order hardly differs between customers",
        ),
        ("a", Some(false)) => (
            "几乎看不出客户流失",
            "hardly any customer seems to drop out",
        ),
        ("a" | "b", Some(true)) => (
            "流失概率极小或所有客户都相同",
            "the chance of dropping out is tiny or the same for every customer",
        ),
        (_, None) => (
            "例如看不出客户流失的迹象",
            "for example, no sign of customers dropping out",
        ),
        (_, Some(_)) => ("数据无法确定该参数", "the data do not pin it down"),
    };
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

fn outcome_text(outcome: Outcome, lang: Lang) -> &'static str {
    match (outcome, lang) {
        (Outcome::Converged, Lang::En) => "converged",
        (Outcome::Converged, Lang::Zh) => "已收敛",
        (Outcome::IterationLimit, Lang::En) => "iteration limit reached",
        (Outcome::IterationLimit, Lang::Zh) => "达到迭代上限",
        (Outcome::NonFinite, Lang::En) => "the likelihood is not finite",
        (Outcome::NonFinite, Lang::Zh) => "似然函数值无效",
        (Outcome::Stalled, Lang::En) => "no further improvement possible",
        (Outcome::Stalled, Lang::Zh) => "无法继续改进",
        (Outcome::Runaway, Lang::En) => "a parameter ran off to the edge",
        (Outcome::Runaway, Lang::Zh) => "参数趋于边界",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitStatus {
    /// True when the parameters were fitted here and the fit converged, or were given.
    pub converged: bool,
    /// The parameters were given in the settings, not fitted.
    pub fixed: bool,
    pub problem: Option<FitProblem>,
    pub evaluations: usize,
    /// Parameters held at the edge of the search box while the others were fitted: the
    /// figures are those of the model's limit there (no use of the fit is blocked).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub at_bound: Vec<AtBound>,
}

/// A parameter the likelihood pushes towards 0 or infinity, held at the edge of the search
/// box, e^±`MAX_LOG_PARAMETER` (scaled as the optimiser sees it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AtBound {
    pub parameter: String,
    pub value: f64,
    /// Pushed towards infinity (else towards 0).
    pub rising: bool,
}

impl AtBound {
    fn new(parameter: &str, value: f64, log_value: f64) -> AtBound {
        AtBound {
            parameter: parameter.into(),
            value,
            rising: log_value > 0.0,
        }
    }

    pub fn text(&self, lang: Lang) -> String {
        let (name, value) = (&self.parameter, self.value);
        let hint = lacking(name, Some(self.rising), lang);
        match (self.rising, lang) {
            (true, Lang::En) => format!(
                "{name} held at {value:.3e}: the likelihood keeps rising towards infinity ({hint}); the figures are those of that limit"
            ),
            (false, Lang::En) => format!(
                "{name} held at {value:.3e}: the likelihood keeps rising towards 0 ({hint}); the figures are those of that limit"
            ),
            (true, Lang::Zh) => format!(
                "参数 {name} 固定在 {value:.3e}：似然随其趋于无穷大而持续上升（{hint}），结果按该极限计算"
            ),
            (false, Lang::Zh) => format!(
                "参数 {name} 固定在 {value:.3e}：似然随其趋于 0 而持续上升（{hint}），结果按该极限计算"
            ),
        }
    }
}

impl FitStatus {
    fn fixed() -> FitStatus {
        FitStatus {
            converged: true,
            fixed: true,
            problem: None,
            evaluations: 0,
            at_bound: Vec::new(),
        }
    }

    fn usable(&self) -> bool {
        self.problem.is_none()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BgNbdFit {
    pub params: BgNbdParams,
    /// Log-likelihood of the calibration data at `params`, in the chosen time unit.
    pub log_likelihood: f64,
    pub status: FitStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GammaGammaFit {
    pub params: GammaGammaParams,
    pub log_likelihood: f64,
    /// Repeat buyers with a positive average spend: the customers the model is fitted on.
    pub customers: usize,
    /// Repeat buyers left out because returns make their average spend zero or negative.
    pub excluded: usize,
    pub status: FitStatus,
}

/// A data-sufficiency finding: what is missing, as data, with its text in both languages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Guardrail {
    NoCustomers,
    TooFewCustomers {
        have: usize,
        need: usize,
    },
    TooFewRepeatBuyers {
        have: usize,
        need: usize,
    },
    HistoryTooShort {
        days: i32,
        need_days: i32,
    },
    TooFewSpendCustomers {
        have: usize,
        need: usize,
    },
    /// Repeat buyers with zero or negative average spend (returns), left out of the spend fit.
    SpendExcluded {
        customers: usize,
    },
    HoldoutNotAfterCalibration,
    /// The holdout period runs past the last order in the data: its actuals are incomplete.
    HoldoutPastData {
        last_order: Day,
    },
}

/// What a guardrail stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Blocks {
    /// No BG/NBD fit, hence no predictions at all.
    Everything,
    /// No spend model, hence no spend or CLV figures.
    SpendModel,
    Validation,
    /// A warning only.
    Nothing,
}

impl Guardrail {
    pub fn blocks(&self) -> Blocks {
        match self {
            Guardrail::NoCustomers
            | Guardrail::TooFewCustomers { .. }
            | Guardrail::TooFewRepeatBuyers { .. }
            | Guardrail::HistoryTooShort { .. } => Blocks::Everything,
            Guardrail::TooFewSpendCustomers { .. } => Blocks::SpendModel,
            Guardrail::HoldoutNotAfterCalibration => Blocks::Validation,
            Guardrail::SpendExcluded { .. } | Guardrail::HoldoutPastData { .. } => Blocks::Nothing,
        }
    }

    pub fn text(&self, lang: Lang) -> String {
        use Guardrail::*;
        match (self, lang) {
            (NoCustomers, Lang::En) => {
                "no customer has an order on or before the calibration end date".into()
            }
            (NoCustomers, Lang::Zh) => "校准截止日及之前没有任何客户下单".into(),
            (TooFewCustomers { have, need }, Lang::En) => {
                format!(
                    "only {have} customers ordered before the calibration end; the model needs at least {need}"
                )
            }
            (TooFewCustomers { have, need }, Lang::Zh) => {
                format!("校准期内仅有 {have} 位下单客户，模型至少需要 {need} 位")
            }
            (TooFewRepeatBuyers { have, need }, Lang::En) => format!(
                "only {have} customers bought more than once in the calibration period; the model needs at least {need} repeat buyers"
            ),
            (TooFewRepeatBuyers { have, need }, Lang::Zh) => {
                format!("校准期内仅有 {have} 位客户复购，模型至少需要 {need} 位复购客户")
            }
            (HistoryTooShort { days, need_days }, Lang::En) => format!(
                "the calibration period covers only {days} days of history; at least {need_days} days are needed"
            ),
            (HistoryTooShort { days, need_days }, Lang::Zh) => {
                format!("校准期仅覆盖 {days} 天的历史，至少需要 {need_days} 天")
            }
            (TooFewSpendCustomers { have, need }, Lang::En) => format!(
                "only {have} repeat buyers with a positive average spend; the spend model needs at least {need}, so no spend or CLV figures"
            ),
            (TooFewSpendCustomers { have, need }, Lang::Zh) => format!(
                "平均消费为正的复购客户仅 {have} 位，消费模型至少需要 {need} 位，因此不计算消费额与 CLV"
            ),
            (SpendExcluded { customers: 1 }, Lang::En) => {
                "1 repeat buyer has a zero or negative average spend (returns) and is left out of the spend model".into()
            }
            (SpendExcluded { customers }, Lang::En) => format!(
                "{customers} repeat buyers have a zero or negative average spend (returns) and are left out of the spend model"
            ),
            (SpendExcluded { customers }, Lang::Zh) => {
                format!("{customers} 位复购客户的平均消费为零或负（退货），未纳入消费模型")
            }
            (HoldoutNotAfterCalibration, Lang::En) => {
                "the holdout end must be after the calibration end".into()
            }
            (HoldoutNotAfterCalibration, Lang::Zh) => "验证期截止日必须晚于校准截止日".into(),
            (HoldoutPastData { last_order }, Lang::En) => format!(
                "the holdout period runs past the last order in the data ({}): actual purchases there are incomplete",
                format_day(*last_order)
            ),
            (HoldoutPastData { last_order }, Lang::Zh) => format!(
                "验证期超出了数据中最后一笔订单的日期（{}），该区间的实际购买不完整",
                format_day(*last_order)
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerPrediction {
    pub customer: CustomerId,
    /// Repeat purchase days in the calibration period (x).
    pub frequency: u32,
    /// t_x, in time units.
    pub recency: f64,
    /// T, the customer's age at the calibration end, in time units.
    #[serde(rename = "T")]
    pub age: f64,
    /// Mean day total over the repeat purchase days; 0 for one-time buyers.
    pub monetary_value: f64,
    pub last_order_day: Day,
    /// E[X(horizon) | x, t_x, T].
    pub expected_purchases: f64,
    pub p_alive: f64,
    /// Gamma-Gamma expected spend per purchase; `None` without a usable spend model.
    pub expected_avg_spend: Option<f64>,
    pub clv: Option<f64>,
    /// CLV times the customer's gross margin, when the data has gross profit.
    pub clv_profit: Option<f64>,
    /// Calibration end plus the median wait for the next purchase if the customer is alive.
    pub next_order_day: Option<Day>,
    /// Purchase days in the holdout period, with a holdout.
    pub holdout_purchases: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClvReport {
    pub settings: ClvSettings,
    /// Customers with an order on or before the calibration end.
    pub customers: usize,
    pub repeat_buyers: usize,
    /// Customers whose first order is after the calibration end (not scored).
    pub first_order_after_calibration: usize,
    /// Time units `expected_purchases` covers.
    pub horizon: f64,
    pub bgnbd: Option<BgNbdFit>,
    pub gamma_gamma: Option<GammaGammaFit>,
    /// Empty unless the BG/NBD parameters are usable.
    pub predictions: Vec<CustomerPrediction>,
    pub validation: Option<Validation>,
    pub guardrails: Vec<Guardrail>,
}

impl ClvReport {
    /// P(alive) indexed by customer id (`None` for customers the model did not score).
    pub fn p_alive_by_customer(&self, customers: usize) -> Vec<Option<f64>> {
        let mut out = vec![None; customers];
        for p in &self.predictions {
            out[p.customer as usize] = Some(p.p_alive);
        }
        out
    }
}

/// Fits (or applies) both models and scores every customer known at the calibration end.
pub fn fit(ds: &Dataset, settings: &ClvSettings) -> ClvReport {
    let unit = settings.unit;
    let summary = rfm_summary::summarize(
        ds,
        settings.calibration_end,
        settings.holdout_end,
        unit.days(),
    );
    let rows = &summary.rows;
    let repeat_buyers = rows.iter().filter(|r| r.frequency > 0).count();
    let mut report = ClvReport {
        settings: settings.clone(),
        customers: rows.len(),
        repeat_buyers,
        first_order_after_calibration: summary.first_order_after_calibration,
        horizon: settings.horizon_units(),
        bgnbd: None,
        gamma_gamma: None,
        predictions: Vec::new(),
        validation: None,
        guardrails: Vec::new(),
    };
    let guards = &mut report.guardrails;
    if rows.is_empty() {
        guards.push(Guardrail::NoCustomers);
        return report;
    }
    if settings.bgnbd_params.is_none() {
        if rows.len() < MIN_CUSTOMERS {
            guards.push(Guardrail::TooFewCustomers {
                have: rows.len(),
                need: MIN_CUSTOMERS,
            });
        }
        if repeat_buyers < MIN_REPEAT_BUYERS {
            guards.push(Guardrail::TooFewRepeatBuyers {
                have: repeat_buyers,
                need: MIN_REPEAT_BUYERS,
            });
        }
        let earliest = rows
            .iter()
            .map(|r| r.first_day)
            .min()
            .unwrap_or(settings.calibration_end);
        let history = settings.calibration_end - earliest + 1;
        if history < MIN_HISTORY_DAYS {
            guards.push(Guardrail::HistoryTooShort {
                days: history,
                need_days: MIN_HISTORY_DAYS,
            });
        }
    }
    let spend: Vec<(u32, f64)> = rows
        .iter()
        .filter(|r| r.frequency > 0 && r.monetary_value > 0.0)
        .map(|r| (r.frequency, r.monetary_value))
        .collect();
    let excluded = repeat_buyers - spend.len();
    if excluded > 0 {
        guards.push(Guardrail::SpendExcluded {
            customers: excluded,
        });
    }
    if settings.gamma_gamma_params.is_none() && spend.len() < MIN_SPEND_CUSTOMERS {
        guards.push(Guardrail::TooFewSpendCustomers {
            have: spend.len(),
            need: MIN_SPEND_CUSTOMERS,
        });
    }
    if let Some(h) = settings.holdout_end {
        if h <= settings.calibration_end {
            guards.push(Guardrail::HoldoutNotAfterCalibration);
        } else if let Some((_, last)) = ds.day_range().filter(|&(_, last)| last < h) {
            guards.push(Guardrail::HoldoutPastData { last_order: last });
        }
    }
    let blocked = |what: Blocks| report.guardrails.iter().any(|g| g.blocks() == what);
    if blocked(Blocks::Everything) {
        return report;
    }
    let observations: Vec<Observation> = rows
        .iter()
        .map(|r| Observation {
            frequency: r.frequency,
            recency: r.recency,
            age: r.age,
        })
        .collect();
    let bg = fit_bgnbd(&observations, settings);
    let gg = if blocked(Blocks::SpendModel) {
        None
    } else {
        fit_gamma_gamma(&spend, excluded, settings)
    };
    let validate = !blocked(Blocks::Validation);
    report.bgnbd = Some(bg.clone());
    report.gamma_gamma = gg.clone();
    if !bg.status.usable() {
        return report;
    }
    let spend_model = gg.filter(|g| g.status.usable()).map(|g| g.params);
    let holdout = settings.holdout_duration().filter(|_| validate);
    let (predictions, holdout_expected) = score(
        ds.has_profit(),
        rows,
        &observations,
        &bg.params,
        spend_model.as_ref(),
        settings,
        holdout,
    );
    report.predictions = predictions;
    if let (Some(duration), Some(end)) = (holdout, settings.holdout_end) {
        let per_customer: Vec<(u32, u32, f64)> = rows
            .iter()
            .zip(&holdout_expected)
            .map(|(r, &e)| (r.frequency, r.holdout_frequency, e))
            .collect();
        report.validation = Some(validation::validate(end, duration, &per_customer));
    }
    report
}

/// Predictions for every calibration customer, and E[X(holdout length)] when validating.
///
/// The t_x-free part of E[X(t) | x, t_x, T] (the hypergeometric function) depends on (x, T)
/// only, so it is computed once per distinct (x, T) for the horizon, the holdout length and
/// every CLV month, and shared by the customers in that group.
fn score(
    has_profit: bool,
    rows: &[rfm_summary::CustomerSummary],
    observations: &[Observation],
    bg: &BgNbdParams,
    gg: Option<&GammaGammaParams>,
    settings: &ClvSettings,
    holdout: Option<f64>,
) -> (Vec<CustomerPrediction>, Vec<f64>) {
    let unit = settings.unit;
    let months = settings.clv_months as usize;
    // Times: [horizon, holdout, 0, 1, ..., M months].
    let mut times = vec![settings.horizon_units(), holdout.unwrap_or(0.0)];
    times.extend((0..=months).map(|k| k as f64 * unit.month()));
    // The default horizon is one of the months: evaluate each distinct time once.
    let mut distinct = times.clone();
    distinct.sort_by(f64::total_cmp);
    distinct.dedup();
    let slot: Vec<usize> = times
        .iter()
        .map(|t| {
            distinct
                .binary_search_by(|d| d.total_cmp(t))
                .expect("listed")
        })
        .collect();
    let mut distinct_numerators = vec![0.0; distinct.len()];
    let (total_revenue, total_profit) = rows.iter().fold((0.0, 0.0), |(r, p), row| {
        (r + row.revenue, p + row.profit.unwrap_or(0.0))
    });
    let overall_margin = (has_profit && total_revenue > 0.0).then(|| total_profit / total_revenue);
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_unstable_by(|&i, &j| {
        (observations[i].frequency, observations[i].age.to_bits())
            .cmp(&(observations[j].frequency, observations[j].age.to_bits()))
    });
    let mut predictions: Vec<Option<CustomerPrediction>> = vec![None; rows.len()];
    let mut holdout_expected = vec![0.0; rows.len()];
    let mut numerators = vec![0.0; times.len()];
    let (mut group_key, mut discounted, mut wait_days) = (None, 0.0, 0.0);
    for i in order {
        let (row, obs) = (&rows[i], observations[i]);
        let key = (obs.frequency, obs.age.to_bits());
        if group_key != Some(key) {
            bg.expected_purchase_numerators(
                &distinct,
                obs.frequency,
                obs.age,
                &mut distinct_numerators,
            );
            for (n, &j) in numerators.iter_mut().zip(&slot) {
                *n = distinct_numerators[j];
            }
            discounted =
                gamma_gamma::discounted_purchases(&numerators[2..], settings.monthly_discount);
            wait_days = bg.median_wait_if_alive(obs.frequency, obs.age) * unit.days();
            group_key = Some(key);
        }
        let denominator = bg.expected_purchase_denominator(obs);
        holdout_expected[i] = numerators[1] / denominator;
        let spend = gg.map(|g| {
            if row.frequency > 0 && row.monetary_value > 0.0 {
                g.expected_average_spend(row.frequency, row.monetary_value)
            } else {
                g.population_mean()
            }
        });
        let clv = spend.map(|s| s * discounted / denominator);
        let margin = if row.revenue > 0.0 {
            row.profit.map(|p| p / row.revenue)
        } else {
            overall_margin
        };
        predictions[i] = Some(CustomerPrediction {
            customer: row.customer,
            frequency: row.frequency,
            recency: row.recency,
            age: row.age,
            monetary_value: row.monetary_value,
            last_order_day: row.last_day,
            expected_purchases: numerators[0] / denominator,
            // Hardie's note 021: P(alive) is 1 over equation (10)'s denominator.
            p_alive: 1.0 / denominator,
            expected_avg_spend: spend,
            clv,
            clv_profit: clv.zip(margin.filter(|_| has_profit)).map(|(c, m)| c * m),
            next_order_day: (wait_days.is_finite() && wait_days < MAX_NEXT_ORDER_DAYS)
                .then(|| settings.calibration_end + wait_days.round() as Day),
            holdout_purchases: holdout.map(|_| row.holdout_frequency),
        });
    }
    (
        predictions
            .into_iter()
            .map(|p| p.expect("every row scored"))
            .collect(),
        holdout_expected,
    )
}

fn fit_bgnbd(observations: &[Observation], settings: &ClvSettings) -> BgNbdFit {
    if let Some(params) = settings.bgnbd_params {
        let mut status = FitStatus::fixed();
        if !params.is_usable() {
            status.problem = Some(FitProblem::ParameterRunaway {
                parameter: "r, alpha, a, b".into(),
                value: f64::NAN,
            });
        }
        return BgNbdFit {
            params,
            log_likelihood: params.log_likelihood(observations),
            status,
        };
    }
    let estimate = bgnbd::fit(observations, settings.penalizer);
    let Some(est) = estimate else {
        // Every customer's first purchase is on the calibration end: T = 0 for all.
        return BgNbdFit {
            params: BgNbdParams {
                r: f64::NAN,
                alpha: f64::NAN,
                a: f64::NAN,
                b: f64::NAN,
            },
            log_likelihood: f64::NAN,
            status: FitStatus {
                converged: false,
                fixed: false,
                problem: Some(FitProblem::NotConverged {
                    outcome: Outcome::NonFinite,
                    gradient_max: f64::NAN,
                }),
                evaluations: 0,
                at_bound: Vec::new(),
            },
        };
    };
    let m = &est.minimum;
    let names = ["r", "alpha", "a", "b"];
    let p = est.params;
    let values = [p.r, p.alpha, p.a, p.b];
    // A parameter far out explains a failure better than the optimiser's outcome does.
    let problem = if let Some(i) = m.x.iter().position(|t| t.abs() > MAX_LOG_PARAMETER) {
        Some(FitProblem::ParameterRunaway {
            parameter: names[i].into(),
            value: values[i],
        })
    } else if m.outcome != Outcome::Converged {
        Some(FitProblem::NotConverged {
            outcome: m.outcome,
            gradient_max: m.gradient_max,
        })
    } else {
        None
    };
    BgNbdFit {
        params: est.params,
        log_likelihood: est.log_likelihood,
        status: FitStatus {
            converged: problem.is_none(),
            fixed: false,
            problem,
            evaluations: m.evaluations,
            at_bound: m
                .held
                .iter()
                .map(|&i| AtBound::new(names[i], values[i], m.x[i]))
                .collect(),
        },
    }
}

const GG_NAMES: [&str; 3] = ["p", "q", "gamma"];

fn fit_gamma_gamma(
    spend: &[(u32, f64)],
    excluded: usize,
    settings: &ClvSettings,
) -> Option<GammaGammaFit> {
    let (params, log_likelihood, mut status, x) = if let Some(params) = settings.gamma_gamma_params
    {
        let ll = if spend.is_empty() {
            0.0
        } else {
            params.log_likelihood(spend)
        };
        (params, ll, FitStatus::fixed(), None)
    } else {
        let est = gamma_gamma::fit(spend)?;
        let m = &est.minimum;
        let values = [est.params.p, est.params.q, est.params.gamma];
        let status = FitStatus {
            converged: m.outcome == Outcome::Converged,
            fixed: false,
            problem: (m.outcome != Outcome::Converged).then_some(FitProblem::NotConverged {
                outcome: m.outcome,
                gradient_max: m.gradient_max,
            }),
            evaluations: m.evaluations,
            at_bound: m
                .held
                .iter()
                .map(|&i| AtBound::new(GG_NAMES[i], values[i], m.x[i]))
                .collect(),
        };
        (est.params, est.log_likelihood, status, Some(m.x.clone()))
    };
    let runaway = x.and_then(|x| x.iter().position(|t| t.abs() > MAX_LOG_PARAMETER));
    if let Some(i) = runaway {
        status.converged = false;
        status.problem = Some(FitProblem::ParameterRunaway {
            parameter: GG_NAMES[i].into(),
            value: [params.p, params.q, params.gamma][i],
        });
    } else if status.problem.is_none() && !params.is_usable() {
        // A proper maximum, but of a model whose mean spend does not exist.
        status.problem = Some(FitProblem::HeavyTailedSpend { q: params.q });
    }
    Some(GammaGammaFit {
        params,
        log_likelihood,
        customers: spend.len(),
        excluded,
        status,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::DatasetBuilder;

    const BG: BgNbdParams = BgNbdParams {
        r: 0.242_594_543_421_067_15,
        alpha: 4.413_602_716_077_372,
        a: 0.792_921_833_347_843_3,
        b: 2.425_905_728_721_623_7,
    };
    const GG: GammaGammaParams = GammaGammaParams {
        p: 6.249_572_277_638_951,
        q: 3.744_224_674_757_774,
        gamma: 15.443_521_018_351_717,
    };

    /// Scored with given parameters, so two customers are enough (no fit, no fit guardrails).
    #[test]
    fn profit_clv_and_next_order_date_by_hand() {
        let mut b = DatasetBuilder::new();
        let steady = b.intern("steady");
        let refunded = b.intern("refunded");
        // 30% margin: 100 + 50 + 50 of revenue with 60 of profit.
        b.order(steady, 0, 100.0, Some(30.0));
        b.order(steady, 70, 50.0, Some(15.0));
        b.order(steady, 140, 50.0, Some(15.0));
        // Net amount −10 over the calibration: the overall margin applies.
        b.order(refunded, 7, 40.0, Some(10.0));
        b.order(refunded, 21, -50.0, Some(-12.0));
        let ds = b.build();
        let settings = ClvSettings {
            bgnbd_params: Some(BG),
            gamma_gamma_params: Some(GG),
            ..ClvSettings::new(182)
        };
        let report = fit(&ds, &settings);
        assert_eq!(report.predictions.len(), 2);
        let s = &report.predictions[0];
        assert_eq!((s.frequency, s.recency, s.age), (2, 20.0, 26.0));
        let clv = s.clv.unwrap();
        assert!((s.clv_profit.unwrap() - 0.3 * clv).abs() < 1e-12 * clv);
        // The overall margin: (60 − 2) / (200 − 10).
        let r = &report.predictions[1];
        let overall = (60.0 - 2.0) / (200.0 - 10.0);
        assert!((r.clv_profit.unwrap() - overall * r.clv.unwrap()).abs() < 1e-12);
        // Its average repeat spend is −50: no spend information, the population mean applies.
        assert_eq!(r.expected_avg_spend, Some(GG.population_mean()));
        assert!(
            report
                .guardrails
                .contains(&Guardrail::SpendExcluded { customers: 1 })
        );
        // Next order: the calibration end plus the median wait given alive, in days.
        let wait_weeks = (BG.alpha + 26.0) * (2f64.powf(1.0 / (BG.r + 2.0)) - 1.0);
        assert_eq!(
            s.next_order_day,
            Some(182 + (wait_weeks * 7.0).round() as Day)
        );
        // Without gross profit in the data there is no profit CLV.
        let mut b = DatasetBuilder::new();
        let c = b.intern("c");
        b.order(c, 0, 100.0, None);
        b.order(c, 70, 50.0, None);
        let p = &fit(&b.build(), &settings).predictions[0];
        assert!(p.clv.is_some() && p.clv_profit.is_none());
    }

    #[test]
    fn clockwork_buyers_who_never_stop_get_the_limit_model() {
        // 120 customers buying every 7 days up to the end: identical rates (the Gamma's shape
        // r runs to infinity) and nobody drops out (the Beta's a runs to 0). Both are held at
        // the bound and the rest is fitted: a Poisson process without dropout, whose rate is
        // the maximum-likelihood one, repeat purchases over exposure, Σx / ΣT.
        let mut b = DatasetBuilder::new();
        let (mut repeats, mut exposure) = (0.0, 0.0);
        for i in 0..120 {
            let c = b.intern(&format!("C{i}"));
            let days: Vec<i32> = (i % 7..=200).step_by(7).collect();
            for &day in &days {
                b.order(c, day, 100.0, None);
            }
            repeats += (days.len() - 1) as f64;
            exposure += (200 - days[0]) as f64 / 7.0;
        }
        let report = fit(&b.build(), &ClvSettings::new(200));
        assert!(report.guardrails.is_empty(), "{:?}", report.guardrails);
        let bg = report.bgnbd.unwrap();
        assert!(bg.status.converged && bg.status.problem.is_none(), "{bg:?}");
        let held: Vec<(&str, bool)> = bg
            .status
            .at_bound
            .iter()
            .map(|h| (h.parameter.as_str(), h.rising))
            .collect();
        assert!(held.starts_with(&[("r", true), ("a", false)]), "{held:?}");
        assert!(bg.status.evaluations < 200, "{}", bg.status.evaluations);
        let rate = repeats / exposure;
        let fitted = bg.params.r / bg.params.alpha;
        assert!((fitted / rate - 1.0).abs() < 1e-3, "{fitted} vs {rate}");
        assert!(
            bg.status.at_bound[0].text(Lang::En).starts_with(
                "r held at 2.203e4: the likelihood keeps rising towards infinity (purchase rates hardly differ between customers)"
            ),
            "{}",
            bg.status.at_bound[0].text(Lang::En)
        );
        // Everyone is alive and expected to buy at that rate over the horizon.
        assert_eq!(report.predictions.len(), 120);
        for p in &report.predictions {
            assert!(p.p_alive > 0.9999, "{p:?}");
            let want = rate * report.horizon;
            assert!((p.expected_purchases / want - 1.0).abs() < 2e-3, "{p:?}");
        }
    }

    #[test]
    fn customers_who_all_spend_alike_get_the_population_mean() {
        // Every order is 100: no spread within or between customers, so the Gamma shapes p
        // and q run to infinity. Held at the bound, the fit puts every customer's expected
        // spend at 100.
        let mut b = DatasetBuilder::new();
        for i in 0..120 {
            let c = b.intern(&format!("C{i}"));
            for k in 0..4 {
                b.order(c, i + k * (10 + i % 13), 100.0, None);
            }
        }
        let report = fit(&b.build(), &ClvSettings::new(400));
        let gg = report.gamma_gamma.unwrap();
        assert!(gg.status.converged && gg.status.problem.is_none(), "{gg:?}");
        let held: Vec<&str> = gg
            .status
            .at_bound
            .iter()
            .map(|h| h.parameter.as_str())
            .collect();
        assert_eq!(held, ["p", "q"]);
        assert!(gg.status.evaluations < 100, "{}", gg.status.evaluations);
        assert!(
            gg.status.at_bound[1]
                .text(Lang::En)
                .contains("(spend per order hardly differs between customers)")
        );
        for x in [1, 3, 10] {
            let spend = gg.params.expected_average_spend(x, 100.0);
            assert!((spend - 100.0).abs() < 0.01, "{x}: {spend}");
        }
    }

    #[test]
    fn runaway_and_held_parameters_name_what_the_data_lack() {
        let runaway = |parameter: &str| {
            FitProblem::ParameterRunaway {
                parameter: parameter.into(),
                value: 1e14,
            }
            .text(Lang::En)
        };
        assert!(runaway("q").ends_with("(spend per order hardly differs between customers)"));
        assert!(runaway("a").ends_with("(for example, no sign of customers dropping out)"));
        let held = |parameter: &str, rising| {
            AtBound {
                parameter: parameter.into(),
                value: 1.0,
                rising,
            }
            .text(Lang::En)
        };
        assert!(held("a", false).contains("(hardly any customer seems to drop out)"));
        assert!(held("b", true).contains("(the chance of dropping out is tiny or the same"));
        assert!(held("alpha", false).contains("(the data do not pin it down)"));
        assert!(held("r", true).contains("(purchase rates hardly differ between customers)"));
    }

    #[test]
    fn a_fit_that_cannot_converge_gives_no_predictions() {
        // Parameters given as NaN stand for a broken model: reported, never used.
        let mut b = DatasetBuilder::new();
        let c = b.intern("c");
        b.order(c, 0, 100.0, None);
        let settings = ClvSettings {
            bgnbd_params: Some(BgNbdParams { r: f64::NAN, ..BG }),
            ..ClvSettings::new(30)
        };
        let report = fit(&b.build(), &settings);
        assert!(report.bgnbd.unwrap().status.problem.is_some());
        assert!(report.predictions.is_empty());
    }
}

//! Churn risk and predictive CLV for the rows of a report: [`predict`] runs after
//! `report::analyze` and fills each row's [`RowPrediction`].
//!
//! It adds no model of its own: it fits BG/NBD and Gamma-Gamma with `clv::fit` (Fader, Hardie &
//! Lee 2005, computed as `lifetimes` 0.11.3 does) and scores churn risk with `churn::assess`,
//! both on the report's as-of date as the calibration end E, and over exactly the orders the
//! report saw: those of its (possibly filtered) customers before the as-of date. With the
//! report's default date (the day after the last order) that is the whole dataset, and every
//! figure equals what `clv::fit(ds, ClvSettings::new(as_of))` and `churn::assess(ds, as_of, ..)`
//! give. When the data are too thin for the model (the `clv` guardrails) or its fit fails, the
//! rows keep the churn score built from the evidence that needs no model (overdue against the
//! customer's own interval, spend trend, complaints) and the summary says why.
//! See docs/methods.md, "Churn risk and CLV in the report".

use super::churn::{self, ChurnReason, RiskBand};
use super::clv::bgnbd::BgNbdParams;
use super::clv::gamma_gamma::GammaGammaParams;
use super::clv::{self, BgNbdFit, Blocks, ClvSettings, GammaGammaFit, Guardrail, TimeUnit};
use super::i18n::Lang;
use super::model::{Customer, CustomerId, Dataset, Day, Orders};
use super::report::{Report, date, date_opt};
use serde::{Deserialize, Serialize};

/// The models' settings; the calibration end is always the report's as-of date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PredictSettings {
    /// Time unit of the BG/NBD model (default weeks, as in the papers and `lifetimes`).
    pub unit: TimeUnit,
    /// Time units `expected_purchases` covers; default `clv_months` months.
    pub horizon: Option<f64>,
    /// CLV horizon in months (default 12) and monthly discount rate (default 0.01).
    pub clv_months: u32,
    pub monthly_discount: f64,
    /// `lifetimes`' BG/NBD `penalizer_coef` (default 0: plain maximum likelihood).
    pub penalizer: f64,
    /// Score with these instead of fitting (a model fitted earlier).
    pub bgnbd_params: Option<BgNbdParams>,
    pub gamma_gamma_params: Option<GammaGammaParams>,
}

impl Default for PredictSettings {
    fn default() -> Self {
        let clv = ClvSettings::new(0);
        PredictSettings {
            unit: clv.unit,
            horizon: clv.horizon,
            clv_months: clv.clv_months,
            monthly_discount: clv.monthly_discount,
            penalizer: clv.penalizer,
            bgnbd_params: None,
            gamma_gamma_params: None,
        }
    }
}

impl PredictSettings {
    /// The `clv` settings for calibration end `as_of` (no holdout: the report predicts).
    pub fn clv_settings(&self, as_of: Day) -> ClvSettings {
        ClvSettings {
            unit: self.unit,
            horizon: self.horizon,
            clv_months: self.clv_months,
            monthly_discount: self.monthly_discount,
            penalizer: self.penalizer,
            bgnbd_params: self.bgnbd_params,
            gamma_gamma_params: self.gamma_gamma_params,
            ..ClvSettings::new(as_of)
        }
    }
}

/// One customer's churn risk and predictions. Only customers with an order before the as-of
/// date get one; the model figures are `None` when there is no usable model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowPrediction {
    /// 0 (no sign of churn) to 100.
    pub churn_risk: f64,
    pub churn_band: RiskBand,
    /// Strongest first; `churn::reasons_text` makes the sentence.
    pub churn_reasons: Vec<ChurnReason>,
    /// BG/NBD P(alive | x, t_x, T).
    pub p_alive: Option<f64>,
    /// E[X(horizon) | x, t_x, T], purchase days over `Prediction::horizon` time units.
    pub expected_purchases: Option<f64>,
    /// The as-of date plus the median wait for the next purchase if the customer is alive.
    #[serde(with = "date_opt")]
    pub next_order: Option<Day>,
    /// Gamma-Gamma expected spend per purchase.
    pub expected_avg_spend: Option<f64>,
    /// Discounted expected revenue over `clv_months`, and the same in gross profit (the
    /// customer's own margin) when the data has gross profit.
    pub clv: Option<f64>,
    pub clv_profit: Option<f64>,
}

/// What the rows' figures rest on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// Both models: churn risk with P(alive), expected purchases, next order and CLV.
    Models,
    /// BG/NBD without a usable spend model: everything but spend and CLV.
    NoSpendModel,
    /// No usable BG/NBD: churn risk from the evidence that needs no model, nothing else.
    RulesOnly,
}

/// The fit summary for a CLV & churn page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prediction {
    /// The calibration end: the report's as-of date.
    #[serde(with = "date")]
    pub calibration_end: Day,
    pub unit: TimeUnit,
    /// Time units `expected_purchases` covers.
    pub horizon: f64,
    pub clv_months: u32,
    pub monthly_discount: f64,
    /// Customers with an order before the as-of date, and how many bought on two days or more.
    pub customers: usize,
    pub repeat_buyers: usize,
    /// Parameters, log-likelihood and convergence; `None` when the guardrails stopped the fit.
    pub bgnbd: Option<BgNbdFit>,
    /// With the customers fitted on and those excluded (zero or negative average spend).
    pub gamma_gamma: Option<GammaGammaFit>,
    /// Data-sufficiency findings, as data.
    pub guardrails: Vec<Guardrail>,
    pub basis: Basis,
    /// Rows with a churn score, and how many fall in each band (low, medium, high).
    pub scored: usize,
    pub bands: [usize; 3],
    /// How predicted value is spread: customers with a CLV, best first, in ten groups of
    /// (nearly) equal size. Empty without CLV figures.
    #[serde(default)]
    pub clv_deciles: Vec<ClvDecile>,
}

/// One tenth of the customers with a CLV, ranked by CLV.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClvDecile {
    pub customers: usize,
    /// Lowest and highest CLV in the group.
    pub min: f64,
    pub max: f64,
    pub total: f64,
    /// `total` over the CLV of every customer (0 when that is not positive).
    pub share: f64,
}

/// Splits the CLVs, best first, into ten groups: the first `n % 10` get one customer more.
pub fn clv_deciles(clvs: &mut [f64]) -> Vec<ClvDecile> {
    if clvs.is_empty() {
        return Vec::new();
    }
    clvs.sort_unstable_by(|a, b| b.total_cmp(a));
    let sum: f64 = clvs.iter().sum();
    let (n, groups) = (clvs.len(), 10.min(clvs.len()));
    let mut out = Vec::with_capacity(groups);
    let mut start = 0;
    for g in 0..groups {
        let len = n / groups + usize::from(g < n % groups);
        let part = &clvs[start..start + len];
        let total: f64 = part.iter().sum();
        out.push(ClvDecile {
            customers: len,
            min: part[len - 1],
            max: part[0],
            total,
            share: if sum > 0.0 { total / sum } else { 0.0 },
        });
        start += len;
    }
    out
}

impl Prediction {
    /// Why figures are missing or need care, one sentence each: the guardrails, the fit
    /// problems, parameters held at the search bound, then what the rows go without.
    pub fn messages(&self, lang: Lang) -> Vec<String> {
        let mut out: Vec<String> = self.guardrails.iter().map(|g| g.text(lang)).collect();
        let problems = [
            self.bgnbd.as_ref().and_then(|f| f.status.problem.as_ref()),
            self.gamma_gamma
                .as_ref()
                .and_then(|f| f.status.problem.as_ref()),
        ];
        out.extend(problems.into_iter().flatten().map(|p| p.text(lang)));
        let held = [
            self.bgnbd.as_ref().map(|f| &f.status.at_bound),
            self.gamma_gamma.as_ref().map(|f| &f.status.at_bound),
        ];
        out.extend(held.into_iter().flatten().flatten().map(|h| h.text(lang)));
        match (self.basis, lang) {
            (Basis::Models, _) => {}
            (Basis::NoSpendModel, Lang::En) => out.push(
                "No spend model: P(alive), expected purchases and next orders are shown, CLV is not"
                    .into(),
            ),
            (Basis::NoSpendModel, Lang::Zh) => {
                out.push("没有消费模型：显示存活概率、预期购买次数和下次下单日期，不计算 CLV".into())
            }
            (Basis::RulesOnly, Lang::En) => out.push(
                "No purchase model: churn risk comes from overdue orders, the spend trend and complaints alone; no P(alive), expected purchases or CLV"
                    .into(),
            ),
            (Basis::RulesOnly, Lang::Zh) => out.push(
                "没有购买模型：流失风险仅依据下单逾期、消费趋势和投诉计算，不提供存活概率、预期购买次数和 CLV"
                    .into(),
            ),
        }
        out
    }
}

/// Fits both models as of the report's date, scores every customer of the report and fills
/// `CustomerRow::prediction` (replacing an earlier prediction). Customers without an order
/// before the as-of date get `None`.
pub fn predict(ds: &Dataset, report: &mut Report, settings: &PredictSettings) -> Prediction {
    score(ds, report, settings).apply(report)
}

/// Every figure `predict` puts in a report, kept by customer so that a later report can have
/// them again without a refit: they depend only on the as-of date and on which customers the
/// report selected (its filter), not on tiers, weights or bins.
#[derive(Debug, Clone)]
pub struct Scored {
    as_of: Day,
    selection: Vec<CustomerId>,
    settings: PredictSettings,
    by_customer: Vec<Option<Box<RowPrediction>>>,
    summary: Prediction,
}

impl Scored {
    /// Whether these are the figures `predict(ds, report, settings)` would compute (for the
    /// dataset they were computed on).
    pub fn fits(&self, report: &Report, settings: &PredictSettings) -> bool {
        self.as_of == report.as_of
            && self.settings == *settings
            && self.selection.len() == report.customers.len()
            && self
                .selection
                .iter()
                .zip(&report.customers)
                .all(|(&c, row)| c == row.index)
    }

    /// Fills the report's rows; the report must select the customers these were scored for.
    pub fn apply(&self, report: &mut Report) -> Prediction {
        for row in &mut report.customers {
            row.prediction = self.by_customer[row.index as usize].clone();
        }
        self.summary.clone()
    }
}

/// Fits both models as of the report's date and scores every customer of the report.
pub fn score(ds: &Dataset, report: &Report, settings: &PredictSettings) -> Scored {
    let as_of = report.as_of;
    let view = orders_seen(ds, report);
    let seen = view.as_ref().unwrap_or(ds);
    let clv_settings = settings.clv_settings(as_of);
    let fit = clv::fit(seen, &clv_settings);
    let p_alive = fit.p_alive_by_customer(seen.customers.len());
    let risks = churn::assess(seen, as_of, &p_alive);

    let mut by_customer: Vec<Option<Box<RowPrediction>>> = vec![None; seen.customers.len()];
    let mut bands = [0usize; 3];
    for risk in risks {
        bands[risk.band as usize] += 1;
        by_customer[risk.customer as usize] = Some(Box::new(RowPrediction {
            churn_risk: risk.score,
            churn_band: risk.band,
            churn_reasons: risk.reasons,
            p_alive: None,
            expected_purchases: None,
            next_order: None,
            expected_avg_spend: None,
            clv: None,
            clv_profit: None,
        }));
    }
    for p in &fit.predictions {
        let slot = by_customer[p.customer as usize]
            .as_mut()
            .expect("every calibration customer has a churn score");
        slot.p_alive = Some(p.p_alive);
        slot.expected_purchases = Some(p.expected_purchases);
        slot.next_order = p.next_order_day;
        slot.expected_avg_spend = p.expected_avg_spend;
        slot.clv = p.clv;
        slot.clv_profit = p.clv_profit;
    }
    let selection: Vec<CustomerId> = report.customers.iter().map(|row| row.index).collect();
    let mut clvs: Vec<f64> = selection
        .iter()
        .filter_map(|&c| by_customer[c as usize].as_ref().and_then(|p| p.clv))
        .collect();
    let basis = match fit.predictions.first() {
        None => Basis::RulesOnly,
        Some(p) if p.clv.is_none() => Basis::NoSpendModel,
        Some(_) => Basis::Models,
    };
    debug_assert!(
        basis == Basis::RulesOnly
            || !fit
                .guardrails
                .iter()
                .any(|g| g.blocks() == Blocks::Everything)
    );
    let summary = Prediction {
        calibration_end: as_of,
        unit: settings.unit,
        horizon: fit.horizon,
        clv_months: settings.clv_months,
        monthly_discount: settings.monthly_discount,
        customers: fit.customers,
        repeat_buyers: fit.repeat_buyers,
        bgnbd: fit.bgnbd,
        gamma_gamma: fit.gamma_gamma,
        guardrails: fit.guardrails,
        basis,
        scored: bands.iter().sum(),
        bands,
        clv_deciles: clv_deciles(&mut clvs),
    };
    Scored {
        as_of,
        selection,
        settings: settings.clone(),
        by_customer,
        summary,
    }
}

/// The dataset as the report saw it - the selected customers' orders and interactions before
/// the as-of date, customer ids unchanged - or `None` when that is the whole dataset. The
/// models read orders and interactions only, so customer records are left empty.
fn orders_seen(ds: &Dataset, report: &Report) -> Option<Dataset> {
    let as_of = report.as_of;
    let everyone = report.customers.len() == ds.customers.len();
    let all_before = ds.day_range().is_none_or(|(_, last)| last < as_of)
        && ds.interactions.iter().all(|i| i.day < as_of);
    if everyone && all_before {
        return None;
    }
    let n = ds.customers.len();
    let mut selected = vec![false; n];
    for row in &report.customers {
        selected[row.index as usize] = true;
    }
    let src = &ds.orders;
    let mut orders = Orders {
        profit: src.profit.as_ref().map(|_| Vec::new()),
        ..Orders::default()
    };
    let mut order_start = Vec::with_capacity(n + 1);
    order_start.push(0u32);
    for c in 0..n as CustomerId {
        if selected[c as usize] {
            let range = ds.orders_of(c);
            let before = src.day[range.clone()].partition_point(|&d| d < as_of);
            let kept = range.start..range.start + before;
            orders
                .customer
                .extend_from_slice(&src.customer[kept.clone()]);
            orders.day.extend_from_slice(&src.day[kept.clone()]);
            orders.amount.extend_from_slice(&src.amount[kept.clone()]);
            if let (Some(to), Some(from)) = (orders.profit.as_mut(), src.profit.as_ref()) {
                to.extend_from_slice(&from[kept]);
            }
        }
        order_start.push(orders.customer.len() as u32);
    }
    Some(Dataset {
        customers: vec![Customer::default(); n],
        orders,
        order_start,
        interactions: ds
            .interactions
            .iter()
            .filter(|i| selected[i.customer as usize] && i.day < as_of)
            .cloned()
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::churn::SpendBaseline;
    use crate::engine::model::{DatasetBuilder, Interaction, InteractionKind};
    use crate::engine::report::{Settings, analyze};

    const AS_OF: Day = 20_000;

    /// Four customers, far too few for the purchase model (the same histories as the churn
    /// tests): A ordered every 14 days, the last 52 days ago, 1,000 in the previous quarter and
    /// 550 in this one, with two recent complaints; B orders every 30 days, the last 3 days ago;
    /// C bought once, 100 days ago, and again after the as-of date; D never ordered.
    fn tiny() -> Dataset {
        let mut b = DatasetBuilder::new();
        let [a, steady, once] = ["A", "B", "C"].map(|k| b.intern(k));
        b.intern("D");
        for d in [150, 136, 122, 108] {
            b.order(a, AS_OF - d, 250.0, None);
        }
        b.order(a, AS_OF - 80, 200.0, None);
        b.order(a, AS_OF - 66, 200.0, None);
        b.order(a, AS_OF - 52, 150.0, None);
        for d in (3..=360).step_by(30) {
            b.order(steady, AS_OF - d, 100.0, None);
        }
        b.order(once, AS_OF - 100, 80.0, None);
        b.order(once, AS_OF + 5, 80.0, None);
        // The complaint on the as-of date is after the report's data, like the order above.
        for d in [10, 40, 0] {
            b.interaction(Interaction {
                customer: a,
                day: AS_OF - d,
                kind: InteractionKind::Complaint,
                score: None,
            });
        }
        b.build()
    }

    #[test]
    fn too_little_data_keeps_the_rules_and_says_why() {
        let ds = tiny();
        let settings = Settings {
            as_of: Some(AS_OF),
            ..Settings::default()
        };
        let mut report = analyze(&ds, &settings);
        let p = predict(&ds, &mut report, &PredictSettings::default());
        assert_eq!(p.basis, Basis::RulesOnly);
        assert_eq!((p.customers, p.repeat_buyers), (3, 2));
        assert_eq!(
            p.guardrails,
            [
                Guardrail::TooFewCustomers { have: 3, need: 100 },
                Guardrail::TooFewRepeatBuyers { have: 2, need: 30 },
                Guardrail::TooFewSpendCustomers { have: 2, need: 20 },
            ]
        );
        assert!(p.bgnbd.is_none() && p.gamma_gamma.is_none());
        let messages = p.messages(Lang::En);
        assert_eq!(
            messages[0],
            "only 3 customers ordered before the calibration end; the model needs at least 100"
        );
        assert!(
            messages[3].starts_with("No purchase model: churn risk comes from overdue orders"),
            "{messages:?}"
        );

        // Without P(alive) the weights of overdue (0.4), spend (0.2) and complaints (0.1)
        // share the scale.
        let row = |i: usize| report.customers[i].prediction.as_deref();
        let a = row(0).unwrap();
        // Overdue: (52 − 14) / 28 ≥ 1 -> 1; spend 550 against 1,000 -> 0.45; 2 complaints of 3
        // (the third is on the as-of date, after the data).
        let want = 100.0 * (0.4 + 0.2 * 0.45 + 0.1 * 2.0 / 3.0) / 0.7;
        assert!((a.churn_risk - want).abs() < 1e-12, "{}", a.churn_risk);
        assert_eq!(a.churn_band, RiskBand::High);
        assert_eq!(
            a.churn_reasons[2],
            ChurnReason::Complaints {
                count: 2,
                window_days: 180
            }
        );
        assert_eq!(
            (a.p_alive, a.expected_purchases, a.clv, a.next_order),
            (None, None, None, None)
        );
        // B: 3 days after an order, same spend as the quarter before: no risk at all.
        assert_eq!(row(1).unwrap().churn_risk, 0.0);
        // C: one order 100 days ago against the repeat buyers' typical 22 days (the median of
        // 14 and 30) -> 1; nothing this quarter after 80 in the previous one -> −100%. Its
        // order after the as-of date plays no part.
        let c = row(2).unwrap();
        assert!((c.churn_risk - 100.0 * 0.6 / 0.7).abs() < 1e-12);
        assert_eq!(
            c.churn_reasons,
            [
                ChurnReason::NoRepeatOrder {
                    days_since: 100,
                    typical_interval_days: 22.0
                },
                ChurnReason::SpendDown {
                    change_pct: -100.0,
                    baseline: SpendBaseline::PreviousQuarter
                },
            ]
        );
        assert_eq!(row(3), None, "a prospect has nothing to predict");
        assert_eq!((p.scored, p.bands), (3, [1, 0, 2]));
    }

    #[test]
    fn a_second_prediction_replaces_the_first() {
        let ds = tiny();
        let mut report = analyze(&ds, &Settings::default());
        let first = predict(&ds, &mut report, &PredictSettings::default());
        let rows = report.customers.clone();
        let second = predict(&ds, &mut report, &PredictSettings::default());
        assert_eq!(first, second);
        assert_eq!(rows, report.customers);
    }

    #[test]
    fn scored_figures_serve_later_reports_of_the_same_date_and_customers() {
        let mut ds = tiny();
        ds.customers[0].region = "North".into();
        ds.customers[2].region = "North".into();
        let defaults = PredictSettings::default();
        let report = analyze(&ds, &Settings::default());
        let scored = score(&ds, &report, &defaults);

        // Quarters and a shorter window change tiers and scores but not the predictions.
        let other = Settings {
            period: crate::engine::period::PeriodKind::Quarter,
            window_months: 6,
            ..Settings::default()
        };
        let mut reused = analyze(&ds, &other);
        assert!(scored.fits(&reused, &defaults));
        let from_cache = scored.apply(&mut reused);
        let mut fresh = analyze(&ds, &other);
        assert_eq!(from_cache, predict(&ds, &mut fresh, &defaults));
        assert_eq!(reused.customers, fresh.customers);
        assert!(reused.customers[0].prediction.is_some());

        // Another date, other customers or other model settings need a new fit.
        let earlier = Settings {
            as_of: Some(AS_OF - 30),
            ..Settings::default()
        };
        assert!(!scored.fits(&analyze(&ds, &earlier), &defaults));
        let mut north = Settings::default();
        north.filter.regions = vec!["North".into()];
        let north = analyze(&ds, &north);
        assert_eq!(north.customers.len(), 2);
        assert!(!scored.fits(&north, &defaults));
        let shorter = PredictSettings {
            clv_months: 6,
            ..PredictSettings::default()
        };
        assert!(!scored.fits(&report, &shorter));
    }

    #[test]
    fn clv_deciles_split_best_first_with_the_remainder_in_front() {
        // 12 customers: CLV 1..=12. Groups of 2, 2, then eight of 1, best first.
        let mut clvs: Vec<f64> = (1..=12).map(f64::from).collect();
        let d = clv_deciles(&mut clvs);
        assert_eq!(d.len(), 10);
        assert_eq!(
            d.iter().map(|g| g.customers).collect::<Vec<_>>(),
            [2, 2, 1, 1, 1, 1, 1, 1, 1, 1]
        );
        assert_eq!((d[0].max, d[0].min, d[0].total), (12.0, 11.0, 23.0));
        assert_eq!((d[1].max, d[1].min, d[1].total), (10.0, 9.0, 19.0));
        assert_eq!((d[9].max, d[9].total), (1.0, 1.0));
        // Sum 78: the best group holds 23/78.
        assert!((d[0].share - 23.0 / 78.0).abs() < 1e-15);
        assert!((d.iter().map(|g| g.share).sum::<f64>() - 1.0).abs() < 1e-12);
        assert_eq!(clv_deciles(&mut [5.0, 3.0]).len(), 2);
        assert!(clv_deciles(&mut []).is_empty());
    }
}

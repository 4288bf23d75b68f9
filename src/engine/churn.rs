//! Churn-risk score (流失预警分): 0-100 per customer, Low / Medium / High, with its reasons.
//!
//! Seeds 000 and 001 ask for a weekly early-warning list built from order intervals and
//! complaints; the score combines four pieces of evidence, each scaled to 0..1:
//! - how overdue the customer is against their own usual interval (median gap between
//!   purchase days; for one-time buyers, the median of all repeat buyers' usual intervals):
//!   0 up to one interval (at least 7 days) since the last order, rising linearly to 1 at
//!   three, weight 0.40;
//! - 1 − P(alive) from the BG/NBD model (see `clv`), weight 0.30 (less than the direct
//!   evidence: where few customers drop out the fit puts b very high and P(alive) stays
//!   optimistic even after a long silence);
//! - the spend trend: net amount in the last 91 days against the 91 days before (or, when
//!   that quarter had none, against the average quarter of the 364 days before it, so a
//!   customer who went quiet earlier still shows the fall), a fall of d% scoring d/100
//!   (rises score 0), weight 0.20;
//! - complaints (interactions of kind Complaint) in the last 180 days, 3 or more scoring 1,
//!   weight 0.10.
//!
//! Evidence that does not exist for the whole dataset (no P(alive) because the model could
//! not be fitted, no interactions table) drops out and the other weights are scaled up to
//! sum to 1; evidence missing for one customer (no spend in the year before this quarter)
//! counts 0.
//! Bands: Low below 25, Medium from 25, High from 50. The formula is TierLens's own,
//! documented in `docs/methods.md`; the reasons are data, rendered by [`ChurnReason::text`].

use crate::engine::i18n::Lang;
use crate::engine::model::{CustomerId, Dataset, Day, InteractionKind};
use serde::{Deserialize, Serialize};

pub const WEIGHT_OVERDUE: f64 = 0.40;
pub const WEIGHT_P_DEAD: f64 = 0.30;
pub const WEIGHT_SPEND: f64 = 0.20;
pub const WEIGHT_COMPLAINTS: f64 = 0.10;
/// The two windows compared for the spend trend ("this quarter" and "the previous one").
pub const TREND_WINDOW_DAYS: Day = 91;
/// The fallback baseline: four quarters before the previous one.
pub const BASELINE_QUARTERS: i32 = 4;
pub const COMPLAINT_WINDOW_DAYS: Day = 180;
/// Shorter usual intervals count as this long for the overdue evidence.
pub const MIN_INTERVAL_DAYS: f64 = 7.0;
/// Complaints at which that evidence is full.
pub const COMPLAINTS_FULL: u32 = 3;
pub const MEDIUM_FROM: f64 = 25.0;
pub const HIGH_FROM: f64 = 50.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RiskBand {
    Low,
    Medium,
    High,
}

impl RiskBand {
    pub fn of(score: f64) -> RiskBand {
        if score >= HIGH_FROM {
            RiskBand::High
        } else if score >= MEDIUM_FROM {
            RiskBand::Medium
        } else {
            RiskBand::Low
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RiskBand::Low => "low",
            RiskBand::Medium => "medium",
            RiskBand::High => "high",
        }
    }

    pub fn text(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (RiskBand::Low, Lang::En) => "Low",
            (RiskBand::Medium, Lang::En) => "Medium",
            (RiskBand::High, Lang::En) => "High",
            (RiskBand::Low, Lang::Zh) => "低",
            (RiskBand::Medium, Lang::Zh) => "中",
            (RiskBand::High, Lang::Zh) => "高",
        }
    }
}

/// What this quarter's spend is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpendBaseline {
    /// The 91 days before this quarter.
    PreviousQuarter,
    /// The average quarter of the 364 days before that (the previous quarter had no spend).
    YearBefore,
}

/// One piece of evidence behind a score, with its numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChurnReason {
    /// The BG/NBD model gives at most even odds that the customer still buys.
    LikelyLost {
        p_alive: f64,
    },
    Overdue {
        days_overdue: i32,
        usual_interval_days: f64,
    },
    /// A one-time buyer, compared with how often repeat buyers reorder.
    NoRepeatOrder {
        days_since: i32,
        typical_interval_days: f64,
    },
    /// Net spend in the last 91 days against the baseline, in percent (negative).
    SpendDown {
        change_pct: f64,
        baseline: SpendBaseline,
    },
    Complaints {
        count: u32,
        window_days: i32,
    },
}

impl ChurnReason {
    pub fn text(&self, lang: Lang) -> String {
        match (self, lang) {
            (ChurnReason::LikelyLost { p_alive }, Lang::En) => {
                format!(
                    "only a {:.0}% chance the customer is still active",
                    p_alive * 100.0
                )
            }
            (ChurnReason::LikelyLost { p_alive }, Lang::Zh) => {
                format!("仍活跃的概率仅 {:.0}%", p_alive * 100.0)
            }
            (
                ChurnReason::Overdue {
                    days_overdue,
                    usual_interval_days,
                },
                Lang::En,
            ) => format!(
                "{days_overdue} days overdue against a usual {usual_interval_days:.0}-day cycle"
            ),
            (
                ChurnReason::Overdue {
                    days_overdue,
                    usual_interval_days,
                },
                Lang::Zh,
            ) => format!("已超出惯常 {usual_interval_days:.0} 天的下单周期 {days_overdue} 天"),
            (
                ChurnReason::NoRepeatOrder {
                    days_since,
                    typical_interval_days,
                },
                Lang::En,
            ) => format!(
                "one order only, {days_since} days ago; repeat customers usually reorder every {typical_interval_days:.0} days"
            ),
            (
                ChurnReason::NoRepeatOrder {
                    days_since,
                    typical_interval_days,
                },
                Lang::Zh,
            ) => format!(
                "仅下过一单，距今 {days_since} 天；复购客户通常每 {typical_interval_days:.0} 天下单"
            ),
            (
                ChurnReason::SpendDown {
                    change_pct,
                    baseline,
                },
                Lang::En,
            ) => {
                let against = match baseline {
                    SpendBaseline::PreviousQuarter => "the previous quarter",
                    SpendBaseline::YearBefore => "an average quarter of the year before",
                };
                format!("spend {change_pct:.0}% against {against}").replace('-', "−")
            }
            (
                ChurnReason::SpendDown {
                    change_pct,
                    baseline,
                },
                Lang::Zh,
            ) => {
                let against = match baseline {
                    SpendBaseline::PreviousQuarter => "上一季度",
                    SpendBaseline::YearBefore => "此前一年的季度平均",
                };
                format!("消费额较{against}下降 {:.0}%", -change_pct)
            }
            (ChurnReason::Complaints { count, window_days }, Lang::En) => {
                let s = if *count == 1 { "" } else { "s" };
                format!("{count} complaint{s} in the last {window_days} days")
            }
            (ChurnReason::Complaints { count, window_days }, Lang::Zh) => {
                format!("近 {window_days} 天投诉 {count} 次")
            }
        }
    }
}

/// All reasons in one sentence, strongest first.
pub fn reasons_text(reasons: &[ChurnReason], lang: Lang) -> String {
    let sep = match lang {
        Lang::En => "; ",
        Lang::Zh => "；",
    };
    reasons
        .iter()
        .map(|r| r.text(lang))
        .collect::<Vec<_>>()
        .join(sep)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChurnRisk {
    pub customer: CustomerId,
    /// 0 (no sign of churn) to 100.
    pub score: f64,
    pub band: RiskBand,
    pub p_alive: Option<f64>,
    pub last_order_day: Day,
    pub days_since_last_order: i32,
    /// Median gap between the customer's purchase days; `None` for one-time buyers.
    pub usual_interval_days: Option<f64>,
    /// Net spend change of the last 91 days against `spend_baseline`, in percent.
    pub spend_change_pct: Option<f64>,
    pub spend_baseline: Option<SpendBaseline>,
    pub complaints: u32,
    /// Strongest first.
    pub reasons: Vec<ChurnReason>,
}

/// Scores every customer with an order on or before `as_of`, highest risk first.
/// `p_alive` is indexed by customer id (see `ClvReport::p_alive_by_customer`); pass an
/// empty slice when there is no model.
pub fn assess(ds: &Dataset, as_of: Day, p_alive: &[Option<f64>]) -> Vec<ChurnRisk> {
    struct Facts {
        customer: CustomerId,
        last: Day,
        usual: Option<f64>,
        recent: f64,
        previous: f64,
        year_before: f64,
        complaints: u32,
    }
    let complaints = complaints_by_customer(ds, as_of);
    let mut facts = Vec::new();
    let mut gaps = Vec::new();
    for c in 0..ds.customers.len() as CustomerId {
        let range = ds.orders_of(c);
        gaps.clear();
        let (mut last, mut recent, mut previous, mut year_before) = (None::<Day>, 0.0, 0.0, 0.0);
        for i in range {
            let (day, amount) = (ds.orders.day[i], ds.orders.amount[i]);
            if day > as_of {
                break;
            }
            if let Some(prev) = last.filter(|&p| p != day) {
                gaps.push(day - prev);
            }
            last = Some(day);
            let age = as_of - day;
            if age < TREND_WINDOW_DAYS {
                recent += amount;
            } else if age < 2 * TREND_WINDOW_DAYS {
                previous += amount;
            } else if age < (2 + BASELINE_QUARTERS) * TREND_WINDOW_DAYS {
                year_before += amount;
            }
        }
        let Some(last) = last else { continue };
        facts.push(Facts {
            customer: c,
            last,
            usual: median(&mut gaps),
            recent,
            previous,
            year_before,
            complaints: complaints.get(c as usize).copied().unwrap_or(0),
        });
    }
    let mut usuals: Vec<f64> = facts.iter().filter_map(|f| f.usual).collect();
    let typical = median_f64(&mut usuals);
    let has_model = p_alive.iter().any(Option::is_some);
    let has_interactions = !ds.interactions.is_empty();
    let total_weight = WEIGHT_OVERDUE
        + WEIGHT_SPEND
        + if has_model { WEIGHT_P_DEAD } else { 0.0 }
        + if has_interactions {
            WEIGHT_COMPLAINTS
        } else {
            0.0
        };
    let mut risks: Vec<ChurnRisk> = facts
        .iter()
        .map(|f| {
            let since = as_of - f.last;
            let alive = p_alive.get(f.customer as usize).copied().flatten();
            // (weighted evidence, reason) pairs.
            let mut parts: Vec<(f64, Option<ChurnReason>)> = Vec::new();
            if let Some(p) = alive.filter(|_| has_model) {
                let reason = (p <= 0.5).then_some(ChurnReason::LikelyLost { p_alive: p });
                parts.push((WEIGHT_P_DEAD * (1.0 - p), reason));
            }
            if let Some(interval) = f.usual.or(typical) {
                // A customer who orders every few days is not at risk after one quiet week.
                let interval_floor = interval.max(MIN_INTERVAL_DAYS);
                let evidence =
                    ((since as f64 - interval_floor) / (2.0 * interval_floor)).clamp(0.0, 1.0);
                let reason = (evidence > 0.0).then(|| match f.usual {
                    Some(usual) => ChurnReason::Overdue {
                        days_overdue: since - usual.round() as i32,
                        usual_interval_days: usual,
                    },
                    None => ChurnReason::NoRepeatOrder {
                        days_since: since,
                        typical_interval_days: interval,
                    },
                });
                parts.push((WEIGHT_OVERDUE * evidence, reason));
            }
            let baseline = if f.previous > 0.0 {
                Some((f.previous, SpendBaseline::PreviousQuarter))
            } else {
                let quarter = f.year_before / BASELINE_QUARTERS as f64;
                (quarter > 0.0).then_some((quarter, SpendBaseline::YearBefore))
            };
            let change = baseline.map(|(base, _)| (f.recent - base) / base * 100.0);
            if let Some(pct) = change {
                let evidence = (-pct / 100.0).clamp(0.0, 1.0);
                let reason = (pct <= -20.0).then(|| ChurnReason::SpendDown {
                    change_pct: pct,
                    baseline: baseline.expect("a change has a baseline").1,
                });
                parts.push((WEIGHT_SPEND * evidence, reason));
            }
            if has_interactions {
                let evidence = f.complaints.min(COMPLAINTS_FULL) as f64 / COMPLAINTS_FULL as f64;
                let reason = (f.complaints > 0).then_some(ChurnReason::Complaints {
                    count: f.complaints,
                    window_days: COMPLAINT_WINDOW_DAYS,
                });
                parts.push((WEIGHT_COMPLAINTS * evidence, reason));
            }
            let score = 100.0 * parts.iter().map(|p| p.0).sum::<f64>() / total_weight;
            parts.sort_by(|a, b| b.0.total_cmp(&a.0));
            ChurnRisk {
                customer: f.customer,
                score,
                band: RiskBand::of(score),
                p_alive: alive,
                last_order_day: f.last,
                days_since_last_order: since,
                usual_interval_days: f.usual,
                spend_change_pct: change,
                spend_baseline: baseline.map(|b| b.1),
                complaints: f.complaints,
                reasons: parts.into_iter().filter_map(|p| p.1).collect(),
            }
        })
        .collect();
    risks.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.customer.cmp(&b.customer))
    });
    risks
}

/// Complaints per customer in (as_of − 180 days, as_of].
fn complaints_by_customer(ds: &Dataset, as_of: Day) -> Vec<u32> {
    let mut counts = vec![0u32; ds.customers.len()];
    for i in &ds.interactions {
        let recent = i.day <= as_of && as_of - i.day < COMPLAINT_WINDOW_DAYS;
        if i.kind == InteractionKind::Complaint
            && recent
            && let Some(c) = counts.get_mut(i.customer as usize)
        {
            *c += 1;
        }
    }
    counts
}

fn median(gaps: &mut [Day]) -> Option<f64> {
    gaps.sort_unstable();
    let n = gaps.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(gaps[n / 2] as f64),
        _ => Some((gaps[n / 2 - 1] + gaps[n / 2]) as f64 / 2.0),
    }
}

fn median_f64(values: &mut [f64]) -> Option<f64> {
    values.sort_unstable_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some((values[n / 2 - 1] + values[n / 2]) / 2.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::{DatasetBuilder, Interaction};

    const AS_OF: Day = 20_000;

    /// A: ordered every 14 days, the last 52 days ago, spend 1,000 in the previous quarter and
    /// 550 in this one, two recent complaints and an old one. B: steady, ordered 3 days ago.
    /// C: one order, 100 days ago.
    fn dataset(with_interactions: bool) -> Dataset {
        let mut b = DatasetBuilder::new();
        let a = b.intern("A");
        let steady = b.intern("B");
        let one = b.intern("C");
        // A: previous quarter (91..182 days ago): 4 orders of 250 at 150, 136, 122, 108 days.
        for d in [150, 136, 122, 108] {
            b.order(a, AS_OF - d, 250.0, None);
        }
        // This quarter: 3 orders, 550 in all.
        b.order(a, AS_OF - 80, 200.0, None);
        b.order(a, AS_OF - 66, 200.0, None);
        b.order(a, AS_OF - 52, 150.0, None);
        for d in (3..=360).step_by(30) {
            b.order(steady, AS_OF - d, 100.0, None);
        }
        b.order(one, AS_OF - 100, 80.0, None);
        b.order(one, AS_OF + 5, 80.0, None); // after the as-of date: ignored
        if with_interactions {
            for d in [10, 40, 400] {
                b.interaction(Interaction {
                    customer: a,
                    day: AS_OF - d,
                    kind: InteractionKind::Complaint,
                    score: None,
                });
            }
            b.interaction(Interaction {
                customer: steady,
                day: AS_OF - 5,
                kind: InteractionKind::Visit,
                score: None,
            });
        }
        b.build()
    }

    #[test]
    fn score_components_by_hand() {
        let ds = dataset(true);
        let risks = assess(&ds, AS_OF, &[Some(0.3), Some(0.98), Some(1.0)]);
        let a = risks.iter().find(|r| r.customer == 0).unwrap();
        assert_eq!(a.days_since_last_order, 52);
        assert_eq!(a.usual_interval_days, Some(14.0));
        // Spend 550 against 1,000: −45%.
        assert!((a.spend_change_pct.unwrap() + 45.0).abs() < 1e-12);
        assert_eq!(a.complaints, 2);
        // 0.40·min(1, (52 − 14)/28) + 0.30·0.7 + 0.20·0.45 + 0.10·2/3, all weights present.
        let want = 100.0 * (0.40 * 1.0 + 0.30 * 0.7 + 0.20 * 0.45 + 0.10 * 2.0 / 3.0);
        assert!((a.score - want).abs() < 1e-12, "{} vs {want}", a.score);
        assert_eq!(a.band, RiskBand::High);
        assert_eq!(
            reasons_text(&a.reasons, Lang::En),
            "38 days overdue against a usual 14-day cycle; only a 30% chance the customer is still active; \
             spend −45% against the previous quarter; 2 complaints in the last 180 days"
        );
        assert_eq!(
            reasons_text(&a.reasons, Lang::Zh),
            "已超出惯常 14 天的下单周期 38 天；仍活跃的概率仅 30%；消费额较上一季度下降 45%；近 180 天投诉 2 次"
        );
        // The steady customer: not overdue (3 days against 30), spend flat, no complaints.
        let b = risks.iter().find(|r| r.customer == 1).unwrap();
        assert!((b.score - 100.0 * 0.30 * 0.02).abs() < 1e-12);
        assert_eq!((b.band, b.reasons.len()), (RiskBand::Low, 0));
        assert_eq!(risks[0].customer, 0, "highest risk first");
    }

    #[test]
    fn one_time_buyer_is_measured_against_the_typical_interval() {
        let ds = dataset(true);
        let risks = assess(&ds, AS_OF, &[Some(0.3), Some(0.98), Some(1.0)]);
        let c = risks.iter().find(|r| r.customer == 2).unwrap();
        // Usual intervals: A 14, B 30 -> typical 22; 100 days since: (100 − 22)/44 -> 1.
        // P(alive) = 1 (one-time buyers are alive by the model's assumption); the order
        // 100 days ago is the previous quarter's spend, nothing this quarter: −100%.
        assert!((c.score - 100.0 * (0.40 + 0.20)).abs() < 1e-12);
        assert_eq!(c.band, RiskBand::High);
        assert_eq!(
            reasons_text(&c.reasons, Lang::En),
            "one order only, 100 days ago; repeat customers usually reorder every 22 days; \
             spend −100% against the previous quarter"
        );
    }

    #[test]
    fn missing_evidence_for_everyone_reweights_the_rest() {
        // No model and no interactions: overdue and spend share the whole scale.
        let ds = dataset(false);
        let risks = assess(&ds, AS_OF, &[]);
        let a = risks.iter().find(|r| r.customer == 0).unwrap();
        let want = 100.0 * (0.40 * 1.0 + 0.20 * 0.45) / 0.60;
        assert!((a.score - want).abs() < 1e-12);
        assert_eq!(a.p_alive, None);
        assert_eq!(a.reasons.len(), 2);
    }

    #[test]
    fn a_customer_quiet_for_two_quarters_is_compared_with_the_year_before() {
        // Orders of 400 at 200, 250, 300 and 350 days ago: nothing in this or the previous
        // quarter, 1,600 over the four quarters before -> an average quarter of 400, −100%.
        let mut b = DatasetBuilder::new();
        let c = b.intern("Q");
        for d in [200, 250, 300, 350] {
            b.order(c, AS_OF - d, 400.0, None);
        }
        let r = &assess(&b.build(), AS_OF, &[])[0];
        assert_eq!(r.spend_change_pct, Some(-100.0));
        assert_eq!(r.spend_baseline, Some(SpendBaseline::YearBefore));
        assert_eq!(
            reasons_text(&r.reasons, Lang::En),
            "150 days overdue against a usual 50-day cycle; spend −100% against an average quarter of the year before"
        );
        assert_eq!(
            reasons_text(&r.reasons, Lang::Zh),
            "已超出惯常 50 天的下单周期 150 天；消费额较此前一年的季度平均下降 100%"
        );
    }

    #[test]
    fn bands_by_threshold() {
        assert_eq!(RiskBand::of(24.99), RiskBand::Low);
        assert_eq!(RiskBand::of(25.0), RiskBand::Medium);
        assert_eq!(RiskBand::of(49.99), RiskBand::Medium);
        assert_eq!(RiskBand::of(50.0), RiskBand::High);
        assert_eq!(RiskBand::High.text(Lang::Zh), "高");
    }
}

//! The loyalty score and the loyalty x value layers (seed 000).
//!
//! Seed 000 measures loyalty by repurchase behaviour, a stable order cycle, feedback and
//! recommendation (NPS) and complaints. TierLens turns each into 0-100 over the trailing window
//! (12 months by default):
//! - frequency: orders per active month, percentile rank among buyers;
//! - coverage: share of the window's months (since the first order) with an order, x100;
//! - regularity: 100 x (1 - coefficient of variation of the days between orders), clamped to
//!   0-100 (needs three order days);
//! - tenure: years known / `tenure_full_years`, capped at 100;
//! - NPS: the customer table's NPS (0-100), else the mean NPS response (0-10, x10);
//! - complaints: 100 x (1 - complaints in the window / `complaint_cap`), when interactions exist.
//!
//! Missing criteria are left out and the weights renormalised, as for the value score. The
//! layers put loyalty and value on a 3 x 3 grid (low / mid / high) and read seed 000's A (high
//! loyalty, high value), B (middle) and C (low) layers off it. See docs/methods.md, "Loyalty".

use super::i18n::Lang;
use super::model::{Day, InteractionKind};
use super::period::month_start;
use super::rank::percentile_ranks;
use super::scan::{Context, CustomerFacts, Scan};
use super::value::{Breakdown, Grade, LeftOut, tenth, weighted, weights_used};
use serde::{Deserialize, Serialize};
use smallvec::SmallVec;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LoyaltyCriterion {
    Frequency,
    Coverage,
    Regularity,
    Tenure,
    Nps,
    Complaints,
}

impl LoyaltyCriterion {
    pub const ALL: [LoyaltyCriterion; 6] = [
        LoyaltyCriterion::Frequency,
        LoyaltyCriterion::Coverage,
        LoyaltyCriterion::Regularity,
        LoyaltyCriterion::Tenure,
        LoyaltyCriterion::Nps,
        LoyaltyCriterion::Complaints,
    ];

    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (LoyaltyCriterion::Frequency, Lang::Zh) => "复购频次",
            (LoyaltyCriterion::Coverage, Lang::Zh) => "有单月份占比",
            (LoyaltyCriterion::Regularity, Lang::Zh) => "下单规律性",
            (LoyaltyCriterion::Tenure, Lang::Zh) => "合作年限",
            (LoyaltyCriterion::Nps, Lang::Zh) => "推荐意愿(NPS)",
            (LoyaltyCriterion::Complaints, Lang::Zh) => "投诉",
            (LoyaltyCriterion::Frequency, Lang::En) => "orders per active month",
            (LoyaltyCriterion::Coverage, Lang::En) => "months with an order",
            (LoyaltyCriterion::Regularity, Lang::En) => "regular ordering",
            (LoyaltyCriterion::Tenure, Lang::En) => "tenure",
            (LoyaltyCriterion::Nps, Lang::En) => "NPS",
            (LoyaltyCriterion::Complaints, Lang::En) => "complaints",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LoyaltyWeights {
    pub frequency: f64,
    pub coverage: f64,
    pub regularity: f64,
    pub tenure: f64,
    pub nps: f64,
    pub complaints: f64,
}

impl Default for LoyaltyWeights {
    /// Repurchase (frequency + coverage) 40, regularity 20, tenure 20, NPS 10, complaints 10.
    fn default() -> Self {
        LoyaltyWeights {
            frequency: 20.0,
            coverage: 20.0,
            regularity: 20.0,
            tenure: 20.0,
            nps: 10.0,
            complaints: 10.0,
        }
    }
}

impl LoyaltyWeights {
    pub fn of(&self, c: LoyaltyCriterion) -> f64 {
        match c {
            LoyaltyCriterion::Frequency => self.frequency,
            LoyaltyCriterion::Coverage => self.coverage,
            LoyaltyCriterion::Regularity => self.regularity,
            LoyaltyCriterion::Tenure => self.tenure,
            LoyaltyCriterion::Nps => self.nps,
            LoyaltyCriterion::Complaints => self.complaints,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LoyaltySettings {
    pub weights: LoyaltyWeights,
    /// Tenure scores 100 from this many years on.
    pub tenure_full_years: f64,
    /// Complaints in the window that bring the complaints criterion to 0.
    pub complaint_cap: f64,
    /// Lower bounds of the Excellent, Good and Fair grades.
    pub grade_cutoffs: [f64; 3],
    /// Loyalty and value scores below the first bound are low, from the second on high.
    pub layer_cutoffs: [f64; 2],
}

impl Default for LoyaltySettings {
    fn default() -> Self {
        LoyaltySettings {
            weights: LoyaltyWeights::default(),
            tenure_full_years: 3.0,
            complaint_cap: 3.0,
            grade_cutoffs: [80.0, 60.0, 40.0],
            layer_cutoffs: [40.0, 70.0],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoyaltyScore {
    pub score: f64,
    pub grade: Grade,
    pub criteria: Breakdown<LoyaltyCriterion>,
    pub left_out: LeftOut<LoyaltyCriterion>,
}

const DAYS_PER_YEAR: f64 = 365.25;

/// Orders per month with an order, in the window (0 without any).
fn orders_per_active_month(f: &CustomerFacts) -> f64 {
    if f.window_active_months > 0 {
        f64::from(f.window_orders) / f64::from(f.window_active_months)
    } else {
        0.0
    }
}

/// Every row's loyalty score, in row order (`None` for customers without orders).
pub fn score<'a>(
    ctx: &'a Context,
    scan: &'a Scan,
    settings: &'a LoyaltySettings,
) -> impl Iterator<Item = Option<LoyaltyScore>> + 'a {
    let ds = ctx.ds;
    let cal = &ctx.calendar;
    let cur_month = cal.months() as i32 - 1;
    let window_first = cur_month - ctx.window_months as i32 + 1;
    let window_start: Day = month_start(cal.first_month + window_first);
    let rows = scan.facts.len();
    let per_active_month: Vec<f64> = scan
        .facts
        .iter()
        .filter(|f| f.has_orders())
        .map(orders_per_active_month)
        .collect();
    let mut frequency_pct = percentile_ranks(&per_active_month).into_iter();
    let have_interactions = !ds.interactions.is_empty();
    let w = settings.weights;
    (0..rows).map(move |row| {
        let f = &scan.facts[row];
        if !f.has_orders() {
            return None;
        }
        let c = ctx.rows[row];
        let customer = ctx.customer(row);
        let mut parts: SmallVec<[_; 6]> = SmallVec::new();
        let freq_raw = orders_per_active_month(f);
        parts.push((
            LoyaltyCriterion::Frequency,
            freq_raw,
            frequency_pct.next().expect("one per buyer"),
            w.frequency,
        ));

        let first_month = cal.month_of(f.first) as i32;
        let months_known = cur_month - first_month.max(window_first) + 1;
        let coverage = f64::from(f.window_active_months) / f64::from(months_known.max(1));
        parts.push((
            LoyaltyCriterion::Coverage,
            coverage,
            100.0 * coverage,
            w.coverage,
        ));

        if let Some(cv) = f.gap_cv {
            parts.push((
                LoyaltyCriterion::Regularity,
                cv,
                100.0 * (1.0 - cv).clamp(0.0, 1.0),
                w.regularity,
            ));
        }

        let known = f.known_from.expect("buyers are known");
        let years = f64::from(ctx.as_of - known) / DAYS_PER_YEAR;
        let tenure = 100.0 * (years / settings.tenure_full_years.max(f64::EPSILON)).min(1.0);
        parts.push((LoyaltyCriterion::Tenure, years, tenure, w.tenure));

        let interactions = interactions_of(ds, c, ctx.as_of);
        let nps = customer.nps.or_else(|| {
            let responses: Vec<f64> = interactions
                .iter()
                .filter(|i| i.kind == InteractionKind::Nps)
                .filter_map(|i| i.score)
                .map(|s| if s <= 10.0 { s * 10.0 } else { s })
                .collect();
            (!responses.is_empty()).then(|| responses.iter().sum::<f64>() / responses.len() as f64)
        });
        if let Some(nps) = nps {
            parts.push((LoyaltyCriterion::Nps, nps, nps.clamp(0.0, 100.0), w.nps));
        }
        if have_interactions {
            let complaints = interactions
                .iter()
                .filter(|i| i.kind == InteractionKind::Complaint && i.day >= window_start)
                .count() as f64;
            let s = 100.0 * (1.0 - complaints / settings.complaint_cap.max(f64::EPSILON)).max(0.0);
            parts.push((LoyaltyCriterion::Complaints, complaints, s, w.complaints));
        }

        let left_out = [
            LoyaltyCriterion::Regularity,
            LoyaltyCriterion::Nps,
            LoyaltyCriterion::Complaints,
        ]
        .into_iter()
        .filter(|c| !parts.iter().any(|p| p.0 == *c))
        .collect();
        let (score, criteria) = weighted(&parts).expect("frequency is always present");
        Some(LoyaltyScore {
            score,
            grade: Grade::of(score, settings.grade_cutoffs),
            criteria,
            left_out,
        })
    })
}

/// A customer's interactions before the as-of date (they are sorted by customer and day).
fn interactions_of(ds: &super::model::Dataset, c: u32, as_of: Day) -> &[super::model::Interaction] {
    let all = &ds.interactions;
    let start = all.partition_point(|i| i.customer < c);
    let end = start + all[start..].partition_point(|i| i.customer == c && i.day < as_of);
    &all[start..end]
}

/// What the value & loyalty page shows of the loyalty scores, as `ValueSummary` does for value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LoyaltySummary {
    /// The weights the scores use for the criteria not missing for everyone, summing to 1.
    pub weights_used: Vec<(LoyaltyCriterion, f64)>,
    /// Criteria no scored customer has data for (e.g. NPS without a customer table).
    pub left_out_for_all: Vec<LoyaltyCriterion>,
    /// Criteria some, but not all, scored customers lack, with how many lack each.
    pub left_out_for_some: Vec<(LoyaltyCriterion, u32)>,
    pub scored: u32,
    /// Customers per grade, Excellent first.
    pub grades: [u32; 4],
    /// Customers per tenth of 0-100 (see `value::tenth`).
    pub tenths: [u32; 10],
}

/// Collects the summary while the report rows are built.
#[derive(Debug, Clone, Default)]
pub struct LoyaltyTally {
    scored: u32,
    grades: [u32; 4],
    tenths: [u32; 10],
    left_out: [u32; 6],
}

impl LoyaltyTally {
    pub fn add(&mut self, s: &LoyaltyScore) {
        self.scored += 1;
        self.grades[s.grade as usize] += 1;
        self.tenths[tenth(s.score)] += 1;
        for &c in &s.left_out {
            self.left_out[c as usize] += 1;
        }
    }

    pub fn finish(self, settings: &LoyaltySettings) -> LoyaltySummary {
        let weights: Vec<_> = LoyaltyCriterion::ALL
            .iter()
            .map(|&c| (c, settings.weights.of(c)))
            .collect();
        let left_out_for_all: Vec<_> = LoyaltyCriterion::ALL
            .iter()
            .copied()
            .filter(|&c| self.scored > 0 && self.left_out[c as usize] == self.scored)
            .collect();
        LoyaltySummary {
            weights_used: weights_used(&weights, &left_out_for_all),
            left_out_for_some: LoyaltyCriterion::ALL
                .iter()
                .map(|&c| (c, self.left_out[c as usize]))
                .filter(|&(_, n)| n > 0 && n < self.scored)
                .collect(),
            left_out_for_all,
            scored: self.scored,
            grades: self.grades,
            tenths: self.tenths,
        }
    }
}

/// Seed 000's loyalty x value layers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Layer {
    /// High loyalty and high value (or one high, the other middle): look after them personally.
    A,
    /// The middle: standard service, incentives to move up.
    B,
    /// Low on both (or low on one, middle on the other): serve efficiently, watch for churn.
    C,
}

impl Layer {
    pub fn strategy(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Layer::A, Lang::Zh) => "重点维护：专属对接、定制方案、共同开发新机会",
            (Layer::B, Lang::Zh) => "标准服务加激励：提升体验，推动向A层升级",
            (Layer::C, Lang::Zh) => "低成本自动化跟进：关注流失信号，定期评估投入",
            (Layer::A, Lang::En) => {
                "Look after personally: a dedicated contact, tailored offers, joint projects"
            }
            (Layer::B, Lang::En) => {
                "Standard service plus incentives: improve the experience, move them up to A"
            }
            (Layer::C, Lang::En) => {
                "Low-cost, automated follow-up: watch for churn signals, review the effort"
            }
        }
    }
}

/// 0 low, 1 middle, 2 high.
pub fn level(score: f64, cutoffs: [f64; 2]) -> usize {
    if score >= cutoffs[1] {
        2
    } else if score >= cutoffs[0] {
        1
    } else {
        0
    }
}

/// A when the two levels add up to 3 or more, B at 2, C below.
pub fn layer(loyalty: f64, value: f64, cutoffs: [f64; 2]) -> Layer {
    layer_of_levels(level(loyalty, cutoffs), level(value, cutoffs))
}

/// The layer of a cell of the 3 x 3 grid (levels 0 low, 1 middle, 2 high).
pub fn layer_of_levels(loyalty: usize, value: usize) -> Layer {
    match loyalty + value {
        3.. => Layer::A,
        2 => Layer::B,
        _ => Layer::C,
    }
}

/// Customers per cell of the 3 x 3 grid and per layer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LayerGrid {
    /// `cells[loyalty level][value level]`, levels 0 low, 1 middle, 2 high.
    pub cells: [[u32; 3]; 3],
    /// Customers in layers A, B and C.
    pub layers: [u32; 3],
}

impl LayerGrid {
    pub fn add(&mut self, loyalty: f64, value: f64, cutoffs: [f64; 2]) {
        self.cells[level(loyalty, cutoffs)][level(value, cutoffs)] += 1;
        self.layers[layer(loyalty, value, cutoffs) as usize] += 1;
    }
}

pub fn grid(pairs: impl Iterator<Item = (f64, f64)>, cutoffs: [f64; 2]) -> LayerGrid {
    let mut g = LayerGrid::default();
    pairs.for_each(|(l, v)| g.add(l, v, cutoffs));
    g
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::{Customer, DatasetBuilder, Interaction, day_from_ymd};
    use crate::engine::period::PeriodKind;
    use crate::engine::scan::scan;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn layers_from_the_grid() {
        let c = [40.0, 70.0];
        assert_eq!(layer(90.0, 75.0, c), Layer::A);
        assert_eq!(layer(90.0, 50.0, c), Layer::A);
        assert_eq!(layer(50.0, 50.0, c), Layer::B);
        assert_eq!(layer(95.0, 10.0, c), Layer::B);
        assert_eq!(layer(50.0, 39.9, c), Layer::C);
        assert_eq!(layer(0.0, 0.0, c), Layer::C);
        let g = grid([(90.0, 75.0), (50.0, 50.0), (10.0, 80.0)].into_iter(), c);
        assert_eq!(g.cells[2][2], 1);
        assert_eq!(g.cells[0][2], 1);
        assert_eq!(g.layers, [1, 2, 0]);
        // Row by row (loyalty low to high, value low to high): A where the levels add to 3+.
        let cells: Vec<Layer> = (0..3)
            .flat_map(|l| (0..3).map(move |v| layer_of_levels(l, v)))
            .collect();
        use Layer::{A, B, C};
        assert_eq!(cells, [C, C, B, C, B, A, B, A, A]);
    }

    #[test]
    fn loyalty_scores_by_hand() {
        let d = |y, m, day| day_from_ymd(y, m, day).unwrap();
        let mut b = DatasetBuilder::new();
        let x = b.customer(Customer {
            key: "X".into(),
            first_cooperation: Some(d(2022, 1, 1)),
            nps: Some(60.0),
            ..Customer::default()
        });
        let y = b.intern("Y");
        // X: every 30 days on the 1st of Jul..Dec 2024 would not be a fixed gap, so use day
        // numbers: 2024-07-01 + 0, 30, 60, 90 -> gaps 30, 30, 30: cv 0. Months Jul, Jul(31st),
        // Aug, Sep: 07-01, 07-31, 08-30, 09-29 -> 3 active months, 4 orders.
        let start = d(2024, 7, 1);
        for k in 0..4 {
            b.order(x, start + 30 * k, 100.0, None);
        }
        // Y: two orders, 2024-12-01 and 2024-12-11: one gap (no cv), 1 active month.
        b.order(y, d(2024, 12, 1), 10.0, None);
        b.order(y, d(2024, 12, 11), 10.0, None);
        b.interaction(Interaction {
            customer: y,
            day: d(2024, 12, 5),
            kind: InteractionKind::Complaint,
            score: None,
        });
        b.interaction(Interaction {
            customer: y,
            day: d(2024, 12, 6),
            kind: InteractionKind::Nps,
            score: Some(7.0),
        });
        b.interaction(Interaction {
            customer: y,
            day: d(2023, 1, 6),
            kind: InteractionKind::Complaint,
            score: None,
        });
        let ds = b.build();
        let as_of = d(2025, 1, 1);
        let ctx = Context::new(&ds, vec![x, y], as_of, PeriodKind::Month, 12);
        let facts = scan(&ctx);
        let scores: Vec<_> = score(&ctx, &facts, &LoyaltySettings::default()).collect();

        let sx = scores[0].as_ref().unwrap();
        // Frequency 4/3 vs Y's 2/1: X 0, Y 100. Coverage: months Jul..Dec = 6 known, 3 active:
        // 50. Regularity: cv 0 -> 100. Tenure: 2022-01-01 to 2025-01-01 = 1096 days = 3.0007
        // years -> 100. NPS 60. Complaints: none of X's -> 100.
        // (20*0 + 20*50 + 20*100 + 20*100 + 10*60 + 10*100) / 100 = 66
        assert!(close(sx.score, 66.0), "{}", sx.score);
        assert_eq!(sx.grade, Grade::Good);
        assert!(sx.left_out.is_empty());

        let sy = scores[1].as_ref().unwrap();
        // Frequency 100. Coverage: known since December, 1 of 1 months: 100. Regularity left
        // out. Tenure: 31 days = 0.08487 years / 3 -> 2.829. NPS 7 -> 70. Complaints: 1 in the
        // window (the 2023 one is older) -> 100 * (1 - 1/3) = 66.67.
        // (20*100 + 20*100 + 20*2.829 + 10*70 + 10*66.67) / 80
        let tenure = 100.0 * (31.0 / 365.25) / 3.0;
        let expected = (2000.0 + 2000.0 + 20.0 * tenure + 700.0 + 1000.0 * (2.0 / 3.0)) / 80.0;
        assert!(close(sy.score, expected), "{} vs {expected}", sy.score);
        assert_eq!(sy.left_out.as_slice(), [LoyaltyCriterion::Regularity]);
        let complaints = sy
            .criteria
            .iter()
            .find(|c| c.criterion == LoyaltyCriterion::Complaints)
            .unwrap();
        assert_eq!(complaints.raw, 1.0);

        let mut tally = LoyaltyTally::default();
        scores.iter().flatten().for_each(|s| tally.add(s));
        let summary = tally.finish(&LoyaltySettings::default());
        assert_eq!(summary.scored, 2);
        // X 66 and Y about 67.8 are both good and in the 60s.
        assert_eq!(summary.grades, [0, 2, 0, 0]);
        assert_eq!(summary.tenths, [0, 0, 0, 0, 0, 0, 2, 0, 0, 0]);
        // Both have every criterion but Y's regularity: nothing is missing for everyone.
        assert!(summary.left_out_for_all.is_empty());
        assert_eq!(
            summary.left_out_for_some,
            [(LoyaltyCriterion::Regularity, 1)]
        );
        assert_eq!(summary.weights_used[4], (LoyaltyCriterion::Nps, 0.1));
    }

    #[test]
    fn without_interactions_or_nps_their_weight_goes_to_the_rest() {
        let d = |m, day| day_from_ymd(2024, m, day).unwrap();
        let mut b = DatasetBuilder::new();
        let x = b.intern("X");
        b.order(x, d(3, 1), 10.0, None);
        let ds = b.build();
        let ctx = Context::new(&ds, vec![x], d(6, 1), PeriodKind::Month, 12);
        let facts = scan(&ctx);
        let mut tally = LoyaltyTally::default();
        score(&ctx, &facts, &LoyaltySettings::default())
            .flatten()
            .for_each(|s| tally.add(&s));
        let summary = tally.finish(&LoyaltySettings::default());
        assert_eq!(
            summary.left_out_for_all,
            [
                LoyaltyCriterion::Regularity,
                LoyaltyCriterion::Nps,
                LoyaltyCriterion::Complaints
            ]
        );
        // Frequency, coverage and tenure at 20 each: a third each.
        let used: Vec<_> = summary.weights_used.iter().map(|w| w.0).collect();
        assert_eq!(
            used,
            [
                LoyaltyCriterion::Frequency,
                LoyaltyCriterion::Coverage,
                LoyaltyCriterion::Tenure
            ]
        );
        assert!(summary.weights_used.iter().all(|w| close(w.1, 1.0 / 3.0)));
    }
}

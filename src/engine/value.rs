//! The weighted customer value score (seed 000's value model).
//!
//! Five criteria with seed 000's weights: purchase amount 25%, profit margin 25%, growth
//! potential 20%, strategic fit 15%, influence 15%. Amount, margin and growth come from the
//! orders in the trailing window (12 months by default); strategic fit, influence and a manual
//! growth potential come from the customer table. Each criterion becomes 0-100 by percentile rank
//! among the scored customers; a criterion a customer has no data for is left out and the other
//! weights are renormalised to 100%, and the breakdown says which were left out. Only customers
//! with at least one order are scored. See docs/methods.md, "Value score".

use super::i18n::Lang;
use super::model::Customer;
use super::rank::percentile_ranks;
use super::scan::{Context, Scan};
use serde::{Deserialize, Serialize};
use smallvec::SmallVec;

/// A 0-100 score's band, shared by the value and the loyalty score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Grade {
    Excellent,
    Good,
    Fair,
    Weak,
}

impl Grade {
    pub const ALL: [Grade; 4] = [Grade::Excellent, Grade::Good, Grade::Fair, Grade::Weak];

    /// `cutoffs` are the lower bounds of Excellent, Good and Fair.
    pub fn of(score: f64, cutoffs: [f64; 3]) -> Grade {
        if score >= cutoffs[0] {
            Grade::Excellent
        } else if score >= cutoffs[1] {
            Grade::Good
        } else if score >= cutoffs[2] {
            Grade::Fair
        } else {
            Grade::Weak
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Grade::Excellent, Lang::Zh) => "优",
            (Grade::Good, Lang::Zh) => "良",
            (Grade::Fair, Lang::Zh) => "中",
            (Grade::Weak, Lang::Zh) => "弱",
            (Grade::Excellent, Lang::En) => "excellent",
            (Grade::Good, Lang::En) => "good",
            (Grade::Fair, Lang::En) => "fair",
            (Grade::Weak, Lang::En) => "weak",
        }
    }
}

/// One criterion of a weighted score: its raw value, its 0-100 score and its weight after
/// renormalisation (the weights of a customer's criteria sum to 1). Score and weight are kept
/// as `f32` (seven digits are plenty for a 0-100 figure) to keep 100,000 report rows small.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CriterionScore<C> {
    pub criterion: C,
    pub raw: f64,
    pub score: f32,
    pub weight: f32,
}

/// A score's criteria, stored inline (at most six) so a report row needs no allocation for it.
pub type Breakdown<C> = SmallVec<[CriterionScore<C>; 6]>;

/// Criteria a customer has no data for.
pub type LeftOut<C> = SmallVec<[C; 6]>;

/// The weighted mean of the criteria present, with the weights renormalised over them (equal
/// weights if the present ones are all zero). `None` when no criterion is present.
pub fn weighted<C: Copy>(parts: &[(C, f64, f64, f64)]) -> Option<(f64, Breakdown<C>)> {
    if parts.is_empty() {
        return None;
    }
    let sum: f64 = parts.iter().map(|p| p.3.max(0.0)).sum();
    let weight = |w: f64| {
        if sum > 0.0 {
            w.max(0.0) / sum
        } else {
            1.0 / parts.len() as f64
        }
    };
    let score = parts
        .iter()
        .map(|p| p.2 * weight(p.3))
        .sum::<f64>()
        .clamp(0.0, 100.0);
    let criteria: Breakdown<C> = parts
        .iter()
        .map(|&(criterion, raw, score, w)| CriterionScore {
            criterion,
            raw,
            score: score as f32,
            weight: weight(w) as f32,
        })
        .collect();
    Some((score, criteria))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueCriterion {
    /// Net revenue in the window.
    Amount,
    /// Gross profit / net revenue in the window.
    Margin,
    /// Later half of the window against the earlier half, and/or the manual growth potential.
    Growth,
    StrategicFit,
    Influence,
}

impl ValueCriterion {
    pub const ALL: [ValueCriterion; 5] = [
        ValueCriterion::Amount,
        ValueCriterion::Margin,
        ValueCriterion::Growth,
        ValueCriterion::StrategicFit,
        ValueCriterion::Influence,
    ];

    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (ValueCriterion::Amount, Lang::Zh) => "采购金额",
            (ValueCriterion::Margin, Lang::Zh) => "利润率",
            (ValueCriterion::Growth, Lang::Zh) => "成长潜力",
            (ValueCriterion::StrategicFit, Lang::Zh) => "战略协同",
            (ValueCriterion::Influence, Lang::Zh) => "口碑影响力",
            (ValueCriterion::Amount, Lang::En) => "purchase amount",
            (ValueCriterion::Margin, Lang::En) => "profit margin",
            (ValueCriterion::Growth, Lang::En) => "growth potential",
            (ValueCriterion::StrategicFit, Lang::En) => "strategic fit",
            (ValueCriterion::Influence, Lang::En) => "influence",
        }
    }
}

/// Relative weights, normalised to 100% over the criteria a customer has.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ValueWeights {
    pub amount: f64,
    pub margin: f64,
    pub growth: f64,
    pub strategic_fit: f64,
    pub influence: f64,
}

impl Default for ValueWeights {
    /// Seed 000: 25 / 25 / 20 / 15 / 15.
    fn default() -> Self {
        ValueWeights {
            amount: 25.0,
            margin: 25.0,
            growth: 20.0,
            strategic_fit: 15.0,
            influence: 15.0,
        }
    }
}

impl ValueWeights {
    pub fn of(&self, c: ValueCriterion) -> f64 {
        match c {
            ValueCriterion::Amount => self.amount,
            ValueCriterion::Margin => self.margin,
            ValueCriterion::Growth => self.growth,
            ValueCriterion::StrategicFit => self.strategic_fit,
            ValueCriterion::Influence => self.influence,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ValueSettings {
    pub weights: ValueWeights,
    /// Lower bounds of the Excellent, Good and Fair grades.
    pub grade_cutoffs: [f64; 3],
}

impl Default for ValueSettings {
    fn default() -> Self {
        ValueSettings {
            weights: ValueWeights::default(),
            grade_cutoffs: [80.0, 60.0, 40.0],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValueScore {
    /// 0-100.
    pub score: f64,
    pub grade: Grade,
    pub criteria: Breakdown<ValueCriterion>,
    /// Criteria with no data for this customer, whose weight went to the others.
    pub left_out: LeftOut<ValueCriterion>,
}

/// Growth of the later half of the window against the earlier half, on -1..=1:
/// (later - earlier) / (|later| + |earlier|). `None` when both halves are zero.
pub fn growth(recent: f64, earlier: f64) -> Option<f64> {
    let scale = recent.abs() + earlier.abs();
    (scale > 0.0).then(|| (recent - earlier) / scale)
}

/// Each row's percentile score of a criterion, NaN where the row has no value; empty when no
/// row has one (a manual criterion without a customer table).
fn percentile_column(rows: usize, raw: impl Fn(usize) -> Option<f64>) -> Vec<f64> {
    // Sized up front: growing two vectors of 100,000 by doubling costs more than the ranking.
    let (mut present, mut values) = (Vec::with_capacity(rows), Vec::with_capacity(rows));
    for r in 0..rows {
        if let Some(x) = raw(r) {
            present.push(r as u32);
            values.push(x);
        }
    }
    if present.is_empty() {
        return Vec::new();
    }
    let mut column = vec![f64::NAN; rows];
    for (r, p) in present.into_iter().zip(percentile_ranks(&values)) {
        column[r as usize] = p;
    }
    column
}

/// Every row's value score, in row order (`None` for customers without orders).
pub fn score<'a>(
    ctx: &'a Context,
    scan: &'a Scan,
    settings: &'a ValueSettings,
) -> impl Iterator<Item = Option<ValueScore>> + 'a {
    let has_profit = ctx.ds.has_profit();
    let facts = &scan.facts;
    let buyer = move |r: usize| facts[r].has_orders();
    // Raw values, `None` without data; recomputed per row below rather than stored.
    let amount = move |r: usize| buyer(r).then(|| facts[r].window_net);
    let margin = move |r: usize| {
        let f = &facts[r];
        (buyer(r) && has_profit && f.window_net > 0.0).then(|| f.window_profit / f.window_net)
    };
    let data_growth = move |r: usize| {
        buyer(r)
            .then(|| growth(facts[r].recent_net, facts[r].earlier_net))
            .flatten()
    };
    // Whether any selected customer has each manual score: without a customer table none does,
    // and the rows then skip reading 100,000 customer records three times over.
    let mut has_manual = [false; 3];
    for r in 0..facts.len() {
        let c = ctx.customer(r);
        has_manual[0] |= c.growth_potential.is_some();
        has_manual[1] |= c.strategic_fit.is_some();
        has_manual[2] |= c.influence.is_some();
        if has_manual == [true; 3] {
            break;
        }
    }
    let manual = move |r: usize, k: usize, field: fn(&Customer) -> Option<f64>| {
        (has_manual[k] && buyer(r))
            .then(|| field(ctx.customer(r)))
            .flatten()
    };
    let manual_growth = move |r: usize| manual(r, 0, |c| c.growth_potential);
    let strategic = move |r: usize| manual(r, 1, |c| c.strategic_fit);
    let influence = move |r: usize| manual(r, 2, |c| c.influence);
    let n = facts.len();
    let (amount_s, margin_s, data_growth_s, manual_growth_s, strategic_s, influence_s) = (
        percentile_column(n, amount),
        percentile_column(n, margin),
        percentile_column(n, data_growth),
        percentile_column(n, manual_growth),
        percentile_column(n, strategic),
        percentile_column(n, influence),
    );
    let w = settings.weights;
    (0..n).map(move |r| {
        if !buyer(r) {
            return None;
        }
        let with_score = |raw: Option<f64>, column: &[f64]| raw.map(|x| (x, column[r]));
        let growth = match (data_growth(r), manual_growth(r)) {
            (Some(g), Some(_)) => Some((g, (data_growth_s[r] + manual_growth_s[r]) / 2.0)),
            (Some(g), None) => Some((g, data_growth_s[r])),
            (None, Some(m)) => Some((m, manual_growth_s[r])),
            (None, None) => None,
        };
        let candidates = [
            (ValueCriterion::Amount, with_score(amount(r), &amount_s)),
            (ValueCriterion::Margin, with_score(margin(r), &margin_s)),
            (ValueCriterion::Growth, growth),
            (
                ValueCriterion::StrategicFit,
                with_score(strategic(r), &strategic_s),
            ),
            (
                ValueCriterion::Influence,
                with_score(influence(r), &influence_s),
            ),
        ];
        let parts: SmallVec<[_; 6]> = candidates
            .iter()
            .filter_map(|&(c, v)| v.map(|(raw, s)| (c, raw, s, w.of(c))))
            .collect();
        let left_out = candidates
            .iter()
            .filter(|(_, v)| v.is_none())
            .map(|&(c, _)| c)
            .collect();
        let (score, criteria) = weighted(&parts)?;
        Some(ValueScore {
            score,
            grade: Grade::of(score, settings.grade_cutoffs),
            criteria,
            left_out,
        })
    })
}

/// What the value page shows above the table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValueSummary {
    /// The configured weights normalised to sum to 1.
    pub weights: Vec<(ValueCriterion, f64)>,
    /// Criteria no scored customer has data for.
    pub left_out_for_all: Vec<ValueCriterion>,
    /// Customers per grade, Excellent first.
    pub grades: [u32; 4],
    /// The weights the scores actually use: `weights` renormalised over the criteria that are
    /// not left out for everyone (a customer missing some other criterion spreads its weight
    /// further, as its breakdown shows).
    pub weights_used: Vec<(ValueCriterion, f64)>,
    /// Criteria some, but not all, scored customers lack, with how many lack each.
    pub left_out_for_some: Vec<(ValueCriterion, u32)>,
    /// Scored customers.
    pub scored: u32,
    /// Customers per tenth of the 0-100 scale: `tenths[k]` counts scores in `[10k, 10k + 10)`,
    /// and 100 counts in the top tenth.
    pub tenths: [u32; 10],
}

/// The tenth of 0-100 a score falls in, 100 in the top one.
pub fn tenth(score: f64) -> usize {
    ((score / 10.0).floor().max(0.0) as usize).min(9)
}

/// `weights` renormalised to sum to 1 over the criteria not in `left_out`; equal weights when
/// those are all zero, as [`weighted`] does for a single customer.
pub fn weights_used<C: Copy + PartialEq>(weights: &[(C, f64)], left_out: &[C]) -> Vec<(C, f64)> {
    let kept: Vec<(C, f64)> = weights
        .iter()
        .filter(|(c, _)| !left_out.contains(c))
        .map(|&(c, w)| (c, w.max(0.0)))
        .collect();
    let sum: f64 = kept.iter().map(|k| k.1).sum();
    let n = kept.len() as f64;
    kept.into_iter()
        .map(|(c, w)| (c, if sum > 0.0 { w / sum } else { 1.0 / n }))
        .collect()
}

/// Collects the summary while the rows are built, so nothing scans the rows again.
#[derive(Debug, Clone, Default)]
pub struct ValueTally {
    scored: u32,
    grades: [u32; 4],
    tenths: [u32; 10],
    /// How many scored customers lack each criterion.
    left_out: [u32; 5],
}

impl ValueTally {
    pub fn add(&mut self, s: &ValueScore) {
        self.scored += 1;
        self.grades[s.grade as usize] += 1;
        self.tenths[tenth(s.score)] += 1;
        for &c in &s.left_out {
            self.left_out[c as usize] += 1;
        }
    }

    pub fn finish(self, settings: &ValueSettings) -> ValueSummary {
        let total: f64 = ValueCriterion::ALL
            .iter()
            .map(|&c| settings.weights.of(c).max(0.0))
            .sum();
        let share = |c| {
            if total > 0.0 {
                settings.weights.of(c).max(0.0) / total
            } else {
                0.2
            }
        };
        let weights: Vec<_> = ValueCriterion::ALL.iter().map(|&c| (c, share(c))).collect();
        let left_out_for_all: Vec<_> = ValueCriterion::ALL
            .iter()
            .copied()
            .filter(|&c| self.scored > 0 && self.left_out[c as usize] == self.scored)
            .collect();
        ValueSummary {
            weights_used: weights_used(&weights, &left_out_for_all),
            left_out_for_some: ValueCriterion::ALL
                .iter()
                .map(|&c| (c, self.left_out[c as usize]))
                .filter(|&(_, n)| n > 0 && n < self.scored)
                .collect(),
            weights,
            left_out_for_all,
            grades: self.grades,
            scored: self.scored,
            tenths: self.tenths,
        }
    }
}

pub fn summarize<'a>(
    scores: impl Iterator<Item = &'a ValueScore>,
    settings: &ValueSettings,
) -> ValueSummary {
    let mut tally = ValueTally::default();
    scores.for_each(|s| tally.add(s));
    tally.finish(settings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::{Customer, DatasetBuilder, Day, day_from_ymd};
    use crate::engine::period::PeriodKind;
    use crate::engine::scan::scan;

    fn d(y: i32, m: u32) -> Day {
        day_from_ymd(y, m, 15).unwrap()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn growth_is_symmetric_and_bounded() {
        assert_eq!(growth(150.0, 50.0), Some(0.5));
        assert_eq!(growth(0.0, 80.0), Some(-1.0));
        assert_eq!(growth(80.0, 0.0), Some(1.0));
        assert_eq!(growth(0.0, 0.0), None);
    }

    #[test]
    fn weights_renormalise_over_present_criteria() {
        let (s, c) = weighted(&[
            ("a", 0.0, 100.0, 25.0),
            ("b", 0.0, 0.0, 25.0),
            ("c", 0.0, 50.0, 20.0),
        ])
        .unwrap();
        // 100 * 25/70 + 0 + 50 * 20/70 = 3500 / 70 = 50
        assert!(close(s, 50.0));
        assert_eq!(c[0].weight, (25.0f64 / 70.0) as f32);
        assert!(weighted::<u8>(&[]).is_none());
        let (s, _) = weighted(&[("a", 0.0, 80.0, 0.0), ("b", 0.0, 40.0, 0.0)]).unwrap();
        assert!(close(s, 60.0));
    }

    /// Three buyers over 2024 (as of 2025-01-01), one prospect; profit known; customer table
    /// scores for two of them.
    #[test]
    fn value_scores_by_hand() {
        let mut b = DatasetBuilder::new();
        let x = b.customer(Customer {
            key: "X".into(),
            strategic_fit: Some(80.0),
            influence: Some(40.0),
            ..Customer::default()
        });
        let y = b.customer(Customer {
            key: "Y".into(),
            strategic_fit: Some(20.0),
            influence: Some(90.0),
            growth_potential: Some(100.0),
            ..Customer::default()
        });
        let z = b.intern("Z");
        let p = b.intern("P");
        // X: 100 early, 300 late: amount 400, margin 100/400 = 25%, growth 200/400 = 0.5.
        b.order(x, d(2024, 2), 100.0, Some(20.0));
        b.order(x, d(2024, 9), 300.0, Some(80.0));
        // Y: 1000 early only: amount 1000, margin 10%, growth -1.
        b.order(y, d(2024, 3), 1000.0, Some(100.0));
        // Z: 200 late, all of it returned: amount 0, no margin, no growth (both halves net 0).
        b.order(z, d(2024, 10), 200.0, Some(50.0));
        b.order(z, d(2024, 11), -200.0, Some(-50.0));
        let ds = b.build();
        let ctx = Context::new(
            &ds,
            vec![x, y, z, p],
            day_from_ymd(2025, 1, 1).unwrap(),
            PeriodKind::Month,
            12,
        );
        let s = scan(&ctx);
        let scores: Vec<_> = score(&ctx, &s, &ValueSettings::default()).collect();
        assert!(scores[3].is_none(), "prospects are not scored");

        // Percentiles among the three: amount Z 0, X 50, Y 100; margin (X, Y only) Y 0, X 100;
        // data growth Y 0, X 100; manual growth only Y -> 50, averaged with its 0 -> 25;
        // strategic fit Y 0, X 100; influence X 0, Y 100.
        let sx = scores[0].as_ref().unwrap();
        // X: (25*50 + 25*100 + 20*100 + 15*100 + 15*0) / 100 = 72.5
        assert!(close(sx.score, 72.5), "{}", sx.score);
        assert_eq!(sx.grade, Grade::Good);
        assert!(sx.left_out.is_empty());
        assert_eq!(sx.criteria.len(), 5);
        assert_eq!(sx.criteria[1].criterion, ValueCriterion::Margin);
        assert!(close(sx.criteria[1].raw, 0.25));
        assert!(close(sx.criteria[2].raw, 0.5));

        let sy = scores[1].as_ref().unwrap();
        // Y: (25*100 + 25*0 + 20*25 + 15*0 + 15*100) / 100 = 45
        assert!(close(sy.score, 45.0), "{}", sy.score);
        assert_eq!(sy.grade, Grade::Fair);

        let sz = scores[2].as_ref().unwrap();
        // Z: only the amount is known, so it carries the whole weight: 0.
        assert_eq!(sz.score, 0.0);
        assert_eq!(sz.grade, Grade::Weak);
        assert_eq!(
            sz.left_out.as_slice(),
            [
                ValueCriterion::Margin,
                ValueCriterion::Growth,
                ValueCriterion::StrategicFit,
                ValueCriterion::Influence
            ]
        );
        assert_eq!(sz.criteria.len(), 1);
        assert_eq!(sz.criteria[0].weight, 1.0);

        let summary = summarize(scores.iter().flatten(), &ValueSettings::default());
        assert_eq!(summary.grades, [0, 1, 1, 1]);
        assert!(summary.left_out_for_all.is_empty());
        assert_eq!(summary.weights[0], (ValueCriterion::Amount, 0.25));
        // Nothing is missing for everyone, so the weights used are the configured ones; Z lacks
        // four criteria, Y none, X none.
        assert_eq!(summary.weights_used, summary.weights);
        assert_eq!(
            summary.left_out_for_some,
            [
                (ValueCriterion::Margin, 1),
                (ValueCriterion::Growth, 1),
                (ValueCriterion::StrategicFit, 1),
                (ValueCriterion::Influence, 1)
            ]
        );
        assert_eq!(summary.scored, 3);
        // Z 0 -> tenth 0, Y 45 -> tenth 4, X 72.5 -> tenth 7.
        assert_eq!(summary.tenths, [1, 0, 0, 0, 1, 0, 0, 1, 0, 0]);
    }

    #[test]
    fn without_profit_data_margin_is_left_out_for_everyone() {
        let mut b = DatasetBuilder::new();
        let x = b.intern("X");
        b.order(x, d(2024, 5), 10.0, None);
        let ds = b.build();
        let ctx = Context::new(
            &ds,
            vec![x],
            day_from_ymd(2025, 1, 1).unwrap(),
            PeriodKind::Month,
            12,
        );
        let facts = scan(&ctx);
        let scores: Vec<_> = score(&ctx, &facts, &ValueSettings::default()).collect();
        let s = scores[0].as_ref().unwrap();
        // A single customer sits at the 50th percentile of amount and growth.
        assert!(close(s.score, 50.0));
        let summary = summarize(scores.iter().flatten(), &ValueSettings::default());
        assert_eq!(
            summary.left_out_for_all,
            [
                ValueCriterion::Margin,
                ValueCriterion::StrategicFit,
                ValueCriterion::Influence
            ]
        );
        // Amount 25 and growth 20 remain: 25/45 and 20/45.
        let used = &summary.weights_used;
        assert_eq!(used.len(), 2);
        assert_eq!(
            (used[0].0, used[1].0),
            (ValueCriterion::Amount, ValueCriterion::Growth)
        );
        assert!(close(used[0].1, 25.0 / 45.0) && close(used[1].1, 20.0 / 45.0));
        assert!(summary.left_out_for_some.is_empty());
        assert_eq!(summary.tenths, [0, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
    }

    #[test]
    fn tenths_and_weights_used_at_the_edges() {
        assert_eq!(
            [
                tenth(0.0),
                tenth(9.99),
                tenth(10.0),
                tenth(99.9),
                tenth(100.0)
            ],
            [0, 0, 1, 9, 9]
        );
        let w = [("a", 0.25), ("b", 0.25), ("c", 0.5)];
        assert_eq!(weights_used(&w, &["c"]), [("a", 0.5), ("b", 0.5)]);
        assert_eq!(
            weights_used(&[("a", 0.0), ("b", 0.0)], &[]),
            [("a", 0.5), ("b", 0.5)]
        );
        assert!(weights_used(&w, &["a", "b", "c"]).is_empty());
    }
}

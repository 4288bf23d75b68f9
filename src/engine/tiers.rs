//! ABC + D customer tiers per period.
//!
//! Seed 003: each month, rank customers by their contribution and cut by cumulative share
//! (the Pareto / 80-20 rule: A while the running share stays within 80%, B within 95%), and call
//! every known customer without an order that month D. Seed 003 also describes the rank-share
//! variant (A = top 20% of customers, B = the next 40%); seed 002 the absolute yearly thresholds
//! (A >= 1,000,000, B >= 500,000). Whatever the rule, a customer whose net for the period is zero
//! or negative is C: they ordered, so they are not D, and they contributed nothing, so not A or B.
//! See docs/methods.md, "ABC + D tiers".

use super::i18n::Lang;
use super::rank::{float_from_key, float_key};
use super::scan::{Context, PeriodEntry, Scan};
use serde::{Deserialize, Serialize};
use std::ops::{Index, IndexMut};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Tier {
    A,
    B,
    C,
    /// Known, but no order in the period (dormant).
    D,
}

impl Tier {
    pub const ALL: [Tier; 4] = [Tier::A, Tier::B, Tier::C, Tier::D];

    pub fn as_str(self) -> &'static str {
        match self {
            Tier::A => "A",
            Tier::B => "B",
            Tier::C => "C",
            Tier::D => "D",
        }
    }

    /// "A类" / "A".
    pub fn label(self, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!("{}类", self.as_str()),
            Lang::En => self.as_str().to_owned(),
        }
    }

    /// 0 for A .. 3 for D.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// One value per tier; serialises as `{"A": .., "B": .., "C": .., "D": ..}`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct PerTier<T> {
    #[serde(rename = "A")]
    pub a: T,
    #[serde(rename = "B")]
    pub b: T,
    #[serde(rename = "C")]
    pub c: T,
    #[serde(rename = "D")]
    pub d: T,
}

impl<T> Index<Tier> for PerTier<T> {
    type Output = T;
    fn index(&self, t: Tier) -> &T {
        match t {
            Tier::A => &self.a,
            Tier::B => &self.b,
            Tier::C => &self.c,
            Tier::D => &self.d,
        }
    }
}

impl<T> IndexMut<Tier> for PerTier<T> {
    fn index_mut(&mut self, t: Tier) -> &mut T {
        match t {
            Tier::A => &mut self.a,
            Tier::B => &mut self.b,
            Tier::C => &mut self.c,
            Tier::D => &mut self.d,
        }
    }
}

/// What customers are ranked by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Metric {
    /// Net revenue: sales minus returns.
    #[default]
    Revenue,
    /// Gross profit; falls back to revenue (with a note) when the data has none.
    Profit,
}

impl Metric {
    pub fn parse(s: &str) -> Option<Metric> {
        match s {
            "revenue" => Some(Metric::Revenue),
            "profit" => Some(Metric::Profit),
            _ => None,
        }
    }

    pub fn of(self, e: &PeriodEntry) -> f64 {
        match self {
            Metric::Revenue => e.net,
            Metric::Profit => e.profit,
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Metric::Revenue, Lang::Zh) => "金额",
            (Metric::Revenue, Lang::En) => "revenue",
            (Metric::Profit, Lang::Zh) => "毛利",
            (Metric::Profit, Lang::En) => "gross profit",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TierRule {
    /// Sorted by the metric, A while the running share of the total is within the first cut-off.
    #[default]
    CumulativeShare,
    /// A = the first cut-off's share of the ordering customers by rank, B up to the second.
    RankShare,
    /// Fixed amounts per year, scaled to the period's length.
    Absolute,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TierSettings {
    pub rule: TierRule,
    /// Cumulative share of the period's positive total: A up to 80%, B up to 95% (seed 003).
    pub cumulative_cutoffs: [f64; 2],
    /// Cumulative share of ordering customers by rank: A the top 20%, B up to 60% (seed 003).
    pub rank_cutoffs: [f64; 2],
    /// Per year: A from 1,000,000, B from 500,000 (seed 002); a month uses 1/12 of them.
    pub annual_thresholds: [f64; 2],
}

impl Default for TierSettings {
    fn default() -> Self {
        TierSettings {
            rule: TierRule::CumulativeShare,
            cumulative_cutoffs: [0.80, 0.95],
            rank_cutoffs: [0.20, 0.60],
            annual_thresholds: [1_000_000.0, 500_000.0],
        }
    }
}

/// Shares are compared with this much slack, so a sum that lands on 80% by rounding stays A.
pub const SHARE_TOLERANCE: f64 = 1e-9;

/// Tiers of the customers who ordered in one period (`values[i]` is the metric of the customer
/// whose key position is `key_pos[i]`); `year_fraction` scales the absolute thresholds.
pub fn classify(
    values: &[f64],
    key_pos: &[u32],
    settings: &TierSettings,
    year_fraction: f64,
) -> Vec<Tier> {
    let n = values.len();
    let mut tiers = vec![Tier::C; n];
    if settings.rule == TierRule::Absolute {
        let [a, b] = settings.annual_thresholds.map(|t| t * year_fraction);
        for (t, &v) in tiers.iter_mut().zip(values) {
            if v > 0.0 {
                *t = if v >= a {
                    Tier::A
                } else if v >= b {
                    Tier::B
                } else {
                    Tier::C
                };
            }
        }
        return tiers;
    }
    let cutoffs = match settings.rule {
        TierRule::CumulativeShare => settings.cumulative_cutoffs,
        _ => settings.rank_cutoffs,
    };
    let [a, b] = cutoffs.map(|c| c + SHARE_TOLERANCE);
    // Customers with a positive value, best first: value descending, key ascending. Zero and
    // negative values stay C. Only the customers that can be A or B are ever sorted: a
    // selection finds where C starts, so a period costs O(n) plus sorting its top customers.
    let mut order: Vec<(u64, u32, u32)> = (0..n)
        .filter(|&i| values[i] > 0.0)
        .map(|i| (!float_key(values[i]), key_pos[i], i as u32))
        .collect();
    // The value travels in the sort key (no gather from `values` in the hot loops).
    let value = |t: &(u64, u32, u32)| float_from_key(!t.0);
    if settings.rule == TierRule::CumulativeShare {
        let total: f64 = order.iter().map(value).sum();
        // Narrow [lo, hi) down to where the running share passes B's cut-off: the top `lo`
        // customers are A or B, everyone from `hi` on is C.
        let (mut lo, mut hi, mut base) = (0, order.len(), 0.0);
        while hi - lo > 64 {
            let mid = lo + (hi - lo) / 2;
            order[lo..hi].select_nth_unstable(mid - lo);
            let upto: f64 = order[lo..=mid].iter().map(value).sum();
            if (base + upto) / total <= b {
                base += upto;
                lo = mid + 1;
            } else {
                hi = mid + 1;
            }
        }
        order[..hi].sort_unstable();
        let mut cum = 0.0;
        for i in 0..order.len() {
            if i == hi {
                // Rounding put the boundary past the sorted part: sort the rest as well.
                order[hi..].sort_unstable();
            }
            cum += value(&order[i]);
            let share = cum / total;
            if share > b {
                break; // this customer and all after it are C
            }
            tiers[order[i].2 as usize] = if share <= a { Tier::A } else { Tier::B };
        }
    } else {
        // Rank i of the n ordering customers (zero and negative ones rank last) is A while
        // i / n <= a, B while i / n <= b.
        let ranks_within = |cut: f64| {
            let mut k = ((cut * n as f64).floor().max(0.0) as usize).min(n);
            while k < n && (k + 1) as f64 / n as f64 <= cut {
                k += 1;
            }
            while k > 0 && k as f64 / n as f64 > cut {
                k -= 1;
            }
            k.min(order.len())
        };
        let (ka, kb) = (ranks_within(a), ranks_within(b));
        if kb < order.len() {
            order.select_nth_unstable(kb);
        }
        if ka < kb {
            order[..kb].select_nth_unstable(ka);
        }
        for (j, t) in order[..kb].iter().enumerate() {
            tiers[t.2 as usize] = if j < ka { Tier::A } else { Tier::B };
        }
    }
    tiers
}

/// Every row's tier in every period: `None` before the customer is known. Stored period by
/// period, so filling one period writes one contiguous run (100,000 rows x 36 months written
/// row by row would stream the whole table through the cache 36 times).
#[derive(Debug, Clone, PartialEq)]
pub struct TierTable {
    pub periods: usize,
    rows: usize,
    cells: Vec<Option<Tier>>,
    /// Customers per tier in each period.
    pub counts: Vec<PerTier<u32>>,
}

impl TierTable {
    pub fn get(&self, row: usize, p: usize) -> Option<Tier> {
        self.cells[p * self.rows + row]
    }
}

pub fn tier_table(
    ctx: &Context,
    scan: &Scan,
    metric: Metric,
    settings: &TierSettings,
) -> TierTable {
    let ends: Vec<_> = ctx.calendar.periods.iter().map(|p| p.end).collect();
    let (np, rows) = (ends.len(), scan.facts.len());
    // The period each row becomes known in (np: never); from then on it is D unless it orders.
    let known_in: Vec<u32> = scan
        .facts
        .iter()
        .map(|f| {
            f.known_from
                .map_or(np, |d| ends.partition_point(|&end| end <= d)) as u32
        })
        .collect();
    let mut cells: Vec<Option<Tier>> = vec![None; np * rows];
    let mut counts = vec![PerTier::default(); np];
    let mut values = Vec::new();
    let mut keys = Vec::new();
    for (p, entries) in scan.per_period.iter().enumerate() {
        let period = &mut cells[p * rows..(p + 1) * rows];
        let mut known = 0;
        for (cell, &k) in period.iter_mut().zip(&known_in) {
            let is_known = k as usize <= p;
            *cell = if is_known { Some(Tier::D) } else { None };
            known += u32::from(is_known);
        }
        counts[p].d = known;
        values.clear();
        values.extend(entries.iter().map(|e| metric.of(e)));
        keys.clear();
        keys.extend(entries.iter().map(|e| ctx.key_pos[e.row as usize]));
        let tiers = classify(&values, &keys, settings, ctx.calendar.year_fraction(p));
        for (e, t) in entries.iter().zip(tiers) {
            period[e.row as usize] = Some(t);
            counts[p][t] += 1;
            counts[p].d -= 1;
        }
    }
    TierTable {
        periods: np,
        rows,
        cells,
        counts,
    }
}

/// Every customer's tier in every period, one row per report row: one allocation for the
/// whole table instead of one per customer. Serialises as an array of per-customer arrays.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TierHistory {
    periods: usize,
    tiers: Vec<Option<Tier>>,
}

impl TierHistory {
    pub fn from_table(table: &TierTable) -> TierHistory {
        let mut tiers = Vec::with_capacity(table.rows * table.periods);
        for row in 0..table.rows {
            tiers.extend((0..table.periods).map(|p| table.get(row, p)));
        }
        TierHistory {
            periods: table.periods,
            tiers,
        }
    }

    /// A customer's tiers, oldest period first (`None` before it was known).
    pub fn row(&self, row: usize) -> &[Option<Tier>] {
        &self.tiers[row * self.periods..(row + 1) * self.periods]
    }

    pub fn len(&self) -> usize {
        self.tiers.len().checked_div(self.periods).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.tiers.is_empty()
    }
}

impl Serialize for TierHistory {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.len()))?;
        for row in 0..self.len() {
            seq.serialize_element(self.row(row))?;
        }
        seq.end()
    }
}

impl<'de> Deserialize<'de> for TierHistory {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let rows = Vec::<Vec<Option<Tier>>>::deserialize(d)?;
        let periods = rows.first().map_or(0, Vec::len);
        if rows.iter().any(|r| r.len() != periods) {
            return Err(serde::de::Error::custom(
                "tier history rows differ in length",
            ));
        }
        Ok(TierHistory {
            periods,
            tiers: rows.into_iter().flatten().collect(),
        })
    }
}

/// How a period's customers and revenue split over the tiers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TierDistribution {
    pub period: String,
    pub customers: PerTier<u32>,
    /// Net revenue per tier (D is always 0).
    pub revenue: PerTier<f64>,
    /// Share of the period's net revenue; all 0 when that is not positive.
    pub revenue_share: PerTier<f64>,
}

pub fn distribution(ctx: &Context, scan: &Scan, table: &TierTable) -> Vec<TierDistribution> {
    let np = table.periods;
    (0..np)
        .map(|p| {
            let mut revenue = PerTier::default();
            for e in &scan.per_period[p] {
                let t = table
                    .get(e.row as usize, p)
                    .expect("a customer who ordered has a tier");
                revenue[t] += e.net;
            }
            let total: f64 = Tier::ALL.iter().map(|&t| revenue[t]).sum();
            let mut revenue_share = PerTier::default();
            if total > 0.0 {
                for t in Tier::ALL {
                    revenue_share[t] = revenue[t] / total;
                }
            }
            TierDistribution {
                period: ctx.calendar.periods[p].label.clone(),
                customers: table.counts[p],
                revenue,
                revenue_share,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::{Customer, DatasetBuilder, day_from_ymd};
    use crate::engine::period::PeriodKind;
    use crate::engine::scan::scan;

    fn cumulative() -> TierSettings {
        TierSettings::default()
    }

    fn rule(rule: TierRule) -> TierSettings {
        TierSettings {
            rule,
            ..TierSettings::default()
        }
    }

    #[test]
    fn cumulative_share_includes_the_customer_itself() {
        // Total 100. Running shares: 50, 75, 85, 95, 100.
        let values = [25.0, 10.0, 50.0, 5.0, 10.0];
        let keys = [0, 1, 2, 3, 4];
        let t = classify(&values, &keys, &cumulative(), 1.0 / 12.0);
        // 50 -> 50% A; 25 -> 75% A; 10 (key 1) -> 85% B; 10 (key 4) -> 95% B; 5 -> 100% C.
        assert_eq!(t, [Tier::A, Tier::B, Tier::A, Tier::C, Tier::B]);
    }

    #[test]
    fn ties_are_broken_by_key_so_equal_customers_can_differ() {
        // Four customers of 25 each: running shares 25, 50, 75, 100.
        let values = [25.0; 4];
        let t = classify(&values, &[3, 1, 0, 2], &cumulative(), 1.0);
        assert_eq!(t, [Tier::C, Tier::A, Tier::A, Tier::A]);
        let t = classify(&values, &[0, 1, 2, 3], &cumulative(), 1.0);
        assert_eq!(t, [Tier::A, Tier::A, Tier::A, Tier::C]);
    }

    #[test]
    fn a_single_customer_with_everything_is_c_under_the_cumulative_rule() {
        // Its own share is 100% > 95%: the rule says C, which is what seed 003's cut implies.
        assert_eq!(classify(&[500.0], &[0], &cumulative(), 1.0), [Tier::C]);
        // Under absolute thresholds it is judged on its own.
        assert_eq!(
            classify(&[100_000.0], &[0], &rule(TierRule::Absolute), 1.0 / 12.0),
            [Tier::A]
        );
    }

    #[test]
    fn zero_and_negative_net_are_c_whatever_the_rule() {
        let values = [0.0, -30.0, 100.0];
        for r in [
            TierRule::CumulativeShare,
            TierRule::RankShare,
            TierRule::Absolute,
        ] {
            let s = TierSettings {
                rule: r,
                annual_thresholds: [0.0, 0.0],
                cumulative_cutoffs: [1.0, 1.0],
                rank_cutoffs: [1.0, 1.0],
            };
            let t = classify(&values, &[0, 1, 2], &s, 1.0);
            assert_eq!(t, [Tier::C, Tier::C, Tier::A], "{r:?}");
        }
        // The negative net does not shrink the total: 100 alone is 100% of the positive total.
        assert_eq!(
            classify(&[100.0, -50.0], &[0, 1], &cumulative(), 1.0),
            [Tier::C, Tier::C]
        );
    }

    #[test]
    fn rank_share_counts_customers() {
        // Ten customers valued 10..1; the top 2 are A (20%), the next 4 B (60%), the rest C.
        let values: Vec<f64> = (1..=10).rev().map(f64::from).collect();
        let keys: Vec<u32> = (0..10).collect();
        let t = classify(&values, &keys, &rule(TierRule::RankShare), 1.0);
        let letters: String = t.iter().map(|t| t.as_str()).collect();
        assert_eq!(letters, "AABBBBCCCC");
        // With three customers, 1/3 > 20%: nobody is A, ranks 1 (33%) is B, 2 (67%) and 3 are C.
        let t = classify(
            &[3.0, 2.0, 1.0],
            &[0, 1, 2],
            &rule(TierRule::RankShare),
            1.0,
        );
        assert_eq!(t, [Tier::B, Tier::C, Tier::C]);
    }

    /// The rule written the obvious way: sort everything, walk the running share.
    fn classify_by_full_sort(
        values: &[f64],
        key_pos: &[u32],
        cumulative: bool,
        [a, b]: [f64; 2],
    ) -> Vec<Tier> {
        let n = values.len();
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&x, &y| {
            values[y]
                .total_cmp(&values[x])
                .then(key_pos[x].cmp(&key_pos[y]))
        });
        let total: f64 = values.iter().filter(|&&v| v > 0.0).sum();
        let mut tiers = vec![Tier::C; n];
        let mut cum = 0.0;
        for (rank, &i) in order.iter().enumerate() {
            if values[i] <= 0.0 {
                break;
            }
            cum += values[i];
            let share = if cumulative {
                cum / total
            } else {
                (rank + 1) as f64 / n as f64
            };
            tiers[i] = if share <= a + SHARE_TOLERANCE {
                Tier::A
            } else if share <= b + SHARE_TOLERANCE {
                Tier::B
            } else {
                Tier::C
            };
        }
        tiers
    }

    #[test]
    fn selection_gives_the_same_tiers_as_a_full_sort() {
        let mut seed = 7u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for n in [1usize, 2, 63, 64, 65, 200, 1000, 5000] {
            for round in 0..4 {
                // Round amounts (many ties), a few returns, occasionally one dominant customer.
                let mut values: Vec<f64> = (0..n)
                    .map(|_| (next() % 40) as f64 * 25.0 - 100.0)
                    .collect();
                if round == 3 {
                    values[n / 2] = 1e6;
                }
                // A random permutation of key positions.
                let mut shuffled: Vec<(u64, u32)> = (0..n as u32).map(|k| (next(), k)).collect();
                shuffled.sort_unstable();
                let keys: Vec<u32> = shuffled.iter().map(|s| s.1).collect();
                for (rule, cutoffs) in [
                    (TierRule::CumulativeShare, [0.8, 0.95]),
                    (TierRule::CumulativeShare, [0.5, 1.0]),
                    (TierRule::RankShare, [0.2, 0.6]),
                    (TierRule::RankShare, [0.0, 1.0]),
                ] {
                    let settings = TierSettings {
                        rule,
                        cumulative_cutoffs: cutoffs,
                        rank_cutoffs: cutoffs,
                        ..TierSettings::default()
                    };
                    let expected = classify_by_full_sort(
                        &values,
                        &keys,
                        rule == TierRule::CumulativeShare,
                        cutoffs,
                    );
                    assert_eq!(
                        classify(&values, &keys, &settings, 1.0),
                        expected,
                        "{rule:?} {cutoffs:?} n={n}"
                    );
                }
            }
        }
    }

    #[test]
    fn absolute_thresholds_scale_with_the_period() {
        let s = rule(TierRule::Absolute);
        let values = [83_334.0, 83_333.0, 41_667.0, 41_666.0];
        // A month is 1/12 of a year: A from 83,333.33, B from 41,666.67.
        let t = classify(&values, &[0, 1, 2, 3], &s, 1.0 / 12.0);
        assert_eq!(t, [Tier::A, Tier::B, Tier::B, Tier::C]);
        let t = classify(&[1_000_000.0, 999_999.0], &[0, 1], &s, 1.0);
        assert_eq!(t, [Tier::A, Tier::B]);
        let t = classify(&[250_000.0], &[0], &s, 0.25);
        assert_eq!(t, [Tier::A]);
    }

    #[test]
    fn table_marks_known_customers_without_orders_d_and_unknown_ones_none() {
        let d = |m, day| day_from_ymd(2025, m, day).unwrap();
        let mut b = DatasetBuilder::new();
        let big = b.intern("1");
        let small = b.intern("2");
        let late = b.intern("3");
        let prospect = b.intern("4");
        let cooperating = b.customer(Customer {
            key: "5".into(),
            first_cooperation: Some(d(2, 10)),
            ..Customer::default()
        });
        b.order(big, d(1, 5), 900.0, None);
        b.order(small, d(1, 9), 100.0, None);
        b.order(small, d(3, 9), 100.0, None);
        b.order(late, d(3, 1), 50.0, None);
        b.order(late, d(3, 2), -50.0, None); // returned everything
        let ds = b.build();
        let ctx = Context::new(
            &ds,
            vec![big, small, late, prospect, cooperating],
            d(4, 1),
            PeriodKind::Month,
            12,
        );
        let s = scan(&ctx);
        let table = tier_table(&ctx, &s, Metric::Revenue, &cumulative());
        let history = TierHistory::from_table(&table);
        use Tier::*;
        // January: 900 of 1000 = 90% -> B; 100 -> 100% -> C. February: nobody ordered.
        assert_eq!(history.row(0), [Some(B), Some(D), Some(D)]);
        // March: small is alone with 100 of 100 -> C; late nets 0 -> C.
        assert_eq!(history.row(1), [Some(C), Some(D), Some(C)]);
        assert_eq!(history.row(2), [None, None, Some(C)]);
        assert_eq!(history.row(3), [None, None, None]);
        assert_eq!(history.row(4), [None, Some(D), Some(D)]);

        let dist = distribution(&ctx, &s, &table);
        assert_eq!(dist[1].period, "2025-02");
        assert_eq!(
            dist[1].customers,
            PerTier {
                a: 0,
                b: 0,
                c: 0,
                d: 3
            }
        );
        assert_eq!(dist[1].revenue_share, PerTier::default());
        assert_eq!(
            dist[0].revenue,
            PerTier {
                a: 0.0,
                b: 900.0,
                c: 100.0,
                d: 0.0
            }
        );
        assert_eq!(
            dist[0].revenue_share,
            PerTier {
                a: 0.0,
                b: 0.9,
                c: 0.1,
                d: 0.0
            }
        );
        assert_eq!(
            dist[2].customers,
            PerTier {
                a: 0,
                b: 0,
                c: 2,
                d: 2
            }
        );
    }
}

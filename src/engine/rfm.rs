//! RFM scores and segments (Hughes, "Strategic Database Marketing", 1994; seeds 000 and 001
//! segment customers by recency, frequency and amount).
//!
//! Recency = days from the last order to the as-of date, frequency = number of orders, monetary
//! = net amount, all over the history before the as-of date. Each is scored 1..=bins by rank:
//! customers sorted ascending by the value, ties by customer key, and rank i of N falls in bin
//! k = max(1, ceil(bins * (i - 1) / (N - 1))) - exactly pandas' `qcut(x.rank(method="first"),
//! bins)`. F = M = k; R = bins + 1 - k on recency, so a recent order scores high. Only customers
//! with at least one order are scored. The 125-code segment table (11 segments, English and
//! Chinese) is the widely used one from `shared/reference/rfm_segments_11.csv`.
//! See docs/methods.md, "RFM".

use super::rank::float_key;
use super::scan::{Context, CustomerFacts, Scan};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

const DEFAULT_SEGMENTS: &str = include_str!("rfm_segments_11.csv");

/// One code of the segment table: scores on the 1-5 scale, e.g. 555 -> Champions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentRule {
    pub code: u16,
    pub segment: String,
    pub segment_zh: String,
}

/// The built-in table: every code 111..555 mapped to one of 11 segments.
pub fn default_segments() -> Vec<SegmentRule> {
    let mut reader = csv::Reader::from_reader(DEFAULT_SEGMENTS.as_bytes());
    reader
        .records()
        .map(|r| {
            let r = r.expect("embedded table is valid CSV");
            SegmentRule {
                code: r[0].parse().expect("embedded code is a number"),
                segment: r[4].to_owned(),
                segment_zh: r[5].to_owned(),
            }
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RfmSettings {
    /// Score range 1..=bins, 2 to 9 (default 5, the usual quintiles).
    pub bins: u8,
    /// Segment per code on the 1-5 scale; with other bin counts scores are rescaled to 1-5 for
    /// the lookup (`ceil(5 * s / bins)`).
    pub segments: Vec<SegmentRule>,
}

impl Default for RfmSettings {
    fn default() -> Self {
        RfmSettings {
            bins: 5,
            segments: default_segments(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rfm {
    pub r: u8,
    pub f: u8,
    pub m: u8,
    /// r * 100 + f * 10 + m, e.g. 545.
    pub code: u16,
    /// English segment name (the key into `RfmSummary::segments`); empty when the table has no
    /// entry for the code. Shared, not copied, between the customers of a segment.
    pub segment: Arc<str>,
}

/// The bin of rank `i` (1-based) among `n`; a lone customer sits in the middle bin.
pub fn bin(i: usize, n: usize, bins: u32) -> u8 {
    debug_assert!((1..=n).contains(&i));
    if n == 1 {
        return bins.div_ceil(2) as u8;
    }
    let k = (bins as usize * (i - 1)).div_ceil(n - 1);
    k.max(1) as u8
}

fn clamp_bins(bins: u8) -> u32 {
    u32::from(bins.clamp(2, 9))
}

/// Bins of rows ranked by (value, key position) ascending. Only the bin boundaries matter,
/// so the ranking is a multi-way selection (O(n log bins)), not a sort.
fn bins_by_rank(mut ranked: Vec<(u64, u32, u32)>, bins: u32, out: &mut [u8]) {
    let n = ranked.len();
    // starts[k - 1] = first 0-based position in bin k; bin(i) grows with the rank i.
    let first_in = |k: u32| {
        let (mut lo, mut hi) = (0, n);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if u32::from(bin(mid + 1, n, bins)) < k {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    };
    let mut starts: Vec<usize> = (1..=bins).map(first_in).collect();
    starts.push(n);
    select_at(&mut ranked, &starts[1..bins as usize]);
    for k in 0..bins as usize {
        for &(_, _, row) in &ranked[starts[k]..starts[k + 1]] {
            out[row as usize] = k as u8 + 1;
        }
    }
}

/// Reorders `v` so that each position in `at` (ascending) holds the element a sort would put
/// there, with smaller elements before it and larger after.
fn select_at<T: Ord>(v: &mut [T], at: &[usize]) {
    let Some(&p) = at.get(at.len() / 2) else {
        return;
    };
    if p >= v.len() {
        return select_at(v, &at[..at.len() / 2]);
    }
    v.select_nth_unstable(p);
    let (left, right) = v.split_at_mut(p);
    select_at(left, &at[..at.len() / 2]);
    let shifted: Vec<usize> = at[at.len() / 2 + 1..].iter().map(|&q| q - p).collect();
    select_at(right, &shifted);
}

/// RFM of every row (`None` without orders before the as-of date).
pub fn score(ctx: &Context, scan: &Scan, settings: &RfmSettings) -> Vec<Option<Rfm>> {
    let bins = clamp_bins(settings.bins);
    let rows = scan.facts.len();
    let buyers: Vec<u32> = (0..rows as u32)
        .filter(|&r| scan.facts[r as usize].has_orders())
        .collect();
    let (mut r_bin, mut f_bin, mut m_bin) = (vec![0u8; rows], vec![0u8; rows], vec![0u8; rows]);
    let ranked = |value: &dyn Fn(&CustomerFacts) -> u64| -> Vec<(u64, u32, u32)> {
        buyers
            .iter()
            .map(|&r| (value(&scan.facts[r as usize]), ctx.key_pos[r as usize], r))
            .collect()
    };
    // Recency is positive (the last order is before the as-of date).
    bins_by_rank(ranked(&|f| (ctx.as_of - f.last) as u64), bins, &mut r_bin);
    bins_by_rank(ranked(&|f| u64::from(f.orders)), bins, &mut f_bin);
    bins_by_rank(ranked(&|f| float_key(f.net)), bins, &mut m_bin);

    let lookup = segment_lookup(&settings.segments);
    let names: Vec<Arc<str>> = settings
        .segments
        .iter()
        .map(|s| Arc::from(s.segment.as_str()))
        .collect();
    let unknown: Arc<str> = Arc::from("");
    let to5 = |s: u8| {
        if bins == 5 {
            s
        } else {
            (5 * u32::from(s)).div_ceil(bins) as u8
        }
    };
    let mut out = vec![None; rows];
    for &row in &buyers {
        let row = row as usize;
        let (r, f, m) = (bins as u8 + 1 - r_bin[row], f_bin[row], m_bin[row]);
        let code5 = usize::from(to5(r)) * 100 + usize::from(to5(f)) * 10 + usize::from(to5(m));
        let segment = lookup[code5].map_or_else(|| unknown.clone(), |i| names[i].clone());
        out[row] = Some(Rfm {
            r,
            f,
            m,
            code: u16::from(r) * 100 + u16::from(f) * 10 + u16::from(m),
            segment,
        });
    }
    out
}

/// Code 0..=999 -> index of its rule (the first one wins when the table repeats a code).
fn segment_lookup(rules: &[SegmentRule]) -> Vec<Option<usize>> {
    let mut lookup = vec![None; 1000];
    for (i, rule) in rules.iter().enumerate().rev() {
        if let Some(slot) = lookup.get_mut(usize::from(rule.code)) {
            *slot = Some(i);
        }
    }
    lookup
}

/// Customers and revenue per segment, and the R x F grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RfmSummary {
    pub bins: u8,
    /// In the order the segments first appear in the table.
    pub segments: Vec<SegmentSummary>,
    /// `grid[r - 1][f - 1]`: customers with that R and F.
    pub grid: Vec<Vec<u32>>,
    /// `grid_m[r - 1][f - 1]`: their mean M score; `None` for an empty cell.
    pub grid_m: Vec<Vec<Option<f64>>>,
    /// Customers with an RFM score (those with orders).
    pub scored: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentSummary {
    pub segment: String,
    pub segment_zh: String,
    pub customers: u32,
    pub net_revenue: f64,
    /// Of the scored customers (0 when none is scored).
    pub share: f64,
    /// Of the scored customers' net revenue; `None` when that total is not positive.
    pub revenue_share: Option<f64>,
    /// Mean R, F and M scores of the segment's customers; `None` for an empty segment.
    pub avg_r: Option<f64>,
    pub avg_f: Option<f64>,
    pub avg_m: Option<f64>,
}

/// `scores` pairs each scored customer with its net revenue.
pub fn summarize<'a>(
    scores: impl Iterator<Item = (&'a Rfm, f64)>,
    settings: &RfmSettings,
) -> RfmSummary {
    let bins = clamp_bins(settings.bins) as usize;
    let mut segments: Vec<SegmentSummary> = Vec::new();
    for rule in &settings.segments {
        if !segments.iter().any(|s| s.segment == rule.segment) {
            segments.push(SegmentSummary {
                segment: rule.segment.clone(),
                segment_zh: rule.segment_zh.clone(),
                customers: 0,
                net_revenue: 0.0,
                share: 0.0,
                revenue_share: None,
                avg_r: None,
                avg_f: None,
                avg_m: None,
            });
        }
    }
    let mut grid = vec![vec![0u32; bins]; bins];
    let mut m_sum = vec![vec![0u32; bins]; bins];
    // Sums of R, F and M per segment.
    let mut rfm_sum = vec![[0u32; 3]; segments.len()];
    let (mut scored, mut total_net) = (0u32, 0.0);
    // Summary index per code, looked up once per code rather than once per customer.
    let mut by_code: Vec<Option<Option<usize>>> = vec![None; 1000];
    for (rfm, net) in scores {
        let (r, f) = (usize::from(rfm.r) - 1, usize::from(rfm.f) - 1);
        grid[r][f] += 1;
        m_sum[r][f] += u32::from(rfm.m);
        scored += 1;
        total_net += net;
        let slot = by_code[usize::from(rfm.code)]
            .get_or_insert_with(|| segments.iter().position(|s| *s.segment == *rfm.segment));
        if let Some(i) = *slot {
            segments[i].customers += 1;
            segments[i].net_revenue += net;
            for (sum, score) in rfm_sum[i].iter_mut().zip([rfm.r, rfm.f, rfm.m]) {
                *sum += u32::from(score);
            }
        }
    }
    let mean = |sum: u32, n: u32| (n > 0).then(|| f64::from(sum) / f64::from(n));
    for (s, sums) in segments.iter_mut().zip(&rfm_sum) {
        s.share = if scored > 0 {
            f64::from(s.customers) / f64::from(scored)
        } else {
            0.0
        };
        s.revenue_share = (total_net > 0.0).then(|| s.net_revenue / total_net);
        s.avg_r = mean(sums[0], s.customers);
        s.avg_f = mean(sums[1], s.customers);
        s.avg_m = mean(sums[2], s.customers);
    }
    let grid_m = grid
        .iter()
        .zip(&m_sum)
        .map(|(counts, sums)| counts.iter().zip(sums).map(|(&n, &m)| mean(m, n)).collect())
        .collect();
    RfmSummary {
        bins: bins as u8,
        segments,
        grid,
        grid_m,
        scored,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::{DatasetBuilder, Day, day_from_ymd};
    use crate::engine::period::PeriodKind;
    use crate::engine::scan::scan;

    #[test]
    fn the_default_table_has_all_125_codes_and_11_segments() {
        let t = default_segments();
        assert_eq!(t.len(), 125);
        let lookup = segment_lookup(&t);
        for r in 1..=5 {
            for f in 1..=5 {
                for m in 1..=5 {
                    assert!(lookup[r * 100 + f * 10 + m].is_some());
                }
            }
        }
        let mut names: Vec<_> = t.iter().map(|r| r.segment.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 11);
        let champion = t.iter().find(|r| r.code == 555).unwrap();
        assert_eq!(
            (champion.segment.as_str(), champion.segment_zh.as_str()),
            ("Champions", "重要价值客户")
        );
    }

    #[test]
    fn bins_match_qcut_of_first_ranks() {
        // pandas.qcut(pd.Series(range(1, 11)), 5, labels=False) + 1 == [1,1,2,2,3,3,4,4,5,5]
        let ten: Vec<u8> = (1..=10).map(|i| bin(i, 10, 5)).collect();
        assert_eq!(ten, [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
        // N = 7, quantile edges 1, 2.2, 3.4, 4.6, 5.8, 7: [1,1,2,3,4,5,5]
        let seven: Vec<u8> = (1..=7).map(|i| bin(i, 7, 5)).collect();
        assert_eq!(seven, [1, 1, 2, 3, 4, 5, 5]);
        // N = 3: edges 1, 1.4, 1.8, 2.2, 2.6, 3: [1, 3, 5]
        assert_eq!([bin(1, 3, 5), bin(2, 3, 5), bin(3, 3, 5)], [1, 3, 5]);
        assert_eq!([bin(1, 2, 5), bin(2, 2, 5)], [1, 5]);
        assert_eq!(bin(1, 1, 5), 3);
        assert_eq!(
            [bin(1, 4, 4), bin(2, 4, 4), bin(3, 4, 4), bin(4, 4, 4)],
            [1, 2, 3, 4]
        );
    }

    #[test]
    fn selected_bins_equal_bins_of_a_full_sort() {
        let mut seed = 11u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for n in [1usize, 2, 3, 7, 10, 99, 1000, 4321] {
            for bins in 2..=9u32 {
                let ranked: Vec<(u64, u32, u32)> =
                    (0..n as u32).map(|r| (next() % 50, r, r)).collect();
                let mut sorted = ranked.clone();
                sorted.sort_unstable();
                let mut expected = vec![0u8; n];
                for (i, t) in sorted.iter().enumerate() {
                    expected[t.2 as usize] = bin(i + 1, n, bins);
                }
                let mut got = vec![0u8; n];
                bins_by_rank(ranked, bins, &mut got);
                assert_eq!(got, expected, "n={n} bins={bins}");
            }
        }
    }

    fn d(m: u32, day: u32) -> Day {
        day_from_ymd(2025, m, day).unwrap()
    }

    #[test]
    fn scores_by_hand_with_ties_broken_by_numeric_key() {
        // Five customers, keys chosen so numeric order (2 < 10 < 11 < 30 < 100) differs from
        // string order ("10" < "100" < "11" < "2" < "30").
        let mut b = DatasetBuilder::new();
        let ids: Vec<_> = ["10", "2", "100", "30", "11"]
            .iter()
            .map(|k| b.intern(k))
            .collect();
        let (k10, k2, k100, k30, k11) = (ids[0], ids[1], ids[2], ids[3], ids[4]);
        // Last orders (recency as of 2025-07-01): k10 06-30 (1), k2 06-30 (1), k100 06-01 (30),
        // k30 03-01 (122), k11 01-01 (181).
        // Orders: k10 3, k2 1, k100 3, k30 2, k11 1. Net: k10 300, k2 50, k100 300, k30 -20, k11 80.
        b.order(k10, d(4, 1), 100.0, None);
        b.order(k10, d(5, 1), 100.0, None);
        b.order(k10, d(6, 30), 100.0, None);
        b.order(k2, d(6, 30), 50.0, None);
        b.order(k100, d(2, 1), 100.0, None);
        b.order(k100, d(3, 1), 100.0, None);
        b.order(k100, d(6, 1), 100.0, None);
        b.order(k30, d(2, 1), 30.0, None);
        b.order(k30, d(3, 1), -50.0, None);
        b.order(k11, d(1, 1), 80.0, None);
        let ds = b.build();
        let ctx = Context::new(&ds, ids.clone(), d(7, 1), PeriodKind::Month, 12);
        let s = scan(&ctx);
        let scores = score(&ctx, &s, &RfmSettings::default());
        let got: Vec<u16> = scores.iter().map(|r| r.as_ref().unwrap().code).collect();
        // Recency ascending, ties by key: k2(1), k10(1), k100(30), k30(122), k11(181) ->
        //   k = 1, 2, 3, 4, 5 -> R = 5, 4, 3, 2, 1.
        // Frequency ascending: k2(1), k11(1), k30(2), k10(3), k100(3) -> F = 1, 2, 3, 4, 5.
        // Monetary ascending: k30(-20), k2(50), k11(80), k10(300), k100(300) -> M = 1..5.
        // Codes in row order k10, k2, k100, k30, k11:
        assert_eq!(got, [444, 512, 355, 231, 123]);
        let seg: Vec<&str> = scores
            .iter()
            .map(|r| &*r.as_ref().unwrap().segment)
            .collect();
        assert_eq!(
            seg,
            [
                "Loyal Customers",
                "New Customers",
                "Loyal Customers",
                "About To Sleep",
                "Hibernating"
            ]
        );
        let pairs = scores
            .iter()
            .zip(&s.facts)
            .filter_map(|(r, f)| Some((r.as_ref()?, f.net)));
        let summary = summarize(pairs, &RfmSettings::default());
        let loyal = summary
            .segments
            .iter()
            .find(|x| x.segment == "Loyal Customers")
            .unwrap();
        assert_eq!((loyal.customers, loyal.net_revenue), (2, 600.0));
        // Loyal: 444 and 355 -> R (4+3)/2, F (4+5)/2, M (4+5)/2; 2 of 5 customers; net 600 of
        // 100*3 + 50 + 100*3 + (30-50) + 80 = 710.
        assert_eq!(
            (loyal.avg_r, loyal.avg_f, loyal.avg_m),
            (Some(3.5), Some(4.5), Some(4.5))
        );
        assert_eq!(loyal.share, 0.4);
        assert_eq!(loyal.revenue_share, Some(600.0 / 710.0));
        let champions = summary
            .segments
            .iter()
            .find(|x| x.segment == "Champions")
            .unwrap();
        assert_eq!((champions.customers, champions.avg_r), (0, None));
        assert_eq!(summary.scored, 5);
        assert_eq!(summary.grid[4][0], 1); // k2: R5 F1
        assert_eq!(summary.grid_m[4][0], Some(2.0));
        // R4 F4 holds only k10 (M 4); R3 F5 only k100 (M 5); R5 F5 is empty.
        assert_eq!(summary.grid_m[3][3], Some(4.0));
        assert_eq!(summary.grid_m[2][4], Some(5.0));
        assert_eq!(summary.grid_m[4][4], None);
        assert_eq!(summary.grid.iter().flatten().sum::<u32>(), 5);
    }

    #[test]
    fn only_customers_with_orders_are_scored_and_a_lone_one_is_333() {
        let mut b = DatasetBuilder::new();
        let x = b.intern("X");
        let p = b.intern("P");
        b.order(x, d(1, 1), -10.0, None); // only a return
        let ds = b.build();
        let ctx = Context::new(&ds, vec![x, p], d(2, 1), PeriodKind::Month, 12);
        let scores = score(&ctx, &scan(&ctx), &RfmSettings::default());
        let x_rfm = scores[0].as_ref().unwrap();
        assert_eq!((x_rfm.code, &*x_rfm.segment), (333, "Potential Loyalist"));
        assert_eq!(scores[1], None);
    }

    #[test]
    fn other_bin_counts_rescale_for_the_segment_lookup() {
        let mut b = DatasetBuilder::new();
        let ids: Vec<_> = (0..3).map(|i| b.intern(&i.to_string())).collect();
        for (i, &c) in ids.iter().enumerate() {
            for k in 0..=i {
                b.order(c, d(1, 1 + k as u32), 10.0 * (i + 1) as f64, None);
            }
        }
        let ds = b.build();
        let ctx = Context::new(&ds, ids, d(2, 1), PeriodKind::Month, 12);
        let settings = RfmSettings {
            bins: 3,
            ..RfmSettings::default()
        };
        let scores = score(&ctx, &scan(&ctx), &settings);
        // Customer 2: most recent, most orders, most money -> 333 on the 1-3 scale -> 555.
        let top = scores[2].as_ref().unwrap();
        assert_eq!((top.code, &*top.segment), (333, "Champions"));
        // Customer 0: last order 01-01 -> R 1; F 1; M 1 -> 111, looked up as 222 (ceil(5/3) = 2).
        let low = scores[0].as_ref().unwrap();
        assert_eq!(low.code, 111);
        let rule_222 = default_segments()
            .into_iter()
            .find(|r| r.code == 222)
            .unwrap();
        assert_eq!(*low.segment, *rule_222.segment);
    }
}

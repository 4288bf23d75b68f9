//! Profit against revenue: hidden gems and large accounts that earn little.
//!
//! Seed 000's case: the largest accounts were not the most profitable; a mid-volume customer
//! earned 40% of net profit. Over the trailing window, each customer's share of gross profit is
//! set against its share of net revenue (profit share / revenue share = the customer's margin /
//! the overall margin). A hidden gem is outside the top 20% by revenue, earns at least 1.5x its
//! revenue share in profit, and at least an average customer's share of the profit. A low
//! earner is in the top 20% by revenue and earns at most 0.75x its revenue share in profit (a
//! margin at most three quarters of the average).
//! Needs gross profit in the data. See docs/methods.md, "Profit vs revenue".

use super::rank::float_key;
use super::scan::{Context, Scan};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProfitSettings {
    /// "Large" accounts: this share of the customers with revenue, by revenue.
    pub large_share: f64,
    /// Gems: profit share at least this multiple of the revenue share.
    pub gem_ratio: f64,
    /// Low earners: profit share at most this multiple of the revenue share.
    pub low_ratio: f64,
}

impl Default for ProfitSettings {
    fn default() -> Self {
        ProfitSettings {
            large_share: 0.2,
            gem_ratio: 1.5,
            low_ratio: 0.75,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfitAnalysis {
    /// Over the customers with positive net revenue in the window.
    pub total_revenue: f64,
    pub total_profit: f64,
    pub margin: Option<f64>,
    /// Rows (indexes into `Report::customers`), highest profit share first.
    pub hidden_gems: Vec<u32>,
    /// Rows, highest revenue first.
    pub low_earners: Vec<u32>,
    /// `hidden_gems` and `low_earners` with their figures, in the same order, for views that
    /// do not hold the customer rows (the app's page gets the report without them).
    pub hidden_gem_details: Vec<ProfitRow>,
    pub low_earner_details: Vec<ProfitRow>,
}

/// One customer's profit against its revenue over the window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfitRow {
    /// Index into `Report::customers`.
    pub row: u32,
    pub customer_id: Arc<str>,
    pub name: Arc<str>,
    pub revenue: f64,
    pub profit: f64,
    /// 1 = highest, among the customers with positive revenue (ties by customer key).
    pub revenue_rank: u32,
    pub profit_rank: u32,
    pub revenue_share: f64,
    pub profit_share: f64,
    /// Profit / revenue (revenue is positive for every ranked customer).
    pub margin: f64,
}

/// `None` without gross profit in the data.
pub fn analyze(ctx: &Context, scan: &Scan, settings: &ProfitSettings) -> Option<ProfitAnalysis> {
    if !ctx.ds.has_profit() {
        return None;
    }
    let f = &scan.facts;
    // Revenue descending, key ascending.
    let mut ranked: Vec<(u64, u32, u32)> = (0..f.len())
        .filter(|&r| f[r].window_net > 0.0)
        .map(|r| (!float_key(f[r].window_net), ctx.key_pos[r], r as u32))
        .collect();
    ranked.sort_unstable();
    let with_revenue: Vec<u32> = ranked.into_iter().map(|t| t.2).collect();
    let n = with_revenue.len();
    let total_revenue: f64 = with_revenue.iter().map(|&r| f[r as usize].window_net).sum();
    let total_profit: f64 = with_revenue
        .iter()
        .map(|&r| f[r as usize].window_profit)
        .sum();
    let large = ((settings.large_share * n as f64).ceil() as usize).min(n);
    let mut hidden_gems = Vec::new();
    let mut low_earners = Vec::new();
    if total_profit > 0.0 {
        for (rank, &r) in with_revenue.iter().enumerate() {
            let revenue_share = f[r as usize].window_net / total_revenue;
            let profit_share = f[r as usize].window_profit / total_profit;
            if rank < large {
                if profit_share <= settings.low_ratio * revenue_share {
                    low_earners.push(r);
                }
            } else if profit_share >= settings.gem_ratio * revenue_share
                && profit_share >= 1.0 / n as f64
            {
                hidden_gems.push(r);
            }
        }
    }
    hidden_gems.sort_by(|&a, &b| {
        f[b as usize]
            .window_profit
            .total_cmp(&f[a as usize].window_profit)
    });
    // Profit rank of each ranked row: profit descending, key ascending.
    let mut by_profit: Vec<(u64, u32, u32)> = with_revenue
        .iter()
        .map(|&r| {
            let r = r as usize;
            (!float_key(f[r].window_profit), ctx.key_pos[r], r as u32)
        })
        .collect();
    by_profit.sort_unstable();
    let mut rank_of = vec![(0u32, 0u32); f.len()];
    for (i, &r) in with_revenue.iter().enumerate() {
        rank_of[r as usize].0 = i as u32 + 1;
    }
    for (i, t) in by_profit.iter().enumerate() {
        rank_of[t.2 as usize].1 = i as u32 + 1;
    }
    let details = |rows: &[u32]| -> Vec<ProfitRow> {
        rows.iter()
            .map(|&r| {
                let (revenue, profit) = (f[r as usize].window_net, f[r as usize].window_profit);
                let c = ctx.customer(r as usize);
                ProfitRow {
                    row: r,
                    customer_id: c.key.clone(),
                    name: c.name.clone(),
                    revenue,
                    profit,
                    revenue_rank: rank_of[r as usize].0,
                    profit_rank: rank_of[r as usize].1,
                    revenue_share: revenue / total_revenue,
                    profit_share: profit / total_profit,
                    margin: profit / revenue,
                }
            })
            .collect()
    };
    let hidden_gem_details = details(&hidden_gems);
    let low_earner_details = details(&low_earners);
    Some(ProfitAnalysis {
        total_revenue,
        total_profit,
        margin: (total_revenue > 0.0).then(|| total_profit / total_revenue),
        hidden_gems,
        low_earners,
        hidden_gem_details,
        low_earner_details,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::{DatasetBuilder, day_from_ymd};
    use crate::engine::period::PeriodKind;
    use crate::engine::scan::scan;

    #[test]
    fn gems_and_low_earners_by_hand() {
        let day = day_from_ymd(2024, 6, 1).unwrap();
        let mut b = DatasetBuilder::new();
        // Revenue 1000 in total, profit 200 (margin 20%). Ten customers:
        //   big 400 / profit 20  (top 20%: profit share 10% <= 0.75 * 40%: low earner)
        //   big2 200 / profit 40 (top 20%: 20% > 0.75 * 20%: not a low earner)
        //   gem 100 / profit 60  (30% >= 1.5 * 10% and >= 10%: gem)
        //   small 50 / profit 15 (7.5% >= 1.5 * 5% but < 1/n = 10%: not a gem)
        //   six at 41.67 / profit 10.83: ordinary.
        let rows: [(&str, f64, f64); 4] = [
            ("big", 400.0, 20.0),
            ("big2", 200.0, 40.0),
            ("gem", 100.0, 60.0),
            ("small", 50.0, 15.0),
        ];
        for (k, a, p) in rows {
            let c = b.intern(k);
            b.order(c, day, a, Some(p));
        }
        for i in 0..6 {
            let c = b.intern(&format!("o{i}"));
            b.order(c, day, 250.0 / 6.0, Some(65.0 / 6.0));
        }
        let none = b.intern("returns-only");
        b.order(none, day, -10.0, Some(-2.0));
        let ds = b.build();
        let ctx = Context::new(
            &ds,
            (0..11).collect(),
            day_from_ymd(2025, 1, 1).unwrap(),
            PeriodKind::Month,
            12,
        );
        let a = analyze(&ctx, &scan(&ctx), &ProfitSettings::default()).unwrap();
        assert!((a.total_revenue - 1000.0).abs() < 1e-9);
        assert!((a.total_profit - 200.0).abs() < 1e-9);
        assert_eq!(a.low_earners, [0]);
        assert_eq!(a.hidden_gems, [2]);
        // By revenue: big 1, big2 2, gem 3; by profit: gem 60 first, big2 40, big 20 third.
        let gem = &a.hidden_gem_details[0];
        assert_eq!((gem.row, &*gem.customer_id), (2, "gem"));
        assert_eq!((gem.revenue_rank, gem.profit_rank), (3, 1));
        assert_eq!((gem.revenue, gem.profit), (100.0, 60.0));
        assert!((gem.margin - 0.6).abs() < 1e-12);
        assert!((gem.revenue_share - 0.1).abs() < 1e-12);
        assert!((gem.profit_share - 0.3).abs() < 1e-12);
        let big = &a.low_earner_details[0];
        assert_eq!(
            (&*big.customer_id, big.revenue_rank, big.profit_rank),
            ("big", 1, 3)
        );
        assert!((big.margin - 0.05).abs() < 1e-12);
    }

    #[test]
    fn nothing_without_profit_data() {
        let mut b = DatasetBuilder::new();
        let c = b.intern("x");
        b.order(c, 100, 1.0, None);
        let ds = b.build();
        let ctx = Context::new(&ds, vec![c], 200, PeriodKind::Month, 12);
        assert_eq!(analyze(&ctx, &scan(&ctx), &ProfitSettings::default()), None);
    }
}

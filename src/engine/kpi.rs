//! Headline KPIs of the current period against the previous one, revenue concentration (top
//! 20% share, Gini) and the Pareto curve.
//!
//! Seed 001 lists the programme KPIs (active customers, repurchase rate, churn by tier); seed
//! 003's 80/20 reading is the Pareto curve (Lorenz curve drawn from the top); the Gini
//! coefficient is the usual concentration summary (Gini 1912; for sorted x ascending,
//! G = sum((2i - n - 1) x_i) / (n sum x)). Concentration uses each active customer's net
//! revenue in the period with returns beyond sales counted as 0. See docs/methods.md, "KPIs".

use super::rank::float_key;
use super::scan::{Context, Scan};
use super::tiers::{PerTier, Tier, TierTable};
use serde::{Deserialize, Serialize};

/// A figure now, the same figure for the previous period, and the change.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Kpi {
    /// `None` when undefined (e.g. average order value without orders, margin without profit).
    pub current: Option<f64>,
    pub previous: Option<f64>,
    /// current - previous (percentage points for rates).
    pub delta: Option<f64>,
    /// delta / |previous|, when previous is not zero.
    pub change: Option<f64>,
}

impl Kpi {
    pub fn new(current: Option<f64>, previous: Option<f64>) -> Kpi {
        let delta = current.zip(previous).map(|(c, p)| c - p);
        let change = delta
            .zip(previous)
            .and_then(|(d, p)| (p != 0.0).then(|| d / p.abs()));
        Kpi {
            current,
            previous,
            delta,
            change,
        }
    }
}

/// Churn rate by last period's tier: share of A (B, C) customers that are D now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct ChurnByTier {
    #[serde(rename = "A")]
    pub a: Kpi,
    #[serde(rename = "B")]
    pub b: Kpi,
    #[serde(rename = "C")]
    pub c: Kpi,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Kpis {
    pub period: String,
    pub previous_period: Option<String>,
    /// Known customers (A + B + C + D).
    pub customers: Kpi,
    /// Customers with an order in the period.
    pub active_customers: Kpi,
    /// Customers whose first order is in the period.
    pub new_customers: Kpi,
    pub orders: Kpi,
    pub net_revenue: Kpi,
    pub gross_profit: Kpi,
    /// Gross profit / net revenue.
    pub gross_margin: Kpi,
    /// Net revenue / orders.
    pub average_order_value: Kpi,
    /// Orders / active customers.
    pub purchase_frequency: Kpi,
    /// Share of active customers with at least 2 orders in the 12 months ending with the period.
    pub repurchase_rate: Kpi,
    /// Share of the previous period's A, B and C customers who are D now.
    pub churn_rate: Kpi,
    pub churn_by_tier: ChurnByTier,
    /// Net revenue share of the top 20% of active customers.
    pub top20_share: Kpi,
    pub gini: Kpi,
    pub tier_counts: PerTier<Kpi>,
}

/// Figures of one period.
#[derive(Debug, Default)]
struct Stats {
    customers: f64,
    active: f64,
    new: f64,
    orders: f64,
    net: f64,
    profit: Option<f64>,
    repurchase: Option<f64>,
    churn: Option<f64>,
    churn_by_tier: [Option<f64>; 3],
    top20: Option<f64>,
    gini: Option<f64>,
    tiers: PerTier<f64>,
}

fn ratio(a: f64, b: f64) -> Option<f64> {
    (b != 0.0).then(|| a / b)
}

/// Net revenue of the active customers, highest first, negatives counted as 0.
fn sorted_revenue(scan: &Scan, p: usize) -> Vec<f64> {
    let mut v: Vec<f64> = scan.per_period[p].iter().map(|e| e.net.max(0.0)).collect();
    v.sort_unstable_by_key(|&x| !float_key(x));
    v
}

/// Gini coefficient of non-negative values sorted descending; `None` when they sum to 0.
pub fn gini(desc: &[f64]) -> Option<f64> {
    let n = desc.len() as f64;
    let total: f64 = desc.iter().sum();
    if total <= 0.0 {
        return None;
    }
    // Ascending rank i = n - position.
    let weighted: f64 = desc
        .iter()
        .enumerate()
        .map(|(pos, &x)| (2.0 * (n - pos as f64) - n - 1.0) * x)
        .sum();
    Some(weighted / (n * total))
}

/// Share of the total held by the top `share` of values (sorted descending), at least one value.
pub fn top_share(desc: &[f64], share: f64) -> Option<f64> {
    let total: f64 = desc.iter().sum();
    if total <= 0.0 {
        return None;
    }
    let k = ((share * desc.len() as f64).ceil() as usize).clamp(1, desc.len());
    Some(desc[..k].iter().sum::<f64>() / total)
}

/// One point of the Pareto curve: the top `customers` share of customers holds `revenue`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ParetoPoint {
    pub customers: f64,
    pub revenue: f64,
}

/// The curve at every whole percent of customers (and 0), from values sorted descending.
pub fn pareto(desc: &[f64]) -> Vec<ParetoPoint> {
    let n = desc.len();
    let total: f64 = desc.iter().sum();
    if n == 0 || total <= 0.0 {
        return Vec::new();
    }
    let mut points = Vec::with_capacity(101);
    let (mut cum, mut taken) = (0.0, 0);
    for j in 0..=100usize {
        let k = (j * n).div_ceil(100);
        if points.last().is_some_and(|_| k == taken) {
            continue;
        }
        cum += desc[taken..k].iter().sum::<f64>();
        taken = k;
        points.push(ParetoPoint {
            customers: k as f64 / n as f64,
            revenue: cum / total,
        });
    }
    points
}

fn stats(ctx: &Context, scan: &Scan, table: &TierTable, p: usize, repurchase_slot: usize) -> Stats {
    let entries = &scan.per_period[p];
    let start = ctx.calendar.periods[p].start;
    let mut s = Stats {
        active: entries.len() as f64,
        ..Stats::default()
    };
    let counts = table.counts[p];
    for t in Tier::ALL {
        s.tiers[t] = f64::from(counts[t]);
        s.customers += f64::from(counts[t]);
    }
    let mut repurchasers = 0.0;
    let mut profit = 0.0;
    for e in entries {
        let f = &scan.facts[e.row as usize];
        s.new += f64::from(u8::from(f.first >= start));
        s.orders += f64::from(e.orders);
        s.net += e.net;
        profit += e.profit;
        repurchasers += f64::from(u8::from(f.orders_12m[repurchase_slot] >= 2));
    }
    s.profit = ctx.ds.has_profit().then_some(profit);
    s.repurchase = ratio(repurchasers, s.active);
    if let Some(prev) = p.checked_sub(1) {
        let mut was = [0.0f64; 3];
        let mut gone = [0.0f64; 3];
        for row in 0..scan.facts.len() {
            if let Some(t @ (Tier::A | Tier::B | Tier::C)) = table.get(row, prev) {
                was[t.index()] += 1.0;
                if table.get(row, p) == Some(Tier::D) {
                    gone[t.index()] += 1.0;
                }
            }
        }
        s.churn = ratio(gone.iter().sum(), was.iter().sum());
        s.churn_by_tier = [0, 1, 2].map(|i| ratio(gone[i], was[i]));
    }
    let revenue = sorted_revenue(scan, p);
    s.top20 = top_share(&revenue, 0.2);
    s.gini = gini(&revenue);
    s
}

pub fn kpis(ctx: &Context, scan: &Scan, table: &TierTable) -> Kpis {
    let cal = &ctx.calendar;
    let cur = stats(ctx, scan, table, cal.current(), 0);
    let prev = cal.previous().map(|p| stats(ctx, scan, table, p, 1));
    let k = |f: &dyn Fn(&Stats) -> Option<f64>| Kpi::new(f(&cur), prev.as_ref().and_then(f));
    Kpis {
        period: cal.periods[cal.current()].label.clone(),
        previous_period: cal.previous().map(|p| cal.periods[p].label.clone()),
        customers: k(&|s| Some(s.customers)),
        active_customers: k(&|s| Some(s.active)),
        new_customers: k(&|s| Some(s.new)),
        orders: k(&|s| Some(s.orders)),
        net_revenue: k(&|s| Some(s.net)),
        gross_profit: k(&|s| s.profit),
        gross_margin: k(&|s| s.profit.and_then(|p| ratio(p, s.net))),
        average_order_value: k(&|s| ratio(s.net, s.orders)),
        purchase_frequency: k(&|s| ratio(s.orders, s.active)),
        repurchase_rate: k(&|s| s.repurchase),
        churn_rate: k(&|s| s.churn),
        churn_by_tier: ChurnByTier {
            a: k(&|s| s.churn_by_tier[0]),
            b: k(&|s| s.churn_by_tier[1]),
            c: k(&|s| s.churn_by_tier[2]),
        },
        top20_share: k(&|s| s.top20),
        gini: k(&|s| s.gini),
        tier_counts: PerTier {
            a: k(&|s| Some(s.tiers.a)),
            b: k(&|s| Some(s.tiers.b)),
            c: k(&|s| Some(s.tiers.c)),
            d: k(&|s| Some(s.tiers.d)),
        },
    }
}

/// The Pareto curve of the current period's net revenue.
pub fn current_pareto(ctx: &Context, scan: &Scan) -> Vec<ParetoPoint> {
    pareto(&sorted_revenue(scan, ctx.calendar.current()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::{DatasetBuilder, day_from_ymd};
    use crate::engine::period::PeriodKind;
    use crate::engine::scan::scan;
    use crate::engine::tiers::{Metric, TierSettings, tier_table};

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-12)
    }

    #[test]
    fn gini_top_share_and_pareto_by_hand() {
        // Equal values: Gini 0; one holder of everything among 4: (2*4 - 4 - 1) / 4 = 0.75.
        assert_eq!(gini(&[5.0, 5.0, 5.0]), Some(0.0));
        assert_eq!(gini(&[8.0, 0.0, 0.0, 0.0]), Some(0.75));
        // 4, 3, 2, 1: ascending sum (2i - 5) x_i = -3*1 - 1*2 + 1*3 + 3*4 = 10; 10 / (4*10) = 0.25.
        assert_eq!(gini(&[4.0, 3.0, 2.0, 1.0]), Some(0.25));
        assert_eq!(gini(&[0.0]), None);
        // Top 20% of 10 values = 2 values.
        let v: Vec<f64> = (1..=10).rev().map(f64::from).collect();
        assert!(close(top_share(&v, 0.2), 19.0 / 55.0));
        // Top 20% of 3 values = ceil(0.6) = 1 value.
        assert!(close(top_share(&[6.0, 3.0, 1.0], 0.2), 0.6));
        let p = pareto(&[6.0, 3.0, 1.0]);
        // k = ceil(j * 3 / 100): 0, 1 (j 1..33), 2 (34..66), 3 (67..100).
        assert_eq!(p.len(), 4);
        assert_eq!(
            p[1],
            ParetoPoint {
                customers: 1.0 / 3.0,
                revenue: 0.6
            }
        );
        assert_eq!(
            p[3],
            ParetoPoint {
                customers: 1.0,
                revenue: 1.0
            }
        );
        assert!(pareto(&[]).is_empty());
    }

    #[test]
    fn kpis_by_hand() {
        let d = |m, day| day_from_ymd(2025, m, day).unwrap();
        let mut b = DatasetBuilder::new();
        let ids: Vec<_> = ["1", "2", "3", "4"].iter().map(|k| b.intern(k)).collect();
        // January: 1 = 600 (A, 60%), 2 = 300 (B, 90%), 3 = 100 (C). 2 orders for customer 1.
        b.order(ids[0], d(1, 2), 400.0, Some(100.0));
        b.order(ids[0], d(1, 20), 200.0, Some(50.0));
        b.order(ids[1], d(1, 2), 300.0, Some(30.0));
        b.order(ids[2], d(1, 2), 100.0, Some(20.0));
        // February: 1 = 500 (A? 500/800 = 62.5% A), 4 (new) = 300 (100% C); 2 and 3 stop (D).
        b.order(ids[0], d(2, 2), 500.0, Some(100.0));
        b.order(ids[3], d(2, 2), 300.0, Some(-30.0));
        let ds = b.build();
        let ctx = Context::new(&ds, ids, d(3, 1), PeriodKind::Month, 12);
        let s = scan(&ctx);
        let table = tier_table(&ctx, &s, Metric::Revenue, &TierSettings::default());
        let k = kpis(&ctx, &s, &table);
        assert_eq!(
            (k.period.as_str(), k.previous_period.as_deref()),
            ("2025-02", Some("2025-01"))
        );
        assert_eq!(k.customers, Kpi::new(Some(4.0), Some(3.0)));
        assert_eq!(k.active_customers.current, Some(2.0));
        assert_eq!(k.active_customers.change, Some(-1.0 / 3.0));
        assert_eq!(k.new_customers, Kpi::new(Some(1.0), Some(3.0)));
        assert_eq!(k.orders, Kpi::new(Some(2.0), Some(4.0)));
        assert_eq!(k.net_revenue, Kpi::new(Some(800.0), Some(1000.0)));
        assert_eq!(k.net_revenue.delta, Some(-200.0));
        assert_eq!(k.gross_profit, Kpi::new(Some(70.0), Some(200.0)));
        assert!(close(k.gross_margin.current, 70.0 / 800.0));
        assert_eq!(k.average_order_value, Kpi::new(Some(400.0), Some(250.0)));
        assert_eq!(k.purchase_frequency, Kpi::new(Some(1.0), Some(4.0 / 3.0)));
        // February: customer 1 has 3 orders in 12 months, customer 4 one: 50%.
        // January: customer 1 has 2 orders, 2 and 3 one each: 1/3.
        assert!(close(k.repurchase_rate.current, 0.5));
        assert!(close(k.repurchase_rate.previous, 1.0 / 3.0));
        // Of January's A, B, C (1, 2, 3), 2 and 3 are D: 2/3; by tier A 0, B 1, C 1.
        assert!(close(k.churn_rate.current, 2.0 / 3.0));
        assert_eq!(k.churn_rate.previous, None, "no period before January");
        assert_eq!(k.churn_by_tier.a.current, Some(0.0));
        assert_eq!(k.churn_by_tier.b.current, Some(1.0));
        // Top 20% of two customers = 1: 500 / 800; Gini of (500, 300): (1*500 - 1*300) / (2*800).
        assert!(close(k.top20_share.current, 0.625));
        assert!(close(k.gini.current, 200.0 / 1600.0));
        assert_eq!(k.tier_counts.a.current, Some(1.0));
        assert_eq!(k.tier_counts.d, Kpi::new(Some(2.0), Some(0.0)));
        assert_eq!(k.tier_counts.d.change, None);
    }

    #[test]
    fn a_period_without_orders_has_no_averages() {
        let d = |m, day| day_from_ymd(2025, m, day).unwrap();
        let mut b = DatasetBuilder::new();
        let x = b.intern("x");
        b.order(x, d(1, 2), 100.0, None);
        let ds = b.build();
        let ctx = Context::new(&ds, vec![x], d(3, 1), PeriodKind::Month, 12);
        let s = scan(&ctx);
        let table = tier_table(&ctx, &s, Metric::Revenue, &TierSettings::default());
        let k = kpis(&ctx, &s, &table);
        assert_eq!(k.period, "2025-02");
        assert_eq!(k.orders.current, Some(0.0));
        assert_eq!(k.average_order_value.current, None);
        assert_eq!(k.repurchase_rate.current, None);
        assert_eq!(k.gross_profit.current, None, "no profit data");
        assert_eq!(k.top20_share.current, None);
        assert_eq!(k.tier_counts.d.current, Some(1.0));
        assert!(current_pareto(&ctx, &s).is_empty());
    }
}

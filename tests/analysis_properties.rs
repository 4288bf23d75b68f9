//! Invariants of `report::analyze` on random datasets and settings (issue 4): every customer
//! has exactly one tier per period once known; A + B + C + D equals the known customers; RFM
//! scores lie in 1..=bins; shares sum to 100%; scores lie in 0..=100; and the parts of every
//! table add up to its whole.

#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use tierlens::engine::model::{Customer, Dataset, DatasetBuilder, Day, day_from_ymd};
use tierlens::engine::period::PeriodKind;
use tierlens::engine::report::{Settings, analyze};
use tierlens::engine::tiers::{Metric, Tier, TierRule};

#[derive(Debug, Clone)]
struct Order {
    customer: usize,
    day: i32,
    amount: i32,
    profit: i32,
}

fn dataset(
    customers: usize,
    integer_keys: bool,
    orders: &[Order],
    with_profit: bool,
    cooperation: &[Option<i32>],
) -> Dataset {
    let start = day_from_ymd(2023, 1, 1).unwrap();
    let mut b = DatasetBuilder::new();
    let ids: Vec<u32> = (0..customers)
        .map(|i| {
            let key = if integer_keys {
                format!("{}", (i * 7919) % 1000)
            } else {
                format!("C{}", (i * 31) % 97)
            };
            let id = b.intern(&key);
            if let Some(Some(days)) = cooperation.get(i) {
                let c = Customer {
                    key: key.into(),
                    first_cooperation: Some(start + days),
                    region: if i % 2 == 0 {
                        "华东".into()
                    } else {
                        "华南".into()
                    },
                    ..Customer::default()
                };
                b.customer(c);
            }
            id
        })
        .collect();
    for o in orders {
        // Amounts in tens, so ties are common; some negative (returns).
        let profit = with_profit.then_some(f64::from(o.profit * 5));
        b.order(
            ids[o.customer % customers],
            start + o.day,
            f64::from(o.amount * 10),
            profit,
        );
    }
    b.build()
}

fn settings_strategy() -> impl Strategy<Value = Settings> {
    (
        prop_oneof![
            Just(PeriodKind::Month),
            Just(PeriodKind::Quarter),
            Just(PeriodKind::Year),
            Just(PeriodKind::All)
        ],
        prop_oneof![
            Just(TierRule::CumulativeShare),
            Just(TierRule::RankShare),
            Just(TierRule::Absolute)
        ],
        prop_oneof![Just(Metric::Revenue), Just(Metric::Profit)],
        2u8..=9,
        proptest::option::of(0i32..900),
        prop_oneof![Just(12u32), Just(6), Just(24)],
    )
        .prop_map(|(period, rule, metric, bins, as_of, window)| {
            let mut s = Settings {
                period,
                metric,
                as_of: as_of.map(|d| day_from_ymd(2023, 1, 1).unwrap() + d as Day),
                window_months: window,
                ..Settings::default()
            };
            s.tiers.rule = rule;
            // Small thresholds so the absolute rule gives A and B on these amounts.
            s.tiers.annual_thresholds = [20_000.0, 5_000.0];
            s.rfm.bins = bins;
            s
        })
}

fn orders_strategy() -> impl Strategy<Value = Vec<Order>> {
    prop::collection::vec(
        (0usize..40, 0i32..800, -20i32..200, -10i32..60).prop_map(
            |(customer, day, amount, profit)| Order {
                customer,
                day,
                amount,
                profit,
            },
        ),
        0..250,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn report_invariants(
        customers in 1usize..40,
        integer_keys in any::<bool>(),
        with_profit in any::<bool>(),
        orders in orders_strategy(),
        cooperation in prop::collection::vec(proptest::option::of(0i32..700), 0..40),
        settings in settings_strategy(),
    ) {
        let ds = dataset(customers, integer_keys, &orders, with_profit, &cooperation);
        let r = analyze(&ds, &settings);
        let periods = r.periods.len();
        prop_assert!(periods >= 1);
        prop_assert_eq!(r.customers.len(), ds.customers.len());
        let bins = settings.rfm.bins;

        prop_assert_eq!(r.tier_history.len(), r.customers.len());
        for (i, c) in r.customers.iter().enumerate() {
            // One entry per period; once known, known for good.
            let history = r.tier_history.row(i);
            prop_assert_eq!(history.len(), periods);
            let first_known = history.iter().position(Option::is_some).unwrap_or(periods);
            prop_assert!(history[first_known..].iter().all(Option::is_some));
            prop_assert_eq!(c.tier, history[periods - 1]);
            // RFM for exactly the customers with orders, in 1..=bins.
            prop_assert_eq!(c.rfm.is_some(), c.orders > 0);
            if let Some(rfm) = &c.rfm {
                for s in [rfm.r, rfm.f, rfm.m] {
                    prop_assert!((1..=bins).contains(&s), "score {} of {}", s, bins);
                }
                prop_assert_eq!(rfm.code, u16::from(rfm.r) * 100 + u16::from(rfm.f) * 10 + u16::from(rfm.m));
            }
            let value = c.value_score.as_ref().map(|v| (v.score, v.criteria.iter().map(|x| (x.score, x.weight)).collect()));
            let loyalty = c.loyalty_score.as_ref().map(|v| (v.score, v.criteria.iter().map(|x| (x.score, x.weight)).collect()));
            let scores: Vec<(f64, Vec<(f32, f32)>)> = [value, loyalty].into_iter().flatten().collect();
            for (score, criteria) in &scores {
                prop_assert!((0.0..=100.0).contains(score), "score {}", score);
                let weights: f64 = criteria.iter().map(|x| f64::from(x.1)).sum();
                prop_assert!((weights - 1.0).abs() < 1e-6, "weights sum to {}", weights);
                prop_assert!(criteria.iter().all(|x| (0.0..=100.0).contains(&x.0)));
            }
            // Zero or negative net in the current period is never A or B.
            if c.period_revenue <= 0.0 && r.metric == Metric::Revenue {
                prop_assert!(!matches!(c.tier, Some(Tier::A | Tier::B)));
            }
            // D means no order in the period.
            if c.tier == Some(Tier::D) {
                prop_assert_eq!(c.period_revenue, 0.0);
            }
        }

        for (p, dist) in r.tier_distribution.iter().enumerate() {
            let known = (0..r.customers.len()).filter(|&i| r.tier_history.row(i)[p].is_some()).count() as u32;
            prop_assert_eq!(dist.customers.a + dist.customers.b + dist.customers.c + dist.customers.d, known);
            let shares = [dist.revenue_share.a, dist.revenue_share.b, dist.revenue_share.c, dist.revenue_share.d];
            let total: f64 = shares.iter().sum();
            let revenue = dist.revenue.a + dist.revenue.b + dist.revenue.c;
            if revenue > 0.0 {
                prop_assert!((total - 1.0).abs() < 1e-9, "shares sum to {}", total);
            } else {
                prop_assert_eq!(total, 0.0);
            }
            prop_assert_eq!(dist.revenue.d, 0.0);
        }

        if let Some(m) = &r.migration {
            let cells: u32 = m.cells.iter().map(|c| c.customers).sum();
            let known_now = r.customers.iter().filter(|c| c.tier.is_some()).count() as u32;
            prop_assert_eq!(cells, known_now);
        } else {
            prop_assert_eq!(periods, 1);
        }

        let pareto = &r.pareto;
        for w in pareto.windows(2) {
            prop_assert!(w[0].customers < w[1].customers && w[0].revenue <= w[1].revenue + 1e-12);
        }
        if let Some(last) = pareto.last() {
            prop_assert!((last.customers - 1.0).abs() < 1e-12 && (last.revenue - 1.0).abs() < 1e-9);
        }
        for share in [r.kpis.top20_share.current, r.kpis.gini.current, r.kpis.repurchase_rate.current, r.kpis.churn_rate.current].into_iter().flatten() {
            prop_assert!((0.0..=1.0 + 1e-12).contains(&share), "{}", share);
        }

        for cohort in &r.cohorts {
            prop_assert_eq!(cohort.active[0], cohort.customers);
            prop_assert!(cohort.customer_retention.iter().all(|x| (0.0..=1.0).contains(x)));
        }
        let cohort_customers: u32 = r.cohorts.iter().map(|c| c.customers).sum();
        prop_assert_eq!(cohort_customers as usize, r.customers.iter().filter(|c| c.orders > 0).count());

        let layers: u32 = r.layers.layers.iter().sum();
        prop_assert_eq!(layers as usize, r.customers.iter().filter(|c| c.value_score.is_some()).count());
        let segments: u32 = r.rfm.segments.iter().map(|s| s.customers).sum();
        prop_assert_eq!(segments as usize, r.customers.iter().filter(|c| c.rfm.is_some()).count());

        // The action list holds every row with an action, most urgent first.
        prop_assert_eq!(r.action_list.len(), r.customers.iter().filter(|c| c.action.is_some()).count());
        let priorities: Vec<_> = r.actions().map(|(_, a)| a.priority).collect();
        prop_assert!(priorities.windows(2).all(|w| w[0] <= w[1]));
    }
}

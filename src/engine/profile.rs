//! The 360-degree profile of one customer: master data, the report row with every score and its
//! breakdown, net revenue (and gross profit) month by month, and the tier of every period.
//!
//! Nothing here is a new formula: the monthly figures are sums of the customer's orders before
//! the as-of date by calendar month (as `scan` counts them), and the tier history is the
//! report's own (`Report::tier_history`, labelled with `Report::periods`).

use super::model::{Customer, Dataset, month_index};
use super::period::{month_label, month_start};
use super::report::{CustomerRow, Report};
use super::tiers::Tier;
use serde::{Deserialize, Serialize};

/// Everything the profile page shows about one customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    pub customer: Customer,
    pub row: CustomerRow,
    /// Every calendar month from the first report period to the one holding the day before the
    /// as-of date, oldest first, months without orders included (so the chart shows the gaps).
    pub months: Vec<MonthFigures>,
    /// The tier in every report period, oldest first.
    pub tiers: Vec<PeriodTier>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonthFigures {
    /// `2025-03`.
    pub month: String,
    pub orders: u32,
    pub net_revenue: f64,
    /// `None` without gross profit in the data.
    pub gross_profit: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeriodTier {
    pub period: String,
    /// `None` before the customer was known.
    pub tier: Option<Tier>,
}

/// The profile of the report's customer with key `key`; `None` when the report has no such
/// customer (an unknown key, or one the filter left out).
pub fn profile(ds: &Dataset, report: &Report, key: &str) -> Option<Profile> {
    let at = report
        .customers
        .iter()
        .position(|r| &*r.customer_id == key)?;
    let row = &report.customers[at];
    let c = row.index;

    let first = month_index(report.periods.first()?.start);
    let last = month_index(report.as_of - 1).max(first);
    let has_profit = ds.has_profit();
    let mut months: Vec<MonthFigures> = (first..=last)
        .map(|m| MonthFigures {
            month: month_label(m),
            orders: 0,
            net_revenue: 0.0,
            gross_profit: has_profit.then_some(0.0),
        })
        .collect();
    let range = ds.orders_of(c);
    let days = &ds.orders.day[range.clone()];
    // Orders are sorted by day: the ones before the first month and from the as-of date on
    // are cut off by two binary searches.
    let from = range.start + days.partition_point(|&d| d < month_start(first));
    let to = range.start + days.partition_point(|&d| d < report.as_of);
    for i in from..to {
        let m = &mut months[(month_index(ds.orders.day[i]) - first) as usize];
        m.orders += 1;
        m.net_revenue += ds.orders.amount[i];
        if let (Some(p), Some(profit)) = (m.gross_profit.as_mut(), &ds.orders.profit) {
            *p += profit[i];
        }
    }

    let history = report.tier_history.row(at);
    let tiers = report
        .periods
        .iter()
        .zip(history)
        .map(|(p, &tier)| PeriodTier {
            period: p.label.clone(),
            tier,
        })
        .collect();

    Some(Profile {
        customer: ds.customers[c as usize].clone(),
        row: row.clone(),
        months,
        tiers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::{Customer, DatasetBuilder, Day, day_from_ymd};
    use crate::engine::report::{Settings, analyze};
    use Tier::*;

    fn d(y: i32, m: u32, day: u32) -> Day {
        day_from_ymd(y, m, day).unwrap()
    }

    /// Two customers from December 2024; analysed as of 2025-04-01, so an April order is ignored.
    fn shop() -> Dataset {
        let mut b = DatasetBuilder::new();
        let x = b.customer(Customer {
            key: "X1".into(),
            name: "恒达机械".into(),
            industry: "制造".into(),
            manager: "张伟".into(),
            credit_limit: Some(50_000.0),
            ..Customer::default()
        });
        let y = b.intern("Y2");
        b.order(x, d(2024, 12, 3), 1000.0, Some(200.0));
        b.order(x, d(2024, 12, 20), 500.0, Some(100.0));
        b.order(x, d(2025, 2, 1), 2000.0, Some(300.0));
        b.order(x, d(2025, 2, 15), -300.0, Some(-50.0)); // a return
        b.order(x, d(2025, 4, 2), 9999.0, Some(1.0)); // after the as-of date
        b.order(y, d(2025, 1, 10), 4000.0, Some(800.0));
        b.order(y, d(2025, 3, 10), 100.0, Some(10.0));
        b.build()
    }

    #[test]
    fn monthly_sums_and_tier_history_by_hand() {
        let ds = shop();
        let settings = Settings {
            as_of: Some(d(2025, 4, 1)),
            ..Settings::default()
        };
        let report = analyze(&ds, &settings);
        let p = profile(&ds, &report, "X1").unwrap();
        assert_eq!(&*p.customer.name, "恒达机械");
        assert_eq!(p.customer.credit_limit, Some(50_000.0));
        assert_eq!(&*p.row.customer_id, "X1");
        assert_eq!(p.row.orders, 4, "the April order is after the as-of date");

        let months: Vec<_> = p
            .months
            .iter()
            .map(|m| (m.month.as_str(), m.orders, m.net_revenue, m.gross_profit))
            .collect();
        assert_eq!(
            months,
            [
                ("2024-12", 2, 1500.0, Some(300.0)),
                ("2025-01", 0, 0.0, Some(0.0)),
                ("2025-02", 2, 1700.0, Some(250.0)),
                ("2025-03", 0, 0.0, Some(0.0)),
            ]
        );

        // December: X1 alone -> C (the top 80% needs more than one customer to split).
        // January: Y2 4000 is 100% -> C, X1 has no order -> D. February: X1 alone -> C.
        // March: Y2 alone -> C, X1 -> D.
        let tiers: Vec<_> = p
            .tiers
            .iter()
            .map(|t| (t.period.as_str(), t.tier))
            .collect();
        assert_eq!(
            tiers,
            [
                ("2024-12", Some(C)),
                ("2025-01", Some(D)),
                ("2025-02", Some(C)),
                ("2025-03", Some(D)),
            ]
        );
        let y = profile(&ds, &report, "Y2").unwrap();
        let y_tiers: Vec<_> = y.tiers.iter().map(|t| t.tier).collect();
        assert_eq!(y_tiers, [None, Some(C), Some(D), Some(C)]);
        let y_net: Vec<_> = y.months.iter().map(|m| m.net_revenue).collect();
        assert_eq!(y_net, [0.0, 4000.0, 0.0, 100.0]);
    }

    #[test]
    fn unknown_keys_have_no_profile_and_no_profit_data_no_profit_figures() {
        let ds = shop();
        let report = analyze(&ds, &Settings::default());
        assert_eq!(profile(&ds, &report, "nobody"), None);

        let mut b = DatasetBuilder::new();
        let x = b.intern("X");
        b.order(x, d(2025, 1, 5), 10.0, None);
        b.order(x, d(2025, 1, 9), 5.0, None);
        let ds = b.build();
        let report = analyze(&ds, &Settings::default());
        let p = profile(&ds, &report, "X").unwrap();
        assert_eq!(p.months.len(), 1);
        assert_eq!(
            (
                p.months[0].orders,
                p.months[0].net_revenue,
                p.months[0].gross_profit
            ),
            (2, 15.0, None)
        );
    }
}

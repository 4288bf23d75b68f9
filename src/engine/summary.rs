//! Headline figures of a dataset: the numbers the first dashboard row shows.

use super::model::{Dataset, Day, format_day};
use serde::{Deserialize, Serialize};

/// "Active" means at least one order in this many days up to and including the last order day.
pub const ACTIVE_WINDOW_DAYS: Day = 30;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Known customers, with or without orders.
    pub customers: usize,
    /// Customers with at least one order.
    pub buying_customers: usize,
    pub orders: usize,
    pub net_revenue: f64,
    /// `None` when the data has no gross profit.
    pub gross_profit: Option<f64>,
    /// Customers with an order in the last `ACTIVE_WINDOW_DAYS` days of the data.
    pub active_last_30_days: usize,
    pub date_min: Option<String>,
    pub date_max: Option<String>,
}

pub fn summarize(ds: &Dataset) -> Summary {
    let range = ds.day_range();
    let since = range.map_or(Day::MIN, |(_, last)| last - ACTIVE_WINDOW_DAYS + 1);
    let n = ds.customers.len() as u32;
    let buying = (0..n).filter(|&c| !ds.orders_of(c).is_empty()).count();
    // A customer's orders are sorted by day, so the last one tells whether it is active.
    let active = (0..n)
        .filter(|&c| {
            ds.orders_of(c)
                .next_back()
                .is_some_and(|i| ds.orders.day[i] >= since)
        })
        .count();
    Summary {
        customers: ds.customers.len(),
        buying_customers: buying,
        orders: ds.orders.len(),
        net_revenue: ds.orders.amount.iter().sum(),
        gross_profit: ds.orders.profit.as_ref().map(|p| p.iter().sum()),
        active_last_30_days: active,
        date_min: range.map(|(a, _)| format_day(a)),
        date_max: range.map(|(_, b)| format_day(b)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::{DatasetBuilder, day_from_ymd};

    #[test]
    fn summary_counts_by_hand() {
        let d = |m, day| day_from_ymd(2025, m, day).unwrap();
        let mut b = DatasetBuilder::new();
        let a = b.intern("A");
        let x = b.intern("X");
        let _prospect = b.intern("P");
        b.order(a, d(1, 5), 100.0, Some(30.0));
        b.order(a, d(3, 31), -20.0, Some(-6.0)); // a return on the last day
        b.order(x, d(3, 1), 50.0, Some(10.0)); // 31 days before the last day: not active
        let s = summarize(&b.build());
        assert_eq!(s.customers, 3);
        assert_eq!(s.buying_customers, 2);
        assert_eq!(s.orders, 3);
        assert_eq!(s.net_revenue, 130.0);
        assert_eq!(s.gross_profit, Some(34.0));
        assert_eq!(s.active_last_30_days, 1);
        assert_eq!(s.date_min.as_deref(), Some("2025-01-05"));
        assert_eq!(s.date_max.as_deref(), Some("2025-03-31"));
    }

    #[test]
    fn empty_dataset_has_no_dates() {
        let s = summarize(&DatasetBuilder::new().build());
        assert_eq!((s.customers, s.orders, s.net_revenue), (0, 0, 0.0));
        assert_eq!(s.date_max, None);
    }
}

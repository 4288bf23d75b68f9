//! The per-customer summary the CLV models read: frequency, recency, T and monetary value
//! at a calibration end date, plus the purchases in a holdout period after it.
//!
//! The conventions are those of `lifetimes` 0.11.3 `summary_data_from_transaction_data` and
//! `calibration_and_holdout_data` with `freq='D'` and `freq_multiplier` = days per time
//! unit: orders collapse to one transaction per customer per calendar day (amounts summed,
//! returns included, so a day's total can be negative); x = transaction days after the
//! first up to and including the calibration end E; t_x = (last − first) / unit;
//! T = (E − first) / unit; monetary value = mean day total over the x repeat days (0 when
//! x = 0); holdout frequency = transaction days in (E, H]. Customers whose first order is
//! after E are not part of the calibration (the model knows nothing about them).

use crate::engine::model::{CustomerId, Dataset, Day};

#[derive(Debug, Clone, PartialEq)]
pub struct CustomerSummary {
    pub customer: CustomerId,
    pub frequency: u32,
    pub recency: f64,
    /// T, the customer's age at the calibration end.
    pub age: f64,
    pub monetary_value: f64,
    pub first_day: Day,
    pub last_day: Day,
    /// Net amount and gross profit of all calibration orders, first day included: the
    /// customer's margin turns CLV into profit.
    pub revenue: f64,
    pub profit: Option<f64>,
    /// Transaction days in (E, H]; 0 without a holdout period.
    pub holdout_frequency: u32,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct RfmSummary {
    pub rows: Vec<CustomerSummary>,
    /// Customers whose first order is after the calibration end.
    pub first_order_after_calibration: usize,
}

pub fn summarize(
    ds: &Dataset,
    calibration_end: Day,
    holdout_end: Option<Day>,
    days_per_unit: f64,
) -> RfmSummary {
    let holdout_end = holdout_end.unwrap_or(calibration_end);
    let (days, amounts) = (&ds.orders.day, &ds.orders.amount);
    let profits = ds.orders.profit.as_deref();
    let mut summary = RfmSummary::default();
    for c in 0..ds.customers.len() as CustomerId {
        let range = ds.orders_of(c);
        let Some(&first_day) = days.get(range.start).filter(|_| !range.is_empty()) else {
            continue;
        };
        if first_day > calibration_end {
            summary.first_order_after_calibration += 1;
            continue;
        }
        let (mut transaction_days, mut last_day, mut repeat_total) = (0u32, first_day, 0.0);
        let (mut revenue, mut profit, mut holdout) = (0.0, 0.0, 0u32);
        let mut i = range.start;
        while i < range.end {
            let day = days[i];
            let mut total = 0.0;
            while i < range.end && days[i] == day {
                total += amounts[i];
                if day <= calibration_end {
                    revenue += amounts[i];
                    profit += profits.map_or(0.0, |p| p[i]);
                }
                i += 1;
            }
            if day <= calibration_end {
                if transaction_days > 0 {
                    repeat_total += total;
                }
                transaction_days += 1;
                last_day = day;
            } else if day <= holdout_end {
                holdout += 1;
            }
        }
        let frequency = transaction_days - 1;
        summary.rows.push(CustomerSummary {
            customer: c,
            frequency,
            recency: (last_day - first_day) as f64 / days_per_unit,
            age: (calibration_end - first_day) as f64 / days_per_unit,
            monetary_value: if frequency > 0 {
                repeat_total / frequency as f64
            } else {
                0.0
            },
            first_day,
            last_day,
            revenue,
            profit: profits.map(|_| profit),
            holdout_frequency: holdout,
        });
    }
    summary
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::{DatasetBuilder, day_from_ymd};

    #[test]
    fn lifetimes_conventions_by_hand() {
        let d = |m, day| day_from_ymd(1997, m, day).unwrap();
        let mut b = DatasetBuilder::new();
        let c4 = b.intern("4");
        let late = b.intern("late");
        let _never = b.intern("never");
        // CDNOW customer 4: 1997-01-01, 01-18, 08-02 before the end, 12-12 after it.
        b.order(c4, d(1, 1), 29.33, Some(10.0));
        b.order(c4, d(1, 18), 20.0, Some(5.0));
        b.order(c4, d(1, 18), 9.73, Some(1.0)); // same day: one transaction of 29.73
        b.order(c4, d(8, 2), 14.96, Some(2.0));
        b.order(c4, d(12, 12), 26.48, Some(3.0));
        b.order(late, d(10, 5), 50.0, Some(1.0));
        let ds = b.build();
        let s = summarize(&ds, d(9, 30), Some(day_from_ymd(1998, 6, 30).unwrap()), 7.0);
        assert_eq!(s.first_order_after_calibration, 1);
        assert_eq!(s.rows.len(), 1);
        let r = &s.rows[0];
        assert_eq!(r.frequency, 2);
        assert_eq!(r.recency, 213.0 / 7.0); // Jan 1 -> Aug 2
        assert_eq!(r.age, 272.0 / 7.0); // Jan 1 -> Sep 30
        assert!((r.monetary_value - (29.73 + 14.96) / 2.0).abs() < 1e-12);
        assert_eq!(r.holdout_frequency, 1);
        assert!((r.revenue - (29.33 + 29.73 + 14.96)).abs() < 1e-12);
        assert_eq!(r.profit, Some(18.0));
    }

    #[test]
    fn one_time_buyer_has_zero_recency_and_monetary_value() {
        let mut b = DatasetBuilder::new();
        let c = b.intern("c");
        b.order(c, 100, 40.0, None);
        let s = summarize(&b.build(), 114, None, 1.0);
        let r = &s.rows[0];
        assert_eq!(
            (r.frequency, r.recency, r.age, r.monetary_value),
            (0, 0.0, 14.0, 0.0)
        );
        assert_eq!(r.profit, None);
    }
}

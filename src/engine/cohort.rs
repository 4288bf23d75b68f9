//! Cohort retention: customers grouped by the month of their first order, and for each later
//! month the share of the cohort that ordered (customer retention) and the cohort's net revenue
//! against its first month (revenue retention, above 100% when the survivors buy more).
//! The classic acquisition-cohort table (e.g. Fader & Hardie's cohort charts; seed 001's
//! repurchase and churn KPIs). See docs/methods.md, "Cohorts".

use super::period::month_label;
use super::scan::{Context, Scan};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cohort {
    /// First-order month, `YYYY-MM`.
    pub month: String,
    pub customers: u32,
    /// `active[k]`: customers of the cohort with an order `k` months after the first month
    /// (`active[0] == customers`), up to the current month.
    pub active: Vec<u32>,
    /// Net revenue of the cohort `k` months after its first month.
    pub revenue: Vec<f64>,
    /// `active[k] / customers`.
    pub customer_retention: Vec<f64>,
    /// `revenue[k] / revenue[0]`; `None` when the first month's net is not positive.
    pub revenue_retention: Vec<Option<f64>>,
}

/// One cohort per month with at least one new customer, oldest first.
pub fn cohorts(ctx: &Context, scan: &Scan) -> Vec<Cohort> {
    let months = ctx.calendar.months();
    (0..months)
        .filter(|&m| scan.cohort_active[m * months] > 0)
        .map(|m| {
            let span = months - m;
            let active = scan.cohort_active[m * months..m * months + span].to_vec();
            let revenue = scan.cohort_net[m * months..m * months + span].to_vec();
            let customers = active[0];
            let base = revenue[0];
            Cohort {
                month: month_label(ctx.calendar.first_month + m as i32),
                customers,
                customer_retention: active
                    .iter()
                    .map(|&a| f64::from(a) / f64::from(customers))
                    .collect(),
                revenue_retention: revenue
                    .iter()
                    .map(|&r| (base > 0.0).then(|| r / base))
                    .collect(),
                active,
                revenue,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::{DatasetBuilder, day_from_ymd};
    use crate::engine::period::PeriodKind;
    use crate::engine::scan::scan;

    #[test]
    fn cohorts_by_hand() {
        let d = |m, day| day_from_ymd(2025, m, day).unwrap();
        let mut b = DatasetBuilder::new();
        let (x, y, z, w) = (b.intern("x"), b.intern("y"), b.intern("z"), b.intern("w"));
        // January cohort: x and y. x buys in Jan, Feb, Apr; y only in Jan (twice).
        b.order(x, d(1, 3), 100.0, None);
        b.order(x, d(2, 3), 50.0, None);
        b.order(x, d(4, 3), 150.0, None);
        b.order(y, d(1, 5), 100.0, None);
        b.order(y, d(1, 25), 100.0, None);
        // March cohort: z, whose first month nets to zero (a return), then buys in April.
        b.order(z, d(3, 1), 80.0, None);
        b.order(z, d(3, 2), -80.0, None);
        b.order(z, d(4, 2), 40.0, None);
        let ds = b.build();
        let ctx = Context::new(&ds, vec![x, y, z, w], d(5, 1), PeriodKind::Month, 12);
        let c = cohorts(&ctx, &scan(&ctx));
        assert_eq!(c.len(), 2);
        assert_eq!((c[0].month.as_str(), c[0].customers), ("2025-01", 2));
        assert_eq!(c[0].active, [2, 1, 0, 1]);
        assert_eq!(c[0].customer_retention, [1.0, 0.5, 0.0, 0.5]);
        assert_eq!(c[0].revenue, [300.0, 50.0, 0.0, 150.0]);
        assert_eq!(
            c[0].revenue_retention,
            [Some(1.0), Some(50.0 / 300.0), Some(0.0), Some(0.5)]
        );
        assert_eq!((c[1].month.as_str(), c[1].customers), ("2025-03", 1));
        assert_eq!(c[1].active, [1, 1]);
        assert_eq!(c[1].revenue_retention, [None, None]);
    }
}

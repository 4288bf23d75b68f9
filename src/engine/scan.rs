//! The one pass over the orders that every analysis reads from.
//!
//! Orders are sorted by (customer, day), so each selected customer's history is one slice: the
//! scan walks it once with a pointer into the month grid (no hashing, no date conversion per
//! order) and leaves per-customer facts, per-period sums and the cohort grid behind. Orders on
//! or after the as-of date are ignored, so any past date can be analysed as if it were today.

use super::model::{CustomerId, Dataset, Day};
use super::period::Calendar;

/// A selected customer's orders in one period.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PeriodEntry {
    pub row: u32,
    pub orders: u32,
    pub net: f64,
    pub profit: f64,
}

/// What one customer's history before the as-of date adds up to.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerFacts {
    pub orders: u32,
    pub net: f64,
    pub profit: f64,
    /// First and last order day; meaningful only when `orders > 0`.
    pub first: Day,
    pub last: Day,
    /// Since when the customer is known: the first order or the first-cooperation date.
    pub known_from: Option<Day>,
    /// The trailing window (`window_months` calendar months ending with the current month).
    pub window_net: f64,
    pub window_profit: f64,
    pub window_orders: u32,
    pub window_active_months: u32,
    /// The window's later and earlier halves, for growth.
    pub recent_net: f64,
    pub earlier_net: f64,
    /// Median and coefficient of variation of the days between distinct order days.
    pub gap_median: Option<f64>,
    pub gap_cv: Option<f64>,
    /// Orders in the 12 months ending with the current and with the previous period.
    pub orders_12m: [u32; 2],
}

impl CustomerFacts {
    fn prospect(known_from: Option<Day>) -> CustomerFacts {
        CustomerFacts {
            orders: 0,
            net: 0.0,
            profit: 0.0,
            first: 0,
            last: 0,
            known_from,
            window_net: 0.0,
            window_profit: 0.0,
            window_orders: 0,
            window_active_months: 0,
            recent_net: 0.0,
            earlier_net: 0.0,
            gap_median: None,
            gap_cv: None,
            orders_12m: [0, 0],
        }
    }

    pub fn has_orders(&self) -> bool {
        self.orders > 0
    }

    pub fn recency(&self, as_of: Day) -> Option<i32> {
        self.has_orders().then(|| as_of - self.last)
    }
}

/// Everything fixed before the analyses run: the selected customers, the date and the grid.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    pub ds: &'a Dataset,
    pub as_of: Day,
    pub calendar: Calendar,
    /// Selected customer ids, ascending; a customer's row number is its position here.
    pub rows: Vec<CustomerId>,
    /// Each row's position in customer-key order, which breaks every tie in every ranking.
    pub key_pos: Vec<u32>,
    pub window_months: u32,
}

impl<'a> Context<'a> {
    pub fn new(
        ds: &'a Dataset,
        rows: Vec<CustomerId>,
        as_of: Day,
        kind: super::period::PeriodKind,
        window_months: u32,
    ) -> Context<'a> {
        // The first order of the whole data (not only the selection), so filters keep the grid.
        let first = (0..ds.customers.len() as CustomerId)
            .filter_map(|c| ds.orders_of(c).next().map(|i| ds.orders.day[i]))
            .filter(|&d| d < as_of)
            .min()
            .unwrap_or(as_of - 1);
        let key_pos = key_positions(ds, &rows);
        Context {
            ds,
            as_of,
            calendar: Calendar::new(kind, first, as_of),
            rows,
            key_pos,
            window_months: window_months.max(2),
        }
    }

    pub fn customer(&self, row: usize) -> &super::model::Customer {
        &self.ds.customers[self.rows[row] as usize]
    }
}

/// The day after the last order: RFM's usual "analysis date". Without orders, 1970-01-02.
pub fn default_as_of(ds: &Dataset) -> Day {
    ds.day_range().map_or(1, |(_, last)| last + 1)
}

/// Whether every key is an integer: then keys sort numerically, otherwise as strings.
pub fn keys_are_integers(ds: &Dataset) -> bool {
    !ds.customers.is_empty() && ds.customers.iter().all(|c| c.key.parse::<i64>().is_ok())
}

/// Rank of each row in key order: numeric when every key of the data is an integer (ties of
/// equal numbers, e.g. "7" and "007", by string), string (byte) order otherwise.
fn key_positions(ds: &Dataset, rows: &[CustomerId]) -> Vec<u32> {
    let key = |r: u32| &*ds.customers[rows[r as usize] as usize].key;
    let mut order: Vec<u32> = (0..rows.len() as u32).collect();
    if keys_are_integers(ds) {
        let numbers: Vec<i64> = rows
            .iter()
            .map(|&c| {
                ds.customers[c as usize]
                    .key
                    .parse()
                    .expect("checked integer")
            })
            .collect();
        order.sort_unstable_by(|&a, &b| {
            numbers[a as usize]
                .cmp(&numbers[b as usize])
                .then_with(|| key(a).cmp(key(b)))
        });
    } else {
        order.sort_unstable_by(|&a, &b| key(a).cmp(key(b)));
    }
    let mut pos = vec![0u32; rows.len()];
    for (i, &r) in order.iter().enumerate() {
        pos[r as usize] = i as u32;
    }
    pos
}

/// The scan's output.
#[derive(Debug, Clone)]
pub struct Scan {
    /// One per row.
    pub facts: Vec<CustomerFacts>,
    /// `per_period[p]`: the rows that ordered in period `p`, ascending by row.
    pub per_period: Vec<Vec<PeriodEntry>>,
    /// Cohort grid, `months x months`: `[first month][months since]` customers active and net.
    pub cohort_active: Vec<u32>,
    pub cohort_net: Vec<f64>,
    /// Orders on or after the as-of date, left out of everything.
    pub orders_after_as_of: usize,
}

/// What a grid month counts towards, looked up once per customer-month in the scan.
#[derive(Debug, Clone, Copy, Default)]
struct MonthRole {
    period: u32,
    in_window: bool,
    in_recent_half: bool,
    /// In the 12 months ending with the current / the previous period.
    in_repurchase: [bool; 2],
}

fn month_roles(ctx: &Context) -> Vec<MonthRole> {
    let cal = &ctx.calendar;
    let months = cal.months() as isize;
    let window_first = months - ctx.window_months as isize;
    let recent_first = months - (ctx.window_months / 2) as isize;
    // Last grid month of the current and the previous period.
    let ends = [
        Some(cal.last_month_of(cal.current()) as isize),
        cal.previous().map(|p| cal.last_month_of(p) as isize),
    ];
    (0..months)
        .map(|m| MonthRole {
            period: cal.period_of_month(m as usize) as u32,
            in_window: m >= window_first,
            in_recent_half: m >= recent_first,
            in_repurchase: ends.map(|end| end.is_some_and(|e| m <= e && m > e - 12)),
        })
        .collect()
}

impl Scan {
    /// Every row's entry for period `p`, zero for the rows that did not order in it.
    pub fn by_row(&self, p: usize) -> Vec<PeriodEntry> {
        let mut dense: Vec<PeriodEntry> = (0..self.facts.len() as u32)
            .map(|row| PeriodEntry {
                row,
                orders: 0,
                net: 0.0,
                profit: 0.0,
            })
            .collect();
        for e in &self.per_period[p] {
            dense[e.row as usize] = *e;
        }
        dense
    }
}

pub fn scan(ctx: &Context) -> Scan {
    let ds = ctx.ds;
    let cal = &ctx.calendar;
    let months = cal.months();
    let roles = month_roles(ctx);
    let day = &ds.orders.day;
    let amount = &ds.orders.amount;
    let profit = ds.orders.profit.as_deref();

    let mut facts = Vec::with_capacity(ctx.rows.len());
    let mut per_period: Vec<Vec<PeriodEntry>> = vec![Vec::new(); cal.periods.len()];
    let mut cohort_active = vec![0u32; months * months];
    let mut cohort_net = vec![0.0f64; months * months];
    let mut orders_after_as_of = 0;
    let mut gaps: Vec<i32> = Vec::new();

    for (row, &c) in ctx.rows.iter().enumerate() {
        let cooperation = ds.customers[c as usize]
            .first_cooperation
            .filter(|&d| d < ctx.as_of);
        let range = ds.orders_of(c);
        let n = day[range.clone()].partition_point(|&d| d < ctx.as_of);
        orders_after_as_of += range.len() - n;
        if n == 0 {
            facts.push(CustomerFacts::prospect(cooperation));
            continue;
        }
        let (start, end) = (range.start, range.start + n);
        let mut f = CustomerFacts::prospect(None);
        f.first = day[start];
        f.last = day[end - 1];
        f.known_from = Some(cooperation.map_or(f.first, |d| d.min(f.first)));
        f.orders = n as u32;

        let first_month = cal.month_of(day[start]);
        let cohort = first_month * months - first_month;
        // Adds one month of the customer's orders everywhere it counts.
        let mut flush = |m: usize, orders: u32, net: f64, prof: f64, f: &mut CustomerFacts| {
            let role = roles[m];
            f.net += net;
            f.profit += prof;
            cohort_active[cohort + m] += 1;
            cohort_net[cohort + m] += net;
            if role.in_window {
                f.window_net += net;
                f.window_profit += prof;
                f.window_orders += orders;
                f.window_active_months += 1;
                if role.in_recent_half {
                    f.recent_net += net;
                } else {
                    f.earlier_net += net;
                }
            }
            for k in 0..2 {
                f.orders_12m[k] += orders * u32::from(role.in_repurchase[k]);
            }
            let entries = &mut per_period[role.period as usize];
            match entries.last_mut() {
                Some(e) if e.row == row as u32 => {
                    e.orders += orders;
                    e.net += net;
                    e.profit += prof;
                }
                _ => entries.push(PeriodEntry {
                    row: row as u32,
                    orders,
                    net,
                    profit: prof,
                }),
            }
        };

        gaps.clear();
        let mut m = first_month;
        let mut next_month = cal.month_starts[m + 1];
        let (mut m_orders, mut m_net, mut m_profit) = (0u32, 0.0f64, 0.0f64);
        let mut prev_day = day[start];
        let profits = profit.map(|p| &p[start..end]);
        for (k, (&d, &a)) in day[start..end].iter().zip(&amount[start..end]).enumerate() {
            if d >= next_month {
                flush(m, m_orders, m_net, m_profit, &mut f);
                (m_orders, m_net, m_profit) = (0, 0.0, 0.0);
                while d >= cal.month_starts[m + 1] {
                    m += 1;
                }
                next_month = cal.month_starts[m + 1];
            }
            m_orders += 1;
            m_net += a;
            m_profit += profits.map_or(0.0, |p| p[k]);
            if d != prev_day {
                gaps.push(d - prev_day);
                prev_day = d;
            }
        }
        flush(m, m_orders, m_net, m_profit, &mut f);
        (f.gap_median, f.gap_cv) = gap_stats(&mut gaps);
        facts.push(f);
    }
    Scan {
        facts,
        per_period,
        cohort_active,
        cohort_net,
        orders_after_as_of,
    }
}

/// Median of the gaps (at least one), and their coefficient of variation, population standard
/// deviation over the mean (at least two).
fn gap_stats(gaps: &mut [i32]) -> (Option<f64>, Option<f64>) {
    let n = gaps.len();
    if n == 0 {
        return (None, None);
    }
    let mean = gaps.iter().map(|&g| f64::from(g)).sum::<f64>() / n as f64;
    let cv = (n >= 2).then(|| {
        let var = gaps
            .iter()
            .map(|&g| (f64::from(g) - mean).powi(2))
            .sum::<f64>()
            / n as f64;
        var.sqrt() / mean
    });
    // Most customers have a handful of gaps: sorting them is cheaper than selecting, which
    // wins for the few with thousands.
    let median = if n <= 32 {
        gaps.sort_unstable();
        if n % 2 == 1 {
            f64::from(gaps[n / 2])
        } else {
            (f64::from(gaps[n / 2 - 1]) + f64::from(gaps[n / 2])) / 2.0
        }
    } else {
        let (below, &mut hi, _) = gaps.select_nth_unstable(n / 2);
        if n % 2 == 1 {
            f64::from(hi)
        } else {
            (f64::from(*below.iter().max().expect("n > 32")) + f64::from(hi)) / 2.0
        }
    };
    (Some(median), cv)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::{Customer, DatasetBuilder, day_from_ymd};
    use crate::engine::period::PeriodKind;

    fn d(y: i32, m: u32, day: u32) -> Day {
        day_from_ymd(y, m, day).unwrap()
    }

    #[test]
    fn gaps_use_distinct_days() {
        let mut g = vec![10, 2, 30, 4];
        assert_eq!(gap_stats(&mut g).0, Some(7.0));
        // Above 32 gaps the median is selected, not sorted: 1..=40 has median 20.5, 1..=41 21.
        let mut g: Vec<i32> = (1..=40).rev().collect();
        assert_eq!(gap_stats(&mut g).0, Some(20.5));
        let mut g: Vec<i32> = (1..=41).collect();
        assert_eq!(gap_stats(&mut g).0, Some(21.0));
        let mut g = vec![10, 10, 10];
        assert_eq!(gap_stats(&mut g), (Some(10.0), Some(0.0)));
        // Gaps 5 and 15: mean 10, population sd 5.
        let mut g = vec![5, 15];
        assert_eq!(gap_stats(&mut g), (Some(10.0), Some(0.5)));
        assert_eq!(gap_stats(&mut [7]), (Some(7.0), None));
        assert_eq!(gap_stats(&mut []), (None, None));
    }

    #[test]
    fn facts_windows_and_periods_by_hand() {
        let mut b = DatasetBuilder::new();
        let x = b.customer(Customer {
            key: "X".into(),
            first_cooperation: Some(d(2023, 6, 1)),
            ..Customer::default()
        });
        let y = b.intern("Y");
        let p = b.intern("P");
        b.order(x, d(2024, 1, 10), 100.0, Some(10.0));
        b.order(x, d(2024, 1, 10), 50.0, Some(5.0)); // a second order the same day
        b.order(x, d(2024, 7, 20), 200.0, Some(40.0));
        b.order(x, d(2024, 12, 30), -20.0, Some(-2.0)); // a return
        b.order(x, d(2025, 1, 5), 999.0, Some(1.0)); // after the as-of date: ignored
        b.order(y, d(2024, 12, 1), 70.0, Some(7.0));
        let ds = b.build();
        let as_of = d(2025, 1, 1);
        let ctx = Context::new(&ds, vec![x, y, p], as_of, PeriodKind::Month, 12);
        let s = scan(&ctx);
        assert_eq!(s.orders_after_as_of, 1);
        let fx = &s.facts[0];
        assert_eq!((fx.orders, fx.net, fx.profit), (4, 330.0, 53.0));
        assert_eq!((fx.first, fx.last), (d(2024, 1, 10), d(2024, 12, 30)));
        assert_eq!(fx.known_from, Some(d(2023, 6, 1)));
        // Window = 2024-01..2024-12, recent half 2024-07..12.
        assert_eq!(
            (fx.window_net, fx.window_orders, fx.window_active_months),
            (330.0, 4, 3)
        );
        assert_eq!((fx.recent_net, fx.earlier_net), (180.0, 150.0));
        // Distinct days 01-10, 07-20, 12-30: gaps 192 and 163.
        assert_eq!(fx.gap_median, Some(177.5));
        assert_eq!(fx.recency(as_of), Some(2));
        assert_eq!(fx.orders_12m, [4, 3]);
        assert_eq!(s.facts[2], CustomerFacts::prospect(None));
        // Grid 2024-01..2024-12; December holds X's return and Y's order.
        assert_eq!(ctx.calendar.periods.len(), 12);
        assert_eq!(
            s.per_period[11],
            vec![
                PeriodEntry {
                    row: 0,
                    orders: 1,
                    net: -20.0,
                    profit: -2.0
                },
                PeriodEntry {
                    row: 1,
                    orders: 1,
                    net: 70.0,
                    profit: 7.0
                },
            ]
        );
        assert_eq!(
            s.per_period[0],
            vec![PeriodEntry {
                row: 0,
                orders: 2,
                net: 150.0,
                profit: 15.0
            }]
        );
        // X's cohort is January: active in months 0, 6 and 11 after it.
        let m = 12;
        assert_eq!(s.cohort_active[0], 1);
        assert_eq!(s.cohort_active[6], 1);
        assert_eq!(s.cohort_active[11], 1);
        assert_eq!(s.cohort_net[11], -20.0);
        assert_eq!(s.cohort_active[11 * m], 1); // Y: December cohort, month 0
    }

    #[test]
    fn quarters_merge_a_customers_months() {
        let mut b = DatasetBuilder::new();
        let x = b.intern("X");
        b.order(x, d(2024, 1, 10), 1.0, None);
        b.order(x, d(2024, 3, 10), 2.0, None);
        b.order(x, d(2024, 4, 10), 4.0, None);
        let ds = b.build();
        let ctx = Context::new(&ds, vec![x], d(2024, 5, 1), PeriodKind::Quarter, 12);
        let s = scan(&ctx);
        assert_eq!(
            s.per_period[0],
            vec![PeriodEntry {
                row: 0,
                orders: 2,
                net: 3.0,
                profit: 0.0
            }]
        );
        assert_eq!(s.per_period[1][0].net, 4.0);
    }

    #[test]
    fn keys_sort_numerically_only_when_all_are_integers() {
        let mut b = DatasetBuilder::new();
        for k in ["10", "9", "100"] {
            b.intern(k);
        }
        let ds = b.build();
        assert_eq!(key_positions(&ds, &[0, 1, 2]), vec![1, 0, 2]);
        let mut b = DatasetBuilder::new();
        for k in ["10", "9", "A1"] {
            b.intern(k);
        }
        let ds = b.build();
        assert_eq!(key_positions(&ds, &[0, 1, 2]), vec![0, 1, 2]);
        assert_eq!(key_positions(&ds, &[1, 2]), vec![0, 1]);
    }
}

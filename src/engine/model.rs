//! The in-memory data model every analysis reads.
//!
//! Orders are columnar and sorted by (customer, day) so that a customer's history is one
//! contiguous slice: a million orders cost about 24 bytes each, and per-customer passes
//! need no hashing. Customers are interned: analyses refer to them by `CustomerId`.
//! See `docs/data-model.md`.

use chrono::{Datelike, NaiveDate};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Days since 1970-01-01 (the Unix epoch), so date arithmetic is integer arithmetic.
pub type Day = i32;

/// Index into `Dataset::customers`.
pub type CustomerId = u32;

const EPOCH_CE_DAYS: i32 = 719_163; // NaiveDate(1970-01-01).num_days_from_ce()

pub fn day_from_date(date: NaiveDate) -> Day {
    date.num_days_from_ce() - EPOCH_CE_DAYS
}

pub fn date_from_day(day: Day) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(day + EPOCH_CE_DAYS).expect("day within chrono's range")
}

pub fn day_from_ymd(y: i32, m: u32, d: u32) -> Option<Day> {
    NaiveDate::from_ymd_opt(y, m, d).map(day_from_date)
}

/// `YYYY-MM-DD`.
pub fn format_day(day: Day) -> String {
    date_from_day(day).format("%Y-%m-%d").to_string()
}

/// Master data of one customer. Text fields are empty when unknown.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Customer {
    /// The key orders refer to (customer code, or the name when there is no code). Shared
    /// (`Arc`) with every report row of the customer, so a report of 100,000 rows does not
    /// copy 200,000 strings.
    pub key: Arc<str>,
    pub name: Arc<str>,
    pub industry: String,
    pub region: String,
    pub size: String,
    pub manager: String,
    pub first_cooperation: Option<Day>,
    pub credit_limit: Option<f64>,
    /// Manual scores from the customer table, normalised to 0-100.
    pub strategic_fit: Option<f64>,
    pub influence: Option<f64>,
    pub growth_potential: Option<f64>,
    pub nps: Option<f64>,
}

/// Orders after line items are summed, one row per order, sorted by (customer, day).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Orders {
    pub customer: Vec<CustomerId>,
    pub day: Vec<Day>,
    /// Net amount; returns and cancellations are negative.
    pub amount: Vec<f64>,
    /// Gross profit, present when the source had it for the orders.
    pub profit: Option<Vec<f64>>,
    /// Payment due date of each order, present when the source had a due-date column
    /// (`None` for an order without one); for settlement speed and overdue analyses.
    #[serde(default)]
    pub due: Option<Vec<Option<Day>>>,
    /// Date each order was paid, present when the source had a paid-date column.
    #[serde(default)]
    pub paid: Option<Vec<Option<Day>>>,
}

impl Orders {
    pub fn len(&self) -> usize {
        self.customer.len()
    }

    pub fn is_empty(&self) -> bool {
        self.customer.is_empty()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InteractionKind {
    Complaint,
    Inquiry,
    Feedback,
    Visit,
    Nps,
    Other,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interaction {
    pub customer: CustomerId,
    pub day: Day,
    pub kind: InteractionKind,
    pub score: Option<f64>,
}

/// Everything the analyses need. Build it with [`DatasetBuilder`] so the invariants hold.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Dataset {
    pub customers: Vec<Customer>,
    pub orders: Orders,
    /// `orders` rows of customer `c` are `order_start[c]..order_start[c + 1]`.
    pub order_start: Vec<u32>,
    pub interactions: Vec<Interaction>,
}

impl Dataset {
    /// Row range of one customer's orders (sorted by day).
    pub fn orders_of(&self, c: CustomerId) -> std::ops::Range<usize> {
        self.order_start[c as usize] as usize..self.order_start[c as usize + 1] as usize
    }

    pub fn has_profit(&self) -> bool {
        self.orders.profit.is_some()
    }

    /// First and last order day, or `None` without orders.
    pub fn day_range(&self) -> Option<(Day, Day)> {
        let min = self.orders.day.iter().copied().min()?;
        let max = self.orders.day.iter().copied().max()?;
        Some((min, max))
    }
}

/// Collects customers and order rows in any order, then sorts and indexes them.
/// When an order was due and when it was paid, as far as the source says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Terms {
    pub due: Option<Day>,
    pub paid: Option<Day>,
}

/// `Day::MIN` stands for "no date" inside the builder, keeping a row at 32 bytes.
const NO_DAY: Day = Day::MIN;

#[derive(Debug, Default)]
pub struct DatasetBuilder {
    customers: Vec<Customer>,
    index: FxHashMap<String, CustomerId>,
    /// (customer, day, amount, profit, due, paid)
    rows: Vec<(CustomerId, Day, f64, f64, Day, Day)>,
    any_profit: bool,
    any_due: bool,
    any_paid: bool,
    interactions: Vec<Interaction>,
}

impl DatasetBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// The id of `key`, creating a customer with only that key when it is new.
    pub fn intern(&mut self, key: &str) -> CustomerId {
        if let Some(&id) = self.index.get(key) {
            return id;
        }
        let id = self.customers.len() as CustomerId;
        self.customers.push(Customer {
            key: key.into(),
            ..Customer::default()
        });
        self.index.insert(key.to_owned(), id);
        id
    }

    /// Adds or completes a customer's master data (fields already set are overwritten).
    pub fn customer(&mut self, customer: Customer) -> CustomerId {
        let id = self.intern(&customer.key);
        self.customers[id as usize] = customer;
        id
    }

    pub fn customer_mut(&mut self, id: CustomerId) -> &mut Customer {
        &mut self.customers[id as usize]
    }

    /// One order; call it again with the same customer and day for another order that day.
    pub fn order(&mut self, customer: CustomerId, day: Day, amount: f64, profit: Option<f64>) {
        self.order_with_terms(customer, day, amount, profit, Terms::default());
    }

    /// One order with its payment terms.
    pub fn order_with_terms(
        &mut self,
        customer: CustomerId,
        day: Day,
        amount: f64,
        profit: Option<f64>,
        terms: Terms,
    ) {
        self.any_profit |= profit.is_some();
        self.any_due |= terms.due.is_some();
        self.any_paid |= terms.paid.is_some();
        self.rows.push((
            customer,
            day,
            amount,
            profit.unwrap_or(0.0),
            terms.due.unwrap_or(NO_DAY),
            terms.paid.unwrap_or(NO_DAY),
        ));
    }

    /// Room for `n` more orders, so a large import does not grow the buffer by doubling.
    pub fn reserve_orders(&mut self, n: usize) {
        self.rows.reserve_exact(n);
    }

    pub fn interaction(&mut self, interaction: Interaction) {
        self.interactions.push(interaction);
    }

    pub fn build(mut self) -> Dataset {
        let n = self.rows.len();
        let customers = self.customers.len();
        // A counting sort by customer (ids are dense) straight into the columns, keeping the
        // order of the calls within a customer; then each customer's rows by day. Files come
        // mostly sorted by date, so the second step rarely sorts anything, and there is no
        // general sort of the rows (and its scratch copy of them) at all.
        let mut order_start = vec![0u32; customers + 1];
        for &(c, ..) in &self.rows {
            order_start[c as usize + 1] += 1;
        }
        for i in 1..order_start.len() {
            order_start[i] += order_start[i - 1];
        }
        let mut next = order_start.clone();
        let mut orders = Orders {
            customer: Vec::with_capacity(n),
            day: vec![0; n],
            amount: vec![0.0; n],
            profit: self.any_profit.then(|| vec![0.0; n]),
            due: self.any_due.then(|| vec![None; n]),
            paid: self.any_paid.then(|| vec![None; n]),
        };
        let day = |d: Day| (d != NO_DAY).then_some(d);
        for &(c, d, a, p, due, paid) in &self.rows {
            let i = next[c as usize] as usize;
            next[c as usize] += 1;
            orders.day[i] = d;
            orders.amount[i] = a;
            if let Some(profit) = orders.profit.as_mut() {
                profit[i] = p;
            }
            if let Some(v) = orders.due.as_mut() {
                v[i] = day(due);
            }
            if let Some(v) = orders.paid.as_mut() {
                v[i] = day(paid);
            }
        }
        drop(self.rows);
        for (c, range) in order_start.windows(2).enumerate() {
            let range = range[0] as usize..range[1] as usize;
            orders
                .customer
                .extend(std::iter::repeat_n(c as CustomerId, range.len()));
            if !orders.day[range.clone()].is_sorted() {
                sort_by_day(&mut orders, range);
            }
        }
        self.interactions.sort_by_key(|i| (i.customer, i.day));
        Dataset {
            customers: self.customers,
            orders,
            order_start,
            interactions: self.interactions,
        }
    }
}

/// Sorts the orders in `range` (one customer's) by day, keeping same-day orders in order.
fn sort_by_day(orders: &mut Orders, range: std::ops::Range<usize>) {
    let mut by_day: Vec<usize> = range.clone().collect();
    by_day.sort_by_key(|&i| orders.day[i]);
    fn permute<T: Copy>(column: &mut [T], range: &std::ops::Range<usize>, order: &[usize]) {
        let sorted: Vec<T> = order.iter().map(|&i| column[i]).collect();
        column[range.clone()].copy_from_slice(&sorted);
    }
    permute(&mut orders.day, &range, &by_day);
    permute(&mut orders.amount, &range, &by_day);
    if let Some(v) = orders.profit.as_mut() {
        permute(v, &range, &by_day);
    }
    if let Some(v) = orders.due.as_mut() {
        permute(v, &range, &by_day);
    }
    if let Some(v) = orders.paid.as_mut() {
        permute(v, &range, &by_day);
    }
}

/// Calendar month index (year * 12 + month0), for monthly bucketing.
pub fn month_index(day: Day) -> i32 {
    let d = date_from_day(day);
    d.year() * 12 + d.month0() as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_round_trips_and_epoch_is_zero() {
        assert_eq!(day_from_ymd(1970, 1, 1), Some(0));
        assert_eq!(day_from_ymd(2024, 3, 1), Some(19_783));
        assert_eq!(format_day(19_783), "2024-03-01");
        assert_eq!(day_from_ymd(2023, 2, 29), None);
    }

    #[test]
    fn builder_sorts_orders_and_indexes_customers() {
        let mut b = DatasetBuilder::new();
        let x = b.intern("X");
        let y = b.intern("Y");
        assert_eq!(b.intern("X"), x);
        b.order(y, 10, 5.0, None);
        b.order(x, 20, 1.0, Some(0.5));
        b.order(x, 3, 2.0, None);
        let ds = b.build();
        assert_eq!(ds.orders.customer, vec![x, x, y]);
        assert_eq!(ds.orders.day, vec![3, 20, 10]);
        assert_eq!(ds.orders.profit, Some(vec![0.0, 0.5, 0.0]));
        assert_eq!(
            (ds.orders.due.as_ref(), ds.orders.paid.as_ref()),
            (None, None)
        );
        assert_eq!(ds.orders_of(x), 0..2);
        assert_eq!(ds.orders_of(y), 2..3);
        assert_eq!(ds.day_range(), Some((3, 20)));
        assert_eq!(
            month_index(day_from_ymd(2024, 12, 31).unwrap()),
            2024 * 12 + 11
        );
    }

    #[test]
    fn payment_terms_follow_their_order_through_the_sort() {
        let mut b = DatasetBuilder::new();
        let x = b.intern("X");
        let terms = |due, paid| Terms { due, paid };
        b.order_with_terms(x, 20, 1.0, None, terms(Some(50), None));
        b.order_with_terms(x, 10, 2.0, None, terms(Some(40), Some(45)));
        let ds = b.build();
        assert_eq!(ds.orders.day, vec![10, 20]);
        assert_eq!(ds.orders.due, Some(vec![Some(40), Some(50)]));
        assert_eq!(ds.orders.paid, Some(vec![Some(45), None]));
        assert_eq!(ds.orders.profit, None);
    }
}

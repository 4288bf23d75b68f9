//! The orders table: rows to order lines, order lines to orders.
//!
//! One pass over the rows, allocating only for new customers and new order numbers: cells
//! are read without copying (see [`super::table::Row`]), customers and order numbers are interned in hash
//! maps (with a check against the previous row first, since exports list an order's lines
//! together), and dates go through the [`DateCache`]. Lines are summed into orders as they
//! come; days are attached at the end, once the file has settled the day/month order.

use super::header::{is_total_line, may_be_label};
use super::intern::Interner;
use super::mapping::{Field, Mapping};
use super::parse::{DateCache, Number, normalise_key, parse_number, same_bytes, trim_cell};
use super::table::Row;
use super::{
    Directory, ImportError, ImportOptions, ImportReport, Prepared, Progress, Reason, SkipReason,
    Stage, Tally, read_date,
};
use crate::engine::model::{CustomerId, Day, Terms};
use rustc_hash::FxHashMap;

/// Columns of the fields the orders reader uses.
struct Columns {
    customer: usize,
    name: Option<usize>,
    date: usize,
    amount: Option<usize>,
    quantity: Option<usize>,
    price: Option<usize>,
    profit: Option<usize>,
    /// Only when there is no profit column.
    margin: Option<usize>,
    order_no: Option<usize>,
    salesperson: Option<usize>,
    due: Option<usize>,
    paid: Option<usize>,
}

impl Columns {
    fn new(m: &Mapping) -> Self {
        let profit = m.index(Field::Profit);
        Columns {
            customer: m.index(Field::Customer).expect("checked by Prepared"),
            name: m.index(Field::CustomerName),
            date: m.index(Field::Date).expect("checked by Prepared"),
            amount: m.index(Field::Amount),
            quantity: m.index(Field::Quantity),
            price: m.index(Field::UnitPrice),
            profit,
            margin: m.index(Field::Margin).filter(|_| profit.is_none()),
            order_no: m.index(Field::OrderNo),
            salesperson: m.index(Field::Salesperson),
            due: m.index(Field::DueDate),
            paid: m.index(Field::PaidDate),
        }
    }
}

/// One order while its lines are being summed; `date` is a [`DateCache`] id.
#[derive(Debug, Clone, Copy)]
struct Acc {
    customer: CustomerId,
    date: u32,
    amount: f64,
    profit: f64,
}

const NO_DATE: u32 = u32::MAX;

/// The orders file after its one pass; [`OrdersPass::finish`] hands the orders to the builder.
pub(super) struct OrdersPass {
    tally: Tally,
    order_lines: u64,
    returns: u64,
    has_profit: bool,
    dates: DateCache,
    accs: Vec<Acc>,
    /// (order, date id) for lines dated differently from their order's first line.
    spans: Vec<(u32, u32)>,
    /// Orders grouped by customer and day (no order number).
    day_orders: Vec<u32>,
    /// Sum of amount × margin for margins written without `%`, whose scale (fraction or
    /// percent) the whole column decides; empty without a margin column.
    margin_plain: Vec<f64>,
    margin_max: f64,
    due: Vec<u32>,
    paid: Vec<u32>,
}

/// Reads the rows of the orders file.
pub(super) fn read(
    table: &Prepared,
    options: &ImportOptions,
    dir: &mut Directory,
    progress: &mut dyn FnMut(Progress) -> bool,
) -> Result<OrdersPass, ImportError> {
    let c = Columns::new(&table.mapping);
    let mut pass = OrdersPass {
        tally: Tally::default(),
        order_lines: 0,
        returns: 0,
        has_profit: c.profit.is_some() || c.margin.is_some(),
        dates: DateCache::new(options.date_order),
        accs: Vec::new(),
        spans: Vec::new(),
        day_orders: Vec::new(),
        margin_plain: Vec::new(),
        margin_max: 0.0,
        due: Vec::new(),
        paid: Vec::new(),
    };
    let cancel = options.cancel_prefix.as_deref().map(str::as_bytes);
    // Order numbers and the (first) order of each.
    // Orders of three lines or more, as most exports have (the vectors grow for others).
    let orders_expected = table.loaded.estimated_rows() / 3;
    pass.accs.reserve(orders_expected);
    let mut numbers = Interner::with_capacity(if c.order_no.is_some() {
        orders_expected
    } else {
        0
    });
    let mut order_of_number: Vec<u32> = Vec::with_capacity(numbers.capacity());
    // Orders of a number already used by another customer, by (customer, first order).
    let mut by_customer_no: FxHashMap<(CustomerId, u32), u32> = FxHashMap::default();
    let mut by_day: FxHashMap<u64, u32> = FxHashMap::default();
    // The order number of the previous line and its order: an order's lines come together.
    let mut last_no: Vec<u8> = Vec::new();
    let mut last: Option<u32> = None;
    let mut rows = table.data_rows();
    let key_cells = [Some(c.customer), Some(c.date), c.order_no];
    // When the first column is a key column, a row whose first cell is filled is a total
    // line only if a key cell is a total label.
    let first_is_key = key_cells.contains(&Some(0));
    let has_terms = c.due.is_some() || c.paid.is_some();
    let mut record = Row::default();

    while let Some(line) = rows.next(&mut record) {
        let tally = &mut pass.tally;
        tally.lines += 1;
        if tally.lines & 0xFFFF == 0 {
            super::stage(progress, Stage::Orders, rows.fraction(), table.name)?;
        }
        let cell = |i: usize| record.get(i).unwrap_or_default();
        let (key_cell, date_cell) = (cell(c.customer), cell(c.date));
        let no_cell = c.order_no.map(cell);
        // The cheap test of every cell `is_total_line` looks at, before the full test.
        let maybe_total = may_be_label(key_cell)
            || may_be_label(date_cell)
            || no_cell.is_some_and(may_be_label)
            || !first_is_key
            || trim_cell(cell(0)).is_empty();
        if maybe_total && is_total_line(&record, &key_cells) {
            tally.skip(line, SkipReason::Total);
            continue;
        }
        let key = normalise_key(key_cell);
        if key.is_empty() || key == table.headers[c.customer].as_bytes() {
            if tally.skip_blank_or_header(table, &record, line) {
                continue;
            }
            if key.is_empty() {
                tally.reject(
                    table,
                    line,
                    c.customer,
                    cell(c.customer),
                    Reason::MissingCustomer,
                );
                continue;
            }
        }
        let date = match read_date(&mut pass.dates, date_cell, line, c.date) {
            Ok(Some(id)) => id,
            Ok(None) => {
                tally.reject(table, line, c.date, cell(c.date), Reason::MissingDate);
                continue;
            }
            Err(reason) => {
                tally.reject(table, line, c.date, cell(c.date), reason);
                continue;
            }
        };

        // Numbers: a non-blank cell that is not a number rejects the row.
        let mut bad = None;
        let amount = number_at(&record, c.amount, &mut bad);
        let quantity = number_at(&record, c.quantity, &mut bad);
        let price = number_at(&record, c.price, &mut bad);
        let profit = number_at(&record, c.profit, &mut bad);
        let margin = number_at(&record, c.margin, &mut bad);
        if let Some(i) = bad {
            tally.reject(table, line, i, cell(i), Reason::UnreadableNumber);
            continue;
        }
        let mut amount = match (amount, quantity, price) {
            (Some(a), _, _) => a.value,
            (None, Some(q), Some(p)) => q.value * p.value,
            _ => {
                let i = c
                    .amount
                    .or(c.quantity.filter(|_| quantity.is_none()))
                    .or(c.price)
                    .expect("an amount or quantity and price column");
                tally.reject(table, line, i, cell(i), Reason::MissingAmount);
                continue;
            }
        };
        let mut terms = [NO_DATE; 2];
        if has_terms {
            for (slot, col) in terms.iter_mut().zip([c.due, c.paid]) {
                if let Some(i) = col {
                    match read_date(&mut pass.dates, cell(i), line, i) {
                        Ok(id) => *slot = id.unwrap_or(NO_DATE),
                        Err(reason) => {
                            bad = Some(i);
                            tally.reject(table, line, i, cell(i), reason);
                            break;
                        }
                    }
                }
            }
            if bad.is_some() {
                continue;
            }
        }

        // Returns and cancellations are netted in as negative amounts.
        let order_no = no_cell.map(normalise_key).filter(|n| !n.is_empty());
        let cancelled = cancel.is_some_and(|p| order_no.is_some_and(|n| n.starts_with(p)));
        let mut profit = profit.map_or(0.0, |p| p.value);
        if amount < 0.0 || quantity.is_some_and(|q| q.value < 0.0) || cancelled {
            pass.returns += 1;
            if amount > 0.0 {
                amount = -amount;
                profit = -profit.abs();
            }
        }
        let mut plain_margin = 0.0;
        if let Some(m) = margin {
            if m.percent {
                profit = amount * m.value;
            } else {
                plain_margin = amount * m.value;
                pass.margin_max = pass.margin_max.max(m.value.abs());
            }
        }

        let customer = dir.intern(key);
        if let Some(i) = c.name {
            dir.name(customer, cell(i));
        }
        if let Some(i) = c.salesperson {
            dir.manager(customer, cell(i));
        }

        let order = match order_no {
            Some(no) => match last
                .filter(|&o| pass.accs[o as usize].customer == customer && same_bytes(&last_no, no))
            {
                Some(o) => o,
                None => {
                    let (n, new) = numbers.intern(no);
                    let first = if new {
                        let o = pass.new_order(customer, date, c.margin.is_some());
                        order_of_number.push(o);
                        o
                    } else {
                        order_of_number[n as usize]
                    };
                    let o = if new || pass.accs[first as usize].customer == customer {
                        first
                    } else {
                        // The same number used by two customers: keep them apart.
                        match by_customer_no.get(&(customer, first)) {
                            Some(&o) => o,
                            None => {
                                let o = pass.new_order(customer, date, c.margin.is_some());
                                by_customer_no.insert((customer, first), o);
                                o
                            }
                        }
                    };
                    last_no.clear();
                    last_no.extend_from_slice(no);
                    last = Some(o);
                    o
                }
            },
            None => {
                let key = (customer as u64) << 32 | date as u64;
                match by_day.get(&key) {
                    Some(&o) => o,
                    None => {
                        let o = pass.new_order(customer, date, c.margin.is_some());
                        by_day.insert(key, o);
                        pass.day_orders.push(o);
                        o
                    }
                }
            }
        };
        let acc = &mut pass.accs[order as usize];
        if acc.date != date {
            pass.spans.push((order, date));
        }
        acc.amount += amount;
        acc.profit += profit;
        if let Some(m) = pass.margin_plain.get_mut(order as usize) {
            *m += plain_margin;
        }
        if has_terms {
            for (slot, id) in [&mut pass.due, &mut pass.paid].into_iter().zip(terms) {
                if id != NO_DATE {
                    if slot.len() < pass.accs.len() {
                        slot.resize(pass.accs.len(), NO_DATE);
                    }
                    if slot[order as usize] == NO_DATE {
                        slot[order as usize] = id;
                    }
                }
            }
        }
        pass.order_lines += 1;
    }
    Ok(pass)
}

/// The number in column `col` of a row; a cell that is not a number names its column in
/// `bad` (the first such column of the row).
#[inline(always)]
fn number_at(row: &Row, col: Option<usize>, bad: &mut Option<usize>) -> Option<Number> {
    let i = col?;
    match parse_number(row.get(i).unwrap_or_default()) {
        Ok(n) => n,
        Err(()) => {
            bad.get_or_insert(i);
            None
        }
    }
}

impl OrdersPass {
    fn new_order(&mut self, customer: CustomerId, date: u32, margin: bool) -> u32 {
        let o = self.accs.len() as u32;
        self.accs.push(Acc {
            customer,
            date,
            amount: 0.0,
            profit: 0.0,
        });
        if margin {
            self.margin_plain.push(0.0);
        }
        o
    }

    /// Attaches days (now that the day/month order is known), merges orders of one customer
    /// and day written with different date texts, and hands the orders to the builder.
    pub(super) fn finish(
        mut self,
        table: &Prepared,
        dir: &mut Directory,
    ) -> Result<ImportReport, ImportError> {
        let days = self
            .dates
            .resolve()
            .map_err(|p| table.date_order_error(p))?;
        let n = self.accs.len();
        let mut day: Vec<Day> = self.accs.iter().map(|a| days[a.date as usize]).collect();
        for &(o, d) in &self.spans {
            day[o as usize] = day[o as usize].min(days[d as usize]);
        }
        let mut alive = vec![true; n];
        let mut distinct = days.clone();
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.len() < days.len() {
            let mut first: FxHashMap<(CustomerId, Day), u32> = FxHashMap::default();
            for &o in &self.day_orders {
                let a = self.accs[o as usize];
                match first.get(&(a.customer, day[o as usize])) {
                    Some(&keep) => {
                        let k = keep as usize;
                        self.accs[k].amount += a.amount;
                        self.accs[k].profit += a.profit;
                        if let Some(m) = self.margin_plain.get(o as usize).copied() {
                            self.margin_plain[k] += m;
                        }
                        for v in [&mut self.due, &mut self.paid] {
                            if v.get(k) == Some(&NO_DATE) {
                                v[k] = v[o as usize];
                            }
                        }
                        alive[o as usize] = false;
                    }
                    None => {
                        first.insert((a.customer, day[o as usize]), o);
                    }
                }
            }
        }
        // Margins without `%`: fractions when every one is within ±1, else percentages.
        let margin_scale = if self.margin_max <= 1.0 { 1.0 } else { 0.01 };
        let term = |v: &Vec<u32>, o: usize| {
            v.get(o)
                .filter(|&&id| id != NO_DATE)
                .map(|&id| days[id as usize])
        };
        // In file order: the builder sorts by customer and day.
        let orders = alive.iter().filter(|&&a| a).count();
        dir.builder.reserve_orders(orders);
        for (o, a) in self.accs.iter().enumerate() {
            if alive[o] {
                let profit = a.profit + self.margin_plain.get(o).map_or(0.0, |m| m * margin_scale);
                dir.builder.order_with_terms(
                    a.customer,
                    day[o],
                    a.amount,
                    self.has_profit.then_some(profit),
                    Terms {
                        due: term(&self.due, o),
                        paid: term(&self.paid, o),
                    },
                );
            }
        }
        Ok(ImportReport {
            encoding: table.loaded.encoding().into(),
            header_line: table.header_line,
            mapping: table.mapping.clone(),
            lines: self.tally.lines,
            orders,
            order_lines: self.order_lines,
            customers: 0,
            net_revenue: 0.0,
            gross_profit: None,
            date_min: None,
            date_max: None,
            returns: self.returns,
            skipped: self.tally.skipped,
            rejected: self.tally.rejected,
            customers_file: None,
            interactions_file: None,
        })
    }
}

//! The orders table: rows to order lines, order lines to orders.
//!
//! One pass over the rows, allocating only for new customers and new order numbers: cells
//! are read without copying (see [`super::table::Row`]), customers and order numbers are
//! interned in hash maps (with a check against the previous row first, since exports list an
//! order's lines together), and dates go through the [`DateCache`]. Lines are summed into
//! orders as they come; days are attached at the end, once the file has settled the
//! day/month order. Natively the pass runs on two threads (see [`read`]).

use super::header::{is_total_line, may_be_label};
use super::intern::Interner;
use super::mapping::{Field, Mapping};
use super::parse::{DateCache, Number, normalise_key, parse_number, same_bytes, trim_cell};
use super::table::{Row, Rows};
use super::{
    Directory, ImportError, ImportOptions, ImportReport, Prepared, Progress, Reason, SkipReason,
    Stage, Tally, blank_or_header, read_date,
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

/// Files at least this large are read with a second thread natively (see [`read`]); below
/// it the thread would cost more than it saves.
#[cfg(not(target_arch = "wasm32"))]
pub(super) const READ_AHEAD_BYTES: usize = 1 << 20;

/// Rows a reading-ahead thread hands over at a time: enough to make the hand-over cheap,
/// few enough that a block stays in the cache until the pass takes it.
#[cfg(not(target_arch = "wasm32"))]
const BLOCK: usize = 1024;

/// How many rows ahead the filing thread starts loading a row's customer slot: a look-up
/// that misses the cache takes about as long as filing a few rows.
#[cfg(not(target_arch = "wasm32"))]
const PREFETCH: usize = 8;

/// Reads the rows of the orders file.
///
/// A row is read in two steps: [`Rules::line`] reads its cells and needs nothing but the
/// row, and [`Pass::take`] files the result (dates, customers, orders), in file order. With
/// `ahead`, natively, a large text file is read by two threads, one reading rows ahead and
/// one filing them; the result is the same as reading the rows in turn.
pub(super) fn read(
    table: &Prepared,
    options: &ImportOptions,
    dir: &mut Directory,
    progress: &mut dyn FnMut(Progress) -> bool,
    ahead: bool,
) -> Result<OrdersPass, ImportError> {
    let rules = Rules::new(table, options);
    let mut pass = Pass::new(table, options, &rules.c);
    let rows = table.data_rows();
    #[cfg(not(target_arch = "wasm32"))]
    if ahead
        && table
            .loaded
            .text_len()
            .is_some_and(|n| n >= READ_AHEAD_BYTES)
    {
        read_ahead(&rules, rows, &mut pass, dir, progress)?;
        return Ok(pass.out);
    }
    #[cfg(target_arch = "wasm32")]
    let _ = ahead; // The app's worker has no threads to share the work with.
    read_in_turn(&rules, rows, None, &mut pass, dir, progress)?;
    Ok(pass.out)
}

/// Reads and files the rows one after the other, from `first` (a row already read) on.
fn read_in_turn<'a>(
    rules: &Rules,
    mut rows: Rows<'a>,
    first: Option<(u64, Row<'a>)>,
    pass: &mut Pass,
    dir: &mut Directory,
    progress: &mut dyn FnMut(Progress) -> bool,
) -> Result<(), ImportError> {
    let (mut record, mut next) = match first {
        Some((line, row)) => (row, Some(line)),
        None => {
            let mut row = Row::default();
            let line = rows.next(&mut row);
            (row, line)
        }
    };
    while let Some(line) = next {
        let read = rules.line(&record, |i| record.get(i).unwrap_or_default());
        if pass.take(rules, dir, line, read) {
            super::stage(progress, Stage::Orders, rows.fraction(), rules.table.name)?;
        }
        next = rows.next(&mut record);
    }
    Ok(())
}

/// Rows read by the thread ahead, and the fraction of the file read when it sent them.
#[cfg(not(target_arch = "wasm32"))]
struct Block<'a> {
    lines: Vec<(u64, Line<'a>)>,
    fraction: f32,
    /// The rest of the file, from a row the `csv` crate read (a quoted field): its cells are
    /// not slices of the text, so the filing thread reads it and every row after it.
    rest: Option<(Rows<'a>, u64, Row<'a>)>,
}

/// [`read_in_turn`] with the rows read on a second thread, a block at a time. Rows that are
/// slices of the text (nearly all) are read ahead; from the first row the `csv` crate has to
/// read (a quoted field) on, the filing thread reads the rest itself.
#[cfg(not(target_arch = "wasm32"))]
fn read_ahead<'a>(
    rules: &Rules,
    mut rows: Rows<'a>,
    pass: &mut Pass,
    dir: &mut Directory,
    progress: &mut dyn FnMut(Progress) -> bool,
) -> Result<(), ImportError> {
    use std::sync::mpsc;
    std::thread::scope(|scope| {
        // Blocks in flight let either thread go on while the other is held up; emptied blocks
        // come back for reuse.
        let (full, filled) = mpsc::sync_channel::<Block<'a>>(8);
        let (give_back, returned) = mpsc::channel::<Vec<(u64, Line<'a>)>>();
        scope.spawn(move || {
            let mut record = Row::default();
            loop {
                let mut lines = returned
                    .try_recv()
                    .unwrap_or_else(|_| Vec::with_capacity(BLOCK));
                let mut quoted = None;
                while lines.len() < BLOCK {
                    let Some(line) = rows.next(&mut record) else {
                        break;
                    };
                    match record.text_cells() {
                        Some(cells) => lines.push((line, rules.line(&record, cells))),
                        None => {
                            quoted = Some(line);
                            break;
                        }
                    }
                }
                let fraction = rows.fraction();
                let Some(line) = quoted else {
                    let end = lines.len() < BLOCK;
                    let block = Block {
                        lines,
                        fraction,
                        rest: None,
                    };
                    // A closed channel means the filing thread stopped (an error or a cancel).
                    if full.send(block).is_err() || end {
                        return;
                    }
                    continue;
                };
                let rest = Some((rows, line, record));
                let _ = full.send(Block {
                    lines,
                    fraction,
                    rest,
                });
                return;
            }
        });
        for mut block in filled {
            for j in 0..block.lines.len() {
                // Customers a few rows on are looked up in a table too large for the cache.
                if let Some((_, Line::Order(o))) = block.lines.get(j + PREFETCH) {
                    dir.prefetch(o.key);
                }
                let (line, read) = block.lines[j];
                if pass.take(rules, dir, line, read) {
                    super::stage(progress, Stage::Orders, block.fraction, rules.table.name)?;
                }
            }
            block.lines.clear();
            let _ = give_back.send(block.lines);
            if let Some((rows, line, row)) = block.rest {
                return read_in_turn(rules, rows, Some((line, row)), pass, dir, progress);
            }
        }
        Ok(())
    })
}

/// What reading a row gives before anything is filed: all of it natively on the thread
/// ahead (see [`read`]).
#[derive(Clone, Copy)]
enum Line<'r> {
    Skip(SkipReason),
    Reject(Rejection<'r>),
    /// A row rejected for a number once its date (the cell here) has been read: a row with
    /// a bad date and a bad number is rejected for its date.
    RejectAfterDate(&'r [u8], Rejection<'r>),
    Order(OrderLine<'r>),
}

#[derive(Clone, Copy)]
struct Rejection<'r> {
    column: usize,
    value: &'r [u8],
    reason: Reason,
}

/// An order line as read from its row; its dates are read when it is filed, since reading
/// a date takes the file's date cache.
#[derive(Clone, Copy)]
struct OrderLine<'r> {
    /// Normalised.
    key: &'r [u8],
    date: &'r [u8],
    order_no: Option<&'r [u8]>,
    name: Option<&'r [u8]>,
    salesperson: Option<&'r [u8]>,
    terms: [Option<&'r [u8]>; 2],
    /// Negative for returns and cancellations.
    amount: f64,
    profit: f64,
    /// A margin without `%`, whose scale the whole column decides.
    plain_margin: Option<f64>,
    is_return: bool,
}

/// How rows of this file are read: what [`Line`]s need, and nothing that changes.
struct Rules<'t> {
    table: &'t Prepared<'t>,
    c: Columns,
    cancel: Option<&'t [u8]>,
    key_cells: [Option<usize>; 3],
    /// When the first column is a key column, a row whose first cell is filled is a total
    /// line only if a key cell is a total label.
    first_is_key: bool,
    header_key: &'t [u8],
}

impl<'t> Rules<'t> {
    fn new(table: &'t Prepared<'t>, options: &'t ImportOptions) -> Self {
        let c = Columns::new(&table.mapping);
        let key_cells = [Some(c.customer), Some(c.date), c.order_no];
        Rules {
            table,
            cancel: options.cancel_prefix.as_deref().map(str::as_bytes),
            key_cells,
            first_is_key: key_cells.contains(&Some(0)),
            header_key: table.headers[c.customer].as_bytes(),
            c,
        }
    }

    /// Reads a row whose cell `i` is `cell(i)` (blank past the row's end).
    #[inline(always)]
    fn line<'r>(&self, record: &Row, cell: impl Fn(usize) -> &'r [u8]) -> Line<'r> {
        let c = &self.c;
        let (key_cell, date_cell) = (cell(c.customer), cell(c.date));
        let no_cell = c.order_no.map(&cell);
        // The cheap test of every cell `is_total_line` looks at, before the full test.
        let maybe_total = may_be_label(key_cell)
            || may_be_label(date_cell)
            || no_cell.is_some_and(may_be_label)
            || !self.first_is_key
            || trim_cell(cell(0)).is_empty();
        if maybe_total && is_total_line(record, &self.key_cells) {
            return Line::Skip(SkipReason::Total);
        }
        let reject = |column: usize, reason| Rejection {
            column,
            value: cell(column),
            reason,
        };
        let key = normalise_key(key_cell);
        if key.is_empty() || key == self.header_key {
            if let Some(reason) = blank_or_header(self.table, record) {
                return Line::Skip(reason);
            }
            if key.is_empty() {
                return Line::Reject(reject(c.customer, Reason::MissingCustomer));
            }
        }

        // Numbers: a non-blank cell that is not a number rejects the row.
        let mut bad = None;
        let amount = number_at(&cell, c.amount, &mut bad);
        let quantity = number_at(&cell, c.quantity, &mut bad);
        let price = number_at(&cell, c.price, &mut bad);
        let profit = number_at(&cell, c.profit, &mut bad);
        let margin = number_at(&cell, c.margin, &mut bad);
        let late = |r| Line::RejectAfterDate(date_cell, r);
        let mut amount = match (bad, amount, quantity, price) {
            (Some(i), ..) => return late(reject(i, Reason::UnreadableNumber)),
            (None, Some(a), _, _) => a.value,
            (None, None, Some(q), Some(p)) => q.value * p.value,
            _ => {
                let i = c
                    .amount
                    .or(c.quantity.filter(|_| quantity.is_none()))
                    .or(c.price)
                    .expect("an amount or quantity and price column");
                return late(reject(i, Reason::MissingAmount));
            }
        };

        // Returns and cancellations are netted in as negative amounts.
        let order_no = no_cell.map(normalise_key).filter(|n| !n.is_empty());
        let cancelled = self
            .cancel
            .is_some_and(|p| order_no.is_some_and(|n| n.starts_with(p)));
        let mut profit = profit.map_or(0.0, |p| p.value);
        let is_return = amount < 0.0 || quantity.is_some_and(|q| q.value < 0.0) || cancelled;
        if is_return && amount > 0.0 {
            amount = -amount;
            profit = -profit.abs();
        }
        let mut plain_margin = None;
        if let Some(m) = margin {
            if m.percent {
                profit = amount * m.value;
            } else {
                plain_margin = Some(m.value);
            }
        }
        Line::Order(OrderLine {
            key,
            date: date_cell,
            order_no,
            name: c.name.map(&cell),
            salesperson: c.salesperson.map(&cell),
            terms: [c.due.map(&cell), c.paid.map(&cell)],
            amount,
            profit,
            plain_margin,
            is_return,
        })
    }
}

/// The number in column `col`; a cell that is not a number names its column in `bad` (the
/// first such column of the row).
#[inline(always)]
fn number_at<'r>(
    cell: &impl Fn(usize) -> &'r [u8],
    col: Option<usize>,
    bad: &mut Option<usize>,
) -> Option<Number> {
    let i = col?;
    match parse_number(cell(i)) {
        Ok(n) => n,
        Err(()) => {
            bad.get_or_insert(i);
            None
        }
    }
}

/// The pass's state while rows are filed: the orders so far and how to find them again.
struct Pass {
    out: OrdersPass,
    has_terms: bool,
    has_margin: bool,
    /// Order numbers and the (first) order of each.
    numbers: Interner,
    order_of_number: Vec<u32>,
    /// Orders of a number already used by another customer, by (customer, first order).
    by_customer_no: FxHashMap<(CustomerId, u32), u32>,
    by_day: FxHashMap<u64, u32>,
    /// The order number of the previous line and its order: an order's lines come together.
    last_no: Vec<u8>,
    last: Option<u32>,
}

impl Pass {
    fn new(table: &Prepared, options: &ImportOptions, c: &Columns) -> Self {
        // Orders of three lines or more, as most exports have (the vectors grow for others).
        let orders_expected = table.loaded.estimated_rows() / 3;
        let numbers = Interner::with_capacity(if c.order_no.is_some() {
            orders_expected
        } else {
            0
        });
        Pass {
            out: OrdersPass {
                tally: Tally::default(),
                order_lines: 0,
                returns: 0,
                has_profit: c.profit.is_some() || c.margin.is_some(),
                dates: DateCache::new(options.date_order),
                accs: Vec::with_capacity(orders_expected),
                spans: Vec::new(),
                day_orders: Vec::new(),
                margin_plain: Vec::new(),
                margin_max: 0.0,
                due: Vec::new(),
                paid: Vec::new(),
            },
            has_terms: c.due.is_some() || c.paid.is_some(),
            has_margin: c.margin.is_some(),
            order_of_number: Vec::with_capacity(numbers.capacity()),
            numbers,
            by_customer_no: FxHashMap::default(),
            by_day: FxHashMap::default(),
            last_no: Vec::new(),
            last: None,
        }
    }

    /// Files a row read at `line`; whether it is time to report progress.
    #[inline(always)]
    fn take(&mut self, rules: &Rules, dir: &mut Directory, line: u64, read: Line) -> bool {
        let out = &mut self.out;
        out.tally.lines += 1;
        let tick = out.tally.lines & 0xFFFF == 0;
        let (table, c) = (rules.table, &rules.c);
        let (o, date) = match read {
            Line::Order(o) => match out.date(table, c.date, line, o.date) {
                Some(date) => (o, date),
                None => return tick,
            },
            Line::Skip(reason) => {
                out.tally.skip(line, reason);
                return tick;
            }
            Line::Reject(r) => {
                out.tally.reject(table, line, r.column, r.value, r.reason);
                return tick;
            }
            Line::RejectAfterDate(cell, r) => {
                if out.date(table, c.date, line, cell).is_some() {
                    out.tally.reject(table, line, r.column, r.value, r.reason);
                }
                return tick;
            }
        };
        let mut terms = [NO_DATE; 2];
        if self.has_terms {
            for ((slot, col), cell) in terms.iter_mut().zip([c.due, c.paid]).zip(o.terms) {
                if let (Some(i), Some(cell)) = (col, cell) {
                    match read_date(&mut out.dates, cell, line, i) {
                        Ok(id) => *slot = id.unwrap_or(NO_DATE),
                        Err(reason) => {
                            out.tally.reject(table, line, i, cell, reason);
                            return tick;
                        }
                    }
                }
            }
        }

        if o.is_return {
            out.returns += 1;
        }
        let plain_margin = match o.plain_margin {
            Some(m) => {
                out.margin_max = out.margin_max.max(m.abs());
                o.amount * m
            }
            None => 0.0,
        };
        let customer = dir.intern(o.key);
        if let Some(name) = o.name {
            dir.name(customer, name);
        }
        if let Some(salesperson) = o.salesperson {
            dir.manager(customer, salesperson);
        }
        let order = self.order(customer, date, o.order_no);
        let out = &mut self.out;
        let acc = &mut out.accs[order as usize];
        if acc.date != date {
            out.spans.push((order, date));
        }
        acc.amount += o.amount;
        acc.profit += o.profit;
        if let Some(m) = out.margin_plain.get_mut(order as usize) {
            *m += plain_margin;
        }
        if self.has_terms {
            for (slot, id) in [&mut out.due, &mut out.paid].into_iter().zip(terms) {
                if id != NO_DATE {
                    if slot.len() < out.accs.len() {
                        slot.resize(out.accs.len(), NO_DATE);
                    }
                    if slot[order as usize] == NO_DATE {
                        slot[order as usize] = id;
                    }
                }
            }
        }
        out.order_lines += 1;
        tick
    }

    /// The order a line of `customer` on date `date` belongs to: the order of its number,
    /// or without one, the customer's order of that day.
    #[inline(always)]
    fn order(&mut self, customer: CustomerId, date: u32, order_no: Option<&[u8]>) -> u32 {
        let margin = self.has_margin;
        let Some(no) = order_no else {
            let key = (customer as u64) << 32 | date as u64;
            return match self.by_day.get(&key) {
                Some(&o) => o,
                None => {
                    let o = self.out.new_order(customer, date, margin);
                    self.by_day.insert(key, o);
                    self.out.day_orders.push(o);
                    o
                }
            };
        };
        if let Some(o) = self.last.filter(|&o| {
            self.out.accs[o as usize].customer == customer && same_bytes(&self.last_no, no)
        }) {
            return o;
        }
        let (n, new) = self.numbers.intern(no);
        let first = if new {
            let o = self.out.new_order(customer, date, margin);
            self.order_of_number.push(o);
            o
        } else {
            self.order_of_number[n as usize]
        };
        let o = if new || self.out.accs[first as usize].customer == customer {
            first
        } else {
            // The same number used by two customers: keep them apart.
            match self.by_customer_no.get(&(customer, first)) {
                Some(&o) => o,
                None => {
                    let o = self.out.new_order(customer, date, margin);
                    self.by_customer_no.insert((customer, first), o);
                    o
                }
            }
        };
        self.last_no.clear();
        self.last_no.extend_from_slice(no);
        self.last = Some(o);
        o
    }
}

impl OrdersPass {
    /// The date id of an order's date cell, or `None` when the row is rejected for it.
    #[inline(always)]
    fn date(&mut self, table: &Prepared, column: usize, line: u64, cell: &[u8]) -> Option<u32> {
        let reason = match read_date(&mut self.dates, cell, line, column) {
            Ok(Some(id)) => return Some(id),
            Ok(None) => Reason::MissingDate,
            Err(reason) => reason,
        };
        self.tally.reject(table, line, column, cell, reason);
        None
    }

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

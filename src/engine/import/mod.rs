//! Importing the files users bring: ERP, CRM and Excel exports of orders, customers and
//! interactions, as CSV/TSV text in any common encoding or as spreadsheets.
//!
//! Input is bytes and a file name (the browser hands bytes from a `File`; the engine never
//! touches a filesystem). [`preview`] reads only the start of a file so the app can show the
//! encoding, header and detected mapping at once; [`import`] reads everything into a
//! [`Dataset`] and an [`ImportReport`] that accounts for every line. What is accepted and
//! how each value is read is documented in `docs/import.md`.
//!
//! ```
//! use tierlens::engine::import::{ImportOptions, import_orders};
//! let csv = "单据日期,客户名称,价税合计\n2025-01-05,上海恒达,1200\n2025-01-05,上海恒达,-200\n";
//! let imported = import_orders(csv.as_bytes(), "sales.csv", &ImportOptions::new()).unwrap();
//! assert_eq!(imported.report.orders, 1);
//! assert_eq!(imported.report.net_revenue, 1000.0);
//! assert_eq!(imported.report.returns, 1);
//! ```

pub mod decode;
pub mod error;
pub mod header;
pub mod intern;
pub mod mapping;
pub mod parse;
pub mod report;
pub mod table;

mod customers;
mod interactions;
mod orders;

pub use error::{ErrorKind, ImportError};
pub use mapping::{Field, MappedColumn, Mapping, TableKind};
pub use parse::DateOrder;
pub use report::{ImportReport, Reason, Rejected, SkipReason, Skipped, TableReport};

use super::model::{Customer, CustomerId, Dataset, DatasetBuilder};
use parse::{OrderProblem, trim_cell};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use table::{LoadError, Loaded};

/// Settings of one table's file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TableOptions {
    /// Sheet of a workbook; the first sheet when `None`.
    pub sheet: Option<String>,
    /// Field to header text, overriding detection; an empty text unmaps the field. A saved
    /// [`Mapping::to_overrides`] goes here.
    pub mapping: BTreeMap<Field, String>,
    /// 1-based line of the header when detection should not decide.
    pub header_line: Option<u64>,
}

/// How to import: per-table settings and file-wide rules. Build it with the methods:
/// `ImportOptions::new().sheet("明细").map(Field::Amount, "实收金额").date_order(DateOrder::Dmy)`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ImportOptions {
    pub orders: TableOptions,
    pub customers: TableOptions,
    pub interactions: TableOptions,
    /// Day/month order for dates like `03/04/2025` when the file does not settle it.
    pub date_order: Option<DateOrder>,
    /// Order numbers starting with this are cancellations (`C` in the UCI Online Retail data).
    pub cancel_prefix: Option<String>,
}

impl ImportOptions {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn table(&self, table: TableKind) -> &TableOptions {
        match table {
            TableKind::Orders => &self.orders,
            TableKind::Customers => &self.customers,
            TableKind::Interactions => &self.interactions,
        }
    }

    pub fn table_mut(&mut self, table: TableKind) -> &mut TableOptions {
        match table {
            TableKind::Orders => &mut self.orders,
            TableKind::Customers => &mut self.customers,
            TableKind::Interactions => &mut self.interactions,
        }
    }

    /// The sheet of the orders workbook.
    pub fn sheet(self, sheet: impl Into<String>) -> Self {
        self.sheet_in(TableKind::Orders, sheet)
    }

    pub fn sheet_in(mut self, table: TableKind, sheet: impl Into<String>) -> Self {
        self.table_mut(table).sheet = Some(sheet.into());
        self
    }

    /// Maps a field of the orders file to a column (by header text; empty to unmap).
    pub fn map(self, field: Field, column: impl Into<String>) -> Self {
        self.map_in(TableKind::Orders, field, column)
    }

    pub fn map_in(mut self, table: TableKind, field: Field, column: impl Into<String>) -> Self {
        self.table_mut(table).mapping.insert(field, column.into());
        self
    }

    /// Reuses a saved mapping for a table.
    pub fn with_mapping(mut self, table: TableKind, mapping: &Mapping) -> Self {
        self.table_mut(table).mapping.extend(mapping.to_overrides());
        self
    }

    pub fn header_line(mut self, table: TableKind, line: u64) -> Self {
        self.table_mut(table).header_line = Some(line);
        self
    }

    pub fn date_order(mut self, order: DateOrder) -> Self {
        self.date_order = Some(order);
        self
    }

    pub fn cancel_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.cancel_prefix = Some(prefix.into()).filter(|p| !p.is_empty());
        self
    }
}

/// The part of the import under way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Customers,
    Orders,
    Interactions,
    /// Summing, sorting and indexing the orders.
    Building,
}

/// Reported to the progress callback; `fraction` is 0 to 1 within the stage.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    pub stage: Stage,
    pub fraction: f32,
}

/// One file as the browser or the CLI hands it over.
#[derive(Debug, Clone, Copy)]
pub struct FileRef<'a> {
    pub name: &'a str,
    pub bytes: &'a [u8],
}

impl<'a> FileRef<'a> {
    pub fn new(name: &'a str, bytes: &'a [u8]) -> Self {
        FileRef { name, bytes }
    }
}

/// The files of one import: orders, and optionally customers and interactions.
#[derive(Debug, Clone, Copy)]
pub struct Files<'a> {
    pub orders: FileRef<'a>,
    pub customers: Option<FileRef<'a>>,
    pub interactions: Option<FileRef<'a>>,
}

impl<'a> Files<'a> {
    pub fn orders(name: &'a str, bytes: &'a [u8]) -> Self {
        Files {
            orders: FileRef::new(name, bytes),
            customers: None,
            interactions: None,
        }
    }

    pub fn customers(mut self, name: &'a str, bytes: &'a [u8]) -> Self {
        self.customers = Some(FileRef::new(name, bytes));
        self
    }

    pub fn interactions(mut self, name: &'a str, bytes: &'a [u8]) -> Self {
        self.interactions = Some(FileRef::new(name, bytes));
        self
    }
}

#[derive(Debug, Clone)]
pub struct Imported {
    pub dataset: Dataset,
    pub report: ImportReport,
}

/// Imports an orders file alone.
pub fn import_orders(
    bytes: &[u8],
    name: &str,
    options: &ImportOptions,
) -> Result<Imported, ImportError> {
    import(&Files::orders(name, bytes), options)
}

/// Imports the files into one dataset.
pub fn import(files: &Files, options: &ImportOptions) -> Result<Imported, ImportError> {
    import_with_progress(files, options, &mut |_| true)
}

/// As [`import`], calling `progress` now and then (every 65,536 rows and between stages);
/// returning `false` from it cancels the import with [`ErrorKind::Cancelled`].
pub fn import_with_progress(
    files: &Files,
    options: &ImportOptions,
    progress: &mut dyn FnMut(Progress) -> bool,
) -> Result<Imported, ImportError> {
    import_with(files, options, progress, true)
}

/// [`import_with_progress`]; `ahead` lets a large orders file be read with a second thread
/// natively (see `orders::read`), which the tests turn off to compare.
fn import_with(
    files: &Files,
    options: &ImportOptions,
    progress: &mut dyn FnMut(Progress) -> bool,
    ahead: bool,
) -> Result<Imported, ImportError> {
    let mut directory = Directory::default();
    let customers_file = match files.customers {
        Some(file) => {
            let table = Prepared::new(file, TableKind::Customers, options)?;
            Some(customers::read(&table, options, &mut directory, progress)?)
        }
        None => None,
    };
    let table = Prepared::new(files.orders, TableKind::Orders, options)?;
    let orders = orders::read(&table, options, &mut directory, progress, ahead)?;
    let interactions_file = match files.interactions {
        Some(file) => {
            let table = Prepared::new(file, TableKind::Interactions, options)?;
            Some(interactions::read(
                &table,
                options,
                &mut directory,
                progress,
            )?)
        }
        None => None,
    };
    stage(progress, Stage::Building, 0.0, files.orders.name)?;
    let mut report = orders.finish(&table, &mut directory)?;
    let dataset = directory.builder.build();
    report.customers = dataset.customers.len();
    report.net_revenue = dataset.orders.amount.iter().sum();
    report.gross_profit = dataset.orders.profit.as_ref().map(|p| p.iter().sum());
    let range = dataset.day_range();
    report.date_min = range.map(|(a, _)| super::model::format_day(a));
    report.date_max = range.map(|(_, b)| super::model::format_day(b));
    report.customers_file = customers_file;
    report.interactions_file = interactions_file;
    stage(progress, Stage::Building, 1.0, files.orders.name)?;
    Ok(Imported { dataset, report })
}

fn stage(
    progress: &mut dyn FnMut(Progress) -> bool,
    stage: Stage,
    fraction: f32,
    file: &str,
) -> Result<(), ImportError> {
    if progress(Progress { stage, fraction }) {
        Ok(())
    } else {
        Err(ImportError::new(file, ErrorKind::Cancelled))
    }
}

/// What the app shows before importing: enough to check and edit the mapping.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Preview {
    pub table: TableKind,
    /// `UTF-8`, `GBK`, `UTF-16LE`, `UTF-16BE`, or the spreadsheet format.
    pub encoding: String,
    /// Field delimiter of a text file.
    pub delimiter: Option<char>,
    /// Sheets of a workbook, to choose from.
    pub sheets: Vec<String>,
    pub sheet: Option<String>,
    /// `None` when no row looks like a header: the rows are then the file's first rows, and
    /// the user can name the header line.
    pub header_line: Option<u64>,
    pub headers: Vec<String>,
    /// Up to [`PREVIEW_ROWS`] rows below the header.
    pub rows: Vec<PreviewRow>,
    pub mapping: Mapping,
    /// Required fields without a column.
    pub missing: Vec<Field>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreviewRow {
    pub line: u64,
    pub cells: Vec<String>,
}

pub const PREVIEW_ROWS: usize = 20;
/// Text decoded for a preview: plenty for a header and twenty rows.
const PREVIEW_BYTES: usize = 256 * 1024;

/// Reads the start of a file and detects its encoding, header and mapping.
pub fn preview(
    bytes: &[u8],
    name: &str,
    table: TableKind,
    options: &ImportOptions,
) -> Result<Preview, ImportError> {
    let opts = options.table(table);
    let loaded = Loaded::load(bytes, name, opts.sheet.as_deref(), PREVIEW_BYTES)
        .map_err(|e| load_error(name, e))?;
    let head = loaded.head(header::HEADER_SEARCH_ROWS + PREVIEW_ROWS + 1);
    let (sheets, sheet, delimiter) = match &loaded {
        Loaded::Text { delimiter, .. } => (Vec::new(), None, Some(*delimiter as char)),
        Loaded::Sheet { sheets, sheet, .. } => (sheets.clone(), Some(sheet.clone()), None),
    };
    let header = header_index(&head, table, opts);
    let (header_line, headers, mapping, body) = match header {
        Some(i) => {
            let headers = head[i].1.clone();
            let mapping = mapping::detect(&headers, table, &opts.mapping)
                .map_err(|e| unknown_column(name, head[i].0, &headers, e))?;
            (Some(head[i].0), headers, mapping, &head[i + 1..])
        }
        None => (None, Vec::new(), Mapping::default(), &head[..]),
    };
    let missing = if header_line.is_some() {
        required_missing(table, &mapping)
    } else {
        required(table).to_vec()
    };
    Ok(Preview {
        table,
        encoding: loaded.encoding().into(),
        delimiter,
        sheets,
        sheet,
        header_line,
        headers,
        rows: body
            .iter()
            .take(PREVIEW_ROWS)
            .map(|(line, cells)| PreviewRow {
                line: *line,
                cells: cells.clone(),
            })
            .collect(),
        mapping,
        missing,
    })
}

fn required(table: TableKind) -> &'static [Field] {
    match table {
        TableKind::Orders => &[Field::Customer, Field::Date, Field::Amount],
        TableKind::Customers => &[Field::Customer],
        TableKind::Interactions => &[Field::Customer, Field::Date],
    }
}

/// Required fields without a column; quantity and unit price together stand for an amount.
fn required_missing(table: TableKind, mapping: &Mapping) -> Vec<Field> {
    required(table)
        .iter()
        .copied()
        .filter(|&f| {
            mapping.get(f).is_none()
                && !(f == Field::Amount
                    && mapping.get(Field::Quantity).is_some()
                    && mapping.get(Field::UnitPrice).is_some())
        })
        .collect()
}

fn header_index(
    head: &[(u64, Vec<String>)],
    table: TableKind,
    opts: &TableOptions,
) -> Option<usize> {
    match opts.header_line {
        Some(line) => head.iter().position(|(l, _)| *l == line),
        None => {
            let rows: Vec<Vec<String>> = head.iter().map(|(_, r)| r.clone()).collect();
            header::find_header(&rows, table, &opts.mapping)
        }
    }
}

/// A loaded file with its header found and mapping decided.
pub(crate) struct Prepared<'a> {
    name: &'a str,
    loaded: Loaded<'a>,
    /// Rows to skip to reach the first data row (the header and everything above it).
    skip: usize,
    header_line: u64,
    headers: Vec<String>,
    mapping: Mapping,
}

impl<'a> Prepared<'a> {
    fn new(
        file: FileRef<'a>,
        table: TableKind,
        options: &ImportOptions,
    ) -> Result<Self, ImportError> {
        let opts = options.table(table);
        let loaded = Loaded::load(file.bytes, file.name, opts.sheet.as_deref(), usize::MAX)
            .map_err(|e| load_error(file.name, e))?;
        let rows_needed = match opts.header_line {
            Some(line) => line as usize,
            None => header::HEADER_SEARCH_ROWS,
        };
        let head = loaded.head(rows_needed);
        let index = header_index(&head, table, opts)
            .ok_or_else(|| ImportError::new(file.name, ErrorKind::NoHeader(table)))?;
        let (header_line, headers) = head[index].clone();
        let mapping = mapping::detect(&headers, table, &opts.mapping)
            .map_err(|e| unknown_column(file.name, header_line, &headers, e))?;
        if let Some(&field) = required_missing(table, &mapping).first() {
            let kind = if field == Field::Amount {
                ErrorKind::MissingAmount
            } else {
                ErrorKind::MissingColumn(table, field)
            };
            return Err(ImportError::new(file.name, kind).at(header_line, None));
        }
        Ok(Prepared {
            name: file.name,
            loaded,
            skip: index + 1,
            header_line,
            headers,
            mapping,
        })
    }

    /// Rows below the header.
    fn data_rows(&self) -> table::Rows<'_> {
        let mut rows = self.loaded.rows();
        let mut row = table::Row::default();
        for _ in 0..self.skip {
            rows.next(&mut row);
        }
        rows
    }

    fn column(&self, index: usize) -> String {
        self.headers.get(index).cloned().unwrap_or_default()
    }

    fn error_at(&self, kind: ErrorKind, seen: &parse::Seen) -> ImportError {
        ImportError::new(self.name, kind).at(seen.line, Some(self.column(seen.column)))
    }

    /// The error for a failed day/month decision.
    fn date_order_error(&self, problem: OrderProblem) -> ImportError {
        match problem {
            OrderProblem::Ambiguous { seen, text } => {
                self.error_at(ErrorKind::AmbiguousDates { example: text }, &seen)
            }
            OrderProblem::Mixed {
                day_first,
                month_first,
            } => self.error_at(
                ErrorKind::MixedDateOrder {
                    month_first_line: month_first.0.line,
                    month_first: month_first.1,
                    day_first: day_first.1,
                },
                &day_first.0,
            ),
        }
    }

    fn report(&self) -> TableReport {
        TableReport {
            encoding: self.loaded.encoding().into(),
            header_line: self.header_line,
            mapping: self.mapping.clone(),
            lines: 0,
            records: 0,
            skipped: Vec::new(),
            rejected: Vec::new(),
        }
    }
}

/// Counts and lists of one pass over a table, shared by the three readers.
#[derive(Default)]
pub(crate) struct Tally {
    lines: u64,
    skipped: Vec<Skipped>,
    rejected: Vec<Rejected>,
}

impl Tally {
    #[cold]
    fn reject(&mut self, table: &Prepared, line: u64, column: usize, value: &[u8], reason: Reason) {
        self.rejected.push(Rejected {
            line,
            column: table.column(column),
            value: String::from_utf8_lossy(trim_cell(value)).into_owned(),
            reason,
        });
    }

    #[cold]
    fn skip(&mut self, line: u64, reason: SkipReason) {
        self.skipped.push(Skipped { line, reason });
    }

    /// Skips a row whose cells are all blank or that repeats the header (see
    /// [`blank_or_header`]); whether it did.
    fn skip_blank_or_header(&mut self, table: &Prepared, record: &table::Row, line: u64) -> bool {
        let reason = blank_or_header(table, record);
        if let Some(reason) = reason {
            self.skip(line, reason);
        }
        reason.is_some()
    }
}

/// Whether a row is to be skipped as having every cell blank, or as repeating the header
/// (paged report exports do). Total lines are checked by the caller, which knows the key
/// columns.
fn blank_or_header(table: &Prepared, record: &table::Row) -> Option<SkipReason> {
    if record.iter().all(|c| trim_cell(c).is_empty()) {
        return Some(SkipReason::Empty);
    }
    let repeated = record.len() >= table.headers.len()
        && record
            .iter()
            .zip(&table.headers)
            .all(|(c, h)| trim_cell(c) == h.as_bytes());
    repeated.then_some(SkipReason::RepeatedHeader)
}

/// Customers of the import: ids handed out by the builder, looked up by key without
/// allocating, and by name for files keyed by name when the customer table has codes.
#[derive(Default)]
pub(crate) struct Directory {
    builder: DatasetBuilder,
    /// The customer of each key seen (names found in `names` included).
    keys: intern::KeyMap,
    names: FxHashMap<String, CustomerId>,
    /// Whether the customer's name and account manager are known (set from a later file).
    named: Vec<bool>,
    managed: Vec<bool>,
    /// The previous look-up and its customer: order lines come in runs of one customer.
    last_key: Vec<u8>,
    last: Option<CustomerId>,
}

impl Directory {
    /// Adds a customer from the customer table (keys are unique there).
    fn add(&mut self, customer: Customer) -> CustomerId {
        let key = customer.key.clone();
        let name = customer.name.clone();
        let (named, managed) = (!customer.name.is_empty(), !customer.manager.is_empty());
        let id = self.builder.customer(customer);
        self.keys.get_or_insert(key.as_bytes(), id);
        if named {
            self.names.entry(name.to_string()).or_insert(id);
        }
        self.named.push(named);
        self.managed.push(managed);
        id
    }

    /// Starts loading what a look-up of `key` will read (see [`intern::KeyMap::prefetch`]).
    #[cfg(not(target_arch = "wasm32"))]
    #[inline(always)]
    fn prefetch(&self, key: &[u8]) {
        self.keys.prefetch(key);
    }

    /// An existing customer by key, or by name.
    #[inline(always)]
    fn find(&mut self, key: &[u8]) -> Option<CustomerId> {
        match self.last {
            Some(id) if parse::same_bytes(&self.last_key, key) => Some(id),
            _ => self.find_new(key),
        }
    }

    /// [`Directory::find`] of a key unlike the previous one.
    #[inline(never)]
    fn find_new(&mut self, key: &[u8]) -> Option<CustomerId> {
        let id = match self.keys.get(key) {
            Some(id) => id,
            None => {
                let name = std::str::from_utf8(key).ok()?;
                let id = *self.names.get(name)?;
                self.keys.get_or_insert(key, id);
                id
            }
        };
        self.remember(key, id);
        Some(id)
    }

    fn remember(&mut self, key: &[u8], id: CustomerId) {
        self.last_key.clear();
        self.last_key.extend_from_slice(key);
        self.last = Some(id);
    }

    /// The customer of a key, created when new.
    #[inline(always)]
    fn intern(&mut self, key: &[u8]) -> CustomerId {
        match self.find(key) {
            Some(id) => id,
            None => self.create(key),
        }
    }

    #[inline(never)]
    fn create(&mut self, key: &[u8]) -> CustomerId {
        let id = self.builder.intern(&String::from_utf8_lossy(key));
        self.keys.get_or_insert(key, id);
        self.remember(key, id);
        if id as usize == self.named.len() {
            self.named.push(false);
            self.managed.push(false);
        }
        id
    }

    /// Fills a customer's name when no file has given one yet.
    fn name(&mut self, id: CustomerId, name: &[u8]) {
        if !self.named[id as usize] {
            let name = trim_cell(name);
            if !name.is_empty() {
                self.named[id as usize] = true;
                self.builder.customer_mut(id).name = String::from_utf8_lossy(name).into();
            }
        }
    }

    /// Fills a customer's account manager from an order's salesperson when unknown.
    fn manager(&mut self, id: CustomerId, manager: &[u8]) {
        if !self.managed[id as usize] {
            let manager = trim_cell(manager);
            if !manager.is_empty() {
                self.managed[id as usize] = true;
                self.builder.customer_mut(id).manager =
                    String::from_utf8_lossy(manager).into_owned();
            }
        }
    }
}

/// A date cell as a [`parse::DateCache`] id: `Ok(None)` when blank.
#[inline(always)]
pub(crate) fn read_date(
    dates: &mut parse::DateCache,
    raw: &[u8],
    line: u64,
    column: usize,
) -> Result<Option<u32>, Reason> {
    match dates.repeat(raw) {
        Some(id) => Ok(Some(id)),
        None => read_new_date(dates, raw, line, column),
    }
}

/// [`read_date`] of a cell unlike the previous one.
#[inline(never)]
fn read_new_date(
    dates: &mut parse::DateCache,
    raw: &[u8],
    line: u64,
    column: usize,
) -> Result<Option<u32>, Reason> {
    let text = trim_cell(raw);
    if text.is_empty() {
        return Ok(None);
    }
    let seen = || parse::Seen { line, column };
    if let Some(day) = parse::year_first_date(text) {
        return Ok(Some(dates.day_id(raw, day, seen)));
    }
    let part = parse::date_part(text).ok_or(Reason::UnreadableDate)?;
    dates.id(raw, part, seen).map(Some).map_err(|p| match p {
        parse::DateProblem::Unreadable => Reason::UnreadableDate,
        parse::DateProblem::WrongOrder => Reason::WrongDateOrder,
    })
}

fn load_error(file: &str, e: LoadError) -> ImportError {
    let kind = match e {
        LoadError::Decode(decode::DecodeError::Empty) => ErrorKind::Empty,
        LoadError::Decode(decode::DecodeError::Binary) => ErrorKind::Binary,
        LoadError::Spreadsheet(e) => ErrorKind::Spreadsheet(e),
        LoadError::NoSheet { sheet, sheets } => ErrorKind::NoSheet { sheet, sheets },
    };
    ImportError::new(file, kind)
}

fn unknown_column(
    file: &str,
    line: u64,
    headers: &[String],
    e: mapping::UnknownColumn,
) -> ImportError {
    ImportError::new(
        file,
        ErrorKind::UnknownColumn {
            field: e.field,
            headers: headers.to_vec(),
        },
    )
    .at(line, Some(e.column))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys that agree in length and ends, short and long, are told apart.
    #[test]
    fn the_directory_tells_alike_keys_apart() {
        let mut dir = Directory::default();
        let keys: [&[u8]; 8] = [
            b"C0001",
            b"C0002",
            b"C0001",
            "上海恒达贸易有限公司".as_bytes(),
            "上海恒运贸易有限公司".as_bytes(),
            "上海恒达贸易有限公司".as_bytes(),
            b"",
            b"C0002",
        ];
        let ids: Vec<CustomerId> = keys
            .iter()
            .map(|k| dir.find(k).unwrap_or_else(|| dir.create(k)))
            .collect();
        assert_eq!(ids, vec![0, 1, 0, 2, 3, 2, 4, 1]);
        let ds = dir.builder.build();
        assert_eq!(&*ds.customers[3].key, "上海恒运贸易有限公司");
    }

    /// An orders file of `lines` rows with a bit of everything the reader handles, and from
    /// `quote_at` on a quoted name with a line break in it (the `csv` crate reads the rest).
    #[cfg(not(target_arch = "wasm32"))]
    fn messy_orders(lines: usize, quote_at: usize) -> String {
        use crate::engine::model::{day_from_ymd, format_day};
        use std::fmt::Write;
        let mut rng = crate::engine::rng::SplitMix64(7);
        let header = "单据日期,单据编号,客户编码,客户名称,价税合计,毛利率,业务员,到期日,收款日期";
        let mut out = format!("销售明细表\n\n{header}\n");
        let start = day_from_ymd(2024, 1, 1).unwrap();
        for i in 0..lines {
            let day = format_day(start + (i * 700 / lines) as i32);
            let customer = rng.next_u64() % 3000;
            let amount = (rng.next_u64() % 100_000) as f64 / 100.0;
            let sign = if i % 37 == 0 { "-" } else { "" };
            let margin = match i % 3 {
                0 => "0.25".to_owned(),
                1 => format!("{}%", i % 40),
                _ => String::new(),
            };
            let due = if i % 5 == 0 {
                format_day(start + 800)
            } else {
                String::new()
            };
            let name = if i >= quote_at && i % 50 == 0 {
                format!("\"公司{customer},\n分部\"")
            } else {
                format!("公司{customer}")
            };
            // Order numbers shared by neighbouring lines, some by two customers.
            let order = i / 3 + usize::from(i % 1000 == 1) * 7;
            let row = match i % 500 {
                97 => "小计,,,,12345,,,,".to_owned(),
                131 => String::new(),
                173 => format!("{day},S{order},,{name},100,,,,"),
                211 => format!("{day},S{order},C{customer},{name},abc,,,,"),
                307 => format!("2025-13-45,S{order},C{customer},{name},1,,,,"),
                401 => header.to_owned(),
                409 => format!("{day},S{order},C{customer},{name},1,,,2025-99-01,"),
                457 => format!("{day},S{order},C{customer},{name},,,,,"),
                _ => format!(
                    "{day},S{order},C{customer},{name},{sign}{amount},{margin},张{},{due},",
                    customer % 7
                ),
            };
            writeln!(out, "{row}").unwrap();
        }
        out
    }

    /// Reading rows ahead on a second thread gives what reading them in turn gives, across
    /// skipped, rejected and quoted rows, and hands over to the `csv` crate midway.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn reading_ahead_gives_the_same_import() {
        let text = messy_orders(70_000, 60_000);
        assert!(text.len() >= orders::READ_AHEAD_BYTES);
        let files = Files::orders("messy.csv", text.as_bytes());
        let options = ImportOptions::new();
        let mut ticks = [Vec::new(), Vec::new()];
        let [a, b] = [false, true].map(|ahead| {
            let ticks = &mut ticks[usize::from(ahead)];
            import_with(
                &files,
                &options,
                &mut |p| {
                    ticks.push(p);
                    true
                },
                ahead,
            )
            .unwrap()
        });
        assert_eq!(a.report, b.report);
        assert_eq!(a.dataset, b.dataset);
        let report = &a.report;
        // Every kind of row is there: the comparison covers them.
        let reasons: std::collections::BTreeSet<_> =
            report.rejected.iter().map(|r| r.reason.message()).collect();
        assert_eq!(
            reasons.into_iter().collect::<Vec<_>>(),
            [
                "missing amount",
                "missing customer",
                "unreadable date",
                "unreadable number"
            ]
        );
        let skips = |r: SkipReason| report.skipped.iter().filter(|s| s.reason == r).count();
        // 140 subtotal and 140 repeated-header rows; blank lines are not rows.
        assert_eq!(
            (skips(SkipReason::Total), skips(SkipReason::RepeatedHeader)),
            (140, 140)
        );
        // Rows after the first quoted one were filed (the hand-over to the `csv` crate).
        let last = report.rejected.last().unwrap();
        assert!(last.line > 60_000, "{last:?}");
        assert!(report.returns > 1000 && report.order_lines > 60_000);
        // Progress was reported at the same rows' count either way (the fraction differs
        // by how far the reading thread had got).
        assert_eq!(ticks[0].len(), ticks[1].len());
    }

    /// Cancelling while the second thread reads ahead stops both.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn reading_ahead_can_be_cancelled() {
        let text = messy_orders(70_000, usize::MAX);
        let files = Files::orders("messy.csv", text.as_bytes());
        let cancel = &mut |p: Progress| p.stage != Stage::Orders;
        let error = import_with(&files, &ImportOptions::new(), cancel, true).unwrap_err();
        assert_eq!(error.kind, ErrorKind::Cancelled);
    }
}

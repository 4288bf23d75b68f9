//! What an import did with every line: counts, skipped lines and rejected rows.
//!
//! Accounting identity, checked by the tests: `lines == order_lines + skipped + rejected`
//! (one entry per row), so nothing below the header is dropped without being counted.

use super::mapping::Mapping;
use crate::engine::export::csv_with_bom;
use serde::{Deserialize, Serialize};

/// Why a row could not be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reason {
    #[serde(rename = "missing customer")]
    MissingCustomer,
    #[serde(rename = "missing date")]
    MissingDate,
    #[serde(rename = "unreadable date")]
    UnreadableDate,
    /// Valid only in the other day/month order than the one chosen for the file.
    #[serde(rename = "date not valid in the chosen day/month order")]
    WrongDateOrder,
    #[serde(rename = "missing amount")]
    MissingAmount,
    #[serde(rename = "unreadable number")]
    UnreadableNumber,
    #[serde(rename = "score out of range")]
    ScoreOutOfRange,
    #[serde(rename = "duplicate customer")]
    DuplicateCustomer,
    #[serde(rename = "unknown customer")]
    UnknownCustomer,
}

impl Reason {
    pub fn message(self) -> &'static str {
        match self {
            Reason::MissingCustomer => "missing customer",
            Reason::MissingDate => "missing date",
            Reason::UnreadableDate => "unreadable date",
            Reason::WrongDateOrder => "date not valid in the chosen day/month order",
            Reason::MissingAmount => "missing amount",
            Reason::UnreadableNumber => "unreadable number",
            Reason::ScoreOutOfRange => "score out of range",
            Reason::DuplicateCustomer => "duplicate customer",
            Reason::UnknownCustomer => "unknown customer",
        }
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}

/// A row that could not be used, where and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rejected {
    /// 1-based physical line of the file (the header and every line above it count).
    pub line: u64,
    /// Header text of the column at fault.
    pub column: String,
    /// The cell as written.
    pub value: String,
    pub reason: Reason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SkipReason {
    /// 合计, 小计, 总计, Total, Subtotal...
    #[serde(rename = "total line")]
    Total,
    /// Every cell blank.
    #[serde(rename = "empty row")]
    Empty,
    /// The header again, as paged report exports repeat it.
    #[serde(rename = "repeated header")]
    RepeatedHeader,
}

/// A line below the header that is not data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Skipped {
    pub line: u64,
    pub reason: SkipReason,
}

/// The report of an import; the fields are the CLI's JSON. Figures are about the orders file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportReport {
    /// `UTF-8`, `GBK`, `UTF-16LE`, `UTF-16BE`, or the spreadsheet format (`xlsx`, `xls`...).
    pub encoding: String,
    /// 1-based line of the header row.
    pub header_line: u64,
    pub mapping: Mapping,
    /// Rows below the header.
    pub lines: u64,
    /// Orders after summing lines (per order number, or per customer and day).
    pub orders: usize,
    /// Rows that went into orders, returns included.
    pub order_lines: u64,
    /// Customers in the dataset, prospects from the customer table included.
    pub customers: usize,
    pub net_revenue: f64,
    /// `None` without a profit or margin column.
    pub gross_profit: Option<f64>,
    pub date_min: Option<String>,
    pub date_max: Option<String>,
    /// Order lines that are returns or cancellations (negative quantity or amount, or an
    /// order number with the cancellation prefix), netted into the figures.
    pub returns: u64,
    pub skipped: Vec<Skipped>,
    pub rejected: Vec<Rejected>,
    /// The customer table's own report, when one was imported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customers_file: Option<TableReport>,
    /// The interaction table's own report, when one was imported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interactions_file: Option<TableReport>,
}

/// Report of the customer or interaction table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableReport {
    pub encoding: String,
    pub header_line: u64,
    pub mapping: Mapping,
    pub lines: u64,
    /// Rows used.
    pub records: u64,
    pub skipped: Vec<Skipped>,
    pub rejected: Vec<Rejected>,
}

impl ImportReport {
    /// The rejected rows of the orders file as a CSV to download: UTF-8 with a byte-order
    /// mark (so Excel opens Chinese text correctly), and cells that a spreadsheet would run
    /// as a formula prefixed with an apostrophe.
    pub fn rejected_csv(&self) -> String {
        rejected_csv(&self.rejected, Reason::message)
    }

    /// As [`ImportReport::rejected_csv`] with each reason worded by `reason` (the app's, in
    /// the user's language; the column names stay as they are, for programs).
    pub fn rejected_csv_with(&self, reason: impl Fn(Reason) -> &'static str) -> String {
        rejected_csv(&self.rejected, reason)
    }
}

impl TableReport {
    /// As [`ImportReport::rejected_csv`].
    pub fn rejected_csv(&self) -> String {
        rejected_csv(&self.rejected, Reason::message)
    }
}

fn rejected_csv(rows: &[Rejected], reason: impl Fn(Reason) -> &'static str) -> String {
    let rows = rows.iter().map(|r| {
        vec![
            r.line.to_string(),
            r.column.clone(),
            r.value.clone(),
            reason(r.reason).to_owned(),
        ]
    });
    csv_with_bom(&["line", "column", "value", "reason"], rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejected_csv_has_bom_and_neutralised_formulas() {
        let report = TableReport {
            encoding: "UTF-8".into(),
            header_line: 1,
            mapping: Mapping::default(),
            lines: 2,
            records: 0,
            skipped: vec![],
            rejected: vec![
                Rejected {
                    line: 2,
                    column: "金额".into(),
                    value: "=HYPERLINK(\"x\")".into(),
                    reason: Reason::UnreadableNumber,
                },
                Rejected {
                    line: 3,
                    column: "客户".into(),
                    value: "".into(),
                    reason: Reason::MissingCustomer,
                },
            ],
        };
        assert_eq!(
            report.rejected_csv(),
            "\u{feff}line,column,value,reason\r\n\
             2,金额,\"'=HYPERLINK(\"\"x\"\")\",unreadable number\r\n\
             3,客户,,missing customer\r\n"
        );
    }
}

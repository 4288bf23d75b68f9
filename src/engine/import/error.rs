//! The one error of an import that cannot go on: the file, and where in it, and why.

use super::mapping::{Field, TableKind};
use super::parse::DateOrder;
use serde::{Deserialize, Serialize};

/// A file that cannot be used at all. Rows that are merely bad are not errors: they are
/// rejected and reported (see [`super::report::Rejected`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ImportError {
    pub file: String,
    /// 1-based physical line, where one applies.
    pub line: Option<u64>,
    /// Header text of the column, where one applies.
    pub column: Option<String>,
    pub kind: ErrorKind,
}

/// What went wrong, in data rather than words, so that the app can say it in the user's
/// language ([`ImportError::message`] is the English of the CLI).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    Empty,
    Binary,
    /// The spreadsheet library could not read the workbook.
    Spreadsheet(String),
    NoSheet {
        sheet: String,
        sheets: Vec<String>,
    },
    NoHeader(TableKind),
    /// A required field has no column.
    MissingColumn(TableKind, Field),
    /// Neither an amount column nor quantity and unit price.
    MissingAmount,
    /// The user mapped a field to a header that is not in the file.
    UnknownColumn {
        field: Field,
        headers: Vec<String>,
    },
    /// Every day/month date reads both ways; the user must choose.
    AmbiguousDates {
        example: String,
    },
    /// Some dates only read day-first, others only month-first.
    MixedDateOrder {
        /// Line and text of the first date that only reads month-first (the error's own
        /// line and column point at the first that only reads day-first).
        month_first_line: u64,
        month_first: String,
        day_first: String,
    },
    Cancelled,
}

impl ImportError {
    pub(crate) fn new(file: &str, kind: ErrorKind) -> Self {
        ImportError {
            file: file.to_owned(),
            line: None,
            column: None,
            kind,
        }
    }

    pub(crate) fn at(mut self, line: u64, column: Option<String>) -> Self {
        self.line = Some(line);
        self.column = column;
        self
    }

    /// The message without the location.
    pub fn message(&self) -> String {
        let choose = format!(
            "choose the date order: {} or {}",
            DateOrder::Dmy.name(),
            DateOrder::Mdy.name()
        );
        match &self.kind {
            ErrorKind::Empty => "the file is empty".into(),
            ErrorKind::Binary => {
                "not a text table (CSV, TSV) or a spreadsheet (xlsx, xls, ods)".into()
            }
            ErrorKind::Spreadsheet(e) => format!("cannot read the spreadsheet: {e}"),
            ErrorKind::NoSheet { sheet, sheets } if sheet.is_empty() => {
                format!("the workbook has no sheets{}", list(sheets))
            }
            ErrorKind::NoSheet { sheet, sheets } => {
                format!("no sheet named \"{sheet}\"; the workbook has {}", list(sheets))
            }
            ErrorKind::NoHeader(table) => {
                let (key, second) = match table {
                    TableKind::Orders => ("客户编码/客户名称/CustomerID", "单据日期/日期/InvoiceDate"),
                    TableKind::Customers => ("客户编码/客户名称/CustomerID", "行业/地区/Industry"),
                    TableKind::Interactions => ("客户编码/客户名称/CustomerID", "日期/类型/Date"),
                };
                format!(
                    "no header row in the first {} rows: expected columns such as {key} and {second}",
                    super::header::HEADER_SEARCH_ROWS
                )
            }
            ErrorKind::MissingColumn(table, field) => format!(
                "no {} column (headers such as {}); map one with {}=COLUMN",
                field.name(),
                field
                    .synonyms(*table)
                    .iter()
                    .take(3)
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", "),
                field.name()
            ),
            ErrorKind::MissingAmount => "no amount column (价税合计, 金额, Amount...), nor quantity and unit price; map one with amount=COLUMN".into(),
            ErrorKind::UnknownColumn { field, headers } => format!(
                "{} is mapped to a column the header does not have; the header has {}",
                field.name(),
                list(headers)
            ),
            ErrorKind::AmbiguousDates { example } => format!(
                "dates such as \"{example}\" read both day-first and month-first and no date in the file settles it; {choose}"
            ),
            ErrorKind::MixedDateOrder {
                month_first_line,
                month_first,
                day_first,
            } => format!(
                "\"{day_first}\" only reads day-first but \"{month_first}\" (line {month_first_line}) only reads month-first; {choose}"
            ),
            ErrorKind::Cancelled => "import cancelled".into(),
        }
    }
}

fn list(items: &[String]) -> String {
    items
        .iter()
        .map(|s| format!("\"{s}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ", line {line}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ", column \"{column}\"")?;
        }
        write!(f, ": {}", self.message())
    }
}

impl std::error::Error for ImportError {}

#[cfg(test)]
mod tests {
    use super::*;

    /// The app's worker sends the kind to the page as JSON.
    #[test]
    fn kinds_round_trip_through_json() {
        let kinds = [
            ErrorKind::Empty,
            ErrorKind::NoHeader(TableKind::Customers),
            ErrorKind::MissingColumn(TableKind::Orders, Field::Date),
            ErrorKind::MixedDateOrder {
                month_first_line: 7,
                month_first: "04/13/2025".into(),
                day_first: "13/04/2025".into(),
            },
            ErrorKind::Cancelled,
        ];
        for kind in kinds {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(
                serde_json::from_str::<ErrorKind>(&json).unwrap(),
                kind,
                "{json}"
            );
        }
        assert_eq!(
            serde_json::to_string(&ErrorKind::MissingColumn(TableKind::Orders, Field::Date))
                .unwrap(),
            r#"{"missing_column":["orders","date"]}"#
        );
    }
}

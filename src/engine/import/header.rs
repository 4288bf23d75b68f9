//! Where the data starts and which lines are not data.
//!
//! Report-style exports put a title, a date range or blank lines above the header, and
//! subtotal and total lines (合计, 小计, 总计, Total, Subtotal) between and below the data. The
//! header is the row among the first [`HEADER_SEARCH_ROWS`] that maps the most fields; a
//! total line is one whose first non-empty cell, or its customer, date or order-number cell,
//! is such a label.

use super::mapping::{Field, TableKind, header_score};
use super::parse::trim_cell;
use super::table::Row;
use std::collections::BTreeMap;

/// How many rows from the top may hold the header.
pub const HEADER_SEARCH_ROWS: usize = 30;

/// Index (into `rows`) of the header row, or `None` when no row names at least two fields.
pub fn find_header(
    rows: &[Vec<String>],
    table: TableKind,
    overrides: &BTreeMap<Field, String>,
) -> Option<usize> {
    let mut best: Option<(usize, usize)> = None;
    for (i, row) in rows.iter().take(HEADER_SEARCH_ROWS).enumerate() {
        let score = header_score(row, table, overrides);
        if score >= 2 && best.is_none_or(|(_, s)| score > s) {
            best = Some((i, score));
        }
    }
    best.map(|(i, _)| i)
}

/// Whether a cell is a subtotal or total label (`合计`, `小计：`, `本页小计`, `Total`,
/// `Grand total`, `Subtotal for C001`).
#[inline(never)]
pub fn is_total_label(cell: &[u8]) -> bool {
    let cell = trim_cell(cell);
    let Some(&first) = cell.first() else {
        return false;
    };
    // Cheap rejection: every label starts with one of these bytes (CJK labels with 0xE5..0xE7).
    if !matches!(first, 0xE5..=0xE7 | b'T' | b't' | b'S' | b's' | b'G' | b'g') {
        return false;
    }
    if first.is_ascii() {
        let text = cell.strip_suffix(b":").unwrap_or(cell);
        return english_total(text.strip_suffix("：".as_bytes()).unwrap_or(text));
    }
    // 合计, 小计 and 总计 all end in 计, and a label is short (most Chinese names start with
    // the same bytes as these labels, so this check is what keeps the common case cheap).
    if cell.len() > 36 || !cell.windows(3).any(|w| w == "计".as_bytes()) {
        return false;
    }
    let Ok(text) = std::str::from_utf8(cell) else {
        return false;
    };
    let text = text.trim_end_matches([':', '：']);
    text.chars().count() <= 12
        && ["合计", "小计", "总计"].iter().any(|w| {
            text.ends_with(w)
                || text
                    .strip_prefix(w)
                    .is_some_and(|rest| rest.starts_with([' ', '　', '(', '（', '-', ':', '：']))
        })
}

fn english_total(text: &[u8]) -> bool {
    const LABELS: [&str; 6] = [
        "total",
        "totals",
        "subtotal",
        "sub-total",
        "sub total",
        "grand total",
    ];
    // Every label starts with "to", "su" or "gr".
    let start = |i: usize| text.get(i).map(u8::to_ascii_lowercase);
    if !matches!(
        (start(0), start(1)),
        (Some(b't'), Some(b'o')) | (Some(b's'), Some(b'u')) | (Some(b'g'), Some(b'r'))
    ) {
        return false;
    }
    LABELS.iter().any(|l| {
        let l = l.as_bytes();
        text.len() >= l.len()
            && text[..l.len()].eq_ignore_ascii_case(l)
            && text
                .get(l.len())
                .is_none_or(|b| matches!(b, b' ' | b':' | b'(' | b'-'))
    })
}

/// Whether a row is a subtotal or total line: its first non-empty cell, or one of the cells
/// of `key_columns` (customer, date, order number), is a total label.
#[inline(always)]
pub fn is_total_line(row: &Row, key_columns: &[Option<usize>]) -> bool {
    for &i in key_columns.iter().flatten() {
        if label_at(row, i) {
            return true;
        }
    }
    let mut first = 0;
    while first < row.len() && trim_cell(row.get(first).unwrap_or_default()).is_empty() {
        first += 1;
    }
    first < row.len() && !key_columns.contains(&Some(first)) && label_at(row, first)
}

#[inline(always)]
fn label_at(row: &Row, i: usize) -> bool {
    let cell = row.get(i).unwrap_or_default();
    may_be_label(cell) && is_total_label(cell)
}

/// A cheap first test of [`is_total_label`], inlined into the row loop: whether the cell
/// starts as a label can (a CJK character from 0xE5..0xE7, "to", "su" or "gr" in any case)
/// or with a space that must be trimmed first.
#[inline(always)]
pub(crate) fn may_be_label(cell: &[u8]) -> bool {
    match cell {
        [first, rest @ ..] => match LABEL_START[*first as usize] {
            0 => false,
            MAYBE => true,
            second => rest.first().is_some_and(|b| b | 0x20 == second),
        },
        [] => false,
    }
}

const MAYBE: u8 = 1;

/// By first byte: 0 when no label starts so, [`MAYBE`], or the second letter (lower case) a
/// label starting so has.
const LABEL_START: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = match b as u8 {
            0xE5..=0xE7 | 0xC2 | 0xE3 | b' ' | b'\t'..=b'\r' => MAYBE,
            b'T' | b't' => b'o',
            b'S' | b's' => b'u',
            b'G' | b'g' => b'r',
            _ => 0,
        };
        b += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn total_labels() {
        for yes in [
            "合计",
            "小计：",
            " 总计 ",
            "本页小计",
            "本月合计:",
            "Total",
            "TOTAL:",
            "Grand Total",
            "Subtotal C001",
            "Total (CNY)",
        ] {
            assert!(is_total_label(yes.as_bytes()), "{yes}");
        }
        for no in [
            "",
            "客户A",
            "Totalcare Ltd",
            "Sun Trading",
            "2025-01-05",
            "上海总计量器具有限公司",
        ] {
            assert!(!is_total_label(no.as_bytes()), "{no}");
        }
    }

    #[test]
    fn header_below_title_lines() {
        let rows: Vec<Vec<String>> = [
            vec!["2025年销售明细表"],
            vec!["期间：2025-01-01 至 2025-03-31"],
            vec!["单据日期", "客户名称", "金额"],
            vec!["2025-01-05", "客户A", "100"],
        ]
        .iter()
        .map(|r| r.iter().map(|s| s.to_string()).collect())
        .collect();
        assert_eq!(
            find_header(&rows, TableKind::Orders, &BTreeMap::new()),
            Some(2)
        );
        assert_eq!(
            find_header(&rows[..2], TableKind::Orders, &BTreeMap::new()),
            None
        );
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    fn label_like() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            "合计|小计|总计|计|本页|客户|上海",
            "Total|total|TOTAL|Sub|sub|su|to|gr|Grand|Sun|Tom",
            "[ \t　\u{a0}:：(（\\-]",
            "[A-Za-z0-9]{1,3}",
        ];
        prop::collection::vec(piece, 0..5).prop_map(|p| p.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        /// The inlined first test never turns a label away.
        #[test]
        fn every_label_passes_the_cheap_test(cell in label_like()) {
            if is_total_label(cell.as_bytes()) {
                prop_assert!(may_be_label(cell.as_bytes()), "{}", cell);
            }
        }
    }
}

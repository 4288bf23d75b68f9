//! Reading cell text the way spreadsheets and Chinese ERP exports write numbers, keys and dates.
//!
//! Numbers: thousands separators, currency signs (¥ ￥ $ € £ 元, RMB/CNY/USD/EUR), full-width
//! digits, `(123)` and `123-` for negatives, `%`. Dates: year-first forms (`2025-01-05`,
//! `2025/1/5`, `2025.01.05`, `2025年1月5日`, `20250105`), day/month forms whose order is decided
//! for the whole column (see [`DateCache`]), English month names, an optional time of day, and
//! Excel serial numbers (days since 1899-12-30). The rules are listed in `docs/import.md`.

use crate::engine::model::{Day, day_from_ymd};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// A number cell: its value (already divided by 100 when written with `%`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Number {
    pub value: f64,
    pub percent: bool,
}

/// Trims ASCII whitespace, no-break spaces (U+00A0) and ideographic spaces (U+3000).
#[inline(always)]
pub fn trim_cell(s: &[u8]) -> &[u8] {
    // Most cells start and end with a printable ASCII character.
    match (s.first(), s.last()) {
        (Some(&a), Some(&b)) if (0x21..0x7F).contains(&a) && (0x21..0x7F).contains(&b) => s,
        (None, _) => s,
        _ => trim_slow(s),
    }
}

#[inline(never)]
fn trim_slow(mut s: &[u8]) -> &[u8] {
    loop {
        let before = s.len();
        s = s.trim_ascii();
        for ws in [&[0xC2, 0xA0][..], &[0xE3, 0x80, 0x80][..]] {
            if let Some(rest) = s.strip_prefix(ws) {
                s = rest;
            }
            if let Some(rest) = s.strip_suffix(ws) {
                s = rest;
            }
        }
        if s.len() == before {
            return s;
        }
    }
}

/// Parses a number cell. `Ok(None)` for a blank cell (or a lone dash, which reports use for
/// "nothing"), `Err(())` when the text is not a number.
#[allow(clippy::result_unit_err)]
#[inline(always)]
pub fn parse_number(raw: &[u8]) -> Result<Option<Number>, ()> {
    let s = trim_cell(raw);
    if s.is_empty() {
        return Ok(None);
    }
    if let Some(value) = parse_plain(s) {
        return Ok(Some(Number {
            value,
            percent: false,
        }));
    }
    parse_number_slow(s)
}

/// Plain decimals like `-1234.56` with at most 15 digits, which is nearly every cell of a
/// machine export. The digits make an integer below 2^53 and the power of ten is exact, so
/// one division gives the correctly rounded value, the same as `str::parse` (Clinger 1990).
#[inline(always)]
fn parse_plain(s: &[u8]) -> Option<f64> {
    const POW10: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    let (negative, body) = match s.split_first()? {
        (b'-', rest) => (true, rest),
        _ => (false, s),
    };
    // At most 15 digits and a point; longer bodies take the general path.
    if body.len() > 16 {
        return None;
    }
    let mut mantissa = 0u64;
    let mut rest = body;
    while let [b, tail @ ..] = rest {
        let d = b.wrapping_sub(b'0');
        if d >= 10 {
            break;
        }
        mantissa = mantissa * 10 + d as u64;
        rest = tail;
    }
    let mut fraction = 0;
    if let [point, tail @ ..] = rest {
        if *point != b'.' {
            return None;
        }
        for &b in tail {
            let d = b.wrapping_sub(b'0');
            if d >= 10 {
                return None;
            }
            mantissa = mantissa * 10 + d as u64;
        }
        fraction = tail.len();
    }
    let digits = body.len() - rest.len() + fraction;
    if digits == 0 || digits > 15 {
        return None;
    }
    let value = mantissa as f64 / POW10[fraction];
    Some(if negative { -value } else { value })
}

#[inline(never)]
fn parse_number_slow(s: &[u8]) -> Result<Option<Number>, ()> {
    let text = std::str::from_utf8(s).map_err(|_| ())?;
    let mut text = text;
    // Currency codes before or after the figure: `RMB 1,200`, `1200 CNY`.
    for code in ["RMB", "CNY", "USD", "EUR", "HKD"] {
        if text.len() >= 3 {
            if text.is_char_boundary(3) && text[..3].eq_ignore_ascii_case(code) {
                text = &text[3..];
            } else if text.is_char_boundary(text.len() - 3)
                && text[text.len() - 3..].eq_ignore_ascii_case(code)
            {
                text = &text[..text.len() - 3];
            }
        }
    }
    let mut buf = [0u8; 64];
    let mut n = 0;
    for c in text.chars() {
        let b = match c {
            '0'..='9' | '.' | ',' | '-' | '+' | '(' | ')' | '%' | 'e' | 'E' => c as u8,
            '０'..='９' => b'0' + (c as u32 - '０' as u32) as u8,
            '．' => b'.',
            '，' => b',',
            '－' | '−' | '–' => b'-',
            '＋' => b'+',
            '（' => b'(',
            '）' => b')',
            '％' => b'%',
            '¥' | '￥' | '$' | '€' | '£' | '元' | '\'' => continue,
            c if c.is_whitespace() => continue,
            _ => return Err(()),
        };
        if n == buf.len() {
            return Err(());
        }
        buf[n] = b;
        n += 1;
    }
    let mut body = &buf[..n];
    if body.iter().all(|&b| b == b'-') {
        // `-`, `--` or a bare currency sign: an empty cell in report layouts.
        return Ok(None);
    }
    let (mut negative, mut percent) = (false, false);
    if let Some(rest) = body.strip_suffix(b"%") {
        percent = true;
        body = rest;
    }
    if let Some(rest) = body.strip_prefix(b"(").and_then(|b| b.strip_suffix(b")")) {
        negative = true;
        body = rest;
    }
    if !percent && let Some(rest) = body.strip_suffix(b"%") {
        percent = true;
        body = rest;
    }
    if let Some(rest) = body.strip_suffix(b"-") {
        negative = !negative;
        body = rest;
    }
    if let Some(rest) = body.strip_prefix(b"-") {
        negative = !negative;
        body = rest;
    } else if let Some(rest) = body.strip_prefix(b"+") {
        body = rest;
    }
    let mut digits = [0u8; 64];
    let digits = normalise_separators(body, &mut digits).ok_or(())?;
    let text = std::str::from_utf8(digits).map_err(|_| ())?;
    if !text.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return Err(());
    }
    let mut value: f64 = text.parse().map_err(|_| ())?;
    if negative {
        value = -value;
    }
    if percent {
        value /= 100.0;
    }
    Ok(Some(Number { value, percent }))
}

/// Rewrites `1,234.5`, `1.234,5`, `1 234,5`-style bodies as `1234.5`; `None` when the
/// separators do not form thousands groups. A single comma followed by other than three
/// digits is a decimal comma (`12,5`).
fn normalise_separators<'a>(body: &[u8], out: &'a mut [u8; 64]) -> Option<&'a [u8]> {
    if body.iter().any(|&b| b == b'e' || b == b'E') {
        // Scientific notation carries no grouping.
        if body.contains(&b',') {
            return None;
        }
        out[..body.len()].copy_from_slice(body);
        return Some(&out[..body.len()]);
    }
    let last_dot = body.iter().rposition(|&b| b == b'.');
    let last_comma = body.iter().rposition(|&b| b == b',');
    let dots = body.iter().filter(|&&b| b == b'.').count();
    let commas = body.iter().filter(|&&b| b == b',').count();
    let (group, decimal) = match (last_dot, last_comma) {
        (Some(d), Some(c)) if d > c => (Some(b','), Some(b'.')),
        (Some(_), Some(_)) => (Some(b'.'), Some(b',')),
        (None, Some(_)) if commas == 1 && !three_digit_groups(body, b',', body.len()) => {
            (None, Some(b','))
        }
        (None, Some(_)) => (Some(b','), None),
        (Some(_), None) if dots > 1 => (Some(b'.'), None),
        _ => (None, Some(b'.')),
    };
    let end = decimal
        .and_then(|d| body.iter().rposition(|&b| b == d))
        .unwrap_or(body.len());
    if let Some(g) = group
        && !three_digit_groups(body, g, end)
    {
        return None;
    }
    let mut n = 0;
    for (i, &b) in body.iter().enumerate() {
        let byte = if Some(b) == group {
            continue;
        } else if Some(b) == decimal && i == end {
            b'.'
        } else if b.is_ascii_digit() {
            b
        } else {
            return None;
        };
        out[n] = byte;
        n += 1;
    }
    Some(&out[..n])
}

/// Whether every `sep` in `body[..end]` starts a group of exactly three digits and the first
/// group has one to three digits.
fn three_digit_groups(body: &[u8], sep: u8, end: usize) -> bool {
    let mut groups = body[..end].split(|&b| b == sep);
    let first = groups.next().unwrap_or_default();
    (1..=3).contains(&first.len()) && groups.all(|g| g.len() == 3)
}

/// Customer keys and order numbers: trimmed, and a float-looking integer id (`17850.0`, as
/// spreadsheets turn numeric ids into) loses its zero fraction.
#[inline]
pub fn normalise_key(raw: &[u8]) -> &[u8] {
    let s = trim_cell(raw);
    if let Some(dot) = s.iter().position(|&b| b == b'.')
        && dot > 0
        && s[..dot].iter().all(u8::is_ascii_digit)
        && s.len() > dot + 1
        && s[dot + 1..].iter().all(|&b| b == b'0')
    {
        return &s[..dot];
    }
    s
}

/// Day-first (`05/01/2025` is 5 January) or month-first (`01/05/2025` is 5 January).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DateOrder {
    Dmy,
    Mdy,
}

impl DateOrder {
    pub fn name(self) -> &'static str {
        match self {
            DateOrder::Dmy => "day-first (dmy)",
            DateOrder::Mdy => "month-first (mdy)",
        }
    }
}

impl std::str::FromStr for DateOrder {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "dmy" | "day-first" => Ok(DateOrder::Dmy),
            "mdy" | "month-first" => Ok(DateOrder::Mdy),
            _ => Err(format!("date order must be dmy or mdy, not {s:?}")),
        }
    }
}

/// One date text read on its own.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DateParse {
    Day(Day),
    /// `a/b/year` with both `a` and `b` able to be the month: which one is depends on the
    /// column. `None` where that reading is not a valid date.
    Either {
        dmy: Option<Day>,
        mdy: Option<Day>,
    },
}

/// 1970-01-01 as an Excel serial (days since 1899-12-30).
const EXCEL_EPOCH_1970: i64 = 25_569;
/// Serial numbers accepted as dates: 1927-05-18 to 2173-10-14. Smaller numbers are more
/// likely quantities or years than dates.
const SERIAL_RANGE: std::ops::Range<f64> = 10_000.0..100_000.0;

/// The date part of a cell with the time of day cut off (`2025-01-05 08:26:00`,
/// `12/1/2010 8:26`, `2025-01-05T08:26Z`, `2025年1月5日 8时`), or `None` when what follows the
/// date is not a time.
pub fn date_part(raw: &[u8]) -> Option<&[u8]> {
    let s = trim_cell(raw);
    let cut = if let Some(colon) = s.iter().position(|&b| b == b':') {
        let before = &s[..colon];
        before
            .iter()
            .rposition(|&b| b == b' ' || b == b'T')
            .unwrap_or(0)
    } else if let Some(day_mark) = find(s, "日".as_bytes()) {
        day_mark + 3
    } else if let Some(sp) = find(s, b" ")
        && std::str::from_utf8(&s[sp + 1..]).is_ok_and(|t| {
            is_time_text(t) && t.contains(['时', '点']) && t.contains(|c: char| c.is_ascii_digit())
        })
    {
        // `2025/1/5 8时30分` or a time without colons after a compact date.
        sp
    } else {
        s.len()
    };
    let (date, time) = s.split_at(cut);
    if cut == 0 && !s.is_empty() {
        return None;
    }
    let time = trim_cell(time);
    let time = time.strip_prefix(b"T").unwrap_or(time);
    if !std::str::from_utf8(time).is_ok_and(is_time_text) {
        return None;
    }
    let mut date = trim_cell(date);
    // `2025-01-05 上午 9:00`: the half-day mark belongs to the time.
    for mark in ["上午", "下午"] {
        if let Some(rest) = date.strip_suffix(mark.as_bytes()) {
            date = trim_cell(rest);
        }
    }
    Some(date)
}

/// The common shapes of [`date_part`] + [`parse_date`] without either: `2025-01-05`,
/// `2025/1/5`, `2025.01.05` (separators `-`, `/` or `.`), optionally followed by a space or
/// `T` and a time of digits, colons, points, `+`, `-` or `Z` with at least one colon
/// (`2025-01-05 08:26:00`, `2025-01-05T08:26Z`). `None` for anything else, which the general
/// path then reads; when this answers, the answer is the general path's (a property test
/// checks it).
///
/// Exports with a time of day make nearly every date cell a new text, so this path runs once
/// per line there: it has no UTF-8 check, no tokens and no calendar library.
#[inline]
pub fn year_first_date(text: &[u8]) -> Option<Day> {
    let digit = |i: usize| {
        text.get(i)
            .map(|b| b.wrapping_sub(b'0'))
            .filter(|&d| d < 10)
    };
    let separator = |i: usize| matches!(text.get(i), Some(b'-' | b'/' | b'.'));
    let year = (0..4).try_fold(0u32, |y, i| Some(y * 10 + digit(i)? as u32))?;
    if !separator(4) {
        return None;
    }
    // A month or day of one or two digits, and where it ends.
    let number = |start: usize| -> Option<(u32, usize)> {
        let first = digit(start)? as u32;
        match digit(start + 1) {
            Some(second) => Some((first * 10 + second as u32, start + 2)),
            None => Some((first, start + 1)),
        }
    };
    let (month, end) = number(5)?;
    if !separator(end) {
        return None;
    }
    let (day, end) = number(end + 1)?;
    match text.get(end..)? {
        [] => {}
        [b' ' | b'T', time @ ..] => {
            let time_byte =
                |b: &u8| b.is_ascii_digit() || matches!(b, b':' | b'.' | b'+' | b'-' | b'Z');
            if !time.contains(&b':') || !time.iter().all(time_byte) {
                return None;
            }
        }
        _ => return None,
    }
    civil_day(year as i32, month, day)
}

/// Days since 1970-01-01 of a Gregorian date, `None` when the date does not exist; the
/// integer formula of Howard Hinnant's `days_from_civil` (years counted from March, so the
/// leap day ends a year).
fn civil_day(year: i32, month: u32, day: u32) -> Option<Day> {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if !(1..=days_in_month).contains(&day) {
        return None;
    }
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = (y - era * 400) as u32;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    Some(era * 146_097 + day_of_era as i32 - 719_468)
}

fn is_time_text(t: &str) -> bool {
    t.chars()
        .all(|c| c.is_ascii_digit() || " :.+-ZAPMapm".contains(c) || "上午下午时点分秒".contains(c))
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Token {
    Num { value: u32, digits: u8 },
    Month(u32),
}

/// Reads the date part of a cell (see [`date_part`]); `None` when it is not a date.
pub fn parse_date(date: &[u8]) -> Option<DateParse> {
    let s = std::str::from_utf8(date).ok()?;
    if s.is_empty() {
        return None;
    }
    if let Some(day) = serial_or_compact(s) {
        return Some(DateParse::Day(day));
    }
    let mut tokens = [Token::Num {
        value: 0,
        digits: 0,
    }; 3];
    let mut n = 0;
    let mut chars = s.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        let digit = c.is_ascii_digit() || ('０'..='９').contains(&c);
        let token = if digit {
            let (mut value, mut digits) = (0u32, 0u8);
            while let Some(&(_, c)) = chars.peek() {
                let d = if c.is_ascii_digit() {
                    c as u32 - '0' as u32
                } else if ('０'..='９').contains(&c) {
                    c as u32 - '０' as u32
                } else {
                    break;
                };
                value = value.checked_mul(10)?.checked_add(d)?;
                digits = digits.checked_add(1)?;
                chars.next();
            }
            Token::Num { value, digits }
        } else if c.is_ascii_alphabetic() {
            let mut end = start;
            while let Some(&(i, c)) = chars.peek() {
                if !c.is_ascii_alphabetic() {
                    break;
                }
                end = i + 1;
                chars.next();
            }
            Token::Month(month_from_name(&s[start..end])?)
        } else if matches!(c, '-' | '/' | '.' | ' ' | ',' | '年' | '月' | '日' | '号') {
            chars.next();
            continue;
        } else {
            return None;
        };
        if n == tokens.len() {
            return None;
        }
        tokens[n] = token;
        n += 1;
    }
    if n != 3 {
        return None;
    }
    let year = |value: u32, digits: u8| -> Option<i32> {
        match digits {
            4 => Some(value as i32),
            // Two-digit years: 00-69 are 2000-2069, 70-99 are 1970-1999 (as Excel does).
            2 if value < 70 => Some(2000 + value as i32),
            2 => Some(1900 + value as i32),
            _ => None,
        }
    };
    let ymd = |y: i32, m: u32, d: u32| day_from_ymd(y, m, d);
    use Token::{Month, Num};
    match tokens {
        [
            Num {
                value: y,
                digits: 4,
            },
            Num { value: m, .. },
            Num { value: d, .. },
        ]
        | [
            Num {
                value: y,
                digits: 4,
            },
            Month(m),
            Num { value: d, .. },
        ] => ymd(y as i32, m, d).map(DateParse::Day),
        [
            Num {
                value: d,
                digits: 1..=2,
            },
            Month(m),
            Num { value: y, digits },
        ]
        | [
            Month(m),
            Num {
                value: d,
                digits: 1..=2,
            },
            Num { value: y, digits },
        ] => ymd(year(y, digits)?, m, d).map(DateParse::Day),
        [
            Num {
                value: a,
                digits: 1..=2,
            },
            Num {
                value: b,
                digits: 1..=2,
            },
            Num { value: y, digits },
        ] => {
            let y = year(y, digits)?;
            let (dmy, mdy) = (ymd(y, b, a), ymd(y, a, b));
            match (dmy, mdy) {
                (None, None) => None,
                (Some(x), Some(y)) if x == y => Some(DateParse::Day(x)),
                _ => Some(DateParse::Either { dmy, mdy }),
            }
        }
        _ => None,
    }
}

/// Excel serial numbers (`45662`, `45662.35`) and compact `YYYYMMDD`.
fn serial_or_compact(s: &str) -> Option<Day> {
    if !s.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        let v: u32 = s.parse().ok()?;
        let (y, m, d) = (v / 10_000, v / 100 % 100, v % 100);
        if (1900..=2200).contains(&y) {
            return day_from_ymd(y as i32, m, d);
        }
        return None;
    }
    let v: f64 = s.parse().ok()?;
    SERIAL_RANGE
        .contains(&v)
        .then(|| (v.floor() as i64 - EXCEL_EPOCH_1970) as Day)
}

fn month_from_name(word: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let word = word.to_ascii_lowercase();
    if word.len() < 3 {
        return None;
    }
    let word = if word == "sept" { "sep" } else { word.as_str() };
    MONTHS
        .iter()
        .position(|m| m.starts_with(word))
        .map(|i| i as u32 + 1)
}

/// Where a date text was first seen, for messages.
#[derive(Debug, Clone, PartialEq)]
pub struct Seen {
    pub line: u64,
    pub column: usize,
}

/// Distinct date texts of one file, each read once.
///
/// Exports repeat the same few thousand dates across a million lines, so the cache turns
/// date reading into one hash look-up per line (and none when a line repeats the previous
/// line's date). Day/month texts stay undecided until the whole file has been read: the
/// column is day-first when some text only reads day-first (`13/01/2025`), month-first when
/// some text only reads month-first, and an error when neither or both happen and the user
/// has not chosen (see [`DateCache::resolve`]).
#[derive(Debug, Default)]
pub struct DateCache {
    order: Option<DateOrder>,
    index: FxHashMap<Box<[u8]>, u32>,
    entries: Vec<(DateParse, Seen)>,
    /// The raw cell of the previous look-up and its id: exports repeat a date line after line.
    last: Vec<u8>,
    last_id: Option<u32>,
    /// Ids of the days read by [`year_first_date`], which need no day/month decision.
    by_day: FxHashMap<Day, u32>,
}

/// Why a date cell cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateProblem {
    Unreadable,
    /// Valid only in the other day/month order than the one chosen.
    WrongOrder,
}

/// The whole-file day/month decision failed.
#[derive(Debug, Clone, PartialEq)]
pub enum OrderProblem {
    /// Every day/month text reads both ways (`03/04/2025`).
    Ambiguous { seen: Seen, text: String },
    /// Some texts only read day-first, others only month-first.
    Mixed {
        day_first: (Seen, String),
        month_first: (Seen, String),
    },
}

impl DateCache {
    pub fn new(order: Option<DateOrder>) -> Self {
        DateCache {
            order,
            ..DateCache::default()
        }
    }

    /// The id of the previous cell when `raw` is the same cell text.
    #[inline]
    pub fn repeat(&self, raw: &[u8]) -> Option<u32> {
        self.last_id.filter(|_| same_bytes(&self.last, raw))
    }

    /// The id of a day read by [`year_first_date`] from the cell `raw`.
    pub fn day_id(&mut self, raw: &[u8], day: Day, seen: impl FnOnce() -> Seen) -> u32 {
        let next = self.entries.len() as u32;
        let id = *self.by_day.entry(day).or_insert(next);
        if id == next {
            self.entries.push((DateParse::Day(day), seen()));
        }
        self.remember(raw, id);
        id
    }

    fn remember(&mut self, raw: &[u8], id: u32) {
        self.last.clear();
        self.last.extend_from_slice(raw);
        self.last_id = Some(id);
    }

    /// The id of a date: `raw` is the cell, `date` its date part (see [`date_part`]).
    pub fn id(
        &mut self,
        raw: &[u8],
        date: &[u8],
        seen: impl FnOnce() -> Seen,
    ) -> Result<u32, DateProblem> {
        if let Some(id) = self.repeat(raw) {
            return Ok(id);
        }
        let id = match self.index.get(date) {
            Some(&id) => id,
            None => {
                let parsed = parse_date(date).ok_or(DateProblem::Unreadable)?;
                let parsed = match (parsed, self.order) {
                    (DateParse::Either { dmy, mdy }, Some(order)) => DateParse::Day(
                        match order {
                            DateOrder::Dmy => dmy,
                            DateOrder::Mdy => mdy,
                        }
                        .ok_or(DateProblem::WrongOrder)?,
                    ),
                    (p, _) => p,
                };
                let id = self.entries.len() as u32;
                self.entries.push((parsed, seen()));
                self.index.insert(date.into(), id);
                id
            }
        };
        self.remember(raw, id);
        Ok(id)
    }

    /// The text a date id was read from (first occurrence).
    fn text(&self, id: u32) -> String {
        self.index
            .iter()
            .find(|&(_, &v)| v == id)
            .map(|(k, _)| String::from_utf8_lossy(k).into_owned())
            .unwrap_or_default()
    }

    /// The day of every id, deciding the day/month order of the file.
    pub fn resolve(&self) -> Result<Vec<Day>, OrderProblem> {
        let first = |pred: &dyn Fn(&DateParse) -> bool| {
            self.entries
                .iter()
                .enumerate()
                .filter(|(_, (p, _))| pred(p))
                .min_by_key(|(_, (_, seen))| seen.line)
                .map(|(id, (_, seen))| (seen.clone(), self.text(id as u32)))
        };
        let day_first = first(&|p| matches!(p, DateParse::Either { mdy: None, .. }));
        let month_first = first(&|p| matches!(p, DateParse::Either { dmy: None, .. }));
        let order = match (day_first, month_first) {
            (Some(d), Some(m)) => {
                return Err(OrderProblem::Mixed {
                    day_first: d,
                    month_first: m,
                });
            }
            (Some(_), None) => DateOrder::Dmy,
            (None, Some(_)) => DateOrder::Mdy,
            (None, None) => match first(&|p| matches!(p, DateParse::Either { .. })) {
                Some((seen, text)) => return Err(OrderProblem::Ambiguous { seen, text }),
                // No day/month text at all: the order does not matter.
                None => DateOrder::Dmy,
            },
        };
        Ok(self
            .entries
            .iter()
            .map(|(p, _)| match (*p, order) {
                (DateParse::Day(d), _) => d,
                (DateParse::Either { dmy: Some(d), .. }, DateOrder::Dmy)
                | (DateParse::Either { mdy: Some(d), .. }, DateOrder::Mdy) => d,
                _ => unreachable!("a text valid in neither order is never cached"),
            })
            .collect())
    }
}

/// `a == b` for the short cells compared on every line (the previous line's key, date or
/// order number), with two word loads instead of a call to `memcmp`.
#[inline(always)]
pub fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word = |s: &[u8], i: usize| u64::from_le_bytes(s[i..i + 8].try_into().expect("8 bytes"));
    let half = |s: &[u8], i: usize| u32::from_le_bytes(s[i..i + 4].try_into().expect("4 bytes"));
    match n {
        0 => true,
        1..=3 => a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1],
        4..=7 => half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4),
        8..=16 => word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8),
        _ => a == b,
    }
}

/// The text of a cell for messages and the rejected-rows file.
pub fn lossy(raw: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(s: &str) -> Option<f64> {
        parse_number(s.as_bytes()).ok().flatten().map(|n| n.value)
    }

    fn day(y: i32, m: u32, d: u32) -> Day {
        day_from_ymd(y, m, d).unwrap()
    }

    fn date(s: &str) -> Option<DateParse> {
        parse_date(date_part(s.as_bytes())?)
    }

    #[test]
    fn numbers_as_exports_write_them() {
        assert_eq!(num("1234.5"), Some(1234.5));
        assert_eq!(num(" -12 "), Some(-12.0));
        assert_eq!(num("1,234,567.89"), Some(1_234_567.89));
        assert_eq!(num("¥1,234.50"), Some(1234.5));
        assert_eq!(num("￥ 88"), Some(88.0));
        assert_eq!(num("$12.00"), Some(12.0));
        assert_eq!(num("€7"), Some(7.0));
        assert_eq!(num("1200元"), Some(1200.0));
        assert_eq!(num("RMB 1,200"), Some(1200.0));
        assert_eq!(num("１２３．５"), Some(123.5));
        assert_eq!(num("（１２３）"), Some(-123.0));
        assert_eq!(num("(1,500.00)"), Some(-1500.0));
        assert_eq!(num("350-"), Some(-350.0));
        assert_eq!(num("-¥50"), Some(-50.0));
        assert_eq!(num("1.234.567,5"), Some(1_234_567.5));
        assert_eq!(num("12,5"), Some(12.5));
        assert_eq!(num("1.5E+3"), Some(1500.0));
        assert_eq!(num("+3"), Some(3.0));
        assert_eq!(num("12."), Some(12.0));
        assert_eq!(num(".5"), Some(0.5));
        assert_eq!(num("1234567890.12345"), Some(1234567890.12345));
        assert_eq!(num("12345678901234567890"), Some(12345678901234567890.0));
        let pct = parse_number("25%".as_bytes()).unwrap().unwrap();
        assert_eq!((pct.value, pct.percent), (0.25, true));
        assert_eq!(num("３０％"), Some(0.3));
    }

    #[test]
    fn the_plain_fast_path_equals_the_standard_parser() {
        let mut x = 0x1234_5678_9abc_def0u64;
        for _ in 0..100_000 {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let digits = 1 + (x >> 60) as usize % 15;
            let mantissa = (x >> 4) % 10u64.pow(digits as u32);
            let dot = (x >> 8) as usize % (digits + 1);
            let text = format!("{mantissa:0digits$}");
            let text = format!(
                "{}{}.{}",
                if x & 1 == 1 { "-" } else { "" },
                &text[..dot],
                &text[dot..]
            );
            assert_eq!(
                parse_plain(text.as_bytes()),
                text.parse::<f64>().ok(),
                "{text}"
            );
        }
    }

    #[test]
    fn blanks_and_non_numbers() {
        assert_eq!(parse_number(b""), Ok(None));
        assert_eq!(parse_number("　".as_bytes()), Ok(None));
        assert_eq!(parse_number(b"-"), Ok(None));
        for bad in [
            "abc", "12abc", "1,23,4", "N/A", "inf", "NaN", "1-2", "--5", "1..2", "e5",
        ] {
            assert_eq!(parse_number(bad.as_bytes()), Err(()), "{bad}");
        }
    }

    #[test]
    fn keys_lose_float_fractions_only() {
        assert_eq!(normalise_key(b" 17850.0 "), b"17850");
        assert_eq!(normalise_key(b"17850.00"), b"17850");
        assert_eq!(normalise_key(b"17850.5"), b"17850.5");
        assert_eq!(normalise_key(b"C.0"), b"C.0");
        assert_eq!(normalise_key(b".0"), b".0");
        assert_eq!(normalise_key("  客户A　".as_bytes()), "客户A".as_bytes());
    }

    #[test]
    fn year_first_dates() {
        let jan5 = Some(DateParse::Day(day(2025, 1, 5)));
        for s in [
            "2025-01-05",
            "2025/1/5",
            "2025.01.05",
            "2025年1月5日",
            "2025年01月05日 14时30分",
            "20250105",
            "2025-01-05 08:26:00",
            "2025-01-05T08:26:00Z",
            "2025/1/5 8:26",
            "2025-01-05 上午 9:00",
            "２０２５年１月５日",
            "45662",
            "45662.75",
            "5 Jan 2025",
            "05-Jan-25",
            "Jan 5, 2025",
            "January 5 2025",
        ] {
            assert_eq!(date(s), jan5, "{s}");
        }
        for bad in [
            "2025-02-30",
            "2025-13-01",
            "1月5日",
            "hello",
            "2025",
            "9999",
            "12:30",
            "2025-01-05 x",
        ] {
            assert_eq!(date(bad), None, "{bad}");
        }
    }

    #[test]
    fn day_month_dates_keep_both_readings() {
        assert_eq!(
            date("03/04/2025"),
            Some(DateParse::Either {
                dmy: Some(day(2025, 4, 3)),
                mdy: Some(day(2025, 3, 4))
            })
        );
        assert_eq!(
            date("13/01/2025"),
            Some(DateParse::Either {
                dmy: Some(day(2025, 1, 13)),
                mdy: None
            })
        );
        assert_eq!(
            date("12/13/2010 8:26"),
            Some(DateParse::Either {
                dmy: None,
                mdy: Some(day(2010, 12, 13))
            })
        );
        assert_eq!(date("7/7/25"), Some(DateParse::Day(day(2025, 7, 7))));
        assert_eq!(date("13/13/2025"), None);
    }

    fn cache_days(order: Option<DateOrder>, texts: &[&str]) -> Result<Vec<Day>, OrderProblem> {
        let mut cache = DateCache::new(order);
        let ids: Vec<u32> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| {
                cache
                    .id(t.as_bytes(), t.as_bytes(), || Seen {
                        line: i as u64 + 2,
                        column: 0,
                    })
                    .unwrap()
            })
            .collect();
        let days = cache.resolve()?;
        Ok(ids.iter().map(|&i| days[i as usize]).collect())
    }

    #[test]
    fn the_column_decides_day_or_month_first() {
        assert_eq!(
            cache_days(None, &["03/04/2025", "13/04/2025", "03/04/2025"]),
            Ok(vec![day(2025, 4, 3), day(2025, 4, 13), day(2025, 4, 3)])
        );
        assert_eq!(
            cache_days(None, &["03/04/2025", "04/13/2025"]),
            Ok(vec![day(2025, 3, 4), day(2025, 4, 13)])
        );
        assert_eq!(
            cache_days(None, &["2025-01-01", "03/04/2025", "05/06/2025"]),
            Err(OrderProblem::Ambiguous {
                seen: Seen { line: 3, column: 0 },
                text: "03/04/2025".into()
            })
        );
        assert!(matches!(
            cache_days(None, &["13/04/2025", "04/13/2025"]),
            Err(OrderProblem::Mixed { .. })
        ));
        assert_eq!(
            cache_days(Some(DateOrder::Mdy), &["03/04/2025"]),
            Ok(vec![day(2025, 3, 4)])
        );
        let mut cache = DateCache::new(Some(DateOrder::Mdy));
        let seen = || Seen { line: 1, column: 0 };
        assert_eq!(
            cache.id(b"x", b"13/04/2025", seen),
            Err(DateProblem::WrongOrder)
        );
        assert_eq!(
            cache.id(b"y", b"13/44/2025", seen),
            Err(DateProblem::Unreadable)
        );
    }
}

/// The fast paths against the general ones they stand in for, on many shapes.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    /// What the general path reads in a cell, as [`year_first_date`] answers.
    fn general(text: &str) -> Option<Day> {
        match parse_date(date_part(text.as_bytes())?)? {
            DateParse::Day(day) => Some(day),
            DateParse::Either { .. } => None,
        }
    }

    /// Dates and date-like texts: digit runs, separators, time marks, Chinese date marks,
    /// month names and letters.
    fn date_like() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            "[0-9]{1,5}",
            "[-/. T:Z+]",
            "年|月|日|号|上午|下午|时|分",
            "[a-zA-Z]{1,4}",
            "０|５|　",
        ];
        prop::collection::vec(piece, 0..10).prop_map(|p| p.concat())
    }

    /// Year-first dates, valid or not, written in the shapes the fast path is for.
    fn year_first() -> impl Strategy<Value = String> {
        (
            0u32..10_000,
            0u32..14,
            0u32..33,
            "[-/.]",
            "[-/.]",
            any::<(bool, bool)>(),
            "|[ T]([0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,3})?)?(Z|[+-][0-9]{2}:?[0-9]{2})?)",
        )
            .prop_map(|(y, m, d, s1, s2, (pad_m, pad_d), time)| {
                let m = if pad_m {
                    format!("{m:02}")
                } else {
                    m.to_string()
                };
                let d = if pad_d {
                    format!("{d:02}")
                } else {
                    d.to_string()
                };
                format!("{y:04}{s1}{m}{s2}{d}{time}")
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn the_date_fast_path_reads_its_shapes_as_the_general_path(text in year_first()) {
            prop_assert_eq!(year_first_date(text.as_bytes()), general(&text), "{}", text);
        }

        #[test]
        fn the_date_fast_path_answers_only_as_the_general_path(text in date_like()) {
            if let Some(day) = year_first_date(text.as_bytes()) {
                prop_assert_eq!(Some(day), general(&text), "{}", text);
            }
        }

        #[test]
        fn civil_days_are_chronos(y in 1i32..10_000, m in 0u32..14, d in 0u32..33) {
            prop_assert_eq!(civil_day(y, m, d), day_from_ymd(y, m, d));
        }

        #[test]
        fn same_bytes_is_equality(a in prop::collection::vec(0u8..3, 0..24),
                                  b in prop::collection::vec(0u8..3, 0..24)) {
            prop_assert_eq!(same_bytes(&a, &b), a == b);
            prop_assert!(same_bytes(&a, &a.clone()));
        }
    }
}

//! Number and money formatting per language: ¥1,234,567 in full, 123.5万 / 1.2亿 (Chinese)
//! or 1.2M / 3.4B (English) where space is short.

use crate::engine::i18n::Lang;

/// Groups the integer part in threes: 1234567.891 with 2 decimals -> "1,234,567.89".
pub fn grouped(value: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, value.abs());
    let (int, frac) = text
        .split_once('.')
        .map_or((text.as_str(), ""), |(i, f)| (i, f));
    let mut out = String::with_capacity(text.len() + int.len() / 3 + 1);
    if value < 0.0 && text.bytes().any(|b| b.is_ascii_digit() && b != b'0') {
        out.push('-');
    }
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// Whole yuan with separators: ¥1,234,567.
pub fn money(value: f64) -> String {
    let text = grouped(value, 0);
    match text.strip_prefix('-') {
        Some(abs) => format!("-¥{abs}"),
        None => format!("¥{text}"),
    }
}

/// Short money for cards and charts: ¥123.5万 / ¥1.2亿 in Chinese, ¥1.2M / ¥3.4B in English.
pub fn money_short(value: f64, lang: Lang) -> String {
    let abs = value.abs();
    let sign = if value < 0.0 { "-" } else { "" };
    let (scaled, unit) = match lang {
        Lang::Zh if abs >= 1e8 => (abs / 1e8, "亿"),
        Lang::Zh if abs >= 1e4 => (abs / 1e4, "万"),
        Lang::En if abs >= 1e9 => (abs / 1e9, "B"),
        Lang::En if abs >= 1e6 => (abs / 1e6, "M"),
        Lang::En if abs >= 1e3 => (abs / 1e3, "K"),
        _ => return money(value),
    };
    format!("{sign}¥{}{unit}", grouped(scaled, 1))
}

pub fn count(value: usize) -> String {
    grouped(value as f64, 0)
}

/// A share in 0..=1 as a percentage with one decimal: 0.1234 -> "12.3%".
pub fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

/// A moment (JS milliseconds since 1970) in local time: "2026-11-22 14:05".
pub fn date_time(ms: f64) -> String {
    let d = js_sys::Date::new(&ms.into());
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}

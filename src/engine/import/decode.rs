//! Turning the bytes of a text file into UTF-8, whatever the exporting program wrote.
//!
//! Order of the checks: a byte-order mark (UTF-8, UTF-16LE/BE); UTF-16 without a mark (one
//! byte in two is zero in mostly-ASCII text); valid UTF-8; otherwise GBK as Windows in China
//! writes it (decoded as GB18030, its superset, by `encoding_rs`). Text that still has many
//! control characters is treated as a binary file, not read as garbage.

use encoding_rs::{Encoding, GBK, UTF_8, UTF_16BE, UTF_16LE};
use std::borrow::Cow;

/// Decoded text and the name of the encoding it came from.
#[derive(Debug)]
pub struct Decoded<'a> {
    pub text: Cow<'a, str>,
    pub encoding: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecodeError {
    Empty,
    Binary,
}

/// Whether the bytes are a spreadsheet (zip-based xlsx/ods, or an OLE compound file: xls)
/// rather than text; the file name decides when the content does not.
pub fn is_spreadsheet(bytes: &[u8], name: &str) -> bool {
    const ZIP: &[u8] = b"PK\x03\x04";
    const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    if bytes.starts_with(ZIP) || bytes.starts_with(OLE) {
        return true;
    }
    let lower = name.to_ascii_lowercase();
    [".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

/// Decodes a whole file.
pub fn decode(bytes: &[u8]) -> Result<Decoded<'_>, DecodeError> {
    decode_prefix(bytes, bytes.len())
}

/// Decodes at most the first `limit` bytes (cut back to a whole character), for previews of
/// large files. The encoding is decided from those bytes.
pub fn decode_prefix(bytes: &[u8], limit: usize) -> Result<Decoded<'_>, DecodeError> {
    let (encoding, bom, utf8) = detect(&bytes[..bytes.len().min(limit.saturating_add(4))]);
    let body = &bytes[bom..];
    let body = &body[..body.len().min(limit)];
    let text: Cow<str> = if let Some(text) = utf8 {
        // Validated once, by `detect`; a preview may cut through a last character.
        let mut end = body.len().min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        Cow::Borrowed(&text[..end])
    } else if encoding == UTF_8 {
        match std::str::from_utf8(body) {
            Ok(t) => Cow::Borrowed(t),
            // A cut through the last character of a preview.
            Err(e) if e.error_len().is_none() => {
                Cow::Borrowed(std::str::from_utf8(&body[..e.valid_up_to()]).expect("valid prefix"))
            }
            Err(_) => unreachable!("detect() only answers UTF-8 for valid UTF-8"),
        }
    } else {
        let body = if limit < bytes.len() && encoding != GBK {
            &body[..body.len() & !1]
        } else {
            body
        };
        encoding.decode_without_bom_handling(body).0
    };
    if text
        .trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
        .is_empty()
    {
        return Err(DecodeError::Empty);
    }
    if looks_binary(&text) {
        return Err(DecodeError::Binary);
    }
    Ok(Decoded {
        text,
        encoding: encoding_name(encoding),
    })
}

fn encoding_name(encoding: &'static Encoding) -> &'static str {
    if encoding == UTF_8 {
        "UTF-8"
    } else if encoding == UTF_16LE {
        "UTF-16LE"
    } else if encoding == UTF_16BE {
        "UTF-16BE"
    } else {
        "GBK"
    }
}

/// The encoding, the length of its byte-order mark, and the text when the bytes (without a
/// mark) are valid UTF-8 as a whole, so that they are validated only once.
fn detect(bytes: &[u8]) -> (&'static Encoding, usize, Option<&str>) {
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        return (encoding, bom, None);
    }
    let sample = &bytes[..bytes.len().min(4096) & !1];
    if sample.len() >= 4 {
        let pairs = sample.len() / 2;
        let zero_even = sample.iter().step_by(2).filter(|&&b| b == 0).count();
        let zero_odd = sample
            .iter()
            .skip(1)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count();
        // ASCII in UTF-16 has a zero in every other byte; CJK text has few, so ask for a
        // clear majority on one side and almost none on the other.
        if zero_odd * 10 > pairs * 3 && zero_even * 20 < pairs {
            return (UTF_16LE, 0, None);
        }
        if zero_even * 10 > pairs * 3 && zero_odd * 20 < pairs {
            return (UTF_16BE, 0, None);
        }
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => (UTF_8, 0, Some(text)),
        Err(e) if e.error_len().is_none() && bytes.len() - e.valid_up_to() < 4 => (UTF_8, 0, None),
        Err(_) => (GBK, 0, None),
    }
}

/// More than 1% control characters (other than tab, CR, LF) in the first 4,096 characters.
fn looks_binary(text: &str) -> bool {
    let (mut n, mut control) = (0usize, 0usize);
    for c in text.chars().take(4096) {
        n += 1;
        if (c.is_control() && !matches!(c, '\t' | '\r' | '\n' | '\u{1a}')) || c == '\u{fffd}' {
            control += 1;
        }
    }
    control * 100 > n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_are_recognised() {
        let text = "客户编码,日期\nC1,2025-01-05\n";
        let utf8 = decode(text.as_bytes()).unwrap();
        assert_eq!((utf8.encoding, &*utf8.text), ("UTF-8", text));
        assert!(matches!(utf8.text, Cow::Borrowed(_)));

        let bom = [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat();
        assert_eq!(decode(&bom).unwrap().text, text);

        let (gbk, _, _) = GBK.encode(text);
        let d = decode(&gbk).unwrap();
        assert_eq!((d.encoding, &*d.text), ("GBK", text));

        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let d = decode(&le).unwrap();
        assert_eq!((d.encoding, &*d.text), ("UTF-16LE", text));
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        let d = decode(&be).unwrap();
        assert_eq!((d.encoding, &*d.text), ("UTF-16BE", text));
    }

    #[test]
    fn empty_and_binary_files_are_refused() {
        assert_eq!(decode(b"").unwrap_err(), DecodeError::Empty);
        assert_eq!(decode(b" \r\n\n").unwrap_err(), DecodeError::Empty);
        let png = [
            0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 1, 2, 3, 0,
        ];
        assert_eq!(decode(&png).unwrap_err(), DecodeError::Binary);
    }

    #[test]
    fn previews_cut_at_a_character() {
        let text = "客户,日期\n".repeat(10);
        let d = decode_prefix(text.as_bytes(), 8).unwrap();
        assert_eq!(d.text, "客户,");
    }
}

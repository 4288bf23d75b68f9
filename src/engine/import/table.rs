//! Rows of a file as byte records with their physical line numbers, for CSV/TSV text and for
//! spreadsheets alike.
//!
//! Text rows land in one reused `ByteRecord`, so reading a row allocates nothing. Lines
//! without a quote character (nearly every line of a machine export) are split at the
//! delimiter directly, which is several times faster than a general CSV parser and gives
//! the same fields; from the first line with a quote (or a bare CR) on, the `csv` crate reads
//! the rest (quoted fields, embedded newlines, `""` escapes). The line of a row counts every
//! physical line (blank lines, CRLF and newlines inside quotes included); in the `csv` part it
//! is counted from the record's byte offset, because `csv::Position::line()` skips blank lines
//! and counts a CRLF file's lines wrongly. Spreadsheets are read whole by
//! `calamine` (xlsx, xlsm, xlsb, xls, ods) and each row is written into the same kind of
//! record, its line being the sheet's row number.

use super::decode::{self, DecodeError};
use calamine::{Data, Range, Reader};
use csv::ByteRecord;
use std::borrow::Cow;
use std::fmt::Write;
use std::io::Cursor;

/// A file ready to be read row by row.
pub enum Loaded<'a> {
    Text {
        text: Cow<'a, str>,
        encoding: &'static str,
        delimiter: u8,
    },
    Sheet {
        range: Range<Data>,
        /// All sheet names, for the user to choose from.
        sheets: Vec<String>,
        sheet: String,
        format: &'static str,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum LoadError {
    Decode(DecodeError),
    Spreadsheet(String),
    NoSheet { sheet: String, sheets: Vec<String> },
}

impl<'a> Loaded<'a> {
    /// Loads a file: a spreadsheet (by content or name) or text in any supported encoding.
    /// `limit` bounds how many text bytes are decoded (previews).
    pub fn load(
        bytes: &'a [u8],
        name: &str,
        sheet: Option<&str>,
        limit: usize,
    ) -> Result<Loaded<'a>, LoadError> {
        if bytes.is_empty() {
            return Err(LoadError::Decode(DecodeError::Empty));
        }
        if decode::is_spreadsheet(bytes, name) {
            return load_sheet(bytes, sheet);
        }
        let decoded = if limit < bytes.len() {
            decode::decode_prefix(bytes, limit)
        } else {
            decode::decode(bytes)
        }
        .map_err(LoadError::Decode)?;
        let delimiter = detect_delimiter(&decoded.text);
        Ok(Loaded::Text {
            text: decoded.text,
            encoding: decoded.encoding,
            delimiter,
        })
    }

    /// About how many rows the file has, from the line length of its first 64 KB.
    pub fn estimated_rows(&self) -> usize {
        match self {
            Loaded::Text { text, .. } => {
                let sample = &text.as_bytes()[..text.len().min(64 * 1024)];
                let lines = count_newlines(sample).max(1) as usize;
                text.len() / sample.len().div_ceil(lines).max(1)
            }
            Loaded::Sheet { range, .. } => range.height(),
        }
    }

    /// Bytes of text; `None` for a sheet.
    pub fn text_len(&self) -> Option<usize> {
        match self {
            Loaded::Text { text, .. } => Some(text.len()),
            Loaded::Sheet { .. } => None,
        }
    }

    /// Encoding of a text file, or the spreadsheet format.
    pub fn encoding(&self) -> &'static str {
        match self {
            Loaded::Text { encoding, .. } => encoding,
            Loaded::Sheet { format, .. } => format,
        }
    }

    pub fn rows(&self) -> Rows<'_> {
        match self {
            Loaded::Text {
                text, delimiter, ..
            } => Rows::Text {
                text: text.as_bytes(),
                delimiter: *delimiter,
                pos: 0,
                newlines: 0,
                csv: None,
            },
            Loaded::Sheet { range, .. } => Rows::Sheet {
                rows: range.rows(),
                start: range.start().map_or(0, |(r, _)| r as u64),
                next: 0,
                height: range.height().max(1),
                cell: String::new(),
            },
        }
    }

    /// The first `n` rows as text, for header detection and previews.
    pub fn head(&self, n: usize) -> Vec<(u64, Vec<String>)> {
        let mut rows = self.rows();
        let mut row = Row::default();
        let mut out = Vec::new();
        while out.len() < n {
            let Some(line) = rows.next(&mut row) else {
                break;
            };
            out.push((
                line,
                row.iter()
                    .map(|c| String::from_utf8_lossy(c).trim().to_owned())
                    .collect(),
            ));
        }
        out
    }
}

fn load_sheet<'a>(bytes: &'a [u8], sheet: Option<&str>) -> Result<Loaded<'a>, LoadError> {
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| LoadError::Spreadsheet(e.to_string()))?;
    let format = match book {
        calamine::Sheets::Xls(_) => "xls",
        calamine::Sheets::Xlsx(_) => "xlsx",
        calamine::Sheets::Xlsb(_) => "xlsb",
        calamine::Sheets::Ods(_) => "ods",
    };
    let sheets = book.sheet_names();
    let name = match sheet {
        Some(s) => sheets
            .iter()
            .find(|n| n.as_str() == s)
            .cloned()
            .ok_or_else(|| LoadError::NoSheet {
                sheet: s.to_owned(),
                sheets: sheets.clone(),
            })?,
        None => sheets.first().cloned().ok_or_else(|| LoadError::NoSheet {
            sheet: String::new(),
            sheets: Vec::new(),
        })?,
    };
    let range = book
        .worksheet_range(&name)
        .map_err(|e| LoadError::Spreadsheet(e.to_string()))?;
    Ok(Loaded::Sheet {
        range,
        sheets,
        sheet: name,
        format,
    })
}

fn csv_reader(bytes: &[u8], delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(bytes)
}

/// Comma, tab, semicolon or pipe: the one that gives the most rows of one field count
/// (greater than one) among the first rows; ties go to the larger count, then to the order
/// listed. Title lines above the header do not disturb this, being fewer than the data rows.
pub fn detect_delimiter(text: &str) -> u8 {
    let mut end = text.len().min(64 * 1024);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let sample = &text.as_bytes()[..end];
    let mut best = (b',', 0usize, 0usize);
    for d in [b',', b'\t', b';', b'|'] {
        let mut reader = csv_reader(sample, d);
        let mut counts = std::collections::HashMap::<usize, usize>::new();
        let mut record = ByteRecord::new();
        let mut rows = 0;
        while rows < 50 && reader.read_byte_record(&mut record).unwrap_or(false) {
            rows += 1;
            if record.len() > 1 {
                *counts.entry(record.len()).or_default() += 1;
            }
        }
        if let Some((&fields, &n)) = counts.iter().max_by_key(|&(&f, &n)| (n, f))
            && (n, fields) > (best.1, best.2)
        {
            best = (d, n, fields);
        }
    }
    best.0
}

/// The cells of one row: slices of the file's text for a quote-free line (no copy), or a
/// `ByteRecord` filled by the `csv` crate or from a sheet row.
#[derive(Debug, Default)]
pub struct Row<'a> {
    line: &'a [u8],
    /// Start of each field in `line`, then `line.len() + 1`: field `i` is
    /// `line[starts[i]..starts[i + 1] - 1]` (fields are separated by one delimiter byte).
    starts: Vec<u32>,
    record: ByteRecord,
    in_record: bool,
}

impl<'a> Row<'a> {
    #[inline(always)]
    pub fn len(&self) -> usize {
        if self.in_record {
            self.record.len()
        } else {
            self.starts.len().saturating_sub(1)
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Cell `i`, or `None` past the end of the row.
    #[inline(always)]
    pub fn get(&self, i: usize) -> Option<&[u8]> {
        if self.in_record {
            return self.record.get(i);
        }
        self.text_cell(i)
    }

    /// Cell `i` of a row read from a quote-free line, as a slice of the text.
    #[inline(always)]
    fn text_cell(&self, i: usize) -> Option<&'a [u8]> {
        let end = *self.starts.get(i + 1)? as usize - 1;
        Some(&self.line[self.starts[i] as usize..end])
    }

    /// The cells as slices of the text (blank past the row's end), for a row read from a
    /// quote-free line; `None` for a row the `csv` crate or a sheet filled.
    #[inline(always)]
    pub fn text_cells(&self) -> Option<impl Fn(usize) -> &'a [u8] + '_> {
        (!self.in_record).then_some(move |i| self.text_cell(i).unwrap_or_default())
    }

    pub fn iter(&self) -> impl Iterator<Item = &[u8]> {
        (0..self.len()).map(|i| self.get(i).unwrap_or_default())
    }
}

/// A row cursor; see [`Loaded::rows`].
pub enum Rows<'a> {
    Text {
        text: &'a [u8],
        delimiter: u8,
        /// Where the next line starts (quote-free part), or how far newlines are counted.
        pos: usize,
        /// Newlines in `text[..pos]`.
        newlines: u64,
        /// The `csv` reader of the rest of the text from the first line with a quote, and
        /// where that rest starts.
        csv: Option<(csv::Reader<&'a [u8]>, usize)>,
    },
    Sheet {
        rows: calamine::Rows<'a, Data>,
        start: u64,
        next: u64,
        height: usize,
        cell: String,
    },
}

impl<'a> Rows<'a> {
    /// Reads the next row; its 1-based physical line, or `None` at the end. Blank text lines
    /// are not rows (the `csv` crate skips them); blank sheet rows are.
    #[inline]
    pub fn next(&mut self, row: &mut Row<'a>) -> Option<u64> {
        match self {
            Rows::Text {
                text,
                delimiter,
                pos,
                newlines,
                csv,
            } => loop {
                if let Some((reader, base)) = csv {
                    let record = &mut row.record;
                    row.in_record = true;
                    // Reading from memory cannot fail: there is no I/O, and `flexible`
                    // accepts any field count.
                    if !reader.read_byte_record(record).unwrap_or(false) {
                        return None;
                    }
                    // The record starts after any line ends at its reported byte offset
                    // (the end of the previous record).
                    let mut start = *base + record.position().map_or(0, |p| p.byte() as usize);
                    while text.get(start).is_some_and(|&b| b == b'\n' || b == b'\r') {
                        start += 1;
                    }
                    if start > *pos {
                        *newlines += count_newlines(&text[*pos..start]);
                        *pos = start;
                    }
                    return Some(*newlines + 1);
                }
                let rest = text.get(*pos..).filter(|r| !r.is_empty())?;
                let Some(end) = split_line::<NativeScanner>(rest, *delimiter, &mut row.starts)
                else {
                    *csv = Some((csv_reader(rest, *delimiter), *pos));
                    continue;
                };
                let line = rest[..end].strip_suffix(b"\r").unwrap_or(&rest[..end]);
                let number = *newlines + 1;
                *pos += (end + 1).min(rest.len());
                *newlines += 1;
                if line.is_empty() {
                    // Blank lines are not rows, as in the `csv` crate.
                    continue;
                }
                row.line = line;
                row.in_record = false;
                row.starts.push(line.len() as u32 + 1);
                return Some(number);
            },
            Rows::Sheet {
                rows,
                start,
                next,
                cell,
                ..
            } => {
                let cells = rows.next()?;
                row.in_record = true;
                row.record.clear();
                for data in cells {
                    cell.clear();
                    write_cell(cell, data);
                    row.record.push_field(cell.as_bytes());
                }
                *next += 1;
                Some(*start + *next)
            }
        }
    }

    /// How far through the file, 0 to 1.
    pub fn fraction(&self) -> f32 {
        match self {
            Rows::Text { text, pos, csv, .. } => {
                let at = match csv {
                    Some((reader, base)) => base + reader.position().byte() as usize,
                    None => *pos,
                };
                at as f32 / text.len().max(1) as f32
            }
            Rows::Sheet { next, height, .. } => *next as f32 / *height as f32,
        }
    }
}

/// Splits the line at the start of `rest`: the start of every field goes to `starts`, and the
/// answer is where the line ends (its `\n`, or the end of the text), or `None` when a quote
/// or a bare CR comes first, which only the `csv` crate reads right.
///
/// A block of bytes at a time ([`Scanner`]), so that a line of 30 bytes takes two or three
/// steps rather than 30.
#[inline]
fn split_line<S: Scanner>(rest: &[u8], delimiter: u8, starts: &mut Vec<u32>) -> Option<usize> {
    starts.clear();
    starts.push(0);
    let mut at = 0;
    while let Some(block) = rest.get(at..at + S::WIDTH) {
        let (stops, delimiters) = S::flags(block, delimiter);
        if stops != 0 {
            let bit = stops.trailing_zeros();
            push_starts::<S>(delimiters & ((1 << bit) - 1), at, starts);
            return line_end(rest, at + (bit >> S::BYTE_SHIFT) as usize);
        }
        push_starts::<S>(delimiters, at, starts);
        at += S::WIDTH;
    }
    for (i, &b) in rest.iter().enumerate().skip(at) {
        if b == b'\n' || b == b'"' || b == b'\r' {
            return line_end(rest, i);
        }
        if b == delimiter {
            starts.push(i as u32 + 1);
        }
    }
    Some(rest.len())
}

/// The end of a line whose first newline, quote or CR is at `i` (see [`split_line`]).
#[inline]
fn line_end(rest: &[u8], i: usize) -> Option<usize> {
    match rest[i] {
        b'\n' => Some(i),
        b'\r' if rest.get(i + 1) == Some(&b'\n') => Some(i + 1),
        _ => None,
    }
}

/// Pushes the position after every flagged byte of `bits` (`at` is where the block starts).
#[inline(always)]
fn push_starts<S: Scanner>(mut bits: u64, at: usize, starts: &mut Vec<u32>) {
    while bits != 0 {
        starts.push((at + 1 + (bits.trailing_zeros() >> S::BYTE_SHIFT) as usize) as u32);
        bits &= bits - 1;
    }
}

/// Finds the bytes of a block that matter to [`split_line`].
trait Scanner {
    /// Bytes per block.
    const WIDTH: usize;
    /// Flag bit `b` stands for byte `b >> BYTE_SHIFT` of the block.
    const BYTE_SHIFT: u32;
    /// Flags of the newlines, quotes and CRs (of which only the lowest flag must be right)
    /// and of the delimiters (all right) of `block`, which is `WIDTH` bytes long.
    fn flags(block: &[u8], delimiter: u8) -> (u64, u64);
}

/// The portable scanner (native x86-64 builds use [`Sse2`] and test this one).
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
mod swar {
    use super::Scanner;

    /// Eight bytes in a `u64` and a few integer operations per byte value sought (SWAR, "SIMD
    /// within a register"): no vector instructions, so WebAssembly without its SIMD extension
    /// (the app's build) gets it too.
    pub struct Swar;

    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;

    impl Scanner for Swar {
        const WIDTH: usize = 8;
        const BYTE_SHIFT: u32 = 3;

        #[inline(always)]
        fn flags(block: &[u8], delimiter: u8) -> (u64, u64) {
            let word = u64::from_le_bytes(block.try_into().expect("eight bytes"));
            // Only the first stop matters, so the cheaper test does for those.
            let stops =
                lowest_equal(word, b'\n') | lowest_equal(word, b'"') | lowest_equal(word, b'\r');
            (stops, bytes_equal(word, delimiter))
        }
    }

    /// The high bit of each byte of `word` that equals `byte`, exactly (no carry crosses bytes:
    /// the low seven bits plus 0x7F set the high bit unless they are all zero).
    #[inline(always)]
    fn bytes_equal(word: u64, byte: u8) -> u64 {
        let x = word ^ (ONES * byte as u64);
        !(((x & !HIGH).wrapping_add(!HIGH)) | x) & HIGH
    }

    /// As [`bytes_equal`] with one operation less, but only the lowest flag is sure: a borrow can
    /// flag a byte above an equal one.
    #[inline(always)]
    fn lowest_equal(word: u64, byte: u8) -> u64 {
        let x = word ^ (ONES * byte as u64);
        x.wrapping_sub(ONES) & !x & HIGH
    }
}

/// Sixteen bytes per SSE2 comparison, which every x86-64 processor has (native builds).
#[cfg(target_arch = "x86_64")]
struct Sse2;

#[cfg(target_arch = "x86_64")]
impl Scanner for Sse2 {
    const WIDTH: usize = 16;
    const BYTE_SHIFT: u32 = 0;

    #[inline(always)]
    fn flags(block: &[u8], delimiter: u8) -> (u64, u64) {
        use std::arch::x86_64::{
            __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128,
            _mm_set1_epi8,
        };
        assert!(block.len() >= 16);
        // SAFETY: SSE2 is part of the x86-64 baseline, so these instructions always exist,
        // and the unaligned load reads 16 bytes, which `block` has (asserted above).
        unsafe {
            let bytes = _mm_loadu_si128(block.as_ptr().cast::<__m128i>());
            let equal = |b: u8| _mm_cmpeq_epi8(bytes, _mm_set1_epi8(b as i8));
            let stops = _mm_or_si128(_mm_or_si128(equal(b'\n'), equal(b'"')), equal(b'\r'));
            (
                _mm_movemask_epi8(stops) as u32 as u64,
                _mm_movemask_epi8(equal(delimiter)) as u32 as u64,
            )
        }
    }
}

/// The scanner of this build.
#[cfg(target_arch = "x86_64")]
type NativeScanner = Sse2;
#[cfg(not(target_arch = "x86_64"))]
type NativeScanner = swar::Swar;

/// A plain counting loop, which the compiler vectorises.
fn count_newlines(bytes: &[u8]) -> u64 {
    bytes.iter().map(|&b| (b == b'\n') as u64).sum()
}

/// A spreadsheet cell as the text a CSV export would have: dates as ISO, numbers in their
/// shortest form (`17850`, not `17850.0`).
fn write_cell(out: &mut String, data: &Data) {
    match data {
        Data::Empty => {}
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => out.push_str(s),
        Data::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Data::Float(f) => {
            let _ = write!(out, "{f}");
        }
        Data::Bool(b) => out.push_str(if *b { "TRUE" } else { "FALSE" }),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, hh, mm, ss, _) = dt.to_ymd_hms_milli();
            let _ = write!(out, "{y:04}-{m:02}-{d:02}");
            if (hh, mm, ss) != (0, 0, 0) {
                let _ = write!(out, " {hh:02}:{mm:02}:{ss:02}");
            }
        }
        Data::DateTime(dt) => {
            let _ = write!(out, "{}", dt.as_f64());
        }
        Data::Error(e) => {
            let _ = write!(out, "#{e:?}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters() {
        assert_eq!(detect_delimiter("a,b,c\n1,2,3\n"), b',');
        assert_eq!(detect_delimiter("a\tb\tc\n1\t2,5\t3\n"), b'\t');
        assert_eq!(detect_delimiter("Title\na;b;c\n1;2,5;3\n4;5,5;6\n"), b';');
        assert_eq!(detect_delimiter("\"x;y\",b\n\"1;2\",3\n"), b',');
    }

    #[test]
    fn quote_free_lines_and_csv_give_the_same_rows() {
        let plain = "a,b,c\r\n1,,3\r\n\r\n,x,\n\nlast\n";
        let quoted = "\"a\",b,c\r\n1,,3\r\n\r\n,x,\n\nlast\n";
        let rows = |t: &str| {
            Loaded::Text {
                text: t.to_owned().into(),
                encoding: "UTF-8",
                delimiter: b',',
            }
            .head(10)
        };
        let expected = vec![
            (1, vec!["a".to_string(), "b".into(), "c".into()]),
            (2, vec!["1".to_string(), "".into(), "3".into()]),
            (4, vec!["".to_string(), "x".into(), "".into()]),
            (6, vec!["last".to_string()]),
        ];
        assert_eq!(rows(plain), expected);
        assert_eq!(rows(quoted), expected);
    }

    #[test]
    fn csv_rows_carry_physical_lines() {
        let loaded = Loaded::Text {
            text: "h1,h2\r\n\"multi\r\nline\",2\r\n\r\n\nlast,3\n".into(),
            encoding: "UTF-8",
            delimiter: b',',
        };
        let rows: Vec<_> = loaded.head(10);
        assert_eq!(
            rows,
            vec![
                (1, vec!["h1".to_string(), "h2".into()]),
                (2, vec!["multi\r\nline".to_string(), "2".into()]),
                (6, vec!["last".to_string(), "3".into()]),
            ]
        );
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Every row with its line and raw cells.
    fn rows(text: &str, delimiter: u8) -> Vec<(u64, Vec<Vec<u8>>)> {
        let loaded = Loaded::Text {
            text: text.into(),
            encoding: "UTF-8",
            delimiter,
        };
        let mut rows = loaded.rows();
        let mut row = Row::default();
        let mut out = Vec::new();
        while let Some(line) = rows.next(&mut row) {
            out.push((line, row.iter().map(<[u8]>::to_vec).collect()));
        }
        out
    }

    /// Lines of short fields (ASCII, CJK, spaces, now and then a quote or a CR), with LF or
    /// CRLF ends and blank lines.
    fn table() -> impl Strategy<Value = (String, u8)> {
        let field = "[a-z0-9 中,;\t]{0,12}|[a-z\"\r]{0,3}";
        let line = (prop::collection::vec(field, 1..6), "\n|\r\n|\n\n|\r\n\r\n");
        (
            prop::collection::vec(line, 0..12),
            prop::sample::select(vec![b',', b'\t', b';']),
            any::<bool>(),
        )
            .prop_map(|(lines, delimiter, last_end)| {
                let mut text = String::new();
                for (fields, end) in &lines {
                    text.push_str(&fields.join(&(delimiter as char).to_string()));
                    text.push_str(end);
                }
                if !last_end {
                    text.truncate(text.trim_end_matches(['\r', '\n']).len());
                }
                (text, delimiter)
            })
    }

    /// The byte-at-a-time loop the block scanners replace: (line end, field starts).
    fn split_bytewise(rest: &[u8], delimiter: u8) -> (Option<usize>, Vec<u32>) {
        let mut starts = vec![0];
        for (i, &b) in rest.iter().enumerate() {
            match b {
                b'\n' => return (Some(i), starts),
                b'\r' if rest.get(i + 1) == Some(&b'\n') => return (Some(i + 1), starts),
                b'"' | b'\r' => return (None, starts),
                _ if b == delimiter => starts.push(i as u32 + 1),
                _ => {}
            }
        }
        (Some(rest.len()), starts)
    }

    fn split<S: Scanner>(rest: &[u8], delimiter: u8) -> (Option<usize>, Vec<u32>) {
        let mut starts = Vec::new();
        let end = split_line::<S>(rest, delimiter, &mut starts);
        (end, starts)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(600))]

        #[test]
        fn block_scanners_split_as_a_byte_loop(
            text in prop::collection::vec(prop_oneof![12 => "[a,;\t中 :-]", 1 => "[\"\r\n]"], 0..40)
                .prop_map(|c| c.concat()),
            delimiter in prop::sample::select(vec![b',', b'\t', b';']),
        ) {
            let expected = split_bytewise(text.as_bytes(), delimiter);
            let agree = |(end, starts): (Option<usize>, Vec<u32>)| {
                end == expected.0 && (end.is_none() || starts == expected.1)
            };
            prop_assert!(agree(split::<swar::Swar>(text.as_bytes(), delimiter)), "{:?}", text);
            #[cfg(target_arch = "x86_64")]
            prop_assert!(agree(split::<Sse2>(text.as_bytes(), delimiter)), "{:?}", text);
        }


        /// The quote-free splitter gives the rows and lines the `csv` crate gives (made to
        /// read everything by a quoted first line).
        #[test]
        fn quote_free_lines_split_as_the_csv_crate_reads_them((text, delimiter) in table()) {
            let plain = rows(&text, delimiter);
            let mut quoted = rows(&format!("\"q\"\n{text}"), delimiter);
            prop_assert_eq!(quoted.remove(0), (1, vec![b"q".to_vec()]));
            let quoted: Vec<_> = quoted.into_iter().map(|(l, r)| (l - 1, r)).collect();
            prop_assert_eq!(plain, quoted, "{:?}", text);
        }
    }
}

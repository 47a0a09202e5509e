//! CSV/TSV in UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode text"), or
//! CP932/Shift_JIS (what Japanese Excel writes by default).
//!
//! Every field stays text: the ledger parsers read `001`, `2020/12/1` and `令和2年` themselves,
//! so nothing is lost to a guess here. Row numbers match what Excel shows when it opens the
//! file: one row per record, blank lines included.

use super::grid_builder::GridBuilder;
use super::guard::short_detail;
use super::{CellValue, Format, Limits, ReadError, Sheet};
use encoding_rs::{SHIFT_JIS, UTF_16BE, UTF_16LE};
use std::borrow::Cow;

/// Reads delimited text into one sheet named `sheet_name`.
pub(super) fn read_text(
    bytes: &[u8],
    format: Format,
    sheet_name: &str,
    limits: &Limits,
) -> Result<Sheet, ReadError> {
    let text = decode(bytes)?;
    let delimiter = if format == Format::Tsv { b'\t' } else { b',' };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());

    let mut grid = GridBuilder::new(sheet_name, limits);
    let mut record = csv::StringRecord::new();
    // The csv crate skips blank lines, and Excel does not: count them back so that row indices
    // stay those Excel shows. A record's position is where reading it began, before the blank
    // lines it skipped.
    let mut row: u64 = 0;
    let mut first = true;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                return Err(ReadError::Corrupt {
                    format,
                    detail: short_detail(&e),
                })
            }
        }
        let mut start = record.position().map_or(0, |p| p.byte()) as usize;
        let bytes = text.as_bytes();
        // After a record ended by `\r\n`, reading resumes between the `\r` and the `\n`.
        if start > 0 && bytes.get(start - 1) == Some(&b'\r') && bytes.get(start) == Some(&b'\n') {
            start += 1;
        }
        let blank_lines = leading_line_breaks(bytes.get(start..).unwrap_or_default());
        row = if first {
            blank_lines
        } else {
            row + 1 + blank_lines
        };
        first = false;

        let Ok(row_index) = u32::try_from(row) else {
            break;
        };
        for (col, field) in record.iter().enumerate() {
            let col = u32::try_from(col).unwrap_or(u32::MAX);
            grid.push(row_index, col, CellValue::Text(field.to_string()))?;
        }
    }
    Ok(Sheet {
        name: sheet_name.to_string(),
        hidden: false,
        grid: grid.finish(),
        merges: Vec::new(),
    })
}

/// How many line breaks (`\r\n`, `\n` or a lone `\r`) start `bytes`.
fn leading_line_breaks(bytes: &[u8]) -> u64 {
    let mut count = 0;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => i += 2,
            b'\r' | b'\n' => i += 1,
            _ => break,
        }
        count += 1;
    }
    count
}

/// Strict UTF-8 first (CP932 text is practically never valid UTF-8), then CP932. A byte order
/// mark decides UTF-8 or UTF-16 outright.
pub(super) fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, ReadError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest)
            .map(Cow::Borrowed)
            .map_err(|_| ReadError::UnknownEncoding);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return UTF_16LE
            .decode_without_bom_handling_and_without_replacement(rest)
            .ok_or(ReadError::UnknownEncoding);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return UTF_16BE
            .decode_without_bom_handling_and_without_replacement(rest)
            .ok_or(ReadError::UnknownEncoding);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(Cow::Borrowed(text));
    }
    // encoding_rs's SHIFT_JIS is the WHATWG/Windows-31J table, i.e. CP932 with NEC and IBM
    // extensions (①, ㈱, 髙, 﨑 …).
    let (text, had_errors) = SHIFT_JIS.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(ReadError::UnknownEncoding);
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8], format: Format) -> Sheet {
        read_text(bytes, format, "台帳", &Limits::default()).unwrap()
    }

    fn text(s: &str) -> Option<CellValue> {
        Some(CellValue::Text(s.into()))
    }

    #[test]
    fn cp932_without_mojibake() {
        let source = "管理番号,OS\n００１,Win8\n①,髙﨑\n";
        let (bytes, _, unmappable) = SHIFT_JIS.encode(source);
        assert!(!unmappable);
        assert!(std::str::from_utf8(&bytes).is_err());
        let sheet = read(&bytes, Format::Csv);
        assert_eq!(sheet.name, "台帳");
        assert_eq!(sheet.grid.get(0, 0).cloned(), text("管理番号"));
        assert_eq!(sheet.grid.get(1, 0).cloned(), text("００１"));
        assert_eq!(sheet.grid.get(2, 0).cloned(), text("①"));
        assert_eq!(sheet.grid.get(2, 1).cloned(), text("髙﨑"));
    }

    #[test]
    fn utf8_bom_and_numbers_stay_text() {
        let sheet = read(
            "\u{feff}管理番号,導入日\n001,2020/12/1\n".as_bytes(),
            Format::Csv,
        );
        assert_eq!(sheet.grid.get(0, 0).cloned(), text("管理番号"));
        assert_eq!(sheet.grid.get(1, 0).cloned(), text("001"));
        assert_eq!(sheet.grid.get(1, 1).cloned(), text("2020/12/1"));
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "機器\tIP\r\nPC1\t10.0.0.1\r\n".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let sheet = read(&bytes, Format::Tsv);
        assert_eq!(sheet.grid.get(0, 0).cloned(), text("機器"));
        assert_eq!(sheet.grid.get(1, 1).cloned(), text("10.0.0.1"));
    }

    #[test]
    fn unknown_encoding() {
        // Invalid as UTF-8 and as CP932 (0x85 0x20 is no CP932 character).
        assert_eq!(
            decode(b"a,\x85\x20,\xFF\xFF").unwrap_err(),
            ReadError::UnknownEncoding
        );
    }

    #[test]
    fn rows_match_excel_with_blank_lines_and_quoted_newlines() {
        let sheet = read(
            b"\nhead,er\r\n\r\n\"multi\nline\",x\n\n\nlast,,z\n",
            Format::Csv,
        );
        assert_eq!(sheet.grid.get(1, 0).cloned(), text("head"));
        assert_eq!(sheet.grid.get(3, 0).cloned(), text("multi\nline"));
        assert_eq!(sheet.grid.get(3, 1).cloned(), text("x"));
        assert_eq!(sheet.grid.get(6, 0).cloned(), text("last"));
        assert_eq!(sheet.grid.get(6, 1), None);
        assert_eq!(sheet.grid.get(6, 2).cloned(), text("z"));
        assert_eq!(sheet.grid.cell_count(), 6);
    }

    #[test]
    fn tsv_and_ragged_rows() {
        let sheet = read(b"a\tb\tc\nd\n\te", Format::Tsv);
        assert_eq!(sheet.grid.get(0, 2).cloned(), text("c"));
        assert_eq!(sheet.grid.get(1, 0).cloned(), text("d"));
        assert_eq!(sheet.grid.get(2, 1).cloned(), text("e"));
    }

    #[test]
    fn cell_limit() {
        let limits = Limits {
            max_cells_per_sheet: 3,
            ..Limits::default()
        };
        assert_eq!(
            read_text(b"a,b\nc,d\n", Format::Csv, "s", &limits).unwrap_err(),
            ReadError::TooManyCells {
                sheet: "s".into(),
                limit: 3
            }
        );
    }
}

//! Writing one ledger value into an xlsx cell: the one cell writer of the annotated workbook,
//! the standard ledger (`daicho template`) and the converted ledger (`daicho convert`), so every
//! workbook daicho writes survives the same bad values.
//!
//! - Text is always a string cell: `=SUM(A1)` or `+81…` typed as text never becomes a formula.
//! - Text over Excel's 32,767-character limit (only possible from CSV) is cut to fit.
//! - A number Excel cannot store (NaN, infinity) is written as its text.
//! - A date outside Excel's range (1900–9999) is written as its text.

use crate::workbook::CellValue;
use chrono::Datelike;
use rust_xlsxwriter::{Format, Worksheet, XlsxError};

/// Excel's limit on the characters (UTF-16 units) of one cell.
pub const MAX_CELL_CHARS: usize = 32_767;

/// The formats of one cell by the type of its value.
#[derive(Clone, Copy)]
pub struct CellFormats<'a> {
    pub text: &'a Format,
    /// Numbers and booleans.
    pub number: &'a Format,
    /// A date at midnight.
    pub date: &'a Format,
    /// A date with a time.
    pub datetime: &'a Format,
    /// The format the cell's column already has (`set_column_format`), when it is one of the
    /// above (the same object): a value in that format is then written without a format of its
    /// own and takes the column's when the workbook is saved — the same `s` in the file, without
    /// rust_xlsxwriter hashing the whole `Format` for every cell (at 100k rows of `daicho
    /// convert` that lookup was a sixth of the run).
    pub column: Option<&'a Format>,
}

impl<'a> CellFormats<'a> {
    /// One format whatever the value (a format that already carries the right number format).
    pub fn all(format: &'a Format) -> CellFormats<'a> {
        CellFormats {
            text: format,
            number: format,
            date: format,
            datetime: format,
            column: None,
        }
    }

    /// These formats in a column whose own format is `column`.
    pub fn in_column(self, column: &'a Format) -> CellFormats<'a> {
        CellFormats {
            column: Some(column),
            ..self
        }
    }

    /// `format`, or `None` when it is the column's own (see [`CellFormats::column`]).
    fn own(&self, format: &'a Format) -> Option<&'a Format> {
        match self.column {
            Some(c) if std::ptr::eq(c, format) => None,
            _ => Some(format),
        }
    }
}

/// Writes `value` at (`row`, `col`) with its type, in `formats` or, when `None`, in the
/// workbook's default format (a date then is written as its text: without a number format Excel
/// would show a serial number).
pub fn write_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    value: &CellValue,
    formats: Option<CellFormats<'_>>,
) -> Result<(), XlsxError> {
    match value {
        CellValue::Text(s) | CellValue::Error(s) => text(ws, row, col, clip(s), formats)?,
        CellValue::Number(n) if n.is_finite() => match formats.and_then(|f| f.own(f.number)) {
            Some(format) => ws.write_number_with_format(row, col, *n, format)?,
            None => ws.write_number(row, col, *n)?,
        },
        CellValue::Number(n) => text(ws, row, col, &crate::workbook::format_number(*n), formats)?,
        CellValue::DateTime(dt) => match formats {
            Some(f) if excel_can_show(dt) => {
                let format = if dt.time() == chrono::NaiveTime::MIN {
                    f.date
                } else {
                    f.datetime
                };
                match f.own(format) {
                    Some(format) => ws.write_datetime_with_format(row, col, dt, format)?,
                    None => ws.write_datetime(row, col, dt)?,
                }
            }
            _ => text(ws, row, col, &value.display(), formats)?,
        },
        CellValue::Bool(b) => match formats.and_then(|f| f.own(f.number)) {
            Some(format) => ws.write_boolean_with_format(row, col, *b, format)?,
            None => ws.write_boolean(row, col, *b)?,
        },
    };
    Ok(())
}

fn text<'w>(
    ws: &'w mut Worksheet,
    row: u32,
    col: u16,
    s: &str,
    formats: Option<CellFormats<'_>>,
) -> Result<&'w mut Worksheet, XlsxError> {
    // An empty text with a format is a formatted blank cell; without one it would be no cell.
    match formats.and_then(|f| {
        if s.is_empty() {
            Some(f.text)
        } else {
            f.own(f.text)
        }
    }) {
        Some(format) => ws.write_string_with_format(row, col, s, format),
        None => ws.write_string(row, col, s),
    }
}

/// Excel dates run from 1900-01-01 to 9999-12-31; anything else is kept as its text.
pub fn excel_can_show(dt: &chrono::NaiveDateTime) -> bool {
    (1900..=9999).contains(&dt.year())
}

/// The longest prefix of `s` Excel accepts in a cell, never splitting a character.
pub fn clip(s: &str) -> &str {
    if s.len() <= MAX_CELL_CHARS {
        return s;
    }
    let mut units = 0;
    for (i, c) in s.char_indices() {
        units += c.len_utf16();
        if units > MAX_CELL_CHARS {
            return &s[..i];
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use rust_xlsxwriter::Workbook;

    #[test]
    fn huge_text_is_clipped_at_a_character_boundary() {
        let s = "あ".repeat(40_000);
        assert_eq!(clip(&s).chars().count(), MAX_CELL_CHARS);
        let s = "😀".repeat(20_000);
        assert_eq!(clip(&s).encode_utf16().count(), MAX_CELL_CHARS - 1);
        assert_eq!(clip("short"), "short");
    }

    #[test]
    fn values_excel_cannot_hold_are_written_as_text() {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        let f = Format::new();
        let long = CellValue::Text("x".repeat(40_000));
        let old = NaiveDate::from_ymd_opt(1850, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(CellValue::DateTime);
        let mut values = vec![
            CellValue::Number(f64::NAN),
            CellValue::Number(f64::INFINITY),
            CellValue::Number(f64::NEG_INFINITY),
            long,
            CellValue::Error("#N/A".into()),
            CellValue::Text("=SUM(A1)".into()),
        ];
        values.extend(old);
        for (r, v) in values.iter().enumerate() {
            write_cell(ws, r as u32, 0, v, Some(CellFormats::all(&f))).expect("with format");
            write_cell(ws, r as u32, 1, v, None).expect("default format");
        }
        wb.save_to_buffer().expect("saved");
    }
}

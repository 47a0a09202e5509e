//! The converted ledger as `daicho check` would read it back from the standard workbook, built in
//! memory: the check of the result ([`super::check_result`]) no longer writes, compresses,
//! inflates and parses a second copy of the whole ledger.
//!
//! The sheet holds exactly what the xlsx reader gives for what `template::write_ledger_sheet`
//! writes: the title, the guide and the header row, then one row per device, each value as
//! `xlsx_out::write_cell` stores it (errors and non-finite numbers as text, dates Excel cannot
//! show as text, text clipped to Excel's limit, empty text as no cell). The formats the writer
//! uses show every value as [`CellValue::display`] does, so no cell has a `shown` text. A value
//! whose trip through the file is not that plain (control characters, `_xHHHH_` escapes,
//! sub-second times, the dates of Excel's 1900 leap-year bug) makes [`standard_sheet`] return
//! `None`, and the workbook is then written and read back as before. The unit tests compare the
//! two ways on such values.

use super::Conversion;
use crate::layout::Field;
use crate::template::{
    extra_col, field_col, Slot, FIRST_DATA_ROW, GUIDE, GUIDE_ROW, HEADER_ROW, LEDGER_SHEET_NAME,
    TITLE_ROW,
};
use crate::workbook::{CellValue, Grid, Row, Sheet};
use crate::xlsx_out::{clip, excel_can_show};
use chrono::{Datelike, Timelike};

/// Whether a text survives the XML of the file unchanged.
fn plain_text(s: &str) -> bool {
    !s.contains("_x")
        && !s
            .chars()
            .any(|c| (c < ' ' && c != '\n' && c != '\t') || matches!(c, '\u{FFFE}' | '\u{FFFF}'))
}

/// The value as the reader returns it after `write_cell`; `Err(())` when that is not plain.
fn as_read_back(v: &CellValue) -> Result<Option<CellValue>, ()> {
    let text = |s: &str| -> Result<Option<CellValue>, ()> {
        let s = clip(s);
        if !plain_text(s) {
            return Err(());
        }
        Ok((!s.is_empty()).then(|| CellValue::Text(s.to_string())))
    };
    match v {
        CellValue::Text(s) | CellValue::Error(s) => text(s),
        CellValue::Number(n) if n.is_finite() => Ok(Some(CellValue::Number(*n))),
        CellValue::Number(n) => text(&crate::workbook::format_number(*n)),
        CellValue::DateTime(dt) if excel_can_show(dt) => {
            let leap_bug = dt.year() == 1900 && dt.month() < 3;
            if dt.nanosecond() != 0 || leap_bug {
                return Err(());
            }
            Ok(Some(v.clone()))
        }
        CellValue::DateTime(_) => text(&v.display()),
        CellValue::Bool(b) => Ok(Some(CellValue::Bool(*b))),
    }
}

/// [`as_read_back`]`(v).is_ok()` without making the value read back (no copy of each text).
fn plain_trip(v: &CellValue) -> bool {
    match v {
        CellValue::Text(s) | CellValue::Error(s) => plain_text(clip(s)),
        CellValue::Number(n) if n.is_finite() => true,
        CellValue::Bool(_) => true,
        _ => as_read_back(v).is_ok(),
    }
}

/// Whether the reader gives back exactly this value (so that it can be moved into the sheet and
/// back instead of copied).
fn unchanged_by_the_trip(v: &CellValue) -> bool {
    match v {
        CellValue::Text(s) => !s.is_empty() && clip(s).len() == s.len(),
        CellValue::Number(n) => n.is_finite(),
        CellValue::DateTime(dt) => excel_can_show(dt),
        CellValue::Bool(_) => true,
        CellValue::Error(_) => false,
    }
}

/// The standard ledger sheet of `conv` as read back from the file, or `None` (and `conv`
/// untouched) when a value's round trip is not plain (see the module's docs). The values the
/// trip leaves unchanged are moved out of `conv` into the sheet: [`restore`] puts them back.
#[cfg(test)]
pub(super) fn take_standard_sheet(conv: &mut Conversion) -> Option<Sheet> {
    take_standard_sheet_exact(conv).map(|(sheet, _)| sheet)
}

/// [`take_standard_sheet`], and whether every value went into the sheet as it is (none was
/// changed by the trip): then the sheet's device rows hold exactly the conversion's values, and
/// the standard sheet written from them is the one written from the devices.
pub(super) fn take_standard_sheet_exact(conv: &mut Conversion) -> Option<(Sheet, bool)> {
    let extra = conv.extra_columns.len();
    // First make sure every value can go this way, so that nothing is moved in vain.
    let all_plain = conv.devices.iter().all(|d| {
        d.fields
            .iter()
            .chain(d.extra.iter().take(extra))
            .flatten()
            .all(plain_trip)
    });
    if !all_plain {
        return None;
    }
    let text_row = |index: u32, cells: Vec<(u32, &str)>| -> Option<Row> {
        let mut out = Vec::with_capacity(cells.len());
        for (col, s) in cells {
            if let Some(v) = as_read_back(&CellValue::Text(s.to_string())).ok()? {
                out.push((col, v));
            }
        }
        Some(Row::new(index, out))
    };
    let mut rows: Vec<Row> = Vec::with_capacity(conv.devices.len() + 3);
    rows.push(text_row(TITLE_ROW, vec![(0, LEDGER_SHEET_NAME)])?);
    rows.push(text_row(GUIDE_ROW, vec![(0, GUIDE)])?);
    let header: Vec<(u32, &str)> = Field::ALL
        .iter()
        .map(|f| (field_col(*f), f.label()))
        .chain(
            conv.extra_columns
                .iter()
                .enumerate()
                .map(|(n, h)| (extra_col(n), h.as_str())),
        )
        .collect();
    rows.push(text_row(HEADER_ROW, header)?);
    let mut exact = true;
    let mut take = |slot: &mut Option<CellValue>| -> Option<CellValue> {
        match slot {
            Some(v) if unchanged_by_the_trip(v) => slot.take(),
            Some(v) => {
                exact = false;
                as_read_back(v).ok().flatten()
            }
            None => None,
        }
    };
    for (i, device) in conv.devices.iter_mut().enumerate() {
        let mut cells = Vec::with_capacity(
            device.fields.iter().filter(|v| v.is_some()).count()
                + device.extra.iter().filter(|v| v.is_some()).count(),
        );
        for f in Field::ALL {
            if let Some(v) = take(&mut device.fields[f.index()]) {
                cells.push((field_col(f), v));
            }
        }
        for (n, slot) in device.extra.iter_mut().take(extra).enumerate() {
            if let Some(v) = take(slot) {
                cells.push((extra_col(n), v));
            }
        }
        rows.push(Row::new(FIRST_DATA_ROW + i as u32, cells));
    }
    let sheet = Sheet {
        name: LEDGER_SHEET_NAME.to_string(),
        hidden: false,
        grid: Grid::from_sorted_rows(rows),
        merges: Vec::new(),
    };
    Some((sheet, exact))
}

/// The device rows of a sheet from [`take_standard_sheet_exact`], for
/// [`crate::template::write_ledger_rows`]: each device's index and its values by slot.
pub(super) fn device_rows(
    sheet: &Sheet,
) -> impl Iterator<Item = (usize, impl Iterator<Item = (Slot, &CellValue)>)> {
    (sheet.grid.rows().iter()).filter_map(|row| {
        let i = row.index.checked_sub(FIRST_DATA_ROW)? as usize;
        Some((i, row.cells.iter().map(|(col, v)| (Slot::of_col(*col), v))))
    })
}

/// Puts the values [`take_standard_sheet`] moved into `sheet` back into `conv`.
pub(super) fn restore(conv: &mut Conversion, sheet: Sheet) {
    let extra = conv.extra_columns.len();
    let fields = Field::ALL.len() as u32;
    for row in sheet.grid.into_rows() {
        let Some(device) = row
            .index
            .checked_sub(FIRST_DATA_ROW)
            .and_then(|i| conv.devices.get_mut(i as usize))
        else {
            continue;
        };
        for (col, v) in row.cells {
            let slot = if col < fields {
                device.fields.get_mut(col as usize)
            } else {
                device
                    .extra
                    .get_mut((col - fields) as usize)
                    .filter(|_| ((col - fields) as usize) < extra)
            };
            if let Some(slot) = slot.filter(|s| s.is_none()) {
                *slot = Some(v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::StandardRow;
    use chrono::NaiveDate;

    fn conversion(values: &[CellValue]) -> Conversion {
        let mut devices = Vec::new();
        for (i, v) in values.iter().enumerate() {
            let mut row = StandardRow::new(2);
            // Each value in a text field, a general field, a date field and an extra column.
            let field = [Field::Id, Field::Os, Field::Registered, Field::Note][i % 4];
            row.set(field, Some(v.clone()));
            row.set(Field::Location, Some(v.clone()));
            row.extra[i % 2] = Some(v.clone());
            devices.push(row);
        }
        Conversion {
            input: "in.xlsx".into(),
            devices,
            sources: Vec::new(),
            extra_columns: vec!["保守契約".into(), "(見出しなし) M列".into()],
            changes: Vec::new(),
            kept: Vec::new(),
            left_out: Vec::new(),
            missing_columns: Vec::new(),
            remaining: Vec::new(),
        }
    }

    fn read_back(conv: &Conversion) -> Sheet {
        let bytes = super::super::standard_workbook(conv, None).expect("write");
        let mut book =
            crate::workbook::open_bytes(&bytes, "xlsx", &Default::default()).expect("read");
        book.sheets.remove(0)
    }

    fn dt(y: i32, m: u32, d: u32, h: u32, mi: u32, s: u32) -> CellValue {
        CellValue::DateTime(
            NaiveDate::from_ymd_opt(y, m, d)
                .and_then(|x| x.and_hms_opt(h, mi, s))
                .expect("date"),
        )
    }

    #[test]
    fn the_sheet_in_memory_is_the_sheet_read_back() {
        let t = |s: &str| CellValue::Text(s.to_string());
        let values = vec![
            t("PC-001"),
            t("001"),
            t(" 前後に空白 "),
            t("改行\nあり\tタブ"),
            t("=SUM(A1)"),
            t("＋８１"),
            t(""),
            t(&"長".repeat(40_000)),
            CellValue::Number(1.0),
            CellValue::Number(0.1 + 0.2),
            CellValue::Number(1e20),
            CellValue::Number(-0.0),
            CellValue::Number(123_456_789.123),
            CellValue::Number(f64::NAN),
            CellValue::Number(f64::INFINITY),
            dt(2024, 4, 1, 0, 0, 0),
            dt(2024, 4, 1, 9, 30, 15),
            dt(1899, 12, 31, 0, 0, 0),
            dt(1900, 3, 1, 0, 0, 0),
            dt(9999, 12, 31, 23, 59, 59),
            CellValue::Bool(true),
            CellValue::Error("#N/A".into()),
        ];
        let mut conv = conversion(&values);
        let before = format!("{:?}", conv.devices);
        let file = read_back(&conv);
        let mine = take_standard_sheet(&mut conv).expect("plain values");
        let again = mine.clone();
        restore(&mut conv, again);
        assert_eq!(format!("{:?}", conv.devices), before, "every value is back");
        assert_eq!(mine.name, file.name);
        assert!(file.merges.is_empty() && !file.hidden);
        let (mine, file) = (mine.grid.rows(), file.grid.rows());
        assert_eq!(mine.len(), file.len());
        for (a, b) in mine.iter().zip(file) {
            assert_eq!(format!("{a:?}"), format!("{b:?}"), "row {}", a.index);
        }
    }

    #[test]
    fn values_whose_trip_is_not_plain_go_through_the_file() {
        for v in [
            CellValue::Text("a\u{1}b".into()),
            CellValue::Text("_x000D_".into()),
            CellValue::Text("行\r\n".into()),
            dt(1900, 2, 28, 0, 0, 0),
            CellValue::DateTime(
                NaiveDate::from_ymd_opt(2024, 4, 1)
                    .and_then(|d| d.and_hms_milli_opt(9, 0, 0, 500))
                    .expect("date"),
            ),
        ] {
            let mut conv = conversion(std::slice::from_ref(&v));
            let before = format!("{:?}", conv.devices);
            assert!(take_standard_sheet(&mut conv).is_none(), "{v:?}");
            assert_eq!(format!("{:?}", conv.devices), before, "nothing moved");
        }
    }
}

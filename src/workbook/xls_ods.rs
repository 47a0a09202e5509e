//! .xls (BIFF) and .ods through calamine's whole-sheet readers.
//!
//! Neither format has a streaming reader in calamine: both parse every sheet into a dense
//! range when the workbook is opened, sized by what the file claims; both are checked
//! beforehand ([`super::xls_scan`], [`super::ods_scan`]). The ranges are then turned into
//! sparse grids with absolute coordinates: `Range::used_cells` is relative to `Range::start()`,
//! which skips leading empty rows and columns.

use super::grid_builder::{GridBuilder, WorkbookCells};
use super::guard::short_detail;
use super::ods_scan::scan_ods;
use super::values::from_data;
use super::xls_scan::{check_xls, dialog_sheets, is_password_protected};
use super::xlsx::merge_from;
use super::{CellValue, Format, Grid, Limits, ReadError, Sheet, SkippedKind, SkippedSheet};
use calamine::{Data, Ods, OdsError, Range, Reader, SheetType, SheetVisible, Xls, XlsError};
use std::io::Cursor;

/// Reads every worksheet of an .xls file, with its merged ranges.
pub(super) fn read_xls(
    bytes: &[u8],
    limits: &Limits,
) -> Result<(Vec<Sheet>, Vec<SkippedSheet>), ReadError> {
    if is_password_protected(bytes) {
        return Err(ReadError::Encrypted);
    }
    check_xls(bytes, limits)?;
    // Dialog sheets are listed as worksheets; macro sheets (Excel 4.0) have their own type.
    let dialogs = dialog_sheets(bytes);
    let mut book: Xls<Cursor<&[u8]>> = Xls::new(Cursor::new(bytes)).map_err(xls_error)?;
    let mut sheets = Vec::new();
    let mut skipped = Vec::new();
    let mut budget = WorkbookCells::new(limits);
    for meta in book.sheets_metadata().to_vec() {
        let kind = match meta.typ {
            SheetType::WorkSheet if dialogs.contains(&meta.name) => Some(SkippedKind::Dialog),
            SheetType::WorkSheet | SheetType::ChartSheet => None,
            SheetType::DialogSheet => Some(SkippedKind::Dialog),
            SheetType::MacroSheet => Some(SkippedKind::Macro),
            SheetType::Vba => Some(SkippedKind::VbaModule),
        };
        if let Some(kind) = kind {
            skipped.push(SkippedSheet {
                name: meta.name,
                kind,
            });
            continue;
        }
        if meta.typ != SheetType::WorkSheet {
            continue;
        }
        let range = match book.worksheet_range(&meta.name) {
            Ok(range) => range,
            // Listed in the workbook but without a cell stream (a chart or dialog sheet
            // saved as a worksheet entry): nothing to read.
            Err(XlsError::WorksheetNotFound(_)) => continue,
            Err(e) => return Err(xls_error(e)),
        };
        let grid = grid_from_range(&meta.name, &range, &budget.sheet_limits(limits))
            .map_err(|e| budget.explain(limits, e))?;
        drop(range);
        budget.add(&grid)?;
        let merges = book
            .merge_cells_by_sheet_name(&meta.name)
            .map_err(xls_error)?;
        sheets.push(Sheet {
            hidden: meta.visible != SheetVisible::Visible,
            name: meta.name,
            grid,
            merges: merges.iter().map(merge_from).collect(),
        });
    }
    Ok((sheets, skipped))
}

/// Reads every sheet of an .ods file. Merged ranges come from the pre-scan.
pub(super) fn read_ods(bytes: &[u8], limits: &Limits) -> Result<Vec<Sheet>, ReadError> {
    let mut scans = scan_ods(bytes, limits)?;
    let mut book: Ods<Cursor<&[u8]>> = Ods::new(Cursor::new(bytes)).map_err(ods_error)?;
    let mut sheets = Vec::new();
    let mut budget = WorkbookCells::new(limits);
    for meta in book.sheets_metadata().to_vec() {
        let range = book.worksheet_range(&meta.name).map_err(ods_error)?;
        let mut grid = grid_from_range(&meta.name, &range, &budget.sheet_limits(limits))
            .map_err(|e| budget.explain(limits, e))?;
        drop(range);
        budget.add(&grid)?;
        if has_error_text(&grid) {
            grid = mark_formula_errors(grid, &mut book, &meta.name)?;
        }
        let scan = scans.remove(&meta.name).unwrap_or_default();
        // The scan passed the dense-box check, so these runs cover at most the cells the
        // sheet was allowed to hold.
        for run in &scan.shown {
            for row in run.row..run.row.saturating_add(run.rows) {
                for col in run.col..run.col.saturating_add(run.cols) {
                    grid.set_shown(row, col, &run.text);
                }
            }
        }
        for run in &scan.struck {
            for row in run.row..run.row.saturating_add(run.rows) {
                for col in run.col..run.col.saturating_add(run.cols) {
                    grid.set_struck(row, col, true);
                }
            }
        }
        grid.mark_hidden(&scan.hidden_rows);
        sheets.push(Sheet {
            hidden: meta.visible != SheetVisible::Visible,
            merges: scan.merges,
            name: meta.name,
            grid,
        });
    }
    Ok(sheets)
}

/// A dense calamine range as a sparse grid with absolute coordinates.
fn grid_from_range(sheet: &str, range: &Range<Data>, limits: &Limits) -> Result<Grid, ReadError> {
    let Some((first_row, first_col)) = range.start() else {
        return Ok(Grid::default());
    };
    let mut grid = GridBuilder::new(sheet, limits);
    for (row, col, data) in range.used_cells() {
        if let Some(value) = from_data(data) {
            grid.push(first_row + row as u32, first_col + col as u32, value)?;
        }
    }
    Ok(grid.finish())
}

/// The texts Excel and LibreOffice show for formula errors.
const ERROR_TEXTS: &[&str] = &[
    "#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "Err:502", "Err:504",
    "Err:508", "Err:509", "Err:511", "Err:522", "Err:523",
];

fn is_error_text(value: &CellValue) -> bool {
    matches!(value, CellValue::Text(s) if ERROR_TEXTS.contains(&s.as_str()))
}

fn has_error_text(grid: &Grid) -> bool {
    grid.rows()
        .iter()
        .any(|row| row.cells.iter().any(|(_, v)| is_error_text(v)))
}

/// calamine (0.38) returns an ODS formula error as the plain string `#DIV/0!`. A cell holding
/// such a string *and* a formula is an error, as in xlsx; typed text stays text.
fn mark_formula_errors(
    grid: Grid,
    book: &mut Ods<Cursor<&[u8]>>,
    sheet: &str,
) -> Result<Grid, ReadError> {
    let formulas = book.worksheet_formula(sheet).map_err(ods_error)?;
    let cells = grid.rows().iter().flat_map(|row| {
        row.cells.iter().map(|(col, value)| {
            let has_formula = formulas
                .get_value((row.index, *col))
                .is_some_and(|f| !f.is_empty());
            let value = match value {
                CellValue::Text(s) if has_formula && is_error_text(value) => {
                    CellValue::Error(s.clone())
                }
                other => other.clone(),
            };
            (row.index, *col, value)
        })
    });
    Ok(Grid::from_cells(cells.collect::<Vec<_>>()))
}

fn xls_error(e: XlsError) -> ReadError {
    match e {
        XlsError::Password => ReadError::Encrypted,
        other => ReadError::Corrupt {
            format: Format::Xls,
            detail: short_detail(&other),
        },
    }
}

fn ods_error(e: OdsError) -> ReadError {
    match e {
        OdsError::Password => ReadError::Encrypted,
        other => ReadError::Corrupt {
            format: Format::Ods,
            detail: short_detail(&other),
        },
    }
}

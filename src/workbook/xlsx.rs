//! xlsx/xlsm and xlsb through calamine's streaming cell reader, sparse and bounded.
//!
//! `worksheet_range`/`worksheet_formula` are never used here: they allocate the sheet's whole
//! bounding box (rows × columns × 32 bytes), so one stray value in XFD1048576 of a tiny file
//! aborts the process (calamine#433). The cell reader hands over one cell at a time; only
//! non-empty cells are kept, and at most `limits.max_cells_per_sheet` of them.

use super::grid_builder::{GridBuilder, WorkbookCells};
use super::guard::short_detail;
use super::values::from_data_ref;
use super::xlsx_merges::merges_by_sheet;
use super::{Format, Grid, Limits, Merge, ReadError, Sheet};
use calamine::{
    Cell, DataRef, Dimensions, Reader, SheetType, SheetVisible, Xlsb, XlsbError, Xlsx, XlsxError,
};
use std::collections::HashMap;
use std::io::Cursor;

/// The last row and column Excel can address; a cell beyond them can only come from a damaged
/// or hand-made file, and would break A1 addresses downstream.
const MAX_ROW: u32 = 1_048_575;
const MAX_COL: u32 = 16_383;

/// Reads every worksheet of an xlsx/xlsm file. Chart sheets and dialog/macro sheets are skipped.
pub(super) fn read_xlsx(bytes: &[u8], limits: &Limits) -> Result<Vec<Sheet>, ReadError> {
    // The merged ranges come from a byte scan of the sheet parts (xlsx_merges) that needs
    // nothing from calamine: run it on the other core while calamine reads the cells (it is
    // ~9% of reading a 10k-row ledger). A failed spawn or a panic in the scan only means no
    // scanned merges, and each sheet then asks calamine.
    std::thread::scope(|scope| {
        let mut scan = std::thread::Builder::new()
            .spawn_scoped(scope, || merges_by_sheet(bytes))
            .ok();
        read_xlsx_sheets(bytes, limits, move || match scan.take() {
            Some(job) => job.join().unwrap_or_default(),
            None => merges_by_sheet(bytes),
        })
    })
}

fn read_xlsx_sheets(
    bytes: &[u8],
    limits: &Limits,
    scanned_merges: impl FnOnce() -> HashMap<String, Vec<Merge>>,
) -> Result<Vec<Sheet>, ReadError> {
    let mut book: Xlsx<Cursor<&[u8]>> = Xlsx::new(Cursor::new(bytes)).map_err(xlsx_error)?;
    if book.sheets_metadata().is_empty() {
        // Excel never saves a workbook without a sheet; calamine reads a missing or empty
        // xl/workbook.xml as "no sheets", which would otherwise pass as an empty workbook.
        return Err(ReadError::Corrupt {
            format: Format::Xlsx,
            detail: "the workbook part lists no sheets (xl/workbook.xml missing or damaged)".into(),
        });
    }
    let mut scanned_merges = Some(scanned_merges);
    let mut merges = HashMap::new();
    let mut sheets = Vec::new();
    let mut budget = WorkbookCells::new(limits);
    for meta in book.sheets_metadata().to_vec() {
        if meta.typ != SheetType::WorkSheet {
            continue;
        }
        let grid = {
            let mut cells = match book.worksheet_cells_reader(&meta.name) {
                Ok(reader) => reader,
                Err(XlsxError::NotAWorksheet(_)) => continue,
                Err(e) => return Err(xlsx_error(e)),
            };
            collect_cells(&meta.name, &budget.sheet_limits(limits), || {
                cells.next_cell().map_err(xlsx_error)
            })
            .map_err(|e| budget.explain(limits, e))?
        };
        budget.add(&grid)?;
        if let Some(wait) = scanned_merges.take() {
            merges = wait();
        }
        let merges = match merges.remove(&meta.name) {
            Some(found) => found,
            None => book
                .merge_cells_by_sheet_name(&meta.name)
                .map_err(xlsx_error)?
                .iter()
                .map(merge_from)
                .collect(),
        };
        sheets.push(Sheet {
            hidden: meta.visible != SheetVisible::Visible,
            name: meta.name,
            grid,
            merges,
        });
    }
    Ok(sheets)
}

/// Reads every worksheet of an xlsb file. calamine has no merged-cell API for xlsb, so
/// `merges` stays empty.
pub(super) fn read_xlsb(bytes: &[u8], limits: &Limits) -> Result<Vec<Sheet>, ReadError> {
    let mut book: Xlsb<Cursor<&[u8]>> = Xlsb::new(Cursor::new(bytes)).map_err(xlsb_error)?;
    let mut sheets = Vec::new();
    let mut budget = WorkbookCells::new(limits);
    for meta in book.sheets_metadata().to_vec() {
        if meta.typ != SheetType::WorkSheet {
            continue;
        }
        let grid = {
            let mut cells = book
                .worksheet_cells_reader(&meta.name)
                .map_err(xlsb_error)?;
            collect_cells(&meta.name, &budget.sheet_limits(limits), || {
                cells.next_cell().map_err(xlsb_error)
            })
            .map_err(|e| budget.explain(limits, e))?
        };
        budget.add(&grid)?;
        sheets.push(Sheet {
            hidden: meta.visible != SheetVisible::Visible,
            name: meta.name,
            grid,
            merges: Vec::new(),
        });
    }
    Ok(sheets)
}

/// Drains a streaming cell reader into a sparse grid, refusing more than the cell limit.
fn collect_cells<'a>(
    sheet: &str,
    limits: &Limits,
    mut next_cell: impl FnMut() -> Result<Option<Cell<DataRef<'a>>>, ReadError>,
) -> Result<Grid, ReadError> {
    let mut grid = GridBuilder::new(sheet, limits);
    while let Some(cell) = next_cell()? {
        let (row, col) = cell.get_position();
        if row > MAX_ROW || col > MAX_COL {
            continue;
        }
        if let Some(value) = from_data_ref(cell.get_value()) {
            grid.push(row, col, value)?;
        }
    }
    Ok(grid.finish())
}

/// calamine's `Dimensions` (0-based, inclusive) as a [`Merge`].
pub(super) fn merge_from(d: &Dimensions) -> Merge {
    Merge {
        first_row: d.start.0,
        first_col: d.start.1,
        last_row: d.end.0,
        last_col: d.end.1,
    }
}

// A zip part flagged as zip-encrypted stays `Corrupt`: Office never encrypts that way (its
// password protection is the OLE `EncryptedPackage`, caught by format detection), and a flipped
// flag bit in a damaged file looks exactly the same.

fn xlsx_error(e: XlsxError) -> ReadError {
    match e {
        XlsxError::Password => ReadError::Encrypted,
        other => ReadError::Corrupt {
            format: Format::Xlsx,
            detail: short_detail(&other),
        },
    }
}

fn xlsb_error(e: XlsbError) -> ReadError {
    match e {
        XlsbError::Password => ReadError::Encrypted,
        other => ReadError::Corrupt {
            format: Format::Xlsb,
            detail: short_detail(&other),
        },
    }
}

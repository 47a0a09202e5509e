//! xlsx/xlsm and xlsb through calamine's streaming cell reader, sparse and bounded.
//!
//! `worksheet_range`/`worksheet_formula` are never used here: they allocate the sheet's whole
//! bounding box (rows × columns × 32 bytes), so one stray value in XFD1048576 of a tiny file
//! aborts the process (calamine#433). The cell reader hands over one cell at a time; only
//! non-empty cells are kept, and at most `limits.max_cells_per_sheet` of them.

use super::grid_builder::{GridBuilder, WorkbookCells};
use super::guard::short_detail;
use super::macro_sheets::macro_sheets_as_dialog_sheets;
use super::numfmt::{builtin_japanese, NumberFormat};
use super::values::from_data_ref;
use super::xlsx_merges::{scan_sheets, SheetScan};
use super::{
    CellIn, CellValue, Format, Grid, Limits, Merge, ReadError, Sheet, SkippedKind, SkippedSheet,
};
use calamine::{
    Cell, DataRef, Dimensions, Reader, SheetType, SheetVisible, Style, Xlsb, XlsbError, Xlsx,
    XlsxError,
};
use std::collections::HashMap;
use std::io::Cursor;

/// The last row and column Excel can address; a cell beyond them can only come from a damaged
/// or hand-made file, and would break A1 addresses downstream.
const MAX_ROW: u32 = 1_048_575;
const MAX_COL: u32 = 16_383;

/// Reads every worksheet of an xlsx/xlsm file, and lists its macro and dialog sheets as skipped
/// (chart sheets, which hold no cells, are left out).
pub(super) fn read_xlsx(
    bytes: &[u8],
    limits: &Limits,
) -> Result<(Vec<Sheet>, Vec<SkippedSheet>), ReadError> {
    match read_xlsx_parts(bytes, limits, &[]) {
        // calamine refuses a workbook listing an Excel 4.0 macro sheet: read it without them.
        Err(ReadError::Corrupt { detail, format }) if detail.contains("sheet:type") => {
            match macro_sheets_as_dialog_sheets(bytes) {
                Some((patched, macros)) => read_xlsx_parts(&patched, limits, &macros),
                None => Err(ReadError::Corrupt { detail, format }),
            }
        }
        other => other,
    }
}

/// A sheet that is not a worksheet, as daicho lists it: `macros` names the sheets that were
/// macro sheets before [`macro_sheets_as_dialog_sheets`] typed them as dialog sheets.
fn skipped(name: &str, typ: SheetType, macros: &[String]) -> Option<SkippedSheet> {
    let kind = match typ {
        SheetType::WorkSheet | SheetType::ChartSheet => return None,
        SheetType::DialogSheet if macros.iter().any(|m| m == name) => SkippedKind::Macro,
        SheetType::DialogSheet => SkippedKind::Dialog,
        SheetType::MacroSheet => SkippedKind::Macro,
        SheetType::Vba => SkippedKind::VbaModule,
    };
    Some(SkippedSheet {
        name: name.to_string(),
        kind,
    })
}

fn read_xlsx_parts(
    bytes: &[u8],
    limits: &Limits,
    macros: &[String],
) -> Result<(Vec<Sheet>, Vec<SkippedSheet>), ReadError> {
    // The merged ranges and hidden rows come from a byte scan of the sheet parts
    // (xlsx_merges) that needs nothing from calamine: run it on the other core while calamine
    // reads the cells (it is ~9% of reading a 10k-row ledger). A failed spawn or a panic in
    // the scan only means no scanned merges (each sheet then asks calamine) and no hidden rows.
    std::thread::scope(|scope| {
        let mut scan = std::thread::Builder::new()
            .spawn_scoped(scope, || scan_sheets(bytes))
            .ok();
        read_xlsx_sheets(bytes, limits, macros, move || match scan.take() {
            Some(job) => job.join().unwrap_or_default(),
            None => scan_sheets(bytes),
        })
    })
}

fn read_xlsx_sheets(
    bytes: &[u8],
    limits: &Limits,
    macros: &[String],
    scanned: impl FnOnce() -> HashMap<String, SheetScan>,
) -> Result<(Vec<Sheet>, Vec<SkippedSheet>), ReadError> {
    let mut book: Xlsx<Cursor<&[u8]>> = Xlsx::new(Cursor::new(bytes)).map_err(xlsx_error)?;
    if book.sheets_metadata().is_empty() {
        // Excel never saves a workbook without a sheet; calamine reads a missing or empty
        // xl/workbook.xml as "no sheets", which would otherwise pass as an empty workbook.
        return Err(ReadError::Corrupt {
            format: Format::Xlsx,
            detail: "the workbook part lists no sheets (xl/workbook.xml missing or damaged)".into(),
        });
    }
    let mut scanned = Some(scanned);
    let mut scans = HashMap::new();
    let mut sheets = Vec::new();
    let mut budget = WorkbookCells::new(limits);
    let date1904 = book.has_1904_epoch();
    // The style palette is the workbook's: its looks are worked out once.
    let mut looks: Option<Vec<Look>> = None;
    let mut skipped_sheets = Vec::new();
    for meta in book.sheets_metadata().to_vec() {
        if meta.typ != SheetType::WorkSheet {
            skipped_sheets.extend(skipped(&meta.name, meta.typ, macros));
            continue;
        }
        let grid = {
            let mut cells = match book.worksheet_cells_reader(&meta.name) {
                Ok(reader) => reader,
                Err(XlsxError::NotAWorksheet(_)) => continue,
                Err(e) => return Err(xlsx_error(e)),
            };
            let looks = looks.get_or_insert_with(|| cells.styles().iter().map(Look::of).collect());
            collect_styled_cells(
                &meta.name,
                &budget.sheet_limits(limits),
                looks,
                date1904,
                || cells.next_cell_with_style_id().map_err(xlsx_error),
            )
            .map_err(|e| budget.explain(limits, e))?
        };
        budget.add(&grid)?;
        let mut grid = grid;
        if let Some(wait) = scanned.take() {
            scans = wait();
        }
        let merges = match scans.remove(&meta.name) {
            Some(found) => {
                grid.mark_hidden(&found.hidden_rows);
                for (row, col, struck) in found.struck_cells {
                    grid.set_struck(row, col, struck);
                }
                found.merges
            }
            // Without the scan, merges from calamine and no hidden rows.
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
    Ok((sheets, skipped_sheets))
}

/// Reads every worksheet of an xlsb file. calamine has no merged-cell API for xlsb, so
/// `merges` stays empty.
pub(super) fn read_xlsb(
    bytes: &[u8],
    limits: &Limits,
) -> Result<(Vec<Sheet>, Vec<SkippedSheet>), ReadError> {
    let mut book: Xlsb<Cursor<&[u8]>> = Xlsb::new(Cursor::new(bytes)).map_err(xlsb_error)?;
    let mut sheets = Vec::new();
    let mut skipped_sheets = Vec::new();
    let mut budget = WorkbookCells::new(limits);
    for meta in book.sheets_metadata().to_vec() {
        if meta.typ != SheetType::WorkSheet {
            skipped_sheets.extend(skipped(&meta.name, meta.typ, &[]));
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
    Ok((sheets, skipped_sheets))
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

/// What a cell style changes in what the user sees: the number format, a struck-through font.
#[derive(Debug, Default)]
struct Look {
    format: Option<NumberFormat>,
    struck: bool,
}

impl Look {
    fn of(style: &Style) -> Look {
        let format = style.number_format.as_ref().and_then(|f| {
            let code = match f.format_id {
                Some(id) => builtin_japanese(id, &f.format_code).unwrap_or(&f.format_code),
                None => &f.format_code,
            };
            NumberFormat::parse(code)
        });
        Look {
            format,
            struck: style.font.as_ref().is_some_and(|f| f.strikethrough),
        }
    }
}

/// [`collect_cells`] for xlsx, where each cell's style gives its displayed text and
/// strike-through. A number under a date format calamine does not recognise (`[$-411]ggge"年"`
/// has no `m`/`d`) is a date all the same.
fn collect_styled_cells<'a>(
    sheet: &str,
    limits: &Limits,
    looks: &[Look],
    date1904: bool,
    mut next_cell: impl FnMut() -> Result<Option<(Cell<DataRef<'a>>, usize)>, ReadError>,
) -> Result<Grid, ReadError> {
    let mut grid = GridBuilder::new(sheet, limits);
    while let Some((cell, style)) = next_cell()? {
        let (row, col) = cell.get_position();
        if row > MAX_ROW || col > MAX_COL {
            continue;
        }
        let Some(mut value) = from_data_ref(cell.get_value()) else {
            continue;
        };
        let look = looks.get(style);
        let mut shown = None;
        if let Some(format) = look.and_then(|l| l.format.as_ref()) {
            if let (CellValue::Number(n), true) = (&value, format.is_date()) {
                let serial = if date1904 { *n + 1462.0 } else { *n };
                if let Some(date) = super::values::serial_datetime(serial) {
                    value = CellValue::DateTime(date);
                }
            }
            shown = match &value {
                CellValue::Number(n) => format.format_number(*n),
                CellValue::DateTime(dt) => format.format_datetime(*dt),
                CellValue::Text(t) => format.format_text(t),
                CellValue::Bool(_) | CellValue::Error(_) => None,
            }
            .filter(|s| *s != value.display());
        }
        grid.push_cell(CellIn {
            row,
            col,
            value,
            shown,
            struck: look.is_some_and(|l| l.struck),
        })?;
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

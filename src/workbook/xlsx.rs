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

/// A workbook's worksheets and the sheets it holds that are not read as cells.
pub(super) type SheetsRead = Result<(Vec<Sheet>, Vec<SkippedSheet>), ReadError>;

/// [`SheetsRead`] with the outlines of the worksheet parts, where the reader made them.
pub(super) type OutlinedRead =
    Result<(Vec<Sheet>, Vec<SkippedSheet>, Vec<super::PartOutline>), ReadError>;

/// The last row and column Excel can address; a cell beyond them can only come from a damaged
/// or hand-made file, and would break A1 addresses downstream.
const MAX_ROW: u32 = 1_048_575;
const MAX_COL: u32 = 16_383;

/// Reads every worksheet of an xlsx/xlsm file, and lists its macro and dialog sheets as skipped
/// (chart sheets, which hold no cells, are left out).
pub(super) fn read_xlsx(bytes: &[u8], limits: &Limits) -> OutlinedRead {
    if let Some(read) = super::xlsx_cells::read(bytes, limits) {
        return read;
    }
    read_xlsx_with_calamine(bytes, limits).map(|(sheets, skipped)| (sheets, skipped, Vec::new()))
}

/// [`read_xlsx`] through calamine, for the workbooks [`super::xlsx_cells`] leaves to it.
pub(super) fn read_xlsx_with_calamine(bytes: &[u8], limits: &Limits) -> SheetsRead {
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

fn read_xlsx_parts(bytes: &[u8], limits: &Limits, macros: &[String]) -> SheetsRead {
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
) -> SheetsRead {
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
            let sheet_limits = budget.sheet_limits(limits);
            in_batches(
                || cells.next_cell_with_style_id().map_err(xlsx_error),
                |next_batch| {
                    collect_styled_cells(&meta.name, &sheet_limits, looks, date1904, next_batch)
                },
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
pub(super) fn read_xlsb(bytes: &[u8], limits: &Limits) -> SheetsRead {
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
pub(super) struct Look {
    format: Option<NumberFormat>,
    struck: bool,
}

impl Look {
    fn of(style: &Style) -> Look {
        let format = style
            .number_format
            .as_ref()
            .map(|f| (f.format_id, f.format_code.as_str()));
        let struck = style.font.as_ref().is_some_and(|f| f.strikethrough);
        match format {
            Some((Some(id), code)) => Look::from_parts(Some((id, code)), struck),
            Some((None, code)) => Look {
                format: NumberFormat::parse(code),
                struck,
            },
            None => Look::from_parts(None, struck),
        }
    }

    /// The look of a cell format with number format `format` (its id and code) and a font
    /// `struck` through or not.
    pub(super) fn from_parts(format: Option<(u32, &str)>, struck: bool) -> Look {
        Look {
            format: format.and_then(|(id, code)| {
                NumberFormat::parse(builtin_japanese(id, code).unwrap_or(code))
            }),
            struck,
        }
    }
}

/// Cells read in batches of this many.
const BATCH: usize = 4096;

/// Gives the next batch of cells, `None` after the last.
type NextBatch<'n, T> = dyn FnMut() -> Result<Option<Vec<T>>, ReadError> + 'n;

/// A streamed xlsx cell with its style index.
type StyledCell<'a> = (Cell<DataRef<'a>>, usize);

/// Runs `consume` on the cells `next_cell` gives, handed over in batches; `next_cell` runs on
/// another thread while `consume` works on the batches before (calamine's XML parse and
/// daicho's reading of each cell, the two halves of reading a sheet, then take about as long).
/// Where no thread can be started (a browser), one after the other. `consume` may stop early:
/// the reading thread then stops too.
fn in_batches<T: Send, R>(
    mut next_cell: impl FnMut() -> Result<Option<T>, ReadError> + Send,
    consume: impl FnOnce(&mut NextBatch<'_, T>) -> R,
) -> R {
    let read_batch = |next_cell: &mut dyn FnMut() -> Result<Option<T>, ReadError>| {
        let mut batch = Vec::with_capacity(BATCH);
        while batch.len() < BATCH {
            match next_cell()? {
                Some(cell) => batch.push(cell),
                None => break,
            }
        }
        Ok((!batch.is_empty()).then_some(batch))
    };
    // Asked once more after its last cell (the batch was not full), calamine's reader would
    // read past the end of the sheet's cells: it is not asked again.
    let mut ended = false;
    let fused = move || {
        if ended {
            return Ok(None);
        }
        let cell = next_cell();
        ended = !matches!(cell, Ok(Some(_)));
        cell
    };
    // The reader goes to the thread through a slot it takes it from: if the thread cannot be
    // started, the reader is still here.
    let slot = std::sync::Mutex::new(Some(fused));
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel(4);
        let (slot, read_batch) = (&slot, &read_batch);
        let reading = std::thread::Builder::new().spawn_scoped(scope, move || {
            let taken = slot.lock().ok().and_then(|mut s| s.take());
            let Some(mut next_cell) = taken else {
                return;
            };
            loop {
                let batch = read_batch(&mut next_cell);
                let last = !matches!(batch, Ok(Some(_)));
                if tx.send(batch).is_err() || last {
                    return;
                }
            }
        });
        if reading.is_ok() {
            // A reading thread that ended without a word (a panic) is a damaged file's doing.
            let mut next = || {
                rx.recv().unwrap_or_else(|_| {
                    Err(ReadError::ReaderCrashed {
                        detail: "the sheet reader stopped".into(),
                    })
                })
            };
            return consume(&mut next);
        }
        let taken = slot.lock().ok().and_then(|mut s| s.take());
        let Some(mut next_cell) = taken else {
            return consume(&mut || Ok(None));
        };
        consume(&mut || read_batch(&mut next_cell))
    })
}

/// [`collect_cells`] for xlsx, where each cell's style gives its displayed text and
/// strike-through. A number under a date format calamine does not recognise (`[$-411]ggge"年"`
/// has no `m`/`d`) is a date all the same.
fn collect_styled_cells<'a>(
    sheet: &str,
    limits: &Limits,
    looks: &[Look],
    date1904: bool,
    next_batch: &mut NextBatch<'_, StyledCell<'a>>,
) -> Result<Grid, ReadError> {
    let mut grid = GridBuilder::new(sheet, limits);
    while let Some(batch) = next_batch()? {
        for (cell, style) in batch {
            push_styled_cell(&mut grid, looks, date1904, cell, style)?;
        }
    }
    Ok(grid.finish())
}

/// One cell of [`collect_styled_cells`] (and of [`super::xlsx_cells`]).
pub(super) fn push_styled_cell(
    grid: &mut GridBuilder,
    looks: &[Look],
    date1904: bool,
    cell: Cell<DataRef<'_>>,
    style: usize,
) -> Result<(), ReadError> {
    let (row, col) = cell.get_position();
    if row > MAX_ROW || col > MAX_COL {
        return Ok(());
    }
    let Some(mut value) = from_data_ref(cell.get_value()) else {
        return Ok(());
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
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader of `n` cells that fails if asked again after saying it has no more.
    fn counter(n: usize) -> impl FnMut() -> Result<Option<usize>, ReadError> + Send {
        let (mut given, mut ended) = (0, false);
        move || {
            assert!(!ended, "asked again after the last cell");
            if given == n {
                ended = true;
                return Ok(None);
            }
            given += 1;
            Ok(Some(given))
        }
    }

    fn drain(next: &mut NextBatch<'_, usize>) -> Vec<usize> {
        let mut all = Vec::new();
        while let Some(batch) = next().expect("no error") {
            all.extend(batch);
        }
        all
    }

    #[test]
    fn every_cell_comes_through_in_order_and_the_reader_is_not_asked_past_its_end() {
        for n in [0, 1, BATCH - 1, BATCH, BATCH + 1, 3 * BATCH + 7] {
            assert_eq!(in_batches(counter(n), drain), (1..=n).collect::<Vec<_>>());
        }
    }

    #[test]
    fn a_consumer_that_stops_early_stops_the_reading_thread() {
        // Far more batches than the channel holds: the reading thread must end when the
        // consumer is gone, or the scope would never end.
        let first = in_batches(counter(100 * BATCH), |next| {
            next().expect("ok").expect("a batch")
        });
        assert_eq!(first.len(), BATCH);
    }

    #[test]
    fn a_read_error_ends_the_cells() {
        let mut k = 0;
        let failing = move || {
            k += 1;
            if k > BATCH + 3 {
                Err(ReadError::Corrupt {
                    format: Format::Xlsx,
                    detail: "broken".into(),
                })
            } else {
                Ok(Some(k))
            }
        };
        let got = in_batches(failing, |next| {
            let mut n = 0;
            loop {
                match next() {
                    Ok(Some(b)) => n += b.len(),
                    Ok(None) => return Err(n),
                    Err(_) => return Ok(n),
                }
            }
        });
        assert_eq!(got, Ok(BATCH));
    }
}

//! daicho's own reader of xlsx/xlsm worksheets, for the workbooks it knows how to read: the
//! parts as Excel, LibreOffice and the common writers lay them out.
//!
//! calamine tokenises every element of a sheet with a general XML reader; on a 10,000-row
//! ledger that was half of the whole check. Here one thread inflates each sheet part in slices
//! cut after a `</row>` while this one scans the slices byte by byte for the few elements a
//! cell is made of (`row`, `c`, `v`, `f`, `is`), reading the shared strings meanwhile; the
//! merged ranges, hidden rows and struck-through shared strings come from the same pass (no
//! second inflate of the sheet, as [`super::xlsx_merges`] needs).
//!
//! The values are calamine's: each cell becomes the `DataRef` calamine gives for it (the same
//! types, the same date and duration formats, the same shared-string text: runs joined,
//! phonetic guides left out, untrimmed only under `xml:space="preserve"`, `_xHHHH_` decoded),
//! and goes through the same conversion ([`super::xlsx::push_styled_cell`]), so a workbook
//! reads the same either way (tested on every fixture). Anything this reader does not expect —
//! a namespace prefix, CDATA, an unknown entity or cell type, a macro or dialog sheet, a part
//! that is not UTF-8 — gives `None`, and calamine reads the workbook instead.

mod cells;
mod parts;
mod strings;
mod styles;
#[cfg(test)]
mod tests;

use super::grid_builder::GridBuilder;
use super::grid_builder::WorkbookCells;
use super::xlsx_merges::{part_paths, read_small_part};
use super::{Limits, PartOutline, Sheet};
use cells::{place, RawCell, Scan, SheetEnd};
use memchr::memmem;
pub(super) use parts::Attributes;
use parts::{Book, SheetMeta};
use std::collections::HashMap;
use std::io::{Cursor, Read};
use strings::SharedStrings;
use styles::Styles;
use zip::ZipArchive;

type Archive<'a> = ZipArchive<Cursor<&'a [u8]>>;

/// A sheet's XML is handed over in slices of about this many bytes, each ending after a
/// `</row>` (so no element is cut in two).
const SLICE: usize = 1 << 20;

/// Reads every worksheet, or `None` when this reader does not know the workbook's layout (then
/// calamine reads it). An error is one calamine's path would give too: over a cell limit.
pub(super) fn read(bytes: &[u8], limits: &Limits) -> Option<super::xlsx::OutlinedRead> {
    let mut archive = ZipArchive::new(Cursor::new(bytes)).ok()?;
    let paths = part_paths(&archive);
    let book = Book::read(&mut archive, &paths)?;
    let looks = match read_small_part(&mut archive, &paths, &format!("{}styles.xml", book.dir)) {
        Some(xml) => Styles::parse(utf8(&xml)?)?,
        None => Styles::default(),
    };
    // Chart sheets hold no cells: they are not read (nor listed).
    let worksheets: Vec<&SheetMeta> = book.sheets.iter().filter(|s| s.worksheet).collect();
    let sheet_parts: Vec<String> = worksheets.iter().map(|s| s.part.clone()).collect();
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Scanned>(2);
        // Inflating and scanning on the other core; where no thread can start (a browser),
        // each sheet is scanned here when it is read.
        let scanning = std::thread::Builder::new()
            .spawn_scoped(scope, move || {
                let Ok(mut archive) = ZipArchive::new(Cursor::new(bytes)) else {
                    let _ = tx.send(Scanned::End(None));
                    return;
                };
                let paths = part_paths(&archive);
                for part in &sheet_parts {
                    let mut send = |m| tx.send(m).is_ok();
                    if !scan_sheet(&mut archive, &paths, part, &mut send) {
                        return;
                    }
                }
            })
            .is_ok();
        let strings = match read_small_part(
            &mut archive,
            &paths,
            &format!("{}sharedStrings.xml", book.dir),
        ) {
            Some(xml) => SharedStrings::parse(&xml)?,
            None => SharedStrings::default(),
        };
        let mut budget = WorkbookCells::new(limits);
        let mut sheets = Vec::new();
        let mut outlines = Vec::new();
        for meta in worksheets {
            let mut here: std::collections::VecDeque<Scanned> = Default::default();
            if !scanning {
                scan_sheet(&mut archive, &paths, &meta.part, &mut |m| {
                    here.push_back(m);
                    true
                });
            }
            let mut next = || {
                if scanning {
                    rx.recv().ok()
                } else {
                    here.pop_front()
                }
            };
            let mut grid = GridBuilder::new(&meta.name, &budget.sheet_limits(limits));
            let mut struck_cells = Vec::new();
            let end = loop {
                match next()? {
                    Scanned::Cells(cells) => {
                        let placed = place(
                            cells,
                            &mut grid,
                            &looks,
                            &strings,
                            book.date1904,
                            &mut struck_cells,
                        )?;
                        if let Err(e) = placed {
                            return Some(Err(budget.explain(limits, e)));
                        }
                    }
                    Scanned::End(end) => break end?,
                }
            };
            let mut grid = grid.finish();
            if let Some(outline) = end.outline {
                outlines.push(PartOutline {
                    part: meta.part.clone(),
                    ..outline
                });
            }
            if let Err(e) = budget.add(&grid) {
                return Some(Err(e));
            }
            grid.mark_hidden(&end.hidden_rows);
            for (row, col, struck) in struck_cells {
                grid.set_struck(row, col, struck);
            }
            sheets.push(Sheet {
                hidden: meta.hidden,
                name: meta.name.clone(),
                grid,
                merges: end.merges,
            });
        }
        Some(Ok((sheets, Vec::new(), outlines)))
    })
}

/// What the scanning thread hands over: a slice's cells, then the end of each sheet (`None`:
/// it could not be scanned).
enum Scanned {
    Cells(Vec<RawCell>),
    End(Option<SheetEnd>),
}

/// Inflates and scans one sheet part into `send`: its cells slice by slice, then its end.
/// False when `send` wants no more.
fn scan_sheet(
    archive: &mut Archive<'_>,
    paths: &HashMap<String, String>,
    part: &str,
    send: &mut dyn FnMut(Scanned) -> bool,
) -> bool {
    let mut scan = Scan::default();
    let mut failed = false;
    let sent = inflate_sheet(archive, paths, part, &mut |slice| {
        let mut cells = Vec::new();
        match slice {
            Ok(bytes) if scan.slice(&bytes, &mut cells).is_some() => send(Scanned::Cells(cells)),
            _ => {
                failed = true;
                false
            }
        }
    });
    if !sent && !failed {
        return false;
    }
    send(Scanned::End(if failed { None } else { scan.finish() }))
}

/// One slice of a sheet's XML, `Err` when the part cannot be inflated.
type Slice = Result<Vec<u8>, ()>;

/// Inflates a sheet part into `send` in slices of about [`SLICE`] bytes, each ending after a
/// `</row>`; false when `send` wants no more.
fn inflate_sheet(
    archive: &mut Archive<'_>,
    paths: &HashMap<String, String>,
    part: &str,
    send: &mut dyn FnMut(Slice) -> bool,
) -> bool {
    let entry = paths
        .get(&part.to_ascii_lowercase())
        .and_then(|name| archive.by_name(name).ok());
    let Some(mut entry) = entry else {
        return send(Err(()));
    };
    let mut buf: Vec<u8> = Vec::with_capacity(SLICE + (256 << 10));
    let mut chunk = vec![0u8; 256 << 10];
    loop {
        let n = match entry.read(&mut chunk) {
            Ok(n) => n,
            Err(_) => return send(Err(())),
        };
        if n == 0 {
            return buf.is_empty() || send(Ok(buf));
        }
        let searched = buf.len().saturating_sub(5);
        buf.extend_from_slice(&chunk[..n]);
        if buf.len() >= SLICE {
            if let Some(i) = memmem::rfind(&buf[searched..], b"</row>") {
                let rest = buf.split_off(searched + i + 6);
                if !send(Ok(std::mem::replace(&mut buf, rest))) {
                    return false;
                }
            }
        }
    }
}

/// A part's text: UTF-8, a BOM dropped; `None` for UTF-16 and other encodings.
fn utf8(bytes: &[u8]) -> Option<&str> {
    std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).ok()
}

//! A streaming look at an ODS `content.xml` before calamine expands it.
//!
//! ODS compresses runs with `table:number-columns-repeated` / `number-rows-repeated`, so a few
//! hundred bytes can describe 100 million cells. calamine's ODS reader expands every sheet into
//! a dense range when the workbook is opened (its own cap is 100M cells: 3.2 GB of values plus
//! the formula grid). This scan computes the dense box each sheet will get and refuses the
//! file beforehand; on the way it also collects merged ranges (`number-columns-spanned` /
//! `number-rows-spanned`), which calamine does not expose for ODS.

use super::guard::short_detail;
use super::{Format, Limits, Merge, ReadError};
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};
use std::collections::HashMap;
use std::io::{BufReader, Cursor};
use zip::ZipArchive;

/// calamine caps ODS sheets at Excel's size; the scan counts the same way.
const MAX_ROWS: u64 = 1_048_576;
const MAX_COLUMNS: u64 = 16_384;
/// Bytes calamine holds per cell of the dense box: a `Data` value and a formula `String`.
const DENSE_BYTES_PER_CELL: u64 = 32 + 24;
/// Merged ranges kept per sheet; more can only come from a generated file.
const MAX_MERGES_PER_SHEET: usize = 100_000;

/// What the scan learned about one `table:table`.
#[derive(Debug, Default)]
struct TableScan {
    merges: Vec<Merge>,
    /// Rows × columns of the smallest box holding every non-empty cell.
    dense_cells: u64,
}

/// Merged ranges per sheet name, after checking that calamine's dense expansion stays within
/// `limits` (per sheet: `max_cells_per_sheet`; whole workbook: `max_uncompressed_bytes`).
pub(super) fn scan_ods(
    bytes: &[u8],
    limits: &Limits,
) -> Result<HashMap<String, Vec<Merge>>, ReadError> {
    let tables = scan_tables(bytes)?;
    let mut total_bytes: u64 = 0;
    let mut merges = HashMap::new();
    for (name, table) in tables {
        if table.dense_cells > limits.max_cells_per_sheet as u64 {
            return Err(ReadError::TooManyCells {
                sheet: name,
                limit: limits.max_cells_per_sheet,
            });
        }
        total_bytes =
            total_bytes.saturating_add(table.dense_cells.saturating_mul(DENSE_BYTES_PER_CELL));
        if total_bytes > limits.max_uncompressed_bytes {
            return Err(ReadError::DecompressedTooLarge {
                limit: limits.max_uncompressed_bytes,
            });
        }
        merges.insert(name, table.merges);
    }
    Ok(merges)
}

fn corrupt(e: &dyn std::fmt::Display) -> ReadError {
    ReadError::Corrupt {
        format: Format::Ods,
        detail: short_detail(e),
    }
}

fn scan_tables(bytes: &[u8]) -> Result<Vec<(String, TableScan)>, ReadError> {
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(|e| corrupt(&e))?;
    let content = archive.by_name("content.xml").map_err(|e| corrupt(&e))?;
    let mut xml = Reader::from_reader(BufReader::with_capacity(1 << 16, content));
    xml.config_mut().check_end_names = false;
    let mut buf = Vec::new();
    let mut row_buf = Vec::new();
    let mut skip_buf = Vec::new();
    let mut tables = Vec::new();
    let mut current: Option<(String, TableState)> = None;
    loop {
        buf.clear();
        let event = xml.read_event_into(&mut buf).map_err(|e| corrupt(&e))?;
        match event {
            Event::Start(e) if e.name().as_ref() == "table:table" => {
                let name = attr(&e, "table:name").unwrap_or_default();
                current = Some((name, TableState::default()));
            }
            Event::End(e) if e.name().as_ref() == "table:table" => {
                if let Some((name, state)) = current.take() {
                    tables.push((name, state.finish()));
                }
            }
            Event::Empty(e) if e.name().as_ref() == "table:table-row" => {
                if let Some((_, state)) = current.as_mut() {
                    state.row += repeat(&e, "table:number-rows-repeated");
                    state.row = state.row.min(MAX_ROWS);
                }
            }
            Event::Start(e) if e.name().as_ref() == "table:table-row" => {
                let repeats = repeat(&e, "table:number-rows-repeated");
                let mut row = RowState::default();
                read_row(&mut xml, &mut row, &mut row_buf, &mut skip_buf)?;
                if let Some((_, state)) = current.as_mut() {
                    state.add_row(&row, repeats);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(tables)
}

#[derive(Debug, Default)]
struct TableState {
    /// Absolute index of the next row.
    row: u64,
    first_row: Option<u64>,
    last_row: u64,
    first_col: u64,
    last_col: u64,
    merges: Vec<Merge>,
}

#[derive(Debug, Default)]
struct RowState {
    /// Absolute index of the next column.
    col: u64,
    /// First and last non-empty column.
    used: Option<(u64, u64)>,
    /// (first column, columns spanned, rows spanned).
    spans: Vec<(u64, u64, u64)>,
}

impl TableState {
    fn add_row(&mut self, row: &RowState, repeats: u64) {
        let repeats = repeats.min(MAX_ROWS.saturating_sub(self.row));
        if repeats == 0 {
            return;
        }
        if let Some((first_col, last_col)) = row.used {
            if self.first_row.is_none() {
                self.first_row = Some(self.row);
                self.first_col = first_col;
            }
            self.first_col = self.first_col.min(first_col);
            self.last_col = self.last_col.max(last_col);
            self.last_row = self.row + repeats - 1;
        }
        for r in self.row..self.row + repeats {
            for &(col, cols, rows) in &row.spans {
                if self.merges.len() >= MAX_MERGES_PER_SHEET {
                    break;
                }
                self.merges.push(Merge {
                    first_row: r as u32,
                    first_col: col as u32,
                    last_row: (r + rows - 1).min(MAX_ROWS - 1) as u32,
                    last_col: (col + cols - 1).min(MAX_COLUMNS - 1) as u32,
                });
            }
            if row.spans.is_empty() || self.merges.len() >= MAX_MERGES_PER_SHEET {
                break;
            }
        }
        self.row += repeats;
    }

    fn finish(self) -> TableScan {
        let dense_cells = match self.first_row {
            Some(first_row) => {
                (self.last_row - first_row + 1).saturating_mul(self.last_col - self.first_col + 1)
            }
            None => 0,
        };
        TableScan {
            merges: self.merges,
            dense_cells,
        }
    }
}

/// Reads the cells of one `table:table-row` up to its end tag.
fn read_row<R: std::io::BufRead>(
    xml: &mut Reader<R>,
    row: &mut RowState,
    buf: &mut Vec<u8>,
    skip_buf: &mut Vec<u8>,
) -> Result<(), ReadError> {
    loop {
        buf.clear();
        let event = xml.read_event_into(buf).map_err(|e| corrupt(&e))?;
        let (cell, has_content) = match &event {
            Event::Start(e) => (e, true),
            Event::Empty(e) => (e, false),
            Event::End(e) if e.name().as_ref() == "table:table-row" => return Ok(()),
            Event::Eof => return Err(corrupt(&"content.xml ends inside a table row")),
            _ => continue,
        };
        let name = cell.name();
        if name.as_ref() != "table:table-cell" && name.as_ref() != "table:covered-table-cell" {
            continue;
        }
        let attrs = CellAttrs::of(cell);
        if has_content {
            // Skip the cell's paragraphs, annotations and any nested table.
            xml.read_to_end_into(name, skip_buf)
                .map_err(|e| corrupt(&e))?;
        }
        let repeats = attrs.repeats.min(MAX_COLUMNS.saturating_sub(row.col));
        if repeats == 0 {
            continue;
        }
        if attrs.non_empty {
            let last = row.col + repeats - 1;
            row.used = Some(match row.used {
                Some((first, _)) => (first, last),
                None => (row.col, last),
            });
        }
        if attrs.cols > 1 || attrs.rows > 1 {
            row.spans.push((row.col, attrs.cols, attrs.rows));
        }
        row.col += repeats;
    }
}

/// What the scan needs from a cell's attributes, read in one pass.
struct CellAttrs {
    repeats: u64,
    cols: u64,
    rows: u64,
    /// True when calamine would give the cell a value or a formula: any `office:*value*`
    /// attribute, a value type, or a formula. (An empty string cell still counts, as it does
    /// in calamine.)
    non_empty: bool,
}

impl CellAttrs {
    fn of(cell: &BytesStart<'_>) -> CellAttrs {
        let mut attrs = CellAttrs {
            repeats: 1,
            cols: 1,
            rows: 1,
            non_empty: false,
        };
        for a in cell.attributes().with_checks(false).flatten() {
            let count = || a.value.trim().parse::<u64>().unwrap_or(1).max(1);
            match a.key.as_ref() {
                "table:number-columns-repeated" => attrs.repeats = count(),
                "table:number-columns-spanned" => attrs.cols = count(),
                "table:number-rows-spanned" => attrs.rows = count(),
                "table:formula" | "office:value-type" => attrs.non_empty = true,
                key if key.starts_with("office:") && key.ends_with("value") => {
                    attrs.non_empty = true
                }
                _ => {}
            }
        }
        attrs
    }
}

/// A repeat count (default 1, at least 1).
fn repeat(e: &BytesStart<'_>, key: &str) -> u64 {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .and_then(|a| a.value.trim().parse::<u64>().ok())
        .unwrap_or(1)
        .max(1)
}

fn attr(e: &BytesStart<'_>, key: &str) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .and_then(|a| {
            a.normalized_value(XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    pub(crate) fn ods_with_content(tables: &str) -> Vec<u8> {
        let content = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"#
        );
        let manifest = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        w.start_file("mimetype", stored).unwrap();
        w.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
            .unwrap();
        w.start_file(
            "META-INF/manifest.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        w.write_all(manifest.as_bytes()).unwrap();
        w.start_file("content.xml", zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(content.as_bytes()).unwrap();
        w.finish().unwrap().into_inner()
    }

    const CELL: &str =
        r#"<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>"#;

    #[test]
    fn dense_box_and_merges() {
        let tables = format!(
            r#"<table:table table:name="台帳"><table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="3"/></table:table-row><table:table-row><table:table-cell/><table:table-cell table:number-columns-spanned="2" table:number-rows-spanned="2" office:value-type="string"><text:p>title</text:p></table:table-cell><table:covered-table-cell/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="4"/>{CELL}</table:table-row></table:table>"#
        );
        let tables = scan_tables(&ods_with_content(&tables)).unwrap();
        assert_eq!(tables.len(), 1);
        let (name, scan) = &tables[0];
        assert_eq!(name, "台帳");
        // Rows 2..=3, columns B..=E.
        assert_eq!(scan.dense_cells, 2 * 4);
        assert_eq!(
            scan.merges,
            vec![Merge {
                first_row: 2,
                first_col: 1,
                last_row: 3,
                last_col: 2
            }]
        );
    }

    #[test]
    fn repeated_cells_are_refused_before_expansion() {
        // 2,000 rows × 16,384 columns of one value: 33M cells from a few hundred bytes.
        let tables = format!(
            r#"<table:table table:name="bomb"><table:table-row table:number-rows-repeated="2000"><table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"/></table:table-row></table:table>{}"#,
            r#"<table:table table:name="ok"><table:table-row>"#.to_string()
                + CELL
                + "</table:table-row></table:table>"
        );
        let bytes = ods_with_content(&tables);
        assert_eq!(
            scan_ods(&bytes, &Limits::default()).unwrap_err(),
            ReadError::TooManyCells {
                sheet: "bomb".into(),
                limit: Limits::default().max_cells_per_sheet
            }
        );
        let roomy = Limits {
            max_cells_per_sheet: 100_000_000,
            ..Limits::default()
        };
        assert_eq!(
            scan_ods(&bytes, &roomy).unwrap_err(),
            ReadError::DecompressedTooLarge {
                limit: roomy.max_uncompressed_bytes
            }
        );
    }

    #[test]
    fn trailing_empty_rows_cost_nothing() {
        let tables = format!(
            r#"<table:table table:name="s"><table:table-row>{CELL}</table:table-row><table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="16384"/></table:table-row></table:table>"#
        );
        let tables = scan_tables(&ods_with_content(&tables)).unwrap();
        assert_eq!(tables[0].1.dense_cells, 1);
    }
}

//! A streaming look at an ODS `content.xml` before calamine expands it.
//!
//! ODS compresses runs with `table:number-columns-repeated` / `number-rows-repeated`, so a few
//! hundred bytes can describe 100 million cells. calamine's ODS reader expands every sheet into
//! a dense range when the workbook is opened (its own cap is 100M cells: 3.2 GB of values plus
//! the formula grid). This scan computes the dense box each sheet will get and refuses the
//! file beforehand; on the way it also collects merged ranges (`number-columns-spanned` /
//! `number-rows-spanned`), which calamine does not expose for ODS, hidden rows
//! (`table:visibility`), cells whose automatic style strikes the text through, and the text a
//! number or date cell shows: ODS keeps it beside the value
//! (`<text:p>DC-025</text:p>` for `office:value="25"`), as the program that saved the file
//! rendered it, so no number format needs rendering here.

use super::guard::short_detail;
use super::quick::push_reference;
use super::{Format, Limits, Merge, ReadError};
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};
use std::collections::{HashMap, HashSet};
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
pub(super) struct TableScan {
    pub merges: Vec<Merge>,
    /// Rows × columns of the smallest box holding every non-empty cell.
    dense_cells: u64,
    /// The text number and date cells show, one run per XML cell (repeats kept compact).
    pub shown: Vec<ShownRun>,
    /// 0-based hidden rows that hold a value, ascending.
    pub hidden_rows: Vec<u32>,
    /// Blocks of cells struck through (their text is the run's, empty).
    pub struck: Vec<ShownRun>,
}

/// The displayed text of a block of equal cells (`number-rows-repeated` ×
/// `number-columns-repeated`).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ShownRun {
    pub row: u32,
    pub rows: u32,
    pub col: u32,
    pub cols: u32,
    pub text: String,
}

/// What the scan learned per sheet name, after checking that calamine's dense expansion stays
/// within `limits` (per sheet: `max_cells_per_sheet`; whole workbook: `max_uncompressed_bytes`).
/// Once this passes, every run of [`TableScan::shown`] lies within a box of at most
/// `max_cells_per_sheet` cells.
pub(super) fn scan_ods(
    bytes: &[u8],
    limits: &Limits,
) -> Result<HashMap<String, TableScan>, ReadError> {
    let tables = scan_tables(bytes)?;
    let mut total_bytes: u64 = 0;
    let mut scans = HashMap::new();
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
        scans.insert(name, table);
    }
    Ok(scans)
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
    // Automatic cell styles (they come before the tables) that strike the text through.
    let mut struck_styles: HashSet<String> = HashSet::new();
    let mut cell_style: Option<String> = None;
    loop {
        buf.clear();
        let event = xml.read_event_into(&mut buf).map_err(|e| corrupt(&e))?;
        match event {
            Event::Start(e) if e.name().as_ref() == "style:style" => {
                cell_style = (attr(&e, "style:family").as_deref() == Some("table-cell"))
                    .then(|| attr(&e, "style:name"))
                    .flatten();
            }
            Event::End(e) if e.name().as_ref() == "style:style" => cell_style = None,
            Event::Start(e) | Event::Empty(e)
                if e.name().as_ref() == "style:text-properties" && cell_style.is_some() =>
            {
                let through =
                    attr(&e, "style:text-line-through-style").is_some_and(|v| v != "none");
                if let (true, Some(name)) = (through, cell_style.take()) {
                    struck_styles.insert(name);
                }
            }
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
                let mut row = RowState {
                    // `collapse` (hidden) or `filter` (hidden by a filter), not `visible`.
                    hidden: attr(&e, "table:visibility").is_some_and(|v| v != "visible"),
                    ..RowState::default()
                };
                read_row(
                    &mut xml,
                    &mut row,
                    &struck_styles,
                    &mut row_buf,
                    &mut skip_buf,
                )?;
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
    shown: Vec<ShownRun>,
    hidden_rows: Vec<u32>,
    struck: Vec<ShownRun>,
}

#[derive(Debug, Default)]
struct RowState {
    /// Absolute index of the next column.
    col: u64,
    /// First and last non-empty column.
    used: Option<(u64, u64)>,
    /// (first column, columns spanned, rows spanned).
    spans: Vec<(u64, u64, u64)>,
    /// (first column, columns repeated, displayed text) of number and date cells.
    shown: Vec<(u64, u64, String)>,
    /// (first column, columns repeated) of struck-through cells.
    struck: Vec<(u64, u64)>,
    hidden: bool,
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
        for (col, cols, text) in &row.shown {
            self.shown.push(ShownRun {
                row: self.row as u32,
                rows: repeats as u32,
                col: *col as u32,
                cols: *cols as u32,
                text: text.clone(),
            });
        }
        for (col, cols) in &row.struck {
            self.struck.push(ShownRun {
                row: self.row as u32,
                rows: repeats as u32,
                col: *col as u32,
                cols: *cols as u32,
                text: String::new(),
            });
        }
        if row.hidden && row.used.is_some() {
            self.hidden_rows
                .extend((self.row..self.row + repeats).map(|r| r as u32));
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
            shown: self.shown,
            hidden_rows: self.hidden_rows,
            struck: self.struck,
        }
    }
}

/// Reads the cells of one `table:table-row` up to its end tag.
fn read_row<R: std::io::BufRead>(
    xml: &mut Reader<R>,
    row: &mut RowState,
    struck_styles: &HashSet<String>,
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
        let attrs = CellAttrs::of(cell, struck_styles);
        let mut text = None;
        if has_content && attrs.shows_number {
            text = Some(read_cell_text(xml, skip_buf)?);
        } else if has_content {
            // Skip the cell's paragraphs, annotations and any nested table.
            xml.read_to_end_into(name, skip_buf)
                .map_err(|e| corrupt(&e))?;
        }
        let repeats = attrs.repeats.min(MAX_COLUMNS.saturating_sub(row.col));
        if repeats == 0 {
            continue;
        }
        if let Some(text) = text.filter(|t| !t.is_empty()) {
            row.shown.push((row.col, repeats, text));
        }
        if attrs.struck && attrs.non_empty {
            row.struck.push((row.col, repeats));
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

/// The text of a cell's paragraphs (lines joined with `\n`), up to the cell's end tag; notes
/// (`office:annotation`) are not part of it.
fn read_cell_text<R: std::io::BufRead>(
    xml: &mut Reader<R>,
    buf: &mut Vec<u8>,
) -> Result<String, ReadError> {
    let mut text = String::new();
    let mut paragraphs = 0usize;
    let mut depth = 0usize;
    loop {
        buf.clear();
        match xml.read_event_into(buf).map_err(|e| corrupt(&e))? {
            Event::Start(e) => {
                let name = e.name().as_ref().to_string();
                if name == "office:annotation" {
                    let mut skip = Vec::new();
                    xml.read_to_end_into(quick_xml::name::QName(&name), &mut skip)
                        .map_err(|e| corrupt(&e))?;
                    continue;
                }
                if name == "text:p" {
                    if paragraphs > 0 {
                        text.push('\n');
                    }
                    paragraphs += 1;
                }
                depth += 1;
            }
            Event::Empty(e) => match e.name().as_ref() {
                "text:s" => {
                    let n = repeat(&e, "text:c").min(1024) as usize;
                    text.extend(std::iter::repeat_n(' ', n));
                }
                "text:tab" => text.push('\t'),
                "text:line-break" => text.push('\n'),
                _ => {}
            },
            Event::Text(t) if depth > 0 => text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if depth > 0 => push_reference(&mut text, &r),
            Event::End(_) => {
                if depth == 0 {
                    return Ok(text);
                }
                depth -= 1;
            }
            Event::Eof => return Err(corrupt(&"content.xml ends inside a cell")),
            _ => {}
        }
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
    /// A number, percentage, currency, date or time: its text is what its format shows.
    shows_number: bool,
    /// Its style strikes the text through.
    struck: bool,
}

impl CellAttrs {
    fn of(cell: &BytesStart<'_>, struck_styles: &HashSet<String>) -> CellAttrs {
        let mut attrs = CellAttrs {
            repeats: 1,
            cols: 1,
            rows: 1,
            non_empty: false,
            shows_number: false,
            struck: false,
        };
        for a in cell.attributes().with_checks(false).flatten() {
            let count = || a.value.trim().parse::<u64>().unwrap_or(1).max(1);
            match a.key.as_ref() {
                "table:number-columns-repeated" => attrs.repeats = count(),
                "table:number-columns-spanned" => attrs.cols = count(),
                "table:number-rows-spanned" => attrs.rows = count(),
                "office:value-type" => {
                    attrs.non_empty = true;
                    attrs.shows_number = matches!(
                        a.value.trim(),
                        "float" | "percentage" | "currency" | "date" | "time"
                    );
                }
                "table:formula" => attrs.non_empty = true,
                "table:style-name" => attrs.struck = struck_styles.contains(a.value.as_ref()),
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
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" office:version="1.2"><office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"#
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

    #[test]
    fn displayed_text_hidden_rows_and_strike_through() {
        let styles = r#"<office:automatic-styles><style:style style:name="ce1" style:family="table-cell"><style:text-properties style:text-line-through-style="solid"/></style:style><style:style style:name="ce2" style:family="table-cell"><style:text-properties style:text-line-through-style="none"/></style:style></office:automatic-styles>"#;
        let tables = format!(
            r#"{styles}<table:table table:name="s"><table:table-row><table:table-cell table:style-name="ce1" office:value-type="float" office:value="25"><text:p>DC-025</text:p><office:annotation><text:p>note</text:p></office:annotation></table:table-cell><table:table-cell table:style-name="ce2" office:value-type="string"><text:p>a &amp; b</text:p></table:table-cell></table:table-row><table:table-row table:visibility="collapse" table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="2" office:value-type="date" office:date-value="2024-03-31"><text:p>令和6年<text:s text:c="2"/>3月</text:p><text:p>31日</text:p></table:table-cell></table:table-row><table:table-row table:visibility="collapse" table:number-rows-repeated="1000"><table:table-cell/></table:table-row></table:table>"#
        );
        let xml = ods_with_content(&tables).to_vec();
        let scans = scan_ods(&xml, &Limits::default()).unwrap();
        let scan = &scans["s"];
        let run = |row, rows, col, cols, text: &str| ShownRun {
            row,
            rows,
            col,
            cols,
            text: text.into(),
        };
        assert_eq!(
            scan.shown,
            vec![
                run(0, 1, 0, 1, "DC-025"),
                run(1, 2, 0, 2, "令和6年  3月\n31日")
            ]
        );
        assert_eq!(scan.struck, vec![run(0, 1, 0, 1, "")]);
        // Empty hidden rows are not recorded.
        assert_eq!(scan.hidden_rows, vec![1, 2]);
    }
}

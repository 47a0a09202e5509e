//! Excel 2003 XML ("XML Spreadsheet 2003", SpreadsheetML): what asset-management tools and web
//! systems export, saved as `.xls` or `.xml`.
//!
//! ```xml
//! <?mso-application progid="Excel.Sheet"?>
//! <Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="…">
//!  <Worksheet ss:Name="台帳"><Table>
//!   <Row ss:Index="2" ss:Hidden="1">
//!    <Cell ss:Index="3" ss:MergeAcross="1" ss:MergeDown="1"><Data ss:Type="String">…</Data></Cell>
//! ```
//!
//! Rows and cells follow one another unless `ss:Index` (1-based) skips ahead; a merged cell's
//! next neighbour is past its `ss:MergeAcross` columns. Values are typed by `ss:Type` (Number,
//! String, DateTime, Boolean, Error), as LibreOffice reads them. Read from the text in one pass
//! with quick-xml under the cell limits; positions beyond Excel's sheet size are refused.

use super::grid_builder::{GridBuilder, WorkbookCells};
use super::guard::short_detail;
use super::quick::{local_attr, push_reference};
use super::{CellValue, Format, Limits, Merge, ReadError, Sheet};
use chrono::NaiveDateTime;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// Excel's largest sheet: 1,048,576 rows × 16,384 columns (0-based maxima below).
const MAX_ROW: u32 = 1_048_575;
const MAX_COL: u32 = 16_383;

/// True when `head` (the start of a decoded file) is an Excel 2003 XML workbook.
pub(super) fn looks_like_spreadsheetml(head: &str) -> bool {
    let head = head.to_ascii_lowercase();
    let root = head.contains("<workbook") || head.contains(":workbook");
    root && (head.contains("urn:schemas-microsoft-com:office:spreadsheet")
        || head.contains("progid=\"excel.sheet\""))
}

fn corrupt(detail: &dyn std::fmt::Display) -> ReadError {
    ReadError::Corrupt {
        format: Format::SpreadsheetMl,
        detail: short_detail(detail),
    }
}

/// Reads every worksheet.
pub(super) fn read_spreadsheetml(text: &str, limits: &Limits) -> Result<Vec<Sheet>, ReadError> {
    let mut xml = Reader::from_str(text);
    xml.config_mut().check_end_names = false;
    let mut sheets = Vec::new();
    let mut budget = WorkbookCells::new(limits);
    loop {
        match xml.read_event().map_err(|e| corrupt(&e))? {
            Event::Start(e) if e.local_name().as_ref() == "Worksheet" => {
                let name =
                    local_attr(&e, "Name").unwrap_or_else(|| format!("Sheet{}", sheets.len() + 1));
                let sheet_limits = budget.sheet_limits(limits);
                let sheet = read_worksheet(&mut xml, name, &sheet_limits)
                    .map_err(|e| budget.explain(limits, e))?;
                budget.add(&sheet.grid)?;
                sheets.push(sheet);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if sheets.is_empty() {
        return Err(corrupt(&"no Worksheet element"));
    }
    Ok(sheets)
}

/// Where the next row and cell go when they carry no `ss:Index`.
struct Cursor {
    /// The row being read (0-based).
    row: u32,
    /// The row a `<Row>` without `ss:Index` takes.
    next_row: u32,
    /// The column a `<Cell>` without `ss:Index` takes.
    next_col: u32,
}

/// One worksheet, up to its end tag.
fn read_worksheet(
    xml: &mut Reader<&[u8]>,
    name: String,
    limits: &Limits,
) -> Result<Sheet, ReadError> {
    let mut grid = GridBuilder::new(&name, limits);
    let mut merges = Vec::new();
    let mut hidden_rows = Vec::new();
    let mut hidden = false;
    let mut at = Cursor {
        row: 0,
        next_row: 0,
        next_col: 0,
    };
    let mut depth = 0usize;
    loop {
        match xml.read_event().map_err(|e| corrupt(&e))? {
            Event::Start(e) => {
                depth += 1;
                match e.local_name().as_ref() {
                    "Row" => start_row(&e, &mut at, &mut hidden_rows)?,
                    "Cell" => {
                        let (row, col) = start_cell(&e, &mut at, &mut merges, &name, limits)?;
                        let value = read_cell(xml)?;
                        depth -= 1;
                        if let Some(value) = value {
                            grid.push(row, col, value)?;
                        }
                    }
                    "Visible" => {
                        let text = read_text(xml, "Visible")?;
                        depth -= 1;
                        hidden = text.trim().eq_ignore_ascii_case("SheetHidden")
                            || text.trim().eq_ignore_ascii_case("SheetVeryHidden");
                    }
                    _ => {}
                }
            }
            Event::Empty(e) => match e.local_name().as_ref() {
                "Row" => start_row(&e, &mut at, &mut hidden_rows)?,
                "Cell" => {
                    start_cell(&e, &mut at, &mut merges, &name, limits)?;
                }
                _ => {}
            },
            Event::End(_) => {
                if depth == 0 {
                    break;
                }
                depth -= 1;
            }
            Event::Eof => return Err(corrupt(&"the file ends inside a Worksheet")),
            _ => {}
        }
    }
    let mut grid = grid.finish();
    hidden_rows.sort_unstable();
    hidden_rows.dedup();
    grid.mark_hidden(&hidden_rows);
    Ok(Sheet {
        name,
        hidden,
        grid,
        merges,
    })
}

/// A `<Row>`: its index (`ss:Index`, 1-based, or the one after the last), hidden or not.
fn start_row(
    e: &BytesStart<'_>,
    at: &mut Cursor,
    hidden_rows: &mut Vec<u32>,
) -> Result<(), ReadError> {
    let row = index(e)?.unwrap_or(at.next_row);
    if row > MAX_ROW {
        return Err(corrupt(&format!(
            "row {} beyond the sheet",
            u64::from(row) + 1
        )));
    }
    if local_attr(e, "Hidden").is_some_and(|v| v.trim() == "1")
        && hidden_rows.len() <= MAX_ROW as usize
    {
        hidden_rows.push(row);
    }
    // `ss:Span` repeats an (empty) row: the next row comes after the copies.
    let span = local_attr(e, "Span")
        .and_then(|v| v.trim().parse::<u32>().ok())
        .unwrap_or(0);
    at.row = row;
    at.next_row = row.saturating_add(span).saturating_add(1);
    at.next_col = 0;
    Ok(())
}

/// A `<Cell>`: its address, and its merged range if any. The next cell goes past the merge.
fn start_cell(
    e: &BytesStart<'_>,
    at: &mut Cursor,
    merges: &mut Vec<Merge>,
    sheet: &str,
    limits: &Limits,
) -> Result<(u32, u32), ReadError> {
    let row = at.row;
    let col = index(e)?.unwrap_or(at.next_col);
    if col > MAX_COL {
        return Err(corrupt(&format!(
            "column {} beyond the sheet",
            u64::from(col) + 1
        )));
    }
    let span = |key: &str| {
        local_attr(e, key)
            .and_then(|v| v.trim().parse::<u32>().ok())
            .unwrap_or(0)
    };
    let (across, down) = (span("MergeAcross"), span("MergeDown"));
    let last_col = col.saturating_add(across).min(MAX_COL);
    let last_row = row.saturating_add(down).min(MAX_ROW);
    if across > 0 || down > 0 {
        if merges.len() >= limits.max_cells_per_sheet {
            return Err(ReadError::TooManyCells {
                sheet: sheet.to_string(),
                limit: limits.max_cells_per_sheet,
            });
        }
        merges.push(Merge {
            first_row: row,
            first_col: col,
            last_row,
            last_col,
        });
    }
    at.next_col = last_col.saturating_add(1);
    Ok((row, col))
}

/// `ss:Index` as a 0-based position; an index that is not a positive number is damage.
fn index(e: &BytesStart<'_>) -> Result<Option<u32>, ReadError> {
    let Some(v) = local_attr(e, "Index") else {
        return Ok(None);
    };
    match v.trim().parse::<u32>() {
        Ok(i) if i >= 1 => Ok(Some(i - 1)),
        _ => Err(corrupt(&format!("ss:Index=\"{}\"", v.trim()))),
    }
}

/// The value of a cell, up to its end tag: its `<Data>` typed by `ss:Type`.
fn read_cell(xml: &mut Reader<&[u8]>) -> Result<Option<CellValue>, ReadError> {
    let mut value = None;
    let mut depth = 0usize;
    loop {
        match xml.read_event().map_err(|e| corrupt(&e))? {
            Event::Start(e) => {
                if depth == 0 && e.local_name().as_ref() == "Data" {
                    let typ = local_attr(&e, "Type").unwrap_or_default();
                    let text = read_text(xml, "Data")?;
                    value = Some(typed(&typ, text));
                } else {
                    depth += 1;
                }
            }
            Event::End(_) => {
                if depth == 0 {
                    return Ok(value);
                }
                depth -= 1;
            }
            Event::Eof => return Err(corrupt(&"the file ends inside a Cell")),
            _ => {}
        }
    }
}

/// The text of an element up to its end tag, nested markup (`<html:B>` in rich text) included.
fn read_text(xml: &mut Reader<&[u8]>, element: &str) -> Result<String, ReadError> {
    let mut text = String::new();
    let mut depth = 0usize;
    loop {
        match xml.read_event().map_err(|e| corrupt(&e))? {
            Event::Start(_) => depth += 1,
            Event::Empty(e) if e.local_name().as_ref() == "br" => text.push('\n'),
            Event::Text(t) => text.push_str(&t.xml10_content()),
            Event::CData(t) => text.push_str(&t.into_inner()),
            Event::GeneralRef(r) => push_reference(&mut text, &r),
            Event::End(_) => {
                if depth == 0 {
                    return Ok(text);
                }
                depth -= 1;
            }
            Event::Eof => return Err(corrupt(&format!("the file ends inside {element}"))),
            _ => {}
        }
    }
}

/// A cell's text as the value its `ss:Type` says; text that does not parse stays text.
fn typed(typ: &str, text: String) -> CellValue {
    match typ.trim() {
        "Number" => match text.trim().parse::<f64>() {
            Ok(n) if n.is_finite() => CellValue::Number(n),
            _ => CellValue::Text(text),
        },
        "DateTime" => match parse_datetime(text.trim()) {
            Some(dt) => CellValue::DateTime(dt),
            None => CellValue::Text(text),
        },
        "Boolean" => match text.trim() {
            "1" => CellValue::Bool(true),
            "0" => CellValue::Bool(false),
            _ => CellValue::Text(text),
        },
        "Error" => CellValue::Error(text),
        _ => CellValue::Text(text),
    }
}

/// `2024-04-01T00:00:00.000` (Excel writes the milliseconds; other tools may not).
fn parse_datetime(text: &str) -> Option<NaiveDateTime> {
    [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
    .or_else(|| {
        chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .map(|d| d.and_time(chrono::NaiveTime::MIN))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOOK: &str = r#"<?xml version="1.0"?>
<?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"
 xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet" xmlns:html="http://www.w3.org/TR/REC-html40">
 <Worksheet ss:Name="台帳">
  <Table>
   <Row><Cell><Data ss:Type="String">管理番号</Data></Cell><Cell ss:Index="3"><Data ss:Type="String">IP &amp; 名</Data></Cell></Row>
   <Row ss:Index="4" ss:Hidden="1"><Cell ss:MergeAcross="1" ss:MergeDown="1"><Data ss:Type="Number">42</Data></Cell>
    <Cell><Data ss:Type="DateTime">2024-04-01T00:00:00.000</Data></Cell>
    <Cell><Data ss:Type="Boolean">1</Data></Cell><Cell><Data ss:Type="String"><html:B>太</html:B>字</Data></Cell></Row>
   <Row><Cell ss:Index="3"><Data ss:Type="Number">x</Data></Cell></Row>
  </Table>
 </Worksheet>
 <Worksheet ss:Name="隠し"><Table/><WorksheetOptions xmlns="urn:schemas-microsoft-com:office:excel"><Visible>SheetHidden</Visible></WorksheetOptions></Worksheet>
</Workbook>"#;

    #[test]
    fn cells_typed_skipped_and_merged() {
        assert!(looks_like_spreadsheetml(BOOK));
        let sheets = read_spreadsheetml(BOOK, &Limits::default()).unwrap();
        assert_eq!(sheets.len(), 2);
        let s = &sheets[0];
        assert_eq!(s.name, "台帳");
        assert!(!s.hidden && sheets[1].hidden);
        let g = &s.grid;
        assert_eq!(g.get(0, 0), Some(&CellValue::Text("管理番号".into())));
        assert_eq!(g.get(0, 2), Some(&CellValue::Text("IP & 名".into())));
        assert_eq!(g.get(3, 0), Some(&CellValue::Number(42.0)));
        // The merge covers A4:B5, so the next cell is C4.
        let day = chrono::NaiveDate::from_ymd_opt(2024, 4, 1).unwrap();
        assert_eq!(
            g.get(3, 2),
            Some(&CellValue::DateTime(day.and_time(chrono::NaiveTime::MIN)))
        );
        assert_eq!(g.get(3, 3), Some(&CellValue::Bool(true)));
        assert_eq!(g.get(3, 4), Some(&CellValue::Text("太字".into())));
        assert_eq!(g.get(4, 2), Some(&CellValue::Text("x".into())));
        assert!(g.row(3).unwrap().hidden);
        assert_eq!(
            s.merges,
            vec![Merge {
                first_row: 3,
                first_col: 0,
                last_row: 4,
                last_col: 1
            }]
        );
    }

    #[test]
    fn limits_and_damage() {
        let limits = Limits {
            max_cells_per_sheet: 3,
            ..Limits::default()
        };
        assert!(matches!(
            read_spreadsheetml(BOOK, &limits),
            Err(ReadError::TooManyCells { .. } | ReadError::TooManyCellsInWorkbook { .. })
        ));
        for bad in [
            &BOOK[..BOOK.len() / 2],
            "<Workbook/>",
            r#"<Workbook><Worksheet><Table><Row ss:Index="0"/></Table></Worksheet></Workbook>"#,
            r#"<Workbook><Worksheet><Table><Row ss:Index="9999999"/></Table></Worksheet></Workbook>"#,
            r#"<Workbook><Worksheet><Table><Row><Cell ss:Index="20000"/></Row></Table></Worksheet></Workbook>"#,
        ] {
            assert!(
                matches!(
                    read_spreadsheetml(bad, &Limits::default()),
                    Err(ReadError::Corrupt { .. })
                ),
                "{bad}"
            );
        }
    }
}

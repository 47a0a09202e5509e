//! HTML tables saved as `.xls`: what web systems and Excel's "Web page" export write, and what
//! Excel opens as a workbook.
//!
//! Each `<table>` holding a value is one sheet (a layout table whose cells only hold other
//! tables is none). `colspan`/`rowspan` are merged ranges, and the cells below a `rowspan` are
//! skipped as a browser does. Cells are text, as in a CSV, except where Excel's own HTML says a
//! cell is a number (`x:num`) or a boolean (`x:bool`). The HTML is tokenised by html5ever (the
//! WHATWG tokenizer: entities, unquoted attributes, unclosed tags as browsers read them); the
//! table structure is rebuilt from the tokens under the cell limits.

use super::{CellValue, Format, Grid, Limits, Merge, ReadError, Sheet};
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, CharacterTokens, EndTag, StartTag, Tag, TagToken, Token, TokenSink,
    TokenSinkResult, Tokenizer, TokenizerOpts,
};
use std::cell::RefCell;
use std::collections::BTreeMap;

/// Tables nested deeper than this are damage (or an attack): each open table holds its cells.
const MAX_NESTING: usize = 8;
/// Browsers clamp `colspan` to 1000 and `rowspan` to 65534.
const MAX_COLSPAN: u32 = 1000;
const MAX_ROWSPAN: u32 = 65_534;
/// A placeholder for `<br>` while whitespace is collapsed.
const BREAK: char = '\u{1}';

/// True when `head` (the start of a decoded file) is HTML with a table.
pub(super) fn looks_like_html(head: &str) -> bool {
    let head = head.trim_start_matches('\u{feff}').trim_start();
    let lower = head.to_ascii_lowercase();
    lower.starts_with('<')
        && (lower.contains("<html")
            || lower.contains("<table")
            || lower.starts_with("<!doctype html"))
}

fn corrupt(detail: &str) -> ReadError {
    ReadError::Corrupt {
        format: Format::Html,
        detail: detail.to_string(),
    }
}

/// Reads every table with a value; the first sheet is `name`, the next `name (2)` and so on.
pub(super) fn read_html(text: &str, name: &str, limits: &Limits) -> Result<Vec<Sheet>, ReadError> {
    let sink = Sink {
        state: RefCell::new(State {
            limits: *limits,
            base_name: name.to_string(),
            ..State::default()
        }),
    };
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(text));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    let mut state = tokenizer.sink.state.into_inner();
    while !state.tables.is_empty() {
        state.end_table();
    }
    if let Some(error) = state.error {
        return Err(error);
    }
    if state.sheets.is_empty() {
        return Err(corrupt("no table with a value"));
    }
    Ok(state.sheets)
}

struct Sink {
    state: RefCell<State>,
}

#[derive(Default)]
struct State {
    limits: Limits,
    base_name: String,
    tables: Vec<Table>,
    sheets: Vec<Sheet>,
    /// Cells in every finished sheet (the workbook's budget).
    used: usize,
    /// Inside `<script>`, `<style>` …: text that is not shown.
    skipping: Option<String>,
    /// The first limit or damage met; reading stops there.
    error: Option<ReadError>,
}

#[derive(Default)]
struct Table {
    cells: Vec<(u32, u32, CellValue)>,
    merges: Vec<Merge>,
    /// Rowspans still reaching down: first column → (last column, last row).
    spans: BTreeMap<u32, (u32, u32)>,
    /// The current row (`None` before the first `<tr>` or cell).
    row: Option<u32>,
    next_row: u32,
    next_col: u32,
    cell: Option<OpenCell>,
}

struct OpenCell {
    row: u32,
    col: u32,
    text: String,
    number: Option<f64>,
    boolean: Option<bool>,
}

fn attr<'a>(tag: &'a Tag, name: &str) -> Option<&'a str> {
    tag.attrs
        .iter()
        .find(|a| (*a.name.local).eq_ignore_ascii_case(name))
        .map(|a| &*a.value)
}

fn span(tag: &Tag, name: &str, max: u32) -> u32 {
    attr(tag, name)
        .and_then(|v| v.trim().parse::<u32>().ok())
        .unwrap_or(1)
        .clamp(1, max)
}

impl State {
    fn fail(&mut self, error: ReadError) {
        if self.error.is_none() {
            self.error = Some(error);
        }
    }

    fn cell_limit(&self) -> usize {
        self.limits
            .max_cells_per_sheet
            .min(self.limits.max_cells_per_sheet.saturating_sub(self.used))
    }

    fn start_tag(&mut self, tag: &Tag) -> TokenSinkResult<()> {
        match &*tag.name {
            "script" => {
                self.skipping = Some("script".into());
                return TokenSinkResult::RawData(RawKind::ScriptData);
            }
            "style" | "xmp" | "noframes" | "noembed" | "iframe" => {
                self.skipping = Some(tag.name.to_string());
                return TokenSinkResult::RawData(RawKind::Rawtext);
            }
            "title" | "textarea" => {
                self.skipping = Some(tag.name.to_string());
                return TokenSinkResult::RawData(RawKind::Rcdata);
            }
            "table" => {
                if self.tables.len() >= MAX_NESTING {
                    self.fail(corrupt("tables nested too deep"));
                } else {
                    self.tables.push(Table::default());
                }
            }
            "tr" => {
                if let Some(table) = self.tables.last_mut() {
                    table.close_cell();
                    table.start_row();
                }
            }
            "td" | "th" => self.start_cell(tag),
            "br" => self.text(&BREAK.to_string()),
            "p" | "div" | "li" => self.text(&BREAK.to_string()),
            _ => {}
        }
        TokenSinkResult::Continue
    }

    fn end_tag(&mut self, name: &str) {
        match name {
            "td" | "th" | "tr" => {
                if let Some(table) = self.tables.last_mut() {
                    table.close_cell();
                }
            }
            "table" => self.end_table(),
            _ => {}
        }
    }

    fn start_cell(&mut self, tag: &Tag) {
        let limit = self.cell_limit();
        let Some(table) = self.tables.last_mut() else {
            return;
        };
        table.close_cell();
        if table.row.is_none() {
            table.start_row();
        }
        let row = table.row.unwrap_or(0);
        let col = table.free_column(row, table.next_col);
        let (cols, rows) = (
            span(tag, "colspan", MAX_COLSPAN),
            span(tag, "rowspan", MAX_ROWSPAN),
        );
        let last_col = col.saturating_add(cols - 1);
        let last_row = row.saturating_add(rows - 1);
        if cols > 1 || rows > 1 {
            if table.merges.len() >= limit {
                self.fail(ReadError::TooManyCells {
                    sheet: self.base_name.clone(),
                    limit: self.limits.max_cells_per_sheet,
                });
                return;
            }
            table.merges.push(Merge {
                first_row: row,
                first_col: col,
                last_row,
                last_col,
            });
            if rows > 1 {
                table.spans.insert(col, (last_col, last_row));
            }
        }
        table.next_col = last_col.saturating_add(1);
        table.cell = Some(OpenCell {
            row,
            col,
            text: String::new(),
            number: attr(tag, "x:num").and_then(|v| v.trim().parse::<f64>().ok()),
            boolean: attr(tag, "x:bool").map(|v| v.trim().eq_ignore_ascii_case("true")),
        });
    }

    fn text(&mut self, text: &str) {
        if self.skipping.is_some() {
            return;
        }
        if let Some(cell) = self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
            cell.text.push_str(text);
        }
    }

    /// Closes the innermost table; it becomes a sheet if it holds a value.
    fn end_table(&mut self) {
        let Some(mut table) = self.tables.pop() else {
            return;
        };
        table.close_cell();
        if table.cells.is_empty() {
            return;
        }
        let count = table.cells.len();
        let limit = self.cell_limit();
        if count > limit {
            let error = if limit < self.limits.max_cells_per_sheet {
                ReadError::TooManyCellsInWorkbook {
                    limit: self.limits.max_cells_per_sheet,
                }
            } else {
                ReadError::TooManyCells {
                    sheet: self.base_name.clone(),
                    limit,
                }
            };
            self.fail(error);
            return;
        }
        self.used += count;
        let name = if self.sheets.is_empty() {
            self.base_name.clone()
        } else {
            format!("{} ({})", self.base_name, self.sheets.len() + 1)
        };
        self.sheets.push(Sheet {
            name,
            hidden: false,
            grid: Grid::from_cells(table.cells),
            merges: table.merges,
        });
    }

    /// Fails once the open tables hold more cells than the limit allows.
    fn check_open_cells(&mut self) {
        let open: usize = self.tables.iter().map(|t| t.cells.len()).sum();
        if open > self.cell_limit() {
            self.fail(ReadError::TooManyCells {
                sheet: self.base_name.clone(),
                limit: self.limits.max_cells_per_sheet,
            });
        }
    }
}

impl Table {
    fn start_row(&mut self) {
        let row = self.next_row;
        self.row = Some(row);
        self.next_row = row.saturating_add(1);
        self.next_col = 0;
    }

    /// The first column at or after `col` that no rowspan from above covers.
    fn free_column(&self, row: u32, mut col: u32) -> u32 {
        // Each step moves past one span, so this ends within the number of spans.
        for _ in 0..=self.spans.len() {
            let covering = self
                .spans
                .range(..=col)
                .rev()
                .find(|(_, &(last_col, last_row))| last_col >= col && last_row >= row);
            match covering {
                Some((_, &(last_col, _))) => col = last_col.saturating_add(1),
                None => break,
            }
        }
        col
    }

    fn close_cell(&mut self) {
        let Some(cell) = self.cell.take() else {
            return;
        };
        let text = collapse(&cell.text);
        let value = match (cell.number, cell.boolean) {
            (Some(n), _) if n.is_finite() => CellValue::Number(n),
            (_, Some(b)) => CellValue::Bool(b),
            _ => CellValue::Text(text),
        };
        if !value.is_blank() {
            self.cells.push((cell.row, cell.col, value));
        }
    }
}

/// Whitespace as a browser shows it: runs collapsed to one space, each line trimmed; `<br>` is
/// a line break.
fn collapse(text: &str) -> String {
    let lines: Vec<String> = text
        .split(BREAK)
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    let start = lines.iter().position(|l| !l.is_empty()).unwrap_or(0);
    let end = lines
        .iter()
        .rposition(|l| !l.is_empty())
        .map_or(start, |e| e + 1);
    lines[start..end.max(start)].join("\n")
}

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line_number: u64) -> TokenSinkResult<()> {
        let mut state = self.state.borrow_mut();
        if state.error.is_some() {
            return TokenSinkResult::Continue;
        }
        let result = match token {
            CharacterTokens(text) => {
                state.text(&text);
                TokenSinkResult::Continue
            }
            TagToken(tag) => match tag.kind {
                StartTag => {
                    let result = state.start_tag(&tag);
                    state.check_open_cells();
                    result
                }
                EndTag => {
                    if state.skipping.as_deref() == Some(&*tag.name) {
                        state.skipping = None;
                    }
                    state.end_tag(&tag.name);
                    TokenSinkResult::Continue
                }
            },
            _ => TokenSinkResult::Continue,
        };
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!DOCTYPE html><html><head><meta charset="utf-8"><title>台帳</title>
<style>td { color: red }</style><script>var x = "<td>no</td>";</script></head><body>
<table border=1><tr><td>
 <table>
  <tr><th>管理番号<th>IPアドレス<th colspan=2>場所</tr>
  <tr><td rowspan="2">001</td><td>192.168.0.1 &amp; more</td><td>A<br>棟</td><td x:num="3">３</td></tr>
  <tr><td>192.168.0.2</td><td>  </td><td x:bool="TRUE">yes</td>
 </table>
</td></tr></table>
<table><tr><td>second</td></tr></table>
</body></html>"#;

    #[test]
    fn tables_spans_and_values() {
        assert!(looks_like_html(PAGE));
        let sheets = read_html(PAGE, "ledger", &Limits::default()).unwrap();
        let names: Vec<&str> = sheets.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["ledger", "ledger (2)"]);
        let g = &sheets[0].grid;
        let text = |s: &str| Some(CellValue::Text(s.into()));
        assert_eq!(g.get(0, 0).cloned(), text("管理番号"));
        assert_eq!(g.get(0, 2).cloned(), text("場所"));
        assert_eq!(g.get(1, 0).cloned(), text("001"));
        assert_eq!(g.get(1, 1).cloned(), text("192.168.0.1 & more"));
        assert_eq!(g.get(1, 2).cloned(), text("A\n棟"));
        assert_eq!(g.get(1, 3), Some(&CellValue::Number(3.0)));
        // Row 3's first cell is under the rowspan, so it goes in column B.
        assert_eq!(g.get(2, 1).cloned(), text("192.168.0.2"));
        assert_eq!(g.get(2, 3), Some(&CellValue::Bool(true)));
        assert_eq!(g.cell_count(), 9);
        assert_eq!(
            sheets[0].merges,
            vec![
                Merge {
                    first_row: 0,
                    first_col: 2,
                    last_row: 0,
                    last_col: 3
                },
                Merge {
                    first_row: 1,
                    first_col: 0,
                    last_row: 2,
                    last_col: 0
                }
            ]
        );
    }

    #[test]
    fn limits_and_nonsense() {
        let limits = Limits {
            max_cells_per_sheet: 4,
            ..Limits::default()
        };
        assert!(matches!(
            read_html(PAGE, "x", &limits),
            Err(ReadError::TooManyCells { .. } | ReadError::TooManyCellsInWorkbook { .. })
        ));
        assert!(read_html("<html><p>no table</p></html>", "x", &Limits::default()).is_err());
        let deep = "<table><tr><td>".repeat(100);
        assert!(read_html(&deep, "x", &Limits::default()).is_err());
        let wide = r#"<table><tr><td colspan="99999999" rowspan="99999999">a</td><td>b</td></tr><tr><td>c</td></tr></table>"#;
        let sheets = read_html(wide, "x", &Limits::default()).unwrap();
        assert_eq!(
            sheets[0].grid.get(0, 1000),
            Some(&CellValue::Text("b".into()))
        );
        assert_eq!(
            sheets[0].grid.get(1, 1000),
            Some(&CellValue::Text("c".into()))
        );
        // Unclosed everything still reads.
        let sheets = read_html("<table><tr><td>a<td>b<tr><td>c", "x", &Limits::default()).unwrap();
        assert_eq!(sheets[0].grid.cell_count(), 3);
    }
}

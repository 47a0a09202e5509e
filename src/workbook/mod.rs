//! Reading any supported spreadsheet into one sparse [`Grid`] per sheet.
//!
//! Every format (xlsx/xlsm/xlsb via calamine's streaming reader, xls/ods via calamine, csv/tsv
//! via the csv crate with CP932 detection) ends up as the same [`Workbook`], so nothing after
//! this module knows which program saved the file.

mod csv_reader;
mod detect;
mod grid_builder;
mod guard;
mod html_table;
mod macro_sheets;
mod markup_text;
pub mod numfmt;
mod ods_scan;
mod open;
mod quick;
mod spreadsheetml;
mod values;
mod xls_ods;
mod xls_scan;
mod xlsx;
mod xlsx_cells;
mod xlsx_merges;
mod xlsx_struck;

pub use detect::{detect_format, Format};
pub use guard::panic_text;
pub use open::{
    extension_of, open_bytes, open_bytes_named, open_bytes_of, open_path, DEFAULT_TEXT_SHEET_NAME,
};

use crate::Text;
use chrono::NaiveDateTime;
use std::fmt;

/// A typed cell value, normalised across formats (xlsx Float vs xls Int, ODS ISO dates …).
#[derive(Debug, Clone, PartialEq)]
pub enum CellValue {
    Text(String),
    Number(f64),
    /// An Excel date cell (or an ODS date), already converted from the workbook's epoch.
    DateTime(NaiveDateTime),
    Bool(bool),
    /// A formula error such as `#DIV/0!`, kept as Excel shows it.
    Error(String),
}

impl CellValue {
    /// The value as a person sees it in the cell: what findings quote as the raw value.
    pub fn display(&self) -> String {
        match self {
            CellValue::Text(s) => s.clone(),
            CellValue::Number(n) => format_number(*n),
            CellValue::DateTime(dt) => {
                use chrono::{Datelike, Timelike};
                // `%Y/%m/%d[ %H:%M]`, written out: chrono would parse the pattern for every cell.
                let (y, m, d) = (dt.year(), dt.month(), dt.day());
                let midnight = dt.time() == chrono::NaiveTime::MIN;
                if !(0..=9999).contains(&y) {
                    let pattern = if midnight {
                        "%Y/%m/%d"
                    } else {
                        "%Y/%m/%d %H:%M"
                    };
                    return dt.format(pattern).to_string();
                }
                if midnight {
                    format!("{y:04}/{m:02}/{d:02}")
                } else {
                    format!("{y:04}/{m:02}/{d:02} {:02}:{:02}", dt.hour(), dt.minute())
                }
            }
            CellValue::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
            CellValue::Error(e) => e.clone(),
        }
    }

    /// True for text that is empty after trimming (including full-width spaces).
    pub fn is_blank(&self) -> bool {
        matches!(self, CellValue::Text(s) if s.trim().is_empty())
    }

    pub fn as_text(&self) -> Option<&str> {
        match self {
            CellValue::Text(s) => Some(s),
            _ => None,
        }
    }
}

/// Integers print without a fractional part (xlsx stores 42 as 42.0).
pub fn format_number(n: f64) -> String {
    if n.is_finite() && n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// One non-empty row of a sheet: its 0-based index and its cells sorted by column, with what
/// the user sees of them where that is more than the value.
#[derive(Debug, Clone, Default)]
pub struct Row {
    pub index: u32,
    pub cells: Vec<(u32, CellValue)>,
    /// The text a cell shows through its number format (`DC-025` for 25 under `"DC-"000`,
    /// 令和6年3月31日 for a date), where it differs from [`CellValue::display`]; sorted by
    /// column. The value itself stays in `cells`: dates stay dates, numbers numbers.
    pub shown: Vec<(u32, String)>,
    /// Columns whose font is struck through (how many hospitals mark a retired device); sorted.
    pub struck: Vec<u32>,
    /// The row is hidden (xlsx `<row hidden="1">`).
    pub hidden: bool,
}

impl Row {
    /// A row of plain values (nothing formatted, struck or hidden).
    pub fn new(index: u32, cells: Vec<(u32, CellValue)>) -> Row {
        Row {
            index,
            cells,
            ..Row::default()
        }
    }

    pub fn get(&self, col: u32) -> Option<&CellValue> {
        self.cells
            .binary_search_by_key(&col, |(c, _)| *c)
            .ok()
            .map(|i| &self.cells[i].1)
    }

    /// The text the user sees in a cell: its number format's rendering where known, else the
    /// value's [`CellValue::display`]. `None` for an empty cell.
    pub fn shown(&self, col: u32) -> Option<std::borrow::Cow<'_, str>> {
        use std::borrow::Cow;
        if let Ok(i) = self.shown.binary_search_by_key(&col, |(c, _)| *c) {
            return Some(Cow::Borrowed(self.shown[i].1.as_str()));
        }
        Some(match self.get(col)? {
            CellValue::Text(s) => Cow::Borrowed(s.as_str()),
            other => Cow::Owned(other.display()),
        })
    }

    /// Whether the cell's font is struck through.
    pub fn is_struck(&self, col: u32) -> bool {
        self.struck.binary_search(&col).is_ok()
    }

    /// Appends a cell to the right of the row's last one.
    pub(crate) fn push(&mut self, cell: CellIn) {
        if let Some(shown) = cell.shown {
            self.shown.push((cell.col, shown));
        }
        if cell.struck {
            self.struck.push(cell.col);
        }
        self.cells.push((cell.col, cell.value));
    }
}

/// One cell as a reader delivers it: the value, and how it looks where that matters.
#[derive(Debug, Clone, PartialEq)]
pub struct CellIn {
    pub row: u32,
    pub col: u32,
    pub value: CellValue,
    /// The displayed text, when it differs from the value's display.
    pub shown: Option<String>,
    pub struck: bool,
}

impl CellIn {
    pub fn plain(row: u32, col: u32, value: CellValue) -> CellIn {
        CellIn {
            row,
            col,
            value,
            shown: None,
            struck: false,
        }
    }
}

/// A sparse sheet: only non-empty rows, in ascending order, each with its cells in column order.
/// Memory is proportional to the cells actually used, never to the bounding box.
#[derive(Debug, Clone, Default)]
pub struct Grid {
    rows: Vec<Row>,
}

impl Grid {
    /// Builds a grid from cells in any order; empty text cells are dropped.
    pub fn from_cells(cells: impl IntoIterator<Item = (u32, u32, CellValue)>) -> Grid {
        Grid::from_cells_in(cells.into_iter().map(|(r, c, v)| CellIn::plain(r, c, v)))
    }

    /// [`Grid::from_cells`] for cells with their displayed text and strike-through.
    pub fn from_cells_in(cells: impl IntoIterator<Item = CellIn>) -> Grid {
        let mut all: Vec<CellIn> = cells
            .into_iter()
            .filter(|c| !matches!(&c.value, CellValue::Text(s) if s.is_empty()))
            .collect();
        all.sort_by_key(|c| (c.row, c.col));
        // A later duplicate address wins, as it would in the file.
        all.dedup_by(|b, a| {
            if a.row == b.row && a.col == b.col {
                std::mem::swap(a, b);
                true
            } else {
                false
            }
        });
        let mut rows: Vec<Row> = Vec::new();
        for cell in all {
            if rows.last().is_none_or(|row| row.index != cell.row) {
                rows.push(Row::new(cell.row, Vec::new()));
            }
            if let Some(row) = rows.last_mut() {
                row.push(cell);
            }
        }
        Grid { rows }
    }

    /// Blanks the given `(row, col)` cells (rows left empty are dropped).
    pub fn remove_cells(&mut self, cells: &std::collections::BTreeSet<(u32, u32)>) {
        if cells.is_empty() {
            return;
        }
        for row in &mut self.rows {
            let index = row.index;
            row.cells.retain(|(c, _)| !cells.contains(&(index, *c)));
            row.shown.retain(|(c, _)| !cells.contains(&(index, *c)));
            row.struck.retain(|c| !cells.contains(&(index, *c)));
        }
        self.rows.retain(|r| !r.cells.is_empty());
    }

    /// Records the text a number or date cell shows, where it differs from its value's
    /// display (a text cell shows its value).
    pub(crate) fn set_shown(&mut self, row: u32, col: u32, text: &str) {
        let Ok(i) = self.rows.binary_search_by_key(&row, |r| r.index) else {
            return;
        };
        let row = &mut self.rows[i];
        let Some(value) = row.get(col) else {
            return;
        };
        if matches!(value, CellValue::Text(_)) || value.display() == text {
            return;
        }
        match row.shown.binary_search_by_key(&col, |(c, _)| *c) {
            Ok(j) => row.shown[j].1 = text.to_string(),
            Err(j) => row.shown.insert(j, (col, text.to_string())),
        }
    }

    /// Marks a cell's text struck through, or not (an empty cell stays empty).
    pub(crate) fn set_struck(&mut self, row: u32, col: u32, struck: bool) {
        let Ok(i) = self.rows.binary_search_by_key(&row, |r| r.index) else {
            return;
        };
        let row = &mut self.rows[i];
        if row.get(col).is_none() {
            return;
        }
        match (row.struck.binary_search(&col), struck) {
            (Err(j), true) => row.struck.insert(j, col),
            (Ok(j), false) => {
                row.struck.remove(j);
            }
            _ => {}
        }
    }

    /// Marks the given rows hidden (rows without a value are not in the grid, and stay out).
    pub fn mark_hidden(&mut self, hidden_rows: &[u32]) {
        for row in self.rows.iter_mut() {
            row.hidden = hidden_rows.binary_search(&row.index).is_ok();
        }
    }

    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// The rows, taken out of the grid.
    pub fn into_rows(self) -> Vec<Row> {
        self.rows
    }

    /// A grid of rows already in order (rows by index, each row's cells by column, none empty),
    /// built without the sorting and the copies of [`Grid::from_cells`]; out-of-order or empty
    /// rows are dropped rather than trusted.
    pub fn from_sorted_rows(rows: Vec<Row>) -> Grid {
        let mut out: Vec<Row> = Vec::with_capacity(rows.len());
        for row in rows {
            let ordered = row.cells.windows(2).all(|w| w[0].0 < w[1].0);
            let after_last = out.last().is_none_or(|last| last.index < row.index);
            if ordered && after_last && !row.cells.is_empty() {
                out.push(row);
            }
        }
        Grid { rows: out }
    }

    pub fn row(&self, index: u32) -> Option<&Row> {
        self.rows
            .binary_search_by_key(&index, |r| r.index)
            .ok()
            .map(|i| &self.rows[i])
    }

    pub fn get(&self, row: u32, col: u32) -> Option<&CellValue> {
        self.row(row).and_then(|r| r.get(col))
    }

    /// Rows with index >= `from`, in order.
    pub fn rows_from(&self, from: u32) -> &[Row] {
        let start = self.rows.partition_point(|r| r.index < from);
        &self.rows[start..]
    }

    pub fn cell_count(&self) -> usize {
        self.rows.iter().map(|r| r.cells.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// 0-based index of the last used column, if any.
    pub fn max_col(&self) -> Option<u32> {
        self.rows
            .iter()
            .filter_map(|r| r.cells.last().map(|(c, _)| *c))
            .max()
    }
}

/// A merged range, 0-based inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Merge {
    pub first_row: u32,
    pub first_col: u32,
    pub last_row: u32,
    pub last_col: u32,
}

#[derive(Debug, Clone)]
pub struct Sheet {
    pub name: String,
    pub hidden: bool,
    pub grid: Grid,
    pub merges: Vec<Merge>,
}

impl Sheet {
    /// A sheet of text cells from rows of strings (empty strings are empty cells), for tests.
    #[cfg(test)]
    pub fn from_text_rows(name: &str, rows: &[&[&str]]) -> Sheet {
        let cells = rows.iter().enumerate().flat_map(|(r, row)| {
            row.iter()
                .enumerate()
                .filter(|(_, v)| !v.is_empty())
                .map(move |(c, v)| (r as u32, c as u32, CellValue::Text(v.to_string())))
        });
        Sheet {
            name: name.into(),
            hidden: false,
            grid: Grid::from_cells(cells),
            merges: Vec::new(),
        }
    }

    /// The merged range that covers a cell, if any.
    pub fn merge_at(&self, row: u32, col: u32) -> Option<&Merge> {
        self.merges.iter().find(|m| {
            row >= m.first_row && row <= m.last_row && col >= m.first_col && col <= m.last_col
        })
    }
}

#[derive(Debug, Clone)]
pub struct Workbook {
    pub format: Format,
    /// The worksheets, in workbook order.
    pub sheets: Vec<Sheet>,
    /// The worksheet parts of an xlsx/xlsm as daicho's reader saw them (see [`PartOutline`]);
    /// empty for other formats and for workbooks calamine read.
    pub outlines: Vec<PartOutline>,
    /// The sheets that are not worksheets and hold something daicho does not read (macros,
    /// dialogs), in workbook order: not checked, and the report says so (L005). Chart sheets
    /// hold no cells and are not listed.
    pub skipped: Vec<SkippedSheet>,
}

impl Workbook {
    /// A workbook of worksheets only.
    pub fn new(format: Format, sheets: Vec<Sheet>) -> Workbook {
        Workbook {
            format,
            sheets,
            skipped: Vec::new(),
            outlines: Vec::new(),
        }
    }
}

/// A worksheet part as the reader saw it in its one pass: the XML without its cells
/// (`<sheetData/>` in their place) and the byte offsets of the `sheetData` element in the
/// inflated part (a BOM included). What marking the part in place needs to know before it
/// streams the cells, which would otherwise take a pass of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartOutline {
    /// The part's path in the package (`xl/worksheets/sheet1.xml`).
    pub part: String,
    pub skeleton: String,
    pub data_start: usize,
    pub data_end: usize,
}

/// A sheet of the workbook that daicho cannot read as cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedSheet {
    pub name: String,
    pub kind: SkippedKind,
}

/// What a [`SkippedSheet`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkippedKind {
    /// An Excel 4.0 macro sheet (XLM: formulas that run as a macro, `Auto_Open` …).
    Macro,
    /// An Excel 5.0 dialog sheet (a form drawn for an old macro).
    Dialog,
    /// A VBA module listed as a sheet (Excel 5.0/95 .xls).
    VbaModule,
}

impl SkippedKind {
    /// What the sheet is, for messages.
    pub fn label(self) -> &'static Text {
        match self {
            SkippedKind::Macro => {
                const { &Text::from_static("Excel 4.0 マクロシート", "an Excel 4.0 macro sheet") }
            }
            SkippedKind::Dialog => {
                const { &Text::from_static("ダイアログシート", "a dialog sheet") }
            }
            SkippedKind::VbaModule => {
                const { &Text::from_static("VBA モジュールのシート", "a VBA module sheet") }
            }
        }
    }
}

/// Limits that keep a hostile or absurd file from exhausting memory.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest input file accepted, in bytes.
    pub max_file_bytes: u64,
    /// Most non-empty cells accepted in one sheet.
    pub max_cells_per_sheet: usize,
    /// Largest total uncompressed size of a zip-based workbook's parts, in bytes.
    pub max_uncompressed_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 200 * 1024 * 1024,
            max_cells_per_sheet: 10_000_000,
            max_uncompressed_bytes: 1024 * 1024 * 1024,
        }
    }
}

/// A spreadsheet format of the 1980s–90s that daicho recognises but does not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegacyFormat {
    /// Excel 2.x (BIFF2, BOF record 0x0009).
    Excel2,
    /// Excel 3.0 (BIFF3, BOF record 0x0209).
    Excel3,
    /// Excel 4.0 (BIFF4, BOF record 0x0409).
    Excel4,
    /// Quattro Pro for DOS (.wq1/.wq2).
    QuattroProDos,
    /// Quattro Pro for Windows (.wb1/.wb2/.wb3) or its OLE successor (.qpw).
    QuattroPro,
}

impl LegacyFormat {
    fn name(self) -> &'static str {
        match self {
            LegacyFormat::Excel2 => "Excel 2.x (.xls, BIFF2)",
            LegacyFormat::Excel3 => "Excel 3.0 (.xls, BIFF3)",
            LegacyFormat::Excel4 => "Excel 4.0 (.xls, BIFF4)",
            LegacyFormat::QuattroProDos => "Quattro Pro for DOS (.wq1/.wq2)",
            LegacyFormat::QuattroPro => "Quattro Pro (.wb1/.wb2/.wb3/.qpw)",
        }
    }

    fn is_excel(self) -> bool {
        matches!(
            self,
            LegacyFormat::Excel2 | LegacyFormat::Excel3 | LegacyFormat::Excel4
        )
    }
}

/// Why a file could not be read. Each kind maps to one clear message telling the user what to do.
#[derive(Debug, Clone, PartialEq)]
pub enum ReadError {
    NotFound,
    /// The path exists but cannot be opened (permissions, a folder, a locked file …).
    Io(String),
    EmptyFile,
    /// Password-protected (encrypted) workbook.
    Encrypted,
    /// Looks like a workbook of this format but is damaged (truncated zip, broken XML …).
    Corrupt {
        format: Format,
        detail: String,
    },
    /// The bytes are not a spreadsheet at all although the extension says so.
    NotSpreadsheet {
        extension: String,
    },
    /// An extension daicho does not read.
    UnsupportedExtension(String),
    /// A spreadsheet in a format older than Excel 97 that daicho knows but does not read.
    Legacy(LegacyFormat),
    /// A text file that is neither valid UTF-8 nor CP932.
    UnknownEncoding,
    FileTooLarge {
        bytes: u64,
        limit: u64,
    },
    TooManyCells {
        sheet: String,
        limit: usize,
    },
    /// All sheets together hold more than the cell limit (a workbook of many full sheets).
    TooManyCellsInWorkbook {
        limit: usize,
    },
    DecompressedTooLarge {
        limit: u64,
    },
    /// The reader panicked (or its child process died) on this file.
    ReaderCrashed {
        detail: String,
    },
    /// A folder argument that holds no spreadsheet.
    EmptyFolder,
    /// A glob argument that matched no spreadsheet.
    NoMatch {
        pattern: String,
    },
    /// daicho's own code (rules, the annotated-workbook writer …) panicked on this file; the file
    /// itself was read.
    Internal {
        detail: String,
    },
}

impl ReadError {
    /// Stable machine-readable kind for the JSON `error.kind` field.
    pub fn kind(&self) -> &'static str {
        match self {
            ReadError::NotFound => "not-found",
            ReadError::Io(_) => "io",
            ReadError::EmptyFile => "empty-file",
            ReadError::Encrypted => "password-protected",
            ReadError::Corrupt { .. } => "corrupt",
            ReadError::NotSpreadsheet { .. } => "not-a-spreadsheet",
            ReadError::UnsupportedExtension(_) => "unsupported-format",
            ReadError::Legacy(_) => "unsupported-format",
            ReadError::UnknownEncoding => "unknown-encoding",
            ReadError::FileTooLarge { .. } => "file-too-large",
            ReadError::TooManyCells { .. } => "too-many-cells",
            ReadError::TooManyCellsInWorkbook { .. } => "too-many-cells",
            ReadError::DecompressedTooLarge { .. } => "decompressed-too-large",
            ReadError::ReaderCrashed { .. } => "reader-crashed",
            ReadError::EmptyFolder => "empty-folder",
            ReadError::NoMatch { .. } => "no-match",
            ReadError::Internal { .. } => "internal",
        }
    }

    /// What is wrong and what to do, in the user's language.
    /// What is wrong and what to do, in both languages.
    pub fn text(&self) -> Text {
        match self {
            ReadError::NotFound => Text::from_static(
                "ファイルが見つかりません。パスを確認してください。",
                "File not found. Check the path.",
            ),
            ReadError::Io(d) => Text::new(
                format!("ファイルを開けません({d})。アクセス権や、他のプログラムで開いていないかを確認してください。"),
                format!("Cannot open the file ({d}). Check permissions and that no other program holds it."),
            ),
            ReadError::EmptyFile => Text::from_static(
                "ファイルが空です(0バイト)。保存し直したファイルを指定してください。",
                "The file is empty (0 bytes). Save the workbook again and retry.",
            ),
            ReadError::Encrypted => Text::from_static(
                "パスワードで保護されたブックは読めません。Excelでパスワードを解除して保存し直してから、もう一度実行してください。",
                "The workbook is password-protected. Remove the password in Excel, save it again, then rerun.",
            ),
            ReadError::Corrupt { format, detail } => Text::new(
                format!("{}ファイルが壊れているため読めません({detail})。Excelで開いて「名前を付けて保存」し直すか、バックアップを使ってください。", format.label()),
                format!("The {} file is damaged and cannot be read ({detail}). Open it in Excel and save it again, or use a backup.", format.label()),
            ),
            ReadError::NotSpreadsheet { extension } => Text::new(
                format!("拡張子は .{extension} ですが、中身が表計算ファイルではありません。正しいファイルか確認してください。"),
                format!("The extension is .{extension} but the content is not a spreadsheet. Check that this is the right file."),
            ),
            ReadError::UnsupportedExtension(e) => Text::new(
                format!("この形式(.{e})には対応していません。.xlsx/.xlsm/.xls/.xlsb/.ods/.csv/.tsv で保存してください。"),
                format!("Unsupported format (.{e}). Save as .xlsx/.xlsm/.xls/.xlsb/.ods/.csv/.tsv."),
            ),
            ReadError::Legacy(f) if f.is_excel() => Text::new(
                format!("このファイルは {} 形式(1987〜1992年頃の古い形式)のため読めません。LibreOffice Calc で開き、「名前を付けて保存」で Excel 2007-365 (.xlsx) 形式を選んで保存し直してから、もう一度実行してください(Excel ではセキュリティ センターの「ファイル制限機能の設定」により開けないことがあります)。", f.name()),
                format!("This is an {} file (a format from 1987-1992), which daicho does not read. Open it in LibreOffice Calc and use Save As > Excel 2007-365 (.xlsx), then rerun (Excel may refuse to open it under Trust Center > File Block Settings).", f.name()),
            ),
            ReadError::Legacy(f) => Text::new(
                format!("このファイルは {} 形式の表計算ファイルのため読めません。Quattro Pro で開いて「名前を付けて保存」で Excel 形式(.xlsx)を選ぶか、LibreOffice Calc で開いて .xlsx で保存し直してから、もう一度実行してください。", f.name()),
                format!("This is a {} spreadsheet, which daicho does not read. Open it in Quattro Pro and save it in Excel format (.xlsx), or open it in LibreOffice Calc and save it as .xlsx, then rerun.", f.name()),
            ),
            ReadError::UnknownEncoding => Text::from_static(
                "文字コードを判別できません(UTF-8でもShift_JISでもありません)。ExcelでCSV(UTF-8)として保存し直してください。",
                "Unknown text encoding (neither UTF-8 nor Shift_JIS). Save the CSV again as UTF-8 from Excel.",
            ),
            ReadError::FileTooLarge { bytes, limit } => Text::new(
                format!("ファイルが大きすぎます({}MB、上限{}MB)。必要なら daicho.toml の [limits] max_file_mb で上限を上げてください。", bytes / 1_048_576, limit / 1_048_576),
                format!("File too large ({} MB, limit {} MB). Raise [limits] max_file_mb in daicho.toml if needed.", bytes / 1_048_576, limit / 1_048_576),
            ),
            ReadError::TooManyCells { sheet, limit } => Text::new(
                format!("シート「{sheet}」のセル数が上限({limit})を超えています。必要なら daicho.toml の [limits] max_cells で上限を上げてください。"),
                format!("Sheet '{sheet}' has more cells than the limit ({limit}). Raise [limits] max_cells in daicho.toml if needed."),
            ),
            ReadError::TooManyCellsInWorkbook { limit } => Text::new(
                format!("ブック全体のセル数が上限({limit})を超えています。必要なら daicho.toml の [limits] max_cells で上限を上げてください(1シートとブック全体の両方の上限です)。"),
                format!("The workbook as a whole has more cells than the limit ({limit}). Raise [limits] max_cells in daicho.toml if needed (it limits each sheet and the whole workbook)."),
            ),
            ReadError::DecompressedTooLarge { limit } => Text::new(
                format!("展開後のサイズが上限({}MB)を超えるため読みません(圧縮爆弾の可能性)。正当なファイルなら daicho.toml の [limits] max_uncompressed_mb を上げてください。", limit / 1_048_576),
                format!("The workbook decompresses beyond the limit ({} MB); refusing (possible zip bomb). If it is genuine, raise [limits] max_uncompressed_mb in daicho.toml.", limit / 1_048_576),
            ),
            ReadError::ReaderCrashed { .. } => Text::from_static(
                "ファイルの内部構造が壊れているため読めませんでした。Excelで開いて保存し直すか、バックアップを使ってください。",
                "The file's internal structure is damaged and could not be read. Open it in Excel and save it again, or use a backup.",
            ),
            ReadError::EmptyFolder => Text::from_static(
                "このフォルダには表計算ファイル(.xlsx/.xlsm/.xls/.xlsb/.ods/.csv/.tsv)がありません。台帳のファイルかフォルダを指定してください。",
                "This folder holds no spreadsheet (.xlsx/.xlsm/.xls/.xlsb/.ods/.csv/.tsv). Name a ledger file or a folder that holds one.",
            ),
            ReadError::NoMatch { pattern } => Text::new(
                format!("パターン「{pattern}」に一致する表計算ファイルがありません。パターンかフォルダを確認してください。"),
                format!("No spreadsheet matches the pattern '{pattern}'. Check the pattern and the folder."),
            ),
            ReadError::Internal { .. } => Text::from_static(
                "daicho の内部エラーです。お手数ですがファイルを添えて報告してください。ほかのファイルの検査は続けます。",
                "Internal error in daicho. Please report it with the file attached. The other files are still checked.",
            ),
        }
    }

    /// [`Self::text`] in the user's language.
    pub fn message(&self, lang: crate::Lang) -> String {
        self.text().into_string(lang)
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(crate::Lang::En))
    }
}

impl std::error::Error for ReadError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_folder_and_no_match_have_their_own_kind_and_advice() {
        use crate::Lang;
        assert_eq!(ReadError::EmptyFolder.kind(), "empty-folder");
        let ja = ReadError::EmptyFolder.message(Lang::Ja);
        assert!(ja.contains("台帳のファイルかフォルダを指定"), "{ja}");
        assert!(!ja.contains("アクセス権"), "{ja}");
        let m = ReadError::NoMatch {
            pattern: "*.xlsx".into(),
        };
        assert_eq!(m.kind(), "no-match");
        assert!(m.message(Lang::En).contains("*.xlsx"));
        assert!(!m.message(Lang::En).contains("permissions"));
        let i = ReadError::Internal {
            detail: "boom".into(),
        };
        assert_eq!(i.kind(), "internal");
        assert!(i.message(Lang::Ja).contains("内部エラー"));
    }

    #[test]
    fn grid_is_sparse_and_sorted() {
        let g = Grid::from_cells(vec![
            (5, 1, CellValue::Number(1.0)),
            (0, 0, CellValue::Text("a".into())),
            (1048575, 16383, CellValue::Text("far".into())),
            (0, 2, CellValue::Text(String::new())),
        ]);
        assert_eq!(g.rows().len(), 3);
        assert_eq!(g.cell_count(), 3);
        assert_eq!(g.get(5, 1), Some(&CellValue::Number(1.0)));
        assert_eq!(g.get(0, 2), None);
        assert_eq!(g.rows_from(1).len(), 2);
    }
}

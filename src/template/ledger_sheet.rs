//! The standard ledger sheet: the one layout `daicho template` writes empty and `daicho convert`
//! writes filled. Generated from the field table (`templates/fields.toml`) — labels, order, roles
//! and header notes — and from the status/kind vocabularies, so the sheet and the checker read
//! the same words.

use super::style;
use super::vocab;
use crate::layout::{Field, FieldRole};
use crate::workbook::CellValue;
use crate::xlsx_out::{write_cell, CellFormats};
use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, IgnoreError, Note, Workbook, Worksheet, XlsxError,
};

/// The sheet name of the standard ledger.
pub const LEDGER_SHEET_NAME: &str = "機器台帳";
/// 0-based rows of the layout: a title, a guide line, the header, then one device per row.
pub const TITLE_ROW: u32 = 0;
pub const GUIDE_ROW: u32 = 1;
pub const HEADER_ROW: u32 = 2;
pub const FIRST_DATA_ROW: u32 = 3;
/// Dropdowns and input help cover at least this many rows, and this many below the last device,
/// so a hospital can keep adding devices.
const MIN_INPUT_ROWS: u32 = 1000;
const SPARE_INPUT_ROWS: u32 = 500;
const LAST_EXCEL_ROW: u32 = 1_048_575;
/// Above this many cells a sheet is written in rust_xlsxwriter's constant-memory mode.
pub const CONSTANT_MEMORY_CELLS: usize = 50_000;

/// The guide line under the title.
pub const GUIDE: &str = "1行に1台ずつ記入します。見出しにマウスを合わせると書き方が出ます。状態・機器種別・リモート保守は一覧から選べます。見出しの色: 赤=必須、黄=推奨、青=任意、灰=元の台帳にあった列。";

/// Header fills by role.
const FILL_CORE: u32 = 0xF8CBAD;
const FILL_RECOMMENDED: u32 = 0xFFE699;
const FILL_OPTIONAL: u32 = 0xDDEBF7;
const FILL_EXTRA: u32 = 0xE7E6E6;

/// One device in the standard layout.
#[derive(Debug, Clone, PartialEq)]
pub struct StandardRow {
    /// One value per [`Field::ALL`], in that order; `None` is a blank cell.
    pub fields: [Option<CellValue>; Field::ALL.len()],
    /// One value per extra column (columns daicho does not know, kept after the standard ones).
    pub extra: Vec<Option<CellValue>>,
}

impl StandardRow {
    pub fn new(extra_columns: usize) -> StandardRow {
        StandardRow {
            fields: Default::default(),
            extra: vec![None; extra_columns],
        }
    }

    pub fn get(&self, f: Field) -> Option<&CellValue> {
        self.fields[f.index()].as_ref()
    }

    pub fn set(&mut self, f: Field, value: Option<CellValue>) {
        self.fields[f.index()] = value;
    }
}

/// The 0-based column of a field in the standard layout.
pub fn field_col(f: Field) -> u32 {
    f.index() as u32
}

/// The 0-based column of the n-th extra column.
pub fn extra_col(n: usize) -> u32 {
    (Field::ALL.len() + n) as u32
}

/// Whether a field's cells are text even when they look like numbers (`001`, `2.0`).
fn is_text_field(f: Field) -> bool {
    matches!(
        f,
        Field::Id | Field::SoftwareVersion | Field::Ip | Field::Mac | Field::Model
    )
}

fn role_label(role: FieldRole) -> &'static str {
    match role {
        FieldRole::Core => "必須",
        FieldRole::Recommended => "推奨",
        FieldRole::Optional => "任意",
    }
}

fn role_fill(role: FieldRole) -> u32 {
    match role {
        FieldRole::Core => FILL_CORE,
        FieldRole::Recommended => FILL_RECOMMENDED,
        FieldRole::Optional => FILL_OPTIONAL,
    }
}

/// The note on a field's header cell: its role and what to enter and why (from the field table).
pub fn header_note_text(f: Field) -> String {
    let mut text = format!("{}({})\n{}", f.label(), role_label(f.role()), f.note());
    match f {
        Field::Status => text.push_str(&format!("\n一覧: {}", vocab::status_words().join(" / "))),
        Field::Kind => text.push_str(&format!("\n一覧: {}", vocab::kind_words().join(" / "))),
        _ => {}
    }
    text
}

const EXTRA_NOTE: &str =
    "変換元の台帳にあった列です。daicho はこの列を検査しませんが、値はそのまま残します。";

fn note(text: &str) -> Note {
    // About 24 kanji per line at 9 pt in a 320 px box; size the box so the whole text shows.
    let lines: usize = text
        .lines()
        .map(|l| style::display_width(l).div_ceil(46).max(1))
        .sum();
    let height = (16 + lines * 15).min(600) as u32;
    Note::new(text)
        .add_author_prefix(false)
        .set_author("daicho")
        .set_font_name(style::FONT)
        .set_font_size(9)
        .set_width(320)
        .set_height(height)
}

/// Writes the standard ledger sheet: title and guide rows, the header (exactly the field labels,
/// then `extra_columns`) with a note on each cell, one row per device, frozen header,
/// autofilter, column widths fitted to Japanese text, dropdowns for 状態 / 機器種別 / リモート保守,
/// a date format on 登録日 and input help on the IP column.
///
/// `name` is the sheet name and title. Every row's `extra` must have `extra_columns.len()` values
/// (missing ones are written blank, surplus ones ignored).
pub fn write_ledger_sheet(
    book: &mut Workbook,
    name: &str,
    devices: &[StandardRow],
    extra_columns: &[String],
) -> Result<(), XlsxError> {
    let sheet = add_ledger_worksheet(book, devices.len(), extra_columns.len())?;
    let rows = (devices.iter())
        .map(|d| d.slots(extra_columns.len()))
        .enumerate();
    write_ledger_rows(sheet, name, devices.len(), rows, extra_columns)
}

/// Where a value of the standard ledger goes: a field's column or the n-th extra column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    Field(Field),
    Extra(usize),
}

impl Slot {
    /// The slot of a column of the standard ledger sheet.
    pub fn of_col(col: u32) -> Slot {
        match Field::ALL.get(col as usize) {
            Some(f) => Slot::Field(*f),
            None => Slot::Extra(col as usize - Field::ALL.len()),
        }
    }
}

impl StandardRow {
    /// Its values and where each goes: the fields in [`Field::ALL`] order, then the first
    /// `extra_columns` extra values.
    pub fn slots(&self, extra_columns: usize) -> impl Iterator<Item = (Slot, &CellValue)> {
        let fields = (Field::ALL.iter().zip(&self.fields))
            .filter_map(|(f, v)| v.as_ref().map(|v| (Slot::Field(*f), v)));
        let extras = (self.extra.iter().take(extra_columns).enumerate())
            .filter_map(|(n, v)| v.as_ref().map(|v| (Slot::Extra(n), v)));
        fields.chain(extras)
    }
}

/// The worksheet [`write_ledger_rows`] fills, added to `book`: streamed to disk row by row when
/// big (rows are written strictly in order). Refused when the ledger does not fit in a sheet.
pub fn add_ledger_worksheet(
    book: &mut Workbook,
    devices: usize,
    extra_columns: usize,
) -> Result<&mut Worksheet, XlsxError> {
    let total_cols = Field::ALL.len() + extra_columns;
    if devices as u64 + u64::from(FIRST_DATA_ROW) > u64::from(LAST_EXCEL_ROW) + 1
        || total_cols > 16_384
    {
        return Err(XlsxError::RowColumnLimitError);
    }
    if devices * total_cols > CONSTANT_MEMORY_CELLS {
        book.add_worksheet_with_constant_memory()
    } else {
        Ok(book.add_worksheet())
    }
}

/// Fills the sheet of [`write_ledger_sheet`] from `rows`: each device's index (ascending; a
/// device without values may be left out) with its values ([`StandardRow::slots`]), `count`
/// devices in all.
pub fn write_ledger_rows<'v, R, V>(
    sheet: &mut Worksheet,
    name: &str,
    count: usize,
    rows: R,
    extra_columns: &[String],
) -> Result<(), XlsxError>
where
    R: Iterator<Item = (usize, V)>,
    V: Iterator<Item = (Slot, &'v CellValue)>,
{
    let total_cols = Field::ALL.len() + extra_columns.len();
    let last_col = (total_cols - 1) as u16;
    sheet.set_name(name)?;

    let cell = style::cell();
    let text_cell = style::text_cell();
    let date_cell = style::date_cell();
    let datetime_cell = style::datetime_cell();
    let column_format = |f: Field| match f {
        Field::Registered => &date_cell,
        f if is_text_field(f) => &text_cell,
        _ => &cell,
    };

    sheet.write_string_with_format(TITLE_ROW, 0, name, &style::title())?;
    sheet.write_string_with_format(GUIDE_ROW, 0, GUIDE, &style::guide())?;
    sheet.set_row_height(HEADER_ROW, 33)?;

    // Header row, notes and column formats.
    let mut widths: Vec<usize> = Vec::with_capacity(total_cols);
    for f in Field::ALL {
        let col = field_col(f) as u16;
        sheet.write_string_with_format(
            HEADER_ROW,
            col,
            f.label(),
            &style::header(role_fill(f.role())),
        )?;
        sheet.insert_note(HEADER_ROW, col, &note(&header_note_text(f)))?;
        sheet.set_column_format(col, column_format(f))?;
        widths.push(header_width(f.label()));
    }
    for (n, header) in extra_columns.iter().enumerate() {
        let col = extra_col(n) as u16;
        sheet.write_string_with_format(HEADER_ROW, col, header, &style::header(FILL_EXTRA))?;
        sheet.insert_note(HEADER_ROW, col, &note(EXTRA_NOTE))?;
        sheet.set_column_format(col, &cell)?;
        widths.push(header_width(header));
    }

    // Devices.
    let cell_formats = CellFormats {
        text: &cell,
        number: &cell,
        date: &date_cell,
        datetime: &datetime_cell,
        column: None,
    };
    let field_text_formats = CellFormats {
        text: &text_cell,
        ..cell_formats
    };
    // Each column's own format (set with the header): its values are written without one of
    // their own where it is theirs.
    for (i, values) in rows {
        let row = FIRST_DATA_ROW + i as u32;
        for (slot, value) in values {
            let (col, formats, column) = match slot {
                Slot::Field(f) if is_text_field(f) => {
                    (field_col(f), field_text_formats, column_format(f))
                }
                Slot::Field(f) => (field_col(f), cell_formats, column_format(f)),
                Slot::Extra(n) if n < extra_columns.len() => (extra_col(n), cell_formats, &cell),
                Slot::Extra(_) => continue,
            };
            write_cell(
                sheet,
                row,
                col as u16,
                value,
                Some(formats.in_column(column)),
            )?;
            fit(&mut widths[col as usize], value);
        }
    }
    for (col, w) in widths.iter().enumerate() {
        sheet.set_column_width(col as u16, style::column_width(*w, 8, 50))?;
    }

    // The last row of the table: the header alone when there are no devices yet.
    let last_device_row = match count as u32 {
        0 => HEADER_ROW,
        n => FIRST_DATA_ROW + n - 1,
    };
    if count > 0 {
        for f in Field::ALL.into_iter().filter(|f| is_text_field(*f)) {
            let col = field_col(f) as u16;
            sheet.ignore_error_range(
                FIRST_DATA_ROW,
                col,
                last_device_row,
                col,
                IgnoreError::NumberStoredAsText,
            )?;
        }
    }

    // Input help over the devices and well below them.
    let last_input_row = (FIRST_DATA_ROW + (count as u32 + SPARE_INPUT_ROWS).max(MIN_INPUT_ROWS)
        - 1)
    .min(LAST_EXCEL_ROW);
    add_dropdowns(sheet, last_input_row)?;

    sheet.set_freeze_panes(FIRST_DATA_ROW, 1)?;
    sheet.autofilter(HEADER_ROW, 0, last_device_row, last_col)?;
    sheet.set_landscape();
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(TITLE_ROW, HEADER_ROW)?;
    Ok(())
}

/// Header labels also need room for the autofilter button.
fn header_width(label: &str) -> usize {
    style::display_width(label) + 3
}

fn fit(width: &mut usize, value: &CellValue) {
    let w = match value {
        CellValue::Text(s) => style::display_width(s).min(60),
        CellValue::DateTime(_) => 10,
        other => style::display_width(&other.display()),
    };
    *width = (*width).max(w);
}

fn list_validation(
    words: &[&str],
    title: &str,
    message: &str,
) -> Result<DataValidation, XlsxError> {
    // A warning, not a stop: a hospital may still need a word outside the list (the checker then
    // explains it), and converted ledgers keep what was typed.
    DataValidation::new()
        .allow_list_strings(words)?
        .set_error_style(DataValidationErrorStyle::Warning)
        .set_error_title(title)?
        .set_error_message(message)
}

fn add_dropdowns(sheet: &mut Worksheet, last_row: u32) -> Result<(), XlsxError> {
    let status_words = vocab::status_words();
    let status = list_validation(
        &status_words,
        "状態",
        &format!(
            "{} から選んでください。詳しい事情(修理中など)は備考に書きます。",
            status_words.join(" / ")
        ),
    )?;
    let kind_words = vocab::kind_words();
    let kind = list_validation(
        &kind_words,
        "機器種別",
        &format!("{} から選んでください。", kind_words.join(" / ")),
    )?;
    let remote = list_validation(
        &vocab::REMOTE_MAINTENANCE,
        "リモート保守",
        "有 / 無 から選んでください。",
    )?;
    let ip = DataValidation::new()
        .allow_any_value()
        .set_input_title("IPアドレスの書き方")?
        .set_input_message(
            "半角で入力します(例: 192.168.1.10)。複数あるときは「,」で区切ります。DHCPで取得する機器は「DHCP」、ネットワークにつながない機器は「-」と書きます。",
        )?;
    for (f, dv) in [
        (Field::Status, &status),
        (Field::Kind, &kind),
        (Field::RemoteMaintenance, &remote),
        (Field::Ip, &ip),
    ] {
        let col = field_col(f) as u16;
        sheet.add_data_validation(FIRST_DATA_ROW, col, last_row, col, dv)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_header_note_says_role_and_guidance() {
        for f in Field::ALL {
            let t = header_note_text(f);
            assert!(t.starts_with(f.label()), "{t}");
            assert!(t.contains(f.note()), "{t}");
        }
        assert!(header_note_text(Field::Status).contains("稼働 / 停止 / 廃棄"));
    }

    #[test]
    fn writes_an_empty_and_a_filled_sheet() {
        let mut book = style::new_workbook().expect("book");
        write_ledger_sheet(&mut book, LEDGER_SHEET_NAME, &[], &[]).expect("empty");
        let mut row = StandardRow::new(1);
        row.set(Field::Id, Some(CellValue::Text("001".into())));
        row.extra[0] = Some(CellValue::Text("=SUM(A1)".into()));
        write_ledger_sheet(&mut book, "変換", &[row], &["旧No".to_string()]).expect("filled");
        let bytes = book.save_to_buffer().expect("save");
        assert!(bytes.len() > 1000);
    }
}

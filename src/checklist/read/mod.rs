//! Reading a checklist sheet in any layout: item rows are found by their numbers (2-①, 2-(1),
//! (1), ①, 2-1) and by their texts (matched after NFKC and whitespace removal, tolerant of
//! retyping), answer columns by their header labels (はい / いいえ / 回答, 1回目 / 2回目, 確認日,
//! 目標日) or, without labels, by their values. Nothing here judges; `lint` does.
//!
//! - [`detect`] — is a sheet a checklist at all (and what each row looks like to the finder).
//! - [`columns`] — header labels → column roles and rounds (or, without labels, by values).
//! - [`edition`] — which edition a sheet is (numbers, texts, the title's year).
//! - [`fields`] — the form's header fields (医療機関名, 記入者, 確認日 …).
//! - [`items`] — [`read_sheet`]: the table, its item rows and sub-rows, their answers.

mod columns;
mod detect;
mod edition;
mod fields;
mod items;

pub use detect::is_checklist_with;
pub use fields::FieldCell;
pub use items::read_sheet;

use crate::checklist::edition::{Edition, Form};
use crate::checklist::parse::{Answer, DateValue, ItemNo, Target};
use crate::text;
use crate::workbook::{CellValue, Sheet};
use chrono::NaiveDate;
use std::sync::Arc;

/// Rows from the top examined for items (a checklist is a few dozen rows).
const SCAN_ROWS: u32 = 400;
/// Rows from the top examined to decide whether a sheet is a checklist at all.
const DETECT_ROWS: u32 = 200;
/// Columns examined.
const SCAN_COLS: u32 = 64;
/// Bigram similarity from which a cell is taken for an item's text.
pub const TEXT_MATCH: f64 = 0.6;
/// Marker daicho writes in the first row of the filled-in sheet of an annotated workbook (see
/// `render`), shared with `layout::is_daicho_sheet`.
pub const RENDER_MARKER: &str = crate::layout::CHECKLIST_MARKER;

/// One round's cells of an item row.
#[derive(Debug, Clone, Default)]
pub struct RoundCells {
    pub answer: Answer,
    /// The cell findings about the answer point at (the answer cell, or the はい column).
    pub answer_col: Option<u32>,
    /// The いいえ column when the form has separate はい/いいえ columns (answered with a mark);
    /// `None` when one cell holds the answer.
    pub no_col: Option<u32>,
    pub check: DateValue,
    /// `None` when the sheet has no 確認日 column for this round.
    pub check_col: Option<u32>,
    pub target: DateValue,
    pub target_col: Option<u32>,
}

impl RoundCells {
    pub fn is_empty(&self) -> bool {
        self.answer == Answer::None && self.check.is_blank() && self.target.is_blank()
    }
}

/// A row of a checklist that answers an item (or one target of it), or the gate question.
#[derive(Debug, Clone)]
pub struct ItemRow {
    /// 0-based row.
    pub row: u32,
    /// The number as typed, if any.
    pub number: Option<String>,
    pub no: Option<ItemNo>,
    /// The section the number belongs to (from the number, a heading above, or the sequence).
    pub section: Option<u32>,
    pub text: Option<String>,
    /// Column of the item text (or of the number when there is no text).
    pub col: u32,
    /// The targets this row answers (empty: the whole item).
    pub targets: Vec<Target>,
    /// The matched item of the sheet's edition.
    pub item: Option<usize>,
    /// A per-target row under an item row (the item cell is merged or blank).
    pub sub_row: bool,
    pub rounds: [RoundCells; 2],
}

/// A checklist sheet as read.
#[derive(Debug, Clone)]
pub struct ChecklistSheet {
    pub sheet_index: usize,
    pub name: String,
    pub form: Form,
    /// `None`: the edition could not be recognised (items are C006, answers are not used).
    pub edition: Option<Arc<Edition>>,
    /// The edition the title names when daicho does not know it (「令和8年度版」).
    pub named_edition: Option<String>,
    /// daicho's own filled-in sheet (a re-checked output).
    pub rendered: bool,
    /// First non-empty row (for sheet-level findings).
    pub first_row: u32,
    pub fields: Vec<FieldCell>,
    pub gate: Option<ItemRow>,
    pub rows: Vec<ItemRow>,
    /// Whether the sheet has a 確認日 column for each round.
    pub has_check_col: [bool; 2],
}

impl ChecklistSheet {
    /// A header field by the edition's label.
    pub fn field(&self, label: &str) -> Option<&FieldCell> {
        self.fields.iter().find(|f| f.label == label)
    }

    /// The date of the form's header 確認日 field, when filled in.
    pub fn header_check_date(&self) -> Option<NaiveDate> {
        self.fields
            .iter()
            .filter(|f| f.date)
            .find_map(|f| f.date_value)
    }

    /// Whether the gate question is answered いいえ (no item then needs an answer).
    pub fn gate_says_no(&self) -> bool {
        self.gate
            .as_ref()
            .is_some_and(|g| g.rounds.iter().any(|r| r.answer == Answer::No))
    }
}

/// Whether a sheet is daicho's own filled-in checklist sheet.
pub fn is_rendered_sheet(sheet: &Sheet) -> bool {
    sheet
        .grid
        .rows()
        .iter()
        .take_while(|r| r.index < 5)
        .flat_map(|r| r.cells.iter())
        .any(|(_, v)| v.as_text().is_some_and(|s| s.starts_with(RENDER_MARKER)))
}

/// The value of a cell, or of the merged range covering it (its top-left cell).
fn cell(sheet: &Sheet, row: u32, col: u32) -> Option<&CellValue> {
    match sheet.grid.get(row, col) {
        Some(v) if !v.is_blank() => Some(v),
        _ => sheet
            .merge_at(row, col)
            .filter(|m| (m.first_row, m.first_col) != (row, col))
            .and_then(|m| sheet.grid.get(m.first_row, m.first_col))
            .filter(|v| !v.is_blank()),
    }
}

fn cell_text(sheet: &Sheet, row: u32, col: u32) -> Option<String> {
    sheet.grid.get(row, col).and_then(|v| match v {
        CellValue::Text(s) if !text::trim(s).is_empty() => Some(text::trim(s).to_string()),
        _ => None,
    })
}

//! The form's header fields (医療機関名, 記入者, 確認日 …): a label, and its value to the right, below,
//! or after a colon in the same cell.

use super::SCAN_ROWS;
use crate::checklist::parse::{is_blank_form_text, parse_form_date};
use crate::text;
use crate::workbook::{CellValue, Sheet};
use chrono::NaiveDate;
use std::collections::HashSet;

/// A header field of the form as found on the sheet.
#[derive(Debug, Clone)]
pub struct FieldCell {
    /// The edition's label (医療機関名, 記入者 …).
    pub label: String,
    pub required: bool,
    pub date: bool,
    /// Where the label is (0-based), `None` when the sheet has no such label.
    pub label_at: Option<(u32, u32)>,
    /// Where the value is or should be.
    pub value_at: Option<(u32, u32)>,
    pub value: Option<CellValue>,
    /// The value read as a date (date fields only).
    pub date_value: Option<NaiveDate>,
}

impl FieldCell {
    pub fn is_blank(&self) -> bool {
        self.value.as_ref().is_none_or(|v| {
            v.is_blank()
                || v.as_text()
                    .is_some_and(|s| is_blank_form_text(&text::key(s)))
        })
    }

    pub fn display(&self) -> Option<String> {
        (!self.is_blank())
            .then(|| self.value.as_ref().map(|v| v.display()))
            .flatten()
    }
}

/// The form's header fields as found on the sheet (the rows in `skip` are the table's).
pub(super) fn read_fields(
    sheet: &Sheet,
    fields: &[crate::checklist::edition::FormField],
    skip: &HashSet<u32>,
    as_of: NaiveDate,
) -> Vec<FieldCell> {
    let all_labels: Vec<String> = fields
        .iter()
        .flat_map(|f| f.names().map(text::key))
        .collect();
    let mut out = Vec::new();
    for f in fields {
        out.push(
            find_field(sheet, f, skip, &all_labels).unwrap_or(FieldCell {
                label: f.label.clone(),
                required: f.required,
                date: f.date,
                label_at: None,
                value_at: None,
                value: None,
                date_value: None,
            }),
        );
    }
    for f in out.iter_mut().filter(|f| f.date) {
        f.date_value = f
            .value
            .as_ref()
            .and_then(|v| parse_form_date(v, as_of).date());
    }
    out
}

/// A label without its decoration (「■医療機関名：」 → 「医療機関名」), as a [`text::key`].
fn strip_label(k: &str) -> String {
    k.trim_end_matches([':', '：', '*', '※'])
        .trim_start_matches(['■', '●', '・', '*', '※'])
        .to_string()
}

/// The first cell, row by row, labelled as the field (its value to the right before the next
/// label, or below), or holding 「label：value」; `None` when the sheet has no such label.
fn find_field(
    sheet: &Sheet,
    f: &crate::checklist::edition::FormField,
    skip: &HashSet<u32>,
    all_labels: &[String],
) -> Option<FieldCell> {
    let is_label = |s: &str| all_labels.contains(&strip_label(&text::key(s)));
    let names: Vec<String> = f.names().map(text::key).collect();
    for row in sheet.grid.rows().iter().take_while(|r| r.index < SCAN_ROWS) {
        if skip.contains(&row.index) {
            continue;
        }
        for (col, v) in &row.cells {
            let Some(s) = v.as_text() else { continue };
            let k = text::key(s);
            let base = strip_label(&k);
            let merge_end = sheet
                .merge_at(row.index, *col)
                .map(|m| m.last_col)
                .unwrap_or(*col);
            let mut cell = FieldCell {
                label: f.label.clone(),
                required: f.required,
                date: f.date,
                label_at: Some((row.index, *col)),
                value_at: Some((row.index, merge_end + 1)),
                value: None,
                date_value: None,
            };
            if names.contains(&base) {
                // The value is to the right (before the next label) or below.
                let right = row
                    .cells
                    .iter()
                    .filter(|(c, _)| *c > merge_end && *c <= merge_end + 6)
                    .find(|(_, v)| !v.is_blank());
                match right {
                    Some((c, v)) if !v.as_text().is_some_and(is_label) => {
                        cell.value_at = Some((row.index, *c));
                        cell.value = Some(v.clone());
                    }
                    Some(_) => {}
                    None => {
                        let below = row.index + 1;
                        if !skip.contains(&below) {
                            if let Some(v) = sheet
                                .grid
                                .get(below, *col)
                                .filter(|v| !v.is_blank() && !v.as_text().is_some_and(is_label))
                            {
                                if sheet.grid.row(below).is_some_and(|r| {
                                    r.cells.iter().filter(|(_, v)| !v.is_blank()).count() <= 2
                                }) {
                                    cell.value_at = Some((below, *col));
                                    cell.value = Some(v.clone());
                                }
                            }
                        }
                    }
                }
                return Some(cell);
            }
            // 「医療機関名：○○病院」 in one cell.
            if let Some(name) = names
                .iter()
                .find(|n| k.starts_with(n.as_str()) && k.len() > n.len())
            {
                let rest = &k[name.len()..];
                if rest.starts_with([':', '：']) {
                    let raw = s
                        .split_once([':', '：'])
                        .map(|x| text::trim(x.1).to_string())
                        .unwrap_or_default();
                    cell.value_at = Some((row.index, *col));
                    cell.value = (!raw.is_empty()).then_some(CellValue::Text(raw));
                    return Some(cell);
                }
            }
        }
    }
    None
}

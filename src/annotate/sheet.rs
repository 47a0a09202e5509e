//! Copying one original sheet into the annotated workbook: every value at its address with its
//! type, merged ranges, the styled and frozen header, and the fill and note of each flagged cell.
//!
//! Everything is written strictly in row order, so the same code serves rust_xlsxwriter's
//! constant-memory mode, where a write to an earlier row is silently dropped: merges are emitted
//! when their first row is reached, and a flagged cell gets its fill in the same write call as
//! its value.

use super::styles::{Fill, NumKind, Styles, FONT_NAME};
use crate::workbook::{CellValue, Merge, Sheet};
use crate::xlsx_out::{excel_can_show, write_cell, CellFormats};
use chrono::Timelike;
use rust_xlsxwriter::{IgnoreError, Note, Worksheet, XlsxError};
use std::collections::{BTreeMap, HashSet};
use unicode_width::UnicodeWidthStr;

/// Excel's sheet limits (0-based maxima).
const MAX_ROW: u32 = 1_048_575;
const MAX_COL: u32 = 16_383;
/// Widest column we set, in character units; wider text wraps into the next cells visually.
const MAX_COL_WIDTH: f64 = 60.0;
/// A merged range covering more cells than this is left unmerged: rust_xlsxwriter writes a
/// formatted blank for every cell of a merge, and no real title spans this much.
const MAX_MERGE_CELLS: u64 = 20_000;

/// How a flagged cell is marked.
#[derive(Debug, Clone)]
pub struct Mark {
    pub fill: Fill,
    /// The note text, when this cell is among those that get a note.
    pub note: Option<String>,
}

/// What to write for one original sheet.
pub struct SheetPlan<'a> {
    pub sheet: &'a Sheet,
    /// Rows styled as the ledger header (the header row and a two-row header's parent row).
    pub header_rows: Vec<u32>,
    /// First and last column of the ledger table.
    pub header_cols: Option<(u32, u32)>,
    /// Rows above this are not counted when sizing columns (titles above a ledger header).
    pub width_from_row: u32,
    /// Rows not counted when sizing columns either (sorted): 「合計 16台」, 「※ …」 notes under a
    /// ledger, which would otherwise make the first column as wide as a sentence.
    pub width_skip_rows: Vec<u32>,
    pub marks: BTreeMap<(u32, u32), Mark>,
}

/// Writes the sheet's cells, merges, notes, widths and panes into `ws`.
pub fn write_sheet(
    ws: &mut Worksheet,
    plan: &SheetPlan<'_>,
    styles: &Styles,
) -> Result<usize, XlsxError> {
    let sheet = plan.sheet;
    if sheet.hidden {
        ws.set_hidden(true);
    }
    // Printed on A4 landscape, one page wide, like most hospital ledgers.
    ws.set_paper_size(9)
        .set_landscape()
        .set_print_fit_to_pages(1, 0);
    let merges = valid_merges(&sheet.merges);
    set_column_widths(ws, plan, &merges)?;
    if let Some(&last_header) = plan.header_rows.iter().max() {
        if last_header < MAX_ROW {
            ws.set_freeze_panes(last_header + 1, 0)?;
        }
    }

    // Every row that needs a write, in ascending order.
    let mut rows: Vec<u32> = sheet.grid.rows().iter().map(|r| r.index).collect();
    rows.extend(merges.iter().map(|m| m.first_row));
    rows.extend(plan.marks.keys().map(|(r, _)| *r));
    rows.extend(plan.header_rows.iter().copied());
    rows.retain(|r| *r <= MAX_ROW);
    rows.sort_unstable();
    rows.dedup();

    let grid_rows = sheet.grid.rows();
    let mut next_grid = 0usize;
    let mut next_merge = 0usize;
    let mut notes = 0usize;
    let mut cells: Vec<(u32, Option<&CellValue>)> = Vec::new();
    for r in rows {
        let is_header = plan.header_rows.contains(&r);
        // None: the workbook's default format (the Japanese font), written without a format so
        // rust_xlsxwriter does not hash a Format for each of a big ledger's million cells.
        let fmt_of = |c: u32, v: Option<&CellValue>| {
            let header = is_header && plan.header_cols.is_some_and(|(a, b)| c >= a && c <= b);
            let fill = plan.marks.get(&(r, c)).map(|m| m.fill);
            let num = v.map_or(NumKind::General, num_kind);
            (header || fill.is_some() || num != NumKind::General)
                .then(|| styles.cell(header, fill, num))
        };

        while next_grid < grid_rows.len() && grid_rows[next_grid].index < r {
            next_grid += 1;
        }
        let row = grid_rows.get(next_grid).filter(|row| row.index == r);

        // Merges first: they pad their range with formatted blanks; the real values follow.
        while next_merge < merges.len() && merges[next_merge].first_row <= r {
            let m = merges[next_merge];
            next_merge += 1;
            if m.first_row < r {
                continue;
            }
            let top_left = row.and_then(|row| row.get(m.first_col));
            ws.merge_range(
                m.first_row,
                col(m.first_col),
                m.last_row,
                col(m.last_col),
                "",
                fmt_of(m.first_col, top_left).unwrap_or(&styles.text),
            )?;
        }

        cells.clear();
        if let Some(row) = row {
            cells.extend(
                row.cells
                    .iter()
                    .filter(|(c, _)| *c <= MAX_COL)
                    .map(|(c, v)| (*c, Some(v))),
            );
        }
        let valued = cells.len();
        for ((_, c), _) in plan.marks.range((r, 0)..=(r, u32::MAX)) {
            if *c <= MAX_COL && !cells[..valued].iter().any(|(vc, _)| vc == c) {
                cells.push((*c, None));
            }
        }
        if let (true, Some((a, b))) = (is_header, plan.header_cols) {
            for c in a..=b.min(MAX_COL) {
                if !cells.iter().any(|(vc, _)| *vc == c) && !covered(&merges, r, c) {
                    cells.push((c, None));
                }
            }
        }
        if cells.len() > valued {
            cells.sort_by_key(|(c, _)| *c);
        }

        for &(c, v) in &cells {
            match (v, fmt_of(c, v)) {
                (Some(v), fmt) => write_cell(ws, r, col(c), v, fmt.map(CellFormats::all))?,
                (None, Some(fmt)) => {
                    ws.write_blank(r, col(c), fmt)?;
                }
                (None, None) => {}
            }
            if let Some(text) = plan.marks.get(&(r, c)).and_then(|m| m.note.as_deref()) {
                ws.insert_note(r, col(c), &note(text))?;
                notes += 1;
            }
        }
    }

    // Text such as 管理番号 "001" would otherwise carry Excel's green "number stored as text" mark.
    if let (Some(last), Some(max_col)) = (sheet.grid.rows().last(), sheet.grid.max_col()) {
        ws.ignore_error_range(
            0,
            0,
            last.index.min(MAX_ROW),
            col(max_col),
            IgnoreError::NumberStoredAsText,
        )?;
    }
    Ok(notes)
}

fn num_kind(v: &CellValue) -> NumKind {
    match v {
        CellValue::DateTime(dt) if excel_can_show(dt) => {
            if dt.time().num_seconds_from_midnight() == 0 && dt.time().nanosecond() == 0 {
                NumKind::Date
            } else {
                NumKind::DateTime
            }
        }
        _ => NumKind::General,
    }
}

fn note(text: &str) -> Note {
    let lines: usize = text
        .lines()
        .map(|l| 1 + UnicodeWidthStr::width_cjk(l) / 44)
        .sum();
    let height = (lines as u32 * 16 + 12).clamp(60, 400);
    Note::new(text)
        .set_author("daicho")
        .add_author_prefix(false)
        .set_font_name(FONT_NAME)
        .set_font_size(9)
        .set_width(300)
        .set_height(height)
}

/// Merges Excel accepts: inside the sheet, more than one cell, not too large, not overlapping an
/// earlier one. Sorted by first row.
fn valid_merges(merges: &[Merge]) -> Vec<Merge> {
    let mut taken: HashSet<(u32, u32)> = HashSet::new();
    let mut out = Vec::new();
    let mut sorted: Vec<Merge> = merges.to_vec();
    sorted.sort_by_key(|m| (m.first_row, m.first_col));
    for m in sorted {
        let ok_bounds = m.first_row <= m.last_row
            && m.first_col <= m.last_col
            && m.last_row <= MAX_ROW
            && m.last_col <= MAX_COL
            && (m.first_row, m.first_col) != (m.last_row, m.last_col);
        if !ok_bounds {
            continue;
        }
        let area =
            u64::from(m.last_row - m.first_row + 1) * u64::from(m.last_col - m.first_col + 1);
        if area > MAX_MERGE_CELLS {
            continue;
        }
        let cells: Vec<(u32, u32)> = (m.first_row..=m.last_row)
            .flat_map(|r| (m.first_col..=m.last_col).map(move |c| (r, c)))
            .collect();
        if cells.iter().any(|cell| taken.contains(cell)) {
            continue;
        }
        taken.extend(cells);
        out.push(m);
    }
    out
}

/// A column index for rust_xlsxwriter (callers have already dropped columns beyond XFD).
fn col(c: u32) -> u16 {
    c.min(MAX_COL) as u16
}

fn covered(merges: &[Merge], r: u32, c: u32) -> bool {
    merges
        .iter()
        .any(|m| r >= m.first_row && r <= m.last_row && c >= m.first_col && c <= m.last_col)
}

/// Column widths from the displayed text, counting East Asian wide (and ambiguous, as Japanese
/// fonts draw 〇 ① ○ wide) characters as two units — rust_xlsxwriter's `autofit()` counts a
/// kanji as half its real width.
fn set_column_widths(
    ws: &mut Worksheet,
    plan: &SheetPlan<'_>,
    merges: &[Merge],
) -> Result<(), XlsxError> {
    let mut widths: BTreeMap<u32, usize> = BTreeMap::new();
    let spans_columns = |r: u32, c: u32| {
        merges.iter().any(|m| {
            m.first_col != m.last_col
                && r >= m.first_row
                && r <= m.last_row
                && c >= m.first_col
                && c <= m.last_col
        })
    };
    let has_wide_merges = merges.iter().any(|m| m.first_col != m.last_col);
    for row in plan.sheet.grid.rows_from(plan.width_from_row) {
        if plan.width_skip_rows.binary_search(&row.index).is_ok() {
            continue;
        }
        for (c, v) in &row.cells {
            if *c > MAX_COL || (has_wide_merges && spans_columns(row.index, *c)) {
                continue;
            }
            let w = display_width(v);
            let e = widths.entry(*c).or_insert(0);
            *e = (*e).max(w);
        }
    }
    for (c, w) in widths {
        let bold_extra = if plan.header_cols.is_some() { 1.0 } else { 0.0 };
        let width = (w as f64 * 1.1 + 1.5 + bold_extra).clamp(6.0, MAX_COL_WIDTH);
        ws.set_column_width(col(c), width)?;
    }
    Ok(())
}

fn display_width(v: &CellValue) -> usize {
    match v {
        CellValue::Text(s) => s.lines().map(UnicodeWidthStr::width_cjk).max().unwrap_or(0),
        CellValue::DateTime(dt) if excel_can_show(dt) => match num_kind(v) {
            NumKind::DateTime => 16,
            _ => 10,
        },
        other => other.display().width_cjk(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(first_row: u32, first_col: u32, last_row: u32, last_col: u32) -> Merge {
        Merge {
            first_row,
            first_col,
            last_row,
            last_col,
        }
    }

    #[test]
    fn overlapping_single_and_huge_merges_are_dropped() {
        let got = valid_merges(&[
            m(0, 0, 0, 3),
            m(0, 2, 1, 4),
            m(5, 5, 5, 5),
            m(2, 0, 3, 0),
            m(0, 0, MAX_ROW, MAX_COL),
        ]);
        assert_eq!(got, vec![m(0, 0, 0, 3), m(2, 0, 3, 0)]);
    }

    #[test]
    fn widths_count_kanji_as_two() {
        assert_eq!(display_width(&CellValue::Text("輸液ポンプ".into())), 10);
        assert_eq!(display_width(&CellValue::Text("〇〇電子カルテ".into())), 14);
        assert_eq!(display_width(&CellValue::Text("ab\nabcdef".into())), 6);
        assert_eq!(display_width(&CellValue::Number(42.0)), 2);
    }
}

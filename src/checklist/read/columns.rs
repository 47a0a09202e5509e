//! The table's columns: header labels → roles (はい, いいえ, 回答, 確認日, 目標日, 対象 …) and rounds
//! (1回目 / 2回目), or, without labels, the columns whose values are answers and dates.

use super::{cell, cell_text, SCAN_COLS};
use crate::checklist::parse::{parse_answer, parse_form_date, Answer};
use crate::text;
use crate::workbook::{CellValue, Sheet};
use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    Number,
    Item,
    Target,
    Yes,
    No,
    Answer,
    CheckDate,
    TargetDate,
    Note,
}

/// What a header label names, and which round (0 = 1回目, 1 = 2回目) it belongs to.
fn classify_label(s: &str) -> (Option<Role>, Option<usize>) {
    classify_key(&text::key(s))
}

/// [`classify_label`] of a label already put through [`text::key`].
pub(super) fn classify_key(k: &str) -> (Option<Role>, Option<usize>) {
    if k.is_empty() || k.chars().count() > 20 {
        return (None, None);
    }
    let round = if ["1回目", "第1回", "初回", "1回"]
        .iter()
        .any(|r| k.contains(r))
    {
        Some(0)
    } else if ["2回目", "第2回", "2回"].iter().any(|r| k.contains(r)) {
        Some(1)
    } else {
        None
    };
    let mut base: String = k
        .chars()
        .filter(|c| !matches!(c, '(' | ')' | '【' | '】' | '[' | ']' | '<' | '>'))
        .collect();
    if base.contains('回') {
        for r in ["1回目", "2回目", "第1回", "第2回", "初回", "1回", "2回"] {
            base = base.replace(r, "");
        }
    }
    let base = base.trim_matches(|c: char| matches!(c, ':' | '・' | '/' | '-' | '_'));
    let role = if base.is_empty() {
        None
    } else if ["目標", "予定日", "期限", "期日", "対応予定", "改善予定"]
        .iter()
        .any(|w| base.contains(w))
    {
        Some(Role::TargetDate)
    } else if [
        "確認日",
        "実施日",
        "記入日",
        "点検日",
        "日付",
        "年月日",
        "回答日",
        "チェック日",
        "確認年月日",
    ]
    .iter()
    .any(|w| base.contains(w))
    {
        Some(Role::CheckDate)
    } else if matches!(
        base,
        "はい" | "yes" | "はい○" | "○はい" | "はい(○)" | "ハイ"
    ) {
        Some(Role::Yes)
    } else if matches!(
        base,
        "いいえ" | "いいえ○" | "○いいえ" | "いいえ(○)" | "イイエ"
    ) {
        Some(Role::No)
    } else if base.contains("回答")
        || base.contains("結果")
        || base.contains("状況")
        || base.contains("判定")
        || base.contains("はい")
        || matches!(
            base,
            "チェック" | "チェック欄" | "実施" | "済/未" | "済・未" | "済未" | "答え" | "answer"
        )
    {
        Some(Role::Answer)
    } else if matches!(
        base,
        "対象" | "対象機器" | "対象範囲" | "区分" | "対象区分" | "対象システム"
    ) {
        Some(Role::Target)
    } else if base.contains("項目")
        || base.contains("内容")
        || matches!(base, "質問" | "設問" | "チェックポイント")
    {
        Some(Role::Item)
    } else if matches!(
        base,
        "no" | "no." | "番号" | "項番" | "#" | "問" | "no.番号"
    ) {
        Some(Role::Number)
    } else if ["備考", "メモ", "コメント", "根拠", "補足", "特記"]
        .iter()
        .any(|w| base.contains(w))
    {
        Some(Role::Note)
    } else {
        None
    };
    (role, round)
}

#[derive(Debug, Clone, Copy, Default)]
pub(super) struct RoundCols {
    pub(super) yes: Option<u32>,
    pub(super) no: Option<u32>,
    pub(super) answer: Option<u32>,
    pub(super) check: Option<u32>,
    pub(super) target: Option<u32>,
}

impl RoundCols {
    pub(super) fn has_answer(&self) -> bool {
        self.yes.is_some() || self.no.is_some() || self.answer.is_some()
    }
}

#[derive(Debug, Clone, Default)]
pub(super) struct Layout {
    pub(super) rounds: [RoundCols; 2],
    pub(super) target_col: Option<u32>,
    pub(super) header_rows: Vec<u32>,
}

/// Finds the header rows above the first item and maps columns to roles and rounds.
pub(super) fn find_layout(sheet: &Sheet, first_item: u32, skip: &HashSet<u32>) -> Layout {
    let mut layout = Layout::default();
    let Some(header_rows) = header_rows(sheet, first_item, skip) else {
        return layout;
    };
    layout.header_rows = header_rows;
    let cols = column_roles(sheet, &layout.header_rows);
    assign_columns(&mut layout, cols);
    layout
}

/// The header row (the row above the first item, within 8, with the most labels) and the rows
/// above it that belong to it, header first; `None` without any label.
fn header_rows(sheet: &Sheet, first_item: u32, skip: &HashSet<u32>) -> Option<Vec<u32>> {
    let from = first_item.saturating_sub(8);
    let mut best: Option<(usize, u32)> = None;
    for row in sheet
        .grid
        .rows()
        .iter()
        .filter(|r| r.index >= from && r.index < first_item)
    {
        if skip.contains(&row.index) {
            continue;
        }
        let n = row
            .cells
            .iter()
            .filter(|(_, v)| v.as_text().is_some_and(|s| classify_label(s).0.is_some()))
            .count();
        if n > 0 && best.is_none_or(|(bn, _)| n >= bn) {
            best = Some((n, row.index));
        }
    }
    let (_, header) = best?;
    // Rows above the header belong to it when they hold round or answer labels, or a merged
    // group label (「1回目」 over 「はい」「いいえ」「確認日」); not when they are form fields.
    let belongs = |r: u32| -> bool {
        r >= from
            && !skip.contains(&r)
            && sheet.grid.row(r).is_some_and(|row| {
                row.cells.iter().any(|(c, v)| {
                    v.as_text().is_some_and(|s| {
                        let (role, round) = classify_label(s);
                        round.is_some()
                            || matches!(
                                role,
                                Some(Role::Yes | Role::No | Role::Answer | Role::TargetDate)
                            )
                    }) || sheet
                        .merge_at(r, *c)
                        .is_some_and(|m| m.last_col > m.first_col && m.last_row < header)
                })
            })
    };
    let parent = header.checked_sub(1).filter(|p| belongs(*p));
    let grand = parent
        .and_then(|p| p.checked_sub(1))
        .filter(|g| belongs(*g));
    Some(
        [Some(header), parent, grand]
            .into_iter()
            .flatten()
            .collect(),
    )
}

/// Each labelled column with its role and round (from the header rows, header first).
fn column_roles(sheet: &Sheet, header_rows: &[u32]) -> Vec<(u32, Role, Option<usize>)> {
    let max_col = sheet.grid.max_col().unwrap_or(0).min(SCAN_COLS);
    // Round labels: a row holding 1回目 / 2回目 gives every column from its label rightwards
    // that round (merged or not).
    let round_of = |col: u32| -> Option<usize> {
        for r in header_rows.iter().copied() {
            if let Some(s) = cell_text(sheet, r, col)
                .or_else(|| cell(sheet, r, col).and_then(|v| v.as_text().map(|s| s.to_string())))
            {
                if let Some(round) = classify_label(&s).1 {
                    return Some(round);
                }
            }
        }
        for r in header_rows.iter().copied().skip(1) {
            let Some(row) = sheet.grid.row(r) else {
                continue;
            };
            let labels: Vec<(u32, usize)> = row
                .cells
                .iter()
                .filter_map(|(c, v)| {
                    v.as_text()
                        .and_then(|s| classify_label(s).1)
                        .map(|rd| (*c, rd))
                })
                .collect();
            if let Some((_, rd)) = labels.iter().rev().find(|(c, _)| *c <= col) {
                return Some(*rd);
            }
        }
        None
    };
    let mut cols: Vec<(u32, Role, Option<usize>)> = Vec::new();
    for col in 0..=max_col {
        let mut role = None;
        for r in header_rows.iter().copied() {
            let label = cell_text(sheet, r, col).or_else(|| {
                // A label merged vertically from the parent row down over the header row.
                sheet
                    .merge_at(r, col)
                    .filter(|m| m.first_col == col && m.first_row != r)
                    .and_then(|m| cell_text(sheet, m.first_row, m.first_col))
            });
            if let Some(role_here) = label.and_then(|s| classify_label(&s).0) {
                role = Some(role_here);
                break;
            }
        }
        if let Some(role) = role {
            cols.push((col, role, round_of(col)));
        }
    }
    cols
}

/// Puts each column in its round's slot (and the 対象 column aside); without round labels, a
/// role seen a second time belongs to the second round.
fn assign_columns(layout: &mut Layout, cols: Vec<(u32, Role, Option<usize>)>) {
    let mut seen: HashMap<(u8, bool), usize> = HashMap::new();
    for (col, role, round) in cols {
        let slot = match role {
            Role::Yes => 0u8,
            Role::No => 1,
            Role::Answer => 2,
            Role::CheckDate => 3,
            Role::TargetDate => 4,
            Role::Target => {
                layout.target_col.get_or_insert(col);
                continue;
            }
            _ => continue,
        };
        // Without round labels, a role seen a second time belongs to the second round.
        let rd = round.unwrap_or_else(|| {
            let n = seen.entry((slot, false)).or_insert(0);
            *n += 1;
            (*n - 1).min(1)
        });
        let rc = &mut layout.rounds[rd];
        let place = match slot {
            0 => &mut rc.yes,
            1 => &mut rc.no,
            2 => &mut rc.answer,
            3 => &mut rc.check,
            _ => &mut rc.target,
        };
        place.get_or_insert(col);
    }
}

/// Without header labels: columns whose values in item rows are answers, then the date columns
/// after each.
pub(super) fn layout_from_values(
    sheet: &Sheet,
    rows: &[u32],
    text_col: u32,
    layout: &mut Layout,
    as_of: NaiveDate,
) {
    let max_col = sheet.grid.max_col().unwrap_or(0).min(SCAN_COLS);
    let need = (rows.len() / 3).max(2);
    let mut answer_cols = Vec::new();
    let mut date_cols = Vec::new();
    for col in (text_col + 1)..=max_col {
        let (mut answers, mut dates) = (0, 0);
        for r in rows {
            let Some(v) = sheet.grid.get(*r, col) else {
                continue;
            };
            match parse_answer(v) {
                Answer::Yes | Answer::No if matches!(v, CellValue::Text(_)) => answers += 1,
                _ if parse_form_date(v, as_of).date().is_some() => dates += 1,
                _ => {}
            }
        }
        if answers >= need {
            answer_cols.push(col);
        } else if dates >= 1 {
            date_cols.push(col);
        }
    }
    for (rd, &col) in answer_cols.iter().take(2).enumerate() {
        let next = answer_cols.get(rd + 1).copied().unwrap_or(u32::MAX);
        let rc = &mut layout.rounds[rd];
        rc.answer = Some(col);
        let mut after = date_cols.iter().copied().filter(|c| *c > col && *c < next);
        rc.check = after.next();
        rc.target = after.next();
    }
}

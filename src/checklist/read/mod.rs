//! Reading a checklist sheet in any layout: item rows are found by their numbers (2-①, 2-(1),
//! (1), ①, 2-1) and by their texts (matched after NFKC and whitespace removal, tolerant of
//! retyping), answer columns by their header labels (はい / いいえ / 回答, 1回目 / 2回目, 確認日,
//! 目標日) or, without labels, by their values. Nothing here judges; `lint` does.

use super::edition::{Catalog, Edition, Form};
use super::parse::{
    is_blank_form_text, is_cjk, is_marked, is_target_cell, match_key, parse_answer,
    parse_form_date, parse_item_number, parse_section_heading, parse_targets, split_item_number,
    strip_target_suffix, Answer, Bigrams, DateValue, ItemNo, Numbering, Target,
};
use crate::text;
use crate::workbook::{CellValue, Row, Sheet};
use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};
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
    /// Whether the sheet has a 確認日 / 目標日 column for each round.
    pub has_check_col: [bool; 2],
    pub has_target_col: [bool; 2],
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

/// What one row of a sheet looks like to the item finder.
#[derive(Debug, Clone, Default)]
struct RowScan {
    row: u32,
    number: Option<(ItemNo, String, u32)>,
    /// The item text (number split off, target suffix removed) and its column.
    text: Option<(String, u32)>,
    text_targets: Vec<Target>,
    /// Best item match per edition: (edition index, item index, similarity).
    matches: Vec<(usize, usize, f64)>,
    gate: bool,
    section: Option<u32>,
    /// Holds a rule code (C001, OS001): daicho's own summary sheet.
    code_like: bool,
    /// Holds はい/いいえ-like values or labels.
    answerish: bool,
}

impl RowScan {
    fn is_item(&self) -> bool {
        !self.gate && (!self.matches.is_empty() || (self.number.is_some() && self.text.is_some()))
    }
}

fn cjk_count(s: &str) -> usize {
    s.chars().filter(|c| is_cjk(*c)).count()
}

fn is_rule_code(s: &str) -> bool {
    let t = text::trim(s);
    let letters = t.chars().take_while(|c| c.is_ascii_uppercase()).count();
    let digits = t.len() - letters;
    (1..=2).contains(&letters) && digits == 3 && t[letters..].bytes().all(|b| b.is_ascii_digit())
}

/// Whether a short cell is an answer-ish label or value (はい, いいえ, 1回目, 確認日, ○ …).
/// Whether a short cell (as a [`text::key`]) is an answer-ish label or value (はい, いいえ, 1回目,
/// 確認日, ○ …).
fn is_answerish(k: &str) -> bool {
    if k.is_empty() || k.chars().count() > 14 {
        return false;
    }
    let (role, round) = classify_key(k);
    matches!(
        role,
        Some(Role::Yes | Role::No | Role::Answer | Role::CheckDate | Role::TargetDate)
    ) || round.is_some()
        || matches!(
            k,
            "はい" | "いいえ" | "○" | "〇" | "◯" | "×" | "済" | "未" | "yes"
        )
        || (k.contains("はい") && k.contains("いいえ"))
}

/// Whether a cell can start with an item number at all (a cheap test before parsing).
fn may_be_numbered(s: &str) -> bool {
    s.chars().next().is_some_and(|c| {
        c.is_ascii_digit()
            || ('０'..='９').contains(&c)
            || matches!(
                c,
                '(' | '（' | '〔' | '［' | '[' | '問' | '第' | 'Q' | 'q' | 'Ｑ'
            )
            || ('\u{2460}'..='\u{24FF}').contains(&c)
            || ('\u{2776}'..='\u{2793}').contains(&c)
            || ('\u{3251}'..='\u{325F}').contains(&c)
            || ('\u{32B1}'..='\u{32BF}').contains(&c)
    })
}

fn scan_row(row: &Row, catalog: &Catalog) -> RowScan {
    let mut scan = RowScan {
        row: row.index,
        ..RowScan::default()
    };
    let mut best_text: Option<(String, u32, Vec<Target>, f64)> = None;
    for (col, value) in &row.cells {
        if *col >= SCAN_COLS {
            break;
        }
        let CellValue::Text(s) = value else {
            continue;
        };
        let s = text::trim(s);
        if s.is_empty() {
            continue;
        }
        if is_rule_code(s) {
            scan.code_like = true;
        }
        if !scan.answerish && s.chars().count() <= 20 && is_answerish(&text::key(s)) {
            scan.answerish = true;
        }
        let mut candidate = s.to_string();
        if scan.number.is_none() && may_be_numbered(s) {
            if let Some(no) = parse_item_number(s) {
                scan.number = Some((no, s.to_string(), *col));
                continue;
            }
            if let Some((no, rest)) = split_item_number(s) {
                if cjk_count(&rest) >= 2 {
                    scan.number = Some((no, s.to_string(), *col));
                    candidate = rest;
                }
            }
        }
        if cjk_count(&candidate) < 5
            || is_target_cell(&candidate)
            || candidate.chars().count() > 300
        {
            continue;
        }
        let (body, targets) = strip_target_suffix(&candidate);
        let key = Bigrams::new(&match_key(&body));
        // A note appended after 「※」 (or on the next line) should not hide the item's text.
        let head = body
            .split_once('※')
            .map(|(h, _)| h)
            .filter(|h| cjk_count(h) >= 5)
            .map(|h| Bigrams::new(&match_key(strip_target_suffix(h).0.as_str())));
        let mut top = 0.0f64;
        for (ei, ed) in catalog.editions.iter().enumerate() {
            let mut best: Option<(usize, f64)> = None;
            for (ii, item) in ed.items.iter().enumerate() {
                let sim = item
                    .similarity(&key)
                    .max(head.as_ref().map_or(0.0, |h| item.similarity(h)));
                if sim >= TEXT_MATCH && best.is_none_or(|(_, b)| sim > b) {
                    best = Some((ii, sim));
                }
            }
            if let Some((ii, sim)) = best {
                top = top.max(sim);
                match scan.matches.iter_mut().find(|m| m.0 == ei) {
                    Some(m) if m.2 >= sim => {}
                    Some(m) => *m = (ei, ii, sim),
                    None => scan.matches.push((ei, ii, sim)),
                }
            }
            if let Some(g) = &ed.gate {
                if g.keys.iter().any(|k| k.similarity(&key) >= 0.75) {
                    scan.gate = true;
                }
            }
        }
        // The item text is the best-matching long cell, else the leftmost one.
        if best_text.as_ref().is_none_or(|b| top > b.3) {
            best_text = Some((body, *col, targets, top));
        }
    }
    if let Some((body, col, targets, _)) = best_text {
        scan.text = Some((body, col));
        scan.text_targets = targets;
    }
    if scan.number.is_none() && scan.matches.is_empty() && !scan.gate {
        scan.section = section_heading(row, catalog);
    }
    scan
}

/// 「2 医療情報システムの管理・運用」 in one cell, or 2 | 医療情報システムの管理・運用 in two.
fn section_heading(row: &Row, catalog: &Catalog) -> Option<u32> {
    let texts: Vec<(u32, &CellValue)> = row
        .cells
        .iter()
        .filter(|(_, v)| !v.is_blank())
        .map(|(c, v)| (*c, v))
        .take(3)
        .collect();
    let first = texts.first()?;
    if let CellValue::Text(s) = first.1 {
        if let Some((n, title)) = parse_section_heading(s) {
            if texts.len() <= 2 || known_section_title(&title, catalog) {
                return Some(n);
            }
        }
    }
    if let (CellValue::Number(n), Some((_, CellValue::Text(title)))) = (first.1, texts.get(1)) {
        if n.fract() == 0.0 && (1.0..=20.0).contains(n) && known_section_title(title, catalog) {
            return Some(*n as u32);
        }
    }
    None
}

fn known_section_title(title: &str, catalog: &Catalog) -> bool {
    let key = Bigrams::new(&match_key(title));
    catalog
        .editions
        .iter()
        .flat_map(|e| e.sections.iter())
        .any(|s| Bigrams::new(&match_key(&s.title)).similarity(&key) >= 0.6)
}

fn scan_sheet(sheet: &Sheet, catalog: &Catalog, rows: u32) -> Vec<RowScan> {
    sheet
        .grid
        .rows()
        .iter()
        .take_while(|r| r.index < rows)
        .map(|r| scan_row(r, catalog))
        .collect()
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

/// A ledger-like header (two or more of 管理番号 / OS / IPアドレス).
fn looks_like_ledger(sheet: &Sheet) -> bool {
    use crate::layout::Field;
    crate::layout::find_ledger_layout(sheet, crate::layout::FieldTable::bundled()).is_some_and(
        |l| {
            [Field::Id, Field::Os, Field::Ip]
                .into_iter()
                .filter(|f| l.has(*f))
                .count()
                >= 2
        },
    )
}

/// Whether a sheet is a checklist: several rows carry known item texts, or item numbers with
/// descriptive text beside answer-ish labels or values — and it is neither a ledger (whose
/// 「No.」 column of 1, 2, 3 is not an item number) nor daicho's own findings summary.
pub fn is_checklist_with(sheet: &Sheet, catalog: &Catalog) -> bool {
    if is_rendered_sheet(sheet) {
        return true;
    }
    // A ledger header (two of 管理番号 / OS / IPアドレス) settles it cheaply.
    if looks_like_ledger(sheet) {
        return false;
    }
    let scan = scan_sheet(sheet, catalog, DETECT_ROWS);
    if scan.iter().filter(|s| s.code_like).count() >= 3 {
        return false;
    }
    let text_rows = scan
        .iter()
        .filter(|s| !s.gate && !s.matches.is_empty())
        .count();
    let gate = scan.iter().any(|s| s.gate);
    let answerish = scan.iter().filter(|s| s.answerish).count();
    // Item texts quoted in prose (a how-to sheet) come without answer cells or the gate.
    if text_rows >= 3 && (answerish >= 1 || gate) {
        return true;
    }
    let numbered = scan
        .iter()
        .filter(|s| !s.gate && s.number.is_some() && s.text.is_some())
        .count();
    let enough = numbered >= 3 || (gate && numbered + text_rows >= 2);
    enough && answerish >= 1
}

// ------------------------------------------------------------------------------------------------
// Column layout
// ------------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
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
fn classify_key(k: &str) -> (Option<Role>, Option<usize>) {
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
struct RoundCols {
    yes: Option<u32>,
    no: Option<u32>,
    answer: Option<u32>,
    check: Option<u32>,
    target: Option<u32>,
}

impl RoundCols {
    fn has_answer(&self) -> bool {
        self.yes.is_some() || self.no.is_some() || self.answer.is_some()
    }
}

#[derive(Debug, Clone, Default)]
struct Layout {
    rounds: [RoundCols; 2],
    target_col: Option<u32>,
    header_rows: Vec<u32>,
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

/// Finds the header rows above the first item and maps columns to roles and rounds.
fn find_layout(sheet: &Sheet, first_item: u32, skip: &HashSet<u32>) -> Layout {
    let mut layout = Layout::default();
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
    let Some((_, header)) = best else {
        return layout;
    };
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
    layout.header_rows = [Some(header), parent, grand]
        .into_iter()
        .flatten()
        .collect();

    let max_col = sheet.grid.max_col().unwrap_or(0).min(SCAN_COLS);
    // Round labels: a row holding 1回目 / 2回目 gives every column from its label rightwards
    // that round (merged or not).
    let round_of = |col: u32| -> Option<usize> {
        for r in layout.header_rows.iter().copied() {
            if let Some(s) = cell_text(sheet, r, col)
                .or_else(|| cell(sheet, r, col).and_then(|v| v.as_text().map(|s| s.to_string())))
            {
                if let Some(round) = classify_label(&s).1 {
                    return Some(round);
                }
            }
        }
        for r in layout.header_rows.iter().copied().skip(1) {
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
        for r in layout.header_rows.iter().copied() {
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
    layout
}

/// Without header labels: columns whose values in item rows are answers, then the date columns
/// after each.
fn layout_from_values(
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

fn read_round(sheet: &Sheet, row: u32, rc: &RoundCols, as_of: NaiveDate) -> RoundCells {
    let mut out = RoundCells {
        check_col: rc.check,
        target_col: rc.target,
        ..RoundCells::default()
    };
    if rc.yes.is_some() || rc.no.is_some() {
        let read = |col: Option<u32>, is_yes: bool| -> (Option<bool>, Option<String>) {
            match col.and_then(|c| cell(sheet, row, c)) {
                None => (Some(false), None),
                Some(v) => (
                    is_marked(v, is_yes),
                    Some(text::trim(&v.display()).to_string()),
                ),
            }
        };
        let (y, y_raw) = read(rc.yes, true);
        let (n, n_raw) = read(rc.no, false);
        out.answer = match (y, n) {
            (Some(true), Some(true)) => Answer::Both,
            (Some(true), _) => Answer::Yes,
            (_, Some(true)) => Answer::No,
            (None, _) => Answer::Unreadable(y_raw.unwrap_or_default()),
            (_, None) => Answer::Unreadable(n_raw.unwrap_or_default()),
            _ => Answer::None,
        };
        out.answer_col = rc.yes.or(rc.no);
    } else if let Some(c) = rc.answer {
        out.answer = cell(sheet, row, c).map(parse_answer).unwrap_or_default();
        out.answer_col = Some(c);
    }
    if let Some(c) = rc.check {
        out.check = cell(sheet, row, c)
            .map(|v| parse_form_date(v, as_of))
            .unwrap_or_default();
    }
    if let Some(c) = rc.target {
        out.target = cell(sheet, row, c)
            .map(|v| parse_form_date(v, as_of))
            .unwrap_or_default();
    }
    out
}

/// The gate's answer when the table's answer columns do not hold it: the first cell right of the
/// question that reads as はい or いいえ.
fn gate_answer_inline(sheet: &Sheet, row: u32, after: u32) -> Option<(Answer, u32)> {
    let r = sheet.grid.row(row)?;
    r.cells
        .iter()
        .filter(|(c, v)| {
            *c > after
                && v.as_text()
                    .is_some_and(|s| text::key(s).chars().count() <= 6)
        })
        .find_map(|(c, v)| match parse_answer(v) {
            a @ (Answer::Yes | Answer::No) => Some((a, *c)),
            _ => None,
        })
}

// ------------------------------------------------------------------------------------------------
// Edition detection
// ------------------------------------------------------------------------------------------------

/// 「令和8年度」「R8年度」「2026年度」 in a title.
fn title_year(title_key: &str) -> Option<String> {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE
        .get_or_init(|| super::parse::static_regex(r"(令和(\d{1,2}|元)|r(\d{1,2})|(20\d\d))年度"));
    re.find(title_key).map(|m| m.as_str().to_string())
}

/// Whether a row matched to an item by its number alone may stand for that item: without text,
/// or with a text at least loosely like the item's (a reworded line, not a different question).
/// Unverified wordings get more slack.
fn number_match_ok(item: &super::edition::Item, text: Option<&str>) -> bool {
    match text {
        None => true,
        Some(t) => {
            let floor = if item.unverified { 0.25 } else { 0.3 };
            item.similarity(&Bigrams::new(&match_key(t))) >= floor
        }
    }
}

struct Detected {
    edition: Option<Arc<Edition>>,
    named: Option<String>,
}

fn detect_edition(
    scans: &[&RowScan],
    sections: &[Option<u32>],
    title_key: &str,
    form: Option<Form>,
    catalog: &Catalog,
) -> Detected {
    let named_year = title_year(title_key);
    let styles: (usize, usize) = scans.iter().fold((0, 0), |acc, s| {
        match s.number.as_ref().map(|n| n.0.style) {
            Some(Numbering::Paren) => (acc.0 + 1, acc.1),
            Some(Numbering::Circled) => (acc.0, acc.1 + 1),
            _ => acc,
        }
    });
    let majority = match styles {
        (p, c) if p > c => Some(Numbering::Paren),
        (p, c) if c > p => Some(Numbering::Circled),
        _ => None,
    };
    let mut best: Option<(f64, f64, usize)> = None;
    for (ei, ed) in catalog.editions.iter().enumerate() {
        if form.is_some_and(|f| f != ed.form) {
            continue;
        }
        let mut score = 0.0;
        let mut items = HashSet::new();
        for (scan, section) in scans.iter().zip(sections) {
            let by_no = scan
                .number
                .as_ref()
                .and_then(|n| ed.item_by_no(&n.0, *section));
            if let Some(m) = scan.matches.iter().find(|m| m.0 == ei) {
                let agrees = by_no.is_none_or(|i| i == m.1) || scan.number.is_none();
                score += if agrees { 1.0 } else { 0.7 };
                items.insert(m.1);
            } else if let Some(i) = by_no {
                let text_ok =
                    number_match_ok(&ed.items[i], scan.text.as_ref().map(|t| t.0.as_str()));
                if text_ok {
                    score += if scan.text.is_none() { 0.8 } else { 0.6 };
                    items.insert(i);
                }
            }
        }
        if majority.is_some_and(|m| m != ed.numbering) {
            score *= 0.5;
        }
        let raw = score;
        score += 2.0 * items.len() as f64 / ed.items.len().max(1) as f64;
        if ed.named_in(title_key) {
            score += 1000.0;
        }
        if catalog.user.as_ref().is_some_and(|u| Arc::ptr_eq(u, ed)) {
            score += 0.02;
        }
        if form.is_none() && ed.form == Form::Hospital {
            score += 0.01;
        }
        if best.is_none_or(|b| score > b.0) {
            best = Some((score, raw, ei));
        }
    }
    let Some((score, raw, ei)) = best else {
        return Detected {
            edition: None,
            named: named_year,
        };
    };
    let ed = &catalog.editions[ei];
    if let Some(named) = &named_year {
        if score < 1000.0 {
            // The title names an edition daicho does not have (令和8年度版): do not pretend.
            return Detected {
                edition: None,
                named: Some(named.clone()),
            };
        }
    }
    let rows = scans.len() as f64;
    if score < 1000.0 && (raw < 2.0_f64.min(rows) || raw < 0.5 * rows) {
        return Detected {
            edition: None,
            named: None,
        };
    }
    Detected {
        edition: Some(ed.clone()),
        named: None,
    }
}

// ------------------------------------------------------------------------------------------------
// Header fields
// ------------------------------------------------------------------------------------------------

fn read_fields(
    sheet: &Sheet,
    fields: &[super::edition::FormField],
    skip: &HashSet<u32>,
    as_of: NaiveDate,
) -> Vec<FieldCell> {
    let all_labels: Vec<String> = fields
        .iter()
        .flat_map(|f| f.names().map(text::key))
        .collect();
    let strip = |k: &str| -> String {
        k.trim_end_matches([':', '：', '*', '※'])
            .trim_start_matches(['■', '●', '・', '*', '※'])
            .to_string()
    };
    let is_label = |s: &str| all_labels.contains(&strip(&text::key(s)));
    let mut out = Vec::new();
    for f in fields {
        let names: Vec<String> = f.names().map(text::key).collect();
        let mut found: Option<FieldCell> = None;
        'rows: for row in sheet.grid.rows().iter().take_while(|r| r.index < SCAN_ROWS) {
            if skip.contains(&row.index) {
                continue;
            }
            for (col, v) in &row.cells {
                let Some(s) = v.as_text() else { continue };
                let k = text::key(s);
                let base = strip(&k);
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
                    found = Some(cell);
                    break 'rows;
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
                        found = Some(cell);
                        break 'rows;
                    }
                }
            }
        }
        out.push(found.unwrap_or(FieldCell {
            label: f.label.clone(),
            required: f.required,
            date: f.date,
            label_at: None,
            value_at: None,
            value: None,
            date_value: None,
        }));
    }
    for f in out.iter_mut().filter(|f| f.date) {
        f.date_value = f
            .value
            .as_ref()
            .and_then(|v| parse_form_date(v, as_of).date());
    }
    out
}

// ------------------------------------------------------------------------------------------------
// The reader
// ------------------------------------------------------------------------------------------------

/// Reads a checklist sheet; `None` when no item rows are found.
pub fn read_sheet(
    sheet_index: usize,
    sheet: &Sheet,
    catalog: &Catalog,
    as_of: NaiveDate,
) -> Option<ChecklistSheet> {
    let scans = scan_sheet(sheet, catalog, SCAN_ROWS);
    let gate_scan = scans.iter().find(|s| s.gate);
    let first_row = sheet.grid.rows().first().map(|r| r.index).unwrap_or(0);
    let mut skip: HashSet<u32> = HashSet::new();
    if let Some(g) = gate_scan {
        skip.insert(g.row);
    }
    // The table starts at the first row holding a known item's text (numbered notes such as
    // 「(1) 各項目について…」 above the table are not items), from its header row on; without
    // any known text, at the first numbered row.
    let first_known = scans.iter().find(|s| s.is_item() && !s.matches.is_empty());
    let first_item = match first_known {
        Some(known) => {
            let layout = find_layout(sheet, known.row, &skip);
            let table_from = layout
                .header_rows
                .iter()
                .max()
                .map(|h| h + 1)
                .unwrap_or(known.row);
            scans
                .iter()
                .find(|s| s.is_item() && s.row >= table_from)
                .map_or(known.row, |s| s.row)
        }
        None => scans.iter().find(|s| s.is_item())?.row,
    };
    let mut layout = find_layout(sheet, first_item, &skip);

    // Walk the table: item rows, per-target sub-rows, section headings, notes.
    let header_rows: HashSet<u32> = layout.header_rows.iter().copied().collect();
    let text_cols: Vec<u32> = scans
        .iter()
        .filter(|s| s.is_item())
        .filter_map(|s| s.text.as_ref().map(|t| t.1))
        .collect();
    let text_col = mode(&text_cols).unwrap_or(0);
    if layout.target_col.is_none() {
        let mut counts: HashMap<u32, usize> = HashMap::new();
        for s in scans.iter().filter(|s| s.row >= first_item) {
            if let Some(r) = sheet.grid.row(s.row) {
                for (c, v) in &r.cells {
                    if *c != text_col && v.as_text().is_some_and(is_target_cell) {
                        *counts.entry(*c).or_insert(0) += 1;
                    }
                }
            }
        }
        layout.target_col = counts
            .into_iter()
            .filter(|(_, n)| *n >= 2)
            .max_by_key(|(c, n)| (*n, u32::MAX - c))
            .map(|(c, _)| c);
    }

    struct Pending<'s> {
        scan: &'s RowScan,
        section: Option<u32>,
        targets: Vec<Target>,
        parent: Option<usize>,
    }
    let mut pending: Vec<Pending> = Vec::new();
    let mut current: Option<usize> = None;
    let mut section: Option<u32> = None;
    let mut last_index: Option<u32> = None;
    let mut last_text: Option<Bigrams> = None;
    let mut heading_since = false;
    for scan in scans.iter().filter(|s| s.row >= first_item) {
        if header_rows.contains(&scan.row) || scan.gate {
            continue;
        }
        let row_targets = || -> Vec<Target> {
            let from_col = layout
                .target_col
                .and_then(|c| cell_text(sheet, scan.row, c))
                .map(|s| parse_targets(&s))
                .unwrap_or_default();
            if !from_col.is_empty() {
                return from_col;
            }
            if !scan.text_targets.is_empty() {
                return scan.text_targets.clone();
            }
            // 「(端末PC)」 alone in the item column of a sub-row.
            sheet
                .grid
                .row(scan.row)
                .and_then(|r| {
                    r.cells
                        .iter()
                        .filter(|(c, _)| *c <= text_col + 2)
                        .find_map(|(_, v)| {
                            v.as_text().filter(|s| is_target_cell(s)).map(parse_targets)
                        })
                })
                .unwrap_or_default()
        };
        if scan.is_item() {
            let sec = match scan.number.as_ref().map(|n| n.0) {
                Some(no) => {
                    let text_key = scan.text.as_ref().map(|t| Bigrams::new(&match_key(&t.0)));
                    // A section in its own cell counts when it fits the sequence (not a running No.).
                    let cell_section = section_cell(sheet, scan).filter(|cs| {
                        Some(*cs) == section
                            || (no.index == 1 && section.is_none_or(|cur| *cs == cur + 1))
                    });
                    let s = match no.section.or(cell_section) {
                        Some(s) => s,
                        None => {
                            if let (Some(li), Some(cur)) = (last_index, section) {
                                // (1) again after (3) starts the next section; the same number
                                // again is the next target of the same item unless its text differs.
                                let other_text = match (&text_key, &last_text) {
                                    (Some(a), Some(b)) => a.similarity(b) < TEXT_MATCH,
                                    _ => false,
                                };
                                if (no.index < li || (no.index == li && other_text))
                                    && !heading_since
                                {
                                    section = Some(cur + 1);
                                }
                            }
                            section.unwrap_or(1)
                        }
                    };
                    section = Some(s);
                    last_index = Some(no.index);
                    last_text = text_key;
                    heading_since = false;
                    Some(s)
                }
                None => section,
            };
            pending.push(Pending {
                scan,
                section: sec,
                targets: row_targets(),
                parent: None,
            });
            current = Some(pending.len() - 1);
            continue;
        }
        if let Some(n) = scan.section {
            section = Some(n);
            last_index = None;
            heading_since = true;
            current = None;
            continue;
        }
        let Some(cur) = current else { continue };
        let parent_row = pending[cur].scan.row;
        let parent_col = pending[cur]
            .scan
            .text
            .as_ref()
            .map(|t| t.1)
            .unwrap_or(text_col);
        let targets = row_targets();
        let covered = sheet
            .merge_at(scan.row, parent_col)
            .is_some_and(|m| m.first_row == parent_row);
        let item_cell = cell_text(sheet, scan.row, parent_col);
        let item_blank = item_cell.as_ref().is_none_or(|s| is_target_cell(s));
        let has_answer = layout.rounds.iter().any(|rc| {
            [rc.yes, rc.no, rc.answer]
                .into_iter()
                .flatten()
                .any(|c| sheet.grid.get(scan.row, c).is_some_and(|v| !v.is_blank()))
        });
        if item_blank && (!targets.is_empty() || (covered && has_answer)) {
            pending.push(Pending {
                scan,
                section: pending[cur].section,
                targets,
                parent: Some(cur),
            });
        } else if item_cell.is_some() {
            current = None;
        }
    }
    if !layout.rounds[0].has_answer() {
        layout_from_values(
            sheet,
            &pending.iter().map(|p| p.scan.row).collect::<Vec<_>>(),
            text_col,
            &mut layout,
            as_of,
        );
    }

    // Title, form and edition.
    // The whole text above the table names the form; only the title (the first rows) and the
    // sheet name name the edition, not an instruction such as 「令和7年度中に対応」.
    let mut title = String::new();
    let mut title_top = sheet.name.clone();
    let above = sheet
        .grid
        .rows()
        .iter()
        .take_while(|r| r.index < first_item)
        .filter(|r| !header_rows.contains(&r.index));
    for (n, row) in above.enumerate() {
        for (_, v) in &row.cells {
            if let Some(s) = v.as_text() {
                title.push_str(s);
                title.push(' ');
                if n < 3 {
                    title_top.push(' ');
                    title_top.push_str(s);
                }
            }
        }
    }
    let title_key = text::key(&title_top);
    let form = Form::from_title(&title).or_else(|| Form::from_title(&sheet.name));
    let main: Vec<&RowScan> = pending
        .iter()
        .filter(|p| p.parent.is_none())
        .map(|p| p.scan)
        .collect();
    let sections: Vec<Option<u32>> = pending
        .iter()
        .filter(|p| p.parent.is_none())
        .map(|p| p.section)
        .collect();
    let detected = detect_edition(&main, &sections, &title_key, form, catalog);
    let edition = detected.edition;
    let ed_index = edition
        .as_ref()
        .and_then(|e| catalog.editions.iter().position(|x| Arc::ptr_eq(x, e)));
    let form = edition
        .as_ref()
        .map(|e| e.form)
        .or(form)
        .unwrap_or(Form::Hospital);

    // Rows.
    let mut rows: Vec<ItemRow> = Vec::with_capacity(pending.len());
    for p in &pending {
        let item = match (p.parent, &edition) {
            (Some(parent), _) => rows.get(parent).and_then(|r: &ItemRow| r.item),
            (None, Some(ed)) => {
                let by_text = ed_index
                    .and_then(|ei| p.scan.matches.iter().find(|m| m.0 == ei))
                    .map(|m| m.1);
                by_text.or_else(|| {
                    let no = p.scan.number.as_ref()?.0;
                    let i = ed.item_by_no(&no, p.section)?;
                    number_match_ok(&ed.items[i], p.scan.text.as_ref().map(|t| t.0.as_str()))
                        .then_some(i)
                })
            }
            (None, None) => None,
        };
        let parent = p.parent.and_then(|i| rows.get(i)).cloned();
        let (number, no, text, col) = match &parent {
            Some(par) => (par.number.clone(), par.no, par.text.clone(), par.col),
            None => (
                p.scan.number.as_ref().map(|n| n.1.clone()),
                p.scan.number.as_ref().map(|n| n.0),
                p.scan.text.as_ref().map(|t| t.0.clone()),
                p.scan
                    .text
                    .as_ref()
                    .map(|t| t.1)
                    .or(p.scan.number.as_ref().map(|n| n.2))
                    .unwrap_or(0),
            ),
        };
        rows.push(ItemRow {
            row: p.scan.row,
            number,
            no,
            section: p.section,
            text,
            col,
            targets: p.targets.clone(),
            item,
            sub_row: p.parent.is_some(),
            rounds: [
                read_round(sheet, p.scan.row, &layout.rounds[0], as_of),
                read_round(sheet, p.scan.row, &layout.rounds[1], as_of),
            ],
        });
    }

    let gate = gate_scan.map(|g| {
        let mut rounds = [
            read_round(sheet, g.row, &layout.rounds[0], as_of),
            read_round(sheet, g.row, &layout.rounds[1], as_of),
        ];
        let text_col = g.text.as_ref().map(|t| t.1).unwrap_or(0);
        if rounds[0].answer == Answer::None {
            if let Some((a, c)) = gate_answer_inline(sheet, g.row, text_col) {
                rounds[0].answer = a;
                rounds[0].answer_col = Some(c);
            }
        }
        ItemRow {
            row: g.row,
            number: None,
            no: None,
            section: None,
            text: g.text.as_ref().map(|t| t.0.clone()),
            col: text_col,
            targets: Vec::new(),
            item: None,
            sub_row: false,
            rounds,
        }
    });

    // Header fields: the edition's, or the default edition's of the form.
    let field_source = edition.clone().or_else(|| catalog.default_for(form));
    let mut field_skip: HashSet<u32> = rows.iter().map(|r| r.row).collect();
    field_skip.extend(header_rows.iter().copied());
    if let Some(g) = &gate {
        field_skip.insert(g.row);
    }
    let fields = field_source
        .map(|e| read_fields(sheet, &e.fields, &field_skip, as_of))
        .unwrap_or_default();

    Some(ChecklistSheet {
        sheet_index,
        name: sheet.name.clone(),
        form,
        edition,
        named_edition: detected.named,
        rendered: is_rendered_sheet(sheet),
        first_row,
        fields,
        gate,
        rows,
        has_check_col: [
            layout.rounds[0].check.is_some(),
            layout.rounds[1].check.is_some(),
        ],
        has_target_col: [
            layout.rounds[0].target.is_some(),
            layout.rounds[1].target.is_some(),
        ],
    })
}

/// A section number in its own cell left of an item number without one: 2 | ① | 台帳管理….
fn section_cell(sheet: &Sheet, scan: &RowScan) -> Option<u32> {
    let (_, _, col) = scan.number.as_ref()?;
    let v = (0..*col).rev().find_map(|c| cell(sheet, scan.row, c))?;
    match v {
        CellValue::Number(n) if n.fract() == 0.0 && (1.0..=20.0).contains(n) => Some(*n as u32),
        CellValue::Text(t) => text::nfkc(text::trim(t))
            .trim_end_matches(['.', '、'])
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=20).contains(n)),
        _ => None,
    }
}

fn mode(values: &[u32]) -> Option<u32> {
    let mut counts: HashMap<u32, usize> = HashMap::new();
    for v in values {
        *counts.entry(*v).or_insert(0) += 1;
    }
    counts
        .into_iter()
        .max_by_key(|(v, n)| (*n, u32::MAX - v))
        .map(|(v, _)| v)
}

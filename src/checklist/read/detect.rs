//! Whether a sheet is a checklist, and what each row looks like to the item finder.

use super::columns::{classify_key, Role};
use super::{is_rendered_sheet, DETECT_ROWS, SCAN_COLS, TEXT_MATCH};
use crate::checklist::edition::Catalog;
use crate::checklist::parse::{
    is_cjk, is_target_cell, match_key, parse_item_number, parse_section_heading, split_item_number,
    strip_target_suffix, Bigrams, ItemNo, Target,
};
use crate::text;
use crate::workbook::{CellValue, Row, Sheet};

/// What one row of a sheet looks like to the item finder.
#[derive(Debug, Clone, Default)]
pub(super) struct RowScan {
    pub(super) row: u32,
    pub(super) number: Option<(ItemNo, String, u32)>,
    /// The item text (number split off, target suffix removed) and its column.
    pub(super) text: Option<(String, u32)>,
    pub(super) text_targets: Vec<Target>,
    /// Best item match per edition: (edition index, item index, similarity).
    pub(super) matches: Vec<(usize, usize, f64)>,
    pub(super) gate: bool,
    pub(super) section: Option<u32>,
    /// Holds a rule code (C001, OS001): daicho's own summary sheet.
    pub(super) code_like: bool,
    /// Holds はい/いいえ-like values or labels.
    pub(super) answerish: bool,
}

impl RowScan {
    pub(super) fn is_item(&self) -> bool {
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

pub(super) fn scan_sheet(sheet: &Sheet, catalog: &Catalog, rows: u32) -> Vec<RowScan> {
    sheet
        .grid
        .rows()
        .iter()
        .take_while(|r| r.index < rows)
        .map(|r| scan_row(r, catalog))
        .collect()
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

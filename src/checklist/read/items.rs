//! [`read_sheet`]: the item table of a checklist sheet — its start, its text and target columns,
//! its item rows and per-target sub-rows — and each row's answers.

use super::columns::{find_layout, layout_from_values, Layout, RoundCols};
use super::detect::{scan_sheet, RowScan};
use super::edition::{detect_edition, number_match_ok};
use super::fields::read_fields;
use super::{
    cell, cell_text, is_rendered_sheet, ChecklistSheet, ItemRow, RoundCells, SCAN_ROWS, TEXT_MATCH,
};
use crate::checklist::edition::{Catalog, Edition, Form};
use crate::checklist::parse::{
    is_marked, is_target_cell, match_key, parse_answer, parse_form_date, parse_targets, Answer,
    Bigrams, Target,
};
use crate::checklist::structure::{
    edition_from_rows, fields_for_any_edition, form_title, section_headings, SheetMeta,
};
use crate::text;
use crate::workbook::{CellValue, Sheet};
use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

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
    let first_item = table_start(sheet, &scans, &skip)?;
    let mut layout = find_layout(sheet, first_item, &skip);
    let header_rows: HashSet<u32> = layout.header_rows.iter().copied().collect();
    let text_col = pick_columns(sheet, &scans, first_item, &mut layout);
    let table = Table {
        first_item,
        header_rows,
        layout,
        text_col,
    };
    let pending = walk_rows(sheet, &scans, &table);
    let Table {
        header_rows,
        mut layout,
        ..
    } = table;
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
    let (title, title_top) = title_text(sheet, first_item, &header_rows);
    let title_top = text::trim(&title_top).to_string();
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
    let form = edition
        .as_ref()
        .map(|e| e.form)
        .or(form)
        .unwrap_or(Form::Hospital);

    let mut rows = item_rows(sheet, &pending, catalog, edition.as_ref(), &layout, as_of);
    let gate = gate_scan.map(|g| read_gate(sheet, g, &layout, as_of));
    // An edition daicho has no text for is read by its structure: its own rows make the edition.
    let edition = match edition {
        Some(e) => Some(e),
        None => {
            let named = detected.named.clone();
            let meta = SheetMeta {
                id: named.clone().unwrap_or_else(|| "sheet".to_string()),
                name: named
                    .as_ref()
                    .map(|n| format!("{n}版"))
                    .unwrap_or_else(|| "版不明".to_string()),
                form,
                title: form_title(sheet, first_item).unwrap_or_else(|| title_top.clone()),
                source: format!(
                    "項目はシート「{}」の文言のまま(daichoにこの版の文言はありません)",
                    sheet.name
                ),
                fields: catalog
                    .default_for(form)
                    .map(|e| fields_for_any_edition(&e.fields))
                    .unwrap_or_default(),
                sections: match (pending.first(), pending.last()) {
                    (Some(f), Some(l)) => section_headings(sheet, f.scan.row, l.scan.row),
                    _ => Vec::new(),
                },
                from_sheet: true,
            };
            edition_from_rows(meta, gate.as_ref(), &rows).map(|(ed, items)| {
                for (row, item) in rows.iter_mut().zip(items) {
                    row.item = item;
                }
                Arc::new(ed)
            })
        }
    };

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
    })
}

/// The item table as found: its first item row, header rows, columns.
struct Table {
    first_item: u32,
    header_rows: HashSet<u32>,
    layout: Layout,
    /// The column most item texts are in.
    text_col: u32,
}

/// A row of the table taken for an item row or a sub-row, before it is matched to the edition.
struct Pending<'s> {
    scan: &'s RowScan,
    section: Option<u32>,
    targets: Vec<Target>,
    /// For a sub-row: the index of its item row in the pending rows.
    parent: Option<usize>,
}

/// Step 1, the table's first item row.
///
/// The table starts at the first row holding a known item's text (numbered notes such as
/// 「(1) 各項目について…」 above the table are not items), from its header row on; without
/// any known text, at the first numbered row.
fn table_start(sheet: &Sheet, scans: &[RowScan], skip: &HashSet<u32>) -> Option<u32> {
    let first_known = scans.iter().find(|s| s.is_item() && !s.matches.is_empty());
    let first_item = match first_known {
        Some(known) => {
            let layout = find_layout(sheet, known.row, skip);
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
    Some(first_item)
}

/// Step 2, the text and target columns: the text column is the one most item rows have their
/// text in; without a labelled 対象 column, the target column is the one (other than the text's)
/// holding target words (サーバ, 端末PC …) in two or more rows of the table. Returns the text column.
fn pick_columns(sheet: &Sheet, scans: &[RowScan], first_item: u32, layout: &mut Layout) -> u32 {
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
    text_col
}

/// Step 3, walk the table: item rows, per-target sub-rows, section headings, notes.
fn walk_rows<'s>(sheet: &Sheet, scans: &'s [RowScan], table: &Table) -> Vec<Pending<'s>> {
    let mut pending: Vec<Pending> = Vec::new();
    let mut current: Option<usize> = None;
    let mut sections = Sections::default();
    for scan in scans.iter().filter(|s| s.row >= table.first_item) {
        if table.header_rows.contains(&scan.row) || scan.gate {
            continue;
        }
        if scan.is_item() {
            let sec = sections.of_item(sheet, scan);
            pending.push(Pending {
                scan,
                section: sec,
                targets: row_targets(sheet, scan, table),
                parent: None,
            });
            current = Some(pending.len() - 1);
            continue;
        }
        if let Some(n) = scan.section {
            sections.heading(n);
            current = None;
            continue;
        }
        let Some(cur) = current else { continue };
        match below_item(sheet, scan, pending[cur].scan, table) {
            Below::SubRow(targets) => pending.push(Pending {
                scan,
                section: pending[cur].section,
                targets,
                parent: Some(cur),
            }),
            Below::OtherText => current = None,
            Below::Nothing => {}
        }
    }
    pending
}

/// The section while walking the table: from an item's number, a section cell, a heading row, or
/// the sequence of numbers.
#[derive(Default)]
struct Sections {
    section: Option<u32>,
    last_index: Option<u32>,
    last_text: Option<Bigrams>,
    /// A section heading came after the last numbered item.
    heading_since: bool,
}

impl Sections {
    /// The section of an item row, moving on to the next section when the numbering starts over.
    fn of_item(&mut self, sheet: &Sheet, scan: &RowScan) -> Option<u32> {
        let Some(no) = scan.number.as_ref().map(|n| n.0) else {
            return self.section;
        };
        let section = self.section;
        let text_key = scan.text.as_ref().map(|t| Bigrams::new(&match_key(&t.0)));
        // A section in its own cell counts when it fits the sequence (not a running No.).
        let cell_section = section_cell(sheet, scan).filter(|cs| {
            Some(*cs) == section || (no.index == 1 && section.is_none_or(|cur| *cs == cur + 1))
        });
        let s = match no.section.or(cell_section) {
            Some(s) => s,
            None => {
                if let (Some(li), Some(cur)) = (self.last_index, self.section) {
                    // (1) again after (3) starts the next section; the same number
                    // again is the next target of the same item unless its text differs.
                    let other_text = match (&text_key, &self.last_text) {
                        (Some(a), Some(b)) => a.similarity(b) < TEXT_MATCH,
                        _ => false,
                    };
                    if (no.index < li || (no.index == li && other_text)) && !self.heading_since {
                        self.section = Some(cur + 1);
                    }
                }
                self.section.unwrap_or(1)
            }
        };
        self.section = Some(s);
        self.last_index = Some(no.index);
        self.last_text = text_key;
        self.heading_since = false;
        Some(s)
    }

    /// A section heading row (「2 医療情報システムの管理・運用」).
    fn heading(&mut self, n: u32) {
        self.section = Some(n);
        self.last_index = None;
        self.heading_since = true;
    }
}

/// The targets a row answers: from the target column, the item text's suffix, or a target alone
/// in the item column.
fn row_targets(sheet: &Sheet, scan: &RowScan, table: &Table) -> Vec<Target> {
    let from_col = table
        .layout
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
                .filter(|(c, _)| *c <= table.text_col + 2)
                .find_map(|(_, v)| v.as_text().filter(|s| is_target_cell(s)).map(parse_targets))
        })
        .unwrap_or_default()
}

/// What a row that is neither an item nor a heading is to the item row above it.
enum Below {
    /// A per-target sub-row of it, answering these targets.
    SubRow(Vec<Target>),
    /// A row with other text in the item column: the item's sub-rows end.
    OtherText,
    /// Neither (a blank or note row).
    Nothing,
}

/// Step 4, attach sub-rows: a row under an item row is its sub-row when its item cell is blank
/// (or only a target) and it names a target, or when the item cell is merged down over it and
/// it holds an answer.
fn below_item(sheet: &Sheet, scan: &RowScan, parent: &RowScan, table: &Table) -> Below {
    let parent_row = parent.row;
    let parent_col = parent.text.as_ref().map(|t| t.1).unwrap_or(table.text_col);
    let targets = row_targets(sheet, scan, table);
    let covered = sheet
        .merge_at(scan.row, parent_col)
        .is_some_and(|m| m.first_row == parent_row);
    let item_cell = cell_text(sheet, scan.row, parent_col);
    let item_blank = item_cell.as_ref().is_none_or(|s| is_target_cell(s));
    let has_answer = table.layout.rounds.iter().any(|rc| {
        [rc.yes, rc.no, rc.answer]
            .into_iter()
            .flatten()
            .any(|c| sheet.grid.get(scan.row, c).is_some_and(|v| !v.is_blank()))
    });
    if item_blank && (!targets.is_empty() || (covered && has_answer)) {
        Below::SubRow(targets)
    } else if item_cell.is_some() {
        Below::OtherText
    } else {
        Below::Nothing
    }
}

/// The text above the table (which names the form) and the title — the sheet name and the first
/// three rows — which alone names the edition, not an instruction such as 「令和7年度中に対応」.
fn title_text(sheet: &Sheet, first_item: u32, header_rows: &HashSet<u32>) -> (String, String) {
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
    (title, title_top)
}

/// The item rows: each matched to the edition's item (by text, else by number), a sub-row taking
/// its item row's number, text and item, and both rounds' answers read.
fn item_rows(
    sheet: &Sheet,
    pending: &[Pending],
    catalog: &Catalog,
    edition: Option<&Arc<Edition>>,
    layout: &Layout,
    as_of: NaiveDate,
) -> Vec<ItemRow> {
    let ed_index = edition.and_then(|e| catalog.editions.iter().position(|x| Arc::ptr_eq(x, e)));
    let mut rows: Vec<ItemRow> = Vec::with_capacity(pending.len());
    for p in pending {
        let item = match (p.parent, edition) {
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
    rows
}

/// The gate question's row; its answer from the answer columns, else inline to its right.
fn read_gate(sheet: &Sheet, g: &RowScan, layout: &Layout, as_of: NaiveDate) -> ItemRow {
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
        out.no_col = rc.no.filter(|_| rc.yes.is_some());
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

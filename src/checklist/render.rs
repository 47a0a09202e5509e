//! The filled-in checklist sheet: the form of one edition (header fields, the opening question,
//! sections, every item with its targets, 1回目 and 2回目 with はい/いいえ dropdowns and date cells,
//! 目標日) and a 根拠 column with the ledger's evidence. Human answers are carried over and never
//! overwritten; where nobody answered and the ledger decides, the answer is proposed and marked.
//! The same function draws the blank form for `daicho template`.

use super::derive::Evidence;
use super::edition::{Edition, Item};
use super::parse::{Answer, DateValue, Target};
use super::read::{ChecklistSheet, RoundCells, RENDER_MARKER};
use super::slots::{slot_row, targets_text, unplaced_rows};
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, Format, FormatAlign, FormatBorder, Note,
    Workbook, Worksheet, XlsxError,
};
use std::sync::Arc;
use unicode_width::UnicodeWidthStr;

/// The font of every cell daicho writes (rust_xlsxwriter's default is Calibri).
pub const FONT: &str = "游ゴシック";
/// The note on a proposed answer.
pub const PROPOSAL_NOTE: &str = "daichoによる提案(台帳から推定)。確認して確定してください";
/// The note on an answer cell left blank because the original marked both はい and いいえ.
const BOTH_MARKED_NOTE: &str =
    "元のシートでは「はい」と「いいえ」の両方に印があります(C001)。どちらかを選んでください。";

const COL_NO: u16 = 0;
const COL_TEXT: u16 = 1;
const COL_TARGET: u16 = 2;
/// First column of round 1 (answer, 確認日, 目標日) and of round 2.
const ROUND_COL: [u16; 2] = [3, 6];
const COL_EVIDENCE: u16 = 9;
const COL_NOTE: u16 = 10;
const LAST_COL: u16 = COL_NOTE;
const WIDTHS: [f64; 11] = [
    7.0, 56.0, 16.0, 8.0, 12.0, 12.0, 8.0, 12.0, 12.0, 48.0, 26.0,
];

struct Styles {
    title: Format,
    small: Format,
    label: Format,
    value: Format,
    value_date: Format,
    header: Format,
    section: Format,
    number: Format,
    text: Format,
    target: Format,
    answer: Format,
    proposed: Format,
    conflict: Format,
    date: Format,
    evidence: Format,
    note: Format,
    marker: Format,
}

fn base() -> Format {
    Format::new().set_font_name(FONT).set_font_size(10)
}

impl Styles {
    fn new() -> Styles {
        let boxed = || {
            base()
                .set_border(FormatBorder::Thin)
                .set_align(FormatAlign::VerticalCenter)
        };
        Styles {
            title: base().set_bold().set_font_size(14),
            small: base()
                .set_font_size(9)
                .set_font_color(Color::RGB(0x595959))
                .set_text_wrap()
                .set_align(FormatAlign::Top),
            label: boxed()
                .set_bold()
                .set_background_color(Color::RGB(0xF2F2F2)),
            value: boxed(),
            value_date: boxed()
                .set_num_format("yyyy/mm/dd")
                .set_align(FormatAlign::Left),
            header: boxed()
                .set_bold()
                .set_background_color(Color::RGB(0xD9E1F2))
                .set_align(FormatAlign::Center)
                .set_text_wrap(),
            section: boxed()
                .set_bold()
                .set_background_color(Color::RGB(0xE2EFDA)),
            number: boxed().set_align(FormatAlign::Center),
            text: boxed().set_text_wrap(),
            target: boxed().set_text_wrap(),
            answer: boxed().set_align(FormatAlign::Center),
            proposed: boxed()
                .set_align(FormatAlign::Center)
                .set_italic()
                .set_background_color(Color::RGB(0xFCE4D6)),
            conflict: boxed()
                .set_align(FormatAlign::Center)
                .set_background_color(Color::RGB(0xFFF2CC)),
            date: boxed()
                .set_num_format("yyyy/mm/dd")
                .set_align(FormatAlign::Center),
            evidence: boxed().set_text_wrap().set_font_size(9),
            note: boxed()
                .set_text_wrap()
                .set_font_size(9)
                .set_font_color(Color::RGB(0x595959)),
            marker: base().set_font_size(8).set_font_color(Color::RGB(0xA6A6A6)),
        }
    }
}

fn note(text: &str) -> Note {
    Note::new(text)
        .set_author("daicho")
        .add_author_prefix(false)
        .set_font_name(FONT)
        .set_width(300)
        .set_height(90)
}

/// A sheet name not used yet in the book (compared case-insensitively, as Excel does).
pub fn unique_sheet_name(book: &mut Workbook, wanted: &str) -> String {
    let taken: Vec<String> = book
        .worksheets()
        .iter()
        .map(|w| w.name().to_lowercase())
        .collect();
    if !taken.contains(&wanted.to_lowercase()) {
        return wanted.to_string();
    }
    // The input had a sheet of that name (a filled-in template): 「…記入済」, then 「…記入済2」 ….
    for n in 1.. {
        let suffix = if n == 1 {
            "記入済".to_string()
        } else {
            format!("記入済{n}")
        };
        let mut base: String = wanted.to_string();
        while base.encode_utf16().count() + suffix.encode_utf16().count() > 31 {
            base.pop();
        }
        let cand = format!("{base}{suffix}");
        if !taken.contains(&cand.to_lowercase()) {
            return cand;
        }
    }
    wanted.to_string()
}

/// Display lines a text needs in a column of `width` characters (a kanji counts two).
fn lines_for(text: &str, width: f64) -> usize {
    text.split('\n')
        .map(|l| {
            ((UnicodeWidthStr::width(l) as f64) / (width * 0.95))
                .ceil()
                .max(1.0) as usize
        })
        .sum()
}

/// The answer to carry into the dropdown cell. Both はい and いいえ marked is no answer: the cell
/// stays blank with a note (C001 flags the original), never the text 「はい・いいえ」.
fn answer_text(a: &Answer) -> Option<String> {
    match a {
        Answer::None | Answer::Both => None,
        other => Some(other.label().to_string()),
    }
}

fn write_date(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    d: &DateValue,
    fmt: &Format,
) -> Result<(), XlsxError> {
    match d {
        DateValue::Date(d) => ws.write_datetime_with_format(row, col, *d, fmt).map(|_| ()),
        DateValue::Unreadable(s) => ws.write_string_with_format(row, col, s, fmt).map(|_| ()),
        DateValue::Blank => ws.write_blank(row, col, fmt).map(|_| ()),
    }
}

/// Draws the checklist sheet of `edition` into `book` and returns its name. `answers` (a sheet
/// read with the same edition) are carried over; `evidence` fills the 根拠 column and proposes
/// answers nobody gave. With neither, this is the blank form (the template): it carries no
/// daicho marker, so a template the hospital fills in is read as its checklist.
pub fn render_sheet(
    book: &mut Workbook,
    edition: &Edition,
    answers: Option<&ChecklistSheet>,
    evidence: Option<&Evidence>,
) -> Result<String, XlsxError> {
    draw(
        book,
        edition,
        &Extras {
            answers,
            fields_from: answers,
            evidence,
            ..Extras::default()
        },
    )
}

/// What a filled-in sheet carries besides the form.
#[derive(Default)]
struct Extras<'a> {
    /// The read sheet whose answers are carried over (same edition only).
    answers: Option<&'a ChecklistSheet>,
    /// The read sheet whose header fields are carried over (any edition).
    fields_from: Option<&'a ChecklistSheet>,
    evidence: Option<&'a Evidence>,
    /// `[facility] name`, for a blank 医療機関名.
    facility: Option<&'a str>,
    /// A line about where the answers came from (or why they did not).
    origin: Option<String>,
    /// Mark the sheet as daicho's own (annotated workbooks, not the template).
    marker: bool,
}

fn draw(book: &mut Workbook, edition: &Edition, x: &Extras<'_>) -> Result<String, XlsxError> {
    let evidence = x.evidence;
    let marker = x.marker;
    let answers = x.answers.filter(|cs| {
        cs.edition
            .as_ref()
            .is_some_and(|e| e.id == edition.id && e.form == edition.form && e.path == edition.path)
    });
    let name = unique_sheet_name(book, &edition.form.sheet_name());
    let st = Styles::new();
    let ws = book.add_worksheet();
    ws.set_name(&name)?;
    for (c, w) in WIDTHS.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);

    let yes_no = DataValidation::new()
        .allow_list_strings(&["はい", "いいえ"])?
        .set_error_style(DataValidationErrorStyle::Warning)
        .set_error_title("はい/いいえ")?
        .set_error_message("「はい」か「いいえ」を選んでください。")?;

    // Title, attribution, instructions, marker.
    let mut r: u32 = 0;
    let title = format!(
        "{}({}・{})",
        edition.title,
        edition.name,
        edition.form.label()
    );
    ws.merge_range(r, 0, r, LAST_COL, &title, &st.title)?;
    ws.set_row_height(r, 24)?;
    if marker {
        ws.write_string_with_format(
            r,
            LAST_COL + 1,
            format!("{RENDER_MARKER} {} {}", edition.id, edition.form.key()),
            &st.marker,
        )?;
    }
    r += 1;
    let mut source = format!("{}。", edition.source.trim_end_matches('。'));
    if edition.items.iter().any(|i| i.unverified)
        || edition.gate.as_ref().is_some_and(|g| g.unverified)
    {
        source.push_str("備考に「文言未確認」とある項目は、原文の文言を確認できていないため、原本と照らして確認してください。");
    }
    if let Some(p) = &edition.path {
        source.push_str(&format!("定義ファイル: {}。", p.display()));
    }
    ws.merge_range(r, 0, r, LAST_COL, &source, &st.small)?;
    ws.set_row_height(r, 28)?;
    r += 1;
    if !edition.notes.is_empty() {
        let notes = edition.notes.join(" ");
        ws.merge_range(r, 0, r, LAST_COL, &notes, &st.small)?;
        ws.set_row_height(r, 28)?;
        r += 1;
    }
    if let Some(origin) = &x.origin {
        ws.merge_range(r, 0, r, LAST_COL, origin, &st.small)?;
        r += 1;
    } else if let Some(cs) = answers {
        let from = format!("回答・記入欄は元のシート「{}」から転記しました(上書きしていません)。色付きの回答は台帳からの提案です。", cs.name);
        ws.merge_range(r, 0, r, LAST_COL, &from, &st.small)?;
        r += 1;
    } else if evidence.is_some_and(|e| e.has_ledger) {
        ws.merge_range(
            r,
            0,
            r,
            LAST_COL,
            "色付きの回答は台帳からの提案です。確認して確定してください。",
            &st.small,
        )?;
        r += 1;
    }
    r += 1;

    // Header fields.
    for f in &edition.fields {
        ws.merge_range(r, 0, r, 1, &f.label, &st.label)?;
        let carried = x
            .fields_from
            .and_then(|cs| cs.field(&f.label))
            .filter(|c| !c.is_blank());
        let fmt = if f.date { &st.value_date } else { &st.value };
        ws.merge_range(r, 2, r, 5, "", fmt)?;
        let is_name = f.label.ends_with("機関名") || f.label == "薬局名";
        if let (None, Some(name), true) = (carried, x.facility, is_name) {
            ws.write_string_with_format(r, 2, name, fmt)?;
        }
        if let Some(c) = carried.and_then(|c| c.value.as_ref()) {
            match carried.and_then(|c| c.date_value) {
                Some(d) => {
                    ws.write_datetime_with_format(r, 2, d, fmt)?;
                }
                None => {
                    ws.write_string_with_format(r, 2, c.display(), fmt)?;
                }
            }
        }
        r += 1;
    }
    r += 1;

    let gate_no = answers.is_some_and(|cs| cs.gate_says_no());
    // The opening question.
    if let Some(g) = &edition.gate {
        ws.write_string_with_format(r, COL_NO, "前提", &st.label)?;
        ws.write_string_with_format(r, COL_TEXT, &g.text, &st.text)?;
        ws.write_blank(r, COL_TARGET, &st.target)?;
        let typed = answers
            .and_then(|cs| cs.gate.as_ref())
            .map(|g| &g.rounds[0].answer);
        let both = typed == Some(&Answer::Both);
        let a = typed.and_then(answer_text);
        // A ledger with devices shows that medical information systems are in use.
        let propose = evidence.is_some_and(|e| e.has_ledger && e.devices > 0);
        match a {
            Some(a) => ws.write_string_with_format(r, ROUND_COL[0], a, &st.answer)?,
            None if both => {
                ws.write_blank(r, ROUND_COL[0], &st.answer)?;
                ws.insert_note(r, ROUND_COL[0], &note(BOTH_MARKED_NOTE))?
            }
            None if propose => {
                ws.write_string_with_format(r, ROUND_COL[0], "はい", &st.proposed)?;
                ws.insert_note(r, ROUND_COL[0], &note(PROPOSAL_NOTE))?
            }
            None => ws.write_blank(r, ROUND_COL[0], &st.answer)?,
        };
        ws.add_data_validation(r, ROUND_COL[0], r, ROUND_COL[0], &yes_no)?;
        ws.write_string_with_format(
            r,
            COL_EVIDENCE,
            "「いいえ」の場合、以下の項目の確認は不要です。",
            &st.evidence,
        )?;
        let mut gate_note = String::new();
        if g.unverified {
            gate_note.push_str("※文言未確認");
        }
        ws.write_string_with_format(r, COL_NOTE, gate_note, &st.note)?;
        ws.set_row_height(r, 20)?;
        r += 2;
    }

    // Table header: two rows, 1回目 / 2回目 over 回答 / 確認日 / 目標日.
    let h = r;
    for (col, label) in [
        (COL_NO, "番号"),
        (COL_TEXT, "チェック項目"),
        (COL_TARGET, "対象"),
        (COL_EVIDENCE, "根拠(台帳から)"),
        (COL_NOTE, "備考"),
    ] {
        ws.merge_range(h, col, h + 1, col, label, &st.header)?;
    }
    for (rd, first) in ROUND_COL.iter().enumerate() {
        ws.merge_range(
            h,
            *first,
            h,
            first + 2,
            if rd == 0 { "1回目" } else { "2回目" },
            &st.header,
        )?;
        ws.write_string_with_format(h + 1, *first, "回答", &st.header)?;
        ws.write_string_with_format(h + 1, first + 1, "確認日", &st.header)?;
        ws.write_string_with_format(h + 1, first + 2, "目標日", &st.header)?;
    }
    r = h + 2;
    ws.set_freeze_panes(r, 0)?;

    // Sections and items.
    let mut section_of_last: Option<u32> = None;
    for (i, item) in edition.items.iter().enumerate() {
        let sec = item.section();
        if section_of_last != Some(sec) {
            section_of_last = Some(sec);
            let title = edition
                .section_title(sec)
                .map(|s| format!("{} {}", sec, s.title))
                .unwrap_or_else(|| sec.to_string());
            ws.merge_range(r, 0, r, LAST_COL, &title, &st.section)?;
            ws.set_row_height(r, 18)?;
            r += 1;
        }
        r = write_item(
            ws, &st, &yes_no, r, edition, i, item, answers, evidence, gate_no,
        )?;
    }
    r += 1;
    ws.merge_range(
        r,
        0,
        r,
        LAST_COL,
        "このシートは daicho が作成しました。回答は人が確認して確定してください。台帳から推定できない項目は空欄のままです。",
        &st.small,
    )?;
    Ok(name)
}

#[allow(clippy::too_many_arguments)]
fn write_item(
    ws: &mut Worksheet,
    st: &Styles,
    yes_no: &DataValidation,
    first: u32,
    edition: &Edition,
    index: usize,
    item: &Item,
    answers: Option<&ChecklistSheet>,
    evidence: Option<&Evidence>,
    gate_no: bool,
) -> Result<u32, XlsxError> {
    let slots = item.slots(edition.per_target);
    // Answered rows whose 対象 is not one of this item's slots: kept as typed below them (C009).
    let unplaced = answers
        .map(|cs| unplaced_rows(cs, edition, index))
        .unwrap_or_default();
    let n = (slots.len() + unplaced.len()) as u32;
    let last = first + n - 1;
    let mut item_note = String::new();
    if item.unverified {
        item_note.push_str("※文言未確認。");
    }
    if let Some(nt) = &item.note {
        item_note.push_str(nt);
    }
    // Height: enough lines for the text, the evidence and the note, shared by the rows.
    let mut evidence_texts = Vec::new();
    for (k, slot) in slots.iter().enumerate() {
        let row = first + k as u32;
        let slot_targets: Vec<Target> = slot
            .map(|t| vec![t])
            .unwrap_or_else(|| item.targets.clone());
        let ev = item
            .tag
            .zip(evidence)
            .and_then(|(tag, e)| e.for_item(tag, &slot_targets));
        let target_label = match slot {
            Some(t) => t.label().to_string(),
            None => item.targets_label(),
        };
        ws.write_string_with_format(row, COL_TARGET, &target_label, &st.target)?;
        let carried = answers.and_then(|cs| slot_row(cs, index, *slot));
        let empty = RoundCells::default();
        for (rd, col) in ROUND_COL.iter().enumerate() {
            let cells = carried.map(|r| &r.rounds[rd]).unwrap_or(&empty);
            match answer_text(&cells.answer) {
                Some(a) => {
                    let latest_yes = cells.answer == Answer::Yes
                        && (rd == 1 || !carried.is_some_and(|r| r.rounds[1].answer.is_single()));
                    let conflict = ev
                        .as_ref()
                        .and_then(|e| e.contradiction.as_ref())
                        .filter(|_| latest_yes);
                    match conflict {
                        Some(why) => {
                            ws.write_string_with_format(row, *col, &a, &st.conflict)?;
                            ws.insert_note(
                                row,
                                *col,
                                &note(&format!(
                                    "台帳と矛盾する可能性があります(C005): {}。",
                                    why.ja
                                )),
                            )?;
                        }
                        None => {
                            ws.write_string_with_format(row, *col, &a, &st.answer)?;
                        }
                    }
                }
                None => {
                    let proposal = ev
                        .as_ref()
                        .and_then(|e| e.proposal.clone())
                        .filter(|_| rd == 0 && !gate_no);
                    match proposal.as_ref().and_then(answer_text) {
                        _ if cells.answer == Answer::Both => {
                            ws.write_blank(row, *col, &st.answer)?;
                            ws.insert_note(row, *col, &note(BOTH_MARKED_NOTE))?;
                        }
                        Some(p) => {
                            ws.write_string_with_format(row, *col, &p, &st.proposed)?;
                            ws.insert_note(row, *col, &note(PROPOSAL_NOTE))?;
                        }
                        None => {
                            ws.write_blank(row, *col, &st.answer)?;
                        }
                    }
                }
            }
            ws.add_data_validation(row, *col, row, *col, yes_no)?;
            write_date(ws, row, col + 1, &cells.check, &st.date)?;
            write_date(ws, row, col + 2, &cells.target, &st.date)?;
        }
        let ev_text = ev.as_ref().map(|e| e.text.clone()).unwrap_or_default();
        ws.write_string_with_format(row, COL_EVIDENCE, &ev_text, &st.evidence)?;
        evidence_texts.push(ev_text);
    }
    for (k, kept) in unplaced.iter().enumerate() {
        let row = first + (slots.len() + k) as u32;
        let label = targets_text(kept).ja.into_owned();
        ws.write_string_with_format(row, COL_TARGET, &label, &st.target)?;
        for (rd, col) in ROUND_COL.iter().enumerate() {
            let cells = &kept.rounds[rd];
            match answer_text(&cells.answer) {
                Some(a) => ws.write_string_with_format(row, *col, &a, &st.answer)?,
                None if cells.answer == Answer::Both => {
                    ws.write_blank(row, *col, &st.answer)?;
                    ws.insert_note(row, *col, &note(BOTH_MARKED_NOTE))?
                }
                None => ws.write_blank(row, *col, &st.answer)?,
            };
            ws.add_data_validation(row, *col, row, *col, yes_no)?;
            write_date(ws, row, col + 1, &cells.check, &st.date)?;
            write_date(ws, row, col + 2, &cells.target, &st.date)?;
        }
        let text = format!(
            "元のシート{}行目の回答です。対象「{label}」はこの版の項目{}の対象({})にないため、そのまま転記しました(C009)。",
            kept.row + 1,
            item.number,
            slots
                .iter()
                .map(|s| match s {
                    Some(t) => t.label().to_string(),
                    None if item.targets.is_empty() => "項目全体".to_string(),
                    None => item.targets_label(),
                })
                .collect::<Vec<_>>()
                .join("、"),
        );
        ws.write_string_with_format(row, COL_EVIDENCE, &text, &st.evidence)?;
        evidence_texts.push(text);
    }
    if n > 1 {
        ws.merge_range(first, COL_NO, last, COL_NO, &item.number, &st.number)?;
        ws.merge_range(first, COL_TEXT, last, COL_TEXT, &item.text, &st.text)?;
        ws.merge_range(first, COL_NOTE, last, COL_NOTE, &item_note, &st.note)?;
    } else {
        ws.write_string_with_format(first, COL_NO, &item.number, &st.number)?;
        ws.write_string_with_format(first, COL_TEXT, &item.text, &st.text)?;
        ws.write_string_with_format(first, COL_NOTE, &item_note, &st.note)?;
    }
    let text_lines = lines_for(&item.text, WIDTHS[COL_TEXT as usize])
        .max(lines_for(&item_note, WIDTHS[COL_NOTE as usize] * 1.1));
    let per_row_text = text_lines.div_ceil(n as usize);
    for (k, ev) in evidence_texts.iter().enumerate() {
        let lines = per_row_text
            .max(lines_for(ev, WIDTHS[COL_EVIDENCE as usize] * 1.1))
            .max(1);
        ws.set_row_height(first + k as u32, (lines as f64 * 14.0 + 6.0).max(20.0))?;
    }
    Ok(last + 1)
}

/// Draws the filled-in sheets for an analysed workbook: one per checklist sheet read (in its
/// edition, answers carried over), and — when the workbook has a ledger but no hospital or
/// pharmacy checklist — the default edition's 医療機関確認用 filled from the ledger.
pub fn render_for(
    book: &mut Workbook,
    analysis: &super::ChecklistAnalysis,
) -> Result<Vec<String>, XlsxError> {
    let mut names = Vec::new();
    let mut main_form_done = false;
    for cs in &analysis.sheets {
        let ev = (cs.form != super::Form::Vendor).then_some(&analysis.evidence);
        let edition: Option<Arc<Edition>> = cs
            .edition
            .clone()
            .or_else(|| analysis.catalog.default_for(cs.form));
        let Some(edition) = edition else { continue };
        let origin = cs.edition.is_none().then(|| {
            let which = cs.named_edition.as_ref().map(|n| format!("({n}版)")).unwrap_or_default();
            format!(
                "元のシート「{}」は版{which}を判別できないため、回答は転記していません。{}の様式です。",
                cs.name,
                edition.display_name()
            )
        });
        let origin = origin.or_else(|| {
            edition.from_sheet.then(|| {
                format!(
                    "元のシート「{}」の版({})の文言はdaichoにないため、項目はシートの文言のまま転記しています(文言は照合していません)。",
                    cs.name, edition.name
                )
            })
        });
        let extras = Extras {
            answers: cs.edition.as_ref().map(|_| cs),
            fields_from: Some(cs),
            evidence: ev,
            facility: analysis.facility.as_deref(),
            origin,
            marker: true,
        };
        names.push(draw(book, &edition, &extras)?);
        if cs.form != super::Form::Vendor {
            main_form_done = true;
        }
    }
    if !main_form_done && analysis.evidence.has_ledger {
        if let Some(edition) = analysis.catalog.default_for(analysis.default_form) {
            let extras = Extras {
                evidence: Some(&analysis.evidence),
                facility: analysis.facility.as_deref(),
                marker: true,
                ..Extras::default()
            };
            names.push(draw(book, &edition, &extras)?);
        }
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::edition::{find_bundled, Catalog, Form};
    use crate::checklist::lint::check_sheet;
    use crate::checklist::read::{is_checklist_with, read_sheet};
    use crate::workbook::{open_bytes, open_path, Limits};
    use chrono::NaiveDate;

    fn as_of() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    fn reread(book: &mut Workbook) -> crate::workbook::Workbook {
        let bytes = book.save_to_buffer().unwrap();
        open_bytes(&bytes, "xlsx", &Limits::default()).unwrap()
    }

    #[test]
    fn a_blank_form_reads_back_as_an_empty_form_only() {
        let cat = Catalog::bundled();
        for id in ["r6", "r7"] {
            for form in [Form::Hospital, Form::Pharmacy, Form::Vendor] {
                let ed = find_bundled(Some(id), form).unwrap();
                let mut book = Workbook::new();
                let name = render_sheet(&mut book, &ed, None, None).unwrap();
                assert_eq!(name, form.sheet_name());
                let wb = reread(&mut book);
                let sheet = &wb.sheets[0];
                assert!(is_checklist_with(sheet, &cat), "{id} {form:?}");
                assert!(
                    !crate::checklist::is_rendered_sheet(sheet),
                    "the template carries no marker"
                );
                let cs = read_sheet(0, sheet, &cat, as_of()).unwrap();
                let got = cs.edition.as_ref().unwrap();
                assert_eq!((got.id.as_str(), got.form), (id, form));
                assert!(
                    cs.rows.iter().all(|r| r.item.is_some()),
                    "{id} {form:?}: every row is an item"
                );
                let slots: usize = ed.items.iter().map(|i| i.slots(ed.per_target).len()).sum();
                assert_eq!(cs.rows.len(), slots, "{id} {form:?}");
                let mut findings = Vec::new();
                check_sheet(
                    &cs,
                    &crate::checklist::Evidence::default(),
                    as_of(),
                    &mut findings,
                );
                let c001 = findings.iter().filter(|f| f.code() == "C001").count();
                let c007 = findings.iter().filter(|f| f.code() == "C007").count();
                assert_eq!(
                    c001,
                    slots + usize::from(ed.gate.is_some()),
                    "{id} {form:?} {findings:#?} {:#?}",
                    cs.gate
                );
                assert_eq!(
                    c007,
                    ed.fields.iter().filter(|f| f.required).count(),
                    "{id} {form:?}"
                );
                assert_eq!(findings.len(), c001 + c007, "{id} {form:?}: {findings:#?}");
                assert!(findings.iter().all(|f| f.row.is_some()));
            }
        }
    }

    #[test]
    fn answers_survive_a_round_trip_and_the_filled_sheet_is_marked() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/checklist/r7_marks.xlsx");
        let cat = Catalog::bundled();
        let wb = open_path(&path, &Limits::default()).unwrap();
        let original = read_sheet(0, &wb.sheets[0], &cat, as_of()).unwrap();
        let ed = original.edition.clone().unwrap();
        let mut book = Workbook::new();
        let extras = Extras {
            answers: Some(&original),
            fields_from: Some(&original),
            marker: true,
            ..Extras::default()
        };
        draw(&mut book, &ed, &extras).unwrap();
        let back_wb = reread(&mut book);
        let sheet = &back_wb.sheets[0];
        assert!(crate::checklist::is_rendered_sheet(sheet));
        assert!(crate::layout::is_daicho_sheet(sheet));
        let back = read_sheet(0, sheet, &cat, as_of()).unwrap();
        for row in original.rows.iter().filter(|r| r.item.is_some()) {
            let target = row.targets.first().copied();
            let again = back
                .rows
                .iter()
                .find(|b| {
                    b.item == row.item
                        && (target.is_none() || b.targets.contains(&target.unwrap_or(Target::All)))
                })
                .unwrap_or_else(|| panic!("row {} lost", row.row + 1));
            for rd in 0..2 {
                // はい and いいえ both marked is left blank (C001 flags the original).
                let expected = match &row.rounds[rd].answer {
                    Answer::Both => Answer::None,
                    other => other.clone(),
                };
                assert_eq!(
                    again.rounds[rd].answer,
                    expected,
                    "row {} round {rd}",
                    row.row + 1
                );
                assert_eq!(
                    again.rounds[rd].check,
                    row.rounds[rd].check,
                    "row {} round {rd}",
                    row.row + 1
                );
                assert_eq!(
                    again.rounds[rd].target,
                    row.rounds[rd].target,
                    "row {} round {rd}",
                    row.row + 1
                );
            }
        }
        assert_eq!(
            back.field("記入者").and_then(|f| f.display()),
            Some("佐藤 花子".to_string())
        );
    }

    #[test]
    fn names_never_collide() {
        let ed = find_bundled(None, Form::Hospital).unwrap();
        let mut book = Workbook::new();
        book.add_worksheet()
            .set_name("チェックリスト(医療機関確認用)")
            .unwrap();
        let name = render_sheet(&mut book, &ed, None, None).unwrap();
        assert_eq!(name, "チェックリスト(医療機関確認用)記入済");
        assert!(book.save_to_buffer().is_ok());
    }

    #[test]
    fn an_answer_for_a_target_the_edition_does_not_ask_is_kept() {
        let cat = Catalog::bundled();
        let ed = find_bundled(Some("r7"), Form::Hospital).unwrap();
        let mut rows: Vec<Vec<String>> = vec![
            vec!["医療機関におけるサイバーセキュリティ対策チェックリスト(令和7年度版)".into()],
            vec![
                "No".into(),
                "チェック項目".into(),
                "対象".into(),
                "回答".into(),
                "確認日".into(),
            ],
        ];
        for item in &ed.items {
            let mut row = vec![
                item.number.clone(),
                item.text.clone(),
                String::new(),
                "はい".into(),
                "2026/6/1".into(),
            ];
            if item.number == "2-⑥" {
                // R7 asks 2-⑥ for all systems; this sheet answers it per target.
                row[2] = "サーバ".into();
                rows.push(row.clone());
                row = vec![
                    String::new(),
                    String::new(),
                    "端末PC".into(),
                    "いいえ".into(),
                    "2026/6/2".into(),
                ];
            }
            rows.push(row);
        }
        let refs: Vec<Vec<&str>> = rows
            .iter()
            .map(|r| r.iter().map(String::as_str).collect())
            .collect();
        let refs: Vec<&[&str]> = refs.iter().map(|r| r.as_slice()).collect();
        let sheet = crate::workbook::Sheet::from_text_rows("チェックリスト", &refs);
        let cs = read_sheet(0, &sheet, &cat, as_of()).unwrap();
        let mut findings = Vec::new();
        check_sheet(
            &cs,
            &crate::checklist::Evidence::default(),
            as_of(),
            &mut findings,
        );
        let c009: Vec<_> = findings.iter().filter(|f| f.code() == "C009").collect();
        assert_eq!(c009.len(), 2, "{findings:?}");
        let mut book = Workbook::new();
        render_sheet(&mut book, &ed, Some(&cs), None).unwrap();
        let back = reread(&mut book);
        let texts: Vec<String> = back.sheets[0]
            .grid
            .rows()
            .iter()
            .flat_map(|r| r.cells.iter().map(|(_, v)| v.display()))
            .collect();
        assert_eq!(texts.iter().filter(|t| t.contains("(C009)")).count(), 2);
        assert!(
            texts.iter().any(|t| t == "いいえ"),
            "the 端末PC answer is kept"
        );
    }
}

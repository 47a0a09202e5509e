//! The annotated copy of an `.xlsx`/`.xlsm`: the user's own package with marks added
//! ([`super::ooxml`]) — their formulas, formats, validations, notes and macros stay as they were.
//! daicho's summary (and the filled-in checklist) are rendered into small in-memory workbooks and
//! transplanted in; daicho's sheets and marks from an earlier run are replaced.

use super::ooxml::{self, AddedSheet, CellMark, PatchError, PatchPlan, SheetMarks};
use super::styles::{self, Fill, Styles};
use super::{
    cell_fill, choose_notes, note_text, place_findings, summary, CellFindings, Options, Stats,
};
use crate::engine::Analysis;
use crate::layout::is_daicho_sheet;
use crate::settings::Settings;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

/// Why the in-place copy was not made.
#[derive(Debug)]
pub enum InPlaceError {
    /// The package cannot be patched safely: write the values copy instead.
    Patch(PatchError),
    /// rust_xlsxwriter refused daicho's own sheets (a bug in daicho).
    Xlsx(rust_xlsxwriter::XlsxError),
}

impl From<rust_xlsxwriter::XlsxError> for InPlaceError {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        InPlaceError::Xlsx(e)
    }
}

impl From<PatchError> for InPlaceError {
    fn from(e: PatchError) -> Self {
        InPlaceError::Patch(e)
    }
}

/// Whether `source` is a package daicho patches in place (by its extension).
pub fn applies_to(source: &Path) -> bool {
    source
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx") || e.eq_ignore_ascii_case("xlsm"))
}

/// The output path for a macro workbook: `<stem>.checked.xlsm` (Excel refuses a macro package
/// named `.xlsx`).
pub fn output_path(path: &Path, macro_enabled: bool) -> std::path::PathBuf {
    let is_xlsx = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    if macro_enabled && is_xlsx {
        path.with_extension("xlsm")
    } else {
        path.to_path_buf()
    }
}

/// `0xFFC7CE` → `FFFFC7CE`.
fn argb(fill: Fill) -> String {
    format!("FF{:06X}", fill.colors().0)
}

/// The patched package of `analysis` (read from `input`): where each finding lands, which cells
/// get a note, the marks (and the checklist's proposals), daicho's sheets rendered, then the
/// package patched.
pub fn build(
    analysis: &Analysis<'_>,
    settings: &Settings,
    input: &[u8],
    file_name: &str,
    options: Options,
) -> Result<(Vec<u8>, Stats), InPlaceError> {
    let workbook = analysis.workbook;
    let kept: Vec<usize> = (0..workbook.sheets.len())
        .filter(|i| !is_daicho_sheet(&workbook.sheets[*i]))
        .collect();
    let remove_sheets: Vec<String> = (0..workbook.sheets.len())
        .filter(|i| is_daicho_sheet(&workbook.sheets[*i]))
        .map(|i| workbook.sheets[i].name.clone())
        .collect();
    let (marks, targets) = place_findings(analysis, &kept, |si| workbook.sheets[si].name.clone());
    let (noted, stats) = choose_notes(analysis, &marks, options.max_notes);
    let mut plan_marks = cell_marks(analysis, &marks, &noted, settings.lang);
    // The workbook's own checklist gets daicho's proposals in its blank answer cells.
    let own_checklist = analysis
        .checklist
        .sheets
        .iter()
        .any(|cs| !cs.rendered && cs.edition.is_some());
    add_proposals(analysis, input, &mut plan_marks);
    let plan = PatchPlan {
        marks: plan_marks,
        remove_sheets,
        added_sheets: Vec::new(),
        proposal_fill: Some(PROPOSAL_FILL.to_string()),
        mark_fills: Fill::ALL.iter().map(|f| argb(*f)).collect(),
        outlines: workbook.outlines.clone(),
    };
    // The summary (shown first) is rendered while the user's sheets are marked: at 100k rows
    // each takes about a quarter of a second.
    let render = || {
        render_daicho_sheets(
            analysis,
            settings,
            file_name,
            &targets,
            stats,
            own_checklist,
            options,
        )
    };
    // What the analysis freed is handed back before the copy is built (the peak is there).
    crate::memory::give_back();
    let bytes = ooxml::patch_rendering(input, &plan, true, render)?;
    Ok((bytes, stats))
}

/// The marks of each sheet with flagged cells: the fill by severity, the note where chosen.
fn cell_marks(
    analysis: &Analysis<'_>,
    marks: &CellFindings,
    noted: &HashSet<(usize, u32, u32)>,
    lang: crate::Lang,
) -> Vec<SheetMarks> {
    marks
        .iter()
        .enumerate()
        .filter(|(_, m)| !m.is_empty())
        .map(|(si, m)| SheetMarks {
            sheet_name: analysis.workbook.sheets[si].name.clone(),
            cells: m
                .iter()
                .map(|(&(row, col), fis)| CellMark {
                    row,
                    col,
                    fill_argb: argb(cell_fill(&analysis.findings, fis)),
                    note: noted
                        .contains(&(si, row, col))
                        .then(|| note_text(&analysis.findings, fis, lang)),
                    write_text: None,
                })
                .collect(),
        })
        .collect()
}

/// daicho's proposals in the blank answer cells of the workbook's own checklist, merged with
/// the marks already on those cells.
fn add_proposals(analysis: &Analysis<'_>, input: &[u8], plan_marks: &mut Vec<SheetMarks>) {
    // Proposals an earlier run left unconfirmed are read as answers; they are proposed afresh.
    let earlier = ooxml::marked_text_cells(input, PROPOSAL_FILL).unwrap_or_default();
    for (sheet_name, cell) in proposals(analysis, &earlier) {
        let pos = plan_marks.iter().position(|m| m.sheet_name == sheet_name);
        let sheet = match pos {
            Some(p) => &mut plan_marks[p],
            None => {
                plan_marks.push(SheetMarks {
                    sheet_name,
                    cells: Vec::new(),
                });
                let last = plan_marks.len() - 1;
                &mut plan_marks[last]
            }
        };
        // A finding on the answer cell (C001 unanswered) shares it: the proposal's fill and
        // text (so a later run recognises it as daicho's), both notes.
        match sheet
            .cells
            .iter_mut()
            .find(|c| (c.row, c.col) == (cell.row, cell.col))
        {
            Some(existing) => {
                existing.fill_argb = cell.fill_argb;
                existing.write_text = cell.write_text;
                existing.note = match (existing.note.take(), cell.note) {
                    (Some(a), Some(b)) => Some(format!("{b}\n\n{a}")),
                    (a, b) => a.or(b),
                };
            }
            None => sheet.cells.push(cell),
        }
    }
}

/// daicho's sheets, each rendered on its own: the summary (first, shown when the file opens)
/// and the standard checklist filled in from the ledger, only when the workbook has none.
fn render_daicho_sheets(
    analysis: &Analysis<'_>,
    settings: &Settings,
    file_name: &str,
    targets: &[Option<summary::Target>],
    stats: Stats,
    own_checklist: bool,
    options: Options,
) -> Result<Vec<AddedSheet>, InPlaceError> {
    let styles = Styles::new();
    // Both books are unzipped again at once to be transplanted: the fastest deflate will do.
    let mut summary_book = rust_xlsxwriter::Workbook::new();
    summary_book.set_zip_compression_level(1);
    summary_book.set_default_format(&styles::base(), 20, 64)?;
    {
        // Many findings: rows streamed to a temp file as inline strings (as the values copy
        // does), not held as cells plus a shared-strings table that the transplant inlines
        // again. The same cells and formats; at 100k rows (19.8k findings) the peak is 12 MB
        // lower and the run about 0.05 s shorter.
        let (ws, streamed) = super::add_sheet(
            &mut summary_book,
            super::streams_summary(analysis.findings.len(), options),
        )?;
        ws.set_name(super::SUMMARY_SHEET_NAME)?;
        summary::write(
            ws,
            streamed,
            &summary::Summary::of(analysis, settings, file_name, targets, stats, true, None),
            &styles,
        )?;
    }
    let mut added_sheets = vec![AddedSheet {
        xlsx: summary_book.save_to_buffer()?,
        first: true,
        active: true,
    }];
    let mut checklist_book = rust_xlsxwriter::Workbook::new();
    checklist_book.set_zip_compression_level(1);
    checklist_book.set_default_format(&styles::base(), 20, 64)?;
    if !own_checklist {
        crate::checklist::render::render_for(&mut checklist_book, &analysis.checklist)?;
    }
    if !checklist_book.worksheets().is_empty() {
        added_sheets.push(AddedSheet {
            xlsx: checklist_book.save_to_buffer()?,
            first: false,
            active: false,
        });
    }
    Ok(added_sheets)
}

/// The line of a proposal's note that names the proposed text, so that a later run knows the
/// proposal even where an editor dropped daicho's mark ([`proposed_in_note`]).
const PROPOSED_LINE: &str = "提案: ";

/// The note on a proposed answer: what it is, the proposed text, the evidence.
fn proposal_note(text: &str, evidence: &str) -> String {
    use crate::checklist::render::PROPOSAL_NOTE;
    let mut note = format!("{PROPOSAL_NOTE}\n{PROPOSED_LINE}{text}");
    if !evidence.is_empty() {
        note.push_str(&format!("\n根拠: {evidence}"));
    }
    note
}

/// The proposed text named in a note's text, when the note is daicho's proposal note.
pub fn proposed_in_note(note: &str) -> Option<String> {
    use crate::checklist::render::PROPOSAL_NOTE;
    let after = &note[note.find(PROPOSAL_NOTE)? + PROPOSAL_NOTE.len()..];
    let line = after.lines().nth(1)?;
    line.strip_prefix(PROPOSED_LINE).map(str::to_string)
}

/// The fill of a proposed answer (the rendered checklist's).
pub const PROPOSAL_FILL: &str = "FFFCE4D6";

/// daicho's proposals for the blank first-round answers of the workbook's own checklist sheets:
/// the ledger's evidence, as the rendered checklist shows it, written where the user answers
/// (「○」 in the はい or いいえ column of a form answered with marks).
fn proposals(
    analysis: &Analysis<'_>,
    earlier: &BTreeMap<String, std::collections::BTreeSet<(u32, u32)>>,
) -> Vec<(String, CellMark)> {
    use crate::checklist::parse::Answer;
    use crate::checklist::Form;
    let mut out = Vec::new();
    let evidence = &analysis.checklist.evidence;
    for cs in &analysis.checklist.sheets {
        let Some(edition) = cs.edition.as_ref() else {
            continue;
        };
        if cs.rendered || cs.form == Form::Vendor || cs.gate_says_no() {
            continue;
        }
        for row in &cs.rows {
            let Some(item) = row.item.and_then(|i| edition.items.get(i)) else {
                continue;
            };
            let Some(tag) = item.tag else { continue };
            let targets = if row.targets.is_empty() {
                item.targets.clone()
            } else {
                row.targets.clone()
            };
            let Some(ev) = evidence.for_item(tag, &targets) else {
                continue;
            };
            let Some(proposal) = ev.proposal.clone() else {
                continue;
            };
            let first = &row.rounds[0];
            let proposed_before = earlier.get(&cs.name).is_some_and(|cells| {
                [first.answer_col, first.no_col]
                    .iter()
                    .flatten()
                    .any(|c| cells.contains(&(row.row, *c)))
            });
            if first.answer != Answer::None && !proposed_before {
                continue;
            }
            let at = match (first.no_col, &proposal) {
                (Some(no), Answer::No) => Some((no, "○".to_string())),
                (Some(_), Answer::Yes) => first.answer_col.map(|c| (c, "○".to_string())),
                (Some(_), _) => None,
                (None, Answer::Yes | Answer::No | Answer::NotApplicable) => {
                    first.answer_col.map(|c| (c, proposal.label().to_string()))
                }
                (None, _) => None,
            };
            let Some((col, text)) = at else { continue };
            out.push((
                cs.name.clone(),
                CellMark {
                    row: row.row,
                    col,
                    fill_argb: PROPOSAL_FILL.to_string(),
                    note: Some(proposal_note(&text, &ev.text)),
                    write_text: Some(text),
                },
            ));
        }
    }
    out
}

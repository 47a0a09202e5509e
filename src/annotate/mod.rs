//! The annotated workbook (`<stem>.checked.xlsx`), never the input.
//!
//! An `.xlsx`/`.xlsm` comes back as itself with marks (`in_place.rs`, [`ooxml`]): the user's
//! package with fills and notes on the flagged cells and the sheets below transplanted in; a
//! macro workbook as `<stem>.checked.xlsm`. Other formats, and packages that cannot be patched
//! safely, get a values copy built here:
//!
//! 1. 「チェック結果」: file, as-of date, counts, and one row per finding linking to its cell.
//! 2. Every original sheet in order, values at their original addresses with their types, merged
//!    ranges kept, the ledger header styled and frozen, each flagged cell filled by severity with
//!    one note (capped per workbook: LibreOffice needs minutes to open 10k+ notes).
//! 3. The filled-in checklist sheet ([`crate::checklist::render::render_for`]).
//!
//! The workbook is built in memory ([`build_bytes`], no file system: the browser page uses it
//! too) and saved through [`crate::save`]: a temporary file in the target folder renamed over
//! the output, so a crash never leaves half a workbook and an output open in Excel gives a clear
//! message.

mod in_place;
mod names;
pub mod ooxml;
mod output;
mod sheet;
mod styles;
mod summary;

pub use output::{
    build_bytes, default_output, plan_outputs, save_built, write_target, AnnotateError, Built,
    Target, Written,
};
pub use styles::{FONT_NAME, FONT_SIZE};

/// The proposals an earlier run wrote into the workbook's own checklist and nobody confirmed
/// (see [`ooxml::EarlierProposal`]), per sheet.
pub fn earlier_proposals(package: &[u8]) -> Result<ooxml::EarlierProposals, ooxml::PatchError> {
    ooxml::earlier_proposals(package, in_place::PROPOSAL_FILL, in_place::proposed_in_note)
}

use crate::engine::Analysis;
use crate::layout::is_daicho_sheet;
use crate::rules::Finding;
use crate::settings::Settings;
use crate::Lang;
use crate::Text;
use sheet::{Mark, SheetPlan};
use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use styles::{Fill, Styles};

/// The name of the summary sheet.
pub const SUMMARY_SHEET_NAME: &str = "チェック結果";
/// How many cells get a note, per workbook. Every flagged cell gets its fill regardless.
pub const DEFAULT_MAX_NOTES: usize = 2000;
/// Sheets with more cells than this are written in rust_xlsxwriter's constant-memory mode (rows
/// streamed to temp files). Never in a browser: there is no file system there.
#[cfg(not(target_arch = "wasm32"))]
pub const DEFAULT_CONSTANT_MEMORY_CELLS: usize = 50_000;
#[cfg(target_arch = "wasm32")]
pub const DEFAULT_CONSTANT_MEMORY_CELLS: usize = usize::MAX;

/// Tuning knobs (tests lower them to exercise the capped and constant-memory paths).
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub max_notes: usize,
    pub constant_memory_cells: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_notes: DEFAULT_MAX_NOTES,
            constant_memory_cells: DEFAULT_CONSTANT_MEMORY_CELLS,
        }
    }
}

/// What was put in the workbook.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub flagged_cells: usize,
    pub notes: usize,
    pub notes_left_out: usize,
}

/// Writes the annotated workbook of `analysis` (read from `source`) to `out`, through a temporary
/// file in `out`'s folder. Never touches `source`.
pub fn write(
    analysis: &Analysis<'_>,
    settings: &Settings,
    source: &Path,
    out: &Path,
) -> Result<Written, AnnotateError> {
    let target = Target {
        path: out.to_path_buf(),
        fallback: false,
    };
    output::write_target(analysis, settings, source, &target, Options::default())
}

/// Builds the annotated workbook in memory (constant-memory sheets stream to temp files): the
/// sheets' output names, where each finding lands, which cells get a note, then the summary,
/// every original sheet and the filled-in checklist, in that order.
pub fn build(
    analysis: &Analysis<'_>,
    settings: &Settings,
    file_name: &str,
    options: Options,
) -> Result<(rust_xlsxwriter::Workbook, Stats), rust_xlsxwriter::XlsxError> {
    build_values_copy(analysis, settings, file_name, options, None)
}

/// [`build`], the summary saying why an .xlsx/.xlsm got a values copy (`values_copy_reason`).
fn build_values_copy(
    analysis: &Analysis<'_>,
    settings: &Settings,
    file_name: &str,
    options: Options,
    values_copy_reason: Option<&str>,
) -> Result<(rust_xlsxwriter::Workbook, Stats), rust_xlsxwriter::XlsxError> {
    let workbook = analysis.workbook;
    let styles = Styles::new();
    let mut book = rust_xlsxwriter::Workbook::new();
    book.set_default_format(&styles::base(), 20, 64)?;

    let copied: Vec<usize> = (0..workbook.sheets.len())
        .filter(|i| !is_daicho_sheet(&workbook.sheets[*i]))
        .collect();
    let (mut names, out_names, summary_name) = output_names(analysis, &copied);
    let (marks, targets) = place_findings(analysis, &copied, |si| {
        out_names[si].clone().unwrap_or_default()
    });
    let (noted, stats) = choose_notes(analysis, &marks, options.max_notes);

    // 1. The summary sheet (first, and active).
    {
        let (ws, streamed) =
            add_sheet(&mut book, streams_summary(analysis.findings.len(), options))?;
        ws.set_name(&summary_name)?;
        summary::write(
            ws,
            streamed,
            &summary::Summary::of(
                analysis,
                settings,
                file_name,
                &targets,
                stats,
                false,
                values_copy_reason,
            ),
            &styles,
        )?;
    }

    // 2. Every original sheet, in order.
    for &si in &copied {
        let plan = sheet_plan(analysis, si, &marks[si], &noted, settings.lang);
        let (ws, _) = add_sheet(
            &mut book,
            plan.sheet.grid.cell_count() > options.constant_memory_cells,
        )?;
        ws.set_name(out_names[si].as_deref().unwrap_or_default())?;
        sheet::write_sheet(ws, &plan, &styles)?;
    }

    // 3. The filled-in checklist, its names made unique beside the originals'.
    add_checklist(&mut book, analysis, &mut names)?;
    Ok((book, stats))
}

/// Output names: originals keep theirs (made valid and unique), the summary yields if taken.
/// The names claimed so far, each sheet's output name (None for daicho's own sheets of an
/// earlier run, which are not copied) and the summary's.
fn output_names(
    analysis: &Analysis<'_>,
    copied: &[usize],
) -> (names::NameBook, Vec<Option<String>>, String) {
    let workbook = analysis.workbook;
    let mut names = names::NameBook::new();
    let mut out_names: Vec<Option<String>> = vec![None; workbook.sheets.len()];
    for &i in copied {
        let fallback = format!("Sheet{}", i + 1);
        out_names[i] = Some(names.claim(&workbook.sheets[i].name, &fallback));
    }
    let summary_name = names.claim(SUMMARY_SHEET_NAME, SUMMARY_SHEET_NAME);
    (names, out_names, summary_name)
}

/// Per sheet, the findings on each cell (indices into the analysis' findings).
type CellFindings = Vec<BTreeMap<(u32, u32), Vec<usize>>>;

/// Where each finding lands on the sheets that are kept (`kept`; a finding about the whole
/// workbook on the first of them): the findings of each cell per sheet, and each finding's
/// target for the summary's link, on the sheet's name in the output (`out_name`).
fn place_findings(
    analysis: &Analysis<'_>,
    kept: &[usize],
    out_name: impl Fn(usize) -> String,
) -> (CellFindings, Vec<Option<summary::Target>>) {
    let workbook = analysis.workbook;
    let sheet_index = |name: &str| workbook.sheets.iter().position(|s| s.name == name);
    let mut marks: CellFindings = vec![BTreeMap::new(); workbook.sheets.len()];
    let mut targets: Vec<Option<summary::Target>> = Vec::with_capacity(analysis.findings.len());
    for (fi, f) in analysis.findings.iter().enumerate() {
        let si = match &f.sheet {
            Some(name) => sheet_index(name),
            None => kept.first().copied(),
        };
        let Some(si) = si.filter(|i| kept.contains(i)) else {
            targets.push(None);
            continue;
        };
        let (row, col) = locate(analysis, si, f);
        targets.push(Some(summary::Target {
            sheet: out_name(si),
            row,
            col,
        }));
        marks[si].entry((row, col)).or_default().push(fi);
    }
    (marks, targets)
}

/// Notes: most severe cells first, up to the cap; every flagged cell gets its fill. The cells
/// (sheet, row, column) that get a note, and the counts.
fn choose_notes(
    analysis: &Analysis<'_>,
    marks: &CellFindings,
    max_notes: usize,
) -> (HashSet<(usize, u32, u32)>, Stats) {
    let mut ranked: Vec<(std::cmp::Reverse<Fill>, usize, u32, u32)> = Vec::new();
    for (si, sheet_marks) in marks.iter().enumerate() {
        for ((r, c), fis) in sheet_marks {
            ranked.push((
                std::cmp::Reverse(cell_fill(&analysis.findings, fis)),
                si,
                *r,
                *c,
            ));
        }
    }
    let flagged_cells = ranked.len();
    ranked.sort_unstable();
    let noted: HashSet<(usize, u32, u32)> = ranked
        .iter()
        .take(max_notes)
        .map(|(_, si, r, c)| (*si, *r, *c))
        .collect();
    let stats = Stats {
        flagged_cells,
        notes: noted.len(),
        notes_left_out: flagged_cells - noted.len(),
    };
    (noted, stats)
}

/// How one original sheet is copied: its ledger header (styled, frozen), the rows its column
/// widths are measured on, and its marks.
fn sheet_plan<'a>(
    analysis: &'a Analysis<'_>,
    si: usize,
    marks: &BTreeMap<(u32, u32), Vec<usize>>,
    noted: &HashSet<(usize, u32, u32)>,
    lang: Lang,
) -> SheetPlan<'a> {
    let sheet = &analysis.workbook.sheets[si];
    let ledger = analysis.ledger.sheets.iter().find(|l| l.sheet_index == si);
    let mut header_rows = Vec::new();
    let mut header_cols = None;
    let mut width_from_row = 0;
    let mut width_skip_rows = Vec::new();
    if let Some(l) = ledger {
        width_skip_rows = l.skipped.iter().map(|s| s.row).collect();
        width_skip_rows.sort_unstable();
        header_rows.push(l.layout.header_row);
        if let Some(p) = l.layout.parent_row {
            header_rows.push(p);
        }
        width_from_row = l.layout.parent_row.unwrap_or(l.layout.header_row);
        let first = l.layout.columns.iter().map(|c| c.col).min();
        let last = l.layout.columns.iter().map(|c| c.col).max();
        header_cols = first.zip(last);
    }
    SheetPlan {
        sheet,
        header_rows,
        header_cols,
        width_from_row,
        width_skip_rows,
        marks: marks
            .iter()
            .map(|(&(r, c), fis)| {
                let note = noted
                    .contains(&(si, r, c))
                    .then(|| note_text(&analysis.findings, fis, lang));
                (
                    (r, c),
                    Mark {
                        fill: cell_fill(&analysis.findings, fis),
                        note,
                    },
                )
            })
            .collect(),
    }
}

/// The filled-in checklist, then its sheets renamed where they clash with the originals'.
fn add_checklist(
    book: &mut rust_xlsxwriter::Workbook,
    analysis: &Analysis<'_>,
    names: &mut names::NameBook,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let before = book.worksheets().len();
    crate::checklist::render::render_for(book, &analysis.checklist)?;
    let added: Vec<String> = book.worksheets()[before..]
        .iter()
        .map(|w| w.name())
        .collect();
    for (k, name) in added.iter().enumerate() {
        let unique = names.claim(name, "daicho");
        if &unique != name {
            book.worksheet_from_index(before + k)?.set_name(&unique)?;
        }
    }
    Ok(())
}

/// Whether the summary of `findings` findings is written in constant-memory mode: from about
/// 600 findings (nine cells each) on, streaming its rows is faster than rust_xlsxwriter's cell
/// table and shared strings (10k-row ledger, 1,990 findings: the summary in 22 ms, not 35),
/// and a summary that small costs a temp file nobody notices.
fn streams_summary(findings: usize, options: Options) -> bool {
    findings > options.constant_memory_cells / 80
}

/// Adds a worksheet, in constant-memory mode (rows streamed to a temp file) when asked and the
/// temp folder is usable, else in the standard mode; and whether it streams.
fn add_sheet(
    book: &mut rust_xlsxwriter::Workbook,
    constant_memory: bool,
) -> Result<(&mut rust_xlsxwriter::Worksheet, bool), rust_xlsxwriter::XlsxError> {
    if constant_memory
        && cfg!(not(target_arch = "wasm32"))
        && book.add_worksheet_with_constant_memory().is_ok()
    {
        let last = book.worksheets().len().saturating_sub(1);
        return Ok((book.worksheet_from_index(last)?, true));
    }
    Ok((book.add_worksheet(), false))
}

/// The cell a finding is drawn on: its own cell; a finding with a row but no column → the row's
/// first value; a finding with neither (L001, sheet-level) → the ledger header's first cell or
/// A1. A cell inside a merged range is drawn on the range's top-left cell, where Excel shows it.
fn locate(analysis: &Analysis<'_>, si: usize, f: &Finding) -> (u32, u32) {
    let sheet = &analysis.workbook.sheets[si];
    let ledger = analysis.ledger.sheets.iter().find(|l| l.sheet_index == si);
    let (row, col) = match (f.row, f.col) {
        (Some(r), Some(c)) => (r, c),
        (Some(r), None) => (
            r,
            sheet
                .grid
                .row(r)
                .and_then(|row| row.cells.first().map(|(c, _)| *c))
                .unwrap_or(0),
        ),
        (None, _) => match ledger {
            Some(l) => (
                l.layout.header_row,
                l.layout.columns.iter().map(|c| c.col).min().unwrap_or(0),
            ),
            None => (0, 0),
        },
    };
    match sheet.merge_at(row, col) {
        Some(m) => (m.first_row, m.first_col),
        None => (row, col),
    }
}

/// The fill of a cell: its most severe unacknowledged finding, or grey when all are acknowledged.
fn cell_fill(findings: &[Finding], on_cell: &[usize]) -> Fill {
    on_cell
        .iter()
        .map(|i| &findings[*i])
        .filter(|f| f.suppressed.is_none())
        .map(|f| f.severity)
        .max()
        .map_or(Fill::Acknowledged, Fill::Severity)
}

/// One note for every finding on a cell: severity, code and name, message, fix.
fn note_text(findings: &[Finding], on_cell: &[usize], lang: Lang) -> String {
    let mut parts = Vec::with_capacity(on_cell.len());
    let mut sorted: Vec<&Finding> = on_cell.iter().map(|i| &findings[*i]).collect();
    sorted.sort_by_key(|f| (f.suppressed.is_some(), std::cmp::Reverse(f.severity)));
    for f in sorted {
        let mut part = format!(
            "【{}】{} {}\n{}",
            f.severity.label(lang),
            f.code(),
            f.name(),
            f.message.get(lang)
        );
        if let Some(fix) = f.fix_value() {
            part.push_str(
                &Text::new(
                    format!("\n修正案: {fix}"),
                    format!("\nSuggested fix: {fix}"),
                )
                .into_lang(lang),
            );
        }
        if let Some(reason) = &f.suppressed {
            part.push_str(
                &Text::new(
                    format!("\n承認済み: {reason}"),
                    format!("\nAcknowledged: {reason}"),
                )
                .into_lang(lang),
            );
        }
        parts.push(part);
    }
    let text = parts.join("\n\n");
    // Excel's limit for a note's text.
    names::truncate_units(&text, 30_000).to_string()
}

#[cfg(test)]
mod tests;

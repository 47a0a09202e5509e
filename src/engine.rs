//! One file, end to end: read -> understand -> check. Emitters and the annotated workbook
//! consume what this returns; they never re-run rules.

use crate::layout::{find_ledger_layout, SheetRole};
use crate::ledger::{read_ledger_sheet, Ledger};
use crate::rules::{self, Context, Finding};
use crate::settings::Settings;
use crate::workbook::{ReadError, Workbook};
use std::path::{Path, PathBuf};

/// What the report says about one sheet.
#[derive(Debug, Clone)]
pub struct SheetInfo {
    pub name: String,
    pub role: SheetRole,
    /// 0-based header row for ledger sheets.
    pub header_row: Option<u32>,
    pub device_rows: usize,
}

/// The result of checking one workbook.
pub struct Analysis<'a> {
    pub workbook: &'a Workbook,
    pub ledger: Ledger<'a>,
    pub sheets: Vec<SheetInfo>,
    pub findings: Vec<Finding>,
    /// The checklist sheets read, and the ledger's evidence for filling in the checklist.
    pub checklist: crate::checklist::ChecklistAnalysis,
}

/// The outcome for one input path, as every emitter sees it.
#[derive(Debug, Clone)]
pub struct FileReport {
    pub path: PathBuf,
    pub error: Option<ReadError>,
    pub sheets: Vec<SheetInfo>,
    pub findings: Vec<Finding>,
    /// The annotated workbook written for this file, if any.
    pub output: Option<PathBuf>,
}

impl FileReport {
    pub fn failed(path: &Path, error: ReadError) -> FileReport {
        FileReport {
            path: path.to_path_buf(),
            error: Some(error),
            sheets: Vec::new(),
            findings: Vec::new(),
            output: None,
        }
    }

    /// Unsuppressed findings of exactly this severity.
    pub fn count(&self, severity: crate::Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.suppressed.is_none() && f.severity == severity)
            .count()
    }
}

/// The ledger half of an analysis: every sheet classified, the ledger built and its rules run,
/// findings filtered, resolved and suppressed (unsorted). The checklist half reads it.
pub struct LedgerAnalysis<'a> {
    pub ledger: Ledger<'a>,
    pub sheets: Vec<SheetInfo>,
    pub findings: Vec<Finding>,
    /// Indices of the checklist sheets.
    pub checklist_sheets: Vec<usize>,
}

/// Classifies every sheet, builds the ledger and runs every rule.
pub fn analyze<'a>(workbook: &'a Workbook, settings: &Settings) -> Analysis<'a> {
    let LedgerAnalysis {
        ledger,
        sheets,
        mut findings,
        checklist_sheets,
    } = analyze_ledger(workbook, settings);
    let ledger_count = findings.len();
    let checklist = crate::checklist::check(
        workbook,
        &checklist_sheets,
        &ledger,
        &mut findings,
        settings,
    );
    // Checklist findings sit on checklist sheets, where no exception (keyed by a ledger row's
    // management number) or 備考 marker can reach them: they are only filtered and resolved.
    let mut checklist_findings = findings.split_off(ledger_count);
    filter_and_resolve(&mut checklist_findings, settings);
    findings.append(&mut checklist_findings);
    sort_in_workbook_order(&mut findings, workbook);
    Analysis {
        workbook,
        ledger,
        sheets,
        findings,
        checklist,
    }
}

/// The ledger half of [`analyze`] (also what `--ledger FILE` is judged by). The findings are
/// as reported — after --select/--ignore, severity overrides and [[exceptions]] / daicho:ignore —
/// so the checklist's evidence (patch item, C005 …) sees exactly those.
pub fn analyze_ledger<'a>(workbook: &'a Workbook, settings: &Settings) -> LedgerAnalysis<'a> {
    let mut ledger = Ledger::default();
    let mut sheets = Vec::with_capacity(workbook.sheets.len());
    let mut checklist_sheets = 0usize;
    let mut checklist_indices = Vec::new();
    for (i, sheet) in workbook.sheets.iter().enumerate() {
        let mut info = SheetInfo {
            name: sheet.name.clone(),
            role: SheetRole::Other,
            header_row: None,
            device_rows: 0,
        };
        if crate::layout::is_daicho_sheet(sheet) {
            // daicho's own summary / filled checklist in a `.checked.xlsx`: not data.
            sheets.push(info);
            continue;
        }
        if crate::checklist::is_checklist(sheet) {
            info.role = SheetRole::Checklist;
            checklist_sheets += 1;
            checklist_indices.push(i);
        } else if let Some(layout) = find_ledger_layout(sheet, settings.field_table) {
            let ls = read_ledger_sheet(i, sheet, layout);
            info.role = SheetRole::Ledger;
            info.header_row = Some(ls.layout.header_row);
            info.device_rows = ls.devices.len();
            ledger.sheets.push(ls);
        }
        sheets.push(info);
    }

    let ctx = Context {
        settings,
        as_of: settings.as_of,
    };
    let mut findings = Vec::new();
    if ledger.sheets.is_empty() && checklist_sheets == 0 {
        findings.push(rules::structure::no_ledger_sheet(workbook.sheets.len()));
    }
    rules::check_ledger(&ledger, &ctx, &mut findings);
    filter_and_resolve(&mut findings, settings);
    crate::suppress::apply(&mut findings, &ledger, settings);
    LedgerAnalysis {
        ledger,
        sheets,
        findings,
        checklist_sheets: checklist_indices,
    }
}

/// Applies select/ignore, then each finding's final severity (override, then one lower on an
/// inactive device).
fn filter_and_resolve(findings: &mut Vec<Finding>, settings: &Settings) {
    findings.retain(|f| settings.is_enabled(f.code()));
    for f in findings.iter_mut() {
        f.resolve_severity(&settings.severity_overrides);
    }
}

/// Sorts findings in workbook order (sheet, row, column, code).
fn sort_in_workbook_order(findings: &mut [Finding], workbook: &Workbook) {
    let order = |name: &Option<String>| {
        name.as_ref()
            .and_then(|n| workbook.sheets.iter().position(|s| &s.name == n))
            .unwrap_or(usize::MAX)
    };
    findings.sort_by(|a, b| {
        (order(&a.sheet), a.row, a.col, a.code()).cmp(&(order(&b.sheet), b.row, b.col, b.code()))
    });
}

/// Reads and checks one file. Never panics: a panic inside the work is reported as this file's
/// error so the rest of a batch goes on.
pub fn check_file(path: &Path, settings: &Settings) -> FileReport {
    check_file_with(path, settings, None).0
}

/// What writing the annotated workbook gave, when one was requested and the input was readable.
pub type Annotated = Option<Result<crate::annotate::Written, crate::annotate::AnnotateError>>;

/// [`check_file`], also writing the annotated workbook to `annotate` while the workbook and its
/// analysis are in memory; the report's `output` is the path written.
pub fn check_file_with(
    path: &Path,
    settings: &Settings,
    annotate: Option<&crate::annotate::Target>,
) -> (FileReport, Annotated) {
    // Whether the file was read: a panic after that is daicho's own (rules, writer), not the file's.
    let read = std::cell::Cell::new(false);
    let work = || -> (FileReport, Annotated) {
        let workbook = match crate::isolate::open_path(path, &settings.limits) {
            Ok(wb) => wb,
            Err(e) => return (FileReport::failed(path, e), None),
        };
        read.set(true);
        let analysis = analyze(&workbook, settings);
        let written = annotate.map(|target| {
            let write = || {
                crate::annotate::write_target(&analysis, settings, path, target, Default::default())
            };
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(write))
                .unwrap_or_else(|p| Err(crate::annotate::AnnotateError::Crashed(panic_text(&p))))
        });
        let output = written
            .as_ref()
            .and_then(|w| w.as_ref().ok())
            .map(|w| w.path.clone());
        let report = FileReport {
            path: path.to_path_buf(),
            error: None,
            sheets: analysis.sheets,
            findings: analysis.findings,
            output,
        };
        (report, written)
    };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)) {
        Ok(done) => done,
        Err(payload) => {
            let detail = panic_text(&payload);
            let error = if read.get() {
                ReadError::Internal { detail }
            } else {
                ReadError::ReaderCrashed { detail }
            };
            (FileReport::failed(path, error), None)
        }
    }
}

pub fn panic_text(payload: &Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_string())
}

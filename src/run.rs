//! One file, end to end: open it (in the isolated reader), analyse it, and write its annotated
//! workbook while the analysis is in memory. Never panics: a panic inside the work is that file's
//! error, so the rest of a batch goes on.

use crate::annotate::{AnnotateError, Target, Written};
use crate::engine::analyze;
use crate::report::FileReport;
use crate::rules::Finding;
use crate::settings::Settings;
use crate::workbook::panic_text;
use crate::workbook::{Format, ReadError, Workbook};
use std::path::Path;

/// Reads and checks one file. Never panics: a panic inside the work is reported as this file's
/// error so the rest of a batch goes on.
pub fn check_file(path: &Path, settings: &Settings) -> FileReport {
    check_file_with(path, settings, None).0
}

/// What writing the annotated workbook gave, when one was requested and the input was readable.
pub type Annotated = Option<Result<Written, AnnotateError>>;

/// [`check_file`], also writing the annotated workbook to `annotate` while the workbook and its
/// analysis are in memory; the report's `output` is the path written.
pub fn check_file_with(
    path: &Path,
    settings: &Settings,
    annotate: Option<&Target>,
) -> (FileReport, Annotated) {
    // Whether the file was read: a panic after that is daicho's own (rules, writer), not the file's.
    let read = std::cell::Cell::new(false);
    let work = || -> (FileReport, Annotated) {
        let mut workbook = match crate::isolate::open_path(path, &settings.limits) {
            Ok(wb) => wb,
            Err(e) => return (FileReport::failed(path, e), None),
        };
        blank_earlier_proposals(path, &mut workbook);
        read.set(true);
        let analysis = analyze(&workbook, settings);
        let written = annotate.map(|target| {
            let write = || {
                crate::annotate::write_target(&analysis, settings, path, target, Default::default())
            };
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(write))
                .unwrap_or_else(|p| Err(AnnotateError::Crashed(panic_text(&*p))))
        });
        let output = written
            .as_ref()
            .and_then(|w| w.as_ref().ok())
            .map(|w| w.path.clone());
        let mut findings = analysis.findings;
        if let Some(reason) = written
            .as_ref()
            .and_then(|w| w.as_ref().ok())
            .and_then(|w| w.values_copy_reason.as_deref())
        {
            report_values_copy(reason, settings, &mut findings);
        }
        let report = FileReport {
            path: path.to_path_buf(),
            error: None,
            sheets: analysis.sheets,
            findings,
            output,
        };
        (report, written)
    };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)) {
        Ok(done) => done,
        Err(payload) => {
            let detail = panic_text(&*payload);
            let error = if read.get() {
                ReadError::Internal { detail }
            } else {
                ReadError::ReaderCrashed { detail }
            };
            (FileReport::failed(path, error), None)
        }
    }
}

/// W001 for a package that got a values copy instead of its own workbook with marks: first, as
/// it is about the whole file, unless `--ignore`/`--select` leave it out; severity as configured.
fn report_values_copy(reason: &str, settings: &Settings, findings: &mut Vec<Finding>) {
    let mut finding = crate::rules::output::values_copy(reason);
    if !settings.is_enabled(finding.code()) {
        return;
    }
    finding.resolve_severity(&settings.severity_overrides);
    findings.insert(0, finding);
}

/// In a `.checked.xlsx` checked again, the checklist answers an earlier run proposed and nobody
/// confirmed (still in daicho's proposal colour) are daicho's words, not the hospital's: they are
/// read as blank, so the item is judged (C001) and proposed again rather than taken as answered.
fn blank_earlier_proposals(path: &Path, workbook: &mut Workbook) {
    if workbook.format != Format::Xlsx {
        return;
    }
    let Ok(bytes) = std::fs::read(path) else {
        return;
    };
    let Ok(marked) = crate::annotate::earlier_proposals(&bytes) else {
        return;
    };
    for sheet in &mut workbook.sheets {
        if let Some(cells) = marked.get(&sheet.name) {
            sheet.grid.remove_cells(cells);
        }
    }
}

//! One file, end to end: read it, analyse it, and build its annotated workbook while the analysis
//! is in memory. [`check_bytes`] is the whole of it with no file system (the browser page calls
//! it); the command line reads the file (the isolated reader), goes through the same core, and
//! saves the workbook ([`check_file_with`]). Never panics: a panic inside the work is that file's
//! error, so the rest of a batch goes on.

use crate::annotate::ooxml::EarlierProposal;
use crate::annotate::{AnnotateError, Built, Target, Written};
use crate::engine::analyze;
use crate::report::FileReport;
use crate::rules::Finding;
use crate::settings::Settings;
use crate::workbook::panic_text;
use crate::workbook::{Format, ReadError, Workbook};
use std::path::Path;

/// The annotated workbook of one file, in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnotatedBytes {
    pub bytes: Vec<u8>,
    /// `<stem>.checked.xlsx`, or `<stem>.checked.xlsm` for a macro workbook.
    pub file_name: String,
    pub stats: crate::annotate::Stats,
    /// Why an .xlsx/.xlsm got a values copy (reported as W001).
    pub values_copy_reason: Option<String>,
}

/// What checking one file in memory gave.
#[derive(Debug)]
pub struct Outcome {
    pub report: FileReport,
    /// The annotated workbook, when asked for and the file was readable.
    pub annotated: Option<Result<AnnotatedBytes, AnnotateError>>,
}

/// Checks one file given as its name and bytes, with no file system: the report (its `path` is
/// `name`) and, when `want_annotated`, the annotated workbook as bytes. A run of this one file:
/// the findings once per run (unused exceptions, stale support data) are included, so the report
/// is the one `daicho check` gives on that file alone.
pub fn check_bytes(name: &str, bytes: &[u8], settings: &Settings, want_annotated: bool) -> Outcome {
    let path = Path::new(name);
    let read = || {
        crate::workbook::open_bytes_of(path, bytes, &settings.limits)
            .map(|wb| (wb, Some(bytes.to_vec())))
    };
    let (mut report, built) = check_read(path, read, settings, want_annotated);
    finish_run_of_one(&mut report, settings);
    let annotated = built.map(|b| {
        b.map(|built| {
            let wanted = crate::annotate::default_output(path, None);
            let file_name = built
                .output_path(&wanted)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "daicho.checked.xlsx".to_string());
            AnnotatedBytes {
                bytes: built.bytes,
                file_name,
                stats: built.stats,
                values_copy_reason: built.values_copy_reason,
            }
        })
    });
    Outcome { report, annotated }
}

/// What a run adds once, here to a run of one file: exceptions of the settings that matched
/// nothing, and OS005 (stale support data) on a file with a ledger sheet. `daicho check` does the
/// same across its files (on the first readable one).
pub fn finish_run_of_one(report: &mut FileReport, settings: &Settings) {
    if report.error.is_some() {
        return;
    }
    report
        .findings
        .extend(crate::suppress::unused_exceptions(settings));
    let has_ledger = (report.sheets.iter()).any(|s| s.role == crate::layout::SheetRole::Ledger);
    if has_ledger {
        if let Some(mut f) = crate::rules::os::stale_support_data(settings) {
            f.resolve_severity(&settings.severity_overrides);
            report.findings.push(f);
        }
    }
}

/// Reads and checks one file, writing nothing (the tests' shorthand for [`check_file_with`]).
#[cfg(test)]
fn check_file(path: &Path, settings: &Settings) -> FileReport {
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
    let read = || crate::isolate::open_path_with_bytes(path, &settings.limits);
    let (mut report, built) = check_read(path, read, settings, annotate.is_some());
    let written = match (built, annotate) {
        (Some(built), Some(target)) => {
            Some(built.and_then(|b| crate::annotate::save_built(b, path, target)))
        }
        _ => None,
    };
    if let Some(Ok(w)) = &written {
        report.output = Some(w.path.clone());
    }
    (report, written)
}

/// The core both paths share: `read` gives the workbook and the bytes it was read from; then the
/// analysis and, when wanted, the annotated workbook built in memory (its W001 in the report).
fn check_read(
    path: &Path,
    read: impl FnOnce() -> Result<(Workbook, Option<Vec<u8>>), ReadError>,
    settings: &Settings,
    want_annotated: bool,
) -> (FileReport, Option<Result<Built, AnnotateError>>) {
    // Whether the file was read: a panic after that is daicho's own (rules, writer), not the file's.
    let was_read = std::cell::Cell::new(false);
    let work = || -> (FileReport, Option<Result<Built, AnnotateError>>) {
        let (mut workbook, input) = match read() {
            Ok(read) => read,
            Err(e) => return (FileReport::failed(path, e), None),
        };
        let input = input.unwrap_or_default();
        blank_earlier_proposals(&input, &mut workbook);
        was_read.set(true);
        let analysis = analyze(&workbook, settings);
        let built = want_annotated.then(|| {
            let source_name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let build = || {
                crate::annotate::build_bytes(
                    &analysis,
                    settings,
                    &source_name,
                    &input,
                    Default::default(),
                )
            };
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(build))
                .unwrap_or_else(|p| Err(AnnotateError::Crashed(panic_text(&*p))))
        });
        let mut findings = analysis.findings;
        if let Some(reason) = built
            .as_ref()
            .and_then(|b| b.as_ref().ok())
            .and_then(|b| b.values_copy_reason.as_deref())
        {
            report_values_copy(reason, settings, &mut findings);
        }
        let report = FileReport {
            path: path.to_path_buf(),
            error: None,
            sheets: analysis.sheets,
            findings,
            output: None,
        };
        (report, built)
    };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)) {
        Ok(done) => done,
        Err(payload) => {
            let detail = panic_text(&*payload);
            let error = if was_read.get() {
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
/// confirmed (still in daicho's proposal mark, or — where LibreOffice dropped the mark — still the
/// text daicho's proposal note names) are daicho's words, not the hospital's: they are
/// read as blank, so the item is judged (C001) and proposed again rather than taken as answered.
fn blank_earlier_proposals(package: &[u8], workbook: &mut Workbook) {
    if workbook.format != Format::Xlsx {
        return;
    }
    let Ok(earlier) = crate::annotate::earlier_proposals(package) else {
        return;
    };
    for sheet in &mut workbook.sheets {
        let Some(cells) = earlier.get(&sheet.name) else {
            continue;
        };
        let unconfirmed: std::collections::BTreeSet<(u32, u32)> = (cells.iter())
            .filter(|((row, col), e)| match e {
                EarlierProposal::Unconfirmed => true,
                // Still what daicho proposed (the user changed nothing, or typed the same).
                EarlierProposal::Noted(text) => sheet
                    .grid
                    .get(*row, *col)
                    .is_some_and(|v| v.display().trim() == text.trim()),
            })
            .map(|(at, _)| *at)
            .collect();
        sheet.grid.remove_cells(&unconfirmed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::GivenFile;
    use std::path::PathBuf;

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(name)
    }

    fn given(path: &Path) -> GivenFile {
        GivenFile {
            name: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            bytes: std::sync::Arc::new(std::fs::read(path).expect("fixture")),
        }
    }

    /// What a report says, its path aside.
    fn said(report: &FileReport) -> Vec<(String, String, Option<u32>, Option<u32>)> {
        assert_eq!(report.error, None);
        (report.findings.iter())
            .map(|f| {
                let message = f.message.get(crate::Lang::Ja).to_string();
                (f.code().to_string(), message, f.row, f.col)
            })
            .collect()
    }

    #[test]
    fn bytes_in_give_the_report_and_the_workbook_of_the_file() {
        let path = fixture("seed.xlsx");
        let settings = Settings::new(chrono::NaiveDate::from_ymd_opt(2026, 11, 25).expect("date"));
        let bytes = std::fs::read(&path).expect("fixture");
        let outcome = check_bytes("seed.xlsx", &bytes, &settings, true);
        let mut from_file = check_file(&path, &settings);
        finish_run_of_one(&mut from_file, &settings);
        assert_eq!(said(&outcome.report), said(&from_file));
        assert_eq!(outcome.report.path, PathBuf::from("seed.xlsx"));
        let annotated = outcome.annotated.expect("asked").expect("built");
        assert_eq!(annotated.file_name, "seed.checked.xlsx");
        assert!(annotated.bytes.starts_with(b"PK"));
        assert!(annotated.stats.flagged_cells > 0);
    }

    #[test]
    fn ledger_and_checklist_given_as_bytes_are_the_files_given_by_path() {
        let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).expect("date");
        let checklist = fixture("checklist/r6_single_column.xlsx");
        let ledger = fixture("structure/no_ledger.xlsx");
        let bytes = std::fs::read(&checklist).expect("fixture");

        let mut by_path = Settings::new(as_of);
        by_path.ledger_file = Some(ledger.clone());
        let mut by_bytes = Settings::new(as_of);
        by_bytes.ledger_given = Some(given(&ledger));
        let expected = said(&check_file(&checklist, &by_path));
        let got = said(&check_bytes("r6_single_column.xlsx", &bytes, &by_bytes, false).report);
        assert!(expected.iter().any(|f| f.0 == "C005"), "{expected:?}");
        assert_eq!(got, expected);

        let edition =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/checklist/r6-hospital.toml");
        let mut by_path = Settings::new(as_of);
        by_path.checklist_file = Some(edition.clone());
        let mut by_bytes = Settings::new(as_of);
        by_bytes.checklist_given = Some(given(&edition));
        crate::engine::validate_settings(&by_bytes).expect("a valid edition");
        assert_eq!(
            said(&check_bytes("r6_single_column.xlsx", &bytes, &by_bytes, false).report),
            said(&check_file(&checklist, &by_path))
        );

        by_bytes.checklist_given = Some(GivenFile {
            name: "mine.toml".to_string(),
            bytes: std::sync::Arc::new(b"id = \"r8\"\n".to_vec()),
        });
        let error = crate::engine::validate_settings(&by_bytes).expect_err("invalid");
        assert!(error.contains("mine.toml"), "{error}");
    }
}

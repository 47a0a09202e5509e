//! The stable, versioned JSON report (SPEC §7). Its shape is a public interface.
//!
//! The report is typed: one `Serialize` struct per object, so the shape is visible here and the
//! compiler checks it. Fields are declared in alphabetical order because that is the order the
//! report has always had (it was once built as a sorted map); keep new fields in that order.

use super::FileReport;
use super::Run;
use crate::paths::portable_path;
use crate::rules::Finding;
use serde::Serialize;

#[derive(Serialize)]
struct Report<'a> {
    as_of: String,
    /// The version of daicho that wrote the report.
    daicho_version: &'static str,
    files: Vec<File<'a>>,
    summary: Summary,
    /// The date the OS/firmware support table was checked against its sources.
    support_data_checked: String,
    tool: &'static str,
    version: u32,
}

#[derive(Serialize)]
struct Summary {
    errors: usize,
    files: usize,
    infos: usize,
    unreadable: usize,
    warnings: usize,
}

#[derive(Serialize)]
struct File<'a> {
    diagnostics: Vec<Diagnostic<'a>>,
    error: Option<FileError>,
    output: Option<String>,
    path: String,
    sheets: Vec<Sheet<'a>>,
}

#[derive(Serialize)]
struct FileError {
    kind: &'static str,
    message: String,
}

#[derive(Serialize)]
struct Sheet<'a> {
    device_rows: usize,
    header_row: Option<u32>,
    /// The sheet is hidden in the workbook (it is still checked).
    hidden: bool,
    /// 1-based rows with a value that are hidden (they are still checked).
    hidden_rows: Vec<u32>,
    name: &'a str,
    role: &'static str,
}

#[derive(Serialize)]
struct Diagnostic<'a> {
    cell: Option<String>,
    code: &'static str,
    column: Option<u32>,
    field: Option<&'static str>,
    fix: Option<Fix<'a>>,
    message: &'a str,
    name: &'static str,
    row: Option<u32>,
    severity: &'static str,
    sheet: Option<&'a str>,
    suppressed: bool,
    suppression: Option<Suppression<'a>>,
    value: Option<&'a str>,
}

#[derive(Serialize)]
struct Fix<'a> {
    value: &'a str,
}

#[derive(Serialize)]
struct Suppression<'a> {
    kind: &'static str,
    reason: &'a str,
}

pub fn render(run: &Run) -> String {
    let s = run.summary();
    let report = Report {
        as_of: run.as_of.format("%Y-%m-%d").to_string(),
        daicho_version: env!("CARGO_PKG_VERSION"),
        files: run.files.iter().map(|f| file(f, run)).collect(),
        summary: Summary {
            errors: s.errors,
            files: s.files,
            infos: s.infos,
            unreadable: s.unreadable,
            warnings: s.warnings,
        },
        support_data_checked: crate::rules::os::support_data_checked()
            .format("%Y-%m-%d")
            .to_string(),
        tool: "daicho",
        version: 1,
    };
    let mut out = serde_json::to_string_pretty(&report).unwrap_or_default();
    out.push('\n');
    out
}

fn file<'a>(f: &'a FileReport, run: &Run) -> File<'a> {
    File {
        diagnostics: f.findings.iter().map(|d| diagnostic(d, run)).collect(),
        error: f.error.as_ref().map(|e| FileError {
            kind: e.kind(),
            message: e.message(run.lang),
        }),
        output: f.output.as_deref().map(portable_path),
        path: portable_path(&f.path),
        sheets: f
            .sheets
            .iter()
            .map(|s| Sheet {
                device_rows: s.device_rows,
                header_row: s.header_row.map(|r| r + 1),
                hidden: s.hidden,
                hidden_rows: s.hidden_rows.iter().map(|r| r.saturating_add(1)).collect(),
                name: &s.name,
                role: s.role.as_str(),
            })
            .collect(),
    }
}

fn diagnostic<'a>(d: &'a Finding, run: &Run) -> Diagnostic<'a> {
    Diagnostic {
        cell: d.cell(),
        code: d.code(),
        column: d.col.map(|c| c + 1),
        field: d.field.map(|x| x.key()),
        fix: d.fix_value().map(|value| Fix { value }),
        message: d.message.get(run.lang),
        name: d.name(),
        row: d.row.map(|r| r + 1),
        severity: d.severity.as_str(),
        sheet: d.sheet.as_deref(),
        suppressed: d.suppressed.is_some(),
        suppression: d.suppressed.as_deref().map(|reason| Suppression {
            kind: d.suppression_kind.map(|k| k.as_str()).unwrap_or("external"),
            reason,
        }),
        value: d.value.as_deref(),
    }
}

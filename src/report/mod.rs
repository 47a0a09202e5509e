//! Emitters: one small module per output format, all reading the same [`Run`].

pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;

use crate::layout::SheetRole;
use crate::rules::Finding;
use crate::workbook::ReadError;
use crate::{Lang, Severity};
use chrono::NaiveDate;
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

/// Everything one invocation checked.
pub struct Run {
    pub as_of: NaiveDate,
    pub lang: Lang,
    pub files: Vec<FileReport>,
}

/// Totals over a run (unsuppressed findings only).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub unreadable: usize,
}

impl Run {
    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            files: self.files.len(),
            ..Summary::default()
        };
        for f in &self.files {
            if f.error.is_some() {
                s.unreadable += 1;
            }
            s.errors += f.count(Severity::Error);
            s.warnings += f.count(Severity::Warning);
            s.infos += f.count(Severity::Info);
        }
        s
    }

    /// Exit code as SPEC §2: 2 if any input could not be read, else 1 if a finding is at or
    /// above `fail_on`, else 0.
    pub fn exit_code(&self, fail_on: Severity) -> i32 {
        let s = self.summary();
        if s.unreadable > 0 {
            return 2;
        }
        let failing = self.files.iter().any(|f| {
            f.findings
                .iter()
                .any(|x| x.suppressed.is_none() && x.severity >= fail_on)
        });
        i32::from(failing)
    }
}

/// `sheet!cell` (or the sheet alone) where a finding points; `None` for workbook-level findings.
pub fn place(f: &crate::rules::Finding) -> Option<String> {
    let sheet = f.sheet.as_ref()?;
    Some(match f.cell() {
        Some(cell) => format!("{sheet}!{cell}"),
        None => sheet.clone(),
    })
}

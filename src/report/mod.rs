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

/// How a run of daicho ends (SPEC §2). Every command returns one; `app` turns it into the
/// process's exit code, in one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: nothing at or above `--fail-on`.
    Clean,
    /// 1: findings at or above `--fail-on`.
    Findings,
    /// 2: a usage error, an unreadable input or an output that could not be written.
    Failure,
}

impl ExitStatus {
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Clean => 0,
            ExitStatus::Findings => 1,
            ExitStatus::Failure => 2,
        }
    }
}

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

    /// The run's exit status as SPEC §2: a failure if any input could not be read, else
    /// findings if one is at or above `fail_on`, else clean.
    pub fn exit_status(&self, fail_on: Severity) -> ExitStatus {
        if self.summary().unreadable > 0 {
            return ExitStatus::Failure;
        }
        let failing = self.files.iter().any(|f| {
            f.findings
                .iter()
                .any(|x| x.suppressed.is_none() && x.severity >= fail_on)
        });
        if failing {
            ExitStatus::Findings
        } else {
            ExitStatus::Clean
        }
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

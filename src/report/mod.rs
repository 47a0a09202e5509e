//! Emitters: one small module per output format, all reading the same [`Run`].

pub(crate) mod github;
pub(crate) mod human;
pub(crate) mod json;
pub(crate) mod junit;
pub(crate) mod sarif;

/// The JSON report of a run (SPEC §7), as `daicho check --format json` prints it; the browser
/// page gives the same bytes.
pub use json::render as render_json;

use crate::layout::SheetRole;
use crate::rules::Finding;
use crate::workbook::ReadError;
use crate::Text;
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
    /// The sheet is hidden (or very hidden) in the workbook: still checked, and the report says so.
    pub hidden: bool,
    /// 0-based rows with a value that are hidden: still checked, and the report says which.
    pub hidden_rows: Vec<u32>,
}

impl SheetInfo {
    /// A sheet as the workbook has it, before it is classified: role other, no header, its
    /// hidden state and hidden rows.
    pub fn of(sheet: &crate::workbook::Sheet) -> SheetInfo {
        SheetInfo {
            name: sheet.name.clone(),
            role: SheetRole::Other,
            header_row: None,
            device_rows: 0,
            hidden: sheet.hidden,
            hidden_rows: sheet
                .grid
                .rows()
                .iter()
                .filter(|r| r.hidden)
                .map(|r| r.index)
                .collect(),
        }
    }
}

/// What was hidden in a workbook, as a list (`None` when nothing was): each hidden sheet, and the
/// hidden rows of each sheet. Hidden rows and sheets are checked like the others.
pub fn hidden_text(sheets: &[SheetInfo], lang: Lang) -> Option<String> {
    let mut parts = Vec::new();
    for s in sheets {
        let name = &s.name;
        if s.hidden {
            parts.push(
                Text::new(format!("シート「{name}」"), format!("sheet '{name}'")).into_string(lang),
            );
        }
        if !s.hidden_rows.is_empty() {
            let rows = row_ranges(&s.hidden_rows);
            let en = match s.hidden_rows.len() {
                1 => format!("row {rows} of sheet '{name}'"),
                _ => format!("rows {rows} of sheet '{name}'"),
            };
            parts.push(Text::new(format!("シート「{name}」の行 {rows}"), en).into_string(lang));
        }
    }
    if parts.is_empty() {
        return None;
    }
    Some(parts.join(Text::from_static("、", "; ").get(lang)))
}

/// `5, 7–9, 12`: 0-based rows as the 1-based numbers Excel shows, runs joined by a dash.
pub fn row_ranges(rows: &[u32]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < rows.len() {
        let start = rows[i];
        let mut end = start;
        while i + 1 < rows.len() && Some(rows[i + 1]) == end.checked_add(1) {
            i += 1;
            end = rows[i];
        }
        if !out.is_empty() {
            out.push_str(", ");
        }
        if end == start {
            out.push_str(&(u64::from(start) + 1).to_string());
        } else {
            out.push_str(&format!("{}–{}", u64::from(start) + 1, u64::from(end) + 1));
        }
        i += 1;
    }
    out
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

#[cfg(test)]
mod tests {
    #[test]
    fn row_ranges_join_runs() {
        assert_eq!(super::row_ranges(&[]), "");
        assert_eq!(super::row_ranges(&[4]), "5");
        assert_eq!(super::row_ranges(&[4, 6, 7, 8, 11]), "5, 7–9, 12");
    }

    #[test]
    fn hidden_sheets_and_rows_in_one_line() {
        use super::{hidden_text, SheetInfo};
        use crate::layout::SheetRole;
        use crate::Lang;
        let sheet = |name: &str, hidden: bool, rows: Vec<u32>| SheetInfo {
            name: name.into(),
            role: SheetRole::Other,
            header_row: None,
            device_rows: 0,
            hidden,
            hidden_rows: rows,
        };
        assert_eq!(hidden_text(&[sheet("台帳", false, vec![])], Lang::Ja), None);
        let sheets = [sheet("台帳", false, vec![6]), sheet("旧", true, vec![0, 1])];
        assert_eq!(
            hidden_text(&sheets, Lang::Ja).as_deref(),
            Some("シート「台帳」の行 7、シート「旧」、シート「旧」の行 1–2")
        );
        assert_eq!(
            hidden_text(&sheets, Lang::En).as_deref(),
            Some("row 7 of sheet '台帳'; sheet '旧'; rows 1–2 of sheet '旧'")
        );
    }
}

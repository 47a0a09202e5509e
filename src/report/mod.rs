//! Emitters: one small module per output format, all reading the same [`Run`].

pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;

use crate::engine::FileReport;
use crate::{Lang, Severity};
use chrono::NaiveDate;

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

/// The path as shown to people (human output, messages): as given on the command line, with the
/// system's separators — `\\` on Windows, `/` elsewhere.
pub fn display_path(p: &std::path::Path) -> String {
    native_separators(&p.to_string_lossy(), cfg!(windows))
}

/// The path as machine formats (JSON, SARIF, JUnit, GitHub) carry it: `/` separators everywhere,
/// so reports compare equal across systems.
pub fn portable_path(p: &std::path::Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

fn native_separators(path: &str, windows: bool) -> String {
    if windows {
        path.replace('/', "\\")
    } else {
        path.replace('\\', "/")
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

/// A path relative to the working folder when it lies under it (daicho.toml found by walking up
/// from an absolute path), else as is; `/` separators.
pub fn display_relative(p: &std::path::Path) -> String {
    let rel = std::env::current_dir()
        .ok()
        .and_then(|cwd| p.strip_prefix(cwd).ok().map(std::path::Path::to_path_buf))
        .unwrap_or_else(|| p.to_path_buf());
    display_path(&rel)
}

#[cfg(test)]
mod path_tests {
    use super::*;

    #[test]
    fn people_see_the_systems_separators_machines_see_slashes() {
        assert_eq!(
            native_separators("C:/Users/田中/Documents\\台帳.xlsx", true),
            "C:\\Users\\田中\\Documents\\台帳.xlsx"
        );
        assert_eq!(native_separators("dir\\台帳.xlsx", false), "dir/台帳.xlsx");
        assert_eq!(
            portable_path(std::path::Path::new("dir\\sub/台帳.xlsx")),
            "dir/sub/台帳.xlsx"
        );
    }
}

//! Expanding command-line paths (files, folders, globs) into the files to check.

use std::path::{Path, PathBuf};

/// Extensions daicho reads.
pub const EXTENSIONS: [&str; 8] = ["xlsx", "xlsm", "xls", "xlsb", "ods", "csv", "tsv", "txt"];

/// One command-line argument's expansion.
pub enum Expanded {
    Files(Vec<PathBuf>),
    /// A folder holding no spreadsheet.
    EmptyFolder(PathBuf),
    /// A path that does not exist (reported as that file's error).
    Missing(PathBuf),
}

/// Expands one argument. Explicit files are taken as given (whatever their extension);
/// folders are walked recursively for spreadsheets.
pub fn expand(arg: &Path) -> Expanded {
    if arg.is_dir() {
        let files = scan_folder(arg);
        if files.is_empty() {
            return Expanded::EmptyFolder(arg.to_path_buf());
        }
        return Expanded::Files(files);
    }
    if arg.exists() {
        return Expanded::Files(vec![arg.to_path_buf()]);
    }
    Expanded::Missing(arg.to_path_buf())
}

/// Spreadsheets under a folder, sorted; skips Excel lock files (`~$…`), daicho's own outputs and
/// hidden or system folders.
pub fn scan_folder(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_skipped_dir_or_file(e.file_name().to_string_lossy().as_ref(), e.file_type().is_dir()))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| is_spreadsheet(p))
        .collect();
    files.sort();
    files
}

fn is_skipped_dir_or_file(name: &str, is_dir: bool) -> bool {
    if is_dir {
        return name.starts_with('.') || name.starts_with('$') || name.eq_ignore_ascii_case("System Volume Information");
    }
    name.starts_with("~$") || name.starts_with('.') || is_daicho_output(name)
}

/// daicho's own outputs: `*.checked.xlsx`, `*.standard.xlsx|csv|json`.
pub fn is_daicho_output(name: &str) -> bool {
    let lower = name.to_lowercase();
    lower.ends_with(".checked.xlsx") || lower.contains(".standard.")
}

fn is_spreadsheet(p: &Path) -> bool {
    p.extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .is_some_and(|e| EXTENSIONS.contains(&e.as_str()) && e != "txt")
}

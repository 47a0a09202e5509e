//! Expanding command-line paths (files, folders, globs) into the files to check.
//!
//! Paths are used as given (relative stays relative, so reports show what the user typed), which
//! keeps UNC paths (`\\server\share\台帳`) and Japanese names intact: nothing here parses them as
//! text except a glob's pattern part.

use globset::GlobBuilder;
use std::path::{Component, Path, PathBuf};

/// Extensions daicho reads.
pub const EXTENSIONS: [&str; 8] = ["xlsx", "xlsm", "xls", "xlsb", "ods", "csv", "tsv", "txt"];

/// One command-line argument's expansion.
#[derive(Debug, PartialEq)]
pub enum Expanded {
    Files(Vec<PathBuf>),
    /// A folder holding no spreadsheet.
    EmptyFolder(PathBuf),
    /// A path that does not exist (reported as that file's error).
    Missing(PathBuf),
    /// A glob pattern that matched no spreadsheet.
    NoMatch(PathBuf),
}

impl Expanded {
    /// Whether the argument named more than one file's worth of work (a folder or a glob), which
    /// is when a progress bar helps.
    pub fn is_scan(&self, arg: &Path) -> bool {
        matches!(self, Expanded::Files(_)) && (arg.is_dir() || is_glob(arg))
    }
}

/// Expands one argument. Explicit files are taken as given (whatever their extension);
/// folders are walked recursively for spreadsheets; an argument that does not exist but holds
/// `*`, `?`, `[` or `{` is a glob (`ledgers/**/*.xlsx`), matched the way folder scans filter.
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
    if is_glob(arg) {
        return match expand_glob(arg) {
            Some(files) if !files.is_empty() => Expanded::Files(files),
            _ => Expanded::NoMatch(arg.to_path_buf()),
        };
    }
    Expanded::Missing(arg.to_path_buf())
}

/// One input after expansion: a file to read, or an argument that named nothing readable.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    File(PathBuf),
    Failed(PathBuf, crate::workbook::ReadError),
}

/// Every argument expanded, in argument order (files sorted within a folder or glob).
#[derive(Debug, Default)]
pub struct Inputs {
    pub items: Vec<Input>,
    /// Some argument was a folder or a glob (a progress bar helps).
    pub scan: bool,
}

impl Inputs {
    /// The files to read, in order.
    pub fn files(&self) -> Vec<PathBuf> {
        self.items
            .iter()
            .filter_map(|i| match i {
                Input::File(p) => Some(p.clone()),
                Input::Failed(..) => None,
            })
            .collect()
    }
}

/// Expands every argument (files, folders, globs) the one way every command does: a file named
/// twice (directly and through a folder or glob) is read once, at its first place; a missing
/// path, an empty folder and a glob that matches nothing each become that argument's error.
pub fn collect_inputs(args: &[PathBuf]) -> Inputs {
    use crate::workbook::ReadError;
    let mut out = Inputs::default();
    let mut seen = std::collections::HashSet::new();
    for arg in args {
        let expanded = expand(arg);
        out.scan |= expanded.is_scan(arg);
        match expanded {
            Expanded::Files(files) => out.items.extend(
                files
                    .into_iter()
                    .filter(|f| seen.insert(f.clone()))
                    .map(Input::File),
            ),
            Expanded::Missing(p) => out.items.push(Input::Failed(p, ReadError::NotFound)),
            Expanded::EmptyFolder(p) => out.items.push(Input::Failed(p, ReadError::EmptyFolder)),
            Expanded::NoMatch(p) => {
                let pattern = p.to_string_lossy().into_owned();
                out.items
                    .push(Input::Failed(p, ReadError::NoMatch { pattern }));
            }
        }
    }
    out
}

/// `<stem>.<suffix>` beside the input, or in `dir` (`a.xlsx` + `checked.xlsx` ->
/// `a.checked.xlsx`). An input without a usable stem is called `fallback_stem`.
pub fn output_name(input: &Path, dir: Option<&Path>, suffix: &str, fallback_stem: &str) -> PathBuf {
    let stem = input
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| fallback_stem.to_string());
    let dir = match dir {
        Some(d) => d.to_path_buf(),
        // `seed.xlsx` given bare has the parent "": the output is then `seed.<suffix>`.
        None => input.parent().map(Path::to_path_buf).unwrap_or_default(),
    };
    dir.join(format!("{stem}.{suffix}"))
}

/// One output per input (`<stem>.<suffix>`, beside each input or in `dir`), never two the same:
/// when `a.xlsx` and `a.csv` (or two `a.xlsx` of different folders into one `dir`) meet, the later
/// one is named `a.csv.<suffix>`, then `a (2).<suffix>` …. Names compare case-insensitively
/// (Windows and macOS folders).
pub fn plan_outputs(
    inputs: &[PathBuf],
    dir: Option<&Path>,
    suffix: &str,
    fallback_stem: &str,
) -> Vec<PathBuf> {
    let mut used: std::collections::HashSet<String> = std::collections::HashSet::new();
    let key = |p: &Path| p.to_string_lossy().to_lowercase();
    inputs
        .iter()
        .map(|input| {
            let first = output_name(input, dir, suffix, fallback_stem);
            if used.insert(key(&first)) {
                return first;
            }
            let folder = first.parent().map(Path::to_path_buf).unwrap_or_default();
            let name = input
                .file_name()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let second = folder.join(format!("{name}.{suffix}"));
            if used.insert(key(&second)) {
                return second;
            }
            let stem = input
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let mut n = 2u64;
            loop {
                let candidate = folder.join(format!("{stem} ({n}).{suffix}"));
                if used.insert(key(&candidate)) {
                    return candidate;
                }
                n += 1;
            }
        })
        .collect()
}

fn has_glob_chars(s: &str) -> bool {
    s.contains(['*', '?', '[', '{'])
}

fn is_glob(arg: &Path) -> bool {
    has_glob_chars(&arg.to_string_lossy())
}

/// Walks the glob's literal leading folders and matches the rest of the pattern below them.
/// `None` when the pattern is not a valid glob.
fn expand_glob(arg: &Path) -> Option<Vec<PathBuf>> {
    let mut root = PathBuf::new();
    let mut pattern: Vec<String> = Vec::new();
    for c in arg.components() {
        let part = c.as_os_str().to_string_lossy();
        if pattern.is_empty() && (!matches!(c, Component::Normal(_)) || !has_glob_chars(&part)) {
            root.push(c.as_os_str());
        } else {
            pattern.push(part.into_owned());
        }
    }
    let recursive = pattern.iter().any(|p| p.contains("**"));
    let depth = pattern.len();
    let glob = GlobBuilder::new(&pattern.join("/"))
        .literal_separator(true)
        .case_insensitive(cfg!(windows))
        .build()
        .ok()?
        .compile_matcher();
    let walk_root = if root.as_os_str().is_empty() {
        Path::new(".")
    } else {
        root.as_path()
    };
    let mut walker = walkdir::WalkDir::new(walk_root).follow_links(false);
    if !recursive {
        walker = walker.max_depth(depth);
    }
    let mut files: Vec<PathBuf> = walker
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_skipped(e))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && is_spreadsheet(e.path()))
        .filter_map(|e| {
            let rel = e.path().strip_prefix(walk_root).ok()?;
            let rel_text: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            glob.is_match(rel_text.join("/")).then(|| root.join(rel))
        })
        .collect();
    files.sort();
    Some(files)
}

/// Spreadsheets under a folder, sorted; skips Excel lock files (`~$…`), daicho's own outputs and
/// hidden or system folders.
pub fn scan_folder(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_skipped(e))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| is_spreadsheet(p))
        .collect();
    files.sort();
    files
}

fn is_skipped(e: &walkdir::DirEntry) -> bool {
    is_skipped_dir_or_file(
        e.file_name().to_string_lossy().as_ref(),
        e.file_type().is_dir(),
    ) || is_hidden_on_windows(e)
}

/// Hidden or system folders (`.git`, `.backup`, `$RECYCLE.BIN`, `System Volume Information`,
/// a NAS's `~snapshot`), Excel's lock files (`~$台帳.xlsx`), dot files and daicho's outputs.
fn is_skipped_dir_or_file(name: &str, is_dir: bool) -> bool {
    if is_dir {
        return name.starts_with('.')
            || name.starts_with('$')
            || name.eq_ignore_ascii_case("~snapshot")
            || name.eq_ignore_ascii_case("System Volume Information");
    }
    name.starts_with("~$") || name.starts_with('.') || is_daicho_output(name)
}

#[cfg(windows)]
fn is_hidden_on_windows(e: &walkdir::DirEntry) -> bool {
    use std::os::windows::fs::MetadataExt;
    const HIDDEN: u32 = 0x2;
    const SYSTEM: u32 = 0x4;
    e.metadata()
        .map(|m| m.file_attributes() & (HIDDEN | SYSTEM) != 0)
        .unwrap_or(false)
}

#[cfg(not(windows))]
fn is_hidden_on_windows(_: &walkdir::DirEntry) -> bool {
    false
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

/// A path relative to the working folder when it lies under it (daicho.toml found by walking up
/// from an absolute path), else as is; shown as [`display_path`] shows it.
pub fn display_relative(p: &std::path::Path) -> String {
    let rel = std::env::current_dir()
        .ok()
        .and_then(|cwd| p.strip_prefix(cwd).ok().map(std::path::Path::to_path_buf))
        .unwrap_or_else(|| p.to_path_buf());
    display_path(&rel)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(p: &Path) {
        if let Some(dir) = p.parent() {
            std::fs::create_dir_all(dir).expect("mkdir");
        }
        std::fs::write(p, b"x").expect("write");
    }

    fn shared_drive() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        for f in [
            "台帳.xlsx",
            "病棟/2階/端末.xls",
            "病棟/ネットワーク.ODS",
            "clinic.csv",
            "~$台帳.xlsx",
            "台帳.checked.xlsx",
            "台帳.standard.csv",
            ".backup/台帳.xlsx",
            ".git/x.xlsx",
            "$RECYCLE.BIN/old.xlsx",
            "System Volume Information/x.xlsx",
            "手順.docx",
            "メモ.txt",
            ".~lock.台帳.xlsx#",
        ] {
            touch(&d.join(f));
        }
        dir
    }

    fn names(root: &Path, files: &[PathBuf]) -> Vec<String> {
        files
            .iter()
            .map(|p| {
                let rel = p.strip_prefix(root).unwrap_or(p);
                rel.to_string_lossy().replace('\\', "/")
            })
            .collect()
    }

    #[test]
    fn folder_scan_takes_only_the_ledgers() {
        let dir = shared_drive();
        let Expanded::Files(files) = expand(dir.path()) else {
            panic!("files")
        };
        assert_eq!(
            names(dir.path(), &files),
            [
                "clinic.csv",
                "台帳.xlsx",
                "病棟/2階/端末.xls",
                "病棟/ネットワーク.ODS"
            ]
        );
    }

    #[test]
    fn globs_walk_their_literal_prefix() {
        let dir = shared_drive();
        let pat = |p: &str| dir.path().join(p);
        let Expanded::Files(files) = expand(&pat("**/*.xls*")) else {
            panic!("files")
        };
        assert_eq!(
            names(dir.path(), &files),
            ["台帳.xlsx", "病棟/2階/端末.xls"]
        );
        let Expanded::Files(files) = expand(&pat("病棟/*")) else {
            panic!("files")
        };
        assert_eq!(names(dir.path(), &files), ["病棟/ネットワーク.ODS"]);
        let Expanded::Files(files) = expand(&pat("*.{csv,xlsx}")) else {
            panic!("files")
        };
        assert_eq!(names(dir.path(), &files), ["clinic.csv", "台帳.xlsx"]);
        assert_eq!(expand(&pat("**/*.pdf")), Expanded::NoMatch(pat("**/*.pdf")));
    }

    #[test]
    fn inputs_are_deduplicated_and_failures_typed() {
        let dir = shared_drive();
        let d = dir.path();
        let empty = d.join("空");
        std::fs::create_dir_all(&empty).expect("mkdir");
        let args = vec![
            d.join("台帳.xlsx"),
            d.to_path_buf(),
            empty.clone(),
            d.join("*.pdf"),
            d.join("ない.xlsx"),
        ];
        let inputs = collect_inputs(&args);
        assert!(inputs.scan);
        let files = inputs.files();
        assert_eq!(files.len(), 4, "{files:?}");
        assert_eq!(files[0], d.join("台帳.xlsx"));
        let kinds: Vec<&str> = inputs
            .items
            .iter()
            .filter_map(|i| match i {
                Input::Failed(_, e) => Some(e.kind()),
                Input::File(_) => None,
            })
            .collect();
        assert_eq!(kinds, ["empty-folder", "no-match", "not-found"]);
    }

    #[test]
    fn empty_and_missing() {
        let dir = tempfile::tempdir().expect("tempdir");
        touch(&dir.path().join("手順.docx"));
        assert_eq!(
            expand(dir.path()),
            Expanded::EmptyFolder(dir.path().to_path_buf())
        );
        let missing = dir.path().join("ない.xlsx");
        assert_eq!(expand(&missing), Expanded::Missing(missing.clone()));
    }
}

#[cfg(test)]
mod separator_tests {
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

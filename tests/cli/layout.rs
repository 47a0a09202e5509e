//! The test layout itself: every test file is compiled into one of the (at most three) test
//! binaries, and no test announces a skip. A file in a binary's folder that its `main.rs` does not
//! name is never compiled, so its tests would pass by not existing.

use crate::common::manifest;
use std::path::{Path, PathBuf};

/// `.rs` files directly in `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    files.sort();
    files
}

/// Every `.rs` file under `dir`, at any depth.
fn rust_files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files_under(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

/// The folders under `tests/` that cargo builds into a test binary (those with a `main.rs`).
fn binaries() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(manifest().join("tests"))
        .expect("tests/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.join("main.rs").is_file())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn every_test_file_is_compiled_into_one_of_at_most_three_binaries() {
    let top = rust_files(&manifest().join("tests"));
    assert!(
        top.is_empty(),
        "{top:?}: each tests/*.rs is a test binary of its own (another link step). Move it into \
         tests/cli/ (or tests/formats/), add `mod NAME;` to that folder's main.rs, and use \
         crate::common's helpers"
    );
    let binaries = binaries();
    assert_eq!(
        binaries
            .iter()
            .map(|d| d.file_name().expect("name").to_string_lossy().into_owned())
            .collect::<Vec<_>>(),
        ["cli", "formats"],
        "a new test binary costs a link step: at most three (see tests/cli/main.rs)"
    );
    // The binaries' folders, and tests/common (named by its mod.rs).
    let mut folders: Vec<(PathBuf, &str)> = binaries.into_iter().map(|d| (d, "main.rs")).collect();
    folders.push((manifest().join("tests/common"), "mod.rs"));
    for (dir, root) in folders {
        let main = std::fs::read_to_string(dir.join(root)).expect(root);
        let declared: Vec<&str> = main
            .lines()
            .filter_map(|l| {
                let l = l.trim();
                l.strip_prefix("pub mod ")
                    .or_else(|| l.strip_prefix("mod "))
            })
            .filter_map(|l| l.strip_suffix(';'))
            .collect();
        for file in rust_files(&dir) {
            let stem = file.file_stem().expect("stem").to_string_lossy();
            if file.ends_with(root) {
                continue;
            }
            assert!(
                declared.contains(&stem.as_ref()),
                "{} is not compiled: add `mod {stem};` to {}",
                file.display(),
                dir.join(root).display()
            );
        }
    }
}

/// A test either checks or fails: no "skipping" note and an early return (CI installs
/// openpyxl and LibreOffice; `crate::common::require_*` fail the test without them).
#[test]
fn no_test_prints_a_skip() {
    let mut files = Vec::new();
    rust_files_under(&manifest().join("tests"), &mut files);
    rust_files_under(&manifest().join("src"), &mut files);
    assert!(files.len() > 20, "{files:?}");
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read");
        for (at, _) in text.match_indices("println!(") {
            // The macro's arguments, up to the end of the statement (they may span lines).
            let call = &text[at..];
            let call = &call[..call.find(");").unwrap_or(call.len())];
            if call.to_lowercase().contains("skip") {
                let line = text[..at].lines().count();
                found.push(format!("{}:{line}", file.display()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "tests must fail, not skip, when what they need is missing: {found:?}"
    );
}

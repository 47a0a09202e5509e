//! Helpers shared by the integration-test binaries (`tests/cli`, `tests/formats`); each binary
//! includes this folder with `#[path = "../common/mod.rs"] mod common;`.
//!
//! Tools outside Rust (python3 with openpyxl, LibreOffice) are required, never optional: a test
//! that needs one calls [`require_openpyxl`] or [`require_soffice`], which fail the test with the
//! install command when the tool is missing. `.ci/run` installs both.

// Each binary uses only some of these helpers.
#![allow(dead_code)]

pub mod zip_headers;

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// The fixed "today" of every run, so that dates in the fixtures age the same way every day.
pub const AS_OF: &str = "2026-11-25";

/// The repository root.
pub fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A file or folder under `fixtures/`.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

/// The daicho binary built for these tests.
pub fn daicho() -> Command {
    Command::cargo_bin("daicho").expect("binary")
}

/// The daicho binary with `NO_COLOR=1` (human and drag-and-drop text compared as plain text).
pub fn daicho_no_color() -> Command {
    let mut cmd = daicho();
    cmd.env("NO_COLOR", "1");
    cmd
}

/// Runs `daicho check --annotate --format json` on `input` into `out_dir`; asserts it ran (exit 0
/// or 1) and returns the written copy's path and the JSON report.
pub fn check_annotated(input: &Path, out_dir: &Path) -> (PathBuf, serde_json::Value) {
    let out = daicho_no_color()
        .args([
            "check",
            "--annotate",
            "--format",
            "json",
            "--as-of",
            AS_OF,
            "--out-dir",
        ])
        .arg(out_dir)
        .arg(input)
        .output()
        .expect("run daicho");
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}: {}",
        input.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let written = json["files"][0]["output"]
        .as_str()
        .map(PathBuf::from)
        .unwrap_or_else(|| panic!("{}: no output in {json}", input.display()));
    (written, json)
}

/// LibreOffice, headless with its own profile folder `profile`, converts `files` to `to` (`pdf`,
/// `xlsx`) into `out_dir` in one run; fails the test when it does not succeed.
pub fn soffice_convert(profile: &Path, to: &str, out_dir: &Path, files: &[&Path]) {
    let out = std::process::Command::new(require_soffice())
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", to, "--outdir"])
        .arg(out_dir)
        .args(files)
        .output()
        .expect("soffice");
    assert!(
        out.status.success(),
        "LibreOffice could not convert {files:?} to {to}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `python3`, after checking that it can import openpyxl; fails the test otherwise.
pub fn require_openpyxl() -> &'static str {
    let found = std::process::Command::new("python3")
        .args(["-c", "import openpyxl"])
        .output();
    match found {
        Ok(out) if out.status.success() => "python3",
        Ok(out) => panic!(
            "this test needs python3 with openpyxl, which is not installed ({}).\n\
             Install it with: python3 -m pip install openpyxl   (.ci/run does this)",
            String::from_utf8_lossy(&out.stderr).trim()
        ),
        Err(e) => panic!(
            "this test needs python3 with openpyxl; python3 cannot be started ({e}).\n\
             Install python3, then: python3 -m pip install openpyxl   (.ci/run does this)"
        ),
    }
}

/// The LibreOffice command (`soffice`, or `libreoffice`); fails the test when neither runs.
pub fn require_soffice() -> &'static str {
    ["soffice", "libreoffice"]
        .into_iter()
        .find(|c| {
            std::process::Command::new(c)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .unwrap_or_else(|| {
            panic!(
                "this test needs LibreOffice, but neither `soffice` nor `libreoffice` runs.\n\
                 Install it with: apt-get install -y libreoffice-calc   (Debian/Ubuntu; .ci/run does this)\n\
                 or brew install --cask libreoffice (macOS), or from https://www.libreoffice.org/download/ \
                 with soffice on PATH (Windows)"
            )
        })
}

//! What a hospital meets on Windows, tested where it can be off Windows: `--version`, the
//! version in every report, no ANSI codes off a terminal or with NO_COLOR, and the drag-and-drop
//! pause after a broken daicho.toml.

use crate::common::{daicho, AS_OF};
use serde_json::Value;

const VERSION: &str = env!("CARGO_PKG_VERSION");

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
fn the_summary_sheet_names_the_version_and_the_support_data_date() {
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
    // Issue 14: the date the OS/firmware support data was checked is said on the sheet too.
    let checked = daicho::rules::os::support_data_checked().to_string();
    assert!(
        summary.rows().take(12).any(|r| r
            .iter()
            .any(|c| c.to_string().contains("サポート期限データの確認日")
                && c.to_string().contains(&checked))),
        "no support-data date in the summary sheet"
    );
}

/// Runs drag-and-drop mode in-process as `daicho ARGS...`, with a pause that records each call.
fn drop_with_pause(args: &[&std::ffi::OsStr]) -> (i32, Vec<daicho::Lang>) {
    use clap::Parser;
    let mut argv: Vec<&std::ffi::OsStr> = vec!["daicho".as_ref()];
    argv.extend_from_slice(args);
    let cli = daicho::cli::Cli::try_parse_from(argv).expect("arguments");
    assert!(
        cli.command.is_none(),
        "drag-and-drop mode has no subcommand"
    );
    let mut pauses = Vec::new();
    let code = daicho::app::dropped_with(cli.dropped, &mut |lang| pauses.push(lang));
    (i32::from(code.code()), pauses)
}

#[test]
fn a_broken_daicho_toml_pauses_before_the_window_closes() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let ledger = tmp.path().join("台帳.xlsx");
    std::fs::copy("fixtures/seed.xlsx", &ledger).expect("copy");
    std::fs::write(tmp.path().join("daicho.toml"), "lang = = \"ja\"\n").expect("toml");

    let (code, pauses) = drop_with_pause(&[ledger.as_os_str()]);
    assert_eq!(code, 2);
    assert_eq!(pauses, [daicho::Lang::Ja], "the pause is reached once");
    assert!(
        !tmp.path().join("台帳.checked.xlsx").exists(),
        "nothing is written after a config error"
    );

    // The same through --config, which fails before any file is looked at.
    let config = tmp.path().join("daicho.toml");
    let (code, pauses) = drop_with_pause(&[
        "--lang".as_ref(),
        "en".as_ref(),
        "--config".as_ref(),
        config.as_os_str(),
        ledger.as_os_str(),
    ]);
    assert_eq!(code, 2);
    assert_eq!(pauses, [daicho::Lang::En]);
}

#[test]
fn every_other_drag_and_drop_outcome_pauses_once() {
    // Double-clicked: the usage hint, then the pause.
    let (code, pauses) = drop_with_pause(&[]);
    assert_eq!((code, pauses.len()), (2, 1));

    // A ledger with findings: the summary, then the pause.
    let tmp = tempfile::tempdir().expect("tempdir");
    let ledger = tmp.path().join("seed.xlsx");
    std::fs::copy("fixtures/seed.xlsx", &ledger).expect("copy");
    let (code, pauses) = drop_with_pause(&["--as-of".as_ref(), AS_OF.as_ref(), ledger.as_os_str()]);
    assert_eq!((code, pauses.len()), (1, 1));
    assert!(tmp.path().join("seed.checked.xlsx").is_file());

    // An unusable --edition: its message, then the pause.
    let (code, pauses) =
        drop_with_pause(&["--edition".as_ref(), "r99".as_ref(), ledger.as_os_str()]);
    assert_eq!((code, pauses.len()), (2, 1));
}

#[test]
fn a_broken_daicho_toml_is_explained_on_stderr() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let ledger = tmp.path().join("seed.xlsx");
    std::fs::copy("fixtures/seed.xlsx", &ledger).expect("copy");
    std::fs::write(tmp.path().join("daicho.toml"), "lang = = \"ja\"\n").expect("toml");
    let out = daicho().arg(&ledger).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("daicho.toml"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `daicho check` human output on seed.xlsx with the given environment.
fn human_output(env: &[(&str, &str)]) -> String {
    let mut cmd = daicho();
    for var in ["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "TERM"] {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().copied());
    let out = cmd
        .args(["check", "--as-of", AS_OF, "fixtures/seed.xlsx"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    String::from_utf8(out.stdout).expect("UTF-8 off Windows")
}

#[test]
fn no_colour_codes_off_a_terminal_or_with_no_color() {
    // The test's pipe is not a terminal: plain text.
    let piped = human_output(&[]);
    assert!(piped.contains("OS001"), "{piped}");
    assert!(!piped.contains('\x1b'), "no colour when piped: {piped:?}");
    // Forced colour shows the test would see codes if there were any...
    let forced = human_output(&[("CLICOLOR_FORCE", "1")]);
    assert!(forced.contains("\x1b["), "forced colour: {forced:?}");
    // ...and NO_COLOR wins even over forcing.
    let no_color = human_output(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]);
    assert!(!no_color.contains('\x1b'), "{no_color:?}");
    assert_eq!(no_color, piped);
}

#[test]
fn machine_formats_never_carry_colour() {
    for format in ["json", "sarif", "junit", "github"] {
        let out = daicho()
            .env("CLICOLOR_FORCE", "1")
            .args([
                "check",
                "--format",
                format,
                "--as-of",
                AS_OF,
                "fixtures/seed.xlsx",
            ])
            .output()
            .expect("run");
        assert!(!out.stdout.contains(&0x1b), "{format}");
        assert!(
            std::str::from_utf8(&out.stdout).is_ok(),
            "{format} is UTF-8"
        );
    }
}

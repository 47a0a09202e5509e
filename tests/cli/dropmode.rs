//! Drag-and-drop mode (`daicho FILE...`): outputs beside each input (or in --out-dir), the short
//! Japanese summary, folders and several files, replacing daicho's own previous output, and the
//! fallback to Documents when the input's folder cannot be written.

use crate::common::{daicho_no_color as daicho, fixture, AS_OF};
use std::path::Path;

#[test]
fn drag_and_drop_writes_beside_each_input_and_replaces_its_own_output() {
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().join("台帳 フォルダ");
    std::fs::create_dir(&folder).expect("mkdir");
    for name in ["seed.xlsx", "clean.xlsx"] {
        std::fs::copy(fixture(name), folder.join(name)).expect("copy");
    }
    let stale = folder.join("seed.checked.xlsx");
    std::fs::write(&stale, b"old output").expect("stale");

    // A folder dropped: every spreadsheet in it, never the outputs themselves.
    let out = daicho()
        .args(["--as-of", AS_OF])
        .arg(&folder)
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("エラー 7件 / 警告 7件"), "{stdout}");
    assert!(
        stdout.contains("おもな問題") && stdout.contains("IP002 機器台帳!F2"),
        "{stdout}"
    );
    assert!(
        stdout.contains("問題は見つかりませんでした"),
        "clean.xlsx: {stdout}"
    );
    assert!(
        stdout.contains("seed.checked.xlsx") && stdout.contains("clean.checked.xlsx"),
        "{stdout}"
    );
    let replaced = std::fs::read(&stale).expect("output");
    assert!(replaced.starts_with(b"PK"), "the old output was replaced");
    assert!(folder.join("clean.checked.xlsx").exists());
    let leftovers: Vec<_> = std::fs::read_dir(&folder)
        .expect("ls")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");

    // Again: the two outputs are skipped by the folder scan, and replaced once more.
    let out = daicho()
        .args(["--as-of", AS_OF])
        .arg(&folder)
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("2ファイルを検査しました"), "{stdout}");
}

#[test]
fn drag_and_drop_of_several_files_and_a_missing_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = daicho()
        .args(["--as-of", AS_OF, "--out-dir"])
        .arg(dir.path())
        .arg(fixture("seed.xlsx"))
        .arg(fixture("messy/clinic_b.csv"))
        .arg(dir.path().join("ない.xlsx"))
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "a missing input: {stdout}");
    assert!(stdout.contains("読めませんでした"), "{stdout}");
    assert!(
        dir.path().join("seed.checked.xlsx").exists()
            && dir.path().join("clinic_b.checked.xlsx").exists(),
        "{stdout}"
    );
}

#[test]
fn no_files_prints_how_to_drop_them() {
    let out = daicho().output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).contains("ドラッグ&ドロップ"));
}

/// Set only in the child run of the fallback test below: the scratch home (HOME, USERPROFILE).
const FALLBACK_HOME: &str = "DAICHO_TEST_FALLBACK_HOME";

/// The input's folder cannot be written (a read-only share): the annotated workbook goes to
/// Documents and the summary says so.
///
/// Root writes into a read-only folder (and CI runs as root), and Windows ignores a folder's
/// read-only flag; so the folder here lies under a regular file, which nobody can create anything
/// in, on any platform. Drag-and-drop only writes beside its inputs, so the test hands the engine
/// that target itself, marked for fallback as drag-and-drop marks it, and prints the same summary.
/// The fallback folders come from HOME (USERPROFILE on Windows): the test runs again in a child
/// copy of this test binary with both pointing at a scratch home, so this process's environment is
/// never changed.
#[test]
fn drag_and_drop_falls_back_to_documents_when_the_folder_is_read_only() {
    match std::env::var_os(FALLBACK_HOME) {
        Some(home) => fall_back_in_this_process(Path::new(&home)),
        None => fall_back_in_a_child(),
    }
}

fn fall_back_in_a_child() {
    let dir = tempfile::tempdir().expect("tempdir");
    let home = dir.path().join("home");
    std::fs::create_dir_all(home.join("Documents")).expect("mkdir");
    let out = std::process::Command::new(std::env::current_exe().expect("this test binary"))
        .args([
            "dropmode::drag_and_drop_falls_back_to_documents_when_the_folder_is_read_only",
            "--exact",
            "--nocapture",
        ])
        .env(FALLBACK_HOME, &home)
        .env("HOME", &home)
        .env("USERPROFILE", &home)
        .output()
        .expect("run the child");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "the child run failed:\n{stdout}\n{stderr}"
    );
    assert!(
        home.join("Documents/seed.checked.xlsx").exists(),
        "{stdout}"
    );
}

fn fall_back_in_this_process(home: &Path) {
    use daicho::annotate::Target;
    use daicho::dropmode::{file_summary, Outcome};
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("seed.xlsx");
    std::fs::copy(fixture("seed.xlsx"), &input).expect("copy");
    // A regular file where the share's folder would be: creating the output fails, even for root.
    let share = dir.path().join("share");
    std::fs::write(&share, b"not a folder").expect("write");
    let target = Target {
        path: share.join("seed.checked.xlsx"),
        fallback: true,
    };
    let as_of = chrono::NaiveDate::parse_from_str(AS_OF, "%Y-%m-%d").expect("date");
    let settings = daicho::settings::Settings::new(as_of);
    let (report, annotated) = daicho::run::check_file_with(&input, &settings, Some(&target));
    let stdout = file_summary(&Outcome { report, annotated }, daicho::Lang::Ja);
    println!("{stdout}");
    assert!(
        home.join("Documents/seed.checked.xlsx").exists(),
        "{stdout}"
    );
    assert!(
        stdout.contains("書き込めないため") && stdout.contains("Documents"),
        "{stdout}"
    );
}

#[test]
fn an_empty_folder_dropped_says_what_to_do_in_one_language() {
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().join("空");
    std::fs::create_dir(&folder).expect("mkdir");
    std::fs::write(folder.join("手順.docx"), b"x").expect("write");
    let out = daicho()
        .args(["--as-of", AS_OF])
        .arg(&folder)
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("このフォルダには表計算ファイル")
            && stdout.contains("台帳のファイルかフォルダを指定"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("folder contains") && !stdout.contains("アクセス権"),
        "{stdout}"
    );
    assert_eq!(out.status.code(), Some(2), "{stdout}");
}

//! Drag-and-drop mode (`daicho FILE...`): outputs beside each input (or in --out-dir), the short
//! Japanese summary, folders and several files, replacing daicho's own previous output, and the
//! fallback to Documents when the input's folder is read-only.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

const AS_OF: &str = "2026-11-25";

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

fn daicho() -> Command {
    let mut cmd = Command::cargo_bin("daicho").expect("binary");
    cmd.env("NO_COLOR", "1");
    cmd
}

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

#[cfg(unix)]
#[test]
fn drag_and_drop_falls_back_to_documents_when_the_folder_is_read_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let share = dir.path().join("share");
    let home = dir.path().join("home");
    std::fs::create_dir_all(home.join("Documents")).expect("mkdir");
    std::fs::create_dir(&share).expect("mkdir");
    std::fs::copy(fixture("seed.xlsx"), share.join("seed.xlsx")).expect("copy");
    std::fs::set_permissions(&share, std::fs::Permissions::from_mode(0o555)).expect("chmod");
    if std::fs::write(share.join("probe"), b"x").is_ok() {
        eprintln!(
            "note: running as root, read-only folders are writable; skipping the fallback test"
        );
        let _ = std::fs::remove_file(share.join("probe"));
        return;
    }
    let out = daicho()
        .env("HOME", &home)
        .args(["--as-of", AS_OF])
        .arg(share.join("seed.xlsx"))
        .output()
        .expect("run");
    std::fs::set_permissions(&share, std::fs::Permissions::from_mode(0o755)).expect("chmod back");
    let stdout = String::from_utf8_lossy(&out.stdout);
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

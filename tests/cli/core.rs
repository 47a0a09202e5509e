//! End-to-end: run the real binary on the ledger fixtures and compare its JSON with each
//! fixture's `<file>.expected.json` (planted problems and rows that must stay clean).

use crate::common::{daicho, AS_OF};
use serde_json::Value;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

fn check_json(paths: &[&Path], extra: &[&str]) -> (Value, i32) {
    let out = daicho()
        .args(["check", "--format", "json", "--as-of", AS_OF])
        .args(extra)
        .args(paths)
        .output()
        .expect("run");
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (json, out.status.code().unwrap_or(-1))
}

fn expected_files() -> Vec<(PathBuf, Value)> {
    let mut v = Vec::new();
    for entry in walkdir::WalkDir::new("fixtures").sort_by_file_name() {
        let entry = entry.expect("walk");
        let name = entry.file_name().to_string_lossy().to_string();
        if let Some(target) = name.strip_suffix(".expected.json") {
            let path = entry.path().with_file_name(target);
            if path.exists() {
                let text = std::fs::read_to_string(entry.path()).expect("read expected");
                v.push((path, serde_json::from_str(&text).expect("expected json")));
            }
        }
    }
    assert!(v.len() >= 10, "fixtures with expectations: {}", v.len());
    v
}

fn key(sheet: &Value, row: &Value, code: &str) -> (String, i64, String) {
    (
        sheet.as_str().unwrap_or("").to_string(),
        row.as_i64().unwrap_or(0),
        code.to_string(),
    )
}

/// Every planted problem is found at its sheet and row, and clean rows get no error or warning
/// (nor info unless the fixture allows it). Prints expected vs got on failure.
#[test]
fn fixtures_match_their_expectations() {
    let mut report = String::new();
    let (mut planted_total, mut found_total) = (0usize, 0usize);
    for (path, expected) in expected_files() {
        let (json, _) = check_json(&[&path], &[]);
        let file = &json["files"][0];
        assert!(
            file["error"].is_null(),
            "{}: {}",
            path.display(),
            file["error"]
        );
        let diags = file["diagnostics"].as_array().expect("diagnostics");
        let got: HashSet<_> = diags
            .iter()
            .map(|d| key(&d["sheet"], &d["row"], d["code"].as_str().unwrap_or("")))
            .collect();
        for p in expected["planted"].as_array().into_iter().flatten() {
            planted_total += 1;
            let k = key(&p["sheet"], &p["row"], p["code"].as_str().unwrap_or(""));
            if got.contains(&k) {
                found_total += 1;
            } else {
                report.push_str(&format!("{}: missing {:?}\n", path.display(), k));
            }
        }
        for c in expected["clean_rows"].as_array().into_iter().flatten() {
            let info_ok = c["info_ok"].as_bool().unwrap_or(false);
            for d in diags {
                if d["sheet"] == c["sheet"] && d["row"] == c["row"] {
                    if d["severity"] == "info" && info_ok {
                        continue;
                    }
                    report.push_str(&format!(
                        "{}: clean row {}!{} got {} {}\n",
                        path.display(),
                        c["sheet"],
                        c["row"],
                        d["code"],
                        d["message"]
                    ));
                }
            }
        }
    }
    assert!(planted_total > 50, "planted {planted_total}");
    // The acceptance bar is 95%; the bundled fixtures must all be found.
    assert!(
        report.is_empty(),
        "found {found_total}/{planted_total}\n{report}"
    );
}

#[test]
fn the_same_ledger_reads_alike_in_every_format() {
    let codes = |p: &str| -> Vec<(String, i64, String)> {
        let (json, _) = check_json(&[Path::new(p)], &[]);
        let mut v: Vec<_> = json["files"][0]["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .map(|d| key(&d["sheet"], &d["row"], d["code"].as_str().unwrap_or("")))
            .collect();
        v.sort();
        v
    };
    let xlsx = codes("fixtures/messy/hospital_a.xlsx");
    assert_eq!(xlsx, codes("fixtures/messy/hospital_a.xls"));
    assert_eq!(xlsx, codes("fixtures/messy/hospital_a.ods"));
    let csv: Vec<_> = codes("fixtures/messy/clinic_b.csv")
        .into_iter()
        .map(|k| (k.1, k.2))
        .collect();
    let bom: Vec<_> = codes("fixtures/messy/clinic_b_utf8bom.csv")
        .into_iter()
        .map(|k| (k.1, k.2))
        .collect();
    assert_eq!(csv, bom);
}

#[test]
fn json_shape_is_the_public_one() {
    let (json, code) = check_json(&[Path::new("fixtures/seed.xlsx")], &[]);
    assert_eq!(code, 1);
    assert_eq!(json["version"], 1);
    assert_eq!(json["tool"], "daicho");
    assert_eq!(json["as_of"], AS_OF);
    let file = &json["files"][0];
    assert_eq!(file["path"], "fixtures/seed.xlsx");
    assert!(file["error"].is_null());
    assert!(file["output"].is_null());
    let sheet = &file["sheets"][0];
    assert_eq!(sheet["name"], "機器台帳");
    assert_eq!(sheet["role"], "ledger");
    assert_eq!(sheet["header_row"], 1);
    assert_eq!(sheet["device_rows"], 4);
    let os = file["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| d["code"] == "OS001")
        .expect("OS001 on Win8");
    for k in [
        "code",
        "name",
        "severity",
        "sheet",
        "cell",
        "row",
        "column",
        "field",
        "value",
        "message",
        "fix",
        "suppressed",
    ] {
        assert!(os.get(k).is_some(), "diagnostic lacks {k}");
    }
    assert_eq!(os["name"], "os-end-of-support");
    assert_eq!(os["severity"], "error");
    assert_eq!(os["cell"], "C3");
    assert_eq!(os["row"], 3);
    assert_eq!(os["column"], 3);
    assert_eq!(os["field"], "os");
    assert_eq!(os["value"], "Win8");
    assert_eq!(os["suppressed"], false);
    let s = &json["summary"];
    assert_eq!(
        (
            s["files"].as_u64(),
            s["errors"].as_u64(),
            s["warnings"].as_u64()
        ),
        (Some(1), Some(7), Some(7))
    );
    assert_eq!(s["unreadable"], 0);
}

#[test]
fn non_canonical_ip_carries_its_fix() {
    let (json, _) = check_json(
        &[Path::new("fixtures/messy/hospital_a.xlsx")],
        &["--select", "IP003"],
    );
    let diags = json["files"][0]["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .clone();
    assert!(!diags.is_empty());
    for d in &diags {
        assert_eq!(d["code"], "IP003");
        let fix = d["fix"]["value"].as_str().expect("fix");
        assert!(
            fix.parse::<std::net::IpAddr>().is_ok() || fix.contains(','),
            "{fix}"
        );
    }
}

#[test]
fn exit_codes() {
    let (_, clean) = check_json(&[Path::new("fixtures/clean.xlsx")], &[]);
    assert_eq!(clean, 0);
    let (_, seed) = check_json(&[Path::new("fixtures/seed.xlsx")], &[]);
    assert_eq!(seed, 1);
    // Warnings only fail with --fail-on warning.
    let (_, warn_only) = check_json(&[Path::new("fixtures/seed.xlsx")], &["--select", "F002"]);
    assert_eq!(warn_only, 0);
    let (_, warn_fail) = check_json(
        &[Path::new("fixtures/seed.xlsx")],
        &["--select", "F002", "--fail-on", "warning"],
    );
    assert_eq!(warn_fail, 1);
}

/// Every bad input gets its own clear error, the batch goes on, the run exits 2.
#[test]
fn bad_inputs_are_reported_and_the_batch_continues() {
    let bad = [
        (
            "fixtures/bad/encrypted.xlsx",
            "password-protected",
            "パスワード",
        ),
        ("fixtures/bad/truncated.xlsx", "corrupt", "壊れて"),
        (
            "fixtures/bad/text_named.xlsx",
            "not-a-spreadsheet",
            "表計算ファイルではありません",
        ),
        ("fixtures/bad/empty.xlsx", "empty-file", "空"),
        ("fixtures/bad/random.xls", "corrupt", "壊れて"),
        (
            "fixtures/bad/not_zip.ods",
            "not-a-spreadsheet",
            "表計算ファイルではありません",
        ),
        (
            "fixtures/does-not-exist.xlsx",
            "not-found",
            "見つかりません",
        ),
    ];
    let mut paths: Vec<&Path> = bad.iter().map(|(p, _, _)| Path::new(*p)).collect();
    paths.push(Path::new("fixtures/seed.xlsx"));
    let out = daicho()
        .args(["check", "--format", "json", "--as-of", AS_OF])
        .args(&paths)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let json: Value = serde_json::from_slice(&out.stdout).expect("json");
    let files = json["files"].as_array().expect("files");
    assert_eq!(files.len(), bad.len() + 1);
    for (path, kind, words) in bad {
        let f = files
            .iter()
            .find(|f| f["path"] == path)
            .unwrap_or_else(|| panic!("{path} missing"));
        assert_eq!(f["error"]["kind"], kind, "{path}");
        let msg = f["error"]["message"].as_str().unwrap_or("");
        assert!(msg.contains(words), "{path}: {msg}");
    }
    let seed = files
        .iter()
        .find(|f| f["path"] == "fixtures/seed.xlsx")
        .expect("seed");
    assert!(seed["error"].is_null());
    assert!(!seed["diagnostics"].as_array().expect("diags").is_empty());
    assert_eq!(json["summary"]["unreadable"], 7);
}

#[test]
fn english_messages() {
    let (json, _) = check_json(
        &[Path::new("fixtures/seed.xlsx")],
        &["--lang", "en", "--select", "OS001"],
    );
    let msg = json["files"][0]["diagnostics"][0]["message"]
        .as_str()
        .unwrap_or("");
    assert!(msg.contains("ended on 2016-01-12"), "{msg}");
}

#[test]
fn human_output_groups_by_sheet_with_cells() {
    let out = daicho()
        .args(["check", "--as-of", AS_OF, "fixtures/seed.xlsx"])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("シート「機器台帳」"), "{text}");
    assert!(text.contains("機器台帳!C3"), "{text}");
    assert!(text.contains("エラー 7件"), "{text}");
    assert!(!text.contains("\x1b["), "no colour when piped");
}

#[test]
fn rules_are_listed_and_explained() {
    let list = daicho().arg("rules").output().expect("run");
    let text = String::from_utf8_lossy(&list.stdout);
    for code in ["L001", "F001", "IP004", "ID002", "OS004", "D002", "S001"] {
        assert!(text.contains(code), "{code} missing from\n{text}");
    }
    let one = daicho().args(["rules", "os001"]).output().expect("run");
    let text = String::from_utf8_lossy(&one.stdout);
    assert!(
        text.contains("os-end-of-support") && text.contains("直し方"),
        "{text}"
    );
    let en = daicho()
        .args(["rules", "IP002", "--lang", "en"])
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&en.stdout).contains("How to fix"));
    let unknown = daicho().args(["rules", "ZZ999"]).output().expect("run");
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn stray_far_cell_is_read_normally() {
    let (json, code) = check_json(&[Path::new("fixtures/stray_far_cell.xlsx")], &[]);
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["files"][0]["sheets"][0]["device_rows"], 6);
}

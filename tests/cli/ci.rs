//! CI use on shared drives, end to end: folder scans, globs, every output format, exit codes,
//! daicho.toml discovery, exceptions and inline markers. Runs the real binary.

use crate::common::{daicho, fixture, manifest, AS_OF};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

struct Out {
    stdout: String,
    stderr: String,
    code: i32,
}

/// `daicho check --as-of AS_OF <args>` run in `dir` (`args` may bring their own `--as-of`).
fn check_in(dir: &Path, args: &[&str]) -> Out {
    let mut cmd = daicho();
    cmd.current_dir(dir).args(["check", "--no-progress"]);
    if !args.contains(&"--as-of") {
        cmd.args(["--as-of", AS_OF]);
    }
    let out = cmd.args(args).output().expect("run");
    Out {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code().unwrap_or(-1),
    }
}

fn json_in(dir: &Path, args: &[&str]) -> (Value, i32) {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let out = check_in(dir, &all);
    let json = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", out.stdout, out.stderr));
    (json, out.code)
}

fn copy(from: &Path, to: &Path) {
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir).expect("mkdir");
    }
    std::fs::copy(from, to)
        .unwrap_or_else(|e| panic!("copy {} -> {}: {e}", from.display(), to.display()));
}

fn write(to: &Path, text: &str) {
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir).expect("mkdir");
    }
    std::fs::write(to, text).expect("write");
}

/// A shared-drive-like folder `台帳/` in a temp dir: ledgers at two depths, Excel's lock file, an
/// old daicho output, a hidden backup folder, a Windows recycle bin and non-spreadsheet files.
fn shared_drive() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path().join("台帳");
    copy(&fixture("seed.xlsx"), &d.join("seed.xlsx"));
    copy(&fixture("clean.xlsx"), &d.join("病棟").join("clean.xlsx"));
    copy(
        &fixture("messy/clinic_b.csv"),
        &d.join("病棟").join("外来").join("clinic_b.csv"),
    );
    copy(&fixture("seed.xlsx"), &d.join("~$seed.xlsx"));
    copy(&fixture("seed.xlsx"), &d.join("seed.checked.xlsx"));
    copy(&fixture("seed.xlsx"), &d.join(".backup").join("seed.xlsx"));
    copy(
        &fixture("seed.xlsx"),
        &d.join("$RECYCLE.BIN").join("seed.xlsx"),
    );
    write(&d.join("手順書.docx"), "not a spreadsheet");
    write(&d.join("メモ.txt"), "メモ");
    tmp
}

fn paths(json: &Value) -> BTreeSet<String> {
    json["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| f["path"].as_str().expect("path").to_string())
        .collect()
}

fn diagnostics(json: &Value) -> Vec<&Value> {
    json["files"]
        .as_array()
        .expect("files")
        .iter()
        .flat_map(|f| f["diagnostics"].as_array().expect("diagnostics"))
        .collect()
}

fn codes(json: &Value) -> BTreeSet<String> {
    diagnostics(json)
        .iter()
        .map(|d| d["code"].as_str().expect("code").to_string())
        .collect()
}

#[test]
fn folder_scan_checks_exactly_the_ledgers() {
    let tmp = shared_drive();
    let (json, code) = json_in(tmp.path(), &["台帳"]);
    let expected: BTreeSet<String> = [
        "台帳/seed.xlsx",
        "台帳/病棟/clean.xlsx",
        "台帳/病棟/外来/clinic_b.csv",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(paths(&json), expected);
    assert_eq!(code, 1, "seed.xlsx has errors");
    // Sorted by path, deterministic.
    let order: Vec<&str> = json["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| f["path"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        order,
        [
            "台帳/seed.xlsx",
            "台帳/病棟/clean.xlsx",
            "台帳/病棟/外来/clinic_b.csv"
        ]
    );
}

#[test]
fn globs_and_trailing_separators() {
    let tmp = shared_drive();
    let (json, _) = json_in(tmp.path(), &["台帳/**/*.xlsx"]);
    let got: Vec<String> = paths(&json).into_iter().collect();
    assert_eq!(got, ["台帳/seed.xlsx", "台帳/病棟/clean.xlsx"]);
    let (json, _) = json_in(tmp.path(), &["台帳/*.xlsx"]);
    assert_eq!(
        paths(&json).into_iter().collect::<Vec<_>>(),
        ["台帳/seed.xlsx"]
    );
    let out = check_in(tmp.path(), &["--format", "json", "台帳/**/*.ods"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stdout.contains("に一致する表計算ファイルがありません"),
        "{}",
        out.stdout
    );
    let json: Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(json["files"][0]["error"]["kind"], "no-match", "{json}");
}

#[test]
fn a_folder_without_spreadsheets_is_an_error() {
    let tmp = tempfile::tempdir().expect("tempdir");
    write(&tmp.path().join("空/手順書.docx"), "x");
    copy(&fixture("clean.xlsx"), &tmp.path().join("clean.xlsx"));
    let (json, code) = json_in(tmp.path(), &["空", "clean.xlsx"]);
    assert_eq!(code, 2);
    let files = json["files"].as_array().expect("files");
    assert_eq!(files.len(), 2, "the other argument is still checked");
    assert!(
        files[0]["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("このフォルダには表計算ファイル"),
        "{json}"
    );
    assert!(
        !files[0]["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("アクセス権"),
        "no advice about permissions for an empty folder: {json}"
    );
    assert_eq!(files[0]["error"]["kind"], "empty-folder", "{json}");
    assert!(files[1]["error"].is_null());
}

#[test]
fn annotate_checks_each_file_with_its_own_config() {
    let tmp = tempfile::tempdir().expect("tempdir");
    copy(
        &fixture("seed.xlsx"),
        &tmp.path().join("a").join("seed.xlsx"),
    );
    copy(
        &fixture("seed.xlsx"),
        &tmp.path().join("b").join("seed.xlsx"),
    );
    write(
        &tmp.path().join("a").join("daicho.toml"),
        "[rules]\nignore = [\"IP\"]\n",
    );
    write(
        &tmp.path().join("b").join("daicho.toml"),
        "[rules]\nignore = [\"OS\"]\n",
    );
    let (plain, _) = json_in(tmp.path(), &["a", "b"]);
    let out_dir = tmp.path().join("out");
    let out_dir_arg = out_dir.to_string_lossy().into_owned();
    let (annotated, _) = json_in(
        tmp.path(),
        &["--annotate", "--out-dir", &out_dir_arg, "a", "b"],
    );
    let per_file = |json: &Value| -> Vec<BTreeSet<String>> {
        json["files"]
            .as_array()
            .expect("files")
            .iter()
            .map(|f| {
                f["diagnostics"]
                    .as_array()
                    .expect("d")
                    .iter()
                    .map(|d| d["code"].as_str().unwrap_or("").to_string())
                    .collect()
            })
            .collect()
    };
    let (p, a) = (per_file(&plain), per_file(&annotated));
    assert_eq!(p, a, "--annotate does not change the findings");
    assert!(a[0].contains("OS001") && !a[0].contains("IP002"), "{a:?}");
    assert!(a[1].contains("IP002") && !a[1].contains("OS001"), "{a:?}");
    // Two inputs named seed.xlsx into one folder: two outputs.
    assert!(out_dir.join("seed.checked.xlsx").is_file());
    assert!(out_dir.join("seed.xlsx.checked.xlsx").is_file());
}

#[test]
fn formats_agree_on_the_findings() {
    let tmp = shared_drive();
    let (json, _) = json_in(tmp.path(), &["台帳"]);
    let diags = diagnostics(&json);
    let by = |sev: &str| diags.iter().filter(|d| d["severity"] == sev).count();
    let (errors, warnings, infos) = (by("error"), by("warning"), by("info"));
    assert!(
        errors > 0 && warnings > 0 && infos > 0,
        "the folder has every severity"
    );

    let sarif: Value =
        serde_json::from_str(&check_in(tmp.path(), &["--format", "sarif", "台帳"]).stdout)
            .expect("sarif json");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let level = |l: &str| results.iter().filter(|r| r["level"] == l).count();
    assert_eq!(
        (level("error"), level("warning"), level("note")),
        (errors, warnings, infos)
    );
    let uris: BTreeSet<&str> = results
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap_or("")
        })
        .collect();
    assert!(uris.contains("%E5%8F%B0%E5%B8%B3/seed.xlsx"), "{uris:?}");

    let junit = check_in(tmp.path(), &["--format", "junit", "台帳"]).stdout;
    let count = |tag: &str| junit.matches(tag).count();
    assert_eq!(
        (count("[error] "), count("[warning] "), count("[info] ")),
        (errors, warnings, infos)
    );
    let mut reader = quick_xml::Reader::from_str(&junit);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("JUnit is not XML: {e}"),
        }
    }

    let github = check_in(tmp.path(), &["--format", "github", "台帳"]).stdout;
    let count = |cmd: &str| github.lines().filter(|l| l.starts_with(cmd)).count();
    assert_eq!(
        (count("::error "), count("::warning "), count("::notice ")),
        (errors, warnings, infos)
    );
}

#[test]
fn exit_codes() {
    let dir = manifest();
    assert_eq!(check_in(&dir, &["fixtures/clean.xlsx"]).code, 0);
    assert_eq!(check_in(&dir, &["fixtures/seed.xlsx"]).code, 1);
    let (json, code) = json_in(
        &dir,
        &[
            "fixtures/seed.xlsx",
            "fixtures/ない.xlsx",
            "fixtures/clean.xlsx",
        ],
    );
    assert_eq!(code, 2);
    let files = json["files"].as_array().expect("files");
    assert_eq!(files.len(), 3);
    assert_eq!(files[1]["error"]["kind"], "not-found");
    assert!(
        !files[0]["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .is_empty(),
        "the rest is still reported"
    );
}

#[test]
fn select_keeps_only_that_family() {
    let dir = manifest();
    let (json, _) = json_in(
        &dir,
        &[
            "--select",
            "IP",
            "fixtures/seed.xlsx",
            "fixtures/messy/hospital_a.xlsx",
        ],
    );
    let codes = codes(&json);
    assert!(!codes.is_empty());
    assert!(codes.iter().all(|c| c.starts_with("IP")), "{codes:?}");
}

const SEED_CONFIG: &str = r#"
[rules]
ignore = ["F002"]

[[exceptions]]
id = "002"
rules = ["OS001"]
reason = "更新予定。院内LANから分離して運用"

[[exceptions]]
id = "003"
rules = ["OS"]
reason = "2026年の更新まで"
until = 2026-01-31

[[exceptions]]
id = "999"
rules = ["IP002"]
reason = "古い例外"
"#;

fn at<'a>(json: &'a Value, code: &str, cell: &str) -> &'a Value {
    diagnostics(json)
        .into_iter()
        .find(|d| d["code"] == code && d["cell"] == cell)
        .unwrap_or_else(|| panic!("no {code} at {cell}: {json}"))
}

#[test]
fn config_beside_the_files_applies_with_exceptions() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path().join("共有").join("台帳");
    copy(&fixture("seed.xlsx"), &d.join("seed.xlsx"));
    write(&tmp.path().join("共有").join("daicho.toml"), SEED_CONFIG);
    let (json, code) = json_in(tmp.path(), &["共有"]);
    assert_eq!(code, 1, "IP002 errors remain");
    let codes = codes(&json);
    assert!(!codes.contains("F002"), "[rules] ignore applies: {codes:?}");
    let ok = at(&json, "OS001", "C3");
    assert_eq!(ok["suppressed"], true);
    assert_eq!(ok["severity"], "error");
    let expired = at(&json, "OS001", "C4");
    assert_eq!(expired["suppressed"], false);
    assert!(
        expired["message"]
            .as_str()
            .unwrap_or("")
            .contains("期限切れ"),
        "{expired}"
    );
    let unused: Vec<&Value> = diagnostics(&json)
        .into_iter()
        .filter(|d| d["code"] == "X001")
        .collect();
    assert_eq!(unused.len(), 1, "{json}");
    assert!(unused[0]["message"].as_str().unwrap_or("").contains("999"));
    assert_eq!(
        json["summary"]["errors"], 6,
        "IP002 ×4 + OS001 ×3, less the suppressed one"
    );

    // Suppressed findings stay visible in every format.
    let sarif: Value =
        serde_json::from_str(&check_in(tmp.path(), &["--format", "sarif", "共有"]).stdout)
            .expect("sarif");
    let suppressed: Vec<&Value> = sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0]["suppressions"][0]["kind"], "external");
    assert_eq!(
        suppressed[0]["suppressions"][0]["justification"],
        "更新予定。院内LANから分離して運用"
    );
    assert!(check_in(tmp.path(), &["--format", "github", "共有"])
        .stdout
        .contains("[承認済み: 更新予定。院内LANから分離して運用]"));
    assert!(check_in(tmp.path(), &["--format", "junit", "共有"])
        .stdout
        .contains("[承認済み: 更新予定。院内LANから分離して運用]"));
    assert!(check_in(tmp.path(), &["共有"]).stdout.contains("承認済み"));

    // Suppressed findings do not count toward the exit code.
    let (_, code) = json_in(
        tmp.path(),
        &["--select", "OS001", "--as-of", "2025-12-01", "共有"],
    );
    assert_eq!(code, 1, "004 (Win10) is not excepted");
    let (json, code) = json_in(
        tmp.path(),
        &[
            "--select",
            "OS001",
            "--ignore",
            "X",
            "--as-of",
            "2025-06-01",
            "共有",
        ],
    );
    assert_eq!(
        code, 0,
        "Win10 still supported, 002 and 003 excepted: {json}"
    );
}

#[test]
fn nearest_config_wins_and_config_flag_overrides() {
    let tmp = tempfile::tempdir().expect("tempdir");
    copy(
        &fixture("seed.xlsx"),
        &tmp.path().join("a").join("seed.xlsx"),
    );
    copy(
        &fixture("seed.xlsx"),
        &tmp.path().join("a").join("b").join("seed.xlsx"),
    );
    write(
        &tmp.path().join("a").join("daicho.toml"),
        "[rules]\nignore = [\"IP\"]\n",
    );
    write(
        &tmp.path().join("a").join("b").join("daicho.toml"),
        "[rules]\nignore = [\"OS\"]\n",
    );
    let (json, _) = json_in(tmp.path(), &["a"]);
    let files = json["files"].as_array().expect("files");
    let file_codes = |i: usize| -> BTreeSet<String> {
        files[i]["diagnostics"]
            .as_array()
            .expect("d")
            .iter()
            .map(|d| d["code"].as_str().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(files[0]["path"], "a/b/seed.xlsx");
    assert!(file_codes(0).contains("IP002") && !file_codes(0).contains("OS001"));
    assert!(file_codes(1).contains("OS001") && !file_codes(1).contains("IP002"));
    write(
        &tmp.path().join("other.toml"),
        "[rules]\nselect = [\"F\"]\n",
    );
    let (json, _) = json_in(tmp.path(), &["--config", "other.toml", "a"]);
    assert_eq!(codes(&json), BTreeSet::from(["F002".to_string()]));
    // The command line wins over the file.
    let (json, _) = json_in(
        tmp.path(),
        &["--config", "other.toml", "--select", "OS001", "a"],
    );
    assert_eq!(codes(&json), BTreeSet::from(["OS001".to_string()]));
}

#[test]
fn bad_config_names_the_key_and_exits_2() {
    let tmp = tempfile::tempdir().expect("tempdir");
    copy(&fixture("seed.xlsx"), &tmp.path().join("seed.xlsx"));
    write(
        &tmp.path().join("daicho.toml"),
        "[rules]\nignore = [\"F002\"]\nseverty = { OS003 = \"warning\" }\n",
    );
    let out = check_in(tmp.path(), &["seed.xlsx"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("「severty」") && out.stderr.contains("不明なキー"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("daicho.toml"), "{}", out.stderr);
    write(
        &tmp.path().join("daicho.toml"),
        "[[exceptions]]\nid = \"002\"\nrules = [\"OS001\"]\n",
    );
    let out = check_in(tmp.path(), &["seed.xlsx"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("reason"), "{}", out.stderr);
    let out = check_in(tmp.path(), &["--config", "ない.toml", "seed.xlsx"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("見つかりません"), "{}", out.stderr);
}

#[test]
fn config_example_parses_and_runs() {
    let out = daicho()
        .args(["config", "--example"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::write(tmp.path().join("daicho.toml"), &out.stdout).expect("write");
    copy(&fixture("clean.xlsx"), &tmp.path().join("clean.xlsx"));
    let (json, code) = json_in(tmp.path(), &["clean.xlsx"]);
    assert_ne!(code, 2, "{json}");
    assert!(json["files"][0]["error"].is_null());
}

#[test]
fn inline_markers_in_the_note_column() {
    let tmp = tempfile::tempdir().expect("tempdir");
    write(
        &tmp.path().join("台帳.csv"),
        "管理番号,OS,IPアドレス,状態,備考\n\
         PC-001,Windows 7,192.168.1.10,稼働,daicho:ignore OS001 検査装置メーカーの指定OS\n\
         PC-002,Windows 7,192.168.1.10,稼働,\"daicho:ignore OS001,IP004 冗長構成。更新予定\"\n\
         PC-003,Windows 7,192.168.1.12,稼働,daicho:ignore OS001\n\
         PC-004,Windows Server 2022,192.168.1.13,稼働,daicho:ignore OS001 念のため\n\
         PC-005,Windows 7,192.168.1.14,稼働,daicho:ignore OS01 理由\n",
    );
    let (json, _) = json_in(tmp.path(), &["--ignore", "L002", "台帳.csv"]);
    let row = |r: u64, code: &str| -> Vec<&Value> {
        diagnostics(&json)
            .into_iter()
            .filter(|d| d["row"] == r && d["code"] == code)
            .collect()
    };
    assert_eq!(row(2, "OS001")[0]["suppressed"], true);
    assert_eq!(row(3, "OS001")[0]["suppressed"], true);
    assert_eq!(row(3, "IP004")[0]["suppressed"], true);
    assert_eq!(
        row(4, "OS001")[0]["suppressed"],
        false,
        "no reason: not applied"
    );
    assert_eq!(row(4, "X002").len(), 1);
    assert_eq!(row(5, "X001").len(), 1, "nothing to hide on a supported OS");
    assert_eq!(row(6, "X002").len(), 1, "unknown code");
    assert_eq!(row(6, "OS001")[0]["suppressed"], false);
    let sarif: Value =
        serde_json::from_str(&check_in(tmp.path(), &["--format", "sarif", "台帳.csv"]).stdout)
            .expect("sarif");
    let kinds: BTreeSet<&str> = sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| r["suppressions"][0]["kind"].as_str())
        .collect();
    assert_eq!(kinds, BTreeSet::from(["inSource"]));
}

#[test]
fn quiet_prints_only_the_summary() {
    let out = check_in(
        &manifest(),
        &["--quiet", "fixtures/seed.xlsx", "fixtures/clean.xlsx"],
    );
    assert_eq!(out.stdout.lines().count(), 1, "{}", out.stdout);
    assert!(out.stdout.starts_with("2ファイル"), "{}", out.stdout);
    assert!(
        out.stderr.is_empty(),
        "no progress bar when piped: {}",
        out.stderr
    );
}

// ---------------------------------------------------------------------------------------------
// Snapshots: one per format, over fixtures/seed.xlsx (with one config exception) and an unreadable
// file, run from the repository root so paths are relative and stable.

fn snapshot_output(format: &str) -> String {
    let tmp = tempfile::tempdir().expect("tempdir");
    let config = tmp.path().join("daicho.toml");
    write(
        &config,
        "[[exceptions]]\nid = \"002\"\nrules = [\"OS001\"]\nreason = \"更新予定。院内LANから分離して運用\"\n",
    );
    let config = config.to_string_lossy().into_owned();
    check_in(
        &manifest(),
        &[
            "--format",
            format,
            "--config",
            &config,
            "fixtures/seed.xlsx",
            "fixtures/bad/empty.xlsx",
        ],
    )
    .stdout
}

#[test]
fn snapshot_json() {
    // The version changes with every release; pin its place only.
    let json = snapshot_output("json").replace(
        &format!("\"daicho_version\": \"{}\"", env!("CARGO_PKG_VERSION")),
        "\"daicho_version\": \"[version]\"",
    );
    insta::assert_snapshot!(json);
}

#[test]
fn snapshot_sarif() {
    let mut sarif: Value = serde_json::from_str(&snapshot_output("sarif")).expect("sarif");
    // The rule catalogue and version change with every rule added; pin their shape only.
    let driver = &mut sarif["runs"][0]["tool"]["driver"];
    let rules = driver["rules"].as_array().expect("rules");
    assert!(rules.iter().all(|r| {
        r["id"].is_string()
            && r["name"].is_string()
            && r["shortDescription"]["text"].is_string()
            && r["fullDescription"]["text"].is_string()
            && r["help"]["text"]
                .as_str()
                .is_some_and(|t| t.contains("直し方"))
            && r["defaultConfiguration"]["level"].is_string()
    }));
    let os001 = rules
        .iter()
        .find(|r| r["id"] == "OS001")
        .cloned()
        .unwrap_or(Value::Null);
    driver["rules"] = Value::Array(vec![os001]);
    driver["version"] = Value::String("[version]".into());
    driver["semanticVersion"] = Value::String("[version]".into());
    insta::assert_snapshot!(serde_json::to_string_pretty(&sarif).expect("json"));
}

#[test]
fn snapshot_junit() {
    insta::assert_snapshot!(snapshot_output("junit"));
}

#[test]
fn snapshot_github() {
    insta::assert_snapshot!(snapshot_output("github"));
}

#[test]
fn snapshot_human() {
    insta::assert_snapshot!(snapshot_output("human"));
}

#[test]
fn a_severity_override_keeps_inactive_devices_one_lower() {
    let tmp = tempfile::tempdir().expect("tempdir");
    write(
        &tmp.path().join("l.csv"),
        "管理番号,機器名,OS,IPアドレス,設置場所,状態\nPC-001,受付PC,Windows 7,192.168.1.10,受付,停止中\nPC-002,会計PC,Windows 7,192.168.1.11,会計,稼働中\n",
    );
    let os001 = |json: &Value| -> Vec<(String, String)> {
        diagnostics(json)
            .iter()
            .filter(|d| d["code"] == "OS001")
            .map(|d| {
                (
                    d["cell"].as_str().unwrap_or("").to_string(),
                    d["severity"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect()
    };
    let (json, _) = json_in(tmp.path(), &["l.csv"]);
    let plain = os001(&json);
    write(
        &tmp.path().join("daicho.toml"),
        "[rules]\nseverity = { OS001 = \"warning\" }\n",
    );
    let (json, _) = json_in(tmp.path(), &["l.csv"]);
    let overridden = os001(&json);
    let sev = |v: &[(String, String)], cell: &str| {
        v.iter()
            .find(|(c, _)| c == cell)
            .map(|(_, s)| s.clone())
            .unwrap_or_default()
    };
    assert_eq!(
        (sev(&plain, "C2"), sev(&plain, "C3")),
        ("warning".into(), "error".into()),
        "{plain:?}"
    );
    assert_eq!(
        (sev(&overridden, "C2"), sev(&overridden, "C3")),
        ("info".into(), "warning".into()),
        "the override sets the active device's severity; the inactive one stays one lower: {overridden:?}"
    );
}

#[test]
fn esu_ids_and_exceptions_match_full_width_numbers_alike() {
    let tmp = tempfile::tempdir().expect("tempdir");
    write(
        &tmp.path().join("esu.csv"),
        "管理番号,機器名,OS,IPアドレス,設置場所\nＳ－００１,サーバ,Windows Server 2012 R2,192.168.1.10,サーバ室\n",
    );
    write(&tmp.path().join("daicho.toml"), "[os]\nesu = [\"S-001\"]\n");
    let (json, _) = json_in(tmp.path(), &["--select", "OS001", "esu.csv"]);
    let d = diagnostics(&json);
    assert_eq!(d.len(), 1, "{json}");
    // The ESU end date is judged, not the ordinary one: the id matched.
    assert!(
        d[0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("延長サポート"),
        "{json}"
    );
    write(
        &tmp.path().join("daicho.toml"),
        "[[exceptions]]\nid = \"S-001\"\nrules = [\"OS001\"]\nreason = \"閉域網\"\n",
    );
    let (json, _) = json_in(tmp.path(), &["--select", "OS001", "esu.csv"]);
    assert_eq!(diagnostics(&json)[0]["suppressed"], true, "{json}");
}

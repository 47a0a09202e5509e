//! End-to-end: OS and network-firmware support at `--as-of 2026-11-25` on a generated ledger of
//! servers, PCs, tablets, phones and network appliances (fixtures/support/, made by
//! make_support_ledger.py, which also writes each row's expected rule), the support data's checked
//! date (JSON, `daicho rules`), OS005 once per run, and `daicho os`.

use crate::common::daicho;
use serde_json::Value;
use std::collections::BTreeMap;

const LEDGER: &str = "fixtures/support/support-2026-11.xlsx";
const EXPECT: &str = "fixtures/support/support-2026-11.xlsx.expect.json";

fn check_json(as_of: &str, extra: &[&str], paths: &[&str]) -> Value {
    let out = daicho()
        .args(["check", "--format", "json", "--as-of", as_of])
        .args(extra)
        .args(paths)
        .output()
        .expect("run");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn diagnostics(json: &Value) -> Vec<&Value> {
    json["files"]
        .as_array()
        .expect("files")
        .iter()
        .flat_map(|f| f["diagnostics"].as_array().expect("diagnostics"))
        .collect()
}

/// OS findings by (sheet, row).
fn os_codes(json: &Value) -> BTreeMap<(String, i64), Vec<String>> {
    let mut got: BTreeMap<(String, i64), Vec<String>> = BTreeMap::new();
    for d in diagnostics(json) {
        let code = d["code"].as_str().unwrap_or("");
        if code.starts_with("OS") && code != "OS005" {
            let key = (
                d["sheet"].as_str().unwrap_or("").to_string(),
                d["row"].as_i64().unwrap_or(0),
            );
            got.entry(key).or_default().push(code.to_string());
        }
    }
    got
}

fn finding<'a>(json: &'a Value, sheet: &str, row: i64) -> &'a Value {
    diagnostics(json)
        .into_iter()
        .find(|d| {
            d["sheet"] == sheet
                && d["row"] == row
                && d["code"].as_str().is_some_and(|c| c.starts_with("OS"))
        })
        .unwrap_or_else(|| panic!("no OS finding at {sheet}!{row}"))
}

#[test]
fn every_row_is_judged_right_around_today() {
    let expect: Value =
        serde_json::from_str(&std::fs::read_to_string(EXPECT).expect("expectations"))
            .expect("json");
    let json = check_json("2026-11-25", &[], &[LEDGER]);
    assert!(
        json["files"][0]["error"].is_null(),
        "{}",
        json["files"][0]["error"]
    );
    let got = os_codes(&json);
    let mut report = String::new();
    let rows = expect["rows"].as_array().expect("rows");
    assert!(rows.len() >= 40, "{} rows", rows.len());
    for r in rows {
        let key = (
            r["sheet"].as_str().unwrap_or("").to_string(),
            r["row"].as_i64().unwrap_or(0),
        );
        let want: Vec<String> = r["code"]
            .as_str()
            .map(|c| vec![c.to_string()])
            .unwrap_or_default();
        let have = got.get(&key).cloned().unwrap_or_default();
        if have != want {
            report.push_str(&format!(
                "{}!{} {} ({}): want {want:?}, got {have:?}\n",
                key.0, key.1, r["id"], r["text"]
            ));
        }
    }
    // No row other than the planted ones gets an OS finding.
    assert_eq!(
        got.values().flatten().count(),
        rows.iter().filter(|r| r["code"].is_string()).count(),
        "{got:?}"
    );
    assert!(report.is_empty(), "{report}");
}

#[test]
fn firmware_messages_say_firmware_and_name_the_appliance() {
    let json = check_json("2026-11-25", &[], &[LEDGER]);
    let forti = finding(&json, "ネットワーク機器", 2);
    let msg = forti["message"].as_str().unwrap_or("");
    assert!(
        msg.contains("ファームウェア")
            && msg.contains("FortiGate 60F")
            && msg.contains("2026-09-30"),
        "{msg}"
    );
    assert_eq!(forti["cell"], "E2");
    // PAN-OS written as ソフトウェア + バージョン: the finding points at the software cell.
    let pan = finding(&json, "ネットワーク機器", 4);
    assert_eq!(
        (pan["code"].as_str(), pan["field"].as_str()),
        (Some("OS001"), Some("software"))
    );
    assert!(
        pan["message"].as_str().unwrap_or("").contains("PA-220"),
        "{}",
        pan["message"]
    );
    // Partly confirmed dates are said so (Cisco IOS XE dates are computed).
    let xe = finding(&json, "ネットワーク機器", 6);
    assert!(
        xe["message"].as_str().unwrap_or("").contains("一部確認"),
        "{}",
        xe["message"]
    );
    // No sourced date: check the vendor's page, never a guessed date.
    let rtx = finding(&json, "ネットワーク機器", 10);
    let msg = rtx["message"].as_str().unwrap_or("");
    assert!(
        msg.contains("Yamaha RTX") && msg.contains("サポートページ"),
        "{msg}"
    );
    let en = check_json("2026-11-25", &["--lang", "en"], &[LEDGER]);
    let msg = finding(&en, "ネットワーク機器", 2)["message"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(
        msg.contains("network firmware") && msg.contains("appliance: FortiGate 60F"),
        "{msg}"
    );
    // Windows 10: domain-joined PCs need the commercial ESU.
    let w10 = finding(&json, "端末PC", 2);
    let msg = w10["message"].as_str().unwrap_or("");
    assert!(
        msg.contains("法人向け ESU") && msg.contains("2028-10-10"),
        "{msg}"
    );
}

#[test]
fn json_says_when_the_support_data_was_checked() {
    let json = check_json("2026-11-25", &[], &[LEDGER]);
    assert_eq!(json["support_data_checked"], "2026-12-05");
    assert_eq!(json["version"], 1);
    assert_eq!(json["as_of"], "2026-11-25");
}

#[test]
fn stale_support_data_is_said_once_per_run() {
    let count = |json: &Value| {
        diagnostics(json)
            .iter()
            .filter(|d| d["code"] == "OS005")
            .count()
    };
    // Within six months of the checked date: nothing.
    assert_eq!(count(&check_json("2027-06-05", &[], &[LEDGER])), 0);
    // Later: one info for the whole run, however many files.
    let json = check_json("2027-06-06", &[], &[LEDGER, "fixtures/seed.xlsx"]);
    assert_eq!(count(&json), 1);
    let d = diagnostics(&json)
        .into_iter()
        .find(|d| d["code"] == "OS005")
        .expect("OS005");
    assert_eq!(
        (d["severity"].as_str(), d["name"].as_str()),
        (Some("info"), Some("support-data-stale"))
    );
    let msg = d["message"].as_str().unwrap_or("");
    assert!(
        msg.contains("2026-12-05") && msg.contains("[os] products") && msg.contains("daicho"),
        "{msg}"
    );
    assert_eq!(
        count(&check_json("2027-06-06", &["--ignore", "OS005"], &[LEDGER])),
        0
    );
}

#[test]
fn rules_os001_says_when_the_data_was_checked() {
    for code in ["OS001", "OS005"] {
        let out = daicho().args(["rules", code]).output().expect("run");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && text.contains("2026-12-05"),
            "{text}"
        );
    }
}

#[test]
fn daicho_os_explains_a_firmware_string() {
    let out = daicho()
        .args([
            "os",
            "FortiGate",
            "60F",
            "FortiOS",
            "7.2.8",
            "--as-of",
            "2026-11-25",
        ])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    for want in [
        "ファームウェア",
        "FortiOS 7.2 (fortios-7-2)",
        "2026-09-30",
        "fortios.md",
        "確認済み",
        "OS001",
        "2026-12-05",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    let out = daicho()
        .args([
            "os",
            "Windows 10 Enterprise LTSC 2021",
            "--lang",
            "en",
            "--as-of",
            "2026-11-25",
        ])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    for want in ["Edition channel", "LTSC", "2027-01-12", "OS002", "Source"] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    let out = daicho()
        .args(["os", "Cisco ASA 9.8", "--lang", "en"])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Cisco ASA")
            && text.contains("OS003")
            && text.contains("vendor's support page"),
        "{text}"
    );
}

#[test]
fn daicho_os_applies_the_products_of_a_config_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("daicho.toml");
    std::fs::write(
        &config,
        "[[os.products]]\nid = \"yamaha-rtx1210\"\nname = \"Yamaha RTX1210\"\naliases = [\"RTX1210\"]\neol = 2029-03-31\n",
    )
    .expect("write config");
    let out = daicho()
        .args([
            "os",
            "YAMAHA RTX1210 Rev.14.01.42",
            "--as-of",
            "2026-11-25",
            "--lang",
            "en",
            "--config",
        ])
        .arg(&config)
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    for want in [
        "yamaha-rtx1210",
        "2029-03-31",
        "daicho.toml [os] products",
        "network equipment firmware",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    // Without it, the bundled table has no date for Yamaha RTX.
    let out = daicho()
        .args(["os", "YAMAHA RTX1210 Rev.14.01.42", "--lang", "en"])
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&out.stdout).contains("OS003"));
}

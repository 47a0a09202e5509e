//! End-to-end: IP003's fix and `daicho convert` rewrite an address in place (labels kept), and
//! an entry gets at most one IP006.

use crate::common::{daicho, AS_OF};
use serde_json::Value;
use std::path::Path;

/// A UTF-8 CSV ledger with one device per IP cell.
fn ledger(dir: &Path, ips: &[&str]) -> std::path::PathBuf {
    let mut csv = String::from("\u{FEFF}管理番号,OS,IPアドレス,状態\r\n");
    for (i, ip) in ips.iter().enumerate() {
        csv.push_str(&format!(
            "PC-{:03},Windows 11 Pro 25H2,\"{ip}\",稼働\r\n",
            i + 1
        ));
    }
    let path = dir.join("台帳.csv");
    std::fs::write(&path, csv).expect("write ledger");
    path
}

fn diagnostics(dir: &Path, path: &Path, extra: &[&str]) -> Vec<Value> {
    let out = daicho()
        .current_dir(dir)
        .args(["check", "--format", "json", "--as-of", AS_OF])
        .args(extra)
        .arg(path)
        .output()
        .expect("run");
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    json["files"][0]["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn ip003_fix_keeps_labels_and_other_entries() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = ledger(
        tmp.path(),
        &[
            "１９２．１６８．１．５(管理用)",
            "192.168.010.054 プリンタ",
            "192.168.1.20(本体)，１９２．１６８．１．２１（iLO）",
        ],
    );
    let diags = diagnostics(tmp.path(), &path, &["--select", "IP003"]);
    let fixes: Vec<&str> = diags
        .iter()
        .map(|d| d["fix"]["value"].as_str().expect("fix"))
        .collect();
    assert_eq!(
        fixes,
        [
            "192.168.1.5(管理用)",
            "192.168.10.54 プリンタ",
            "192.168.1.20(本体)，192.168.1.21（iLO）",
        ]
    );

    // convert writes the same text.
    let out = daicho()
        .current_dir(tmp.path())
        .args([
            "convert", "--format", "json", "--as-of", AS_OF, "-o", "out.json",
        ])
        .arg(&path)
        .output()
        .expect("run");
    assert!(
        tmp.path().join("out.json").exists(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(tmp.path().join("out.json")).expect("read");
    let json: Value = serde_json::from_str(&text).expect("json");
    let ips: Vec<&str> = json
        .as_array()
        .expect("devices")
        .iter()
        .map(|d| d["ip"].as_str().expect("ip"))
        .collect();
    assert_eq!(ips, fixes);
}

#[test]
fn one_ip006_per_entry() {
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        tmp.path().join("daicho.toml"),
        "[network]\nnetworks = [\"192.168.1.0/24\", \"2001:db8::/64\"]\n",
    )
    .expect("config");
    let path = ledger(
        tmp.path(),
        &[
            "192.168.1.0/24",
            "192.168.1.255",
            "192.168.1.10",
            "2001:db8::",
            "2001:db8::ffff:ffff:ffff:ffff",
        ],
    );
    let diags = diagnostics(tmp.path(), &path, &["--select", "IP006"]);
    let rows: Vec<i64> = diags
        .iter()
        .map(|d| d["row"].as_i64().expect("row"))
        .collect();
    // Rows 2 and 3 (1-based): the network address (declared and typed: one finding) and the
    // broadcast address. IPv6 has no network/broadcast addresses to flag.
    assert_eq!(rows, [2, 3], "{diags:#?}");
}

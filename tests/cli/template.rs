//! End-to-end: `daicho template`. A fresh template reports only what an empty form is, a
//! template filled with the MHLW manual's example rows reports exactly that example's problems,
//! the workbook carries the promised structure, and it opens in LibreOffice.

use crate::common::{daicho, fixture, require_openpyxl, soffice_convert, AS_OF};
use daicho::engine::analyze;
use daicho::layout::Field;
use daicho::settings::Settings;
use daicho::template::{write_ledger_sheet, StandardRow, LEDGER_SHEET_NAME};
use daicho::workbook::{open_bytes, open_path, CellValue, Limits};
use serde_json::Value;
use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Codes an empty form may draw: the empty ledger and the unanswered checklist.
const EMPTY_FORM_CODES: [&str; 4] = ["L004", "C001", "C003", "C007"];

fn make_template(dir: &Path, extra: &[&str]) -> PathBuf {
    let path = dir.join("t.xlsx");
    let out = daicho()
        .args(["template", "-o", path.to_str().expect("path")])
        .args(extra)
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    path
}

fn check(path: &Path) -> Value {
    let out = daicho()
        .args([
            "check",
            "--format",
            "json",
            "--as-of",
            AS_OF,
            path.to_str().expect("path"),
        ])
        .output()
        .expect("run");
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

fn diagnostics(json: &Value) -> Vec<Value> {
    json["files"][0]["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn fresh_template_reports_only_what_an_empty_form_is() {
    for form in ["hospital", "vendor", "pharmacy"] {
        let dir = tempfile::tempdir().expect("dir");
        let path = make_template(dir.path(), &["--form", form]);
        let json = check(&path);
        let file = &json["files"][0];
        assert!(file["error"].is_null(), "{}", file["error"]);
        let diags = diagnostics(&json);
        let unexpected: Vec<&Value> = diags
            .iter()
            .filter(|d| !EMPTY_FORM_CODES.contains(&d["code"].as_str().unwrap_or("")))
            .collect();
        assert!(
            unexpected.is_empty(),
            "{form}: findings about the template itself: {unexpected:#?}"
        );
        let l004: Vec<&Value> = diags.iter().filter(|d| d["code"] == "L004").collect();
        assert_eq!(l004.len(), 1, "{form}: {diags:#?}");
        assert_eq!(l004[0]["sheet"], LEDGER_SHEET_NAME);
        // Every sheet has its role: the ledger, the checklist (when bundled), the guide.
        let roles: Vec<(String, String)> = file["sheets"]
            .as_array()
            .expect("sheets")
            .iter()
            .map(|s| {
                (
                    s["name"].as_str().unwrap_or("").into(),
                    s["role"].as_str().unwrap_or("").into(),
                )
            })
            .collect();
        assert_eq!(
            roles[0],
            ("機器台帳".to_string(), "ledger".to_string()),
            "{roles:?}"
        );
        assert_eq!(
            roles.last(),
            Some(&("使い方".to_string(), "other".to_string())),
            "{roles:?}"
        );
        let label = match form {
            "hospital" => "医療機関確認用",
            "vendor" => "事業者確認用",
            _ => "薬局確認用",
        };
        assert_eq!(roles.len(), 3, "{roles:?}");
        assert_eq!(
            roles[1],
            (format!("チェックリスト({label})"), "checklist".to_string()),
            "{roles:?}"
        );
        // An unanswered form: items without an answer, blank form fields.
        assert!(
            diags.iter().any(|d| d["code"] == "C001"),
            "{form}: {diags:#?}"
        );
        assert!(
            diags.iter().any(|d| d["code"] == "C007"),
            "{form}: {diags:#?}"
        );
        let codes: BTreeSet<&str> = diags.iter().filter_map(|d| d["code"].as_str()).collect();
        eprintln!("{form}: {codes:?}, sheets {roles:?}");
    }
}

#[test]
fn editions_are_the_bundled_ones() {
    let dir = tempfile::tempdir().expect("dir");
    for edition in ["r6", "r7"] {
        let path = make_template(dir.path(), &["--edition", edition, "--force"]);
        let json = check(&path);
        let sheets = json["files"][0]["sheets"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert!(
            sheets.iter().any(|s| s["role"] == "checklist"),
            "{edition}: {sheets:?}"
        );
    }
    let out = daicho()
        .args(["template", "--edition", "r99", "-o"])
        .arg(dir.path().join("x.xlsx"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("r99") && err.contains("r6") && err.contains("r7"),
        "{err}"
    );
    assert!(!dir.path().join("x.xlsx").exists());
}

#[test]
fn default_name_refusal_and_force() {
    let dir = tempfile::tempdir().expect("dir");
    let run = |args: &[&str]| {
        daicho()
            .current_dir(dir.path())
            .args(args)
            .output()
            .expect("run")
    };
    let out = run(&["template"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let path = dir.path().join("機器台帳テンプレート.xlsx");
    let first = std::fs::read(&path).expect("default file name");
    let out = run(&["template"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("すでにあります") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(&path).expect("read"),
        first,
        "overwritten without --force"
    );
    let out = run(&["template", "--lang", "en"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
    let out = run(&["template", "--force"]);
    assert_eq!(out.status.code(), Some(0));
    // No temporary files left behind.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["機器台帳テンプレート.xlsx"]);
    // A folder as -o gets the default name inside it.
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).expect("mkdir");
    let out = run(&["template", "-o", "sub"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(sub.join("機器台帳テンプレート.xlsx").exists());
}

#[test]
fn unwritable_output_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("dir");
    let out = daicho()
        .args(["template", "-o"])
        .arg(dir.path().join("no such folder").join("t.xlsx"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("書き込めません"));
}

fn zip_part(path: &Path, name: &str) -> String {
    let file = std::fs::File::open(path).expect("open");
    let mut zip = zip::ZipArchive::new(file).expect("zip");
    let mut part = zip.by_name(name).unwrap_or_else(|_| panic!("no {name}"));
    let mut s = String::new();
    part.read_to_string(&mut s).expect("read part");
    s
}

/// The promised structure, read from the xlsx parts themselves.
#[test]
fn ledger_sheet_structure() {
    let dir = tempfile::tempdir().expect("dir");
    let path = make_template(dir.path(), &[]);
    let wb = open_path(&path, &Limits::default()).expect("open");
    let sheet = &wb.sheets[0];
    assert_eq!(sheet.name, LEDGER_SHEET_NAME);
    // Title row, guide row, then exactly the labels in field-table order.
    assert_eq!(
        sheet.grid.get(0, 0),
        Some(&CellValue::Text("機器台帳".into()))
    );
    let header: Vec<String> = sheet
        .grid
        .row(2)
        .expect("header")
        .cells
        .iter()
        .map(|(_, v)| v.display())
        .collect();
    let labels: Vec<String> = Field::ALL.iter().map(|f| f.label().to_string()).collect();
    assert_eq!(header, labels);
    assert_eq!(sheet.grid.rows().len(), 3, "no data rows");

    let xml = zip_part(&path, "xl/worksheets/sheet1.xml");
    assert!(xml.contains(r#"topLeftCell="B4""#), "frozen header");
    assert!(
        xml.contains(r#"<autoFilter ref="A3:P3""#),
        "autofilter: {xml}"
    );
    for list in [
        "&quot;稼働,停止,廃棄&quot;",
        "&quot;サーバ,端末PC,ネットワーク機器,医療機器,その他&quot;",
        "&quot;有,無&quot;",
    ] {
        assert!(
            xml.contains(list) || xml.contains(&list.replace("&quot;", "\"")),
            "dropdown {list}: {xml}"
        );
    }
    assert!(xml.contains("K4:K1003"), "状態 dropdown covers 1000 rows");
    assert!(
        xml.contains("promptTitle=\"IPアドレスの書き方\""),
        "IP input message"
    );
    // Every header cell has its note, with the field table's guidance.
    let notes = zip_part(&path, "xl/comments1.xml");
    for f in Field::ALL {
        assert!(notes.contains(f.note()), "note for {}", f.label());
    }
    // Every font is the Japanese one (rust_xlsxwriter's default would be Calibri).
    let styles = zip_part(&path, "xl/styles.xml");
    assert!(!styles.contains("Calibri"), "{styles}");
    assert!(styles.contains("游ゴシック"));
    assert!(styles.contains("yyyy/mm/dd"), "date format on 登録日");
}

#[test]
fn usage_sheet_is_generated_from_the_registry_and_field_table() {
    let dir = tempfile::tempdir().expect("dir");
    let path = make_template(dir.path(), &[]);
    let wb = open_path(&path, &Limits::default()).expect("open");
    let usage = wb
        .sheets
        .iter()
        .find(|s| s.name == "使い方")
        .expect("使い方 sheet");
    let texts: Vec<String> = usage
        .grid
        .rows()
        .iter()
        .flat_map(|r| r.cells.iter().map(|(_, v)| v.display()))
        .collect();
    for r in daicho::registry::all() {
        assert!(texts.iter().any(|t| t == r.code), "rule {} missing", r.code);
        assert!(
            texts.iter().any(|t| *t == r.summary.ja),
            "summary of {} missing",
            r.code
        );
    }
    for f in Field::ALL {
        assert!(
            texts.iter().any(|t| t == f.label()),
            "field {} missing",
            f.label()
        );
    }
    assert!(texts.iter().any(|t| t.contains("ドラッグ&ドロップ")));
    assert!(texts.iter().any(|t| t.contains("daicho check")));
}

#[test]
fn libreoffice_opens_the_template() {
    let dir = tempfile::tempdir().expect("dir");
    let path = make_template(dir.path(), &[]);
    soffice_convert(&dir.path().join("lo"), "pdf", dir.path(), &[&path]);
    let pdf = dir.path().join("t.pdf");
    assert!(
        std::fs::metadata(&pdf)
            .map(|m| m.len() > 1000)
            .unwrap_or(false),
        "no PDF"
    );
}

/// The seed's planted findings, moved to the template's rows: (1-based row, code, field).
fn seed_expected(row_offset: u64) -> BTreeSet<(u64, String, String)> {
    let text = std::fs::read_to_string(fixture("seed.xlsx.expected.json")).expect("expected");
    let json: Value = serde_json::from_str(&text).expect("json");
    json["planted"]
        .as_array()
        .expect("planted")
        .iter()
        .map(|p| {
            (
                p["row"].as_u64().unwrap_or(0) + row_offset,
                p["code"].as_str().unwrap_or("").to_string(),
                p["field"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn ledger_findings(diags: &[Value]) -> BTreeSet<(u64, String, String)> {
    diags
        .iter()
        .filter(|d| d["sheet"] == LEDGER_SHEET_NAME)
        .map(|d| {
            (
                d["row"].as_u64().unwrap_or(0),
                d["code"].as_str().unwrap_or("").to_string(),
                d["field"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// What a hospital does: open the template, type the manual's example rows under the header,
/// save. openpyxl keeps the template's layout (notes, dropdowns, formats) as Excel would.
#[test]
fn seed_rows_typed_into_the_template_show_exactly_the_seed_problems() {
    let python = require_openpyxl();
    let dir = tempfile::tempdir().expect("dir");
    let path = make_template(dir.path(), &[]);
    let script = r#"
import sys, openpyxl
seed = openpyxl.load_workbook(sys.argv[1])["機器台帳"]
book = openpyxl.load_workbook(sys.argv[2])
sheet = book["機器台帳"]
for i, row in enumerate(seed.iter_rows(min_row=2, values_only=True)):
    for j, value in enumerate(row):
        if value is not None:
            sheet.cell(row=4 + i, column=1 + j, value=value)
book.save(sys.argv[2])
"#;
    let out = std::process::Command::new(python)
        .args(["-c", script])
        .arg(fixture("seed.xlsx"))
        .arg(&path)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json = check(&path);
    let diags = diagnostics(&json);
    // Seed rows 2..5 are template rows 4..7.
    assert_eq!(ledger_findings(&diags), seed_expected(2), "{diags:#?}");
    let others: Vec<&Value> = diags
        .iter()
        .filter(|d| {
            d["sheet"] != LEDGER_SHEET_NAME
                && !EMPTY_FORM_CODES.contains(&d["code"].as_str().unwrap_or(""))
        })
        .collect();
    assert!(others.is_empty(), "{others:#?}");
}

/// The same property without Python: the standard writer with the seed rows as typed.
#[test]
fn seed_rows_in_the_standard_sheet_show_exactly_the_seed_problems() {
    let seed = open_path(&fixture("seed.xlsx"), &Limits::default()).expect("seed");
    let settings = Settings::new(chrono::NaiveDate::from_ymd_opt(2026, 11, 25).expect("date"));
    let analysis = analyze(&seed, &settings);
    let ls = &analysis.ledger.sheets[0];
    let rows: Vec<StandardRow> = ls
        .devices
        .iter()
        .map(|d| {
            let mut r = StandardRow::new(0);
            for (f, col) in ls.layout.fields() {
                r.set(f, d.row.get(col).cloned());
            }
            r
        })
        .collect();
    let mut book = rust_xlsxwriter::Workbook::new();
    write_ledger_sheet(&mut book, LEDGER_SHEET_NAME, &rows, &[]).expect("write");
    let bytes = book.save_to_buffer().expect("save");
    let wb = open_bytes(&bytes, "xlsx", &Limits::default()).expect("reopen");
    let got: BTreeSet<(u64, String, String)> = analyze(&wb, &settings)
        .findings
        .iter()
        .map(|f| {
            (
                u64::from(f.row.unwrap_or(0)) + 1,
                f.code().to_string(),
                f.field.map(|x| x.key().to_string()).unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(got, seed_expected(2));
}

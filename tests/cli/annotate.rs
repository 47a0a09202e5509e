//! The annotated workbook end to end: run the real binary on the fixtures, then read the output
//! back with independent readers — calamine (values, types, formulas, fills) and openpyxl (notes,
//! fills, fonts; required: `python3 -m pip install openpyxl`) — and check the input is untouched.

use crate::common::{check_annotated, daicho_no_color as daicho, fixture, require_openpyxl, AS_OF};
use calamine::{Data, Reader};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const FIXTURES: [&str; 5] = [
    "seed.xlsx",
    "messy/hospital_a.xlsx",
    "messy/hospital_a.xls",
    "messy/hospital_a.ods",
    "messy/clinic_b.csv",
];
/// The severity fills (error, warning, info).
const FILLS: [(u8, u8, u8); 3] = [(0xFF, 0xC7, 0xCD), (0xFF, 0xEB, 0x9B), (0xDD, 0xEB, 0xF6)];

/// Runs `daicho check --annotate` on one fixture into a fresh folder; returns the folder and the
/// written workbook's path.
fn annotate(rel: &str) -> (tempfile::TempDir, PathBuf, Value) {
    let dir = tempfile::tempdir().expect("tempdir");
    let (written, json) = check_annotated(&fixture(rel), dir.path());
    assert!(
        written.starts_with(dir.path()) && written.exists(),
        "{rel}: {written:?}"
    );
    (dir, written, json)
}

/// A cell value in comparable terms.
#[derive(Debug, Clone, PartialEq)]
enum Val {
    Text(String),
    Num(f64),
    Bool(bool),
    Date(chrono::NaiveDateTime),
}

fn val(d: &Data) -> Option<Val> {
    Some(match d {
        Data::Empty => return None,
        Data::String(s) if s.is_empty() => return None,
        Data::String(s) => Val::Text(s.clone()),
        Data::Int(i) => Val::Num(*i as f64),
        Data::Float(f) => Val::Num(*f),
        Data::Bool(b) => Val::Bool(*b),
        Data::DateTime(dt) => Val::Date(dt.as_datetime()?),
        Data::DateTimeIso(s) => Val::Date(
            chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S")
                .or_else(|_| {
                    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                        .map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default())
                })
                .ok()?,
        ),
        Data::DurationIso(s) => Val::Text(s.clone()),
        Data::Error(e) => Val::Text(e.to_string()),
    })
}

type Cells = BTreeMap<(String, u32, u32), Val>;

/// Every non-empty cell of every sheet, at absolute addresses, read by calamine.
fn calamine_cells(path: &Path) -> (Vec<String>, Cells) {
    let mut book = calamine::open_workbook_auto(path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let names = book.sheet_names();
    let mut cells = Cells::new();
    for name in &names {
        let range = book
            .worksheet_range(name)
            .unwrap_or_else(|e| panic!("{path:?} {name}: {e}"));
        let Some((r0, c0)) = range.start() else {
            continue;
        };
        for (r, c, d) in range.used_cells() {
            if let Some(v) = val(d) {
                cells.insert((name.clone(), r0 + r as u32, c0 + c as u32), v);
            }
        }
    }
    (names, cells)
}

/// The input side for CSV (calamine does not read CSV): daicho's reader.
fn daicho_cells(path: &Path) -> (Vec<String>, Cells) {
    let wb = daicho::workbook::open_path(path, &daicho::workbook::Limits::default()).expect("read");
    let mut cells = Cells::new();
    for s in &wb.sheets {
        for row in s.grid.rows() {
            for (c, v) in &row.cells {
                let v = match v {
                    daicho::workbook::CellValue::Text(t) => Val::Text(t.clone()),
                    daicho::workbook::CellValue::Number(n) => Val::Num(*n),
                    daicho::workbook::CellValue::Bool(b) => Val::Bool(*b),
                    daicho::workbook::CellValue::DateTime(d) => Val::Date(*d),
                    daicho::workbook::CellValue::Error(e) => Val::Text(e.clone()),
                };
                cells.insert((s.name.clone(), row.index, *c), v);
            }
        }
    }
    (wb.sheets.iter().map(|s| s.name.clone()).collect(), cells)
}

fn same(a: &Val, b: &Val) -> bool {
    match (a, b) {
        (Val::Date(x), Val::Date(y)) => (*x - *y).num_seconds().abs() < 1,
        (Val::Num(x), Val::Num(y)) => x == y || (x - y).abs() < 1e-9 * x.abs().max(1.0),
        _ => a == b,
    }
}

#[test]
fn every_value_keeps_its_address_and_type_and_the_input_is_untouched() {
    for rel in FIXTURES {
        let input = fixture(rel);
        let before = std::fs::read(&input).expect("read input");
        let (_dir, written, _) = annotate(rel);
        assert_eq!(
            std::fs::read(&input).expect("read input"),
            before,
            "{rel} was modified"
        );

        let (in_names, in_cells) = if rel.ends_with(".csv") {
            daicho_cells(&input)
        } else {
            calamine_cells(&input)
        };
        let (out_names, out_cells) = calamine_cells(&written);
        assert_eq!(out_names[0], "チェック結果", "{rel}: summary first");
        assert_eq!(
            &out_names[1..=in_names.len()],
            in_names.as_slice(),
            "{rel}: sheets in order with their names"
        );
        for (key, v) in &in_cells {
            let got = out_cells.get(key);
            assert!(
                got.is_some_and(|g| same(v, g)),
                "{rel} {}!({},{}) {v:?} became {got:?}",
                key.0,
                key.1,
                key.2
            );
        }
        // Nothing was added to the original sheets either.
        let extra: Vec<_> = out_cells
            .keys()
            .filter(|k| in_names.contains(&k.0) && !in_cells.contains_key(*k))
            .collect();
        assert!(extra.is_empty(), "{rel}: cells added: {extra:?}");

        let mut book = calamine::open_workbook_auto(&written).expect("open output");
        for name in &out_names {
            let formulas = book.worksheet_formula(name).expect("formulas");
            assert!(
                formulas.used_cells().all(|(_, _, f)| f.is_empty()),
                "{rel}: a formula in {name}"
            );
        }
    }
}

/// Planted problems of a fixture: (sheet, 1-based row, code, cell).
fn planted(rel: &str) -> Vec<(String, u32, String, Option<String>)> {
    let text =
        std::fs::read_to_string(fixture(&format!("{rel}.expected.json"))).expect("expected.json");
    let v: Value = serde_json::from_str(&text).expect("json");
    v["planted"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|p| {
                    (
                        p["sheet"].as_str().unwrap_or_default().to_string(),
                        p["row"].as_u64().unwrap_or(0) as u32,
                        p["code"].as_str().unwrap_or_default().to_string(),
                        p["cell"].as_str().map(str::to_string),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn cell_ref(row0: u32, col0: u32) -> String {
    daicho::address::a1(row0, col0)
}

#[test]
fn planted_problems_are_filled_in_their_rows() {
    for rel in FIXTURES {
        let (_dir, written, _) = annotate(rel);
        let mut book = calamine::open_workbook_auto(&written).expect("open");
        let calamine::Sheets::Xlsx(xlsx) = &mut book else {
            panic!("xlsx")
        };
        let mut filled: BTreeSet<(String, u32)> = BTreeSet::new();
        let mut filled_cells: BTreeSet<(String, String)> = BTreeSet::new();
        for name in xlsx.sheet_names().into_iter().skip(1) {
            let styles = xlsx.worksheet_style(&name).expect("styles");
            for (r, c, st) in styles.cells() {
                let color = st.fill.as_ref().and_then(|f| f.get_color());
                if color.is_some_and(|c| FILLS.contains(&(c.red, c.green, c.blue))) {
                    filled.insert((name.clone(), r + 1));
                    filled_cells.insert((name.clone(), cell_ref(r, c)));
                }
            }
        }
        let planted = planted(rel);
        assert!(!planted.is_empty(), "{rel}");
        let in_row = planted
            .iter()
            .filter(|(s, r, _, _)| filled.contains(&(s.clone(), *r)))
            .count();
        assert!(
            in_row * 100 >= planted.len() * 95,
            "{rel}: only {in_row}/{} planted rows filled",
            planted.len()
        );
        let at_cell = planted
            .iter()
            .filter(|(s, _, _, c)| {
                c.as_ref()
                    .is_some_and(|c| filled_cells.contains(&(s.clone(), c.clone())))
            })
            .count();
        let with_cell = planted.iter().filter(|p| p.3.is_some()).count();
        assert!(
            at_cell * 100 >= with_cell * 95,
            "{rel}: only {at_cell}/{with_cell} planted cells filled"
        );
    }
}

/// What openpyxl sees: per sheet, each cell's note text, fill colour and font name.
const OPENPYXL_DUMP: &str = r#"
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
out = {"sheets": wb.sheetnames, "cells": []}
for ws in wb.worksheets:
    for row in ws.iter_rows():
        for c in row:
            fill = c.fill.fgColor.rgb if c.fill is not None and c.fill.fill_type == "solid" else None
            if c.comment is None and fill is None and c.value is None:
                continue
            out["cells"].append({
                "sheet": ws.title, "cell": c.coordinate,
                "note": c.comment.text if c.comment is not None else None,
                "author": c.comment.author if c.comment is not None else None,
                "fill": fill if isinstance(fill, str) else None,
                "font": c.font.name if c.font is not None else None,
            })
print(json.dumps(out, ensure_ascii=False))
"#;

#[test]
fn openpyxl_sees_notes_fills_and_japanese_fonts() {
    let python = require_openpyxl();
    for rel in ["seed.xlsx", "messy/hospital_a.xlsx", "messy/clinic_b.csv"] {
        let (_dir, written, json) = annotate(rel);
        let out = std::process::Command::new(python)
            .args(["-c", OPENPYXL_DUMP])
            .arg(&written)
            .output()
            .expect("python3");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let dump: Value = serde_json::from_slice(&out.stdout).expect("dump");
        let cells = dump["cells"].as_array().cloned().unwrap_or_default();
        let at = |sheet: &str, cell: &str| {
            cells
                .iter()
                .find(|c| c["sheet"] == sheet && c["cell"] == cell)
                .cloned()
        };

        // Every styled cell daicho wrote uses the Japanese font (an .xlsx keeps the user's own
        // fonts on their sheets: it comes back as itself with marks).
        for c in &cells {
            if rel.ends_with(".xlsx") && c["sheet"] != "チェック結果" {
                continue;
            }
            assert_ne!(c["font"].as_str(), Some("Calibri"), "{rel}: {c}");
        }
        // Each diagnostic with a cell: its note names the code and the message, the cell is filled.
        let mut notes_checked = 0;
        for d in json["files"][0]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
        {
            let (Some(sheet), Some(cell)) = (d["sheet"].as_str(), d["cell"].as_str()) else {
                continue;
            };
            let Some(c) = at(sheet, cell) else {
                // A cell inside a merged range is drawn on the range's top-left cell.
                continue;
            };
            let note = c["note"]
                .as_str()
                .unwrap_or_else(|| panic!("{rel} {sheet}!{cell}: no note ({c})"));
            notes_checked += 1;
            let code = d["code"].as_str().unwrap_or_default();
            assert!(note.contains(code), "{rel} {sheet}!{cell}: {note}");
            assert!(
                note.contains(d["message"].as_str().unwrap_or_default()),
                "{rel} {sheet}!{cell}: {note}"
            );
            if let Some(fix) = d["fix"]["value"].as_str() {
                assert!(
                    note.contains(fix),
                    "{rel} {sheet}!{cell}: fix missing: {note}"
                );
            }
            assert_eq!(c["author"].as_str(), Some("daicho"));
            assert!(!note.starts_with("daicho:"), "no author prefix: {note}");
            let fill = c["fill"].as_str().unwrap_or_default().to_uppercase();
            assert!(
                ["FFFFC7CD", "FFFFEB9B", "FFDDEBF6", "FFEDEDEC"].contains(&fill.as_str()),
                "{rel} {sheet}!{cell}: fill {fill}"
            );
        }
        // Every fixture here has findings at cells: a dump without them checked nothing.
        assert!(notes_checked > 0, "{rel}: no note was checked");
    }
}

#[test]
fn a_checked_copy_checked_again_ignores_daichos_own_sheets() {
    let (_dir, written, first) = annotate("messy/hospital_a.xlsx");
    let out = daicho()
        .args(["check", "--format", "json", "--as-of", AS_OF])
        .arg(&written)
        .output()
        .expect("run");
    let again: Value = serde_json::from_slice(&out.stdout).expect("json");
    let diags = again["files"][0]["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        diags.iter().all(|d| d["sheet"] != "チェック結果"),
        "{again}"
    );
    let summary = again["files"][0]["sheets"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["name"] == "チェック結果").cloned());
    assert_eq!(
        summary.map(|s| s["role"].clone()),
        Some(Value::from("other"))
    );
    let codes = |v: &Value| {
        let mut c: Vec<String> = v["files"][0]["diagnostics"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|d| format!("{}{}{}", d["code"], d["sheet"], d["cell"]))
            .collect();
        c.sort();
        c
    };
    assert_eq!(
        codes(&again),
        codes(&first),
        "the same findings as the original"
    );
}

#[test]
fn an_output_that_cannot_be_replaced_or_written_says_what_to_do() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Stand-in for a workbook held open by Excel (on Windows the rename fails with a sharing
    // violation): the output path is taken by something that cannot be replaced.
    std::fs::create_dir(dir.path().join("seed.checked.xlsx")).expect("mkdir");
    std::fs::write(dir.path().join("seed.checked.xlsx").join("x"), b"x").expect("fill");
    let out = daicho()
        .args(["check", "--annotate", "--as-of", AS_OF, "--out-dir"])
        .arg(dir.path())
        .arg(fixture("seed.xlsx"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("seed.checked.xlsx") && stderr.contains("閉じてから、もう一度実行"),
        "{stderr}"
    );

    // A folder that cannot be created (a file is in the way): not writable, choose another.
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, b"x").expect("file");
    let out = daicho()
        .args([
            "check",
            "--annotate",
            "--lang",
            "en",
            "--as-of",
            AS_OF,
            "--out-dir",
        ])
        .arg(blocker.join("sub"))
        .arg(fixture("seed.xlsx"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("not writable") && stderr.contains("--out-dir"),
        "{stderr}"
    );
}

/// A ledger with a hidden row and a hidden sheet (A.3): both are checked, and the JSON report, the
/// human output and the summary sheet say which were hidden.
#[test]
fn hidden_rows_and_sheets_are_checked_and_named_in_the_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("hidden.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("機器台帳").unwrap();
    let header = ["管理番号", "機器名", "OS", "IPアドレス", "設置場所", "状態"];
    for (c, h) in header.iter().enumerate() {
        ws.write(0, c as u16, *h).unwrap();
    }
    for r in 1..=5u32 {
        let ip = if r == 4 {
            "192.168.1.300".to_string()
        } else {
            format!("192.168.1.{}", r + 10)
        };
        let row = [
            format!("PC-{r:03}"),
            "端末".into(),
            "Windows 11".into(),
            ip,
            "外来".into(),
            "稼働".into(),
        ];
        for (c, v) in row.iter().enumerate() {
            ws.write(r, c as u16, v.as_str()).unwrap();
        }
    }
    ws.set_row_hidden(3).unwrap();
    ws.set_row_hidden(4).unwrap();
    let old = book.add_worksheet();
    old.set_name("旧台帳").unwrap();
    old.write(0, 0, "メモ").unwrap();
    old.set_hidden(true);
    book.save(&input).unwrap();

    let (written, json) = {
        let out = daicho()
            .args(["check", "--annotate", "--format", "json", "--as-of", AS_OF])
            .arg("--out-dir")
            .arg(dir.path())
            .arg(&input)
            .output()
            .expect("run");
        let json: Value = serde_json::from_slice(&out.stdout).expect("json");
        let written = PathBuf::from(json["files"][0]["output"].as_str().expect("output"));
        (written, json)
    };
    let sheets = json["files"][0]["sheets"].as_array().expect("sheets");
    let sheet = |name: &str| {
        sheets
            .iter()
            .find(|s| s["name"] == name)
            .unwrap_or_else(|| panic!("no sheet {name}: {json}"))
    };
    assert_eq!(sheet("機器台帳")["hidden"], Value::from(false));
    assert_eq!(sheet("機器台帳")["hidden_rows"], serde_json::json!([4, 5]));
    assert_eq!(sheet("旧台帳")["hidden"], Value::from(true));
    assert_eq!(sheet("旧台帳")["hidden_rows"], serde_json::json!([]));
    // The hidden row 5 is still checked.
    let diags = json["files"][0]["diagnostics"].as_array().expect("diags");
    assert!(
        diags
            .iter()
            .any(|d| d["code"] == "IP001" && d["cell"] == "D5"),
        "{json}"
    );

    let human = daicho()
        .args(["check", "--as-of", AS_OF])
        .arg(&input)
        .output()
        .expect("run");
    let human = String::from_utf8_lossy(&human.stdout);
    assert!(
        human
            .contains("非表示(チェックはしています): シート「機器台帳」の行 4–5、シート「旧台帳」"),
        "{human}"
    );

    let (_, cells) = daicho_cells(&written);
    let summary: BTreeMap<_, _> = cells
        .iter()
        .filter(|((s, _, _), _)| s == "チェック結果")
        .map(|((_, r, c), v)| ((*r, *c), v.clone()))
        .collect();
    let label_row = summary
        .iter()
        .find(|(_, v)| **v == Val::Text("非表示".into()))
        .map(|((r, _), _)| *r)
        .unwrap_or_else(|| panic!("no 非表示 line in the summary: {summary:?}"));
    assert_eq!(
        summary.get(&(label_row, 1)),
        Some(&Val::Text(
            "シート「機器台帳」の行 4–5、シート「旧台帳」(非表示でもチェックしています)".into()
        ))
    );
}

//! Checklist sheets end to end: the fixtures of fixtures/checklist (built by
//! fixtures/checklist/gen.py in several layouts and formats) are checked by the real binary and
//! compared with their `<file>.expected.json`; the annotated workbook's filled-in sheet is read back.

use crate::common::{daicho, AS_OF};
use daicho::checklist::{self, edition::find_bundled, Form};
use daicho::workbook::{open_path, CellValue, Limits, Sheet, Workbook};
use serde_json::Value;
use std::io::Read;
use std::path::{Path, PathBuf};

/// A file under `fixtures/checklist/`.
fn fixture(name: &str) -> PathBuf {
    crate::common::fixture("checklist").join(name)
}

fn check_json(args: &[&str]) -> Value {
    let out = daicho()
        .args(["check", "--format", "json", "--as-of", AS_OF])
        .args(args)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("no JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)))
}

const FIXTURES: &[&str] = &[
    "r6_single_column.xlsx",
    "r6_single_column.xls",
    "r7_marks.xlsx",
    "r7_marks.ods",
    "r5_rounds.xlsx",
    "r5_rounds.xls",
    "r7_retyped.xlsx",
    "r8_unknown.xlsx",
    "r8_structure.xlsx",
    "r8_merged_title.xlsx",
    "ledger_and_checklist.xlsx",
    "ledger_and_checklist.ods",
    "r7_one_header_row.xlsx",
    "r6_text_only.xlsx",
    "gate_no.xlsx",
    "ledger_per_kind.xlsx",
];

#[test]
fn planted_checklist_problems_are_found_at_their_rows_and_clean_rows_stay_clean() {
    let paths: Vec<PathBuf> = FIXTURES.iter().map(|f| fixture(f)).collect();
    let args: Vec<&str> = paths.iter().map(|p| p.to_str().unwrap()).collect();
    let doc = check_json(&args);
    let files = doc["files"].as_array().unwrap();
    assert_eq!(files.len(), FIXTURES.len());
    let (mut planted, mut found) = (0usize, 0usize);
    let mut problems = Vec::new();
    for (name, file) in FIXTURES.iter().zip(files) {
        assert!(file["error"].is_null(), "{name}: {}", file["error"]);
        let expected: Value = serde_json::from_str(
            &std::fs::read_to_string(fixture(&format!("{name}.expected.json"))).unwrap(),
        )
        .unwrap();
        let diags = file["diagnostics"].as_array().unwrap();
        // Every sheet with planted checklist findings is recognised as a checklist.
        for p in expected["planted"].as_array().unwrap() {
            if p["code"].as_str().unwrap().starts_with('C') {
                let sheet = file["sheets"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|s| s["name"] == p["sheet"]);
                assert_eq!(
                    sheet.map(|s| s["role"].as_str().unwrap()),
                    Some("checklist"),
                    "{name}: {}",
                    p["sheet"]
                );
            }
        }
        assert!(
            diags.iter().all(|d| d["code"] != "L001"),
            "{name}: a checklist-only workbook is not L001"
        );
        for p in expected["planted"].as_array().unwrap() {
            planted += 1;
            let hit = diags.iter().find(|d| {
                d["sheet"] == p["sheet"] && d["row"] == p["row"] && d["code"] == p["code"]
            });
            match hit {
                Some(d) => {
                    found += 1;
                    assert_eq!(d["severity"], p["severity"], "{name}: {p}");
                    if !p["cell"].is_null() {
                        assert_eq!(d["cell"], p["cell"], "{name}: {p}");
                    }
                }
                None => problems.push(format!("{name}: missed {p}")),
            }
        }
        for c in expected["clean_rows"].as_array().unwrap() {
            let info_ok = c["info_ok"].as_bool().unwrap_or(false);
            for d in diags
                .iter()
                .filter(|d| d["sheet"] == c["sheet"] && d["row"] == c["row"])
            {
                if d["severity"] != "info" || !info_ok {
                    problems.push(format!(
                        "{name}: {} on clean row {}: {}",
                        d["code"], c["row"], d["message"]
                    ));
                }
            }
        }
    }
    assert!(planted >= 50, "only {planted} planted findings");
    assert!(
        found * 100 >= planted * 95,
        "found {found}/{planted}:\n{}",
        problems.join("\n")
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_checklist_only_workbook_has_no_l001_and_without_evidence_no_c005() {
    let doc = check_json(&[fixture("r6_single_column.xlsx").to_str().unwrap()]);
    let diags = doc["files"][0]["diagnostics"].as_array().unwrap();
    assert!(diags.iter().all(|d| d["code"] != "L001"));
    // No ledger sheet and no --ledger: absence of evidence is not a contradiction (SPEC §6).
    assert!(diags.iter().all(|d| d["code"] != "C005"), "{diags:?}");
    // A --ledger file without a ledger sheet is evidence, and it contradicts 2-(1) はい.
    let no_ledger = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/structure/no_ledger.xlsx");
    let doc = check_json(&[
        "--ledger",
        no_ledger.to_str().unwrap(),
        fixture("r6_single_column.xlsx").to_str().unwrap(),
    ]);
    let diags = doc["files"][0]["diagnostics"].as_array().unwrap();
    let c005: Vec<&Value> = diags.iter().filter(|d| d["code"] == "C005").collect();
    assert_eq!(c005.len(), 1, "{diags:?}");
    assert!(c005[0]["message"]
        .as_str()
        .unwrap()
        .contains("台帳のシートがありません"));
}

#[test]
fn a_checklist_only_workbook_says_in_its_filled_sheet_that_no_ledger_was_given() {
    let dir = tempfile::tempdir().unwrap();
    let out = daicho()
        .args(["check", "--annotate", "--format", "json", "--as-of", AS_OF])
        .arg("--out-dir")
        .arg(dir.path())
        // A values copy (.xls) gets daicho's filled-in sheet with its 根拠 column.
        .arg(fixture("r6_single_column.xls"))
        .output()
        .unwrap();
    assert!(out.status.code().is_some_and(|c| c <= 1), "{out:?}");
    let checked = dir.path().join("r6_single_column.checked.xlsx");
    let book = open_path(&checked, &Limits::default()).unwrap();
    let texts: Vec<String> = book
        .sheets
        .iter()
        .flat_map(|s| s.grid.rows().iter())
        .flat_map(|r| r.cells.iter())
        .filter_map(|(_, v)| v.as_text().map(str::to_string))
        .collect();
    assert!(
        texts.iter().any(|t| t.contains("台帳が与えられていない")),
        "no 根拠 about the missing ledger"
    );
}

#[test]
fn c005_comes_from_the_same_workbook_only() {
    // A batch of a ledger-only workbook (an active server on WS2012R2) and a checklist-only one
    // answering the patch item はい: the other file's ledger is never the checklist's evidence.
    let ledger = fixture("ledger_per_kind.xlsx");
    let doc = check_json(&[
        ledger.to_str().unwrap(),
        fixture("r6_single_column.xlsx").to_str().unwrap(),
    ]);
    let files = doc["files"].as_array().unwrap();
    assert!(files[1]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["code"] != "C005"));
    // --ledger names the ledger explicitly: then it is the evidence (the old server).
    let doc = check_json(&[
        "--ledger",
        ledger.to_str().unwrap(),
        fixture("r6_single_column.xlsx").to_str().unwrap(),
    ]);
    let diags = doc["files"][0]["diagnostics"].as_array().unwrap();
    assert!(diags.iter().any(|d| d["code"] == "C005"), "{diags:?}");
    // A clean --ledger supports 2-(1).
    let clean = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/clean.xlsx");
    let doc = check_json(&[
        "--ledger",
        clean.to_str().unwrap(),
        fixture("r6_single_column.xlsx").to_str().unwrap(),
    ]);
    let diags = doc["files"][0]["diagnostics"].as_array().unwrap();
    assert!(diags.iter().all(|d| d["code"] != "C005"), "{diags:?}");
}

#[test]
fn bad_checklist_options_exit_2_with_a_reason() {
    let out = daicho()
        .args(["check", "--as-of", AS_OF, "--edition", "r99"])
        .arg(fixture("r7_marks.xlsx"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("r99"));
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("mine.toml");
    std::fs::write(&bad, "id = \"r8\"\nname = \"令和8年度版\"\n").unwrap();
    let out = daicho()
        .args(["check", "--as-of", AS_OF, "--checklist"])
        .arg(&bad)
        .arg(fixture("r7_marks.xlsx"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("mine.toml"));
    let out = daicho()
        .args(["check", "--as-of", AS_OF, "--ledger"])
        .arg(dir.path().join("missing.xlsx"))
        .arg(fixture("r7_marks.xlsx"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_users_own_edition_reads_an_unknown_sheet() {
    // The 令和8年度版 sheet is read by its structure (one C008); with its definition it is checked
    // against the definition's texts, and the notice goes.
    let dir = tempfile::tempdir().unwrap();
    let def = dir.path().join("r8.toml");
    std::fs::write(
        &def,
        r#"id = "r8"
name = "令和8年度版"
form = "hospital"
title = "医療機関におけるサイバーセキュリティ対策チェックリスト"
source = "出典: 厚生労働省「医療機関におけるサイバーセキュリティ対策チェックリスト」(令和8年度版)を編集・加工して作成"
numbering = "circled"
year_keys = ["令和8年度"]

[[field]]
label = "医療機関名"
required = true

[[section]]
number = 1
title = "体制構築"
[[section]]
number = 2
title = "医療情報システムの管理・運用"
[[section]]
number = 3
title = "インシデント発生に備えた対応"

[[item]]
number = "1-①"
text = "医療情報システム安全管理責任者を設置している。"
[[item]]
number = "2-①"
text = "サーバ、端末PC、ネットワーク機器の台帳管理を行っている。"
tag = "ledger"
[[item]]
number = "2-②"
text = "生成AIの業務利用に関するルールを定めている。"
[[item]]
number = "2-③"
text = "バックアップを世代管理し、オフラインでも保管している。"
[[item]]
number = "3-①"
text = "年1回以上、インシデント対応訓練を実施している。"
"#,
    )
    .unwrap();
    let doc = check_json(&[
        "--checklist",
        def.to_str().unwrap(),
        fixture("r8_unknown.xlsx").to_str().unwrap(),
    ]);
    let diags = doc["files"][0]["diagnostics"].as_array().unwrap();
    let codes: Vec<&str> = diags.iter().map(|d| d["code"].as_str().unwrap()).collect();
    // Every item is known and answered; with no ledger and no --ledger, 2-① はい has no
    // evidence against it either.
    assert!(codes.is_empty(), "{diags:?}");
}

fn filled_sheet<'a>(book: &'a Workbook, name: &str) -> &'a Sheet {
    book.sheets
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| {
            panic!(
                "no sheet {name}: {:?}",
                book.sheets.iter().map(|s| &s.name).collect::<Vec<_>>()
            )
        })
}

fn text_at(sheet: &Sheet, row: u32, col: u32) -> String {
    sheet
        .grid
        .get(row, col)
        .map(CellValue::display)
        .unwrap_or_default()
}

/// The row of an item number in column A of the filled sheet.
fn item_row(sheet: &Sheet, number: &str) -> u32 {
    sheet
        .grid
        .rows()
        .iter()
        .find(|r| r.get(0).and_then(CellValue::as_text) == Some(number))
        .map(|r| r.index)
        .unwrap_or_else(|| panic!("item {number} not on the filled sheet"))
}

fn annotate(input: &Path, dir: &Path) -> Workbook {
    let out = daicho()
        .args(["check", "--annotate", "--as-of", AS_OF, "--out-dir"])
        .arg(dir)
        .arg(input)
        .output()
        .unwrap();
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stem = input.file_stem().unwrap().to_string_lossy().into_owned();
    let path = dir.join(format!("{stem}.checked.xlsx"));
    open_path(&path, &Limits::default()).unwrap()
}

fn sheet_xml(path: &Path, sheet_no: usize) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut xml = String::new();
    zip.by_name(&format!("xl/worksheets/sheet{sheet_no}.xml"))
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

#[test]
fn a_workbook_with_its_own_checklist_keeps_it_and_gets_no_second_one() {
    // An .xlsx comes back as itself with marks: its own checklist sheet is where proposals go,
    // and daicho's standard sheet is added only to a workbook without one.
    let dir = tempfile::tempdir().unwrap();
    let input = fixture("ledger_and_checklist.xlsx");
    let before = open_path(&input, &Limits::default()).unwrap();
    let book = annotate(&input, dir.path());
    let names: Vec<&str> = book.sheets.iter().map(|s| s.name.as_str()).collect();
    let mut expected = vec!["チェック結果"];
    expected.extend(before.sheets.iter().map(|s| s.name.as_str()));
    assert_eq!(names, expected);
    // Every answer of the input was はい: still there, nothing proposed over it.
    let own = filled_sheet(&book, "チェックリスト");
    let original = filled_sheet(&before, "チェックリスト");
    for row in original.grid.rows() {
        for (col, value) in &row.cells {
            assert_eq!(
                text_at(own, row.index, *col),
                value.display(),
                "row {} col {col}",
                row.index
            );
        }
    }
    // The findings summary of the annotated workbook is not a checklist.
    let summary = filled_sheet(&book, "チェック結果");
    assert!(!checklist::is_checklist(summary));
}

#[test]
fn the_filled_sheet_lists_every_item_carries_answers_and_explains_the_ledger() {
    let dir = tempfile::tempdir().unwrap();
    // A values copy (an .ods has no package to keep): the filled sheet is added beside the
    // workbook's own checklist.
    let book = annotate(&fixture("ledger_and_checklist.ods"), dir.path());
    let sheet = filled_sheet(&book, "チェックリスト(医療機関確認用)");
    assert!(checklist::is_rendered_sheet(sheet));
    let r7 = find_bundled(Some("r7"), Form::Hospital).unwrap();
    for item in &r7.items {
        let row = item_row(sheet, &item.number);
        assert_eq!(text_at(sheet, row, 1), item.text);
        // Every answer of the input was はい: carried over, never replaced by a proposal.
        assert_eq!(text_at(sheet, row, 3), "はい", "{}", item.number);
    }
    let ledger = text_at(sheet, item_row(sheet, "2-①"), 9);
    assert!(ledger.contains("機器台帳1シート・6台を確認"), "{ledger}");
    assert!(ledger.contains("管理番号の重複1件"), "{ledger}");
    let patch = text_at(sheet, item_row(sheet, "2-⑥"), 9);
    assert!(patch.contains("PC-002 Win8"), "{patch}");
    assert_eq!(text_at(sheet, 5, 2), "くすのき病院");
    // Dropdowns on the answer cells, in the sheet written last (the filled sheet).
    let path = dir.path().join("ledger_and_checklist.checked.xlsx");
    let xml = sheet_xml(&path, book.sheets.len());
    assert!(
        xml.matches("<dataValidation ").count() >= r7.items.len(),
        "dropdowns missing"
    );
    assert!(xml.contains("\"はい,いいえ\""));
    // The findings summary of the annotated workbook is not a checklist.
    let summary = filled_sheet(&book, "チェック結果");
    assert!(!checklist::is_checklist(summary));
}

#[test]
fn a_ledger_without_a_checklist_still_gets_a_filled_sheet_with_proposals() {
    let dir = tempfile::tempdir().unwrap();
    let clean = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/clean.xlsx");
    let book = annotate(&clean, dir.path());
    let sheet = filled_sheet(&book, "チェックリスト(医療機関確認用)");
    let row = item_row(sheet, "2-①");
    assert_eq!(
        text_at(sheet, row, 3),
        "はい",
        "2-① proposed from a clean ledger"
    );
    assert!(text_at(sheet, row, 9).contains("機器台帳1シート・6台を確認"));
    // Items the ledger cannot inform stay blank for a human.
    assert_eq!(text_at(sheet, item_row(sheet, "1-①"), 3), "");
    assert_eq!(text_at(sheet, item_row(sheet, "2-⑧"), 3), "");
    // The proposal is marked with a note.
    let path = dir.path().join("clean.checked.xlsx");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
    let names: Vec<String> = zip
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .collect();
    let mut notes = String::new();
    for n in names.iter().filter(|n| n.starts_with("xl/comments")) {
        zip.by_name(n).unwrap().read_to_string(&mut notes).unwrap();
    }
    assert!(notes.contains("daichoによる提案(台帳から推定)。確認して確定してください"));
}

#[test]
fn an_unknown_edition_keeps_the_sheets_own_texts() {
    // A 令和8年度版 sheet is the workbook's own checklist: kept as it is, no second sheet added.
    let dir = tempfile::tempdir().unwrap();
    let input = fixture("r8_unknown.xlsx");
    let before = open_path(&input, &Limits::default()).unwrap();
    let book = annotate(&input, dir.path());
    let names: Vec<&str> = book.sheets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, vec!["チェック結果", "チェックリスト"]);
    let own = filled_sheet(&book, "チェックリスト");
    let original = filled_sheet(&before, "チェックリスト");
    for row in 6..11 {
        assert_eq!(text_at(own, row, 1), text_at(original, row, 1), "row {row}");
        assert_eq!(text_at(own, row, 2), text_at(original, row, 2), "row {row}");
    }
}

#[test]
fn ledger_sheets_are_not_checklists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    for f in [
        "seed.xlsx",
        "clean.xlsx",
        "messy/hospital_a.xlsx",
        "messy/hospital_a.ods",
        "structure/missing_columns.xlsx",
        "structure/no_ledger.xlsx",
    ] {
        let book = open_path(&root.join(f), &Limits::default()).unwrap();
        for sheet in &book.sheets {
            assert!(!checklist::is_checklist(sheet), "{f}: {}", sheet.name);
        }
    }
}

#[test]
fn an_acknowledged_or_ignored_os001_does_not_contradict_the_patch_item() {
    let c005 = |doc: &Value| {
        doc["files"][0]["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == "C005")
            .count()
    };
    let tmp = tempfile::tempdir().unwrap();
    let book = tmp.path().join("ledger_per_kind.xlsx");
    std::fs::copy(fixture("ledger_per_kind.xlsx"), &book).unwrap();
    let path = book.to_str().unwrap();
    assert_eq!(c005(&check_json(&[path])), 1, "the planted contradiction");
    assert_eq!(c005(&check_json(&["--ignore", "OS001", path])), 0);
    std::fs::write(
        tmp.path().join("daicho.toml"),
        "[[exceptions]]\nid = \"SV-01\"\nrules = [\"OS001\"]\nreason = \"閉域網で運用、2027年度に更新\"\n",
    )
    .unwrap();
    let doc = check_json(&[path]);
    assert_eq!(c005(&doc), 0, "{doc}");
}

#[test]
fn a_separate_ledger_is_judged_like_any_input() {
    let c005 = |doc: &Value| {
        doc["files"][0]["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == "C005")
            .count()
    };
    let ledger = fixture("ledger_per_kind.xlsx");
    let checklist = fixture("r6_single_column.xlsx");
    let (ledger, checklist) = (ledger.to_str().unwrap(), checklist.to_str().unwrap());
    assert_eq!(c005(&check_json(&["--ledger", ledger, checklist])), 1);
    // --ignore (and exceptions) apply to the separate ledger's findings too.
    assert_eq!(
        c005(&check_json(&[
            "--ledger", ledger, "--ignore", "OS001", checklist
        ])),
        0
    );
    // daicho's own output as the ledger: its summary and filled-in sheets are not data.
    let tmp = tempfile::tempdir().unwrap();
    let out = daicho()
        .args(["check", "--as-of", AS_OF, "--annotate", "--out-dir"])
        .arg(tmp.path())
        .arg(ledger)
        .output()
        .unwrap();
    assert!(out.status.code().is_some());
    let checked = tmp.path().join("ledger_per_kind.checked.xlsx");
    assert!(checked.is_file());
    assert_eq!(
        c005(&check_json(&[
            "--ledger",
            checked.to_str().unwrap(),
            checklist
        ])),
        1
    );
}

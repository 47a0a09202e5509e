//! Checklist editions daicho has no text for: a 令和8年度版-shaped sheet checked by its structure,
//! and `daicho edition import` of a form, whose result `--checklist` and daicho.toml
//! `[checklist] file` read. Fixtures: `fixtures/checklist/gen_r8.py`.

use crate::common::{daicho, AS_OF};
use daicho::checklist::{Edition, Tag};
use daicho::workbook::{open_path, CellValue, Limits};
use serde_json::Value;
use std::path::{Path, PathBuf};

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

/// (code, cell) of the findings on one sheet, in order.
fn findings_on(doc: &Value, sheet: &str) -> Vec<(String, String)> {
    doc["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["sheet"] == sheet)
        .map(|d| {
            (
                d["code"].as_str().unwrap_or("").to_string(),
                d["cell"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// The problems planted in r8_structure.xlsx, found by structure alone.
const STRUCTURE: &[(&str, &str)] = &[
    ("C007", "C4"),
    ("C001", "D13"),
    ("C005", "D18"),
    ("C002", "G19"),
    ("C003", "F20"),
    ("C001", "D21"),
    ("C004", "G22"),
    ("C004", "G23"),
];

fn import(form: &Path, dir: &Path) -> PathBuf {
    let out_path = dir.join("r8.toml");
    let out = daicho()
        .args(["edition", "import"])
        .arg(form)
        .arg("-o")
        .arg(&out_path)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out_path
}

#[test]
fn an_unknown_edition_is_checked_by_its_structure_with_one_notice() {
    let doc = check_json(&[fixture("r8_structure.xlsx").to_str().unwrap()]);
    let got = findings_on(&doc, "チェックリスト");
    let mut expected: Vec<(String, String)> = vec![("C008".into(), "B12".into())];
    expected.extend(
        STRUCTURE
            .iter()
            .map(|(c, a)| (c.to_string(), a.to_string())),
    );
    let mut sorted = got.clone();
    sorted.sort();
    expected.sort();
    assert_eq!(sorted, expected, "{got:?}");
    // The notice names the edition and says the texts are not verified.
    let notice = doc["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "C008")
        .unwrap();
    let message = notice["message"].as_str().unwrap();
    assert!(message.contains("令和8年度版"), "{message}");
    assert!(message.contains("文言は照合せず"), "{message}");
    assert_eq!(notice["severity"], "info");
}

#[test]
fn an_imported_form_is_an_edition_with_the_forms_own_texts() {
    let dir = tempfile::tempdir().unwrap();
    let path = import(&fixture("r8_form.xlsx"), dir.path());
    let ed = Edition::from_toml(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!((ed.id.as_str(), ed.name.as_str()), ("r8", "令和8年度版"));
    assert!(ed.source.contains("r8_form.xlsx") && ed.source.contains("令和8年度版"));
    assert_eq!(ed.items.len(), 12);
    assert!(ed.items.iter().all(|i| !i.unverified));
    assert_eq!(ed.items[5].text, "二要素認証を導入している。");
    assert_eq!(ed.sections.len(), 3);
    assert_eq!(ed.sections[1].title, "医療情報システムの管理・運用");
    assert!(ed.gate.is_some());
    let tagged = |tag| {
        ed.item_by_tag(tag)
            .map(|i| ed.items[i].number.clone())
            .unwrap()
    };
    assert_eq!(tagged(Tag::Ledger), "2-①");
    assert_eq!(tagged(Tag::RemoteMaintenance), "2-②");
    assert_eq!(tagged(Tag::Patch), "2-③");
    let patch = &ed.items[ed.item_by_tag(Tag::Patch).unwrap()];
    assert_eq!(patch.targets_label(), "サーバ、端末PC");
    // Without -o the file goes to standard output.
    let out = daicho()
        .args(["edition", "import"])
        .arg(fixture("r8_form.xlsx"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(out.stdout, std::fs::read(&path).unwrap());
    // An existing file is not overwritten without --force.
    let again = daicho()
        .args(["edition", "import"])
        .arg(fixture("r8_form.xlsx"))
        .arg("-o")
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
}

#[test]
fn a_filled_copy_is_checked_against_the_imported_edition() {
    let dir = tempfile::tempdir().unwrap();
    let def = import(&fixture("r8_form.xlsx"), dir.path());
    let input = fixture("r8_structure.xlsx");
    let mut expected: Vec<(String, String)> = STRUCTURE
        .iter()
        .map(|(c, a)| (c.to_string(), a.to_string()))
        .collect();
    expected.sort();
    // Items recognised (no C006, no C008), answers read (every planted problem found); a title
    // naming the merged form without a year is the imported 令和8年度版 too.
    for name in ["r8_structure.xlsx", "r8_merged_title.xlsx"] {
        let doc = check_json(&[
            "--checklist",
            def.to_str().unwrap(),
            fixture(name).to_str().unwrap(),
        ]);
        let mut got = findings_on(&doc, "チェックリスト");
        got.sort();
        assert_eq!(got, expected, "{name}");
    }

    // daicho.toml [checklist] file names it just as well.
    let work = tempfile::tempdir().unwrap();
    std::fs::copy(&def, work.path().join("r8.toml")).unwrap();
    std::fs::copy(&input, work.path().join("r8_structure.xlsx")).unwrap();
    std::fs::write(
        work.path().join("daicho.toml"),
        "[checklist]\nfile = \"r8.toml\"\n",
    )
    .unwrap();
    let doc = check_json(&[work.path().join("r8_structure.xlsx").to_str().unwrap()]);
    let mut got = findings_on(&doc, "チェックリスト");
    got.sort();
    assert_eq!(got, expected);
    // An edition file daicho.toml names but cannot use stops the run (exit 2), naming the file.
    let refused_naming = |edition_file: &str| {
        std::fs::write(
            work.path().join("daicho.toml"),
            format!("[checklist]\nfile = \"{edition_file}\"\n"),
        )
        .unwrap();
        let out = daicho()
            .args(["check", "--as-of", AS_OF])
            .arg(work.path().join("r8_structure.xlsx"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains(edition_file));
    };
    refused_naming("missing.toml");
    // A broken edition file is named, not passed over.
    std::fs::write(work.path().join("broken.toml"), "id = \"r8\"\n").unwrap();
    refused_naming("broken.toml");
}

#[test]
fn the_filled_sheet_uses_the_imported_forms_texts() {
    // A workbook with a ledger and no checklist gets the imported edition filled from the ledger.
    let dir = tempfile::tempdir().unwrap();
    let def = import(&fixture("r8_form.xlsx"), dir.path());
    let input = crate::common::fixture("clean.xlsx");
    let out = daicho()
        .args(["check", "--annotate", "--as-of", AS_OF, "--checklist"])
        .arg(&def)
        .arg("--out-dir")
        .arg(dir.path())
        .arg(&input)
        .output()
        .unwrap();
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let book = open_path(&dir.path().join("clean.checked.xlsx"), &Limits::default()).unwrap();
    let texts: Vec<String> = book
        .sheets
        .iter()
        .flat_map(|s| s.grid.rows().iter())
        .flat_map(|r| r.cells.iter())
        .filter_map(|(_, v)| match v {
            CellValue::Text(t) => Some(t.clone()),
            _ => None,
        })
        .collect();
    for wanted in [
        "生成AIの業務利用に関するルールを定めている。",
        "サーバ、端末PC、ネットワーク機器の台帳管理を行い、設置場所とソフトウェアのバージョンを記録している。",
    ] {
        assert!(texts.iter().any(|t| t == wanted), "{wanted} not on the filled sheet");
    }
}

#[test]
fn any_edition_and_format_can_be_imported() {
    // A filled 令和7年度版 in .ods: its texts as written, numbered as the form numbers them.
    let dir = tempfile::tempdir().unwrap();
    let path = import(&fixture("r7_marks.ods"), dir.path());
    let ed = Edition::from_toml(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(ed.id, "r7");
    assert_eq!(ed.items.len(), 18);
    assert_eq!(ed.items[1].number, "2-①");
    assert_eq!(ed.items[ed.item_by_tag(Tag::Patch).unwrap()].number, "2-⑥");
}

#[test]
fn the_sheet_to_import_can_be_named() {
    let dir = tempfile::tempdir().unwrap();
    let named = daicho()
        .args(["edition", "import", "--sheet", "チェックリスト"])
        .arg(fixture("r8_structure.xlsx"))
        .output()
        .unwrap();
    assert_eq!(named.status.code(), Some(0));
    // A filled copy imports like its blank form: the same items and texts.
    let from_filled = Edition::from_toml(&String::from_utf8(named.stdout).unwrap()).unwrap();
    let def = import(&fixture("r8_form.xlsx"), dir.path());
    let from_blank = Edition::from_toml(&std::fs::read_to_string(def).unwrap()).unwrap();
    let items = |e: &Edition| -> Vec<(String, String)> {
        e.items
            .iter()
            .map(|i| (i.number.clone(), i.text.clone()))
            .collect()
    };
    assert_eq!(items(&from_filled), items(&from_blank));
    let missing = daicho()
        .args(["edition", "import", "--sheet", "機器台帳"])
        .arg(fixture("r8_structure.xlsx"))
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("チェックリスト"));
}

#[test]
fn a_workbook_without_a_checklist_cannot_be_imported() {
    let out = daicho()
        .args(["edition", "import"])
        .arg(crate::common::fixture("clean.xlsx"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("見つかりません"));
}

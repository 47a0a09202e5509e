//! The annotated copy of an .xlsx/.xlsm is the user's own package with marks added
//! (`daicho::annotate::ooxml`), checked with independent tools: openpyxl reads both workbooks and
//! compares them sheet by sheet, LibreOffice renders the copy, the zip entries are compared raw.
//! Both tools are required: a missing one fails the test (CI installs them).

use crate::common::{
    check_annotated as check, fixture, require_openpyxl, require_soffice, soffice_convert,
};
use daicho::annotate::ooxml::{self, AddedSheet, CellMark, PatchPlan, SheetMarks, NOTE_DELIMITER};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::process::Command;

const SUMMARY: &str = "チェック結果";

/// Everything openpyxl sees in a workbook that the user made: per sheet, cells (value or formula,
/// number format, fill, note), merges, validations, conditional formats, hidden rows, widths,
/// tables, state, panes, print area; the workbook's names and active sheet.
const DUMP: &str = r#"
import json, sys, warnings, openpyxl
warnings.simplefilter("ignore")
wb = openpyxl.load_workbook(sys.argv[1])
out = {"sheets": wb.sheetnames, "active": wb.active.title, "names": sorted(
    (n, str(d.attr_text)) for n, d in wb.defined_names.items()), "ws": {}}
for ws in wb.worksheets:
    cells = {}
    for row in ws.iter_rows():
        for c in row:
            fill = c.fill.fgColor.rgb if c.fill is not None and c.fill.fill_type == "solid" else None
            bg = c.fill.bgColor.rgb if c.fill is not None and c.fill.fill_type == "solid" else None
            if c.value is None and c.comment is None and fill is None and c.number_format == "General" and c.hyperlink is None:
                continue
            cells[c.coordinate] = {
                "value": None if c.value is None else str(c.value),
                "fmt": c.number_format,
                "fill": fill if isinstance(fill, str) else None,
                "daicho": isinstance(bg, str) and bg.startswith("DA"),
                "note": c.comment.text if c.comment is not None else None,
                "font": c.font.name, "bold": bool(c.font.b),
                "align": c.alignment.horizontal,
                "link": c.hyperlink.location if c.hyperlink is not None else None,
            }
    out["ws"][ws.title] = {
        "cells": cells,
        "merges": sorted(str(m) for m in ws.merged_cells.ranges),
        "validations": sorted((str(v.sqref), v.type, v.formula1) for v in ws.data_validations.dataValidation),
        "cond": sorted((str(r.sqref), [x.type for x in r.rules]) for r in ws.conditional_formatting),
        "hidden_rows": sorted(i for i, d in ws.row_dimensions.items() if d.hidden),
        "heights": sorted((i, d.height) for i, d in ws.row_dimensions.items() if d.height),
        "widths": sorted((k, d.width) for k, d in ws.column_dimensions.items() if d.customWidth),
        "tables": sorted((t.name, t.ref) for t in ws.tables.values()),
        "state": ws.sheet_state,
        "panes": str(ws.freeze_panes),
        "selected": bool(ws.sheet_view.tabSelected),
        "print_area": str(ws.print_area),
        "autofilter": str(ws.auto_filter.ref),
        "images": len(ws._images),
    }
print(json.dumps(out, ensure_ascii=False))
"#;

fn dump(path: &Path) -> Value {
    let out = Command::new(require_openpyxl())
        .args(["-c", DUMP])
        .arg(path)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "openpyxl could not read {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("dump json")
}

/// Converts every file to PDF with LibreOffice in one run; each must produce a non-empty PDF.
fn soffice_renders(files: &[PathBuf], scratch: &Path) {
    let outdir = scratch.join("pdf");
    let paths: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    soffice_convert(&scratch.join("lo-profile"), "pdf", &outdir, &paths);
    for f in files {
        let stem = f.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        let pdf = outdir.join(format!("{stem}.pdf"));
        let len = std::fs::metadata(&pdf).map(|m| m.len()).unwrap_or(0);
        assert!(len > 0, "LibreOffice did not render {}", f.display());
    }
}

fn raw_entries(pkg: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut z = zip::ZipArchive::new(Cursor::new(pkg)).expect("zip");
    let mut out = BTreeMap::new();
    for i in 0..z.len() {
        let mut f = z.by_index_raw(i).expect("entry");
        let name = f.name().expect("name").to_string();
        let mut raw = Vec::new();
        f.read_to_end(&mut raw).expect("raw");
        out.insert(name, raw);
    }
    out
}

fn summary_book() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(SUMMARY).unwrap();
    ws.write(0, 0, "daicho チェック結果").unwrap();
    book.save_to_buffer().unwrap()
}

fn parse_cell(r: &str) -> (u32, u32) {
    let letters: String = r.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
    let row: u32 = r[letters.len()..].parse().unwrap();
    let col = letters
        .bytes()
        .fold(0u32, |a, b| a * 26 + u32::from(b - b'A' + 1));
    (row - 1, col - 1)
}

/// Entries the marks (and an added first sheet) may rewrite; every other entry must be raw-identical.
fn may_change(name: &str) -> bool {
    name == "[Content_Types].xml"
        || name == "xl/workbook.xml"
        || name == "xl/_rels/workbook.xml.rels"
        || name == "xl/styles.xml"
        || name == "docProps/app.xml"
        || name.starts_with("xl/worksheets/")
        || name.starts_with("xl/comments")
        || name.starts_with("xl/drawings/vmlDrawing")
}

#[test]
fn excel_saved_workbooks_keep_everything_and_gain_marks() {
    require_openpyxl();
    require_soffice();
    let dir = tempfile::tempdir().unwrap();
    let mut rendered = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixture("excel"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xlsx" || e == "xlsm"))
        .collect();
    files.sort();
    assert!(files.len() >= 8, "{files:?}");
    for input_path in &files {
        let name = input_path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .to_string();
        let input = std::fs::read(input_path).unwrap();
        let before = dump(input_path);
        // Marks on every sheet: its first value cell (noted), A1 (fill only), a cell beyond the
        // data (created), each with daicho's severity colours.
        let mut plan = PatchPlan {
            added_sheets: vec![AddedSheet {
                xlsx: summary_book(),
                first: true,
                active: true,
            }],
            ..PatchPlan::default()
        };
        let mut expected: Vec<(String, String, String, bool)> = Vec::new();
        for sheet in before["sheets"].as_array().unwrap() {
            let sheet = sheet.as_str().unwrap().to_string();
            let mut cells = vec![
                CellMark {
                    row: 0,
                    col: 0,
                    fill_argb: "FFDDEBF7".into(),
                    ..CellMark::default()
                },
                CellMark {
                    row: 29,
                    col: 6,
                    fill_argb: "FFFFEB9C".into(),
                    note: Some(format!("【警告】新しいセル {sheet}")),
                    ..CellMark::default()
                },
            ];
            expected.push((sheet.clone(), "A1".into(), "FFDDEBF7".into(), false));
            expected.push((sheet.clone(), "G30".into(), "FFFFEB9C".into(), true));
            let first_value = before["ws"][&sheet]["cells"]
                .as_object()
                .unwrap()
                .iter()
                .find(|(k, v)| !v["value"].is_null() && k.as_str() != "A1")
                .map(|(k, _)| k.clone());
            if let Some(k) = first_value {
                let (row, col) = parse_cell(&k);
                cells.push(CellMark {
                    row,
                    col,
                    fill_argb: "FFFFC7CE".into(),
                    note: Some(format!("【エラー】{k} を確認")),
                    ..CellMark::default()
                });
                expected.push((sheet.clone(), k, "FFFFC7CE".into(), true));
            }
            plan.marks.push(SheetMarks {
                sheet_name: sheet,
                cells,
            });
        }
        let out = ooxml::patch(&input, &plan).unwrap_or_else(|e| panic!("{name}: {e}"));
        let out_path = dir.path().join(name.replace(".xls", ".checked.xls"));
        std::fs::write(&out_path, &out).unwrap();
        let after = dump(&out_path);

        // The summary comes first and is what opens; only it is selected.
        let mut sheets = vec![Value::from(SUMMARY)];
        sheets.extend(before["sheets"].as_array().unwrap().iter().cloned());
        assert_eq!(after["sheets"], Value::Array(sheets), "{name}");
        assert_eq!(after["active"], SUMMARY, "{name}");
        for (title, ws) in after["ws"].as_object().unwrap() {
            assert_eq!(ws["selected"], title == SUMMARY, "{name}: {title} selected");
        }
        // Defined names: the same (scoped ones follow their sheet; openpyxl reports them per sheet).
        assert_eq!(before["names"], after["names"], "{name}");

        // Sheet by sheet, the user's workbook is unchanged but for the marks.
        let marked: BTreeSet<(String, String)> = expected
            .iter()
            .map(|(s, c, _, _)| (s.clone(), c.clone()))
            .collect();
        for (title, b) in before["ws"].as_object().unwrap() {
            let a = &after["ws"][title];
            for key in [
                "merges",
                "validations",
                "cond",
                "hidden_rows",
                "heights",
                "widths",
                "tables",
                "state",
                "panes",
                "print_area",
                "autofilter",
                "images",
            ] {
                assert_eq!(b[key], a[key], "{name}: {title}: {key}");
            }
            for (cell, bc) in b["cells"].as_object().unwrap() {
                let ac = &a["cells"][cell];
                for key in ["value", "fmt", "font", "bold", "align"] {
                    assert_eq!(bc[key], ac[key], "{name}: {title}!{cell}: {key}");
                }
                let is_marked = marked.contains(&(title.clone(), cell.clone()));
                if !is_marked {
                    assert_eq!(bc["fill"], ac["fill"], "{name}: {title}!{cell}: fill");
                    assert_eq!(bc["note"], ac["note"], "{name}: {title}!{cell}: note");
                } else if let Some(user) = bc["note"].as_str() {
                    let note = ac["note"].as_str().unwrap_or_default();
                    assert!(
                        note.starts_with(user) && note.contains(NOTE_DELIMITER),
                        "{name}: {title}!{cell}: the user's note is kept above daicho's: {note:?}"
                    );
                }
            }
        }
        for (sheet, cell, argb, noted) in &expected {
            let c = &after["ws"][sheet]["cells"][cell];
            assert_eq!(
                c["fill"].as_str(),
                Some(argb.as_str()),
                "{name}: {sheet}!{cell}"
            );
            assert_eq!(c["daicho"], true, "{name}: {sheet}!{cell}");
            let note = c["note"].as_str().unwrap_or_default();
            assert_eq!(
                note.matches(NOTE_DELIMITER).count(),
                usize::from(*noted),
                "{name}: {sheet}!{cell}: {note:?}"
            );
        }

        // Entries the marks do not need are byte-identical raw copies (not recompressed).
        let raw_in = raw_entries(&input);
        let raw_out = raw_entries(&out);
        for (entry, bytes) in &raw_in {
            let kept = raw_out.get(entry);
            assert!(kept.is_some(), "{name}: {entry} dropped");
            if !may_change(entry) {
                assert_eq!(Some(bytes), kept, "{name}: {entry} is not a raw copy");
            }
        }
        if name.ends_with(".xlsm") {
            assert!(raw_in.contains_key("xl/vbaProject.bin"));
            assert!(
                ooxml::is_macro_enabled(&out),
                "{name}: still a macro workbook"
            );
        }
        rendered.push(out_path);
    }
    soffice_renders(&rendered, dir.path());
}

/// (sheet, cell) of every diagnostic with a cell, and the codes on it.
fn flagged(json: &Value) -> BTreeMap<(String, String), BTreeSet<String>> {
    let mut out: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for d in json["files"][0]["diagnostics"].as_array().unwrap() {
        if let (Some(s), Some(c)) = (d["sheet"].as_str(), d["cell"].as_str()) {
            out.entry((s.to_string(), c.to_string()))
                .or_default()
                .insert(d["code"].as_str().unwrap_or_default().to_string());
        }
    }
    out
}

/// A cell: (sheet, address).
type At = (String, String);

/// Cells carrying daicho's fill, and the number of daicho parts in each cell's note.
fn marks(dump: &Value) -> (BTreeSet<At>, BTreeMap<At, usize>) {
    let mut filled = BTreeSet::new();
    let mut noted = BTreeMap::new();
    for (title, ws) in dump["ws"].as_object().unwrap() {
        for (cell, c) in ws["cells"].as_object().unwrap() {
            if c["daicho"] == true {
                filled.insert((title.clone(), cell.clone()));
            }
            let n = c["note"]
                .as_str()
                .unwrap_or_default()
                .matches(NOTE_DELIMITER)
                .count();
            if n > 0 {
                noted.insert((title.clone(), cell.clone()), n);
            }
        }
    }
    (filled, noted)
}

/// The two cells the user fixes in the copy of `ledger1_in_a_folder` (sheet, cell, new value).
const FIXES: [(&str, &str, &str); 2] = [
    ("端末PC", "I11", "10.77.0.11"),
    ("ネットワーク機器", "I8", "10.77.0.12"),
];

/// The flagged cells that stay flagged once [`FIXES`] are made.
fn without_the_fixed(
    flagged: &BTreeMap<(String, String), BTreeSet<String>>,
) -> BTreeMap<(String, String), BTreeSet<String>> {
    let mut expected = flagged.clone();
    for (s, c, _) in FIXES {
        expected.remove(&(s.to_string(), c.to_string()));
    }
    expected
}

/// In the copy checked again, each fixed cell holds its new value and no note.
fn the_fixed_cells_hold_their_values_and_no_note(again: &Value) {
    for (s, c, v) in FIXES {
        let cell = &again["ws"][s]["cells"][c];
        assert_eq!(cell["value"], v);
        assert_eq!(cell["note"], Value::Null, "{s}!{c}");
    }
}

/// A folder holding a copy of the LibreOffice-saved `blind/ledger1_general.xlsx` as `ledger.xlsx`.
fn ledger1_in_a_folder() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("ledger.xlsx");
    std::fs::copy(fixture("blind/ledger1_general.xlsx"), &input).unwrap();
    (dir, input)
}

const FIX_TWO: &str = r#"
import sys, warnings, openpyxl
warnings.simplefilter("ignore")
wb = openpyxl.load_workbook(sys.argv[1])
for spec in sys.argv[3:]:
    sheet, cell, value = spec.split("|")
    wb[sheet][cell].value = value
wb.save(sys.argv[2])
"#;

#[test]
fn a_libreoffice_ledger_checked_fixed_in_the_copy_and_checked_again() {
    require_openpyxl();
    require_soffice();
    let (dir, input) = ledger1_in_a_folder();
    let (first, json1) = check(&input, dir.path());
    assert_eq!(first, dir.path().join("ledger.checked.xlsx"));
    let before = dump(&input);
    let after = dump(&first);
    assert_eq!(after["active"], SUMMARY);
    // The user's sheets: values and number formats as they were.
    for (title, b) in before["ws"].as_object().unwrap() {
        for key in [
            "merges",
            "validations",
            "cond",
            "hidden_rows",
            "widths",
            "state",
            "panes",
        ] {
            assert_eq!(b[key], after["ws"][title][key], "{title}: {key}");
        }
        for (cell, bc) in b["cells"].as_object().unwrap() {
            let ac = &after["ws"][title]["cells"][cell];
            assert_eq!(bc["value"], ac["value"], "{title}!{cell}");
            assert_eq!(bc["fmt"], ac["fmt"], "{title}!{cell}");
        }
    }
    // Every flagged cell has daicho's fill and one note; no other cell has either.
    let flagged1 = flagged(&json1);
    assert!(flagged1.len() >= 10, "{flagged1:?}");
    let (filled, noted) = marks(&after);
    let user_cells: BTreeSet<(String, String)> = filled
        .iter()
        .filter(|(s, _)| before["ws"].get(s).is_some())
        .cloned()
        .collect();
    assert_eq!(user_cells, flagged1.keys().cloned().collect(), "fills");
    assert!(noted.values().all(|n| *n == 1));
    assert_eq!(
        noted.keys().cloned().collect::<BTreeSet<_>>(),
        flagged1.keys().cloned().collect(),
        "notes"
    );

    // The user fixes two cells in the copy (openpyxl rewrites the whole package), runs again.
    let fixes = FIXES;
    for (s, c, _) in fixes {
        assert!(
            flagged1.contains_key(&(s.to_string(), c.to_string())),
            "{s}!{c}"
        );
    }
    let fixed = dir.path().join("fixed.xlsx");
    fix_in_the_copy(&first, &fixed, &fixes);
    let (second, json2) = check(&fixed, dir.path());
    let flagged2 = flagged(&json2);
    let expected = without_the_fixed(&flagged1);
    assert_eq!(
        flagged2, expected,
        "the findings are those of the unmarked workbook"
    );
    let again = dump(&second);
    assert_eq!(
        again["sheets"], after["sheets"],
        "the old summary and checklist replaced, not doubled"
    );
    let (filled2, noted2) = marks(&again);
    assert_eq!(
        filled2
            .iter()
            .filter(|(s, _)| before["ws"].get(s).is_some())
            .cloned()
            .collect::<BTreeSet<_>>(),
        expected.keys().cloned().collect(),
        "the fixed cells lost their fill, the rest kept it"
    );
    assert_eq!(
        noted2.keys().cloned().collect::<BTreeSet<_>>(),
        expected.keys().cloned().collect()
    );
    assert!(
        noted2.values().all(|n| *n == 1),
        "exactly one daicho part per note: {noted2:?}"
    );
    the_fixed_cells_hold_their_values_and_no_note(&again);
    soffice_renders(&[first, second], dir.path());
}

/// daicho's mark colours (see `annotate::styles::Fill::colors`).
const MARK_FILLS: [&str; 4] = ["FFFFC7CD", "FFFFEB9B", "FFDDEBF6", "FFEDEDEC"];

/// Saves `file` again with LibreOffice (as a user does who edits the copy there) into `out_dir`.
fn libreoffice_resave(file: &Path, out_dir: &Path, scratch: &Path) -> PathBuf {
    soffice_convert(&scratch.join("lo-profile"), "xlsx", out_dir, &[file]);
    let saved = out_dir.join(file.file_name().expect("name"));
    assert!(
        saved.is_file(),
        "LibreOffice did not save {}",
        file.display()
    );
    saved
}

/// Runs an openpyxl `script` with `args`; fails the test when it fails.
fn run_openpyxl<A: AsRef<std::ffi::OsStr>>(script: &str, args: impl IntoIterator<Item = A>) {
    let out = Command::new(require_openpyxl())
        .args(["-c", script])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The user fixes cells of `from` (sheet, cell, new value) with openpyxl, which rewrites the
/// whole package, into `to`.
fn fix_in_the_copy(from: &Path, to: &Path, fixes: &[(&str, &str, &str)]) {
    let mut args = vec![from.as_os_str().to_owned(), to.as_os_str().to_owned()];
    args.extend(fixes.iter().map(|(s, c, v)| format!("{s}|{c}|{v}").into()));
    run_openpyxl(FIX_TWO, args);
}

#[test]
fn a_checked_copy_fixed_and_saved_in_libreoffice_loses_the_marks_of_the_fixed_cells() {
    require_openpyxl();
    let (dir, input) = ledger1_in_a_folder();
    let (first, json1) = check(&input, dir.path());
    let flagged1 = flagged(&json1);
    let fixes = FIXES;
    let fixed = dir.path().join("fixed.xlsx");
    fix_in_the_copy(&first, &fixed, &fixes);
    let lo_dir = dir.path().join("lo");
    std::fs::create_dir_all(&lo_dir).unwrap();
    let saved = libreoffice_resave(&fixed, &lo_dir, dir.path());
    // LibreOffice rewrote the fills: daicho's marker is gone, its colours stayed.
    let resaved = dump(&saved);
    let user_sheets: Vec<String> = (resaved["ws"].as_object().unwrap().keys())
        .filter(|t| dump(&input)["ws"].get(t.as_str()).is_some())
        .cloned()
        .collect();
    let coloured = |d: &Value| -> BTreeSet<At> {
        let mut out = BTreeSet::new();
        for t in &user_sheets {
            for (cell, c) in d["ws"][t]["cells"].as_object().unwrap() {
                if MARK_FILLS.contains(&c["fill"].as_str().unwrap_or_default()) {
                    out.insert((t.clone(), cell.clone()));
                }
            }
        }
        out
    };
    assert!(marks(&resaved).0.is_empty(), "the markers are gone");
    assert_eq!(
        coloured(&resaved),
        flagged1.keys().cloned().collect(),
        "the colours stayed"
    );

    let (second, json2) = check(&saved, dir.path());
    let expected = without_the_fixed(&flagged1);
    assert_eq!(
        flagged(&json2),
        expected,
        "the findings of the unmarked workbook"
    );
    let again = dump(&second);
    assert_eq!(
        coloured(&again),
        expected.keys().cloned().collect(),
        "the fixed cells lost their fill, the rest kept one"
    );
    let (filled, noted) = marks(&again);
    assert!(
        coloured(&again).iter().all(|at| filled.contains(at)),
        "marked afresh"
    );
    assert!(
        noted.values().all(|n| *n == 1),
        "one daicho part per note: {noted:?}"
    );
    the_fixed_cells_hold_their_values_and_no_note(&again);
}

#[test]
fn a_macro_workbook_comes_back_as_checked_xlsm_with_its_vba_project() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("台帳.xlsm");
    std::fs::copy(fixture("excel/macro01.xlsm"), &input).unwrap();
    let (written, _) = check(&input, dir.path());
    assert_eq!(written, dir.path().join("台帳.checked.xlsm"));
    let raw_in = raw_entries(&std::fs::read(&input).unwrap());
    let raw_out = raw_entries(&std::fs::read(&written).unwrap());
    assert_eq!(
        raw_in.get("xl/vbaProject.bin"),
        raw_out.get("xl/vbaProject.bin")
    );
    assert!(raw_out.contains_key("xl/vbaProject.bin"));
    assert!(ooxml::is_macro_enabled(&std::fs::read(&written).unwrap()));
}

#[test]
fn other_formats_and_unpatchable_packages_get_the_values_copy() {
    let dir = tempfile::tempdir().unwrap();
    // A strict-OOXML-looking package: patching refuses, the values copy is written instead.
    let input = std::fs::read(fixture("blind/ledger1_general.xlsx")).unwrap();
    let mut z = zip::ZipArchive::new(Cursor::new(&input[..])).unwrap();
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..z.len() {
        let name = z.by_index_raw(i).unwrap().name().unwrap().to_string();
        if name == "xl/styles.xml" {
            continue;
        }
        w.raw_copy_file(z.by_index_raw(i).unwrap()).unwrap();
    }
    let broken = dir.path().join("nostyles.xlsx");
    std::fs::write(&broken, w.finish().unwrap().into_inner()).unwrap();
    let (written, json) = check(&broken, dir.path());
    // The report says so: W001, an info finding about the whole file.
    let w001: Vec<&Value> = json["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "W001")
        .collect();
    assert_eq!(w001.len(), 1, "{json}");
    assert_eq!(w001[0]["severity"], "info");
    assert_eq!(w001[0]["name"], "values-copy");
    assert!(w001[0]["sheet"].is_null());
    assert!(
        w001[0]["message"]
            .as_str()
            .unwrap()
            .contains("値のみのコピー"),
        "{json}"
    );
    let bytes = std::fs::read(&written).unwrap();
    let raw = raw_entries(&bytes);
    assert!(
        raw.contains_key("xl/styles.xml"),
        "a values copy (rebuilt) was written"
    );
    // The summary says it is a values copy, and why.
    let note = summary_note(&written);
    assert!(
        note.contains("印を直接付けられないため(a part is missing: xl/styles.xml)")
            && note.contains("値のみのコピー"),
        "{note}"
    );
    let (csv_out, _) = check(&fixture("blind/ledger4_cp932.csv"), dir.path());
    assert!(csv_out.to_string_lossy().ends_with(".checked.xlsx"));
    let note = summary_note(&csv_out);
    assert!(
        note.contains("値のみのコピーです(.xls・.ods・.xlsb・CSV"),
        "{note}"
    );
}

/// The 注意 line of a copy's summary sheet, read with calamine.
fn summary_note(path: &Path) -> String {
    use calamine::Reader;
    let mut book = calamine::open_workbook_auto(path).expect("read the copy");
    let range = book.worksheet_range(SUMMARY).expect("the summary sheet");
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    rows.iter()
        .find(|r| r.first().is_some_and(|c| c == "注意"))
        .and_then(|r| r.get(1).cloned())
        .unwrap_or_else(|| panic!("no 注意 line in {rows:?}"))
}

const BLANK_ANSWERS: &str = r#"
import sys, warnings, openpyxl
warnings.simplefilter("ignore")
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["チェックリスト"]
for row in ws.iter_rows():
    for c in row:
        if c.value == "はい":
            c.value = None
wb.save(sys.argv[2])
"#;

/// A folder holding `checklist/ledger_and_checklist.xlsx` with its はい answers blanked, as
/// `blank.xlsx` (daicho proposes answers for them).
fn blank_checklist_in_a_folder() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("blank.xlsx");
    run_openpyxl(
        BLANK_ANSWERS,
        [
            fixture("checklist/ledger_and_checklist.xlsx"),
            input.clone(),
        ],
    );
    (dir, input)
}

/// Cells with the proposal fill: (sheet, cell) → (value, daicho parts in the note).
fn proposals(dump: &Value) -> BTreeMap<At, (Value, usize)> {
    let mut out = BTreeMap::new();
    for (title, ws) in dump["ws"].as_object().unwrap() {
        for (cell, c) in ws["cells"].as_object().unwrap() {
            if c["daicho"] == true && c["fill"] == "FFFCE4D6" {
                let n = c["note"]
                    .as_str()
                    .unwrap_or_default()
                    .matches(NOTE_DELIMITER)
                    .count();
                out.insert((title.clone(), cell.clone()), (c["value"].clone(), n));
            }
        }
    }
    out
}

#[test]
fn the_workbooks_own_checklist_gets_proposals_once_and_no_second_checklist() {
    require_openpyxl();
    let (dir, input) = blank_checklist_in_a_folder();
    let (first, _) = check(&input, dir.path());
    let d1 = dump(&first);
    assert_eq!(
        d1["sheets"],
        serde_json::json!([SUMMARY, "機器台帳", "チェックリスト"]),
        "no rendered checklist beside the workbook's own"
    );
    let p1 = proposals(&d1);
    assert!(p1.len() >= 3, "{p1:?}");
    for (at, (value, notes)) in &p1 {
        assert_eq!(at.0, "チェックリスト");
        assert!(value == "はい" || value == "いいえ", "{at:?}: {value}");
        assert_eq!(*notes, 1, "{at:?}");
    }
    let again = dir.path().join("again");
    let (second, _) = check(&first, &again);
    let d2 = dump(&second);
    assert_eq!(d2["sheets"], d1["sheets"]);
    assert_eq!(proposals(&d2), p1, "proposed again, once");
}

/// The codes of a report's checklist findings, with their counts.
fn checklist_codes(json: &Value) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for d in json["files"][0]["diagnostics"].as_array().unwrap() {
        let code = d["code"].as_str().unwrap_or_default();
        if code.starts_with('C') {
            *out.entry(code.to_string()).or_default() += 1;
        }
    }
    out
}

#[test]
fn proposals_in_a_copy_saved_by_libreoffice_stay_daichos_until_the_user_changes_them() {
    require_openpyxl();
    let (dir, input) = blank_checklist_in_a_folder();
    let (first, json1) = check(&input, dir.path());
    let p1 = proposals(&dump(&first));
    let changed_at = p1.keys().next().expect("a proposal").clone();
    // LibreOffice drops daicho's mark and turns the proposals into shared strings.
    let lo_dir = dir.path().join("lo");
    std::fs::create_dir_all(&lo_dir).unwrap();
    let saved = libreoffice_resave(&first, &lo_dir, dir.path());
    assert!(proposals(&dump(&saved)).is_empty(), "the marks are gone");
    // Checked again: still daicho's unconfirmed proposals, proposed again, the same findings.
    let again = dir.path().join("again");
    let (second, json2) = check(&saved, &again);
    assert_eq!(checklist_codes(&json2), checklist_codes(&json1));
    assert_eq!(proposals(&dump(&second)), p1, "proposed again, once");
    // The user answers one of them differently in the LibreOffice copy: that is their answer.
    let answered = dir.path().join("answered.xlsx");
    let other = if p1[&changed_at].0 == "はい" {
        "いいえ"
    } else {
        "はい"
    };
    fix_in_the_copy(&saved, &answered, &[(&changed_at.0, &changed_at.1, other)]);
    let (third, json3) = check(&answered, &dir.path().join("third"));
    let p3 = proposals(&dump(&third));
    assert!(
        !p3.contains_key(&changed_at),
        "the user's answer is not proposed over"
    );
    assert_eq!(p3.len(), p1.len() - 1);
    assert_eq!(
        checklist_codes(&json3).get("C001"),
        checklist_codes(&json1).get("C001").map(|n| n - 1).as_ref(),
        "one item answered"
    );
}

#[test]
fn the_summary_and_the_standard_checklist_come_in_with_links_validations_and_notes() {
    require_openpyxl();
    let (dir, input) = ledger1_in_a_folder();
    let (written, json) = check(&input, dir.path());
    let d = dump(&written);
    let sheets: Vec<&str> = d["sheets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert_eq!(sheets.first(), Some(&SUMMARY));
    assert_eq!(d["active"], SUMMARY);
    let checklist = sheets
        .iter()
        .find(|s| s.starts_with("チェックリスト"))
        .expect("the standard checklist is added to a workbook without one");
    let cl = &d["ws"][*checklist];
    let lists = cl["validations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v[1] == "list" && v[2].as_str().is_some_and(|f| f.contains("はい")))
        .count();
    assert!(lists >= 10, "dropdowns kept: {}", cl["validations"]);
    // Its cells keep their formats (transplanted styles), its notes came along.
    let cells = cl["cells"].as_object().unwrap();
    assert!(cells.values().any(|c| c["note"]
        .as_str()
        .is_some_and(|n| n.contains("daichoによる提案"))));
    assert!(
        cells.values().all(|c| c["font"] != "Calibri"),
        "daicho's font on its sheets"
    );
    assert!(cells.values().any(|c| c["bold"] == true));
    // The summary links every finding with a cell to it.
    let links: Vec<&str> = d["ws"][SUMMARY]["cells"]
        .as_object()
        .unwrap()
        .values()
        .filter_map(|c| c["link"].as_str())
        .collect();
    let with_cell = json["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["cell"].is_string())
        .count();
    assert!(with_cell >= 10);
    assert_eq!(links.len(), with_cell, "{links:?}");
    assert!(
        links.iter().all(|l| sheets.iter().any(|s| l.contains(s))),
        "{links:?}"
    );
    assert_ne!(d["ws"][SUMMARY]["autofilter"], "None");
}

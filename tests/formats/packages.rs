//! OOXML packages whose workbook part is not at `xl/workbook.xml` (issue 13, item 6): OPC lets
//! it live anywhere and `_rels/.rels` names it. Read, and never named as another format.

use daicho::workbook::{open_bytes, Format, Limits, SkippedKind, SkippedSheet};
use std::io::{Cursor, Read, Write};

/// `fixtures/seed.xlsx` with its parts moved from `xl/` to `excel/` and the workbook part
/// renamed `excel/main.xml` (calamine finds the other parts beside it), and a stray empty
/// `xl/workbook.bin` beside it (what made an .xlsx be called .xlsb).
fn moved_workbook() -> Vec<u8> {
    let bytes = std::fs::read(crate::common::fixture("seed.xlsx")).unwrap();
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let original = entry.name().unwrap().to_string();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        let text = String::from_utf8_lossy(&data)
            .replace("xl/workbook.xml", "excel/main.xml")
            .replace("/xl/", "/excel/");
        let name = match original.as_str() {
            "xl/workbook.xml" => "excel/main.xml".to_string(),
            "xl/_rels/workbook.xml.rels" => "excel/_rels/main.xml.rels".to_string(),
            other => match other.strip_prefix("xl/") {
                Some(rest) => format!("excel/{rest}"),
                None => other.to_string(),
            },
        };
        out.start_file(name, options).unwrap();
        if original.ends_with(".xml") || original.ends_with(".rels") {
            out.write_all(text.as_bytes()).unwrap();
        } else {
            out.write_all(&data).unwrap();
        }
    }
    out.start_file("xl/workbook.bin", options).unwrap();
    out.finish().unwrap().into_inner()
}

#[test]
fn workbook_part_elsewhere_is_read() {
    let bytes = moved_workbook();
    let seed = std::fs::read(crate::common::fixture("seed.xlsx")).unwrap();
    let original = open_bytes(&seed, "xlsx", &Limits::default()).unwrap();
    for ext in ["xlsx", "xlsb", "xlsm"] {
        let book = open_bytes(&bytes, ext, &Limits::default()).unwrap();
        assert_eq!(book.format, Format::Xlsx, ".{ext}");
        assert_eq!(book.sheets[0].name, original.sheets[0].name);
        assert_eq!(
            book.sheets[0].grid.cell_count(),
            original.sheets[0].grid.cell_count()
        );
    }
}

/// A ledger with an Excel 4.0 macro sheet and a dialog sheet beside it
/// (`fixtures/formats/macrosheet.py`): the ledger is read, the other two skipped and listed,
/// and the findings are seed.xlsx's plus one L005 (info) per skipped sheet, saying what it is.
#[test]
fn macro_and_dialog_sheets_are_skipped() {
    let path = crate::common::fixture("formats").join("macrosheet.xlsm");
    let book = daicho::workbook::open_path(&path, &Limits::default()).unwrap();
    let names: Vec<&str> = book.sheets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["機器台帳"]);
    let skipped: Vec<(&str, SkippedKind)> = book
        .skipped
        .iter()
        .map(|s| (s.name.as_str(), s.kind))
        .collect();
    assert_eq!(
        skipped,
        [
            ("Macro1", SkippedKind::Macro),
            ("Dialog1", SkippedKind::Dialog)
        ]
    );
    let mut found = crate::exports::findings(&path);
    let not_read: Vec<serde_json::Value> = found
        .iter()
        .filter(|d| d["code"] == "L005")
        .cloned()
        .collect();
    found.retain(|d| d["code"] != "L005");
    assert_eq!(
        found,
        crate::exports::findings(&crate::common::fixture("seed.xlsx"))
    );
    assert_eq!(not_read.len(), 2, "{not_read:?}");
    for (d, (sheet, what)) in not_read.iter().zip([
        ("Macro1", "Excel 4.0 マクロシート"),
        ("Dialog1", "ダイアログシート"),
    ]) {
        assert_eq!(d["sheet"], sheet);
        assert_eq!(d["severity"], "info");
        assert_eq!(d["name"], "sheet-not-read");
        assert_eq!(d["cell"], serde_json::Value::Null);
        let message = d["message"].as_str().unwrap();
        assert!(message.contains(what), "{message}");
    }
}

/// An .xls with an Excel 4.0 macro sheet or a dialog sheet (`fixtures/formats/sheet_types_xls.py`):
/// its worksheet is read as in ledger.xls, the other sheet skipped.
#[test]
fn xls_macro_and_dialog_sheets_are_skipped() {
    let ledger = daicho::workbook::open_path(
        &crate::common::fixture("reader").join("ledger.xls"),
        &Limits::default(),
    )
    .unwrap();
    for (file, kind, what) in [
        (
            "macrosheet.xls",
            SkippedKind::Macro,
            "Excel 4.0 マクロシート",
        ),
        ("dialogsheet.xls", SkippedKind::Dialog, "ダイアログシート"),
    ] {
        let path = crate::common::fixture("formats").join(file);
        let book = daicho::workbook::open_path(&path, &Limits::default()).unwrap();
        let names: Vec<&str> = book.sheets.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["台帳"], "{file}");
        assert_eq!(
            book.sheets[0].grid.cell_count(),
            ledger.sheets[0].grid.cell_count(),
            "{file}"
        );
        assert_eq!(
            book.skipped,
            [SkippedSheet {
                name: "非表示".into(),
                kind
            }],
            "{file}"
        );
        // The command line reads an .xls in a child process: the skipped sheet comes through
        // its codec into the report.
        let not_read: Vec<serde_json::Value> = crate::exports::findings(&path)
            .into_iter()
            .filter(|d| d["code"] == "L005")
            .collect();
        assert_eq!(not_read.len(), 1, "{file}: {not_read:?}");
        assert_eq!(not_read[0]["sheet"], "非表示", "{file}");
        let message = not_read[0]["message"].as_str().unwrap();
        assert!(message.contains(what), "{file}: {message}");
    }
}

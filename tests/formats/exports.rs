//! The "Excel" files web systems export (issue 13, item 6): Excel 2003 XML (SpreadsheetML) and
//! HTML tables saved as `.xls`, made from `fixtures/seed.xlsx`'s rows by
//! `fixtures/formats/exports.py`. Read through the library and end to end: the same findings as
//! the `.xlsx`.

use daicho::workbook::{open_path, CellValue, Format, Limits};
use serde_json::Value;
use std::path::Path;

fn formats(file: &str) -> std::path::PathBuf {
    crate::common::fixture("formats").join(file)
}

#[test]
fn exports_read_like_the_xlsx() {
    let xlsx = open_path(&crate::common::fixture("seed.xlsx"), &Limits::default()).unwrap();
    let xml = open_path(&formats("seed-2003.xls"), &Limits::default()).unwrap();
    let html = open_path(&formats("seed-html.xls"), &Limits::default()).unwrap();
    assert_eq!(xml.format, Format::SpreadsheetMl);
    assert_eq!(html.format, Format::Html);
    assert_eq!(xml.sheets[0].name, "機器台帳");
    assert_eq!(html.sheets[0].name, "seed-html");
    for book in [&xml, &html] {
        assert_eq!(
            book.sheets[0].grid.cell_count(),
            xlsx.sheets[0].grid.cell_count()
        );
    }
    // SpreadsheetML keeps the cell types: 登録日 is a date, as in the xlsx.
    assert_eq!(xml.sheets[0].grid.get(1, 9), xlsx.sheets[0].grid.get(1, 9));
    assert!(matches!(
        xml.sheets[0].grid.get(1, 9),
        Some(CellValue::DateTime(_))
    ));
    // The HTML page is Shift_JIS.
    assert_eq!(
        html.sheets[0].grid.get(0, 0),
        Some(&CellValue::Text("管理番号".into()))
    );
}

/// The findings of `daicho check --format json` on one file, without the file's path.
pub(crate) fn findings(path: &Path) -> Vec<Value> {
    let out = crate::common::daicho()
        .args(["check", "--format", "json", "--as-of", crate::common::AS_OF])
        .arg(path)
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let file = &json["files"][0];
    assert_eq!(file["error"], Value::Null, "{}", path.display());
    let mut found: Vec<Value> = file["diagnostics"].as_array().unwrap().clone();
    for d in &mut found {
        if let Some(d) = d.as_object_mut() {
            d.remove("path");
        }
    }
    found
}

#[test]
fn exports_give_the_findings_of_the_xlsx() {
    let expected = findings(&crate::common::fixture("seed.xlsx"));
    assert!(!expected.is_empty());
    assert_eq!(
        findings(&formats("seed-2003.xls")),
        expected,
        "SpreadsheetML"
    );
    // An HTML sheet takes the file's name: named as the xlsx's sheet, everything matches.
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("機器台帳.xls");
    std::fs::copy(formats("seed-html.xls"), &html).unwrap();
    assert_eq!(findings(&html), expected, "HTML");
}

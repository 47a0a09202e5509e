//! End-to-end: an item whose original marks both はい and いいえ (C001) is not carried into the
//! filled-in sheet as the text 「はい・いいえ」: its dropdown cell stays blank.

use crate::common::{daicho, fixture, AS_OF};
use daicho::checklist;
use daicho::workbook::{open_path, CellValue, Limits};

#[test]
fn an_answer_marked_both_ways_is_left_blank() {
    // The .xls twin: a values copy carries a filled-in sheet beside the workbook's own checklist
    // (an .xlsx comes back as itself with marks, without a second checklist).
    let input = fixture("checklist/r6_single_column.xls");
    let dir = tempfile::tempdir().expect("tempdir");
    let out = daicho()
        .args(["check", "--annotate", "--as-of", AS_OF, "--out-dir"])
        .arg(dir.path())
        .arg(&input)
        .output()
        .expect("run");
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let book = open_path(
        &dir.path().join("r6_single_column.checked.xlsx"),
        &Limits::default(),
    )
    .expect("annotated workbook");
    let filled = book
        .sheets
        .iter()
        .find(|s| checklist::is_rendered_sheet(s))
        .expect("a filled-in sheet");
    let answer_of = |number: &str| {
        let row = filled
            .grid
            .rows()
            .iter()
            .find(|r| r.get(0).and_then(CellValue::as_text) == Some(number))
            .unwrap_or_else(|| panic!("item {number} not on the filled sheet"));
        row.get(3).map(CellValue::display).unwrap_or_default()
    };
    // 3-(1) was 「はい・いいえ」 in the original (C001 there); its neighbours carry over.
    assert_eq!(answer_of("3-(1)"), "");
    assert_eq!(answer_of("3-(2)"), "はい");
    assert_eq!(answer_of("3-(3)"), "いいえ");
    let no_both = book
        .sheets
        .iter()
        .filter(|s| checklist::is_rendered_sheet(s))
        .flat_map(|s| s.grid.rows().iter())
        .flat_map(|r| r.cells.iter())
        .all(|(_, v)| v.as_text() != Some("はい・いいえ"));
    assert!(no_both, "「はい・いいえ」 carried into a filled-in sheet");
}

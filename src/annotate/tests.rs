//! Builds annotated workbooks in memory and reads them back with calamine (a different library
//! from the writer) and daicho's own reader.

use super::*;
use crate::engine::analyze;
use crate::workbook::{CellValue, Sheet};
use crate::workbook::{Format, Grid, Limits, Merge, Workbook};
use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use std::io::{Cursor, Read};

fn text(s: &str) -> CellValue {
    CellValue::Text(s.to_string())
}

fn date(y: i32, m: u32, d: u32) -> CellValue {
    CellValue::DateTime(
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .unwrap_or_default(),
    )
}

/// A small ledger: a merged title, a header in row 3, devices with every value type, text that
/// looks like formulas, and a planted problem or two.
fn ledger_workbook() -> Workbook {
    let mut cells = vec![
        (0, 0, text("機器台帳(テスト病院)")),
        (2, 0, text("管理番号")),
        (2, 1, text("OS")),
        (2, 2, text("IPアドレス")),
        (2, 3, text("設置場所")),
        (2, 4, text("登録日")),
        (2, 5, text("状態")),
        (2, 6, text("備考")),
    ];
    let rows: Vec<[CellValue; 7]> = vec![
        [
            text("001"),
            text("Windows 11 Pro 24H2"),
            text("192.168.1.10"),
            text("1F 受付"),
            date(2024, 4, 1),
            text("稼働"),
            text("=SUM(A1:A2)"),
        ],
        [
            text("002"),
            text("Win8"),
            text("192.168.〇.〇"),
            text("〇〇室"),
            date(2014, 10, 1),
            text("稼働"),
            text("+81-3-0000"),
        ],
        [
            text("003"),
            text("Windows Server 2019"),
            text("192.168.1.300"),
            text("サーバ室"),
            CellValue::Number(45000.5),
            text("稼働"),
            text("@mention"),
        ],
        [
            CellValue::Number(4.0),
            text("Windows 11 Pro 24H2"),
            text("192.168.1.11"),
            text("2F"),
            date(2023, 1, 2),
            text("稼働"),
            CellValue::Bool(true),
        ],
        [
            text("005"),
            text("Windows 11 Pro 24H2"),
            text("192.168.1.12"),
            text("-"),
            date(2023, 1, 2),
            text("稼働"),
            CellValue::Error("#DIV/0!".into()),
        ],
    ];
    for (i, row) in rows.into_iter().enumerate() {
        for (c, v) in row.into_iter().enumerate() {
            cells.push((3 + i as u32, c as u32, v));
        }
    }
    cells.push((
        8,
        0,
        CellValue::DateTime(
            NaiveDate::from_ymd_opt(2024, 5, 6)
                .and_then(|d| d.and_hms_opt(13, 45, 0))
                .unwrap_or_default(),
        ),
    ));
    let ledger = Sheet {
        name: "機器台帳".into(),
        hidden: false,
        grid: Grid::from_cells(cells),
        merges: vec![
            Merge {
                first_row: 0,
                first_col: 0,
                last_row: 0,
                last_col: 6,
            },
            // Overlaps the title: must be skipped, not break the file.
            Merge {
                first_row: 0,
                first_col: 5,
                last_row: 1,
                last_col: 7,
            },
        ],
    };
    let notes = Sheet {
        name: "メモ".into(),
        hidden: false,
        grid: Grid::from_cells(vec![(0, 0, text("更新履歴")), (1, 1, text("-"))]),
        merges: vec![],
    };
    Workbook::new(Format::Xlsx, vec![ledger, notes])
}

fn settings() -> Settings {
    Settings::new(NaiveDate::from_ymd_opt(2026, 11, 25).unwrap_or_default())
}

fn build_bytes(wb: &Workbook, options: Options) -> (Vec<u8>, Stats) {
    let s = settings();
    let analysis = analyze(wb, &s);
    let (mut book, stats) = build(&analysis, &s, "test.xlsx", options).expect("build");
    (book.save_to_buffer().expect("save"), stats)
}

/// The value calamine reads, in the same terms as the input.
fn same(input: &CellValue, output: &Data) -> bool {
    match (input, output) {
        (CellValue::Text(a), Data::String(b)) => a == b,
        (CellValue::Error(a), Data::String(b)) => a == b,
        (CellValue::Number(a), Data::Float(b)) => a == b,
        (CellValue::Number(a), Data::Int(b)) => *a == *b as f64,
        (CellValue::Bool(a), Data::Bool(b)) => a == b,
        (CellValue::DateTime(a), Data::DateTime(b)) => b
            .as_datetime()
            .is_some_and(|b| (b - *a).num_seconds().abs() < 1),
        _ => false,
    }
}

fn check_round_trip(bytes: &[u8], wb: &Workbook) {
    let mut x: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes)).expect("calamine opens the output");
    let names = x.sheet_names();
    assert_eq!(names[0], SUMMARY_SHEET_NAME);
    assert_eq!(
        &names[1..=wb.sheets.len()],
        wb.sheets
            .iter()
            .map(|s| s.name.clone())
            .collect::<Vec<_>>()
            .as_slice()
    );
    for sheet in &wb.sheets {
        let range = x.worksheet_range(&sheet.name).expect("sheet");
        for row in sheet.grid.rows() {
            for (c, v) in &row.cells {
                let got = range
                    .get_value((row.index, *c))
                    .cloned()
                    .unwrap_or(Data::Empty);
                assert!(
                    same(v, &got),
                    "{}!{}: {v:?} became {got:?}",
                    sheet.name,
                    crate::address::a1(row.index, *c)
                );
            }
        }
        let formulas = x.worksheet_formula(&sheet.name).expect("formulas");
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "no formula in {}",
            sheet.name
        );
    }
}

fn zip_text(bytes: &[u8], prefix: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
    let mut all = String::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).expect("entry");
        if f.name().is_ok_and(|n| n.starts_with(prefix)) {
            let _ = f.read_to_string(&mut all);
        }
    }
    all
}

/// The notes XML of the n-th worksheet (1-based), found through the sheet's relationships.
fn sheet_notes(bytes: &[u8], n: usize) -> String {
    let rels = zip_text(bytes, &format!("xl/worksheets/_rels/sheet{n}.xml.rels"));
    let Some(start) = rels.find("../comments") else {
        return String::new();
    };
    let target: String = rels[start + 3..]
        .chars()
        .take_while(|c| *c != '"')
        .collect();
    zip_text(bytes, &format!("xl/{target}"))
}

#[test]
fn values_types_and_names_survive() {
    let wb = ledger_workbook();
    let (bytes, stats) = build_bytes(&wb, Options::default());
    check_round_trip(&bytes, &wb);
    assert!(stats.flagged_cells >= 3, "{stats:?}");
    assert_eq!(stats.notes_left_out, 0);
    // Every flagged cell has a note, and no font is Calibri.
    let comments = sheet_notes(&bytes, 2);
    assert_eq!(comments.matches("<comment ").count(), stats.notes);
    assert!(
        comments.contains("IP002") && comments.contains("placeholder-ip"),
        "{comments}"
    );
    let styles = zip_text(&bytes, "xl/styles.xml");
    assert!(!styles.contains("Calibri"), "{styles}");
    // The internal links quote the Japanese sheet name.
    let summary = zip_text(&bytes, "xl/worksheets/sheet1.xml");
    assert!(summary.contains("location=\"'機器台帳'!"), "{summary}");
    // The title merge is kept, the overlapping one dropped.
    let sheet2 = zip_text(&bytes, "xl/worksheets/sheet2.xml");
    assert!(
        sheet2.contains("<mergeCell ref=\"A1:G1\"/>") && sheet2.matches("<mergeCell ").count() == 1,
        "{sheet2}"
    );
    assert!(
        sheet2.contains("<pane ") && sheet2.contains("topLeftCell=\"A4\""),
        "frozen under the header: {sheet2}"
    );
}

#[test]
fn constant_memory_and_capped_notes_keep_every_value_and_fill() {
    let wb = ledger_workbook();
    let options = Options {
        max_notes: 1,
        constant_memory_cells: 0,
    };
    let (bytes, stats) = build_bytes(&wb, options);
    check_round_trip(&bytes, &wb);
    assert_eq!(stats.notes, 1);
    assert_eq!(stats.notes_left_out, stats.flagged_cells - 1);
    assert_eq!(sheet_notes(&bytes, 2).matches("<comment ").count(), 1);
    let mut x: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes.as_slice())).expect("open");
    let styles = x.worksheet_style("機器台帳").expect("styles");
    let filled = styles
        .cells()
        .filter(|(_, _, st)| {
            st.fill
                .as_ref()
                .and_then(|f| f.get_color())
                .is_some_and(|c| (c.red, c.green, c.blue) == (0xFF, 0xC7, 0xCD))
        })
        .count();
    assert!(
        filled >= 2,
        "error fills on Win8 and the placeholder IP: {filled}"
    );
    let summary = x.worksheet_range(SUMMARY_SHEET_NAME).expect("summary");
    let left_out = summary
        .used_cells()
        .any(|(_, _, v)| matches!(v, Data::String(s) if s.contains("残り")));
    assert!(left_out, "the summary says notes were left out");
    let summary_xml = zip_text(&bytes, "xl/worksheets/sheet1.xml");
    assert!(
        summary_xml.contains("location=\"'機器台帳'!C5\""),
        "links in constant-memory mode: {summary_xml}"
    );
    // Each row once: a row number written twice makes Excel offer to repair the file (the
    // constant-memory writer did that for a last row whose height was set after its cells).
    let rows = row_numbers(&summary_xml);
    let mut unique = rows.clone();
    unique.dedup();
    assert_eq!(rows, unique, "summary rows in constant-memory mode");
    // The last `<row>` is the empty cell that ends the streamed rows; the one before it is the
    // last finding's.
    let last_finding_has_height = summary_xml
        .rsplit("<row ")
        .nth(1)
        .is_some_and(|r| r.contains("customHeight"));
    assert!(
        last_finding_has_height,
        "the case this guards: the last finding's row is sized to its wrapped text"
    );
}

/// The `r` numbers of a worksheet's `<row>` elements, in document order.
fn row_numbers(sheet_xml: &str) -> Vec<u32> {
    sheet_xml
        .split("<row ")
        .skip(1)
        .filter_map(|rest| rest.split("r=\"").nth(1)?.split('"').next()?.parse().ok())
        .collect()
}

#[test]
fn a_checked_copy_is_recognised_and_not_linted_again() {
    let wb = ledger_workbook();
    let (bytes, _) = build_bytes(&wb, Options::default());
    let reread = crate::workbook::open_bytes(&bytes, "xlsx", &Limits::default())
        .expect("daicho reads its own output");
    assert!(is_daicho_sheet(&reread.sheets[0]));
    // The copies of the originals are data again; only daicho's own sheets are recognised.
    assert!(!reread.sheets[1..=wb.sheets.len()]
        .iter()
        .any(is_daicho_sheet));
    let s = settings();
    let original = analyze(&wb, &s);
    let again = analyze(&reread, &s);
    assert!(again
        .findings
        .iter()
        .all(|f| f.sheet.as_deref() != Some(SUMMARY_SHEET_NAME)));
    assert_eq!(again.findings.len(), original.findings.len());
    // Annotating the checked copy again does not copy the old summary a second time.
    let (bytes2, _) = build_bytes(&reread, Options::default());
    let x: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes2.as_slice())).expect("open");
    assert_eq!(
        x.sheet_names()[..3],
        [
            SUMMARY_SHEET_NAME.to_string(),
            "機器台帳".into(),
            "メモ".into()
        ]
    );
    assert!(x.sheet_names()[3..]
        .iter()
        .all(|n| n != "メモ" && !n.starts_with(SUMMARY_SHEET_NAME)));
}

#[test]
fn a_long_or_invalid_csv_sheet_name_is_made_valid_and_links_follow() {
    let name = format!("{}[最新]", "とても長いファイル名の台帳".repeat(3));
    let mut wb = ledger_workbook();
    wb.sheets.truncate(1);
    wb.sheets[0].name = name;
    let s = settings();
    let analysis = analyze(&wb, &s);
    let (mut book, _) = build(&analysis, &s, "x.csv", Options::default()).expect("build");
    let bytes = book.save_to_buffer().expect("save");
    let x: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.as_slice())).expect("open");
    let out_name = x.sheet_names()[1].clone();
    assert!(
        out_name.encode_utf16().count() <= 31 && !out_name.contains('['),
        "{out_name}"
    );
    let summary = zip_text(&bytes, "xl/worksheets/sheet1.xml");
    assert!(
        summary.contains(&format!("location=\"'{out_name}'!")),
        "{summary}"
    );
}

#[test]
fn a_summary_sheet_name_taken_by_the_input_is_not_reused() {
    let mut wb = ledger_workbook();
    wb.sheets[1].name = SUMMARY_SHEET_NAME.into();
    let (bytes, _) = build_bytes(&wb, Options::default());
    let x: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.as_slice())).expect("open");
    assert_eq!(
        x.sheet_names()[..3],
        [
            "チェック結果 (2)".to_string(),
            "機器台帳".into(),
            SUMMARY_SHEET_NAME.into()
        ]
    );
}

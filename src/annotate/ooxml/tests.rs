//! The patcher on workbooks made here with rust_xlsxwriter (real Excel- and LibreOffice-saved
//! files are exercised by `tests/patch.rs` with openpyxl and LibreOffice).

use super::*;
use calamine::{Data, Reader, Xlsx};
use rust_xlsxwriter::{DataValidation, Format, Formula, Note, Url, Workbook};
use std::io::{Cursor, Read};

fn user_workbook() -> Vec<u8> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("台帳").unwrap();
    let id = Format::new().set_num_format("\"DC-\"000");
    ws.write(0, 0, "管理番号").unwrap();
    ws.write(0, 1, "機器名").unwrap();
    ws.write(0, 2, "IP").unwrap();
    ws.write_with_format(1, 0, 25, &id).unwrap();
    ws.write(1, 1, "輸液ポンプ").unwrap();
    ws.write(1, 2, "192.168.1.300").unwrap();
    ws.write_with_format(2, 0, 26, &id).unwrap();
    ws.write(2, 1, "心電計").unwrap();
    ws.write_formula(3, 0, Formula::new("=A2+A3").set_result("51"))
        .unwrap();
    ws.insert_note(1, 1, &Note::new("利用者のメモ").set_author("山田"))
        .unwrap();
    let dv = DataValidation::new()
        .allow_list_strings(&["稼働", "廃棄"])
        .unwrap();
    ws.add_data_validation(1, 3, 20, 3, &dv).unwrap();
    ws.set_column_width(1, 30).unwrap();
    book.add_worksheet().set_name("メモ").unwrap();
    book.define_name("台帳!Print_Area", "=台帳!$A$1:$C$4")
        .unwrap();
    book.save_to_buffer().unwrap()
}

fn summary_workbook() -> Vec<u8> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("チェック結果").unwrap();
    ws.write(0, 0, "daicho チェック結果").unwrap();
    ws.write_with_format(
        1,
        0,
        "太字",
        &Format::new().set_bold().set_num_format("0.000"),
    )
    .unwrap();
    ws.write_url(2, 0, Url::new("internal:'台帳'!C2").set_text("台帳!C2"))
        .unwrap();
    ws.insert_note(2, 1, &Note::new("要約のメモ")).unwrap();
    ws.autofilter(1, 0, 2, 1).unwrap();
    book.save_to_buffer().unwrap()
}

fn mark(row: u32, col: u32, argb: &str, note: Option<&str>) -> CellMark {
    CellMark {
        row,
        col,
        fill_argb: argb.to_string(),
        note: note.map(str::to_string),
        write_text: None,
    }
}

fn first_plan() -> PatchPlan {
    PatchPlan {
        marks: vec![SheetMarks {
            sheet_name: "台帳".into(),
            cells: vec![
                mark(1, 1, "FFFFC7CE", Some("【エラー】B2")),
                mark(1, 2, "FFFFC7CE", Some("【エラー】IP")),
                mark(2, 4, "FFFFEB9C", Some("【警告】E3 は空")),
                mark(9, 3, "FFDDEBF7", None),
                CellMark {
                    write_text: Some("はい".into()),
                    ..mark(6, 0, "FFF8CBAD", Some("daichoによる提案"))
                },
            ],
        }],
        remove_sheets: vec![],
        added_sheets: vec![AddedSheet {
            xlsx: summary_workbook(),
            first: true,
            active: true,
        }],
        proposal_fill: None,
        mark_fills: Vec::new(),
        outlines: Vec::new(),
    }
}

fn part(pkg: &[u8], name: &str) -> String {
    let mut z = zip::ZipArchive::new(Cursor::new(pkg)).unwrap();
    let mut f = z.by_name(name).unwrap();
    let mut s = String::new();
    f.read_to_string(&mut s).unwrap();
    s
}

fn values(pkg: &[u8], sheet: &str) -> Vec<(usize, usize, String)> {
    let mut x: Xlsx<_> = Xlsx::new(Cursor::new(pkg.to_vec())).unwrap();
    let r = x.worksheet_range(sheet).unwrap();
    r.cells()
        .filter(|(_, _, v)| !matches!(v, Data::Empty))
        .map(|(a, b, v)| {
            (
                a + r.start().unwrap().0 as usize,
                b + r.start().unwrap().1 as usize,
                v.to_string(),
            )
        })
        .collect()
}

/// (row, col) → xf index of every cell in a sheet part.
fn cell_styles(sheet: &str) -> BTreeMap<(u32, u32), u32> {
    let mut out = BTreeMap::new();
    for c in xml::elements(sheet, "c", 0, sheet.len()) {
        let tag = &sheet[c.start..c.tag_end];
        let at = xml::attr(tag, "r")
            .and_then(|r| xml::parse_ref(&r))
            .unwrap();
        out.insert(
            at,
            xml::attr(tag, "s")
                .and_then(|s| s.parse().ok())
                .unwrap_or(0),
        );
    }
    out
}

#[test]
fn marks_are_added_and_everything_else_stays() {
    let input = user_workbook();
    let out = patch(&input, &first_plan()).unwrap();

    // Sheets: the summary first and the only selected one.
    let wb = part(&out, "xl/workbook.xml");
    let names: Vec<String> = workbook::Workbook::parse(wb.clone())
        .unwrap()
        .sheets
        .iter()
        .map(|s| s.name.clone())
        .collect();
    assert_eq!(names, ["チェック結果", "台帳", "メモ"]);
    assert!(wb.contains("activeTab=\"0\""), "{wb}");
    assert!(
        wb.contains("localSheetId=\"1\">台帳!$A$1:$C$4"),
        "the print area follows its sheet: {wb}"
    );
    assert!(
        wb.contains("localSheetId=\"0\">チェック結果!$A$2:$B$3"),
        "the summary's filter: {wb}"
    );
    let ledger = part(&out, "xl/worksheets/sheet1.xml");
    assert!(!ledger.contains("tabSelected"), "{ledger}");
    let summary_part = part(&out, "xl/worksheets/sheet3.xml");
    assert!(summary_part.contains("tabSelected=\"1\""));
    assert!(
        summary_part.contains("t=\"inlineStr\""),
        "shared strings became inline: {summary_part}"
    );
    assert!(summary_part.contains("location="), "internal link kept");

    // Values and formulas unchanged; the proposal written into the blank cell.
    let mut before = values(&input, "台帳");
    before.push((6, 0, "はい".into()));
    before.sort();
    let mut after = values(&out, "台帳");
    after.sort();
    assert_eq!(before, after);
    let mut x: Xlsx<_> = Xlsx::new(Cursor::new(out.clone())).unwrap();
    let f = x.worksheet_formula("台帳").unwrap();
    assert!(f.cells().any(|(_, _, v)| v == "A2+A3"));
    assert_eq!(values(&out, "チェック結果")[0].2, "daicho チェック結果");

    // Fills: derived from each cell's own format.
    let styles = styles::Styles::parse(part(&out, "xl/styles.xml")).unwrap();
    let st = cell_styles(&ledger);
    let orig = cell_styles(&part(&input, "xl/worksheets/sheet1.xml"));
    for at in [(1, 1), (1, 2), (2, 4), (9, 3), (6, 0)] {
        let s = st[&at];
        assert!(styles.original_of(s).is_some(), "{at:?} is marked");
        assert_eq!(
            styles.original_of(s),
            Some(orig.get(&at).copied().unwrap_or(0))
        );
    }
    // Untouched cells keep their format.
    assert_eq!(st[&(1, 0)], orig[&(1, 0)]);

    // Notes: the user's kept with daicho's below; the new ones added.
    let notes = noted_cells(&out).unwrap();
    assert_eq!(
        notes["台帳"].iter().copied().collect::<Vec<_>>(),
        [(1, 1), (1, 2), (2, 4), (6, 0)]
    );
    let comments = part(&out, "xl/comments1.xml");
    assert!(comments.contains("利用者のメモ") && comments.contains(NOTE_DELIMITER));
    assert!(notes["チェック結果"].contains(&(2, 1)));

    // Entries the marks did not need are byte-identical raw copies.
    let mut a = zip::ZipArchive::new(Cursor::new(&input[..])).unwrap();
    let mut b = zip::ZipArchive::new(Cursor::new(&out[..])).unwrap();
    for name in [
        "xl/theme/theme1.xml",
        "docProps/core.xml",
        "xl/worksheets/sheet2.xml",
        "xl/sharedStrings.xml",
    ] {
        let mut ra = Vec::new();
        a.by_name_raw(name.as_bytes())
            .unwrap()
            .read_to_end(&mut ra)
            .unwrap();
        let mut rb = Vec::new();
        b.by_name_raw(name.as_bytes())
            .unwrap()
            .read_to_end(&mut rb)
            .unwrap();
        assert_eq!(ra, rb, "{name}");
    }
}

#[test]
fn a_second_run_replaces_the_marks_without_doubling() {
    let first = patch(&user_workbook(), &first_plan()).unwrap();
    let styles_after_first = part(&first, "xl/styles.xml").len();
    // Second run: C2 fixed, E3 and B2 still wrong.
    let mut plan = first_plan();
    plan.marks[0].cells.retain(|c| (c.row, c.col) != (1, 2));
    plan.remove_sheets = vec!["チェック結果".into()];
    let second = patch(&first, &plan).unwrap();
    let wb = workbook::Workbook::parse(part(&second, "xl/workbook.xml")).unwrap();
    let names: Vec<&str> = wb.sheets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["チェック結果", "台帳", "メモ"]);
    let ledger_part = part(&second, "xl/worksheets/sheet1.xml");
    let st = cell_styles(&ledger_part);
    let styles = styles::Styles::parse(part(&second, "xl/styles.xml")).unwrap();
    assert_eq!(
        styles.original_of(st[&(1, 2)]),
        None,
        "the fixed cell lost its fill"
    );
    assert!(styles.original_of(st[&(1, 1)]).is_some());
    assert_eq!(
        part(&second, "xl/styles.xml").len(),
        styles_after_first + summary_styles_growth(&first, &second),
        "marks reuse the formats of the first run"
    );
    let comments = part(&second, "xl/comments1.xml");
    assert_eq!(comments.matches(NOTE_DELIMITER).count(), 3, "{comments}");
    assert_eq!(comments.matches("利用者のメモ").count(), 1);
    let notes = noted_cells(&second).unwrap();
    assert!(
        !notes["台帳"].contains(&(1, 2)),
        "the fixed cell's note is gone"
    );
    // A third run with nothing wrong leaves only the user's note and no daicho format in use.
    let clean = PatchPlan {
        remove_sheets: vec!["チェック結果".into()],
        ..PatchPlan::default()
    };
    let third = patch(&second, &clean).unwrap();
    let notes = noted_cells(&third).unwrap();
    assert_eq!(notes["台帳"].iter().copied().collect::<Vec<_>>(), [(1, 1)]);
    let styles = styles::Styles::parse(part(&third, "xl/styles.xml")).unwrap();
    let st = cell_styles(&part(&third, "xl/worksheets/sheet1.xml"));
    assert!(st.values().all(|s| styles.original_of(*s).is_none()));
    let wb = part(&third, "xl/workbook.xml");
    assert!(!wb.contains("チェック結果"));
    assert!(wb.contains("localSheetId=\"0\">台帳!$A$1:$C$4"), "{wb}");
}

/// The styles the re-added summary appends again (its own formats, not marks).
fn summary_styles_growth(first: &[u8], second: &[u8]) -> usize {
    part(second, "xl/styles.xml").len() - part(first, "xl/styles.xml").len()
}

#[test]
fn packages_that_cannot_be_patched_say_why() {
    assert!(matches!(
        patch(b"not a zip", &PatchPlan::default()),
        Err(PatchError::NotAPackage(_))
    ));
    let ole = [0xD0, 0xCF, 0x11, 0xE0, 0, 0, 0, 0];
    assert_eq!(
        patch(&ole, &PatchPlan::default()),
        Err(PatchError::Encrypted)
    );
    let input = user_workbook();
    let plan = PatchPlan {
        marks: vec![SheetMarks {
            sheet_name: "無い".into(),
            cells: vec![mark(0, 0, "FFFFC7CE", None)],
        }],
        ..PatchPlan::default()
    };
    assert_eq!(
        patch(&input, &plan),
        Err(PatchError::SheetNotFound("無い".into()))
    );
    // Strict OOXML.
    let strict = rewrite_part(&input, "xl/workbook.xml", |s| {
        s.replace(NS_MAIN, "http://purl.oclc.org/ooxml/spreadsheetml/main")
    });
    assert!(matches!(
        patch(&strict, &first_plan()),
        Err(PatchError::Unsupported(_))
    ));
    // A worksheet written with a namespace prefix.
    let prefixed = rewrite_part(&input, "xl/worksheets/sheet1.xml", |s| {
        s.replace("<worksheet xmlns=", "<x:worksheet xmlns:x=")
            .replace("</worksheet>", "</x:worksheet>")
    });
    assert!(matches!(
        patch(&prefixed, &first_plan()),
        Err(PatchError::Unsupported(_))
    ));
    // No styles part.
    let mut z = zip::ZipArchive::new(Cursor::new(&input[..])).unwrap();
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..z.len() {
        let f = z.by_index_raw(i).unwrap();
        if f.name().unwrap() != "xl/styles.xml" {
            w.raw_copy_file(f).unwrap();
        }
    }
    let no_styles = w.finish().unwrap().into_inner();
    assert!(matches!(
        patch(&no_styles, &first_plan()),
        Err(PatchError::MissingPart(_))
    ));
}

fn rewrite_part(pkg: &[u8], name: &str, mut f: impl FnMut(&str) -> String) -> Vec<u8> {
    use std::io::Write;
    let mut z = zip::ZipArchive::new(Cursor::new(pkg)).unwrap();
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..z.len() {
        let n = z.by_index_raw(i).unwrap().name().unwrap().to_string();
        if n == name {
            let mut s = String::new();
            z.by_index(i).unwrap().read_to_string(&mut s).unwrap();
            w.start_file(n.as_str(), zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(f(&s).as_bytes()).unwrap();
        } else {
            w.raw_copy_file(z.by_index_raw(i).unwrap()).unwrap();
        }
    }
    w.finish().unwrap().into_inner()
}

#[test]
fn legacy_drawing_goes_where_the_schema_puts_it() {
    let doc = r#"<worksheet xmlns="x"><sheetData/><pageMargins/><pageSetup/><headerFooter/><drawing r:id="rId1"/><tableParts count="1"/><extLst/></worksheet>"#;
    let out = sheet::insert_child(doc, "legacyDrawing", "<legacyDrawing r:id=\"rId9\"/>").unwrap();
    assert!(
        out.contains(r#"<drawing r:id="rId1"/><legacyDrawing r:id="rId9"/><tableParts"#),
        "{out}"
    );
    let bare = r#"<worksheet xmlns="x"><sheetData/></worksheet>"#;
    let out = sheet::insert_child(bare, "legacyDrawing", "<L/>").unwrap();
    assert_eq!(out, r#"<worksheet xmlns="x"><sheetData/><L/></worksheet>"#);
}

#[test]
fn an_unconfirmed_proposal_is_taken_out_before_marking_again() {
    let mut plan = first_plan();
    plan.proposal_fill = Some("F8CBAD".into());
    let first = patch(&user_workbook(), &plan).unwrap();
    let found = marked_text_cells(&first, "F8CBAD").unwrap();
    assert_eq!(found["台帳"].iter().copied().collect::<Vec<_>>(), [(6, 0)]);
    // Proposed again: still one proposal.
    plan.remove_sheets = vec!["チェック結果".into()];
    let second = patch(&first, &plan).unwrap();
    let vals = values(&second, "台帳");
    assert_eq!(
        vals.iter().filter(|(r, c, _)| (*r, *c) == (6, 0)).count(),
        1
    );
    // No longer proposed: the cell is blank again and unmarked.
    plan.marks[0].cells.retain(|c| c.write_text.is_none());
    let third = patch(&second, &plan).unwrap();
    assert!(values(&third, "台帳")
        .iter()
        .all(|(r, c, _)| (*r, *c) != (6, 0)));
    assert!(marked_text_cells(&third, "F8CBAD").unwrap().is_empty());
    let notes = noted_cells(&third).unwrap();
    assert!(!notes["台帳"].contains(&(6, 0)));
    // A proposal the user confirmed by typing over it stays (a shared string is not daicho's).
    let typed = rewrite_part(&second, "xl/worksheets/sheet1.xml", |s| {
        s.replace(
            "t=\"inlineStr\"><is><t xml:space=\"preserve\">はい</t></is>",
            "t=\"str\"><v>はい</v>",
        )
    });
    let fourth = patch(&typed, &plan).unwrap();
    assert!(values(&fourth, "台帳")
        .iter()
        .any(|(r, c, v)| (*r, *c) == (6, 0) && v == "はい"));
}

/// Damaged XML in any part the patcher reads gives a result or a `PatchError`, never a panic.
#[test]
fn damaged_parts_never_panic() {
    let first = patch(&user_workbook(), &first_plan()).unwrap();
    let parts = [
        "xl/workbook.xml",
        "xl/styles.xml",
        "xl/worksheets/sheet1.xml",
        "xl/worksheets/_rels/sheet1.xml.rels",
        "xl/comments1.xml",
        "xl/drawings/vmlDrawing1.vml",
        "[Content_Types].xml",
        "_rels/.rels",
        "xl/_rels/workbook.xml.rels",
    ];
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n.max(1) as u64) as usize
    };
    let mut plan = first_plan();
    plan.remove_sheets = vec!["チェック結果".into()];
    plan.proposal_fill = Some("F8CBAD".into());
    for round in 0..400 {
        let name = parts[round % parts.len()];
        let damaged = rewrite_part(&first, name, |s| {
            let mut b: Vec<char> = s.chars().collect();
            match next(4) {
                0 => b.truncate(next(b.len())),
                1 => {
                    for _ in 0..4 {
                        let i = next(b.len());
                        if i < b.len() {
                            b[i] = ['<', '>', '"', '/', '=', 'x', '0'][next(7)];
                        }
                    }
                }
                2 => {
                    let i = next(b.len());
                    let j = (i + next(200)).min(b.len());
                    b.drain(i..j);
                }
                _ => {
                    let i = next(b.len());
                    let extra: Vec<char> = "<c r=\"ZZZZ0\" s=\"99999\"/>".chars().collect();
                    b.splice(i..i, extra);
                }
            }
            b.into_iter().collect()
        });
        let result = std::panic::catch_unwind(|| {
            let _ = patch(&damaged, &plan);
            let _ = marked_text_cells(&damaged, "F8CBAD");
            let _ = noted_cells(&damaged);
            let _ = is_macro_enabled(&damaged);
        });
        assert!(
            result.is_ok(),
            "round {round}: {name} damaged made the patcher panic"
        );
    }
}

fn add_part(pkg: &[u8], name: &str, content: &str) -> Vec<u8> {
    use std::io::Write;
    let mut z = zip::ZipArchive::new(Cursor::new(pkg)).unwrap();
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..z.len() {
        w.raw_copy_file(z.by_index_raw(i).unwrap()).unwrap();
    }
    w.start_file(name, zip::write::SimpleFileOptions::default())
        .unwrap();
    w.write_all(content.as_bytes()).unwrap();
    w.finish().unwrap().into_inner()
}

#[test]
fn a_threaded_comment_cell_gets_its_fill_but_no_note() {
    let input = rewrite_part(
        &user_workbook(),
        "xl/worksheets/_rels/sheet1.xml.rels",
        |s| {
            s.replace(
            "</Relationships>",
            "<Relationship Id=\"rId9\" Type=\"http://schemas.microsoft.com/office/2017/10/relationships/threadedComment\" Target=\"../threadedComments/threadedComment1.xml\"/></Relationships>",
        )
        },
    );
    let input = add_part(
        &input,
        "xl/threadedComments/threadedComment1.xml",
        "<ThreadedComments xmlns=\"http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments\"><threadedComment ref=\"C2\" id=\"{1}\"><text>thread</text></threadedComment></ThreadedComments>",
    );
    let out = patch(&input, &first_plan()).unwrap();
    let notes = noted_cells(&out).unwrap();
    assert!(
        !notes["台帳"].contains(&(1, 2)),
        "no note on the threaded cell"
    );
    assert!(notes["台帳"].contains(&(2, 4)));
    let styles = styles::Styles::parse(part(&out, "xl/styles.xml")).unwrap();
    let st = cell_styles(&part(&out, "xl/worksheets/sheet1.xml"));
    assert!(
        styles.original_of(st[&(1, 2)]).is_some(),
        "the fill is there"
    );
}

#[test]
fn a_drawing_without_notes_gets_note_shapes_added_not_replaced() {
    // The user's VML without its comments part: as a sheet whose drawing holds form controls.
    let base = user_workbook();
    let rels = part(&base, "xl/worksheets/_rels/sheet1.xml.rels");
    let comments_id = package::parse_rels(&rels)
        .into_iter()
        .find(|r| r.kind == package::REL_COMMENTS)
        .unwrap()
        .id;
    let input = rewrite_part(&base, "xl/worksheets/_rels/sheet1.xml.rels", |s| {
        let mut out = s.to_string();
        let start = out
            .find(&format!("<Relationship Id=\"{comments_id}\""))
            .unwrap();
        let end = start + out[start..].find("/>").unwrap() + 2;
        out.replace_range(start..end, "");
        out
    });
    let vml_before = part(&input, "xl/drawings/vmlDrawing1.vml");
    let out = patch(&input, &first_plan()).unwrap();
    let sheet = part(&out, "xl/worksheets/sheet1.xml");
    assert_eq!(sheet.matches("<legacyDrawing").count(), 1, "{sheet}");
    let vml = part(&out, "xl/drawings/vmlDrawing1.vml");
    assert!(
        vml.starts_with(&vml_before[..vml_before.rfind("</xml>").unwrap()]),
        "shapes appended"
    );
    assert_eq!(vml.matches("ObjectType=\"Note\"").count(), 1 + 4);
    let notes = noted_cells(&out).unwrap();
    assert_eq!(notes["台帳"].len(), 4);
}

/// A large sheet is streamed (never inflated whole) into the same package as when it is edited
/// in memory: existing cells restyled, cells and rows created, notes, the selection moved, and
/// a second run restoring the first run's marks.
#[test]
fn a_large_sheet_streamed_comes_out_as_edited_in_memory() {
    let mut book = Workbook::new();
    // A large sheet without marks, selected: its selection is cleared as it streams.
    let kept = book.add_worksheet();
    kept.set_name("控え").unwrap();
    for r in 0..30_000u32 {
        kept.write(r, 0, format!("控え{r:06} 本館1階 外来受付"))
            .unwrap();
    }
    let ws = book.add_worksheet();
    ws.set_name("台帳").unwrap();
    for r in 0..30_000u32 {
        ws.write(r, 0, format!("PC-{r:06}")).unwrap();
        ws.write(r, 1, "本館1階 外来受付").unwrap();
        if r % 3 != 0 {
            ws.write(r, 2, f64::from(r)).unwrap();
        }
    }
    let input = book.save_to_buffer().unwrap();
    assert!(part(&input, "xl/worksheets/sheet1.xml").len() > 1 << 20);
    assert!(part(&input, "xl/worksheets/sheet1.xml").contains("tabSelected=\"1\""));
    assert!(part(&input, "xl/worksheets/sheet2.xml").len() > 1 << 20);
    let mut cells = Vec::new();
    for r in (5..30_000).step_by(97) {
        cells.push(mark(r, 0, "FFFFC7CE", (r % 2 == 0).then_some("【エラー】")));
        cells.push(mark(r, 2, "FFFFEB9C", None));
        cells.push(mark(r, 5, "FFDDEBF7", None));
    }
    cells.push(mark(40_000, 1, "FFFFC7CE", Some("新しい行")));
    let plan = PatchPlan {
        marks: vec![SheetMarks {
            sheet_name: "台帳".into(),
            cells,
        }],
        added_sheets: vec![AddedSheet {
            xlsx: summary_workbook(),
            first: true,
            active: true,
        }],
        ..Default::default()
    };
    let same_parts = |a: &[u8], b: &[u8]| {
        let names = |p: &[u8]| -> Vec<String> {
            let z = zip::ZipArchive::new(Cursor::new(p)).unwrap();
            z.file_names().map(|n| n.unwrap().into_owned()).collect()
        };
        assert_eq!(names(a), names(b));
        for n in names(a) {
            assert!(part(a, &n) == part(b, &n), "{n} differs");
        }
    };
    let streamed = patch_with(&input, &plan, true).unwrap();
    let in_memory = patch_with(&input, &plan, false).unwrap();
    same_parts(&streamed, &in_memory);
    assert!(part(&streamed, "xl/worksheets/sheet2.xml").contains("<row r=\"40001\">"));
    assert!(!part(&streamed, "xl/worksheets/sheet1.xml").contains("tabSelected"));
    // A second run on the copy: the first run's marks restored on every cell.
    let plan2 = PatchPlan {
        marks: vec![SheetMarks {
            sheet_name: "台帳".into(),
            cells: vec![mark(7, 1, "FFFFC7CE", None)],
        }],
        remove_sheets: vec!["チェック結果".into()],
        ..plan
    };
    let again = patch_with(&streamed, &plan2, true).unwrap();
    same_parts(&again, &patch_with(&streamed, &plan2, false).unwrap());
}

/// A mark on a new cell beyond the used range widens `<dimension>`; one inside leaves it.
#[test]
fn the_dimension_covers_new_marked_cells() {
    let doc = r#"<worksheet xmlns="x"><dimension ref="A1:C4"/><sheetData/></worksheet>"#;
    assert_eq!(
        sheet::widen_dimension(doc, [(1, 1), (9, 3)].into_iter()).as_deref(),
        Some(r#"<worksheet xmlns="x"><dimension ref="A1:D10"/><sheetData/></worksheet>"#)
    );
    assert_eq!(sheet::widen_dimension(doc, [(2, 2)].into_iter()), None);
    let one = r#"<worksheet><dimension ref="B2"/><sheetData/></worksheet>"#;
    assert_eq!(
        sheet::widen_dimension(one, [(0, 0)].into_iter()).as_deref(),
        Some(r#"<worksheet><dimension ref="A1:B2"/><sheetData/></worksheet>"#)
    );
    // first_plan marks E3 and D10 beyond the user's A1:C4.
    let out = patch(&user_workbook(), &first_plan()).unwrap();
    let sheet = part(&out, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains("<dimension ref=\"A1:E10\"/>"), "{sheet}");
}

/// The reader's outline of each worksheet part is the layout the patcher would find with a pass
/// of its own (on every .xlsx/.xlsm fixture daicho's reader reads, and a BOM-prefixed part).
#[test]
fn the_readers_outlines_are_the_layouts_a_pass_would_find() {
    fn fixtures(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("fixtures").flatten() {
            let path = entry.path();
            if path.is_dir() && !path.ends_with("hostile") {
                fixtures(&path, out);
            } else if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("xlsx" | "xlsm")
            ) {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    fixtures(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"),
        &mut files,
    );
    let limits = crate::workbook::Limits::default();
    let mut compared = 0;
    for path in files {
        let bytes = std::fs::read(&path).expect("fixture");
        let Ok(book) = crate::workbook::open_bytes_of(&path, &bytes, &limits) else {
            continue;
        };
        let mut pkg = Package::open(&bytes).expect("a package");
        for o in &book.outlines {
            let scanned = pkg.scanned_layout(&o.part).expect("readable");
            let from_outline = package::SheetLayout {
                skeleton: o.skeleton.clone(),
                data_start: o.data_start,
                data_end: o.data_end,
            };
            assert_eq!(scanned, Some(from_outline), "{} {}", path.display(), o.part);
            compared += 1;
        }
    }
    assert!(compared > 50, "{compared} outlines compared");

    // A worksheet part that starts with a byte-order mark.
    let bytes =
        std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/clean.xlsx"))
            .expect("fixture");
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes.as_slice())).expect("zip");
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).expect("entry");
        let name = f.name().expect("a name").to_string();
        let mut content = Vec::new();
        f.read_to_end(&mut content).expect("inflated");
        if name == "xl/worksheets/sheet1.xml" {
            content.splice(0..0, *b"\xEF\xBB\xBF");
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .expect("entry");
        std::io::Write::write_all(&mut out, &content).expect("written");
    }
    let with_bom = out.finish().expect("zip").into_inner();
    let book = crate::workbook::open_bytes_of(std::path::Path::new("bom.xlsx"), &with_bom, &limits)
        .expect("read");
    let o = book
        .outlines
        .iter()
        .find(|o| o.part == "xl/worksheets/sheet1.xml")
        .expect("an outline");
    let scanned = Package::open(&with_bom)
        .expect("package")
        .scanned_layout(&o.part)
        .expect("readable");
    assert_eq!(
        scanned,
        Some(package::SheetLayout {
            skeleton: o.skeleton.clone(),
            data_start: o.data_start,
            data_end: o.data_end,
        })
    );
    assert!(o.data_start > 3 && !o.skeleton.starts_with('\u{FEFF}'));
}

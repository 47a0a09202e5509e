use super::*;

fn fixtures(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("fixtures folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            fixtures(&path, out);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("xlsx" | "xlsm")
        ) {
            out.push(path);
        }
    }
}

/// The comparison of [`reads_every_fixture_as_calamine_does`] over a folder of workbooks
/// from elsewhere (`DAICHO_XLSX_CORPUS=DIR cargo test --lib xlsx_cells -- --ignored
/// --nocapture`): prints each difference and how many files each reader took.
#[test]
#[ignore = "needs DAICHO_XLSX_CORPUS"]
fn reads_a_corpus_as_calamine_does() {
    let dir = std::env::var_os("DAICHO_XLSX_CORPUS").expect("DAICHO_XLSX_CORPUS");
    let mut files = Vec::new();
    fixtures(std::path::Path::new(&dir), &mut files);
    files.sort();
    let limits = Limits::default();
    let (mut same, mut left, mut lenient, mut different) = (0, 0, 0, 0);
    for path in &files {
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        let through_calamine = super::super::xlsx::read_xlsx_with_calamine(&bytes, &limits);
        // The outlines are compared with the patcher's own pass in annotate::ooxml's tests.
        let own = read(&bytes, &limits).map(|r| r.map(|(sheets, skipped, _)| (sheets, skipped)));
        match own {
            None => {
                left += 1;
                println!("LEFT {}", path.display());
            }
            Some(Ok(_)) if through_calamine.is_err() => lenient += 1,
            Some(own) if format!("{own:?}") == format!("{through_calamine:?}") => same += 1,
            Some(_) => {
                different += 1;
                println!("DIFFERENT {}", path.display());
            }
        }
    }
    println!(
        "{} files: {same} the same, {left} left to calamine, {lenient} read where calamine \
         could not, {different} different",
        files.len()
    );
    assert_eq!(different, 0);
}

/// Every .xlsx/.xlsm fixture (hostile ones included) that calamine reads, this reader reads
/// exactly the same (the same sheets, cells, shown texts, strikes, merges, hidden rows) or
/// leaves to calamine; it leaves none of the ordinary fixtures. Where calamine finds a
/// damaged file corrupt, this reader may read what it can (the hostile fixtures say which
/// files may go either way) or leave it.
#[test]
fn reads_every_fixture_as_calamine_does() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut files = Vec::new();
    fixtures(&root, &mut files);
    files.sort();
    assert!(files.len() > 50, "{} fixtures", files.len());
    let limits = Limits::default();
    let mut left_to_calamine = Vec::new();
    for path in &files {
        let bytes = std::fs::read(path).expect("fixture");
        let through_calamine = super::super::xlsx::read_xlsx_with_calamine(&bytes, &limits);
        // The outlines are compared with the patcher's own pass in annotate::ooxml's tests.
        let own = read(&bytes, &limits).map(|r| r.map(|(sheets, skipped, _)| (sheets, skipped)));
        match own {
            Some(own) if through_calamine.is_ok() || own.is_err() => assert_eq!(
                format!("{own:?}"),
                format!("{through_calamine:?}"),
                "{}",
                path.display()
            ),
            Some(_) => {
                let hostile = path.components().any(|c| c.as_os_str() == "hostile");
                assert!(hostile, "{} read although calamine cannot", path.display());
            }
            // Macro and dialog sheets are calamine's to list (it reads no cells from them).
            None => left_to_calamine.push((
                path.clone(),
                through_calamine.is_ok_and(|(_, skipped)| skipped.is_empty()),
            )),
        }
    }
    let readable_left: Vec<_> = left_to_calamine
        .iter()
        .filter(|(p, ok)| *ok && !p.components().any(|c| c.as_os_str() == "hostile"))
        .collect();
    assert!(
        readable_left.is_empty(),
        "left to calamine although it reads them: {readable_left:?}"
    );
}

/// An edit of a package's parts: (part name, text) → new text.
type PartEdit = dyn Fn(&str, String) -> String;

/// `fixtures/clean.xlsx` with its parts edited by `edit` (part name, text → new text).
fn clean_with(edit: impl Fn(&str, String) -> String) -> Vec<u8> {
    use std::io::Write;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/clean.xlsx");
    let bytes = std::fs::read(path).expect("fixture");
    let mut archive = ZipArchive::new(Cursor::new(bytes.as_slice())).expect("zip");
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).expect("entry");
        let name = f.name().expect("a name").to_string();
        let mut text = String::new();
        f.read_to_string(&mut text).expect("text part");
        let text = edit(&name, text);
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .expect("entry");
        out.write_all(text.as_bytes()).expect("written");
    }
    out.finish().expect("zip").into_inner()
}

/// Layouts a review found where a byte scanner could read other cells than calamine: each
/// reads the same as through calamine, or is left to calamine.
#[test]
fn tricky_layouts_read_as_calamine_does_or_are_left_to_it() {
    let sheet = "xl/worksheets/sheet1.xml";
    let cases: Vec<(&str, Box<PartEdit>)> = vec![
        (
            "a comment among the cells holding a cell of its own",
            Box::new(move |n: &str, t: String| {
                if n == sheet {
                    t.replacen(
                        "</row>",
                        "</row><!-- a > <row r=\"90\"><c r=\"B90\"><v>5</v></c></row> -->",
                        1,
                    )
                } else {
                    t
                }
            }),
        ),
        (
            "row end tags with a space, cells without an address",
            Box::new(move |n: &str, t: String| {
                let addressed = regex::Regex::new(r#"<c r="[A-Z]+[0-9]+""#).expect("pattern");
                if n == sheet {
                    addressed
                        .replace_all(&t.replace("</row>", "</row >"), "<c")
                        .into_owned()
                } else {
                    t
                }
            }),
        ),
        (
            "a processing instruction among the shared strings",
            Box::new(|n: &str, t: String| {
                if n == "xl/sharedStrings.xml" {
                    t.replacen("<si>", "<?pi > <si><t>phantom</t></si> ?><si>", 1)
                } else {
                    t
                }
            }),
        ),
        (
            "a comment inside a string item",
            Box::new(|n: &str, t: String| {
                if n == "xl/sharedStrings.xml" {
                    t.replacen("</t></si>", "</t><!-- ><t>b</t> --></si>", 1)
                } else {
                    t
                }
            }),
        ),
        (
            "struck as True, and off",
            Box::new(|n: &str, t: String| {
                if n == "xl/styles.xml" {
                    t.replacen("<font>", "<font><strike val=\"True\"/>", 1)
                        .replacen(
                            "<b val=\"true\"/>",
                            "<b val=\"true\"/><strike val=\"off\"/>",
                            1,
                        )
                } else {
                    t
                }
            }),
        ),
        (
            "a signed style and shared-string index",
            Box::new(move |n: &str, t: String| {
                if n == sheet {
                    t.replace("s=\"1\"", "s=\"+1\"")
                        .replacen("<v>1</v>", "<v>+1</v>", 1)
                } else {
                    t
                }
            }),
        ),
        (
            "a sheetData attribute holding />",
            Box::new(move |n: &str, t: String| {
                if n == sheet {
                    t.replacen("<sheetData>", "<sheetData foo=\"/>\">", 1)
                } else {
                    t
                }
            }),
        ),
        (
            "a built-in format id with a leading zero",
            Box::new(|n: &str, t: String| {
                if n == "xl/styles.xml" {
                    t.replace("numFmtId=\"14\"", "numFmtId=\"014\"")
                } else {
                    t
                }
            }),
        ),
    ];
    let limits = Limits::default();
    for (what, edit) in cases {
        let bytes = clean_with(edit);
        let through_calamine = super::super::xlsx::read_xlsx_with_calamine(&bytes, &limits);
        let own = read(&bytes, &limits).map(|r| r.map(|(sheets, skipped, _)| (sheets, skipped)));
        if let Some(own) = own {
            assert_eq!(
                format!("{own:?}"),
                format!("{through_calamine:?}"),
                "{what}"
            );
        }
    }
}

/// Dates and durations by number format, as calamine tells them apart.
#[test]
fn number_formats_are_dates_or_durations_as_calamine_says() {
    use super::styles::{number_kind, NumberKind::*};
    for (code, kind) in [
        ("yyyy/mm/dd", Date),
        ("[$-411]ggge\"年\"m\"月\"d\"日\"", Date),
        ("\"DC-\"000", Plain),
        ("0.00", Plain),
        ("[h]:mm:ss", Duration),
        ("[mm]:ss", Duration),
        ("\"x_\"[h]:mm", Plain),
        ("h:mm AM/PM", Date),
        ("[Red]0.00", Plain),
        ("0;[Red]yyyy", Plain),
        ("\\d0", Plain),
        ("@", Plain),
    ] {
        assert_eq!(number_kind(code), kind, "{code}");
    }
}

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

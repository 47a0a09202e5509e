//! Hostile inputs (SPEC §9): the corpus in fixtures/hostile/files (made by
//! fixtures/hostile/gen_hostile.py, described in fixtures/hostile/manifest.json) is checked in one
//! batch. Every file must be reported — findings or a clear error —, nothing may panic or print
//! raw panic text, the exit code is 0/1/2, and the inputs are byte-identical afterwards.

use crate::common::zip_headers::patch_uncompressed_sizes;
use crate::common::{daicho, fixture, AS_OF};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn corpus_dir() -> PathBuf {
    fixture("hostile")
}

/// name -> expectation ("ok", "error" or "any").
fn manifest() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(corpus_dir().join("manifest.json")).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    doc.as_object()
        .unwrap()
        .iter()
        .map(|(name, entry)| (name.clone(), entry["expect"].as_str().unwrap().to_string()))
        .collect()
}

/// Words that only appear in raw panic or allocator output.
const RAW_PANIC_TEXT: &[&str] = &[
    "panicked",
    "RUST_BACKTRACE",
    "stack backtrace",
    "memory allocation of",
    "calamine-0",
    "called `Option::unwrap()`",
    "called `Result::unwrap()`",
    "index out of bounds",
];

fn assert_no_raw_panic_text(what: &str, text: &str) {
    for needle in RAW_PANIC_TEXT {
        assert!(
            !text.contains(needle),
            "{what} contains {needle:?}:\n{text}"
        );
    }
}

fn run_check(files: &[PathBuf], extra: &[&str]) -> (i32, Value, String) {
    let out = daicho()
        .args([
            "check",
            "--format",
            "json",
            "--as-of",
            AS_OF,
            "--no-progress",
        ])
        .args(extra)
        .args(files)
        .timeout(std::time::Duration::from_secs(300))
        .output()
        .unwrap();
    let code = out.status.code().expect("daicho was killed by a signal");
    let stdout = String::from_utf8(out.stdout).expect("stdout is UTF-8");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let doc: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{stdout}\nstderr:\n{stderr}"));
    (code, doc, stderr)
}

fn file_name(entry: &Value) -> String {
    let path = entry["path"].as_str().unwrap();
    Path::new(path)
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

#[test]
fn hostile_corpus_in_one_batch() {
    let expected = manifest();
    let dir = corpus_dir().join("files");
    let files: Vec<PathBuf> = expected.keys().map(|n| dir.join(n)).collect();
    let before: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();

    let (code, doc, stderr) = run_check(&files, &[]);

    assert!((0..=2).contains(&code), "exit code {code}");
    assert_eq!(code, 2, "the corpus holds unreadable files");
    assert_no_raw_panic_text("stderr", &stderr);

    let reported = doc["files"].as_array().unwrap();
    assert_eq!(reported.len(), files.len(), "every input is reported once");
    let mut seen = BTreeMap::new();
    for entry in reported {
        let name = file_name(entry);
        let expect = expected
            .get(&name)
            .unwrap_or_else(|| panic!("unexpected file {name} in the report"));
        assert!(
            seen.insert(name.clone(), ()).is_none(),
            "{name} reported twice"
        );
        let error = &entry["error"];
        if error.is_null() {
            assert!(
                entry["sheets"].is_array() && entry["diagnostics"].is_array(),
                "{name}"
            );
            assert_ne!(expect, "error", "{name} should be reported as unreadable");
        } else {
            assert_ne!(expect, "ok", "{name} should be read normally, got {error}");
            let kind = error["kind"].as_str().unwrap();
            let message = error["message"].as_str().unwrap();
            assert!(!kind.is_empty() && !message.is_empty(), "{name}: {error}");
            // Japanese by default: the message says what is wrong and what to do.
            assert!(
                !message.is_ascii(),
                "{name}: message not in Japanese: {message}"
            );
            assert_no_raw_panic_text(&name, message);
            if name.starts_with("calamine_panic_") {
                // Caught panic, or refused by daicho's own .xls bounds (corrupt, or a limit) before
                // calamine runs; never blamed on daicho itself.
                assert!(
                    matches!(
                        kind,
                        "reader-crashed" | "corrupt" | "too-many-cells" | "decompressed-too-large"
                    ),
                    "{name}: {kind}"
                );
            }
        }
    }
    assert_eq!(
        doc["summary"]["files"].as_u64(),
        Some(files.len() as u64),
        "summary counts every file"
    );

    for (file, bytes) in files.iter().zip(&before) {
        assert_eq!(
            &std::fs::read(file).unwrap(),
            bytes,
            "{} was modified",
            file.display()
        );
    }
    // Nothing was written beside the inputs.
    let now: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert_eq!(
        now.len(),
        files.len(),
        "files appeared in {}",
        dir.display()
    );
}

#[test]
fn messages_in_english_too() {
    let dir = corpus_dir().join("files");
    let files: Vec<PathBuf> = [
        "flip_xls_00.xls",
        "truncated_xlsx_50.xlsx",
        "no_sheet_part.xlsx",
        "bomb_lying_sizes.xlsx",
        "pdf_named.xlsx",
    ]
    .iter()
    .map(|n| dir.join(n))
    .collect();
    let (code, doc, stderr) = run_check(&files, &["--lang", "en"]);
    assert_eq!(code, 2);
    assert_no_raw_panic_text("stderr", &stderr);
    for entry in doc["files"].as_array().unwrap() {
        let message = entry["error"]["message"].as_str().unwrap_or_default();
        // English text (a sheet name quoted inside may still be Japanese).
        assert!(
            message.starts_with(|c: char| c.is_ascii_uppercase()),
            "{entry}"
        );
        assert!(!message.contains("ファイル"), "{entry}");
    }
}

/// The stray value in XFD1048576 is not hostile: the ledger is checked like the baseline, with
/// the same findings.
#[test]
fn stray_far_cell_is_checked_normally() {
    let dir = corpus_dir().join("files");
    let (_, base, _) = run_check(&[dir.join("baseline.xlsx")], &[]);
    let (_, stray, _) = run_check(&[dir.join("stray_xfd1048576.xlsx")], &[]);
    let codes = |doc: &Value| {
        doc["files"][0]["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| (d["code"].clone(), d["cell"].clone()))
            .collect::<Vec<_>>()
    };
    assert!(stray["files"][0]["error"].is_null());
    assert_eq!(codes(&base), codes(&stray));
}

/// A zip whose headers declare ~1.4 GB per part is refused from the central directory alone,
/// with a message naming the limit and how to raise it.
#[test]
fn declared_bomb_is_refused_with_the_limit_named() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = std::fs::read(corpus_dir().join("files/bomb_small_80mb.xlsx")).unwrap();
    patch_uncompressed_sizes(&mut bytes, 1_400_000_000);
    let bomb = dir.path().join("bomb.xlsx");
    std::fs::write(&bomb, &bytes).unwrap();
    let (code, doc, _) = run_check(std::slice::from_ref(&bomb), &[]);
    assert_eq!(code, 2);
    let error = &doc["files"][0]["error"];
    assert_eq!(error["kind"], "decompressed-too-large", "{error}");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("daicho.toml") && message.contains("[limits]"),
        "{message}"
    );
    let (_, doc, _) = run_check(&[bomb], &["--lang", "en"]);
    let message = doc["files"][0]["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("limit") && message.contains("daicho.toml"),
        "{message}"
    );
}

/// Regression inputs from the mutation run: calamine 0.38 panics on each (unless daicho's own
/// .xls bounds refuse the file first). In-process (library use, no child process) the panic is
/// caught and becomes this file's error.
#[test]
fn calamine_panics_are_caught_in_process() {
    use daicho::workbook::ReadError;
    let dir = corpus_dir().join("files");
    let limits = daicho::workbook::Limits::default();
    let mut caught = 0;
    for name in manifest()
        .keys()
        .filter(|n| n.starts_with("calamine_panic_"))
    {
        match daicho::workbook::open_path(&dir.join(name), &limits) {
            Err(ReadError::ReaderCrashed { .. }) => caught += 1,
            Err(ReadError::Corrupt { .. }) => {}
            other => panic!("{name}: {:?}", other.map(|b| b.sheets.len())),
        }
    }
    assert!(
        caught >= 3,
        "only {caught} inputs still reach the calamine panic"
    );
}

/// `[limits] max_cells` in daicho.toml bounds each sheet and the workbook as a whole, and the
/// messages name the setting.
#[test]
fn cell_limits_from_config_per_sheet_and_per_workbook() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("daicho.toml"), "[limits]\nmax_cells = 10\n").unwrap();
    let write = |name: &str, sheets: &[usize]| {
        let mut wb = rust_xlsxwriter::Workbook::new();
        for (i, &cells) in sheets.iter().enumerate() {
            let ws = wb.add_worksheet();
            ws.set_name(format!("台帳{}", i + 1)).unwrap();
            for c in 0..cells {
                ws.write_string((c / 4) as u32, (c % 4) as u16, format!("v{c}"))
                    .unwrap();
            }
        }
        let path = dir.path().join(name);
        wb.save(&path).unwrap();
        path
    };
    let one_big = write("one_big.xlsx", &[12]);
    let two_halves = write("two_halves.xlsx", &[8, 8]);
    let fits = write("fits.xlsx", &[5, 5]);
    let (code, doc, _) = run_check(&[one_big, two_halves, fits], &[]);
    assert_eq!(code, 2);
    let files = doc["files"].as_array().unwrap();
    let sheet_msg = files[0]["error"]["message"].as_str().unwrap();
    assert_eq!(files[0]["error"]["kind"], "too-many-cells");
    assert!(
        sheet_msg.contains("台帳1") && sheet_msg.contains("max_cells"),
        "{sheet_msg}"
    );
    let book_msg = files[1]["error"]["message"].as_str().unwrap();
    assert_eq!(files[1]["error"]["kind"], "too-many-cells");
    assert!(
        book_msg.contains("ブック全体") && book_msg.contains("max_cells"),
        "{book_msg}"
    );
    assert!(files[2]["error"].is_null(), "{}", files[2]);
}

/// The readers of Excel 2003 XML and HTML `.xls` (issue 13, item 6) under the same promise:
/// hostile or absurd inputs are each reported — read, or a clear error —, nothing panics, and
/// `[limits] max_cells` bounds them (cells and merged ranges alike).
#[test]
fn exports_readers_keep_the_hostile_input_promise() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("daicho.toml"), "[limits]\nmax_cells = 10\n").unwrap();
    const XML_HEAD: &str = r#"<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="台帳"><Table>"#;
    let cells = |n: usize, tag: &str| tag.repeat(n);
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "xml_far_row.xls",
            format!(
                r#"{XML_HEAD}<Row ss:Index="4294967295"><Cell><Data ss:Type="String">x</Data></Cell></Row></Table></Worksheet></Workbook>"#
            ),
            "corrupt",
        ),
        (
            "xml_far_col.xls",
            format!(
                r#"{XML_HEAD}<Row><Cell ss:Index="99999"/></Row></Table></Worksheet></Workbook>"#
            ),
            "corrupt",
        ),
        (
            "xml_cut.xls",
            format!(r#"{XML_HEAD}<Row><Cell><Data ss:Type="Number">1"#),
            "corrupt",
        ),
        (
            "xml_many_cells.xls",
            format!(
                "{XML_HEAD}<Row>{}</Row></Table></Worksheet></Workbook>",
                cells(50, r#"<Cell><Data ss:Type="String">v</Data></Cell>"#)
            ),
            "too-many-cells",
        ),
        (
            "xml_many_merges.xls",
            format!(
                "{XML_HEAD}<Row>{}</Row></Table></Worksheet></Workbook>",
                cells(
                    50,
                    r#"<Cell ss:MergeAcross="1" ss:MergeDown="4294967295"/>"#
                )
            ),
            "too-many-cells",
        ),
        (
            "xml_entities.xls",
            format!(
                r#"<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>{}<Row><Cell><Data ss:Type="String">&lol2;</Data></Cell></Row></Table></Worksheet></Workbook>"#,
                &XML_HEAD[21..]
            ),
            "any",
        ),
        (
            "html_nested.xls",
            format!("<html><body>{}", "<table><tr><td>".repeat(10_000)),
            "corrupt",
        ),
        (
            "html_spans.xls",
            format!(
                "<table><tr>{}</tr><tr><td>end</td></tr></table>",
                cells(8, r#"<td colspan="4294967295" rowspan="4294967295">x</td>"#)
            ),
            "ok",
        ),
        (
            "html_many_cells.xls",
            format!("<table><tr>{}</tr></table>", cells(50, "<td>v</td>")),
            "too-many-cells",
        ),
        (
            "html_no_table.xls",
            "<html><body><p>ない</p>".to_string(),
            "corrupt",
        ),
    ];
    let mut files = Vec::new();
    for (name, text, _) in &cases {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        files.push(path);
    }
    let (code, doc, stderr) = run_check(&files, &[]);
    assert!((0..=2).contains(&code), "exit code {code}");
    assert_no_raw_panic_text("stderr", &stderr);
    let reported = doc["files"].as_array().unwrap();
    assert_eq!(reported.len(), cases.len());
    for (entry, (name, _, expect)) in reported.iter().zip(&cases) {
        assert_eq!(&file_name(entry), name);
        let error = &entry["error"];
        match *expect {
            "ok" => assert!(error.is_null(), "{name}: {error}"),
            "any" => {}
            kind => {
                assert_eq!(error["kind"], kind, "{name}: {error}");
                let message = error["message"].as_str().unwrap();
                assert!(!message.is_ascii(), "{name}: {message}");
                assert_no_raw_panic_text(name, message);
            }
        }
    }
}

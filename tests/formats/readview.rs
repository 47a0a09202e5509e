//! Reading what the user sees (issue 12 A): number formats, merged cells in the device table,
//! hidden and struck-through rows — end to end through the binary on
//! `fixtures/reader/readview.xlsx` (written by openpyxl, see `readview.py`), and the number
//! format expectations re-derived with LibreOffice.

use crate::common::{daicho, require_soffice, soffice_convert, AS_OF};
use daicho::workbook::{open_path, CellValue, Limits};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    crate::common::fixture("reader").join(name)
}

/// (code, cell, value) of every diagnostic but the missing-recommended-column ones.
fn diagnostics(path: &Path) -> Vec<(String, String, Option<String>)> {
    let out = daicho()
        .args(["check", "--format", "json", "--as-of", AS_OF])
        .arg(path)
        .output()
        .expect("run daicho");
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let file = &json["files"][0];
    assert!(file["error"].is_null(), "{}", file["error"]);
    file["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"] != "L002")
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_string(),
                d["cell"].as_str().unwrap_or_default().to_string(),
                d["value"].as_str().map(str::to_string),
            )
        })
        .collect()
}

/// The same workbook saved by LibreOffice as .ods reads the same: ODS keeps the displayed
/// text beside each value, hidden rows, and the struck-through cell style.
#[test]
fn the_ledger_is_read_as_the_user_sees_it() {
    for name in ["readview.xlsx", "readview.ods"] {
        the_ledger_is_read_as_the_user_sees_it_in(name);
    }
}

fn the_ledger_is_read_as_the_user_sees_it_in(name: &str) {
    let got = diagnostics(&fixture(name));
    let d = |code: &str, cell: &str, value: Option<&str>| {
        (
            code.to_string(),
            cell.to_string(),
            value.map(str::to_string),
        )
    };
    let expected = vec![
        // 25 shown as DC-025 ("DC-"000) and a typed DC-025 are the same number.
        d("ID001", "A3", Some("DC-025")),
        // 1 shown as 001 (000) is quoted as the user sees it.
        d("ID001", "A5", Some("001")),
        // The struck-through PC-0007: retired, so neither its Windows 7 (OS001) nor its IP,
        // the same as row 2's (IP004), is reported; S002 asks for 廃棄 in 状態.
        d("S002", "G6", Some("稼働")),
        // The hidden row 7 is still checked; its 令和9年 date is read as a date.
        d("IP001", "D7", Some("192.168.1.300")),
        d("D002", "F7", Some("令和9年4月1日")),
    ];
    // No F001 on E3: the merged 設置場所 covers it.
    assert_eq!(got, expected, "{name}");
}

#[test]
fn the_reader_keeps_values_and_displayed_text_apart() {
    let book = open_path(&fixture("readview.xlsx"), &Limits::default()).expect("read");
    let sheet = &book.sheets[0];
    let row = |r: u32| sheet.grid.row(r).expect("row");
    // The value stays a number, the displayed text is the format's.
    assert_eq!(row(1).get(0), Some(&CellValue::Number(25.0)));
    assert_eq!(row(1).shown(0).as_deref(), Some("DC-025"));
    assert_eq!(row(3).shown(0).as_deref(), Some("001"));
    // Era-formatted dates are dates, shown in the era.
    assert!(matches!(row(1).get(5), Some(CellValue::DateTime(_))));
    assert_eq!(row(1).shown(5).as_deref(), Some("令和6年3月31日"));
    assert_eq!(row(2).shown(5).as_deref(), Some("令和元年5月1日"));
    assert_eq!(row(3).shown(5).as_deref(), Some("R2.1.5"));
    // [$-411]ggge"年" has no m/d, which calamine needs to see a date: still a date.
    assert!(matches!(row(4).get(5), Some(CellValue::DateTime(_))));
    assert_eq!(row(4).shown(5).as_deref(), Some("令和3年"));
    // Strike-through and hidden rows.
    assert!(row(5).is_struck(0) && !row(5).is_struck(1));
    assert!(row(6).hidden && !row(5).hidden);
    // The merge is in the sheet model; the raw grid keeps E3 empty.
    assert!(sheet.merge_at(2, 4).is_some());
    assert_eq!(row(2).get(4), None);
}

/// LibreOffice's CSV export of `xlsx` (cells as shown), in the given locale.
fn libreoffice_csv(xlsx: &Path, lang: &str, dir: &Path) -> Vec<Vec<String>> {
    let profile = dir.join(format!("profile-{lang}"));
    let out_dir = dir.join(lang);
    let status = std::process::Command::new(require_soffice())
        .env("LANG", lang)
        .env("LC_ALL", lang)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to"])
        .arg("csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true")
        .arg("--outdir")
        .arg(&out_dir)
        .arg(xlsx)
        .output()
        .expect("run soffice");
    assert!(status.status.success(), "{status:?}");
    let stem = xlsx.file_stem().expect("stem").to_string_lossy();
    csv_rows(&out_dir.join(format!("{stem}.csv")))
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    reader
        .records()
        .map(|r| r.expect("record").iter().map(str::to_string).collect())
        .collect()
}

/// The checked-in expectations of `workbook::numfmt`'s unit test are LibreOffice's own
/// rendering of `numfmt.xlsx`, in the en-US and the ja-JP locale.
#[test]
fn number_format_expectations_are_libreoffices_rendering() {
    let dir = tempfile::tempdir().expect("temp dir");
    let xlsx = fixture("numfmt.xlsx");
    for (lang, expected) in [
        ("en_US.UTF-8", "numfmt.expected.csv"),
        ("ja_JP.UTF-8", "numfmt.expected-ja.csv"),
    ] {
        assert_eq!(
            libreoffice_csv(&xlsx, lang, dir.path()),
            csv_rows(&fixture(expected)),
            "LibreOffice ({lang}) renders numfmt.xlsx differently from {expected}"
        );
    }
}

/// daicho's rendering of every cell of `numfmt.xlsx` against LibreOffice's, run now (the unit
/// test compares with the checked-in copy). Where daicho follows Japanese Excel rather than
/// LibreOffice (the `x-gannen` tag LibreOffice 7.4 cannot read) the row is left out here.
#[test]
fn number_formats_render_as_libreoffice_does() {
    let dir = tempfile::tempdir().expect("temp dir");
    let xlsx = fixture("numfmt.xlsx");
    let en = libreoffice_csv(&xlsx, "en_US.UTF-8", dir.path());
    let ja = libreoffice_csv(&xlsx, "ja_JP.UTF-8", dir.path());
    let book = open_path(&xlsx, &Limits::default()).expect("read numfmt.xlsx");
    let mut differences = Vec::new();
    for (i, row) in book.sheets[0].grid.rows().iter().enumerate() {
        let code = row.shown(0).unwrap_or_default().into_owned();
        if code.contains("x-gannen") {
            continue;
        }
        let expected = if ["ge.m.d", "yyyy/m/d (aaa)"].contains(&code.as_str()) {
            &ja[i]
        } else {
            &en[i]
        };
        for (col, want) in expected.iter().enumerate().skip(1) {
            let got = row.shown(col as u32).unwrap_or_default();
            if got != want.as_str() {
                differences.push(format!(
                    "{code} col {col}: daicho {got:?}, LibreOffice {want:?}"
                ));
            }
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}

/// A ledger whose management numbers are struck through inside their text (rich text, as Excel
/// and LibreOffice save a strike made in the cell's editor): PC-0002 whole, PC-0003 in part.
fn rich_strike_ledger(path: &Path) {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("機器台帳").unwrap();
    let rows: [[&str; 6]; 4] = [
        [
            "管理番号",
            "機器種別",
            "OS",
            "IPアドレス",
            "設置場所",
            "状態",
        ],
        [
            "PC-0001",
            "端末PC",
            "Windows 11 Pro 25H2",
            "192.168.1.10",
            "受付",
            "稼働",
        ],
        [
            "PC-0002",
            "端末PC",
            "Windows 7",
            "192.168.1.10",
            "2F",
            "稼働",
        ],
        [
            "PC-0003",
            "端末PC",
            "Windows 11 Pro 25H2",
            "192.168.1.11",
            "3F",
            "稼働",
        ],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    let struck = Format::new().set_font_strikethrough();
    let plain = Format::new();
    ws.write_rich_string(2, 0, &[(&struck, "PC-0002")]).unwrap();
    ws.write_rich_string(3, 0, &[(&struck, "PC-"), (&plain, "0003")])
        .unwrap();
    book.save(path).unwrap();
}

#[test]
fn a_number_struck_inside_its_text_is_a_retired_device() {
    let dir = tempfile::tempdir().unwrap();
    let written = dir.path().join("rich.xlsx");
    rich_strike_ledger(&written);
    // The same ledger saved again by LibreOffice (its own rich-text runs).
    let lo_dir = dir.path().join("lo");
    soffice_convert(&dir.path().join("lo-profile"), "xlsx", &lo_dir, &[&written]);
    for path in [written.clone(), lo_dir.join("rich.xlsx")] {
        let book = open_path(&path, &Limits::default()).expect("read");
        let row = |r: u32| book.sheets[0].grid.row(r).expect("row");
        assert!(
            row(2).is_struck(0),
            "{}: PC-0002 struck whole",
            path.display()
        );
        assert!(
            !row(3).is_struck(0),
            "{}: PC-0003 struck in part",
            path.display()
        );
        assert!(!row(1).is_struck(0));
        // Retired: neither its Windows 7 nor its IP (row 2's) is reported; S002 asks for 廃棄.
        assert_eq!(
            diagnostics(&path),
            vec![(
                "S002".to_string(),
                "F3".to_string(),
                Some("稼働".to_string())
            )],
            "{}",
            path.display()
        );
    }
}

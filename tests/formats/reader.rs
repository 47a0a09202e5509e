//! The workbook reader end to end: workbooks built here with rust_xlsxwriter, hostile zips built
//! byte by byte, and a few real files saved by LibreOffice / msoffcrypto under fixtures/reader/.
//!
//! `cargo test --test formats -- --ignored reader::regenerate_fixtures` rewrites the committed
//! fixtures (needs `soffice` and `msoffcrypto-tool`).

use chrono::NaiveDate;
use daicho::workbook::{
    open_bytes, open_path, CellValue, Format, Limits, Merge, ReadError, Sheet, Workbook,
};
use rust_xlsxwriter::{Chart, ChartType, Formula, Workbook as XlsxWriter};
use std::path::PathBuf;

fn fixtures() -> PathBuf {
    crate::common::fixture("reader")
}

fn text(s: &str) -> CellValue {
    CellValue::Text(s.to_string())
}

fn date(y: i32, m: u32, d: u32) -> CellValue {
    CellValue::DateTime(
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap(),
    )
}

fn sheet<'a>(book: &'a Workbook, name: &str) -> &'a Sheet {
    book.sheets
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no sheet {name} in {:?}", names(book)))
}

fn names(book: &Workbook) -> Vec<&str> {
    book.sheets.iter().map(|s| s.name.as_str()).collect()
}

/// The ledger every format is compared on: a merged title, a table starting at B3 with text,
/// numbers, a date, a boolean and formulas, a vertical merge, and a hidden sheet.
fn ledger_workbook() -> XlsxWriter {
    let mut book = XlsxWriter::new();
    let date_format = rust_xlsxwriter::Format::new().set_num_format("yyyy/mm/dd");
    let title_format = rust_xlsxwriter::Format::new().set_bold();

    let ws = book.add_worksheet();
    ws.set_name("台帳").unwrap();
    ws.merge_range(0, 0, 0, 3, "機器台帳 2024", &title_format)
        .unwrap();
    ws.write_string(2, 1, "管理番号").unwrap();
    ws.write_number(2, 2, 42).unwrap();
    ws.write_datetime_with_format(
        2,
        3,
        NaiveDate::from_ymd_opt(2019, 5, 1).unwrap(),
        &date_format,
    )
    .unwrap();
    ws.write_boolean(2, 4, true).unwrap();
    ws.write_formula(2, 5, Formula::new("=1/0").set_result("#DIV/0!"))
        .unwrap();
    ws.write_formula(2, 7, Formula::new("=C3*2").set_result("84"))
        .unwrap();
    ws.write_string(3, 1, "001").unwrap();
    ws.write_number(3, 2, 3.5).unwrap();
    ws.write_string(3, 3, "#N/A").unwrap();
    ws.merge_range(2, 6, 4, 6, "縦結合", &rust_xlsxwriter::Format::new())
        .unwrap();

    let hidden = book.add_worksheet();
    hidden.set_name("非表示").unwrap();
    hidden.write_string(0, 0, "隠し").unwrap();
    hidden.set_hidden(true);
    book
}

fn ledger_xlsx() -> Vec<u8> {
    ledger_workbook().save_to_buffer().unwrap()
}

/// What every format must read from the ledger workbook.
fn assert_ledger(book: &Workbook) {
    let ledger = sheet(book, "台帳");
    assert!(!ledger.hidden);
    let grid = &ledger.grid;
    assert_eq!(grid.get(0, 0), Some(&text("機器台帳 2024")));
    // B3 is row 2, column 1: absolute, whatever the first used row and column.
    assert_eq!(grid.get(2, 1), Some(&text("管理番号")));
    assert_eq!(grid.get(2, 2), Some(&CellValue::Number(42.0)));
    assert_eq!(grid.get(2, 3), Some(&date(2019, 5, 1)));
    assert_eq!(grid.get(2, 5), Some(&CellValue::Error("#DIV/0!".into())));
    assert_eq!(grid.get(2, 6), Some(&text("縦結合")));
    assert_eq!(grid.get(2, 7), Some(&CellValue::Number(84.0)));
    assert_eq!(grid.get(3, 1), Some(&text("001")));
    assert_eq!(grid.get(3, 2), Some(&CellValue::Number(3.5)));
    // Typed text that looks like an error stays text.
    assert_eq!(grid.get(3, 3), Some(&text("#N/A")));
    assert_eq!(grid.get(1, 1), None);
    let mut merges = ledger.merges.clone();
    merges.sort_by_key(|m| (m.first_row, m.first_col));
    assert_eq!(
        merges,
        vec![
            Merge {
                first_row: 0,
                first_col: 0,
                last_row: 0,
                last_col: 3
            },
            Merge {
                first_row: 2,
                first_col: 6,
                last_row: 4,
                last_col: 6
            },
        ]
    );
    assert_eq!(ledger.merge_at(4, 6).map(|m| m.first_row), Some(2));

    let hidden = sheet(book, "非表示");
    assert!(hidden.hidden);
    assert_eq!(hidden.grid.get(0, 0), Some(&text("隠し")));
}

#[test]
fn xlsx_values_addresses_merges_and_hidden_sheets() {
    let book = open_bytes(&ledger_xlsx(), "xlsx", &Limits::default()).unwrap();
    assert_eq!(book.format, Format::Xlsx);
    assert_eq!(names(&book), ["台帳", "非表示"]);
    assert_ledger(&book);
    assert_eq!(
        sheet(&book, "台帳").grid.get(2, 4),
        Some(&CellValue::Bool(true))
    );
}

#[test]
fn dates_follow_the_1904_epoch() {
    let xlsx = ledger_xlsx();
    let workbook_xml = xlsx_parts_with(&xlsx, "")
        .into_iter()
        .find(|(name, _)| name == "xl/workbook.xml")
        .map(|(_, data)| String::from_utf8(data).unwrap())
        .unwrap();
    assert!(workbook_xml.contains("<workbookPr "));
    let patched = workbook_xml.replace("<workbookPr ", "<workbookPr date1904=\"1\" ");
    let bytes = replace_entry(&xlsx, "xl/workbook.xml", patched.as_bytes());
    let book = open_bytes(&bytes, "xlsx", &Limits::default()).unwrap();
    // The stored serial of 2019-05-01 counts 1,462 days more from 1904-01-01.
    assert_eq!(sheet(&book, "台帳").grid.get(2, 3), Some(&date(2023, 5, 2)));
}

#[test]
fn open_path_reads_upper_case_extensions() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("機器台帳 2024.XLSX");
    std::fs::write(&path, ledger_xlsx()).unwrap();
    let book = open_path(&path, &Limits::default()).unwrap();
    assert_ledger(&book);
}

#[test]
fn chart_sheets_are_skipped_and_very_hidden_is_hidden() {
    let mut book = XlsxWriter::new();
    let data = book.add_worksheet();
    data.set_name("data").unwrap();
    data.write_number(0, 0, 1).unwrap();
    data.write_number(1, 0, 2).unwrap();
    data.set_very_hidden(true);
    let mut chart = Chart::new(ChartType::Column);
    chart.add_series().set_values("data!$A$1:$A$2");
    let chartsheet = book.add_chartsheet();
    chartsheet.set_name("グラフ").unwrap();
    chartsheet.insert_chart(0, 0, &chart).unwrap();
    // Excel keeps the active sheet visible, so the chart sheet is the active one.
    chartsheet.set_active(true);
    let bytes = book.save_to_buffer().unwrap();

    let book = open_bytes(&bytes, "xlsx", &Limits::default()).unwrap();
    assert_eq!(names(&book), ["data"]);
    assert!(book.sheets[0].hidden);
    assert_eq!(book.sheets[0].grid.cell_count(), 2);
}

#[test]
fn stray_value_in_xfd1048576_reads_as_two_cells() {
    let mut book = XlsxWriter::new();
    let ws = book.add_worksheet();
    ws.write_string(0, 0, "管理番号").unwrap();
    ws.write_string(1_048_575, 16_383, "迷子").unwrap();
    let bytes = book.save_to_buffer().unwrap();

    // Bounded by construction: the grid holds the cells, never the bounding box.
    let book = open_bytes(&bytes, "xlsx", &Limits::default()).unwrap();
    let grid = &book.sheets[0].grid;
    assert_eq!(grid.cell_count(), 2);
    assert_eq!(grid.get(1_048_575, 16_383), Some(&text("迷子")));
    #[cfg(target_os = "linux")]
    assert_peak_memory_below_mb(400);
}

#[test]
fn cell_limit_is_enforced() {
    let limits = Limits {
        max_cells_per_sheet: 5,
        ..Limits::default()
    };
    assert_eq!(
        open_bytes(&ledger_xlsx(), "xlsx", &limits).unwrap_err(),
        ReadError::TooManyCells {
            sheet: "台帳".into(),
            limit: 5
        }
    );
}

#[test]
fn bad_inputs_get_specific_errors() {
    let limits = Limits::default();
    let xlsx = ledger_xlsx();
    let truncated = open_bytes(&xlsx[..xlsx.len() / 2], "xlsx", &limits).unwrap_err();
    assert!(
        matches!(truncated, ReadError::Corrupt { format: Format::Xlsx, ref detail } if !detail.contains('\n')),
        "{truncated:?}"
    );
    assert_eq!(
        open_bytes("管理番号,OS\n".as_bytes(), "xlsx", &limits).unwrap_err(),
        ReadError::NotSpreadsheet {
            extension: "xlsx".into()
        }
    );
    assert_eq!(
        open_bytes(b"", "xlsx", &limits).unwrap_err(),
        ReadError::EmptyFile
    );
    assert_eq!(
        open_bytes(b"hello", "docx", &limits).unwrap_err(),
        ReadError::UnsupportedExtension("docx".into())
    );
    // A damaged sheet part: the zip is fine, the XML is cut off.
    let broken = replace_entry(
        &xlsx,
        "xl/worksheets/sheet1.xml",
        b"<worksheet><sheetData><row>",
    );
    assert!(matches!(
        open_bytes(&broken, "xlsx", &limits).unwrap_err(),
        ReadError::Corrupt {
            format: Format::Xlsx,
            ..
        }
    ));
}

#[test]
fn password_protected_workbook() {
    let bytes = std::fs::read(fixtures().join("encrypted.xlsx")).unwrap();
    assert_eq!(
        open_bytes(&bytes, "xlsx", &Limits::default()).unwrap_err(),
        ReadError::Encrypted
    );
    // The extension does not matter: the OLE container says it.
    assert_eq!(
        open_bytes(&bytes, "dat", &Limits::default()).unwrap_err(),
        ReadError::Encrypted
    );
}

#[test]
fn files_saved_by_libreoffice_read_the_same() {
    let xlsx = open_bytes(&ledger_xlsx(), "xlsx", &Limits::default()).unwrap();
    for (file, format) in [
        ("ledger.xls", Format::Xls),
        ("ledger.ods", Format::Ods),
        ("ledger-libreoffice.xlsx", Format::Xlsx),
    ] {
        let book = open_path(&fixtures().join(file), &Limits::default()).unwrap();
        assert_eq!(book.format, format, "{file}");
        assert_ledger(&book);
        // Every cell of the xlsx, at the same address, with the same value. LibreOffice's ODS
        // stores TRUE as the number 1.
        for original in &xlsx.sheets {
            let converted = sheet(&book, &original.name);
            assert_eq!(
                converted.grid.cell_count(),
                original.grid.cell_count(),
                "{file}"
            );
            for row in original.grid.rows() {
                for (col, value) in &row.cells {
                    let got = converted.grid.get(row.index, *col);
                    let same = match (value, got) {
                        (CellValue::Bool(true), Some(CellValue::Number(n))) => *n == 1.0,
                        (a, Some(b)) => a == b,
                        (_, None) => false,
                    };
                    assert!(
                        same,
                        "{file} {}!R{}C{}: {value:?} vs {got:?}",
                        original.name, row.index, col
                    );
                }
            }
        }
    }
}

#[test]
fn cp932_csv_without_mojibake() {
    let (bytes, _, unmappable) =
        encoding_rs::SHIFT_JIS.encode("管理番号,OS\n００１,Win8\n①,髙﨑\n");
    assert!(!unmappable);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("端末一覧.csv");
    std::fs::write(&path, &bytes).unwrap();
    let book = open_path(&path, &Limits::default()).unwrap();
    assert_eq!(book.format, Format::Csv);
    let sheet = &book.sheets[0];
    assert_eq!(sheet.name, "端末一覧");
    assert_eq!(sheet.grid.get(0, 0), Some(&text("管理番号")));
    assert_eq!(sheet.grid.get(1, 0), Some(&text("００１")));
    assert_eq!(sheet.grid.get(1, 1), Some(&text("Win8")));
    assert_eq!(sheet.grid.get(2, 0), Some(&text("①")));
    assert_eq!(sheet.grid.get(2, 1), Some(&text("髙﨑")));
}

#[test]
fn utf8_bom_csv_and_tsv() {
    let book = open_bytes(
        "\u{feff}管理番号,IP\r\n001,192.168.1.10\r\n".as_bytes(),
        "csv",
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(book.sheets[0].grid.get(0, 0), Some(&text("管理番号")));
    assert_eq!(book.sheets[0].grid.get(1, 0), Some(&text("001")));
    assert_eq!(book.sheets[0].grid.get(1, 1), Some(&text("192.168.1.10")));

    let book = open_bytes(
        "管理番号\tIP\n001\t10.0.0.1, 10.0.0.2\n".as_bytes(),
        "tsv",
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(book.format, Format::Tsv);
    assert_eq!(
        book.sheets[0].grid.get(1, 1),
        Some(&text("10.0.0.1, 10.0.0.2"))
    );

    // Excel's "Text (Tab delimited)" saved as .txt.
    let book = open_bytes(
        "機器\tOS\nPC\tWin11\n".as_bytes(),
        "txt",
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(book.format, Format::Tsv);
    assert_eq!(book.sheets[0].grid.get(1, 1), Some(&text("Win11")));
}

// ---------------------------------------------------------------------------------------------
// Decompression bombs

/// 1.5 GB of zeros, deflated by hand: one literal 0, then matches of length 258 at distance 1,
/// in a single fixed-Huffman block (13 bits per match, so about 9 MB).
fn deflated_zeros(len: u64) -> Vec<u8> {
    struct Bits {
        out: Vec<u8>,
        acc: u64,
        n: u32,
    }
    impl Bits {
        /// `value`'s low `count` bits, least significant first.
        fn put(&mut self, value: u64, count: u32) {
            self.acc |= value << self.n;
            self.n += count;
            while self.n >= 8 {
                self.out.push(self.acc as u8);
                self.acc >>= 8;
                self.n -= 8;
            }
        }
        /// A Huffman code, most significant bit first.
        fn code(&mut self, code: u64, count: u32) {
            let reversed = code.reverse_bits() >> (64 - count);
            self.put(reversed, count);
        }
    }
    let matches = (len - 1) / 258;
    let mut bits = Bits {
        out: Vec::with_capacity((matches * 13 / 8 + 16) as usize),
        acc: 0,
        n: 0,
    };
    bits.put(1, 1); // BFINAL
    bits.put(1, 2); // BTYPE = fixed Huffman
    bits.code(0b0011_0000, 8); // literal 0
                               // Length 258 is code 285 (8 bits: 11000101); distance 1 is code 0 (5 bits: 00000).
    let one_match = 0b1100_0101u64.reverse_bits() >> 56;
    for _ in 0..matches {
        bits.put(one_match, 13);
    }
    for _ in 0..(len - 1 - matches * 258) {
        bits.code(0b0011_0000, 8);
    }
    bits.code(0, 7); // end of block
    bits.put(0, 7); // flush
    bits.out
}

/// A zip written by hand, so that sizes and CRCs can lie. Entries are (name, method, data,
/// declared uncompressed size, crc).
fn raw_zip(entries: &[(&str, u16, &[u8], u32, u32)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, method, data, size, crc) in entries {
        let offset = out.len() as u32;
        let mut local = Vec::new();
        local.extend_from_slice(b"PK\x03\x04");
        local.extend_from_slice(&20u16.to_le_bytes()); // version needed
        local.extend_from_slice(&0x0800u16.to_le_bytes()); // UTF-8 names
        local.extend_from_slice(&method.to_le_bytes());
        local.extend_from_slice(&[0, 0, 0x21, 0]); // time, date
        local.extend_from_slice(&crc.to_le_bytes());
        local.extend_from_slice(&(data.len() as u32).to_le_bytes());
        local.extend_from_slice(&size.to_le_bytes());
        local.extend_from_slice(&(name.len() as u16).to_le_bytes());
        local.extend_from_slice(&0u16.to_le_bytes());
        local.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&local);
        out.extend_from_slice(data);

        central.extend_from_slice(b"PK\x01\x02");
        central.extend_from_slice(&20u16.to_le_bytes()); // version made by
        central.extend_from_slice(&local[4..30]);
        central.extend_from_slice(&[0; 6]); // comment len, disk, internal attrs
        central.extend_from_slice(&0u32.to_le_bytes()); // external attrs
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let central_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06");
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&central_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// The parts of a real xlsx, uncompressed, with one part replaced.
fn xlsx_parts_with(xlsx: &[u8], replaced: &str) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut parts = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        if name == replaced {
            continue;
        }
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut data).unwrap();
        parts.push((name, data));
    }
    parts
}

fn replace_entry(xlsx: &[u8], name: &str, data: &[u8]) -> Vec<u8> {
    let mut parts = xlsx_parts_with(xlsx, name);
    parts.push((name.to_string(), data.to_vec()));
    let entries: Vec<(&str, u16, &[u8], u32, u32)> = parts
        .iter()
        .map(|(n, d)| (n.as_str(), 0u16, d.as_slice(), d.len() as u32, crc32(d)))
        .collect();
    raw_zip(&entries)
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// The ledger xlsx with `sheet1.xml` replaced by 1.5 GB of deflated zeros that declare `size`.
fn bomb_xlsx(zeros: &[u8], declared: u32) -> Vec<u8> {
    let xlsx = ledger_xlsx();
    let parts = xlsx_parts_with(&xlsx, "xl/worksheets/sheet1.xml");
    let mut entries: Vec<(&str, u16, &[u8], u32, u32)> = parts
        .iter()
        .map(|(n, d)| (n.as_str(), 0u16, d.as_slice(), d.len() as u32, crc32(d)))
        .collect();
    entries.push(("xl/worksheets/sheet1.xml", 8, zeros, declared, 0));
    raw_zip(&entries)
}

const BOMB_BYTES: u64 = 1_500_000_000;

#[test]
fn hand_made_deflate_stream_is_valid() {
    let len = 100_000;
    let zeros = vec![0u8; len];
    let deflated = deflated_zeros(len as u64);
    let zip = raw_zip(&[("zeros", 8, &deflated, len as u32, crc32(&zeros))]);
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut archive.by_index(0).unwrap(), &mut out).unwrap();
    assert_eq!(out, zeros);
}

#[test]
fn zip_bombs_end_in_seconds_with_bounded_memory() {
    let zeros = deflated_zeros(BOMB_BYTES);
    assert!(zeros.len() < 10_000_000);

    // Honest sizes: refused from the central directory, nothing is inflated.
    let honest = bomb_xlsx(&zeros, BOMB_BYTES as u32);
    assert_eq!(
        open_bytes(&honest, "xlsx", &Limits::default()).unwrap_err(),
        ReadError::DecompressedTooLarge {
            limit: Limits::default().max_uncompressed_bytes
        }
    );

    // Lying sizes: the part says 1,000 bytes; reading stops there instead of inflating 1.5 GB.
    let lying = bomb_xlsx(&zeros, 1_000);
    let err = open_bytes(&lying, "xlsx", &Limits::default()).unwrap_err();
    assert!(
        matches!(err, ReadError::Corrupt { format: Format::Xlsx, ref detail } if detail.contains("declared")),
        "{err:?}"
    );

    // No timing assertion (CI machines vary); the work is bounded by what is inflated, and the
    // memory check below proves nothing was inflated to 1.5 GB (Linux; see the function).
    #[cfg(target_os = "linux")]
    assert_peak_memory_below_mb(400);
}

/// The process's peak resident memory so far (VmHWM), which must be below `limit_mb`. Linux only:
/// on other systems the callers compile without this check (`cfg`), they do not skip it at run
/// time.
#[cfg(target_os = "linux")]
fn assert_peak_memory_below_mb(limit_mb: u64) {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let peak_kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("no VmHWM line in /proc/self/status:\n{status}"));
    assert!(peak_kb / 1024 < limit_mb, "peak RSS {} MB", peak_kb / 1024);
}

// ---------------------------------------------------------------------------------------------
// Fixtures

/// Rewrites fixtures/reader/: ledger.xls, ledger.ods and ledger-libreoffice.xlsx (the ledger
/// workbook saved by LibreOffice), encrypted.xlsx (msoffcrypto-tool, password "pw").
#[test]
#[ignore = "needs soffice and msoffcrypto-tool; run by hand to refresh the fixtures"]
fn regenerate_fixtures() {
    let out = fixtures();
    std::fs::create_dir_all(&out).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("ledger.xlsx");
    std::fs::write(&source, ledger_xlsx()).unwrap();
    let converted = dir.path().join("converted");
    for target in ["xls", "ods", "xlsx"] {
        let status = std::process::Command::new("soffice")
            .arg(format!(
                "-env:UserInstallation=file://{}",
                dir.path().join("profile").display()
            ))
            .args(["--headless", "--convert-to", target, "--outdir"])
            .arg(&converted)
            .arg(&source)
            .status()
            .unwrap();
        assert!(status.success());
    }
    std::fs::copy(converted.join("ledger.xls"), out.join("ledger.xls")).unwrap();
    std::fs::copy(converted.join("ledger.ods"), out.join("ledger.ods")).unwrap();
    std::fs::copy(
        converted.join("ledger.xlsx"),
        out.join("ledger-libreoffice.xlsx"),
    )
    .unwrap();
    let status = std::process::Command::new("msoffcrypto-tool")
        .args(["-e", "-p", "pw"])
        .arg(&source)
        .arg(out.join("encrypted.xlsx"))
        .status()
        .unwrap();
    assert!(status.success());
}

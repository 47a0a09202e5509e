//! Excel 2003 XML (SpreadsheetML): the fuzzer's bytes follow a workbook's opening tags, so
//! detection always picks the SpreadsheetML reader (ss:Index, merges, types, damaged XML).
//!
//! Both readers are daicho's own code, read in-process: any panic is a crash here, and so is an
//! allocation beyond libFuzzer's -malloc_limit_mb (the cell limits must hold).
#![no_main]
use daicho::workbook::Limits;
use libfuzzer_sys::fuzz_target;

const HEAD: &str = "<?xml version=\"1.0\"?><?mso-application progid=\"Excel.Sheet\"?><Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\" xmlns:ss=\"urn:schemas-microsoft-com:office:spreadsheet\"><Worksheet ss:Name=\"台帳\"><Table>";

fuzz_target!(|data: &[u8]| {
    let mut bytes = HEAD.as_bytes().to_vec();
    bytes.extend_from_slice(data);
    let limits = Limits {
        max_file_bytes: 8 << 20,
        max_cells_per_sheet: 200_000,
        max_uncompressed_bytes: 64 << 20,
        ..Limits::default()
    };
    if let Ok(book) = daicho::workbook::open_bytes(&bytes, "xls", &limits) {
        let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap_or_default();
        let settings = daicho::settings::Settings::new(as_of);
        let _ = daicho::engine::analyze(&book, &settings);
    }
});

//! HTML tables saved as .xls: the fuzzer's bytes follow an opening table, so detection
//! always picks the HTML reader (colspan/rowspan, nesting, unclosed tags, entities).
//!
//! Both readers are daicho's own code, read in-process: any panic is a crash here, and so is an
//! allocation beyond libFuzzer's -malloc_limit_mb (the cell limits must hold).
#![no_main]
use daicho::workbook::Limits;
use libfuzzer_sys::fuzz_target;

const HEAD: &str = "<html><head><meta charset=\"utf-8\"></head><body><table><tr><td>";

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

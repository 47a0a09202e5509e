//! What the whole-file fuzz targets share: read the bytes with fuzzing's limits (small enough
//! that libFuzzer's -malloc_limit_mb catches a limit that does not hold), then analyse.

use daicho::workbook::Limits;

pub fn open_and_analyze(bytes: &[u8], extension: &str) {
    let limits = Limits {
        max_file_bytes: 8 << 20,
        max_cells_per_sheet: 200_000,
        max_uncompressed_bytes: 64 << 20,
        ..Limits::default()
    };
    if let Ok(book) = daicho::workbook::open_bytes(bytes, extension, &limits) {
        let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap_or_default();
        let settings = daicho::settings::Settings::new(as_of);
        let _ = daicho::engine::analyze(&book, &settings);
    }
}

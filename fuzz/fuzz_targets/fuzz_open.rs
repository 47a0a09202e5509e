//! Reading a workbook from bytes (any format, detected from the bytes) and analysing it.
//!
//! The first byte picks the extension hint. Panics inside calamine are caught by daicho's reader
//! guard and reported as that file's error (and in the binary, .xls/.ods/.xlsb are read in a child
//! process), so they are not findings here; any other panic — in daicho's own code, or escaping
//! the guard — aborts the run as a crash. Allocation failures (libFuzzer's -malloc_limit_mb) are
//! crashes too: in-process they would take the whole batch down.
#![no_main]
use daicho::workbook::Limits;
use libfuzzer_sys::fuzz_target;
use std::sync::Once;

static HOOK: Once = Once::new();

fn install_hook() {
    HOOK.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let in_calamine = info
                .location()
                .is_some_and(|l| l.file().contains("calamine-"));
            if !in_calamine {
                eprintln!("{info}");
                std::process::abort();
            }
        }));
    });
}

const EXTENSIONS: [&str; 8] = ["xlsx", "xls", "ods", "xlsb", "csv", "tsv", "txt", "bin"];

fuzz_target!(|data: &[u8]| {
    install_hook();
    let Some((&first, bytes)) = data.split_first() else {
        return;
    };
    let extension = EXTENSIONS[usize::from(first) % EXTENSIONS.len()];
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
});

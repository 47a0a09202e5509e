//! Reading a workbook from bytes (any format, detected from the bytes) and analysing it.
//!
//! The first byte picks the extension hint. Panics inside calamine are caught by daicho's reader
//! guard and reported as that file's error (and in the binary, .xls/.ods/.xlsb are read in a child
//! process), so they are not findings here; any other panic — in daicho's own code, or escaping
//! the guard — aborts the run as a crash. Allocation failures (libFuzzer's -malloc_limit_mb) are
//! crashes too: in-process they would take the whole batch down.
#![no_main]
use libfuzzer_sys::fuzz_target;

mod common;
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
    common::open_and_analyze(bytes, extension);
});

//! Header matching: a label against the bundled field synonyms.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = daicho::layout::FieldTable::bundled().match_label(&text);
});

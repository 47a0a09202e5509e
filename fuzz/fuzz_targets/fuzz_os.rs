//! OS cells against the bundled support table (tokenising, aliases, editions, versions).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let table = daicho::ledger::os::OsTable::bundled();
    let _ = table.judge(&text);
    let _ = table.canonical_spelling(&text);
});

//! IP cells: splitting, full-width input, prefixes, placeholders, IPv6 zones.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = daicho::ledger::ip::parse_ip_cell(&text);
    let _ = daicho::ledger::ip::parse_ip_address(&text);
});

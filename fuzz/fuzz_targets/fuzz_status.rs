//! Status and device-kind words, sheet-name kinds, management-number keys, text helpers.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = daicho::ledger::status::parse_status(&text);
    let _ = daicho::ledger::status::parse_kind(&text);
    let _ = daicho::ledger::status::kind_from_sheet_name(&text);
    let _ = daicho::ledger::id::exact_key(&text);
    let _ = daicho::ledger::id::loose_key(&text);
    let _ = daicho::ledger::words::is_not_applicable(&text);
    let _ = daicho::ledger::words::is_placeholder(&text);
    let _ = daicho::ledger::status::is_specific_status(&text);
    let _ = daicho::ledger::words::is_dynamic_ip_word(&text);
    let cell = daicho::workbook::CellValue::Text(text.into_owned());
    let _ = daicho::ledger::words::remote_maintenance(&cell);
    let _ = daicho::ledger::words::total_row(&[&(0, cell.clone()), &(1, cell)]);
});

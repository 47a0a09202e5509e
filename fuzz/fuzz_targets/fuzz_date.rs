//! Dates: text forms (yyyy/m/d, 年月日, Japanese eras, R2.12.1 …) and Excel serial numbers.
#![no_main]
use daicho::workbook::CellValue;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = daicho::ledger::date::parse_date_text(&text);
    let _ = daicho::ledger::date::read_date_text(&text);
    let _ = daicho::ledger::date::parse_date_cell(&CellValue::Text(text.into_owned()));
    if let Some(bytes) = data.get(..8) {
        let mut b = [0u8; 8];
        b.copy_from_slice(bytes);
        let n = f64::from_le_bytes(b);
        let _ = daicho::ledger::date::date_from_number(n);
        let _ = daicho::ledger::date::parse_date_cell(&CellValue::Number(n));
        let _ = daicho::ledger::date::excel_serial(i64::from_le_bytes(b));
    }
});

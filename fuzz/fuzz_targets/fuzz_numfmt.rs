//! Number format codes (`"DC-"000`, `[$-411]ggge"年"m"月"d"日"` …): parsing and rendering a
//! number, a date and a text never panic. The first 8 bytes are the number, the rest the code.
#![no_main]
use daicho::workbook::numfmt::NumberFormat;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((number, code)) = data.split_first_chunk::<8>() else {
        return;
    };
    let code = String::from_utf8_lossy(code);
    if let Some(format) = NumberFormat::parse(&code) {
        let n = f64::from_le_bytes(*number);
        let _ = format.format_number(n);
        let _ = format.format_text(&code);
        if let Some(dt) = chrono::DateTime::from_timestamp(i64::from_le_bytes(*number) % 253_402_300_800, 0) {
            let _ = format.format_datetime(dt.naive_utc());
        }
    }
});

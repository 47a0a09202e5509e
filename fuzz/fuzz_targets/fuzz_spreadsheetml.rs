//! Excel 2003 XML (SpreadsheetML): the fuzzer's bytes follow a workbook's opening tags, so
//! detection always picks the SpreadsheetML reader (ss:Index, merges, types, damaged XML).
//!
//! Both readers are daicho's own code, read in-process: any panic is a crash here, and so is an
//! allocation beyond libFuzzer's -malloc_limit_mb (the cell limits must hold).
#![no_main]
use libfuzzer_sys::fuzz_target;

mod common;

const HEAD: &str = "<?xml version=\"1.0\"?><?mso-application progid=\"Excel.Sheet\"?><Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\" xmlns:ss=\"urn:schemas-microsoft-com:office:spreadsheet\"><Worksheet ss:Name=\"台帳\"><Table>";

fuzz_target!(|data: &[u8]| {
    let mut bytes = HEAD.as_bytes().to_vec();
    bytes.extend_from_slice(data);
    common::open_and_analyze(&bytes, "xls");
});

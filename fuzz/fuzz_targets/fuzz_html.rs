//! HTML tables saved as .xls: the fuzzer's bytes follow an opening table, so detection
//! always picks the HTML reader (colspan/rowspan, nesting, unclosed tags, entities).
//!
//! Both readers are daicho's own code, read in-process: any panic is a crash here, and so is an
//! allocation beyond libFuzzer's -malloc_limit_mb (the cell limits must hold).
#![no_main]
use libfuzzer_sys::fuzz_target;

mod common;

const HEAD: &str = "<html><head><meta charset=\"utf-8\"></head><body><table><tr><td>";

fuzz_target!(|data: &[u8]| {
    let mut bytes = HEAD.as_bytes().to_vec();
    bytes.extend_from_slice(data);
    common::open_and_analyze(&bytes, "xls");
});

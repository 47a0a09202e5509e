//! The child-process wire format: damaged output from a dying reader must never panic the parent.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = daicho::isolate::decode(data);
});

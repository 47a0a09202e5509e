//! Byte-level edits of zip headers. One copy for two kinds of test: the integration tests reach it
//! as `crate::common::zip_headers`, and the crate's unit tests in `src/workbook/guard.rs` include
//! this file with `#[path]` (a `#[cfg(test)]` helper inside the crate is invisible to `tests/`).

/// Overwrites the uncompressed size in every local and central zip header.
pub fn patch_uncompressed_sizes(bytes: &mut [u8], size: u32) {
    let mut i = 0;
    while i + 4 <= bytes.len() {
        match &bytes[i..i + 4] {
            b"PK\x03\x04" => bytes[i + 22..i + 26].copy_from_slice(&size.to_le_bytes()),
            b"PK\x01\x02" => bytes[i + 24..i + 28].copy_from_slice(&size.to_le_bytes()),
            _ => {}
        }
        i += 1;
    }
}

//! Defences around the third-party readers: a panic becomes an error for that one file, and a
//! zip-based workbook is refused before it can decompress beyond the budget.

use super::{Format, Limits, ReadError};
use std::any::Any;
use std::fmt::Display;
use std::io::Cursor;
use std::panic::{catch_unwind, AssertUnwindSafe};
use zip::ZipArchive;

/// An error's text on one short line, for [`ReadError::Corrupt`] details.
pub(super) fn short_detail(e: &dyn Display) -> String {
    const MAX_CHARS: usize = 160;
    let text = e.to_string();
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= MAX_CHARS {
        one_line
    } else {
        let cut: String = one_line.chars().take(MAX_CHARS).collect();
        format!("{cut}…")
    }
}

/// Runs a reader, turning a panic inside it into [`ReadError::ReaderCrashed`].
///
/// calamine has panicked on damaged .xls files (slice indexing in formula and CFB parsing, see
/// `reference/crates.md`). An allocation failure still aborts the process; only a child process
/// contains that, which is why `open_bytes` keeps no state and can run in one.
pub(super) fn catch_reader_panic<T>(
    read: impl FnOnce() -> Result<T, ReadError>,
) -> Result<T, ReadError> {
    catch_unwind(AssertUnwindSafe(read)).unwrap_or_else(|payload| {
        Err(ReadError::ReaderCrashed {
            detail: panic_text(payload.as_ref()),
        })
    })
}

/// The message of a caught panic (what `panic!` was given), for a file's error.
pub fn panic_text(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic".to_string()
    }
}

/// Refuses a zip whose parts declare more than `limits.max_uncompressed_bytes` in total.
///
/// The declared sizes are also what bounds the real output: zip (9.x) reading an entry through
/// `ZipArchive` — as calamine does — fails with "File is larger than its declared uncompressed
/// size" one byte past the size in the central directory (`types.rs`, `make_reader`), so a
/// lying archive stops at its declared size instead of expanding. The test
/// `lying_entry_stops_at_declared_size` pins that behaviour. Summing the central directory costs
/// microseconds, whereas decompressing every part up front just to count it would add a full
/// extra inflate of the workbook (see the measurement in the reader's report).
pub(super) fn check_zip_budget(
    bytes: &[u8],
    format: Format,
    limits: &Limits,
) -> Result<(), ReadError> {
    let archive = ZipArchive::new(Cursor::new(bytes)).map_err(|e| ReadError::Corrupt {
        format,
        detail: short_detail(&e),
    })?;
    let mut total: u64 = 0;
    for index in 0..archive.len() {
        let entry = archive
            .by_index_data(index)
            .map_err(|e| ReadError::Corrupt {
                format,
                detail: short_detail(&e),
            })?;
        total = total.saturating_add(entry.size());
        if total > limits.max_uncompressed_bytes {
            return Err(ReadError::DecompressedTooLarge {
                limit: limits.max_uncompressed_bytes,
            });
        }
    }
    Ok(())
}

// A test helper tests/formats/hostile.rs uses too: one copy, kept with the test helpers.
#[cfg(test)]
#[path = "../../tests/common/zip_headers.rs"]
mod zip_headers;

#[cfg(test)]
mod tests {
    use super::zip_headers::patch_uncompressed_sizes;
    use super::*;
    use std::io::{Read, Write};

    #[test]
    fn panics_become_errors() {
        let result: Result<(), ReadError> = catch_reader_panic(|| panic!("index out of range"));
        assert_eq!(
            result,
            Err(ReadError::ReaderCrashed {
                detail: "index out of range".into()
            })
        );
    }

    #[test]
    fn details_are_one_short_line() {
        assert_eq!(short_detail(&"a\n  b"), "a b");
        assert_eq!(short_detail(&"x".repeat(500)).chars().count(), 161);
    }

    /// A zip whose one entry says it is 100 bytes but inflates to 10 MB.
    fn lying_zip() -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        w.start_file("big.xml", zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(&vec![b'a'; 10 << 20]).unwrap();
        let mut bytes = w.finish().unwrap().into_inner();
        patch_uncompressed_sizes(&mut bytes, 100);
        bytes
    }

    #[test]
    fn lying_entry_stops_at_declared_size() {
        let bytes = lying_zip();
        let limits = Limits::default();
        // The declared total is tiny, so the budget check passes …
        assert_eq!(check_zip_budget(&bytes, Format::Xlsx, &limits), Ok(()));
        // … and reading the entry fails right after the declared size instead of inflating.
        let mut archive = ZipArchive::new(Cursor::new(&bytes[..])).unwrap();
        let mut entry = archive.by_index(0).unwrap();
        let mut out = Vec::new();
        let mut chunk = [0u8; 4096];
        let err = loop {
            match entry.read(&mut chunk) {
                Ok(0) => panic!("the lying entry was read to the end"),
                Ok(n) => out.extend_from_slice(&chunk[..n]),
                Err(e) => break e,
            }
        };
        assert!(out.len() <= 100 + 4096, "read {} bytes", out.len());
        assert!(err.to_string().contains("declared"), "{err}");
    }

    #[test]
    fn declared_total_over_budget_is_refused() {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for name in ["a.xml", "b.xml"] {
            w.start_file(name, zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(&[0u8; 600]).unwrap();
        }
        let bytes = w.finish().unwrap().into_inner();
        let limits = Limits {
            max_uncompressed_bytes: 1000,
            ..Limits::default()
        };
        assert_eq!(
            check_zip_budget(&bytes, Format::Xlsx, &limits),
            Err(ReadError::DecompressedTooLarge { limit: 1000 })
        );
    }
}

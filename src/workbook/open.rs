//! Opening a file of any supported format into a [`Workbook`].
//!
//! The file is read into memory in one `std::fs::read` (read-only, never locked beyond that
//! call, never written), then everything works on the bytes. [`open_bytes`] holds no state, so
//! it can equally run in a child process that isolates a hostile file.

use super::detect::{detect_format, normalise_extension};
use super::guard::{catch_reader_panic, check_zip_budget};
use super::{
    csv_reader, html_table, markup_text, spreadsheetml, xls_ods, xlsx, Format, Limits, ReadError,
    Sheet, Workbook,
};
use std::io::ErrorKind;
use std::path::Path;

/// The sheet name of a CSV/TSV read from bytes without a file name.
pub const DEFAULT_TEXT_SHEET_NAME: &str = "CSV";

/// Reads a workbook from a path, enforcing `limits`. The file is opened read-only and closed
/// before this returns. A CSV/TSV sheet is named after the file stem.
pub fn open_path(path: &Path, limits: &Limits) -> Result<Workbook, ReadError> {
    let metadata = std::fs::metadata(path).map_err(io_error)?;
    if metadata.is_dir() {
        return Err(ReadError::Io("is a folder".to_string()));
    }
    if metadata.len() > limits.max_file_bytes {
        return Err(ReadError::FileTooLarge {
            bytes: metadata.len(),
            limit: limits.max_file_bytes,
        });
    }
    let bytes = std::fs::read(path).map_err(io_error)?;
    open_bytes_of(path, &bytes, limits)
}

/// A file name's extension as given (no dot; empty when there is none).
pub fn extension_of(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Reads a workbook from the bytes of the file named `path` (which need not exist: the browser
/// page and `--ledger` given as bytes have only a name): its extension disambiguates text
/// formats and a CSV/TSV sheet is named after its stem.
pub fn open_bytes_of(path: &Path, bytes: &[u8], limits: &Limits) -> Result<Workbook, ReadError> {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| DEFAULT_TEXT_SHEET_NAME.to_string());
    open_bytes_named(bytes, &extension_of(path), &stem, limits)
}

/// Reads a workbook from bytes; `extension` (lower-case, no dot) only disambiguates text formats.
/// A CSV/TSV sheet is named [`DEFAULT_TEXT_SHEET_NAME`].
pub fn open_bytes(bytes: &[u8], extension: &str, limits: &Limits) -> Result<Workbook, ReadError> {
    open_bytes_named(bytes, extension, DEFAULT_TEXT_SHEET_NAME, limits)
}

/// [`open_bytes`], naming the single sheet of a CSV/TSV file `text_sheet_name` (binary
/// workbooks keep their own sheet names).
pub fn open_bytes_named(
    bytes: &[u8],
    extension: &str,
    text_sheet_name: &str,
    limits: &Limits,
) -> Result<Workbook, ReadError> {
    let size = bytes.len() as u64;
    if size > limits.max_file_bytes {
        return Err(ReadError::FileTooLarge {
            bytes: size,
            limit: limits.max_file_bytes,
        });
    }
    let format = detect_format(bytes, &normalise_extension(extension))?;
    if format.is_zip() {
        check_zip_budget(bytes, format, limits)?;
    }
    let only_worksheets = |sheets: Vec<Sheet>| (sheets, Vec::new(), Vec::new());
    let no_outlines = |(sheets, skipped)| (sheets, skipped, Vec::new());
    let (sheets, skipped, outlines) = catch_reader_panic(|| match format {
        Format::Xlsx => xlsx::read_xlsx(bytes, limits),
        Format::Xlsb => xlsx::read_xlsb(bytes, limits).map(no_outlines),
        Format::Xls => xls_ods::read_xls(bytes, limits).map(no_outlines),
        Format::Ods => xls_ods::read_ods(bytes, limits).map(only_worksheets),
        Format::Csv | Format::Tsv => csv_reader::read_text(bytes, format, text_sheet_name, limits)
            .map(|s| only_worksheets(vec![s])),
        Format::SpreadsheetMl => {
            spreadsheetml::read_spreadsheetml(&markup_text::decode(bytes)?, limits)
                .map(only_worksheets)
        }
        Format::Html => {
            html_table::read_html(&markup_text::decode(bytes)?, text_sheet_name, limits)
                .map(only_worksheets)
        }
    })?;
    Ok(Workbook {
        format,
        sheets,
        skipped,
        outlines,
    })
}

fn io_error(e: std::io::Error) -> ReadError {
    match e.kind() {
        ErrorKind::NotFound => ReadError::NotFound,
        ErrorKind::PermissionDenied => ReadError::Io("permission denied".to_string()),
        ErrorKind::IsADirectory => ReadError::Io("is a folder".to_string()),
        _ => ReadError::Io(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_errors() {
        let dir = tempfile::tempdir().unwrap();
        let limits = Limits::default();
        assert_eq!(
            open_path(&dir.path().join("missing.xlsx"), &limits).unwrap_err(),
            ReadError::NotFound
        );
        assert_eq!(
            open_path(dir.path(), &limits).unwrap_err(),
            ReadError::Io("is a folder".into())
        );
        let empty = dir.path().join("empty.xlsx");
        std::fs::write(&empty, b"").unwrap();
        assert_eq!(
            open_path(&empty, &limits).unwrap_err(),
            ReadError::EmptyFile
        );
        let big = dir.path().join("big.csv");
        std::fs::write(&big, b"a,b,c\n").unwrap();
        let tiny = Limits {
            max_file_bytes: 3,
            ..limits
        };
        assert_eq!(
            open_path(&big, &tiny).unwrap_err(),
            ReadError::FileTooLarge { bytes: 6, limit: 3 }
        );
    }

    #[test]
    fn csv_sheet_is_named_after_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("機器台帳.CSV");
        std::fs::write(&path, "管理番号\n001\n").unwrap();
        let book = open_path(&path, &Limits::default()).unwrap();
        assert_eq!(book.format, Format::Csv);
        assert_eq!(book.sheets[0].name, "機器台帳");
        let book = open_bytes(b"a\n", "csv", &Limits::default()).unwrap();
        assert_eq!(book.sheets[0].name, "CSV");
    }
}

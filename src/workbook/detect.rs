//! Identifying a file's real format from its bytes (the extension lies).
//!
//! Magic bytes decide first: a zip is looked into (ODS `mimetype`, `xl/workbook.bin`,
//! `xl/workbook.xml`), an OLE/CFB file is either a password-protected OOXML package
//! (`EncryptedPackage` stream) or a BIFF `.xls`. Only bytes with no known magic fall back to the
//! extension, and then only text extensions are read as text: a text file named `.xlsx` is an
//! error, never silently re-read as CSV.

use super::guard::short_detail;
use super::html_table::looks_like_html;
use super::markup_text;
use super::spreadsheetml::looks_like_spreadsheetml;
use super::xlsx_merges::relationships;
use super::{LegacyFormat, ReadError};
use std::io::{Cursor, Read};
use zip::ZipArchive;

/// A spreadsheet format daicho reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Xlsb,
    Xls,
    Ods,
    Csv,
    Tsv,
    /// Excel 2003 XML (SpreadsheetML), saved as `.xls` or `.xml`.
    SpreadsheetMl,
    /// An HTML table saved as `.xls` (web systems' "Excel" export).
    Html,
}

impl Format {
    pub fn label(self) -> &'static str {
        match self {
            Format::Xlsx => "Excel (.xlsx)",
            Format::Xlsb => "Excel (.xlsb)",
            Format::Xls => "Excel 97-2003 (.xls)",
            Format::Ods => "OpenDocument (.ods)",
            Format::Csv => "CSV",
            Format::Tsv => "TSV",
            Format::SpreadsheetMl => "Excel 2003 XML",
            Format::Html => "HTML (.xls)",
        }
    }

    /// True for the zip-based formats (their parts are decompressed when read).
    pub fn is_zip(self) -> bool {
        matches!(self, Format::Xlsx | Format::Xlsb | Format::Ods)
    }
}

/// Extensions of binary workbooks daicho reads (lower-case, without dot).
pub const SPREADSHEET_EXTENSIONS: &[&str] =
    &["xlsx", "xlsm", "xltx", "xltm", "xls", "xlsb", "ods", "ots"];

/// Extensions read as delimited text.
pub const TEXT_EXTENSIONS: &[&str] = &["csv", "tsv", "txt"];

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const CFB_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const ODS_MIME: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";

/// Decides the format from the first bytes and the extension (lower-cased, without dot).
pub fn detect_format(bytes: &[u8], extension: &str) -> Result<Format, ReadError> {
    let ext = normalise_extension(extension);
    if bytes.is_empty() {
        return Err(ReadError::EmptyFile);
    }
    if bytes.starts_with(ZIP_MAGIC) {
        return detect_zip(bytes, &ext);
    }
    if bytes.starts_with(CFB_MAGIC) {
        return detect_cfb(bytes, &ext);
    }
    if let Some(legacy) = legacy_format(bytes) {
        if !TEXT_EXTENSIONS.contains(&ext.as_str()) {
            return Err(ReadError::Legacy(legacy));
        }
    }
    if !TEXT_EXTENSIONS.contains(&ext.as_str()) {
        let head = markup_text::head(bytes);
        if looks_like_spreadsheetml(&head) {
            return Ok(Format::SpreadsheetMl);
        }
        if matches!(ext.as_str(), "xls" | "htm" | "html") && looks_like_html(&head) {
            return Ok(Format::Html);
        }
    }
    match ext.as_str() {
        "tsv" => Ok(Format::Tsv),
        "csv" | "txt" if first_line_is_tab_separated(bytes) => Ok(Format::Tsv),
        "csv" | "txt" => Ok(Format::Csv),
        _ => Err(not_a_spreadsheet(&ext)),
    }
}

/// A pre-Excel 97 spreadsheet, from its first record: Excel 2.x–4.0 files are a bare BIFF
/// stream starting with a BOF record (type 0x0009/0x0209/0x0409, 4–16 bytes long, then the
/// BIFF version and the document type); Quattro Pro files start with their own BOF record
/// (type 0, 2 bytes: the version).
fn legacy_format(bytes: &[u8]) -> Option<LegacyFormat> {
    let u16_at = |i: usize| {
        bytes
            .get(i..i + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
    };
    let (typ, len, version) = (u16_at(0)?, u16_at(2)?, u16_at(4)?);
    match typ {
        0x0009 | 0x0209 | 0x0409 if (4..=16).contains(&len) => {
            // The document type: worksheet, chart, macro sheet or (BIFF4) workbook.
            let doc_type = match typ {
                0x0009 => version,
                _ => u16_at(6)?,
            };
            if !matches!(doc_type, 0x0010 | 0x0020 | 0x0040 | 0x0100) && typ != 0x0009 {
                return None;
            }
            Some(match typ {
                0x0009 => LegacyFormat::Excel2,
                0x0209 => LegacyFormat::Excel3,
                _ => LegacyFormat::Excel4,
            })
        }
        0x0000 if len == 2 => match version {
            0x5120..=0x5121 => Some(LegacyFormat::QuattroProDos),
            0x1001..=0x1007 => Some(LegacyFormat::QuattroPro),
            _ => None,
        },
        _ => None,
    }
}

/// Lower-case, without a leading dot.
pub(super) fn normalise_extension(extension: &str) -> String {
    extension.trim_start_matches('.').to_ascii_lowercase()
}

/// The error for bytes that are no spreadsheet: a spreadsheet or text extension means the file
/// is not what its name says; any other extension is simply not ours.
fn not_a_spreadsheet(ext: &str) -> ReadError {
    if SPREADSHEET_EXTENSIONS.contains(&ext) || TEXT_EXTENSIONS.contains(&ext) {
        ReadError::NotSpreadsheet {
            extension: ext.to_string(),
        }
    } else {
        ReadError::UnsupportedExtension(ext.to_string())
    }
}

/// Excel's "Text (Tab delimited)" is saved as `.txt`, and some systems write tabs into `.csv`:
/// a first line with tabs and no commas is tab-separated. Tab and comma bytes never occur
/// inside CP932 multi-byte characters, so this works before decoding.
fn first_line_is_tab_separated(bytes: &[u8]) -> bool {
    let line = bytes.split(|&b| b == b'\n').next().unwrap_or(bytes);
    line.contains(&b'\t') && !line.contains(&b',')
}

/// The zip format the extension suggests, used to label a zip too damaged to look into.
fn zip_format_for_extension(ext: &str) -> Format {
    match ext {
        "ods" | "ots" => Format::Ods,
        "xlsb" => Format::Xlsb,
        _ => Format::Xlsx,
    }
}

fn detect_zip(bytes: &[u8], ext: &str) -> Result<Format, ReadError> {
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(|e| ReadError::Corrupt {
        format: zip_format_for_extension(ext),
        detail: short_detail(&e),
    })?;

    let has = |wanted: &str| {
        archive
            .file_names()
            .filter_map(Result::ok)
            .any(|n| n.eq_ignore_ascii_case(wanted))
    };
    let has_mimetype = has("mimetype");
    let has_workbook_bin = has("xl/workbook.bin");
    let has_workbook_xml = has("xl/workbook.xml");
    let has_content_types = has("[Content_Types].xml");

    if has_mimetype {
        let mime = read_entry_prefix(&mut archive, "mimetype", 256);
        if mime.starts_with(ODS_MIME) {
            // ODF encrypts each part and says so in the manifest; the encrypted content.xml
            // would otherwise read as a damaged file.
            let manifest = read_entry_prefix(&mut archive, "META-INF/manifest.xml", 1 << 20);
            if memchr::memmem::find(&manifest, b"encryption-data").is_some() {
                return Err(ReadError::Encrypted);
            }
            return Ok(Format::Ods);
        }
    }
    // The package relationships name the workbook part, wherever it lives (OPC allows any
    // path): its extension says binary (xlsb) or XML (xlsx/xlsm).
    let rels = read_entry_prefix(&mut archive, "_rels/.rels", 1 << 20);
    let workbook_part = relationships(&rels).and_then(|rels| {
        rels.into_values()
            .find(|(typ, _)| typ.ends_with("/officeDocument"))
            .map(|(_, target)| target.trim_start_matches('/').to_ascii_lowercase())
    });
    if let Some(part) = workbook_part.filter(|p| has_entry(&archive, p)) {
        if part.ends_with(".bin") {
            return Ok(Format::Xlsb);
        }
        if part.ends_with(".xml") {
            return Ok(Format::Xlsx);
        }
    }
    if has_workbook_bin {
        return Ok(Format::Xlsb);
    }
    if has_workbook_xml {
        return Ok(Format::Xlsx);
    }
    // OPC lets the workbook part live elsewhere; the content types say what the package is.
    if has_content_types {
        let types = read_entry_prefix(&mut archive, "[Content_Types].xml", 1 << 20);
        let types = String::from_utf8_lossy(&types);
        if types.contains("sheet.binary.macroEnabled.main") {
            return Ok(Format::Xlsb);
        }
        if types.contains("spreadsheetml.sheet.main")
            || types.contains("spreadsheetml.template.main")
            || types.contains("ms-excel.sheet.macroEnabled.main")
            || types.contains("ms-excel.template.macroEnabled.main")
        {
            return Ok(Format::Xlsx);
        }
    }
    Err(not_a_spreadsheet(ext))
}

/// Whether the zip has an entry of this name (ASCII case-insensitive).
fn has_entry(archive: &ZipArchive<Cursor<&[u8]>>, name: &str) -> bool {
    archive
        .file_names()
        .filter_map(Result::ok)
        .any(|n| n.eq_ignore_ascii_case(name))
}

/// At most `limit` bytes of a (small) zip entry; empty if it cannot be read.
fn read_entry_prefix(archive: &mut ZipArchive<Cursor<&[u8]>>, name: &str, limit: u64) -> Vec<u8> {
    let Some(index) = (0..archive.len()).find(|&i| {
        archive
            .name_for_index(i)
            .and_then(Result::ok)
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
    }) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Ok(entry) = archive.by_index(index) {
        // A read error (damaged entry) leaves what was read; detection then falls through.
        let _ = entry.take(limit).read_to_end(&mut out);
    }
    out
}

fn detect_cfb(bytes: &[u8], ext: &str) -> Result<Format, ReadError> {
    let names = cfb_entry_names(bytes);
    let has = |wanted: &str| names.iter().any(|n| n.eq_ignore_ascii_case(wanted));
    if has("EncryptedPackage") {
        // A password-protected xlsx/xlsm/xlsb: Office wraps the encrypted zip in an OLE file.
        return Err(ReadError::Encrypted);
    }
    if has("Workbook") || has("Book") {
        return Ok(Format::Xls);
    }
    if has("NativeContent_MAIN") {
        // Quattro Pro 9 and later (.qpw, .wb3 saved by them): an OLE file of its own.
        return Err(ReadError::Legacy(LegacyFormat::QuattroPro));
    }
    if has("Root Entry") && !cfb_is_truncated(bytes) {
        // A readable directory without a workbook stream: a Word .doc, an Outlook .msg …
        return Err(not_a_spreadsheet(ext));
    }
    // No directory found (truncated or damaged): let the xls reader say what is wrong.
    Ok(Format::Xls)
}

/// True when an OLE/CFB file cannot be whole: not a whole number of sectors, or its directory
/// starts past the end. A truncated .xls can still show a stale "Root Entry" copy without its
/// Workbook entry (LibreOffice writes one near the start), which must read as a damaged
/// spreadsheet, not as some other kind of document.
fn cfb_is_truncated(bytes: &[u8]) -> bool {
    let u16_at = |i: usize| {
        bytes
            .get(i..i + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
    };
    let u32_at = |i: usize| {
        bytes
            .get(i..i + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    let (Some(shift), Some(dir_sector)) = (u16_at(30), u32_at(48)) else {
        return true;
    };
    if shift != 9 && shift != 12 {
        // No usable header: nothing to measure against, so no claim either way.
        return false;
    }
    let sector = 1u64 << shift;
    let len = bytes.len() as u64;
    !len.is_multiple_of(sector) || (u64::from(dir_sector) + 1) * sector + 128 > len
}

/// Names of the directory entries of an OLE/CFB file.
///
/// Directory entries are 128 bytes and always start at a 128-byte boundary of the file (the
/// header is 512 bytes, sectors are 512 or 4096), so scanning those boundaries for well-formed
/// entries finds the directory without following the FAT chain, which may be damaged. Each
/// candidate must have a NUL-terminated UTF-16LE name of a consistent length, a valid object
/// type and colour, so ordinary cell data does not pass for an entry.
pub(super) fn cfb_entry_names(bytes: &[u8]) -> Vec<String> {
    let mut names = Vec::new();
    let mut offset = 512;
    while offset + 128 <= bytes.len() {
        if let Some(name) = cfb_entry_name(&bytes[offset..offset + 128]) {
            names.push(name);
        }
        offset += 128;
    }
    names
}

/// The name of a 128-byte directory entry, if it is a well-formed one.
pub(super) fn cfb_entry_name(entry: &[u8]) -> Option<String> {
    let name_len = u16::from_le_bytes([entry[64], entry[65]]) as usize;
    let object_type = entry[66];
    let colour = entry[67];
    if !(4..=64).contains(&name_len) || !name_len.is_multiple_of(2) {
        return None;
    }
    if !matches!(object_type, 1 | 2 | 5) || colour > 1 {
        return None;
    }
    let units: Vec<u16> = entry[..name_len]
        .chunks_exact(2)
        .map(|p| u16::from_le_bytes([p[0], p[1]]))
        .collect();
    let (terminator, name) = units.split_last()?;
    if *terminator != 0 || name.contains(&0) {
        return None;
    }
    char::decode_utf16(name.iter().copied())
        .collect::<Result<String, _>>()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A cut .xls is a damaged spreadsheet (the reader then says what is wrong), not "another
    /// kind of document", even where a stale directory copy survives the cut.
    #[test]
    fn truncated_xls_is_not_another_document() {
        let xls = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/messy/hospital_a.xls"
        ))
        .unwrap();
        assert!(!cfb_is_truncated(&xls));
        for cut in [
            xls.len() / 10,
            xls.len() / 2,
            xls.len() * 95 / 100,
            xls.len() - 1024,
        ] {
            assert!(cfb_is_truncated(&xls[..cut]), "cut at {cut}");
            assert_eq!(
                detect_cfb(&xls[..cut], "xls"),
                Ok(Format::Xls),
                "cut at {cut}"
            );
        }
    }

    fn zip_with(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data) in entries {
            w.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    /// A minimal CFB image: a 512-byte header and one directory sector with the given entries.
    pub(crate) fn cfb_with(names: &[(&str, u8)]) -> Vec<u8> {
        let mut bytes = CFB_MAGIC.to_vec();
        bytes.resize(512, 0);
        for (name, object_type) in names {
            let mut entry = vec![0u8; 128];
            let units: Vec<u16> = name.encode_utf16().chain([0]).collect();
            for (i, u) in units.iter().enumerate() {
                entry[2 * i..2 * i + 2].copy_from_slice(&u.to_le_bytes());
            }
            entry[64..66].copy_from_slice(&((units.len() * 2) as u16).to_le_bytes());
            entry[66] = *object_type;
            entry[67] = 1;
            bytes.extend_from_slice(&entry);
        }
        bytes
    }

    #[test]
    fn zip_kinds() {
        let ods = zip_with(&[(
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet",
        )]);
        assert_eq!(detect_format(&ods, "ods"), Ok(Format::Ods));
        let xlsb = zip_with(&[("xl/workbook.bin", b"")]);
        assert_eq!(detect_format(&xlsb, "xlsb"), Ok(Format::Xlsb));
        let xlsx = zip_with(&[("xl/workbook.xml", b"<workbook/>")]);
        assert_eq!(detect_format(&xlsx, "xlsm"), Ok(Format::Xlsx));
        // The content wins over the extension.
        assert_eq!(detect_format(&xlsx, "csv"), Ok(Format::Xlsx));
        let odt = zip_with(&[("mimetype", b"application/vnd.oasis.opendocument.text")]);
        assert_eq!(
            detect_format(&odt, "ods"),
            Err(ReadError::NotSpreadsheet {
                extension: "ods".into()
            })
        );
        let docx = zip_with(&[("word/document.xml", b"<w/>")]);
        assert_eq!(
            detect_format(&docx, "docx"),
            Err(ReadError::UnsupportedExtension("docx".into()))
        );
        assert_eq!(
            detect_format(&docx, "XLSX"),
            Err(ReadError::NotSpreadsheet {
                extension: "xlsx".into()
            })
        );
    }

    #[test]
    fn encrypted_ods_is_password_protected() {
        let mime: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";
        let manifest: &[u8] = br#"<manifest:manifest><manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data manifest:checksum-type="SHA1/1K"/></manifest:file-entry></manifest:manifest>"#;
        let ods = zip_with(&[("mimetype", mime), ("META-INF/manifest.xml", manifest)]);
        assert_eq!(detect_format(&ods, "ods"), Err(ReadError::Encrypted));
        let plain = zip_with(&[("mimetype", mime), ("META-INF/manifest.xml", b"<m/>")]);
        assert_eq!(detect_format(&plain, "ods"), Ok(Format::Ods));
    }

    /// OPC lets the workbook part live anywhere; `_rels/.rels` names it. A package with both
    /// parts is what its relationships say.
    #[test]
    fn workbook_part_from_the_package_relationships() {
        let rels = |target: &str| {
            format!(
                r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="{target}"/></Relationships>"#
            )
        };
        let xml_rels = rels("/excel/book.xml");
        let xlsx = zip_with(&[
            ("_rels/.rels", xml_rels.as_bytes()),
            ("excel/book.xml", b"<workbook/>"),
            ("xl/workbook.bin", b""),
        ]);
        assert_eq!(detect_format(&xlsx, "xlsx"), Ok(Format::Xlsx));
        assert_eq!(detect_format(&xlsx, "xlsb"), Ok(Format::Xlsx));
        let bin_rels = rels("xl/wb.bin");
        let xlsb = zip_with(&[("_rels/.rels", bin_rels.as_bytes()), ("xl/wb.bin", b"")]);
        assert_eq!(detect_format(&xlsb, "xlsx"), Ok(Format::Xlsb));
        // A relationship to a missing part decides nothing.
        let lost = zip_with(&[
            ("_rels/.rels", xml_rels.as_bytes()),
            ("xl/workbook.xml", b""),
        ]);
        assert_eq!(detect_format(&lost, "xlsb"), Ok(Format::Xlsx));
    }

    #[test]
    fn broken_zip_is_corrupt() {
        let xlsx = zip_with(&[("xl/workbook.xml", b"<workbook/>")]);
        let half = &xlsx[..xlsx.len() / 2];
        assert!(matches!(
            detect_format(half, "xlsx"),
            Err(ReadError::Corrupt {
                format: Format::Xlsx,
                ..
            })
        ));
    }

    #[test]
    fn ole_kinds() {
        let encrypted = cfb_with(&[
            ("Root Entry", 5),
            ("EncryptionInfo", 2),
            ("EncryptedPackage", 2),
        ]);
        assert_eq!(detect_format(&encrypted, "xlsx"), Err(ReadError::Encrypted));
        let xls = cfb_with(&[("Root Entry", 5), ("Workbook", 2)]);
        assert_eq!(detect_format(&xls, "xls"), Ok(Format::Xls));
        let doc = cfb_with(&[("Root Entry", 5), ("WordDocument", 2)]);
        assert_eq!(
            detect_format(&doc, "xls"),
            Err(ReadError::NotSpreadsheet {
                extension: "xls".into()
            })
        );
        assert_eq!(detect_format(CFB_MAGIC, "xls"), Ok(Format::Xls));
    }

    #[test]
    fn legacy_spreadsheets_say_what_they_are() {
        let bof = |typ: u16, data: &[u8]| {
            let mut b = typ.to_le_bytes().to_vec();
            b.extend_from_slice(&(data.len() as u16).to_le_bytes());
            b.extend_from_slice(data);
            b.extend_from_slice(&[0; 64]);
            b
        };
        for (bytes, legacy) in [
            (bof(0x0009, &[0x02, 0x00, 0x10, 0x00]), LegacyFormat::Excel2),
            (
                bof(0x0209, &[0x00, 0x00, 0x10, 0x00, 0, 0]),
                LegacyFormat::Excel3,
            ),
            (
                bof(0x0409, &[0x00, 0x00, 0x10, 0x00, 0, 0]),
                LegacyFormat::Excel4,
            ),
            (
                bof(0x0409, &[0x00, 0x00, 0x00, 0x01, 0, 0]),
                LegacyFormat::Excel4,
            ),
            (bof(0x0000, &[0x02, 0x10]), LegacyFormat::QuattroPro),
            (bof(0x0000, &[0x20, 0x51]), LegacyFormat::QuattroProDos),
        ] {
            for ext in ["xls", "wb2", "wq1", ""] {
                assert_eq!(
                    detect_format(&bytes, ext),
                    Err(ReadError::Legacy(legacy)),
                    "{legacy:?} .{ext}"
                );
            }
            // A text file is read as text whatever its first bytes.
            assert!(detect_format(&bytes, "csv").is_ok());
        }
        let qpw = cfb_with(&[("Root Entry", 5), ("NativeContent_MAIN", 2)]);
        assert_eq!(
            detect_format(&qpw, "qpw"),
            Err(ReadError::Legacy(LegacyFormat::QuattroPro))
        );
        let e = ReadError::Legacy(LegacyFormat::Excel4);
        assert_eq!(e.kind(), "unsupported-format");
        assert!(e.message(crate::Lang::Ja).contains("Excel 4.0"));
        assert!(e.message(crate::Lang::Ja).contains("LibreOffice"));
        assert!(ReadError::Legacy(LegacyFormat::QuattroPro)
            .message(crate::Lang::En)
            .contains("Quattro Pro"));
    }

    #[test]
    fn exports_that_pass_for_xls() {
        let xml = br#"<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"></Workbook>"#;
        for ext in ["xls", "xml", "XML", ""] {
            assert_eq!(detect_format(xml, ext), Ok(Format::SpreadsheetMl), "{ext}");
        }
        let html = b"\xEF\xBB\xBF\r\n<html><body><table><tr><td>1</td></tr></table>";
        for ext in ["xls", "htm", "html"] {
            assert_eq!(detect_format(html, ext), Ok(Format::Html), "{ext}");
        }
        // An HTML page named .xlsx is not what Excel would open; a .csv stays text.
        assert!(matches!(
            detect_format(html, "xlsx"),
            Err(ReadError::NotSpreadsheet { .. })
        ));
        assert_eq!(detect_format(html, "csv"), Ok(Format::Csv));
        assert_eq!(detect_format(xml, "csv"), Ok(Format::Csv));
        // Other XML is no workbook.
        assert_eq!(
            detect_format(b"<?xml version=\"1.0\"?><rss/>", "xml"),
            Err(ReadError::UnsupportedExtension("xml".into()))
        );
    }

    #[test]
    fn text_and_unknown() {
        assert_eq!(detect_format(b"", "xlsx"), Err(ReadError::EmptyFile));
        assert_eq!(detect_format(b"a,b\n", "csv"), Ok(Format::Csv));
        assert_eq!(detect_format(b"a\tb\n1,5\t2", "CSV"), Ok(Format::Tsv));
        assert_eq!(detect_format(b"a\tb,c\n", "txt"), Ok(Format::Csv));
        assert_eq!(detect_format(b"a,b\n", "tsv"), Ok(Format::Tsv));
        assert_eq!(
            detect_format(b"a,b\n", ".xlsx"),
            Err(ReadError::NotSpreadsheet {
                extension: "xlsx".into()
            })
        );
        assert_eq!(
            detect_format(b"%PDF-1.4", "pdf"),
            Err(ReadError::UnsupportedExtension("pdf".into()))
        );
    }
}

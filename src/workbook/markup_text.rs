//! Decoding the text formats that pass for `.xls` (Excel 2003 XML, HTML tables): a byte order
//! mark, then UTF-8, then the charset the file declares, then CP932 (Japanese web systems write
//! Shift_JIS without saying so).

use super::ReadError;
use encoding_rs::{Encoding, SHIFT_JIS, UTF_16BE, UTF_16LE};
use std::borrow::Cow;

/// How far into a file its kind and declared charset are looked for.
const HEAD_BYTES: usize = 4096;

/// The start of the file as text, enough to tell its kind (lossy; UTF-16 with a BOM decoded).
pub(super) fn head(bytes: &[u8]) -> String {
    let head = &bytes[..bytes.len().min(HEAD_BYTES)];
    if let Some(rest) = head.strip_prefix(b"\xFF\xFE") {
        return UTF_16LE.decode_without_bom_handling(rest).0.into_owned();
    }
    if let Some(rest) = head.strip_prefix(b"\xFE\xFF") {
        return UTF_16BE.decode_without_bom_handling(rest).0.into_owned();
    }
    String::from_utf8_lossy(head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head)).into_owned()
}

/// The whole file as text.
pub(super) fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, ReadError> {
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        return encoding
            .decode_without_bom_handling_and_without_replacement(&bytes[bom..])
            .ok_or(ReadError::UnknownEncoding);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(Cow::Borrowed(text));
    }
    let encoding = declared_charset(&head(bytes)).unwrap_or(SHIFT_JIS);
    // A declared charset that cannot be decoded strictly is still read (a stray byte in one
    // cell should not lose the file); undeclared text must be clean CP932.
    let (text, _, had_errors) = encoding.decode(bytes);
    if had_errors && declared_charset(&head(bytes)).is_none() {
        return Err(ReadError::UnknownEncoding);
    }
    Ok(text)
}

/// `charset=…` (HTML meta) or `encoding="…"` (XML declaration) near the start.
fn declared_charset(head: &str) -> Option<&'static Encoding> {
    let lower = head.to_ascii_lowercase();
    for key in ["charset=", "encoding="] {
        let Some(at) = lower.find(key) else {
            continue;
        };
        let label: String = lower[at + key.len()..]
            .trim_start_matches(['"', '\'', ' '])
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
            .collect();
        if let Some(encoding) = Encoding::for_label(label.as_bytes()) {
            return Some(encoding);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charsets() {
        assert_eq!(decode("<a>台帳</a>".as_bytes()).unwrap(), "<a>台帳</a>");
        let (sjis, _, _) = SHIFT_JIS.encode("<meta charset=\"Shift_JIS\"><td>髙﨑</td>");
        assert!(decode(&sjis).unwrap().contains("髙﨑"));
        let (sjis, _, _) = SHIFT_JIS.encode("<td>台帳</td>");
        assert_eq!(decode(&sjis).unwrap(), "<td>台帳</td>");
        let (euc, _, _) =
            encoding_rs::EUC_JP.encode("<?xml version=\"1.0\" encoding=\"EUC-JP\"?><a>台帳</a>");
        assert!(decode(&euc).unwrap().contains("台帳"));
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend("<Workbook>".encode_utf16().flat_map(|u| u.to_le_bytes()));
        assert_eq!(head(&utf16), "<Workbook>");
        assert_eq!(decode(&utf16).unwrap(), "<Workbook>");
    }
}

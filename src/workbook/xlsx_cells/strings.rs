//! The text of shared strings and of a cell's inline string.

use super::parts::{attr_raw, decode_excel_escapes, push_unescaped};
use super::utf8;
use crate::workbook::xlsx_struck::StruckStrings;
use memchr::memmem;

#[derive(Default)]
pub(super) struct SharedStrings {
    pub(super) strings: Vec<String>,
    pub(super) struck: StruckStrings,
}

impl SharedStrings {
    pub(super) fn parse(xml: &[u8]) -> Option<SharedStrings> {
        let text = utf8(xml)?;
        // A comment or processing instruction past the declaration may hold a `<si>` or a `>`
        // of its own: such a part is calamine's to read.
        let declaration = usize::from(text.starts_with("<?xml"));
        if memmem::find_iter(text.as_bytes(), b"<?").count() > declaration
            || memmem::find(text.as_bytes(), b"<!").is_some()
        {
            return None;
        }
        let mut strings = Vec::new();
        let mut at = 0;
        let bytes = text.as_bytes();
        let si = memmem::Finder::new(b"<si");
        while let Some(i) = si.find(&bytes[at..]) {
            let start = at + i;
            let after = *bytes.get(start + 3)?;
            if after == b'/' {
                strings.push(String::new());
                at = start + 3;
                continue;
            }
            if after != b'>' && !after.is_ascii_whitespace() {
                at = start + 3;
                continue;
            }
            let (s, end) = string_item(text, start, "si")?;
            strings.push(s);
            at = end;
        }
        if strings.is_empty() && memmem::find(bytes, b":si").is_some() {
            return None; // prefixed elements
        }
        let struck = if memmem::find(bytes, b"strike").is_some() {
            crate::workbook::xlsx_struck::struck_strings(xml)
        } else {
            StruckStrings::new()
        };
        Some(SharedStrings { strings, struck })
    }
}

/// The text of a string item (`<si>` or a cell's `<is>`) starting at `start` (its `<`): the
/// `<t>` texts joined, those inside a phonetic guide (`<rPh>`) left out, each trimmed of ASCII
/// whitespace unless `xml:space="preserve"`; and the byte after its end tag.
pub(super) fn string_item(xml: &str, start: usize, element: &str) -> Option<(String, usize)> {
    let bytes = xml.as_bytes();
    let open_end = start + memchr::memchr(b'>', &bytes[start..])?;
    if bytes[open_end - 1] == b'/' {
        return Some((String::new(), open_end + 1));
    }
    let mut out = String::new();
    let mut phonetic = false;
    let mut at = open_end + 1;
    loop {
        let lt = at + memchr::memchr(b'<', &bytes[at..])?;
        let gt = lt + memchr::memchr(b'>', &bytes[lt..])?;
        let tag = &xml[lt + 1..gt];
        at = gt + 1;
        if tag.starts_with("![CDATA[") {
            return None;
        }
        let (closing, body) = match tag.strip_prefix('/') {
            Some(b) => (true, b),
            None => (false, tag),
        };
        let name_end = body
            .find(|c: char| c.is_ascii_whitespace() || c == '/')
            .unwrap_or(body.len());
        let name = &body[..name_end];
        if name.contains(':') {
            return None;
        }
        match (closing, name) {
            (true, n) if n == element => return Some((out, at)),
            (false, "rPh") if !tag.ends_with('/') => phonetic = true,
            (true, "rPh") => phonetic = false,
            (false, "t") if !phonetic => {
                if tag.ends_with('/') {
                    continue;
                }
                let preserve = attr_raw(&body[name_end..], "xml:space") == Some("preserve");
                let close = at + memchr::memchr(b'<', &bytes[at..])?;
                if !bytes[close..].starts_with(b"</t>") {
                    return None;
                }
                let raw = &xml[at..close];
                let mut value = String::with_capacity(raw.len());
                push_unescaped(&mut value, raw)?;
                let value = if preserve {
                    value
                } else {
                    value.trim_matches([' ', '\t', '\r', '\n']).to_string()
                };
                out.push_str(&decode_excel_escapes(value));
                at = close + 4;
            }
            _ => {}
        }
    }
}

//! The small parts of an xlsx package this reader needs (the workbook and its relationships)
//! and the decoding of XML attributes and text.

use super::{utf8, Archive};
use crate::workbook::xlsx_merges::{read_small_part, relationships};
use std::collections::HashMap;

pub(super) struct SheetMeta {
    pub(super) name: String,
    pub(super) hidden: bool,
    /// A worksheet (else a chart sheet: no cells, not listed).
    pub(super) worksheet: bool,
    pub(super) part: String,
}

pub(super) struct Book {
    /// The folder of the workbook part (`xl/`).
    pub(super) dir: String,
    pub(super) sheets: Vec<SheetMeta>,
    pub(super) date1904: bool,
}

impl Book {
    pub(super) fn read(archive: &mut Archive<'_>, paths: &HashMap<String, String>) -> Option<Book> {
        let root = read_small_part(archive, paths, "_rels/.rels")?;
        let workbook_target = relationships(&root)?
            .into_values()
            .find(|(kind, _)| kind.ends_with("/officeDocument"))
            .map(|(_, target)| target)?;
        let workbook_target = workbook_target
            .strip_prefix('/')
            .unwrap_or(&workbook_target);
        let (dir, file) = match workbook_target.rfind('/') {
            Some(i) => workbook_target.split_at(i + 1),
            None => ("", workbook_target),
        };
        let workbook = read_small_part(archive, paths, &format!("{dir}{file}"))?;
        let rels = read_small_part(archive, paths, &format!("{dir}_rels/{file}.rels"))?;
        let rels = relationships(&rels)?;
        let xml = utf8(&workbook)?;
        let mut sheets = Vec::new();
        let mut date1904 = false;
        for (name, tag) in start_tags(xml)? {
            match name {
                "sheet" => {
                    let sheet_name = attr(tag, "name")?;
                    let hidden = match attr_raw(tag, "state") {
                        None | Some("visible") => false,
                        Some("hidden" | "veryHidden") => true,
                        Some(_) => return None,
                    };
                    let id = attr_local(tag, "id")?;
                    let (kind, target) = rels.get(id)?;
                    let worksheet = match kind.rsplit('/').next() {
                        Some("worksheet") => true,
                        Some("chartsheet") => false,
                        // Dialog and macro sheets: calamine's path lists them as not read.
                        _ => return None,
                    };
                    let part = match target.strip_prefix('/') {
                        Some(absolute) => absolute.to_string(),
                        None => format!("{dir}{target}"),
                    };
                    sheets.push(SheetMeta {
                        name: sheet_name,
                        hidden,
                        worksheet,
                        part,
                    });
                }
                "workbookPr" => {
                    if let Some(v) = attr_raw(tag, "date1904") {
                        date1904 = v == "1" || v == "true";
                    }
                }
                _ => {}
            }
        }
        if sheets.is_empty() {
            return None; // calamine's path says the workbook part is damaged
        }
        Some(Book {
            dir: dir.to_string(),
            sheets,
            date1904,
        })
    }
}

/// Every start (or empty) element of a small part: (name, the tag's text); `None` when an
/// element has a namespace prefix this reader does not expect or the part holds CDATA.
pub(super) fn start_tags(xml: &str) -> Option<Vec<(&str, &str)>> {
    let mut out = Vec::new();
    let bytes = xml.as_bytes();
    let mut at = 0;
    while let Some(i) = memchr::memchr(b'<', &bytes[at..]) {
        let start = at + i;
        let rest = &xml[start + 1..];
        if rest.starts_with("![CDATA[") {
            return None;
        }
        if rest.starts_with('?') || rest.starts_with('!') || rest.starts_with('/') {
            at = start + 1;
            continue;
        }
        let end = start + 1 + memchr::memchr(b'>', rest.as_bytes())?;
        let tag = &xml[start + 1..end];
        let name_end = tag
            .find(|c: char| c.is_ascii_whitespace() || c == '/')
            .unwrap_or(tag.len());
        let name = &tag[..name_end];
        // The workbook's own elements come unprefixed from every writer this reader knows.
        let local = name.rsplit(':').next().unwrap_or(name);
        out.push((local, &tag[name_end..]));
        at = end + 1;
    }
    Some(out)
}

/// An attribute's raw (still escaped) value in a tag's attribute text.
pub(super) fn attr_raw<'t>(tag: &'t str, name: &str) -> Option<&'t str> {
    attr_span(tag.as_bytes(), name.as_bytes(), false).map(|(s, e)| &tag[s..e])
}

/// An attribute's value, entities decoded.
pub(super) fn attr(tag: &str, name: &str) -> Option<String> {
    unescape(attr_raw(tag, name)?)
}

/// The value of an attribute by its local name (`r:id` → `id`).
pub(super) fn attr_local<'t>(tag: &'t str, local: &str) -> Option<&'t str> {
    attr_span(tag.as_bytes(), local.as_bytes(), true).map(|(s, e)| &tag[s..e])
}

/// (start, end) of attribute `name`'s value in the attribute text of a tag.
pub(super) fn attr_span(tag: &[u8], name: &[u8], any_prefix: bool) -> Option<(usize, usize)> {
    Attributes::of(tag).find_map(|(key, start, end)| {
        let matches = key == name
            || (any_prefix
                && key.len() > name.len()
                && key.ends_with(name)
                && key[key.len() - name.len() - 1] == b':');
        matches.then_some((start, end))
    })
}

/// The attributes in a start tag's attribute text (`r="5" hidden="1"`), as (name, start and
/// end of the raw value), up to the first that is not well formed ([`Attributes::broken`]
/// says whether one was).
pub(in crate::workbook) struct Attributes<'t> {
    tag: &'t [u8],
    at: usize,
    pub(in crate::workbook) broken: bool,
}

impl<'t> Attributes<'t> {
    pub(in crate::workbook) fn of(tag: &'t [u8]) -> Attributes<'t> {
        Attributes {
            tag,
            at: 0,
            broken: false,
        }
    }
}

impl<'t> Iterator for Attributes<'t> {
    type Item = (&'t [u8], usize, usize);

    fn next(&mut self) -> Option<Self::Item> {
        let (tag, mut i) = (self.tag, self.at);
        while i < tag.len() && (tag[i].is_ascii_whitespace() || tag[i] == b'/') {
            i += 1;
        }
        if i >= tag.len() || self.broken {
            return None;
        }
        let key_start = i;
        while i < tag.len() && tag[i] != b'=' && !tag[i].is_ascii_whitespace() {
            i += 1;
        }
        let key = &tag[key_start..i];
        while i < tag.len() && (tag[i].is_ascii_whitespace() || tag[i] == b'=') {
            i += 1;
        }
        let value = match tag.get(i) {
            Some(&quote) if quote == b'"' || quote == b'\'' => {
                memchr::memchr(quote, &tag[i + 1..]).map(|len| (i + 1, i + 1 + len))
            }
            _ => None,
        };
        let Some((start, end)) = value else {
            self.broken = true;
            return None;
        };
        self.at = end + 1;
        Some((key, start, end))
    }
}

/// XML text with its entities decoded; `None` for an entity XML does not define.
pub(super) fn unescape(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    push_unescaped(&mut out, text)?;
    Some(out)
}

/// Appends `text` with its entities decoded and line ends normalised as XML 1.0 reads them
/// (CR LF and a lone CR become LF).
pub(super) fn push_unescaped(out: &mut String, text: &str) -> Option<()> {
    let mut rest = text;
    loop {
        let Some(i) = rest.find(['&', '\r']) else {
            out.push_str(rest);
            return Some(());
        };
        out.push_str(&rest[..i]);
        if rest.as_bytes()[i] == b'\r' {
            out.push('\n');
            rest = rest[i + 1..].strip_prefix('\n').unwrap_or(&rest[i + 1..]);
            continue;
        }
        let end = i + rest[i..].find(';')?;
        let entity = &rest[i + 1..end];
        match entity {
            "amp" => out.push('&'),
            "lt" => out.push('<'),
            "gt" => out.push('>'),
            "quot" => out.push('"'),
            "apos" => out.push('\''),
            _ => {
                let code = match entity
                    .strip_prefix("#x")
                    .or_else(|| entity.strip_prefix("#X"))
                {
                    Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                    None => entity.strip_prefix('#')?.parse::<u32>().ok()?,
                };
                out.push(char::from_u32(code)?);
            }
        }
        rest = &rest[end + 1..];
    }
}

/// Decodes Excel's `_xHHHH_` escapes (UTF-16 code units; a surrogate pair makes one
/// character, a lone surrogate becomes U+FFFD).
pub(super) fn decode_excel_escapes(text: String) -> String {
    if !text.contains("_x") {
        return text;
    }
    let unit_at = |s: &str, i: usize| -> Option<u16> {
        let b = s.as_bytes().get(i..i + 7)?;
        if b[0] != b'_'
            || b[1] != b'x'
            || b[6] != b'_'
            || !b[2..6].iter().all(u8::is_ascii_hexdigit)
        {
            return None;
        }
        u16::from_str_radix(std::str::from_utf8(&b[2..6]).ok()?, 16).ok()
    };
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut copied = 0;
    while let Some(off) = text[i..].find('_') {
        let at = i + off;
        let Some(unit) = unit_at(&text, at) else {
            i = at + 1;
            continue;
        };
        out.push_str(&text[copied..at]);
        let mut next = at + 7;
        let c = match unit {
            0xD800..=0xDBFF => match unit_at(&text, next) {
                Some(low @ 0xDC00..=0xDFFF) => {
                    next += 7;
                    char::from_u32(
                        0x10000 + ((u32::from(unit) - 0xD800) << 10) + (u32::from(low) - 0xDC00),
                    )
                }
                _ => None,
            },
            0xDC00..=0xDFFF => None,
            _ => char::from_u32(u32::from(unit)),
        };
        out.push(c.unwrap_or(char::REPLACEMENT_CHARACTER));
        i = next;
        copied = next;
    }
    out.push_str(&text[copied..]);
    out
}

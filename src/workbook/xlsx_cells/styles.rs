//! The styles part: what each cell format means for reading a cell.

use super::parts::{attr, attr_raw};
use crate::workbook::xlsx::Look;
use std::collections::HashMap;

/// What each cell format (`cellXfs`) means for reading: its look (number format, strike) and
/// whether calamine takes its numbers as dates or durations.
#[derive(Default)]
pub(super) struct Styles {
    pub(super) looks: Vec<Look>,
    pub(super) kinds: Vec<NumberKind>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum NumberKind {
    Plain,
    Date,
    Duration,
}

impl Styles {
    pub(super) fn parse(xml: &str) -> Option<Styles> {
        let mut codes: HashMap<&str, String> = HashMap::new();
        let mut fonts_struck: Vec<bool> = Vec::new();
        let mut styles = Styles::default();
        let mut section = "";
        let mut in_font = false;
        let mut seen_root = false;
        let bytes = xml.as_bytes();
        let mut at = 0;
        while let Some(i) = memchr::memchr(b'<', &bytes[at..]) {
            let start = at + i;
            let end = start + memchr::memchr(b'>', &bytes[start..])?;
            let tag = &xml[start + 1..end];
            at = end + 1;
            if tag.starts_with("![CDATA[") {
                return None;
            }
            if tag.starts_with('?') || tag.starts_with('!') {
                continue;
            }
            let closing = tag.starts_with('/');
            let body = tag.trim_start_matches('/');
            let name_end = body
                .find(|c: char| c.is_ascii_whitespace() || c == '/')
                .unwrap_or(body.len());
            let name = &body[..name_end];
            let attrs = &body[name_end..];
            let empty = tag.ends_with('/');
            // Extensions (`x14:`, `xfpb:` …) are other vocabularies; the style sheet itself
            // must be the plain SpreadsheetML one.
            if name.contains(':') {
                if !seen_root {
                    return None;
                }
                continue;
            }
            seen_root = true;
            match (closing, name) {
                (false, "numFmts" | "fonts" | "cellXfs") if !empty => section = name,
                (true, "numFmts" | "fonts" | "cellXfs") => section = "",
                (false, "numFmt") if section == "numFmts" => {
                    if let (Some(id), Some(code)) =
                        (attr_raw(attrs, "numFmtId"), attr(attrs, "formatCode"))
                    {
                        codes.insert(id, code);
                    }
                }
                (false, "font") if section == "fonts" => {
                    fonts_struck.push(false);
                    in_font = !empty;
                }
                (true, "font") => in_font = false,
                (false, "strike") if in_font => {
                    let struck = match attr_raw(attrs, "val") {
                        Some(v) => matches!(v, "1" | "true" | "on"),
                        None => true,
                    };
                    if let Some(last) = fonts_struck.last_mut() {
                        *last = struck;
                    }
                }
                (false, "xf") if section == "cellXfs" => {
                    let id = attr_raw(attrs, "numFmtId");
                    let kind = match id {
                        None => NumberKind::Plain,
                        Some(id) => match codes.get(id) {
                            Some(code) => number_kind(code),
                            None => builtin_kind(id),
                        },
                    };
                    let format = id.and_then(|raw| {
                        let n = raw.parse::<u32>().ok()?;
                        let code = codes
                            .get(raw)
                            .map(String::as_str)
                            .or_else(|| builtin_code(n))
                            .unwrap_or("General");
                        Some((n, code))
                    });
                    let struck = attr_raw(attrs, "fontId")
                        .and_then(|f| f.parse::<usize>().ok())
                        .and_then(|f| fonts_struck.get(f).copied())
                        .unwrap_or(false);
                    styles.looks.push(Look::from_parts(format, struck));
                    styles.kinds.push(kind);
                }
                _ => {}
            }
        }
        Some(styles)
    }
}

/// Whether calamine reads the numbers under a custom format as dates or durations: by the
/// first section of the code, outside quoted text, escaped characters and brackets (an elapsed
/// `[h]`, `[mm]`, `[s]` makes it a duration); date and time letters, or AM/PM.
pub(super) fn number_kind(code: &str) -> NumberKind {
    let mut chars = code.chars().peekable();
    let mut in_quotes = false;
    let mut depth = 0u32;
    let mut bracket = String::new();
    let mut after_a = false;
    while let Some(c) = chars.next() {
        if in_quotes {
            in_quotes = c != '"';
            continue;
        }
        match c {
            '\\' | '_' | '*' => {
                chars.next();
                continue;
            }
            '"' => in_quotes = true,
            ';' => return NumberKind::Plain,
            '[' => {
                depth += 1;
                bracket.clear();
            }
            ']' => {
                let elapsed = depth == 1 && {
                    let b = bracket.to_ascii_lowercase();
                    let first = b.chars().next();
                    matches!(first, Some('h' | 'm' | 's')) && b.chars().all(|x| Some(x) == first)
                };
                if elapsed {
                    return NumberKind::Duration;
                }
                depth = depth.saturating_sub(1);
            }
            _ if depth > 0 => bracket.push(c),
            'a' | 'A' if !after_a => after_a = true,
            'p' | 'P' | 'm' | 'M' | '/' if after_a => return NumberKind::Date,
            'd' | 'D' | 'm' | 'M' | 'h' | 'H' | 'y' | 'Y' | 's' | 'S' => return NumberKind::Date,
            _ => {}
        }
    }
    NumberKind::Plain
}

/// The built-in number formats calamine takes as dates (including the East Asian ones) and
/// as a duration (`[h]:mm:ss`).
pub(super) fn builtin_kind(id: &str) -> NumberKind {
    match id.parse::<u32>() {
        Ok(14..=22 | 27..=36 | 45 | 47 | 50..=58) => NumberKind::Date,
        Ok(46) => NumberKind::Duration,
        _ => NumberKind::Plain,
    }
}

/// The codes of the built-in number formats (ECMA-376 Part 1, 18.8.30) that have one code in
/// every locale.
pub(super) fn builtin_code(id: u32) -> Option<&'static str> {
    Some(match id {
        0 => "General",
        1 => "0",
        2 => "0.00",
        3 => "#,##0",
        4 => "#,##0.00",
        9 => "0%",
        10 => "0.00%",
        11 => "0.00E+00",
        12 => "# ?/?",
        13 => "# ??/??",
        14 => "mm-dd-yy",
        15 => "d-mmm-yy",
        16 => "d-mmm",
        17 => "mmm-yy",
        18 => "h:mm AM/PM",
        19 => "h:mm:ss AM/PM",
        20 => "h:mm",
        21 => "h:mm:ss",
        22 => "m/d/yy h:mm",
        37 => "#,##0 ;(#,##0)",
        38 => "#,##0 ;[Red](#,##0)",
        39 => "#,##0.00;(#,##0.00)",
        40 => "#,##0.00;[Red](#,##0.00)",
        41 => "_(* #,##0_);_(* (#,##0);_(* \"-\"_);_(@_)",
        42 => "_($* #,##0_);_($* (#,##0);_($* \"-\"_);_(@_)",
        43 => "_(* #,##0.00_);_(* (#,##0.00);_(* \"-\"??_);_(@_)",
        44 => "_($* #,##0.00_);_($* (#,##0.00);_($* \"-\"??_);_(@_)",
        45 => "mm:ss",
        46 => "[h]:mm:ss",
        47 => "mmss.0",
        48 => "##0.0E+0",
        49 => "@",
        _ => return None,
    })
}

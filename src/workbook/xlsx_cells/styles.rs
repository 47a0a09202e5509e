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
            // The declaration before the style sheet; a comment or instruction inside it may
            // hold a `>` of its own (calamine's to read).
            if tag.starts_with('?') && !seen_root {
                continue;
            }
            if tag.starts_with('?') || tag.starts_with('!') {
                return None;
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
                    // Struck unless it says 0 or false (as calamine reads it).
                    let struck = !matches!(attr_raw(attrs, "val"), Some("0" | "false"));
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
                        let n = u32::try_from(digits(raw)?).ok()?;
                        let code = codes
                            .get(raw)
                            .map(String::as_str)
                            .or_else(|| builtin_code(n))
                            .unwrap_or("General");
                        Some((n, code))
                    });
                    let struck = attr_raw(attrs, "fontId")
                        .and_then(digits)
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

/// Whether calamine reads the numbers under a custom format as dates or durations, decided as it
/// decides (tested on the same cases): the first section only; `\`, `_` and `*` take the next
/// character as a literal (inside quotes too); quoted text and bracketed parts say nothing,
/// except an elapsed `[h]`, `[mm]`, `[ss]` (a duration); then a date or time letter makes a
/// date, and after an `a` (AM/PM) only `m`, `p` or `/` do.
pub(super) fn number_kind(code: &str) -> NumberKind {
    let (mut literal_next, mut quoted, mut after_a, mut elapsed) = (false, false, false, false);
    let mut depth = 0u8;
    let mut prev = ' ';
    for c in code.chars() {
        let outside = depth == 0;
        if literal_next {
            literal_next = false;
        } else if matches!(c, '_' | '\\' | '*') {
            literal_next = true;
        } else if quoted {
            quoted = c != '"';
        } else {
            match c {
                '"' => quoted = true,
                ';' => return NumberKind::Plain,
                '[' => depth = depth.wrapping_add(1),
                ']' if depth == 1 && elapsed => return NumberKind::Duration,
                ']' => depth = depth.saturating_sub(1),
                'a' | 'A' if !after_a && outside => after_a = true,
                'p' | 'P' | 'm' | 'M' | '/' if after_a && outside => return NumberKind::Date,
                'd' | 'D' | 'm' | 'M' | 'h' | 'H' | 'y' | 'Y' | 's' | 'S'
                    if !after_a && outside =>
                {
                    return NumberKind::Date
                }
                // `[h]`, `[hh]`, `[mm]`: an elapsed unit opened by the bracket, its letter repeated.
                _ if elapsed && c.eq_ignore_ascii_case(&prev) => {}
                _ => elapsed = prev == '[' && matches!(c, 'h' | 'H' | 'm' | 'M' | 's' | 'S'),
            }
        }
        prev = c;
    }
    NumberKind::Plain
}

/// The built-in number formats calamine takes as dates (including the East Asian ones) and
/// as a duration (`[h]:mm:ss`).
pub(super) fn builtin_kind(id: &str) -> NumberKind {
    // By the id as written (calamine matches the text: `046` is none of them).
    match digits(id).filter(|n| n.to_string() == id) {
        Some(14..=22 | 27..=36 | 45 | 47 | 50..=58) => NumberKind::Date,
        Some(46) => NumberKind::Duration,
        _ => NumberKind::Plain,
    }
}

/// A number written with digits only (no sign), as calamine reads ids and indexes.
pub(super) fn digits(s: &str) -> Option<usize> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
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

//! A worksheet's cells, scanned from its XML slice by slice.

use super::parts::{attr_raw, decode_excel_escapes, push_unescaped};
use super::strings::{string_item, SharedStrings};
use super::styles::{NumberKind, Styles};
use super::Slice;
use crate::workbook::grid_builder::GridBuilder;
use crate::workbook::xlsx::push_styled_cell;
use crate::workbook::{Limits, Merge, PartOutline, ReadError};
use calamine::{Cell, CellErrorType, DataRef, ExcelDateTime, ExcelDateTimeType};
use memchr::memmem;

pub(super) struct SheetRead {
    pub(super) grid: crate::workbook::Grid,
    pub(super) merges: Vec<Merge>,
    pub(super) hidden_rows: Vec<u32>,
    pub(super) struck_cells: Vec<(u32, u32, bool)>,
    /// The part's outline for annotating it (its `part` still to fill in).
    pub(super) outline: Option<PartOutline>,
}

/// Where the scan of a sheet is.
#[derive(Default)]
pub(super) struct Scan {
    pub(super) started: bool,
    pub(super) ended: bool,
    pub(super) row: u32,
    pub(super) col: u32,
    /// The last row tag's index, for hidden rows (a row without `r` follows it).
    pub(super) last_row_tag: Option<u32>,
    pub(super) hidden: Vec<u32>,
    pub(super) struck: Vec<(u32, u32, bool)>,
    /// What follows `</sheetData>` (merged ranges), up to the end of the part.
    pub(super) tail: Vec<u8>,
    /// How many bytes of the part came before the slice being scanned.
    pub(super) offset: usize,
    /// What precedes `<sheetData`, and where the element starts and ends in the part (a BOM
    /// included): the part's outline, unless its end tag was not the plain `</sheetData>`.
    pub(super) head: Vec<u8>,
    pub(super) data_start: usize,
    pub(super) data_end: Option<usize>,
}

/// Reads one sheet from its slices. `None`: not a layout this reader knows; `Some(Err)`: over
/// a limit.
pub(super) fn read_sheet(
    next_slice: &mut dyn FnMut() -> Option<Slice>,
    name: &str,
    limits: &Limits,
    styles: &Styles,
    strings: &SharedStrings,
    date1904: bool,
) -> Option<Result<SheetRead, ReadError>> {
    let mut grid = GridBuilder::new(name, limits);
    let mut cur = Scan::default();
    loop {
        let data = match next_slice() {
            Some(Ok(s)) => s,
            Some(Err(())) => return None,
            None => break,
        };
        let text = std::str::from_utf8(&data).ok()?;
        match scan_cells(text, &mut cur, &mut grid, styles, strings, date1904) {
            Some(Ok(())) => {}
            Some(Err(e)) => return Some(Err(e)),
            None => return None,
        }
        cur.offset += data.len();
    }
    if !cur.started || !cur.ended {
        return None;
    }
    let merges = match memmem::find(&cur.tail, b"<mergeCells") {
        Some(i) => crate::workbook::xlsx_merges::parse_merge_cells(&cur.tail[i..])?,
        None => Vec::new(),
    };
    let outline = cur.data_end.and_then(|data_end| {
        let head = std::str::from_utf8(&cur.head).ok()?;
        let head = head.strip_prefix('\u{FEFF}').unwrap_or(head);
        let tail = std::str::from_utf8(&cur.tail).ok()?;
        Some(PartOutline {
            part: String::new(),
            skeleton: format!("{head}<sheetData/>{tail}"),
            data_start: cur.data_start,
            data_end,
        })
    });
    let mut hidden_rows = cur.hidden;
    hidden_rows.sort_unstable();
    hidden_rows.dedup();
    Some(Ok(SheetRead {
        grid: grid.finish(),
        merges,
        hidden_rows,
        struck_cells: cur.struck,
        outline,
    }))
}

/// Scans one slice of a sheet's XML.
pub(super) fn scan_cells(
    text: &str,
    cur: &mut Scan,
    grid: &mut GridBuilder,
    styles: &Styles,
    strings: &SharedStrings,
    date1904: bool,
) -> Option<Result<(), ReadError>> {
    let bytes = text.as_bytes();
    let mut at = 0;
    if cur.ended {
        cur.tail.extend_from_slice(bytes);
        return Some(Ok(()));
    }
    if !cur.started {
        let i = memmem::find(bytes, b"<sheetData")?;
        let gt = i + memchr::memchr(b'>', &bytes[i..])?;
        cur.started = true;
        cur.head = bytes[..i].to_vec();
        cur.data_start = cur.offset + i;
        if bytes[gt - 1] == b'/' {
            cur.ended = true;
            cur.tail.extend_from_slice(&bytes[gt + 1..]);
            return Some(Ok(()));
        }
        at = gt + 1;
    }
    while let Some(i) = memchr::memchr(b'<', &bytes[at..]) {
        let lt = at + i;
        let gt = lt + memchr::memchr(b'>', &bytes[lt..])?;
        let tag = &text[lt + 1..gt];
        at = gt + 1;
        let first = tag.as_bytes().first()?;
        match first {
            b'c' if tag.len() == 1 || !tag.as_bytes()[1].is_ascii_alphanumeric() => {
                let attrs = &tag[1..];
                let self_closing = attrs.ends_with('/');
                let CellAttrs {
                    r: reference,
                    s: style,
                    t: typ,
                } = CellAttrs::of(attrs)?;
                let (row, col) = match reference {
                    Some(r) => {
                        let (row, col) = cell_ref(r)?;
                        cur.col = col;
                        (row, col)
                    }
                    None => (cur.row, cur.col),
                };
                cur.col += 1;
                if self_closing {
                    continue;
                }
                let (value, end) = cell_value(text, at, style, typ, styles, strings, date1904)?;
                at = end;
                if typ == Some("s") && !strings.struck.is_empty() && reference.is_some() {
                    if let DataRef::SharedString(_) = value {
                        if let Some(index) = shared_index_of(text, lt, end) {
                            if let Some(s) = strings.struck.get(&index) {
                                cur.struck.push((row, col, *s));
                            }
                        }
                    }
                }
                let style_index = style.and_then(|s| s.parse::<usize>().ok()).unwrap_or(0);
                if let Err(e) = push_styled_cell(
                    grid,
                    &styles.looks,
                    date1904,
                    Cell::new((row, col), value),
                    style_index,
                ) {
                    return Some(Err(e));
                }
            }
            b'r' if tag.starts_with("row")
                && !tag.as_bytes().get(3).is_some_and(u8::is_ascii_alphanumeric) =>
            {
                let attrs = &tag[3..];
                let r = match attr_raw(attrs, "r") {
                    Some(r) => Some(r.parse::<u32>().ok()?.checked_sub(1)?),
                    None => None,
                };
                if let Some(r) = r {
                    cur.row = r;
                }
                let index =
                    r.unwrap_or_else(|| cur.last_row_tag.map_or(0, |l| l.saturating_add(1)));
                cur.last_row_tag = Some(index);
                if matches!(attr_raw(attrs, "hidden"), Some("1" | "true")) {
                    cur.hidden.push(index);
                }
                if attrs.ends_with('/') {
                    cur.row += 1;
                    cur.col = 0;
                }
            }
            b'/' if tag == "/row" => {
                cur.row += 1;
                cur.col = 0;
            }
            b'/' if tag == "/sheetData" => {
                cur.ended = true;
                cur.data_end = Some(cur.offset + at);
                cur.tail.extend_from_slice(&bytes[at..]);
                return Some(Ok(()));
            }
            b'!' if tag.starts_with("![CDATA[") => return None,
            b'?' | b'!' | b'/' => {}
            // A prefixed element (`<x:row>`): a layout this reader leaves to calamine.
            _ if tag
                .split(|c: char| c.is_ascii_whitespace())
                .next()
                .is_some_and(|n| n.contains(':')) =>
            {
                return None
            }
            _ => {}
        }
    }
    Some(Ok(()))
}

/// The attributes of a `<c>` start tag daicho reads, in one pass.
#[derive(Default)]
pub(super) struct CellAttrs<'t> {
    pub(super) r: Option<&'t str>,
    pub(super) s: Option<&'t str>,
    pub(super) t: Option<&'t str>,
}

impl<'t> CellAttrs<'t> {
    /// `None` when the attribute text is not well formed.
    fn of(attrs: &'t str) -> Option<CellAttrs<'t>> {
        let b = attrs.as_bytes();
        let mut out = CellAttrs::default();
        let mut i = 0;
        loop {
            while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() {
                return Some(out);
            }
            let key_start = i;
            while i < b.len() && b[i] != b'=' && !b[i].is_ascii_whitespace() {
                i += 1;
            }
            let key = &b[key_start..i];
            while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'=') {
                i += 1;
            }
            let quote = *b.get(i)?;
            if quote != b'"' && quote != b'\'' {
                return None;
            }
            let start = i + 1;
            let end = start + memchr::memchr(quote, &b[start..])?;
            let value = Some(&attrs[start..end]);
            match key {
                b"r" => out.r = value,
                b"s" => out.s = value,
                b"t" => out.t = value,
                _ => {}
            }
            i = end + 1;
        }
    }
}

/// The shared-string index in a `<c>` element from `start` to `end`.
pub(super) fn shared_index_of(text: &str, start: usize, end: usize) -> Option<u32> {
    let cell = &text[start..end];
    let v = cell.find("<v>")? + 3;
    let close = v + cell[v..].find("</v>")?;
    cell[v..close].trim().parse().ok()
}

/// The value of a cell whose start tag ends before `at`: the last of its `<v>`, `<f>` and
/// `<is>` children decides (an `<f>` alone leaves it empty), as in calamine; and the byte after
/// `</c>`.
#[allow(clippy::too_many_arguments)]
pub(super) fn cell_value<'s>(
    text: &str,
    mut at: usize,
    style: Option<&str>,
    typ: Option<&str>,
    styles: &Styles,
    strings: &'s SharedStrings,
    date1904: bool,
) -> Option<(DataRef<'s>, usize)> {
    let bytes = text.as_bytes();
    let mut value = DataRef::Empty;
    loop {
        let lt = at + memchr::memchr(b'<', &bytes[at..])?;
        let gt = lt + memchr::memchr(b'>', &bytes[lt..])?;
        let tag = &text[lt + 1..gt];
        at = gt + 1;
        if tag == "/c" {
            return Some((value, at));
        }
        let empty = tag.ends_with('/');
        let name_end = tag
            .find(|c: char| c.is_ascii_whitespace() || c == '/')
            .unwrap_or(tag.len());
        match &tag[..name_end] {
            "v" => {
                if empty {
                    value = DataRef::Empty;
                    continue;
                }
                // Text holds no `<`: the next one starts the end tag.
                let close = at + memchr::memchr(b'<', &bytes[at..])?;
                if !bytes[close..].starts_with(b"</v>") {
                    return None;
                }
                let raw = &text[at..close];
                at = close + 4;
                value = match typ {
                    Some("inlineStr" | "is") => DataRef::Empty,
                    Some("n" | "s" | "b" | "e") | None => {
                        if raw.contains('&') {
                            return None;
                        }
                        plain_value(raw, style, typ, styles, strings, date1904)?
                    }
                    Some("str") => {
                        let mut v = String::with_capacity(raw.len());
                        push_unescaped(&mut v, raw)?;
                        DataRef::String(decode_excel_escapes(v))
                    }
                    Some("d") => {
                        let mut v = String::with_capacity(raw.len());
                        push_unescaped(&mut v, raw)?;
                        DataRef::DateTimeIso(v)
                    }
                    Some(_) => return None,
                };
            }
            "f" => {
                value = DataRef::Empty;
                if !empty {
                    let close = at + memchr::memchr(b'<', &bytes[at..])?;
                    if !bytes[close..].starts_with(b"</f>") {
                        return None;
                    }
                    at = close + 4;
                }
            }
            "is" => {
                let (s, end) = string_item(text, lt, "is")?;
                value = DataRef::String(s);
                at = end;
            }
            n if n.starts_with('?') || n.starts_with('!') => {
                if n.starts_with("![CDATA[") {
                    return None;
                }
            }
            // An end tag of a child is consumed with it; anything else is unknown here.
            _ => return None,
        }
    }
}

/// A `<v>` of a number, shared string, boolean or error cell, as calamine reads it.
pub(super) fn plain_value<'s>(
    v: &str,
    style: Option<&str>,
    typ: Option<&str>,
    styles: &Styles,
    strings: &'s SharedStrings,
    date1904: bool,
) -> Option<DataRef<'s>> {
    Some(match typ {
        Some("s") => {
            if v.is_empty() {
                return Some(DataRef::Empty);
            }
            let index = v.parse::<usize>().unwrap_or(0);
            DataRef::SharedString(strings.strings.get(index)?)
        }
        Some("b") => match v.trim() {
            "" => DataRef::Empty,
            "0" | "false" => DataRef::Bool(false),
            "1" | "true" => DataRef::Bool(true),
            _ => return None,
        },
        Some("e") => DataRef::Error(v.parse::<CellErrorType>().ok()?),
        _ => {
            if v.is_empty() {
                return Some(DataRef::Empty);
            }
            let kind = match style {
                Some(s) => styles.kinds.get(s.parse::<usize>().unwrap_or(0)).copied(),
                None => Some(NumberKind::Plain),
            };
            match v.parse::<f64>() {
                Ok(n) => match kind {
                    Some(NumberKind::Date) => DataRef::DateTime(ExcelDateTime::new(
                        n,
                        ExcelDateTimeType::DateTime,
                        date1904,
                    )),
                    Some(NumberKind::Duration) => DataRef::DateTime(ExcelDateTime::new(
                        n,
                        ExcelDateTimeType::TimeDelta,
                        date1904,
                    )),
                    _ => DataRef::Float(n),
                },
                Err(_) if typ.is_none() => DataRef::String(v.to_string()),
                Err(_) => return None,
            }
        }
    })
}

/// `B2` → (1, 1), 0-based; `None` for anything else.
pub(super) fn cell_ref(r: &str) -> Option<(u32, u32)> {
    let b = r.as_bytes();
    let letters = b.iter().take_while(|c| c.is_ascii_alphabetic()).count();
    if letters == 0 || letters > 3 || letters == b.len() {
        return None;
    }
    let mut col: u32 = 0;
    for c in &b[..letters] {
        col = col * 26 + u32::from(c.to_ascii_uppercase() - b'A' + 1);
    }
    let mut row: u32 = 0;
    for c in &b[letters..] {
        if !c.is_ascii_digit() {
            return None;
        }
        row = row.checked_mul(10)?.checked_add(u32::from(c - b'0'))?;
    }
    Some((row.checked_sub(1)?, col - 1))
}

//! A worksheet's cells, in two steps: the scan of its XML slice by slice into raw cells (on
//! the inflating thread), and the placing of those cells into the grid with their values from
//! the shared strings and styles (on the reading thread).

use super::parts::{attr_raw, decode_excel_escapes, push_unescaped, Attributes};
use super::strings::{string_item, SharedStrings};
use super::styles::{digits, NumberKind, Styles};
use crate::workbook::grid_builder::GridBuilder;
use crate::workbook::xlsx::push_styled_cell;
use crate::workbook::{Merge, PartOutline, ReadError};
use calamine::{Cell, CellErrorType, DataRef, ExcelDateTime, ExcelDateTimeType};
use memchr::memmem;

/// A cell as the scan found it, before the shared strings and styles give it its value.
pub(super) struct RawCell {
    row: u32,
    col: u32,
    /// The `s` attribute: `None` without one (then calamine takes a number as plain), else its
    /// number (0 when it is not one).
    style: Option<usize>,
    value: RawValue,
    /// For a shared string of a cell with an address: its index as the strike-through scan
    /// reads it ([`super::super::xlsx_struck::struck_cells`]).
    struck_index: Option<u32>,
}

/// A cell's value as written, in the terms calamine reads it in.
enum RawValue {
    Number(f64),
    Shared(usize),
    /// A formula's text result, or an untyped value that is not a number.
    String(String),
    /// An inline string.
    Inline(String),
    Iso(String),
    Bool(bool),
    Error(CellErrorType),
}

/// Where the scan of a sheet is.
#[derive(Default)]
pub(super) struct Scan {
    started: bool,
    ended: bool,
    row: u32,
    col: u32,
    /// The last row tag's index, for hidden rows (a row without `r` follows it).
    last_row_tag: Option<u32>,
    hidden: Vec<u32>,
    /// What follows `</sheetData>` (merged ranges), up to the end of the part.
    tail: Vec<u8>,
    /// How many bytes of the part came before the slice being scanned.
    offset: usize,
    /// What precedes `<sheetData`, and where the element starts and ends in the part (a BOM
    /// included): the part's outline, unless its end tag was not the plain `</sheetData>`.
    head: Vec<u8>,
    data_start: usize,
    data_end: Option<usize>,
}

/// What a scanned sheet has besides its cells.
pub(super) struct SheetEnd {
    pub(super) merges: Vec<Merge>,
    pub(super) hidden_rows: Vec<u32>,
    /// Its outline for annotating it (`part` still to fill in).
    pub(super) outline: Option<PartOutline>,
}

impl Scan {
    /// Scans one slice of the sheet's XML (cut after a `</row>`), adding its cells to `cells`;
    /// `None` for anything this reader does not know.
    pub(super) fn slice(&mut self, bytes: &[u8], cells: &mut Vec<RawCell>) -> Option<()> {
        let text = std::str::from_utf8(bytes).ok()?;
        let done = self.scan(text, cells);
        self.offset += bytes.len();
        done
    }

    fn scan(&mut self, text: &str, cells: &mut Vec<RawCell>) -> Option<()> {
        let bytes = text.as_bytes();
        let mut at = 0;
        if self.ended {
            self.tail.extend_from_slice(bytes);
            return Some(());
        }
        if !self.started {
            let i = memmem::find(bytes, b"<sheetData")?;
            // Its end, past any `>` inside a quoted attribute value.
            let mut quote = None;
            let gt = i + bytes[i..].iter().position(|&b| match quote {
                Some(q) => {
                    if b == q {
                        quote = None;
                    }
                    false
                }
                None if b == b'"' || b == b'\'' => {
                    quote = Some(b);
                    false
                }
                None => b == b'>',
            })?;
            self.started = true;
            self.head = bytes[..i].to_vec();
            self.data_start = self.offset + i;
            if bytes[gt - 1] == b'/' {
                self.ended = true;
                self.tail.extend_from_slice(&bytes[gt + 1..]);
                return Some(());
            }
            at = gt + 1;
        }
        while let Some(i) = memchr::memchr(b'<', &bytes[at..]) {
            let lt = at + i;
            let gt = lt + memchr::memchr(b'>', &bytes[lt..])?;
            let tag = &text[lt + 1..gt];
            at = gt + 1;
            match tag.as_bytes().first()? {
                b'c' if tag.len() == 1 || !tag.as_bytes()[1].is_ascii_alphanumeric() => {
                    let attrs = &tag[1..];
                    let CellAttrs { r, s, t } = CellAttrs::of(attrs)?;
                    let (row, col) = match r {
                        Some(r) => {
                            let (row, col) = cell_ref(r)?;
                            self.col = col;
                            (row, col)
                        }
                        None => (self.row, self.col),
                    };
                    self.col += 1;
                    if attrs.ends_with('/') {
                        continue;
                    }
                    let (value, struck_index, end) = cell_value(text, at, t, r.is_some())?;
                    at = end;
                    if let Some(value) = value {
                        cells.push(RawCell {
                            row,
                            col,
                            style: s.map(|s| digits(s).unwrap_or(0)),
                            value,
                            struck_index,
                        });
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
                        self.row = r;
                    }
                    let index =
                        r.unwrap_or_else(|| self.last_row_tag.map_or(0, |l| l.saturating_add(1)));
                    self.last_row_tag = Some(index);
                    if matches!(attr_raw(attrs, "hidden"), Some("1" | "true")) {
                        self.hidden.push(index);
                    }
                    if attrs.ends_with('/') {
                        self.row += 1;
                        self.col = 0;
                    }
                }
                b'/' if tag.trim_end() == "/row" => {
                    self.row += 1;
                    self.col = 0;
                }
                b'/' if tag == "/sheetData" => {
                    self.ended = true;
                    self.data_end = Some(self.offset + at);
                    self.tail.extend_from_slice(&bytes[at..]);
                    return Some(());
                }
                // A comment, CDATA or processing instruction among the cells may hold a `>` or a
                // `</row>` of its own: such a part is calamine's to read.
                b'?' | b'!' => return None,
                b'/' => {}
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
        Some(())
    }

    /// The sheet's merged ranges, hidden rows and outline, once every slice was scanned;
    /// `None` when its cells never ended.
    pub(super) fn finish(self) -> Option<SheetEnd> {
        if !self.started || !self.ended {
            return None;
        }
        let merges = match memmem::find(&self.tail, b"<mergeCells") {
            Some(i) => crate::workbook::xlsx_merges::parse_merge_cells(&self.tail[i..])?,
            None => Vec::new(),
        };
        let outline = self.data_end.and_then(|data_end| {
            let head = std::str::from_utf8(&self.head).ok()?;
            let head = head.strip_prefix('\u{FEFF}').unwrap_or(head);
            let tail = std::str::from_utf8(&self.tail).ok()?;
            Some(PartOutline {
                part: String::new(),
                skeleton: format!("{head}<sheetData/>{tail}"),
                data_start: self.data_start,
                data_end,
            })
        });
        let mut hidden_rows = self.hidden;
        hidden_rows.sort_unstable();
        hidden_rows.dedup();
        Some(SheetEnd {
            merges,
            hidden_rows,
            outline,
        })
    }
}

/// Places scanned cells into the grid with their values as calamine reads them (dates and
/// durations by their style, shared strings by index), recording the shared strings whose
/// runs decide a strike in `struck`. `None` for a shared string the table does not have;
/// `Some(Err)` over a limit.
pub(super) fn place(
    cells: Vec<RawCell>,
    grid: &mut GridBuilder,
    styles: &Styles,
    strings: &SharedStrings,
    date1904: bool,
    struck: &mut Vec<(u32, u32, bool)>,
) -> Option<Result<(), ReadError>> {
    for cell in cells {
        let value = match cell.value {
            RawValue::Number(n) => {
                let kind = match cell.style {
                    Some(s) => styles.kinds.get(s).copied(),
                    None => Some(NumberKind::Plain),
                };
                match kind {
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
                }
            }
            RawValue::Shared(index) => {
                let text = strings.strings.get(index)?;
                if let Some(s) = (cell.struck_index).and_then(|i| strings.struck.get(&i)) {
                    struck.push((cell.row, cell.col, *s));
                }
                DataRef::SharedString(text)
            }
            RawValue::String(s) | RawValue::Inline(s) => DataRef::String(s),
            RawValue::Iso(s) => DataRef::DateTimeIso(s),
            RawValue::Bool(b) => DataRef::Bool(b),
            RawValue::Error(e) => DataRef::Error(e),
        };
        let style = cell.style.unwrap_or(0);
        if let Err(e) = push_styled_cell(
            grid,
            &styles.looks,
            date1904,
            Cell::new((cell.row, cell.col), value),
            style,
        ) {
            return Some(Err(e));
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
        let mut out = CellAttrs::default();
        let mut all = Attributes::of(attrs.as_bytes());
        for (key, start, end) in all.by_ref() {
            let value = Some(&attrs[start..end]);
            match key {
                b"r" => out.r = value,
                b"s" => out.s = value,
                b"t" => out.t = value,
                _ => {}
            }
        }
        (!all.broken).then_some(out)
    }
}

/// The value of a cell whose start tag ends before `at` (`None` when it has none): the last
/// of its `<v>`, `<f>` and `<is>` children decides (an `<f>` alone leaves it empty), as in
/// calamine; the index of a shared string for the strike scan (`addressed`: the cell has an
/// `r`); and the byte after `</c>`.
fn cell_value(
    text: &str,
    mut at: usize,
    typ: Option<&str>,
    addressed: bool,
) -> Option<(Option<RawValue>, Option<u32>, usize)> {
    let bytes = text.as_bytes();
    let mut value = None;
    let mut struck_index = None;
    loop {
        let lt = at + memchr::memchr(b'<', &bytes[at..])?;
        let gt = lt + memchr::memchr(b'>', &bytes[lt..])?;
        let tag = &text[lt + 1..gt];
        at = gt + 1;
        if tag == "/c" {
            return Some((value, struck_index, at));
        }
        let empty = tag.ends_with('/');
        let name_end = tag
            .find(|c: char| c.is_ascii_whitespace() || c == '/')
            .unwrap_or(tag.len());
        match &tag[..name_end] {
            "v" => {
                if empty {
                    value = None;
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
                    Some("inlineStr" | "is") => None,
                    Some("n" | "s" | "b" | "e") | None => {
                        if raw.contains('&') {
                            return None;
                        }
                        if typ == Some("s") && addressed {
                            struck_index = raw.trim().parse().ok();
                        }
                        plain_value(raw, typ)?
                    }
                    Some("str") => {
                        let mut v = String::with_capacity(raw.len());
                        push_unescaped(&mut v, raw)?;
                        Some(RawValue::String(decode_excel_escapes(v)))
                    }
                    Some("d") => {
                        let mut v = String::with_capacity(raw.len());
                        push_unescaped(&mut v, raw)?;
                        Some(RawValue::Iso(v))
                    }
                    Some(_) => return None,
                };
            }
            "f" => {
                value = None;
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
                value = Some(RawValue::Inline(s));
                at = end;
            }
            // An end tag of a child is consumed with it; anything else (a comment or processing
            // instruction included) is unknown here.
            _ => return None,
        }
    }
}

/// A `<v>` of a number, shared string, boolean or error cell, as calamine reads it: `Some(None)`
/// for an empty one, `None` for one calamine refuses.
fn plain_value(v: &str, typ: Option<&str>) -> Option<Option<RawValue>> {
    Some(Some(match typ {
        Some("s") => {
            if v.is_empty() {
                return Some(None);
            }
            RawValue::Shared(digits(v).unwrap_or(0))
        }
        Some("b") => match v.trim() {
            "" => return Some(None),
            "0" | "false" => RawValue::Bool(false),
            "1" | "true" => RawValue::Bool(true),
            _ => return None,
        },
        Some("e") => RawValue::Error(v.parse::<CellErrorType>().ok()?),
        _ => {
            if v.is_empty() {
                return Some(None);
            }
            match v.parse::<f64>() {
                Ok(n) => RawValue::Number(n),
                Err(_) if typ.is_none() => RawValue::String(v.to_string()),
                Err(_) => return None,
            }
        }
    }))
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

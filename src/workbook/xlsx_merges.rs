//! Merged ranges and hidden rows of xlsx worksheets without a second XML parse of each sheet.
//!
//! calamine's `merge_cells_by_sheet_name` tokenises the whole sheet XML again to reach the
//! `<mergeCells>` element after `<sheetData>`: on a 100,000-row ledger that second pass cost
//! 350 ms, as much as a third of the whole read. `<mergeCells` cannot occur inside cell text
//! (a `<` there is escaped), so a byte search finds it in a few tens of milliseconds, and only
//! the short tail from there on is parsed as XML.
//!
//! The same byte scan picks up the `<row … hidden="1">` start tags on its way (calamine does not
//! report hidden rows); a row tag is short and, like `<mergeCells`, cannot occur inside text.
//!
//! Anything unexpected (a part that cannot be found, UTF-16 XML, broken relationships) yields
//! no answer for that sheet, and the caller asks calamine instead.

use super::quick::local_attr;
use super::Merge;
use quick_xml::events::Event;
use quick_xml::Reader;
use std::collections::HashMap;
use std::io::{Cursor, Read};
use zip::ZipArchive;

pub(super) type Archive<'a> = ZipArchive<Cursor<&'a [u8]>>;

/// What the byte scan of one worksheet part found.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct SheetScan {
    pub merges: Vec<Merge>,
    /// 0-based indices of the rows marked hidden, ascending.
    pub hidden_rows: Vec<u32>,
    /// Cells whose text's runs decide their strike-through (rich text; [`super::xlsx_struck`]):
    /// (row, column, struck).
    pub struck_cells: Vec<(u32, u32, bool)>,
}

/// Merged ranges, hidden rows and cells struck through inside their text, per sheet name, for
/// the sheets whose part could be scanned.
pub(super) fn scan_sheets(bytes: &[u8]) -> HashMap<String, SheetScan> {
    let mut found = HashMap::new();
    let Ok(mut archive) = ZipArchive::new(Cursor::new(bytes)) else {
        return found;
    };
    let paths = part_paths(&archive);
    let Some((sheets, shared_strings)) = sheet_parts(&mut archive, &paths) else {
        return found;
    };
    let struck = shared_strings
        .and_then(|p| read_small_part(&mut archive, &paths, &p))
        .map(|sst| super::xlsx_struck::struck_strings(&sst))
        .unwrap_or_default();
    for (name, part) in sheets {
        if let Some(mut scan) = scan_part(&mut archive, &paths, &part) {
            if !struck.is_empty() {
                if let Some(xml) = read_small_part(&mut archive, &paths, &part) {
                    scan.struck_cells = super::xlsx_struck::struck_cells(&xml, &struck);
                }
            }
            found.insert(name, scan);
        }
    }
    found
}

/// [`scan_sheets`], merges only.
#[cfg(test)]
pub(super) fn merges_by_sheet(bytes: &[u8]) -> HashMap<String, Vec<Merge>> {
    scan_sheets(bytes)
        .into_iter()
        .map(|(name, scan)| (name, scan.merges))
        .collect()
}

/// Zip entry names by their normalised form (lower case, forward slashes), as calamine looks
/// them up.
pub(super) fn part_paths(archive: &Archive<'_>) -> HashMap<String, String> {
    archive
        .file_names()
        .filter_map(Result::ok)
        .map(|n| (n.replace('\\', "/").to_ascii_lowercase(), n.to_string()))
        .collect()
}

fn open_part<'a, 'b>(
    archive: &'a mut Archive<'b>,
    paths: &HashMap<String, String>,
    path: &str,
) -> Option<zip::read::ZipFile<'a, Cursor<&'b [u8]>>> {
    let actual = paths.get(&path.to_ascii_lowercase())?;
    archive.by_name(actual).ok()
}

pub(super) fn read_small_part(
    archive: &mut Archive<'_>,
    paths: &HashMap<String, String>,
    path: &str,
) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    open_part(archive, paths, path)?
        .read_to_end(&mut out)
        .ok()?;
    Some(out)
}

/// Each worksheet's (name, part path), and the shared strings part.
type SheetParts = (Vec<(String, String)>, Option<String>);

/// (sheet name, part path) in workbook order, resolved like calamine does: the workbook part
/// from `_rels/.rels`, each sheet's `r:id` through the workbook's relationships; and the shared
/// strings part, if the workbook has one.
fn sheet_parts(archive: &mut Archive<'_>, paths: &HashMap<String, String>) -> Option<SheetParts> {
    let root_rels = read_small_part(archive, paths, "_rels/.rels")?;
    let workbook_target = relationships(&root_rels)?
        .into_values()
        .find(|(typ, _)| typ.ends_with("/relationships/officeDocument"))
        .map(|(_, target)| target)?;
    let (dir, file) = match workbook_target.rfind('/') {
        Some(i) => workbook_target.split_at(i + 1),
        None => ("", workbook_target.as_str()),
    };
    let dir = dir.strip_prefix('/').unwrap_or(dir).to_string();
    let workbook = read_small_part(archive, paths, &format!("{dir}{file}"))?;
    let workbook_rels = read_small_part(archive, paths, &format!("{dir}_rels/{file}.rels"))?;
    let targets = relationships(&workbook_rels)?;
    let part_of = |target: &str| match target.strip_prefix('/') {
        Some(absolute) => absolute.to_string(),
        None => format!("{dir}{target}"),
    };
    let shared_strings = (targets.values())
        .find(|(typ, _)| typ.ends_with("/relationships/sharedStrings"))
        .map(|(_, target)| part_of(target));

    let mut sheets = Vec::new();
    let mut xml = Reader::from_reader(workbook.as_slice());
    loop {
        match xml.read_event().ok()? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "sheet" => {
                let name = local_attr(&e, "name")?;
                let id = local_attr(&e, "id")?;
                let (_, target) = targets.get(&id)?;
                sheets.push((name, part_of(target)));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Some((sheets, shared_strings))
}

/// `Id` -> (`Type`, `Target`) of a relationships part.
pub(super) fn relationships(xml_bytes: &[u8]) -> Option<HashMap<String, (String, String)>> {
    let mut rels = HashMap::new();
    let mut xml = Reader::from_reader(xml_bytes);
    loop {
        match xml.read_event().ok()? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "Relationship" => {
                if let (Some(id), Some(target)) = (local_attr(&e, "Id"), local_attr(&e, "Target")) {
                    rels.insert(id, (local_attr(&e, "Type").unwrap_or_default(), target));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Some(rels)
}

const TAG: &[u8] = b"mergeCells";
/// Bytes kept from one chunk to the next, so a tag split across chunks is still found.
const CARRY: usize = 256;

/// The merged ranges and hidden rows of one worksheet part; `None` if it cannot be read this
/// way.
fn scan_part(
    archive: &mut Archive<'_>,
    paths: &HashMap<String, String>,
    part: &str,
) -> Option<SheetScan> {
    let mut entry = open_part(archive, paths, part)?;
    let mut window: Vec<u8> = Vec::with_capacity(CARRY + (64 << 10));
    let mut chunk = vec![0u8; 64 << 10];
    let mut first = true;
    let mut rows = RowTags::default();
    loop {
        let n = entry.read(&mut chunk).ok()?;
        if n == 0 {
            rows.scan(&window, true);
            return Some(SheetScan {
                merges: Vec::new(),
                hidden_rows: rows.finish(),
                struck_cells: Vec::new(),
            });
        }
        if first && (chunk[..n].starts_with(b"\xFF\xFE") || chunk[..n].starts_with(b"\xFE\xFF")) {
            return None;
        }
        first = false;
        window.extend_from_slice(&chunk[..n]);
        let merge_start = find_open_tag(&window);
        // Row tags before the merges (all of them, when there are none in this window).
        let rows_end = merge_start.unwrap_or(window.len());
        let consumed = rows.scan(&window[..rows_end], merge_start.is_some());
        if let Some(start) = merge_start {
            let mut tail = window.split_off(start);
            entry.read_to_end(&mut tail).ok()?;
            return Some(SheetScan {
                merges: parse_merge_cells(&tail)?,
                hidden_rows: rows.finish(),
                struck_cells: Vec::new(),
            });
        }
        // Keep an unfinished row tag, and enough bytes to find a `<mergeCells` split across
        // chunks; what was scanned for rows is not scanned again.
        let keep = window.len().saturating_sub(CARRY).min(consumed);
        rows.skip = consumed - keep;
        window.drain(..keep);
    }
}

/// Longest start tag kept across chunks.
const MAX_TAG: usize = 1 << 20;

/// The `<row>` start tags of a worksheet, scanned chunk by chunk.
#[derive(Default)]
struct RowTags {
    /// The 0-based index of the last row tag seen (rows without `r` follow the previous one).
    last: Option<u32>,
    hidden: Vec<u32>,
    /// Bytes at the start of the next window that were already scanned.
    skip: usize,
}

/// Bytes at the end of a window left for the next one, so that a `<x:row` split across chunks
/// is seen whole (longer than any prefix kept by [`tag_start`]).
const ROW_TAIL: usize = 40;

impl RowTags {
    /// Scans the row tags in `bytes` (after `skip`); returns how many bytes are done with:
    /// everything before an unfinished tag, or before the last [`ROW_TAIL`] bytes unless this
    /// is the end of the part.
    fn scan(&mut self, bytes: &[u8], at_end: bool) -> usize {
        let from = self.skip.min(bytes.len());
        let safe_end = if at_end {
            bytes.len()
        } else {
            bytes.len().saturating_sub(ROW_TAIL).max(from)
        };
        for hit in memchr::memmem::find_iter(&bytes[from..], b"row") {
            let name = from + hit;
            let Some(start) = tag_start(bytes, name) else {
                continue;
            };
            if start < from {
                continue; // seen in the previous window
            }
            if start >= safe_end {
                return start;
            }
            match bytes.get(name + 3) {
                Some(b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/') => {}
                Some(_) => continue, // <rowBreaks …
                None => return start,
            }
            let Some(close) = memchr::memchr(b'>', &bytes[name..]) else {
                // An unfinished tag: scanned again with the next chunk, unless it is absurdly
                // long (no real tag is), which would keep the whole part in memory.
                return if bytes.len() - start > MAX_TAG {
                    bytes.len()
                } else {
                    start
                };
            };
            let tag = &bytes[name + 3..name + close];
            let index = row_attr(tag, b"r")
                .and_then(|r| std::str::from_utf8(r).ok()?.parse::<u32>().ok())
                .and_then(|r| r.checked_sub(1))
                .unwrap_or_else(|| self.last.map_or(0, |l| l.saturating_add(1)));
            self.last = Some(index);
            if row_attr(tag, b"hidden").is_some_and(|v| v == b"1" || v == b"true") {
                self.hidden.push(index);
            }
        }
        safe_end
    }

    fn finish(mut self) -> Vec<u32> {
        self.hidden.sort_unstable();
        self.hidden.dedup();
        self.hidden
    }
}

/// The `<` of a start tag whose local name begins at `name` (`<row`, `<x:row`); `None` for an
/// end tag or text.
fn tag_start(bytes: &[u8], name: usize) -> Option<usize> {
    let before = name.checked_sub(1)?;
    match bytes[before] {
        b'<' => Some(before),
        b':' => {
            let mut i = before;
            while i > 0
                && before - i < 32
                && (bytes[i - 1].is_ascii_alphanumeric() || b"_.-".contains(&bytes[i - 1]))
            {
                i -= 1;
            }
            (i > 0 && i < before && bytes[i - 1] == b'<').then(|| i - 1)
        }
        _ => None,
    }
}

/// An attribute's raw value in a start tag's attribute text (`r="5" hidden="1"`), by its
/// local name.
fn row_attr<'a>(tag: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    super::xlsx_cells::Attributes::of(tag).find_map(|(key, start, end)| {
        let local = key.rsplit(|&b| b == b':').next().unwrap_or(key);
        (local == name && !key.starts_with(b"xmlns")).then(|| &tag[start..end])
    })
}

/// Index of the `<` of a `<mergeCells` (or `<x:mergeCells`) start tag.
fn find_open_tag(bytes: &[u8]) -> Option<usize> {
    memchr::memmem::find_iter(bytes, TAG).find_map(|i| match bytes.get(i + TAG.len()) {
        Some(b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/') => tag_start(bytes, i),
        _ => None,
    })
}

/// The `ref`s of the `mergeCell` elements in the XML starting at `<mergeCells`.
pub(super) fn parse_merge_cells(tail: &[u8]) -> Option<Vec<Merge>> {
    let mut merges = Vec::new();
    let mut xml = Reader::from_reader(tail);
    xml.config_mut().check_end_names = false;
    loop {
        match xml.read_event().ok()? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "mergeCell" => {
                merges.push(parse_range(&local_attr(&e, "ref")?)?);
            }
            Event::End(e) if e.local_name().as_ref() == "mergeCells" => break,
            Event::Eof => break,
            _ => {}
        }
    }
    Some(merges)
}

/// `A1:D1` (or a single `A1`) as a 0-based inclusive range.
fn parse_range(range: &str) -> Option<Merge> {
    let (first, last) = range.split_once(':').unwrap_or((range, range));
    let (first_row, first_col) = parse_cell(first)?;
    let (last_row, last_col) = parse_cell(last)?;
    Some(Merge {
        first_row: first_row.min(last_row),
        first_col: first_col.min(last_col),
        last_row: first_row.max(last_row),
        last_col: first_col.max(last_col),
    })
}

/// `XFD1048576` -> (1048575, 16383); `$` anchors are ignored.
pub(super) fn parse_cell(cell: &str) -> Option<(u32, u32)> {
    let cell = cell.trim().replace('$', "");
    let digits = cell.find(|c: char| c.is_ascii_digit())?;
    let (letters, number) = cell.split_at(digits);
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    let mut col: u32 = 0;
    for c in letters.chars() {
        if !c.is_ascii_alphabetic() {
            return None;
        }
        col = col * 26 + (c.to_ascii_uppercase() as u32 - 'A' as u32 + 1);
    }
    let row: u32 = number.parse().ok()?;
    if row == 0 || row > 1_048_576 || col > 16_384 {
        return None;
    }
    Some((row - 1, col - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references() {
        assert_eq!(parse_cell("A1"), Some((0, 0)));
        assert_eq!(parse_cell("$XFD$1048576"), Some((1_048_575, 16_383)));
        assert_eq!(parse_cell("XFE1"), None);
        assert_eq!(parse_cell("A0"), None);
        assert_eq!(
            parse_range("B3:A1"),
            Some(Merge {
                first_row: 0,
                first_col: 0,
                last_row: 2,
                last_col: 1
            })
        );
    }

    fn two_merges(found: &HashMap<String, Vec<Merge>>) {
        let mut merges = found["台帳"].clone();
        merges.sort_by_key(|m| (m.first_row, m.first_col));
        assert_eq!(
            merges,
            [
                Merge {
                    first_row: 0,
                    first_col: 0,
                    last_row: 0,
                    last_col: 3
                },
                Merge {
                    first_row: 2,
                    first_col: 6,
                    last_row: 4,
                    last_col: 6
                }
            ]
        );
        assert_eq!(found["非表示"], []);
    }

    #[test]
    fn reads_libreoffice_and_rust_xlsxwriter_files() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/reader/ledger-libreoffice.xlsx"
        );
        two_merges(&merges_by_sheet(&std::fs::read(path).unwrap()));

        let mut book = rust_xlsxwriter::Workbook::new();
        let ws = book.add_worksheet().set_name("台帳").unwrap();
        let plain = rust_xlsxwriter::Format::new();
        ws.merge_range(0, 0, 0, 3, "title", &plain).unwrap();
        ws.merge_range(2, 6, 4, 6, "v", &plain).unwrap();
        book.add_worksheet().set_name("非表示").unwrap();
        two_merges(&merges_by_sheet(&book.save_to_buffer().unwrap()));
    }

    #[test]
    fn hidden_rows_in_a_large_sheet() {
        // Big enough that row tags fall across the 64 KiB read chunks.
        let mut book = rust_xlsxwriter::Workbook::new();
        let ws = book.add_worksheet().set_name("台帳").unwrap();
        let hidden: Vec<u32> = vec![2, 999, 1000, 4097, 12_345, 19_999];
        for r in 0..20_000u32 {
            ws.write_string(r, 0, format!("機器{r}")).unwrap();
            ws.write_number(r, 1, r as f64).unwrap();
        }
        for &r in &hidden {
            ws.set_row_hidden(r).unwrap();
        }
        ws.merge_range(20_001, 0, 20_002, 0, "m", &rust_xlsxwriter::Format::new())
            .unwrap();
        let found = scan_sheets(&book.save_to_buffer().unwrap());
        assert_eq!(found["台帳"].hidden_rows, hidden);
        assert_eq!(found["台帳"].merges.len(), 1);
    }

    #[test]
    fn row_tags() {
        let xml = b"<sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&lt;row hidden=\"1\"&gt;</t></is></c></row><x:row spans=\"1:2\" r=\"3\" hidden=\"1\"><c/></x:row><row hidden='true'/><rowBreaks/><row r=\"9\" hidden=\"0\"/><row r=\"10";
        let mut rows = RowTags::default();
        let done = rows.scan(xml, true);
        assert_eq!(&xml[done..], b"<row r=\"10");
        assert_eq!(rows.finish(), vec![2, 3]);
        // Not at the end: the last bytes wait for the next chunk, wherever the split falls.
        for split in 1..xml.len() {
            let mut rows = RowTags::default();
            let done = rows.scan(&xml[..split], false);
            rows.skip = 0;
            rows.scan(&xml[done..], true);
            assert_eq!(rows.finish(), vec![2, 3], "split at {split}");
        }
        assert_eq!(
            row_attr(b" a=\"1\" x:hidden='1'", b"hidden"),
            Some(&b"1"[..])
        );
        assert_eq!(row_attr(b" broken", b"hidden"), None);
    }

    #[test]
    fn finds_the_tag_not_text() {
        let xml = b"<c t=\"inlineStr\"><is><t>mergeCells &lt;mergeCells</t></is></c></sheetData><x:mergeCells count=\"1\"><x:mergeCell ref=\"A1:B2\"/></x:mergeCells>";
        let start = find_open_tag(xml).unwrap();
        assert!(xml[start..].starts_with(b"<x:mergeCells"));
        assert_eq!(
            parse_merge_cells(&xml[start..]),
            Some(vec![Merge {
                first_row: 0,
                first_col: 0,
                last_row: 1,
                last_col: 1
            }])
        );
        assert_eq!(find_open_tag(b"<sheetData/></worksheet>"), None);
    }
}

//! Strike-through inside a cell's text: a shared string made of runs (`<r><rPr><strike/></rPr>
//! <t>PC-012</t></r>`), which is what Excel and LibreOffice save when the user strikes the text in
//! the cell's editor rather than the cell's font. A run with its own properties (`rPr`) decides
//! for its text; a run without them shows in the cell's font. So a string whose every text run is
//! struck is struck whatever the cell's font, and one with a run explicitly not struck is not —
//! LibreOffice gives a cell struck in part the font of its first run, strike and all. calamine
//! gives such a string as its plain text, so the shared-strings part is read here, and only when
//! it has a struck run (a byte search first) are the worksheets scanned for the cells using one.
//!
//! Phonetic runs (`<rPh>`, ふりがな) are not text of the cell. A device is struck through when its
//! management number (or row) is struck whole.

use super::quick::local_attr;
use quick_xml::events::Event;
use quick_xml::Reader;
use std::collections::HashMap;

/// Whether a shared string's runs decide its strike-through, whatever the cell's font.
pub(super) type StruckStrings = HashMap<u32, bool>;

/// The shared strings whose runs decide their strike-through: `true` for every text run struck,
/// `false` for one run explicitly not struck. Empty when no run is struck (or the part is not XML
/// daicho can read).
pub(super) fn struck_strings(shared: &[u8]) -> StruckStrings {
    let mut out = HashMap::new();
    if memchr::memmem::find(shared, b"strike").is_none() {
        return out;
    }
    let mut xml = Reader::from_reader(shared);
    let mut index: u32 = 0;
    // Inside an <si>: whether it has text, whether every text run so far was struck by its own
    // properties, and whether one was explicitly not struck.
    let (mut has_text, mut all_struck, mut one_unstruck) = (false, true, false);
    // Inside an <r>: whether it has properties, and whether they strike.
    let (mut in_run, mut has_props, mut run_struck) = (false, false, false);
    let (mut in_t, mut phonetic) = (false, 0u32);
    let mut buf = Vec::new();
    loop {
        let event = match xml.read_event_into(&mut buf) {
            Ok(e) => e,
            Err(_) => return HashMap::new(),
        };
        let mut text = false;
        match event {
            Event::Start(e) | Event::Empty(e)
                if matches!(e.local_name().as_ref(), "strike") && in_run =>
            {
                let val = local_attr(&e, "val");
                run_struck = !matches!(val.as_deref(), Some("0" | "false"));
            }
            Event::Start(e) | Event::Empty(e)
                if matches!(e.local_name().as_ref(), "rPr") && in_run =>
            {
                has_props = true;
            }
            Event::Start(e) => match e.local_name().as_ref() {
                "si" => (has_text, all_struck, one_unstruck) = (false, true, false),
                "r" => (in_run, has_props, run_struck) = (true, false, false),
                "t" => in_t = true,
                "rPh" => phonetic += 1,
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                "si" => {
                    if has_text && one_unstruck {
                        out.insert(index, false);
                    } else if has_text && all_struck {
                        out.insert(index, true);
                    }
                    index = index.saturating_add(1);
                }
                "r" => in_run = false,
                "t" => in_t = false,
                "rPh" => phonetic = phonetic.saturating_sub(1),
                _ => {}
            },
            Event::Empty(e) if e.local_name().as_ref() == "si" => {
                index = index.saturating_add(1);
            }
            Event::Text(t) if in_t && phonetic == 0 => text = !t.as_ref().trim().is_empty(),
            Event::GeneralRef(_) | Event::CData(_) if in_t && phonetic == 0 => text = true,
            Event::Eof => break,
            _ => {}
        }
        if text {
            has_text = true;
            match (in_run && has_props, run_struck) {
                (true, true) => {}
                (true, false) => one_unstruck = true,
                // In the cell's font.
                (false, _) => all_struck = false,
            }
        }
        buf.clear();
    }
    out
}

/// The cells (0-based row, column) of a worksheet part that hold one of the `struck` shared
/// strings, with whether the string is struck.
pub(super) fn struck_cells(sheet: &[u8], struck: &StruckStrings) -> Vec<(u32, u32, bool)> {
    let mut out = Vec::new();
    let mut xml = Reader::from_reader(sheet);
    // The current shared-string cell's position, and whether its <v> is being read.
    let mut cell: Option<(u32, u32)> = None;
    let mut in_v = false;
    let mut buf = Vec::new();
    while let Ok(event) = xml.read_event_into(&mut buf) {
        match event {
            Event::Start(e) if e.local_name().as_ref() == "c" => {
                let shared = local_attr(&e, "t").as_deref() == Some("s");
                cell = local_attr(&e, "r")
                    .filter(|_| shared)
                    .and_then(|r| super::xlsx_merges::parse_cell(&r));
            }
            Event::End(e) if e.local_name().as_ref() == "c" => cell = None,
            Event::Start(e) if e.local_name().as_ref() == "v" => in_v = cell.is_some(),
            Event::End(e) if e.local_name().as_ref() == "v" => in_v = false,
            Event::Text(t) if in_v => {
                let index = t.as_ref().trim().parse::<u32>().ok();
                if let (Some((row, col)), Some(s)) = (cell, index.and_then(|i| struck.get(&i))) {
                    out.push((row, col, *s));
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_decide_where_they_have_properties() {
        let sst = r#"<sst xmlns="x"><si><t>PC-001</t></si>
            <si><r><rPr><strike/><sz val="11"/></rPr><t>PC-012</t></r></si>
            <si><r><rPr><strike/></rPr><t>PC-</t></r><r><t>013</t></r></si>
            <si><r><rPr><strike val="1"/></rPr><t>PC-</t></r><r><rPr><strike/></rPr><t xml:space="preserve">014 </t></r><rPh sb="0" eb="1"><t>ピーシー</t></rPh></si>
            <si><r><rPr><strike val="true"/><sz val="11"/></rPr><t>PC-</t></r><r><rPr><sz val="11"/></rPr><t>015</t></r></si>
            <si/>
            <si><r><rPr><strike/></rPr><t>A&amp;B</t></r></si></sst>"#;
        let struck = struck_strings(sst.as_bytes());
        // 2: the plain run takes the cell's font (left to it); 4: LibreOffice's partial strike.
        assert_eq!(
            struck,
            HashMap::from([(1, true), (3, true), (4, false), (6, true)])
        );
        assert!(struck_strings(b"<sst><si><t>no strike here</t></si></sst>").is_empty());
    }

    #[test]
    fn cells_that_use_a_struck_string() {
        let sheet = r#"<worksheet><sheetData><row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2" t="s"><v>0</v></c><c r="C2"><v>1</v></c></row>
            <row r="3"><c r="B3" s="1" t="s"><v>3</v></c><c r="D3" t="inlineStr"><is><t>1</t></is></c></row></sheetData></worksheet>"#;
        let cells = struck_cells(sheet.as_bytes(), &HashMap::from([(1, true), (3, false)]));
        assert_eq!(cells, vec![(1, 0, true), (2, 1, false)]);
    }
}

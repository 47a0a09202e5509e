//! Excel 4.0 macro sheets in an xlsx/xlsm: calamine (0.38) refuses the whole workbook when its
//! relationships list one (`…/xlMacrosheet`, `…/xlIntlMacrosheet`), so a ledger with an old
//! `Auto_Open` macro sheet beside it read as a damaged file.
//!
//! The package is copied with those relationships typed as dialog sheets (which calamine lists
//! and daicho skips, like chart sheets); every other part is copied raw, without
//! recompressing. The macro sheets are then not read: they hold macros, not devices.

use super::quick::local_attr;
use super::xlsx_merges::relationships;
use quick_xml::events::Event;
use std::io::{Cursor, Read, Write};
use zip::ZipArchive;

/// The largest relationships part rewritten (a real one is a few KB).
const MAX_RELS_BYTES: u64 = 4 << 20;

const MACRO_TYPES: [&str; 2] = [
    "http://schemas.microsoft.com/office/2006/relationships/xlMacrosheet",
    "http://schemas.microsoft.com/office/2006/relationships/xlIntlMacrosheet",
];
const DIALOG_TYPE: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/dialogsheet";

/// The package with its macro sheets typed as dialog sheets, and the names of those sheets (so
/// that they are reported as macro sheets, not dialog sheets); `None` when it has none (or it
/// cannot be followed).
pub(super) fn macro_sheets_as_dialog_sheets(bytes: &[u8]) -> Option<(Vec<u8>, Vec<String>)> {
    let mut archive = ZipArchive::new(Cursor::new(bytes)).ok()?;
    let root = read_part(&mut archive, "_rels/.rels")?;
    let workbook = relationships(&root)?
        .into_values()
        .find(|(typ, _)| typ.ends_with("/officeDocument"))
        .map(|(_, target)| target.trim_start_matches('/').to_string())?;
    let rels_name = match workbook.rfind('/') {
        Some(i) => format!("{}_rels/{}.rels", &workbook[..=i], &workbook[i + 1..]),
        None => format!("_rels/{workbook}.rels"),
    };
    let rels = String::from_utf8(read_part(&mut archive, &rels_name)?).ok()?;
    if !MACRO_TYPES.iter().any(|t| rels.contains(t)) {
        return None;
    }
    let macro_ids: Vec<String> = relationships(rels.as_bytes())?
        .into_iter()
        .filter(|(_, (typ, _))| MACRO_TYPES.contains(&typ.as_str()))
        .map(|(id, _)| id)
        .collect();
    let names = sheet_names(&read_part(&mut archive, &workbook)?, &macro_ids);
    let patched = MACRO_TYPES
        .iter()
        .fold(rels, |text, t| text.replace(t, DIALOG_TYPE));

    let mut out = zip::ZipWriter::new(Cursor::new(Vec::with_capacity(bytes.len())));
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).ok()?;
        if entry.name().ok()?.eq_ignore_ascii_case(&rels_name) {
            let name = entry.name().ok()?.to_string();
            drop(entry);
            out.start_file(name, zip::write::SimpleFileOptions::default())
                .ok()?;
            out.write_all(patched.as_bytes()).ok()?;
        } else {
            out.raw_copy_file(entry).ok()?;
        }
    }
    Some((out.finish().ok()?.into_inner(), names))
}

/// The names of the workbook part's sheets whose relationship id is one of `ids`.
fn sheet_names(workbook: &[u8], ids: &[String]) -> Vec<String> {
    let mut names = Vec::new();
    let mut xml = quick_xml::Reader::from_reader(workbook);
    while let Ok(event) = xml.read_event() {
        match event {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "sheet" => {
                if let (Some(name), Some(id)) = (local_attr(&e, "name"), local_attr(&e, "id")) {
                    if ids.contains(&id) {
                        names.push(name);
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    names
}

fn read_part(archive: &mut ZipArchive<Cursor<&[u8]>>, name: &str) -> Option<Vec<u8>> {
    let index = (0..archive.len()).find(|&i| {
        archive
            .name_for_index(i)
            .and_then(Result::ok)
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
    })?;
    let mut out = Vec::new();
    archive
        .by_index(index)
        .ok()?
        .take(MAX_RELS_BYTES)
        .read_to_end(&mut out)
        .ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_packages_with_macro_sheets_are_rewritten() {
        let fixture = |rel: &str| {
            std::fs::read(format!("{}/fixtures/{rel}", env!("CARGO_MANIFEST_DIR"))).unwrap()
        };
        assert_eq!(macro_sheets_as_dialog_sheets(&fixture("seed.xlsx")), None);
        let bytes = fixture("formats/macrosheet.xlsm");
        let (patched, macros) = macro_sheets_as_dialog_sheets(&bytes).unwrap();
        assert_eq!(macros, ["Macro1"]);
        let mut archive = ZipArchive::new(Cursor::new(patched.as_slice())).unwrap();
        let rels = read_part(&mut archive, "xl/_rels/workbook.xml.rels").unwrap();
        let rels = String::from_utf8(rels).unwrap();
        assert!(!rels.contains("xlMacrosheet"), "{rels}");
        assert_eq!(rels.matches(DIALOG_TYPE).count(), 2);
        // Every other part is there, unchanged.
        let original = ZipArchive::new(Cursor::new(bytes.as_slice())).unwrap();
        assert_eq!(archive.len(), original.len());
        assert!(read_part(&mut archive, "xl/worksheets/sheet1.xml").is_some());
        assert_eq!(macro_sheets_as_dialog_sheets(b"not a zip"), None);
    }
}

//! The workbook part: the sheet list, defined names' sheet positions, the active tab, and the
//! sheet names in `docProps/app.xml`.

use super::xml;
use super::PatchError;

#[derive(Debug, Clone)]
pub struct SheetEntry {
    pub name: String,
    /// The `<sheet>` element as written (kept byte for byte for the user's sheets).
    pub raw: String,
    pub rel_id: String,
}

pub struct Workbook {
    pub doc: String,
    pub sheets: Vec<SheetEntry>,
    /// Defined names scoped to a sheet, as (position in `sheets` before any change, raw xml).
    /// Rebuilt at the end from `positions`.
    /// Where each original sheet ended up (None: removed).
    positions: Vec<Option<usize>>,
    /// Defined names to add: (xml without localSheetId, index into final `sheets`).
    added_names: Vec<(String, usize)>,
}

impl Workbook {
    pub fn parse(doc: String) -> Result<Self, PatchError> {
        let (root, _) = xml::children_of_root(&doc)
            .ok_or_else(|| PatchError::Unsupported("workbook XML not understood".into()))?;
        let tag = &doc[root.start..root.tag_end];
        if !tag.starts_with("<workbook") {
            return Err(PatchError::Unsupported(
                "workbook root element is not <workbook>".into(),
            ));
        }
        if xml::attr(tag, "xmlns").as_deref() != Some(super::NS_MAIN) {
            return Err(PatchError::Unsupported(
                "workbook not in the transitional SpreadsheetML namespace (strict OOXML?)".into(),
            ));
        }
        let sheets_span = xml::find_element(&doc, "sheets", 0)
            .ok_or_else(|| PatchError::MissingPart("workbook <sheets>".into()))?;
        let mut sheets = Vec::new();
        for s in xml::elements(&doc, "sheet", sheets_span.tag_end, sheets_span.end) {
            let t = &doc[s.start..s.tag_end];
            sheets.push(SheetEntry {
                name: xml::attr(t, "name").unwrap_or_default(),
                raw: doc[s.start..s.end].to_string(),
                rel_id: xml::attr(t, "r:id")
                    .ok_or_else(|| PatchError::Unsupported("a sheet without r:id".into()))?,
            });
        }
        let positions = (0..sheets.len()).map(Some).collect();
        Ok(Workbook {
            doc,
            sheets,
            positions,
            added_names: Vec::new(),
        })
    }

    pub fn position(&self, name: &str) -> Option<usize> {
        self.sheets.iter().position(|s| s.name == name)
    }

    pub fn remove(&mut self, index: usize) -> SheetEntry {
        let e = self.sheets.remove(index);
        for p in self.positions.iter_mut() {
            match *p {
                Some(x) if x == index => *p = None,
                Some(x) if x > index => *p = Some(x - 1),
                _ => {}
            }
        }
        e
    }

    /// A sheet name not yet used (compared as Excel does, ignoring case), at most 31 UTF-16 units.
    pub fn unique_name(&self, wanted: &str) -> String {
        let taken = |n: &str| {
            self.sheets
                .iter()
                .any(|s| s.name.to_lowercase() == n.to_lowercase())
        };
        if !taken(wanted) {
            return wanted.to_string();
        }
        (2..)
            .map(|k| {
                let suffix = format!(" ({k})");
                let mut base: String = wanted.to_string();
                while base.encode_utf16().count() + suffix.len() > 31 {
                    base.pop();
                }
                format!("{base}{suffix}")
            })
            .find(|n| !taken(n))
            .unwrap_or_default()
    }

    pub fn next_sheet_id(&self) -> u32 {
        self.sheets
            .iter()
            .filter_map(|s| xml::attr(&s.raw, "sheetId").and_then(|v| v.parse::<u32>().ok()))
            .max()
            .unwrap_or(0)
            + 1
    }

    pub fn insert(&mut self, index: usize, name: &str, rel_id: &str) {
        let raw = format!(
            "<sheet name=\"{}\" sheetId=\"{}\" r:id=\"{rel_id}\"/>",
            xml::escape_attr(name),
            self.next_sheet_id()
        );
        self.sheets.insert(
            index,
            SheetEntry {
                name: name.to_string(),
                raw,
                rel_id: rel_id.to_string(),
            },
        );
        for p in self.positions.iter_mut().flatten() {
            if *p >= index {
                *p += 1;
            }
        }
        for (_, i) in self.added_names.iter_mut() {
            if *i >= index {
                *i += 1;
            }
        }
    }

    /// A defined name scoped to the sheet at `index` (a transplanted sheet's filter range).
    pub fn add_local_name(&mut self, name_xml_without_scope: String, index: usize) {
        self.added_names.push((name_xml_without_scope, index));
    }

    /// The workbook part: sheets rewritten, defined names re-scoped (names of removed sheets
    /// dropped), the active tab set (and `firstSheet` reset so it shows).
    pub fn finish(mut self, active: Option<usize>) -> Result<String, PatchError> {
        let doc = std::mem::take(&mut self.doc);
        let mut out = String::with_capacity(doc.len() + 512);
        let sheets_span = xml::find_element(&doc, "sheets", 0)
            .ok_or_else(|| PatchError::MissingPart("workbook <sheets>".into()))?;
        // Up to <sheets>: the workbook view.
        let head = &doc[..sheets_span.start];
        // With a sheet removed and none made active, the first sheet opens (the removed one may
        // have been the active tab).
        let active = active.or_else(|| self.positions.iter().any(Option::is_none).then_some(0));
        let head = match active {
            Some(a) => set_active(head, a),
            None => head.to_string(),
        };
        out.push_str(&head);
        out.push_str(&doc[sheets_span.start..sheets_span.tag_end]);
        for s in &self.sheets {
            out.push_str(&s.raw);
        }
        out.push_str("</sheets>");
        let rest = &doc[sheets_span.end..];
        // Defined names.
        let mut rest_out = String::with_capacity(rest.len());
        let mut at = 0;
        let dn = xml::find_element(rest, "definedNames", 0);
        if let Some(dn) = dn {
            for n in xml::elements(rest, "definedName", dn.tag_end, dn.end) {
                let tag = &rest[n.start..n.tag_end];
                let Some(local) =
                    xml::attr(tag, "localSheetId").and_then(|v| v.parse::<usize>().ok())
                else {
                    continue;
                };
                rest_out.push_str(&rest[at..n.start]);
                match self.positions.get(local).copied().flatten() {
                    Some(p) if p == local => rest_out.push_str(&rest[n.start..n.end]),
                    Some(p) => {
                        rest_out.push_str(&xml::set_attr(tag, "localSheetId", &p.to_string()));
                        rest_out.push_str(&rest[n.tag_end..n.end]);
                    }
                    None => {}
                }
                at = n.end;
            }
        }
        let added: String = self
            .added_names
            .iter()
            .map(|(x, i)| {
                let te = xml::tag_end(x, 0).unwrap_or(x.len());
                format!(
                    "{}{}",
                    xml::set_attr(&x[..te], "localSheetId", &i.to_string()),
                    &x[te..]
                )
            })
            .collect();
        match dn {
            Some(dn) => {
                if dn.self_closing() {
                    rest_out.push_str(&rest[at..dn.start]);
                    if added.is_empty() {
                        rest_out.push_str(&rest[dn.start..dn.end]);
                    } else {
                        rest_out.push_str(&format!("<definedNames>{added}</definedNames>"));
                    }
                    at = dn.end;
                } else {
                    let close = dn.end - "</definedNames>".len();
                    rest_out.push_str(&rest[at..close]);
                    rest_out.push_str(&added);
                    at = close;
                }
                rest_out.push_str(&rest[at..]);
            }
            None if !added.is_empty() => {
                // definedNames follows sheets, functionGroups and externalReferences.
                let after = ["functionGroups", "externalReferences"]
                    .iter()
                    .filter_map(|n| xml::find_element(rest, n, 0).map(|s| s.end))
                    .max()
                    .unwrap_or(0);
                rest_out.push_str(&rest[..after]);
                rest_out.push_str(&format!("<definedNames>{added}</definedNames>"));
                rest_out.push_str(&rest[after..]);
            }
            None => rest_out.push_str(rest),
        }
        out.push_str(&rest_out);
        Ok(out)
    }
}

fn set_active(head: &str, active: usize) -> String {
    let Some(bv) = xml::find_element(head, "bookViews", 0) else {
        // No view: add one (bookViews follows workbookPr/workbookProtection/fileSharing/fileVersion).
        return head.to_string();
    };
    let Some(v) = xml::find_element(head, "workbookView", bv.tag_end) else {
        return head.to_string();
    };
    let mut tag = xml::set_attr(&head[v.start..v.tag_end], "activeTab", &active.to_string());
    if xml::attr(&tag, "firstSheet").is_some() {
        tag = xml::set_attr(
            &tag,
            "firstSheet",
            &active
                .min(
                    xml::attr(&tag, "firstSheet")
                        .and_then(|f| f.parse().ok())
                        .unwrap_or(0),
                )
                .to_string(),
        );
    }
    format!("{}{}{}", &head[..v.start], tag, &head[v.tag_end..])
}

/// `docProps/app.xml` with the worksheet names replaced, or None when its layout is not the
/// usual one (it is informational; leaving it is harmless).
pub fn update_app(doc: &str, worksheet_names: &[String]) -> Option<String> {
    let hp = xml::find_element(doc, "HeadingPairs", 0)?;
    let tp = xml::find_element(doc, "TitlesOfParts", 0)?;
    let variants = xml::elements(doc, "vt:variant", hp.tag_end, hp.end);
    // Pairs of (label, count).
    let mut pairs = Vec::new();
    for pair in variants.chunks(2) {
        if pair.len() != 2 {
            return None;
        }
        let label = xml::text_of_named(&doc[pair[0].start..pair[0].end], "vt:lpstr")?;
        let count_span =
            xml::find_element(doc, "vt:i4", pair[1].start).filter(|s| s.end <= pair[1].end)?;
        let count: usize = count_span.inner(doc).trim().parse().ok()?;
        pairs.push((label, count, count_span));
    }
    let ws_pair = pairs
        .iter()
        .position(|(l, _, _)| l == "Worksheets" || l == "ワークシート")?;
    let offset: usize = pairs[..ws_pair].iter().map(|(_, c, _)| c).sum();
    let (_, old_count, count_span) = pairs[ws_pair];
    let vector = xml::find_element(doc, "vt:vector", tp.tag_end).filter(|s| s.end <= tp.end)?;
    let titles = xml::elements(doc, "vt:lpstr", vector.tag_end, vector.end);
    if titles.len() < offset + old_count {
        return None;
    }
    let mut out = String::with_capacity(doc.len() + 256);
    out.push_str(&doc[..count_span.tag_end]);
    out.push_str(&worksheet_names.len().to_string());
    out.push_str(&doc[count_span.end - "</vt:i4>".len()..vector.start]);
    let size = titles.len() - old_count + worksheet_names.len();
    out.push_str(&xml::set_attr(
        &doc[vector.start..vector.tag_end],
        "size",
        &size.to_string(),
    ));
    for t in &titles[..offset] {
        out.push_str(&doc[t.start..t.end]);
    }
    for n in worksheet_names {
        out.push_str(&format!("<vt:lpstr>{}</vt:lpstr>", xml::escape_text(n)));
    }
    for t in &titles[offset + old_count..] {
        out.push_str(&doc[t.start..t.end]);
    }
    out.push_str(&doc[vector.end - "</vt:vector>".len()..]);
    Some(out)
}

//! Moving a sheet from a small workbook daicho rendered with rust_xlsxwriter (the summary, the
//! filled-in checklist) into the user's package: styles merged and remapped, shared strings
//! turned into inline strings, its notes (comments + VML) and external links carried along,
//! internal links, validations and filters kept.

use super::comments::idmap_blocks;
use super::package::{self, Package, Rel};
use super::styles::{StyleMap, Styles};
use super::workbook::Workbook;
use super::{xml, PatchError};

/// A sheet ready to be listed in the workbook.
pub struct Transplanted {
    pub name: String,
    pub rel_id: String,
    pub part: String,
    /// Defined names scoped to the sheet in its source (its filter range), without localSheetId.
    pub local_names: Vec<String>,
}

/// A workbook daicho rendered, read and made ready while the user's sheets are still being
/// marked: everything about its sheets that does not depend on the package they go into. What
/// is left for [`transplant`] is merging its styles and numbering the references to them.
pub struct Prepared {
    styles: Styles,
    sheets: Vec<PreparedSheet>,
}

struct PreparedSheet {
    name: String,
    /// Defined names scoped to it in the source, without localSheetId.
    local_names: Vec<String>,
    /// Its XML, shared strings inlined, tab not selected; style references still to number.
    xml: Numbered,
    /// Its relationships, each with the part it carries along.
    rels: Vec<(Rel, Carried)>,
}

/// What a relationship of an added sheet brings into the package.
enum Carried {
    /// Nothing: the target is outside the package (an external link).
    Nothing,
    Comments(Vec<u8>),
    /// A VML drawing, whose shape ids are renumbered where it lands.
    Vml(String),
}

/// Reads the rendered workbook `source`: each sheet's cells with shared strings inlined, its
/// scoped names, notes and links.
pub fn prepare(source: &[u8]) -> Result<Prepared, PatchError> {
    let mut src = Package::open(source)?;
    let src_wb_path = "xl/workbook.xml";
    let src_doc = src.read_text(src_wb_path)?;
    let src_wb = Workbook::parse(src_doc.clone())?;
    let src_rels = src.rels(src_wb_path)?;
    let target_of = |kind: &str| {
        src_rels
            .iter()
            .find(|r| r.kind == kind)
            .map(|r| package::resolve(src_wb_path, &r.target))
    };
    let styles = Styles::parse(
        src.read_text(
            &target_of(package::REL_STYLES)
                .ok_or_else(|| PatchError::MissingPart("styles of an added sheet".into()))?,
        )?,
    )?;
    let shared: Vec<String> = match target_of(package::REL_SHARED_STRINGS) {
        Some(p) => {
            let doc = src.read_text(&p)?;
            xml::elements(&doc, "si", 0, doc.len())
                .iter()
                .map(|s| s.inner(&doc).to_string())
                .collect()
        }
        None => Vec::new(),
    };
    // Names scoped to each source sheet.
    let mut names_by_sheet: Vec<Vec<String>> = vec![Vec::new(); src_wb.sheets.len()];
    for n in xml::elements(&src_doc, "definedName", 0, src_doc.len()) {
        let tag = &src_doc[n.start..n.tag_end];
        if let Some(i) = xml::attr(tag, "localSheetId").and_then(|v| v.parse::<usize>().ok()) {
            if let Some(list) = names_by_sheet.get_mut(i) {
                let stripped = xml::remove_attr(tag, "localSheetId");
                list.push(format!("{stripped}{}", &src_doc[n.tag_end..n.end]));
            }
        }
    }
    let mut sheets = Vec::with_capacity(src_wb.sheets.len());
    for (sheet, local_names) in src_wb.sheets.iter().zip(names_by_sheet) {
        let rel = src_rels
            .iter()
            .find(|r| r.id == sheet.rel_id)
            .ok_or_else(|| PatchError::MissingPart(format!("added sheet {}", sheet.name)))?;
        let src_part = package::resolve(src_wb_path, &rel.target);
        let doc = src.read_text(&src_part)?;
        // The selection sits before the cells: only that head is rewritten (a copy of the
        // whole summary would hold it twice while the user's sheets are marked).
        let mut doc = doc;
        let head_end = doc.find("<sheetData").unwrap_or(doc.len());
        if let Some(head) = super::sheet::clear_tab_selected(&doc[..head_end]) {
            doc.replace_range(..head_end, &head);
        }
        let xml = rewrite_cells(&doc, &shared)?;
        let mut rels = Vec::new();
        for r in src.rels(&src_part)? {
            let carried = if r.external {
                Carried::Nothing
            } else {
                let from = package::resolve(&src_part, &r.target);
                if r.kind == package::REL_COMMENTS {
                    Carried::Comments(src.read(&from)?)
                } else if r.kind == package::REL_VML {
                    Carried::Vml(src.read_text(&from)?)
                } else {
                    return Err(PatchError::Unsupported(format!(
                        "an added sheet has a part daicho does not carry ({})",
                        r.kind
                    )));
                }
            };
            rels.push((r, carried));
        }
        sheets.push(PreparedSheet {
            name: sheet.name.clone(),
            local_names,
            xml,
            rels,
        });
    }
    Ok(Prepared { styles, sheets })
}

/// Moves every sheet of a [`prepare`]d workbook into `pkg`: its styles merged into `styles`,
/// its references to them numbered. Sheets are not yet listed in the workbook part.
pub fn transplant(
    pkg: &mut Package<'_>,
    wb_path: &str,
    wb: &Workbook,
    styles: &mut Styles,
    prepared: Prepared,
    next_vml_block: &mut u32,
) -> Result<Vec<Transplanted>, PatchError> {
    let map = styles.merge(&prepared.styles);
    let mut out = Vec::new();
    let mut taken_names: Vec<String> = Vec::new();
    for sheet in prepared.sheets {
        let part = pkg.fresh_name("xl/worksheets/sheet", ".xml");
        pkg.write_sheet(&part, super::sheet::SheetXml::split(sheet.xml.number(&map)));
        pkg.ensure_content_type(Some(&part), None, package::CT_WORKSHEET)?;
        // The sheet's own relationships, with the same ids so its r:id attributes stay valid.
        let mut new_rels: Vec<Rel> = Vec::new();
        for (r, carried) in sheet.rels {
            let to = match carried {
                Carried::Nothing => {
                    new_rels.push(r);
                    continue;
                }
                Carried::Comments(bytes) => {
                    let to = pkg.fresh_name("xl/comments", ".xml");
                    pkg.write(&to, bytes);
                    pkg.ensure_content_type(Some(&to), None, package::CT_COMMENTS)?;
                    to
                }
                Carried::Vml(vml) => {
                    let to = pkg.fresh_name("xl/drawings/vmlDrawing", ".vml");
                    pkg.write(&to, renumber_vml(&vml, *next_vml_block).into_bytes());
                    *next_vml_block += 1;
                    pkg.ensure_content_type(None, Some("vml"), package::CT_VML)?;
                    to
                }
            };
            new_rels.push(Rel {
                target: package::relative(&part, &to),
                ..r
            });
        }
        if !new_rels.is_empty() {
            let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">");
            for r in &new_rels {
                x.push_str(&format!(
                    "<Relationship Id=\"{}\" Type=\"{}\" Target=\"{}\"{}/>",
                    xml::escape_attr(&r.id),
                    xml::escape_attr(&r.kind),
                    xml::escape_attr(&r.target),
                    if r.external {
                        " TargetMode=\"External\""
                    } else {
                        ""
                    }
                ));
            }
            x.push_str("</Relationships>");
            pkg.write(&package::rels_path(&part), x.into_bytes());
        }
        let rel_id = pkg.add_rel(
            wb_path,
            package::REL_WORKSHEET,
            &package::relative(wb_path, &part),
        )?;
        // The name: unique among the workbook's sheets and the ones added before it.
        let mut name = wb.unique_name(&sheet.name);
        let mut k = 2;
        while taken_names
            .iter()
            .any(|t| t.to_lowercase() == name.to_lowercase())
        {
            name = wb.unique_name(&format!("{} ({k})", sheet.name));
            k += 1;
        }
        taken_names.push(name.clone());
        let local_names = sheet
            .local_names
            .iter()
            .map(|n| rename_in_formula(n, &sheet.name, &name))
            .collect();
        out.push(Transplanted {
            name,
            rel_id,
            part,
            local_names,
        });
    }
    Ok(out)
}

/// XML whose references to styles are numbered once the styles are merged: the text, and for
/// each reference its byte offset in the text and the source workbook's index.
struct Numbered {
    text: String,
    refs: Vec<(usize, StyleRef)>,
}

#[derive(Debug, Clone, Copy)]
enum StyleRef {
    Xf(usize),
    Dxf(usize),
}

impl Numbered {
    fn push(&mut self, s: &str) {
        self.text.push_str(s);
    }

    /// `tag` with attribute `name` (added where the tag has none) holding the reference `r`.
    fn push_tag(&mut self, tag: &str, name: &str, r: StyleRef) {
        match xml::attr_span(tag, name) {
            Some((value_start, value_end, _)) => {
                self.push(&tag[..value_start]);
                self.refs.push((self.text.len(), r));
                self.push(&tag[value_end..]);
            }
            None => {
                let close = if tag.ends_with("/>") {
                    tag.len() - 2
                } else {
                    tag.len() - 1
                };
                self.push(tag[..close].trim_end());
                self.push(" ");
                self.push(name);
                self.push("=\"");
                self.refs.push((self.text.len(), r));
                self.push("\"");
                self.push(&tag[close..]);
            }
        }
    }

    /// The text with each reference numbered through `map` (an index it does not know stays).
    fn number(self, map: &StyleMap) -> String {
        use std::fmt::Write;
        let mut out = String::with_capacity(self.text.len() + 4 * self.refs.len());
        let mut at = 0;
        for (pos, r) in self.refs {
            out.push_str(&self.text[at..pos]);
            let n = match r {
                StyleRef::Xf(i) => map.xfs.get(i).map_or(i, |&x| x as usize),
                StyleRef::Dxf(i) => map.dxfs.get(i).map_or(0, |&x| x as usize),
            };
            let _ = write!(out, "{n}");
            at = pos;
        }
        out.push_str(&self.text[at..]);
        out
    }
}

/// Shared strings inlined; cell/row/column formats and conditional formats' dxfs left as
/// references to number.
fn rewrite_cells(doc: &str, shared: &[String]) -> Result<Numbered, PatchError> {
    let xf = |v: &str| v.parse::<usize>().ok().map(StyleRef::Xf);
    // Room for the inlined strings, counted first: the summary's sheet doubles in size, and
    // growing a 10 MB string by doubling would hold twice that at once.
    let mut out = Numbered {
        text: String::with_capacity(doc.len() + inlined_growth(doc, shared) + 4096),
        refs: Vec::new(),
    };
    // The raw value of an attribute of a tag (rust_xlsxwriter writes numbers and type names
    // there, nothing escaped).
    let raw = |tag: &'_ str, name: &str| -> Option<(usize, usize)> {
        xml::attr_span(tag, name).map(|(s, e, _)| (s, e))
    };
    let mut new_tag = String::new();
    let mut at = 0;
    // Column styles.
    if let Some(cols) = xml::find_element(doc, "cols", 0) {
        for c in xml::elements(doc, "col", cols.tag_end, cols.end) {
            let tag = &doc[c.start..c.tag_end];
            if let Some(r) = xml::attr(tag, "style").as_deref().and_then(xf) {
                out.push(&doc[at..c.start]);
                out.push_tag(tag, "style", r);
                at = c.tag_end;
            }
        }
    }
    let sd = xml::find_element(doc, "sheetData", 0)
        .ok_or_else(|| PatchError::Unsupported("added sheet without sheetData".into()))?;
    // The summary lists every finding: one searcher per name for all its cells.
    let (rows, cells, values) = (
        xml::StartFinder::new("row"),
        xml::StartFinder::new("c"),
        xml::StartFinder::new("v"),
    );
    let mut last_r: Option<String> = None;
    for row in xml::elements_with(doc, &rows, sd.tag_end, sd.end) {
        let rtag = &doc[row.start..row.tag_end];
        // rust_xlsxwriter's constant-memory mode writes the last row twice when its height was
        // set: the row with its cells, then `<row r="N" ht=… customHeight="1"/>` again (the
        // same attributes, no cells). Two rows with one number is invalid: the echo is dropped.
        let r = xml::attr(rtag, "r");
        if row.self_closing() && r.is_some() && r == last_r {
            out.push(&doc[at..row.start]);
            at = row.end;
            continue;
        }
        last_r = r;
        if let Some(s) = xml::attr(rtag, "s").as_deref().and_then(xf) {
            out.push(&doc[at..row.start]);
            out.push_tag(rtag, "s", s);
            at = row.tag_end;
        }
        if row.self_closing() {
            continue;
        }
        for c in xml::elements_with(doc, &cells, row.tag_end, row.end) {
            let tag = &doc[c.start..c.tag_end];
            // A cell without `s` uses its workbook's default format (xf 0), which is not this
            // package's xf 0.
            let style = match raw(tag, "s") {
                Some((s, e)) => xf(&tag[s..e]),
                None => Some(StyleRef::Xf(0)),
            };
            out.push(&doc[at..c.start]);
            let t = raw(tag, "t");
            let inlined = if t.is_some_and(|(s, e)| &tag[s..e] == "s") {
                let inner = c.inner(doc);
                let idx = values
                    .find(inner, 0)
                    .and_then(|v| xml::element_with(inner, &values, v))
                    .and_then(|v| v.inner(inner).trim().parse::<usize>().ok());
                let si = idx.and_then(|i| shared.get(i)).ok_or_else(|| {
                    PatchError::Unsupported("added sheet: shared string missing".into())
                })?;
                // `t="inlineStr"`, and an element with content.
                let (ts, te) = t.unwrap_or_default();
                new_tag.clear();
                new_tag.push_str(&tag[..ts]);
                new_tag.push_str("inlineStr");
                match tag[te..].strip_suffix("/>") {
                    Some(rest) => {
                        new_tag.push_str(rest.trim_end());
                        new_tag.push('>');
                    }
                    None => new_tag.push_str(&tag[te..]),
                }
                Some(si)
            } else {
                None
            };
            let cell_tag = if inlined.is_some() {
                new_tag.as_str()
            } else {
                tag
            };
            match style {
                Some(r) => out.push_tag(cell_tag, "s", r),
                None => out.push(cell_tag),
            }
            match inlined {
                Some(si) => {
                    out.push("<is>");
                    out.push(si);
                    out.push("</is></c>");
                }
                None => out.push(&doc[c.tag_end..c.end]),
            }
            at = c.end;
        }
    }
    // Conditional formats point at dxfs.
    for cf in xml::elements(doc, "cfRule", sd.end, doc.len()) {
        let tag = &doc[cf.start..cf.tag_end];
        if let Some(d) = xml::attr(tag, "dxfId").and_then(|v| v.parse::<usize>().ok()) {
            out.push(&doc[at..cf.start]);
            out.push_tag(tag, "dxfId", StyleRef::Dxf(d));
            at = cf.tag_end;
        }
    }
    out.push(&doc[at..]);
    Ok(out)
}

/// About how many bytes inlining the shared strings adds to `doc`: each `t="s"` cell's string
/// and the attribute and tags around it, and each cell's remapped format.
fn inlined_growth(doc: &str, shared: &[String]) -> usize {
    let (cells, values) = (xml::StartFinder::new("c"), xml::StartFinder::new("v"));
    let Some(sd) = xml::find_element(doc, "sheetData", 0) else {
        return 0;
    };
    if shared.is_empty() {
        // Inline strings already (the constant-memory summary): only the formats grow.
        return 8 * memchr::memmem::find_iter(&doc.as_bytes()[sd.tag_end..sd.end], b"<c ").count();
    }
    let mut growth = 0;
    for c in xml::elements_with(doc, &cells, sd.tag_end, sd.end) {
        // A remapped (longer) or added ` s="…"`.
        growth += 8;
        let tag = &doc[c.start..c.tag_end];
        if xml::attr_span(tag, "t").is_none_or(|(s, e, _)| &tag[s..e] != "s") {
            continue;
        }
        let inner = c.inner(doc);
        let si = values
            .find(inner, 0)
            .and_then(|v| xml::element_with(inner, &values, v))
            .and_then(|v| v.inner(inner).trim().parse::<usize>().ok())
            .and_then(|i| shared.get(i));
        // ` s="…"` and `inlineStr` for `s`, `<is></is></c>` for `<v>…</v></c>`.
        growth += si.map_or(0, String::len) + 32;
    }
    growth
}

/// A VML drawing moved to shape-id block `block`.
fn renumber_vml(vml: &str, block: u32) -> String {
    let old = idmap_blocks(vml).first().copied().unwrap_or(1);
    let mut out = vml.replace(&format!("data=\"{old}\""), &format!("data=\"{block}\""));
    // Shape ids _x0000_s{old*1024+n} → _x0000_s{block*1024+n}.
    let mut result = String::with_capacity(out.len());
    let marker = "_x0000_s";
    while let Some(p) = out.find(marker) {
        result.push_str(&out[..p + marker.len()]);
        let rest = &out[p + marker.len()..];
        let digits = rest.bytes().take_while(|b| b.is_ascii_digit()).count();
        match rest[..digits].parse::<u32>() {
            Ok(n) if n >= old * 1024 => {
                result.push_str(&(n - old * 1024 + block * 1024).to_string())
            }
            _ => result.push_str(&rest[..digits]),
        }
        out = rest[digits..].to_string();
    }
    result.push_str(&out);
    result
}

/// A defined name's formula with the sheet's old name replaced by its new one.
fn rename_in_formula(name_xml: &str, old: &str, new: &str) -> String {
    if old == new {
        return name_xml.to_string();
    }
    let q = |n: &str| format!("'{}'!", n.replace('\'', "''"));
    name_xml
        .replace(&q(old), &q(new))
        .replace(&format!("{old}!"), &q(new))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_empty_last_row_is_dropped() {
        // What rust_xlsxwriter's constant-memory mode writes when the last row has a height.
        let doc = "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" s=\"1\"><v>1</v></c></row>\
                   <row r=\"2\" ht=\"36\" customHeight=\"1\"><c r=\"A2\" s=\"1\"><v>2</v></c></row>\
                   <row r=\"2\" ht=\"36\" customHeight=\"1\"/></sheetData></worksheet>";
        let map = StyleMap {
            xfs: vec![0, 5],
            dxfs: Vec::new(),
        };
        let out = rewrite_cells(doc, &[]).expect("rewritten").number(&map);
        assert_eq!(
            out,
            "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" s=\"5\"><v>1</v></c></row>\
             <row r=\"2\" ht=\"36\" customHeight=\"1\"><c r=\"A2\" s=\"5\"><v>2</v></c></row>\
             </sheetData></worksheet>"
        );
        // A row of its own number without cells stays.
        let doc =
            "<worksheet><sheetData><row r=\"1\"/><row r=\"2\" ht=\"30\"/></sheetData></worksheet>";
        assert_eq!(
            rewrite_cells(doc, &[]).expect("rewritten").number(&map),
            doc
        );
    }
}

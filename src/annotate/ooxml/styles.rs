//! The styles part: daicho's fills as new cell formats derived from each cell's own, how to find
//! the original format of a cell daicho marked earlier, and merging another workbook's styles in.
//!
//! A daicho fill is a solid fill whose background colour (unused by a solid pattern, kept by Excel
//! and openpyxl) is `DA` followed by the six hex digits of the original cell format's index: the
//! mark says where it came from, so a later run restores it. LibreOffice rewrites that background
//! colour when it saves; a fill in one of daicho's own mark colours (one step off Excel's tints, so
//! no user picks them by chance) is then still recognised as a mark, and the cell goes back to its
//! format without the fill.

use super::xml::{self, Span};
use super::PatchError;
use std::collections::HashMap;

/// The alpha byte that tags a fill's background colour as daicho's.
const MARKER: &str = "DA";

/// The origin of a mark recognised by its colour alone (its marker lost): not known.
const UNKNOWN_ORIGIN: u32 = u32::MAX;

/// Sections of a styles part, in schema order.
const ORDER: [&str; 10] = [
    "numFmts",
    "fonts",
    "fills",
    "borders",
    "cellStyleXfs",
    "cellXfs",
    "cellStyles",
    "dxfs",
    "tableStyles",
    "colors",
];

/// What a section's children are called.
fn child_of(section: &str) -> &'static str {
    match section {
        "numFmts" => "numFmt",
        "fonts" => "font",
        "fills" => "fill",
        "borders" => "border",
        "cellStyleXfs" | "cellXfs" => "xf",
        "cellStyles" => "cellStyle",
        "dxfs" => "dxf",
        _ => "",
    }
}

pub struct Styles {
    doc: String,
    /// Children of each section as written in the input.
    existing: HashMap<&'static str, Vec<String>>,
    /// Children to append, per section.
    appended: HashMap<&'static str, Vec<String>>,
    /// (original xf, fill colour) → daicho's xf.
    derived: HashMap<(u32, String), u32>,
    /// daicho's xf → the cell's original xf (from earlier runs).
    daicho_xfs: HashMap<u32, u32>,
    /// daicho's xf → its fill colour (ARGB, upper case).
    daicho_colors: HashMap<u32, String>,
    changed: bool,
}

fn section_span(doc: &str, name: &str) -> Option<Span> {
    xml::find_element(doc, name, 0)
}

impl Styles {
    /// The styles part `doc`, daicho's marks recognised by their marker.
    pub fn parse(doc: String) -> Result<Self, PatchError> {
        Self::parse_recognising(doc, &[])
    }

    /// [`Styles::parse`], also taking a solid fill in one of `mark_fills` (ARGB, upper case)
    /// without a marker for daicho's mark.
    pub fn parse_recognising(doc: String, mark_fills: &[String]) -> Result<Self, PatchError> {
        if xml::find_element(&doc, "styleSheet", 0).is_none() {
            return Err(PatchError::Unsupported(
                "styles part without <styleSheet>".into(),
            ));
        }
        let mut existing = HashMap::new();
        for name in ORDER {
            let child = child_of(name);
            if child.is_empty() {
                continue;
            }
            let items = match section_span(&doc, name) {
                Some(s) if !s.self_closing() => xml::elements(&doc, child, s.tag_end, s.end)
                    .iter()
                    .map(|c| doc[c.start..c.end].to_string())
                    .collect(),
                _ => Vec::new(),
            };
            existing.insert(name, items);
        }
        if existing.get("cellXfs").is_none_or(|x| x.is_empty()) {
            return Err(PatchError::Unsupported(
                "styles part without cell formats".into(),
            ));
        }
        let mut s = Styles {
            doc,
            existing,
            appended: HashMap::new(),
            derived: HashMap::new(),
            daicho_xfs: HashMap::new(),
            daicho_colors: HashMap::new(),
            changed: false,
        };
        s.find_daicho_xfs(mark_fills);
        Ok(s)
    }

    fn items(&self, section: &'static str) -> impl Iterator<Item = &String> {
        self.existing
            .get(section)
            .into_iter()
            .flatten()
            .chain(self.appended.get(section).into_iter().flatten())
    }

    fn count(&self, section: &'static str) -> usize {
        self.items(section).count()
    }

    fn append(&mut self, section: &'static str, item: String) -> u32 {
        let n = self.count(section);
        self.appended.entry(section).or_default().push(item);
        self.changed = true;
        n as u32
    }

    /// The original xf encoded in a daicho fill, if `fill` is one; [`UNKNOWN_ORIGIN`] for a fill
    /// in one of `mark_fills` whose marker was lost.
    fn daicho_fill_origin(fill: &str, mark_fills: &[String]) -> Option<u32> {
        let pf = xml::find_element(fill, "patternFill", 0)?;
        if xml::attr(&fill[pf.start..pf.tag_end], "patternType").as_deref() != Some("solid") {
            return None;
        }
        let color = |name: &str| {
            let c = xml::find_element(fill, name, 0)?;
            xml::attr(&fill[c.start..c.tag_end], "rgb")
        };
        let marked = color("bgColor")
            .and_then(|rgb| rgb.strip_prefix(MARKER).map(str::to_string))
            .filter(|hex| hex.len() == 6)
            .and_then(|hex| u32::from_str_radix(&hex, 16).ok());
        marked.or_else(|| {
            let fg = color("fgColor")?.to_ascii_uppercase();
            mark_fills.contains(&fg).then_some(UNKNOWN_ORIGIN)
        })
    }

    fn find_daicho_xfs(&mut self, mark_fills: &[String]) {
        let fills: Vec<Option<u32>> = self
            .items("fills")
            .map(|f| Self::daicho_fill_origin(f, mark_fills))
            .collect();
        let xfs: Vec<String> = self.items("cellXfs").cloned().collect();
        for (i, xf) in xfs.iter().enumerate() {
            let fill_id: Option<usize> = xml::attr(xf, "fillId").and_then(|v| v.parse().ok());
            let Some(Some(origin)) = fill_id.and_then(|f| fills.get(f)) else {
                continue;
            };
            let restored = self.restore_target(&xfs, &fills, i, *origin);
            self.daicho_xfs.insert(i as u32, restored);
            let fill = fill_id.and_then(|f| self.items("fills").nth(f)).cloned();
            let argb = fill.and_then(|f| {
                let fg = xml::find_element(&f, "fgColor", 0)?;
                xml::attr(&f[fg.start..fg.tag_end], "rgb")
            });
            if let Some(argb) = argb {
                self.daicho_colors
                    .insert(i as u32, argb.to_ascii_uppercase());
                // A mark that lost its marker is not reused: the cell is marked afresh, with it.
                if *origin != UNKNOWN_ORIGIN {
                    self.derived
                        .entry((restored, argb.to_ascii_uppercase()))
                        .or_insert(i as u32);
                }
            }
        }
    }

    /// The xf a daicho-marked cell goes back to: the one its fill names, when that xf still is
    /// the marked one without the fill; else an xf equal but for the fill; else a new one.
    fn restore_target(
        &mut self,
        xfs: &[String],
        fills: &[Option<u32>],
        marked: usize,
        origin: u32,
    ) -> u32 {
        let without_fill = |xf: &str| {
            let te = xml::tag_end(xf, 0).unwrap_or(xf.len());
            let tag = xml::remove_attr(&xml::remove_attr(&xf[..te], "fillId"), "applyFill");
            format!("{tag}{}", &xf[te..])
        };
        let is_daicho = |xf: &str| {
            xml::attr(xf, "fillId")
                .and_then(|v| v.parse::<usize>().ok())
                .and_then(|f| fills.get(f))
                .is_some_and(|o| o.is_some())
        };
        let key = without_fill(&xfs[marked]);
        if let Some(orig) = xfs.get(origin as usize) {
            if !is_daicho(orig) && without_fill(orig) == key {
                return origin;
            }
        }
        if let Some(i) = xfs.iter().position(|x| {
            !is_daicho(x)
                && without_fill(x) == key
                && xml::attr(x, "fillId").as_deref() == Some("0")
        }) {
            return i as u32;
        }
        // The original is gone (an editor renumbered the formats): the marked format without fill.
        let xf = &xfs[marked];
        let te = xml::tag_end(xf, 0).unwrap_or(xf.len());
        let tag = xml::remove_attr(&xml::set_attr(&xf[..te], "fillId", "0"), "applyFill");
        self.append("cellXfs", format!("{tag}{}", &xf[te..]))
    }

    /// Whether earlier runs left daicho formats in this part.
    pub fn has_daicho_marks(&self) -> bool {
        !self.daicho_xfs.is_empty()
    }

    /// The original format of a cell whose format is `xf`, when `xf` is a daicho mark.
    pub fn original_of(&self, xf: u32) -> Option<u32> {
        self.daicho_xfs.get(&xf).copied()
    }

    /// The colour of daicho's mark when `xf` is one.
    pub fn mark_color(&self, xf: u32) -> Option<&str> {
        self.daicho_colors.get(&xf).map(String::as_str)
    }

    /// The format for a cell of format `xf` marked with `argb`: the same font, border, number
    /// format, alignment and protection, only the fill changes.
    pub fn marked(&mut self, xf: u32, argb: &str) -> u32 {
        let base = self.original_of(xf).unwrap_or(xf);
        let argb = argb.to_ascii_uppercase();
        if let Some(x) = self.derived.get(&(base, argb.clone())) {
            return *x;
        }
        let xfs: Vec<String> = self.items("cellXfs").cloned().collect();
        let source = xfs
            .get(base as usize)
            .cloned()
            .unwrap_or_else(|| xfs[0].clone());
        let fill = format!(
            "<fill><patternFill patternType=\"solid\"><fgColor rgb=\"{}\"/><bgColor rgb=\"{MARKER}{:06X}\"/></patternFill></fill>",
            xml::escape_attr(&argb),
            base.min(0xFF_FFFF)
        );
        let fill_id = self.append("fills", fill);
        let te = xml::tag_end(&source, 0).unwrap_or(source.len());
        let tag = xml::set_attr(
            &xml::set_attr(&source[..te], "fillId", &fill_id.to_string()),
            "applyFill",
            "1",
        );
        let id = self.append("cellXfs", format!("{tag}{}", &source[te..]));
        self.daicho_xfs.insert(id, base);
        self.daicho_colors.insert(id, argb.clone());
        self.derived.insert((base, argb), id);
        id
    }

    /// Appends another workbook's styles (a sheet daicho made with rust_xlsxwriter) and returns
    /// how its xf and dxf indexes map to this part's.
    pub fn merge(&mut self, other: &Styles) -> StyleMap {
        // Custom number formats get fresh ids above every id in use.
        let mut next_fmt = self
            .items("numFmts")
            .filter_map(|n| xml::attr(n, "numFmtId").and_then(|v| v.parse::<u32>().ok()))
            .max()
            .unwrap_or(163)
            .max(163)
            + 1;
        let mut fmt_map: HashMap<u32, u32> = HashMap::new();
        for nf in other.items("numFmts").cloned().collect::<Vec<_>>() {
            let Some(id) = xml::attr(&nf, "numFmtId").and_then(|v| v.parse::<u32>().ok()) else {
                continue;
            };
            let code = xml::attr(&nf, "formatCode").unwrap_or_default();
            let existing = self.items("numFmts").find_map(|n| {
                (xml::attr(n, "formatCode").as_deref() == Some(code.as_str()))
                    .then(|| xml::attr(n, "numFmtId").and_then(|v| v.parse::<u32>().ok()))
                    .flatten()
            });
            let new_id = match existing {
                Some(e) => e,
                None => {
                    let n = next_fmt;
                    next_fmt += 1;
                    self.append(
                        "numFmts",
                        format!(
                            "<numFmt numFmtId=\"{n}\" formatCode=\"{}\"/>",
                            xml::escape_attr(&code)
                        ),
                    );
                    n
                }
            };
            fmt_map.insert(id, new_id);
        }
        let append_all = |me: &mut Styles, section: &'static str| -> Vec<u32> {
            other
                .items(section)
                .cloned()
                .collect::<Vec<_>>()
                .into_iter()
                .map(|item| me.append(section, item))
                .collect()
        };
        let fonts = append_all(self, "fonts");
        let borders = append_all(self, "borders");
        let dxfs = append_all(self, "dxfs");
        // Fills 0 and 1 are the reserved none/gray125 in every part.
        let mut fills = vec![0, 1];
        for f in other.items("fills").skip(2).cloned().collect::<Vec<_>>() {
            fills.push(self.append("fills", f));
        }
        let mut xfs = Vec::new();
        for xf in other.items("cellXfs").cloned().collect::<Vec<_>>() {
            let te = xml::tag_end(&xf, 0).unwrap_or(xf.len());
            let mut tag = xf[..te].to_string();
            let remap = |tag: &str, a: &str, map: &dyn Fn(u32) -> u32| -> String {
                match xml::attr(tag, a).and_then(|v| v.parse::<u32>().ok()) {
                    Some(v) => xml::set_attr(tag, a, &map(v).to_string()),
                    None => tag.to_string(),
                }
            };
            tag = remap(&tag, "fontId", &|v| {
                fonts.get(v as usize).copied().unwrap_or(0)
            });
            tag = remap(&tag, "fillId", &|v| {
                fills.get(v as usize).copied().unwrap_or(0)
            });
            tag = remap(&tag, "borderId", &|v| {
                borders.get(v as usize).copied().unwrap_or(0)
            });
            tag = remap(&tag, "numFmtId", &|v| fmt_map.get(&v).copied().unwrap_or(v));
            // Named styles stay the workbook's own: every transplanted format is based on Normal.
            tag = remap(&tag, "xfId", &|_| 0);
            xfs.push(self.append("cellXfs", format!("{tag}{}", &xf[te..])));
        }
        StyleMap { xfs, dxfs }
    }

    /// The styles part with every appended item and updated counts, or None when unchanged.
    pub fn finish(mut self) -> Result<Option<String>, PatchError> {
        if !self.changed {
            return Ok(None);
        }
        for (i, name) in ORDER.iter().enumerate() {
            let Some(items) = self.appended.remove(name) else {
                continue;
            };
            if items.is_empty() {
                continue;
            }
            let total = self.count(name) + items.len();
            let joined: String = items.concat();
            match section_span(&self.doc, name) {
                Some(span) if !span.self_closing() => {
                    let close = span.end - format!("</{name}>").len();
                    self.doc.insert_str(close, &joined);
                    let tag = xml::set_attr(
                        &self.doc[span.start..span.tag_end],
                        "count",
                        &total.to_string(),
                    );
                    self.doc.replace_range(span.start..span.tag_end, &tag);
                }
                Some(span) => {
                    let new = format!("<{name} count=\"{total}\">{joined}</{name}>");
                    self.doc.replace_range(span.start..span.end, &new);
                }
                None => {
                    // Insert before the first later section present, else before </styleSheet>.
                    let at = ORDER[i + 1..]
                        .iter()
                        .chain(["extLst"].iter())
                        .find_map(|later| xml::find_start(&self.doc, later, 0))
                        .or_else(|| self.doc.rfind("</styleSheet>"))
                        .ok_or_else(|| PatchError::Unsupported("styles part not closed".into()))?;
                    self.doc
                        .insert_str(at, &format!("<{name} count=\"{total}\">{joined}</{name}>"));
                }
            }
        }
        Ok(Some(self.doc))
    }
}

/// How a merged workbook's format indexes map into this one.
#[derive(Debug, Clone, Default)]
pub struct StyleMap {
    pub xfs: Vec<u32>,
    pub dxfs: Vec<u32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    const STYLES: &str = r#"<?xml version="1.0"?><styleSheet xmlns="x"><fonts count="1"><font><sz val="11"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"><alignment horizontal="center"/></xf></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"#;

    #[test]
    fn a_mark_keeps_everything_but_the_fill_and_is_found_again() {
        let mut s = Styles::parse(STYLES.to_string()).unwrap();
        assert!(!s.has_daicho_marks());
        let m = s.marked(1, "FFFFC7CE");
        assert_eq!(m, 2);
        assert_eq!(
            s.marked(1, "FFFFC7CE"),
            2,
            "one format per (cell format, colour)"
        );
        let doc = s.finish().unwrap().unwrap();
        assert!(doc.contains(r#"<fills count="3">"#), "{doc}");
        assert!(doc.contains(r#"<cellXfs count="3">"#));
        assert!(doc.contains(r#"<xf numFmtId="14" fontId="0" fillId="2" borderId="0" xfId="0" applyNumberFormat="1" applyFill="1"><alignment horizontal="center"/></xf>"#), "{doc}");
        // A second run sees the mark and its original.
        let mut again = Styles::parse(doc).unwrap();
        assert!(again.has_daicho_marks());
        assert_eq!(again.original_of(2), Some(1));
        assert_eq!(again.original_of(1), None);
        // Marking a marked cell derives from the original, and reuses nothing new.
        assert_eq!(again.marked(2, "FFFFC7CE"), 2);
    }

    #[test]
    fn a_mark_whose_marker_an_editor_dropped_is_known_by_its_colour() {
        // What LibreOffice writes for daicho's mark (its own background colour), and a user's
        // own fill in Excel's "Bad" tint, both on the date format.
        let fill = |rgb: &str| {
            format!(
                r#"<fill><patternFill patternType="solid"><fgColor rgb="{rgb}"/><bgColor rgb="FFFCE4D6"/></patternFill></fill>"#
            )
        };
        let doc = STYLES
            .replace(
                r#"<fills count="2">"#,
                &format!(r#"<fills count="4">{}{}"#, fill("FFFFC7CD"), fill("FFFFC7CE")),
            )
            .replace(
                r#"<cellXfs count="2">"#,
                r#"<cellXfs count="4"><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyFill="1"/><xf numFmtId="14" fontId="0" fillId="1" borderId="0" xfId="0" applyNumberFormat="1" applyFill="1"/>"#,
            );
        let marks = ["FFFFC7CD".to_string()];
        let mut s = Styles::parse_recognising(doc.clone(), &marks).unwrap();
        assert!(s.has_daicho_marks());
        assert_eq!(s.mark_color(0), Some("FFFFC7CD"));
        assert_eq!(s.original_of(1), None, "the user's own fill is theirs");
        // Back to a format equal but for the fill; marked again with the marker.
        let back = s.original_of(0).expect("a mark");
        assert_ne!(back, 0);
        let again = s.marked(0, "FFFFC7CD");
        assert_ne!(again, 0, "not the marker-less format");
        let out = s.finish().unwrap().unwrap();
        assert!(out.contains(r#"<bgColor rgb="DA"#), "{out}");
        // Without the colours, only markers count.
        assert!(!Styles::parse(doc).unwrap().has_daicho_marks());
    }

    #[test]
    fn merged_styles_are_appended_and_remapped() {
        let mut s = Styles::parse(STYLES.to_string()).unwrap();
        let other = Styles::parse(STYLES.replace(
            "<fonts count=\"1\">",
            "<numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"0.0\"/></numFmts><fonts count=\"1\">",
        ).replace("numFmtId=\"14\"", "numFmtId=\"164\"")).unwrap();
        let map = s.merge(&other);
        assert_eq!(map.xfs, vec![2, 3]);
        let doc = s.finish().unwrap().unwrap();
        assert!(
            doc.contains(
                r#"<numFmts count="1"><numFmt numFmtId="164" formatCode="0.0"/></numFmts><fonts"#
            ),
            "{doc}"
        );
        assert!(doc.contains(r#"<xf numFmtId="164" fontId="1" fillId="0" borderId="1" xfId="0" applyNumberFormat="1">"#), "{doc}");
    }
}

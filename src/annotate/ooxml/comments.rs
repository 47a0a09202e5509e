//! Notes: the comments part and its VML drawing. daicho's text is added below the user's own note
//! after a delimiter line, so that a later run can remove exactly daicho's part.

use super::xml;
use super::PatchError;
use std::collections::BTreeSet;

/// The first line of daicho's part of a note. Everything from it to the end is daicho's.
pub const NOTE_DELIMITER: &str = "── daicho ──";
/// The author of notes daicho creates.
pub const AUTHOR: &str = "daicho";

const RUN_PROPS: &str = "<rPr><sz val=\"9\"/><color indexed=\"81\"/><rFont val=\"Meiryo UI\"/><family val=\"3\"/><charset val=\"128\"/></rPr>";

pub const EMPTY_COMMENTS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<comments xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><authors></authors><commentList></commentList></comments>";

/// A comments part being edited.
pub struct Comments {
    doc: String,
    changed: bool,
    /// New notes, written before `</commentList>` at the end (one pass, whatever their number).
    new_notes: Vec<String>,
    /// Runs to append to the user's notes, by the note's start in `doc`.
    appended: std::collections::BTreeMap<usize, String>,
    /// The user's notes by cell: (start, position of `</text>`) in `doc` (built on first use).
    index: Option<std::collections::HashMap<(u32, u32), usize>>,
    author: Option<usize>,
}

impl Comments {
    pub fn parse(doc: String) -> Result<Self, PatchError> {
        if xml::find_element(&doc, "comments", 0).is_none() {
            return Err(PatchError::Unsupported(
                "comments part without <comments>".into(),
            ));
        }
        if xml::find_element(&doc, "commentList", 0).is_none() {
            return Err(PatchError::Unsupported(
                "comments part without <commentList>".into(),
            ));
        }
        Ok(Comments {
            doc,
            changed: false,
            new_notes: Vec::new(),
            appended: std::collections::BTreeMap::new(),
            index: None,
            author: None,
        })
    }

    pub fn new_part() -> Self {
        Comments {
            doc: EMPTY_COMMENTS.to_string(),
            changed: true,
            new_notes: Vec::new(),
            appended: std::collections::BTreeMap::new(),
            index: None,
            author: None,
        }
    }

    fn list(&self) -> Vec<(xml::Span, Option<(u32, u32)>)> {
        let Some(cl) = xml::find_element(&self.doc, "commentList", 0) else {
            return Vec::new();
        };
        xml::elements(&self.doc, "comment", cl.tag_end, cl.end)
            .into_iter()
            .map(|s| {
                let at = xml::attr(&self.doc[s.start..s.tag_end], "ref")
                    .and_then(|r| xml::parse_ref(&r));
                (s, at)
            })
            .collect()
    }

    /// Cells with a note.
    pub fn cells(&self) -> BTreeSet<(u32, u32)> {
        self.list().into_iter().filter_map(|(_, at)| at).collect()
    }

    /// Removes daicho's part of every note; a note that was only daicho's is removed. Returns the
    /// cells whose note was removed entirely (their VML shapes go too).
    pub fn strip_daicho(&mut self) -> Vec<(u32, u32)> {
        let mut removed = Vec::new();
        let mut out = String::with_capacity(self.doc.len());
        let mut at_byte = 0;
        for (span, at) in self.list() {
            let comment = &self.doc[span.start..span.end];
            if !xml::text_of(comment).contains(NOTE_DELIMITER) {
                continue;
            }
            out.push_str(&self.doc[at_byte..span.start]);
            match strip_comment(comment) {
                Some(c) => out.push_str(&c),
                None => removed.extend(at),
            }
            at_byte = span.end;
        }
        if at_byte > 0 {
            out.push_str(&self.doc[at_byte..]);
            self.doc = out;
            self.changed = true;
        }
        removed
    }

    /// Adds daicho's note on a cell: below the user's note when there is one (returns false),
    /// or as a new note (returns true: it needs a VML shape).
    pub fn add(&mut self, row: u32, col: u32, text: &str) -> Result<bool, PatchError> {
        self.changed = true;
        if self.index.is_none() {
            // The author first: adding it moves the notes that follow.
            if self.author.is_none() {
                self.author = Some(self.author_id(AUTHOR)?);
            }
            let mut index = std::collections::HashMap::new();
            for (span, at) in self.list() {
                let comment = &self.doc[span.start..span.end];
                let Some(close) = comment.rfind("</text>") else {
                    return Err(PatchError::Unsupported("a note without <text>".into()));
                };
                if let Some(at) = at {
                    index.entry(at).or_insert(span.start + close);
                }
            }
            self.index = Some(index);
        }
        if let Some(close) = self
            .index
            .as_ref()
            .and_then(|i| i.get(&(row, col)).copied())
        {
            let run = format!(
                "<r>{RUN_PROPS}<t xml:space=\"preserve\">{}</t></r>",
                xml::escape_text(&format!("\n\n{NOTE_DELIMITER}\n{text}"))
            );
            self.appended.entry(close).or_default().push_str(&run);
            return Ok(false);
        }
        let author = self.author.unwrap_or(0);
        self.new_notes.push(format!(
            "<comment ref=\"{}\" authorId=\"{author}\"><text><r>{RUN_PROPS}<t xml:space=\"preserve\">{}</t></r></text></comment>",
            xml::cell_ref(row, col),
            xml::escape_text(&format!("{NOTE_DELIMITER}\n{text}"))
        ));
        Ok(true)
    }

    fn author_id(&mut self, name: &str) -> Result<usize, PatchError> {
        let authors = xml::find_element(&self.doc, "authors", 0)
            .ok_or_else(|| PatchError::Unsupported("comments part without <authors>".into()))?;
        let list = xml::elements(&self.doc, "author", authors.tag_end, authors.end);
        if let Some(i) = list
            .iter()
            .position(|a| xml::unescape(a.inner(&self.doc)) == name)
        {
            return Ok(i);
        }
        super::package::insert_before_close(
            &mut self.doc,
            "authors",
            &format!("<author>{}</author>", xml::escape_text(name)),
        )?;
        Ok(list.len())
    }

    pub fn finish(mut self) -> Result<Option<String>, PatchError> {
        if !self.changed {
            return Ok(None);
        }
        // Back to front, so earlier positions stay valid.
        for (at, runs) in std::mem::take(&mut self.appended).into_iter().rev() {
            if at <= self.doc.len() {
                self.doc.insert_str(at, &runs);
            }
        }
        if !self.new_notes.is_empty() {
            let all = self.new_notes.concat();
            super::package::insert_before_close(&mut self.doc, "commentList", &all)?;
        }
        Ok(Some(self.doc))
    }
}

/// One `<comment>` without daicho's part, or None when nothing of the user's is left.
fn strip_comment(comment: &str) -> Option<String> {
    let text = xml::find_element(comment, "text", 0)?;
    // The runs (or the lone <t>) of the note, in order.
    let mut pieces: Vec<xml::Span> = Vec::new();
    let mut at = text.tag_end;
    while let Some(p) = comment[..text.end]
        .get(at..)
        .and_then(|s| s.find('<'))
        .map(|i| at + i)
    {
        if comment[p..].starts_with("</text>") {
            break;
        }
        let name = if comment[p..].starts_with("<r>") || comment[p..].starts_with("<r ") {
            "r"
        } else if xml::find_start(comment, "t", p) == Some(p) {
            "t"
        } else if xml::find_start(comment, "rPh", p) == Some(p) {
            "rPh"
        } else if xml::find_start(comment, "phoneticPr", p) == Some(p) {
            "phoneticPr"
        } else {
            return None;
        };
        let span = xml::element_at(comment, name, p)?;
        if name == "r" || name == "t" {
            pieces.push(span);
        }
        at = span.end;
    }
    // The first piece holding the delimiter: keep what precedes it, drop it and everything after.
    let mut user_text = String::new();
    for (i, piece) in pieces.iter().enumerate() {
        let body = &comment[piece.start..piece.end];
        let t = xml::text_of(body);
        let Some(cut) = t.find(NOTE_DELIMITER) else {
            user_text.push_str(&t);
            continue;
        };
        let kept = t[..cut].trim_end_matches(['\n', '\r', ' ']);
        user_text.push_str(kept);
        if user_text.trim().is_empty() {
            return None;
        }
        let mut out = String::new();
        out.push_str(&comment[..piece.start]);
        if !kept.is_empty() {
            // The same run (or <t>) with the kept text.
            let tspan = xml::find_element(body, "t", 0)?;
            let rebuilt = format!(
                "{}<t xml:space=\"preserve\">{}</t>{}",
                &body[..tspan.start],
                xml::escape_text(kept),
                &body[tspan.end..]
            );
            out.push_str(&rebuilt);
        } else if let Some(prev) = i.checked_sub(1).map(|j| pieces[j]) {
            // The user's last run ends with the blank lines before daicho's part: trim them.
            let pbody = &comment[prev.start..prev.end];
            let pt = xml::text_of(pbody);
            let trimmed = pt.trim_end_matches(['\n', '\r']);
            if trimmed.len() != pt.len() {
                let tspan = xml::find_element(pbody, "t", 0)?;
                let rebuilt = format!(
                    "{}<t xml:space=\"preserve\">{}</t>{}",
                    &pbody[..tspan.start],
                    xml::escape_text(trimmed),
                    &pbody[tspan.end..]
                );
                out.truncate(out.len() - (piece.start - prev.start));
                out.push_str(&rebuilt);
                out.push_str(&comment[prev.end..piece.start]);
            }
        }
        let close = text.end - "</text>".len();
        out.push_str(&comment[close..]);
        return Some(out);
    }
    Some(comment.to_string())
}

/// A new VML drawing for notes, using shape ids from block `block` (`o:idmap`).
pub fn new_vml(block: u32) -> String {
    format!(
        "<xml xmlns:v=\"urn:schemas-microsoft-com:vml\"\n xmlns:o=\"urn:schemas-microsoft-com:office:office\"\n xmlns:x=\"urn:schemas-microsoft-com:office:excel\">\n <o:shapelayout v:ext=\"edit\">\n  <o:idmap v:ext=\"edit\" data=\"{block}\"/>\n </o:shapelayout>{NOTE_SHAPETYPE}</xml>"
    )
}

const NOTE_SHAPETYPE: &str = "<v:shapetype id=\"_x0000_t202\" coordsize=\"21600,21600\" o:spt=\"202\"\n  path=\"m,l,21600r21600,l21600,xe\">\n  <v:stroke joinstyle=\"miter\"/>\n  <v:path gradientshapeok=\"t\" o:connecttype=\"rect\"/>\n </v:shapetype>";

/// The `o:idmap` blocks a VML drawing uses.
pub fn idmap_blocks(vml: &str) -> Vec<u32> {
    xml::elements(vml, "o:idmap", 0, vml.len())
        .iter()
        .filter_map(|s| xml::attr(&vml[s.start..s.tag_end], "data"))
        .flat_map(|d| {
            d.split(',')
                .filter_map(|x| x.trim().parse::<u32>().ok())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// A VML drawing being edited.
pub struct Vml {
    doc: String,
    changed: bool,
    /// New shapes, written before `</xml>` at the end.
    pending: String,
    /// (next shape id, next z-index), counted once.
    next: Option<(u32, usize)>,
    block: u32,
}

impl Vml {
    pub fn parse(doc: String) -> Result<Self, PatchError> {
        if !doc.contains("</xml>") {
            return Err(PatchError::Unsupported("VML drawing not understood".into()));
        }
        let block = idmap_blocks(&doc).first().copied().unwrap_or(1);
        Ok(Vml {
            doc,
            changed: false,
            pending: String::new(),
            next: None,
            block,
        })
    }

    pub fn new_part(block: u32) -> Self {
        Vml {
            doc: new_vml(block),
            changed: true,
            pending: String::new(),
            next: None,
            block,
        }
    }

    /// Removes the note shapes anchored on these cells.
    pub fn remove_notes(&mut self, cells: &[(u32, u32)]) {
        if cells.is_empty() {
            return;
        }
        let wanted: std::collections::HashSet<(u32, u32)> = cells.iter().copied().collect();
        let mut out = String::with_capacity(self.doc.len());
        let mut at = 0;
        for s in xml::elements(&self.doc, "v:shape", 0, self.doc.len()) {
            let shape = &self.doc[s.start..s.end];
            if note_cell(shape).is_some_and(|c| wanted.contains(&c)) {
                out.push_str(&self.doc[at..s.start]);
                at = s.end;
            }
        }
        if at > 0 {
            out.push_str(&self.doc[at..]);
            self.doc = out;
            self.changed = true;
        }
    }

    /// Adds a hidden note shape on a cell.
    pub fn add_note(&mut self, row: u32, col: u32) -> Result<(), PatchError> {
        if !self.doc.contains("_x0000_t202") {
            let at = xml::find_start(&self.doc, "v:shape", 0)
                .or_else(|| self.doc.rfind("</xml>"))
                .ok_or_else(|| PatchError::Unsupported("VML drawing not closed".into()))?;
            self.doc.insert_str(at, NOTE_SHAPETYPE);
        }
        let (id, z) = match self.next {
            Some(n) => n,
            None => {
                let block = self.block;
                let max_id = shape_ids(&self.doc).max().unwrap_or(block * 1024);
                let z = xml::elements(&self.doc, "v:shape", 0, self.doc.len()).len() + 1;
                (max_id.max(block * 1024) + 1, z)
            }
        };
        self.next = Some((id + 1, z + 1));
        let shape = format!(
            "<v:shape id=\"_x0000_s{id}\" type=\"#_x0000_t202\" style='position:absolute;\n  margin-left:{ml}pt;margin-top:{mt}pt;width:240pt;height:120pt;z-index:{z};\n  visibility:hidden' fillcolor=\"#ffffe1\" o:insetmode=\"auto\">\n  <v:fill color2=\"#ffffe1\"/>\n  <v:shadow on=\"t\" color=\"black\" obscured=\"t\"/>\n  <v:path o:connecttype=\"none\"/>\n  <v:textbox style='mso-direction-alt:auto'>\n   <div style='text-align:left'></div>\n  </v:textbox>\n  <x:ClientData ObjectType=\"Note\">\n   <x:MoveWithCells/>\n   <x:SizeWithCells/>\n   <x:Anchor>\n    {c1}, 15, {r1}, 10, {c2}, 15, {r2}, 4</x:Anchor>\n   <x:AutoFill>False</x:AutoFill>\n   <x:Row>{row}</x:Row>\n   <x:Column>{col}</x:Column>\n  </x:ClientData>\n </v:shape>",
            ml = 48 * (col + 1) + 11,
            mt = 15 * row.saturating_sub(1) + 2,
            c1 = col + 1,
            r1 = row.saturating_sub(1),
            c2 = col + 5,
            r2 = row + 8,
        );
        self.pending.push_str(&shape);
        self.changed = true;
        Ok(())
    }

    /// The shape-id blocks this drawing now spans (1024 shapes each).
    pub fn blocks_used(&self) -> u32 {
        let last = self.next.map_or(0, |(id, _)| id.saturating_sub(1) / 1024);
        last.saturating_sub(self.block) + 1
    }

    pub fn finish(mut self) -> Result<Option<String>, PatchError> {
        if !self.changed {
            return Ok(None);
        }
        if !self.pending.is_empty() {
            let at = self
                .doc
                .rfind("</xml>")
                .ok_or_else(|| PatchError::Unsupported("VML drawing not closed".into()))?;
            self.doc.insert_str(at, &self.pending);
            // More than 1024 shapes spill into the following blocks: list them in o:idmap.
            let used = self.blocks_used();
            if used > 1 {
                let list: Vec<String> = (self.block..self.block + used)
                    .map(|b| b.to_string())
                    .collect();
                self.doc = self.doc.replacen(
                    &format!("data=\"{}\"", self.block),
                    &format!("data=\"{}\"", list.join(",")),
                    1,
                );
            }
        }
        Ok(Some(self.doc))
    }
}

fn shape_ids(doc: &str) -> impl Iterator<Item = u32> + '_ {
    xml::elements(doc, "v:shape", 0, doc.len())
        .into_iter()
        .filter_map(|s| xml::attr(&doc[s.start..s.tag_end], "id"))
        .filter_map(|id| id.strip_prefix("_x0000_s").and_then(|n| n.parse().ok()))
}

/// The cell of a note shape (None for other shapes: form controls, pictures).
fn note_cell(shape: &str) -> Option<(u32, u32)> {
    let cd = xml::find_element(shape, "x:ClientData", 0)?;
    if xml::attr(&shape[cd.start..cd.tag_end], "ObjectType").as_deref() != Some("Note") {
        return None;
    }
    let num = |name: &str| {
        xml::find_element(shape, name, 0).and_then(|s| s.inner(shape).trim().parse::<u32>().ok())
    };
    Some((num("x:Row")?, num("x:Column")?))
}

#[cfg(test)]
mod tests {
    use super::*;

    const USER: &str = r#"<comments xmlns="x"><authors><author>John</author></authors><commentList><comment ref="B2" authorId="0"><text><r><rPr><b/></rPr><t>John:</t></r><r><t xml:space="preserve">
Check this</t></r></text></comment></commentList></comments>"#;

    #[test]
    fn daicho_text_goes_below_the_users_and_comes_off_again() {
        let mut c = Comments::parse(USER.to_string()).unwrap();
        assert!(
            !c.add(1, 1, "【エラー】X").unwrap(),
            "the user's note is reused"
        );
        assert!(c.add(2, 0, "【警告】Y").unwrap(), "a new note");
        let doc = c.finish().unwrap().unwrap();
        assert!(doc.contains("<author>daicho</author>"));
        let mut again = Comments::parse(doc).unwrap();
        assert_eq!(again.cells().len(), 2);
        let removed = again.strip_daicho();
        assert_eq!(removed, vec![(2, 0)]);
        let doc = again.finish().unwrap().unwrap();
        assert_eq!(
            doc,
            USER.replace(
                "<author>John</author>",
                "<author>John</author><author>daicho</author>"
            )
        );
    }

    #[test]
    fn a_note_flattened_by_another_editor_is_cut_at_the_delimiter() {
        let flat = format!(
            "<comments><authors/><commentList><comment ref=\"A1\" authorId=\"0\"><text><t>mine\n\n{NOTE_DELIMITER}\nX</t></text></comment></commentList></comments>"
        );
        let mut c = Comments::parse(flat).unwrap();
        assert!(c.strip_daicho().is_empty());
        assert!(c
            .finish()
            .unwrap()
            .unwrap()
            .contains("<text><t xml:space=\"preserve\">mine</t></text>"));
    }

    #[test]
    fn many_notes_are_added_in_one_pass_and_span_blocks() {
        let mut c = Comments::parse(USER.to_string()).unwrap();
        let mut v = Vml::new_part(2);
        for r in 0..1500 {
            if c.add(r, 3, "x").unwrap() {
                v.add_note(r, 3).unwrap();
            }
        }
        assert!(!c.add(1, 1, "on the user's note").unwrap());
        let doc = c.finish().unwrap().unwrap();
        assert_eq!(doc.matches("<comment ").count(), 1501);
        assert_eq!(v.blocks_used(), 2);
        let vml = v.finish().unwrap().unwrap();
        assert!(vml.contains("data=\"2,3\""), "{}", &vml[..300]);
        assert_eq!(vml.matches("<v:shape ").count(), 1500);
    }

    #[test]
    fn vml_shapes_are_added_and_removed_by_cell() {
        let mut v = Vml::new_part(3);
        v.add_note(4, 2).unwrap();
        v.add_note(5, 2).unwrap();
        let doc = v.finish().unwrap().unwrap();
        assert!(
            doc.contains("_x0000_s3073") && doc.contains("_x0000_s3074"),
            "{doc}"
        );
        let mut v = Vml::parse(doc).unwrap();
        v.remove_notes(&[(4, 2)]);
        let doc = v.finish().unwrap().unwrap();
        assert!(!doc.contains("_x0000_s3073") && doc.contains("<x:Row>5</x:Row>"));
    }
}

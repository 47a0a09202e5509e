//! Patching the user's own `.xlsx`/`.xlsm` package: marks (fills and notes) added to their
//! cells, daicho's sheets transplanted in, and every part the marks do not need copied raw.
//!
//! The interface knows nothing of the analysis: the caller says which cells get which fill and
//! note and hands over small rendered workbooks for the added sheets.
//!
//! A package daicho cannot patch safely (strict OOXML, a missing part, an encrypted file, XML it
//! does not understand) gives a [`PatchError`]; the caller then writes a values copy instead.

mod comments;
mod package;
mod sheet;
mod styles;
mod transplant;
mod workbook;
mod xml;

pub use comments::NOTE_DELIMITER;

use package::Package;
use sheet::CellEdit;
use std::collections::{BTreeMap, BTreeSet, HashSet};

pub(crate) const NS_MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const NS_STRICT: &str = "http://purl.oclc.org/ooxml/spreadsheetml/main";
const CT_MACRO_WORKBOOK: &str = "application/vnd.ms-excel.sheet.macroEnabled.main+xml";

/// What to do to a package.
#[derive(Debug, Clone, Default)]
pub struct PatchPlan {
    pub marks: Vec<SheetMarks>,
    /// Sheets daicho added in an earlier run (the old summary, the old filled-in checklist), by
    /// name: removed before anything is added.
    pub remove_sheets: Vec<String>,
    pub added_sheets: Vec<AddedSheet>,
    /// The fill of daicho's proposals (text it wrote into blank cells). An earlier run's
    /// proposal still carrying this mark and an inline string is taken out before marking, so
    /// an unconfirmed proposal is never left behind as if the user had written it.
    pub proposal_fill: Option<String>,
    /// daicho's mark colours (ARGB): a solid fill in one of them is an earlier run's mark even
    /// when an editor (LibreOffice) dropped the marker daicho keeps in the fill.
    pub mark_fills: Vec<String>,
    /// What the reader saw of the worksheet parts ([`crate::workbook::PartOutline`]): a large
    /// sheet with one is streamed without a first pass to find its cells.
    pub outlines: Vec<crate::workbook::PartOutline>,
}

/// The marks of one existing sheet.
#[derive(Debug, Clone, Default)]
pub struct SheetMarks {
    /// The sheet's name in the workbook part.
    pub sheet_name: String,
    pub cells: Vec<CellMark>,
}

/// One marked cell (0-based row and column).
#[derive(Debug, Clone, Default)]
pub struct CellMark {
    pub row: u32,
    pub col: u32,
    /// The fill colour, `AARRGGBB` or `RRGGBB`.
    pub fill_argb: String,
    pub note: Option<String>,
    /// Text written into the cell as an inline string when it is blank (a checklist proposal);
    /// a cell with a value keeps it.
    pub write_text: Option<String>,
}

/// Sheets to add: every sheet of a small workbook rendered by rust_xlsxwriter.
#[derive(Debug, Clone, Default)]
pub struct AddedSheet {
    pub xlsx: Vec<u8>,
    /// Before the user's sheets (else after them).
    pub first: bool,
    /// The sheet shown when the file opens.
    pub active: bool,
}

/// An [`AddedSheet`]'s workbook, read and made ready to move in.
struct PreparedSheets {
    prepared: transplant::Prepared,
    first: bool,
    active: bool,
}

/// Why a package was not patched. The caller falls back to a values copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatchError {
    /// Not a zip, or a broken one.
    NotAPackage(String),
    /// A password-protected workbook (an OLE container) or encrypted zip entries.
    Encrypted,
    /// A part the workbook needs is not there.
    MissingPart(String),
    /// A structure daicho does not patch safely (strict OOXML, prefixed XML …).
    Unsupported(String),
    /// A marked sheet is not in the workbook.
    SheetNotFound(String),
    /// Writing the new package failed.
    Write(String),
}

impl std::fmt::Display for PatchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PatchError::NotAPackage(d) => write!(f, "not an OOXML package ({d})"),
            PatchError::Encrypted => write!(f, "the workbook is encrypted"),
            PatchError::MissingPart(p) => write!(f, "a part is missing: {p}"),
            PatchError::Unsupported(d) => write!(f, "unsupported structure: {d}"),
            PatchError::SheetNotFound(n) => write!(f, "sheet not found: {n}"),
            PatchError::Write(d) => write!(f, "could not write the package: {d}"),
        }
    }
}

impl std::error::Error for PatchError {}

/// Whether the package's workbook part is macro-enabled (its copy must be named `.xlsm`).
pub fn is_macro_enabled(input: &[u8]) -> bool {
    let Ok(mut pkg) = Package::open(input) else {
        return false;
    };
    let Ok(wb) = office_document(&mut pkg) else {
        return false;
    };
    matches!(pkg.content_type(&wb), Ok(Some(ct)) if ct == CT_MACRO_WORKBOOK)
}

fn office_document(pkg: &mut Package<'_>) -> Result<String, PatchError> {
    let doc = pkg.read_text("_rels/.rels")?;
    package::parse_rels(&doc)
        .into_iter()
        .find(|r| r.kind == package::REL_OFFICE_DOCUMENT)
        .map(|r| package::resolve("", &r.target))
        .ok_or_else(|| PatchError::MissingPart("officeDocument relationship".into()))
}

/// The patched package: opened and checked, then in this order — daicho's sheets from an
/// earlier run removed, marks put on the user's sheets (earlier marks taken off), daicho's new
/// sheets transplanted in, the active sheet selected, and the workbook, app and styles parts
/// rewritten where they changed.
pub fn patch(input: &[u8], plan: &PatchPlan) -> Result<Vec<u8>, PatchError> {
    patch_all(input, plan, true, false, nothing_rendered)
}

/// [`patch`], with more of daicho's sheets rendered by `render` while the user's sheets are
/// marked (on the second core where rayon has one free; one after the other where it has not,
/// as in the browser). Its sheets come after `plan.added_sheets`; `render_selects`: one of them
/// will be the sheet shown first. An error of `render` comes before the package's own.
pub fn patch_rendering<E>(
    input: &[u8],
    plan: &PatchPlan,
    render_selects: bool,
    render: impl FnOnce() -> Result<Vec<AddedSheet>, E> + Send,
) -> Result<Vec<u8>, E>
where
    E: From<PatchError> + Send,
{
    patch_all(input, plan, true, render_selects, render)
}

fn nothing_rendered() -> Result<Vec<AddedSheet>, PatchError> {
    Ok(Vec::new())
}

/// [`patch`]; `stream_large`: a large worksheet is streamed (else inflated whole, which tests
/// compare the streamed result with).
#[cfg(test)]
fn patch_with(input: &[u8], plan: &PatchPlan, stream_large: bool) -> Result<Vec<u8>, PatchError> {
    patch_all(input, plan, stream_large, false, nothing_rendered)
}

/// [`patch_rendering`], with the choice of [`patch_with`].
fn patch_all<E>(
    input: &[u8],
    plan: &PatchPlan,
    stream_large: bool,
    render_selects: bool,
    render: impl FnOnce() -> Result<Vec<AddedSheet>, E> + Send,
) -> Result<Vec<u8>, E>
where
    E: From<PatchError> + Send,
{
    // Whether an added sheet will be the one selected (then every other sheet's selection is
    // cleared; a marked sheet is cleared while it is patched, and sealed).
    let selects_added = render_selects || plan.added_sheets.iter().any(|a| a.active);
    // Rendered sheets are read and made ready to move in on the rendering side too: only
    // merging their styles waits for the marks (which add styles of their own first).
    let prepare = |sheets: &[AddedSheet]| -> Result<Vec<PreparedSheets>, PatchError> {
        sheets
            .iter()
            .map(|a| {
                Ok(PreparedSheets {
                    prepared: transplant::prepare(&a.xlsx)?,
                    first: a.first,
                    active: a.active,
                })
            })
            .collect()
    };
    let (marked, rendered) = rayon::join(
        || -> Result<(Patcher<'_>, bool), PatchError> {
            let mut p = Patcher::open(input, &plan.mark_fills)?;
            p.pkg.know_outlines(&plan.outlines);
            p.stream_large = stream_large;
            p.check_marked_sheets_exist(plan)?;
            p.next_vml_block = p.first_free_vml_block()?;
            let removed_any = p.remove_sheets(&plan.remove_sheets)?;
            p.mark_sheets(plan, selects_added)?;
            Ok((p, removed_any))
        },
        || -> Result<Vec<PreparedSheets>, E> { Ok(prepare(&render()?)?) },
    );
    let rendered = rendered?;
    let (mut p, removed_any) = marked?;
    // What rendering freed lies below what marking still holds: handed back before the
    // transplant allocates (100k rows: peak 201 → 188 MB, 3 ms).
    crate::memory::give_back();
    let added: Vec<PreparedSheets> = prepare(&plan.added_sheets)?
        .into_iter()
        .chain(rendered)
        .collect();
    let any_added = !added.is_empty();
    let (active, active_part) = p.add_sheets(added)?;
    if let Some(part) = &active_part {
        p.select_only(part)?;
    }
    Ok(p.finish(removed_any || any_added, active)?)
}

/// A package being patched, with the parts every step of [`patch`] reads.
struct Patcher<'a> {
    pkg: Package<'a>,
    wb_path: String,
    wb: workbook::Workbook,
    wb_rels: Vec<package::Rel>,
    styles_path: String,
    styles: styles::Styles,
    /// Shape-id blocks of new VML drawings come after every block in use.
    next_vml_block: u32,
    /// Large worksheets are streamed, not inflated whole.
    stream_large: bool,
}

/// A sheet's relationships, its comments part (if any) and whether that holds daicho's notes.
type NotesFound = (Vec<package::Rel>, Option<String>, bool);

/// A sheet's comments part and VML drawing as they are, and their paths (None: to be created).
struct NoteParts {
    comments_path: Option<String>,
    comments: comments::Comments,
    vml_path: Option<String>,
    vml: Option<comments::Vml>,
}

impl<'a> Patcher<'a> {
    /// Opens the package and reads its workbook and styles parts; refuses what it cannot patch
    /// safely (an encrypted file, not a zip, no content types, strict OOXML).
    fn open(input: &'a [u8], mark_fills: &[String]) -> Result<Patcher<'a>, PatchError> {
        if input.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
            return Err(PatchError::Encrypted);
        }
        if !input.starts_with(b"PK") {
            return Err(PatchError::NotAPackage("no zip signature".into()));
        }
        let mut pkg = Package::open(input)?;
        if !pkg.exists("[Content_Types].xml") {
            return Err(PatchError::MissingPart("[Content_Types].xml".into()));
        }
        let wb_path = office_document(&mut pkg)?;
        let wb_doc = pkg.read_text(&wb_path)?;
        if wb_doc.contains(NS_STRICT) {
            return Err(PatchError::Unsupported("strict OOXML".into()));
        }
        let wb = workbook::Workbook::parse(wb_doc)?;
        let wb_rels = pkg.rels(&wb_path)?;
        let styles_path = wb_rels
            .iter()
            .find(|r| r.kind == package::REL_STYLES)
            .map(|r| package::resolve(&wb_path, &r.target))
            .ok_or_else(|| PatchError::MissingPart("styles".into()))?;
        let mark_fills: Vec<String> = mark_fills.iter().map(|f| argb(f)).collect();
        let styles = styles::Styles::parse_recognising(pkg.read_text(&styles_path)?, &mark_fills)?;
        Ok(Patcher {
            pkg,
            wb_path,
            wb,
            wb_rels,
            styles_path,
            styles,
            next_vml_block: 1,
            stream_large: true,
        })
    }

    /// The part a workbook relationship points at, and the relationship's type.
    fn part_of(&self, rel_id: &str) -> Option<(String, String)> {
        self.wb_rels
            .iter()
            .find(|r| r.id == rel_id)
            .map(|r| (package::resolve(&self.wb_path, &r.target), r.kind.clone()))
    }

    fn check_marked_sheets_exist(&self, plan: &PatchPlan) -> Result<(), PatchError> {
        for m in &plan.marks {
            if self.wb.position(&m.sheet_name).is_none() {
                return Err(PatchError::SheetNotFound(m.sheet_name.clone()));
            }
        }
        Ok(())
    }

    /// The first shape-id block no VML drawing of the package uses.
    fn first_free_vml_block(&mut self) -> Result<u32, PatchError> {
        let mut next = 1;
        let all_parts: Vec<String> = self
            .wb
            .sheets
            .iter()
            .filter_map(|s| self.part_of(&s.rel_id).map(|(p, _)| p))
            .collect();
        for p in &all_parts {
            for r in self.pkg.rels(p)? {
                if r.kind == package::REL_VML && !r.external {
                    let vp = package::resolve(p, &r.target);
                    if self.pkg.exists(&vp) {
                        let v = self.pkg.read_text(&vp)?;
                        if let Some(m) = comments::idmap_blocks(&v).into_iter().max() {
                            next = next.max(m + 1);
                        }
                    }
                }
            }
        }
        Ok(next)
    }

    /// Step 1: daicho's sheets from an earlier run go, with their notes and drawings. Whether any
    /// was there.
    fn remove_sheets(&mut self, names: &[String]) -> Result<bool, PatchError> {
        let mut removed_any = false;
        for name in names {
            let Some(i) = self.wb.position(name) else {
                continue;
            };
            let entry = self.wb.remove(i);
            removed_any = true;
            if let Some((part, _)) = self.part_of(&entry.rel_id) {
                for r in self.pkg.rels(&part)? {
                    if !r.external
                        && (r.kind == package::REL_COMMENTS || r.kind == package::REL_VML)
                    {
                        let p = package::resolve(&part, &r.target);
                        self.pkg.remove(&p);
                        self.pkg.remove_content_type(&p)?;
                    }
                }
                self.pkg.remove(&package::rels_path(&part));
                self.pkg.remove(&part);
                self.pkg.remove_content_type(&part)?;
            }
            self.pkg
                .remove_rels(&self.wb_path, std::slice::from_ref(&entry.rel_id))?;
        }
        Ok(removed_any)
    }

    /// Step 2: marks on the user's sheets, and earlier marks taken off, sheet by sheet.
    fn mark_sheets(&mut self, plan: &PatchPlan, clear_selection: bool) -> Result<(), PatchError> {
        let restore = self.styles.has_daicho_marks();
        let mut marks_by_sheet: BTreeMap<&str, BTreeMap<(u32, u32), &CellMark>> = BTreeMap::new();
        for m in &plan.marks {
            let cells = marks_by_sheet.entry(m.sheet_name.as_str()).or_default();
            for c in &m.cells {
                cells.insert((c.row, c.col), c);
            }
        }
        let sheet_list: Vec<(String, String)> = self
            .wb
            .sheets
            .iter()
            .map(|s| (s.name.clone(), s.rel_id.clone()))
            .collect();
        for (name, rel_id) in &sheet_list {
            let Some((part, kind)) = self.part_of(rel_id) else {
                continue;
            };
            let marks = marks_by_sheet.get(name.as_str());
            if kind != package::REL_WORKSHEET {
                if marks.is_some() {
                    return Err(PatchError::Unsupported(format!(
                        "{name} is not a worksheet"
                    )));
                }
                continue;
            }
            self.mark_sheet(
                &part,
                marks,
                (restore, clear_selection),
                plan.proposal_fill.as_deref(),
            )?;
        }
        Ok(())
    }

    /// A worksheet's relationships, the path of its notes part (if it has one) and whether that
    /// part holds notes an earlier run of daicho wrote.
    fn notes_of(&mut self, part: &str) -> Result<NotesFound, PatchError> {
        let rels = self.pkg.rels(part)?;
        let comments_path = rels
            .iter()
            .find(|r| r.kind == package::REL_COMMENTS && !r.external)
            .map(|r| package::resolve(part, &r.target));
        let has_daicho_notes = match &comments_path {
            Some(p) => self.pkg.exists(p) && self.pkg.read_text(p)?.contains(NOTE_DELIMITER),
            None => false,
        };
        Ok((rels, comments_path, has_daicho_notes))
    }

    /// One worksheet: its cells' fills (and proposals), then its notes.
    fn mark_sheet(
        &mut self,
        part: &str,
        marks: Option<&BTreeMap<(u32, u32), &CellMark>>,
        (restore, clear_selection): (bool, bool),
        proposal_fill: Option<&str>,
    ) -> Result<(), PatchError> {
        let found = self.notes_of(part)?;
        if marks.is_none() && !restore && !found.2 {
            return Ok(());
        }
        if clear_selection && self.stream_large {
            if let Some(layout) = self.pkg.sheet_layout(part)? {
                let large = (layout, found);
                return self.mark_large_sheet(part, large, marks, restore, proposal_fill);
            }
        }
        let mut sheet_xml = self.pkg.take_sheet(part)?;
        sheet::check(&sheet_xml.skeleton)?;
        let edits = cell_edits(marks);
        let proposal = proposal_fill.map(argb);
        let spliced = sheet::edit_cells(
            &sheet_xml,
            &edits,
            &mut self.styles,
            restore,
            proposal.as_deref(),
        )?;
        let mut changed = false;
        if let Some(splices) = spliced {
            sheet_xml.splices = splices;
            changed = true;
            if let Some(d) = sheet::widen_dimension(&sheet_xml.skeleton, edits.keys().copied()) {
                sheet_xml.skeleton = d;
            }
        }

        changed |= self.note_sheet(part, found, marks, &mut sheet_xml.skeleton)?;
        if changed {
            if clear_selection {
                if let Some(d) = sheet::clear_tab_selected(&sheet_xml.skeleton) {
                    sheet_xml.skeleton = d;
                }
            }
            self.pkg.write_sheet(part, sheet_xml);
            if clear_selection {
                self.pkg.seal(part)?;
            }
        }
        Ok(())
    }

    /// [`Self::mark_sheet`] for a large worksheet, never inflated whole: its notes first (they
    /// need only the skeleton), its selection cleared, then its rows edited as the part is
    /// streamed into the new package. The result is the same as editing it in memory.
    fn mark_large_sheet(
        &mut self,
        part: &str,
        (layout, notes_found): (package::SheetLayout, NotesFound),
        marks: Option<&BTreeMap<(u32, u32), &CellMark>>,
        restore: bool,
        proposal_fill: Option<&str>,
    ) -> Result<(), PatchError> {
        let mut skeleton = layout.skeleton.clone();
        sheet::check(&skeleton)?;
        self.note_sheet(part, notes_found, marks, &mut skeleton)?;
        if let Some(d) = sheet::clear_tab_selected(&skeleton) {
            skeleton = d;
        }
        let edits = cell_edits(marks);
        let proposal = proposal_fill.map(argb);
        if let Some(d) = sheet::widen_dimension(&skeleton, edits.keys().copied()) {
            skeleton = d;
        }
        let editing = !edits.is_empty() || restore;
        if !editing && skeleton == layout.skeleton {
            return Ok(());
        }
        struct Rows<'s, 'e> {
            editor: Option<sheet::CellEditor<'e>>,
            styles: &'s mut styles::Styles,
        }
        impl package::RowStream for Rows<'_, '_> {
            fn rows(
                &mut self,
                doc: &str,
                from: usize,
                to: usize,
            ) -> Result<Vec<sheet::Splice>, PatchError> {
                match self.editor.as_mut() {
                    Some(e) => e.edit_rows(doc, from, to, self.styles),
                    None => Ok(Vec::new()),
                }
            }
            fn tail(&mut self) -> String {
                match self.editor.as_mut() {
                    Some(e) => e.tail_rows(self.styles),
                    None => String::new(),
                }
            }
        }
        let mut rows = Rows {
            editor: editing
                .then(|| sheet::CellEditor::new(&skeleton, &edits, restore, proposal.as_deref())),
            styles: &mut self.styles,
        };
        self.pkg.stream_sheet(part, &layout, &skeleton, &mut rows)?;
        Ok(())
    }

    /// A marked sheet's notes: daicho's from `marks` (not on a cell with a threaded comment, which
    /// Excel shows instead), an earlier run's replaced; `found` is [`Self::notes_of`] the sheet.
    /// Whether the sheet's skeleton changed.
    fn note_sheet(
        &mut self,
        part: &str,
        (rels, comments_path, has_daicho_notes): NotesFound,
        marks: Option<&BTreeMap<(u32, u32), &CellMark>>,
        skeleton: &mut String,
    ) -> Result<bool, PatchError> {
        let threaded: HashSet<(u32, u32)> = threaded_cells(&mut self.pkg, part, &rels)?;
        let notes: Vec<(u32, u32, &str)> = marks
            .into_iter()
            .flat_map(|m| m.iter())
            .filter_map(|(k, c)| c.note.as_deref().map(|n| (k.0, k.1, n)))
            .filter(|(r, c, _)| !threaded.contains(&(*r, *c)))
            .collect();
        if notes.is_empty() && !has_daicho_notes {
            return Ok(false);
        }
        let parts = self.note_parts(part, &rels, skeleton, comments_path)?;
        self.write_notes(part, parts, &notes, skeleton)
    }

    /// The sheet's comments part and VML drawing, read where they exist.
    fn note_parts(
        &mut self,
        part: &str,
        rels: &[package::Rel],
        sheet_doc: &str,
        comments_path: Option<String>,
    ) -> Result<NoteParts, PatchError> {
        let vml_rel_id = sheet::legacy_drawing_id(sheet_doc);
        let vml_path = vml_rel_id
            .as_ref()
            .and_then(|id| rels.iter().find(|r| &r.id == id))
            .map(|r| package::resolve(part, &r.target));
        let comments = match &comments_path {
            Some(p) => comments::Comments::parse(self.pkg.read_text(p)?)?,
            None => comments::Comments::new_part(),
        };
        let vml = match &vml_path {
            Some(p) => Some(comments::Vml::parse(self.pkg.read_text(p)?)?),
            None => None,
        };
        Ok(NoteParts {
            comments_path,
            comments,
            vml_path,
            vml,
        })
    }

    /// daicho's earlier notes replaced by `notes` (beside the user's own), the comments part and
    /// the drawing written (created with their relationships where the sheet had none). Whether
    /// the sheet's `skeleton` changed (a `<legacyDrawing>` added).
    fn write_notes(
        &mut self,
        part: &str,
        parts: NoteParts,
        notes: &[(u32, u32, &str)],
        skeleton: &mut String,
    ) -> Result<bool, PatchError> {
        let mut sheet_changed = false;
        let NoteParts {
            comments_path,
            comments: mut cm,
            vml_path,
            mut vml,
        } = parts;
        let stripped = cm.strip_daicho();
        if let Some(v) = vml.as_mut() {
            v.remove_notes(&stripped);
        }
        let mut new_shapes = Vec::new();
        for (r, c, text) in notes {
            if cm.add(*r, *c, text)? {
                new_shapes.push((*r, *c));
            }
        }
        if !new_shapes.is_empty() && vml.is_none() {
            vml = Some(comments::Vml::new_part(self.next_vml_block));
            self.next_vml_block += 1;
        }
        if let Some(v) = vml.as_mut() {
            for (r, c) in &new_shapes {
                v.add_note(*r, *c)?;
            }
            if vml_path.is_none() {
                // A new drawing took block next_vml_block - 1; more than 1024 notes take more.
                self.next_vml_block += v.blocks_used() - 1;
            }
        }
        if let Some(text) = cm.finish()? {
            let p = match comments_path {
                Some(p) => p,
                None => {
                    let p = self.pkg.fresh_name("xl/comments", ".xml");
                    self.pkg
                        .add_rel(part, package::REL_COMMENTS, &package::relative(part, &p))?;
                    self.pkg
                        .ensure_content_type(Some(&p), None, package::CT_COMMENTS)?;
                    p
                }
            };
            self.pkg.write(&p, text.into_bytes());
        }
        if let Some(v) = vml {
            if let Some(text) = v.finish()? {
                let p = match vml_path {
                    Some(p) => p,
                    None => {
                        let p = self.pkg.fresh_name("xl/drawings/vmlDrawing", ".vml");
                        let id = self.pkg.add_rel(
                            part,
                            package::REL_VML,
                            &package::relative(part, &p),
                        )?;
                        self.pkg
                            .ensure_content_type(None, Some("vml"), package::CT_VML)?;
                        let with_ns = ensure_r_namespace(skeleton);
                        *skeleton = sheet::insert_child(
                            &with_ns,
                            "legacyDrawing",
                            &format!("<legacyDrawing r:id=\"{id}\"/>"),
                        )?;
                        sheet_changed = true;
                        p
                    }
                };
                self.pkg.write(&p, text.into_bytes());
            }
        }
        Ok(sheet_changed)
    }

    /// Step 3: daicho's sheets come in. The index of the sheet to show first and its part.
    fn add_sheets(
        &mut self,
        added_sheets: Vec<PreparedSheets>,
    ) -> Result<(Option<usize>, Option<String>), PatchError> {
        let mut active: Option<usize> = None;
        let mut first_count = 0;
        let mut active_part: Option<String> = None;
        for added in added_sheets {
            let sheets = transplant::transplant(
                &mut self.pkg,
                &self.wb_path,
                &self.wb,
                &mut self.styles,
                added.prepared,
                &mut self.next_vml_block,
            )?;
            for (k, t) in sheets.into_iter().enumerate() {
                let index = if added.first {
                    first_count += 1;
                    first_count - 1
                } else {
                    self.wb.sheets.len()
                };
                if let Some(a) = active.as_mut() {
                    if *a >= index {
                        *a += 1;
                    }
                }
                self.wb.insert(index, &t.name, &t.rel_id);
                for n in t.local_names {
                    self.wb.add_local_name(n, index);
                }
                if added.active && k == 0 {
                    active = Some(index);
                    active_part = Some(t.part.clone());
                }
            }
        }
        Ok((active, active_part))
    }

    /// The active sheet is the only selected one (two selected tabs open grouped).
    fn select_only(&mut self, active_part: &str) -> Result<(), PatchError> {
        for s in self.wb.sheets.clone() {
            let Some((part, kind)) = self.part_of(&s.rel_id) else {
                continue;
            };
            if kind != package::REL_WORKSHEET && kind != "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chartsheet" {
                continue;
            }
            // A sealed sheet was marked, and its selection cleared then.
            if !self.pkg.exists(&part) || self.pkg.is_sealed(&part) {
                continue;
            }
            let was_changed = self.pkg.is_changed(&part);
            // A large sheet without marks: its selection cleared as it streams, not inflated.
            if !was_changed && self.stream_large {
                if let Some(layout) = self.pkg.sheet_layout(&part)? {
                    if let Some(d) = sheet::clear_tab_selected(&layout.skeleton) {
                        self.pkg
                            .stream_sheet(&part, &layout, &d, &mut package::SameRows)?;
                    }
                    continue;
                }
            }
            let mut sheet_xml = self.pkg.take_sheet(&part)?;
            match sheet::clear_tab_selected(&sheet_xml.skeleton) {
                Some(d) => sheet_xml.skeleton = d,
                None if !was_changed => continue,
                None => {}
            }
            self.pkg.write_sheet(&part, sheet_xml);
        }
        let mut sheet_xml = self.pkg.take_sheet(active_part)?;
        sheet_xml.skeleton = sheet::set_tab_selected(&sheet_xml.skeleton);
        self.pkg.write_sheet(active_part, sheet_xml);
        self.pkg.seal(active_part)
    }

    /// The names of the worksheets (not chart sheets), in order, for docProps/app.xml.
    fn worksheet_names(&self) -> Vec<String> {
        self.wb
            .sheets
            .iter()
            .filter(|s| {
                self.part_of(&s.rel_id)
                    .is_none_or(|(_, k)| k == package::REL_WORKSHEET)
            })
            .map(|s| s.name.clone())
            .collect()
    }

    /// The last step: the workbook part (sheet list, names, active tab) and docProps/app.xml's
    /// sheet titles when sheets were removed or added, the styles part where marks changed it,
    /// then the package.
    fn finish(self, sheets_changed: bool, active: Option<usize>) -> Result<Vec<u8>, PatchError> {
        let worksheet_names = self.worksheet_names();
        let Patcher {
            mut pkg,
            wb_path,
            wb,
            styles_path,
            styles,
            ..
        } = self;
        if sheets_changed {
            let doc = wb.finish(active)?;
            pkg.write(&wb_path, doc.into_bytes());
            if pkg.exists("docProps/app.xml") {
                let app = pkg.read_text("docProps/app.xml")?;
                if let Some(a) = workbook::update_app(&app, &worksheet_names) {
                    pkg.write("docProps/app.xml", a.into_bytes());
                }
            }
        }
        if let Some(s) = styles.finish()? {
            pkg.write(&styles_path, s.into_bytes());
        }
        pkg.finish()
    }
}

/// The fills (and proposal texts) of a sheet's marked cells.
fn cell_edits(marks: Option<&BTreeMap<(u32, u32), &CellMark>>) -> BTreeMap<(u32, u32), CellEdit> {
    marks
        .map(|m| {
            m.iter()
                .map(|(k, c)| {
                    (
                        *k,
                        CellEdit {
                            fill_argb: Some(argb(&c.fill_argb)),
                            write_text: c.write_text.clone(),
                        },
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `FFC7CE` → `FFFFC7CE`.
fn argb(c: &str) -> String {
    let c = c.trim_start_matches('#').to_ascii_uppercase();
    if c.len() == 6 {
        format!("FF{c}")
    } else {
        c
    }
}

/// Cells with a threaded comment (their legacy note is Excel's placeholder).
fn threaded_cells(
    pkg: &mut Package<'_>,
    part: &str,
    rels: &[package::Rel],
) -> Result<HashSet<(u32, u32)>, PatchError> {
    let mut out = HashSet::new();
    for r in rels
        .iter()
        .filter(|r| r.kind == package::REL_THREADED && !r.external)
    {
        let p = package::resolve(part, &r.target);
        if !pkg.exists(&p) {
            continue;
        }
        let doc = pkg.read_text(&p)?;
        for s in xml::elements(&doc, "threadedComment", 0, doc.len()) {
            if let Some(at) =
                xml::attr(&doc[s.start..s.tag_end], "ref").and_then(|r| xml::parse_ref(&r))
            {
                out.insert(at);
            }
        }
    }
    Ok(out)
}

/// The worksheet root declares the relationships namespace (used by `r:id`).
fn ensure_r_namespace(doc: &str) -> String {
    let Some((root, _)) = xml::children_of_root(doc) else {
        return doc.to_string();
    };
    let tag = &doc[root.start..root.tag_end];
    if xml::attr(tag, "xmlns:r").is_some() {
        return doc.to_string();
    }
    let new = xml::set_attr(
        tag,
        "xmlns:r",
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    );
    format!("{}{}{}", &doc[..root.start], new, &doc[root.tag_end..])
}

/// An earlier run's unconfirmed proposals: sheet name → cell → how it was known.
pub type EarlierProposals = BTreeMap<String, BTreeMap<(u32, u32), EarlierProposal>>;

/// A cell holding an earlier run's proposal that nobody confirmed, as the package shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EarlierProposal {
    /// In daicho's proposal mark and still the inline string daicho wrote (typing over it makes
    /// a shared string in Excel): daicho's words, whatever they say.
    Unconfirmed,
    /// Without daicho's mark — an editor dropped it and turned the text into a shared string
    /// (LibreOffice) — but with daicho's proposal note, which names the proposed text: daicho's
    /// words while the cell still says that text, the user's once it says something else.
    Noted(String),
}

/// The earlier run's proposals per sheet: cells in daicho's mark of colour `fill_argb` holding
/// an inline string, and cells without a mark whose note `proposed` reads as daicho's proposal
/// (it gives the proposed text).
pub fn earlier_proposals(
    input: &[u8],
    fill_argb: &str,
    proposed: impl Fn(&str) -> Option<String>,
) -> Result<EarlierProposals, PatchError> {
    let wanted = argb(fill_argb);
    let mut pkg = Package::open(input)?;
    let wb_path = office_document(&mut pkg)?;
    let wb = workbook::Workbook::parse(pkg.read_text(&wb_path)?)?;
    let wb_rels = pkg.rels(&wb_path)?;
    let styles_path = wb_rels
        .iter()
        .find(|r| r.kind == package::REL_STYLES)
        .map(|r| package::resolve(&wb_path, &r.target))
        .ok_or_else(|| PatchError::MissingPart("styles".into()))?;
    let styles = styles::Styles::parse(pkg.read_text(&styles_path)?)?;
    let mut out = BTreeMap::new();
    for s in &wb.sheets {
        let Some(r) = wb_rels
            .iter()
            .find(|r| r.id == s.rel_id && r.kind == package::REL_WORKSHEET)
        else {
            continue;
        };
        let part = package::resolve(&wb_path, &r.target);
        let mut cells = BTreeMap::new();
        // Cells in daicho's proposal mark: unconfirmed while inline, confirmed once typed over.
        let mut marked = BTreeSet::new();
        if styles.has_daicho_marks() {
            let doc = pkg.read_text(&part)?;
            for c in xml::elements(&doc, "c", 0, doc.len()) {
                let tag = &doc[c.start..c.tag_end];
                let xf: u32 = xml::attr(tag, "s")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                if styles.mark_color(xf) != Some(wanted.as_str()) {
                    continue;
                }
                let Some(at) = xml::attr(tag, "r").and_then(|r| xml::parse_ref(&r)) else {
                    continue;
                };
                marked.insert(at);
                if xml::attr(tag, "t").as_deref() == Some("inlineStr") {
                    cells.insert(at, EarlierProposal::Unconfirmed);
                }
            }
        }
        // Cells whose mark was lost: known by daicho's proposal note.
        let rels = pkg.rels(&part)?;
        for r in rels
            .iter()
            .filter(|r| r.kind == package::REL_COMMENTS && !r.external)
        {
            let p = package::resolve(&part, &r.target);
            if !pkg.exists(&p) {
                continue;
            }
            let doc = pkg.read_text(&p)?;
            // The user's own notes only (every check of an .xlsx comes here): nothing to read.
            if !doc.contains("daicho") {
                continue;
            }
            for c in xml::elements(&doc, "comment", 0, doc.len()) {
                let Some(at) = xml::attr(&doc[c.start..c.tag_end], "ref")
                    .and_then(|r| xml::parse_ref(&r))
                    .filter(|at| !marked.contains(at))
                else {
                    continue;
                };
                if let Some(text) = proposed(&xml::text_of(&doc[c.start..c.end])) {
                    cells.insert(at, EarlierProposal::Noted(text));
                }
            }
        }
        if !cells.is_empty() {
            out.insert(s.name.clone(), cells);
        }
    }
    Ok(out)
}

/// The cells of [`earlier_proposals`] in daicho's mark, still unconfirmed, per sheet.
pub fn marked_text_cells(
    input: &[u8],
    fill_argb: &str,
) -> Result<BTreeMap<String, BTreeSet<(u32, u32)>>, PatchError> {
    let all = earlier_proposals(input, fill_argb, |_| None)?;
    Ok(all
        .into_iter()
        .map(|(sheet, cells)| {
            let unconfirmed = (cells.into_iter())
                .filter(|(_, e)| *e == EarlierProposal::Unconfirmed)
                .map(|(at, _)| at)
                .collect();
            (sheet, unconfirmed)
        })
        .filter(|(_, cells): &(String, BTreeSet<(u32, u32)>)| !cells.is_empty())
        .collect())
}

/// Cells with a note in each sheet (for tests and checks): sheet name → cells.
pub fn noted_cells(input: &[u8]) -> Result<BTreeMap<String, BTreeSet<(u32, u32)>>, PatchError> {
    let mut pkg = Package::open(input)?;
    let wb_path = office_document(&mut pkg)?;
    let wb = workbook::Workbook::parse(pkg.read_text(&wb_path)?)?;
    let wb_rels = pkg.rels(&wb_path)?;
    let mut out = BTreeMap::new();
    for s in &wb.sheets {
        let Some(r) = wb_rels.iter().find(|r| r.id == s.rel_id) else {
            continue;
        };
        let part = package::resolve(&wb_path, &r.target);
        for cr in pkg.rels(&part)? {
            if cr.kind == package::REL_COMMENTS {
                let c = comments::Comments::parse(
                    pkg.read_text(&package::resolve(&part, &cr.target))?,
                )?;
                out.insert(s.name.clone(), c.cells());
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;

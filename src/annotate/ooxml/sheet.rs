//! Editing a worksheet part: cell formats in `sheetData` (marks set, earlier marks restored),
//! cells created where a marked cell does not exist, inline-string proposals in blank cells,
//! `<legacyDrawing>` in schema order, and the selected-tab flag.

use super::styles::Styles;
use super::xml;
use super::PatchError;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// What happens to one cell.
#[derive(Debug, Clone, Default)]
pub struct CellEdit {
    pub fill_argb: Option<String>,
    pub write_text: Option<String>,
}

/// The children of `<worksheet>` in schema order (CT_Worksheet).
const WORKSHEET_ORDER: [&str; 38] = [
    "sheetPr",
    "dimension",
    "sheetViews",
    "sheetFormatPr",
    "cols",
    "sheetData",
    "sheetCalcPr",
    "sheetProtection",
    "protectedRanges",
    "scenarios",
    "autoFilter",
    "sortState",
    "dataConsolidate",
    "customSheetViews",
    "mergeCells",
    "phoneticPr",
    "conditionalFormatting",
    "dataValidations",
    "hyperlinks",
    "printOptions",
    "pageMargins",
    "pageSetup",
    "headerFooter",
    "rowBreaks",
    "colBreaks",
    "customProperties",
    "cellWatches",
    "ignoredErrors",
    "smartTags",
    "drawing",
    "legacyDrawing",
    "legacyDrawingHF",
    "drawingHF",
    "picture",
    "oleObjects",
    "controls",
    "webPublishItems",
    "tableParts",
];

/// A child's rank in schema order; `mc:AlternateContent` (which Excel wraps around controls and
/// OLE objects) ranks with what it wraps; extLst is last.
fn rank(name: &str) -> usize {
    if name == "extLst" {
        return WORKSHEET_ORDER.len();
    }
    if name.contains(':') {
        return WORKSHEET_ORDER
            .iter()
            .position(|n| *n == "oleObjects")
            .unwrap_or(0);
    }
    WORKSHEET_ORDER
        .iter()
        .position(|n| *n == name)
        .unwrap_or(WORKSHEET_ORDER.len())
}

/// Checks that the sheet is a transitional SpreadsheetML worksheet daicho can splice.
pub fn check(doc: &str) -> Result<(), PatchError> {
    let (root, _) = xml::children_of_root(doc)
        .ok_or_else(|| PatchError::Unsupported("worksheet XML not understood".into()))?;
    let tag = &doc[root.start..root.tag_end];
    if !tag.starts_with("<worksheet") {
        return Err(PatchError::Unsupported(
            "worksheet root element is not <worksheet> (prefixed or another kind of sheet)".into(),
        ));
    }
    if xml::attr(tag, "xmlns").as_deref() != Some(super::NS_MAIN) {
        return Err(PatchError::Unsupported(
            "worksheet not in the transitional SpreadsheetML namespace (strict OOXML?)".into(),
        ));
    }
    Ok(())
}

/// The worksheet with `child` (an element named `name`) inserted where the schema puts it.
pub fn insert_child(doc: &str, name: &str, child: &str) -> Result<String, PatchError> {
    let (root, children) = xml::children_of_root(doc)
        .ok_or_else(|| PatchError::Unsupported("worksheet XML not understood".into()))?;
    let r = rank(name);
    let at = children
        .iter()
        .find(|(n, _)| rank(n) > r)
        .map(|(_, s)| s.start)
        .unwrap_or_else(|| root.end - "</worksheet>".len());
    let mut out = String::with_capacity(doc.len() + child.len());
    out.push_str(&doc[..at]);
    out.push_str(child);
    out.push_str(&doc[at..]);
    Ok(out)
}

/// The `r:id` of the sheet's `<legacyDrawing>`, if any.
pub fn legacy_drawing_id(doc: &str) -> Option<String> {
    let (_, children) = xml::children_of_root(doc)?;
    children
        .iter()
        .find(|(n, _)| n == "legacyDrawing")
        .and_then(|(_, s)| xml::attr(&doc[s.start..s.tag_end], "r:id"))
}

/// The worksheet's `<dimension>` widened to cover `cells` (0-based), None when it already did
/// (or the sheet has none, or its range is not understood). The dimension is the used range
/// Excel reports; a mark on a new cell beyond it would otherwise lie outside it.
pub fn widen_dimension(skeleton: &str, cells: impl Iterator<Item = (u32, u32)>) -> Option<String> {
    let (_, children) = xml::children_of_root(skeleton)?;
    let span = children
        .iter()
        .find(|(n, _)| n == "dimension")
        .map(|(_, s)| *s)?;
    let tag = &skeleton[span.start..span.tag_end];
    let range = xml::attr(tag, "ref")?;
    let (a, b) = range.split_once(':').unwrap_or((&range, &range));
    let (mut r0, mut c0) = xml::parse_ref(a)?;
    let (mut r1, mut c1) = xml::parse_ref(b)?;
    let before = (r0, c0, r1, c1);
    for (r, c) in cells {
        r0 = r0.min(r);
        c0 = c0.min(c);
        r1 = r1.max(r);
        c1 = c1.max(c);
    }
    if (r0, c0, r1, c1) == before {
        return None;
    }
    let new_ref = if (r0, c0) == (r1, c1) {
        xml::cell_ref(r0, c0)
    } else {
        format!("{}:{}", xml::cell_ref(r0, c0), xml::cell_ref(r1, c1))
    };
    let new_tag = xml::set_attr(tag, "ref", &new_ref);
    Some(format!(
        "{}{}{}",
        &skeleton[..span.start],
        new_tag,
        &skeleton[span.tag_end..]
    ))
}

/// Clears `tabSelected` on every sheet view (None when none was set).
pub fn clear_tab_selected(doc: &str) -> Option<String> {
    let views = xml::find_element(doc, "sheetViews", 0)?;
    let mut out = String::new();
    let mut at = 0;
    for v in xml::elements(doc, "sheetView", views.tag_end, views.end) {
        let tag = &doc[v.start..v.tag_end];
        if xml::attr(tag, "tabSelected").is_some() {
            out.push_str(&doc[at..v.start]);
            out.push_str(&xml::remove_attr(tag, "tabSelected"));
            at = v.tag_end;
        }
    }
    if at == 0 {
        return None;
    }
    out.push_str(&doc[at..]);
    Some(out)
}

/// Sets `tabSelected="1"` on the first sheet view.
pub fn set_tab_selected(doc: &str) -> String {
    match xml::find_element(doc, "sheetView", 0) {
        Some(v) => {
            let tag = xml::set_attr(&doc[v.start..v.tag_end], "tabSelected", "1");
            format!("{}{}{}", &doc[..v.start], tag, &doc[v.tag_end..])
        }
        None => doc.to_string(),
    }
}

/// Column styles from `<cols>`: (min, max, style), 0-based columns.
fn column_styles(doc: &str) -> Vec<(u32, u32, u32)> {
    let Some(cols) = xml::find_element(doc, "cols", 0) else {
        return Vec::new();
    };
    xml::elements(doc, "col", cols.tag_end, cols.end)
        .iter()
        .filter_map(|c| {
            let tag = &doc[c.start..c.tag_end];
            let min: u32 = xml::attr(tag, "min")?.parse().ok()?;
            let max: u32 = xml::attr(tag, "max")?.parse().ok()?;
            let style: u32 = xml::attr(tag, "style")?.parse().ok()?;
            Some((min.checked_sub(1)?, max.checked_sub(1)?, style))
        })
        .collect()
}

fn has_value(cell_inner: &str) -> bool {
    cell_inner.contains("<v") || cell_inner.contains("<f") || cell_inner.contains("<is")
}

fn inline_cell(r: &str, s: u32, text: &str) -> String {
    format!(
        "<c r=\"{r}\" s=\"{s}\" t=\"inlineStr\"><is><t xml:space=\"preserve\">{}</t></is></c>",
        xml::escape_text(text)
    )
}

/// A worksheet part split in two: its `skeleton` (every child but the cells, with an empty
/// `<sheetData/>` in their place) and its `sheetData` element as read, with the edits to it kept
/// as splices until the part is written. The skeleton's children (views, notes' drawing, order)
/// are edited as a small document; the cells — nearly all of a large sheet — are never copied.
#[derive(Debug, Clone, Default)]
pub struct SheetXml {
    pub skeleton: String,
    /// The `sheetData` element as read (None: the sheet has none).
    pub data: Option<String>,
    /// Replacements of byte ranges of `data`, in order and not overlapping.
    pub splices: Vec<Splice>,
}

/// `data[range]` is replaced by `text`.
#[derive(Debug, Clone, Default)]
pub struct Splice {
    pub range: std::ops::Range<usize>,
    pub text: String,
}

const DATA_PLACEHOLDER: &str = "<sheetData/>";

impl SheetXml {
    pub fn split(mut doc: String) -> SheetXml {
        let Some(sd) = xml::find_element(&doc, "sheetData", 0) else {
            return SheetXml {
                skeleton: doc,
                data: None,
                splices: Vec::new(),
            };
        };
        let tail_len = doc.len() - sd.end;
        let mut skeleton = String::with_capacity(sd.start + DATA_PLACEHOLDER.len() + tail_len);
        skeleton.push_str(&doc[..sd.start]);
        skeleton.push_str(DATA_PLACEHOLDER);
        skeleton.push_str(&doc[sd.end..]);
        doc.truncate(sd.end);
        doc.drain(..sd.start);
        SheetXml {
            skeleton,
            data: Some(doc),
            splices: Vec::new(),
        }
    }

    /// The pieces of the whole document, in order.
    pub fn pieces(&self) -> Vec<&str> {
        let Some(data) = &self.data else {
            return vec![self.skeleton.as_str()];
        };
        let at = xml::find_start(&self.skeleton, "sheetData", 0)
            .filter(|p| self.skeleton[*p..].starts_with(DATA_PLACEHOLDER))
            .unwrap_or(self.skeleton.len());
        let mut out = Vec::with_capacity(2 * self.splices.len() + 3);
        out.push(&self.skeleton[..at]);
        let mut from = 0;
        for s in &self.splices {
            out.push(&data[from..s.range.start]);
            out.push(s.text.as_str());
            from = s.range.end;
        }
        out.push(&data[from..]);
        out.push(&self.skeleton[(at + DATA_PLACEHOLDER.len()).min(self.skeleton.len())..]);
        out
    }

    pub fn to_text(&self) -> String {
        self.pieces().concat()
    }
}

/// Rewrites `sheetData`: every cell of a daicho format goes back to its original (when
/// `restore`), every edit applied, missing cells created in row/column order. The edits as
/// splices of the sheet's `sheetData` (None when nothing changed).
///
/// One forward pass: a row without edits is passed over at its start tag (unless restoring
/// earlier marks, which needs every cell), so the cost is the rows' start tags plus the marked
/// rows.
pub fn edit_cells(
    sheet: &SheetXml,
    edits: &BTreeMap<(u32, u32), CellEdit>,
    styles: &mut Styles,
    restore: bool,
    proposal_argb: Option<&str>,
) -> Result<Option<Vec<Splice>>, PatchError> {
    if edits.is_empty() && !restore {
        return Ok(None);
    }
    let doc = sheet
        .data
        .as_deref()
        .ok_or_else(|| PatchError::Unsupported("worksheet without sheetData".into()))?;
    let sd = xml::element_at(doc, "sheetData", 0)
        .ok_or_else(|| PatchError::Unsupported("worksheet without sheetData".into()))?;
    let mut editor = CellEditor::new(&sheet.skeleton, edits, restore, proposal_argb);
    if sd.self_closing() {
        let tail_rows = editor.tail_rows(styles);
        if tail_rows.is_empty() {
            return Ok(None);
        }
        return Ok(Some(vec![Splice {
            range: sd.start..sd.end,
            text: format!("<sheetData>{tail_rows}</sheetData>"),
        }]));
    }
    let inner_end = sd.end - "</sheetData>".len();
    let mut splices = editor.edit_rows(doc, sd.tag_end, inner_end, styles)?;
    let tail_rows = editor.tail_rows(styles);
    if !tail_rows.is_empty() {
        splices.push(Splice {
            range: inner_end..inner_end,
            text: tail_rows,
        });
    }
    Ok((!splices.is_empty()).then_some(splices))
}

/// The rows of a `sheetData` edited in order, possibly a stretch at a time (a large sheet is
/// edited as it is inflated): what is left to do is carried from one stretch to the next.
pub struct CellEditor<'e> {
    col_styles: Vec<(u32, u32, u32)>,
    pending:
        std::iter::Peekable<std::collections::btree_map::IntoIter<u32, Vec<(u32, &'e CellEdit)>>>,
    next_row: u32,
    restore: bool,
    proposal_argb: Option<&'e str>,
    row_starts: xml::StartFinder,
    cell_starts: xml::StartFinder,
}

impl<'e> CellEditor<'e> {
    /// `skeleton`: the worksheet without its cells (for the column styles of new cells).
    pub fn new(
        skeleton: &str,
        edits: &'e BTreeMap<(u32, u32), CellEdit>,
        restore: bool,
        proposal_argb: Option<&'e str>,
    ) -> Self {
        let mut by_row: BTreeMap<u32, Vec<(u32, &CellEdit)>> = BTreeMap::new();
        for ((r, c), e) in edits {
            by_row.entry(*r).or_default().push((*c, e));
        }
        CellEditor {
            col_styles: column_styles(skeleton),
            pending: by_row.into_iter().peekable(),
            next_row: 0,
            restore,
            proposal_argb,
            row_starts: xml::StartFinder::new("row"),
            cell_starts: xml::StartFinder::new("c"),
        }
    }

    fn col_style(&self, c: u32) -> u32 {
        self.col_styles
            .iter()
            .find(|(a, b, _)| *a <= c && c <= *b)
            .map_or(0, |(_, _, s)| *s)
    }

    /// A new row holding only daicho's cells.
    fn new_row(&self, r: u32, cells: &[(u32, &CellEdit)], styles: &mut Styles) -> String {
        let mut s = format!("<row r=\"{}\">", r + 1);
        for (c, e) in cells {
            s.push_str(&new_cell(r, *c, self.col_style(*c), e, styles));
        }
        s.push_str("</row>");
        s
    }

    /// The rows starting in `doc[from..to]` (each ending by `to`) edited: splices of `doc`.
    pub fn edit_rows(
        &mut self,
        doc: &str,
        from: usize,
        to: usize,
        styles: &mut Styles,
    ) -> Result<Vec<Splice>, PatchError> {
        let mut splices = Vec::new();
        let mut scan = from;
        while let Some(start) = self.row_starts.find_before(doc, scan, to) {
            let Some(te) = xml::tag_end(doc, start).filter(|te| *te <= to) else {
                break;
            };
            let row_tag = &doc[start..te];
            let r = match xml::attr(row_tag, "r").and_then(|v| v.parse::<u32>().ok()) {
                Some(v) if v >= 1 => v - 1,
                _ => self.next_row,
            };
            self.next_row = r + 1;
            if !self.restore && self.pending.peek().is_none_or(|(pr, _)| *pr > r) {
                // Nothing to insert before this row nor to change in it.
                scan = te;
                continue;
            }
            let Some(row) = xml::element_with(doc, &self.row_starts, start).filter(|s| s.end <= to)
            else {
                break;
            };
            scan = row.end;
            // New rows before this one.
            let mut inserted_rows = String::new();
            while let Some((pr, _)) = self.pending.peek() {
                if *pr >= r {
                    break;
                }
                let (pr, cells) = self.pending.next().unwrap_or_default();
                inserted_rows.push_str(&self.new_row(pr, &cells, styles));
            }
            let row_edits = match self.pending.peek() {
                Some((pr, _)) if *pr == r => {
                    self.pending.next().map(|(_, c)| c).unwrap_or_default()
                }
                _ => Vec::new(),
            };
            let col_style = |c: u32| self.col_style(c);
            let rewritten = edit_row(
                doc,
                row,
                r,
                &row_edits,
                styles,
                (self.restore, self.proposal_argb),
                (&col_style, &self.cell_starts),
            )?;
            if inserted_rows.is_empty() && rewritten.is_none() {
                continue;
            }
            let mut text = inserted_rows;
            match rewritten {
                Some(x) => text.push_str(&x),
                None => {
                    // Rows that relied on implicit numbering need their number once one is
                    // inserted.
                    if xml::attr(row_tag, "r").is_none() {
                        text.push_str(&xml::set_attr(row_tag, "r", &(r + 1).to_string()));
                        text.push_str(&doc[row.tag_end..row.end]);
                    } else {
                        text.push_str(&doc[row.start..row.end]);
                    }
                }
            }
            splices.push(Splice {
                range: row.start..row.end,
                text,
            });
        }
        Ok(splices)
    }

    /// The rows after the last one of the sheet that get marks (new rows).
    pub fn tail_rows(&mut self, styles: &mut Styles) -> String {
        let mut tail_rows = String::new();
        while let Some((pr, cells)) = self.pending.next() {
            tail_rows.push_str(&self.new_row(pr, &cells, styles));
        }
        tail_rows
    }
}

fn new_cell(r: u32, c: u32, base_style: u32, e: &CellEdit, styles: &mut Styles) -> String {
    let s = match &e.fill_argb {
        Some(argb) => styles.marked(base_style, argb),
        None => base_style,
    };
    let rf = xml::cell_ref(r, c);
    match &e.write_text {
        Some(t) => inline_cell(&rf, s, t),
        None => format!("<c r=\"{rf}\" s=\"{s}\"/>"),
    }
}

/// One row rewritten, or None when nothing in it changes.
fn edit_row(
    doc: &str,
    row: xml::Span,
    r: u32,
    edits: &[(u32, &CellEdit)],
    styles: &mut Styles,
    (restore, proposal_argb): (bool, Option<&str>),
    (col_style, cell_starts): (&dyn Fn(u32) -> u32, &xml::StartFinder),
) -> Result<Option<String>, PatchError> {
    if edits.is_empty() && !restore {
        return Ok(None);
    }
    let cells = if row.self_closing() {
        Vec::new()
    } else {
        xml::elements_with(doc, cell_starts, row.tag_end, row.end)
    };
    let row_tag = &doc[row.start..row.tag_end];
    let row_style = (xml::attr(row_tag, "customFormat").as_deref() == Some("1"))
        .then(|| xml::attr(row_tag, "s").and_then(|v| v.parse::<u32>().ok()))
        .flatten();
    let base_for_new = |c: u32| row_style.unwrap_or_else(|| col_style(c));
    let mut changed = false;
    let mut out = String::new();
    let mut at = row.tag_end;
    let mut pending = edits.iter().peekable();
    let mut next_col = 0u32;
    let mut inserted = false;
    for cell in &cells {
        let tag = &doc[cell.start..cell.tag_end];
        let c = match xml::attr(tag, "r").and_then(|v| xml::parse_ref(&v)) {
            Some((_, c)) => c,
            None => next_col,
        };
        next_col = c + 1;
        let mut before = String::new();
        while let Some((pc, e)) = pending.peek() {
            if *pc >= c {
                break;
            }
            before.push_str(&new_cell(r, *pc, base_for_new(*pc), e, styles));
            pending.next();
        }
        let edit = match pending.peek() {
            Some((pc, e)) if *pc == c => {
                pending.next();
                Some(*e)
            }
            _ => None,
        };
        let old_s: u32 = xml::attr(tag, "s")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let mut s = old_s;
        let mut replacement: Option<String> = None;
        let mut blank = !has_value(cell.inner(doc));
        if restore {
            if let Some(orig) = styles.original_of(s) {
                // An earlier run's proposal still unconfirmed (its mark and inline text as daicho
                // left them) goes, so that it is proposed afresh or not at all.
                let proposal = proposal_argb.is_some_and(|p| styles.mark_color(s) == Some(p))
                    && xml::attr(tag, "t").as_deref() == Some("inlineStr");
                s = orig;
                if proposal {
                    replacement = Some(format!("<c r=\"{}\" s=\"{s}\"/>", xml::cell_ref(r, c)));
                    blank = true;
                }
            }
        }
        if let Some(e) = edit {
            if let Some(argb) = &e.fill_argb {
                s = styles.marked(s, argb);
            }
            if let Some(text) = &e.write_text {
                if blank {
                    replacement = Some(inline_cell(&xml::cell_ref(r, c), s, text));
                }
            }
            if replacement.is_some() && e.write_text.is_none() {
                replacement = Some(format!("<c r=\"{}\" s=\"{s}\"/>", xml::cell_ref(r, c)));
            }
        }
        if replacement.is_none()
            && s == old_s
            && before.is_empty()
            && !(inserted && xml::attr(tag, "r").is_none())
        {
            continue;
        }
        changed = true;
        inserted |= !before.is_empty();
        out.push_str(&doc[at..cell.start]);
        out.push_str(&before);
        match replacement {
            Some(x) => out.push_str(&x),
            None => {
                let mut t = if s == 0 && xml::attr(tag, "s").is_none() {
                    tag.to_string()
                } else {
                    xml::set_attr(tag, "s", &s.to_string())
                };
                if xml::attr(&t, "r").is_none() {
                    t = xml::set_attr(&t, "r", &xml::cell_ref(r, c));
                }
                out.push_str(&t);
                out.push_str(&doc[cell.tag_end..cell.end]);
            }
        }
        at = cell.end;
    }
    let mut after = String::new();
    for (pc, e) in pending {
        after.push_str(&new_cell(r, *pc, base_for_new(*pc), e, styles));
    }
    if !changed && after.is_empty() {
        return Ok(None);
    }
    let mut tag = row_tag.to_string();
    if !after.is_empty() || inserted {
        // `spans` is an optional hint; a new cell may fall outside it.
        tag = xml::remove_attr(&tag, "spans");
    }
    if xml::attr(&tag, "r").is_none() {
        tag = xml::set_attr(&tag, "r", &(r + 1).to_string());
    }
    let mut s = String::with_capacity(row.end - row.start + out.len());
    if row.self_closing() {
        let _ = write!(s, "{}>{}</row>", tag[..tag.len() - 2].trim_end(), after);
        return Ok(Some(s));
    }
    s.push_str(&tag);
    s.push_str(&out);
    let close = row.end - "</row>".len();
    s.push_str(&doc[at..close]);
    s.push_str(&after);
    s.push_str("</row>");
    Ok(Some(s))
}

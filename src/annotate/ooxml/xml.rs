//! Just enough XML to splice: find an element by its (unprefixed) name, read and set attributes of
//! a start tag, escape text. Everything outside the spliced ranges stays byte for byte as written.

/// Where an element sits in a document: `start..tag_end` is its start tag, `start..end` the whole
/// element (equal to the start tag when it is self-closing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub tag_end: usize,
    pub end: usize,
}

impl Span {
    pub fn self_closing(&self) -> bool {
        self.tag_end == self.end
    }
    /// The content between the start and end tags (empty when self-closing).
    pub fn inner<'a>(&self, doc: &'a str) -> &'a str {
        if self.self_closing() {
            return "";
        }
        let close = doc[..self.end].rfind("</").unwrap_or(self.tag_end);
        &doc[self.tag_end..close.max(self.tag_end)]
    }
}

fn name_ends(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'/' | b'>')
}

/// The first start tag `<name` at or after `from` (not `<nameX`).
pub fn find_start(doc: &str, name: &str, from: usize) -> Option<usize> {
    StartFinder::new(name).find(doc, from)
}

/// [`find_start`] with its searcher built once, for loops over a large document (a worksheet's
/// rows and cells): a SIMD substring search, where `str::find` builds a two-way searcher per
/// call.
pub struct StartFinder {
    pat: Vec<u8>,
    finder: memchr::memmem::Finder<'static>,
}

impl StartFinder {
    pub fn new(name: &str) -> Self {
        let pat = format!("<{name}").into_bytes();
        let finder = memchr::memmem::Finder::new(&pat).into_owned();
        StartFinder { pat, finder }
    }

    /// The first start tag at or after `from`, before `to`.
    pub fn find_before(&self, doc: &str, from: usize, to: usize) -> Option<usize> {
        let bytes = doc.as_bytes();
        let mut at = from;
        while at < to {
            let p = at + self.finder.find(bytes.get(at..to)?)?;
            let after = p + self.pat.len();
            if after < bytes.len() && name_ends(bytes[after]) {
                return Some(p);
            }
            at = after;
        }
        None
    }

    pub fn find(&self, doc: &str, from: usize) -> Option<usize> {
        self.find_before(doc, from, doc.len())
    }
}

/// The index just past the `>` of the tag starting at `start`, skipping quoted attribute values.
pub fn tag_end(doc: &str, start: usize) -> Option<usize> {
    let bytes = doc.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = start;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => return Some(i + 1),
            None => {}
        }
        i += 1;
    }
    None
}

/// The element `name` whose start tag begins at `start`.
pub fn element_at(doc: &str, name: &str, start: usize) -> Option<Span> {
    element_with(doc, &StartFinder::new(name), start)
}

/// [`element_at`] with the start-tag searcher of its name already built.
pub fn element_with(doc: &str, starts: &StartFinder, start: usize) -> Option<Span> {
    let te = tag_end(doc, start)?;
    if doc.as_bytes().get(te.checked_sub(2)?) == Some(&b'/') {
        return Some(Span {
            start,
            tag_end: te,
            end: te,
        });
    }
    // Count nested elements of the same name (mc:AlternateContent nests in itself).
    let name = &starts.pat[1..];
    let mut close = Vec::with_capacity(name.len() + 3);
    close.extend_from_slice(b"</");
    close.extend_from_slice(name);
    close.push(b'>');
    let bytes = doc.as_bytes();
    let mut depth = 0usize;
    let mut at = te;
    loop {
        let c = at + memchr::memmem::find(bytes.get(at..)?, &close)?;
        match starts.find_before(doc, at, c) {
            Some(o) => {
                let ote = tag_end(doc, o)?;
                if doc.as_bytes().get(ote - 2) != Some(&b'/') {
                    depth += 1;
                }
                at = ote;
            }
            None if depth > 0 => {
                depth -= 1;
                at = c + close.len();
            }
            None => {
                return Some(Span {
                    start,
                    tag_end: te,
                    end: c + close.len(),
                })
            }
        }
    }
}

/// The first element `name` at or after `from`.
pub fn find_element(doc: &str, name: &str, from: usize) -> Option<Span> {
    let s = find_start(doc, name, from)?;
    element_at(doc, name, s)
}

/// Every element `name` in `doc[from..to]`, in order.
pub fn elements(doc: &str, name: &str, from: usize, to: usize) -> Vec<Span> {
    elements_with(doc, &StartFinder::new(name), from, to)
}

/// [`elements`] with the start-tag searcher of their name already built.
pub fn elements_with(doc: &str, starts: &StartFinder, from: usize, to: usize) -> Vec<Span> {
    let mut out = Vec::new();
    let mut at = from;
    while let Some(s) = starts.find_before(doc, at, to) {
        match element_with(doc, starts, s) {
            Some(span) if span.end <= to => {
                at = span.end;
                out.push(span);
            }
            _ => break,
        }
    }
    out
}

/// The (unescaped) value of attribute `name` in a start tag.
pub fn attr(tag: &str, name: &str) -> Option<String> {
    attr_span(tag, name).map(|(vs, ve, _)| unescape(&tag[vs..ve]))
}

/// (value start, value end, attribute start) of attribute `name` in a start tag.
pub(super) fn attr_span(tag: &str, name: &str) -> Option<(usize, usize, usize)> {
    let bytes = tag.as_bytes();
    // Skip the element name.
    let mut i = 1;
    while i < bytes.len() && !name_ends(bytes[i]) {
        i += 1;
    }
    loop {
        while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\r' | b'\n') {
            i += 1;
        }
        if i >= bytes.len() || bytes[i] == b'/' || bytes[i] == b'>' {
            return None;
        }
        let ns = i;
        while i < bytes.len() && bytes[i] != b'=' && !name_ends(bytes[i]) {
            i += 1;
        }
        let an = &tag[ns..i];
        while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\'' {
            i += 1;
        }
        let q = *bytes.get(i)?;
        let vs = i + 1;
        let ve = vs + tag.get(vs..)?.find(q as char)?;
        if an == name {
            return Some((vs, ve, ns));
        }
        i = ve + 1;
    }
}

/// The start tag with attribute `name` set to `value` (replaced in place, or added at the end).
pub fn set_attr(tag: &str, name: &str, value: &str) -> String {
    let v = escape_attr(value);
    if let Some((vs, ve, _)) = attr_span(tag, name) {
        return format!("{}{}{}", &tag[..vs], v, &tag[ve..]);
    }
    let close = if tag.ends_with("/>") {
        tag.len() - 2
    } else {
        tag.len() - 1
    };
    format!(
        "{} {name}=\"{v}\"{}",
        tag[..close].trim_end(),
        &tag[close..]
    )
}

/// The start tag without attribute `name`.
pub fn remove_attr(tag: &str, name: &str) -> String {
    match attr_span(tag, name) {
        Some((_, ve, ns)) => {
            let mut start = ns;
            while start > 0 && tag.as_bytes()[start - 1].is_ascii_whitespace() {
                start -= 1;
            }
            format!("{}{}", &tag[..start], &tag[ve + 1..])
        }
        None => tag.to_string(),
    }
}

pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            // XML 1.0 forbids most control characters; Excel writes them as _xHHHH_.
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' && c != '\r' => {
                out.push_str(&format!("_x{:04X}_", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

pub fn escape_attr(s: &str) -> String {
    escape_text(s).replace('"', "&quot;").replace('\n', "&#10;")
}

pub fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let Some(semi) = tail.find(';') else {
            out.push_str(tail);
            return out;
        };
        let ent = &tail[1..semi];
        let ch = match ent {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ if ent.starts_with("#x") => u32::from_str_radix(&ent[2..], 16)
                .ok()
                .and_then(char::from_u32),
            _ if ent.starts_with('#') => ent[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match ch {
            Some(c) => out.push(c),
            None => out.push_str(&tail[..=semi]),
        }
        rest = &tail[semi + 1..];
    }
    out.push_str(rest);
    out
}

/// The concatenated text of every `<t>` element in `doc` (a shared string, an inline string, or a
/// note's text), unescaped. Phonetic runs (`<rPh>`) are skipped.
pub fn text_of(doc: &str) -> String {
    let mut out = String::new();
    let mut at = 0;
    let skip: Vec<Span> = elements(doc, "rPh", 0, doc.len());
    while let Some(span) = find_element(doc, "t", at) {
        at = span.end;
        if skip
            .iter()
            .any(|r| r.start <= span.start && span.end <= r.end)
        {
            continue;
        }
        out.push_str(&unescape(span.inner(doc)));
    }
    out
}

/// The top-level children of the root element: (qualified name, span), in order.
pub fn children_of_root(doc: &str) -> Option<(Span, Vec<(String, Span)>)> {
    let bytes = doc.as_bytes();
    let mut i = 0;
    // Skip the declaration, comments and processing instructions before the root.
    let root_start = loop {
        let p = i + doc.get(i..)?.find('<')?;
        match bytes.get(p + 1) {
            Some(b'?') => i = p + doc.get(p..)?.find("?>")? + 2,
            Some(b'!') => i = p + doc.get(p..)?.find('>')? + 1,
            _ => break p,
        }
    };
    let root_name_end =
        root_start + 1 + bytes[root_start + 1..].iter().position(|b| name_ends(*b))?;
    let root_name = &doc[root_start + 1..root_name_end];
    let root = element_at(doc, root_name, root_start)?;
    let mut out = Vec::new();
    let mut at = root.tag_end;
    let limit = root.end.saturating_sub(root_name.len() + 3);
    while at < limit {
        let p = at + doc.get(at..limit)?.find('<')?;
        match bytes.get(p + 1) {
            Some(b'/') => break,
            Some(b'?') => {
                at = p + doc.get(p..)?.find("?>")? + 2;
                continue;
            }
            Some(b'!') => {
                at = p + doc
                    .get(p..)?
                    .find("-->")
                    .map(|e| e + 3)
                    .or_else(|| doc.get(p..)?.find('>').map(|e| e + 1))?;
                continue;
            }
            _ => {}
        }
        let ne = p + 1 + bytes[p + 1..].iter().position(|b| name_ends(*b))?;
        let name = doc[p + 1..ne].to_string();
        let span = element_at(doc, &name, p)?;
        at = span.end;
        out.push((name, span));
    }
    Some((root, out))
}

/// The unescaped text of the first element `name` in `doc`.
pub fn text_of_named(doc: &str, name: &str) -> Option<String> {
    find_element(doc, name, 0).map(|s| unescape(s.inner(doc)))
}

/// "A1" → (0, 0). None when it is not a cell reference.
pub fn parse_ref(r: &str) -> Option<(u32, u32)> {
    let r = r.trim().trim_start_matches('$');
    let letters = r.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
    if letters == 0 || letters > 3 {
        return None;
    }
    let mut col: u32 = 0;
    for b in r[..letters].bytes() {
        col = col * 26 + u32::from(b.to_ascii_uppercase() - b'A' + 1);
    }
    let row: u32 = r[letters..].trim_start_matches('$').parse().ok()?;
    if row == 0 {
        return None;
    }
    Some((row - 1, col - 1))
}

/// (0, 0) → "A1".
pub fn cell_ref(row: u32, col: u32) -> String {
    format!("{}{}", col_name(col), row + 1)
}

pub fn col_name(col: u32) -> String {
    let mut n = col + 1;
    let mut s = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        s.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_read_set_and_removed() {
        let t = r#"<c r="B2" s='3' t="s">"#;
        assert_eq!(attr(t, "s").as_deref(), Some("3"));
        assert_eq!(attr(t, "r").as_deref(), Some("B2"));
        assert_eq!(set_attr(t, "s", "9"), r#"<c r="B2" s='9' t="s">"#);
        assert_eq!(set_attr(r#"<c r="B2"/>"#, "s", "9"), r#"<c r="B2" s="9"/>"#);
        assert_eq!(remove_attr(t, "t"), r#"<c r="B2" s='3'>"#);
        assert_eq!(
            attr(
                r#"<sheetView tabSelected="1" workbookViewId="0">"#,
                "tabSelected"
            )
            .as_deref(),
            Some("1")
        );
    }

    #[test]
    fn elements_are_found_by_whole_name() {
        let d = r#"<sheetData><row r="1"><c r="A1"><v>1</v></c><col/></row></sheetData><cols/>"#;
        let rows = elements(d, "row", 0, d.len());
        assert_eq!(rows.len(), 1);
        let cells = elements(d, "c", rows[0].tag_end, rows[0].end);
        assert_eq!(cells.len(), 1);
        assert_eq!(cells[0].inner(d), "<v>1</v>");
        assert!(find_element(d, "cols", 0).is_some_and(|s| s.self_closing()));
    }

    #[test]
    fn references_round_trip() {
        assert_eq!(parse_ref("A1"), Some((0, 0)));
        assert_eq!(parse_ref("AA10"), Some((9, 26)));
        assert_eq!(cell_ref(9, 26), "AA10");
        assert_eq!(cell_ref(0, 16383), "XFD1");
        assert_eq!(parse_ref("1A"), None);
    }

    #[test]
    fn text_is_unescaped_and_phonetics_skipped() {
        let d = "<si><t>課</t><rPh sb=\"0\" eb=\"1\"><t>カ</t></rPh><t xml:space=\"preserve\"> &amp;1</t></si>";
        assert_eq!(text_of(d), "課 &1");
        assert_eq!(escape_text("a<b\u{1}"), "a&lt;b_x0001_");
    }
}

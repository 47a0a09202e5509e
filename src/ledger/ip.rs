//! IP address cells: one or more addresses separated by `,` `、` `;` or line breaks, IPv4 and IPv6,
//! with an optional prefix length, typed in full-width or with spaces and leading zeros.

use crate::text;
use std::borrow::Cow;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::ops::Range;

/// What one IP cell holds.
#[derive(Debug, Clone, PartialEq)]
pub enum IpCell {
    /// `-`, `なし`, `N/A` …: deliberately no address.
    NotApplicable,
    /// `DHCP`, `DHCP取得`, `自動取得` …
    Dhcp,
    Entries(Vec<IpEntry>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct IpEntry {
    /// The entry as typed (one part of the cell).
    pub raw: String,
    /// Where the address itself is in the cell text given to [`parse_ip_cell`], in bytes: the
    /// address without its label (`１９２．１６８．１．５` of `１９２．１６８．１．５(管理用)`). For an
    /// unreadable entry, the whole entry.
    pub span: Range<usize>,
    pub parsed: IpParse,
}

#[derive(Debug, Clone, PartialEq)]
pub enum IpParse {
    Valid {
        addr: IpAddr,
        /// Prefix length if typed (`192.168.1.5/24`).
        prefix: Option<u8>,
        /// Canonical text (`192.168.10.54`, or with `/24` when typed with a prefix).
        canonical: String,
        /// Why the typed form is not canonical (IP003), if it is not.
        non_canonical: Option<NonCanonical>,
    },
    /// `192.168.〇.〇`, `192.168.x.x`, `*`, `xxx.xxx.xxx.xxx` (IP002).
    Placeholder,
    /// Not an address (IP001): octet 300, too few octets, letters …
    Invalid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NonCanonical {
    FullWidth,
    InnerSpace,
    LeadingZeros,
}

/// Parses an IP cell's text.
///
/// - Entries are separated by `,` `、` `，` `;` `；` and line breaks (not inside brackets); `/` is
///   a prefix length, never a separator. Two complete addresses separated only by spaces are two
///   entries.
/// - A whole cell (or every entry) of `-`/`なし`/`N/A`… is [`IpCell::NotApplicable`]; of
///   `DHCP`/`自動取得`… is [`IpCell::Dhcp`]. In a cell that also holds addresses such entries are
///   dropped (`DHCP, 192.168.1.10` is one address entry).
/// - A label next to an address (`192.168.1.10(管理用)`, `iLO: 192.168.1.11`,
///   `192.168.1.10 プリンタ`) is ignored and does not make the entry non-canonical.
/// - A blank cell is `Entries(vec![])`.
pub fn parse_ip_cell(raw: &str) -> IpCell {
    let cell = text::trim(raw);
    if cell.is_empty() {
        return IpCell::Entries(Vec::new());
    }
    let mut entries = Vec::new();
    let (mut dhcp, mut not_applicable) = (false, false);
    for part in split_entries(cell) {
        let part = text::trim(part);
        if part.is_empty() {
            continue;
        }
        match classify_word(part) {
            Some(Word::Dhcp) => dhcp = true,
            Some(Word::NotApplicable) => not_applicable = true,
            None => parse_entry(raw, part, &mut entries),
        }
    }
    if entries.is_empty() {
        if dhcp {
            return IpCell::Dhcp;
        }
        if not_applicable {
            return IpCell::NotApplicable;
        }
    }
    IpCell::Entries(entries)
}

/// The cell with every address typed non-canonically (full-width, inner spaces, leading zeros)
/// replaced by its canonical form; labels, separators, placeholders and unreadable entries stay
/// as typed, and spaces around the whole cell are dropped. `None` when no address changes.
///
/// `１９２．１６８．１．５(管理用)` -> `192.168.1.5(管理用)`,
/// `192.168.010.054 プリンタ、192.168.1.6` -> `192.168.10.54 プリンタ、192.168.1.6`.
pub fn canonical_cell(raw: &str) -> Option<String> {
    let IpCell::Entries(entries) = parse_ip_cell(raw) else {
        return None;
    };
    let mut out = String::with_capacity(raw.len());
    let mut copied = 0;
    let mut changed = false;
    for entry in &entries {
        let IpParse::Valid {
            canonical,
            non_canonical: Some(_),
            ..
        } = &entry.parsed
        else {
            continue;
        };
        let span = entry.span.clone();
        let Some(before) = raw.get(copied..span.start) else {
            continue;
        };
        if span.end > raw.len() || !raw.is_char_boundary(span.end) {
            continue;
        }
        out.push_str(before);
        out.push_str(canonical);
        copied = span.end;
        changed = true;
    }
    if !changed {
        return None;
    }
    out.push_str(&raw[copied..]);
    Some(text::trim(&out).to_string())
}

/// Parses one address as typed (no separators, no label): full-width, inner spaces, leading
/// zeros, a `/prefix` (or a dotted netmask), an IPv6 zone (`%eth0`) are all understood.
pub fn parse_ip_address(s: &str) -> IpParse {
    let s = text::trim(s);
    if s.is_empty() || s.len() > 200 {
        return IpParse::Invalid;
    }
    let mut full_width = false;
    let mut inner_space = false;
    let norm: Cow<str> = if s.is_ascii() {
        if s.bytes().any(|b| b.is_ascii_whitespace()) {
            inner_space = true;
            Cow::Owned(s.chars().filter(|c| !c.is_ascii_whitespace()).collect())
        } else {
            // Fast path: the common case allocates nothing here.
            Cow::Borrowed(s)
        }
    } else {
        for c in s.chars() {
            if is_space_like(c) {
                inner_space = true;
            } else if !c.is_ascii() && !is_placeholder_char(c) {
                full_width = true;
            }
        }
        Cow::Owned(
            text::nfkc(s)
                .chars()
                .filter(|&c| !is_space_like(c))
                .map(|c| match c {
                    '。' | '､' => '.',
                    c => c,
                })
                .collect(),
        )
    };
    let Some(addr) = parse_normalised(&norm) else {
        return IpParse::Invalid;
    };
    let Parsed::Addr {
        addr,
        prefix,
        zone,
        leading_zeros,
    } = addr
    else {
        return IpParse::Placeholder;
    };
    let mut canonical = addr.to_string();
    if let Some(zone) = zone {
        canonical.push('%');
        canonical.push_str(zone);
    }
    if let Some(p) = prefix {
        canonical.push('/');
        canonical.push_str(&p.to_string());
    }
    let non_canonical = if full_width {
        Some(NonCanonical::FullWidth)
    } else if inner_space {
        Some(NonCanonical::InnerSpace)
    } else if leading_zeros {
        Some(NonCanonical::LeadingZeros)
    } else {
        None
    };
    IpParse::Valid {
        addr,
        prefix,
        canonical,
        non_canonical,
    }
}

enum Word {
    Dhcp,
    NotApplicable,
}

/// Whole-entry words: `DHCP`, `自動取得`, `-`, `なし` …
fn classify_word(part: &str) -> Option<Word> {
    // Fast path: an entry that starts like an address is never a word.
    if part.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    if super::words::is_not_applicable(part) {
        return Some(Word::NotApplicable);
    }
    let k = text::key(part);
    // Digits make an address entry, except in the words IPv4 / IPv6 (「IPv4自動取得」).
    if k.replace("ipv4", "")
        .replace("ipv6", "")
        .chars()
        .any(|c| c.is_ascii_digit())
    {
        return None;
    }
    // `なし(予備機)`, `-（未接続）`
    let unlabelled = strip_label(part);
    if unlabelled.len() < part.len() && super::words::is_not_applicable(unlabelled) {
        return Some(Word::NotApplicable);
    }
    // templates/vocab.toml [ip]: 「スタンドアロン」「ネットワーク未接続」 have no address;
    // 「DHCP（自動取得）」「自動取得」「固定なし」 no fixed one.
    if super::words::is_unconnected_ip_word(&k) {
        return Some(Word::NotApplicable);
    }
    super::words::is_dynamic_ip_word(&k).then_some(Word::Dhcp)
}

fn is_separator(c: char) -> bool {
    matches!(
        c,
        ',' | '、' | '，' | '､' | ';' | '；' | '\n' | '\r' | '\u{2028}' | '\u{2029}' | '\u{0B}'
    )
}

fn is_open_bracket(c: char) -> bool {
    matches!(
        c,
        '(' | '（' | '[' | '［' | '【' | '〔' | '〈' | '《' | '「' | '<' | '＜' | '{' | '｛'
    )
}

fn is_close_bracket(c: char) -> bool {
    matches!(
        c,
        ')' | '）' | ']' | '］' | '】' | '〕' | '〉' | '》' | '」' | '>' | '＞' | '}' | '｝'
    )
}

/// Splits a cell on the separators outside brackets (`192.168.1.10(管理用、iLO)` is one entry).
fn split_entries(cell: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in cell.char_indices() {
        if is_open_bracket(c) {
            depth += 1;
        } else if is_close_bracket(c) {
            depth = depth.saturating_sub(1);
        } else if depth == 0 && is_separator(c) {
            parts.push(&cell[start..i]);
            start = i + c.len_utf8();
        }
    }
    parts.push(&cell[start..]);
    parts
}

/// The address part of an entry without its bracketed label: `192.168.1.10(管理用)` ->
/// `192.168.1.10`, `(管理)192.168.1.10` -> `192.168.1.10`, `[fe80::1]` -> `fe80::1`.
fn strip_label(part: &str) -> &str {
    let Some((open, c)) = part.char_indices().find(|&(_, c)| is_open_bracket(c)) else {
        return part;
    };
    if open > 0 {
        let before = text::trim(&part[..open]);
        if !before.is_empty() {
            return before;
        }
    }
    let inner_start = open + c.len_utf8();
    let Some(close) = part[inner_start..]
        .char_indices()
        .find(|&(_, c)| is_close_bracket(c))
        .map(|(i, c)| (inner_start + i, c.len_utf8()))
    else {
        return part;
    };
    let after = text::trim(&part[close.0 + close.1..]);
    if !after.is_empty() {
        after
    } else {
        text::trim(&part[inner_start..close.0])
    }
}

/// The text inside the first pair of brackets.
fn bracket_contents(part: &str) -> Option<&str> {
    let (open, c) = part.char_indices().find(|&(_, c)| is_open_bracket(c))?;
    let inner = &part[open + c.len_utf8()..];
    let close = inner.find(is_close_bracket)?;
    Some(text::trim(&inner[..close]))
}

fn is_ok(p: &IpParse) -> bool {
    !matches!(p, IpParse::Invalid)
}

/// Records one entry: `part` as typed, `addr` the address text inside it (both slices of `cell`).
fn push(out: &mut Vec<IpEntry>, cell: &str, part: &str, addr: &str, parsed: IpParse) {
    out.push(IpEntry {
        raw: part.to_string(),
        span: span_in(cell, text::trim(addr)),
        parsed,
    });
}

/// The byte range of `inner` in `outer`; `inner` is always a slice of `outer` here (every entry
/// and address is cut from the cell text), so the pointer difference is its offset.
fn span_in(outer: &str, inner: &str) -> Range<usize> {
    let start = (inner.as_ptr() as usize).wrapping_sub(outer.as_ptr() as usize);
    if start > outer.len() || outer.len() - start < inner.len() {
        debug_assert!(false, "span_in: not a slice of the cell");
        return 0..0;
    }
    start..start + inner.len()
}

/// Parses one entry of a cell (one address, or two separated by spaces), trying the ways people
/// attach labels when the text as a whole is not an address.
fn parse_entry(cell: &str, part: &str, out: &mut Vec<IpEntry>) {
    let addr = strip_label(part);
    let parsed = parse_ip_address(addr);
    if is_ok(&parsed) {
        return push(out, cell, part, addr, parsed);
    }
    // Several addresses separated by spaces, or an address and a word (`192.168.1.10 プリンタ`,
    // `管理用 192.168.1.10`).
    let tokens: Vec<&str> = addr
        .split(is_space_like)
        .filter(|t| !t.is_empty())
        .take(64)
        .collect();
    if tokens.len() >= 2 {
        let parsed: Vec<IpParse> = tokens.iter().map(|t| parse_ip_address(t)).collect();
        if parsed.iter().all(|p| matches!(p, IpParse::Valid { .. })) {
            for (t, p) in tokens.iter().zip(parsed) {
                push(out, cell, t, t, p);
            }
            return;
        }
        let ok: Vec<usize> = (0..parsed.len()).filter(|&i| is_ok(&parsed[i])).collect();
        if let [only] = ok[..] {
            let others_are_words = tokens
                .iter()
                .enumerate()
                .all(|(i, t)| i == only || !t.chars().any(|c| c.is_numeric()));
            if others_are_words {
                if let Some(p) = parsed.into_iter().nth(only) {
                    return push(out, cell, part, tokens[only], p);
                }
            }
        }
    }
    // `iLO: 192.168.1.11`, `管理用：192.168.1.10` (but not the `fe80:` of an IPv6 address).
    if let Some((i, c)) = addr.char_indices().find(|&(_, c)| c == ':' || c == '：') {
        let label = text::trim(&addr[..i]);
        if !label.is_empty() && !label.chars().all(|c| c.is_ascii_hexdigit()) {
            let after = &addr[i + c.len_utf8()..];
            let p = parse_ip_address(after);
            if is_ok(&p) {
                return push(out, cell, part, after, p);
            }
        }
    }
    // A label glued to the end: `192.168.1.10プリンタ`.
    if let Some((i, _)) = addr.char_indices().find(|&(_, c)| is_label_char(c)) {
        if i > 0 {
            let p = parse_ip_address(&addr[..i]);
            if is_ok(&p) {
                return push(out, cell, part, &addr[..i], p);
            }
        }
    }
    // An address inside the brackets: `DHCP(192.168.1.10)`, `本体（192.168.1.10）`.
    if let Some(inner) = bracket_contents(part) {
        let p = parse_ip_address(inner);
        if is_ok(&p) {
            return push(out, cell, part, inner, p);
        }
    }
    if super::words::is_placeholder(addr) {
        return push(out, cell, part, part, IpParse::Placeholder);
    }
    push(out, cell, part, part, IpParse::Invalid)
}

/// Whitespace, and the invisible characters that end up inside pasted addresses.
fn is_space_like(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

/// Characters standing for an unknown octet in templates: `192.168.〇.〇`, `192.168.x.x`.
fn is_placeholder_char(c: char) -> bool {
    matches!(
        c,
        '〇' | '○'
            | '◯'
            | '●'
            | 'x'
            | 'X'
            | 'ｘ'
            | 'Ｘ'
            | '*'
            | '＊'
            | '△'
            | '▲'
            | '?'
            | '？'
            | '×'
            | '□'
            | '■'
    )
}

/// A character that can only start a label: not ASCII, not a full-width form of ASCII, not an
/// ideographic full stop or a placeholder mark.
fn is_label_char(c: char) -> bool {
    !c.is_ascii()
        && !('\u{FF01}'..='\u{FF5E}').contains(&c)
        && !matches!(c, '。' | '､' | '、')
        && !is_space_like(c)
        && !is_placeholder_char(c)
}

enum Parsed<'a> {
    Addr {
        addr: IpAddr,
        prefix: Option<u8>,
        zone: Option<&'a str>,
        leading_zeros: bool,
    },
    Placeholder,
}

/// Parses NFKC'd text without spaces. `None` = invalid.
fn parse_normalised(s: &str) -> Option<Parsed<'_>> {
    if s.is_empty() {
        return None;
    }
    if s.chars().any(is_placeholder_char) && s.chars().all(|c| is_placeholder_char(c) || c == '.') {
        // `*`, `xxx.xxx.xxx.xxx`, `〇〇`
        return Some(Parsed::Placeholder);
    }
    let (addr, prefix) = match s.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (s, None),
    };
    if addr.contains(':') {
        parse_v6(addr, prefix)
    } else {
        parse_v4(addr, prefix)
    }
}

/// A prefix length: digits up to `max` (leading zeros noted), or for IPv4 a dotted netmask.
fn parse_prefix(p: &str, max: u8, leading_zeros: &mut bool) -> Option<u8> {
    if !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()) {
        let v: u8 = p.parse().ok()?;
        if v > max {
            return None;
        }
        if p.len() > 1 && p.starts_with('0') {
            *leading_zeros = true;
        }
        return Some(v);
    }
    if max == 32 {
        let mask = u32::from(p.parse::<Ipv4Addr>().ok()?);
        let ones = mask.leading_ones();
        if ones + mask.trailing_zeros() == 32 || mask == 0 {
            return u8::try_from(ones).ok();
        }
    }
    None
}

fn parse_v4<'a>(addr: &'a str, prefix: Option<&str>) -> Option<Parsed<'a>> {
    let mut octets = [0u8; 4];
    let mut count = 0usize;
    let mut leading_zeros = false;
    let mut placeholder = false;
    for part in addr.split('.') {
        if count == 4 {
            return None;
        }
        if part.is_empty() {
            return None;
        }
        if part.bytes().all(|b| b.is_ascii_digit()) {
            let digits = part.trim_start_matches('0');
            if digits.len() > 3 {
                return None;
            }
            let v: u16 = if digits.is_empty() {
                0
            } else {
                digits.parse().ok()?
            };
            octets[count] = u8::try_from(v).ok()?;
            if part.len() > 1 && part.starts_with('0') {
                leading_zeros = true;
            }
        } else if part
            .chars()
            .all(|c| is_placeholder_char(c) || c.is_ascii_digit())
        {
            // `x`, `xxx`, `1xx`, `〇〇`
            placeholder = true;
        } else {
            return None;
        }
        count += 1;
    }
    if placeholder {
        return Some(Parsed::Placeholder);
    }
    if count != 4 {
        return None;
    }
    let prefix = match prefix {
        Some(p) => Some(parse_prefix(p, 32, &mut leading_zeros)?),
        None => None,
    };
    Some(Parsed::Addr {
        addr: IpAddr::V4(Ipv4Addr::from(octets)),
        prefix,
        zone: None,
        leading_zeros,
    })
}

fn parse_v6<'a>(addr: &'a str, prefix: Option<&str>) -> Option<Parsed<'a>> {
    if !addr.is_ascii() {
        return None;
    }
    let (addr, zone) = match addr.split_once('%') {
        Some((a, z)) => {
            let zone_ok = !z.is_empty()
                && z.len() <= 64
                && z.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
            if !zone_ok {
                return None;
            }
            (a, Some(z))
        }
        None => (addr, None),
    };
    if addr
        .split(':')
        .any(|g| !g.is_empty() && g.chars().all(is_placeholder_char))
        && addr.split(':').all(|g| {
            g.chars()
                .all(|c| c.is_ascii_hexdigit() || is_placeholder_char(c))
        })
    {
        // `2001:db8::xxxx`
        return Some(Parsed::Placeholder);
    }
    let ip: Ipv6Addr = addr.parse().ok()?;
    let mut leading_zeros = addr
        .split(':')
        .any(|g| g.len() > 1 && !g.contains('.') && g.starts_with('0'));
    let prefix = match prefix {
        Some(p) => Some(parse_prefix(p, 128, &mut leading_zeros)?),
        None => None,
    };
    Some(Parsed::Addr {
        addr: IpAddr::V6(ip),
        prefix,
        zone,
        leading_zeros,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(s: &str) -> Vec<IpEntry> {
        match parse_ip_cell(s) {
            IpCell::Entries(e) => e,
            other => panic!("{s}: expected entries, got {other:?}"),
        }
    }

    /// The single entry of a cell.
    fn one(s: &str) -> IpParse {
        let e = entries(s);
        assert_eq!(e.len(), 1, "{s}: {e:?}");
        e.into_iter()
            .next()
            .map(|e| e.parsed)
            .unwrap_or(IpParse::Invalid)
    }

    /// (canonical, prefix, non_canonical) of a single valid entry.
    fn valid(s: &str) -> (String, Option<u8>, Option<NonCanonical>) {
        match one(s) {
            IpParse::Valid {
                canonical,
                prefix,
                non_canonical,
                addr,
            } => {
                let bare = canonical.split(['/', '%']).next().unwrap_or_default();
                assert_eq!(addr.to_string(), bare, "{s}");
                (canonical, prefix, non_canonical)
            }
            other => panic!("{s}: expected valid, got {other:?}"),
        }
    }

    #[test]
    fn plain_ipv4() {
        for s in [
            "192.168.1.1",
            " 192.168.1.1 ",
            "\u{3000}192.168.1.1\u{3000}",
            "192.168.1.1\n",
            "192.168.1.1,",
            "192.168.1.1(管理用)",
            "192.168.1.1 （プリンタ）",
            "192.168.1.1【本体】",
            "192.168.1.1 (管理用、iLO)",
            "(管理用)192.168.1.1",
            "192.168.1.1 プリンタ",
            "192.168.1.1プリンタ",
            "管理用 192.168.1.1",
            "iLO: 192.168.1.1",
            "管理用：192.168.1.1",
            "192.168.1.1 (未定)",
        ] {
            assert_eq!(valid(s), ("192.168.1.1".into(), None, None), "{s}");
        }
        assert_eq!(valid("0.0.0.0").0, "0.0.0.0");
        assert_eq!(valid("255.255.255.255").0, "255.255.255.255");
        assert_eq!(valid("10.0.0.1").0, "10.0.0.1");
    }

    #[test]
    fn full_width() {
        for s in [
            "１９２．１６８．１．１",
            "１９２.１６８.１.１",
            "192．168．1．1",
            "192。168。1。1",
            "１９２．１６８．１．１（管理用）",
        ] {
            assert_eq!(
                valid(s),
                ("192.168.1.1".into(), None, Some(NonCanonical::FullWidth)),
                "{s}"
            );
        }
        assert_eq!(
            valid("１９２．１６８．０１０．０５４／２４"),
            (
                "192.168.10.54/24".into(),
                Some(24),
                Some(NonCanonical::FullWidth)
            )
        );
    }

    #[test]
    fn inner_space() {
        for s in [
            "192.168. 1.5",
            "192.168 .1.5",
            "192. 168. 1. 5",
            "192.168.\u{3000}1.5",
            "192.168.1.\u{200B}5",
        ] {
            assert_eq!(
                valid(s),
                ("192.168.1.5".into(), None, Some(NonCanonical::InnerSpace)),
                "{s}"
            );
        }
        assert_eq!(
            valid("192.168.1.5 / 24"),
            (
                "192.168.1.5/24".into(),
                Some(24),
                Some(NonCanonical::InnerSpace)
            )
        );
    }

    #[test]
    fn leading_zeros_are_decimal() {
        assert_eq!(
            valid("192.168.010.054"),
            (
                "192.168.10.54".into(),
                None,
                Some(NonCanonical::LeadingZeros)
            )
        );
        assert_eq!(
            valid("010.000.000.001"),
            ("10.0.0.1".into(), None, Some(NonCanonical::LeadingZeros))
        );
        assert_eq!(
            valid("192.168.001.255"),
            (
                "192.168.1.255".into(),
                None,
                Some(NonCanonical::LeadingZeros)
            )
        );
        assert_eq!(valid("192.168.1.0"), ("192.168.1.0".into(), None, None));
        assert_eq!(
            valid("192.168.0010.1"),
            (
                "192.168.10.1".into(),
                None,
                Some(NonCanonical::LeadingZeros)
            )
        );
    }

    #[test]
    fn prefixes() {
        assert_eq!(
            valid("192.168.1.5/24"),
            ("192.168.1.5/24".into(), Some(24), None)
        );
        assert_eq!(valid("10.0.0.0/8"), ("10.0.0.0/8".into(), Some(8), None));
        assert_eq!(valid("10.0.0.1/32"), ("10.0.0.1/32".into(), Some(32), None));
        assert_eq!(valid("10.0.0.1/0"), ("10.0.0.1/0".into(), Some(0), None));
        assert_eq!(
            valid("192.168.1.5/255.255.255.0"),
            ("192.168.1.5/24".into(), Some(24), None)
        );
        assert_eq!(
            valid("192.168.1.5/024"),
            (
                "192.168.1.5/24".into(),
                Some(24),
                Some(NonCanonical::LeadingZeros)
            )
        );
        assert_eq!(
            valid("192.168.1.5／24"),
            (
                "192.168.1.5/24".into(),
                Some(24),
                Some(NonCanonical::FullWidth)
            )
        );
        for s in [
            "192.168.1.5/33",
            "192.168.1.5/",
            "192.168.1.5/abc",
            "192.168.1.5/255.0.255.0",
            "192.168.1.5/99999999999999999999",
            "192.168.1.5/24/24",
            "192.168.1.1/192.168.1.2",
        ] {
            assert_eq!(one(s), IpParse::Invalid, "{s}");
        }
    }

    #[test]
    fn ipv6() {
        assert_eq!(valid("fe80::1"), ("fe80::1".into(), None, None));
        assert_eq!(valid("2001:db8::1"), ("2001:db8::1".into(), None, None));
        assert_eq!(valid("::1"), ("::1".into(), None, None));
        assert_eq!(valid("FE80::1"), ("fe80::1".into(), None, None));
        assert_eq!(
            valid("2001:0db8:0000:0000:0000:0000:0000:0001"),
            ("2001:db8::1".into(), None, Some(NonCanonical::LeadingZeros))
        );
        assert_eq!(
            valid("2001:db8:0:0:0:0:0:1"),
            ("2001:db8::1".into(), None, None)
        );
        assert_eq!(
            valid("2001:db8::/32"),
            ("2001:db8::/32".into(), Some(32), None)
        );
        assert_eq!(valid("fe80::1%eth0"), ("fe80::1%eth0".into(), None, None));
        assert_eq!(
            valid("fe80::1%eth0/64"),
            ("fe80::1%eth0/64".into(), Some(64), None)
        );
        assert_eq!(
            valid("ｆｅ８０：：１"),
            ("fe80::1".into(), None, Some(NonCanonical::FullWidth))
        );
        assert_eq!(valid("[fe80::1]"), ("fe80::1".into(), None, None));
        assert_eq!(
            valid("::ffff:192.168.1.1"),
            ("::ffff:192.168.1.1".into(), None, None)
        );
        assert_eq!(one("2001:db8::xxxx"), IpParse::Placeholder);
        for s in [
            "fe80::1::2",
            "2001:db8::g",
            "2001:db8::/129",
            "fe80::1%",
            "fe80::1%eth 0:",
            "12345::1",
            "1:2:3:4:5:6:7:8:9",
            ":",
            "::::",
        ] {
            assert_eq!(one(s), IpParse::Invalid, "{s}");
        }
    }

    #[test]
    fn placeholders() {
        for s in [
            "192.168.〇.〇",
            "192.168.○.○",
            "192.168.◯.◯",
            "192.168.●.●",
            "192.168.x.x",
            "192.168.X.X",
            "192.168.ｘ.ｘ",
            "192.168.1.xxx",
            "192.168.1.1xx",
            "192.168.*.*",
            "192.168.＊.＊",
            "192.168.△.△",
            "192.168.?.?",
            "192.168.？.？",
            "192.168.×.×",
            "192.168.〇〇.〇〇",
            "192.168.1.〇〇〇",
            "１９２．１６８．〇．〇",
            "192.168.x",
            "*",
            "＊",
            "***",
            "?",
            "xxx.xxx.xxx.xxx",
            "XXX.XXX.XXX.XXX",
            "〇〇〇.〇〇〇.〇〇〇.〇〇〇",
            "x",
            "TBD",
            "未定",
            "不明",
            "要確認",
            "192.168.x.x（予定）",
            "...",
        ] {
            assert_eq!(one(s), IpParse::Placeholder, "{s}");
        }
    }

    #[test]
    fn invalid() {
        for s in [
            "192.168.1.300",
            "192.168.1.256",
            "256.1.1.1",
            "192.168.1",
            "192.168.1.1.1",
            "192.168.1.",
            ".192.168.1.1",
            "192.168..1",
            "１９２．１６８．．１",
            "192.168.1.a",
            "abc",
            "localhost",
            "PC-001",
            "192.168.1.1-10",
            "192.168.1.1～192.168.1.5",
            "19216811",
            "192 168 1 1",
            "192.168.1.10:8080",
            "99999999999999999999999999999999",
            "1.2.3.99999999999999999999999999",
            "😀",
            "192.168.1.😀",
            "192.168.300.x",
            "1.2.3.4.x",
            "固定",
            ".",
            "/",
            "/24",
        ] {
            assert_eq!(one(s), IpParse::Invalid, "{s}");
        }
    }

    #[test]
    fn several_entries() {
        let e = entries("192.168.1.1, 192.168.1.2、192.168.1.3；192.168.1.4\n192.168.1.5\r\n192.168.1.6，192.168.1.7;192.168.1.8");
        let canon: Vec<String> = e
            .iter()
            .map(|e| match &e.parsed {
                IpParse::Valid { canonical, .. } => canonical.clone(),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(
            canon,
            (1..=8)
                .map(|i| format!("192.168.1.{i}"))
                .collect::<Vec<_>>()
        );
        assert_eq!(e[0].raw, "192.168.1.1");
        assert_eq!(e[1].raw, "192.168.1.2");

        let e = entries("192.168.1.10(管理用), 192.168.1.11（iLO）");
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].raw, "192.168.1.10(管理用)");
        assert!(matches!(
            e[1].parsed,
            IpParse::Valid {
                non_canonical: None,
                ..
            }
        ));

        // Spaces only between two whole addresses.
        let e = entries("192.168.1.1 192.168.1.2");
        assert_eq!(e.len(), 2);
        assert_eq!(e[1].raw, "192.168.1.2");

        // Mixed validity: each entry judged on its own.
        let e = entries("192.168.1.1, 192.168.1.300, 192.168.x.x");
        assert!(matches!(e[0].parsed, IpParse::Valid { .. }));
        assert_eq!(e[1].parsed, IpParse::Invalid);
        assert_eq!(e[2].parsed, IpParse::Placeholder);

        // The address inside brackets when the text outside is not one.
        let e = entries("DHCP(192.168.1.10)");
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].raw, "DHCP(192.168.1.10)");
        assert!(matches!(e[0].parsed, IpParse::Valid { .. }));
        assert!(matches!(
            one("DHCP予約 192.168.1.10"),
            IpParse::Valid { .. }
        ));

        // Empty parts are skipped.
        assert_eq!(entries(",,192.168.1.1,,\n\n").len(), 1);

        // IPv4 and IPv6 together.
        assert_eq!(entries("192.168.1.1\nfe80::1").len(), 2);

        // A DHCP / not-applicable entry next to an address is dropped.
        let e = entries("DHCP, 192.168.1.10");
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].raw, "192.168.1.10");
        assert_eq!(entries("192.168.1.10、-").len(), 1);
    }

    #[test]
    fn spans_point_at_the_address() {
        let cell = " １９２．１６８．１．５(管理用)、iLO: 192.168.010.054 ,192.168.1.7プリンタ";
        let e = entries(cell);
        let at: Vec<&str> = e.iter().map(|e| &cell[e.span.clone()]).collect();
        assert_eq!(
            at,
            ["１９２．１６８．１．５", "192.168.010.054", "192.168.1.7"]
        );
        let cell = "192.168.1.1 192.168.1.2\n[fe80::1]\nDHCP(192.168.1.9)\n192.168.x.x (予定)";
        let e = entries(cell);
        let at: Vec<&str> = e.iter().map(|e| &cell[e.span.clone()]).collect();
        assert_eq!(
            at,
            [
                "192.168.1.1",
                "192.168.1.2",
                "fe80::1",
                "192.168.1.9",
                "192.168.x.x"
            ]
        );
    }

    #[test]
    fn canonical_cells_keep_labels_and_separators() {
        for (typed, fixed) in [
            ("１９２．１６８．１．５", "192.168.1.5"),
            ("１９２．１６８．１．５(管理用)", "192.168.1.5(管理用)"),
            ("192.168.010.054 プリンタ", "192.168.10.54 プリンタ"),
            ("管理用：１９２．１６８．１．５", "管理用：192.168.1.5"),
            ("iLO: 192.168. 1.7", "iLO: 192.168.1.7"),
            ("１９２．１６８．１．５プリンタ", "192.168.1.5プリンタ"),
            ("本体（１９２．１６８．１．５）", "本体（192.168.1.5）"),
            (
                "192.168.001.010、１９２．１６８．１．６",
                "192.168.1.10、192.168.1.6",
            ),
            (
                "192.168.1.5(本体)，１９２．１６８．１．６（iLO）；192.168.001.7",
                "192.168.1.5(本体)，192.168.1.6（iLO）；192.168.1.7",
            ),
            ("192.168.〇.〇, 192.168.001.5", "192.168.〇.〇, 192.168.1.5"),
            ("192.168.1.300\n１０．０．０．１", "192.168.1.300\n10.0.0.1"),
            ("１９２．１６８．０１０．０５４／２４", "192.168.10.54/24"),
            ("DHCP, 192.168.01.5", "DHCP, 192.168.1.5"),
            ("2001:0db8::0001 (管理)", "2001:db8::1 (管理)"),
            (" 192.168.01.5 ", "192.168.1.5"),
        ] {
            assert_eq!(canonical_cell(typed).as_deref(), Some(fixed), "{typed}");
        }
        for unchanged in [
            "192.168.1.5",
            "192.168.1.5(管理用)",
            "192.168.〇.〇",
            "192.168.1.300",
            "DHCP",
            "-",
            "192.168.1.20, 192.168.2.20",
            "",
            " 192.168.1.5 ",
        ] {
            assert_eq!(canonical_cell(unchanged), None, "{unchanged}");
        }
    }

    #[test]
    fn not_applicable_and_dhcp() {
        for s in [
            "-",
            "－",
            "―",
            "ー",
            "なし",
            "無し",
            "該当なし",
            "N/A",
            "n/a",
            " - ",
            "-\n-",
            "なし(予備機)",
            "-（未接続）",
        ] {
            assert_eq!(parse_ip_cell(s), IpCell::NotApplicable, "{s}");
        }
        for s in [
            "DHCP",
            "dhcp",
            "ＤＨＣＰ",
            "DHCP取得",
            "DHCP(自動)",
            "DHCP（自動）",
            "自動取得",
            "自動",
            "IP自動取得(DHCP)",
            " DHCP ",
            "DHCP\nDHCP",
            "DHCP、自動取得",
        ] {
            assert_eq!(parse_ip_cell(s), IpCell::Dhcp, "{s}");
        }
    }

    #[test]
    fn blank_cells() {
        for s in ["", " ", "\u{3000}", "\n", " \r\n\t "] {
            assert_eq!(parse_ip_cell(s), IpCell::Entries(vec![]), "{s:?}");
        }
    }

    #[test]
    fn never_panics() {
        let long = "1".repeat(10_000);
        let many = "192.168.1.1,".repeat(1000);
        let dots = ".".repeat(10_000);
        let colons = ":".repeat(10_000);
        let brackets = "(".repeat(1000);
        for s in [
            "",
            "😀",
            "😀😀😀.😀.😀.😀",
            "１９２．１６８．．１",
            "2020/13/45",
            "令和999年",
            "99999999999999999999999999999999999999",
            "255.255.255.255/255.255.255.255",
            "0.0.0.0/0.0.0.0",
            "(",
            ")",
            "(192.168.1.1",
            "192.168.1.1)",
            "()",
            "[]",
            "：",
            ":",
            "%",
            "::%",
            "/",
            "//",
            "\u{0}",
            "\u{FEFF}192.168.1.1",
            "ｶﾞ",
            "①.②.③.④",
            long.as_str(),
            many.as_str(),
            dots.as_str(),
            colons.as_str(),
            brackets.as_str(),
        ] {
            let _ = parse_ip_cell(s);
            let _ = parse_ip_address(s);
            let _ = canonical_cell(s);
        }
        assert_eq!(one("\u{FEFF}192.168.1.1").clone(), {
            IpParse::Valid {
                addr: IpAddr::V4(Ipv4Addr::new(192, 168, 1, 1)),
                prefix: None,
                canonical: "192.168.1.1".into(),
                non_canonical: Some(NonCanonical::InnerSpace),
            }
        });
        assert_eq!(entries(&many).len(), 1000);
    }
}

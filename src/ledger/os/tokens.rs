use super::resolve::EditionKind;
use crate::text::nfkc;
use std::collections::HashMap;

#[derive(Debug, Clone)]
pub(super) enum Qualifier {
    Version {
        rows: Vec<usize>,
        canonical: String,
    },
    Edition {
        kind: EditionKind,
        canonical: String,
    },
    Word {
        canonical: String,
    },
    Exclude,
}

/// A run of tokens after (or before) the OS name, and what it is.
pub(super) struct QualifierSpan<'a> {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) item: Option<&'a Qualifier>,
    /// A version matched by a shorter number ("7" for "7.9").
    pub(super) truncated: bool,
}

/// Spellings by their glued-token key, with a sorted key list for prefix pruning.
pub(super) struct SpellingIndex<T> {
    pub(super) map: HashMap<String, T>,
    pub(super) sorted: Vec<String>,
}

/// Longest run of tokens glued into one spelling.
pub(super) const MAX_SPAN: usize = 8;

impl<T> SpellingIndex<T> {
    pub(super) fn new(map: HashMap<String, T>) -> SpellingIndex<T> {
        let mut sorted: Vec<String> = map.keys().cloned().collect();
        sorted.sort();
        SpellingIndex { map, sorted }
    }

    pub(super) fn has_prefix(&self, p: &str) -> bool {
        let i = self.sorted.partition_point(|k| k.as_str() < p);
        self.sorted.get(i).is_some_and(|k| k.starts_with(p))
    }

    /// Calls `f(end, value)` for every spelling made of `toks[i..end]`.
    pub(super) fn each_at<'s>(
        &'s self,
        toks: &[String],
        i: usize,
        mut f: impl FnMut(usize, &'s T),
    ) {
        let mut buf = String::new();
        for (j, t) in toks.iter().enumerate().skip(i).take(MAX_SPAN) {
            buf.push_str(t);
            if !self.has_prefix(&buf) {
                break;
            }
            if let Some(v) = self.map.get(&buf) {
                f(j + 1, v);
            }
        }
    }

    pub(super) fn longest_at(&self, toks: &[String], i: usize) -> Option<(usize, &T)> {
        let mut best = None;
        self.each_at(toks, i, |end, v| best = Some((end, v)));
        best
    }
}

/// Cuts `toks[from..to]` into known spellings (longest first) and unknown single tokens.
pub(super) fn split_qualifiers<'a>(
    index: &'a SpellingIndex<Qualifier>,
    toks: &[String],
    from: usize,
    to: usize,
) -> Vec<QualifierSpan<'a>> {
    let toks = &toks[..to.min(toks.len())];
    let mut out = Vec::new();
    let mut i = from;
    while i < toks.len() {
        if let Some((end, item)) = index.longest_at(toks, i) {
            out.push(QualifierSpan {
                start: i,
                end,
                item: Some(item),
                truncated: false,
            });
            i = end;
            continue;
        }
        let truncated = numeric_prefixes(&toks[i]).find_map(|p| match index.map.get(p) {
            Some(item @ Qualifier::Version { .. }) => Some(item),
            _ => None,
        });
        out.push(QualifierSpan {
            start: i,
            end: i + 1,
            item: truncated,
            truncated: truncated.is_some(),
        });
        i += 1;
    }
    out
}

/// Shorter forms of a dotted number: "7.9.2009" -> "7.9", "7"; a Windows build "10.0.19045.1"
/// also gives "19045".
pub(super) fn numeric_prefixes(tok: &str) -> impl Iterator<Item = &str> {
    let numeric = tok.starts_with(|c: char| c.is_ascii_digit());
    let mut rest = if numeric { Some(tok) } else { None };
    let build = if numeric {
        tok.strip_prefix("10.0.")
            .map(|b| b.split('.').next().unwrap_or(b))
    } else {
        None
    };
    std::iter::from_fn(move || {
        let cur = rest?;
        let cut = cur.rfind('.')?;
        let shorter = &cur[..cut];
        rest = Some(shorter);
        Some(shorter)
    })
    .chain(build)
}

// ---------------------------------------------------------------------------------------------
// Tokens.

/// Longest OS cell read: anything longer is not an OS name, and stays cheap.
pub(super) const MAX_CHARS: usize = 512;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum CharClass {
    Latin,
    Digit,
    Kana,
    Other,
}

/// NFKC + lower case (the text a few regexes see) and its tokens.
pub(super) fn tokenize(raw: &str) -> (String, Vec<String>) {
    let cut: String = raw.chars().take(MAX_CHARS).collect();
    let norm: String = nfkc(&cut).chars().flat_map(char::to_lowercase).collect();
    let chars: Vec<char> = norm.chars().collect();
    let mut toks = Vec::new();
    let mut cur = String::new();
    let mut cur_class = None;
    for (i, &c) in chars.iter().enumerate() {
        // A dot between digits stays inside the number ("7.9", "22.04").
        let inner_dot = c == '.'
            && cur_class == Some(CharClass::Digit)
            && chars.get(i + 1).is_some_and(char::is_ascii_digit);
        let class = if c.is_ascii_digit() || inner_dot {
            Some(CharClass::Digit)
        } else if c.is_ascii_alphabetic() {
            Some(CharClass::Latin)
        } else if matches!(c, '\u{30A1}'..='\u{30FA}' | '\u{30FC}') {
            Some(CharClass::Kana)
        } else if c.is_alphabetic() {
            Some(CharClass::Other)
        } else {
            None
        };
        if class != cur_class && !cur.is_empty() {
            toks.push(std::mem::take(&mut cur));
        }
        if class.is_some() {
            cur.push(c);
        }
        cur_class = class;
    }
    if !cur.is_empty() {
        toks.push(cur);
    }
    (norm, toks)
}

/// The comparison key of a spelling in the table or config: its tokens glued together.
pub(super) fn spelling_key(s: &str) -> Result<String, String> {
    let key = tokenize(s).1.concat();
    if key.is_empty() {
        Err(format!("spelling '{s}' has no letters or digits"))
    } else {
        Ok(key)
    }
}

//! Text normalisation shared by header matching and value parsers.
//!
//! NFKC folds full-width forms (`ＩＰ１` -> `IP1`) but also changes meaning in places (`①` -> `1`),
//! so callers normalise a *copy* for matching and always report the original text.

use unicode_normalization::UnicodeNormalization;

/// NFKC, with the dash and tilde look-alikes NFKC leaves alone mapped to ASCII. The katakana
/// long vowel `ー` is kept (it is part of words such as サーバ); [`key`] folds it too.
pub fn nfkc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for_each_nfkc(s, |c| out.push(fold_dash(c)));
    out
}

/// Feeds the NFKC form of `s` to `f`, skipping the normaliser when `s` is already NFKC (ASCII,
/// and most kana/kanji text: the quick check is a table lookup per char, normalising is a
/// decomposition and recomposition with an allocation). Called for every cell, so it matters.
fn for_each_nfkc(s: &str, f: impl FnMut(char)) {
    use unicode_normalization::{is_nfkc_quick, IsNormalized};
    if s.chars().all(is_plain_nfkc) || is_nfkc_quick(s.chars()) == IsNormalized::Yes {
        s.chars().for_each(f);
    } else {
        s.nfkc().for_each(f);
    }
}

/// Characters that are NFKC-stable, have no combining class and never combine with what
/// precedes them: ASCII, common Japanese punctuation, hiragana, katakana and CJK unified
/// ideographs. A string of only these is already NFKC (a combining mark that could compose with
/// them, such as U+3099, is not in this set). Much cheaper than the library's quick check.
pub fn is_plain_nfkc(c: char) -> bool {
    matches!(c,
        '\0'..='\u{7F}'
        | '\u{3001}'..='\u{3002}' // 、。
        | '\u{3005}'               // 々
        | '\u{3008}'..='\u{3011}' // 〈〉《》「」『』【】
        | '\u{3041}'..='\u{3096}' // hiragana
        | '\u{30A1}'..='\u{30FA}' // katakana
        | '\u{30FC}'..='\u{30FE}' // ー ヽ ヾ
        | '\u{4E00}'..='\u{9FFF}' // CJK unified ideographs
    )
}

/// `char::to_lowercase`, skipping the case tables for kana and kanji (which have no case).
fn push_lowercase(out: &mut String, c: char) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
    } else if ('\u{3000}'..='\u{9FFF}').contains(&c) {
        out.push(c);
    } else {
        out.extend(c.to_lowercase());
    }
}

/// Maps the dashes people type (and Excel autocorrects to) onto `-`.
pub fn fold_dash(c: char) -> char {
    match c {
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}' | '\u{FF0D}' => '-',
        '\u{301C}' | '\u{FF5E}' => '~',
        _ => c,
    }
}

/// Like [`fold_dash`], and also the long vowel marks, for IDs and pure-symbol cells where a `ー`
/// can only be a dash typed in kana mode.
pub fn fold_dash_and_long_vowel(c: char) -> char {
    match c {
        '\u{30FC}' | '\u{FF70}' => '-',
        _ => fold_dash(c),
    }
}

/// A key for comparing labels: NFKC, dashes folded, all whitespace (incl. U+3000) removed,
/// lower-cased.
pub fn key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    if s.is_ascii() {
        // NFKC and the dash folds leave ASCII alone.
        out.extend(
            s.chars()
                .filter(|c| !c.is_whitespace())
                .map(|c| c.to_ascii_lowercase()),
        );
        return out;
    }
    for_each_nfkc(s, |c| {
        let c = fold_dash(c);
        if !c.is_whitespace() {
            push_lowercase(&mut out, fold_dash_and_long_vowel(c));
        }
    });
    out
}

/// One character of [`key`] for a plain character (see [`is_plain_nfkc`]).
pub fn plain_key_char(c: char) -> char {
    fold_dash_and_long_vowel(c).to_ascii_lowercase()
}

/// `key(a) == key(b)`, without allocating when both are plain text (comparing a cell with its
/// column's header label on every row, say).
pub fn same_key(a: &str, b: &str) -> bool {
    let mut x = a.chars().filter(|c| !c.is_whitespace());
    let mut y = b.chars().filter(|c| !c.is_whitespace());
    loop {
        match (x.next(), y.next()) {
            (None, None) => return true,
            (Some(c), Some(d)) if is_plain_nfkc(c) && is_plain_nfkc(d) => {
                if plain_key_char(c) != plain_key_char(d) {
                    // A combining mark further on could still change this character.
                    if x.all(is_plain_nfkc) && y.all(is_plain_nfkc) {
                        return false;
                    }
                    break;
                }
            }
            (c, d) => {
                // One side ended: equal only if the other's rest normalises away, which plain
                // text cannot.
                let plain_rest = |c: Option<char>| c.is_none_or(is_plain_nfkc);
                if plain_rest(c) && plain_rest(d) && x.all(is_plain_nfkc) && y.all(is_plain_nfkc) {
                    return false;
                }
                break;
            }
        }
    }
    key(a) == key(b)
}

/// Trim ASCII and full-width whitespace.
pub fn trim(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace())
}

/// `f` of [`key`]`(s)`, when `s` has at most `max_chars` characters besides whitespace (`None`
/// otherwise): for matching a cell against a list of short words without allocating a key for
/// plain text (the usual case), on every cell.
pub fn with_short_key<R>(s: &str, max_chars: usize, f: impl FnOnce(&str) -> R) -> Option<R> {
    if s.chars()
        .filter(|c| !c.is_whitespace())
        .nth(max_chars)
        .is_some()
    {
        return None;
    }
    // Plain text keys to one character per character: build that on the stack.
    let mut buf = [0u8; 64];
    let mut len = 0;
    let mut plain = true;
    for c in s.chars() {
        if !is_plain_nfkc(c) || len + 4 > buf.len() {
            plain = false;
            break;
        }
        if !c.is_whitespace() {
            len += plain_key_char(c).encode_utf8(&mut buf[len..]).len();
        }
    }
    Some(if plain {
        f(std::str::from_utf8(&buf[..len]).unwrap_or_default())
    } else {
        f(&key(s))
    })
}

/// Cells for comparing the fast paths with the plain definitions: real-world spellings, then
/// pseudo-random strings over a mix of ASCII, kana, full-width, combining marks and
/// compatibility characters.
#[cfg(test)]
pub(crate) fn test_samples() -> Vec<String> {
    let samples = [
        "",
        " ",
        "ＩＰ アドレス",
        " 管理　番号 ",
        "ＭＥ－００１",
        "ME‐001",
        "Windows 10 Pro",
        "ｶﾞｲﾄﾞ",
        "か\u{3099}",
        "㍻",
        "①番診察室",
        "髙﨑",
        "N/A",
        "Ｎ／Ａ",
        "\u{2010}\u{FF70}ー",
        "Ⅲ",
        "ＡＢＣ\u{0301}",
        "\u{1E9E}",
        "İ",
        "ΣΑΣ",
        "\u{00A0}x\u{3000}y\u{2028}",
        "…",
        "〜～",
        "該当なし",
        " な し ",
        "-\u{0301}",
        "e\u{0301}",
        "\u{FB01}",
        "\u{212B}",
    ];
    // Plus pseudo-random strings over a mix of ASCII, kana, full-width, combining marks and
    // compatibility characters.
    let alphabet: Vec<char> =
        "aZ 0-_./?\t\u{3000}あがか\u{3099}ｶﾞﾞＡａ１－―ー〇○㍻①Ⅲ…「」漢々ヾゔxXxX??○●\u{0301}\u{00A0}İ"
            .chars()
            .collect();
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut generated = Vec::new();
    for _ in 0..5000 {
        let mut s = String::new();
        for _ in 0..(state % 15) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            s.push(alphabet[(state % alphabet.len() as u64) as usize]);
        }
        generated.push(s);
    }
    samples
        .iter()
        .map(|s| s.to_string())
        .chain(generated)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_fold_width_space_and_case() {
        assert_eq!(key("ＩＰ アドレス"), "ipアドレス");
        assert_eq!(key(" 管理　番号 "), "管理番号");
        assert_eq!(key("ＭＥ－００１"), "me-001");
        assert_eq!(key("ME‐001"), "me-001");
    }

    /// The fast paths give exactly what the plain definition gives.
    #[test]
    fn fast_paths_match_the_definition() {
        fn key_reference(s: &str) -> String {
            s.nfkc()
                .map(fold_dash)
                .collect::<String>()
                .chars()
                .filter(|c| !c.is_whitespace())
                .map(fold_dash_and_long_vowel)
                .flat_map(char::to_lowercase)
                .collect()
        }
        for s in test_samples() {
            assert_eq!(key(&s), key_reference(&s), "key({s:?})");
            assert_eq!(
                nfkc(&s),
                s.nfkc().map(fold_dash).collect::<String>(),
                "nfkc({s:?})"
            );
            let k = key_reference(&s);
            for other in [
                "",
                "管理番号",
                "ip アドレス",
                "IPアドレス",
                "ＩＰアドレス",
                "-",
                "ー",
                "na",
            ] {
                assert_eq!(
                    same_key(&s, other),
                    k == key_reference(other),
                    "same_key({s:?}, {other:?})"
                );
                assert_eq!(same_key(other, &s), k == key_reference(other));
            }
        }
    }
}

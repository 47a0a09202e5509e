//! Text normalisation shared by header matching and value parsers.
//!
//! NFKC folds full-width forms (`ＩＰ１` -> `IP1`) but also changes meaning in places (`①` -> `1`),
//! so callers normalise a *copy* for matching and always report the original text.

use unicode_normalization::UnicodeNormalization;

/// NFKC, with the dash and tilde look-alikes NFKC leaves alone mapped to ASCII. The katakana
/// long vowel `ー` is kept (it is part of words such as サーバ); [`key`] folds it too.
pub fn nfkc(s: &str) -> String {
    s.nfkc().map(fold_dash).collect()
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
    nfkc(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(fold_dash_and_long_vowel)
        .flat_map(char::to_lowercase)
        .collect()
}

/// Trim ASCII and full-width whitespace.
pub fn trim(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace())
}

/// Cell text that deliberately answers "not applicable" (`-`, `なし`, `N/A` …).
pub fn is_not_applicable(s: &str) -> bool {
    let k = key(s);
    matches!(
        k.as_str(),
        "-" | "--" | "―" | "なし" | "無し" | "無" | "該当なし" | "該当無し" | "n/a" | "na" | "対象外"
    )
}

/// Template residue: `〇〇`, `○○`, `xxx`, `TBD`, `未定`, `?` … anywhere in the text.
pub fn is_placeholder(s: &str) -> bool {
    let k = key(s);
    if k.is_empty() {
        return false;
    }
    const MARKS: [&str; 6] = ["〇〇", "○○", "◯◯", "●●", "△△", "□□"];
    if MARKS.iter().any(|m| k.contains(m)) {
        return true;
    }
    if k.chars().all(|c| matches!(c, '?' | '？')) {
        return true;
    }
    matches!(
        k.as_str(),
        "xxx" | "xxxx" | "tbd" | "未定" | "未確認" | "不明" | "要確認" | "調査中" | "***" | "..."
    ) || k.starts_with("xxx")
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

    #[test]
    fn not_applicable_markers() {
        for s in ["-", "－", "―", "なし", "無し", "該当なし", "N/A", "n/a", " ー "] {
            assert!(is_not_applicable(s), "{s}");
        }
        assert!(!is_not_applicable("192.168.1.1"));
        assert!(!is_not_applicable(""));
    }

    #[test]
    fn placeholders() {
        for s in ["〇〇電子カルテ", "○○", "xxx", "TBD", "未定", "?", "？"] {
            assert!(is_placeholder(s), "{s}");
        }
        for s in ["電子カルテ", "A社", "Win10", "Room2のPC1"] {
            assert!(!is_placeholder(s), "{s}");
        }
    }
}

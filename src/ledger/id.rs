//! Management numbers (管理番号).

use crate::text;

/// Key for exact duplicates (ID001): the text trimmed of surrounding spaces; a numeric cell uses
/// its integer display (42.0 -> "42").
pub fn exact_key(raw: &str) -> String {
    exact_key_of(raw).to_string()
}

/// [`exact_key`], borrowed from `raw`.
pub fn exact_key_of(raw: &str) -> &str {
    text::trim(raw)
}

/// Key for matching a management number named in daicho.toml (`[[exceptions]] id`,
/// `[os] esu`) against a ledger cell: NFKC (full-width ＭＥ－００１ is ME-001, dash forms folded
/// as [`text::nfkc`] does) and trimmed. Case and leading zeros still count: `me-1` names another
/// device. Config ids are normalised once when the config is read; cells when matched.
///
/// (ID001 keeps [`exact_key`]: a full-width twin of a number is ID002's near duplicate, which
/// asks the user to make the spelling consistent.)
pub fn match_key(raw: &str) -> String {
    let t = text::trim(raw);
    if t.is_ascii() {
        return t.to_string();
    }
    text::trim(&text::nfkc(t)).to_string()
}

/// Key for near duplicates (ID002): NFKC, case folded, every hyphen/dash/long-vowel form and
/// spaces removed, leading zeros of each digit run removed ("ＭＥ－００１" == "me-1" == "ME1").
///
/// Digit runs are taken before the separators are dropped, so each zero-padded segment loses its
/// own zeros: "PC-01-002" == "pc-1-2" == "pc12". A run made only of zeros keeps one `0`.
pub fn loose_key(raw: &str) -> String {
    let mut out = String::new();
    loose_key_into(raw, &mut out);
    out
}

/// [`loose_key`] written into `out` (cleared first): one buffer reused for every device.
pub fn loose_key_into(raw: &str, out: &mut String) {
    out.clear();
    let raw = text::trim(raw);
    if raw.is_ascii() {
        out.reserve(raw.len());
        loose_from_chars(raw.chars(), out)
    } else {
        let n = text::nfkc(raw);
        out.reserve(n.len());
        loose_from_chars(n.chars(), out)
    }
}

/// Characters that only separate parts of an ID (after dash folding).
fn is_separator(c: char) -> bool {
    matches!(c, '-' | '_' | '.') || c.is_whitespace()
}

fn loose_from_chars(chars: impl Iterator<Item = char>, out: &mut String) {
    // Inside a digit run, and only zeros seen so far in it.
    let mut in_run = false;
    let mut pending_zero = false;
    for c in chars.map(text::fold_dash_and_long_vowel) {
        if c.is_ascii_digit() {
            if !in_run {
                in_run = true;
                pending_zero = true;
            }
            if pending_zero {
                if c == '0' {
                    continue;
                }
                pending_zero = false;
            }
            out.push(c);
            continue;
        }
        if in_run && pending_zero {
            out.push('0');
        }
        in_run = false;
        pending_zero = false;
        if is_separator(c) {
            continue;
        }
        out.extend(c.to_lowercase());
    }
    if in_run && pending_zero {
        out.push('0');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_key_trims_ascii_and_full_width_spaces() {
        assert_eq!(exact_key("  ME-001 "), "ME-001");
        assert_eq!(exact_key("\u{3000}ME-001\u{3000}"), "ME-001");
        assert_eq!(exact_key("ME-001"), "ME-001");
        assert_eq!(exact_key("ＭＥ－００１"), "ＭＥ－００１");
        assert_eq!(exact_key("42"), "42");
        assert_eq!(exact_key(""), "");
        assert_eq!(exact_key(" \t\n "), "");
        assert_eq!(exact_key("A 1"), "A 1");
    }

    #[test]
    fn match_key_folds_width_and_dashes_but_not_case_or_zeros() {
        assert_eq!(match_key("ＭＥ－００１"), "ME-001");
        assert_eq!(match_key("\u{3000}S‐001 "), "S-001");
        assert_eq!(match_key("S-001"), "S-001");
        assert_ne!(match_key("s-001"), match_key("S-001"));
        assert_ne!(match_key("S-1"), match_key("S-001"));
    }

    #[test]
    fn loose_key_examples_from_the_spec() {
        assert_eq!(loose_key("ME-001"), "me1");
        assert_eq!(loose_key("ＭＥ－００１"), "me1");
        assert_eq!(loose_key("me_1"), "me1");
        assert_eq!(loose_key("ME1"), "me1");
        assert_eq!(loose_key("me-1"), "me1");
        assert_eq!(loose_key("003"), "3");
        assert_eq!(loose_key("0"), "0");
        assert_eq!(loose_key("000"), "0");
    }

    #[test]
    fn loose_key_folds_every_dash_form() {
        for s in [
            "ME-001", "ME‐001", "ME‑001", "ME‒001", "ME–001", "ME—001", "ME―001", "ME−001",
            "ME－001", "MEー001", "MEｰ001", "ME﹣001", "ME 001", "ME　001", "ME.001", "ME_001",
            " me 001 ",
        ] {
            assert_eq!(loose_key(s), "me1", "{s}");
        }
    }

    #[test]
    fn loose_key_digit_runs() {
        assert_eq!(loose_key("PC-01-002"), "pc12");
        assert_eq!(loose_key("pc-1-2"), "pc12");
        assert_eq!(loose_key("A0B00C000"), "a0b0c0");
        assert_eq!(loose_key("SV-100"), "sv100");
        assert_eq!(loose_key("SV-0100"), "sv100");
        assert_eq!(loose_key("2020-0001"), "20201");
        assert_eq!(loose_key("ＰＣ－０１０"), "pc10");
        assert_ne!(loose_key("ME-010"), loose_key("ME-001"));
    }

    #[test]
    fn loose_key_keeps_kana_and_kanji() {
        assert_eq!(loose_key("サーバ-01"), "サバ1");
        assert_eq!(loose_key("端末　００５"), "端末5");
        assert_eq!(loose_key("ｻｰﾊﾞ1"), loose_key("サーバ1"));
    }

    #[test]
    fn loose_key_never_panics() {
        for s in [
            "",
            " ",
            "-",
            "---",
            "😀",
            "ID😀001",
            "99999999999999999999999999999999",
            "000000000000000000000000000000001",
            "\u{0}",
            "①②",
            "１９２．１６８．．１",
        ] {
            let _ = loose_key(s);
            let _ = exact_key(s);
        }
        assert_eq!(loose_key(""), "");
        assert_eq!(loose_key("---"), "");
        assert_eq!(loose_key("ID😀001"), "id😀1");
        assert_eq!(loose_key("99999999999999999999"), "99999999999999999999");
    }
}

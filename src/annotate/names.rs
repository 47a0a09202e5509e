//! Sheet names of the annotated workbook.
//!
//! Names read from .xlsx/.xls/.ods are already valid Excel names, but a CSV sheet is named after
//! its file stem, which may be long or hold characters Excel forbids. rust_xlsxwriter checks the
//! length (31 UTF-16 units) and characters when a name is set, and case-insensitive duplicates
//! only when saving, so every name is made valid and unique here first.

/// Excel's limit on a sheet name, in UTF-16 code units.
pub const MAX_SHEET_NAME_UNITS: usize = 31;

/// A valid Excel sheet name as close to `name` as possible: forbidden characters (`[]:*?/\`)
/// become `_`, leading/trailing apostrophes and control characters go, long names are cut at
/// a character boundary, and an empty result becomes `fallback`.
pub fn sanitise(name: &str, fallback: &str) -> String {
    let replaced: String = name
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| match c {
            '[' | ']' | ':' | '*' | '?' | '/' | '\\' => '_',
            other => other,
        })
        .collect();
    let trimmed = replaced.trim_matches('\'');
    let cut = truncate_units(trimmed, MAX_SHEET_NAME_UNITS);
    let cut = cut.trim_end_matches('\'');
    if cut.trim().is_empty() {
        fallback.to_string()
    } else {
        cut.to_string()
    }
}

/// The longest prefix of `s` of at most `max` UTF-16 units, never splitting a character.
pub fn truncate_units(s: &str, max: usize) -> &str {
    let mut units = 0;
    for (i, c) in s.char_indices() {
        units += c.len_utf16();
        if units > max {
            return &s[..i];
        }
    }
    s
}

/// Hands out names that are unique case-insensitively (as Excel compares them).
#[derive(Debug, Default)]
pub struct NameBook {
    used: std::collections::HashSet<String>,
}

impl NameBook {
    pub fn new() -> NameBook {
        NameBook::default()
    }

    /// Claims `wanted` (made valid first), or `wanted (2)`, `wanted (3)` … cut to fit.
    pub fn claim(&mut self, wanted: &str, fallback: &str) -> String {
        let base = sanitise(wanted, fallback);
        if self.used.insert(fold(&base)) {
            return base;
        }
        for n in 2u32.. {
            let suffix = format!(" ({n})");
            let room = MAX_SHEET_NAME_UNITS.saturating_sub(suffix.len());
            let candidate = format!(
                "{}{suffix}",
                truncate_units(&base, room).trim_end_matches('\'')
            );
            if self.used.insert(fold(&candidate)) {
                return candidate;
            }
        }
        unreachable!("u32 names exhausted")
    }
}

fn fold(name: &str) -> String {
    name.to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitises_csv_stems() {
        assert_eq!(sanitise("clinic_b", "CSV"), "clinic_b");
        assert_eq!(sanitise("台帳[2024]/最新?", "CSV"), "台帳_2024__最新_");
        assert_eq!(sanitise("'quoted'", "CSV"), "quoted");
        assert_eq!(sanitise("''", "CSV"), "CSV");
        let long = "あ".repeat(40);
        assert_eq!(sanitise(&long, "CSV").chars().count(), 31);
        // Emoji are two UTF-16 units each: 15 fit, the 16th would make 32.
        let emoji = "😀".repeat(20);
        assert_eq!(sanitise(&emoji, "CSV").chars().count(), 15);
        for name in [
            sanitise(&long, "x"),
            sanitise(&emoji, "x"),
            sanitise("a]b", "x"),
        ] {
            assert!(
                rust_xlsxwriter::utility::check_sheet_name(&name).is_ok(),
                "{name}"
            );
        }
    }

    #[test]
    fn names_are_unique_case_insensitively() {
        let mut book = NameBook::new();
        assert_eq!(book.claim("チェック結果", "x"), "チェック結果");
        assert_eq!(book.claim("Sheet", "x"), "Sheet");
        assert_eq!(book.claim("SHEET", "x"), "SHEET (2)");
        assert_eq!(book.claim("チェック結果", "x"), "チェック結果 (2)");
        let long = "長".repeat(31);
        assert_eq!(book.claim(&long, "x"), long);
        let second = book.claim(&long, "x");
        assert!(
            second.ends_with(" (2)") && second.encode_utf16().count() <= 31,
            "{second}"
        );
        assert_eq!(book.claim("sheet (2)", "x"), "sheet (2) (2)");
    }
}

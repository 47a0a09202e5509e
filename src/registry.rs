//! Every rule daicho has, in one list: the ledger families (`rules::*`), the checklist lint
//! (`checklist::lint`) and the suppression rules. It sits above all of them, so that the rules
//! below never need to know of each other; `daicho rules`, the config file's validation and the
//! suppression pass look codes up here.

use crate::rules::{self, Rule};
use std::sync::OnceLock;

/// Every rule, in family order (L, F, IP, ID, OS, D, S, C, W, X), then code order.
pub fn all() -> &'static [&'static Rule] {
    static ALL: OnceLock<Vec<&'static Rule>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut v: Vec<&'static Rule> = [
            rules::structure::RULES,
            rules::fields::RULES,
            rules::ip::RULES,
            rules::id::RULES,
            rules::os::RULES,
            rules::struck::RULES,
            crate::checklist::lint::RULES,
            rules::output::RULES,
            rules::suppression::RULES,
        ]
        .concat();
        v.sort_by_key(|r| family_order(r.code));
        v
    })
}

fn family_order(code: &str) -> (usize, &str) {
    let prefix = code.trim_end_matches(|c: char| c.is_ascii_digit());
    let order = ["L", "F", "IP", "ID", "OS", "D", "S", "C", "W", "X"]
        .iter()
        .position(|p| *p == prefix)
        .unwrap_or(99);
    (order, code)
}

/// The rule with this code (case-insensitive), if daicho has one.
pub fn find(code: &str) -> Option<&'static Rule> {
    all()
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_documented() {
        let mut seen = std::collections::HashSet::new();
        for r in all() {
            assert!(seen.insert(r.code), "duplicate {}", r.code);
            assert!(!r.name.is_empty() && r.name == r.name.to_lowercase());
            for t in [&r.summary, r.doc.what, r.doc.why, r.doc.example, r.doc.fix] {
                assert!(
                    !t.ja.is_empty() && !t.en.is_empty(),
                    "{} lacks docs",
                    r.code
                );
            }
        }
    }

    #[test]
    fn spec_codes_exist_with_spec_severities() {
        use crate::Severity::*;
        for (code, name, sev) in [
            ("L001", "no-ledger-sheet", Error),
            ("L002", "missing-column", Error),
            ("L003", "duplicate-column", Warning),
            ("L004", "empty-ledger", Warning),
            ("F001", "missing-value", Error),
            ("F002", "placeholder-value", Warning),
            ("IP001", "invalid-ip", Error),
            ("IP002", "placeholder-ip", Error),
            ("IP003", "non-canonical-ip", Warning),
            ("IP004", "duplicate-ip", Error),
            ("IP005", "ip-outside-networks", Warning),
            ("IP006", "reserved-ip", Warning),
            ("ID001", "duplicate-id", Error),
            ("ID002", "near-duplicate-id", Warning),
            ("OS001", "os-end-of-support", Error),
            ("OS002", "os-support-ending", Warning),
            ("OS003", "unknown-os", Info),
            ("OS004", "os-version-unspecified", Info),
            ("D001", "invalid-date", Warning),
            ("D002", "future-date", Warning),
            ("S001", "unknown-status", Warning),
            ("S002", "struck-through-device", Info),
            ("W001", "values-copy", Info),
        ] {
            let r = find(code).unwrap_or_else(|| panic!("{code} missing"));
            assert_eq!((r.name, r.severity), (name, sev), "{code}");
        }
    }
}

//! Rules: stable codes, names, default severities, documentation, and the checks themselves —
//! one file per family, each rule's documentation next to its logic.
//!
//! Rules read the ledger model ([`crate::ledger::Ledger`]), never raw cells.

pub mod fields;
pub mod id;
pub mod ip;
pub mod os;
pub mod structure;

use crate::layout::Field;
use crate::settings::Settings;
use crate::{Lang, Severity, Text};
use chrono::NaiveDate;

/// A rule's documentation, shown by `daicho rules CODE`: what it finds, why it matters for the
/// checklist or the guideline, an example, and how to fix it.
#[derive(Debug, Clone, Copy)]
pub struct RuleDoc {
    pub what: (&'static str, &'static str),
    pub why: (&'static str, &'static str),
    pub example: (&'static str, &'static str),
    pub fix: (&'static str, &'static str),
}

/// A rule of the registry.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// One line: what the rule finds (ja, en).
    pub summary: (&'static str, &'static str),
    pub doc: RuleDoc,
}

impl Rule {
    pub fn summary(&self, lang: Lang) -> &'static str {
        pick(self.summary, lang)
    }
}

pub fn pick(pair: (&'static str, &'static str), lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => pair.0,
        Lang::En => pair.1,
    }
}

/// Every rule, in code order.
pub fn registry() -> &'static [Rule] {
    static ALL: std::sync::OnceLock<Vec<Rule>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        let mut v: Vec<Rule> = [
            structure::RULES,
            fields::RULES,
            ip::RULES,
            id::RULES,
            os::RULES,
            crate::checklist::RULES,
            crate::suppress::RULES,
        ]
        .concat();
        v.sort_by_key(|r| family_order(r.code));
        v
    })
}

fn family_order(code: &str) -> (usize, &str) {
    let prefix = code.trim_end_matches(|c: char| c.is_ascii_digit());
    let order = ["L", "F", "IP", "ID", "OS", "D", "S", "C", "X"]
        .iter()
        .position(|p| *p == prefix)
        .unwrap_or(99);
    (order, code)
}

pub fn rule(code: &str) -> Option<&'static Rule> {
    registry()
        .iter()
        .find(|r| r.code.eq_ignore_ascii_case(code))
}

/// One problem found, with where it is and what to do about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    pub sheet: Option<String>,
    /// 0-based row and column (emitters show them 1-based / A1).
    pub row: Option<u32>,
    pub col: Option<u32>,
    pub field: Option<Field>,
    /// The raw value as typed.
    pub value: Option<String>,
    pub message: Text,
    /// The suggested replacement value, where one exists.
    pub fix: Option<String>,
    /// Why the finding is acknowledged (config exception or inline marker), if it is.
    pub suppressed: Option<String>,
    /// Where the acknowledgement comes from (daicho.toml or an inline marker), when suppressed.
    pub suppression_kind: Option<crate::suppress::SuppressionKind>,
    /// On an inactive (停止中) device: one severity lower than the rule's, or the configured,
    /// severity, once the engine resolves it in one place ([`Finding::resolve_severity`], which
    /// consumes this mark).
    pub inactive_device: bool,
}

impl Finding {
    /// A finding with the rule's default severity.
    pub fn new(code: &'static str, message: Text) -> Finding {
        let severity = rule(code).map(|r| r.severity).unwrap_or(Severity::Warning);
        Finding {
            code,
            severity,
            sheet: None,
            row: None,
            col: None,
            field: None,
            value: None,
            message,
            fix: None,
            suppressed: None,
            suppression_kind: None,
            inactive_device: false,
        }
    }

    /// Marks a finding on an inactive device: its severity ends one lower (see
    /// [`Finding::resolve_severity`]).
    pub fn on_inactive_device(mut self) -> Finding {
        self.inactive_device = true;
        self
    }

    /// The final severity: the configured override (`[rules] severity`) if any, else the
    /// finding's own; then one lower on an inactive device. The engine calls it once per finding.
    pub fn resolve_severity(&mut self, overrides: &std::collections::HashMap<String, Severity>) {
        let base = overrides.get(self.code).copied().unwrap_or(self.severity);
        self.severity = if std::mem::take(&mut self.inactive_device) {
            base.lower()
        } else {
            base
        };
    }

    pub fn at(mut self, sheet: &str, row: u32, col: u32) -> Finding {
        self.sheet = Some(sheet.to_string());
        self.row = Some(row);
        self.col = Some(col);
        self
    }

    pub fn in_sheet(mut self, sheet: &str) -> Finding {
        self.sheet = Some(sheet.to_string());
        self
    }

    pub fn field(mut self, f: Field) -> Finding {
        self.field = Some(f);
        self
    }

    pub fn value(mut self, v: impl Into<String>) -> Finding {
        self.value = Some(v.into());
        self
    }

    pub fn fix(mut self, v: impl Into<String>) -> Finding {
        self.fix = Some(v.into());
        self
    }

    pub fn severity(mut self, s: Severity) -> Finding {
        self.severity = s;
        self
    }

    /// The rule's kebab-case name.
    pub fn name(&self) -> &'static str {
        rule(self.code).map(|r| r.name).unwrap_or("")
    }

    /// `A1` address of the cell, if the finding has one.
    pub fn cell(&self) -> Option<String> {
        Some(crate::workbook::a1(self.row?, self.col?))
    }
}

/// What every rule may consult.
pub struct Context<'s> {
    pub settings: &'s Settings,
    pub as_of: NaiveDate,
}

/// Runs every ledger rule family.
pub fn check_ledger(ledger: &crate::ledger::Ledger<'_>, ctx: &Context<'_>, out: &mut Vec<Finding>) {
    structure::check(ledger, ctx, out);
    fields::check(ledger, ctx, out);
    ip::check(ledger, ctx, out);
    id::check(ledger, ctx, out);
    os::check(ledger, ctx, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_documented() {
        let mut seen = std::collections::HashSet::new();
        for r in registry() {
            assert!(seen.insert(r.code), "duplicate {}", r.code);
            assert!(!r.name.is_empty() && r.name == r.name.to_lowercase());
            for (ja, en) in [r.summary, r.doc.what, r.doc.why, r.doc.example, r.doc.fix] {
                assert!(!ja.is_empty() && !en.is_empty(), "{} lacks docs", r.code);
            }
        }
    }

    #[test]
    fn spec_codes_exist_with_spec_severities() {
        use Severity::*;
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
        ] {
            let r = rule(code).unwrap_or_else(|| panic!("{code} missing"));
            assert_eq!((r.name, r.severity), (name, sev), "{code}");
        }
    }
}

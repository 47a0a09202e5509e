//! Rules: stable codes, names, default severities, documentation, and the checks themselves —
//! one file per family, each rule's documentation next to its logic.
//!
//! Rules read the ledger model ([`crate::ledger::Ledger`]), never raw cells.

pub(crate) mod fields;
pub(crate) mod id;
pub(crate) mod ip;
pub mod os;
pub(crate) mod output;
pub(crate) mod struck;
pub(crate) mod structure;
pub(crate) mod suppression;

use crate::layout::Field;
use crate::settings::Settings;
use crate::{Lang, Severity, Text};
use chrono::NaiveDate;

/// A rule's documentation, shown by `daicho rules CODE`: what it finds, why it matters for the
/// checklist or the guideline, an example, and how to fix it. References, so that a part can be
/// copied out of a `static` rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleDoc {
    pub what: &'static Text,
    pub why: &'static Text,
    pub example: &'static Text,
    pub fix: &'static Text,
}

/// A rule: its stable code, name, default severity and documentation. Each rule is one `static`
/// beside its check (`rules::ip::IP001`), so a code is a name the compiler knows, never a string
/// looked up at run time.
#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// One line: what the rule finds.
    pub summary: Text,
    pub doc: RuleDoc,
}

impl Rule {
    pub fn summary(&self, lang: Lang) -> &str {
        self.summary.get(lang)
    }
}

/// Whether a fix may be applied without a person looking at it (ruff's `Applicability`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applicability {
    /// Changes a spelling, never a meaning: `daicho convert` applies it.
    Safe,
    /// A proposal a person must confirm (it may state something the ledger does not): shown, never
    /// applied.
    Unsafe,
}

/// The replacement value a rule proposes for the cell it flags. The rule that knows the value
/// builds it; emitters show it and `daicho convert` applies the safe ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// The whole cell as it should read.
    pub value: String,
    pub applicability: Applicability,
}

impl Fix {
    /// A fix `daicho convert` applies.
    pub fn safe(value: impl Into<String>) -> Fix {
        Fix {
            value: value.into(),
            applicability: Applicability::Safe,
        }
    }

    /// A fix shown to a person, never applied.
    pub fn unsafe_edit(value: impl Into<String>) -> Fix {
        Fix {
            value: value.into(),
            applicability: Applicability::Unsafe,
        }
    }

    pub fn is_safe(&self) -> bool {
        self.applicability == Applicability::Safe
    }
}

/// Where an acknowledgement comes from (SARIF `suppressions[].kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuppressionKind {
    /// A `[[exceptions]]` entry in daicho.toml.
    External,
    /// A `daicho:ignore` marker in the workbook.
    InSource,
}

impl SuppressionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SuppressionKind::External => "external",
            SuppressionKind::InSource => "inSource",
        }
    }
}

/// One problem found, with where it is and what to do about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// The rule that found it (its code, name and documentation).
    pub rule: &'static Rule,
    pub severity: Severity,
    pub sheet: Option<String>,
    /// 0-based row and column (emitters show them 1-based / A1).
    pub row: Option<u32>,
    pub col: Option<u32>,
    pub field: Option<Field>,
    /// The raw value as typed.
    pub value: Option<String>,
    pub message: Text,
    /// The replacement value the rule proposes, where one exists, and whether it is safe.
    pub fix: Option<Fix>,
    /// Why the finding is acknowledged (config exception or inline marker), if it is.
    pub suppressed: Option<String>,
    /// Where the acknowledgement comes from (daicho.toml or an inline marker), when suppressed.
    pub suppression_kind: Option<SuppressionKind>,
    /// On an inactive (停止中) device: one severity lower than the rule's, or the configured,
    /// severity, once the engine resolves it in one place ([`Finding::resolve_severity`], which
    /// consumes this mark).
    pub inactive_device: bool,
}

impl Finding {
    /// A finding with the rule's default severity.
    pub fn new(rule: &'static Rule, message: Text) -> Finding {
        Finding {
            rule,
            severity: rule.severity,
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
        let base = overrides
            .get(self.rule.code)
            .copied()
            .unwrap_or(self.severity);
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

    pub fn fix(mut self, fix: Fix) -> Finding {
        self.fix = Some(fix);
        self
    }

    /// The replacement value of the fix, if the finding has one (what emitters show).
    pub fn fix_value(&self) -> Option<&str> {
        self.fix.as_ref().map(|f| f.value.as_str())
    }

    pub fn severity(mut self, s: Severity) -> Finding {
        self.severity = s;
        self
    }

    /// The rule's code (`IP001`).
    pub fn code(&self) -> &'static str {
        self.rule.code
    }

    /// The rule's kebab-case name.
    pub fn name(&self) -> &'static str {
        self.rule.name
    }

    /// `A1` address of the cell, if the finding has one.
    pub fn cell(&self) -> Option<String> {
        Some(crate::address::a1(self.row?, self.col?))
    }
}

/// What every rule may consult.
pub struct Context<'s> {
    pub settings: &'s Settings,
    pub as_of: NaiveDate,
}

/// Runs every ledger rule family; the findings come in family order whichever core ran them.
///
/// The families only read the ledger, so they run in two halves of about equal cost (at 100k
/// rows: fields + OS ~0.23 s, IP + ID ~0.17 s) on two cores where rayon has a second one free
/// (in a batch of files both are usually busy, and in the browser there is one: then the halves
/// simply run one after the other).
pub fn check_ledger(ledger: &crate::ledger::Ledger<'_>, ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let ((before, after), middle) = rayon::join(
        || {
            let mut before = Vec::new();
            structure::check(ledger, ctx, &mut before);
            fields::check(ledger, ctx, &mut before);
            let mut after = Vec::new();
            os::check(ledger, ctx, &mut after);
            struck::check(ledger, ctx, &mut after);
            (before, after)
        },
        || {
            let mut middle = Vec::new();
            ip::check(ledger, ctx, &mut middle);
            id::check(ledger, ctx, &mut middle);
            middle
        },
    );
    out.reserve(before.len() + middle.len() + after.len());
    out.extend(before);
    out.extend(middle);
    out.extend(after);
}

/// Runs the rule families whose findings can carry a safe fix (today IP003's canonical address),
/// for `daicho convert`, which applies those fixes and reports nothing else about its input.
/// `safe_fixes_come_from_fixable_families` (rules/tests.rs) keeps this list complete.
pub fn check_fixable(
    ledger: &crate::ledger::Ledger<'_>,
    ctx: &Context<'_>,
    out: &mut Vec<Finding>,
) {
    ip::check(ledger, ctx, out);
}

#[cfg(test)]
mod tests;

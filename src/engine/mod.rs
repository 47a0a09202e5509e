//! One file, end to end: read -> understand -> check. Emitters and the annotated workbook
//! consume what this returns; they never re-run rules.

mod evidence;

pub use evidence::validate_settings;

use crate::checklist::Evidence;
use crate::layout::{find_ledger_layout, SheetRole};
use crate::ledger::{read_ledger_sheet, Ledger};
use crate::report::SheetInfo;
use crate::rules::{self, Context, Finding};
use crate::settings::Settings;
use crate::workbook::Workbook;

/// The result of checking one workbook.
pub struct Analysis<'a> {
    pub workbook: &'a Workbook,
    pub ledger: Ledger<'a>,
    pub sheets: Vec<SheetInfo>,
    pub findings: Vec<Finding>,
    /// The checklist sheets read, and the ledger's evidence for filling in the checklist.
    pub checklist: crate::checklist::ChecklistAnalysis,
}

/// The ledger half of an analysis: every sheet classified, the ledger built and its rules run,
/// findings filtered, resolved and suppressed (unsorted). The checklist half reads it.
pub struct LedgerAnalysis<'a> {
    pub ledger: Ledger<'a>,
    pub sheets: Vec<SheetInfo>,
    pub findings: Vec<Finding>,
    /// Indices of the checklist sheets.
    pub checklist_sheets: Vec<usize>,
}

/// Classifies every sheet, builds the ledger and runs every rule.
pub fn analyze<'a>(workbook: &'a Workbook, settings: &Settings) -> Analysis<'a> {
    let LedgerAnalysis {
        ledger,
        sheets,
        mut findings,
        checklist_sheets,
    } = analyze_ledger(workbook, settings);
    let ledger_count = findings.len();
    let evidence = match (&settings.ledger_given, &settings.ledger_file) {
        (Some(g), _) => evidence::given_evidence(g, settings).unwrap_or_else(Evidence::unreadable),
        (None, Some(p)) => {
            evidence::external_evidence(p, settings).unwrap_or_else(Evidence::unreadable)
        }
        (None, None) => crate::checklist::derive::derive(&ledger, &findings, None),
    };
    let checklist = crate::checklist::check(
        workbook,
        &checklist_sheets,
        evidence,
        &mut findings,
        settings,
    );
    // Checklist findings sit on checklist sheets, where no exception (keyed by a ledger row's
    // management number) or 備考 marker can reach them: they are only filtered and resolved.
    let mut checklist_findings = findings.split_off(ledger_count);
    filter_and_resolve(&mut checklist_findings, settings);
    findings.append(&mut checklist_findings);
    sort_in_workbook_order(&mut findings, workbook);
    Analysis {
        workbook,
        ledger,
        sheets,
        findings,
        checklist,
    }
}

/// The ledger half of [`analyze`] (also what `--ledger FILE` is judged by). The findings are
/// as reported — after --select/--ignore, severity overrides and [[exceptions]] / daicho:ignore —
/// so the checklist's evidence (patch item, C005 …) sees exactly those.
pub fn analyze_ledger<'a>(workbook: &'a Workbook, settings: &Settings) -> LedgerAnalysis<'a> {
    let Understood {
        ledger,
        sheets,
        checklist_sheets,
    } = understand(workbook, settings);
    let ctx = Context {
        settings,
        as_of: settings.as_of,
    };
    let mut findings = Vec::new();
    if ledger.sheets.is_empty() && checklist_sheets.is_empty() {
        findings.push(rules::structure::no_ledger_sheet(workbook.sheets.len()));
    }
    for skipped in &workbook.skipped {
        findings.push(rules::structure::sheet_not_read(
            &skipped.name,
            skipped.kind.label(),
        ));
    }
    rules::check_ledger(&ledger, &ctx, &mut findings);
    filter_and_resolve(&mut findings, settings);
    crate::suppress::apply(&mut findings, &ledger, settings);
    LedgerAnalysis {
        ledger,
        sheets,
        findings,
        checklist_sheets,
    }
}

/// What a workbook is before any rule runs: every sheet classified and the ledger built.
pub struct Understood<'a> {
    pub ledger: Ledger<'a>,
    pub sheets: Vec<SheetInfo>,
    /// Indices of the checklist sheets.
    pub checklist_sheets: Vec<usize>,
}

/// The first half of [`analyze_ledger`], without the rules (what `convert` needs of its input).
pub fn understand<'a>(workbook: &'a Workbook, settings: &Settings) -> Understood<'a> {
    let mut ledger = Ledger::default();
    let mut sheets = Vec::with_capacity(workbook.sheets.len());
    let mut checklist_indices = Vec::new();
    for (i, sheet) in workbook.sheets.iter().enumerate() {
        let mut info = SheetInfo::of(sheet);
        if crate::layout::is_daicho_sheet(sheet) {
            // daicho's own summary / filled checklist in a `.checked.xlsx`: not data.
            sheets.push(info);
            continue;
        }
        if crate::checklist::is_checklist(sheet) {
            info.role = SheetRole::Checklist;
            checklist_indices.push(i);
        } else if let Some(layout) = find_ledger_layout(sheet, settings.field_table) {
            let ls = read_ledger_sheet(i, sheet, layout);
            info.role = SheetRole::Ledger;
            info.header_row = Some(ls.layout.header_row);
            info.device_rows = ls.devices.len();
            ledger.sheets.push(ls);
        }
        sheets.push(info);
    }
    Understood {
        ledger,
        sheets,
        checklist_sheets: checklist_indices,
    }
}

/// Applies select/ignore, then each finding's final severity (override, then one lower on an
/// inactive device).
fn filter_and_resolve(findings: &mut Vec<Finding>, settings: &Settings) {
    findings.retain(|f| settings.is_enabled(f.code()));
    for f in findings.iter_mut() {
        f.resolve_severity(&settings.severity_overrides);
    }
}

/// Sorts findings in workbook order (sheet, row, column, code).
fn sort_in_workbook_order(findings: &mut [Finding], workbook: &Workbook) {
    let order = |name: &Option<String>| {
        name.as_ref()
            .and_then(|n| workbook.sheets.iter().position(|s| &s.name == n))
            .unwrap_or(usize::MAX)
    };
    findings.sort_by(|a, b| {
        (order(&a.sheet), a.row, a.col, a.code()).cmp(&(order(&b.sheet), b.row, b.col, b.code()))
    });
}

//! The MHLW cybersecurity checklist: editions as data, reading a hospital's checklist sheet in
//! any layout, linting it (C001–C009) and filling it in from the ledger.
//!
//! - [`edition`] — `templates/checklist/*.toml` (and `--checklist FILE`).
//! - [`read`] finds item rows, answer columns and header fields in any layout.
//! - [`derive`] — what the same workbook's ledger says (根拠, proposals, contradictions).
//! - [`lint`] — C001–C009.
//! - [`render`] — the filled-in sheet (also the template's blank form).
//! - [`structure`] — an edition made of a sheet's own rows (an edition daicho has no text for;
//!   `daicho edition import`).
//! - [`import`] — `daicho edition import FORM`: a form made into an edition file.

pub(crate) mod derive;
pub mod edition;
pub(crate) mod import;
pub(crate) mod lint;
pub(crate) mod parse;
pub(crate) mod read;
pub(crate) mod render;
pub(crate) mod slots;
pub(crate) mod structure;

pub use derive::Evidence;
pub use edition::{Catalog, Edition, Form, Tag};
pub use read::{is_rendered_sheet, ChecklistSheet};
pub use render::render_sheet;

use crate::rules::Finding;
use crate::settings::Settings;
use crate::workbook::{Sheet, Workbook};
use std::sync::OnceLock;

/// Whether a sheet is a checklist (item rows such as 2-(1) / 2-① with answer columns).
pub fn is_checklist(sheet: &Sheet) -> bool {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    read::is_checklist_with(sheet, CATALOG.get_or_init(Catalog::bundled))
}

/// What the checklist part of an analysis found: the sheets read, the ledger's evidence, and the
/// editions of the run (for filling in).
#[derive(Debug, Clone)]
pub struct ChecklistAnalysis {
    pub sheets: Vec<ChecklistSheet>,
    pub evidence: Evidence,
    pub catalog: Catalog,
    /// The form filled in from the ledger when the workbook has no checklist (`[checklist] form`).
    pub default_form: Form,
    /// `[facility] name`, written into a blank 医療機関名.
    pub facility: Option<String>,
}

impl Default for ChecklistAnalysis {
    fn default() -> Self {
        ChecklistAnalysis {
            sheets: Vec::new(),
            evidence: Evidence::default(),
            catalog: Catalog::bundled(),
            default_form: Form::Hospital,
            facility: None,
        }
    }
}

/// Reads the checklist sheets of a workbook and lints them (C001–C009) against the ledger's
/// `evidence` (this workbook's ledger, or the `--ledger FILE` the engine judged); checklist
/// findings are appended to `findings`.
pub fn check(
    workbook: &Workbook,
    checklist_sheets: &[usize],
    evidence: Evidence,
    findings: &mut Vec<Finding>,
    settings: &Settings,
) -> ChecklistAnalysis {
    let catalog = Catalog::from_settings(settings).unwrap_or_else(|_| Catalog::bundled());
    let mut sheets = Vec::new();
    for &i in checklist_sheets {
        let Some(sheet) = workbook.sheets.get(i) else {
            continue;
        };
        if let Some(cs) = read::read_sheet(i, sheet, &catalog, settings.as_of) {
            lint::check_sheet(&cs, &evidence, settings.as_of, findings);
            sheets.push(cs);
        }
    }
    ChecklistAnalysis {
        sheets,
        evidence,
        catalog,
        default_form: settings
            .form
            .filter(|f| *f != Form::Vendor)
            .unwrap_or(Form::Hospital),
        facility: settings.facility.clone(),
    }
}

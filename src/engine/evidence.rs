//! The evidence of a separate ledger file (`--ledger FILE`) for the checklist: read like any
//! input, judged by the same ledger analysis as a workbook's own ledger, derived once per file
//! state and settings (a batch of checklists names the same ledger file).

use crate::checklist::{derive, Catalog, Evidence};
use crate::settings::Settings;
use crate::Text;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// Checks that the run's checklist options are usable (`--edition`, `--checklist`, `--ledger`);
/// the message says what is wrong. Call before checking files (exit code 2 on error).
pub fn validate_settings(settings: &Settings) -> Result<(), String> {
    Catalog::from_settings(settings).map_err(|e| e.get(settings.lang).to_string())?;
    if let Some(g) = &settings.ledger_given {
        given_evidence(g, settings)?;
    } else if let Some(p) = &settings.ledger_file {
        external_evidence(p, settings)?;
    }
    Ok(())
}

/// The evidence of a ledger given as its name and bytes (`--ledger` on the browser page): read
/// in this process, judged like [`external_evidence`]'s file, never panicking.
pub(crate) fn given_evidence(
    given: &crate::settings::GivenFile,
    settings: &Settings,
) -> Result<Evidence, String> {
    let name = &given.name;
    let cannot_read = |e: &crate::workbook::ReadError| {
        let reason = e.message(settings.lang);
        crate::Text::new(
            format!("台帳ファイル「{name}」を読めません: {reason}"),
            format!("Cannot read the ledger file '{name}': {reason}"),
        )
        .into_string(settings.lang)
    };
    let work = || {
        let wb = crate::workbook::open_bytes_of(Path::new(name), &given.bytes, &settings.limits)
            .map_err(|e| cannot_read(&e))?;
        let part = super::analyze_ledger(&wb, settings);
        Ok(derive::derive(&part.ledger, &part.findings, Some(name)))
    };
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).unwrap_or_else(|p| {
        Err(cannot_read(&crate::workbook::ReadError::Internal {
            detail: crate::workbook::panic_text(&*p),
        }))
    })
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
pub(crate) fn external_evidence(path: &Path, settings: &Settings) -> Result<Evidence, String> {
    type Cache = Mutex<HashMap<EvidenceKey, Result<Evidence, String>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let key = EvidenceKey::new(path, settings);
    if let Ok(map) = cache.lock() {
        if let Some(r) = map.get(&key) {
            return r.clone();
        }
    }
    let cannot_read = |e: &crate::workbook::ReadError| {
        let (shown, why) = (path.display(), e.text());
        Text::new(
            format!("台帳ファイル「{shown}」を読めません: {}", why.ja),
            format!("Cannot read the ledger file '{shown}': {}", why.en),
        )
        .into_string(settings.lang)
    };
    let work = || {
        let wb = crate::isolate::open_path(path, &settings.limits).map_err(|e| cannot_read(&e))?;
        let part = super::analyze_ledger(&wb, settings);
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        Ok(derive::derive(&part.ledger, &part.findings, Some(&name)))
    };
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).unwrap_or_else(|p| {
        Err(cannot_read(&crate::workbook::ReadError::Internal {
            detail: crate::workbook::panic_text(&*p),
        }))
    });
    if let Ok(mut map) = cache.lock() {
        map.insert(key, result.clone());
    }
    result
}

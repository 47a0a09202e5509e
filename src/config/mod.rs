//! Resolved settings for one run: command-line options over `daicho.toml` over defaults.
//!
//! Flow (as ruff): [`ConfigFile`] is what the file says (serde, unknown keys rejected at every
//! level) -> [`resolve`] validates it and applies the command-line [`Overrides`] ->
//! [`Settings`] is what rules and emitters consult. [`Resolver`] finds the `daicho.toml` that
//! governs each checked file (next to it or in the nearest parent folder) and loads each
//! distinct file once.
//!
//! - [`file`] — the schema ([`ConfigFile`] and its sections), loading, and TOML errors with the line.
//! - [`apply`] — validating each section into [`Settings`].
//! - [`discover`] — [`Resolver`]: which `daicho.toml` governs a file.

mod apply;
mod discover;
mod file;
#[cfg(test)]
mod tests;

pub use discover::Resolver;
pub use file::{
    load_file, parse_bytes, parse_str, ChecklistSection, ConfigError, ConfigFile, ExceptionSpec,
    LedgerSection, LimitsSection, NetworkSection, OsSection, RulesSection,
};

use crate::settings::Settings;
use crate::{Lang, Severity};
use apply::apply_file;
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

/// Resolves the settings of a run: a parsed config file (or none) with the command line on top.
///
/// Precedence: a non-empty `--select` replaces `[rules] select`; `--ignore` adds to
/// `[rules] ignore`; `--edition` replaces `[checklist] edition`.
pub fn resolve(
    cli: &Overrides,
    file: Option<(&Path, ConfigFile)>,
) -> Result<Settings, ConfigError> {
    let mut s = Settings::new(cli.as_of);
    s.lang = cli.lang;
    s.fail_on = cli.fail_on;
    if let Some((path, cfg)) = file {
        s.config_path = Some(path.to_path_buf());
        apply_file(&mut s, path, cfg)?;
    }
    if !cli.select.is_empty() {
        s.select = cli.select.clone();
    }
    s.ignore.extend(cli.ignore.iter().cloned());
    if cli.edition.is_some() {
        s.edition = cli.edition.clone();
    }
    if cli.checklist_file.is_some() {
        s.checklist_file = cli.checklist_file.clone();
    }
    s.ledger_file = cli.ledger_file.clone();
    Ok(s)
}

/// What the command line sets, applied over any config file.
#[derive(Debug, Clone)]
pub struct Overrides {
    pub as_of: NaiveDate,
    pub lang: Lang,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub fail_on: Severity,
    pub edition: Option<String>,
    pub checklist_file: Option<PathBuf>,
    pub ledger_file: Option<PathBuf>,
}

impl Overrides {
    pub fn new(as_of: NaiveDate) -> Overrides {
        Overrides {
            as_of,
            lang: Lang::Ja,
            select: Vec::new(),
            ignore: Vec::new(),
            fail_on: Severity::Error,
            edition: None,
            checklist_file: None,
            ledger_file: None,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// `daicho config --example`.

/// A commented daicho.toml showing every section. It parses as is (tested).
pub const EXAMPLE: &str = include_str!("../../templates/daicho.example.toml");

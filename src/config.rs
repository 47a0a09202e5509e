//! Resolved settings for one run: command-line options over `daicho.toml` over defaults.

use crate::layout::{Field, FieldTable};
use crate::ledger::os::OsTable;
use crate::workbook::Limits;
use crate::{Lang, Severity};
use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};

/// Everything rules and emitters may consult, already resolved.
pub struct Settings {
    /// The date support and date rules are judged at.
    pub as_of: NaiveDate,
    pub lang: Lang,
    /// Codes or prefixes to keep (empty = all) and to drop.
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub fail_on: Severity,
    /// OS002 fires when support ends within this many days.
    pub os_warning_days: u64,
    /// Declared networks (turn on IP005 and the network/broadcast part of IP006).
    pub networks: Vec<ipnetwork::IpNetwork>,
    /// Optional fields the hospital wants filled (F001, L002 warning).
    pub required_fields: Vec<Field>,
    /// Management numbers of devices under paid extended support (ESU/ELS/ESM).
    pub esu_ids: HashSet<String>,
    pub severity_overrides: HashMap<String, Severity>,
    pub os_table: &'static OsTable,
    pub field_table: &'static FieldTable,
    pub limits: Limits,
}

impl Settings {
    pub fn new(as_of: NaiveDate) -> Settings {
        Settings {
            as_of,
            lang: Lang::Ja,
            select: Vec::new(),
            ignore: Vec::new(),
            fail_on: Severity::Error,
            os_warning_days: 180,
            networks: Vec::new(),
            required_fields: Vec::new(),
            esu_ids: HashSet::new(),
            severity_overrides: HashMap::new(),
            os_table: OsTable::bundled(),
            field_table: FieldTable::bundled(),
            limits: Limits::default(),
        }
    }

    /// Whether a rule code passes `--select`/`--ignore` (codes or prefixes such as `IP`, `OS00`).
    pub fn is_enabled(&self, code: &str) -> bool {
        let matches = |p: &String| code.to_ascii_uppercase().starts_with(&p.to_ascii_uppercase());
        (self.select.is_empty() || self.select.iter().any(matches)) && !self.ignore.iter().any(matches)
    }
}

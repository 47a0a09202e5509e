//! The resolved settings of one run: what rules, the checklist and emitters consult.
//!
//! Below the rules in the layers: nothing here knows about the command line or the config file's
//! syntax. `config` resolves a `daicho.toml` and the command line into a [`Settings`].

use crate::layout::{Field, FieldTable};
use crate::ledger::os::OsTable;
use crate::workbook::Limits;
use crate::{Form, Lang, Severity};
use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

/// The settings file's name, looked for beside each input and in its parent folders (messages
/// name it too).
pub const CONFIG_FILE_NAME: &str = "daicho.toml";

/// A file given by its name and bytes instead of a path: read elsewhere (the browser page).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GivenFile {
    pub name: String,
    pub bytes: std::sync::Arc<Vec<u8>>,
}

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
    /// Declared DHCP pools (`[network] dhcp_ranges`).
    pub dhcp_ranges: Vec<AddrRange>,
    /// Optional fields the hospital wants filled (F001, L002 warning).
    pub required_fields: Vec<Field>,
    /// Management numbers of devices under paid extended support (ESU/ELS/ESM), normalised with
    /// [`crate::ledger::id::match_key`] as ledger cells are when matched.
    pub esu_ids: HashSet<String>,
    pub severity_overrides: HashMap<String, Severity>,
    pub os_table: &'static OsTable,
    pub field_table: &'static FieldTable,
    pub limits: Limits,
    /// `[facility] name`.
    pub facility: Option<String>,
    /// Checklist edition (`--edition` over `[checklist] edition`).
    pub edition: Option<String>,
    /// Checklist form (`[checklist] form`).
    pub form: Option<Form>,
    /// `--checklist FILE`: the user's own checklist edition definition.
    pub checklist_file: Option<PathBuf>,
    /// `--ledger FILE`: the ledger the checklist is cross-checked against (default: the same workbook).
    pub ledger_file: Option<PathBuf>,
    /// `--checklist` as a file's name and bytes, not a path (the browser page); over `checklist_file`.
    pub checklist_given: Option<GivenFile>,
    /// `--ledger` as a file's name and bytes, not a path (the browser page); over `ledger_file`.
    pub ledger_given: Option<GivenFile>,
    /// `[[exceptions]]`: acknowledged findings by management number.
    pub exceptions: Exceptions,
    /// The daicho.toml these settings came from, if any.
    pub config_path: Option<PathBuf>,
}

/// An inclusive address range (a DHCP pool).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddrRange {
    pub first: IpAddr,
    pub last: IpAddr,
}

/// Declared but read by no rule yet (only the config tests check the parsing).
#[cfg(test)]
impl AddrRange {
    pub fn contains(&self, addr: IpAddr) -> bool {
        self.first <= addr && addr <= self.last
    }
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
            dhcp_ranges: Vec::new(),
            required_fields: Vec::new(),
            esu_ids: HashSet::new(),
            severity_overrides: HashMap::new(),
            os_table: OsTable::bundled(),
            field_table: FieldTable::bundled(),
            limits: Limits::default(),
            facility: None,
            edition: None,
            form: None,
            checklist_file: None,
            ledger_file: None,
            checklist_given: None,
            ledger_given: None,
            exceptions: Default::default(),
            config_path: None,
        }
    }

    /// Whether a rule code passes `--select`/`--ignore` (codes or prefixes such as `IP`, `OS00`).
    pub fn is_enabled(&self, code: &str) -> bool {
        let matches = |p: &String| {
            code.to_ascii_uppercase()
                .starts_with(&p.to_ascii_uppercase())
        };
        (self.select.is_empty() || self.select.iter().any(matches))
            && !self.ignore.iter().any(matches)
    }
}

/// One `[[exceptions]]` entry, validated.
#[derive(Debug)]
pub struct Exception {
    /// The management number as written.
    pub id: String,
    key: String,
    /// Upper-case codes or prefixes.
    pub rules: Vec<String>,
    pub reason: String,
    pub until: Option<NaiveDate>,
    /// Set when it matched a finding in this run (files are checked in parallel).
    used: AtomicBool,
}

impl Exception {
    pub fn new(
        id: String,
        rules: Vec<String>,
        reason: String,
        until: Option<NaiveDate>,
    ) -> Exception {
        Exception {
            key: id_key(&id),
            id,
            rules,
            reason,
            until,
            used: AtomicBool::new(false),
        }
    }

    pub fn covers(&self, code: &str) -> bool {
        covers(&self.rules, code)
    }

    pub fn is_expired(&self, as_of: NaiveDate) -> bool {
        self.until.is_some_and(|u| u < as_of)
    }

    /// Notes that this exception matched a finding in this run.
    pub(crate) fn mark_used(&self) {
        self.used.store(true, Ordering::Relaxed);
    }

    pub fn was_used(&self) -> bool {
        self.used.load(Ordering::Relaxed)
    }
}

/// Management numbers compare after NFKC and trimming (「Ｓ－００１」 is 「S-001」).
/// The `[[exceptions]]` of one Settings, indexed by normalised management number as they are
/// added (once, when the config is read), so matching a finding is one hash lookup rather than a
/// scan of every exception. Dereferences to the exceptions in config order.
#[derive(Debug, Default)]
pub struct Exceptions {
    list: Vec<Exception>,
    by_key: HashMap<String, Vec<usize>>,
}

impl Exceptions {
    pub fn push(&mut self, e: Exception) {
        self.by_key
            .entry(e.key.clone())
            .or_default()
            .push(self.list.len());
        self.list.push(e);
    }

    /// The exceptions for a management number already normalised with [`id_key`], in config
    /// order.
    pub(crate) fn for_key<'a>(&'a self, key: &str) -> impl Iterator<Item = &'a Exception> + 'a {
        self.by_key
            .get(key)
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .filter_map(|&i| self.list.get(i))
    }
}

impl std::ops::Deref for Exceptions {
    type Target = [Exception];
    fn deref(&self) -> &[Exception] {
        &self.list
    }
}

pub(crate) fn id_key(id: &str) -> String {
    crate::ledger::id::match_key(id)
}

/// Whether a list of codes or prefixes (an exception's or a marker's) covers a rule code. The
/// suppression rules themselves (X…) are never covered.
pub(crate) fn covers(patterns: &[String], code: &str) -> bool {
    !code.starts_with('X') && patterns.iter().any(|p| code.starts_with(p.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exception_matching() {
        let e = Exception::new(
            "Ｓ－００１".into(),
            vec!["OS".into()],
            "r".into(),
            NaiveDate::from_ymd_opt(2026, 1, 1),
        );
        assert_eq!(e.key, id_key("S-001"));
        assert!(e.covers("OS001") && !e.covers("IP004") && !e.covers("X001"));
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 25).expect("date");
        assert!(e.is_expired(as_of));
    }

    #[test]
    fn exceptions_are_indexed_by_normalised_id_in_config_order() {
        let mut all = Exceptions::default();
        for (id, reason) in [("S-001", "a"), ("PC-9", "b"), ("Ｓ－００１", "c")] {
            all.push(Exception::new(
                id.into(),
                vec!["OS".into()],
                reason.into(),
                None,
            ));
        }
        let reasons: Vec<&str> = all
            .for_key(&id_key("S-001"))
            .map(|e| e.reason.as_str())
            .collect();
        assert_eq!(reasons, ["a", "c"]);
        assert_eq!(all.for_key("nothing").count(), 0);
        assert_eq!(all.len(), 3);
    }
}

//! daicho: read the device ledgers (機器台帳) and cybersecurity checklists Japanese medical
//! institutions keep in Excel, lint them, and write back annotated copies.
//!
//! The pipeline, one module each:
//! `workbook` (read any format into sparse grids) -> `layout` (sheet roles, headers, column
//! mapping) -> `ledger` (devices and value parsers) / `checklist` -> `rules` (findings) ->
//! `report` (emitters) / `annotate` (the annotated workbook).

pub mod annotate;
pub mod app;
pub mod checklist;
pub mod cli;
pub mod config;
pub mod console;
pub mod convert;
pub mod dropmode;
pub mod engine;
pub mod isolate;
pub mod layout;
pub mod ledger;
pub mod paths;
pub mod report;
pub mod rules;
pub mod suppress;
pub mod template;
pub mod text;
pub mod user_folders;
pub mod workbook;
pub mod xlsx_out;

use serde::Serialize;

/// The language of messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Lang {
    #[default]
    Ja,
    En,
}

/// A finding's severity; ordered so that `Error > Warning > Info`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    serde::Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Severity::Error, Lang::Ja) => "エラー",
            (Severity::Warning, Lang::Ja) => "警告",
            (Severity::Info, Lang::Ja) => "情報",
            (Severity::Error, Lang::En) => "error",
            (Severity::Warning, Lang::En) => "warning",
            (Severity::Info, Lang::En) => "info",
        }
    }

    /// One step lower (inactive devices get OS findings one severity lower).
    pub fn lower(self) -> Severity {
        match self {
            Severity::Error => Severity::Warning,
            _ => Severity::Info,
        }
    }
}

/// A message in both languages; emitters pick one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub ja: String,
    pub en: String,
}

impl Text {
    pub fn new(ja: impl Into<String>, en: impl Into<String>) -> Text {
        Text {
            ja: ja.into(),
            en: en.into(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ja => &self.ja,
            Lang::En => &self.en,
        }
    }
}

//! daicho: read the device ledgers (機器台帳) and cybersecurity checklists Japanese medical
//! institutions keep in Excel, lint them, and write back annotated copies.
//!
//! The pipeline, one module each:
//! `workbook` (read any format into sparse grids) -> `layout` (sheet roles, headers, column
//! mapping) -> `ledger` (devices and value parsers) / `checklist` -> `rules` (findings) ->
//! `report` (emitters) / `annotate` (the annotated workbook).

pub mod address;
pub mod annotate;
pub mod app;
pub mod checklist;
pub mod cli;
pub mod config;
pub(crate) mod console;
pub(crate) mod convert;
pub mod dropmode;
pub mod engine;
pub mod isolate;
pub mod layout;
pub mod ledger;
pub mod memory;
pub(crate) mod paths;
pub mod registry;
pub mod report;
pub mod rules;
pub mod run;
pub mod save;
pub mod settings;
pub(crate) mod suppress;
pub mod template;
pub(crate) mod text;
pub(crate) mod user_folders;
pub mod workbook;
pub(crate) mod xlsx_out;

use serde::Serialize;
use std::borrow::Cow;

/// The language of messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Ja,
    En,
}

/// A finding's severity; ordered so that `Error > Warning > Info`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
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
        let label: &'static Text = match self {
            Severity::Error => const { &Text::from_static("エラー", "error") },
            Severity::Warning => const { &Text::from_static("警告", "warning") },
            Severity::Info => const { &Text::from_static("情報", "info") },
        };
        label.get(lang)
    }

    /// One step lower (inactive devices get OS findings one severity lower).
    pub fn lower(self) -> Severity {
        match self {
            Severity::Error => Severity::Warning,
            _ => Severity::Info,
        }
    }
}

/// Words in both languages; emitters pick one. The one bilingual type: messages built at run
/// time (`Text::new(format!(…), format!(…))`) and text known at compile time
/// (`Text::from_static("…", "…")`, usable in a `static`) alike.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub ja: Cow<'static, str>,
    pub en: Cow<'static, str>,
}

impl Text {
    pub fn new(ja: impl Into<Cow<'static, str>>, en: impl Into<Cow<'static, str>>) -> Text {
        Text {
            ja: ja.into(),
            en: en.into(),
        }
    }

    /// Text known at compile time (rule documentation, labels): no allocation, usable in a
    /// `static`.
    pub const fn from_static(ja: &'static str, en: &'static str) -> Text {
        Text {
            ja: Cow::Borrowed(ja),
            en: Cow::Borrowed(en),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ja => &self.ja,
            Lang::En => &self.en,
        }
    }

    /// The text in one language, keeping the other out of the way (no copy of static text).
    pub fn into_lang(self, lang: Lang) -> Cow<'static, str> {
        match lang {
            Lang::Ja => self.ja,
            Lang::En => self.en,
        }
    }

    /// [`Text::into_lang`] as a `String`.
    pub fn into_string(self, lang: Lang) -> String {
        self.into_lang(lang).into_owned()
    }
}

/// The three forms of the checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Form {
    /// 医療機関確認用
    Hospital,
    /// 薬局確認用
    Pharmacy,
    /// 事業者確認用 (one per vendor with a contract)
    Vendor,
}

impl Form {
    pub fn key(self) -> &'static str {
        match self {
            Form::Hospital => "hospital",
            Form::Pharmacy => "pharmacy",
            Form::Vendor => "vendor",
        }
    }

    /// The form a `daicho.toml` or command-line word names (`hospital`, `pharmacy`, `vendor`).
    pub fn from_key(word: &str) -> Option<Form> {
        [Form::Hospital, Form::Pharmacy, Form::Vendor]
            .into_iter()
            .find(|f| f.key().eq_ignore_ascii_case(word.trim()))
    }

    /// 医療機関確認用 / 薬局確認用 / 事業者確認用
    pub fn label(self) -> &'static str {
        match self {
            Form::Hospital => "医療機関確認用",
            Form::Pharmacy => "薬局確認用",
            Form::Vendor => "事業者確認用",
        }
    }

    /// The name of the filled-in sheet: 「チェックリスト(医療機関確認用)」.
    pub fn sheet_name(self) -> String {
        format!("チェックリスト({})", self.label())
    }

    /// The form a title or sheet name names, if any. 「医療機関・薬局確認用」 (one form for both) is
    /// the hospital form.
    pub fn from_title(s: &str) -> Option<Form> {
        let k = crate::text::key(s);
        if k.contains("事業者確認") || k.contains("事業者用") || k.contains("ベンダ") {
            Some(Form::Vendor)
        } else if [
            "医療機関・薬局",
            "医療機関/薬局",
            "医療機関及び薬局",
            "医療機関、薬局",
        ]
        .iter()
        .any(|w| k.contains(w))
        {
            // 「医療機関・薬局確認用」 (令和8年度版): one form for both.
            Some(Form::Hospital)
        } else if k.contains("薬局確認") || k.contains("薬局用") || k.contains("薬局における")
        {
            Some(Form::Pharmacy)
        } else if k.contains("医療機関確認") || k.contains("医療機関用") {
            Some(Form::Hospital)
        } else {
            None
        }
    }
}

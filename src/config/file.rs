//! `daicho.toml` as written: the serde schema (unknown keys rejected at every level), loading
//! the file, and its errors — Japanese and English, with the line and the key underlined.

use crate::ledger::os::OsOverride;
use crate::Lang;
use crate::Text;
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// `daicho.toml`. Every table rejects unknown keys so a typo never silently does nothing.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(default)]
    pub facility: FacilitySection,
    #[serde(default)]
    pub ledger: LedgerSection,
    #[serde(default)]
    pub network: NetworkSection,
    #[serde(default)]
    pub os: OsSection,
    #[serde(default)]
    pub rules: RulesSection,
    #[serde(default)]
    pub checklist: ChecklistSection,
    #[serde(default)]
    pub limits: LimitsSection,
    #[serde(default)]
    pub exceptions: Vec<ExceptionSpec>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FacilitySection {
    pub name: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LedgerSection {
    /// Extra header spellings per field key: `{ ip = ["ネットワークアドレス"] }`.
    #[serde(default)]
    pub synonyms: BTreeMap<String, Vec<String>>,
    /// Field keys that must be filled for every device.
    #[serde(default)]
    pub required: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkSection {
    #[serde(default)]
    pub networks: Vec<String>,
    #[serde(default)]
    pub dhcp_ranges: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OsSection {
    pub warning_days: Option<u64>,
    #[serde(default)]
    pub esu: Vec<String>,
    #[serde(default)]
    pub products: Vec<OsOverride>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesSection {
    #[serde(default)]
    pub select: Vec<String>,
    #[serde(default)]
    pub ignore: Vec<String>,
    #[serde(default)]
    pub severity: BTreeMap<String, String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChecklistSection {
    pub edition: Option<String>,
    pub form: Option<String>,
    /// An edition file (`daicho edition import`), relative to the daicho.toml.
    pub file: Option<std::path::PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsSection {
    pub max_file_mb: Option<u64>,
    pub max_cells: Option<usize>,
    pub max_uncompressed_mb: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExceptionSpec {
    pub id: String,
    #[serde(default)]
    pub rules: Vec<String>,
    /// Required; optional here so the error can name the exception.
    pub reason: Option<String>,
    pub until: Option<ConfigDate>,
}

/// A date written as a TOML date (`2027-03-31`) or as a string (`"2027-03-31"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConfigDate(pub NaiveDate);

impl<'de> Deserialize<'de> for ConfigDate {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Date(toml::value::Datetime),
        }
        let date = match Raw::deserialize(deserializer) {
            Ok(Raw::Text(s)) => NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok(),
            Ok(Raw::Date(dt)) => match (dt.date, dt.time, dt.offset) {
                (Some(d), None, None) => {
                    NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
                }
                _ => None,
            },
            Err(_) => None,
        };
        date.map(ConfigDate)
            .ok_or_else(|| serde::de::Error::custom("expected a date such as 2027-03-31"))
    }
}

// ---------------------------------------------------------------------------------------------
// Errors.

/// A configuration problem: which file, what is wrong, what to do. Always exit code 2.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigError {
    pub path: PathBuf,
    pub ja: String,
    pub en: String,
    /// The file's text and where in it the error is, when the TOML parser said so.
    source: Option<(String, std::ops::Range<usize>)>,
}

impl ConfigError {
    pub(super) fn new(path: &Path, ja: impl Into<String>, en: impl Into<String>) -> ConfigError {
        ConfigError {
            path: path.to_path_buf(),
            ja: ja.into(),
            en: en.into(),
            source: None,
        }
    }

    fn at(mut self, text: &str, span: std::ops::Range<usize>) -> ConfigError {
        self.source = Some((text.to_string(), span));
        self
    }

    /// The message as printed: with the file's line and the key underlined (miette's
    /// diagnostic rendering) when the error has a place in the file, else the message alone.
    /// ASCII drawing and no colours, so that it reads the same in any console and in a log.
    pub fn render(&self, lang: Lang) -> String {
        let message = self.message(lang);
        let Some((text, span)) = &self.source else {
            return message;
        };
        let label = Text::from_static("ここ", "here").into_lang(lang);
        let diagnostic = miette::MietteDiagnostic::new(message.clone())
            .with_label(miette::LabeledSpan::at(span.clone(), label));
        let report = miette::Report::new(diagnostic).with_source_code(miette::NamedSource::new(
            crate::paths::display_relative(&self.path),
            text.clone(),
        ));
        let handler = miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::none())
            .with_width(120);
        let mut out = String::new();
        match handler.render_report(&mut out, report.as_ref()) {
            Ok(()) => out.trim_end().to_string(),
            Err(_) => message,
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        let p = crate::paths::display_relative(&self.path);
        Text::new(
            format!("設定ファイル「{p}」: {}", self.ja),
            format!("config file '{p}': {}", self.en),
        )
        .into_string(lang)
    }
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for ConfigError {}

/// Reads and parses one daicho.toml.
pub fn load_file(path: &Path) -> Result<ConfigFile, ConfigError> {
    let bytes = std::fs::read(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            ConfigError::new(
                path,
                "ファイルが見つかりません。--config のパスを確認してください。",
                "file not found. Check the --config path.",
            )
        } else {
            ConfigError::new(
                path,
                format!("読めません({e})。アクセス権を確認してください。"),
                format!("cannot read it ({e}). Check permissions."),
            )
        }
    })?;
    parse_bytes(path, bytes)
}

/// Parses the bytes of a daicho.toml (UTF-8, a BOM allowed) read elsewhere (the browser page);
/// `path` only names the file in errors.
pub fn parse_bytes(path: &Path, bytes: Vec<u8>) -> Result<ConfigFile, ConfigError> {
    let text = String::from_utf8(bytes).map_err(|_| {
        ConfigError::new(
            path,
            "UTF-8 ではありません。メモ帳などで「UTF-8」を選んで保存し直してください。",
            "not UTF-8. Save it again as UTF-8.",
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    parse_str(path, text)
}

/// Parses daicho.toml text; `path` only names the file in errors.
pub fn parse_str(path: &Path, text: &str) -> Result<ConfigFile, ConfigError> {
    toml::from_str::<ConfigFile>(text).map_err(|e| toml_error(path, text, &e))
}

/// Turns toml's error into a Japanese/English message naming the key, the section and the line.
fn toml_error(path: &Path, text: &str, e: &toml::de::Error) -> ConfigError {
    let error = toml_message(path, text, e);
    match e.span() {
        Some(span) if span.end <= text.len() => error.at(text, span),
        _ => error,
    }
}

fn toml_message(path: &Path, text: &str, e: &toml::de::Error) -> ConfigError {
    let msg = e.message().trim();
    let (line_no, line, section) = match e.span() {
        Some(span) => locate(text, span.start),
        None => (0, String::new(), None),
    };
    let at_ja = match (line_no, &section) {
        (0, _) => String::new(),
        (n, Some(s)) => format!("{n}行目({s}): "),
        (n, None) => format!("{n}行目: "),
    };
    let at_en = match (line_no, &section) {
        (0, _) => String::new(),
        (n, Some(s)) => format!("line {n} ({s}): "),
        (n, None) => format!("line {n}: "),
    };
    let quoted = |m: &str, after: &str| -> Option<String> {
        let rest = m.split_once(after)?.1;
        let rest = rest.split_once('`')?.1;
        Some(rest.split_once('`')?.0.to_string())
    };
    if let Some(key) = quoted(msg, "unknown field") {
        let allowed = msg
            .split_once("expected")
            .map(|(_, a)| a.replace("one of ", "").replace('`', "").trim().to_string())
            .unwrap_or_default();
        return ConfigError::new(
            path,
            format!("{at_ja}不明なキー「{key}」があります(使えるキー: {allowed})。綴りを確認してください。`daicho config --example` で書き方の例を表示できます。"),
            format!("{at_en}unknown key '{key}' (allowed: {allowed}). Check the spelling; `daicho config --example` prints an example."),
        );
    }
    if let Some(key) = quoted(msg, "missing field") {
        return ConfigError::new(
            path,
            format!("{at_ja}必須のキー「{key}」がありません。"),
            format!("{at_en}the required key '{key}' is missing."),
        );
    }
    let type_error = [
        "invalid type",
        "invalid value",
        "invalid length",
        "expected a",
    ]
    .iter()
    .any(|p| msg.starts_with(p));
    if type_error {
        return ConfigError::new(
            path,
            format!(
                "{at_ja}値の形式が違います({msg})。「{}」を確認してください。",
                line.trim()
            ),
            format!(
                "{at_en}wrong kind of value ({msg}). Check '{}'.",
                line.trim()
            ),
        );
    }
    ConfigError::new(
        path,
        format!(
            "{at_ja}TOML の書き方に誤りがあります({msg})。「{}」を確認してください。",
            line.trim()
        ),
        format!("{at_en}invalid TOML ({msg}). Check '{}'.", line.trim()),
    )
}

/// 1-based line number, the line's text, and the `[section]` above it.
fn locate(text: &str, offset: usize) -> (usize, String, Option<String>) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line_no = before.matches('\n').count() + 1;
    let line = text.lines().nth(line_no - 1).unwrap_or("").to_string();
    let section = text
        .lines()
        .take(line_no)
        .filter(|l| l.trim_start().starts_with('['))
        .last()
        .map(|l| {
            let l = l.trim();
            l.split('#').next().unwrap_or(l).trim().to_string()
        });
    (line_no, line, section)
}

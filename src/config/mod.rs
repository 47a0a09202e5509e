//! Resolved settings for one run: command-line options over `daicho.toml` over defaults.
//!
//! Flow (as ruff): [`ConfigFile`] is what the file says (serde, unknown keys rejected at every
//! level) -> [`resolve`] validates it and applies the command-line [`Overrides`] ->
//! [`Settings`] is what rules and emitters consult. [`Resolver`] finds the `daicho.toml` that
//! governs each checked file (next to it or in the nearest parent folder) and loads each
//! distinct file once.

use crate::layout::{Field, FieldTable};
use crate::ledger::os::{OsOverride, OsTable};
use crate::settings::{AddrRange, Exception, Settings, CONFIG_FILE_NAME};
use crate::{Form, Lang, Severity};
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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
    s.checklist_file = cli.checklist_file.clone();
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
// The file as written.

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
    fn new(path: &Path, ja: impl Into<String>, en: impl Into<String>) -> ConfigError {
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
        let label = match lang {
            Lang::Ja => "ここ",
            Lang::En => "here",
        };
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
        match lang {
            Lang::Ja => format!("設定ファイル「{p}」: {}", self.ja),
            Lang::En => format!("config file '{p}': {}", self.en),
        }
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

// ---------------------------------------------------------------------------------------------
// Validation: what the file says -> settings.

fn apply_file(s: &mut Settings, path: &Path, cfg: ConfigFile) -> Result<(), ConfigError> {
    let err = |ja: String, en: String| ConfigError::new(path, ja, en);

    s.facility = cfg.facility.name.filter(|n| !n.trim().is_empty());

    // [ledger]
    if !cfg.ledger.synonyms.is_empty() {
        let mut extra = Vec::new();
        for (k, spellings) in &cfg.ledger.synonyms {
            let f = field_key(k).map_err(|(ja, en)| {
                err(
                    format!("[ledger] synonyms: {ja}"),
                    format!("[ledger] synonyms: {en}"),
                )
            })?;
            for sp in spellings {
                if crate::text::key(sp).is_empty() {
                    return Err(err(
                        format!("[ledger] synonyms の「{k}」に空の列名があります。"),
                        format!("[ledger] synonyms '{k}' has an empty header name."),
                    ));
                }
                extra.push((f, sp.clone()));
            }
        }
        let table = FieldTable::from_toml(FIELDS_TOML, &extra).map_err(|e| {
            err(
                format!("[ledger] synonyms を反映できません({e})。"),
                format!("[ledger] synonyms cannot be applied ({e})."),
            )
        })?;
        // One table per distinct config file for the life of the process (the resolver loads
        // each file once), so leaking keeps `Settings` simple and `&'static` everywhere.
        s.field_table = Box::leak(Box::new(table));
    }
    for k in &cfg.ledger.required {
        let f = field_key(k).map_err(|(ja, en)| {
            err(
                format!("[ledger] required: {ja}"),
                format!("[ledger] required: {en}"),
            )
        })?;
        if !s.required_fields.contains(&f) {
            s.required_fields.push(f);
        }
    }

    // [network]
    for n in &cfg.network.networks {
        let net: ipnetwork::IpNetwork = n.trim().parse().map_err(|_| {
            err(
                format!("[network] networks の「{n}」はネットワークとして読めません。「192.168.1.0/24」のように書いてください。"),
                format!("[network] networks: '{n}' is not a network. Write it like 192.168.1.0/24."),
            )
        })?;
        s.networks.push(net);
    }
    for r in &cfg.network.dhcp_ranges {
        let range = parse_range(r).ok_or_else(|| {
            err(
                format!("[network] dhcp_ranges の「{r}」を範囲として読めません。「192.168.1.100-192.168.1.199」か「192.168.1.128/25」のように書いてください。"),
                format!("[network] dhcp_ranges: cannot read '{r}'. Write 192.168.1.100-192.168.1.199 or 192.168.1.128/25."),
            )
        })?;
        s.dhcp_ranges.push(range);
    }

    // [os]
    if let Some(days) = cfg.os.warning_days {
        s.os_warning_days = days;
    }
    for id in &cfg.os.esu {
        // Normalised once here, as ledger cells are when matched (id::match_key).
        let id = crate::ledger::id::match_key(id);
        if !id.is_empty() {
            s.esu_ids.insert(id);
        }
    }
    if !cfg.os.products.is_empty() {
        let table = OsTable::bundled()
            .with_overrides(&cfg.os.products)
            .map_err(|e| {
                err(
                    format!("[[os.products]] を反映できません: {e}"),
                    format!("[[os.products]] cannot be applied: {e}"),
                )
            })?;
        s.os_table = Box::leak(Box::new(table));
    }

    // [rules]
    for (list, name) in [(&cfg.rules.select, "select"), (&cfg.rules.ignore, "ignore")] {
        for p in list {
            check_pattern(p).map_err(|(ja, en)| {
                err(
                    format!("[rules] {name}: {ja}"),
                    format!("[rules] {name}: {en}"),
                )
            })?;
        }
    }
    s.select = cfg.rules.select.clone();
    s.ignore = cfg.rules.ignore.clone();
    for (code, sev) in &cfg.rules.severity {
        let Some(rule) = crate::registry::find(code) else {
            return Err(err(
                format!("[rules] severity の「{code}」というルールはありません。`daicho rules` で一覧を確認してください。"),
                format!("[rules] severity: no rule '{code}'. Run `daicho rules` for the list."),
            ));
        };
        let severity = match sev.trim().to_ascii_lowercase().as_str() {
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            "info" => Severity::Info,
            _ => {
                return Err(err(
                    format!("[rules] severity の {code} = \"{sev}\" は使えません。\"error\"、\"warning\"、\"info\" のどれかにしてください。"),
                    format!("[rules] severity: {code} = \"{sev}\" is not one of \"error\", \"warning\", \"info\"."),
                ))
            }
        };
        s.severity_overrides.insert(rule.code.to_string(), severity);
    }

    // [checklist]
    s.edition = cfg.checklist.edition.filter(|e| !e.trim().is_empty());
    if let Some(form) = &cfg.checklist.form {
        let parsed = Form::from_key(form).ok_or_else(|| {
            err(
                format!("[checklist] form の「{form}」は使えません。\"hospital\"、\"vendor\"、\"pharmacy\" のどれかにしてください。"),
                format!("[checklist] form: '{form}' is not one of \"hospital\", \"vendor\", \"pharmacy\"."),
            )
        })?;
        s.form = Some(parsed);
    }

    // [limits]
    let positive = |v: u64, key: &str| -> Result<u64, ConfigError> {
        if v == 0 {
            Err(err(
                format!("[limits] {key} は1以上にしてください。"),
                format!("[limits] {key} must be at least 1."),
            ))
        } else {
            Ok(v)
        }
    };
    if let Some(mb) = cfg.limits.max_file_mb {
        s.limits.max_file_bytes = positive(mb, "max_file_mb")?.saturating_mul(1024 * 1024);
    }
    if let Some(n) = cfg.limits.max_cells {
        s.limits.max_cells_per_sheet = positive(n as u64, "max_cells")? as usize;
    }
    if let Some(mb) = cfg.limits.max_uncompressed_mb {
        s.limits.max_uncompressed_bytes =
            positive(mb, "max_uncompressed_mb")?.saturating_mul(1024 * 1024);
    }

    // [[exceptions]]
    for (i, e) in cfg.exceptions.into_iter().enumerate() {
        let n = i + 1;
        let id = crate::text::trim(&e.id).to_string();
        if id.is_empty() {
            return Err(err(
                format!("[[exceptions]] の{n}番目: id(管理番号)が空です。"),
                format!("[[exceptions]] #{n}: id (management number) is empty."),
            ));
        }
        let reason = e.reason.as_deref().map(crate::text::trim).unwrap_or("");
        if reason.is_empty() {
            return Err(err(
                format!("[[exceptions]] の{n}番目(id = \"{id}\"): reason(理由)は必須です。なぜ問題を許容するのかを書いてください(例: reason = \"更新予定。ベンダーと調整中\")。"),
                format!("[[exceptions]] #{n} (id = \"{id}\"): reason is required. Say why the finding is accepted."),
            ));
        }
        if e.rules.is_empty() {
            return Err(err(
                format!("[[exceptions]] の{n}番目(id = \"{id}\"): rules(対象のルールコード)を指定してください(例: rules = [\"OS001\"])。"),
                format!("[[exceptions]] #{n} (id = \"{id}\"): list the rule codes in rules (e.g. rules = [\"OS001\"])."),
            ));
        }
        for p in &e.rules {
            check_pattern(p).map_err(|(ja, en)| {
                err(
                    format!("[[exceptions]] の{n}番目(id = \"{id}\"): {ja}"),
                    format!("[[exceptions]] #{n} (id = \"{id}\"): {en}"),
                )
            })?;
        }
        s.exceptions.push(Exception::new(
            id,
            e.rules
                .iter()
                .map(|r| r.trim().to_ascii_uppercase())
                .collect(),
            reason.to_string(),
            e.until.map(|d| d.0),
        ));
    }
    Ok(())
}

const FIELDS_TOML: &str = include_str!("../../templates/fields.toml");

fn field_key(k: &str) -> Result<Field, (String, String)> {
    Field::from_key(k.trim()).ok_or_else(|| {
        let known: Vec<&str> = Field::ALL.iter().map(|f| f.key()).collect();
        (
            format!(
                "「{k}」という項目はありません(使える項目: {})。",
                known.join(", ")
            ),
            format!("no field '{k}' (known: {}).", known.join(", ")),
        )
    })
}

/// A rule code or a prefix of at least one code (`OS001`, `OS`, `IP00`).
fn check_pattern(p: &str) -> Result<(), (String, String)> {
    let up = p.trim().to_ascii_uppercase();
    if !up.is_empty()
        && crate::registry::all()
            .iter()
            .any(|r| r.code.starts_with(&up))
    {
        return Ok(());
    }
    Err((
        format!("「{p}」に当たるルールがありません。`daicho rules` で一覧を確認してください。"),
        format!("'{p}' matches no rule code. Run `daicho rules` for the list."),
    ))
}

/// `a-b` (inclusive, same family) or a CIDR block.
fn parse_range(s: &str) -> Option<AddrRange> {
    let s = s.trim();
    if let Some((a, b)) = s.split_once('-') {
        let first: IpAddr = a.trim().parse().ok()?;
        let last: IpAddr = b.trim().parse().ok()?;
        if first.is_ipv4() != last.is_ipv4() || first > last {
            return None;
        }
        return Some(AddrRange { first, last });
    }
    let net: ipnetwork::IpNetwork = s.parse().ok()?;
    Some(AddrRange {
        first: net.network(),
        last: net.broadcast_or_last(),
    })
}

trait LastAddr {
    fn broadcast_or_last(&self) -> IpAddr;
}

impl LastAddr for ipnetwork::IpNetwork {
    fn broadcast_or_last(&self) -> IpAddr {
        match self {
            ipnetwork::IpNetwork::V4(n) => IpAddr::V4(n.broadcast()),
            ipnetwork::IpNetwork::V6(n) => {
                let bits = u128::from(n.network());
                let host = u128::MAX.checked_shr(u32::from(n.prefix())).unwrap_or(0);
                IpAddr::V6(std::net::Ipv6Addr::from(bits | host))
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Discovery.

/// Finds and loads the settings for each checked file, each config file once.
pub struct Resolver {
    cli: Overrides,
    /// `--config FILE`: applies to every file.
    explicit: Option<Arc<Settings>>,
    default: Option<Arc<Settings>>,
    by_config: HashMap<PathBuf, Arc<Settings>>,
    by_dir: HashMap<PathBuf, Option<PathBuf>>,
}

impl Resolver {
    /// With `--config`, the file is loaded now (an error here stops the run).
    pub fn new(cli: Overrides, explicit: Option<&Path>) -> Result<Resolver, ConfigError> {
        let explicit = match explicit {
            Some(p) => Some(Arc::new(resolve(&cli, Some((p, load_file(p)?)))?)),
            None => None,
        };
        Ok(Resolver {
            cli,
            explicit,
            default: None,
            by_config: HashMap::new(),
            by_dir: HashMap::new(),
        })
    }

    /// The settings that govern `file`: `--config`, else the nearest daicho.toml, else defaults.
    pub fn settings_for(&mut self, file: &Path) -> Result<Arc<Settings>, ConfigError> {
        if let Some(s) = &self.explicit {
            return Ok(s.clone());
        }
        let start = std::path::absolute(file)
            .unwrap_or_else(|_| file.to_path_buf())
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let found = match self.by_dir.get(&start) {
            Some(f) => f.clone(),
            None => {
                let f = discover(&start);
                self.by_dir.insert(start, f.clone());
                f
            }
        };
        match found {
            Some(cfg) => {
                if let Some(s) = self.by_config.get(&cfg) {
                    return Ok(s.clone());
                }
                let s = Arc::new(resolve(&self.cli, Some((&cfg, load_file(&cfg)?)))?);
                self.by_config.insert(cfg, s.clone());
                Ok(s)
            }
            None => Ok(self.defaults()),
        }
    }

    /// Settings without any config file (command line over defaults).
    pub fn defaults(&mut self) -> Arc<Settings> {
        if let Some(s) = &self.explicit {
            return s.clone();
        }
        let cli = &self.cli;
        self.default
            .get_or_insert_with(|| {
                // Cannot fail without a file.
                Arc::new(resolve(cli, None).unwrap_or_else(|_| Settings::new(cli.as_of)))
            })
            .clone()
    }
}

/// The nearest `daicho.toml` in `dir` or its parents.
pub fn discover(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .map(|d| d.join(CONFIG_FILE_NAME))
        .find(|c| c.is_file())
}

// ---------------------------------------------------------------------------------------------
// `daicho config --example`.

/// A commented daicho.toml showing every section. It parses as is (tested).
pub const EXAMPLE: &str = r#"# daicho.toml — daicho の設定ファイル(例)
#
# 検査するファイルと同じフォルダか、その上のフォルダに置きます(いちばん近いものが使われます)。
# `daicho check --config このファイル` で明示することもできます。
# 書かれていない項目は既定値のままです。知らないキーはエラーになります(綴りの誤りを見逃さないため)。

[facility]
name = "さくら病院"                      # 医療機関名

[ledger]
# 列名の同義語を追加します(項目: id, maker, os, software, software_version, ip, hostname,
# location, user, registered, status, kind, model, mac, remote_maintenance, note)。
synonyms = { ip = ["ネットワークアドレス"], id = ["資産管理番号"] }
# 任意項目のうち、この施設では必ず記入させたいもの(空欄は F001)。
required = ["mac", "kind"]

[network]
# 院内で使っているネットワーク。宣言すると IP005(範囲外のアドレス)と、
# ネットワーク/ブロードキャストアドレスの IP006 が有効になります。
networks = ["192.168.1.0/24", "192.168.10.0/24"]
# DHCP で配布している範囲(「開始-終了」か CIDR)。
dhcp_ranges = ["192.168.1.100-192.168.1.199"]

[os]
warning_days = 180                       # サポート終了の何日前から OS002 で警告するか
esu = ["S-001"]                          # 延長サポート(ESU など)を契約している機器の管理番号

# 同梱のサポート期限表にない製品の追加や、期限の上書き。
[[os.products]]
id = "yamaha-rtx1210"
name = "Yamaha RTX1210 Rev.14.01"
aliases = ["RTX1210 Rev.14.01"]
eol = 2027-03-31

[rules]
# select を書くとそのルールだけを検査します(コードか先頭部分: "IP", "OS00")。
# select = ["IP", "ID"]
ignore = ["D002"]                        # 検査しないルール
severity = { OS003 = "warning" }         # 重大度の変更("error" / "warning" / "info")

[checklist]
edition = "r7"                           # チェックリストの版
form = "hospital"                        # hospital / vendor / pharmacy

[limits]
max_file_mb = 200                        # これより大きいファイルは読みません
max_cells = 10000000                     # セル数の上限(1シートごと、ブック全体とも)
max_uncompressed_mb = 1024               # 展開後サイズの上限(圧縮爆弾対策)

# 例外: 確認済みで、当面そのままにする指摘。出力には「承認済み」として残り、
# 終了コードには数えません。reason(理由)は必須、until(期限)は任意です。
# 期限を過ぎると指摘が再び有効になります。
[[exceptions]]
id = "PC-014"                            # 管理番号
rules = ["OS001"]                        # ルールコード(先頭部分も可: "OS")
reason = "検査装置メーカーの指定OS。2027年3月の更新まで院内LANから分離して運用"
until = 2027-03-31

# 台帳の「備考」欄に書く方法もあります:
#   daicho:ignore OS001 検査装置メーカーの指定OS
#   daicho:ignore OS001,IP004 冗長構成のため同じアドレス
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(src: &str) -> Result<Settings, ConfigError> {
        let p = Path::new("daicho.toml");
        let cfg = parse_str(p, src)?;
        resolve(&Overrides::new(d("2026-11-25")), Some((p, cfg)))
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    fn err(src: &str) -> String {
        match parse(src) {
            Ok(_) => panic!("accepted: {src}"),
            Err(e) => e.message(Lang::Ja),
        }
    }

    #[test]
    fn example_parses_and_applies_every_section() {
        let s = parse(EXAMPLE).expect("the example parses");
        assert_eq!(s.facility.as_deref(), Some("さくら病院"));
        assert_eq!(s.required_fields, vec![Field::Mac, Field::Kind]);
        assert_eq!(s.networks.len(), 2);
        assert_eq!(s.dhcp_ranges.len(), 1);
        assert!(s.dhcp_ranges[0].contains("192.168.1.150".parse().expect("ip")));
        assert!(s.esu_ids.contains("S-001"));
        assert_eq!(s.ignore, vec!["D002".to_string()]);
        assert_eq!(s.severity_overrides.get("OS003"), Some(&Severity::Warning));
        assert_eq!(s.edition.as_deref(), Some("r7"));
        assert_eq!(s.form, Some(Form::Hospital));
        assert_eq!(s.limits.max_file_bytes, 200 * 1024 * 1024);
        assert_eq!(s.exceptions.len(), 1);
        assert_eq!(s.exceptions[0].until, Some(d("2027-03-31")));
        assert_eq!(
            s.field_table
                .match_label("ネットワークアドレス")
                .map(|m| m.0),
            Some(Field::Ip)
        );
        assert!(matches!(
            s.os_table.judge("RTX1210 Rev.14.01"),
            crate::ledger::os::OsVerdict::Known(_)
        ));
    }

    #[test]
    fn unknown_keys_are_named_at_every_level() {
        for (src, key) in [
            ("colour = 1\n", "colour"),
            ("[rules]\nselct = [\"IP\"]\n", "selct"),
            ("[facility]\nname = \"x\"\naddress = \"y\"\n", "address"),
            ("[[exceptions]]\nid = \"1\"\nrules = [\"OS001\"]\nreason = \"r\"\nuntill = 2027-01-01\n", "untill"),
            ("[[os.products]]\nid = \"x\"\neol = 2030-01-01\nfoo = 1\n", "foo"),
            ("[limits]\nmax_rows = 5\n", "max_rows"),
        ] {
            let m = err(src);
            assert!(m.contains(&format!("「{key}」")) && m.contains("不明なキー"), "{src}: {m}");
        }
        let m = err("\n\n[rules]\nselct = [\"IP\"]\n");
        assert!(m.contains("4行目") && m.contains("[rules]"), "{m}");
    }

    #[test]
    fn bad_values_are_named() {
        for (src, word) in [
            ("[ledger]\nrequired = [\"macc\"]\n", "macc"),
            ("[ledger]\nsynonyms = { ipp = [\"x\"] }\n", "ipp"),
            ("[network]\nnetworks = [\"192.168.1.0/33\"]\n", "192.168.1.0/33"),
            ("[network]\ndhcp_ranges = [\"192.168.1.9-192.168.1.1\"]\n", "dhcp_ranges"),
            ("[rules]\nselect = [\"ZZ\"]\n", "ZZ"),
            ("[rules]\nseverity = { OS003 = \"fatal\" }\n", "fatal"),
            ("[rules]\nseverity = { OS999 = \"info\" }\n", "OS999"),
            ("[checklist]\nform = \"clinic\"\n", "clinic"),
            ("[limits]\nmax_file_mb = 0\n", "max_file_mb"),
            ("[[exceptions]]\nid = \"S-1\"\nrules = [\"OS001\"]\n", "reason"),
            ("[[exceptions]]\nid = \"S-1\"\nrules = [\"OS001\"]\nreason = \"  \"\n", "reason"),
            ("[[exceptions]]\nid = \"S-1\"\nreason = \"r\"\n", "rules"),
            ("[[exceptions]]\nid = \"S-1\"\nrules = [\"QQ1\"]\nreason = \"r\"\n", "QQ1"),
            ("[[exceptions]]\nid = \"S-1\"\nrules = [\"OS001\"]\nreason = \"r\"\nuntil = \"来年\"\n", "2027-03-31"),
            ("[[os.products]]\nid = \"new\"\nname = \"New\"\naliases = [\"new os\"]\n", "eol"),
            ("[os]\nwarning_days = \"half a year\"\n", "warning_days"),
            ("[rules\n", "TOML"),
        ] {
            let m = err(src);
            assert!(m.contains(word), "{src}: {m}");
        }
    }

    #[test]
    fn command_line_overrides_the_file() {
        let p = Path::new("daicho.toml");
        let cfg = parse_str(
            p,
            "[rules]\nselect = [\"OS\"]\nignore = [\"OS003\"]\n[checklist]\nedition = \"r6\"\n",
        )
        .expect("parses");
        let mut cli = Overrides::new(d("2026-11-25"));
        cli.select = vec!["IP".into()];
        cli.ignore = vec!["IP006".into()];
        cli.edition = Some("r7".into());
        let s = resolve(&cli, Some((p, cfg))).expect("resolves");
        assert!(s.is_enabled("IP001") && !s.is_enabled("OS001"));
        assert!(!s.is_enabled("IP006") && !s.is_enabled("OS003"));
        assert_eq!(s.edition.as_deref(), Some("r7"));
    }

    #[test]
    fn nearest_config_wins() {
        let dir = tempfile::tempdir().expect("tempdir");
        let sub = dir.path().join("病棟").join("2階");
        std::fs::create_dir_all(&sub).expect("mkdir");
        std::fs::write(
            dir.path().join(CONFIG_FILE_NAME),
            "[os]\nwarning_days = 10\n",
        )
        .expect("write");
        assert_eq!(discover(&sub), Some(dir.path().join(CONFIG_FILE_NAME)));
        std::fs::write(sub.join(CONFIG_FILE_NAME), "[os]\nwarning_days = 20\n").expect("write");
        let mut r = Resolver::new(Overrides::new(d("2026-11-25")), None).expect("resolver");
        let near = r.settings_for(&sub.join("台帳.xlsx")).expect("loads");
        let far = r
            .settings_for(&dir.path().join("病棟").join("台帳.xlsx"))
            .expect("loads");
        assert_eq!((near.os_warning_days, far.os_warning_days), (20, 10));
        let again = r.settings_for(&sub.join("別の台帳.xlsx")).expect("loads");
        assert!(Arc::ptr_eq(&near, &again), "each config is loaded once");
    }

    #[test]
    fn ranges() {
        let r = parse_range("10.0.0.0/30").expect("cidr");
        assert_eq!(r.last, "10.0.0.3".parse::<IpAddr>().expect("ip"));
        assert!(parse_range("10.0.0.1-fe80::1").is_none());
        assert!(parse_range("fe80::/64").is_some());
    }

    #[test]
    fn a_toml_error_renders_the_line_with_the_key_underlined() {
        let text = "[ledger]\nrequired = [\"ip\"]\n\n[rules]\nignor = [\"D002\"]\n";
        let Err(e) = parse_str(Path::new("daicho.toml"), text) else {
            panic!("an unknown key must be an error");
        };
        let ja = e.render(Lang::Ja);
        assert!(ja.contains("5行目([rules]): 不明なキー「ignor」"), "{ja}");
        assert!(ja.contains("5 | ignor = [\"D002\"]"), "{ja}");
        assert!(ja.contains("^^|^^") && ja.contains("ここ"), "{ja}");
        assert!(!ja.contains('\u{1b}'), "no colour codes: {ja}");
        let en = e.render(Lang::En);
        assert!(
            en.contains("unknown key 'ignor'") && en.contains("here"),
            "{en}"
        );
        // An error without a place in the file is the message alone.
        let plain = ConfigError::new(Path::new("daicho.toml"), "x", "y");
        assert_eq!(plain.render(Lang::En), plain.message(Lang::En));
    }
}

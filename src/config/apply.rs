//! Validation: what the file says → [`Settings`].

use super::{
    ChecklistSection, ConfigError, ConfigFile, ExceptionSpec, LedgerSection, LimitsSection,
    NetworkSection, OsSection, RulesSection,
};
use crate::layout::{Field, FieldTable};
use crate::ledger::os::OsTable;
use crate::settings::{AddrRange, Exception, Settings};
use crate::{Form, Severity};
use std::net::IpAddr;
use std::path::Path;

/// Applies the file's sections to the settings in order; the first invalid value is the error.
pub(super) fn apply_file(
    s: &mut Settings,
    path: &Path,
    cfg: ConfigFile,
) -> Result<(), ConfigError> {
    s.facility = cfg.facility.name.filter(|n| !n.trim().is_empty());
    ledger(s, path, &cfg.ledger)?;
    network(s, path, &cfg.network)?;
    os(s, path, &cfg.os)?;
    rules(s, path, &cfg.rules)?;
    checklist(s, path, cfg.checklist)?;
    limits(s, path, &cfg.limits)?;
    exceptions(s, path, cfg.exceptions)
}

/// `[ledger]`: extra header spellings (synonyms) and the fields this facility requires.
fn ledger(s: &mut Settings, path: &Path, cfg: &LedgerSection) -> Result<(), ConfigError> {
    let err = |ja: String, en: String| ConfigError::new(path, ja, en);
    if !cfg.synonyms.is_empty() {
        let mut extra = Vec::new();
        for (k, spellings) in &cfg.synonyms {
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
    for k in &cfg.required {
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
    Ok(())
}

/// `[network]`: the networks in use and the DHCP ranges.
fn network(s: &mut Settings, path: &Path, cfg: &NetworkSection) -> Result<(), ConfigError> {
    let err = |ja: String, en: String| ConfigError::new(path, ja, en);
    for n in &cfg.networks {
        let net: ipnetwork::IpNetwork = n.trim().parse().map_err(|_| {
            err(
                format!("[network] networks の「{n}」はネットワークとして読めません。「192.168.1.0/24」のように書いてください。"),
                format!("[network] networks: '{n}' is not a network. Write it like 192.168.1.0/24."),
            )
        })?;
        s.networks.push(net);
    }
    for r in &cfg.dhcp_ranges {
        let range = parse_range(r).ok_or_else(|| {
            err(
                format!("[network] dhcp_ranges の「{r}」を範囲として読めません。「192.168.1.100-192.168.1.199」か「192.168.1.128/25」のように書いてください。"),
                format!("[network] dhcp_ranges: cannot read '{r}'. Write 192.168.1.100-192.168.1.199 or 192.168.1.128/25."),
            )
        })?;
        s.dhcp_ranges.push(range);
    }
    Ok(())
}

/// `[os]`: the warning period, the devices under extended support, extra or overridden products.
fn os(s: &mut Settings, path: &Path, cfg: &OsSection) -> Result<(), ConfigError> {
    let err = |ja: String, en: String| ConfigError::new(path, ja, en);
    if let Some(days) = cfg.warning_days {
        s.os_warning_days = days;
    }
    for id in &cfg.esu {
        // Normalised once here, as ledger cells are when matched (id::match_key).
        let id = crate::ledger::id::match_key(id);
        if !id.is_empty() {
            s.esu_ids.insert(id);
        }
    }
    if !cfg.products.is_empty() {
        let table = OsTable::bundled()
            .with_overrides(&cfg.products)
            .map_err(|e| {
                err(
                    format!("[[os.products]] を反映できません: {e}"),
                    format!("[[os.products]] cannot be applied: {e}"),
                )
            })?;
        s.os_table = Box::leak(Box::new(table));
    }
    Ok(())
}

/// `[rules]`: select, ignore and severity overrides (every code or prefix must name a rule).
fn rules(s: &mut Settings, path: &Path, cfg: &RulesSection) -> Result<(), ConfigError> {
    let err = |ja: String, en: String| ConfigError::new(path, ja, en);
    for (list, name) in [(&cfg.select, "select"), (&cfg.ignore, "ignore")] {
        for p in list {
            check_pattern(p).map_err(|(ja, en)| {
                err(
                    format!("[rules] {name}: {ja}"),
                    format!("[rules] {name}: {en}"),
                )
            })?;
        }
    }
    s.select = cfg.select.clone();
    s.ignore = cfg.ignore.clone();
    for (code, sev) in &cfg.severity {
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
    Ok(())
}

/// `[checklist]`: the edition, the form and an edition file of one's own.
fn checklist(s: &mut Settings, path: &Path, cfg: ChecklistSection) -> Result<(), ConfigError> {
    let err = |ja: String, en: String| ConfigError::new(path, ja, en);
    s.edition = cfg.edition.filter(|e| !e.trim().is_empty());
    if let Some(file) = cfg.file.filter(|f| !f.as_os_str().is_empty()) {
        let full = path.parent().map_or(file.clone(), |dir| dir.join(&file));
        if !full.is_file() {
            let shown = file.display();
            return Err(err(
                format!("[checklist] file の「{shown}」がありません。daicho.toml からの相対パスで、daicho edition import で作った版の定義ファイルを指定してください。"),
                format!("[checklist] file: '{shown}' does not exist. Name an edition file made by daicho edition import, relative to daicho.toml."),
            ));
        }
        // A broken edition file stops the run here, naming it, rather than falling back unseen.
        if let Err(e) = crate::checklist::edition::load_file(&full) {
            return Err(err(
                format!("[checklist] file: {}", e.ja),
                format!("[checklist] file: {}", e.en),
            ));
        }
        s.checklist_file = Some(full);
    }
    if let Some(form) = &cfg.form {
        let parsed = Form::from_key(form).ok_or_else(|| {
            err(
                format!("[checklist] form の「{form}」は使えません。\"hospital\"、\"vendor\"、\"pharmacy\" のどれかにしてください。"),
                format!("[checklist] form: '{form}' is not one of \"hospital\", \"vendor\", \"pharmacy\"."),
            )
        })?;
        s.form = Some(parsed);
    }
    Ok(())
}

/// `[limits]`: the file size, cell and uncompressed-size limits (each at least 1).
fn limits(s: &mut Settings, path: &Path, cfg: &LimitsSection) -> Result<(), ConfigError> {
    let err = |ja: String, en: String| ConfigError::new(path, ja, en);
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
    if let Some(mb) = cfg.max_file_mb {
        s.limits.max_file_bytes = positive(mb, "max_file_mb")?.saturating_mul(1024 * 1024);
    }
    if let Some(n) = cfg.max_cells {
        s.limits.max_cells_per_sheet = positive(n as u64, "max_cells")? as usize;
    }
    if let Some(mb) = cfg.max_uncompressed_mb {
        s.limits.max_uncompressed_bytes =
            positive(mb, "max_uncompressed_mb")?.saturating_mul(1024 * 1024);
    }
    Ok(())
}

/// `[[exceptions]]`: accepted findings, each with an id, rule codes and a reason.
fn exceptions(
    s: &mut Settings,
    path: &Path,
    exceptions: Vec<ExceptionSpec>,
) -> Result<(), ConfigError> {
    let err = |ja: String, en: String| ConfigError::new(path, ja, en);
    for (i, e) in exceptions.into_iter().enumerate() {
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
pub(super) fn parse_range(s: &str) -> Option<AddrRange> {
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

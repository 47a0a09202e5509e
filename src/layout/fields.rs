//! The canonical ledger fields (SPEC §4) and their header synonyms, loaded from
//! `templates/fields.toml` so the checker, the template and the converter share one table.

use crate::text::key;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

/// A canonical ledger field. The order is the standard layout's column order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Id,
    Maker,
    Os,
    Software,
    SoftwareVersion,
    Ip,
    Hostname,
    Location,
    User,
    Registered,
    Status,
    Kind,
    Model,
    Mac,
    RemoteMaintenance,
    Note,
}

impl Field {
    pub const ALL: [Field; 16] = [
        Field::Id,
        Field::Maker,
        Field::Os,
        Field::Software,
        Field::SoftwareVersion,
        Field::Ip,
        Field::Hostname,
        Field::Location,
        Field::User,
        Field::Registered,
        Field::Status,
        Field::Kind,
        Field::Model,
        Field::Mac,
        Field::RemoteMaintenance,
        Field::Note,
    ];

    /// The stable key used in JSON and config (`id`, `ip`, `software_version` …).
    pub fn key(self) -> &'static str {
        match self {
            Field::Id => "id",
            Field::Maker => "maker",
            Field::Os => "os",
            Field::Software => "software",
            Field::SoftwareVersion => "software_version",
            Field::Ip => "ip",
            Field::Hostname => "hostname",
            Field::Location => "location",
            Field::User => "user",
            Field::Registered => "registered",
            Field::Status => "status",
            Field::Kind => "kind",
            Field::Model => "model",
            Field::Mac => "mac",
            Field::RemoteMaintenance => "remote_maintenance",
            Field::Note => "note",
        }
    }

    pub fn from_key(k: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.key() == k)
    }

    pub fn index(self) -> usize {
        self as usize
    }

    /// The Japanese label of SPEC §4 (the template's header text).
    pub fn label(self) -> &'static str {
        &spec(self).label
    }

    /// English label for `--lang en` messages.
    pub fn label_en(self) -> &'static str {
        match self {
            Field::Id => "management number",
            Field::Maker => "maker",
            Field::Os => "OS",
            Field::Software => "software",
            Field::SoftwareVersion => "software version",
            Field::Ip => "IP address",
            Field::Hostname => "computer name",
            Field::Location => "location",
            Field::User => "user",
            Field::Registered => "registration date",
            Field::Status => "status",
            Field::Kind => "device kind",
            Field::Model => "model",
            Field::Mac => "MAC address",
            Field::RemoteMaintenance => "remote maintenance",
            Field::Note => "note",
        }
    }

    pub fn role(self) -> FieldRole {
        spec(self).role
    }

    /// Guidance for the template's header note.
    pub fn note(self) -> &'static str {
        &spec(self).note
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldRole {
    Core,
    Recommended,
    Optional,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    pub key: String,
    pub label: String,
    pub role: FieldRole,
    /// Each header label that names the field, with its strength (1 loose … 3 the field's own
    /// name).
    pub synonyms: BTreeMap<String, u8>,
    #[serde(default)]
    pub weak: Vec<String>,
    #[serde(default)]
    pub note: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldFile {
    #[serde(default)]
    not_field_words: Vec<String>,
    field: Vec<FieldSpec>,
}

/// The strongest synonym strength: the field's own label and synonyms added in daicho.toml.
pub const STRONGEST: u8 = 3;

/// How strongly a header label names a field: the synonym's strength (0 for a running 「No.」),
/// then whether the label is the synonym itself or only contains it. Ordered weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct MatchStrength {
    /// 0 weak (only used when nothing better exists), 1 loose, 2 usual synonym, 3 the field's name.
    pub level: u8,
    /// The label is the synonym (after normalisation and dropping bracketed notes), not a longer
    /// label containing it (「管理用IPアドレス」).
    pub exact: bool,
}

impl MatchStrength {
    /// A running number such as 「No.」: only used when nothing better exists.
    pub const WEAK: MatchStrength = MatchStrength {
        level: 0,
        exact: true,
    };

    /// Clearly weaker than `other`: a lower strength level, or the same level only contained in
    /// a longer label (「OSビルド」 beside 「OS」). Two labels equally strong (both the synonym
    /// itself, or both containing one of the same level) are a duplicate column (L003).
    pub fn clearly_weaker_than(self, other: MatchStrength) -> bool {
        self < other
    }
}

pub struct FieldTable {
    specs: Vec<FieldSpec>,
    exact: HashMap<String, (Field, u8)>,
    weak: HashMap<String, Field>,
    /// Synonym keys sorted longest first (then strongest), for containment matching.
    contains: Vec<(String, Field, u8)>,
    /// [`char_mask`] of each `contains` key: a synonym with a character the label lacks cannot
    /// be inside it, which rules out nearly all of them without a substring search. Header
    /// detection tries every cell of the first rows, so this loop ran ~700 times per sheet and
    /// was 85% of checking a small workbook.
    contains_masks: Vec<u64>,
    /// Keys of the words that make a label about something else (「接続先」「期限」).
    not_field_words: Vec<String>,
}

/// A 64-bit set of the characters of `s` (by code point modulo 64).
fn char_mask(s: &str) -> u64 {
    s.chars().fold(0, |m, c| m | 1u64 << (u32::from(c) % 64))
}

static BUNDLED: OnceLock<FieldTable> = OnceLock::new();

const FIELDS_TOML: &str = include_str!("../../templates/fields.toml");

fn spec(f: Field) -> &'static FieldSpec {
    &FieldTable::bundled().specs[f.index()]
}

impl FieldTable {
    pub fn bundled() -> &'static FieldTable {
        BUNDLED.get_or_init(|| {
            FieldTable::from_toml(FIELDS_TOML, &[]).expect("templates/fields.toml is valid")
        })
    }

    /// Parses a field table and adds extra synonyms (from `[ledger] synonyms` in daicho.toml, at
    /// the strongest level; they replace a bundled meaning of the same label).
    ///
    /// A label listed under two fields, or a strength outside 1..=3, is an error: the table
    /// would not say what such a column means.
    pub fn from_toml(src: &str, extra: &[(Field, String)]) -> Result<FieldTable, String> {
        let file: FieldFile = toml::from_str(src).map_err(|e| e.to_string())?;
        let mut specs = file.field;
        // Index by Field order, whatever the file order.
        let mut ordered = Vec::with_capacity(Field::ALL.len());
        for f in Field::ALL {
            let pos = specs
                .iter()
                .position(|s| s.key == f.key())
                .ok_or_else(|| format!("field '{}' missing from the field table", f.key()))?;
            ordered.push(specs.swap_remove(pos));
        }
        if let Some(s) = specs.first() {
            return Err(format!("unknown field key '{}'", s.key));
        }
        let mut exact: HashMap<String, (Field, u8)> = HashMap::new();
        let mut weak = HashMap::new();
        for (f, spec) in Field::ALL.into_iter().zip(&ordered) {
            let syns = spec
                .synonyms
                .iter()
                .map(|(s, level)| (s, *level))
                .chain(std::iter::once((&spec.label, STRONGEST)));
            for (s, level) in syns {
                if !(1..=STRONGEST).contains(&level) {
                    return Err(format!(
                        "synonym '{s}' of '{}': strength {level} is not 1..={STRONGEST}",
                        f.key()
                    ));
                }
                let k = key(s);
                match exact.get(&k) {
                    Some((other, _)) if *other != f => {
                        return Err(format!(
                            "synonym '{s}' is listed under both '{}' and '{}'",
                            other.key(),
                            f.key()
                        ))
                    }
                    // 「管理No」 and 「管理NO」 are one key: the stronger strength counts.
                    Some((_, l)) if *l >= level => {}
                    _ => {
                        exact.insert(k, (f, level));
                    }
                }
            }
            for s in &spec.weak {
                weak.insert(key(s), f);
            }
        }
        for (f, s) in extra {
            exact.insert(key(s), (*f, STRONGEST));
        }
        // Very short keys ("os", "ip", "id") are too ambiguous to match inside longer labels
        // ("ipad", "position") except as ASCII-delimited words, handled in `match_label`.
        let mut contains: Vec<(String, Field, u8)> = exact
            .iter()
            .map(|(k, (f, level))| (k.clone(), *f, *level))
            .collect();
        contains.sort_by(|a, b| {
            b.0.chars()
                .count()
                .cmp(&a.0.chars().count())
                .then(b.2.cmp(&a.2))
                .then(a.0.cmp(&b.0))
        });
        let contains_masks = contains.iter().map(|(k, _, _)| char_mask(k)).collect();
        Ok(FieldTable {
            specs: ordered,
            exact,
            weak,
            contains,
            contains_masks,
            not_field_words: file.not_field_words.iter().map(|w| key(w)).collect(),
        })
    }

    /// Which field a header label names, and how strongly.
    pub fn match_label(&self, label: &str) -> Option<(Field, MatchStrength)> {
        let k = key(label);
        if k.is_empty() {
            return None;
        }
        let exact = |(f, level): (Field, u8)| Some((f, MatchStrength { level, exact: true }));
        if let Some(m) = self.exact.get(&k) {
            return exact(*m);
        }
        let stripped = strip_decorations(&k);
        if stripped != k && !stripped.is_empty() {
            if let Some(m) = self.exact.get(&stripped) {
                return exact(*m);
            }
        }
        if let Some(f) = self.weak.get(&stripped) {
            return Some((*f, MatchStrength::WEAK));
        }
        // Long labels such as 「IPアドレス(固定)」「OS・バージョン」「設置場所(部屋)」.
        if stripped.chars().count() > 40 {
            return None;
        }
        // 「接続先IPアドレス」「OSサポート期限」: about something else than the field they contain.
        if self
            .not_field_words
            .iter()
            .any(|w| stripped.contains(w.as_str()))
        {
            return None;
        }
        let label_mask = char_mask(&stripped);
        for ((syn, f, level), mask) in self.contains.iter().zip(&self.contains_masks) {
            if mask & !label_mask != 0 {
                continue;
            }
            let n = syn.chars().count();
            if n < 2 {
                continue;
            }
            let found = if n <= 3 && syn.is_ascii() {
                contains_ascii_word(&stripped, syn)
            } else {
                stripped.contains(syn.as_str())
            };
            if found {
                return Some((
                    *f,
                    MatchStrength {
                        level: *level,
                        exact: false,
                    },
                ));
            }
        }
        None
    }
}

/// Removes bracketed notes, a leading ※ note and required-field markers: 「IPアドレス(※固定)*」 -> 「ipアドレス」.
fn strip_decorations(k: &str) -> String {
    let mut out = String::with_capacity(k.len());
    let mut depth = 0usize;
    for c in k.chars() {
        match c {
            '(' | '[' | '【' | '〔' | '「' | '<' | '《' => depth += 1,
            ')' | ']' | '】' | '〕' | '」' | '>' | '》' => depth = depth.saturating_sub(1),
            '※' if depth == 0 => break,
            '*' | '◎' | '●' | '■' | '◆' | ':' | '・' | '･' | '/' | '_' | '.' => {}
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// `syn` appears in `s` not glued to other ASCII letters ("os名" yes, "cost" no).
fn contains_ascii_word(s: &str, syn: &str) -> bool {
    let bytes = s.as_bytes();
    let mut from = 0;
    while let Some(pos) = s[from..].find(syn) {
        let start = from + pos;
        let end = start + syn.len();
        let before_ok = start == 0 || !bytes[start - 1].is_ascii_alphanumeric();
        let after_ok = end >= bytes.len() || !bytes[end].is_ascii_alphabetic();
        if before_ok && after_ok {
            return true;
        }
        from = end;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(label: &str) -> Option<Field> {
        FieldTable::bundled().match_label(label).map(|(f, _)| f)
    }

    #[test]
    fn table_loads_with_every_field() {
        let t = FieldTable::bundled();
        for f in Field::ALL {
            assert!(!f.label().is_empty());
            assert_eq!(
                t.match_label(f.label()).map(|x| x.0),
                Some(f),
                "{}",
                f.label()
            );
        }
    }

    #[test]
    fn issue_synonyms() {
        for (label, f) in [
            ("管理番号", Field::Id),
            ("資産番号", Field::Id),
            ("機器番号", Field::Id),
            ("管理No", Field::Id),
            ("管理Ｎｏ．", Field::Id),
            ("メーカー", Field::Maker),
            ("製造元", Field::Maker),
            ("OS", Field::Os),
            ("ＯＳ名", Field::Os),
            ("OS/ファームウェア", Field::Os),
            ("ソフトウェア", Field::Software),
            ("システム名", Field::Software),
            ("ソフトウェアバージョン", Field::SoftwareVersion),
            ("バージョン", Field::SoftwareVersion),
            ("Ver", Field::SoftwareVersion),
            ("IPアドレス", Field::Ip),
            ("ＩＰ", Field::Ip),
            ("IPアドレス(固定)", Field::Ip),
            ("IP アドレス ※DHCPは「DHCP」", Field::Ip),
            ("コンピュータ名", Field::Hostname),
            ("ホスト名", Field::Hostname),
            ("端末名", Field::Hostname),
            ("PC名", Field::Hostname),
            ("設置場所", Field::Location),
            ("場所", Field::Location),
            ("設置部署", Field::Location),
            ("利用者", Field::User),
            ("使用者", Field::User),
            ("管理者", Field::User),
            ("担当者", Field::User),
            ("登録日", Field::Registered),
            ("導入日", Field::Registered),
            ("設置日", Field::Registered),
            ("状態", Field::Status),
            ("稼働状況", Field::Status),
            ("ステータス", Field::Status),
            ("機器種別", Field::Kind),
            ("種別", Field::Kind),
            ("分類", Field::Kind),
            ("備考", Field::Note),
            ("MACアドレス", Field::Mac),
            ("OS・バージョン", Field::Os),
            ("OS/バージョン", Field::Os),
            ("ソフトウェア・バージョン", Field::SoftwareVersion),
            ("リモート保守の有無", Field::RemoteMaintenance),
        ] {
            assert_eq!(m(label), Some(f), "{label}");
        }
    }

    #[test]
    fn running_number_is_weak() {
        let t = FieldTable::bundled();
        assert_eq!(t.match_label("No."), Some((Field::Id, MatchStrength::WEAK)));
        assert_eq!(
            t.match_label("ＮＯ．"),
            Some((Field::Id, MatchStrength::WEAK))
        );
    }

    /// issue 13: the header words of hospital ledgers and asset-management exports, by meaning.
    #[test]
    fn header_words_of_real_ledgers() {
        for (label, f, level) in [
            ("資産番号", Field::Id, 2),
            ("資産管理番号", Field::Id, 2),
            ("管理番号", Field::Id, 3),
            ("機器名称", Field::Hostname, 1),
            ("品名", Field::Model, 2),
            ("端末名", Field::Hostname, 3),
            ("ホスト名", Field::Hostname, 3),
            ("PC名", Field::Hostname, 3),
            ("ＰＣ名", Field::Hostname, 3),
            ("サーバ名", Field::Hostname, 3),
            ("サーバー名", Field::Hostname, 3),
            ("使用部署", Field::User, 2),
            ("部署", Field::User, 2),
            ("所属", Field::User, 2),
            ("診療科", Field::User, 2),
            ("管理部署", Field::User, 1),
            ("利用者", Field::User, 3),
            ("設置場所", Field::Location, 3),
            ("設置部署", Field::Location, 2),
            ("導入日", Field::Registered, 2),
            ("登録日", Field::Registered, 3),
            ("稼働状況", Field::Status, 3),
            ("稼動状況", Field::Status, 3),
            ("OSバージョン", Field::Os, 2),
            ("ＯＳバージョン", Field::Os, 2),
            ("OS", Field::Os, 3),
        ] {
            let got = FieldTable::bundled().match_label(label);
            assert_eq!(
                got,
                Some((
                    Field::from_key(f.key()).expect("field"),
                    MatchStrength { level, exact: true }
                )),
                "{label}"
            );
        }
        // Contained synonyms keep their synonym's level, a little below the synonym itself.
        assert_eq!(
            FieldTable::bundled().match_label("使用部署名"),
            Some((
                Field::User,
                MatchStrength {
                    level: 2,
                    exact: false
                }
            ))
        );
    }

    /// Labels about something else than the field they contain, and words that name no field.
    #[test]
    fn labels_about_something_else() {
        for label in [
            "接続先",
            "接続先IPアドレス",
            "OSサポート期限",
            "ソフトウェア保守契約",
            "保守契約",
            "保守業者",
            "旧IPアドレス",
            "ゲートウェイアドレス",
            "メールアドレス",
            "OS更新状況",
            "利用者連絡先",
        ] {
            assert_eq!(m(label), None, "{label}");
        }
    }

    #[test]
    fn a_label_under_two_fields_is_refused() {
        let src = FIELDS_TOML.replacen("\"場所\" = 2", "\"場所\" = 2\n\"ホスト名\" = 2", 1);
        assert_ne!(src, FIELDS_TOML);
        let err = FieldTable::from_toml(&src, &[]).err().unwrap_or_default();
        assert!(err.contains("ホスト名"), "{err}");
        let src = FIELDS_TOML.replacen("\"場所\" = 2", "\"場所\" = 7", 1);
        assert!(FieldTable::from_toml(&src, &[]).is_err());
    }

    #[test]
    fn config_synonyms_are_strongest_and_override() {
        let t = FieldTable::from_toml(FIELDS_TOML, &[(Field::Location, "部署".to_string())])
            .expect("table");
        assert_eq!(
            t.match_label("部署"),
            Some((
                Field::Location,
                MatchStrength {
                    level: 3,
                    exact: true
                }
            ))
        );
    }

    #[test]
    fn unrelated_labels_do_not_match() {
        for label in [
            "",
            "作成日: 2024/4/1",
            "機器台帳",
            "費用",
            "cost",
            "position",
        ] {
            assert_eq!(m(label), None, "{label}");
        }
    }
}

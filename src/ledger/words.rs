//! The vocabularies of free-text ledger cells, read by meaning: status words, リモート保守 answers,
//! IP entries that say "no fixed address", and totals rows. The words are data,
//! `templates/vocab.toml`, compiled in; this module only loads them and matches cells against
//! them.

use super::status::{DeviceKind, Status};
use crate::text;
use crate::workbook::CellValue;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::OnceLock;

const VOCAB_TOML: &str = include_str!("../../templates/vocab.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VocabFile {
    status: Vec<StatusWords>,
    remote_maintenance: RemoteWords,
    ip: IpWords,
    totals: TotalWords,
    kind: Vec<KindWords>,
    sheet_names: SheetNameWords,
    not_applicable: NotApplicableWords,
    placeholder: PlaceholderWords,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NotApplicableWords {
    words: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlaceholderWords {
    words: Vec<String>,
    prefixes: Vec<String>,
    contains: Vec<String>,
    only_chars: Vec<char>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KindWords {
    kind: DeviceKind,
    standard: String,
    words: Vec<String>,
    suffixes: Vec<String>,
    sheet_words: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SheetNameWords {
    suffixes: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusWords {
    status: Status,
    spellings: Vec<String>,
    kept: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RemoteWords {
    yes: Vec<String>,
    no: Vec<String>,
    yes_endings: Vec<String>,
    no_endings: Vec<String>,
    yes_prefixes: Vec<String>,
    no_prefixes: Vec<String>,
    yes_contains: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IpWords {
    dynamic: Vec<String>,
    dynamic_contains: Vec<String>,
    dynamic_prefixes: Vec<String>,
    unconnected_contains: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TotalWords {
    labels: Vec<String>,
    label_suffixes: Vec<String>,
    breakdown_prefixes: Vec<String>,
    counters: Vec<String>,
}

/// How a status word relates to the standard word of its status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusWord {
    /// Another spelling of 稼働 / 停止 / 廃棄 (稼動中, 停止中, 廃棄済み).
    Spelling,
    /// A word that says more (予備, 保管, 貸出中, 修理中): the status for the rules, kept as typed.
    Specific,
}

/// The vocabularies in [`text::key`] form.
pub struct Vocab {
    status: HashMap<String, (Status, StatusWord)>,
    remote_yes: Vec<String>,
    remote_no: Vec<String>,
    remote_yes_endings: Vec<String>,
    remote_no_endings: Vec<String>,
    remote_yes_prefixes: Vec<String>,
    remote_no_prefixes: Vec<String>,
    remote_yes_contains: Vec<String>,
    ip_dynamic: Vec<String>,
    ip_dynamic_contains: Vec<String>,
    ip_dynamic_prefixes: Vec<String>,
    ip_unconnected: Vec<String>,
    /// Longest first, so 「合計台数」 is tried before 「合計」 and 「計」.
    total_labels: Vec<String>,
    total_label_suffixes: Vec<String>,
    breakdown_prefixes: Vec<String>,
    counters: Vec<String>,
    /// 機器種別: whole words, word endings (in order), words of sheet names, sheet-name decorations.
    pub(super) kinds: HashMap<String, DeviceKind>,
    pub(super) kind_suffixes: Vec<(String, DeviceKind)>,
    pub(super) sheet_words: Vec<(String, DeviceKind)>,
    pub(super) sheet_suffixes: Vec<String>,
    /// The standard word of each kind, as typed in the file (the template's dropdown).
    kind_standard: Vec<(DeviceKind, String)>,
    not_applicable: Vec<String>,
    /// The most characters a cell may have, before normalising, and still be a not-applicable
    /// word: twice the longest (a half-width kana and its voiced mark become one character).
    not_applicable_max_chars: usize,
    placeholder: Placeholders,
}

/// [`PlaceholderWords`] in key form, with what the plain-text fast path of [`is_placeholder`]
/// needs to know about them.
struct Placeholders {
    words: Vec<String>,
    prefixes: Vec<String>,
    contains: Vec<String>,
    only_chars: Vec<char>,
    /// The longest whole word, in characters: a plain cell longer than this can only match a
    /// prefix or be all `only_chars`.
    longest_word: usize,
    /// Whether every `contains` mark has a character plain text never holds (〇, ○, ●, △ …), so a
    /// plain cell cannot contain one.
    marks_need_symbols: bool,
}

fn keys(words: &[String]) -> Vec<String> {
    words.iter().map(|w| text::key(w)).collect()
}

/// The most characters of any of `words`.
fn longest(words: &[String]) -> usize {
    words.iter().map(|w| w.chars().count()).max().unwrap_or(0)
}

impl Placeholders {
    fn from_words(file: &PlaceholderWords) -> Placeholders {
        let words = keys(&file.words);
        let contains = keys(&file.contains);
        Placeholders {
            longest_word: longest(&words),
            marks_need_symbols: contains.iter().all(|m| !m.chars().all(text::is_plain_nfkc)),
            words,
            prefixes: keys(&file.prefixes),
            contains,
            only_chars: file
                .only_chars
                .iter()
                .flat_map(|c| text::key(&c.to_string()).chars().collect::<Vec<_>>())
                .collect(),
        }
    }
}

impl Vocab {
    fn from_toml(src: &str) -> Result<Vocab, String> {
        let file: VocabFile = toml::from_str(src).map_err(|e| e.to_string())?;
        let mut status = HashMap::new();
        for group in &file.status {
            for (words, kind) in [
                (&group.spellings, StatusWord::Spelling),
                (&group.kept, StatusWord::Specific),
            ] {
                for w in words {
                    if status.insert(text::key(w), (group.status, kind)).is_some() {
                        return Err(format!("status word '{w}' listed twice"));
                    }
                }
            }
        }
        let mut kinds = HashMap::new();
        let (mut kind_suffixes, mut sheet_words, mut kind_standard) =
            (Vec::new(), Vec::new(), Vec::new());
        for group in &file.kind {
            for w in group.words.iter().chain(std::iter::once(&group.standard)) {
                if let Some(other) = kinds.insert(text::key(w), group.kind) {
                    if other != group.kind {
                        return Err(format!("kind word '{w}' listed under two kinds"));
                    }
                }
            }
            kind_suffixes.extend(keys(&group.suffixes).into_iter().map(|k| (k, group.kind)));
            sheet_words.extend(
                keys(&group.sheet_words)
                    .into_iter()
                    .map(|k| (k, group.kind)),
            );
            kind_standard.push((group.kind, group.standard.clone()));
        }
        let mut total_labels = keys(&file.totals.labels);
        total_labels.sort_by_key(|k| std::cmp::Reverse(k.chars().count()));
        Ok(Vocab {
            status,
            remote_yes: keys(&file.remote_maintenance.yes),
            remote_no: keys(&file.remote_maintenance.no),
            remote_yes_endings: keys(&file.remote_maintenance.yes_endings),
            remote_no_endings: keys(&file.remote_maintenance.no_endings),
            remote_yes_prefixes: keys(&file.remote_maintenance.yes_prefixes),
            remote_no_prefixes: keys(&file.remote_maintenance.no_prefixes),
            remote_yes_contains: keys(&file.remote_maintenance.yes_contains),
            ip_dynamic: keys(&file.ip.dynamic),
            ip_dynamic_contains: keys(&file.ip.dynamic_contains),
            ip_dynamic_prefixes: keys(&file.ip.dynamic_prefixes),
            ip_unconnected: keys(&file.ip.unconnected_contains),
            total_labels,
            total_label_suffixes: keys(&file.totals.label_suffixes),
            breakdown_prefixes: keys(&file.totals.breakdown_prefixes),
            counters: keys(&file.totals.counters),
            kinds,
            kind_suffixes,
            sheet_words,
            sheet_suffixes: keys(&file.sheet_names.suffixes),
            kind_standard,
            not_applicable_max_chars: 2 * longest(&keys(&file.not_applicable.words)),
            not_applicable: keys(&file.not_applicable.words),
            placeholder: Placeholders::from_words(&file.placeholder),
        })
    }
}

impl Vocab {
    /// The standard word of a kind (サーバ, 端末PC …): the template's dropdown, what `convert` writes.
    pub fn kind_word(&self, kind: DeviceKind) -> &str {
        self.kind_standard
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or("", |(_, w)| w.as_str())
    }
}

/// The bundled vocabularies (`templates/vocab.toml`).
pub fn vocab() -> &'static Vocab {
    static VOCAB: OnceLock<Vocab> = OnceLock::new();
    // The file is compiled in and a unit test loads it, so this cannot fail in a built binary.
    VOCAB.get_or_init(|| Vocab::from_toml(VOCAB_TOML).expect("templates/vocab.toml is valid"))
}

/// Cell text that deliberately answers "not applicable" (`-`, `なし`, `N/A` …: `[not_applicable]`
/// of `templates/vocab.toml`).
pub fn is_not_applicable(s: &str) -> bool {
    let v = vocab();
    text::with_short_key(s, v.not_applicable_max_chars, |k| {
        v.not_applicable.iter().any(|w| w == k)
    })
    .unwrap_or(false)
}

/// Template residue: `〇〇`, `○○`, `xxx`, `TBD`, `未定`, `?` … (`[placeholder]` of
/// `templates/vocab.toml`).
pub fn is_placeholder(s: &str) -> bool {
    let p = &vocab().placeholder;
    if p.marks_need_symbols && s.chars().all(text::is_plain_nfkc) {
        // Plain text keys to itself minus whitespace, lower-cased: it cannot hold the marks, and
        // past the longest word only a prefix or a cell of `only_chars` can match. This spares a
        // key for almost every cell.
        let chars = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(text::plain_key_char);
        if chars.clone().nth(p.longest_word).is_some() {
            return p
                .prefixes
                .iter()
                .any(|pre| chars.clone().take(pre.chars().count()).eq(pre.chars()))
                || chars.clone().all(|c| p.only_chars.contains(&c));
        }
    }
    let k = text::key(s);
    !k.is_empty()
        && (p.words.contains(&k)
            || p.prefixes.iter().any(|pre| k.starts_with(pre.as_str()))
            || p.contains.iter().any(|m| k.contains(m.as_str()))
            || k.chars().all(|c| p.only_chars.contains(&c)))
}

/// Drops one trailing bracketed note from a key (`停止(故障)`, `あり(vpn)`, `小計(2f)`); a key that
/// starts with a bracket is kept whole. NFKC has already turned full-width brackets into ASCII.
pub fn strip_note(k: &str) -> &str {
    match k.find(['(', '[', '【', '〔', '<', '「']) {
        Some(0) | None => k,
        Some(i) => &k[..i],
    }
}

/// A status word in [`text::key`] form, as typed or with its trailing note dropped.
pub fn status_word(k: &str) -> Option<(Status, StatusWord)> {
    let table = &vocab().status;
    table
        .get(k)
        .or_else(|| {
            let base = strip_note(k);
            (base.len() < k.len()).then(|| table.get(base)).flatten()
        })
        .copied()
}

/// A リモート保守 cell read by meaning: `Some(true)` for 「あり」「あり(VPN)」「有り」「○」,
/// `Some(false)` for 「なし」「×」「-」, `None` for blank or anything else (「要確認」).
pub fn remote_maintenance(v: &CellValue) -> Option<bool> {
    let raw = match v {
        CellValue::Bool(b) => return Some(*b),
        CellValue::Text(s) => s,
        _ => return None,
    };
    let k = text::key(raw);
    let v = vocab();
    let base = strip_note(&k);
    // 「あり:VPN」「有/メーカー」: the answer before the separator.
    let head = base
        .split([':', '/', '・', '、', ',', ';'])
        .next()
        .unwrap_or(base);
    for candidate in [k.as_str(), base, head] {
        if candidate.is_empty() {
            continue;
        }
        if v.remote_no.iter().any(|w| w == candidate) {
            return Some(false);
        }
        if v.remote_yes.iter().any(|w| w == candidate) {
            return Some(true);
        }
    }
    let any = |words: &[String], test: &dyn Fn(&str) -> bool| words.iter().any(|w| test(w));
    if any(&v.remote_no_endings, &|w| head.ends_with(w))
        || any(&v.remote_no_prefixes, &|w| head.starts_with(w))
    {
        return Some(false);
    }
    if any(&v.remote_yes_endings, &|w| head.ends_with(w))
        || any(&v.remote_yes_prefixes, &|w| head.starts_with(w))
        || any(&v.remote_yes_contains, &|w| k.contains(w))
    {
        return Some(true);
    }
    None
}

/// An IP entry (in [`text::key`] form, without digits) that says the device has no fixed
/// address: 「DHCP」「DHCP（自動取得）」「自動取得」「固定なし」.
pub fn is_dynamic_ip_word(k: &str) -> bool {
    let v = vocab();
    // 「IPv4自動取得」「IP自動割り当て」: the words after the address family.
    let k = ["ipv4", "ipv6", "ip"]
        .iter()
        .find_map(|p| k.strip_prefix(p).filter(|rest| !rest.is_empty()))
        .unwrap_or(k);
    v.ip_dynamic.iter().any(|w| w == k)
        || v.ip_dynamic_contains.iter().any(|w| k.contains(w.as_str()))
        || v.ip_dynamic_prefixes
            .iter()
            .any(|w| k.starts_with(w.as_str()))
}

/// An IP entry (in [`text::key`] form) saying the device is on no network: 「スタンドアロン」
/// 「ネットワーク未接続」「LAN接続なし」.
pub fn is_unconnected_ip_word(k: &str) -> bool {
    vocab()
        .ip_unconnected
        .iter()
        .any(|w| k.contains(w.as_str()))
}

/// What one cell of a possible totals row holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TotalCell {
    /// 「合計」「小計(2F)」「計 25台」: a total label, alone or with its count.
    Label,
    /// 「10台」「25 件」: a number with a counter word.
    Count,
    /// 「12」, or a number cell.
    Number,
    Other,
}

/// `10`, `1,234`, `10台`, `10 台(うち廃棄2台)` in key form: `Some(true)` with a counter word,
/// `Some(false)` for a bare number.
fn count_of(k: &str) -> Option<bool> {
    let k = strip_note(k);
    let digits = k
        .find(|c: char| !(c.is_ascii_digit() || c == ','))
        .unwrap_or(k.len());
    if digits == 0 || !k.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let rest = &k[digits..];
    if rest.is_empty() {
        return Some(false);
    }
    vocab().counters.iter().any(|c| c == rest).then_some(true)
}

fn total_cell(v: &CellValue) -> TotalCell {
    let raw = match v {
        CellValue::Number(n) if n.is_finite() && *n >= 0.0 && n.fract() == 0.0 => {
            return TotalCell::Number
        }
        CellValue::Text(s) => s,
        _ => return TotalCell::Other,
    };
    let key = text::key(raw);
    // 「【合計】」「■小計」「<計>」: the label inside its decoration.
    let k = key.trim_start_matches(['■', '●', '◆', '□', '○']);
    let k = [
        ('【', '】'),
        ('[', ']'),
        ('<', '>'),
        ('(', ')'),
        ('《', '》'),
        ('〈', '〉'),
    ]
    .iter()
    .find_map(|(open, close)| k.strip_prefix(*open)?.strip_suffix(*close))
    .unwrap_or(k);
    if let Some(counted) = count_of(k) {
        return if counted {
            TotalCell::Count
        } else {
            TotalCell::Number
        };
    }
    // 「全42台」: a count with its 全.
    if let Some(Some(true)) = k.strip_prefix('全').map(count_of) {
        return TotalCell::Count;
    }
    for label in &vocab().total_labels {
        let Some(rest) = k.strip_prefix(label.as_str()) else {
            continue;
        };
        // A bracketed note after the label (「小計(2f)」), then separators, then the count.
        let rest = match rest.strip_prefix(['(', '[', '【', '〔', '<']) {
            Some(inner) => match inner.find([')', ']', '】', '〕', '>']) {
                Some(end) => &inner[end + 1..],
                None => continue,
            },
            None => rest,
        };
        if is_count_or_nothing(rest) {
            return TotalCell::Label;
        }
    }
    let v = vocab();
    // 「2F小計」「外来 合計 12」: a short group name before the label.
    for suffix in &v.total_label_suffixes {
        if let Some(pos) = k.find(suffix.as_str()) {
            let (group, rest) = (&k[..pos], &k[pos + suffix.len()..]);
            if group.chars().count() <= 10 && is_count_or_nothing(rest) {
                return TotalCell::Label;
            }
        }
    }
    // 「(うち廃棄2台)」: a breakdown of the count, ending in a count with a counter word.
    if v.breakdown_prefixes
        .iter()
        .any(|p| k.starts_with(p.as_str()))
    {
        let tail = k
            .char_indices()
            .rev()
            .take_while(|(_, c)| !c.is_ascii_digit())
            .last()
            .map_or(k.len(), |(i, _)| i);
        let digits_start = k[..tail]
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_ascii_digit() || *c == ',')
            .last()
            .map_or(tail, |(i, _)| i);
        if count_of(&k[digits_start..]) == Some(true) {
            return TotalCell::Count;
        }
    }
    TotalCell::Other
}

/// After a total label: nothing, or separators and a count (「: 42台」「全42台」「12」).
fn is_count_or_nothing(rest: &str) -> bool {
    let rest = rest.trim_start_matches([':', '=', '-', '.']);
    let rest = rest.strip_prefix('全').unwrap_or(rest);
    rest.is_empty() || count_of(rest).is_some()
}

/// A totals row (「合計 | 10台」, 「計 25台」, 「小計(2F) | 12」): a total label and counts only, or
/// counts with counter words only. Whatever columns the counts sit in, it is not a device.
/// Returns the row's text for the skipped-rows list.
pub fn total_row(cells: &[&(u32, CellValue)]) -> Option<String> {
    // Called for every device row: rule most of them out without normalising any text. A totals
    // row holds at most a label and a breakdown besides its counts, and counts start with a digit.
    let worded = cells
        .iter()
        .filter(|(_, v)| match v {
            CellValue::Text(s) => !text::trim(s)
                .starts_with(|c: char| c.is_ascii_digit() || ('０'..='９').contains(&c)),
            _ => false,
        })
        .count();
    if worded > 2 {
        return None;
    }
    let mut label = false;
    let mut counted = false;
    for (_, v) in cells {
        match total_cell(v) {
            TotalCell::Label => label = true,
            TotalCell::Count => counted = true,
            TotalCell::Number => {}
            TotalCell::Other => return None,
        }
    }
    (label || counted).then(|| {
        cells
            .iter()
            .map(|(_, v)| v.display())
            .collect::<Vec<_>>()
            .join(" ")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_vocabulary_loads() {
        assert!(Vocab::from_toml(VOCAB_TOML).is_ok());
        assert!(!vocab().total_labels.is_empty());
    }

    #[test]
    fn a_word_listed_under_two_statuses_is_refused() {
        let src = VOCAB_TOML.replacen("\"停止\",", "\"停止\", \"稼働\",", 1);
        assert!(Vocab::from_toml(&src).is_err());
    }

    #[test]
    fn remote_maintenance_answers() {
        let t = |s: &str| remote_maintenance(&CellValue::Text(s.into()));
        for yes in [
            "あり",
            "有り",
            "有",
            "あり(VPN)",
            "あり（メーカー保守）",
            "有り(ISDN)",
            "○",
            "〇",
            "◯",
            "はい",
            "VPN接続あり",
            "リモート保守あり",
            "利用",
            "Yes",
            "ＹＥＳ",
            "あり:VPN",
            "有／メーカー",
            "ありVPN",
            "VPN",
            "インターネットVPN",
            "ISDN回線",
        ] {
            assert_eq!(t(yes), Some(true), "{yes}");
        }
        for no in [
            "なし",
            "無し",
            "無",
            "×",
            "-",
            "－",
            "ー",
            "―",
            "なし(スタンドアロン)",
            "未使用",
            "リモート未使用",
            "保守回線なし",
            "いいえ",
            "No",
            "対象外",
            "なし:院内保守のみ",
            "なし(VPN撤去済)",
            "VPNなし",
        ] {
            assert_eq!(t(no), Some(false), "{no}");
        }
        for unknown in ["", " ", "要確認", "不明", "2024/4/1", "メーカーに確認"] {
            assert_eq!(t(unknown), None, "{unknown}");
        }
        assert_eq!(remote_maintenance(&CellValue::Bool(true)), Some(true));
        assert_eq!(remote_maintenance(&CellValue::Number(1.0)), None);
    }

    #[test]
    fn dynamic_ip_words() {
        for w in [
            "DHCP",
            "dhcp",
            "DHCP（自動取得）",
            "DHCP取得",
            "自動取得",
            "自動",
            "IP自動取得",
            "固定なし",
            "固定無し",
            "固定IPなし",
            "動的割り当て",
        ] {
            assert!(is_dynamic_ip_word(&text::key(w)), "{w}");
        }
        for w in ["なし", "-", "未定", "固定", "ネットワーク未接続", "予定"] {
            assert!(!is_dynamic_ip_word(&text::key(w)), "{w}");
        }
        // Whole IP cells: no fixed address, so neither IP001 nor F001.
        use super::super::ip::{parse_ip_cell, IpCell};
        for cell in [
            "固定なし",
            "DHCP（自動取得）",
            "自動取得",
            "DHCP(自動取得)",
            "固定ＩＰなし",
            "IPv4自動取得",
            "IP自動割り当て",
            "固定なし(DHCP)",
        ] {
            assert_eq!(parse_ip_cell(cell), IpCell::Dhcp, "{cell}");
        }
        for cell in [
            "未接続",
            "スタンドアロン",
            "ネットワーク未接続",
            "LAN接続なし",
            "接続なし",
            "オフライン",
            "非接続",
        ] {
            assert_eq!(parse_ip_cell(cell), IpCell::NotApplicable, "{cell}");
        }
        // Addresses next to such words are still read.
        for cell in [
            "DHCP予約 192.168.1.10",
            "192.168.1.300",
            "192.168.1.10(未接続)",
        ] {
            assert!(
                matches!(parse_ip_cell(cell), IpCell::Entries(ref e) if e.len() == 1),
                "{cell}"
            );
        }
    }

    fn row(cells: &[CellValue]) -> Option<String> {
        let owned: Vec<(u32, CellValue)> = cells
            .iter()
            .enumerate()
            .map(|(i, v)| (i as u32, v.clone()))
            .collect();
        let refs: Vec<&(u32, CellValue)> = owned.iter().collect();
        total_row(&refs)
    }

    #[test]
    fn totals_rows() {
        let t = |s: &str| CellValue::Text(s.into());
        let n = CellValue::Number;
        let totals: Vec<Vec<CellValue>> = vec![
            vec![t("合計"), t("10台")],
            vec![t("計 25台")],
            vec![t("計25台")],
            vec![t("小計(2F) 12")],
            vec![t("小計（２Ｆ）"), n(12.0)],
            vec![t("小計(2F)"), t("12")],
            vec![t("合計"), n(42.0)],
            vec![t("合計台数"), t("42台")],
            vec![t("合計："), t("42 台")],
            vec![t("合計 42台")],
            vec![t("総計"), t("1,234件")],
            vec![t("計")],
            vec![t("合計"), t("10台"), t("8台"), n(2.0)],
            vec![t("42台")],
            vec![t("全42台")],
            vec![t("合計 全42台")],
            vec![t("Total"), n(10.0)],
            vec![t("台数"), t("10個")],
            vec![t("【合計】"), t("10台")],
            vec![t("■小計"), n(3.0)],
            vec![t("合　計"), t("１０台")],
            vec![t("2F小計"), n(12.0)],
            vec![t("外来 合計 12台")],
            vec![t("合計"), t("10台"), t("(うち廃棄2台)")],
            vec![t("合計"), t("10台"), t("うち予備 1台")],
        ];
        for cells in &totals {
            assert!(row(cells).is_some(), "{cells:?}");
        }
        let devices: Vec<Vec<CellValue>> = vec![
            vec![t("計測PC-1"), t("Windows 11"), t("DHCP")],
            vec![t("計測PC-1")],
            vec![t("合計"), t("Win10"), t("192.168.1.1")],
            vec![t("001"), n(10.0)],
            vec![n(1.0), n(2.0)],
            vec![t("10台"), t("Windows 10")],
            vec![t("PC-10"), t("10台")],
            vec![t("計算機室PC"), n(3.0)],
            vec![t("医事会計"), n(3.0)],
            vec![t("合計金額"), t("120000円")],
            vec![t("うち廃棄"), t("PC-1")],
        ];
        for cells in &devices {
            assert!(row(cells).is_none(), "{cells:?}");
        }
    }

    /// issue 13: 「合計 | 10台」 with the count in the 管理番号 column was read as a device with ten
    /// blank fields.
    #[test]
    fn totals_rows_under_a_table_are_not_devices() {
        use crate::layout::{find_ledger_layout, FieldTable};
        use crate::workbook::Sheet;
        let sheet = Sheet::from_text_rows(
            "端末PC",
            &[
                &["No.", "管理番号", "OS", "IPアドレス", "状態"],
                &["1", "P1", "Win11", "192.168.1.1", "稼働"],
                &["2", "P2", "Win11", "192.168.1.2", "稼働"],
                &["小計(2F)", "2"],
                &["3", "P3", "Win11", "192.168.1.3", "稼働"],
                &["合計", "10台"],
                &["", "", "計 25台"],
                &["", "42台", "", "3台"],
                &["計測PC-1", "Windows 11 Pro 25H2", "DHCP"],
            ],
        );
        let layout = find_ledger_layout(&sheet, FieldTable::bundled()).expect("ledger");
        let ls = super::super::read_ledger_sheet(0, &sheet, layout);
        let rows: Vec<u32> = ls.devices.iter().map(|d| d.row.index).collect();
        assert_eq!(rows, vec![1, 2, 4, 8]);
        let skipped: Vec<u32> = ls.skipped.iter().map(|s| s.row).collect();
        assert_eq!(skipped, vec![3, 5, 6, 7]);
    }

    #[test]
    fn not_applicable_markers() {
        for s in [
            "-",
            "－",
            "―",
            "なし",
            "無し",
            "該当なし",
            "N/A",
            "n/a",
            " ー ",
        ] {
            assert!(is_not_applicable(s), "{s}");
        }
        assert!(!is_not_applicable("192.168.1.1"));
        assert!(!is_not_applicable(""));
    }

    #[test]
    fn placeholders() {
        for s in ["〇〇電子カルテ", "○○", "xxx", "TBD", "未定", "?", "？"] {
            assert!(is_placeholder(s), "{s}");
        }
        for s in ["電子カルテ", "A社", "Win10", "Room2のPC1"] {
            assert!(!is_placeholder(s), "{s}");
        }
    }

    /// The fast paths of [`is_not_applicable`] and [`is_placeholder`] give what the plain
    /// definition gives: the key of the cell against the words of `templates/vocab.toml`.
    #[test]
    fn word_fast_paths_match_the_definition() {
        let file: VocabFile = toml::from_str(VOCAB_TOML).expect("vocab.toml");
        let na = keys(&file.not_applicable.words);
        let p = &file.placeholder;
        let (words, prefixes, contains) = (keys(&p.words), keys(&p.prefixes), keys(&p.contains));
        let only: Vec<char> = p
            .only_chars
            .iter()
            .flat_map(|c| text::key(&c.to_string()).chars().collect::<Vec<_>>())
            .collect();
        for s in text::test_samples() {
            let k = text::key(&s);
            assert_eq!(
                is_not_applicable(&s),
                na.contains(&k),
                "is_not_applicable({s:?})"
            );
            let placeholder = !k.is_empty()
                && (words.contains(&k)
                    || prefixes.iter().any(|x| k.starts_with(x.as_str()))
                    || contains.iter().any(|m| k.contains(m.as_str()))
                    || k.chars().all(|c| only.contains(&c)));
            assert_eq!(is_placeholder(&s), placeholder, "is_placeholder({s:?})");
        }
    }

    /// Every word of `[not_applicable]` and `[placeholder]`, as typed in the file, is recognised
    /// (a word the key folds away or the fast path misses would be dead data).
    #[test]
    fn every_vocabulary_word_is_recognised() {
        let file: VocabFile = toml::from_str(VOCAB_TOML).expect("vocab.toml");
        for w in &file.not_applicable.words {
            assert!(is_not_applicable(w), "not applicable: {w}");
            assert!(
                !is_placeholder(w),
                "{w} is both not-applicable and a placeholder"
            );
        }
        let p = &file.placeholder;
        for w in &p.words {
            assert!(is_placeholder(w), "placeholder word: {w}");
        }
        for pre in &p.prefixes {
            assert!(
                is_placeholder(&format!("{pre}サーバ")),
                "placeholder prefix: {pre}"
            );
            assert!(
                is_placeholder(&format!("{}-01", pre.to_uppercase())),
                "placeholder prefix: {pre}"
            );
        }
        for m in &p.contains {
            assert!(
                is_placeholder(&format!("{m}電子カルテ")),
                "placeholder mark: {m}"
            );
        }
        for c in &p.only_chars {
            assert!(
                is_placeholder(&c.to_string().repeat(3)),
                "placeholder character: {c}"
            );
        }
    }
}

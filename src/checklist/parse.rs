//! Cell-level parsers for checklist sheets: item numbers (2-① / 2-(1) / (1) / ① / 2-1), answers
//! (はい/いいえ, ○ marks, 済/未), dates as people write them on the form, targets, and the fuzzy
//! text key used to recognise retyped item texts.

use crate::text;
use crate::workbook::CellValue;
use chrono::{Datelike, NaiveDate};
use regex::Regex;
use serde::Deserialize;
use std::sync::OnceLock;

/// How an edition writes its item numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Numbering {
    /// 2-(1), (1) — 令和5・6年度版.
    Paren,
    /// 2-①, ① — 令和7年度版.
    Circled,
    /// 2-1: neither style (retyped sheets).
    Plain,
}

/// An item number: section (when written) and index within the section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ItemNo {
    pub section: Option<u32>,
    pub index: u32,
    pub style: Numbering,
}

/// Circled and other enclosed digits people use for item numbers, as their value.
fn enclosed_digit(c: char) -> Option<u32> {
    let u = c as u32;
    match u {
        0x2460..=0x2473 => Some(u - 0x2460 + 1),  // ①..⑳
        0x3251..=0x325F => Some(u - 0x3251 + 21), // ㉑..㉟
        0x32B1..=0x32BF => Some(u - 0x32B1 + 36), // ㊱..㊿
        0x2776..=0x277F => Some(u - 0x2776 + 1),  // ❶..❿
        0x24F5..=0x24FE => Some(u - 0x24F5 + 1),  // ⓵..⓾
        _ => None,
    }
}

/// NFKC, with circled digits turned into `<n>` (NFKC would make ① a bare 1), dashes and the long
/// vowel folded to `-`, full-width brackets to ASCII, whitespace removed.
fn number_form(s: &str) -> String {
    let mut pre = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        match enclosed_digit(c) {
            Some(n) => {
                pre.push('<');
                pre.push_str(&n.to_string());
                pre.push('>');
            }
            None => pre.push(c),
        }
    }
    text::nfkc(&pre)
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '〔' | '［' | '[' => '(',
            '〕' | '］' | ']' => ')',
            _ => text::fold_dash_and_long_vowel(c),
        })
        .collect()
}

fn number_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        // section (optional) + separator, then (n) | <n> | -n (plain needs a section and a dash)
        static_regex(r"^(?:問)?(?:(\d{1,2})(?:-|の|\.|_)?)?(?:\((\d{1,2})\)|<(\d{1,2})>)|^(?:問)?(\d{1,2})-(\d{1,2})(?:[^\d.]|$)|^(?:問|[qQ])(\d{1,2})(?:[^\d.]|$)")
    })
}

/// Parses a cell that holds only an item number: `2-①`, `２－（１）`, `(1)`, `①`, `2-1`, `1-(1)`.
/// A bare `1` is not an item number (a ledger's running No. column is not a checklist).
pub fn parse_item_number(s: &str) -> Option<ItemNo> {
    let (no, rest) = split_item_number(s)?;
    rest.is_empty().then_some(no)
}

/// Splits an item number off the start of a cell: `2-① サーバ、…` -> (2-①, `サーバ、…`).
/// The rest is returned trimmed (and empty when the cell is only a number).
pub fn split_item_number(s: &str) -> Option<(ItemNo, String)> {
    let t = text::trim(s);
    if t.is_empty() || t.chars().count() > 400 {
        return None;
    }
    // Work on the first few characters only; the rest is text.
    let head: String = t.chars().take(16).collect();
    let form = number_form(&head);
    let caps = number_regex().captures(&form)?;
    let m = caps.get(0)?;
    let num = |i: usize| caps.get(i).and_then(|g| g.as_str().parse::<u32>().ok());
    let no = if let Some(idx) = num(2) {
        ItemNo {
            section: num(1),
            index: idx,
            style: Numbering::Paren,
        }
    } else if let Some(idx) = num(3) {
        ItemNo {
            section: num(1),
            index: idx,
            style: Numbering::Circled,
        }
    } else if let Some(idx) = num(5) {
        ItemNo {
            section: num(4),
            index: idx,
            style: Numbering::Plain,
        }
    } else {
        // 問3 / Q3: a question number without a section.
        ItemNo {
            section: None,
            index: num(6)?,
            style: Numbering::Plain,
        }
    };
    if no.index == 0 || no.section == Some(0) {
        return None;
    }
    // How much of the normalised head the number used; map back by re-normalising prefixes of
    // the original (cheap: the head is at most 16 characters).
    let mut used = m.as_str().len();
    if no.style == Numbering::Plain && !m.as_str().ends_with(|c: char| c.is_ascii_digit()) {
        used -= m.as_str().chars().last().map(|c| c.len_utf8()).unwrap_or(0);
    }
    let target = &form[..used];
    let mut consumed = 0;
    for (i, c) in t.char_indices() {
        let end = i + c.len_utf8();
        let f = number_form(&t[..end]);
        if f.len() >= target.len() && f.starts_with(target) {
            consumed = end;
            break;
        }
    }
    if consumed == 0 {
        return None;
    }
    let rest = text::trim(&t[consumed..]);
    // 「2-1回目」 and 「(1)の場合」 are not numbered items: the number must stand alone or be
    // followed by a separator or a new word (not a counter).
    let rest = rest.trim_start_matches(['.', '．', ':', '：', '、', ')', '）', ' ', '　']);
    if rest.starts_with(['回', '件', '台', '年', '月', '日', '%', '％', '.']) {
        return None;
    }
    Some((no, rest.to_string()))
}

/// A section heading such as 「2 医療情報システムの管理・運用」 or 「3．インシデント発生に備えた対応」:
/// its number and title. Item numbers (2-①) are not headings.
pub fn parse_section_heading(s: &str) -> Option<(u32, String)> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| static_regex(r"^(?:第)?(\d{1,2})(?:章)?[.．、:：)）\s]*(\D.*)$"));
    let t = text::nfkc(text::trim(s));
    let caps = re.captures(&t)?;
    let n: u32 = caps.get(1)?.as_str().parse().ok()?;
    let title = text::trim(caps.get(2)?.as_str()).to_string();
    let starts_ok = title.chars().next().is_some_and(|c| {
        !matches!(
            c,
            '-' | '(' | '<' | '回' | '件' | '台' | '年' | '月' | '日' | '/' | '%'
        )
    });
    (n > 0 && starts_ok && title.chars().filter(|c| is_cjk(*c)).count() >= 2).then_some((n, title))
}

/// Compiles one of this module's literal patterns (tested below; never user input).
pub(crate) fn static_regex(pattern: &str) -> Regex {
    Regex::new(pattern).expect("checklist parser patterns are valid")
}

pub fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF)
}

/// What a checklist row answers for one round.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Answer {
    #[default]
    None,
    Yes,
    No,
    /// 「-」「対象外」「該当なし」: deliberately not applicable.
    NotApplicable,
    /// Both はい and いいえ marked (or written).
    Both,
    /// Something that is neither (kept as typed).
    Unreadable(String),
}

impl Answer {
    pub fn is_single(&self) -> bool {
        matches!(self, Answer::Yes | Answer::No | Answer::NotApplicable)
    }

    pub fn label(&self) -> &str {
        match self {
            Answer::Yes => "はい",
            Answer::No => "いいえ",
            Answer::NotApplicable => "対象外",
            Answer::Both => "はい・いいえ",
            Answer::Unreadable(s) => s,
            Answer::None => "",
        }
    }
}

const MARKS: &[char] = &[
    '○', '〇', '◯', '✓', '✔', '☑', '☒', 'レ', '●', '◎', '⭕', '◉', 'v', 'V', '✅', '丸',
];

fn is_mark_text(k: &str) -> bool {
    let mut chars = k.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => MARKS.contains(&c),
        _ => matches!(k, "まる" | "maru" | "1" | "true"),
    }
}

/// A cell of a separate はい or いいえ column: is it marked? `is_yes_col` lets the column's own
/// word count as a mark (「はい」 typed into the はい column).
pub fn is_marked(v: &CellValue, is_yes_col: bool) -> Option<bool> {
    match v {
        CellValue::Bool(b) => Some(*b),
        CellValue::Number(n) => Some(*n != 0.0),
        CellValue::Text(s) => {
            let k = text::key(s);
            if k.is_empty() || is_blank_form_text(&k) {
                return Some(false);
            }
            if is_mark_text(&k) {
                return Some(true);
            }
            let word = if is_yes_col { "はい" } else { "いいえ" };
            if k == word || k.trim_start_matches(MARKS) == word || k == "済" {
                return Some(true);
            }
            if matches!(k.as_str(), "×" | "✕" | "✗" | "x" | "-") {
                return Some(false);
            }
            None
        }
        _ => None,
    }
}

/// Reads an answer typed in one column: はい/いいえ, yes/no, ○/×, 済/未, 実施済/未実施 …
pub fn parse_answer(v: &CellValue) -> Answer {
    let raw = match v {
        CellValue::Bool(true) => return Answer::Yes,
        CellValue::Bool(false) => return Answer::No,
        CellValue::Text(s) => s.as_str(),
        CellValue::Number(_) | CellValue::DateTime(_) | CellValue::Error(_) => {
            return Answer::Unreadable(v.display())
        }
    };
    let k = text::key(raw);
    if k.is_empty() || is_blank_form_text(&k) {
        return Answer::None;
    }
    let yes = k.contains("はい") || k.contains("ハイ") || k.contains("yes");
    let no = k.contains("いいえ") || k.contains("イイエ") || k.starts_with("no");
    if yes && no {
        // A printed 「はい・いいえ」 with one of them marked: 「○はい・いいえ」「(はい)・いいえ」.
        for (word, ans) in [("はい", Answer::Yes), ("いいえ", Answer::No)] {
            for m in MARKS {
                if k.contains(&format!("{m}{word}")) || k.contains(&format!("{word}{m}")) {
                    return ans;
                }
            }
            if k.contains(&format!("({word})")) || k.contains(&format!("【{word}】")) {
                return ans;
            }
        }
        return Answer::Both;
    }
    if no {
        return Answer::No;
    }
    if yes {
        return Answer::Yes;
    }
    let first = k.chars().next().unwrap_or(' ');
    if is_mark_text(&k) || (MARKS.contains(&first) && k.chars().count() <= 3) {
        return Answer::Yes;
    }
    const YES_WORDS: [&str; 9] = [
        "済",
        "済み",
        "実施済",
        "実施済み",
        "対応済",
        "対応済み",
        "実施",
        "有",
        "あり",
    ];
    const NO_WORDS: [&str; 10] = [
        "未",
        "未実施",
        "未対応",
        "未済",
        "×",
        "✕",
        "✗",
        "x",
        "無",
        "なし",
    ];
    if YES_WORDS.contains(&k.as_str()) {
        return Answer::Yes;
    }
    if NO_WORDS.contains(&k.as_str()) {
        return Answer::No;
    }
    if matches!(
        k.as_str(),
        "-" | "--" | "―" | "対象外" | "該当なし" | "該当無し" | "n/a" | "na"
    ) {
        return Answer::NotApplicable;
    }
    Answer::Unreadable(text::trim(raw).to_string())
}

/// Text left in an unfilled form cell: 「( / )」, 「年　月　日」, 「令和　年　月　日」, 「/」.
pub fn is_blank_form_text(k: &str) -> bool {
    !k.is_empty()
        && k.chars().all(|c| {
            matches!(
                c,
                '(' | ')'
                    | '/'
                    | '年'
                    | '月'
                    | '日'
                    | '.'
                    | '_'
                    | '令'
                    | '和'
                    | '~'
                    | '-'
                    | ':'
                    | '・'
            )
        })
        && !matches!(k, "-" | "--")
}

/// A date cell of the form: 確認日 or 目標日.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum DateValue {
    #[default]
    Blank,
    Date(NaiveDate),
    /// Written but not readable as a date (kept as typed).
    Unreadable(String),
}

impl DateValue {
    pub fn date(&self) -> Option<NaiveDate> {
        match self {
            DateValue::Date(d) => Some(*d),
            _ => None,
        }
    }

    pub fn is_blank(&self) -> bool {
        matches!(self, DateValue::Blank)
    }
}

/// The last day of the fiscal year (April–March) a date falls in.
pub fn fiscal_year_end(d: NaiveDate) -> NaiveDate {
    let fy = if d.month() >= 4 {
        d.year()
    } else {
        d.year() - 1
    };
    NaiveDate::from_ymd_opt(fy + 1, 3, 31).unwrap_or(d)
}

/// Reads a date as written on the checklist. Besides everything [`crate::ledger::date`] reads,
/// the form's 「( 5 / 1 )」 month/day (placed in the fiscal year of `as_of`) and 「令和7年度中」
/// 「今年度中」 (the fiscal year's last day) are dates here.
pub fn parse_form_date(v: &CellValue, as_of: NaiveDate) -> DateValue {
    if let CellValue::Text(s) = v {
        let k = text::key(s);
        if k.is_empty() || is_blank_form_text(&k) {
            return DateValue::Blank;
        }
        if let Some(d) = fiscal_phrase(&k, as_of) {
            return DateValue::Date(d);
        }
        if let Some(d) = month_day(&k, as_of) {
            return DateValue::Date(d);
        }
    }
    match crate::ledger::date::parse_date_cell(v) {
        Ok(d) => DateValue::Date(d),
        Err(_) => DateValue::Unreadable(text::trim(&v.display()).to_string()),
    }
}

/// 「令和7年度中」「R7年度内」「2025年度中」「今年度中」「年度内」 -> 31 March ending that fiscal year.
fn fiscal_phrase(k: &str, as_of: NaiveDate) -> Option<NaiveDate> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        static_regex(r"^(?:(令和|r)(\d{1,2}|元)|(20\d\d)|(今|本))?年度(?:中|内|末|末まで|中まで|内まで)?(?:に)?(?:対応|実施)?(?:予定)?$")
    });
    let caps = re.captures(k)?;
    let start_year = if let Some(n) = caps.get(2) {
        let n = if n.as_str() == "元" {
            1
        } else {
            n.as_str().parse::<i32>().ok()?
        };
        2018 + n
    } else if let Some(y) = caps.get(3) {
        y.as_str().parse::<i32>().ok()?
    } else {
        let fy_end = fiscal_year_end(as_of);
        fy_end.year() - 1
    };
    NaiveDate::from_ymd_opt(start_year + 1, 3, 31)
}

/// 「5/1」「5月1日」 without a year: the day in the fiscal year of `as_of`.
fn month_day(k: &str, as_of: NaiveDate) -> Option<NaiveDate> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| static_regex(r"^\(?(\d{1,2})(?:/|月)(\d{1,2})日?\)?$"));
    let caps = re.captures(k)?;
    let m: u32 = caps.get(1)?.as_str().parse().ok()?;
    let d: u32 = caps.get(2)?.as_str().parse().ok()?;
    let fy_start = fiscal_year_end(as_of).year() - 1;
    let year = if m >= 4 { fy_start } else { fy_start + 1 };
    NaiveDate::from_ymd_opt(year, m, d)
}

/// The four targets of section 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
pub enum Target {
    #[serde(rename = "サーバ")]
    Server,
    #[serde(rename = "端末PC")]
    Pc,
    #[serde(rename = "ネットワーク機器")]
    Network,
    /// サーバ, 端末PC and ネットワーク機器 together.
    #[serde(rename = "医療情報システム全般")]
    All,
}

impl Target {
    pub const ALL: [Target; 4] = [Target::Server, Target::Pc, Target::Network, Target::All];

    pub fn label(self) -> &'static str {
        match self {
            Target::Server => "サーバ",
            Target::Pc => "端末PC",
            Target::Network => "ネットワーク機器",
            Target::All => "医療情報システム全般",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Target::Server => "servers",
            Target::Pc => "PCs",
            Target::Network => "network devices",
            Target::All => "all systems",
        }
    }
}

/// Targets named in a cell: 「サーバ」, 「端末PC」, 「(ネットワーク機器)」, 「サーバ・端末PC」, 「全般」.
pub fn parse_targets(s: &str) -> Vec<Target> {
    let k = text::key(s);
    let k = k.trim_matches(|c| matches!(c, '(' | ')' | '【' | '】' | '<' | '>'));
    if k.is_empty() || k.chars().count() > 40 {
        return Vec::new();
    }
    let mut out = Vec::new();
    if k.contains("全般") || k.contains("システム全体") {
        out.push(Target::All);
    }
    if k.contains("サ-バ") || k.contains("server") {
        out.push(Target::Server);
    }
    if k.contains("端末") || k == "pc" || k.contains("パソコン") || k.contains("クライアント")
    {
        out.push(Target::Pc);
    }
    if k.contains("ネットワ-ク") || k.contains("nw機器") || k == "nw" || k.contains("network")
    {
        out.push(Target::Network);
    }
    // 「医療情報システム全般」 mentions no device word; 「サーバ、端末PC、ネットワーク機器」 is all of them.
    if out.len() == 3 && !out.contains(&Target::All) {
        return vec![Target::All];
    }
    out
}

/// Whether a cell is only a target label (so a sub-row's target, not an item text).
pub fn is_target_cell(s: &str) -> bool {
    let k = text::key(s);
    let stripped: String = k
        .chars()
        .filter(|c| {
            !matches!(
                c,
                '(' | ')' | '【' | '】' | '・' | '、' | ',' | '/' | '<' | '>'
            )
        })
        .collect();
    if parse_targets(s).is_empty() {
        return false;
    }
    const WORDS: [&str; 9] = [
        "医療情報システム全般",
        "全般",
        "サ-バ",
        "端末pc",
        "端末",
        "ネットワ-ク機器",
        "nw機器",
        "pc",
        "パソコン",
    ];
    let mut rest = stripped;
    for w in WORDS {
        rest = rest.replace(w, "");
    }
    rest.is_empty()
}

/// Removes a trailing target label from an item text: 「…設定している。(サーバ)」 -> text, [Server].
pub fn strip_target_suffix(s: &str) -> (String, Vec<Target>) {
    let t = text::trim(s);
    let n = text::nfkc(t);
    let trimmed = n.trim_end();
    if let Some(body) = trimmed
        .strip_suffix(')')
        .or_else(|| trimmed.strip_suffix('】'))
    {
        if let Some(open) = body.rfind(['(', '【']) {
            let bracket = body[open..].chars().next().map(char::len_utf8).unwrap_or(1);
            let inner = &body[open + bracket..];
            if is_target_cell(inner) {
                return (text::trim(&body[..open]).to_string(), parse_targets(inner));
            }
        }
    }
    (t.to_string(), Vec::new())
}

/// The key texts are compared on: [`text::key`] without punctuation.
pub fn match_key(s: &str) -> String {
    text::key(s)
        .chars()
        .filter(|c| {
            !matches!(
                c,
                '。' | '、'
                    | ','
                    | '.'
                    | '・'
                    | '('
                    | ')'
                    | '「'
                    | '」'
                    | '『'
                    | '』'
                    | '【'
                    | '】'
                    | '/'
                    | ':'
                    | ';'
                    | '!'
                    | '?'
                    | '"'
                    | '\''
                    | '“'
                    | '”'
                    | '〔'
                    | '〕'
            )
        })
        .collect()
}

/// Character bigrams of a key, sorted, for a Dice similarity that tolerates typos, OCR spacing
/// and small rewordings.
#[derive(Debug, Clone, Default)]
pub struct Bigrams {
    grams: Vec<(char, char)>,
}

impl Bigrams {
    pub fn new(key: &str) -> Bigrams {
        let chars: Vec<char> = key.chars().collect();
        let mut grams: Vec<(char, char)> = chars.windows(2).map(|w| (w[0], w[1])).collect();
        grams.sort_unstable();
        Bigrams { grams }
    }

    /// Dice coefficient on bigram multisets (0..=1).
    pub fn similarity(&self, other: &Bigrams) -> f64 {
        let (a, b) = (&self.grams, &other.grams);
        if a.is_empty() || b.is_empty() {
            return 0.0;
        }
        // Very different lengths cannot be the same text: skip the merge.
        let (la, lb) = (a.len() as f64, b.len() as f64);
        if 2.0 * la.min(lb) / (la + lb) < 0.5 {
            return 0.0;
        }
        let (mut i, mut j, mut common) = (0, 0, 0usize);
        while i < a.len() && j < b.len() {
            match a[i].cmp(&b[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    common += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        2.0 * common as f64 / (la + lb)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no(section: Option<u32>, index: u32, style: Numbering) -> Option<ItemNo> {
        Some(ItemNo {
            section,
            index,
            style,
        })
    }

    #[test]
    fn item_numbers_in_every_style() {
        use Numbering::*;
        assert_eq!(parse_item_number("2-①"), no(Some(2), 1, Circled));
        assert_eq!(parse_item_number("２－⑬"), no(Some(2), 13, Circled));
        assert_eq!(parse_item_number("2-(1)"), no(Some(2), 1, Paren));
        assert_eq!(parse_item_number("２－（９）"), no(Some(2), 9, Paren));
        assert_eq!(parse_item_number("1-(1)"), no(Some(1), 1, Paren));
        assert_eq!(parse_item_number("2 - ( 7 )"), no(Some(2), 7, Paren));
        assert_eq!(parse_item_number("2ー①"), no(Some(2), 1, Circled));
        assert_eq!(parse_item_number("(1)"), no(None, 1, Paren));
        assert_eq!(parse_item_number("（３）"), no(None, 3, Paren));
        assert_eq!(parse_item_number("⑴"), no(None, 1, Paren));
        assert_eq!(parse_item_number("①"), no(None, 1, Circled));
        assert_eq!(parse_item_number("⑫"), no(None, 12, Circled));
        assert_eq!(parse_item_number("2-1"), no(Some(2), 1, Plain));
        assert_eq!(parse_item_number("３－１２"), no(Some(3), 12, Plain));
        assert_eq!(parse_item_number("2①"), no(Some(2), 1, Circled));
        assert_eq!(parse_item_number("2の(3)"), no(Some(2), 3, Paren));
        assert_eq!(parse_item_number("問3"), no(None, 3, Plain));
        assert_eq!(parse_item_number("Q12"), no(None, 12, Plain));
        assert_eq!(parse_item_number("問2-1"), no(Some(2), 1, Plain));
    }

    #[test]
    fn things_that_are_not_item_numbers() {
        for s in [
            "1",
            "2",
            "12",
            "No.",
            "1回目",
            "2回目",
            "2026/11/25",
            "192.168.1.1",
            "2.1",
            "0-1",
            "(0)",
            "PC-001",
            "SV-01",
            "",
            "   ",
            "(1回目)",
            "2-1回目",
        ] {
            assert_eq!(parse_item_number(s), None, "{s:?}");
        }
    }

    #[test]
    fn numbers_split_off_item_texts() {
        let (n, rest) =
            split_item_number("2-① サーバ、端末PC、ネットワーク機器の台帳管理を行っている。")
                .unwrap();
        assert_eq!((n.section, n.index), (Some(2), 1));
        assert!(rest.starts_with("サーバ"));
        let (n, rest) = split_item_number("（２）リモートメンテナンス").unwrap();
        assert_eq!((n.section, n.index, n.style), (None, 2, Numbering::Paren));
        assert_eq!(rest, "リモートメンテナンス");
        let (_, rest) = split_item_number("2-(7)．セキュリティパッチ").unwrap();
        assert_eq!(rest, "セキュリティパッチ");
        assert!(split_item_number("2-1回目の確認").is_none());
        assert!(split_item_number("1台のみ").is_none());
    }

    #[test]
    fn section_headings() {
        assert_eq!(
            parse_section_heading("2 医療情報システムの管理・運用").map(|x| x.0),
            Some(2)
        );
        assert_eq!(
            parse_section_heading("３．インシデント発生に備えた対応").map(|x| x.0),
            Some(3)
        );
        assert_eq!(
            parse_section_heading("1　体制構築").map(|x| x.1),
            Some("体制構築".to_string())
        );
        for s in ["2-① 台帳", "(1) 体制", "1回目", "2026年度", "10台", "1"] {
            assert_eq!(parse_section_heading(s), None, "{s}");
        }
    }

    fn t(s: &str) -> CellValue {
        CellValue::Text(s.to_string())
    }

    #[test]
    fn answers_typed_in_one_column() {
        for s in [
            "はい",
            " はい ",
            "ﾊｲ",
            "Yes",
            "YES",
            "○",
            "〇",
            "◯",
            "済",
            "実施済",
            "対応済み",
            "はい(済)",
        ] {
            assert_eq!(parse_answer(&t(s)), Answer::Yes, "{s}");
        }
        assert_eq!(parse_answer(&t("ﾊｲ")), Answer::Yes);
        for s in ["いいえ", "いいえ ", "No", "×", "未", "未実施", "未対応"] {
            assert_eq!(parse_answer(&t(s)), Answer::No, "{s}");
        }
        assert_eq!(parse_answer(&t("はい・いいえ")), Answer::Both);
        assert_eq!(parse_answer(&t("はい / いいえ")), Answer::Both);
        assert_eq!(parse_answer(&t("○はい・いいえ")), Answer::Yes);
        assert_eq!(parse_answer(&t("はい・(いいえ)")), Answer::No);
        assert_eq!(parse_answer(&t("")), Answer::None);
        assert_eq!(parse_answer(&t("  ")), Answer::None);
        assert_eq!(parse_answer(&t("( / )")), Answer::None);
        assert_eq!(parse_answer(&t("対象外")), Answer::NotApplicable);
        assert_eq!(parse_answer(&t("-")), Answer::NotApplicable);
        assert_eq!(parse_answer(&CellValue::Bool(true)), Answer::Yes);
        assert_eq!(
            parse_answer(&t("検討中")),
            Answer::Unreadable("検討中".into())
        );
    }

    #[test]
    fn marks_in_separate_columns() {
        for s in ["○", "〇", "◯", "✓", "レ", "✔", "●", "◎", "☑", "v", "はい"] {
            assert_eq!(is_marked(&t(s), true), Some(true), "{s}");
        }
        assert_eq!(is_marked(&t("いいえ"), false), Some(true));
        assert_eq!(is_marked(&t("いいえ"), true), None);
        assert_eq!(is_marked(&t(""), true), Some(false));
        assert_eq!(is_marked(&t("×"), true), Some(false));
        assert_eq!(is_marked(&CellValue::Number(1.0), true), Some(true));
        assert_eq!(is_marked(&t("要確認"), true), None);
    }

    #[test]
    fn form_dates() {
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let d = |y, m, dd| DateValue::Date(NaiveDate::from_ymd_opt(y, m, dd).unwrap());
        assert_eq!(parse_form_date(&t("2026/5/1"), as_of), d(2026, 5, 1));
        assert_eq!(parse_form_date(&t("R8.5.1"), as_of), d(2026, 5, 1));
        assert_eq!(parse_form_date(&t("令和8年5月1日"), as_of), d(2026, 5, 1));
        assert_eq!(parse_form_date(&t("( 5 / 1 )"), as_of), d(2026, 5, 1));
        assert_eq!(parse_form_date(&t("2/28"), as_of), d(2027, 2, 28));
        assert_eq!(parse_form_date(&t("6月3日"), as_of), d(2026, 6, 3));
        assert_eq!(parse_form_date(&t("令和8年度中"), as_of), d(2027, 3, 31));
        assert_eq!(parse_form_date(&t("R7年度内"), as_of), d(2026, 3, 31));
        assert_eq!(parse_form_date(&t("今年度中"), as_of), d(2027, 3, 31));
        assert_eq!(parse_form_date(&t("( / )"), as_of), DateValue::Blank);
        assert_eq!(
            parse_form_date(&t("令和　年　月　日"), as_of),
            DateValue::Blank
        );
        assert_eq!(
            parse_form_date(&t("未定"), as_of),
            DateValue::Unreadable("未定".into())
        );
        assert_eq!(
            parse_form_date(&CellValue::Number(46143.0), as_of),
            d(2026, 5, 1)
        );
    }

    #[test]
    fn targets() {
        assert_eq!(parse_targets("サーバ"), vec![Target::Server]);
        assert_eq!(parse_targets("（端末ＰＣ）"), vec![Target::Pc]);
        assert_eq!(parse_targets("ネットワーク機器"), vec![Target::Network]);
        assert_eq!(parse_targets("医療情報システム全般"), vec![Target::All]);
        assert_eq!(
            parse_targets("サーバ・端末PC"),
            vec![Target::Server, Target::Pc]
        );
        assert_eq!(
            parse_targets("サーバ、端末PC、ネットワーク機器"),
            vec![Target::All]
        );
        assert!(is_target_cell("(サーバ)"));
        assert!(!is_target_cell(
            "サーバ、端末PC、ネットワーク機器の台帳管理を行っている。"
        ));
        let (body, ts) = strip_target_suffix("アクセスログを管理している。（サーバ）");
        assert_eq!(body, "アクセスログを管理している。");
        assert_eq!(ts, vec![Target::Server]);
        let (_, ts) = strip_target_suffix("チェックリスト【端末PC】");
        assert_eq!(ts, vec![Target::Pc]);
        let (body, ts) = strip_target_suffix("チェックリスト【医療機関確認用】");
        assert!(ts.is_empty() && body.ends_with('】'));
    }

    #[test]
    fn retyped_texts_stay_similar() {
        let a = Bigrams::new(&match_key(
            "サーバ、端末PC、ネットワーク機器の台帳管理を行っている。",
        ));
        let b = Bigrams::new(&match_key(
            "サ ー バ、端末ＰＣ、ネットワーク\n機器の台帳 管理を行っている",
        ));
        assert!(a.similarity(&b) > 0.95);
        let c = Bigrams::new(&match_key(
            "サーバ・端末PC・ネットワーク機器の台帳管理をおこなっている。",
        ));
        assert!(a.similarity(&c) > 0.7, "{}", a.similarity(&c));
        let d = Bigrams::new(&match_key("アクセスログを管理している。"));
        let e = Bigrams::new(&match_key("接続元制限を実施している。"));
        assert!(d.similarity(&e) < 0.4);
    }

    #[test]
    fn parsers_never_panic_on_odd_text() {
        // Deterministic pseudo-random strings from characters that trip byte-index code.
        const POOL: &[char] = &[
            '1', '2', '0', '-', '(', ')', '（', '）', '①', '⑳', '㉑', '❶', '⑴', '【', '】', 'ー',
            '－', '問', 'Q', '.', '、', '。', '月', '日', '年', '度', '令', '和', '元', 'R', '/',
            ' ', '\u{3000}', '\n', '٣', '𝟙', 'é', 'ｶ', 'ﾞ', '〇', '○', 'は', 'い', 'え', '※', '済',
            '未', '\u{200B}', '\u{FEFF}', 'サ', 'ー', 'バ',
        ];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        for _ in 0..20_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 24) as usize;
            let s: String = (0..len)
                .map(|i| POOL[((seed >> (i % 48)) as usize + i * 7) % POOL.len()])
                .collect();
            let _ = parse_item_number(&s);
            let _ = split_item_number(&s);
            let _ = parse_section_heading(&s);
            let _ = parse_answer(&CellValue::Text(s.clone()));
            let _ = is_marked(&CellValue::Text(s.clone()), true);
            let _ = parse_form_date(&CellValue::Text(s.clone()), as_of);
            let _ = parse_targets(&s);
            let _ = strip_target_suffix(&s);
            let _ = Bigrams::new(&match_key(&s)).similarity(&Bigrams::new("サ-バ"));
        }
    }
}

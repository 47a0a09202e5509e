//! The safe fixes `daicho convert` applies to one value. Each function returns the fixed value
//! only when the fix changes nothing a person meant: a spelling, a width, a cell type. Anything
//! that would need a guess (a placeholder, a partial date, a word outside the vocabulary) is left
//! as typed, and the checker flags it on the converted ledger.

use crate::layout::Field;
use crate::ledger::date::read_date_cell;
use crate::ledger::os::OsTable;
use crate::ledger::status::{is_specific_status, parse_kind, parse_status};
use crate::settings::Settings;
use crate::template::vocab;
use crate::text;
use crate::workbook::CellValue;
use crate::Text;
use chrono::NaiveDateTime;

/// The kinds of safe fix convert applies, each with a stable code for the log (what a change did;
/// the value itself comes from a rule's [`crate::rules::Fix`] or the standard layout's spellings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FixKind {
    /// Spaces before and after the value removed.
    Trim,
    /// Full-width characters, inner spaces or leading zeros of IPv4 octets removed.
    IpCanonical,
    /// Full-width letters, digits and dashes of a management number made half-width.
    IdHalfWidth,
    /// Date text (和暦, 2020年12月1日, R2.12.1 …) written as a date cell.
    DateCell,
    /// A status word spelled as the standard one (稼働中 -> 稼働).
    StatusWord,
    /// A device-kind word spelled as the standard one (サーバー -> サーバ).
    KindWord,
    /// The device kind taken from the sheet name or a section row (「■サーバ」) of the source.
    KindFromLayout,
    /// An OS name in its canonical spelling (Win10 -> Windows 10).
    OsSpelling,
}

impl FixKind {
    pub fn code(self) -> &'static str {
        match self {
            FixKind::Trim => "trim-spaces",
            FixKind::IpCanonical => "ip-canonical",
            FixKind::IdHalfWidth => "id-half-width",
            FixKind::DateCell => "date-cell",
            FixKind::StatusWord => "status-word",
            FixKind::KindWord => "kind-word",
            FixKind::KindFromLayout => "kind-from-sheet",
            FixKind::OsSpelling => "os-spelling",
        }
    }

    pub fn describe(self, lang: crate::Lang) -> &'static str {
        let text: &'static Text = match self {
            FixKind::Trim => {
                const { &Text::from_static("前後の空白を削除", "surrounding spaces removed") }
            }
            FixKind::IpCanonical => {
                const {
                    &Text::from_static("IPアドレスを正規の形に(全角→半角、途中の空白・先頭のゼロを削除)", "IP address in canonical form (half-width, no inner spaces or leading zeros)")
                }
            }
            FixKind::IdHalfWidth => {
                const {
                    &Text::from_static(
                        "管理番号の全角英数字・記号を半角に",
                        "full-width letters/digits of the management number made half-width",
                    )
                }
            }
            FixKind::DateCell => {
                const {
                    &Text::from_static(
                        "日付の文字列(和暦など)を日付セルに",
                        "date text (Japanese era etc.) written as a date cell",
                    )
                }
            }
            FixKind::StatusWord => {
                const {
                    &Text::from_static("状態を標準の語に", "status spelled as the standard word")
                }
            }
            FixKind::KindWord => {
                const {
                    &Text::from_static(
                        "機器種別を標準の語に",
                        "device kind spelled as the standard word",
                    )
                }
            }
            FixKind::KindFromLayout => {
                const {
                    &Text::from_static(
                        "シート名・区分行から機器種別を記入",
                        "device kind taken from the sheet name or section row",
                    )
                }
            }
            FixKind::OsSpelling => {
                const {
                    &Text::from_static(
                        "OS名を正式な表記に(版・エディションは入力のまま)",
                        "OS name in canonical spelling (edition and version as typed)",
                    )
                }
            }
        };
        text.get(lang)
    }
}

/// Trims ASCII and full-width spaces; `None` when nothing changes.
pub fn trimmed(s: &str) -> Option<&str> {
    let t = text::trim(s);
    (t.len() != s.len()).then_some(t)
}

/// A management number with full-width ASCII (`ＰＣ－０１０`), the ideographic space and dash
/// look-alikes (`‐ − ―`) made half-width. Other characters (kana, kanji, `①`) are kept: NFKC
/// would change their meaning. `None` when nothing changes.
pub fn id_half_width(s: &str) -> Option<String> {
    if s.is_ascii() {
        return None;
    }
    let out: String = s
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}' => '-',
            _ => c,
        })
        .collect();
    (out != s).then_some(out)
}

/// Date text as the checker reads it (`令和2年12月1日`, `R2.12.1`, `2025.4.1`, `2024/04/01 9:00`,
/// `20201201`), as a date cell: the checker's own parser ([`read_date_text`] via
/// [`crate::ledger::date::read_date_cell`]), so a value D001 accepts is never left as text. A time
/// typed after the date is kept in the cell. Text the checker reads only by supplying a missing
/// day (`2020年4月`), or does not read as a date that exists, is left as typed.
pub fn date_text(s: &str) -> Option<NaiveDateTime> {
    let read = read_date_cell(&CellValue::Text(s.to_string())).ok()?;
    read.whole_day.then(|| read.date_time())
}

/// The standard status word for a status typed in another spelling (`稼働中` -> `稼働`,
/// `稼動` -> `稼働`, `廃棄済み` -> `廃棄`). A word that says more than the standard one (`予備`,
/// `保管`, `貸出中`, `修理中`: why the device is not in use) and a word with a bracketed note
/// (`停止(故障)`) are left as typed; so is an unknown word, for S001. `None` when nothing changes.
pub fn status_word(s: &str) -> Option<&'static str> {
    let status = parse_status(s)?;
    if has_note(s) || is_specific_status(s) {
        return None;
    }
    let word = vocab::status_word(status);
    (word != s).then_some(word)
}

/// Kind words that are only other spellings of the five categories. Specific device words
/// (ルータ, プリンタ, タブレット, NAS …) are information and stay as typed.
const CATEGORY_SPELLINGS: &[&str] = &[
    "サーバ",
    "サーバー",
    "サーバ機器",
    "サーバー機器",
    "server",
    "端末",
    "端末pc",
    "pc端末",
    "端末機器",
    "端末機",
    "pc",
    "パソコン",
    "クライアント",
    "クライアント端末",
    "client",
    "ネットワーク機器",
    "ネットワーク",
    "nw機器",
    "nw",
    "network",
    "医療機器",
    "医療用機器",
    "医用機器",
    "medical",
    "その他",
    "その他機器",
    "other",
    "others",
];

/// The standard kind word for another spelling of one of the five categories (`サーバー`,
/// `Server`, `PC`, `NW機器`). `None` when nothing changes or the word is specific.
pub fn kind_word(s: &str) -> Option<&'static str> {
    let k = text::key(s);
    if !CATEGORY_SPELLINGS.iter().any(|w| text::key(w) == k) {
        return None;
    }
    let word = vocab::kind_word(parse_kind(s)?);
    (word != s).then_some(word)
}

/// The canonical spelling of an OS name, keeping every edition and version word typed (see
/// [`OsTable::canonical_spelling`]). `None` when nothing changes.
pub fn os_spelling(table: &OsTable, s: &str) -> Option<String> {
    table.canonical_spelling(s).filter(|c| c != s)
}

fn has_note(s: &str) -> bool {
    text::nfkc(s).contains(['(', '[', '【', '〔', '<', '「'])
}

/// Whether no fix of [`fix_value`] can change this value when no rule gives one: a value that is
/// not text, or text with nothing to trim in a field convert has no spellings for.
pub(super) fn untouched(field: Field, value: &CellValue) -> bool {
    match value {
        CellValue::Text(s) => {
            !s.is_empty()
                && trimmed(s).is_none()
                && !matches!(
                    field,
                    Field::Registered | Field::Status | Field::Kind | Field::Os
                )
        }
        _ => true,
    }
}

/// Applies the safe fixes of one field to a source value: `given`, the safe fix a rule's finding
/// proposes for the cell (IP003: every address in canonical form, labels and placeholders as
/// typed), and the spellings of the standard layout. Returns the converted value and the fixes
/// applied (empty when the value is unchanged).
pub(super) fn fix_value(
    field: Field,
    value: &CellValue,
    given: Option<&str>,
    settings: &Settings,
) -> (Option<CellValue>, Vec<FixKind>) {
    let CellValue::Text(raw) = value else {
        return (Some(value.clone()), Vec::new());
    };
    let mut fixes = Vec::new();
    let mut text: String = match trimmed(raw) {
        Some(t) => {
            fixes.push(FixKind::Trim);
            t.to_string()
        }
        None => raw.clone(),
    };
    if text.is_empty() {
        return (None, fixes);
    }
    match field {
        Field::Ip => {
            if let Some(t) = given.map(text::trim).filter(|t| *t != text) {
                text = t.to_string();
                fixes.push(FixKind::IpCanonical);
            }
        }
        Field::Registered => {
            if let Some(d) = date_text(&text) {
                fixes.push(FixKind::DateCell);
                return (Some(CellValue::DateTime(d)), fixes);
            }
        }
        Field::Status => {
            if let Some(w) = status_word(&text) {
                text = w.to_string();
                fixes.push(FixKind::StatusWord);
            }
        }
        Field::Kind => {
            if let Some(w) = kind_word(&text) {
                text = w.to_string();
                fixes.push(FixKind::KindWord);
            }
        }
        Field::Os => {
            if let Some(t) = os_spelling(settings.os_table, &text) {
                text = t;
                fixes.push(FixKind::OsSpelling);
            }
        }
        _ => {}
    }
    (Some(CellValue::Text(text)), fixes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The IP cell convert writes: the safe fix IP003's finding gives it, through [`fix_value`].
    fn ip_cell(s: &str) -> Option<String> {
        let sheet = crate::workbook::Sheet::from_text_rows(
            "台帳",
            &[
                &["管理番号", "OS", "IPアドレス"],
                &["PC-1", "Windows 11 24H2", s],
            ],
        );
        let wb = crate::workbook::Workbook::new(crate::workbook::Format::Xlsx, vec![sheet]);
        let settings = Settings::new(chrono::NaiveDate::from_ymd_opt(2026, 11, 25)?);
        let input = crate::engine::understand(&wb, &settings);
        let given = super::super::GivenFixes::of(&input.ledger, &settings);
        let value = CellValue::Text(s.to_string());
        let (fixed, applied) = fix_value(Field::Ip, &value, given.get("台帳", 1, 2), &settings);
        match fixed {
            Some(CellValue::Text(t)) if applied.contains(&FixKind::IpCanonical) => Some(t),
            _ => None,
        }
    }

    #[test]
    fn trimming() {
        assert_eq!(trimmed(" 稼働　"), Some("稼働"));
        assert_eq!(trimmed("稼働"), None);
    }

    #[test]
    fn ip_fixes_keep_labels() {
        assert_eq!(
            ip_cell("１９２．１６８．１．５(管理用)").as_deref(),
            Some("192.168.1.5(管理用)")
        );
        assert_eq!(
            ip_cell("192.168.010.054 プリンタ").as_deref(),
            Some("192.168.10.54 プリンタ")
        );
        assert_eq!(
            ip_cell("１９２．１６８．１．５").as_deref(),
            Some("192.168.1.5")
        );
        assert_eq!(ip_cell("192.168.010.054").as_deref(), Some("192.168.10.54"));
        assert_eq!(ip_cell("192.168. 1.7").as_deref(), Some("192.168.1.7"));
        assert_eq!(
            ip_cell("192.168.001.010、１９２．１６８．１．６").as_deref(),
            Some("192.168.1.10、192.168.1.6")
        );
        for unchanged in [
            "192.168.1.5",
            "192.168.〇.〇",
            "192.168.x.x",
            "192.168.1.300",
            "DHCP",
            "-",
            "192.168.1.20, 192.168.2.20",
            "",
        ] {
            assert_eq!(ip_cell(unchanged), None, "{unchanged}");
        }
    }

    #[test]
    fn ip_fix_keeps_placeholders_beside_a_fixed_address() {
        assert_eq!(
            ip_cell("192.168.〇.〇, 192.168.001.5").as_deref(),
            Some("192.168.〇.〇, 192.168.1.5")
        );
    }

    #[test]
    fn management_numbers() {
        assert_eq!(id_half_width("ＰＣ－０１０").as_deref(), Some("PC-010"));
        assert_eq!(id_half_width("００１").as_deref(), Some("001"));
        assert_eq!(id_half_width("PC‐010").as_deref(), Some("PC-010"));
        assert_eq!(id_half_width("PC-010"), None);
        // Kana and circled numbers keep their meaning.
        assert_eq!(id_half_width("サーバ①"), None);
    }

    #[test]
    fn dates_the_checker_reads_are_date_cells() {
        let at = |y, m, d, h, mi| {
            chrono::NaiveDate::from_ymd_opt(y, m, d).and_then(|x| x.and_hms_opt(h, mi, 0))
        };
        for (typed, want) in [
            ("令和2年12月1日", at(2020, 12, 1, 0, 0)),
            ("令和元年5月1日", at(2019, 5, 1, 0, 0)),
            ("R2.12.1", at(2020, 12, 1, 0, 0)),
            ("H30/4/1", at(2018, 4, 1, 0, 0)),
            ("2020/12/1", at(2020, 12, 1, 0, 0)),
            ("２０２０年１２月１日", at(2020, 12, 1, 0, 0)),
            (" 2019年5月1日 ", at(2019, 5, 1, 0, 0)),
            // issue 13: the checker read these, convert left them as text.
            ("2025.4.1", at(2025, 4, 1, 0, 0)),
            ("2024/04/01 9:00", at(2024, 4, 1, 9, 0)),
            ("2024/04/01 09:00:00", at(2024, 4, 1, 9, 0)),
            ("2024-04-01T13:30:00", at(2024, 4, 1, 13, 30)),
            ("2024/4/1 午後1:30", at(2024, 4, 1, 13, 30)),
            ("令和6年4月1日 10時", at(2024, 4, 1, 10, 0)),
            ("2020/12/1(火)", at(2020, 12, 1, 0, 0)),
            ("20201201", at(2020, 12, 1, 0, 0)),
            ("43586", at(2019, 5, 1, 0, 0)),
        ] {
            assert_eq!(date_text(typed), want, "{typed}");
        }
        for kept in [
            "2020年4月",
            "2020/12",
            "令和2年",
            "2020/13/45",
            "令和2年2月30日",
            "2020/12/1 25:00",
            "2020/12/1 午後13:00",
            "未定",
            "",
        ] {
            assert_eq!(date_text(kept), None, "{kept}");
        }
    }

    /// Whatever convert writes as a date, the checker reads as that date, and whatever the
    /// checker reads as a whole day, convert writes as a date.
    #[test]
    fn convert_and_check_read_dates_alike() {
        use crate::ledger::date::parse_date_text;
        for typed in [
            "2025.4.1",
            "2024/04/01 9:00",
            "R6.4.1",
            "令和６年４月１日",
            "平成31年4月30日",
            "2024年4月1日(月)",
            "2024-04-01",
            "2020/12/1 10:00:00",
        ] {
            let checked = parse_date_text(typed).ok();
            assert!(checked.is_some(), "{typed}");
            assert_eq!(date_text(typed).map(|d| d.date()), checked, "{typed}");
        }
    }

    #[test]
    fn status_words() {
        assert_eq!(status_word("稼働中"), Some("稼働"));
        assert_eq!(status_word("運用中"), Some("稼働"));
        assert_eq!(status_word("廃棄済み"), Some("廃棄"));
        assert_eq!(status_word("稼動"), Some("稼働"));
        assert_eq!(status_word("稼動中"), Some("稼働"));
        assert_eq!(status_word("停止中"), Some("停止"));
        assert_eq!(status_word("稼働"), None);
        assert_eq!(status_word("停止(故障)"), None);
        // issue 13: words that say why a device is not in use are kept, not turned into 停止.
        for kept in ["予備", "保管", "貸出中", "修理中", "予備機", "未使用"] {
            assert_eq!(status_word(kept), None, "{kept}");
        }
    }

    #[test]
    fn kind_words() {
        assert_eq!(kind_word("サーバー"), Some("サーバ"));
        assert_eq!(kind_word("PC"), Some("端末PC"));
        assert_eq!(kind_word("NW機器"), Some("ネットワーク機器"));
        assert_eq!(kind_word("サーバ"), None);
        assert_eq!(kind_word("ルータ"), None);
        assert_eq!(kind_word("プリンタ"), None);
    }

    #[test]
    fn category_spellings_are_kind_words() {
        for w in CATEGORY_SPELLINGS {
            assert!(parse_kind(w).is_some(), "{w}");
        }
    }

    #[test]
    fn os_names() {
        let t = OsTable::bundled();
        assert_eq!(os_spelling(t, "Win10").as_deref(), Some("Windows 10"));
        assert_eq!(os_spelling(t, "Windows 10"), None);
        assert_eq!(os_spelling(t, "独自OS"), None);
    }
}

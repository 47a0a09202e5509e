//! Device status (状態) and device kind (機器種別) vocabularies.
//! The words themselves are data: `templates/vocab.toml`, read by [`super::words`].

use super::words::{self, StatusWord};
use crate::text;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// 稼働, 稼働中, 使用中, 運用中
    Active,
    /// 停止, 休止, and devices not in use: 予備, 保管, 貸出中, 修理中, 未使用
    Inactive,
    /// 廃棄, 廃棄済, 撤去, 返却
    Retired,
}

/// Ordered as listed (サーバ, 端末PC, ネットワーク機器, 医療機器, その他), the order reports use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceKind {
    Server,
    Pc,
    Network,
    Medical,
    Other,
}

/// Removes one trailing bracketed note (`停止(故障)`, `廃棄【2020】`, `稼働（一部）`) from a key.
fn strip_note(k: &str) -> &str {
    words::strip_note(k)
}

/// Reads a status cell (after NFKC/whitespace folding) with the words of `templates/vocab.toml`.
/// `None` = outside the vocabulary (S001).
pub fn parse_status(raw: &str) -> Option<Status> {
    words::status_word(&text::key(raw)).map(|(s, _)| s)
}

/// Whether a status cell says more than its standard word (予備, 保管, 貸出中, 修理中): such a
/// word is read as its status but kept as typed when converting.
pub fn is_specific_status(raw: &str) -> bool {
    matches!(
        words::status_word(&text::key(raw)),
        Some((_, StatusWord::Specific))
    )
}

/// Reads a kind cell: サーバ/サーバー/Server, 端末PC/PC/パソコン/端末/クライアント, ネットワーク機器/NW機器/ルータ/スイッチ/UTM…, 医療機器/モダリティ, その他.
pub fn parse_kind(raw: &str) -> Option<DeviceKind> {
    let k = text::key(raw);
    kind_of_key(strip_note(&k))
}

fn kind_of_key(k: &str) -> Option<DeviceKind> {
    if k.is_empty() {
        return None;
    }
    let t = words::vocab();
    if let Some(kind) = t.kinds.get(k) {
        return Some(*kind);
    }
    t.kind_suffixes
        .iter()
        .find(|(suffix, _)| k.ends_with(suffix.as_str()))
        .map(|(_, kind)| *kind)
}

/// The kind a sheet name implies: 「サーバ一覧」 -> Server, 「端末PC」 -> Pc, 「NW機器」 -> Network.
///
/// A generic name (「機器台帳」「台帳」), or one naming several kinds (「サーバ・端末」), gives `None`.
pub fn kind_from_sheet_name(name: &str) -> Option<DeviceKind> {
    let k = text::key(name);
    let t = words::vocab();
    // Drop a leading sheet number (「1.サーバ」「01_端末」) and decorations (「一覧」「台帳」 …).
    let mut base = k
        .trim_start_matches(|c: char| c.is_ascii_digit() || matches!(c, '.' | '_' | '-' | ':'))
        .trim_end_matches(|c: char| c.is_ascii_digit() || matches!(c, '(' | ')' | '_' | '-'));
    loop {
        let before = base.len();
        for suffix in &t.sheet_suffixes {
            if let Some(rest) = base.strip_suffix(suffix.as_str()) {
                base = rest.trim_end_matches(['_', '-', '・']);
            }
        }
        if base.len() == before {
            break;
        }
    }
    if let Some(kind) = kind_of_key(strip_note(base)) {
        return Some(kind);
    }
    let mut found: Option<DeviceKind> = None;
    for (word, kind) in &t.sheet_words {
        if base.contains(word.as_str()) {
            match found {
                Some(f) if f != *kind => return None,
                _ => found = Some(*kind),
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_from_the_spec() {
        for s in [
            "稼働",
            "稼働中",
            "使用中",
            "運用中",
            "稼動",
            "稼動中",
            "active",
            "Active",
            "ACTIVE",
            "in use",
            "In Use",
            "ｉｎ　ｕｓｅ",
            "　稼働中　",
            "稼 働",
            "稼働中(一部)",
        ] {
            assert_eq!(parse_status(s), Some(Status::Active), "{s}");
        }
        for s in [
            "停止",
            "停止中",
            "休止",
            "休止中",
            "予備",
            "保管",
            "保管中",
            "未使用",
            "inactive",
            "spare",
            "Spare",
            "停止(故障)",
            "停止（故障のため）",
            "予備【倉庫】",
            "貸出中",
            "修理中",
            "故障中",
            "予備機",
            "保管中(倉庫)",
            "使用停止",
            "導入予定",
        ] {
            assert_eq!(parse_status(s), Some(Status::Inactive), "{s}");
        }
        for s in [
            "廃棄",
            "廃棄済",
            "廃棄済み",
            "撤去",
            "撤去済",
            "返却",
            "返却済",
            "リース返却",
            "ﾘｰｽ返却",
            "リ－ス返却",
            "retired",
            "Retired",
            "disposed",
            "廃棄済（2023/3）",
            "除却済",
            "廃止",
        ] {
            assert_eq!(parse_status(s), Some(Status::Retired), "{s}");
        }
    }

    #[test]
    fn specific_statuses_are_kept_words() {
        for s in ["予備", "保管", "貸出中", "修理中", "予備機", "spare"] {
            assert!(is_specific_status(s), "{s}");
        }
        for s in ["稼働", "稼動中", "停止", "停止中", "廃棄済み", "不明", ""] {
            assert!(!is_specific_status(s), "{s}");
        }
    }

    #[test]
    fn unknown_statuses() {
        for s in [
            "",
            " ",
            "不明",
            "?",
            "稼働?",
            "(故障)",
            "廃棄予定",
            "確認中",
            "OK",
            "😀",
            "１９２．１６８．．１",
            "2020/13/45",
            "令和999年",
            "99999999999999999999",
        ] {
            assert_eq!(parse_status(s), None, "{s}");
        }
    }

    #[test]
    fn kinds() {
        use DeviceKind::*;
        let cases: &[(&str, DeviceKind)] = &[
            ("サーバ", Server),
            ("サーバー", Server),
            ("ｻｰﾊﾞｰ", Server),
            ("server", Server),
            ("Server", Server),
            ("仮想サーバ", Server),
            ("物理サーバ", Server),
            ("ファイルサーバ", Server),
            ("DBサーバー", Server),
            ("Webサーバ(本番)", Server),
            ("NAS", Server),
            ("端末PC", Pc),
            ("端末ＰＣ", Pc),
            ("端末", Pc),
            ("PC", Pc),
            ("pc", Pc),
            ("パソコン", Pc),
            ("クライアント", Pc),
            ("ノートPC", Pc),
            ("ノートパソコン", Pc),
            ("デスクトップPC", Pc),
            ("タブレット", Pc),
            ("端末機器", Pc),
            ("電子カルテ端末PC", Pc),
            ("シンクライアント", Pc),
            ("ネットワーク機器", Network),
            ("NW機器", Network),
            ("ＮＷ機器", Network),
            ("ネットワーク", Network),
            ("ルータ", Network),
            ("ルーター", Network),
            ("スイッチ", Network),
            ("L2スイッチ", Network),
            ("L3スイッチ", Network),
            ("UTM", Network),
            ("ファイアウォール", Network),
            ("FW", Network),
            ("無線LAN", Network),
            ("無線アクセスポイント", Network),
            ("AP", Network),
            ("VPN装置", Network),
            ("HUB", Network),
            ("ハブ", Network),
            ("医療機器", Medical),
            ("モダリティ", Medical),
            ("検査機器", Medical),
            ("その他", Other),
            ("周辺機器", Other),
            ("プリンタ", Other),
            ("プリンター", Other),
            ("複合機", Other),
            ("レーザープリンタ", Other),
        ];
        for (s, k) in cases {
            assert_eq!(parse_kind(s), Some(*k), "{s}");
        }
        for s in [
            "",
            "-",
            "不明",
            "機器",
            "電子カルテ",
            "😀",
            "(サーバ)",
            "令和999年",
        ] {
            assert_eq!(parse_kind(s), None, "{s}");
        }
    }

    #[test]
    fn sheet_names() {
        use DeviceKind::*;
        let cases: &[(&str, Option<DeviceKind>)] = &[
            ("サーバ", Some(Server)),
            ("サーバ一覧", Some(Server)),
            ("サーバー台帳", Some(Server)),
            ("サーバ機器一覧", Some(Server)),
            ("端末PC", Some(Pc)),
            ("端末", Some(Pc)),
            ("PC一覧", Some(Pc)),
            ("ＰＣ一覧", Some(Pc)),
            ("クライアント", Some(Pc)),
            ("端末台帳", Some(Pc)),
            ("ネットワーク機器", Some(Network)),
            ("NW機器", Some(Network)),
            ("ネットワーク", Some(Network)),
            ("ネットワーク機器一覧", Some(Network)),
            ("医療機器", Some(Medical)),
            ("医療機器台帳", Some(Medical)),
            ("1.サーバ", Some(Server)),
            ("02_端末PC", Some(Pc)),
            ("機器台帳(サーバ)", Some(Server)),
            ("サーバ (2)", Some(Server)),
            ("機器台帳", None),
            ("台帳", None),
            ("一覧", None),
            ("Sheet1", None),
            ("表紙", None),
            ("チェックリスト", None),
            ("記入例", None),
            ("サーバ・端末", None),
            ("", None),
            ("😀", None),
        ];
        for (s, k) in cases {
            assert_eq!(kind_from_sheet_name(s), *k, "{s}");
        }
    }
}

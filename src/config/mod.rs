//! Resolved settings for one run: command-line options over `daicho.toml` over defaults.
//!
//! Flow (as ruff): [`ConfigFile`] is what the file says (serde, unknown keys rejected at every
//! level) -> [`resolve`] validates it and applies the command-line [`Overrides`] ->
//! [`Settings`] is what rules and emitters consult. [`Resolver`] finds the `daicho.toml` that
//! governs each checked file (next to it or in the nearest parent folder) and loads each
//! distinct file once.
//!
//! - [`file`] — the schema ([`ConfigFile`] and its sections), loading, and TOML errors with the line.
//! - [`apply`] — validating each section into [`Settings`].
//! - [`discover`] — [`Resolver`]: which `daicho.toml` governs a file.

mod apply;
mod discover;
mod file;
#[cfg(test)]
mod tests;

pub use discover::{discover, Resolver};
pub use file::{
    load_file, parse_str, ChecklistSection, ConfigDate, ConfigError, ConfigFile, ExceptionSpec,
    FacilitySection, LedgerSection, LimitsSection, NetworkSection, OsSection, RulesSection,
};

use crate::settings::Settings;
use crate::{Lang, Severity};
use apply::apply_file;
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

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

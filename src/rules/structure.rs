//! L001–L005: is there a ledger, does it have the columns it needs, and was every sheet read?

use super::{Context, Finding, Rule, RuleDoc};
use crate::layout::{Field, FieldRole};
use crate::ledger::Ledger;
use crate::{Severity, Text};

pub static L001: Rule = Rule {
    code: "L001",
    name: "no-ledger-sheet",
    severity: Severity::Error,
    summary: Text::from_static("台帳シートもチェックリストシートも見つからない", "no sheet is recognised as a ledger or checklist"),
    doc: RuleDoc {
        what: &Text::from_static("ブックのどのシートも機器台帳(管理番号・OS・IPアドレスなどの見出し行を持つ表)またはチェックリストとして認識できません。", "No sheet of the workbook is recognised as a device ledger (a table with headers such as 管理番号, OS, IPアドレス) or as a checklist."),
        why: &Text::from_static("チェックリスト2-①は、サーバ・端末PC・ネットワーク機器を台帳で管理しているかを問います。立入検査では台帳の提示を求められることがあります。", "Checklist item 2-① asks whether servers, PCs and network devices are managed in a ledger; inspectors may ask to see it."),
        example: &Text::from_static("表紙と説明文だけのブック。見出しが「項目1」「項目2」のように意味を持たない表。", "A workbook with only a cover page, or a table whose headers are 'item 1', 'item 2'."),
        fix: &Text::from_static("先頭30行以内に見出し行(管理番号、OS、IPアドレス、設置場所…)を置いてください。`daicho template` で標準の台帳を作れます。", "Put a header row (管理番号, OS, IPアドレス, 設置場所 …) within the first 30 rows, or start from `daicho template`."),
    },
};

pub static L002: Rule = Rule {
    code: "L002",
    name: "missing-column",
    severity: Severity::Error,
    summary: Text::from_static("必須列(エラー)または推奨列(警告)がない", "a core (error) or recommended (warning) column is absent"),
    doc: RuleDoc {
        what: &Text::from_static("台帳シートに、管理番号・OS・IPアドレス(必須、エラー)や、メーカー・ソフトウェア・設置場所・利用者・登録日・状態など(推奨、警告)の列がありません。", "A ledger sheet lacks a core column (管理番号, OS, IPアドレス: error) or a recommended one (メーカー, ソフトウェア, 設置場所, 利用者, 登録日, 状態 …: warning)."),
        why: &Text::from_static("厚労省の手引きは、台帳に設置場所・IPアドレス等・利用者・ソフトウェアとバージョンを記録することを想定しています。OSとIPアドレスがないとサポート切れ機器や重複アドレスを確認できません。", "The MHLW manual expects the ledger to record location, network identity, users and software versions; without OS and IP, unsupported systems and address conflicts cannot be found."),
        example: &Text::from_static("見出しが「番号」「機器名」「場所」だけで、OS列とIPアドレス列がない台帳。", "A ledger with only 'number', 'device', 'place' columns."),
        fix: &Text::from_static("列を追加してください。見出しの名前は「IPアドレス」「IP」など同義語でも認識されます(`daicho template` の列構成が標準です)。", "Add the column; synonyms such as 「IP」 are recognised (see `daicho template` for the standard layout)."),
    },
};

pub static L003: Rule = Rule {
    code: "L003",
    name: "duplicate-column",
    severity: Severity::Warning,
    summary: Text::from_static("同じ項目を表す列が2つある", "two columns map to the same field"),
    doc: RuleDoc {
        what: &Text::from_static("同じ項目(例: 「OS」と「OS名」)を表す列が2つあります。左側の列を使い、もう一方は確認しません。", "Two columns mean the same field (e.g. 「OS」 and 「OS名」); the left one is used, the other is not checked."),
        why: &Text::from_static("どちらが正しい値か分からず、更新漏れの原因になります。", "Nobody knows which is right, and one of them goes stale."),
        example: &Text::from_static("「IPアドレス」列と「IP」列が両方ある。", "Both 「IPアドレス」 and 「IP」 columns."),
        fix: &Text::from_static("どちらかにまとめるか、見出しを別の意味の名前(例: 「IPアドレス(管理用)」を備考へ)に変えてください。", "Merge them, or rename one so it means something else."),
    },
};

pub static L004: Rule = Rule {
    code: "L004",
    name: "empty-ledger",
    severity: Severity::Warning,
    summary: Text::from_static(
        "見出しだけで機器の行がない台帳シート",
        "a ledger sheet with a header and no device rows",
    ),
    doc: RuleDoc {
        what: &Text::from_static(
            "台帳の見出し行はありますが、機器の行が1行もありません。",
            "The sheet has a ledger header but no device rows.",
        ),
        why: &Text::from_static(
            "空の台帳は、2-①(台帳管理)を「はい」と答える根拠になりません。",
            "An empty ledger is no evidence for answering 2-① (ledger management) 'yes'.",
        ),
        example: &Text::from_static(
            "テンプレートを作っただけで、まだ記入していないシート。",
            "A template sheet not filled in yet.",
        ),
        fix: &Text::from_static(
            "機器を記入してください。使わないシートなら削除してかまいません。",
            "Enter the devices, or delete the sheet if unused.",
        ),
    },
};

pub static L005: Rule = Rule {
    code: "L005",
    name: "sheet-not-read",
    severity: Severity::Info,
    summary: Text::from_static(
        "セルとして読めないシート(マクロシート・ダイアログシート)を検査していない",
        "a sheet that is not a worksheet (macro or dialog sheet) was not checked",
    ),
    doc: RuleDoc {
        what: &Text::from_static(
            "ブックに、セルの表として読めないシート(Excel 4.0 マクロシート、ダイアログシート、VBA モジュールのシート)があります。daicho はそのシートを読まずに、ほかのワークシートを検査しました。グラフシートはセルを持たないため対象外です。",
            "The workbook has a sheet daicho cannot read as a table of cells (an Excel 4.0 macro sheet, a dialog sheet or a VBA module sheet). daicho checked the other worksheets without it. Chart sheets hold no cells and are not reported.",
        ),
        why: &Text::from_static(
            "読まなかったシートがあることを知らないと、ブック全体を確認したと誤解するおそれがあります。Excel 4.0 マクロは既定で無効にされる古い仕組みで、マルウェアにも使われてきました。",
            "Without knowing that a sheet was skipped, one may believe the whole workbook was checked. Excel 4.0 macros are a legacy mechanism, disabled by default and long used by malware.",
        ),
        example: &Text::from_static(
            "台帳シートの横に、Auto_Open で動く「Macro1」(Excel 4.0 マクロシート)がある .xlsm。",
            "An .xlsm with 「Macro1」 (an Excel 4.0 macro sheet run by Auto_Open) beside the ledger sheet.",
        ),
        fix: &Text::from_static(
            "機器の情報がそのシートにあるなら、通常のワークシートに移してください。使っていないマクロシート・ダイアログシートは削除できます(シート見出しを右クリック→削除)。必要なシートなら、この情報はそのままで構いません。",
            "If device data is on that sheet, move it to an ordinary worksheet. An unused macro or dialog sheet can be deleted (right-click its tab > Delete); if it is needed, this information can stay.",
        ),
    },
};

/// This family's rules, in code order.
pub static RULES: &[&Rule] = &[&L001, &L002, &L003, &L004, &L005];

pub fn check(ledger: &Ledger<'_>, ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for sheet in &ledger.sheets {
        let layout = &sheet.layout;
        let name = sheet.name();
        let first_col = layout.columns.first().map(|c| c.col).unwrap_or(0);
        for f in Field::ALL {
            if layout.has(f) {
                continue;
            }
            let required = ctx.settings.required_fields.contains(&f);
            let severity = match f.role() {
                FieldRole::Core => Severity::Error,
                FieldRole::Recommended => Severity::Warning,
                FieldRole::Optional if required => Severity::Warning,
                FieldRole::Optional => continue,
            };
            let what = match severity {
                Severity::Error => ("必須", "core"),
                _ => ("推奨", "recommended"),
            };
            out.push(
                Finding::new(
                    &L002,
                    Text::new(
                        format!(
                            "{}列「{}」がありません。列を追加してください。",
                            what.0,
                            f.label()
                        ),
                        format!(
                            "The {} column 「{}」 ({}) is missing. Add it.",
                            what.1,
                            f.label(),
                            f.label_en()
                        ),
                    ),
                )
                .severity(severity)
                .at(name, layout.header_row, first_col)
                .field(f),
            );
        }
        for (f, col) in &layout.duplicate_columns {
            let header = layout
                .columns
                .iter()
                .find(|c| c.col == *col)
                .map(|c| c.header.clone())
                .unwrap_or_default();
            let used = layout
                .col(*f)
                .map(crate::address::col_letters)
                .unwrap_or_default();
            out.push(
                Finding::new(
                    &L003,
                    Text::new(
                        format!("列「{header}」も「{}」を表していますが、{used}列を使います。どちらかにまとめてください。", f.label()),
                        format!("Column 「{header}」 also means {}; column {used} is used. Merge the two.", f.label_en()),
                    ),
                )
                .at(name, layout.header_row, *col)
                .field(*f)
                .value(header),
            );
        }
        if sheet.devices.is_empty() {
            out.push(
                Finding::new(
                    &L004,
                    Text::new(
                        format!("シート「{name}」には見出しだけで機器の行がありません。"),
                        format!("Sheet '{name}' has a header but no device rows."),
                    ),
                )
                .at(name, layout.header_row, first_col),
            );
        }
    }
}

/// L001 for a workbook without any ledger or checklist sheet.
pub fn no_ledger_sheet(sheet_count: usize) -> Finding {
    Finding::new(
        &L001,
        Text::new(
            format!("{sheet_count}シートのどれも機器台帳・チェックリストとして認識できません。先頭30行以内に「管理番号」「OS」「IPアドレス」などの見出し行を置いてください。"),
            format!("None of the {sheet_count} sheets is recognised as a ledger or checklist. Put a header row (管理番号, OS, IPアドレス …) within the first 30 rows."),
        ),
    )
}

/// L005 for a sheet the reader could not read as cells: `kind` says what it is (an Excel 4.0
/// macro sheet, a dialog sheet …).
pub fn sheet_not_read(name: &str, kind: &Text) -> Finding {
    Finding::new(
        &L005,
        Text::new(
            format!("シート「{name}」は{}のため読めず、検査していません。機器の情報はワークシートに書いてください。", kind.ja),
            format!("Sheet '{name}' is {}, which daicho does not read: it was not checked. Keep device data on worksheets.", kind.en),
        ),
    )
    .in_sheet(name)
}

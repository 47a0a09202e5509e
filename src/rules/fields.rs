//! F001–F002 (blank and placeholder values), D001–D002 (dates) and S001 (status).

use super::{Context, Finding, Rule, RuleDoc};
use crate::layout::{Field, FieldRole};
use crate::ledger::date::DateError;
use crate::ledger::words::{is_not_applicable, is_placeholder};
use crate::ledger::{FieldValue, Ledger};
use crate::{Severity, Text};

pub static F001: Rule = Rule {
    code: "F001",
    name: "missing-value",
    severity: Severity::Error,
    summary: Text::from_static("必須・推奨項目が空欄", "a core or recommended field is blank"),
    doc: RuleDoc {
        what: &Text::from_static("列はあるのに、機器の行でその項目(管理番号・OS・IPアドレス、メーカー・設置場所・利用者など)が空欄です。廃棄済みの機器はIPアドレスが空欄でもかまいません。型番・MACアドレス・備考などの任意項目は対象外です。", "A device row leaves a core or recommended field blank although the column exists. Retired devices may leave the IP blank; optional fields (model, MAC, note …) are never required."),
        why: &Text::from_static("空欄は「該当なし」なのか「未記入」なのか区別できず、台帳の正確さ(2-①)を説明できません。", "A blank cannot be told apart from 'not applicable', so the ledger's accuracy (2-①) cannot be shown."),
        example: &Text::from_static("IPアドレス列が空欄のスタンドアロンPC。", "A standalone PC with an empty IP cell."),
        fix: &Text::from_static("値を記入してください。該当しない場合は「-」や「なし」、DHCPの機器は「DHCP」と書くと、意図した空欄として扱います。", "Fill it in. Write 「-」 or 「なし」 when it does not apply, and 「DHCP」 for DHCP clients."),
    },
};

pub static F002: Rule = Rule {
    code: "F002",
    name: "placeholder-value",
    severity: Severity::Warning,
    summary: Text::from_static("〇〇・xxx・未定などの記入例が残っている", "template residue such as 〇〇, xxx, TBD, 未定"),
    doc: RuleDoc {
        what: &Text::from_static("「〇〇電子カルテ」「xxx」「未定」「?」のような記入例・仮の値が残っています。", "Placeholder text such as 〇〇, xxx, TBD, 未定 or ? is left in a cell."),
        why: &Text::from_static("記入例のままでは実際の機器やソフトウェアが分からず、脆弱性情報と照合できません。", "A placeholder names no real product, so nothing can be matched against vulnerability information."),
        example: &Text::from_static("ソフトウェア「〇〇電子カルテ」、利用者「c医師(△△科)」。", "Software 「〇〇電子カルテ」, user 「c医師(△△科)」."),
        fix: &Text::from_static("実際の値に書き換えてください。", "Replace it with the real value."),
    },
};

pub static D001: Rule = Rule {
    code: "D001",
    name: "invalid-date",
    severity: Severity::Warning,
    summary: Text::from_static(
        "読めない日付・存在しない日付",
        "a date that cannot be read or does not exist",
    ),
    doc: RuleDoc {
        what: &Text::from_static(
            "登録日などの日付が読めないか、存在しない日付(2020/13/45、令和2年2月30日)です。",
            "A date cannot be read or does not exist (2020/13/45, 令和2年2月30日).",
        ),
        why: &Text::from_static(
            "導入時期が分からないと、更新計画やサポート期限の確認に使えません。",
            "Without a valid date the ledger cannot support replacement planning.",
        ),
        example: &Text::from_static(
            "「2020/13/45」「R2.2.30」。",
            "「2020/13/45」, 「R2.2.30」.",
        ),
        fix: &Text::from_static(
            "2024/4/1 や 令和6年4月1日 の形で正しい日付を入力してください。",
            "Enter a real date such as 2024/4/1 or 令和6年4月1日.",
        ),
    },
};

pub static D002: Rule = Rule {
    code: "D002",
    name: "future-date",
    severity: Severity::Warning,
    summary: Text::from_static("登録日が基準日より後", "a registration date after the as-of date"),
    doc: RuleDoc {
        what: &Text::from_static("登録日が基準日(--as-of、既定は今日)より後の日付です。", "A registration date lies after the as-of date (--as-of, default today)."),
        why: &Text::from_static("多くは年の打ち間違い(2042年など)や和暦・西暦の取り違えです。", "It is usually a typo or an era/western year mix-up."),
        example: &Text::from_static("「2042/4/1」。", "「2042/4/1」."),
        fix: &Text::from_static("正しい日付に直してください。導入予定の機器なら、状態を「予備」や「未使用」にしてください。", "Correct the date; for planned devices set the status to 予備 or 未使用."),
    },
};

pub static S001: Rule = Rule {
    code: "S001",
    name: "unknown-status",
    severity: Severity::Warning,
    summary: Text::from_static("状態が既定の語彙にない", "a status value outside the known vocabulary"),
    doc: RuleDoc {
        what: &Text::from_static("状態の値が、稼働(稼働中・稼動・使用中・運用中)/停止(休止・予備・保管・貸出中・修理中・未使用)/廃棄(廃棄済・撤去・返却)のどれでもありません。", "The status is none of active (稼働, 稼働中, 稼動, 使用中, 運用中), inactive (停止, 休止, 予備, 保管, 貸出中, 修理中, 未使用) or retired (廃棄, 廃棄済, 撤去, 返却)."),
        why: &Text::from_static("状態で、廃棄済み機器をIP・OSの判定から外し、停止中の機器の重大度を下げています。読めない状態では正しく判定できません。", "Status exempts retired devices from IP/OS checks and softens findings for inactive ones; an unknown status defeats that."),
        example: &Text::from_static("「確認中」「?」。", "「確認中」 (being checked)."),
        fix: &Text::from_static("稼働 / 停止 / 廃棄 のいずれかにしてください(詳しい事情は備考へ)。", "Use 稼働 / 停止 / 廃棄 and put details in 備考."),
    },
};

/// This family's rules, in code order.
pub static RULES: &[&Rule] = &[&F001, &F002, &D001, &D002, &S001];

pub fn check(ledger: &Ledger<'_>, ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let required = |f: Field| {
        matches!(f.role(), FieldRole::Core | FieldRole::Recommended)
            || ctx.settings.required_fields.contains(&f)
    };
    for sheet in &ledger.sheets {
        let name = sheet.name();
        let present: Vec<(Field, u32)> = sheet.layout.fields().collect();
        for device in &sheet.devices {
            let row = device.row_index();
            for &(field, col) in &present {
                let value = sheet.field(device, field);
                let Some(value) = value else {
                    let exempt = field == Field::Ip && device.is_retired();
                    if required(field) && !exempt {
                        out.push(
                            Finding::new(
                                &F001,
                                Text::new(
                                    format!("「{}」が空欄です。該当しない場合は「-」を記入してください。", field.label()),
                                    format!("{} is blank. Write 「-」 if it does not apply.", field.label_en()),
                                ),
                            )
                            .at(name, row, col)
                            .field(field),
                        );
                    }
                    continue;
                };
                let text = value.as_text();
                if let Some(t) = text {
                    if field != Field::Ip && field != Field::Note && is_placeholder(t) {
                        out.push(
                            Finding::new(
                                &F002,
                                Text::new(
                                    format!("「{}」に記入例のような値「{t}」が残っています。実際の値に書き換えてください。", field.label()),
                                    format!("{} holds placeholder text 「{t}」. Replace it with the real value.", field.label_en()),
                                ),
                            )
                            .at(name, row, col)
                            .field(field)
                            .value(t),
                        );
                        continue;
                    }
                    if is_not_applicable(t) {
                        continue;
                    }
                }
                match field {
                    Field::Registered => check_date(name, row, col, value, ctx, out),
                    Field::Status if device.status.is_none() => {
                        let shown = value.display();
                        out.push(
                            Finding::new(
                                &S001,
                                Text::new(
                                    format!("状態「{shown}」は既定の語彙にありません。稼働 / 停止 / 廃棄 のいずれかにしてください。"),
                                    format!("Status 「{shown}」 is not in the vocabulary. Use 稼働 (active) / 停止 (inactive) / 廃棄 (retired)."),
                                ),
                            )
                            .at(name, row, col)
                            .field(field)
                            .value(shown),
                        );
                    }
                    _ => {}
                }
            }
        }
    }
}

fn check_date(
    sheet: &str,
    row: u32,
    col: u32,
    value: FieldValue<'_>,
    ctx: &Context<'_>,
    out: &mut Vec<Finding>,
) {
    let shown = value.display();
    match value.date() {
        Ok(date) if date > ctx.as_of => out.push(
            Finding::new(
                &D002,
                Text::new(
                    format!(
                        "登録日「{shown}」が基準日({})より後です。日付を確認してください。",
                        ctx.as_of
                    ),
                    format!(
                        "Registration date 「{shown}」 is after the as-of date ({}). Check it.",
                        ctx.as_of
                    ),
                ),
            )
            .at(sheet, row, col)
            .field(Field::Registered)
            .value(shown),
        ),
        Ok(_) => {}
        Err(e) => {
            let Text { ja, en } = match e {
                DateError::DoesNotExist => {
                    const { &Text::from_static("存在しない日付です", "does not exist") }
                }
                DateError::Unreadable => {
                    const {
                        &Text::from_static("日付として読めません", "cannot be read as a date")
                    }
                }
            };
            out.push(
                Finding::new(
                    &D001,
                    Text::new(
                        format!(
                            "「{shown}」は{ja}。2024/4/1 や 令和6年4月1日 の形で入力してください。"
                        ),
                        format!(
                            "「{shown}」 {en}. Enter a date such as 2024/4/1 or 令和6年4月1日."
                        ),
                    ),
                )
                .at(sheet, row, col)
                .field(Field::Registered)
                .value(shown),
            );
        }
    }
}

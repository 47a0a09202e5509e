//! S002: a device row struck through (取り消し線) whose 状態 does not say 廃棄.

use super::{Context, Finding, Fix, Rule, RuleDoc};
use crate::layout::Field;
use crate::ledger::{Ledger, Status};
use crate::{Severity, Text};

pub static S002: Rule = Rule {
    code: "S002",
    name: "struck-through-device",
    severity: Severity::Info,
    summary: Text::from_static("取り消し線で廃棄を示している行(状態に「廃棄」とない)", "a device row struck through instead of 廃棄 in its status"),
    doc: RuleDoc {
        what: &Text::from_static("管理番号(または行全体)に取り消し線が引かれていますが、状態は「廃棄」になっていません。daicho はこの機器を廃棄済みとして扱います(IPアドレスの重複やOSのサポート期限の判定から外します)。", "The management number (or the whole row) is struck through but the status does not say 廃棄. daicho treats the device as retired (it is left out of the duplicate-IP and OS-support checks)."),
        why: &Text::from_static("取り消し線は見た目だけの印で、CSVへの書き出しや並べ替え・集計では失われ、他の人やツールには廃棄済みと伝わりません。状態の列に言葉で書けば、台帳だけで機器の状態が分かります。", "Strike-through is formatting only: it is lost in CSV exports, sorting and counting, and other people and tools do not read it as retired. Writing it in the status column makes the ledger say so in words."),
        example: &Text::from_static("管理番号「PC-012」に取り消し線、状態は「稼働」。", "「PC-012」 struck through while its status says 稼働 (active)."),
        fix: &Text::from_static("状態に「廃棄」と書いてください(取り消し線は残してもかまいません)。廃棄していない機器なら取り消し線を外してください。", "Write 廃棄 in the status column (the strike-through may stay). If the device is not retired, remove the strike-through."),
    },
};

/// This family's rules, in code order.
pub static RULES: &[&Rule] = &[&S002];

pub fn check(ledger: &Ledger<'_>, _ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for sheet in &ledger.sheets {
        let status_col = sheet.layout.col(Field::Status);
        let id_col = sheet.layout.col(Field::Id);
        for device in &sheet.devices {
            if !device.struck || device.status == Some(Status::Retired) {
                continue;
            }
            let row = device.row.index;
            let finding = Finding::new(
                &S002,
                Text::new(
                    "この行は取り消し線で廃棄を示しているため、廃棄済みとして扱いました。状態に「廃棄」と書いてください。",
                    "This row is struck through, so it was treated as retired. Write 廃棄 in its status column.",
                ),
            );
            let finding = match (status_col, id_col) {
                (Some(col), _) => finding
                    .at(sheet.name(), row, col)
                    .field(Field::Status)
                    // Unsafe: the strike-through may mean something else; a person decides.
                    .fix(Fix::unsafe_edit("廃棄")),
                (None, Some(col)) => {
                    let (row, col) = device.cell_of(col);
                    finding.at(sheet.name(), row, col).field(Field::Id)
                }
                (None, None) => {
                    let col = device.row.cells.first().map_or(0, |(c, _)| *c);
                    finding.at(sheet.name(), row, col)
                }
            };
            out.push(match sheet.text(device, Field::Status) {
                Some(status) => finding.value(status.as_ref()),
                None => finding,
            });
        }
    }
}

//! X001–X002: acknowledgements that acknowledge nothing, or cannot be read.
//!
//! Their documentation lives here with every other rule's; the check itself is the suppression
//! pass ([`crate::suppress`]), which is the only place that knows what was acknowledged.

use super::{Rule, RuleDoc};
use crate::Severity;
use crate::Text;

pub static X001: Rule = Rule {
    code: "X001",
    name: "unused-exception",
    severity: Severity::Info,
    summary: Text::from_static("該当する指摘のない例外・daicho:ignore", "an exception or daicho:ignore marker that matches no finding"),
    doc: RuleDoc {
        what: &Text::from_static("daicho.toml の [[exceptions]] や備考欄の「daicho:ignore」が、どの指摘にも当たっていません。", "A daicho.toml [[exceptions]] entry or a daicho:ignore marker in a 備考 cell matches no finding."),
        why: &Text::from_static("問題が解消した後も例外が残っていると、同じ機器で別の問題が起きたときに気づけません。管理番号やルールコードの誤記で、例外が効いていない可能性もあります。", "Stale exceptions hide the next problem on the same device, and a typo in the management number or rule code means the exception does nothing."),
        example: &Text::from_static("PC-014 を更新したのに [[exceptions]] id = \"PC-014\", rules = [\"OS001\"] が残っている。", "PC-014 was upgraded but [[exceptions]] id = \"PC-014\", rules = [\"OS001\"] is still there."),
        fix: &Text::from_static("問題が解消していれば例外(または備考の daicho:ignore)を削除してください。まだ必要なら管理番号とルールコードを確認してください。", "Remove the exception (or the daicho:ignore marker) if the problem is fixed; otherwise check the management number and rule code."),
    },
};

pub static X002: Rule = Rule {
    code: "X002",
    name: "invalid-suppression",
    severity: Severity::Warning,
    summary: Text::from_static("理由やルールコードのない daicho:ignore", "a daicho:ignore marker without a reason or with an unknown rule code"),
    doc: RuleDoc {
        what: &Text::from_static("備考欄の「daicho:ignore」に理由がない、ルールコードがない、または存在しないルールコードが書かれています。この記述は適用されません。", "A daicho:ignore marker in a 備考 cell lacks a reason or a rule code, or names an unknown rule. It is not applied."),
        why: &Text::from_static("理由のない例外は、後から見た人が妥当か判断できません(立入検査でも説明が必要です)。", "An acknowledgement without a reason cannot be reviewed later, e.g. at an inspection."),
        example: &Text::from_static("「daicho:ignore OS001」(理由なし)、「daicho:ignore OS01 更新予定」(コードの誤記)。", "「daicho:ignore OS001」 (no reason), 「daicho:ignore OS01 upgrade planned」 (typo)."),
        fix: &Text::from_static("「daicho:ignore OS001 検査装置メーカーの指定OSのため」のように、ルールコードと理由を書いてください。", "Write the rule code and the reason: 「daicho:ignore OS001 vendor-mandated OS」."),
    },
};

/// This family's rules, in code order.
pub static RULES: &[&Rule] = &[&X001, &X002];

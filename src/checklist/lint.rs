//! C001–C007: checklist rules. They read the checklist as `read` understood it and the ledger
//! evidence `derive` produced; never raw cells.

use super::derive::Evidence;
use super::parse::{Answer, DateValue};
use super::read::{ChecklistSheet, ItemRow, RoundCells};
use crate::rules::{Finding, Rule, RuleDoc};
use crate::{Severity, Text};
use chrono::NaiveDate;
use std::collections::HashSet;

pub static C001: Rule = Rule {
    code: "C001",
    name: "unanswered-item",
    severity: Severity::Error,
    summary: Text::from_static("チェックリストの項目に1回目の回答が1つに定まっていない(未回答、または「はい」「いいえ」の両方)", "a checklist item without a single first-round answer (neither, or both, of はい and いいえ)"),
    doc: RuleDoc {
        what: &Text::from_static("チェックリストの項目(対象ごとの行を含む)で、1回目の「はい」「いいえ」が選ばれていないか、両方に印があります。版の項目がシートにない場合や、2回目で両方に印がある場合も含みます。最初の質問「医療情報システムを導入、運用している。」が「いいえ」なら、他の項目は回答不要です。", "A checklist item (or one target row of it) has no first-round はい/いいえ, or both are marked. Also reported for an item of the edition missing from the sheet and for both marks in round 2. When the opening question (医療情報システムを導入、運用している。) is answered いいえ, no other item needs an answer."),
        why: &Text::from_static("立入検査では、医療機関確認用・事業者確認用のすべての項目に1回目の回答と確認日があることが確認されます。", "On-site inspections (立入検査) check that every item of the hospital and vendor forms has a first-round answer and date."),
        example: &Text::from_static("2-⑥ の「はい」「いいえ」欄がどちらも空欄。または両方に〇。", "Neither はい nor いいえ marked for 2-⑥, or both marked."),
        fix: &Text::from_static("現状を確認し、「はい」か「いいえ」のどちらか一方を選んでください。", "Check the current state and choose exactly one of はい or いいえ."),
    },
};

pub static C002: Rule = Rule {
    code: "C002",
    name: "missing-target-date",
    severity: Severity::Error,
    summary: Text::from_static("「いいえ」なのに対応目標日がない", "いいえ without a 対応目標日"),
    doc: RuleDoc {
        what: &Text::from_static("「いいえ」と答えた項目に、対応の目標日(目標日・対応予定日)が書かれていないか、日付として読めません。", "An item answered いいえ has no target date (目標日), or it cannot be read as a date."),
        why: &Text::from_static("チェックリストの記入方法では、「いいえ」の項目には年度内の目標日を記入することになっています。", "The form's instructions require a target date within the fiscal year for every いいえ."),
        example: &Text::from_static("2-⑩ 二要素認証: 「いいえ」、目標日が空欄。", "2-⑩ two-factor authentication: いいえ, target date blank."),
        fix: &Text::from_static("対応の目標日(例: 令和8年3月31日、「令和7年度中」)を記入してください。", "Write the target date (e.g. 2026/3/31, or 「令和7年度中」)."),
    },
};

pub static C003: Rule = Rule {
    code: "C003",
    name: "missing-check-date",
    severity: Severity::Error,
    summary: Text::from_static("回答に確認日がない", "an answer without its 確認日"),
    doc: RuleDoc {
        what: &Text::from_static("「はい」「いいえ」の回答に、その回の確認日が書かれていないか、日付として読めません(様式の上部に確認日欄があり記入されていれば、それを使います)。", "An answer has no check date for its round, or the date cannot be read (a filled-in 確認日 field at the top of the form counts)."),
        why: &Text::from_static("立入検査では、1回目の回答とあわせて確認日が確認されます。いつの時点の状況かが分からない回答は根拠になりません。", "Inspections check the first-round date with the answer; an undated answer says nothing about when it held."),
        example: &Text::from_static("1-① 「はい」、確認日が空欄。", "1-① はい with the date blank."),
        fix: &Text::from_static("確認した日付を記入してください(例: 2025/6/1、「6/1」)。", "Write the date you checked (e.g. 2025/6/1, or 「6/1」)."),
    },
};

pub static C004: Rule = Rule {
    code: "C004",
    name: "target-date-out-of-range",
    severity: Severity::Warning,
    summary: Text::from_static("対応目標日が基準日を過ぎている、または確認日より前", "目標日 already past at the as-of date, or earlier than its own 確認日"),
    doc: RuleDoc {
        what: &Text::from_static("「いいえ」の項目の目標日が基準日(--as-of)を過ぎているのに、その後の回で「はい」になっていません。または目標日が同じ回の確認日より前です。", "The target date of an いいえ item has passed at the as-of date without a later round answered, or it precedes the same round's check date."),
        why: &Text::from_static("期限を過ぎた目標日は、対策が遅れていることを示します。確認日より前の目標日は記入の誤りです。", "A passed target date means the measure is late; a target before the check date is a slip of the pen."),
        example: &Text::from_static("1回目「いいえ」、目標日2025/9/30、基準日2026/11/25 で2回目が空欄。", "Round 1 いいえ with target 2025/9/30, as-of 2026/11/25, round 2 blank."),
        fix: &Text::from_static("対応済みなら2回目に「はい」と確認日を、未対応なら新しい目標日を記入してください。", "If done, record はい and the date in round 2; if not, set a new target date."),
    },
};

pub static C005: Rule = Rule {
    code: "C005",
    name: "answer-contradicts-ledger",
    severity: Severity::Warning,
    summary: Text::from_static("同じブックの機器台帳と矛盾する回答", "an answer the same workbook's ledger contradicts"),
    doc: RuleDoc {
        what: &Text::from_static("「はい」の回答が、同じブック(または --ledger で指定した台帳)の機器台帳と矛盾します。2-①(台帳管理): --ledger で指定した台帳ファイルに台帳シートがない、必須列(管理番号・OS・IPアドレス)がない、管理番号が重複している。セキュリティパッチの項目(R7 2-⑥、R6 2-(7)): その対象の稼働機器にサポート終了OSがある。2-②(リモート保守): リモート保守の列があるのに未記入の機器がある。台帳シートがなく --ledger も指定されていないブックは、照合する根拠がないため報告しません。他のファイルの台帳とは照合しません。", "A はい answer is contradicted by the ledger of the same workbook (or the one given with --ledger). 2-① (ledger): no ledger sheet in the --ledger file, a core column (management number, OS, IP address) missing, or duplicate management numbers. The patch item (R7 2-⑥, R6 2-(7)): active devices of that target run an unsupported OS. 2-② (remote maintenance): the remote-maintenance column is blank for some devices. A workbook with no ledger sheet and no --ledger has no evidence, so nothing is reported. Other files of a batch are never consulted."),
        why: &Text::from_static("台帳と食い違う回答は、立入検査や監査で説明できません。台帳を直すか、回答を見直す必要があります。", "An answer the ledger contradicts cannot be defended at inspection; fix the ledger or the answer."),
        example: &Text::from_static("2-① 「はい」なのに管理番号「003」が2回ある。2-⑥ 「はい」なのに端末PCが「Win8」で稼働中。", "2-① はい while 「003」 appears twice; 2-⑥ はい while a PC runs 「Win8」."),
        fix: &Text::from_static("台帳の問題(ID001、L002、OS001など)を直すか、回答を「いいえ」にして目標日を記入してください。", "Fix the ledger findings (ID001, L002, OS001 …) or answer いいえ with a target date."),
    },
};

pub static C006: Rule = Rule {
    code: "C006",
    name: "unknown-checklist-item",
    severity: Severity::Info,
    summary: Text::from_static("項目のように見えるが、版のどの項目にも一致しない行", "a row that looks like an item but matches no item of the edition"),
    doc: RuleDoc {
        what: &Text::from_static("番号や文言から項目と思われる行が、判別した版(令和6年度版・令和7年度版など)のどの項目にも一致しません。版を判別できないシートや、daichoに文言のない版のシートでは、項目はシートの文言のまま読まれ(C008)、この情報は出ません。", "A row that looks like an item matches no item of the detected edition. A sheet whose edition is not recognised, or has no texts in daicho, is read with its own item texts instead (C008) and gets no C006."),
        why: &Text::from_static("独自に追加した項目や新しい版の項目は、daichoが照合・転記できません。", "daicho cannot check or carry over items it does not know (your own additions, a newer edition)."),
        example: &Text::from_static("令和7年度版のシートに病院が独自に追加した項目「9-⑨」。", "An item 「9-⑨」 a hospital added to its 令和7年度版 sheet."),
        fix: &Text::from_static("新しい版なら、その版の定義ファイルを --checklist FILE で指定してください(templates/checklist の書式)。独自項目ならそのままで構いません。", "For a newer edition, pass its definition with --checklist FILE (the format of templates/checklist); your own items can stay as they are."),
    },
};

pub static C007: Rule = Rule {
    code: "C007",
    name: "missing-form-field",
    severity: Severity::Warning,
    summary: Text::from_static("様式の記入欄(医療機関名、記入者など)が空欄", "a header field of the form (医療機関名, 記入者, …) is blank"),
    doc: RuleDoc {
        what: &Text::from_static("チェックリスト上部の記入欄(医療機関名、記入者など)が空欄か、欄そのものがありません。", "A header field of the checklist (医療機関名, 記入者 …) is blank or missing."),
        why: &Text::from_static("誰がどの医療機関について確認したかが分からないチェックリストは、記録として使えません。", "A checklist that does not say whose it is and who filled it in is no record."),
        example: &Text::from_static("「記入者」の右のセルが空欄。", "The cell right of 「記入者」 is blank."),
        fix: &Text::from_static("医療機関名と記入者名を記入してください。", "Fill in the institution's name and your name."),
    },
};

pub static C008: Rule = Rule {
    code: "C008",
    name: "edition-checked-by-structure",
    severity: Severity::Info,
    summary: Text::from_static("daichoに文言のない版のチェックリスト: 項目の文言は照合せず、記入の形式だけを確認", "a checklist of an edition daicho has no text for: item texts not verified, checked by structure"),
    doc: RuleDoc {
        what: &Text::from_static("シートのチェックリストは、daichoに項目の文言がない版(令和8年度版など)か、版を判別できません。シート1枚につき1回報告します。項目はシートに書かれた番号・文言・対象のまま読み、文言が公式のものかは確かめません。文言に頼らない確認(C001 未回答・両方に印、C002 目標日なし、C003 確認日なし、C004 目標日の超過、C007 記入欄の空欄)はすべて行い、台帳管理・リモートメンテナンス・セキュリティパッチの項目は文言の意味から見分けて台帳と照合します(C005)。", "The sheet's checklist is of an edition daicho has no item texts for (such as the 令和8年度版), or its edition is not recognised. Reported once per sheet. Items are read as the sheet writes them (number, text, targets); whether the texts are the official ones is not verified. Every check that needs no official text runs (C001 unanswered or both marked, C002 no target date, C003 no check date, C004 target date passed, C007 blank form fields), and the ledger, remote-maintenance and security-patch items are recognised by their meaning and checked against the ledger (C005)."),
        why: &Text::from_static("新しい版が出ても、未回答や日付の漏れは立入検査で指摘されます。文言の照合ができないことを明示したうえで、形式の確認は続けます。", "A new edition does not stop an inspection from finding unanswered items or missing dates; daicho says it cannot verify the texts and checks the form anyway."),
        example: &Text::from_static("タイトルに「令和8年度版」とあるチェックリスト(daichoに令和8年度版の文言がない)。", "A checklist titled 令和8年度版 (daicho has no 令和8年度版 texts)."),
        fix: &Text::from_static("対応は不要です。文言も照合するには、公式の様式(xlsx)から `daicho edition import 様式.xlsx -o r8.toml` で版の定義を作り、`--checklist r8.toml`(または daicho.toml の [checklist])で指定してください。", "Nothing to fix. To verify the texts too, make the edition's definition from the official form with `daicho edition import FORM.xlsx -o r8.toml` and pass it with `--checklist r8.toml` (or name it in daicho.toml [checklist])."),
    },
};

pub static C009: Rule = Rule {
    code: "C009",
    name: "answer-target-not-in-edition",
    severity: Severity::Info,
    summary: Text::from_static("回答のある行の対象が、版のその項目の対象にない(回答はそのまま残す)", "an answered row whose 対象 is not one of the edition's targets for its item (the answer is kept)"),
    doc: RuleDoc {
        what: &Text::from_static("項目の行に回答がありますが、その行の「対象」(サーバ、端末PC、ネットワーク機器、全般)が、判別した版のその項目の対象にありません。または同じ項目に対象の読み取れない行が2つ以上あります。回答は消さず、記入済みシートではその項目の下にそのまま転記します。", "An item row is answered, but its 対象 (target) is not one of the targets the detected edition gives that item, or the item has a second row whose target cannot be read. The answer is never dropped: the filled-in sheet keeps it as typed under the item."),
        why: &Text::from_static("版によって対象の分け方が違います(例: 令和7年度版ではパッチの項目が「医療情報システム全般」)。人の回答を黙って落とすと、記録が失われます。", "Editions split targets differently (in R7 the patch item is 医療情報システム全般); silently dropping a human answer would lose the record."),
        example: &Text::from_static("令和7年度版の2-⑥(全般)に「サーバ」「端末PC」の2行で回答している。", "R7 2-⑥ (all systems) answered in two rows, サーバ and 端末PC."),
        fix: &Text::from_static("版の対象に合わせて回答をまとめ直すか、そのままで構いません(情報のみ)。", "Regroup the answers by the edition's targets, or leave them (information only)."),
    },
};

/// This family's rules, in code order.
pub static RULES: &[&Rule] = &[
    &C001, &C002, &C003, &C004, &C005, &C006, &C007, &C008, &C009,
];
/// C009: answered rows no answer slot of the edition takes (kept as typed by `render`).
fn check_unplaced(cs: &ChecklistSheet, edition: &super::Edition, out: &mut Vec<Finding>) {
    for (index, item) in edition.items.iter().enumerate() {
        for row in super::slots::unplaced_rows(cs, edition, index) {
            let Text { ja, en } = super::slots::targets_text(row);
            let col = row.rounds[0]
                .answer_col
                .or(row.rounds[1].answer_col)
                .unwrap_or(row.col);
            out.push(
                Finding::new(
                    &C009,
                    Text::new(
                        format!("項目{}の対象「{ja}」の回答は、この版({})のその項目の対象({})にありません。回答は消さず、記入済みシートにそのまま転記します。", item.number, edition.display_name(), item_targets(item, edition.per_target)),
                        format!("Item {}: the answer for {en} is not one of the item's targets in {}; it is kept as typed in the filled-in sheet.", item.number, edition.display_name()),
                    ),
                )
                .at(&cs.name, row.row, col),
            );
        }
    }
}

fn item_targets(item: &super::edition::Item, per_target: bool) -> String {
    match item.slots(per_target).as_slice() {
        [None] if item.targets.is_empty() => "項目全体".to_string(),
        [None] => item.targets_label(),
        slots => slots
            .iter()
            .flatten()
            .map(|t| t.label())
            .collect::<Vec<_>>()
            .join("、"),
    }
}

/// How a row is named in messages: 「2-① サーバ、端末PC…」(サーバ).
fn row_label(cs: &ChecklistSheet, row: &ItemRow) -> Text {
    let ed_item = cs.edition.as_ref().zip(row.item).map(|(e, i)| &e.items[i]);
    let number = ed_item
        .map(|i| i.number.clone())
        .or_else(|| row.number.clone())
        .unwrap_or_default();
    let text = ed_item
        .map(|i| i.text.clone())
        .or_else(|| row.text.clone())
        .unwrap_or_default();
    let short: String = text.chars().take(24).collect();
    let ellipsis = if text.chars().count() > 24 { "…" } else { "" };
    let targets = if row.targets.is_empty() {
        String::new()
    } else {
        format!(
            "({})",
            row.targets
                .iter()
                .map(|t| t.label())
                .collect::<Vec<_>>()
                .join("・")
        )
    };
    let targets_en = if row.targets.is_empty() {
        String::new()
    } else {
        format!(
            " ({})",
            row.targets
                .iter()
                .map(|t| t.label_en())
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    Text::new(
        format!("項目{number}「{short}{ellipsis}」{targets}"),
        format!("Item {number}{targets_en}"),
    )
}

fn round_name(rd: usize) -> &'static Text {
    if rd == 0 {
        const { &Text::from_static("1回目", "round 1") }
    } else {
        const { &Text::from_static("2回目", "round 2") }
    }
}

/// Lints one checklist sheet.
pub fn check_sheet(
    cs: &ChecklistSheet,
    evidence: &Evidence,
    as_of: NaiveDate,
    out: &mut Vec<Finding>,
) {
    let name = cs.name.as_str();
    check_fields(cs, out);
    let Some(edition) = cs.edition.as_ref() else {
        let (why_ja, why_en) = match &cs.named_edition {
            Some(n) => (
                format!("{n}版のチェックリストの定義がないため"),
                format!("daicho has no definition of the {n} edition"),
            ),
            None => (
                "どの版のチェックリストか判別できないため".to_string(),
                "the checklist's edition is not recognised".to_string(),
            ),
        };
        for row in cs.rows.iter().filter(|r| !r.sub_row) {
            let Text { ja, en } = row_label(cs, row);
            out.push(
                Finding::new(
                    &C006,
                    Text::new(
                        format!("{ja}: {why_ja}、項目を照合できません(回答は転記しません)。その版の定義ファイルを --checklist FILE で指定してください。"),
                        format!("{en}: {why_en}, so the item cannot be checked (answers are not carried over). Pass the edition's definition with --checklist FILE."),
                    ),
                )
                .at(name, row.row, row.col)
                .value(row.text.clone().unwrap_or_default()),
            );
        }
        return;
    };

    if edition.from_sheet {
        let text = match &cs.named_edition {
            Some(n) => Text::new(
                format!("{n}版のチェックリスト: daichoにこの版の項目の文言がないため、文言は照合せず、記入の形式(回答・確認日・目標日・記入欄)だけを確認しました。文言も照合するには `daicho edition import` で様式から版の定義を作り、--checklist FILE で指定してください。"),
                format!("A {n} checklist: daicho has no item texts for this edition, so item texts are not verified; the sheet was checked by structure (answers, check and target dates, form fields). To verify the texts, make the edition's definition from the form with `daicho edition import` and pass it with --checklist FILE."),
            ),
            None => Text::from_static(
                "版を判別できないチェックリスト: 項目の文言は照合せず、記入の形式(回答・確認日・目標日・記入欄)だけを確認しました。版の定義は `daicho edition import` で様式から作り、--checklist FILE で指定できます。",
                "A checklist of an edition daicho does not recognise: item texts are not verified; the sheet was checked by structure (answers, check and target dates, form fields). Make the edition's definition from the form with `daicho edition import` and pass it with --checklist FILE.",
            ),
        };
        let first = cs
            .rows
            .first()
            .map_or((cs.first_row, 0), |r| (r.row, r.col));
        out.push(
            Finding::new(&C008, text)
                .at(name, first.0, first.1)
                .value(edition.name.clone()),
        );
    }

    // The gate question.
    if let Some(g) = &cs.gate {
        let r = &g.rounds[0];
        if !r.answer.is_single() {
            out.push(
                Finding::new(
                    &C001,
                    Text::new(
                        format!("最初の質問「{}」に「はい」か「いいえ」の一方を回答してください。", edition.gate.as_ref().map(|x| x.text.as_str()).unwrap_or("医療情報システムを導入、運用している。")),
                        "Answer the opening question (医療情報システムを導入、運用している。) with exactly one of はい or いいえ.".to_string(),
                    ),
                )
                .at(name, g.row, r.answer_col.unwrap_or(g.col))
                .value(r.answer.label()),
            );
        }
    }
    check_unplaced(cs, edition, out);
    let gate_no = cs.gate_says_no();

    for row in &cs.rows {
        let Some(item_index) = row.item else {
            if !row.sub_row {
                let Text { ja, en } = row_label(cs, row);
                out.push(
                    Finding::new(
                        &C006,
                        Text::new(
                            format!("{ja}は{}のどの項目にも一致しません。独自の項目ならそのままで構いません。新しい版なら --checklist FILE で定義を指定してください。", edition.display_name()),
                            format!("{en} matches no item of {}. Keep it if it is your own item; for a newer edition pass its definition with --checklist FILE.", edition.display_name()),
                        ),
                    )
                    .at(name, row.row, row.col)
                    .value(row.text.clone().unwrap_or_default()),
                );
            }
            continue;
        };
        if gate_no {
            continue;
        }
        let header_date = cs.header_check_date();
        for rd in 0..2 {
            let later_answered = rd == 0 && row.rounds[1].answer.is_single();
            check_round(cs, row, rd, header_date, later_answered, as_of, out);
        }
        // C005: the latest answer against the ledger.
        let item = &edition.items[item_index];
        if let Some(tag) = item.tag {
            let latest = if row.rounds[1].answer.is_single() {
                1
            } else {
                0
            };
            let r = &row.rounds[latest];
            if r.answer == Answer::Yes {
                if let Some(why) = evidence
                    .for_item(tag, &row.targets)
                    .and_then(|e| e.contradiction)
                {
                    let Text { ja, en } = row_label(cs, row);
                    out.push(
                        Finding::new(
                            &C005,
                            Text::new(
                                format!("{ja}は「はい」ですが、台帳と矛盾します: {}。台帳を直すか、回答を見直してください。", why.ja),
                                format!("{en} is answered yes, but the ledger contradicts it: {}. Fix the ledger or revise the answer.", why.en),
                            ),
                        )
                        .at(name, row.row, r.answer_col.unwrap_or(row.col))
                        .value("はい"),
                    );
                }
            }
        }
    }

    if gate_no {
        return;
    }
    // Items of the edition missing from the sheet (or missing one of their target rows).
    for (i, item) in edition.items.iter().enumerate() {
        let rows: Vec<&ItemRow> = cs.rows.iter().filter(|r| r.item == Some(i)).collect();
        if rows.is_empty() {
            if item.unverified {
                continue;
            }
            out.push(
                Finding::new(
                    &C001,
                    Text::new(
                        format!(
                            "{}の項目{}「{}」がシートにありません。行を追加して回答してください。",
                            edition.display_name(),
                            item.number,
                            item.text
                        ),
                        format!(
                            "Item {} of {} is missing from the sheet. Add it and answer it.",
                            item.number,
                            edition.display_name()
                        ),
                    ),
                )
                .in_sheet(name),
            );
            continue;
        }
        if rows
            .iter()
            .any(|r| r.targets.is_empty() || r.targets.contains(&super::parse::Target::All))
        {
            continue;
        }
        let covered: HashSet<_> = rows
            .iter()
            .flat_map(|r| r.targets.iter().copied())
            .collect();
        for slot in item.slots(edition.per_target).into_iter().flatten() {
            if slot != super::parse::Target::All && !covered.contains(&slot) {
                out.push(
                    Finding::new(
                        &C001,
                        Text::new(
                            format!("項目{}の対象「{}」の回答欄がありません。対象ごとに回答してください。", item.number, slot.label()),
                            format!("Item {} has no answer row for {}. Answer each target.", item.number, slot.label_en()),
                        ),
                    )
                    .at(name, rows[0].row, rows[0].col),
                );
            }
        }
    }
}

fn check_round(
    cs: &ChecklistSheet,
    row: &ItemRow,
    rd: usize,
    header_date: Option<NaiveDate>,
    later_answered: bool,
    as_of: NaiveDate,
    out: &mut Vec<Finding>,
) {
    let name = cs.name.as_str();
    let r: &RoundCells = &row.rounds[rd];
    let Text { ja, en } = row_label(cs, row);
    let Text { ja: rj, en: re } = round_name(rd);
    let answer_cell = r.answer_col.unwrap_or(row.col);
    match &r.answer {
        Answer::None if rd == 0 => {
            out.push(
                Finding::new(
                    &C001,
                    Text::new(
                        format!(
                            "{ja}に{rj}の回答がありません。「はい」か「いいえ」を選んでください。"
                        ),
                        format!("{en} has no {re} answer. Choose はい or いいえ."),
                    ),
                )
                .at(name, row.row, answer_cell),
            );
            return;
        }
        Answer::None => return,
        Answer::Both => {
            out.push(
                Finding::new(
                    &C001,
                    Text::new(
                        format!("{ja}の{rj}は「はい」と「いいえ」の両方に印があります。どちらか一方にしてください。"),
                        format!("{en}: both はい and いいえ are marked in {re}. Keep exactly one."),
                    ),
                )
                .at(name, row.row, answer_cell)
                .value("はい・いいえ"),
            );
            return;
        }
        Answer::Unreadable(raw) => {
            out.push(
                Finding::new(
                    &C001,
                    Text::new(
                        format!("{ja}の{rj}の回答「{raw}」を「はい」「いいえ」として読めません。どちらかを記入してください。"),
                        format!("{en}: the {re} answer 「{raw}」 is neither はい nor いいえ. Write one of them."),
                    ),
                )
                .at(name, row.row, answer_cell)
                .value(raw.clone()),
            );
            return;
        }
        Answer::NotApplicable => return,
        Answer::Yes | Answer::No => {}
    }
    // C003: the check date.
    let check_cell = r.check_col.unwrap_or(answer_cell);
    let check = match &r.check {
        DateValue::Date(d) => Some(*d),
        DateValue::Blank => {
            // A form-level 確認日 covers items only where the form has no per-item date column;
            // a blank cell in a 確認日 column is an item without its date.
            if header_date.is_none() || r.check_col.is_some() {
                out.push(
                    Finding::new(
                        &C003,
                        Text::new(
                            format!("{ja}の{rj}の回答に確認日がありません。確認した日付を記入してください。"),
                            format!("{en}: the {re} answer has no check date. Write the date you checked."),
                        ),
                    )
                    .at(name, row.row, check_cell),
                );
            }
            header_date
        }
        DateValue::Unreadable(raw) => {
            out.push(
                Finding::new(
                    &C003,
                    Text::new(
                        format!(
                            "{ja}の{rj}の確認日「{raw}」を日付として読めません。例: 2025/6/1。"
                        ),
                        format!(
                            "{en}: the {re} check date 「{raw}」 is not a date (e.g. 2025/6/1)."
                        ),
                    ),
                )
                .at(name, row.row, check_cell)
                .value(raw.clone()),
            );
            None
        }
    };
    if r.answer != Answer::No {
        return;
    }
    // C002 / C004: the target date of an いいえ.
    let target_cell = r.target_col.unwrap_or(answer_cell);
    match &r.target {
        DateValue::Blank => out.push(
            Finding::new(
                &C002,
                Text::new(
                    format!("{ja}は{rj}が「いいえ」ですが、対応目標日がありません。年度内の目標日を記入してください。"),
                    format!("{en} is いいえ in {re} but has no target date. Write a target date within the fiscal year."),
                ),
            )
            .at(name, row.row, target_cell),
        ),
        DateValue::Unreadable(raw) => out.push(
            Finding::new(
                &C002,
                Text::new(
                    format!("{ja}の{rj}の目標日「{raw}」を日付として読めません。例: 2026/3/31、「令和7年度中」。"),
                    format!("{en}: the {re} target date 「{raw}」 is not a date (e.g. 2026/3/31, or 「令和7年度中」)."),
                ),
            )
            .at(name, row.row, target_cell)
            .value(raw.clone()),
        ),
        DateValue::Date(t) => {
            let before_check = check.is_some_and(|c| *t < c);
            let past = *t < as_of && !later_answered;
            if before_check || past {
                let (why_ja, why_en) = if before_check {
                    (
                        format!("確認日{}より前です", check.map(|c| c.format("%Y/%m/%d").to_string()).unwrap_or_default()),
                        format!("precedes the check date {}", check.map(|c| c.to_string()).unwrap_or_default()),
                    )
                } else {
                    (format!("基準日{}の時点で過ぎています", as_of.format("%Y/%m/%d")), format!("has passed at the as-of date {as_of}"))
                };
                out.push(
                    Finding::new(
                        &C004,
                        Text::new(
                            format!("{ja}の{rj}の目標日{}は{why_ja}。対応済みなら次の回に「はい」と確認日を、未対応なら新しい目標日を記入してください。", t.format("%Y/%m/%d")),
                            format!("{en}: the {re} target date {t} {why_en}. If done, record はい and the date in the next round; if not, set a new target date."),
                        ),
                    )
                    .at(name, row.row, target_cell)
                    .value(t.format("%Y/%m/%d").to_string()),
                );
            }
        }
    }
}

/// C007: the form's header fields.
fn check_fields(cs: &ChecklistSheet, out: &mut Vec<Finding>) {
    let name = cs.name.as_str();
    for f in &cs.fields {
        if !f.is_blank() {
            continue;
        }
        match (f.label_at, f.value_at) {
            (Some(_), Some((r, c))) => {
                // A blank date field only matters where it stands in for per-item dates.
                if !f.required && f.date && cs.has_check_col[0] {
                    continue;
                }
                out.push(
                    Finding::new(
                        &C007,
                        Text::new(
                            format!("チェックリストの「{}」が空欄です。記入してください。", f.label),
                            format!("The checklist's 「{}」 field is blank. Fill it in.", f.label),
                        ),
                    )
                    .at(name, r, c),
                );
            }
            // An edition read by its structure may name its fields differently.
            _ if f.required && cs.edition.as_ref().is_some_and(|e| !e.from_sheet) => out.push(
                Finding::new(
                    &C007,
                    Text::new(
                        format!("チェックリストに「{}」の欄がありません。シートの上部に「{}」と記入欄を設けてください。", f.label, f.label),
                        format!("The checklist has no 「{}」 field. Add it at the top of the sheet.", f.label),
                    ),
                )
                .at(name, cs.first_row, 0),
            ),
            _ => {}
        }
    }
}

//! OS001–OS004: operating systems past or near their end of support, or not judgeable.

use super::{Context, Finding, Rule, RuleDoc};
use crate::layout::Field;
use crate::ledger::os::OsVerdict;
use crate::ledger::{Ledger, Status};
use crate::text::{is_not_applicable, is_placeholder};
use crate::{Severity, Text};

pub static OS001: Rule = Rule {
    code: "OS001",
    name: "os-end-of-support",
    severity: Severity::Error,
    summary: ("OSのサポートが終了している", "support ended before the as-of date"),
    doc: RuleDoc {
        what: (
            "稼働中の機器のOSが、基準日より前にセキュリティ更新の提供を終えています(停止中の機器は警告、廃棄済みは対象外)。",
            "An active device runs an OS whose security support ended before the as-of date (inactive devices: warning; retired: exempt).",
        ),
        why: (
            "サポートが終了したOSには修正プログラムが出ません。チェックリストのセキュリティパッチの項目(R7: 2-⑥、R6: 2-(7))を「はい」と答えられない状態です。",
            "An unsupported OS receives no patches, so the patch item of the checklist (R7 2-⑥, R6 2-(7)) cannot honestly be 'yes'.",
        ),
        example: ("「Win8」(2016-01-12終了)、「Windows Server 2012 R2」(2023-10-10終了)。", "「Win8」 (ended 2016-01-12), 「Windows Server 2012 R2」 (ended 2023-10-10)."),
        fix: (
            "更新(アップグレード・機器更新)を計画してください。すぐにできない場合はネットワークから切り離す等の対策と理由を記録し、有償の延長サポート(ESU)契約があれば daicho.toml で宣言してください。",
            "Plan the upgrade or replacement. Until then isolate the device and record why; declare paid extended support (ESU) in daicho.toml if you have it.",
        ),
    },
};

pub static OS002: Rule = Rule {
    code: "OS002",
    name: "os-support-ending",
    severity: Severity::Warning,
    summary: ("OSのサポート終了が近い(既定180日以内)", "support ends within the warning window (default 180 days)"),
    doc: RuleDoc {
        what: ("OSのサポート終了日が、基準日から警告期間(既定180日、[os] warning_days)以内です。", "The OS's end of support falls within the warning window after the as-of date (default 180 days, [os] warning_days)."),
        why: ("機器の更新には予算と時間がかかります。終了前に計画を立てる必要があります。", "Replacing systems takes budget and time; plan before support ends."),
        example: ("基準日2026-11-25に「Windows Server 2016」(2027-01-12終了)。", "「Windows Server 2016」 (ends 2027-01-12) at as-of 2026-11-25."),
        fix: ("更新計画を立て、チェックリストの対応目標日に反映してください。", "Plan the upgrade and reflect it in the checklist's target dates."),
    },
};

pub static OS003: Rule = Rule {
    code: "OS003",
    name: "unknown-os",
    severity: Severity::Info,
    summary: ("OSを認識できずサポート期限を判定できない", "the OS text is not recognised"),
    doc: RuleDoc {
        what: ("OS欄の値を既知の製品として認識できず、サポート期限を判定できません。ネットワーク機器のファームウェア(Cisco IOS、FortiOS、YAMAHA RTX等)もここに入ります。", "The OS is not recognised, so support cannot be judged; network firmware (Cisco IOS, FortiOS, Yamaha RTX …) lands here too."),
        why: ("判定できないOSは、サポート切れでも気づけません。", "An unrecognised OS may be unsupported without anyone noticing."),
        example: ("「独自OS」「Cisco IOS 15.2」。", "「独自OS」, 「Cisco IOS 15.2」."),
        fix: ("製品名とバージョンを正確に書くか、daicho.toml の [os] に製品とサポート終了日を追加してください。", "Write the exact product and version, or add the product and its end date under [os] in daicho.toml."),
    },
};

pub static OS004: Rule = Rule {
    code: "OS004",
    name: "os-version-unspecified",
    severity: Severity::Info,
    summary: ("バージョンやエディションがなくサポートを判定できない", "the family is known but the version or edition decides support"),
    doc: RuleDoc {
        what: ("OSの種類は分かりますが、サポート期限を決めるバージョン(Windows 11 の 24H2/25H2 など)やエディションが書かれていません。", "The OS family is known but the version or edition that decides support (e.g. Windows 11 24H2/25H2) is missing."),
        why: ("Windows 11 は機能更新プログラムごとに期限が違い、古いバージョンのままの端末はすでにサポート外です。", "Windows 11 support depends on the feature update; devices left on old ones are already unsupported."),
        example: ("「Windows 11」「Windows 11 Pro」「iPadOS」。", "「Windows 11」, 「Windows 11 Pro」, 「iPadOS」."),
        fix: ("「winver」で表示されるバージョンまで記入してください(例: Windows 11 Pro 24H2)。", "Write the version winver shows (e.g. Windows 11 Pro 24H2)."),
    },
};

/// This family's rules, in code order.
pub static RULES: &[&Rule] = &[&OS001, &OS002, &OS003, &OS004];

pub fn check(ledger: &Ledger<'_>, ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let table = &ctx.settings.os_table;
    let window = chrono::Days::new(ctx.settings.os_warning_days);
    let warn_until = ctx
        .as_of
        .checked_add_days(window)
        .unwrap_or(chrono::NaiveDate::MAX);
    // A ledger repeats a handful of OS spellings over thousands of rows: judge each once.
    let mut verdicts: std::collections::HashMap<String, OsVerdict> = Default::default();
    for sheet in &ledger.sheets {
        let Some(col) = sheet.layout.col(Field::Os) else {
            continue;
        };
        let name = sheet.name();
        for device in &sheet.devices {
            if device.is_retired() {
                continue;
            }
            let Some(raw) = sheet.text(device, Field::Os) else {
                continue;
            };
            if is_not_applicable(&raw) || is_placeholder(&raw) {
                continue;
            }
            let row = device.row_index();
            let inactive = device.status == Some(Status::Inactive);
            let here = |rule: &'static Rule, ja: String, en: String| {
                Finding::new(rule, Text::new(ja, en))
                    .at(name, row, col)
                    .field(Field::Os)
                    .value(raw.as_ref())
            };
            if !verdicts.contains_key(raw.as_ref()) {
                verdicts.insert(raw.to_string(), table.judge(&raw));
            }
            match &verdicts[raw.as_ref()] {
                OsVerdict::Known(rel) => {
                    let esu = rel.extended.filter(|_| {
                        sheet
                            .text(device, Field::Id)
                            .is_some_and(|id| ctx.settings.esu_ids.contains(&crate::ledger::id::match_key(&id)))
                    });
                    let end = esu.unwrap_or(rel.eol);
                    let (ja_esu, en_esu) = if esu.is_some() { ("延長サポート(ESU等)", "Extended support (ESU etc.)") } else { ("サポート", "Support") };
                    let (note_ja, note_en) = rel
                        .note
                        .as_ref()
                        .map(|n| (format!(" {}", n.ja), format!(" {}", n.en)))
                        .unwrap_or_default();
                    let unverified = if rel.unverified { ("(期限は未検証のデータです)", " (date not verified)") } else { ("", "") };
                    if end < ctx.as_of {
                        let mut f = here(
                            &OS001,
                            format!("OS「{raw}」({})の{ja_esu}は{end}に終了しています{}。更新を計画し、それまでの対策を記録してください。{note_ja}", rel.name, unverified.0),
                            format!("{en_esu} for 「{raw}」 ({}) ended on {end}{}. Plan the upgrade and record interim measures.{note_en}", rel.name, unverified.1),
                        );
                        if inactive {
                            f = f.on_inactive_device();
                        }
                        out.push(f);
                    } else if end <= warn_until {
                        let mut f = here(
                            &OS002,
                            format!("OS「{raw}」({})の{ja_esu}は{end}に終了します{}。更新を計画してください。{note_ja}", rel.name, unverified.0),
                            format!("{en_esu} for 「{raw}」 ({}) ends on {end}{}. Plan the upgrade.{note_en}", rel.name, unverified.1),
                        );
                        if inactive {
                            f = f.on_inactive_device();
                        }
                        out.push(f);
                    }
                }
                OsVerdict::Unspecified { family, note } => out.push(here(
                    &OS004,
                    format!("OS「{raw}」は{family}ですが、バージョンやエディションがないためサポート期限を判定できません。{}", note.ja),
                    format!("「{raw}」 is {family}, but without the version or edition support cannot be judged. {}", note.en),
                )),
                OsVerdict::Unknown => out.push(here(
                    &OS003,
                    format!("OS「{raw}」を認識できないため、サポート期限を判定できません。製品名とバージョンを正確に書くか、daicho.toml の [os] に追加してください。"),
                    format!("「{raw}」 is not a recognised OS, so support cannot be judged. Write the exact product and version, or add it under [os] in daicho.toml."),
                )),
            }
        }
    }
}

//! OS001–OS005: operating systems and network firmware past or near their end of support, or not
//! judgeable; and support data too old for the as-of date.
//!
//! The OS column is read first. Network firmware may also be written as ソフトウェア +
//! ソフトウェアバージョン, with the 型番 (「FortiGate 60F」, 「TZ 400」) as a hint: those cells count
//! only when they name firmware, never an ordinary application.

use super::{Context, Finding, Rule, RuleDoc};
use crate::layout::Field;
use crate::ledger::os::{Confidence, OsRelease, OsTable, OsVerdict};
use crate::ledger::words::{is_not_applicable, is_placeholder};
use crate::ledger::{Device, Ledger, LedgerSheet, Status};
use crate::settings::Settings;
use crate::{Severity, Text};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::rc::Rc;

pub static OS001: Rule = Rule {
    code: "OS001",
    name: "os-end-of-support",
    severity: Severity::Error,
    summary: Text::from_static("OSのサポートが終了している", "support ended before the as-of date"),
    doc: RuleDoc {
        what: &Text::from_static("稼働中の機器のOSが、基準日より前にセキュリティ更新の提供を終えています(停止中の機器は警告、廃棄済みは対象外)。", "An active device runs an OS whose security support ended before the as-of date (inactive devices: warning; retired: exempt)."),
        why: &Text::from_static("サポートが終了したOSには修正プログラムが出ません。チェックリストのセキュリティパッチの項目(R7: 2-⑥、R6: 2-(7))を「はい」と答えられない状態です。", "An unsupported OS receives no patches, so the patch item of the checklist (R7 2-⑥, R6 2-(7)) cannot honestly be 'yes'."),
        example: &Text::from_static("「Win8」(2016-01-12終了)、「Windows Server 2012 R2」(2023-10-10終了)、ネットワーク機器のファームウェア「FortiGate 60F | FortiOS 7.2.8」(2026-09-30終了)。期限の表の確認日は `daicho os` と JSON の support_data_checked で分かります。", "「Win8」 (ended 2016-01-12), 「Windows Server 2012 R2」 (ended 2023-10-10), network firmware 「FortiGate 60F | FortiOS 7.2.8」 (ended 2026-09-30). The date the support table was checked is shown by `daicho os` and in the JSON's support_data_checked."),
        fix: &Text::from_static("更新(アップグレード・機器更新)を計画してください。すぐにできない場合はネットワークから切り離す等の対策と理由を記録し、有償の延長サポート(ESU)契約があれば daicho.toml で宣言してください。", "Plan the upgrade or replacement. Until then isolate the device and record why; declare paid extended support (ESU) in daicho.toml if you have it."),
    },
};

pub static OS002: Rule = Rule {
    code: "OS002",
    name: "os-support-ending",
    severity: Severity::Warning,
    summary: Text::from_static("OSのサポート終了が近い(既定180日以内)", "support ends within the warning window (default 180 days)"),
    doc: RuleDoc {
        what: &Text::from_static("OSのサポート終了日が、基準日から警告期間(既定180日、[os] warning_days)以内です。", "The OS's end of support falls within the warning window after the as-of date (default 180 days, [os] warning_days)."),
        why: &Text::from_static("機器の更新には予算と時間がかかります。終了前に計画を立てる必要があります。", "Replacing systems takes budget and time; plan before support ends."),
        example: &Text::from_static("基準日2026-11-25に「Windows Server 2016」(2027-01-12終了)。", "「Windows Server 2016」 (ends 2027-01-12) at as-of 2026-11-25."),
        fix: &Text::from_static("更新計画を立て、チェックリストの対応目標日に反映してください。", "Plan the upgrade and reflect it in the checklist's target dates."),
    },
};

pub static OS003: Rule = Rule {
    code: "OS003",
    name: "unknown-os",
    severity: Severity::Info,
    summary: Text::from_static("OSを認識できずサポート期限を判定できない", "the OS text is not recognised"),
    doc: RuleDoc {
        what: &Text::from_static("OS欄の値を既知の製品として認識できず、サポート期限を判定できません。期限の出典がないネットワーク機器のファームウェア(YAMAHA RTX、Cisco ASA、Cisco IOS 等)もここに入ります(推測の日付では判定しません)。", "The OS is not recognised, so support cannot be judged; network firmware without a sourced end date (Yamaha RTX, Cisco ASA, Cisco IOS …) lands here too (never judged on a guessed date)."),
        why: &Text::from_static("判定できないOSは、サポート切れでも気づけません。", "An unrecognised OS may be unsupported without anyone noticing."),
        example: &Text::from_static("「独自OS」「Cisco IOS 15.2」「YAMAHA RTX1210 Rev.14.01.42」。", "「独自OS」, 「Cisco IOS 15.2」, 「YAMAHA RTX1210 Rev.14.01.42」."),
        fix: &Text::from_static("製品名とバージョンを正確に書くか、メーカーのサポートページ(製品ライフサイクル)で終了日を確認し、daicho.toml の [os] products に製品とサポート終了日を追加してください。", "Write the exact product and version, or look the end date up on the vendor's support (product lifecycle) page and add the product under [os] products in daicho.toml."),
    },
};

pub static OS004: Rule = Rule {
    code: "OS004",
    name: "os-version-unspecified",
    severity: Severity::Info,
    summary: Text::from_static("バージョンやエディションがなくサポートを判定できない", "the family is known but the version or edition decides support"),
    doc: RuleDoc {
        what: &Text::from_static("OSの種類は分かりますが、サポート期限を決めるバージョン(Windows 11 の 24H2/25H2 など)やエディションが書かれていません。", "The OS family is known but the version or edition that decides support (e.g. Windows 11 24H2/25H2) is missing."),
        why: &Text::from_static("Windows 11 は機能更新プログラムごとに期限が違い、古いバージョンのままの端末はすでにサポート外です。", "Windows 11 support depends on the feature update; devices left on old ones are already unsupported."),
        example: &Text::from_static("「Windows 11」「Windows 11 Pro」「iPadOS」。", "「Windows 11」, 「Windows 11 Pro」, 「iPadOS」."),
        fix: &Text::from_static("「winver」で表示されるバージョンまで記入してください(例: Windows 11 Pro 24H2)。", "Write the version winver shows (e.g. Windows 11 Pro 24H2)."),
    },
};

pub static OS005: Rule = Rule {
    code: "OS005",
    name: "support-data-stale",
    severity: Severity::Info,
    summary: Text::from_static("サポート期限データが基準日に対して古い可能性がある", "the support data may be out of date for the as-of date"),
    doc: RuleDoc {
        what: &Text::from_static("基準日(--as-of)が、daicho に同梱のサポート期限データの確認日から6か月以上後です。1回の実行につき1件だけ報告します。", "The as-of date is more than six months after the date daicho's bundled support data was checked. Reported once per run."),
        why: &Text::from_static("メーカーは終了日を延長・変更し、新しいバージョンを出します(例: 2026年に Windows 10 の個人向け ESU が 2027-10-12 まで延長、FortiOS 7.4/7.6 が1年延長)。古いデータのままでは、終了した製品を見逃したり、新しい製品を認識できなかったりします。", "Vendors extend and move end dates and ship new releases (in 2026 the Windows 10 consumer ESU moved to 2027-10-12 and FortiOS 7.4/7.6 gained a year). With old data an ended product may be missed and a new one not recognised."),
        example: &Text::from_static("確認日 2026-12-05 のデータで --as-of 2027-07-01 を指定した実行。", "A run with --as-of 2027-07-01 on data checked on 2026-12-05."),
        fix: &Text::from_static("新しい daicho に更新するか、daicho.toml の [os] products で終了日を追加・修正してください(`daicho config --example` に例があります)。", "Update to a newer daicho, or add or correct end dates under [os] products in daicho.toml (see `daicho config --example`)."),
    },
};

/// This family's rules, in code order.
pub static RULES: &[&Rule] = &[&OS001, &OS002, &OS003, &OS004, &OS005];

/// How long the bundled support data is trusted after its `checked` date.
const STALE_AFTER_MONTHS: u32 = 6;

/// The date the support table was checked, as `daicho rules OS00x` and the reports say it.
pub fn support_data_checked() -> NaiveDate {
    OsTable::bundled().checked()
}

/// One line for `daicho rules OS00x` and `daicho os`: when the support data was checked.
pub fn support_data_line(lang: crate::Lang) -> String {
    let checked = support_data_checked();
    Text::new(
        format!("サポート期限データの確認日: {checked}(templates/os-support.toml。daicho.toml の [os] products で追加・修正できます)"),
        format!("Support data checked on: {checked} (templates/os-support.toml; add or correct products under [os] products in daicho.toml)"),
    )
    .get(lang)
    .to_string()
}

/// OS005, once per run: the as-of date is more than six months past the support data's
/// `checked` date. `None` when the data is fresh enough or the rule is not selected.
pub fn stale_support_data(settings: &Settings) -> Option<Finding> {
    let checked = settings.os_table.checked();
    let limit = checked.checked_add_months(chrono::Months::new(STALE_AFTER_MONTHS))?;
    if settings.as_of <= limit || !settings.is_enabled("OS005") {
        return None;
    }
    let as_of = settings.as_of;
    Some(Finding::new(&OS005,
        Text::new(
            format!("OS・ファームウェアのサポート期限データは {checked} に確認したもので、基準日 {as_of} から見て6か月以上古く、その後の終了日の変更や新しい製品が反映されていない可能性があります。新しい daicho に更新するか、daicho.toml の [os] products で終了日を追加・修正してください。"),
            format!("The OS and firmware support data was checked on {checked}, more than six months before the as-of date {as_of}: later changes of end dates and new products may be missing. Update to a newer daicho, or add or correct end dates under [os] products in daicho.toml."),
        ),
    ))
}

/// What one device's cells say about its OS or firmware, and where to point the finding.
struct Reading {
    field: Field,
    col: u32,
    /// The cell as typed (the finding's value).
    value: String,
    /// The text that was judged (the cell, or several cells joined).
    text: String,
    verdict: Rc<OsVerdict>,
    /// The 型番, naming the appliance in firmware messages.
    model: Option<String>,
}

/// Judges each distinct text once: a ledger repeats a handful of spellings over thousands of rows.
struct Judge<'t> {
    table: &'t OsTable,
    cache: HashMap<String, Rc<OsVerdict>>,
}

impl Judge<'_> {
    fn judge(&mut self, text: &str) -> Rc<OsVerdict> {
        if let Some(v) = self.cache.get(text) {
            return Rc::clone(v);
        }
        let v = Rc::new(self.table.judge(text));
        self.cache.insert(text.to_string(), Rc::clone(&v));
        v
    }
}

/// A cell's text, unless blank, not applicable or a placeholder.
fn cell(sheet: &LedgerSheet<'_>, device: &Device<'_>, field: Field) -> Option<String> {
    let raw = sheet.text(device, field)?;
    let raw = raw.trim();
    (!raw.is_empty() && !is_not_applicable(raw) && !is_placeholder(raw)).then(|| raw.to_string())
}

/// Reads the OS column, then the firmware hints (型番, ソフトウェア + バージョン). Hints only count
/// when they name network firmware, so an application in the software column is never an OS.
fn read_device(
    judge: &mut Judge<'_>,
    sheet: &LedgerSheet<'_>,
    device: &Device<'_>,
) -> Option<Reading> {
    let os = cell(sheet, device, Field::Os);
    let primary = os.as_ref().map(|t| (t.clone(), judge.judge(t)));
    // Most rows: the OS column alone names a dated release.
    if let Some((text, v)) = &primary {
        if let OsVerdict::Known(r) = v.as_ref() {
            let model = r
                .firmware
                .then(|| cell(sheet, device, Field::Model))
                .flatten();
            return Some(Reading {
                field: Field::Os,
                col: sheet.layout.col(Field::Os)?,
                value: text.clone(),
                text: text.clone(),
                verdict: v.clone(),
                model,
            });
        }
    }
    let model = cell(sheet, device, Field::Model);
    let software = cell(sheet, device, Field::Software);
    let version = cell(sheet, device, Field::SoftwareVersion);
    let join = |parts: &[&Option<String>]| -> Option<String> {
        let present: Vec<&str> = parts.iter().filter_map(|p| p.as_deref()).collect();
        (!present.is_empty()).then(|| present.join(" "))
    };
    let none = None;
    // The OS column's version may sit in the version column when no software is written.
    let os_version = if software.is_none() { &version } else { &none };
    let mut hints: Vec<(Field, Option<String>)> = Vec::new();
    if os.is_some() {
        hints.push((Field::Os, join(&[&model, &os])));
        hints.push((Field::Os, join(&[&os, os_version])));
        hints.push((Field::Os, join(&[&model, &os, os_version])));
    }
    if software.is_some() {
        hints.push((Field::Software, join(&[&software, &version])));
        hints.push((Field::Software, join(&[&model, &software, &version])));
    }
    hints.push((Field::Model, model.clone()));
    let reading = |field: Field, text: String, verdict: Rc<OsVerdict>| {
        let value = match field {
            Field::Os => os.clone(),
            Field::Software => software.clone(),
            _ => model.clone(),
        }
        .unwrap_or_else(|| text.clone());
        Some(Reading {
            field,
            col: sheet.layout.col(field)?,
            value,
            text,
            verdict,
            model: model.clone(),
        })
    };
    let mut undated = None;
    for (field, text) in hints {
        let Some(text) = text else { continue };
        let v = judge.judge(&text);
        match v.as_ref() {
            OsVerdict::Known(r) if r.firmware => return reading(field, text, v),
            OsVerdict::UndatedFirmware { .. } if undated.is_none() && field != Field::Model => {
                undated = Some((field, text, v))
            }
            _ => {}
        }
    }
    match (primary, undated) {
        // A firmware reading says more than "unknown OS"; an OS004 for the OS column stays.
        (Some((_, v)), Some((field, text, u))) if matches!(v.as_ref(), OsVerdict::Unknown) => {
            reading(field, text, u)
        }
        (Some((text, v)), _) => reading(Field::Os, text, v),
        (None, Some((field, text, v))) => reading(field, text, v),
        (None, None) => None,
    }
}

pub fn check(ledger: &Ledger<'_>, ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let window = chrono::Days::new(ctx.settings.os_warning_days);
    let warn_until = ctx.as_of.checked_add_days(window).unwrap_or(NaiveDate::MAX);
    let mut judge = Judge {
        table: ctx.settings.os_table,
        cache: HashMap::new(),
    };
    for sheet in &ledger.sheets {
        let name = sheet.name();
        for device in &sheet.devices {
            if device.is_retired() {
                continue;
            }
            let Some(reading) = read_device(&mut judge, sheet, device) else {
                continue;
            };
            let Some(mut f) = finding(&reading, sheet, device, ctx, warn_until) else {
                continue;
            };
            f = f
                .at(name, device.row_index(), reading.col)
                .field(reading.field)
                .value(reading.value.as_str());
            if device.status == Some(Status::Inactive)
                && f.rule.code != "OS003"
                && f.rule.code != "OS004"
            {
                f = f.on_inactive_device();
            }
            out.push(f);
        }
    }
}

/// The finding for one reading, without its location.
fn finding(
    r: &Reading,
    sheet: &LedgerSheet<'_>,
    device: &Device<'_>,
    ctx: &Context<'_>,
    warn_until: NaiveDate,
) -> Option<Finding> {
    let raw = &r.text;
    match r.verdict.as_ref() {
        OsVerdict::Known(rel) => {
            let declared_esu = sheet
                .text(device, Field::Id)
                .is_some_and(|id| ctx.settings.esu_ids.contains(&crate::ledger::id::match_key(&id)));
            let esu = rel.extended.filter(|_| declared_esu);
            let end = esu.unwrap_or(rel.eol);
            if end < ctx.as_of {
                Some(Finding::new(&OS001, support_message(r, rel, end, esu.is_some(), true)))
            } else if end <= warn_until {
                Some(Finding::new(&OS002, support_message(r, rel, end, esu.is_some(), false)))
            } else {
                None
            }
        }
        OsVerdict::Unspecified { family, note } => Some(Finding::new(&OS004,
            Text::new(
                format!("OS「{raw}」は{family}ですが、バージョンやエディションがないためサポート期限を判定できません。{}", note.ja),
                format!("「{raw}」 is {family}, but without the version or edition support cannot be judged. {}", note.en),
            ),
        )),
        OsVerdict::UndatedFirmware { product } => Some(Finding::new(&OS003,
            Text::new(
                format!("「{raw}」は{product}のファームウェアと読めますが、このバージョンのサポート終了日は daicho の表にありません(出典のある日付がないため推測しません)。メーカーのサポートページ(製品ライフサイクル/サポート終了製品一覧)で終了日を確認し、daicho.toml の [os] products に追加してください。バージョンが書かれていなければ記入してください。"),
                format!("「{raw}」 reads as {product} firmware, but daicho's table has no sourced end of support for this version (no date is guessed). Check the vendor's support (product lifecycle / end-of-support) page and add it under [os] products in daicho.toml; write the firmware version if it is missing."),
            ),
        )),
        OsVerdict::Unknown => Some(Finding::new(&OS003,
            Text::new(
                format!("OS「{raw}」を認識できないため、サポート期限を判定できません。製品名とバージョンを正確に書くか、daicho.toml の [os] に追加してください。"),
                format!("「{raw}」 is not a recognised OS, so support cannot be judged. Write the exact product and version, or add it under [os] in daicho.toml."),
            ),
        )),
    }
}

/// OS001 (`ended`) or OS002 text: what, until when, how sure, what to do, and the row's note.
fn support_message(r: &Reading, rel: &OsRelease, end: NaiveDate, esu: bool, ended: bool) -> Text {
    let raw = &r.text;
    let (what_ja, what_en) = if rel.firmware {
        let appliance = r.model.clone().or_else(|| rel.appliance.clone());
        let on = appliance
            .map(|a| (format!("、機器: {a}"), format!(", appliance: {a}")))
            .unwrap_or_default();
        (
            format!(
                "ネットワーク機器のファームウェア「{raw}」({}{})",
                rel.name, on.0
            ),
            format!("network firmware 「{raw}」 ({}{})", rel.name, on.1),
        )
    } else {
        (
            format!("OS「{raw}」({})", rel.name),
            format!("「{raw}」 ({})", rel.name),
        )
    };
    let (kind_ja, kind_en) = if esu {
        ("延長サポート(ESU等)", "Extended support (ESU etc.)")
    } else {
        ("サポート", "Support")
    };
    let (sure_ja, sure_en) = match rel.confidence {
        Confidence::Partly => ("(この期限は一部確認の情報です: 第三者の記録や算出した日付。メーカーの発表で確認してください)", " (partly confirmed: a third-party record or a derived date; check the vendor's announcement)"),
        Confidence::Unverified => ("(期限は未検証のデータです)", " (date not verified)"),
        Confidence::Confirmed | Confidence::User => ("", ""),
    };
    let (todo_ja, todo_en) = match (ended, rel.firmware) {
        (true, true) => ("サポート中のバージョンへの更新か機器の更新を計画し、それまでの対策(外部からのアクセス制限等)を記録してください。", "Plan the update to a supported version or the replacement of the appliance, and record interim measures (such as restricting access from outside)."),
        (true, false) => ("更新を計画し、それまでの対策を記録してください。", "Plan the upgrade and record interim measures."),
        (false, true) => ("サポート中のバージョンへの更新か機器の更新を計画してください。", "Plan the update to a supported version or the replacement of the appliance."),
        (false, false) => ("更新を計画してください。", "Plan the upgrade."),
    };
    let (verb_ja, verb_en) = if ended {
        ("終了しています", "ended on")
    } else {
        ("終了します", "ends on")
    };
    let (note_ja, note_en) = rel
        .note
        .as_ref()
        .map(|n| (format!(" {}", n.ja), format!(" {}", n.en)))
        .unwrap_or_default();
    Text::new(
        format!("{what_ja}の{kind_ja}は{end}に{verb_ja}{sure_ja}。{todo_ja}{note_ja}"),
        format!("{kind_en} for {what_en} {verb_en} {end}{sure_en}. {todo_en}{note_en}"),
    )
}

/// `daicho os TEXT`: how the support table (bundled, or with daicho.toml's products) reads an OS or firmware text — product, row, edition
/// channel, support end (and extended end), source and how sure — and what a ledger row with it
/// gets at `as_of`.
pub fn explain(table: &OsTable, text: &str, as_of: NaiveDate, lang: crate::Lang) -> String {
    let t = |ja: &'static str, en: &'static str| Text::from_static(ja, en).into_string(lang);
    let mut lines: Vec<(String, String)> = vec![(t("入力", "Text"), format!("「{text}」"))];
    let verdict = table.judge(text);
    let outcome = match &verdict {
        OsVerdict::Known(rel) => explain_release(rel, as_of, lang, &mut lines),
        OsVerdict::Unspecified { family, note } => {
            lines.push((t("製品", "Product"), family.clone()));
            lines.push((t("注記", "Note"), note.get(lang).to_string()));
            Text::new(
                "OS004(バージョンやエディションがなく判定できない)",
                "OS004 (the version or edition is missing)",
            )
        }
        OsVerdict::UndatedFirmware { product } => {
            lines.push((
                t("種類", "Kind"),
                t(
                    "ネットワーク機器のファームウェア",
                    "network equipment firmware",
                ),
            ));
            lines.push((t("製品", "Product"), product.clone()));
            lines.push((t("サポート終了", "End of support"), t("表に出典のある日付がありません(推測しません)。メーカーのサポートページで確認し、daicho.toml の [os] products に追加してください。", "no sourced date in the table (none is guessed): check the vendor's support page and add it under [os] products in daicho.toml.")));
            Text::new(
                "OS003(ファームウェアだが期限不明)",
                "OS003 (firmware without a known end)",
            )
        }
        OsVerdict::Unknown => Text::new("OS003(認識できない)", "OS003 (not recognised)"),
    };
    lines.push((
        format!("{} {as_of}", t("基準日", "At")),
        outcome.get(lang).to_string(),
    ));
    lines.push((t("データ", "Data"), support_data_line(lang)));
    // Terminal columns: a full-width character takes two.
    let cols = |s: &str| {
        s.chars()
            .map(|c| if c.is_ascii() { 1 } else { 2 })
            .sum::<usize>()
    };
    let width = lines.iter().map(|(k, _)| cols(k)).max().unwrap_or(0);
    let mut out = String::new();
    for (k, v) in lines {
        let pad = width.saturating_sub(cols(&k));
        out.push_str(&format!("{k}{}  {v}\n", " ".repeat(pad)));
    }
    out
}

/// The lines `daicho os` shows for a dated row, and what a ledger row with it gets at `as_of`.
fn explain_release(
    rel: &OsRelease,
    as_of: NaiveDate,
    lang: crate::Lang,
    lines: &mut Vec<(String, String)>,
) -> Text {
    let t = |ja: &'static str, en: &'static str| Text::from_static(ja, en).into_string(lang);
    let date = |d: NaiveDate| {
        if d == crate::ledger::os::NO_ANNOUNCED_END {
            t("発表なし(サポート中)", "none announced (supported)")
        } else {
            d.to_string()
        }
    };
    let warn_until = as_of
        .checked_add_days(chrono::Days::new(180))
        .unwrap_or(NaiveDate::MAX);
    let kind = if rel.firmware {
        t(
            "ネットワーク機器のファームウェア",
            "network equipment firmware",
        )
    } else {
        t("OS", "operating system")
    };
    lines.push((t("種類", "Kind"), kind));
    lines.push((t("製品", "Product"), rel.product.clone()));
    if let Some(a) = &rel.appliance {
        lines.push((t("機器", "Appliance"), a.clone()));
    }
    lines.push((
        t("該当する行", "Table row"),
        format!("{} ({})", rel.name, rel.id),
    ));
    lines.push((
        t("エディション系列", "Edition channel"),
        rel.channel
            .map_or_else(|| t("区別なし", "not distinguished"), str::to_string),
    ));
    lines.push((t("サポート終了", "End of support"), date(rel.eol)));
    lines.push((
        t("延長サポート終了", "Extended support"),
        rel.extended.map_or_else(
            || t("なし", "none"),
            |d| {
                format!(
                    "{}{}",
                    date(d),
                    t(
                        "(ESU等。daicho.toml で宣言した機器のみ)",
                        " (ESU etc., only for devices declared in daicho.toml)"
                    )
                )
            },
        ),
    ));
    lines.push((t("出典", "Source"), rel.source.clone()));
    lines.push((
        t("確かさ", "How sure"),
        rel.confidence.label().get(lang).to_string(),
    ));
    if let Some(n) = &rel.note {
        lines.push((t("注記", "Note"), n.get(lang).to_string()));
    }
    if rel.eol < as_of {
        Text::new(
            format!("OS001(サポート終了、{} に終了)", rel.eol),
            format!("OS001 (support ended on {})", rel.eol),
        )
    } else if rel.eol <= warn_until {
        Text::new(
            format!("OS002(180日以内の {} に終了)", rel.eol),
            format!("OS002 (support ends on {}, within 180 days)", rel.eol),
        )
    } else {
        Text::new("指摘なし(サポート中)", "nothing (supported)")
    }
}

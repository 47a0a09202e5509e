//! What the ledger says about the items it can inform (2-① 台帳管理, 2-② リモート保守, the patch
//! item): a Japanese 根拠 text for the filled-in sheet, a proposed answer where the ledger decides
//! it, and what contradicts a 「はい」 (C005). Only the ledger of the same workbook (or the one
//! named with `--ledger`) is used — never another file of a batch.

use super::edition::Tag;
use super::parse::{Answer, Target};
use crate::layout::Field;
use crate::ledger::{Device, DeviceKind, Ledger, LedgerSheet, Status};
use crate::rules::Finding;
use crate::{Severity, Text};
use std::collections::{BTreeMap, HashMap};

/// The ledger's evidence for one item (or one target of the patch item).
#[derive(Debug, Clone, Default)]
pub struct ItemEvidence {
    /// Japanese, for the 根拠 column.
    pub text: String,
    /// The answer the ledger supports, proposed where no human answered.
    pub proposal: Option<Answer>,
    /// Why a 「はい」 is contradicted (C005), if it is.
    pub contradiction: Option<Text>,
}

/// Everything the ledger tells the checklist.
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    /// A ledger sheet was found (in the workbook, or in the `--ledger` file).
    pub has_ledger: bool,
    /// Device rows in the ledger.
    pub devices: usize,
    pub ledger: ItemEvidence,
    pub remote: ItemEvidence,
    pub patch: Vec<(Target, ItemEvidence)>,
}

impl Evidence {
    /// The evidence when the ledger named with `--ledger` could not be read: no ledger, and the
    /// reason in its place.
    pub fn unreadable(reason: String) -> Evidence {
        Evidence {
            ledger: ItemEvidence {
                text: reason,
                ..Default::default()
            },
            ..Default::default()
        }
    }
}

impl Evidence {
    /// The evidence for an item's answer covering `targets` (empty = the whole item).
    pub fn for_item(&self, tag: Tag, targets: &[Target]) -> Option<ItemEvidence> {
        match tag {
            Tag::Ledger => Some(self.ledger.clone()),
            Tag::RemoteMaintenance => Some(self.remote.clone()),
            Tag::Patch => {
                let wanted: Vec<Target> = if targets.is_empty() || targets.contains(&Target::All) {
                    vec![Target::All]
                } else {
                    targets.to_vec()
                };
                let parts: Vec<&ItemEvidence> = wanted
                    .iter()
                    .filter_map(|t| self.patch.iter().find(|(pt, _)| pt == t).map(|(_, e)| e))
                    .collect();
                match parts.as_slice() {
                    [] => None,
                    [one] => Some((*one).clone()),
                    many => Some(ItemEvidence {
                        text: many
                            .iter()
                            .map(|e| e.text.as_str())
                            .collect::<Vec<_>>()
                            .join(" "),
                        proposal: if many.iter().any(|e| e.proposal == Some(Answer::No)) {
                            Some(Answer::No)
                        } else {
                            None
                        },
                        contradiction: many.iter().find_map(|e| e.contradiction.clone()),
                    }),
                }
            }
        }
    }
}

fn kind_label(kind: Option<DeviceKind>) -> &'static str {
    match kind {
        Some(DeviceKind::Server) => "サーバ",
        Some(DeviceKind::Pc) => "端末PC",
        Some(DeviceKind::Network) => "ネットワーク機器",
        Some(DeviceKind::Medical) => "医療機器",
        Some(DeviceKind::Other) => "その他の機器",
        None => "種別不明の機器",
    }
}

fn kind_label_en(kind: Option<DeviceKind>) -> &'static str {
    match kind {
        Some(DeviceKind::Server) => "servers",
        Some(DeviceKind::Pc) => "PCs",
        Some(DeviceKind::Network) => "network devices",
        Some(DeviceKind::Medical) => "medical devices",
        Some(DeviceKind::Other) => "other devices",
        None => "devices of unknown kind",
    }
}

fn target_kind(t: Target) -> Option<DeviceKind> {
    match t {
        Target::Server => Some(DeviceKind::Server),
        Target::Pc => Some(DeviceKind::Pc),
        Target::Network => Some(DeviceKind::Network),
        Target::All => None,
    }
}

/// Derives the evidence from a ledger and the findings the ledger rules produced for it.
/// `origin` names a separate ledger file (`--ledger`).
pub fn derive(ledger: &Ledger<'_>, findings: &[Finding], origin: Option<&str>) -> Evidence {
    let prefix = origin
        .map(|o| format!("台帳ファイル「{o}」: "))
        .unwrap_or_default();
    if ledger.sheets.is_empty() {
        let why_ja = match origin {
            Some(o) => format!("台帳ファイル「{o}」に機器台帳のシートがありません"),
            None => "このブックに機器台帳のシートがありません".to_string(),
        };
        let why_en = match origin {
            Some(o) => format!("the ledger file '{o}' has no ledger sheet"),
            None => "this workbook has no ledger sheet".to_string(),
        };
        // A checklist-only workbook with no `--ledger` has no evidence: absence of evidence is
        // not a contradiction (SPEC §6). A `--ledger` file without a ledger sheet is one.
        let (text, contradiction) = match origin {
            Some(_) => (
                format!("{why_ja}(台帳から確認できません)。"),
                Some(Text::new(why_ja, why_en)),
            ),
            None => (
                format!("{why_ja}。台帳が与えられていない(--ledger の指定もない)ため、台帳とは照合していません。"),
                None,
            ),
        };
        return Evidence {
            has_ledger: false,
            devices: 0,
            ledger: ItemEvidence {
                text,
                proposal: None,
                contradiction,
            },
            remote: ItemEvidence {
                text: "機器台帳がないため、リモート保守の有無を台帳から確認できません。".into(),
                ..ItemEvidence::default()
            },
            patch: Target::ALL
                .iter()
                .map(|t| {
                    (
                        *t,
                        ItemEvidence {
                            text: "機器台帳がないため、OSのサポート状況を台帳から確認できません。"
                                .into(),
                            ..ItemEvidence::default()
                        },
                    )
                })
                .collect(),
        };
    }

    // Devices by (sheet, row), for mapping findings to kinds.
    let mut at: HashMap<(&str, u32), (&LedgerSheet<'_>, &Device<'_>)> = HashMap::new();
    for (s, d) in ledger.devices() {
        at.insert((s.name(), d.row.index), (s, d));
    }
    let device_of = |f: &Finding| -> Option<(&LedgerSheet<'_>, &Device<'_>)> {
        at.get(&(f.sheet.as_deref()?, f.row?)).copied()
    };

    // Devices per kind.
    let order = [
        Some(DeviceKind::Server),
        Some(DeviceKind::Pc),
        Some(DeviceKind::Network),
        Some(DeviceKind::Medical),
        Some(DeviceKind::Other),
        None,
    ];
    let mut per_kind: HashMap<Option<DeviceKind>, usize> = HashMap::new();
    for (_, d) in ledger.devices() {
        *per_kind.entry(d.kind).or_insert(0) += 1;
    }
    let kinds: Vec<String> = order
        .iter()
        .filter_map(|k| {
            per_kind
                .get(k)
                .filter(|n| **n > 0)
                .map(|n| format!("{}{n}台", kind_label(*k)))
        })
        .collect();
    let devices = ledger.device_count();
    let mut summary = format!(
        "{prefix}機器台帳{}シート・{devices}台を確認",
        ledger.sheets.len()
    );
    if !kinds.is_empty() {
        summary.push_str(&format!("({})", kinds.join("、")));
    }
    summary.push('。');

    // 2-①: core columns, duplicate numbers, blanks.
    let mut missing_core: Vec<String> = Vec::new();
    for s in &ledger.sheets {
        let absent: Vec<&str> = [Field::Id, Field::Os, Field::Ip]
            .into_iter()
            .filter(|f| !s.layout.has(*f))
            .map(|f| f.label())
            .collect();
        if !absent.is_empty() {
            missing_core.push(format!(
                "シート「{}」に{}列がありません",
                s.name(),
                absent.join("・")
            ));
        }
    }
    let live = |f: &&Finding| f.suppressed.is_none();
    let duplicates = findings
        .iter()
        .filter(live)
        .filter(|f| f.code() == "ID001")
        .count();
    let mut blanks: BTreeMap<(Option<DeviceKind>, Field), usize> = BTreeMap::new();
    for f in findings.iter().filter(live).filter(|f| f.code() == "F001") {
        if let (Some(field), Some((_, d))) = (f.field, device_of(f)) {
            *blanks.entry((d.kind, field)).or_insert(0) += 1;
        }
    }
    let blank_list = most_blank_first(blanks);
    let mut ledger_text = summary;
    for m in &missing_core {
        ledger_text.push_str(&format!("{m}。"));
    }
    if duplicates > 0 {
        ledger_text.push_str(&format!("管理番号の重複{duplicates}件。"));
    }
    for ((kind, field), n) in blank_list.iter().take(3) {
        ledger_text.push_str(&format!(
            "{}の{}が{n}件未記入。",
            kind_label(*kind),
            field.label()
        ));
    }
    if blank_list.len() > 3 {
        ledger_text.push_str("ほか未記入あり。");
    }
    // Template residue (〇〇, 192.168.〇.〇 …): recorded in form only.
    let placeholders = findings
        .iter()
        .filter(live)
        .filter(|f| matches!(f.code(), "F002" | "IP002"))
        .count();
    if placeholders > 0 {
        ledger_text.push_str(&format!("仮の値(〇〇など)のままの欄が{placeholders}件。"));
    }
    // Core values (管理番号, OS, IPアドレス) left blank for a device.
    let core_blanks: usize = blank_list
        .iter()
        .filter(|((_, f), _)| matches!(f, Field::Id | Field::Os | Field::Ip))
        .map(|(_, n)| n)
        .sum();
    let mut why_ja = Vec::new();
    let mut why_en = Vec::new();
    if devices == 0 {
        why_ja.push("台帳に機器の行がありません".to_string());
        why_en.push("the ledger lists no device".to_string());
    }
    if !missing_core.is_empty() {
        why_ja.push(missing_core.join("、"));
        why_en.push("core columns (management number, OS, IP address) are missing".to_string());
    }
    if duplicates > 0 {
        why_ja.push(format!("管理番号の重複が{duplicates}件あります"));
        why_en.push(format!("{duplicates} management numbers are duplicated"));
    }
    let ledger_ev = ItemEvidence {
        text: ledger_text,
        // はい only for a ledger with nothing essential missing; where core values are blank or
        // still placeholders the ledger neither confirms nor contradicts: no proposal.
        proposal: if devices == 0 {
            // An empty ledger (a fresh template) proposes nothing.
            None
        } else if !why_ja.is_empty() {
            Some(Answer::No)
        } else if core_blanks == 0 && placeholders == 0 {
            Some(Answer::Yes)
        } else {
            None
        },
        contradiction: (!why_ja.is_empty())
            .then(|| Text::new(why_ja.join("。"), why_en.join("; "))),
    };

    Evidence {
        has_ledger: true,
        devices,
        ledger: ledger_ev,
        remote: remote_evidence(ledger, &prefix),
        patch: Target::ALL
            .iter()
            .map(|t| {
                (
                    *t,
                    patch_evidence(ledger, findings, *t, &device_of, &prefix),
                )
            })
            .collect(),
    }
}

/// Blank counts by (kind, field), most first; ties in the standard column order, then in the
/// order kinds are listed (サーバ … その他, unknown last), so the 根拠 text is the same on every run.
fn most_blank_first(
    blanks: BTreeMap<(Option<DeviceKind>, Field), usize>,
) -> Vec<((Option<DeviceKind>, Field), usize)> {
    let mut list: Vec<_> = blanks.into_iter().collect();
    list.sort_by_key(|&((kind, field), n)| (std::cmp::Reverse(n), field, kind.is_none(), kind));
    list
}

/// 2-②: where a リモート保守 column exists, whether every (non-retired) device has an answer.
fn remote_evidence(ledger: &Ledger<'_>, prefix: &str) -> ItemEvidence {
    if !ledger
        .sheets
        .iter()
        .any(|s| s.layout.has(Field::RemoteMaintenance))
    {
        return ItemEvidence {
            text: format!("{prefix}台帳に「リモート保守」の列がありません。列を追加し、事業者に確認した結果(あり/なし)を機器ごとに記入すると、この項目の根拠になります。"),
            ..ItemEvidence::default()
        };
    }
    let (mut total, mut answered, mut with_remote) = (0usize, 0usize, 0usize);
    for (s, d) in ledger.devices() {
        if d.is_retired() {
            continue;
        }
        total += 1;
        if let Some(v) = s.value(d, Field::RemoteMaintenance) {
            answered += 1;
            // 「あり(VPN)」「有り」「○」: read by meaning (templates/vocab.toml), not as a
            // checklist answer (はい/いいえ).
            if crate::ledger::words::remote_maintenance(v) == Some(true) {
                with_remote += 1;
            }
        }
    }
    let blank = total - answered;
    let mut text =
        format!("{prefix}リモート保守欄: {total}台中{answered}台記入済(利用あり{with_remote}台)。");
    if blank > 0 {
        text.push_str(&format!("未記入{blank}台。"));
    }
    ItemEvidence {
        text,
        proposal: Some(if blank == 0 && total > 0 {
            Answer::Yes
        } else {
            Answer::No
        }),
        contradiction: (blank > 0).then(|| {
            Text::new(
                format!("台帳のリモート保守欄が未記入の機器が{blank}台あります"),
                format!("{blank} devices have no entry in the ledger's remote-maintenance column"),
            )
        }),
    }
}

/// The patch item for one target: active devices of that kind whose OS support has ended (OS001).
fn patch_evidence<'l>(
    ledger: &'l Ledger<'l>,
    findings: &[Finding],
    target: Target,
    device_of: &dyn Fn(&Finding) -> Option<(&'l LedgerSheet<'l>, &'l Device<'l>)>,
    prefix: &str,
) -> ItemEvidence {
    let kind = target_kind(target);
    let of_target = |d: &Device<'_>| kind.is_none() || d.kind == kind;
    let count = ledger
        .devices()
        .filter(|(_, d)| of_target(d) && !d.is_retired())
        .count();
    let mut unsupported: Vec<String> = Vec::new();
    for f in findings
        .iter()
        .filter(|f| f.code() == "OS001" && f.suppressed.is_none() && f.severity == Severity::Error)
    {
        let Some((s, d)) = device_of(f) else { continue };
        if !of_target(d) || d.status == Some(Status::Inactive) {
            continue;
        }
        let id = s.text(d, Field::Id).map(|x| x.into_owned());
        let os = f.value.clone().unwrap_or_default();
        unsupported.push(match id {
            Some(id) => format!("{id} {os}"),
            None => format!("{}!{} {os}", s.name(), d.row.index + 1),
        });
    }
    let label = target.label();
    let who = match kind {
        Some(_) => label.to_string(),
        None => "機器".to_string(),
    };
    if unsupported.is_empty() {
        let text = if count == 0 {
            format!("{prefix}{label}: 台帳に該当する稼働機器がありません。")
        } else {
            format!("{prefix}{label}: サポート終了OSの稼働機器なし({count}台)。パッチの適用状況そのものは台帳からは判断できません。")
        };
        return ItemEvidence {
            text,
            proposal: None,
            contradiction: None,
        };
    }
    let n = unsupported.len();
    let examples = unsupported
        .iter()
        .take(3)
        .cloned()
        .collect::<Vec<_>>()
        .join("、");
    let more = if n > 3 { " ほか" } else { "" };
    ItemEvidence {
        text: format!("{prefix}{label}: サポート終了OSの稼働中の{who}{n}台({examples}{more})。更新プログラムを適用できません。"),
        proposal: Some(Answer::No),
        contradiction: Some(Text::new(
            format!("サポートが終了したOSで稼働中の{who}が{n}台あります({examples}{more})"),
            format!("{n} active {} run an OS past its end of support ({examples}{more})", match kind {
                Some(_) => kind_label_en(kind),
                None => "devices",
            }),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_order_is_total_and_independent_of_insertion() {
        let entries = [
            ((None, Field::Os), 2),
            ((Some(DeviceKind::Pc), Field::Ip), 2),
            ((Some(DeviceKind::Server), Field::Ip), 2),
            ((Some(DeviceKind::Medical), Field::Os), 2),
            ((Some(DeviceKind::Server), Field::Os), 5),
            ((Some(DeviceKind::Other), Field::Id), 1),
        ];
        let forward: BTreeMap<_, _> = entries.iter().copied().collect();
        let backward: BTreeMap<_, _> = entries.iter().rev().copied().collect();
        let a = most_blank_first(forward);
        assert_eq!(a, most_blank_first(backward));
        let twos: Vec<(Option<DeviceKind>, Field)> =
            a.iter().filter(|(_, n)| *n == 2).map(|(k, _)| *k).collect();
        // OS before IP (column order); within a field サーバ … その他, unknown kind last.
        let expected = vec![
            (Some(DeviceKind::Medical), Field::Os),
            (None, Field::Os),
            (Some(DeviceKind::Server), Field::Ip),
            (Some(DeviceKind::Pc), Field::Ip),
        ];
        assert_eq!(a[0], ((Some(DeviceKind::Server), Field::Os), 5));
        assert_eq!(twos, expected);
        assert_eq!(a[5], ((Some(DeviceKind::Other), Field::Id), 1));
    }

    /// issue 13: the 2-② evidence counted 「利用あり0台」 for ledgers whose リモート保守 column
    /// said 「あり(VPN)」「有り」「○」.
    #[test]
    fn remote_maintenance_written_as_people_write_it() {
        use crate::layout::{find_ledger_layout, FieldTable};
        use crate::ledger::read_ledger_sheet;
        use crate::workbook::Sheet;
        let sheet = Sheet::from_text_rows(
            "端末PC",
            &[
                &["管理番号", "OS", "IPアドレス", "リモート保守", "状態"],
                &[
                    "P1",
                    "Windows 11 Pro 24H2",
                    "192.168.1.1",
                    "あり(VPN)",
                    "稼働",
                ],
                &[
                    "P2",
                    "Windows 11 Pro 24H2",
                    "192.168.1.2",
                    "あり(メーカー保守)",
                    "稼働",
                ],
                &["P3", "Windows 11 Pro 24H2", "192.168.1.3", "有り", "稼働"],
                &["P4", "Windows 11 Pro 24H2", "192.168.1.4", "○", "稼働"],
                &["P5", "Windows 11 Pro 24H2", "192.168.1.5", "あり", "稼働"],
                &["P6", "Windows 11 Pro 24H2", "192.168.1.6", "なし", "稼働"],
                &["P7", "Windows 11 Pro 24H2", "192.168.1.7", "×", "稼働"],
                &["P8", "Windows 11 Pro 24H2", "192.168.1.8", "-", "稼働"],
                &["P9", "Windows 7", "192.168.1.9", "あり", "廃棄"],
            ],
        );
        let layout = find_ledger_layout(&sheet, FieldTable::bundled()).expect("ledger");
        let ledger = Ledger {
            sheets: vec![read_ledger_sheet(0, &sheet, layout)],
        };
        let e = remote_evidence(&ledger, "");
        assert!(e.text.contains("8台中8台記入済(利用あり5台)"), "{}", e.text);
        assert_eq!(e.proposal, Some(Answer::Yes));
        assert!(e.contradiction.is_none());
    }
}

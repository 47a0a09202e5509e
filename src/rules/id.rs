//! ID001–ID002: management numbers that repeat, exactly or after normalisation.

use super::{Context, Finding, Rule, RuleDoc};
use crate::layout::Field;
use crate::ledger::{id, Ledger};
use crate::{Severity, Text};
use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::BuildHasher;

pub static ID001: Rule = Rule {
    code: "ID001",
    name: "duplicate-id",
    severity: Severity::Error,
    summary: Text::from_static("同じ管理番号が2回以上ある(全シート横断)", "the same management number twice, across all sheets"),
    doc: RuleDoc {
        what: &Text::from_static("同じ管理番号が、ブック内の台帳シート全体で2回以上使われています。2回目以降の行を指摘します。", "A management number is used more than once across the workbook's ledger sheets; later occurrences are flagged."),
        why: &Text::from_static("管理番号は機器を一意に特定するためのものです。重複があると2-①(台帳管理)の根拠として不十分です(C005の対象にもなります)。", "The number identifies a device; duplicates undermine 2-① (and trigger C005)."),
        example: &Text::from_static("サーバシートと端末PCシートの両方に「003」。", "「003」 on both the server and the PC sheet."),
        fix: &Text::from_static("どちらかに新しい番号を振ってください。", "Give one of them a new number."),
    },
};

pub static ID002: Rule = Rule {
    code: "ID002",
    name: "near-duplicate-id",
    severity: Severity::Warning,
    summary: Text::from_static("表記ゆれを除くと同じ管理番号", "equal after normalisation (width, case, hyphens, leading zeros)"),
    doc: RuleDoc {
        what: &Text::from_static("全角/半角、大文字/小文字、ハイフンの種類、数字の先頭ゼロを揃えると同じになる管理番号です(「PC-010」と「ＰＣ－０１０」)。", "Numbers that become equal once width, case, hyphen forms and leading zeros are normalised (「PC-010」 vs 「ＰＣ－０１０」)."),
        why: &Text::from_static("同じ機器を2回登録したか、別の機器に紛らわしい番号を振った可能性があります。", "Either one device was entered twice, or two devices got confusable numbers."),
        example: &Text::from_static("「PC-010」と「ＰＣ－０１０」、「3」と「003」。", "「PC-010」 and 「ＰＣ－０１０」; 「3」 and 「003」."),
        fix: &Text::from_static("同じ機器なら1行にまとめ、別の機器なら紛らわしくない番号にしてください。", "Merge the rows if it is one device, otherwise renumber."),
    },
};

/// This family's rules, in code order.
pub static RULES: &[&Rule] = &[&ID001, &ID002];

/// Where a management number was first seen: its sheet, its cell, what it showed.
struct First<'s> {
    sheet: &'s str,
    row: u32,
    col: u32,
    raw: Cow<'s, str>,
}

impl First<'_> {
    fn cell(&self) -> String {
        crate::address::a1(self.row, self.col)
    }
}

/// The first occurrence of each near-duplicate key, without a String per device: keyed by the
/// key's hash, the key itself compared on a hit (recomputed from the stored number; hits are
/// duplicates, which are rare), and the rare different key with the same hash kept by its text.
struct LooseIndex {
    by_hash: HashMap<u64, usize>,
    collided: HashMap<String, usize>,
    hasher: std::collections::hash_map::RandomState,
    scratch: String,
}

impl LooseIndex {
    fn new() -> Self {
        LooseIndex {
            by_hash: HashMap::new(),
            collided: HashMap::new(),
            hasher: Default::default(),
            scratch: String::new(),
        }
    }

    /// The first occurrence whose key is `key`, or `None` after recording `index` as its first.
    fn first_or_insert(&mut self, key: &str, firsts: &[First<'_>], index: usize) -> Option<usize> {
        let h = self.hasher.hash_one(key);
        match self.by_hash.get(&h) {
            Some(&f) => {
                id::loose_key_into(&firsts[f].raw, &mut self.scratch);
                if self.scratch == key {
                    return Some(f);
                }
                if let Some(&f) = self.collided.get(key) {
                    return Some(f);
                }
                self.collided.insert(key.to_string(), index);
                None
            }
            None => {
                self.by_hash.insert(h, index);
                None
            }
        }
    }
}

pub fn check(ledger: &Ledger<'_>, _ctx: &Context<'_>, out: &mut Vec<Finding>) {
    // exact key -> (sheet, row, col) of the first occurrence; near-duplicate key -> its first
    // occurrence in `firsts`. Keys borrow the cells' text where they can: nothing is allocated
    // per device for a number shown as typed.
    let mut exact: HashMap<Cow<'_, str>, (&str, u32, u32)> = HashMap::new();
    let mut firsts: Vec<First<'_>> = Vec::new();
    let mut loose = LooseIndex::new();
    let mut lk = String::new();
    for sheet in &ledger.sheets {
        let Some(col) = sheet.layout.col(Field::Id) else {
            continue;
        };
        let name = sheet.name();
        for device in &sheet.devices {
            let Some(raw) = sheet.text(device, Field::Id) else {
                continue;
            };
            if crate::ledger::words::is_not_applicable(&raw)
                || crate::ledger::words::is_placeholder(&raw)
            {
                continue;
            }
            // A number merged over several rows is one cell: findings point at its top-left.
            let (row, col) = device.cell_of(col);
            let ek: Cow<'_, str> = match &raw {
                Cow::Borrowed(r) => Cow::Borrowed(id::exact_key_of(r)),
                Cow::Owned(r) => Cow::Owned(id::exact_key_of(r).to_string()),
            };
            if let Some(&(s, r, c)) = exact.get(&ek) {
                if (s, r, c) == (name, row, col) {
                    continue;
                }
                let c = crate::address::a1(r, c);
                out.push(
                    Finding::new(
                        &ID001,
                        Text::new(
                            format!("管理番号「{raw}」は「{s}」{c}にもあります。別の番号にしてください。"),
                            format!("Management number 「{raw}」 also appears at '{s}'!{c}. Renumber one of them."),
                        ),
                    )
                    .at(name, row, col)
                    .field(Field::Id)
                    .value(raw.as_ref()),
                );
                continue;
            }
            exact.insert(ek, (name, row, col));
            id::loose_key_into(&raw, &mut lk);
            match loose.first_or_insert(&lk, &firsts, firsts.len()) {
                Some(f) => {
                    let First {
                        sheet: s,
                        raw: first_raw,
                        ..
                    } = &firsts[f];
                    let c = firsts[f].cell();
                    out.push(
                        Finding::new(
                            &ID002,
                            Text::new(
                                format!("管理番号「{raw}」は「{s}」{c}の「{first_raw}」と表記ゆれを除いて同じです。同じ機器か確認してください。"),
                                format!("Management number 「{raw}」 equals 「{first_raw}」 at '{s}'!{c} once normalised. Check whether they are one device."),
                            ),
                        )
                        .at(name, row, col)
                        .field(Field::Id)
                        .value(raw.as_ref()),
                    )
                }
                None => firsts.push(First {
                    sheet: name,
                    row,
                    col,
                    raw,
                }),
            }
        }
    }
}

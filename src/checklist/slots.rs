//! Which row of a read sheet answers which slot of an edition's item (one slot per target where
//! the edition answers targets separately, else one for the whole item), and the answered rows
//! that answer none: their 対象 is not one of the edition's for that item (「ネットワーク機器」 where
//! the edition asks サーバ and 端末PC, per-target rows where it asks 全般), or a second row whose
//! 対象 could not be read. Those answers are never dropped: the filled-in sheet keeps them as
//! typed under the item, and `lint` says so (C009).

use super::edition::Edition;
use super::parse::Target;
use super::read::{ChecklistSheet, ItemRow};
use crate::Text;

/// The row whose answers go into one answer slot of item `item` (`slot`: its target, `None`
/// for the whole item).
pub fn slot_row(cs: &ChecklistSheet, item: usize, slot: Option<Target>) -> Option<&ItemRow> {
    let rows: Vec<&ItemRow> = cs.rows.iter().filter(|r| r.item == Some(item)).collect();
    let exact = slot.and_then(|t| rows.iter().find(|r| r.targets.contains(&t)).copied());
    exact
        .or_else(|| {
            rows.iter()
                .find(|r| r.targets.is_empty() || r.targets.contains(&Target::All))
                .copied()
        })
        .or_else(|| {
            if slot.is_none() {
                rows.first().copied()
            } else {
                None
            }
        })
}

/// The answered rows of item `item` that no slot of `edition` takes, in sheet order.
pub fn unplaced_rows<'a>(
    cs: &'a ChecklistSheet,
    edition: &Edition,
    item: usize,
) -> Vec<&'a ItemRow> {
    let Some(it) = edition.items.get(item) else {
        return Vec::new();
    };
    let placed: Vec<u32> = it
        .slots(edition.per_target)
        .into_iter()
        .filter_map(|slot| slot_row(cs, item, slot).map(|r| r.row))
        .collect();
    cs.rows
        .iter()
        .filter(|r| r.item == Some(item) && !placed.contains(&r.row))
        .filter(|r| !r.rounds.iter().all(|rd| rd.is_empty()))
        .collect()
}

/// How an unplaced row's 対象 reads in messages: its targets, or that none could be read.
pub fn targets_text(row: &ItemRow) -> Text {
    if row.targets.is_empty() {
        return Text::from_static(
            "(対象の記載なし・読み取れない対象)",
            "(no target that daicho can read)",
        );
    }
    Text::new(
        row.targets
            .iter()
            .map(|t| t.label())
            .collect::<Vec<_>>()
            .join("・"),
        row.targets
            .iter()
            .map(|t| t.label_en())
            .collect::<Vec<_>>()
            .join(", "),
    )
}

//! Management numbers made half-width across the whole converted ledger — unless that would make
//! two different numbers equal.

use super::fixes::{id_half_width, FixKind};
use super::log::{Change, Kept, Place};
use super::Conversion;
use crate::layout::Field;
use crate::ledger::id::exact_key;
use crate::template::StandardRow;
use crate::workbook::CellValue;
use crate::Text;
use std::collections::HashMap;

/// Makes full-width management numbers half-width, unless that would make two different
/// numbers equal: then every number of that group stays as typed and the log says why.
pub(super) fn half_width_ids(conv: &mut Conversion, pending: &mut Vec<(usize, Change)>) {
    let id_text = |row: &StandardRow| -> Option<String> { row.get(Field::Id).map(|v| v.display()) };
    let mut candidates: Vec<Option<String>> = conv
        .devices
        .iter()
        .map(|row| match row.get(Field::Id) {
            Some(CellValue::Text(t)) => id_half_width(t),
            _ => None,
        })
        .collect();
    // Group devices by the number they would have after the fix: only the groups of the numbers
    // the fix changes matter, with every device whose number equals one of those.
    let mut groups: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, candidate) in candidates.iter().enumerate() {
        if let Some(c) = candidate {
            groups.entry(exact_key(c)).or_default().push(i);
        }
    }
    if groups.is_empty() {
        return;
    }
    for (i, row) in conv.devices.iter().enumerate() {
        if candidates[i].is_some() {
            continue;
        }
        let key = match row.get(Field::Id) {
            Some(CellValue::Text(t)) => exact_key(t),
            Some(v) => exact_key(&v.display()),
            None => continue,
        };
        if let Some(members) = groups.get_mut(&key) {
            members.push(i);
        }
    }
    for members in groups.values_mut() {
        members.sort_unstable();
    }
    // Where each device's management-number change (a trim) already is in `pending`.
    let mut id_change: HashMap<usize, usize> = pending
        .iter()
        .enumerate()
        .filter(|(_, (_, c))| c.field == Field::Id)
        .map(|(pos, (i, _))| (*i, pos))
        .collect();
    for members in groups.values() {
        let originals: std::collections::HashSet<String> = members
            .iter()
            .filter_map(|&i| id_text(&conv.devices[i]).map(|t| exact_key(&t)))
            .collect();
        let collides = originals.len() > 1;
        for &i in members {
            let Some(after) = candidates[i].take() else {
                continue;
            };
            let Some(col) = conv.sources[i].field_cols[Field::Id.index()] else {
                continue;
            };
            let before = id_text(&conv.devices[i]).unwrap_or_default();
            let place = Place {
                sheet: conv.sources[i].sheet.to_string(),
                row: conv.sources[i].row,
                col: Some(col),
            };
            if collides {
                let others: Vec<String> = members
                    .iter()
                    .filter(|&&j| j != i)
                    .map(|&j| {
                        let s = &conv.sources[j];
                        let cell = s.field_cols[Field::Id.index()]
                            .map(|c| crate::address::a1(s.row, c))
                            .unwrap_or_default();
                        format!("{}!{cell}", s.sheet)
                    })
                    .collect();
                conv.kept.push(Kept {
                    place,
                    field: Field::Id,
                    value: before.clone(),
                    reason: Text::new(
                        format!("半角にすると「{after}」となり、{} の管理番号と同じになるため、そのままにしました(どちらが正しいか確認してください)。", others.join("、")),
                        format!("Half-width it would read 「{after}」, the same as the number at {}; left as typed (check which is right).", others.join(", ")),
                    ),
                });
                continue;
            }
            // Merge with a trim change already logged for the same cell.
            match id_change.get(&i) {
                Some(&pos) => {
                    let c = &mut pending[pos].1;
                    c.after = after.clone();
                    c.fixes.push(FixKind::IdHalfWidth);
                }
                None => {
                    id_change.insert(i, pending.len());
                    pending.push((
                        i,
                        Change {
                            place,
                            field: Field::Id,
                            id: None,
                            before,
                            after: after.clone(),
                            fixes: vec![FixKind::IdHalfWidth],
                        },
                    ));
                }
            }
            conv.devices[i].set(Field::Id, Some(CellValue::Text(after)));
        }
    }
}

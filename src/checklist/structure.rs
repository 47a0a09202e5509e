//! An edition built from a sheet's own rows: for a checklist whose edition daicho has no text for
//! (a 令和8年度版 sheet today), and for `daicho edition import`. Its items are the sheet's numbers,
//! texts and targets, so everything that needs no official text (unanswered, いいえ without
//! 目標日, no 確認日, past 目標日, blank form fields) is checked, and the items recognisable by their
//! meaning (台帳管理, リモートメンテナンス, セキュリティパッチ) get the ledger's evidence.

use super::edition::{Edition, FormField, Gate, Item, Section, Tag};
use super::parse::{match_key, Numbering, Target};
use super::read::ItemRow;
use crate::text;
use crate::workbook::Sheet;
use crate::Form;
use std::collections::HashSet;

/// Words that say what an item is about, in any edition's wording (after [`match_key`]). The first
/// item of a sheet that holds one of them gets the tag; a later one does not.
const MEANINGS: &[(Tag, &[&str])] = &[
    (
        Tag::Ledger,
        &["台帳管理", "台帳を作成", "台帳を整備", "機器台帳"],
    ),
    (
        Tag::RemoteMaintenance,
        &["リモートメンテナンス", "リモート保守", "遠隔保守"],
    ),
    (
        Tag::Patch,
        &["セキュリティパッチ", "更新プログラム", "最新ファームウェア"],
    ),
];

/// Header-field labels of forms daicho has no edition for, by the label of daicho's field: the
/// merged 「医療機関・薬局確認用」 (令和8年度版) names the institution for both.
const OTHER_FIELD_LABELS: &[(&str, &[&str])] = &[
    (
        "医療機関名",
        &[
            "医療機関・薬局名",
            "医療機関・薬局の名称",
            "医療機関等名",
            "医療機関等の名称",
            "薬局名",
            "施設の名称",
        ],
    ),
    ("記入者", &["記入者氏名", "記入者の氏名", "記入者名(氏名)"]),
];

/// The default edition's header fields, with the labels other editions' forms use for them.
pub fn fields_for_any_edition(fields: &[FormField]) -> Vec<FormField> {
    fields
        .iter()
        .map(|f| {
            let mut f = f.clone();
            if let Some((_, more)) = OTHER_FIELD_LABELS.iter().find(|(l, _)| *l == f.label) {
                for m in *more {
                    if !f.names().any(|n| n == *m) {
                        f.synonyms.push(m.to_string());
                    }
                }
            }
            f
        })
        .collect()
}

/// What an item text is about, when it is one of the items the ledger can inform.
pub fn tag_by_meaning(item_text: &str) -> Option<Tag> {
    let key = match_key(item_text);
    MEANINGS
        .iter()
        .find(|(_, words)| words.iter().any(|w| key.contains(&match_key(w))))
        .map(|(tag, _)| *tag)
}

/// An item number as an edition displays it: 「2-①」, 「2-(1)」, 「2-1」.
pub fn format_number(section: u32, index: u32, numbering: Numbering) -> String {
    let circled = match index {
        1..=20 => char::from_u32(0x2460 + index - 1),
        21..=35 => char::from_u32(0x3251 + index - 21),
        36..=50 => char::from_u32(0x32B1 + index - 36),
        _ => None,
    };
    match (numbering, circled) {
        (Numbering::Circled, Some(c)) => format!("{section}-{c}"),
        (Numbering::Paren, _) => format!("{section}-({index})"),
        _ => format!("{section}-{index}"),
    }
}

/// What the sheet (or the form being imported) says about itself.
pub struct SheetMeta {
    pub id: String,
    pub name: String,
    pub form: Form,
    pub title: String,
    pub source: String,
    /// The form's header fields (the default edition's labels for this form).
    pub fields: Vec<FormField>,
    /// Section headings seen on the sheet (「2 医療情報システムの管理・運用」).
    pub sections: Vec<(u32, String)>,
    /// Whether the edition is daicho's reading of a sheet it has no text for (true) or a form
    /// being imported (false).
    pub from_sheet: bool,
}

/// The edition a sheet's rows make, and for each row the index of its item. `None` when the
/// rows hold no item with a text.
pub fn edition_from_rows(
    meta: SheetMeta,
    gate: Option<&ItemRow>,
    rows: &[ItemRow],
) -> Option<(Edition, Vec<Option<usize>>)> {
    let numbering = majority_numbering(rows);
    let mut items: Vec<Item> = Vec::new();
    let mut row_items: Vec<Option<usize>> = Vec::with_capacity(rows.len());
    let mut taken: HashSet<(u32, u32)> = HashSet::new();
    let mut last_index: std::collections::HashMap<u32, u32> = Default::default();
    let mut tagged: HashSet<Tag> = HashSet::new();
    let mut by_place: std::collections::HashMap<(u32, u32), usize> = Default::default();
    let mut repeated = false;
    for row in rows {
        if row.sub_row {
            // A per-target row answers its item row's item.
            let parent = row_items.iter().rev().flatten().next().copied();
            if let Some(i) = parent {
                for t in &row.targets {
                    if !items[i].targets.contains(t) {
                        items[i].targets.push(*t);
                    }
                }
            }
            row_items.push(parent);
            continue;
        }
        let Some(text) = row.text.as_ref().filter(|t| !t.trim().is_empty()) else {
            row_items.push(None);
            continue;
        };
        let section = row.no.and_then(|n| n.section).or(row.section).unwrap_or(1);
        // The same number and text again: the next target of the same item (「(サーバ)」 rows).
        let again = row.no.and_then(|n| {
            let i = *by_place.get(&(section, n.index))?;
            (match_key(&items[i].text) == match_key(text)).then_some(i)
        });
        if let Some(i) = again {
            for t in &row.targets {
                if !items[i].targets.contains(t) {
                    items[i].targets.push(*t);
                }
            }
            repeated = true;
            row_items.push(Some(i));
            continue;
        }
        // A number used twice for different texts (a typo) gives the later one the next free index.
        let mut index = row
            .no
            .map(|n| n.index)
            .filter(|i| !taken.contains(&(section, *i)))
            .unwrap_or_else(|| last_index.get(&section).map_or(1, |i| i + 1));
        while !taken.insert((section, index)) {
            index += 1;
        }
        last_index.insert(section, index);
        by_place.insert((section, index), items.len());
        // A vendor's form answers for the vendor, not for the hospital's ledger.
        let tag = (meta.form != Form::Vendor)
            .then(|| tag_by_meaning(text))
            .flatten()
            .filter(|t| tagged.insert(*t));
        items.push(Item {
            number: format_number(section, index, numbering),
            text: text.clone(),
            targets: targets_of(&row.targets),
            tag,
            aliases: Vec::new(),
            note: None,
            unverified: false,
            no: None,
            keys: Vec::new(),
        });
        row_items.push(Some(items.len() - 1));
    }
    if items.is_empty() {
        return None;
    }
    let per_target = repeated || rows.iter().any(|r| r.sub_row);
    let mut section_numbers: Vec<u32> =
        items.iter().filter_map(|i| section_of(&i.number)).collect();
    section_numbers.sort_unstable();
    section_numbers.dedup();
    let sections = section_numbers
        .iter()
        .map(|n| Section {
            number: *n,
            title: meta
                .sections
                .iter()
                .find(|(s, _)| s == n)
                .map(|(_, t)| t.clone())
                .unwrap_or_default(),
            unverified: false,
        })
        .collect();
    let edition = Edition {
        id: meta.id,
        name: meta.name,
        form: meta.form,
        year: None,
        title: meta.title,
        source: meta.source,
        numbering,
        per_target,
        year_keys: Vec::new(),
        notes: Vec::new(),
        fields: meta.fields,
        gate: gate.and_then(|g| g.text.clone()).map(|text| Gate {
            text,
            aliases: Vec::new(),
            unverified: false,
            keys: Vec::new(),
        }),
        sections,
        items,
        path: None,
        from_sheet: meta.from_sheet,
    };
    let edition = edition.finish().ok()?;
    Some((edition, row_items))
}

/// The form's title: the first cell above the items that names a チェックリスト.
pub fn form_title(sheet: &Sheet, first_item: u32) -> Option<String> {
    sheet
        .grid
        .rows()
        .iter()
        .take_while(|r| r.index < first_item)
        .flat_map(|r| r.cells.iter())
        .filter_map(|(_, v)| v.as_text())
        .map(|s| text::trim(s).replace(['\n', '\r'], ""))
        .find(|s| s.contains("チェックリスト"))
}

/// Section headings (「2 医療情報システムの管理・運用」, 「3．インシデント…」) in the rows from a
/// little above `first_item` to `last_row`, each section's first.
pub fn section_headings(sheet: &Sheet, first_item: u32, last_row: u32) -> Vec<(u32, String)> {
    let mut out: Vec<(u32, String)> = Vec::new();
    for row in sheet.grid.rows() {
        if row.index + 3 < first_item || row.index > last_row {
            continue;
        }
        let heading = row
            .cells
            .iter()
            .filter_map(|(_, v)| v.as_text())
            .find_map(super::parse::parse_section_heading);
        if let Some((n, t)) = heading {
            if !out.iter().any(|(m, _)| *m == n) {
                out.push((n, t));
            }
        }
    }
    out
}

/// 「2-①」 -> 2.
fn section_of(number: &str) -> Option<u32> {
    number.split('-').next()?.parse().ok()
}

/// A row's targets as an item's: 医療情報システム全般 alone stands for itself.
fn targets_of(targets: &[Target]) -> Vec<Target> {
    let mut out: Vec<Target> = Vec::new();
    for t in targets {
        if !out.contains(t) {
            out.push(*t);
        }
    }
    out
}

/// The numbering most rows use (circled when none is written).
fn majority_numbering(rows: &[ItemRow]) -> Numbering {
    let (mut paren, mut circled, mut plain) = (0, 0, 0);
    for n in rows.iter().filter_map(|r| r.no) {
        match n.style {
            Numbering::Paren => paren += 1,
            Numbering::Circled => circled += 1,
            Numbering::Plain => plain += 1,
        }
    }
    if paren > circled && paren >= plain {
        Numbering::Paren
    } else if plain > circled && plain > paren {
        Numbering::Plain
    } else {
        Numbering::Circled
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_recognised_by_meaning_in_any_wording() {
        assert_eq!(
            tag_by_meaning("サーバ、端末PC、ネットワーク機器の台帳管理を行っている。"),
            Some(Tag::Ledger)
        );
        assert_eq!(
            tag_by_meaning(
                "リモートメンテナンス(保守)を利用している機器の有無を事業者に確認した。"
            ),
            Some(Tag::RemoteMaintenance)
        );
        assert_eq!(
            tag_by_meaning(
                "セキュリティパッチ(最新ファームウェアや更新プログラム)を適用している。"
            ),
            Some(Tag::Patch)
        );
        assert_eq!(tag_by_meaning("二要素認証を導入している。"), None);
    }

    fn row(number: &str, text: &str, targets: &[Target], sub_row: bool) -> ItemRow {
        let no = super::super::parse::parse_item_number(number);
        ItemRow {
            row: 0,
            number: Some(number.to_string()),
            no,
            section: no.and_then(|n| n.section),
            text: Some(text.to_string()),
            col: 1,
            targets: targets.to_vec(),
            item: None,
            sub_row,
            rounds: Default::default(),
        }
    }

    #[test]
    fn a_sheets_rows_make_an_edition() {
        let rows = vec![
            row("1-①", "責任者を置いている。", &[], false),
            row(
                "2-①",
                "機器の台帳管理を行っている。",
                &[Target::Server],
                false,
            ),
            row("2-①", "機器の台帳管理を行っている。", &[Target::Pc], true),
            // The same number and text again: the item's next target.
            row(
                "2-①",
                "機器の台帳管理を行っている。",
                &[Target::Network],
                false,
            ),
            // The same number for another text (a typo): the next free number.
            row("2-①", "セキュリティパッチを適用している。", &[], false),
            row("2-②", "二要素認証を導入している。", &[], false),
        ];
        let meta = SheetMeta {
            id: "r8".into(),
            name: "令和8年度版".into(),
            form: Form::Hospital,
            title: "t".into(),
            source: "s".into(),
            fields: Vec::new(),
            sections: vec![(2, "管理・運用".into())],
            from_sheet: true,
        };
        let (ed, items) = edition_from_rows(meta, None, &rows).unwrap();
        let numbers: Vec<&str> = ed.items.iter().map(|i| i.number.as_str()).collect();
        assert_eq!(numbers, vec!["1-①", "2-①", "2-②", "2-③"]);
        assert_eq!(
            items,
            vec![Some(0), Some(1), Some(1), Some(1), Some(2), Some(3)]
        );
        assert_eq!(
            ed.items[1].targets,
            vec![Target::Server, Target::Pc, Target::Network]
        );
        assert!(ed.per_target && ed.from_sheet);
        assert_eq!(ed.items[1].tag, Some(Tag::Ledger));
        assert_eq!(ed.items[2].tag, Some(Tag::Patch));
        assert_eq!(ed.sections.len(), 2);
        assert_eq!(ed.section_title(2).unwrap().title, "管理・運用");
    }

    #[test]
    fn the_merged_forms_labels_name_the_same_fields() {
        let r7 = super::super::edition::find_bundled(Some("r7"), Form::Hospital).unwrap();
        let fields = fields_for_any_edition(&r7.fields);
        let names = |label: &str| -> Vec<String> {
            fields
                .iter()
                .find(|f| f.label == label)
                .map(|f| f.names().map(str::to_string).collect())
                .unwrap_or_default()
        };
        assert!(names("医療機関名").contains(&"医療機関・薬局名".to_string()));
        assert!(names("記入者").contains(&"記入者氏名".to_string()));
        assert_eq!(fields.len(), r7.fields.len());
    }

    #[test]
    fn numbers_are_written_in_the_editions_style() {
        assert_eq!(format_number(2, 1, Numbering::Circled), "2-①");
        assert_eq!(format_number(2, 13, Numbering::Circled), "2-⑬");
        assert_eq!(format_number(3, 21, Numbering::Circled), "3-㉑");
        assert_eq!(format_number(2, 7, Numbering::Paren), "2-(7)");
        assert_eq!(format_number(1, 2, Numbering::Plain), "1-2");
        for (n, style) in [
            (1, Numbering::Circled),
            (40, Numbering::Circled),
            (5, Numbering::Paren),
        ] {
            let s = format_number(2, n, style);
            let no = super::super::parse::parse_item_number(&s).unwrap();
            assert_eq!((no.section, no.index), (Some(2), n), "{s}");
        }
    }
}

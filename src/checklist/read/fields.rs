//! The form's header fields (医療機関名, 記入者, 確認日 …): a label, and its value to the right, below,
//! or after a colon in the same cell.

use super::SCAN_ROWS;
use crate::checklist::parse::{is_blank_form_text, parse_form_date};
use crate::text;
use crate::workbook::{CellValue, Sheet};
use chrono::NaiveDate;
use std::collections::HashSet;

/// A header field of the form as found on the sheet.
#[derive(Debug, Clone)]
pub struct FieldCell {
    /// The edition's label (医療機関名, 記入者 …).
    pub label: String,
    pub required: bool,
    pub date: bool,
    /// Where the label is (0-based), `None` when the sheet has no such label.
    pub label_at: Option<(u32, u32)>,
    /// Where the value is or should be.
    pub value_at: Option<(u32, u32)>,
    pub value: Option<CellValue>,
    /// The value read as a date (date fields only).
    pub date_value: Option<NaiveDate>,
}

impl FieldCell {
    pub fn is_blank(&self) -> bool {
        self.value.as_ref().is_none_or(|v| {
            v.is_blank()
                || v.as_text()
                    .is_some_and(|s| is_blank_form_text(&text::key(s)))
        })
    }
}

#[cfg(test)]
impl FieldCell {
    pub fn display(&self) -> Option<String> {
        (!self.is_blank())
            .then(|| self.value.as_ref().map(|v| v.display()))
            .flatten()
    }
}

/// The form's header fields as found on the sheet (the rows in `skip` are the table's).
pub(super) fn read_fields(
    sheet: &Sheet,
    fields: &[crate::checklist::edition::FormField],
    skip: &HashSet<u32>,
    as_of: NaiveDate,
) -> Vec<FieldCell> {
    let all_labels: Vec<String> = fields
        .iter()
        .flat_map(|f| f.names().map(text::key))
        .collect();
    let mut out = Vec::new();
    for f in fields {
        out.push(
            find_field(sheet, f, skip, &all_labels).unwrap_or(FieldCell {
                label: f.label.clone(),
                required: f.required,
                date: f.date,
                label_at: None,
                value_at: None,
                value: None,
                date_value: None,
            }),
        );
    }
    for f in out.iter_mut().filter(|f| f.date) {
        f.date_value = f
            .value
            .as_ref()
            .and_then(|v| parse_form_date(v, as_of).date());
    }
    out
}

/// Brackets around a qualifier of a label: 「記入者(役職・氏名)」, 「医療機関名【正式名称】」 (after NFKC).
const QUALIFIER_BRACKETS: [(char, char); 6] = [
    ('(', ')'),
    ('【', '】'),
    ('[', ']'),
    ('〔', '〕'),
    ('<', '>'),
    ('《', '》'),
];
/// The longest 「・」 list read as a label (after qualifiers are removed).
const MAX_LIST_LABEL_CHARS: usize = 16;
/// Words a label may carry after the field's name: 「記入者氏名」, 「医療機関名称」, 「記入者欄」.
const NAME_SUFFIXES: [&str; 4] = ["氏名", "名称", "名", "欄"];

/// A label without its decoration and qualifiers, as a [`text::key`]: 「■医療機関名：」 →
/// 「医療機関名」, 「記入者(役職・氏名)」 → 「記入者」, 「(必須)医療機関名【正式名称】」 → 「医療機関名」.
fn strip_label(k: &str) -> String {
    let mut out = String::with_capacity(k.len());
    let mut depth: Vec<char> = Vec::new();
    for c in k.chars() {
        if let Some(&(_, close)) = QUALIFIER_BRACKETS.iter().find(|(open, _)| *open == c) {
            depth.push(close);
        } else if depth.last() == Some(&c) {
            depth.pop();
        } else if depth.is_empty() {
            out.push(c);
        }
    }
    // An unclosed bracket: keep what stood before it.
    out.trim_end_matches([':', '*', '※', '・'])
        .trim_start_matches(['■', '□', '●', '○', '◆', '◇', '・', '*', '※'])
        .to_string()
}

/// Whether a label (a [`text::key`]) names one of `names` (keys too): exactly, with a qualifier
/// in brackets, as one part of a 「・」 or 「/」 list (「所属・記入者」), or followed by 氏名/名称/名/欄.
fn names_field(label: &str, names: &[String]) -> bool {
    let base = strip_label(label);
    if base.is_empty() {
        return false;
    }
    let is_name = |part: &str| {
        names.iter().any(|n| {
            part == n
                || part
                    .strip_prefix(n.as_str())
                    .is_some_and(|rest| NAME_SUFFIXES.contains(&rest))
                // 「施設名称」 for 施設名.
                || (n.ends_with('名') && part.strip_prefix(n.as_str()) == Some("称"))
        })
    };
    // A list is a short label (「所属・記入者」), never a title that names a form
    // (「医療機関・薬局におけるサイバーセキュリティ対策チェックリスト」).
    is_name(&base)
        || (base.contains(['・', '/'])
            && base.chars().count() <= MAX_LIST_LABEL_CHARS
            && base.split(['・', '/']).any(is_name))
}

/// A cell holding 「label：value」 for one of `names`: the value as typed (trimmed; `None` when
/// nothing follows the colon). `None` when the cell is not such a label.
fn label_with_value(raw: &str, names: &[String]) -> Option<Option<String>> {
    let (label, value) = raw.split_once([':', '：', '︰'])?;
    // A colon inside a qualifier (「記入者(役職:氏名)」) is not the label's end.
    let k = text::key(label);
    if QUALIFIER_BRACKETS
        .iter()
        .any(|(o, c)| k.matches(*o).count() > k.matches(*c).count())
    {
        return None;
    }
    if !names_field(&k, names) {
        return None;
    }
    let value = text::trim(value);
    Some((!value.is_empty()).then(|| value.to_string()))
}

/// The first cell, row by row, labelled as the field (its value to the right before the next
/// label, or below), or holding 「label：value」; `None` when the sheet has no such label.
fn find_field(
    sheet: &Sheet,
    f: &crate::checklist::edition::FormField,
    skip: &HashSet<u32>,
    all_labels: &[String],
) -> Option<FieldCell> {
    let is_label = |s: &str| names_field(&text::key(s), all_labels);
    let names: Vec<String> = f.names().map(text::key).collect();
    for row in sheet.grid.rows().iter().take_while(|r| r.index < SCAN_ROWS) {
        if skip.contains(&row.index) {
            continue;
        }
        for (col, v) in &row.cells {
            let Some(s) = v.as_text() else { continue };
            let k = text::key(s);
            let merge_end = sheet
                .merge_at(row.index, *col)
                .map(|m| m.last_col)
                .unwrap_or(*col);
            let mut cell = FieldCell {
                label: f.label.clone(),
                required: f.required,
                date: f.date,
                label_at: Some((row.index, *col)),
                value_at: Some((row.index, merge_end + 1)),
                value: None,
                date_value: None,
            };
            if names_field(&k, &names) {
                // The value is to the right (before the next label) or below.
                let right = row
                    .cells
                    .iter()
                    .filter(|(c, _)| *c > merge_end && *c <= merge_end + 6)
                    .find(|(_, v)| !v.is_blank());
                match right {
                    Some((c, v)) if !v.as_text().is_some_and(is_label) => {
                        cell.value_at = Some((row.index, *c));
                        cell.value = Some(v.clone());
                    }
                    // The next label to the right (labels side by side, values below them), or
                    // nothing: the value is below.
                    _ => {
                        let below = row.index + 1;
                        if !skip.contains(&below) {
                            if let Some(v) = sheet
                                .grid
                                .get(below, *col)
                                .filter(|v| !v.is_blank() && !v.as_text().is_some_and(is_label))
                            {
                                if sheet.grid.row(below).is_some_and(|r| {
                                    r.cells.iter().filter(|(_, v)| !v.is_blank()).count() <= 2
                                }) {
                                    cell.value_at = Some((below, *col));
                                    cell.value = Some(v.clone());
                                }
                            }
                        }
                    }
                }
                return Some(cell);
            }
            // 「医療機関名：○○病院」, 「記入者(役職・氏名)：事務長 山田」 in one cell.
            if let Some(value) = label_with_value(s, &names) {
                cell.value_at = Some((row.index, *col));
                cell.value = value.map(CellValue::Text);
                return Some(cell);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::edition::FormField;

    fn field(label: &str, synonyms: &[&str], date: bool) -> FormField {
        FormField {
            label: label.into(),
            synonyms: synonyms.iter().map(|s| s.to_string()).collect(),
            required: !date,
            date,
            unverified: false,
        }
    }

    /// The hospital form's fields, as `templates/checklist/r7-hospital.toml` has them.
    fn hospital() -> Vec<FormField> {
        vec![
            field(
                "医療機関名",
                &[
                    "医療機関の名称",
                    "施設名",
                    "病院名",
                    "診療所名",
                    "医療機関",
                    "機関名",
                    "名称",
                ],
                false,
            ),
            field(
                "記入者",
                &[
                    "記入者名",
                    "記載者",
                    "記入担当者",
                    "回答者",
                    "担当者",
                    "担当者名",
                    "作成者",
                ],
                false,
            ),
            field("確認日", &["確認年月日", "記入日", "作成日"], true),
        ]
    }

    fn keys(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| text::key(n)).collect()
    }

    #[test]
    fn labels_with_qualifiers_name_their_field() {
        let names = keys(&["記入者", "記入者名", "担当者", "回答者"]);
        for (label, expected) in [
            ("記入者", true),
            ("記入者(役職・氏名)", true),
            ("記入者（役職・氏名）", true),
            ("記入者 （役職・氏名）：", true),
            ("■記入者：", true),
            ("記 入 者", true),
            ("記入者【氏名】", true),
            ("(必須)記入者", true),
            ("記入者氏名", true),
            ("記入担当者", false),
            ("所属・記入者", true),
            ("担当者・連絡先", true),
            ("記入者欄", true),
            ("役職・氏名", false),
            (
                "医療機関・薬局におけるサイバーセキュリティ対策チェックリスト(令和8年度版)【医療機関・薬局確認用】",
                false,
            ),
            ("連絡先", false),
            ("記入者数", false),
            ("記入方法", false),
        ] {
            assert_eq!(names_field(&text::key(label), &names), expected, "{label}");
        }
        let names = keys(&["医療機関名", "医療機関の名称", "医療機関", "名称", "施設名"]);
        for (label, expected) in [
            ("医療機関名(正式名称)", true),
            ("医療機関名（正式名称）", true),
            ("医療機関の名称(正式名称)：", true),
            ("医療機関名称", true),
            ("医療機関名称(正式)", true),
            ("●医療機関名＊", true),
            ("施設名称", true),
            ("施設名・所在地", true),
            ("医療機関コード", false),
            ("医療機関等の種別", false),
        ] {
            assert_eq!(names_field(&text::key(label), &names), expected, "{label}");
        }
    }

    #[test]
    fn label_and_value_in_one_cell() {
        let names = keys(&["記入者", "記入者名"]);
        for (cell, expected) in [
            ("記入者：山田 太郎", Some(Some("山田 太郎"))),
            ("記入者(役職・氏名)：事務長 山田", Some(Some("事務長 山田"))),
            ("記入者（役職・氏名）: ", Some(None)),
            ("記入者名:山田", Some(Some("山田"))),
            ("記入者(役職:氏名)", None),
            ("備考：記入者は…", None),
        ] {
            assert_eq!(
                label_with_value(cell, &names),
                expected.map(|v| v.map(str::to_string)),
                "{cell}"
            );
        }
    }

    fn read(rows: &[&[&str]]) -> Vec<FieldCell> {
        let sheet = Sheet::from_text_rows("チェックリスト", rows);
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 25).expect("date");
        read_fields(&sheet, &hospital(), &HashSet::new(), as_of)
    }

    #[test]
    fn forms_as_people_label_them_are_read() {
        // (rows, 医療機関名, 記入者) as found on filled-in sheets.
        type Case<'a> = (&'a [&'a [&'a str]], Option<&'a str>, Option<&'a str>);
        let cases: [Case<'_>; 5] = [
            (
                &[
                    &["医療機関名(正式名称)", "", "医療法人さくら会 さくら病院"],
                    &["記入者(役職・氏名)", "", "事務長 山田太郎"],
                ],
                Some("医療法人さくら会 さくら病院"),
                Some("事務長 山田太郎"),
            ),
            (
                &[
                    &["医療機関名（正式名称）：", "さくら病院"],
                    &["記入者（役職・氏名）：", "情報システム課 佐藤"],
                ],
                Some("さくら病院"),
                Some("情報システム課 佐藤"),
            ),
            (
                &[
                    &["医療機関名：さくら病院"],
                    &["記入者(役職・氏名)：事務長 山田"],
                ],
                Some("さくら病院"),
                Some("事務長 山田"),
            ),
            (
                &[
                    &["医療機関名(正式名称)", "記入者(役職・氏名)"],
                    &["さくら病院", "山田"],
                ],
                Some("さくら病院"),
                Some("山田"),
            ),
            (
                &[&["医療機関名(正式名称)", "", "記入者(役職・氏名)", ""]],
                None,
                None,
            ),
        ];
        for (rows, name, writer) in cases {
            let f = read(rows);
            assert!(
                f[0].label_at.is_some() && f[1].label_at.is_some(),
                "{rows:?}"
            );
            assert_eq!(f[0].display().as_deref(), name, "{rows:?}");
            assert_eq!(f[1].display().as_deref(), writer, "{rows:?}");
        }
    }
}

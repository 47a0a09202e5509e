//! Understanding a sheet: its role (ledger / checklist / other), where its header is, and which
//! column holds which canonical field.

mod fields;

pub use fields::{Field, FieldRole, FieldTable, MatchStrength};

use crate::workbook::{CellValue, Sheet};
use serde::Serialize;

/// How many rows from the top to search for a header.
pub const HEADER_SEARCH_ROWS: u32 = 30;

/// Written in A1 of the summary sheet; marks the sheet as daicho's own when a `.checked.xlsx` is
/// checked again.
pub const SUMMARY_MARKER: &str = "daicho チェック結果";
/// The filled-in checklist sheet writes this (alone or followed by a title) in a cell of its
/// first row, so that the sheet is not read back as the hospital's checklist.
pub const CHECKLIST_MARKER: &str = "daicho 記入済みチェックリスト";

/// Whether a sheet is one daicho wrote itself (the summary or the filled-in checklist of an
/// earlier `.checked.xlsx`): such sheets are not data and are neither linted nor copied again.
pub fn is_daicho_sheet(sheet: &Sheet) -> bool {
    let Some(first) = sheet.grid.rows().first() else {
        return false;
    };
    first.index == 0
        && first.cells.iter().any(|(_, v)| {
            matches!(v, CellValue::Text(s) if {
                let s = s.trim_start();
                s.starts_with(SUMMARY_MARKER) || s.starts_with(CHECKLIST_MARKER)
            })
        })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SheetRole {
    Ledger,
    Checklist,
    Other,
}

impl SheetRole {
    pub fn as_str(self) -> &'static str {
        match self {
            SheetRole::Ledger => "ledger",
            SheetRole::Checklist => "checklist",
            SheetRole::Other => "other",
        }
    }
}

/// One column of a ledger sheet.
#[derive(Debug, Clone)]
pub struct Column {
    pub col: u32,
    /// The header text as typed (parent and child joined for two-row headers: 「ネットワーク / IPアドレス」).
    pub header: String,
    /// The label the field was matched on: the lowest header cell over the column.
    pub label: String,
    pub field: Option<Field>,
    pub strength: Option<MatchStrength>,
}

/// Where a ledger sheet's table is and what its columns mean.
#[derive(Debug, Clone)]
pub struct LedgerLayout {
    /// 0-based row of the (lowest) header row.
    pub header_row: u32,
    /// 0-based row of a parent header row above it (two-row headers), if any.
    pub parent_row: Option<u32>,
    pub columns: Vec<Column>,
    /// Column of each field actually used (the first one when several map to the same field).
    field_cols: [Option<u32>; Field::ALL.len()],
    /// Columns that map to a field already taken (L003).
    pub duplicate_columns: Vec<(Field, u32)>,
}

impl LedgerLayout {
    pub fn col(&self, f: Field) -> Option<u32> {
        self.field_cols[f.index()]
    }

    pub fn has(&self, f: Field) -> bool {
        self.col(f).is_some()
    }

    pub fn data_start(&self) -> u32 {
        self.header_row + 1
    }

    /// The fields present, in standard order.
    pub fn fields(&self) -> impl Iterator<Item = (Field, u32)> + '_ {
        Field::ALL
            .into_iter()
            .filter_map(|f| self.col(f).map(|c| (f, c)))
    }

    fn score(&self) -> usize {
        self.field_cols.iter().filter(|c| c.is_some()).count()
    }

    fn core_count(&self) -> usize {
        [Field::Id, Field::Os, Field::Ip]
            .into_iter()
            .filter(|f| self.has(*f))
            .count()
    }
}

/// Finds the ledger header of a sheet, if it has one.
///
/// Tries every row among the first [`HEADER_SEARCH_ROWS`], alone and as the child of the row above
/// (two-row headers with a merged parent such as 「ネットワーク」 over 「IPアドレス」「ホスト名」), and keeps
/// the candidate that recognises the most fields. A sheet counts as a ledger when at least three
/// fields are recognised, one of them a core field (or four fields without one).
pub fn find_ledger_layout(sheet: &Sheet, table: &FieldTable) -> Option<LedgerLayout> {
    let mut best: Option<LedgerLayout> = None;
    let rows = sheet.grid.rows();
    let candidates = rows.iter().take_while(|r| r.index < HEADER_SEARCH_ROWS);
    for row in candidates {
        // Only rows made mostly of text can be headers.
        let text_cells = row
            .cells
            .iter()
            .filter(|(_, v)| matches!(v, CellValue::Text(_)))
            .count();
        if text_cells < 2 {
            continue;
        }
        let single = build_layout(sheet, table, row.index, None);
        let pair = row
            .index
            .checked_sub(1)
            .filter(|p| sheet.grid.row(*p).is_some())
            .map(|p| build_layout(sheet, table, row.index, Some(p)));
        for cand in std::iter::once(single).chain(pair) {
            let better = match &best {
                None => true,
                Some(b) => {
                    (cand.score(), cand.core_count()) > (b.score(), b.core_count())
                        || ((cand.score(), cand.core_count()) == (b.score(), b.core_count())
                            && cand.parent_row.is_none()
                            && b.parent_row.is_some()
                            && b.header_row == cand.header_row)
                }
            };
            if better {
                best = Some(cand);
            }
        }
    }
    best.filter(|b| (b.score() >= 3 && b.core_count() >= 1) || b.score() >= 4)
}

fn header_text(sheet: &Sheet, row: u32, col: u32) -> Option<String> {
    match sheet.grid.get(row, col) {
        Some(CellValue::Text(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Some(CellValue::Number(n)) => Some(crate::workbook::format_number(*n)),
        _ => None,
    }
}

/// The parent label over a column: the cell itself, or the top-left cell of a horizontal merge
/// covering it.
fn parent_text(sheet: &Sheet, row: u32, col: u32) -> Option<String> {
    header_text(sheet, row, col).or_else(|| {
        sheet
            .merge_at(row, col)
            .and_then(|m| header_text(sheet, m.first_row, m.first_col))
    })
}

fn build_layout(
    sheet: &Sheet,
    table: &FieldTable,
    header_row: u32,
    parent_row: Option<u32>,
) -> LedgerLayout {
    let mut cols: Vec<u32> = sheet
        .grid
        .row(header_row)
        .map(|r| r.cells.iter().map(|(c, _)| *c).collect())
        .unwrap_or_default();
    if let Some(p) = parent_row {
        if let Some(r) = sheet.grid.row(p) {
            cols.extend(r.cells.iter().map(|(c, _)| *c));
        }
        // Columns under a horizontal merge in the parent row.
        for m in &sheet.merges {
            if m.first_row <= p && p <= m.last_row {
                cols.extend(m.first_col..=m.last_col.min(m.first_col + 64));
            }
        }
    }
    cols.sort_unstable();
    cols.dedup();

    let mut columns = Vec::with_capacity(cols.len());
    for col in cols {
        let child = header_text(sheet, header_row, col);
        let parent = parent_row.and_then(|p| parent_text(sheet, p, col));
        // A vertically merged cell spanning both rows holds its label in the parent row.
        let (header, label) = match (&parent, &child) {
            (Some(p), Some(c)) => (format!("{p} / {c}"), c.clone()),
            (None, Some(c)) => (c.clone(), c.clone()),
            (Some(p), None) => (p.clone(), p.clone()),
            (None, None) => continue,
        };
        let mut m = table.match_label(&label);
        if let (Some(p), Some(c)) = (&parent, &child) {
            // 「ネットワーク」+「アドレス」, 「ソフトウェア」+「バージョン」: the joined label.
            let joined = table.match_label(&format!("{p}{c}"));
            m = match table.match_label(p) {
                None => m.or(joined),
                // A joined label that is itself a synonym (「OS」+「バージョン」) says what it is.
                Some(_) if joined.is_some_and(|(_, s)| s.exact) => joined,
                // Otherwise, when the parent alone names a field, the child can only refine it
                // (「利用者」 over 「氏名」): a child meaning something else is more likely a data
                // row under a one-row header (「管理部署」 over 「情報システム室」, not ソフトウェア).
                Some(parent_match) => [m, joined]
                    .into_iter()
                    .flatten()
                    .find(|(f, _)| *f == parent_match.0)
                    .or(Some(parent_match)),
            };
        }
        columns.push(Column {
            col,
            header,
            label,
            field: m.map(|x| x.0),
            strength: m.map(|x| x.1),
        });
    }
    assign_fields(header_row, parent_row, columns)
}

/// Picks one column per field: the strongest match, the leftmost among equals. A column clearly
/// weaker than the chosen one (a lower strength: a running 「No.」 beside 管理番号, 機器名称 beside
/// 端末名) is just an unknown column; one as strong is a duplicate (L003).
fn assign_fields(
    header_row: u32,
    parent_row: Option<u32>,
    mut columns: Vec<Column>,
) -> LedgerLayout {
    let mut field_cols: [Option<u32>; Field::ALL.len()] = [None; Field::ALL.len()];
    let mut duplicate_columns = Vec::new();
    for f in Field::ALL {
        let mut best: Option<(MatchStrength, u32)> = None;
        for c in columns.iter().filter(|c| c.field == Some(f)) {
            let s = c.strength.unwrap_or(MatchStrength::WEAK);
            if best.is_none_or(|(bs, _)| s > bs) {
                best = Some((s, c.col));
            }
        }
        let Some((best_strength, best_col)) = best else {
            continue;
        };
        field_cols[f.index()] = Some(best_col);
        for c in columns
            .iter_mut()
            .filter(|c| c.field == Some(f) && c.col != best_col)
        {
            let s = c.strength.unwrap_or(MatchStrength::WEAK);
            if s.clearly_weaker_than(best_strength) {
                c.field = None;
                c.strength = None;
            } else {
                duplicate_columns.push((f, c.col));
            }
        }
    }
    LedgerLayout {
        header_row,
        parent_row,
        columns,
        field_cols,
        duplicate_columns,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workbook::Merge;

    fn sheet(rows: &[&[&str]], merges: Vec<Merge>) -> Sheet {
        Sheet {
            merges,
            ..Sheet::from_text_rows("台帳", rows)
        }
    }

    #[test]
    fn header_below_title_rows() {
        let s = sheet(
            &[
                &["機器台帳", "", ""],
                &["作成日: 2024/4/1"],
                &[],
                &["No.", "管理番号", "OS", "IPアドレス", "設置場所"],
                &["1", "001", "Win10", "192.168.1.1", "受付"],
            ],
            vec![],
        );
        let l = find_ledger_layout(&s, FieldTable::bundled()).expect("ledger");
        assert_eq!(l.header_row, 3);
        assert_eq!(l.col(Field::Id), Some(1));
        assert_eq!(l.col(Field::Os), Some(2));
        assert!(l.duplicate_columns.is_empty());
    }

    #[test]
    fn running_number_is_id_when_nothing_better() {
        let s = sheet(&[&["No.", "OS", "IPアドレス", "設置場所"]], vec![]);
        let l = find_ledger_layout(&s, FieldTable::bundled()).expect("ledger");
        assert_eq!(l.col(Field::Id), Some(0));
    }

    #[test]
    fn two_row_header_with_merged_parent() {
        let s = sheet(
            &[
                &["管理番号", "OS", "ネットワーク", "", "設置場所"],
                &["", "", "IPアドレス", "ホスト名", ""],
                &["001", "Win10", "192.168.1.1", "pc1", "受付"],
            ],
            vec![
                Merge {
                    first_row: 0,
                    first_col: 2,
                    last_row: 0,
                    last_col: 3,
                },
                Merge {
                    first_row: 0,
                    first_col: 0,
                    last_row: 1,
                    last_col: 0,
                },
            ],
        );
        let l = find_ledger_layout(&s, FieldTable::bundled()).expect("ledger");
        assert_eq!(l.header_row, 1);
        assert_eq!(l.parent_row, Some(0));
        assert_eq!(l.col(Field::Id), Some(0));
        assert_eq!(l.col(Field::Ip), Some(2));
        assert_eq!(l.col(Field::Hostname), Some(3));
        assert_eq!(l.col(Field::Location), Some(4));
    }

    #[test]
    fn duplicate_columns_are_reported() {
        let s = sheet(&[&["管理番号", "OS", "IPアドレス", "IP"]], vec![]);
        let l = find_ledger_layout(&s, FieldTable::bundled()).expect("ledger");
        assert_eq!(l.col(Field::Ip), Some(2));
        assert_eq!(l.duplicate_columns, vec![(Field::Ip, 3)]);
    }

    fn layout(header: &[&str]) -> LedgerLayout {
        let s = sheet(&[header], vec![]);
        find_ledger_layout(&s, FieldTable::bundled()).expect("ledger")
    }

    /// issue 13: when two columns could be the same field, the better synonym wins whichever is
    /// leftmost, and the weaker one is an unknown column, not L003.
    #[test]
    fn the_strongest_synonym_wins_wherever_it_is() {
        let cases: &[(&[&str], Field, u32)] = &[
            // 機器名称 (a description) before 端末名.
            (
                &["管理番号", "機器名称", "端末名", "OS", "IPアドレス"],
                Field::Hostname,
                2,
            ),
            (
                &["管理番号", "端末名", "機器名称", "OS", "IPアドレス"],
                Field::Hostname,
                1,
            ),
            // A department is who uses the device, not where it is.
            (
                &["管理番号", "OS", "IPアドレス", "使用部署", "設置場所"],
                Field::Location,
                4,
            ),
            (
                &["管理番号", "OS", "IPアドレス", "使用部署", "設置場所"],
                Field::User,
                3,
            ),
            (
                &["管理番号", "OS", "IPアドレス", "部署", "利用者"],
                Field::User,
                4,
            ),
            (
                &["管理番号", "OS", "IPアドレス", "管理部署", "使用部署"],
                Field::User,
                4,
            ),
            (&["資産番号", "管理番号", "OS", "IPアドレス"], Field::Id, 1),
            (&["No.", "資産番号", "OS", "IPアドレス"], Field::Id, 1),
            (
                &["管理番号", "OSバージョン", "OS", "IPアドレス"],
                Field::Os,
                2,
            ),
            (
                &["管理番号", "導入日", "登録日", "OS", "IPアドレス"],
                Field::Registered,
                2,
            ),
            (
                &["管理番号", "購入日", "導入日", "OS", "IPアドレス"],
                Field::Registered,
                2,
            ),
            (
                &["管理番号", "サーバ名", "OS", "IPアドレス"],
                Field::Hostname,
                1,
            ),
            // The synonym itself beats a longer label that only contains it.
            (&["管理番号", "OSビルド", "OS", "IPアドレス"], Field::Os, 2),
            (
                &["管理番号", "OS", "管理用IPアドレス", "IPアドレス"],
                Field::Ip,
                3,
            ),
            (
                &[
                    "管理番号",
                    "OS",
                    "IPアドレス",
                    "最終ログオンユーザー",
                    "使用者",
                ],
                Field::User,
                4,
            ),
        ];
        for (header, f, col) in cases {
            let l = layout(header);
            assert_eq!(l.col(*f), Some(*col), "{header:?} {f:?}");
            assert!(l.duplicate_columns.is_empty(), "{header:?}");
        }
    }

    #[test]
    fn equally_good_names_are_still_duplicates() {
        let l = layout(&["管理番号", "OS", "IPアドレス", "ホスト名", "端末名"]);
        assert_eq!(l.col(Field::Hostname), Some(3));
        assert_eq!(l.duplicate_columns, vec![(Field::Hostname, 4)]);
        let l = layout(&["管理番号", "OS", "IPアドレス", "使用部署", "所属"]);
        assert_eq!(l.duplicate_columns, vec![(Field::User, 4)]);
    }

    /// A data row under a header is not the child row of a two-row header, even when a value
    /// joined to the label above it would name another field (「管理部署」+「情報システム室」).
    #[test]
    fn a_data_row_is_not_a_child_header() {
        let s = sheet(
            &[
                &["サーバ台帳"],
                &[],
                &[
                    "管理番号",
                    "OS",
                    "OSバージョン",
                    "IPアドレス",
                    "部署",
                    "管理部署",
                    "設置場所",
                ],
                &[
                    "SV-001",
                    "Windows Server 2022",
                    "21H2",
                    "192.168.1.10",
                    "医療情報部",
                    "情報システム室",
                    "サーバ室",
                ],
                &[
                    "SV-002",
                    "Windows Server 2019",
                    "1809",
                    "192.168.1.11",
                    "医療情報部",
                    "情報システム室",
                    "サーバ室",
                ],
            ],
            vec![],
        );
        let l = find_ledger_layout(&s, FieldTable::bundled()).expect("ledger");
        assert_eq!(l.header_row, 2);
        assert_eq!(l.parent_row, None);
        assert_eq!(l.col(Field::Os), Some(1));
        assert_eq!(l.col(Field::User), Some(4));
        assert_eq!(l.col(Field::Software), None);
    }

    #[test]
    fn cover_sheet_is_not_a_ledger() {
        let s = sheet(&[&["医療機関名", "〇〇病院"], &["記入者", "山田"]], vec![]);
        assert!(find_ledger_layout(&s, FieldTable::bundled()).is_none());
    }
}

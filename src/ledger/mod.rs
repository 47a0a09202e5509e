//! The ledger model: the devices of every ledger sheet of one workbook, and the value parsers
//! that read their cells.

pub mod date;
pub mod id;
pub mod ip;
pub mod os;
pub mod status;
pub mod words;

pub use status::{DeviceKind, Status};

use crate::layout::{Field, LedgerLayout};
use crate::workbook::{CellValue, Row, Sheet};

/// One device: a row of a ledger sheet.
#[derive(Debug, Clone)]
pub struct Device<'a> {
    pub row: &'a Row,
    /// `None` when the status column is missing or blank; an unknown word is also `None` (S001).
    pub status: Option<Status>,
    /// From the kind column, else the sheet name, else the OS.
    pub kind: Option<DeviceKind>,
    /// Values the row shows through a vertical merge that starts on a device row above it (a
    /// 設置場所 merged over two rows): the user sees the value on every row the merge covers.
    pub inherited: Vec<Inherited<'a>>,
    /// The management number, or every filled cell of the row, is struck through: how many
    /// hospitals mark a retired device. Treated like 状態 廃棄 ([`Device::is_retired`]).
    pub struck: bool,
}

/// A cell a device row shows from the top-left cell of a merge above it.
#[derive(Debug, Clone, Copy)]
pub struct Inherited<'a> {
    pub col: u32,
    /// The row holding the merge's value (its top-left cell is in column `col`).
    pub from: &'a Row,
}

impl<'a> Device<'a> {
    /// The device's 0-based row in its sheet.
    pub fn row_index(&self) -> u32 {
        self.row.index
    }

    /// Retired by its status, or struck through.
    pub fn is_retired(&self) -> bool {
        self.status == Some(Status::Retired) || self.struck
    }

    /// The value the row shows in a column: its own cell, else the merge's it lies in.
    pub fn get(&self, col: u32) -> Option<&'a CellValue> {
        let own = self.row.get(col).filter(|v| !v.is_blank());
        own.or_else(|| self.inherited_from(col)?.get(col))
    }

    /// The text the row shows in a column (through its number format), own or merged.
    pub fn shown(&self, col: u32) -> Option<std::borrow::Cow<'a, str>> {
        match self.row.get(col).filter(|v| !v.is_blank()) {
            Some(_) => self.row.shown(col),
            None => self.inherited_from(col)?.shown(col),
        }
    }

    /// The cell a finding about a column should point at: the merge's top-left cell when the
    /// value comes from a merge, else the row's own cell.
    pub fn cell_of(&self, col: u32) -> (u32, u32) {
        match self.row.get(col).filter(|v| !v.is_blank()) {
            Some(_) => (self.row.index, col),
            None => self
                .inherited_from(col)
                .map_or((self.row.index, col), |from| (from.index, col)),
        }
    }

    fn inherited_from(&self, col: u32) -> Option<&'a Row> {
        self.inherited.iter().find(|i| i.col == col).map(|i| i.from)
    }
}

/// A row under the table that is not a device (「合計 42台」, 「※…」 notes).
#[derive(Debug, Clone)]
pub struct SkippedRow {
    pub row: u32,
    pub text: String,
}

/// A sheet recognised as a ledger, with its devices.
#[derive(Debug)]
pub struct LedgerSheet<'a> {
    /// Index of the sheet in the workbook.
    pub sheet_index: usize,
    pub sheet: &'a Sheet,
    pub layout: LedgerLayout,
    /// The device kind the sheet name implies (「サーバ」, 「端末PC」 …).
    pub kind_hint: Option<DeviceKind>,
    pub devices: Vec<Device<'a>>,
    pub skipped: Vec<SkippedRow>,
}

impl<'a> LedgerSheet<'a> {
    pub fn name(&self) -> &str {
        &self.sheet.name
    }

    /// The value of a field for a device (its own cell, or the merge it lies in); `None` when
    /// the column is missing or the cell blank.
    pub fn value(&self, device: &Device<'a>, field: Field) -> Option<&'a CellValue> {
        device.get(self.layout.col(field)?)
    }

    /// A field of a device as the rules read it; `None` when the column is missing or the cell
    /// blank.
    pub fn field(&self, device: &Device<'a>, field: Field) -> Option<FieldValue<'a>> {
        let col = self.layout.col(field)?;
        let value = device.get(col)?;
        let from = match device.row.get(col).filter(|v| !v.is_blank()) {
            Some(_) => device.row,
            None => device.inherited_from(col)?,
        };
        Some(FieldValue { value, from, col })
    }

    /// The text of a field as the user sees it: a number through its number format (`DC-025`,
    /// `001`), other non-text cells in their display form.
    pub fn text(&self, device: &Device<'a>, field: Field) -> Option<std::borrow::Cow<'a, str>> {
        device.shown(self.layout.col(field)?)
    }
}

/// One field's value as typed into the ledger: what rules read instead of a raw cell.
#[derive(Debug, Clone)]
pub struct FieldValue<'a> {
    value: &'a CellValue,
    /// The row the value is in (the device's own, or the one of a merge above it) and its
    /// column: what the cell shows is looked up only when asked for ([`FieldValue::display`]).
    from: &'a Row,
    col: u32,
}

impl<'a> FieldValue<'a> {
    /// The text, when the cell holds text (not a number or date shown as text).
    pub fn as_text(&self) -> Option<&'a str> {
        self.value.as_text()
    }

    /// The value as the user sees it in the cell: a date through its era format, a number
    /// through its number format.
    pub fn display(&self) -> String {
        match self.from.shown(self.col) {
            Some(shown) => shown.into_owned(),
            None => self.value.display(),
        }
    }

    /// The value read as a date (a date cell, an Excel serial number or a written date): dates
    /// are judged by their value, whatever they show.
    pub fn date(&self) -> Result<chrono::NaiveDate, date::DateError> {
        date::parse_date_cell(self.value)
    }
}

/// Every ledger sheet of one workbook: one ledger for cross-sheet checks.
#[derive(Debug, Default)]
pub struct Ledger<'a> {
    pub sheets: Vec<LedgerSheet<'a>>,
}

impl<'a> Ledger<'a> {
    pub fn device_count(&self) -> usize {
        self.sheets.iter().map(|s| s.devices.len()).sum()
    }

    /// Every device with its sheet, in workbook order.
    pub fn devices(&self) -> impl Iterator<Item = (&LedgerSheet<'a>, &Device<'a>)> {
        self.sheets
            .iter()
            .flat_map(|s| s.devices.iter().map(move |d| (s, d)))
    }
}

/// Reads the device rows under a ledger header. Each row is first looked at on its own (on
/// every core: a 10,000-row sheet took 11 ms in one), then in order, where a section row sets
/// the kind of the rows under it and a merge from a device row above gives its value.
pub fn read_ledger_sheet<'a>(
    sheet_index: usize,
    sheet: &'a Sheet,
    layout: LedgerLayout,
) -> LedgerSheet<'a> {
    use rayon::prelude::*;
    let kind_hint = status::kind_from_sheet_name(&sheet.name);
    let mapped: Vec<u32> = layout.fields().map(|(_, c)| c).collect();
    let merges = TableMerges::new(sheet, &mapped, layout.data_start());
    let labels = HeaderLabels::of(&layout);
    let look = RowLook {
        layout: &layout,
        mapped: &mapped,
        labels: &labels,
    };
    let rows = sheet.grid.rows_from(layout.data_start());
    let seen: Vec<RowSeen> = rows
        .par_iter()
        .with_min_len(256)
        .map(|row| look.see(row))
        .collect();
    let mut devices: Vec<Device<'a>> = Vec::new();
    let mut skipped = Vec::new();
    // 「■サーバ」-style section rows inside one sheet set the kind of the rows under them.
    let mut section_kind: Option<DeviceKind> = None;
    for (row, seen) in rows.iter().zip(seen) {
        let own = match seen {
            RowSeen::Nothing => continue,
            RowSeen::Section(text, kind) => {
                section_kind = kind.or(section_kind);
                skipped.push(SkippedRow {
                    row: row.index,
                    text,
                });
                continue;
            }
            RowSeen::Skipped(text) => {
                skipped.push(SkippedRow {
                    row: row.index,
                    text,
                });
                continue;
            }
            RowSeen::Device(own) => own,
        };
        let inherited = merges.inherited(row, |r| {
            devices
                .binary_search_by_key(&r, |d: &Device<'_>| d.row.index)
                .is_ok()
        });
        // A row that shows values of a merge above is read again with them.
        let own = if inherited.is_empty() {
            own
        } else {
            look.device(row, &inherited)
        };
        devices.push(Device {
            row,
            status: own.status,
            kind: own.kind.or(section_kind).or(kind_hint).or(own.kind_from_os),
            inherited,
            struck: own.struck,
        });
    }
    LedgerSheet {
        sheet_index,
        sheet,
        layout,
        kind_hint,
        devices,
        skipped,
    }
}

/// What a row of the table is, seen on its own.
enum RowSeen {
    /// Blank, or a pre-numbered empty template row (only a running number).
    Nothing,
    /// 「■サーバ」: its text, and the kind of device it names.
    Section(String, Option<DeviceKind>),
    /// A totals row, a note, a repeated header, values only outside the table: its text.
    Skipped(String),
    Device(OwnValues),
}

/// A device row's status, kind and strike from its own cells (and the merges it lies in).
struct OwnValues {
    status: Option<Status>,
    /// From the kind column.
    kind: Option<DeviceKind>,
    /// From the OS, when nothing else tells the kind.
    kind_from_os: Option<DeviceKind>,
    struck: bool,
}

/// What looking at one row needs of its sheet.
struct RowLook<'l> {
    layout: &'l LedgerLayout,
    mapped: &'l [u32],
    labels: &'l HeaderLabels<'l>,
}

impl RowLook<'_> {
    fn see(&self, row: &Row) -> RowSeen {
        let filled: Vec<&(u32, CellValue)> =
            row.cells.iter().filter(|(_, v)| !v.is_blank()).collect();
        if filled.is_empty() {
            return RowSeen::Nothing;
        }
        if let Some((text, kind)) = section_row(&filled) {
            return RowSeen::Section(text, kind);
        }
        if let Some(text) = non_device_text(self.layout, &filled)
            .or_else(|| words::total_row(&filled))
            .or_else(|| repeated_header(self.labels, &filled))
        {
            return RowSeen::Skipped(text);
        }
        let mapped_filled = (filled.iter())
            .filter(|(c, _)| self.mapped.contains(c))
            .count();
        if mapped_filled == 0 {
            // Values only outside the table's columns (a stray cell far away, a side note).
            return RowSeen::Skipped(filled[0].1.display());
        }
        // A pre-numbered empty template row: only a running number, nothing else.
        let only_running_number = filled.len() == 1
            && matches!(filled[0].1, CellValue::Number(_))
            && Some(filled[0].0) != self.layout.col(Field::Id);
        if only_running_number {
            return RowSeen::Nothing;
        }
        RowSeen::Device(self.device(row, &[]))
    }

    /// The values of a device row showing `inherited` from merges above.
    fn device<'a>(&self, row: &'a Row, inherited: &[Inherited<'a>]) -> OwnValues {
        let device = Device {
            row,
            status: None,
            kind: None,
            inherited: inherited.to_vec(),
            struck: false,
        };
        let filled: Vec<&(u32, CellValue)> =
            row.cells.iter().filter(|(_, v)| !v.is_blank()).collect();
        let cell_text = |f: Field| -> Option<String> {
            (self.layout.col(f))
                .and_then(|c| device.shown(c))
                .map(|s| s.into_owned())
        };
        OwnValues {
            status: cell_text(Field::Status).and_then(|s| status::parse_status(&s)),
            kind: cell_text(Field::Kind).and_then(|s| status::parse_kind(&s)),
            kind_from_os: cell_text(Field::Os).and_then(|s| kind_from_os(&s)),
            struck: is_struck(&device, &filled, self.layout.col(Field::Id)),
        }
    }
}

/// The vertical merges inside the device table, by the column of their value, for finding the
/// merge a device row's empty cell lies in. Only merges that start on or below the first device
/// row count: a two-row header's merges are the layout's business, not the devices'.
struct TableMerges<'a> {
    sheet: &'a Sheet,
    /// column -> (first row, last row), sorted; merges in one column do not overlap.
    by_col: std::collections::HashMap<u32, Vec<(u32, u32)>>,
}

impl<'a> TableMerges<'a> {
    fn new(sheet: &'a Sheet, mapped: &[u32], data_start: u32) -> Self {
        let mut by_col: std::collections::HashMap<u32, Vec<(u32, u32)>> = Default::default();
        for m in &sheet.merges {
            if m.last_row > m.first_row
                && m.first_row >= data_start
                && mapped.contains(&m.first_col)
            {
                by_col
                    .entry(m.first_col)
                    .or_default()
                    .push((m.first_row, m.last_row));
            }
        }
        for ranges in by_col.values_mut() {
            ranges.sort_unstable();
        }
        TableMerges { sheet, by_col }
    }

    /// The merged cells a row shows from a merge starting above it on a device row.
    fn inherited(&self, row: &'a Row, is_device_row: impl Fn(u32) -> bool) -> Vec<Inherited<'a>> {
        let mut out = Vec::new();
        for (&col, ranges) in &self.by_col {
            if row.get(col).is_some_and(|v| !v.is_blank()) {
                continue;
            }
            let i = ranges.partition_point(|&(first, _)| first <= row.index);
            let Some(&(first, last)) = i.checked_sub(1).and_then(|i| ranges.get(i)) else {
                continue;
            };
            if first < row.index && row.index <= last && is_device_row(first) {
                if let Some(from) = self.sheet.grid.row(first).filter(|r| r.get(col).is_some()) {
                    out.push(Inherited { col, from });
                }
            }
        }
        out.sort_by_key(|i| i.col);
        out
    }
}

/// A device is struck through when its management number is (own or merged), or, without one,
/// when every filled cell of its row is.
fn is_struck(device: &Device<'_>, filled: &[&(u32, CellValue)], id_col: Option<u32>) -> bool {
    if let Some(col) = id_col.filter(|&c| device.get(c).is_some()) {
        let (row, _) = device.cell_of(col);
        let from = device.inherited_from(col).filter(|r| r.index == row);
        return from.unwrap_or(device.row).is_struck(col);
    }
    !filled.is_empty() && filled.iter().all(|(c, _)| device.row.is_struck(*c))
}

/// Rows such as 「合計 42台」, 「小計」, 「※ 廃棄予定…」, 「以下余白」, 「作成者: …」: few cells, the first
/// one a summary or note marker, and no management number, OS or IP beside it (a device whose
/// number happens to start with 「注」 or 「計」 is still a device).
fn non_device_text(layout: &LedgerLayout, filled: &[&(u32, CellValue)]) -> Option<String> {
    if filled.len() > 3 {
        return None;
    }
    let (marker_col, first) = (filled[0].0, filled[0].1.as_text()?);
    let t = crate::text::nfkc(crate::text::trim(first));
    const MARKERS: [&str; 18] = [
        "※",
        "注:",
        "注)",
        "(注",
        "合計",
        "小計",
        "総計",
        "計:",
        "計 ",
        "以上",
        "以下余白",
        "備考:",
        "最終更新",
        "更新日",
        "作成日",
        "作成者",
        "記入者",
        "確認者",
    ];
    let is_note = t == "計" || t == "以上" || MARKERS.iter().any(|m| t.starts_with(m));
    let core_cols: Vec<u32> = [Field::Id, Field::Os, Field::Ip]
        .into_iter()
        .filter_map(|f| layout.col(f))
        .collect();
    let device_values = filled
        .iter()
        .any(|(c, _)| *c != marker_col && core_cols.contains(c));
    (is_note && !device_values).then(|| first.to_string())
}

/// A one-cell section label inside the table: 「■サーバ」, 「【端末PC】」, 「＜ネットワーク機器＞」.
fn section_row(filled: &[&(u32, CellValue)]) -> Option<(String, Option<DeviceKind>)> {
    if filled.len() != 1 {
        return None;
    }
    let raw = filled[0].1.as_text()?;
    let t = crate::text::nfkc(crate::text::trim(raw));
    let marked = t.starts_with(['■', '□', '◆', '◇', '●', '【', '[', '<', '《', '〈']);
    let inner: String = t
        .chars()
        .filter(|c| !"■□◆◇●【】[]<>《》〈〉".contains(*c))
        .collect();
    let kind = status::parse_kind(crate::text::trim(&inner));
    (marked || kind.is_some()).then(|| (raw.to_string(), kind))
}

/// The header label of each column mapped to a field, by column (asked for every cell of every
/// row by [`repeated_header`]).
struct HeaderLabels<'l> {
    by_col: Vec<(u32, &'l str)>,
}

impl<'l> HeaderLabels<'l> {
    fn of(layout: &'l LedgerLayout) -> HeaderLabels<'l> {
        let mut by_col: Vec<(u32, &str)> = Vec::with_capacity(layout.columns.len());
        for c in layout.columns.iter().filter(|c| c.field.is_some()) {
            if !by_col.iter().any(|(col, _)| *col == c.col) {
                by_col.push((c.col, c.label.as_str()));
            }
        }
        by_col.sort_by_key(|(col, _)| *col);
        HeaderLabels { by_col }
    }

    fn get(&self, col: u32) -> Option<&'l str> {
        let i = self.by_col.binary_search_by_key(&col, |(c, _)| *c).ok()?;
        Some(self.by_col[i].1)
    }
}

/// A header repeated inside the table (printed page headers copied along with the rows): most
/// mapped cells hold their own column's header label.
fn repeated_header(labels: &HeaderLabels<'_>, filled: &[&(u32, CellValue)]) -> Option<String> {
    let in_table: Vec<(&CellValue, &str)> = filled
        .iter()
        .filter_map(|(col, value)| Some((value, labels.get(*col)?)))
        .collect();
    let mapped = in_table.len();
    if mapped < 2 {
        return None;
    }
    // More than half must match: a device row is given up on after half of them did not.
    let (mut same, mut different) = (0, 0);
    for (value, label) in in_table {
        if value
            .as_text()
            .is_some_and(|t| crate::text::same_key(t, label))
        {
            same += 1;
        } else {
            different += 1;
            if different * 2 >= mapped {
                return None;
            }
        }
    }
    (same * 2 > mapped).then(|| filled[0].1.display())
}

/// Server and client Windows tell the kind when nothing else does.
fn kind_from_os(os: &str) -> Option<DeviceKind> {
    let k = crate::text::key(os);
    if k.contains("server") || k.starts_with("ws20") || k.contains("サ-バ") {
        Some(DeviceKind::Server)
    } else if k.starts_with("win") || k.starts_with("macos") || k.starts_with("osx") {
        Some(DeviceKind::Pc)
    } else if k.contains("ios") && (k.contains("cisco") || k.contains("xe"))
        || k.contains("fortios")
        || k.contains("rtx")
        || k.starts_with("rev.")
    {
        Some(DeviceKind::Network)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{find_ledger_layout, FieldTable};

    fn sheet(name: &str, rows: &[&[&str]]) -> Sheet {
        Sheet::from_text_rows(name, rows)
    }

    fn read(s: &Sheet) -> LedgerSheet<'_> {
        let layout = find_ledger_layout(s, FieldTable::bundled()).expect("ledger");
        read_ledger_sheet(0, s, layout)
    }

    #[test]
    fn non_device_rows_are_skipped() {
        let s = sheet(
            "端末PC",
            &[
                &["No.", "管理番号", "OS", "IPアドレス", "状態"],
                &["1", "P1", "Win10", "192.168.1.1", "稼働"],
                &["No.", "管理番号", "OS", "IPアドレス", "状態"],
                &["2", "P2", "Win11", "DHCP", "廃棄"],
                &["3"],
                &["4"],
                &["合計 2台"],
                &["※ 廃棄した機器も残すこと"],
                &["以下余白"],
            ],
        );
        let l = read(&s);
        let rows: Vec<u32> = l.devices.iter().map(|d| d.row.index).collect();
        assert_eq!(rows, vec![1, 3]);
        assert_eq!(l.devices[0].kind, Some(DeviceKind::Pc));
        assert_eq!(l.devices[1].status, Some(Status::Retired));
        assert_eq!(l.skipped.len(), 6);
    }

    #[test]
    fn devices_that_look_like_notes_are_kept() {
        let s = sheet(
            "端末PC",
            &[
                &["管理番号", "OS", "IPアドレス", "状態"],
                &["*003", "Win8", "", "稼働"],
                &["注射PC", "Win8"],
                &["計測PC-1", "Windows 11 Pro 25H2", "DHCP", "稼働"],
                &["※ 廃棄予定"],
            ],
        );
        let l = read(&s);
        let rows: Vec<u32> = l.devices.iter().map(|d| d.row.index).collect();
        assert_eq!(rows, vec![1, 2, 3]);
        assert_eq!(l.skipped.len(), 1);
    }

    #[test]
    fn section_rows_set_the_kind() {
        let s = sheet(
            "機器台帳",
            &[
                &["管理番号", "OS", "IPアドレス", "設置場所"],
                &["■サーバ"],
                &["S1", "Linux", "192.168.0.1", "サーバ室"],
                &["【ネットワーク機器】"],
                &["N1", "独自", "192.168.0.254", "サーバ室"],
            ],
        );
        let l = read(&s);
        let kinds: Vec<_> = l.devices.iter().map(|d| d.kind).collect();
        assert_eq!(
            kinds,
            vec![Some(DeviceKind::Server), Some(DeviceKind::Network)]
        );
    }

    #[test]
    fn merged_cells_give_their_value_to_the_rows_they_cover() {
        use crate::workbook::Merge;
        let mut s = sheet(
            "端末PC",
            &[
                &["管理番号", "OS", "設置場所", "状態"],
                &["P1", "Win11", "3階 ナースステーション", "稼働"],
                &["P2", "Win11", "", "稼働"],
                &["P3", "Win11", "", "稼働"],
                &["P4", "Win11", "", "稼働"],
            ],
        );
        let merge = |first_row, last_row| Merge {
            first_row,
            first_col: 2,
            last_row,
            last_col: 2,
        };
        // A header merge (row 0) is not the table's; rows 1–3 share one 設置場所.
        s.merges = vec![merge(0, 0), merge(1, 3)];
        let l = read(&s);
        let places: Vec<Option<String>> = l
            .devices
            .iter()
            .map(|d| l.text(d, Field::Location).map(|t| t.into_owned()))
            .collect();
        let nurse = Some("3階 ナースステーション".to_string());
        assert_eq!(places, vec![nurse.clone(), nurse.clone(), nurse, None]);
        // Findings about the merged value point at its top-left cell.
        assert_eq!(l.devices[2].cell_of(2), (1, 2));
        assert_eq!(l.devices[3].cell_of(2), (4, 2));
        // The raw grid is left as it is (header detection reads it).
        assert_eq!(s.grid.get(2, 2), None);
    }

    #[test]
    fn struck_through_rows_are_retired() {
        use crate::workbook::{CellIn, Grid};
        let rows: &[&[&str]] = &[
            &["管理番号", "OS", "IPアドレス", "状態"],
            &["P1", "Win7", "10.0.0.1", "稼働"],
            &["P2", "Win7", "10.0.0.1", "稼働"],
            &["P3", "Win7", "10.0.0.3", "稼働"],
        ];
        let cells = rows.iter().enumerate().flat_map(|(r, row)| {
            row.iter().enumerate().map(move |(c, v)| CellIn {
                // P1: only its number struck; P2: the whole row; P3: only the OS.
                struck: (r == 1 && c == 0) || r == 2 || (r == 3 && c == 1),
                ..CellIn::plain(r as u32, c as u32, CellValue::Text(v.to_string()))
            })
        });
        let mut s = sheet("端末PC", &[]);
        s.grid = Grid::from_cells_in(cells);
        let l = read(&s);
        let struck: Vec<bool> = l.devices.iter().map(|d| d.struck).collect();
        assert_eq!(struck, vec![true, true, false]);
        assert!(l.devices[0].is_retired() && !l.devices[2].is_retired());
        assert_eq!(l.devices[0].status, Some(Status::Active));
    }
}

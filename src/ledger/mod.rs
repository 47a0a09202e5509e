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
}

impl Device<'_> {
    /// The device's 0-based row in its sheet.
    pub fn row_index(&self) -> u32 {
        self.row.index
    }

    pub fn is_retired(&self) -> bool {
        self.status == Some(Status::Retired)
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

    /// The value of a field for a device; `None` when the column is missing or the cell blank.
    pub fn value(&self, device: &Device<'a>, field: Field) -> Option<&'a CellValue> {
        let col = self.layout.col(field)?;
        device.row.get(col).filter(|v| !v.is_blank())
    }

    /// A field of a device as the rules read it; `None` when the column is missing or the cell
    /// blank.
    pub fn field(&self, device: &Device<'a>, field: Field) -> Option<FieldValue<'a>> {
        self.value(device, field).map(FieldValue)
    }

    /// The text of a field (display form for non-text cells).
    pub fn text(&self, device: &Device<'a>, field: Field) -> Option<std::borrow::Cow<'a, str>> {
        self.value(device, field).map(|v| match v {
            CellValue::Text(s) => std::borrow::Cow::Borrowed(s.as_str()),
            other => std::borrow::Cow::Owned(other.display()),
        })
    }
}

/// One field's value as typed into the ledger: what rules read instead of a raw cell.
#[derive(Debug, Clone, Copy)]
pub struct FieldValue<'a>(&'a CellValue);

impl<'a> FieldValue<'a> {
    /// The text, when the cell holds text (not a number or date shown as text).
    pub fn as_text(&self) -> Option<&'a str> {
        self.0.as_text()
    }

    /// The value as the user sees it in the cell.
    pub fn display(&self) -> String {
        self.0.display()
    }

    /// The value read as a date (a date cell, an Excel serial number or a written date).
    pub fn date(&self) -> Result<chrono::NaiveDate, date::DateError> {
        date::parse_date_cell(self.0)
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

/// Reads the device rows under a ledger header.
pub fn read_ledger_sheet<'a>(
    sheet_index: usize,
    sheet: &'a Sheet,
    layout: LedgerLayout,
) -> LedgerSheet<'a> {
    let kind_hint = status::kind_from_sheet_name(&sheet.name);
    let mapped: Vec<u32> = layout.fields().map(|(_, c)| c).collect();
    let id_col = layout.col(Field::Id);
    let mut devices = Vec::new();
    let mut skipped = Vec::new();
    // 「■サーバ」-style section rows inside one sheet set the kind of the rows under them.
    let mut section_kind: Option<DeviceKind> = None;
    for row in sheet.grid.rows_from(layout.data_start()) {
        let filled: Vec<&(u32, CellValue)> =
            row.cells.iter().filter(|(_, v)| !v.is_blank()).collect();
        if filled.is_empty() {
            continue;
        }
        if let Some((text, kind)) = section_row(&filled) {
            section_kind = kind.or(section_kind);
            skipped.push(SkippedRow {
                row: row.index,
                text,
            });
            continue;
        }
        if let Some(text) = non_device_text(&layout, &filled)
            .or_else(|| words::total_row(&filled))
            .or_else(|| repeated_header(&layout, &filled))
        {
            skipped.push(SkippedRow {
                row: row.index,
                text,
            });
            continue;
        }
        // A pre-numbered empty template row: only a running number, nothing else.
        let mapped_filled = filled.iter().filter(|(c, _)| mapped.contains(c)).count();
        let only_running_number = filled.len() == 1
            && matches!(filled[0].1, CellValue::Number(_))
            && Some(filled[0].0) != id_col;
        if mapped_filled == 0 || only_running_number {
            // Values only outside the table's columns (a stray cell far away, a side note).
            if mapped_filled == 0 {
                skipped.push(SkippedRow {
                    row: row.index,
                    text: filled[0].1.display(),
                });
            }
            continue;
        }
        let cell_text = |f: Field| -> Option<String> {
            layout
                .col(f)
                .and_then(|c| row.get(c))
                .filter(|v| !v.is_blank())
                .map(|v| v.display())
        };
        let status = cell_text(Field::Status).and_then(|s| status::parse_status(&s));
        let kind = cell_text(Field::Kind)
            .and_then(|s| status::parse_kind(&s))
            .or(section_kind)
            .or(kind_hint)
            .or_else(|| cell_text(Field::Os).and_then(|s| kind_from_os(&s)));
        devices.push(Device { row, status, kind });
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

/// A header repeated inside the table (printed page headers copied along with the rows): most
/// mapped cells hold their own column's header label.
fn repeated_header(layout: &LedgerLayout, filled: &[&(u32, CellValue)]) -> Option<String> {
    let mut mapped = 0;
    let mut same = 0;
    for (col, value) in filled {
        let Some(column) = layout
            .columns
            .iter()
            .find(|c| c.col == *col && c.field.is_some())
        else {
            continue;
        };
        mapped += 1;
        if value
            .as_text()
            .is_some_and(|t| crate::text::same_key(t, &column.label))
        {
            same += 1;
        }
    }
    (mapped >= 2 && same * 2 > mapped).then(|| filled[0].1.display())
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
}

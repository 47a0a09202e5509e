//! `daicho convert`: any ledger daicho can read, in the standard layout of the template.
//!
//! read (any format) -> understand (the checker's own reading: ledger sheets, devices, skipped
//! rows; no rules run on the input) -> [`convert`] (one standard row per device, safe fixes
//! logged) -> check the result (the converted sheet exactly as `daicho check` would read it back
//! from the file, built in memory by `reread`, analysed like any input) -> write xlsx (standard
//! sheet + 変換ログ), csv or json. The input is never modified.

pub mod command;
pub mod export;
pub mod fixes;
mod ids;
pub mod log;
mod reread;

use crate::engine::analyze;
use crate::layout::{Field, SheetRole};
use crate::ledger::{Device, DeviceKind, Ledger, LedgerSheet};
use crate::settings::Settings;
use crate::template::{self, style, vocab, StandardRow, FIRST_DATA_ROW, LEDGER_SHEET_NAME};
use crate::workbook::{CellValue, ReadError, Workbook};
use crate::Lang;
use crate::Text;
use fixes::{fix_value, FixKind};
use ids::half_width_ids;
use log::{Change, Kept, LeftOut, Place, Remaining};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where a converted device came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// Shared by the devices of a sheet (one copy per sheet, not per device).
    pub sheet: Arc<str>,
    /// 0-based row in the source sheet.
    pub row: u32,
    /// The source column of each field (`None` when the sheet had no such column); the sheet's,
    /// shared by its devices.
    pub field_cols: Arc<[Option<u32>; Field::ALL.len()]>,
    /// The source column of each extra column.
    pub extra_cols: Vec<Option<u32>>,
}

/// A ledger in the standard layout, with everything the log reports.
#[derive(Debug)]
pub struct Conversion {
    pub input: PathBuf,
    pub devices: Vec<StandardRow>,
    pub sources: Vec<Source>,
    /// Header texts of the columns daicho does not know, kept after the standard ones.
    pub extra_columns: Vec<String>,
    pub changes: Vec<Change>,
    pub kept: Vec<Kept>,
    pub left_out: Vec<LeftOut>,
    /// Standard columns a source ledger sheet did not have (core and recommended only).
    pub missing_columns: Vec<(String, Field)>,
    /// Findings of the checker on the converted ledger (filled by [`check_result`]).
    pub remaining: Vec<Remaining>,
}

impl Conversion {
    pub fn left_out_rows(&self) -> usize {
        self.left_out
            .iter()
            .filter(|l| matches!(l, LeftOut::Row { .. }))
            .count()
    }
}

/// Sheets daicho writes itself: not data, and not worth a log line when converting its outputs.
fn is_own_sheet(name: &str) -> bool {
    name == log::LOG_SHEET_NAME || name == template::USAGE_SHEET_NAME
}

/// The unknown columns of one ledger sheet: (source column, header text), in column order.
fn sheet_extra_columns(ls: &LedgerSheet<'_>) -> Vec<(u32, String)> {
    let used: Vec<u32> = ls.layout.fields().map(|(_, c)| c).collect();
    let mut cols: Vec<u32> = ls.layout.columns.iter().map(|c| c.col).collect();
    for d in &ls.devices {
        cols.extend(d.row.cells.iter().map(|(c, _)| *c));
    }
    cols.sort_unstable();
    cols.dedup();
    cols.into_iter()
        .filter(|c| !used.contains(c))
        .map(|c| {
            let header = ls
                .layout
                .columns
                .iter()
                .find(|x| x.col == c)
                .map(|x| x.header.clone())
                .unwrap_or_else(|| format!("(見出しなし) {}列", crate::address::col_letters(c)));
            (c, header)
        })
        .collect()
}

/// The section labels of a ledger sheet (「■サーバ」, 「【端末PC】」: a skipped row of one cell that
/// names a kind), as (row, kind) in row order.
fn section_kinds(ls: &LedgerSheet<'_>) -> Vec<(u32, DeviceKind)> {
    ls.skipped
        .iter()
        .filter(|s| {
            ls.sheet
                .grid
                .row(s.row)
                .is_some_and(|r| r.cells.iter().filter(|(_, v)| !v.is_blank()).count() == 1)
        })
        .filter_map(|s| {
            let t = crate::text::nfkc(crate::text::trim(&s.text));
            let inner: String = t
                .chars()
                .filter(|c| !"■□◆◇●【】[]<>《》〈〉".contains(*c))
                .collect();
            crate::ledger::status::parse_kind(crate::text::trim(&inner)).map(|k| (s.row, k))
        })
        .collect()
}

/// The kind the source's own structure gives a device: the nearest section row above it or the
/// sheet name. Never the OS (that would be a guess).
fn structural_kind(
    ls: &LedgerSheet<'_>,
    sections: &[(u32, DeviceKind)],
    row: u32,
) -> Option<DeviceKind> {
    let above = sections.partition_point(|(r, _)| *r < row);
    above.checked_sub(1).map(|i| sections[i].1).or(ls.kind_hint)
}

/// How a value reads in the log.
fn shown(v: Option<&CellValue>) -> String {
    v.map(|v| v.display()).unwrap_or_default()
}

/// Builds the standard ledger from an analysis: every device once, in workbook order, with safe
/// fixes applied and logged. The findings on the result are added by [`check_result`]. The
/// command converts a workbook it owns ([`convert_file`]); this borrowing form is the tests'
/// reference for it.
#[cfg(test)]
fn convert(
    input: &Path,
    analysis: &crate::engine::Analysis<'_>,
    settings: &Settings,
) -> Conversion {
    convert_ledger(
        input,
        analysis.workbook,
        &analysis.ledger,
        &analysis.sheets,
        settings,
    )
}

/// [`convert`] from what the input is (its sheets and ledger), without the input's findings:
/// `convert` never reports them, so the rules are not run on the input.
#[cfg(test)]
fn convert_ledger(
    input: &Path,
    workbook: &Workbook,
    ledger: &Ledger<'_>,
    sheets: &[crate::report::SheetInfo],
    settings: &Settings,
) -> Conversion {
    let (mut conv, pending) = convert_devices(input, ledger, settings, None);
    finish(&mut conv, pending, &sheet_order(workbook), sheets);
    conv
}

/// The sheets' names in workbook order.
fn sheet_order(workbook: &Workbook) -> Vec<String> {
    workbook.sheets.iter().map(|s| s.name.clone()).collect()
}

/// Values left in the input for [`move_values`] (the device's own row, unchanged by any fix):
/// one per device.
struct Deferred {
    sheet: usize,
    row: u32,
    /// Bits by `Field::index`.
    fields: u32,
    /// Bits by extra column (the first 64).
    extras: u64,
}

/// Every device as a standard row, with its changes still to be logged. With `deferred`, the
/// values no fix changes are left in the input, to be moved (not copied) by [`move_values`].
fn convert_devices(
    input: &Path,
    ledger: &Ledger<'_>,
    settings: &Settings,
    mut deferred: Option<&mut Vec<Deferred>>,
) -> (Conversion, Vec<(usize, Change)>) {
    let (extra_columns, sheet_extras) = merge_extra_columns(ledger);
    let mut conv = Conversion {
        input: input.to_path_buf(),
        devices: Vec::with_capacity(ledger.device_count()),
        sources: Vec::with_capacity(ledger.device_count()),
        extra_columns,
        changes: Vec::new(),
        kept: Vec::new(),
        left_out: Vec::new(),
        missing_columns: Vec::new(),
        remaining: Vec::new(),
    };
    // Changes are collected per device and get the device's converted number at the end.
    let mut pending: Vec<(usize, Change)> = Vec::new();
    let mut fixer = Fixer {
        given: GivenFixes::of(ledger, settings),
        memo: Default::default(),
    };
    for (ls, extras) in ledger.sheets.iter().zip(&sheet_extras) {
        convert_sheet(
            &mut conv,
            &mut pending,
            ls,
            extras,
            &mut fixer,
            settings,
            deferred.as_deref_mut(),
        );
    }
    (conv, pending)
}

/// The safe fixes the rules propose for the input's cells (IP003's canonical address), by sheet
/// and (row, column): convert applies these instead of computing its own.
struct GivenFixes(HashMap<String, HashMap<(u32, u32), String>>);

impl GivenFixes {
    fn of(ledger: &Ledger<'_>, settings: &Settings) -> GivenFixes {
        let ctx = crate::rules::Context {
            settings,
            as_of: settings.as_of,
        };
        let mut findings = Vec::new();
        crate::rules::check_fixable(ledger, &ctx, &mut findings);
        let mut by_sheet: HashMap<String, HashMap<(u32, u32), String>> = HashMap::new();
        for f in findings {
            let (Some(sheet), Some(row), Some(col), Some(fix)) = (f.sheet, f.row, f.col, f.fix)
            else {
                continue;
            };
            if fix.is_safe() {
                by_sheet
                    .entry(sheet)
                    .or_default()
                    .insert((row, col), fix.value);
            }
        }
        GivenFixes(by_sheet)
    }

    fn get(&self, sheet: &str, row: u32, col: u32) -> Option<&str> {
        self.0.get(sheet)?.get(&(row, col)).map(String::as_str)
    }
}

/// The fields whose fixes [`Fixer`] remembers per distinct text: a ledger repeats its OS names,
/// statuses and kinds on thousands of rows, and reading an OS name is not cheap.
const MEMO_FIELDS: [Field; 3] = [Field::Os, Field::Status, Field::Kind];
/// Distinct texts remembered per field (a bound on the memory of a hostile input).
const MEMO_LIMIT: usize = 4096;

/// The safe fixes of the input's values: the rules' ([`GivenFixes`]) and convert's own
/// ([`fix_value`]), the latter remembered per distinct text for [`MEMO_FIELDS`].
struct Fixer {
    given: GivenFixes,
    memo: [HashMap<String, Fixed>; MEMO_FIELDS.len()],
}

/// A value as [`fix_value`] converts it, with the fixes applied.
type Fixed = (Option<CellValue>, Vec<FixKind>);

impl Fixer {
    /// [`fix_value`] of the value in (`row`, `col`) of `sheet`; `None` when no fix can change it
    /// (the value is then converted as it is, without a copy being made here).
    fn fix(
        &mut self,
        f: Field,
        value: &CellValue,
        sheet: &str,
        row: u32,
        col: u32,
        settings: &Settings,
    ) -> Option<Fixed> {
        let given = match f {
            Field::Ip => self.given.get(sheet, row, col),
            _ => None,
        };
        if given.is_none() && fixes::untouched(f, value) {
            return None;
        }
        let slot = MEMO_FIELDS.iter().position(|m| *m == f);
        let (Some(slot), CellValue::Text(raw)) = (slot, value) else {
            return Some(fix_value(f, value, given, settings));
        };
        let memo = &mut self.memo[slot];
        if let Some(hit) = memo.get(raw.as_str()) {
            return Some(hit.clone());
        }
        let fixed = fix_value(f, value, given, settings);
        if memo.len() < MEMO_LIMIT {
            memo.insert(raw.clone(), fixed.clone());
        }
        Some(fixed)
    }
}

/// Drops a large value on another thread: freeing a 100k-row ledger's cells one by one takes a
/// noticeable part of a conversion. When no thread can be started, the value is dropped here
/// (with the closure that holds it).
pub(crate) fn drop_aside<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new()
        .name("drop".into())
        .spawn(move || drop(value));
}

/// Moves the deferred values out of the input's cells into the converted rows.
fn move_values(conv: &mut Conversion, mut workbook: Workbook, deferred: Vec<Deferred>) {
    let mut rows: Vec<Option<Vec<crate::workbook::Row>>> = workbook
        .sheets
        .iter_mut()
        .map(|s| Some(std::mem::take(&mut s.grid).into_rows()))
        .collect();
    for (i, d) in deferred.into_iter().enumerate() {
        let Some(Some(sheet_rows)) = rows.get_mut(d.sheet) else {
            continue;
        };
        let Ok(r) = sheet_rows.binary_search_by_key(&d.row, |r| r.index) else {
            continue;
        };
        let (Some(device), Some(source)) = (conv.devices.get_mut(i), conv.sources.get(i)) else {
            continue;
        };
        let cells = &mut sheet_rows[r].cells;
        let mut take = |col: u32| -> Option<CellValue> {
            let k = cells.binary_search_by_key(&col, |(c, _)| *c).ok()?;
            Some(std::mem::replace(&mut cells[k].1, CellValue::Bool(false)))
        };
        for f in Field::ALL {
            if d.fields & (1 << f.index()) != 0 {
                if let Some(col) = source.field_cols[f.index()] {
                    device.fields[f.index()] = take(col);
                }
            }
        }
        for (idx, col) in source.extra_cols.iter().enumerate().take(64) {
            if let (true, Some(col)) = (d.extras & (1 << idx) != 0, col) {
                device.extra[idx] = take(*col);
            }
        }
    }
    drop_aside((rows, workbook));
}

/// The management numbers' half-width fix, the change log in order, the sheets left out.
fn finish(
    conv: &mut Conversion,
    mut pending: Vec<(usize, Change)>,
    order: &[String],
    sheets: &[crate::report::SheetInfo],
) {
    half_width_ids(conv, &mut pending);
    log_changes(conv, pending, order);
    for info in sheets {
        if info.role != SheetRole::Ledger && !is_own_sheet(&info.name) {
            conv.left_out.push(LeftOut::Sheet {
                name: info.name.clone(),
                role: info.role,
            });
        }
    }
}

/// The extra columns across sheets: the same header text in two sheets is one column; a header
/// repeated within a sheet gets a column per occurrence. Returns the columns' headers and, per
/// sheet, (source column, extra column index).
fn merge_extra_columns(ledger: &Ledger<'_>) -> (Vec<String>, Vec<Vec<(u32, usize)>>) {
    let mut extra_columns: Vec<String> = Vec::new();
    let mut extra_index: HashMap<(String, usize), usize> = HashMap::new();
    let mut sheet_extras: Vec<Vec<(u32, usize)>> = Vec::new();
    for ls in &ledger.sheets {
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut map = Vec::new();
        for (col, header) in sheet_extra_columns(ls) {
            let nth = seen.entry(header.clone()).or_insert(0);
            let key = (header.clone(), *nth);
            *nth += 1;
            let idx = *extra_index.entry(key).or_insert_with(|| {
                extra_columns.push(header);
                extra_columns.len() - 1
            });
            map.push((col, idx));
        }
        sheet_extras.push(map);
    }
    (extra_columns, sheet_extras)
}

/// One ledger sheet: its missing columns, each device as a standard row, its skipped rows as
/// left out.
fn convert_sheet(
    conv: &mut Conversion,
    pending: &mut Vec<(usize, Change)>,
    ls: &LedgerSheet<'_>,
    extras: &[(u32, usize)],
    fixer: &mut Fixer,
    settings: &Settings,
    mut deferred: Option<&mut Vec<Deferred>>,
) {
    let name = ls.name().to_string();
    for f in Field::ALL {
        if !ls.layout.has(f) && f.role() != crate::layout::FieldRole::Optional {
            conv.missing_columns.push((name.clone(), f));
        }
    }
    let sections = section_kinds(ls);
    let mut field_cols = [None; Field::ALL.len()];
    for f in Field::ALL {
        field_cols[f.index()] = ls.layout.col(f);
    }
    let shared = SheetShared {
        name: Arc::from(name.as_str()),
        field_cols: Arc::new(field_cols),
    };
    for device in &ls.devices {
        let mut defer = deferred.as_ref().map(|_| Deferred {
            sheet: ls.sheet_index,
            row: device.row.index,
            fields: 0,
            extras: 0,
        });
        let (out, source) = convert_device(
            conv,
            pending,
            ls,
            &shared,
            &sections,
            extras,
            device,
            fixer,
            settings,
            defer.as_mut(),
        );
        if let (Some(list), Some(d)) = (deferred.as_deref_mut(), defer) {
            list.push(d);
        }
        conv.devices.push(out);
        conv.sources.push(source);
    }
    for s in &ls.skipped {
        conv.left_out.push(LeftOut::Row {
            place: Place {
                sheet: name.clone(),
                row: s.row,
                col: first_col_of(ls, s.row),
            },
            text: s.text.clone(),
        });
    }
}

/// One device as a standard row and where its values came from: each field with its safe fixes,
/// the kind from the sheet's structure when the row has none, the extra columns. The changes go
/// to `pending` under the device's index.
/// What the devices of one sheet share in their [`Source`].
struct SheetShared {
    name: Arc<str>,
    field_cols: Arc<[Option<u32>; Field::ALL.len()]>,
}

#[allow(clippy::too_many_arguments)]
fn convert_device(
    conv: &Conversion,
    pending: &mut Vec<(usize, Change)>,
    ls: &LedgerSheet<'_>,
    shared: &SheetShared,
    sections: &[(u32, DeviceKind)],
    extras: &[(u32, usize)],
    device: &Device<'_>,
    fixer: &mut Fixer,
    settings: &Settings,
    mut defer: Option<&mut Deferred>,
) -> (StandardRow, Source) {
    let name = ls.name();
    let extra_len = conv.extra_columns.len();
    let row = device.row.index;
    let index = conv.devices.len();
    let mut out = StandardRow::new(extra_len);
    let mut source = Source {
        sheet: Arc::clone(&shared.name),
        row,
        field_cols: Arc::clone(&shared.field_cols),
        extra_cols: vec![None; extra_len],
    };
    for f in Field::ALL {
        let Some(col) = ls.layout.col(f) else {
            continue;
        };
        let Some(value) = device.row.get(col) else {
            continue;
        };
        let Some((fixed, applied)) = fixer.fix(f, value, name, row, col, settings) else {
            // No fix applies: the value as it is (left in the input to be moved when deferred).
            match defer.as_deref_mut() {
                Some(d) if f != Field::Kind => d.fields |= 1 << f.index(),
                _ => out.set(f, Some(value.clone())),
            }
            continue;
        };
        let unchanged = applied.is_empty() && fixed.as_ref() == Some(value);
        if !applied.is_empty() {
            pending.push((
                index,
                Change {
                    place: Place {
                        sheet: name.to_string(),
                        row,
                        col: Some(col),
                    },
                    field: f,
                    id: None,
                    before: value.display(),
                    after: shown(fixed.as_ref()),
                    fixes: applied,
                },
            ));
        }
        // A value no fix changes stays in the input until it is moved (never the kind: whether
        // the row has one decides the kind from the layout below).
        match defer.as_deref_mut() {
            Some(d) if f != Field::Kind && unchanged => {
                d.fields |= 1 << f.index();
            }
            _ => out.set(f, fixed),
        }
    }
    if out.get(Field::Kind).is_none() {
        // Only what the checker itself concluded from the sheet's structure.
        if let Some(kind) = structural_kind(ls, sections, row).filter(|k| device.kind == Some(*k)) {
            let word = vocab::kind_word(kind);
            out.set(Field::Kind, Some(CellValue::Text(word.to_string())));
            pending.push((
                index,
                Change {
                    place: Place {
                        sheet: name.to_string(),
                        row,
                        col: ls.layout.col(Field::Kind),
                    },
                    field: Field::Kind,
                    id: None,
                    before: String::new(),
                    after: word.to_string(),
                    fixes: vec![FixKind::KindFromLayout],
                },
            ));
        }
    }
    for &(col, idx) in extras {
        if let Some(v) = device.row.get(col) {
            match defer.as_deref_mut() {
                Some(d) if idx < 64 => d.extras |= 1 << idx,
                _ => out.extra[idx] = Some(v.clone()),
            }
            source.extra_cols[idx] = Some(col);
        }
    }
    (out, source)
}

/// The changes into the log: each with its device's converted management number, in cell order
/// within a sheet and the workbook's order of sheets (the kept values too).
fn log_changes(conv: &mut Conversion, pending: Vec<(usize, Change)>, sheets: &[String]) {
    for (index, mut change) in pending {
        change.id = conv.devices[index].get(Field::Id).map(|v| v.display());
        conv.changes.push(change);
    }
    conv.changes.sort_by(|a, b| {
        (&a.place.sheet, a.place.row, a.place.col).cmp(&(&b.place.sheet, b.place.row, b.place.col))
    });
    // Keep workbook order of sheets, not alphabetical.
    let order: HashMap<&str, usize> = sheets
        .iter()
        .enumerate()
        .map(|(i, s)| (s.as_str(), i))
        .collect();
    conv.changes.sort_by_key(|c| {
        order
            .get(c.place.sheet.as_str())
            .copied()
            .unwrap_or(usize::MAX)
    });
    conv.kept.sort_by_key(|k| {
        (
            order
                .get(k.place.sheet.as_str())
                .copied()
                .unwrap_or(usize::MAX),
            k.place.row,
            k.place.col,
        )
    });
}

/// The column of the first non-blank cell of a source row (for the log's cell address).
fn first_col_of(ls: &LedgerSheet<'_>, row: u32) -> Option<u32> {
    ls.sheet
        .grid
        .row(row)
        .and_then(|r| r.cells.iter().find(|(_, v)| !v.is_blank()).map(|(c, _)| *c))
}

/// The deflate level of the standard workbook (see [`standard_workbook`]).
const ZIP_LEVEL: u8 = 2;

/// The standard workbook: the ledger sheet, then (when given) the 変換ログ sheet.
pub fn standard_workbook(
    conv: &Conversion,
    log_for: Option<(&str, Lang)>,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = style::new_workbook()?;
    // Level 2 (zlib-rs's fast deflate), not the default 6: at 100k rows compressing took about a
    // fifth of the conversion; the file is about a fifth larger. (Level 1 is zlib-rs's quick
    // deflate, which doubles the file.)
    book.set_zip_compression_level(ZIP_LEVEL);
    template::write_ledger_sheet(
        &mut book,
        LEDGER_SHEET_NAME,
        &conv.devices,
        &conv.extra_columns,
    )?;
    if let Some((output, lang)) = log_for {
        log::add_log_sheet(&mut book, conv, output, lang)?;
    }
    book.save_to_buffer()
}

/// The standard workbook of `conv` (with its 変換ログ sheet when `log_for` is given), and the
/// check of the result ([`check_result`]) — the ledger sheet written while the checker reads the
/// same values, on two cores where rayon has them (at 100k rows each takes about half a second).
pub fn checked_standard_workbook(
    conv: &mut Conversion,
    settings: &Settings,
    log_for: Option<(&str, Lang)>,
) -> Result<Vec<u8>, ConvertError> {
    let write_error = |e: rust_xlsxwriter::XlsxError| ConvertError::Write(e.to_string());
    let mut book = style::new_workbook().map_err(write_error)?;
    book.set_zip_compression_level(ZIP_LEVEL);
    let extra_columns = conv.extra_columns.clone();
    let count = conv.devices.len();
    let sheet = template::add_ledger_worksheet(&mut book, count, extra_columns.len())
        .map_err(write_error)?;
    let write_sheet = |values: LedgerValues<'_>| match values {
        LedgerValues::Read(read) => template::write_ledger_rows(
            sheet,
            LEDGER_SHEET_NAME,
            count,
            reread::device_rows(read),
            &extra_columns,
        ),
        LedgerValues::Devices(devices) => template::write_ledger_rows(
            sheet,
            LEDGER_SHEET_NAME,
            count,
            (devices.iter())
                .map(|d| d.slots(extra_columns.len()))
                .enumerate(),
            &extra_columns,
        ),
    };
    check_result_alongside(conv, settings, write_sheet)?.map_err(write_error)?;
    if let Some((output, lang)) = log_for {
        log::add_log_sheet(&mut book, conv, output, lang).map_err(write_error)?;
    }
    book.save_to_buffer().map_err(write_error)
}

/// What the standard ledger sheet is written from in [`check_result_alongside`].
enum LedgerValues<'a> {
    /// The sheet the checker reads, when it holds exactly the conversion's values.
    Read(&'a crate::workbook::Sheet),
    /// The converted devices.
    Devices(&'a [StandardRow]),
}

/// Runs the checker on the converted ledger exactly as `daicho check` would read it back from the
/// written file and records the findings with the source cell of each.
pub fn check_result(conv: &mut Conversion, settings: &Settings) -> Result<(), ConvertError> {
    check_result_alongside(conv, settings, |_| ())
}

/// [`check_result`], running `alongside` on the converted values: while the checker reads them
/// when the sheet it reads holds exactly those values, else once the check is done.
fn check_result_alongside<T: Send>(
    conv: &mut Conversion,
    settings: &Settings,
    alongside: impl FnOnce(LedgerValues<'_>) -> T + Send,
) -> Result<T, ConvertError> {
    // The sheet as the reader would give it back, built in memory; written and read back only
    // when some value's trip through the file is not plain (see `reread`).
    // The values are moved into that sheet and back, not copied.
    let (mut book, moved, exact) = match reread::take_standard_sheet_exact(conv) {
        Some((sheet, exact)) => (
            Workbook::new(crate::workbook::Format::Xlsx, vec![sheet]),
            true,
            exact,
        ),
        None => {
            let bytes =
                standard_workbook(conv, None).map_err(|e| ConvertError::Write(e.to_string()))?;
            let book = crate::workbook::open_bytes(&bytes, "xlsx", &settings.limits)
                .map_err(ConvertError::Reread)?;
            (book, false, false)
        }
    };
    // `alongside` done (Ok), or still to run once the values are back (Err).
    let (findings, done) = match book.sheets.first().filter(|_| exact) {
        Some(read) => {
            let (findings, done) = rayon::join(
                || analyze(&book, settings).findings,
                || alongside(LedgerValues::Read(read)),
            );
            (findings, Ok(done))
        }
        None => (analyze(&book, settings).findings, Err(alongside)),
    };
    if moved {
        if let Some(sheet) = book.sheets.pop() {
            reread::restore(conv, sheet);
        }
    }
    let done = done.unwrap_or_else(|run| run(LedgerValues::Devices(&conv.devices)));
    let mut remaining = Vec::with_capacity(findings.len());
    for f in findings {
        let device = f
            .row
            .filter(|r| f.sheet.as_deref() == Some(LEDGER_SHEET_NAME) && *r >= FIRST_DATA_ROW)
            .map(|r| (r - FIRST_DATA_ROW) as usize)
            .filter(|i| *i < conv.devices.len());
        let (source, id) = match device {
            Some(i) => {
                let s = &conv.sources[i];
                let col = match (f.field, f.col) {
                    (Some(field), _) => s.field_cols[field.index()],
                    (None, Some(c)) if c as usize >= Field::ALL.len() => s
                        .extra_cols
                        .get(c as usize - Field::ALL.len())
                        .copied()
                        .flatten(),
                    _ => None,
                };
                (
                    Some(Place {
                        sheet: s.sheet.to_string(),
                        row: s.row,
                        col,
                    }),
                    conv.devices[i].get(Field::Id).map(|v| v.display()),
                )
            }
            None => (None, None),
        };
        remaining.push(Remaining {
            finding: f,
            source,
            id,
        });
    }
    conv.remaining = remaining;
    Ok(done)
}

#[derive(Debug)]
pub enum ConvertError {
    Read(ReadError),
    /// No sheet of the input is a ledger.
    NoLedger,
    Write(String),
    /// The converted ledger could not be read back (a bug).
    Reread(ReadError),
    Save(crate::save::SaveError),
    /// CP932 cannot hold some characters of the ledger.
    Unencodable(Vec<export::Unencodable>),
}

impl ConvertError {
    /// What is wrong and what to do, in both languages.
    pub fn text(&self) -> Text {
        match self {
            ConvertError::Read(e) => e.text(),
            ConvertError::NoLedger => Text::from_static(
                "台帳のシートが見つからないため変換できません。先頭30行以内に「管理番号」「OS」「IPアドレス」などの見出し行があるか確認してください。",
                "No ledger sheet found, so there is nothing to convert. Check that a header row (管理番号, OS, IPアドレス …) is within the first 30 rows.",
            ),
            ConvertError::Write(d) => Text::new(
                format!("変換結果を作れませんでした({d})。"),
                format!("Could not build the converted ledger ({d})."),
            ),
            ConvertError::Reread(e) => Text::new(
                format!("変換結果を読み直せませんでした({})。開発者に報告してください。", e.message(Lang::Ja)),
                format!("Could not read the converted ledger back ({}). Please report this.", e.message(Lang::En)),
            ),
            ConvertError::Save(e) => Text::new(e.message(Lang::Ja), e.message(Lang::En)),
            ConvertError::Unencodable(list) => Text::new(export::unencodable_message(list, Lang::Ja), export::unencodable_message(list, Lang::En)),
        }
    }

    /// [`Self::text`] in the user's language.
    pub fn message(&self, lang: Lang) -> String {
        self.text().into_string(lang)
    }
}

/// Reads and converts one input; the result is checked as it is written
/// ([`checked_standard_workbook`], [`check_result`]).
pub fn convert_file(path: &Path, settings: &Settings) -> Result<Conversion, ConvertError> {
    let workbook: Workbook =
        crate::isolate::open_path(path, &settings.limits).map_err(ConvertError::Read)?;
    convert_workbook(path, workbook, settings)
}

/// [`convert`] of a workbook it owns: the values no fix changes are moved out of it.
fn convert_workbook(
    path: &Path,
    workbook: Workbook,
    settings: &Settings,
) -> Result<Conversion, ConvertError> {
    let mut deferred = Vec::new();
    let (mut conv, pending, sheets) = {
        let input = crate::engine::understand(&workbook, settings);
        if input.ledger.sheets.is_empty() {
            return Err(ConvertError::NoLedger);
        }
        let (conv, pending) = convert_devices(path, &input.ledger, settings, Some(&mut deferred));
        (conv, pending, input.sheets)
    };
    // The values no fix changed are moved out of the input, not copied; then it is dropped.
    let order = sheet_order(&workbook);
    move_values(&mut conv, workbook, deferred);
    finish(&mut conv, pending, &order, &sheets);
    Ok(conv)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workbook::{Format, Sheet};

    fn sheet(name: &str, rows: &[&[&str]]) -> Sheet {
        Sheet::from_text_rows(name, rows)
    }

    fn settings() -> Settings {
        Settings::new(chrono::NaiveDate::from_ymd_opt(2026, 11, 25).expect("date"))
    }

    fn run(sheets: Vec<Sheet>) -> Conversion {
        let wb = Workbook::new(Format::Xlsx, sheets);
        let s = settings();
        let analysis = analyze(&wb, &s);
        let mut conv = convert(Path::new("in.xlsx"), &analysis, &s);
        // Moving the values out of the input gives the same conversion as copying them.
        let moved = convert_workbook(Path::new("in.xlsx"), wb.clone(), &s).expect("convert");
        assert_eq!(moved.devices, conv.devices);
        assert_eq!(moved.sources, conv.sources);
        assert_eq!(moved.changes, conv.changes);
        assert_eq!(moved.kept, conv.kept);
        assert_eq!(moved.left_out, conv.left_out);
        check_result(&mut conv, &s).expect("check");
        conv
    }

    fn text(conv: &Conversion, i: usize, f: Field) -> String {
        conv.devices[i]
            .get(f)
            .map(|v| v.display())
            .unwrap_or_default()
    }

    #[test]
    fn sheets_merge_with_kinds_extras_and_fixes() {
        let conv = run(vec![
            sheet("表紙", &[&["医療機関名", "さくら病院"]]),
            sheet(
                "サーバ",
                &[
                    &[
                        "管理番号",
                        "OS",
                        "IPアドレス",
                        "設置場所",
                        "状態",
                        "保守契約",
                    ],
                    &[
                        " SV-1 ",
                        "WS2012R2",
                        "192.168.001.010",
                        "サーバ室",
                        "稼働中",
                        "A社",
                    ],
                    &["合計 1台"],
                ],
            ),
            sheet(
                "台帳",
                &[
                    &[
                        "管理番号",
                        "OS",
                        "IPアドレス",
                        "設置場所",
                        "状態",
                        "保守契約",
                        "",
                    ],
                    &["■端末PC"],
                    &[
                        "ＰＣ－１",
                        "Win10",
                        "DHCP",
                        "受付",
                        "停止(故障)",
                        "B社",
                        "メモ",
                    ],
                    &[
                        "PC-2",
                        "Windows 11 Pro 25H2",
                        "192.168.〇.〇",
                        "受付",
                        "稼働",
                        "",
                        "",
                    ],
                ],
            ),
        ]);
        assert_eq!(conv.devices.len(), 3);
        assert_eq!(
            conv.extra_columns,
            vec!["保守契約".to_string(), "(見出しなし) G列".to_string()]
        );
        assert_eq!(text(&conv, 0, Field::Id), "SV-1");
        assert_eq!(text(&conv, 0, Field::Os), "Windows Server 2012 R2");
        assert_eq!(text(&conv, 0, Field::Ip), "192.168.1.10");
        assert_eq!(text(&conv, 0, Field::Status), "稼働");
        assert_eq!(text(&conv, 0, Field::Kind), "サーバ");
        assert_eq!(text(&conv, 1, Field::Id), "PC-1");
        assert_eq!(
            text(&conv, 1, Field::Kind),
            "端末PC",
            "from the section row"
        );
        assert_eq!(
            text(&conv, 1, Field::Status),
            "停止(故障)",
            "a note is kept"
        );
        assert_eq!(text(&conv, 2, Field::Ip), "192.168.〇.〇");
        assert_eq!(
            conv.devices[1].extra[1],
            Some(CellValue::Text("メモ".into()))
        );
        // Trim and half-width of one cell are one change.
        let id_change = conv
            .changes
            .iter()
            .find(|c| c.field == Field::Id && c.place.sheet == "サーバ")
            .expect("id change");
        assert_eq!(
            (id_change.before.as_str(), id_change.after.as_str()),
            (" SV-1 ", "SV-1")
        );
        let pc1 = conv
            .changes
            .iter()
            .find(|c| c.field == Field::Id && c.place.sheet == "台帳")
            .expect("pc-1");
        assert_eq!(pc1.fixes, vec![FixKind::IdHalfWidth]);
        assert_eq!(pc1.id.as_deref(), Some("PC-1"));
        // Left out: the total row and the section row, and the cover sheet.
        assert_eq!(conv.left_out_rows(), 2);
        assert!(conv
            .left_out
            .iter()
            .any(|l| matches!(l, LeftOut::Sheet { name, .. } if name == "表紙")));
        // Remaining findings point back at the source.
        let ip002 = conv
            .remaining
            .iter()
            .find(|r| r.finding.code() == "IP002")
            .expect("IP002");
        assert_eq!(
            ip002.source.as_ref().map(|p| p.show(Lang::Ja)).as_deref(),
            Some("台帳!C4")
        );
        assert!(conv.remaining.iter().all(|r| r.finding.code() != "IP003"));
    }

    #[test]
    fn half_width_that_would_collide_is_kept() {
        let conv = run(vec![sheet(
            "台帳",
            &[
                &["管理番号", "OS", "IPアドレス", "設置場所"],
                &["PC-010", "Windows 11 Pro 25H2", "DHCP", "ICU"],
                &["ＰＣ－０１０", "Windows 11 Pro 25H2", "DHCP", "ICU"],
                &["ＰＣ－０１１", "Windows 11 Pro 25H2", "DHCP", "ICU"],
            ],
        )]);
        assert_eq!(text(&conv, 1, Field::Id), "ＰＣ－０１０");
        assert_eq!(text(&conv, 2, Field::Id), "PC-011");
        assert_eq!(conv.kept.len(), 1);
        assert!(
            conv.kept[0].reason.ja.contains("台帳!A2"),
            "{}",
            conv.kept[0].reason.ja
        );
        assert!(conv.remaining.iter().any(|r| r.finding.code() == "ID002"));
    }

    #[test]
    fn a_standard_ledger_converts_to_itself() {
        let conv = run(vec![sheet(
            "台帳",
            &[
                &[
                    "管理番号",
                    "OS",
                    "IPアドレス",
                    "設置場所",
                    "状態",
                    "機器種別",
                ],
                &[
                    "PC-1",
                    "Windows 11 Pro 25H2",
                    "192.168.1.1",
                    "受付",
                    "稼働",
                    "端末PC",
                ],
            ],
        )]);
        assert!(conv.changes.is_empty(), "{:?}", conv.changes);
        let bytes = standard_workbook(&conv, None).expect("write");
        let wb = crate::workbook::open_bytes(&bytes, "xlsx", &Default::default()).expect("read");
        let s = settings();
        let again = convert(Path::new("x.xlsx"), &analyze(&wb, &s), &s);
        assert!(again.changes.is_empty() && again.kept.is_empty() && again.left_out.is_empty());
        assert_eq!(again.devices, conv.devices);
    }

    /// Every part of a workbook but the timestamp, unzipped.
    fn parts(bytes: &[u8]) -> std::collections::BTreeMap<String, Vec<u8>> {
        use std::io::Read;
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
        let mut out = std::collections::BTreeMap::new();
        for i in 0..zip.len() {
            let mut entry = zip.by_index(i).expect("entry");
            let name = entry.name().expect("name").to_string();
            let mut data = Vec::new();
            entry.read_to_end(&mut data).expect("inflate");
            if name != "docProps/core.xml" {
                out.insert(name, data);
            }
        }
        out
    }

    #[test]
    fn the_sheet_written_while_the_result_is_checked_is_the_sheet_of_the_devices() {
        let s = settings();
        // Plain values: the sheet is written from the values the checker reads, alongside it. An
        // error value is read back as text, so then it is written from the devices after the check.
        for odd in [None, Some(CellValue::Error("#N/A".into()))] {
            let mut conv = run(vec![sheet(
                "台帳",
                &[
                    &["管理番号", "OS", "IPアドレス", "設置場所", "保守契約"],
                    &["PC-1", "Windows 11 Pro 25H2", "192.168.1.1", "受付", "あり"],
                    &["PC-2", "Windows 7", "192.168.1.300", "2F", ""],
                    &["", "", "", "", "メモ"],
                    &["PC-1", "Windows 10", "192.168.1.1", "", "なし"],
                ],
            )]);
            if let Some(v) = &odd {
                conv.devices[1].set(Field::Location, Some(v.clone()));
            }
            check_result(&mut conv, &s).expect("check");
            let remaining = conv.remaining.clone();
            let devices = conv.devices.clone();
            let expected = standard_workbook(&conv, Some(("out.xlsx", Lang::Ja))).expect("write");
            let checked = checked_standard_workbook(&mut conv, &s, Some(("out.xlsx", Lang::Ja)))
                .expect("write");
            assert_eq!(parts(&checked), parts(&expected), "{odd:?}");
            assert_eq!(conv.devices, devices, "the values are back");
            assert_eq!(conv.remaining.len(), remaining.len());
            assert!(!remaining.is_empty(), "the ledger has findings to log");
        }
    }
}

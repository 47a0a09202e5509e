//! A bounds check of an .xls before calamine parses it.
//!
//! calamine's xls reader builds every sheet as a dense range when the workbook is opened, sized
//! by the cells' bounding box, and reserves room for the sheet's `Dimensions` record up front.
//! Both come straight from the file: a damaged `Dimensions` record made it reserve 171 GB and
//! abort the process (found by mutating a LibreOffice .xls; see also `reference/crates.md`), and
//! a cell record in column 65,535 of row 65,535 would ask for 137 GB. Valid files stay within
//! 65,536 × 256, but even that is 16.7M cells (about 900 MB with the formula grid).
//!
//! This scan reads the `Workbook` stream out of the OLE container and walks the BIFF records
//! the way calamine does (sheet substreams from `BoundSheet8` offsets, nested chart substreams
//! skipped), refusing a `Dimensions` record beyond the format's limits and any sheet whose box
//! exceeds `limits.max_cells_per_sheet`. A container it cannot follow is left to calamine.

use super::detect::cfb_entry_name;
use super::{Format, Limits, ReadError};

/// Largest sheet an .xls can hold: 65,536 rows × 256 columns.
const MAX_LEGAL_CELLS: u64 = 65_536 * 256;
/// Bytes calamine holds per cell of the dense box: a `Data` value and a formula `String`.
const DENSE_BYTES_PER_CELL: u64 = 32 + 24;

/// Refuses an .xls whose sheets calamine would expand beyond `limits`.
pub(super) fn check_xls(bytes: &[u8], limits: &Limits) -> Result<(), ReadError> {
    let Some(stream) = cfb_stream(bytes, &["Workbook", "Book"]) else {
        return Ok(());
    };
    let mut total_bytes: u64 = 0;
    for (offset, name) in bound_sheets(&stream) {
        let Some(cells) = sheet_box(&stream, offset)? else {
            continue;
        };
        if cells > limits.max_cells_per_sheet as u64 {
            return Err(too_many(name, limits));
        }
        total_bytes = total_bytes.saturating_add(cells.saturating_mul(DENSE_BYTES_PER_CELL));
        if total_bytes > limits.max_uncompressed_bytes {
            return Err(too_many(name, limits));
        }
    }
    Ok(())
}

/// True when the workbook globals hold a `FilePass` record: the file is password-protected
/// (RC4, CryptoAPI RC4 or XOR obfuscation alike). Everything after that record is encrypted, so
/// the bounds scan and calamine would read noise and call the file damaged; calamine also lets
/// XOR-obfuscated files through (it only looks at the RC4 flag).
pub(super) fn is_password_protected(bytes: &[u8]) -> bool {
    let Some(stream) = cfb_stream(bytes, &["Workbook", "Book"]) else {
        return false;
    };
    for (typ, _) in records(&stream) {
        match typ {
            0x002F => return true,
            0x000A => break,
            _ => {}
        }
    }
    false
}

/// Names of the dialog sheets: BIFF8 lists them as worksheets and sets `fDialog` (0x0010) in
/// their `WsBool` record. They hold controls, not cells, and are skipped like chart sheets.
pub(super) fn dialog_sheets(bytes: &[u8]) -> Vec<String> {
    let Some(stream) = cfb_stream(bytes, &["Workbook", "Book"]) else {
        return Vec::new();
    };
    bound_sheets(&stream)
        .into_iter()
        .filter(|(offset, _)| {
            let Some(sheet) = stream.get(*offset..) else {
                return false;
            };
            let mut bofs = 0;
            for (typ, data) in records(sheet) {
                match typ {
                    0x0809 => {
                        bofs += 1;
                        if bofs > 1 {
                            // A nested substream (an embedded chart): the sheet's own WsBool
                            // comes before it.
                            return false;
                        }
                    }
                    0x0081 => return data.first().is_some_and(|b| b & 0x10 != 0),
                    0x000A => return false,
                    _ => {}
                }
            }
            false
        })
        .map(|(_, name)| name)
        .collect()
}

fn too_many(sheet: String, limits: &Limits) -> ReadError {
    ReadError::TooManyCells {
        sheet,
        limit: limits.max_cells_per_sheet,
    }
}

fn corrupt(detail: &str) -> ReadError {
    ReadError::Corrupt {
        format: Format::Xls,
        detail: detail.to_string(),
    }
}

fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

/// BIFF records as (type, data), stopping at the first record that runs past the end.
fn records(stream: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let mut at = 0;
    std::iter::from_fn(move || {
        let typ = u16_at(stream, at)?;
        let len = u16_at(stream, at + 2)? as usize;
        let data = stream.get(at + 4..at + 4 + len)?;
        at += 4 + len;
        Some((typ, data))
    })
}

/// (stream offset, name) of every sheet, from the globals' `BoundSheet8` records.
fn bound_sheets(stream: &[u8]) -> Vec<(usize, String)> {
    let mut sheets = Vec::new();
    for (typ, data) in records(stream) {
        match typ {
            0x0085 => {
                let Some(offset) = u32_at(data, 0) else {
                    continue;
                };
                let name = sheet_name(data).unwrap_or_else(|| format!("#{}", sheets.len() + 1));
                sheets.push((offset as usize, name));
            }
            0x000A => break,
            _ => {}
        }
    }
    sheets
}

/// A BIFF8 sheet name: `cch`, flags (bit 0: UTF-16), then the characters. Older BIFF names
/// are single bytes in the workbook's code page; Latin-1 is close enough for a message.
fn sheet_name(data: &[u8]) -> Option<String> {
    let cch = *data.get(6)? as usize;
    let flags = *data.get(7)?;
    if flags & 1 == 1 {
        let units: Vec<u16> = data
            .get(8..8 + 2 * cch)?
            .chunks_exact(2)
            .map(|p| u16::from_le_bytes([p[0], p[1]]))
            .collect();
        String::from_utf16(&units).ok()
    } else {
        Some(data.get(8..8 + cch)?.iter().map(|&b| b as char).collect())
    }
}

/// The number of cells in the bounding box calamine will allocate for the sheet starting at
/// `offset`; `None` when there is no sheet there (calamine reports that itself).
fn sheet_box(stream: &[u8], offset: usize) -> Result<Option<u64>, ReadError> {
    let Some(sheet) = stream.get(offset..) else {
        return Ok(None);
    };
    let mut bounds: Option<(u32, u32, u32, u32)> = None;
    let mut include = |row: u32, first_col: u32, last_col: u32| {
        bounds = Some(match bounds {
            None => (row, row, first_col, last_col),
            Some((r0, r1, c0, c1)) => (
                r0.min(row),
                r1.max(row),
                c0.min(first_col),
                c1.max(last_col),
            ),
        });
    };
    let mut seen_bof = false;
    let mut depth = 0usize;
    for (typ, data) in records(sheet) {
        if depth > 0 {
            match typ {
                0x0809 => depth += 1,
                0x000A => depth -= 1,
                _ => {}
            }
            continue;
        }
        match typ {
            0x0809 if seen_bof => depth = 1,
            0x0809 => seen_bof = true,
            0x000A => break,
            0x0200 => check_dimensions(data)?,
            // Number, Label, RString, BoolErr, Rk, LabelSst, Formula: row, then column.
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
                if let (Some(row), Some(col)) = (u16_at(data, 0), u16_at(data, 2)) {
                    include(row.into(), col.into(), col.into());
                }
            }
            // MulRk: row, first column, 6-byte values, last column.
            0x00BD if data.len() >= 6 => {
                if let (Some(row), Some(first), Some(last)) = (
                    u16_at(data, 0),
                    u16_at(data, 2),
                    u16_at(data, data.len() - 2),
                ) {
                    if first <= last {
                        include(row.into(), first.into(), last.into());
                    }
                }
            }
            _ => {}
        }
    }
    Ok(Some(bounds.map_or(0, |(r0, r1, c0, c1)| {
        u64::from(r1 - r0 + 1) * u64::from(c1 - c0 + 1)
    })))
}

/// calamine reserves rows × columns cells for a `Dimensions` record, computed as it does here;
/// beyond an .xls sheet's size the record is damaged.
fn check_dimensions(data: &[u8]) -> Result<(), ReadError> {
    let (first_row, last_row, mut first_col, last_col) = match data.len() {
        10 => (
            u32::from(u16_at(data, 0).unwrap_or(0)),
            u32::from(u16_at(data, 2).unwrap_or(0)),
            u32::from(u16_at(data, 4).unwrap_or(0)),
            u32::from(u16_at(data, 6).unwrap_or(0)),
        ),
        14 | 16 => (
            u32_at(data, 0).unwrap_or(0),
            u32_at(data, 4).unwrap_or(0),
            u32::from(u16_at(data, 8).unwrap_or(0)),
            u32::from(u16_at(data, 10).unwrap_or(0)),
        ),
        // calamine rejects other lengths itself.
        _ => return Ok(()),
    };
    if first_col > 0xFF || last_col < first_col {
        first_col = 0;
    }
    if last_row == 0 || last_col == 0 {
        return Ok(());
    }
    let rows = (last_row - 1).wrapping_sub(first_row).wrapping_add(1);
    let cols = (last_col - 1).wrapping_sub(first_col).wrapping_add(1);
    if u64::from(rows) * u64::from(cols) > MAX_LEGAL_CELLS {
        return Err(corrupt("Dimensions record out of range"));
    }
    Ok(())
}

/// The content of the first stream named one of `names` in an OLE/CFB file, following the FAT
/// (or the mini FAT for small streams). Every index is checked and every chain is bounded by the
/// number of sectors, so a damaged file gives `None`, never a panic or a loop.
fn cfb_stream(bytes: &[u8], names: &[&str]) -> Option<Vec<u8>> {
    let sector_shift = u16_at(bytes, 30)?;
    let mini_shift = u16_at(bytes, 32)?;
    if !(7..=16).contains(&sector_shift) || mini_shift >= sector_shift {
        return None;
    }
    let sector_size = 1usize << sector_shift;
    let mini_size = 1usize << mini_shift;
    let sector_count = bytes.len() / sector_size;
    let sector = |id: u32| -> Option<&[u8]> {
        let start = (id as usize).checked_add(1)?.checked_mul(sector_size)?;
        bytes.get(start..start.checked_add(sector_size)?)
    };
    let is_id = |id: u32| id < 0xFFFF_FFFA;

    // The FAT's own sectors: 109 in the header, the rest in the DIFAT chain.
    let mut fat_sectors: Vec<u32> = (0..109)
        .filter_map(|i| u32_at(bytes, 76 + 4 * i))
        .filter(|&id| is_id(id))
        .collect();
    let mut difat = u32_at(bytes, 68)?;
    let mut hops = 0;
    while is_id(difat) && hops <= sector_count {
        let s = sector(difat)?;
        let per = sector_size / 4 - 1;
        fat_sectors.extend(
            (0..per)
                .filter_map(|i| u32_at(s, 4 * i))
                .filter(|&id| is_id(id)),
        );
        difat = u32_at(s, 4 * per)?;
        hops += 1;
    }
    fat_sectors.truncate(sector_count + 1);
    let fat: Vec<u32> = fat_sectors
        .iter()
        .filter_map(|&id| sector(id))
        .flat_map(|s| {
            s.chunks_exact(4)
                .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        })
        .collect();

    let chain = |start: u32, table: &[u32]| -> Vec<u32> {
        let mut ids = Vec::new();
        let mut id = start;
        while is_id(id) && ids.len() <= table.len() {
            ids.push(id);
            id = match table.get(id as usize) {
                Some(&next) => next,
                None => break,
            };
        }
        ids
    };
    let read_chain = |start: u32| -> Vec<u8> {
        chain(start, &fat)
            .into_iter()
            .filter_map(sector)
            .flatten()
            .copied()
            .collect()
    };

    let directory = read_chain(u32_at(bytes, 48)?);
    let entries: Vec<&[u8]> = directory.chunks_exact(128).collect();
    let root = entries.first()?;
    let entry = entries.iter().find(|e| {
        e[66] == 2
            && cfb_entry_name(e).is_some_and(|n| names.iter().any(|w| n.eq_ignore_ascii_case(w)))
    })?;
    let start = u32_at(entry, 116)?;
    let size = (u32_at(entry, 120)? as usize).min(bytes.len());

    let mut data = if size < u32_at(bytes, 56)? as usize {
        let mini_stream = read_chain(u32_at(root, 116)?);
        let mini_fat: Vec<u32> = read_chain(u32_at(bytes, 60)?)
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        chain(start, &mini_fat)
            .into_iter()
            .filter_map(|id| {
                let at = (id as usize).checked_mul(mini_size)?;
                mini_stream.get(at..at.checked_add(mini_size)?)
            })
            .flatten()
            .copied()
            .collect()
    } else {
        read_chain(start)
    };
    data.truncate(size);
    Some(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> Vec<u8> {
        std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/reader/ledger.xls"
        ))
        .unwrap()
    }

    #[test]
    fn reads_the_workbook_stream_of_a_real_file() {
        let stream = cfb_stream(&fixture(), &["Workbook"]).unwrap();
        // The globals start with a BIFF8 BOF record.
        assert_eq!(&stream[..2], &[0x09, 0x08]);
        let sheets = bound_sheets(&stream);
        let names: Vec<&str> = sheets.iter().map(|(_, n)| n.as_str()).collect();
        assert_eq!(names, ["台帳", "非表示"]);
        // 台帳: A1 .. H5 once the vertical merge G3:G5 is counted as written by LibreOffice.
        let cells = sheet_box(&stream, sheets[0].0).unwrap().unwrap();
        assert!((4 * 8..=5 * 8).contains(&cells), "{cells}");
        assert_eq!(check_xls(&fixture(), &Limits::default()), Ok(()));
    }

    /// `fixtures/formats/sheet_types_xls.py`: 非表示 marked as a dialog sheet.
    #[test]
    fn dialog_sheets_are_found() {
        assert!(dialog_sheets(&fixture()).is_empty());
        let dialog = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/formats/dialogsheet.xls"
        ))
        .unwrap();
        assert_eq!(dialog_sheets(&dialog), ["非表示"]);
        assert!(dialog_sheets(&dialog[..600]).is_empty());
    }

    #[test]
    fn limits_apply_per_sheet() {
        let limits = Limits {
            max_cells_per_sheet: 10,
            ..Limits::default()
        };
        assert_eq!(
            check_xls(&fixture(), &limits),
            Err(ReadError::TooManyCells {
                sheet: "台帳".into(),
                limit: 10
            })
        );
    }

    #[test]
    fn damaged_dimensions_are_refused() {
        // First row 0, last row 0x7FFF_FFFF, columns 0..=255: 2^31 × 256 cells.
        let mut dims = vec![0u8; 14];
        dims[4..8].copy_from_slice(&0x7FFF_FFFFu32.to_le_bytes());
        dims[10..12].copy_from_slice(&256u16.to_le_bytes());
        assert!(check_dimensions(&dims).is_err());
        // A full legal sheet is fine.
        dims[4..8].copy_from_slice(&65_536u32.to_le_bytes());
        assert_eq!(check_dimensions(&dims), Ok(()));
        // last row < first row wraps around in calamine.
        dims[0..4].copy_from_slice(&10u32.to_le_bytes());
        dims[4..8].copy_from_slice(&5u32.to_le_bytes());
        assert!(check_dimensions(&dims).is_err());
    }

    #[test]
    fn damaged_containers_give_up_quietly() {
        let bytes = fixture();
        for cut in [0, 100, 512, 600, bytes.len() / 2] {
            assert_eq!(check_xls(&bytes[..cut], &Limits::default()), Ok(()));
        }
    }
}

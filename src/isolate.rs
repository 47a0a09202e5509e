//! Reading a workbook in a child process, so that a reader which can abort the process or hang
//! on a hostile file only fails that one file.
//!
//! calamine's .xls parser has panicked and *aborted* on damaged files (an allocation of 171 GB
//! in `Xls::new_with_options`, see `reference/crates.md` §1); an abort cannot be caught with
//! `catch_unwind`. For the formats whose reader cannot be bounded beforehand — .xls, .ods and
//! .xlsb — the binary re-invokes itself as `daicho __read <limits> -- <path>`; the child reads
//! the file with the ordinary in-process reader and writes the [`Workbook`] (or the
//! [`ReadError`]) to stdout in a compact binary form. The child's death (a signal, an abort, a
//! non-zero exit) or a timeout becomes [`ReadError::ReaderCrashed`] for that file.
//!
//! xlsx/xlsm and csv/tsv never go through a child: their readers stream under daicho's own
//! limits, and spawning a process per file would cost the many-small-files throughput.
//!
//! Isolation is off until [`enable`] is called, which only the binary's `main` does: inside
//! unit tests and for library users `current_exe` is not daicho, so the library reads
//! in-process (still catching panics).

use crate::workbook::{
    self, CellIn, CellValue, Format, Grid, LegacyFormat, Limits, Merge, ReadError, Sheet, Workbook,
};
use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::sync::OnceLock;
use std::time::Duration;

/// The hidden first argument that makes the binary act as a reader child.
pub const CHILD_COMMAND: &str = "__read";

/// How long a child may take to read one file before it is killed.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// The executable to re-invoke; set once by the binary's `main`.
static CHILD_EXE: OnceLock<PathBuf> = OnceLock::new();

/// Turns isolation on for this process, re-invoking `exe` for .xls/.ods/.xlsb files.
pub fn enable(exe: PathBuf) {
    let _ = CHILD_EXE.set(exe);
}

/// [`enable`] with the running executable; returns false (isolation stays off) if it is unknown.
pub fn enable_current_exe() -> bool {
    match std::env::current_exe() {
        Ok(exe) => {
            enable(exe);
            true
        }
        Err(_) => false,
    }
}

/// Whether this process reads .xls/.ods/.xlsb files in a child.
pub fn is_enabled() -> bool {
    CHILD_EXE.get().is_some()
}

/// The formats whose readers are not bounded by daicho's own limits.
pub fn needs_child(format: Format) -> bool {
    matches!(format, Format::Xls | Format::Ods | Format::Xlsb)
}

/// Reads a workbook like [`workbook::open_path`], in a child process when isolation is enabled
/// and the file's real format (from its bytes) needs it.
pub fn open_path(path: &Path, limits: &Limits) -> Result<Workbook, ReadError> {
    open_path_with_bytes(path, limits).map(|(workbook, _)| workbook)
}

/// [`open_path`], also giving the file's bytes as read (the annotated workbook of an .xlsx is
/// built from them, so the file is read once). `None` only when the in-process reader was left
/// to report something unusual about the path itself.
pub fn open_path_with_bytes(
    path: &Path,
    limits: &Limits,
) -> Result<(Workbook, Option<Vec<u8>>), ReadError> {
    // Anything unusual (missing, a folder, too large, unreadable) is left to the in-process
    // reader, which reports it without parsing anything.
    let in_process = || workbook::open_path(path, limits).map(|wb| (wb, None));
    let bytes = match std::fs::metadata(path) {
        Ok(m) if m.is_file() && m.len() <= limits.max_file_bytes => match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(_) => return in_process(),
        },
        _ => return in_process(),
    };
    let extension = workbook::extension_of(path);
    if let Some(exe) = CHILD_EXE.get() {
        if matches!(workbook::detect_format(&bytes, &extension), Ok(format) if needs_child(format))
        {
            return read_in_child(exe, path, limits, DEFAULT_TIMEOUT).map(|wb| (wb, Some(bytes)));
        }
    }
    workbook::open_bytes_of(path, &bytes, limits).map(|wb| (wb, Some(bytes)))
}

/// Runs `exe __read` on `path` and decodes what it writes; any failure of the child is this
/// file's [`ReadError::ReaderCrashed`].
pub fn read_in_child(
    exe: &Path,
    path: &Path,
    limits: &Limits,
    timeout: Duration,
) -> Result<Workbook, ReadError> {
    let mut child = Command::new(exe)
        .arg(CHILD_COMMAND)
        .args(limit_args(limits))
        .arg("--")
        .arg(path)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| crashed(format!("cannot start the reader process: {e}")))?;
    let (Some(mut stdout), Some(mut stderr)) = (child.stdout.take(), child.stderr.take()) else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(crashed("reader process without pipes".to_string()));
    };
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut out = Vec::new();
        let result = stdout.read_to_end(&mut out).map(|_| out);
        let _ = tx.send(result);
    });
    // Drain stderr fully (so the child never blocks on it) but keep only its start.
    let stderr_thread = std::thread::spawn(move || {
        let mut kept = Vec::new();
        let mut chunk = [0u8; 4096];
        while let Ok(n) = stderr.read(&mut chunk) {
            if n == 0 {
                break;
            }
            if kept.len() < 4096 {
                kept.extend_from_slice(&chunk[..n]);
            }
        }
        kept
    });
    let output = match rx.recv_timeout(timeout) {
        Ok(result) => result,
        Err(_) => {
            let _ = child.kill();
            let _ = child.wait();
            return Err(crashed(format!(
                "the reader did not finish within {} s",
                timeout.as_secs()
            )));
        }
    };
    let status = child
        .wait()
        .map_err(|e| crashed(format!("lost the reader process: {e}")))?;
    let stderr_text = stderr_thread
        .join()
        .map(|bytes| first_line(&bytes))
        .unwrap_or_default();
    if !status.success() {
        return Err(crashed(describe_death(&status, &stderr_text)));
    }
    let output = output.map_err(|e| crashed(format!("cannot read the reader's output: {e}")))?;
    decode(&output).unwrap_or_else(|| Err(crashed("the reader's output is damaged".to_string())))
}

fn crashed(detail: String) -> ReadError {
    ReadError::ReaderCrashed { detail }
}

fn first_line(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .chars()
        .take(200)
        .collect()
}

fn describe_death(status: &std::process::ExitStatus, stderr: &str) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            let name = match signal {
                6 => " (SIGABRT)",
                9 => " (SIGKILL)",
                11 => " (SIGSEGV)",
                _ => "",
            };
            return with_stderr(
                format!("the reader was killed by signal {signal}{name}"),
                stderr,
            );
        }
    }
    let code = status
        .code()
        .map_or_else(|| "?".to_string(), |c| c.to_string());
    with_stderr(format!("the reader exited with code {code}"), stderr)
}

fn with_stderr(text: String, stderr: &str) -> String {
    if stderr.is_empty() {
        text
    } else {
        format!("{text}: {stderr}")
    }
}

fn limit_args(limits: &Limits) -> [String; 6] {
    [
        "--max-file-bytes".to_string(),
        limits.max_file_bytes.to_string(),
        "--max-cells".to_string(),
        limits.max_cells_per_sheet.to_string(),
        "--max-uncompressed-bytes".to_string(),
        limits.max_uncompressed_bytes.to_string(),
    ]
}

/// The child's side: `args` are what follows [`CHILD_COMMAND`]. Reads the file in-process,
/// writes the encoded result to stdout and returns the exit code (0 whenever a result,
/// including a read error, was written).
pub fn child_main(args: &[OsString]) -> i32 {
    let Some((limits, path)) = parse_child_args(args) else {
        eprintln!("usage: daicho {CHILD_COMMAND} [--max-file-bytes N] [--max-cells N] [--max-uncompressed-bytes N] -- PATH");
        return 2;
    };
    let result = workbook::open_path(&path, &limits);
    let bytes = encode(&result);
    let mut stdout = std::io::stdout().lock();
    if stdout
        .write_all(&bytes)
        .and_then(|_| stdout.flush())
        .is_err()
    {
        return 3;
    }
    0
}

fn parse_child_args(args: &[OsString]) -> Option<(Limits, PathBuf)> {
    let mut limits = Limits::default();
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].to_str();
        match arg {
            Some("--") => {
                return (i + 2 == args.len()).then(|| (limits, PathBuf::from(&args[i + 1])));
            }
            Some(flag) => {
                let value = args.get(i + 1)?.to_str()?;
                match flag {
                    "--max-file-bytes" => limits.max_file_bytes = value.parse().ok()?,
                    "--max-cells" => limits.max_cells_per_sheet = value.parse().ok()?,
                    "--max-uncompressed-bytes" => {
                        limits.max_uncompressed_bytes = value.parse().ok()?
                    }
                    _ => return None,
                }
                i += 2;
            }
            None => return None,
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------
// The wire format: little-endian, length-prefixed. Measured on the 65k-row .xls case it is a
// few ms per MB each way; JSON through serde would need derives on the workbook types and is
// several times slower to parse.

const MAGIC: &[u8; 5] = b"DCHO2";

/// Encodes a read result for the parent.
pub fn encode(result: &Result<Workbook, ReadError>) -> Vec<u8> {
    let mut w = Writer(Vec::with_capacity(4096));
    w.0.extend_from_slice(MAGIC);
    match result {
        Ok(book) => {
            w.u8(0);
            w.u8(format_tag(book.format));
            w.len(book.sheets.len());
            for sheet in &book.sheets {
                w.str(&sheet.name);
                w.u8(u8::from(sheet.hidden));
                w.len(sheet.merges.len());
                for m in &sheet.merges {
                    for v in [m.first_row, m.first_col, m.last_row, m.last_col] {
                        w.u32(v);
                    }
                }
                let rows = sheet.grid.rows();
                w.len(rows.len());
                for row in rows {
                    w.u32(row.index);
                    w.u8(u8::from(row.hidden));
                    w.len(row.cells.len());
                    for (col, value) in &row.cells {
                        w.u32(*col);
                        w.value(value);
                    }
                    w.len(row.shown.len());
                    for (col, text) in &row.shown {
                        w.u32(*col);
                        w.str(text);
                    }
                    w.len(row.struck.len());
                    for col in &row.struck {
                        w.u32(*col);
                    }
                }
            }
            w.len(book.skipped.len());
            for s in &book.skipped {
                w.str(&s.name);
                w.u8(match s.kind {
                    crate::workbook::SkippedKind::Macro => 0,
                    crate::workbook::SkippedKind::Dialog => 1,
                    crate::workbook::SkippedKind::VbaModule => 2,
                });
            }
        }
        Err(e) => {
            w.u8(1);
            w.error(e);
        }
    }
    w.0
}

/// The cell of a decoded row at a column (rows are written in column order).
fn cell_at(cells: &mut [CellIn], col: u32) -> Option<&mut CellIn> {
    let i = cells.binary_search_by_key(&col, |c| c.col).ok()?;
    cells.get_mut(i)
}

/// Decodes what [`encode`] wrote; `None` if the bytes are not a complete, valid message.
pub fn decode(bytes: &[u8]) -> Option<Result<Workbook, ReadError>> {
    let mut r = Reader { bytes, pos: 0 };
    if r.take(MAGIC.len())? != MAGIC {
        return None;
    }
    let result = match r.u8()? {
        0 => {
            let format = format_from_tag(r.u8()?)?;
            let sheet_count = r.len()?;
            let mut sheets = Vec::with_capacity(sheet_count.min(1024));
            for _ in 0..sheet_count {
                let name = r.str()?;
                let hidden = r.u8()? != 0;
                let merge_count = r.len()?;
                let mut merges = Vec::with_capacity(merge_count.min(1 << 16));
                for _ in 0..merge_count {
                    merges.push(Merge {
                        first_row: r.u32()?,
                        first_col: r.u32()?,
                        last_row: r.u32()?,
                        last_col: r.u32()?,
                    });
                }
                let row_count = r.len()?;
                let mut cells: Vec<CellIn> = Vec::new();
                let mut hidden_rows = Vec::new();
                for _ in 0..row_count {
                    let index = r.u32()?;
                    if r.u8()? != 0 {
                        hidden_rows.push(index);
                    }
                    let first = cells.len();
                    let cell_count = r.len()?;
                    for _ in 0..cell_count {
                        let col = r.u32()?;
                        cells.push(CellIn::plain(index, col, r.value()?));
                    }
                    let row_cells = &mut cells[first..];
                    for _ in 0..r.len()? {
                        let col = r.u32()?;
                        let text = r.str()?;
                        cell_at(row_cells, col)?.shown = Some(text);
                    }
                    for _ in 0..r.len()? {
                        let col = r.u32()?;
                        cell_at(row_cells, col)?.struck = true;
                    }
                }
                let mut grid = Grid::from_cells_in(cells);
                hidden_rows.sort_unstable();
                grid.mark_hidden(&hidden_rows);
                sheets.push(Sheet {
                    name,
                    hidden,
                    grid,
                    merges,
                });
            }
            let skipped_count = r.len()?;
            let mut skipped = Vec::with_capacity(skipped_count.min(1024));
            for _ in 0..skipped_count {
                let name = r.str()?;
                let kind = match r.u8()? {
                    0 => crate::workbook::SkippedKind::Macro,
                    1 => crate::workbook::SkippedKind::Dialog,
                    2 => crate::workbook::SkippedKind::VbaModule,
                    _ => return None,
                };
                skipped.push(crate::workbook::SkippedSheet { name, kind });
            }
            // Only .xls, .ods and .xlsb are read in a child: no part outlines.
            Ok(Workbook {
                format,
                sheets,
                skipped,
                outlines: Vec::new(),
            })
        }
        1 => Err(r.error()?),
        _ => return None,
    };
    (r.pos == bytes.len()).then_some(result)
}

fn format_tag(f: Format) -> u8 {
    match f {
        Format::Xlsx => 0,
        Format::Xlsb => 1,
        Format::Xls => 2,
        Format::Ods => 3,
        Format::Csv => 4,
        Format::Tsv => 5,
        Format::SpreadsheetMl => 6,
        Format::Html => 7,
    }
}

fn format_from_tag(t: u8) -> Option<Format> {
    Some(match t {
        0 => Format::Xlsx,
        1 => Format::Xlsb,
        2 => Format::Xls,
        3 => Format::Ods,
        4 => Format::Csv,
        5 => Format::Tsv,
        6 => Format::SpreadsheetMl,
        7 => Format::Html,
        _ => return None,
    })
}

fn legacy_tag(f: LegacyFormat) -> u8 {
    match f {
        LegacyFormat::Excel2 => 0,
        LegacyFormat::Excel3 => 1,
        LegacyFormat::Excel4 => 2,
        LegacyFormat::QuattroProDos => 3,
        LegacyFormat::QuattroPro => 4,
    }
}

fn legacy_from_tag(t: u8) -> Option<LegacyFormat> {
    Some(match t {
        0 => LegacyFormat::Excel2,
        1 => LegacyFormat::Excel3,
        2 => LegacyFormat::Excel4,
        3 => LegacyFormat::QuattroProDos,
        4 => LegacyFormat::QuattroPro,
        _ => return None,
    })
}

struct Writer(Vec<u8>);

impl Writer {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn len(&mut self, n: usize) {
        self.u64(n as u64);
    }
    fn str(&mut self, s: &str) {
        self.len(s.len());
        self.0.extend_from_slice(s.as_bytes());
    }
    fn value(&mut self, v: &CellValue) {
        match v {
            CellValue::Text(s) => {
                self.u8(0);
                self.str(s);
            }
            CellValue::Number(n) => {
                self.u8(1);
                self.u64(n.to_bits());
            }
            CellValue::DateTime(dt) => {
                let utc = dt.and_utc();
                self.u8(2);
                self.u64(utc.timestamp() as u64);
                self.u32(utc.timestamp_subsec_nanos());
            }
            CellValue::Bool(b) => {
                self.u8(3);
                self.u8(u8::from(*b));
            }
            CellValue::Error(s) => {
                self.u8(4);
                self.str(s);
            }
        }
    }
    fn error(&mut self, e: &ReadError) {
        match e {
            ReadError::NotFound => self.u8(0),
            ReadError::Io(d) => {
                self.u8(1);
                self.str(d);
            }
            ReadError::EmptyFile => self.u8(2),
            ReadError::Encrypted => self.u8(3),
            ReadError::Corrupt { format, detail } => {
                self.u8(4);
                self.u8(format_tag(*format));
                self.str(detail);
            }
            ReadError::NotSpreadsheet { extension } => {
                self.u8(5);
                self.str(extension);
            }
            ReadError::UnsupportedExtension(e) => {
                self.u8(6);
                self.str(e);
            }
            ReadError::UnknownEncoding => self.u8(7),
            ReadError::FileTooLarge { bytes, limit } => {
                self.u8(8);
                self.u64(*bytes);
                self.u64(*limit);
            }
            ReadError::TooManyCells { sheet, limit } => {
                self.u8(9);
                self.str(sheet);
                self.len(*limit);
            }
            ReadError::DecompressedTooLarge { limit } => {
                self.u8(10);
                self.u64(*limit);
            }
            ReadError::ReaderCrashed { detail } => {
                self.u8(11);
                self.str(detail);
            }
            ReadError::TooManyCellsInWorkbook { limit } => {
                self.u8(12);
                self.len(*limit);
            }
            ReadError::Legacy(legacy) => {
                self.u8(13);
                self.u8(legacy_tag(*legacy));
            }
            // Never produced by a reader (they describe arguments or daicho's own code); sent as
            // plain I/O text should one ever cross the pipe.
            ReadError::EmptyFolder | ReadError::NoMatch { .. } | ReadError::Internal { .. } => {
                self.u8(1);
                self.str(&e.to_string());
            }
        }
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let slice = self.bytes.get(self.pos..end)?;
        self.pos = end;
        Some(slice)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    fn len(&mut self) -> Option<usize> {
        usize::try_from(self.u64()?).ok()
    }
    fn str(&mut self) -> Option<String> {
        let n = self.len()?;
        String::from_utf8(self.take(n)?.to_vec()).ok()
    }
    fn value(&mut self) -> Option<CellValue> {
        Some(match self.u8()? {
            0 => CellValue::Text(self.str()?),
            1 => CellValue::Number(f64::from_bits(self.u64()?)),
            2 => {
                let secs = self.u64()? as i64;
                let nanos = self.u32()?;
                CellValue::DateTime(chrono::DateTime::from_timestamp(secs, nanos)?.naive_utc())
            }
            3 => CellValue::Bool(self.u8()? != 0),
            4 => CellValue::Error(self.str()?),
            _ => return None,
        })
    }
    fn error(&mut self) -> Option<ReadError> {
        Some(match self.u8()? {
            0 => ReadError::NotFound,
            1 => ReadError::Io(self.str()?),
            2 => ReadError::EmptyFile,
            3 => ReadError::Encrypted,
            4 => ReadError::Corrupt {
                format: format_from_tag(self.u8()?)?,
                detail: self.str()?,
            },
            5 => ReadError::NotSpreadsheet {
                extension: self.str()?,
            },
            6 => ReadError::UnsupportedExtension(self.str()?),
            7 => ReadError::UnknownEncoding,
            8 => ReadError::FileTooLarge {
                bytes: self.u64()?,
                limit: self.u64()?,
            },
            9 => ReadError::TooManyCells {
                sheet: self.str()?,
                limit: self.len()?,
            },
            10 => ReadError::DecompressedTooLarge { limit: self.u64()? },
            11 => ReadError::ReaderCrashed {
                detail: self.str()?,
            },
            12 => ReadError::TooManyCellsInWorkbook { limit: self.len()? },
            13 => ReadError::Legacy(legacy_from_tag(self.u8()?)?),
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn sample() -> Workbook {
        let dt = NaiveDate::from_ymd_opt(2019, 5, 1)
            .unwrap()
            .and_hms_milli_opt(13, 5, 0, 250)
            .unwrap();
        Workbook {
            format: Format::Xls,
            sheets: vec![
                Sheet {
                    name: "端末PC".into(),
                    hidden: false,
                    grid: {
                        let mut grid = Grid::from_cells_in(vec![
                            CellIn::plain(0, 0, CellValue::Text("管理番号".into())),
                            CellIn::plain(0, 1, CellValue::Text("IPアドレス".into())),
                            CellIn {
                                shown: Some("DC-002".into()),
                                struck: true,
                                ..CellIn::plain(1, 0, CellValue::Number(1.5))
                            },
                            CellIn {
                                shown: Some("令和元年5月1日".into()),
                                ..CellIn::plain(1, 1, CellValue::DateTime(dt))
                            },
                            CellIn {
                                struck: true,
                                ..CellIn::plain(3, 2, CellValue::Bool(true))
                            },
                            CellIn::plain(65535, 255, CellValue::Error("#DIV/0!".into())),
                        ]);
                        grid.mark_hidden(&[3, 7]);
                        grid
                    },
                    merges: vec![Merge {
                        first_row: 0,
                        first_col: 0,
                        last_row: 1,
                        last_col: 3,
                    }],
                },
                Sheet {
                    name: "空".into(),
                    hidden: true,
                    grid: Grid::default(),
                    merges: Vec::new(),
                },
            ],
            skipped: Vec::new(),
            outlines: Vec::new(),
        }
    }

    fn same(a: &Workbook, b: &Workbook) {
        assert_eq!(a.format, b.format);
        assert_eq!(a.sheets.len(), b.sheets.len());
        for (x, y) in a.sheets.iter().zip(&b.sheets) {
            assert_eq!(x.name, y.name);
            assert_eq!(x.hidden, y.hidden);
            assert_eq!(x.merges, y.merges);
            let cells = |s: &Sheet| {
                s.grid
                    .rows()
                    .iter()
                    .flat_map(|r| r.cells.iter().map(move |(c, v)| (r.index, *c, v.clone())))
                    .collect::<Vec<_>>()
            };
            assert_eq!(cells(x), cells(y));
            let looks = |s: &Sheet| {
                s.grid
                    .rows()
                    .iter()
                    .map(|r| (r.index, r.shown.clone(), r.struck.clone(), r.hidden))
                    .collect::<Vec<_>>()
            };
            assert_eq!(looks(x), looks(y));
        }
    }

    #[test]
    fn workbook_round_trips() {
        let book = sample();
        let row = book.sheets[0].grid.row(1).unwrap();
        assert_eq!(row.shown(0).as_deref(), Some("DC-002"));
        assert!(row.is_struck(0) && !row.is_struck(1));
        assert!(book.sheets[0].grid.row(3).unwrap().hidden);
        let bytes = encode(&Ok(book.clone()));
        let back = decode(&bytes).unwrap().unwrap();
        same(&book, &back);
    }

    #[test]
    fn every_error_round_trips() {
        let errors = vec![
            ReadError::NotFound,
            ReadError::Io("permission denied".into()),
            ReadError::EmptyFile,
            ReadError::Encrypted,
            ReadError::Corrupt {
                format: Format::Ods,
                detail: "tag not closed".into(),
            },
            ReadError::NotSpreadsheet {
                extension: "xls".into(),
            },
            ReadError::UnsupportedExtension("doc".into()),
            ReadError::UnknownEncoding,
            ReadError::Legacy(LegacyFormat::Excel4),
            ReadError::FileTooLarge {
                bytes: 300 << 20,
                limit: 200 << 20,
            },
            ReadError::TooManyCells {
                sheet: "台帳".into(),
                limit: 10_000_000,
            },
            ReadError::DecompressedTooLarge { limit: 1 << 30 },
            ReadError::TooManyCellsInWorkbook { limit: 10_000_000 },
            ReadError::ReaderCrashed {
                detail: "index out of range".into(),
            },
        ];
        for e in errors {
            match decode(&encode(&Err(e.clone()))) {
                Some(Err(back)) => assert_eq!(back, e),
                _ => panic!("{e:?} did not round-trip"),
            }
        }
    }

    #[test]
    fn damaged_output_is_rejected_not_panicking() {
        let bytes = encode(&Ok(sample()));
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut]).is_none(), "prefix {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode(&longer).is_none());
        // Flipping bytes may decode into something else, but must never panic.
        for i in 0..bytes.len() {
            let mut flipped = bytes.clone();
            flipped[i] ^= 0xFF;
            let _ = decode(&flipped);
        }
    }

    #[test]
    fn child_arguments() {
        let limits = Limits {
            max_file_bytes: 5,
            max_cells_per_sheet: 6,
            max_uncompressed_bytes: 7,
        };
        let mut args: Vec<OsString> = limit_args(&limits).iter().map(OsString::from).collect();
        args.push("--".into());
        args.push("台帳.xls".into());
        let (parsed, path) = parse_child_args(&args).unwrap();
        assert_eq!(parsed.max_file_bytes, 5);
        assert_eq!(parsed.max_cells_per_sheet, 6);
        assert_eq!(parsed.max_uncompressed_bytes, 7);
        assert_eq!(path, PathBuf::from("台帳.xls"));
        assert!(parse_child_args(&["--".into()]).is_none());
        assert!(
            parse_child_args(&["--max-cells".into(), "x".into(), "--".into(), "a".into()])
                .is_none()
        );
        assert!(
            parse_child_args(&["--bogus".into(), "1".into(), "--".into(), "a".into()]).is_none()
        );
    }

    /// A child that dies (here: `false`, exiting 1) or prints garbage is this file's error.
    #[cfg(unix)]
    #[test]
    fn dead_or_garbled_child_is_reported() {
        let limits = Limits::default();
        let err = read_in_child(
            Path::new("/bin/false"),
            Path::new("x.xls"),
            &limits,
            DEFAULT_TIMEOUT,
        )
        .unwrap_err();
        assert!(
            matches!(&err, ReadError::ReaderCrashed { detail } if detail.contains("code 1")),
            "{err:?}"
        );
        let err = read_in_child(
            Path::new("/bin/echo"),
            Path::new("x.xls"),
            &limits,
            DEFAULT_TIMEOUT,
        )
        .unwrap_err();
        assert!(
            matches!(&err, ReadError::ReaderCrashed { detail } if detail.contains("damaged")),
            "{err:?}"
        );
        let err = read_in_child(
            Path::new("/nonexistent/daicho"),
            Path::new("x.xls"),
            &limits,
            DEFAULT_TIMEOUT,
        )
        .unwrap_err();
        assert!(matches!(err, ReadError::ReaderCrashed { .. }));
    }

    /// A child killed by a signal (as an allocation failure's abort does) or one that hangs.
    #[cfg(unix)]
    #[test]
    fn aborted_or_hanging_child_is_reported() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let script = |name: &str, body: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
            path
        };
        let limits = Limits::default();
        // A script just written can be "busy" (ETXTBSY) for a moment: another test's forked child
        // may still hold the write descriptor until it execs. Starting it again then is what
        // Go's os/exec does; daicho's own executable is never freshly written, so only the test
        // needs this.
        let run = |exe: &Path, timeout: Duration| {
            for _ in 0..100 {
                match read_in_child(exe, Path::new("x.xls"), &limits, timeout) {
                    Err(ReadError::ReaderCrashed { detail }) if detail.contains("busy") => {
                        std::thread::sleep(Duration::from_millis(20));
                    }
                    other => return other,
                }
            }
            read_in_child(exe, Path::new("x.xls"), &limits, timeout)
        };
        let abort = script(
            "abort.sh",
            "echo 'memory allocation of 171798691840 bytes failed' >&2; kill -ABRT $$",
        );
        let err = run(&abort, DEFAULT_TIMEOUT).unwrap_err();
        assert!(
            matches!(&err, ReadError::ReaderCrashed { detail }
                if detail.contains("SIGABRT") && detail.contains("memory allocation")),
            "{err:?}"
        );
        let hang = script("hang.sh", "exec sleep 30");
        let err = run(&hang, Duration::from_millis(300)).unwrap_err();
        assert!(
            matches!(&err, ReadError::ReaderCrashed { detail } if detail.contains("did not finish")),
            "{err:?}"
        );
    }
}

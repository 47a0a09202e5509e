//! daicho's benchmark (SPEC §10). Not a test: run it by hand on an idle machine.
//!
//! ```sh
//! cargo build --release && cargo run --release --example bench
//! cargo run --release --example bench -- --sizes 1000,10000 --small 200 --runs 1
//! ```
//!
//! It generates realistic ledgers (12 Japanese columns, ~3% planted problems) of 1k, 10k and
//! 100k rows with rust_xlsxwriter, then measures side by side, each phase in its own child
//! process so that wall time and peak memory (the child's `ru_maxrss`) belong to that phase:
//!
//! - **(a) floor**: read every sheet with calamine and write every cell back with
//!   rust_xlsxwriter, nothing else (this example re-invoked as `bench __floor IN OUT`);
//! - **(b) check**: the real binary, `daicho check --format json --as-of … FILE`;
//! - **(c) check + annotate**: `daicho check --annotate --out-dir TMP --format json …` — for an
//!   .xlsx input the annotated copy is the input package patched in place (its untouched parts
//!   copied raw); the benchmark checks that it was (the shared-strings part is raw-identical);
//! - **(d) convert**: `daicho convert --force -o TMP/…standard.xlsx …` (the standard layout with
//!   its 変換ログ sheet; target ≤ 1.5× (c) in time and ≤ 250 MB at 100k rows);
//! - **(e) values copy**: read, analyse and build + save the values copy through the library (what
//!   a package daicho cannot patch, or an .xls/.ods/CSV input, gets), for comparison with (c);
//! - **lib**: read and analyse through the library, timed separately (where the time goes).
//!
//! Then 1,000 small workbooks in one folder through `daicho check --format json DIR` (files/s),
//! and optionally (`--openpyxl`) `benches/openpyxl_check.py` (check) and `benches/openpyxl_annotate.py`
//! (check and write the annotated copy) on the 10k ledger for comparison.

use calamine::{open_workbook_auto, Data, Reader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const AS_OF: &str = "2026-11-25";

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let code = match args.get(1).map(String::as_str) {
        Some("__floor") if args.len() == 4 => floor(Path::new(&args[2]), Path::new(&args[3])),
        Some("__lib") if args.len() == 3 => lib_phase(Path::new(&args[2])),
        // `bench __ledger PATH ROWS`: the ledger of the main measurements (seeded by its size).
        Some("__ledger") if args.len() == 4 => {
            let rows = args[3].parse().unwrap_or(1000);
            generate_ledger(Path::new(&args[2]), rows, rows as u64).map_err(|e| e.to_string())
        }
        Some("__values") if args.len() == 4 => {
            values_copy_phase(Path::new(&args[2]), Path::new(&args[3]))
        }
        // `bench __gen PATH ROWS [EXTRA_COLUMNS]`: write one ledger (extra text columns after
        // the 12 standard ones, e.g. 18 for a 30-column ledger).
        Some("__gen") if args.len() == 4 || args.len() == 5 => {
            let rows = args[3].parse().unwrap_or(1000);
            let extra = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(0);
            generate_ledger_with(Path::new(&args[2]), rows, 1, extra).map_err(|e| e.to_string())
        }
        _ => run(&args[1..]),
    };
    if let Err(e) = code {
        eprintln!("bench: {e}");
        std::process::exit(1);
    }
}

struct Options {
    sizes: Vec<usize>,
    small: usize,
    runs: usize,
    daicho: PathBuf,
    dir: Option<PathBuf>,
    openpyxl: bool,
}

fn parse_options(args: &[String]) -> Result<Options, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    // target/release/examples/bench -> target/release/daicho
    let default_daicho = exe
        .parent()
        .and_then(Path::parent)
        .map(|d| d.join(format!("daicho{}", std::env::consts::EXE_SUFFIX)))
        .unwrap_or_default();
    let mut o = Options {
        sizes: vec![1_000, 10_000, 100_000],
        small: 1_000,
        runs: 3,
        daicho: default_daicho,
        dir: None,
        openpyxl: false,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().cloned().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--sizes" => {
                o.sizes = value()?
                    .split(',')
                    .map(|s| s.trim().parse().map_err(|_| format!("bad size {s}")))
                    .collect::<Result<_, _>>()?
            }
            "--small" => o.small = value()?.parse().map_err(|_| "bad --small")?,
            "--runs" => o.runs = value()?.parse().map_err(|_| "bad --runs")?,
            "--daicho" => o.daicho = PathBuf::from(value()?),
            "--dir" => o.dir = Some(PathBuf::from(value()?)),
            "--openpyxl" => o.openpyxl = true,
            "-h" | "--help" => {
                println!("cargo run --release --example bench -- [--sizes 1000,10000,100000] [--small 1000] [--runs 3] [--daicho PATH] [--dir DIR] [--openpyxl]");
                std::process::exit(0);
            }
            other => return Err(format!("unknown option {other}")),
        }
    }
    o.runs = o.runs.max(1);
    Ok(o)
}

/// One measured child process.
#[derive(Clone, Copy)]
struct Sample {
    wall: Duration,
    /// User + system CPU time of the child (steadier than wall time on a busy machine).
    cpu: Duration,
    max_rss_kb: i64,
}

/// Runs a command to completion; wall time from spawn to exit, peak RSS from `wait4`.
fn measure(cmd: &mut Command) -> Result<(Sample, String), String> {
    let start = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    let mut out = String::new();
    if let Some(mut stdout) = child.stdout.take() {
        use std::io::Read;
        let mut bytes = Vec::new();
        let _ = stdout.read_to_end(&mut bytes);
        // Keep only what the lib phase prints (one line); JSON reports are not needed here.
        if bytes.len() < 4096 {
            out = String::from_utf8_lossy(&bytes).into_owned();
        }
    }
    let (status, max_rss_kb, cpu) = wait_child(child)?;
    let wall = start.elapsed();
    if status > 2 {
        return Err(format!("{cmd:?} failed with status {status}"));
    }
    Ok((
        Sample {
            wall,
            cpu,
            max_rss_kb,
        },
        out,
    ))
}

#[cfg(unix)]
fn wait_child(child: std::process::Child) -> Result<(i32, i64, Duration), String> {
    let pid = child.id() as i32;
    let mut status = 0;
    // SAFETY: a zeroed rusage is a valid value; wait4 only writes into the two out-parameters,
    // and the child is reaped here (std's Child is dropped without waiting).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    if r != pid {
        return Err("wait4 failed".into());
    }
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        128 + libc::WTERMSIG(status)
    };
    let secs = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    Ok((
        code,
        usage.ru_maxrss,
        secs(usage.ru_utime) + secs(usage.ru_stime),
    ))
}

/// Elsewhere only the wall time is measured (peak memory shows as 0).
#[cfg(not(unix))]
fn wait_child(mut child: std::process::Child) -> Result<(i32, i64, Duration), String> {
    let status = child.wait().map_err(|e| e.to_string())?;
    Ok((status.code().unwrap_or(128), 0, Duration::ZERO))
}

/// The median sample (by wall time) of `runs` runs, with the highest peak memory seen.
fn median(cmd: &mut dyn FnMut() -> Command, runs: usize) -> Result<(Sample, String), String> {
    let mut samples = Vec::new();
    let mut out = String::new();
    for _ in 0..runs {
        let (s, o) = measure(&mut cmd())?;
        samples.push(s);
        out = o;
    }
    let max_rss_kb = samples.iter().map(|s| s.max_rss_kb).max().unwrap_or(0);
    let mut cpus: Vec<Duration> = samples.iter().map(|s| s.cpu).collect();
    cpus.sort();
    samples.sort_by_key(|s| s.wall);
    let mid = samples[samples.len() / 2];
    Ok((
        Sample {
            wall: mid.wall,
            cpu: cpus[cpus.len() / 2],
            max_rss_kb,
        },
        out,
    ))
}

fn run(args: &[String]) -> Result<(), String> {
    let o = parse_options(args)?;
    if !o.daicho.is_file() {
        return Err(format!(
            "{} not found: run `cargo build --release` first (or pass --daicho PATH)",
            o.daicho.display()
        ));
    }
    let tmp;
    let dir = match &o.dir {
        Some(d) => {
            std::fs::create_dir_all(d).map_err(|e| e.to_string())?;
            d.clone()
        }
        None => {
            tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
            tmp.path().to_path_buf()
        }
    };
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    println!(
        "daicho benchmark — {} (as-of {AS_OF}), median of {} runs",
        o.daicho.display(),
        o.runs
    );
    println!("machine: {}", machine());
    println!();
    println!("Each phase is a separate process: wall time, CPU time (user+sys) and peak RSS.");
    let mut per_row = Vec::new();
    for &rows in &o.sizes {
        let input = dir.join(format!("ledger_{rows}.xlsx"));
        if !input.is_file() {
            // In a child: a child's peak RSS (`ru_maxrss`) starts from this process's RSS at
            // fork, so generating 100k rows here would inflate every later phase's memory.
            let (_, _) = measure(
                Command::new(&me)
                    .arg("__ledger")
                    .arg(&input)
                    .arg(rows.to_string()),
            )?;
        }
        let size = std::fs::metadata(&input).map(|m| m.len()).unwrap_or(0);
        let out_dir = dir.join(format!("out_{rows}"));
        std::fs::create_dir_all(&out_dir).map_err(|e| e.to_string())?;
        let floor_out = out_dir.join("floor.xlsx");
        let (a, _) = median(
            &mut || {
                let mut c = Command::new(&me);
                c.arg("__floor").arg(&input).arg(&floor_out);
                c
            },
            o.runs,
        )?;
        let (b, _) = median(
            &mut || {
                let mut c = Command::new(&o.daicho);
                c.args([
                    "check",
                    "--format",
                    "json",
                    "--no-progress",
                    "--as-of",
                    AS_OF,
                ])
                .arg(&input);
                c
            },
            o.runs,
        )?;
        let annotated = out_dir.join(format!("ledger_{rows}.checked.xlsx"));
        let _ = std::fs::remove_file(&annotated);
        let (c, _) = median(
            &mut || annotate_command(&o.daicho, &out_dir, &input),
            o.runs,
        )?;
        let annotate_works = annotated.is_file();
        let in_place = annotate_works && patched_in_place(&input, &annotated);
        let values_out = out_dir.join("values.checked.xlsx");
        let (e, _) = median(
            &mut || {
                let mut c = Command::new(&me);
                c.arg("__values").arg(&input).arg(&values_out);
                c
            },
            o.runs,
        )?;
        let converted = out_dir.join(format!("ledger_{rows}.standard.xlsx"));
        let (d, _) = median(
            &mut || {
                let mut c = Command::new(&o.daicho);
                c.args(["convert", "--force", "--as-of", AS_OF])
                    .arg("-o")
                    .arg(&converted)
                    .arg(&input);
                c
            },
            o.runs,
        )?;
        let (_, lib) = median(
            &mut || {
                let mut c = Command::new(&me);
                c.arg("__lib").arg(&input);
                c
            },
            o.runs,
        )?;
        let per_row_us = |x: Sample| x.wall.as_secs_f64() * 1e6 / rows as f64;
        per_row.push((rows, per_row_us(b), per_row_us(c)));
        println!();
        println!("{rows} rows ({:.1} MB xlsx)", size as f64 / 1e6);
        println!(
            "  (a) floor: calamine read + rust_xlsxwriter write  {}",
            fmt_sample(a)
        );
        println!(
            "  (b) daicho check                                 {}",
            fmt_sample(b)
        );
        println!(
            "  (c) daicho check --annotate (patched in place)   {}{}",
            fmt_sample(c),
            if !annotate_works {
                "  (no annotated workbook was written: --annotate unavailable in this build)"
            } else if !in_place {
                "  (NOT patched in place: the copy is a values copy)"
            } else {
                ""
            }
        );
        println!(
            "  (d) daicho convert                               {}",
            fmt_sample(d)
        );
        println!("      library: read + analyse = {}", lib.trim());
        println!(
            "  (c)/(a) = {:.2} wall, {:.2} CPU   (b)/(a) = {:.2} wall   (c) peak memory {} the floor's",
            c.wall.as_secs_f64() / a.wall.as_secs_f64(),
            c.cpu.as_secs_f64() / a.cpu.as_secs_f64().max(1e-9),
            b.wall.as_secs_f64() / a.wall.as_secs_f64(),
            if c.max_rss_kb <= a.max_rss_kb { "≤" } else { ">" }
        );
        println!(
            "  (d)/(c) = {:.2} wall, {:.2} CPU   (d) peak memory {} MB (target ≤ 1.5 and ≤ 250 MB at 100k rows)",
            d.wall.as_secs_f64() / c.wall.as_secs_f64(),
            d.cpu.as_secs_f64() / c.cpu.as_secs_f64().max(1e-9),
            d.max_rss_kb / 1024
        );
        println!(
            "  (e) values copy (library: read+analyse+build)    {}",
            fmt_sample(e)
        );
        println!(
            "  in place: (c)/(a) = {:.2} wall (target ≤ 0.80), peak {} MB (target ≤ 200); values copy (e)/(a) = {:.2} wall",
            c.wall.as_secs_f64() / a.wall.as_secs_f64(),
            (c.max_rss_kb + 512) / 1024,
            e.wall.as_secs_f64() / a.wall.as_secs_f64(),
        );
    }
    println!();
    if per_row.len() > 1 {
        println!("linearity (wall µs per row):");
        for (rows, b, c) in &per_row {
            println!("  {rows:>7} rows: check {b:>6.1}   check+annotate {c:>6.1}");
        }
        let (_, b0, c0) = per_row[0];
        let (_, bn, cn) = per_row[per_row.len() - 1];
        println!(
            "  largest/smallest = {:.2} (check), {:.2} (check+annotate); 1.00 is linear, below 1 means fixed costs amortised",
            bn / b0,
            cn / c0
        );
    }

    if o.small > 0 {
        let folder = dir.join(format!("small_{}", o.small));
        if !folder.is_dir() {
            std::fs::create_dir_all(&folder).map_err(|e| e.to_string())?;
            for i in 0..o.small {
                let rows = 10 + (i * 7) % 30;
                generate_ledger(&folder.join(format!("台帳_{i:04}.xlsx")), rows, i as u64)
                    .map_err(|e| e.to_string())?;
            }
        }
        let (s, _) = median(
            &mut || {
                let mut c = Command::new(&o.daicho);
                c.args([
                    "check",
                    "--format",
                    "json",
                    "--no-progress",
                    "--as-of",
                    AS_OF,
                ])
                .arg(&folder);
                c
            },
            o.runs,
        )?;
        println!();
        println!(
            "{} small workbooks (10–39 rows) in one folder, daicho check --format json DIR:\n  {} → {:.0} files/s",
            o.small,
            fmt_sample(s),
            o.small as f64 / s.wall.as_secs_f64()
        );
    }

    if o.openpyxl {
        let rows = if o.sizes.contains(&10_000) {
            10_000
        } else {
            o.sizes[0]
        };
        let input = dir.join(format!("ledger_{rows}.xlsx"));
        let benches = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches");
        let (p, _) = median(
            &mut || {
                let mut c = Command::new("python3");
                c.arg(benches.join("openpyxl_check.py")).arg(&input);
                c
            },
            1,
        )?;
        // The peer of the annotated copy: the same checks, marks and a summary sheet, saved.
        let peer_dir = dir.join(format!("out_{rows}_openpyxl_peer"));
        std::fs::create_dir_all(&peer_dir).map_err(|e| e.to_string())?;
        let (pa, _) = median(
            &mut || {
                let mut c = Command::new("python3");
                c.arg(benches.join("openpyxl_annotate.py"))
                    .arg(&input)
                    .arg(&peer_dir);
                c
            },
            1,
        )?;
        let (b, _) = median(
            &mut || {
                let mut c = Command::new(&o.daicho);
                c.args([
                    "check",
                    "--format",
                    "json",
                    "--no-progress",
                    "--as-of",
                    AS_OF,
                ])
                .arg(&input);
                c
            },
            o.runs,
        )?;
        let annotate_dir = dir.join(format!("out_{rows}_openpyxl"));
        std::fs::create_dir_all(&annotate_dir).map_err(|e| e.to_string())?;
        let (c, _) = median(
            &mut || annotate_command(&o.daicho, &annotate_dir, &input),
            o.runs,
        )?;
        println!();
        println!(
            "{rows} rows: openpyxl script (benches/openpyxl_check.py)\n  {}\n  daicho check\n  {} → {:.1}× faster\n\
             {rows} rows: openpyxl script that also writes the annotated copy (benches/openpyxl_annotate.py)\n  {}\n  daicho check --annotate (patched in place)\n  {} → {:.1}× faster than it (target ≥ 20), {:.1}× faster than the check-only script",
            fmt_sample(p),
            fmt_sample(b),
            p.wall.as_secs_f64() / b.wall.as_secs_f64(),
            fmt_sample(pa),
            fmt_sample(c),
            pa.wall.as_secs_f64() / c.wall.as_secs_f64(),
            p.wall.as_secs_f64() / c.wall.as_secs_f64()
        );
    }
    Ok(())
}

fn fmt_sample(s: Sample) -> String {
    format!(
        "{:>7.3} s wall {:>7.3} s CPU {:>5} MB",
        s.wall.as_secs_f64(),
        s.cpu.as_secs_f64(),
        (s.max_rss_kb + 512) / 1024
    )
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!(
        "{cpu}, {cores} cores, {} {}",
        std::env::consts::OS,
        std::env::consts::ARCH
    )
}

// ---------------------------------------------------------------------------------------------
// Phases run in a child process.

/// (a) The floor: calamine reads every sheet, rust_xlsxwriter writes every cell back.
fn floor(input: &Path, output: &Path) -> Result<(), String> {
    let mut book = open_workbook_auto(input).map_err(|e| e.to_string())?;
    let mut out = rust_xlsxwriter::Workbook::new();
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy/mm/dd");
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).map_err(|e| e.to_string())?;
        let ws = out.add_worksheet();
        ws.set_name(&name).map_err(|e| e.to_string())?;
        let (r0, c0) = range.start().unwrap_or((0, 0));
        for (r, c, v) in range.used_cells() {
            let (r, c) = (r0 + r as u32, (c0 + c as u32) as u16);
            let res = match v {
                Data::String(s) => ws.write_string(r, c, s).map(|_| ()),
                Data::Float(f) => ws.write_number(r, c, *f).map(|_| ()),
                Data::Int(i) => ws.write_number(r, c, *i as f64).map(|_| ()),
                Data::Bool(b) => ws.write_boolean(r, c, *b).map(|_| ()),
                Data::DateTime(d) => ws
                    .write_number_with_format(r, c, d.as_f64(), &date)
                    .map(|_| ()),
                Data::DateTimeIso(s) | Data::DurationIso(s) => ws.write_string(r, c, s).map(|_| ()),
                Data::Error(e) => ws.write_string(r, c, e.to_string()).map(|_| ()),
                Data::Empty => Ok(()),
            };
            res.map_err(|e| e.to_string())?;
        }
    }
    out.save(output).map_err(|e| e.to_string())
}

/// Library read and analysis timed separately; prints one line.
fn lib_phase(input: &Path) -> Result<(), String> {
    let as_of = chrono::NaiveDate::parse_from_str(AS_OF, "%Y-%m-%d").map_err(|e| e.to_string())?;
    let settings = daicho::settings::Settings::new(as_of);
    let t0 = Instant::now();
    let book = daicho::workbook::open_path(input, &settings.limits).map_err(|e| e.to_string())?;
    let t1 = Instant::now();
    let analysis = daicho::engine::analyze(&book, &settings);
    let t2 = Instant::now();
    println!(
        "{:.3}+{:.3} s {:>5}f",
        (t1 - t0).as_secs_f64(),
        (t2 - t1).as_secs_f64(),
        analysis.findings.len()
    );
    Ok(())
}

/// (d) The values copy through the library: read, analyse, build and save it (no in-place patch).
fn values_copy_phase(input: &Path, output: &Path) -> Result<(), String> {
    let as_of = chrono::NaiveDate::parse_from_str(AS_OF, "%Y-%m-%d").map_err(|e| e.to_string())?;
    let settings = daicho::settings::Settings::new(as_of);
    let book = daicho::workbook::open_path(input, &settings.limits).map_err(|e| e.to_string())?;
    let analysis = daicho::engine::analyze(&book, &settings);
    let name = input
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (mut out, _) = daicho::annotate::build(
        &analysis,
        &settings,
        &name,
        daicho::annotate::Options::default(),
    )
    .map_err(|e| e.to_string())?;
    out.save(output).map_err(|e| e.to_string())
}

/// Whether `annotated` is `input` patched in place: its shared-strings part (which marks never
/// touch) is the input's, byte for byte and still compressed; a values copy writes its own.
fn patched_in_place(input: &Path, annotated: &Path) -> bool {
    fn raw_part(path: &Path, name: &str) -> Option<Vec<u8>> {
        use std::io::Read;
        let file = std::fs::File::open(path).ok()?;
        let mut zip = zip::ZipArchive::new(file).ok()?;
        let mut entry = zip.by_name_raw(name.as_bytes()).ok()?;
        let mut raw = Vec::new();
        entry.read_to_end(&mut raw).ok()?;
        Some(raw)
    }
    let part = "xl/sharedStrings.xml";
    matches!((raw_part(input, part), raw_part(annotated, part)), (Some(a), Some(b)) if a == b)
}

// ---------------------------------------------------------------------------------------------
// Realistic ledgers.

const HEADERS: [&str; 12] = [
    "管理番号",
    "機器種別",
    "メーカー",
    "OS",
    "ソフトウェア",
    "ソフトウェアバージョン",
    "IPアドレス",
    "コンピュータ名",
    "設置場所",
    "利用者",
    "登録日",
    "状態",
];

const MAKERS: [&str; 8] = [
    "富士通",
    "NEC",
    "Dell",
    "HP",
    "Lenovo",
    "キヤノンメディカル",
    "日立",
    "パナソニック",
];
const OSES: [&str; 6] = [
    "Windows 11 Pro 24H2",
    "Windows 11 Enterprise 24H2",
    "Windows Server 2022",
    "Windows Server 2019",
    "Red Hat Enterprise Linux 9",
    "Windows 11 Pro 25H2",
];
const SOFTWARE: [&str; 6] = [
    "電子カルテ",
    "医事会計システム",
    "PACSビューア",
    "検査システム",
    "Microsoft 365",
    "部門システム",
];
const PLACES: [&str; 6] = [
    "本館1階 外来受付",
    "本館2階 ナースステーション",
    "本館3階 病棟",
    "別館 放射線科",
    "別館 検査室",
    "事務棟 医事課",
];
const USERS: [&str; 6] = [
    "看護部 山田",
    "医事課 佐藤",
    "放射線科 鈴木",
    "検査科 高橋",
    "薬剤部 田中",
    "情報システム室 伊藤",
];
const STATUSES: [&str; 3] = ["稼働中", "稼働中", "予備"];

/// Tiny deterministic PRNG (xorshift), so the generated ledgers are the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

/// One sheet 「機器台帳」 with a title row, the header in row 3 and `rows` devices, about 3% of
/// which carry one planted problem (bad or duplicate IP, unsupported OS, bad date, placeholder,
/// duplicate or missing management number, unknown status).
fn generate_ledger(path: &Path, rows: usize, seed: u64) -> Result<(), rust_xlsxwriter::XlsxError> {
    generate_ledger_with(path, rows, seed, 0)
}

fn generate_ledger_with(
    path: &Path,
    rows: usize,
    seed: u64,
    extra_columns: u16,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut wb = rust_xlsxwriter::Workbook::new();
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy/mm/dd");
    let ws = wb.add_worksheet();
    ws.set_name("機器台帳")?;
    ws.write_string(0, 0, "機器台帳(情報システム室)")?;
    for (c, h) in HEADERS.iter().enumerate() {
        ws.write_string(2, c as u16, *h)?;
    }
    for e in 0..extra_columns {
        ws.write_string(2, 12 + e, format!("補足{}", e + 1))?;
    }
    for i in 0..rows {
        let r = 3 + i as u32;
        let n = i + 1;
        let mut id = format!("PC-{n:06}");
        let mut os = rng.pick(&OSES).to_string();
        let mut ip = format!(
            "10.{}.{}.{}",
            1 + (n >> 16) % 250,
            (n >> 8) & 0xFF,
            1 + (n & 0xFF) % 254
        );
        if (n & 0xFF) >= 254 {
            ip = format!(
                "10.{}.{}.{}",
                251 + (n >> 16) % 4,
                (n >> 8) & 0xFF,
                1 + (n & 0xFF) % 250
            );
        }
        let mut software = rng.pick(&SOFTWARE).to_string();
        let mut status = rng.pick(&STATUSES).to_string();
        let mut registered: Option<String> = None;
        if n % 33 == 0 {
            match (n / 33) % 8 {
                0 => ip = "192.168.1.300".into(),
                1 => ip = format!("10.1.0.{}", 1 + (n - 1) % 250),
                2 => os = "Windows 7 Professional".into(),
                3 => registered = Some("2020/13/45".into()),
                4 => software = "〇〇システム".into(),
                5 => id = format!("PC-{:06}", n - 1),
                6 => id.clear(),
                _ => status = "不明".into(),
            }
        }
        let kind = if os.contains("Server") || os.contains("Red Hat") {
            "サーバ"
        } else {
            "端末PC"
        };
        ws.write_string(r, 0, &id)?;
        ws.write_string(r, 1, kind)?;
        ws.write_string(r, 2, rng.pick(&MAKERS))?;
        ws.write_string(r, 3, &os)?;
        ws.write_string(r, 4, &software)?;
        ws.write_string(
            r,
            5,
            format!(
                "{}.{}.{}",
                1 + rng.next() % 9,
                rng.next() % 10,
                rng.next() % 20
            ),
        )?;
        ws.write_string(r, 6, &ip)?;
        ws.write_string(
            r,
            7,
            format!("HOSP-{kind}-{n:06}")
                .replace("端末PC", "PC")
                .replace("サーバ", "SV"),
        )?;
        ws.write_string(r, 8, rng.pick(&PLACES))?;
        ws.write_string(r, 9, rng.pick(&USERS))?;
        match registered {
            Some(text) => ws.write_string(r, 10, text)?,
            None => {
                ws.write_number_with_format(r, 10, 43_000.0 + (rng.next() % 2_500) as f64, &date)?
            }
        };
        ws.write_string(r, 11, &status)?;
        for e in 0..extra_columns {
            ws.write_string(
                r,
                12 + e,
                format!("補足情報{}-{}", e + 1, rng.next() % 1000),
            )?;
        }
    }
    wb.save(path)
}

/// `daicho check --annotate` of `input` into `out_dir`, the JSON report on stdout.
fn annotate_command(daicho: &Path, out_dir: &Path, input: &Path) -> Command {
    let mut c = Command::new(daicho);
    c.args([
        "check",
        "--annotate",
        "--format",
        "json",
        "--no-progress",
        "--as-of",
        AS_OF,
    ])
    .arg("--out-dir")
    .arg(out_dir)
    .arg(input);
    c
}

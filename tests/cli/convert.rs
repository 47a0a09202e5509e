//! End-to-end: `daicho convert` on the messy fixtures (multi-sheet, two-row headers, .xls/.ods,
//! CP932 CSV). Every device arrives once with no value lost, safe fixes are logged, anything that
//! would need a guess is left alone and flagged, `check` on the result finds the original problems
//! minus the fixed ones, and the CSV/JSON exports carry the same devices.

use crate::common::{daicho, fixture, AS_OF};
use daicho::address::a1;
use daicho::engine::analyze;
use daicho::layout::Field;
use daicho::settings::Settings;
use daicho::workbook::{open_path, CellValue, Limits};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

fn as_of() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 25).expect("date")
}

/// Copies a fixture into a fresh folder (outputs go beside the input).
fn scratch(p: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let src = fixture(p);
    let dst = dir.path().join(src.file_name().expect("name"));
    std::fs::copy(&src, &dst).expect("copy");
    (dir, dst)
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Run {
    let out = daicho().args(args).output().expect("run");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn convert(input: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["convert", "--as-of", AS_OF];
    args.extend_from_slice(extra);
    let input = input.to_str().expect("utf-8 path");
    args.push(input);
    let r = run(&args);
    assert_eq!(r.code, 0, "convert failed:\n{}\n{}", r.stdout, r.stderr);
    r
}

fn json_file(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).expect("read json")).expect("json")
}

/// A device of the input as daicho reads it: its sheet, 1-based row, and every non-blank cell
/// (column, value as shown).
#[derive(Debug)]
struct InputDevice {
    sheet: String,
    row: u32,
    cells: Vec<(u32, String)>,
    /// The field of each mapped column.
    fields: HashMap<u32, Field>,
    headers: HashMap<u32, String>,
}

fn input_devices(path: &Path) -> Vec<InputDevice> {
    let wb = open_path(path, &Limits::default()).expect("open");
    let settings = Settings::new(as_of());
    let analysis = analyze(&wb, &settings);
    let mut out = Vec::new();
    for ls in &analysis.ledger.sheets {
        let fields: HashMap<u32, Field> = ls.layout.fields().map(|(f, c)| (c, f)).collect();
        let headers: HashMap<u32, String> = ls
            .layout
            .columns
            .iter()
            .map(|c| (c.col, c.header.clone()))
            .collect();
        for d in &ls.devices {
            out.push(InputDevice {
                sheet: ls.name().to_string(),
                row: d.row.index + 1,
                cells: d
                    .row
                    .cells
                    .iter()
                    .filter(|(_, v)| !v.is_blank())
                    .map(|(c, v)| (*c, v.display()))
                    .collect(),
                fields: fields.clone(),
                headers: headers.clone(),
            });
        }
    }
    out
}

/// `変更 端末PC!G8 IPアドレス [PC-003]: 「before」→「after」 (codes)` lines of the text log, by
/// source place.
fn changes_in_log(log: &str) -> HashMap<String, (String, String)> {
    let mut out = HashMap::new();
    for line in log.lines() {
        let Some(rest) = line.strip_prefix("変更 ") else {
            continue;
        };
        let place = rest.split(' ').next().unwrap_or("").to_string();
        let Some(b) = rest.find('「') else { continue };
        let Some(arrow) = rest.find("」→「") else {
            continue;
        };
        let before = rest[b + '「'.len_utf8()..arrow].to_string();
        let after_start = arrow + "」→「".len();
        let Some(end) = rest[after_start..].find("」 (") else {
            continue;
        };
        let after = rest[after_start..after_start + end].to_string();
        out.insert(place, (before, after));
    }
    out
}

/// JSON dates are ISO (`2020-12-01`); the log and the sheet show `2020/12/01`.
fn same_value(json: &str, shown: &str) -> bool {
    json == shown || json.replace('-', "/") == shown
}

/// Converts to JSON with a log and checks: every input device once, in order; every input value
/// present as typed or changed by a logged fix.
fn assert_every_device_once_no_value_lost(fixture_path: &str) -> (Value, String) {
    let (dir, input) = scratch(fixture_path);
    let log_path = dir.path().join("convert.log");
    let log_arg = log_path.to_str().expect("path").to_string();
    convert(&input, &["--format", "json", "--log", &log_arg]);
    let stem = input
        .file_stem()
        .expect("stem")
        .to_string_lossy()
        .to_string();
    let json = json_file(&dir.path().join(format!("{stem}.standard.json")));
    let log = std::fs::read_to_string(&log_path).expect("log");
    let changes = changes_in_log(&log);
    let devices = json.as_array().expect("array");
    let expected = input_devices(&input);
    assert_eq!(
        devices.len(),
        expected.len(),
        "{fixture_path}: device count"
    );
    let mut problems = Vec::new();
    for (dev, want) in devices.iter().zip(&expected) {
        assert_eq!(
            (
                dev["sheet"].as_str().unwrap_or(""),
                dev["row"].as_u64().unwrap_or(0)
            ),
            (want.sheet.as_str(), u64::from(want.row)),
            "{fixture_path}: devices out of order"
        );
        for (col, shown) in &want.cells {
            let got = match want.fields.get(col) {
                Some(f) => dev[f.key()].as_str().map(str::to_string),
                None => want
                    .headers
                    .get(col)
                    .and_then(|h| dev["extra"][h].as_str())
                    .or_else(|| {
                        dev["extra"]
                            .as_object()
                            .and_then(|m| {
                                m.iter()
                                    .find(|(k, _)| k.contains(&daicho::address::col_letters(*col)))
                            })
                            .and_then(|(_, v)| v.as_str())
                    })
                    .map(str::to_string),
            };
            let place = format!("{}!{}", want.sheet, a1(want.row - 1, *col));
            match got {
                Some(g) if same_value(&g, shown) => {}
                Some(g) => match changes.get(&place) {
                    Some((before, after)) if before == shown && same_value(&g, after) => {}
                    other => problems.push(format!(
                        "{place}: 「{shown}」 became 「{g}」, log says {other:?}"
                    )),
                },
                None => problems.push(format!("{place}: 「{shown}」 lost")),
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{fixture_path}:\n{}",
        problems.join("\n")
    );
    (json, log)
}

fn device<'a>(json: &'a Value, sheet: &str, row: u64) -> &'a Value {
    json.as_array()
        .expect("array")
        .iter()
        .find(|d| d["sheet"] == sheet && d["row"] == row)
        .unwrap_or_else(|| panic!("no device {sheet} row {row}"))
}

#[test]
fn hospital_a_in_three_formats_every_device_once() {
    for f in [
        "messy/hospital_a.xlsx",
        "messy/hospital_a.xls",
        "messy/hospital_a.ods",
    ] {
        let (json, log) = assert_every_device_once_no_value_lost(f);
        assert_eq!(json.as_array().map(Vec::len), Some(32), "{f}");
        // Full-width and zero-padded IPs normalised, each with its log line.
        assert_eq!(device(&json, "端末PC", 8)["ip"], "192.168.1.5");
        assert!(
            log.contains(
                "変更 端末PC!G8 IPアドレス [PC-003]: 「１９２．１６８．１．５」→「192.168.1.5」"
            ),
            "{f}\n{log}"
        );
        assert_eq!(device(&json, "端末PC", 9)["ip"], "192.168.10.54");
        // 和暦 and text dates as dates.
        assert_eq!(device(&json, "サーバ", 10)["registered"], "2024-04-01");
        assert!(
            log.contains("変更 サーバ!L10 登録日 [SV-007]: 「令和6年4月1日」→「2024/04/01」"),
            "{f}\n{log}"
        );
        assert_eq!(device(&json, "端末PC", 10)["registered"], "2022-04-01");
        // Kind from the sheet name; status and OS spellings.
        assert_eq!(
            device(&json, "ネットワーク機器", 3)["kind"],
            "ネットワーク機器"
        );
        assert_eq!(device(&json, "端末PC", 10)["status"], "稼働");
        assert_eq!(device(&json, "サーバ", 6)["os"], "Windows Server 2012 R2");
        // Placeholders, impossible dates, specific statuses and duplicates are left as typed.
        assert_eq!(device(&json, "サーバ", 8)["ip"], "192.168.x.x");
        assert_eq!(device(&json, "サーバ", 8)["software_version"], "未定");
        assert_eq!(device(&json, "サーバ", 9)["registered"], "2020/13/45");
        assert_eq!(device(&json, "ネットワーク機器", 6)["ip"], "192.168.〇.〇");
        assert_eq!(device(&json, "端末PC", 22)["status"], "修理中");
        assert_eq!(device(&json, "端末PC", 18)["id"], "SV-008");
        // The full-width twin of PC-010 would become PC-010: left alone and flagged.
        assert_eq!(device(&json, "端末PC", 17)["id"], "ＰＣ－０１０");
        assert!(
            log.contains("そのまま 端末PC!A17 管理番号: 「ＰＣ－０１０」"),
            "{f}\n{log}"
        );
        // Non-device rows and sheets left out and listed.
        assert!(log.contains("除外 端末PC!A23: 「合計 16台」"), "{log}");
        assert!(log.contains("除外 シート「表紙」"), "{log}");
        // The remaining findings come from checking the result. 修理中 is a status of a device
        // not in use (issue 13), kept as typed and no longer S001.
        for code in ["IP002", "F002", "ID001", "ID002", "D001"] {
            assert!(
                log.contains(&format!("残る指摘 {code} ")),
                "{f}: {code} missing\n{log}"
            );
        }
        assert!(
            !log.contains("残る指摘 IP003 "),
            "{f}: IP003 should be fixed\n{log}"
        );
    }
}

#[test]
fn clinic_b_cp932_csv_every_device_once() {
    let (json, log) = assert_every_device_once_no_value_lost("messy/clinic_b.csv");
    assert_eq!(json.as_array().map(Vec::len), Some(9));
    let d = device(&json, "clinic_b", 2);
    assert_eq!(d["id"], "001");
    assert_eq!(d["registered"], "2023-04-01");
    assert_eq!(d["user"], "髙﨑 花子");
    assert_eq!(device(&json, "clinic_b", 5)["ip"], "192.168.0.20");
    assert!(
        log.contains(
            "変更 clinic_b!G5 IPアドレス [004]: 「１９２．１６８．０．２０」→「192.168.0.20」"
        ),
        "{log}"
    );
    assert!(
        log.contains("変更 clinic_b!K4 登録日 [003]: 「令和元年5月1日」→「2019/05/01」"),
        "{log}"
    );
    assert!(
        log.contains("変更 clinic_b!A2 管理番号 [001]: 「００１」→「001」"),
        "{log}"
    );
    // Left alone: the impossible 令和2年2月30日, TBD and the duplicate IP.
    assert_eq!(device(&json, "clinic_b", 6)["registered"], "令和2年2月30日");
    assert_eq!(device(&json, "clinic_b", 6)["software_version"], "TBD");
    assert_eq!(device(&json, "clinic_b", 8)["ip"], "192.168.0.11");
}

/// Findings of `daicho check` keyed by (code, field, source sheet, source row); for a converted
/// file the row is mapped back through the JSON export (same device order).
fn check_keys(path: &Path, back: Option<&Value>) -> BTreeMap<(String, String, String, u64), usize> {
    let out = run(&[
        "check",
        "--format",
        "json",
        "--as-of",
        AS_OF,
        path.to_str().expect("path"),
    ]);
    let json: Value =
        serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout));
    let mut keys = BTreeMap::new();
    for d in json["files"][0]["diagnostics"]
        .as_array()
        .expect("diagnostics")
    {
        let code = d["code"].as_str().unwrap_or("").to_string();
        let field = d["field"].as_str().unwrap_or("").to_string();
        let sheet = d["sheet"].as_str().unwrap_or("").to_string();
        let row = d["row"].as_u64().unwrap_or(0);
        let (sheet, row) = match back {
            // Row 4 of the standard sheet is the first device.
            Some(devices) if row >= 4 => {
                let dev = &devices[(row - 4) as usize];
                (
                    dev["sheet"].as_str().unwrap_or("").to_string(),
                    dev["row"].as_u64().unwrap_or(0),
                )
            }
            _ => (sheet, row),
        };
        *keys.entry((code, field, sheet, row)).or_insert(0) += 1;
    }
    keys
}

#[test]
fn check_after_convert_finds_the_original_problems_minus_the_fixed_ones() {
    for f in [
        "messy/hospital_a.xlsx",
        "messy/hospital_a.ods",
        "messy/clinic_b.csv",
        "seed.xlsx",
        "clean.xlsx",
    ] {
        let (dir, input) = scratch(f);
        convert(&input, &[]);
        convert(&input, &["--format", "json"]);
        let stem = input
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .to_string();
        let json = json_file(&dir.path().join(format!("{stem}.standard.json")));
        let before = check_keys(&input, None);
        let after = check_keys(
            &dir.path().join(format!("{stem}.standard.xlsx")),
            Some(&json),
        );
        let mut expected = before.clone();
        // The safe fixes remove exactly the non-canonical IPs.
        expected.retain(|k, _| k.0 != "IP003");
        assert_eq!(after, expected, "{f}: check after convert");
    }
}

#[test]
fn converted_workbook_is_the_standard_sheet_and_a_log() {
    let (dir, input) = scratch("messy/hospital_a.xlsx");
    let before = std::fs::read(&input).expect("read");
    let r = convert(&input, &[]);
    assert!(
        r.stdout.contains("hospital_a.standard.xlsx"),
        "{}",
        r.stdout
    );
    assert_eq!(
        std::fs::read(&input).expect("read"),
        before,
        "input modified"
    );
    let out = dir.path().join("hospital_a.standard.xlsx");
    let wb = open_path(&out, &Limits::default()).expect("open output");
    let names: Vec<&str> = wb.sheets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["機器台帳", "変換ログ"]);
    let settings = Settings::new(as_of());
    let analysis = analyze(&wb, &settings);
    assert_eq!(
        analysis.sheets[1].role.as_str(),
        "other",
        "the log must not read as a ledger"
    );
    let ledger = &analysis.ledger.sheets[0];
    assert_eq!(ledger.layout.header_row, 2);
    // The header holds exactly the labels, then the unknown column of the source.
    let header: Vec<String> = ledger
        .layout
        .columns
        .iter()
        .map(|c| c.header.clone())
        .collect();
    let mut want: Vec<String> = Field::ALL.iter().map(|f| f.label().to_string()).collect();
    want.push("No.".into());
    assert_eq!(header, want);
    // Dates are date cells; management numbers stay text.
    let first = &ledger.devices[0];
    assert!(matches!(first.row.get(9), Some(CellValue::DateTime(_))));
    assert_eq!(first.row.get(0), Some(&CellValue::Text("SV-001".into())));
    // A second run refuses to overwrite; --force replaces.
    let again = run(&["convert", "--as-of", AS_OF, input.to_str().expect("path")]);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("--force"), "{}", again.stderr);
    convert(&input, &["--force"]);
}

#[test]
fn converting_a_converted_ledger_changes_nothing() {
    for f in ["messy/hospital_a.xlsx", "clean.xlsx", "messy/clinic_b.csv"] {
        let (dir, input) = scratch(f);
        convert(&input, &[]);
        let stem = input
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .to_string();
        let first = dir.path().join(format!("{stem}.standard.xlsx"));
        let second = dir.path().join("again.xlsx");
        let log = dir.path().join("again.log");
        convert(
            &first,
            &[
                "-o",
                second.to_str().expect("p"),
                "--log",
                log.to_str().expect("p"),
            ],
        );
        let log = std::fs::read_to_string(&log).expect("log");
        assert!(
            !log.lines().any(|l| l.starts_with("変更 ")),
            "{f}: round trip changed values:\n{log}"
        );
        assert!(
            !log.lines().any(|l| l.starts_with("除外 ")),
            "{f}: round trip left something out:\n{log}"
        );
        let a = open_path(&first, &Limits::default()).expect("open");
        let b = open_path(&second, &Limits::default()).expect("open");
        assert_eq!(
            cells(&a.sheets[0]),
            cells(&b.sheets[0]),
            "{f}: cells differ"
        );
    }
}

fn cells(sheet: &daicho::workbook::Sheet) -> Vec<(u32, u32, CellValue)> {
    sheet
        .grid
        .rows()
        .iter()
        .flat_map(|r| r.cells.iter().map(move |(c, v)| (r.index, *c, v.clone())))
        .collect()
}

/// CSV (UTF-8 with BOM) and JSON carry the same devices with the same values.
#[test]
fn csv_and_json_exports_carry_the_same_devices() {
    let (dir, input) = scratch("messy/hospital_a.xlsx");
    convert(&input, &["--format", "csv"]);
    convert(&input, &["--format", "json"]);
    let bytes = std::fs::read(dir.path().join("hospital_a.standard.csv")).expect("csv");
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM");
    let text = std::str::from_utf8(&bytes[3..]).expect("utf-8");
    assert!(text.contains("\r\n"), "CRLF");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    let labels: Vec<&str> = Field::ALL.iter().map(|f| f.label()).collect();
    assert_eq!(&header[..labels.len()], labels.as_slice());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("record")).collect();
    let json = json_file(&dir.path().join("hospital_a.standard.json"));
    let devices = json.as_array().expect("array");
    assert_eq!(rows.len(), devices.len());
    for (row, dev) in rows.iter().zip(devices) {
        for (i, f) in Field::ALL.iter().enumerate() {
            let csv_value = row.get(i).unwrap_or("");
            let json_value = dev[f.key()].as_str().unwrap_or("");
            assert!(
                same_value(json_value, csv_value),
                "{}: {} csv 「{csv_value}」 json 「{json_value}」",
                dev["row"],
                f.key()
            );
        }
    }
    // The CSV reads back as a ledger with the same devices.
    let wb = open_path(
        &dir.path().join("hospital_a.standard.csv"),
        &Limits::default(),
    )
    .expect("open csv");
    let analysis = analyze(&wb, &Settings::new(as_of()));
    assert_eq!(analysis.ledger.device_count(), 32);
}

#[test]
fn cp932_csv_output_decodes() {
    let (dir, input) = scratch("messy/clinic_b.csv");
    let out = dir.path().join("out.csv");
    convert(
        &input,
        &[
            "--format",
            "csv",
            "--encoding",
            "cp932",
            "-o",
            out.to_str().expect("p"),
        ],
    );
    let bytes = std::fs::read(&out).expect("read");
    assert!(!bytes.starts_with(b"\xEF\xBB\xBF"));
    let (text, had_errors) = encoding_rs::SHIFT_JIS.decode_without_bom_handling(&bytes);
    assert!(!had_errors, "not valid CP932");
    assert!(text.starts_with("管理番号,メーカー,OS,"), "{text}");
    assert!(
        text.contains("髙﨑 花子") && text.contains("①番診察室") && text.contains("Ｘ線室"),
        "{text}"
    );
    // The CP932 output reads back with the same devices.
    let wb = open_path(&out, &Limits::default()).expect("open");
    assert_eq!(
        analyze(&wb, &Settings::new(as_of())).ledger.device_count(),
        9
    );
}

#[test]
fn characters_cp932_cannot_hold_are_reported_not_replaced() {
    let dir = tempfile::tempdir().expect("dir");
    let input = dir.path().join("emoji.csv");
    std::fs::write(
        &input,
        "管理番号,OS,IPアドレス,設置場所\r\nPC-1,Windows 11 Pro 25H2,192.168.0.1,𠮷野家前🙂\r\n",
    )
    .expect("write");
    let r = run(&[
        "convert",
        "--as-of",
        AS_OF,
        "--format",
        "csv",
        "--encoding",
        "cp932",
        input.to_str().expect("p"),
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("U+20BB7") && r.stderr.contains("U+1F642"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--encoding utf-8"), "{}", r.stderr);
    assert!(!dir.path().join("emoji.standard.csv").exists());
    // UTF-8 keeps them.
    convert(&input, &["--format", "csv"]);
    let text = std::fs::read_to_string(dir.path().join("emoji.standard.csv")).expect("read");
    assert!(text.contains("𠮷野家前🙂"));
}

#[test]
fn several_inputs_go_to_a_folder_and_bad_inputs_exit_2() {
    let dir = tempfile::tempdir().expect("dir");
    let out = dir.path().join("out");
    let r = run(&[
        "convert",
        "--as-of",
        AS_OF,
        "-o",
        out.to_str().expect("p"),
        fixture("seed.xlsx").to_str().expect("p"),
        fixture("messy/clinic_b.csv").to_str().expect("p"),
        fixture("structure/no_ledger.xlsx").to_str().expect("p"),
        fixture("bad/truncated.xlsx").to_str().expect("p"),
    ]);
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(out.join("seed.standard.xlsx").exists());
    assert!(out.join("clinic_b.standard.xlsx").exists());
    assert!(
        r.stderr.contains("no_ledger.xlsx") && r.stderr.contains("台帳のシートが見つからない"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("truncated.xlsx"), "{}", r.stderr);
    // English messages.
    let r = run(&[
        "convert",
        "--lang",
        "en",
        "--as-of",
        AS_OF,
        fixture("structure/no_ledger.xlsx").to_str().expect("p"),
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("No ledger sheet found"), "{}", r.stderr);
}

#[test]
fn same_stem_inputs_get_their_own_outputs() {
    let (dir, xlsx) = scratch("messy/hospital_a.xlsx");
    let ods = dir.path().join("hospital_a.ods");
    std::fs::copy(fixture("messy/hospital_a.ods"), &ods).expect("copy");
    let r = run(&[
        "convert",
        "--as-of",
        AS_OF,
        xlsx.to_str().expect("utf-8"),
        ods.to_str().expect("utf-8"),
    ]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(dir.path().join("hospital_a.standard.xlsx").is_file());
    assert!(dir.path().join("hospital_a.ods.standard.xlsx").is_file());
}

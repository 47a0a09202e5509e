//! One case per rule code, as ruff tests its rules: a minimal workbook on which the rule fires at
//! a named cell, and the same workbook corrected, on which it does not. The cases run through the
//! whole analysis (`engine::analyze`), so a rule that is registered but never called fails here.
//! `every_rule_has_a_case` keeps the table complete: a new code without a case fails the build's
//! tests.

use crate::checklist::edition::find_bundled;
use crate::engine::analyze;
use crate::registry;
use crate::settings::{Exception, Settings};
use crate::workbook::{CellIn, Format, Grid, Sheet, SkippedKind, SkippedSheet, Workbook};
use crate::Form;
use chrono::NaiveDate;

const HEADER: [&str; 12] = [
    "管理番号",
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
    "備考",
];

/// A correct device row: every rule is silent on it.
fn device(n: usize) -> Vec<String> {
    [
        format!("PC-{n:03}"),
        "NEC".into(),
        "Windows 11 Pro 25H2".into(),
        "電子カルテ".into(),
        "5.1".into(),
        format!("10.0.0.{}", n + 10),
        format!("PC{n:03}"),
        "外来".into(),
        "看護部".into(),
        "2024/4/1".into(),
        "稼働".into(),
        String::new(),
    ]
    .to_vec()
}

fn col(label: &str) -> usize {
    HEADER
        .iter()
        .position(|h| *h == label)
        .unwrap_or_else(|| panic!("no column {label}"))
}

/// A ledger sheet 「台帳」: the header in row 1, then three correct devices, each changed by
/// `edit(row_index, row)`.
fn ledger(edit: impl Fn(usize, &mut Vec<String>)) -> Sheet {
    let mut rows: Vec<Vec<String>> = vec![HEADER.iter().map(|s| s.to_string()).collect()];
    for n in 1..=3 {
        let mut row = device(n);
        edit(n, &mut row);
        rows.push(row);
    }
    sheet("台帳", &rows)
}

fn set(row: &mut [String], label: &str, value: &str) {
    row[col(label)] = value.to_string();
}

fn sheet(name: &str, rows: &[Vec<String>]) -> Sheet {
    let borrowed: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    let slices: Vec<&[&str]> = borrowed.iter().map(Vec::as_slice).collect();
    Sheet::from_text_rows(name, &slices)
}

/// An R7 hospital checklist in the one-header-row layout hospitals retype: every item answered
/// はい with a 確認日, except as `edit(item number, row)` changes it. Columns: No, item, 対象,
/// はい, いいえ, 確認日, 目標日.
fn checklist(writer: &str, edit: impl Fn(&str, &mut Vec<String>)) -> Sheet {
    let edition = find_bundled(Some("r7"), Form::Hospital).expect("the bundled R7 edition");
    let mut rows: Vec<Vec<String>> = vec![
        vec!["医療機関におけるサイバーセキュリティ対策チェックリスト".into()],
        vec![
            "医療機関名：".into(),
            "テスト病院".into(),
            String::new(),
            "記入者：".into(),
            writer.into(),
        ],
        vec![],
        [
            "No",
            "チェック項目",
            "対象",
            "はい",
            "いいえ",
            "確認日",
            "目標日",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
    ];
    for item in &edition.items {
        let mut row = vec![
            item.number.clone(),
            item.text.clone(),
            String::new(),
            "○".into(),
            String::new(),
            "2026/6/1".into(),
            String::new(),
        ];
        edit(&item.number, &mut row);
        rows.push(row);
    }
    sheet("チェックリスト", &rows)
}

const ANSWER_YES: usize = 3;
const ANSWER_NO: usize = 4;
const CHECKED_ON: usize = 5;
const TARGET_DATE: usize = 6;

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 25).expect("a date")
}

/// Where each code of a run fired: `(code, cell)`, `cell` as `Sheet!A1`, or the sheet alone.
/// Exceptions that matched nothing (X001) and stale support data (OS005) are reported once per
/// run, after every file, as the command line does.
fn fired(sheets: Vec<Sheet>, settings: &Settings) -> Vec<(&'static str, String)> {
    fired_on(Workbook::new(Format::Xlsx, sheets), settings)
}

/// [`fired`] on a whole workbook (worksheets and the sheets its reader skipped).
fn fired_on(workbook: Workbook, settings: &Settings) -> Vec<(&'static str, String)> {
    let mut findings = analyze(&workbook, settings).findings;
    findings.extend(crate::suppress::unused_exceptions(settings));
    findings.extend(crate::rules::os::stale_support_data(settings));
    findings
        .iter()
        .map(|f| {
            let place = match (&f.sheet, f.cell()) {
                (Some(s), Some(c)) => format!("{s}!{c}"),
                (Some(s), None) => s.clone(),
                (None, _) => String::new(),
            };
            (f.code(), place)
        })
        .collect()
}

/// The clean ledger and a checklist whose item 1-① row is edited by `edit`.
fn item_1_edited(edit: fn(&mut Vec<String>)) -> Vec<Sheet> {
    vec![
        ledger(|_, _| {}),
        checklist("山田 一", |n, r| {
            if n == "1-①" {
                edit(r)
            }
        }),
    ]
}

/// One rule's case: the workbook on which it fires at `at`, and the corrected one.
struct Case {
    code: &'static str,
    fires: fn() -> Vec<Sheet>,
    at: &'static str,
    corrected: fn() -> Vec<Sheet>,
    settings: fn() -> Settings,
}

fn plain() -> Settings {
    Settings::new(as_of())
}

fn clean_ledger() -> Vec<Sheet> {
    vec![ledger(|_, _| {})]
}

fn clean_both() -> Vec<Sheet> {
    vec![ledger(|_, _| {}), checklist("山田 一", |_, _| {})]
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            code: "L001",
            fires: || vec![sheet("メモ", &[vec!["打ち合わせメモ".into()]])],
            at: "",
            corrected: clean_ledger,
            settings: plain,
        },
        Case {
            code: "L002",
            fires: || {
                let rows: Vec<Vec<String>> = std::iter::once(
                    HEADER
                        .iter()
                        .map(|h| if *h == "OS" { "" } else { h }.to_string())
                        .collect(),
                )
                .chain((1..=3).map(|n| {
                    let mut r = device(n);
                    r[col("OS")].clear();
                    r
                }))
                .collect();
                vec![sheet("台帳", &rows)]
            },
            at: "台帳",
            corrected: clean_ledger,
            settings: plain,
        },
        Case {
            code: "L003",
            fires: || {
                let mut rows: Vec<Vec<String>> =
                    vec![HEADER.iter().map(|s| s.to_string()).collect()];
                rows[0].push("OS".into());
                for n in 1..=3 {
                    let mut r = device(n);
                    r.push("Windows 11 Pro 25H2".into());
                    rows.push(r);
                }
                vec![sheet("台帳", &rows)]
            },
            at: "台帳!M1",
            corrected: clean_ledger,
            settings: plain,
        },
        Case {
            code: "L004",
            fires: || {
                vec![sheet(
                    "台帳",
                    &[HEADER.iter().map(|s| s.to_string()).collect()],
                )]
            },
            at: "台帳",
            corrected: clean_ledger,
            settings: plain,
        },
        Case {
            code: "F001",
            fires: || {
                vec![ledger(|n, r| {
                    if n == 2 {
                        set(r, "コンピュータ名", "")
                    }
                })]
            },
            at: "台帳!G3",
            corrected: clean_ledger,
            settings: plain,
        },
        Case {
            code: "F002",
            fires: || {
                vec![ledger(|n, r| {
                    if n == 2 {
                        set(r, "設置場所", "〇〇")
                    }
                })]
            },
            at: "台帳!H3",
            corrected: clean_ledger,
            settings: plain,
        },
        Case {
            code: "IP001",
            fires: || {
                vec![ledger(|n, r| {
                    if n == 2 {
                        set(r, "IPアドレス", "192.168.1.300")
                    }
                })]
            },
            at: "台帳!F3",
            corrected: clean_ledger,
            settings: plain,
        },
        Case {
            code: "IP002",
            fires: || {
                vec![ledger(|n, r| {
                    if n == 2 {
                        set(r, "IPアドレス", "192.168.〇.〇")
                    }
                })]
            },
            at: "台帳!F3",
            corrected: clean_ledger,
            settings: plain,
        },
        Case {
            code: "IP003",
            fires: || {
                vec![ledger(|n, r| {
                    if n == 2 {
                        set(r, "IPアドレス", "10.0.0.012")
                    }
                })]
            },
            at: "台帳!F3",
            corrected: clean_ledger,
            settings: plain,
        },
        Case {
            code: "IP004",
            fires: || {
                vec![ledger(|n, r| {
                    if n == 3 {
                        set(r, "IPアドレス", "10.0.0.12")
                    }
                })]
            },
            at: "台帳!F4",
            corrected: clean_ledger,
            settings: plain,
        },
        Case {
            code: "IP005",
            fires: || {
                vec![ledger(|n, r| {
                    if n == 2 {
                        set(r, "IPアドレス", "192.168.5.5")
                    }
                })]
            },
            at: "台帳!F3",
            corrected: clean_ledger,
            settings: || {
                let mut s = plain();
                s.networks = vec!["10.0.0.0/24".parse().expect("a network")];
                s
            },
        },
        Case {
            code: "IP006",
            fires: || {
                vec![ledger(|n, r| {
                    if n == 2 {
                        set(r, "IPアドレス", "127.0.0.1")
                    }
                })]
            },
            at: "台帳!F3",
            corrected: clean_ledger,
            settings: plain,
        },
        Case {
            code: "ID001",
            fires: || {
                vec![ledger(|n, r| {
                    if n == 3 {
                        set(r, "管理番号", "PC-001")
                    }
                })]
            },
            at: "台帳!A4",
            corrected: clean_ledger,
            settings: plain,
        },
        Case {
            code: "ID002",
            fires: || {
                vec![ledger(|n, r| {
                    if n == 3 {
                        set(r, "管理番号", "ＰＣ－００１")
                    }
                })]
            },
            at: "台帳!A4",
            corrected: clean_ledger,
            settings: plain,
        },
        Case {
            code: "OS001",
            fires: || {
                vec![ledger(|n, r| {
                    if n == 2 {
                        set(r, "OS", "Windows 7")
                    }
                })]
            },
            at: "台帳!C3",
            corrected: clean_ledger,
            settings: plain,
        },
        Case {
            code: "OS002",
            fires: || {
                vec![ledger(|n, r| {
                    if n == 2 {
                        set(r, "OS", "Windows Server 2016")
                    }
                })]
            },
            at: "台帳!C3",
            corrected: clean_ledger,
            settings: plain,
        },
        Case {
            code: "OS003",
            fires: || {
                vec![ledger(|n, r| {
                    if n == 2 {
                        set(r, "OS", "独自OS")
                    }
                })]
            },
            at: "台帳!C3",
            corrected: clean_ledger,
            settings: plain,
        },
        Case {
            code: "OS004",
            fires: || {
                vec![ledger(|n, r| {
                    if n == 2 {
                        set(r, "OS", "Windows 11")
                    }
                })]
            },
            at: "台帳!C3",
            corrected: clean_ledger,
            settings: plain,
        },
        Case {
            code: "OS005",
            fires: clean_ledger,
            at: "",
            corrected: clean_ledger,
            settings: || Settings::new(NaiveDate::from_ymd_opt(2027, 7, 1).expect("a date")),
        },
        Case {
            code: "D001",
            fires: || {
                vec![ledger(|n, r| {
                    if n == 2 {
                        set(r, "登録日", "2020/13/45")
                    }
                })]
            },
            at: "台帳!J3",
            corrected: clean_ledger,
            settings: plain,
        },
        Case {
            code: "D002",
            fires: || {
                vec![ledger(|n, r| {
                    if n == 2 {
                        set(r, "登録日", "2042/4/1")
                    }
                })]
            },
            at: "台帳!J3",
            corrected: clean_ledger,
            settings: plain,
        },
        Case {
            code: "S001",
            fires: || {
                vec![ledger(|n, r| {
                    if n == 2 {
                        set(r, "状態", "移設待ち")
                    }
                })]
            },
            at: "台帳!K3",
            corrected: clean_ledger,
            settings: plain,
        },
        Case {
            code: "S002",
            fires: || {
                // PC-002's management number struck through, its status still 稼働.
                let s = ledger(|_, _| {});
                let id = col("管理番号") as u32;
                let cells: Vec<CellIn> = s
                    .grid
                    .rows()
                    .iter()
                    .flat_map(|r| {
                        r.cells.iter().map(move |(c, v)| CellIn {
                            struck: r.index == 2 && *c == id,
                            ..CellIn::plain(r.index, *c, v.clone())
                        })
                    })
                    .collect();
                vec![Sheet {
                    grid: Grid::from_cells_in(cells),
                    ..s
                }]
            },
            at: "台帳!K3",
            corrected: clean_ledger,
            settings: plain,
        },
        Case {
            code: "C001",
            fires: || {
                item_1_edited(|r| {
                    r[ANSWER_YES].clear();
                })
            },
            at: "チェックリスト!D5",
            corrected: clean_both,
            settings: plain,
        },
        Case {
            code: "C002",
            fires: || {
                item_1_edited(|r| {
                    r[ANSWER_YES].clear();
                    r[ANSWER_NO] = "○".into();
                })
            },
            at: "チェックリスト!G5",
            corrected: clean_both,
            settings: plain,
        },
        Case {
            code: "C003",
            fires: || {
                item_1_edited(|r| {
                    r[CHECKED_ON].clear();
                })
            },
            at: "チェックリスト!F5",
            corrected: clean_both,
            settings: plain,
        },
        Case {
            code: "C004",
            fires: || {
                item_1_edited(|r| {
                    r[ANSWER_YES].clear();
                    r[ANSWER_NO] = "○".into();
                    r[TARGET_DATE] = "2026/3/31".into();
                })
            },
            at: "チェックリスト!G5",
            corrected: clean_both,
            settings: plain,
        },
        Case {
            code: "C005",
            fires: || {
                vec![
                    ledger(|n, r| {
                        if n == 2 {
                            set(r, "OS", "Windows 7")
                        }
                    }),
                    checklist("山田 一", |_, _| {}),
                ]
            },
            at: "チェックリスト!D",
            corrected: clean_both,
            settings: plain,
        },
        Case {
            code: "C006",
            fires: || {
                item_1_edited(|r| {
                    r[0] = "9-⑨".into();
                    r[1] = "院内の観葉植物に水をやっている。".into();
                })
            },
            at: "チェックリスト!",
            corrected: clean_both,
            settings: plain,
        },
        Case {
            code: "C007",
            fires: || vec![ledger(|_, _| {}), checklist("", |_, _| {})],
            at: "チェックリスト!E2",
            corrected: clean_both,
            settings: plain,
        },
        Case {
            // A sheet of an edition daicho has no text for: one notice, checked by structure.
            code: "C008",
            fires: || {
                vec![
                    ledger(|_, _| {}),
                    checklist("山田 一", |n, r| {
                        r[1] = format!("独自の確認項目{n}を実施している。");
                    }),
                ]
            },
            at: "チェックリスト!B",
            corrected: clean_both,
            settings: plain,
        },
        Case {
            code: "C009",
            // 2-⑪ asks サーバ only; a row answering it for 端末PC is kept and said so.
            fires: || {
                vec![
                    ledger(|_, _| {}),
                    checklist("山田 一", |n, r| {
                        if n == "2-⑪" {
                            r[2] = "端末PC".into();
                        }
                    }),
                ]
            },
            at: "チェックリスト!D",
            corrected: clean_both,
            settings: plain,
        },
        Case {
            code: "X001",
            fires: clean_ledger,
            at: "",
            corrected: clean_ledger,
            settings: || {
                let mut s = plain();
                s.exceptions.push(Exception::new(
                    "PC-404".into(),
                    vec!["OS001".into()],
                    "廃棄予定".into(),
                    None,
                ));
                s
            },
        },
        Case {
            code: "X002",
            fires: || {
                vec![ledger(|n, r| {
                    if n == 2 {
                        set(r, "備考", "daicho:ignore")
                    }
                })]
            },
            at: "台帳!L3",
            corrected: clean_ledger,
            settings: plain,
        },
    ]
}

#[test]
fn every_rule_fires_on_its_case_and_not_on_the_corrected_workbook() {
    let mut problems = Vec::new();
    for case in cases() {
        let settings = (case.settings)();
        let got = fired((case.fires)(), &settings);
        let hit = got
            .iter()
            .any(|(code, place)| *code == case.code && place.starts_with(case.at));
        if !hit {
            problems.push(format!(
                "{} did not fire at {:?}; got {got:?}",
                case.code, case.at
            ));
        }
        let clean = fired((case.corrected)(), &plain());
        if clean.iter().any(|(code, _)| *code == case.code) {
            problems.push(format!(
                "{} fired on the corrected workbook: {clean:?}",
                case.code
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_corrected_workbooks_have_no_finding_at_all() {
    for sheets in [clean_ledger(), clean_both()] {
        let got = fired(sheets, &plain());
        assert!(got.is_empty(), "{got:?}");
    }
}

/// A rule raised when the annotated copy is written, not by the analysis: its case runs through
/// `run::check_file_with` with an annotate target, on an .xlsx written here (`fires` and
/// `corrected` turn a package into the input).
struct WrittenCase {
    code: &'static str,
    fires: fn(Vec<u8>) -> Vec<u8>,
    corrected: fn(Vec<u8>) -> Vec<u8>,
}

fn written_cases() -> Vec<WrittenCase> {
    vec![WrittenCase {
        code: "W001",
        // A package without its styles part cannot be patched safely: a values copy.
        fires: |xlsx| without_part(&xlsx, "xl/styles.xml"),
        corrected: |xlsx| xlsx,
    }]
}

/// The sheets as an .xlsx package written by rust_xlsxwriter (text cells).
fn xlsx_package(sheets: &[Sheet]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    for s in sheets {
        let ws = book.add_worksheet();
        ws.set_name(&s.name).expect("a sheet name");
        for row in s.grid.rows() {
            for (c, v) in &row.cells {
                ws.write_string(row.index, *c as u16, v.display())
                    .expect("a cell");
            }
        }
    }
    book.save_to_buffer().expect("an xlsx")
}

/// The package with one part left out (every other entry copied raw).
fn without_part(xlsx: &[u8], part: &str) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).expect("a zip");
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).expect("an entry");
        if entry.name().ok().as_deref() != Some(part) {
            out.raw_copy_file(entry).expect("a copy");
        }
    }
    out.finish().expect("a zip").into_inner()
}

/// The codes `check --annotate` reports on `xlsx`.
fn fired_when_written(xlsx: &[u8]) -> Vec<&'static str> {
    let dir = tempfile::tempdir().expect("a temp dir");
    let input = dir.path().join("台帳.xlsx");
    std::fs::write(&input, xlsx).expect("the input");
    let target = crate::annotate::Target {
        path: dir.path().join("台帳.checked.xlsx"),
        fallback: false,
    };
    let (report, written) = crate::run::check_file_with(&input, &plain(), Some(&target));
    assert!(report.error.is_none(), "{:?}", report.error);
    assert!(
        matches!(written, Some(Ok(_))),
        "the copy was written: {written:?}"
    );
    report.findings.iter().map(|f| f.code()).collect()
}

#[test]
fn every_written_rule_fires_on_its_case_and_not_on_the_corrected_package() {
    for case in written_cases() {
        let xlsx = xlsx_package(&clean_ledger());
        let got = fired_when_written(&(case.fires)(xlsx.clone()));
        assert!(
            got.contains(&case.code),
            "{} did not fire: {got:?}",
            case.code
        );
        let clean = fired_when_written(&(case.corrected)(xlsx));
        assert!(
            !clean.contains(&case.code),
            "{} fired on the corrected package: {clean:?}",
            case.code
        );
    }
}

/// A rule about the sheets a reader could not read as cells: its case is the clean ledger with
/// such sheets beside it (`at`: where it fires), corrected by leaving them out.
struct SkippedCase {
    code: &'static str,
    skipped: fn() -> Vec<SkippedSheet>,
    at: &'static [&'static str],
}

fn skipped_cases() -> Vec<SkippedCase> {
    vec![SkippedCase {
        code: "L005",
        skipped: || {
            vec![
                SkippedSheet {
                    name: "Macro1".into(),
                    kind: SkippedKind::Macro,
                },
                SkippedSheet {
                    name: "Dialog1".into(),
                    kind: SkippedKind::Dialog,
                },
            ]
        },
        at: &["Macro1", "Dialog1"],
    }]
}

#[test]
fn every_skipped_sheet_rule_fires_on_its_case_and_not_on_the_corrected_workbook() {
    for case in skipped_cases() {
        let workbook = Workbook {
            skipped: (case.skipped)(),
            ..Workbook::new(Format::Xlsx, clean_ledger())
        };
        let got = fired_on(workbook, &plain());
        for at in case.at {
            assert!(
                got.contains(&(case.code, at.to_string())),
                "{} did not fire on {at}: {got:?}",
                case.code
            );
        }
        let clean = fired(clean_ledger(), &plain());
        assert!(
            !clean.iter().any(|(code, _)| *code == case.code),
            "{} fired on the corrected workbook: {clean:?}",
            case.code
        );
    }
}

#[test]
fn every_rule_has_a_case() {
    let covered: Vec<&str> = cases()
        .iter()
        .map(|c| c.code)
        .chain(written_cases().iter().map(|c| c.code))
        .chain(skipped_cases().iter().map(|c| c.code))
        .collect();
    for rule in registry::all() {
        assert!(
            covered.contains(&rule.code),
            "{} has no case in rules/tests.rs",
            rule.code
        );
    }
}

/// A management number or a 設置場所 merged over two device rows is one cell the user sees on
/// both rows: neither a duplicate (ID001) nor a blank (F001).
#[test]
fn cells_merged_over_device_rows_are_neither_duplicates_nor_blanks() {
    let mut s = ledger(|n, r| {
        if n == 2 {
            set(r, "管理番号", "");
            set(r, "設置場所", "");
        }
    });
    for label in ["管理番号", "設置場所"] {
        let c = col(label) as u32;
        s.merges.push(crate::workbook::Merge {
            first_row: 1,
            first_col: c,
            last_row: 2,
            last_col: c,
        });
    }
    let got = fired(vec![s], &plain());
    assert!(got.is_empty(), "{got:?}");
}

/// `convert` runs only [`crate::rules::check_fixable`] on its input and applies the safe fixes it
/// gives: on every case's workbook, each safe fix of the whole check is one of those (so a new
/// rule with a safe fix in another family fails here until it is listed), and IP003's is there.
#[test]
fn safe_fixes_come_from_fixable_families() {
    let mut safe_fixes_seen = 0;
    for case in cases() {
        let settings = (case.settings)();
        let workbook = Workbook::new(Format::Xlsx, (case.fires)());
        let understood = crate::engine::understand(&workbook, &settings);
        let ctx = crate::rules::Context {
            settings: &settings,
            as_of: settings.as_of,
        };
        let (mut all, mut fixable) = (Vec::new(), Vec::new());
        crate::rules::check_ledger(&understood.ledger, &ctx, &mut all);
        crate::rules::check_fixable(&understood.ledger, &ctx, &mut fixable);
        for f in all
            .iter()
            .filter(|f| f.fix.as_ref().is_some_and(|x| x.is_safe()))
        {
            safe_fixes_seen += 1;
            assert!(
                fixable.contains(f),
                "{} ({:?}) has a safe fix but is not run by check_fixable",
                f.code(),
                f.cell()
            );
        }
    }
    assert!(safe_fixes_seen > 0, "no case has a safe fix (IP003's)");
}

//! Drag-and-drop mode (`daicho FILE...`, no subcommand): check each file, write
//! `<stem>.checked.xlsx` beside it, print a short summary per file, and — on Windows, when the
//! console window belongs to daicho alone (launched from Explorer) — wait for Enter so the window
//! does not vanish before it is read.

use crate::annotate::Written;
use crate::paths::display_path;
use crate::report::{ExitStatus, FileReport, Run};
use crate::rules::Finding;
use crate::run::Annotated;
use crate::settings::Settings;
use crate::Text;
use crate::{Lang, Severity};
use std::fmt::Write as _;
use std::path::PathBuf;

/// How many problems the per-file summary lists.
const TOP_PROBLEMS: usize = 5;

/// One input's outcome.
pub struct Outcome {
    pub report: FileReport,
    pub annotated: Annotated,
}

/// What drag-and-drop mode checked: the run-wide settings (the first path's daicho.toml) and
/// every file's outcome.
pub struct Checked {
    pub settings: std::sync::Arc<Settings>,
    pub outcomes: Vec<Outcome>,
}

/// The last thing drag-and-drop mode does on every path out, so that a window Explorer opened
/// stays until the user has read it. A seam: tests observe it, `ConsolePause` is the real one.
pub trait Pause {
    fn pause(&mut self, lang: Lang);
}

/// Waits for Enter when the console window belongs to daicho alone (see [`pause_if_own_console`]).
pub struct ConsolePause;

impl Pause for ConsolePause {
    fn pause(&mut self, lang: Lang) {
        pause_if_own_console(lang);
    }
}

impl<F: FnMut(Lang)> Pause for F {
    fn pause(&mut self, lang: Lang) {
        self(lang)
    }
}

/// Runs drag-and-drop mode; returns how the run ended. `lang` is the command line's language, for
/// what is said before any daicho.toml is read. `check` reads the settings and checks every file
/// (each with its own daicho.toml), writing its annotated workbook; its error is a message
/// already in the user's language (a broken daicho.toml, an unusable option). Every outcome —
/// the usage hint, that message, the summary — ends in `pause`.
pub fn run(
    paths: &[PathBuf],
    lang: Lang,
    check: impl FnOnce() -> Result<Checked, String>,
    pause: &mut dyn Pause,
) -> ExitStatus {
    if paths.is_empty() {
        print(&usage_hint(lang));
        pause.pause(lang);
        return ExitStatus::Failure;
    }
    let Checked { settings, outcomes } = match check() {
        Ok(c) => c,
        Err(message) => {
            eprintln!("{message}");
            pause.pause(lang);
            return ExitStatus::Failure;
        }
    };
    let lang = settings.lang;
    let mut text = String::new();
    for o in &outcomes {
        text.push_str(&file_summary(o, lang));
        text.push('\n');
    }
    let failed_outputs = outcomes.iter().any(|o| matches!(o.annotated, Some(Err(_))));
    let run = Run {
        as_of: settings.as_of,
        lang,
        files: outcomes.into_iter().map(|o| o.report).collect(),
    };
    text.push_str(&totals(&run));
    print(&text);
    pause.pause(lang);
    if failed_outputs {
        ExitStatus::Failure
    } else {
        run.exit_status(settings.fail_on)
    }
}

/// What to do when daicho is started without files (double-clicked).
pub fn usage_hint(lang: Lang) -> String {
    Text::from_static(
        "daicho — 機器台帳・チェックリストの検査\n\n\
         使い方: 検査したいExcelファイル(.xlsx/.xls/.ods/.csv など)やフォルダを、\n\
         この daicho.exe のアイコンの上にドラッグ&ドロップしてください。\n\
         同じフォルダに「<名前>.checked.xlsx」(問題の箇所に色とメモを付けたコピー)ができます。\n\n\
         コマンドラインからは: daicho 台帳.xlsx  /  詳しくは daicho --help\n",
        "daicho — lint device ledgers and checklists\n\n\
         Usage: drag Excel files (.xlsx/.xls/.ods/.csv …) or folders onto daicho.exe.\n\
         An annotated copy '<name>.checked.xlsx' appears beside each file.\n\n\
         From a command line: daicho ledger.xlsx  /  more: daicho --help\n",
    )
    .into_string(lang)
}

/// The short per-file summary: counts, the top problems, where the output went.
pub fn file_summary(o: &Outcome, lang: Lang) -> String {
    let r = &o.report;
    let mut out = String::new();
    let _ = writeln!(out, "■ {}", display_path(&r.path));
    if let Some(e) = &r.error {
        let head = Text::from_static("読めませんでした", "could not be read").into_lang(lang);
        let _ = writeln!(out, "  × {head}: {}", e.message(lang));
        return out;
    }
    let (e, w, i) = (
        r.count(Severity::Error),
        r.count(Severity::Warning),
        r.count(Severity::Info),
    );
    let acknowledged = r.findings.iter().filter(|f| f.suppressed.is_some()).count();
    let counts = Text::new(
        format!("エラー {e}件 / 警告 {w}件 / 情報 {i}件"),
        format!("{e} errors / {w} warnings / {i} infos"),
    )
    .into_lang(lang);
    let ack = match acknowledged {
        0 => String::new(),
        n => {
            Text::new(format!("(承認済み {n}件)"), format!(" ({n} acknowledged)")).into_string(lang)
        }
    };
    let _ = writeln!(out, "  {counts}{ack}");

    let top = top_problems(&r.findings);
    if top.is_empty() {
        let _ = writeln!(
            out,
            "  {}",
            Text::from_static("問題は見つかりませんでした。", "No problems found.").into_lang(lang)
        );
    } else {
        let _ = writeln!(
            out,
            "  {}",
            Text::from_static("おもな問題:", "Top problems:").into_lang(lang)
        );
        for (f, n) in &top {
            let place = match (&f.sheet, f.cell()) {
                (Some(s), Some(c)) => format!(" {s}!{c}"),
                (Some(s), None) => format!(" {s}"),
                _ => String::new(),
            };
            let mark = crate::report::human::mark(f.severity);
            let more = match n - 1 {
                0 => String::new(),
                more => Text::new(format!(" ほか{more}件"), format!(" and {more} more"))
                    .into_string(lang),
            };
            let _ = writeln!(
                out,
                "    {mark} {}{place}{more}  {}",
                f.code(),
                f.message.get(lang)
            );
        }
        let shown: usize = top.iter().map(|(_, n)| n).sum();
        let rest = r
            .findings
            .iter()
            .filter(|f| f.suppressed.is_none())
            .count()
            .saturating_sub(shown);
        if rest > 0 {
            let _ = writeln!(
                out,
                "    {}",
                Text::new(
                    format!("…ほか{rest}件(すべてチェック結果のブックに載っています)"),
                    format!("… and {rest} more (all listed in the annotated workbook)")
                )
                .into_lang(lang)
            );
        }
    }

    match &o.annotated {
        Some(Ok(w)) => out.push_str(&written_line(w, lang)),
        Some(Err(err)) => {
            let head = Text::from_static(
                "チェック結果のブックを保存できませんでした",
                "The annotated workbook was not written",
            )
            .into_lang(lang);
            let _ = writeln!(out, "  × {head}: {}", err.message(lang));
        }
        None => {}
    }
    out
}

fn written_line(w: &Written, lang: Lang) -> String {
    let mut out = String::new();
    if let Some(from) = &w.fell_back_from {
        let where_ = w.path.parent().map(display_path).unwrap_or_default();
        let _ = writeln!(
            out,
            "  {}",
            Text::new(
                format!(
                    "元のフォルダ「{}」に書き込めないため、「{where_}」に保存しました。",
                    display_path(from)
                ),
                format!(
                    "The folder '{}' is not writable, so the output went to '{where_}'.",
                    display_path(from)
                )
            )
            .into_lang(lang)
        );
    }
    let label = Text::from_static("→ チェック結果: ", "→ Annotated workbook: ").into_lang(lang);
    let _ = writeln!(out, "  {label}{}", display_path(&w.path));
    out
}

/// The most severe problems, one line per rule: the rule's first finding and how many more it has.
fn top_problems(findings: &[Finding]) -> Vec<(&Finding, usize)> {
    let mut groups: Vec<(&Finding, usize)> = Vec::new();
    for f in findings.iter().filter(|f| f.suppressed.is_none()) {
        match groups.iter_mut().find(|(g, _)| g.code() == f.code()) {
            Some((first, n)) => {
                *n += 1;
                if f.severity > first.severity {
                    *first = f;
                }
            }
            None => groups.push((f, 1)),
        }
    }
    groups.sort_by_key(|(f, _)| std::cmp::Reverse(f.severity));
    groups.truncate(TOP_PROBLEMS);
    groups
}

fn totals(run: &Run) -> String {
    let s = run.summary();
    Text::new(format!(
            "{}ファイルを検査しました: エラー {}件 / 警告 {}件 / 情報 {}件 / 読めないファイル {}件\n",
            s.files, s.errors, s.warnings, s.infos, s.unreadable
        ), format!(
            "Checked {} file(s): {} errors / {} warnings / {} infos / {} unreadable\n",
            s.files, s.errors, s.warnings, s.infos, s.unreadable
        )).into_string(run.lang)
}

fn print(text: &str) {
    crate::console::write_human(text);
}

/// On Windows, when this process is the only one attached to its console (double-click or
/// drag-and-drop from Explorer), waits for Enter so the window stays open.
pub fn pause_if_own_console(lang: Lang) {
    if !owns_console() {
        return;
    }
    print(Text::from_static("\nEnterキーを押すと閉じます…", "\nPress Enter to close…").get(lang));
    let mut line = String::new();
    let _ = std::io::stdin().read_line(&mut line);
}

#[cfg(windows)]
fn owns_console() -> bool {
    let mut ids = [0u32; 4];
    // SAFETY: `ids` is a valid, writable buffer of `ids.len()` u32 values.
    let n = unsafe {
        windows_sys::Win32::System::Console::GetConsoleProcessList(
            ids.as_mut_ptr(),
            ids.len() as u32,
        )
    };
    // 1: the console was created for daicho alone (Explorer). 2+: a shell shares it. 0: none.
    n == 1
}

#[cfg(not(windows))]
fn owns_console() -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Text;

    #[test]
    fn top_problems_are_most_severe_first() {
        let f = |code: &str, sev: Severity| {
            let rule = crate::registry::find(code).expect("a rule code");
            Finding::new(rule, Text::new("m", "m")).severity(sev)
        };
        let findings = vec![
            f("OS003", Severity::Info),
            f("F002", Severity::Warning),
            f("IP002", Severity::Error),
            f("F002", Severity::Warning),
            f("OS001", Severity::Error),
            f("D001", Severity::Warning),
            f("S001", Severity::Warning),
        ];
        let codes: Vec<(&str, usize)> = top_problems(&findings)
            .iter()
            .map(|(f, n)| (f.code(), *n))
            .collect();
        assert_eq!(
            codes,
            [
                ("IP002", 1),
                ("OS001", 1),
                ("F002", 2),
                ("D001", 1),
                ("S001", 1)
            ]
        );
    }

    #[test]
    fn hint_says_to_drop_files() {
        assert!(usage_hint(Lang::Ja).contains("ドラッグ&ドロップ"));
        assert!(!owns_console() || cfg!(windows));
    }
}

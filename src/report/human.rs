//! Human output: miette-style diagnostics grouped by file and sheet, then a summary table.
//! Colour only when writing to a terminal.

use super::Run;
use crate::paths::display_path;
use crate::rules::Finding;
use crate::{Lang, Severity};
use std::fmt::Write;

pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    fn severity(&self, sev: Severity, s: &str) -> String {
        let code = match sev {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Info => "1;34",
        };
        self.paint(code, s)
    }
}

fn mark(sev: Severity) -> &'static str {
    match sev {
        Severity::Error => "×",
        Severity::Warning => "⚠",
        Severity::Info => "ℹ",
    }
}

pub fn render(run: &Run, style: &Style, quiet: bool) -> String {
    let lang = run.lang;
    let mut out = String::new();
    if !quiet {
        for file in &run.files {
            let _ = writeln!(out, "{}", style.paint("1", &display_path(&file.path)));
            if let Some(e) = &file.error {
                let _ = writeln!(
                    out,
                    "  {} {}",
                    style.severity(Severity::Error, "×"),
                    e.message(lang)
                );
                out.push('\n');
                continue;
            }
            let mut current: Option<&Option<String>> = None;
            for f in &file.findings {
                if current != Some(&f.sheet) {
                    current = Some(&f.sheet);
                    if let Some(name) = &f.sheet {
                        let info = file.sheets.iter().find(|s| &s.name == name);
                        let detail = match (info.map(|s| s.role.as_str()), lang) {
                            (Some("ledger"), Lang::Ja) => {
                                format!("(台帳・{}台)", info.map(|s| s.device_rows).unwrap_or(0))
                            }
                            (Some("ledger"), Lang::En) => format!(
                                "(ledger, {} devices)",
                                info.map(|s| s.device_rows).unwrap_or(0)
                            ),
                            (Some("checklist"), Lang::Ja) => "(チェックリスト)".to_string(),
                            (Some("checklist"), Lang::En) => "(checklist)".to_string(),
                            _ => String::new(),
                        };
                        let title = match lang {
                            Lang::Ja => format!("シート「{name}」{detail}"),
                            Lang::En => format!("sheet '{name}' {detail}"),
                        };
                        let _ = writeln!(out, "  {}", style.paint("1", &title));
                    }
                }
                finding(&mut out, f, style, lang);
            }
            if file.findings.is_empty() {
                let ok = match lang {
                    Lang::Ja => "  問題は見つかりませんでした。",
                    Lang::En => "  No problems found.",
                };
                let _ = writeln!(out, "{ok}");
            }
            if let Some(o) = &file.output {
                let label = match lang {
                    Lang::Ja => "  チェック結果のブック: ",
                    Lang::En => "  Annotated workbook: ",
                };
                let _ = writeln!(out, "{label}{}", display_path(o));
            }
            out.push('\n');
        }
    }
    summary(&mut out, run, style);
    out
}

fn finding(out: &mut String, f: &Finding, style: &Style, lang: Lang) {
    let head = format!(
        "{} {} {}",
        mark(f.severity),
        f.severity.label(lang),
        f.code()
    );
    let place = match (&f.sheet, f.cell()) {
        (Some(s), Some(c)) => format!("{s}!{c}"),
        (Some(s), None) => s.clone(),
        _ => String::new(),
    };
    let suppressed = match (&f.suppressed, lang) {
        (Some(r), Lang::Ja) => format!(" [承認済み: {r}]"),
        (Some(r), Lang::En) => format!(" [acknowledged: {r}]"),
        (None, _) => String::new(),
    };
    let _ = writeln!(
        out,
        "    {} {} {}{}",
        style.severity(f.severity, &head),
        style.paint("2", f.name()),
        style.paint("36", &place),
        suppressed
    );
    let _ = writeln!(out, "      │ {}", f.message.get(lang));
    if let Some(fix) = &f.fix {
        let label = match lang {
            Lang::Ja => "修正案",
            Lang::En => "fix",
        };
        let _ = writeln!(out, "      ╰ {label}: {fix}");
    }
}

fn summary(out: &mut String, run: &Run, style: &Style) {
    let s = run.summary();
    let acknowledged: usize = run
        .files
        .iter()
        .map(|f| f.findings.iter().filter(|x| x.suppressed.is_some()).count())
        .sum();
    let line = match run.lang {
        Lang::Ja => format!(
            "{}ファイル: {} {}件 / {} {}件 / {} {}件 / 読めないファイル {}件{}",
            s.files,
            style.severity(Severity::Error, "エラー"),
            s.errors,
            style.severity(Severity::Warning, "警告"),
            s.warnings,
            style.severity(Severity::Info, "情報"),
            s.infos,
            s.unreadable,
            if acknowledged > 0 {
                format!(" (承認済み {acknowledged}件は数えていません)")
            } else {
                String::new()
            }
        ),
        Lang::En => format!(
            "{} file(s): {} {} / {} {} / {} {} / unreadable {}{}",
            s.files,
            s.errors,
            style.severity(Severity::Error, "errors"),
            s.warnings,
            style.severity(Severity::Warning, "warnings"),
            s.infos,
            style.severity(Severity::Info, "infos"),
            s.unreadable,
            if acknowledged > 0 {
                format!(" ({acknowledged} acknowledged, not counted)")
            } else {
                String::new()
            }
        ),
    };
    let _ = writeln!(out, "{line}");
}

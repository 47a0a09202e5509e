//! Human output: miette-style diagnostics grouped by file and sheet, then a summary table.
//! Colour only when writing to a terminal.

use super::Run;
use crate::paths::display_path;
use crate::rules::Finding;
use crate::workbook::ReadError;
use crate::Text;
use crate::{Lang, Severity};
use std::fmt::Write;

pub struct Style {
    pub color: bool,
}

const BOLD: anstyle::Style = anstyle::Style::new().bold();
const DIM: anstyle::Style = anstyle::Style::new().dimmed();
const PLACE: anstyle::Style = anstyle::AnsiColor::Cyan.on_default();

impl Style {
    fn paint(&self, style: anstyle::Style, s: &str) -> String {
        if self.color {
            format!("{style}{s}{style:#}")
        } else {
            s.to_string()
        }
    }

    fn severity(&self, sev: Severity, s: &str) -> String {
        let color = match sev {
            Severity::Error => anstyle::AnsiColor::Red,
            Severity::Warning => anstyle::AnsiColor::Yellow,
            Severity::Info => anstyle::AnsiColor::Blue,
        };
        self.paint(color.on_default().bold(), s)
    }
}

/// The mark before a finding. On Windows only marks the default Japanese console font (and
/// CP932, for redirected output) has: ⚠ and ℹ are in neither.
pub fn mark(sev: Severity) -> &'static str {
    mark_for(sev, cfg!(windows))
}

fn mark_for(sev: Severity, windows: bool) -> &'static str {
    match (sev, windows) {
        (Severity::Error, _) => "×",
        (Severity::Warning, true) => "▲",
        (Severity::Warning, false) => "⚠",
        (Severity::Info, true) => "※",
        (Severity::Info, false) => "ℹ",
    }
}

/// The corner before a suggested fix: `╰` is not in the Japanese console font.
const FIX_CORNER: &str = if cfg!(windows) { "└" } else { "╰" };

/// An unreadable file's error as a diagnostic, rendered by miette as a daicho.toml error is: its
/// kind as the code (`daicho::password-protected`, the JSON report's `error.kind`), then the
/// message. Colours only when the output has them.
fn file_error(e: &ReadError, style: &Style, lang: Lang) -> String {
    let message = e.message(lang);
    let diagnostic =
        miette::MietteDiagnostic::new(message.clone()).with_code(format!("daicho::{}", e.kind()));
    let theme = if style.color {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let handler = miette::GraphicalReportHandler::new_themed(theme).with_width(120);
    let mut out = String::new();
    match handler.render_report(&mut out, &diagnostic) {
        Ok(()) => out
            .trim_end()
            .lines()
            .map(|l| {
                if l.is_empty() {
                    String::new()
                } else {
                    format!("  {l}")
                }
            })
            .collect::<Vec<_>>()
            .join("\n"),
        Err(_) => format!("  {} {message}", style.severity(Severity::Error, "×")),
    }
}

pub fn render(run: &Run, style: &Style, quiet: bool) -> String {
    let lang = run.lang;
    let mut out = String::new();
    if !quiet {
        for file in &run.files {
            let _ = writeln!(out, "{}", style.paint(BOLD, &display_path(&file.path)));
            if let Some(e) = &file.error {
                let _ = writeln!(out, "{}", file_error(e, style, lang));
                out.push('\n');
                continue;
            }
            let mut current: Option<&Option<String>> = None;
            for f in &file.findings {
                if current != Some(&f.sheet) {
                    current = Some(&f.sheet);
                    if let Some(name) = &f.sheet {
                        let info = file.sheets.iter().find(|s| &s.name == name);
                        let devices = info.map(|s| s.device_rows).unwrap_or(0);
                        let detail = match info.map(|s| s.role.as_str()) {
                            Some("ledger") => Text::new(
                                format!("(台帳・{devices}台)"),
                                format!("(ledger, {devices} devices)"),
                            ),
                            Some("checklist") => {
                                Text::from_static("(チェックリスト)", "(checklist)")
                            }
                            _ => Text::from_static("", ""),
                        }
                        .into_lang(lang);
                        let title = Text::new(
                            format!("シート「{name}」{detail}"),
                            format!("sheet '{name}' {detail}"),
                        )
                        .into_lang(lang);
                        let _ = writeln!(out, "  {}", style.paint(BOLD, &title));
                    }
                }
                finding(&mut out, f, style, lang);
            }
            if file.findings.is_empty() {
                let ok =
                    Text::from_static("  問題は見つかりませんでした。", "  No problems found.")
                        .into_lang(lang);
                let _ = writeln!(out, "{ok}");
            }
            if let Some(hidden) = super::hidden_text(&file.sheets, lang) {
                let label = Text::from_static(
                    "  非表示(チェックはしています): ",
                    "  Hidden (still checked): ",
                )
                .into_lang(lang);
                let _ = writeln!(out, "{label}{hidden}");
            }
            if let Some(o) = &file.output {
                let label = Text::from_static("  チェック結果のブック: ", "  Annotated workbook: ")
                    .into_lang(lang);
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
    let suppressed = match &f.suppressed {
        Some(r) => Text::new(format!(" [承認済み: {r}]"), format!(" [acknowledged: {r}]"))
            .into_string(lang),
        None => String::new(),
    };
    let _ = writeln!(
        out,
        "    {} {} {}{}",
        style.severity(f.severity, &head),
        style.paint(DIM, f.name()),
        style.paint(PLACE, &place),
        suppressed
    );
    let _ = writeln!(out, "      │ {}", f.message.get(lang));
    if let Some(fix) = f.fix_value() {
        let label = Text::from_static("修正案", "fix").into_lang(lang);
        let _ = writeln!(out, "      {FIX_CORNER} {label}: {fix}");
    }
}

fn summary(out: &mut String, run: &Run, style: &Style) {
    let s = run.summary();
    let acknowledged: usize = run
        .files
        .iter()
        .map(|f| f.findings.iter().filter(|x| x.suppressed.is_some()).count())
        .sum();
    let line = Text::new(
        format!(
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
        format!(
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
    )
    .into_lang(run.lang);
    let _ = writeln!(out, "{line}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_marks_are_in_cp932() {
        for sev in [Severity::Error, Severity::Warning, Severity::Info] {
            let m = mark_for(sev, true);
            let (_, _, lacks) = encoding_rs::SHIFT_JIS.encode(m);
            assert!(!lacks, "{m}");
        }
        let (_, _, lacks) = encoding_rs::SHIFT_JIS.encode("└");
        assert!(!lacks);
    }

    #[test]
    fn colour_codes_only_when_asked() {
        let plain = Style { color: false };
        assert_eq!(plain.severity(Severity::Error, "エラー"), "エラー");
        let colored = Style { color: true }.severity(Severity::Error, "エラー");
        assert!(
            colored.starts_with("\x1b[") && colored.ends_with("\x1b[0m"),
            "{colored:?}"
        );
    }
}

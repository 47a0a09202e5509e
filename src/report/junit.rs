//! JUnit XML for Jenkins, GitLab CI and other test-report viewers.
//!
//! One `<testsuite>` per file, one `<testcase>` per sheet (plus `(ブック全体)` / `(workbook)` for
//! findings not tied to a sheet, and `(ファイル)` / `(file)` with an `<error>` when the file could not
//! be read). A testcase fails when it holds an unsuppressed finding at or above `--fail-on`; the
//! `<failure>` lists those findings one per line, and `<system-out>` lists the rest (lower
//! severities and acknowledged findings), so every finding appears exactly once.

use super::FileReport;
use super::{place, Run};
use crate::paths::portable_path;
use crate::rules::Finding;
use crate::Text;
use crate::{Lang, Severity};
use std::fmt::Write;

struct Case<'a> {
    name: String,
    findings: Vec<&'a Finding>,
}

pub fn render(run: &Run, fail_on: Severity) -> String {
    let lang = run.lang;
    let fails = |f: &Finding| f.suppressed.is_none() && f.severity >= fail_on;
    let mut body = String::new();
    let (mut tests, mut failures, mut errors) = (0usize, 0usize, 0usize);
    for file in &run.files {
        let path = portable_path(&file.path);
        let cases = cases(file, lang);
        let file_failures = cases
            .iter()
            .filter(|c| c.findings.iter().any(|f| fails(f)))
            .count();
        let file_errors = usize::from(file.error.is_some());
        let file_tests = cases.len() + file_errors;
        tests += file_tests;
        failures += file_failures;
        errors += file_errors;
        let _ = writeln!(
            body,
            "  <testsuite name=\"{}\" tests=\"{file_tests}\" failures=\"{file_failures}\" errors=\"{file_errors}\" skipped=\"0\">",
            attr(&path)
        );
        if let Some(e) = &file.error {
            let name = Text::from_static("(ファイル)", "(file)").into_lang(lang);
            let msg = e.message(lang);
            let _ = writeln!(
                body,
                "    <testcase name=\"{}\" classname=\"{}\">",
                attr(&name),
                attr(&path)
            );
            let _ = writeln!(
                body,
                "      <error message=\"{}\" type=\"{}\">{}</error>",
                attr(&msg),
                attr(e.kind()),
                text(&msg)
            );
            let _ = writeln!(body, "    </testcase>");
        }
        for case in &cases {
            let _ = write!(
                body,
                "    <testcase name=\"{}\" classname=\"{}\"",
                attr(&case.name),
                attr(&path)
            );
            if case.findings.is_empty() {
                let _ = writeln!(body, "/>");
                continue;
            }
            let _ = writeln!(body, ">");
            let (failing, rest): (Vec<&Finding>, Vec<&Finding>) =
                case.findings.iter().partition(|f| fails(f));
            if !failing.is_empty() {
                let detail: Vec<String> = failing.iter().map(|f| line(f, lang)).collect();
                let _ = writeln!(
                    body,
                    "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                    attr(&counts(&failing, lang)),
                    fail_on.as_str(),
                    text(&detail.join("\n"))
                );
            }
            if !rest.is_empty() {
                let detail: Vec<String> = rest.iter().map(|f| line(f, lang)).collect();
                let _ = writeln!(
                    body,
                    "      <system-out>{}</system-out>",
                    text(&detail.join("\n"))
                );
            }
            let _ = writeln!(body, "    </testcase>");
        }
        let _ = writeln!(body, "  </testsuite>");
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"daicho\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">"
    );
    out.push_str(&body);
    out.push_str("</testsuites>\n");
    out
}

/// One testcase per sheet in workbook order, findings on sheets the report does not list (none
/// expected) after them, then workbook-level findings.
fn cases<'a>(file: &'a FileReport, lang: Lang) -> Vec<Case<'a>> {
    let mut cases: Vec<Case<'a>> = file
        .sheets
        .iter()
        .map(|s| Case {
            name: s.name.clone(),
            findings: Vec::new(),
        })
        .collect();
    let mut workbook = Vec::new();
    for f in &file.findings {
        match &f.sheet {
            Some(sheet) => match cases.iter_mut().find(|c| &c.name == sheet) {
                Some(c) => c.findings.push(f),
                None => cases.push(Case {
                    name: sheet.clone(),
                    findings: vec![f],
                }),
            },
            None => workbook.push(f),
        }
    }
    if !workbook.is_empty() {
        cases.push(Case {
            name: Text::from_static("(ブック全体)", "(workbook)").into_string(lang),
            findings: workbook,
        });
    }
    cases
}

fn counts(findings: &[&Finding], lang: Lang) -> String {
    let n = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let parts: Vec<String> = [Severity::Error, Severity::Warning, Severity::Info]
        .into_iter()
        .filter(|s| n(*s) > 0)
        .map(|s| {
            Text::new(
                format!("{} {}件", s.label(lang), n(s)),
                format!("{} {}", n(s), s.label(lang)),
            )
            .into_string(lang)
        })
        .collect();
    parts.join(" / ")
}

/// `[error] OS001 os-end-of-support 機器台帳!C3: message (修正案: …) [承認済み: 理由]`
pub fn line(f: &Finding, lang: Lang) -> String {
    let mut s = format!("[{}] {} {}", f.severity.as_str(), f.code(), f.name());
    if let Some(p) = place(f) {
        let _ = write!(s, " {p}");
    }
    let _ = write!(s, ": {}", f.message.get(lang));
    if let Some(fix) = f.fix_value() {
        s.push_str(
            &Text::new(format!("(修正案: {fix})"), format!(" (fix: {fix})")).into_lang(lang),
        );
    }
    if let Some(r) = &f.suppressed {
        s.push_str(
            &Text::new(format!(" [承認済み: {r}]"), format!(" [acknowledged: {r}]"))
                .into_lang(lang),
        );
    }
    s
}

/// Characters XML 1.0 cannot hold at all, even escaped.
fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().filter(|c| allowed(*c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

fn attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().filter(|c| allowed(*c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(text("a<b & c>\u{1}d"), "a&lt;b &amp; c&gt;d");
        assert_eq!(attr("\"x\"\n'y'"), "&quot;x&quot;&#10;&apos;y&apos;");
    }

    #[test]
    fn parses_as_xml() {
        let mut f = Finding::new(
            &crate::rules::os::OS001,
            crate::Text::new("<&\"'>\u{0}\n次の行", "x"),
        );
        f.sheet = Some("シート<1>".into());
        let mut report = FileReport::failed(
            std::path::Path::new("a&b.xlsx"),
            crate::workbook::ReadError::NotFound,
        );
        report.findings.push(f);
        let run = Run {
            as_of: chrono::NaiveDate::from_ymd_opt(2026, 11, 25).expect("date"),
            lang: Lang::Ja,
            files: vec![report],
        };
        let xml = render(&run, Severity::Error);
        let mut reader = quick_xml::Reader::from_str(&xml);
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!("invalid XML: {e}\n{xml}"),
            }
        }
        assert!(xml.contains("failures=\"1\" errors=\"1\""), "{xml}");
    }
}

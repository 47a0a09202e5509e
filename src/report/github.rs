//! GitHub Actions workflow commands: one annotation per finding, then the summary line.
//!
//! `::error file=PATH,title=CODE name::sheet!cell message` — error -> `::error`, warning ->
//! `::warning`, info -> `::notice`. An acknowledged (suppressed) finding is a `::notice` marked
//! 承認済み / acknowledged with its reason, so it stays visible without failing anything. An
//! unreadable file is an `::error` titled `daicho`. Escaping follows GitHub's rules: in the
//! message `%`, CR and LF become `%25`, `%0D`, `%0A`; in properties also `:` and `,` become
//! `%3A` and `%2C`.

use super::{place, Run};
use crate::paths::portable_path;
use crate::rules::Finding;
use crate::Text;
use crate::{Lang, Severity};
use std::fmt::Write;

pub fn render(run: &Run) -> String {
    let lang = run.lang;
    let mut out = String::new();
    for file in &run.files {
        let path = portable_path(&file.path);
        let path = path.strip_prefix("./").unwrap_or(&path);
        if let Some(e) = &file.error {
            let _ = writeln!(
                out,
                "::error file={},title=daicho::{}",
                property(path),
                data(&e.message(lang))
            );
        }
        for f in &file.findings {
            let _ = writeln!(out, "{}", annotation(path, f, lang));
        }
    }
    // The plain summary line closes the log (not a command).
    out.push_str(&super::human::render(
        run,
        &super::human::Style { color: false },
        true,
    ));
    out
}

fn annotation(path: &str, f: &Finding, lang: Lang) -> String {
    let command = match (f.suppressed.is_some(), f.severity) {
        (true, _) | (false, Severity::Info) => "notice",
        (false, Severity::Error) => "error",
        (false, Severity::Warning) => "warning",
    };
    let mut title = format!("{} {}", f.code(), f.name());
    let mut message = String::new();
    if let Some(p) = place(f) {
        let _ = write!(message, "{p} ");
    }
    if let Some(reason) = &f.suppressed {
        title.push_str(Text::from_static(" (承認済み)", " (acknowledged)").get(lang));
        message.push_str(
            &Text::new(
                format!("[承認済み: {reason}] "),
                format!("[acknowledged: {reason}] "),
            )
            .into_lang(lang),
        );
    }
    message.push_str(f.message.get(lang));
    if let Some(fix) = f.fix_value() {
        message.push_str(
            &Text::new(format!("(修正案: {fix})"), format!(" (fix: {fix})")).into_lang(lang),
        );
    }
    format!(
        "::{command} file={},title={}::{}",
        property(path),
        property(&title),
        data(&message)
    )
}

/// Escaping for the message part of a workflow command.
pub fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping for a property value (`file=`, `title=`).
pub fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(data("100%\r\n次"), "100%25%0D%0A次");
        assert_eq!(property("a:b,c%"), "a%3Ab%2Cc%25");
    }

    #[test]
    fn suppressed_findings_are_notices() {
        let mut f = Finding::new(&crate::rules::os::OS001, crate::Text::new("終了", "ended"))
            .at("台帳", 2, 2);
        assert!(annotation("a,b.xlsx", &f, Lang::Ja)
            .starts_with("::error file=a%2Cb.xlsx,title=OS001 os-end-of-support::台帳!C3 終了"));
        f.suppressed = Some("更新予定".into());
        let a = annotation("a.xlsx", &f, Lang::Ja);
        assert!(a.starts_with("::notice file=a.xlsx,title=OS001 os-end-of-support (承認済み)::台帳!C3 [承認済み: 更新予定] 終了"), "{a}");
    }
}

//! daicho in the browser: the functions `daicho.html` calls from its Web Worker. Each one is what
//! the command line does, through the same library entry (`daicho::run::check_bytes`), so the page
//! and the exe cannot drift: `check` gives the JSON of `daicho check --format json` on that file
//! and the workbook of `daicho check --annotate`, `template` the workbook of `daicho template`,
//! `rule_text` what `daicho rules CODE` prints.
//!
//! Nothing here touches a file system or the network: bytes in, bytes out.

use chrono::NaiveDate;
use daicho::config::{self, Overrides};
use daicho::report::{render_json, Run};
use daicho::{Lang, Text};
use std::path::Path;
use wasm_bindgen::prelude::*;

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen]
extern "C" {
    /// Defined by the page's worker: receives a panic's message before the instance aborts (a
    /// panic cannot be caught on wasm32), so the page can say what happened.
    #[wasm_bindgen(js_name = daichoPanic)]
    fn daicho_panic(message: &str);
}

/// Sends every panic's message to the worker (`daichoPanic`) before the instance aborts.
#[wasm_bindgen]
pub fn install_panic_hook() {
    #[cfg(target_arch = "wasm32")]
    std::panic::set_hook(Box::new(|info| daicho_panic(&info.to_string())));
}

/// `{"version": "0.2.0", "support_data": "2026-11-01"}`: daicho's version and the date its OS
/// support data was checked.
#[wasm_bindgen]
pub fn version() -> String {
    serde_json::json!({
        "version": env!("CARGO_PKG_VERSION"),
        "support_data": daicho::rules::os::support_data_checked().to_string(),
    })
    .to_string()
}

fn lang_of(lang: &str) -> Lang {
    if lang.eq_ignore_ascii_case("en") {
        Lang::En
    } else {
        Lang::Ja
    }
}

/// A file given beside the checked one (`--ledger`, `--checklist`): its name and bytes.
#[wasm_bindgen]
pub struct GivenFile {
    name: String,
    bytes: Vec<u8>,
}

#[wasm_bindgen]
impl GivenFile {
    #[wasm_bindgen(constructor)]
    pub fn new(name: String, bytes: Vec<u8>) -> GivenFile {
        GivenFile { name, bytes }
    }
}

impl GivenFile {
    fn into_given(self) -> daicho::settings::GivenFile {
        daicho::settings::GivenFile {
            name: self.name,
            bytes: std::sync::Arc::new(self.bytes),
        }
    }
}

/// What checking one file gave the page.
#[wasm_bindgen]
pub struct Checked {
    json: String,
    annotated: Option<Vec<u8>>,
    annotated_name: String,
    annotate_error: Option<String>,
    config_error: Option<String>,
}

#[wasm_bindgen]
impl Checked {
    /// The report, as `daicho check --format json` prints it for this file alone ("" when the
    /// daicho.toml could not be used).
    pub fn json(&self) -> String {
        self.json.clone()
    }
    /// The annotated workbook (`<stem>.checked.xlsx`, or `.xlsm` for a macro workbook).
    pub fn annotated(&self) -> Option<Vec<u8>> {
        self.annotated.clone()
    }
    pub fn annotated_name(&self) -> String {
        self.annotated_name.clone()
    }
    /// Why the annotated workbook could not be built.
    pub fn annotate_error(&self) -> Option<String> {
        self.annotate_error.clone()
    }
    /// Why the daicho.toml given could not be used (then nothing was checked).
    pub fn config_error(&self) -> Option<String> {
        self.config_error.clone()
    }
}

/// The settings of a check: as-of date (`YYYY-MM-DD`), language and the text of a daicho.toml
/// dropped beside the files, as the command line resolves them for a file with that daicho.toml
/// in its folder.
fn settings(
    as_of: &str,
    lang: Lang,
    config_toml: Option<Vec<u8>>,
) -> Result<daicho::settings::Settings, String> {
    let as_of = NaiveDate::parse_from_str(as_of.trim(), "%Y-%m-%d").map_err(|_| {
        Text::new(
            format!("基準日「{as_of}」は YYYY-MM-DD の形の日付ではありません。"),
            format!("The as-of date '{as_of}' is not a YYYY-MM-DD date."),
        )
        .into_string(lang)
    })?;
    let mut overrides = Overrides::new(as_of);
    overrides.lang = lang;
    let file = match config_toml {
        None => None,
        Some(bytes) => {
            let path = Path::new(daicho::settings::CONFIG_FILE_NAME);
            Some((
                path,
                config::parse_bytes(path, bytes).map_err(|e| e.render(lang))?,
            ))
        }
    };
    config::resolve(&overrides, file).map_err(|e| e.render(lang))
}

/// Checks one file: `name` (its file name, which the report shows as its path and the sheet of a
/// CSV is named after), its bytes, the as-of date `YYYY-MM-DD`, `ja`/`en`, and the bytes of a
/// daicho.toml or `undefined`. With `annotate`, also builds the annotated workbook.
#[wasm_bindgen]
pub fn check(
    name: &str,
    bytes: &[u8],
    as_of: &str,
    lang: &str,
    config_toml: Option<Vec<u8>>,
    annotate: bool,
) -> Checked {
    check_with(name, bytes, as_of, lang, config_toml, None, None, annotate)
}

/// [`check`] with `--ledger` and `--checklist` given as files: each `[name, bytes]` or `undefined`.
#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
pub fn check_with(
    name: &str,
    bytes: &[u8],
    as_of: &str,
    lang: &str,
    config_toml: Option<Vec<u8>>,
    ledger: Option<GivenFile>,
    checklist: Option<GivenFile>,
    annotate: bool,
) -> Checked {
    let lang = lang_of(lang);
    let settings = settings(as_of, lang, config_toml).and_then(|mut s| {
        s.ledger_given = ledger.map(GivenFile::into_given);
        s.checklist_given = checklist.map(GivenFile::into_given);
        daicho::engine::validate_settings(&s)?;
        Ok(s)
    });
    let settings = match settings {
        Ok(s) => s,
        Err(message) => {
            return Checked {
                json: String::new(),
                annotated: None,
                annotated_name: String::new(),
                annotate_error: None,
                config_error: Some(message),
            }
        }
    };
    let outcome = daicho::run::check_bytes(name, bytes, &settings, annotate);
    let run = Run {
        as_of: settings.as_of,
        lang,
        files: vec![outcome.report],
    };
    let (annotated, annotated_name, annotate_error) = match outcome.annotated {
        Some(Ok(a)) => (Some(a.bytes), a.file_name, None),
        Some(Err(e)) => (None, String::new(), Some(e.message(lang))),
        None => (None, String::new(), None),
    };
    Checked {
        json: render_json(&run),
        annotated,
        annotated_name,
        annotate_error,
        config_error: None,
    }
}

/// The report of a file whose reading ended the worker (a reader that panicked, ran out of
/// memory or past the time limit): what `daicho check --format json` says of a file whose
/// isolated reader crashed, with `detail` (what the page saw) as the reason.
#[wasm_bindgen]
pub fn failed_json(name: &str, as_of: &str, lang: &str, detail: &str) -> String {
    let lang = lang_of(lang);
    let as_of = NaiveDate::parse_from_str(as_of.trim(), "%Y-%m-%d")
        .unwrap_or_else(|_| daicho::rules::os::support_data_checked());
    let error = daicho::workbook::ReadError::ReaderCrashed {
        detail: detail.to_string(),
    };
    render_json(&Run {
        as_of,
        lang,
        files: vec![daicho::report::FileReport::failed(Path::new(name), error)],
    })
}

/// The blank template workbook of `daicho template` (newest edition, hospital form).
#[wasm_bindgen]
pub fn template() -> Result<Vec<u8>, String> {
    let options = daicho::template::TemplateOptions {
        edition: None,
        form: daicho::Form::Hospital,
    };
    daicho::template::build(&options).map_err(|e| e.message(Lang::Ja))
}

/// The file name `daicho template` writes.
#[wasm_bindgen]
pub fn template_name() -> String {
    daicho::template::DEFAULT_FILE_NAME.to_string()
}

/// What `daicho rules CODE` prints ("" for a code that names no rule).
#[wasm_bindgen]
pub fn rule_text(code: &str, lang: &str) -> String {
    daicho::registry::find(code.trim())
        .map(|r| daicho::app::rule_text(r, lang_of(lang)))
        .unwrap_or_default()
}

/// Every rule: `[{"code", "name", "severity", "summary"}]` (what `daicho rules` lists).
#[wasm_bindgen]
pub fn rules(lang: &str) -> String {
    let lang = lang_of(lang);
    let list: Vec<serde_json::Value> = daicho::registry::all()
        .iter()
        .map(|r| {
            serde_json::json!({
                "code": r.code,
                "name": r.name,
                "severity": r.severity.as_str(),
                "summary": r.summary(lang),
            })
        })
        .collect();
    serde_json::Value::Array(list).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_gives_the_report_and_the_workbook() {
        let seed = include_bytes!("../../fixtures/seed.xlsx");
        let checked = check("seed.xlsx", seed, "2026-11-25", "ja", None, true);
        assert_eq!(checked.config_error(), None);
        let report: serde_json::Value = serde_json::from_str(&checked.json()).expect("json");
        assert_eq!(report["files"][0]["path"], "seed.xlsx");
        assert_eq!(checked.annotated_name(), "seed.checked.xlsx");
        assert!(checked.annotated().is_some_and(|b| b.starts_with(b"PK")));
    }

    #[test]
    fn a_crashed_reader_is_the_files_error() {
        let report: serde_json::Value =
            serde_json::from_str(&failed_json("a.xls", "2026-11-25", "ja", "unreachable"))
                .expect("json");
        assert_eq!(report["files"][0]["path"], "a.xls");
        assert_eq!(report["files"][0]["error"]["kind"], "reader-crashed");
        assert_eq!(report["summary"]["unreadable"], 1);
    }

    #[test]
    fn a_ledger_given_beside_a_checklist_is_its_evidence() {
        let checklist = include_bytes!("../../fixtures/checklist/r6_single_column.xlsx");
        let no_ledger = include_bytes!("../../fixtures/structure/no_ledger.xlsx");
        let codes = |c: &Checked| -> Vec<String> {
            let report: serde_json::Value = serde_json::from_str(&c.json()).expect("json");
            (report["files"][0]["diagnostics"]
                .as_array()
                .expect("list")
                .iter())
            .map(|d| d["code"].as_str().unwrap_or_default().to_string())
            .collect()
        };
        let alone = check("r6.xlsx", checklist, "2026-11-25", "ja", None, false);
        assert!(!codes(&alone).contains(&"C005".to_string()));
        let ledger = GivenFile::new("no_ledger.xlsx".to_string(), no_ledger.to_vec());
        let with = check_with(
            "r6.xlsx",
            checklist,
            "2026-11-25",
            "ja",
            None,
            Some(ledger),
            None,
            false,
        );
        assert!(codes(&with).contains(&"C005".to_string()));
    }

    #[test]
    fn a_broken_daicho_toml_is_reported() {
        let checked = check(
            "a.csv",
            b"a\n",
            "2026-11-25",
            "en",
            Some(b"[rules]\nnope = 1\n".to_vec()),
            false,
        );
        assert!(checked.config_error().is_some_and(|m| m.contains("nope")));
        assert!(checked.json().is_empty());
    }
}

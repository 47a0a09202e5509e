//! The annotated workbook as bytes ([`build_bytes`]: no file system, the same for the command
//! line and the browser page), and where it goes on disk ([`save_built`]: through the one atomic
//! save of [`crate::save`], with its fallback folder).

use super::Options;
use crate::engine::Analysis;
use crate::save::{Chooser, SaveError, SaveTo};
use crate::settings::Settings;
use crate::{Lang, Text};
use std::path::{Path, PathBuf};

/// Where one annotated workbook should be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub path: PathBuf,
    /// When the folder cannot be written (a read-only share, a mail attachment's temp folder),
    /// write to the user's Documents folder instead (then Desktop, then the temp folder).
    pub fallback: bool,
}

/// The annotated workbook, built in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Built {
    pub bytes: Vec<u8>,
    pub stats: super::Stats,
    /// Why an .xlsx/.xlsm input got a values copy instead of its own workbook with marks: what
    /// the patcher (or reading the file) said. `run` reports it as W001.
    pub values_copy_reason: Option<String>,
    /// The input's own package with marks, from a macro workbook: saved as `.checked.xlsm`.
    pub macro_enabled: bool,
}

impl Built {
    /// The output's name for the wanted one (`<stem>.checked.xlsx`): `.xlsm` for a macro book.
    pub fn output_path(&self, wanted: &Path) -> PathBuf {
        super::in_place::output_path(wanted, self.macro_enabled)
    }
}

/// The workbook that was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub path: PathBuf,
    /// The folder that could not be written, when the output went to a fallback folder.
    pub fell_back_from: Option<PathBuf>,
    pub stats: super::Stats,
    /// Why an .xlsx/.xlsm input got a values copy instead of its own workbook with marks.
    pub values_copy_reason: Option<String>,
}

/// Why the annotated workbook could not be made or saved. Each says what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnnotateError {
    /// Saving it failed (folder not writable, output open in Excel, the input itself …).
    Save(SaveError),
    /// rust_xlsxwriter refused the content (a bug in daicho; the message carries its reason).
    Xlsx(String),
    /// Building the workbook panicked (a bug in daicho).
    Crashed(String),
}

impl AnnotateError {
    /// What went wrong and what to do, in both languages.
    pub fn text(&self) -> Text {
        match self {
            AnnotateError::Save(e) => e.text(),
            AnnotateError::Xlsx(d) => Text::new(
                format!("チェック結果のブックを作れませんでした({d})。daicho の不具合です。入力ファイルを添えて報告してください。"),
                format!("Could not build the annotated workbook ({d}). This is a bug in daicho; please report it with the input file."),
            ),
            AnnotateError::Crashed(_) => Text::from_static(
                "チェック結果のブックの作成中に内部エラーが起きました。daicho の不具合です。入力ファイルを添えて報告してください。",
                "An internal error occurred while building the annotated workbook. This is a bug in daicho; please report it with the input file.",
            ),
        }
    }

    /// [`Self::text`] in the user's language.
    pub fn message(&self, lang: Lang) -> String {
        self.text().into_string(lang)
    }
}

impl std::fmt::Display for AnnotateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for AnnotateError {}

impl From<SaveError> for AnnotateError {
    fn from(e: SaveError) -> Self {
        AnnotateError::Save(e)
    }
}

/// `<stem>.checked.xlsx` beside the input, or in `out_dir`.
pub fn default_output(input: &Path, out_dir: Option<&Path>) -> PathBuf {
    crate::paths::output_name(input, out_dir, "checked.xlsx", "daicho")
}

/// One output per input, never two the same ([`crate::paths::plan_outputs`]): when `a.xlsx` and
/// `a.csv` meet, the later one is named `a.csv.checked.xlsx`, then `a (2).checked.xlsx` ….
pub fn plan_outputs(inputs: &[PathBuf], out_dir: Option<&Path>) -> Vec<PathBuf> {
    crate::paths::plan_outputs(inputs, out_dir, "checked.xlsx", "daicho")
}

/// Builds the annotated workbook of `analysis`, read from the file `source_name` whose bytes are
/// `input`: an .xlsx/.xlsm comes back as itself with marks; anything else (or a package that
/// cannot be patched safely) as a values copy. No file system: whole workbooks in memory.
pub fn build_bytes(
    analysis: &Analysis<'_>,
    settings: &Settings,
    source_name: &str,
    input: &[u8],
    options: Options,
) -> Result<Built, AnnotateError> {
    let mut values_copy_reason = None;
    if super::in_place::applies_to(Path::new(source_name)) {
        // A panic in the patcher (a bug) must not cost the user their copy: values copy.
        let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            super::in_place::build(analysis, settings, input, source_name, options)
        }))
        .unwrap_or_else(|p| {
            let detail = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(super::in_place::InPlaceError::Patch(
                super::ooxml::PatchError::Unsupported(format!("internal error: {detail}")),
            ))
        });
        match built {
            Ok((bytes, stats)) => {
                return Ok(Built {
                    bytes,
                    stats,
                    values_copy_reason: None,
                    macro_enabled: super::ooxml::is_macro_enabled(input),
                })
            }
            Err(super::in_place::InPlaceError::Patch(e)) => {
                values_copy_reason = Some(e.to_string())
            }
            Err(super::in_place::InPlaceError::Xlsx(e)) => {
                return Err(AnnotateError::Xlsx(e.to_string()))
            }
        }
    }
    let (mut book, stats) = super::build_values_copy(
        analysis,
        settings,
        source_name,
        options,
        values_copy_reason.as_deref(),
    )
    .map_err(|e| AnnotateError::Xlsx(e.to_string()))?;
    let bytes = book
        .save_to_buffer()
        .map_err(|e| AnnotateError::Xlsx(e.to_string()))?;
    Ok(Built {
        bytes,
        stats,
        values_copy_reason,
        macro_enabled: false,
    })
}

/// Saves a built workbook to `target` (which may fall back to the Documents folder), never over
/// its input `source`.
pub fn save_built(built: Built, source: &Path, target: &Target) -> Result<Written, AnnotateError> {
    let path = built.output_path(&target.path);
    if crate::save::same_file(source, &target.path) || crate::save::same_file(source, &path) {
        return Err(SaveError::IsInput {
            path,
            chooser: Chooser::OutDir,
        }
        .into());
    }
    let saved = crate::save::save(
        &SaveTo {
            path: &path,
            overwrite: true,
            create_folder: true,
            fallback: target.fallback,
            chooser: Chooser::OutDir,
        },
        &built.bytes,
    )?;
    Ok(Written {
        path: saved.path,
        fell_back_from: saved.fell_back_from,
        stats: built.stats,
        values_copy_reason: built.values_copy_reason,
    })
}

/// Builds the annotated workbook of `analysis` (read from `source`, whose bytes are read again
/// here) and saves it to `target`.
pub fn write_target(
    analysis: &Analysis<'_>,
    settings: &Settings,
    source: &Path,
    target: &Target,
    options: Options,
) -> Result<Written, AnnotateError> {
    let input = if super::in_place::applies_to(source) {
        std::fs::read(source).map_err(|e| e.to_string())
    } else {
        Ok(Vec::new())
    };
    let source_name = source
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let built = match input {
        Ok(input) => build_bytes(analysis, settings, &source_name, &input, options)?,
        // An unreadable package still gets its values copy, saying why.
        Err(reason) => {
            let (mut book, stats) =
                super::build_values_copy(analysis, settings, &source_name, options, Some(&reason))
                    .map_err(|e| AnnotateError::Xlsx(e.to_string()))?;
            Built {
                bytes: book
                    .save_to_buffer()
                    .map_err(|e| AnnotateError::Xlsx(e.to_string()))?,
                stats,
                values_copy_reason: Some(reason),
                macro_enabled: false,
            }
        }
    };
    save_built(built, source, target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_sit_beside_inputs_and_never_collide() {
        let inputs = vec![
            PathBuf::from("dir/a.xlsx"),
            PathBuf::from("dir/a.csv"),
            PathBuf::from("other/a.xlsx"),
            PathBuf::from("b.xls"),
        ];
        let beside = plan_outputs(&inputs, None);
        assert_eq!(
            beside,
            vec![
                PathBuf::from("dir/a.checked.xlsx"),
                PathBuf::from("dir/a.csv.checked.xlsx"),
                PathBuf::from("other/a.checked.xlsx"),
                PathBuf::from("b.checked.xlsx"),
            ]
        );
        let out = Path::new("out");
        let into = plan_outputs(&inputs, Some(out));
        assert_eq!(
            into,
            vec![
                PathBuf::from("out/a.checked.xlsx"),
                PathBuf::from("out/a.csv.checked.xlsx"),
                PathBuf::from("out/a.xlsx.checked.xlsx"),
                PathBuf::from("out/b.checked.xlsx"),
            ]
        );
        // A checked copy checked again gets its own name, never its input's.
        assert_eq!(
            default_output(Path::new("x/a.checked.xlsx"), None),
            PathBuf::from("x/a.checked.checked.xlsx")
        );
    }
}

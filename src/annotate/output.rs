//! Where the annotated workbook goes and how it gets there safely: a temporary file in the target
//! folder, renamed over the output once complete.

use super::Options;
use crate::engine::Analysis;
use crate::settings::Settings;
use crate::Lang;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

/// Where one annotated workbook should be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub path: PathBuf,
    /// When the folder cannot be written (a read-only share, a mail attachment's temp folder),
    /// write to the user's Documents folder instead (then Desktop, then the temp folder).
    pub fallback: bool,
}

/// The workbook that was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub path: PathBuf,
    /// The folder that could not be written, when the output went to a fallback folder.
    pub fell_back_from: Option<PathBuf>,
    pub stats: super::Stats,
    /// Why an .xlsx/.xlsm input got a values copy instead of its own workbook with marks: what
    /// the patcher (or reading the file) said. `run` reports it as W001.
    pub values_copy_reason: Option<String>,
}

/// Why the annotated workbook could not be written. Each says what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnnotateError {
    /// The folder cannot be written (permissions, read-only media, missing and not creatable).
    NotWritable { dir: PathBuf, detail: String },
    /// The output exists and cannot be replaced: almost always open in Excel.
    Locked { path: PathBuf, detail: String },
    /// Writing the temporary file failed (disk full …).
    Io { path: PathBuf, detail: String },
    /// The output path is the input itself.
    SameAsInput { path: PathBuf },
    /// rust_xlsxwriter refused the content (a bug in daicho; the message carries its reason).
    Xlsx(String),
    /// Building the workbook panicked (a bug in daicho).
    Crashed(String),
}

impl AnnotateError {
    pub fn message(&self, lang: Lang) -> String {
        let shown = |p: &Path| crate::paths::display_path(p);
        match (self, lang) {
            (AnnotateError::NotWritable { dir, detail }, Lang::Ja) => format!(
                "フォルダ「{}」に書き込めないため、チェック結果のブックを保存できませんでした({detail})。書き込めるフォルダを --out-dir で指定してください。",
                shown(dir)
            ),
            (AnnotateError::NotWritable { dir, detail }, Lang::En) => format!(
                "Cannot write the annotated workbook: the folder '{}' is not writable ({detail}). Choose a writable folder with --out-dir.",
                shown(dir)
            ),
            (AnnotateError::Locked { path, detail }, Lang::Ja) => format!(
                "「{}」を上書きできません({detail})。Excelなどで開いている場合は閉じてから、もう一度実行してください。",
                shown(path)
            ),
            (AnnotateError::Locked { path, detail }, Lang::En) => format!(
                "Cannot replace '{}' ({detail}). If it is open in Excel or another program, close it and run again.",
                shown(path)
            ),
            (AnnotateError::Io { path, detail }, Lang::Ja) => format!(
                "「{}」を書き込めませんでした({detail})。ディスクの空き容量とアクセス権を確認してください。",
                shown(path)
            ),
            (AnnotateError::Io { path, detail }, Lang::En) => format!(
                "Could not write '{}' ({detail}). Check the free disk space and permissions.",
                shown(path)
            ),
            (AnnotateError::SameAsInput { path }, Lang::Ja) => format!(
                "出力先「{}」が入力ファイルと同じなので書き込みません。--out-dir で別のフォルダを指定してください。",
                shown(path)
            ),
            (AnnotateError::SameAsInput { path }, Lang::En) => format!(
                "The output '{}' would be the input file itself; not writing. Choose another folder with --out-dir.",
                shown(path)
            ),
            (AnnotateError::Xlsx(d), Lang::Ja) => format!(
                "チェック結果のブックを作れませんでした({d})。daicho の不具合です。入力ファイルを添えて報告してください。"
            ),
            (AnnotateError::Xlsx(d), Lang::En) => format!(
                "Could not build the annotated workbook ({d}). This is a bug in daicho; please report it with the input file."
            ),
            (AnnotateError::Crashed(_), Lang::Ja) => {
                "チェック結果のブックの作成中に内部エラーが起きました。daicho の不具合です。入力ファイルを添えて報告してください。".to_string()
            }
            (AnnotateError::Crashed(_), Lang::En) => {
                "An internal error occurred while building the annotated workbook. This is a bug in daicho; please report it with the input file.".to_string()
            }
        }
    }
}

impl std::fmt::Display for AnnotateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for AnnotateError {}

/// `<stem>.checked.xlsx` beside the input, or in `out_dir`.
pub fn default_output(input: &Path, out_dir: Option<&Path>) -> PathBuf {
    crate::paths::output_name(input, out_dir, "checked.xlsx", "daicho")
}

/// One output per input, never two the same ([`crate::paths::plan_outputs`]): when `a.xlsx` and
/// `a.csv` meet, the later one is named `a.csv.checked.xlsx`, then `a (2).checked.xlsx` ….
pub fn plan_outputs(inputs: &[PathBuf], out_dir: Option<&Path>) -> Vec<PathBuf> {
    crate::paths::plan_outputs(inputs, out_dir, "checked.xlsx", "daicho")
}

fn parent_dir(p: &Path) -> PathBuf {
    match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Folders to try when the input's folder cannot be written: Documents, then Desktop (where
/// Windows says they are; under $HOME elsewhere), when they exist, then the temp folder.
pub fn fallback_dirs() -> Vec<PathBuf> {
    let mut dirs = crate::user_folders::documents_and_desktop();
    dirs.push(std::env::temp_dir());
    dirs
}

/// Opens the temporary file in `dir` (creating `dir` if missing).
fn temp_in(dir: &Path) -> Result<tempfile::NamedTempFile, AnnotateError> {
    let not_writable = |e: std::io::Error| AnnotateError::NotWritable {
        dir: dir.to_path_buf(),
        detail: e.to_string(),
    };
    if !dir.is_dir() {
        std::fs::create_dir_all(dir).map_err(not_writable)?;
    }
    let mut builder = tempfile::Builder::new();
    builder.prefix(".daicho-").suffix(".tmp");
    // A temporary file is private (0600); the output is an ordinary file others on the share may
    // read, so create it as `File::create` would (0666 less the umask).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    builder.tempfile_in(dir).map_err(not_writable)
}

/// Writes the annotated workbook to `target` (which may fall back to the Documents folder): a temp
/// file in the target folder, renamed into place.
pub fn write_target(
    analysis: &Analysis<'_>,
    settings: &Settings,
    source: &Path,
    target: &Target,
    options: Options,
) -> Result<Written, AnnotateError> {
    if same_file(source, &target.path) {
        return Err(AnnotateError::SameAsInput {
            path: target.path.clone(),
        });
    }
    let file_name = target
        .path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_else(|| "daicho.checked.xlsx".into());
    let wanted_dir = parent_dir(&target.path);
    let (tmp, path, fell_back_from) = match temp_in(&wanted_dir) {
        Ok(tmp) => (tmp, target.path.clone(), None),
        Err(first_error) if target.fallback => {
            let mut found = None;
            for dir in fallback_dirs() {
                if let Ok(tmp) = temp_in(&dir) {
                    found = Some((tmp, dir.join(&file_name)));
                    break;
                }
            }
            match found {
                Some((tmp, path)) => (tmp, path, Some(wanted_dir.clone())),
                None => return Err(first_error),
            }
        }
        Err(e) => return Err(e),
    };

    let source_name = source
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // An .xlsx/.xlsm comes back as itself with marks; anything else (or a package that cannot
    // be patched safely) as a values copy.
    let mut path = path;
    let mut values_copy_reason = None;
    let mut patched = None;
    if super::in_place::applies_to(source) {
        match std::fs::read(source) {
            Ok(input) => {
                // A panic in the patcher (a bug) must not cost the user their copy: values copy.
                let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    super::in_place::build(analysis, settings, &input, &source_name, options)
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
                        let macro_enabled = super::ooxml::is_macro_enabled(&input);
                        path = super::in_place::output_path(&path, macro_enabled);
                        if same_file(source, &path) {
                            return Err(AnnotateError::SameAsInput { path });
                        }
                        patched = Some((bytes, stats));
                    }
                    Err(super::in_place::InPlaceError::Patch(e)) => {
                        values_copy_reason = Some(e.to_string())
                    }
                    Err(super::in_place::InPlaceError::Xlsx(e)) => {
                        return Err(AnnotateError::Xlsx(e.to_string()))
                    }
                }
            }
            Err(e) => values_copy_reason = Some(e.to_string()),
        }
    }
    let mut file = tmp;
    let stats = match patched {
        Some((bytes, stats)) => {
            file.write_all(&bytes).map_err(|e| AnnotateError::Io {
                path: path.clone(),
                detail: e.to_string(),
            })?;
            stats
        }
        None => {
            let (mut book, stats) = super::build_values_copy(
                analysis,
                settings,
                &source_name,
                options,
                values_copy_reason.as_deref(),
            )
            .map_err(|e| AnnotateError::Xlsx(e.to_string()))?;
            book.save_to_writer(&mut file).map_err(|e| match e {
                rust_xlsxwriter::XlsxError::IoError(io) => AnnotateError::Io {
                    path: path.clone(),
                    detail: io.to_string(),
                },
                other => AnnotateError::Xlsx(other.to_string()),
            })?;
            stats
        }
    };
    file.as_file().sync_all().map_err(|e| AnnotateError::Io {
        path: path.clone(),
        detail: e.to_string(),
    })?;
    file.persist(&path).map_err(|e| {
        let detail = e.error.to_string();
        if path.exists() || is_sharing_violation(&e.error) {
            AnnotateError::Locked {
                path: path.clone(),
                detail,
            }
        } else {
            AnnotateError::Io {
                path: path.clone(),
                detail,
            }
        }
    })?;
    Ok(Written {
        path,
        fell_back_from,
        stats,
        values_copy_reason,
    })
}

/// Windows' ERROR_SHARING_VIOLATION (32) and ERROR_LOCK_VIOLATION (33): the file is open elsewhere.
fn is_sharing_violation(e: &std::io::Error) -> bool {
    cfg!(windows)
        && (matches!(e.raw_os_error(), Some(32) | Some(33))
            || e.kind() == ErrorKind::PermissionDenied)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
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

    #[test]
    fn fallback_ends_with_the_temp_folder() {
        assert_eq!(fallback_dirs().last(), Some(&std::env::temp_dir()));
    }
}

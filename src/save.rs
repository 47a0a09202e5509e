//! Writing an output file safely, the one way every command does it (annotated workbooks,
//! templates, conversions, logs): to a temporary file in the target folder, then renamed into
//! place, so a crash or a full disk never leaves half a file, an existing file is only replaced
//! when that was asked for, and a file open in Excel gives a clear message. An unwritable folder
//! may send the output to the user's Documents / Desktop / temp folder instead (drag-and-drop).

use crate::{Lang, Text};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The command-line option that chooses where the output goes, named in the messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chooser {
    /// `--out-dir` (check --annotate, drag-and-drop).
    OutDir,
    /// `-o` with `--force` (template, convert).
    Output,
}

/// How one output is saved.
#[derive(Debug, Clone, Copy)]
pub struct SaveTo<'a> {
    pub path: &'a Path,
    /// Replace an existing file; otherwise an existing file is [`SaveError::Exists`].
    pub overwrite: bool,
    /// Create the folder when it is missing.
    pub create_folder: bool,
    /// When the folder cannot be written (a read-only share, a mail attachment's temp folder),
    /// write to the user's Documents folder instead (then Desktop, then the temp folder).
    pub fallback: bool,
    pub chooser: Chooser,
}

/// Where the output went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    pub path: PathBuf,
    /// The folder that could not be written, when the output went to a fallback folder.
    pub fell_back_from: Option<PathBuf>,
}

/// Why an output could not be saved. Each message says what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveError {
    /// The output exists and overwriting was not asked for.
    Exists(PathBuf),
    /// The output is the input being read (inputs are never modified).
    IsInput { path: PathBuf, chooser: Chooser },
    /// The folder cannot be written (permissions, read-only media, missing and not creatable).
    NotWritable {
        dir: PathBuf,
        detail: String,
        chooser: Chooser,
    },
    /// The output exists and cannot be replaced: almost always open in Excel.
    Locked { path: PathBuf, detail: String },
    /// Writing failed (disk full …).
    Io { path: PathBuf, detail: String },
}

impl SaveError {
    /// What went wrong and what to do, in both languages.
    pub fn text(&self) -> Text {
        let shown = |p: &Path| crate::paths::display_path(p);
        match self {
            SaveError::Exists(p) => Text::new(
                format!(
                    "「{}」はすでにあります。上書きするときは --force を付けるか、-o で別の名前を指定してください。",
                    shown(p)
                ),
                format!(
                    "'{}' already exists. Add --force to overwrite it, or choose another name with -o.",
                    shown(p)
                ),
            ),
            SaveError::IsInput { path, chooser: Chooser::OutDir } => Text::new(
                format!(
                    "出力先「{}」が入力ファイルと同じなので書き込みません。--out-dir で別のフォルダを指定してください。",
                    shown(path)
                ),
                format!(
                    "The output '{}' would be the input file itself; not writing. Choose another folder with --out-dir.",
                    shown(path)
                ),
            ),
            SaveError::IsInput { path, chooser: Chooser::Output } => Text::new(
                format!(
                    "出力先「{}」が入力ファイルと同じです。入力は変更しません。-o で別の名前を指定してください。",
                    shown(path)
                ),
                format!(
                    "The output '{}' is the input itself; inputs are never modified. Choose another name with -o.",
                    shown(path)
                ),
            ),
            SaveError::NotWritable { dir, detail, chooser: Chooser::OutDir } => Text::new(
                format!(
                    "フォルダ「{}」に書き込めないため、チェック結果のブックを保存できませんでした({detail})。書き込めるフォルダを --out-dir で指定してください。",
                    shown(dir)
                ),
                format!(
                    "Cannot write the annotated workbook: the folder '{}' is not writable ({detail}). Choose a writable folder with --out-dir.",
                    shown(dir)
                ),
            ),
            SaveError::NotWritable { dir, detail, chooser: Chooser::Output } => Text::new(
                format!(
                    "フォルダ「{}」に書き込めません({detail})。フォルダがあるか、書き込み権限があるかを確認するか、-o で別の場所を指定してください。",
                    shown(dir)
                ),
                format!(
                    "Cannot write into the folder '{}' ({detail}). Check that it exists and is writable, or choose another place with -o.",
                    shown(dir)
                ),
            ),
            SaveError::Locked { path, detail } => Text::new(
                format!(
                    "「{}」を上書きできません({detail})。Excelなどで開いている場合は閉じてから、もう一度実行してください。",
                    shown(path)
                ),
                format!(
                    "Cannot replace '{}' ({detail}). If it is open in Excel or another program, close it and run again.",
                    shown(path)
                ),
            ),
            SaveError::Io { path, detail } => Text::new(
                format!(
                    "「{}」を書き込めませんでした({detail})。ディスクの空き容量とアクセス権を確認してください。",
                    shown(path)
                ),
                format!(
                    "Could not write '{}' ({detail}). Check the free disk space and permissions.",
                    shown(path)
                ),
            ),
        }
    }

    /// [`Self::text`] in the user's language.
    pub fn message(&self, lang: Lang) -> String {
        self.text().into_string(lang)
    }
}

impl std::fmt::Display for SaveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for SaveError {}

/// Folders to try when the output's folder cannot be written: Documents, then Desktop (where
/// Windows says they are; under $HOME elsewhere), when they exist, then the temp folder.
pub fn fallback_dirs() -> Vec<PathBuf> {
    let mut dirs = crate::user_folders::documents_and_desktop();
    dirs.push(std::env::temp_dir());
    dirs
}

/// Writes `bytes` as `to.path` (or, with `to.fallback`, into a fallback folder under the same
/// name) through a temporary file in the same folder.
pub fn save(to: &SaveTo<'_>, bytes: &[u8]) -> Result<Saved, SaveError> {
    let path = to.path;
    if !to.overwrite && path.exists() {
        return Err(SaveError::Exists(path.to_path_buf()));
    }
    let wanted_dir = parent_dir(path);
    let (mut tmp, path, fell_back_from) = match temp_in(&wanted_dir, to) {
        Ok(tmp) => (tmp, path.to_path_buf(), None),
        Err(first_error) if to.fallback => {
            let file_name = path
                .file_name()
                .map(|n| n.to_os_string())
                .unwrap_or_else(|| "daicho.out".into());
            let found = fallback_dirs().into_iter().find_map(|dir| {
                temp_in(&dir, to)
                    .ok()
                    .map(|tmp| (tmp, dir.join(&file_name)))
            });
            match found {
                Some((tmp, path)) => (tmp, path, Some(wanted_dir)),
                None => return Err(first_error),
            }
        }
        Err(e) => return Err(e),
    };
    let io = |e: std::io::Error| SaveError::Io {
        path: path.clone(),
        detail: e.to_string(),
    };
    tmp.write_all(bytes).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    let persisted = if to.overwrite {
        tmp.persist(&path)
    } else {
        tmp.persist_noclobber(&path)
    };
    persisted.map_err(|e| {
        let detail = e.error.to_string();
        if !to.overwrite && e.error.kind() == std::io::ErrorKind::AlreadyExists {
            SaveError::Exists(path.clone())
        } else if path.exists() || is_sharing_violation(&e.error) {
            SaveError::Locked {
                path: path.clone(),
                detail,
            }
        } else {
            SaveError::Io {
                path: path.clone(),
                detail,
            }
        }
    })?;
    Ok(Saved {
        path,
        fell_back_from,
    })
}

/// Whether two paths name the same existing file.
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

fn parent_dir(p: &Path) -> PathBuf {
    match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Opens the temporary file in `dir` (creating `dir` if missing and asked to).
fn temp_in(dir: &Path, to: &SaveTo<'_>) -> Result<tempfile::NamedTempFile, SaveError> {
    let not_writable = |e: std::io::Error| SaveError::NotWritable {
        dir: dir.to_path_buf(),
        detail: e.to_string(),
        chooser: to.chooser,
    };
    if to.create_folder && !dir.is_dir() {
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

/// Windows' ERROR_SHARING_VIOLATION (32) and ERROR_LOCK_VIOLATION (33): the file is open elsewhere.
fn is_sharing_violation(e: &std::io::Error) -> bool {
    cfg!(windows)
        && (matches!(e.raw_os_error(), Some(32) | Some(33))
            || e.kind() == std::io::ErrorKind::PermissionDenied)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn to(path: &Path, overwrite: bool) -> SaveTo<'_> {
        SaveTo {
            path,
            overwrite,
            create_folder: false,
            fallback: false,
            chooser: Chooser::Output,
        }
    }

    #[test]
    fn refuses_to_overwrite_unless_asked() {
        let dir = tempfile::tempdir().expect("dir");
        let p = dir.path().join("out.txt");
        save(&to(&p, false), b"one").expect("first");
        assert_eq!(
            save(&to(&p, false), b"two"),
            Err(SaveError::Exists(p.clone()))
        );
        assert_eq!(std::fs::read(&p).expect("read"), b"one");
        save(&to(&p, true), b"two").expect("overwrite");
        assert_eq!(std::fs::read(&p).expect("read"), b"two");
        // No temporary files left behind.
        assert_eq!(std::fs::read_dir(dir.path()).expect("ls").count(), 1);
    }

    #[test]
    fn a_missing_folder_is_created_only_when_asked() {
        let dir = tempfile::tempdir().expect("dir");
        let p = dir.path().join("nope").join("out.txt");
        assert!(matches!(
            save(&to(&p, false), b"x"),
            Err(SaveError::NotWritable { .. })
        ));
        let create = SaveTo {
            create_folder: true,
            ..to(&p, false)
        };
        let saved = save(&create, b"x").expect("created");
        assert_eq!(saved.path, p);
        assert_eq!(saved.fell_back_from, None);
        assert_eq!(std::fs::read(&p).expect("read"), b"x");
    }

    #[test]
    fn fallback_ends_with_the_temp_folder() {
        assert_eq!(fallback_dirs().last(), Some(&std::env::temp_dir()));
    }
}

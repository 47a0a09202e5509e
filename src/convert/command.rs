//! The `daicho convert` command: inputs -> outputs, messages and the exit code.

use super::{check_result, checked_standard_workbook, convert_file, export, log, ConvertError};
use crate::cli::{ConvertArgs, ConvertFormat};
use crate::config::{Overrides, Resolver};
use crate::paths::{collect_inputs, Input};
use crate::report::ExitStatus;
use crate::save::{same_file, Chooser, SaveError, SaveTo};
use crate::Lang;
use crate::Text;
use std::path::{Path, PathBuf};

fn extension(format: ConvertFormat) -> &'static str {
    match format {
        ConvertFormat::Xlsx => "xlsx",
        ConvertFormat::Csv => "csv",
        ConvertFormat::Json => "json",
    }
}

/// One output per input: `<stem>.standard.<ext>` beside it or in the `-o` folder, or `-o`
/// itself for one input. Two inputs never share an output (`a.xlsx a.csv` ->
/// `a.standard.xlsx`, `a.csv.standard.xlsx`; see [`crate::paths::plan_outputs`]).
pub fn output_paths(
    inputs: &[PathBuf],
    output: Option<&Path>,
    format: ConvertFormat,
    several: bool,
) -> Vec<PathBuf> {
    let suffix = format!("standard.{}", extension(format));
    match output {
        Some(o) if !several && !o.is_dir() => inputs.iter().map(|_| o.to_path_buf()).collect(),
        Some(o) => crate::paths::plan_outputs(inputs, Some(o), &suffix, "ledger"),
        None => crate::paths::plan_outputs(inputs, None, &suffix, "ledger"),
    }
}

/// The inputs named on the command line ([`crate::paths::collect_inputs`]: folders and globs
/// expanded without daicho's own outputs, each file once). Paths that name nothing are errors of
/// their own.
fn inputs(args: &ConvertArgs, lang: Lang) -> (Vec<PathBuf>, Vec<(PathBuf, String)>) {
    let inputs = collect_inputs(&args.paths);
    let errors = inputs
        .items
        .iter()
        .filter_map(|i| match i {
            Input::Failed(p, e) => Some((p.clone(), e.message(lang))),
            Input::File(_) => None,
        })
        .collect();
    (inputs.files(), errors)
}

/// Runs `daicho convert`; returns the exit code (0 all converted, 2 any input not converted or a
/// usage/config error). Findings that remain in a converted ledger do not change the exit code:
/// `daicho check` is the command that judges a ledger.
pub fn run(args: &ConvertArgs) -> ExitStatus {
    let lang = args.common.lang;
    let mut cli = Overrides::new(
        args.common
            .as_of
            .unwrap_or_else(|| chrono::Local::now().date_naive()),
    );
    cli.lang = lang;
    cli.edition = args.common.edition.clone();
    let mut resolver = match Resolver::new(cli, args.common.config.as_deref()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{}", e.render(lang));
            return ExitStatus::Failure;
        }
    };
    let (files, mut failed) = inputs(args, lang);
    let several = files.len() + failed.len() > 1;
    if several {
        if let Some(o) = &args.output {
            if o.is_file() {
                eprintln!(
                    "{}",
                    Text::new(
                        format!("入力が複数あるときは -o にフォルダーを指定してください(「{}」はファイルです)。", o.display()),
                        format!("With several inputs, -o must be a folder ('{}' is a file).", o.display()),
                    ).into_lang(lang)
                );
                return ExitStatus::Failure;
            }
            if let Err(e) = std::fs::create_dir_all(o) {
                eprintln!(
                    "{}",
                    SaveError::Io {
                        path: o.clone(),
                        detail: e.to_string()
                    }
                    .message(lang)
                );
                return ExitStatus::Failure;
            }
        }
    }
    // Refuse an existing log file before doing any work.
    if let Some(log_path) = &args.log {
        if !args.force && log_path.exists() {
            eprintln!("{}", SaveError::Exists(log_path.clone()).message(lang));
            return ExitStatus::Failure;
        }
    }
    let mut log_text = String::new();
    let outputs = output_paths(&files, args.output.as_deref(), args.format, several);
    for (input, out) in files.iter().zip(&outputs) {
        let settings = match resolver.settings_for(input) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("{}", e.render(lang));
                return ExitStatus::Failure;
            }
        };
        match convert_one(input, out, args, &settings) {
            Ok(text) => {
                log_text.push_str(&text);
            }
            Err(e) => failed.push((input.clone(), e.message(lang))),
        }
    }
    for (path, message) in &failed {
        eprintln!("{}: {message}", crate::paths::display_path(path));
    }
    if let Some(log_path) = &args.log {
        if let Err(e) = crate::save::save(&to_output(log_path, args.force), log_text.as_bytes()) {
            eprintln!("{}", e.message(lang));
            return ExitStatus::Failure;
        }
    }
    if failed.is_empty() {
        ExitStatus::Clean
    } else {
        ExitStatus::Failure
    }
}

/// Converts one file and writes its output; returns the log text (for csv/json it is also
/// printed to stderr unless `--log` is given).
fn convert_one(
    input: &Path,
    out: &Path,
    args: &ConvertArgs,
    settings: &crate::settings::Settings,
) -> Result<String, ConvertError> {
    let lang = settings.lang;
    if same_file(input, out) {
        return Err(ConvertError::Save(SaveError::IsInput {
            path: out.to_path_buf(),
            chooser: Chooser::Output,
        }));
    }
    if !args.force && out.exists() {
        return Err(ConvertError::Save(SaveError::Exists(out.to_path_buf())));
    }
    let shown_out = crate::paths::display_path(out);
    let work = || -> Result<(super::Conversion, Vec<u8>), ConvertError> {
        let mut conv = convert_file(input, settings)?;
        let bytes = match args.format {
            ConvertFormat::Xlsx => {
                checked_standard_workbook(&mut conv, settings, Some((&shown_out, lang)))?
            }
            ConvertFormat::Csv => {
                check_result(&mut conv, settings)?;
                export::csv_bytes(&conv, args.encoding).map_err(ConvertError::Unencodable)?
            }
            ConvertFormat::Json => {
                check_result(&mut conv, settings)?;
                export::json_text(&conv).into_bytes()
            }
        };
        Ok((conv, bytes))
    };
    // The readers turn their own panics into ReadError::ReaderCrashed (workbook::guard, the
    // isolated child), so a panic that reaches here is daicho's own (analysis, conversion).
    let (conv, bytes) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work))
        .unwrap_or_else(|p| {
            Err(ConvertError::Read(crate::workbook::ReadError::Internal {
                detail: crate::workbook::panic_text(&*p),
            }))
        })?;
    crate::save::save(&to_output(out, args.force), &bytes).map_err(ConvertError::Save)?;
    // The text log goes to --log or, for csv/json, to stderr; an xlsx output without --log holds
    // it only in its 変換ログ sheet, so it is not rendered.
    let text = if args.log.is_some() || args.format != ConvertFormat::Xlsx {
        log::render_text(&conv, &shown_out, lang)
    } else {
        String::new()
    };
    // The summary on stdout; the detailed log of a csv/json output on stderr unless --log takes it
    // (an xlsx output holds it in its 変換ログ sheet).
    crate::console::write_human(&format!("{}\n", log::summary_line(&conv, &shown_out, lang)));
    if args.format != ConvertFormat::Xlsx && args.log.is_none() {
        eprint!("{}", text.split_once('\n').map_or("", |(_, rest)| rest));
    }
    drop(bytes);
    super::drop_aside(conv);
    Ok(text)
}

/// How `convert` saves a file: as named by `-o`, replaced only with `--force`.
fn to_output(path: &Path, force: bool) -> SaveTo<'_> {
    SaveTo {
        path,
        overwrite: force,
        create_folder: false,
        fallback: false,
        chooser: Chooser::Output,
    }
}

//! `daicho template`: a blank workbook a hospital can start from — the standard ledger sheet, the
//! checklist sheet of the chosen edition and form, and a 使い方 sheet — generated from the same
//! data the checker reads (field table, vocabularies, rule registry), so template and checker
//! cannot disagree.
//!
//! The standard ledger sheet writer ([`write_ledger_sheet`]) is shared with `daicho convert`.

mod ledger_sheet;
pub(crate) mod style;
mod usage;
pub(crate) mod vocab;

pub use ledger_sheet::{
    add_ledger_worksheet, extra_col, field_col, write_ledger_rows, write_ledger_sheet, Slot,
    StandardRow, CONSTANT_MEMORY_CELLS, FIRST_DATA_ROW, GUIDE, GUIDE_ROW, HEADER_ROW,
    LEDGER_SHEET_NAME, TITLE_ROW,
};
pub use usage::USAGE_SHEET_NAME;

use crate::cli::TemplateArgs;
use crate::report::ExitStatus;
use crate::save::{Chooser, SaveError, SaveTo};
use crate::Form;
use crate::Lang;
use crate::Text;
use std::path::PathBuf;

/// The file `daicho template` writes when no `-o` is given (in the current folder).
pub const DEFAULT_FILE_NAME: &str = "機器台帳テンプレート.xlsx";

/// What to put in the template.
#[derive(Debug, Clone)]
pub struct TemplateOptions {
    /// Checklist edition (`r6`, `r7` …); `None` = the newest.
    pub edition: Option<String>,
    pub form: Form,
}

#[derive(Debug)]
pub enum TemplateError {
    /// The workbook writer failed (a bug, or a limit such as a sheet name).
    Write(String),
    Save(SaveError),
    /// `--edition` names no bundled edition of the form.
    UnknownEdition {
        id: String,
        form: &'static str,
        available: Vec<String>,
    },
}

impl TemplateError {
    /// What is wrong and what to do, in both languages.
    pub fn text(&self) -> Text {
        match self {
            TemplateError::Write(d) => Text::new(
                format!("テンプレートを作れませんでした({d})。開発者に報告してください。"),
                format!("Could not build the template ({d}). Please report this."),
            ),
            TemplateError::Save(e) => e.text(),
            TemplateError::UnknownEdition {
                id,
                form,
                available,
            } => {
                let available = available.join(", ");
                Text::new(
                    format!("チェックリストの版「{id}」({form})は同梱されていません。使える版: {available}"),
                    format!("No bundled checklist edition '{id}' ({form}). Available: {available}"),
                )
            }
        }
    }

    /// [`Self::text`] in the user's language.
    pub fn message(&self, lang: Lang) -> String {
        self.text().into_string(lang)
    }
}

impl From<rust_xlsxwriter::XlsxError> for TemplateError {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        TemplateError::Write(e.to_string())
    }
}

/// Builds the template workbook and returns the .xlsx bytes.
pub fn build(opts: &TemplateOptions) -> Result<Vec<u8>, TemplateError> {
    let mut book = style::new_workbook()?;
    write_ledger_sheet(&mut book, LEDGER_SHEET_NAME, &[], &[])?;
    let checklist_sheet = add_checklist_sheet(&mut book, opts)?;
    usage::add_usage_sheet(&mut book, LEDGER_SHEET_NAME, checklist_sheet.as_deref())?;
    book.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_title("機器台帳テンプレート")
            .set_comment("daicho template"),
    );
    Ok(book.save_to_buffer()?)
}

/// The blank checklist sheet of the edition and form, drawn by the checklist renderer (the same
/// one that fills in the checklist of an annotated workbook); returns its sheet name.
fn add_checklist_sheet(
    book: &mut rust_xlsxwriter::Workbook,
    opts: &TemplateOptions,
) -> Result<Option<String>, TemplateError> {
    use crate::checklist::edition;
    let form = opts.form;
    let Some(edition) = edition::find_bundled(opts.edition.as_deref(), form) else {
        return match &opts.edition {
            Some(id) => Err(TemplateError::UnknownEdition {
                id: id.clone(),
                form: form.label(),
                available: edition::bundled_ids(),
            }),
            None => Ok(None),
        };
    };
    Ok(Some(crate::checklist::render_sheet(
        book, &edition, None, None,
    )?))
}

/// `daicho template`: writes the template; returns the exit code.
pub fn run(args: &TemplateArgs) -> ExitStatus {
    let lang = args.lang;
    let path = match &args.output {
        Some(dir) if dir.is_dir() => dir.join(DEFAULT_FILE_NAME),
        Some(file) => file.clone(),
        None => PathBuf::from(DEFAULT_FILE_NAME),
    };
    // Refuse before doing any work when the file is there.
    if !args.force && path.exists() {
        eprintln!("{}", SaveError::Exists(path).message(lang));
        return ExitStatus::Failure;
    }
    let opts = TemplateOptions {
        edition: args.edition.clone(),
        form: args.form,
    };
    let save_to = SaveTo {
        path: &path,
        overwrite: args.force,
        create_folder: false,
        fallback: false,
        chooser: Chooser::Output,
    };
    let result = build(&opts)
        .and_then(|bytes| crate::save::save(&save_to, &bytes).map_err(TemplateError::Save));
    match result {
        Ok(_) => {
            crate::console::write_human(
                &Text::new(
                    format!("テンプレートを作成しました: {}\n", path.display()),
                    format!("Template written: {}\n", path.display()),
                )
                .into_lang(lang),
            );
            ExitStatus::Clean
        }
        Err(e) => {
            eprintln!("{}", e.message(lang));
            ExitStatus::Failure
        }
    }
}

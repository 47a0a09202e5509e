//! Command-line definitions (clap). Behaviour lives in `app`.

use crate::{Form, Lang, Severity};
use clap::builder::PossibleValue;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "daicho",
    version,
    about = "医療機関の機器台帳・サイバーセキュリティ対策チェックリストを検査します / Lint the device ledgers and cybersecurity checklists of Japanese medical institutions",
    long_about = "ファイルをドラッグ&ドロップ(または `daicho FILE...`)すると、検査して `<名前>.checked.xlsx` を書き出します。\nDrop files on daicho (or run `daicho FILE...`) to check them and write `<stem>.checked.xlsx`.",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub dropped: DropArgs,
}

/// Drag-and-drop mode: check and annotate every file, print a short summary.
#[derive(Debug, Args)]
pub struct DropArgs {
    /// Files or folders to check (drag-and-drop).
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub common: CommonArgs,
    /// Folder for the annotated workbooks (default: beside each input).
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

/// Options shared by check, the bare form and convert.
#[derive(Debug, Args, Clone)]
pub struct CommonArgs {
    /// Date used for support and date rules (YYYY-MM-DD; default today).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub as_of: Option<chrono::NaiveDate>,
    /// Message language.
    #[arg(long, value_enum, default_value_t = Lang::Ja)]
    pub lang: Lang,
    /// Configuration file (default: daicho.toml next to the input or in a parent folder).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Checklist edition (r6, r7 …).
    #[arg(long)]
    pub edition: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint files, folders (recursive) or globs.
    Check(CheckArgs),
    /// Write a blank template workbook.
    Template(TemplateArgs),
    /// Convert any ledger into the standard layout, applying safe fixes.
    Convert(ConvertArgs),
    /// List all rules, or explain one.
    Rules(RulesArgs),
    /// Explain how an OS or firmware text is read: product, version, channel, support end, source.
    Os(OsArgs),
    /// Configuration helpers.
    Config(ConfigArgs),
    /// Checklist editions: make an edition file from an official form.
    #[command(subcommand)]
    Edition(EditionCommand),
}

#[derive(Debug, Subcommand)]
pub enum EditionCommand {
    /// Read a blank or filled checklist form (xlsx/xls/ods, any edition) and write its edition
    /// file (the templates/checklist format) for `check --checklist FILE` or daicho.toml [checklist].
    Import(EditionImportArgs),
}

#[derive(Debug, Args)]
pub struct EditionImportArgs {
    /// The checklist form (e.g. MHLW's xlsx of a new edition).
    pub form: PathBuf,
    /// Write the edition file here (default: standard output).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The checklist sheet to import when the form has several (default: the first).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Overwrite an existing output file.
    #[arg(long)]
    pub force: bool,
    #[arg(long, value_enum, default_value_t = Lang::Ja)]
    pub lang: Lang,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Human,
    Json,
    Sarif,
    Junit,
    Github,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files, folders or globs.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub common: CommonArgs,
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    /// Write annotated copies (<stem>.checked.xlsx).
    #[arg(long)]
    pub annotate: bool,
    /// Folder for annotated copies.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// Only these rule codes or prefixes (comma-separated or repeated).
    #[arg(long, value_delimiter = ',', value_name = "CODE")]
    pub select: Vec<String>,
    /// Skip these rule codes or prefixes.
    #[arg(long, value_delimiter = ',', value_name = "CODE")]
    pub ignore: Vec<String>,
    /// Lowest severity that makes the exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// No progress bar.
    #[arg(long)]
    pub no_progress: bool,
    /// Print only the summary line.
    #[arg(long, short)]
    pub quiet: bool,
    /// Checklist definition file (your own edition).
    #[arg(long, value_name = "FILE")]
    pub checklist: Option<PathBuf>,
    /// Ledger to cross-check the checklist against (default: the same workbook).
    #[arg(long, value_name = "FILE")]
    pub ledger: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
}

impl FailOn {
    pub fn severity(self) -> Severity {
        match self {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
        }
    }
}

#[derive(Debug, Args)]
pub struct TemplateArgs {
    /// Output file (default: 機器台帳テンプレート.xlsx).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Checklist edition (r6, r7).
    #[arg(long)]
    pub edition: Option<String>,
    /// Checklist form.
    #[arg(long, value_enum, default_value_t = Form::Hospital)]
    pub form: Form,
    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,
    /// Message language.
    #[arg(long, value_enum, default_value_t = Lang::Ja)]
    pub lang: Lang,
}

// The model's enums as command-line values. They are implemented here, at the edge, so that the
// model never names clap (STYLE.md: the model never imports cli).
impl ValueEnum for Form {
    fn value_variants<'a>() -> &'a [Self] {
        &[Form::Hospital, Form::Vendor, Form::Pharmacy]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.key()))
    }
}

impl ValueEnum for Lang {
    fn value_variants<'a>() -> &'a [Self] {
        &[Lang::Ja, Lang::En]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ConvertFormat {
    Xlsx,
    Csv,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Encoding {
    #[value(name = "utf-8")]
    Utf8,
    Cp932,
}

#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// Ledgers to convert (files, folders or globs); each gets its own output.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Output file (one input) or folder.
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Output format: the standard workbook (with a 変換ログ sheet), CSV or JSON.
    #[arg(long, value_enum, default_value_t = ConvertFormat::Xlsx)]
    pub format: ConvertFormat,
    /// CSV encoding.
    #[arg(long, value_enum, default_value_t = Encoding::Utf8)]
    pub encoding: Encoding,
    /// Write the change log here (csv/json output; default stderr).
    #[arg(long, value_name = "FILE")]
    pub log: Option<PathBuf>,
    /// Overwrite existing outputs.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// A rule code to explain (e.g. OS001).
    pub code: Option<String>,
    #[arg(long, value_enum, default_value_t = Lang::Ja)]
    pub lang: Lang,
}

#[derive(Debug, Args)]
pub struct OsArgs {
    /// The OS or firmware text, as written in the ledger (several words are joined with spaces).
    #[arg(required = true, num_args = 1..)]
    pub text: Vec<String>,
    /// Date to judge support at (default: today).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub as_of: Option<chrono::NaiveDate>,
    /// A daicho.toml whose [os] products are applied (default: the bundled table alone).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Lang::Ja)]
    pub lang: Lang,
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// Print a commented example daicho.toml.
    #[arg(long)]
    pub example: bool,
}

fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
        format!("'{s}' は YYYY-MM-DD 形式の日付ではありません / not a YYYY-MM-DD date")
    })
}

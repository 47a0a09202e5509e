//! Operating systems as people type them, and their support dates from the bundled table
//! `templates/os-support.toml` (built from endoflife.date data, MIT).
//!
//! How a cell is read: the text is NFKC-normalised, lower-cased and cut into tokens (runs of
//! Latin letters, of digits with inner dots, of katakana, of other letters; everything else only
//! separates). Every spelling of the table is compared with runs of tokens glued together, so
//! `Win10`, `Win 10` and `ｗｉｎ１０` are one spelling, and so are `Windows１０` and `Windows 10`.
//!
//! Then, in order: spellings added in daicho.toml win; otherwise the earliest, longest spelling
//! of a family (Windows 10, Ubuntu, FortiOS …) or of a release (`2008R2`, `POSReady 7`, a
//! SonicWall model) decides, the plain-"Windows" family last. A text naming a network-firmware
//! vendor or product (the table's `firmware` list: Cisco, FortiGate, Yamaha …) is never a client
//! OS: only firmware rows count, and without one it is [`OsVerdict::UndatedFirmware`].
//! After a family name, the version and the edition words (Pro, Enterprise, LTSC, IoT) pick the
//! row; without a version the family's default row (plain "Windows 10" = 22H2) or
//! [`OsVerdict::Unspecified`].
//!
//! Layout: `table` (the data file's schema, building the lookup structures, daicho.toml
//! overrides), `tokens` (cutting text into tokens and known spellings), `resolve` (which family or
//! release a text names, and which edition channel), `summary` (OS004 summaries).

mod resolve;
mod summary;
mod table;
mod tokens;

pub use table::{OsOverride, SupportEnd};

use crate::Text;
use chrono::NaiveDate;
use resolve::{Outcome, Resolution};
use std::sync::OnceLock;
use table::{apply_override, AliasTarget, Family, ReleaseRow, TableFile};
use tokens::{tokenize, Qualifier, SpellingIndex};

/// What daicho can tell about an OS cell.
#[derive(Debug, Clone, PartialEq)]
pub enum OsVerdict {
    /// A release with a known end of support.
    Known(OsRelease),
    /// The family is known but the version or edition decides support (OS004), e.g. plain
    /// "Windows 11" or "iPadOS". `note` says which versions/editions have ended.
    Unspecified { family: String, note: Text },
    /// Network firmware recognised (a vendor or product of the table's `firmware` list, or a
    /// firmware family with a version the table has no date for) whose support end daicho does not
    /// know: OS003, with a message to check the vendor's support page — never a guessed date.
    UndatedFirmware {
        /// The product or vendor, e.g. "Yamaha RTX", "Cisco ASA", "FortiOS".
        product: String,
    },
    /// Not recognised (OS003).
    Unknown,
}

/// How sure the table is of a row's dates (shown in messages and by `daicho os`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Confidence {
    /// Confirmed in the cited source.
    #[default]
    Confirmed,
    /// Partly confirmed: a third-party record, a derived date, or a single secondary source.
    Partly,
    /// Not re-checked against a source.
    Unverified,
    /// Given by the user in daicho.toml.
    User,
}

impl Confidence {
    pub fn label(self) -> Text {
        match self {
            Confidence::Confirmed => Text::new("確認済み(出典の記載どおり)", "confirmed in the source"),
            Confidence::Partly => Text::new(
                "一部確認(第三者の記録・算出した日付・単一の二次情報)",
                "partly confirmed (a third-party record, a derived date or a single secondary source)",
            ),
            Confidence::Unverified => Text::new("未検証", "not verified"),
            Confidence::User => Text::new("daicho.toml の設定", "set in daicho.toml"),
        }
    }
}

/// The `eol` of a release whose end has not been announced (macOS 15, Android 16 …): rules compare
/// `eol < as_of`, so it never raises OS001/OS002.
pub const NO_ANNOUNCED_END: NaiveDate = NaiveDate::MAX;

#[derive(Debug, Clone, PartialEq)]
pub struct OsRelease {
    /// Stable id of the table row, e.g. `windows-10-22h2-w`, usable in config overrides.
    pub id: String,
    /// Display name, e.g. "Windows 10 22H2 (Home/Pro)".
    pub name: String,
    /// End of security support for this channel. [`NO_ANNOUNCED_END`] (`NaiveDate::MAX`) when
    /// the vendor has announced no end (still supported as of the table): never print it as a
    /// date, check [`OsRelease::has_announced_end`].
    pub eol: NaiveDate,
    /// End of paid extended support (ESU/ELS/ESM), for devices declared under it.
    pub extended: Option<NaiveDate>,
    /// A caveat to add to messages (e.g. that LTSC editions of Windows 10 differ).
    pub note: Option<Text>,
    /// How sure the table is of the dates.
    pub confidence: Confidence,
    /// Where the dates come from (a URL, a repository file, or "daicho.toml").
    pub source: String,
    /// The product line: the family's name ("Windows 10", "FortiOS") or the release's own name.
    pub product: String,
    /// The edition channel that decided the row ("Home/Pro", "LTSC" …), for Windows.
    pub channel: Option<&'static str>,
    /// Network equipment firmware (FortiOS, PAN-OS …), not a client or server OS.
    pub firmware: bool,
    /// The appliance line the firmware runs on ("FortiGate"), for messages.
    pub appliance: Option<String>,
}

impl OsRelease {
    /// False for releases still supported with no announced end (`eol` = [`NO_ANNOUNCED_END`]).
    pub fn has_announced_end(&self) -> bool {
        self.eol != NO_ANNOUNCED_END
    }
}

/// The support table: bundled data plus user overrides.
pub struct OsTable {
    source: TableFile,
    snapshot: NaiveDate,
    checked: NaiveDate,
    rows: Vec<ReleaseRow>,
    families: Vec<Family>,
    /// Spellings of families and releases.
    aliases: SpellingIndex<Vec<AliasTarget>>,
    /// Spellings from daicho.toml, checked first.
    user_aliases: SpellingIndex<Vec<usize>>,
    /// Firmware vendors and products (index into `firmware_names`): never a client OS.
    firmware: SpellingIndex<usize>,
    firmware_names: Vec<String>,
    /// Edition and filler words, for text around a release named on its own.
    global_qualifiers: SpellingIndex<Qualifier>,
}

impl std::fmt::Debug for OsTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OsTable")
            .field("snapshot", &self.snapshot)
            .field("checked", &self.checked)
            .field("releases", &self.rows.len())
            .field("families", &self.families.len())
            .finish_non_exhaustive()
    }
}

static BUNDLED: OnceLock<OsTable> = OnceLock::new();

const OS_SUPPORT_TOML: &str = include_str!("../../../templates/os-support.toml");

/// The canonical display spelling of an OS cell (`Win10` -> `Windows 10`, `WS2012R2` ->
/// `Windows Server 2012 R2`, `CentOS7.9` -> `CentOS 7.9`), keeping every edition and version word
/// typed and adding none. `None` when the text is already canonical, not recognised, or holds
/// words the table does not know (those are never dropped or guessed).
pub fn canonical_spelling(raw: &str) -> Option<String> {
    OsTable::bundled().canonical_spelling(raw)
}

#[cfg(test)]
impl OsTable {
    /// The date of the table's data (the source snapshot).
    pub fn snapshot(&self) -> NaiveDate {
        self.snapshot
    }

    /// A row by its id.
    pub fn release(&self, id: &str) -> Option<&OsRelease> {
        self.rows.iter().map(|r| &r.release).find(|r| r.id == id)
    }
}

impl OsTable {
    pub fn bundled() -> &'static OsTable {
        BUNDLED.get_or_init(|| {
            OsTable::from_toml(OS_SUPPORT_TOML).expect("templates/os-support.toml is valid")
        })
    }

    /// Parses a support table in the format of `templates/os-support.toml`.
    pub fn from_toml(src: &str) -> Result<OsTable, String> {
        let file: TableFile = toml::from_str(src).map_err(|e| e.to_string())?;
        OsTable::build(file)
    }

    /// This table with daicho.toml's `[os]` products applied. Errors name the entry's id.
    pub fn with_overrides(&self, extra: &[OsOverride]) -> Result<OsTable, String> {
        let mut file = self.source.clone();
        for o in extra {
            apply_override(&mut file, o)?;
        }
        OsTable::build(file)
    }

    /// The date the table was last checked against its sources (`checked` in the data file).
    pub fn checked(&self) -> NaiveDate {
        self.checked
    }

    /// Every row, in table order.
    pub fn releases(&self) -> impl Iterator<Item = &OsRelease> {
        self.rows.iter().map(|r| &r.release)
    }

    /// Judges an OS cell's text.
    pub fn judge(&self, raw: &str) -> OsVerdict {
        let (norm, toks) = tokenize(raw);
        match self.resolve(&norm, &toks) {
            Resolution::User(row) => OsVerdict::Known(self.rows[row].release.clone()),
            Resolution::Nothing => OsVerdict::Unknown,
            Resolution::Firmware(name) => OsVerdict::UndatedFirmware {
                product: name.to_string(),
            },
            Resolution::Release { row, .. } => OsVerdict::Known(self.rows[row].release.clone()),
            Resolution::Family {
                family, outcome, ..
            } => {
                let fam = &self.families[family];
                match outcome {
                    Outcome::Row {
                        row,
                        assumed,
                        iot_fallback,
                    } => {
                        let mut release = self.rows[row].release.clone();
                        if assumed {
                            release.note = join_notes(fam.default_note.clone(), release.note);
                        }
                        if iot_fallback {
                            release.note = join_notes(release.note, Some(iot_fallback_note()));
                        }
                        OsVerdict::Known(release)
                    }
                    Outcome::Unspecified(class) => OsVerdict::Unspecified {
                        family: fam.name.clone(),
                        note: fam.unspecified[class as usize].clone(),
                    },
                    Outcome::Unknown if fam.firmware => OsVerdict::UndatedFirmware {
                        product: fam.name.clone(),
                    },
                    Outcome::Unknown => OsVerdict::Unknown,
                }
            }
        }
    }
}

fn join_notes(a: Option<Text>, b: Option<Text>) -> Option<Text> {
    match (a, b) {
        (Some(a), Some(b)) => Some(Text::new(
            format!("{}{}", a.ja, b.ja),
            format!("{} {}", a.en, b.en),
        )),
        (a, b) => a.or(b),
    }
}

fn iot_fallback_note() -> Text {
    Text::new(
        "IoT 版の期限は表にないため、同じ年の LTSB/LTSC 版の期限で判定しています。",
        "The table has no separate date for the IoT edition of this release; the LTSB/LTSC date is used.",
    )
}

#[cfg(test)]
mod tests;

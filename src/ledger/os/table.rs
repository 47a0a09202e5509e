use super::resolve::{channel_rank, Channel, Class, EditionKind};
use super::summary::summarize;
use super::tokens::{spelling_key, tokenize, Qualifier, SpellingIndex};
use super::{Confidence, OsRelease, OsTable, NO_ANNOUNCED_END};

/// The source recorded for rows set in daicho.toml.
const USER_SOURCE: &str = "daicho.toml [os] products";
use crate::Text;
use chrono::NaiveDate;
use serde::{Deserialize, Deserializer};
use std::collections::HashMap;

/// A support end date as written in `templates/os-support.toml` or daicho.toml: a TOML date
/// (`2027-01-12`), the same as a string, or `"none"` for "no announced end" ([`NO_ANNOUNCED_END`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SupportEnd(pub NaiveDate);

impl<'de> Deserialize<'de> for SupportEnd {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Date(toml::value::Datetime),
        }
        use serde::de::Error;
        let expected = "a date such as 2027-01-12, or \"none\" when no end is announced";
        let date = match Raw::deserialize(deserializer) {
            Ok(Raw::Text(s)) => parse_support_end(&s),
            Ok(Raw::Date(dt)) => match (dt.date, dt.time, dt.offset) {
                (Some(d), None, None) => {
                    NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
                }
                _ => None,
            },
            Err(_) => None,
        };
        date.map(SupportEnd)
            .ok_or_else(|| D::Error::custom(format!("expected {expected}")))
    }
}

fn parse_support_end(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("none") {
        return Some(NO_ANNOUNCED_END);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// One entry of daicho.toml's `[os]` products: changes a bundled row (by `id`) or adds a product.
///
/// ```toml
/// [[os.products]]                      # change a bundled row
/// id = "windows-server-2012-r2"
/// eol = 2026-10-13
///
/// [[os.products]]                      # add a product, matched by its spellings
/// id = "yamaha-rtx1210"
/// name = "Yamaha RTX1210 Rev.14.01"
/// aliases = ["RTX1210 Rev.14.01"]
/// eol = 2027-03-31
///
/// [[os.products]]                      # add a version to a bundled family
/// id = "macos-27"
/// name = "macOS 27"
/// family = "macos"
/// versions = ["27"]
/// eol = "none"
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OsOverride {
    /// Id of a bundled row to change, or of the new product.
    pub id: String,
    /// Display name (required for a new product).
    pub name: Option<String>,
    /// A bundled family (`windows-11`, `macos`, `ubuntu` …) whose `versions` select this row.
    pub family: Option<String>,
    /// Versions written after the family name that select this row (needs `family`).
    #[serde(default)]
    pub versions: Vec<String>,
    /// Spellings naming the product on their own, compared like the bundled ones (NFKC,
    /// case-insensitive, spacing and punctuation ignored). They win over everything bundled,
    /// firmware included.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// End of support (required for a new product); `"none"` = no announced end.
    pub eol: Option<SupportEnd>,
    /// End of paid extended support.
    pub extended: Option<SupportEnd>,
    /// A note shown with findings (both languages).
    pub note: Option<String>,
}

impl OsTable {
    /// Builds the lookup structures from the data file, checking its ids and spellings.
    pub(super) fn build(source: TableFile) -> Result<OsTable, String> {
        let snapshot = source.snapshot.0;
        let checked = source.checked.0;
        if snapshot == NO_ANNOUNCED_END || checked == NO_ANNOUNCED_END {
            return Err("snapshot and checked must be dates".into());
        }
        let global = global_qualifiers(&source)?;
        let mut rows = release_rows(&source)?;
        let families = source
            .family
            .iter()
            .enumerate()
            .map(|(fi, f)| family_entry(&source, fi, f, &rows, &global, checked))
            .collect::<Result<Vec<_>, String>>()?;
        let (aliases, user_aliases) = alias_indexes(&source)?;
        let mut firmware = HashMap::new();
        let mut firmware_names = Vec::with_capacity(source.firmware.len());
        for group in &source.firmware {
            let Some(name) = group.first() else {
                continue;
            };
            for f in group {
                firmware
                    .entry(spelling_key(f)?)
                    .or_insert(firmware_names.len());
            }
            firmware_names.push(name.clone());
        }
        let firmware = SpellingIndex::new(firmware);
        // A product added in daicho.toml under a firmware name ("YAMAHA RTX1210 …") is firmware.
        for (row, spec) in rows.iter_mut().zip(&source.release) {
            let names_firmware = |a: &String| {
                let toks = tokenize(a).1;
                (0..toks.len()).any(|i| firmware.longest_at(&toks, i).is_some())
            };
            if spec.user_aliases.iter().any(names_firmware) {
                row.release.firmware = true;
            }
        }
        Ok(OsTable {
            snapshot,
            checked,
            firmware_names,
            rows,
            families,
            aliases: SpellingIndex::new(aliases),
            user_aliases: SpellingIndex::new(user_aliases),
            firmware,
            global_qualifiers: SpellingIndex::new(global),
            source,
        })
    }
}

/// Edition and filler words that may stand next to any OS name.
fn global_qualifiers(source: &TableFile) -> Result<HashMap<String, Qualifier>, String> {
    let mut global = HashMap::new();
    let editions = [
        (EditionKind::W, &source.editions.w),
        (EditionKind::E, &source.editions.e),
        (EditionKind::Iot, &source.editions.iot),
        (EditionKind::Ltsc, &source.editions.ltsc),
    ];
    for (kind, words) in editions {
        for w in words {
            let item = Qualifier::Edition {
                kind,
                canonical: w.clone(),
            };
            global.entry(spelling_key(w)?).or_insert(item);
        }
    }
    for group in &source.words {
        let Some(canonical) = group.first() else {
            continue;
        };
        for w in group {
            let item = Qualifier::Word {
                canonical: canonical.clone(),
            };
            global.entry(spelling_key(w)?).or_insert(item);
        }
    }
    Ok(global)
}

/// One built row per `[[release]]`, with its family resolved; ids must be unique.
fn release_rows(source: &TableFile) -> Result<Vec<ReleaseRow>, String> {
    let mut family_ids: HashMap<&str, usize> = HashMap::new();
    for (i, f) in source.family.iter().enumerate() {
        if family_ids.insert(f.id.as_str(), i).is_some() {
            return Err(format!("family '{}' defined twice", f.id));
        }
    }
    let mut rows = Vec::with_capacity(source.release.len());
    let mut row_ids: HashMap<&str, usize> = HashMap::new();
    for (i, r) in source.release.iter().enumerate() {
        if r.id.trim().is_empty() {
            return Err("a release without an id".into());
        }
        if row_ids.insert(r.id.as_str(), i).is_some() {
            return Err(format!("release '{}' defined twice", r.id));
        }
        let family = match &r.family {
            Some(f) => Some(
                *family_ids
                    .get(f.as_str())
                    .ok_or_else(|| format!("release '{}': unknown family '{f}'", r.id))?,
            ),
            None => None,
        };
        let spec = family.map(|f| &source.family[f]);
        let source_text = r
            .source
            .clone()
            .or_else(|| spec.and_then(|f| f.source.clone()))
            .ok_or_else(|| format!("release '{}' has no source", r.id))?;
        if family.is_none() && !r.versions.is_empty() {
            return Err(format!("release '{}': versions need a family", r.id));
        }
        let label = r
            .label
            .clone()
            .or_else(|| r.versions.first().cloned())
            .unwrap_or_else(|| r.name.clone());
        rows.push(ReleaseRow {
            release: OsRelease {
                id: r.id.clone(),
                name: r.name.clone(),
                eol: r.eol.0,
                extended: r.extended.map(|d| d.0),
                note: note_text(&r.note_ja, &r.note_en),
                confidence: r
                    .confidence
                    .or_else(|| spec.and_then(|f| f.confidence))
                    .unwrap_or_default(),
                source: source_text,
                product: spec.map_or_else(|| r.name.clone(), |f| f.name.clone()),
                channel: r.channel.map(Channel::label),
                firmware: r.firmware || spec.is_some_and(|f| f.firmware),
                appliance: r
                    .appliance
                    .clone()
                    .or_else(|| spec.and_then(|f| f.appliance.clone())),
            },
            family,
            channel: r.channel,
            default: r.default,
            label,
        });
    }
    Ok(rows)
}

/// A text given in one language only is used for both.
fn note_text(ja: &Option<String>, en: &Option<String>) -> Option<Text> {
    match (ja, en) {
        (Some(ja), Some(en)) => Some(Text::new(ja.clone(), en.clone())),
        (Some(t), None) | (None, Some(t)) => Some(Text::new(t.clone(), t.clone())),
        (None, None) => None,
    }
}

/// A family with the words that may follow its name: its versions, the global words, and the
/// words that make the text another product.
fn family_entry(
    source: &TableFile,
    fi: usize,
    f: &FamilySpec,
    rows: &[ReleaseRow],
    global: &HashMap<String, Qualifier>,
    snapshot: NaiveDate,
) -> Result<Family, String> {
    let mut map = global.clone();
    let members: Vec<usize> = (0..rows.len())
        .filter(|&r| rows[r].family == Some(fi))
        .collect();
    for &r in &members {
        for v in &source.release[r].versions {
            let key = spelling_key(v)?;
            match map.get_mut(&key) {
                Some(Qualifier::Version { rows, .. }) => rows.push(r),
                Some(Qualifier::Exclude) => {}
                _ => {
                    map.insert(
                        key,
                        Qualifier::Version {
                            rows: vec![r],
                            canonical: v.clone(),
                        },
                    );
                }
            }
        }
    }
    for x in &f.exclude {
        map.insert(spelling_key(x)?, Qualifier::Exclude);
    }
    let chosen: Vec<&ReleaseRow> = members.iter().map(|&r| &rows[r]).collect();
    Ok(Family {
        name: f.name.clone(),
        fallback: f.fallback,
        firmware: f.firmware,
        rows: members,
        rest: SpellingIndex::new(map),
        default_note: note_text(&f.default_note_ja, &f.default_note_en),
        unspecified: unspecified_messages(f, &chosen, snapshot),
    })
}

/// The OS004 message of a family for each [`Class`] of edition words.
fn unspecified_messages(f: &FamilySpec, members: &[&ReleaseRow], snapshot: NaiveDate) -> Vec<Text> {
    let date = snapshot.format("%Y-%m-%d").to_string();
    Class::ALL
        .iter()
        .map(|&class| {
            let pref = class.preference();
            let chosen: Vec<&ReleaseRow> = members
                .iter()
                .copied()
                .filter(|r| channel_rank(r.channel, pref).is_some())
                .collect();
            let summary = summarize(&chosen, snapshot);
            let fill = |t: &str, s: &str| t.replace("{summary}", s).replace("{snapshot}", &date);
            Text::new(
                fill(&f.unspecified_ja, &summary.ja),
                fill(&f.unspecified_en, &summary.en),
            )
        })
        .collect()
}

type AliasIndexes = (
    HashMap<String, Vec<AliasTarget>>,
    HashMap<String, Vec<usize>>,
);

/// Spellings naming a release or a family on their own, and those added in daicho.toml.
fn alias_indexes(source: &TableFile) -> Result<AliasIndexes, String> {
    let mut aliases: HashMap<String, Vec<AliasTarget>> = HashMap::new();
    let mut user_aliases: HashMap<String, Vec<usize>> = HashMap::new();
    for (ri, r) in source.release.iter().enumerate() {
        for group in &r.aliases {
            let Some(canonical) = group.first() else {
                continue;
            };
            for a in group {
                let target = AliasTarget::Release {
                    row: ri,
                    canonical: canonical.clone(),
                };
                push_unique(aliases.entry(spelling_key(a)?).or_default(), target);
            }
        }
        for a in &r.user_aliases {
            let key = spelling_key(a).map_err(|e| format!("'{}': {e}", r.id))?;
            let list = user_aliases.entry(key).or_default();
            if !list.contains(&ri) {
                list.push(ri);
            }
        }
    }
    for (fi, f) in source.family.iter().enumerate() {
        for (weak, groups) in [(false, &f.aliases), (true, &f.weak_aliases)] {
            for group in groups {
                let Some(canonical) = group.first() else {
                    continue;
                };
                for a in group {
                    let list = aliases.entry(spelling_key(a)?).or_default();
                    // A spelling that is already a strong name of the family stays strong.
                    let strong_exists = list.iter().any(|t| {
                        matches!(t, AliasTarget::Family { family, weak: false, .. } if *family == fi)
                    });
                    if weak && strong_exists {
                        continue;
                    }
                    push_unique(
                        list,
                        AliasTarget::Family {
                            family: fi,
                            weak,
                            canonical: canonical.clone(),
                        },
                    );
                }
            }
        }
    }
    Ok((aliases, user_aliases))
}

pub(super) fn push_unique(list: &mut Vec<AliasTarget>, target: AliasTarget) {
    if !list.contains(&target) {
        list.push(target);
    }
}

pub(super) fn apply_override(file: &mut TableFile, o: &OsOverride) -> Result<(), String> {
    let id = o.id.trim();
    if id.is_empty() {
        return Err("[os] product without an id".into());
    }
    let err = |msg: &str| format!("[os] product '{id}': {msg}");
    if let Some(f) = &o.family {
        if !file.family.iter().any(|x| x.id == *f) {
            let known: Vec<&str> = file.family.iter().map(|x| x.id.as_str()).collect();
            return Err(err(&format!(
                "unknown family '{f}' (known: {})",
                known.join(", ")
            )));
        }
    }
    for a in o.aliases.iter().chain(&o.versions) {
        if spelling_key(a).is_err() {
            return Err(err(&format!("'{a}' has no letters or digits")));
        }
    }
    if let Some(r) = file.release.iter_mut().find(|r| r.id == id) {
        if o.family.is_some() && o.family != r.family {
            return Err(err("the family of a bundled release cannot be changed"));
        }
        if !o.versions.is_empty() && r.family.is_none() {
            return Err(err("versions need a family, and this release has none"));
        }
        if let Some(name) = &o.name {
            r.name = name.clone();
        }
        if let Some(eol) = o.eol {
            r.eol = eol;
            r.confidence = Some(Confidence::User);
            r.source = Some(USER_SOURCE.to_string());
        }
        if let Some(ext) = o.extended {
            r.extended = Some(ext);
            r.confidence = Some(Confidence::User);
            r.source = Some(USER_SOURCE.to_string());
        }
        if let Some(note) = &o.note {
            r.note_ja = Some(note.clone());
            r.note_en = Some(note.clone());
        }
        r.versions.extend(o.versions.iter().cloned());
        r.user_aliases.extend(o.aliases.iter().cloned());
        return Ok(());
    }
    let name = o
        .name
        .clone()
        .ok_or_else(|| err("a new product needs a name"))?;
    let eol = o
        .eol
        .ok_or_else(|| err("a new product needs eol (a date, or \"none\")"))?;
    if !o.versions.is_empty() && o.family.is_none() {
        return Err(err("versions need a family"));
    }
    if o.aliases.is_empty() && o.versions.is_empty() {
        return Err(err(
            "a new product needs aliases, or a family and versions, to be recognised",
        ));
    }
    file.release.push(ReleaseSpec {
        id: id.to_string(),
        name,
        family: o.family.clone(),
        channel: None,
        label: None,
        versions: o.versions.clone(),
        aliases: Vec::new(),
        default: false,
        eol,
        extended: o.extended,
        note_ja: o.note.clone(),
        note_en: o.note.clone(),
        source: Some(USER_SOURCE.to_string()),
        confidence: Some(Confidence::User),
        firmware: false,
        appliance: None,
        user_aliases: o.aliases.clone(),
    });
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The data file.

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TableFile {
    /// The endoflife.date snapshot most rows come from.
    pub(super) snapshot: SupportEnd,
    /// When the table was last checked against its sources.
    pub(super) checked: SupportEnd,
    pub(super) editions: Editions,
    /// Firmware vendors and products, as groups of spellings; the first names the group in
    /// messages ("Yamaha RTX").
    #[serde(default)]
    pub(super) firmware: Vec<Vec<String>>,
    #[serde(default)]
    pub(super) words: Vec<Vec<String>>,
    #[serde(default)]
    pub(super) family: Vec<FamilySpec>,
    #[serde(default)]
    pub(super) release: Vec<ReleaseSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Editions {
    #[serde(default)]
    pub(super) w: Vec<String>,
    #[serde(default)]
    pub(super) e: Vec<String>,
    #[serde(default)]
    pub(super) iot: Vec<String>,
    #[serde(default)]
    pub(super) ltsc: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FamilySpec {
    pub(super) id: String,
    pub(super) name: String,
    #[serde(default)]
    pub(super) fallback: bool,
    pub(super) aliases: Vec<Vec<String>>,
    #[serde(default)]
    pub(super) weak_aliases: Vec<Vec<String>>,
    #[serde(default)]
    pub(super) exclude: Vec<String>,
    pub(super) unspecified_ja: String,
    pub(super) unspecified_en: String,
    pub(super) default_note_ja: Option<String>,
    pub(super) default_note_en: Option<String>,
    /// The source of the family's rows (a row may name its own).
    pub(super) source: Option<String>,
    /// How sure the family's rows are (a row may say otherwise).
    pub(super) confidence: Option<Confidence>,
    /// Network equipment firmware (FortiOS, PAN-OS …).
    #[serde(default)]
    pub(super) firmware: bool,
    /// The appliance line the firmware runs on, for messages ("FortiGate").
    pub(super) appliance: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ReleaseSpec {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) family: Option<String>,
    pub(super) channel: Option<Channel>,
    pub(super) label: Option<String>,
    #[serde(default)]
    pub(super) versions: Vec<String>,
    #[serde(default)]
    pub(super) aliases: Vec<Vec<String>>,
    #[serde(default)]
    pub(super) default: bool,
    pub(super) eol: SupportEnd,
    pub(super) extended: Option<SupportEnd>,
    pub(super) note_ja: Option<String>,
    pub(super) note_en: Option<String>,
    /// Where the dates come from; required unless the family names one.
    pub(super) source: Option<String>,
    /// How sure the dates are; default: the family's, else confirmed.
    pub(super) confidence: Option<Confidence>,
    /// Network equipment firmware named on its own (SonicWall models).
    #[serde(default)]
    pub(super) firmware: bool,
    /// The appliance line, for messages.
    pub(super) appliance: Option<String>,
    /// Spellings from daicho.toml (checked before everything bundled).
    #[serde(skip)]
    pub(super) user_aliases: Vec<String>,
}

// ---------------------------------------------------------------------------------------------
// The built table.

pub(super) struct ReleaseRow {
    pub(super) release: OsRelease,
    pub(super) family: Option<usize>,
    pub(super) channel: Option<Channel>,
    pub(super) default: bool,
    /// Name in OS004 summaries ("23H2", "LTSC 2021").
    pub(super) label: String,
}

pub(super) struct Family {
    pub(super) name: String,
    pub(super) fallback: bool,
    pub(super) firmware: bool,
    pub(super) rows: Vec<usize>,
    /// Versions, edition words, filler words and excluded words after the family name.
    pub(super) rest: SpellingIndex<Qualifier>,
    pub(super) default_note: Option<Text>,
    /// OS004 messages, by [`Class`].
    pub(super) unspecified: Vec<Text>,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum AliasTarget {
    Release {
        row: usize,
        canonical: String,
    },
    Family {
        family: usize,
        weak: bool,
        canonical: String,
    },
}

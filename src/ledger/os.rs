//! Operating systems as people type them, and their support dates from the bundled table
//! `templates/os-support.toml` (built from endoflife.date data, MIT).
//!
//! How a cell is read: the text is NFKC-normalised, lower-cased and cut into tokens (runs of
//! Latin letters, of digits with inner dots, of katakana, of other letters; everything else only
//! separates). Every spelling of the table is compared with runs of tokens glued together, so
//! `Win10`, `Win 10` and `ｗｉｎ１０` are one spelling, and so are `Windows１０` and `Windows 10`.
//!
//! Then, in order: spellings added in daicho.toml win; network firmware (Cisco IOS, FortiOS …) is
//! [`OsVerdict::Unknown`]; otherwise the earliest, longest spelling of a family (Windows 10,
//! Ubuntu …) or of a release (`2008R2`, `POSReady 7`) decides, the plain-"Windows" family last.
//! After a family name, the version and the edition words (Pro, Enterprise, LTSC, IoT) pick the
//! row; without a version the family's default row (plain "Windows 10" = 22H2) or
//! [`OsVerdict::Unspecified`].

use crate::text::nfkc;
use crate::Text;
use chrono::NaiveDate;
use regex::Regex;
use serde::{Deserialize, Deserializer};
use std::cmp::Reverse;
use std::collections::HashMap;
use std::sync::OnceLock;

/// What daicho can tell about an OS cell.
#[derive(Debug, Clone, PartialEq)]
pub enum OsVerdict {
    /// A release with a known end of support.
    Known(OsRelease),
    /// The family is known but the version or edition decides support (OS004), e.g. plain
    /// "Windows 11" or "iPadOS". `note` says which versions/editions have ended.
    Unspecified { family: String, note: Text },
    /// Not recognised (OS003), including network firmware not in the table.
    Unknown,
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
    /// Dates not re-checked against the source (embedded Windows).
    pub unverified: bool,
}

impl OsRelease {
    /// False for releases still supported with no announced end (`eol` = [`NO_ANNOUNCED_END`]).
    pub fn has_announced_end(&self) -> bool {
        self.eol != NO_ANNOUNCED_END
    }
}

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

/// The support table: bundled data plus user overrides.
pub struct OsTable {
    source: TableFile,
    snapshot: NaiveDate,
    rows: Vec<Row>,
    families: Vec<Family>,
    /// Spellings of families and releases.
    aliases: KeyIndex<Vec<AliasTarget>>,
    /// Spellings from daicho.toml, checked first.
    user_aliases: KeyIndex<Vec<usize>>,
    firmware: KeyIndex<()>,
    /// Edition and filler words, for text around a release named on its own.
    global_rest: KeyIndex<RestItem>,
}

impl std::fmt::Debug for OsTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OsTable")
            .field("snapshot", &self.snapshot)
            .field("releases", &self.rows.len())
            .field("families", &self.families.len())
            .finish_non_exhaustive()
    }
}

static BUNDLED: OnceLock<OsTable> = OnceLock::new();

const OS_SUPPORT_TOML: &str = include_str!("../../templates/os-support.toml");

/// The canonical display spelling of an OS cell (`Win10` -> `Windows 10`, `WS2012R2` ->
/// `Windows Server 2012 R2`, `CentOS7.9` -> `CentOS 7.9`), keeping every edition and version word
/// typed and adding none. `None` when the text is already canonical, not recognised, or holds
/// words the table does not know (those are never dropped or guessed).
pub fn canonical_spelling(raw: &str) -> Option<String> {
    OsTable::bundled().canonical_spelling(raw)
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

    /// The date of the table's data (the source snapshot).
    pub fn snapshot(&self) -> NaiveDate {
        self.snapshot
    }

    /// A row by its id.
    pub fn release(&self, id: &str) -> Option<&OsRelease> {
        self.rows.iter().map(|r| &r.release).find(|r| r.id == id)
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
                            release.note = join_notes(release.note, fam.default_note.clone());
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
                    Outcome::Unknown => OsVerdict::Unknown,
                }
            }
        }
    }

    /// See [`canonical_spelling`]; uses this table's spellings.
    pub fn canonical_spelling(&self, raw: &str) -> Option<String> {
        let (norm, toks) = tokenize(raw);
        let (start, canonical, rest) = match self.resolve(&norm, &toks) {
            Resolution::Release {
                start,
                canonical,
                rest,
                ..
            } => (start, canonical, rest),
            Resolution::Family {
                start,
                canonical,
                rest,
                outcome,
                ..
            } => {
                if matches!(outcome, Outcome::Unknown) {
                    return None;
                }
                (start, canonical, rest)
            }
            Resolution::User(_) | Resolution::Nothing => return None,
        };
        let mut pieces: Vec<&str> = Vec::with_capacity(toks.len());
        // Words before the name ("Microsoft Windows 10") must be known filler words.
        for seg in segment(&self.global_rest, &toks, 0, start) {
            match seg.item {
                Some(RestItem::Word { canonical }) | Some(RestItem::Edition { canonical, .. }) => {
                    pieces.push(canonical)
                }
                _ => return None,
            }
        }
        pieces.push(canonical);
        for seg in &rest {
            match seg.item {
                Some(RestItem::Version { canonical, .. }) => {
                    if seg.truncated {
                        pieces.push(&toks[seg.start]);
                    } else {
                        pieces.push(canonical);
                    }
                }
                Some(RestItem::Edition { canonical, .. }) | Some(RestItem::Word { canonical }) => {
                    pieces.push(canonical)
                }
                Some(RestItem::Exclude) | None => return None,
            }
        }
        let out = pieces.join(" ");
        (out != raw.trim()).then_some(out)
    }

    fn resolve<'a>(&'a self, norm: &str, toks: &[String]) -> Resolution<'a> {
        if toks.is_empty() {
            return Resolution::Nothing;
        }
        // 1. Spellings from daicho.toml: earliest, then longest.
        for i in 0..toks.len() {
            if let Some((_, rows)) = self.user_aliases.longest_at(toks, i) {
                if let Some(&row) = rows.first() {
                    return Resolution::User(row);
                }
            }
        }
        // 2. Network firmware is never a client OS.
        if self.is_firmware(norm, toks) {
            return Resolution::Nothing;
        }
        // 3. Family and release spellings: specific before the plain-"Windows" fallback, then
        //    earliest, then longest.
        let mut candidates: Vec<Candidate<'_>> = Vec::new();
        for i in 0..toks.len() {
            self.aliases.each_at(toks, i, |end, targets| {
                for target in targets {
                    let tier = match target {
                        AliasTarget::Family { family, .. } if self.families[*family].fallback => 1,
                        _ => 0,
                    };
                    candidates.push(Candidate {
                        tier,
                        start: i,
                        end,
                        seq: candidates.len(),
                        target,
                    });
                }
            });
        }
        candidates.sort_by_key(|c| (c.tier, c.start, Reverse(c.end - c.start), c.seq));
        for c in candidates {
            match c.target {
                AliasTarget::Release { row, canonical } => {
                    let index = self.rows[*row]
                        .family
                        .map_or(&self.global_rest, |f| &self.families[f].rest);
                    return Resolution::Release {
                        row: *row,
                        start: c.start,
                        canonical,
                        rest: segment(index, toks, c.end, toks.len()),
                    };
                }
                AliasTarget::Family {
                    family,
                    weak,
                    canonical,
                } => {
                    let rest = segment(&self.families[*family].rest, toks, c.end, toks.len());
                    if *weak {
                        // "Win2012R2", "Server 2019": only with the version right after the name.
                        if !matches!(
                            rest.first(),
                            Some(Seg {
                                item: Some(RestItem::Version { .. }),
                                ..
                            })
                        ) {
                            continue;
                        }
                    }
                    let outcome = self.family_outcome(*family, &rest, toks);
                    if *weak && !matches!(outcome, Outcome::Row { assumed: false, .. }) {
                        continue;
                    }
                    return Resolution::Family {
                        family: *family,
                        start: c.start,
                        canonical,
                        rest,
                        outcome,
                    };
                }
            }
        }
        Resolution::Nothing
    }

    fn is_firmware(&self, norm: &str, toks: &[String]) -> bool {
        if (0..toks.len()).any(|i| self.firmware.longest_at(toks, i).is_some()) {
            return true;
        }
        // Cisco's own notation, "IOS 15.2(4)M3", even without the vendor's name.
        toks.iter().any(|t| t == "ios") && cisco_ios_version().is_match(norm)
    }

    fn family_outcome(&self, family: usize, rest: &[Seg<'_>], toks: &[String]) -> Outcome {
        if rest
            .iter()
            .any(|s| matches!(s.item, Some(RestItem::Exclude)))
        {
            return Outcome::Unknown;
        }
        let class = Class::detect(rest);
        let pref = class.preference();
        // Best (channel rank, longest version, table order); the row is the last element.
        let mut best: Option<(usize, Reverse<usize>, usize)> = None;
        for seg in rest {
            if let Some(RestItem::Version { rows, .. }) = seg.item {
                for &row in rows {
                    if let Some(rank) = channel_rank(self.rows[row].channel, pref) {
                        let key = (rank, Reverse(seg.end - seg.start), row);
                        if best.is_none_or(|b| key < b) {
                            best = Some(key);
                        }
                    }
                }
            }
        }
        let iot_fallback =
            |row: usize| class == Class::IotLtsc && self.rows[row].channel == Some(Channel::Ltsc);
        if let Some((_, _, row)) = best {
            return Outcome::Row {
                row,
                assumed: false,
                iot_fallback: iot_fallback(row),
            };
        }
        let default = self.families[family]
            .rows
            .iter()
            .filter(|&&r| self.rows[r].default)
            .filter_map(|&r| channel_rank(self.rows[r].channel, pref).map(|rank| (rank, r)))
            .min();
        if let Some((_, row)) = default {
            return Outcome::Row {
                row,
                assumed: true,
                iot_fallback: iot_fallback(row),
            };
        }
        // A number the table does not know right after the name ("Windows 2000", "Android 10",
        // "Windows 11 Pro 22H1") is another release, not a missing version; "iPad 第9世代" is not.
        let unknown_number = rest
            .iter()
            .find(|s| {
                !matches!(
                    s.item,
                    Some(RestItem::Edition { .. } | RestItem::Word { .. })
                )
            })
            .is_some_and(|s| {
                s.item.is_none() && toks[s.start].starts_with(|c: char| c.is_ascii_digit())
            });
        if unknown_number {
            Outcome::Unknown
        } else {
            Outcome::Unspecified(class)
        }
    }

    fn build(source: TableFile) -> Result<OsTable, String> {
        let snapshot = source.snapshot.0;
        if snapshot == NO_ANNOUNCED_END {
            return Err("snapshot must be a date".into());
        }

        // Words that may stand next to any OS name.
        let mut global = HashMap::new();
        let editions = [
            (EditionKind::W, &source.editions.w),
            (EditionKind::E, &source.editions.e),
            (EditionKind::Iot, &source.editions.iot),
            (EditionKind::Ltsc, &source.editions.ltsc),
        ];
        for (kind, words) in editions {
            for w in words {
                let item = RestItem::Edition {
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
                let item = RestItem::Word {
                    canonical: canonical.clone(),
                };
                global.entry(spelling_key(w)?).or_insert(item);
            }
        }

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
            if family.is_none() && !r.versions.is_empty() {
                return Err(format!("release '{}': versions need a family", r.id));
            }
            let note = match (&r.note_ja, &r.note_en) {
                (Some(ja), Some(en)) => Some(Text::new(ja, en)),
                (Some(t), None) | (None, Some(t)) => Some(Text::new(t, t)),
                (None, None) => None,
            };
            let label = r
                .label
                .clone()
                .or_else(|| r.versions.first().cloned())
                .unwrap_or_else(|| r.name.clone());
            rows.push(Row {
                release: OsRelease {
                    id: r.id.clone(),
                    name: r.name.clone(),
                    eol: r.eol.0,
                    extended: r.extended.map(|d| d.0),
                    note,
                    unverified: r.unverified,
                },
                family,
                channel: r.channel,
                default: r.default,
                label,
            });
        }

        let mut families = Vec::with_capacity(source.family.len());
        for (fi, f) in source.family.iter().enumerate() {
            let mut map = global.clone();
            let members: Vec<usize> = (0..rows.len())
                .filter(|&r| rows[r].family == Some(fi))
                .collect();
            for &r in &members {
                for v in &source.release[r].versions {
                    let key = spelling_key(v)?;
                    match map.get_mut(&key) {
                        Some(RestItem::Version { rows, .. }) => rows.push(r),
                        Some(RestItem::Exclude) => {}
                        _ => {
                            map.insert(
                                key,
                                RestItem::Version {
                                    rows: vec![r],
                                    canonical: v.clone(),
                                },
                            );
                        }
                    }
                }
            }
            for x in &f.exclude {
                map.insert(spelling_key(x)?, RestItem::Exclude);
            }
            let default_note = match (&f.default_note_ja, &f.default_note_en) {
                (Some(ja), Some(en)) => Some(Text::new(ja, en)),
                (Some(t), None) | (None, Some(t)) => Some(Text::new(t, t)),
                (None, None) => None,
            };
            let unspecified = Class::ALL
                .iter()
                .map(|&class| {
                    let pref = class.preference();
                    let chosen: Vec<&Row> = members
                        .iter()
                        .map(|&r| &rows[r])
                        .filter(|r| channel_rank(r.channel, pref).is_some())
                        .collect();
                    let summary = summarize(&chosen, snapshot);
                    let date = snapshot.format("%Y-%m-%d").to_string();
                    let fill =
                        |t: &str, s: &str| t.replace("{summary}", s).replace("{snapshot}", &date);
                    Text::new(
                        fill(&f.unspecified_ja, &summary.ja),
                        fill(&f.unspecified_en, &summary.en),
                    )
                })
                .collect();
            families.push(Family {
                name: f.name.clone(),
                fallback: f.fallback,
                rows: members,
                rest: KeyIndex::new(map),
                default_note,
                unspecified,
            });
        }

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
                        let key = spelling_key(a)?;
                        let list = aliases.entry(key).or_default();
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

        let mut firmware = HashMap::new();
        for f in &source.firmware {
            firmware.insert(spelling_key(f)?, ());
        }

        Ok(OsTable {
            snapshot,
            rows,
            families,
            aliases: KeyIndex::new(aliases),
            user_aliases: KeyIndex::new(user_aliases),
            firmware: KeyIndex::new(firmware),
            global_rest: KeyIndex::new(global),
            source,
        })
    }
}

fn push_unique(list: &mut Vec<AliasTarget>, target: AliasTarget) {
    if !list.contains(&target) {
        list.push(target);
    }
}

fn apply_override(file: &mut TableFile, o: &OsOverride) -> Result<(), String> {
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
            r.unverified = false;
        }
        if let Some(ext) = o.extended {
            r.extended = Some(ext);
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
        unverified: false,
        user_aliases: o.aliases.clone(),
    });
    Ok(())
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

fn cisco_ios_version() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\bios[\s-]*\d+(?:\.\d+)*\s*\(").expect("valid regex"))
}

// ---------------------------------------------------------------------------------------------
// The data file.

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct TableFile {
    snapshot: SupportEnd,
    editions: Editions,
    #[serde(default)]
    firmware: Vec<String>,
    #[serde(default)]
    words: Vec<Vec<String>>,
    #[serde(default)]
    family: Vec<FamilySpec>,
    #[serde(default)]
    release: Vec<ReleaseSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Editions {
    #[serde(default)]
    w: Vec<String>,
    #[serde(default)]
    e: Vec<String>,
    #[serde(default)]
    iot: Vec<String>,
    #[serde(default)]
    ltsc: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct FamilySpec {
    id: String,
    name: String,
    #[serde(default)]
    fallback: bool,
    aliases: Vec<Vec<String>>,
    #[serde(default)]
    weak_aliases: Vec<Vec<String>>,
    #[serde(default)]
    exclude: Vec<String>,
    unspecified_ja: String,
    unspecified_en: String,
    default_note_ja: Option<String>,
    default_note_en: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReleaseSpec {
    id: String,
    name: String,
    family: Option<String>,
    channel: Option<Channel>,
    label: Option<String>,
    #[serde(default)]
    versions: Vec<String>,
    #[serde(default)]
    aliases: Vec<Vec<String>>,
    #[serde(default)]
    default: bool,
    eol: SupportEnd,
    extended: Option<SupportEnd>,
    note_ja: Option<String>,
    note_en: Option<String>,
    #[serde(default)]
    unverified: bool,
    /// Spellings from daicho.toml (checked before everything bundled).
    #[serde(skip)]
    user_aliases: Vec<String>,
}

/// Windows edition channels, which have different dates for the same version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Channel {
    /// Home, Pro, Pro Education, Pro for Workstations.
    W,
    /// Enterprise, Education, IoT Enterprise (non-LTSC).
    E,
    Ltsc,
    IotLtsc,
}

impl Channel {
    fn label(self) -> &'static str {
        match self {
            Channel::W => "Home/Pro",
            Channel::E => "Enterprise/Education",
            Channel::Ltsc => "LTSC",
            Channel::IotLtsc => "IoT LTSC",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EditionKind {
    W,
    E,
    Iot,
    Ltsc,
}

/// What the edition words of a cell say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Any,
    W,
    E,
    Iot,
    Ltsc,
    IotLtsc,
}

impl Class {
    const ALL: [Class; 6] = [
        Class::Any,
        Class::W,
        Class::E,
        Class::Iot,
        Class::Ltsc,
        Class::IotLtsc,
    ];

    fn detect(rest: &[Seg<'_>]) -> Class {
        let (mut w, mut e, mut iot, mut ltsc) = (false, false, false, false);
        for seg in rest {
            if let Some(RestItem::Edition { kind, .. }) = seg.item {
                match kind {
                    EditionKind::W => w = true,
                    EditionKind::E => e = true,
                    EditionKind::Iot => iot = true,
                    EditionKind::Ltsc => ltsc = true,
                }
            }
        }
        if ltsc && iot {
            Class::IotLtsc
        } else if ltsc {
            Class::Ltsc
        } else if w {
            // "Pro Education" is a W edition.
            Class::W
        } else if iot {
            Class::Iot
        } else if e {
            Class::E
        } else {
            Class::Any
        }
    }

    /// Channels acceptable for this class, best first. An LTSC row is only chosen when LTSC or
    /// IoT is written: "Windows 10 2019" is not LTSC 2019.
    fn preference(self) -> &'static [Channel] {
        match self {
            Class::Any => &[Channel::W, Channel::E],
            Class::W => &[Channel::W],
            Class::E => &[Channel::E],
            // "IoT Enterprise 2021" is the IoT LTSC release; "IoT Enterprise 21H2" the E channel.
            Class::Iot => &[Channel::E, Channel::IotLtsc],
            Class::Ltsc => &[Channel::Ltsc],
            Class::IotLtsc => &[Channel::IotLtsc, Channel::Ltsc],
        }
    }
}

/// Rows without a channel fit every class.
fn channel_rank(channel: Option<Channel>, pref: &[Channel]) -> Option<usize> {
    match channel {
        None => Some(0),
        Some(c) => pref.iter().position(|p| *p == c),
    }
}

// ---------------------------------------------------------------------------------------------
// The built table.

struct Row {
    release: OsRelease,
    family: Option<usize>,
    channel: Option<Channel>,
    default: bool,
    /// Name in OS004 summaries ("23H2", "LTSC 2021").
    label: String,
}

struct Family {
    name: String,
    fallback: bool,
    rows: Vec<usize>,
    /// Versions, edition words, filler words and excluded words after the family name.
    rest: KeyIndex<RestItem>,
    default_note: Option<Text>,
    /// OS004 messages, by [`Class`].
    unspecified: Vec<Text>,
}

#[derive(Debug, Clone, PartialEq)]
enum AliasTarget {
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

#[derive(Debug, Clone)]
enum RestItem {
    Version {
        rows: Vec<usize>,
        canonical: String,
    },
    Edition {
        kind: EditionKind,
        canonical: String,
    },
    Word {
        canonical: String,
    },
    Exclude,
}

struct Candidate<'a> {
    tier: u8,
    start: usize,
    end: usize,
    seq: usize,
    target: &'a AliasTarget,
}

enum Resolution<'a> {
    User(usize),
    Nothing,
    Release {
        row: usize,
        start: usize,
        canonical: &'a str,
        rest: Vec<Seg<'a>>,
    },
    Family {
        family: usize,
        start: usize,
        canonical: &'a str,
        rest: Vec<Seg<'a>>,
        outcome: Outcome,
    },
}

enum Outcome {
    Row {
        row: usize,
        /// No version written: the family's default row.
        assumed: bool,
        /// IoT LTSx written, but the table only has the non-IoT row of that year.
        iot_fallback: bool,
    },
    Unspecified(Class),
    Unknown,
}

/// A run of tokens after (or before) the OS name, and what it is.
struct Seg<'a> {
    start: usize,
    end: usize,
    item: Option<&'a RestItem>,
    /// A version matched by a shorter number ("7" for "7.9").
    truncated: bool,
}

/// Spellings by their glued-token key, with a sorted key list for prefix pruning.
struct KeyIndex<T> {
    map: HashMap<String, T>,
    sorted: Vec<String>,
}

/// Longest run of tokens glued into one spelling.
const MAX_SPAN: usize = 8;

impl<T> KeyIndex<T> {
    fn new(map: HashMap<String, T>) -> KeyIndex<T> {
        let mut sorted: Vec<String> = map.keys().cloned().collect();
        sorted.sort();
        KeyIndex { map, sorted }
    }

    fn has_prefix(&self, p: &str) -> bool {
        let i = self.sorted.partition_point(|k| k.as_str() < p);
        self.sorted.get(i).is_some_and(|k| k.starts_with(p))
    }

    /// Calls `f(end, value)` for every spelling made of `toks[i..end]`.
    fn each_at<'s>(&'s self, toks: &[String], i: usize, mut f: impl FnMut(usize, &'s T)) {
        let mut buf = String::new();
        for (j, t) in toks.iter().enumerate().skip(i).take(MAX_SPAN) {
            buf.push_str(t);
            if !self.has_prefix(&buf) {
                break;
            }
            if let Some(v) = self.map.get(&buf) {
                f(j + 1, v);
            }
        }
    }

    fn longest_at(&self, toks: &[String], i: usize) -> Option<(usize, &T)> {
        let mut best = None;
        self.each_at(toks, i, |end, v| best = Some((end, v)));
        best
    }
}

/// Cuts `toks[from..to]` into known spellings (longest first) and unknown single tokens.
fn segment<'a>(
    index: &'a KeyIndex<RestItem>,
    toks: &[String],
    from: usize,
    to: usize,
) -> Vec<Seg<'a>> {
    let toks = &toks[..to.min(toks.len())];
    let mut out = Vec::new();
    let mut i = from;
    while i < toks.len() {
        if let Some((end, item)) = index.longest_at(toks, i) {
            out.push(Seg {
                start: i,
                end,
                item: Some(item),
                truncated: false,
            });
            i = end;
            continue;
        }
        let truncated = numeric_prefixes(&toks[i]).find_map(|p| match index.map.get(p) {
            Some(item @ RestItem::Version { .. }) => Some(item),
            _ => None,
        });
        out.push(Seg {
            start: i,
            end: i + 1,
            item: truncated,
            truncated: truncated.is_some(),
        });
        i += 1;
    }
    out
}

/// Shorter forms of a dotted number: "7.9.2009" -> "7.9", "7"; a Windows build "10.0.19045.1"
/// also gives "19045".
fn numeric_prefixes(tok: &str) -> impl Iterator<Item = &str> {
    let numeric = tok.starts_with(|c: char| c.is_ascii_digit());
    let mut rest = if numeric { Some(tok) } else { None };
    let build = if numeric {
        tok.strip_prefix("10.0.")
            .map(|b| b.split('.').next().unwrap_or(b))
    } else {
        None
    };
    std::iter::from_fn(move || {
        let cur = rest?;
        let cut = cur.rfind('.')?;
        let shorter = &cur[..cut];
        rest = Some(shorter);
        Some(shorter)
    })
    .chain(build)
}

// ---------------------------------------------------------------------------------------------
// Tokens.

/// Longest OS cell read: anything longer is not an OS name, and stays cheap.
const MAX_CHARS: usize = 512;

#[derive(Clone, Copy, PartialEq, Eq)]
enum CharClass {
    Latin,
    Digit,
    Kana,
    Other,
}

/// NFKC + lower case (the text a few regexes see) and its tokens.
fn tokenize(raw: &str) -> (String, Vec<String>) {
    let cut: String = raw.chars().take(MAX_CHARS).collect();
    let norm: String = nfkc(&cut).chars().flat_map(char::to_lowercase).collect();
    let chars: Vec<char> = norm.chars().collect();
    let mut toks = Vec::new();
    let mut cur = String::new();
    let mut cur_class = None;
    for (i, &c) in chars.iter().enumerate() {
        // A dot between digits stays inside the number ("7.9", "22.04").
        let inner_dot = c == '.'
            && cur_class == Some(CharClass::Digit)
            && chars.get(i + 1).is_some_and(char::is_ascii_digit);
        let class = if c.is_ascii_digit() || inner_dot {
            Some(CharClass::Digit)
        } else if c.is_ascii_alphabetic() {
            Some(CharClass::Latin)
        } else if matches!(c, '\u{30A1}'..='\u{30FA}' | '\u{30FC}') {
            Some(CharClass::Kana)
        } else if c.is_alphabetic() {
            Some(CharClass::Other)
        } else {
            None
        };
        if class != cur_class && !cur.is_empty() {
            toks.push(std::mem::take(&mut cur));
        }
        if class.is_some() {
            cur.push(c);
        }
        cur_class = class;
    }
    if !cur.is_empty() {
        toks.push(cur);
    }
    (norm, toks)
}

/// The comparison key of a spelling in the table or config: its tokens glued together.
fn spelling_key(s: &str) -> Result<String, String> {
    let key = tokenize(s).1.concat();
    if key.is_empty() {
        Err(format!("spelling '{s}' has no letters or digits"))
    } else {
        Ok(key)
    }
}

// ---------------------------------------------------------------------------------------------
// OS004 summaries.

#[derive(Clone, Copy, PartialEq, Eq)]
enum GroupState {
    Ended,
    NoEnd,
    Dated,
}

/// "21H2・22H2: 終了、23H2: Home/Pro 2025-11-11 終了・Enterprise/Education 2026-11-10 まで、…".
fn summarize(rows: &[&Row], snapshot: NaiveDate) -> Text {
    let mut groups: Vec<(&str, Vec<&Row>)> = Vec::new();
    for row in rows {
        match groups.iter_mut().find(|(l, _)| *l == row.label) {
            Some((_, g)) => g.push(row),
            None => groups.push((&row.label, vec![row])),
        }
    }
    let state = |g: &[&Row]| {
        if g.iter().all(|r| r.release.eol < snapshot) {
            GroupState::Ended
        } else if g.iter().all(|r| !r.release.has_announced_end()) {
            GroupState::NoEnd
        } else {
            GroupState::Dated
        }
    };
    let (mut ja, mut en): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
    let mut i = 0;
    while i < groups.len() {
        let s = state(&groups[i].1);
        if s != GroupState::Dated {
            // Merge a run of ended (or open-ended) versions into one item.
            let mut labels = vec![groups[i].0];
            while i + 1 < groups.len() && state(&groups[i + 1].1) == s {
                i += 1;
                labels.push(groups[i].0);
            }
            let (tja, ten) = match s {
                GroupState::Ended => ("終了", "ended"),
                _ => ("終了日の発表なし", "no announced end"),
            };
            ja.push(format!("{}: {tja}", labels.join("・")));
            en.push(format!("{}: {ten}", labels.join(", ")));
        } else {
            let (label, g) = &groups[i];
            let with_channel = g.len() > 1;
            let mut pja = Vec::new();
            let mut pen = Vec::new();
            for r in g {
                let chan = match (with_channel, r.channel) {
                    (true, Some(c)) => format!("{} ", c.label()),
                    _ => String::new(),
                };
                let eol = r.release.eol;
                let date = eol.format("%Y-%m-%d");
                if !r.release.has_announced_end() {
                    pja.push(format!("{chan}終了日の発表なし"));
                    pen.push(format!("{chan}no announced end"));
                } else if eol < snapshot {
                    pja.push(format!("{chan}{date} 終了"));
                    pen.push(format!("{chan}ended {date}"));
                } else {
                    pja.push(format!("{chan}{date} まで"));
                    pen.push(format!("{chan}until {date}"));
                }
            }
            ja.push(format!("{label}: {}", pja.join("・")));
            en.push(format!("{label}: {}", pen.join(", ")));
        }
        i += 1;
    }
    Text::new(ja.join("、"), en.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn known(raw: &str) -> OsRelease {
        match OsTable::bundled().judge(raw) {
            OsVerdict::Known(r) => r,
            other => panic!("{raw:?}: expected a release, got {other:?}"),
        }
    }

    /// Spelling, expected row id, expected eol ("none" = no announced end).
    const SPELLINGS: &[(&str, &str, &str)] = &[
        // Windows client
        ("Win8", "windows-8", "2016-01-12"),
        ("Windows 8 Pro", "windows-8", "2016-01-12"),
        ("Windows 8.1", "windows-8-1", "2023-01-10"),
        ("Win8.1 Pro 64bit", "windows-8-1", "2023-01-10"),
        ("Win10", "windows-10-22h2-w", "2025-10-14"),
        ("W10", "windows-10-22h2-w", "2025-10-14"),
        ("Windows10 Pro", "windows-10-22h2-w", "2025-10-14"),
        ("Windows 10 Pro 22H2", "windows-10-22h2-w", "2025-10-14"),
        ("Windows 10 Pro 64bit", "windows-10-22h2-w", "2025-10-14"),
        (
            "Microsoft Windows 10 Pro",
            "windows-10-22h2-w",
            "2025-10-14",
        ),
        ("Windows 10 Home", "windows-10-22h2-w", "2025-10-14"),
        (
            "Windows 10 Pro Education",
            "windows-10-22h2-w",
            "2025-10-14",
        ),
        (
            "Windows 10 Pro for Workstations",
            "windows-10-22h2-w",
            "2025-10-14",
        ),
        ("Windows 10 Enterprise", "windows-10-22h2-e", "2025-10-14"),
        (
            "Windows 10 Enterprise 21H2",
            "windows-10-21h2-e",
            "2024-06-11",
        ),
        ("Windows 10 Pro 21H2", "windows-10-21h2-w", "2023-06-13"),
        ("Windows 10 21H2", "windows-10-21h2-w", "2023-06-13"),
        (
            "Windows 10 Pro 22H2 (19045.4291)",
            "windows-10-22h2-w",
            "2025-10-14",
        ),
        (
            "Windows 10 Pro 10.0.19044",
            "windows-10-21h2-w",
            "2023-06-13",
        ),
        ("Windows 10 Pro 1909", "windows-10-legacy-w", "2023-06-13"),
        (
            "Windows10 Enterprise 20H2",
            "windows-10-legacy-e",
            "2024-06-11",
        ),
        (
            "Windows 10 Enterprise LTSC 2021",
            "windows-10-ltsc-2021",
            "2027-01-12",
        ),
        (
            "Windows 10 Enterprise LTSC 21H2",
            "windows-10-ltsc-2021",
            "2027-01-12",
        ),
        (
            "Windows 10 IoT Enterprise LTSC 2021",
            "windows-10-iot-ltsc-2021",
            "2032-01-13",
        ),
        (
            "Win10 IoT Ent LTSC 2021",
            "windows-10-iot-ltsc-2021",
            "2032-01-13",
        ),
        (
            "Windows 10 IoT Enterprise 2021",
            "windows-10-iot-ltsc-2021",
            "2032-01-13",
        ),
        (
            "IoT Enterprise LTSC 2021",
            "windows-10-iot-ltsc-2021",
            "2032-01-13",
        ),
        ("LTSC 2021", "windows-10-ltsc-2021", "2027-01-12"),
        (
            "Windows 10 IoT Enterprise LTSC 2019",
            "windows-10-iot-ltsc-2019",
            "2029-01-09",
        ),
        (
            "Windows 10 Enterprise LTSC 2019",
            "windows-10-ltsc-2019",
            "2029-01-09",
        ),
        ("Windows 10 LTSC 1809", "windows-10-ltsc-2019", "2029-01-09"),
        ("LTSB 2016", "windows-10-ltsb-2016", "2026-10-13"),
        (
            "Windows 10 Enterprise 2016 LTSB",
            "windows-10-ltsb-2016",
            "2026-10-13",
        ),
        (
            "Windows 10 IoT Enterprise LTSB 2016",
            "windows-10-ltsb-2016",
            "2026-10-13",
        ),
        (
            "Windows 10 Enterprise LTSB 2015",
            "windows-10-ltsb-2015",
            "2025-10-14",
        ),
        (
            "Windows 10 IoT Enterprise",
            "windows-10-22h2-e",
            "2025-10-14",
        ),
        ("ウィンドウズ10", "windows-10-22h2-w", "2025-10-14"),
        ("ウインドウズ10 プロ", "windows-10-22h2-w", "2025-10-14"),
        ("ｗｉｎ１０", "windows-10-22h2-w", "2025-10-14"),
        ("Windows１０", "windows-10-22h2-w", "2025-10-14"),
        (
            "ＷＩＮＤＯＷＳ　１０　Ｐｒｏ",
            "windows-10-22h2-w",
            "2025-10-14",
        ),
        ("Windows 10（64ビット）", "windows-10-22h2-w", "2025-10-14"),
        ("Windows 11 Pro 24H2", "windows-11-24h2-w", "2026-10-13"),
        ("W11 24h2", "windows-11-24h2-w", "2026-10-13"),
        ("Windows 11 24H2", "windows-11-24h2-w", "2026-10-13"),
        (
            "Windows 11 Enterprise 23H2",
            "windows-11-23h2-e",
            "2026-11-10",
        ),
        ("Windows 11 Pro 23H2", "windows-11-23h2-w", "2025-11-11"),
        (
            "Windows 11 Education 22H2",
            "windows-11-22h2-e",
            "2025-10-14",
        ),
        ("Windows 11 Home 21H2", "windows-11-21h2-w", "2023-10-10"),
        ("Windows 11 Pro 25H2", "windows-11-25h2-w", "2027-10-12"),
        (
            "Windows 11 Enterprise 26H1",
            "windows-11-26h1-e",
            "2029-03-13",
        ),
        (
            "Windows 11 Pro (26100.2033)",
            "windows-11-24h2-w",
            "2026-10-13",
        ),
        (
            "Windows 11 Enterprise LTSC 2024",
            "windows-11-ltsc-2024",
            "2029-10-09",
        ),
        (
            "Windows 11 IoT Enterprise LTSC 2024",
            "windows-11-iot-ltsc-2024",
            "2034-10-10",
        ),
        ("Windows 7 Professional SP1", "windows-7-sp1", "2020-01-14"),
        ("Win7", "windows-7-sp1", "2020-01-14"),
        ("Windows7 Pro 32bit", "windows-7-sp1", "2020-01-14"),
        ("XP", "windows-xp", "2014-04-08"),
        ("Windows XP Professional SP3", "windows-xp", "2014-04-08"),
        ("WinXP", "windows-xp", "2014-04-08"),
        ("Windows Vista Business", "windows-vista", "2017-04-11"),
        // Embedded
        ("Windows XP Embedded", "windows-xp-embedded", "2016-01-12"),
        ("XPe", "windows-xp-embedded", "2016-01-12"),
        (
            "Windows Embedded Standard 7",
            "windows-embedded-standard-7",
            "2020-10-13",
        ),
        ("WES7 SP1", "windows-embedded-standard-7", "2020-10-13"),
        (
            "Windows 7 Embedded",
            "windows-embedded-standard-7",
            "2020-10-13",
        ),
        ("POSReady 7", "windows-embedded-posready-7", "2021-10-12"),
        (
            "Windows Embedded POSReady 7",
            "windows-embedded-posready-7",
            "2021-10-12",
        ),
        (
            "POSReady 2009",
            "windows-embedded-posready-2009",
            "2019-04-09",
        ),
        (
            "Windows Embedded Compact 7",
            "windows-embedded-compact-7",
            "2021-04-13",
        ),
        ("Windows CE 7.0", "windows-embedded-compact-7", "2021-04-13"),
        (
            "Windows Embedded 8 Standard",
            "windows-embedded-8-standard",
            "2023-07-11",
        ),
        (
            "Windows Embedded 8.1 Industry Pro",
            "windows-embedded-8-1-industry",
            "2023-07-11",
        ),
        (
            "Windows Embedded Compact 2013",
            "windows-embedded-compact-2013",
            "2023-10-10",
        ),
        // Windows Server
        (
            "Windows Server 2012 R2 Standard",
            "windows-server-2012-r2",
            "2023-10-10",
        ),
        ("WS2012R2", "windows-server-2012-r2", "2023-10-10"),
        ("Win2012R2", "windows-server-2012-r2", "2023-10-10"),
        ("Windows 2012 R2", "windows-server-2012-r2", "2023-10-10"),
        ("Windows Server 2012", "windows-server-2012", "2023-10-10"),
        ("2008R2", "windows-server-2008-r2", "2020-01-14"),
        (
            "Windows Server 2008 R2 Enterprise SP1",
            "windows-server-2008-r2",
            "2020-01-14",
        ),
        (
            "Windows Server 2008 SP2",
            "windows-server-2008",
            "2020-01-14",
        ),
        (
            "Windows Server 2003 R2",
            "windows-server-2003",
            "2015-07-14",
        ),
        ("Server 2019", "windows-server-2019", "2029-01-09"),
        (
            "Windows Server 2016 Datacenter",
            "windows-server-2016",
            "2027-01-12",
        ),
        ("WindowsServer2022", "windows-server-2022", "2031-10-14"),
        (
            "Windows Server 2025 Standard",
            "windows-server-2025",
            "2034-11-14",
        ),
        ("Win2019", "windows-server-2019", "2029-01-09"),
        (
            "ウィンドウズサーバー2019",
            "windows-server-2019",
            "2029-01-09",
        ),
        (
            "Windows 2000 Server / Windows Server 2016",
            "windows-server-2016",
            "2027-01-12",
        ),
        // Apple
        ("macOS 14 Sonoma", "macos-14", "none"),
        ("macOS Sonoma 14.5", "macos-14", "none"),
        ("macOS 15", "macos-15", "none"),
        ("macOS 26 Tahoe", "macos-26", "none"),
        ("macOS 13.6.1", "macos-13", "2025-09-15"),
        ("macOS Ventura", "macos-13", "2025-09-15"),
        ("macOS Big Sur", "macos-11", "2023-09-26"),
        ("macOS Monterey", "macos-12", "2024-09-16"),
        ("Mac OS X 10.15", "macos-10-15-and-older", "2022-09-12"),
        ("OS X 10.11", "macos-10-15-and-older", "2022-09-12"),
        ("macOS 10.15.7", "macos-10-15-and-older", "2022-09-12"),
        ("macOS Catalina", "macos-10-15-and-older", "2022-09-12"),
        ("Mac OS X", "macos-10-15-and-older", "2022-09-12"),
        ("iOS 17", "ios-17", "2025-05-13"),
        ("iPadOS 17", "ios-17", "2025-05-13"),
        ("iPadOS 17.7.2", "ios-17", "2025-05-13"),
        ("iOS14.8", "ios-14", "2021-10-26"),
        ("iPadOS 18", "ios-18", "none"),
        ("iOS 26", "ios-26", "none"),
        ("iPhone (iOS 16)", "ios-16", "none"),
        // Android
        ("Android 13", "android-13", "2026-03-02"),
        ("Android13", "android-13", "2026-03-02"),
        ("Android 12L", "android-12", "2025-03-03"),
        ("Android 11", "android-11", "2024-02-05"),
        ("Android 14", "android-14", "none"),
        ("Android 16", "android-16", "none"),
        ("アンドロイド 15", "android-15", "none"),
        // Linux
        ("CentOS7.9", "centos-7", "2024-06-30"),
        ("CentOS 7", "centos-7", "2024-06-30"),
        (
            "CentOS Linux release 7.9.2009 (Core)",
            "centos-7",
            "2024-06-30",
        ),
        ("CentOS 6.10", "centos-6", "2020-11-30"),
        ("CentOS 8.5", "centos-8", "2021-12-31"),
        ("RHEL 8.6", "rhel-8", "2029-05-31"),
        ("RHEL7", "rhel-7", "2024-06-30"),
        ("Red Hat Enterprise Linux 9", "rhel-9", "2032-05-31"),
        (
            "Red Hat Enterprise Linux Server release 7.9 (Maipo)",
            "rhel-7",
            "2024-06-30",
        ),
        ("RHEL 10", "rhel-10", "2035-05-31"),
        ("RHEL 6", "rhel-6", "2020-11-30"),
        ("Ubuntu 22.04 LTS", "ubuntu-22-04", "2027-04-01"),
        ("Ubuntu 20.04", "ubuntu-20-04", "2025-05-31"),
        ("Ubuntu Server 24.04.1 LTS", "ubuntu-24-04", "2029-05-31"),
        ("Ubuntu 18.04", "ubuntu-18-04", "2023-05-31"),
        ("Ubuntu 26.04 LTS", "ubuntu-26-04", "2031-04-30"),
        ("Debian 11", "debian-11", "2026-08-31"),
        ("Debian GNU/Linux 12 (bookworm)", "debian-12", "2028-06-30"),
        ("Debian 10.13", "debian-10", "2024-06-30"),
        ("Debian 13", "debian-13", "2030-06-30"),
    ];

    #[test]
    fn spellings_people_type() {
        let mut failures = Vec::new();
        for &(raw, id, eol) in SPELLINGS {
            let want_eol = if eol == "none" {
                NO_ANNOUNCED_END
            } else {
                d(eol)
            };
            match OsTable::bundled().judge(raw) {
                OsVerdict::Known(r) if r.id == id && r.eol == want_eol => {}
                other => failures.push(format!("{raw:?}: want {id} {eol}, got {other:?}")),
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn extended_support_dates() {
        assert_eq!(known("Windows 10").extended, Some(d("2028-10-10")));
        assert_eq!(
            known("Windows Server 2012 R2").extended,
            Some(d("2026-10-13"))
        );
        assert_eq!(known("Windows Server 2016").extended, Some(d("2030-01-12")));
        assert_eq!(known("Windows Server 2019").extended, None);
        assert_eq!(known("RHEL 7").extended, Some(d("2029-05-31")));
        assert_eq!(known("Ubuntu 20.04").extended, Some(d("2030-04-02")));
        assert!(!known("Android 15").has_announced_end());
        assert!(known("Android 13").has_announced_end());
    }

    #[test]
    fn plain_windows_10_says_ltsc_differs() {
        let r = known("Windows 10");
        assert_eq!(r.id, "windows-10-22h2-w");
        let note = r.note.expect("note");
        assert!(
            note.ja.contains("22H2") && note.ja.contains("LTSC"),
            "{}",
            note.ja
        );
        assert!(
            note.en.contains("2025-10-14") && note.en.contains("LTSC"),
            "{}",
            note.en
        );
        // Written explicitly: no assumption to explain.
        assert_eq!(known("Windows 10 Pro 22H2").note, None);
        // IoT LTSB: the table's LTSB date, said so.
        let iot = known("Windows 10 IoT Enterprise LTSB 2016");
        assert!(iot.note.expect("note").ja.contains("IoT"));
    }

    #[test]
    fn embedded_is_unverified() {
        assert!(known("POSReady 7").unverified);
        assert!(known("Windows Embedded Standard 7").unverified);
        assert!(!known("Windows 7").unverified);
    }

    fn unspecified(raw: &str) -> (String, Text) {
        match OsTable::bundled().judge(raw) {
            OsVerdict::Unspecified { family, note } => (family, note),
            other => panic!("{raw:?}: expected Unspecified, got {other:?}"),
        }
    }

    #[test]
    fn family_without_version_is_unspecified() {
        for raw in [
            "Windows 11",
            "Win11",
            "W11",
            "Windows 11 Pro",
            "windows11 home 64bit",
            "ウィンドウズ11",
        ] {
            let (family, note) = unspecified(raw);
            assert_eq!(family, "Windows 11", "{raw}");
            assert!(
                note.ja.contains("24H2") && note.en.contains("24H2"),
                "{raw}: {note:?}"
            );
        }
        let (_, note) = unspecified("Windows 11");
        assert!(
            note.ja.contains("21H2・22H2: 終了")
                && note.ja.contains(
                    "23H2: Home/Pro 2025-11-11 終了・Enterprise/Education 2026-11-10 まで"
                ),
            "{}",
            note.ja
        );
        assert!(
            note.en.contains("21H2, 22H2: ended")
                && note.en.contains(
                    "23H2: Home/Pro ended 2025-11-11, Enterprise/Education until 2026-11-10"
                ),
            "{}",
            note.en
        );
        assert!(note.en.contains("2026-08-22"), "{}", note.en);
        // Pro only lists the Home/Pro dates.
        let (_, pro) = unspecified("Windows 11 Pro");
        assert!(!pro.en.contains("Enterprise"), "{}", pro.en);
        assert!(pro.en.contains("24H2: until 2026-10-13"), "{}", pro.en);

        assert_eq!(unspecified("Windows").0, "Windows");
        assert_eq!(unspecified("Windows Pro").0, "Windows");
        assert_eq!(unspecified("Windows Server").0, "Windows Server");
        assert_eq!(unspecified("iPadOS").0, "iOS/iPadOS");
        assert_eq!(unspecified("iOS").0, "iOS/iPadOS");
        assert_eq!(unspecified("Android").0, "Android");
        assert_eq!(unspecified("macOS").0, "macOS");
        assert_eq!(unspecified("Ubuntu").0, "Ubuntu");
        assert_eq!(unspecified("CentOS").0, "CentOS");
        assert_eq!(unspecified("iPad 第9世代").0, "iOS/iPadOS");
        assert_eq!(unspecified("Windows 11 Pro 日本語版 64bit").0, "Windows 11");
        let (family, ltsc) = unspecified("Windows 10 Enterprise LTSC");
        assert_eq!(family, "Windows 10");
        assert!(
            ltsc.ja.contains("LTSC 2021: 2027-01-12 まで"),
            "{}",
            ltsc.ja
        );
        let (_, ios) = unspecified("iPadOS");
        assert!(
            ios.ja.contains("14: 終了") && ios.ja.contains("17: 終了"),
            "{}",
            ios.ja
        );
        assert!(ios.en.contains("18, 26: no announced end"), "{}", ios.en);
    }

    #[test]
    fn firmware_and_unknowns() {
        for raw in [
            "Cisco IOS 15.2",
            "IOS XE 17.3",
            "Cisco IOS-XE",
            "IOS-XR 7.5",
            "IOS 15.2(4)M3",
            "FortiOS 7.2",
            "FortiOS v7.2.5",
            "Yamaha Rev.15.02",
            "RTX1210 Rev.14.01",
            "Rev.15.02.30",
            "Junos",
            "JUNOS 21.4R3",
            "PAN-OS",
            "PAN-OS 10.2",
            "NX-OS 9.3",
            "ArubaOS 8.10",
            "Linux",
            "不明",
            "-",
            "",
            "   ",
            "Windows 2000",
            "Windows 98",
            "Windows NT 4.0",
            "Windows Me",
            "Windows CE 6.0",
            "Windows 10 Mobile",
            "Windows 10 IoT Core",
            "CentOS Stream 9",
            "Android 10",
            "iOS 12.5.7",
            "macOS 9",
            "Ubuntu 23.10",
            "Debian 9",
            "Windows 11 22H1",
            "VxWorks",
            "ChromeOS",
            "Xperia",
            "Linux Server",
        ] {
            assert_eq!(OsTable::bundled().judge(raw), OsVerdict::Unknown, "{raw:?}");
        }
    }

    #[test]
    fn canonical_spellings() {
        let cases = [
            ("Win10", Some("Windows 10")),
            ("win10 pro", Some("Windows 10 Pro")),
            ("WS2012R2", Some("Windows Server 2012 R2")),
            ("Win2012R2", Some("Windows Server 2012 R2")),
            ("W11 24h2", Some("Windows 11 24H2")),
            ("CentOS7.9", Some("CentOS 7.9")),
            ("RHEL8.6", Some("RHEL 8.6")),
            ("ｗｉｎ１０", Some("Windows 10")),
            ("Windows10 Pro 22h2", Some("Windows 10 Pro 22H2")),
            (
                "windows 10 iot enterprise ltsc 2021",
                Some("Windows 10 IoT Enterprise LTSC 2021"),
            ),
            ("win7 professional sp1", Some("Windows 7 Professional SP1")),
            ("macos bigsur", Some("macOS Big Sur")),
            ("ipados17", Some("iPadOS 17")),
            ("ubuntu 22.04 lts", Some("Ubuntu 22.04 LTS")),
            ("2008R2", Some("Windows Server 2008 R2")),
            ("Windows 10", None),
            ("Windows 10 Pro", None),
            ("Windows Server 2012 R2 Standard", None),
            ("Mac OS X 10.15", None),
            ("macOS 14 Sonoma", None),
            ("Red Hat Enterprise Linux 9", None),
            ("Ubuntu 22.04 LTS", None),
            ("CentOS 7.9", None),
            // Unknown words are kept as typed: no rewrite.
            ("Windows 10 Pro (会計用)", None),
            ("Win10 / Win7", None),
            ("Cisco IOS 15.2", None),
            ("Linux", None),
            ("", None),
        ];
        for (raw, want) in cases {
            assert_eq!(canonical_spelling(raw).as_deref(), want, "{raw:?}");
        }
    }

    #[test]
    fn bundled_table_loads_and_dates_parse() {
        let table = OsTable::from_toml(OS_SUPPORT_TOML).expect("valid table");
        assert_eq!(table.snapshot(), d("2026-08-22"));
        let mut n = 0;
        for r in table.releases() {
            n += 1;
            assert!(r.eol > d("2000-01-01"), "{}", r.id);
            if let Some(ext) = r.extended {
                assert!(ext > r.eol, "{}: extended before eol", r.id);
            }
            assert!(!r.name.is_empty());
        }
        assert!(n >= 84, "{n} rows");
        for id in [
            "windows-10-22h2-w",
            "windows-10-22h2-e",
            "windows-11-26h1-e",
            "windows-10-iot-ltsc-2021",
            "windows-server-2025",
            "macos-26",
            "ios-26",
            "android-16",
            "rhel-10",
            "ubuntu-26-04",
            "debian-13",
            "centos-8",
        ] {
            assert!(table.release(id).is_some(), "{id}");
        }
        assert_eq!(
            table.release("macos-15").map(|r| r.eol),
            Some(NO_ANNOUNCED_END)
        );
    }

    #[test]
    fn table_errors_are_reported() {
        let base = "snapshot = 2026-08-22\n[editions]\n";
        let bad_date =
            format!("{base}[[release]]\nid = \"x\"\nname = \"X\"\neol = \"2026-13-01\"\n");
        assert!(OsTable::from_toml(&bad_date).is_err());
        let dup = format!(
            "{base}[[release]]\nid = \"x\"\nname = \"X\"\neol = 2026-01-01\n[[release]]\nid = \"x\"\nname = \"Y\"\neol = 2026-01-01\n"
        );
        assert!(OsTable::from_toml(&dup).unwrap_err().contains("twice"));
        let fam = format!(
            "{base}[[release]]\nid = \"x\"\nname = \"X\"\nfamily = \"nope\"\neol = \"none\"\n"
        );
        assert!(OsTable::from_toml(&fam).unwrap_err().contains("nope"));
        let unknown_key =
            format!("{base}[[release]]\nid = \"x\"\nname = \"X\"\neol = \"none\"\ncolour = 1\n");
        assert!(OsTable::from_toml(&unknown_key).is_err());
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Products {
        products: Vec<OsOverride>,
    }

    fn overrides(src: &str) -> Vec<OsOverride> {
        toml::from_str::<Products>(src)
            .expect("valid overrides")
            .products
    }

    #[test]
    fn user_overrides() {
        let extra = overrides(
            r#"
            [[products]]
            id = "windows-10-22h2-w"
            eol = 2026-10-13
            note = "延長契約あり"

            [[products]]
            id = "yamaha-rtx1210"
            name = "Yamaha RTX1210 Rev.14.01"
            aliases = ["RTX1210 Rev.14.01", "RTX1210"]
            eol = "2027-03-31"

            [[products]]
            id = "macos-27"
            name = "macOS 27"
            family = "macos"
            versions = ["27"]
            eol = "none"

            [[products]]
            id = "windows-embedded-standard-7"
            eol = 2020-10-13
            "#,
        );
        let table = OsTable::bundled()
            .with_overrides(&extra)
            .expect("overrides apply");
        let Known(w10) = table.judge("Windows 10 Pro 22H2") else {
            panic!()
        };
        assert_eq!(w10.eol, d("2026-10-13"));
        assert_eq!(w10.note.map(|n| n.ja), Some("延長契約あり".to_string()));
        let Known(rtx) = table.judge("YAMAHA RTX1210 Rev.14.01") else {
            panic!("user aliases win over firmware")
        };
        assert_eq!(
            (rtx.id.as_str(), rtx.eol),
            ("yamaha-rtx1210", d("2027-03-31"))
        );
        let Known(mac) = table.judge("macOS 27.1") else {
            panic!()
        };
        assert_eq!((mac.id.as_str(), mac.eol), ("macos-27", NO_ANNOUNCED_END));
        let Known(wes) = table.judge("WES7") else {
            panic!()
        };
        assert!(!wes.unverified);
        // The bundled table is untouched.
        assert_eq!(known("Windows 10 Pro 22H2").eol, d("2025-10-14"));
        assert_eq!(OsTable::bundled().judge("RTX1210 Rev.14.01"), Unknown);
        // Summaries follow overridden dates.
        let extra = overrides("[[products]]\nid = \"windows-11-24h2-w\"\neol = 2030-01-01\n");
        let table = OsTable::bundled().with_overrides(&extra).expect("applies");
        let OsVerdict::Unspecified { note, .. } = table.judge("Windows 11 Pro") else {
            panic!()
        };
        assert!(note.en.contains("24H2: until 2030-01-01"), "{}", note.en);
    }

    use OsVerdict::{Known, Unknown};

    #[test]
    fn bad_overrides_are_errors() {
        let bundled = OsTable::bundled();
        let cases = [
            ("[[products]]\nid = \"new\"\nname = \"New\"\naliases = [\"new os\"]\n", "eol"),
            ("[[products]]\nid = \"new\"\neol = 2030-01-01\naliases = [\"new os\"]\n", "name"),
            ("[[products]]\nid = \"new\"\nname = \"New\"\neol = 2030-01-01\n", "aliases"),
            ("[[products]]\nid = \"new\"\nname = \"N\"\nfamily = \"amiga\"\nversions = [\"1\"]\neol = 2030-01-01\n", "amiga"),
            ("[[products]]\nid = \"new\"\nname = \"N\"\naliases = [\"--\"]\neol = 2030-01-01\n", "letters"),
            ("[[products]]\nid = \"windows-xp\"\nversions = [\"sp4\"]\n", "family"),
        ];
        for (src, word) in cases {
            let err = match bundled.with_overrides(&overrides(src)) {
                Ok(_) => panic!("{src}: accepted"),
                Err(e) => e,
            };
            assert!(err.contains(word), "{src}: {err}");
        }
        assert!(toml::from_str::<Products>(
            "[[products]]\nid = \"x\"\neol = 2030-01-01\nfoo = 1\n"
        )
        .is_err());
        assert!(toml::from_str::<Products>("[[products]]\nid = \"x\"\neol = \"soon\"\n").is_err());
        assert!(toml::from_str::<Products>(
            "[[products]]\nid = \"x\"\neol = 2030-01-01T10:00:00\n"
        )
        .is_err());
    }

    #[test]
    fn adversarial_text_does_not_panic() {
        let table = OsTable::bundled();
        let long = "Windows ".repeat(10_000);
        let digits = "1.".repeat(5_000);
        let inputs = [
            "\u{0}",
            "....",
            "10.",
            ".10",
            "1..2",
            "10.0.",
            "10.0.19045.",
            "İ̇ß\u{301}",
            "🙂 Windows 🙂 10",
            "\u{FEFF}Win10\u{200B}",
            "ｗｉｎ１０\u{3000}ｐｒｏ",
            "ー",
            "ｰ",
            "(((((",
            "Windows 10 ltsc iot iot ltsc 2021 2019 1809 21h2",
            "R2 R2 R2",
            "ios (",
            "ios 1(",
            long.as_str(),
            digits.as_str(),
        ];
        for s in inputs {
            let _ = table.judge(s);
            let _ = canonical_spelling(s);
        }
        // Every char class at every position.
        let alphabet = [
            'W', 'i', 'n', '1', '0', '.', ' ', 'ー', '版', 'H', '2', '(', 'ｗ',
        ];
        for a in alphabet {
            for b in alphabet {
                for c in alphabet {
                    let s: String = [a, b, c, a, b].iter().collect();
                    let _ = table.judge(&s);
                    let _ = canonical_spelling(&s);
                }
            }
        }
    }

    #[test]
    fn tokens() {
        let toks = |s: &str| tokenize(s).1;
        assert_eq!(toks("Win10Pro22H2"), ["win", "10", "pro", "22", "h", "2"]);
        assert_eq!(toks("CentOS7.9."), ["centos", "7.9"]);
        assert_eq!(toks("ウィンドウズ10版"), ["ウィンドウズ", "10", "版"]);
        assert_eq!(toks("Rev.15.02"), ["rev", "15.02"]);
        let prefixes: Vec<&str> = numeric_prefixes("10.0.19045.3803").collect();
        assert_eq!(prefixes, ["10.0.19045", "10.0", "10", "19045"]);
    }
}

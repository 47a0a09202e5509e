use super::table::AliasTarget;
use super::tokens::{split_qualifiers, tokenize, Qualifier, QualifierSpan};
use super::OsTable;
use regex::Regex;
use serde::Deserialize;
use std::cmp::Reverse;
use std::sync::OnceLock;

impl OsTable {
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
            Resolution::User(_) | Resolution::Nothing | Resolution::Firmware(_) => return None,
        };
        let mut pieces: Vec<&str> = Vec::with_capacity(toks.len());
        // Words before the name ("Microsoft Windows 10") must be known filler words.
        for seg in split_qualifiers(&self.global_qualifiers, &toks, 0, start) {
            match seg.item {
                Some(Qualifier::Word { canonical })
                | Some(Qualifier::Edition { canonical, .. }) => pieces.push(canonical),
                _ => return None,
            }
        }
        pieces.push(canonical);
        for seg in &rest {
            match seg.item {
                Some(Qualifier::Version { canonical, .. }) => {
                    if seg.truncated {
                        pieces.push(&toks[seg.start]);
                    } else {
                        pieces.push(canonical);
                    }
                }
                Some(Qualifier::Edition { canonical, .. })
                | Some(Qualifier::Word { canonical }) => pieces.push(canonical),
                Some(Qualifier::Exclude) | None => return None,
            }
        }
        let out = pieces.join(" ");
        (out != raw.trim()).then_some(out)
    }

    pub(super) fn resolve<'a>(&'a self, norm: &str, toks: &[String]) -> Resolution<'a> {
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
        // 2. Family and release spellings: specific before the plain-"Windows" fallback, then
        //    earliest, then longest. Network firmware is never a client OS: in a text that names
        //    a firmware vendor or product only firmware rows count.
        let firmware = self.firmware_name(norm, toks);
        let mut candidates = self.candidates(toks);
        if firmware.is_some() {
            candidates.retain(|c| self.is_firmware_target(c.target));
        }
        for c in candidates {
            match c.target {
                AliasTarget::Release { row, canonical } => {
                    let index = self.rows[*row]
                        .family
                        .map_or(&self.global_qualifiers, |f| &self.families[f].rest);
                    return Resolution::Release {
                        row: *row,
                        start: c.start,
                        canonical,
                        rest: split_qualifiers(index, toks, c.end, toks.len()),
                    };
                }
                AliasTarget::Family {
                    family,
                    weak,
                    canonical,
                } => {
                    let rest =
                        split_qualifiers(&self.families[*family].rest, toks, c.end, toks.len());
                    if *weak {
                        // "Win2012R2", "Server 2019": only with the version right after the name.
                        if !matches!(
                            rest.first(),
                            Some(QualifierSpan {
                                item: Some(Qualifier::Version { .. }),
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
        match firmware {
            Some(name) => Resolution::Firmware(name),
            None => Resolution::Nothing,
        }
    }

    /// Every spelling of a family or release in the text, best first.
    fn candidates(&self, toks: &[String]) -> Vec<Candidate<'_>> {
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
        candidates
    }

    fn is_firmware_target(&self, target: &AliasTarget) -> bool {
        match target {
            AliasTarget::Family { family, .. } => self.families[*family].firmware,
            AliasTarget::Release { row, .. } => self.rows[*row].release.firmware,
        }
    }

    /// The firmware vendor or product the text names (earliest, then longest spelling), if any.
    pub(super) fn firmware_name(&self, norm: &str, toks: &[String]) -> Option<&str> {
        for i in 0..toks.len() {
            if let Some((_, &name)) = self.firmware.longest_at(toks, i) {
                return self.firmware_names.get(name).map(String::as_str);
            }
        }
        // Cisco's own notation, "IOS 15.2(4)M3", even without the vendor's name.
        (toks.iter().any(|t| t == "ios") && cisco_ios_version().is_match(norm))
            .then_some("Cisco IOS")
    }

    pub(super) fn family_outcome(
        &self,
        family: usize,
        rest: &[QualifierSpan<'_>],
        toks: &[String],
    ) -> Outcome {
        if rest
            .iter()
            .any(|s| matches!(s.item, Some(Qualifier::Exclude)))
        {
            return Outcome::Unknown;
        }
        let class = Class::detect(rest);
        let pref = class.preference();
        // Best (channel rank, longest version, table order); the row is the last element.
        let mut best: Option<(usize, Reverse<usize>, usize)> = None;
        for seg in rest {
            if let Some(Qualifier::Version { rows, .. }) = seg.item {
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
                    Some(Qualifier::Edition { .. } | Qualifier::Word { .. })
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
}

pub(super) fn cisco_ios_version() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\bios[\s-]*\d+(?:\.\d+)*\s*\(").expect("valid regex"))
}

/// Windows edition channels, which have different dates for the same version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(super) enum Channel {
    /// Home, Pro, Pro Education, Pro for Workstations.
    W,
    /// Enterprise, Education, IoT Enterprise (non-LTSC).
    E,
    Ltsc,
    IotLtsc,
}

impl Channel {
    pub(super) fn label(self) -> &'static str {
        match self {
            Channel::W => "Home/Pro",
            Channel::E => "Enterprise/Education",
            Channel::Ltsc => "LTSC",
            Channel::IotLtsc => "IoT LTSC",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum EditionKind {
    W,
    E,
    Iot,
    Ltsc,
}

/// What the edition words of a cell say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Class {
    Any,
    W,
    E,
    Iot,
    Ltsc,
    IotLtsc,
}

impl Class {
    pub(super) const ALL: [Class; 6] = [
        Class::Any,
        Class::W,
        Class::E,
        Class::Iot,
        Class::Ltsc,
        Class::IotLtsc,
    ];

    pub(super) fn detect(rest: &[QualifierSpan<'_>]) -> Class {
        let (mut w, mut e, mut iot, mut ltsc) = (false, false, false, false);
        for seg in rest {
            if let Some(Qualifier::Edition { kind, .. }) = seg.item {
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
    pub(super) fn preference(self) -> &'static [Channel] {
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
pub(super) fn channel_rank(channel: Option<Channel>, pref: &[Channel]) -> Option<usize> {
    match channel {
        None => Some(0),
        Some(c) => pref.iter().position(|p| *p == c),
    }
}

pub(super) struct Candidate<'a> {
    pub(super) tier: u8,
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) seq: usize,
    pub(super) target: &'a AliasTarget,
}

pub(super) enum Resolution<'a> {
    User(usize),
    Nothing,
    /// Firmware named, but no dated firmware row matched.
    Firmware(&'a str),
    Release {
        row: usize,
        start: usize,
        canonical: &'a str,
        rest: Vec<QualifierSpan<'a>>,
    },
    Family {
        family: usize,
        start: usize,
        canonical: &'a str,
        rest: Vec<QualifierSpan<'a>>,
        outcome: Outcome,
    },
}

pub(super) enum Outcome {
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

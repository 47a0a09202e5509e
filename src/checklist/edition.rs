//! Checklist editions as data: `templates/checklist/*.toml`, compiled in, plus a user's own file
//! (`--checklist FILE`) in the same format. See `templates/checklist/README.md` for the format.

use super::parse::{match_key, parse_item_number, Bigrams, ItemNo, Numbering, Target};
use crate::settings::Settings;
pub use crate::Form;
use crate::Text;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// Items the ledger can inform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tag {
    /// 2-① 台帳管理
    Ledger,
    /// 2-② リモートメンテナンスの有無を確認
    RemoteMaintenance,
    /// R7 2-⑥ / R6 2-(7) セキュリティパッチ
    Patch,
}

/// A header field of the form (医療機関名, 記入者 …).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormField {
    pub label: String,
    #[serde(default)]
    pub synonyms: Vec<String>,
    /// Blank (or absent) is C007.
    #[serde(default)]
    pub required: bool,
    /// The value is a date.
    #[serde(default)]
    pub date: bool,
    #[serde(default)]
    pub unverified: bool,
}

impl FormField {
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.label.as_str()).chain(self.synonyms.iter().map(|s| s.as_str()))
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gate {
    pub text: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub unverified: bool,
    #[serde(skip)]
    pub keys: Vec<Bigrams>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub number: u32,
    pub title: String,
    #[serde(default)]
    pub unverified: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// As displayed: 「2-①」, 「2-(1)」.
    pub number: String,
    pub text: String,
    #[serde(default)]
    pub targets: Vec<Target>,
    #[serde(default)]
    pub tag: Option<Tag>,
    /// Other wordings of the same item, matched too.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Shown in the 備考 column of the filled-in sheet.
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub unverified: bool,
    #[serde(skip)]
    pub no: Option<ItemNo>,
    /// Bigrams of the text, its part before 「※」, and each alias.
    #[serde(skip)]
    pub keys: Vec<Bigrams>,
}

impl Item {
    pub fn section(&self) -> u32 {
        self.no.and_then(|n| n.section).unwrap_or(0)
    }

    /// The answer slots of this item: one per target where the edition answers targets
    /// separately, else one (`Some(t)` when a single target, `None` for several or none).
    pub fn slots(&self, per_target: bool) -> Vec<Option<Target>> {
        match self.targets.len() {
            0 => vec![None],
            1 => vec![Some(self.targets[0])],
            _ if per_target => self.targets.iter().map(|t| Some(*t)).collect(),
            _ => vec![None],
        }
    }

    /// The targets as one label: 「サーバ、端末PC」.
    pub fn targets_label(&self) -> String {
        self.targets
            .iter()
            .map(|t| t.label())
            .collect::<Vec<_>>()
            .join("、")
    }

    /// Best similarity of a text key to this item's wordings.
    pub fn similarity(&self, key: &Bigrams) -> f64 {
        self.keys
            .iter()
            .map(|k| k.similarity(key))
            .fold(0.0, f64::max)
    }
}

/// One edition of one form.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Edition {
    /// What `--edition` takes: r6, r7 …
    pub id: String,
    /// 令和7年度版
    pub name: String,
    pub form: Form,
    /// The fiscal year (western) the edition is for; the newest is the default.
    #[serde(default)]
    pub year: Option<i32>,
    pub title: String,
    /// The attribution line (出典 …を編集・加工して作成).
    pub source: String,
    pub numbering: Numbering,
    #[serde(default = "yes")]
    pub per_target: bool,
    /// Words in a sheet's title that name this edition (令和7年度 …).
    #[serde(default)]
    pub year_keys: Vec<String>,
    #[serde(default)]
    pub notes: Vec<String>,
    #[serde(default, rename = "field")]
    pub fields: Vec<FormField>,
    #[serde(default)]
    pub gate: Option<Gate>,
    #[serde(default, rename = "section")]
    pub sections: Vec<Section>,
    #[serde(rename = "item")]
    pub items: Vec<Item>,
    /// Where a user's definition came from (None for bundled editions).
    #[serde(skip)]
    pub path: Option<PathBuf>,
    /// Built from a sheet's own rows because daicho has no text for its edition (see
    /// [`super::structure`]): checked by structure only, its texts are the sheet's.
    #[serde(skip)]
    pub from_sheet: bool,
}

fn yes() -> bool {
    true
}

fn keys_of<'a>(texts: impl Iterator<Item = &'a String>) -> Vec<Bigrams> {
    let mut out = Vec::new();
    for t in texts {
        out.push(Bigrams::new(&match_key(t)));
        if let Some((head, _)) = t.split_once('※') {
            out.push(Bigrams::new(&match_key(head)));
        }
    }
    out
}

impl Edition {
    /// Parses and validates an edition file.
    pub fn from_toml(src: &str) -> Result<Edition, Text> {
        let ed: Edition =
            toml::from_str(src).map_err(|e| Text::new(e.to_string(), e.to_string()))?;
        ed.finish()
    }

    /// Validates an edition and prepares its lookups (item numbers, text keys).
    pub fn finish(mut self) -> Result<Edition, Text> {
        let ed = &mut self;
        if ed.id.trim().is_empty() || ed.name.trim().is_empty() {
            return Err(Text::new(
                "id と name は空にできません",
                "id and name must not be empty",
            ));
        }
        if ed.items.is_empty() {
            return Err(Text::new(
                "項目([[item]])が1つもありません",
                "no [[item]] is defined",
            ));
        }
        if ed.year.is_none() {
            ed.year = year_of_name(&ed.name);
        }
        let sections: HashSet<u32> = ed.sections.iter().map(|s| s.number).collect();
        let mut seen = HashSet::new();
        for item in &mut ed.items {
            let n = &item.number;
            let no = parse_item_number(n).ok_or_else(|| {
                Text::new(
                    format!("項目番号「{n}」を読めません(例: 2-①、2-(1))"),
                    format!("cannot read the item number '{n}' (e.g. 2-①, 2-(1))"),
                )
            })?;
            if no.section.is_none() {
                return Err(Text::new(
                    format!("項目番号「{n}」に章番号がありません(例: 2-①)"),
                    format!("the item number '{n}' lacks its section (e.g. 2-①)"),
                ));
            }
            if !sections.is_empty() && !no.section.is_some_and(|s| sections.contains(&s)) {
                return Err(Text::new(
                    format!("項目「{n}」の章が [[section]] にありません"),
                    format!("the section of item '{n}' is not defined in [[section]]"),
                ));
            }
            if !seen.insert((no.section, no.index)) {
                return Err(Text::new(
                    format!("項目番号「{n}」が重複しています"),
                    format!("duplicate item number '{n}'"),
                ));
            }
            if item.text.trim().is_empty() {
                return Err(Text::new(
                    format!("項目「{n}」の文言が空です"),
                    format!("item '{n}' has no text"),
                ));
            }
            item.no = Some(no);
            item.keys = keys_of(std::iter::once(&item.text).chain(item.aliases.iter()));
        }
        if let Some(g) = &mut ed.gate {
            g.keys = keys_of(std::iter::once(&g.text).chain(g.aliases.iter()));
        }
        Ok(self)
    }

    /// 「令和7年度版(医療機関確認用)」
    pub fn display_name(&self) -> String {
        format!("{}({})", self.name, self.form.label())
    }

    pub fn item_by_no(&self, no: &ItemNo, section: Option<u32>) -> Option<usize> {
        let wanted = ItemNo {
            section: no.section.or(section),
            ..*no
        };
        self.items.iter().position(|i| {
            i.no.is_some_and(|n| n.index == wanted.index && n.section == wanted.section)
        })
    }

    pub fn item_by_tag(&self, tag: Tag) -> Option<usize> {
        self.items.iter().position(|i| i.tag == Some(tag))
    }

    /// Whether a title names this edition (令和7年度 …), after key normalisation.
    pub fn named_in(&self, title_key: &str) -> bool {
        self.year_keys
            .iter()
            .chain(std::iter::once(&self.name))
            .any(|y| {
                let k = crate::text::key(y);
                !k.is_empty() && title_key.contains(&k)
            })
    }

    pub fn section_title(&self, n: u32) -> Option<&Section> {
        self.sections.iter().find(|s| s.number == n)
    }
}

/// 「令和7年度版」 -> 2025.
fn year_of_name(name: &str) -> Option<i32> {
    let k = crate::text::nfkc(name);
    let rest = k.split("令和").nth(1)?;
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    if rest.starts_with('元') {
        return Some(2019);
    }
    digits.parse::<i32>().ok().map(|n| 2018 + n)
}

const BUNDLED_SOURCES: &[(&str, &str)] = &[
    (
        "r6-hospital.toml",
        include_str!("../../templates/checklist/r6-hospital.toml"),
    ),
    (
        "r7-hospital.toml",
        include_str!("../../templates/checklist/r7-hospital.toml"),
    ),
    (
        "r6-pharmacy.toml",
        include_str!("../../templates/checklist/r6-pharmacy.toml"),
    ),
    (
        "r7-pharmacy.toml",
        include_str!("../../templates/checklist/r7-pharmacy.toml"),
    ),
    (
        "r6-vendor.toml",
        include_str!("../../templates/checklist/r6-vendor.toml"),
    ),
    (
        "r7-vendor.toml",
        include_str!("../../templates/checklist/r7-vendor.toml"),
    ),
];

/// Every edition shipped with daicho.
pub fn bundled() -> &'static [Arc<Edition>] {
    static ALL: OnceLock<Vec<Arc<Edition>>> = OnceLock::new();
    ALL.get_or_init(|| {
        BUNDLED_SOURCES
            .iter()
            .map(|(file, src)| {
                let ed = Edition::from_toml(src)
                    .unwrap_or_else(|e| panic!("templates/checklist/{file} is invalid: {}", e.en));
                Arc::new(ed)
            })
            .collect()
    })
}

/// The edition ids shipped (r6, r7), for messages.
pub fn bundled_ids() -> Vec<String> {
    let mut ids: Vec<String> = bundled().iter().map(|e| e.id.clone()).collect();
    ids.sort();
    ids.dedup();
    ids
}

fn id_matches(ed: &Edition, wanted: &str) -> bool {
    let w = crate::text::key(wanted);
    !w.is_empty()
        && (crate::text::key(&ed.id) == w
            || crate::text::key(&ed.name) == w
            || crate::text::key(&ed.name).trim_end_matches('版') == w)
}

/// Loads a user's edition file (cached per path for the run).
pub fn load_file(path: &Path) -> Result<Arc<Edition>, Text> {
    type Cache = Mutex<HashMap<PathBuf, Result<Arc<Edition>, Text>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Ok(map) = cache.lock() {
        if let Some(r) = map.get(path) {
            return r.clone();
        }
    }
    let shown = path.display().to_string();
    let result = std::fs::read(path)
        .map_err(|e| {
            Text::new(
                format!("チェックリスト定義ファイル「{shown}」を読めません({e})。パスを確認してください。"),
                format!("Cannot read the checklist definition '{shown}' ({e}). Check the path."),
            )
        })
        .and_then(|bytes| parse_definition(&shown, bytes))
        .map(|mut ed| {
            ed.path = Some(path.to_path_buf());
            Arc::new(ed)
        });
    if let Ok(mut map) = cache.lock() {
        map.insert(path.to_path_buf(), result.clone());
    }
    result
}

/// A checklist edition definition from its bytes (UTF-8 TOML); `shown` names it in errors.
pub fn parse_definition(shown: &str, bytes: Vec<u8>) -> Result<Edition, Text> {
    let src = String::from_utf8(bytes).map_err(|_| {
        Text::new(
            format!("チェックリスト定義ファイル「{shown}」がUTF-8ではありません。UTF-8で保存し直してください。"),
            format!("The checklist definition '{shown}' is not UTF-8. Save it as UTF-8."),
        )
    })?;
    Edition::from_toml(&src).map_err(|e| {
        Text::new(
            format!("チェックリスト定義ファイル「{shown}」に誤りがあります: {}。templates/checklist/README.md の書式に合わせてください。", e.ja),
            format!("The checklist definition '{shown}' is invalid: {}. Follow the format of templates/checklist/README.md.", e.en),
        )
    })
}

/// The editions one run reads sheets with, and the defaults it fills in.
#[derive(Debug, Clone)]
pub struct Catalog {
    /// The user's definition first (it wins ties), then the bundled editions.
    pub editions: Vec<Arc<Edition>>,
    pub user: Option<Arc<Edition>>,
    /// `--edition` (or [checklist] edition), when given.
    pub preferred: Option<String>,
}

impl Catalog {
    pub fn bundled() -> Catalog {
        Catalog {
            editions: bundled().to_vec(),
            user: None,
            preferred: None,
        }
    }

    /// The catalog for a run. Errors name the problem (unknown edition, unreadable definition).
    pub fn from_settings(settings: &Settings) -> Result<Catalog, Text> {
        let mut cat = Catalog::bundled();
        let given = settings.checklist_given.as_ref().map(|g| {
            parse_definition(&g.name, g.bytes.to_vec()).map(|mut ed| {
                ed.path = Some(PathBuf::from(&g.name));
                Arc::new(ed)
            })
        });
        let user = match (given, &settings.checklist_file) {
            (Some(given), _) => Some(given?),
            (None, Some(path)) => Some(load_file(path)?),
            (None, None) => None,
        };
        if let Some(user) = user {
            cat.editions.insert(0, user.clone());
            cat.user = Some(user);
        }
        if let Some(id) = &settings.edition {
            if !cat.editions.iter().any(|e| id_matches(e, id)) {
                let ids = cat
                    .editions
                    .iter()
                    .map(|e| e.id.clone())
                    .collect::<std::collections::BTreeSet<_>>();
                let ids = ids.into_iter().collect::<Vec<_>>().join(", ");
                return Err(Text::new(
                    format!("チェックリストの版「{id}」はありません。使える版: {ids}(自分の版は --checklist FILE で指定できます)"),
                    format!("Unknown checklist edition '{id}'. Available: {ids} (pass your own with --checklist FILE)"),
                ));
            }
            cat.preferred = Some(id.clone());
        }
        Ok(cat)
    }

    /// The edition to fill in for a form when no sheet says otherwise: the user's definition of
    /// that form, else `--edition`, else the newest shipped.
    pub fn default_for(&self, form: Form) -> Option<Arc<Edition>> {
        if let Some(u) = self.user.as_ref().filter(|u| u.form == form) {
            return Some(u.clone());
        }
        let of_form = || self.editions.iter().filter(|e| e.form == form);
        if let Some(id) = &self.preferred {
            if let Some(e) = of_form().find(|e| id_matches(e, id)) {
                return Some(e.clone());
            }
        }
        of_form().max_by_key(|e| e.year.unwrap_or(0)).cloned()
    }

    /// A shipped (or the user's) edition by id and form.
    pub fn find(&self, id: &str, form: Form) -> Option<Arc<Edition>> {
        self.editions
            .iter()
            .find(|e| e.form == form && id_matches(e, id))
            .cloned()
    }
}

/// A bundled edition by id (`r6`, `r7`, `令和7年度版`; `None` = newest) and form — for the template.
pub fn find_bundled(id: Option<&str>, form: Form) -> Option<Arc<Edition>> {
    let cat = Catalog::bundled();
    match id {
        Some(id) => cat.find(id, form),
        None => cat.default_for(form),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_editions_load_and_count_as_the_reference_says() {
        let all = bundled();
        assert_eq!(all.len(), 6);
        let r6 = find_bundled(Some("r6"), Form::Hospital).unwrap();
        assert_eq!(r6.items.len(), 13);
        // Section 2 of R5/R6 counts 14 answers (1+1+1+2+2+1+3+1+2).
        let answers: usize = r6
            .items
            .iter()
            .filter(|i| i.section() == 2)
            .map(|i| i.slots(r6.per_target).len())
            .sum();
        assert_eq!(answers, 14);
        assert_eq!(
            r6.items[r6.item_by_tag(Tag::Patch).unwrap()].number,
            "2-(7)"
        );
        let r7 = find_bundled(None, Form::Hospital).unwrap();
        assert_eq!(r7.id, "r7");
        assert_eq!(r7.year, Some(2025));
        assert_eq!(r7.items[r7.item_by_tag(Tag::Ledger).unwrap()].number, "2-①");
        assert_eq!(
            r7.items[r7.item_by_tag(Tag::RemoteMaintenance).unwrap()].number,
            "2-②"
        );
        assert_eq!(r7.items[r7.item_by_tag(Tag::Patch).unwrap()].number, "2-⑥");
        for ed in all {
            assert!(ed.source.contains("出典: 厚生労働省") && ed.source.contains("編集・加工"));
        }
        assert!(find_bundled(Some("令和6年度版"), Form::Vendor).is_some());
        assert!(find_bundled(Some("r9"), Form::Hospital).is_none());
    }

    #[test]
    fn user_definitions_are_validated() {
        let bad = "id = \"x\"\nname = \"n\"\nform = \"hospital\"\ntitle = \"t\"\nsource = \"s\"\nnumbering = \"circled\"\n[[item]]\nnumber = \"A\"\ntext = \"t\"\n";
        assert!(Edition::from_toml(bad).unwrap_err().ja.contains("A"));
        let unknown_key = "id = \"x\"\nname = \"n\"\nform = \"hospital\"\ntitle = \"t\"\nsource = \"s\"\nnumbering = \"circled\"\ncolour = 1\n[[item]]\nnumber = \"1-①\"\ntext = \"t\"\n";
        assert!(Edition::from_toml(unknown_key)
            .unwrap_err()
            .en
            .contains("colour"));
        let ok = "id = \"r8\"\nname = \"令和8年度版\"\nform = \"hospital\"\ntitle = \"t\"\nsource = \"s\"\nnumbering = \"circled\"\n[[item]]\nnumber = \"1-①\"\ntext = \"責任者を置いている。\"\n";
        let ed = Edition::from_toml(ok).unwrap();
        assert_eq!(ed.year, Some(2026));
    }
}

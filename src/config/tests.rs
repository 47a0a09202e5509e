//! daicho.toml: the example, unknown keys, bad values, the command line, discovery, ranges and
//! the rendering of a TOML error.

use super::apply::parse_range;
use super::discover::discover;
use super::file::parse_str;
use super::*;
use crate::layout::Field;
use crate::settings::CONFIG_FILE_NAME;
use crate::Form;
use std::net::IpAddr;
use std::sync::Arc;

fn parse(src: &str) -> Result<Settings, ConfigError> {
    let p = Path::new("daicho.toml");
    let cfg = parse_str(p, src)?;
    resolve(&Overrides::new(d("2026-11-25")), Some((p, cfg)))
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
}

fn err(src: &str) -> String {
    match parse(src) {
        Ok(_) => panic!("accepted: {src}"),
        Err(e) => e.message(Lang::Ja),
    }
}

#[test]
fn example_parses_and_applies_every_section() {
    let s = parse(EXAMPLE).expect("the example parses");
    assert_eq!(s.facility.as_deref(), Some("さくら病院"));
    assert_eq!(s.required_fields, vec![Field::Mac, Field::Kind]);
    assert_eq!(s.networks.len(), 2);
    assert_eq!(s.dhcp_ranges.len(), 1);
    assert!(s.dhcp_ranges[0].contains("192.168.1.150".parse().expect("ip")));
    assert!(s.esu_ids.contains("S-001"));
    assert_eq!(s.ignore, vec!["D002".to_string()]);
    assert_eq!(s.severity_overrides.get("OS003"), Some(&Severity::Warning));
    assert_eq!(s.edition.as_deref(), Some("r7"));
    assert_eq!(s.form, Some(Form::Hospital));
    assert_eq!(s.limits.max_file_bytes, 200 * 1024 * 1024);
    assert_eq!(s.exceptions.len(), 1);
    assert_eq!(s.exceptions[0].until, Some(d("2027-03-31")));
    assert_eq!(
        s.field_table
            .match_label("ネットワークアドレス")
            .map(|m| m.0),
        Some(Field::Ip)
    );
    assert!(matches!(
        s.os_table.judge("RTX1210 Rev.14.01"),
        crate::ledger::os::OsVerdict::Known(_)
    ));
}

#[test]
fn unknown_keys_are_named_at_every_level() {
    for (src, key) in [
        ("colour = 1\n", "colour"),
        ("[rules]\nselct = [\"IP\"]\n", "selct"),
        ("[facility]\nname = \"x\"\naddress = \"y\"\n", "address"),
        ("[[exceptions]]\nid = \"1\"\nrules = [\"OS001\"]\nreason = \"r\"\nuntill = 2027-01-01\n", "untill"),
        ("[[os.products]]\nid = \"x\"\neol = 2030-01-01\nfoo = 1\n", "foo"),
        ("[limits]\nmax_rows = 5\n", "max_rows"),
    ] {
        let m = err(src);
        assert!(m.contains(&format!("「{key}」")) && m.contains("不明なキー"), "{src}: {m}");
    }
    let m = err("\n\n[rules]\nselct = [\"IP\"]\n");
    assert!(m.contains("4行目") && m.contains("[rules]"), "{m}");
}

#[test]
fn bad_values_are_named() {
    for (src, word) in [
        ("[ledger]\nrequired = [\"macc\"]\n", "macc"),
        ("[ledger]\nsynonyms = { ipp = [\"x\"] }\n", "ipp"),
        (
            "[network]\nnetworks = [\"192.168.1.0/33\"]\n",
            "192.168.1.0/33",
        ),
        (
            "[network]\ndhcp_ranges = [\"192.168.1.9-192.168.1.1\"]\n",
            "dhcp_ranges",
        ),
        ("[rules]\nselect = [\"ZZ\"]\n", "ZZ"),
        ("[rules]\nseverity = { OS003 = \"fatal\" }\n", "fatal"),
        ("[rules]\nseverity = { OS999 = \"info\" }\n", "OS999"),
        ("[checklist]\nform = \"clinic\"\n", "clinic"),
        ("[limits]\nmax_file_mb = 0\n", "max_file_mb"),
        (
            "[[exceptions]]\nid = \"S-1\"\nrules = [\"OS001\"]\n",
            "reason",
        ),
        (
            "[[exceptions]]\nid = \"S-1\"\nrules = [\"OS001\"]\nreason = \"  \"\n",
            "reason",
        ),
        ("[[exceptions]]\nid = \"S-1\"\nreason = \"r\"\n", "rules"),
        (
            "[[exceptions]]\nid = \"S-1\"\nrules = [\"QQ1\"]\nreason = \"r\"\n",
            "QQ1",
        ),
        (
            "[[exceptions]]\nid = \"S-1\"\nrules = [\"OS001\"]\nreason = \"r\"\nuntil = \"来年\"\n",
            "2027-03-31",
        ),
        (
            "[[os.products]]\nid = \"new\"\nname = \"New\"\naliases = [\"new os\"]\n",
            "eol",
        ),
        ("[os]\nwarning_days = \"half a year\"\n", "warning_days"),
        ("[rules\n", "TOML"),
    ] {
        let m = err(src);
        assert!(m.contains(word), "{src}: {m}");
    }
}

#[test]
fn command_line_overrides_the_file() {
    let p = Path::new("daicho.toml");
    let cfg = parse_str(
        p,
        "[rules]\nselect = [\"OS\"]\nignore = [\"OS003\"]\n[checklist]\nedition = \"r6\"\n",
    )
    .expect("parses");
    let mut cli = Overrides::new(d("2026-11-25"));
    cli.select = vec!["IP".into()];
    cli.ignore = vec!["IP006".into()];
    cli.edition = Some("r7".into());
    let s = resolve(&cli, Some((p, cfg))).expect("resolves");
    assert!(s.is_enabled("IP001") && !s.is_enabled("OS001"));
    assert!(!s.is_enabled("IP006") && !s.is_enabled("OS003"));
    assert_eq!(s.edition.as_deref(), Some("r7"));
}

#[test]
fn nearest_config_wins() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sub = dir.path().join("病棟").join("2階");
    std::fs::create_dir_all(&sub).expect("mkdir");
    std::fs::write(
        dir.path().join(CONFIG_FILE_NAME),
        "[os]\nwarning_days = 10\n",
    )
    .expect("write");
    assert_eq!(discover(&sub), Some(dir.path().join(CONFIG_FILE_NAME)));
    std::fs::write(sub.join(CONFIG_FILE_NAME), "[os]\nwarning_days = 20\n").expect("write");
    let mut r = Resolver::new(Overrides::new(d("2026-11-25")), None).expect("resolver");
    let near = r.settings_for(&sub.join("台帳.xlsx")).expect("loads");
    let far = r
        .settings_for(&dir.path().join("病棟").join("台帳.xlsx"))
        .expect("loads");
    assert_eq!((near.os_warning_days, far.os_warning_days), (20, 10));
    let again = r.settings_for(&sub.join("別の台帳.xlsx")).expect("loads");
    assert!(Arc::ptr_eq(&near, &again), "each config is loaded once");
}

#[test]
fn ranges() {
    let r = parse_range("10.0.0.0/30").expect("cidr");
    assert_eq!(r.last, "10.0.0.3".parse::<IpAddr>().expect("ip"));
    assert!(parse_range("10.0.0.1-fe80::1").is_none());
    assert!(parse_range("fe80::/64").is_some());
}

#[test]
fn a_toml_error_renders_the_line_with_the_key_underlined() {
    let text = "[ledger]\nrequired = [\"ip\"]\n\n[rules]\nignor = [\"D002\"]\n";
    let Err(e) = parse_str(Path::new("daicho.toml"), text) else {
        panic!("an unknown key must be an error");
    };
    let ja = e.render(Lang::Ja);
    assert!(ja.contains("5行目([rules]): 不明なキー「ignor」"), "{ja}");
    assert!(ja.contains("5 | ignor = [\"D002\"]"), "{ja}");
    assert!(ja.contains("^^|^^") && ja.contains("ここ"), "{ja}");
    assert!(!ja.contains('\u{1b}'), "no colour codes: {ja}");
    let en = e.render(Lang::En);
    assert!(
        en.contains("unknown key 'ignor'") && en.contains("here"),
        "{en}"
    );
    // An error without a place in the file is the message alone.
    let plain = ConfigError::new(Path::new("daicho.toml"), "x", "y");
    assert_eq!(plain.render(Lang::En), plain.message(Lang::En));
}

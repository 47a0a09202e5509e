use super::tokens::numeric_prefixes;
use super::*;
use serde::Deserialize;

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
        "windows-10-iot-ltsb-2016",
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
    ("iPadOS 17", "ipados-17", "none"),
    ("iPadOS 17.7.2", "ipados-17", "none"),
    ("iOS14.8", "ios-14", "2021-10-26"),
    ("iPadOS 18", "ipados-18", "none"),
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
    assert_eq!(known("Windows Server 2016").extended, Some(d("2030-01-08")));
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
    // Hospitals' domain-joined PCs: the commercial ESU, not the consumer one.
    assert!(
        note.ja.contains("ドメイン参加")
            && note.ja.contains("法人向け ESU")
            && note.ja.contains("2028-10-10"),
        "{}",
        note.ja
    );
    // Written explicitly: no assumption to explain, the ESU note stays.
    let explicit = known("Windows 10 Pro 22H2").note.expect("note");
    assert!(!explicit.ja.contains("みなしました"), "{}", explicit.ja);
    assert!(explicit.ja.contains("2027-10-12") && explicit.en.contains("commercial ESU"));
}

#[test]
fn embedded_confidence_follows_the_source() {
    for (raw, want) in [
        ("POSReady 7", Confidence::Confirmed),
        ("Windows Embedded Standard 7", Confidence::Confirmed),
        ("Windows Embedded 8.1 Industry", Confidence::Confirmed),
        ("XP Embedded", Confidence::Unverified),
        ("POSReady 2009", Confidence::Unverified),
        ("Windows Embedded 8 Industry", Confidence::Partly),
        ("Windows 7", Confidence::Confirmed),
    ] {
        assert_eq!(known(raw).confidence, want, "{raw}");
    }
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
        note.ja.contains("21H2・22H2・23H2: 終了")
            && note
                .ja
                .contains("24H2: Home/Pro 2026-10-13 終了・Enterprise/Education 2027-10-12 まで"),
        "{}",
        note.ja
    );
    assert!(
        note.en.contains("21H2, 22H2, 23H2: ended")
            && note
                .en
                .contains("24H2: Home/Pro ended 2026-10-13, Enterprise/Education until 2027-10-12"),
        "{}",
        note.en
    );
    assert!(note.en.contains("2026-12-05"), "{}", note.en);
    // Pro only lists the Home/Pro dates.
    let (_, pro) = unspecified("Windows 11 Pro");
    assert!(!pro.en.contains("Enterprise"), "{}", pro.en);
    assert!(
        pro.en.contains("24H2: ended") && pro.en.contains("25H2: until 2027-10-12"),
        "{}",
        pro.en
    );

    // Text naming a family without the version that decides support -> the family named.
    for (raw, family) in [
        ("Windows", "Windows"),
        ("Windows Pro", "Windows"),
        ("Windows Server", "Windows Server"),
        ("iPadOS", "iPadOS"),
        ("iOS", "iOS"),
        ("FortiOS", "FortiOS"),
        ("PAN-OS", "PAN-OS"),
        ("Android", "Android"),
        ("macOS", "macOS"),
        ("Ubuntu", "Ubuntu"),
        ("CentOS", "CentOS"),
        ("iPad 第9世代", "iPadOS"),
        ("Windows 11 Pro 日本語版 64bit", "Windows 11"),
        ("CentOS Stream", "CentOS Stream"),
        ("Rocky Linux", "Rocky Linux"),
        ("Cisco IOS XE", "Cisco IOS XE"),
        ("Ivanti Connect Secure", "Ivanti Connect Secure"),
    ] {
        assert_eq!(unspecified(raw).0, family, "{raw}");
    }
    let (family, ltsc) = unspecified("Windows 10 Enterprise LTSC");
    assert_eq!(family, "Windows 10");
    assert!(
        ltsc.ja.contains("LTSC 2021: 2027-01-12 まで"),
        "{}",
        ltsc.ja
    );
    let (_, ios) = unspecified("iPadOS");
    assert!(
        ios.ja.contains("14: 終了") && !ios.ja.contains("17: 終了"),
        "{}",
        ios.ja
    );
    assert!(
        ios.en.contains("15, 16, 17, 18, 26, 27: no announced end"),
        "{}",
        ios.en
    );
}

/// What a text should be judged as, apart from dated releases.
#[derive(Debug)]
enum Expect {
    Unknown,
    /// Firmware recognised without a sourced date: its product or vendor.
    Undated(&'static str),
}

#[test]
fn firmware_without_a_sourced_date_and_unknowns() {
    use Expect::*;
    let cases = [
        ("Cisco IOS 15.2", Undated("Cisco IOS")),
        ("IOS 15.2(4)M3", Undated("Cisco IOS")),
        ("Cisco IOS XE 17.1.1", Undated("Cisco IOS XE")),
        ("IOS-XR 7.5", Undated("Cisco IOS XR")),
        ("Cisco ASA 9.16", Undated("Cisco ASA")),
        ("ASA 5506-X 9.8(4)", Undated("Cisco ASA")),
        ("FortiOS 5.6.14", Undated("FortiOS")),
        ("FortiGate 60F", Undated("FortiOS")),
        ("PAN-OS 10.0", Undated("PAN-OS")),
        ("Yamaha Rev.15.02", Undated("Yamaha RTX")),
        ("YAMAHA RTX1210 Rev.14.01.42", Undated("Yamaha RTX")),
        ("RTX830 Rev.15.02.30", Undated("Yamaha RTX")),
        ("ヤマハ RTX1200", Undated("Yamaha RTX")),
        ("Junos", Undated("Juniper Junos")),
        ("JUNOS 21.4R3", Undated("Juniper Junos")),
        ("NX-OS 9.3", Undated("Cisco NX-OS")),
        ("ArubaOS 8.10", Undated("ArubaOS")),
        ("SonicWall TZ 370 SonicOS 7.0", Undated("SonicWall SonicOS")),
        (
            "Ivanti Connect Secure 8.3",
            Undated("Ivanti Connect Secure"),
        ),
        ("Rev.15.02.30", Unknown),
        ("Linux", Unknown),
        ("不明", Unknown),
        ("-", Unknown),
        ("", Unknown),
        ("   ", Unknown),
        ("Windows 2000", Unknown),
        ("Windows 98", Unknown),
        ("Windows NT 4.0", Unknown),
        ("Windows Me", Unknown),
        ("Windows CE 6.0", Unknown),
        ("Windows 10 Mobile", Unknown),
        ("Windows 10 IoT Core", Unknown),
        ("CentOS 8 Stream", Unknown),
        ("Android 10", Unknown),
        ("macOS 9", Unknown),
        ("Ubuntu 23.10", Unknown),
        ("Windows 11 22H1", Unknown),
        ("VxWorks", Unknown),
        ("ChromeOS", Unknown),
        ("Xperia", Unknown),
        ("Linux Server", Unknown),
    ];
    let mut failures = Vec::new();
    for (raw, want) in cases {
        let got = OsTable::bundled().judge(raw);
        let ok = match (&want, &got) {
            (Unknown, OsVerdict::Unknown) => true,
            (Undated(p), OsVerdict::UndatedFirmware { product }) => p == product,
            _ => false,
        };
        if !ok {
            failures.push(format!("{raw:?}: want {want:?}, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The rule a row gets at [`AS_OF`] with the default 180-day window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Ended,
    Ending,
    Supported,
}

const AS_OF: &str = "2026-11-25";

fn verdict_at(release: &OsRelease, as_of: NaiveDate) -> Verdict {
    let warn_until = as_of + chrono::Days::new(180);
    if release.eol < as_of {
        Verdict::Ended
    } else if release.eol <= warn_until {
        Verdict::Ending
    } else {
        Verdict::Supported
    }
}

/// Per product family: spelling, row id, end of support ("none" = no announced end), and the
/// verdict at [`AS_OF`] (the products of `reference/support-and-editions-2026-12.md`).
const FAMILY_CASES: &[(&str, &str, &str, Verdict)] = {
    use Verdict::*;
    &[
        // Windows client
        (
            "Windows 10 Pro 22H2",
            "windows-10-22h2-w",
            "2025-10-14",
            Ended,
        ),
        (
            "Windows 10 Enterprise LTSB 2016",
            "windows-10-ltsb-2016",
            "2026-10-13",
            Ended,
        ),
        (
            "Windows 10 IoT Enterprise LTSB 2016",
            "windows-10-iot-ltsb-2016",
            "2026-10-13",
            Ended,
        ),
        (
            "Windows 10 Enterprise LTSC 2021",
            "windows-10-ltsc-2021",
            "2027-01-12",
            Ending,
        ),
        (
            "Windows 10 IoT Enterprise LTSC 2021",
            "windows-10-iot-ltsc-2021",
            "2032-01-13",
            Supported,
        ),
        (
            "Windows 11 Pro 24H2",
            "windows-11-24h2-w",
            "2026-10-13",
            Ended,
        ),
        (
            "Windows 11 Enterprise 23H2",
            "windows-11-23h2-e",
            "2026-11-10",
            Ended,
        ),
        (
            "Windows 11 Enterprise 24H2",
            "windows-11-24h2-e",
            "2027-10-12",
            Supported,
        ),
        (
            "Windows 11 Pro 25H2",
            "windows-11-25h2-w",
            "2027-10-12",
            Supported,
        ),
        (
            "Windows 11 Pro 26H2",
            "windows-11-26h2-w",
            "none",
            Supported,
        ),
        (
            "Windows 11 Home 10.0.28000",
            "windows-11-26h1-w",
            "2028-03-14",
            Supported,
        ),
        // Embedded Windows
        (
            "Windows Embedded 8.1 Industry",
            "windows-embedded-8-1-industry",
            "2023-07-11",
            Ended,
        ),
        (
            "Windows Embedded 8.1 Pro",
            "windows-embedded-8-1-pro",
            "2023-01-10",
            Ended,
        ),
        (
            "Windows 8 Industry",
            "windows-embedded-8-industry",
            "2016-01-12",
            Ended,
        ),
        ("WES7", "windows-embedded-standard-7", "2020-10-13", Ended),
        // Windows Server
        (
            "Windows Server 2016 Standard",
            "windows-server-2016",
            "2027-01-12",
            Ending,
        ),
        (
            "Windows Server 2012 R2",
            "windows-server-2012-r2",
            "2023-10-10",
            Ended,
        ),
        (
            "Windows Server 23H2",
            "windows-server-23h2",
            "2026-05-12",
            Ended,
        ),
        (
            "Windows Server 2022 Datacenter",
            "windows-server-2022",
            "2031-10-14",
            Supported,
        ),
        ("WS2019", "windows-server-2019", "2029-01-09", Supported),
        // Apple
        ("iOS 17.7", "ios-17", "2025-05-13", Ended),
        ("iPadOS 17.7.2", "ipados-17", "none", Supported),
        ("iPad 第9世代 iPadOS 17", "ipados-17", "none", Supported),
        ("iPhone iOS 12.5.7", "ios-12", "2026-01-26", Ended),
        ("iOS 13", "ios-13", "2020-09-16", Ended),
        ("iPadOS 14", "ipados-14", "2021-10-01", Ended),
        ("iOS 18.6", "ios-18", "none", Supported),
        ("macOS 13 Ventura", "macos-13", "2025-09-15", Ended),
        ("macOS 26 Tahoe", "macos-26", "none", Supported),
        ("macOS 27", "macos-27", "none", Supported),
        // Android
        ("Android 13", "android-13", "2026-03-02", Ended),
        ("Android 17", "android-17", "none", Supported),
        // Linux
        ("CentOS 7.9", "centos-7", "2024-06-30", Ended),
        ("CentOS Stream 8", "centos-stream-8", "2024-05-31", Ended),
        (
            "CentOS Stream 9",
            "centos-stream-9",
            "2027-05-31",
            Supported,
        ),
        ("AlmaLinux 8.10", "almalinux-8", "2029-05-31", Supported),
        ("Rocky Linux 9.4", "rocky-linux-9", "2032-05-31", Supported),
        ("Oracle Linux 7.9", "oracle-linux-7", "2024-12-31", Ended),
        ("OL8", "oracle-linux-8", "2029-07-31", Supported),
        ("Ubuntu 16.04 LTS", "ubuntu-16-04", "2021-04-02", Ended),
        ("Ubuntu 14.04", "ubuntu-14-04", "2024-04-02", Ended),
        ("Ubuntu 22.04", "ubuntu-22-04", "2027-04-01", Ending),
        ("Debian 9", "debian-9", "2022-07-01", Ended),
        ("Debian 11", "debian-11", "2026-08-31", Ended),
        ("RHEL 7.9", "rhel-7", "2024-06-30", Ended),
        // Network firmware
        (
            "FortiGate 60F FortiOS 7.2.8",
            "fortios-7-2",
            "2026-09-30",
            Ended,
        ),
        ("FortiOS v7.0.12", "fortios-7-0", "2025-09-30", Ended),
        ("FortiOS 6.0.18", "fortios-6-0", "2022-09-29", Ended),
        ("FortiOS 7.4.8", "fortios-7-4", "2028-11-11", Supported),
        ("FortiOS 7.6.3", "fortios-7-6", "2030-01-25", Supported),
        ("FortiOS 8.0.1", "fortios-8-0", "2030-10-21", Supported),
        ("PAN-OS 10.2.8-h3", "pan-os-10-2", "2025-08-27", Ended),
        ("PAN-OS 11.1.4", "pan-os-11-1", "2027-05-03", Ending),
        (
            "Palo Alto PA-220 PAN-OS 10.1.14",
            "pan-os-10-1",
            "2024-12-01",
            Ended,
        ),
        ("PAN-OS 12.1.2", "pan-os-12-1", "2028-08-28", Supported),
        (
            "Cisco IOS XE 17.9.4a",
            "cisco-ios-xe-17-9",
            "2026-07-29",
            Ended,
        ),
        (
            "IOS-XE 17.12.3",
            "cisco-ios-xe-17-12",
            "2027-07-28",
            Supported,
        ),
        ("IOS XE 17.3", "cisco-ios-xe-17-3", "2024-07-31", Ended),
        ("IOS-XE 17.09.04a", "cisco-ios-xe-17-9", "2026-07-29", Ended),
        (
            "Cisco IOS XE Dublin 17.12.4",
            "cisco-ios-xe-17-12",
            "2027-07-28",
            Supported,
        ),
        (
            "Pulse Secure 9.1R15",
            "ivanti-connect-secure-9",
            "2024-12-31",
            Ended,
        ),
        ("FortiGate-60F v7.2.8", "fortios-7-2", "2026-09-30", Ended),
        (
            "FortiOS 7.2.8,build1639 (GA.M)",
            "fortios-7-2",
            "2026-09-30",
            Ended,
        ),
        (
            "SonicWall TZ400 SonicOS 6.5.4.15",
            "sonicwall-tz400-600",
            "2026-08-01",
            Ended,
        ),
        (
            "Windows Embedded 8.1 Industry Pro",
            "windows-embedded-8-1-industry",
            "2023-07-11",
            Ended,
        ),
        (
            "Ivanti Connect Secure 9.1R18",
            "ivanti-connect-secure-9",
            "2024-12-31",
            Ended,
        ),
        (
            "Pulse Connect Secure 22.7R2.6",
            "ivanti-connect-secure-22",
            "none",
            Supported,
        ),
        (
            "SonicWall TZ 400",
            "sonicwall-tz400-600",
            "2026-08-01",
            Ended,
        ),
        (
            "TZ 350W SonicOS 6.5.4",
            "sonicwall-tz350-500-soho250",
            "2026-10-01",
            Ended,
        ),
        ("TZ300", "sonicwall-tz300", "2025-01-23", Ended),
    ]
};

#[test]
fn every_product_family_is_judged_at_the_as_of_date() {
    let as_of = d(AS_OF);
    let mut failures = Vec::new();
    for &(raw, id, eol, verdict) in FAMILY_CASES {
        let want_eol = if eol == "none" {
            NO_ANNOUNCED_END
        } else {
            d(eol)
        };
        match OsTable::bundled().judge(raw) {
            OsVerdict::Known(r)
                if r.id == id && r.eol == want_eol && verdict_at(&r, as_of) == verdict => {}
            other => failures.push(format!(
                "{raw:?}: want {id} {eol} {verdict:?}, got {other:?}"
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn firmware_rows_say_firmware_and_name_the_appliance() {
    for raw in [
        "FortiOS 7.2.8",
        "PAN-OS 11.1",
        "IOS XE 17.9",
        "Ivanti Connect Secure 9.1",
        "TZ 400",
    ] {
        let r = known(raw);
        assert!(r.firmware, "{raw}");
        assert!(r.appliance.is_some(), "{raw}");
        assert!(!r.source.is_empty(), "{raw}");
    }
    assert!(!known("Windows 10").firmware);
    assert_eq!(known("FortiOS 7.4").confidence, Confidence::Partly);
    assert_eq!(known("FortiOS 7.2").confidence, Confidence::Confirmed);
    assert_eq!(known("Cisco IOS XE 17.12").confidence, Confidence::Partly);
}

#[test]
fn every_row_has_a_source_and_the_table_its_checked_date() {
    let table = OsTable::bundled();
    assert_eq!(table.checked(), d("2026-12-05"));
    for r in table.releases() {
        assert!(!r.source.trim().is_empty(), "{} has no source", r.id);
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
    let base = "snapshot = 2026-08-22\nchecked = 2026-12-05\n[editions]\n";
    let no_source = format!("{base}[[release]]\nid = \"x\"\nname = \"X\"\neol = 2026-01-01\n");
    assert!(OsTable::from_toml(&no_source)
        .unwrap_err()
        .contains("no source"));
    let bad_date = format!("{base}[[release]]\nid = \"x\"\nname = \"X\"\neol = \"2026-13-01\"\n");
    assert!(OsTable::from_toml(&bad_date).is_err());
    let dup = format!(
        "{base}[[release]]\nid = \"x\"\nname = \"X\"\nsource = \"s\"\neol = 2026-01-01\n[[release]]\nid = \"x\"\nname = \"Y\"\nsource = \"s\"\neol = 2026-01-01\n"
    );
    assert!(OsTable::from_toml(&dup).unwrap_err().contains("twice"));
    let fam =
        format!("{base}[[release]]\nid = \"x\"\nname = \"X\"\nfamily = \"nope\"\neol = \"none\"\n");
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
    assert_eq!(
        w10.note.map(|n| n.ja.into_owned()),
        Some("延長契約あり".to_string())
    );
    let Known(rtx) = table.judge("YAMAHA RTX1210 Rev.14.01") else {
        panic!("user aliases win over firmware")
    };
    assert_eq!(
        (rtx.id.as_str(), rtx.eol),
        ("yamaha-rtx1210", d("2027-03-31"))
    );
    assert!(
        rtx.firmware,
        "a product added under a firmware name is firmware"
    );
    assert_eq!(rtx.source, "daicho.toml [os] products");
    let Known(mac) = table.judge("macOS 27.1") else {
        panic!()
    };
    assert_eq!((mac.id.as_str(), mac.eol), ("macos-27", NO_ANNOUNCED_END));
    let Known(wes) = table.judge("WES7") else {
        panic!()
    };
    assert_eq!(wes.confidence, Confidence::User);
    // The bundled table is untouched.
    assert_eq!(known("Windows 10 Pro 22H2").eol, d("2025-10-14"));
    assert_eq!(
        OsTable::bundled().judge("RTX1210 Rev.14.01"),
        UndatedFirmware {
            product: "Yamaha RTX".into()
        }
    );
    // Summaries follow overridden dates.
    let extra = overrides("[[products]]\nid = \"windows-11-24h2-w\"\neol = 2030-01-01\n");
    let table = OsTable::bundled().with_overrides(&extra).expect("applies");
    let OsVerdict::Unspecified { note, .. } = table.judge("Windows 11 Pro") else {
        panic!()
    };
    assert!(note.en.contains("24H2: until 2030-01-01"), "{}", note.en);
}

use OsVerdict::{Known, UndatedFirmware};

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
    assert!(
        toml::from_str::<Products>("[[products]]\nid = \"x\"\neol = 2030-01-01\nfoo = 1\n")
            .is_err()
    );
    assert!(toml::from_str::<Products>("[[products]]\nid = \"x\"\neol = \"soon\"\n").is_err());
    assert!(
        toml::from_str::<Products>("[[products]]\nid = \"x\"\neol = 2030-01-01T10:00:00\n")
            .is_err()
    );
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

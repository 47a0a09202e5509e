//! IP001–IP006: addresses that are malformed, placeholders, non-canonical, duplicated, outside
//! the declared networks, or reserved.

use super::{Context, Finding, Fix, Rule, RuleDoc};
use crate::layout::Field;
use crate::ledger::ip::{canonical_cell, parse_ip_cell, IpCell, IpParse, NonCanonical};
use crate::ledger::Ledger;
use crate::{Severity, Text};
use std::collections::HashMap;
use std::net::IpAddr;

pub static IP001: Rule = Rule {
    code: "IP001",
    name: "invalid-ip",
    severity: Severity::Error,
    summary: Text::from_static("IPアドレスとして読めない", "not an IPv4/IPv6 address"),
    doc: RuleDoc {
        what: &Text::from_static("IPアドレス欄の値がIPv4/IPv6アドレスになっていません(オクテットが255を超える、区切りが足りない等)。", "The IP cell is not an IPv4/IPv6 address (an octet over 255, missing parts …)."),
        why: &Text::from_static("誤ったアドレスでは、機器の特定や接続元制限(2-⑬)の確認ができません。", "A wrong address cannot identify the device or support access restrictions (2-⑬)."),
        example: &Text::from_static("「192.168.1.300」「192.168.1」。", "「192.168.1.300」, 「192.168.1」."),
        fix: &Text::from_static("機器の設定画面や ipconfig で実際のアドレスを確認して記入してください。", "Look the real address up on the device (ipconfig …) and enter it."),
    },
};

pub static IP002: Rule = Rule {
    code: "IP002",
    name: "placeholder-ip",
    severity: Severity::Error,
    summary: Text::from_static("192.168.〇.〇 などの記入例のまま", "a placeholder such as 192.168.〇.〇"),
    doc: RuleDoc {
        what: &Text::from_static("「192.168.〇.〇」「192.168.x.x」「*」のような記入例のアドレスが残っています。", "A placeholder address such as 192.168.〇.〇, 192.168.x.x or * is left in the cell."),
        why: &Text::from_static("台帳でネットワーク上の機器を特定できることが2-①の前提です。記入例のままでは重複も確認できません。", "Identifying devices on the network is the point of 2-①; a placeholder cannot even be checked for duplicates."),
        example: &Text::from_static("「192.168.〇.〇」(厚労省の手引きの記入例)。", "「192.168.〇.〇」 (the MHLW manual's example)."),
        fix: &Text::from_static("実際のアドレスを記入してください。DHCPの機器は「DHCP」、ネットワークにつながない機器は「-」と書きます。", "Enter the real address; write DHCP for DHCP clients and - for standalone devices."),
    },
};

pub static IP003: Rule = Rule {
    code: "IP003",
    name: "non-canonical-ip",
    severity: Severity::Warning,
    summary: Text::from_static("全角・空白・先頭ゼロを含むアドレス", "full-width digits, inner spaces or leading zeros"),
    doc: RuleDoc {
        what: &Text::from_static("アドレスは読めますが、全角数字・全角ピリオド、途中の空白、オクテットの先頭ゼロ(192.168.010.054)を含みます。", "The address is readable but typed with full-width characters, inner spaces or octet leading zeros (192.168.010.054)."),
        why: &Text::from_static("表記が揃っていないと検索や重複確認で見落とします。先頭ゼロは機器によって8進数と解釈されることもあります。", "Mixed spellings defeat searching and duplicate checks; some systems even read leading zeros as octal."),
        example: &Text::from_static("「１９２．１６８．１．５」「192.168. 1.7」。", "「１９２．１６８．１．５」, 「192.168. 1.7」."),
        fix: &Text::from_static("半角の標準形(修正案)に書き換えてください。`daicho convert` は自動で直します。", "Rewrite it in the canonical form shown as the fix; `daicho convert` does it for you."),
    },
};

pub static IP004: Rule = Rule {
    code: "IP004",
    name: "duplicate-ip",
    severity: Severity::Error,
    summary: Text::from_static("同じアドレスが2台以上にある(廃棄済みを除く)", "the same address on two non-retired devices"),
    doc: RuleDoc {
        what: &Text::from_static("廃棄済みでない2台以上の機器に同じIPアドレスが記入されています(全シート横断、表記ゆれは正規化して比較)。", "Two or more non-retired devices carry the same address (across all ledger sheets, after normalisation)."),
        why: &Text::from_static("アドレスの重複は通信障害の原因であり、台帳の記入誤りのしるしでもあります。", "Duplicate addresses break networking, and usually mean the ledger is wrong."),
        example: &Text::from_static("サーバ「192.168.1.10」と端末PC「192.168.1.10」。", "A server and a PC both at 192.168.1.10."),
        fix: &Text::from_static("実機のアドレスを確認し、誤っている方を直してください。入れ替えた機器は旧機器の状態を「廃棄」にします。", "Check the real devices and correct the wrong entry; set a replaced device to 廃棄."),
    },
};

pub static IP005: Rule = Rule {
    code: "IP005",
    name: "ip-outside-networks",
    severity: Severity::Warning,
    summary: Text::from_static("設定で宣言したネットワークの外のアドレス", "outside the networks declared in config"),
    doc: RuleDoc {
        what: &Text::from_static("daicho.toml の [network] networks に宣言したどのネットワークにも含まれないアドレスです(宣言がある場合のみ)。", "The address is in none of the networks declared in daicho.toml [network] networks (only when declared)."),
        why: &Text::from_static("想定外のネットワークにある機器は、接続元制限(2-⑬)の対象から漏れている可能性があります。", "A device outside the planned networks may escape access restrictions (2-⑬)."),
        example: &Text::from_static("networks = [\"192.168.1.0/24\"] のとき「10.0.0.5」。", "「10.0.0.5」 with networks = [\"192.168.1.0/24\"]."),
        fix: &Text::from_static("アドレスを確認するか、正当なネットワークなら daicho.toml に追加してください。", "Check the address, or add the network to daicho.toml if it is legitimate."),
    },
};

pub static IP006: Rule = Rule {
    code: "IP006",
    name: "reserved-ip",
    severity: Severity::Warning,
    summary: Text::from_static("ループバック・169.254・ネットワーク/ブロードキャストアドレスなど", "loopback, link-local, multicast, broadcast or network addresses"),
    doc: RuleDoc {
        what: &Text::from_static("127.0.0.1、0.0.0.0、169.254.x.x(DHCP取得失敗)、マルチキャスト、ブロードキャスト、宣言したネットワークのネットワークアドレス/ブロードキャストアドレスなど、機器に割り当てるべきでないアドレスです。", "An address that is not a device address: loopback, 0.0.0.0, link-local 169.254/16 (a DHCP failure), multicast, broadcast, or a declared network's own network/broadcast address."),
        why: &Text::from_static("169.254.x.x はDHCPで取得できなかったときのアドレスで、台帳の値として意味を持ちません。", "169.254.x.x is what a device gives itself when DHCP failed; it identifies nothing."),
        example: &Text::from_static("「169.254.10.20」「127.0.0.1」。", "「169.254.10.20」, 「127.0.0.1」."),
        fix: &Text::from_static("機器の実際の設定を確認して記入してください(DHCPなら「DHCP」)。", "Check the device's real configuration (write DHCP for DHCP clients)."),
    },
};

/// This family's rules, in code order.
pub static RULES: &[&Rule] = &[&IP001, &IP002, &IP003, &IP004, &IP005, &IP006];

struct Seen {
    sheet: String,
    cell: String,
}

pub fn check(ledger: &Ledger<'_>, ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let networks = &ctx.settings.networks;
    let mut seen: HashMap<IpAddr, Seen> = HashMap::new();
    for sheet in &ledger.sheets {
        let Some(col) = sheet.layout.col(Field::Ip) else {
            continue;
        };
        let name = sheet.name();
        for device in &sheet.devices {
            let Some(raw) = sheet.text(device, Field::Ip) else {
                continue;
            };
            let row = device.row_index();
            let here = |rule: &'static Rule, ja: String, en: String| {
                Finding::new(rule, Text::new(ja, en))
                    .at(name, row, col)
                    .field(Field::Ip)
                    .value(raw.as_ref())
            };
            let IpCell::Entries(entries) = parse_ip_cell(&raw) else {
                continue;
            };
            let mut in_this_cell: Vec<IpAddr> = Vec::new();
            // The IP003 fix: the whole cell with every address canonical (computed once).
            let mut cell_fix: Option<Option<String>> = None;
            for entry in entries {
                let e = &entry.raw;
                let (addr, prefix, canonical, non_canonical) = match entry.parsed {
                    IpParse::Invalid => {
                        out.push(here(
                            &IP001,
                            format!("「{e}」はIPアドレスとして読めません。実際のアドレスを確認してください。"),
                            format!("「{e}」 is not an IP address. Check the device's real address."),
                        ));
                        continue;
                    }
                    IpParse::Placeholder => {
                        out.push(here(
                            &IP002,
                            format!("「{e}」は記入例のアドレスです。実際のアドレス(DHCPなら「DHCP」)を記入してください。"),
                            format!("「{e}」 is a placeholder. Enter the real address (or DHCP)."),
                        ));
                        continue;
                    }
                    IpParse::Valid {
                        addr,
                        prefix,
                        canonical,
                        non_canonical,
                    } => (addr, prefix, canonical, non_canonical),
                };
                if let Some(nc) = non_canonical {
                    let Text { ja, en } = match nc {
                        NonCanonical::FullWidth => {
                            const { &Text::from_static("全角文字", "full-width characters") }
                        }
                        NonCanonical::InnerSpace => {
                            const { &Text::from_static("途中の空白", "spaces inside") }
                        }
                        NonCanonical::LeadingZeros => {
                            const { &Text::from_static("先頭のゼロ", "leading zeros") }
                        }
                    };
                    let mut finding = here(
                        &IP003,
                        format!("「{e}」に{ja}が含まれています。「{canonical}」と書いてください。"),
                        format!("「{e}」 contains {en}. Write 「{canonical}」."),
                    );
                    if let Some(fixed) = cell_fix.get_or_insert_with(|| canonical_cell(&raw)) {
                        finding = finding.fix(Fix::safe(fixed.clone()));
                    }
                    out.push(finding);
                }
                // The declared network holding the address (`None` when networks are declared
                // and none holds it: IP005).
                let declared = (!networks.is_empty())
                    .then(|| networks.iter().find(|n| n.contains(addr)).copied());
                if let Some(None) = declared {
                    out.push(here(
                        &IP005,
                        format!(
                            "「{e}」は設定で宣言したネットワーク({})の外です。",
                            list(networks)
                        ),
                        format!(
                            "「{e}」 is outside the declared networks ({}).",
                            list(networks)
                        ),
                    ));
                }
                // At most one IP006 per entry: a reserved address, else the network/broadcast
                // address of the declared network, else of the network its typed prefix
                // (「192.168.1.0/24」) names.
                let typed = prefix
                    .and_then(|p| ipnetwork::IpNetwork::new(addr, p).ok())
                    .and_then(|n| ipnetwork::IpNetwork::new(n.network(), n.prefix()).ok());
                let ip006 = if let Some(Text { ja, en }) = reserved(addr) {
                    Some((
                        format!("「{e}」は{ja}で、機器のアドレスとして使えません。実際の設定を確認してください。"),
                        format!("「{e}」 is {en}, not a device address. Check the real configuration."),
                    ))
                } else {
                    [declared.flatten(), typed]
                        .into_iter()
                        .flatten()
                        .find_map(|net| Some((net, network_edge(addr, net)?)))
                        .map(|(net, Text { ja, en })| {
                            (
                                format!("「{e}」は {net} の{ja}です。機器には割り当てられません。"),
                                format!("「{e}」 is {en} of {net}; no device can have it."),
                            )
                        })
                };
                if let Some((ja, en)) = ip006 {
                    out.push(here(&IP006, ja, en));
                }
                if device.is_retired() || in_this_cell.contains(&addr) {
                    continue;
                }
                in_this_cell.push(addr);
                let cell = crate::address::a1(row, col);
                match seen.get(&addr) {
                    Some(first) => out.push(here(
                        &IP004,
                        format!("アドレス {addr} は「{}」{}の機器にも記入されています。どちらかが誤りです。", first.sheet, first.cell),
                        format!("Address {addr} is also on the device at '{}'!{}. One of them is wrong.", first.sheet, first.cell),
                    )),
                    None => {
                        seen.insert(addr, Seen { sheet: name.to_string(), cell });
                    }
                }
            }
        }
    }
}

/// Whether `addr` is the network or broadcast address of `net`. IPv4 only, and only for
/// prefixes up to /30: a /31 or /32 has no such addresses (RFC 3021), and IPv6 has no broadcast.
fn network_edge(addr: IpAddr, net: ipnetwork::IpNetwork) -> Option<&'static Text> {
    if !net.is_ipv4() || net.prefix() >= 31 {
        return None;
    }
    if addr == net.network() {
        Some(const { &Text::from_static("ネットワークアドレス", "the network address") })
    } else if addr == net.broadcast() {
        Some(const { &Text::from_static("ブロードキャストアドレス", "the broadcast address") })
    } else {
        None
    }
}

fn list(nets: &[ipnetwork::IpNetwork]) -> String {
    nets.iter()
        .map(|n| n.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn reserved(addr: IpAddr) -> Option<&'static Text> {
    match addr {
        IpAddr::V4(a) => {
            if a.is_loopback() {
                Some(const { &Text::from_static("ループバックアドレス", "a loopback address") })
            } else if a.is_unspecified() {
                Some(
                    const {
                        &Text::from_static("未指定アドレス(0.0.0.0)", "the unspecified address")
                    },
                )
            } else if a.is_link_local() {
                Some(
                    const {
                        &Text::from_static(
                            "リンクローカルアドレス(DHCPで取得できなかったときの値)",
                            "link-local (what a device takes when DHCP fails)",
                        )
                    },
                )
            } else if a.is_multicast() {
                Some(
                    const {
                        &Text::from_static("マルチキャストアドレス", "a multicast address")
                    },
                )
            } else if a.is_broadcast() {
                Some(
                    const {
                        &Text::from_static("ブロードキャストアドレス", "the broadcast address")
                    },
                )
            } else {
                None
            }
        }
        IpAddr::V6(a) => {
            if a.is_loopback() {
                Some(const { &Text::from_static("ループバックアドレス", "a loopback address") })
            } else if a.is_unspecified() {
                Some(const { &Text::from_static("未指定アドレス(::)", "the unspecified address") })
            } else if a.is_unicast_link_local() {
                Some(
                    const {
                        &Text::from_static(
                            "リンクローカルアドレス(fe80::/10、機器が自動で付けるアドレス)",
                            "link-local (fe80::/10, self-assigned)",
                        )
                    },
                )
            } else if a.is_multicast() {
                Some(
                    const {
                        &Text::from_static("マルチキャストアドレス", "a multicast address")
                    },
                )
            } else {
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_addresses() {
        for a in [
            "127.0.0.1",
            "0.0.0.0",
            "169.254.10.20",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "fe80::1",
            "ff02::1",
        ] {
            assert!(reserved(a.parse().expect("addr")).is_some(), "{a}");
        }
        for a in ["192.168.1.10", "10.0.0.1", "2001:db8::10"] {
            assert!(reserved(a.parse().expect("addr")).is_none(), "{a}");
        }
    }
}

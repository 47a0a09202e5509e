#!/usr/bin/env python3
"""A straightforward openpyxl ledger checker, for comparison with daicho (examples/bench.rs --openpyxl).

It does fewer checks than daicho: finds the header row (管理番号 / IPアドレス / OS), then flags invalid
and duplicate IPv4/IPv6 addresses, a few end-of-support OS names, blank management numbers and
duplicate ones. Usage: python3 benches/openpyxl_check.py LEDGER.xlsx
(`benches/openpyxl_annotate.py` is the same check writing the annotated copy.)
"""
import ipaddress
import json
import sys

import openpyxl

EOL = ["windows 7", "windows 8", "windows xp", "windows vista", "windows server 2008", "windows server 2012",
       "windows 10", "centos 7", "centos 6"]


def check(wb):
    """The findings of every worksheet: (sheet title, 1-based row, 1-based column, kind)."""
    findings = []
    for ws in wb.worksheets:
        rows = ws.iter_rows(values_only=True)
        header = None
        for i, row in enumerate(rows):
            labels = [str(v).strip() if v is not None else "" for v in row]
            if "管理番号" in labels and ("IPアドレス" in labels or "OS" in labels):
                header = {name: labels.index(name) for name in labels if name}
                start = i + 1
                break
            if i > 30:
                break
        if header is None:
            continue
        col = lambda name: header.get(name, 0) + 1
        seen_ip, seen_id = {}, {}
        for r, row in enumerate(ws.iter_rows(min_row=start + 1, values_only=True), start=start + 1):
            if all(v is None for v in row):
                continue
            get = lambda name: row[header[name]] if name in header and header[name] < len(row) else None
            ident = get("管理番号")
            if ident is None or str(ident).strip() == "":
                findings.append((ws.title, r, col("管理番号"), "blank-id"))
            elif str(ident) in seen_id:
                findings.append((ws.title, r, col("管理番号"), "duplicate-id"))
            else:
                seen_id[str(ident)] = r
            ip = get("IPアドレス")
            if ip:
                try:
                    addr = str(ipaddress.ip_address(str(ip).strip()))
                    if addr in seen_ip:
                        findings.append((ws.title, r, col("IPアドレス"), "duplicate-ip"))
                    seen_ip[addr] = r
                except ValueError:
                    findings.append((ws.title, r, col("IPアドレス"), "invalid-ip"))
            os_name = str(get("OS") or "").lower()
            if any(os_name.startswith(e) for e in EOL):
                findings.append((ws.title, r, col("OS"), "os-eol"))
    return findings


def main(path):
    wb = openpyxl.load_workbook(path)
    print(json.dumps({"findings": len(check(wb))}))


if __name__ == "__main__":
    main(sys.argv[1])

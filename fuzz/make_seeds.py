#!/usr/bin/env python3
"""Seeds for the fuzz targets: python3 make_seeds.py (run in fuzz/), then
cargo +nightly fuzz run fuzz_open corpus/fuzz_open seeds/fuzz_open -- -max_total_time=60"""
import glob
import os

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(os.path.dirname(HERE), "fixtures")
# The byte fuzz_open reads first: an index into its EXTENSIONS list.
EXT = {"xlsx": 0, "xls": 1, "ods": 2, "xlsb": 3, "csv": 4, "tsv": 5, "txt": 6}
TEXT = {
    "fuzz_ip": ["192.168.1.10", "１９２．１６８．０．１/24, fe80::1%eth0、DHCP", "192.168.〇.〇", "10.0.0.1\n10.0.0.2"],
    "fuzz_date": ["令和2年12月1日", "R2.12.1", "2020/13/45", "H30/4/1 10:00", "元年5月1日", "20201201"],
    "fuzz_os": ["Windows 10 Pro 22H2", "WS2012R2", "CentOS7.9", "ｗｉｎ１０ IoT Enterprise LTSC 2021", "Yamaha RTX1210 Rev.14.01"],
    "fuzz_status": ["稼働中", "廃棄済", "ネットワーク機器", "ＭＥ－００１", "該当なし"],
    "fuzz_header": ["管理番号", "IPアドレス(v4)", "【OS/ファームウェア】", "ネットワーク / ホスト名"],
    "fuzz_decode": ["DCHO1\x01\x00"],
}


def main():
    out = os.path.join(HERE, "seeds", "fuzz_open")
    os.makedirs(out, exist_ok=True)
    n = 0
    for path in sorted(glob.glob(os.path.join(FIXTURES, "**", "*"), recursive=True)):
        ext = path.rsplit(".", 1)[-1].lower()
        if os.path.isfile(path) and ext in EXT and os.path.getsize(path) < 64 * 1024:
            with open(path, "rb") as f:
                data = f.read()
            with open(os.path.join(out, "f%04d" % n), "wb") as f:
                f.write(bytes([EXT[ext]]) + data)
            n += 1
    for target, samples in TEXT.items():
        folder = os.path.join(HERE, "seeds", target)
        os.makedirs(folder, exist_ok=True)
        for i, text in enumerate(samples):
            with open(os.path.join(folder, "s%02d" % i), "wb") as f:
                f.write(text.encode("utf-8"))
    print("%d workbook seeds" % n)


if __name__ == "__main__":
    main()

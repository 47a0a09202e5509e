#!/usr/bin/env bash
# Packs one platform's download: dist/daicho-<version>-<platform>.zip (files in a folder of the
# same name) and dist/daicho-<version>-<platform>.zip.sha256. Used by scripts/dist-windows.sh and by
# .github/workflows/release.yml on each platform.
#
#   scripts/package-zip.sh PLATFORM EXE DAICHO TARGET [HTML]
#     PLATFORM  windows-x64, linux-x64, macos-arm64 …
#     EXE       the program to ship (daicho.exe or daicho)
#     DAICHO    a daicho this machine can run, to make the template (same `template` code as EXE)
#     TARGET    the Rust target EXE was built for, for the SBOM of its dependencies
#     HTML      the browser page built by scripts/build-web.sh, shipped as daicho.html
#
# The zip holds the program, README-ja.txt (UTF-8 with BOM and CRLF, so Notepad opens it),
# sample.xlsx (fixtures/seed.xlsx), template.xlsx, daicho.html (when HTML is given: the no-install
# way, opened in Edge or Chrome), LICENSE-MIT, LICENSE-APACHE, daicho.cdx.json
# (CycloneDX JSON: every crate compiled into the program for TARGET; cargo-cyclonedx is installed
# from crates.io when missing, and its failure is an error) and SHA256SUMS.txt.
# Prints the zip's path as its last line.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
[ $# -eq 4 ] || [ $# -eq 5 ] || { sed -n '2,11p' "$0" >&2; exit 2; }
PLATFORM=$1 EXE=$2 DAICHO=$3 TARGET=$4 HTML=${5:-}
PYTHON=${PYTHON:-python3}

say() { echo "package-zip: $*" >&2; }
fail() { say "error: $*"; exit 1; }

VERSION=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
[ -n "$VERSION" ] || fail "no version in Cargo.toml"
[ -f "$EXE" ] || fail "no program at $EXE"
NAME="daicho-$VERSION-$PLATFORM"
DIST="$ROOT/dist"
STAGE="$DIST/$NAME"
rm -rf "$STAGE" "$DIST/$NAME.zip" "$DIST/$NAME.zip.sha256"
mkdir -p "$STAGE"

# The program and the blank template its own `template` code makes.
cp "$EXE" "$STAGE/"
"$DAICHO" template -o "$STAGE/template.xlsx" >&2
[ -s "$STAGE/template.xlsx" ] || fail "daicho template wrote nothing"
cp fixtures/seed.xlsx "$STAGE/sample.xlsx"
if [ -n "$HTML" ]; then
  [ -s "$HTML" ] || fail "no browser page at $HTML"
  cp "$HTML" "$STAGE/daicho.html"
fi

# The SBOM: the dependencies of the program as built for TARGET.
if ! cargo cyclonedx --version >/dev/null 2>&1; then
  say "installing cargo-cyclonedx from crates.io"
  cargo install --locked cargo-cyclonedx >&2 || fail "cannot make the SBOM: 'cargo install cargo-cyclonedx' failed"
fi
rm -f "$ROOT"/*.cdx.json
cargo cyclonedx --format json --spec-version 1.5 --all --no-build-deps --target "$TARGET" --override-filename daicho.cdx >&2 \
  || fail "cargo cyclonedx failed"
[ -s "$ROOT/daicho.cdx.json" ] || fail "cargo cyclonedx wrote no daicho.cdx.json"
mv "$ROOT/daicho.cdx.json" "$STAGE/daicho.cdx.json"
# The workspace's browser crate (web/) may get an SBOM of its own: not part of this download.
rm -f "$ROOT"/web/*.cdx.json

# Text files for Windows' Notepad: UTF-8 with a BOM for the Japanese read-me, CRLF everywhere.
"$PYTHON" - "$ROOT" "$STAGE" "$VERSION" <<'PY' || fail "could not write the read-me"
import json, pathlib, sys
root, stage, version = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3]
def crlf(text):
    return text.replace("\r\n", "\n").replace("\n", "\r\n")
readme = (root / "scripts/dist/README-ja.txt").read_text(encoding="utf-8").replace("@VERSION@", version)
(stage / "README-ja.txt").write_text(crlf(readme), encoding="utf-8-sig", newline="")
for name in ["LICENSE-MIT", "LICENSE-APACHE"]:
    (stage / name).write_text(crlf((root / name).read_text(encoding="utf-8")), encoding="utf-8", newline="")
sbom = json.loads((stage / "daicho.cdx.json").read_text(encoding="utf-8"))
assert sbom.get("bomFormat") == "CycloneDX", "the SBOM is not CycloneDX"
assert len(sbom.get("components", [])) > 10, "the SBOM lists almost no dependencies"
PY

# Checksums of everything in the zip (sha256sum's format; PowerShell's Get-FileHash shows the same).
"$PYTHON" - "$STAGE" <<'PY'
import hashlib, pathlib, sys
stage = pathlib.Path(sys.argv[1])
lines = [f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}\r\n"
         for p in sorted(stage.iterdir()) if p.is_file() and p.name != "SHA256SUMS.txt"]
(stage / "SHA256SUMS.txt").write_text("".join(lines), encoding="ascii", newline="")
PY

# The zip, and a checksum file beside it for the release page.
"$PYTHON" - "$DIST" "$NAME" <<'PY'
import hashlib, pathlib, sys, zipfile
dist, name = pathlib.Path(sys.argv[1]), sys.argv[2]
out = dist / f"{name}.zip"
with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    for p in sorted((dist / name).iterdir()):
        z.write(p, f"{name}/{p.name}")
digest = hashlib.sha256(out.read_bytes()).hexdigest()
(dist / f"{name}.zip.sha256").write_text(f"{digest}  {name}.zip\n", encoding="ascii", newline="")
for info in zipfile.ZipFile(out).infolist():
    print(f"  {info.file_size:>10}  {info.filename}", file=sys.stderr)
PY
echo "$DIST/$NAME.zip"

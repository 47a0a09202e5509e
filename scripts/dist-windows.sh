#!/usr/bin/env bash
# Builds the download a hospital gets on this Linux machine: dist/daicho-<version>-windows-x64.zip.
#
#   scripts/dist-windows.sh        # the zip's path is the last line printed
#
# 1. daicho.exe, cross-built with MinGW by scripts/build-windows.sh (x86_64-pc-windows-gnu);
# 2. a check that it imports only Windows' own DLLs (a MinGW runtime DLL would stop it starting);
# 3. scripts/package-zip.sh: the Japanese read-me, sample.xlsx, template.xlsx (made by the Linux
#    build of `daicho template`: the same code as the exe's), the licences, the CycloneDX SBOM of
#    the exe's dependencies, SHA256SUMS.txt and daicho.html (scripts/build-web.sh).
# Where the Windows target or MinGW cannot be installed it says so and exits 0 without a zip, as
# build-windows.sh does. Set CARGO_TARGET_DIR to build elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
TARGET=x86_64-pc-windows-gnu
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}

say() { echo "dist-windows: $*" >&2; }
fail() { say "error: $*"; exit 1; }

BUILD_LOG=$(mktemp)
trap 'rm -f "$BUILD_LOG"' EXIT
scripts/build-windows.sh 2>&1 | tee "$BUILD_LOG" >&2
if grep -q "build-windows: skipped" "$BUILD_LOG"; then
  say "skipped: the Windows target cannot be built here (see above), so there is no zip"
  exit 0
fi
EXE="$TARGET_DIR/$TARGET/release/daicho.exe"
[ -f "$EXE" ] || fail "$EXE was not built"

command -v objdump >/dev/null 2>&1 || fail "objdump (binutils) is needed to check the exe's imports"
DLLS=$(objdump -p "$EXE" | sed -n 's/^[[:space:]]*DLL Name: //p' | tr 'A-Z' 'a-z' | sort -u)
[ -n "$DLLS" ] || fail "objdump found no imports in $EXE"
WINDOWS_DLLS='api-ms-win-[a-z0-9-]+\.dll|(kernel32|kernelbase|ntdll|advapi32|msvcrt|ucrtbase|userenv|ws2_32|bcrypt|bcryptprimitives|shell32|ole32|oleaut32|combase|user32|gdi32|secur32|crypt32|shlwapi)\.dll'
FOREIGN=$(echo "$DLLS" | grep -Evx "$WINDOWS_DLLS" || true)
[ -z "$FOREIGN" ] || fail "daicho.exe imports DLLs that are not part of Windows: $(echo $FOREIGN)"
say "daicho.exe imports only Windows' own DLLs: $(echo $DLLS)"

cargo build --quiet --bin daicho
HTML=$(scripts/build-web.sh | tail -n 1)
scripts/package-zip.sh windows-x64 "$EXE" "$TARGET_DIR/debug/daicho" "$TARGET" "$HTML"

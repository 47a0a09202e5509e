#!/usr/bin/env bash
# Runs the cross-built daicho.exe under Wine on this Linux machine (a smoke test, not CI):
#
#   scripts/wine/run.sh [ARGS...]      # default: drag-and-drop style on a copy of the sample
#
# Wine 8.0 (Debian 12) lacks ProcessPrng, so a shim bcryptprimitives.dll (processprng-shim.c,
# built with MinGW) is put beside a copy of the exe. Needs: wine (apt-get install wine64),
# gcc-mingw-w64-x86-64, and scripts/build-windows.sh run first.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
EXE="${CARGO_TARGET_DIR:-$ROOT/target}/x86_64-pc-windows-gnu/release/daicho.exe"
[ -f "$EXE" ] || { echo "wine-run: build the exe first (scripts/build-windows.sh)" >&2; exit 1; }
command -v wine >/dev/null 2>&1 || { echo "wine-run: wine is not installed" >&2; exit 1; }
WORK=${WINE_WORK:-/tmp/daicho-wine}
mkdir -p "$WORK/bin" "$WORK/病院 台帳"
cp "$EXE" "$WORK/bin/daicho.exe"
x86_64-w64-mingw32-gcc -O2 -shared -o "$WORK/bin/bcryptprimitives.dll" scripts/wine/processprng-shim.c -ladvapi32
export WINEPREFIX="$WORK/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="bcryptprimitives=n,b"
[ -d "$WINEPREFIX" ] || wineboot -i >/dev/null 2>&1 || true
if [ $# -eq 0 ]; then
  cp fixtures/seed.xlsx "$WORK/病院 台帳/𠮷田病院 台帳.xlsx"
  set -- --as-of 2026-11-25 "$(winepath -w "$WORK/病院 台帳/𠮷田病院 台帳.xlsx" 2>/dev/null)"
fi
cd "$WORK"
wine "$WORK/bin/daicho.exe" "$@"

#!/usr/bin/env bash
# Builds the Windows console program daicho.exe (x86_64-pc-windows-gnu) on Linux.
#
#   scripts/build-windows.sh          # prints the path of the .exe at the end
#
# Best-effort: where the Rust target or the MinGW linker cannot be installed (no network, no root),
# it says so and exits 0 without building, so CI can call it unconditionally.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGET=x86_64-pc-windows-gnu
LINKER=x86_64-w64-mingw32-gcc

skip() {
  echo "build-windows: skipped: $*" >&2
  exit 0
}

if ! rustup target list --installed 2>/dev/null | grep -qx "$TARGET"; then
  echo "build-windows: installing the Rust target $TARGET"
  rustup target add "$TARGET" || skip "could not install the Rust target $TARGET (rustup target add failed)"
fi

if ! command -v "$LINKER" >/dev/null 2>&1; then
  echo "build-windows: installing the MinGW-w64 linker (gcc-mingw-w64-x86-64)"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else skip "$LINKER is missing and we are not root"; fi
  fi
  command -v apt-get >/dev/null 2>&1 || skip "$LINKER is missing and apt-get is not available"
  { $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc-mingw-w64-x86-64; } \
    || skip "could not install gcc-mingw-w64-x86-64"
  command -v "$LINKER" >/dev/null 2>&1 || skip "$LINKER still not found after installing"
fi

# rustc's default linker name for this target is x86_64-w64-mingw32-gcc, so no .cargo/config is needed.
# Symbols are stripped for the download (about half the size); panics still unwind and are caught.
CARGO_PROFILE_RELEASE_STRIP=symbols cargo build --release --target "$TARGET"

EXE="${CARGO_TARGET_DIR:-target}/$TARGET/release/daicho.exe"
[ -f "$EXE" ] || { echo "build-windows: $EXE was not produced" >&2; exit 1; }
SIZE=$(wc -c <"$EXE")
case "$EXE" in /*) ;; *) EXE="$(pwd)/$EXE" ;; esac
echo "build-windows: built $EXE ($((SIZE / 1024)) KiB)"

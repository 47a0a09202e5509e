#!/usr/bin/env bash
# Builds daicho.html: the browser page (web/page/) with daicho compiled to WebAssembly (web/),
# all in one self-contained file — the module gzipped and inlined as base64, the JavaScript and
# the styles inline — that runs from file:// and connects nowhere.
#   scripts/build-web.sh            → target/web/daicho.html (its path is the last line printed)
# Installs what it needs: the wasm32 target (rustup) and wasm-bindgen-cli of exactly the version
# of the wasm-bindgen crate in Cargo.lock, cached in ${DAICHO_TOOLS:-$HOME/.cache/daicho-tools}.
# DAICHO_WASM_OPT=1 also runs wasm-opt -Oz (npm's binaryen) when it is on PATH: smaller, slower.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=$root/target/web
tools=${DAICHO_TOOLS:-$HOME/.cache/daicho-tools}
# The cap on one worker's WebAssembly memory: a file that needs more stops with that file's error.
max_memory=$((1024 * 1024 * 1024))

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown >&2
fi

version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
[ -n "$version" ] || { echo "build-web.sh: no wasm-bindgen in Cargo.lock" >&2; exit 1; }
bindgen=$tools/wasm-bindgen-$version/bin/wasm-bindgen
if ! [ -x "$bindgen" ] || [ "$("$bindgen" --version 2>/dev/null)" != "wasm-bindgen $version" ]; then
  echo "build-web.sh: installing wasm-bindgen-cli $version into $tools (a few minutes, once)" >&2
  # Not --locked: its lock file pins a crate version the registry no longer has.
  nice cargo install wasm-bindgen-cli --version "$version" --root "$tools/wasm-bindgen-$version" >&2
fi

CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-C link-arg=--max-memory=$max_memory" \
  nice cargo build -p daicho-web --profile web --target wasm32-unknown-unknown >&2
rm -rf "$out/pkg"; mkdir -p "$out/pkg"
"$bindgen" target/wasm32-unknown-unknown/web/daicho_web.wasm --target no-modules --no-typescript \
  --remove-name-section --remove-producers-section \
  --out-dir "$out/pkg" >&2
wasm=$out/pkg/daicho_web_bg.wasm
if [ "${DAICHO_WASM_OPT:-0}" = 1 ] && command -v wasm-opt > /dev/null; then
  wasm-opt -Oz --enable-bulk-memory --enable-reference-types --enable-multivalue --enable-sign-ext \
    --enable-nontrapping-float-to-int "$wasm" -o "$wasm.opt" >&2 && mv "$wasm.opt" "$wasm"
fi
gzip -9 -n -c "$wasm" > "$out/pkg/daicho_web_bg.wasm.gz"

python3 - "$root/web/page" "$out/pkg" "$out/daicho.html" <<'PY'
import base64, sys, pathlib
page, pkg, target = (pathlib.Path(p) for p in sys.argv[1:])
html = (page / "index.html").read_text(encoding="utf-8")
parts = {
    "/*STYLE*/": (page / "style.css").read_text(encoding="utf-8"),
    "/*WORKER*/": (page / "worker.js").read_text(encoding="utf-8"),
    "/*GLUE*/": (pkg / "daicho_web.js").read_text(encoding="utf-8"),
    "/*APP*/": (page / "app.js").read_text(encoding="utf-8"),
    "/*WASM_GZ_BASE64*/": base64.b64encode((pkg / "daicho_web_bg.wasm.gz").read_bytes()).decode("ascii"),
}
for marker, text in parts.items():
    if html.count(marker) != 1:
        sys.exit(f"build-web.sh: {marker} must appear once in index.html")
    if "</script" in text.lower():
        sys.exit(f"build-web.sh: the text for {marker} would end its <script> early")
    html = html.replace(marker, text)
target.write_text(html, encoding="utf-8")
PY
echo "build-web.sh: $(wc -c < "$out/daicho.html") bytes (wasm $(wc -c < "$wasm"), gzipped $(wc -c < "$out/pkg/daicho_web_bg.wasm.gz"))" >&2
echo "$out/daicho.html"

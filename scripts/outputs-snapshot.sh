#!/usr/bin/env bash
# Runs a daicho binary over every fixture and writes what it produces — JSON reports, annotated workbooks (their
# XML parts, unzipped; docProps/core.xml holds a timestamp and is left out), the template and conversions — into
# one folder, so that two builds can be compared with `diff -r`:
#   scripts/outputs-snapshot.sh OLD_BINARY /tmp/before
#   scripts/outputs-snapshot.sh target/debug/daicho /tmp/after && diff -r /tmp/before /tmp/after
set -uo pipefail
bin=$(realpath "$1"); out=$2
cd "$(dirname "$0")/.."
rm -rf "$out"; mkdir -p "$out"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
unpack() { # xlsx → folder of pretty parts
  local dir=$2; mkdir -p "$dir"
  (cd "$dir" && unzip -q -o "$1" && rm -f docProps/core.xml)
}
find fixtures -type f \( -name '*.xlsx' -o -name '*.xlsm' -o -name '*.xls' -o -name '*.ods' -o -name '*.csv' \
  -o -name '*.tsv' -o -name '*.xlsb' \) -not -path 'fixtures/hostile/*' -not -name '*.checked.*' | sort |
while read -r f; do
  key=${f//\//__}
  "$bin" check --format json --as-of 2026-11-25 "$f" > "$out/$key.json" 2> "$out/$key.stderr"; echo "exit $?" >> "$out/$key.json"
  "$bin" check --annotate --out-dir "$work/a" --as-of 2026-11-25 "$f" > /dev/null 2>&1
  for c in "$work"/a/*.checked.xlsx; do [ -f "$c" ] && unpack "$c" "$out/$key.checked"; done
  rm -rf "$work/a"
  mkdir -p "$work/c"; "$bin" convert -o "$work/c" --as-of 2026-11-25 "$f" > "$out/$key.convert.stdout" 2>&1
  for c in "$work"/c/*; do [ -f "$c" ] || continue
    case "$c" in *.xlsx) unpack "$c" "$out/$key.convert.$(basename "$c")";; *) cp "$c" "$out/$key.convert.$(basename "$c")";; esac
  done
  rm -rf "$work/c"
done
"$bin" template -o "$work/t.xlsx" > /dev/null 2>&1 && unpack "$work/t.xlsx" "$out/template"
"$bin" rules > "$out/rules.txt" 2>&1
for code in $("$bin" rules --lang en 2>/dev/null | grep -oE '^ *[A-Z]{1,2}[0-9]{3}' | tr -d ' '); do
  "$bin" rules "$code" >> "$out/rules.txt" 2>&1
done
# Outputs name the scratch folder (conversion logs): one placeholder, so that two runs compare.
grep -rlF "$work" "$out" | while read -r f; do sed -i "s|$work|WORK|g" "$f"; done
echo "$out"

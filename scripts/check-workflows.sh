#!/usr/bin/env bash
# Validates .github/workflows/*.yml against the GitHub Actions workflow schema
# (check-jsonschema's built-in copy, so no network is needed once it is installed).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v check-jsonschema >/dev/null 2>&1; then
  python3 -m pip install --quiet --disable-pip-version-check check-jsonschema \
    || { echo "check-workflows: cannot install check-jsonschema (pip)" >&2; exit 1; }
fi
check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml

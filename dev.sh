#!/usr/bin/env bash
# The two everyday commands, each doing its own set-up on a fresh machine (Python 3.11 + pip):
#   ./dev.sh run    the chat UI over the starter corpus (extra arguments go to Streamlit)
#   ./dev.sh test   the test suite (extra arguments go to pytest)
#   ./dev.sh setup  the set-up alone (CI starts a Chroma server from the venv before testing)
set -euo pipefail
cd "$(dirname "$0")"
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
VENV=.venv

setup() {
  local stamp="$VENV/.installed-$( (cat pyproject.toml; echo "${STCE_EXTRAS:-test}") | sha256sum | cut -c1-16)"
  [ -f "$stamp" ] && return
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  # The CPU build of torch first (pip finds it on this machine); anything later would pull a CUDA build.
  "$VENV/bin/python" -m pip install -q torch==2.13.0
  "$VENV/bin/python" -m pip install -q -e ".[${STCE_EXTRAS:-test}]"
  touch "$stamp"
}

case "${1:-}" in
  run) setup; shift; exec "$VENV/bin/stce" ui "$@" ;;
  test) setup; shift; exec "$VENV/bin/pytest" "$@" ;;
  setup) setup ;;
  *) echo "usage: ./dev.sh run|test [ARGS...] | setup" >&2; exit 2 ;;
esac

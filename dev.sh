#!/usr/bin/env bash
# The two everyday commands, each doing its own set-up on a fresh machine (Python 3.11 + pip):
#   ./dev.sh run    the chat UI over the starter corpus (extra arguments go to Streamlit)
#   ./dev.sh test   the test suite (extra arguments go to pytest)
#   ./dev.sh setup  the set-up alone (CI starts a Chroma server from the venv before testing)
# STCE_EXTRAS picks the optional extras (default `test`; CI: test,llm,llamacpp,llm-test).
set -euo pipefail
cd "$(dirname "$0")"
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
VENV=.venv
EXTRAS="${STCE_EXTRAS:-test}"

# llama-cpp-python compiles llama.cpp on install. Its default native build (GGML_NATIVE=ON) crashes on
# CPUs that expose AVX-512/AMX inside a VM, so we build for a portable AVX2 baseline unless the user set
# CMAKE_ARGS. pip caches built wheels by version, not by build flags: --no-cache-dir keeps a native wheel
# built elsewhere from being reused and keeps ours out of the cache.
install_llamacpp() {
  local spec
  spec=$(grep -o '"llama-cpp-python==[^"]*"' pyproject.toml | tr -d '"')
  CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON}" \
    CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}" \
    "$VENV/bin/python" -m pip install -q --no-cache-dir --no-binary llama-cpp-python "$spec"
}

setup() {
  local stamp="$VENV/.installed-$( (cat pyproject.toml; echo "$EXTRAS"; echo "${CMAKE_ARGS:-}") | sha256sum | cut -c1-16)"
  [ -f "$stamp" ] && return
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  # The CPU build of torch first (pip finds it on this machine); anything later would pull a CUDA build.
  "$VENV/bin/python" -m pip install -q torch==2.13.0
  case ",$EXTRAS," in *,llamacpp,*) install_llamacpp ;; esac
  "$VENV/bin/python" -m pip install -q -e ".[$EXTRAS]"
  touch "$stamp"
}

case "${1:-}" in
  run) setup; shift; exec "$VENV/bin/stce" ui "$@" ;;
  test) setup; shift; exec "$VENV/bin/pytest" "$@" ;;
  setup) setup ;;
  *) echo "usage: ./dev.sh run|test [ARGS...] | setup" >&2; exit 2 ;;
esac

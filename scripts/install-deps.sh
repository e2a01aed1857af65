#!/usr/bin/env bash
# Installs weft's build and test dependencies from Debian packages (Debian 12).
# With --peers, also what bench/peers/run.py compares weft with (node,
# uvloop for Debian's Python, tokio's crate sources; cargo is not a Debian
# package here). Does nothing when everything is already installed. Works as
# root, or as a user with sudo.
set -euo pipefail

packages=(
  cmake ninja-build g++ clang libclang-rt-14-dev
  libgtest-dev libgmock-dev libbenchmark-dev librapidcheck-dev
  nlohmann-json3-dev libcli11-dev libfmt-dev libasio-dev
  chromium  # headless, for the test that renders weft replay --html
)
if [[ ${1:-} == --peers ]]; then
  packages+=(python3-uvloop librust-tokio-dev)
  command -v node >/dev/null 2>&1 || packages+=(nodejs)
elif [[ $# -gt 0 ]]; then
  echo "usage: scripts/install-deps.sh [--peers]" >&2
  exit 2
fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

if [[ $(id -u) -eq 0 ]]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "install-deps: missing packages (${missing[*]}) and not root, and sudo is not available" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"

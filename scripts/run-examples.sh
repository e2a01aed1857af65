#!/usr/bin/env bash
# Installs the dependencies, builds weft (release preset) and runs the bundled
# examples, printing their output.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release
exec examples/run_all.sh build/release/examples

#!/usr/bin/env bash
# Runs every tutorial example in turn, printing a header, then its output
# (stdout and stderr, in order). Usage: examples/run_all.sh [BUILD_DIR/examples]
# (default: build/release/examples, where `cmake --preset release` builds them).
# Set WEFT_EXAMPLE_TIMESTAMPS=1 to prefix each line with the loop's virtual
# time in milliseconds.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$here/../build/release/examples}

shopt -s nullglob
sources=("$here"/tutorial_*.cpp "$here"/shield_demo.cpp)
if [[ ${#sources[@]} -eq 0 ]]; then
  echo "run_all.sh: no tutorial_*.cpp in $here" >&2
  exit 1
fi

status=0
for src in "${sources[@]}"; do
  name=$(basename "$src" .cpp)
  exe=$bin/$name
  # The first comment line of each example says which tutorial section it is.
  title=$(head -n 1 "$src" | sed 's|^// *||')
  echo "=== $name: $title"
  if [[ ! -x $exe ]]; then
    echo "run_all.sh: $exe is not built (cmake --build <dir> --target run_examples)" >&2
    status=1
    continue
  fi
  "$exe" 2>&1 || { echo "run_all.sh: $name exited with status $?" >&2; status=1; }
  echo
done
exit $status

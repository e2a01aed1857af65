#!/usr/bin/env bash
# Installs the dependencies, builds weft (release preset) and explores the
# bundled race scenarios: for each, how many schedules were run, what failed,
# the shrunk failing trace, the race, and the command that replays it.
# Finding the races is the point, so this exits 0 when the exploration ran.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release
weft=build/release/tools/weft
set +e
"$weft" explore examples/scenarios/*.json --runs 2000 --seed 1 "$@"
rc=$?
set -e
if [[ $rc -gt 1 ]]; then
  exit "$rc"
fi
echo
echo "Each 'replay:' line above reproduces its failure exactly, e.g.:"
first=$("$weft" explore examples/scenarios/lost_update.json --runs 2000 --seed 1 | sed -n 's/^  replay: //p' | head -n 1 || true)
echo "  \$ ${first/weft /$weft }"
${first/weft /$weft } || true

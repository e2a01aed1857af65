#!/usr/bin/env bash
# Runs every libFuzzer target of a fuzz build for SECONDS each, from a copy of
# its seed corpus (the checked-in corpus is never modified), and fails on any
# finding. Builds nothing. Usage:
#
#   fuzz/run_all.sh BUILD_DIR SECONDS [TARGET...]
#
# e.g. fuzz/run_all.sh build/fuzz 60 after `cmake --build --preset fuzz`.
# FUZZ_JOBS=N runs N targets at a time (default: one per core).
# Findings (crash-*, leak-*, timeout-* inputs and the log) are kept under
# BUILD_DIR/fuzz-findings/TARGET/.
#
# fuzz_schedule is the exception: it fuzzes the bundled race scenarios, whose
# races are findings by design. For it, the run must find one, and the
# `weft replay FILE --schedule TOKEN` line it prints must make BUILD_DIR's
# weft fail the same run (exit 1): the whole path from a fuzzer finding to a
# replay is checked.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
if [[ $# -lt 2 ]]; then
  echo "usage: $0 BUILD_DIR SECONDS [TARGET...]" >&2
  exit 2
fi
build=$(cd "$1" && pwd) || exit 2
seconds=$2
shift 2
if [[ ! $seconds =~ ^[1-9][0-9]*$ ]]; then
  echo "$0: SECONDS must be a positive integer, not '$seconds'" >&2
  exit 2
fi
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  for f in "$build"/fuzz/fuzz_*; do
    name=$(basename "$f")
    # fuzz_race_*: the benchmark's race fuzzers (WEFT_FUZZ_RACES), which crash by design.
    [[ -x $f && ! -d $f && $name != *_replay && $name != fuzz_race_* ]] && targets+=("$name")
  done
fi
for t in "${targets[@]}"; do
  if [[ ! -x $build/fuzz/$t || -d $build/fuzz/$t ]]; then
    echo "$0: no fuzz target $t in $build/fuzz" >&2
    exit 2
  fi
done
if [[ ${#targets[@]} -eq 0 ]]; then
  echo "$0: no fuzz targets in $build/fuzz (configure with WEFT_FUZZ=ON: cmake --preset fuzz)" >&2
  exit 2
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Fuzzes target $1 and writes what it found to $work/$1/report; returns 1 on a failure.
fuzz_one() {
  local t=$1 bin=$build/fuzz/$1 corpus=fuzz/corpus/$1 status
  [[ $t == fuzz_schedule_correct ]] && corpus=fuzz/corpus/fuzz_schedule
  local args=(-max_total_time="$seconds" -timeout=10 -print_final_stats=1)
  [[ $t == fuzz_parser ]] && args+=(-dict=fuzz/dict/json.dict)
  mkdir -p "$work/$t/corpus" "$work/$t/artifacts"
  [[ -d $corpus ]] && cp -R "$corpus/." "$work/$t/corpus/"
  local log=$work/$t/log
  exec >"$work/$t/report" 2>&1
  echo "== $t: ${seconds}s from $(find "$work/$t/corpus" -type f | wc -l) seed(s)"
  "$bin" "${args[@]}" -artifact_prefix="$work/$t/artifacts/" "$work/$t/corpus" >"$log" 2>&1
  status=$?
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' "$log" | sed 's/^/   /'
  if [[ $t == fuzz_schedule ]]; then
    # A race must be found, and its replay line must fail the same way.
    local line rc
    line=$(grep -m1 -o 'replay: weft replay .*' "$log" | sed 's/^replay: weft //')
    if [[ $status -eq 0 || -z $line ]]; then
      echo "   FAILED: no race found in ${seconds}s (or no replay line printed)"
      return 1
    fi
    # shellcheck disable=SC2086  # the line is FILE --schedule TOKEN
    "$build/tools/weft" $line >"$work/$t/replay" 2>&1
    rc=$?
    if [[ $rc -ne 1 ]]; then
      echo "   FAILED: 'weft $line' exited $rc, expected 1:"
      sed 's/^/     /' "$work/$t/replay"
      return 1
    fi
    echo "   ok: found a race; 'weft $line' replays it (exit 1)"
    return 0
  fi
  if [[ $status -ne 0 || -n $(ls -A "$work/$t/artifacts") ]]; then
    local keep=$build/fuzz-findings/$t
    mkdir -p "$keep"
    cp "$log" "$work/$t/artifacts/"* "$keep/" 2>/dev/null
    echo "   FAILED (exit $status): finding kept in $keep"
    # The report's first lines, without the long template frames of its stacks.
    grep -E -A25 '^(==[0-9]+==ERROR|weft fuzz|fuzz_|SUMMARY|.*runtime error)' "$log" | cut -c1-160 | head -40 |
      sed 's/^/     /'
    return 1
  fi
  echo "   ok: corpus $(find "$work/$t/corpus" -type f | wc -l) file(s), no finding"
}

# Targets run side by side, FUZZ_JOBS at a time (default: one per core); each
# still gets its full SECONDS, and the reports print in target order.
jobs=${FUZZ_JOBS:-$(nproc)}
if [[ ! $jobs =~ ^[1-9][0-9]*$ ]]; then
  echo "$0: FUZZ_JOBS must be a positive integer, not '$jobs'" >&2
  exit 2
fi
for t in "${targets[@]}"; do
  while [[ $(jobs -rp | wc -l) -ge $jobs ]]; do wait -n; done
  (
    fuzz_one "$t"
    echo $? >"$work/$t/status"
  ) &
done
wait
failed=()
for t in "${targets[@]}"; do
  [[ $(cat "$work/$t/status" 2>/dev/null) == 0 ]] || failed+=("$t")
  cat "$work/$t/report" 2>/dev/null
done

if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz: FAILED: ${failed[*]}"
  exit 1
fi
echo "fuzz: ${#targets[@]} target(s) ran ${seconds}s each with no finding"

#!/usr/bin/env bash
# Runs every libFuzzer target of a fuzz build for SECONDS each, from a copy of
# its seed corpus (the checked-in corpus is never modified), and fails on any
# finding. Builds nothing. Usage:
#
#   fuzz/run_all.sh BUILD_DIR SECONDS [TARGET...]
#
# e.g. fuzz/run_all.sh build/fuzz 60 after `cmake --build --preset fuzz`.
# Findings (crash-*, leak-*, timeout-* inputs and the log) are kept under
# BUILD_DIR/fuzz-findings/TARGET/.
#
# fuzz_schedule is the exception: it fuzzes the bundled race scenarios, whose
# races are findings by design. For it, the run must find one, and the
# `weft replay FILE --schedule TOKEN` line it prints must make BUILD_DIR's
# weft fail the same run (exit 1): the whole path from a fuzzer finding to a
# replay is checked.
set -uo pipefail
cd "$(dirname "$0")/.."
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
if [[ ${#targets[@]} -eq 0 ]]; then
  echo "$0: no fuzz targets in $build/fuzz (configure with WEFT_FUZZ=ON: cmake --preset fuzz)" >&2
  exit 2
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=()

for t in "${targets[@]}"; do
  bin=$build/fuzz/$t
  corpus=fuzz/corpus/$t
  [[ $t == fuzz_schedule_correct ]] && corpus=fuzz/corpus/fuzz_schedule
  args=(-max_total_time="$seconds" -timeout=10 -print_final_stats=1)
  [[ $t == fuzz_parser ]] && args+=(-dict=fuzz/dict/json.dict)
  mkdir -p "$work/$t/corpus" "$work/$t/artifacts"
  [[ -d $corpus ]] && cp -R "$corpus/." "$work/$t/corpus/"
  log=$work/$t/log
  echo "== $t: ${seconds}s from $(find "$work/$t/corpus" -type f | wc -l) seed(s)"
  "$bin" "${args[@]}" -artifact_prefix="$work/$t/artifacts/" "$work/$t/corpus" >"$log" 2>&1
  status=$?
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' "$log" | sed 's/^/   /'
  if [[ $t == fuzz_schedule ]]; then
    # A race must be found, and its replay line must fail the same way.
    line=$(grep -m1 -o 'replay: weft replay .*' "$log" | sed 's/^replay: weft //')
    if [[ $status -eq 0 || -z $line ]]; then
      echo "   FAILED: no race found in ${seconds}s (or no replay line printed)"
      failed+=("$t")
    else
      # shellcheck disable=SC2086  # the line is FILE --schedule TOKEN
      "$build/tools/weft" $line >"$work/$t/replay" 2>&1
      rc=$?
      if [[ $rc -eq 1 ]]; then
        echo "   ok: found a race; 'weft $line' replays it (exit 1)"
      else
        echo "   FAILED: 'weft $line' exited $rc, expected 1:"
        sed 's/^/     /' "$work/$t/replay"
        failed+=("$t")
      fi
    fi
    continue
  fi
  if [[ $status -ne 0 || -n $(ls -A "$work/$t/artifacts") ]]; then
    keep=$build/fuzz-findings/$t
    mkdir -p "$keep"
    cp "$log" "$work/$t/artifacts/"* "$keep/" 2>/dev/null
    echo "   FAILED (exit $status): finding kept in $keep"
    # The report's first lines, without the long template frames of its stacks.
    grep -E -A25 '^(==[0-9]+==ERROR|weft fuzz|fuzz_|SUMMARY|.*runtime error)' "$log" | cut -c1-160 | head -40 |
      sed 's/^/     /'
    failed+=("$t")
  else
    echo "   ok: corpus $(find "$work/$t/corpus" -type f | wc -l) file(s), no finding"
  fi
done

if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz: FAILED: ${failed[*]}"
  exit 1
fi
echo "fuzz: ${#targets[@]} target(s) ran ${seconds}s each with no finding"

#!/usr/bin/env python3
"""Proves the property suite is not vacuous: runs it against each bug planted
in the test-only runtime (WEFT_PLANTED_BUGS=ON, weft/detail/planted.hpp) and
fails unless every bug is caught.

  run_planted.py [--cases N] [--seed S] BINARY...

Each BINARY is a property-suite test program of that build. First every
binary must pass with no bug switched on (a suite that fails anyway would
"catch" everything). Then, for each bug, the binaries run with
WEFT_PLANTED_BUG=NAME; the bug is caught if a property fails. One line per
bug names the property that caught it and after how many cases; the last
line is exactly "planted bugs caught: N/M". Exit 0 if all were caught, 1 if
not, 2 on a usage error.
"""

import argparse
import os
import re
import subprocess
import sys

# The bugs of runtime/src/planted.cpp, in its order.
BUGS = [
    "gather_completion_order",
    "shield_forwards_cancel",
    "task_group_no_sibling_cancel",
    "timeout_one_tick_late",
    "lock_wakes_newest",
    "uncancel_no_decrement",
    "wait_first_completed_empty",
    "queue_drops_on_cancelled_get",
]

RUN = re.compile(r"^\[ RUN      \] (\S+)")
FALSIFIED = re.compile(r"^Falsifiable after (\d+) tests?")
FAILED = re.compile(r"^\[  FAILED  \] (\S+) \(")


def run(binary, bug, cases, seed):
    """Runs one binary; returns its exit code and its failures as (test, cases or None)."""
    env = dict(os.environ)
    env["RC_PARAMS"] = f"seed={seed} max_success={cases}"
    env.pop("WEFT_PLANTED_BUG", None)
    if bug:
        env["WEFT_PLANTED_BUG"] = bug
    p = subprocess.run([binary], env=env, capture_output=True, text=True, timeout=600)
    failures, current, after = [], None, None
    for line in p.stdout.splitlines():
        if m := RUN.match(line):
            current, after = m.group(1), None
        elif m := FALSIFIED.match(line):
            after = int(m.group(1)) + 1  # N tests passed, the next one failed
        elif (m := FAILED.match(line)) and m.group(1) == current:
            failures.append((current, after))
    return p.returncode, failures, p.stdout + p.stderr


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=int, default=100, help="rapidcheck cases per property (default 100)")
    ap.add_argument("--seed", type=int, default=1, help="rapidcheck seed (default 1)")
    ap.add_argument("binaries", nargs="+", help="property-suite test programs of the planted build")
    args = ap.parse_args()
    if args.cases < 1:
        ap.error("--cases must be at least 1")
    for b in args.binaries:
        if not os.access(b, os.X_OK):
            ap.error(f"{b}: not an executable")

    for b in args.binaries:
        code, failures, output = run(b, None, args.cases, args.seed)
        if code != 0:
            print(output)
            print(f"{os.path.basename(b)} fails with no bug planted: fix the suite first")
            print(f"planted bugs caught: 0/{len(BUGS)}")
            return 1

    caught = 0
    for bug in BUGS:
        best = None  # (cases, test)
        for b in args.binaries:
            code, failures, output = run(b, bug, args.cases, args.seed)
            if code != 0 and not failures:
                print(output)
                print(f"{bug}: {os.path.basename(b)} failed without a property failing (exit {code})")
            for test, after in failures:
                key = (after if after is not None else 0, test)
                if best is None or key < best:
                    best = key
        if best:
            caught += 1
            cases = f"after {best[0]} case(s)" if best[0] else "(not a rapidcheck failure)"
            print(f"{bug}: caught by {best[1]} {cases}")
        else:
            print(f"{bug}: SURVIVED: no property failed")
    print(f"planted bugs caught: {caught}/{len(BUGS)}")
    return 0 if caught == len(BUGS) else 1


if __name__ == "__main__":
    sys.exit(main())

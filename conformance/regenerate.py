#!/usr/bin/env python3
"""Regenerates the golden traces from the scenarios, with the CPython oracle.

  regenerate.py            write golden/NAME.txt for every scenarios/NAME.json, and
                           delete goldens whose scenario is gone
  regenerate.py --check    write nothing: compare, print a diff for every stale,
                           missing or orphaned golden, exit 1 if there is one

Golden traces are made here and only here: by CPython 3.13 through oracle.py, never by
weft, never by hand.

Exit status: 0 done (or up to date); 1 a golden out of date, or a scenario that is bad
input; 2 usage; 77 (with "skipped: <reason>" on stdout) when CPython 3.13 is not
available, which ctest reports as a skip.
"""

import difflib
import glob
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_SKIP = 0, 1, 2, 77
USAGES = ([], ["--check"])

# (scenario folder, golden folder), relative to this directory.
FOLDERS = (("scenarios", "golden"),)


def main(argv):
    if argv not in USAGES:
        print(__doc__.strip(), file=sys.stderr)
        return EXIT_USAGE
    check = argv == ["--check"]
    if sys.version_info[:2] != (3, 13):
        print(f"skipped: the oracle needs CPython 3.13, this is {sys.version.split()[0]}"
              " (try: PYENV_VERSION=3.13.0 python3 conformance/regenerate.py)")
        return EXIT_SKIP
    import oracle  # only now: it needs CPython 3.13 to load
    if sys.version_info[:3] != (3, 13, 0):
        print(f"regenerate: warning: the goldens are CPython 3.13.0's; this is {sys.version.split()[0]}",
              file=sys.stderr)
    stale = written = 0
    for scenario_dir, golden_dir in FOLDERS:
        sdir, gdir = os.path.join(HERE, scenario_dir), os.path.join(HERE, golden_dir)
        scenarios = sorted(glob.glob(os.path.join(sdir, "*.json")))
        expected = {}
        for path in scenarios:
            name = os.path.splitext(os.path.basename(path))[0]
            try:
                expected[name + ".txt"] = "".join(line + "\n" for line in oracle.trace_file(path))
            except oracle.BadInput as e:
                print(f"regenerate: bad input: {e}", file=sys.stderr)
                return EXIT_FAILED
        present = {os.path.basename(p) for p in glob.glob(os.path.join(gdir, "*.txt"))}
        for name in sorted(set(expected) | present):
            gpath = os.path.join(gdir, name)
            shown = os.path.join(golden_dir, name)
            old = None
            if name in present:
                with open(gpath, encoding="utf-8") as f:
                    old = f.read()
            new = expected.get(name)
            if old == new:
                continue
            if check:
                stale += 1
                if new is None:
                    print(f"{shown}: orphaned golden (no {scenario_dir}/{name[:-4]}.json)")
                    continue
                sys.stdout.writelines(difflib.unified_diff(
                    (old or "").splitlines(True), new.splitlines(True),
                    fromfile=f"{shown} (stored)" if old is not None else "/dev/null",
                    tofile=f"{shown} (CPython)"))
            elif new is None:
                os.remove(gpath)
                print(f"removed {shown}")
            else:
                os.makedirs(gdir, exist_ok=True)
                with open(gpath, "w", encoding="utf-8", newline="\n") as f:
                    f.write(new)
                written += 1
                print(f"wrote {shown}")
        print(f"{scenario_dir}: {len(scenarios)} scenarios", file=sys.stderr)
    if check:
        if stale:
            print(f"regenerate: {stale} golden trace(s) out of date; run conformance/regenerate.py",
                  file=sys.stderr)
            return EXIT_FAILED
        print("regenerate: every golden trace is up to date", file=sys.stderr)
    else:
        print(f"regenerate: {written} golden trace(s) written", file=sys.stderr)
    return EXIT_OK


def rerun_under_pyenv_313(argv):
    """Runs this script again under pyenv's CPython 3.13.0, if it is installed (as
    oracle.py does); returns if it is not."""
    exe = os.path.join(os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv")),
                       "versions", "3.13.0", "bin", "python3")
    if os.access(exe, os.X_OK):
        os.execve(exe, [exe, os.path.abspath(__file__)] + argv, dict(os.environ, PYENV_VERSION="3.13.0"))


if __name__ == "__main__":
    if sys.argv[1:] in USAGES and sys.version_info[:2] != (3, 13):
        rerun_under_pyenv_313(sys.argv[1:])
    code = main(sys.argv[1:])
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # finished runs stay alive in oracle._graveyard: never collect them

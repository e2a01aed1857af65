#!/usr/bin/env python3
"""Runs every reference program under CPython 3.13 and stores its output.

    PYENV_VERSION=3.13.0 python3 tests/reference/record.py          # rewrite NAME.out
    PYENV_VERSION=3.13.0 python3 tests/reference/record.py --check  # compare only

Outputs are made by CPython only, never by weft and never by hand.

Exit status: 0 done (or up to date); 1 a stale output or a program that failed;
2 usage; 77 (with "skipped: <reason>" on stdout) when this is not CPython 3.13, which
ctest reports as a skip.
"""
import difflib
import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent


EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_SKIP = 0, 1, 2, 77


def main(argv):
    if argv not in ([], ["--check"]):
        print(__doc__.strip(), file=sys.stderr)
        return EXIT_USAGE
    check = argv == ["--check"]
    if sys.version_info[:2] != (3, 13):
        print(f"skipped: reference programs need CPython 3.13, this is {sys.version.split()[0]}"
              " (try: PYENV_VERSION=3.13.0 python3 tests/reference/record.py)")
        return EXIT_SKIP
    failed = 0
    programs = sorted(p for p in HERE.glob("*.py") if p.name not in ("vloop.py", "record.py"))
    for prog in programs:
        run = subprocess.run([sys.executable, prog.name], cwd=HERE, capture_output=True, text=True, timeout=60)
        if run.returncode != 0:
            print(f"{prog.name}: exited {run.returncode}\n{run.stderr}")
            failed += 1
            continue
        out = prog.with_suffix(".out")
        if check:
            old = out.read_text() if out.exists() else ""
            if old != run.stdout:
                failed += 1
                print(f"{out.name} is stale:")
                sys.stdout.writelines(difflib.unified_diff(old.splitlines(True), run.stdout.splitlines(True),
                                                           "stored", "cpython"))
        elif not out.exists() or out.read_text() != run.stdout:
            out.write_text(run.stdout)
            print(f"wrote {out.name}")
    print(f"{len(programs)} reference programs, {failed} failing")
    return EXIT_FAILED if failed else EXIT_OK


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

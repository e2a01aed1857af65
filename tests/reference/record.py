#!/usr/bin/env python3
"""Runs every reference program under CPython 3.13 and stores its output.

    PYENV_VERSION=3.13.0 python3 tests/reference/record.py          # rewrite NAME.out
    PYENV_VERSION=3.13.0 python3 tests/reference/record.py --check  # compare only

Outputs are made by CPython only, never by weft and never by hand.
"""
import difflib
import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent


def main():
    check = "--check" in sys.argv[1:]
    if sys.version_info[:2] != (3, 13):
        print(f"reference programs need CPython 3.13, this is {sys.version.split()[0]}")
        return 2
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
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

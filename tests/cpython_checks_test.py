#!/usr/bin/env python3
"""Exit codes of the scripts behind the CPython checks (ReferenceOutputsAreCurrent,
ConformanceGoldensAreCurrent, OracleSelfTest): ctest counts their SKIP_RETURN_CODE
(given as WEFT_SKIP_RETURN_CODE, 77) as a skip, so that code must mean "CPython 3.13 is
not available" and nothing else; a usage error is 2, which ctest counts as a failure.

Runs under any Python 3: "not CPython 3.13" is simulated by running a script with
sys.version_info set to 3.12 and no pyenv to re-run it under."""

import os
import subprocess
import sys
import unittest

TESTS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(TESTS)
REGENERATE = os.path.join(ROOT, "conformance", "regenerate.py")
TEST_ORACLE = os.path.join(ROOT, "conformance", "test_oracle.py")
RECORD = os.path.join(TESTS, "reference", "record.py")
EXIT_USAGE = 2
EXIT_SKIP = int(os.environ.get("WEFT_SKIP_RETURN_CODE", "77"))

# Runs the script (argv[1]) as __main__ with argv[2:], as if this were CPython 3.12.
AS_312 = """
import collections, runpy, sys
sys.version_info = collections.namedtuple("version_info", "major minor micro releaselevel serial")(
    3, 12, 0, "final", 0)
sys.version = "3.12.0 (simulated)"
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def run(script, *args, as_312=False):
    cmd = [sys.executable] + (["-c", AS_312] if as_312 else []) + [script, *args]
    env = dict(os.environ, PYENV_ROOT=os.path.join(TESTS, "no-such-pyenv"))  # nothing to re-run under
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env, cwd=ROOT)


class ExitCodeTest(unittest.TestCase):
    def assert_usage_error(self, r):
        self.assertEqual(r.returncode, EXIT_USAGE, r.stdout + r.stderr)
        self.assertNotEqual(r.returncode, EXIT_SKIP, "ctest would report this usage error as a skip")
        self.assertNotRegex(r.stdout, r"(?m)^skipped: ")

    def assert_skipped(self, r):
        self.assertEqual(r.returncode, EXIT_SKIP, r.stdout + r.stderr)
        self.assertRegex(r.stdout, r"(?m)^skipped: .*CPython 3\.13")

    def test_regenerate_usage_error_is_a_failure(self):
        for args in (["--bogus"], ["--check", "--check"], ["check"]):
            with self.subTest(args=args):
                r = run(REGENERATE, *args)
                self.assert_usage_error(r)
                self.assertIn("regenerate.py --check", r.stderr)
        # Also where CPython 3.13 is missing: the usage error wins over the skip.
        self.assert_usage_error(run(REGENERATE, "--bogus", as_312=True))

    def test_regenerate_skips_only_without_cpython_313(self):
        self.assert_skipped(run(REGENERATE, "--check", as_312=True))

    def test_record_usage_error_is_a_failure(self):
        self.assert_usage_error(run(RECORD, "--bogus"))
        self.assert_usage_error(run(RECORD, "--bogus", as_312=True))

    def test_record_skips_only_without_cpython_313(self):
        self.assert_skipped(run(RECORD, "--check", as_312=True))

    def test_oracle_self_test_usage_error_is_a_failure(self):
        self.assert_usage_error(run(TEST_ORACLE, "--bogus"))

    def test_oracle_self_test_skips_only_without_cpython_313(self):
        self.assert_skipped(run(TEST_ORACLE, as_312=True))


if __name__ == "__main__":
    unittest.main()

#!/usr/bin/env python3
"""Self-test of the conformance oracle: run with
    PYENV_VERSION=3.13.0 python3 conformance/test_oracle.py
It runs the oracle as a command (as regenerate.py and users do) and checks the spec's
example trace, the run's endings, bad-input messages and exit codes, and the goldens.
Exit status: 0 passed, 1 a failure, 2 usage, 77 (with "skipped: <reason>") when this is
not CPython 3.13, which ctest reports as a skip."""

import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ORACLE = os.path.join(HERE, "oracle.py")

# The scenario of the spec's File section; its Example section gives the trace.
SPEC_EXAMPLE = {
    "name": "tasks_run_concurrently",
    "main": "main",
    "coros": {
        "main": [{"op": "spawn", "var": "t1", "coro": "slow"},
                 {"op": "log", "msg": "started"},
                 {"op": "await", "aw": {"task": "t1"}, "into": "r"},
                 {"op": "log", "msg": "got {r}"}],
        "slow": [{"op": "sleep", "d": 5}, {"op": "return", "value": 5}],
    },
}


def log(msg):
    return {"op": "log", "msg": msg}


IS_313 = sys.version_info[:2] == (3, 13)
SKIP_REASON = "the oracle needs CPython 3.13 (PYENV_VERSION=3.13.0 python3 conformance/test_oracle.py)"
EXIT_FAILED, EXIT_SKIP = 1, 77


@unittest.skipUnless(IS_313, SKIP_REASON)
class OracleTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def write(self, doc, name="s.json"):
        path = os.path.join(self.tmp.name, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(doc if isinstance(doc, str) else json.dumps(doc))
        return path

    def oracle(self, *args):
        return subprocess.run([sys.executable, ORACLE, *args], capture_output=True,
                              text=True, encoding="utf-8", timeout=600)

    def trace(self, doc):
        r = self.oracle(self.write(doc))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, "")
        return r.stdout.splitlines()

    def bad(self, doc, pointer, fragment, check_only=True):
        """doc is bad input: exit 2, one message naming the file, pointer and problem."""
        path = self.write(doc)
        for args in ((["--check", path], [path]) if check_only else ([path],)):
            r = self.oracle(*args)
            self.assertEqual(r.returncode, 2, (args, r.stdout, r.stderr))
            self.assertEqual(r.stdout, "")
            where = f"{path}:{pointer}:" if pointer else f"{path}:"
            self.assertIn(where, r.stderr)
            self.assertIn(fragment, r.stderr)

    # -- traces

    def test_spec_example(self):
        self.assertEqual(self.trace(SPEC_EXAMPLE),
                         ["0 main: started", "5 main: got 5", "= main result None", "= t1 result 5"])

    def test_several_files_are_headed(self):
        a = self.write(SPEC_EXAMPLE, "a.json")
        b = self.write({"coros": {"main": [log("b")]}}, "b.json")
        r = self.oracle(a, b)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.splitlines(),
                         [f"== {a}", "0 main: started", "5 main: got 5", "= main result None",
                          "= t1 result 5", f"== {b}", "0 main: b", "= main result None"])

    def test_check_prints_nothing(self):
        r = self.oracle("--check", self.write(SPEC_EXAMPLE))
        self.assertEqual((r.returncode, r.stdout, r.stderr), (0, "", ""))

    def test_deadlock(self):
        doc = {"coros": {"main": [{"op": "event", "var": "e"}, log("waiting"),
                                  {"op": "event_wait", "var": "e"}, log("never")]}}
        self.assertEqual(self.trace(doc), ["0 main: waiting", "= deadlock"])

    def test_step_limit(self):
        # Each task runs 999 sleep(0) and spawns the next: 1,000,000 statements run,
        # the 1,000,001st ends the run. No line follows but the ending.
        body = [{"op": "sleep", "d": 0}] * 999 + [{"op": "spawn", "var": "n", "coro": "chain"}]
        doc = {"coros": {"main": [log("start"), {"op": "spawn", "var": "n", "coro": "chain"},
                                  {"op": "sleep", "d": 10}],
                         "chain": body}}
        self.assertEqual(self.trace(doc), ["0 main: start", "= step limit"])

    def test_step_limit_counts_exactly(self):
        # main runs 3 statements; a task of 999,997 statements fits, one more does not.
        def doc(n):
            return {"coros": {"main": [{"op": "spawn", "var": "t", "coro": "work"},
                                       {"op": "await", "aw": {"task": "t"}}, log("done")],
                              "work": [{"op": "set", "var": "x", "value": 0}] * n}}
        self.assertEqual(self.trace(doc(999_997))[:2], ["0 main: done", "= main result None"])
        self.assertEqual(self.trace(doc(999_998)), ["= step limit"])

    def test_endless_recursion_is_the_step_limit(self):
        self.assertEqual(self.trace({"coros": {"main": [{"op": "await", "aw": {"coro": "main"}}]}}),
                         ["= step limit"])

    def test_failed_assert_freezes(self):
        doc = {"coros": {"main": [{"op": "spawn", "var": "t", "coro": "c"}, log("before"),
                                  {"op": "sleep", "d": 1}, log("never")],
                         "c": [{"op": "try", "body": [{"op": "assert", "var": "x", "eq": 1}],
                                "handlers": [{"exc": "BaseException", "body": [log("caught")]}],
                                "finally": [log("finally")]}]}}
        self.assertEqual(self.trace(doc), ["0 main: before", "= assertion failed: x == 1 (was None)"])

    def test_tutorial_twins_exist(self):
        names = sorted(os.listdir(os.path.join(HERE, "scenarios")))
        for twin in ("tutorial_2_1_sleep.json", "tutorial_2_2_tasks.json",
                     "tutorial_2_5_1_cancel.json", "tutorial_3_1_eager_factory.json"):
            self.assertIn(twin, names)

    def test_goldens_are_current(self):
        r = subprocess.run([sys.executable, os.path.join(HERE, "regenerate.py"), "--check"],
                           capture_output=True, text=True, timeout=600)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    # -- bad input: the File section

    def test_bad_json(self):
        self.bad("{", "", "not valid JSON")
        self.bad('{"coros": {"main": []}, "coros": {}}', "", "duplicate key")
        self.bad([], "", "must be a JSON object")

    def test_bad_top_level(self):
        self.bad({"main": "main"}, "", "missing field 'coros'")
        self.bad({"coros": []}, "/coros", "coros must be an object")
        self.bad({"coros": {"other": []}}, "", "main coroutine 'main' is not defined")
        self.bad({"main": "entry", "coros": {"main": []}}, "/main", "'entry' is not defined")
        self.bad({"version": 2, "coros": {"main": []}}, "/version", "version must be 1")
        self.bad({"coros": {"main": [], "bad-name": []}}, "/coros/bad-name", "not a valid coroutine name")
        self.bad({"coros": {"main": {}}}, "/coros/main", "a body must be a list")

    def test_bad_statements(self):
        def main(*stmts):
            return {"why": "ignored", "coros": {"main": list(stmts), "c": []}}
        self.bad(main(log("ok"), {"op": "jump"}), "/coros/main/1/op", "unknown op 'jump'")
        self.bad(main({"msg": "x"}), "/coros/main/0", "missing field 'op'")
        self.bad(main({"op": "log"}), "/coros/main/0", "missing field 'msg'")
        self.bad(main({"op": "log", "msg": "x", "level": 1}), "/coros/main/0/level", "unknown field 'level'")
        self.bad(main({"op": "sleep", "d": 1.5}), "/coros/main/0/d", "not a fraction")
        self.bad(main({"op": "sleep", "d": 10**9 + 1}), "/coros/main/0/d", "out of range")
        self.bad(main({"op": "sleep", "d": None}), "/coros/main/0/d", "not null")
        self.bad(main({"op": "sleep", "d": True}), "/coros/main/0/d", "expected an integer")
        self.bad(main({"op": "set", "var": "x", "value": 2**31}), "/coros/main/0/value", "out of range")
        self.bad(main({"op": "set", "var": "x", "value": [1]}), "/coros/main/0/value", "expected null")
        self.bad(main({"op": "set", "var": "1x", "value": 1}), "/coros/main/0/var", "not a valid variable name")
        self.bad(main({"op": "set", "var": "..x", "value": 1}), "/coros/main/0/var", "not a valid variable name")
        self.bad(main({"op": "set", "var": "x", "value": "$"}), "/coros/main/0/value", "does not name a variable")
        self.bad(main(log("{x")), "/coros/main/0/msg", "without a closing")
        self.bad(main(log("{not a var}")), "/coros/main/0/msg", "does not name a variable")
        self.bad(main({"op": "spawn", "var": "t", "coro": "nope"}), "/coros/main/0/coro", "'nope' is not defined")
        self.bad(main({"op": "await", "aw": {"coro": "nope"}}), "/coros/main/0/aw/coro", "'nope' is not defined")
        self.bad(main({"op": "await", "aw": {"task": "t", "coro": "c"}}), "/coros/main/0/aw", "expected an awaitable")
        self.bad(main({"op": "wait", "items": [{"coro": "c"}]}), "/coros/main/0/items/0", "tasks only")
        self.bad(main({"op": "raise", "exc": "ValueError"}), "/coros/main/0/exc", "reserved")
        self.bad(main({"op": "raise", "exc": "Bad Kind"}), "/coros/main/0/exc", "not a valid exception kind")
        self.bad(main({"op": "reraise"}), "/coros/main/0", "reraise outside an exception handler")
        self.bad(main({"op": "try", "body": [{"op": "reraise"}],
                       "handlers": [{"exc": "E", "body": []}]}),
                 "/coros/main/0/body/0", "reraise outside")
        self.bad(main({"op": "try", "body": [], "handlers": [{"exc": "E", "body": [], "when": 1}]}),
                 "/coros/main/0/handlers/0/when", "unknown field 'when'")
        self.bad(main({"op": "try", "body": [], "handlers": [{"body": []}]}),
                 "/coros/main/0/handlers/0", "missing field 'exc'")
        self.bad(main({"op": "spawn", "var": "t", "coro": "c", "group": "g", "eager": False}),
                 "/coros/main/0", "'group' and 'eager' together")
        self.bad(main({"op": "wait", "items": [], "return_when": "FIRST"}), "/coros/main/0/return_when", "return_when")
        self.bad(main({"op": "reschedule", "cm": "cm"}), "/coros/main/0", "exactly one of")
        self.bad(main({"op": "queue", "var": "q", "kind": "stack"}), "/coros/main/0/kind", "fifo, lifo or priority")

    def test_bad_task_names(self):
        def spawn(**kw):
            return {"coros": {"main": [dict({"op": "spawn", "coro": "c"}, **kw)], "c": []}}
        self.bad(spawn(var="t", name="Task-1"), "/coros/main/0/name", "must not start with 'Task-'")
        self.bad(spawn(var="t", name="~t"), "/coros/main/0/name", "must not start with '~'")
        self.bad(spawn(var="t", name=""), "/coros/main/0/name", "must not be empty")
        self.bad(spawn(var="main"), "/coros/main/0/var", "reserved for the main task")

    # -- bad input found while running

    def test_bad_while_running(self):
        def main(*stmts):
            return {"coros": {"main": list(stmts)}}
        self.bad(main(log("{x}")), "/coros/main/0/msg", "'x' is read before it is set", check_only=False)
        self.bad(main({"op": "set", "var": "x", "value": 1}, {"op": "add", "var": "x", "value": "s"}),
                 "/coros/main/1", "two integers or two strings", check_only=False)
        self.bad(main({"op": "set", "var": "x", "value": 2**31 - 1}, {"op": "add", "var": "x", "value": 1}),
                 "/coros/main/1", "integer range", check_only=False)
        self.bad(main({"op": "event", "var": "e"}, log("{e}")), "/coros/main/1/msg", "cannot render", check_only=False)
        self.bad(main({"op": "set", "var": "t", "value": 1}, {"op": "await", "aw": {"task": "t"}}),
                 "/coros/main/1/aw/task", "not a task", check_only=False)
        self.assertEqual(self.oracle("--check", self.write(main(log("{x}")))).returncode, 0)


if __name__ == "__main__":
    result = unittest.main(exit=False).result  # a usage error exits 2 here
    if not result.wasSuccessful():
        sys.exit(EXIT_FAILED)
    if not IS_313:
        print(f"skipped: {SKIP_REASON}")
        sys.exit(EXIT_SKIP)

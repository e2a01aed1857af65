#!/usr/bin/env python3
"""Tests of the random program generator (generate.py) and of the differential test's
shrinker and command (differential.py). Run with
    PYENV_VERSION=3.13.0 python3 conformance/test_differential.py
The tests that need CPython 3.13 (validity of generated programs, shrinking against the
oracle, the command end to end) are skipped without it, and the run then exits 77 (a
skip for ctest) once the others have passed; weft is never needed: a fake weft that
wraps the oracle stands in for it."""

import json
import os
import stat
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import differential  # noqa: E402
import generate  # noqa: E402

DIFFERENTIAL = os.path.join(HERE, "differential.py")
PYTHON313 = differential.find_cpython313()
needs_cpython = unittest.skipIf(PYTHON313 is None, "CPython 3.13 is not available")


PROLOGUE_OPS = ("set", "event", "lock", "semaphore", "queue", "spawn")


def walk(stmts, depth=1):
    """(statement, nesting depth) for every statement of a body, nested ones included."""
    for s in stmts:
        yield s, depth
        for key in ("body", "finally"):
            if isinstance(s.get(key), list):
                yield from walk(s[key], depth + 1)
        for h in s.get("handlers", ()):
            yield from walk(h["body"], depth + 1)


def referenced(s):
    out = []
    if s["op"] == "spawn":
        out.append(s["coro"])
    if isinstance(s.get("aw"), dict) and "coro" in s["aw"]:
        out.append(s["aw"]["coro"])
    out.extend(a["coro"] for a in s.get("items", ()) if "coro" in a)
    return out


def coro_index(name):
    return 0 if name == "main" else int(name[1:])


def fake_weft(directory, sed=None):
    """An executable standing in for weft: runs the oracle on the same files and
    optionally rewrites its output with the Python regex substitution `sed`."""
    path = os.path.join(directory, "fake_weft.py")
    with open(path, "w", encoding="utf-8") as f:
        f.write("#!" + PYTHON313[0] + "\n" if len(PYTHON313) == 1 else "#!/usr/bin/env python3\n")
        f.write(f"""import re, subprocess, sys
assert sys.argv[1] == "trace"
r = subprocess.run({PYTHON313!r} + [{os.path.join(HERE, "oracle.py")!r}] + sys.argv[2:], capture_output=True, text=True)
out = r.stdout
sed = {sed!r}
if sed:
    out = re.sub(sed[0], sed[1], out, flags=re.M)
sys.stdout.write(out)
sys.stderr.write(r.stderr)
sys.exit(r.returncode)
""")
    os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)
    return path


class GeneratorTest(unittest.TestCase):
    def test_splitmix64_reference_values(self):
        # Vigna's splitmix64: the first outputs for seeds 0 and 1234567.
        r = generate.SplitMix64(0)
        self.assertEqual(r.next(), 0xE220A8397B1DCDAF)
        r = generate.SplitMix64(1234567)
        self.assertEqual([r.next() for _ in range(3)],
                         [6457827717110365317, 3203168211198807973, 9817491932198370423])

    def test_same_seed_same_program(self):
        for seed in (0, 1, 2, 17, 12345, 2**40 + 3):
            self.assertEqual(generate.dumps(generate.generate(seed)), generate.dumps(generate.generate(seed)))
        programs = {generate.dumps(generate.generate(s)) for s in range(1, 51)}
        self.assertGreater(len(programs), 45, "different seeds should give different programs")

    def test_shape(self):
        """Small, acyclic by construction: coroutine k refers only to coroutines > k."""
        for seed in range(1, 301):
            doc = generate.generate(seed)
            with self.subTest(seed=seed):
                coros = doc["coros"]
                self.assertIn("main", coros)
                self.assertLessEqual(len(coros), 6)
                for name, body in coros.items():
                    top = list(body)
                    while name == "main" and top and top[0]["op"] in PROLOGUE_OPS and top[0]["var"][0] != ".":
                        top.pop(0)      # main's prologue: the globals
                    self.assertLessEqual(len(top), 12)
                    for s, depth in walk(body):
                        self.assertLessEqual(depth - 1, 3, s)   # enclosing compound statements
                        if s["op"] == "sleep":
                            self.assertLessEqual(s["d"], 5)
                        for target in referenced(s):
                            self.assertIn(target, coros)
                            self.assertGreater(coro_index(target), coro_index(name))

    def test_every_op_is_generated(self):
        seen = set()
        for seed in range(1, 401):
            for body in generate.generate(seed)["coros"].values():
                seen.update(s["op"] for s, _ in walk(body))
        spec_ops = {
            "log", "sleep", "spawn", "await", "cancel", "state", "return", "raise", "reraise", "try",
            "gather", "wait", "wait_for", "shield", "timeout", "timeout_at", "reschedule", "expired",
            "taskgroup", "uncancel", "cancelling", "eager_factory", "set", "add", "assert",
            "event", "event_set", "event_clear", "event_wait", "lock", "semaphore", "acquire",
            "release", "locked", "queue", "put", "get", "task_done", "join"}
        self.assertEqual(spec_ops - seen, set())

    @needs_cpython
    def test_generated_programs_are_valid(self):
        """They pass oracle.py --check, and run to a trace: no bad input found while
        running (an unset variable, a rendered primitive), no step limit."""
        with tempfile.TemporaryDirectory() as tmp:
            docs = [generate.generate(s) for s in range(1, 151)]
            files = []
            for k, doc in enumerate(docs):
                files.append(os.path.join(tmp, f"p{k:03d}.json"))
                with open(files[-1], "w", encoding="utf-8") as f:
                    f.write(generate.dumps(doc))
            r = subprocess.run(PYTHON313 + [os.path.join(HERE, "oracle.py"), "--check"] + files,
                               capture_output=True, text=True, timeout=600)
            self.assertEqual((r.returncode, r.stderr), (0, ""))
            got = differential.oracle_engine(PYTHON313).run(files)
            for f in files:
                self.assertEqual(got[f].kind, "trace", f"{f}: {got[f].text}")
                self.assertNotIn("= step limit", got[f].text)


def has_op(doc, op):
    return any(s["op"] == op for body in doc["coros"].values() for s, _ in walk(body))


class ShrinkerTest(unittest.TestCase):
    def test_shrinks_to_what_the_predicate_needs(self):
        """With a predicate on the program alone, only the statement it needs is left."""
        seed = next(s for s in range(1, 1000) if has_op(generate.generate(s), "cancel")
                    and differential.statements(generate.generate(s)) > 20)
        doc = generate.generate(seed)
        calls = []

        def still_fails(batch):
            calls.append(len(batch))
            return [has_op(d, "cancel") for d in batch]

        small = differential.shrink(doc, still_fails)
        self.assertTrue(has_op(small, "cancel"))
        self.assertEqual(differential.statements(small), 1, differential.pretty(small))
        self.assertLess(differential.measure(small), differential.measure(doc))
        self.assertEqual(set(small["coros"]), {"main"} | set(small["coros"]))

    def test_no_candidate_is_the_program_itself(self):
        doc = generate.generate(3)
        size = differential.measure(doc)
        for c in differential.candidates(doc):
            self.assertNotEqual(generate.dumps(c), generate.dumps(doc))
            self.assertLessEqual(differential.statements(c), differential.statements(doc))
        self.assertEqual(differential.measure(doc), size, "candidates must not modify the program")

    @needs_cpython
    def test_shrinks_against_the_oracle(self):
        """A fake 'differs' predicate: the oracle's trace contains a given line. The
        shrunk program is smaller, valid, and still prints that line."""
        oracle = differential.oracle_engine(PYTHON313)
        with tempfile.TemporaryDirectory() as tmp:
            docs = [generate.generate(s) for s in range(1, 80)]
            traces = differential.run_docs([oracle], docs, tmp, "seed")
            for doc, (out,) in zip(docs, traces):
                lines = [ln for ln in out.text.splitlines() if " caught " in ln]
                if out.kind == "trace" and lines and differential.statements(doc) > 15:
                    break
            else:
                self.fail("no generated program logs a caught exception")
            wanted = lines[0].split(": ", 1)[1]     # the text, whatever the task and time

            def still_fails(batch):
                res = differential.run_docs([oracle], batch, tmp, "cand")
                return [o.kind == "trace" and any(ln.endswith(": " + wanted) for ln in o.text.splitlines())
                        for (o,) in res]

            small = differential.shrink(doc, still_fails)
            self.assertLess(differential.statements(small), differential.statements(doc))
            self.assertEqual(still_fails([small]), [True])
            path = os.path.join(tmp, "small.json")
            with open(path, "w", encoding="utf-8") as f:
                f.write(generate.dumps(small))
            r = subprocess.run(PYTHON313 + [os.path.join(HERE, "oracle.py"), "--check", path],
                               capture_output=True, text=True, timeout=120)
            self.assertEqual((r.returncode, r.stderr), (0, ""))


class EngineTest(unittest.TestCase):
    def test_crash_and_hang_cost_only_their_file(self):
        """A batch that crashes or hangs is resumed after the file it died on."""
        with tempfile.TemporaryDirectory() as tmp:
            engine_path = os.path.join(tmp, "engine.py")
            with open(engine_path, "w", encoding="utf-8") as f:
                f.write("#!" + sys.executable + """
import os, signal, sys, time
files = sys.argv[2:]
for path in files:
    text = open(path).read()
    if "CRASH" in text:
        sys.stdout.flush()
        os.kill(os.getpid(), signal.SIGSEGV)
    if "HANG" in text:
        sys.stdout.flush()
        time.sleep(60)
    if "BAD" in text:
        print(path + ": /coros: bad", file=sys.stderr)
        status = 2
    if len(files) > 1:
        print("== " + path)
    if "BAD" not in text:
        print("= main result " + os.path.basename(path))
sys.exit(2 if any("BAD" in open(p).read() for p in files) else 0)
""")
            os.chmod(engine_path, 0o755)
            names = ["ok", "CRASH", "ok", "BAD", "HANG", "ok", "ok"]
            files = []
            for k, n in enumerate(names):
                files.append(os.path.join(tmp, f"f{k}.json"))
                with open(files[-1], "w", encoding="utf-8") as f:
                    f.write(n)
            saved = differential.BATCH_TIMEOUT, differential.FILE_TIMEOUT
            differential.BATCH_TIMEOUT, differential.FILE_TIMEOUT = 1.5, 1
            try:
                got = differential.Engine("weft", [engine_path, "trace"], 2).run(files)
            finally:
                differential.BATCH_TIMEOUT, differential.FILE_TIMEOUT = saved
            kinds = [got[f].kind for f in files]
            self.assertEqual(kinds, ["trace", "error", "trace", "bad", "error", "trace", "trace"])
            self.assertEqual(got[files[6]].text, "= main result f6.json\n")
            self.assertIn("more than", got[files[4]].text)


class CommandTest(unittest.TestCase):
    def run_cli(self, *args):
        return subprocess.run([sys.executable, DIFFERENTIAL, *args], capture_output=True, text=True,
                              timeout=600)

    def test_usage_errors(self):
        self.assertEqual(self.run_cli().returncode, 2)
        r = self.run_cli("--weft", "/nonexistent/weft", "--count", "1")
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("not found", r.stderr)

    def test_skipped_without_cpython(self):
        saved = differential.find_cpython313
        differential.find_cpython313 = lambda: None
        try:
            from io import StringIO
            from contextlib import redirect_stdout
            out = StringIO()
            with redirect_stdout(out):
                code = differential.main(["--weft", sys.executable, "--count", "3"])
        finally:
            differential.find_cpython313 = saved
        self.assertEqual(code, 77)
        self.assertTrue(out.getvalue().startswith("skipped: "), out.getvalue())

    @needs_cpython
    def test_equal_engines_pass(self):
        with tempfile.TemporaryDirectory() as tmp:
            r = self.run_cli("--weft", fake_weft(tmp), "--count", "20", "--seed", "7")
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertIn("20 equal, 0 failing", r.stdout)

    @needs_cpython
    def test_mismatch_is_shrunk_and_reported(self):
        with tempfile.TemporaryDirectory() as tmp:
            # A "weft" that gets every main outcome wrong.
            weft = fake_weft(tmp, (r"^= main (.*)$", r"= main wrong"))
            keep = os.path.join(tmp, "keep")
            r = self.run_cli("--weft", weft, "--count", "3", "--seed", "1", "--max-shrink", "1",
                             "--keep-dir", keep)
            self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
            self.assertIn("FAIL seed", r.stdout)
            self.assertIn("= main wrong", r.stdout)
            shrunk = [f for f in os.listdir(keep) if f.startswith("mismatch_seed_")]
            self.assertEqual(len(shrunk), 1)
            with open(os.path.join(keep, shrunk[0]), encoding="utf-8") as f:
                doc = json.load(f)
            # Nothing is needed for the difference but main itself.
            self.assertEqual(differential.statements(doc), 0, r.stdout)

    @needs_cpython
    def test_bad_input_is_a_failure(self):
        with tempfile.TemporaryDirectory() as tmp:
            # A "weft" that rejects every program.
            path = os.path.join(tmp, "reject.py")
            with open(path, "w", encoding="utf-8") as f:
                f.write("#!/bin/sh\nfor f in \"$@\"; do [ \"$f\" = trace ] || echo \"$f: /coros: nope\" >&2; done; exit 2\n")
            os.chmod(path, 0o755)
            r = self.run_cli("--weft", path, "--count", "2", "--max-shrink", "0")
            self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
            self.assertIn("weft says bad input", r.stdout)


if __name__ == "__main__":
    result = unittest.main(exit=False).result  # a usage error exits 2 here
    if not result.wasSuccessful():
        sys.exit(1)
    if PYTHON313 is None:
        print("skipped: CPython 3.13 is not available, so the tests that need it did not run")
        sys.exit(differential.EXIT_SKIP)

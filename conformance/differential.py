#!/usr/bin/env python3
"""Random differential test: weft against CPython 3.13 on generated scenarios.

  differential.py --weft PATH [--count 200] [--seed S] [--keep-dir D] [--max-shrink N]
                  [--shrink-seconds T] [--oracle FILE]

Generates --count programs (generate.py) from the consecutive seeds S, S+1, ..., writes
them to a directory, runs the oracle (CPython 3.13's asyncio, oracle.py) and weft
(`weft trace`) once each on all of them, and compares the traces byte for byte. For a
program whose traces differ it shrinks the program (drops coroutines, statements,
handlers and optional fields, unwraps try/timeout/taskgroup bodies, lowers numbers)
while the two engines still differ in the same way, and prints the seed, the shrunk
program and both traces.

A program that is bad input for either engine, or that makes either engine fail,
is a failure too: bad input to the oracle is a generator bug; bad input to weft
alone is weft rejecting a valid program (or the oracle missing a problem).

--keep-dir D keeps the generated programs, both engines' traces and the shrunk
programs in D (created if needed) instead of a temporary directory.
--max-shrink N shrinks at most N failing programs (default 5), each for at most
--shrink-seconds T (default 120); the others are listed with their first difference.
--oracle FILE runs another copy of oracle.py (to try a fix to the oracle).

Exit status: 0 every trace equal; 1 a mismatch or a failure; 2 usage or bad
environment (weft missing, ...); 77 (with "skipped: <reason>" on stdout) when
CPython 3.13 is not available.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import generate  # noqa: E402

ORACLE = os.path.join(HERE, "oracle.py")
EXIT_OK, EXIT_MISMATCH, EXIT_USAGE, EXIT_SKIP = 0, 1, 2, 77
BATCH_TIMEOUT = 300         # seconds for one engine on one batch of files
FILE_TIMEOUT = 30           # seconds for one engine on one file (fallback runs)
SHRINK_CHUNK = 48           # candidates run per engine call while shrinking
BATCH = 500                 # most files given to one engine process


# ---------------------------------------------------------------------------------
# Engines


class Outcome:
    """What an engine made of one file: kind is "trace" (text = the trace), "bad"
    (bad input; text = the message) or "error" (the engine failed; text = why)."""

    __slots__ = ("kind", "text")

    def __init__(self, kind, text):
        self.kind, self.text = kind, text

    def __eq__(self, other):
        return (self.kind, self.text) == (other.kind, other.text)

    def __repr__(self):
        return f"Outcome({self.kind!r}, {self.text!r})"


def find_cpython313():
    """A command (list) that runs CPython 3.13, or None."""
    if sys.version_info[:2] == (3, 13):
        return [sys.executable]
    root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates = [[os.path.join(root, "versions", "3.13.0", "bin", "python3")]]
    candidates.append(["env", "PYENV_VERSION=3.13.0", "python3"])
    candidates.append(["python3.13"])
    for cmd in candidates:
        try:
            r = subprocess.run(cmd + ["-c", "import sys; print(sys.version_info[:2] == (3, 13))"],
                               capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if r.returncode == 0 and r.stdout.strip() == "True":
            return cmd
    return None


class Engine:
    """Runs `argv + files` and splits the output per file ("== FILE" headers)."""

    def __init__(self, name, argv, bad_status):
        self.name = name
        self.argv = argv
        self.bad_status = bad_status    # exit status meaning "bad input"

    def run(self, files):
        """{file: Outcome} for every file; one process per BATCH files if possible."""
        got = {}
        for k in range(0, len(files), BATCH):
            got.update(self.run_batch(files[k:k + BATCH]))
        return got

    def run_batch(self, files):
        got = {}
        while files:
            if len(files) == 1:
                got[files[0]] = self.run_one(files[0])
                break
            try:
                r = subprocess.run(self.argv + files, capture_output=True, timeout=BATCH_TIMEOUT)
                status, out, err = r.returncode, r.stdout, r.stderr
            except subprocess.TimeoutExpired as e:
                status, out, err = None, e.stdout or b"", e.stderr or b""
            out, err = out.decode("utf-8", "replace"), err.decode("utf-8", "replace")
            whole = status in (0, self.bad_status, 3)
            done, complete = self.split(files, out, err, whole)
            got.update(done)
            if complete:
                break
            # The engine crashed or hung: what it printed is a prefix of the output.
            # Every file before the last one it began is done; that one runs alone
            # (a crash or hang of its own, most likely), the rest in a new batch.
            rest = files[len(done):]
            got[rest[0]] = self.run_one(rest[0])
            files = rest[1:]
        return got

    def run_one(self, f):
        try:
            r = subprocess.run(self.argv + [f], capture_output=True, timeout=FILE_TIMEOUT)
        except subprocess.TimeoutExpired:
            return Outcome("error", f"{self.name} ran for more than {FILE_TIMEOUT} s")
        out = r.stdout.decode("utf-8", "replace")
        err = r.stderr.decode("utf-8", "replace").strip()
        return self.classify(f, r.returncode, out, err)

    def classify(self, f, status, out, err):
        if status == 0:
            return Outcome("trace", out)
        if status == self.bad_status:
            if self.name == "weft" and "step limit" in err and out.rstrip("\n").endswith("= step limit"):
                return Outcome("trace", out)
            return Outcome("bad", err or f"exit status {status}")
        return Outcome("error", f"{self.name} exit status {status}: {err}".strip())

    def split(self, files, out, err, whole):
        """({file: Outcome} for a prefix of files, True if that is all of them).

        Output comes in file order, each trace after a line "== FILE"; a file that is
        bad input has only a message on stderr naming it (and, from weft, an empty
        section). When the process did not end normally (whole is False), the last
        section may be cut short, so it and the files after it are not done."""
        index = {f: k for k, f in enumerate(files)}
        sections = {}
        order = []
        current = None
        for line in out.splitlines(True):
            if line.startswith("== ") and line[3:].rstrip("\n") in index:
                current = line[3:].rstrip("\n")
                if current in sections or (order and index[current] < index[order[-1]]):
                    return {}, False
                sections[current] = []
                order.append(current)
            elif current is None:
                return {}, False
            else:
                sections[current].append(line)
        errs = {f: [] for f in files}
        for line in err.splitlines():
            for f in files:
                if f + ":" in line:
                    errs[f].append(line)
                    break
        if whole:
            upto = len(files)
        else:
            upto = index[order[-1]] if order else 0
        result = {}
        for f in files[:upto]:
            e = "\n".join(errs[f])
            if f not in sections:
                if self.name == "oracle" and e:
                    status = 3 if "internal error" in e else self.bad_status
                    result[f] = self.classify(f, status, "", e)
                    continue
                return result, False        # a file with no output at all: run it again
            result[f] = self.classify(f, self.bad_status if e else 0, "".join(sections[f]), e)
        return result, upto == len(files)


def oracle_engine(python, oracle=ORACLE):
    return Engine("oracle", python + [oracle], 2)


def weft_engine(path):
    return Engine("weft", [path, "trace"], 2)


def run_docs(engines, docs, workdir, stem):
    """Writes docs as workdir/STEM_NNNN.json; returns [[Outcome per engine] per doc]."""
    files = []
    for k, doc in enumerate(docs):
        path = os.path.join(workdir, f"{stem}_{k:05d}.json")
        with open(path, "w", encoding="utf-8") as f:
            f.write(generate.dumps(doc))
        files.append(path)
    per_engine = [e.run(files) for e in engines]
    return [[got[f] for got in per_engine] for f in files]


# ---------------------------------------------------------------------------------
# Verdicts


def verdict(oracle_out, weft_out):
    """None when the engines agree on a valid, terminating program; else a short
    description of the failure."""
    if oracle_out.kind == "bad":
        return "generator bug: the oracle says bad input: " + oracle_out.text
    if oracle_out.kind == "error":
        return "the oracle failed: " + oracle_out.text
    if "= step limit" in oracle_out.text:
        return "generator bug: the program reached the step limit"
    if weft_out.kind == "bad":
        return "weft says bad input, CPython runs it: " + weft_out.text
    if weft_out.kind == "error":
        return "weft failed: " + weft_out.text
    if weft_out.text != oracle_out.text:
        return "traces differ"
    return None


def same_failure(original, oracle_out, weft_out):
    """Does (oracle_out, weft_out) fail as the original pair failed? Same outcome
    kinds on both sides, and for two traces, traces that differ."""
    o, w = original
    if (oracle_out.kind, weft_out.kind) != (o.kind, w.kind):
        return False
    if o.kind == "trace" and w.kind == "trace":
        if "= step limit" in o.text:
            return "= step limit" in oracle_out.text
        return oracle_out.text != weft_out.text and "= step limit" not in oracle_out.text
    return True


# ---------------------------------------------------------------------------------
# Shrinking

_OPTIONAL = ("name", "group", "msg", "into", "as", "eager", "return_exceptions", "return_when",
             "value", "nowait", "bounded", "maxsize", "kind", "on", "timeout")
_REQUIRED = {  # fields of _OPTIONAL that some ops require
    "taskgroup": ("as",), "wait_for": ("timeout",), "set": ("value",), "add": ("value",),
    "put": ("value",), "log": ("msg",),
}
_TICK_FIELDS = ("d", "when", "timeout")


def _copy(doc):
    return json.loads(json.dumps(doc))


def _count(stmts):
    n = 0
    for s in stmts:
        n += 1
        for key in ("body", "finally"):
            if isinstance(s.get(key), list):
                n += _count(s[key])
        for h in s.get("handlers", ()):
            n += _count(h["body"])
    return n


def statements(doc):
    return sum(_count(b) for b in doc["coros"].values())


def _ints(x):
    if isinstance(x, bool):
        return 0
    if isinstance(x, int):
        return abs(x)
    if isinstance(x, list):
        return sum(_ints(v) for v in x)
    if isinstance(x, dict):
        return sum(_ints(v) for v in x.values())
    return 0


def measure(doc):
    """The shrinker's order: every accepted step makes this strictly smaller."""
    return (statements(doc), len(generate.dumps(doc)), _ints(doc))


def _bodies(doc):
    """Paths (key tuples from the doc) of every statement list, outermost first."""
    out = []

    def walk(path, stmts):
        out.append(path)
        for k, s in enumerate(stmts):
            for key in ("body", "finally"):
                if isinstance(s.get(key), list):
                    walk(path + (k, key), s[key])
            for h, hd in enumerate(s.get("handlers", ())):
                walk(path + (k, "handlers", h, "body"), hd["body"])

    for name, body in doc["coros"].items():
        walk(("coros", name), body)
    return out


def _at(doc, path):
    x = doc
    for key in path:
        x = x[key]
    return x


def _refs(stmts, acc):
    for s in stmts:
        if "coro" in s:
            acc.add(s["coro"])
        for key in ("aw",):
            if isinstance(s.get(key), dict) and "coro" in s[key]:
                acc.add(s[key]["coro"])
        for a in s.get("items", ()):
            if "coro" in a:
                acc.add(a["coro"])
        for key in ("body", "finally"):
            if isinstance(s.get(key), list):
                _refs(s[key], acc)
        for h in s.get("handlers", ()):
            _refs(h["body"], acc)
    return acc


def candidates(doc):
    """Smaller variants of doc, the most promising first (generated lazily)."""
    main = doc.get("main", "main")
    # 1. coroutines nothing refers to
    used = set()
    for body in doc["coros"].values():
        _refs(body, used)
    dead = [c for c in doc["coros"] if c != main and c not in used]
    if dead:
        d = _copy(doc)
        for c in dead:
            del d["coros"][c]
        yield d
    paths = _bodies(doc)
    # 2. statements: halves of long bodies, then one at a time (last first, as later
    #    statements depend on earlier ones more often than the reverse)
    for path in paths:
        stmts = _at(doc, path)
        n = len(stmts)
        if n >= 4:
            for lo, hi in ((n // 2, n), (0, n // 2)):
                d = _copy(doc)
                del _at(d, path)[lo:hi]
                yield d
    for path in paths:
        for k in reversed(range(len(_at(doc, path)))):
            d = _copy(doc)
            del _at(d, path)[k]
            yield d
    # 3. compound statements replaced by their bodies
    for path in paths:
        for k, s in enumerate(_at(doc, path)):
            if s["op"] in ("try", "timeout", "timeout_at", "taskgroup"):
                inner = list(s["body"])
                variants = [inner]
                if s["op"] == "try":
                    if s.get("finally"):
                        variants.append(inner + s["finally"])
                        variants.append(s["finally"])
                    # a handler's body alone (rejected by the engines if it reraises)
                    variants.extend(h["body"] for h in s.get("handlers", ()) if h["body"])
                for v in variants:
                    d = _copy(doc)
                    _at(d, path)[k:k + 1] = _copy(v)
                    yield d
    # 4. handlers and finally blocks
    for path in paths:
        for k, s in enumerate(_at(doc, path)):
            if s["op"] != "try":
                continue
            for h in range(len(s.get("handlers", ()))):
                d = _copy(doc)
                del _at(d, path)[k]["handlers"][h]
                yield d
                if "as" in s["handlers"][h]:
                    d = _copy(doc)
                    del _at(d, path)[k]["handlers"][h]["as"]
                    yield d
            if "finally" in s:
                d = _copy(doc)
                del _at(d, path)[k]["finally"]
                yield d
    # 5. optional fields, list items, numbers, messages
    for path in paths:
        for k, s in enumerate(_at(doc, path)):
            op = s["op"]
            for key in _OPTIONAL:
                if key in s and key not in _REQUIRED.get(op, ()):
                    d = _copy(doc)
                    del _at(d, path)[k][key]
                    yield d
            for i in range(len(s.get("items", ()))):
                d = _copy(doc)
                del _at(d, path)[k]["items"][i]
                yield d
            for key in _TICK_FIELDS + ("value", "maxsize"):
                v = s.get(key)
                if isinstance(v, bool) or not isinstance(v, int) or v == 0:
                    continue
                for smaller in sorted({0, v - 1 if v > 0 else v + 1}):
                    d = _copy(doc)
                    _at(d, path)[k][key] = smaller
                    yield d
            if op == "log" and s["msg"] != "x":
                d = _copy(doc)
                _at(d, path)[k]["msg"] = "x"
                yield d


def shrink(doc, still_fails, chunk=SHRINK_CHUNK, deadline=None):
    """The smallest variant of doc it finds for which still_fails holds.

    still_fails(docs) -> [bool per doc]. Greedy: take the first candidate (in
    candidates' order) that still fails and is smaller by measure(); repeat until no
    candidate fails or the deadline (a time.monotonic() value) passes."""
    current = doc
    while deadline is None or time.monotonic() < deadline:
        size = measure(current)
        found = None
        gen = candidates(current)
        seen = set()
        exhausted = False
        while found is None and not exhausted:
            batch = []
            for c in gen:
                key = generate.dumps(c)
                if key in seen or measure(c) >= size:
                    continue
                seen.add(key)
                batch.append(c)
                if len(batch) == chunk:
                    break
            else:
                exhausted = True
            if batch:
                for c, bad in zip(batch, still_fails(batch)):
                    if bad:
                        found = c
                        break
            if deadline is not None and time.monotonic() >= deadline:
                break
        if found is None:
            break
        current = found
    return current


# ---------------------------------------------------------------------------------
# Reporting


def pretty(doc):
    """A program, one statement per line at the top level of each coroutine."""
    lines = ["{"]
    head = [f"{json.dumps(k)}: {json.dumps(v)}" for k, v in doc.items() if k != "coros"]
    for h in head:
        lines.append(f"  {h},")
    lines.append('  "coros": {')
    names = list(doc["coros"])
    for n, name in enumerate(names):
        body = doc["coros"][name]
        lines.append(f"    {json.dumps(name)}: [")
        for k, s in enumerate(body):
            lines.append("      " + generate.dumps(s) + ("," if k + 1 < len(body) else ""))
        lines.append("    ]" + ("," if n + 1 < len(names) else ""))
    lines.append("  }")
    lines.append("}")
    return "\n".join(lines)


def show(outcome):
    if outcome.kind == "trace":
        return "".join("    " + line for line in outcome.text.splitlines(True)) or "    (empty)\n"
    return f"    ({outcome.kind}) {outcome.text}\n"


def first_difference(a, b):
    la, lb = a.splitlines(), b.splitlines()
    i = 0
    while i < len(la) and i < len(lb) and la[i] == lb[i]:
        i += 1
    return i + 1


# ---------------------------------------------------------------------------------


def main(argv=None):
    p = argparse.ArgumentParser(description="Random differential test of weft against CPython 3.13.",
                                epilog="Exit: 0 all equal, 1 a mismatch or failure, 2 usage/environment, 77 skipped.")
    p.add_argument("--weft", required=True, help="the weft CLI (build/.../tools/weft)")
    p.add_argument("--count", type=int, default=200, help="programs to generate (default 200)")
    p.add_argument("--seed", type=int, default=1, help="first seed (default 1)")
    p.add_argument("--keep-dir", help="keep programs, traces and shrunk programs here")
    p.add_argument("--max-shrink", type=int, default=5, help="failing programs to shrink (default 5)")
    p.add_argument("--oracle", default=ORACLE, help="the oracle script (default: oracle.py beside this one)")
    p.add_argument("--shrink-seconds", type=float, default=120.0,
                   help="time limit for shrinking one program (default 120)")
    try:
        args = p.parse_args(argv)
    except SystemExit as e:
        return EXIT_USAGE if e.code else EXIT_OK
    if args.count < 0:
        print("differential: --count must be >= 0", file=sys.stderr)
        return EXIT_USAGE
    weft = os.path.abspath(args.weft)
    if not (os.path.isfile(weft) and os.access(weft, os.X_OK)):
        print(f"differential: weft CLI not found or not executable: {args.weft}", file=sys.stderr)
        return EXIT_USAGE
    if not os.path.isfile(args.oracle):
        print(f"differential: oracle not found: {args.oracle}", file=sys.stderr)
        return EXIT_USAGE
    python = find_cpython313()
    if python is None:
        print("skipped: CPython 3.13 is not available (the oracle needs it; try pyenv's 3.13.0)")
        return EXIT_SKIP

    if args.keep_dir:
        workdir = os.path.abspath(args.keep_dir)
        os.makedirs(workdir, exist_ok=True)
        cleanup = None
    else:
        cleanup = tempfile.TemporaryDirectory(prefix="weft-differential-")
        workdir = cleanup.name
    try:
        return _run(args, python, weft, workdir)
    finally:
        if cleanup is not None:
            cleanup.cleanup()


def _run(args, python, weft, workdir):
    engines = [oracle_engine(python, os.path.abspath(args.oracle)), weft_engine(weft)]
    start = time.monotonic()
    seeds = range(args.seed, args.seed + args.count)
    failures = []
    endings = {"deadlock": 0, "assertion failed": 0}
    for first in range(0, len(seeds), BATCH):
        chunk = seeds[first:first + BATCH]
        docs = [generate.generate(s) for s in chunk]
        files = []
        for s, doc in zip(chunk, docs):
            path = os.path.join(workdir, f"seed_{s}.json")
            with open(path, "w", encoding="utf-8") as f:
                f.write(generate.dumps(doc))
            files.append(path)
        got = [e.run(files) for e in engines]
        for s, doc, f in zip(chunk, docs, files):
            o, w = got[0][f], got[1][f]
            if args.keep_dir:
                for tag, out in (("cpython", o), ("weft", w)):
                    with open(f[:-5] + f".{tag}.txt", "w", encoding="utf-8") as fh:
                        fh.write(out.text if out.kind == "trace" else f"({out.kind}) {out.text}\n")
            else:
                os.remove(f)
            why = verdict(o, w)
            if why is not None:
                failures.append((s, doc, o, w, why))
            if o.kind == "trace":
                for key in endings:
                    if f"= {key}" in o.text:
                        endings[key] += 1
    shown_programs = set()
    shrink_dir = os.path.join(workdir, "shrink")
    os.makedirs(shrink_dir, exist_ok=True)
    for n, (seed, doc, o, w, why) in enumerate(failures):
        print(f"FAIL seed {seed}: {why.splitlines()[0] if why else ''}")
        if n >= args.max_shrink:
            if o.kind == "trace" and w.kind == "trace":
                k = first_difference(o.text, w.text)
                a, b = (o.text.splitlines() + [""] * k)[k - 1], (w.text.splitlines() + [""] * k)[k - 1]
                print(f"  first difference at line {k}: CPython {a!r}, weft {b!r}")
            print("  (not shrunk: --max-shrink reached)")
            continue
        original = (o, w)

        def still_fails(batch, original=original):
            res = run_docs(engines, batch, shrink_dir, "cand")
            return [same_failure(original, ro, rw) for ro, rw in res]

        small = shrink(doc, still_fails, deadline=time.monotonic() + args.shrink_seconds)
        (so, sw), = run_docs(engines, [small], shrink_dir, "final")
        key = generate.dumps(small)
        print(f"  shrunk from {statements(doc)} to {statements(small)} statements"
              + (" (the same program as an earlier failure)" if key in shown_programs else ""))
        shown_programs.add(key)
        if args.keep_dir:
            with open(os.path.join(workdir, f"mismatch_seed_{seed}.json"), "w", encoding="utf-8") as fh:
                fh.write(pretty(small) + "\n")
        print("  program:")
        print("".join("    " + line + "\n" for line in pretty(small).splitlines()), end="")
        print("  CPython 3.13:")
        print(show(so), end="")
        print("  weft:")
        print(show(sw), end="")
        if so.kind == "trace" and sw.kind == "trace":
            print(f"  first difference at line {first_difference(so.text, sw.text)}")
        sys.stdout.flush()
    took = time.monotonic() - start
    equal = len(seeds) - len(failures)
    print(f"differential: {len(seeds)} programs (seeds {args.seed}..{args.seed + len(seeds) - 1}): "
          f"{equal} equal, {len(failures)} failing; {endings['deadlock']} deadlocks, "
          f"{endings['assertion failed']} failed asserts; {took:.1f} s")
    return EXIT_MISMATCH if failures else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())

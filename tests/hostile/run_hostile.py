#!/usr/bin/env python3
"""Hostile input for the `weft` command: mutated scenarios and abused arguments.

Generates CASES cases from a fixed seed: each takes a conformance scenario,
damages it (extreme numbers, long or odd strings, dropped or duplicated
fields and statements, coroutines that call or gather themselves, bytes cut
or inserted) and runs one of check, trace, explore (random options, some of
them malformed) or replay (a token that may be damaged), under a time limit
and, where the build allows it, an address-space limit. weft must stay an
instrument: every case ends with exit 0, 1 or 2, within the time limit, and
an exit 2 says what it refused (the file or the option it names).

Prints one line per failing case (how to rerun it) and a summary; exits 1 if
any case failed. Run: run_hostile.py --weft build/release/tools/weft
"""
import argparse
import json
import os
import random
import resource
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXTREME_INTS = [0, -1, 1, 2**31 - 1, 2**31, -(2**31) - 1, 2**53, 2**63, -(2**63), 10**9, 10**9 + 1, 10**30]
ODD_STRINGS = ["", " ", "$", "$x", "$.", "{", "}", "{x", "{}", "~t", "main", "Task-1", "é", "\u0000", "\u007f",
               "\ud7ff", "x" * 5000, "\n", "ExceptionGroup", "CancelledError"]
ODD_VALUES = [None, True, [], {}, 1.5, "1", [1, 2], {"task": "t"}, {"coro": "main"}]
BAD_NUMBERS = ["-1", "18446744073709551616", "0x10", " 1", "1e3", "", "abc", "+5", "007", "99999999999999999999"]


def mutate_value(rng, v):
    if isinstance(v, bool) or v is None:
        return rng.choice(ODD_VALUES)
    if isinstance(v, int):
        return rng.choice(EXTREME_INTS + ODD_VALUES)
    if isinstance(v, str):
        return rng.choice(ODD_STRINGS + ODD_VALUES)
    return rng.choice(ODD_VALUES)


def nodes(doc, path=()):
    """Every (container, key) in the document."""
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield doc, k
            yield from nodes(v)
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield doc, i
            yield from nodes(v)


def mutate_doc(rng, doc):
    coros = doc.get("coros") if isinstance(doc, dict) else None
    names = list(coros) if isinstance(coros, dict) else ["main"]
    kind = rng.randrange(7)
    all_nodes = list(nodes(doc))
    if not all_nodes:
        return doc
    container, key = rng.choice(all_nodes)
    if kind == 0:  # a value made extreme or of another type
        container[key] = mutate_value(rng, container[key])
    elif kind == 1:  # a field dropped
        del container[key]
    elif kind == 2 and isinstance(container, list):  # a statement repeated
        container[key:key] = [json.loads(json.dumps(container[key]))] * rng.choice([2, 50, 1000])
    elif kind == 3 and isinstance(coros, dict):  # a coroutine that gathers or awaits copies of itself
        c = rng.choice(names)
        body = coros[c] if isinstance(coros[c], list) else []
        self_call = rng.choice([
            {"op": "gather", "items": [{"coro": c}, {"coro": c}]},
            {"op": "shield", "aw": {"coro": c}},
            {"op": "await", "aw": {"coro": c}},
            {"op": "spawn", "var": "t", "coro": c},
            {"op": "wait_for", "aw": {"coro": c}, "timeout": rng.choice([None, 0, 5])},
        ])
        body.insert(rng.randrange(len(body) + 1), self_call)
        coros[c] = body
    elif kind == 4 and isinstance(container, dict) and "op" in container:  # another op's name
        container["op"] = rng.choice(["spawn", "gather", "await", "cancel", "put", "get", "acquire", "release",
                                      "timeout", "taskgroup", "try", "reraise", "add", "nope"])
    elif kind == 5:  # deep nesting
        container[key] = json.loads("[" * 300 + "]" * 300) if rng.random() < 0.5 else {"a": container[key]}
    else:
        container[key] = mutate_value(rng, container[key])
    return doc


def mutate_text(rng, text):
    b = bytearray(text.encode())
    choice = rng.randrange(3)
    if choice == 0 and b:
        del b[rng.randrange(len(b)):]
    elif choice == 1:
        b.insert(rng.randrange(len(b) + 1), rng.choice([0, 0x7F, 0xFF, 0xC3, ord('"'), ord('{'), ord(']')]))
    else:
        pos = rng.randrange(len(b) + 1)
        b[pos:pos] = rng.choice([b"\xef\xbb\xbf", b"1" * 400, b"\\u0000", b"-0", b"1e999"])
    return bytes(b)


def option_args(rng):
    args = []
    for opt, good in [("--runs", ["20", "1"]), ("--seed", ["0", "7", "18446744073709551615"]), ("--depth", ["1", "3"]),
                      ("--max-delays", ["0", "2"]), ("--jobs", ["1", "2"]), ("--shard", ["0/2", "1/2"]),
                      ("--strategy", ["random", "pct", "dfs"]), ("--faults", ["cancel", "jitter", "cancel,jitter"]),
                      ("--jitter", ["1", "5"])]:
        if rng.random() < 0.3:
            args += [opt, rng.choice(good + BAD_NUMBERS) if rng.random() < 0.3 else rng.choice(good)]
    if "--runs" not in args:
        args += ["--runs", "20"]
    if rng.random() < 0.2:
        args.append(rng.choice(["--swarm", "--check-determinism", "--json", "--stats", "--fail-on-unretrieved"]))
    return args


def damaged_token(rng, token):
    if rng.random() < 0.5:
        return token
    t = list(token)
    if t:
        t[rng.randrange(len(t))] = rng.choice("A_-*=/.w12")
    return rng.choice(["".join(t), token[: len(token) // 2], "w1.", "w1." + "A" * 5000, "w2.AA", ""])


def make_case(rng, scenarios, work, n):
    src = rng.choice(scenarios)
    text = src.read_text()
    if rng.random() < 0.8:
        doc = json.loads(text)
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            doc = mutate_doc(rng, doc)
        data = json.dumps(doc).encode()
    else:
        data = mutate_text(rng, text)
    path = work / f"case{n}.json"
    path.write_bytes(data)
    sub = rng.choice(["check", "trace", "explore", "explore", "replay"])
    if sub == "explore":
        return [sub, str(path)] + option_args(rng), src
    if sub == "replay":
        token = "w1.AA" if rng.random() < 0.7 else damaged_token(rng, "w1.AQABAgADYiMwA2EjMA")
        return [sub, str(path), "--schedule", damaged_token(rng, token)], src
    return [sub, str(path)], src


def limit_memory(bytes_):
    def apply():
        if bytes_:
            resource.setrlimit(resource.RLIMIT_AS, (bytes_, bytes_))
    return apply


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--weft", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cases", type=int, default=300)
    ap.add_argument("--timeout", type=float, default=20.0, help="seconds per case")
    ap.add_argument("--address-space", type=int, default=2 << 30, help="bytes (0: no limit, e.g. under ASan)")
    ap.add_argument("--keep", type=Path, help="copy each failing case's file here")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    scenarios = sorted((ROOT / "conformance" / "scenarios").glob("*.json")) + sorted(
        (ROOT / "examples" / "scenarios").glob("*.json"))
    failures = []
    counts = {0: 0, 1: 0, 2: 0}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for n in range(a.cases):
            args, src = make_case(rng, scenarios, work, n)
            cmd = [a.weft] + args
            try:
                r = subprocess.run(cmd, capture_output=True, timeout=a.timeout, preexec_fn=limit_memory(a.address_space))
            except subprocess.TimeoutExpired:
                failures.append((n, src, args, f"no answer within {a.timeout:.0f} s"))
                continue
            err = r.stderr.decode(errors="replace")
            if r.returncode not in counts:
                what = f"signal {-r.returncode}" if r.returncode < 0 else f"exit {r.returncode}"
                failures.append((n, src, args, f"{what}: {err.strip()[-300:]}"))
                continue
            counts[r.returncode] += 1
            if r.returncode == 2 and not (args[1] in err or "--" in err or "weft:" in err):
                failures.append((n, src, args, f"exit 2 without naming the file or option: {err.strip()[:300]}"))
        for n, src, args, what in failures:
            if a.keep:
                a.keep.mkdir(parents=True, exist_ok=True)
                (a.keep / f"case{n}.json").write_bytes((work / f"case{n}.json").read_bytes())
            print(f"case {n} (from {src.name}): weft {shlex.join(args[:1] + ['CASE.json'] + args[2:])}: {what}")
    print(f"hostile input: {a.cases} cases (seed {a.seed}): {counts[0]} exit 0, {counts[1]} exit 1, {counts[2]} exit 2, "
          f"{len(failures)} failing")
    if failures:
        print(f"rerun: {sys.argv[0]} --weft {a.weft} --seed {a.seed} --cases {a.cases}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Runs the threads benchmark (README.md here) and prints its table.

    python3 bench/peers/threads/run.py [--build-dir build/release] [--rounds 5] [--smoke]

Builds weft_threads_bench and asio_threads_bench in the build directory, runs
them and CPython 3.13's asyncio (PYENV_VERSION=3.13.0) once per round, rounds
interleaved so that drift on a shared machine hits every peer alike, and prints
the median ns per operation of each with its ratio to weft's (above 1: weft is
faster). --smoke runs tiny sizes once and checks only that every peer answers.
Standard library only.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent.parent
WORKLOADS = ("T1", "T2")
SIZES = {"T1": 1_000_000, "T2": 20_000}
SMOKE = {"T1": 2000, "T2": 200}
LINE = re.compile(r"(\S+) (T[12]) ([0-9]+) ([0-9]+\.[0-9]{2})$")


def commands(build, sizes):
    args = [f"{w}={sizes[w]}" for w in WORKLOADS]
    peers = {"weft": [str(build / "bench/peers/threads/weft_threads_bench"), *args]}
    asio = build / "bench/peers/threads/asio_threads_bench"
    if asio.exists():
        peers["asio"] = [str(asio), *args]
    else:
        print("asio: not built (libasio-dev missing?), left out", file=sys.stderr)
    peers["asyncio"] = ["python3", str(HERE / "peer.py"), *args]
    return peers


def run(name, cmd):
    env = dict(os.environ, PYENV_VERSION="3.13.0")
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=900)
    if out.returncode != 0:
        sys.exit(f"{name} failed ({out.returncode}): {out.stderr.strip()}")
    got = {}
    for line in out.stdout.splitlines():
        m = LINE.match(line)
        if not m or m.group(1) != name:
            sys.exit(f"{name}: unexpected output line {line!r}")
        got[m.group(2)] = float(m.group(4))
    if set(got) != set(WORKLOADS):
        sys.exit(f"{name}: missing workloads in {out.stdout!r}")
    return got


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--build-dir", default="build/release")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--smoke", action="store_true")
    a = p.parse_args()
    build = (ROOT / a.build_dir).resolve()
    targets = ["weft_threads_bench", "asio_threads_bench"]
    for t in targets:
        subprocess.run(["cmake", "--build", str(build), "--target", t], capture_output=True)
    peers = commands(build, SMOKE if a.smoke else SIZES)
    rounds = 1 if a.smoke else a.rounds
    results = {name: {w: [] for w in WORKLOADS} for name in peers}
    for r in range(rounds):
        for name, cmd in peers.items():
            for w, ns in run(name, cmd).items():
                results[name][w].append(ns)
        print(f"round {r + 1}/{rounds} done", file=sys.stderr)
    if a.smoke:
        print("threads smoke: " + ", ".join(peers) + " answered")
        return 0
    base = {w: statistics.median(results["weft"][w]) for w in WORKLOADS}
    print("| peer | T1 ns/callback | T2 ns/round trip |")
    print("|:---|---:|---:|")
    for name in peers:
        cells = []
        for w in WORKLOADS:
            m = statistics.median(results[name][w])
            cells.append(f"{m:.1f}" if name == "weft" else f"{m:.1f} ({m / base[w]:.2f}x)")
        print(f"| {name} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

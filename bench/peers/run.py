#!/usr/bin/env python3
"""Runs the peer comparison (bench/peers/README.md) and prints its table.

Builds what the selected peers need, runs every available peer once per round
(rounds interleaved, so drift on a shared machine hits all peers alike) and
prints, per peer and workload, the median ns/op and its ratio to weft's.
With --json-out FILE it also writes the results (every round's figure, the
medians, the machine) as JSON: bench/update_readme.py renders the READMEs'
tables from that file (bench/README.md, "Publishing results").
Standard library only.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
WORKLOADS = ("W1", "W2", "W3", "W4", "W5")
ALL_PEERS = ("weft", "minimal", "asio", "tokio", "node", "asyncio", "uvloop")
FAST_SIZES = {"W1": 10_000_000, "W2": 1_000_000, "W3": 1_000_000, "W4": 1_000_000, "W5": 1000}
SLOW_SIZES = {"W1": 1_000_000, "W2": 100_000, "W3": 100_000, "W4": 100_000, "W5": 100}
SMOKE_SIZES = {"W1": 10_000, "W2": 2000, "W3": 10_000, "W4": 10_000, "W5": 2}
# CPython-based peers are 50-100x slower; they run at the --slow-sizes.
SLOW_PEERS = ("asyncio", "uvloop")
# C++ peers: CMake target and binary path inside the build dir.
CXX_PEERS = {
    "weft": ("weft_peer_bench", "bench/peers/weft_peer_bench"),
    "minimal": ("minimal_peer_bench", "bench/peers/minimal/minimal_peer_bench"),
    "asio": ("asio_peer_bench", "bench/peers/asio/asio_peer_bench"),
}
ASYNCIO_PYENV = "3.13.0"
UVLOOP_PYTHON = "/usr/bin/python3"
# How W4 is timed, per peer (the workload allows a virtual clock where one exists).
VIRTUAL_W4 = ("weft", "minimal", "tokio")
# fresh: one process per workload, so no workload inherits the heap an earlier
# one left; one: all workloads in one process, in W1..W5 order, the way a
# user's program (a long-running service) runs them.
MODES = ("fresh", "one")
LINE = re.compile(r"(\S+) (W[1-5]) ([0-9]+) ([0-9]+\.[0-9]{2})")


class Failure(Exception):
    """A peer that fails to build or run: the comparison stops (exit 1)."""


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def parse_sizes(items, what):
    sizes = {}
    for item in items:
        w, eq, v = item.partition("=")
        if w not in WORKLOADS or not eq:
            raise argparse.ArgumentTypeError(f"{what}: bad item '{item}' (expected W1..W5=N)")
        if not (v.isascii() and v.isdigit()) or int(v) <= 0:
            raise argparse.ArgumentTypeError(f"{what}: '{item}': N must be a positive integer")
        if w == "W2" and int(v) % 1000:
            raise argparse.ArgumentTypeError(f"{what}: '{item}': W2 must be a multiple of 1000")
        if w in sizes:
            raise argparse.ArgumentTypeError(f"{what}: {w} given twice")
        sizes[w] = int(v)
    return sizes


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Build and run weft's peer benchmarks; print median ns/op and ratio to weft.")
    p.add_argument("--build-dir", default="build/release",
                   help="CMake build dir for the C++ peers, relative to the repo root "
                        "(configured with `cmake --preset release` if it has no CMakeCache.txt); "
                        "tokio builds into BUILD_DIR/tokio (default: %(default)s)")
    p.add_argument("--rounds", type=int, default=6, help="runs per peer, interleaved (default: %(default)s)")
    p.add_argument("--peers", default=",".join(ALL_PEERS),
                   help="comma-separated peers, in table order (default: %(default)s)")
    p.add_argument("--sizes", nargs="+", default=[], metavar="Wk=N",
                   help="the workloads to run and their sizes for the fast peers "
                        "(default: all five, " + " ".join(f"{w}={n}" for w, n in FAST_SIZES.items()) + ")")
    p.add_argument("--slow-sizes", nargs="+", default=[], metavar="Wk=N",
                   help="sizes for asyncio and uvloop (default: "
                        + " ".join(f"{w}={n}" for w, n in SLOW_SIZES.items())
                        + ", none above the --sizes one)")
    p.add_argument("--modes", default="fresh,one",
                   help="how workloads run: `fresh` (one process per workload), `one` (all selected workloads "
                        "in one process, in W1..W5 order, as a user's program would); comma-separated, "
                        "each gets its own table (default: %(default)s)")
    p.add_argument("--smoke", action="store_true",
                   help="1 round at tiny sizes for every peer (" + " ".join(f"{w}={n}" for w, n in SMOKE_SIZES.items())
                        + "): checks that every peer builds, runs and prints parseable lines")
    p.add_argument("--markdown", action="store_true", help="print GitHub markdown (for README.md)")
    p.add_argument("--json-out", metavar="FILE",
                   help="also write the results as JSON to FILE (relative to the current directory), "
                        "for bench/update_readme.py")
    p.add_argument("--timeout", type=float, default=1800, help="seconds one peer run may take (default: %(default)s)")
    a = p.parse_args(argv)
    try:
        a.sizes = parse_sizes(a.sizes, "--sizes")
        a.slow_sizes = parse_sizes(a.slow_sizes, "--slow-sizes")
    except argparse.ArgumentTypeError as e:
        p.error(str(e))
    a.peers = [x.strip() for x in a.peers.split(",") if x.strip()]
    for peer in a.peers:
        if peer not in ALL_PEERS:
            p.error(f"--peers: unknown peer '{peer}' (known: {', '.join(ALL_PEERS)})")
    if len(set(a.peers)) != len(a.peers) or not a.peers:
        p.error("--peers: list each peer once, at least one")
    if a.rounds < 1:
        p.error("--rounds must be at least 1")
    a.modes = [x.strip() for x in a.modes.split(",") if x.strip()]
    if not a.modes or any(m not in MODES for m in a.modes) or len(set(a.modes)) != len(a.modes):
        p.error("--modes: a comma-separated subset of fresh,one, each once")
    if a.smoke:
        if a.sizes or a.slow_sizes:
            p.error("--smoke sets its own sizes; drop --sizes/--slow-sizes")
        a.rounds = 1
        a.fast = dict(SMOKE_SIZES)
        a.slow = dict(SMOKE_SIZES)
    else:
        a.fast = a.sizes or dict(FAST_SIZES)
        extra = [w for w in a.slow_sizes if w not in a.fast]
        if extra:
            p.error(f"--slow-sizes: {', '.join(extra)} not among the workloads --sizes selects")
        # The slow peers never run more than the fast ones unless told to.
        a.slow = {w: a.slow_sizes.get(w, min(SLOW_SIZES[w], n)) for w, n in a.fast.items()}
    a.build_dir = (ROOT / a.build_dir).resolve()
    if a.json_out and not Path(a.json_out).resolve().parent.is_dir():
        p.error(f"--json-out: no directory {Path(a.json_out).resolve().parent}")
    return a


def run_quiet(cmd, **kw):
    """Runs cmd with output captured; returns the CompletedProcess."""
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def first_line(cmd, env=None):
    try:
        r = run_quiet(cmd, env=env, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    out = (r.stdout or r.stderr).strip()
    return out.splitlines()[0] if r.returncode == 0 and out else None


def cache_vars(build_dir):
    cache = {}
    try:
        text = (build_dir / "CMakeCache.txt").read_text()
    except OSError:
        return cache
    for line in text.splitlines():
        m = re.match(r"([A-Za-z_0-9]+):[A-Z]+=(.*)", line)
        if m:
            cache[m.group(1)] = m.group(2)
    return cache


def build_cxx(args, wanted):
    """Builds the wanted C++ peers; returns {peer: binary} and {peer: skip reason}."""
    bins, skipped = {}, {}
    if not wanted:
        return bins, skipped
    d = args.build_dir
    if not (d / "CMakeCache.txt").exists():
        log(f"configuring {d} (cmake --preset release)")
        r = run_quiet(["cmake", "--preset", "release", "-B", str(d)], cwd=ROOT)
        if r.returncode != 0:
            raise Failure(f"cmake --preset release failed:\n{r.stdout}{r.stderr}")
    cache = cache_vars(d)
    if cache.get("WEFT_BUILD_BENCHMARKS", "ON").upper() in ("OFF", "0", "FALSE", "NO"):
        raise Failure(f"{d} is configured with WEFT_BUILD_BENCHMARKS=OFF: no peer targets")
    targets = []
    for peer in wanted:
        if peer == "asio" and cache.get("WEFT_ASIO_INCLUDE_DIR", "").endswith("NOTFOUND"):
            skipped[peer] = "standalone asio (asio.hpp) not found at configure time; install libasio-dev and reconfigure"
            continue
        targets.append(CXX_PEERS[peer][0])
    if targets:
        log(f"building {' '.join(targets)} in {d}")
        r = run_quiet(["cmake", "--build", str(d), "--target", *targets])
        if r.returncode != 0:
            raise Failure(f"cmake --build failed:\n{r.stdout}{r.stderr}")
    for peer in wanted:
        if peer in skipped:
            continue
        binary = d / CXX_PEERS[peer][1]
        if binary.is_file() and os.access(binary, os.X_OK):
            bins[peer] = [str(binary)]
        else:
            skipped[peer] = f"{binary} missing after the build"
    return bins, skipped


def build_tokio(args):
    """Returns (command, None) or (None, skip reason); raises Failure on a broken build."""
    log(f"building the tokio peer into {args.build_dir / 'tokio'}")
    r = run_quiet(["sh", str(HERE / "tokio" / "build.sh"), str(args.build_dir / "tokio")])
    if r.returncode == 3:
        return None, r.stderr.strip().splitlines()[-1] if r.stderr.strip() else "build.sh exit 3"
    if r.returncode != 0:
        raise Failure(f"tokio build.sh failed (exit {r.returncode}):\n{r.stderr}")
    lines = r.stdout.strip().splitlines()
    if not lines or not os.access(lines[-1], os.X_OK):
        raise Failure(f"tokio build.sh printed no runnable binary path:\n{r.stdout}{r.stderr}")
    return [lines[-1]], None


def asyncio_python():
    """(python3 for the asyncio peer, None) or (None, why): pyenv's ASYNCIO_PYENV if it has it."""
    env = {**os.environ, "PYENV_VERSION": ASYNCIO_PYENV}
    # Under a pyenv shim PATH starts with the shim's own version, so ask pyenv itself.
    pyenv = shutil.which("pyenv") or str(Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "bin" / "pyenv")
    python = None
    if os.access(pyenv, os.X_OK):
        python = first_line([pyenv, "which", "python3"], env)
    python = python or shutil.which("python3")
    if not python:
        return None, "python3 not found"
    probe = run_quiet([python, "-c", "import platform; print(platform.python_version())"])
    if probe.returncode != 0:
        return None, f"{python} does not run: {probe.stderr.strip()}"
    version = probe.stdout.strip()
    if version != ASYNCIO_PYENV:
        log(f"note: asyncio runs on Python {version} ({python}), not {ASYNCIO_PYENV}")
    return python, None


def prepare(args):
    """Builds/locates every selected peer: {peer: argv prefix}, {peer: skip reason}."""
    cmds, skipped = {}, {}
    bins, skip = build_cxx(args, [p for p in args.peers if p in CXX_PEERS])
    skipped.update(skip)
    cmds.update(bins)
    if "tokio" in args.peers:
        cmd, why = build_tokio(args)
        if cmd:
            cmds["tokio"] = cmd
        else:
            skipped["tokio"] = why
    if "node" in args.peers:
        node = shutil.which("node")
        if node:
            cmds["node"] = [node, str(HERE / "node" / "peer.mjs")]
        else:
            skipped["node"] = "node not found on PATH"
    peer_py = str(HERE / "python" / "peer.py")
    if "asyncio" in args.peers:
        python, why = asyncio_python()
        if python:
            cmds["asyncio"] = [python, peer_py]
        else:
            skipped["asyncio"] = why
    if "uvloop" in args.peers:
        if os.access(UVLOOP_PYTHON, os.X_OK):
            cmds["uvloop"] = [UVLOOP_PYTHON, peer_py, "--uvloop"]
        else:
            skipped["uvloop"] = f"{UVLOOP_PYTHON} not found"
    return cmds, skipped


def run_peer(peer, cmd, sizes, timeout):
    """One run of one peer: {workload: ns/op}; None when the peer says it is unavailable."""
    argv = cmd + [f"{w}={n}" for w, n in sizes.items()]
    try:
        r = run_quiet(argv, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        raise Failure(f"{peer}: no result after {timeout:.0f} s: {' '.join(argv)}") from e
    if r.returncode == 3 and peer == "uvloop":
        return None, r.stderr.strip() or "peer.py --uvloop exit 3"
    if r.returncode != 0:
        raise Failure(f"{peer} failed (exit {r.returncode}): {' '.join(argv)}\n"
                      f"stdout:\n{r.stdout}stderr:\n{r.stderr}")
    if r.stderr.strip():
        log(f"{peer} stderr: {r.stderr.rstrip()}")
    got = {}
    for line in r.stdout.splitlines():
        m = LINE.fullmatch(line)
        bad = None
        if not m:
            bad = "does not parse as `PEER W OPS_PER_SEC NS_PER_OP`"
        elif m.group(1) != peer:
            bad = f"names peer '{m.group(1)}'"
        elif m.group(2) not in sizes or m.group(2) in got:
            bad = "names a workload not asked for, or twice"
        else:
            ops, ns = int(m.group(3)), float(m.group(4))
            # The two figures come from one measurement; far apart means swapped columns.
            if ns >= 1.0 and abs(ops * ns / 1e9 - 1) > 0.02:
                bad = "OPS_PER_SEC and NS_PER_OP disagree"
        if bad:
            raise Failure(f"{peer}: output line {line!r} {bad}\nstderr:\n{r.stderr}")
        got[m.group(2)] = ns
    if list(got) != list(sizes):
        raise Failure(f"{peer}: printed {list(got)}, expected {list(sizes)} in that order\n"
                      f"stdout:\n{r.stdout}stderr:\n{r.stderr}")
    return got, None


def machine(args, cmds):
    """Header facts: the machine and the versions of everything measured."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    facts = [
        ("CPU", f"{cpu}, {os.cpu_count()} logical cores"),
        ("kernel", f"{platform.system()} {platform.release()}"),
        ("g++", first_line(["g++", "--version"]) or "-"),
        ("clang", first_line(["clang++", "--version"]) or first_line(["clang", "--version"]) or "-"),
    ]
    cache = cache_vars(args.build_dir)
    if cache:
        facts.append(("C++ peers built with", f"{cache.get('CMAKE_CXX_COMPILER', '?')}, "
                                               f"CMAKE_BUILD_TYPE={cache.get('CMAKE_BUILD_TYPE', '?')}"))
    if "asio" in cmds:
        inc = Path(cache.get("WEFT_ASIO_INCLUDE_DIR", "/usr/include")) / "asio" / "version.hpp"
        m = re.search(r"ASIO_VERSION\s+(\d+)", inc.read_text()) if inc.is_file() else None
        if m:
            v = int(m.group(1))
            facts.append(("asio", f"{v // 100000}.{v // 100 % 1000}.{v % 100}"))
    if "tokio" in cmds:
        rustc = shutil.which("rustc") or str(Path.home() / ".cargo" / "bin" / "rustc")
        lock = HERE / "tokio" / "Cargo.lock"
        m = re.search(r'name = "tokio"\nversion = "([^"]+)"', lock.read_text()) if lock.is_file() else None
        facts.append(("rustc", (first_line([rustc, "--version"]) or "-") + (f", tokio {m.group(1)}" if m else "")))
    if "node" in cmds:
        facts.append(("node", first_line([cmds["node"][0], "--version"]) or "-"))
    if "asyncio" in cmds:
        facts.append(("asyncio", first_line([cmds["asyncio"][0], "-VV"]) or "-"))
    if "uvloop" in cmds:
        v = first_line([UVLOOP_PYTHON, "-c", "import sys, uvloop; print(sys.version.split()[0], uvloop.__version__)"])
        facts.append(("uvloop", f"uvloop {v.split()[1]} on Python {v.split()[0]}" if v else "-"))
    facts.append(("date", datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")))
    # A busy machine makes every figure noisy: say how busy it was.
    facts.append(("load average", f"{args.load[0]:.2f} at start, {os.getloadavg()[0]:.2f} at end (1 min)"))
    facts.append(("rounds", str(args.rounds)))
    facts.append(("sizes", " ".join(f"{w}={n}" for w, n in args.fast.items())))
    if any(p in cmds for p in SLOW_PEERS) and args.slow != args.fast:
        facts.append(("sizes for " + "/".join(SLOW_PEERS), " ".join(f"{w}={n}" for w, n in args.slow.items())))
    return facts


def fmt_ns(ns):
    return f"{ns:.2f}" if ns < 10 else f"{ns:.1f}" if ns < 1000 else f"{ns:.0f}"


def fmt_ratio(r):
    return f"{r:.2f}x" if r < 10 else f"{r:.1f}x" if r < 100 else f"{r:.0f}x"


def table_lines(header, rows, markdown):
    if markdown:
        lines = ["| " + " | ".join(header) + " |",
                 "|" + "|".join([":---"] + ["---:"] * (len(header) - 1)) + "|"]
        return lines + ["| " + " | ".join(row) + " |" for row in rows]
    widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]
    lines = []
    for row in [header] + rows:
        cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:])]
        lines.append("  ".join(cells).rstrip())
    return lines


# The results file (--json-out): what the report is printed from, and what
# bench/update_readme.py renders the READMEs' tables from.
RESULTS_FORMAT = "weft-peers-results/1"


def cells_of(args, peers, results):
    """{peer: {workload: cell}} of one mode's results."""
    weft = {w: statistics.median(v) for w, v in results.get("weft", {}).items()}
    cells = {}
    for peer in peers:
        cells[peer] = {}
        for w in args.fast:
            vals = results[peer].get(w)
            if not vals:
                continue
            med = statistics.median(vals)
            cells[peer][w] = {
                "median": med, "min": min(vals), "max": max(vals),
                "ratio": None if peer == "weft" else (med / weft[w] if weft.get(w) else None),
                "rounds": list(vals),
            }
    return cells


def collect(args, cmds, skipped, results, elapsed):
    """The run's results as a JSON-ready dict (RESULTS_FORMAT). `results` holds
    the fresh-process figures (or the one-process ones when only those ran);
    `one_process`, when both modes ran, the one-process figures."""
    fresh, one = results.get("fresh", {}), results.get("one", {})
    main = fresh if "fresh" in args.modes else one
    peers = [p for p in args.peers if p in main]
    cells = cells_of(args, peers, main)
    extra = {}
    if "fresh" in args.modes and "one" in args.modes:
        extra["one_process"] = cells_of(args, peers, one)
    elif "one" in args.modes:
        extra["mode"] = "one"
    return {
        "format": RESULTS_FORMAT,
        "facts": dict(machine(args, cmds)),
        "rounds": args.rounds,
        "sizes": dict(args.fast),
        "slow_sizes": dict(args.slow),
        "slow_peers": list(SLOW_PEERS),
        "w4_virtual_clock": list(VIRTUAL_W4),
        "peers": peers,
        "results": cells,
        **extra,
        "skipped": dict(skipped),
        "wall_seconds": elapsed,
    }


def median_table(data, markdown, key="results"):
    """(header, rows) of median ns/op with the ratio to weft in brackets;
    key "one_process" for the all-in-one-process figures."""
    slow_differs = data["slow_sizes"] != data["sizes"]
    star = "\\*" if markdown else "*"
    header = ["peer"] + [f"{w} ns/op" for w in data["sizes"]]
    rows, spreads = [], []
    for peer in data["peers"]:
        label = peer + (star if peer in data["slow_peers"] and slow_differs else "")
        row, spread = [label], [label]
        for w in data["sizes"]:
            cell = data[key][peer].get(w)
            if not cell:
                row.append("-")
                spread.append("-")
                continue
            text = fmt_ns(cell["median"])
            if peer != "weft":
                text += f" ({fmt_ratio(cell['ratio'])})" if cell.get("ratio") is not None else " (-)"
            row.append(text)
            spread.append(f"{fmt_ns(cell['min'])}..{fmt_ns(cell['max'])}")
        rows.append(row)
        spreads.append(spread)
    return header, rows, spreads


def render_report(data, markdown):
    """The report run.py prints, as lines, from a results dict."""
    md = markdown
    out = []
    facts = data["facts"]
    width = max(len(k) for k in facts) + 2
    for key, value in facts.items():
        out.append(f"- {key}: {value}" if md else f"{key + ':':<{width}}{value}")
    out.append("")
    star = "\\*" if md else "*"
    slow_differs = data["slow_sizes"] != data["sizes"]
    peers = data["peers"]
    header, rows, spreads = median_table(data, md)
    rounds = data["rounds"]
    if md:
        out.append(f"Median ns/op over {rounds} round(s); in brackets the ratio to weft "
                   "(peer ns / weft ns: above 1 means weft is faster).")
    else:
        out.append(f"median ns/op over {rounds} round(s) (ratio to weft: peer ns / weft ns, >1 = weft faster)")
    out.append("")
    out += table_lines(header, rows, md)
    out.append("")
    out.append("Spread (min..max ns/op over the rounds):" if md else "spread: min..max ns/op over the rounds")
    out.append("")
    out += table_lines(header, spreads, md)
    out.append("")
    if "one_process" in data:
        header, rows, spreads = median_table(data, md, "one_process")
        title = ("All workloads in one process (W1..W5 in that order, as a user's program runs them), "
                 "the same rounds: median ns/op, ratio to weft in brackets.")
        out += [title if md else title[0].lower() + title[1:], ""]
        out += table_lines(header, rows, md)
        out.append("")
        out.append("Spread, one process:" if md else "spread, one process: min..max ns/op over the rounds")
        out.append("")
        out += table_lines(header, spreads, md)
        out.append("")
    notes = []
    sizes, slow = data["sizes"], data["slow_sizes"]
    if slow_differs and any(p in peers for p in data["slow_peers"]):
        notes.append(f"{star} run at the smaller sizes above, so a round stays short; per-op figures still compare"
                     + (", except W4, where a smaller N means a shallower timer heap (cheaper per timer)."
                        if "W4" in sizes and slow["W4"] != sizes["W4"] else "."))
    if "W4" in sizes:
        virt = [p for p in peers if p in data["w4_virtual_clock"]]
        real = [p for p in peers if p not in data["w4_virtual_clock"]]
        if virt and real:
            notes.append(f"W4 clock: virtual for {', '.join(virt)} (scheduling + run timed); "
                         f"real for {', '.join(real)} (scheduling + firing timed, "
                         "not the sleep past the last deadline).")
    if data.get("mode") == "one":
        notes.append("all workloads of a peer ran in one process (--modes one)")
    elif "one_process" not in data:
        notes.append("each workload ran in a fresh process")
    for peer, why in data["skipped"].items():
        notes.append(f"skipped {peer}: {why}")
    notes.append(f"wall time: {data['wall_seconds']:.0f} s")
    for n in notes:
        out.append(f"- {n}" if md else n)
    return out


def results_json(data):
    """A results dict as JSON text: indented, one line per peer and workload."""
    cells, marked = {}, dict(data)
    for table in ("results", "one_process"):
        if table not in data:
            continue
        marked[table] = {}
        for peer, row in data[table].items():
            marked[table][peer] = {}
            for w, cell in row.items():
                key = f"@cell {table} {peer} {w}@"
                cells[json.dumps(key)] = json.dumps(cell)
                marked[table][peer][w] = key
    text = json.dumps(marked, indent=2, ensure_ascii=False)
    for key, cell in cells.items():
        text = text.replace(key, cell)
    return text + "\n"


def report(args, cmds, skipped, results, elapsed):
    data = collect(args, cmds, skipped, results, elapsed)
    print("\n".join(render_report(data, args.markdown)))
    if args.json_out:
        with open(args.json_out, "w", encoding="utf-8") as f:
            f.write(results_json(data))
        log(f"results written to {args.json_out}")


def main(argv):
    args = parse_args(argv)
    args.load = os.getloadavg()
    t_start = time.monotonic()
    try:
        cmds, skipped = prepare(args)
        for peer, why in skipped.items():
            log(f"skipping {peer}: {why}")
        results = {m: {} for m in args.modes}
        for r in range(args.rounds):
            timings = []
            for peer in args.peers:
                if peer not in cmds:
                    continue
                sizes = args.slow if peer in SLOW_PEERS else args.fast
                t0 = time.monotonic()
                got = None
                for mode in args.modes:
                    # fresh: one process per workload, so that none inherits the
                    # heap an earlier one left; one: all in one process.
                    runs = [{w: n} for w, n in sizes.items()] if mode == "fresh" else [dict(sizes)]
                    for one_run in runs:
                        got, why = run_peer(peer, cmds[peer], one_run, args.timeout)
                        if got is None:
                            break
                        for w, ns in got.items():
                            results[mode].setdefault(peer, {}).setdefault(w, []).append(ns)
                    if got is None:
                        break
                if got is None:
                    log(f"skipping {peer}: {why}")
                    skipped[peer] = why
                    del cmds[peer]
                    for m in results:
                        results[m].pop(peer, None)
                    continue
                timings.append(f"{peer} {time.monotonic() - t0:.1f}s")
            log(f"round {r + 1}/{args.rounds}: " + ", ".join(timings))
    except Failure as e:
        log(f"run.py: {e}")
        return 1
    report(args, cmds, skipped, results, time.monotonic() - t_start)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env python3
"""Schedules to the first failure, per exploration strategy, on the race scenarios.

For every race scenario of examples/scenarios/ (the rows of the "Races" table of
examples/scenarios/README.md, or with --detect every scenario that some strategy
fails) it runs `weft explore FILE --strategy S --seed K --runs N --json` for each
strategy S and seed K = 0 .. --seeds-1, takes the first failing run (`run` + 1 of
the report's first_failure) and prints a Markdown table of the median and the
maximum over the seeds. A delay-bounded strategy (dfs) does not use the seed: it
runs once per delay bound K = 0 .. --max-delays and reports the schedules to the
first failure under the smallest bound that finds one. With --libfuzzer-dir it
also runs each scenario's libFuzzer target (fuzz/CMakeLists.txt: fuzz_race_NAME)
with -seed=K -runs=N and reports the executions to its first crash.

Adding a strategy is one entry in STRATEGIES. A strategy the weft binary rejects
(`--strategy NAME` is a usage error) is skipped with a note, so the table can list
a strategy before every build has it.

Standard library only. bench/strategies/README.md has the usage and the results.
"""

import argparse
import concurrent.futures
import json
import os
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SCENARIOS = ROOT / "examples" / "scenarios"
DEFAULT_WEFT = ROOT / "build" / "release" / "tools" / "weft"


@dataclass(frozen=True)
class Strategy:
    name: str                      # the column's title and `weft explore --strategy NAME`
    args: tuple = ()               # extra `weft explore` arguments
    seeded: bool = True            # runs once per seed; False: once, delay bound by delay bound
    # The runs come in an order that does not depend on --runs, so the first
    # failing index does not either and the runs can be made in growing chunks.
    prefix_stable: bool = False
    jobs_ok: bool = False          # results do not depend on --jobs (weft explore --jobs)


# One entry per column. `coverage` is the coverage-guided strategy of issue #15:
# until the binary knows it, it is skipped with a note.
STRATEGIES = [
    Strategy("random", prefix_stable=True, jobs_ok=True),
    Strategy("pct", prefix_stable=True, jobs_ok=True),
    Strategy("dfs", seeded=False, prefix_stable=True),
    Strategy("coverage", prefix_stable=True, jobs_ok=True),  # generations depend only on earlier runs
]


@dataclass
class Cell:
    """What one strategy did on one scenario."""
    firsts: list = field(default_factory=list)  # per seed: schedules to the first failure, or None
    delay_bound: int = None                      # dfs: the smallest bound that found it
    exhausted_below: bool = False                # dfs: every smaller bound was searched to the end, finding nothing
    failure: str = ""                            # how the first failure ended (the first seed's)
    seconds: float = 0.0
    note: str = ""


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ---- the scenarios ----

LINK = re.compile(r"^\|\s*\[([^\]]+\.json)\]\(([^)]+\.json)\)\s*\|(.*)$")


def readme_races(readme):
    """The scenarios of the README's "Races" table, with the extra `weft explore`
    arguments its "found by" column gives (`--faults cancel`, ...)."""
    races = []
    section = None
    for line in readme.read_text().splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
            continue
        if section != "Races":
            continue
        m = LINK.match(line)
        if not m:
            continue
        cells = [c.strip() for c in m.group(3).split("|")]
        found_by = cells[-2] if len(cells) >= 2 else ""
        extra = []
        for flag in re.finditer(r"(--faults)\s+([a-z,]+)", found_by):
            extra += [flag.group(1), flag.group(2)]
        races.append((SCENARIOS / m.group(2), tuple(extra)))
    return races


def explore(weft, path, strategy, extra, seed, runs, jobs, more=()):
    cmd = [str(weft), "explore", str(path), "--strategy", strategy.name, "--runs", str(runs), "--json",
           *strategy.args, *extra, *more]
    if strategy.seeded:
        cmd += ["--seed", str(seed)]
    if jobs > 1 and strategy.jobs_ok:
        cmd += ["--jobs", str(jobs)]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(cmd)}: exit {p.returncode}: {p.stderr.strip()}")
    report = json.loads(p.stdout)
    if isinstance(report, list):
        report = report[0]
    return report


def first_failure(weft, path, strategy, extra, seed, runs, jobs, more=()):
    """(schedules to the first failure or None, failure text, the last report)."""
    chunk = runs
    if strategy.prefix_stable:
        chunk = min(runs, 500)
    while True:
        report = explore(weft, path, strategy, extra, seed, chunk, jobs, more)
        ff = report.get("first_failure")
        if ff:
            return ff["run"] + 1, ff.get("failure", ""), report
        if chunk >= runs or report.get("exhausted"):
            return None, "", report
        chunk = min(runs, chunk * 4)


def strategy_known(weft, strategy, probe):
    """False (with the reason) if the binary rejects `--strategy NAME`."""
    cmd = [str(weft), "explore", str(probe), "--strategy", strategy.name, "--runs", "1", "--json", *strategy.args]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode in (0, 1):
        return True, ""
    lines = [l for l in p.stderr.strip().splitlines() if l and not l.startswith("Run with --help")]
    return False, (lines or [f"exit {p.returncode}"])[0]


def run_seeded(weft, path, extra, strategy, args):
    cell = Cell()
    t0 = time.monotonic()
    for seed in range(args.seeds):
        n, failure, _ = first_failure(weft, path, strategy, extra, seed, args.runs, args.jobs)
        cell.firsts.append(n)
        if n is not None and not cell.failure:
            cell.failure = failure
    cell.seconds = time.monotonic() - t0
    return cell


def run_delay_bounded(weft, path, extra, strategy, args):
    cell = Cell()
    t0 = time.monotonic()
    exhausted = True
    for k in range(args.max_delays + 1):
        n, failure, report = first_failure(weft, path, strategy, extra, 0, args.runs, args.jobs,
                                           ("--max-delays", str(k)))
        if n is not None:
            cell.firsts, cell.delay_bound, cell.failure = [n], k, failure
            cell.exhausted_below = exhausted
            break
        exhausted = exhausted and bool(report.get("exhausted"))
    else:
        cell.firsts = [None]
        if report.get("exhausted"):
            cell.note = f"none: every schedule with K ≤ {args.max_delays} passes ({report['runs']:,})"
    cell.seconds = time.monotonic() - t0
    return cell


# ---- libFuzzer ----

EXECS = re.compile(r"stat::number_of_executed_units:\s*(\d+)")
STATUS = re.compile(r"^#(\d+)\s")


def libfuzzer_target(directory, path):
    for name in (f"fuzz_race_{path.stem}", f"fuzz_{path.stem}"):
        exe = Path(directory).resolve() / name
        if exe.is_file() and os.access(exe, os.X_OK):
            return exe
    return None


def run_libfuzzer(exe, args):
    """Executions to the first crash, per seed (libFuzzer's own count)."""
    cell = Cell()
    t0 = time.monotonic()
    scratch = Path(args.scratch).resolve()
    scratch.mkdir(parents=True, exist_ok=True)
    for seed in range(args.libfuzzer_seeds):
        cmd = [str(exe), f"-seed={seed}", f"-runs={args.libfuzzer_runs}", "-print_final_stats=1",
               f"-artifact_prefix={scratch}/", "-close_fd_mask=1"]
        p = subprocess.run(cmd, capture_output=True, text=True, errors="replace", cwd=scratch)
        out = p.stderr
        crashed = p.returncode != 0 and ("ERROR: libFuzzer" in out or "weft fuzz: the run failed" in out)
        if not crashed:
            cell.firsts.append(None)
            continue
        m = EXECS.findall(out)
        if m:
            cell.firsts.append(int(m[-1]))
        else:
            last = [int(s.group(1)) for s in map(STATUS.match, out.splitlines()) if s]
            cell.firsts.append(last[-1] + 1 if last else None)
        if not cell.failure:
            f = re.search(r"weft fuzz: the run failed: (.*)", out)
            cell.failure = f.group(1) if f else "crash"
    cell.seconds = time.monotonic() - t0
    return cell


# ---- the table ----

def fmt(n):
    return f"{n:,}" if isinstance(n, int) else f"{n:,.1f}" if n != int(n) else f"{int(n):,}"


def describe(cell, runs, seeded):
    if cell.note and not cell.firsts:
        return cell.note
    found = [n for n in cell.firsts if n is not None]
    if not seeded:
        if not found:
            return cell.note or f"not found within {fmt(runs)} per bound"
        return f"K={cell.delay_bound}: {fmt(found[0])}"
    total = len(cell.firsts)
    if len(found) * 2 <= total:
        # Half or more of the seeds did not find it: the median is not known.
        return f"not found within {fmt(runs)}" + (f" ({len(found)} of {total} seeds found it)" if found else "")
    ordered = sorted(cell.firsts, key=lambda n: float("inf") if n is None else n)
    med = statistics.median([float("inf") if n is None else n for n in ordered])
    top = f"> {fmt(runs)}" if len(found) < total else fmt(max(found))
    text = f"{fmt(med)} ({top})"
    if len(found) < total:
        text += f", {total - len(found)} of {total} not found"
    return text


def table(rows, columns):
    """columns: (title, seeded, runs) each."""
    head = "| scenario | " + " | ".join(title for title, _, _ in columns) + " |"
    lines = [head, "|:---|" + "---:|" * len(columns)]
    for name, cells in rows:
        out = []
        for title, seeded, runs in columns:
            cell = cells.get(title)
            out.append("—" if cell is None else describe(cell, runs, seeded))
        lines.append(f"| {name} | " + " | ".join(out) + " |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scenarios", nargs="*", type=Path,
                    help="scenario files (default: the races of examples/scenarios/README.md)")
    ap.add_argument("--weft", type=Path, default=DEFAULT_WEFT, help=f"the weft binary (default: {DEFAULT_WEFT.relative_to(ROOT)})")
    ap.add_argument("--runs", type=int, default=20000, help="schedules (libFuzzer: executions) per seed at most (20000)")
    ap.add_argument("--seeds", type=int, default=20, help="seeds 0..N-1 for the seeded strategies and libFuzzer (20)")
    ap.add_argument("--max-delays", type=int, default=4, help="dfs: the largest delay bound tried (4)")
    ap.add_argument("--strategies", default=",".join(s.name for s in STRATEGIES),
                    help="comma-separated subset of the columns (default: all of STRATEGIES)")
    ap.add_argument("--detect", action="store_true",
                    help="take every scenario of examples/scenarios/ that random, pct or dfs fails within --runs")
    ap.add_argument("--libfuzzer-dir", type=Path,
                    help="a directory of libFuzzer targets fuzz_race_NAME (the fuzz preset: build/fuzz/fuzz)")
    ap.add_argument("--libfuzzer-seeds", type=int, help="libFuzzer: seeds 0..N-1 (default: --seeds)")
    ap.add_argument("--libfuzzer-runs", type=int, help="libFuzzer: executions per seed at most (default: --runs)")
    ap.add_argument("--scratch", default="/tmp/weft-strategies-bench", help="libFuzzer's working directory (crash files)")
    ap.add_argument("--jobs", type=int, default=1, help="--jobs for weft explore (random and pct; results do not change)")
    ap.add_argument("--parallel", type=int, default=1, help="scenarios explored at once (1)")
    ap.add_argument("--json-out", type=Path, help="also write every seed's figure as JSON")
    args = ap.parse_args()
    if args.libfuzzer_seeds is None:
        args.libfuzzer_seeds = args.seeds
    if args.libfuzzer_runs is None:
        args.libfuzzer_runs = args.runs

    weft = args.weft.resolve()
    if not weft.is_file():
        sys.exit(f"run.py: {weft} not found: build it (cmake --build --preset release --target weft_cli)")

    readme = SCENARIOS / "README.md"
    listed = {p.resolve(): extra for p, extra in readme_races(readme)} if readme.is_file() else {}
    if args.scenarios:
        # A file of the races table keeps the arguments its "found by" column gives.
        races = [(p.resolve(), listed.get(p.resolve(), ())) for p in args.scenarios]
    elif args.detect:
        races = [(p.resolve(), ()) for p in sorted(SCENARIOS.glob("*.json"))]
    else:
        races = readme_races(readme)
        if not races:
            sys.exit(f"run.py: no races table in {readme}: name the scenarios or pass --detect")
    wanted = [s.strip() for s in args.strategies.split(",") if s.strip()]
    strategies = [s for s in STRATEGIES if s.name in wanted]
    unknown = set(wanted) - {s.name for s in STRATEGIES}
    if unknown:
        sys.exit(f"run.py: unknown strategy {', '.join(sorted(unknown))}: add it to STRATEGIES")

    notes = []
    usable = []
    for s in strategies:
        ok, why = strategy_known(weft, s, races[0][0])
        if ok:
            usable.append(s)
        else:
            notes.append(f"`{s.name}` skipped: this weft rejects `--strategy {s.name}` ({why})")
            log(f"run.py: skipping {s.name}: {why}")

    if args.detect:
        # A race fails under some strategy; keep those.
        # Without faults first; then with injected cancellations.
        kept = []
        for path, _ in races:
            for extra in ((), ("--faults", "cancel")):
                if any(first_failure(weft, path, s, extra, 0, args.runs, args.jobs,
                                     () if s.seeded else ("--max-delays", str(args.max_delays)))[0] is not None
                       for s in usable if s.name in ("random", "pct", "dfs")):
                    kept.append((path, extra))
                    break
        races = kept

    columns = [(s.name, s.seeded, args.runs) for s in usable]
    fuzz_dir = args.libfuzzer_dir
    if fuzz_dir:
        columns.append(("libFuzzer", True, args.libfuzzer_runs))

    def one(race):
        path, extra = race
        cells = {}
        for s in usable:
            cell = (run_seeded if s.seeded else run_delay_bounded)(weft, path, extra, s, args)
            cells[s.name] = cell
            log(f"{path.stem}: {s.name}: {describe(cell, args.runs, s.seeded)} [{cell.seconds:.1f} s]")
        if fuzz_dir:
            exe = libfuzzer_target(fuzz_dir, path)
            if exe:
                cell = run_libfuzzer(exe, args)
                log(f"{path.stem}: libFuzzer: {describe(cell, args.libfuzzer_runs, True)} [{cell.seconds:.1f} s]")
            else:
                cell = Cell(note="no target")
            cells["libFuzzer"] = cell
        return path.stem + (" (`" + " ".join(extra) + "`)" if extra else ""), cells, path

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.parallel)) as pool:
        results = list(pool.map(one, races))

    print(table([(name, cells) for name, cells, _ in results], columns))
    print()
    seeded = [s.name for s in usable if s.seeded]
    parts = []
    if seeded:
        parts.append(f"{', '.join(seeded)}: schedules to the first failure (`first_failure.run` + 1 of "
                     f"`weft explore --json`), median (max) over seeds 0..{args.seeds - 1}, at most {args.runs:,} "
                     "schedules per seed")
    if any(not s.seeded for s in usable):
        parts.append(f"{', '.join(s.name for s in usable if not s.seeded)}: the smallest delay bound "
                     f"K ≤ {args.max_delays} that finds it and the schedules its search ran to the failure, at most "
                     f"{args.runs:,} per bound (seeds do not apply)")
    if fuzz_dir:
        parts.append(f"libFuzzer: executions to the first crash of fuzz_race_NAME (`-seed=K -runs=N`, libFuzzer's "
                     f"stat::number_of_executed_units), median (max) over seeds 0..{args.libfuzzer_seeds - 1}, at most "
                     f"{args.libfuzzer_runs:,} per seed")
    print("; ".join(parts) + ".")
    for n in notes:
        print(f"\n{n}.")

    if args.json_out:
        out = {"weft": str(weft), "runs": args.runs, "seeds": args.seeds, "max_delays": args.max_delays,
               "libfuzzer_runs": args.libfuzzer_runs if fuzz_dir else None,
               "libfuzzer_seeds": args.libfuzzer_seeds if fuzz_dir else None, "notes": notes, "scenarios": {}}
        for name, cells, path in results:
            out["scenarios"][path.stem] = {
                col: {"first": c.firsts, "delay_bound": c.delay_bound, "exhausted_below": c.exhausted_below,
                      "failure": c.failure, "seconds": round(c.seconds, 2), "note": c.note}
                for col, c in cells.items()}
        args.json_out.write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()

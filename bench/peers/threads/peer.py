#!/usr/bin/env python3
"""CPython's side of the threads benchmark (README.md here).

    python3 peer.py [T1=N] [T2=N]     prints "asyncio T1 OPS_PER_SEC NS_PER_OP"

T1: N callbacks in all posted with loop.call_soon_threadsafe from 4 threads,
timed from the start of the posting to the loop running the last one.
T2: N awaits of asyncio.to_thread(no-op), one after the other.
"""
import asyncio
import sys
import threading
import time


def t1(n):
    loop = asyncio.new_event_loop()
    received = 0
    go = threading.Event()

    def bump():
        nonlocal received
        received += 1
        if received == n:
            loop.stop()

    def poster(t):
        go.wait()
        for _ in range(t, n, 4):
            loop.call_soon_threadsafe(bump)

    threads = [threading.Thread(target=poster, args=(t,)) for t in range(4)]
    for th in threads:
        th.start()
    start = time.perf_counter_ns()
    go.set()
    loop.run_forever()
    end = time.perf_counter_ns()
    for th in threads:
        th.join()
    loop.close()
    if received != n:
        sys.exit(f"asyncio T1: received {received}")
    return end - start


def t2(n):
    def one():
        return 1

    async def main():
        total = 0
        for _ in range(n):
            total += await asyncio.to_thread(one)
        return total

    start = time.perf_counter_ns()
    total = asyncio.run(main())
    end = time.perf_counter_ns()
    if total != n:
        sys.exit(f"asyncio T2: sum {total}")
    return end - start


def main(argv):
    sizes = {}
    for a in argv:
        w, eq, v = a.partition("=")
        if w not in ("T1", "T2") or not eq or not v.isdigit() or int(v) <= 0:
            print(f"bad argument '{a}': expected T1=N or T2=N with N a positive integer", file=sys.stderr)
            return 2
        sizes[w] = int(v)
    if not sizes:
        sizes = {"T1": 1_000_000, "T2": 20_000}
    for w in sorted(sizes):
        n = sizes[w]
        ns = (t1 if w == "T1" else t2)(n)
        print(f"asyncio {w} {int(n * 1e9 / ns)} {ns / n:.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

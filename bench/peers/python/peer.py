"""weft peer benchmark: CPython asyncio (peer `asyncio`) and uvloop (peer `uvloop`).

Usage: peer.py [--uvloop] [W1=N] [W2=N] [W3=N] [W4=N] [W5=N]
asyncio is meant to run under CPython 3.13, uvloop under Debian's python3.
Standard library only (plus uvloop with --uvloop).
"""

import asyncio
import gc
import sys
import time

DEFAULTS = {"W1": 10_000_000, "W2": 1_000_000, "W3": 1_000_000, "W4": 1_000_000, "W5": 1000}
ORDER = ("W1", "W2", "W3", "W4", "W5")
CHAINS = 1000
FANOUT = 1000


def usage(msg):
    print(f"peer.py: {msg}", file=sys.stderr)
    print("usage: peer.py [--uvloop] [W1=N] [W2=N] [W3=N] [W4=N] [W5=N]", file=sys.stderr)
    sys.exit(2)


def fail(msg):
    print(f"peer.py: verification failed: {msg}", file=sys.stderr)
    sys.exit(1)


def parse_args(argv):
    use_uvloop = False
    sel = {}
    for arg in argv:
        if arg == "--uvloop":
            use_uvloop = True
            continue
        w, eq, v = arg.partition("=")
        if not eq:
            usage(f"bad argument '{arg}' (expected WORKLOAD=N or --uvloop)")
        if w not in ORDER:
            usage(f"unknown workload '{w}' in '{arg}'")
        if w in sel:
            usage(f"workload {w} given twice")
        # isdecimal() alone would accept non-ASCII digits and int() would accept '+5', '1_0'.
        if not (v.isascii() and v.isdigit()) or int(v) <= 0:
            usage(f"{w}: N must be a positive integer, got '{v}'")
        n = int(v)
        if w == "W2" and n % FANOUT:
            usage(f"W2: N must be a multiple of {FANOUT}, got {n}")
        sel[w] = n
    return use_uvloop, (sel or dict(DEFAULTS))


# W1: CHAINS self-rescheduling call_soon chains, N plain callbacks in total.
def w1(loop, n):
    call_soon = loop.call_soon
    count = 0
    scheduled = min(CHAINS, n)

    def cb():
        nonlocal count, scheduled
        count += 1
        if scheduled < n:
            scheduled += 1
            call_soon(cb)
        elif count == n:
            loop.stop()

    t0 = time.perf_counter_ns()
    for _ in range(scheduled):
        call_soon(cb)
    loop.run_forever()
    ns = time.perf_counter_ns() - t0
    if count != n:
        fail(f"W1 ran {count} callbacks, expected {n}")
    return ns


# W2: per round, FANOUT tasks that return at once, gathered.
async def w2_child():
    return 1


async def w2_main(rounds):
    gather, create_task = asyncio.gather, asyncio.create_task
    total = 0
    for _ in range(rounds):
        res = await gather(*[create_task(w2_child()) for _ in range(FANOUT)])
        total += len(res)
    return total


def w2(loop, n):
    t0 = time.perf_counter_ns()
    total = loop.run_until_complete(w2_main(n // FANOUT))
    ns = time.perf_counter_ns() - t0
    if total != n:
        fail(f"W2 completed {total} tasks, expected {n}")
    return ns


# W3: two tasks each yielding N times with sleep(0), so they alternate.
async def w3_yielder(n):
    sleep = asyncio.sleep
    k = 0
    for _ in range(n):
        await sleep(0)
        k += 1
    return k


async def w3_main(n):
    return await asyncio.gather(asyncio.create_task(w3_yielder(n)),
                                asyncio.create_task(w3_yielder(n)))


def w3(loop, n):
    t0 = time.perf_counter_ns()
    a, b = loop.run_until_complete(w3_main(n))
    ns = time.perf_counter_ns() - t0
    if a != n or b != n:
        fail(f"W3 yield counts {a}, {b}, expected {n} each")
    return ns


# W4: N call_at timers, deadlines scattered over [0, 1 s) from one start instant.
# No virtual clock, so: time scheduling, sleep past the last deadline (not
# timed), then time running the loop until all have fired.
def w4(loop, n):
    # Deadline offsets are computed up front; not part of what is measured.
    offsets = [((i * 2654435761) & 0xFFFFFFFF) / 4294967296.0 for i in range(n)]
    done = loop.create_future()
    count = 0

    def cb():
        nonlocal count
        count += 1
        if count == n:
            done.set_result(None)

    call_at = loop.call_at
    t0 = time.perf_counter_ns()
    start = loop.time()
    for off in offsets:
        call_at(start + off, cb)
    t1 = time.perf_counter_ns()
    del offsets
    # loop.time() is the clock call_at deadlines are on; sleep until past them all.
    while (left := start + 1.02 - loop.time()) > 0:
        time.sleep(left)
    t2 = time.perf_counter_ns()
    loop.run_until_complete(done)
    t3 = time.perf_counter_ns()
    if count != n:
        fail(f"W4 fired {count} timers, expected {n}")
    return (t1 - t0) + (t3 - t2)


# W5: per round, FANOUT tasks each doing one sleep(0), gathered.
async def w5_child():
    await asyncio.sleep(0)
    return 1


async def w5_main(rounds):
    gather, create_task = asyncio.gather, asyncio.create_task
    total = 0
    for _ in range(rounds):
        res = await gather(*[create_task(w5_child()) for _ in range(FANOUT)])
        total += len(res)
    return total


def w5(loop, n):
    t0 = time.perf_counter_ns()
    total = loop.run_until_complete(w5_main(n))
    ns = time.perf_counter_ns() - t0
    if total != n * FANOUT:
        fail(f"W5 completed {total} children, expected {n * FANOUT}")
    return ns


RUNNERS = {
    "W1": (w1, lambda n: n),
    "W2": (w2, lambda n: n),
    "W3": (w3, lambda n: 2 * n),
    "W4": (w4, lambda n: n),
    "W5": (w5, lambda n: FANOUT * n),
}


def main():
    use_uvloop, sel = parse_args(sys.argv[1:])
    if use_uvloop:
        try:
            import uvloop
        except ImportError as e:
            print(f"peer.py: --uvloop given but uvloop cannot be imported with "
                  f"{sys.executable} ({e})", file=sys.stderr)
            sys.exit(3)
        peer, new_loop = "uvloop", uvloop.new_event_loop
    else:
        peer, new_loop = "asyncio", asyncio.new_event_loop

    for w in ORDER:
        if w not in sel:
            continue
        run, ops_of = RUNNERS[w]
        n = sel[w]
        loop = new_loop()
        asyncio.set_event_loop(loop)
        gc.collect()  # start each workload without the previous one's garbage
        try:
            ns = run(loop, n)
        finally:
            asyncio.set_event_loop(None)
            loop.close()
        ops = ops_of(n)
        print(f"{peer} {w} {ops * 1_000_000_000 // ns} {ns / ops:.2f}", flush=True)


if __name__ == "__main__":
    main()

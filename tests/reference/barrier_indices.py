# Barrier(3): each arrival gets its index (0, 1, 2 in arrival order); the last
# one releases the others, and the barrier is reusable for a second round.
# parties, n_waiting and broken along the way.
from vloop import log, run
import asyncio


async def party(b, name, delays):
    for rnd, d in enumerate(delays):
        await asyncio.sleep(d)
        log(name, "arrives for round", rnd, "n_waiting", b.n_waiting)
        i = await b.wait()
        log(name, "passed round", rnd, "index", i, "n_waiting", b.n_waiting)


async def main():
    b = asyncio.Barrier(3)
    log("parties", b.parties, "n_waiting", b.n_waiting, "broken", b.broken)
    tasks = [asyncio.create_task(party(b, n, d))
             for n, d in (("a", (1, 0)), ("b", (2, 2)), ("c", (3, 1)))]
    await asyncio.sleep(2)
    log("n_waiting", b.n_waiting)
    for t in tasks:
        await t
    log("n_waiting", b.n_waiting, "broken", b.broken)


run(main())

# A waiter cancelled at the barrier leaves it: n_waiting drops and the next
# arrival takes its index.
from vloop import log, run
import asyncio


async def party(b, name):
    try:
        i = await b.wait()
    except asyncio.CancelledError:
        log(name, "cancelled, n_waiting", b.n_waiting)
        raise
    log(name, "passed, index", i)


async def main():
    b = asyncio.Barrier(3)
    a = asyncio.create_task(party(b, "a"))
    c = asyncio.create_task(party(b, "b"))
    await asyncio.sleep(1)
    log("n_waiting", b.n_waiting)
    a.cancel()
    await asyncio.sleep(1)
    log("n_waiting", b.n_waiting)
    tasks = [asyncio.create_task(party(b, n)) for n in "cd"]
    for t in [c] + tasks:
        await t
    try:
        await a
    except asyncio.CancelledError:
        log("a was cancelled")


run(main())

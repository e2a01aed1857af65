# A task cancelled while blocked by a draining barrier (before it counted)
# leaves without changing the count; the next round is unaffected.
from vloop import log, run
import asyncio


async def party(b, name):
    log(name, "arrives, n_waiting", b.n_waiting)
    try:
        i = await b.wait()
    except asyncio.CancelledError:
        log(name, "cancelled, n_waiting", b.n_waiting)
        raise
    log(name, "passed, index", i)


async def main():
    b = asyncio.Barrier(2)
    tasks = [asyncio.create_task(party(b, n)) for n in "abc"]
    await asyncio.sleep(0)
    tasks[2].cancel()
    log("cancelled c")
    await asyncio.sleep(1)
    log("n_waiting", b.n_waiting)
    more = [asyncio.create_task(party(b, n)) for n in "de"]
    for t in tasks[:2] + more:
        await t
    try:
        await tasks[2]
    except asyncio.CancelledError:
        log("c was cancelled")


run(main())

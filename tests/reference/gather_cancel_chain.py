# Long chains of 100,000 tasks, each awaiting a gather of the next one (or a
# shield over it), the last one waiting for an event. Cancelling the first
# task of the gather chain goes down the chain (Task.cancel, the gather's
# cancel, the next Task.cancel, ...) until the recursion limit raises
# RecursionError, delivering no cancellation: once the event is set, the chain
# finishes level by level. A shield stops the cancellation at once: only the
# first task of the shield chain is cancelled, and the others finish.
from vloop import log, run
import asyncio

N = 100_000


async def link(i, kind, go, links):
    if i == N:
        await go.wait()
        return 0
    links.append(asyncio.create_task(link(i + 1, kind, go, links)))
    if kind == "gather":
        (r,) = await asyncio.gather(links[i + 1])
    else:
        r = await asyncio.shield(links[i + 1])
    return r + 1


async def chain(kind):
    go = asyncio.Event()
    links = []
    links.append(asyncio.create_task(link(0, kind, go, links)))
    await asyncio.sleep(1)
    log(kind, "chain of", len(links), "tasks")
    try:
        log("cancel returns", links[0].cancel())
    except RecursionError:
        log("cancel raised RecursionError")
    go.set()
    try:
        log("first returned", await links[0])
    except asyncio.CancelledError:
        log("first cancelled", links[0].cancelled(), "second returned", await links[1])
    log("all done", all(t.done() for t in links))


async def main():
    await chain("gather")
    await chain("shield")


run(main())

# Without return_exceptions a child's cancellation makes the gather raise
# CancelledError, though the gather itself is not cancelled and the other
# children keep running.
from vloop import log, run
import asyncio


def exc(e):
    return f"{type(e).__name__}({e})"


async def child(name, delay):
    log(name, "starts")
    await asyncio.sleep(delay)
    log(name, "finishes")
    return delay


async def main():
    a = asyncio.create_task(child("a", 1))
    b = asyncio.create_task(child("b", 3))
    g = asyncio.gather(a, b)
    await asyncio.sleep(0.5)
    a.cancel("stop a")
    try:
        await g
    except asyncio.CancelledError as e:
        log("gather raised", exc(e), "gather cancelled", g.cancelled(), "b done", b.done())
    log("main cancelling", asyncio.current_task().cancelling())
    log("b result", await b)


run(main())

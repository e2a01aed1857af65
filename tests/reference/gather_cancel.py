# Cancelling a gather cancels each child, a repeated child once per place, so
# its cancelling() is 2; the gather raises CancelledError once every child is
# done. Cancelling the task that awaits a gather does the same.
from vloop import log, run
import asyncio


def exc(e):
    return f"{type(e).__name__}({e})"


async def child(name):
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError as e:
        log(name, "cancelled", exc(e))
        raise


async def awaiter(g):
    try:
        await g
    except asyncio.CancelledError as e:
        log("awaiter got", exc(e))
        raise


async def main():
    t1 = asyncio.create_task(child("t1"))
    t2 = asyncio.create_task(child("t2"))
    g = asyncio.gather(t1, t1, t2)
    await asyncio.sleep(1)
    log("cancel returns", g.cancel("stop"))
    log("cancelling", t1.cancelling(), t2.cancelling())
    try:
        await g
    except asyncio.CancelledError as e:
        log("gather raised", exc(e))
    log("cancelled", g.cancelled(), t1.cancelled(), t2.cancelled())
    log("cancel again returns", g.cancel())
    log("main cancelling", asyncio.current_task().cancelling())

    t3 = asyncio.create_task(child("t3"))
    g2 = asyncio.gather(t3, child("t4"))
    w = asyncio.create_task(awaiter(g2))
    await asyncio.sleep(1)
    log("cancel awaiter returns", w.cancel())
    try:
        await w
    except asyncio.CancelledError as e:
        log("awaiter cancelled", w.cancelled(), "t3 cancelling", t3.cancelling())


run(main())

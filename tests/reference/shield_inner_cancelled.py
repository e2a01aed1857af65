# Cancelling the inner task by other means cancels the shield too; an inner
# exception is passed on.
from vloop import log, run
import asyncio


async def inner_work(delay):
    await asyncio.sleep(delay)
    return 1


async def fail():
    await asyncio.sleep(1)
    raise ValueError("boom")


async def main():
    inner = asyncio.create_task(inner_work(5))
    s = asyncio.shield(inner)
    await asyncio.sleep(1)
    inner.cancel("stop inner")
    try:
        await s
    except asyncio.CancelledError as e:
        log("shield raised CancelledError", e.args, "shield cancelled", s.cancelled())
    log("main cancelling", asyncio.current_task().cancelling())
    s = asyncio.shield(fail())
    try:
        await s
    except ValueError as e:
        log("shield raised ValueError", e)


run(main())

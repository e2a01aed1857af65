# A coroutine object runs once: awaiting it again raises RuntimeError, and a
# task made from it fails with the same error at its first step.
from vloop import log, run
import asyncio


async def inner():
    log("inner runs")
    return 1


async def main():
    c = inner()
    log("first await", await c)
    try:
        await c
    except RuntimeError as e:
        log("second await: RuntimeError", e)
    t = asyncio.create_task(c, name="reuse")
    log("task created")
    await asyncio.sleep(0)
    log("task done", t.done())
    log("task exception: RuntimeError", t.exception())


run(main())

# An exception raised in a task reaches every awaiter; exception() returns it
# and result() raises it.
from vloop import log, run
import asyncio


async def boom():
    await asyncio.sleep(0)
    log("boom raises")
    raise RuntimeError("boom")


async def waiter(t):
    try:
        await t
    except RuntimeError as e:
        log(f"waiter caught {e}")


async def main():
    t = asyncio.create_task(boom(), name="boom")
    w = asyncio.create_task(waiter(t), name="waiter")
    try:
        await t
    except RuntimeError as e:
        log(f"main caught {e}")
    log(f"done {t.done()} cancelled {t.cancelled()} exception {t.exception()}")
    try:
        t.result()
    except RuntimeError as e:
        log(f"result() raised {e}")
    await w


run(main())

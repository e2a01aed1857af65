# create_task with a coroutine object that was already awaited: the task is
# created, and its first step raises RuntimeError("cannot reuse already
# awaited coroutine"), which ends the task.
from vloop import log, run
import asyncio


async def once():
    return 1


async def main():
    c = once()
    log(f"first await gives {await c}")
    t = asyncio.create_task(c, name="again")
    log(f"created, done {t.done()}")
    try:
        await t
    except RuntimeError as e:
        log(f"await raised {e}")
    log(f"done {t.done()} cancelled {t.cancelled()}")


run(main())

# The first failing child cancels the other children (in creation order) and
# then the parent task; the block raises an ExceptionGroup of the failure, and
# the parent's cancelling() is back to 0.
from vloop import log, run
import asyncio


def describe(e):
    """An exception as weft's twin prints it; groups with their members."""
    if isinstance(e, BaseExceptionGroup):
        return f"{type(e).__name__}({e})[" + ", ".join(describe(x) for x in e.exceptions) + "]"
    return f"{type(e).__name__}({e})"


async def sleeper(name):
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        log(name, "cancelled")
        raise


async def fail(name, delay):
    await asyncio.sleep(delay)
    log(name, "raises")
    raise ValueError(name)


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            s1 = tg.create_task(sleeper("s1"))
            tg.create_task(fail("f", 1))
            s2 = tg.create_task(sleeper("s2"))
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                log("body cancelled, cancelling", asyncio.current_task().cancelling())
                raise
    except ExceptionGroup as eg:
        log("raised", describe(eg))
    log("cancelled", s1.cancelled(), s2.cancelled(), "cancelling", asyncio.current_task().cancelling())


run(main())

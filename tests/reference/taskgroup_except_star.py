# except* on a TaskGroup's ExceptionGroup: each clause gets the matching part,
# as a group with the same message, members in their original order.
from vloop import log, run
import asyncio


def describe(e):
    """An exception as weft's twin prints it; groups with their members."""
    if isinstance(e, BaseExceptionGroup):
        return f"{type(e).__name__}({e})[" + ", ".join(describe(x) for x in e.exceptions) + "]"
    return f"{type(e).__name__}({e})"


async def fail(name, delay):
    await asyncio.sleep(delay)
    log(name, "raises")
    raise ValueError(name)


async def bad_cleanup(name):
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        log(name, "raises while cancelled")
        raise RuntimeError(name)


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(fail("v1", 1))
            tg.create_task(bad_cleanup("r"))
            tg.create_task(fail("v2", 1))
    except* ValueError as eg:
        log("except* ValueError", describe(eg))
    except* RuntimeError as eg:
        log("except* RuntimeError", describe(eg))
    log("handled")


run(main())

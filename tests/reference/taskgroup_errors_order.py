# Errors are collected in the order the failing children finish, including an
# error a child raises while being cancelled; cancelled children add nothing.
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


async def slow_cleanup(name):
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        log(name, "cleans up")
        await asyncio.sleep(1)
        log(name, "raises after cleanup")
        raise RuntimeError(name)


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            x = tg.create_task(fail("x", 2))
            tg.create_task(slow_cleanup("s"))
            tg.create_task(fail("y", 1))
            tg.create_task(bad_cleanup("z"))
            tg.create_task(fail("w", 1))
    except ExceptionGroup as eg:
        log("raised", describe(eg))
    log("x cancelled", x.cancelled())


run(main())

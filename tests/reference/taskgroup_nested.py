# Nested groups: an inner group's ExceptionGroup is an error of the outer
# body, so the outer group raises a group holding it. A failure in the outer
# group cancels the parent task inside the inner group, which cancels its own
# children and lets the CancelledError through.
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
        async with asyncio.TaskGroup() as outer:
            outer.create_task(sleeper("outer child"))
            async with asyncio.TaskGroup() as inner:
                inner.create_task(sleeper("inner child"))
                inner.create_task(fail("inner fail", 1))
    except ExceptionGroup as eg:
        log("raised", describe(eg))

    try:
        async with asyncio.TaskGroup() as outer:
            outer.create_task(fail("outer fail", 1))
            try:
                async with asyncio.TaskGroup() as inner:
                    inner.create_task(sleeper("inner child"))
                    await asyncio.sleep(5)
            except asyncio.CancelledError:
                log("inner group let CancelledError through, cancelling", asyncio.current_task().cancelling())
                raise
    except ExceptionGroup as eg:
        log("raised", describe(eg))
    log("cancelling", asyncio.current_task().cancelling())


run(main())

# An exception in the body cancels the children; it comes last in the
# ExceptionGroup, after the children's errors. A body error alone is wrapped too.
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


async def bad_cleanup(name):
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        log(name, "raises while cancelled")
        raise RuntimeError(name)


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(sleeper("a"))
            tg.create_task(bad_cleanup("b"))
            await asyncio.sleep(1)
            log("body raises")
            raise ValueError("body")
    except ExceptionGroup as eg:
        log("raised", describe(eg))
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(sleeper("c"))
            raise ValueError("body alone")
    except ExceptionGroup as eg:
        log("raised", describe(eg))
    log("cancelling", asyncio.current_task().cancelling())


run(main())

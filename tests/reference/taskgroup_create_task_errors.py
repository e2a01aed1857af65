# TaskGroup.create_task refuses a coroutine before the group is entered, while
# it shuts down and once it is finished (closing the coroutine, so no 'never
# awaited' warning); entering a group twice fails. The messages hold the
# group's repr, so only the exception type is printed.
from vloop import log, run
import asyncio


def describe(e):
    """An exception as weft's twin prints it; groups with their members."""
    if isinstance(e, BaseExceptionGroup):
        return f"{type(e).__name__}({e})[" + ", ".join(describe(x) for x in e.exceptions) + "]"
    return f"{type(e).__name__}({e})"
import gc
import warnings


async def child(name):
    log(name, "runs")
    await asyncio.sleep(1)


async def fail():
    await asyncio.sleep(1)
    raise ValueError("f")


async def scenario():
    tg = asyncio.TaskGroup()
    try:
        tg.create_task(child("early"))
    except RuntimeError as e:
        log("before entering:", type(e).__name__)
    try:
        async with tg:
            tg.create_task(fail())
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                try:
                    tg.create_task(child("late"))
                except RuntimeError as e:
                    log("while shutting down:", type(e).__name__)
                raise
    except ExceptionGroup as eg:
        log("raised", describe(eg))
    try:
        tg.create_task(child("after"))
    except RuntimeError as e:
        log("after the block:", type(e).__name__)
    try:
        async with tg:
            pass
    except RuntimeError as e:
        log("entered twice:", type(e).__name__)

    ok = asyncio.TaskGroup()
    async with ok:
        ok.create_task(child("fine"))
    try:
        ok.create_task(child("after fine"))
    except RuntimeError as e:
        log("after a clean block:", type(e).__name__)


async def main():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        await scenario()
        gc.collect()
    log("never-awaited warnings", len(caught))


run(main())

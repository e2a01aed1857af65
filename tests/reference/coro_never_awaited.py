# A coroutine object destroyed before it ever ran is reported as
# "RuntimeWarning: coroutine 'NAME' was never awaited"; one that was awaited,
# or handed to a task, is not.
from vloop import log, run
import asyncio
import warnings


def show(message, category, filename, lineno, file=None, line=None):
    log(f"{category.__name__}: {message}")


warnings.showwarning = show
warnings.simplefilter("always")


async def forgotten():
    log("forgotten runs")


async def awaited():
    log("awaited runs")


async def in_task():
    log("in_task runs")


async def main():
    c = forgotten()
    log("created")
    del c
    log("dropped")
    c = awaited()
    await c
    del c
    log("dropped the awaited one")
    t = asyncio.create_task(in_task())
    await t
    del t
    log("main done")


run(main())

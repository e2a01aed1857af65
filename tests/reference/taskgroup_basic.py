# TaskGroup: children start in creation order, the body goes on, and the
# block ends when every child is done.
from vloop import log, run
import asyncio


def describe(e):
    """An exception as weft's twin prints it; groups with their members."""
    if isinstance(e, BaseExceptionGroup):
        return f"{type(e).__name__}({e})[" + ", ".join(describe(x) for x in e.exceptions) + "]"
    return f"{type(e).__name__}({e})"


async def child(name, delay):
    log(name, "starts in", asyncio.current_task().get_name())
    await asyncio.sleep(delay)
    log(name, "finishes")
    return name


async def main():
    async with asyncio.TaskGroup() as tg:
        a = tg.create_task(child("a", 2), name="a")
        b = tg.create_task(child("b", 1), name="b")
        log("body continues")
        await asyncio.sleep(0.5)
        c = tg.create_task(child("c", 1))
        log("body ends")
    log("group done", a.result(), b.result(), c.result())
    log("cancelling", asyncio.current_task().cancelling())


run(main())

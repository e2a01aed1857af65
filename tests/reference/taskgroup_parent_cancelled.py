# The parent task cancelled from outside: during the body or while the group
# waits for its children, the children are cancelled and CancelledError
# propagates with cancelling() 1. If a child fails meanwhile, the
# ExceptionGroup wins and the parent is cancelled again (count unchanged), so
# its next await raises CancelledError.
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


async def in_body():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(sleeper("a"))
        try:
            await asyncio.sleep(5)
        except asyncio.CancelledError:
            log("body cancelled")
            raise


async def in_exit():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(sleeper("b"))
        log("body ends")


async def with_error():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(bad_cleanup("c"))
            log("body ends")
    except ExceptionGroup as eg:
        log("raised", describe(eg), "cancelling", asyncio.current_task().cancelling())
    try:
        await asyncio.sleep(0)
        log("not cancelled")
    except asyncio.CancelledError:
        log("next await cancelled, cancelling", asyncio.current_task().cancelling())
        raise


async def main():
    for name, coro in (("in body", in_body()), ("in exit", in_exit()), ("with error", with_error())):
        t = asyncio.create_task(coro)
        await asyncio.sleep(1)
        t.cancel()
        try:
            await t
        except asyncio.CancelledError:
            log(name, "task cancelled", t.cancelled(), "cancelling", t.cancelling())


run(main())

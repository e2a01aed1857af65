# With eager tasks a child may finish inside create_task: it never joins the
# group; if it failed, the group aborts at once and cancels the parent, whose
# next await raises CancelledError. A child cancelled by someone else is not
# an error.
from vloop import log, run
import asyncio


def describe(e):
    """An exception as weft's twin prints it; groups with their members."""
    if isinstance(e, BaseExceptionGroup):
        return f"{type(e).__name__}({e})[" + ", ".join(describe(x) for x in e.exceptions) + "]"
    return f"{type(e).__name__}({e})"


async def quick(name):
    log(name, "runs eagerly")
    return name


async def fail_now(name):
    log(name, "raises eagerly")
    raise ValueError(name)


async def sleeper(name):
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        log(name, "cancelled")
        raise


async def main():
    loop = asyncio.get_running_loop()
    loop.set_task_factory(asyncio.eager_task_factory)
    async with asyncio.TaskGroup() as tg:
        q = tg.create_task(quick("q"))
        log("q done", q.done())
    log("result", q.result())
    try:
        async with asyncio.TaskGroup() as tg:
            s = tg.create_task(sleeper("s"))
            tg.create_task(fail_now("f"))
            log("after create_task, cancelling", asyncio.current_task().cancelling())
            try:
                await asyncio.sleep(1)
            except asyncio.CancelledError:
                log("body cancelled")
                raise
    except ExceptionGroup as eg:
        log("raised", describe(eg))
    loop.set_task_factory(None)

    async with asyncio.TaskGroup() as tg:
        victim = tg.create_task(sleeper("victim"))
        other = tg.create_task(quick("other"))
        await asyncio.sleep(1)
        victim.cancel()
    log("group ended normally, other", other.result(), "cancelling", asyncio.current_task().cancelling())


run(main())

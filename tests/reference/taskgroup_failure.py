# The first failing child cancels the other children (in creation order) and
# then the parent task; the block raises an ExceptionGroup of the failure, and
# the parent's cancelling() is back to 0.
from vloop import log, run
import asyncio


class _OrderedTasks(dict):
    """TaskGroup._tasks in creation order. CPython keeps a set and cancels in
    hash order; weft (design.md, "Where CPython leaves an order unspecified")
    uses creation order, so the twin does too."""

    def add(self, task):
        self[task] = None

    def discard(self, task):
        self.pop(task, None)


_task_group_init = asyncio.TaskGroup.__init__


def _ordered_task_group_init(self):
    _task_group_init(self)
    self._tasks = _OrderedTasks()


asyncio.TaskGroup.__init__ = _ordered_task_group_init


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

# Errors are collected in the order the failing children finish, including an
# error a child raises while being cancelled; cancelled children add nothing.
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

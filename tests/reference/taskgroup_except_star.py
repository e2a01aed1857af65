# except* on a TaskGroup's ExceptionGroup: each clause gets the matching part,
# as a group with the same message, members in their original order.
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


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(fail("v1", 1))
            tg.create_task(bad_cleanup("r"))
            tg.create_task(fail("v2", 1))
    except* ValueError as eg:
        log("except* ValueError", describe(eg))
    except* RuntimeError as eg:
        log("except* RuntimeError", describe(eg))
    log("handled")


run(main())

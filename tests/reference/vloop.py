"""Virtual-time harness for weft's reference programs (CPython 3.13).

Each tests/reference/NAME.py imports this module, writes an asyncio program and
prints its events with log(); CPython's output is stored as NAME.out and the
C++ twin in tests/*_test.cpp must print the same lines.

The loop is CPython's real asyncio loop with exactly these changes, the same as
the conformance oracle's (docs/scenario-format.md, "The reference runner's
changes to CPython"):
  1. virtual time: the selector never blocks; a wait of t seconds adds t to the
     loop's clock, which starts at 0;
  2. timers with equal deadlines fire in scheduling order;
  3. asyncio.run's shutdown cancels leftover tasks in creation order, and an
     aborting TaskGroup cancels its children in the order they joined it
     (CPython iterates sets for both);
  4. threads take no virtual time: while work handed to an executor
     (run_in_executor, to_thread) is under way, the selector blocks for real
     until a thread posts instead of moving the clock (weft's virtual clock
     does the same); and a loop with `keep_waiting` set (weft's work_guard)
     blocks for other threads' posts when it has nothing to do.
"""
import asyncio
import asyncio.runners
import heapq
import itertools
import selectors

_seq = itertools.count()


class _VirtualSelector(selectors.DefaultSelector):
    def __init__(self, loop_ref):
        super().__init__()
        self._loop_ref = loop_ref

    def select(self, timeout=None):
        loop = self._loop_ref()
        if timeout != 0 and (loop._in_flight or (timeout is None and loop.keep_waiting)):
            return super().select(None)  # until a thread writes to the self-pipe
        if timeout is None:
            raise RuntimeError("deadlock: nothing ready and no timer")
        loop._vtime += timeout
        return super().select(0)


class _OrderedTimerHandle(asyncio.TimerHandle):
    __slots__ = ("_seq",)

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self._seq = next(_seq)

    def __lt__(self, other):
        return (self._when, self._seq) < (other._when, other._seq)

    def __le__(self, other):
        return (self._when, self._seq) <= (other._when, other._seq)

    def __gt__(self, other):
        return (self._when, self._seq) > (other._when, other._seq)

    def __ge__(self, other):
        return (self._when, self._seq) >= (other._when, other._seq)


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    def __init__(self):
        import weakref
        self._vtime = 0.0
        self._created = []
        self._in_flight = 0
        self.keep_waiting = False
        super().__init__(_VirtualSelector(weakref.ref(self)))

    def time(self):
        return self._vtime

    def call_at(self, when, callback, *args, context=None):
        # BaseEventLoop.call_at, with a timer handle ordered by (when, seq).
        self._check_closed()
        timer = _OrderedTimerHandle(when, callback, args, self, context)
        heapq.heappush(self._scheduled, timer)
        timer._scheduled = True
        return timer

    def run_in_executor(self, executor, func, *args):
        fut = super().run_in_executor(executor, func, *args)
        self._in_flight += 1

        def landed(_):
            self._in_flight -= 1
        fut.add_done_callback(landed)
        return fut

    async def shutdown_default_executor(self, timeout=None):
        # Its thread joins the executor's: work under way too.
        self._in_flight += 1
        try:
            await super().shutdown_default_executor(timeout)
        finally:
            self._in_flight -= 1

    def create_task(self, coro, **kw):
        t = super().create_task(coro, **kw)
        self._created.append(t)
        return t


def _cancel_all_tasks_in_creation_order(loop):
    pending = asyncio.all_tasks(loop)
    order = {id(t): i for i, t in enumerate(getattr(loop, "_created", []))}
    to_cancel = sorted(pending, key=lambda t: order.get(id(t), len(order)))
    if not to_cancel:
        return
    for task in to_cancel:
        task.cancel()
    loop.run_until_complete(asyncio.gather(*to_cancel, return_exceptions=True))
    for task in to_cancel:
        if task.cancelled():
            continue
        if task.exception() is not None:
            loop.call_exception_handler({
                'message': 'unhandled exception during asyncio.run() shutdown',
                'exception': task.exception(),
                'task': task,
            })


asyncio.runners._cancel_all_tasks = _cancel_all_tasks_in_creation_order


class _OrderedTasks(dict):
    """TaskGroup._tasks as an insertion-ordered set (CPython: a set)."""

    def add(self, task):
        self[task] = None

    def discard(self, task):
        self.pop(task, None)


_task_group_init = asyncio.TaskGroup.__init__


def _ordered_task_group_init(self):
    _task_group_init(self)
    self._tasks = _OrderedTasks()


asyncio.TaskGroup.__init__ = _ordered_task_group_init


def now_ms():
    return round(asyncio.get_running_loop().time() * 1000)


def log(*parts):
    """Prints one event: the loop's virtual time in milliseconds, then the text."""
    print(now_ms(), *parts, flush=True)


def run(main):
    """asyncio.run(main) on a VirtualTimeLoop."""
    return asyncio.run(main, loop_factory=VirtualTimeLoop)

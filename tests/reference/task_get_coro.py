# get_coro() gives the task's coroutine (here: its function's name), also once
# the task is done; a task that completed eagerly drops it (None).
from vloop import log, run
import asyncio


async def worker():
    await asyncio.sleep(0)
    return 1


async def quick():
    return 2


def coro_name(t):
    c = t.get_coro()
    return c.__name__ if c is not None else "None"


async def main():
    loop = asyncio.get_running_loop()
    w = asyncio.create_task(worker(), name="w")
    log(f"w coro {coro_name(w)}")
    await w
    log(f"w done coro {coro_name(w)}")
    q = asyncio.Task(quick(), loop=loop, name="q", eager_start=True)
    log(f"q done {q.done()} coro {coro_name(q)}")
    s = asyncio.Task(worker(), loop=loop, name="s", eager_start=True)
    log(f"s done {s.done()} coro {coro_name(s)}")
    await s
    log(f"s done coro {coro_name(s)}")


run(main())

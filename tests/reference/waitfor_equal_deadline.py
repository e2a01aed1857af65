# Completion and timeout at the same tick: the timer scheduled first runs
# first. A finished future does not save the caller once the timeout cancelled
# it: the cancellation is delivered at its next step.
from vloop import log, run
import asyncio


async def sleeper(label, delay):
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        log(label, "cancelled")
        raise
    log(label, "finished")
    return label


async def attempt(label, aw, timeout):
    try:
        log(label, "result", await asyncio.wait_for(aw, timeout))
    except TimeoutError:
        log(label, "timed out")


async def late_setter(f):
    await asyncio.sleep(0)
    asyncio.get_running_loop().call_later(1, lambda: f.done() or f.set_result("set"))


async def main():
    loop = asyncio.get_running_loop()
    # the timeout's timer is scheduled before the coroutine's sleep
    await attempt("coroutine", sleeper("coroutine", 1), 1)
    # the task's sleep is scheduled before the timeout
    t = asyncio.create_task(sleeper("task", 1))
    await asyncio.sleep(0)
    await attempt("task", t, 1)
    # a future completed by a timer scheduled before the timeout
    f = loop.create_future()
    loop.call_later(1, f.set_result, "set")
    await attempt("future first", f, 1)
    # a future completed by a timer scheduled after the timeout
    f = loop.create_future()
    asyncio.create_task(late_setter(f))
    await attempt("future second", f, 1)
    log("f cancelled", f.cancelled())


run(main())

# An eager task suspended at the await of its first step, cancelled right
# after create_task: the cancel goes to the sleep's future and the task gets
# CancelledError on the next iteration. An eager task that cancels itself in
# its first step has its first awaited future cancelled at once.
from vloop import log, run
import asyncio


async def eager_sleeper():
    log("eager_sleeper starts")
    try:
        await asyncio.sleep(5)
        log("eager_sleeper woke")
    except asyncio.CancelledError:
        log("eager_sleeper cancelled")
        raise


async def self_canceller():
    log(f"self_canceller cancel returns {asyncio.current_task().cancel()}")
    try:
        await asyncio.sleep(5)
        log("self_canceller woke")
    except asyncio.CancelledError:
        log("self_canceller cancelled")
        raise


async def main():
    loop = asyncio.get_running_loop()
    # Task(eager_start=True): 3.13.0's create_task has no eager_start argument.
    e = asyncio.Task(eager_sleeper(), loop=loop, name="eager_sleeper", eager_start=True)
    log(f"after create_task done {e.done()} cancel returns {e.cancel()}")
    s = asyncio.Task(self_canceller(), loop=loop, name="self_canceller", eager_start=True)
    log(f"after create_task done {s.done()}")
    for t in (e, s):
        try:
            await t
        except asyncio.CancelledError:
            log(f"main: {t.get_name()} cancelled {t.cancelled()}")


run(main())

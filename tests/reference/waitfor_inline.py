# wait_for (3.13): with timeout None or > 0 a coroutine runs inside the
# caller's task; with timeout <= 0 it is wrapped in a task and cancelled before
# it starts, unless an eager task finished in its first step.
from vloop import log, run
import asyncio


async def body(label, delay):
    log(label, "runs in", asyncio.current_task().get_name())
    await asyncio.sleep(delay)
    return label


async def quick(label):
    log(label, "runs in", asyncio.current_task().get_name())
    return label


async def main():
    loop = asyncio.get_running_loop()
    log("main is", asyncio.current_task().get_name())
    log("result", await asyncio.wait_for(body("none", 1), None))
    log("result", await asyncio.wait_for(body("positive", 1), 5))
    for label, timeout in (("zero", 0), ("negative", -1)):
        try:
            await asyncio.wait_for(body(label, 1), timeout)
        except TimeoutError:
            log(label, "timed out")
    loop.set_task_factory(asyncio.eager_task_factory)
    log("result", await asyncio.wait_for(quick("eager"), 0))
    try:
        await asyncio.wait_for(body("eager suspends", 1), 0)
    except TimeoutError:
        log("eager suspends timed out")
    loop.set_task_factory(None)
    t = asyncio.create_task(quick("done task"))
    await asyncio.sleep(0)
    log("result", await asyncio.wait_for(t, 0))
    log("main cancelling", asyncio.current_task().cancelling())


run(main())

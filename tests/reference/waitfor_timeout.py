# The timeout fires: the coroutine (running in the caller's task) or the task
# is cancelled, and wait_for raises TimeoutError once it is done.
from vloop import log, run
import asyncio


async def slow(label):
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        log(label, "cancelled in", asyncio.current_task().get_name())
        raise


async def main():
    try:
        await asyncio.wait_for(slow("coroutine"), 1)
    except TimeoutError:
        log("coroutine timed out, main cancelling", asyncio.current_task().cancelling())
    t = asyncio.create_task(slow("task"), name="inner")
    try:
        await asyncio.wait_for(t, 1)
    except TimeoutError:
        log("task timed out, cancelled", t.cancelled(), "main cancelling", asyncio.current_task().cancelling())


run(main())

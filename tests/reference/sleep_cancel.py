# Cancelling a task in sleep(d) cancels the sleep's timer: the task sees
# CancelledError at once, the cancelled timer leaves the loop's heap when it
# reaches the head, and the clock never jumps to the old deadline.
from vloop import log, run
import asyncio


async def sleeper(name, delay):
    try:
        await asyncio.sleep(delay)
        log(name, "woke")
    except asyncio.CancelledError as e:
        log(name, "cancelled:", e.args[0] if e.args else "")
        raise


async def main():
    loop = asyncio.get_running_loop()
    t = asyncio.create_task(sleeper("long", 10))
    u = asyncio.create_task(sleeper("short", 5))
    await asyncio.sleep(1)
    log("timers", len(loop._scheduled))
    log("cancel", t.cancel("stop"))
    try:
        await t
    except asyncio.CancelledError:
        log("main saw the cancellation", t.cancelled())
    # The cancelled 10 s timer waits behind the 5 s one.
    log("timers", len(loop._scheduled))
    await u
    log("timers", len(loop._scheduled))
    await asyncio.sleep(0)
    log("timers", len(loop._scheduled))
    await asyncio.sleep(2)
    log("main woke")


run(main())

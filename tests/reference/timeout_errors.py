# Misuse of a Timeout: entering it twice, rescheduling it before entering,
# while expiring, after it finished or expired, and entering outside a task.
from vloop import log, run
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    cm = asyncio.timeout(1)
    try:
        cm.reschedule(5)
    except RuntimeError as e:
        log("reschedule before enter:", e)

    async with cm:
        await asyncio.sleep(0)
    try:
        async with cm:
            pass
    except RuntimeError as e:
        log("enter twice:", e)
    try:
        cm.reschedule(None)
    except RuntimeError as e:
        log("reschedule finished:", e)

    try:
        async with asyncio.timeout(1) as cm:
            try:
                await asyncio.sleep(5)
            except asyncio.CancelledError:
                try:
                    cm.reschedule(None)
                except RuntimeError as e:
                    log("reschedule expiring:", e)
                raise
    except TimeoutError:
        pass
    try:
        cm.reschedule(None)
    except RuntimeError as e:
        log("reschedule expired:", e)
    try:
        async with cm:
            pass
    except RuntimeError as e:
        log("enter expired:", e)

    def outside_task():
        t = asyncio.timeout(1)
        try:
            t.__aenter__().send(None)
        except RuntimeError as e:
            log("enter outside a task:", e)

    loop.call_soon(outside_task)
    await asyncio.sleep(0)


run(main())

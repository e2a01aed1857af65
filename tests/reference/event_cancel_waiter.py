# A waiter cancelled while waiting raises CancelledError and leaves the others
# alone. A waiter cancelled after set() woke it but before it ran raises
# CancelledError too, although the event is set.
from vloop import log, run
import asyncio


async def waiter(e, name):
    log(name, "waits")
    try:
        await e.wait()
    except asyncio.CancelledError:
        log(name, "cancelled, is_set", e.is_set())
        raise
    log(name, "woke")


async def main():
    e = asyncio.Event()
    tasks = [asyncio.create_task(waiter(e, f"w{i}")) for i in range(4)]
    await asyncio.sleep(1)
    tasks[1].cancel()
    log("cancelled w1")
    await asyncio.sleep(1)
    e.set()
    tasks[2].cancel()
    log("set, then cancelled w2")
    for i, t in enumerate(tasks):
        try:
            await t
            log(f"w{i} finished")
        except asyncio.CancelledError:
            log(f"w{i} was cancelled")


run(main())

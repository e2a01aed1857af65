# Sleeps that end at the same instant wake in the order their timers were
# scheduled, whoever started first and whatever the delay.
from vloop import log, run
import asyncio


async def sleeper(name, delay):
    log(name, "sleeps", delay)
    await asyncio.sleep(delay)
    log(name, "woke")


async def late(name, first, second):
    await asyncio.sleep(first)
    log(name, "sleeps again", second)
    await asyncio.sleep(second)
    log(name, "woke")


async def main():
    tasks = [asyncio.create_task(sleeper(n, 1)) for n in ("c", "a", "b")]
    tasks.append(asyncio.create_task(sleeper("x", 2)))
    tasks.append(asyncio.create_task(late("y", 1, 1)))
    tasks.append(asyncio.create_task(late("z", 0.5, 1.5)))
    for t in tasks:
        await t
    log("main done")


run(main())

# Semaphore(2): two workers run at a time, the rest wait and are let in, in
# order, as others release. locked() and the counter along the way.
from vloop import log, run
import asyncio


async def worker(sem, name, secs):
    log(name, "acquiring, locked", sem.locked())
    async with sem:
        log(name, "in, value", sem._value)
        await asyncio.sleep(secs)
        log(name, "out")


async def main():
    sem = asyncio.Semaphore(2)
    log("value", sem._value, "locked", sem.locked())
    tasks = [asyncio.create_task(worker(sem, f"w{i}", s)) for i, s in enumerate([3, 1, 1, 2, 1])]
    await asyncio.sleep(0)
    log("value", sem._value, "locked", sem.locked())
    for t in tasks:
        await t
    log("value", sem._value, "locked", sem.locked())


run(main())

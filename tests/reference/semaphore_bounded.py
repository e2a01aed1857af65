# BoundedSemaphore behaves as Semaphore while released no more than acquired.
from vloop import log, run
import asyncio


async def worker(sem, name):
    async with sem:
        log(name, "in, value", sem._value)
        await asyncio.sleep(1)
    log(name, "out, value", sem._value)


async def main():
    sem = asyncio.BoundedSemaphore(2)
    tasks = [asyncio.create_task(worker(sem, f"w{i}")) for i in range(3)]
    for t in tasks:
        await t
    try:
        sem.release()
    except ValueError as e:
        log("ValueError:", e)
    log("value", sem._value)


run(main())

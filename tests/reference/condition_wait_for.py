# wait_for(predicate) checks the predicate first (no wait if true), waits
# again while it is false, and returns the predicate's value. Every
# notify_all() makes every waiter check its predicate once, holding the lock.
from vloop import log, run
import asyncio

count = 0


async def consumer(cond, name, need):
    def predicate():
        log(name, "checks", count)
        return count if count >= need else 0

    async with cond:
        log(name, "waits for", need)
        r = await cond.wait_for(predicate)
        log(name, "got", r)


async def main():
    global count
    cond = asyncio.Condition()
    tasks = [asyncio.create_task(consumer(cond, f"c{n}", n)) for n in (2, 1, 3)]
    await asyncio.sleep(1)
    for i in range(3):
        async with cond:
            count += 1
            log("count", count)
            cond.notify_all()
        await asyncio.sleep(1)
    loop = asyncio.get_running_loop()
    loop.call_soon(lambda: log("callback"))
    async with cond:
        r = await cond.wait_for(lambda: count)
        log("main wait_for returned", r, "without waiting")
    for t in tasks:
        await t
    log("done")


run(main())

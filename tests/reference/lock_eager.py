# With the eager task factory, a task that meets a held lock queues inside
# create_task; one created while a woken waiter has not run yet queues behind
# it; one that finds the lock free runs to completion inside create_task.
from vloop import log, run
import asyncio


async def worker(lock, name):
    log(name, "acquiring")
    async with lock:
        log(name, "acquired")
        await asyncio.sleep(1)
    log(name, "released")


async def quick(lock):
    async with lock:
        log("quick acquired")
    return "quick"


async def main():
    loop = asyncio.get_running_loop()
    loop.set_task_factory(asyncio.eager_task_factory)
    lock = asyncio.Lock()
    await lock.acquire()
    w0 = asyncio.create_task(worker(lock, "w0"))
    w1 = asyncio.create_task(worker(lock, "w1"))
    log("created w0 w1")
    lock.release()
    w2 = asyncio.create_task(worker(lock, "w2"))
    log("released, created w2")
    for t in (w0, w1, w2):
        await t
    q = asyncio.create_task(quick(lock))
    log("quick done", q.done(), q.result(), "locked", lock.locked())


run(main())

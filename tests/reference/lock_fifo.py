# Lock hands itself to its waiters in FIFO order. Between release() and the
# woken waiter's step the lock is unlocked, yet a newcomer's acquire() queues
# behind the woken waiter (the first waiter's future is done, not cancelled).
from vloop import log, run
import asyncio


async def worker(lock, name):
    log(name, "acquiring")
    await lock.acquire()
    log(name, "acquired")
    await asyncio.sleep(1)
    log(name, "releasing")
    lock.release()


async def main():
    lock = asyncio.Lock()
    await lock.acquire()
    log("main holds the lock", lock.locked())
    tasks = [asyncio.create_task(worker(lock, f"w{i}")) for i in range(3)]
    await asyncio.sleep(1)
    lock.release()
    log("main released, locked", lock.locked())
    tasks.append(asyncio.create_task(worker(lock, "newcomer")))
    for t in tasks:
        await t
    log("done, locked", lock.locked())


run(main())
